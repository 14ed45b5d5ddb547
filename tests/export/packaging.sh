#!/bin/bash
# tests/export/packaging.sh: what packaging/ ships for the exporter is valid:
# promtool checks the alert rules and the scrape job and runs the alerts'
# unit tests (alerts.test.yml), the Grafana dashboard is JSON whose every
# query reads mmretry's metrics, the fault-latency ones among them, the
# exporter's unit runs as its user with only its capabilities (tests/package
# installs and runs it). No kernel involved.
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
	ok "packaging: the fault-latency alerts fire on made-up series, and only where due" ||
	not_ok "packaging: the fault-latency alerts fire on made-up series, and only where due" \
		"$(head -20 <<<"$out")"
out=$(promtool check config packaging/prometheus-scrape.yml 2>&1) &&
	ok "packaging: promtool checks the scrape job" ||
	not_ok "packaging: promtool checks the scrape job" "$(tail -3 <<<"$out")"
jq -e '.panels | length > 0 and all(.[].targets[]; .expr | test("mmretry_"))' \
	packaging/grafana-dashboard.json >/dev/null &&
	ok "packaging: the Grafana dashboard is JSON with mmretry queries" ||
	not_ok "packaging: the Grafana dashboard is JSON with mmretry queries"
for m in mmretry_fault_duration_seconds_bucket mmretry_fault_retry_seconds_total \
	mmretry_fault_retry_lock_wait_seconds_bucket; do
	jq -e --arg m "$m" '[.panels[].targets[].expr | select(contains($m))] | length > 0' \
		packaging/grafana-dashboard.json >/dev/null &&
		ok "packaging: a dashboard panel reads $m" ||
		not_ok "packaging: a dashboard panel reads $m"
done
unit=packaging/mmretry-export.service.in
grep -q '^ExecStart=@SBINDIR@/mmretry export ' "$unit" && grep -q '^User=mmretry$' "$unit" &&
	grep -q '^AmbientCapabilities=CAP_BPF CAP_PERFMON CAP_SYSLOG$' "$unit" &&
	grep -q '^CapabilityBoundingSet=CAP_BPF CAP_PERFMON CAP_SYSLOG$' "$unit" &&
	ok "packaging: the systemd unit runs the exporter as mmretry with CAP_BPF, CAP_PERFMON, CAP_SYSLOG only" ||
	not_ok "packaging: the systemd unit runs the exporter as mmretry with CAP_BPF, CAP_PERFMON, CAP_SYSLOG only"
finish
