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
	# 10 typed-in requests, 5 letters (the sixth is an auto-reply) and the
	# first calls of 2 unknown numbers.
	[ "$(sqlite3 "$db" "SELECT count(*) FROM request")" -eq 17 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM call")" -eq 7 ]
	# Three missed calls; the one called back (answered) is done.
	[ "$(sqlite3 "$db" "SELECT count(*) FROM task WHERE kind = 'callback' AND status = 'open'")" -eq 2 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM task WHERE kind = 'callback' AND status = 'done'")" -eq 1 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM request WHERE channel = 'web' AND source_ref LIKE '%tilda.ws>'")" -eq 1 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM mail_seen WHERE action = 'skipped-autoreply'")" -eq 1 ]
	# Five requests come from senders already known (phone, e-mail or a mail thread).
	[ "$(sqlite3 "$db" "SELECT count(*) FROM party")" -eq 12 ]
	[ "$(sqlite3 "$db" "SELECT count(*) FROM request WHERE status = 'routed' OR status = 'assigned'")" -ge 3 ]
	[ "$(sqlite3 "$db" "SELECT u.login FROM request r JOIN users u ON u.id = r.assignee_id WHERE r.id = 1")" = ivan ]
	# It ends with an xlsx for MailChimp: a real workbook with the addresses.
	xlsx="$BATS_TEST_TMPDIR/demo-mailchimp.xlsx"
	[ "$(/usr/bin/python3 -c 'import sys, openpyxl; ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]; print(ws["A1"].value, ws.max_row)' "$xlsx")" = "Email Address 9" ]
}

@test "running the demo twice starts from a fresh database each time" {
	export CRM_DEMO_DB="$BATS_TEST_TMPDIR/demo.db"
	sh "$CRM_SRCDIR/share/crm/demo/run" > /dev/null
	sh "$CRM_SRCDIR/share/crm/demo/run" > /dev/null
	[ "$(sqlite3 "$CRM_DEMO_DB" "SELECT count(*) FROM request")" -eq 17 ]
}
