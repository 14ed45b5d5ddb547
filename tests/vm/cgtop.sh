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
cd /mmretry
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
DATA=${MMRETRY_TOP_DATA:-$tmp/data}
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
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
	# cgroup row: its retries over the tables, and its leading reasons
	sums=$(awk -v p="/$cgp-" '
		/^mmretry top - / { for (i = 1; i <= NF; i++) if ($i == "interval") secs = $(i + 1) }
		/^ *CGROUP / { for (i = 1; i <= NF; i++) col[$i] = i; next }
		index($1, p) == 1 && ("RETRY/s" in col) {
			n[$1] += $col["RETRY/s"] * secs; why[$1] = why[$1] " " $col["REASON"] }
		END { for (k in n) printf "%s %.0f%s\n", k, n[k], why[k] }' "$tmp/cg.txt")
	na=$(awk -v k="/$cgp-a" '$1 == k { print $2 }' <<<"$sums")
	nb=$(awk -v k="/$cgp-b" '$1 == k { print $2 }' <<<"$sums")
	if [ "$rc" -eq 0 ] && [ -n "$na" ] && [ -n "$nb" ] &&
	   [ "$na" -ge 1021 ] && [ "$na" -le 1030 ] && [ "$nb" -ge 2045 ] && [ "$nb" -le 2054 ] &&
	   grep -q "^/$cgp-b .* file_io\|^/$cgp-b .* unattributed" <<<"$sums"; then
		ok "cgroups: top --cgroups has each cgroup's row with its retries (~1024, ~2048: $na, $nb)"
	else
		not_ok "cgroups: top --cgroups has each cgroup's row with its retries (~1024, ~2048)" \
			"exit $rc; rows: $sums; $(tail -n 8 "$tmp/cg.txt"; head -c 300 "$tmp/cg.err")"
	fi
	titles=$(grep -m1 '^ *CGROUP ' "$tmp/cg.txt")
	want_faults=1
	[ "$(sed -n 's/^modes: faults \([a-z]*\).*/\1/p' "$tmp/cg.txt" | head -1)" = tracepoint ] &&
		want_faults=
	if [ -n "$titles" ] && ! grep -Eq ' (PID|COMM|CHAIN)( |$)' <<<"$titles" &&
	   { [ -n "$want_faults" ] && grep -q ' FAULT/s ' <<<"$titles" ||
	     [ -z "$want_faults" ] && ! grep -q 'FAULT/s' <<<"$titles" &&
	     grep -q '^hidden: FAULT/s RETRY% VMA% (.* mode, by cgroup)' "$tmp/cg.txt"; }; then
		ok "cgroups: CGROUP in COMM's place, no PID or CHAIN; FAULT/s only where counted per cgroup"
	else
		not_ok "cgroups: CGROUP in COMM's place, no PID or CHAIN; FAULT/s only where counted per cgroup" \
			"$titles; $(grep -m1 '^hidden' "$tmp/cg.txt")"
	fi
	rmdir "$cgroot/$cgp-a" "$cgroot/$cgp-b" 2>/dev/null
fi

finish
