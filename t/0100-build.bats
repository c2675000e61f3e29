#!/usr/bin/env bats
# 0100-build: every command answers --help and --version, and refuses bad
# usage with the usage line and exit 64.

load helpers

commands="crm-admin crm-lead crm-task"

@test "every command prints its usage on --help and exits 0" {
	for c in $commands; do
		run "$c" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"usage: $c"* ]]
	done
}

@test "every command prints its version on --version" {
	for c in $commands; do
		run "$c" --version
		[ "$status" -eq 0 ]
		[[ "$output" == "$c (crm) "[0-9]* ]]
	done
}

@test "no verb, an unknown verb or an unknown option exits 64 with the usage line" {
	for c in $commands; do
		run "$c"
		[ "$status" -eq 64 ]
		[[ "$output" == *"usage: $c"* ]]
		run "$c" frobnicate
		[ "$status" -eq 64 ]
		[[ "$output" == *'unknown verb "frobnicate"'* ]]
		run "$c" list --no-such-option
		[ "$status" -eq 64 ]
	done
}

@test "an option that belongs to another verb is refused, naming it" {
	crm_setup
	run crm-lead list --reason spam
	[ "$status" -eq 64 ]
	[[ "$output" == *"list takes no --reason"* ]]
}

@test "the usage line of each command matches the SYNOPSIS verbs of its man page" {
	for c in $commands; do
		page="$CRM_SRCDIR/man/$c.1"
		[ -s "$page" ]
		for verb in $("$c" --help | sed -n 's/^ *\(usage: \)\{0,1\}'"$c"' \([a-z-]*\).*/\2/p' | sort -u); do
			grep -q "^\.Cm $verb\b\|^\.Nm $c $verb\|Cm $verb" "$page" || {
				echo "$c $verb missing from $page"
				return 1
			}
		done
	done
}

@test "option errors name the command, and invalid UTF-8 in an option names the option" {
	run crm-lead list --bogus
	[ "$status" -eq 64 ]
	[[ "$output" == "crm-lead: unrecognized option '--bogus'"* ]]
	crm_setup
	run crm-lead add --name "$(printf 'Bad\xff')"
	[ "$status" -eq 65 ]
	[[ "$output" == *"option --name: invalid UTF-8"* ]]
}
