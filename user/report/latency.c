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

/* a histogram's figure for a row: n/a without faults (or without timing) */
static const char *fig(char *buf, size_t len, bool timed, const struct mmr_hist *h, double q)
{
	if (!timed || !h->count)
		return "n/a";
	return fmt_ns(buf, len, q < 0 ? h->max_ns : hist_quantile(h, q));
}

void report_print_latency_by(FILE *out, const char *const *names,
			     const struct report_latency *x, size_t n)
{
	size_t i;
	int o, k;

	fprintf(out, "\nfault latency (first attempt's entry to last attempt's return; retry\n"
		"time: after the first VM_FAULT_RETRY)\n");
	fprintf(out, "  %-12s %17s  %35s %9s\n", "", "all faults", "retried faults",
		"retry");
	fprintf(out, "  %-12s %8s %8s  %8s %8s %8s %8s %9s\n", "", "FAULTS", "P99", "FAULTS",
		"P50", "P99", "MAX", "TIME");
	for (i = 0; i < n; i++) {
		struct mmr_hist all = { 0 }, retried = { 0 };
		char nall[24], p99[32], nret[24], r50[32], r99[32], rmax[32], sum[32];
		uint64_t retry_sum = 0;
		bool t = x[i].traced;

		for (o = 0; o < MMR_NR_ORIGINS; o++) {
			hist_merge(&all, &x[i].l.dur[o][MMR_OUTCOME_ONE_ATTEMPT]);
			hist_merge(&all, &x[i].l.dur[o][MMR_OUTCOME_RETRIED]);
			hist_merge(&retried, &x[i].l.dur[o][MMR_OUTCOME_RETRIED]);
		}
		for (k = 0; k < MMR_NR_REASONS; k++)
			retry_sum += x[i].l.retry_ns[k].sum_ns;
		snprintf(nall, sizeof(nall), "%llu", (unsigned long long)all.count);
		snprintf(nret, sizeof(nret), "%llu", (unsigned long long)retried.count);
		fprintf(out, "  %-12.12s %8s %8s  %8s %8s %8s %8s %9s\n", names[i],
			t ? nall : "n/a", fig(p99, sizeof(p99), t, &all, 0.99),
			t ? nret : "n/a", fig(r50, sizeof(r50), t, &retried, 0.5),
			fig(r99, sizeof(r99), t, &retried, 0.99),
			fig(rmax, sizeof(rmax), t, &retried, -1),
			t ? fmt_ns(sum, sizeof(sum), retry_sum) : "n/a");
	}
}
