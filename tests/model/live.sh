#!/bin/bash
# tests/model/live.sh: the model's prediction against the running kernel,
# as root. For each generator workload with a model scenario, the model runs
# under the running kernel's era (--policy auto); a baseline made of its
# figures, with the tolerances below, judges the live run (mmretry check);
# mmretry compare prints both. A figure the live mode cannot see is left out
# (tracepoint mode sees no completions, and file_io only on newer kernels).
#
# Stated tolerances, a profile per figure (FIGS below): the live process
# also faults while it starts (exec, ld.so, libc: about 130 faults here, a
# few of them reading pages), so a live count may exceed the model's by
# START (start: faults, mmap_lock read holds) or SLACK (slack: retries,
# major, completions; wslack: 4 x SLACK mmap_lock write holds, the loader's
# mmap() calls), never fall short of it; exact: equal; upto: from 0 to the
# model's (what timing may avoid: a read that ends before the fault looks),
# uptoslack: from 0 to the model's + SLACK; some: none where the model
# predicts none, else at least one (how many depends on the machine's
# timing: a producer the model and the kernel agree this workload meets).
# Figures that depend on the machine's speed (how many rounds one thread
# makes while another holds a lock, how long a hold is) are not compared.
#
# Environment: MMRETRY_MODEL_REPORTS (a directory of reports that
# tests/live/run.sh kept with MMRETRY_LIVE_KEEP: a workload it traced with
# the same options is judged from its report, see kept()),
# MMRETRY_MODE (the mode to trace with), MMRETRY_MODEL_DATA (a
# file or block device for the file workload; default: a file under
# TMPDIR, which must not be tmpfs), MMRETRY_MODEL_PAGELOCK_DATA (for
# pagelock: a device whose reads complete later, null_blk; default the
# same), MMRETRY_LOCK_MIB (the wrhold and blocker regions, default 256),
# TMPDIR.
#
# Needs: root, a built ./mmretry and tools/mmretry-gen (make), jq; a
#   writable /proc/sys/vm/compact_memory for rmapfan (else skipped).
# Prints: TAP (tests/lib.sh), a test point per workload, each preceded by
#   mmretry compare's rows of the figures it judges (comments), ending with
#   the line "model: N passed, N failed"; exits 1 if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin model
MMR=$PWD/mmretry
GEN=$PWD/tools/mmretry-gen
MODE=${MMRETRY_MODE:-}
START=${MMRETRY_MODEL_START:-512}
SLACK=${MMRETRY_MODEL_SLACK:-16}

command -v jq >/dev/null || bail "jq is missing (make deps)"
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-model.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
DATA=${MMRETRY_MODEL_DATA:-$tmp/data}
PAGELOCK_DATA=${MMRETRY_MODEL_PAGELOCK_DATA:-$DATA}
LOCK_MIB=${MMRETRY_LOCK_MIB:-256}
MODEL_ARGS=()
mode_args=()
[ -n "$MODE" ] && mode_args=(--mode "$MODE")
# the anon_vma hooks take seconds to attach under TCG: only where predicted
trace_args=("${mode_args[@]}" --no-anon-vma)
policy=$("$MMR" model run gen-anon --policy auto --scale 0.01 --json | jq -r .target.policy)
echo "# kernel $(uname -r): era $policy"

# the figures compared by default, PATH=PROFILE
DEFAULT_FIGS="faults.faults=start faults.retries=slack faults.major=slack
	faults.completed=slack faults.retry_reasons.file_io=slack mmap_lock.write.holds=wslack
	mmap_lock.read.holds=start mmap_lock.write.downgrades=slack anon_vma.chain_length.max=exact"
FIGS=$DEFAULT_FIGS

