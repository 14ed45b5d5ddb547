#!/bin/bash
# tests/bench/fault_overhead.sh: what mmretry costs on the fault path.
#
# The anonymous first-touch fault microbenchmark (mmretry-gen anon) runs in
# interleaved rounds: untraced; traced by `mmretry stat -- CMD` (tgid
# filter) in each mode the kernel allows, in fentry and kprobe modes both
# with fault timing (the default) and without it (--no-latency: counting
# alone); and traced while `mmretry stat` watches every process (default
# mode), and while `mmretry export` runs (its default, light, mode) without
# and with its cgroup breakdown (--by cgroup: a hash lookup per counted
# event). Each round runs them all in a rotating order; the report is the
# median faults/s of each and its ratio to the untraced median, then what
# timing costs: each mode's timed median against its untimed one. This is a
# benchmark, not a test: the machine is shared and noisy, so only
# side-by-side medians mean anything.
#
# Environment: BENCH_ROUNDS (default 9), BENCH_PAGES (4096), BENCH_REPS (64);
# BENCH_MODES (default: every mode `mmretry probe` offers; MMRETRY_MODE, if
# set, alone); BENCH_SYS=0 leaves the all-processes runs out (stat's and
# the exporter's); BENCH_BEFORE=
# PATH, another build's mmretry (e.g. of the commit before a change), also
# traces the benchmark in each mode, as it is, in the same rounds;
# BENCH_PROG_NS=1 also turns kernel.bpf_stats_enabled on and prints what
# mmretry's handle_mm_fault programs cost per attempt, entry and return
# (bpftool's run_time_ns / run_cnt, read while they are attached): the
# timing's own cost without the machine's noise (the stats' clock reads
# slow every traced run alike).
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh

rounds=${BENCH_ROUNDS:-9}
pages=${BENCH_PAGES:-4096}
reps=${BENCH_REPS:-64}
before=${BENCH_BEFORE:-}
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
if [ -n "$before" ] && [ ! -x "$before" ]; then
	echo "bench: BENCH_BEFORE '$before' is not executable" >&2
	exit 1
fi

tmp=$(mktemp -d)
stats_was=
cleanup() {
	if [ -n "${sys_pid:-}" ]; then kill "$sys_pid" 2>/dev/null; fi
	[ -n "$stats_was" ] && sysctl -qw kernel.bpf_stats_enabled="$stats_was"
	rm -rf "$tmp"
}
trap cleanup EXIT
prog_ns=${BENCH_PROG_NS:-0}
if [ "$prog_ns" = 1 ]; then
	command -v bpftool >/dev/null || { echo "bench: BENCH_PROG_NS needs bpftool" >&2; exit 1; }
	stats_was=$(sysctl -n kernel.bpf_stats_enabled)
	sysctl -qw kernel.bpf_stats_enabled=1
fi
gen=(./tools/mmretry-gen --json anon -n "$pages" -r "$reps")
rate() { jq -r .observed.faults_per_s; }

./mmretry probe --json >"$tmp/probe.json"
default=$(jq -r '.capabilities.faults.mode' "$tmp/probe.json")
modes=${BENCH_MODES:-${MMRETRY_MODE:-}}
if [ -z "$modes" ]; then
	for m in fentry kprobe tracepoint; do
		jq -e ".capabilities.faults.modes.$m == true" "$tmp/probe.json" >/dev/null &&
			modes+="$m "
	done
fi

# traced MMRETRY ARGS...: the benchmark under `MMRETRY stat ARGS -- ...`,
# its faults/s on stdout; with BENCH_PROG_NS, the programs' statistics are
# read before the command ends (the programs detach with it) into
# $tmp/progs.json
traced() {
	local mmr=$1
	shift
	if [ "$prog_ns" = 1 ]; then
		"$mmr" stat "$@" --json -o "$tmp/r.json" -- sh -c \
			'"$@" >"$0/out" && bpftool prog show --json >"$0/progs.json"' "$tmp" \
			"${gen[@]}"
		rate <"$tmp/out"
	else
		"$mmr" stat "$@" --json -o "$tmp/r.json" -- "${gen[@]}" | rate
	fi
}

# ns_per_attempt: the handle_mm_fault programs' mean run time, entry plus
# return, from $tmp/progs.json. The kernel cuts names to 15 characters
# (kretprobe_handle_mm_fault and kretprobe_handle_userfault are both
# kretprobe_handl): of the programs so named, the one that ran most, which
# every fault runs
ns_per_attempt() {
	jq -r 'def most($re): [.[] | select(.name | test($re)) | select(.run_cnt > 0)] |
		max_by(.run_cnt) // empty | .run_time_ns / .run_cnt;
	       [most("^(fentry_handle_m|kprobe_handle_m)"),
		most("^(fexit_handle_mm|kretprobe_handl)")] |
	       select(length == 2) | add' "$tmp/progs.json" 2>/dev/null
}

