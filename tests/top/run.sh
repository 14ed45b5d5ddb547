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
# 4. a script's narrow table: the -p run with COLUMNS=80: no line wider than
#    80, the header wrapped at its phrases, never cut;
# 5. a person at a terminal: top --rows 3 in a tmux pane of 80 columns,
#    captured with capture-pane: header and the generator's row, the header
#    and titles uncut, no line wider than the pane, at most 3 rows and "N of
#    M processes shown", q quits with status 0; in a pane of 10 lines (no
#    --rows) the header on top and the rows that fit below it, Ctrl-C quits
#    with status 0. (No top of its own for these: the VM matrix's budget.)
# 6. top --cgroups: two workloads in cgroups the test makes, each cgroup's row
#    with its retries (RETRY/s over the tables), the name column CGROUP, no
#    PID or CHAIN.
#
# Columns are found by the header's names (norm below): a column the mode
# cannot fill is not printed (tracepoint mode: FLTp99, FLT%, DONE/s, CHAIN),
# nor one a narrow table has no room for.
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

# the piped tables' width is $COLUMNS where set: every column unless a check
# sets it
unset COLUMNS LINES

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

# Every column top can print, in its order (docs/top.md); a table shows those
# its mode can fill and that fit. norm FILE...: each table's rows with every
# column in this order, found by the table's titles, "absent" for a column
# it did not show; AWK_COLS names the fields ($RETRIES, $DONE, ...)
COLS="PID COMM FAULT/s FLTp99 FLT% RETRY/s RETRY% REASON DONE/s VMA% HOLDp99 HOLDmax WAITp99 WAITmax CHAIN"
norm() {
	awk -v names="$COLS" '
		BEGIN { n = split(names, want, " ") }
		/^mmretry top - / { intable = 0; next }
		/^ *PID COMM / {
			for (k in at) delete at[k]
			for (i = 1; i <= NF; i++) at[$i] = i
			intable = 1
			next
		}
		intable && NF {
			l = ""
			for (k = 1; k <= n; k++)
				l = l (k > 1 ? " " : "") (want[k] in at ? $(at[want[k]]) : "absent")
			print l
		}' "$@"
}
AWK_COLS='BEGIN { PID = 1; COMM = 2; FAULTS = 3; FLTP99 = 4; FLTPCT = 5; RETRIES = 6
	RETRYPCT = 7; REASON = 8; DONE = 9; VMA = 10; HOLDP99 = 11; HOLDMAX = 12
	WAITP99 = 13; WAITMAX = 14; CHAIN = 15 }'
# titles FILE: each table's column titles, one line each, single-spaced
titles() { awk '/^ *PID COMM / { $1 = $1; print }' "$1"; }
# unknown_titles FILE: the words of its titles that are no column's name (a
# title cut in half)
unknown_titles() {
	titles "$1" | awk -v names="$COLS" '
		BEGIN { n = split(names, w, " "); for (i = 1; i <= n; i++) known[w[i]] = 1 }
		{ for (i = 1; i <= NF; i++) if (!($i in known)) print $i }'
}
# rows_said FILE MAX: what is wrong with its tables' rows, or nothing: more
# than MAX rows (0: any number), "N of M processes shown" with N not the
# table's rows or M not more, "processes M" with M not its rows, or no table
# that left rows out
rows_said() {
	awk -v max="$2" '
		function table_end() {
			if (!t)
				return
			if (max && rows > max)
				bad = bad "; table " t ": " rows " rows"
			if (shown != "") {
				cut++
				if (shown != rows || total <= rows)
					bad = bad "; table " t ": \"" shown " of " total "\", " rows " rows"
			} else if (procs != rows) {
				bad = bad "; table " t ": processes " procs ", " rows " rows"
			}
		}
		/^mmretry top - / { table_end(); t++; rows = 0; shown = ""; procs = -1; intable = 0 }
		/[0-9]+ of [0-9]+ processes shown/ {
			for (i = 1; i < NF; i++)
				if ($(i + 1) == "of") { shown = $i; total = $(i + 2) }
		}
		/processes [0-9]+$/ { procs = $NF }
		/^ *PID COMM / { intable = 1; next }
		intable && NF { rows++ }
		END {
			table_end()
			if (!t)
				bad = bad "; no table"
			else if (!cut)
				bad = bad "; no table left rows out"
			print substr(bad, 3)
		}' "$1"
}
norm "$tmp/top.txt" >"$tmp/top.rows"
# rows PID: the (normalised) table rows of process PID
rows() { awk -v p="$1" '$1 == p' "$tmp/top.rows"; }
# busiest PID: its row with the most retries/s (RETRY/s: field 6)
busiest() { rows "$1" | sort -k6,6 -g | tail -n1; }
# an awk function: top's duration cell (512ns, 65.5us, 2.1ms, 1.20s) in ns,
# -1 for anything else (n/a, -)
AWK_NS='function ns(v) {
	if (v ~ /^[0-9.]+ns$/) return v + 0; if (v ~ /^[0-9.]+us$/) return v * 1e3;
	if (v ~ /^[0-9.]+ms$/) return v * 1e6; if (v ~ /^[0-9.]+s$/) return v * 1e9; return -1 }'
