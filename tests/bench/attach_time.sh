#!/bin/bash
# tests/bench/attach_time.sh: how long mmretry takes to attach, as root.
#
# Three runs, each timed wall and CPU (user + system) from start: `mmretry
# stat -q -o /dev/null -- /bin/true` (probe, attach, a command that exits at
# once, detach), the same with --no-mmap-lock (the fault tracer alone), and
# `mmretry export` until its first successful scrape (a 200 on /metrics, on
# a free port; its CPU is its threads' run time then). They run in
# BENCH_ROUNDS interleaved rounds (default 9, at least 7), each round in a
# rotating order; the report is their medians, then the median of each
# phase -v says it took ("took:" lines of `stat -v`, one untimed run a
# round): where the time goes.
#
# BENCH_BASELINE=PATH also times another mmretry binary (main's, built in a
# clone) in the same rounds, and prints the ratios (this tree / baseline).
# MMRETRY_MODE=MODE passes --mode MODE. A benchmark, not a test: only
# side-by-side medians mean anything on a shared machine.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
ROUNDS=${BENCH_ROUNDS:-9}
BASE=${BENCH_BASELINE:-}
mode_args=()
[ -n "${MMRETRY_MODE:-}" ] && mode_args=(--mode "$MMRETRY_MODE")
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
[ "$ROUNDS" -ge 7 ] 2>/dev/null || { echo "bench: BENCH_ROUNDS is at least 7" >&2; exit 1; }
[ -z "$BASE" ] || [ -x "$BASE" ] || { echo "bench: no binary '$BASE'" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl is missing (make deps)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-bench.XXXXXX")
epid=
trap '[ -n "$epid" ] && kill $epid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
failed=0

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# a TCP port nothing listens on, above the usual ones
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 30000))
		ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}

# stat BIN TAG [ARGS...]: appends "wall-ms cpu-ms" to $tmp/TAG
stat_run() {
	local bin=$1 tag=$2 t
	shift 2
	t=$( { TIMEFORMAT='%3R %3U %3S'; time "$bin" stat "${mode_args[@]}" "$@" -q -o /dev/null \
		-- /bin/true >/dev/null 2>"$tmp/err"; } 2>&1) ||
		{ echo "bench: $bin stat $* failed: $(cat "$tmp/err")" >&2; failed=1; return; }
	echo "$t" | awk '{ printf "%.1f %.1f\n", $1 * 1000, ($2 + $3) * 1000 }' >>"$tmp/$tag"
}

# export BIN TAG: from start to the first 200 on /metrics; appends "wall-ms cpu-ms"
export_run() {
	local bin=$1 tag=$2 port t0 t1 cpu i
	port=$(free_port)
	t0=$(now_ms)
	"$bin" export "${mode_args[@]}" --listen "127.0.0.1:$port" 2>"$tmp/err" &
	epid=$!
	for ((i = 0; i < 3000; i++)); do
		curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/metrics" && break
		kill -0 $epid 2>/dev/null || break
		sleep 0.005
	done
	t1=$(now_ms)
	# every thread's time on a CPU so far, in ns (schedstat's first field)
	cpu=$(cat /proc/$epid/task/*/schedstat 2>/dev/null | awk '{ n += $1 } END { print n / 1e6 }')
	kill $epid 2>/dev/null
	wait $epid 2>/dev/null
	epid=
	if ((i == 3000)) || [ -z "$cpu" ] || [ "$cpu" = 0 ]; then
		echo "bench: $bin export served no scrape: $(cat "$tmp/err")" >&2
		failed=1
		return
	fi
	echo "$((t1 - t0)) $cpu" >>"$tmp/$tag"
}

# the phases of one `stat -v` run, "phase<TAB>ms", into $tmp/phases
phases_run() {
	./mmretry stat "${mode_args[@]}" -v -q -o /dev/null -- /bin/true 2>&1 >/dev/null |
		awk '/^mmretry: \[[0-9.]*\] took: / && match($0, / +[0-9.]+ ms/) {
			label = substr($0, 1, RSTART - 1); sub(/.*took: /, "", label)
			ms = substr($0, RSTART, RLENGTH); sub(/ ms/, "", ms)
			printf "%s\t%s\n", label, ms + 0 }' >>"$tmp/phases"
}

bins=(./mmretry)
[ -n "$BASE" ] && bins+=("$BASE")
runs=()
for b in "${!bins[@]}"; do
	runs+=("stat_run ${bins[b]} stat.$b" "stat_run ${bins[b]} lone.$b --no-mmap-lock"
	       "export_run ${bins[b]} export.$b")
done
for ((r = 0; r < ROUNDS; r++)); do
	for ((k = 0; k < ${#runs[@]}; k++)); do
		# shellcheck disable=SC2086 # a run is its words
		${runs[$(((r + k) % ${#runs[@]}))]}
	done
	phases_run
	printf 'round %d/%d: stat %s ms, --no-mmap-lock %s ms, export %s ms (wall)\n' $((r + 1)) \
		"$ROUNDS" "$(tail -n1 "$tmp/stat.0" | cut -d' ' -f1)" \
		"$(tail -n1 "$tmp/lone.0" | cut -d' ' -f1)" \
		"$(tail -n1 "$tmp/export.0" | cut -d' ' -f1)" >&2
done

# col FILE N: the median of column N
col() { [ -s "$1" ] && awk -v n="$2" '{ print $n }' "$1" | median || echo nan; }

mode=$(./mmretry probe --json | jq -r '.capabilities.faults.mode')
[ -n "${MMRETRY_MODE:-}" ] && mode=$MMRETRY_MODE
echo
echo "attach time, median of $ROUNDS interleaved rounds, faults in $mode mode, kernel $(uname -r):"
labels=("stat -- /bin/true" "stat --no-mmap-lock -- true" "export, to its first scrape")
tags=(stat lone export)
if [ -z "$BASE" ]; then
	printf '  %-30s %9s %9s\n' "" "wall ms" "CPU ms"
	for i in 0 1 2; do
		printf '  %-30s %9.0f %9.0f\n' "${labels[i]}" "$(col "$tmp/${tags[i]}.0" 1)" \
			"$(col "$tmp/${tags[i]}.0" 2)"
	done
else
	echo "  baseline: $BASE"
	printf '  %-30s %17s %17s %13s\n' "" "wall ms (base)" "CPU ms (base)" "ratio wall/CPU"
	for i in 0 1 2; do
		n=$tmp/${tags[i]}.0 b=$tmp/${tags[i]}.1
		printf '  %-30s %7.0f (%7.0f) %7.0f (%7.0f)   %.2f / %.2f\n' "${labels[i]}" \
			"$(col "$n" 1)" "$(col "$b" 1)" "$(col "$n" 2)" "$(col "$b" 2)" \
			"$(echo "$(col "$n" 1) / $(col "$b" 1)" | bc -l)" \
			"$(echo "$(col "$n" 2) / $(col "$b" 2)" | bc -l)"
	done
fi
echo "where the time goes (this tree, stat -v's took: lines, medians; kallsyms in a thread):"
awk -F'\t' '!seen[$1]++ { print $1 }' "$tmp/phases" | while IFS= read -r p; do
	printf '  %-30s %9.1f ms\n' "$p" \
		"$(awk -F'\t' -v p="$p" '$1 == p { print $2 }' "$tmp/phases" | median)"
done
exit $failed
