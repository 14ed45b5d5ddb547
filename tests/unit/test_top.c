// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_top.c: `mmretry top`'s table with no kernel (top.c): interval deltas
 * and rates, the leading reason, n/a for what a mode cannot see, fault and
 * mmap_lock p99 and max from histogram deltas, time in faults as a share of
 * the interval, processes appearing and exiting, sorting, and the printed
 * table (cut to a width, no escape codes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/mmap_lock.h"
#include "stats/top.h"
#include "unit.h"
#include "unit_report.h"

/* ---- fixtures ---- */

static struct top_caps caps_of(enum mmr_mode m)
{
	struct top_caps c;
	int i;

	memset(&c, 0, sizeof(c));
	c.fault_mode = m;
	c.per_vma_locks = true;
	c.lock_traced = true;
	c.anon_traced = m != MMR_MODE_TRACEPOINT;
	for (i = 0; i < FF_NR; i++)
		c.states[i] = m == MMR_MODE_TRACEPOINT ? VAL_INFERRED : VAL_EXACT;
	if (m == MMR_MODE_TRACEPOINT) {
		c.states[FF_COMPLETED] = VAL_NA;
		c.states[FF_ERRORS] = VAL_NA;
		c.states[FF_ABANDONED] = VAL_NA;
	}
	return c;
}

/* a fentry-mode sample: faults, retries of one reason, completions */
static struct top_sample *fsample(struct top_samples *s, uint32_t pid, const char *comm,
				  uint64_t faults, uint64_t retries, int reason,
				  uint64_t completed)
{
	struct top_sample *x = top_sample_of(s, pid);

	assert_non_null(x);
	snprintf(x->comm, sizeof(x->comm), "%s", comm);
	x->have |= TOP_HAVE_FAULTS;
	x->f.faults = faults;
	x->f.retries = retries;
	x->f.attempts = faults + retries;
	x->f.vma_lock_attempts = faults;
	x->f.mmap_lock_attempts = retries;
	x->f.completed = completed;
	if (reason >= 0)
		x->f.reasons[reason] = retries;
	return x;
}

/* update and keep the rows; forget is freed */
static size_t update(struct top_table *t, struct top_samples *s, double secs,
		     struct top_row **rows, struct top_totals *tot, size_t *nforget,
		     uint32_t *first_forgotten)
{
	uint32_t *forget = NULL;
	size_t n = 0, nf = 0;

	assert_int_equal(top_update(t, s, secs, rows, &n, tot, &forget, &nf), 0);
	if (nforget)
		*nforget = nf;
	if (first_forgotten)
		*first_forgotten = nf ? forget[0] : 0;
	free(forget);
	top_samples_free(s);
	return n;
}

static const struct top_row *row_of(const struct top_row *rows, size_t n, uint32_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rows[i].pid == pid)
			return &rows[i];
	return NULL;
}

/* The column titles in printed (a table), single-spaced: "PID COMM ..." */
/* not inlined: gcc takes PRINTED()'s buffer for its local */
__attribute__((noinline)) static char *titles_of(const char *printed)
{
	const char *p = strstr(printed, "    PID COMM");
	char *out, *o;
	size_t len;

	assert_non_null(p);
	len = strcspn(p, "\n");
	out = calloc(1, len + 1);
	assert_non_null(out);
	for (o = out; len--; p++)
		if (*p != ' ' || (o > out && o[-1] != ' '))
			*o++ = *p;
	if (o > out && o[-1] == ' ')
		o--;
	*o = '\0';
	return out;
}

/* The length of the line of column titles in printed */
__attribute__((noinline)) static size_t titles_len(const char *printed)
{
	const char *p = strstr(printed, "    PID COMM");

	assert_non_null(p);
	return strcspn(p, "\n");
}

/* ---- deltas ---- */

static void first_read_primes(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;

	top_table_init(&t, &c);
	fsample(&s, 10, "a", 1000, 50, MMR_REASON_FILE_IO, 0);
	/* what happened before top started is no interval's */
	assert_int_equal(update(&t, &s, 0, &rows, &tot, NULL, NULL), 0);
	free(rows);
	top_table_free(&t);
}

static void deltas_and_rates(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	const struct top_row *r;
	size_t n;

	top_table_init(&t, &c);
	fsample(&s, 10, "a", 1000, 50, MMR_REASON_FILE_IO, 5);
	fsample(&s, 20, "idle", 7, 0, -1, 0);
	n = update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	fsample(&s, 10, "a", 1400, 250, MMR_REASON_FILE_IO, 9);
	fsample(&s, 20, "idle", 7, 0, -1, 0);
	n = update(&t, &s, 2.0, &rows, &tot, NULL, NULL);
	/* the idle process has no row */
	assert_int_equal(n, 1);
	r = row_of(rows, n, 10);
	assert_non_null(r);
	assert_int_equal(r->faults, 400);
	assert_int_equal(r->retries, 200);
	assert_int_equal(r->completed, 4);
	assert_true(r->completed_known);
	assert_int_equal(r->reason, MMR_REASON_FILE_IO);
	assert_int_equal(r->reason_count, 200);
	assert_int_equal(r->attempts, 600);
	assert_int_equal(r->vma_lock_attempts, 400);
	assert_int_equal(tot.faults, 400);
	assert_int_equal(tot.retries, 200);
	assert_int_equal(tot.nprocs, 1);
	assert_true(r->secs == 2.0);
	free(rows);
	top_table_free(&t);
}

static void leading_reason(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	struct top_sample *x;
	size_t n;

	top_table_init(&t, &c);
	x = fsample(&s, 10, "a", 100, 0, -1, 0);
	x->f.reasons[MMR_REASON_FILE_IO] = 1000;	/* before: not this interval's */
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	x = fsample(&s, 10, "a", 200, 30, -1, 0);
	x->f.reasons[MMR_REASON_FILE_IO] = 1010;
	x->f.reasons[MMR_REASON_USERFAULTFD] = 20;
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	/* the interval's leader, not the cumulative one */
	assert_int_equal(rows[0].reason, MMR_REASON_USERFAULTFD);
	assert_int_equal(rows[0].reason_count, 20);
	free(rows);
	/* no retry in the interval: no reason */
	x = fsample(&s, 10, "a", 300, 30, -1, 0);
	x->f.reasons[MMR_REASON_FILE_IO] = 1010;
	x->f.reasons[MMR_REASON_USERFAULTFD] = 20;
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].reason, -1);
	free(rows);
	top_table_free(&t);
}

