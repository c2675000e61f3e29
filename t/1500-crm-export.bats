#!/usr/bin/env bats
# 1500-crm-export: segments to xlsx, csv and tsv, read back with real
# readers (openpyxl and LibreOffice); MailChimp's columns and opt-outs;
# formulas that must stay text; call lists that become call tasks.

load helpers

bats_require_minimum_version 1.5.0

PY=/usr/bin/python3

setup() {
	crm_setup
	export CRM_USER=mila
	as root crm-lead add --name "Петров Иван Сергеевич" --company "ООО «Насосы»" \
		--phone "+7 495 123-45-67" --email ivan@nasosy.ru --dept prom > /dev/null
	as root crm-lead add --name "Anna Smith" --company "Smith Pumps Ltd" \
		--phone "8 916 000-11-22" --email anna@smith.co.uk > /dev/null
	as root crm-lead add --name "=HYPERLINK(\"http://evil\",\"click\")" --company "@SUM(1+1)" \
		--email hacker@evil.ru --phone "+7 903 007-00-07" > /dev/null
	as root crm-lead add --name "Без почты" --phone "84950000001" > /dev/null
	OUT="$BATS_TEST_TMPDIR/out"
	mkdir -p "$OUT"
}

# cells FILE: every cell of the first sheet as "ROW COL TYPE VALUE" lines,
# with openpyxl.
cells() {
	"$PY" - "$1" <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
for row in ws.iter_rows():
    for c in row:
        if c.value is not None:
            print(c.row, c.column, c.data_type, repr(c.value))
EOF
}

# sheetinfo FILE: title, frozen pane, autofilter, header bold.
sheetinfo() {
	"$PY" - "$1" <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
print(ws.title, ws.freeze_panes, ws.auto_filter.ref, ws["A1"].font.b, ws.max_row)
EOF
}

@test "MailChimp CSV: its exact columns, one row per address, names split in Russian and Western order" {
	run --separate-stderr crm-export --profile mailchimp --format csv
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'Email Address,First Name,Last Name,Phone Number,Company,Tags\r' ]
	[[ "$output" == *$'anna@smith.co.uk,Anna,Smith,+79160001122,Smith Pumps Ltd,\r'* ]]
	[[ "$output" == *$'ivan@nasosy.ru,Иван,Петров,+74951234567,ООО «Насосы»,\r'* ]]
	# The party without an e-mail is not there.
	[ "$(grep -c '@' <<<"$output")" -eq 3 ]
}

@test "a formula from a web form never becomes one: apostrophe in csv, a string in xlsx" {
	crm-export --profile mailchimp --format csv -o "$OUT/m.csv"
	grep -q "^hacker@evil.ru,\"'=HYPERLINK" "$OUT/m.csv"
	grep -q ",'@SUM(1+1)," "$OUT/m.csv"
	crm-export --profile mailchimp -o "$OUT/m.xlsx"
	run cells "$OUT/m.xlsx"
	[ "$status" -eq 0 ]
	[[ "$output" == *"s '=HYPERLINK(\"http://evil\",\"click\")'"* ]]
	[[ "$output" == *"s '@SUM(1+1)'"* ]]
	[[ "$output" != *" f "* ]]
}

@test "xlsx: bold frozen header, autofilter, phones as text with their +, readable sheet name" {
	crm-export --profile calls -o "$OUT/calls.xlsx"
	run sheetinfo "$OUT/calls.xlsx"
	[ "$status" -eq 0 ]
	[ "$output" = "calls A2 A1:H5 True 5" ]
	run cells "$OUT/calls.xlsx"
	[[ "$output" == *"s '+74951234567'"* ]]
	[[ "$output" == *"s '+79030070007'"* ]]
	[[ "$output" == *"s 'ООО «Насосы»'"* ]]
	# The party id is a number, for sorting.
	[[ "$output" == *$'2 1 n 1'* ]]
}

@test "the format follows the ending of -o FILE in any case, else TSV" {
	crm-export --profile calls -o "$OUT/CALLS.XLSX"
	run sheetinfo "$OUT/CALLS.XLSX"
	[ "$output" = "calls A2 A1:H5 True 5" ]
	crm-export --profile mailchimp -o "$OUT/m.Csv"
	[ "$(head -1 "$OUT/m.Csv")" = $'Email Address,First Name,Last Name,Phone Number,Company,Tags\r' ]
	crm-export --profile calls -o "$OUT/calls.list"
	[ "$(head -1 "$OUT/calls.list")" = $'party\tcompany\tcontact\tphone\tmanager\tdept\tlast_contact\topen_requests' ]
}

