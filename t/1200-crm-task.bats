#!/usr/bin/env bats
# crm-task: tasks for people: add (to a user, round-robin to a department,
# from a list of parties on stdin, never doubled), list, done, reassign.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	crm_setup
}

# Three parties (leads) "Завод A", "Завод B", "Завод C" with e-mail a@x.ru, b@x.ru, c@x.ru; each
# came with a notice to anna. Their ids go to $A, $B, $C.
three_parties() {
	printf 'name\temail\nЗавод A\ta@x.ru\nЗавод B\tb@x.ru\nЗавод C\tc@x.ru\n' | crm-lead add >/dev/null
	A=$(tsv_pick "$(crm-lead list)" email=a@x.ru party)
	B=$(tsv_pick "$(crm-lead list)" email=b@x.ru party)
	C=$(tsv_pick "$(crm-lead list)" email=c@x.ru party)
}

# Add a task from options; print its id.
task() {
	crm-task add -H --columns id "$@"
}

# The assignee's login of task $1.
assignee_of() {
	task_row "$1" assignee
}

# The ids of the records of TSV $1, comma-separated.
ids() {
	tail -n +2 <<<"$1" | cut -f1 | paste -sd, -
}

# Every task, open or done.
ntasks() {
	count_of crm-task list --status all
}

# Columns $1 of the tasks of kind $2, open or done, "," between tasks, by
# party.
tasks_of_kind() {
	local out
	out=$(listing crm-task list --status all --kind "$2") || return 1
	tsv_pick "$out" "" "$1" | sort -n | paste -sd, -
}

# Whom the next round-robin task of prom would go to (a dry run).
next_in_prom() {
	crm-task add --dry-run --kind turn --to dept:prom --no-party -H --columns assignee 2>/dev/null
}

# ---- add

@test "add gives a task to a user, due a duration after CRM_NOW" {
	three_parties
	run --separate-stderr crm-task add --kind call --to ivan --due 3d --party "$A" --title "Позвонить"
	[ "$status" -eq 0 ]
	[ "$(head -n 1 <<<"$output")" = $'id\tkind\tstatus\tdue\tassignee\tparty\trequest\ttitle' ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" kind)" = call ]
	[ "$(tsv_get "$output" status)" = open ]
	[ "$(tsv_get "$output" due)" = 2026-11-29T10:00:00Z ]
	[ "$(tsv_get "$output" assignee)" = ivan ]
	[ "$(tsv_get "$output" party)" = "$A" ]
	[ "$(tsv_get "$output" title)" = "Позвонить" ]
	id=$(tsv_get "$output" id)
	[ "$(task_row "$id" kind,due,status,party)" = "call|2026-11-29T10:00:00Z|open|$A" ]
	# Who made a task no command shows.
	[ "$(sql "SELECT created_by FROM task WHERE id = $id")" = root ]
	[ "$(assignee_of "$id")" = ivan ]
}

@test "--due takes hours, minutes and absolute times with an offset" {
	id=$(task --kind call --to ivan --due 90m --no-party --title a)
	[ "$(task_row "$id" due)" = 2026-11-26T11:30:00Z ]
	id=$(task --kind call --to ivan --due 12h --no-party --title b)
	[ "$(task_row "$id" due)" = 2026-11-26T22:00:00Z ]
	id=$(task --kind call --to ivan --due "2026-12-01 12:00+03:00" --no-party --title c)
	[ "$(task_row "$id" due)" = 2026-12-01T09:00:00Z ]
	id=$(CRM_NOW=2026-12-31T23:00:00Z task --kind call --to ivan --due 2h --no-party --title d)
	[ "$(task_row "$id" due)" = 2027-01-01T01:00:00Z ]
}

@test "a task without --to is the acting user's" {
	id=$(CRM_USER=petr task --kind call --no-party --title "себе")
	[ "$(assignee_of "$id")" = petr ]
	# Who made a task no command shows.
	[ "$(sql "SELECT created_by FROM task WHERE id = $id")" = petr ]
}

@test "--to dept:prom hands tasks to its managers in turn" {
	three_parties
	a=$(task --kind call --to dept:prom --party "$A")
	b=$(task --kind call --to dept:prom --party "$B")
	c=$(task --kind call --to dept:prom --party "$C")
	d=$(task --kind call --to dept:prom --no-party --title "ещё")
	[ "$(assignee_of "$a") $(assignee_of "$b") $(assignee_of "$c") $(assignee_of "$d")" = "ivan petr ivan petr" ]
	# olga (hight) never gets a prom task.
	[ "$(count_of crm-task list --status all --assignee olga)" -eq 0 ]
}