# Fault latency (fentry and kprobe modes: tracepoint mode times no fault,
# and its report's fault_latency.user is null: those test points are skipped,
# saying so). LAT: the figures compared, PATH=PROFILE under fault_latency,
# faults counted by outcome and retry times by reason, with the profiles
# above (the live process's start-up faults: one_attempt START, the rest
# SLACK). Each is also predicted under every merged era (ERAS, oldest
# first): the live run must fit its own era's predictions, and the test
# point lists every era it fits, so an era change the model predicts (a
# retry that became COMPLETED, a vdso fault the VMA lock sends back under
# mmap_lock) is held against the kernel that made it. Durations are not
# compared as numbers: the model's costs are a fast machine's (a 100 us
# disk read), the guests' a TCG emulation's and a ram disk's. LAT_TIME=1
# where the model's first attempt waits for something with a time of its
# own live too (null_blk's 2 ms read, a userfaultfd handler's round trip):
# the retried faults' time up to their RETRY must outweigh the retry time
# after it (the lock retaken, the page mapped), as the model predicts by
# 10x or more there; the tolerance is the ordering alone.
DEFAULT_LAT="user.one_attempt.count=start user.retried.count=slack user.completed.count=slack
	user.major.count=slack kernel.retried.count=slack retry_ns.file_io.count=slack
	retry_ns.page_lock.count=slack retry_ns.userfaultfd.count=slack
	retry_ns.vma_fallback.count=slack retry_ns.other.count=slack"
LAT=$DEFAULT_LAT
LAT_TIME=
# MMRETRY_MODEL_ERAS=auto (the VM matrix in make test): the kernel's own era
# alone, which decides the test point; the others only list what else fits
ERAS=${MMRETRY_MODEL_ERAS:-legacy,nopage-retry,retry,completed,per-vma}
[ "$ERAS" = auto ] && ERAS=$policy