# run KIND: one benchmark run, its faults/s on stdout. KIND is plain, sys,
# or MODE-on (timed), MODE-off (--no-latency), MODE-before (BENCH_BEFORE)
run() {
	local m=${1%-*}
	rm -f "$tmp/progs.json"
	case $1 in
	plain) "${gen[@]}" | rate ;;
	sys)
		./mmretry stat --json -o "$tmp/s.json" 2>/dev/null &
		sys_pid=$!
		sleep 0.5	# attached
		"${gen[@]}" | rate
		kill -INT "$sys_pid"
		wait "$sys_pid" || true
		sys_pid= ;;
	export) under_export "$EXPORT_PORT" -- "${gen[@]}" | rate ;;
	export-cg) under_export "$EXPORT_PORT" --by cgroup -- "${gen[@]}" | rate ;;
	*-on) traced ./mmretry --mode "$m" ;;
	*-off) traced ./mmretry --mode "$m" --no-latency ;;
	*-before) traced "$before" --mode "$m" ;;
	esac
}

timed() { [ "$1" = fentry ] || [ "$1" = kprobe ]; }
kinds=(plain)
for m in $modes; do
	kinds+=("$m-on")
	timed "$m" && kinds+=("$m-off")
	[ -n "$before" ] && kinds+=("$m-before")
done
[ "${BENCH_SYS:-1}" != 0 ] && kinds+=(sys export export-cg)
EXPORT_PORT=$((20000 + RANDOM % 40000))
nk=${#kinds[@]}
for ((i = 0; i < rounds; i++)); do
	line=
	for ((k = 0; k < nk; k++)); do
		kind=${kinds[$(((i + k) % nk))]}
		run "$kind" >>"$tmp/$kind"
		[ -s "$tmp/progs.json" ] && ns_per_attempt >>"$tmp/$kind.ns"
	done
	for kind in "${kinds[@]}"; do
		line+=" $kind $(tail -n1 "$tmp/$kind")"
	done
	printf 'round %d/%d:%s faults/s\n' $((i + 1)) "$rounds" "$line" >&2
done

med=()
for kind in "${kinds[@]}"; do
	med+=("$(median <"$tmp/$kind")")
done
median_of() {
	local k
	for ((k = 0; k < nk; k++)); do
		[ "${kinds[$k]}" = "$1" ] && { echo "${med[$k]}"; return; }
	done
}
p=$(median_of plain)
echo
echo "anonymous fault rate, median of $rounds interleaved rounds ($pages pages x $reps),"
echo "mmretry stat -- COMMAND in each mode, kernel $(uname -r):"
printf '  %-28s %12.0f faults/s\n' "untraced" "$p"
for m in $modes; do
	if timed "$m"; then
		ratio_line "$m, timed" "$(median_of "$m-on")" "$p" faults/s
		ratio_line "$m, --no-latency" "$(median_of "$m-off")" "$p" faults/s
	else
		ratio_line "$m" "$(median_of "$m-on")" "$p" faults/s
	fi
	[ -n "$before" ] && ratio_line "$m, BENCH_BEFORE" "$(median_of "$m-before")" "$p" faults/s
done
if [ "${BENCH_SYS:-1}" != 0 ]; then
	ratio_line "all processes, $default" "$(median_of sys)" "$p" faults/s
	ratio_line "export (light)" "$(median_of export)" "$p" faults/s
	ratio_line "export --by cgroup" "$(median_of export-cg)" "$p" faults/s
fi
for m in $modes; do
	timed "$m" || continue
	[ "${printed:-}" ] || echo "what timing costs: timed against --no-latency"
	printed=1
	ratio_line "$m" "$(median_of "$m-on")" "$(median_of "$m-off")" faults/s
done
echo "target: overhead <= 3%"
[ "$prog_ns" = 1 ] && ls "$tmp"/*.ns >/dev/null 2>&1 || exit 0
echo
echo "mmretry's handle_mm_fault programs per attempt (entry + return), median"
echo "of their mean run time in each run (kernel.bpf_stats_enabled):"
for m in $modes; do
	for v in on off before; do
		[ -s "$tmp/$m-$v.ns" ] || continue
		case $v in
		on) label="$m, timed" ;;
		off) label="$m, --no-latency" ;;
		before) label="$m, BENCH_BEFORE" ;;
		esac
		printf '  %-28s %8.0f ns\n' "$label" "$(median <"$tmp/$m-$v.ns")"
	done
done
