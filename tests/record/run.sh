#!/bin/bash
# tests/record/run.sh: mmretry record, report, dump and model replay, as
# root, in the mode MMRETRY_MODE says (default: the best this kernel has).
#
#  - bad input: one line, the documented exit status;
#  - a recording's report: rebuilt from its events, it matches the report
#    stat stored at its end (every mmap_lock figure; with fentry or kprobes,
#    every fault figure and the fault latency too), and so does --from-events;
#  - a recorder killed with SIGKILL leaves a readable recording, flushed
#    within the last second;
#  - replay (fentry, kprobe): a generator run replayed under the era of the
#    kernel it ran on gives the recorded figures within the tolerance
#    below, and under another era the difference the model predicts.
#
# Stated tolerance of a replay under its own era: each of attempts, faults,
# retries, each reason, completed, major and vma-lock attempts within
# max(4, 2%) of the recorded figure (the process's own start-up: what it
# faults on before and around exec is replayed too, and mremap/brk are not).
#
# Environment: MMRETRY_MODE, MMRETRY_RECORD_DATA (a file or block device
# for the file workload; default a file under TMPDIR), TMPDIR.
#
# Needs: root, a built ./mmretry and tools/mmretry-gen (make), jq.
# Prints: TAP (tests/lib.sh), a test point per check, with each replay's
#   table as comments, ending with the line "record: N passed, N failed";
#   exits 1 if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin record
MMR=$PWD/mmretry
GEN=$PWD/tools/mmretry-gen
MODE=${MMRETRY_MODE:-}

command -v jq >/dev/null || bail "jq is missing (make deps)"
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-record.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
DATA=${MMRETRY_RECORD_DATA:-$tmp/data}
mode_args=()
[ -n "$MODE" ] && mode_args=(--mode "$MODE")

# --- bad input ---------------------------------------------------------------
expect_fail() {	# expect_fail NAME STATUS PATTERN CMD...
	local name=$1 want=$2 pat=$3 rc
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$pat" "$tmp/err"; then
		ok "$name: exit $want, one line"
	else
		not_ok "$name: exit $want, one line matching '$pat'" "exit $rc: $(head -c 300 "$tmp/err")"
	fi
}
expect_fail "record without -o" 2 "record: say where: -o FILE" "$MMR" record -- true
expect_fail "record --json" 2 "writes no report" "$MMR" record -o "$tmp/x.mmr" --json -- true
expect_fail "record into an unwritable path" 4 "cannot write '/nonexistent/x.mmr'" \
	"$MMR" record -o /nonexistent/x.mmr -- true
expect_fail "record into a device" 2 "is not a regular file" "$MMR" record -o /dev/null -- true
expect_fail "report of a missing file" 2 "no.mmr" "$MMR" report "$tmp/no.mmr"
printf 'not a recording at all\n' >"$tmp/text.mmr"
expect_fail "report of a text file" 2 "offset 0" "$MMR" report "$tmp/text.mmr"
expect_fail "report without a file" 2 "report: needs a recording to read" "$MMR" report

# --- a recording and its report -----------------------------------------------
if ! "$MMR" record "${mode_args[@]}" -o "$tmp/file.mmr" -- "$GEN" -q file -n 256 -f "$DATA" \
	>/dev/null 2>"$tmp/rec.err"; then
	not_ok "record a file workload" "$(head -c 300 "$tmp/rec.err")"
	finish
	exit 1
fi
ok "record a file workload: $(tail -1 "$tmp/rec.err")"
mode=$("$MMR" dump --json "$tmp/file.mmr" | head -1 | jq -r .meta.modes.faults)
attempts=$("$MMR" dump --json "$tmp/file.mmr" | head -1 | jq -r .meta.attempts)
echo "# recorded in $mode mode (every attempt: $attempts)"
"$MMR" dump --json "$tmp/file.mmr" | jq -s '[.[] | select(.type == "report")][0].report' \
	>"$tmp/stored.json"
