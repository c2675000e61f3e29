#!/usr/bin/env bats
# crm-lead: recording requests (from options and TSV batches), dedupe by
# phone and e-mail, routing, assignment, qualification, junk, merge, history,
# and the pipelines that tie the verbs together.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	crm_setup
}

# The columns of a crm-lead add batch, in the order the issue gives them.
HEADER=$'channel\treceived\tname\tcompany\tphone\temail\tsubject\tbody\tsource_ref\tdept'

# One TSV line of the arguments, as they are (callers escape).
row() {
	local IFS=$'\t'
	printf '%s\n' "$*"
}

# Record a request from options; print its id.
lead() {
	crm-lead add -H --columns id "$@"
}

# All that the commands show of the database (helpers.bash).
counts() {
	state
}

# The notes in the history of every party.
notes() {
	local k
	k=$(histories -H --columns kind) || return 1
	grep -c '^note$' <<<"$k"
}

# ---- add

@test "a request from options makes a new lead and notifies the head of sales" {
	run --separate-stderr crm-lead add --name "Иван Петров" --company "ООО Ромашка" \
		--phone "8 (495) 123-45-67" --email Ivan@Mail.RU --subject "Нужен насос"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	id=$(tsv_get "$output" id)
	party=$(tsv_get "$output" party)
	task=$(tsv_get "$output" task)
	[ -n "$id" ]
	[ -n "$party" ]
	[ -n "$task" ]
	[ "$(party_row "$party" kind,company)" = "lead|ООО Ромашка" ]
	[ "$(request_row "$id" channel,status,party)" = "manual|new|$party" ]
	[ "$(shown "$id" phone)" = "+74951234567" ]
	[ "$(shown "$id" email)" = "ivan@mail.ru" ]
	[ "$(shown "$id" contact)" = "Иван Петров" ]
	[ "$(task_row "$task" kind,assignee,party,request,status)" = "notice|anna|$party|$id|open" ]
	[ "$(tsv_pick "$(crm-lead history "$party")" "request=$id" party | wc -l)" -eq 1 ]
}

@test "a TSV batch on stdin records every row with all its columns" {
	{
		echo "$HEADER"
		row mail 2026-11-25T08:00:00Z "Анна" "ЗАО Альфа" "" a@alpha.ru "Компрессор" "Текст письма" "<m1@alpha.ru>" prom
		row call 2026-11-25T09:30:00+03:00 "" "" "+7 903 111-22-33" "" "" "" "call-1001" ""
		row web "" "Boris" "" "" b@beta.ru "Form" "" "web-7" hight
	} >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	[ "$(head -n 1 <<<"$output")" = $'id\tparty\taction\ttask\tsource_ref' ]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(tsv_get "$output" source_ref 2)" = "<m1@alpha.ru>" ]
	[ "$(tsv_get "$output" source_ref 3)" = "call-1001" ]
	[ "$(tsv_get "$output" action 4)" = new-lead ]
	[ "$(count_of crm-lead list)" -eq 3 ]
	[ "$(party_count)" -eq 3 ]
	m1=$(tsv_get "$output" id 2)
	[ "$(shown "$m1" request source_ref)" = "<m1@alpha.ru>" ]
	[ "$(for k in channel received name company email subject body dept status; do shown "$m1" request $k; done | paste -sd'|')" = \
		"mail|2026-11-25T08:00:00Z|Анна|ЗАО Альфа|a@alpha.ru|Компрессор|Текст письма|prom|routed" ]
	# The +03:00 time is stored in UTC; the phone in E.164.
	[ "$(request_row "$(tsv_get "$output" id 3)" channel,received,phone,status)" = \
		"call|2026-11-25T06:30:00Z|+79031112233|new" ]
	[ "$(shown "$(tsv_get "$output" id 3)" request source_ref)" = call-1001 ]
	# An empty received is now (CRM_NOW).
	[ "$(shown "$(tsv_get "$output" id 4)" request source_ref)" = web-7 ]
	[ "$(request_row "$(tsv_get "$output" id 4)" received)" = "2026-11-26T10:00:00Z" ]
}

@test "command-line options are defaults for every record of a batch" {
	{
		printf 'channel\tname\temail\tdept\treceived\n'
		row "" "A" a@x.ru "" ""
		row call "B" b@x.ru hight 2026-11-20T07:00:00Z
	} >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add --channel mail --dept prom --received 2026-11-24T12:00:00Z \
		<"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(tsv_pick "$(crm-lead list)" email=a@x.ru channel,dept,received)" = "mail|prom|2026-11-24T12:00:00Z" ]
	# A field in the record wins over the option.
	[ "$(tsv_pick "$(crm-lead list)" email=b@x.ru channel,dept,received)" = "call|hight|2026-11-20T07:00:00Z" ]
}

@test "a request from a known phone joins the history and notifies the party's manager" {
	first=$(lead --name "Иван Петров" --phone "+7 495 123-45-67" --subject first)
	party=$(party_of "$first")
	as anna crm-lead assign --to ivan "$first" >/dev/null
	[ "$(party_row "$party" manager)" = ivan ]

	run --separate-stderr crm-lead add --phone "8 495 123 45 67" --subject "второе письмо"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = history ]
	[ "$(tsv_get "$output" party)" = "$party" ]
	id=$(tsv_get "$output" id)
	task=$(tsv_get "$output" task)
	[ "$(party_count)" -eq 1 ]
	[ "$(crm-lead history -H --columns request "$party" | grep -c .)" -eq 2 ]
	[ "$(task_row "$task" kind,assignee,request)" = "notice|ivan|$id" ]
	# The head is not bothered about a party that has a manager.
	[ "$(count_of crm-task list --status all --request "$id" --assignee anna)" -eq 0 ]
}

@test "a request from a known sender without a manager notifies the head of sales" {
	first=$(lead --name "Ольга" --email olga@firm.ru)
	run --separate-stderr crm-lead add --email olga@firm.ru --subject again
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = history ]
	[ "$(tsv_get "$output" party)" = "$(party_of "$first")" ]
	task=$(tsv_get "$output" task)
	[ "$(task_row "$task" assignee)" = anna ]
}

@test "a known sender's new e-mail is added to their party" {
	first=$(lead --name "Иван" --phone "+7 495 123-45-67")
	party=$(party_of "$first")
	run --separate-stderr crm-lead add --phone 84951234567 --email New@Firm.RU
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" party)" = "$party" ]
	[ "$(party_row "$party" emails)" = new@firm.ru ]
	[ "$(tsv_pick "$(crm-export --with-junk --format tsv)" emails=new@firm.ru party)" = "$party" ]
	run --separate-stderr crm-lead add --email new@firm.ru --subject "by mail"
	[ "$(tsv_get "$output" action)" = history ]
	[ "$(tsv_get "$output" party)" = "$party" ]
}

@test "a request from a party whose manager was deactivated notifies the head of sales" {
	first=$(lead --name "Иван" --phone "+7 495 123-45-67")
	as anna crm-lead assign --to ivan "$first" >/dev/null
	crm-admin user set ivan --active 0
	run --separate-stderr crm-lead add --phone 84951234567 --subject "ivan left"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = history ]
	task=$(tsv_get "$output" task)
	[ "$(task_row "$task" assignee)" = anna ]
}

