# dovecot.bash: a real Dovecot IMAP/POP3 server on loopback for the tests,
# with its own complete configuration in the test's temporary folder (the
# system's /etc/dovecot and any system Dovecot are never used or touched).
#
#	load dovecot
#	setup()    { dovecot_start; }
#	teardown() { dovecot_teardown; }
#
# dovecot_start makes $BATS_TEST_TMPDIR/dovecot/{conf,run,mail,ssl,state},
# certificates, a passwd-file with two users, and starts the server on four
# free ports of 127.0.0.1 (and of ::1 when the machine has it), chosen below
# the kernel's ephemeral range and retried if another test took one first.
# It exports:
#	DOVECOT_HOST        127.0.0.1
#	DOVECOT_TLS_HOST    localhost: the name the certificate is made for
#	DOVECOT_IMAP_PORT   IMAP, plain and STARTTLS
#	DOVECOT_IMAPS_PORT  IMAP over TLS
#	DOVECOT_POP3_PORT   POP3, plain and STLS
#	DOVECOT_POP3S_PORT  POP3 over TLS
#	DOVECOT_USER DOVECOT_PASS    "crm", "secret"
#	DOVECOT_USER2 DOVECOT_PASS2  "sales", "p@ss w0rd!" (a second mailbox)
#	DOVECOT_CAFILE      the certificate a client must trust (--cafile)
#	DOVECOT_CERT        the certificate the server presents
#	DOVECOT_LOG         the server's log file
#	DOVECOT_CONF        its dovecot.conf
#	DOVECOT_DIR         the folder holding all of it
# Set DOVECOT_TLS before dovecot_start to choose the certificate:
#	selfsigned (default) a self-signed certificate for CN=localhost with
#	                     subjectAltName DNS:localhost, IP:127.0.0.1;
#	                     DOVECOT_CAFILE is that certificate itself
#	ca                   the same names, signed by a test CA; DOVECOT_CAFILE
#	                     is the CA's certificate (a real chain to verify)
#	wronghost            signed by the test CA but made for wrong.example
#	                     only: with DOVECOT_CAFILE the chain verifies and
#	                     the host name check must fail
# (To switch within a test: dovecot_stop; rm -rf "$DOVECOT_DIR";
# DOVECOT_TLS=ca dovecot_start.) Keys are EC P-256; TLS 1.2 and 1.3.
# In setup_file, dovecot_start puts all in $BATS_FILE_TMPDIR/dovecot and
# one server serves every test of the file (stop it in teardown_file).
# DOVECOT_DEBUG=1 adds auth/mail/TLS debugging to the log and keeps raw IMAP
# and POP3 transcripts in $DOVECOT_DIR/rawlog.
#
# Other functions (each returns non-zero and says why on stderr on failure):
#	dovecot_stop                  stop the server (idempotent); config, mail
#	                              and ports stay, dovecot_start starts it again
#	dovecot_teardown              dovecot_stop, and the log's tail on stderr if
#	                              the test failed (for teardown)
#	dovecot_running               true while the server runs
#	dovecot_deliver USER FILE [FOLDER]    save a message (FILE "-": stdin);
#	                              the folder (default INBOX) is made if missing
#	dovecot_count USER FOLDER [FLAG]      messages, or those with FLAG
#	                              (\Seen, seen, unseen, \Deleted, flagged, ...)
#	dovecot_uids USER FOLDER [SEARCH...]  UIDs, one a line
#	dovecot_uidvalidity USER FOLDER       the folder's UIDVALIDITY
#	dovecot_uidvalidity_change USER FOLDER  give the folder a new UIDVALIDITY
#	                              and renumber its messages from UID 1 (same
#	                              messages, same order, same flags)
#	dovecot_doveadm USER ARGS...  any doveadm mail command for USER
#	dovecot_add_user USER PASS    one more user (works while running too)
#	dovecot_kill_mid              kill -9 the whole server at once: open
#	                              sessions break off mid-command
#	dovecot_pause / dovecot_resume  SIGSTOP / SIGCONT the whole server: it
#	                              still accepts TCP connections but answers
#	                              nothing (a slow or hung server)
#	dovecot_stall USER FOLDER UID the server will hang as soon as it opens
#	                              that message (FETCH of its body, POP3 RETR)
#	dovecot_wait_stalled [SECS]   wait until it hangs there (default 5 s)
#	dovecot_unstall               let it go on; the message is served whole
# Everything works without the server running except the network itself:
# doveadm here reads the mail store directly, never through the server.
#
# Notes:
# - Call dovecot_start directly (in setup, setup_file or the test), not under
#   "run": a watchdog kills the server when the shell that started it dies
#   without calling dovecot_stop, so a server never outlives a killed bats.
# - As root, Dovecot's processes run as "mail" (mail store), "dovecot" and
#   "dovenull"; they must pass the folders above the store, so the private
#   bats run folder ($BATS_RUN_TMPDIR, mode 0700) gets o+x (pass, not list).
#   As another user everything runs as that user.
# - A failed login is answered after about 0.5 s (Dovecot checks its delayed
#   failures twice a second even with auth_failure_delay = 0).
# - curl fetches BODY[] (not BODY.PEEK[]) for imap://HOST/INBOX;UID=N, so
#   the server flags what curl fetched \Seen.

