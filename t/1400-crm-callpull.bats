#!/usr/bin/env bats
# 1400-crm-callpull: every call in the PBX's records is recorded once;
# unknown callers become leads, known ones get history and a notice, missed
# calls a callback task that the next answered call closes; files that grow
# and rotate; MikoPBX's database; bad lines in quarantine.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	crm_setup
	export TZ=UTC
	crm-admin config set own_numbers "+7 495 100-00-00, 8 800 555-35-35"
	CSV="$BATS_TEST_TMPDIR/Master.csv"
	: > "$CSV"
}

# cdr SRC DST START ANSWER BILLSEC DISPOSITION UNIQUEID: one Master.csv line
# (the 16 standard columns, uniqueid and userfield), appended to $CSV.
cdr() {
	local ans=${4:+\"$4\"}
	printf '"","%s","%s","from-trunk","""%s"" <%s>","SIP/trunk-01","SIP/101-02","Dial","SIP/101,,tT","%s",%s,"%s",%d,%d,"%s","DOCUMENTATION","%s",""\n' \
		"$1" "$2" "$1" "$1" "$3" "$ans" "$3" "$(($5 + 5))" "$5" "$6" "$7" >> "$CSV"
}

pull() {
	crm-callpull "$@" "$CSV"
}

# The open callback tasks (crm-task list --status S for others).
callbacks() {
	count_of crm-task list --kind callback "$@"
}

@test "an answered call from an unknown number makes a lead and a request, and the head hears" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "2026-11-26 09:00:05" 155 ANSWERED 1764147600.1
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'uniqueid\tstart\tdirection\tnumber\tdisposition\tbillsec\taction\tparty\trequest\ttask\treason' ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	[ "$(tsv_get "$output" number)" = +74951234567 ]
	[ "$(tsv_get "$output" direction)" = in ]
	[ "$(crm-lead list -H --columns channel,phone,received | tr '\t' '|')" = \
		"call|+74951234567|2026-11-26T09:00:00Z" ]
	[[ "$(crm-lead list -H --columns subject)" == *"answered, 155 s"* ]]
	[ "$(crm-task list --status all --kind notice -H --columns assignee)" = anna ]
	[ "$(calls)" -eq 1 ]
}

@test "a missed call gives a callback task due within the configured time" {
	crm-admin config set callback_due 45m
	cdr 89161234567 74951000000 "2026-11-26 09:00:00" "" 0 "NO ANSWER" 1764147600.2
	run --separate-stderr pull
	[ "$(tsv_get "$output" action)" = callback-task ]
	task=$(tsv_get "$output" task)
	[ "$(task_row "$task" kind,due,status)" = \
		"callback|2026-11-26T09:45:00Z|open" ]
	# The caller is a lead too, so nobody loses the number.
	[ "$(count_of crm-export --with-junk --format tsv --kind lead)" -eq 1 ]
}

@test "a known number: history with duration and answer state, and its manager gets a notice" {
	id=$(crm-lead add -H --columns id --name "Иван Петров" --phone "+7 495 123-45-67")
	as anna crm-lead assign --to ivan "$id" > /dev/null
	party=$(party_of "$id")
	cdr 4951234567 74951000000 "2026-11-26 10:00:00" "2026-11-26 10:00:03" 42 ANSWERED u-known-1
	run --separate-stderr pull
	[ "$(tsv_get "$output" action)" = history ]
	[ "$(tsv_get "$output" party)" = "$party" ]
	[ "$(party_count)" -eq 1 ]
	[ "$(tsv_pick "$(crm-task list --status all --kind notice)" origin=call assignee)" = ivan ]
	run --separate-stderr crm-lead history "$party"
	[[ "$output" == *$'\tcall\t\t\t\tincoming, answered, 42 s, +74951234567'* ]]
	run --separate-stderr crm-lead show "$id"
	[[ "$output" == *"incoming, answered, 42 s"* ]]
}

@test "every spelling of a Russian number reaches the same party" {
	crm-lead add --name "Ольга" --phone "+7 (495) 765-43-21" > /dev/null
	i=0
	for n in 84957654321 +74957654321 74957654321 4957654321 "8 (495) 765-43-21"; do
		i=$((i + 1))
		cdr "$n" 74951000000 "2026-11-26 11:0$i:00" "2026-11-26 11:0$i:02" 10 ANSWERED "sp-$i"
	done
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 { print $7 }' <<<"$output" | sort -u)" = history ]
	[ "$(party_count)" -eq 1 ]
	# Five calls, each from the one number.
	[ "$(calls)" -eq 5 ]
	[ "$(histories -H --columns kind,summary | grep -c $'^call\tincoming, answered, 10 s, +74957654321 -> ')" -eq 5 ]
}