static void new_process_counts_from_zero(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	size_t n;

	top_table_init(&t, &c);
	fsample(&s, 10, "a", 100, 0, -1, 0);
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	fsample(&s, 10, "a", 100, 0, -1, 0);
	fsample(&s, 30, "new", 4096, 4096, MMR_REASON_FILE_IO, 0);
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].pid, 30);
	assert_int_equal(rows[0].retries, 4096);
	assert_string_equal(rows[0].comm, "new");
	free(rows);
	top_table_free(&t);
}

static void exited_process_goes_after_idle_interval(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	struct top_sample *x;
	size_t n, nf;
	uint32_t f;

	top_table_init(&t, &c);
	fsample(&s, 10, "a", 100, 0, -1, 0);
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	/* it faulted, then exited in the interval: shown once */
	x = fsample(&s, 10, "a", 300, 10, MMR_REASON_SWAP, 0);
	x->gone = true;
	n = update(&t, &s, 1, &rows, &tot, &nf, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(nf, 0);
	free(rows);
	/* then an interval without activity: gone, to forget */
	x = fsample(&s, 10, "a", 300, 10, MMR_REASON_SWAP, 0);
	x->gone = true;
	n = update(&t, &s, 1, &rows, &tot, &nf, &f);
	assert_int_equal(n, 0);
	assert_int_equal(nf, 1);
	assert_int_equal(f, 10);
	assert_int_equal(t.n, 0);
	free(rows);
	/* a process no source shows any more is forgotten too */
	fsample(&s, 40, "b", 1, 0, -1, 0);
	update(&t, &s, 1, &rows, &tot, NULL, NULL);
	free(rows);
	n = update(&t, &s, 1, &rows, &tot, &nf, &f);
	assert_int_equal(nf, 1);
	assert_int_equal(f, 40);
	free(rows);
	top_table_free(&t);
}

/* ---- n/a ---- */

static void tracepoint_mode_na_and_accounting(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_TRACEPOINT);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	struct top_sample *x;
	size_t n;

	top_table_init(&t, &c);
	x = top_sample_of(&s, 10);
	x->have = TOP_HAVE_ACCT;
	x->acct_faults = 500;
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	x = top_sample_of(&s, 10);
	x->have = TOP_HAVE_ACCT | TOP_HAVE_FAULTS;
	x->acct_faults = 4596;		/* from /proc: the kernel's accounting */
	x->f.retries = 4096;
	x->f.mmap_lock_attempts = 4100;
	x->f.kernel_faults = 4;
	x->f.completed = 77;		/* never filled in this mode; ignored */
	x->f.reasons[MMR_REASON_FILE_IO] = 4096;
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_true(rows[0].faults_known);
	assert_int_equal(rows[0].faults, 4096);
	assert_false(rows[0].completed_known);
	assert_int_equal(rows[0].completed, 0);
	assert_false(rows[0].chain_known);
	/* per-VMA locks: every user fault starts under the VMA lock */
	assert_true(rows[0].vma_known);
	assert_int_equal(rows[0].vma_lock_attempts, 4092);
	assert_int_equal(rows[0].attempts, 4092 + 4100);
	free(rows);
	/* exited: the exit tracepoint's accounting, /proc has none */
	x = top_sample_of(&s, 10);
	x->have = TOP_HAVE_FAULTS;
	x->gone = true;
	x->f.exit_faults = 4700;
	x->f.retries = 4096;
	x->f.mmap_lock_attempts = 4100;
	x->f.kernel_faults = 4;
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].faults, 104);
	free(rows);
	top_table_free(&t);
}

static void faults_unknown_without_accounting(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_TRACEPOINT);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	struct top_sample *x;
	char *buf = NULL;
	size_t n;
	struct top_header h = { .time = "12:00:00", .secs = 1, .kernel = "6.18",
				.modes = { "tracepoint", "tracepoint", "n/a" } };

	top_table_init(&t, &c);
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	x = top_sample_of(&s, 10);
	x->have = TOP_HAVE_FAULTS;	/* seen retrying, never read in /proc */
	snprintf(x->comm, sizeof(x->comm), "x");
	x->f.retries = 3;
	x->f.reasons[MMR_REASON_UNATTRIBUTED] = 3;
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_false(rows[0].faults_known);
	assert_false(tot.faults_known);
	buf = PRINTED(m, top_print(m, &h, &c, &tot, rows, n, TOP_SORT_RETRIES, NULL));
	/* never a 0 for what is unknown: the mode can count faults, this
	 * process's are not known */
	assert_non_null(strstr(buf, "total: faults/s n/a, retries/s 3.0, retry n/a"));
	assert_non_null(strstr(buf, "     10 x                    n/a      3.0"
				    "    n/a unattributed   n/a       -"));
	free(buf);
	free(rows);
	top_table_free(&t);
}

/* ---- mmap_lock percentiles from histogram deltas ---- */

static void hist_delta_p99_and_max(void **state)
{
	struct mmr_hist prev = { 0 }, cur = { 0 }, d;

	/* before: 100 holds of ~1 us, max 1.5 ms */
	prev.slots[10] = 100;
	prev.count = 100;
	prev.max_ns = 1500000;
	cur = prev;
	/* interval: 99 more of ~1 us and one of ~70 us (slot 16) */
	cur.slots[10] += 99;
	cur.slots[16] += 1;
	cur.count += 100;
	top_hist_delta(&cur, &prev, &d);
	assert_int_equal(d.count, 100);
	assert_int_equal(d.slots[10], 99);
	assert_int_equal(d.slots[16], 1);
	/* the cumulative max (1.5 ms) is not this interval's: bounded by the
	 * highest slot that moved */
	assert_int_equal(d.max_ns, (2ULL << 16) - 1);
	/* p99: the 99th of 100 is in slot 10, its upper bound */
	assert_int_equal(hist_quantile(&d, 0.99), (2ULL << 10) - 1);
	/* a new maximum is this interval's, exactly */
	cur.slots[21] += 1;
	cur.count += 1;
	cur.max_ns = 3000000;
	top_hist_delta(&cur, &prev, &d);
	assert_int_equal(d.max_ns, 3000000);
	/* nothing moved: empty */
	top_hist_delta(&prev, &prev, &d);
	assert_int_equal(d.count, 0);
	assert_int_equal(d.max_ns, 0);
	assert_int_equal(hist_quantile(&d, 0.99), 0);
}

