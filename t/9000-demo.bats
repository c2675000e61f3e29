#!/usr/bin/env bats
# 9000-demo: the README's demo runs from the source tree on its own data and
# shows what it promises: leads made, repeat senders joined, the board.

load helpers

@test "the demo registers the sample requests, dedupes repeat senders and prints the board" {
	export CRM_DEMO_DB="$BATS_TEST_TMPDIR/demo.db"
	run sh "$CRM_SRCDIR/share/crm/demo/run"
	[ "$status" -eq 0 ]
	[[ "$output" == *"New-request board"* ]]
	db=$CRM_DEMO_DB
	# Read with the commands, as the demo's admin.
	export CRM_DB=$db CRM_READER=admin
	# 10 typed-in requests, 5 letters (the sixth is an auto-reply) and the
	# first calls of 2 unknown numbers.
	[ "$(count_of crm-lead list)" -eq 17 ]
	# Seven calls, one of them internal: a call that made no party no
	# command shows, so they are counted in SQL.
	[ "$(sqlite3 "$db" "SELECT count(*) FROM call")" -eq 7 ]
	# Three missed calls; the one called back (answered) is done.
	[ "$(count_of crm-task list --kind callback --status open)" -eq 2 ]
	[ "$(count_of crm-task list --kind callback --status done)" -eq 1 ]
	[ "$(requests_shown channel,source_ref | grep -c '^web|.*tilda\.ws>$')" -eq 1 ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sqlite3 "$db" "SELECT count(*) FROM mail_seen WHERE action = 'skipped-autoreply'")" -eq 1 ]
	# Five requests come from senders already known (phone, e-mail or a mail thread).
	[ "$(party_count)" -eq 12 ]
	[ "$(($(count_of crm-lead list --status routed) + $(count_of crm-lead list --status assigned)))" -ge 3 ]
	[ "$(request_row 1 assignee)" = ivan ]
	# It ends with an xlsx for MailChimp: a real workbook with the addresses.
	xlsx="$BATS_TEST_TMPDIR/demo-mailchimp.xlsx"
	[ "$(/usr/bin/python3 -c 'import sys, openpyxl; ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]; print(ws["A1"].value, ws.max_row)' "$xlsx")" = "Email Address 9" ]
}

@test "running the demo twice starts from a fresh database each time" {
	export CRM_DEMO_DB="$BATS_TEST_TMPDIR/demo.db"
	sh "$CRM_SRCDIR/share/crm/demo/run" > /dev/null
	sh "$CRM_SRCDIR/share/crm/demo/run" > /dev/null
	[ "$(CRM_DB=$CRM_DEMO_DB CRM_READER=admin count_of crm-lead list)" -eq 17 ]
}
