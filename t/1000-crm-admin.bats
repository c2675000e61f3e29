#!/usr/bin/env bats
# 1000-crm-admin: creating the database, users, departments, settings,
# backup and check; role checks; the audit log; concurrency.

load helpers

setup() { crm_setup; }

@test "init makes the invoking user the admin and refuses a second init" {
	db="$BATS_TEST_TMPDIR/fresh.db"
	run env CRM_DB="$db" CRM_USER=boss crm-admin init
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" admin)" = boss ]
	[ "$(tsv_pick "$(CRM_DB="$db" CRM_USER=boss crm-admin user list)" login=boss role)" = admin ]
	# The file's journal mode no command shows.
	[ "$(sqlite3 "$db" "PRAGMA journal_mode")" = wal ]
	run env CRM_DB="$db" CRM_USER=boss crm-admin init
	[ "$status" -eq 78 ]
	[[ "$output" == *"has users already"* ]]
}

@test "the database goes to XDG_DATA_HOME when neither --db nor CRM_DB is given" {
	unset CRM_DB
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg"
	run crm-admin init
	[ "$status" -eq 0 ]
	[ -f "$XDG_DATA_HOME/crm/crm.db" ]
}

@test "a missing database exits 66 and says how to make one" {
	run crm-lead list --db "$BATS_TEST_TMPDIR/nope.db"
	[ "$status" -eq 66 ]
	[[ "$output" == *"no database at"*"crm-admin init"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/nope.db" ]
}

@test "a file that is not a database is not a crm database (78), named, and not changed" {
	printf 'hello, not sqlite\n' > "$BATS_TEST_TMPDIR/junk.db"
	cp "$BATS_TEST_TMPDIR/junk.db" "$BATS_TEST_TMPDIR/junk.orig"
	run crm-lead list --db "$BATS_TEST_TMPDIR/junk.db"
	[ "$status" -eq 78 ]
	[ "$output" = "crm-lead: $BATS_TEST_TMPDIR/junk.db: not a crm database (not even an SQLite file)" ]
	cmp "$BATS_TEST_TMPDIR/junk.db" "$BATS_TEST_TMPDIR/junk.orig"
	CRM_DB=/etc/passwd run crm-lead list
	[ "$status" -eq 78 ]
	[[ "$output" == *"/etc/passwd: not a crm database"* ]]
	[[ "$output" != *damaged* ]]
}

@test "another program's SQLite database is not a crm database either, and gets no crm tables" {
	sqlite3 "$BATS_TEST_TMPDIR/other.db" "CREATE TABLE notes (t TEXT)"
	for cmd in "crm-lead list" "crm-admin init"; do
		run $cmd --db "$BATS_TEST_TMPDIR/other.db"
		[ "$status" -eq 78 ]
		[[ "$output" == *"other.db: not a crm database (an SQLite database of another program"* ]]
	done
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/other.db" .tables)" = notes ]
}

@test "a database from a newer crm is refused with exit 78" {
	sql "PRAGMA user_version = 999"
	run crm-lead list
	[ "$status" -eq 78 ]
	[[ "$output" == *"newer than this crm"* ]]
}

@test "user add, set and list; a user unknown to the database is refused with 77" {
	run crm-admin user list --columns login,role,dept
	[[ "$output" == *$'ivan\tmanager\tprom'* ]]
	crm-admin user set ivan --dept hight --name "Иван"
	[ "$(tsv_pick "$(crm-admin user list)" login=ivan dept,name)" = "hight|Иван" ]
	run as nobody crm-lead list
	[ "$status" -eq 77 ]
	[[ "$output" == *'user "nobody" is not registered'* ]]
}

@test "user add refuses a bad role, a bad login, an unknown department and a duplicate" {
	run crm-admin user add x1 --role wizard
	[ "$status" -eq 65 ]
	[[ "$output" == *'unknown role "wizard"'* ]]
	run crm-admin user add "bad login" --role manager
	[ "$status" -eq 65 ]
	run crm-admin user add x2 --role manager --dept nowhere
	[ "$status" -eq 65 ]
	[[ "$output" == *'unknown department "nowhere"; departments are: hight, prom, term'* ]]
	run crm-admin user add ivan --role manager
	[ "$status" -eq 65 ]
	[[ "$output" == *"exists already"* ]]
	run crm-admin user add x3
	[ "$status" -eq 64 ]
	for w in owner system; do
		run --separate-stderr crm-admin user add "$w" --role manager
		[ "$status" -eq 65 ]
		[[ "$stderr" == *"\"$w\" is reserved"* ]]
	done
	[ "$(count_of crm-admin user list)" -eq 7 ]
}

@test "a deactivated user can do nothing, and the last admin cannot be removed" {
	crm-admin user set ivan --active 0
	run as ivan crm-lead list
	[ "$status" -eq 77 ]
	[[ "$output" == *deactivated* ]]
	run crm-admin user set root --role manager
	[ "$status" -eq 65 ]
	[[ "$output" == *"no active admin"* ]]
	[ "$(tsv_pick "$(crm-admin user list)" login=root role,active)" = "admin|1" ]
}

# olga (hight) gets two requests (their parties become hers) and a call task.
olga_at_work() {
	crm-lead add --name 'Завод A' --email a@x.ru >/dev/null
	crm-lead add --name 'Завод B' --email b@x.ru >/dev/null
	as anna crm-lead assign --to olga 1 2 >/dev/null
	crm-task add --kind call --to olga --party 1 --title 'Перезвонить' >/dev/null
}

@test "deactivating a user says what open requests, tasks and parties are left" {
	olga_at_work
	run --separate-stderr crm-admin user set olga --active 0
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$stderr" = "crm-admin: olga is deactivated; 2 open requests, 3 open tasks and 2 parties left with them (--handover USER moves them)" ]
	[ "$(tsv_get "$(crm-lead list --columns id,assignee)" assignee)" = olga ]
	# Nothing left: says so too.
	run --separate-stderr crm-admin user set mila --active 0
	[ "$status" -eq 0 ]
	[ "$stderr" = "crm-admin: mila is deactivated; 0 open requests, 0 open tasks and 0 parties left with them" ]
}

@test "--handover moves a leaver's open requests, tasks and parties in one transaction, audited" {
	olga_at_work
	# A callback of her party that went to the department's turn follows it.
	crm-task add --kind callback --to ivan --party 2 >/dev/null
	run --separate-stderr crm-admin user set olga --active 0 --handover petr
	[ "$status" -eq 0 ]
	[ "$stderr" = "crm-admin: olga is deactivated; 2 open requests, 3 open tasks and 2 parties handed over to petr" ]
	run --separate-stderr crm-lead list --columns id,assignee
	[ "$output" = $'id\tassignee\n1\tpetr\n2\tpetr' ]
	run --separate-stderr crm-task list --to olga
	[ "$status" -eq 1 ]
	[ "$(tsv_count "$(crm-task list --to petr)")" -eq 4 ]
	[ "$(tsv_get "$(crm-task list --kind callback --columns id,assignee)" assignee)" = petr ]
	[ "$(tsv_count "$(crm-export --profile contacts --format tsv --manager petr)")" -eq 2 ]
	[ "$(tsv_get "$(crm-admin user list --columns login,active)" active 6)" = 0 ]
	[ "$(sql "SELECT count(*) FROM audit WHERE who = 'root' AND action = 'update'
		AND ((tbl = 'request' AND json_extract(after, '\$.assignee_id') IS NOT NULL)
		  OR (tbl = 'task' AND json_extract(after, '\$.assignee_id') IS NOT NULL)
		  OR (tbl = 'party' AND json_extract(after, '\$.owner_id') IS NOT NULL))")" -eq 8 ]
	# New requests of her parties go to their new owner.
	run --separate-stderr crm-lead add --name 'Завод A' --email a@x.ru --subject 'ещё'
	[ "$(tsv_get "$output" action)" = history ]
	notice=$(tsv_get "$output" task)
	[[ $'\n'"$(crm-task list --to petr --kind notice --columns id)"$'\n' == *$'\n'"$notice"$'\n'* ]]
}

@test "a handover that cannot be done leaves the user active and everything in place" {
	olga_at_work
	run --separate-stderr crm-admin user set olga --active 0 --handover mila
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"mila is not a manager or head"* ]]
	run --separate-stderr crm-admin user set olga --active 0 --handover ghost
	[ "$status" -eq 65 ]
	run --separate-stderr crm-admin user set olga --active 0 --handover olga
	[ "$status" -eq 65 ]
	[ "$(tsv_get "$(crm-admin user list --columns login,active)" active 6)" = 1 ]
	[ "$(tsv_count "$(crm-task list --to olga)")" -eq 3 ]
	run --separate-stderr crm-admin user set olga --handover petr
	[ "$status" -eq 64 ]
	run --separate-stderr crm-admin user set olga --active 0 --handover petr --dry-run
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"handed over to petr"* ]]
	[[ "$stderr" == *"dry run"* ]]
	[ "$(tsv_count "$(crm-task list --to olga)")" -eq 3 ]
}

