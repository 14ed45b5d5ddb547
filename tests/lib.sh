# tests/lib.sh: what the shell test suites share (sourced). POSIX sh: the
# suites run under bash, tests/vm/run under the VM guest's busybox sh (which
# gets this file through the Makefile's VM_TOOLS).
#
# A suite's output is TAP version 13 (testanything.org), the plan at the end,
# then one summary line:
#
#   TAP version 13                tap_begin NAME
#   ok 1 - NAME                   ok NAME
#   not ok 2 - NAME               not_ok NAME [DETAIL]
#   #   DETAIL                    (each of its lines)
#   ok 3 - NAME # SKIP REASON     skip NAME REASON
#   # TEXT                        echo "# TEXT" (a comment)
#   1..3                          finish
#   NAME: 1 passed, 1 failed      finish
#
# A skipped test point counts in neither number of the summary line. The
# line is what make shows last; tests/vm/run, which merges each suite's test
# points into its guest's stream (tap_merge), greps it ('^[a-z]*: [0-9]*
# passed, [0-9]* failed$') and holds it and the plan to the points it saw;
# tools/vmtest lists a failed guest's "not ok N - " lines with the
# diagnostic line after each.
#
# shellcheck shell=sh disable=SC3043 # local: bash, dash and busybox sh have it

# tap_begin NAME: the TAP header; NAME is the summary line's
tap_begin() {
	TAP_SUITE=$1
	TAP_N=0
	TAP_SKIPPED=0
	pass=0
	fail=0
	echo "TAP version 13"
}

# tap_point RESULT NAME [DIRECTIVE]: test point number TAP_N + 1, counted in
# neither number. A NAME is one line and its '#' escaped (a bare '#' would
# start a directive).
tap_point() {
	local d="$2"
	case $d in
	*'#'* | *'
'*) d=$(printf '%s\n' "$d" | sed 's/#/\\#/g' | tr '\n' ' ' | sed 's/ *$//') ;;
	esac
	TAP_N=$((TAP_N + 1))
	printf '%s %d - %s%s\n' "$1" "$TAP_N" "$d" "${3:+ # $3}"
}

ok() {
	pass=$((pass + 1))
	tap_point ok "$1"
}