"$MMR" report --json "$tmp/file.mmr" >"$tmp/rebuilt.json"
"$MMR" report --json --from-events "$tmp/file.mmr" >"$tmp/events.json"
"$MMR" report "$tmp/file.mmr" >"$tmp/report.txt"
check "the stored report is stat's" '.schema == "mmretry.stat/1" and .faults.retries >= 256' \
	"$tmp/stored.json" .faults
lock='[.mmap_lock.read, .mmap_lock.write] | map({acquisitions, holds, trylock_failures, downgrades,
	wait: .wait_ns | {count, sum, max}, hold: .hold_ns | {count, sum, max}})'
for f in rebuilt events; do
	opt=; [ "$f" = events ] && opt=" --from-events"
	jq -c "$lock" "$tmp/$f.json" >"$tmp/$f.lock"
	jq -c "$lock" "$tmp/stored.json" >"$tmp/stored.lock"
	if cmp -s "$tmp/$f.lock" "$tmp/stored.lock"; then
		ok "report$opt: every mmap_lock figure as stat's, rebuilt from the holds"
	else
		not_ok "report ($f): mmap_lock figures as stat's" \
			"$(diff "$tmp/stored.lock" "$tmp/$f.lock" | head -c 600)"
	fi
done
faults='.faults | del(.inferred)'
if [ "$attempts" = true ]; then
	jq -c "$faults" "$tmp/events.json" >"$tmp/events.faults"
	jq -c "$faults" "$tmp/stored.json" >"$tmp/stored.faults"
	if cmp -s "$tmp/events.faults" "$tmp/stored.faults"; then
		ok "report --from-events: every fault figure as stat's, from the attempts"
	else
		not_ok "report --from-events: fault figures as stat's" \
			"$(diff "$tmp/stored.faults" "$tmp/events.faults" | head -c 600)"
	fi
else
	check "report --from-events: no fault counts in $mode mode (null, not 0)" \
		'.faults.faults == null and .faults.attempts == null' "$tmp/events.json" .faults
fi
jq -c "$faults" "$tmp/rebuilt.json" >"$tmp/rebuilt.faults"
jq -c "$faults" "$tmp/stored.json" >"$tmp/stored.faults"
if cmp -s "$tmp/rebuilt.faults" "$tmp/stored.faults"; then
	ok "report: every fault figure as stat's"
else
	not_ok "report: fault figures as stat's" "$(diff "$tmp/stored.faults" "$tmp/rebuilt.faults" | head -c 600)"
fi
# fault latency: rebuilt from the attempts and holds, the live figures to the
# bucket (fentry, kprobe); tracepoint mode's lock wait alone, from the stored report
lat='.fault_latency'
jq -c "$lat" "$tmp/stored.json" >"$tmp/stored.lat"
for f in rebuilt events; do
	opt=; [ "$f" = events ] && opt=" --from-events"
	jq -c "$lat" "$tmp/$f.json" >"$tmp/$f.lat"
	if [ "$attempts" != true ] && [ "$f" = events ]; then
		check "report --from-events: no fault latency in $mode mode (null)" \
			'.fault_latency == null' "$tmp/events.json" .fault_latency
	elif cmp -s "$tmp/$f.lat" "$tmp/stored.lat"; then
		ok "report$opt: fault latency as stat's, every count, sum and bucket"
	else
		not_ok "report ($f): fault latency as stat's" \
			"$(diff <(jq . "$tmp/stored.lat") <(jq . "$tmp/$f.lat") | head -c 800)"
	fi
done
if [ "$attempts" = true ]; then
	# (and the re-take's wait: the comparison above joined lock holds to retries)
	check "stat timed the retried faults it recorded, and the re-takes' waits" \
		'.fault_latency.user.retried.count >= 256 and
		 .fault_latency.retry_ns.file_io.count >= 256 and
		 .fault_latency.retry_gap_ns.file_io.count >= 256 and
		 .fault_latency.retry_lock_wait_ns.file_io.count > 0' \
		"$tmp/stored.json" '.fault_latency | {r: .user.retried.count, w: .retry_lock_wait_ns.file_io.count}'
	jq -r '.fault_latency | "# retried faults \(.user.retried.count), p99 \(.user.retried.p99) ns; " +
		"re-take waits \(.retry_lock_wait_ns.file_io.count), sum \(.retry_lock_wait_ns.file_io.sum) ns"' \
		"$tmp/stored.json"
