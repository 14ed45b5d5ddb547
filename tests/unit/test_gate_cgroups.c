// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_gate_cgroups.c: a baseline's cgroups section (gate/baseline.c):
 * the cgroup catalogue, parsing it and its line-numbered errors, judging
 * rows of a made-up report (present, absent, null, folded, deeper than
 * the depth, no breakdown), recording the rows and reading them back,
 * compare's cgroup rows, and how the table, JSON and JUnit name them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate/baseline.h"
#include "gate/render.h"
#include "unit.h"
#include "unit_gate.h"

/*
 * stat --by cgroup's report in tracepoint mode (docs/json.md, cgroups):
 * faults, major and fault_ns null per row; two cgroups, nothing folded.
 */
#define ROW_TP(path, id, retries, file_io)						\
	"{\"cgroup\": \"" path "\", \"id\": " #id ", \"attempts\": null, \"faults\": null,"	\
	" \"retries\": " #retries ", \"completed\": null, \"major\": null,"		\
	" \"vma_lock_attempts\": null, \"mmap_lock_attempts\": 7,"			\
	" \"retry_reasons\": {\"file_io\": " #file_io ", \"page_lock\": 0, \"swap\": null},"	\
	" \"fault_ns\": null}"

#define REPORT_HEAD								\
	"{\"schema\": \"mmretry.stat/1\", \"kernel\": \"6.18.44\",\n"		\
	" \"modes\": {\"faults\": \"tracepoint\"},\n"				\
	" \"faults\": {\"faults\": 5000, \"retries\": 3072,"			\
	" \"retry_reasons\": {\"file_io\": 3072}},\n"				\
	" \"lost_events\": 0,\n"

static const char report_tp[] = REPORT_HEAD
	" \"cgroups\": {\"depth\": 1, \"max_cgroups\": 64, \"folded\": 0, \"rows\": [\n"
	ROW_TP("/mmrtest-b", 12, 2048, 2048) ",\n"
	ROW_TP("/mmrtest-a", 11, 1024, 1024) ",\n"
	" {\"cgroup\": null, \"id\": 13, \"attempts\": null, \"faults\": null, \"retries\": 3,"
	"  \"completed\": null, \"major\": null, \"vma_lock_attempts\": null,"
	"  \"mmap_lock_attempts\": 1, \"retry_reasons\": {\"file_io\": 3}, \"fault_ns\": null}]}}\n";

/* fentry mode: every figure, fault_ns timed; 5 cgroups folded in other */
static const char report_fentry[] =
	"{\"schema\": \"mmretry.stat/1\", \"modes\": {\"faults\": \"fentry\"},\n"
	" \"faults\": {\"faults\": 5000, \"retries\": 300}, \"lost_events\": 0,\n"
	" \"cgroups\": {\"depth\": 0, \"max_cgroups\": 1, \"folded\": 5, \"rows\": [\n"
	"  {\"cgroup\": \"/svc\", \"id\": 4, \"attempts\": 1300, \"faults\": 1000, \"retries\": 250,"
	"   \"completed\": 2, \"major\": 250, \"vma_lock_attempts\": 1200, \"mmap_lock_attempts\": 90,"
	"   \"retry_reasons\": {\"file_io\": 250, \"page_lock\": 0},"
	"   \"fault_ns\": {\"count\": 1000, \"sum\": 5000000, \"p50\": 1023, \"p99\": 65535,"
	"    \"max\": 60000, \"buckets\": [{\"le\": 1023, \"count\": 900}, {\"le\": 65535, \"count\": 100}]},"
	"   \"mmap_lock\": {\"read\": {\"acquisitions\": 1090}, \"write\": {\"acquisitions\": 3,"
	"    \"hold_ns\": {\"count\": 3, \"sum\": 90000, \"p50\": 32767, \"p99\": 32767,"
	"     \"max\": 31000, \"buckets\": [{\"le\": 32767, \"count\": 3}]}}}},\n"
	"  {\"cgroup\": \"other\", \"id\": null, \"attempts\": 99, \"faults\": 90, \"retries\": 50,"
	"   \"completed\": 0, \"major\": 9, \"vma_lock_attempts\": 90, \"mmap_lock_attempts\": 9,"
	"   \"retry_reasons\": {\"file_io\": 50, \"page_lock\": 0},"
	"   \"fault_ns\": {\"count\": 0, \"sum\": 0, \"p50\": null, \"p99\": null, \"max\": null,"
	"    \"buckets\": []}, \"mmap_lock\": null}]}}\n";

