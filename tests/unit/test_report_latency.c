// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report_latency.c: the fault-latency section of the stat report
 * (report/latency.c) and the per-CPU merge of its histograms
 * (stats/figures.c): text rows by origin and outcome, retry time by reason,
 * each retry's attempt, gap and lock wait, JSON histograms, and n/a / null
 * for what was not timed (tracepoint mode: the lock wait alone).
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "bpf/hist.h"
#include "report/latency.h"
#include "stats/figures.h"
#include "unit.h"
#include "unit_report.h"

static void sample(struct report_latency *x)
{
	int i;

	memset(x, 0, sizeof(*x));
	x->traced = true;
	x->lock_wait = true;
	for (i = 0; i < 100; i++)	/* 100 faults of 2 us done at once */
		hist_add(&x->l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT], 2000);
	for (i = 0; i < 10; i++) {	/* 10 retried after 1 ms of I/O */
		hist_add(&x->l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED], 1100000);
		hist_add(&x->l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_MAJOR], 1100000);
		hist_add(&x->l.retry_ns[MMR_REASON_FILE_IO], 100000);
		hist_add(&x->l.last_attempt[MMR_REASON_FILE_IO], 60000);
		hist_add(&x->l.attempt[MMR_REASON_FILE_IO], 1000000);
		hist_add(&x->l.gap[MMR_REASON_FILE_IO], 40000);
		hist_add(&x->l.lock_wait[MMR_REASON_FILE_IO], 30000);
	}
	hist_add(&x->l.dur[MMR_ORIGIN_KERNEL][MMR_OUTCOME_ONE_ATTEMPT], 5000);
}

static void text_rows(void **state)
{
	struct report_latency x;
	char *t;

	sample(&x);
	t = PRINTED(fp, report_print_latency_text(fp, &x));
	find(t, "\nfault latency (first attempt's entry to last attempt's return)\n");
	find(t, "\n  user    one_attempt         100 ");
	find(t, "\n  user    retried              10 ");
	find(t, "\n  user    major                10 ");
	find(t, "\n  kernel  one_attempt           1 ");
	/* no row for what did not happen: no completed faults */
	assert_null(strstr(t, "completed"));
	/* retried faults: count, sum, p99, max, last attempt's p99 */
	find(t, "\n  file_io                10     1.0 ms   100.0 us   100.0 us    60.0 us\n");
	/* each retry: attempt, gap, lock wait p99, max, sum */
	find(t, "\n  file_io              10     1.0 ms    40.0 us    30.0 us    30.0 us   300.0 us\n");
	assert_null(strstr(t, "page_lock"));
	assert_null(strstr(t, "n/a"));
	assert_max_columns(t, 80);
	free(t);
}

static void text_not_timed(void **state)
{
	struct report_latency x = { .traced = false, .why = "needs fentry or kprobes" };
	char *t = PRINTED(fp, report_print_latency_text(fp, &x));

	assert_string_equal(t, "\nfault latency: n/a (needs fentry or kprobes)\n");
	free(t);
	x.why = NULL;	/* a model run, a recording's report */
	t = PRINTED(fp, report_print_latency_text(fp, &x));
	assert_string_equal(t, "\nfault latency: n/a (not timed)\n");
	free(t);
}

/* tracepoint mode: the lock wait before each retry, the rest n/a */
static void text_lock_wait_only(void **state)
{
	struct report_latency x;
	char *t;

	sample(&x);
	x.traced = false;
	x.why = "needs fentry or kprobes";
	t = PRINTED(fp, report_print_latency_text(fp, &x));
	find(t, "\nfault latency: n/a (needs fentry or kprobes)\n");
	find(t, "\n  file_io              10        n/a        n/a    30.0 us    30.0 us   300.0 us\n");
	assert_null(strstr(t, "ORIGIN"));
	free(t);
	/* timed faults without the mmap_lock tracer: the wait is n/a */
	sample(&x);
	x.lock_wait = false;
	x.lock_why = "needs the mmap_lock tracer";
	t = PRINTED(fp, report_print_latency_text(fp, &x));
	find(t, "\n  file_io              10     1.0 ms    40.0 us        n/a        n/a        n/a\n");
	find(t, "\n  (mmap_lock wait: n/a, needs the mmap_lock tracer)\n");
	assert_max_columns(t, 80);
	free(t);
}