@test "a thousand missed calls from one number leave one open callback task" {
	for i in $(seq 1 1000); do
		printf '"","89035550011","74951000000","from-trunk","","SIP/t","","Dial","","2026-11-26 12:00:%02d",,"2026-11-26 12:00:%02d",3,0,"NO ANSWER","DOCUMENTATION","m-%d",""\n' \
			$((i % 60)) $((i % 60)) "$i" >> "$CSV"
	done
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(calls)" -eq 1000 ]
	[ "$(callbacks)" -eq 1 ]
	[ "$(party_count)" -eq 1 ]
	[ "$(count_of crm-lead list)" -eq 1 ]
}

@test "the next answered call from the number, or to it, closes the callback task" {
	cdr 89035550011 74951000000 "2026-11-26 12:00:00" "" 0 BUSY c-1
	pull > /dev/null
	[ "$(callbacks)" -eq 1 ]
	# The manager calls back from extension 101 and is answered.
	cdr 101 89035550011 "2026-11-26 12:10:00" "2026-11-26 12:10:04" 60 ANSWERED c-2
	run --separate-stderr pull
	[ "$(tsv_get "$output" direction)" = out ]
	[ "$(tsv_get "$output" action)" = history ]
	[ "$(callbacks)" -eq 0 ]
	# Missed again, then the customer calls in and is answered.
	cdr 89035550011 74951000000 "2026-11-26 13:00:00" "" 0 "NO ANSWER" c-3
	cdr 89035550011 74951000000 "2026-11-26 13:05:00" "2026-11-26 13:05:01" 30 ANSWERED c-4
	pull > /dev/null
	[ "$(callbacks)" -eq 0 ]
	[ "$(callbacks --status all)" -eq 2 ]
}

@test "internal calls are set aside and counted; outgoing calls to unknown numbers are ignored" {
	cdr 101 102 "2026-11-26 09:00:00" "2026-11-26 09:00:01" 5 ANSWERED i-1
	cdr 101 89990001122 "2026-11-26 09:01:00" "2026-11-26 09:01:01" 5 ANSWERED o-1
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"1 internal call set aside"* ]]
	[ "$(awk -F'\t' 'NR == 2 { print $3 "|" $7 }' <<<"$output")" = "internal|ignored" ]
	[ "$(awk -F'\t' 'NR == 3 { print $3 "|" $7 "|" $11 }' <<<"$output")" = "out|ignored|number not known" ]
	[ "$(party_count)" -eq 0 ]
}

@test "the same file read twice doubles nothing; the cursor starts where the last run stopped" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 "NO ANSWER" t-1
	pull > /dev/null
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$output" = $'uniqueid\tstart\tdirection\tnumber\tdisposition\tbillsec\taction\tparty\trequest\ttask\treason' ]
	# The same lines in another file: the uniqueids keep each call once.
	cp "$CSV" "$BATS_TEST_TMPDIR/copy.csv"
	run --separate-stderr crm-callpull "$BATS_TEST_TMPDIR/copy.csv"
	[ "$(tsv_get "$output" action)" = duplicate ]
	[ "$(calls) $(count_of crm-lead list)" = "1 1" ]
}

@test "a line still being written is left for the next run, then read whole" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 "NO ANSWER" g-1
	printf '"","84957777777","74951000000","from-trunk","","SIP/t","","Dial","","2026-11-26 09:05:00",,' >> "$CSV"
	run --separate-stderr pull
	[ "$(tsv_count "$output")" -eq 1 ]
	printf '"2026-11-26 09:05:10",10,0,"NO ANSWER","DOCUMENTATION","g-2",""\n' >> "$CSV"
	run --separate-stderr pull
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" uniqueid)" = g-2 ]
	[ "$(tsv_get "$output" number)" = +74957777777 ]
}

