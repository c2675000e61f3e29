#!/usr/bin/env bats
# 0300-dovecot: the test harness t/dovecot.bash itself: a real Dovecot on
# loopback that real clients (curl, gnutls-cli, bash's /dev/tcp) talk to
# over IMAP, IMAPS, STARTTLS, POP3 and POP3S; the helpers that deliver,
# count and renumber mail; and the ways to make the server go away, hang or
# pause. Later tests of crm-mailpull rely on all of it.

load helpers
load dovecot

setup_file() {
	# the last test checks the servers of the earlier ones
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	# What curl trusts unless told otherwise: a certificate that signed
	# nothing here, so that "not trusted" is curl's answer (exit 60)
	# whether or not the machine has a system CA store (without one, curl
	# would fail earlier, with exit 77).
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
		-subj "/CN=crm test: trusted by nobody" -keyout "$BATS_FILE_TMPDIR/unrelated.key" \
		-out "$BATS_FILE_TMPDIR/unrelated.crt" 2>/dev/null
	export CURL_CA_BUNDLE="$BATS_FILE_TMPDIR/unrelated.crt"
}

setup() {
	dovecot_start
}

teardown() {
	local pid
	pid=$(cat "$DOVECOT_DIR/run/master.pid" 2>/dev/null) || pid=
	dovecot_teardown
	if [ -s "$BATS_TEST_TMPDIR/inner.pgid" ]; then # the nested bats run
		kill -KILL -- "-$(cat "$BATS_TEST_TMPDIR/inner.pgid")" 2>/dev/null || true
	fi
	echo "$BATS_TEST_NUMBER ${pid:-none} $DOVECOT_IMAP_PORT $DOVECOT_IMAPS_PORT $DOVECOT_POP3_PORT $DOVECOT_POP3S_PORT" \
		>>"$BATS_FILE_TMPDIR/servers"
}

# curl against the test server, user crm; the URL is relative, e.g.
# imap://127.0.0.1:PORT/INBOX; curl exits 0 or with its error code.
c() {
	curl --silent --show-error --max-time 10 --user "$DOVECOT_USER:$DOVECOT_PASS" "$@"
}

no_cr() {
	tr -d '\r'
}

# Is process $1 there? A zombie is not: init may take its time to reap the
# processes of a server that daemonized.
alive() {
	_dovecot_alive "$1"
}

@test "dovecot_start exports the server's ports, users, files and log" {
	[ "$DOVECOT_HOST" = 127.0.0.1 ]
	[ "$DOVECOT_TLS_HOST" = localhost ]
	[ "$DOVECOT_USER" = crm ] && [ "$DOVECOT_PASS" = secret ]
	[ "$DOVECOT_USER2" = sales ] && [ -n "$DOVECOT_PASS2" ]
	ports="$DOVECOT_IMAP_PORT $DOVECOT_IMAPS_PORT $DOVECOT_POP3_PORT $DOVECOT_POP3S_PORT"
	[ "$(printf '%s\n' $ports | sort -u | wc -l)" -eq 4 ]
	for p in $ports; do
		[ "$p" -ge 10000 ] && [ "$p" -le 65535 ]
	done
	[ "$DOVECOT_DIR" = "$BATS_TEST_TMPDIR/dovecot" ]
	for sub in conf run mail ssl; do [ -d "$DOVECOT_DIR/$sub" ]; done
	[ "$DOVECOT_CONF" = "$DOVECOT_DIR/conf/dovecot.conf" ]
	! grep -q '^ *!include' "$DOVECOT_CONF" || false
	grep -q "Dovecot v.* starting up for imap, pop3" "$DOVECOT_LOG"
	[ -s "$DOVECOT_CAFILE" ] && [ -s "$DOVECOT_CERT" ]
	[ "$(stat -c %U "$DOVECOT_DIR/mail")" != root ]
	dovecot_running
}