static void lock_columns(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	struct top_sample *x;
	size_t n;

	top_table_init(&t, &c);
	x = top_sample_of(&s, 10);
	x->have = TOP_HAVE_LOCK;
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	x = top_sample_of(&s, 10);
	x->have = TOP_HAVE_LOCK;
	x->lock[1].acquisitions = 2;
	x->lock[1].hold.slots[20] = 2;	/* ~1-2 ms write holds */
	x->lock[1].hold.count = 2;
	x->lock[1].hold.max_ns = 1800000;
	x->lock[0].wait.slots[12] = 1;	/* a read wait, ~4-8 us */
	x->lock[0].wait.count = 1;
	x->lock[0].wait.max_ns = 5000;
	x->lock[1].wait.slots[14] = 1;	/* a write wait, ~16-32 us */
	x->lock[1].wait.count = 1;
	x->lock[1].wait.max_ns = 20000;
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);	/* lock activity alone makes a row */
	assert_int_equal(rows[0].hold_n, 2);
	assert_int_equal(rows[0].hold_p99, 1800000);	/* slot bound capped by max */
	assert_int_equal(rows[0].hold_max, 1800000);
	assert_int_equal(rows[0].wait_n, 2);		/* read and write waits */
	assert_int_equal(rows[0].wait_max, 20000);
	assert_int_equal(rows[0].wait_p99, 20000);
	free(rows);
	top_table_free(&t);
}

/* ---- fault durations: p99 and time in faults ---- */

/* a fentry sample whose fault_ns holds n faults in slot, each ns long */
static struct top_sample *lsample(struct top_samples *s, uint32_t pid, uint64_t faults)
{
	return fsample(s, pid, "t", faults, 0, -1, 0);
}

static void hist_put(struct mmr_hist *h, int slot, uint64_t n, uint64_t ns)
{
	h->slots[slot] += n;
	h->count += n;
	h->sum_ns += n * ns;
	if (n && ns > h->max_ns)
		h->max_ns = ns;
}

