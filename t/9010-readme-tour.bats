#!/usr/bin/env bats
# 9010-readme-tour: the README's tour runs as written, block by block, on a
# fresh demo database (what ./bootstrap demo makes), from a folder that has
# the tree's share/ as the README's "this directory" has; and its IDs mean
# what its text says.

load helpers

bats_require_minimum_version 1.5.0

setup() {
	export HOME="$BATS_TEST_TMPDIR/home"
	unset CRM_DB CRM_USER CRM_NOW XDG_DATA_HOME XDG_CONFIG_HOME CRM_DEMO_DB
	mkdir -p "$HOME" "$BATS_TEST_TMPDIR/here"
	ln -s "$CRM_SRCDIR/share" "$BATS_TEST_TMPDIR/here/share"
	ln -s "$CRM_BUILDDIR/bin" "$BATS_TEST_TMPDIR/here/bin"
	CRM_DATADIR="$CRM_SRCDIR/share/crm" sh "$CRM_SRCDIR/share/crm/demo/run" >/dev/null
}

# The tour's code blocks (lines indented by four spaces, between "## A tour"
# and the next heading) as one script: each block starts by saying its
# README line on stderr, and the first failing command ends the script.
tour_script() {
	echo 'set -euo pipefail'
	awk '
		/^## / { in_tour = ($0 == "## A tour"); next }
		!in_tour { if (open) { open = 0 }; next }
		/^    / {
			if (!open) { printf "echo \"--- README line %d\" >&2\n", NR; open = 1 }
			print substr($0, 5); next
		}
		{ open = 0 }
	' "$CRM_SRCDIR/README.md"
}

@test "the README's tour runs block by block on a fresh demo database" {
	tour_script >"$BATS_TEST_TMPDIR/tour.sh"
	[ "$(grep -c '^echo "--- README line' "$BATS_TEST_TMPDIR/tour.sh")" -ge 8 ]
	cd "$BATS_TEST_TMPDIR/here"
	PATH=/usr/local/bin:/usr/bin:/bin run --separate-stderr bash "$BATS_TEST_TMPDIR/tour.sh"
	if [ "$status" -ne 0 ]; then
		printf '%s\n' "$stderr" | tail -15
		return 1
	fi
	export CRM_DB="$HOME/.local/share/crm/demo.db" CRM_USER=admin
	# The batch again and the inbox again added nothing: 17 + the two new.
	[ "$(tsv_count "$(crm-lead list --columns id)")" -eq 19 ]
	# 19 is the prize letter, now junk; 2 and 10 are Северсталь's, ivan's.
	run crm-lead show 19
	[[ "$output" == *"Вы выиграли!"* && "$output" == *junk* ]]
	run crm-lead list --assignee ivan --columns id,party,subject -H
	[[ "$output" == *$'2\t2\tКомпрессор винтовой 37 кВт'* ]]
	[[ "$output" == *$'10\t2\tRe: Компрессор винтовой 37 кВт'* ]]
	# Request 2 was qualified with its INN, and became deal 1.
	run crm-lead show 2
	[[ "$output" == *converted* && "$output" == *7825123454* ]]
	# Deal 1: invoiced, covered from stock, shipped with its waybill, paid,
	# commissioned, service declined, closed.
	run crm-deal show 1
	[[ "$output" == *$'deal\tstage\tclosed'* && "$output" == *$'deal\twaybill\tТН-118'* ]]
	[[ "$output" == *$'deal\tservice\tdeclined'* ]]
	[ "$(crm-deal history 1 --columns stage -H | paste -sd' ' -)" = \
		"selection invoiced stock shipped commissioning service closed" ]
	[[ "$output" == *$'order\tP100\tordered 2, reserved 0, shipped 2'* ]]
	[ "$(crm-deal balance 1 --columns invoiced,paid,owed -H)" = $'351500.00\t351500.00\t0.00' ]
	# ТеплоСервис is one party: Степанов's request now belongs to party 1.
	[ "$(crm-lead find --email n.stepanov@teploservice.ru --columns id -H)" = 1 ]
	# The new call from 8 (495) 123-45-67 was not older than 12 h: still new.
	[ "$(crm-lead list --status new --columns subject -H | grep -c 'Входящий звонок')" -ge 1 ]
	# The marketer's call list went to each party's manager: Северсталь's to ivan.
	[ "$(crm-task list --kind call --party 2 --columns assignee,title -H)" = $'ivan\tОбзвон: сервис' ]
	# The tour's file was written where the README says.
	[ -s "$BATS_TEST_TMPDIR/here/newsletter.xlsx" ]
	run crm-stock balance P100 --by-lot
	[[ "$output" == *L2611* ]]
}
