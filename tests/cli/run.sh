#!/bin/bash
# tests/cli/run.sh: what a newcomer typed and tripped over (issue 18), each
# through the real binary on this kernel, as root:
#
#  - pipes: `stat --json -- COMMAND | jq` gets the report alone (the report
#    owns stdout; the command's stdout goes to stderr, unchanged), and with
#    -o the command keeps its stdout;
#  - the "Tracing ..." line on stderr once attached, and -q, for every
#    tracing command (stat, top, record, check, baseline);
#  - stat's text: long holds and waits listed, the remote count explained,
#    anon_vma's n/a said once;
#  - refusals, one line each with exit status 2: an output that is the
#    input (report, dump, compare, check), conflicting targets, -d out of
#    range, an unknown option; options after compare's reports;
#  - wording: a command killed by a signal, report's own header, record in
#    tracepoint mode, probe without privileges, probe's refusals in words;
#  - report -o into a missing directory: the error, no crash.
#
# Needs: root, a built ./mmretry and tools/mmretry-gen (make), jq, setpriv.
# Prints: TAP (tests/lib.sh), ending with "cli: N passed, N failed"; exits 1
#   if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin cli
MMR=$PWD/mmretry
GEN=$PWD/tools/mmretry-gen

command -v jq >/dev/null || bail "jq is missing (make deps)"
[ "$(id -u)" -eq 0 ] || bail "needs root"
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# one_line NAME RC WANT-RC ERRFILE PATTERN: exit status WANT-RC and exactly
# one line on stderr, matching PATTERN
one_line() {
	local n
	n=$(wc -l <"$4")
	if [ "$2" -eq "$3" ] && [ "$n" -eq 1 ] && grep -q -- "$5" "$4"; then
		ok "$1"
	else
		not_ok "$1" "exit $2 (want $3), $n lines: $(head -c 400 "$4")"
	fi
}

# --- pipes: the report owns stdout ------------------------------------------------
"$MMR" stat --json -- "$GEN" file -n 64 >"$tmp/pipe.json" 2>"$tmp/pipe.err"
rc=$?
# -s: exactly one document (jq -e is true of an empty input)
if [ "$rc" -eq 0 ] && jq -se 'length == 1 and .[0].schema and .[0].faults' "$tmp/pipe.json" \
	>/dev/null 2>&1; then
	ok "pipe: stat --json -- COMMAND | jq reads the report alone"
else
	not_ok "pipe: stat --json -- COMMAND | jq reads the report alone" \
		"exit $rc: $(head -c 300 "$tmp/pipe.json")"
fi
grep -q "^file: read 64 pages" "$tmp/pipe.err" &&
	ok "pipe: the command's stdout is on stderr, intact" ||
	not_ok "pipe: the command's stdout is on stderr, intact" "$(head -c 400 "$tmp/pipe.err")"
"$MMR" stat -q -o "$tmp/o.txt" -- "$GEN" file -n 16 >"$tmp/o.out" 2>/dev/null
grep -q "^file: read 16 pages" "$tmp/o.out" && grep -q '^mmretry stat:' "$tmp/o.txt" &&
	ok "pipe: with -o the command keeps its stdout" ||
	not_ok "pipe: with -o the command keeps its stdout" "$(head -c 300 "$tmp/o.out")"

# --- the line saying tracing has started, and -q -------------------------------------
started='^Tracing faults .* mode)'
grep -q "$started.* until it exits\.$" "$tmp/pipe.err" &&
	ok "started: stat -- COMMAND says it is tracing, on stderr" ||
	not_ok "started: stat -- COMMAND says it is tracing, on stderr" "$(head -c 300 "$tmp/pipe.err")"
"$MMR" stat -d 0.3 >/dev/null 2>"$tmp/d.err"
grep -q "${started} for 0.3 s\.\.\. Hit Ctrl-C to end\.$" "$tmp/d.err" &&
	ok "started: stat -d says how long, and Ctrl-C" ||
	not_ok "started: stat -d says how long, and Ctrl-C" "$(cat "$tmp/d.err")"
