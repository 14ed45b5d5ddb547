// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report/proclat.c: stat --proc-latency's section (proclat.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "report/proclat.h"
#include "report/render.h"
#include "stats/mmap_lock.h"	/* hist_quantile */

#define PROCLAT_TEXT_ROWS 10

void report_proclat_free(struct report_proclat *x)
{
	free(x->rows);
	x->rows = NULL;
	x->n = 0;
}

int report_proclat_add(struct report_proclat *x, uint32_t pid, const char *comm,
		       const struct mmr_hist *fault_ns)
{
	struct proclat_row *r = realloc(x->rows, (x->n + 1) * sizeof(*r));

	if (!r)
		return -ENOMEM;
	x->rows = r;
	r = &x->rows[x->n++];
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	strlcpy_(r->comm, comm, sizeof(r->comm));
	r->fault_ns = *fault_ns;
	return 0;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct proclat_row *a = pa, *b = pb;

	if (a->fault_ns.sum_ns != b->fault_ns.sum_ns)
		return a->fault_ns.sum_ns > b->fault_ns.sum_ns ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void report_proclat_sort(struct report_proclat *x)
{
	size_t i, n = 0;

	for (i = 0; i < x->n; i++)
		if (x->rows[i].fault_ns.count)
			x->rows[n++] = x->rows[i];
	x->n = n;
	if (n)
		qsort(x->rows, n, sizeof(*x->rows), cmp_rows);
}

double proclat_share(const struct mmr_hist *fault_ns, double secs)
{
	return secs > 0 ? 100.0 * (double)fault_ns->sum_ns / (secs * 1e9) : 0;
}

void report_print_proclat_text(FILE *out, const struct report_proclat *x, double secs)
{
	char p50[32], p99[32], max[32], sum[32];
	size_t i, n;

	if (!x->wanted)
		return;
	if (!x->traced) {
		fprintf(out, "\nfault latency by process: n/a (%s)\n",
			x->why ? x->why : "not timed");
		return;
	}
	fprintf(out, "\nfault latency by process, by time in faults (%% of %.2f s; threads add "
		"up)\n", secs);
	if (!x->n) {
		fprintf(out, "  (no fault)\n");
		return;
	}
	fprintf(out, "  %-8s %-15s %8s %8s %8s %8s %8s %6s\n", "PID", "COMM", "FAULTS", "P50",
		"P99", "MAX", "TIME", "TIME%");
	n = x->n < PROCLAT_TEXT_ROWS ? x->n : PROCLAT_TEXT_ROWS;
	for (i = 0; i < n; i++) {
		const struct proclat_row *r = &x->rows[i];
		const struct mmr_hist *h = &r->fault_ns;

		fprintf(out, "  %-8u %-15s %8llu %8s %8s %8s %8s %6.1f\n", r->pid, r->comm,
			(unsigned long long)h->count,
			fmt_ns(p50, sizeof(p50), hist_quantile(h, 0.5)),
			fmt_ns(p99, sizeof(p99), hist_quantile(h, 0.99)),
			fmt_ns(max, sizeof(max), h->max_ns), fmt_ns(sum, sizeof(sum), h->sum_ns),
			proclat_share(h, secs));
	}
	if (x->n > n)
		fprintf(out, "  (%zu more)\n", x->n - n);
}

json_t *report_proclat_json(const struct report_proclat *x, double secs)
{
	json_t *a;
	size_t i;

	if (!x->wanted)
		return NULL;
	if (!x->traced)
		return json_null();
	a = json_array();
	for (i = 0; a && i < x->n; i++) {
		const struct proclat_row *r = &x->rows[i];
		json_t *o = json_object();

		json_object_set_new(o, "pid", json_integer(r->pid));
		json_object_set_new(o, "comm", json_bytes(r->comm));
		json_object_set_new(o, "fault_ns", hist_json(&r->fault_ns));
		json_object_set_new(o, "time_in_faults_pct",
				    json_real(proclat_share(&r->fault_ns, secs)));
		json_array_append_new(a, o);
	}
	return a;
}