# latency_live NAME SCENARIO: the live report's fault latency against the
# model's under each era (LAT, LAT_TIME above); one jq run, whose lines are
# comments ("#...") then "counts RESULT FITS DETAIL" and "time RESULT TEXT"
# (a guest's jq starts slowly under TCG)
latency_live() {
	local name=$1 scenario=$2 line kind res rest
	if ! "$MMR" model compare "$scenario" --policies "$ERAS" "${MODEL_ARGS[@]}" --json \
		-o "$tmp/$name.eras.json" 2>"$tmp/$name.err"; then
		not_ok "$name: model compare" "$(head -c 300 "$tmp/$name.err")"
		return
	fi
	jq -rn --slurpfile live "$tmp/$name.live.json" --slurpfile eras "$tmp/$name.eras.json" \
		--slurpfile m "$tmp/$name.model.json" --arg era "$policy" --arg time "$LAT_TIME" \
		--argjson start "$START" --argjson slack "$SLACK" --arg figs "$LAT" '
		def within($m; $l; $prof):
			{start: [$m, $m + $start], slack: [$m, $m + $slack], exact: [$m, $m],
			 upto: [0, $m], uptoslack: [0, $m + $slack],
			 some: (if $m == 0 then [0, 0] else [1, infinite] end)}[$prof] as $r
			| if $r == null then error("no profile \($prof)") else . end
			| $l >= $r[0] and $l <= $r[1];
		# the retried faults time up to their first RETRY, and after it
		def parts: .fault_latency | (.user.retried.sum + .kernel.retried.sum) as $d
			| ([.retry_ns[].sum] | add) as $r | {before: ($d - $r), after: $r};
		if $live[0].fault_latency.user == null then
			"null \($live[0].modes.faults)"
		else
		[$figs | splits("[ \t\n]+") | select(. != "") | split("=")
		 | (.[0] | split(".")) as $p | .[1] as $prof
		 | ($live[0].fault_latency | getpath($p)) as $l
		 | {path: .[0], live: $l,
		    eras: [$eras[0][] | {era: .target.policy, model: (.fault_latency | getpath($p))}
			   | . + {fits: within(.model; $l; $prof)}]}] as $f
		| [$eras[0][].target.policy as $e
		   | select(all($f[]; .eras[] | select(.era == $e) | .fits)) | $e] as $fits
		| ($f[] | select(.live != 0 or any(.eras[]; .model != 0))
		   | "#  fault_latency.\(.path): live \(.live); model " +
		     ([.eras[] | "\(.era) \(.model)"] | join(", "))),
		  "counts \(if $fits | index($era) then "ok" else "fail" end) \($fits | join(","))" +
		  " \([$f[] | {path, live, model: (.eras[] | select(.era == $era) | .model)}] | tojson)",
		  ({model: ($m[0] | parts), live: ($live[0] | parts)} | select($time != "")
		   | "#  retried faults\u0027 time before and after their RETRY (ns): \(tojson)",
		     "time " + if .live.after == 0 then "skip"
			elif .model.before < 10 * .model.after or .model.after == 0 then "badmodel \(.model | tojson)"
			elif .live.before > .live.after then
				"ok live \(.live.before / .live.after | floor)x, model \(.model.before / .model.after | floor)x"
			else "fail \(tojson)" end)
		end
	' >"$tmp/$name.lat" 2>"$tmp/$name.err" ||
		{ not_ok "$name: fault latency compared" "$(cat "$tmp/$name.err")"; return; }
	while IFS= read -r line; do
		kind=${line%% *} rest=${line#* }
		res=${rest%% *} rest=${rest#* }
		case $kind in
		"#"*) echo "$line" ;;
		null)
			skip "$name: fault latency as the model predicts" \
				"the live report's fault durations are null: $res mode times no fault (fentry and kprobes do)"
			[ -n "$LAT_TIME" ] && skip "$name: the wait before the retry outweighs the retry time" \
				"the live report's fault durations are null"
			;;
		counts)
			if [ "$res" = ok ]; then
				ok "$name: fault latency's counts as the model predicts for $policy (fits: ${rest%% *})"
			else
				not_ok "$name: fault latency's counts as the model predicts for $policy" \
					"fits: $rest"
			fi
			;;
		time)
			case $res in
			ok) ok "$name: the wait before the retry outweighs the retry time, as the model predicts ($rest)" ;;
			skip) skip "$name: the wait before the retry outweighs the retry time" \
				"no retried fault live: nothing waited (a device whose reads end at once?)" ;;
			badmodel) not_ok "$name: the model predicts the wait before the retry outweighs the retry time" "$rest" ;;
			*) not_ok "$name: the wait before the retry outweighs the retry time, as the model predicts" "$rest" ;;
			esac
			;;
		esac
	done <"$tmp/$name.lat"
}

# kept NAME STAT-ARGS... -- GEN GEN-ARGS...: whether tests/live/run.sh kept
# a report of this very run in MMRETRY_MODEL_REPORTS (its NAME.key, from
# tests/lib.sh's run_key: the same options and workload, the data path
# aside); then it is $tmp/NAME.live.json and $tmp/NAME.gen, and the workload
# is not traced a second time
kept() {
	local name=$1 dir=${MMRETRY_MODEL_REPORTS:-}
	shift
	[ -n "$dir" ] && [ -s "$dir/$name.key" ] || return 1
	[ "$(run_key "$@")" = "$(cat "$dir/$name.key")" ] || return 1
	cp "$dir/$name.json" "$tmp/$name.live.json" && cp "$dir/$name.gen" "$tmp/$name.gen" &&
		echo "# $name: the live tests' report of the same run"
}