@test "a rotated file is finished first, then the new one is read from its start" {
	cdr 84951111111 74951000000 "2026-11-26 09:00:00" "" 0 BUSY r-1
	pull > /dev/null
	cdr 84952222222 74951000000 "2026-11-26 09:10:00" "" 0 BUSY r-2
	mv "$CSV" "$CSV.1"
	: > "$CSV"
	cdr 84953333333 74951000000 "2026-11-26 09:20:00" "" 0 BUSY r-3
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 { print $1 }' <<<"$output" | paste -sd' ' -)" = "r-2 r-3" ]
	run --separate-stderr pull
	[ "$(tsv_count "$output")" -eq 0 ]
	[ "$(calls)" -eq 3 ]
}

@test "lines that cannot be read go to quarantine with their number and reason; the rest are taken" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 BUSY q-1
	printf '"","only","four","fields"\n' >> "$CSV"
	printf '"","8495","7495","x","","","","","","2026-13-45 99:00:00",,"2026-11-26 09:00:00",1,0,"BUSY","","q-bad",""\n' >> "$CSV"
	printf '"","unterminated,"7495\n' >> "$CSV"
	cdr 84959876543 74951000000 "2026-11-26 09:30:00" "" 0 BUSY q-2
	run --separate-stderr pull
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"3 lines put in quarantine"* ]]
	[ "$(awk -F'\t' '$7 == "quarantined"' <<<"$output" | wc -l)" -eq 3 ]
	[ "$(awk -F'\t' '$7 == "quarantined" { print $1 }' <<<"$output" | paste -sd' ' -)" = "line 2 line 3 line 4" ]
	# No command shows the quarantine: read in SQL.
	[ "$(sql "SELECT count(*) FROM quarantine WHERE CAST(raw AS TEXT) LIKE '%only%four%' AND reason LIKE '%line 2%'")" -eq 1 ]
	[ "$(calls)" -eq 2 ]
	# Quarantined once: the cursor is past them.
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(sql "SELECT count(*) FROM quarantine")" -eq 3 ]
}

@test "the real Asterisk sample: 18 columns, an empty answer time, an empty uniqueid" {
	cp "$FIXTURES/cdr/asterisk-Master.csv" "$CSV"
	crm-admin config set country_code 380
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 6 ]
	# 3 -> 11, 8001 -> 8002 and so on are extensions talking to each other.
	[ "$(awk -F'\t' '$3 == "internal"' <<<"$output" | wc -l)" -eq 5 ]
	# The queue call that nobody answered, with no uniqueid: a lead and a callback.
	[ "$(awk -F'\t' '$3 == "in" { print $4 "|" $5 "|" $7 }' <<<"$output")" = "+380997717356|NO ANSWER|callback-task" ]
	[[ "$(awk -F'\t' '$3 == "in" { print $1 }' <<<"$output")" == sha256:* ]]
	run --separate-stderr pull
	[ "$(tsv_count "$output")" -eq 0 ]
}

@test "MikoPBX: the legs of one call become one call; NOANSWER is a missed call; the cursor is the row id" {
	db="$BATS_TEST_TMPDIR/cdr.db"
	sqlite3 "$db" "CREATE TABLE cdr_general (id INTEGER PRIMARY KEY, start TEXT, endtime TEXT, answer TEXT,
		src_num TEXT, dst_num TEXT, did TEXT, UNIQUEID TEXT, linkedid TEXT, disposition TEXT,
		billsec INTEGER, duration INTEGER, recordingfile TEXT);
	INSERT INTO cdr_general VALUES
	 (1, '2025-10-22 16:03:43.000', '2025-10-22 16:06:17.000', '', '79300250234', '201', '74951000000', 'l1-a', 'call-1', 'NOANSWER', 0, 10, ''),
	 (2, '2025-10-22 16:03:53.000', '2025-10-22 16:06:17.000', '2025-10-22 16:03:58.000', '79300250234', '262', '74951000000', 'l1-b', 'call-1', 'ANSWERED', 150, 144, ''),
	 (16, '2025-10-03 09:37:18.000', '2025-10-03 09:37:40.000', '', '79090163435', '3', '', 'l2', 'call-2', 'NOANSWER', 0, 22, '');"
	run --separate-stderr crm-callpull "mikopbx:$db"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(awk -F'\t' '$1 == "call-1" { print $5 "|" $6 "|" $7 }' <<<"$output")" = "ANSWERED|150|new-lead" ]
	[ "$(awk -F'\t' '$1 == "call-2" { print $5 "|" $7 }' <<<"$output")" = "NO ANSWER|callback-task" ]
	sqlite3 "$db" "INSERT INTO cdr_general VALUES (17, '2025-10-23 10:00:00.000', '2025-10-23 10:01:00.000', '2025-10-23 10:00:02.000', '79090163435', '3', '', 'l3', 'call-3', 'ANSWERED', 58, 60, '')"
	run --separate-stderr crm-callpull "mikopbx:$db"
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" uniqueid)" = call-3 ]
	# The answered call closed the callback of the missed one.
	[ "$(callbacks)" -eq 0 ]
	[ "$(callbacks --status done)" -eq 1 ]
	# The PBX's file is read, never written.
	[ "$(sqlite3 "$db" "SELECT count(*) FROM cdr_general")" -eq 4 ]
}

