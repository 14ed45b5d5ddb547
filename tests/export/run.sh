#!/bin/bash
# tests/export/run.sh: mmretry export against a real Prometheus server on
# loopback, as root. The exporter serves this kernel's figures; promtool
# checks a scrape; Prometheus scrapes every second while a workload makes a
# known number of file_io retries, and PromQL must see them, their faults'
# durations and retry time (fentry, kprobe; absent in tracepoint mode) and
# the mmap_lock wait before each retry.
#
# A second exporter, with --cgroup-depth 1, serves the same series with a
# cgroup label: two workloads in cgroups the test makes (one in a child of
# its cgroup, counted with the parent) must show there with exactly their
# retries.
#
# Environment: MMRETRY_MODE (a mode for the exporter), MMRETRY_EXPORT_DATA
# (a file or block device for the file workload; default: a file under
# TMPDIR, which must not be tmpfs), MMRETRY_EXPORT_CGROUP_DATA (two more,
# for the cgroups' workloads), TMPDIR.
#
# Needs: root, a built ./mmretry and tools/mmretry-gen (make), prometheus,
#   promtool, curl and jq (make deps), loopback TCP ports.
# Prints: TAP (tests/lib.sh), a test point per check, ending with the line
#   "export: N passed, N failed"; exits 1 if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin export
MMR=./mmretry
GEN=./tools/mmretry-gen
PAGES=${MMRETRY_EXPORT_PAGES:-2048}
SLACK=${MMRETRY_SLACK:-8}

for t in promtool prometheus curl jq; do
	command -v "$t" >/dev/null || bail "$t is missing (make deps)"
done
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-export.XXXXXX")

# usage errors: one line, exit 2, before anything is loaded
usage() {
	local name=$1 want=$2
	shift 2
	"$MMR" export "$@" >"$tmp/u.out" 2>"$tmp/u.err"
	local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/u.err")" -eq 1 ] && grep -q "$want" "$tmp/u.err"; then
		ok "export: $name, one line (exit 2)"
	else
		not_ok "export: $name, one line (exit 2)" "exit $rc: $(head -c 200 "$tmp/u.err")"
	fi
}
usage "bad --listen" "invalid --listen" --listen localhost:x
usage "no such user" "no user 'no-such-user-here'" --user no-such-user-here
usage "stray argument" "unexpected argument 'extra'" extra
epid= ppid= spid= cpid=
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
cgp=mmrtest-export-$$
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$epid" ] && kill "$epid" 2>/dev/null
	[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
	[ -n "$ppid" ] && kill "$ppid" 2>/dev/null
	wait 2>/dev/null
	[ -n "$cgroot" ] && rmdir "$cgroot/$cgp-a/x" "$cgroot/$cgp-a" "$cgroot/$cgp-b" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# a free loopback port: nothing answers there
port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
	done
}
EPORT=$(port)
PPORT=$(port)
[ "$PPORT" != "$EPORT" ] || PPORT=$((EPORT + 1))
CPORT=$(port)
while [ "$CPORT" = "$EPORT" ] || [ "$CPORT" = "$PPORT" ]; do CPORT=$(port); done

"$MMR" export --listen "127.0.0.1:$EPORT" ${MMRETRY_MODE:+--mode "$MMRETRY_MODE"} \
	2>"$tmp/export.err" &
epid=$!
for ((i = 0; i < 100; i++)); do
	curl -sf "http://127.0.0.1:$EPORT/metrics" >"$tmp/m0.txt" && break
	sleep 0.1
done
if [ -s "$tmp/m0.txt" ]; then
	ok "export: serves /metrics"
else
	not_ok "export: serves /metrics" "$(cat "$tmp/export.err")"
	finish
	exit 1
fi
# one line on stderr says where it serves, once it does (the daemon may
# answer a moment before it is written)
for ((i = 0; i < 20; i++)); do
	grep -q '^mmretry export: serving' "$tmp/export.err" && break
	sleep 0.1