: "${DOVECOT_BIN:=$(command -v dovecot 2>/dev/null || echo /usr/sbin/dovecot)}"
: "${DOVECOT_DOVEADM:=$(command -v doveadm 2>/dev/null || echo /usr/bin/doveadm)}"
: "${DOVECOT_START_TIMEOUT:=10}"

_dovecot_err() {
	echo "dovecot.bash: $*" >&2
}

# The folder of this test's server: the one started, else the default.
_dovecot_dir() {
	if [ -n "${DOVECOT_DIR:-}" ]; then
		echo "$DOVECOT_DIR"
	else
		echo "${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}}/dovecot"
	fi
}

_dovecot_ms() { # a clock in milliseconds
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

_dovecot_alive() { # is process $1 there and not a zombie?
	local stat
	read -r stat <"/proc/$1/stat" 2>/dev/null || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# The live (not zombie) processes of process group $1, as "pid name" lines.
# Dovecot's master makes itself a session leader, and all its processes
# stay in its group.
_dovecot_group() {
	# one awk, not a shell loop: bats traces every shell command
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v pg="$1" '{
		i = index($0, " ("); j = length($0)
		while (j > i && substr($0, j, 2) != ") ") j--
		split(substr($0, j + 2), f, " ") # state ppid pgrp ...
		if (f[3] == pg && f[1] != "Z")
			print substr($0, 1, i - 1), substr($0, i + 2, j - i - 2)
	}'
}

_dovecot_master_pid() { # print the master's pid if it is alive
	local d pid
	d=$(_dovecot_dir)
	[ -r "$d/run/master.pid" ] || return 1
	read -r pid <"$d/run/master.pid" 2>/dev/null || return 1
	[ -n "$pid" ] && _dovecot_alive "$pid" || return 1
	# a pid file outliving its process could name someone else's process
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dovecot ] || return 1
	echo "$pid"
}

dovecot_running() {
	_dovecot_master_pid >/dev/null
}

_dovecot_port_used() { # is anything listening on port $1 of loopback?
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
	[ -n "${_dovecot_v6:-}" ] && (exec 3<>"/dev/tcp/::1/$1") 2>/dev/null && return 0
	return 1
}

# Four distinct free ports below the ephemeral range (so that no client
# connection can be holding one) and above 10000.
_dovecot_pick_ports() {
	local lo=32768 hi base=10000 p picked=" " n=0 tries=0
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
	hi=$((lo - 1))
	if [ "$hi" -lt 12000 ]; then base=61000 hi=65535; fi
	while [ $n -lt 4 ]; do
		tries=$((tries + 1))
		if [ $tries -gt 200 ]; then
			_dovecot_err "found no free ports in $base-$hi"
			return 1
		fi
		p=$((base + ((RANDOM << 15) | RANDOM) % (hi - base + 1)))
		case $picked in *" $p "*) continue ;; esac
		_dovecot_port_used "$p" && continue
		picked="$picked$p "
		n=$((n + 1))
	done
	# shellcheck disable=SC2086
	set -- $picked
	DOVECOT_IMAP_PORT=$1 DOVECOT_IMAPS_PORT=$2 DOVECOT_POP3_PORT=$3 DOVECOT_POP3S_PORT=$4
}