#define HEAD "mmretry_baseline: 1\n"

/* ---- the catalogue ---- */

static void catalogue(void **state)
{
	size_t i, k, n = cgroup_metric_count();
	const struct metric_def *m;

	/* 7 counts, 5 figures of fault_ns, a reason each, retries_per_fault */
	assert_true(n >= 7 + 5 + 9 + 1);
	for (i = 0; i < n; i++) {
		m = cgroup_metric_at(i);
		assert_ptr_equal(cgroup_metric_find(m->name), m);
		for (k = 0; k < i; k++)
			assert_string_not_equal(m->name, cgroup_metric_at(k)->name);
	}
	assert_null(cgroup_metric_at(n));
	/* named as the run's, read from the row's keys */
	m = cgroup_metric_find("faults.retries");
	assert_non_null(m);
	assert_string_equal(m->src, "retries");
	assert_int_equal(m->rule, metric_find("faults.retries")->rule);
	m = cgroup_metric_find("faults.retry_reasons.file_io");
	assert_string_equal(m->src, "retry_reasons.file_io");
	m = cgroup_metric_find("faults.latency_ns.p99");
	assert_true(m->hist);
	assert_string_equal(m->src, "fault_ns");
	assert_int_equal(m->rule, RULE_LATENCY);
	assert_int_equal(m->unit, MU_NS);
	m = cgroup_metric_find("retries_per_fault");
	assert_string_equal(m->src, "retries");
	assert_string_equal(m->den, "faults");
	/* the run's alone */
	assert_null(cgroup_metric_find("lost_events"));
	assert_null(cgroup_metric_find("faults.errors"));
	assert_null(cgroup_metric_find("mmap_lock.long_lost"));
	/* a row's mmap_lock figures, read from its mmap_lock object */
	m = cgroup_metric_find("mmap_lock.write.hold_ns.p99");
	assert_non_null(m);
	assert_true(m->hist);
	assert_string_equal(m->src, "mmap_lock.write.hold_ns");
	assert_string_equal(cgroup_metric_find("mmap_lock.read.acquisitions")->src,
			    "mmap_lock.read.acquisitions");
	/* and the run's catalogue has none of the row's names */
	assert_null(metric_find("faults.latency_ns.p99"));
}