@test "IMAP: the users log in and list their folders; a wrong password is refused" {
	run c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"/" INBOX'* ]]
	run curl -sS --user "$DOVECOT_USER2:$DOVECOT_PASS2" "imap://127.0.0.1:$DOVECOT_IMAP_PORT/"
	[ "$status" -eq 0 ]
	[[ "$output" == *INBOX* ]]
	run curl -sS --user "crm:wrong" "imap://127.0.0.1:$DOVECOT_IMAP_PORT/"
	[ "$status" -eq 67 ] # login denied
	grep -q 'imap-login: Info: Login: user=<crm>' "$DOVECOT_LOG"
}

@test "two delivered messages are listed in INBOX, and one is fetched byte for byte" {
	dovecot_deliver crm "$FIXTURES/dovecot/first.eml"
	dovecot_deliver crm "$FIXTURES/dovecot/second.eml"
	[ "$(dovecot_count crm INBOX)" -eq 2 ]
	[ "$(dovecot_count crm INBOX '\Seen')" -eq 0 ]
	run c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX" -X 'UID SEARCH ALL'
	[ "$status" -eq 0 ]
	[ "$(no_cr <<<"$output")" = "* SEARCH 1 2" ]
	c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX;UID=1" | no_cr >"$BATS_TEST_TMPDIR/got"
	cmp "$FIXTURES/dovecot/first.eml" "$BATS_TEST_TMPDIR/got"
	# curl fetched BODY[], not BODY.PEEK[]: the server flagged it \Seen
	[ "$(dovecot_count crm INBOX '\Seen')" -eq 1 ]
	[ "$(dovecot_count crm INBOX unseen)" -eq 1 ]
	[ "$(dovecot_uids crm INBOX SEEN)" = 1 ]
	[ "$(dovecot_count sales INBOX)" -eq 0 ]
}

@test "dovecot_deliver makes a missing folder, and reads stdin for -" {
	dovecot_deliver crm "$FIXTURES/dovecot/second.eml" Archive/2026
	dovecot_deliver crm - Archive/2026 <"$FIXTURES/dovecot/first.eml"
	[ "$(dovecot_count crm Archive/2026)" -eq 2 ]
	[ "$(dovecot_count crm INBOX)" -eq 0 ]
	run c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/Archive%2F2026" -X 'UID SEARCH ALL'
	[ "$(no_cr <<<"$output")" = "* SEARCH 1 2" ]
	run dovecot_count crm NoSuchFolder
	[ "$status" -ne 0 ]
	run dovecot_deliver crm "$BATS_TEST_TMPDIR/missing.eml"
	[ "$status" -ne 0 ]
}

@test "IMAPS: refused without the CA file, accepted with it, by name and by address" {
	dovecot_deliver crm "$FIXTURES/dovecot/second.eml"
	run c "imaps://localhost:$DOVECOT_IMAPS_PORT/INBOX" -X 'UID SEARCH ALL'
	[ "$status" -eq 60 ] # peer certificate cannot be authenticated
	run c --cacert "$DOVECOT_CAFILE" "imaps://localhost:$DOVECOT_IMAPS_PORT/INBOX" -X 'UID SEARCH ALL'
	[ "$status" -eq 0 ]
	[ "$(no_cr <<<"$output")" = "* SEARCH 1" ]
	run c --cacert "$DOVECOT_CAFILE" "imaps://127.0.0.1:$DOVECOT_IMAPS_PORT/"
	[ "$status" -eq 0 ]
	[ "$(openssl x509 -in "$DOVECOT_CERT" -noout -subject)" = "subject=CN = localhost" ]
	cmp "$DOVECOT_CERT" "$DOVECOT_CAFILE" # self-signed: trust the certificate itself
}

