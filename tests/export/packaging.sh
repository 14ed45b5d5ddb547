#!/bin/bash
# tests/export/packaging.sh: what packaging/ ships for the exporter is valid:
# promtool checks the alert rules and the scrape job and runs the alerts'
# unit tests (alerts.test.yml), the Grafana dashboard is JSON whose every
# query reads mmretry's metrics, the fault-latency ones among them, with a
# cgroup variable and a row of per-cgroup panels; promtool evaluates the
# panels' queries on made-up series with and without --by cgroup's label;
# the exporter's unit runs as its user with only its capabilities
# (tests/package installs and runs it). No kernel involved.
#
# Needs: promtool and jq (make deps); no root, no build.
# Prints: TAP (tests/lib.sh), a test point per check, ending with the line
#   "packaging: N passed, N failed"; exits 1 if a check failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tap_begin packaging
out=$(promtool check rules packaging/mmretry-alerts.yml 2>&1) &&
	ok "packaging: promtool checks the alert rules" ||
	not_ok "packaging: promtool checks the alert rules" "$(tail -3 <<<"$out")"
out=$(promtool test rules tests/export/alerts.test.yml 2>&1) &&
	ok "packaging: the alerts fire on made-up series, and only where due" ||
	not_ok "packaging: the alerts fire on made-up series, and only where due" \
		"$(head -20 <<<"$out")"
out=$(promtool check config packaging/prometheus-scrape.yml 2>&1) &&
	ok "packaging: promtool checks the scrape job" ||
	not_ok "packaging: promtool checks the scrape job" "$(tail -3 <<<"$out")"
jq -e '.panels | length > 0 and all(.[] | select(.type != "row") | .targets[]; .expr | test("mmretry_"))' \
	packaging/grafana-dashboard.json >/dev/null &&
	ok "packaging: the Grafana dashboard is JSON with mmretry queries" ||
	not_ok "packaging: the Grafana dashboard is JSON with mmretry queries"
for m in mmretry_fault_duration_seconds_bucket mmretry_fault_retry_seconds_total \
	mmretry_fault_retry_lock_wait_seconds_bucket; do
	jq -e --arg m "$m" '[.panels[] | select(.type != "row") | .targets[].expr | select(contains($m))] | length > 0' \
		packaging/grafana-dashboard.json >/dev/null &&
		ok "packaging: a dashboard panel reads $m" ||
		not_ok "packaging: a dashboard panel reads $m"
done

# --by cgroup (docs/metrics.md, "By cgroup"): the template variable, and a
# row of panels that read the per-cgroup series through it
dash=packaging/grafana-dashboard.json
jq -e '.templating.list[] | select(.name == "cgroup") |
	.type == "query" and (.query | test("^label_values\\(mmretry_fault_retries_total(\\{[^}]*\\})?, *cgroup\\)$")) and
	.multi and .includeAll and .allValue == ".+"' "$dash" >/dev/null &&
	ok "packaging: the dashboard's cgroup variable lists mmretry_fault_retries_total's cgroups, multi, All = any cgroup label" ||
	not_ok "packaging: the dashboard's cgroup variable lists mmretry_fault_retries_total's cgroups, multi, All = any cgroup label"
# the cgroup row's panels: those after the row titled "By cgroup"
# shellcheck disable=SC2016 # jq's $r, not the shell's
cgpanels='.panels | (map(.type == "row" and (.title | startswith("By cgroup"))) | index(true)) as $r |
	if $r == null then [] else .[$r + 1:] | map(select(.type != "row")) end'
for m in mmretry_fault_retries_total mmretry_fault_retries_by_reason_total \
	mmretry_mmap_lock_hold_seconds_bucket mmretry_mmap_lock_wait_seconds_bucket \
	mmretry_cgroup_fault_seconds_bucket mmretry_cgroups_folded; do
	jq -e --arg m "$m" "[$cgpanels | .[].targets[].expr | select(contains(\$m))] | length > 0" \
		"$dash" >/dev/null &&
		ok "packaging: a panel of the dashboard's cgroup row reads $m" ||
		not_ok "packaging: a panel of the dashboard's cgroup row reads $m"