static void names(void **state)
{
	static const char *const good[] = { "/", "/a", "/a/b", "/system.slice/x.service",
					    "other", "/a b", "/..a", "/a.", "/..." };
	static const char *const bad[] = { "", "a", "a/b", "/a/", "//", "/a//b", "/./a",
					   "/a/..", "/a/./b", "others", "Other", " /a" };
	char longp[300];
	size_t i;

	for (i = 0; i < ARRAY_LEN(good); i++)
		if (!cgroup_name_ok(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (i = 0; i < ARRAY_LEN(bad); i++)
		if (cgroup_name_ok(bad[i]))
			fail_msg("'%s' taken", bad[i]);
	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_false(cgroup_name_ok(longp));
}

/* ---- parsing ---- */

static void parse_forms(void **state)
{
	/* cgroups first in the file: the run's metrics come first all the same */
	struct parsed p = parse(HEAD
		"cgroups:\n"
		"  /mmrtest/a:\n"
		"    faults.retry_reasons.file_io: {value: 1024, max: 1300}\n"
		"    faults.latency_ns.p99: {max: 2ms}\n"
		"  \"/with space\": {faults.retries: 3}\n"
		"  other:\n"
		"    faults.retries: {max: 10}\n"
		"metrics:\n"
		"  lost_events: 0\n");
	char name[400];

	if (p.ret)
		fail_msg("%s", p.err);
	assert_int_equal(p.b.n, 5);
	assert_int_equal(p.b.ncgroups, 3);
	assert_null(p.b.limits[0].cgroup);
	assert_string_equal(p.b.limits[0].m->name, "lost_events");
	assert_int_equal(p.b.limits[0].line, 10);
	assert_string_equal(p.b.limits[1].cgroup, "/mmrtest/a");
	assert_ptr_equal(p.b.limits[1].m, cgroup_metric_find("faults.retry_reasons.file_io"));
	assert_int_equal(p.b.limits[1].line, 4);
	assert_true(p.b.limits[1].has_value && p.b.limits[1].has_max);
	assert_true(p.b.limits[1].max == 1300);
	assert_ptr_equal(p.b.limits[2].cgroup, p.b.limits[1].cgroup);
	assert_true(p.b.limits[2].max == 2e6);	/* ns */
	assert_string_equal(p.b.limits[3].cgroup, "/with space");
	assert_true(p.b.limits[3].has_tol && p.b.limits[3].value == 3);
	assert_int_equal(p.b.limits[3].line, 6);
	assert_string_equal(p.b.limits[4].cgroup, "other");
	assert_string_equal(limit_name(&p.b.limits[4], name, sizeof(name)), "other: faults.retries");
	assert_string_equal(limit_name(&p.b.limits[0], name, sizeof(name)), "lost_events");
	baseline_free(&p.b);
	assert_null(p.b.cgroups);

	/* cgroups alone; the same metric in two cgroups */
	p = parse(HEAD "cgroups:\n  /a: {faults.retries: {max: 1}}\n  /b: {faults.retries: {max: 2}}\n");
	if (p.ret)
		fail_msg("%s", p.err);
	assert_int_equal(p.b.n, 2);
	assert_string_equal(p.b.limits[1].cgroup, "/b");
	baseline_free(&p.b);
}

static void parse_errors(void **state)
{
	refused(HEAD "cgroups: 3\n",
		"b.yml:2: cgroups: expected a mapping of cgroup paths (/a/b, or other) to their "
		"metrics");
	refused(HEAD "cgroups: {}\n", "b.yml:2: cgroups: empty: name a cgroup, or leave cgroups out");
	refused(HEAD "metrics:\n  lost_events: 0\ncgroups:\n  mmrtest/a:\n    faults.retries: 1\n",
		"b.yml:5: cgroups: 'mmrtest/a' is not a cgroup as the report names it: a path from "
		"the cgroup2 mount's root (/system.slice/x.service), or other");
	refused(HEAD "cgroups:\n  /a/:\n    faults.retries: 1\n",
		"b.yml:3: cgroups: '/a/' is not a cgroup as the report names it: a path from the "
		"cgroup2 mount's root (/system.slice/x.service), or other");
	refused(HEAD "cgroups:\n  /a/../b: {faults.retries: 1}\n",
		"b.yml:3: cgroups: '/a/../b' is not a cgroup as the report names it: a path from "
		"the cgroup2 mount's root (/system.slice/x.service), or other");
	refused(HEAD "cgroups:\n  [a]: {faults.retries: 1}\n",
		"b.yml:3: cgroups: a cgroup must be a plain string");
	refused(HEAD "cgroups:\n  /a:\n    faults.retries: 1\n  /b: {faults.retries: 1}\n"
		"  /a:\n    faults.retries: 2\n",
		"b.yml:6: cgroups: '/a' given twice (first on line 3)");
	refused(HEAD "cgroups:\n  /a: 3\n",
		"b.yml:3: /a: expected a mapping of metric names to limits");
	refused(HEAD "cgroups:\n  /a: {}\n",
		"b.yml:3: /a: empty: name the metrics to hold the cgroup to");
	refused(HEAD "cgroups:\n  /a:\n    faults.retry: {max: 1}\n",
		"b.yml:4: /a: unknown metric 'faults.retry' (`mmretry check --list-metrics` lists "
		"them)");
	refused(HEAD "cgroups:\n  /a:\n    lost_events: 0\n",
		"b.yml:4: /a: 'lost_events' is not a figure of a cgroup's row (`mmretry check "
		"--list-metrics` lists those)");
	refused(HEAD "cgroups:\n  /a:\n    faults.retries: {max: 1}\n    faults.major: 2\n"
		"    faults.retries: {max: 3}\n",
		"b.yml:6: /a: faults.retries: given twice (first on line 4)");
	refused(HEAD "cgroups:\n  /a:\n    faults.retries: {max: -1}\n",
		"b.yml:4: /a: faults.retries: max '-1' is not a non-negative number");
	refused(HEAD "cgroups:\n  other:\n    faults.retries: {min: 5, max: 4}\n",
		"b.yml:4: other: faults.retries: min 5 is above max 4");
	refused(HEAD "cgroups:\n  /a:\n    faults.latency_ns.p99: {max: 2 hours}\n",
		"b.yml:4: /a: faults.latency_ns.p99: max '2 hours' is not a duration (a number of "
		"ns, or with ns, us, ms, s)");
	refused(HEAD "cgroups:\n  /a:\n    faults.retries: {value: 1}\n",
		"b.yml:4: /a: faults.retries: no limit: give max, min, or a value with a tolerance");
	refused(HEAD "cgroups:\n  /a: {faults.retries: 1}\ncgroups:\n  /b: {faults.retries: 1}\n",
		"b.yml:4: cgroups given twice");
	/* a cgroup's limits after a bad one are not kept half-parsed */
	refused(HEAD "metrics:\n  lost_events: 0\ncgroups:\n  /a: {faults.retries: 1}\n"
		"  /b: {faults.retries: x}\n",
		"b.yml:6: /b: faults.retries: value 'x' is not a non-negative number");
}

/* ---- judging rows ---- */

struct judged {
	struct baseline b;
	struct check_row *rows;
	enum verdict worst;
};

static struct judged judge(const char *baseline, const json_t *r)
{
	struct judged j;
	char err[512];

	if (baseline_parse(baseline, strlen(baseline), "b.yml", &j.b, err, sizeof(err)))
		fail_msg("%s", err);
	j.rows = calloc(j.b.n, sizeof(*j.rows));
	assert_non_null(j.rows);
	j.worst = baseline_check(&j.b, r, j.rows);
	return j;
}

static void judged_free(struct judged *j)
{
	free(j->rows);
	baseline_free(&j->b);
}

static void assert_why(const struct check_row *r, const char *want)
{
	if (!strstr(r->why, want))
		fail_msg("%s: why '%s' lacks '%s'", r->l->m->name, r->why, want);
}

static void judge_present(void **state)
{
	json_t *r = report_of(report_tp);
	struct judged j = judge(HEAD "cgroups:\n"
		"  /mmrtest-a: {faults.retry_reasons.file_io: {value: 1024, max: 1100}}\n"
		"  /mmrtest-b:\n"
		"    faults.retry_reasons.file_io: {max: 2000}\n"
		"    faults.retries: {min: 2048}\n"
		"    faults.mmap_lock_attempts: 7\n", r);

	assert_int_equal(j.worst, VERDICT_FAIL);
	assert_int_equal(j.rows[0].verdict, VERDICT_PASS);
	assert_true(j.rows[0].measured == 1024);	/* a's row, not b's, nor the run's */
	assert_int_equal(j.rows[1].verdict, VERDICT_FAIL);
	assert_true(j.rows[1].measured == 2048);
	assert_int_equal(j.rows[2].verdict, VERDICT_PASS);
	assert_int_equal(j.rows[3].verdict, VERDICT_PASS);
	assert_false(j.rows[1].no_row);
	judged_free(&j);
	json_decref(r);
}

static void judge_null(void **state)
{
	json_t *r = report_of(report_tp);
	/* tracepoint mode: faults, major and fault_ns are null per cgroup */
	struct judged j = judge(HEAD "cgroups:\n  /mmrtest-a:\n"
		"    faults.faults: {max: 100000}\n"
		"    faults.latency_ns.p99: {max: 1s}\n"
		"    retries_per_fault: {max: 1}\n"
		"    faults.retry_reasons.swap: {max: 100000}\n"
		"    faults.retry_reasons.file_io: {max: 100000}\n", r);

	assert_int_equal(j.worst, VERDICT_UNAVAILABLE);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(j.rows[i].verdict, VERDICT_UNAVAILABLE);
		assert_false(j.rows[i].no_row);
	}
	assert_why(&j.rows[0], "in its row, faults is null: not seen in tracepoint mode");
	assert_why(&j.rows[1], "fault_ns is null: needs fentry or kprobes (tracepoint mode)");
	assert_why(&j.rows[2], "faults is null");
	assert_why(&j.rows[3], "retry_reasons.swap is null");
	assert_int_equal(j.rows[4].verdict, VERDICT_PASS);
	judged_free(&j);
	json_decref(r);
}

static void judge_absent(void **state)
{
	json_t *r = report_of(report_tp);
	/* a typo, and a cgroup deeper than the run's --cgroup-depth 1 */
	struct judged j = judge(HEAD "cgroups:\n"
		"  /mmrtest-c: {faults.retries: {max: 1000000}}\n"
		"  /mmrtest-a/x: {faults.retries: {max: 1000000}}\n"
		"  /: {faults.retries: {max: 1000000}}\n", r);

	/* never 0, which a max would pass */
	assert_int_equal(j.worst, VERDICT_UNAVAILABLE);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(j.rows[i].verdict, VERDICT_UNAVAILABLE);
		assert_true(j.rows[i].no_row);
	}
	assert_why(&j.rows[0], "no row: no such cgroup counted anything at this --cgroup-depth "
		   "(a typo?)");
	assert_why(&j.rows[1], "no row: below --cgroup-depth 1, it is counted in its ancestor's "
		   "row");
	assert_why(&j.rows[2], "no row: no such cgroup counted anything");
	judged_free(&j);
	json_decref(r);
}

