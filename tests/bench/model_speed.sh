#!/bin/bash
# tests/bench/model_speed.sh: how fast the reference fault path simulates.
#
# The seed scenarios at full size and at 16x (where the process's own
# start-up, about 10 ms, no longer counts) run BENCH_ROUNDS times each; the
# report is the median wall time of each and the handle_mm_fault calls it
# simulated per second of it (issue 8 asks for 10 million per second on one
# core). The model is single-threaded and makes no system calls in its run.
#
# Environment: BENCH_ROUNDS (default 5).
set -eu
cd "$(dirname "$0")/../.."

rounds=${BENCH_ROUNDS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "model speed: median of $rounds runs, wall time of mmretry model run (one core)"
printf '  %-14s %-10s %6s %12s %10s %16s\n' scenario policy scale attempts "wall ms" "attempts/s"
for spec in "shmem-dirty retry 1" "shmem-dirty retry 16" "shmem-dirty completed 16" \
	"file-reverse legacy 1" "file-reverse per-vma 16" "aim7-fork per-vma 1" \
	"aim7-fork legacy 4" "spf-race spf 16"; do
	set -- $spec
	for r in $(seq "$rounds"); do
		t0=$EPOCHREALTIME
		./mmretry model run "$1" --policy "$2" --scale "$3" --json -o "$tmp/m.json"
		t1=$EPOCHREALTIME
		echo "$t0 $t1" | awk '{ printf "%.6f\n", $2 - $1 }'
	done >"$tmp/times"
	wall=$(median <"$tmp/times")
	attempts=$(jq .faults.attempts "$tmp/m.json")
	awk -v s="$1" -v p="$2" -v x="$3" -v a="$attempts" -v w="$wall" \
		'BEGIN { printf "  %-14s %-10s %6s %12d %10.1f %16.0f\n", s, p, x, a, w * 1000, a / w }'

done
