// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_baseline.c: the CI gate's logic (baseline.c): the metric catalogue,
 * baseline parsing and its line-numbered errors, limits, verdicts,
 * recording, report parsing and compare.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate/baseline.h"
#include "unit.h"
#include "unit_gate.h"

/* a stat report as tracepoint mode writes it: completed is null, no anon_vma */
static const char report_text[] =
	"{\"schema\": \"mmretry.stat/1\", \"kernel\": \"6.18.44\",\n"
	" \"modes\": {\"faults\": \"tracepoint\", \"mmap_lock\": \"tracepoint\", \"anon_vma\": null},\n"
	" \"target\": {\"kind\": \"command\", \"argv\": [\"gen\", \"file\", \"-n\", \"256\"],\n"
	"            \"exit_status\": 0},\n"
	" \"faults\": {\"attempts\": 1300, \"faults\": 1000, \"retries\": 256, \"completed\": null,\n"
	"            \"major\": 256, \"errors\": null, \"vma_lock_attempts\": 990,\n"
	"            \"mmap_lock_attempts\": 310, \"abandoned\": null,\n"
	"            \"retry_reasons\": {\"file_io\": 250, \"page_lock\": 6, \"swap\": null}},\n"
	" \"lost_events\": 0, \"missed_runs\": 2,\n"
	" \"mmap_lock\": {\"read\": {\"acquisitions\": 40, \"wait_ns\": {\"p99\": 2047}},\n"
	"               \"write\": {\"hold_ns\": {\"count\": 12, \"p99\": 1048575, \"max\": 1500000}},\n"
	"               \"long_lost\": 0}}\n";

static json_t *sample_report(void)
{
	return report_of(report_text);
}

#define HEAD "mmretry_baseline: 1\nmetrics:\n"

/* ---- the catalogue ---- */

static void catalogue_names(void **state)
{
	size_t i, k, n = metric_count();

	assert_true(n > 60);
	for (i = 0; i < n; i++) {
		assert_ptr_equal(metric_find(metric_at(i)->name), metric_at(i));
		for (k = 0; k < i; k++)
			assert_string_not_equal(metric_at(i)->name, metric_at(k)->name);
	}
	assert_null(metric_at(n));
	assert_null(metric_find("faults"));
	assert_null(metric_find("mmap_lock.write.hold_ns.p95"));
	assert_int_equal(metric_find("mmap_lock.write.hold_ns.p99")->unit, MU_NS);
	assert_int_equal(metric_find("mmap_lock.write.hold_ns.count")->unit, MU_COUNT);
	assert_int_equal(metric_find("anon_vma.chain_length.max")->unit, MU_COUNT);
	assert_int_equal(metric_find("retries_per_fault")->unit, MU_RATIO);
	assert_int_equal(metric_find("faults.retry_reasons.page_lock")->rule, RULE_MORE_WORSE);
	assert_int_equal(metric_find("faults.completed")->rule, RULE_LESS_WORSE);
	assert_string_equal(metric_unit_name(MU_NS), "ns");
}

static void values(void **state)
{
	json_t *j = sample_report();
	double v;

	assert_int_equal(metric_value(j, metric_find("faults.retries"), &v), 0);
	assert_true(v == 256);
	assert_int_equal(metric_value(j, metric_find("faults.retry_reasons.file_io"), &v), 0);
	assert_true(v == 250);
	assert_int_equal(metric_value(j, metric_find("mmap_lock.write.hold_ns.p99"), &v), 0);
	assert_true(v == 1048575);
	assert_int_equal(metric_value(j, metric_find("retries_per_fault"), &v), 0);
	assert_true(fabs(v - 0.256) < 1e-12);
	/* null, absent, and a whole absent section: unavailable */
	assert_int_equal(metric_value(j, metric_find("faults.completed"), &v), -ENODATA);
	assert_int_equal(metric_value(j, metric_find("faults.retry_reasons.shmem"), &v), -ENODATA);
	assert_int_equal(metric_value(j, metric_find("anon_vma.chain_length.max"), &v), -ENODATA);
	json_decref(j);
	/* a negative figure is not one mmretry writes: unavailable */
	j = json_pack("{si}", "lost_events", -5);
	assert_int_equal(metric_value(j, metric_find("lost_events"), &v), -ENODATA);
	json_decref(j);
	/* -0 is 0 (recorded as "0", which parses; "-0" would not) */
	j = json_pack("{sf}", "lost_events", -0.0);
	assert_int_equal(metric_value(j, metric_find("lost_events"), &v), 0);
	assert_false(signbit(v));
	json_decref(j);
}