@test "records on stdin are taken too, each once" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 BUSY s-1
	run --separate-stderr crm-callpull - < "$CSV"
	[ "$(tsv_get "$output" action)" = callback-task ]
	run --separate-stderr crm-callpull - < "$CSV"
	[ "$(tsv_get "$output" action)" = duplicate ]
}

@test "on stdin, a last line without its newline is taken as it is: there is no next run" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 BUSY nl-1
	printf '%s' "$(cat "$CSV")" > "$BATS_TEST_TMPDIR/nonl.csv"
	run --separate-stderr crm-callpull - < "$BATS_TEST_TMPDIR/nonl.csv"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" uniqueid)" = nl-1 ]
	[ "$(tsv_get "$output" action)" = callback-task ]
	# Through a pipe too, after a whole line.
	cdr 84957777777 74951000000 "2026-11-26 09:05:00" "" 0 BUSY nl-2
	run --separate-stderr sh -c 'printf "%s" "$(cat "$1")" | crm-callpull -' sh "$CSV"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action 2)" = duplicate ]
	[ "$(tsv_get "$output" uniqueid 3)" = nl-2 ]
	[ "$(tsv_get "$output" action 3)" = callback-task ]
	[ "$(calls)" -eq 2 ]
}

@test "on stdin, a quote still open at the end goes to quarantine instead of vanishing" {
	printf '"","84951234567","74951000000","from-trunk","","SIP/t","","Dial","","2026-11-26 09:05:00",,"2026-11-26 09:05:10",10,0,"NO ANSWER","DOCUMENTATION","q-1","unended' |
		{ run --separate-stderr crm-callpull -; [ "$status" -eq 65 ]; }
	[ "$(calls) $(party_count)" = "0 0" ]
	# No command shows the quarantine: read in SQL.
	[[ "$(sql "SELECT reason FROM quarantine")" == *"unterminated quote at the end of the input"* ]]
}

@test "times are local unless --utc" {
	cdr 84951234567 74951000000 "2026-11-26 12:00:00" "" 0 BUSY z-1
	run --separate-stderr env TZ=Europe/Moscow crm-callpull --dry-run "$CSV"
	[ "$(tsv_get "$output" start)" = 2026-11-26T09:00:00Z ]
	run --separate-stderr env TZ=Europe/Moscow crm-callpull --utc "$CSV"
	[ "$(tsv_get "$output" start)" = 2026-11-26T12:00:00Z ]
}

@test "--dry-run reports and writes nothing" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 BUSY d-1
	run --separate-stderr pull --dry-run
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = callback-task ]
	[ "$(calls) $(party_count) $(callbacks)" = "0 0 0" ]
	# No command shows the file cursor.
	[ "$(sql "SELECT count(*) FROM intake_cursor")" -eq 0 ]
}

@test "--layout gives the layout of a file the detection would not know" {
	printf '"1764147600.9","84951234567","74951000000","2026-11-26 09:00:00","","2026-11-26 09:00:09",9,0,"NO ANSWER"\n' > "$CSV"
	run --separate-stderr pull
	[ "$status" -eq 65 ]
	: > "$CSV"
	printf '"1764147600.9","84951234567","74951000000","2026-11-26 09:00:00","","2026-11-26 09:00:09",9,0,"NO ANSWER"\n' > "$BATS_TEST_TMPDIR/other.csv"
	run --separate-stderr crm-callpull --layout uniqueid,src,dst,start,answer,end,duration,billsec,disposition "$BATS_TEST_TMPDIR/other.csv"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = callback-task ]
	run --separate-stderr crm-callpull --layout uniqueid,nonsense "$BATS_TEST_TMPDIR/other.csv"
	[ "$status" -eq 64 ]
}