@test "only an admin manages users, departments and settings (exit 77, naming the role)" {
	run as anna crm-admin user add z --role manager
	[ "$status" -eq 77 ]
	[[ "$output" == *"needs the role admin; anna is head"* ]]
	run as ivan crm-admin dept add service
	[ "$status" -eq 77 ]
	run as mila crm-admin config set country_code 375
	[ "$status" -eq 77 ]
	run as wes crm-admin backup "$BATS_TEST_TMPDIR/b.db"
	[ "$status" -eq 77 ]
	[ ! -e "$BATS_TEST_TMPDIR/b.db" ]
}

@test "departments are data: an admin adds one, with a checked name" {
	crm-admin dept add service --title "Сервис"
	run crm-admin dept list --columns name,title
	[[ "$output" == *$'service\tСервис'* ]]
	run crm-admin dept add service
	[ "$status" -eq 65 ]
	run crm-admin dept add "no spaces"
	[ "$status" -eq 65 ]
}

@test "settings: defaults, set, get, and checked values" {
	run crm-admin config get country_code
	[ "$output" = 7 ]
	crm-admin config set country_code 375
	run crm-admin config get country_code
	[ "$output" = 375 ]
	run crm-admin config set country_code 12345
	[ "$status" -eq 65 ]
	run crm-admin config set no_such_key 1
	[ "$status" -eq 64 ]
	[[ "$output" == *'unknown setting "no_such_key"'* ]]
	run crm-admin config set head nobody
	[ "$status" -eq 65 ]
	run crm-admin config get
	[[ "$output" == *$'country_code\t375\t7'* ]]
}

