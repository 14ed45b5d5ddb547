#!/bin/bash
# tests/bench/export_scrape.sh: scrape latency and memory of `mmretry export`
# under a loopback load (wrk: BENCH_CONNS connections for BENCH_SECS
# seconds) while a workload makes faults and takes mmap_lock; as root.
#
# BENCH_CONNS defaults to 8: what one address may hold (the exporter closes
# the ones beyond at once; cmd_export.c's EXPORT_PER_IP), and wrk's come
# from one. BENCH_BASELINE=PATH measures another mmretry binary (main's,
# built in a clone) the same way in the same run: BENCH_ROUNDS rounds
# (default 3) of both, taking turns, then the medians and their ratios (this
# tree's / the baseline's).
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/bench/lib.sh
. tests/bench/lib.sh
CONNS=${BENCH_CONNS:-8}
SECS=${BENCH_SECS:-30}
PORT=${BENCH_EXPORT_PORT:-19863}
BASE=${BENCH_BASELINE:-}
ROUNDS=${BENCH_ROUNDS:-3}
command -v wrk >/dev/null || { echo "bench: wrk is missing (make deps)" >&2; exit 1; }
[ -z "$BASE" ] || [ -x "$BASE" ] || { echo "bench: no binary '$BASE'" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-bench.XXXXXX")
epid= gpid=
trap '[ -n "$gpid" ] && kill $gpid 2>/dev/null; [ -n "$epid" ] && kill $epid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

# wrk's latency ("812.00us", "2.31ms", "1.02s") in ms
ms() { awk -v v="$1" 'BEGIN { u = v; sub(/^[0-9.]+/, "", u); f = (u == "us") ? 0.001 : (u == "s") ? 1000 : 1; print v * f }'; }

# the exporter's CPU time so far (user and system), in clock ticks
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# one BINARY OUT: its exporter under wrk; appends "scrapes/s p50-ms p99-ms
# rss0-kB rss-kB hwm-kB bytes errors cpu-us-per-scrape" to OUT (CPU time
# per scrape is what a busy host disturbs least)
one() {
	local bin=$1 out=$2 rss0 hwm rss p50 p99 rate errs bytes i t0 cpu
	"$bin" export --listen "127.0.0.1:$PORT" 2>"$tmp/err" &
	epid=$!
	for ((i = 0; i < 100; i++)); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" && break; sleep 0.1; done
	rss0=$(awk '/^VmRSS/ { print $2 }' /proc/$epid/status)
	# something to measure meanwhile: mmap/munmap rounds (mmap_lock writes, faults)
	(while :; do tools/mmretry-gen -q mapping -n 20000 >/dev/null 2>&1; done) &
	gpid=$!
	t0=$(ticks $epid)
	wrk -t 2 -c "$CONNS" -d "${SECS}s" --latency "http://127.0.0.1:$PORT/metrics" >"$tmp/wrk" 2>&1
	cpu=$(($(ticks $epid) - t0))
	kill $gpid; wait $gpid 2>/dev/null; gpid=
	hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$epid/status)
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/$epid/status)
	p50=$(ms "$(awk '$1 == "50%" { print $2 }' "$tmp/wrk")")
	p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$tmp/wrk")")
	rate=$(awk '/^Requests\/sec/ { print $2 }' "$tmp/wrk")
	errs=$(awk '/Socket errors|Non-2xx/ { n++ } END { print n + 0 }' "$tmp/wrk")
	cpu=$(awk -v c="$cpu" -v hz="$(getconf CLK_TCK)" '/requests in/ { print c / hz * 1e6 / $1 }' "$tmp/wrk")
	bytes=$(curl -s "http://127.0.0.1:$PORT/metrics" | wc -c)
	kill $epid; wait $epid 2>/dev/null; epid=
	[ "$errs" = 0 ] || { echo "  $bin: $(grep -E 'Socket errors|Non-2xx' "$tmp/wrk")" >&2; }
	echo "$rate $p50 $p99 $rss0 $rss $hwm $bytes $errs $cpu" >>"$out"
}

# col FILE N: the median of column N
col() { awk -v n="$2" '{ print $n }' "$1" | median; }

report() {
	local f=$1 label=$2
	echo "$label: wrk $CONNS connections, ${SECS}s, a /metrics of $(col "$f" 7) bytes"
	echo "  scrapes $(col "$f" 1)/s, latency p50 $(col "$f" 2) ms, p99 $(col "$f" 3) ms," \
		"exporter CPU $(col "$f" 9) us a scrape"
	echo "  exporter memory: RSS $(col "$f" 4) kB before, $(col "$f" 5) kB after, peak $(col "$f" 6) kB"
	echo "  each run: $(awk '{ printf "%s%s/s %s us", (NR > 1 ? ", " : ""), $1, $9 }' "$f")"
	echo "  errors: $(awk '{ n += $8 } END { print n ? n " runs with errors" : "none" }' "$f")"
}

if [ -z "$BASE" ]; then
	one ./mmretry "$tmp/new"
	report "$tmp/new" "export scrape"
	[ "$(awk '{ n += $8 } END { print n }' "$tmp/new")" = 0 ]
	exit
fi
for ((r = 0; r < ROUNDS; r++)); do
	one "$BASE" "$tmp/base"
	one ./mmretry "$tmp/new"
done
report "$tmp/base" "baseline ($BASE), medians of $ROUNDS"
report "$tmp/new" "this tree (./mmretry), medians of $ROUNDS"
echo "ratios (this tree / baseline):"
for c in "1 scrapes/s" "2 latency p50" "3 latency p99" "9 CPU a scrape" "6 peak RSS"; do
	n=${c%% *}
	printf '  %-14s %.3f\n' "${c#* }" "$(echo "$(col "$tmp/new" "$n") / $(col "$tmp/base" "$n")" | bc -l)"
done
[ "$(cat "$tmp/base" "$tmp/new" | awk '{ n += $8 } END { print n }')" = 0 ]
