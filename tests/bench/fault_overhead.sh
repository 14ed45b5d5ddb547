#!/bin/bash
# tests/bench/fault_overhead.sh: what mmretry costs on the fault path.
#
# The anonymous first-touch fault microbenchmark (mmretry-gen anon) runs in
# interleaved rounds: untraced, traced by `mmretry stat -- CMD` (tgid filter),
# and traced while `mmretry stat` watches every process. Each round runs the
# three in a rotating order; the report is the median faults/s of each and
# its ratio to the untraced median. This is a benchmark, not a test: the
# machine is shared and noisy, so only side-by-side medians mean anything.
#
# Environment: BENCH_ROUNDS (default 9), BENCH_PAGES (4096), BENCH_REPS (64),
# MMRETRY_MODE (default: auto).
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh

rounds=${BENCH_ROUNDS:-9}
pages=${BENCH_PAGES:-4096}
reps=${BENCH_REPS:-64}
mode_args=()
[ -n "${MMRETRY_MODE:-}" ] && mode_args=(--mode "$MMRETRY_MODE")
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'if [ -n "${sys_pid:-}" ]; then kill "$sys_pid" 2>/dev/null; fi; rm -rf "$tmp"' EXIT
gen=(./tools/mmretry-gen --json anon -n "$pages" -r "$reps")
rate() { jq -r .observed.faults_per_s; }

mode=$(./mmretry probe --json | jq -r '.capabilities.faults.mode')
[ -n "${MMRETRY_MODE:-}" ] && mode=$MMRETRY_MODE

run_plain() { "${gen[@]}" | rate; }
run_cmd() {
	./mmretry stat "${mode_args[@]}" --json -o "$tmp/r.json" -- "${gen[@]}" | rate
}
run_sys() {
	./mmretry stat "${mode_args[@]}" --json -o "$tmp/s.json" 2>/dev/null &
	sys_pid=$!
	sleep 0.5	# attached
	"${gen[@]}" | rate
	kill -INT "$sys_pid"
	wait "$sys_pid" || true
	sys_pid=
}


kinds=(plain cmd sys)
for ((i = 0; i < rounds; i++)); do
	for ((k = 0; k < 3; k++)); do
		kind=${kinds[$(((i + k) % 3))]}
		"run_$kind" >>"$tmp/$kind"
	done
	printf 'round %d/%d: untraced %s, stat -- cmd %s, stat (all) %s faults/s\n' \
		$((i + 1)) "$rounds" "$(tail -n1 "$tmp/plain")" "$(tail -n1 "$tmp/cmd")" \
		"$(tail -n1 "$tmp/sys")" >&2
done

p=$(median <"$tmp/plain")
c=$(median <"$tmp/cmd")
s=$(median <"$tmp/sys")
echo
echo "anonymous fault rate, median of $rounds interleaved rounds ($pages pages x $reps),"
echo "mmretry stat in $mode mode, kernel $(uname -r):"
printf '  %-28s %12.0f faults/s\n' "untraced" "$p"
ratio_line "stat -- COMMAND" "$c" "$p" faults/s
ratio_line "stat (all processes)" "$s" "$p" faults/s
echo "target: overhead <= 3%"