@test "round-robin skips a deactivated manager" {
	crm-admin user set petr --active 0
	a=$(task --kind call --to dept:prom --no-party --title one)
	b=$(task --kind call --to dept:prom --no-party --title two)
	[ "$(assignee_of "$a") $(assignee_of "$b")" = "ivan ivan" ]
}

@test "--party and --request link the task to them" {
	id=$(crm-lead add -H --columns id --name X --email x@x.ru)
	party=$(party_of "$id")
	run --separate-stderr crm-task add --kind proposal --to ivan --party "$party" --request "$id"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" party)" = "$party" ]
	[ "$(tsv_get "$output" request)" = "$id" ]
	t=$(tsv_get "$output" id)
	[ "$(task_row "$t" party,request)" = "$party|$id" ]
}

@test "a task for an unknown party or request is refused" {
	n=$(ntasks)
	run --separate-stderr crm-task add --kind call --to ivan --party 999
	[ "$status" -eq 65 ]
	run --separate-stderr crm-task add --kind call --to ivan --request 999
	[ "$status" -eq 65 ]
	run --separate-stderr crm-task add --kind call --to ivan --party abc
	[ "$status" -eq 64 ]
	[ "$(ntasks)" -eq "$n" ]
}

@test "a list of parties on stdin becomes call tasks" {
	three_parties
	n=$(ntasks)
	make_calls() {
		crm-lead find --name "ЗАВОД" | crm-task add --kind call --to dept:prom --due 1d
	}
	run --separate-stderr make_calls
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(ntasks)" -eq $((n + 3)) ]
	[ "$(tasks_of_kind party call)" = "$A,$B,$C" ]
	[ "$(tasks_of_kind due call | tr , '\n' | sort -u)" = 2026-11-27T10:00:00Z ]
	[ "$(tsv_pick "$(crm-task list --kind call)" "" id,assignee | sort -n | cut -d'|' -f2 | paste -sd' ' -)" = "ivan petr ivan" ]
}

@test "a party list with a party column, or another --key, is read too" {
	three_parties
	by_party_column() {
		crm-lead list --columns id,party | crm-task add --kind followup --to ivan
	}
	run --separate-stderr by_party_column
	[ "$status" -eq 0 ]
	[ "$(tasks_of_kind party followup)" = "$A,$B,$C" ]
	by_key() {
		printf 'who\tnote\n%s\tx\n' "$B" | crm-task add --kind visit --to petr --key who
	}
	run --separate-stderr by_key
	[ "$status" -eq 0 ]
	[ "$(tasks_of_kind party visit)" = "$B" ]
}

@test "an open task of the same kind for the same party is not doubled" {
	three_parties
	calls() {
		printf 'id\n%s\n%s\n' "$A" "$B" | crm-task add --kind call --to dept:prom
	}
	calls >/dev/null
	n=$(ntasks)
	rr=$(next_in_prom)
	[ "$rr" = ivan ]
	run --separate-stderr calls
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"party $A has an open call task already"* ]]
	[[ "$stderr" == *"party $B has an open call task already"* ]]
	[ "$(ntasks)" -eq "$n" ]
	# The round-robin did not move on for the doubles.
	[ "$(next_in_prom)" = "$rr" ]
	# From options too: the existing task is shown.
	existing=$(tsv_pick "$(crm-task list --kind call --party "$A")" "" id)
	run --separate-stderr crm-task add --kind call --to olga --party "$A"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" id)" = "$existing" ]
	[ "$(tsv_get "$output" assignee)" != olga ]
	[ "$(ntasks)" -eq "$n" ]
	# Another kind is another task.
	run --separate-stderr crm-task add --kind visit --to olga --party "$A"
	[ "$status" -eq 0 ]
	[ "$(ntasks)" -eq $((n + 1)) ]
}

@test "a done task does not stop a new one of the same kind" {
	three_parties
	first=$(task --kind call --to ivan --party "$A")
	as ivan crm-task done "$first" >/dev/null
	run --separate-stderr crm-task add --kind call --to ivan --party "$A"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" id)" != "$first" ]
	[ "$(count_of crm-task list --status all --kind call --party "$A")" -eq 2 ]
}