@test "--columns and -C pick the output columns, as in every command; the old layout spelling gets a hint" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 BUSY oc-1
	run --separate-stderr crm-callpull --dry-run -C uniqueid,action "$CSV"
	[ "$status" -eq 0 ]
	[ "$output" = $'uniqueid\taction\noc-1\tcallback-task' ]
	run --separate-stderr crm-callpull -H --columns action "$CSV"
	[ "$output" = callback-task ]
	: > "$CSV"
	printf '"1764147600.9","84951234567","74951000000","2026-11-26 09:00:00","","2026-11-26 09:00:09",9,0,"NO ANSWER"\n' > "$BATS_TEST_TMPDIR/other.csv"
	run --separate-stderr crm-callpull --columns uniqueid,src,dst,start,answer,end,duration,billsec,disposition "$BATS_TEST_TMPDIR/other.csv"
	[ "$status" -eq 64 ]
	[ -z "$output" ]
	[[ "$stderr" == *'unknown column "src"'*"(the input's layout is --layout)"* ]]
}

@test "an unknown output column is refused before any call is recorded" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 BUSY uc-1
	run --separate-stderr crm-callpull -C uniqueid,nope "$CSV"
	[ "$status" -eq 64 ]
	[ -z "$output" ]
	[ "$(calls) $(party_count)" = "0 0" ]
	# No command shows the file cursor.
	[ "$(sql "SELECT count(*) FROM intake_cursor")" -eq 0 ]
}

@test "a missing file is 66, a warehouse user 77, two runs at once 75" {
	run --separate-stderr crm-callpull "$BATS_TEST_TMPDIR/none.csv"
	[ "$status" -eq 66 ]
	run --separate-stderr as wes crm-callpull "$CSV"
	[ "$status" -eq 77 ]
	# Three batches of lines: the first commits while the run goes on.
	awk 'BEGIN { for (i = 1; i <= 60000; i++)
		printf "\"\",\"8495%07d\",\"74951000000\",\"\",\"\",\"\",\"\",\"\",\"\",\"2026-11-26 09:00:00\",,\"2026-11-26 09:00:05\",5,0,\"BUSY\",\"\",\"p-%d\",\"\"\n", i, i }' > "$CSV"
	crm-callpull "$CSV" > /dev/null 2>&1 &
	first=$!
	for _ in $(seq 1 600); do [ -n "$(crm-lead list -H --columns id 2>/dev/null | head -1)" ] && break; sleep 0.05; done
	kill -0 "$first"
	run --separate-stderr crm-callpull "$CSV"
	wait "$first"
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"another crm-callpull is reading"* ]]
	# Each call, from a number of its own, made a lead and its request.
	[ "$(count_of crm-lead list --channel call)" -eq 60000 ]
}

@test "every source of every intake command locks one file, crm.db.lock, beside the database" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 BUSY lk-1
	cp "$CSV" "$BATS_TEST_TMPDIR/second.csv"
	pull > /dev/null
	crm-callpull "$BATS_TEST_TMPDIR/second.csv" > /dev/null
	mkdir -p "$BATS_TEST_TMPDIR/Maildir/new" "$BATS_TEST_TMPDIR/Maildir/cur" "$BATS_TEST_TMPDIR/Maildir/tmp"
	CRM_DATADIR="$CRM_SRCDIR/share/crm" crm-mailpull "maildir:$BATS_TEST_TMPDIR/Maildir" > /dev/null
	[ "$(cd "$BATS_TEST_TMPDIR" && ls -d crm.db*lock*)" = crm.db.lock ]
	[ ! -s "$BATS_TEST_TMPDIR/crm.db.lock" ]
}

@test "a later record of the same call that was answered makes the call answered and closes its callback" {
	cdr 89035550011 74951000000 "2026-11-26 12:00:00" "" 0 "NO ANSWER" q-same
	pull > /dev/null
	[ "$(callbacks)" -eq 1 ]
	cdr 89035550011 74951000000 "2026-11-26 12:00:00" "2026-11-26 12:00:20" 40 ANSWERED q-same
	run --separate-stderr pull
	[ "$(tsv_get "$output" action)" = duplicate ]
	[[ "$(tsv_get "$output" reason)" == *"answered after all"* ]]
	[ "$(calls)" -eq 1 ]
	[[ "$(crm-lead list -H --columns subject)" == *"answered, 40 s"* ]]
	[ "$(callbacks)" -eq 0 ]
}

