#!/bin/bash
# tests/live/run.sh: mmretry against the running kernel, as root.
#
# Each test runs a tools/mmretry-gen workload under `mmretry stat --json`
# and checks the report against what the workload knows it produced. The
# expectations depend on the mode the report says it used: fentry and kprobe
# figures are exact, tracepoint figures are inferred or unavailable (null).
#
# Environment:
#   MMRETRY_MODE  force a mode (fentry, kprobe, tracepoint); default: auto
#   MMRETRY_DATA  four files or block devices (space-separated) for the
#                 file-backed workloads; default: files in a temporary
#                 directory under /var/tmp (not tmpfs)
#   MMRETRY_PAGELOCK_DATA  a file or block device whose reads complete
#                 asynchronously, for page-lock waits (default: the first of
#                 MMRETRY_DATA; a ram disk completes reads synchronously)
#   MMRETRY_TIMED_DATA  a file or block device for the fault-duration checks
#                 (default: MMRETRY_PAGELOCK_DATA)
#   MMRETRY_TIMED_DELAY_NS  how long its reads take at least (null_blk's
#                 completion_nsec); unset: that check is skipped
#   TMPDIR        where reports go (default /var/tmp)
#   MMRETRY_SLACK retries a process's own start-up may add (default 8)
#   MMRETRY_LOCK_MIB  MiB the mmap_lock workloads populate and walk (default
#                 64; QEMU's TCG is slower, a quarter of it is enough there)
#   MMRETRY_LIVE_SKIP  groups of checks to leave out (lock, cli, filter, walks;
#                 see group())
#   MMRETRY_LIVE_KEEP  a directory to keep each workload's report in (keep_report)
#
# Needs: root, a built ./mmretry and tools/mmretry-gen (make), jq, bpftool;
#   setpriv (util-linux) for the privilege check, a writable cgroup2 mount
#   for -c (else skipped).
# Prints: TAP (tests/lib.sh), a test point per check, ending with the line
#   "live: N passed, N failed"; exits 1 if a check failed.
set -u
cd /mmretry
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin live

MMR=./mmretry
GEN=./tools/mmretry-gen
MODE=${MMRETRY_MODE:-}
SLACK=${MMRETRY_SLACK:-8}
LOCK_MIB=${MMRETRY_LOCK_MIB:-64}

[ "$(id -u)" -eq 0 ] || bail "needs root"
for f in "$MMR" "$GEN"; do
	[ -x "$f" ] || bail "$f is not built (run make)"
done

tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-live.XXXXXX")
cg=
cleanup() {
	[ -n "$cg" ] && rmdir "$cg" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
read -r -a data <<<"${MMRETRY_DATA:-$tmp/d0 $tmp/d1 $tmp/d2 $tmp/d3}"
[ "${#data[@]}" -eq 4 ] || bail "MMRETRY_DATA needs four paths"
DATA=${data[0]}

# check NAME JQ-EXPR FILE [SHOW] (tests/lib.sh): on failure, SHOW says what
# was there, by default the fault figures
CHECK_SHOW='.faults // .'

# group NAME: whether the checks of group NAME run. MMRETRY_LIVE_SKIP names
# groups left out, as the VM matrix does in a mode where they cannot differ
# from the others: lock (the mmap_lock tracer, tracepoints in every mode),
# cli (exit statuses, usage errors and -d, in the default mode whatever
# MMRETRY_MODE says), filter (-p, -c and a full ring buffer: kprobe and
# fentry programs share their handlers, tracepoint mode has its own), walks
# (rmap walks under compaction: the anon_vma handlers are shared too), stall
# (readers' retries behind a writer, the slowest faults' blocker: the lock
# group's too), knob (--no-latency's programs and report), preempt (exact
# counts with more busy threads than CPUs: fentry's preemption guards), light
# (--mode light, which ignores MMRETRY_MODE), cgroups (stat --by cgroup in
# cgroups the test makes)
group() {
	case " ${MMRETRY_LIVE_SKIP:-} " in
	*" $1 "*)
		skip "$1 checks" "MMRETRY_LIVE_SKIP (tests/vm/run says where they run)"
		return 1 ;;
	esac
}

mode_args=()
[ -n "$MODE" ] && mode_args=(--mode "$MODE")
# the anon_vma hooks (fentry/kprobes on mm/rmap.c) take seconds to attach
# under QEMU's TCG: only the anon_vma tests load them
anon_mode_args=("${mode_args[@]}")
mode_args+=(--no-anon-vma)