# the line comes once tracing has begun: the command's output follows it
awk -v p="$started" '$0 ~ p { t = NR } /^file: read 64/ { f = NR } END { exit !(t && f > t) }' \
	"$tmp/pipe.err" && ok "started: said before the command's first output" ||
	not_ok "started: said before the command's first output" "$(head -c 300 "$tmp/pipe.err")"
"$MMR" stat -q -d 0.2 >/dev/null 2>"$tmp/q.err"
[ ! -s "$tmp/q.err" ] && ok "quiet: stat -q says nothing on stderr" ||
	not_ok "quiet: stat -q says nothing on stderr" "$(cat "$tmp/q.err")"
"$MMR" baseline -o "$tmp/base.json" -- true >/dev/null 2>"$tmp/b.err"
"$MMR" baseline -q -o "$tmp/base2.json" -- true >/dev/null 2>"$tmp/bq.err"
"$MMR" record -o "$tmp/r.rec" -- true >/dev/null 2>"$tmp/r.err"
"$MMR" record -q -o "$tmp/rq.rec" -- true >/dev/null 2>"$tmp/rq.err"
"$MMR" top -n 1 -i 0.2 >/dev/null 2>"$tmp/t.err"
"$MMR" top -q -n 1 -i 0.2 >/dev/null 2>"$tmp/tq.err"
for c in b r t; do
	name=$(case $c in b) echo baseline ;; r) echo record ;; t) echo top ;; esac)
	if grep -q "$started" "$tmp/$c.err" && ! grep -q "$started" "$tmp/${c}q.err"; then
		ok "started: $name says it, and not with -q"
	else
		not_ok "started: $name says it, and not with -q" \
			"$(head -c 200 "$tmp/$c.err") / -q: $(head -c 200 "$tmp/${c}q.err")"
	fi
done
wide=$(cat "$tmp/pipe.err" "$tmp/d.err" "$tmp/b.err" "$tmp/r.err" "$tmp/t.err" | grep "$started" |
	awk 'length > 80')
[ -z "$wide" ] && ok "started: the line fits 80 columns" ||
	not_ok "started: the line fits 80 columns" "$wide"
"$MMR" check -q --baseline "$tmp/base.json" -- true >/dev/null 2>"$tmp/cq.err"
! grep -q "$started" "$tmp/cq.err" && ok "quiet: check -q does not say it" ||
	not_ok "quiet: check -q does not say it" "$(cat "$tmp/cq.err")"

# export says where it serves instead (tests/export checks that line); -q
# silences it too
port=$((20000 + RANDOM % 20000))
"$MMR" export -q --listen "127.0.0.1:$port" 2>"$tmp/xq.err" &
xpid=$!
for _ in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$port/metrics" && break
	sleep 0.1
done
served=$(curl -s "http://127.0.0.1:$port/metrics" | grep -c '^mmretry_')
kill "$xpid" 2>/dev/null
wait "$xpid" 2>/dev/null
[ "$served" -gt 0 ] && [ ! -s "$tmp/xq.err" ] && ok "quiet: export -q serves and says nothing" ||
	not_ok "quiet: export -q serves and says nothing" "$served series; $(cat "$tmp/xq.err")"

# --- stat's text ----------------------------------------------------------------------
"$MMR" stat -q --min-hold 0 -- "$GEN" file -n 64 >"$tmp/text.txt" 2>/dev/null
n=$(sed -n 's/^long holds and waits (>= 0 ns): \([0-9]*\).*/\1/p' "$tmp/text.txt")
listed=$(sed -n '/^long holds and waits/,/^$/p' "$tmp/text.txt" |
	grep -cE '^  [0-9]+/[0-9]+ .*: (read|write) (hold|wait) of ')
if [ "${n:-0}" -gt 0 ] && [ "$listed" -eq $((n < 10 ? n : 10)) ]; then
	ok "text: the long holds and waits counted are listed ($listed of $n)"