# Make the certificates of mode $2 in folder $1: server.crt, server.key and
# trust.crt (what a client must trust). EC keys, since they are quick to make.
_dovecot_certs() {
	local ssl=$1 mode=$2 ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	local san="subjectAltName=DNS:localhost,IP:127.0.0.1" out
	out=$(
		set -e
		cd "$ssl"
		case $mode in
		selfsigned)
			# shellcheck disable=SC2086
			openssl req -x509 $ec -days 30 -subj /CN=localhost -addext "$san" \
				-keyout server.key -out server.crt
			cp server.crt trust.crt
			;;
		ca | wronghost)
			# shellcheck disable=SC2086
			openssl req -x509 $ec -days 30 -subj "/CN=crm test CA" \
				-addext "basicConstraints=critical,CA:TRUE" \
				-addext "keyUsage=critical,keyCertSign,cRLSign" \
				-keyout ca.key -out ca.crt
			if [ "$mode" = wronghost ]; then
				cn=wrong.example san="subjectAltName=DNS:wrong.example"
			else
				cn=localhost
			fi
			# shellcheck disable=SC2086
			openssl req $ec -subj "/CN=$cn" -keyout server.key -out server.csr
			printf '%s\n' "$san" "basicConstraints=critical,CA:FALSE" \
				"keyUsage=critical,digitalSignature" \
				"extendedKeyUsage=serverAuth" >server.ext
			openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key \
				-set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
				-days 30 -extfile server.ext -out server.crt
			cp ca.crt trust.crt
			;;
		*)
			echo "DOVECOT_TLS=$mode: expected selfsigned, ca or wronghost"
			exit 1
			;;
		esac
		chmod 600 ./*.key
	) 2>&1 </dev/null || {
		_dovecot_err "could not make certificates: $out"
		return 1
	}
}

# Let the users Dovecot switches to reach the folders below $1: the bats
# run folder is private (0700), so give others the right to pass (not to
# list) on the folders of this test run that lack it.
_dovecot_traversable() {
	local p=$1 mode
	[ "$(id -u)" = 0 ] || return 0
	while [ "$p" != / ] && [ -n "$p" ]; do
		mode=$(stat -c %A "$p" 2>/dev/null) || return 1
		if [ "${mode:9:1}" != x ] && [ "${mode:9:1}" != t ]; then
			case $p/ in
			"${BATS_RUN_TMPDIR:-/nonexistent}"/*)
				chmod o+x "$p" || return 1
				;;
			*)
				_dovecot_err "user mail cannot pass $p; run the tests with TMPDIR=/tmp"
				return 1
				;;
			esac
		fi
		p=$(dirname "$p")
	done
}

_dovecot_write_conf() {
	local d=$1 listen=127.0.0.1 mailuser mailgroup internal debug=
	[ -n "${_dovecot_v6:-}" ] && listen="127.0.0.1, ::1"
	if [ "$(id -u)" = 0 ]; then
		mailuser=mail mailgroup=mail internal="default_internal_user = dovecot
default_login_user = dovenull"
		getent passwd dovenull >/dev/null && getent passwd dovecot >/dev/null ||
			internal="default_internal_user = mail
default_login_user = mail"
	else
		mailuser=$(id -un) mailgroup=$(id -gn)
		internal="default_internal_user = $mailuser
default_internal_group = $mailgroup
default_login_user = $mailuser"
	fi
	if [ "${DOVECOT_DEBUG:-}" = 1 ]; then
		mkdir -p "$d/rawlog"
		chown "$mailuser:$mailgroup" "$d/rawlog"
		debug="auth_debug = yes
auth_verbose_passwords = plain
mail_debug = yes
verbose_ssl = yes
rawlog_dir = $d/rawlog"
	fi
	cat >"$d/conf/dovecot.conf" <<EOF
# written by t/dovecot.bash for one test; complete, nothing is included
instance_name = crm-test-$DOVECOT_IMAP_PORT
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
log_timestamp = "%Y-%m-%d %H:%M:%S "
auth_verbose = yes
$debug

protocols = imap pop3
listen = $listen
$internal
first_valid_uid = 1
first_valid_gid = 1
mail_uid = $mailuser
mail_gid = $mailgroup
mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = /
}

ssl = yes
ssl_cert = <$d/ssl/server.crt
ssl_key = <$d/ssl/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/conf/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/conf/users
}

protocol imap {
  mail_max_userip_connections = 100
}
protocol pop3 {
  mail_max_userip_connections = 100
}
service imap-login {
  chroot =
  inet_listener imap {
    port = $DOVECOT_IMAP_PORT
  }
  inet_listener imaps {
    port = $DOVECOT_IMAPS_PORT
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = $DOVECOT_POP3_PORT
  }
  inet_listener pop3s {
    port = $DOVECOT_POP3S_PORT
    ssl = yes
  }
}
service imap-urlauth-login {
  chroot =
}
service anvil {
  chroot =
  # no growing delays after failed logins from the same address
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
}

# Read the greeting of the server on port $1; true if it starts with $2.
_dovecot_greets() {
	local fd line ok=1 bye
	# in braces: a bare "exec ... 2>/dev/null" would silence stderr for good
	{ exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
	while IFS= read -r -t 2 line <&"$fd"; do
		line=${line%$'\r'}
		case $line in
		*"Waiting for"*) continue ;;
		"$2"*) ok=0 ;;
		esac
		break
	done
	if [ "$2" = "+OK" ]; then bye='QUIT'; else bye='a LOGOUT'; fi
	printf '%s\r\n' "$bye" 1>&"$fd" 2>/dev/null || true
	exec {fd}>&-
	return $ok
}

dovecot_start() {
	local d tls=${DOVECOT_TLS:-selfsigned} attempt out pid owner deadline keep_ports='' started=''
	d=$(_dovecot_dir)
	if ! [ -x "$DOVECOT_BIN" ] || ! [ -x "$DOVECOT_DOVEADM" ]; then
		_dovecot_err "Dovecot is not installed (Debian: apt-get install dovecot-imapd dovecot-pop3d)"
		return 1
	fi
	if [ "${#d}" -gt 70 ]; then
		_dovecot_err "$d is too long for Dovecot's socket names (at most 70 characters); use a shorter TMPDIR"
		return 1
	fi
	export DOVECOT_DIR=$d
	if dovecot_running; then
		return 0
	fi
	_dovecot_v6=
	if [ -f "$d/conf/dovecot.conf" ] && [ -f "$d/conf/state" ]; then
		# started before in this test: the same ports, certificate and mail
		# shellcheck source=/dev/null
		. "$d/conf/state"
		tls=$DOVECOT_TLS_MODE
		keep_ports=1
		rm -f "$d/run/master.pid"
	else
		mkdir -p "$d/conf" "$d/run" "$d/mail" "$d/ssl" "$d/state" || return 1
		_dovecot_traversable "$d" || return 1
		if [ "$(id -u)" = 0 ]; then
			chown mail:mail "$d/mail" || return 1
		fi
		chmod 755 "$d/conf" "$d/ssl"
		_dovecot_certs "$d/ssl" "$tls" || return 1
		: >"$d/conf/users"
		chmod 644 "$d/conf/users"
		dovecot_add_user crm secret || return 1
		dovecot_add_user sales 'p@ss w0rd!' || return 1
		# ::1 too when the machine has it: "localhost" may be tried there first
		grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null && _dovecot_v6=1
	fi

	export DOVECOT_HOST=127.0.0.1 DOVECOT_TLS_HOST=localhost
	export DOVECOT_USER=crm DOVECOT_PASS=secret
	export DOVECOT_USER2=sales DOVECOT_PASS2='p@ss w0rd!'
	export DOVECOT_CONF=$d/conf/dovecot.conf DOVECOT_LOG=$d/dovecot.log
	export DOVECOT_CAFILE=$d/ssl/trust.crt DOVECOT_CERT=$d/ssl/server.crt

	for attempt in 1 2 3 4 5 6 7 8; do
		if [ -z "$keep_ports" ]; then
			_dovecot_pick_ports || return 1
		fi
		keep_ports=
		_dovecot_write_conf "$d" || return 1
		# Into a file, not a pipe: the daemon keeps its start-up stdout and
		# stderr. fd 3 closed: bats waits for anything that holds it.
		if "$DOVECOT_BIN" -c "$DOVECOT_CONF" </dev/null >"$d/start.out" 2>&1 3>&-; then
			started=1
			break
		fi
		out=$(cat "$d/start.out")
		case $out in
		*"Address already in use"*)
			continue ;; # another test took a port since: pick others
		*"::1"*)
			if [ -n "$_dovecot_v6" ]; then
				_dovecot_v6=
				continue
			fi ;;
		esac
		break
	done
	if [ -z "$started" ]; then
		_dovecot_err "dovecot -c $DOVECOT_CONF failed (attempt $attempt): $out"
		_dovecot_log_tail >&2
		return 1
	fi
	export DOVECOT_IMAP_PORT DOVECOT_IMAPS_PORT DOVECOT_POP3_PORT DOVECOT_POP3S_PORT
	cat >"$d/conf/state" <<-EOF
		DOVECOT_TLS_MODE=$tls
		DOVECOT_IMAP_PORT=$DOVECOT_IMAP_PORT
		DOVECOT_IMAPS_PORT=$DOVECOT_IMAPS_PORT
		DOVECOT_POP3_PORT=$DOVECOT_POP3_PORT
		DOVECOT_POP3S_PORT=$DOVECOT_POP3S_PORT
		_dovecot_v6=$_dovecot_v6
	EOF

	# Up when the login processes greet (this leaves two "Aborted login"
	# lines in the log). The master has bound all four ports before its
	# start-up command returned.
	deadline=$(($(_dovecot_ms) + DOVECOT_START_TIMEOUT * 1000))
	until _dovecot_greets "$DOVECOT_IMAP_PORT" "* OK" &&
		_dovecot_greets "$DOVECOT_POP3_PORT" "+OK"; do
		if [ "$(_dovecot_ms)" -gt "$deadline" ] || ! dovecot_running; then
			_dovecot_err "Dovecot did not greet on 127.0.0.1:$DOVECOT_IMAP_PORT and :$DOVECOT_POP3_PORT within ${DOVECOT_START_TIMEOUT}s"
			_dovecot_log_tail >&2
			dovecot_stop
			return 1
		fi
		sleep 0.05
	done

	# If this test's process dies without its teardown (bats killed), the
	# watchdog takes the server down with it; in a session of its own, it
	# outlives a kill of the whole bats process group too.
	pid=$(_dovecot_master_pid) || return 1
	owner=$BASHPID
	# shellcheck disable=SC2016
	(
		_dovecot_close_fds
		exec setsid bash -c '
			while kill -0 "$1" && kill -0 "$2"; do sleep 0.5; done
			kill -0 "$2" && kill -KILL -- "-$2"' dovecot-watchdog "$owner" "$pid"
	) </dev/null >/dev/null 2>&1 &
	echo $! >"$d/run/watchdog.pid"
	return 0
}

# In a background subshell: close every file but stdin, stdout and stderr
# (bats waits for the ends of its pipes to be closed).
_dovecot_close_fds() {
	local fd
	for fd in /proc/"$BASHPID"/fd/*; do
		fd=${fd##*/}
		[ "$fd" -le 2 ] || eval "exec $fd>&-"
	done 2>/dev/null
}