# compare_live NAME SCENARIO GEN-ARGS...: model and live reports, then a
# baseline from the model's figures (FIGS) judges the live one
compare_live() {
	local name=$1 scenario=$2
	shift 2
	if ! "$MMR" model run "$scenario" --policy auto "${MODEL_ARGS[@]}" --json \
		-o "$tmp/$name.model.json" 2>"$tmp/$name.err"; then
		not_ok "$name: model run" "$(head -c 300 "$tmp/$name.err")"
		return
	fi
	if ! kept "$name" "${trace_args[@]}" -- "$@" &&
		! "$MMR" stat "${trace_args[@]}" --json -o "$tmp/$name.live.json" -- "$@" >/dev/null 2>"$tmp/$name.err"; then
		not_ok "$name: live run" "$(head -c 300 "$tmp/$name.err")"
		return
	fi
	if ! jq -e "$NEED" "$tmp/$name.live.json" >/dev/null; then
		skip "$name: live within the model's prediction" \
			"the live report lacks what it predicts ($NEED is false: anon_vma needs fentry or kprobes)"
		return
	fi
	# each figure both reports have (not null), its limits from the model's
	jq -r --slurpfile live "$tmp/$name.live.json" --argjson start "$START" --argjson slack "$SLACK" \
		--arg figs "$FIGS" '
		. as $model
		| def fig($path; $prof):
			($path | split(".")) as $p
			| ($model | getpath($p)) as $m | ($live[0] | getpath($p)) as $l
			| select($m != null and $l != null)
			| {start: [$m, $m + $start], slack: [$m, $m + $slack], wslack: [$m, $m + 4 * $slack],
			   exact: [$m, $m], upto: [0, $m], uptoslack: [0, $m + $slack],
			   some: (if $m == 0 then [0, 0] else [1, null] end)}[$prof] as $r
			| if $r == null then error("no profile \($prof)") else . end
			| "  \($path): {value: \($m), min: \($r[0])" +
			  (if $r[1] == null then "}" else ", max: \($r[1])}" end);
		"mmretry_baseline: 1", "metrics:",
		($figs | splits("[ \t\n]+") | select(. != "") | split("=") | fig(.[0]; .[1]))
	' "$tmp/$name.model.json" >"$tmp/$name.yml" || { not_ok "$name: baseline from the model"; return; }
	local paths
	paths=$(echo $FIGS | tr ' ' '\n' | sed 's/=.*//' | paste -sd'|' | sed 's/\./\\./g')
	"$MMR" compare "$tmp/$name.model.json" "$tmp/$name.live.json" |
		grep -E "^  ($paths) " | sed 's/^/#  /'
	if "$MMR" check --baseline "$tmp/$name.yml" --report "$tmp/$name.live.json" >"$tmp/$name.check" 2>&1; then
		ok "$name: live within the model's prediction ($(grep -c '^  [a-z]' "$tmp/$name.yml") figures, $policy)"
	else
		not_ok "$name: live within the model's prediction ($policy)" "$(cat "$tmp/$name.check")"
	fi
	[ -n "$LAT" ] && latency_live "$name" "$scenario"
	return 0
}

NEED=true
compare_live file gen-file "$GEN" -q file -n 4096 -f "$DATA"
compare_live memfd gen-memfd "$GEN" -q memfd -n 1000
compare_live anon gen-anon "$GEN" -q anon -n 4096 -r 1
compare_live mapping gen-mapping "$GEN" -q mapping -n 100000
LAT_TIME=1	# the handler's round trip, then a retry that finds the page
compare_live uffd gen-uffd "$GEN" -q uffd -n 100
LAT_TIME=
# the readahead may finish before the fault looks: 0 to 64 page_lock retries
# (and as many major faults: a retried fault is major, FAULT_FLAG_TRIED)
FIGS="faults.faults=start faults.retries=uptoslack faults.retry_reasons.page_lock=upto
	faults.major=slack faults.completed=slack"
LAT="user.one_attempt.count=start user.retried.count=uptoslack retry_ns.page_lock.count=upto
	user.completed.count=slack user.major.count=uptoslack"
LAT_TIME=1	# the read in flight (null_blk: 2 ms), then a retry that maps it
compare_live pagelock gen-pagelock "$GEN" -q pagelock -n 64 -f "$PAGELOCK_DATA"
LAT_TIME=
LAT=$DEFAULT_LAT
# each child faults on its own too (its stack, libc's data: COW), and its
# mm is write-locked by fork and exit: write holds are not compared
FIGS="faults.faults=start faults.retries=slack faults.retry_reasons.vma_fallback=slack
	faults.major=slack faults.completed=slack mmap_lock.read.holds=start"