# not_ok NAME [DETAIL]: DETAIL's lines follow as "#   " diagnostics
not_ok() {
	fail=$((fail + 1))
	tap_point "not ok" "$1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}

# skip NAME REASON: a check that did not run here, and why
skip() {
	TAP_SKIPPED=$((TAP_SKIPPED + 1))
	tap_point ok "$1" "SKIP $2"
}

# check NAME JQ-EXPR FILE [SHOW [JQ-ARG...]]: the jq expression must be true
# for the JSON in FILE; if not, the diagnostic says what the jq expression
# SHOW finds there (default: $CHECK_SHOW, else the whole document). JQ-ARGs
# (--arg, --slurpfile ...) go to both.
check() {
	local name="$1" expr="$2" file="$3" show="${4:-${CHECK_SHOW:-.}}"
	shift 3
	[ $# -gt 0 ] && shift
	if jq -e "$@" "$expr" "$file" >/dev/null 2>&1; then
		ok "$name"
	else
		not_ok "$name" "jq '$expr' is false for: $(jq -c "$@" "$show" "$file" 2>&1 | head -c 1200)"
	fi
}

# finish: the plan and the summary line; true if nothing failed
finish() {
	[ "$TAP_SKIPPED" -eq 0 ] || echo "# $TAP_SKIPPED skipped"
	echo "1..$TAP_N"
	echo "$TAP_SUITE: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# bail REASON: the suite cannot run at all (TAP "Bail out!"); it counts as
# one failure and the suite exits 1
bail() {
	echo "Bail out! $TAP_SUITE: $1"
	echo "$TAP_SUITE: $pass passed, $((fail + 1)) failed"
	exit 1
}

# tap_merge LABEL FILE: another TAP stream (a suite's output, a cmocka
# binary's) into this one: its test points renumbered, named "[LABEL] NAME"
# and counted here, a "Bail out!" made a failed one, its comments and any
# other line kept as comments "# [LABEL] ...", its version and plan lines
# left out. Sets MERGED_PLAN (its plan's count, empty without one),
# MERGED_POINTS (its test points), MERGED_PASS, MERGED_FAIL (a bail-out
# included), MERGED_LAST (the name of its last test point) and
# MERGED_BAILED (1 if it bailed out). cmocka writes a skip as "not ok N #
# SKIP NAME", and what a test prints as a line of its own.
tap_merge() {
	local l res d
	MERGED_PLAN='' MERGED_POINTS=0 MERGED_PASS=0 MERGED_FAIL=0 MERGED_LAST='' MERGED_BAILED=''
	while IFS= read -r l || [ -n "$l" ]; do
		case $l in
		"ok "[0-9]* | "not ok "[0-9]*)
			res=ok
			case $l in "not "*) res="not ok" ;; esac
			d=${l#"$res" }
			d=${d#"${d%%[!0-9]*}"}
			d=${d#" "}
			d=${d#"- "}
			MERGED_POINTS=$((MERGED_POINTS + 1))
			case $d in
			"# "[Ss][Kk][Ii][Pp]" "*)	# no name: the reason is the name
				MERGED_LAST=${d#"# "????" "}
				d="$MERGED_LAST # SKIP"
				res=ok
				TAP_SKIPPED=$((TAP_SKIPPED + 1)) ;;
			*" # "[Ss][Kk][Ii][Pp]*)
				MERGED_LAST=${d%%" # "[Ss][Kk][Ii][Pp]*}
				res=ok
				TAP_SKIPPED=$((TAP_SKIPPED + 1)) ;;
			*)
				MERGED_LAST=$d
				if [ "$res" = ok ]; then
					MERGED_PASS=$((MERGED_PASS + 1))
					pass=$((pass + 1))
				else
					MERGED_FAIL=$((MERGED_FAIL + 1))
					fail=$((fail + 1))
				fi ;;
			esac
			# the name as it was, its escapes and directive kept
			TAP_N=$((TAP_N + 1))
			printf '%s %d - [%s] %s\n' "$res" "$TAP_N" "$1" "$d" ;;
		"Bail out!"*)
			# shellcheck disable=SC2034 # read by tests/vm/run
			MERGED_BAILED=1
			MERGED_FAIL=$((MERGED_FAIL + 1))
			d=${l#"Bail out!"}
			not_ok "[$1] bailed out:${d:+ ${d# }}" ;;
		"TAP version "*) ;;
		1..[0-9]*) MERGED_PLAN=${l#1..} MERGED_PLAN=${MERGED_PLAN%%[!0-9]*} ;;
		"#"*) printf '# [%s]%s\n' "$1" "${l#"#"}" ;;
		*) printf '# [%s] %s\n' "$1" "$l" ;;
		esac
	done <"$2"
}

# run_key STAT-ARGS... -- [GENERATOR] WORKLOAD ARGS...: what a traced
# generator run was, as one line of single-spaced words, for
# tests/live/run.sh to name a report it keeps and tests/model/live.sh to
# find it: mmretry's options, "--", then the workload and its arguments,
# without what does not change the run: the generator's path, its output
# options (-q, --json) and its data path (-f PATH)
run_key() {
	local key='' gen=''
	while [ $# -gt 0 ]; do
		if [ -z "$gen" ]; then
			[ "$1" = -- ] && gen=1
			key="${key:+$key }$1"
		else
			case $1 in
			-f) [ $# -gt 1 ] && shift ;;
			-q | --json | mmretry-gen | */mmretry-gen) ;;
			*) key="${key:+$key }$1" ;;
			esac
		fi
		shift
	done
	printf '%s\n' "$key"
}