_dovecot_log_tail() {
	local d
	d=$(_dovecot_dir)
	[ -s "$d/dovecot.log" ] || return 0
	echo "--- last lines of $d/dovecot.log:"
	tail -n "${1:-20}" "$d/dovecot.log"
	echo "---"
}

# Signal every process of the server (they share the master's group).
_dovecot_signal_all() {
	local pid
	pid=$(_dovecot_master_pid) || return 1
	kill -"$1" -- "-$pid" 2>/dev/null
}

_dovecot_group_alive() { # any live process left in group $1 ?
	[ -n "$(_dovecot_group "$1")" ]
}

_dovecot_stop_watchdog() {
	local d w
	d=$(_dovecot_dir)
	if [ -r "$d/run/watchdog.pid" ]; then
		read -r w <"$d/run/watchdog.pid" || true
		[ -z "$w" ] || kill "$w" 2>/dev/null || true
		rm -f "$d/run/watchdog.pid"
	fi
	return 0
}

# Stop the server: a polite SIGTERM first, but its master then lingers for
# seconds (for its log process), so once the others are gone, or after
# 0.3 s, whatever is left gets SIGKILL. Zombies (init may be slow to reap
# them) do not count.
dovecot_stop() {
	local pid
	_dovecot_stop_watchdog
	pid=$(_dovecot_master_pid) || {
		_dovecot_stall_cleanup
		return 0
	}
	kill -CONT -- "-$pid" 2>/dev/null || true # if paused
	kill -TERM "$pid" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		[ "$(_dovecot_group "$pid" | grep -cv ' \(dovecot\|log\)$')" -gt 0 ] || break
		sleep 0.02
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	for _ in $(seq 1 150); do
		_dovecot_group_alive "$pid" || break
		sleep 0.02
	done
	if _dovecot_group_alive "$pid"; then
		_dovecot_err "processes of Dovecot did not go away: $(_dovecot_group "$pid" | tr '\n' ' ')"
		return 1
	fi
	rm -f "$(_dovecot_dir)/run/master.pid"
	_dovecot_stall_cleanup # after the server: it must not read a cut message
	return 0
}