@test "--dry-run shows the task and writes nothing" {
	three_parties
	n=$(ntasks)
	rr=$(next_in_prom)
	run --separate-stderr crm-task add --dry-run --kind call --to dept:prom --party "$A"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" assignee)" = ivan ]
	[[ "$stderr" == *"dry run"* ]]
	[ "$(ntasks)" -eq "$n" ]
	# The round-robin did not move on.
	[ "$(next_in_prom)" = "$rr" ]
	[ "$rr" = ivan ]
}

# ---- bad input

@test "add without --kind is a usage error" {
	run --separate-stderr crm-task add --to ivan --no-party --title x
	[ "$status" -eq 64 ]
	[[ "$stderr" == *--kind* ]]
	[ "$(ntasks)" -eq 0 ]
}

@test "a task for an unknown user is refused" {
	run --separate-stderr crm-task add --kind call --to ghost --no-party --title x
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"ghost"'* ]]
	[ "$(ntasks)" -eq 0 ]
}

@test "a bad due time is refused" {
	for due in tomorrow 3x 2026-13-01 "2026-02-30"; do
		run --separate-stderr crm-task add --kind call --to ivan --due "$due" --no-party --title x
		[ "$status" -eq 65 ]
		[[ "$stderr" == *"\"$due\""* ]]
	done
	[ "$(ntasks)" -eq 0 ]
}

@test "a department with no managers cannot take tasks" {
	run --separate-stderr crm-task add --kind call --to dept:term --no-party --title x
	[ "$status" -eq 65 ]
	[[ "$stderr" == *term* ]]
	run --separate-stderr crm-task add --kind call --to dept:nosuch --no-party --title x
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"nosuch"'* ]]
	[ "$(ntasks)" -eq 0 ]
}

@test "a task kind is lower-case letters, digits, _ and -" {
	run --separate-stderr crm-task add --kind "Call me" --to ivan --no-party --title x
	[ "$status" -eq 65 ]
	run --separate-stderr crm-task add --kind "" --to ivan --no-party --title x
	[ "$status" -eq 64 ]
	[ "$(ntasks)" -eq 0 ]
	run --separate-stderr crm-task add --kind check-work_2 --to ivan --no-party --title x
	[ "$status" -eq 0 ]
}

@test "a warehouse user may not add tasks, a stranger may do nothing" {
	run --separate-stderr as wes crm-task add --kind call --no-party --title x
	[ "$status" -eq 77 ]
	run --separate-stderr as ghost crm-task list
	[ "$status" -eq 77 ]
	[ "$(ntasks)" -eq 0 ]
}

@test "a missing database is reported, an unknown verb or option is a usage error" {
	run --separate-stderr env CRM_DB="$BATS_TEST_TMPDIR/none.db" crm-task list
	[ "$status" -eq 66 ]
	[ ! -e "$BATS_TEST_TMPDIR/none.db" ]
	run --separate-stderr crm-task frob
	[ "$status" -eq 64 ]
	run --separate-stderr crm-task list --due 3d
	[ "$status" -eq 64 ]
	run --separate-stderr crm-task list --status maybe
	[ "$status" -eq 64 ]
}

