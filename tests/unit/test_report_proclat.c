// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report_proclat.c: stat --proc-latency's section (report/proclat.c):
 * time in faults as a share of the traced duration, the order (most time
 * first, processes without a timed fault dropped), the text table (80
 * columns, ten rows), JSON, and n/a / null when faults were not timed, no
 * key at all when not asked for.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "report/proclat.h"
#include "unit.h"
#include "unit_report.h"

static void add(struct report_proclat *x, uint32_t pid, const char *comm, uint64_t n,
		uint64_t ns)
{
	struct mmr_hist h;

	memset(&h, 0, sizeof(h));
	values(&h, n, ns);
	assert_int_equal(report_proclat_add(x, pid, comm, &h), 0);
}

static void share(void **state)
{
	struct mmr_hist h;

	memset(&h, 0, sizeof(h));
	values(&h, 256, 2000000);	/* 256 faults of 2 ms: 0.512 s */
	assert_true(proclat_share(&h, 2.0) > 25.59 && proclat_share(&h, 2.0) < 25.61);
	/* threads add up: 8 s of faults in 2 s */
	values(&h, 4, 1872000000);
	assert_true(proclat_share(&h, 2.0) > 399.99 && proclat_share(&h, 2.0) < 400.01);
	assert_true(proclat_share(&h, 0) == 0);
}

static void order(void **state)
{
	struct report_proclat x = { .wanted = true, .traced = true };

	add(&x, 30, "c", 10, 1000);		/* 10 us */
	add(&x, 10, "a", 2, 5000000);		/* 10 ms */
	add(&x, 40, "idle", 0, 0);		/* no timed fault */
	add(&x, 20, "b", 1, 10000000);		/* 10 ms, a tie: by pid */
	report_proclat_sort(&x);
	assert_int_equal(x.n, 3);
	assert_int_equal(x.rows[0].pid, 10);
	assert_int_equal(x.rows[1].pid, 20);
	assert_int_equal(x.rows[2].pid, 30);
	report_proclat_free(&x);
	assert_int_equal(x.n, 0);
}

static void text_table(void **state)
{
	struct report_proclat x = { .wanted = true, .traced = true };
	char comm[16];
	char *t;
	int i;

	add(&x, 4242, "mmretry-gen-slo", 256, 2000000);
	for (i = 0; i < 11; i++) {
		snprintf(comm, sizeof(comm), "p%d", i);
		add(&x, 100 + i, comm, 1, 1000 + i);
	}
	report_proclat_sort(&x);
	t = PRINTED(fp, report_print_proclat_text(fp, &x, 2.0));
	find(t, "\nfault latency by process, by time in faults (% of 2.00 s; threads add up)\n");
	find(t, "\n  PID      COMM              FAULTS      P50      P99      MAX     TIME  "
		"TIME%\n");
	/* p50 and p99 capped by the maximum */
	find(t, "\n  4242     mmretry-gen-slo      256   2.0 ms   2.0 ms   2.0 ms"
		" 512.0 ms   25.6\n");
	/* ten rows, the rest counted */
	assert_int_equal(count_of(t, "\n  1"), 9);
	find(t, "\n  (2 more)\n");
	assert_max_columns(t, 80);
	free(t);
	report_proclat_free(&x);
}

static void text_not_timed_or_not_asked(void **state)
{
	struct report_proclat x = { .wanted = true, .why = "needs fentry or kprobes" };
	char *t = PRINTED(fp, report_print_proclat_text(fp, &x, 1.0));

	assert_string_equal(t, "\nfault latency by process: n/a (needs fentry or kprobes)\n");
	free(t);
	x.wanted = false;
	t = PRINTED(fp, report_print_proclat_text(fp, &x, 1.0));
	assert_string_equal(t, "");
	free(t);
}

static void json_rows(void **state)
{
	struct report_proclat x = { .wanted = true, .traced = true };
	json_t *a, *o;

	add(&x, 4242, "gen", 256, 2000000);
	report_proclat_sort(&x);
	a = report_proclat_json(&x, 2.0);
	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), 1);
	o = json_array_get(a, 0);
	assert_json_int(o, "pid", 4242);
	assert_json_str(o, "comm", "gen");
	assert_json_int(o, "fault_ns.count", 256);
	assert_json_int(o, "fault_ns.sum", 512000000);
	assert_json_int(o, "fault_ns.max", 2000000);
	assert_true(json_is_real(json_path(o, "time_in_faults_pct")));
	assert_true(json_real_value(json_path(o, "time_in_faults_pct")) > 25.59 &&
		    json_real_value(json_path(o, "time_in_faults_pct")) < 25.61);
	json_decref(a);
	report_proclat_free(&x);

	/* not timed: null, never 0; not asked: no key (NULL) */
	x.traced = false;
	a = report_proclat_json(&x, 2.0);
	assert_true(json_is_null(a));
	json_decref(a);
	x.wanted = false;
	assert_null(report_proclat_json(&x, 2.0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(share),
		cmocka_unit_test(order),
		cmocka_unit_test(text_table),
		cmocka_unit_test(text_not_timed_or_not_asked),
		cmocka_unit_test(json_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
