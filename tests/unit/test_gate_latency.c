// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_gate_latency.c: the CI gate's fault-latency metrics (gate/baseline.c)
 * over reports whose fault_latency the report's own renderer wrote
 * (report/latency.c): each metric's value, histograms merged over the
 * reasons, why a metric is unavailable (tracepoint mode, a model run, no
 * mmap_lock tracer, a histogram that counted nothing, an older report),
 * what `baseline` records of them, and compare's 80 columns.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/hist.h"
#include "gate/baseline.h"
#include "gate/render.h"
#include "report/latency.h"
#include "report/render.h"
#include "stats/figures.h"
#include "stats/mmap_lock.h"	/* hist_quantile, hist_merge */
#include "unit.h"

static void sample(struct report_latency *x)
{
	int i;

	memset(x, 0, sizeof(*x));
	x->traced = true;
	x->lock_wait = true;
	for (i = 0; i < 100; i++)
		hist_add(&x->l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT], 2000 + i);
	for (i = 0; i < 10; i++) {
		hist_add(&x->l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED], 1100000 + i);
		hist_add(&x->l.retry_ns[MMR_REASON_FILE_IO], 100000);
		hist_add(&x->l.attempt[MMR_REASON_FILE_IO], 1000000);
		hist_add(&x->l.gap[MMR_REASON_FILE_IO], 40000);
		hist_add(&x->l.lock_wait[MMR_REASON_FILE_IO], 30000);
	}
	hist_add(&x->l.retry_ns[MMR_REASON_PAGE_LOCK], 9000000);
	hist_add(&x->l.dur[MMR_ORIGIN_KERNEL][MMR_OUTCOME_ONE_ATTEMPT], 5000);
}

/* a stat report in mode, its fault_latency x's */
static json_t *report(const char *mode, const struct report_latency *x)
{
	json_t *j = json_pack("{sss{ss}}", "schema", "mmretry.stat/1", "modes", "faults", mode);

	json_object_set_new(j, "fault_latency", report_latency_json(x));
	return j;
}

static double value(const json_t *j, const char *name)
{
	const struct metric_def *m = metric_find(name);
	double v = -1;

	if (!m)
		fail_msg("no metric %s", name);
	if (metric_value(j, m, &v))
		fail_msg("%s: unavailable", name);
	return v;
}

/* name is unavailable in j, and says why with want in it */
static void unavailable(const json_t *j, const char *name, const char *want)
{
	const struct metric_def *m = metric_find(name);
	char why[160];
	double v;

	assert_non_null(m);
	assert_int_equal(metric_value(j, m, &v), -ENODATA);
	metric_why(j, m, why, sizeof(why));
	if (!strstr(why, want))
		fail_msg("%s: why '%s', want '%s' in it", name, why, want);
}

static void catalogue(void **state)
{
	const struct metric_def *m = metric_find("faults.latency_ns.retried.p99");

	assert_non_null(m);
	assert_int_equal(m->unit, MU_NS);
	assert_int_equal(m->rule, RULE_LATENCY);
	assert_string_equal(m->src, "fault_latency.user.retried");
	assert_int_equal(metric_find("faults.latency_ns.major.count")->unit, MU_COUNT);
	assert_int_equal(metric_find("faults.kernel_latency_ns.one_attempt.p99")->rule, RULE_NONE);
	assert_true(metric_find("faults.retry_ns.sum")->merge);
	assert_false(metric_find("faults.retry_ns.file_io.sum")->merge);
	assert_int_equal(metric_find("faults.retry_ns.p99")->rule, RULE_LATENCY);
	assert_int_equal(metric_find("faults.retry_lock_wait_ns.p99")->rule, RULE_LATENCY);
	assert_non_null(metric_find("faults.retry_gap_ns.max"));
	assert_non_null(metric_find("faults.retry_attempt_ns.count"));
	assert_non_null(metric_find("faults.last_attempt_ns.sum"));
	assert_non_null(metric_find("faults.retry_ns.unattributed.p50"));
	assert_null(metric_find("faults.latency_ns.retried"));
	assert_null(metric_find("faults.latency_ns.user.retried.p99"));
	assert_null(metric_find("fault_latency.user.retried.p99"));
}