@test "a batch of tasks with one bad row writes nothing, --keep-going the rest" {
	three_parties
	n=$(ntasks)
	batch() {
		printf 'id\n%s\n999\n%s\n' "$A" "$B" | crm-task add --kind call --to ivan "$@"
	}
	run --separate-stderr batch
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 3"* ]]
	[ -z "$output" ]
	[ "$(ntasks)" -eq "$n" ]
	run --separate-stderr batch --keep-going
	[ "$status" -eq 65 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(tasks_of_kind party call)" = "$A,$B" ]
}

# ---- list

# Tasks (besides anna's three notices): ivan call A due 2d, petr call B
# overdue (due 2026-11-25), ivan visit C done, olga call C due 1h.
some_tasks() {
	three_parties
	T1=$(task --kind call --to ivan --party "$A" --due 2d)
	T2=$(task --kind call --to petr --party "$B" --due 2026-11-25T10:00:00Z)
	T3=$(task --kind visit --to ivan --party "$C")
	as ivan crm-task done "$T3" >/dev/null
	T4=$(task --kind call --to olga --party "$C" --due 1h)
}

@test "list shows open tasks, soonest due first" {
	some_tasks
	run --separate-stderr crm-task list --kind call
	[ "$status" -eq 0 ]
	[ "$(head -n 1 <<<"$output")" = \
		$'id\tkind\tstatus\tdue\tassignee\tparty\tparty_name\trequest\ttitle\tcreated\torigin\tdone_at\tdone_by' ]
	[ "$(ids "$output")" = "$T2,$T4,$T1" ]
	[ "$(tsv_get "$output" party_name)" = "Завод B" ]
	run --separate-stderr crm-task list
	[ "$(tsv_count "$output")" -eq 6 ]
}

@test "list --mine shows the acting user's open tasks" {
	some_tasks
	run --separate-stderr as ivan crm-task list --mine
	[ "$status" -eq 0 ]
	[ "$(ids "$output")" = "$T1" ]
	run --separate-stderr as anna crm-task list --mine --kind notice
	[ "$(tsv_count "$output")" -eq 3 ]
	run --separate-stderr as mila crm-task list --mine
	[ "$status" -eq 1 ]
}

@test "list --overdue compares the due time with CRM_NOW" {
	some_tasks
	run --separate-stderr crm-task list --overdue
	[ "$status" -eq 0 ]
	[ "$(ids "$output")" = "$T2" ]
	[ "$(ids "$(CRM_NOW=2026-11-26T12:00:00Z crm-task list --overdue)")" = "$T2,$T4" ]
	[ "$(ids "$(CRM_NOW=2026-12-31T00:00:00Z crm-task list --overdue)")" = "$T2,$T4,$T1" ]
	# A done task is never overdue; a task without a due time neither.
	[[ ",$(ids "$(CRM_NOW=2027-01-01T00:00:00Z crm-task list --overdue)")," != *",$T3,"* ]]
	run --separate-stderr env CRM_NOW=2026-11-20T00:00:00Z crm-task list --overdue
	[ "$status" -eq 1 ]
}

@test "list --kind and --to filter by kind, user and department" {
	some_tasks
	[ "$(ids "$(crm-task list --to ivan)")" = "$T1" ]
	[ "$(ids "$(crm-task list --to petr --kind call)")" = "$T2" ]
	[ "$(ids "$(crm-task list --to dept:prom)")" = "$T2,$T1" ]
	[ "$(ids "$(crm-task list --to dept:hight)")" = "$T4" ]
	[ "$(tsv_count "$(crm-task list --kind notice)")" -eq 3 ]
	[ "$(ids "$(crm-task list --party "$C" --kind call)")" = "$T4" ]
	[ "$(tsv_count "$(crm-task list --party "$C")")" -eq 2 ]
	run --separate-stderr crm-task list --kind visit
	[ "$status" -eq 1 ]
	run --separate-stderr crm-task list --to ghost
	[ "$status" -eq 65 ]
}

@test "list --status done and all include closed tasks" {
	some_tasks
	[ "$(ids "$(crm-task list --status done)")" = "$T3" ]
	[ "$(tsv_get "$(crm-task list --status done)" status)" = done ]
	[ "$(tsv_count "$(crm-task list --status all)")" -eq 7 ]
	[ "$(ids "$(crm-task list --status all --kind visit)")" = "$T3" ]
}

# ---- done, reassign

@test "the assignee closes a task" {
	some_tasks
	run --separate-stderr as ivan crm-task done "$T1"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" id)" = "$T1" ]
	[ "$(tsv_get "$output" status)" = done ]
	[ "$(task_row "$T1" status,done_at,done_by)" = "done|2026-11-26T10:00:00Z|ivan" ]
	# The audit log, which no command shows, names who closed it.
	[ "$(sql "SELECT count(*) FROM audit WHERE who = 'ivan' AND tbl = 'task' AND row_id = $T1 AND action = 'update'
		AND json_extract(after, '\$.status') = 'done'")" -eq 1 ]
}

@test "a head or admin closes anyone's task, another manager may not" {
	some_tasks
	run --separate-stderr as petr crm-task done "$T1"
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"not yours"* ]]
	[ -z "$output" ]
	[ "$(task_row "$T1" status)" = open ]
	run --separate-stderr as mila crm-task done "$T1"
	[ "$status" -eq 77 ]
	[ "$(task_row "$T1" status)" = open ]
	run --separate-stderr as anna crm-task done "$T1"
	[ "$status" -eq 0 ]
	run --separate-stderr crm-task done "$T2"
	[ "$status" -eq 0 ]
	[ "$(task_row "$T1" status) $(task_row "$T2" status)" = "done done" ]
}