dovecot_teardown() {
	dovecot_stop
	if [ -n "${BATS_TEST_NAME:-}" ] && [ "${BATS_TEST_COMPLETED:-}" != 1 ]; then
		_dovecot_log_tail 30 >&2
	fi
	return 0
}

dovecot_kill_mid() {
	local pid
	pid=$(_dovecot_master_pid) || {
		_dovecot_err "dovecot_kill_mid: the server is not running"
		return 1
	}
	_dovecot_stop_watchdog
	kill -KILL -- "-$pid" 2>/dev/null || true
	for _ in $(seq 1 150); do
		_dovecot_group_alive "$pid" || break
		sleep 0.02
	done
	rm -f "$(_dovecot_dir)/run/master.pid"
	_dovecot_stall_cleanup
	return 0
}

dovecot_pause() {
	_dovecot_signal_all STOP || {
		_dovecot_err "dovecot_pause: the server is not running"
		return 1
	}
}

dovecot_resume() {
	_dovecot_signal_all CONT || {
		_dovecot_err "dovecot_resume: the server is not running"
		return 1
	}
}

dovecot_add_user() {
	local d=${DOVECOT_DIR:-$(_dovecot_dir)}
	case $1$2 in *:*)
		_dovecot_err "dovecot_add_user: no ':' in users or passwords"
		return 1 ;;
	esac
	# user:password:uid:gid:gecos:home: uid and gid are mail_uid/mail_gid
	printf '%s:{PLAIN}%s::::%s::\n' "$1" "$2" "$d/mail/$1" >>"$d/conf/users"
}

