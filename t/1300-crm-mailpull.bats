#!/usr/bin/env bats
# 1300-crm-mailpull: e-mail from maildirs and mbox files becomes requests
# exactly once: dedupe by Message-ID (or a hash), auto-replies skipped,
# unreadable mail quarantined, crash and rerun, two runs at once.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	crm_setup
	export CRM_DATADIR="$CRM_SRCDIR/share/crm"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	MD="$BATS_TEST_TMPDIR/Maildir"
	mkdir -p "$MD/new" "$MD/cur" "$MD/tmp"
}

# letter ID FROM SUBJECT BODY: a plain UTF-8 letter on stdout.
letter() {
	printf 'From: %s\r\nTo: sales@pumps.example\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0300\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n' \
		"$2" "$3" "$1" "$4"
}

# many N PREFIX: N small letters in the maildir's new/, fast.
many() {
	awk -v n="$1" -v p="$2" -v dir="$MD/new" 'BEGIN {
		for (i = 1; i <= n; i++) {
			f = sprintf("%s/%05d.%s", dir, i, p)
			printf "From: s%d@ex.ru\nSubject: Письмо %d\nMessage-ID: <%s%d@ex.ru>\n\nтекст %d\n", i, i, p, i, i > f
			close(f)
		}
	}'
}