@test "LibreOffice reads the same xlsx: Cyrillic, leading +, no formula evaluated" {
	crm-export --profile mailchimp -o "$OUT/lo.xlsx"
	cd "$OUT"
	HOME="$BATS_TEST_TMPDIR" timeout 120 soffice --headless --norestore \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir "$OUT/lo" lo.xlsx > /dev/null 2>&1
	[ -s "$OUT/lo/lo.csv" ]
	# Text cells come out quoted: the phone stayed text, with its +.
	grep -q '^"ivan@nasosy.ru","Иван","Петров","+74951234567","ООО «Насосы»",$' "$OUT/lo/lo.csv"
	grep -q '^"hacker@evil.ru","=HYPERLINK(""http://evil"",""click"")",,"+79030070007","@SUM(1+1)",$' "$OUT/lo/lo.csv"
}

@test "opted-out addresses are never exported, and MailChimp's unsubscribes are read back" {
	printf 'Email Address,First Name,Last Name,UNSUB_TIME\nIVAN@nasosy.ru,Иван,Петров,2026-11-20 10:00:00\nnobody@nowhere.ru,,,2026-11-20\n' > "$OUT/unsub.csv"
	run --separate-stderr crm-export unsubscribes "$OUT/unsub.csv"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'ivan@nasosy.ru\t1\topted-out'* ]]
	[[ "$output" == *$'nobody@nowhere.ru\t\tunknown'* ]]
	[ "$(parties opted_out | grep -c '\(^\|, \)ivan@nasosy.ru\(,\|$\)')" -eq 1 ]
	# When and from where an address opted out no command shows.
	[ "$(sql "SELECT opt_out || '|' || (opt_out_at IS NOT NULL) || '|' || opt_out_source FROM contact_point WHERE value = 'ivan@nasosy.ru'")" = "1|1|$OUT/unsub.csv" ]
	run --separate-stderr crm-export --profile mailchimp --format csv
	[[ "$output" != *ivan@nasosy.ru* ]]
	# Read again: nothing changes.
	run --separate-stderr crm-export unsubscribes "$OUT/unsub.csv"
	[[ "$output" == *$'ivan@nasosy.ru\t1\talready'* ]]
	run --separate-stderr crm-export unsubscribes /dev/null
	[ "$status" -eq 65 ]
	printf 'Name,Phone\nx,y\n' > "$OUT/bad.csv"
	run --separate-stderr crm-export unsubscribes "$OUT/bad.csv"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'no "Email Address" column'* ]]
}

@test "text is cut to 255 bytes on a character boundary for MailChimp" {
	long=$(printf 'Ж%.0s' $(seq 1 200))
	as root crm-lead add --name "Длинный" --company "$long" --email long@ex.ru > /dev/null
	crm-export --profile mailchimp --format tsv -o "$OUT/m.tsv"
	company=$(awk -F'\t' '$1 == "long@ex.ru" { print $5 }' "$OUT/m.tsv")
	[ "$(printf '%s' "$company" | wc -c)" -eq 254 ]
	printf '%s' "$company" | iconv -f UTF-8 -t UTF-8 > /dev/null
}

@test "segments: filters combine, save a named one and reuse it, and an empty one gives a header and exit 1" {
	as root crm-admin user set ivan --dept prom
	run --separate-stderr crm-export --dept prom --has-email --format tsv
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" emails)" = ivan@nasosy.ru ]
	crm-export segment save prom-mail --dept prom --has-email
	run --separate-stderr crm-export segment list --columns name,dept,has_email
	[[ "$output" == *$'prom-mail\tprom\t1'* ]]
	run --separate-stderr crm-export --segment prom-mail --profile mailchimp --format csv
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -eq 2 ]
	run --separate-stderr crm-export --segment nosuch
	[ "$status" -eq 65 ]
	run --separate-stderr crm-export --kind partner --format csv -o "$OUT/empty.csv"
	[ "$status" -eq 1 ]
	[ "$(cat "$OUT/empty.csv")" = "$(printf 'party,kind,company,legal_name,inn,kpp,address,contacts,phones,emails,opted_out,dept,manager,tags,needs,created,last_contact,open_requests\r')" ]
	run --separate-stderr crm-export --kind wizard
	[ "$status" -eq 65 ]
	run --separate-stderr crm-export --inactive banana
	[ "$status" -eq 65 ]
}

