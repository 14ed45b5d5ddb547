#!/bin/bash
# tests/top/run.sh: `mmretry top` against the running kernel, as root.
#
# 1. usage errors and missing privileges: one line, exit 2 / exit 4 (as stat);
# 2. not a terminal: `top -i 1 -n N > file` while tools/mmretry-gen workloads
#    run (file, uffd, memfd, vdso, pagelock): N tables with timestamps and no
#    escape codes, each generator's row with the leading reason this mode can
#    see (below), completions counted (fentry, kprobe) or n/a (tracepoint),
#    fault p99 and time in faults (FLTp99, FLT%) figures in fentry and
#    kprobe modes, n/a in tracepoint mode (never 0), the per-VMA-lock share,
#    the vdso workload's children as processes of their own, exited
#    processes' rows gone; with MMRETRY_TOP_SLOW_DATA, file faults on a
#    device whose reads take 1 ms or more: a fault p99 of at least 1 ms and
#    time in faults;
# 3. stat --proc-latency, the same per-process histograms over a whole run:
#    the file workload's faults and time in faults, the processes' sum equal
#    to the run's fault latency, p99 >= 1 ms with MMRETRY_TOP_SLOW_DATA; null
#    in tracepoint mode;
# 4. a person at a terminal: top in a tmux pane, captured with capture-pane:
#    header and the generator's row, lines cut to the pane's width, q quits
#    with status 0.
#
# Leading reasons (README "Modes"; bpf/faults.bpf.c; tools/gen/):
#   fentry, kprobe: file -> file_io, uffd -> userfaultfd, pagelock ->
#     page_lock, vdso children -> vma_fallback with per-VMA locks (6.4+),
#     no retries without them (6.1);
#   tracepoint: file and pagelock -> file_io and page_lock where the kernel
#     has per-VMA locks and the filemap tracepoints, else unattributed;
#     uffd and vdso -> unattributed.
#
# Environment: MMRETRY_MODE forces a mode; TMPDIR (default /var/tmp);
#   MMRETRY_TOP_DATA       file or block device for the file workload
#                          (default a file in the temporary directory);
#   MMRETRY_TOP_PAGELOCK_DATA  the same for pagelock, whose reads must not
#                          complete synchronously (not brd; default a file);
#   MMRETRY_TOP_SLOW_DATA  a block device whose reads take 1 ms or more
#                          (null_blk with completion_nsec >= 1000000, the
#                          VM's /dev/nullb0): file faults on it show a
#                          fault p99 of at least 1 ms (default: not run);
#   MMRETRY_TOP_SLOW_PAGES pages read from it (default 256);
#   MMRETRY_TOP_PAGES      pages the file workload reads (default 4096);
#   MMRETRY_TOP_INTERVALS  tables of the piped run (default 8).
#
# Needs: root, a built ./mmretry and tools/mmretry-gen (make), jq, tmux (with
#   the tmux-256color terminfo entry and the C.UTF-8 locale); setpriv
#   (util-linux) for the privilege checks.
# Prints: TAP (tests/lib.sh), a test point per check, ending with the line
#   "top: N passed, N failed"; exits 1 if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin top

MMR=./mmretry
GEN=./tools/mmretry-gen
MODE=${MMRETRY_MODE:-}

[ "$(id -u)" -eq 0 ] || bail "needs root"
for f in "$MMR" "$GEN"; do
	[ -x "$f" ] || bail "$f is not built (run make)"
done

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-top.XXXXXX")
session=mmretry-top-$$
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null
	tmux kill-session -t "$session-c" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

mode_args=()
[ -n "$MODE" ] && mode_args=(--mode "$MODE")