@test "the country code setting changes how local numbers are read" {
	crm-admin config set country_code 375
	run crm-lead add --name Alesia --phone "029 123 45 67"
	[ "$status" -eq 0 ]
	[ "$(parties phones)" = "+375291234567" ]
}

@test "the head setting decides who gets new-lead notices" {
	crm-admin user add boris --role head
	crm-admin config set head boris
	crm-lead add --name "Новый клиент" --phone "+7 495 000-00-01"
	[ "$(crm-task list --status all -H --columns assignee)" = boris ]
}

@test "backup makes a consistent copy that opens and holds the same rows" {
	crm-lead add --name "Клиент" --email a@b.ru
	crm-admin backup "$BATS_TEST_TMPDIR/copy.db"
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/copy.db" "SELECT count(*) FROM request")" -eq 1 ]
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/copy.db" "PRAGMA integrity_check")" = ok ]
	run crm-admin backup /nonexistent/dir/copy.db
	[ "$status" -eq 74 ]
}

# The requests a user sees in database $1.
requests_in() {
	crm-lead list --db "$1" -H --columns id | wc -l
}

@test "backup while another process writes gives a whole copy" {
	crm-lead add --name "Клиент" --email a@b.ru > /dev/null # committed, maybe still in the WAL
	mkfifo "$BATS_TEST_TMPDIR/in"
	crm-lead add < "$BATS_TEST_TMPDIR/in" > /dev/null &
	writer=$!
	exec 7>"$BATS_TEST_TMPDIR/in"
	{
		printf 'name\temail\n'
		seq 1 1500 | awk '{ printf "n%d\tn%d@ex.ru\n", $1, $1 }'
	} >&7
	# The writer is inside its batch's transaction, which holds the write lock.
	for _ in $(seq 100); do
		sql "BEGIN IMMEDIATE; ROLLBACK" 2>/dev/null || break
		sleep 0.1
	done
	! sql "BEGIN IMMEDIATE; ROLLBACK" 2>/dev/null
	# A copy now has what was committed, none of the batch, and takes no
	# wait for the writer (which waits for us).
	run timeout 20 crm-admin backup "$BATS_TEST_TMPDIR/during.db"
	[ "$status" -eq 0 ]
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/during.db" "PRAGMA integrity_check")" = ok ]
	[ "$(requests_in "$BATS_TEST_TMPDIR/during.db")" -eq 1 ]
	seq 1501 3000 | awk '{ printf "n%d\tn%d@ex.ru\n", $1, $1 }' >&7
	exec 7>&-
	wait $writer
	# A copy after the commit has all of the batch.
	crm-admin backup "$BATS_TEST_TMPDIR/after.db"
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/after.db" "PRAGMA integrity_check")" = ok ]
	[ "$(requests_in "$BATS_TEST_TMPDIR/after.db")" -eq 3001 ]
}