static void fault_latency_columns(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	struct top_sample *x;
	double pct;
	size_t n;

	top_table_init(&t, &c);
	x = lsample(&s, 10, 1000);
	hist_put(&x->f.fault_ns, 22, 5, 5000000);	/* before top: 5 faults of 5 ms */
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	/* the interval (2 s): 98 faults of 3 us (slot 11), 2 of 1.5 ms (slot 20) */
	x = lsample(&s, 10, 1100);
	hist_put(&x->f.fault_ns, 22, 5, 5000000);
	hist_put(&x->f.fault_ns, 11, 98, 3000);
	hist_put(&x->f.fault_ns, 20, 2, 1500000);
	n = update(&t, &s, 2.0, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_true(rows[0].lat_known);
	assert_int_equal(rows[0].lat_n, 100);
	/* the interval's faults only: the 5 ms ones before top are not its */
	assert_int_equal(rows[0].lat_sum, 98 * 3000 + 2 * 1500000);
	/* p99: rank 99 of 100 is in slot 20: its upper bound, 2^21 - 1 ns */
	assert_int_equal(rows[0].lat_p99, (2ULL << 20) - 1);
	/* 3.294 ms of faults in 2 s */
	assert_true(top_flt_pct(&rows[0], &pct));
	assert_true(pct > 0.1646 && pct < 0.1648);
	free(rows);

	/* four threads in 2.5 s of faults each over a 1 s interval: 1000%,
	 * and one fault of 3 s ending in it counts whole */
	x = lsample(&s, 10, 1200);
	hist_put(&x->f.fault_ns, 22, 5, 5000000);
	hist_put(&x->f.fault_ns, 11, 98, 3000);
	hist_put(&x->f.fault_ns, 20, 2, 1500000);
	hist_put(&x->f.fault_ns, 31, 4, 2500000000ULL);
	hist_put(&x->f.fault_ns, 31, 1, 3000000000ULL);
	n = update(&t, &s, 1.0, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].lat_n, 5);
	assert_int_equal(rows[0].lat_p99, 3000000000ULL);	/* the new maximum */
	assert_true(top_flt_pct(&rows[0], &pct));
	assert_true(pct > 1299.99 && pct < 1300.01);
	free(rows);

	/* faults, none of them ended timed (no change of fault_ns): known, none */
	x = lsample(&s, 10, 1300);
	hist_put(&x->f.fault_ns, 22, 5, 5000000);
	hist_put(&x->f.fault_ns, 11, 98, 3000);
	hist_put(&x->f.fault_ns, 20, 2, 1500000);
	hist_put(&x->f.fault_ns, 31, 4, 2500000000ULL);
	hist_put(&x->f.fault_ns, 31, 1, 3000000000ULL);
	n = update(&t, &s, 1.0, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_true(rows[0].lat_known);
	assert_int_equal(rows[0].lat_n, 0);
	assert_int_equal(rows[0].lat_p99, 0);
	assert_true(top_flt_pct(&rows[0], &pct));
	assert_true(pct == 0);
	free(rows);
	top_table_free(&t);
}

/* tracepoint mode cannot time a fault: n/a, never 0, whatever the map holds */
static void fault_latency_na_in_tracepoint_mode(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_TRACEPOINT);
	struct top_header h = { .time = "12:00:00", .secs = 1, .kernel = "6.18",
				.modes = { "tracepoint", "tracepoint", "n/a" } };
	struct top_samples s = { 0 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	struct top_sample *x;
	char *buf, *titles;
	double pct;
	size_t n;

	top_table_init(&t, &c);
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	x = top_sample_of(&s, 10);
	x->have = TOP_HAVE_ACCT | TOP_HAVE_FAULTS;
	snprintf(x->comm, sizeof(x->comm), "x");
	x->acct_faults = 100;
	x->f.retries = 3;
	x->f.reasons[MMR_REASON_UNATTRIBUTED] = 3;
	hist_put(&x->f.fault_ns, 20, 3, 1500000);	/* never filled in this mode */
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_false(rows[0].lat_known);
	assert_int_equal(rows[0].lat_n, 0);
	assert_false(top_flt_pct(&rows[0], &pct));
	buf = PRINTED(m, top_print(m, &h, &c, &tot, rows, n, TOP_SORT_FLT_PCT, NULL));
	/* no column for them, and the header says why */
	assert_non_null(strstr(buf, "\n     10 x                  100.0      3.0 "));
	assert_non_null(strstr(buf, "\nhidden: FLTp99 FLT% DONE/s CHAIN (tracepoint mode)\n"));
	titles = titles_of(buf);
	assert_string_equal(titles, "PID COMM FAULT/s RETRY/s RETRY% REASON VMA% HOLDp99 HOLDmax "
			    "WAITp99 WAITmax");
	free(titles);
	free(buf);
	/* the light mode (export's and top's default) is named as such */
	c.light = true;
	buf = PRINTED(m, top_print(m, &h, &c, &tot, rows, n, TOP_SORT_FLT_PCT, NULL));
	assert_non_null(strstr(buf, "\nhidden: FLTp99 FLT% DONE/s CHAIN (light mode)\n"));
	free(buf);
	free(rows);
	top_table_free(&t);
}

/* ---- sorting and formatting ---- */

static void sort_keys(void **state)
{
	struct top_row r[4];
	enum top_sort k;

	memset(r, 0, sizeof(r));
	r[0].pid = 4; r[0].retries = 10; r[0].faults = 1000; r[0].faults_known = true;
	r[1].pid = 2; r[1].retries = 90; r[1].faults = 100;  r[1].faults_known = true;
	r[2].pid = 3; r[2].retries = 10; r[2].faults = 20;   r[2].faults_known = true;
	r[3].pid = 1; r[3].retries = 5;  r[3].faults = 0;    r[3].faults_known = false;
	r[0].lock_known = r[1].lock_known = r[2].lock_known = true;
	r[0].wait_max = 50; r[1].wait_max = 10; r[2].wait_max = 70;
	top_rows_sort(r, 4, TOP_SORT_RETRIES);
	/* ties by pid */
	assert_int_equal(r[0].pid, 2);
	assert_int_equal(r[1].pid, 3);
	assert_int_equal(r[2].pid, 4);
	assert_int_equal(r[3].pid, 1);
	top_rows_sort(r, 4, TOP_SORT_FAULTS);
	assert_int_equal(r[0].pid, 4);
	assert_int_equal(r[3].pid, 1);	/* n/a last */
	top_rows_sort(r, 4, TOP_SORT_RETRY_PCT);
	assert_int_equal(r[0].pid, 2);	/* 90% */
	assert_int_equal(r[1].pid, 3);	/* 50% */
	assert_int_equal(r[2].pid, 4);	/* 1% */
	assert_int_equal(r[3].pid, 1);
	top_rows_sort(r, 4, TOP_SORT_WAIT);
	assert_int_equal(r[0].pid, 3);
	assert_int_equal(r[3].pid, 1);	/* mmap_lock not known: last */
	top_rows_sort(r, 4, TOP_SORT_PID);
	assert_int_equal(r[0].pid, 1);
	assert_int_equal(r[3].pid, 4);

	/* fault p99 and time in faults: r[3] (pid 4) is not timed, pid 1 and
	 * 2 tie on p99, pid 3 had no fault end (0) */
	r[0].lat_known = r[1].lat_known = r[2].lat_known = true;
	r[0].secs = r[1].secs = r[2].secs = r[3].secs = 2;
	r[0].lat_n = 10; r[0].lat_p99 = 4095;    r[0].lat_sum = 2000000000;	/* pid 1: 100% */
	r[1].lat_n = 10; r[1].lat_p99 = 4095;    r[1].lat_sum = 10000000;	/* pid 2: 0.5% */
	r[2].lat_n = 0;  r[2].lat_p99 = 0;       r[2].lat_sum = 0;		/* pid 3 */
	r[3].lat_n = 0;  r[3].lat_p99 = 9999999; r[3].lat_sum = 9000000000ULL;	/* ignored */
	top_rows_sort(r, 4, TOP_SORT_LATENCY);
	assert_int_equal(r[0].pid, 1);	/* ties by pid */
	assert_int_equal(r[1].pid, 2);
	assert_int_equal(r[2].pid, 3);
	assert_int_equal(r[3].pid, 4);	/* n/a last, though its figures are larger */
	r[1].lat_sum = 3000000000ULL;		/* pid 2: 150% */
	top_rows_sort(r, 4, TOP_SORT_FLT_PCT);
	assert_int_equal(r[0].pid, 2);
	assert_int_equal(r[1].pid, 1);
	assert_int_equal(r[2].pid, 3);
	assert_int_equal(r[3].pid, 4);

	assert_int_equal(top_sort_parse("retry%", &k), 0);
	assert_int_equal(k, TOP_SORT_RETRY_PCT);
	assert_int_equal(top_sort_parse("chain", &k), 0);
	assert_int_equal(k, TOP_SORT_CHAIN);
	assert_int_equal(top_sort_parse("latency", &k), 0);
	assert_int_equal(k, TOP_SORT_LATENCY);
	assert_int_equal(top_sort_parse("flt%", &k), 0);
	assert_int_equal(k, TOP_SORT_FLT_PCT);
	assert_int_not_equal(top_sort_parse("size", &k), 0);
	assert_int_not_equal(top_sort_parse("", &k), 0);
}

/* the mmap_lock cells as the table prints them: fmt_ns's rounding, narrow
 * (999,999 ns is "1.0ms", not "1000us"), "-" where nothing ended */
static void lock_durations_in_table(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_header h = { .time = "12:34:56", .secs = 1, .kernel = "6.12.0",
				.modes = { "fentry", "tracepoint", "fentry" } };
	struct top_totals tot = { .faults_known = true, .nprocs = 2 };
	struct top_row r[2];
	char *buf = NULL;

	memset(r, 0, sizeof(r));
	r[0].pid = 1;
	strcpy(r[0].comm, "a");
	r[0].lock_known = true;
	r[0].hold_n = 2;
	r[0].hold_p99 = 999999;
	r[0].hold_max = 1200000000;
	r[0].wait_n = 3;
	r[0].wait_p99 = 512;
	r[0].wait_max = 65535;
	r[1].pid = 2;
	strcpy(r[1].comm, "b");
	r[1].lock_known = true;
	r[1].wait_n = 1;
	r[1].wait_p99 = r[1].wait_max = 12300000;
	buf = PRINTED(m, top_print(m, &h, &c, &tot, r, 2, TOP_SORT_PID, NULL));
	assert_non_null(strstr(buf, "\n      1 a "));
	assert_non_null(strstr(buf, "  1.0ms   1.20s   512ns  65.5us "));
	assert_non_null(strstr(buf, "      -       -  12.3ms  12.3ms "));
	assert_null(strstr(buf, "1000"));
	free(buf);
}

static void print_table_cut_to_width(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_header h = { .time = "12:34:56", .secs = 2, .kernel = "6.12.0",
				.modes = { "fentry", "tracepoint", "fentry" }, .lost = 3, .missed = 1 };
	struct top_totals tot = { .faults_known = true, .faults = 800, .retries = 200, .nprocs = 1 };
	struct top_row r;
	struct top_fit fit;
	char *buf = NULL, *line, *save;
	int lines = 0;

	memset(&r, 0, sizeof(r));
	r.pid = 4242;
	strcpy(r.comm, "mmretry-gen");
	r.faults_known = r.completed_known = r.vma_known = r.lock_known = r.chain_known = true;
	r.faults = 800;
	r.retries = 200;
	r.completed = 10;
	r.attempts = 1000;
	r.vma_lock_attempts = 750;
	r.reason = MMR_REASON_FILE_IO;
	r.secs = 2;
	r.chain_max = 3;
	r.lat_known = true;
	r.lat_n = 800;
	r.lat_p99 = 2097151;
	r.lat_sum = 950000000;	/* 0.95 s in 2 s */
	buf = PRINTED(m, top_print(m, &h, &c, &tot, &r, 1, TOP_SORT_RETRIES, NULL));
	assert_non_null(strstr(buf, "mmretry top - 12:34:56, interval 2.00 s, kernel 6.12.0, sorted by retries\n"));
	assert_non_null(strstr(buf, "total: faults/s 400.0, retries/s 100.0, retry 25.00%, processes 1\n"));
	assert_non_null(strstr(buf, "modes: faults fentry, mmap_lock tracepoint, anon_vma fentry; lost 3, missed runs 1\n"));
	assert_non_null(strstr(buf, "    PID COMM             FAULT/s  FLTp99  FLT%"
				    "  RETRY/s RETRY% REASON        DONE/s  VMA% HOLDp99"
				    " HOLDmax WAITp99 WAITmax CHAIN\n"));
	assert_non_null(strstr(buf, "   4242 mmretry-gen        400.0   2.1ms  47.5"
				    "    100.0   25.0 file_io          5.0    75       -"
				    "       -       -       -     3\n"));
	assert_null(strchr(buf, '\033'));
	/* every column the mode can fill: nothing hidden */
	assert_null(strstr(buf, "hidden"));
	free(buf);

	/* 40 columns, 8 lines: the header wrapped, not cut; the row whole
	 * with fewer columns; nothing past the eighth line */
	fit = (struct top_fit){ .width = 40, .height = 8 };
	buf = PRINTED(m, top_print(m, &h, &c, &tot, &r, 1, TOP_SORT_RETRIES, &fit));
	assert_non_null(strstr(buf, "mmretry top - 12:34:56, interval 2.00 s,\n"
				    "  kernel 6.12.0, sorted by retries\n"));
	assert_non_null(strstr(buf, "\n  lost 3, missed runs 1\n"));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(strlen(line) <= 40);
		lines++;
	}
	assert_int_equal(lines, 8);	/* the blank line is not a token: 9 lines */
	free(buf);
}

