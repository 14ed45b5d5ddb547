#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# run.sh: run cmocka unit-test binaries and sum their results.
#
#   tests/unit/run.sh build/tests/test_*
#
# Counts test cases from cmocka's per-case lines ("[       OK ] name",
# "[  FAILED  ] name", "[  SKIPPED ] name"), which cmocka 1.1.5 writes to
# stdout; its summary and the failure details go to stderr. A binary that
# crashes, hangs, prints no results or exits non-zero without a failed case
# counts as one failed case, named in the output. Ends with exactly one line
# "unit: N passed, N failed"; exits 1 if anything failed.

set -u

TIMEOUT=${UNIT_TIMEOUT:-120}	# seconds per binary

passed=0
failed=0
skipped=0
failures=()

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# From cmocka's stdout, print "PASSED FAILED SKIPPED FINISHED ANNOUNCED RUNNING"
# (FINISHED: 1 if the "N test(s) run." line came; ANNOUNCED: from "Running N
# test(s)."; RUNNING: the case that never ended, or -), then one line per
# failed or skipped case: "failed NAME" / "skipped NAME".
parse() {
	awk '
	done { next }
	index($0, "[ RUN      ] ") == 1 { cur = substr($0, 14); running = 1; next }
	index($0, "[       OK ] ") == 1 { pass++; running = 0; next }
	index($0, "[  FAILED  ] ") == 1 {
		fail++; running = 0; names = names "failed " substr($0, 14) "\n"; next
	}
	index($0, "[  SKIPPED ] ") == 1 {
		skip++; running = 0; names = names "skipped " substr($0, 14) "\n"; next
	}
	/^\[==========\] Running [0-9]+ test\(s\)\.$/ { total = $3 }
	/^\[==========\] [0-9]+ test\(s\) run\.$/ { done = 1 }
	END {
		printf "%d %d %d %d %d %s\n", pass, fail, skip, done, total,
		       running ? cur : "-"
		printf "%s", names
	}' "$1"
}

# Indent a file, for failure details.
show() {
	sed 's/^/    /' "$1"
}

if [[ $# -eq 0 ]]; then
	echo "run.sh: no test binaries given" >&2
	echo "unit: 0 passed, 0 failed"
	exit 1
fi

for bin in "$@"; do
	name=$(basename -- "$bin")
	out=$tmp/$name.out
	err=$tmp/$name.err

	if [[ ! -x $bin ]]; then
		echo "$name: not an executable file"
		failed=$((failed + 1))
		failures+=("$name (missing)")
		continue
	fi
	# the group keeps bash's "Aborted" notice out: the summary names it
	{
		CMOCKA_MESSAGE_OUTPUT=STDOUT timeout "$TIMEOUT" "$bin" >"$out" 2>"$err"
		rc=$?
	} 2>/dev/null

	{
		read -r p f s finished total unfinished
		mapfile -t cases
	} < <(parse "$out")

	problem=""
	if [[ $rc -eq 124 ]]; then
		problem="timed out after ${TIMEOUT}s"
	elif [[ $rc -gt 128 ]]; then
		problem="killed by signal $((rc - 128))"
	elif [[ $((p + f + s)) -eq 0 && -z ${unfinished#-} ]]; then
		problem="printed no results, exit status $rc"
	elif [[ $finished -ne 1 ]]; then
		problem="exited with status $rc before reporting all its results"
	elif [[ $rc -ne 0 && $f -eq 0 ]]; then
		problem="exited with status $rc although no case failed"
	fi
	if [[ -n $problem ]]; then
		# the case that was running crashed; else the binary itself failed
		f=$((f + 1))
		if [[ $unfinished != - ]]; then
			cases+=("failed $unfinished ($problem)")
		else
			cases+=("failed $name ($problem)")
		fi
	fi

	line="$name: $p passed, $f failed"
	[[ $s -gt 0 ]] && line+=", $s skipped"
	# cases after a crash never ran; the crash is the failure counted
	notrun=$((total - p - f - s))
	[[ -n $problem && $notrun -gt 0 ]] && line+=", $notrun not run"
	echo "$line${problem:+ ($problem)}"
	for c in "${cases[@]}"; do
		case $c in
		failed\ *)	echo "  FAILED  ${c#failed }"
				failures+=("$name: ${c#failed }") ;;
		skipped\ *)	echo "  skipped ${c#skipped }" ;;
		esac
	done
	# what the tests say on purpose (e.g. "known bug: ...")
	grep -v '^\[' "$out" | sed 's/^/    /'
	if [[ $f -gt 0 && -s $err ]]; then
		echo "  stderr of $name:"
		show "$err"
	fi

	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done

if [[ ${#failures[@]} -gt 0 ]]; then
	echo
	echo "failed:"
	printf '  %s\n' "${failures[@]}"
fi
[[ $skipped -gt 0 ]] && echo "($skipped skipped, listed above)"
echo "unit: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