static void retries_per_fault_edges(void **state)
{
	const struct metric_def *m = metric_find("retries_per_fault");
	json_t *j;
	double v = -1;

	j = json_pack("{s{sisi}}", "faults", "retries", 0, "faults", 0);
	assert_int_equal(metric_value(j, m, &v), 0);
	assert_true(v == 0);
	json_decref(j);
	j = json_pack("{s{sisi}}", "faults", "retries", 3, "faults", 0);
	assert_int_equal(metric_value(j, m, &v), -ENODATA);
	json_decref(j);
	j = json_pack("{s{sisn}}", "faults", "retries", 3, "faults");
	assert_int_equal(metric_value(j, m, &v), -ENODATA);
	json_decref(j);
}

/* ---- parsing ---- */

static void parse_forms(void **state)
{
	struct parsed p = parse(
		"# a comment\n"
		"mmretry_baseline: 1\n"
		"recorded: {kernel: 6.18, command: [a, b], anything: {nested: [1, 2]}}\n"
		"metrics:\n"
		"  faults.retries: {value: 256, max: 322}\n"
		"  faults.faults: {value: 1000, tolerance: 10%}\n"
		"  faults.completed: {min: 1000}\n"
		"  lost_events: 0\n"
		"  mmap_lock.write.hold_ns.p99: {max: 2ms}\n"
		"  mmap_lock.read.wait_ns.max: {max: \"1.5 s\", min: 500us}\n"
		"  mmap_lock.read.hold_ns.p50: {value: 2047, tolerance: 100ns}\n"
		"  retries_per_fault: {max: .05}\n"
		"  anon_vma.chain_length.max: {max: 1e2}\n");
	const struct limit *l = p.b.limits;
	double lo, hi;

	assert_int_equal(p.ret, 0);
	assert_int_equal(p.b.version, 1);
	assert_int_equal(p.b.n, 9);
	assert_string_equal(l[0].m->name, "faults.retries");
	assert_int_equal(l[0].line, 5);
	assert_true(l[0].has_value && l[0].value == 256 && l[0].has_max && l[0].max == 322);
	assert_false(l[0].has_min || l[0].has_tol);
	assert_true(l[1].has_tol && l[1].tol_rel && fabs(l[1].tol - 0.1) < 1e-12);
	limit_bounds(&l[1], &lo, &hi);
	assert_true(fabs(lo - 900) < 1e-9 && fabs(hi - 1100) < 1e-9);
	limit_bounds(&l[2], &lo, &hi);
	assert_true(lo == 1000 && isinf(hi) && hi > 0);
	/* the scalar shorthand: value, tolerance 0 */
	assert_true(l[3].has_value && l[3].value == 0 && l[3].has_tol && l[3].tol == 0);
	limit_bounds(&l[3], &lo, &hi);
	assert_true(lo == 0 && hi == 0);
	assert_true(l[4].max == 2e6);
	assert_true(l[5].max == 1.5e9 && l[5].min == 5e5);
	assert_true(l[6].has_tol && !l[6].tol_rel && l[6].tol == 100);
	limit_bounds(&l[6], &lo, &hi);
	assert_true(lo == 1947 && hi == 2147);
	assert_true(l[7].max == 0.05);
	assert_true(l[8].max == 100);
	assert_int_equal(l[8].line, 13);
	baseline_free(&p.b);
	assert_null(p.b.limits);
}