/* ---- which columns: what the mode can fill, then what fits ---- */

static const char *why_of(const struct top_caps *c, enum top_col k)
{
	const char *why = NULL;

	if (top_col_available(c, k, &why)) {
		assert_null(why);
		return NULL;
	}
	assert_non_null(why);
	return why;
}

static void columns_the_mode_can_fill(void **state)
{
	static const enum mmr_mode timed[] = { MMR_MODE_FENTRY, MMR_MODE_KPROBE };
	struct top_caps c;
	size_t i;
	int k;

	/* fentry, kprobe: every column */
	for (i = 0; i < ARRAY_LEN(timed); i++) {
		c = caps_of(timed[i]);
		for (k = 0; k < TOP_NR_COLS; k++)
			assert_null(why_of(&c, k));
	}
	/* tracepoint mode: no fault begins or ends, no return value, no
	 * function hooked for anon_vma */
	c = caps_of(MMR_MODE_TRACEPOINT);
	for (k = 0; k < TOP_NR_COLS; k++) {
		if (k == TOP_COL_FLT_P99 || k == TOP_COL_FLT_PCT || k == TOP_COL_DONE ||
		    k == TOP_COL_CHAIN)
			assert_string_equal(why_of(&c, k), "tracepoint mode");
		else
			assert_null(why_of(&c, k));
	}
	/* what the user turned off says so */
	c = caps_of(MMR_MODE_FENTRY);
	c.untimed = true;
	c.lock_traced = false;
	c.lock_off = true;
	c.anon_traced = false;
	c.anon_off = true;
	assert_string_equal(why_of(&c, TOP_COL_FLT_P99), "--no-latency");
	assert_string_equal(why_of(&c, TOP_COL_FLT_PCT), "--no-latency");
	for (k = TOP_COL_HOLD_P99; k <= TOP_COL_WAIT_MAX; k++)
		assert_string_equal(why_of(&c, k), "--no-mmap-lock");
	assert_string_equal(why_of(&c, TOP_COL_CHAIN), "--no-anon-vma");
	assert_null(why_of(&c, TOP_COL_DONE));
	/* not traced although asked for (it did not attach) */
	c = caps_of(MMR_MODE_KPROBE);
	c.lock_traced = false;
	c.anon_traced = false;
	assert_string_equal(why_of(&c, TOP_COL_WAIT_MAX), "mmap_lock not traced");
	assert_string_equal(why_of(&c, TOP_COL_CHAIN), "anon_vma not traced");
	/* tracepoint mode, --no-latency: still the mode's doing */
	c = caps_of(MMR_MODE_TRACEPOINT);
	c.untimed = true;
	assert_string_equal(why_of(&c, TOP_COL_FLT_P99), "tracepoint mode");
	/* the rows follow the columns: a known figure only where shown */
	for (k = 0; k < TOP_NR_COLS; k++)
		assert_true(top_col_priority[k] < TOP_NR_COLS);
}