@test "a call whose other end is one of our own numbers makes no lead" {
	cdr 74951000000 101 "2026-11-26 12:00:00" "2026-11-26 12:00:01" 5 ANSWERED own-1
	run --separate-stderr pull
	[ "$(tsv_get "$output" action)" = ignored ]
	[ "$(tsv_get "$output" reason)" = "the other end is our own number" ]
	[ "$(party_count)" -eq 0 ]
}

@test "a missed call from a party of a department: notice and callback go to the same manager" {
	id=$(crm-lead add -H --columns id --name "Клиент" --phone "+7 495 222-33-44" --dept prom)
	cdr 84952223344 74951000000 "2026-11-26 12:00:00" "" 0 BUSY same-1
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	run --separate-stderr crm-task list -H --party "$id" --columns origin,kind,assignee
	calls=$(awk -F'\t' '$1 == "call" { print $2, $3 }' <<<"$output" | sort)
	# both tasks, not the notice alone; and one manager, not the next in turn
	[ "$(cut -d' ' -f1 <<<"$calls" | tr '\n' ' ')" = "callback notice " ]
	[ "$(cut -d' ' -f2 <<<"$calls" | sort -u | wc -l)" -eq 1 ]
}

@test "a new lead's row names the head's notice; an outgoing call reads from us to them" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "2026-11-26 09:00:05" 15 ANSWERED nl-1
	run --separate-stderr pull
	[ "$(task_row "$(tsv_get "$output" task)" kind)" = notice ]
	cdr 101 84951234567 "2026-11-26 10:00:00" "2026-11-26 10:00:05" 30 ANSWERED nl-2
	pull > /dev/null
	run --separate-stderr crm-lead history "$(crm-lead list -H --columns party)"
	[[ "$output" == *"outgoing, answered, 30 s, 101 -> +74951234567"* ]]
}

@test "a pipe whose writer pauses does not keep the database locked meanwhile" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "2026-11-26 09:00:05" 155 ANSWERED 1764147600.1
	cdr 84951234567 74951000000 "2026-11-26 09:10:00" "2026-11-26 09:10:05" 60 ANSWERED 1764147600.2
	mkfifo "$BATS_TEST_TMPDIR/pbx"
	crm-callpull --batch 100 - <"$BATS_TEST_TMPDIR/pbx" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/pbx"
	head -1 "$CSV" >&7
	# The first call is committed although its batch could hold 100...
	for _ in $(seq 100); do
		[ "$(calls)" -eq 1 ] && break
		sleep 0.1
	done
	[ "$(calls)" -eq 1 ]
	# ...and while the pipe is silent, another writer gets in at once.
	CRM_BUSY_TIMEOUT=200 run crm-lead add --name "Пока ждём" --phone "+7 812 000-00-01"
	[ "$status" -eq 0 ]
	tail -1 "$CSV" >&7
	exec 7>&-
	wait "$pid"
	[ "$(tsv_pick "$(crm-lead list)" name="Пока ждём" channel)" = manual ]
	[ "$(calls)" -eq 2 ]
	[ "$(grep -c history "$BATS_TEST_TMPDIR/out")" -eq 1 ]
	[ "$(grep -c new-lead "$BATS_TEST_TMPDIR/out")" -eq 1 ]
}

@test "without an operand: the usage and 64, before any database is looked for" {
	CRM_DB="$BATS_TEST_TMPDIR/none.db" run --separate-stderr crm-callpull
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"missing operand"* ]]
	[[ "$stderr" == *"usage: crm-callpull"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/none.db" ]
}

@test "--batch takes a number from 1 to 200000; anything else is a usage error that reads nothing" {
	cdr 84951234567 74951000000 "2026-11-26 09:00:00" "" 0 BUSY 1764147600.1
	for bad in 0 -5 abc 12x "" 200001 99999999999999999999; do
		run --separate-stderr pull --batch "$bad"
		[ "$status" -eq 64 ]
		[[ "$stderr" == *"--batch takes a number from 1 to 200000"* ]]
	done
	[ "$(calls) $(party_count)" = "0 0" ]
	run --separate-stderr pull --batch 200000
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = callback-task ]
	[ "$(calls)" -eq 1 ]
}

# The rows of a report, each as "action|disposition|billsec|reason".
rows() {
	awk -F'\t' 'NR > 1 { print $7 "|" $5 "|" $6 "|" $11 }' <<<"$1"
}

