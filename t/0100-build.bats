#!/usr/bin/env bats
# 0100-build: every command answers --help and --version, and refuses bad
# usage with the usage line and exit 64.

load helpers

commands="crm-admin crm-lead crm-task crm-deal crm-mailpull crm-callpull crm-export crm-stock"
# Those whose first operand is a verb; the others run one action (crm-export
# also has verbs, but without one it exports, so an unknown word is no error).
verb_commands="crm-admin crm-lead crm-task crm-deal crm-stock"

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
	for c in $verb_commands; do
		run "$c"
		[ "$status" -eq 64 ]
		[[ "$output" == *"usage: $c"* ]]
		run "$c" frobnicate
		[ "$status" -eq 64 ]
		[[ "$output" == *'unknown verb "frobnicate"'* ]]
	done
	for c in $commands; do
		run "$c" list --no-such-option
		[ "$status" -eq 64 ]
		[[ "$output" == *"usage: $c"* ]]
	done
}

@test "a command without a verb and without its operand exits 64 with the usage line" {
	for c in crm-mailpull crm-callpull; do
		run "$c"
		[ "$status" -eq 64 ]
		[[ "$output" == *"missing operand"*"usage: $c"* ]]
	done
}

@test "an option that belongs to another verb is refused, naming it" {
	crm_setup
	run crm-lead list --reason spam
	[ "$status" -eq 64 ]
	[[ "$output" == *"list takes no --reason"* ]]
}

# The verbs of a synopsis, one a line: the lowercase words at the start of
# each form ("user add"), a form being a line or a part after " | " outside
# brackets; "receive|produce" is two verbs. Forms without a verb give none.
form_verbs() {
	sed -e ':a' -e 's/\[[^][]*\]//g' -e 'ta' | sed 's/ | /\n/g' |
		awk '{ v = ""
		       for (i = 1; i <= NF && $i ~ /^[a-z][a-z|-]*$/; i++) {
		           if (i > 1 && $i ~ /\|/) break
		           v = v (i > 1 ? " " : "") $i
		       }
		       n = split(v, alt, "|")
		       for (j = 1; j <= n; j++) if (alt[j] != "") print alt[j] }' | sort -u
}

# The forms of the usage that "$1 --help" prints, without the command's name.
usage_forms() {
	"$1" --help | sed -n 's/^\(usage: \|       \)'"$1"'\( \|$\)//p'
}

# The forms of the SYNOPSIS of man page $1: what follows each .Nm or "|"
# when it starts with .Cm, the mdoc macros taken out.
synopsis_forms() {
	awk '/^\.Sh SYNOPSIS/ { on = 1; next } /^\.Sh/ { on = 0 } !on { next }
	     $0 == ".Nm" || $0 == "|" { next_is_form = 1; next }
	     next_is_form && /^\.Cm / { sub(/^\.Cm /, ""); gsub(/ Ns \| Ns Cm /, "|")
					 sub(/ (Ar|Op|Fl|No) .*/, ""); print }
	     { next_is_form = 0 }' "$1"
}

@test "the usage of each command names the verbs of its man page's SYNOPSIS, and no others" {
	for c in $commands; do
		page="$CRM_SRCDIR/man/$c.1"
		[ -s "$page" ]
		usage=$(usage_forms "$c" | form_verbs)
		synopsis=$(synopsis_forms "$page" | form_verbs)
		[ "$usage" = "$synopsis" ] || {
			echo "$c: the usage and $page differ (<: usage only, >: SYNOPSIS only):"
			diff <(echo "$usage") <(echo "$synopsis") | grep '^[<>]'
			return 1
		}
	done
}

@test "the usage of each command has the long options of its man page's SYNOPSIS, and no others" {
	for c in $commands; do
		page="$CRM_SRCDIR/man/$c.1"
		usage=$("$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
		# "Fl -name", and "Fl n | -dry-run" for a short and a long spelling
		synopsis=$(awk '/^\.Sh SYNOPSIS/ { on = 1; next } /^\.Sh/ { on = 0 } on' "$page" |
			grep -o '\(Fl \|| \)-[a-z][a-z-]*' | sed 's/^.* /-/' | sort -u)
		[ -n "$usage" ] && [ "$usage" = "$synopsis" ] || {
			echo "$c: the usage and $page differ (<: usage only, >: SYNOPSIS only):"
			diff <(echo "$usage") <(echo "$synopsis") | grep '^[<>]'
			return 1
		}
	done
}

@test "every verb of a SYNOPSIS is one the command knows" {
	for c in $verb_commands; do
		for verb in $(synopsis_forms "$CRM_SRCDIR/man/$c.1" | form_verbs | cut -d' ' -f1 | sort -u); do
			run "$c" "$verb" --help
			[ "$status" -eq 0 ] || {
				echo "$c $verb: $output"
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