/* the columns of a layout, by name: "PID COMM ..." */
static void layout_names(const struct top_layout *l, char *buf, size_t len)
{
	size_t at = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < TOP_NR_COLS; k++)
		if (l->shown[k])
			at += snprintf(buf + at, len - at, "%s%s", at ? " " : "", top_col_names[k]);
}

/* the rank of column k in the priority order */
static int rank_of(enum top_col k)
{
	int i;

	for (i = 0; i < TOP_NR_COLS; i++)
		if (top_col_priority[i] == k)
			return i;
	fail();
	return -1;
}

static void layout_fits_widths(void **state)
{
	static const enum mmr_mode modes[] = { MMR_MODE_FENTRY, MMR_MODE_KPROBE,
					       MMR_MODE_TRACEPOINT };
	static const int widths[] = { 80, 100, 200 };
	struct top_layout l;
	struct top_caps c;
	size_t i, j;
	int k, x;

	for (i = 0; i < ARRAY_LEN(modes); i++) {
		c = caps_of(modes[i]);
		for (j = 0; j < ARRAY_LEN(widths); j++) {
			top_layout(&c, TOP_SORT_RETRIES, widths[j], &l);
			assert_true(l.width <= widths[j]);
			assert_true(l.comm_width >= TOP_COMM_MIN && l.comm_width <= TOP_COMM_MAX);
			for (k = 0; k < TOP_NR_COLS; k++) {
				/* what the mode cannot fill never shows */
				if (!top_col_available(&c, k, NULL))
					assert_false(l.shown[k]);
				if (l.shown[k] || !top_col_available(&c, k, NULL))
					continue;
				/* dropped for room: everything below it too */
				assert_string_equal(l.why[k], "no room");
				for (x = 0; x < TOP_NR_COLS; x++)
					if (rank_of(x) > rank_of(k))
						assert_false(l.shown[x]);
			}
			/* who, how many retries and why, always */
			assert_true(l.shown[TOP_COL_PID] && l.shown[TOP_COL_COMM] &&
				    l.shown[TOP_COL_RETRIES] && l.shown[TOP_COL_REASON]);
		}
		/* 200 columns: every column the mode can fill, COMM whole */
		top_layout(&c, TOP_SORT_RETRIES, 200, &l);
		for (k = 0; k < TOP_NR_COLS; k++)
			assert_int_equal(l.shown[k], top_col_available(&c, k, NULL));
		assert_int_equal(l.comm_width, TOP_COMM_MAX);
		/* no limit: the same */
		top_layout(&c, TOP_SORT_RETRIES, 0, &l);
		for (k = 0; k < TOP_NR_COLS; k++)
			assert_int_equal(l.shown[k], top_col_available(&c, k, NULL));
	}
}

static void layout_by_mode_and_width(void **state)
{
	struct top_caps fe = caps_of(MMR_MODE_FENTRY), tp = caps_of(MMR_MODE_TRACEPOINT);
	struct top_layout l;
	char names[256];

	top_layout(&fe, TOP_SORT_RETRIES, 80, &l);
	layout_names(&l, names, sizeof(names));
	assert_string_equal(names, "PID COMM FAULT/s FLTp99 FLT% RETRY/s RETRY% REASON WAITmax");
	assert_int_equal(l.width, 80);
	assert_int_equal(l.comm_width, 12);	/* "mmretry-gen" whole */
	top_layout(&fe, TOP_SORT_RETRIES, 100, &l);
	layout_names(&l, names, sizeof(names));
	assert_string_equal(names, "PID COMM FAULT/s FLTp99 FLT% RETRY/s RETRY% REASON VMA% "
			    "HOLDmax WAITmax");
	assert_int_equal(l.comm_width, 15);
	assert_string_equal(l.why[TOP_COL_DONE], "no room");
	top_layout(&fe, TOP_SORT_RETRIES, 200, &l);
	assert_int_equal(l.width, 127);

	top_layout(&tp, TOP_SORT_RETRIES, 80, &l);
	layout_names(&l, names, sizeof(names));
	assert_string_equal(names, "PID COMM FAULT/s RETRY/s RETRY% REASON VMA% HOLDmax WAITmax");
	assert_int_equal(l.width, 80);
	assert_string_equal(l.why[TOP_COL_FLT_P99], "tracepoint mode");
	assert_string_equal(l.why[TOP_COL_HOLD_P99], "no room");
	top_layout(&tp, TOP_SORT_RETRIES, 100, &l);
	layout_names(&l, names, sizeof(names));
	assert_string_equal(names, "PID COMM FAULT/s RETRY/s RETRY% REASON VMA% HOLDp99 HOLDmax "
			    "WAITp99 WAITmax");
	assert_int_equal(l.width, 99);

	/* the sort key's column comes right after the core ones */
	top_layout(&fe, TOP_SORT_CHAIN, 80, &l);
	layout_names(&l, names, sizeof(names));
	assert_string_equal(names, "PID COMM FAULT/s FLTp99 FLT% RETRY/s RETRY% REASON CHAIN");
	assert_int_equal(l.comm_width, 14);
	top_layout(&fe, TOP_SORT_HOLD, 80, &l);
	assert_true(l.shown[TOP_COL_HOLD_MAX]);
	top_layout(&fe, TOP_SORT_PID, 80, &l);
	layout_names(&l, names, sizeof(names));
	assert_string_equal(names, "PID COMM FAULT/s FLTp99 FLT% RETRY/s RETRY% REASON WAITmax");
	/* narrower than the core: PID stays, the rest goes whole */
	top_layout(&fe, TOP_SORT_RETRIES, 30, &l);
	layout_names(&l, names, sizeof(names));
	assert_string_equal(names, "PID COMM RETRY/s");
	top_layout(&fe, TOP_SORT_RETRIES, 3, &l);
	layout_names(&l, names, sizeof(names));
	assert_string_equal(names, "PID");
}

