// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_metrics.c: the Prometheus text format with no kernel and no network
 * (metrics.c): families, escaped labels, and log2 histograms as cumulative
 * buckets whose le is each slot's true inclusive upper bound.
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
	};

	return cmocka_run_group_tests(test_metrics, NULL, NULL);
}