static void values(void **state)
{
	struct report_latency x;
	struct mmr_hist all;
	json_t *j;

	sample(&x);
	j = report("fentry", &x);
	assert_true(value(j, "faults.latency_ns.retried.count") == 10);
	assert_true(value(j, "faults.latency_ns.retried.sum") == 11000045);
	assert_true(value(j, "faults.latency_ns.retried.max") == 1100009);
	assert_true(value(j, "faults.latency_ns.retried.p99") ==
		    hist_quantile(&x.l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED], 0.99));
	assert_true(value(j, "faults.latency_ns.one_attempt.p50") ==
		    hist_quantile(&x.l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT], 0.5));
	assert_true(value(j, "faults.latency_ns.major.count") == 0);
	assert_true(value(j, "faults.latency_ns.major.sum") == 0);
	assert_true(value(j, "faults.kernel_latency_ns.one_attempt.sum") == 5000);
	/* the retry time over every reason: the histograms merged */
	assert_true(value(j, "faults.retry_ns.sum") == 10 * 100000 + 9000000);
	assert_true(value(j, "faults.retry_ns.count") == 11);
	assert_true(value(j, "faults.retry_ns.max") == 9000000);
	all = x.l.retry_ns[MMR_REASON_FILE_IO];
	hist_merge(&all, &x.l.retry_ns[MMR_REASON_PAGE_LOCK]);
	assert_true(value(j, "faults.retry_ns.p50") == hist_quantile(&all, 0.5));
	assert_true(value(j, "faults.retry_ns.p99") == hist_quantile(&all, 0.99));
	assert_true(value(j, "faults.retry_ns.p99") == 9000000);
	assert_true(value(j, "faults.retry_ns.file_io.sum") == 1000000);
	assert_true(value(j, "faults.retry_ns.page_lock.p99") == 9000000);
	assert_true(value(j, "faults.retry_ns.swap.sum") == 0);
	assert_true(value(j, "faults.retry_lock_wait_ns.sum") == 300000);
	assert_true(value(j, "faults.retry_gap_ns.sum") == 400000);
	assert_true(value(j, "faults.retry_attempt_ns.count") == 10);
	assert_true(value(j, "faults.last_attempt_ns.count") == 0);
	/* a histogram that counted nothing has no percentile */
	unavailable(j, "faults.latency_ns.major.p99", "nothing counted");
	unavailable(j, "faults.retry_ns.swap.max", "nothing counted");
	unavailable(j, "faults.last_attempt_ns.p50", "nothing counted");

	/* every fault-latency metric: a value, which is its histogram's (one
	 * reason's, or all merged), or nothing counted; 9 histograms counted
	 * something (user one_attempt and retried, kernel one_attempt, retry_ns
	 * file_io, page_lock and merged, attempt, gap and lock_wait merged) */
	for (size_t i = 0, counted = 0; i <= metric_count(); i++) {
		const struct metric_def *m = metric_at(i);
		struct mmr_hist want = { 0 };
		char why[160];
		double v;
		int k;

		if (i == metric_count()) {
			assert_int_equal(counted, 9 * HF_NR);
			break;
		}
		if (!m->hist)
			continue;
		for (k = 0; k < MMR_NR_REASONS + MMR_NR_ORIGINS * MMR_NR_OUTCOMES; k++) {
			static const char *const arrays[] = {
				"retry_ns", "last_attempt_ns", "retry_attempt_ns", "retry_gap_ns",
				"retry_lock_wait_ns",
			};
			const struct mmr_hist *base[] = {
				x.l.retry_ns, x.l.last_attempt, x.l.attempt, x.l.gap, x.l.lock_wait,
			};
			char path[METRIC_NAME_MAX];

			if (k < MMR_NR_REASONS) {
				for (size_t a = 0; a < ARRAY_LEN(arrays); a++) {
					snprintf(path, sizeof(path), "fault_latency.%s", arrays[a]);
					if (!strcmp(m->src, path))
						hist_merge(&want, &base[a][k]);
					snprintf(path, sizeof(path), "fault_latency.%s.%s", arrays[a],
						 reason_names[k]);
					if (!strcmp(m->src, path))
						want = base[a][k];
				}
				continue;
			}
			snprintf(path, sizeof(path), "fault_latency.%s.%s",
				 origin_names[(k - MMR_NR_REASONS) / MMR_NR_OUTCOMES],
				 outcome_names[(k - MMR_NR_REASONS) % MMR_NR_OUTCOMES]);
			if (!strcmp(m->src, path))
				want = x.l.dur[(k - MMR_NR_REASONS) / MMR_NR_OUTCOMES]
					      [(k - MMR_NR_REASONS) % MMR_NR_OUTCOMES];
		}
		counted += want.count > 0;
		if (metric_value(j, m, &v)) {
			metric_why(j, m, why, sizeof(why));
			if (want.count || strncmp(why, "nothing counted", 15))
				fail_msg("%s: unavailable (%s)", m->name, why);
			continue;
		}
		if (v != (m->fig == HF_COUNT ? want.count : m->fig == HF_SUM ? want.sum_ns :
			  m->fig == HF_P50 ? hist_quantile(&want, 0.5) :
			  m->fig == HF_P99 ? hist_quantile(&want, 0.99) : want.max_ns))
			fail_msg("%s: %g", m->name, v);
	}
	json_decref(j);
}

