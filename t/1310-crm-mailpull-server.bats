#!/usr/bin/env bats
# 1310-crm-mailpull-server: crm-mailpull against a real Dovecot on loopback
# (t/dovecot.bash): IMAP, IMAPS with certificate checks, STARTTLS, POP3,
# flags and moves only after commit, the UIDVALIDITY cursor, and a server
# that goes away or hangs in the middle.

load helpers
load dovecot

bats_require_minimum_version 1.5.0

setup() {
	crm_setup
	export CRM_DATADIR="$CRM_SRCDIR/share/crm"
	export XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/config"
	dovecot_start
	PASS="$BATS_TEST_TMPDIR/pass"
	printf '%s\n' "$DOVECOT_PASS" > "$PASS"
	chmod 600 "$PASS"
	IMAP="imap://$DOVECOT_USER@$DOVECOT_HOST:$DOVECOT_IMAP_PORT/INBOX"
	IMAPS="imaps://$DOVECOT_USER@$DOVECOT_TLS_HOST:$DOVECOT_IMAPS_PORT/INBOX"
	POP3="pop3://$DOVECOT_USER@$DOVECOT_HOST:$DOVECOT_POP3_PORT"
	POP3S="pop3s://$DOVECOT_USER@$DOVECOT_TLS_HOST:$DOVECOT_POP3S_PORT"
}

teardown() {
	dovecot_teardown
}

# send N FIRST: N letters to the test user's INBOX, ids <FIRST..@ex.ru>.
send() {
	local i
	for i in $(seq "$2" $(($2 + $1 - 1))); do
		printf 'From: Клиент %d <c%d@ex.ru>\r\nTo: crm@pumps.example\r\nSubject: Запрос %d\r\nMessage-ID: <m%d@ex.ru>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0300\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nНужен насос, тел. 8 (495) 100-00-%02d\r\n' \
			"$i" "$i" "$i" "$i" "$((i % 100))" | dovecot_deliver "$DOVECOT_USER" -
	done
}

pull() {
	crm-mailpull --timeout 5 --passfile "$PASS" "$@"
}

@test "IMAP: new mail becomes requests and is flagged \\Seen only after it is recorded" {
	send 3 1
	run --separate-stderr pull "$IMAP"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(awk -F'\t' 'NR > 1 { print $2 }' <<<"$output" | sort -u)" = new-lead ]
	[ "$(count_of crm-lead list --channel mail)" -eq 3 ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX seen)" -eq 3 ]
	# The cursor remembers the folder: a second run fetches nothing.
	run --separate-stderr pull "$IMAP"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 0 ]
	# New mail: only it is taken.
	send 2 4
	run --separate-stderr pull "$IMAP"
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(count_of crm-lead list)" -eq 5 ]
}

@test "IMAP --dry-run reads everything and neither writes nor flags" {
	send 2 1
	run --separate-stderr pull --dry-run "$IMAP"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(count_of crm-lead list)" -eq 0 ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX seen)" -eq 0 ]
}

@test "IMAPS: a self-signed certificate is refused without --cafile and accepted with it" {
	send 1 1
	run --separate-stderr pull "$IMAPS"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"certificate of $DOVECOT_TLS_HOST is not trusted"* ]]
	[ "$(count_of crm-lead list)" -eq 0 ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sql "SELECT count(*) FROM mail_seen")" -eq 0 ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX seen)" -eq 0 ]
	run --separate-stderr pull --cafile "$DOVECOT_CAFILE" "$IMAPS"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX seen)" -eq 1 ]
}

@test "IMAPS on a system without CA certificates says so, and --cafile still works" {
	[ "$(id -u)" = 0 ] || skip "hiding the system's CA store takes a mount namespace (root)"
	# An empty folder over /etc/ssl/certs, for this one command only.
	nostore() {
		unshare -m sh -c 'mount -t tmpfs crm-test /etc/ssl/certs && exec "$@"' sh "$@"
	}
	nostore test ! -e /etc/ssl/certs/ca-certificates.crt 2>/dev/null ||
		skip "cannot hide the system's CA store here (unshare -m, then mount)"
	send 1 1
	run --separate-stderr nostore crm-mailpull --timeout 5 --passfile "$PASS" "$IMAPS"
	[ "$status" -eq 69 ]
	[[ "$stderr" == *"this system has no CA certificates (Debian: apt-get install ca-certificates)"* ]]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX seen)" -eq 0 ]
	run --separate-stderr nostore crm-mailpull --timeout 5 --passfile "$PASS" --cafile "$DOVECOT_CAFILE" "$IMAPS"
	[ "$status" -eq 0 ]
	[ "$(tsv_get "$output" action)" = new-lead ]
}

