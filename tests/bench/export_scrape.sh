#!/bin/bash
# tests/bench/export_scrape.sh: scrape latency and memory of `mmretry export`
# under a loopback load (wrk: BENCH_CONNS connections for BENCH_SECS
# seconds) while a workload makes faults and takes mmap_lock; as root.
set -u
cd "$(dirname "$0")/../.." || exit 1
CONNS=${BENCH_CONNS:-100}
SECS=${BENCH_SECS:-30}
PORT=${BENCH_EXPORT_PORT:-19863}
command -v wrk >/dev/null || { echo "bench: wrk is missing (make deps)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-bench.XXXXXX")
epid= gpid=
trap '[ -n "$gpid" ] && kill $gpid 2>/dev/null; [ -n "$epid" ] && kill $epid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT

./mmretry export --listen "127.0.0.1:$PORT" 2>"$tmp/err" &
epid=$!
for ((i = 0; i < 100; i++)); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/metrics" && break; sleep 0.1; done
rss0=$(awk '/^VmRSS/ { print $2 }' /proc/$epid/status)
# something to measure meanwhile: mmap/munmap rounds (mmap_lock writes, faults)
(while :; do tools/mmretry-gen -q mapping -n 20000 >/dev/null 2>&1; done) &
gpid=$!
wrk -t 2 -c "$CONNS" -d "${SECS}s" --latency "http://127.0.0.1:$PORT/metrics" >"$tmp/wrk" 2>&1
kill $gpid; wait $gpid 2>/dev/null; gpid=
hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$epid/status)
rss=$(awk '/^VmRSS/ { print $2 }' /proc/$epid/status)
p50=$(awk '$1 == "50%" { print $2 }' "$tmp/wrk")
p99=$(awk '$1 == "99%" { print $2 }' "$tmp/wrk")
reqs=$(awk '/requests in/ { print $1 }' "$tmp/wrk")
rate=$(awk '/^Requests\/sec/ { print $2 }' "$tmp/wrk")
errs=$(awk '/Socket errors|Non-2xx/ { print }' "$tmp/wrk")
bytes=$(curl -s "http://127.0.0.1:$PORT/metrics" | wc -c)
echo "export scrape: wrk $CONNS connections, ${SECS}s, a /metrics of $bytes bytes"
echo "  scrapes $reqs ($rate/s), latency p50 $p50, p99 $p99"
echo "  exporter memory: RSS ${rss0} kB before, ${rss} kB after, peak ${hwm} kB"
if [ -n "$errs" ]; then
	echo "  errors: $errs"
	exit 1
fi
echo "  errors: none"