@test "every spelling of a phone number finds the same party" {
	first=$(lead --name "Пётр" --phone "8 (495) 123-45-67")
	party=$(party_of "$first")
	for p in "+7 495 1234567" 84951234567 74951234567 4951234567 "8 (495) 123-45-67"; do
		run --separate-stderr crm-lead add --phone "$p" --subject "from $p"
		[ "$status" -eq 0 ]
		[ "$(tsv_get "$output" action)" = history ]
		[ "$(tsv_get "$output" party)" = "$party" ]
	done
	[ "$(party_count)" -eq 1 ]
	[ "$(count_of crm-lead list --party "$party")" -eq 6 ]
	[ "$(party_row "$party" phones,emails,opted_out)" = "+74951234567||" ]
}

@test "e-mail addresses match whatever their case" {
	first=$(lead --name "Иван" --email Ivan@Mail.RU)
	party=$(party_of "$first")
	phones=$(shown "$first" phone)
	[ "$(shown "$first" email)" = ivan@mail.ru ]
	[ -z "$phones" ]
	for e in ivan@mail.ru IVAN@MAIL.RU "<Ivan@mail.ru>"; do
		run --separate-stderr crm-lead add --email "$e" --subject x
		[ "$status" -eq 0 ]
		[ "$(tsv_get "$output" action)" = history ]
		[ "$(tsv_get "$output" party)" = "$party" ]
	done
	[ "$(party_count)" -eq 1 ]
}

@test "two rows from one new sender in one batch make one party" {
	{
		printf 'name\tphone\tsubject\n'
		row "Сидоров" "+7 903 111-22-33" one
		row "" 89031112233 two
	} >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action 2)" = new-lead ]
	[ "$(tsv_get "$output" action 3)" = history ]
	[ "$(tsv_get "$output" party 2)" = "$(tsv_get "$output" party 3)" ]
	[ "$(party_count)" -eq 1 ]
}

@test "a batch run again says once how many it skipped, and -v lists them" {
	printf 'name\temail\tsource_ref\n' > "$BATS_TEST_TMPDIR/in.tsv"
	for i in 1 2 3; do printf 'К%s\tk%s@x.ru\tref-%s\n' "$i" "$i" "$i"; done >> "$BATS_TEST_TMPDIR/in.tsv"
	crm-lead add < "$BATS_TEST_TMPDIR/in.tsv" > /dev/null
	run --separate-stderr crm-lead add < "$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $3 == "duplicate"' <<<"$output" | wc -l)" -eq 3 ]
	[ "$stderr" = "crm-lead: 3 records recorded before (the same source_ref): skipped (-v lists them)" ]
	run --separate-stderr crm-lead add -v < "$BATS_TEST_TMPDIR/in.tsv"
	[ "$(grep -c 'is request [0-9]* already: skipped' <<<"$stderr")" -eq 3 ]
	[[ "$stderr" == *'source_ref "ref-2" is request 2 already: skipped'* ]]
	[ "$(tail -n 1 <<<"$stderr")" = "crm-lead: 3 records recorded before (the same source_ref): skipped" ]
	run --separate-stderr crm-lead add --verbose < "$BATS_TEST_TMPDIR/in.tsv"
	[ "$(grep -c 'already: skipped' <<<"$stderr")" -eq 3 ]
}

@test "a batch warns once how many rows had no source_ref, since a re-run records them again" {
	printf 'name\temail\tsource_ref\nА\ta@x.ru\t\nБ\tb@x.ru\tr-b\nВ\tv@x.ru\t\n' > "$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add < "$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	[ "$stderr" = "crm-lead: warning: 2 records had no source_ref: a re-run records them again" ]
	run --separate-stderr crm-lead add < "$BATS_TEST_TMPDIR/in.tsv"
	[ "$(count_of crm-lead list)" -eq 5 ]
	[[ "$stderr" == *"1 record recorded before (the same source_ref): skipped"* ]]
	[[ "$stderr" == *"warning: 2 records had no source_ref"* ]]
	# One request by hand is not a batch: no warning.
	run --separate-stderr crm-lead add --name "Г" --email g@x.ru
	[ -z "$stderr" ]
}

@test "the same source_ref twice is recorded once" {
	first=$(lead --channel mail --source-ref "<abc@mail.example>" --email a@x.ru --subject hello)
	before=$(counts)
	run --separate-stderr crm-lead add --channel mail --source-ref "<abc@mail.example>" \
		--email someone-else@x.ru --subject "hello again"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = duplicate ]
	[ "$(tsv_get "$output" id)" = "$first" ]
	[[ "$stderr" == *"<abc@mail.example>"* ]]
	[[ "$stderr" == *"request $first"* ]]
	[ "$(counts)" = "$before" ]
}

@test "a batch seen before is a no-op" {
	{
		echo "$HEADER"
		row mail 2026-11-25T08:00:00Z A "" "" a@x.ru s1 b1 m1 ""
		row mail 2026-11-25T08:01:00Z B "" "" b@x.ru s2 b2 m2 ""
	} >"$BATS_TEST_TMPDIR/in.tsv"
	crm-lead add <"$BATS_TEST_TMPDIR/in.tsv" >/dev/null
	before=$(counts)
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action 2)" = duplicate ]
	[ "$(tsv_get "$output" action 3)" = duplicate ]
	[[ "$stderr" == *"2 records recorded before (the same source_ref): skipped"* ]]
	[ "$(counts)" = "$before" ]
}

@test "input with CRLF line ends and a BOM is read" {
	printf '\xef\xbb\xbfname\temail\r\nX\tx@y.ru\r\n' >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	id=$(tsv_get "$output" id)
	[ "$(count_of crm-lead list)" -eq 1 ]
	[ "$(shown "$id" request name)|$(shown "$id" request email)" = "X|x@y.ru" ]
}

# ---- bad input

@test "a batch line with the wrong number of fields is refused, naming the line" {
	{
		echo "$HEADER"
		row mail 2026-11-25T08:00:00Z A "" "" a@x.ru s1 b1 m1 ""
		row mail 2026-11-25T08:00:00Z B "" "" b@x.ru s2 b2 m2
	} >"$BATS_TEST_TMPDIR/in.tsv"
	before=$(counts)
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 3"* ]]
	[[ "$stderr" == *"9 fields"* ]]
	[ -z "$output" ]
	[ "$(counts)" = "$before" ]
}

@test "invalid UTF-8 in a batch is refused with its line and column" {
	{
		printf 'name\temail\n'
		printf 'Good\tg@x.ru\n'
		printf 'Bad\xff\tb@x.ru\n'
	} >"$BATS_TEST_TMPDIR/in.tsv"
	before=$(counts)
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 3"* ]]
	[[ "$stderr" == *"UTF-8"* ]]
	[[ "$stderr" == *"name"* ]]
	[ -z "$output" ]
	[ "$(counts)" = "$before" ]
}

@test "invalid UTF-8 in an option is refused" {
	run --separate-stderr crm-lead add --name "$(printf 'Bad\xff')" --email b@x.ru
	[ "$status" -eq 65 ]
	[ "$(count_of crm-lead list)" -eq 0 ]
}