done
# every panel of it but the folded gauge's groups by cgroup through $cgroup;
# no panel outside it names a cgroup
jq -e "($cgpanels | length >= 6 and all(.[].targets[].expr;
		contains(\"mmretry_cgroups_folded\") or
		(contains(\"cgroup=~\\\"\$cgroup\\\"\") and test(\"by \\\\(cgroup[,)]\"))))
	and ([.panels[] | select(.type != \"row\") | .targets[].expr | select(contains(\"cgroup\"))] | length)
		== ($cgpanels | length)" "$dash" >/dev/null &&
	ok "packaging: the cgroup row's panels group by cgroup through \$cgroup, and only they name it" ||
	not_ok "packaging: the cgroup row's panels group by cgroup through \$cgroup, and only they name it"

# What the panels' queries give, evaluated by promtool on made-up series:
# "flat" without the cgroup label, "split" the same figures over two
# cgroups, "light" as split but with faults unlabelled (light and
# tracepoint modes), "plain" flat's series alone (no --by cgroup). A panel
# outside the cgroup row that reads a family the label is on gives the same
# series for split and light as for flat; each panel of the row is empty
# for plain and shows both of split's cgroups (one with $cgroup set to it).
labelled='mmretry_(fault_attempts|faults|fault_retries|fault_completed|major_faults|fault_vma_lock_attempts|fault_mmap_lock_attempts|fault_retries_by_reason|mmap_lock_acquisitions|mmap_lock_failures|mmap_lock_remote_acquisitions|mmap_lock_wait_seconds|mmap_lock_hold_seconds)(_total|_bucket|_sum|_count)?\b'
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT
# series NAME LABELS INCREMENT...: for flat and plain one series of the
# sum; for split (and light) one per cgroup, /a.slice's increment first
series() {
	local n=$1 l=$2 a=$3 b=$4 i
	for i in flat plain; do
		printf "  - series: '%s{instance=\"%s\"%s}'\n    values: '0+%sx20'\n" \
			"$n" "$i" "$l" $((a + b))
	done
	for i in split light; do
		[ "$i" = light ] && [ "$n" = mmretry_faults_total ] && {
			printf "  - series: '%s{instance=\"light\"%s}'\n    values: '0+%sx20'\n" \
				"$n" "$l" $((a + b))
			continue
		}
		printf "  - series: '%s{instance=\"%s\",cgroup=\"/a.slice\"%s}'\n    values: '0+%sx20'\n" \
			"$n" "$i" "$l" "$a"
		printf "  - series: '%s{instance=\"%s\",cgroup=\"/b.slice\"%s}'\n    values: '0+%sx20'\n" \
			"$n" "$i" "$l" "$b"
	done
}
{
	printf 'rule_files: []\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  input_series:\n'
	series mmretry_fault_retries_total '' 20 40
	series mmretry_faults_total '' 100 500
	series mmretry_fault_retries_by_reason_total ',reason="file_io"' 10 30
	series mmretry_fault_retries_by_reason_total ',reason="page_lock"' 10 10
	for h in hold wait; do
		series mmretry_mmap_lock_${h}_seconds_bucket ',mode="write",le="1.023e-06"' 20 30
		series mmretry_mmap_lock_${h}_seconds_bucket ',mode="write",le="0.016777215"' 30 30
		series mmretry_mmap_lock_${h}_seconds_bucket ',mode="write",le="+Inf"' 30 30
		series mmretry_mmap_lock_${h}_seconds_bucket ',mode="read",le="1.023e-06"' 100 0
		series mmretry_mmap_lock_${h}_seconds_bucket ',mode="read",le="0.016777215"' 100 20
		series mmretry_mmap_lock_${h}_seconds_bucket ',mode="read",le="+Inf"' 100 20
	done
	# what only --by cgroup serves: no flat or plain series
	series mmretry_cgroup_fault_seconds_bucket ',le="1.023e-06"' 50 10 | grep -A1 -e split -e light
	series mmretry_cgroup_fault_seconds_bucket ',le="+Inf"' 50 20 | grep -A1 -e split -e light
	printf "  - series: 'mmretry_cgroups_folded{instance=\"split\"}'\n    values: '2x20'\n"
	printf '  promql_expr_test:\n'
	jq -r --arg re "$labelled" '
		def q($e; $i; $c): $e | gsub("\\$__rate_interval"; "5m")
			| gsub("\\$instance"; $i) | gsub("\\$cgroup"; $c);
		def t($e; $v): "  - " + ({expr: $e, eval_time: "15m",
			exp_samples: [{labels: "{}", value: $v}]} | tojson);
		.panels | (map(.type == "row" and (.title | startswith("By cgroup"))) | index(true)) as $r
		| to_entries[] | .key as $k | .value | select(.type != "row") | .targets[].expr as $e
		| if $r != null and $k > $r then
			t("absent(" + q($e; "plain"; ".+") + ")"; 1),
			if ($e | contains("$cgroup")) then
				t("count(count by (cgroup) (" + q($e; "split"; ".+") + "))"; 2),
				t("count(count by (cgroup) (" + q($e; "split"; "/a.slice") + "))"; 1)
			else t("count(" + q($e; "split"; ".+") + ")"; 1) end
		  elif ($e | test($re)) then
			(q($e; "flat"; ".+")) as $f
			| ("split", "light") as $x
			| t("count(abs((" + q($e; $x; ".+") + ") - (" + $f + ")) < 1e-9) == bool count(" + $f + ")"; 1)
		  else empty end' "$dash"
} >"$tmp/dash.test.yml"
n=$(grep -c '^  - {"expr"' "$tmp/dash.test.yml")
out=$(promtool test rules "$tmp/dash.test.yml" 2>&1) && [ "$n" -ge 20 ] &&
	ok "packaging: the dashboard's queries, on made-up series: the host's panels alike with the cgroup label and without, the cgroup row's empty without it ($n checks)" ||
	not_ok "packaging: the dashboard's queries, on made-up series: the host's panels alike with the cgroup label and without, the cgroup row's empty without it ($n checks)" \
		"$(head -30 <<<"$out")"

unit=packaging/mmretry-export.service.in
grep -q '^ExecStart=@SBINDIR@/mmretry export ' "$unit" && grep -q '^User=mmretry$' "$unit" &&
	grep -q '^AmbientCapabilities=CAP_BPF CAP_PERFMON CAP_SYSLOG$' "$unit" &&
	grep -q '^CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYSLOG$' "$unit" &&
	ok "packaging: the systemd unit runs the exporter as mmretry with CAP_BPF, CAP_PERFMON, CAP_SYSLOG only" ||
	not_ok "packaging: the systemd unit runs the exporter as mmretry with CAP_BPF, CAP_PERFMON, CAP_SYSLOG only"
finish