@test "--inactive finds parties nobody has heard from for that long" {
	export CRM_NOW=2027-06-01T00:00:00Z
	as root crm-lead add --name "Свежий" --email fresh@ex.ru --received 2027-05-30T00:00:00Z > /dev/null
	run --separate-stderr crm-export --inactive 90d --format tsv
	[ "$status" -eq 0 ]
	[[ "$output" != *fresh@ex.ru* ]]
	[[ "$output" == *ivan@nasosy.ru* ]]
}

@test "a call list becomes call tasks spread over the department, without doubling open ones" {
	crm-export segment save callme --has-phone
	run --separate-stderr bash -c 'crm-export --profile calls --segment callme --format tsv | CRM_USER=anna crm-task add --kind call --to dept:prom'
	[ "$status" -eq 0 ]
	calls=$(listing crm-task list --status all --kind call)
	[ "$(tsv_pick "$calls" "" party | sort -u | wc -l)" -eq 4 ]
	[ "$(tsv_pick "$calls" "" assignee | LC_ALL=C sort -u | paste -sd, -)" = "ivan,petr" ]
	run --separate-stderr bash -c 'crm-export --profile calls --segment callme --format tsv | CRM_USER=anna crm-task add --kind call --to dept:prom'
	[ "$(count_of crm-task list --status all --kind call)" -eq 4 ]
}

@test "-o writes atomically: a failed export leaves no file behind" {
	run --separate-stderr crm-export --profile nosuch -o "$OUT/x.xlsx"
	[ "$status" -eq 64 ]
	[ -z "$(ls "$OUT")" ]
	run --separate-stderr crm-export -o "$BATS_TEST_TMPDIR/no/such/dir/x.csv"
	[ "$status" -eq 74 ]
	echo old > "$OUT/keep.csv"
	run --separate-stderr crm-export --kind wizard -o "$OUT/keep.csv"
	[ "$(cat "$OUT/keep.csv")" = old ]
	[ "$(ls "$OUT")" = keep.csv ]
}

@test "a disk that fills up in the middle of an xlsx export is named, and no file is left" {
	awk 'BEGIN { print "name\tcompany\temail"
		for (i = 1; i <= 3000; i++)
			printf "Клиент %d\tООО «Компрессоры и насосы %d»\tc%d@example.ru\n", i, i, i }' |
		as root crm-lead add > /dev/null
	# The file size limit (ulimit -f, in KB) stands in for a full disk.
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 256; exec crm-export -o "$1"' _ "$OUT/all.xlsx"
	[ "$status" -eq 74 ]
	[[ "$stderr" == "crm-export: $OUT/all.xlsx: "* ]]
	[ -z "$(ls -A "$OUT")" ]
	crm-export -o "$OUT/all.xlsx"
	[ "$(sheetinfo "$OUT/all.xlsx")" = "contacts A2 A1:R3005 True 3005" ]
}

@test "a warehouse user may not export" {
	run --separate-stderr as wes crm-export
	[ "$status" -eq 77 ]
}

@test "last_contact is each party's latest request, note or call, in every profile that has it" {
	export TZ=UTC
	CRM_NOW=2026-11-27T08:00:00Z as root crm-lead note --text "Перезвонить в декабре" 2 > /dev/null
	as root crm-admin config set own_numbers "+7 495 100-00-00"
	printf '"","84951234567","74951000000","from-trunk","""Петров"" <84951234567>","SIP/trunk-01","SIP/101-02","Dial","SIP/101,,tT","2026-11-28 09:00:00","2026-11-28 09:00:05","2026-11-28 09:02:00",115,110,"ANSWERED","DOCUMENTATION","1764320400.1",""\n' \
		> "$OUT/Master.csv"
	as root crm-callpull "$OUT/Master.csv" > /dev/null
	run --separate-stderr crm-export --profile calls --format tsv
	[ "$status" -eq 0 ]
	grep -qxF $'1\tООО «Насосы»\tПетров Иван Сергеевич\t+74951234567\t\tprom\t2026-11-28T09:00:00Z\t1' <<<"$output"
	grep -qxF $'2\tSmith Pumps Ltd\tAnna Smith\t+79160001122\t\t\t2026-11-27T08:00:00Z\t1' <<<"$output"
	grep -qxF $'4\tБез почты\tБез почты\t+74950000001\t\t\t2026-11-26T10:00:00Z\t1' <<<"$output"
	run --separate-stderr crm-export --format tsv
	[ "$(tsv_get "$output" last_contact 2)" = 2026-11-28T09:00:00Z ]
	[ "$(tsv_get "$output" last_contact 3)" = 2026-11-27T08:00:00Z ]
	run --separate-stderr env CRM_NOW=2026-12-27T09:00:00Z crm-export --inactive 30d --format tsv
	[ "$(tsv_count "$output")" -eq 3 ]
	[[ "$output" == *Smith* && "$output" != *Насосы* ]]
}