# --- usage and privileges ----------------------------------------------------------
# expect_rc NAME STATUS CMD...: exits STATUS with exactly one line on stderr
expect_rc() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$tmp/rc.out" 2>"$tmp/rc.err"
	rc=$?
	if [ "$rc" -eq "$want" ] && [ "$(wc -l <"$tmp/rc.err")" -eq 1 ]; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (want $want), stderr: $(head -c 300 "$tmp/rc.err")"
	fi
}
expect_rc "usage: unknown option, one line" 2 "$MMR" top --bogus
expect_rc "usage: unknown sort key, one line" 2 "$MMR" top --sort size
expect_rc "usage: bad interval, one line" 2 "$MMR" top -i 0
expect_rc "usage: bad iterations, one line" 2 "$MMR" top -n 0
expect_rc "usage: stray argument, one line" 2 "$MMR" top now
expect_rc "usage: no such pid, one line" 2 "$MMR" top -p 4000000 -n 1
expect_rc "usage: no such cgroup, one line" 2 "$MMR" top -c mmretry-no-such-cgroup -n 1
"$MMR" top --sort size 2>&1 | grep -q "unknown sort key 'size'" &&
	ok "usage: names the refused sort key" || not_ok "usage: names the refused sort key"
if "$MMR" top --sort size 2>&1 | grep -q "latency, flt%"; then
	ok "usage: the sort keys include latency and flt%"
else
	not_ok "usage: the sort keys include latency and flt%" "$("$MMR" top --sort size 2>&1)"
fi
if "$MMR" top --help | grep -q -- '--sort=KEY'; then
	ok "help: top --help lists --sort"
else
	not_ok "help: top --help lists --sort"
fi
if command -v setpriv >/dev/null; then
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	expect_rc "privileges: not root, exit 4 as stat" 4 "${nobody[@]}" "$MMR" top -n 1
	"${nobody[@]}" "$MMR" stat -d 1 2>"$tmp/stat.err" >/dev/null
	if [ "$(sed 's/^mmretry: top /mmretry: X /' "$tmp/rc.err")" = \
	     "$(sed 's/^mmretry: stat /mmretry: X /' "$tmp/stat.err")" ] &&
	   grep -q 'needs root' "$tmp/rc.err"; then
		ok "privileges: the same message as stat"
	else
		not_ok "privileges: the same message as stat" "top: $(cat "$tmp/rc.err"); stat: $(cat "$tmp/stat.err")"
	fi
fi

# --- not a terminal: one table per interval -----------------------------------------
# wait_for FILE PATTERN SECONDS: until PATTERN is in FILE
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

DATA=${MMRETRY_TOP_DATA:-$tmp/data}
PLDATA=${MMRETRY_TOP_PAGELOCK_DATA:-$tmp/pagelock}
PAGES=${MMRETRY_TOP_PAGES:-4096}
SLOWDATA=${MMRETRY_TOP_SLOW_DATA:-}
SLOWPAGES=${MMRETRY_TOP_SLOW_PAGES:-256}
N=${MMRETRY_TOP_INTERVALS:-8}
"$MMR" probe --json >"$tmp/probe.json" 2>/dev/null
per_vma=$(jq -r '.per_vma_locks' "$tmp/probe.json" 2>/dev/null)

"$MMR" top "${mode_args[@]}" -i 1 -n "$N" >"$tmp/top.txt" 2>"$tmp/top.err" &
top_pid=$!
# attaching takes a while: the first table says it is tracing
if ! wait_for "$tmp/top.txt" '^mmretry top - ' 60; then
	not_ok "pipe: top printed a first table" "$(head -c 400 "$tmp/top.err")"
fi
# the slow workload mostly waits for its reads: beside the others, so that
# the last one still ends before top's last table
slow_pid=
if [ -n "$SLOWDATA" ]; then
	"$GEN" --json file -n "$SLOWPAGES" -f "$SLOWDATA" >"$tmp/slow.gen" 2>&1 &
	slow_pid=$!
fi
"$GEN" --json file -n "$PAGES" -f "$DATA" >"$tmp/file.gen" 2>&1
"$GEN" --json uffd -n 200 >"$tmp/uffd.gen" 2>&1
"$GEN" --json memfd -n 1000 >"$tmp/memfd.gen" 2>&1
"$GEN" --json vdso -n 16 >"$tmp/vdso.gen" 2>&1
"$GEN" --json pagelock -n 64 -f "$PLDATA" >"$tmp/pagelock.gen" 2>&1
[ -n "$slow_pid" ] && wait "$slow_pid"
wait "$top_pid"
rc=$?
[ "$rc" -eq 0 ] && ok "pipe: top -n $N exits 0" || not_ok "pipe: top -n $N exits 0" "exit $rc: $(head -c 400 "$tmp/top.err")"
tables=$(grep -c '^mmretry top - [0-9][0-9]:[0-9][0-9]:[0-9][0-9], interval ' "$tmp/top.txt")
[ "$tables" -eq "$N" ] && ok "pipe: $N tables, each with a timestamp line" ||
	not_ok "pipe: $N tables, each with a timestamp line" "$tables tables"