static void unavailable_why(void **state)
{
	struct report_latency x;
	json_t *j, *h;

	/* tracepoint mode: the lock wait alone */
	sample(&x);
	x.traced = false;
	x.why = "needs fentry or kprobes";
	j = report("tracepoint", &x);
	unavailable(j, "faults.latency_ns.retried.p99",
		    "fault_latency.user is null: needs fentry or kprobes (tracepoint mode)");
	unavailable(j, "faults.retry_ns.sum", "fault_latency.retry_ns is null: needs fentry");
	unavailable(j, "faults.retry_gap_ns.count", "needs fentry or kprobes");
	assert_true(value(j, "faults.retry_lock_wait_ns.count") == 10);
	json_decref(j);

	/* no mmap_lock tracer */
	sample(&x);
	x.lock_wait = false;
	j = report("kprobe", &x);
	unavailable(j, "faults.retry_lock_wait_ns.sum",
		    "fault_latency.retry_lock_wait_ns is null: needs the mmap_lock tracer");
	assert_true(value(j, "faults.retry_ns.count") == 11);
	json_decref(j);

	/* nothing timed: a model run, or not timed at all */
	memset(&x, 0, sizeof(x));
	j = report("model", &x);
	unavailable(j, "faults.latency_ns.one_attempt.count", "a model run does not time faults");
	json_decref(j);
	j = report("fentry", &x);
	unavailable(j, "faults.retry_lock_wait_ns.p99", "fault_latency is null");
	json_decref(j);

	/* a report from before fault latency */
	j = json_pack("{ss}", "schema", "mmretry.stat/1");
	unavailable(j, "faults.retry_ns.p99", "this report has no fault_latency.retry_ns");
	json_decref(j);

	/* a histogram whose buckets do not add up is no figure */
	sample(&x);
	j = report("fentry", &x);
	h = json_object_get(json_object_get(json_object_get(j, "fault_latency"), "user"),
			    "retried");
	json_object_set_new(h, "count", json_integer(11));
	unavailable(j, "faults.latency_ns.retried.sum", "is not a figure");
	unavailable(j, "faults.latency_ns.retried.p99", "is not a figure");
	json_decref(j);

	/* the other metrics say why too */
	j = json_pack("{sss{ss}s{sn}}", "schema", "mmretry.stat/1", "modes", "faults", "tracepoint",
		      "faults", "completed");
	unavailable(j, "faults.completed", "faults.completed is null: not seen in tracepoint mode");
	json_decref(j);
	j = json_pack("{ss s{s{s{sisn}}}}", "schema", "mmretry.stat/1", "mmap_lock", "read",
		      "wait_ns", "count", 0, "p99");
	unavailable(j, "mmap_lock.read.wait_ns.p99", "nothing counted (mmap_lock.read.wait_ns.count is 0)");
	json_decref(j);
}

/* check: the row carries its why; baseline records the p99s */
static void check_and_record(void **state)
{
	static const char text[] = "mmretry_baseline: 1\nmetrics:\n"
		"  faults.latency_ns.retried.p99: {max: 2ms}\n"
		"  faults.retry_ns.sum: {max: 10ms}\n";
	struct check_row rows[64];
	struct report_latency x;
	struct baseline b;
	char err[256], *out = NULL, skipped[2048];
	size_t len = 0;
	FILE *f;
	json_t *j;

	sample(&x);
	j = report("fentry", &x);
	assert_int_equal(baseline_parse(text, strlen(text), "b.yml", &b, err, sizeof(err)), 0);
	assert_int_equal(baseline_check(&b, j, rows), VERDICT_PASS);
	json_decref(j);
	x.traced = false;
	j = report("tracepoint", &x);
	assert_int_equal(baseline_check(&b, j, rows), VERDICT_UNAVAILABLE);
	assert_int_equal(rows[0].verdict, VERDICT_UNAVAILABLE);
	assert_non_null(strstr(rows[0].why, "needs fentry or kprobes"));
	json_decref(j);
	baseline_free(&b);

	sample(&x);
	j = report("fentry", &x);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_true(baseline_record(f, j, skipped, sizeof(skipped)) > 0);
	assert_int_equal(fclose(f), 0);
	/* p99 4v + 3: two log2 buckets up; sums and per-reason figures are not recorded */
	assert_non_null(strstr(out, "  faults.latency_ns.retried.p99: {value: 1100009, max: 4400039}\n"));
	assert_non_null(strstr(out, "  faults.retry_ns.p99: {value: 9000000, max: 36000003}\n"));
	assert_non_null(strstr(out, "  faults.retry_lock_wait_ns.p99: {value: "));
	assert_null(strstr(out, "faults.retry_ns.sum"));
	assert_null(strstr(out, "faults.retry_ns.file_io"));
	assert_non_null(strstr(skipped, "faults.latency_ns.major.p99"));
	assert_int_equal(baseline_parse(out, strlen(out), "rec.yml", &b, err, sizeof(err)), 0);
	assert_int_equal(baseline_check(&b, j, rows), VERDICT_PASS);
	baseline_free(&b);
	free(out);
	json_decref(j);
}