static void parse_json_is_yaml(void **state)
{
	struct parsed p = parse("{\"mmretry_baseline\": 1, \"metrics\": {\n"
				"  \"faults.retries\": {\"max\": 10},\n"
				"  \"lost_events\": {\"max\": 0}}}\n");

	assert_int_equal(p.ret, 0);
	assert_int_equal(p.b.n, 2);
	assert_int_equal(p.b.limits[1].line, 3);
	baseline_free(&p.b);
}

static void parse_errors(void **state)
{
	refused("", "b.yml:1: empty: not an mmretry baseline");
	refused("# only a comment\n", "b.yml:1: empty: not an mmretry baseline");
	refused("- 1\n- 2\n", "b.yml:1: not an mmretry baseline: expected a mapping with "
		"mmretry_baseline: 1 and metrics");
	refused("metrics:\n  lost_events: 0\n",
		"b.yml:1: not an mmretry baseline: no 'mmretry_baseline: 1'");
	refused("mmretry_baseline: 2\nmetrics:\n  lost_events: 0\n",
		"b.yml:1: unsupported baseline version '2' (this mmretry reads 1)");
	refused("mmretry_baseline: [1]\n",
		"b.yml:1: unsupported baseline version '(not a scalar)' (this mmretry reads 1)");
	refused("mmretry_baseline: 1\n", "b.yml:1: no metrics (nor cgroups)");
	refused(HEAD, "b.yml:2: metrics: expected a mapping of metric names to limits");
	refused("mmretry_baseline: 1\nmetrics: {}\n",
		"b.yml:2: metrics: empty: a baseline needs at least one metric");
	refused("mmretry_baseline: 1\nlimits: 3\nmetrics:\n  lost_events: 0\n",
		"b.yml:2: unknown key 'limits' (expected mmretry_baseline, metrics, cgroups, "
		"recorded)");
	refused(HEAD "  lost_events: 0\n  faults.retries: {max: 1}\n  faults.retry: {max: 1}\n",
		"b.yml:5: unknown metric 'faults.retry' (`mmretry check --list-metrics` lists them)");
	refused(HEAD "  faults.retries: {max: 1, maximum: 2}\n",
		"b.yml:3: faults.retries: unknown key 'maximum' (expected value, min, max, tolerance)");
	refused(HEAD "  faults.retries: {max: 1, max: 2}\n",
		"b.yml:3: faults.retries: max given twice");
	refused(HEAD "  faults.retries: {max: 1}\n  lost_events: 0\n  faults.retries: {max: 2}\n",
		"b.yml:5: faults.retries: given twice (first on line 3)");
	refused(HEAD "  faults.retries: {value: 3}\n",
		"b.yml:3: faults.retries: no limit: give max, min, or a value with a tolerance");
	refused(HEAD "  faults.retries: {tolerance: 10%}\n",
		"b.yml:3: faults.retries: a tolerance needs the value it applies to");
	refused(HEAD "  faults.retries: {min: 5, max: 4}\n",
		"b.yml:3: faults.retries: min 5 is above max 4");
	refused(HEAD "  faults.retries: {value: 100, tolerance: 5, min: 200}\n",
		"b.yml:3: faults.retries: the limits admit no value (200..105)");
	refused(HEAD "  faults.retries: [1, 2]\n",
		"b.yml:3: faults.retries: expected a number or a mapping of value, min, max, "
		"tolerance");
	/* numbers: non-negative decimals; durations only for ns metrics */
	refused(HEAD "  faults.retries: {max: -1}\n",
		"b.yml:3: faults.retries: max '-1' is not a non-negative number");
	refused(HEAD "  faults.retries: {max: 0x10}\n",
		"b.yml:3: faults.retries: max '0x10' is not a non-negative number");
	refused(HEAD "  faults.retries: {max: .inf}\n",
		"b.yml:3: faults.retries: max '.inf' is not a non-negative number");
	refused(HEAD "  faults.retries: {max: nan}\n",
		"b.yml:3: faults.retries: max 'nan' is not a non-negative number");
	refused(HEAD "  faults.retries: {max: 1e999}\n",
		"b.yml:3: faults.retries: max '1e999' is not a non-negative number");
	refused(HEAD "  faults.retries: {max: 2ms}\n",
		"b.yml:3: faults.retries: max '2ms' is not a non-negative number");
	refused(HEAD "  faults.retries: {max: {a: 1}}\n",
		"b.yml:3: faults.retries: max '(not a scalar)' is not a non-negative number");
	refused(HEAD "  mmap_lock.write.hold_ns.p99: {max: 2 hours}\n",
		"b.yml:3: mmap_lock.write.hold_ns.p99: max '2 hours' is not a duration (a number "
		"of ns, or with ns, us, ms, s)");
	refused(HEAD "  faults.retries: {value: 3, tolerance: ten%}\n",
		"b.yml:3: faults.retries: tolerance 'ten%' is not a percentage");
	refused(HEAD "  faults.retries: {value: 3, tolerance: \"%\"}\n",
		"b.yml:3: faults.retries: tolerance '%' is not a percentage");
	/* YAML itself */
	refused(HEAD "  faults.retries: {max: 1\n",
		"b.yml:4: did not find expected ',' or '}' while parsing a flow mapping");
	refused(HEAD "\tfaults.retries: {max: 1}\n",
		"b.yml:3: found character that cannot start any token while scanning for the next "
		"token");
	refused(HEAD "  lost_events: 0\n---\nmmretry_baseline: 1\n",
		"b.yml:5: more than one YAML document");
	refused(HEAD "  ? [a, b]\n  : 1\n", "b.yml:3: a metric name must be a plain string");
	/* what the file quotes cannot break the one line: control bytes are '?' */
	refused(HEAD "  lost_events: \"0\\n1\"\n",
		"b.yml:3: lost_events: value '0?1' is not a non-negative number");
	refused(HEAD "  \"lost\\tevents\": 0\n",
		"b.yml:3: unknown metric 'lost?events' (`mmretry check --list-metrics` lists them)");
	/* an escaped NUL would cut the text short: "5\0 parsecs" is not 5 */
	refused(HEAD "  faults.retries: {max: \"5\\0 parsecs\"}\n",
		"b.yml:3: faults.retries: max '(not a scalar)' is not a non-negative number");
	refused(HEAD "  \"lost_events\\0junk\": 0\n", "b.yml:3: a metric name must be a plain string");
}