static void json_histograms(void **state)
{
	struct report_latency x;
	json_t *j;

	sample(&x);
	j = report_latency_json(&x);
	assert_int_equal(json_integer_value(json_path(j, "user.one_attempt.count")), 100);
	assert_int_equal(json_integer_value(json_path(j, "user.retried.count")), 10);
	assert_int_equal(json_integer_value(json_path(j, "user.retried.max")), 1100000);
	/* nothing completed: count 0 and no percentile of nothing */
	assert_int_equal(json_integer_value(json_path(j, "user.completed.count")), 0);
	assert_true(json_is_null(json_path(j, "user.completed.p99")));
	assert_int_equal(json_integer_value(json_path(j, "kernel.one_attempt.count")), 1);
	assert_int_equal(json_integer_value(json_path(j, "retry_ns.file_io.sum")), 1000000);
	assert_int_equal(json_integer_value(json_path(j, "retry_ns.swap.count")), 0);
	assert_int_equal(json_integer_value(json_path(j, "last_attempt_ns.file_io.count")), 10);
	assert_int_equal(json_integer_value(json_path(j, "retry_attempt_ns.file_io.sum")), 10000000);
	assert_int_equal(json_integer_value(json_path(j, "retry_gap_ns.file_io.max")), 40000);
	assert_int_equal(json_integer_value(json_path(j, "retry_lock_wait_ns.file_io.sum")), 300000);
	json_decref(j);
	x.traced = false;	/* tracepoint mode: the lock wait alone */
	j = report_latency_json(&x);
	assert_true(json_is_null(json_path(j, "user")));
	assert_true(json_is_null(json_path(j, "retry_ns")));
	assert_true(json_is_null(json_path(j, "retry_gap_ns")));
	assert_int_equal(json_integer_value(json_path(j, "retry_lock_wait_ns.file_io.count")), 10);
	json_decref(j);
	x.lock_wait = false;
	j = report_latency_json(&x);
	assert_true(json_is_null(j));	/* not timed: null, never zeros */
	json_decref(j);
}

/* per-CPU values add up: counts, sums, maxima, every histogram */
static void merge_adds(void **state)
{
	struct report_latency a, b;

	sample(&a);
	sample(&b);
	hist_add(&b.l.dur[MMR_ORIGIN_KERNEL][MMR_OUTCOME_COMPLETED], 9000000);
	fault_latency_merge(&a.l, &b.l);
	assert_int_equal(a.l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT].count, 200);
	assert_int_equal(a.l.dur[MMR_ORIGIN_KERNEL][MMR_OUTCOME_COMPLETED].count, 1);
	assert_int_equal(a.l.dur[MMR_ORIGIN_KERNEL][MMR_OUTCOME_COMPLETED].max_ns, 9000000);
	assert_int_equal(a.l.retry_ns[MMR_REASON_FILE_IO].sum_ns, 2000000);
	assert_int_equal(a.l.lock_wait[MMR_REASON_FILE_IO].count, 20);
	assert_int_equal(a.l.gap[MMR_REASON_FILE_IO].sum_ns, 800000);
}

/* runs side by side (model compare, replay): a row each, all faults and
 * the retried ones; a run not timed reads n/a; no column past 80 */
static void text_by_run(void **state)
{
	const char *names[] = { "recorded", "retry", "a-long-policy-name" };
	struct report_latency x[3];
	char *t;

	memset(&x[0], 0, sizeof(x[0]));		/* a recording: not timed */
	sample(&x[1]);
	memset(&x[2], 0, sizeof(x[2]));		/* timed, nothing retried */
	x[2].traced = true;
	hist_add(&x[2].l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT], 700);
	t = PRINTED(fp, report_print_latency_by(fp, names, x, 3));
	find(t, "\n  recorded          n/a      n/a       n/a      n/a      n/a      n/a       n/a\n");
	/* 111 faults, 10 retried of 1.1 ms (log2 buckets: p50 within its bucket,
	 * max exact), their retry time 1 ms in all */
	find(t, "\n  retry             111 ");
	find(t, " 1.1 ms    1.0 ms\n");
	find(t, "\n  a-long-polic        1   700 ns         0      n/a      n/a      n/a      0 ns\n");
	assert_max_columns(t, 80);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_rows),
		cmocka_unit_test(text_not_timed),
		cmocka_unit_test(text_lock_wait_only),
		cmocka_unit_test(json_histograms),
		cmocka_unit_test(merge_adds),
		cmocka_unit_test(text_by_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
