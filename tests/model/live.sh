#!/bin/bash
# tests/model/live.sh: the model's prediction against the running kernel,
# as root. For each generator workload with a model scenario, the model runs
# under the running kernel's era (--policy auto); a baseline made of its
# figures, with the tolerances below, judges the live run (mmretry check);
# mmretry compare prints both. A figure the live mode cannot see is left out
# (tracepoint mode sees no completions, and file_io only on newer kernels).
#
# Stated tolerances: the live process also faults while it starts (exec,
# ld.so, libc: about 130 faults here, a few of them reading pages), so live
# counts may exceed the model's by START (faults, mmap_lock read holds) or
# SLACK (retries, major, completions; 4 x SLACK mmap_lock write holds: the
# loader's mmap() calls), never fall short of them.
#
# Environment: MMRETRY_MODE (the mode to trace with), MMRETRY_MODEL_DATA (a
# file or block device for the file workload; default: a file under
# TMPDIR, which must not be tmpfs), TMPDIR.
set -u
cd "$(dirname "$0")/../.." || exit 1
MMR=$PWD/mmretry
GEN=$PWD/tools/mmretry-gen
MODE=${MMRETRY_MODE:-}
START=${MMRETRY_MODEL_START:-512}
SLACK=${MMRETRY_MODEL_SLACK:-16}
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && echo "#   $2"; }

command -v jq >/dev/null || { echo "model: jq is missing (make deps)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/var/tmp}/mmretry-model.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
DATA=${MMRETRY_MODEL_DATA:-$tmp/data}
mode_args=()
[ -n "$MODE" ] && mode_args=(--mode "$MODE")
# the anon_vma hooks take seconds to attach under TCG: only where predicted
trace_args=("${mode_args[@]}" --no-anon-vma)
policy=$("$MMR" model run gen-anon --policy auto --scale 0.01 --json | jq -r .target.policy)
echo "# kernel $(uname -r): era $policy"

# compare_live NAME SCENARIO GEN-ARGS...: model and live reports, then a
# baseline from the model's figures judges the live one
compare_live() {
	local name=$1 scenario=$2
	shift 2
	if ! "$MMR" model run "$scenario" --policy auto --json -o "$tmp/$name.model.json" 2>"$tmp/$name.err"; then
		not_ok "$name: model run" "$(head -c 300 "$tmp/$name.err")"
		return
	fi
	if ! "$MMR" stat "${trace_args[@]}" --json -o "$tmp/$name.live.json" -- "$@" >/dev/null 2>"$tmp/$name.err"; then
		not_ok "$name: live run" "$(head -c 300 "$tmp/$name.err")"
		return
	fi
	# each figure the live report has (not null): value from the model,
	# live within [model, model + tolerance]
	if ! jq -e "$NEED" "$tmp/$name.live.json" >/dev/null; then
		echo "# $name: skipped: the live report lacks what it predicts ($NEED is false:" \
			"anon_vma needs fentry or kprobes)"
		return
	fi
	jq -r --slurpfile live "$tmp/$name.live.json" --argjson start "$START" --argjson slack "$SLACK" '
		def fig($path; $tol):
			($path | split(".")) as $p
			| (getpath($p)) as $m | ($live[0] | getpath($p)) as $l
			| select($m != null and $l != null)
			| "  \($path): {value: \($m), min: \($m), max: \($m + $tol)}";
		"mmretry_baseline: 1", "metrics:",
		fig("faults.faults"; $start), fig("faults.retries"; $slack), fig("faults.major"; $slack),
		fig("faults.completed"; $slack), fig("faults.retry_reasons.file_io"; $slack),
		fig("mmap_lock.write.holds"; $slack * 4), fig("mmap_lock.read.holds"; $start),
		fig("mmap_lock.write.downgrades"; $slack),
		fig("anon_vma.chain_length.max"; 0)
	' "$tmp/$name.model.json" >"$tmp/$name.yml"
	"$MMR" compare "$tmp/$name.model.json" "$tmp/$name.live.json" |
		grep -E '^  (faults\.(faults|retries|major|completed|retry_reasons\.file_io)|mmap_lock\.(read|write)\.holds|mmap_lock\.write\.downgrades|anon_vma\.chain_length\.max) ' |
		sed 's/^/#  /'
	if "$MMR" check --baseline "$tmp/$name.yml" --report "$tmp/$name.live.json" >"$tmp/$name.check" 2>&1; then
		ok "$name: live within the model's prediction ($(grep -c '^  [a-z]' "$tmp/$name.yml") figures, $policy)"
	else
		not_ok "$name: live within the model's prediction ($policy)" "$(cat "$tmp/$name.check")"
	fi
}

NEED=true
compare_live file gen-file "$GEN" -q file -n 4096 -f "$DATA"
compare_live memfd gen-memfd "$GEN" -q memfd -n 1000
compare_live anon gen-anon "$GEN" -q anon -n 4096 -r 1
compare_live mapping gen-mapping "$GEN" -q mapping -n 100000
compare_live uffd gen-uffd "$GEN" -q uffd -n 100
# chain lengths need the anon_vma tracer (fentry or kprobes)
NEED='.anon_vma != null'
trace_args=("${mode_args[@]}")
compare_live forktree gen-forktree "$GEN" -q forktree -n 6

echo "model: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