/* a row's mmap_lock figures; null where the run did not trace mmap_lock */
static void judge_mmap_lock(void **state)
{
	json_t *r = report_of(report_fentry);
	struct judged j = judge(HEAD "cgroups:\n"
		"  /svc:\n"
		"    mmap_lock.write.hold_ns.p99: {max: 1ms}\n"
		"    mmap_lock.read.acquisitions: {max: 1000}\n"
		"  other: {mmap_lock.read.acquisitions: {max: 1000}}\n", r);

	assert_int_equal(j.rows[0].verdict, VERDICT_PASS);
	assert_true(j.rows[0].measured == 31000);	/* the slot's bound, capped at max */
	assert_int_equal(j.rows[1].verdict, VERDICT_FAIL);	/* 1090 */
	assert_true(j.rows[1].measured == 1090);
	assert_int_equal(j.rows[2].verdict, VERDICT_UNAVAILABLE);
	assert_false(j.rows[2].no_row);
	assert_why(&j.rows[2], "in its row, mmap_lock is null: mmap_lock not traced");
	assert_int_equal(j.worst, VERDICT_FAIL);
	judged_free(&j);
	json_decref(r);
}

static void judge_folded(void **state)
{
	json_t *r = report_of(report_fentry);
	struct judged j = judge(HEAD "cgroups:\n"
		"  /svc:\n"
		"    faults.faults: {value: 1000, tolerance: 0}\n"
		"    faults.latency_ns.p99: {max: 65535}\n"
		"    faults.latency_ns.count: 1000\n"
		"    retries_per_fault: 0.25\n"
		"  /svc2: {faults.retries: {max: 1000}}\n"
		"  other:\n"
		"    faults.retries: {max: 50}\n"
		"    faults.latency_ns.p99: {max: 1s}\n", r);

	assert_int_equal(j.worst, VERDICT_UNAVAILABLE);
	for (size_t i = 0; i < 4; i++)
		if (j.rows[i].verdict != VERDICT_PASS)
			fail_msg("/svc row %zu: %s", i, j.rows[i].why);
	/* not a row: it may be summed in other */
	assert_int_equal(j.rows[4].verdict, VERDICT_UNAVAILABLE);
	assert_true(j.rows[4].no_row);
	assert_why(&j.rows[4], "no row: it may be one of the 5 cgroups summed in other "
		   "(--max-cgroups 1)");
	/* other itself is judged: the folded cgroups' sum */
	assert_int_equal(j.rows[5].verdict, VERDICT_PASS);
	assert_true(j.rows[5].measured == 50);
	assert_int_equal(j.rows[6].verdict, VERDICT_UNAVAILABLE);
	assert_why(&j.rows[6], "nothing counted (fault_ns: count 0)");
	judged_free(&j);
	json_decref(r);
}

