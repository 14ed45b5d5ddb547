#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# run.sh: run cmocka unit-test binaries and sum their results.
#
#   tests/unit/run.sh build/tests/test_*
#
# Needs: the binaries (make unit builds them into build/tests/), linked
#   with cmocka 1.1.x; no root, no kernel.
# Prints: one TAP stream (tests/lib.sh) for the whole run: each binary runs
#   with CMOCKA_MESSAGE_OUTPUT=TAP, its cases renumbered into the stream as
#   "ok N - [BINARY] CASE" (a skipped case "ok N - [BINARY] CASE # SKIP"),
#   cmocka's diagnostics and what a test prints as "# [BINARY] ..." comments,
#   its stderr as diagnostics when a case failed, a "# BINARY: N passed, N
#   failed" comment; at the end the failed cases again, the plan and exactly
#   one line "unit: N passed, N failed". Exits 1 if anything failed.
#
# A binary that crashes, hangs (UNIT_TIMEOUT seconds, default 120), prints
# no results or exits non-zero without a failed case counts as one failed
# case, named after the case it did not finish (cmocka's TAP names a case
# only once it has ended: "case K of N, the one after LAST") or the binary
# itself.

set -u
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
tap_begin unit

TIMEOUT=${UNIT_TIMEOUT:-120}	# seconds per binary

failures=()

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

[[ $# -gt 0 ]] || bail "no test binaries given"

for bin in "$@"; do
	name=$(basename -- "$bin")
	out=$tmp/$name.out
	err=$tmp/$name.err

	if [[ ! -x $bin ]]; then
		not_ok "[$name] the binary" "$bin is not an executable file"
		failures+=("$name (missing)")
		continue
	fi
	# the group keeps bash's "Aborted" notice out: the failure names it
	{
		CMOCKA_MESSAGE_OUTPUT=TAP timeout "$TIMEOUT" "$bin" >"$out" 2>"$err"
		rc=$?
	} 2>/dev/null

	tap_merge "$name" "$out" >"$tmp/$name.tap"
	cat "$tmp/$name.tap"
	p=$MERGED_PASS f=$MERGED_FAIL
	s=$((MERGED_POINTS - p - f))
	plan=${MERGED_PLAN:-0}
	problem=""
	if [[ $rc -eq 124 ]]; then
		problem="timed out after ${TIMEOUT}s"
	elif [[ $rc -gt 128 ]]; then
		problem="killed by signal $((rc - 128))"
	elif [[ $MERGED_POINTS -eq 0 && $plan -eq 0 ]]; then
		problem="printed no results, exit status $rc"
	elif [[ $MERGED_POINTS -lt $plan ]]; then
		problem="exited with status $rc before reporting all its results"
	elif [[ $rc -ne 0 && $f -eq 0 ]]; then
		problem="exited with status $rc although no case failed"
	fi
	# cases after a crash never ran; the crash is the failure counted
	notrun=0
	if [[ -n $problem ]]; then
		f=$((f + 1))
		if [[ $MERGED_POINTS -lt $plan ]]; then
			# the case that was running did not end
			what="case $((MERGED_POINTS + 1)) of $plan${MERGED_LAST:+, the one after $MERGED_LAST}"
			notrun=$((plan - MERGED_POINTS - 1))
		else
			what="the binary"
		fi
		not_ok "[$name] $what ($problem)"
	fi
	# its failed cases, for the list at the end
	while read -r c; do
		failures+=("$name: $c")
	done < <(sed -n 's/^not ok [0-9]* - \[[^]]*\] //p' "$tmp/$name.tap")
	[[ -n $problem ]] && failures+=("$name: $what ($problem)")

	line="$name: $p passed, $f failed"
	[[ $s -gt 0 ]] && line+=", $s skipped"
	[[ $notrun -gt 0 ]] && line+=", $notrun not run"
	echo "# $line${problem:+ ($problem)}"
	if [[ $f -gt 0 && -s $err ]]; then
		echo "# stderr of $name:"
		sed 's/^/#     /' "$err"
	fi
done

if [[ ${#failures[@]} -gt 0 ]]; then
	echo "# failed:"
	printf '#   %s\n' "${failures[@]}"
fi
finish
