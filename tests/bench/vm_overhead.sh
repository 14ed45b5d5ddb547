#!/bin/bash
# tests/bench/vm_overhead.sh: what each mode costs on the fault path and on
# mmap_lock, inside a guest: `make vmbench` boots 6.12 and 7.2 once each
# (tools/vmtest) and runs this there, where fentry and kprobes work.
#
# Loops: the anonymous first-touch fault loop (mmretry-gen anon: faults
# under the per-VMA lock) and the mmap/munmap loop (mmretry-gen mapping:
# two mmap_lock write holds a round). Configurations:
#   idle       the baseline: a fentry/fexit pair on a function the loops
#              never call (tests/bench/floor.bpf.c says why: under TCG a
#              guest without any BPF trampoline ran these loops erratically);
#   untraced   nothing attached, for the record (its spread shows why not);
#   floor      a bare fentry+fexit counter on handle_mm_fault
#              (tests/bench/floor.c): the least a per-attempt tracer costs;
#   light      mmretry stat --mode light (export's and top's default);
#   fentry, kprobe   mmretry stat --mode fentry|kprobe (stat's default:
#              every attempt, timed; mmap_lock; anon_vma);
#   tracepoint mmretry stat --mode tracepoint (tracepoints only);
#   light-cg, fentry-cg   light and fentry with --by cgroup: the cgroup
#              breakdown's rows (a hash lookup per counted event, and the
#              mmap_lock tracer's rows by cgroup) beside the same modes
#              without it.
# Method, for ratios that hold under QEMU's TCG: make vmbench runs QEMU with
# -icount (the guest's clock counts instructions, not the host's time); the
# workload pinned to CPU 1 and the tracer to CPU 0 (taskset), each under a
# parent on CPU 0 that forks it and waits (tests/bench/floor.c, with no
# programs for the untraced run), the guest idle before each run (settle);
# interleaved rounds in a rotating order, and each run's ratio to the idle
# run of its own round. The report gives each configuration's median ratio
# and the spread of its rounds (min..max), for two passes (A, B) over the
# whole set in the same boot: two runs of one configuration agree when A
# and B do.
#
# Environment: BENCH_ROUNDS (default 5 a pass), BENCH_PAGES (1024) and
# BENCH_REPS (16) for the fault loop, BENCH_MAPS (20000) for the mapping
# loop, BENCH_CONFIGS (default: all of the above).
set -u
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh

rounds=${BENCH_ROUNDS:-5}
pages=${BENCH_PAGES:-1024}
reps=${BENCH_REPS:-16}
maps=${BENCH_MAPS:-20000}
configs=(${BENCH_CONFIGS:-idle untraced floor light light-cg fentry fentry-cg kprobe tracepoint})
FLOOR=build/bench/floor
FLOOR_OBJ=build/bench/floor.bpf.o
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
for f in "$FLOOR" "$FLOOR_OBJ"; do
	[ -e "$f" ] || { echo "bench: $f is missing (make vmbench builds it)" >&2; exit 1; }
done
command -v taskset >/dev/null || { echo "bench: taskset is missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || { echo "bench: needs 2 CPUs to pin the workload apart" >&2; exit 1; }

# settle: wait (up to 5 s) until the guest is idle for 0.5 s: tearing a
# tracer down (RCU grace periods, freeing trampolines) keeps kworkers busy
# for a while after it exits, and under TCG every vCPU's instructions pass
# on one host thread and one clock
busy_total() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
settle() {
	local i a b
	for ((i = 0; i < 10; i++)); do
		a=$(busy_total)
		sleep 0.5
		b=$(busy_total)
		# shellcheck disable=SC2086 # two numbers each
		set -- $a $b
		[ $(($4 - $2)) -gt 0 ] && [ $((($3 - $1) * 100 / ($4 - $2))) -lt 3 ] && return 0
	done
	echo "bench: the guest did not go idle in 5 s" >&2
}

# run CONFIG LOOP: the loop's rate (one number) under CONFIG
run() {
	settle
	local gen key
	case $2 in
	anon) gen=(./tools/mmretry-gen --json anon -n "$pages" -r "$reps"); key=faults_per_s ;;
	mapping) gen=(./tools/mmretry-gen --json mapping -n "$maps"); key=rounds_per_s ;;
	esac
	local w=(taskset -c 1 "${gen[@]}")
	case $1 in
	# the same process tree as the others', no programs
	untraced) taskset -c 0 "$FLOOR" "$FLOOR_OBJ" none -- "${w[@]}" ;;
	floor) taskset -c 0 "$FLOOR" "$FLOOR_OBJ" floor -- "${w[@]}" 2>>"$tmp/floor.err" ;;
	idle) taskset -c 0 "$FLOOR" "$FLOOR_OBJ" idle -- "${w[@]}" 2>/dev/null ;;
	light|fentry|kprobe|tracepoint)
		taskset -c 0 ./mmretry stat -q --mode "$1" -o "$tmp/stat.json" -- "${w[@]}" \
			2>>"$tmp/stat.err" ;;
	*-cg)
		taskset -c 0 ./mmretry stat -q --mode "${1%-cg}" --by cgroup -o "$tmp/stat.json" \
			-- "${w[@]}" 2>>"$tmp/stat.err" ;;
	esac | head -n1 | jq -r ".observed.$key // empty"
}