/* compare: latency rows side by side, n/a where a side lacks them, 80 columns */
static void compare_text(void **state)
{
	struct compare_row *rows = calloc(metric_count(), sizeof(*rows));
	struct report_latency x;
	json_t *a, *b;
	char *text, *line, *save = NULL;
	size_t n;
	bool retried = false, kernel = false, lock = false;

	sample(&x);
	b = report("fentry", &x);
	x.traced = false;
	a = report("tracepoint", &x);
	n = report_compare(a, b, rows);
	text = PRINTED(f, assert_int_equal(print_compare_text(f, "a.json", "b.json", rows, n), 0));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strlen(line) > 80)
			fail_msg("over 80 columns: '%s'", line);
		if (!strncmp(line, "  faults.latency_ns.retried.p99 ", 32)) {
			assert_non_null(strstr(line, " n/a "));
			assert_non_null(strstr(line, "1.1 ms"));
			retried = true;
		}
		if (!strncmp(line, "  faults.kernel_latency_ns.one_attempt.count ", 45))
			kernel = true;
		if (!strncmp(line, "  faults.retry_lock_wait_ns.sum ", 32)) {
			assert_non_null(strstr(line, "+0 ns"));
			lock = true;
		}
	}
	assert_true(retried && kernel && lock);
	free(text);

	/* wide values leave the name less room: a longer one gets a line of its own */
	rows[0] = (struct compare_row){ .m = metric_find("faults.kernel_latency_ns.one_attempt.count"),
					.a_ok = true, .b_ok = true, .a = 123456789012.0,
					.b = 987654321098.0 };
	text = PRINTED(f, assert_int_equal(print_compare_text(f, "a.json", "b.json", rows, 1), 0));
	assert_non_null(strstr(text, "\n  faults.kernel_latency_ns.one_attempt.count\n  "));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strlen(line) > 80)
			fail_msg("over 80 columns: '%s'", line);
	free(text);
	free(rows);
	json_decref(a);
	json_decref(b);
}

/* hist_json()'s inverse gives the histogram back; anything else is refused */
static void hist_round_trip(void **state)
{
	struct report_latency x;
	struct mmr_hist h;
	json_t *j;

	sample(&x);
	j = hist_json(&x.l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED]);
	assert_int_equal(hist_from_json(j, &h), 0);
	assert_memory_equal(&h, &x.l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED], sizeof(h));
	json_decref(j);
	memset(&h, 0, sizeof(h));
	j = hist_json(&h);
	assert_int_equal(hist_from_json(j, &h), 0);
	assert_int_equal(h.count, 0);
	json_decref(j);
	j = json_pack("{sisisi s[{sisi}]}", "count", 1, "sum", 5, "max", 5, "buckets", "le", 6,
		      "count", 1);
	assert_int_equal(hist_from_json(j, &h), -EINVAL);	/* 6 is no slot's bound */
	json_decref(j);
	j = json_pack("{sisisi s[{sisi}]}", "count", 2, "sum", 5, "max", 5, "buckets", "le", 7,
		      "count", 1);
	assert_int_equal(hist_from_json(j, &h), -EINVAL);	/* buckets short of count */
	json_decref(j);
	assert_int_equal(hist_from_json(json_null(), &h), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue),
		cmocka_unit_test(values),
		cmocka_unit_test(unavailable_why),
		cmocka_unit_test(check_and_record),
		cmocka_unit_test(compare_text),
		cmocka_unit_test(hist_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