# wait_taken N: until at least N messages are recorded (at most 10 s).
wait_taken() {
	for _ in $(seq 1 200); do
		[ "$(sql "SELECT count(*) FROM mail_seen" 2>/dev/null || echo 0)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# deliver NAME: stdin into the maildir's new/ as NAME.
deliver() {
	cat > "$MD/tmp/$1" && mv "$MD/tmp/$1" "$MD/new/$1"
}

@test "a letter from an unknown sender becomes a new lead with its phone and company" {
	letter m1@ex.ru 'Сергей Волков <volkov@teploservice.ru>' 'Насос ЦНС 38-44' \
		$'Добрый день!\r\nНужен насос ЦНС 38-44, 2 шт.\r\n\r\n-- \r\nСергей Волков\r\nООО «ТеплоСервис»\r\nтел. +7 (495) 214-33-10' |
		deliver 1.m1
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'message_id\taction\tparty\trequest\tparser\treason' ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	[ "$(tsv_get "$output" message_id)" = "<m1@ex.ru>" ]
	[ "$(requests channel,email,phone,subject)" = \
		"mail|volkov@teploservice.ru|+74952143310|Насос ЦНС 38-44" ]
	[ "$(parties kind)" = lead ]
	# The original bytes are kept with the request (no command shows them).
	[ "$(sql "SELECT length(raw) > 100 FROM request")" = 1 ]
	# Taken mail is marked seen in the maildir.
	[ -z "$(ls "$MD/new")" ]
	ls "$MD/cur" | grep -q '^1.m1:2,S$'
}

@test "running again takes nothing twice, even when the mail is put back as new" {
	letter m1@ex.ru 'a@ex.ru' 'Первое' 'текст' | deliver 1.m1
	letter m2@ex.ru 'b@ex.ru' 'Второе' 'текст' | deliver 2.m2
	crm-mailpull "maildir:$MD" > /dev/null
	# Another client moves them back: the Message-IDs keep them once.
	for f in "$MD"/cur/*; do mv "$f" "$MD/new/$(basename "${f%%:*}")x"; done
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(tsv_get "$output" action)" = duplicate ]
	[ "$(count_of crm-lead list)" -eq 2 ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sql "SELECT count(*) FROM mail_seen")" -eq 2 ]
}

@test "a letter from a known address joins the history and notifies its manager" {
	id=$(crm-lead add -H --columns id --name "Иван" --email ivan@client.ru)
	as anna crm-lead assign --to petr "$id" > /dev/null
	letter m3@client.ru 'Иван <Ivan@Client.RU>' 'Ещё вопрос' 'Сколько стоит?' | deliver 3.m3
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(tsv_get "$output" action)" = history ]
	[ "$(party_count)" -eq 1 ]
	[ "$(crm-task list --status all --request "$(tsv_get "$output" request)" -H --columns assignee)" = petr ]
}

@test "a reply in a thread we hold goes to that party's history, whoever sends it" {
	letter t1@ex.ru 'Ольга <olga@factory.ru>' 'Запрос' 'Нужен компрессор' | deliver 1.t1
	crm-mailpull "maildir:$MD" > /dev/null
	printf 'From: Бухгалтерия <buh@other-domain.ru>\r\nSubject: Re: Запрос\r\nMessage-ID: <t2@other-domain.ru>\r\nIn-Reply-To: <t1@ex.ru>\r\nReferences: <t1@ex.ru>\r\n\r\nПришлите счёт.\r\n' | deliver 2.t2
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(tsv_get "$output" action)" = history ]
	[ "$(requests party | sort -u | wc -l)" -eq 1 ]
	# The other sender's address does not become the party's.
	[ "$(parties emails,opted_out)" = "olga@factory.ru|" ]
}

@test "auto-replies and bounces are recorded as skipped, never made into leads" {
	printf 'From: robot@ex.ru\r\nSubject: Автоответ: Насос\r\nAuto-Submitted: auto-replied\r\nMessage-ID: <auto1@ex.ru>\r\n\r\nЯ в отпуске.\r\n' | deliver 1.a
	printf 'From: MAILER-DAEMON@mx.ex.ru\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce1@mx.ex.ru>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b--\r\n' | deliver 2.b
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 { print $2 }' <<<"$output" | sort -u)" = skipped-autoreply ]
	[ "$(count_of crm-lead list)" -eq 0 ]
	[ "$(party_count)" -eq 0 ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sql "SELECT count(*) FROM mail_seen WHERE action = 'skipped-autoreply' AND reason IS NOT NULL")" -eq 2 ]
}

@test "dates in any RFC 5322 zone are stored in UTC; an unreadable zone is taken as UTC with a warning" {
	printf 'From: a@ex.ru\r\nSubject: UT\r\nMessage-ID: <d1@ex.ru>\r\nDate: Wed, 25 Nov 2026 14:35:28 UT\r\n\r\nx\r\n' | deliver 1.d1
	printf 'From: b@ex.ru\r\nSubject: colon\r\nMessage-ID: <d2@ex.ru>\r\nDate: Wed, 25 Nov 2026 14:35:28 +03:00\r\n\r\nx\r\n' | deliver 2.d2
	printf 'From: c@ex.ru\r\nSubject: EST\r\nMessage-ID: <d3@ex.ru>\r\nDate: 25 Nov 26 14:35 EST\r\n\r\nx\r\n' | deliver 3.d3
	printf 'From: d@ex.ru\r\nSubject: MSK\r\nMessage-ID: <d4@ex.ru>\r\nDate: Wed, 25 Nov 2026 14:35:28 MSK\r\n\r\nx\r\n' | deliver 4.d4
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(requests subject,received | tr '|' = | LC_ALL=C sort | paste -sd' ' -)" = \
		"EST=2026-11-25T19:35:00Z MSK=2026-11-25T14:35:28Z UT=2026-11-25T14:35:28Z colon=2026-11-25T11:35:28Z" ]
	[[ "$stderr" == *'crm-mailpull: warning: <d4@ex.ru>: Date: unknown time zone "MSK", the time is taken as UTC'* ]]
	[ "$(grep -c warning <<<"$stderr")" -eq 1 ]
}

@test "blank lines before the headers, raw koi8-r headers and the old comment name still make a lead" {
	printf '\r\n \t\r\nFrom: ivan.petrov@zavod.ru (\xe9\xd7\xc1\xce \xf0\xc5\xd4\xd2\xcf\xd7)\r\nSubject: \xfa\xc1\xd1\xd7\xcb\xc1\r\nMessage-ID: <b1@zavod.ru>\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n\xfa\xc4\xd2\xc1\xd7\xd3\xd4\xd7\xd5\xca\xd4\xc5\r\n' | deliver 1.b1
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	[ "$(requests subject,email)" = "Заявка|ivan.petrov@zavod.ru" ]
	[ "$(shown "$(tsv_get "$output" request)" contact)" = "Иван Петров" ]
}

@test "machines without Auto-Submitted are skipped: auto reply subjects, post_master bounces, SES, ARF, list managers, From: <>" {
	for f in "$FIXTURES"/mail/auto/*.eml; do
		cp "$f" "$MD/new/$(basename "$f" .eml)"
	done
	cp "$FIXTURES/mail/free/postmaster-human.eml" "$MD/new/postmaster-human"
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 && $2 == "skipped-autoreply"' <<<"$output" | wc -l)" -eq "$(ls "$FIXTURES"/mail/auto/*.eml | wc -l)" ]
	[ "$(awk -F'\t' '$1 ~ /amazonses/ { print $5 "|" $6 }' <<<"$output")" = \
		'skip|mailrules: From @(sns\\.amazonaws\\.com|([a-z0-9-]+\\.)*amazonses\\.com)>?$' ]
	# A person may write from postmaster@: without a bounce's signs it is a letter.
	[ "$(requests email)" = postmaster@teplo-nord.example ]
	[ "$(parties contacts)" = "Bob Kovalenko" ]
}

@test "public mail domains, from the freemail data file and the user's, are no company; a missing data file is 78" {
	letter f1@ex.ru 'Li Wei <li.wei@yahoo.com.hk>' 'Pumps' 'Need a pump.' | deliver 1.f1
	letter f2@ex.ru 'Olga <olga@bigmir.net>' 'Насос' 'Нужен насос.' | deliver 2.f2
	letter f3@ex.ru 'Petr <petr@our-staff-mail.example>' 'Насос' 'Нужен насос.' | deliver 3.f3
	letter f4@ex.ru 'Ivan <ivan@zavod.ru>' 'Насос' 'Нужен насос.' | deliver 4.f4
	mkdir -p "$XDG_CONFIG_HOME/crm"
	printf '# ours\nOur-Staff-Mail.example\n' > "$XDG_CONFIG_HOME/crm/freemail"
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(requests_shown email,company | tr '|' = | paste -sd' ' -)" = \
		"li.wei@yahoo.com.hk= olga@bigmir.net= petr@our-staff-mail.example= ivan@zavod.ru=zavod.ru" ]
	mkdir "$BATS_TEST_TMPDIR/share"
	cp "$CRM_DATADIR/mailrules" "$BATS_TEST_TMPDIR/share/"
	letter f5@ex.ru 'Anna <anna@gmail.com>' 'Насос' 'Нужен насос.' | deliver 5.f5
	CRM_DATADIR="$BATS_TEST_TMPDIR/share" run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"$BATS_TEST_TMPDIR/share/freemail: No such file or directory"* ]]
	[ "$(count_of crm-lead list)" -eq 4 ]
}

@test "a message without Message-ID is kept once by the hash of its bytes" {
	printf 'From: x@ex.ru\r\nSubject: Без идентификатора\r\n\r\nТекст.\r\n' | deliver 1.noid
	run --separate-stderr crm-mailpull "maildir:$MD"
	[[ "$(tsv_get "$output" message_id)" == sha256:* ]]
	cp "$MD"/cur/* "$MD/new/2.copy"
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(tsv_get "$output" action)" = duplicate ]
	[ "$(count_of crm-lead list)" -eq 1 ]
}

@test "what cannot be read goes to quarantine with the reason and the run goes on, exit 65" {
	head -c 3000 /dev/urandom | tr -d '\n:' > "$MD/new/1.garbage"
	letter ok@ex.ru 'ok@ex.ru' 'Нормальное' 'письмо' | deliver 2.ok
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"1 message put in quarantine"* ]]
	[ "$(awk -F'\t' '$2 == "quarantined"' <<<"$output" | wc -l)" -eq 1 ]
	[ "$(awk -F'\t' '$2 == "new-lead"' <<<"$output" | wc -l)" -eq 1 ]
	# No command shows the quarantine.
	[ "$(sql "SELECT count(*) FROM quarantine WHERE length(raw) > 0 AND reason <> ''")" -eq 1 ]
	# Quarantined once: a second run does not add it again.
	mv "$MD"/cur/1.garbage* "$MD/new/1.garbage"
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(sql "SELECT count(*) FROM quarantine")" -eq 1 ]
}

@test "--dry-run parses and reports but writes and marks nothing" {
	letter d1@ex.ru 'Пётр <p@ex.ru>' 'Тема' 'Текст' | deliver 1.d1
	run --separate-stderr crm-mailpull --dry-run "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	[ "$(count_of crm-lead list) $(party_count)" = "0 0" ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sql "SELECT count(*) FROM mail_seen")" -eq 0 ]
	[ -e "$MD/new/1.d1" ]
}

@test "--limit takes at most N messages; the rest wait for the next run" {
	for i in 1 2 3 4 5; do letter "l$i@ex.ru" "s$i@ex.ru" "Письмо $i" 'текст' | deliver "$i.l"; done
	run --separate-stderr crm-mailpull --limit 2 "maildir:$MD"
	[ "$(tsv_count "$output")" -eq 2 ]
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(count_of crm-lead list)" -eq 5 ]
}

@test "an mbox is read from where the last run stopped, and >From lines are unquoted" {
	mbox="$BATS_TEST_TMPDIR/in.mbox"
	{
		printf 'From a@ex.ru Wed Nov 25 10:00:00 2026\n'
		letter mb1@ex.ru 'a@ex.ru' 'Один' $'строка\n>From the start' | tr -d '\r'
		printf '\nFrom b@ex.ru Wed Nov 25 11:00:00 2026\n'
		letter mb2@ex.ru 'b@ex.ru' 'Два' 'текст' | tr -d '\r'
	} > "$mbox"
	run --separate-stderr crm-mailpull "mbox:$mbox"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(tsv_get "$output" message_id 2)" = "<mb1@ex.ru>" ]
	[[ "$(shown "$(tsv_get "$output" request 2)" request body | tsv_unescape)" == *$'\nFrom the start'* ]]
	{ printf '\nFrom c@ex.ru Wed Nov 25 12:00:00 2026\n'; letter mb3@ex.ru 'c@ex.ru' 'Три' 'т' | tr -d '\r'; } >> "$mbox"
	run --separate-stderr crm-mailpull "mbox:$mbox"
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" message_id)" = "<mb3@ex.ru>" ]
}

@test "a run killed in the middle loses nothing and doubles nothing" {
	many 3000 k
	crm-mailpull "maildir:$MD" > /dev/null 2>&1 &
	pid=$!
	wait_taken 20
	kill -9 "$pid"
	wait "$pid" || true
	taken=$(sql "SELECT count(*) FROM mail_seen") # the bookkeeping: no command shows it
	[ "$taken" -lt 3000 ] # it really was killed half-way
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -ge $((3000 - taken)) ]
	[ "$(count_of crm-lead list)" -eq 3000 ]
	[ "$(sql "SELECT count(*) FROM mail_seen")" -eq 3000 ]
	[ "$(requests_shown source_ref | sort -u | wc -l)" -eq 3000 ]
	[ -z "$(ls "$MD/new")" ]
}

@test "two runs at once never both read one mailbox: the second exits 75" {
	many 3000 c
	crm-mailpull "maildir:$MD" > "$BATS_TEST_TMPDIR/first.tsv" 2>/dev/null &
	first=$!
	wait_taken 20
	kill -0 "$first" # still at work
	run --separate-stderr crm-mailpull "maildir:$MD"
	wait "$first"
	[ "$status" -eq 75 ]
	[[ "$stderr" == *"another crm-mailpull is reading"* ]]
	[ "$(count_of crm-lead list)" -eq 3000 ]
}

@test "bad sources and options are usage errors; a missing maildir is 66" {
	run --separate-stderr crm-mailpull "ftp://x"
	[ "$status" -eq 64 ]
	run --separate-stderr crm-mailpull "imap://host/INBOX"
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"no user"* ]]
	run --separate-stderr crm-mailpull --limit 0 "maildir:$MD"
	[ "$status" -eq 64 ]
	run --separate-stderr crm-mailpull "maildir:$BATS_TEST_TMPDIR/nope"
	[ "$status" -eq 66 ]
	run --separate-stderr crm-mailpull
	[ "$status" -eq 64 ]
}

@test "accounts: a named account is read from the accounts file; a passfile open to others is refused" {
	mkdir -p "$XDG_CONFIG_HOME/crm"
	printf 'account box\n\tsource maildir:%s\n' "$MD" > "$XDG_CONFIG_HOME/crm/accounts"
	letter acc@ex.ru 'a@ex.ru' 'Тема' 'т' | deliver 1.acc
	run --separate-stderr crm-mailpull box
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	run --separate-stderr crm-mailpull nosuch
	[ "$status" -eq 78 ]
	[[ "$stderr" == *'no account "nosuch"'* ]]
	printf 'secret\n' > "$BATS_TEST_TMPDIR/pass"
	chmod 644 "$BATS_TEST_TMPDIR/pass"
	printf 'account imap\n\tsource imaps://u@127.0.0.1:1/INBOX\n\tpassfile %s\n' "$BATS_TEST_TMPDIR/pass" >> "$XDG_CONFIG_HOME/crm/accounts"
	run --separate-stderr crm-mailpull imap
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"chmod 600"* ]]
	printf 'account bad\n\tcolour blue\n' >> "$XDG_CONFIG_HOME/crm/accounts"
	run --separate-stderr crm-mailpull bad
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"accounts:"*"unknown key \"colour\""* ]]
}

@test "a server that is not there is exit 69, and nothing is written" {
	run --separate-stderr crm-mailpull --timeout 2 --passcmd 'echo x' "imap://u@127.0.0.1:1/INBOX"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"cannot connect to 127.0.0.1:1"* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sql "SELECT count(*) FROM mail_seen")" -eq 0 ]
}

@test "a warehouse user may not read mail into the CRM" {
	run --separate-stderr as wes crm-mailpull "maildir:$MD"
	[ "$status" -eq 77 ]
}

@test "every sample letter is taken: forms as web requests, chats as chat, auto-replies skipped" {
	n=0
	for f in "$FIXTURES"/mail/*.eml "$FIXTURES"/mail/*/*.eml; do
		n=$((n + 1))
		cp "$f" "$MD/new/$(printf '%03d' "$n").$(basename "$f" .eml)"
	done
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq "$n" ]
	[ -z "$(ls "$MD/new")" ]
	# The Tilda form: the customer, not the website, is the sender.
	shown_all=$(requests_shown source_ref,channel,phone,email)
	[ "$(awk -F'|' '$1 ~ /@tilda\.ws>$/ { print $2 "|" $3 "|" $4 }' <<<"$shown_all")" = \
		"web|+79215551234|o.smirnova@vodokanal-spb.ru" ]
	# The JivoSite offline message: a chat request with the visitor's phone.
	[ "$(awk -F'|' '$1 == "<offline.8812736.1764094360@jivo.ru>" { print $2 "|" $3 }' <<<"$shown_all")" = \
		"chat|+79031234567" ]
	# Auto-replies and bounces made no requests.
	[ "$(awk -F'\t' '$2 == "skipped-autoreply"' <<<"$output" | wc -l)" -ge 2 ]
	[ "$(awk -F'\t' '$2 == "skipped-autoreply" && $4 != ""' <<<"$output" | wc -l)" -eq 0 ]
	[ "$(count_of crm-lead list)" -eq "$(awk -F'\t' '$4 != ""' <<<"$output" | sed 1d | cut -f4 | sort -u | wc -l)" ]
	# Everything stored is valid UTF-8 text: Miller reads the whole board back.
	crm-lead list --columns id,name,subject | mlr --itsv --ojson cat > /dev/null
}

@test "a 20 MB letter with an attachment and a 100 KB header line is taken whole" {
	{
		printf 'From: big@ex.ru\r\nSubject: Чертежи\r\nMessage-ID: <big@ex.ru>\r\nX-Long: %s\r\n' "$(head -c 100000 /dev/zero | tr '\0' a)"
		printf 'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nЧертежи во вложении.\r\n--b\r\nContent-Type: application/pdf; name="plan.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
		head -c 15000000 /dev/urandom | base64
		printf '\r\n--b--\r\n'
	} | deliver 1.big
	size=$(stat -c %s "$MD/new/1.big")
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	# The raw bytes kept no command shows.
	[ "$(sql "SELECT length(raw) FROM request")" -eq "$size" ]
	[[ "$(shown "$(tsv_get "$output" request)" request body)" == *"[attachment] plan.pdf (application/pdf, 15000000 bytes)"* ]]
}

@test "a copy of a letter already taken is reported once, not at every run" {
	letter dup@ex.ru 'a@ex.ru' 'Тема' 'т' | deliver 1.first
	crm-mailpull "maildir:$MD" > /dev/null
	letter dup@ex.ru 'a@ex.ru' 'Тема' 'т' | deliver 2.copy
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(tsv_get "$output" action)" = duplicate ]
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$output" = $'message_id\taction\tparty\trequest\tparser\treason' ]
}

@test "maildir:~/PATH means the home directory, as the shell would" {
	export HOME="$BATS_TEST_TMPDIR"
	letter home@ex.ru 'a@ex.ru' 'Тема' 'т' | deliver 1.home
	run --separate-stderr crm-mailpull "maildir:~/Maildir"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
}

@test "without an operand: the usage and 64, before any database is looked for" {
	CRM_DB="$BATS_TEST_TMPDIR/none.db" run --separate-stderr crm-mailpull
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"missing operand"* ]]
	[[ "$stderr" == *"usage: crm-mailpull"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/none.db" ]
}

@test "an unknown --columns is refused before any message is taken, and -C picks columns" {
	letter c1@ex.ru 'Сергей <s@ex.ru>' 'Насос' 'Нужен насос' | deliver 1.c1
	run --separate-stderr crm-mailpull -C message_id,nope "maildir:$MD"
	[ "$status" -eq 64 ]
	[ -z "$output" ]
	[[ "$stderr" == *'unknown column "nope"; columns are: message_id, action, party, request, parser, reason'* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sql "SELECT count(*) FROM mail_seen")" -eq 0 ]
	[ -e "$MD/new/1.c1" ]
	run --separate-stderr crm-mailpull -C action,message_id "maildir:$MD"
	[ "$output" = $'action\tmessage_id\nnew-lead\t<c1@ex.ru>' ]
}

@test "a letter whose subject is longer than 1000 characters goes to quarantine with the reason" {
	letter long@ex.ru 'Спамер <s@ex.ru>' "$(python3 -c "print('Купите ' * 200)")" 'текст' | deliver 1.long
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 65 ]
	[ "$(tsv_get "$output" action)" = quarantined ]
	[[ "$(tsv_get "$output" reason)" == *"subject: 1399 characters, more than the 1000 a subject may hold"* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
}

# half_letter / rest_letter: one letter from an mbox writer, cut inside an
# encoded subject as a slow delivery leaves it.
half_letter() {
	printf 'From ivan@zavod.ru Wed Nov 25 10:00:00 2026\nFrom: ivan@zavod.ru\nTo: sales@pumps.example\nMessage-ID: <half@zavod.ru>\nSubject: =?windo'
}
rest_letter() {
	printf 'ws-1251?B?x+D/4urg?=\nDate: Wed, 25 Nov 2026 10:00:00 +0300\nContent-Type: text/plain; charset=utf-8\n\nНужен насос на 40 кубов.\nИван\n\n'
}

@test "an mbox appended under an fcntl lock alone is read only when the writer is done" {
	mbox="$BATS_TEST_TMPDIR/in.mbox"
	: > "$mbox"
	# a writer as a delivery agent without dotlocks: lockf, half, a pause, the rest
	python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "ab")
fcntl.lockf(f, fcntl.LOCK_EX)
f.write(sys.argv[2].encode()); f.flush()
open(sys.argv[1] + ".half", "w").close()
time.sleep(2)
f.write(sys.argv[3].encode()); f.flush()
fcntl.lockf(f, fcntl.LOCK_UN)
' "$mbox" "$(half_letter)" "$(rest_letter)" &
	writer=$!
	for _ in $(seq 1 100); do [ -e "$mbox.half" ] && break; sleep 0.05; done
	run --separate-stderr crm-mailpull --timeout 20 "mbox:$mbox"
	wait "$writer"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" message_id)" = "<half@zavod.ru>" ]
	[ "$(requests subject)" = "Заявка" ]
	[[ "$(requests_shown body)" == *"40 кубов"* ]]
}

@test "an mbox letter read half-written is read again, whole, by the next run" {
	mbox="$BATS_TEST_TMPDIR/in.mbox"
	half_letter > "$mbox" # a writer that takes no lock at all
	run --separate-stderr crm-mailpull "mbox:$mbox"
	[ "$status" -eq 0 ]
	rest_letter >> "$mbox"
	run --separate-stderr crm-mailpull "mbox:$mbox"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" action)" = "updated" ]
	[ "$(tsv_get "$output" message_id)" = "<half@zavod.ru>" ]
	[ "$(count_of crm-lead list)" -eq 1 ]
	[ "$(requests subject)" = "Заявка" ]
	[[ "$(requests_shown body)" == *"40 кубов"* ]]
	run --separate-stderr crm-mailpull "mbox:$mbox" # nothing more
	[ "$(tsv_count "$output")" -eq 0 ]
	{ printf 'From b@ex.ru Wed Nov 25 11:00:00 2026\n'; letter mb2@ex.ru 'b@ex.ru' 'Два' 'текст' | tr -d '\r'; } >> "$mbox"
	run --separate-stderr crm-mailpull "mbox:$mbox"
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" message_id)" = "<mb2@ex.ru>" ]
}

