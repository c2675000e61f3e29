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
	quiet_failure 64 crm-export unsubscribes --columns email
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