else
	not_ok "text: the long holds and waits counted are listed" \
		"$n counted, $listed listed: $(sed -n '/^long holds/,/^$/p' "$tmp/text.txt" | head -5)"
fi
if grep -q "acquisitions, .* of another process's mm$" "$tmp/text.txt" &&
	! grep -q ' remote$' "$tmp/text.txt"; then
	ok "text: the remote count says what it counts"
else
	not_ok "text: the remote count says what it counts" "$(grep acquisitions "$tmp/text.txt")"
fi
if "$MMR" probe --json | jq -se '.[0].capabilities.anon_vma.mode == null' >/dev/null 2>&1; then
	n=$(grep -cE '^anon_vma: n/a|^note: anon_vma' "$tmp/text.txt")
	[ "$n" -eq 1 ] && ok "text: anon_vma's n/a is said once" ||
		not_ok "text: anon_vma's n/a is said once" "$(grep anon_vma "$tmp/text.txt")"
else
	skip "text: anon_vma's n/a is said once" "anon_vma is traced on this kernel"
fi
grep -q 'p50 0 ns' "$tmp/text.txt" && not_ok "text: no quantiles of an empty histogram" \
	"$(grep 'p50 0 ns' "$tmp/text.txt")" || ok "text: no quantiles of an empty histogram"

# --- an output that is the input is refused, and the input kept ---------------------
sum=$(md5sum <"$tmp/r.rec")
"$MMR" report "$tmp/r.rec" -o "$tmp/r.rec" 2>"$tmp/e"
one_line "same file: report REC -o REC is refused" $? 2 "$tmp/e" "is the recording it reads"
"$MMR" dump "$tmp/r.rec" -o "$tmp/./r.rec" 2>"$tmp/e"
one_line "same file: dump REC -o REC (another spelling) is refused" $? 2 "$tmp/e" \
	"is the recording it reads"
ln -s "$tmp/r.rec" "$tmp/link.rec"
"$MMR" dump "$tmp/link.rec" -o "$tmp/r.rec" 2>"$tmp/e"
one_line "same file: dump through a symlink is refused" $? 2 "$tmp/e" "is the recording it reads"
[ "$(md5sum <"$tmp/r.rec")" = "$sum" ] && "$MMR" report "$tmp/r.rec" >/dev/null 2>&1 &&
	ok "same file: the recording is intact and readable" ||
	not_ok "same file: the recording is intact and readable"
"$MMR" stat -q --json -o "$tmp/a.json" -d 0.2 2>/dev/null
cp "$tmp/a.json" "$tmp/b.json"
"$MMR" compare "$tmp/a.json" "$tmp/b.json" -o "$tmp/b.json" 2>"$tmp/e"
one_line "same file: compare A B -o B is refused" $? 2 "$tmp/e" "is one of the reports it reads"
"$MMR" check --report "$tmp/a.json" --baseline "$tmp/base.json" --save-report "$tmp/a.json" \
	2>"$tmp/e" >/dev/null
one_line "same file: check --save-report over its --report is refused" $? 2 "$tmp/e" \
	"is the report it reads"
jq -se 'length == 1 and .[0].schema' "$tmp/a.json" >/dev/null 2>&1 &&
	ok "same file: the report is intact" ||
	not_ok "same file: the report is intact"

# --- options refused by position or combination -------------------------------------
"$MMR" compare "$tmp/a.json" "$tmp/b.json" --json >"$tmp/cmp.json" 2>"$tmp/e"
rc=$?
[ "$rc" -eq 0 ] && jq -se 'length == 1 and .[0].schema == "mmretry.compare/1"' "$tmp/cmp.json" \
	>/dev/null 2>&1 &&
	ok "options: compare A B --json (options after the reports)" ||
	not_ok "options: compare A B --json (options after the reports)" "exit $rc: $(cat "$tmp/e")"