@test "a bad phone number is refused" {
	run --separate-stderr crm-lead add --name X --phone "12-34"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"12-34"'* ]]
	run --separate-stderr crm-lead add --name X --phone "8 495 CALL-NOW"
	[ "$status" -eq 65 ]
	[ "$(count_of crm-lead list) $(party_count)" = "0 0" ]
}

@test "a bad e-mail address is refused" {
	run --separate-stderr crm-lead add --name X --email "x@"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"x@"'* ]]
	run --separate-stderr crm-lead add --name X --email "no-at-sign.ru"
	[ "$status" -eq 65 ]
	[ "$(count_of crm-lead list) $(party_count)" = "0 0" ]
}

@test "an unknown department is refused and the known ones are named" {
	run --separate-stderr crm-lead add --name X --email x@x.ru --dept nosuch
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"nosuch"'* ]]
	[[ "$stderr" == *prom* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
}

@test "an unknown channel is refused" {
	run --separate-stderr crm-lead add --channel fax --name X
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"fax"'* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
}

@test "a user the database does not know may do nothing" {
	run --separate-stderr as ghost crm-lead add --name X --email x@x.ru
	[ "$status" -eq 77 ]
	[[ "$stderr" == *'"ghost"'* ]]
	run --separate-stderr as ghost crm-lead list
	[ "$status" -eq 77 ]
	[ "$(count_of crm-lead list)" -eq 0 ]
}

@test "assigning to an unknown user is refused" {
	id=$(lead --name X --email x@x.ru)
	run --separate-stderr as anna crm-lead assign --to ghost "$id"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"ghost"'* ]]
	[ "$(request_row "$id" status,assignee)" = "new|" ]
}

@test "a warehouse user may not record or read requests" {
	run --separate-stderr as wes crm-lead add --name X --email x@x.ru
	[ "$status" -eq 77 ]
	[[ "$stderr" == *warehouse* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
	lead --name Y --email y@x.ru >/dev/null
	run --separate-stderr as wes crm-lead list
	[ "$status" -eq 77 ]
	[ -z "$output" ]
}

@test "a missing database is reported and not created" {
	export CRM_DB="$BATS_TEST_TMPDIR/nothere.db"
	run --separate-stderr crm-lead list
	[ "$status" -eq 66 ]
	[[ "$stderr" == *nothere.db* ]]
	run --separate-stderr crm-lead add --name X --email x@x.ru
	[ "$status" -eq 66 ]
	[ ! -e "$BATS_TEST_TMPDIR/nothere.db" ]
}

@test "an unknown verb or option is a usage error" {
	run --separate-stderr crm-lead frobnicate
	[ "$status" -eq 64 ]
	[[ "$stderr" == *frobnicate* ]]
	[[ "$stderr" == *usage:* ]]
	run --separate-stderr crm-lead list --frob
	[ "$status" -eq 64 ]
	run --separate-stderr crm-lead list --to ivan
	[ "$status" -eq 64 ]
	run --separate-stderr crm-lead
	[ "$status" -eq 64 ]
	[ -z "$output" ]
}

@test "a batch with one bad row writes nothing" {
	lead --name Old --email old@x.ru >/dev/null
	before=$(counts)
	{
		echo "$HEADER"
		row mail 2026-11-25T08:00:00Z A "" "" a@x.ru s1 b1 m1 ""
		row mail 2026-11-25T08:00:00Z B "" "" "b@" s2 b2 m2 ""
		row mail 2026-11-25T08:00:00Z C "" "" c@x.ru s3 b3 m3 ""
	} >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 3"* ]]
	[[ "$stderr" == *'"b@"'* ]]
	[ -z "$output" ]
	[ "$(counts)" = "$before" ]
	[ "$(count_of crm-lead list)" -eq 1 ]
}

@test "--keep-going writes the good rows of a batch and still fails" {
	{
		echo "$HEADER"
		row mail 2026-11-25T08:00:00Z A "" "" a@x.ru s1 b1 m1 ""
		row mail 2026-11-25T08:00:00Z B "" "" "b@" s2 b2 m2 ""
		row mail 2026-11-25T08:00:00Z C "" "" c@x.ru s3 b3 m3 nosuch
		row mail 2026-11-25T08:00:00Z D "" "" d@x.ru s4 b4 m4 prom
	} >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add --keep-going <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 3"* ]]
	[[ "$stderr" == *"line 4"* ]]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(tsv_get "$output" source_ref 2)" = m1 ]
	[ "$(tsv_get "$output" source_ref 3)" = m4 ]
	[ "$(crm-lead list -H --columns id | while read -r r; do shown "$r" request source_ref; done | LC_ALL=C sort | paste -sd,)" = "m1,m4" ]
	[ "$(party_count)" -eq 2 ]
	# Nothing of the bad rows is left behind, not even their parties.
	[ "$(parties emails | LC_ALL=C sort | paste -sd,)" = "a@x.ru,d@x.ru" ]
}

@test "--dry-run prints what would happen and writes nothing" {
	lead --name Old --email old@x.ru >/dev/null
	before=$(counts)
	run --separate-stderr crm-lead add --dry-run --name New --email new@x.ru
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	[[ "$stderr" == *"dry run"* ]]
	[ "$(counts)" = "$before" ]

	run --separate-stderr crm-lead add -n --email OLD@x.ru --subject again
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = history ]
	[ "$(counts)" = "$before" ]
}

@test "--dry-run on route changes nothing" {
	id=$(lead --name X --email x@x.ru)
	before=$(counts)
	run --separate-stderr as anna crm-lead route --dry-run --dept prom "$id"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" status)" = routed ]
	[ "$(request_row "$id" status)" = new ]
	[ "$(counts)" = "$before" ]
}

# ---- size

@test "a 1 MB body goes in through TSV and comes out intact" {
	# 58254 times "Насос ЦНС<TAB>" is 1048572 bytes once unescaped: just
	# under the limit of 1 MB (1048576 bytes, crm(7) LIMITS).
	body=$(printf 'Насос ЦНС\\t%.0s' $(seq 58254))
	{
		printf 'name\temail\tbody\n'
		printf 'Big\tbig@x.ru\t%s\n' "$body"
	} >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	id=$(tsv_get "$output" id)
	out=$(crm-lead show "$id" | awk -F'\t' '$1 == "request" && $2 == "body" { print $3 }')
	[ "${#out}" -eq "${#body}" ]
	[ "$out" = "$body" ]
	# Unescaped, as crm-tsv(5) reads it, the body is the 1048572 bytes sent.
	raw=$(shown "$id" request body | tsv_unescape)
	[ "$(printf '%s' "$raw" | wc -c)" -eq 1048572 ]
	[[ "$raw" == $'Насос ЦНС\tНасос ЦНС\t'* ]]
}

@test "a batch of 5000 rows lands whole" {
	awk 'BEGIN {
		OFS = "\t"
		print "channel", "name", "phone", "email", "subject", "source_ref"
		for (i = 1; i <= 5000; i++)
			print "mail", "Client " i, sprintf("+7 495 %07d", i), "c" i "@example.ru", "s" i, "ref-" i
	}' >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add -H <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 5000 ]
	[ "$(count_of crm-lead list)" -eq 5000 ]
	[ "$(count_of crm-export --format tsv --kind lead)" -eq 5000 ]
	[ "$(party_count)" -eq 5000 ]
	# Every party has its one phone and one e-mail.
	[ "$(parties phones,emails | grep -c '^+7495[0-9]\{7\}|c[0-9]*@example.ru$')" -eq 5000 ]
	[ "$(count_of crm-task list --kind notice)" -eq 5000 ]
	id=$(awk -F'\t' '$5 == "ref-4999" { print $1 }' <<<"$output")
	[ "$(request_row "$id" phone,email)" = "+74950004999|c4999@example.ru" ]
}

# ---- TSV round trip

@test "tabs, newlines, backslashes and Cyrillic survive TSV in and out" {
	# Escaped as crm-tsv(5) wants: \t TAB, \n LF, \\ backslash.
	name='Иван\tПетров\\n\nООО «Ромашка»\\'
	subject='тема\tс\\табом\r'
	{
		printf 'name\tsubject\temail\n'
		printf '%s\t%s\t%s\n' "$name" "$subject" i@x.ru
	} >"$BATS_TEST_TMPDIR/in.tsv"
	run --separate-stderr crm-lead add <"$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 0 ]
	id=$(tsv_get "$output" id)

	# Kept unescaped: Miller, reading show as crm-tsv(5), gets back the bytes.
	unescaped() {
		printf '%s' "$(crm-lead show "$id" | mlr --itsv --onidx filter '$section == "request" && $key == "'"$1"'"' then cut -f value)" |
			od -An -tx1 | tr -d ' \n'
	}
	[ "$(unescaped name)" = "$(printf 'Иван\tПетров\\n\nООО «Ромашка»\\' | od -An -tx1 | tr -d ' \n')" ]
	[ "$(unescaped subject)" = "$(printf 'тема\tс\\табом\r' | od -An -tx1 | tr -d ' \n')" ]

	# Out of list and show escaped the same way.
	list=$(crm-lead list)
	[ "$(tsv_count "$list")" -eq 1 ]
	[ "$(tsv_get "$list" name)" = "$name" ]
	[ "$(tsv_get "$list" subject)" = "$subject" ]
	show=$(crm-lead show "$id")
	[ "$(awk -F'\t' '$1 == "request" && $2 == "name" { print $3 }' <<<"$show")" = "$name" ]
	[ "$(awk -F'\t' '$1 == "request" && $2 == "subject" { print $3 }' <<<"$show")" = "$subject" ]

	# Miller reads it as valid TSV and gets back the same text.
	json=$(crm-lead list | mlr --itsv --ojson cat)
	[[ "$json" == *'"name": "Иван\tПетров\\n\nООО «Ромашка»\\"'* ]]
	[[ "$json" == *'"subject": "тема\tс\\табом\r"'* ]]
	# 28 characters: Иван, TAB, Петров, backslash, n, LF, ООО «Ромашка», backslash.
	[ "$(crm-lead list | mlr --itsv --onidx put -q 'print strlen($name)')" -eq 28 ]
	[ "$(crm-lead show "$id" | mlr --itsv --ojson filter '$section == "request" && $key == "name"' | grep -c '"value"')" -eq 1 ]
}

# ---- list

# Four requests: 1 new mail (2 days old), 2 new call (1 hour old),
# 3 routed to hight by hand (3 days old), 4 assigned to ivan (1 day old).
four_requests() {
	{
		echo "$HEADER"
		row mail 2026-11-24T10:00:00Z "A" "" "" a@x.ru s1 "" r1 ""
		row call 2026-11-26T09:00:00Z "B" "" "+7 903 000-00-02" "" s2 "" r2 ""
		row web 2026-11-23T10:00:00Z "C" "" "" c@x.ru s3 "" r3 hight
		row mail 2026-11-25T10:00:00Z "D" "" "" d@x.ru s4 "" r4 prom
	} | crm-lead add >/dev/null
	as anna crm-lead assign --to ivan 4 >/dev/null
}

# The ids of the records of TSV $1, comma-separated.
ids() {
	tail -n +2 <<<"$1" | cut -f1 | paste -sd, -
}

@test "list filters requests by status, department, assignee and channel" {
	four_requests
	run --separate-stderr crm-lead list
	[ "$status" -eq 0 ]
	[ "$(head -n 1 <<<"$output")" = \
		$'id\treceived\tchannel\tstatus\tdept\tassignee\tparty\tname\tphone\temail\tsubject' ]
	[ "$(ids "$output")" = "3,1,4,2" ]
	[ "$(ids "$(crm-lead list --status new)")" = "1,2" ]
	[ "$(ids "$(crm-lead list --status routed)")" = "3" ]
	[ "$(ids "$(crm-lead list --dept hight)")" = "3" ]
	[ "$(ids "$(crm-lead list --dept prom)")" = "4" ]
	[ "$(ids "$(crm-lead list --assignee ivan)")" = "4" ]
	[ "$(ids "$(crm-lead list --channel mail)")" = "1,4" ]
	[ "$(ids "$(crm-lead list --channel mail --status new)")" = "1" ]
	out=$(crm-lead list --assignee ivan)
	[ "$(tsv_get "$out" status)" = assigned ]
	[ "$(tsv_get "$out" assignee)" = ivan ]
	[ "$(tsv_get "$out" dept)" = prom ]
}

@test "list --older counts back from CRM_NOW and --since takes a time or a duration" {
	four_requests
	[ "$(ids "$(crm-lead list --older 12h)")" = "3,1,4" ]
	[ "$(ids "$(crm-lead list --older 2d)")" = "3,1" ]
	[ "$(ids "$(crm-lead list --status new --older 12h)")" = "1" ]
	[ "$(ids "$(crm-lead list --since 2026-11-25)")" = "4,2" ]
	[ "$(ids "$(crm-lead list --since 12h)")" = "2" ]
	# The same filter later in the day catches more.
	[ "$(ids "$(CRM_NOW=2026-11-27T00:00:00Z crm-lead list --status new --older 12h)")" = "1,2" ]
}

@test "list --party shows one party's requests, and --columns and -H shape the output" {
	a=$(lead --name A --email a@x.ru --subject one)
	lead --name B --email b@x.ru >/dev/null
	c=$(lead --email A@X.RU --subject two)
	party=$(party_of "$a")
	run --separate-stderr crm-lead list --party "$party" --columns subject,party
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'subject\tparty\none\t%s\ntwo\t%s' "$party" "$party")" ]
	run --separate-stderr crm-lead list --party "$party" -H --columns id
	[ "$output" = "$(printf '%s\n%s' "$a" "$c")" ]
}