if grep -q $'\033' "$tmp/top.txt"; then
	not_ok "pipe: no escape codes"
else
	ok "pipe: no escape codes"
fi
mode=$(sed -n 's/^modes: faults \([a-z]*\).*/\1/p' "$tmp/top.txt" | head -n1)
if [ -n "$mode" ] && { [ -z "$MODE" ] || [ "$mode" = "$MODE" ]; }; then
	ok "pipe: header names the faults mode ($mode)"
else
	not_ok "pipe: header names the faults mode${MODE:+ ($MODE)}" "$(head -n 5 "$tmp/top.txt")"
fi
grep -q '^total: faults/s [0-9n]' "$tmp/top.txt" && ok "pipe: header has totals" ||
	not_ok "pipe: header has totals" "$(head -n 5 "$tmp/top.txt")"
grep -Eq 'lost [0-9]+, missed runs [0-9]+' "$tmp/top.txt" && ok "pipe: header has lost events and missed runs" ||
	not_ok "pipe: header has lost events and missed runs"

# rows PID: the table rows of process PID (columns: 1 PID, 2 COMM, 3 FAULT/s,
# 4 FLTp99, 5 FLT%, 6 RETRY/s, 7 RETRY%, 8 REASON, 9 DONE/s, 10 VMA%,
# 11 HOLDp99, 12 HOLDmax, 13 WAITp99, 14 WAITmax, 15 CHAIN)
rows() { awk -v p="$1" '$1 == p' "$tmp/top.txt"; }
# busiest PID: its row with the most retries/s
busiest() { rows "$1" | sort -k6,6 -g | tail -n1; }
# an awk function: top's duration cell (512ns, 65.5us, 2.1ms, 1.20s) in ns,
# -1 for anything else (n/a, -)
AWK_NS='function ns(v) {
	if (v ~ /^[0-9.]+ns$/) return v + 0; if (v ~ /^[0-9.]+us$/) return v * 1e3;
	if (v ~ /^[0-9.]+ms$/) return v * 1e6; if (v ~ /^[0-9.]+s$/) return v * 1e9; return -1 }'
# lat_na PID: every row of PID has FLTp99 and FLT% n/a (and it has rows)
lat_na() {
	rows "$1" | awk '$4 != "n/a" || $5 != "n/a" { bad = 1 } END { exit bad || NR == 0 }'
}
# lat_timed PID NS PCT: a row of PID with a FLTp99 of NS or more and a FLT%
# above PCT
lat_timed() {
	rows "$1" | awk -v m="$2" -v p="$3" "$AWK_NS"'
		ns($4) >= m && $5 ~ /^[0-9.]+$/ && $5 + 0 > p { f = 1 } END { exit !f }'
}
# genpid NAME: the pid in the workload's report (its warnings, on stderr, are
# in the same file)
genpid() { grep -m1 '^{' "$tmp/$1.gen" | jq -r .pid 2>/dev/null; }

# what this mode can name (header comment): tracepoint mode infers file_io and
# page_lock only from an attempt under the per-VMA lock that ran filemap_fault
file_reason=file_io
pagelock_reason=page_lock
uffd_reason=userfaultfd
vdso_reason=vma_fallback
if [ "$mode" = tracepoint ]; then
	uffd_reason=unattributed
	vdso_reason=unattributed
	if [ "$per_vma" != true ] ||
	   ! jq -e '.tracepoints.mm_filemap_fault and .tracepoints.mm_filemap_add_to_page_cache' \
		"$tmp/probe.json" >/dev/null 2>&1; then
		file_reason=unattributed
		pagelock_reason=unattributed
	fi
fi

