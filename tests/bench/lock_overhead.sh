#!/bin/bash
# tests/bench/lock_overhead.sh: what tracing mmap_lock costs, and what
# bpftrace costs for the same figures.
#
# The mmap/munmap microbenchmark (mmretry-gen mapping: mmap 4 pages, write
# one, munmap) takes mmap_lock for write twice a round, so it is the worst
# case for the mmap_lock tracer. It runs in interleaved rounds: untraced,
# under `mmretry stat --no-mmap-lock -- CMD` (faults only), under `mmretry
# stat -- CMD` (faults and mmap_lock), and under bpftrace with the script
# below (tests/bench/lock.bt: the same three tracepoints, the same wait and
# hold histograms by mode), and under two floors (tests/bench/floor.bpf.c):
# empty programs on the same three tracepoints, what any tracer of them pays,
# and the same reading the clock once each, what any tracer timing waits and
# holds from them pays; and under `mmretry export` (light mode) without and
# with its cgroup breakdown. Each round runs them in a rotating order; the
# report is the median rounds/s of each and its ratio to the untraced
# median. A benchmark, not a test: only side-by-side medians mean anything
# on a shared machine.
#
# Environment: BENCH_ROUNDS (default 9), BENCH_MAPS (100000),
# MMRETRY_MODE (default: auto), BENCH_BASELINE=PATH another mmretry binary
# (main's, built in a clone) whose `stat --` joins the rounds, to measure a
# change before and after in one run.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh

rounds=${BENCH_ROUNDS:-9}
maps=${BENCH_MAPS:-100000}
base=${BENCH_BASELINE:-}
mode_args=()
[ -n "${MMRETRY_MODE:-}" ] && mode_args=(--mode "$MMRETRY_MODE")
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
command -v bpftrace >/dev/null || { echo "bench: bpftrace is missing (make deps)" >&2; exit 1; }
[ -z "$base" ] || [ -x "$base" ] || { echo "bench: no binary '$base'" >&2; exit 1; }
# bpftrace's tracepoint probes need tracefs
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
	{ echo "bench: tracefs is not mounted and cannot be" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gen=(./tools/mmretry-gen --json mapping -n "$maps")
rate() { jq -r .observed.rounds_per_s; }

mode=$(./mmretry probe --json | jq -r '.capabilities.faults.mode')
[ -n "${MMRETRY_MODE:-}" ] && mode=$MMRETRY_MODE

FLOOR=build/bench/floor
FLOOR_OBJ=build/bench/floor.bpf.o
[ -x "$FLOOR" ] && [ -s "$FLOOR_OBJ" ] || { echo "bench: $FLOOR is missing (make bench builds it)" >&2; exit 1; }

run_plain() { "${gen[@]}" | rate; }
run_lockfloor() { "$FLOOR" "$FLOOR_OBJ" lockfloor -- "${gen[@]}" | rate; }
run_lockclock() { "$FLOOR" "$FLOOR_OBJ" lockclock -- "${gen[@]}" | rate; }
run_faults() {
	./mmretry stat "${mode_args[@]}" --no-mmap-lock --json -o "$tmp/f.json" -- "${gen[@]}" | rate
}
lock_with() {
	"$1" stat "${mode_args[@]}" --json -o "$tmp/l.json" -- "${gen[@]}" | rate
	jq -e '.mmap_lock.write.holds >= 2 * '"$maps" "$tmp/l.json" >/dev/null ||
		{ echo "bench: mmap_lock was not traced" >&2; exit 1; }
}
run_lock() { lock_with ./mmretry; }
run_base() { lock_with "$base"; }
# bpftrace -c: the command's output on stdout, the histograms in -o's file
# the exporter (light mode), without and with its cgroup breakdown
EXPORT_PORT=$((20000 + RANDOM % 40000))
run_export() { under_export "$EXPORT_PORT" -- "${gen[@]}" | rate; }
run_exportcg() { under_export "$EXPORT_PORT" --by cgroup -- "${gen[@]}" | rate; }
run_bpftrace() {
	bpftrace -o "$tmp/bt.out" -c "${gen[*]}" tests/bench/lock.bt 2>"$tmp/bt.err" | rate
	grep -q '^@hold\[1\]' "$tmp/bt.out" ||
		{ echo "bench: bpftrace made no histograms: $(head -c 300 "$tmp/bt.err")" >&2; exit 1; }
}

kinds=(plain lockfloor lockclock faults lock export exportcg bpftrace)
[ -n "$base" ] && kinds+=(base)
nk=${#kinds[@]}
for ((i = 0; i < rounds; i++)); do
	line=
	for ((k = 0; k < nk; k++)); do
		kind=${kinds[$(((i + k) % nk))]}
		"run_$kind" >>"$tmp/$kind"
	done
	for kind in "${kinds[@]}"; do line="$line $kind $(tail -n1 "$tmp/$kind")"; done
	printf 'round %d/%d:%s rounds/s\n' $((i + 1)) "$rounds" "$line" >&2
done

p=$(median <"$tmp/plain")
f=$(median <"$tmp/faults")
l=$(median <"$tmp/lock")
b=$(median <"$tmp/bpftrace")
echo
echo "mmap/munmap rate, median of $rounds interleaved rounds ($maps x mmap+write+munmap),"
echo "mmretry stat -- COMMAND, faults in $mode mode, kernel $(uname -r):"
printf '  %-28s %12.0f rounds/s\n' "untraced" "$p"
ratio_line "floor: 3 empty programs" "$(median <"$tmp/lockfloor")" "$p" rounds/s
ratio_line "floor: 3 clock reads" "$(median <"$tmp/lockclock")" "$p" rounds/s
ratio_line "faults only (--no-mmap-lock)" "$f" "$p" rounds/s
ratio_line "faults + mmap_lock" "$l" "$p" rounds/s
ratio_line "export (light)" "$(median <"$tmp/export")" "$p" rounds/s
ratio_line "export --by cgroup" "$(median <"$tmp/exportcg")" "$p" rounds/s
ratio_line "bpftrace, waits and holds" "$b" "$p" rounds/s
[ -n "$base" ] && ratio_line "baseline: faults + mmap_lock" "$(median <"$tmp/base")" "$p" rounds/s
printf '  %-28s %12s           ratio %.3f\n' "mmap_lock vs faults only" "" "$(echo "$l / $f" | bc -l)"