@test "list exits 1 and prints no rows when nothing matches" {
	four_requests
	run --separate-stderr crm-lead list --status junk
	[ "$status" -eq 1 ]
	[ "$(tsv_count "$output")" -eq 0 ]
	run --separate-stderr crm-lead list --older 30d
	[ "$status" -eq 1 ]
	[ "$(tsv_count "$output")" -eq 0 ]
}

@test "list refuses an unknown status instead of matching nothing" {
	four_requests
	run --separate-stderr crm-lead list --status nosuch
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"nosuch"'* ]]
}

@test "list refuses an unknown department, assignee or a bad --older" {
	four_requests
	run --separate-stderr crm-lead list --dept nosuch
	[ "$status" -eq 65 ]
	run --separate-stderr crm-lead list --assignee ghost
	[ "$status" -eq 65 ]
	run --separate-stderr crm-lead list --older soon
	[ "$status" -eq 65 ]
}

# ---- show

@test "show prints the request, its party, contact points, history and open tasks" {
	id=$(lead --channel mail --name "Иван Петров" --company "ООО Ромашка" --phone "+7 495 123-45-67" \
		--email ivan@mail.ru --subject "Насос" --body "Нужен насос ЦНС" --source-ref "<m@x>")
	run --separate-stderr crm-lead show "$id"
	[ "$status" -eq 0 ]
	[ "$(head -n 1 <<<"$output")" = $'section\tkey\tvalue' ]
	v() { awk -F'\t' -v s="$1" -v k="$2" '$1 == s && $2 == k { print $3 }' <<<"$output"; }
	[ "$(v request id)" = "$id" ]
	[ "$(v request status)" = new ]
	[ "$(v request channel)" = mail ]
	[ "$(v request source_ref)" = "<m@x>" ]
	[ "$(v request body)" = "Нужен насос ЦНС" ]
	[ "$(v party kind)" = lead ]
	[ "$(v party name)" = "ООО Ромашка" ]
	[ "$(awk -F'\t' '$1 == "phone" { print $2 }' <<<"$output")" = "+74951234567" ]
	[ "$(awk -F'\t' '$1 == "email" { print $2 }' <<<"$output")" = "ivan@mail.ru" ]
	[ "$(awk -F'\t' '$1 == "contact" { print $2 }' <<<"$output")" = "Иван Петров" ]
	[[ "$(awk -F'\t' '$1 == "history" { print $3 }' <<<"$output")" == *"Насос"* ]]
	[[ "$(awk -F'\t' '$1 == "task" { print $3 }' <<<"$output")" == "notice for anna"* ]]
}

