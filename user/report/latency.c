// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report/latency.c: the fault-latency section (latency.h). */
#include "lib/util.h"
#include "report/latency.h"
#include "report/render.h"
#include "stats/figures.h"
#include "stats/mmap_lock.h"	/* hist_quantile */

static const char *const origin_names[MMR_NR_ORIGINS] = { "user", "kernel" };
#define NAME_OUTCOME(e, name) [MMR_OUTCOME_##e] = #name,
static const char *const outcome_names[MMR_NR_OUTCOMES] = { MMR_OUTCOMES(NAME_OUTCOME) };

/* "  NAME  COUNT  p50 ...  p99 ...  max ..." for a histogram with counts */
static void row(FILE *out, const char *a, const char *b, const struct mmr_hist *h)
{
	char p50[32], p99[32], max[32];

	fprintf(out, "  %-7s %-12s %10llu %10s %10s %10s\n", a, b,
		(unsigned long long)h->count, fmt_ns(p50, sizeof(p50), hist_quantile(h, 0.5)),
		fmt_ns(p99, sizeof(p99), hist_quantile(h, 0.99)),
		fmt_ns(max, sizeof(max), h->max_ns));
}

void report_print_latency_text(FILE *out, const struct report_latency *x)
{
	char sum[32];
	int o, k;

	if (!x->traced) {
		fprintf(out, "\nfault latency: n/a (%s)\n", x->why ? x->why : "not timed");
		return;
	}
	fprintf(out, "\nfault latency (first attempt's entry to last attempt's return)\n");
	fprintf(out, "  %-7s %-12s %10s %10s %10s %10s\n", "ORIGIN", "OUTCOME", "FAULTS", "P50",
		"P99", "MAX");
	for (o = 0; o < MMR_NR_ORIGINS; o++)
		for (k = 0; k < MMR_NR_OUTCOMES; k++)
			if (x->l.dur[o][k].count)
				row(out, origin_names[o], outcome_names[k], &x->l.dur[o][k]);
	for (k = 0; k < MMR_NR_REASONS && !x->l.retry_ns[k].count; k++)
		;
	if (k == MMR_NR_REASONS)
		return;
	fprintf(out, "retry time (after the first VM_FAULT_RETRY), by its reason\n");
	fprintf(out, "  %-20s %10s %10s %10s %10s\n", "REASON", "FAULTS", "SUM", "P99", "MAX");
	for (k = 0; k < MMR_NR_REASONS; k++) {
		const struct mmr_hist *h = &x->l.retry_ns[k];
		char p99[32], max[32];

		if (!h->count)
			continue;
		fprintf(out, "  %-20s %10llu %10s %10s %10s\n", reason_names[k],
			(unsigned long long)h->count, fmt_ns(sum, sizeof(sum), h->sum_ns),
			fmt_ns(p99, sizeof(p99), hist_quantile(h, 0.99)),
			fmt_ns(max, sizeof(max), h->max_ns));
	}
}

json_t *report_latency_json(const struct report_latency *x)
{
	json_t *o, *retry;
	int g, k;

	if (!x->traced)
		return json_null();
	o = json_object();
	for (g = 0; g < MMR_NR_ORIGINS; g++) {
		json_t *by = json_object();

		for (k = 0; k < MMR_NR_OUTCOMES; k++)
			json_object_set_new(by, outcome_names[k], hist_json(&x->l.dur[g][k]));
		json_object_set_new(o, origin_names[g], by);
	}
	retry = json_object();
	for (k = 0; k < MMR_NR_REASONS; k++)
		json_object_set_new(retry, reason_names[k], hist_json(&x->l.retry_ns[k]));
	json_object_set_new(o, "retry_ns", retry);
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
