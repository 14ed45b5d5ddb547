#!/bin/bash
# tests/top/run.sh: `mmretry top` against the running kernel, as root.
#
# 1. usage errors and missing privileges: one line, exit 2 / exit 4 (as stat);
# 2. not a terminal: `top -i 1 -n N > file` while tools/mmretry-gen workloads
#    run: N tables with timestamps and no escape codes, the generator's rows
#    with the leading reason this mode can see (file: file_io, or
#    unattributed without filemap:mm_filemap_fault; uffd: userfaultfd, or
#    unattributed in tracepoint mode), exited processes' rows gone;
# 3. a person at a terminal: top in a tmux pane, captured with capture-pane:
#    header and the generator's row, lines cut to the pane's width, q quits
#    with status 0.
#
# Environment: MMRETRY_MODE forces a mode; TMPDIR (default /var/tmp).
set -u
cd "$(dirname "$0")/../.." || exit 1

MMR=./mmretry
GEN=./tools/mmretry-gen
MODE=${MMRETRY_MODE:-}
pass=0
fail=0

if [ "$(id -u)" -ne 0 ]; then
	echo "top: needs root" >&2
	echo "top: 0 passed, 1 failed"
	exit 1
fi
for f in "$MMR" "$GEN"; do
	[ -x "$f" ] || { echo "top: $f is not built (run make)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-top.XXXXXX")
session=mmretry-top-$$
cleanup() {
	tmux kill-session -t "$session" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "#   $2"; }

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
grep -q "unknown sort key 'size'" <("$MMR" top --sort size 2>&1) &&
	ok "usage: names the refused sort key" || not_ok "usage: names the refused sort key"
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

N=8
"$MMR" top "${mode_args[@]}" -i 1 -n $N >"$tmp/top.txt" 2>"$tmp/top.err" &
top_pid=$!
# attaching takes a while: the first table says it is tracing
if ! wait_for "$tmp/top.txt" '^mmretry top - ' 60; then
	not_ok "pipe: top printed a first table" "$(head -c 400 "$tmp/top.err")"
fi
"$GEN" --json file -n 4096 -f "$tmp/data" >"$tmp/file.gen" 2>&1
"$GEN" --json uffd -n 200 >"$tmp/uffd.gen" 2>&1
wait "$top_pid"
rc=$?
[ "$rc" -eq 0 ] && ok "pipe: top -n $N exits 0" || not_ok "pipe: top -n $N exits 0" "exit $rc: $(head -c 400 "$tmp/top.err")"
tables=$(grep -c '^mmretry top - [0-9][0-9]:[0-9][0-9]:[0-9][0-9], interval ' "$tmp/top.txt")
[ "$tables" -eq $N ] && ok "pipe: $N tables, each with a timestamp line" ||
	not_ok "pipe: $N tables, each with a timestamp line" "$tables tables"
if grep -q $'\033' "$tmp/top.txt"; then
	not_ok "pipe: no escape codes"
else
	ok "pipe: no escape codes"
fi
mode=$(sed -n 's/^modes: faults \([a-z]*\).*/\1/p' "$tmp/top.txt" | head -n1)
[ -n "$mode" ] && ok "pipe: header names the faults mode ($mode)" ||
	not_ok "pipe: header names the faults mode" "$(head -n 5 "$tmp/top.txt")"
grep -q '^total: faults/s [0-9n]' "$tmp/top.txt" && ok "pipe: header has totals" ||
	not_ok "pipe: header has totals" "$(head -n 5 "$tmp/top.txt")"
grep -Eq 'lost [0-9]+, missed runs [0-9]+' "$tmp/top.txt" && ok "pipe: header has lost events and missed runs" ||
	not_ok "pipe: header has lost events and missed runs"

# rows PID: the table rows of process PID (columns: PID COMM FAULT/s RETRY/s
# RETRY% REASON DONE/s VMA% HOLDp99 HOLDmax WAITp99 WAITmax CHAIN)
rows() { awk -v p="$1" '$1 == p' "$tmp/top.txt"; }
# busiest PID: its row with the most retries/s
busiest() { rows "$1" | sort -k4,4 -g | tail -n1; }

# what this mode can name (README "Modes"; faults.bpf.c): tracepoint mode names
# file_io only with filemap:mm_filemap_fault, and never userfaultfd
file_reason=file_io
uffd_reason=userfaultfd
if [ "$mode" = tracepoint ]; then
	uffd_reason=unattributed
	"$MMR" probe --json >"$tmp/probe.json" 2>/dev/null
	jq -e '.tracepoints.mm_filemap_fault and .tracepoints.mm_filemap_add_to_page_cache' \
		"$tmp/probe.json" >/dev/null 2>&1 || file_reason=unattributed
fi