# doveadm for user $1, straight on the mail store (no server needed).
dovecot_doveadm() {
	local d user=$1
	shift
	d=$(_dovecot_dir)
	[ -f "$d/conf/dovecot.conf" ] || {
		_dovecot_err "no Dovecot set up here: call dovecot_start first"
		return 1
	}
	USER=$user HOME=$d/mail/$user "$DOVECOT_DOVEADM" -c "$d/conf/dovecot.conf" "$@" </dev/null 3>&-
}

dovecot_deliver() {
	local user=$1 file=$2 folder=${3:-INBOX}
	if [ $# -lt 2 ]; then
		_dovecot_err "usage: dovecot_deliver USER FILE [FOLDER]"
		return 64
	fi
	if [ "$folder" != INBOX ] && ! dovecot_doveadm "$user" mailbox status messages "$folder" >/dev/null 2>&1; then
		dovecot_doveadm "$user" mailbox create "$folder" || return 1
	fi
	if [ "$file" = - ]; then
		USER=$user HOME=$(_dovecot_dir)/mail/$user "$DOVECOT_DOVEADM" \
			-c "$(_dovecot_dir)/conf/dovecot.conf" save -m "$folder" 3>&-
	else
		[ -r "$file" ] || {
			_dovecot_err "dovecot_deliver: cannot read $file"
			return 1
		}
		USER=$user HOME=$(_dovecot_dir)/mail/$user "$DOVECOT_DOVEADM" \
			-c "$(_dovecot_dir)/conf/dovecot.conf" save -m "$folder" <"$file" 3>&-
	fi
}

# The search key for a flag: \Seen, seen, SEEN -> SEEN; a keyword as is.
_dovecot_key() {
	local f=${1#\\}
	case ${f^^} in
	SEEN | UNSEEN | DELETED | UNDELETED | FLAGGED | UNFLAGGED | ANSWERED | \
		UNANSWERED | DRAFT | UNDRAFT | RECENT | NEW | OLD | ALL)
		echo "${f^^}" ;;
	*) echo "KEYWORD $1" ;;
	esac
}