static void judge_other_unfolded(void **state)
{
	json_t *r = report_of(report_tp);
	/* nothing folded, no other row: its counts are 0, its nulls null */
	struct judged j = judge(HEAD "cgroups:\n  other:\n"
		"    faults.retries: 0\n"
		"    faults.retry_reasons.file_io: {max: 0}\n"
		"    faults.faults: {max: 0}\n", r);

	assert_int_equal(j.rows[0].verdict, VERDICT_PASS);
	assert_true(j.rows[0].measured == 0);
	assert_int_equal(j.rows[1].verdict, VERDICT_PASS);
	assert_int_equal(j.rows[2].verdict, VERDICT_UNAVAILABLE);
	assert_false(j.rows[2].no_row);
	assert_why(&j.rows[2], "faults is null");
	judged_free(&j);
	json_decref(r);
}

static void judge_no_breakdown(void **state)
{
	static const char *const reports[][2] = {
		{ REPORT_HEAD " \"notes\": []}", "the report has no cgroups: traced without --by cgroup" },
		{ REPORT_HEAD " \"cgroups\": null}", "the report's cgroups is null" },
		{ REPORT_HEAD " \"cgroups\": {\"depth\": 0}}", "the report's cgroups is without rows" },
	};

	for (size_t i = 0; i < ARRAY_LEN(reports); i++) {
		json_t *r = report_of(reports[i][0]);
		struct judged j = judge(HEAD "metrics:\n  faults.retries: {max: 1000000}\n"
					"cgroups:\n  other: {faults.retries: {max: 1000000}}\n"
					"  /a: {faults.retries: {max: 1000000}}\n", r);

		/* unavailable, never passed */
		assert_int_equal(j.worst, VERDICT_UNAVAILABLE);
		assert_int_equal(j.rows[0].verdict, VERDICT_PASS);
		assert_int_equal(j.rows[1].verdict, VERDICT_UNAVAILABLE);
		assert_int_equal(j.rows[2].verdict, VERDICT_UNAVAILABLE);
		assert_false(j.rows[2].no_row);
		assert_why(&j.rows[1], reports[i][1]);
		assert_why(&j.rows[2], reports[i][1]);
		judged_free(&j);
		json_decref(r);
	}
}

