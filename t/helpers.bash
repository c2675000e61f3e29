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