@test "STARTTLS on the IMAP port and STLS on the POP3 port" {
	run c --ssl-reqd --cacert "$DOVECOT_CAFILE" "imap://localhost:$DOVECOT_IMAP_PORT/"
	[ "$status" -eq 0 ]
	[[ "$output" == *INBOX* ]]
	run c --ssl-reqd "imap://localhost:$DOVECOT_IMAP_PORT/"
	[ "$status" -eq 60 ]
	run c --ssl-reqd --cacert "$DOVECOT_CAFILE" "pop3://localhost:$DOVECOT_POP3_PORT/"
	[ "$status" -eq 0 ]
	grep -q 'imap-login: Info: Login: user=<crm>.*TLS' "$DOVECOT_LOG"
}

@test "GnuTLS (libetpan's TLS library) verifies the certificate against the CA file" {
	command -v gnutls-cli >/dev/null || {
		echo "gnutls-cli is missing: apt-get install gnutls-bin"
		return 1
	}
	run gnutls-cli --x509cafile="$DOVECOT_CAFILE" --port="$DOVECOT_IMAPS_PORT" localhost </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"Status: The certificate is trusted."* ]]
	# (Whether the greeting arrives before stdin's end closes the session is
	# timing; the trust verdict above is what this test is about.)
	run gnutls-cli --port="$DOVECOT_IMAPS_PORT" localhost </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"verification of server certificate failed"* ]]
}

@test "DOVECOT_TLS=ca: a test CA signs the server's certificate, and the chain verifies" {
	dovecot_stop
	rm -rf "$DOVECOT_DIR"
	DOVECOT_TLS=ca dovecot_start
	[ "$(openssl x509 -in "$DOVECOT_CAFILE" -noout -subject)" = "subject=CN = crm test CA" ]
	! cmp -s "$DOVECOT_CERT" "$DOVECOT_CAFILE" || false
	openssl verify -CAfile "$DOVECOT_CAFILE" "$DOVECOT_CERT"
	run c --cacert "$DOVECOT_CAFILE" "imaps://localhost:$DOVECOT_IMAPS_PORT/"
	[ "$status" -eq 0 ]
	run c "imaps://localhost:$DOVECOT_IMAPS_PORT/"
	[ "$status" -eq 60 ]
	run gnutls-cli --x509cafile="$DOVECOT_CAFILE" --port="$DOVECOT_POP3S_PORT" localhost </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"+OK"* ]]
}

@test "DOVECOT_TLS=wronghost: the chain verifies but the host name does not" {
	dovecot_stop
	rm -rf "$DOVECOT_DIR"
	DOVECOT_TLS=wronghost dovecot_start
	openssl verify -CAfile "$DOVECOT_CAFILE" "$DOVECOT_CERT"
	run c --cacert "$DOVECOT_CAFILE" "imaps://localhost:$DOVECOT_IMAPS_PORT/"
	[ "$status" -eq 60 ]
	[[ "$output" == *"wrong.example"* || "$output" == *"subject name"* ]]
	run c --insecure "imaps://localhost:$DOVECOT_IMAPS_PORT/"
	[ "$status" -eq 0 ]
	run gnutls-cli --x509cafile="$DOVECOT_CAFILE" --port="$DOVECOT_IMAPS_PORT" localhost </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"does not match"* ]]
}