# pass LOOP NAME: one pass of rounds over every configuration; per round a
# line "CONFIG RATE RATIO" for each
pass() {
	local loop=$1 name=$2 i k n=${#configs[@]} base r
	for ((i = 0; i < rounds; i++)); do
		declare -A got=()
		for ((k = 0; k < n; k++)); do
			c=${configs[$(((i + k) % n))]}
			r=$(run "$c" "$loop")
			[ -n "$r" ] || { echo "bench: $c on $loop gave no rate: $(tail -n2 "$tmp"/*.err 2>/dev/null)" >&2; exit 1; }
			got[$c]=$r
		done
		base=${got[idle]}
		for c in "${configs[@]}"; do
			echo "$c ${got[$c]} $(echo "${got[$c]} / $base" | bc -l)"
		done >>"$tmp/$loop.$name"
		printf '  %s pass %s round %d/%d:' "$loop" "$name" $((i + 1)) "$rounds" >&2
		for ((k = 0; k < n; k++)); do
			c=${configs[$(((i + k) % n))]}
			printf ' %s %.0f' "$c" "${got[$c]}" >&2
		done
		echo >&2
	done
}

# report LOOP UNIT
report() {
	local loop=$1 unit=$2 c
	printf '\n%s loop (%s), %d rounds a pass, ratio to the same round'"'"'s idle run:\n' "$loop" "$unit" "$rounds"
	printf '  %-11s %12s  %-21s %-21s %s\n' config "median $unit" "pass A: median (range)" "pass B: median (range)" "A-B"
	for c in "${configs[@]}"; do
		local a b ra rb
		a=$(awk -v c="$c" '$1 == c { print $3 }' "$tmp/$loop.A" | median)
		b=$(awk -v c="$c" '$1 == c { print $3 }' "$tmp/$loop.B" | median)
		ra=$(awk -v c="$c" '$1 == c { print $3 }' "$tmp/$loop.A" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f..%.3f", lo, hi }')
		rb=$(awk -v c="$c" '$1 == c { print $3 }' "$tmp/$loop.B" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f..%.3f", lo, hi }')
		local rate
		rate=$(cat "$tmp/$loop.A" "$tmp/$loop.B" | awk -v c="$c" '$1 == c { print $2 }' | median)
		printf '  %-11s %12.0f  %.3f (%s)  %.3f (%s)  %+.3f\n' "$c" "$rate" "$a" "$ra" "$b" "$rb" \
			"$(echo "$a - $b" | bc -l)"
	done
}

echo "mmretry bench in a guest: kernel $(uname -r), $ncpu CPUs, preemption $(./mmretry probe --json | jq -r .preemption)" >&2
for loop in anon mapping; do
	pass "$loop" A
	pass "$loop" B
done
{
	echo "kernel $(uname -r) ($(./mmretry probe --json | jq -r '"preemption \(.preemption)"'))"
	report anon faults/s
	report mapping rounds/s
	grep -s -m1 entries "$tmp/floor.err" | sed 's/^/  last floor run: /'
}
