// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_metrics.c: the Prometheus text format with no kernel and no network
 * (metrics.c): families, escaped labels, and log2 histograms as cumulative
 * buckets whose le is each slot's true inclusive upper bound; the
 * fault-latency families and what is left out when not timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/metrics.h"
#include "unit.h"

static char *text_of(struct metrics_buf *b)
{
	assert_int_equal(b->err, 0);
	assert_non_null(b->s);
	return b->s;
}

static void family_lines(void **state)
{
	struct metrics_buf b = { 0 };

	metrics_family(&b, "mmretry_faults_total", "counter", "Page faults.");
	assert_string_equal(text_of(&b), "# HELP mmretry_faults_total Page faults.\n"
					 "# TYPE mmretry_faults_total counter\n");
	metrics_buf_free(&b);
}

static void samples_and_labels(void **state)
{
	static const char *const reason[] = { "reason", "file_io", NULL };
	static const char *const two[] = { "a", "x", "b", "y", NULL };
	struct metrics_buf b = { 0 };

	metrics_sample_u64(&b, "m_total", NULL, 18446744073709551615ULL);
	metrics_sample_u64(&b, "m_total", reason, 7);
	metrics_sample(&b, "g", two, 0.25);
	assert_string_equal(text_of(&b), "m_total 18446744073709551615\n"
					 "m_total{reason=\"file_io\"} 7\n"
					 "g{a=\"x\",b=\"y\"} 0.25\n");
	metrics_buf_free(&b);
}

/* a backslash, a double quote and a newline in a value are escaped */
static void label_escaping(void **state)
{
	static const char *const l[] = { "comm", "a\\b\"c\nd", NULL };
	struct metrics_buf b = { 0 };

	metrics_sample_u64(&b, "x", l, 1);
	assert_string_equal(text_of(&b), "x{comm=\"a\\\\b\\\"c\\nd\"} 1\n");
	metrics_buf_free(&b);
}

/* slot i holds [2^i, 2^(i+1) - 1]: le is 2^(i+1) - 1, cumulative, +Inf = count */
static void hist_counts(void **state)
{
	struct mmr_hist h;
	struct metrics_buf b = { 0 };

	memset(&h, 0, sizeof(h));
	h.slots[0] = 2;		/* 0 and 1 */
	h.slots[2] = 3;		/* 4..7 */
	h.count = 5;
	h.sum_ns = 1 + 4 + 5 + 7;
	h.max_ns = 7;
	metrics_hist(&b, "len", NULL, &h, 1);
	assert_string_equal(text_of(&b), "len_bucket{le=\"1\"} 2\n"
					 "len_bucket{le=\"3\"} 2\n"
					 "len_bucket{le=\"7\"} 5\n"
					 "len_bucket{le=\"+Inf\"} 5\n"
					 "len_sum 17\n"
					 "len_count 5\n");
	metrics_buf_free(&b);
}

/* nanoseconds to seconds; labels come before le */
static void hist_seconds_labels(void **state)
{
	static const char *const mode[] = { "mode", "write", NULL };
	struct mmr_hist h;
	struct metrics_buf b = { 0 };
	char *t;

	memset(&h, 0, sizeof(h));
	h.slots[10] = 1;	/* 1024..2047 ns */
	h.count = 1;
	h.sum_ns = 1500;
	metrics_hist(&b, "hold_seconds", mode, &h, 1e9);
	t = text_of(&b);
	assert_non_null(strstr(t, "hold_seconds_bucket{mode=\"write\",le=\"1e-09\"} 0\n"));
	assert_non_null(strstr(t, "hold_seconds_bucket{mode=\"write\",le=\"2.047e-06\"} 1\n"));
	assert_non_null(strstr(t, "hold_seconds_bucket{mode=\"write\",le=\"+Inf\"} 1\n"));
	assert_non_null(strstr(t, "hold_seconds_sum{mode=\"write\"} 1.5e-06\n"));
	assert_non_null(strstr(t, "hold_seconds_count{mode=\"write\"} 1\n"));
	/* no bucket past the last non-empty slot */
	assert_null(strstr(t, "4.095e-06"));
	metrics_buf_free(&b);
}

/* the last slot is open-ended: only +Inf counts it */
static void hist_last_slot(void **state)
{
	struct mmr_hist h;
	struct metrics_buf b = { 0 };
	char want[64], *t;

	memset(&h, 0, sizeof(h));
	h.slots[MMR_HIST_SLOTS - 1] = 4;
	h.count = 4;
	metrics_hist(&b, "x", NULL, &h, 1);
	t = text_of(&b);
	snprintf(want, sizeof(want), "x_bucket{le=\"%llu\"} 0\n",
		 (unsigned long long)((2ULL << (MMR_HIST_SLOTS - 2)) - 1));
	assert_non_null(strstr(t, want));
	assert_non_null(strstr(t, "x_bucket{le=\"+Inf\"} 4\n"));
	metrics_buf_free(&b);
}