@test "show of an unknown request fails with 65" {
	run --separate-stderr crm-lead show 999
	[ "$status" -eq 65 ]
	[[ "$stderr" == *999* ]]
	run --separate-stderr crm-lead show abc
	[ "$status" -eq 64 ]
}

# ---- find

@test "find --phone finds the party by any spelling of the number" {
	id=$(lead --name "Иван" --phone "+7 (495) 123-45-67")
	lead --name "Other" --phone "+7 495 765-43-21" >/dev/null
	party=$(party_of "$id")
	for p in "8 (495) 123-45-67" "+7 495 1234567" 84951234567 74951234567 4951234567; do
		run --separate-stderr crm-lead find --phone "$p"
		[ "$status" -eq 0 ]
		[ "$(tsv_count "$output")" -eq 1 ]
		[ "$(tsv_get "$output" id)" = "$party" ]
		[ "$(tsv_get "$output" phones)" = "+74951234567" ]
	done
	run --separate-stderr crm-lead find --phone "+7 495 000-00-00"
	[ "$status" -eq 1 ]
}

@test "find --email ignores the case of the address" {
	id=$(lead --name "Иван" --email Ivan@Mail.RU)
	lead --name "Other" --email other@mail.ru >/dev/null
	run --separate-stderr crm-lead find --email IVAN@mail.ru
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" id)" = "$(party_of "$id")" ]
	[ "$(tsv_get "$output" emails)" = ivan@mail.ru ]
}

@test "find --name is a case-insensitive substring, Cyrillic too" {
	a=$(lead --name "ИВАН ПЕТРОВ" --email a@x.ru)
	b=$(lead --company "Ивановский завод" --email b@x.ru)
	lead --name "Пётр Сидоров" --email c@x.ru >/dev/null
	lead --name "Ivan Petrov" --email d@x.ru >/dev/null
	run --separate-stderr crm-lead find --name "иван"
	[ "$status" -eq 0 ]
	[ "$(ids "$output")" = "$(party_of "$a"),$(party_of "$b")" ]
	run --separate-stderr crm-lead find --name "пЕтРоВ"
	[ "$(ids "$output")" = "$(party_of "$a")" ]
	run --separate-stderr crm-lead find --name "IVAN"
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" name)" = "Ivan Petrov" ]
	run --separate-stderr crm-lead find --name "Мария"
	[ "$status" -eq 1 ]
}

@test "find needs a filter" {
	run --separate-stderr crm-lead find
	[ "$status" -eq 64 ]
}

# ---- route, assign

@test "the head routes a request to a department" {
	id=$(lead --name X --email x@x.ru)
	run --separate-stderr as anna crm-lead route --dept prom "$id"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" status)" = routed ]
	[ "$(tsv_get "$output" dept)" = prom ]
	[ "$(request_row "$id" status,dept)" = "routed|prom" ]
	[ "$(shown "$id" party dept)" = prom ]
}

@test "only a head or admin may route, and only to a known department" {
	id=$(lead --name X --email x@x.ru)
	run --separate-stderr as ivan crm-lead route --dept prom "$id"
	[ "$status" -eq 77 ]
	run --separate-stderr as mila crm-lead route --dept prom "$id"
	[ "$status" -eq 77 ]
	run --separate-stderr as anna crm-lead route --dept nosuch "$id"
	[ "$status" -eq 65 ]
	run --separate-stderr as anna crm-lead route "$id"
	[ "$status" -eq 64 ]
	[ "$(request_row "$id" status,dept)" = "new|" ]
	run --separate-stderr crm-lead route --dept hight "$id"
	[ "$status" -eq 0 ]
}

@test "the head assigns a request: it is assigned and the party gets that owner" {
	id=$(lead --name X --email x@x.ru)
	party=$(party_of "$id")
	run --separate-stderr as anna crm-lead assign --to ivan "$id"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" status)" = assigned ]
	[ "$(tsv_get "$output" assignee)" = ivan ]
	[ "$(request_row "$id" status,assignee)" = "assigned|ivan" ]
	[ "$(party_row "$party" manager)" = ivan ]
	# An unrouted request takes the assignee's department.
	[ "$(request_row "$id" dept)" = prom ]
}

@test "assigning a request gives the assignee a notice task" {
	id=$(lead --name X --email x@x.ru)
	run --separate-stderr as anna crm-lead assign --to ivan "$id"
	[ "$status" -eq 0 ]
	[ "$(count_of crm-task list --assignee ivan --kind notice --status open --request "$id")" -eq 1 ]
	run --separate-stderr as ivan crm-task list --mine
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" request)" = "$id" ]
}

@test "a manager may not assign requests" {
	id=$(lead --name X --email x@x.ru)
	before=$(counts)
	run --separate-stderr as ivan crm-lead assign --to petr "$id"
	[ "$status" -eq 77 ]
	[[ "$stderr" == *ivan* ]]
	[ -z "$output" ]
	[ "$(counts)" = "$before" ]
	run --separate-stderr crm-lead assign --to petr "$id"
	[ "$status" -eq 0 ]
}