/* n rows of one mode's figures, pids 100, 101, ... */
static struct top_row *rows_of(const struct top_caps *c, size_t n)
{
	struct top_row *r = calloc(n, sizeof(*r));
	size_t i;

	assert_non_null(r);
	for (i = 0; i < n; i++) {
		r[i].pid = 100 + i;
		snprintf(r[i].comm, sizeof(r[i].comm), "%s", i ? "worker" : "mmretry-gen");
		r[i].secs = 1;
		r[i].faults_known = true;
		r[i].faults = 1000 + i;
		r[i].retries = 500;
		r[i].reason = MMR_REASON_FILE_IO;
		r[i].completed_known = top_col_available(c, TOP_COL_DONE, NULL);
		r[i].vma_known = true;
		r[i].attempts = 1500;
		r[i].vma_lock_attempts = 1000;
		r[i].lat_known = top_col_available(c, TOP_COL_FLT_P99, NULL);
		r[i].lat_n = r[i].lat_known ? 1000 : 0;
		r[i].lat_p99 = 2097151;
		r[i].lat_sum = 500000000;
		r[i].lock_known = c->lock_traced;
		r[i].wait_n = 3;
		r[i].wait_max = 65535;
		r[i].chain_known = c->anon_traced;
		r[i].chain_max = 4;
	}
	return r;
}

/* lines in printed, each at most width long; the number of them */
static int check_lines(char *printed, int width)
{
	char *line, *save;
	int n = 0;

	for (line = strtok_r(printed, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(width <= 0 || (int)strlen(line) <= width);
		assert_true(!*line || line[strlen(line) - 1] != ' ');
		n++;
	}
	return n;
}

static void print_fits_widths(void **state)
{
	static const enum mmr_mode modes[] = { MMR_MODE_FENTRY, MMR_MODE_KPROBE,
					       MMR_MODE_TRACEPOINT };
	static const int widths[] = { 80, 100, 200 };
	struct top_header h = { .time = "12:34:56", .secs = 1, .kernel = "6.1.0-28-cloud-amd64",
				.lost = 12, .missed = 345 };
	struct top_totals tot = { .faults_known = true, .faults = 4000, .retries = 2000,
				  .nprocs = 4 };
	struct top_fit fit = { 0 };
	struct top_layout l;
	struct top_caps c;
	struct top_row *r;
	char *buf, *titles, names[256];
	size_t i, j;

	for (i = 0; i < ARRAY_LEN(modes); i++) {
		c = caps_of(modes[i]);
		h.modes[0] = mode_name(modes[i]);
		h.modes[1] = "tracepoint";
		h.modes[2] = c.anon_traced ? h.modes[0] : "n/a";
		r = rows_of(&c, 4);
		for (j = 0; j < ARRAY_LEN(widths); j++) {
			fit.width = widths[j];
			buf = PRINTED(m, top_print(m, &h, &c, &tot, r, 4, TOP_SORT_RETRIES, &fit));
			/* titles: the layout's, whole */
			titles = titles_of(buf);
			top_layout(&c, TOP_SORT_RETRIES, widths[j], &l);
			layout_names(&l, names, sizeof(names));
			assert_string_equal(titles, names);
			free(titles);
			/* a line of titles is as long as the layout says */
			assert_int_equal(titles_len(buf), l.width);
			/* a row: whole, its name whole */
			assert_non_null(strstr(buf, "\n    100 mmretry-gen "));
			/* the header's phrases whole, on one line each */
			assert_non_null(strstr(buf, "kernel 6.1.0-28-cloud-amd64,"));
			assert_non_null(strstr(buf, "sorted by retries\n"));
			assert_non_null(strstr(buf, "lost 12, missed runs 345\n"));
			assert_non_null(strstr(buf, "processes 4\n"));
			if (modes[i] == MMR_MODE_TRACEPOINT)
				assert_non_null(strstr(buf, "FLTp99 FLT% DONE/s CHAIN "
							    "(tracepoint mode)"));
			if (widths[j] == 200 && modes[i] != MMR_MODE_TRACEPOINT)
				assert_null(strstr(buf, "hidden"));
			if (widths[j] == 80)
				assert_non_null(strstr(buf, "(no room)"));
			/* 4 header lines at most twice over, a blank, titles, rows */
			assert_true(check_lines(buf, widths[j]) <= 8 + 1 + 4);
			free(buf);
		}
		free(r);
	}
}

static void rows_limited(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_TRACEPOINT);
	struct top_header h = { .time = "12:34:56", .secs = 1, .kernel = "6.18.44",
				.modes = { "tracepoint", "tracepoint", "n/a" } };
	struct top_totals tot = { .faults_known = true, .faults = 4000, .retries = 2000,
				  .nprocs = 209 };
	struct top_fit fit = { .max_rows = 3 };
	struct top_row *r = rows_of(&c, 209);
	char *buf;
	size_t shown = 0;
	int lines;

	/* --rows 3, piped: three rows, the totals still every process's */
	buf = PRINTED(m, shown = top_print(m, &h, &c, &tot, r, 209, TOP_SORT_RETRIES, &fit));
	assert_int_equal(shown, 3);
	assert_non_null(strstr(buf, ", 3 of 209 processes shown\n"));
	assert_non_null(strstr(buf, "total: faults/s 4000.0, retries/s 2000.0"));
	assert_non_null(strstr(buf, "\n    102 worker "));
	assert_null(strstr(buf, "\n    103 "));
	free(buf);

	/* every row fits: no "of" */
	fit.max_rows = 300;
	buf = PRINTED(m, shown = top_print(m, &h, &c, &tot, r, 209, TOP_SORT_RETRIES, &fit));
	assert_int_equal(shown, 209);
	assert_non_null(strstr(buf, ", processes 209\n"));
	free(buf);

	/* a terminal of 80 by 10: the header (wrapped), then the rows that fit */
	fit = (struct top_fit){ .width = 80, .height = 10 };
	buf = PRINTED(m, shown = top_print(m, &h, &c, &tot, r, 209, TOP_SORT_RETRIES, &fit));
	/* the header: 4 lines (the modes wrapped once), blank, titles: 10 - 7 */
	assert_int_equal(shown, 3);
	assert_non_null(strstr(buf, ", 3 of 209 processes shown\n"));
	assert_non_null(strstr(buf, "\n    102 worker "));
	lines = check_lines(buf, 80);	/* tokens: the blank line is not one */
	assert_int_equal(lines + 1, 10);
	free(buf);
	/* --rows below what fits wins; a window that fits no row: header */
	fit.max_rows = 2;
	buf = PRINTED(m, shown = top_print(m, &h, &c, &tot, r, 209, TOP_SORT_RETRIES, &fit));
	assert_int_equal(shown, 2);
	assert_non_null(strstr(buf, "2 of 209 processes shown"));
	free(buf);
	fit = (struct top_fit){ .width = 80, .height = 5 };
	buf = PRINTED(m, shown = top_print(m, &h, &c, &tot, r, 209, TOP_SORT_RETRIES, &fit));
	assert_int_equal(shown, 0);
	assert_true(check_lines(buf, 80) <= 5);
	free(buf);
	free(r);
}

