#!/bin/bash
# tests/bench/model_speed.sh: how fast the reference fault path simulates.
#
# `mmretry model bench` runs each seed scenario BENCH_ROUNDS times in one
# process and times each run on its thread's CPU clock (one core; process
# start-up and report writing are not in it); the report is the median run
# and the handle_mm_fault calls it simulated per second of it (issue 8 asks
# for 10 million per second on one core), and the wall time of a whole
# `mmretry model run` of the full-size scenario (start-up included: "the
# full-size seed scenarios finish in seconds").
#
# Environment: BENCH_ROUNDS (default 5).
set -eu
cd "$(dirname "$0")/../.."

rounds=${BENCH_ROUNDS:-5}
target=10000000

echo "model speed: median of $rounds runs on one core (CPU time of the run itself)"
printf '  %-14s %-10s %6s %12s %12s %10s %14s\n' scenario policy scale attempts events "cpu ms" "attempts/s"
slowest=
for spec in "shmem-dirty retry 1" "shmem-dirty retry 16" "shmem-dirty completed 16" \
	"file-reverse legacy 16" "file-reverse per-vma 16" "aim7-fork per-vma 1" \
	"aim7-fork legacy 4" "spf-race spf 16" "spf-race per-vma 16" "gen-mapping per-vma 16"; do
	set -- $spec
	./mmretry model bench "$1" --policy "$2" --scale "$3" --rounds "$rounds" --json |
		jq -r '[.scenario, .policy, (.scale|tostring), (.attempts|tostring), (.events|tostring),
			(.median_cpu_ns / 1e6 | . * 10 | round / 10 | tostring), (.attempts_per_s|tostring)] | @tsv' |
		awk -F'\t' '{ printf "  %-14s %-10s %6s %12s %12s %10s %14.0f\n", $1, $2, $3, $4, $5, $6, $7; print $7 > "/dev/stderr" }' \
		2>>/tmp/mmretry-model-speed.$$
done
min=$(sort -g /tmp/mmretry-model-speed.$$ | head -1)
rm -f /tmp/mmretry-model-speed.$$
awk -v m="$min" -v t="$target" 'BEGIN { printf "  slowest: %.1f million attempts/s: %s the %d million asked\n", m / 1e6, (m >= t ? "at least" : "UNDER"), t / 1e6 }'

echo "full-size seed scenarios, wall time of one mmretry model run (start-up included):"
for sc in file-reverse shmem-dirty aim7-fork spf-race; do
	t0=$EPOCHREALTIME
	./mmretry model run "$sc" --policy per-vma --json >/dev/null
	t1=$EPOCHREALTIME
	echo "$sc $t0 $t1" | awk '{ printf "  %-14s %8.1f ms\n", $1, ($3 - $2) * 1000 }'
done