/* an empty histogram still has a bucket, +Inf, sum and count */
static void hist_empty(void **state)
{
	struct mmr_hist h;
	struct metrics_buf b = { 0 };

	memset(&h, 0, sizeof(h));
	metrics_hist(&b, "e", NULL, &h, 1);
	assert_string_equal(text_of(&b), "e_bucket{le=\"1\"} 0\n"
					 "e_bucket{le=\"+Inf\"} 0\n"
					 "e_sum 0\n"
					 "e_count 0\n");
	metrics_buf_free(&b);
}

/* whole numbers print as such, fractions as the shortest exact text */
static void numbers(void **state)
{
	struct metrics_buf b = { 0 };

	metrics_sample(&b, "a", NULL, 640);
	metrics_sample(&b, "b", NULL, 195685 / 1e9);
	metrics_sample(&b, "c", NULL, 1e20);
	assert_string_equal(text_of(&b), "a 640\nb 0.000195685\nc 1e+20\n");
	metrics_buf_free(&b);
}

/* the buffer grows past its first allocation without losing text */
static void buffer_grows(void **state)
{
	struct metrics_buf b = { 0 };
	size_t i;

	for (i = 0; i < 2000; i++)
		metrics_printf(&b, "line %05zu\n", i);
	assert_int_equal(b.err, 0);
	assert_int_equal(b.len, 2000 * 11);
	assert_int_equal(strncmp(b.s + 1999 * 11, "line 01999\n", 11), 0);
	metrics_buf_free(&b);
	assert_null(b.s);
}

/* every reason named, as in fentry mode with every producer hooked */
static const bool all_named[MMR_NR_REASONS] = {
	[0 ... MMR_NR_REASONS - 1] = true,
};

/* a retried user fault's histogram: seconds, cumulative, +Inf, sum, count */
static void latency_duration_hist(void **state)
{
	struct report_latency x;
	struct mmr_hist *h = &x.l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED];
	struct metrics_buf b = { 0 };
	char *t;

	memset(&x, 0, sizeof(x));
	x.traced = x.lock_wait = true;
	h->slots[1] = 1;	/* 2..3 ns */
	h->slots[3] = 2;	/* 8..15 ns */
	h->count = 3;
	h->sum_ns = 3 + 8 + 15;
	metrics_fault_latency(&b, &x, all_named);
	t = text_of(&b);
#define L "{origin=\"user\",outcome=\"retried\""
	assert_non_null(strstr(t, "mmretry_fault_duration_seconds_bucket" L ",le=\"1e-09\"} 0\n"
				  "mmretry_fault_duration_seconds_bucket" L ",le=\"3e-09\"} 1\n"
				  "mmretry_fault_duration_seconds_bucket" L ",le=\"7e-09\"} 1\n"
				  "mmretry_fault_duration_seconds_bucket" L ",le=\"1.5e-08\"} 3\n"
				  "mmretry_fault_duration_seconds_bucket" L ",le=\"+Inf\"} 3\n"
				  "mmretry_fault_duration_seconds_sum" L "} 2.6e-08\n"
				  "mmretry_fault_duration_seconds_count" L "} 3\n"));
#undef L
	/* one HELP and TYPE for the family; every origin and outcome */
	assert_non_null(strstr(t, "# TYPE mmretry_fault_duration_seconds histogram\n"));
	assert_null(strstr(strstr(t, "# TYPE mmretry_fault_duration_seconds ") + 1,
			   "# TYPE mmretry_fault_duration_seconds "));
	assert_non_null(strstr(t, "_count{origin=\"kernel\",outcome=\"major\"} 0\n"));
	assert_non_null(strstr(t, "_count{origin=\"user\",outcome=\"one_attempt\"} 0\n"));
	metrics_buf_free(&b);
}

