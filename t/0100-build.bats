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

# The flags configure put into the Makefile for the libraries (*_CFLAGS and
# *_LIBS of each pkg-config module, and LIBS).
link_flags() {
	sed -n 's/^\([A-Z]*_LIBS\|[A-Z]*_CFLAGS\|LIBS\) = //p' "$CRM_BUILDDIR/Makefile"
}

@test "the libraries' flags carry nothing of their own package builds (-specs=, -Wl,...)" {
	run link_flags
	[ "$status" -eq 0 ]
	[[ "$output" == *-letpan* ]]
	[[ "$output" == *-lgnutls* ]]
	[[ "$output" != *-specs=* ]]
	[[ "$output" != *-Wl,* ]]
}

@test "bootstrap installs, by its own name, the package of every library the link names" {
	command -v dpkg-query >/dev/null || skip "not a Debian system: no dpkg-query"
	pkgs=" $(sed -n '/^build_pkgs="/,/"$/p' "$CRM_SRCDIR/bootstrap" | tr -d '"' | sed 's/build_pkgs=//' | tr -s ' \t\n' ' ') "
	for l in $(link_flags | tr ' ' '\n' | sed -n 's/^-l//p' | sort -u); do
		case $l in c | m | pthread | dl | rt) continue ;; esac # the C library's own
		file=$(gcc -print-file-name="lib$l.so")
		[ -e "$file" ] || {
			echo "-l$l: the compiler finds no lib$l.so"
			return 1
		}
		# the link's own name (libz.so, from the -dev package), else the
		# file it points to (libdb-5.3.so comes with the library itself)
		file="$(readlink -f "$(dirname "$file")")/lib$l.so"
		pkg=$(dpkg-query -S "$file" 2>/dev/null | sed 's/:.*//;q')
		[ -n "$pkg" ] || pkg=$(dpkg-query -S "$(readlink -f "$file")" 2>/dev/null | sed 's/:.*//;q')
		[ -n "$pkg" ] || {
			echo "-l$l: $file belongs to no package"
			return 1
		}
		[[ "$pkgs" == *" $pkg "* || "$pkgs" == *" ${pkg%:*} "* ]] || {
			echo "-l$l comes from $pkg, which bootstrap does not name"
			return 1
		}
	done
}