@test "assigning a request closes the notices it caused, by the system, audited" {
	id=$(lead --name X --email x@x.ru)
	other=$(lead --name Y --email y@x.ru)
	run --separate-stderr as anna crm-task list --mine --kind notice --columns id,request
	[ "$(tsv_count "$output")" -eq 2 ]
	notice=$(tsv_get "$output" id)
	[ "$(tsv_get "$output" request)" = "$id" ]
	as anna crm-lead assign --to ivan "$id" >/dev/null
	run --separate-stderr as anna crm-task list --mine --kind notice --columns request
	[ "$status" -eq 0 ]
	[ "$output" = $'request\n'"$other" ]
	run --separate-stderr crm-task list --status done --columns id,assignee,request,done_by
	[ "$output" = $'id\tassignee\trequest\tdone_by\n'"$notice"$'\tanna\t'"$id"$'\tsystem' ]
	# The audit log, which no command shows, names who assigned.
	[ "$(sql "SELECT who FROM audit WHERE tbl = 'task' AND row_id = $notice AND action = 'update'
		AND json_extract(after, '\$.status') = 'done'")" = anna ]
	# Given to another, the first assignee's notice is done too.
	as anna crm-lead assign --to petr "$id" >/dev/null
	run --separate-stderr crm-task list --kind notice --columns assignee,request,title
	[ "$(tsv_count "$output")" -eq 2 ]
	[[ "$output" == *$'petr\t'"$id"$'\tRequest '"$id"' assigned to you'* ]]
	[[ "$output" != *$'ivan\t'* ]]
	# Once everything is assigned, the head's board is empty.
	as anna crm-lead assign --to olga "$other" >/dev/null
	run --separate-stderr as anna crm-task list --mine
	[ "$status" -eq 1 ]
}

@test "a request routed to one department goes to a manager of another only with --force" {
	id=$(lead --name X --email x@x.ru)
	as anna crm-lead route --dept hight "$id" >/dev/null
	run --separate-stderr as anna crm-lead assign --to petr "$id"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"request $id is routed to hight, petr is in prom"* ]]
	[[ "$stderr" == *--force* ]]
	[ -z "$output" ]
	run --separate-stderr crm-lead list --columns id,status,dept,assignee
	[ "$output" = $'id\tstatus\tdept\tassignee\n'"$id"$'\trouted\thight\t' ]
	run --separate-stderr as anna crm-lead assign --to petr --force "$id"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" dept)" = prom ]
	[ "$(tsv_get "$output" assignee)" = petr ]
	# Within its department, or to a head of none, no --force is needed.
	id2=$(lead --name Y --email y@x.ru)
	as anna crm-lead route --dept hight "$id2" >/dev/null
	[ "$(tsv_get "$(as anna crm-lead assign --to olga "$id2")" assignee)" = olga ]
	[ "$(tsv_get "$(as anna crm-lead assign --to anna "$id2")" assignee)" = anna ]
}

@test "open callbacks of a party follow it to the owner an assignment gives it" {
	id=$(lead --name X --phone '+7 495 111-11-11')
	party=$(party_of "$id")
	cb=$(crm-task add -H --columns id --kind callback --to dept:prom --party "$party")
	[ "$(tsv_get "$(crm-task list --kind callback --columns id,assignee)" assignee)" = ivan ]
	as anna crm-lead assign --to petr "$id" >/dev/null
	run --separate-stderr crm-task list --kind callback --columns id,assignee
	[ "$output" = $'id\tassignee\n'"$cb"$'\tpetr' ]
	# A party that has an owner keeps it, and its callbacks stay.
	id2=$(lead --name X --phone '+7 495 111-11-11' --subject again)
	as anna crm-lead assign --to ivan "$id2" >/dev/null
	[ "$(tsv_get "$(crm-task list --kind callback --columns id,assignee)" assignee)" = petr ]
}

@test "a lead qualified by someone takes its open callbacks along to its new owner" {
	id=$(lead --name X --phone '+7 495 111-11-11')
	party=$(party_of "$id")
	crm-task add --kind callback --to dept:prom --party "$party" >/dev/null
	as anna crm-lead qualify --needs 'ЦНС 38-44' "$id" >/dev/null
	run --separate-stderr crm-task list --kind callback --columns party,assignee
	[ "$output" = $'party\tassignee\n'"$party"$'\tanna' ]
}

@test "requests go only to managers and heads" {
	id=$(lead --name X --email x@x.ru)
	run --separate-stderr as anna crm-lead assign --to mila "$id"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *mila* ]]
	[ "$(request_row "$id" status)" = new ]
}

# ---- qualify, junk

@test "qualifying fills in the party and makes the lead a client" {
	id=$(lead --name "Иван" --email ivan@x.ru --subject "Насос")
	party=$(party_of "$id")
	as anna crm-lead assign --to ivan "$id" >/dev/null
	run --separate-stderr as ivan crm-lead qualify --company "ООО Ромашка" --name "Пётр Иванович" \
		--needs "Насос ЦНС 38-44, 2 шт." --inn 7701234560 --kpp 770101001 --phone "+7 903 111-22-33" "$id"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" status)" = qualified ]
	[ "$(tsv_get "$output" kind)" = client ]
	[ "$(party_row "$party" kind,company,needs,inn,kpp)" = \
		"client|ООО Ромашка|Насос ЦНС 38-44, 2 шт.|7701234560|770101001" ]
	[ "$(shown "$id" contact | grep -c '^Пётр Иванович$')" -eq 1 ]
	[ "$(shown "$id" phone | grep -c '^+79031112233$')" -eq 1 ]
	[ "$(request_row "$id" status)" = qualified ]
}

@test "a manager may qualify only their own requests" {
	id=$(lead --name "Иван" --email ivan@x.ru)
	party=$(party_of "$id")
	as anna crm-lead assign --to ivan "$id" >/dev/null
	run --separate-stderr as petr crm-lead qualify --company "Чужая" --inn 7701234560 "$id"
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"not assigned to you"* ]]
	[ "$(party_row "$party" kind,company,inn)" = "lead|Иван|" ]
	[ "$(request_row "$id" status)" = assigned ]
	run --separate-stderr as ivan crm-lead qualify --company "Своя" "$id"
	[ "$status" -eq 0 ]
	run --separate-stderr as wes crm-lead qualify --company "X" "$id"
	[ "$status" -eq 77 ]
}

@test "a bad INN or KPP is refused and nothing changes" {
	id=$(lead --name "Иван" --email ivan@x.ru)
	party=$(party_of "$id")
	run --separate-stderr crm-lead qualify --company "ООО" --inn 12345 "$id"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"12345"'* ]]
	run --separate-stderr crm-lead qualify --company "ООО" --kpp 77A "$id"
	[ "$status" -eq 65 ]
	[ "$(party_row "$party" kind,company)" = "lead|Иван" ]
	[ "$(request_row "$id" status)" = new ]
}