@test "IMAPS: --insecure connects anyway and says so" {
	send 1 1
	run --separate-stderr pull --insecure "$IMAPS"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"certificate is not checked"* ]]
	[ "$(tsv_count "$output")" -eq 1 ]
}

@test "STARTTLS on imap:// checks the certificate like IMAPS" {
	send 1 1
	run --separate-stderr pull --starttls "imap://$DOVECOT_USER@$DOVECOT_TLS_HOST:$DOVECOT_IMAP_PORT/INBOX"
	[ "$status" -eq 69 ]
	run --separate-stderr pull --starttls --cafile "$DOVECOT_CAFILE" "imap://$DOVECOT_USER@$DOVECOT_TLS_HOST:$DOVECOT_IMAP_PORT/INBOX"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
}

@test "--move-to moves taken mail to another folder after its commit" {
	send 2 1
	dovecot_doveadm "$DOVECOT_USER" mailbox create Processed
	run --separate-stderr pull --move-to Processed "$IMAP"
	[ "$status" -eq 0 ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX)" -eq 0 ]
	[ "$(dovecot_count "$DOVECOT_USER" Processed)" -eq 2 ]
	[ "$(count_of crm-lead list)" -eq 2 ]
}

@test "a new UIDVALIDITY reads the folder again; Message-IDs keep every letter once" {
	send 3 1
	pull "$IMAP" > /dev/null
	dovecot_uidvalidity_change "$DOVECOT_USER" INBOX
	run --separate-stderr pull "$IMAP"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 3 ]
	[ "$(awk -F'\t' 'NR > 1 { print $2 }' <<<"$output" | sort -u)" = duplicate ]
	[ "$(count_of crm-lead list)" -eq 3 ]
}

@test "the server gone in the middle of a fetch: exit 75, what was committed stays, the rest comes next time" {
	send 3 1
	# Between crm-mailpull and the real server, a proxy that passes
	# everything until the server has sent 40 bytes of the second message,
	# then cuts both connections: the server is gone in the middle of a
	# literal, at the same point on every run, whatever the machine's speed.
	port=$((DOVECOT_IMAP_PORT + 9))
	/usr/bin/python3 - "$port" "$DOVECOT_IMAP_PORT" "$BATS_TEST_TMPDIR/listening" <<'EOF_PY' &
import socket, sys, select
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(20)
open(sys.argv[3], "w").close()
c, _ = s.accept()
d = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
bodies, passed, upline = 0, 0, b""
while True:
    r, _, _ = select.select([c, d], [], [], 20)
    if not r:
        break
    if c in r:
        data = c.recv(65536)
        if not data:
            break
        upline += data
        while b"\n" in upline:
            line, upline = upline.split(b"\n", 1)
            if b"BODY.PEEK[]" in line.upper():
                bodies += 1
        d.sendall(data)
    if d in r:
        data = d.recv(65536)
        if not data:
            break
        if bodies >= 2:
            c.sendall(data[:max(0, 40 - passed)])
            passed += len(data)
            if passed >= 40:
                break
        else:
            c.sendall(data)
c.close(); d.close()
EOF_PY
	proxy=$!
	for _ in $(seq 100); do [ -e "$BATS_TEST_TMPDIR/listening" ] && break; sleep 0.1; done
	run --separate-stderr pull "imap://$DOVECOT_USER@127.0.0.1:$port/INBOX"
	wait "$proxy"
	[ "$status" -eq 75 ]
	[ "$(count_of crm-lead list)" -eq 1 ]
	[ "$(requests_shown source_ref)" = "<m1@ex.ru>" ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX seen)" -eq 1 ]
	run --separate-stderr pull "$IMAP"
	[ "$status" -eq 0 ]
	[ "$(count_of crm-lead list)" -eq 3 ]
	[ "$(requests_shown source_ref | sort -u | wc -l)" -eq 3 ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX seen)" -eq 3 ]
}

@test "a server that stops answering is a time-out, exit 75, nothing half-written" {
	send 1 1
	dovecot_pause
	run --separate-stderr crm-mailpull --timeout 2 --passfile "$PASS" "$IMAP"
	dovecot_resume
	[ "$status" -eq 75 ]
	[ "$(count_of crm-lead list)" -eq 0 ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sql "SELECT count(*) FROM mail_seen")" -eq 0 ]
}

@test "a wrong password is refused as a configuration error (78)" {
	printf 'wrong\n' > "$PASS"
	run --separate-stderr pull "$IMAP"
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"login as $DOVECOT_USER refused"* ]]
}