check_gen() {	# NAME REASON MIN-RETRIES/s
	local name=$1 reason=$2 min=$3 pid row
	pid=$(genpid "$name")
	if [ -z "$pid" ] || [ "$pid" = null ]; then
		not_ok "$name: the workload ran" "$(head -c 300 "$tmp/$name.gen")"
		return
	fi
	row=$(busiest "$pid")
	if [ -z "$row" ]; then
		not_ok "$name: its process ($pid) has a row" "$(head -c 3000 "$tmp/top.txt")"
		return
	fi
	ok "$name: its process ($pid) has a row"
	if [ -n "$reason" ]; then
		awk -v r="$reason" -v m="$min" '$2 == "mmretry-gen" && $8 == r && $6 >= m { f = 1 } END { exit !f }' \
			<<<"$row" && ok "$name: leading reason $reason, at least $min retries/s" ||
			not_ok "$name: leading reason $reason, at least $min retries/s" "row: $row"
	fi
	# a figure this mode cannot see is n/a, never 0
	if [ "$mode" = tracepoint ]; then
		awk '$9 == "n/a" && $15 == "n/a" { f = 1 } END { exit !f }' <<<"$row" &&
			ok "$name: completions and chains n/a in tracepoint mode" ||
			not_ok "$name: completions and chains n/a in tracepoint mode" "row: $row"
		# no fault is timed: every row of it says so
		lat_na "$pid" && ok "$name: fault p99 and time in faults n/a in tracepoint mode" ||
			not_ok "$name: fault p99 and time in faults n/a in tracepoint mode" \
				"$(rows "$pid")"
	else
		awk '$9 ~ /^[0-9.]+$/ && $15 != "n/a" { f = 1 } END { exit !f }' <<<"$row" &&
			ok "$name: completions and chains counted in $mode mode" ||
			not_ok "$name: completions and chains counted in $mode mode" "row: $row"
		# its faults ended in its intervals: a duration and a share
		lat_timed "$pid" 1 -1 &&
			ok "$name: fault p99 and time in faults timed in $mode mode" ||
			not_ok "$name: fault p99 and time in faults timed in $mode mode" \
				"$(rows "$pid")"
	fi
	# its rows stop once it has exited: the last table does not show it
	awk -v p="$pid" '/^mmretry top - / { last = "" } $1 == p { last = $0 } END { exit last != "" }' \
		"$tmp/top.txt" && ok "$name: its row is gone after it exited" ||
		not_ok "$name: its row is gone after it exited" "$(tail -n 12 "$tmp/top.txt")"
}
# PAGES retries within 1-2 intervals: more than PAGES/4 per second either way
check_gen file "$file_reason" $((PAGES / 4))
check_gen uffd "$uffd_reason" 50
# a retry per round where the reads complete asynchronously (null_blk, a disk)
check_gen pagelock "$pagelock_reason" 1
check_gen memfd "" 0

# slow faults: every uncached page a read of 1 ms or more, one per fault
# (MADV_RANDOM), so the p99 of an interval's faults is at least 1 ms
if [ -z "$SLOWDATA" ]; then
	skip "slow: fault p99 of at least 1 ms" \
		"MMRETRY_TOP_SLOW_DATA unset (a device whose reads take 1 ms)"
elif [ -z "$(genpid slow)" ] || [ "$(genpid slow)" = null ]; then
	not_ok "slow: the workload ran on $SLOWDATA" "$(head -c 300 "$tmp/slow.gen")"
else
	pid=$(genpid slow)
	if [ "$mode" = tracepoint ]; then
		lat_na "$pid" && ok "slow: fault p99 and time in faults n/a in tracepoint mode" ||
			not_ok "slow: fault p99 and time in faults n/a in tracepoint mode" \
				"$(rows "$pid")"
	else
		t="slow: file faults on $SLOWDATA, fault p99 >= 1 ms and time in faults > 0"
		lat_timed "$pid" 1000000 0 && ok "$t" ||
			not_ok "$t" "$(rows "$pid"; head -c 300 "$tmp/slow.gen")"
	fi
fi

# file: the first attempt under the per-VMA lock, the retry under mmap_lock:
# about half; none without per-VMA locks
row=$(busiest "$(genpid file)")
if [ "$per_vma" = true ]; then
	awk '$10 >= 40 && $10 <= 60 { f = 1 } END { exit !f }' <<<"$row" &&
		ok "file: VMA% about half (per-VMA lock, then mmap_lock)" ||
		not_ok "file: VMA% about half (per-VMA lock, then mmap_lock)" "row: $row"
