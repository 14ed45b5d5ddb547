// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/metrics.h"
#include "stats/figures.h"	/* reason_names */

/* the shortest text that reads back as v (what Go's Prometheus clients write) */
static const char *fmt_double(char *buf, size_t len, double v)
{
	int prec;

	/* whole numbers as such: 640, not 6.4e+02 */
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v) {
		snprintf(buf, len, "%lld", (long long)v);
		return buf;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return buf;
	}
	snprintf(buf, len, "%.17g", v);
	return buf;
}

void metrics_buf_free(struct metrics_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

static void vappend(struct metrics_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	if (b->err)
		return;
	for (;;) {
		size_t room = b->cap - b->len;

		va_copy(again, ap);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, again);
		va_end(again);
		if (n < 0) {
			b->err = EINVAL;
			return;
		}
		if ((size_t)n < room) {
			b->len += n;
			return;
		}
		{
			size_t cap = b->cap ? 2 * b->cap : 4096;
			char *s;

			while (cap - b->len <= (size_t)n)
				cap *= 2;
			s = realloc(b->s, cap);
			if (!s) {
				b->err = ENOMEM;
				return;
			}
			b->s = s;
			b->cap = cap;
		}
	}
}

void metrics_printf(struct metrics_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(b, fmt, ap);
	va_end(ap);
}

void metrics_family(struct metrics_buf *b, const char *name, const char *type,
		    const char *help)
{
	metrics_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* {a="x",b="y"} with extra (name, value) appended, escaped; nothing if empty */
static void labels_out(struct metrics_buf *b, const char *const *labels, const char *xname,
		       const char *xvalue)
{
	const char *const *l;
	bool any = false;

	for (l = labels; l && l[0]; l += 2) {
		const char *v;

		metrics_printf(b, "%s%s=\"", any ? "," : "{", l[0]);
		for (v = l[1] ? l[1] : ""; *v; v++) {
			if (*v == '\\')
				metrics_printf(b, "\\\\");
			else if (*v == '"')
				metrics_printf(b, "\\\"");
			else if (*v == '\n')
				metrics_printf(b, "\\n");
			else
				metrics_printf(b, "%c", *v);
		}
		metrics_printf(b, "\"");
		any = true;
	}
	if (xname) {
		metrics_printf(b, "%s%s=\"%s\"", any ? "," : "{", xname, xvalue);
		any = true;
	}
	if (any)
		metrics_printf(b, "}");
}

void metrics_sample(struct metrics_buf *b, const char *name, const char *const *labels,
		    double value)
{
	char num[32];

	metrics_printf(b, "%s", name);
	labels_out(b, labels, NULL, NULL);
	metrics_printf(b, " %s\n", fmt_double(num, sizeof(num), value));
}

void metrics_sample_u64(struct metrics_buf *b, const char *name, const char *const *labels,
			uint64_t value)
{
	metrics_printf(b, "%s", name);
	labels_out(b, labels, NULL, NULL);
	metrics_printf(b, " %llu\n", (unsigned long long)value);
}

void metrics_hist(struct metrics_buf *b, const char *name, const char *const *labels,
		  const struct mmr_hist *h, double per_unit)
{
	uint64_t cum = 0;
	char le[40];
	int i, last = 0;

	for (i = 0; i < MMR_HIST_SLOTS; i++)
		if (h->slots[i])
			last = i;
	/* the last slot is open-ended: +Inf covers it */
	if (last >= MMR_HIST_SLOTS - 1)
		last = MMR_HIST_SLOTS - 2;
	for (i = 0; i <= last; i++) {
		cum += h->slots[i];
		fmt_double(le, sizeof(le), (double)((2ULL << i) - 1) / per_unit);
		metrics_printf(b, "%s_bucket", name);
		labels_out(b, labels, "le", le);
		metrics_printf(b, " %llu\n", (unsigned long long)cum);
	}
	metrics_printf(b, "%s_bucket", name);
	labels_out(b, labels, "le", "+Inf");
	metrics_printf(b, " %llu\n", (unsigned long long)h->count);
	metrics_printf(b, "%s_sum", name);
	labels_out(b, labels, NULL, NULL);
	metrics_printf(b, " %s\n", fmt_double(le, sizeof(le), (double)h->sum_ns / per_unit));
	metrics_printf(b, "%s_count", name);
	labels_out(b, labels, NULL, NULL);
	metrics_printf(b, " %llu\n", (unsigned long long)h->count);
}

/* a counter per named reason: the seconds summed in h[reason] (ns) */
static void reason_seconds(struct metrics_buf *b, const char *name, const char *help,
			   const struct mmr_hist *h, const bool named[MMR_NR_REASONS])
{
	int k;

	metrics_family(b, name, "counter", help);
	for (k = 0; k < MMR_NR_REASONS; k++) {
		const char *const l[] = { "reason", reason_names[k], NULL };

		if (named[k])
			metrics_sample(b, name, l, h[k].sum_ns / 1e9);
	}
}

void metrics_fault_latency(struct metrics_buf *b, const struct report_latency *x,
			   const bool named[MMR_NR_REASONS])
{
	static const char dur[] = "mmretry_fault_duration_seconds";
	static const char wait[] = "mmretry_fault_retry_lock_wait_seconds";
	int o, k;

	if (x->traced) {
		metrics_family(b, dur, "histogram",
			       "Page faults from their first attempt's entry to their last attempt's "
			       "return, by origin and outcome (a fault counts in each it has).");
		for (o = 0; o < MMR_NR_ORIGINS; o++)
			for (k = 0; k < MMR_NR_OUTCOMES; k++) {
				const char *const l[] = { "origin", origin_names[o],
							  "outcome", outcome_names[k], NULL };

				metrics_hist(b, dur, l, &x->l.dur[o][k], 1e9);
			}
		reason_seconds(b, "mmretry_fault_retry_seconds_total",
			       "Time retried faults spent after their first attempt returned "
			       "VM_FAULT_RETRY, by that attempt's reason.", x->l.retry_ns, named);
		reason_seconds(b, "mmretry_fault_retry_attempt_seconds_total",
			       "Time in attempts that returned VM_FAULT_RETRY, by reason.",
			       x->l.attempt, named);
		reason_seconds(b, "mmretry_fault_retry_gap_seconds_total",
			       "Time from a VM_FAULT_RETRY to the next attempt's entry (re-taking "
			       "mmap_lock), by the retry's reason.", x->l.gap, named);
	}
	if (!x->lock_wait)
		return;
	metrics_family(b, wait, "histogram",
		       "The mmap_lock wait of the re-take after each retry, by the retry's reason.");
	for (k = 0; k < MMR_NR_REASONS; k++) {
		const char *const l[] = { "reason", reason_names[k], NULL };

		if (named[k])
			metrics_hist(b, wait, l, &x->l.lock_wait[k], 1e9);
	}
}