@test "POP3: STAT and UIDL over a plain session; POP3S only with the CA file" {
	dovecot_deliver crm "$FIXTURES/dovecot/first.eml"
	dovecot_deliver crm "$FIXTURES/dovecot/second.eml"
	exec {fd}<>"/dev/tcp/127.0.0.1/$DOVECOT_POP3_PORT"
	pop() {
		local line
		[ $# -eq 0 ] || printf '%s\r\n' "$*" >&"$fd"
		IFS= read -r -t 5 line <&"$fd"
		printf '%s\n' "${line%$'\r'}"
	}
	[[ "$(pop)" == "+OK"* ]]
	[[ "$(pop USER crm)" == "+OK"* ]]
	[[ "$(pop PASS secret)" == "+OK Logged in."* ]]
	size=$(($(wc -c <"$FIXTURES/dovecot/first.eml") + $(wc -l <"$FIXTURES/dovecot/first.eml") + \
		$(wc -c <"$FIXTURES/dovecot/second.eml") + $(wc -l <"$FIXTURES/dovecot/second.eml")))
	[ "$(pop STAT)" = "+OK 2 $size" ] # sizes count CRLF line ends
	[[ "$(pop QUIT)" == "+OK"* ]]
	exec {fd}>&-
	run c "pop3s://localhost:$DOVECOT_POP3S_PORT/"
	[ "$status" -eq 60 ]
	run c --cacert "$DOVECOT_CAFILE" "pop3s://localhost:$DOVECOT_POP3S_PORT/"
	[ "$status" -eq 0 ]
	[ "$(no_cr <<<"$output" | awk '{ print $1 }' | tr '\n' ' ')" = "1 2 " ]
	run c --cacert "$DOVECOT_CAFILE" "pop3s://localhost:$DOVECOT_POP3S_PORT/2"
	[ "$(no_cr <<<"$output")" = "$(cat "$FIXTURES/dovecot/second.eml")" ]
	# POP3 deletes nothing unless told to
	[ "$(dovecot_count crm INBOX)" -eq 2 ]
}

@test "dovecot_uidvalidity_change: new UIDVALIDITY, the same messages renumbered from 1" {
	for f in first second first; do dovecot_deliver crm "$FIXTURES/dovecot/$f.eml"; done
	dovecot_deliver crm "$FIXTURES/dovecot/second.eml" Leads
	dovecot_doveadm crm flags add '\Seen' mailbox INBOX uid 2
	dovecot_doveadm crm expunge mailbox INBOX uid 1
	old=$(dovecot_uidvalidity crm INBOX)
	[ "$(dovecot_uids crm INBOX | tr '\n' ' ')" = "2 3 " ]
	dovecot_uidvalidity_change crm INBOX
	new=$(dovecot_uidvalidity crm INBOX)
	[ -n "$new" ] && [ "$new" != "$old" ]
	[ "$(dovecot_uids crm INBOX | tr '\n' ' ')" = "1 2 " ]
	[ "$(dovecot_uids crm INBOX SEEN)" = 1 ]
	[ "$(dovecot_count crm Leads)" -eq 1 ]
	run c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX" -X 'EXAMINE INBOX'
	[[ "$output" == *"[UIDVALIDITY $new]"* ]]
	[[ "$output" == *"[UIDNEXT 3]"* ]]
	c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX;UID=2" | no_cr >"$BATS_TEST_TMPDIR/got"
	cmp "$FIXTURES/dovecot/first.eml" "$BATS_TEST_TMPDIR/got"
	# another folder, and again: never an old value
	lold=$(dovecot_uidvalidity crm Leads)
	dovecot_uidvalidity_change crm Leads
	[ "$(dovecot_uidvalidity crm Leads)" != "$lold" ]
	dovecot_uidvalidity_change crm INBOX
	[ "$(dovecot_uidvalidity crm INBOX)" != "$new" ]
	[ "$(dovecot_uidvalidity crm INBOX)" != "$old" ]
	! grep -E 'Error|Panic|Fatal' "$DOVECOT_LOG" || false
}

@test "dovecot_kill_mid cuts an open session off; dovecot_start brings the same server back" {
	dovecot_deliver crm "$FIXTURES/dovecot/first.eml"
	ports="$DOVECOT_IMAP_PORT $DOVECOT_IMAPS_PORT $DOVECOT_POP3_PORT $DOVECOT_POP3S_PORT"
	exec {fd}<>"/dev/tcp/127.0.0.1/$DOVECOT_IMAP_PORT"
	IFS= read -r -t 5 line <&"$fd"
	printf 'a LOGIN crm secret\r\nb SELECT INBOX\r\n' >&"$fd"
	until [[ "$line" == "b OK"* ]]; do IFS= read -r -t 5 line <&"$fd"; done
	dovecot_kill_mid
	! dovecot_running || false
	run bash -c "IFS= read -r -t 5 line <&$fd" # EOF, not a timeout
	[ "$status" -eq 1 ]
	exec {fd}>&-
	run c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/"
	[ "$status" -eq 7 ] # could not connect
	# the store can still be looked at while the server is down
	[ "$(dovecot_count crm INBOX)" -eq 1 ]
	dovecot_start
	[ "$DOVECOT_IMAP_PORT $DOVECOT_IMAPS_PORT $DOVECOT_POP3_PORT $DOVECOT_POP3S_PORT" = "$ports" ]
	run c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX" -X 'UID SEARCH ALL'
	[ "$(no_cr <<<"$output")" = "* SEARCH 1" ]
	run dovecot_kill_mid
	run dovecot_kill_mid
	[ "$status" -eq 1 ]
}

@test "dovecot_stall holds the server in the middle of a FETCH until dovecot_unstall" {
	for f in first second first; do dovecot_deliver crm "$FIXTURES/dovecot/$f.eml"; done
	dovecot_stall crm INBOX 2
	c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX" -X 'UID FETCH 1:3 BODY.PEEK[]' \
		>"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	client=$!
	dovecot_wait_stalled
	sleep 0.2
	kill -0 "$client" # still waiting for its answer
	dovecot_unstall
	wait "$client"
	# curl shows the FETCH lines, not the literals: the sizes tell
	size=$(($(wc -c <"$FIXTURES/dovecot/second.eml") + $(wc -l <"$FIXTURES/dovecot/second.eml")))
	[ "$(grep -c '^\* [0-9] FETCH' "$BATS_TEST_TMPDIR/out")" -eq 3 ]
	grep -q "^\* 2 FETCH (UID 2 BODY\[\] {$size}" "$BATS_TEST_TMPDIR/out"
	grep -q 'body_count=3 body_bytes=' "$DOVECOT_LOG"
	# the message is an ordinary file again and is served as usual
	c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX;UID=2" | no_cr >"$BATS_TEST_TMPDIR/got"
	cmp "$FIXTURES/dovecot/second.eml" "$BATS_TEST_TMPDIR/got"
	run dovecot_stall crm INBOX 9
	[ "$status" -eq 1 ]
	[[ "$output" == *"no UID 9"* ]]
}

@test "server gone mid-fetch: dovecot_stall, then dovecot_kill_mid" {
	for f in first second; do dovecot_deliver crm "$FIXTURES/dovecot/$f.eml"; done
	dovecot_stall crm INBOX 2
	c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX;UID=2" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	client=$!
	dovecot_wait_stalled
	dovecot_kill_mid
	run wait "$client"
	[ "$status" -ne 0 ] && [ "$status" -ne 28 ] # an error, not a timeout
	# back up, nothing was lost
	dovecot_start
	c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX;UID=2" | no_cr >"$BATS_TEST_TMPDIR/got"
	cmp "$FIXTURES/dovecot/second.eml" "$BATS_TEST_TMPDIR/got"
	[ "$(dovecot_count crm INBOX)" -eq 2 ]
}

@test "a stalled POP3 RETR is a hung server: the client's timeout ends it" {
	dovecot_deliver crm "$FIXTURES/dovecot/first.eml"
	dovecot_stall crm INBOX 1
	run c --max-time 1 "pop3://127.0.0.1:$DOVECOT_POP3_PORT/1"
	[ "$status" -eq 28 ] # operation timed out
	dovecot_wait_stalled 0
}

@test "dovecot_pause: connections are accepted but nothing answers until dovecot_resume" {
	dovecot_pause
	exec {fd}<>"/dev/tcp/127.0.0.1/$DOVECOT_IMAP_PORT"
	! IFS= read -r -t 0.5 line <&"$fd" || false
	dovecot_resume
	IFS= read -r -t 5 line <&"$fd"
	[[ "$line" == "* OK"* ]]
	exec {fd}>&-
	dovecot_pause # and teardown stops a paused server
}

@test "two servers at once keep apart: own ports, own mail" {
	dovecot_deliver crm "$FIXTURES/dovecot/first.eml"
	(
		DOVECOT_DIR=$BATS_TEST_TMPDIR/second
		dovecot_start
		trap dovecot_stop EXIT
		echo "$DOVECOT_IMAP_PORT" >"$BATS_TEST_TMPDIR/port2"
		[ "$(dovecot_count crm INBOX)" -eq 0 ]
		run c "imap://127.0.0.1:$DOVECOT_IMAP_PORT/INBOX" -X 'UID SEARCH ALL'
		[ "$(no_cr <<<"$output")" = "* SEARCH" ]
	)
	[ "$(cat "$BATS_TEST_TMPDIR/port2")" != "$DOVECOT_IMAP_PORT" ]
	[ "$(dovecot_count crm INBOX)" -eq 1 ]
	run c "imap://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/port2")/"
	[ "$status" -eq 7 ]
}

