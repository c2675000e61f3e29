#!/usr/bin/env bats
# 0120-layers: the library's files call down only. No file reaches back to
# itself through the functions it calls, directly or round a circle. What
# each file calls is read from the objects the build made, so the check
# cannot drift from the code.

load helpers

# "caller callee" for every call from one library file into another.
file_calls() {
	local o f
	for o in "$CRM_BUILDDIR"/lib/libcrm_a-*.o; do
		f=${o##*/libcrm_a-}
		f=${f%.o}
		# an object left over from a source file that is gone does not count
		[ -e "$CRM_SRCDIR/lib/$f.c" ] || [ -e "$CRM_BUILDDIR/lib/$f.c" ] || continue
		nm --defined-only "$o" | awk -v f="$f" '$2 ~ /^[TDBR]$/ { print "def", f, $3 }'
		nm --undefined-only "$o" | awk -v f="$f" '{ print "use", f, $2 }'
	done | awk '$1 == "def" { owner[$3] = $2; next }
		    { use[NR] = $2 " " $3 }
		    END { for (i in use) { split(use[i], u, " ")
				if ((u[2] in owner) && owner[u[2]] != u[1]) print u[1], owner[u[2]] } }' |
		sort -u
}

@test "the calls between library files are read from the objects" {
	run file_calls
	[ "$status" -eq 0 ]
	# a few calls that must be there: the reading works
	[[ "$output" == *"dbfile sqlfunc"* ]]
	[[ "$output" == *"request notify"* ]]
	[ "${#lines[@]}" -gt 50 ]
}

@test "no library file calls back up: the calls between files have no circle" {
	edges=$(file_calls)
	loops=$(tsort <<<"$edges" 2>&1 >/dev/null | grep -v "input contains a loop" | sed "s/^tsort: //" | sort -u)
	if [ -n "$loops" ]; then
		echo "these files call each other round a circle:"
		echo "$loops"
	fi
	[ -z "$loops" ]
}