elif [ "$per_vma" = false ]; then
	awk '$10 == 0 { f = 1 } END { exit !f }' <<<"$row" &&
		ok "file: VMA% 0 without per-VMA locks" ||
		not_ok "file: VMA% 0 without per-VMA locks" "row: $row"
fi

# memfd: 1000 first writes to a shared memfd, each VM_FAULT_COMPLETED
pid=$(genpid memfd)
if [ "$mode" = tracepoint ]; then
	rows "$pid" | awk '$9 != "n/a" { bad = 1 } END { exit bad || NR == 0 }' &&
		ok "memfd: completions n/a in tracepoint mode" ||
		not_ok "memfd: completions n/a in tracepoint mode" "$(rows "$pid")"
else
	# DONE/s summed over the ~1 s intervals: about 1000
	rows "$pid" | awk '{ s += $9 } END { exit !(s >= 900 && s <= 1100) }' &&
		ok "memfd: about 1000 completions" ||
		not_ok "memfd: about 1000 completions" "$(rows "$pid")"
fi

# vdso: 16 forked children each read the vDSO once; the children are the
# mmretry-gen rows after the vdso parent and before pagelock's process
vpid=$(genpid vdso)
plpid=$(genpid pagelock)
awk -v a="$vpid" -v b="$plpid" '$2 == "mmretry-gen" && $1 > a && $1 < b' "$tmp/top.txt" >"$tmp/vdso.rows"
children=$(awk '{ print $1 }' "$tmp/vdso.rows" | sort -u | wc -l)
[ "$children" -ge 16 ] && ok "vdso: its 16 children have rows of their own" ||
	not_ok "vdso: its 16 children have rows of their own" "$children children; $(rows "$vpid")"
if [ "$per_vma" = true ]; then
	n=$(awk -v r="$vdso_reason" '$8 == r && $6 > 0 { print $1 }' "$tmp/vdso.rows" | sort -u | wc -l)
	[ "$n" -ge 16 ] && ok "vdso: each child leads with $vdso_reason (per-VMA locks)" ||
		not_ok "vdso: each child leads with $vdso_reason (per-VMA locks)" "$n of 16: $(head -n 4 "$tmp/vdso.rows")"
elif [ "$per_vma" = false ]; then
	awk '$6 != "0.0" || $8 != "-" { bad = 1 } END { exit bad || NR == 0 }' "$tmp/vdso.rows" &&
		ok "vdso: no retries in the children without per-VMA locks" ||
		not_ok "vdso: no retries in the children without per-VMA locks" "$(awk '$6 != "0.0" || $8 != "-"' "$tmp/vdso.rows" | head -n 4)"
else
	skip "vdso: each child's leading reason" "probe does not say whether the kernel has per-VMA locks"
fi

# --- -p: only that process ---------------------------------------------------------
sleep 30 &
sleeper=$!
"$MMR" top "${mode_args[@]}" -i 0.5 -n 4 -p "$sleeper" --sort flt% >"$tmp/p.txt" 2>"$tmp/p.err" &
ptop=$!
wait_for "$tmp/p.txt" '^mmretry top - ' 60
"$GEN" -q uffd -n 50 >/dev/null 2>&1
wait "$ptop"
rc=$?
kill "$sleeper" 2>/dev/null
wait "$sleeper" 2>/dev/null
if [ "$rc" -eq 0 ] && ! awk '$2 == "mmretry-gen"' "$tmp/p.txt" | grep -q .; then
	ok "-p: other processes stay out"
else
	not_ok "-p: other processes stay out" "exit $rc: $(grep mmretry-gen "$tmp/p.txt" | head -n 3)"
fi
grep -q '^mmretry top - .*, sorted by flt%$' "$tmp/p.txt" && ok "--sort flt%: the header says so" ||
	not_ok "--sort flt%: the header says so" "$(head -n 1 "$tmp/p.txt")"