@test "a held, fresh dotlock is waited for --timeout seconds, then exit 75 naming it" {
	mbox="$BATS_TEST_TMPDIR/in.mbox"
	{ printf 'From a@ex.ru Wed Nov 25 10:00:00 2026\n'; letter dl@ex.ru 'a@ex.ru' 'Один' 'т' | tr -d '\r'; } > "$mbox"
	touch "$mbox.lock"
	SECONDS=0
	run --separate-stderr timeout 30 crm-mailpull --timeout 2 "mbox:$mbox"
	[ "$status" -eq 75 ]
	[ "$SECONDS" -lt 10 ]
	[[ "$stderr" == *"$mbox.lock"* ]]
	[ -e "$mbox.lock" ] # not ours to remove
	[ "$(count_of crm-lead list)" -eq 0 ]
	touch -d '-10 minutes' "$mbox.lock" # one a dead program left
	run --separate-stderr timeout 30 crm-mailpull --timeout 2 "mbox:$mbox"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" message_id)" = "<dl@ex.ru>" ]
	[ ! -e "$mbox.lock" ]
}

@test "the phone of a signature is the T: line, not the fax after it nor the ZIP of the address" {
	letter sig1@gulf.ae 'Ahmed <ahmed@gulfflow.ae>' 'Pumps' \
		$'Please quote.\r\n\r\nAhmed Al Mansouri\r\nGulf Flow Trading LLC\r\n46555 Santa Monica Blvd, Suite 46555\r\nLos Angeles, CA 46555-46555\r\nT: +971 4 33 508 34\r\nF: +971 4 42 5359 61' | deliver 1.s
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(tsv_get "$output" action)" = "new-lead" ]
	# his colleague writes from another address: known by the phone
	letter sig2@gulf.ae 'Omar <omar@gulf-flow.com>' 'Pumps again' \
		$'Any news?\r\n\r\nOmar\r\nTel: +971 4 33 508 34' | deliver 2.s
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(tsv_get "$output" action)" = "history" ]
	# and a third, whose office is the fax number and the ZIP, is not him
	letter sig3@gulf.ae 'Sara <sara@other-flow.com>' 'Pumps' \
		$'Hello.\r\n\r\nSara\r\n+971 4 42 5359 61' | deliver 3.s
	letter sig4@gulf.ae 'Li <li@third-flow.com>' 'Pumps' \
		$'Hello.\r\n\r\nLi\r\nTel: 8 (465) 554-65-55' | deliver 4.s
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$(printf '%s\n' "$output" | cut -f2 | sed 1d | sort | uniq -c | tr -s ' ')" = " 2 new-lead" ]
}

