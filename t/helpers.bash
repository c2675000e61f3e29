# helpers.bash: what every bats file loads: a fresh database per test with a
# small staff, and a few assertions. Tests run the built commands (make check
# puts bin/ first on PATH) and use only files in this tree.

: "${CRM_SRCDIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${CRM_BUILDDIR:=$CRM_SRCDIR}"
PATH="$CRM_BUILDDIR/bin:$PATH"
FIXTURES="$CRM_SRCDIR/t/fixtures"

# A database with: admin "root" (made by init), head "anna", managers "ivan"
# and "petr" (prom) and "olga" (hight), marketer "mila", storekeeper "wes".
crm_setup() {
	export CRM_DB="$BATS_TEST_TMPDIR/crm.db"
	export CRM_NOW="2026-11-26T10:00:00Z"
	export CRM_USER=root
	unset XDG_DATA_HOME
	crm-admin init >/dev/null
	crm-admin user add anna --role head --name "Анна Смирнова"
	crm-admin user add ivan --role manager --dept prom --name "Иван Орлов"
	crm-admin user add petr --role manager --dept prom --name "Пётр Лебедев"
	crm-admin user add olga --role manager --dept hight --name "Ольга Ким"
	crm-admin user add mila --role marketer
	crm-admin user add wes --role warehouse
}

# Run a command as another user.
as() {
	local who=$1
	shift
	CRM_USER=$who "$@"
}

# The value of column $2 in line $3 (default 2, the first record) of TSV $1.
tsv_get() {
	awk -F'\t' -v col="$2" -v line="${3:-2}" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		NR == line { if (c) print $c; exit }' <<<"$1"
}

# Count the records (lines after the header) of TSV $1.
tsv_count() {
	if [ -z "$1" ]; then echo 0; else echo $(($(printf '%s\n' "$1" | wc -l) - 1)); fi
}

# One value from the database, read with the sqlite3 tool.
sql() {
	sqlite3 -batch -noheader "$CRM_DB" "$1"
}

# ---- What the commands show: tests assert on these rather than on tables,
# so that they state what a user sees. They read as CRM_READER, by default
# root, who may read all.

# The columns $3 (comma-separated), joined by "|", of each record of TSV $1
# whose column $2 (COL=VALUE) has that value; of every record when $2 is "".
tsv_pick() {
	awk -F'\t' -v where="$2" -v cols="$3" '
		NR == 1 {
			for (i = 1; i <= NF; i++) at[$i] = i
			n = split(cols, want, ",")
			for (j = 1; j <= n; j++) if (!(want[j] in at)) { print "tsv_pick: no column " want[j] > "/dev/stderr"; exit 2 }
			if (where != "") {
				wc = substr(where, 1, index(where, "=") - 1)
				wv = substr(where, index(where, "=") + 1)
				if (!(wc in at)) { print "tsv_pick: no column " wc > "/dev/stderr"; exit 2 }
			}
			next
		}
		where == "" || $at[wc] == wv {
			line = ""
			for (j = 1; j <= n; j++) line = line (j > 1 ? "|" : "") $at[want[j]]
			print line
		}' <<<"$1"
}

# Run a list command; its "nothing matched" (status 1, the header alone) is
# an empty list, any other failure fails the caller.
listing() {
	local out rc=0
	out=$(CRM_USER="${CRM_READER:-root}" "$@") || rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "listing: $* exited $rc" >&2
		return 1
	fi
	printf '%s\n' "$out"
}

# How many records the list command "$@" prints.
count_of() {
	local out
	out=$(listing "$@") || return 1
	tsv_count "$out"
}

# Columns $2 of request $1 as crm-lead list shows them.
request_row() {
	local out
	out=$(listing crm-lead list) || return 1
	tsv_pick "$out" "id=$1" "$2"
}

# Columns $2 of task $1 as crm-task list --status all shows them.
task_row() {
	local out
	out=$(listing crm-task list --status all) || return 1
	tsv_pick "$out" "id=$1" "$2"
}

# Columns $1 of every party, one a line, as crm-export's contacts profile
# shows them (company is the party's name, manager its owner).
parties() {
	local out
	out=$(listing crm-export --with-junk --format tsv) || return 1
	tsv_pick "$out" "" "$1"
}

# Columns $2 of party $1, as parties shows them.
party_row() {
	local out
	out=$(listing crm-export --with-junk --format tsv) || return 1
	tsv_pick "$out" "party=$1" "$2"
}

# The parties, all of them (crm-export --with-junk has every party).
party_count() {
	count_of crm-export --with-junk --format tsv
}

# The value of key $3 in section $2 (request, party) of crm-lead show $1;
# for the sections that list values (contact, phone, email, history, task),
# each of their keys, one a line.
shown() {
	local out
	out=$(CRM_USER="${CRM_READER:-root}" crm-lead show "$1") || return 1
	awk -F'\t' -v s="$2" -v k="$3" '
		NR > 1 && $1 == s && (k == "" || $2 == k) { print (k == "" ? $2 : $3) }' <<<"$out"
}

# The party of request $1.
party_of() {
	shown "$1" party id
}

# The history of every party (crm-lead history), with the options "$@",
# such as -H --columns kind.
histories() {
	local p
	p=$(parties party) || return 1
	{ echo party; [ -z "$p" ] || printf '%s\n' "$p"; } | CRM_USER="${CRM_READER:-root}" crm-lead history --key party "$@"
}

# The calls in the parties' histories: the rows of kind call, each a call,
# or the request of channel call that a call from an unknown number made.
# (A call that made no party, internal or ignored, no command shows.)
calls() {
	local k
	k=$(histories -H --columns kind) || return 1
	grep -c '^call$' <<<"$k"
}

# Everything the commands show of the database, to compare before and after
# a command that must change nothing: the requests, the parties with their
# contacts, the tasks, every party's history, and the size of the audit log
# (which no command shows).
state() {
	listing crm-lead list || return 1
	listing crm-export --with-junk --format tsv || return 1
	listing crm-task list --status all || return 1
	histories || return 1
	sql "SELECT count(*) FROM audit"
}

# Standard input, a field of crm-tsv(5), unescaped: \t TAB, \n LF, \r CR,
# \\ backslash. (Miller reads TSV too, but not lines over 1 MB.)
tsv_unescape() {
	perl -pe 's/\\([tnr\\])/$1 eq "t" ? "\t" : $1 eq "n" ? "\n" : $1 eq "r" ? "\r" : "\\"/ge'
}

# Keys $1 (comma-separated) of the request section of crm-lead show, "|"
# between them, one line a request, for every request in the order of
# their ids. (The values stay escaped as in crm-tsv(5).)
requests_shown() {
	local ids
	ids=$(listing crm-lead list -H --columns id) || return 1
	[ -n "$ids" ] || return 0
	{ echo id; sort -n <<<"$ids"; } | CRM_USER="${CRM_READER:-root}" crm-lead show | awk -F'\t' -v keys="$1" '
		BEGIN { n = split(keys, k, ",") }
		function flush(   j, line) {
			if (!have) return
			line = ""
			for (j = 1; j <= n; j++) line = line (j > 1 ? "|" : "") v[k[j]]
			print line
			split("", v)
			have = 0
		}
		NR == 1 { next }
		$1 == "request" && $2 == "id" { flush(); have = 1 }
		$1 == "request" { v[$2] = $3 }
		END { flush() }'
}

# Columns $1 of every request, as crm-lead list shows them, "|" between
# them, one line a request, oldest first.
requests() {
	local out
	out=$(listing crm-lead list) || return 1
	tsv_pick "$out" "" "$1"
}
