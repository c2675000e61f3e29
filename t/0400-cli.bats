#!/usr/bin/env bats
# 0400-cli: what every command shares (bin/cli.c): a failure prints nothing
# on stdout, so a pipe never reads a header as an empty list, and the options
# that mean one thing are spelled one way in every command.

bats_require_minimum_version 1.5.0
load helpers

setup() { crm_setup; }

# Run "$@" with stdin empty; fail unless it exits $want with stdout empty.
quiet_failure() {
	local want=$1
	shift
	run --separate-stderr "$@" < /dev/null
	if [ "$status" -ne "$want" ] || [ -n "$output" ]; then
		echo "$* -> $status, stdout: $output" >&2
		return 1
	fi
}

@test "crm-export --columns is a usage error that prints no header" {
	quiet_failure 64 crm-export --columns party,company
	[[ "$stderr" == *"--columns and -H are for"* ]]
}

@test "a usage error with --columns prints nothing on stdout, in every command" {
	quiet_failure 64 crm-admin user --columns login
	quiet_failure 64 crm-admin config list --columns key
	quiet_failure 64 crm-admin backup --columns id
	quiet_failure 64 crm-lead find --columns id
	quiet_failure 64 crm-lead route --columns id
	quiet_failure 64 crm-lead assign 1 --columns id
	quiet_failure 64 crm-lead note 1 --columns id
	quiet_failure 64 crm-task add --columns id
	quiet_failure 64 crm-task reassign 1 --columns id
	quiet_failure 64 crm-export segment --columns name
	quiet_failure 64 crm-export unsubscribes --columns email a.csv b.csv
	quiet_failure 64 crm-stock item --columns code
	quiet_failure 64 crm-stock receive --columns lot
	quiet_failure 64 crm-stock pick --columns lot
}

@test "a failure that is not a usage error prints no header either" {
	quiet_failure 65 crm-lead show 99 --columns id
	quiet_failure 65 crm-lead history 99 --columns id
	quiet_failure 65 crm-task done 99 --columns id
	quiet_failure 66 crm-export unsubscribes "$BATS_TEST_TMPDIR/none.csv" --columns email
	quiet_failure 65 crm-lead add --columns id
}

@test "an empty result still prints the header of its checked columns" {
	run --separate-stderr crm-task list --kind nothing --columns id,title
	[ "$status" -eq 1 ]
	[ "$output" = $'id\ttitle' ]
	quiet_failure 64 crm-task list --kind nothing --columns id,nope
	[[ "$stderr" == *'unknown column "nope"'* ]]
}

@test "crm-admin check: a sound database prints nothing, but an unknown column is refused" {
	run --separate-stderr crm-admin check --columns problem
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	quiet_failure 64 crm-admin check --columns nope
	[[ "$stderr" == *'unknown column "nope"; columns are: check, table, row, problem'* ]]
}

# Two requests, one assigned to ivan and one to petr; sets A and B (ids).
two_assigned() {
	A=$(crm-lead add -H --columns id --name "Антон" --email a@ex.ru)
	B=$(crm-lead add -H --columns id --name "Борис" --email b@ex.ru)
	as anna crm-lead assign --to ivan "$A" > /dev/null
	as anna crm-lead assign --to petr "$B" > /dev/null
}

@test "crm-lead list: --assignee, --mine for the acting user, and not both" {
	two_assigned
	[ "$(crm-lead list --assignee ivan -H --columns id)" = "$A" ]
	[ "$(as petr crm-lead list --mine -H --columns id)" = "$B" ]
	quiet_failure 64 as ivan crm-lead list --mine --assignee petr
	[[ "$stderr" == *"--mine is --assignee ivan: give one"* ]]
}

@test "crm-task list: --assignee, its old spelling --to, --mine, and --request as in add" {
	two_assigned
	party=$(party_of "$A")
	t1=$(crm-task add -H --columns id --kind call --to ivan --party "$party" --request "$A" --title one)
	t2=$(crm-task add -H --columns id --kind call --to petr --title two --no-party)
	[ "$(crm-task list --kind call --assignee ivan -H --columns id)" = "$t1" ]
	[ "$(crm-task list --kind call --to ivan -H --columns id)" = "$t1" ]
	[ "$(crm-task list --kind call --assignee dept:prom -H --columns id | sort | tr '\n' ,)" = \
		"$(printf '%s\n' "$t1" "$t2" | sort | tr '\n' ,)" ]
	[ "$(as petr crm-task list --kind call --mine -H --columns id)" = "$t2" ]
	[ "$(crm-task list --request "$A" --kind call -H --columns id)" = "$t1" ]
	run --separate-stderr crm-task list --request "$B" --kind call
	[ "$status" -eq 1 ]
	quiet_failure 64 crm-task list --to ivan --assignee ivan
	[[ "$stderr" == *"--to is the old spelling of --assignee: give one"* ]]
	quiet_failure 64 crm-task list --request abc
}

@test "crm-export: --assignee, its old spelling --manager, --mine, in exports and saved segments" {
	two_assigned
	run --separate-stderr crm-export --format tsv --assignee ivan
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" contacts)" = "Антон" ]
	[ "$(tsv_get "$output" manager)" = ivan ]
	run --separate-stderr crm-export --format tsv --manager ivan
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" manager)" = ivan ]
	run --separate-stderr as petr crm-export --format tsv --mine
	[ "$(tsv_count "$output")" -eq 1 ]
	[ "$(tsv_get "$output" manager)" = petr ]
	quiet_failure 64 crm-export --format tsv --manager ivan --assignee petr
	[[ "$stderr" == *"--manager is the old spelling of --assignee: give one"* ]]
	as mila crm-export segment save petrs --assignee petr
	as mila crm-export segment save ivans --manager ivan
	[ "$(crm-export segment list --columns name,manager -H | sort)" = $'ivans\tivan\npetrs\tpetr' ]
	quiet_failure 64 as mila crm-export segment save both --mine --assignee petr
	segments=$(listing crm-export segment list -H --columns name)
	[ "$segments" = $'ivans\npetrs' ]
}