@test "Hangup ANSWERED 0 s after two NO ANSWER dials is no conversation: the callback stays open" {
	cp "$FIXTURES/cdr/hangup-answered.csv" "$CSV"
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(rows "$output")" = "callback-task|NO ANSWER|0|
duplicate|NO ANSWER|0|
duplicate|ANSWERED|0|
callback-task|ANSWERED|12|the dialplan answered, but nobody talked" ]
	# Whether anybody talked, apart from the PBX's answer state, no command
	# shows: read in SQL.
	[ "$(sql "SELECT disposition || '|' || billsec || '|' || talked FROM call WHERE ref = '1764158400.20'")" = "NO ANSWER|0|0" ]
	# An IVR that played 12 s to the caller keeps the PBX's ANSWERED, talked by nobody.
	[ "$(sql "SELECT disposition || '|' || billsec || '|' || talked FROM call WHERE ref = '1764194400.30'")" = "ANSWERED|12|0" ]
	run --separate-stderr crm-task list --kind callback --columns status,title
	[ "$(tsv_count "$output")" -eq 2 ]
	[[ "$output" == *$'open\tCall back +79035550011: missed call (NO ANSWER)'* ]]
	[[ "$output" == *$'open\tCall back +79035550022: missed call (answered, nobody talked)'* ]]
}

@test "a ring group's legs (one linkedid) are one call, answered by the leg that talked" {
	cp "$FIXTURES/cdr/ring-group.csv" "$CSV"
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(rows "$output")" = "callback-task|ANSWERED|0|the dialplan answered, but nobody talked
leg|NO ANSWER|0|leg 1764147602.12 of the call
leg|ANSWERED|17|leg 1764147602.13 of the call: answered after all by 103, the call is updated
leg|ANSWERED|17|leg 1764147600.10 of the call" ]
	[ "$(awk -F'\t' 'NR > 1 { print $1 }' <<<"$output" | sort -u)" = 1764147600.10 ]
	[ "$(calls)" -eq 1 ]
	[ "$(party_count)" -eq 1 ]
	[ "$(count_of crm-lead list)" -eq 1 ]
	# Whether anybody talked, and on which extension, no command shows.
	[ "$(sql "SELECT disposition || '|' || billsec || '|' || talked || '|' || extension FROM call")" = "ANSWERED|17|1|103" ]
	run --separate-stderr crm-task list --kind callback --status all --columns status
	[ "$output" = $'status\ndone' ]
	# The lead's request says what happened in the end.
	run --separate-stderr crm-lead history "$(crm-lead list -H --columns party)"
	[[ "$output" == *"Incoming call, answered, 17 s, to 101"* ]]
	# Read again (a cut file, or stdin): every leg is a duplicate now.
	run --separate-stderr crm-callpull - < "$CSV"
	[ "$(awk -F'\t' 'NR > 1 { print $7 }' <<<"$output" | sort -u)" = duplicate ]
	[ "$(calls)" -eq 1 ]
}

@test "a leg that arrives in the next run joins its call and closes the callback" {
	head -2 "$FIXTURES/cdr/ring-group.csv" > "$CSV"
	run --separate-stderr pull
	[ "$(rows "$output")" = "callback-task|ANSWERED|0|the dialplan answered, but nobody talked
leg|NO ANSWER|0|leg 1764147602.12 of the call" ]
	[ "$(callbacks)" -eq 1 ]
	tail -n +3 "$FIXTURES/cdr/ring-group.csv" >> "$CSV"
	run --separate-stderr pull
	[ "$(awk -F'\t' 'NR > 1 { print $7 }' <<<"$output")" = $'leg\nleg' ]
	[[ "$(tsv_get "$output" reason)" == *"answered after all by 103"* ]]
	[ "$(calls)" -eq 1 ]
	[[ "$(crm-lead list -H --columns subject)" == *"answered, 17 s"* ]]
	# The extension that answered no command shows.
	[ "$(sql "SELECT count(*) || '|' || max(billsec) || '|' || max(extension) FROM call")" = "1|17|103" ]
	[ "$(callbacks)" -eq 0 ]
}

@test "a caller-ID name in CP1251 or with stray bytes is only a label: the calls are taken" {
	cp "$FIXTURES/cdr/cp1251-clid.csv" "$CSV"
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 { print $4 "|" $7 }' <<<"$output")" = "+74951112233|new-lead
+74951112244|callback-task
+74951112255|callback-task" ]
	# No command shows the quarantine.
	[ "$(sql "SELECT count(*) FROM quarantine")" -eq 0 ]
	[ "$(callbacks)" -eq 2 ]
	# A number is not a label: a bad byte there still quarantines the line.
	printf '"","8495\xff1112266","74951000000","from-trunk","","SIP/t","SIP/101-1","Dial","","2026-11-26 14:00:00",,"2026-11-26 14:00:09",9,0,"NO ANSWER","DOCUMENTATION","bad-src",""\n' >> "$CSV"
	run --separate-stderr pull
	[ "$status" -eq 65 ]
	[[ "$(tsv_get "$output" reason)" == *"src: not valid UTF-8"* ]]
}

@test "pbx_charset is checked, and names a charset iconv knows" {
	crm-admin config set pbx_charset koi8-r
	run --separate-stderr crm-admin config set pbx_charset no-such-charset
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"not a charset"* ]]
}

