#!/bin/bash
# tests/bench/lock_overhead.sh: what tracing mmap_lock costs.
#
# The mmap/munmap microbenchmark (mmretry-gen mapping: mmap 4 pages, write
# one, munmap) takes mmap_lock for write twice a round, so it is the worst
# case for the mmap_lock tracer. It runs in interleaved rounds: untraced,
# under `mmretry stat --no-mmap-lock -- CMD` (faults only) and under
# `mmretry stat -- CMD` (faults and mmap_lock). Each round runs the three in
# a rotating order; the report is the median rounds/s of each and its ratio
# to the untraced median. A benchmark, not a test: only side-by-side
# medians mean anything on a shared machine.
#
# Environment: BENCH_ROUNDS (default 9), BENCH_MAPS (100000),
# MMRETRY_MODE (default: auto).
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh

rounds=${BENCH_ROUNDS:-9}
maps=${BENCH_MAPS:-100000}
mode_args=()
[ -n "${MMRETRY_MODE:-}" ] && mode_args=(--mode "$MMRETRY_MODE")
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen=(./tools/mmretry-gen --json mapping -n "$maps")
rate() { jq -r .observed.rounds_per_s; }

mode=$(./mmretry probe --json | jq -r '.capabilities.faults.mode')
[ -n "${MMRETRY_MODE:-}" ] && mode=$MMRETRY_MODE

run_plain() { "${gen[@]}" | rate; }
run_faults() {
	./mmretry stat "${mode_args[@]}" --no-mmap-lock --json -o "$tmp/f.json" -- "${gen[@]}" | rate
}
run_lock() {
	./mmretry stat "${mode_args[@]}" --json -o "$tmp/l.json" -- "${gen[@]}" | rate
	jq -e '.mmap_lock.write.holds >= 2 * '"$maps" "$tmp/l.json" >/dev/null ||
		{ echo "bench: mmap_lock was not traced" >&2; exit 1; }
}


kinds=(plain faults lock)
for ((i = 0; i < rounds; i++)); do
	for ((k = 0; k < 3; k++)); do
		kind=${kinds[$(((i + k) % 3))]}
		"run_$kind" >>"$tmp/$kind"
	done
	printf 'round %d/%d: untraced %s, faults only %s, faults + mmap_lock %s rounds/s\n' \
		$((i + 1)) "$rounds" "$(tail -n1 "$tmp/plain")" "$(tail -n1 "$tmp/faults")" \
		"$(tail -n1 "$tmp/lock")" >&2
done

p=$(median <"$tmp/plain")
f=$(median <"$tmp/faults")
l=$(median <"$tmp/lock")
echo
echo "mmap/munmap rate, median of $rounds interleaved rounds ($maps x mmap+write+munmap),"
echo "mmretry stat -- COMMAND, faults in $mode mode, kernel $(uname -r):"
printf '  %-28s %12.0f rounds/s\n' "untraced" "$p"
ratio_line "faults only (--no-mmap-lock)" "$f" "$p" rounds/s
ratio_line "faults + mmap_lock" "$l" "$p" rounds/s
printf '  %-28s %12s           ratio %.3f\n' "mmap_lock vs faults only" "" "$(echo "$l / $f" | bc -l)"