@test "POP3: mail is taken once by its UIDL and stays on the server unless --delete" {
	send 2 1
	run --separate-stderr pull "$POP3"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX)" -eq 2 ]
	run --separate-stderr pull "$POP3"
	[ "$(tsv_count "$output")" -eq 0 ]
	send 1 3
	run --separate-stderr pull --delete "$POP3"
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(dovecot_count "$DOVECOT_USER" INBOX)" -eq 0 ]
	[ "$(count_of crm-lead list)" -eq 3 ]
}

@test "POP3S checks the certificate too" {
	send 1 1
	run --separate-stderr pull "$POP3S"
	[ "$status" -eq 69 ]
	run --separate-stderr pull --cafile "$DOVECOT_CAFILE" "$POP3S"
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
}

@test "accounts with passcmd: two mailboxes in one run, each taken once" {
	send 1 1
	printf 'From: z@ex.ru\r\nSubject: Второй ящик\r\nMessage-ID: <z1@ex.ru>\r\n\r\nтекст\r\n' |
		dovecot_deliver "$DOVECOT_USER2" -
	mkdir -p "$XDG_CONFIG_HOME/crm"
	cat > "$XDG_CONFIG_HOME/crm/accounts" <<EOF
# two boxes
account office
	source $IMAPS
	cafile $DOVECOT_CAFILE
	passcmd printf '%s\n' '$DOVECOT_PASS'
account sales
	source imap://$DOVECOT_USER2@$DOVECOT_HOST:$DOVECOT_IMAP_PORT/INBOX
	passcmd cat '$BATS_TEST_TMPDIR/pass2'
	timeout 5
EOF
	printf '%s\n' "$DOVECOT_PASS2" > "$BATS_TEST_TMPDIR/pass2"
	run --separate-stderr crm-mailpull office sales
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 2 ]
	[ "$(count_of crm-lead list)" -eq 2 ]
}

@test "--passfile on the command line serves an account that names no password" {
	send 1 1
	mkdir -p "$XDG_CONFIG_HOME/crm"
	printf 'account plain\n\tsource %s   \n' "$IMAP" > "$XDG_CONFIG_HOME/crm/accounts"
	run --separate-stderr crm-mailpull --passfile "$PASS" plain
	[ "$status" -eq 0 ]
	[ "$(tsv_count "$output")" -eq 1 ]
}

@test "--move-to a folder that does not exist is a configuration error, and the mail stays unflagged" {
	send 1 1
	run --separate-stderr pull --move-to Nowhere "$IMAP"
	[ "$status" -eq 78 ]
	[[ "$stderr" == *"cannot move mail to Nowhere"* ]]
	# The letter itself was recorded; the next run (fixed) moves it without doubling.
	dovecot_doveadm "$DOVECOT_USER" mailbox create Nowhere
	run --separate-stderr pull --move-to Nowhere "$IMAP"
	[ "$status" -eq 0 ]
	[ "$(dovecot_count "$DOVECOT_USER" Nowhere)" -eq 1 ]
	[ "$(count_of crm-lead list)" -eq 1 ]
}

@test "a server that hangs up in the middle of a message is exit 75, never a hang" {
	# A server that promises a 1000-byte message and hangs up after 10 bytes
	# (Dovecot cannot be made to stop mid-literal on cue, so a few lines of
	# Python play that part of IMAP).
	port=$((DOVECOT_IMAP_PORT + 7))
	/usr/bin/python3 - "$port" <<'EOF_PY' &
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); s.settimeout(20)
c, _ = s.accept(); f = c.makefile("rb")
c.sendall(b"* OK ready\r\n")
while True:
    line = f.readline()
    if not line:
        break
    tag, cmd = line.split(b" ", 2)[:2]
    cmd = cmd.upper()
    if cmd == b"LOGIN":
        c.sendall(tag + b" OK logged in\r\n")
    elif cmd == b"SELECT":
        c.sendall(b"* 1 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n" + tag + b" OK [READ-WRITE] done\r\n")
    elif cmd == b"UID" and b"BODY.PEEK" not in line.upper():
        c.sendall(b"* 1 FETCH (UID 1)\r\n" + tag + b" OK done\r\n")
    elif cmd == b"UID":
        c.sendall(b"* 1 FETCH (UID 1 BODY[] {1000}\r\nFrom: x@y\r\n")
        c.close()
        break
    else:
        c.sendall(tag + b" OK\r\n")
EOF_PY
	server=$!
	sleep 0.5
	run --separate-stderr timeout 30 crm-mailpull --timeout 5 --passfile "$PASS" "imap://u@127.0.0.1:$port/INBOX"
	wait "$server" || true
	[ "$status" -eq 75 ]
	[ "$(count_of crm-lead list)" -eq 0 ]
	# The bookkeeping of messages taken no command shows.
	[ "$(sql "SELECT count(*) FROM mail_seen")" -eq 0 ]
}