# lat_absent PID: PID has rows, none with a FLTp99 or FLT% column
lat_absent() {
	rows "$1" | awk "$AWK_COLS"'
		$FLTP99 != "absent" || $FLTPCT != "absent" { bad = 1 } END { exit bad || NR == 0 }'
}
# lat_timed PID NS PCT: a row of PID with a FLTp99 of NS or more and a FLT%
# above PCT
lat_timed() {
	rows "$1" | awk -v m="$2" -v p="$3" "$AWK_COLS $AWK_NS"'
		ns($FLTP99) >= m && $FLTPCT ~ /^[0-9.]+$/ && $FLTPCT + 0 > p { f = 1 }
		END { exit !f }'
}

# the columns a mode cannot fill are not printed, never as 0 or n/a: the
# header says why; the others are all there (no width: every column)
if [ "$mode" = tracepoint ]; then
	if [ -s "$tmp/top.txt" ] && ! titles "$tmp/top.txt" | grep -Eq ' (FLTp99|FLT%|DONE/s|CHAIN)( |$)' &&
	   grep -q '^hidden: FLTp99 FLT% DONE/s CHAIN (tracepoint mode)' "$tmp/top.txt"; then
		ok "pipe: no FLTp99, FLT%, DONE/s or CHAIN column in tracepoint mode, the header says why"
	else
		not_ok "pipe: no FLTp99, FLT%, DONE/s or CHAIN column in tracepoint mode, the header says why" \
			"$(titles "$tmp/top.txt" | sort -u; grep '^hidden' "$tmp/top.txt" | sort -u)"
	fi
else
	if [ -s "$tmp/top.txt" ] && ! titles "$tmp/top.txt" | grep -v ' FLTp99 FLT% .* DONE/s .* CHAIN$' | grep -q . &&
	   ! grep -q '(no room)' "$tmp/top.txt"; then
		ok "pipe: FLTp99, FLT%, DONE/s and CHAIN columns in $mode mode, none left out for room"
	else
		not_ok "pipe: FLTp99, FLT%, DONE/s and CHAIN columns in $mode mode, none left out for room" \
			"$(titles "$tmp/top.txt" | sort -u; grep '^hidden' "$tmp/top.txt" | sort -u)"
	fi