@test "six-digit local callers make a lead as they came, and the next call finds it" {
	cp "$FIXTURES/cdr/local-numbers.csv" "$CSV"
	run --separate-stderr pull
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 { print $4 "|" $7 }' <<<"$output")" = "214943|callback-task
214943|history
+37529123456|new-lead" ]
	[ "$(party_count)" -eq 2 ]
	[ "$(parties phones | LC_ALL=C sort | paste -sd,)" = "+37529123456,214943" ]
	# The digits a number is matched on (its tail) no command shows.
	[ "$(sql "SELECT value || '|' || tail FROM contact_point WHERE value NOT LIKE '+%'")" = "214943|214943" ]
	# The answered call closed the callback of the missed one.
	[ "$(callbacks)" -eq 0 ]
}

@test "local_area_code completes local numbers to E.164, and finds the party known by the short one" {
	head -1 "$FIXTURES/cdr/local-numbers.csv" > "$CSV"
	pull > /dev/null
	crm-admin config set local_area_code 8412
	run --separate-stderr crm-admin config set local_area_code 08412
	[ "$status" -eq 65 ]
	sed -n 2p "$FIXTURES/cdr/local-numbers.csv" >> "$CSV"
	run --separate-stderr pull
	[ "$(awk -F'\t' 'NR > 1 { print $4 "|" $7 }' <<<"$output")" = "+78412214943|history" ]
	[ "$(party_count)" -eq 1 ]
	[ "$(parties phones | sed "s/, /\n/g" | LC_ALL=C sort | paste -sd, -)" = "+78412214943,214943" ]
	# Seven digits with a four-digit code would be eleven: not a number of this area.
	printf '"","2149431","74951000000","from-trunk","","SIP/t","SIP/101-1","Dial","","2026-11-26 16:00:00",,"2026-11-26 16:00:09",9,0,"NO ANSWER","DOCUMENTATION","seven",""\n' >> "$CSV"
	run --separate-stderr pull
	[ "$(tsv_get "$output" action)" = ignored ]
}

@test "MikoPBX: the leg that talked answers the call, not the first ANSWERED one of 0 s" {
	db="$BATS_TEST_TMPDIR/cdr.db"
	sqlite3 "$db" "CREATE TABLE cdr_general (id INTEGER PRIMARY KEY, start TEXT, endtime TEXT, answer TEXT,
		src_num TEXT, dst_num TEXT, did TEXT, UNIQUEID TEXT, linkedid TEXT, disposition TEXT,
		billsec INTEGER, duration INTEGER);
	INSERT INTO cdr_general VALUES
	 (1, '2025-10-22 16:03:43.000', '2025-10-22 16:03:50.000', '2025-10-22 16:03:50.000', '79300250234', '201', '74951000000', 'g-a', 'grp-1', 'ANSWERED', 0, 7),
	 (2, '2025-10-22 16:03:43.000', '2025-10-22 16:05:20.000', '', '79300250234', '202', '74951000000', 'g-b', 'grp-1', 'NOANSWER', 0, 20),
	 (3, '2025-10-22 16:03:43.000', '2025-10-22 16:05:20.000', '2025-10-22 16:04:01.000', '79300250234', '203', '74951000000', 'g-c', 'grp-1', 'ANSWERED', 79, 97);"
	run --separate-stderr crm-callpull "mikopbx:$db"
	[ "$status" -eq 0 ]
	[ "$(rows "$output")" = "new-lead|ANSWERED|79|" ]
	# Whether anybody talked, and on which extension, no command shows.
	[ "$(sql "SELECT talked || '|' || extension FROM call")" = "1|203" ]
	[ "$(callbacks --status all)" -eq 0 ]
}