dovecot_uids() {
	local user=$1 folder=$2 out
	shift 2
	[ $# -gt 0 ] || set -- ALL
	out=$(dovecot_doveadm "$user" search mailbox "$folder" "$@") || return 1
	[ -z "$out" ] || printf '%s\n' "$out" | awk '{ print $2 }'
}

dovecot_count() {
	local user=$1 folder=$2 out
	if [ $# -ge 3 ]; then
		# shellcheck disable=SC2046
		out=$(dovecot_uids "$user" "$folder" $(_dovecot_key "$3")) || return 1
	else
		out=$(dovecot_uids "$user" "$folder") || return 1
	fi
	if [ -z "$out" ]; then echo 0; else printf '%s\n' "$out" | wc -l; fi
}

dovecot_uidvalidity() {
	local out
	out=$(dovecot_doveadm "$1" mailbox status uidvalidity "$2") || return 1
	echo "${out##*uidvalidity=}"
}

# A new UIDVALIDITY for the folder, as if it had been deleted and made again:
# the messages go to a scratch folder, the folder's index and UID list are
# removed (Dovecot then gives it the next UIDVALIDITY, never an old one),
# and they come back with UIDs from 1. No client should be connected.
dovecot_uidvalidity_change() {
	local user=$1 folder=$2 old new path tmp=crm-uidvalidity-tmp
	old=$(dovecot_uidvalidity "$user" "$folder") || return 1
	path=$(dovecot_doveadm "$user" mailbox path "$folder") || return 1
	dovecot_doveadm "$user" mailbox create "$tmp" || return 1
	dovecot_doveadm "$user" move "$tmp" mailbox "$folder" ALL || return 1
	rm -f "$path"/dovecot-uidlist "$path"/dovecot.index "$path"/dovecot.index.log \
		"$path"/dovecot.index.log.2 "$path"/dovecot.index.cache \
		"$(dovecot_doveadm "$user" mailbox path INBOX)"/dovecot.list.index*
	dovecot_doveadm "$user" move "$folder" mailbox "$tmp" ALL || return 1
	dovecot_doveadm "$user" mailbox delete "$tmp" || return 1
	new=$(dovecot_uidvalidity "$user" "$folder") || return 1
	if [ "$new" = "$old" ]; then
		dovecot_doveadm "$user" mailbox update --uid-validity $((old + 1)) "$folder" || return 1
	fi
	return 0
}

# --- stalling the server on one message ---------------------------------
# The message's file becomes a FIFO; a feeder process opens it for writing,
# which blocks until the server opens it for reading (dovecot_wait_stalled
# sees that), and writes the real message only on dovecot_unstall.

dovecot_stall() {
	local user=$1 folder=$2 uid=$3 d path base f file='' st
	d=$(_dovecot_dir)
	st=$d/stall
	if [ -e "$st/feeder.pid" ]; then
		_dovecot_err "dovecot_stall: one message is stalled already"
		return 1
	fi
	path=$(dovecot_doveadm "$user" mailbox path "$folder") || return 1
	base=$(sed -n "s/^$uid [^:]*:\(.*\)\$/\1/p" "$path/dovecot-uidlist" 2>/dev/null)
	if [ -z "$base" ]; then
		_dovecot_err "dovecot_stall: no UID $uid in $user's $folder"
		return 1
	fi
	for f in "$path/cur/$base" "$path/cur/$base":* "$path/new/$base" "$path/new/$base":*; do
		[ -f "$f" ] && file=$f && break
	done
	[ -n "$file" ] || {
		_dovecot_err "dovecot_stall: the file of UID $uid is missing"
		return 1
	}
	mkdir -p "$st"
	rm -f "$st/opened" "$st/release"
	cp -p "$file" "$st/message"
	printf '%s\n%s\n' "$path" "$base" >"$st/where"
	# The feeder opens the FIFO by a name of its own ($st/fifo, a hard
	# link): the server may rename the message (new/ to cur/, a flag) before
	# the feeder runs, and an open by the old name would then make a new,
	# empty file there instead of waiting.
	rm -f "$st/fifo"
	mkfifo "$st/fifo" || return 1
	chown --reference="$file" "$st/fifo"
	chmod 600 "$st/fifo"
	ln -f "$st/fifo" "$path/tmp/crm-stall.fifo" || return 1
	mv -f "$path/tmp/crm-stall.fifo" "$file" || return 1
	(
		_dovecot_close_fds
		exec 4>"$st/fifo" # blocks until the server opens the message
		: >"$st/opened"
		while ! [ -e "$st/release" ]; do sleep 0.02; done
		cat "$st/message" >&4
	) </dev/null >/dev/null 2>&1 &
	echo $! >"$st/feeder.pid"
}

dovecot_wait_stalled() {
	local st deadline
	st=$(_dovecot_dir)/stall
	deadline=$(($(_dovecot_ms) + ${1:-5} * 1000))
	until [ -e "$st/opened" ]; do
		if ! [ -e "$st/feeder.pid" ]; then
			_dovecot_err "dovecot_wait_stalled: no message is stalled (dovecot_stall first)"
			return 1
		fi
		if [ "$(_dovecot_ms)" -gt "$deadline" ]; then
			_dovecot_err "dovecot_wait_stalled: the server did not open the message within ${1:-5}s"
			return 1
		fi
		sleep 0.02
	done
}

dovecot_unstall() {
	local st pid
	st=$(_dovecot_dir)/stall
	[ -e "$st/feeder.pid" ] || return 0
	read -r pid <"$st/feeder.pid"
	: >"$st/release"
	if [ -e "$st/opened" ]; then
		for _ in $(seq 1 250); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.02
		done
	fi
	_dovecot_stall_cleanup
}

# Put the real message file back in place of the FIFO (under whatever name
# Dovecot has renamed it to meanwhile) and end the feeder.
_dovecot_stall_cleanup() {
	local st pid path base f
	st=$(_dovecot_dir)/stall
	[ -e "$st/feeder.pid" ] || return 0
	read -r pid <"$st/feeder.pid" || true
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	{
		read -r path
		read -r base
	} <"$st/where"
	for f in "$path/cur/$base" "$path/cur/$base":* "$path/new/$base" "$path/new/$base":*; do
		if [ -p "$f" ]; then
			cp -p "$st/message" "$path/tmp/crm-stall.msg" &&
				mv -f "$path/tmp/crm-stall.msg" "$f"
		fi
	done
	rm -f "$st/feeder.pid" "$st/opened" "$st/release" "$st/fifo"
	return 0
}