fi
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
		awk -v r="$reason" -v m="$min" "$AWK_COLS"'
			$COMM == "mmretry-gen" && $REASON == r && $RETRIES >= m { f = 1 } END { exit !f }' \
			<<<"$row" && ok "$name: leading reason $reason, at least $min retries/s" ||
			not_ok "$name: leading reason $reason, at least $min retries/s" "row: $row"
	fi
	# a figure this mode cannot see is not printed, never as 0
	if [ "$mode" = tracepoint ]; then
		awk "$AWK_COLS"'$DONE == "absent" && $CHAIN == "absent" { f = 1 } END { exit !f }' \
			<<<"$row" &&
			ok "$name: no completions or chains in tracepoint mode" ||
			not_ok "$name: no completions or chains in tracepoint mode" "row: $row"
		# no fault is timed: no row of it has the columns
		lat_absent "$pid" && ok "$name: no fault p99 or time in faults in tracepoint mode" ||
			not_ok "$name: no fault p99 or time in faults in tracepoint mode" \
				"$(rows "$pid")"
	else
		awk "$AWK_COLS"'$DONE ~ /^[0-9.]+$/ && $CHAIN != "n/a" && $CHAIN != "absent" { f = 1 }
			END { exit !f }' <<<"$row" &&
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
		lat_absent "$pid" && ok "slow: no fault p99 or time in faults in tracepoint mode" ||
			not_ok "slow: no fault p99 or time in faults in tracepoint mode" \
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
	awk "$AWK_COLS"'$VMA >= 40 && $VMA <= 60 { f = 1 } END { exit !f }' <<<"$row" &&
		ok "file: VMA% about half (per-VMA lock, then mmap_lock)" ||
		not_ok "file: VMA% about half (per-VMA lock, then mmap_lock)" "row: $row"
elif [ "$per_vma" = false ]; then
	awk "$AWK_COLS"'$VMA == 0 { f = 1 } END { exit !f }' <<<"$row" &&
		ok "file: VMA% 0 without per-VMA locks" ||
		not_ok "file: VMA% 0 without per-VMA locks" "row: $row"
fi

# memfd: 1000 first writes to a shared memfd, each VM_FAULT_COMPLETED
pid=$(genpid memfd)
if [ "$mode" = tracepoint ]; then
	rows "$pid" | awk "$AWK_COLS"'$DONE != "absent" { bad = 1 } END { exit bad || NR == 0 }' &&
		ok "memfd: no completions column in tracepoint mode" ||
		not_ok "memfd: no completions column in tracepoint mode" "$(rows "$pid")"
else
	# DONE/s summed over the ~1 s intervals: about 1000
	rows "$pid" | awk "$AWK_COLS"'{ s += $DONE } END { exit !(s >= 900 && s <= 1100) }' &&
		ok "memfd: about 1000 completions" ||
		not_ok "memfd: about 1000 completions" "$(rows "$pid")"
fi

# vdso: 16 forked children each read the vDSO once; the children are the
# mmretry-gen rows after the vdso parent and before pagelock's process
vpid=$(genpid vdso)
plpid=$(genpid pagelock)
awk -v a="$vpid" -v b="$plpid" "$AWK_COLS"'$COMM == "mmretry-gen" && $PID > a && $PID < b' \
	"$tmp/top.rows" >"$tmp/vdso.rows"
children=$(awk '{ print $1 }' "$tmp/vdso.rows" | sort -u | wc -l)
[ "$children" -ge 16 ] && ok "vdso: its 16 children have rows of their own" ||
	not_ok "vdso: its 16 children have rows of their own" "$children children; $(rows "$vpid")"
if [ "$per_vma" = true ]; then
	n=$(awk -v r="$vdso_reason" "$AWK_COLS"'$REASON == r && $RETRIES > 0 { print $PID }' \
		"$tmp/vdso.rows" | sort -u | wc -l)
	[ "$n" -ge 16 ] && ok "vdso: each child leads with $vdso_reason (per-VMA locks)" ||
		not_ok "vdso: each child leads with $vdso_reason (per-VMA locks)" "$n of 16: $(head -n 4 "$tmp/vdso.rows")"
elif [ "$per_vma" = false ]; then
	awk "$AWK_COLS"'$RETRIES != "0.0" || $REASON != "-" { bad = 1 } END { exit bad || NR == 0 }' \
		"$tmp/vdso.rows" &&
		ok "vdso: no retries in the children without per-VMA locks" ||
		not_ok "vdso: no retries in the children without per-VMA locks" \
			"$(awk "$AWK_COLS"'$RETRIES != "0.0" || $REASON != "-"' "$tmp/vdso.rows" | head -n 4)"
