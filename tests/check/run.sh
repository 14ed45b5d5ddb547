#!/bin/bash
# tests/check/run.sh: mmretry check, baseline and compare end to end, as
# root: every exit status of the gate (0 within limits, 1 a regression, 2
# usage or malformed input, 3 a metric unavailable in the mode, 4 cannot
# trace, 5 the command failed), the row a regression marks in the table,
# JSON and JUnit, recorded baselines, and compare; a baseline's cgroups,
# judged live on two workloads in two cgroups the test makes.
#
# The gate's workload is the generator's file workload: one file_io retry per
# uncached page it reads, so asking it for more pages than the baseline
# allows is a regression the gate must catch.
#
# Environment: MMRETRY_MODE (the mode to trace with; tracepoint mode is also
# used where the test needs a figure it cannot see), MMRETRY_CHECK_DATA (a
# file or block device for the file workload; default: a file under TMPDIR,
# which must not be tmpfs), MMRETRY_CHECK_CGROUP_DATA (two, space-separated,
# for the cgroups' workloads; default: two files there), TMPDIR.
#
# Needs: root, a built ./mmretry and tools/mmretry-gen (make), jq; setpriv
#   (util-linux) for the unprivileged runs.
# Prints: TAP (tests/lib.sh), a test point per check, ending with the line
#   "check: N passed, N failed"; exits 1 if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin check
MMR=$PWD/mmretry
GEN=$PWD/tools/mmretry-gen
MODE=${MMRETRY_MODE:-}
PAGES=256
# the workload's own first faults on its binary and libraries can read
# pages from disk too: file_io is PAGES and at most SLACK more
SLACK=${MMRETRY_SLACK:-8}

command -v jq >/dev/null || bail "jq is missing (make deps)"
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-check.XXXXXX")
cgdirs=()	# the cgroups the test made, removed on exit
trap 'for d in "${cgdirs[@]}"; do rmdir "$d" 2>/dev/null; done; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"	# the unprivileged runs below read the reports
DATA=${MMRETRY_CHECK_DATA:-$tmp/data}
trace_args=(--no-anon-vma)
[ -n "$MODE" ] && trace_args+=(--mode "$MODE")
file_gen=("$GEN" -q file -f "$DATA" -n)

# run NAME WANT CMD...: CMD's status must be WANT; $tmp/NAME.out, .err
run() {
	local name=$1 want=$2
	shift 2
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name: exit $want"
		return 0
	fi
	not_ok "$name: exit $want" "exit $rc: $(head -c 600 "$tmp/$name.err") $(head -c 600 "$tmp/$name.out")"
	return 1
}

# check NAME JQ FILE (tests/lib.sh): the JSON in FILE satisfies JQ; if
# not, the diagnostic shows the gate's rows
CHECK_SHOW='[.metrics[]? | {metric, measured, verdict}]'

# one line on stderr, that says what
one_line() {
	if [ "$(wc -l <"$tmp/$1.err")" -eq 1 ] && grep -qF -- "$2" "$tmp/$1.err"; then
		ok "$1: says '$2' in one line"
	else
		not_ok "$1: says '$2' in one line" "$(head -c 400 "$tmp/$1.err")"
	fi
}