static void parse_nul_byte(void **state)
{
	static const char text[] = HEAD "  lost_events: 0\0\n";
	struct baseline b;
	char err[128];

	assert_int_equal(baseline_parse(text, sizeof(text) - 1, "b.yml", &b, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "b.yml:1: not a text file (it holds a NUL byte)");
}

static void load_missing(void **state)
{
	struct baseline b;
	char err[256];

	assert_int_equal(baseline_load("/nonexistent/b.yml", &b, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "cannot read baseline '/nonexistent/b.yml': No such file or "
			    "directory");
}

/* ---- verdicts ---- */

/* the rows point into the baseline: it lives until the next judge() */
static struct baseline judged;

static enum verdict judge(const char *text, json_t *report, struct check_row *rows)
{
	struct parsed p = parse(text);

	assert_int_equal(p.ret, 0);
	baseline_free(&judged);
	judged = p.b;
	return baseline_check(&judged, report, rows);
}

static void verdicts(void **state)
{
	json_t *j = sample_report();
	struct check_row rows[8];

	assert_int_equal(judge(HEAD "  faults.retries: {max: 256}\n  lost_events: 0\n"
			       "  retries_per_fault: {max: 0.3}\n", j, rows), VERDICT_PASS);
	assert_int_equal(rows[0].verdict, VERDICT_PASS);
	assert_true(rows[0].measured == 256 && isinf(rows[0].lo) && rows[0].hi == 256);

	/* one over: fail, and that row marked */
	assert_int_equal(judge(HEAD "  lost_events: 0\n  faults.retries: {max: 255}\n", j, rows),
			 VERDICT_FAIL);
	assert_int_equal(rows[0].verdict, VERDICT_PASS);
	assert_int_equal(rows[1].verdict, VERDICT_FAIL);

	/* under a min, outside a tolerance */
	assert_int_equal(judge(HEAD "  faults.faults: {min: 1001}\n", j, rows), VERDICT_FAIL);
	assert_int_equal(judge(HEAD "  faults.faults: {value: 1100, tolerance: 9%}\n", j, rows),
			 VERDICT_FAIL);
	assert_int_equal(judge(HEAD "  faults.faults: {value: 1100, tolerance: 10%}\n", j, rows),
			 VERDICT_PASS);
	assert_int_equal(judge(HEAD "  mmap_lock.write.hold_ns.max: {max: 1.5ms}\n", j, rows),
			 VERDICT_PASS);
	assert_int_equal(judge(HEAD "  mmap_lock.write.hold_ns.max: {max: 1499us}\n", j, rows),
			 VERDICT_FAIL);

	/* unavailable: never a pass; a failure elsewhere still wins */
	assert_int_equal(judge(HEAD "  faults.completed: {min: 1}\n  lost_events: 0\n", j, rows),
			 VERDICT_UNAVAILABLE);
	assert_int_equal(rows[0].verdict, VERDICT_UNAVAILABLE);
	assert_int_equal(rows[1].verdict, VERDICT_PASS);
	assert_int_equal(judge(HEAD "  faults.completed: {min: 1}\n  faults.retries: {max: 1}\n",
			       j, rows), VERDICT_FAIL);
	assert_int_equal(rows[0].verdict, VERDICT_UNAVAILABLE);
	assert_int_equal(rows[1].verdict, VERDICT_FAIL);
	baseline_free(&judged);
	json_decref(j);
}

/* ---- recording ---- */

static void record_round_trip(void **state)
{
	json_t *j = sample_report();
	char *text = NULL, skipped[512];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct check_row rows[64];
	struct parsed p;
	int n;

	assert_non_null(f);
	n = baseline_record(f, j, skipped, sizeof(skipped));
	assert_int_equal(fclose(f), 0);
	/* faults, retries, major, file_io, page_lock, retries_per_fault,
	 * lost_events, read wait p99, write hold p99, long_lost */
	assert_int_equal(n, 10);
	assert_non_null(strstr(text, "mmretry_baseline: 1\n"));
	assert_non_null(strstr(text, "  faults.faults: {value: 1000, tolerance: 10%}\n"));
	assert_non_null(strstr(text, "  faults.retries: {value: 256, max: 322}\n"));
	assert_non_null(strstr(text, "  faults.retry_reasons.page_lock: {value: 6, max: 10}\n"));
	assert_non_null(strstr(text, "  retries_per_fault: {value: 0.256, max: 0.321}\n"));
	assert_non_null(strstr(text, "  lost_events: {value: 0, max: 0}\n"));
	assert_non_null(strstr(text, "  mmap_lock.read.wait_ns.p99: {value: 2047, max: 8191}\n"));
	assert_non_null(strstr(text, "command: [\"gen\", \"file\", \"-n\", \"256\"]"));
	assert_null(strstr(text, "faults.completed"));
	assert_non_null(strstr(skipped, "faults.completed"));
	assert_non_null(strstr(skipped, "faults.retry_reasons.swap"));
	assert_null(strstr(skipped, "faults.retries,"));

	/* what was recorded parses, and the run it came from passes it */
	p = parse(text);
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.b.n, 10);
	assert_int_equal(baseline_check(&p.b, j, rows), VERDICT_PASS);
	baseline_free(&p.b);
	free(text);
	json_decref(j);
}

/* values that %.6g would round: what is recorded must admit the run itself */
static void record_exact(void **state)
{
	static const double vals[] = { 1234561234567890.0, 0.1234561, 3e-9, 1e300, 1.5e308, 1e-308, 5e-324 };
	struct check_row rows[64];
	size_t i;

	for (i = 0; i < ARRAY_LEN(vals); i++) {
		json_t *j = json_pack("{sss{sfsf}sf}", "schema", "mmretry.stat/1", "faults",
				      "faults", vals[i], "retries", vals[i], "lost_events", vals[i]);
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		struct parsed p;

		/* faults.faults, faults.retries, retries_per_fault, lost_events */
		assert_int_equal(baseline_record(f, j, NULL, 0), 4);
		assert_int_equal(fclose(f), 0);
		p = parse(text);
		if (p.ret)
			fail_msg("%g: %s\n%s", vals[i], p.err, text);
		assert_int_equal(baseline_check(&p.b, j, rows), VERDICT_PASS);
		baseline_free(&p.b);
		free(text);
		json_decref(j);
	}
}

/* ---- reports and compare ---- */

static void report_errors(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "", "r.json:1: '[' or '{' expected near end of file" },
		{ "{\"schema\": \"mmretry.stat/1\",\n\"faults\": {}\n", "r.json:3: '}' expected near end of file" },
		{ "[1, 2]", "r.json:1: not an mmretry report (no \"schema\")" },
		{ "{\"faults\": {}}", "r.json:1: not an mmretry report (no \"schema\")" },
		{ "{\"schema\": \"mmretry.check/1\"}",
		  "r.json:1: unsupported report schema 'mmretry.check/1' (this mmretry reads "
		  "mmretry.stat/1)" },
		{ "{\"schema\": \"mmretry.stat/1\\nx\"}",
		  "r.json:1: unsupported report schema 'mmretry.stat/1?x' (this mmretry reads "
		  "mmretry.stat/1)" },
		{ "{\"schema\": \"mmretry.stat/1\", \"schema\": \"x\"}",
		  "r.json:1: duplicate object key near '\"schema\"'" },
	};
	char err[256];
	size_t i;
	json_t *j;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(report_parse(cases[i].text, strlen(cases[i].text), "r.json", &j, err,
					      sizeof(err)), -EINVAL);
		assert_null(j);
		if (strcmp(err, cases[i].err))
			fail_msg("case %zu: want '%s', got '%s'", i, cases[i].err, err);
	}
}