else
	skip "vdso: each child's leading reason" "probe does not say whether the kernel has per-VMA locks"
fi

# --- -p: only that process ---------------------------------------------------------
# (COLUMNS=80: the narrow table a script asks for, checked below)
sleep 30 &
sleeper=$!
COLUMNS=80 "$MMR" top "${mode_args[@]}" -i 0.5 -n 4 -p "$sleeper" --sort flt% >"$tmp/p.txt" \
	2>"$tmp/p.err" &
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
grep -Eq '(, |^  )sorted by flt%$' "$tmp/p.txt" && ok "--sort flt%: the header says so" ||
	not_ok "--sort flt%: the header says so" "$(head -n 2 "$tmp/p.txt")"

# COLUMNS=80, piped: no line wider, the header's phrases whole on a line
# each, the titles each a column's name (FLT%, the sort key's, kept where
# the mode can fill it)
wide=$(awk 'length > 80' "$tmp/p.txt")
if [ -z "$wide" ] && grep -q '^ *PID COMM ' "$tmp/p.txt"; then
	ok "COLUMNS=80: no line wider than 80"
else
	not_ok "COLUMNS=80: no line wider than 80" "$wide$(head -c 300 "$tmp/p.err")"
fi
if grep -Eq '^mmretry top - [0-9:]+, interval [0-9.]+ s,' "$tmp/p.txt" &&
   grep -Eq '(, |^  )lost [0-9]+, missed runs [0-9]+$' "$tmp/p.txt" &&
   grep -Eq '^total: faults/s [0-9n]' "$tmp/p.txt" &&
   [ -z "$(unknown_titles "$tmp/p.txt")" ] &&
   { [ "$mode" = tracepoint ] || titles "$tmp/p.txt" | grep -q ' FLT% '; }; then
	ok "COLUMNS=80: the header and column titles whole"
else
	not_ok "COLUMNS=80: the header and column titles whole" "$(head -n 9 "$tmp/p.txt")"
fi

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
frame_changed() { cap && [ "$(head -n 1 "$tmp/pane.txt")" != "$first_frame" ]; }
gen_on_screen() {
	cap && norm "$tmp/pane.txt" | awk -v p="$gpid" -v r="$file_reason" "$AWK_COLS"'
		$PID == p && $COMM == "mmretry-gen" && $REASON == r { f = 1 } END { exit !f }'
}
# an 80-column pane: the table fits it with fewer columns, the header wraps;
# --rows 3: at most 3 rows, the generator's first (the most retries)
if ! command -v tmux >/dev/null; then
	not_ok "tmux: installed (tools/deps.sh)"
elif ! tmux new-session -d -s "$session" -x 80 -y 30 \
	"$MMR top ${mode_args[*]} -i 1 --rows 3 2>$tmp/tmux.err; echo \$? >$tmp/tmux.rc; sleep 60" \
	2>"$tmp/tmux.start"; then
	not_ok "tmux: a session starts (the pane checks did not run)" "$(head -c 300 "$tmp/tmux.start")"