# The gated figure: file_io retries, where the mode attributes them
# (tracepoint mode does only on newer kernels), else all retries.
"$MMR" stat "${trace_args[@]}" --json -o "$tmp/probe.json" -- "${file_gen[@]}" 16 >/dev/null 2>&1
G=faults.retry_reasons.file_io
jq -e ".$G != null" "$tmp/probe.json" >/dev/null 2>&1 || G=faults.retries
# and a second one, which 4x the pages also takes over its limit
M2=faults.major
jq -e ".$M2 != null" "$tmp/probe.json" >/dev/null 2>&1 || M2=faults.faults
Gre=${G//./\\.}
echo "# gated figures: $G, $M2"

cat >"$tmp/gate.yml" <<EOF
# the file workload reads $PAGES uncached pages: one file_io retry each
mmretry_baseline: 1
metrics:
  $G: {value: $PAGES, max: $((PAGES + PAGES / 4))}
  $M2: {max: $((2 * PAGES))}
  lost_events: 0
EOF

# ---- 2: usage and malformed input, before anything is traced ----
run "no baseline" 2 "$MMR" check -- true && one_line "no baseline" "check: --baseline FILE is required"
printf 'mmretry_baseline: 1\nmetrics:\n  lost_events: 0\n  faults.retries: {max: 10\n' >"$tmp/broken.yml"
run "malformed baseline" 2 "$MMR" check --baseline "$tmp/broken.yml" -- true &&
	one_line "malformed baseline" "broken.yml:5: did not find expected ',' or '}'"
printf 'mmretry_baseline: 1\nmetrics:\n  lost_events: 0\n  faults.retry: {max: 10}\n' >"$tmp/typo.yml"
run "unknown metric" 2 "$MMR" check --baseline "$tmp/typo.yml" -- true &&
	one_line "unknown metric" "typo.yml:4: unknown metric 'faults.retry'"
echo '{"schema": "mmretry.stat/1", "faults": [' >"$tmp/broken.json"
run "malformed report" 2 "$MMR" check --baseline "$tmp/gate.yml" --report "$tmp/broken.json" &&
	one_line "malformed report" "broken.json:2:"
run "compare needs two reports" 2 "$MMR" compare "$tmp/broken.json" &&
	one_line "compare needs two reports" "compare: needs two reports"
# an output that cannot be written costs no run: one line, the command never starts
run "unwritable JUnit file" 4 "$MMR" check --baseline "$tmp/gate.yml" --junit "$tmp/no/such/dir/j.xml" \
	-- touch "$tmp/ran" && one_line "unwritable JUnit file" "cannot write '$tmp/no/such/dir/j.xml'"
[ -e "$tmp/ran" ] && not_ok "unwritable JUnit file: the command did not run" ||
	ok "unwritable JUnit file: the command did not run"
run "list metrics" 0 "$MMR" check --list-metrics
if grep -q '^mmap_lock.write.hold_ns.p99 *ns ' "$tmp/list metrics.out" &&
	grep -q '^retries_per_fault *ratio ' "$tmp/list metrics.out"; then
	ok "list metrics: names, units"
else
	not_ok "list metrics: names, units" "$(head -c 300 "$tmp/list metrics.out")"
fi

# ---- 0: within limits; the report kept ----
run "gate passes" 0 "$MMR" check "${trace_args[@]}" --baseline "$tmp/gate.yml" --json \
	-o "$tmp/pass.json" --junit "$tmp/pass.xml" --save-report "$tmp/r$PAGES.json" \
	-- "${file_gen[@]}" "$PAGES"
check "gate passes: every row passes, $G measured $PAGES (+$SLACK)" \
	"(.metrics | all(.verdict == \"pass\")) and .verdict == \"pass\" and .exit_status == 0 and
	 (.metrics[] | select(.metric == \"$G\") |
	  .measured >= $PAGES and .measured <= $PAGES + $SLACK)" \
	"$tmp/pass.json"
check "gate passes: the saved report is stat's, the one judged" \
	".schema == \"mmretry.stat/1\" and .$G ==
	 $(jq ".metrics[] | select(.metric == \"$G\") | .measured" "$tmp/pass.json")" \
	"$tmp/r$PAGES.json"
if grep -q '<testsuite name="mmretry check .*gate.yml" tests="3" failures="0" errors="0">' \
	"$tmp/pass.xml"; then
	ok "gate passes: JUnit, 3 test cases, no failure"
else
	not_ok "gate passes: JUnit, 3 test cases, no failure" "$(head -c 400 "$tmp/pass.xml")"
fi

# ---- 1: the workload asked for 4x the pages: a regression, its row marked ----
big=$((4 * PAGES))
run "regression" 1 "$MMR" check "${trace_args[@]}" --baseline "$tmp/gate.yml" \
	--junit "$tmp/fail.xml" --save-report "$tmp/r$big.json" -- "${file_gen[@]}" "$big"
# file_io of each run, as its report says
f_small=$(jq ".$G" "$tmp/r$PAGES.json")
f_big=$(jq ".$G" "$tmp/r$big.json")
if [ "$f_big" -ge "$big" ] 2>/dev/null && [ "$f_big" -le $((big + SLACK)) ]; then
	ok "regression: $G measured $big (+$SLACK): $f_big"
else
	not_ok "regression: $G measured $big (+$SLACK): $f_big"
fi
change=$(awk -v a="$PAGES" -v b="$f_big" 'BEGIN { printf "%+.1f%%", 100 * (b - a) / a }')
if grep -Eq "^  $Gre +$PAGES +$f_big +<= $((PAGES + PAGES / 4)) +\\$change +FAIL$" \
	"$tmp/regression.out" && grep -Eq '^  lost_events .* ok$' "$tmp/regression.out" &&
	grep -q '^mmretry check: FAIL: 2 of 3 metrics outside their limits' "$tmp/regression.out"; then
	ok "regression: the table marks $G ($PAGES -> $f_big, $change) and $M2, not lost_events"
else
	not_ok "regression: the table marks $G ($PAGES -> $f_big, $change) and $M2, not lost_events" \
		"$(cat "$tmp/regression.out")"
fi
if grep -A1 "name=\"$G\"" "$tmp/fail.xml" | grep -q '<failure type="regression"' &&
	! grep -A1 'name="lost_events"' "$tmp/fail.xml" | grep -q '<failure'; then
	ok "regression: JUnit fails the $G test case, not lost_events"
else
	not_ok "regression: JUnit fails the $G test case, not lost_events" \
		"$(head -c 800 "$tmp/fail.xml")"
fi
run "regression, from the saved report" 1 "$MMR" check --baseline "$tmp/gate.yml" --json \
	--report "$tmp/r$big.json"
check "regression, from the saved report: JSON marks the row" \
	".verdict == \"fail\" and .exit_status == 1 and
	 (.metrics[] | select(.metric == \"$G\") |
	  .verdict == \"fail\" and .measured == $f_big and .max == $((PAGES + PAGES / 4)) and
	  .change == ($f_big - $PAGES) / $PAGES) and
	 (.metrics[] | select(.metric == \"lost_events\") | .verdict == \"pass\")" \
	"$tmp/regression, from the saved report.out"

# ---- 3: completed is not observable in tracepoint mode ----
cat >"$tmp/completed.yml" <<EOF
mmretry_baseline: 1
metrics:
  faults.completed: {min: 100}
  lost_events: 0
EOF
run "unavailable in tracepoint mode" 3 "$MMR" check --mode tracepoint --no-anon-vma --json \
	--junit "$tmp/na.xml" --baseline "$tmp/completed.yml" -- "$GEN" -q memfd -n 100
check "unavailable in tracepoint mode: the row says so" \
	".verdict == \"unavailable\" and
	 (.metrics[] | select(.metric == \"faults.completed\") | .verdict == \"unavailable\" and .measured == null)" \
	"$tmp/unavailable in tracepoint mode.out"
if grep -A1 'name="faults.completed"' "$tmp/na.xml" | grep -q '<error type="unavailable"'; then
	ok "unavailable in tracepoint mode: a JUnit error, not a skip"
else
	not_ok "unavailable in tracepoint mode: a JUnit error, not a skip" "$(head -c 600 "$tmp/na.xml")"
fi
if [ "$MODE" = fentry ] || [ "$MODE" = kprobe ]; then
	# where the mode sees completions, the same baseline passes: memfd's
	# first writes end with VM_FAULT_COMPLETED
	run "completed seen in $MODE mode" 0 "$MMR" check "${trace_args[@]}" --json \
		--baseline "$tmp/completed.yml" -- "$GEN" -q memfd -n 100
	check "completed seen in $MODE mode: 100 measured" \
		"(.metrics[] | select(.metric == \"faults.completed\") | .verdict == \"pass\" and .measured == 100)" \
		"$tmp/completed seen in $MODE mode.out"
fi
cat >"$tmp/both.yml" <<EOF
mmretry_baseline: 1
metrics:
  faults.completed: {min: 1}
  $G: {max: 1}
EOF
run "a regression outranks an unavailable metric" 1 "$MMR" check --baseline "$tmp/both.yml" \
	--report "$tmp/r$PAGES.json"

# ---- 5: the command's own failure ----
run "the command fails" 5 "$MMR" check "${trace_args[@]}" --baseline "$tmp/gate.yml" -- \
	"$GEN" -q no-such-workload
grep -q "the traced command failed (exit status 2)" "$tmp/the command fails.err" &&
	ok "the command fails: says so, with its status" ||
	not_ok "the command fails: says so, with its status" "$(head -c 400 "$tmp/the command fails.err")"
run "the command cannot run" 5 "$MMR" check "${trace_args[@]}" --baseline "$tmp/gate.yml" -- \
	/nonexistent/command
run "no baseline from a failed command" 5 "$MMR" baseline "${trace_args[@]}" -o "$tmp/none.yml" -- false
[ -e "$tmp/none.yml" ] &&
	not_ok "no baseline from a failed command: nothing written" || ok "no baseline from a failed command: nothing written"

# ---- 4: tracing needs privileges; judging a report does not ----
if command -v setpriv >/dev/null; then
	nobody=(setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all)
	run "unprivileged: cannot trace" 4 "${nobody[@]}" "$MMR" check --baseline "$tmp/gate.yml" -- true
	run "unprivileged: judges a report" 0 "${nobody[@]}" "$MMR" check --baseline "$tmp/gate.yml" \
		--report "$tmp/r$PAGES.json"
	run "unprivileged: compares reports" 0 "${nobody[@]}" "$MMR" compare "$tmp/r$PAGES.json" "$tmp/r$big.json"
fi

# ---- baseline: recorded from a run and from a report ----
run "baseline from a run" 0 "$MMR" baseline "${trace_args[@]}" -o "$tmp/rec.yml" -- "${file_gen[@]}" "$PAGES"
# "  NAME: {value: V, max: M}" -> "V M"
rec=$(awk -v name="  $G:" 'index($0, name " {value: ") == 1 { gsub(/[{},]/, ""); print $3, $5 }' \
	"$tmp/rec.yml")
set -- $rec
if [ $# -eq 2 ] && [ "$1" -ge "$PAGES" ] && [ "$1" -le $((PAGES + SLACK)) ] &&
	[ "$2" -eq $(((5 * $1 + 3) / 4 + 2)) ] &&
	grep -q '^mmretry_baseline: 1$' "$tmp/rec.yml" && grep -q '^  lost_events: {value: 0, max: 0}$' "$tmp/rec.yml"; then
	ok "baseline from a run: $G recorded as $PAGES (+$SLACK), max ceil(1.25 v) + 2: $rec"
else
	not_ok "baseline from a run: $G recorded as $PAGES (+$SLACK), max ceil(1.25 v) + 2: $rec" "$(cat "$tmp/rec.yml")"
fi
run "baseline from a report" 0 "$MMR" baseline --report "$tmp/r$PAGES.json" -o "$tmp/rec2.yml"
run "a recorded baseline passes its own run" 0 "$MMR" check --baseline "$tmp/rec2.yml" --report "$tmp/r$PAGES.json"
run "a recorded baseline catches the regression" 1 "$MMR" check --baseline "$tmp/rec2.yml" --report "$tmp/r$big.json"

# ---- a baseline's cgroups: two workloads in two cgroups the test makes ----
# Each file workload moves itself into its cgroup before it faults (as
# tests/live/run.sh's cgroups group): 1024 uncached pages in a, 2048 in b,
# under one check, which traces by cgroup because the baseline names them.
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
cgp=mmrcheck-$$
if [ -z "$cgroot" ] || ! mkdir "$cgroot/$cgp-a" 2>/dev/null; then
	skip "cgroups: check by cgroup" "no cgroup2 mount this test can write to"
else
	cgdirs+=("$cgroot/$cgp-a")
	mkdir "$cgroot/$cgp-b" && cgdirs+=("$cgroot/$cgp-b")
	# in_cg X ARGS...: a shell line whose shell moves itself into cgroup X and
	# execs the generator there
	in_cg() {
		local x=$1
		shift
		printf 'sh -c %q' "$(printf 'echo $$ > %q && exec %q -q %s' \
			"$cgroot/$cgp-$x/cgroup.procs" "$GEN" "$*")"
	}
	read -r -a cgdata <<<"${MMRETRY_CHECK_CGROUP_DATA:-$tmp/cg-a.data $tmp/cg-b.data}"
	two="$(in_cg a file -n 1024 -f "${cgdata[0]}") & $(in_cg b file -n 2048 -f "${cgdata[1]}") & wait"
	# cg_gate NAME A_MAX: a baseline holding a's $G to A_MAX, b's to 2048 (+slack)
	cg_gate() {
		printf '%s\n' "mmretry_baseline: 1" "metrics:" "  lost_events: 0" "cgroups:" \
			"  /$cgp-a:" "    $G: {value: 1024, max: $2}" \
			"  /$cgp-b:" "    $G: {max: $((2048 + SLACK))}" >"$tmp/$1.yml"
	}
	cg_gate cg-pass $((1024 + SLACK))
	n="cgroups: within the limits"
	if run "$n" 0 "$MMR" check "${trace_args[@]}" --baseline "$tmp/cg-pass.yml" --json \
		--save-report "$tmp/cg.json" -- sh -c "$two"; then
		check "$n: each cgroup's $G is its workload's (1024, 2048; +$SLACK)" \
			"(.metrics | map({(.metric): .}) | add) as \$m |
			 \$m[\"/$cgp-a: $G\"].measured >= 1024 and \$m[\"/$cgp-a: $G\"].measured <= 1024 + $SLACK and
			 \$m[\"/$cgp-b: $G\"].measured >= 2048 and \$m[\"/$cgp-b: $G\"].measured <= 2048 + $SLACK and
			 \$m[\"/$cgp-a: $G\"].cgroup == \"/$cgp-a\" and (.metrics | all(.verdict == \"pass\"))" \
			"$tmp/$n.out"
	fi
	# a's limit below what a did: a regression, a's row marked, b's not
	cg_gate cg-fail 512
	n="cgroups: a's limit below what it did"
	if run "$n" 1 "$MMR" check "${trace_args[@]}" --baseline "$tmp/cg-fail.yml" \
		--junit "$tmp/cg-fail.xml" -- sh -c "$two"; then
		if grep -A1 "^  /$cgp-a:\$" "$tmp/$n.out" | grep -Eq "^    $Gre +1024 +[0-9]+ +<= 512 .* FAIL\$" &&
		   grep -A1 "^  /$cgp-b:\$" "$tmp/$n.out" | grep -Eq "^    $Gre .* ok\$" &&
		   grep -A1 "name=\"/$cgp-a: $G\"" "$tmp/cg-fail.xml" | grep -q '<failure type="regression"'; then
			ok "$n: the table marks a's row under its cgroup, b's passes; JUnit fails a's"
		else
			not_ok "$n: the table marks a's row under its cgroup, b's passes; JUnit fails a's" \
				"$(cat "$tmp/$n.out")"
		fi
	fi
	if [ -s "$tmp/cg.json" ]; then
		# a cgroup with no row (a typo) is unavailable, never 0
		printf 'mmretry_baseline: 1\ncgroups:\n  /%s-typo: {%s: {max: 100000}}\n' "$cgp" "$G" \
			>"$tmp/cg-typo.yml"
		n="cgroups: a cgroup without a row"
		if run "$n" 3 "$MMR" check --baseline "$tmp/cg-typo.yml" --report "$tmp/cg.json"; then
			if grep -Eq "^    $Gre +- +no row .* n/a \(no row\)\$" "$tmp/$n.out" &&
			   grep -q '^    no row: no such cgroup counted anything (a typo?)$' "$tmp/$n.out"; then
				ok "$n: no row, and why"
			else
				not_ok "$n: no row, and why" "$(cat "$tmp/$n.out")"
			fi
		fi
		# and a report without the breakdown cannot pass it
		run "cgroups: a report without them" 3 "$MMR" check --baseline "$tmp/cg-pass.yml" \
			--report "$tmp/r$PAGES.json"
		# baseline records each cgroup's row; check passes its own run
		n="cgroups: baseline records them"
		if run "$n" 0 "$MMR" baseline --report "$tmp/cg.json" -o "$tmp/cg-rec.yml"; then
			if grep -q "^  /$cgp-a:\$" "$tmp/cg-rec.yml" && grep -q "^  /$cgp-b:\$" "$tmp/cg-rec.yml" &&
			   ! grep -q '^  other:' "$tmp/cg-rec.yml"; then
				ok "$n: a's and b's rows"
			else
				not_ok "$n: a's and b's rows" "$(cat "$tmp/cg-rec.yml")"
			fi
			run "cgroups: a recorded baseline passes its run" 0 "$MMR" check --baseline \
				"$tmp/cg-rec.yml" --report "$tmp/cg.json"
		fi
		n="cgroups: compare names each cgroup's rows"
		run "$n" 0 "$MMR" compare --json "$tmp/r$PAGES.json" "$tmp/cg.json" &&
			check "$n: b's $G only in B" \
				"(.metrics[] | select(.metric == \"/$cgp-b: $G\") | .a == null and .b >= 2048)" \
				"$tmp/$n.out"
	fi
fi
run "cgroups: --report takes no --cgroup-depth" 2 "$MMR" check --baseline "$tmp/gate.yml" \
	--report "$tmp/r$PAGES.json" --cgroup-depth 1 &&
	one_line "cgroups: --report takes no --cgroup-depth" "check: --report reads a report: --by cgroup"

# ---- compare ----
run "compare" 0 "$MMR" compare "$tmp/r$PAGES.json" "$tmp/r$big.json"
change=$(awk -v a="$f_small" -v b="$f_big" 'BEGIN { printf "%+.1f%%", 100 * (b - a) / a }')
if grep -Eq "^  $Gre +$f_small +$f_big +\+$((f_big - f_small)) +\\$change$" "$tmp/compare.out"; then
	ok "compare: $G $f_small -> $f_big, +$((f_big - f_small)), $change"
else
	not_ok "compare: $G $f_small -> $f_big, +$((f_big - f_small)), $change" "$(cat "$tmp/compare.out")"
fi
run "compare --json" 0 "$MMR" compare --json "$tmp/r$PAGES.json" "$tmp/r$big.json"
check "compare --json: a, b, diff and change" \
	"(.metrics[] | select(.metric == \"$G\") |
	  .a == $f_small and .b == $f_big and .diff == $((f_big - f_small)) and
	  .change == ($f_big - $f_small) / $f_small) and .a == \"$tmp/r$PAGES.json\" and
	 (.metrics | all(.a != null or .b != null))" \
	"$tmp/compare --json.out"

# ---- fault latency: timed with fentry or kprobes; tracepoint mode times
# only the mmap_lock wait before a retry, and says why the rest is n/a ----
fmode=$(jq -r .modes.faults "$tmp/r$PAGES.json")
cat >"$tmp/latency.yml" <<EOF
mmretry_baseline: 1
metrics:
  faults.latency_ns.retried.p99: {max: 10s}
  faults.latency_ns.retried.count: {min: $PAGES}
  faults.retry_ns.sum: {max: 1000s}
  faults.retry_ns.file_io.sum: {min: 1}
  faults.retry_lock_wait_ns.count: {min: $((PAGES / 2))}
EOF
if [ "$fmode" = tracepoint ]; then
	n="fault latency in tracepoint mode"
	run "$n" 3 "$MMR" check --baseline "$tmp/latency.yml" --report "$tmp/r$PAGES.json" \
		--junit "$tmp/lat.xml"
	if grep -q '^  faults.latency_ns.retried.p99 .* n/a (unavailable here)$' "$tmp/$n.out" &&
	   grep -A1 '^  faults.retry_ns.sum$' "$tmp/$n.out" |
		grep -q 'fault_latency.retry_ns is null: needs fentry or kprobes (tracepoint mode)' &&
	   grep -Eq '^  faults.retry_lock_wait_ns.count .* ok$' "$tmp/$n.out"; then
		ok "$n: n/a with the reason under the table, the lock wait measured"
	else
		not_ok "$n: n/a with the reason under the table, the lock wait measured" \
			"$(cat "$tmp/$n.out")"
	fi
	if grep -A1 'name="faults.latency_ns.retried.p99"' "$tmp/lat.xml" |
		grep -q '<error type="unavailable" message=".*needs fentry or kprobes'; then
		ok "$n: a JUnit error with the reason"
	else
		not_ok "$n: a JUnit error with the reason" "$(head -c 800 "$tmp/lat.xml")"
	fi
	run "$n, JSON" 3 "$MMR" check --baseline "$tmp/latency.yml" --report "$tmp/r$PAGES.json" \
		--json
	check "$n, JSON: null, a why, the lock wait measured" \
		"(.metrics[] | select(.metric == \"faults.latency_ns.retried.p99\") |
		  .verdict == \"unavailable\" and .measured == null and
		  (.why | test(\"needs fentry or kprobes\"))) and
		 (.metrics[] | select(.metric == \"faults.retry_lock_wait_ns.count\") |
		  .verdict == \"pass\" and .measured >= $((PAGES / 2)) and .why == null)" \
		"$tmp/$n, JSON.out"
else
	n="fault latency in $fmode mode"
	run "$n" 0 "$MMR" check --baseline "$tmp/latency.yml" --report "$tmp/r$PAGES.json" --json
	check "$n: every retried fault timed" \
		"(.metrics | all(.verdict == \"pass\")) and
		 (.metrics[] | select(.metric == \"faults.latency_ns.retried.count\") | .measured >= $PAGES)" \
		"$tmp/$n.out"
fi
# and from a traced run, as from its report
want=0
[ "$fmode" = tracepoint ] && want=3
run "fault latency, traced" "$want" "$MMR" check "${trace_args[@]}" --baseline "$tmp/latency.yml" \
	--json -- "${file_gen[@]}" "$PAGES"
check "fault latency, traced: the lock wait measured, the rest timed only with fentry or kprobes" \
	"(.metrics[] | select(.metric == \"faults.retry_lock_wait_ns.count\") | .verdict == \"pass\") and
	 (.metrics[] | select(.metric == \"faults.latency_ns.retried.p99\") |
	  if \"$fmode\" == \"tracepoint\" then .verdict == \"unavailable\" else .verdict == \"pass\" end)" \
	"$tmp/fault latency, traced.out"
# what baseline records of it: the p99s this mode measured, the rest named as skipped
n="baseline of fault latency"
run "$n" 0 "$MMR" baseline --report "$tmp/r$PAGES.json" -o "$tmp/lat-rec.yml"
if grep -q '^  faults.retry_lock_wait_ns.p99: {value: [0-9]*, max: [0-9]*}$' "$tmp/lat-rec.yml" &&
   ! grep -q 'faults.retry_ns.sum' "$tmp/lat-rec.yml" &&
   { [ "$fmode" != tracepoint ] ||
     grep -q 'not recorded: .*faults.latency_ns.retried.p99' "$tmp/$n.err"; } &&
   { [ "$fmode" = tracepoint ] ||
     grep -q '^  faults.latency_ns.retried.p99: {value: ' "$tmp/lat-rec.yml"; }; then
	ok "$n: the p99s measured; in tracepoint mode the others named as skipped"
else
	not_ok "$n: the p99s measured" "$(cat "$tmp/lat-rec.yml" "$tmp/$n.err")"
fi
# compare: latency side by side, n/a where a report lacks it, in 80 columns
# (but for the first line, which names the files).
# B is A with its faults timed as fentry mode times them: 2 faults of 1.5 us
h='{count: 2, sum: 3000, p50: 1500, p99: 1500, max: 1500, buckets: [{le: 2047, count: 2}]}'
h0='{count: 0, sum: 0, p50: null, p99: null, max: null, buckets: []}'
jq "($h) as \$h | ($h0) as \$z | .modes.faults = \"fentry\" |
    .fault_latency.user = {one_attempt: \$h, retried: \$h, completed: \$z, major: \$z} |
    .fault_latency.kernel = (.fault_latency.user | map_values(\$z)) |
    .fault_latency.retry_ns = (.fault_latency.retry_lock_wait_ns | map_values(\$z)) |
    .fault_latency.retry_ns.file_io = \$h |
    .fault_latency.last_attempt_ns = .fault_latency.retry_ns |
    .fault_latency.retry_attempt_ns = .fault_latency.retry_ns |
    .fault_latency.retry_gap_ns = .fault_latency.retry_ns" "$tmp/r$PAGES.json" >"$tmp/timed.json"
jq '.fault_latency = (.fault_latency | map_values(null))' "$tmp/r$PAGES.json" >"$tmp/untimed.json"
n="compare fault latency"
run "$n" 0 "$MMR" compare "$tmp/untimed.json" "$tmp/timed.json"
if grep -Eq '^  faults.latency_ns.retried.p99 +n/a +1.5 us +- +-$' "$tmp/$n.out" &&
   grep -Eq '^  faults.retry_ns.sum +n/a +3.0 us +- +-$' "$tmp/$n.out" &&
   [ "$(awk 'NR > 1 && length > 80' "$tmp/$n.out" | wc -l)" -eq 0 ]; then
	ok "$n: p99 and retry time, n/a in A; 80 columns"
else
	not_ok "$n: p99 and retry time, n/a in A; 80 columns" "$(cat "$tmp/$n.out")"
fi
run "$n, JSON" 0 "$MMR" compare --json "$tmp/timed.json" "$tmp/timed.json"
check "$n, JSON: both sides, no change" \
	'(.metrics[] | select(.metric == "faults.latency_ns.retried.p99") |
	  .a == 1500 and .b == 1500 and .diff == 0) and
	 (.metrics[] | select(.metric == "faults.retry_ns.sum") | .a == 3000 and .change == 0)' \
	"$tmp/$n, JSON.out"

# ---- model reports: check and compare take them unchanged ----
run "model run" 0 "$MMR" model run shmem-dirty --policy retry --scale 0.01 --json -o "$tmp/m-retry.json"
run "model run, completed" 0 "$MMR" model run shmem-dirty --policy completed --scale 0.01 --json \
	-o "$tmp/m-done.json"
cat >"$tmp/model.yml" <<EOF
mmretry_baseline: 1
metrics:
  faults.faults: {value: 1024, tolerance: 0}
  faults.completed: {min: 1024}
EOF
run "check a model report" 0 "$MMR" check --baseline "$tmp/model.yml" --report "$tmp/m-done.json"
run "check a model report: retry completes nothing" 1 "$MMR" check --baseline "$tmp/model.yml" \
	--report "$tmp/m-retry.json"
run "compare two model reports" 0 "$MMR" compare --json "$tmp/m-retry.json" "$tmp/m-done.json"
check "compare two model reports: 2 attempts per page, then 1" \
	"(.metrics[] | select(.metric == \"faults.attempts\") | .a == 2048 and .b == 1024 and .change == -0.5)" \
	"$tmp/compare two model reports.out"
run "compare a model report with a live one" 0 "$MMR" compare "$tmp/m-done.json" "$tmp/r$PAGES.json"

finish