done
n=$(grep -c "^mmretry export: serving metrics on http://127.0.0.1:$EPORT/metrics (" "$tmp/export.err")
[ "$n" = 1 ] && ok "export: says once on stderr where it serves" ||
	not_ok "export: says once on stderr where it serves" "$n lines: $(head -c 300 "$tmp/export.err")"
nfd=$(find "/proc/$epid/fd" -mindepth 1 | wc -l)
ct=$(curl -s -o /dev/null -w '%{content_type}' "http://127.0.0.1:$EPORT/metrics")
[ "$ct" = "text/plain; version=0.0.4; charset=utf-8" ] && ok "export: content type 0.0.4" ||
	not_ok "export: content type 0.0.4" "$ct"
promtool check metrics <"$tmp/m0.txt" >"$tmp/promtool.out" 2>&1 &&
	ok "export: promtool check metrics finds no problem" ||
	not_ok "export: promtool check metrics finds no problem" "$(head -5 "$tmp/promtool.out")"

# bad requests get an error, and the exporter goes on serving
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "http://127.0.0.1:$EPORT/nope")" = 404 ] && ok "export: 404 for an unknown path" ||
	not_ok "export: 404 for an unknown path"
[ "$(code -X POST -d x "http://127.0.0.1:$EPORT/metrics")" = 405 ] &&
	ok "export: 405 for POST" || not_ok "export: 405 for POST"
head -c 100000 /dev/zero | tr '\0' a >"$tmp/big"
c=$(code -H "X-Big: $(cat "$tmp/big")" "http://127.0.0.1:$EPORT/metrics")
[ "$c" != 200 ] && [ "$c" != 000 ] && ok "export: an oversized request gets an error ($c)" ||
	not_ok "export: an oversized request gets an error ($c)"
# stalled clients: 5 connections that send half a request line and wait do
# not stall a scrape from their address (one polling thread serves every
# connection; 5 and the scrape are within the 8 an address may hold)
for fd in 3 4 5 6 7; do
	eval "exec $fd<>/dev/tcp/127.0.0.1/$EPORT" && printf 'GET /met' >&$fd
done
t0=${EPOCHREALTIME/./}	# microseconds (bash 5; busybox date has no %N)
c=$(code --max-time 5 "http://127.0.0.1:$EPORT/metrics")
ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
[ "$c" = 200 ] && [ "$ms" -lt 2000 ] && ok "export: 5 stalled clients do not stall a scrape (${ms} ms)" ||
	not_ok "export: 5 stalled clients do not stall a scrape" "HTTP $c after $ms ms"
for fd in 3 4 5 6 7; do eval "exec $fd>&-"; done
[ "$(code "http://127.0.0.1:$EPORT/metrics")" = 200 ] && ok "export: still serving" ||
	not_ok "export: still serving"

# slowclients PORT N SECS EVERY (a slowloris, loopback only: the address is
# not an argument): N connections to 127.0.0.1:PORT each send a request
# line, then a header line every EVERY seconds, and never end the request;
# one the server closed is opened again at the next round. Stops by itself
# after SECS seconds or on TERM. Prints "open N" once the first round is
# open, and at the end "rounds R, opened K, closed by the server C". Run it
# in the background (&): its traps and variables are its subshell's, whose
# pid $! is then (a "( )" body would be a child of that pid, out of reach).
slowclients() {
	port=$1 n=$2 secs=$3 every=$4 opened=0 closed=0 round=0 fd= i=
	end=$((SECONDS + secs))
	fds=()
	report() {
		echo "rounds $round, opened $opened, closed by the server $closed"
		exit 0
	}
	trap '' PIPE	# a write to a closed connection fails, and is counted
	trap report TERM
	open_slot() {
		local fd
		fds[$1]=
		{ exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 0
		fds[$1]=$fd
		opened=$((opened + 1))
		printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n' 1>&"$fd" 2>/dev/null
	}
	for ((i = 0; i < n; i++)); do open_slot "$i"; done
	echo "open $n"
	while [ "$SECONDS" -lt "$end" ]; do
		sleep "$every" &
		wait $!		# a TERM ends the wait at once
		round=$((round + 1))
		for ((i = 0; i < n; i++)); do
			fd=${fds[$i]}
			# readable: the server closed it (or answered, which it
			# must not before the request ends)
			if [ -n "$fd" ] && ! read -r -t 0 -u "$fd" 2>/dev/null &&
				printf 'X-Slow-%d: %d\r\n' "$i" "$round" 1>&"$fd" 2>/dev/null; then
				continue
			fi
			if [ -n "$fd" ]; then
				exec {fd}>&-
				closed=$((closed + 1))
			fi
			open_slot "$i"
		done
	done
	report
}
# complete PORT FILE [CURL-ARG...]: a whole /metrics within 1 s (curl
# checks the length; the last family is there), twice at most, so that one
# scheduling hiccup on a busy host is not a failure; prints the time taken
complete() {
	local port=$1 f=$2 t
	shift 2
	for _ in 1 2; do
		rm -f "$f"
		t=$(curl -sf --max-time 1 -o "$f" -w '%{time_total}' "$@" \
			"http://127.0.0.1:$port/metrics") &&
			grep -q '^mmretry_scrapes_total ' "$f" && { echo "${t}s"; return 0; }
	done
	return 1
}
# 300 slow clients from 127.0.0.1 (20 s at most, killed when done) do not
# starve the scrapes of another address (127.0.0.2: Linux routes 127/8 to
# lo): an address holds 8 connections at most, the exporter 64
slowclients "$EPORT" 300 20 2 >"$tmp/slow.out" 2>&1 &
spid=$!
for ((i = 0; i < 100; i++)); do
	grep -q '^open ' "$tmp/slow.out" && break
	sleep 0.1
done
times= failed=0
for ((i = 0; i < 5; i++)); do
	t=$(complete "$EPORT" "$tmp/ms.txt" --interface 127.0.0.2) || { failed=$((failed + 1)); t=-; }
	times="${times:+$times }$t"
	sleep 0.5
done
held=no
kill -0 "$spid" 2>/dev/null && grep -q '^open 300$' "$tmp/slow.out" && held=yes
kill -TERM "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
spid=
[ "$failed" = 0 ] && [ "$held" = yes ] &&
	ok "export: 300 slow clients of 127.0.0.1, 5 scrapes from 127.0.0.2 each within 1 s ($times; clients' $(tail -1 "$tmp/slow.out"))" ||
	not_ok "export: 300 slow clients of 127.0.0.1, 5 scrapes from 127.0.0.2 each within 1 s" \
		"$failed failed; times $times; clients held through them: $held; $(tail -1 "$tmp/slow.out")"
# once they are gone, 127.0.0.1 is served again (its slots free as the
# exporter sees them close)
for ((i = 0; i < 30; i++)); do
	t=$(complete "$EPORT" "$tmp/ms.txt") && break
	sleep 0.1
done
[ -n "$t" ] && ok "export: 127.0.0.1 served again once the slow clients stop ($t)" ||
	not_ok "export: 127.0.0.1 served again once the slow clients stop" "$(tail -1 "$tmp/slow.out")"

# slow readers: 4 connections of 127.0.0.1 ask for /metrics 100 times each
# (pipelined, 1.5 MB of answers each, piling up in the socket buffers) and
# read nothing meanwhile; the exporter renders each answer into a buffer and
# sends it without the lock, so scrapes of another address get theirs (a
# connection the exporter closed fails its writes, in a subshell that
# ignores SIGPIPE, and the check below that each was answered)
for fd in 3 4 5 6; do
	eval "exec $fd<>/dev/tcp/127.0.0.1/$EPORT" &&
		(trap '' PIPE; for ((i = 0; i < 100; i++)); do
			printf 'GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
		done >&$fd) 2>/dev/null
done
times= failed=0
for ((i = 0; i < 3; i++)); do
	t=$(complete "$EPORT" "$tmp/ms.txt" --interface 127.0.0.2) || { failed=$((failed + 1)); t=-; }
	times="${times:+$times }$t"
done
answered=0
for fd in 3 4 5 6; do
	read -r -t 2 -u $fd l && [ "${l%$'\r'}" = "HTTP/1.1 200 OK" ] && answered=$((answered + 1))
	eval "exec $fd>&-"
done
[ "$failed" = 0 ] && [ "$answered" = 4 ] &&
	ok "export: 4 clients that read nothing, 3 scrapes from 127.0.0.2 each within 1 s ($times)" ||
	not_ok "export: 4 clients that read nothing, 3 scrapes from 127.0.0.2 each within 1 s" \
		"$failed failed; times $times; $answered of the 4 answered"

# the second exporter, by cgroup (when this host lets the test make cgroups)
if [ -n "$cgroot" ] && mkdir -p "$cgroot/$cgp-a/x" "$cgroot/$cgp-b" 2>/dev/null; then
	"$MMR" export -q --listen "127.0.0.1:$CPORT" --cgroup-depth 1 \
		${MMRETRY_MODE:+--mode "$MMRETRY_MODE"} 2>"$tmp/cg.err" &
	cpid=$!
fi

# a real Prometheus scrapes them every second
cat >"$tmp/prometheus.yml" <<EOY
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: mmretry
    static_configs: [ { targets: ['127.0.0.1:$EPORT'] } ]
  - job_name: cgroup
    static_configs: [ { targets: ['127.0.0.1:$CPORT'] } ]
EOY
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address="127.0.0.1:$PPORT" >"$tmp/prometheus.log" 2>&1 &
ppid=$!
q() { curl -sf "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1"; }
# the first exporter's series (job mmretry; the second's are job cgroup)
series='mmretry_fault_retries_by_reason_total{job="mmretry",reason="file_io"}'
reason=file_io
for ((i = 0; i < 300; i++)); do
	v0=$(q "$series" | jq -r '.data.result[0].value[1] // empty' 2>/dev/null)
	[ -n "$v0" ] && break
	sleep 0.1
done
if [ -z "$v0" ]; then
	# tracepoint mode before 6.12 cannot name file_io: all retries then
	series='mmretry_fault_retries_total{job="mmretry"}' reason=all
	v0=$(q "$series" | jq -r '.data.result[0].value[1] // empty')
fi
# fault latency (docs/metrics.md): durations and retry time in fentry and
# kprobe modes, absent otherwise; the mmap_lock wait before each retry
# wherever the mmap_lock wait is timed (also tracepoint mode)
val() { q "$1" | jq -r '.data.result[0].value[1] // empty'; }
# delta A B LO [HI]: B - A is within [LO, HI] (HI: no bound)
delta() {
	awk -v a="$1" -v b="$2" -v lo="$3" -v hi="${4:-}" 'BEGIN {
		d = b - a; exit !(a != "" && b != "" && d >= lo && (hi == "" || d <= hi)) }'
}
fmode=$(sed -n 's/^mmretry_info{.*faults_mode="\([a-z]*\)".*/\1/p' "$tmp/m0.txt")
lmode=$(sed -n 's/^mmretry_info{.*mmap_lock_mode="\([a-z]*\)".*/\1/p' "$tmp/m0.txt")
timed=
[ "$fmode" = fentry ] || [ "$fmode" = kprobe ] && timed=1
durfam='^(# [A-Z]+ )?mmretry_fault_(duration_seconds|retry(_attempt|_gap)?_seconds_total)'
if [ -n "$timed" ]; then
	grep -Eq "$durfam" "$tmp/m0.txt" &&
		ok "export: fault durations and retry time served ($fmode)" ||
		not_ok "export: fault durations and retry time served ($fmode)"
else
	! grep -Eq "$durfam" "$tmp/m0.txt" &&
		ok "export: no fault duration or retry time series ($fmode mode cannot time them)" ||
		not_ok "export: no fault duration or retry time series ($fmode)" \
			"$(grep -E "$durfam" "$tmp/m0.txt" | head -3)"
fi
lwait=
if [ "$fmode" = tracepoint ] || { [ -n "$lmode" ] && [ "$lmode" != none ]; }; then
	lwait=1
	grep -q '^# TYPE mmretry_fault_retry_lock_wait_seconds histogram$' "$tmp/m0.txt" &&
		ok "export: the mmap_lock wait before each retry served ($fmode)" ||
		not_ok "export: the mmap_lock wait before each retry served ($fmode)"
fi

if [ -z "$v0" ]; then
	not_ok "prometheus: scrapes the exporter" "$(tail -3 "$tmp/prometheus.log")"
else
	ok "prometheus: scrapes the exporter"
	# by the workload's reason, or every reason where the mode cannot name it
	by='{job="mmretry"}'
	[ "$reason" != all ] && by="{job=\"mmretry\",reason=\"$reason\"}"
	lw0=$(val "sum(mmretry_fault_retry_lock_wait_seconds_count$by)")
	rd0=$(val 'sum(mmretry_fault_duration_seconds_count{job="mmretry",outcome="retried"})')
	rs0=$(val "sum(mmretry_fault_retry_seconds_total$by)")
	rt0=$(val 'mmretry_fault_retries_total{job="mmretry"}')
	"$GEN" -q file -n "$PAGES" -f "${MMRETRY_EXPORT_DATA:-$tmp/data}" >/dev/null 2>&1
	sleep 3
	v1=$(q "$series" | jq -r '.data.result[0].value[1] // empty')
	d=$((v1 - v0))
	[ "$d" -ge "$PAGES" ] && [ "$d" -le $((PAGES + SLACK)) ] &&
		ok "prometheus: the workload's $PAGES retries ($reason) seen ($d)" ||
		not_ok "prometheus: the workload's $PAGES retries ($reason) seen" "$v0 -> $v1"
	r=$(q "rate(${series}[10s])" | jq -r '.data.result[0].value[1] // empty')
	awk -v r="${r:-0}" 'BEGIN { exit !(r > 0) }' &&
		ok "prometheus: rate() of retries is positive ($r/s)" ||
		not_ok "prometheus: rate() of retries is positive" "$r"
	if [ -n "$timed" ]; then
		# each page's fault retried once (file_io), and took time after
		# it; other processes' retried faults (of any reason) come with
		# at least one retry each, so the retries bound them: those
		# counted since, and those of faults still in flight at the
		# start, which the retries then counted (rt0) exceed the
		# retried faults then finished (rd0) by at least (SLACK: the
		# two reads of each end are not at one instant)
		rd1=$(val 'sum(mmretry_fault_duration_seconds_count{job="mmretry",outcome="retried"})')
		rt1=$(val 'mmretry_fault_retries_total{job="mmretry"}')
		rmax=$(awk -v d="$rd0" -v b="$rt1" -v s="$SLACK" 'BEGIN { print b - d + s }')
		delta "$rd0" "$rd1" "$PAGES" "$rmax" &&
			ok "prometheus: the workload's $PAGES retried faults timed ($rd0 -> $rd1)" ||
			not_ok "prometheus: the workload's $PAGES retried faults timed" \
				"$rd0 -> $rd1; retries $rt0 -> $rt1"
		rs1=$(val "sum(mmretry_fault_retry_seconds_total$by)")
		delta "$rs0" "$rs1" 1e-9 &&
			ok "prometheus: retry time ($reason) grew (${rs0}s -> ${rs1}s)" ||
			not_ok "prometheus: retry time ($reason) grew" "$rs0 -> $rs1"
	fi
	if [ -n "$lwait" ]; then
		# each retry's re-take of mmap_lock timed: the workload's, and no
		# more than the retries counted (other processes' among them)
		lw1=$(val "sum(mmretry_fault_retry_lock_wait_seconds_count$by)")
		delta "$lw0" "$lw1" "$PAGES" $((d + SLACK)) &&
			ok "prometheus: the mmap_lock waits of the workload's $PAGES retries timed" ||
			not_ok "prometheus: the mmap_lock waits of the workload's $PAGES retries" \
				"$lw0 -> $lw1; retries ($reason) $v0 -> $v1"
	fi
	if [ -z "$timed" ] && [ -n "$lwait" ]; then
		# tracepoint mode times each retry's re-take where it counts the
		# retry: the counts sum to the retries since the start (SLACK:
		# retries between the two maps' reads)
		rt=$(val 'mmretry_fault_retries_total{job="mmretry"}')
		lw=$(val 'sum(mmretry_fault_retry_lock_wait_seconds_count{job="mmretry"})')
		delta "$rt" "$lw" -"$SLACK" "$SLACK" &&
			ok "prometheus: every retry's mmap_lock wait timed ($lw of $rt)" ||
			not_ok "prometheus: every retry's mmap_lock wait timed" "$lw waits, $rt retries"
	fi
fi

# --- by cgroup: each cgroup's retries, exactly ------------------------------
if [ -z "$cpid" ]; then
	skip "export: --cgroup-depth" "no cgroup2 mount this test can write to"
elif [ -z "$v0" ]; then
	not_ok "export: --cgroup-depth" "Prometheus scraped nothing"
else
	for ((i = 0; i < 100; i++)); do
		curl -sf "http://127.0.0.1:$CPORT/metrics" >"$tmp/mc.txt" && break
		sleep 0.1
	done
	promtool check metrics <"$tmp/mc.txt" >"$tmp/promtool-cg.out" 2>&1 &&
		ok "export: --cgroup-depth 1's scrape passes promtool check metrics" ||
		not_ok "export: --cgroup-depth 1's scrape passes promtool check metrics" \
			"$(head -5 "$tmp/promtool-cg.out"; head -c 300 "$tmp/cg.err")"
	# in_cg X PAGES DATA: a generator moved into cgroup X before it faults
	in_cg() {
		sh -c "echo \$\$ > '$cgroot/$cgp-$1/cgroup.procs' && exec '$GEN' -q file -n $2 -f '$3'" \
			>/dev/null 2>&1
	}
	read -r -a cgdata <<<"${MMRETRY_EXPORT_CGROUP_DATA:-$tmp/cga $tmp/cgb}"
	in_cg a/x 1024 "${cgdata[0]}" &
	w1=$!
	in_cg b 2048 "${cgdata[1]}" &
	w2=$!
	wait "$w1" "$w2"
	sleep 3
	pick="job=\"cgroup\""
	[ "$reason" != all ] && pick="$pick,reason=\"$reason\""
	fam=mmretry_fault_retries_by_reason_total
	[ "$reason" = all ] && fam=mmretry_fault_retries_total
	a=$(val "sum($fam{$pick,cgroup=\"/$cgp-a\"})")
	b=$(val "sum($fam{$pick,cgroup=\"/$cgp-b\"})")
	ax=$(val "count($fam{job=\"cgroup\",cgroup=\"/$cgp-a/x\"})")
	if [ "$reason" != all ] && [ "$a" = 1024 ] && [ "$b" = 2048 ] && [ -z "$ax" ] ||
	   { [ "$reason" = all ] && [ "${a:-0}" -ge 1024 ] && [ "${b:-0}" -ge 2048 ]; }; then
		ok "prometheus: each cgroup's retries ($reason) exactly: 1024 (a child's, at depth 1), 2048"
	else
		not_ok "prometheus: each cgroup's retries ($reason) exactly: 1024, 2048" \
			"a $a, b $b, a/x series: ${ax:-none}"
	fi
	f=$(val 'mmretry_cgroups_folded{job="cgroup"}')
	[ "$f" = 0 ] && ok "prometheus: no cgroup folded into other (64 rows at most)" ||
		not_ok "prometheus: no cgroup folded into other" "mmretry_cgroups_folded $f"
	# mmap_lock by cgroup: each retry re-takes it for read in the
	# retrying task's cgroup (more locks come with exec and mmap)
	if [ -n "$lmode" ] && [ "$lmode" != none ]; then
		la=$(val "mmretry_mmap_lock_acquisitions_total{job=\"cgroup\",cgroup=\"/$cgp-a\",mode=\"read\"}")
		lb=$(val "mmretry_mmap_lock_wait_seconds_count{job=\"cgroup\",cgroup=\"/$cgp-b\",mode=\"read\"}")
		[ "${la:-0}" -ge 1024 ] && [ "${lb:-0}" -ge 2048 ] &&
			ok "prometheus: each cgroup's mmap_lock read acquisitions and waits, one a retry at least (a $la, b $lb)" ||
			not_ok "prometheus: each cgroup's mmap_lock read acquisitions and waits" \
				"a ${la:-none} (>= 1024), b ${lb:-none} (>= 2048)"
	fi
	# fault durations by cgroup where faults are timed, absent elsewhere
	if [ -n "$timed" ]; then
		fa=$(val "mmretry_cgroup_fault_seconds_count{job=\"cgroup\",cgroup=\"/$cgp-a\"}")
		fb=$(val "mmretry_cgroup_fault_seconds_count{job=\"cgroup\",cgroup=\"/$cgp-b\"}")
		[ "${fa:-0}" -ge 1024 ] && [ "${fb:-0}" -ge 2048 ] &&
			ok "prometheus: each cgroup's faults timed, each uncached page's among them (a $fa, b $fb)" ||
			not_ok "prometheus: each cgroup's faults timed" "a ${fa:-none}, b ${fb:-none}"
	else
		! grep -q 'mmretry_cgroup_fault_seconds' "$tmp/mc.txt" &&
			ok "export: no fault durations by cgroup ($fmode mode cannot time them)" ||
			not_ok "export: no fault durations by cgroup ($fmode)" \
				"$(grep -m3 mmretry_cgroup_fault_seconds "$tmp/mc.txt")"
	fi
fi
[ -n "$cpid" ] && kill -TERM "$cpid" && wait "$cpid" 2>/dev/null
cpid=

kill -TERM "$epid"
if wait "$epid"; then ok "export: exits 0 on SIGTERM"; else not_ok "export: exits 0 on SIGTERM"; fi
epid=

# --user: the programs attached as root, the maps read as nobody (65534,
# numeric: a guest has no passwd database). Its soft open-file limit is the
# descriptors the first exporter held, and 16: enough to load, short of a
# descriptor per connection, which it must raise the limit to
UPORT=$(port)
soft=$((nfd + 16))
(ulimit -Sn "$soft" && exec "$MMR" export --listen "127.0.0.1:$UPORT" --user 65534:65534 \
	${MMRETRY_MODE:+--mode "$MMRETRY_MODE"}) 2>"$tmp/user.err" &
epid=$!
for ((i = 0; i < 100; i++)); do
	curl -sf "http://127.0.0.1:$UPORT/metrics" >"$tmp/mu.txt" && break
	sleep 0.1
done
owner=$(awk '/^Uid:/ { print $2 }' "/proc/$epid/status" 2>/dev/null)
if [ "$owner" = 65534 ] && grep -q '^mmretry_fault_retries_total ' "$tmp/mu.txt"; then
	ok "export: --user 65534 serves the counters after dropping root"
else
	not_ok "export: --user 65534 serves the counters after dropping root" \
		"user '$owner'; $(head -c 300 "$tmp/user.err")"
fi
hard=$(awk '/^Max open files/ { print $5 }' "/proc/$epid/limits" 2>/dev/null)
now=$(awk '/^Max open files/ { print $4 }' "/proc/$epid/limits" 2>/dev/null)
if [ "$hard" != unlimited ] && [ "${hard:-0}" -lt $((nfd + 80)) ]; then
	skip "export: raises a short soft open-file limit" "hard limit $hard"
elif [ "${now:-0}" -ge $((nfd + 64)) ] 2>/dev/null; then
	ok "export: raises a short soft open-file limit ($soft -> $now, $nfd descriptors loaded)"
else
	not_ok "export: raises a short soft open-file limit" "$soft -> '$now'; $(head -c 300 "$tmp/user.err")"
fi
kill -TERM "$epid"
wait "$epid" 2>/dev/null
epid=
finish