"$MMR" stat -p 1 -c / -d 0.1 >/dev/null 2>"$tmp/e"
one_line "options: stat -p and -c together are refused" $? 2 "$tmp/e" "-c and -p cannot be combined"
"$MMR" stat -c / -- true >/dev/null 2>"$tmp/e"
one_line "options: stat -c and a command together are refused" $? 2 "$tmp/e" \
	"-c and a command cannot be combined"
# (accepted, it would trace for 3000 years: the timeout ends it)
timeout 10 "$MMR" stat -d 99999999999 >/dev/null 2>"$tmp/e"
one_line "options: stat -d beyond 30 days is refused" $? 2 "$tmp/e" "1ms to 30 days"
"$MMR" --frob >/dev/null 2>"$tmp/e"
one_line "options: mmretry --frob is an unknown option" $? 2 "$tmp/e" "unknown option '--frob'"

# --- wording ----------------------------------------------------------------------------
"$MMR" stat -q -- sh -c 'kill -KILL $$' >"$tmp/k.txt" 2>/dev/null
rc=$?
[ "$rc" -eq 137 ] && grep -q '^target .*(killed by SIGKILL)$' "$tmp/k.txt" &&
	ok "wording: a command killed by SIGKILL is said so (exit status 137)" ||
	not_ok "wording: a command killed by SIGKILL is said so" "exit $rc: $(grep target "$tmp/k.txt")"
"$MMR" stat -q --json -- sh -c 'kill -TERM $$' 2>/dev/null |
	jq -se 'length == 1 and .[0].target.signal == "SIGTERM"' >/dev/null && ok "wording: JSON names the signal" || not_ok "wording: JSON names the signal"
"$MMR" report "$tmp/r.rec" >"$tmp/rep.txt" 2>&1
head -n1 "$tmp/rep.txt" | grep -q '^mmretry report: ' && grep -q "^recorded $tmp/r.rec$" "$tmp/rep.txt" &&
	ok "wording: report's header is its own and names the recording" ||
	not_ok "wording: report's header is its own" "$(head -3 "$tmp/rep.txt")"
mode=$(jq -r '.modes.faults // empty' "$tmp/a.json")
if [ "$mode" = tracepoint ]; then
	grep -q "model replay. will refuse it" "$tmp/r.err" &&
		ok "wording: record in tracepoint mode says model replay will refuse it" ||
		not_ok "wording: record in tracepoint mode says model replay will refuse it" "$(cat "$tmp/r.err")"
else
	! grep -q "model replay" "$tmp/r.err" &&
		ok "wording: record in $mode mode does not warn about replay" ||
		not_ok "wording: record in $mode mode does not warn about replay" "$(cat "$tmp/r.err")"
fi
setpriv --reuid=65534 --regid=65534 --clear-groups "$MMR" probe >"$tmp/p.out" 2>"$tmp/p.err"
grep -q "not root" "$tmp/p.err" && grep -q 'faults .*unknown without root' "$tmp/p.out" &&
	! grep -q "no mode can trace faults here" "$tmp/p.out" &&
	ok "wording: probe without privileges says it needs root" ||
	not_ok "wording: probe without privileges says it needs root" "$(cat "$tmp/p.err"; grep faults "$tmp/p.out")"
"$MMR" probe >"$tmp/p.out" 2>&1
grep -qE 'Operation not permitted|No such file or directory' "$tmp/p.out" &&
	not_ok "wording: probe says what a refusal means, not raw errno text" \
		"$(grep -E 'Operation not|No such' "$tmp/p.out")" ||
	ok "wording: probe says what a refusal means, not raw errno text"

# --- report -o into a missing directory: the error, no crash --------------------------
"$MMR" report "$tmp/r.rec" -o /nonexistent/x 2>"$tmp/e" >/dev/null
rc=$?
one_line "report -o /nonexistent/x: one error line, no crash" $rc 4 "$tmp/e" "cannot write '/nonexistent/x'"

finish