static void compare_rows(void **state)
{
	json_t *a = sample_report(), *b = json_deep_copy(a);
	struct compare_row *rows = calloc(metric_count(), sizeof(*rows));
	size_t n, i, seen = 0;

	json_object_set_new(json_object_get(b, "faults"), "retries", json_integer(512));
	json_object_set_new(json_object_get(b, "faults"), "completed", json_integer(7));
	json_object_set_new(json_object_get(b, "faults"), "major", json_null());
	n = report_compare(a, b, rows);
	for (i = 0; i < n; i++) {
		const char *name = rows[i].m->name;

		assert_true(rows[i].a_ok || rows[i].b_ok);
		if (!strcmp(name, "faults.retries")) {
			assert_true(rows[i].a_ok && rows[i].b_ok && rows[i].a == 256 && rows[i].b == 512);
			assert_true(relative_change(rows[i].a, rows[i].b) == 1.0);
			seen |= 1;
		} else if (!strcmp(name, "faults.completed")) {
			assert_true(!rows[i].a_ok && rows[i].b_ok && rows[i].b == 7);
			seen |= 2;
		} else if (!strcmp(name, "faults.major")) {
			assert_true(rows[i].a_ok && !rows[i].b_ok);
			seen |= 4;
		} else if (!strcmp(name, "retries_per_fault")) {
			assert_true(fabs(rows[i].b - 0.512) < 1e-12);
			seen |= 8;
		}
		assert_string_not_equal(name, "faults.errors");	/* null in both */
	}
	assert_int_equal(seen, 15);
	assert_true(isnan(relative_change(0, 3)));
	assert_true(relative_change(0, 0) == 0);
	assert_true(relative_change(4, 3) == -0.25);
	free(rows);
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue_names),
		cmocka_unit_test(values),
		cmocka_unit_test(retries_per_fault_edges),
		cmocka_unit_test(parse_forms),
		cmocka_unit_test(parse_json_is_yaml),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(parse_nul_byte),
		cmocka_unit_test(load_missing),
		cmocka_unit_test(verdicts),
		cmocka_unit_test(record_round_trip),
		cmocka_unit_test(record_exact),
		cmocka_unit_test(report_errors),
		cmocka_unit_test(compare_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
