#!/usr/bin/env bats
# 0200-tsv: the crm-tsv(5) format as the commands read and write it:
# CRLF and BOM accepted, bad lines named, output readable by Miller.

load helpers

setup() { crm_setup; }

@test "input with CRLF line ends and a UTF-8 BOM is read like plain LF input" {
	printf '\xef\xbb\xbfname\temail\r\nОльга\tolga@ex.ru\r\nПавел\tpavel@ex.ru\r\n' |
		crm-lead add > /dev/null
	[ "$(requests_shown name | paste -sd, -)" = "Ольга,Павел" ]
	[ "$(requests_shown email | paste -sd, -)" = "olga@ex.ru,pavel@ex.ru" ]
}

@test "a line with the wrong number of fields is named and nothing is written" {
	printf 'name\temail\nА\ta@ex.ru\nБ\nВ\tv@ex.ru\n' > "$BATS_TEST_TMPDIR/in.tsv"
	run crm-lead add < "$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 65 ]
	[[ "$output" == *"line 3: 1 field"* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
}

@test "invalid UTF-8 is refused, naming the line and the column" {
	printf 'name\temail\nА\ta@ex.ru\n\xff\xfe\tb@ex.ru\n' > "$BATS_TEST_TMPDIR/in.tsv"
	run crm-lead add < "$BATS_TEST_TMPDIR/in.tsv"
	[ "$status" -eq 65 ]
	[[ "$output" == *'line 3: invalid UTF-8 in column "name"'* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
}

@test "a bad escape and a NUL byte are refused" {
	printf 'name\temail\nA\\qB\ta@ex.ru\n' | { run crm-lead add; [ "$status" -eq 65 ]; }
	printf 'name\temail\nA\0B\ta@ex.ru\n' > "$BATS_TEST_TMPDIR/nul.tsv"
	run crm-lead add < "$BATS_TEST_TMPDIR/nul.tsv"
	[ "$status" -eq 65 ]
	[ "$(count_of crm-lead list)" -eq 0 ]
}

@test "empty input has no header and is refused" {
	run crm-lead add < /dev/null
	[ "$status" -eq 65 ]
	[[ "$output" == *"no header"* ]]
}

@test "tabs, newlines, backslashes and Cyrillic survive a round trip, and Miller reads the output" {
	printf 'name\temail\tsubject\nИван\\tПетров\ti@ex.ru\tстрока 1\\nстрока 2\\\\конец\n' |
		crm-lead add > /dev/null
	[ "$(requests_shown subject | tsv_unescape)" = "строка 1
строка 2\\конец" ]
	[ "$(requests_shown name | tsv_unescape)" = "Иван	Петров" ]
	out=$(crm-lead list --columns name,subject)
	[ "$(sed -n 2p <<<"$out")" = 'Иван\tПетров	строка 1\nстрока 2\\конец' ]
	json=$(crm-lead list --columns name,subject | mlr --itsv --ojson cat)
	[[ "$json" == *'"name": "Иван\tПетров"'* ]]
	[[ "$json" == *'"subject": "строка 1\nстрока 2\\конец"'* ]]
}

@test "--columns picks and orders columns, -H drops the header, an unknown column is 64" {
	crm-lead add --name "Иван" --email i@ex.ru > /dev/null
	run crm-lead list --columns email,id
	[ "${lines[0]}" = $'email\tid' ]
	[ "${lines[1]}" = $'i@ex.ru\t1' ]
	run crm-lead list -H --columns id
	[ "$output" = 1 ]
	run crm-lead list --columns id,nope
	[ "$status" -eq 64 ]
	[[ "$output" == *'unknown column "nope"'* ]]
}

@test "an empty result with --columns prints only the header and exits 1" {
	run crm-lead list --status junk --columns id,name
	[ "$status" -eq 1 ]
	[ "$output" = $'id\tname' ]
}

@test "output that cannot be written is an I/O error (74)" {
	crm-lead add --name "Иван" --email i@ex.ru > /dev/null
	run sh -c 'crm-lead list > /dev/full'
	[ "$status" -eq 74 ]
}

@test "an unknown column prints no header on stdout" {
	crm-lead add --name "Иван" --email i@ex.ru > /dev/null
	crm-lead list --columns id,nope > "$BATS_TEST_TMPDIR/out" 2>/dev/null || true
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
}

@test "a field longer than its limit is refused naming the line and the column (65)" {
	python3 -c "print('name\tbody'); print('Иван\tкоротко'); print('Пётр\t' + 'x' * (1024 * 1024 + 1))" |
		{ run crm-lead add; [ "$status" -eq 65 ]
		  [[ "$output" == *'line 3: column "body": 1048577 bytes, more than the 1 MB a body may hold'* ]]; }
	python3 -c "print('name\tsubject'); print('Иван\t' + 'я' * 1001)" |
		{ run crm-lead add; [ "$status" -eq 65 ]
		  [[ "$output" == *'line 2: column "subject": 1001 characters, more than the 1000 a subject may hold'* ]]; }
	[ "$(count_of crm-lead list)" -eq 0 ]
}

@test "a body of exactly 1 MB and a name of 1000 Cyrillic characters are taken" {
	python3 -c "print('name\tbody'); print('я' * 1000 + '\t' + 'x' * (1024 * 1024))" | crm-lead add > /dev/null
	[ "$(requests_shown name,body | python3 -c 'import sys; n, b = sys.stdin.read().rstrip("\n").split("|"); print(len(n), len(b))')" = "1000 1048576" ]
}

@test "option values have the same limits" {
	run crm-lead add --name "$(python3 -c "print('я' * 1001)")"
	[ "$status" -eq 65 ]
	[[ "$output" == *'option --name: 1001 characters, more than the 1000 a name may hold'* ]]
	run crm-task add --kind call --title "$(python3 -c "print('t' * 1001)")"
	[ "$status" -eq 65 ]
	[[ "$output" == *'option --title: 1001 characters'* ]]
	[ "$(count_of crm-lead list) $(count_of crm-task list --status all)" = "0 0" ]
}