@test "check passes on a good file and reports a broken foreign key with exit 65" {
	run crm-admin check
	[ "$status" -eq 0 ]
	crm-lead add --name "Клиент" --email a@b.ru
	sqlite3 "$CRM_DB" "PRAGMA foreign_keys = OFF; DROP TRIGGER audit_request_update; UPDATE request SET party_id = 999"
	run crm-admin check
	[ "$status" -eq 65 ]
	[[ "$output" == *$'foreign-key\trequest\t1'* ]]
}

# The audit log no command shows: these tests read it in SQL.
@test "every change is audited with who, table, action, before and after" {
	crm-admin user set ivan --name "Иван Иванович"
	run sql "SELECT who, action, json_extract(before, '$.name'), json_extract(after, '$.name') FROM audit WHERE tbl = 'users' AND action = 'update'"
	[ "$output" = "root|update|Иван Орлов|Иван Иванович" ]
	[ "$(sql "SELECT count(*) FROM audit WHERE tbl = 'users' AND action = 'insert'")" -eq 7 ]
}

@test "an update logs the columns it changed; the row as inserted can be put back from the log" {
	crm-admin user set ivan --name "Иван Иванович"
	crm-admin user set ivan --name "Иван И." --phone "+7 495 111-22-33"
	run sql "SELECT before, after FROM audit WHERE tbl = 'users' AND action = 'update' ORDER BY id"
	[ "${lines[0]}" = '{"name":"Иван Орлов"}|{"name":"Иван Иванович"}' ]
	[ "${lines[1]}" = '{"name":"Иван Иванович","phone":null}|{"name":"Иван И.","phone":"+74951112233"}' ]
	# The row as it is now with each update's before put back, newest first,
	# is the row as inserted (json_patch drops the keys whose value is null).
	run sql "SELECT json_patch(json_patch(
			(SELECT json_object('name', name, 'phone', phone) FROM users WHERE login = 'ivan'),
			(SELECT before FROM audit WHERE tbl = 'users' AND action = 'update' ORDER BY id DESC LIMIT 1)),
			(SELECT before FROM audit WHERE tbl = 'users' AND action = 'update' ORDER BY id LIMIT 1))"
	[ "$output" = '{"name":"Иван Орлов"}' ]
}