check_gen() {	# NAME REASON MIN-RETRIES/s
	local name=$1 reason=$2 min=$3 pid row
	pid=$(head -n1 "$tmp/$name.gen" | jq -r .pid 2>/dev/null)
	if [ -z "$pid" ] || [ "$pid" = null ]; then
		not_ok "$name: the workload ran" "$(head -c 300 "$tmp/$name.gen")"
		return
	fi
	row=$(busiest "$pid")
	if [ -z "$row" ]; then
		not_ok "$name: its process ($pid) has a row" "$(cat "$tmp/top.txt" | head -c 3000)"
		return
	fi
	ok "$name: its process ($pid) has a row"
	awk -v r="$reason" -v m="$min" '$2 == "mmretry-gen" && $6 == r && $4 >= m { f = 1 } END { exit !f }' \
		<<<"$row" && ok "$name: leading reason $reason, at least $min retries/s" ||
		not_ok "$name: leading reason $reason, at least $min retries/s" "row: $row"
	# a figure this mode cannot see is n/a, never 0
	if [ "$mode" = tracepoint ]; then
		awk '$7 == "n/a" && $13 == "n/a" { f = 1 } END { exit !f }' <<<"$row" &&
			ok "$name: completions and chains n/a in tracepoint mode" ||
			not_ok "$name: completions and chains n/a in tracepoint mode" "row: $row"
	else
		awk '$7 != "n/a" { f = 1 } END { exit !f }' <<<"$row" &&
			ok "$name: completions counted in $mode mode" ||
			not_ok "$name: completions counted in $mode mode" "row: $row"
	fi
	# its rows stop once it has exited: the last table does not show it
	awk -v p="$pid" '/^mmretry top - / { last = "" } $1 == p { last = $0 } END { exit last != "" }' \
		"$tmp/top.txt" && ok "$name: its row is gone after it exited" ||
		not_ok "$name: its row is gone after it exited" "$(tail -n 12 "$tmp/top.txt")"
}
# 4096 retries within 1-2 intervals: more than 1000/s either way
check_gen file "$file_reason" 1000
check_gen uffd "$uffd_reason" 50

# --- -p: only that process ---------------------------------------------------------
sleep 30 &
sleeper=$!
"$MMR" top "${mode_args[@]}" -i 0.5 -n 4 -p "$sleeper" >"$tmp/p.txt" 2>"$tmp/p.err" &
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

# --- a terminal: tmux ---------------------------------------------------------------
if ! command -v tmux >/dev/null; then
	not_ok "tmux: installed (tools/deps.sh)"
else
	# an 80-column pane: the 114-column table must be cut, not wrapped
	tmux new-session -d -s "$session" -x 80 -y 30 \
		"$MMR top ${mode_args[*]} -i 1 2>$tmp/tmux.err; echo \$? >$tmp/tmux.rc"
	cap() { tmux capture-pane -p -t "$session" >"$tmp/pane.txt" 2>/dev/null; }
	for ((i = 0; i < 600; i++)); do
		cap && grep -q '^mmretry top - ' "$tmp/pane.txt" && break
		sleep 0.1
	done
	if grep -q '^mmretry top - ' "$tmp/pane.txt" && grep -q '^ *PID COMM' "$tmp/pane.txt"; then
		ok "tmux: header and column titles on screen"
	else
		not_ok "tmux: header and column titles on screen" "$(cat "$tmp/pane.txt" "$tmp/tmux.err" 2>/dev/null | head -c 600)"
	fi
	"$GEN" --json file -n 4096 -f "$tmp/data" >"$tmp/tmux.gen" 2>&1
	gpid=$(head -n1 "$tmp/tmux.gen" | jq -r .pid)
	seen=
	for ((i = 0; i < 40; i++)); do
		cap
		if awk -v p="$gpid" -v r="$file_reason" '$1 == p && $2 == "mmretry-gen" && $6 == r { f = 1 } END { exit !f }' \
			"$tmp/pane.txt"; then
			seen=1
			break
		fi
		sleep 0.25
	done
	[ -n "$seen" ] && ok "tmux: the generator's row ($gpid, $file_reason) on screen" ||
		not_ok "tmux: the generator's row ($gpid, $file_reason) on screen" "$(cat "$tmp/pane.txt")"
	# one screen: at most the pane's lines, none longer than 80, titles cut
	if [ "$(awk 'length > 80' "$tmp/pane.txt" | wc -l)" -eq 0 ] &&
	   grep '^ *PID COMM' "$tmp/pane.txt" | grep -qv CHAIN; then
		ok "tmux: lines cut to the pane's 80 columns"
	else
		not_ok "tmux: lines cut to the pane's 80 columns" "$(grep 'PID COMM' -A1 "$tmp/pane.txt")"
	fi
	tmux send-keys -t "$session" q
	for ((i = 0; i < 50; i++)); do
		[ -s "$tmp/tmux.rc" ] && break
		sleep 0.1
	done
	if [ "$(cat "$tmp/tmux.rc" 2>/dev/null)" = 0 ]; then
		ok "tmux: q quits with status 0"
	else
		not_ok "tmux: q quits with status 0" "status '$(cat "$tmp/tmux.rc" 2>/dev/null)': $(cat "$tmp/tmux.err" 2>/dev/null)"
	fi
	# Ctrl-C also quits cleanly
	rm -f "$tmp/tmux.rc"
	tmux kill-session -t "$session" 2>/dev/null
	tmux new-session -d -s "$session" -x 120 -y 30 \
		"$MMR top ${mode_args[*]} -i 1 2>$tmp/tmux.err; echo \$? >$tmp/tmux.rc; sleep 30"
	for ((i = 0; i < 600; i++)); do
		cap && grep -q '^mmretry top - ' "$tmp/pane.txt" && break
		sleep 0.1
	done
	tmux send-keys -t "$session" C-c
	for ((i = 0; i < 50; i++)); do
		[ -s "$tmp/tmux.rc" ] && break
		sleep 0.1
	done
	sleep 0.2
	cap
	# the alternate screen is left: the table is no longer on screen
	if [ "$(cat "$tmp/tmux.rc" 2>/dev/null)" = 0 ] && ! grep -q '^mmretry top - ' "$tmp/pane.txt"; then
		ok "tmux: Ctrl-C quits with status 0 and restores the screen"
	else
		not_ok "tmux: Ctrl-C quits with status 0 and restores the screen" \
			"status '$(cat "$tmp/tmux.rc" 2>/dev/null)'; pane: $(head -c 300 "$tmp/pane.txt")"
	fi
fi

echo "top: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