/* retry time, attempts and gaps: counters of seconds by reason */
static void latency_retry_counters(void **state)
{
	struct report_latency x;
	struct metrics_buf b = { 0 };
	bool named[MMR_NR_REASONS] = { 0 };
	char *t;

	memset(&x, 0, sizeof(x));
	x.traced = true;
	x.l.retry_ns[MMR_REASON_FILE_IO].count = 2;
	x.l.retry_ns[MMR_REASON_FILE_IO].sum_ns = 2500000;
	x.l.attempt[MMR_REASON_FILE_IO].sum_ns = 1000;
	x.l.gap[MMR_REASON_PAGE_LOCK].sum_ns = 3000000000ULL;
	x.l.retry_ns[MMR_REASON_SWAP].sum_ns = 7;	/* not named: left out */
	named[MMR_REASON_FILE_IO] = named[MMR_REASON_PAGE_LOCK] = true;
	metrics_fault_latency(&b, &x, named);
	t = text_of(&b);
	assert_non_null(strstr(t, "# TYPE mmretry_fault_retry_seconds_total counter\n"
				  "mmretry_fault_retry_seconds_total{reason=\"file_io\"} 0.0025\n"
				  "mmretry_fault_retry_seconds_total{reason=\"page_lock\"} 0\n#"));
	assert_non_null(strstr(t, "mmretry_fault_retry_attempt_seconds_total{reason=\"file_io\"}"
				  " 1e-06\n"));
	assert_non_null(strstr(t, "mmretry_fault_retry_gap_seconds_total{reason=\"page_lock\"}"
				  " 3\n"));
	assert_null(strstr(t, "swap"));
	/* lock waits not timed (--no-mmap-lock): no such family at all */
	assert_null(strstr(t, "lock_wait"));
	metrics_buf_free(&b);
}

/* tracepoint mode: only the lock wait, whole; no duration family at all */
static void latency_lock_wait_only(void **state)
{
	struct report_latency x;
	struct metrics_buf b = { 0 };
	bool named[MMR_NR_REASONS] = { 0 };

	memset(&x, 0, sizeof(x));
	x.lock_wait = true;
	x.l.lock_wait[MMR_REASON_FILE_IO].slots[10] = 2;	/* 1024..2047 ns */
	x.l.lock_wait[MMR_REASON_FILE_IO].count = 2;
	x.l.lock_wait[MMR_REASON_FILE_IO].sum_ns = 3000;
	x.l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED].count = 9;	/* not timed */
	named[MMR_REASON_FILE_IO] = true;
	metrics_fault_latency(&b, &x, named);
#define W "mmretry_fault_retry_lock_wait_seconds"
#define R "{reason=\"file_io\""
	assert_string_equal(text_of(&b),
		"# HELP " W " The mmap_lock wait of the re-take after each retry, by the retry's "
		"reason.\n"
		"# TYPE " W " histogram\n"
		W "_bucket" R ",le=\"1e-09\"} 0\n" W "_bucket" R ",le=\"3e-09\"} 0\n"
		W "_bucket" R ",le=\"7e-09\"} 0\n" W "_bucket" R ",le=\"1.5e-08\"} 0\n"
		W "_bucket" R ",le=\"3.1e-08\"} 0\n" W "_bucket" R ",le=\"6.3e-08\"} 0\n"
		W "_bucket" R ",le=\"1.27e-07\"} 0\n" W "_bucket" R ",le=\"2.55e-07\"} 0\n"
		W "_bucket" R ",le=\"5.11e-07\"} 0\n" W "_bucket" R ",le=\"1.023e-06\"} 0\n"
		W "_bucket" R ",le=\"2.047e-06\"} 2\n" W "_bucket" R ",le=\"+Inf\"} 2\n"
		W "_sum" R "} 3e-06\n" W "_count" R "} 2\n");
#undef W
#undef R
	metrics_buf_free(&b);
}

/* nothing timed (no latency at all): not one line */
static void latency_none(void **state)
{
	struct report_latency x;
	struct metrics_buf b = { 0 };

	memset(&x, 0, sizeof(x));
	x.l.lock_wait[0].count = 1;
	metrics_fault_latency(&b, &x, all_named);
	assert_int_equal(b.err, 0);
	assert_int_equal(b.len, 0);
	metrics_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest test_metrics[] = {
		cmocka_unit_test(family_lines),
		cmocka_unit_test(samples_and_labels),
		cmocka_unit_test(label_escaping),
		cmocka_unit_test(hist_counts),
		cmocka_unit_test(hist_seconds_labels),
		cmocka_unit_test(hist_last_slot),
		cmocka_unit_test(hist_empty),
		cmocka_unit_test(numbers),
		cmocka_unit_test(buffer_grows),
		cmocka_unit_test(latency_duration_hist),
		cmocka_unit_test(latency_retry_counters),
		cmocka_unit_test(latency_lock_wait_only),
		cmocka_unit_test(latency_none),
	};

	return cmocka_run_group_tests(test_metrics, NULL, NULL);
}