# --- stat --proc-latency: top's per-process fault durations for a whole run ---------
# the same histograms top reads, so: each process's faults, and their sum over
# every process equal to the run's fault latency (each fault is one_attempt or
# retried, by origin); null in tracepoint mode, and no key without the option
# (MMRETRY_TOP_STAT=0: not here; the VM matrix runs it on one kernel in
# make test, top's own per-process programs being the ones it loads)
pl_data=${SLOWDATA:-$DATA}
rc=0
if [ "${MMRETRY_TOP_STAT:-1}" = 0 ]; then
	skip "stat --proc-latency" "MMRETRY_TOP_STAT=0 (tests/vm/run says where it runs)"
else
	"$MMR" stat "${mode_args[@]}" --proc-latency --json -o "$tmp/pl.json" -- \
		"$GEN" --json file -n "$SLOWPAGES" -f "$pl_data" >"$tmp/pl.gen" 2>"$tmp/pl.err"
	rc=$?
fi
plpid=$(head -n1 "$tmp/pl.gen" 2>/dev/null | jq -r .pid 2>/dev/null)
if [ "${MMRETRY_TOP_STAT:-1}" = 0 ]; then
	:
elif [ "$rc" -ne 0 ] || ! jq -e 'has("fault_latency_processes")' "$tmp/pl.json" >/dev/null 2>&1; then
	not_ok "stat --proc-latency: a report with fault_latency_processes" \
		"exit $rc: $(head -c 300 "$tmp/pl.err")"
elif [ "$mode" = tracepoint ]; then
	jq -e '.fault_latency_processes == null' "$tmp/pl.json" >/dev/null &&
		ok "stat --proc-latency: null in tracepoint mode, not 0" ||
		not_ok "stat --proc-latency: null in tracepoint mode, not 0" \
			"$(jq -c .fault_latency_processes "$tmp/pl.json")"
else
	jq -e --argjson p "${plpid:-0}" --argjson n "$SLOWPAGES" \
		'.fault_latency_processes | map(select(.pid == $p)) | length == 1 and
		 .[0].fault_ns.count >= $n and .[0].time_in_faults_pct > 0' \
		"$tmp/pl.json" >/dev/null &&
		ok "stat --proc-latency: the workload's $SLOWPAGES faults and time in faults" ||
		not_ok "stat --proc-latency: the workload's $SLOWPAGES faults and time in faults" \
			"$(jq -c '.fault_latency_processes[:3]' "$tmp/pl.json")"
	# [processes' sum, the run's one_attempt and retried sums by origin]
	sums='[([.fault_latency_processes[].fault_ns.sum] | add),
	       (.fault_latency.user, .fault_latency.kernel | .one_attempt.sum, .retried.sum)]'
	jq -e "$sums"' | .[0] == (.[1:] | add)' "$tmp/pl.json" >/dev/null &&
		ok "stat --proc-latency: the processes' time in faults adds up to the run's" ||
		not_ok "stat --proc-latency: the processes' time in faults adds up to the run's" \
			"$(jq -c "$sums" "$tmp/pl.json")"
	if [ -n "$SLOWDATA" ]; then
		jq -e --argjson p "${plpid:-0}" \
			'.fault_latency_processes | map(select(.pid == $p))[0].fault_ns.p99
			 >= 1e6' \
			"$tmp/pl.json" >/dev/null &&
			ok "stat --proc-latency: fault p99 >= 1 ms on $SLOWDATA" ||
			not_ok "stat --proc-latency: fault p99 >= 1 ms on $SLOWDATA" \
				"$(jq -c '.fault_latency_processes[:2]' "$tmp/pl.json")"
	fi
fi

# --- a terminal: tmux ---------------------------------------------------------------
# within SECONDS CMD...: run CMD every 0.1 s until it succeeds or SECONDS pass
# (a deadline, not a count: each round forks several processes, slow in a
# TCG guest)
within() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}
cap() { tmux capture-pane -p -t "$session" >"$tmp/pane.txt" 2>/dev/null; }
on_screen() { cap && grep -q "$1" "$tmp/pane.txt"; }
gen_on_screen() {
	cap && awk -v p="$gpid" -v r="$file_reason" \
		'$1 == p && $2 == "mmretry-gen" && $8 == r { f = 1 } END { exit !f }' "$tmp/pane.txt"
}
# an 80-column pane: the 127-column table must be cut, not wrapped
if ! command -v tmux >/dev/null; then
	not_ok "tmux: installed (tools/deps.sh)"