@test "an INN with a wrong check digit is refused, so is a KPP of the wrong form; good ones are kept" {
	id=$(lead --name "Иван" --email ivan@x.ru)
	party=$(party_of "$id")
	run --separate-stderr crm-lead qualify --company "ООО «Насосы»" --inn 7701234567 "$id"
	[ "$status" -eq 65 ]
	[ -z "$output" ]
	[[ "$stderr" == *'bad INN "7701234567": the check digit does not match'* ]]
	run --separate-stderr crm-lead qualify --company "ООО «Насосы»" --inn 500100732258 "$id"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad INN "500100732258": the check digits do not match'* ]]
	run --separate-stderr crm-lead qualify --company "ООО «Насосы»" --inn 7701234560 --kpp 7701-1001 "$id"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'bad KPP "7701-1001"'* ]]
	[ "$(party_row "$party" kind,company,inn)" = "lead|Иван|" ]
	run --separate-stderr crm-lead qualify --company "ООО «Насосы»" --inn 7701234560 --kpp 7701AB001 "$id"
	[ "$status" -eq 0 ]
	[ "$(party_row "$party" inn,kpp)" = "7701234560|7701AB001" ]
}

@test "junk needs a reason" {
	id=$(lead --name X --email x@x.ru)
	run --separate-stderr crm-lead junk "$id"
	[ "$status" -eq 64 ]
	run --separate-stderr crm-lead junk --reason "" "$id"
	[ "$status" -eq 64 ]
	[ "$(request_row "$id" status)" = new ]
}

@test "junk marks the request with its reason and closes its notices" {
	id=$(lead --name X --email x@x.ru --subject "Купите слона")
	run --separate-stderr as anna crm-lead junk --reason spam "$id"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" status)" = junk ]
	[ "$(shown "$id" request status)|$(shown "$id" request junk_reason)" = "junk|spam" ]
	[ "$(count_of crm-task list --status open --request "$id")" -eq 0 ]
	[ "$(count_of crm-task list --status all --request "$id")" -eq 1 ]
	# A junk request is finished: it cannot be routed any more.
	run --separate-stderr as anna crm-lead route --dept prom "$id"
	[ "$status" -eq 65 ]
}

@test "a manager may not junk another manager's request" {
	id=$(lead --name X --email x@x.ru)
	as anna crm-lead assign --to ivan "$id" >/dev/null
	run --separate-stderr as petr crm-lead junk --reason spam "$id"
	[ "$status" -eq 77 ]
	[ "$(request_row "$id" status)" = assigned ]
}

# ---- merge, history, note

@test "merge moves contact points, requests, history and tasks and deletes the other party" {
	a=$(lead --name "ИВАН ПЕТРОВ" --phone "+7 495 123-45-67" --subject one)
	b=$(lead --name "Ivan P" --email ivan@mail.ru --subject two)
	keep=$(party_of "$a")
	other=$(party_of "$b")
	crm-task add --kind call --to ivan --party "$other" >/dev/null
	run --separate-stderr as anna crm-lead merge --into "$keep" "$other"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'party\tmerged_into\n%s\t%s' "$other" "$keep")" ]
	gone=$(party_row "$other" party)
	[ -z "$gone" ]
	[ "$(party_count)" -eq 1 ]
	[ "$(party_row "$keep" phones,emails)" = "+74951234567|ivan@mail.ru" ]
	[ "$(shown "$a" contact | wc -l)" -eq 2 ]
	[ "$(count_of crm-lead list --party "$keep")" -eq 2 ]
	[ "$(count_of crm-task list --status all --party "$keep")" -eq 3 ]
	[ "$(crm-lead history -H --columns request "$keep" | grep -c .)" -eq 2 ]
	# Audited (the audit log no command shows): the other party's delete, by the head.
	[ "$(sql "SELECT who || '|' || action FROM audit WHERE tbl = 'party' AND row_id = $other AND action = 'delete'")" = "anna|delete" ]
	[ "$(sql "SELECT json_extract(before, '\$.name') FROM audit WHERE tbl = 'party' AND row_id = $other AND action = 'delete'")" = "Ivan P" ]
	# The e-mail now finds the kept party.
	[ "$(tsv_get "$(crm-lead find --email ivan@mail.ru)" id)" = "$keep" ]
}

@test "merged, the other party's open callbacks go to the kept party's owner" {
	a=$(lead --name "ИВАН ПЕТРОВ" --phone "+7 495 123-45-67")
	b=$(lead --name "Ivan P" --phone "+7 916 000-00-01")
	keep=$(party_of "$a")
	other=$(party_of "$b")
	as anna crm-lead assign --to ivan "$a" >/dev/null
	crm-task add --kind callback --to petr --party "$other" >/dev/null
	as anna crm-lead merge --into "$keep" "$other" >/dev/null
	run --separate-stderr crm-task list --kind callback --columns party,assignee
	[ "$output" = $'party\tassignee\n'"$keep"$'\tivan' ]
}

@test "only a head or admin may merge, and never a party into itself" {
	a=$(lead --name A --email a@x.ru)
	b=$(lead --name B --email b@x.ru)
	before=$(counts)
	run --separate-stderr as ivan crm-lead merge --into "$(party_of "$a")" "$(party_of "$b")"
	[ "$status" -eq 77 ]
	run --separate-stderr as anna crm-lead merge --into "$(party_of "$a")" "$(party_of "$a")"
	[ "$status" -eq 65 ]
	run --separate-stderr as anna crm-lead merge --into "$(party_of "$a")" 999
	[ "$status" -eq 65 ]
	run --separate-stderr as anna crm-lead merge "$(party_of "$b")"
	[ "$status" -eq 64 ]
	[ "$(counts)" = "$before" ]
}

@test "history lists a party's correspondence oldest first, and note adds to it" {
	{
		printf 'channel\treceived\temail\tsubject\n'
		row call 2026-11-25T12:00:00Z a@x.ru "второй"
		row mail 2026-11-24T12:00:00Z a@x.ru "первый"
	} | crm-lead add >/dev/null
	party=$(crm-lead list -H --columns party | sort -u)
	run --separate-stderr as ivan crm-lead note --text "Звонил, просит КП" "$party"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" party)" = "$party" ]
	run --separate-stderr crm-lead history "$party"
	[ "$status" -eq 0 ]
	[ "$(head -n 1 <<<"$output")" = $'party\tat\tkind\trequest\tnote\tauthor\tsummary' ]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(tail -n +2 <<<"$output" | cut -f3,7 | paste -sd'|' -)" = $'mail\tпервый|call\tвторой|note\tЗвонил, просит КП' ]
	[ "$(tsv_get "$output" author 4)" = ivan ]
}

@test "note needs text, and a warehouse user may not add one" {
	id=$(lead --name A --email a@x.ru)
	party=$(party_of "$id")
	run --separate-stderr crm-lead note "$party"
	[ "$status" -eq 64 ]
	run --separate-stderr as wes crm-lead note --text hi "$party"
	[ "$status" -eq 77 ]
	run --separate-stderr crm-lead note --text hi 999
	[ "$status" -eq 65 ]
	[ "$(notes)" -eq 0 ]
}

# ---- pipelines