# form ID LABELS...: a website form's notice whose fields carry the labels
# given (name, phone, e-mail, text), each "Label: value".
form() {
	printf 'From: Сайт <noreply@pumps.example>\r\nTo: sales@pumps.example\r\nSubject: Заявка с сайта\r\nMessage-ID: <%s>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0300\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s: Пётр Смирнов\r\n%s: +7 916 555-00-0%s\r\n%s: petr%s@zavod.ru\r\n%s: Нужен насос К 80-50-200.\r\n' \
		"$1" "$2" "$3" "${1%%@*}" "$4" "${1%%@*}" "$5"
}

@test "a form whose field labels change still gives name, phone, e-mail and text" {
	form 1@f 'Имя' 'Телефон' 'E-mail' 'Сообщение' | deliver 1.f
	form 2@f 'Ваше имя' 'Phone' 'Email' 'Комментарий' | deliver 2.f
	form 3@f 'Name' 'Tel' 'Your e-mail' 'Message' | deliver 3.f
	form 4@f 'ФИО' 'Тел.' 'Почта' 'Вопрос' | deliver 4.f
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | cut -f2,5 | sed 1d | sort -u)" = "$(printf 'new-lead\tform')" ]
	shown_all=$(requests_shown source_ref,name,phone,email,body)
	for i in 1 2 3 4; do
		[ "$(grep -F "<$i@f>|" <<<"$shown_all")" = \
		  "<$i@f>|Пётр Смирнов|+7916555000$i|petr$i@zavod.ru|Нужен насос К 80-50-200." ]
	done
}

@test "a label added in the user's mailrules file is picked up" {
	form 5@f 'Как к Вам обращаться?' 'Номер для обратной связи' 'Куда ответить' 'Опишите задачу' | deliver 5.f
	mkdir -p "$XDG_CONFIG_HOME/crm"
	{
		echo '# the new site of 2026'
		echo 'label name   Как к Вам обращаться?|Представьтесь'
		echo 'label phone  Номер для обратной связи'
		echo 'label email  Куда ответить'
		echo 'label text   Опишите задачу | Задача'
	} > "$XDG_CONFIG_HOME/crm/mailrules"
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = "new-lead" ]
	[ "$(tsv_get "$output" parser)" = "form" ]
	[ "$(requests_shown name,phone,email,body)" = \
	  "Пётр Смирнов|+79165550005|petr5@zavod.ru|Нужен насос К 80-50-200." ]
	# a bad field is a configuration error naming the line
	echo 'label fax Факс' >> "$XDG_CONFIG_HOME/crm/mailrules"
	run --separate-stderr crm-mailpull "maildir:$MD"
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"mailrules:6: unknown label field \"fax\""* ]]
}