@test "done on a task that does not exist fails with 65" {
	run --separate-stderr crm-task done 999
	[ "$status" -eq 65 ]
	[[ "$stderr" == *999* ]]
}

@test "crm-task list --mine | crm-task done closes one's own tasks" {
	some_tasks
	close_mine() {
		as anna crm-task list --mine --kind notice | as anna crm-task done
	}
	run --separate-stderr close_mine
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(count_of crm-task list --kind notice --status open)" -eq 0 ]
	[ "$(task_row "$T1" status)" = open ]
}

@test "a batch of done with one task that is not yours closes nothing" {
	some_tasks
	batch() {
		printf 'id\n%s\n%s\n' "$T1" "$T2" | as ivan crm-task done
	}
	run --separate-stderr batch
	[ "$status" -eq 77 ]
	[ -z "$output" ]
	[ "$(task_row "$T1" status)" = open ]
	[ "$(task_row "$T2" status)" = open ]
}

@test "the head reassigns a task" {
	some_tasks
	run --separate-stderr as anna crm-task reassign --to petr "$T1"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" assignee)" = petr ]
	[ "$(assignee_of "$T1")" = petr ]
	# The audit log, which no command shows, names who reassigned.
	[ "$(sql "SELECT count(*) FROM audit WHERE who = 'anna' AND tbl = 'task' AND row_id = $T1 AND action = 'update'")" -eq 1 ]
	run --separate-stderr as anna crm-task reassign --to dept:hight "$T1"
	[ "$status" -eq 0 ]
	[ "$(assignee_of "$T1")" = olga ]
}

@test "only a head or admin may reassign, and only to a known user" {
	some_tasks
	run --separate-stderr as ivan crm-task reassign --to petr "$T1"
	[ "$status" -eq 77 ]
	[ "$(assignee_of "$T1")" = ivan ]
	run --separate-stderr as anna crm-task reassign --to ghost "$T1"
	[ "$status" -eq 65 ]
	run --separate-stderr as anna crm-task reassign --to dept:term "$T1"
	[ "$status" -eq 65 ]
	run --separate-stderr as anna crm-task reassign "$T1"
	[ "$status" -eq 64 ]
	[ "$(assignee_of "$T1")" = ivan ]
}

@test "a list of parties on stdin gets the --title of the command line unless it has its own" {
	crm-lead add --name "А" --email a@ex.ru > /dev/null
	crm-lead add --name "Б" --email b@ex.ru > /dev/null
	printf 'party\ttitle\n1\t\n2\tсвой заголовок\n' | crm-task add --kind call --to ivan --title "Предложить сервис" > /dev/null
	[ "$(tsv_pick "$(crm-task list --kind call)" party=1 title)" = "Предложить сервис" ]
	[ "$(tsv_pick "$(crm-task list --kind call)" party=2 title)" = "свой заголовок" ]
}

@test "an empty pipe or /dev/null on stdin is refused and makes no task" {
	n=$(ntasks)
	bogus() {
		crm-export --bogus 2>/dev/null | crm-task add --kind call --to dept:prom --title 'Обзвон'
	}
	run --separate-stderr bogus
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"empty input: no header line"* ]]
	[ -z "$output" ]
	run --separate-stderr crm-task add --kind todo --to ivan --title "Заказать каталоги" < /dev/null
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"empty input: no header line"* ]]
	run --separate-stderr crm-task list --kind todo
	[ "$status" -eq 1 ]
	[ "$(ntasks)" -eq "$n" ]
}

@test "--no-party makes the one task of the options without reading stdin" {
	run --separate-stderr crm-task add --kind todo --to ivan --title "Заказать каталоги" --no-party < /dev/null
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" title)" = "Заказать каталоги" ]
	[ -z "$(tsv_get "$output" party)" ]
	run --separate-stderr crm-task add --kind todo --no-party --party 1
	[ "$status" -eq 64 ]
}