elif ! tmux new-session -d -s "$session" -x 80 -y 30 \
	"$MMR top ${mode_args[*]} -i 1 2>$tmp/tmux.err; echo \$? >$tmp/tmux.rc; sleep 60" 2>"$tmp/tmux.start"; then
	not_ok "tmux: a session starts (the pane checks did not run)" "$(head -c 300 "$tmp/tmux.start")"
else
	within 60 on_screen '^mmretry top - '
	if grep -q '^mmretry top - ' "$tmp/pane.txt" && grep -q '^ *PID COMM' "$tmp/pane.txt"; then
		ok "tmux: header and column titles on screen"
	else
		not_ok "tmux: header and column titles on screen" "$(cat "$tmp/pane.txt" "$tmp/tmux.err" 2>/dev/null | head -c 600)"
	fi
	# looked for while it runs: its row is on the tables of the intervals it
	# ran in, and gone from the next (a loaded machine's refresh may come
	# after it has exited and shows it one last time, or not at all)
	"$GEN" --json file -n "$PAGES" -f "$DATA" >"$tmp/tmux.gen" 2>&1 &
	gpid=$!
	within 10 gen_on_screen && ok "tmux: the generator's row ($gpid, $file_reason) on screen" ||
		not_ok "tmux: the generator's row ($gpid, $file_reason) on screen" "$(cat "$tmp/pane.txt")"
	wait "$gpid"
	# one screen: at most the pane's lines, none longer than 80, titles cut
	if [ "$(awk 'length > 80' "$tmp/pane.txt" | wc -l)" -eq 0 ] &&
	   grep '^ *PID COMM' "$tmp/pane.txt" | grep -qv CHAIN; then
		ok "tmux: lines cut to the pane's 80 columns"
	else
		not_ok "tmux: lines cut to the pane's 80 columns" "$(grep 'PID COMM' -A1 "$tmp/pane.txt")"
	fi
	tmux send-keys -t "$session" q
	within 10 test -s "$tmp/tmux.rc"
	if [ "$(cat "$tmp/tmux.rc" 2>/dev/null)" = 0 ]; then
		ok "tmux: q quits with status 0"
	else
		not_ok "tmux: q quits with status 0" "status '$(cat "$tmp/tmux.rc" 2>/dev/null)': $(cat "$tmp/tmux.err" 2>/dev/null)"
	fi
	# Ctrl-C also quits cleanly. Ctrl-C signals the pane's whole foreground
	# group: the trap keeps the pane's shell alive to record top's status
	# (a non-interactive dash or busybox sh, the guest's /bin/sh, dies of
	# SIGINT; bash does not when its child handled it). A second session on
	# the same server, so that the server never runs out of sessions
	rm -f "$tmp/tmux.rc"
	first=$session
	session=$session-c
	tmux new-session -d -s "$session" -x 120 -y 30 \
		"trap : INT; $MMR top ${mode_args[*]} -i 1 2>$tmp/tmux.err; echo \$? >$tmp/tmux.rc; sleep 60" \
		2>"$tmp/tmux.start" || echo "# tmux new-session: $(head -c 300 "$tmp/tmux.start")"
	tmux kill-session -t "$first" 2>/dev/null
	within 60 on_screen '^mmretry top - '
	tmux send-keys -t "$session" C-c
	within 10 test -s "$tmp/tmux.rc"
	sleep 0.2
	cap
	# the alternate screen is left: the table is no longer on screen
	if [ "$(cat "$tmp/tmux.rc" 2>/dev/null)" = 0 ] && ! grep -q '^mmretry top - ' "$tmp/pane.txt"; then
		ok "tmux: Ctrl-C quits with status 0 and restores the screen"
	else
		not_ok "tmux: Ctrl-C quits with status 0 and restores the screen" \
			"status '$(cat "$tmp/tmux.rc" 2>/dev/null)'; pane: $(head -c 300 "$tmp/pane.txt"); stderr: $(head -c 300 "$tmp/tmux.err" 2>/dev/null)"
	fi
fi

finish