# stat_gen NAME GEN-ARGS...: $tmp/NAME.json (report), $tmp/NAME.gen (workload);
# mmretry also gets the arguments in the array stat_args
stat_args=()
stat_gen() {
	local name=$1 t0=$SECONDS
	shift
	"$MMR" stat "${mode_args[@]}" "${stat_args[@]}" --json -o "$tmp/$name.json" -- \
		"$GEN" --json "$@" >"$tmp/$name.gen" 2>"$tmp/$name.err"
	local rc=$?
	if [ $rc -ne 0 ] || ! jq -e . "$tmp/$name.json" >/dev/null 2>&1; then
		not_ok "$name: stat ran" "exit $rc: $(head -c 400 "$tmp/$name.err")"
		return 1
	fi
	ok "$name: stat ran ($(jq -r .modes.faults "$tmp/$name.json") mode, $((SECONDS - t0)) s)"
	[ -n "${MMRETRY_LIVE_KEEP:-}" ] && keep_report "$name" "$@"
	return 0
}

# keep_report NAME GEN-ARGS...: the report and the workload's output, kept in
# MMRETRY_LIVE_KEEP for tests/model/live.sh to judge (MMRETRY_MODEL_REPORTS)
# instead of tracing the same workload again; NAME.key says what ran
# (tests/lib.sh's run_key: mmretry's options, then the workload's arguments
# without its data path)
keep_report() {
	local name=$1
	shift
	mkdir -p "$MMRETRY_LIVE_KEEP" &&
		cp "$tmp/$name.json" "$tmp/$name.gen" "$MMRETRY_LIVE_KEEP/" &&
		run_key "${mode_args[@]}" "${stat_args[@]}" -- "$@" >"$MMRETRY_LIVE_KEEP/$name.key"
}

# gen NAME KEY: a value from the workload's own JSON line (first line)
gen() { head -n1 "$tmp/$1.gen" | jq -r "$2"; }