@test "a task with its own title or due time is another task; the same one again is not" {
	three_parties
	run --separate-stderr crm-task add --kind offer --to ivan --party "$A" --title 'КП1' --due 2d
	[ "$status" -eq 0 ]
	first=$(tsv_get "$output" id)
	run --separate-stderr crm-task add --kind offer --to ivan --party "$A" --title 'КП2' --due 3d
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	second=$(tsv_get "$output" id)
	[ "$second" != "$first" ]
	[ "$(tsv_get "$output" title)" = 'КП2' ]
	# Another due time is another task too.
	run --separate-stderr crm-task add --kind offer --to ivan --party "$A" --title 'КП2' --due 5d
	[ "$status" -eq 0 ]
	third=$(tsv_get "$output" id)
	[ "$third" != "$second" ] && [ "$third" != "$first" ]
	# The very same task again is the one there is.
	run --separate-stderr crm-task add --kind offer --to ivan --party "$A" --title 'КП2' --due 3d
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" id)" = "$second" ]
	[[ "$stderr" == *"party $A has an open offer task already: task $second"* ]]
	[ "$(tsv_count "$(crm-task list --kind offer --party "$A")")" -eq 3 ]
}

@test "a campaign call with a title is not absorbed into an older untitled call" {
	three_parties
	old=$(task --kind call --to ivan --party "$A")
	campaign() {
		printf 'party\n%s\n' "$A" | as mila crm-task add --kind call --to dept:prom --title 'Обзвон'
	}
	run --separate-stderr campaign
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$(tsv_get "$output" id)" != "$old" ]
	[ "$(tsv_get "$output" title)" = 'Обзвон' ]
	[ "$(tsv_count "$(crm-task list --kind call --party "$A")")" -eq 2 ]
}

# Party $A owned by petr, $B routed to prom without an owner, $C neither.
owned_parties() {
	three_parties
	as anna crm-lead assign --to petr "$(crm-lead list -H --columns id --party "$A")" >/dev/null
	as anna crm-lead route --dept prom "$(crm-lead list -H --columns id --party "$B")" >/dev/null
}

@test "--to owner: the party's active owner, else its department's turn, else the head" {
	owned_parties
	[ "$(tsv_get "$(crm-task add --kind call --to owner --party "$A")" assignee)" = petr ]
	[ "$(tsv_get "$(crm-task add --kind call --to owner --party "$B")" assignee)" = ivan ]
	[ "$(tsv_get "$(crm-task add --kind visit --to owner --party "$B")" assignee)" = petr ]
	[ "$(tsv_get "$(crm-task add --kind call --to owner --party "$C")" assignee)" = anna ]
	crm-admin user set petr --active 0 2>/dev/null
	[ "$(tsv_get "$(crm-task add --kind visit --to owner --party "$A")" assignee)" = ivan ]
	run --separate-stderr crm-task add --kind call --to owner --no-party
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"owner"* ]]
}

@test "reassign --to owner hands each task to its party's owner, not the next in turn" {
	owned_parties
	t=$(task --kind callback --to ivan --party "$A")
	u=$(task --kind callback --to petr --party "$C")
	by_owner() {
		as anna crm-task list --kind callback | as anna crm-task reassign --to owner
	}
	run --separate-stderr by_owner
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" id)" = "$t" ]
	[ "$(tsv_get "$output" assignee)" = petr ]
	[ "$(tsv_get "$output" assignee 3)" = anna ]
	# dept:NAME is the department's turn, whoever owns the party.
	[ "$(tsv_get "$(as anna crm-task reassign --to dept:prom "$t")" assignee)" = ivan ]
	nop=$(task --kind todo --to ivan --no-party --title x)
	run --separate-stderr as anna crm-task reassign --to owner "$nop"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"task $nop has no party"* ]]
}

@test "a call list exported from a segment goes to each party's owner by default" {
	crm-lead add --name 'Завод A' --phone '+7 495 111-11-11' >/dev/null
	crm-lead add --name 'Завод B' --phone '+7 495 222-22-22' >/dev/null
	as anna crm-lead assign --to petr 1 >/dev/null
	calls() {
		crm-export --profile calls --has-phone --format tsv | as mila crm-task add --kind call
	}
	run --separate-stderr calls
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(tsv_get "$output" party)" = 1 ]
	[ "$(tsv_get "$output" assignee)" = petr ]
	[ "$(tsv_get "$output" party 3)" = 2 ]
	[ "$(tsv_get "$output" assignee 3)" = anna ]
	# --to still wins.
	run --separate-stderr bash -c 'crm-export --profile calls --has-phone --format tsv | CRM_USER=mila crm-task add --kind visit --to ivan'
	[ "$(tsv_get "$output" assignee)" = ivan ]
	[ "$(tsv_get "$output" assignee 3)" = ivan ]
}