@test "a lead whose every request is junk is in no export, unless --with-junk" {
	spam=$(as root crm-lead add -H --columns id --name "Спамер" --email spam@spam.example \
		--phone "+7 999 000-00-00" --subject "Купите базу")
	as anna crm-lead junk --reason spam "$spam" > /dev/null
	crm-export segment save all-mail --has-email
	for args in "--has-email --profile mailchimp" "--profile calls" "--profile contacts" \
		"--segment all-mail --profile mailchimp"; do
		run --separate-stderr crm-export $args --format tsv
		[ "$status" -eq 0 ]
		[[ "$output" != *spam* && "$output" != *79990000000* ]]
	done
	run --separate-stderr crm-export --has-email --profile mailchimp --format tsv --with-junk
	[ "$status" -eq 0 ]
	[[ "$output" == *$'spam@spam.example\t'* ]]
	run --separate-stderr crm-export --segment all-mail --profile calls --format tsv --with-junk
	[[ "$output" == *$'\t+79990000000\t'* ]]
	# Only a lead junk alone is left out: one more request that is not junk,
	# and it is a lead again.
	as root crm-lead add --email SPAM@spam.example --subject "Всё же нужен насос" > /dev/null
	run --separate-stderr crm-export --has-email --profile mailchimp --format tsv
	[[ "$output" == *$'spam@spam.example\t'* ]]
}

@test "MailChimp's Company is empty for a person: a party named after its contact or its address" {
	as root crm-lead add --name "Олег Смирнов" --email oleg@mail.ru > /dev/null
	as root crm-lead add --email nameless@mail.ru > /dev/null
	ip=$(as root crm-lead add -H --columns id --name "Ольга Белова" --email belova@mail.ru)
	as anna crm-lead qualify --legal-name "ИП Белова Ольга Петровна" "$ip" > /dev/null
	run --separate-stderr crm-export --profile mailchimp --format tsv
	[ "$status" -eq 0 ]
	grep -qxF $'oleg@mail.ru\tОлег\tСмирнов\t\t\t' <<<"$output"
	grep -qxF $'nameless@mail.ru\t\t\t\t\t' <<<"$output"
	grep -qxF $'belova@mail.ru\tОльга\tБелова\t\tИП Белова Ольга Петровна\t' <<<"$output"
	grep -qxF $'ivan@nasosy.ru\tИван\tПетров\t+74951234567\tООО «Насосы»\t' <<<"$output"
	# The contacts profile keeps the party's name.
	run --separate-stderr crm-export --format tsv
	[[ "$output" == *$'\tlead\tОлег Смирнов\t'* ]]
}

@test "unsubscribes reads MailChimp's CSV from standard input as - or with no FILE" {
	run --separate-stderr bash -c 'printf "Email Address\nivan@nasosy.ru\n" | crm-export unsubscribes -'
	[ "$status" -eq 0 ]
	[ "$output" = $'email\tparty\taction\nivan@nasosy.ru\t1\topted-out' ]
	# From where an address opted out no command shows.
	[ "$(sql "SELECT opt_out_source FROM contact_point WHERE value = 'ivan@nasosy.ru'")" = stdin ]
	run --separate-stderr bash -c 'printf "Email Address\nanna@smith.co.uk\n" | crm-export unsubscribes --source "MailChimp 2026-12-01"'
	[ "$status" -eq 0 ]
	[ "$output" = $'email\tparty\taction\nanna@smith.co.uk\t2\topted-out' ]
	[ "$(sql "SELECT opt_out_source FROM contact_point WHERE value = 'anna@smith.co.uk'")" = "MailChimp 2026-12-01" ]
	run --separate-stderr crm-export unsubscribes a.csv b.csv
	[ "$status" -eq 64 ]
}