compare_live vdso gen-vdso "$GEN" -q vdso -n 16
FIGS="faults.faults=start faults.retries=slack faults.mmap_lock_attempts=start
	mmap_lock.read.holds=start faults.major=slack faults.completed=slack"
LAT="$DEFAULT_LAT kernel.one_attempt.count=start"
compare_live kread gen-kread "$GEN" -q kread -n 1024
# how many rounds the mappers and the faulter make while mprotect() holds
# the lock depends on the machine (and on rwsem lock stealing, which the
# model's FIFO queue does not do), and so do the retries of a mapper's first
# fault in a fresh mapping (anon_vma, when it does not merge with a
# neighbour and mmap_lock is write-held: 4 to 1,590 in six runs here): only
# what no timing changes, no fault waiting for I/O or a handler
FIGS="faults.major=slack faults.completed=slack faults.retry_reasons.file_io=slack
	faults.retry_reasons.page_lock=slack faults.retry_reasons.swap=slack
	faults.retry_reasons.userfaultfd=slack"
# the region's population (MADV_POPULATE_WRITE): GUP's faults, the kernel's
LAT="user.completed.count=slack user.major.count=slack retry_ns.file_io.count=slack
	retry_ns.page_lock.count=slack retry_ns.userfaultfd.count=slack
	kernel.one_attempt.count=start"
MODEL_ARGS=(--scale "$(awk -v m="$LOCK_MIB" 'BEGIN { print m / 256 }')")
compare_live wrhold gen-wrhold "$GEN" -q wrhold -n 16 -s "$LOCK_MIB"
FIGS="faults.faults=start faults.retries=slack faults.major=slack faults.completed=slack
	mmap_lock.write.holds=wslack mmap_lock.write.downgrades=slack"
LAT="$DEFAULT_LAT kernel.one_attempt.count=start"
compare_live blocker gen-blocker "$GEN" -q blocker -n 16 -s "$LOCK_MIB"
MODEL_ARGS=()
# the retry producers of issue 21 (mmretry-gen swapin, holepunch, anonprep):
# whether each retries at all, for the reason the model gives, and no more
# than the model's count (upto: its count is the most; some: how many is
# the machine's timing). LAT: none compared (the model's counts of retried
# faults are the most, not a prediction). The live tests' group producers
# runs the same workloads with the same arguments: in the VM matrix their
# reports are judged (kept()), not traced again.
LAT=
# swapin: with vm.page-cluster=0 (the model's one-page window): a swap
# retry per swap-in read from 6.6, none before (the read is polled); live,
# reclaim leaves some pages in the swap cache (no read, no retry), so up to
# the model's 512
FIGS="faults.retry_reasons.swap=some faults.retries=uptoslack faults.major=uptoslack"
pc=/proc/sys/vm/page-cluster
cgmount=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ "$(awk 'NR > 1' /proc/swaps 2>/dev/null | wc -l)" -gt 0 ] && [ -w "$pc" ] &&
   [ -n "$cgmount" ] && grep -qw memory "$cgmount/cgroup.controllers" 2>/dev/null; then
	was=$(cat "$pc")
	echo 0 >"$pc"
	compare_live swapin gen-swapin "$GEN" -q swapin -n 512 -s 1
	echo "$was" >"$pc"
else
	skip "swapin: live within the model's prediction" \
		"needs swap, a writable $pc and the cgroup2 memory controller (tools/vmtest's guests)"
fi
# holepunch: at most a shmem retry a punch (48), at least one
FIGS="faults.retry_reasons.shmem=some faults.retries=uptoslack faults.major=slack"
compare_live holepunch gen-holepunch "$GEN" -q holepunch -n 48 -s 4
# anonprep: anon_vma retries under the VMA lock (6.7+), none before; the
# region's population (MADV_POPULATE_WRITE) and the 256 first writes
FIGS="faults.retry_reasons.anon_vma=some faults.retries=uptoslack faults.major=slack"
compare_live anonprep gen-anonprep "$GEN" -q anonprep -n 256 -s 16
LAT=$DEFAULT_LAT
FIGS=$DEFAULT_FIGS