@test "list --status new --older 12h | route --dept prom routes exactly those" {
	four_requests
	before3=$(request_row 3 status,dept)
	route_old_new() {
		crm-lead list --status new --older 12h | as anna crm-lead route --dept prom
	}
	run --separate-stderr route_old_new
	[ "$status" -eq 0 ]
	[ "$(ids "$output")" = "1" ]
	[ "$(crm-lead list -H --columns id,status | sort -n | tr '\t' ':' | paste -sd' ' -)" = \
		"1:routed 2:new 3:routed 4:assigned" ]
	[ "$(request_row 1 dept)" = prom ]
	[ "$(request_row 3 status,dept)" = "$before3" ]
}

@test "find --phone | history shows that party's history" {
	a=$(lead --name A --phone "+7 495 123-45-67" --subject "про насос")
	lead --name B --phone "+7 495 765-43-21" --subject "чужое" >/dev/null
	find_history() {
		crm-lead find --phone "8 495 123 45 67" | crm-lead history
	}
	run --separate-stderr find_history
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" party)" = "$(party_of "$a")" ]
	[ "$(tsv_get "$output" summary)" = "про насос" ]
}

@test "--key names the column that holds the ids" {
	a=$(lead --name A --email a@x.ru --subject one)
	lead --name B --email b@x.ru --subject two >/dev/null
	party=$(party_of "$a")
	by_party() {
		crm-lead list --channel manual --status new | awk 'NR <= 2' | crm-lead history --key party
	}
	run --separate-stderr by_party
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" party)" = "$party" ]
	[ "$(tsv_get "$output" summary)" = one ]
	# Without --key the request id is taken; a missing column is named.
	no_column() {
		crm-lead list | crm-lead history --key nosuch
	}
	run --separate-stderr no_column
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'"nosuch"'* ]]
}

@test "a pipeline batch with one bad id changes nothing" {
	four_requests
	before=$(counts)
	bad_batch() {
		printf 'id\n1\n999\n2\n' | as anna crm-lead route --dept term
	}
	run --separate-stderr bad_batch
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"line 3"* ]]
	[ -z "$output" ]
	[ "$(counts)" = "$before" ]
}

# ---- audit (no command shows the audit log yet: these tests read it in SQL)

@test "every change is audited with the acting login, the table and the action" {
	id=$(CRM_USER=mila lead --name X --email x@x.ru)
	party=$(party_of "$id")
	# Inserts are in the audit_log view (busy tables stamp them in the row).
	for t in party contact request contact_point task; do
		[ "$(sql "SELECT count(*) FROM audit_log WHERE who = 'mila' AND tbl = '$t' AND action = 'insert'")" -ge 1 ]
	done
	[ "$(sql "SELECT count(*) FROM audit_log WHERE tbl = 'request' AND row_id = $id AND action = 'insert' AND who = 'mila'")" -eq 1 ]

	as anna crm-lead route --dept prom "$id" >/dev/null
	[ "$(sql "SELECT json_extract(before, '\$.status') || '>' || json_extract(after, '\$.status')
		FROM audit WHERE who = 'anna' AND tbl = 'request' AND row_id = $id AND action = 'update'")" = "new>routed" ]

	as anna crm-lead assign --to ivan "$id" >/dev/null
	[ "$(sql "SELECT count(*) FROM audit WHERE who = 'anna' AND tbl = 'party' AND row_id = $party AND action = 'update'
		AND json_extract(after, '\$.owner_id') = (SELECT id FROM users WHERE login = 'ivan')")" -ge 1 ]

	as ivan crm-lead qualify --inn 7701234560 "$id" >/dev/null
	[ "$(sql "SELECT count(*) FROM audit WHERE who = 'ivan' AND tbl = 'party' AND row_id = $party
		AND action = 'update' AND json_extract(after, '\$.inn') = '7701234560'")" -ge 1 ]
	[ "$(sql "SELECT count(*) FROM audit WHERE who = 'ivan' AND tbl = 'request' AND row_id = $id
		AND action = 'update' AND json_extract(after, '\$.status') = 'qualified'")" -eq 1 ]

	as ivan crm-lead note --text "hello" "$party" >/dev/null
	[ "$(sql "SELECT count(*) FROM audit_log a JOIN interaction i ON i.id = a.row_id
		WHERE a.who = 'ivan' AND a.tbl = 'interaction' AND a.action = 'insert' AND i.summary = 'hello'")" -eq 1 ]

	as ivan crm-lead junk --reason mistake "$id" >/dev/null
	[ "$(sql "SELECT count(*) FROM audit WHERE who = 'ivan' AND tbl = 'request' AND row_id = $id
		AND action = 'update' AND json_extract(after, '\$.junk_reason') = 'mistake'")" -eq 1 ]
	# Every audit row has a time from the clock.
	[ "$(sql "SELECT count(*) FROM audit WHERE at <> '2026-11-26T10:00:00Z'")" -eq 0 ]
}

@test "refused and dry-run changes leave no audit rows" {
	id=$(lead --name X --email x@x.ru)
	n=$(sql "SELECT count(*) FROM audit")
	as ivan crm-lead route --dept prom "$id" 2>/dev/null || true
	as anna crm-lead route --dry-run --dept prom "$id" >/dev/null 2>&1
	crm-lead add --dry-run --name Y --email y@x.ru >/dev/null 2>&1
	printf 'name\temail\nA\ta@x.ru\nB\tb@\n' | crm-lead add >/dev/null 2>&1 || true
	[ "$(sql "SELECT count(*) FROM audit")" -eq "$n" ]
}

@test "an empty list still prints its header, so the cron pipeline does nothing and succeeds" {
	crm-lead add --name "Свежий" --email fresh@ex.ru --received 2026-11-26T09:00:00Z > /dev/null
	run bash -c 'crm-lead list --status new --older 12h | crm-lead route --dept prom'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(crm-lead list -H --columns status)" = new ]
	run crm-lead list --status new --older 12h
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf 'id\treceived\tchannel\tstatus\tdept\tassignee\tparty\tname\tphone\temail\tsubject')" ]
}

@test "a deactivated manager's requests can still be listed" {
	id=$(crm-lead add -H --columns id --name "Клиент" --email k@ex.ru)
	as anna crm-lead assign --to ivan "$id" > /dev/null
	crm-admin user set ivan --active 0
	run crm-lead list --assignee ivan --columns id -H
	[ "$status" -eq 0 ]
	[ "$output" = "$id" ]
}

@test "a note may link only a request of the same party" {
	a=$(crm-lead add -H --columns party --name "А" --email a@ex.ru)
	b=$(crm-lead add -H --columns party --name "Б" --email b@ex.ru)
	run as ivan crm-lead note --text "звонил" --request 1 "$b"
	[ "$status" -eq 65 ]
	[[ "$output" == *"request 1 belongs to party $a"* ]]
	[ "$(notes)" -eq 0 ]
}

@test "show includes the party's payment details and department" {
	id=$(crm-lead add -H --columns id --name "Клиент" --email k@ex.ru --dept prom)
	as anna crm-lead qualify "$id" --payment "р/с 40702810900000000001" > /dev/null
	run crm-lead show "$id"
	[[ "$output" == *$'party\tpayment\tр/с 40702810900000000001'* ]]
	[[ "$output" == *$'party\tdept\tprom'* ]]
}