/* ---- recording ---- */

static char *record(const json_t *r, char *skipped, size_t len, int *n)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	assert_non_null(f);
	*n = baseline_record(f, r, skipped, len);
	fclose(f);
	return buf;
}

static void record_round_trip(void **state)
{
	const char *reports[] = { report_tp, report_fentry };

	for (size_t i = 0; i < ARRAY_LEN(reports); i++) {
		json_t *r = report_of(reports[i]);
		char skipped[1024];
		int n;
		char *text = record(r, skipped, sizeof(skipped), &n);
		struct judged j = judge(text, r);
		size_t k, ncg = 0;

		assert_true(n > 0);
		assert_int_equal(j.b.n, (size_t)n);
		/* a recorded baseline passes the report it was recorded from */
		if (j.worst != VERDICT_PASS)
			fail_msg("%s", text);
		for (k = 0; k < j.b.n; k++)
			ncg += j.b.limits[k].cgroup != NULL;
		assert_true(ncg > 0);
		/* paths only: not other, nor the removed cgroup */
		assert_null(strstr(text, "other:"));
		assert_null(strstr(text, "id:"));
		assert_non_null(strstr(text, "cgroups:\n"));
		if (i == 0) {
			assert_int_equal(j.b.ncgroups, 2);
			assert_string_equal(j.b.cgroups[0], "/mmrtest-b");
			assert_non_null(strstr(text, "  /mmrtest-a:\n    faults.retries: {value: 1024, "
					       "max: 1282}\n"));
			assert_non_null(strstr(text, "  cgroup_depth: 1\n"));
			/* tracepoint mode: faults per cgroup are not recorded, and said so */
			assert_non_null(strstr(skipped, "a cgroup's faults.faults"));
			assert_null(strstr(text, "    faults.faults:"));
		} else {
			assert_int_equal(j.b.ncgroups, 1);
			assert_non_null(strstr(text, "    faults.faults: {value: 1000, tolerance: 10%}\n"));
			assert_non_null(strstr(text, "    faults.latency_ns.p99: {value: 60000, max: "
					       "240003}\n"));
		}
		judged_free(&j);
		free(text);
		json_decref(r);
	}
}

static void record_without_rows(void **state)
{
	json_t *r = report_of(REPORT_HEAD " \"cgroups\": null}");
	char skipped[512];
	int n;
	char *text = record(r, skipped, sizeof(skipped), &n);

	assert_true(n > 0);
	assert_null(strstr(text, "cgroups"));
	free(text);
	json_decref(r);
}

/* ---- compare ---- */