else
	# the first frame whole: tmux may show a frame's one write in pieces
	titles_on_screen() { on_screen '^mmretry top - ' && grep -q '^ *PID COMM' "$tmp/pane.txt"; }
	within 60 titles_on_screen
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
	# one screen: none longer than 80; the header's phrases and the
	# titles whole (fewer columns, each a column's name), "hidden:" saying
	# which columns had no room
	if [ "$(awk 'length > 80' "$tmp/pane.txt" | wc -l)" -eq 0 ] &&
	   grep -Eq '(, |^  )sorted by retries$' "$tmp/pane.txt" &&
	   grep -Eq '(^|, |  )lost [0-9]+, missed runs [0-9]+$' "$tmp/pane.txt" &&
	   grep -q '(no room)' "$tmp/pane.txt" &&
	   titles "$tmp/pane.txt" | grep -q '^PID COMM .*RETRY/s .*REASON' &&
	   [ -z "$(unknown_titles "$tmp/pane.txt")" ]; then
		ok "tmux: the header and titles whole, no line wider than the pane's 80 columns"
	else
		not_ok "tmux: the header and titles whole, no line wider than the pane's 80 columns" \
			"$(cat "$tmp/pane.txt")"
	fi
	# the generator, tmux, this script and what it forks: more than 3
	check=$(rows_said "$tmp/pane.txt" 3)
	[ -z "$check" ] && ok "tmux: --rows 3, at most 3 rows and \"N of M processes shown\"" ||
		not_ok "tmux: --rows 3, at most 3 rows and \"N of M processes shown\"" \
			"$check: $(cat "$tmp/pane.txt")"
	tmux send-keys -t "$session" q
	within 10 test -s "$tmp/tmux.rc"
	if [ "$(cat "$tmp/tmux.rc" 2>/dev/null)" = 0 ]; then
		ok "tmux: q quits with status 0"
	else
		not_ok "tmux: q quits with status 0" "status '$(cat "$tmp/tmux.rc" 2>/dev/null)': $(cat "$tmp/tmux.err" 2>/dev/null)"
	fi
	# A pane of 10 lines: the header on top, as many rows as fit below it
	# (16 short-lived processes in the interval make more), saying how
	# many of how many.
	# Ctrl-C also quits cleanly. Ctrl-C signals the pane's whole foreground
	# group: the trap keeps the pane's shell alive to record top's status
	# (a non-interactive dash or busybox sh, the guest's /bin/sh, dies of
	# SIGINT; bash does not when its child handled it). A second session on
	# the same server, so that the server never runs out of sessions
	rm -f "$tmp/tmux.rc"
	first=$session
	session=$session-c
	tmux new-session -d -s "$session" -x 100 -y 10 \
		"trap : INT; $MMR top ${mode_args[*]} -i 1 2>$tmp/tmux.err; echo \$? >$tmp/tmux.rc; sleep 60" \
		2>"$tmp/tmux.start" || echo "# tmux new-session: $(head -c 300 "$tmp/tmux.start")"
	tmux kill-session -t "$first" 2>/dev/null
	# the first table, then 16 processes, then the next table (its header's
	# time changes: a refresh per second)
	within 60 on_screen '^ *PID COMM '
	first_frame=$(head -n 1 "$tmp/pane.txt")
	"$GEN" -q vdso -n 16 >/dev/null 2>&1
	# the new frame, read again once drawn (a frame a second, one write
	# each, which tmux may take in pieces: a capture can fall between them)
	within 10 frame_changed && sleep 0.3 && cap
	check=$(rows_said "$tmp/pane.txt" 0)
	head -n 1 "$tmp/pane.txt" | grep -q '^mmretry top - ' || check="line 1 is not the header; $check"
	[ "$(wc -l <"$tmp/pane.txt")" -le 10 ] || check="more than 10 lines; $check"
	if [ -z "$check" ]; then
		ok "tmux: a pane of 10 lines, the rows that fit below the header and \"N of M processes shown\""
	else
		not_ok "tmux: a pane of 10 lines, the rows that fit below the header and \"N of M processes shown\"" \
			"$check: $(cat "$tmp/pane.txt")"
	fi
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

# --- top --cgroups: rows are cgroups ----------------------------------------------
# Two file workloads in cgroups the test makes (1024 and 2048 uncached
# pages, one after the other, on the file workload's data) under a piped
# top --cgroups: each cgroup's row, named by its path, with the leading
# reason and its retries over the tables (RETRY/s times each interval) the
# workload's, give or take the rates' rounding; no PID or CHAIN column, and
# no FAULT/s where faults are processes' own accounting (tracepoint mode).
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
cgp=mmrtop-$$
if [ -z "$cgroot" ] || ! mkdir "$cgroot/$cgp-a" "$cgroot/$cgp-b" 2>/dev/null; then
	skip "cgroups: top --cgroups" "no cgroup2 mount this test can write to"