@test "the sqlite3 tool cannot change audited tables behind crm's back" {
	run sqlite3 "$CRM_DB" "UPDATE users SET role = 'admin' WHERE login = 'ivan'"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no such function: crm_now"* ]]
	[ "$(tsv_pick "$(crm-admin user list)" login=ivan role)" = manager ]
}

@test "two writers at once: both batches land, nothing lost" {
	for w in a b; do
		seq 1 2000 | awk -v w=$w 'BEGIN { print "name\temail" } { printf "%s%d\t%s%d@ex.ru\n", w, $1, w, $1 }' > "$BATS_TEST_TMPDIR/$w.tsv"
	done
	crm-lead add < "$BATS_TEST_TMPDIR/a.tsv" > /dev/null &
	a=$!
	crm-lead add < "$BATS_TEST_TMPDIR/b.tsv" > /dev/null &
	b=$!
	wait $a
	wait $b
	[ "$(count_of crm-lead list)" -eq 4000 ]
	[ "$(requests party | sort -u | wc -l)" -eq 4000 ]
}

@test "a writer that waits too long for the lock exits 75 and the database stays whole" {
	crm-lead add --name "До" --email before@ex.ru
	# Hold the write lock in another process for 3 seconds.
	( sqlite3 "$CRM_DB" "BEGIN IMMEDIATE; SELECT 1;" ".shell sleep 3" "COMMIT;" >/dev/null ) &
	holder=$!
	sleep 0.5
	run env CRM_BUSY_TIMEOUT=200 crm-lead add --name "После" --email after@ex.ru
	wait $holder
	[ "$status" -eq 75 ]
	[[ "$output" == *"busy"*"try again"* ]]
	[ "$(requests name)" = "До" ]
	run crm-admin check
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run crm-lead add --name "После" --email after@ex.ru
	[ "$status" -eq 0 ]
}

@test "a deactivated head in the head setting falls back to the first active head or admin" {
	crm-admin user add boris --role head
	crm-admin config set head boris
	crm-admin user set boris --active 0
	run crm-lead add --name "Клиент" --email k@ex.ru
	[ "$status" -eq 0 ]
	[ "$(crm-task list --status all -H --columns assignee)" = anna ]
	run crm-admin config set head ivan
	[ "$status" -eq 65 ]
	[[ "$output" == *"ivan is not a head or admin"* ]]
}

@test "reading a setting needs a registered user" {
	run as nobody crm-admin config get country_code
	[ "$status" -eq 77 ]
}

@test "init and backup have no dry run: -n is refused before anything is made" {
	run env CRM_DB="$BATS_TEST_TMPDIR/new.db" crm-admin init -n
	[ "$status" -eq 64 ]
	[ ! -e "$BATS_TEST_TMPDIR/new.db" ]
	run crm-admin backup -n "$BATS_TEST_TMPDIR/b.db"
	[ "$status" -eq 64 ]
	[ ! -e "$BATS_TEST_TMPDIR/b.db" ]
}

@test "who made a row and when can never be changed, and a deleted row keeps its insert in the log" {
	crm-lead add --name "А" --email a@ex.ru > /dev/null
	crm-lead add --name "Б" --email b@ex.ru > /dev/null
	# Even through libcrm's own functions, the stamps are guarded by a trigger
	# (the schema and the audit log no command shows).
	run sql "SELECT sql FROM sqlite_master WHERE name = 'audit_party_stamps'"
	[[ "$output" == *"RAISE(ABORT"* ]]
	as anna crm-lead merge --into 1 2 > /dev/null
	run sql "SELECT action || ':' || who FROM audit_log WHERE tbl = 'party' AND row_id = 2 ORDER BY action DESC"
	[ "$output" = "$(printf 'insert:root\ndelete:anna')" ]
}