static void compare(void **state)
{
	json_t *a = report_of(report_tp), *b = report_of(report_fentry);
	size_t max = report_compare_max(a, b), n, i;
	struct compare_row *rows = calloc(max, sizeof(*rows));
	char name[400];
	bool seen_a = false, seen_svc = false;

	assert_non_null(rows);
	assert_int_equal(max, metric_count() + cgroup_metric_count() * 5);
	n = report_compare(a, b, rows);
	for (i = 0; i < n; i++) {
		if (!rows[i].cgroup)
			continue;
		compare_row_name(&rows[i], name, sizeof(name));
		if (!strcmp(name, "/mmrtest-a: faults.retries")) {
			seen_a = true;
			assert_true(rows[i].a_ok && rows[i].a == 1024 && !rows[i].b_ok);
		}
		if (!strcmp(name, "/svc: faults.faults")) {
			seen_svc = true;
			assert_true(!rows[i].a_ok && rows[i].b_ok && rows[i].b == 1000);
		}
		/* other: on both sides, a's made of nothing: n/a there */
		if (!strcmp(name, "other: faults.retries"))
			assert_true(!rows[i].a_ok && rows[i].b_ok);
		assert_true(rows[i].a_ok || rows[i].b_ok);
	}
	assert_true(seen_a && seen_svc);
	free(rows);
	json_decref(a);
	json_decref(b);
}

/* ---- outputs ---- */

static char *capture_text(const struct judged *j)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	print_check_text(f, "b.yml", j->rows, j->b.n, j->worst);
	fclose(f);
	return buf;
}

static void outputs(void **state)
{
	json_t *r = report_of(report_tp), *out;
	struct judged j = judge(HEAD "metrics:\n  lost_events: 0\ncgroups:\n"
		"  /mmrtest-b: {faults.retries: {max: 100}}\n"
		"  /mmrtest-c: {faults.retries: {max: 100}}\n"
		"  /a/very/long/path/of/services/that/goes/on/and/on/for/a/while/system.slice/"
		"mmrtest-a.service: {faults.retries: {max: 100}}\n", r);
	char *text = capture_text(&j), *line, *save = NULL, *xml = NULL;
	size_t size = 0;
	FILE *f;

	/* the cgroup on a line of its own, its metrics under it */
	assert_non_null(strstr(text, "\n  /mmrtest-b:\n    faults.retries "));
	assert_non_null(strstr(text, "\n  /mmrtest-c:\n    faults.retries "));
	/* a cgroup without a row says so in the table */
	assert_non_null(strstr(text, "  no row "));
	assert_non_null(strstr(text, "n/a (no row)\n"));
	assert_non_null(strstr(text, "\n  /mmrtest-c: faults.retries\n    no row: "));
	/* a long path keeps its end, within 80 columns */
	assert_non_null(strstr(text, "\n  ...of/services/that/"));
	assert_non_null(strstr(text, "/system.slice/mmrtest-a.service:\n    faults.retries "));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (line[2] == '/' || line[2] == '.' || !strncmp(line, "    no row", 10))
			if (strlen(line) > 80)
				fail_msg("over 80 columns: '%s'", line);
	free(text);

	out = check_json("b.yml", r, j.rows, j.b.n, j.worst, 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(out, "metrics"), 1), "metric")), "/mmrtest-b: faults.retries");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(out, "metrics"), 1), "cgroup")), "/mmrtest-b");
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(out, "metrics"), 0),
						 "cgroup")));
	json_decref(out);

	f = open_memstream(&xml, &size);
	assert_int_equal(write_junit(f, "b.yml", j.rows, j.b.n, 0), 0);
	fclose(f);
	assert_non_null(strstr(xml, "name=\"/mmrtest-b: faults.retries\">"));
	assert_non_null(strstr(xml, "message=\"/mmrtest-c: faults.retries is unavailable in this "
			       "report: no row: "));
	free(xml);
	judged_free(&j);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue),
		cmocka_unit_test(names),
		cmocka_unit_test(parse_forms),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(judge_present),
		cmocka_unit_test(judge_null),
		cmocka_unit_test(judge_absent),
		cmocka_unit_test(judge_mmap_lock),
		cmocka_unit_test(judge_folded),
		cmocka_unit_test(judge_other_unfolded),
		cmocka_unit_test(judge_no_breakdown),
		cmocka_unit_test(record_round_trip),
		cmocka_unit_test(record_without_rows),
		cmocka_unit_test(compare),
		cmocka_unit_test(outputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