else
	"$MMR" top "${mode_args[@]}" --cgroups -i 1 -n 3 >"$tmp/cg.txt" 2>"$tmp/cg.err" &
	top_pid=$!
	wait_for "$tmp/cg.txt" '^mmretry top - ' 60 ||
		not_ok "cgroups: top --cgroups printed a first table" "$(head -c 400 "$tmp/cg.err")"
	for x in a:1024 b:2048; do
		sh -c "echo \$\$ > '$cgroot/$cgp-${x%%:*}/cgroup.procs' &&
			exec '$GEN' -q file -n ${x#*:} -f '$DATA'" >/dev/null 2>&1
	done
	wait "$top_pid"
	rc=$?
	# cgroup row: its retries over the tables, and its leading reasons.
	# RETRY/s is printed to 0.1 and the interval to 0.01 s, so a row's
	# retries are known to within 0.05 * secs + RETRY/s * 0.005 (an
	# interval of 1.004 s shows as 1.00: 0.4% fewer of 2048 retries).
	sums=$(awk -v p="/$cgp-" '
		/^mmretry top - / { for (i = 1; i <= NF; i++) if ($i == "interval") secs = $(i + 1) }
		/^ *CGROUP / { for (i = 1; i <= NF; i++) col[$i] = i; next }
		index($1, p) == 1 && ("RETRY/s" in col) {
			r = $col["RETRY/s"] + 0; n[$1] += r * secs; e[$1] += 0.05 * secs + r * 0.005
			why[$1] = why[$1] " " $col["REASON"] }
		END { for (k in n) printf "%s %.0f %.0f%s\n", k, n[k], e[k] + 0.5, why[k] }' "$tmp/cg.txt")
	# near WANT: within the rows' rounding, 3 fewer (a retry still in
	# flight at a table's end) or 6 more (the shell's and loader's faults)
	near() { awk -v k="$1" -v want="$2" '$1 == k {
		found = 1; ok = $2 >= want - 3 - $3 && $2 <= want + 6 + $3 }
		END { exit !(found && ok) }' <<<"$sums"; }
	na=$(awk -v k="/$cgp-a" '$1 == k { print $2 }' <<<"$sums")
	nb=$(awk -v k="/$cgp-b" '$1 == k { print $2 }' <<<"$sums")
	if [ "$rc" -eq 0 ] && near "/$cgp-a" 1024 && near "/$cgp-b" 2048 &&
	   grep -q "^/$cgp-b .* file_io\|^/$cgp-b .* unattributed" <<<"$sums"; then
		ok "cgroups: top --cgroups has each cgroup's row with its retries (~1024, ~2048: $na, $nb)"
	else
		not_ok "cgroups: top --cgroups has each cgroup's row with its retries (~1024, ~2048)" \
			"exit $rc; rows: $sums; $(tail -n 8 "$tmp/cg.txt"; head -c 300 "$tmp/cg.err")"
	fi
	titles=$(grep -m1 '^ *CGROUP ' "$tmp/cg.txt")
	# FAULT/s per cgroup where faults are counted by BPF (not tracepoint
	# mode, whose faults are processes' own accounting)
	faults_ok=
	if [ "$(sed -n 's/^modes: faults \([a-z]*\).*/\1/p' "$tmp/cg.txt" | head -1)" = tracepoint ]; then
		! grep -q 'FAULT/s' <<<"$titles" &&
			grep -q '^hidden: FAULT/s RETRY% VMA% (.* mode, by cgroup)' "$tmp/cg.txt" &&
			faults_ok=1
	else
		grep -q ' FAULT/s ' <<<"$titles" && faults_ok=1
	fi
	if [ -n "$titles" ] && [ -n "$faults_ok" ] && ! grep -Eq ' (PID|COMM|CHAIN)( |$)' <<<"$titles"; then
		ok "cgroups: CGROUP in COMM's place, no PID or CHAIN; FAULT/s only where counted per cgroup"
	else
		not_ok "cgroups: CGROUP in COMM's place, no PID or CHAIN; FAULT/s only where counted per cgroup" \
			"$titles; $(grep -m1 '^hidden' "$tmp/cg.txt")"
	fi
	rmdir "$cgroot/$cgp-a" "$cgroot/$cgp-b" 2>/dev/null
fi

finish
