// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report/latency.c: the fault-latency section (latency.h). */
#include "lib/util.h"
#include "report/latency.h"
#include "report/render.h"
#include "stats/figures.h"
#include "stats/mmap_lock.h"	/* hist_quantile */


/* a histogram's p99 (its max, sum) as text; n/a if not timed */
static const char *p99(char *buf, size_t len, bool timed, const struct mmr_hist *h)
{
	return timed ? fmt_ns(buf, len, hist_quantile(h, 0.99)) : "n/a";
}

static const char *max(char *buf, size_t len, bool timed, const struct mmr_hist *h)
{
	return timed ? fmt_ns(buf, len, h->max_ns) : "n/a";
}

static const char *sum(char *buf, size_t len, bool timed, const struct mmr_hist *h)
{
	return timed ? fmt_ns(buf, len, h->sum_ns) : "n/a";
}

static void print_durations(FILE *out, const struct report_latency *x)
{
	char a[32], b[32], c[32];
	int o, k;

	fprintf(out, "\nfault latency (first attempt's entry to last attempt's return)\n");
	fprintf(out, "  %-7s %-12s %10s %10s %10s %10s\n", "ORIGIN", "OUTCOME", "FAULTS", "P50",
		"P99", "MAX");
	for (o = 0; o < MMR_NR_ORIGINS; o++)
		for (k = 0; k < MMR_NR_OUTCOMES; k++) {
			const struct mmr_hist *h = &x->l.dur[o][k];

			if (!h->count)
				continue;
			fprintf(out, "  %-7s %-12s %10llu %10s %10s %10s\n", origin_names[o],
				outcome_names[k], (unsigned long long)h->count,
				fmt_ns(a, sizeof(a), hist_quantile(h, 0.5)),
				p99(b, sizeof(b), true, h), max(c, sizeof(c), true, h));
		}
	for (k = 0; k < MMR_NR_REASONS && !x->l.retry_ns[k].count; k++)
		;
	if (k == MMR_NR_REASONS)
		return;
	fprintf(out, "retried faults, by why they first retried: the time after that RETRY\n");
	fprintf(out, "  %-14s %10s %10s %10s %10s %10s\n", "REASON", "FAULTS", "SUM", "P99", "MAX",
		"LAST P99");
	for (k = 0; k < MMR_NR_REASONS; k++) {
		const struct mmr_hist *h = &x->l.retry_ns[k];
		char d[32];

		if (!h->count)
			continue;
		fprintf(out, "  %-14s %10llu %10s %10s %10s %10s\n", reason_names[k],
			(unsigned long long)h->count, sum(a, sizeof(a), true, h),
			p99(b, sizeof(b), true, h), max(c, sizeof(c), true, h),
			p99(d, sizeof(d), true, &x->l.last_attempt[k]));
	}
}

/* each retry: the attempt that retried, the gap before the next, the
 * mmap_lock wait in that gap; in tracepoint mode only the wait */
static void print_retries(FILE *out, const struct report_latency *x)
{
	char a[32], b[32], c[32], d[32], e[32];
	int k;

	for (k = 0; k < MMR_NR_REASONS; k++)
		if (x->l.attempt[k].count || x->l.lock_wait[k].count)
			break;
	if (k == MMR_NR_REASONS)
		return;
	fprintf(out, "each retry, by reason: p99 of its attempt and of the gap to the next,\n"
		"and the mmap_lock wait in that gap\n");
	fprintf(out, "  %-14s %8s %10s %10s %10s %10s %10s\n", "REASON", "RETRIES", "ATTEMPT",
		"GAP", "WAIT P99", "WAIT MAX", "WAIT SUM");
	for (k = 0; k < MMR_NR_REASONS; k++) {
		const struct mmr_hist *w = &x->l.lock_wait[k];
		unsigned long long n = x->traced ? x->l.attempt[k].count : w->count;

		if (!n)
			continue;
		fprintf(out, "  %-14s %8llu %10s %10s %10s %10s %10s\n", reason_names[k], n,
			p99(a, sizeof(a), x->traced, &x->l.attempt[k]),
			p99(b, sizeof(b), x->traced, &x->l.gap[k]),
			p99(c, sizeof(c), x->lock_wait, w), max(d, sizeof(d), x->lock_wait, w),
			sum(e, sizeof(e), x->lock_wait, w));
	}
	if (!x->lock_wait)
		fprintf(out, "  (mmap_lock wait: n/a, %s)\n", x->lock_why ? x->lock_why : "not timed");
}

void report_print_latency_text(FILE *out, const struct report_latency *x)
{
	if (x->traced)
		print_durations(out, x);
	else
		fprintf(out, "\nfault latency: n/a (%s)\n", x->why ? x->why : "not timed");
	if (x->traced || x->lock_wait)
		print_retries(out, x);
}

/* {reason: histogram} of an array of MMR_NR_REASONS, or null */
static json_t *by_reason(bool timed, const struct mmr_hist *h)
{
	json_t *o;
	int k;

	if (!timed)
		return json_null();
	o = json_object();
	for (k = 0; k < MMR_NR_REASONS; k++)
		json_object_set_new(o, reason_names[k], hist_json(&h[k]));
	return o;
}

json_t *report_latency_json(const struct report_latency *x)
{
	json_t *o;
	int g, k;

	if (!x->traced && !x->lock_wait)
		return json_null();
	o = json_object();
	for (g = 0; g < MMR_NR_ORIGINS; g++) {
		json_t *by = json_null();

		if (x->traced) {
			by = json_object();
			for (k = 0; k < MMR_NR_OUTCOMES; k++)
				json_object_set_new(by, outcome_names[k],
						    hist_json(&x->l.dur[g][k]));
		}
		json_object_set_new(o, origin_names[g], by);
	}
	json_object_set_new(o, "retry_ns", by_reason(x->traced, x->l.retry_ns));
	json_object_set_new(o, "last_attempt_ns", by_reason(x->traced, x->l.last_attempt));
	json_object_set_new(o, "retry_attempt_ns", by_reason(x->traced, x->l.attempt));
	json_object_set_new(o, "retry_gap_ns", by_reason(x->traced, x->l.gap));
	json_object_set_new(o, "retry_lock_wait_ns", by_reason(x->lock_wait, x->l.lock_wait));
	return o;
}