LAT=	# forktree models no fault
# chain lengths need the anon_vma tracer (fentry or kprobes)
NEED='.anon_vma != null'
FIGS=$DEFAULT_FIGS
trace_args=("${mode_args[@]}" --min-chain 0)
compare_live forktree gen-forktree "$GEN" -q forktree -n 6

# rmapfan: the walks compaction makes of the region's pages, streamed
# (--min-fanout 5), against the model's walkers: each walk visits the 5 VMAs,
# all mapping the page (exact), by both walkers; the chains are as long as
# the model's
rmapfan_live() {
	local name=rmapfan
	if ! "$MMR" model run gen-rmapfan --policy auto --json -o "$tmp/$name.model.json" 2>"$tmp/$name.err"; then
		not_ok "$name: model run" "$(head -c 300 "$tmp/$name.err")"
		return
	fi
	if ! kept "$name" "${mode_args[@]}" --min-fanout 5 --ringbuf-size 8M -- "$GEN" rmapfan -n 4 &&
		! "$MMR" stat "${mode_args[@]}" --min-fanout 5 --ringbuf-size 8M --json \
		-o "$tmp/$name.live.json" -- "$GEN" --json rmapfan -n 4 >"$tmp/$name.gen" 2>"$tmp/$name.err"; then
		not_ok "$name: live run" "$(head -c 300 "$tmp/$name.err")"
		return
	fi
	if ! jq -e "$NEED" "$tmp/$name.live.json" >/dev/null; then
		skip "$name: the region's walks as the model predicts" "anon_vma needs fentry or kprobes"
		return
	fi
	local pid start moved
	pid=$(jq -s '.[0].pid' "$tmp/$name.gen")
	start=$(jq -s '.[0].observed.region.start' "$tmp/$name.gen")
	moved=$(jq -s '.[0].observed.moved' "$tmp/$name.gen")
	jq -n --slurpfile m "$tmp/$name.model.json" --slurpfile l "$tmp/$name.live.json" \
		--argjson pid "$pid" --argjson start "$start" '
		($m[0].anon_vma) as $ma
		| [$l[0].anon_vma.walk_events[] | select(.pid == $pid and .vma.start == $start)] as $w
		| {model: {walkers: [$ma.walkers[].walker], vmas: $ma.rmap_walk_vmas.max,
			   mapped: $ma.rmap_walk_mapped.max, chain: $ma.chain_length.max},
		   live: {walks: ($w | length), walkers: ($w | map(.walker) | unique),
			  vmas: ($w | map(.vmas) | unique), mapped: ($w | map(.mapped) | unique),
			  chain: $l[0].anon_vma.chain_length.max}}' >"$tmp/$name.cmp"
	echo "#  $(jq -c . "$tmp/$name.cmp") (pages moved: $moved)"
	if jq -e '.live.walks > 0 and .live.vmas == [.model.vmas] and .live.mapped == [.model.mapped]
		  and .live.walkers == (.model.walkers | sort) and .live.chain == .model.chain' \
		"$tmp/$name.cmp" >/dev/null; then
		ok "$name: every walk of the region visits the model's $(jq .model.vmas "$tmp/$name.cmp") VMAs, all mapping, by its walkers; chains as long ($policy)"
	else
		not_ok "$name: the region's walks as the model predicts ($policy)" "$(jq -c . "$tmp/$name.cmp")"
	fi
}

if [ "$(id -u)" -eq 0 ] && [ -w /proc/sys/vm/compact_memory ]; then
	rmapfan_live
else
	skip "rmapfan: the region's walks as the model predicts" \
		"compaction needs root and /proc/sys/vm/compact_memory"
fi

finish