fi
check "report: the process's retries, its leading reason" \
	'[.processes[] | select(.comm == "mmretry-gen")][0].retries >= 256' "$tmp/rebuilt.json" .processes
check "report: the command and its exit status" \
	'.target.kind == "command" and .target.exit_status == 0 and .target.argv[1] == "-q"' \
	"$tmp/rebuilt.json" .target
if grep -q "^target   $GEN -q file" "$tmp/report.txt" && grep -q "file_io" "$tmp/report.txt"; then
	ok "report (text): target and reasons"
else
	not_ok "report (text): target and reasons" "$(head -c 400 "$tmp/report.txt")"
fi

# --- dump -----------------------------------------------------------------------
"$MMR" dump "$tmp/file.mmr" >"$tmp/dump.txt" 2>"$tmp/dump.err"
"$MMR" dump --json "$tmp/file.mmr" >"$tmp/dump.jsonl" 2>>"$tmp/dump.err"
types=$(jq -r .type "$tmp/dump.jsonl" | sort -u | paste -sd, -)
want="lock_op mm task report"
[ "$attempts" = true ] && want="$want attempt"
missing=
for t in $want; do
	echo ",$types," | grep -q ",$t," || missing="$missing $t"
done
if [ -z "$missing" ] && [ "$(wc -l <"$tmp/dump.txt")" -eq "$(wc -l <"$tmp/dump.jsonl")" ]; then
	ok "dump: a line per record, text and JSON alike ($(wc -l <"$tmp/dump.txt") lines: $types)"
else
	not_ok "dump: every record type expected, a line per record" "types $types; missing$missing"
fi
jq -s . "$tmp/dump.jsonl" >"$tmp/dump.json"
check "dump: mmap events carry the mapped range" \
	'[.[] | select(.type == "mm" and .op == "mmap")] | length > 0 and all(.len > 0)' \
	"$tmp/dump.json" '[.[] | select(.type == "mm")][:3]'


# --- a recorder killed mid-run ---------------------------------------------------
"$MMR" record "${mode_args[@]}" -o "$tmp/killed.mmr" -- "$GEN" -q mapping -n 16000000 \
	>/dev/null 2>&1 &
rec=$!
# until the recording has been flushed once (loading takes seconds under
# TCG), then two seconds more
i=0
while [ "$i" -lt 120 ]; do
	sleep 1	# whole seconds: busybox's sleep may take no fraction
	# (jq -n 'input': jq 1.6's -e passes an empty input)
	"$MMR" dump --json "$tmp/killed.mmr" 2>/dev/null | head -1 |
		jq -e -n 'input | .records > 0' >/dev/null 2>&1 && break
	i=$((i + 1))
done
sleep 2
kill -KILL "$rec" 2>/dev/null
wait "$rec" 2>/dev/null
pkill -KILL -f "mmretry-gen -q mapping -n 16000000" 2>/dev/null
if "$MMR" report --json "$tmp/killed.mmr" >"$tmp/killed.json" 2>"$tmp/killed.err"; then
	check "a recorder killed with SIGKILL: its recording reads, up to its last flush" \
		'(.notes | any(test("ends early"))) and .mmap_lock.write.holds > 1000' \
		"$tmp/killed.json" '{notes, w: .mmap_lock.write.holds}'
	hdr=$("$MMR" dump --json "$tmp/killed.mmr" 2>/dev/null | head -1)
	if echo "$hdr" | jq -e -n 'input | .records > 0 and .end_ns == 0 and (.flags % 2) == 0' \
		>/dev/null 2>&1; then
		ok "its header: records flushed, no clean end"
	else
		not_ok "its header: records flushed, no clean end" "$hdr"
	fi