@test "teardown stops the server of a failing test, and a killed bats run's server dies too" {
	at=@ # not "@test" at the start of a line: bats would take it for its own
	cat >"$BATS_TEST_TMPDIR/inner.bats" <<-EOF
		load "$CRM_SRCDIR/t/dovecot.bash"
		setup() { dovecot_start; }
		teardown() { dovecot_teardown; }
		${at}test "fails" {
			echo "\$(cat "\$DOVECOT_DIR/run/master.pid") \$DOVECOT_IMAP_PORT" >"$BATS_TEST_TMPDIR/failed"
			false
		}
		${at}test "gets killed" {
			echo "\$(cat "\$DOVECOT_DIR/run/master.pid") \$DOVECOT_IMAP_PORT" >"$BATS_TEST_TMPDIR/killed"
			sleep 60
		}
	EOF
	# in a clean environment and without the outer bats's open files (they
	# would confuse it), in a session of its own to be killed as a whole
	(
		_dovecot_close_fds
		exec setsid env -i PATH="${PATH#"$BATS_ROOT/libexec/bats-core:"}" HOME="$HOME" \
			"$BATS_ROOT/bin/bats" --tap "$BATS_TEST_TMPDIR/inner.bats"
	) >"$BATS_TEST_TMPDIR/inner.out" 2>&1 </dev/null &
	inner=$!
	echo "$inner" >"$BATS_TEST_TMPDIR/inner.pgid"
	for _ in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/killed" ] && break; sleep 0.05; done
	read -r pid port <"$BATS_TEST_TMPDIR/failed"
	! alive "$pid" || false
	run c "imap://127.0.0.1:$port/"
	[ "$status" -eq 7 ]
	grep -q '^not ok 1 fails' "$BATS_TEST_TMPDIR/inner.out"
	grep -q 'last lines of .*dovecot.log' "$BATS_TEST_TMPDIR/inner.out"
	# kill -9 all of that bats run, as a CI timeout might: the watchdog
	# that dovecot_start left in a session of its own ends the server
	read -r pid port <"$BATS_TEST_TMPDIR/killed"
	alive "$pid"
	kill -KILL -- "-$inner"
	for _ in $(seq 1 60); do alive "$pid" || break; sleep 0.05; done
	! alive "$pid" || false
	run c "imap://127.0.0.1:$port/"
	[ "$status" -eq 7 ]
}

@test "the servers of all the tests before are gone" {
	[ "$(wc -l <"$BATS_FILE_TMPDIR/servers")" -ge 10 ]
	while read -r n pid ports; do
		[ "$pid" = none ] ||
			! alive "$pid" || { echo "test $n: pid $pid lives"; false; }
		for p in $ports; do
			! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "test $n: port $p open"; false; }
		done
	done <"$BATS_FILE_TMPDIR/servers"
}