exact() { [ "$(jq -r .modes.faults "$tmp/$1.json")" != tracepoint ]; }
group() { return 0; }
if group cgroups; then
	# --- stat --by cgroup: workloads in cgroups of their own --------------------------
	# Two file workloads, each moved into a cgroup v2 the test makes before it
	# faults (1024 and 2048 uncached pages; the first in a child, a/x, counted
	# with its parent at --cgroup-depth 1), under one stat: each cgroup's row
	# has exactly its workload's file_io retries, and the rows add up to the
	# run's figures. Then four workloads in four cgroups with --max-cgroups 2
	# (each task's own cgroup): two rows, the rest summed in "other", which
	# says how many it holds.
	cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	cgp=mmrtest-$$
	if [ -z "$cgroot" ] || ! mkdir "$cgroot/$cgp-a" 2>/dev/null; then
		skip "cgroups: rows by cgroup" "no cgroup2 mount this test can write to"
	else
		for x in b c d a/x; do mkdir "$cgroot/$cgp-$x"; done
		# in_cg X ARGS...: a shell line that starts a shell of its own, which
		# moves itself into cgroup X and execs the generator there
		in_cg() {
			local x=$1
			shift
			printf 'sh -c %q' "$(printf 'echo $$ > %q && exec %q -q %s' \
				"$cgroot/$cgp-$x/cgroup.procs" "$GEN" "$*")"
		}
		two="$(in_cg a/x file -n 1024 -f "${data[0]}") & $(in_cg b file -n 2048 -f "${data[1]}") & wait"
		if "$MMR" stat "${mode_args[@]}" --by cgroup --cgroup-depth 1 --json -o "$tmp/cg2.json" -- \
			sh -c "$two" >"$tmp/cg2.out" 2>"$tmp/cg2.err"; then
			show="[.cgroups.rows[] | {cgroup, retries, file_io: .retry_reasons.file_io}]"
			check "cgroups: each cgroup's row has exactly its workload's file_io retries (1024, a/x's at depth 1; 2048)" \
				"(.cgroups.rows | map({(.cgroup): .retry_reasons.file_io}) | add) as \$r |
				 \$r[\"/$cgp-a\"] == 1024 and \$r[\"/$cgp-b\"] == 2048 and
				 \$r[\"/$cgp-a/x\"] == null and .cgroups.depth == 1" "$tmp/cg2.json" "$show"
			check "cgroups: the rows add up to the run's retries and file_io" \
				"([.cgroups.rows[].retries] | add) == .faults.retries and
				 ([.cgroups.rows[].retry_reasons.file_io] | add) == .faults.retry_reasons.file_io and
				 .cgroups.folded == 0" "$tmp/cg2.json" "$show"
			# each retry re-takes mmap_lock for read (lock_mm_and_find_vma()),
			# in the retrying task's cgroup; the rows hold every lock the run
			# counted, and processes are not rows then
			check "cgroups: each cgroup's mmap_lock row has a read acquisition per retry, and the rows add up" \
				"(.cgroups.rows | map({(.cgroup): .mmap_lock}) | add) as \$r |
				 \$r[\"/$cgp-a\"].read.acquisitions >= 1024 and
				 \$r[\"/$cgp-b\"].read.acquisitions >= 2048 and
				 \$r[\"/$cgp-b\"].read.wait_ns.count == \$r[\"/$cgp-b\"].read.acquisitions and
				 ([.cgroups.rows[].mmap_lock.read.acquisitions] | add) == .mmap_lock.read.acquisitions and
				 ([.cgroups.rows[].mmap_lock.write.hold_ns.count] | add) == .mmap_lock.write.hold_ns.count and
				 .mmap_lock.processes == null" \
				"$tmp/cg2.json" "[.cgroups.rows[] | {cgroup, read: .mmap_lock.read.acquisitions, write: .mmap_lock.write.acquisitions}], .mmap_lock.read.acquisitions"
			if exact cg2; then
				check "cgroups: fentry and kprobe rows count faults and majors (each uncached page)" \
					"(.cgroups.rows | map({(.cgroup): .}) | add) as \$r |
					 \$r[\"/$cgp-a\"].major >= 1024 and \$r[\"/$cgp-b\"].major >= 2048 and
					 ([.cgroups.rows[].faults] | add) == .faults.faults" "$tmp/cg2.json" "$show"
			else
				check "cgroups: tracepoint mode's rows leave faults and majors n/a (null)" \
					".cgroups.rows | all(.faults == null and .major == null and .retries != null)" \
					"$tmp/cg2.json" "$show"
			fi
		else
			not_ok "cgroups: stat --by cgroup ran" "$(head -c 400 "$tmp/cg2.err")"
		fi
		four=""
		for i in 0 1 2 3; do
			x=$(printf 'abcd' | cut -c$((i + 1)))
			four="$four$(in_cg "$x" file -n 64 -f "${data[$i]}") & "
		done
		if "$MMR" stat "${mode_args[@]}" --by cgroup --max-cgroups 2 --json -o "$tmp/cg4.json" -- \
			sh -c "${four}wait" >"$tmp/cg4.out" 2>"$tmp/cg4.err"; then
			check "cgroups: --max-cgroups 2 keeps 2 rows and sums the rest in other, which counts them" \
				"([.cgroups.rows[] | select(.cgroup != \"other\")] | length) == 2 and
				 (.cgroups.rows[-1].cgroup == \"other\") and .cgroups.folded >= 2 and
				 ([.cgroups.rows[].retries] | add) == .faults.retries and
				 ([.cgroups.rows[].retry_reasons.file_io] | add) == .faults.retry_reasons.file_io" \
				"$tmp/cg4.json" "{folded: .cgroups.folded, rows: [.cgroups.rows[] | {cgroup, retries}]}"
			"$MMR" stat "${mode_args[@]}" --by cgroup --max-cgroups 2 -o "$tmp/cg4.txt" -- \
				sh -c "${four}wait" >/dev/null 2>&1
			if grep -q "^  other ([0-9]* cgroups\?)" "$tmp/cg4.txt" &&
			   ! awk 'length > 80' "$tmp/cg4.txt" | grep -q .; then
				ok "cgroups: the text report has the other row and fits 80 columns"
			else
				not_ok "cgroups: the text report has the other row and fits 80 columns" \
					"$(grep -A8 'by cgroup' "$tmp/cg4.txt")"
			fi
		else
			not_ok "cgroups: stat --by cgroup --max-cgroups 2 ran" "$(head -c 400 "$tmp/cg4.err")"
		fi
		for x in a/x a b c d; do rmdir "$cgroot/$cgp-$x" 2>/dev/null; done
	fi
fi
finish