else
	not_ok "a recorder killed with SIGKILL: its recording reads" "$(head -c 300 "$tmp/killed.err")"
fi

# --- replay -----------------------------------------------------------------------
era=$("$MMR" model run gen-anon --policy auto --scale 0.01 --json | jq -r .target.policy)
if [ "$attempts" != true ]; then
	expect_fail "model replay of a $mode recording" 2 "needs a recording made with fentry or kprobes" \
		"$MMR" model replay "$tmp/file.mmr"
	skip "replay" "$mode mode records retries, not every attempt (needs fentry or kprobes)"
else
	case $era in
	per-vma) other=completed ;;
	*) other=per-vma ;;
	esac
	replay() {	# replay NAME WORKLOAD...
		local name=$1
		shift
		if ! "$MMR" record "${mode_args[@]}" -o "$tmp/$name.mmr" -- "$GEN" -q "$@" >/dev/null 2>&1 ||
		   ! "$MMR" model replay "$tmp/$name.mmr" --policies "$era,$other,retry" --json \
			>"$tmp/$name.replay.json" 2>"$tmp/$name.err"; then
			not_ok "$name: record and replay" "$(head -c 300 "$tmp/$name.err")"
			return 1
		fi
		"$MMR" model replay "$tmp/$name.mmr" --policies "$era,$other" | sed -n '4,$p' | sed 's/^/#/'
		# what replay sets beside the replays is the recording's own report
		# (one process: the generator, which forks nothing here)
		"$MMR" report --json "$tmp/$name.mmr" >"$tmp/$name.report.json"
		check "$name: replay's recorded column is the recording's report" '
			def figs: .faults | [.attempts, .faults, .retries, .completed, .major,
				.vma_lock_attempts] + [.retry_reasons[]];
			(.recorded | figs) == ($report[0] | figs)' "$tmp/$name.replay.json" \
			'{replay: .recorded.faults, report: $report[0].faults}' \
			--slurpfile report "$tmp/$name.report.json"
		# own era: every figure within max(4, 2%) of the recorded
		check "$name: replayed under $era, the era of its kernel, as recorded (within max(4, 2%))" '
			def figs: .faults | [.attempts, .faults, .retries, .completed, .major,
				.vma_lock_attempts] + [.retry_reasons[]];
			(.recorded | figs) as $r | (.replays[0].report | figs) as $m
			| [range($r | length)] | all(($r[.] - $m[.]) | fabs <= ([4, $r[.] * 0.02] | max))' \
			"$tmp/$name.replay.json" \
			'{recorded: .recorded.faults, replayed: .replays[0].report.faults}'
	}
	if replay file file -n 256 -f "$DATA"; then
		if [ "$era" = per-vma ]; then
			check "file: under completed (before per-VMA locks) no attempt under a VMA lock, the same file_io retries" \
				'.replays[1].report.faults as $o | .recorded.faults as $r |
				 $o.vma_lock_attempts == 0 and $r.vma_lock_attempts > 256 and
				 $o.retry_reasons.file_io == $r.retry_reasons.file_io' "$tmp/file.replay.json"
		else
			check "file: under per-vma the faults start under VMA locks, recorded none" \
				'.replays[1].report.faults.vma_lock_attempts > 256 and .recorded.faults.vma_lock_attempts == 0' \
				"$tmp/file.replay.json"
		fi
	fi
	if replay memfd memfd -n 200; then
		check "memfd: under retry (before 5.19) each shared write retries instead of completing" \
			'.recorded.faults.completed >= 200 and .replays[2].report.faults.completed == 0 and
			 .replays[2].report.faults.retry_reasons.other >= 200' "$tmp/memfd.replay.json"
	fi
	replay uffd uffd -n 50 &&
		check "uffd: 50 userfaultfd retries replayed" \
			'.replays[0].report.faults.retry_reasons.userfaultfd == 50' "$tmp/uffd.replay.json"
fi

finish