/* ---- top --cgroups: rows are cgroups ---- */

/* does the line of text that begins with start hold sub? (not inlined, as
 * titles_of()) */
__attribute__((noinline)) static bool line_has(const char *text, const char *start,
					       const char *sub)
{
	const char *p = strstr(text, start);
	char line[512];

	if (!p)
		return false;
	p += *start == '\n';
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	return strstr(line, sub) != NULL;
}

/* a cgroup's sample (fentry mode's figures) */
static void cgsample(struct top_samples *s, uint64_t id, const char *name, uint64_t faults,
		     uint64_t retries)
{
	struct top_sample *x = fsample(s, 0, "", faults, retries, MMR_REASON_FILE_IO, 0);

	x->id = id;	/* fsample's key was 0: a cgroup's is its row key */
	x->pid = 0;
	snprintf(x->cgroup, sizeof(x->cgroup), "%s", name);
}

static void cgroup_rows(void **state)
{
	struct top_caps c = caps_of(MMR_MODE_FENTRY);
	struct top_samples s = { 0 };
	struct top_fit fit = { .width = 80 };
	struct top_table t;
	struct top_totals tot;
	struct top_row *rows;
	char *buf = NULL;
	size_t n;
	struct top_header h = { .time = "12:00:00", .secs = 1, .kernel = "6.18",
				.modes = { "fentry", "tracepoint", "fentry" } };

	c.cgroups = true;
	c.anon_traced = true;
	top_table_init(&t, &c);
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	/* ids beyond 32 bits are rows of their own */
	cgsample(&s, (1ULL << 32) + 7, "/system.slice/a-service-with-a-long-name.service", 100, 40);
	cgsample(&s, 7, "/user.slice", 10, 2);
	cgsample(&s, MMR_CGROUP_OTHER, "other", 5, 1);
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 3);
	top_rows_sort(rows, n, TOP_SORT_RETRIES);
	assert_true(rows[0].id == (1ULL << 32) + 7);
	buf = PRINTED(m, top_print(m, &h, &c, &tot, rows, n, TOP_SORT_RETRIES, &fit));
	/* CGROUP in COMM's place, no PID, no CHAIN (the anon_vma tracer's rows
	 * are processes); a long path keeps its end */
	assert_true(line_has(buf, "\nCGROUP ", "RETRY/s"));
	assert_false(line_has(buf, "\nCGROUP ", "PID"));
	assert_false(line_has(buf, "\nCGROUP ", "CHAIN"));
	assert_non_null(strstr(buf, "; CHAIN (by cgroup)"));
	assert_non_null(strstr(buf, "\n...long-name.service    100.0 "));
	assert_non_null(strstr(buf, "\n/user.slice "));
	assert_non_null(strstr(buf, "cgroups 3"));
	assert_max_columns(buf, 80);
	free(buf);
	free(rows);
	top_table_free(&t);

	/* tracepoint (light) mode: faults are each process's accounting, no
	 * cgroup's: no FAULT/s, RETRY% or VMA%, and the header says why */
	c = caps_of(MMR_MODE_TRACEPOINT);
	c.cgroups = true;
	c.light = true;
	top_table_init(&t, &c);
	update(&t, &s, 0, &rows, &tot, NULL, NULL);
	free(rows);
	cgsample(&s, 7, "/user.slice", 0, 2);
	s.v[0].have = TOP_HAVE_FAULTS;
	n = update(&t, &s, 1, &rows, &tot, NULL, NULL);
	assert_int_equal(n, 1);
	assert_false(rows[0].faults_known);
	buf = PRINTED(m, top_print(m, &h, &c, &tot, rows, n, TOP_SORT_RETRIES, &fit));
	assert_non_null(strstr(buf, "hidden: FAULT/s RETRY% VMA% (light mode, by cgroup)"));
	assert_null(strstr(buf, "FAULT/s  "));
	free(buf);
	free(rows);
	top_table_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_read_primes),
		cmocka_unit_test(deltas_and_rates),
		cmocka_unit_test(leading_reason),
		cmocka_unit_test(new_process_counts_from_zero),
		cmocka_unit_test(exited_process_goes_after_idle_interval),
		cmocka_unit_test(tracepoint_mode_na_and_accounting),
		cmocka_unit_test(faults_unknown_without_accounting),
		cmocka_unit_test(hist_delta_p99_and_max),
		cmocka_unit_test(lock_columns),
		cmocka_unit_test(fault_latency_columns),
		cmocka_unit_test(fault_latency_na_in_tracepoint_mode),
		cmocka_unit_test(sort_keys),
		cmocka_unit_test(lock_durations_in_table),
		cmocka_unit_test(print_table_cut_to_width),
		cmocka_unit_test(columns_the_mode_can_fill),
		cmocka_unit_test(layout_fits_widths),
		cmocka_unit_test(layout_by_mode_and_width),
		cmocka_unit_test(print_fits_widths),
		cmocka_unit_test(rows_limited),
		cmocka_unit_test(cgroup_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
