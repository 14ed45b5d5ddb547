// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report/cgroups.c: stat --by cgroup's section (cgroups.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "report/cgroups.h"
#include "report/mmap_lock.h"
#include "report/render.h"
#include "stats/figures.h"
#include "stats/mmap_lock.h"	/* hist_quantile */

#define CGROUPS_TEXT_ROWS 20
#define CGROUP_COL 28

void report_cgroups_free(struct report_cgroups *x)
{
	free(x->rows);
	x->rows = NULL;
	x->n = 0;
}

int report_cgroups_add(struct report_cgroups *x, uint64_t id, const char *path,
		       const struct mmr_proc_counters *c)
{
	struct cgroup_row *r = realloc(x->rows, (x->n + 1) * sizeof(*r));

	if (!r)
		return -ENOMEM;
	x->rows = r;
	r = &x->rows[x->n++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	if (path)
		strlcpy_(r->path, path, sizeof(r->path));
	r->c = *c;
	return 0;
}

int report_cgroups_add_lock(struct report_cgroups *x, uint64_t id, const char *path,
			    const struct mmr_lock_stats lock[2])
{
	static const struct mmr_proc_counters none;
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->rows[i].id == id)
			break;
	if (i == x->n && report_cgroups_add(x, id, path, &none))
		return -ENOMEM;
	memcpy(x->rows[i].lock, lock, sizeof(x->rows[i].lock));
	return 0;
}

static bool is_other(const struct cgroup_row *r)
{
	return r->id == MMR_CGROUP_OTHER;
}

static int cmp_rows(const void *pa, const void *pb)
{
	const struct cgroup_row *a = pa, *b = pb;

	if (is_other(a) != is_other(b))
		return is_other(a) ? 1 : -1;
	if (a->c.retries != b->c.retries)
		return a->c.retries > b->c.retries ? -1 : 1;
	if (a->c.faults != b->c.faults)
		return a->c.faults > b->c.faults ? -1 : 1;
	return strcmp(a->path, b->path);
}

bool cgroup_row_locked(const struct cgroup_row *r)
{
	return r->lock[0].acquisitions || r->lock[0].failures || r->lock[1].acquisitions ||
	       r->lock[1].failures;
}

static bool counted(const struct cgroup_row *r)
{
	const struct mmr_proc_counters *c = &r->c;

	return c->attempts || c->faults || c->retries || c->completed ||
	       c->mmap_lock_attempts || c->kernel_faults || cgroup_row_locked(r);
}

void report_cgroups_sort(struct report_cgroups *x)
{
	size_t i, n = 0;

	for (i = 0; i < x->n; i++)
		if (counted(&x->rows[i]))
			x->rows[n++] = x->rows[i];
	x->n = n;
	if (n)
		qsort(x->rows, n, sizeof(*x->rows), cmp_rows);
}

/* A row's counted figures: the counts faults.bpf.c keeps per row in every
 * mode (retries, reasons, mmap_lock attempts, completions), and in fentry
 * and kprobe modes the ones of every attempt too. */
bool cgroup_row_has(const struct report_cgroups *x, int fig)
{
	if (x->states[fig] == VAL_NA)
		return false;
	switch (fig) {
	case FF_RETRIES:
	case FF_MMAP_LOCK_ATTEMPTS:
	case FF_COMPLETED:
		return true;
	case FF_ATTEMPTS:
	case FF_FAULTS:
	case FF_MAJOR:
	case FF_VMA_LOCK_ATTEMPTS:
		return x->all_figures;
	default:
		return false;
	}
}

uint64_t cgroup_row_fig(const struct mmr_proc_counters *c, int fig)
{
	switch (fig) {
	case FF_ATTEMPTS:
		return c->attempts;
	case FF_FAULTS:
		return c->faults;
	case FF_RETRIES:
		return c->retries;
	case FF_COMPLETED:
		return c->completed;
	case FF_MAJOR:
		return c->major;
	case FF_VMA_LOCK_ATTEMPTS:
		return c->vma_lock_attempts;
	case FF_MMAP_LOCK_ATTEMPTS:
		return c->mmap_lock_attempts;
	default:
		return 0;
	}
}

static const char *row_name(const struct report_cgroups *x, const struct cgroup_row *r,
			    char *buf, size_t len)
{
	if (is_other(r))
		snprintf(buf, len, "other (%llu cgroup%s)", (unsigned long long)x->folded,
			 x->folded == 1 ? "" : "s");
	else if (r->path[0])
		snprintf(buf, len, "%s", r->path);
	else	/* removed before a walk of the mount saw it */
		snprintf(buf, len, "(removed) id %llu", (unsigned long long)r->id);
	return buf;
}

const char *cgroup_label(uint64_t id, const char *path, char *buf, size_t len)
{
	if (id == MMR_CGROUP_OTHER)
		snprintf(buf, len, "other");
	else if (path && path[0])
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "id:%llu", (unsigned long long)id);
	return buf;
}

const char *cgroup_row_label(const struct cgroup_row *r, char *buf, size_t len)
{
	return cgroup_label(r->id, r->path, buf, len);
}

/* the reason most of a row's retries had, "-" for none */
static const char *top_reason(const struct mmr_proc_counters *c)
{
	int i, best = -1;

	for (i = 0; i < MMR_NR_REASONS; i++)
		if (c->reasons[i] && (best < 0 || c->reasons[i] > c->reasons[best]))
			best = i;
	return best < 0 ? "-" : reason_names[best];
}

static const char *num(char *buf, size_t len, const struct report_cgroups *x,
		       const struct mmr_proc_counters *c, int fig)
{
	if (!cgroup_row_has(x, fig))
		return "n/a";
	snprintf(buf, len, "%llu", (unsigned long long)cgroup_row_fig(c, fig));
	return buf;
}

/* a row's name in CGROUP_COL columns: a long path keeps its end, where
 * the leaf names the service */
static const char *name_col(const struct report_cgroups *x, const struct cgroup_row *r,
			    char *col, size_t len)
{
	char name[300];

	return fmt_tail(col, len, row_name(x, r, name, sizeof(name)), CGROUP_COL);
}

/* a histogram's p99, "-" when empty */
static const char *p99_of(char *buf, size_t len, const struct mmr_hist *h)
{
	return h->count ? fmt_ns_narrow(buf, len, hist_quantile(h, 0.99)) : "-";
}

/* mmap_lock by cgroup: waits (read, write) and write holds, in the fault
 * table's order */
static void print_lock_text(FILE *out, const struct report_cgroups *x, size_t n)
{
	char col[CGROUP_COL + 4], rw[32], ww[32], wh[32], held[32], holds[24];
	size_t i;

	fprintf(out, "\nmmap_lock by cgroup\n  %-*s %8s %8s %8s %8s %9s\n", CGROUP_COL, "CGROUP",
		"R WAIT99", "W WAIT99", "W HOLDS", "W HOLD99", "W HELD");
	for (i = 0; i < n; i++) {
		const struct cgroup_row *r = &x->rows[i];

		snprintf(holds, sizeof(holds), "%llu", (unsigned long long)r->lock[1].hold.count);
		fprintf(out, "  %-*s %8s %8s %8s %8s %9s\n", CGROUP_COL,
			name_col(x, r, col, sizeof(col)), p99_of(rw, sizeof(rw), &r->lock[0].wait),
			p99_of(ww, sizeof(ww), &r->lock[1].wait), holds,
			p99_of(wh, sizeof(wh), &r->lock[1].hold),
			r->lock[1].hold.count ?
			fmt_ns_narrow(held, sizeof(held), r->lock[1].hold.sum_ns) : "-");
	}
}

void report_print_cgroups_text(FILE *out, const struct report_cgroups *x)
{
	char col[CGROUP_COL + 4], f[24], rt[24], mj[24], p99[32];
	size_t i, n;

	if (!x->wanted)
		return;
	if (x->why) {
		fprintf(out, "\nfaults by cgroup: n/a (%s)\n", x->why);
		return;
	}
	if (x->trees && x->trees->n)
		fprintf(out, "\nfaults by cgroup (%u listed subtree%s and the rest in /; at most %u "
			"row%s)\n", x->trees->n, x->trees->n == 1 ? "" : "s", x->max,
			x->max == 1 ? "" : "s");
	else if (x->depth)
		fprintf(out, "\nfaults by cgroup (at depth %u; at most %u row%s)\n", x->depth,
			x->max, x->max == 1 ? "" : "s");
	else
		fprintf(out, "\nfaults by cgroup (each task's own; at most %u row%s)\n", x->max,
			x->max == 1 ? "" : "s");
	if (!x->n) {
		fprintf(out, "  (no fault)\n");
		return;
	}
	fprintf(out, "  %-*s %8s %8s %7s %7s  %s\n", CGROUP_COL, "CGROUP", "FAULTS", "RETRIES",
		"MAJOR", "P99", "TOP REASON");
	n = x->n < CGROUPS_TEXT_ROWS ? x->n : CGROUPS_TEXT_ROWS;
	for (i = 0; i < n; i++) {
		const struct cgroup_row *r = &x->rows[i];

		fprintf(out, "  %-*s %8s %8s %7s %7s  %s\n", CGROUP_COL,
			name_col(x, r, col, sizeof(col)),
			num(f, sizeof(f), x, &r->c, FF_FAULTS),
			num(rt, sizeof(rt), x, &r->c, FF_RETRIES),
			num(mj, sizeof(mj), x, &r->c, FF_MAJOR),
			!x->timed ? "n/a" : p99_of(p99, sizeof(p99), &r->c.fault_ns),
			top_reason(&r->c));
	}
	if (x->n > n)
		fprintf(out, "  (%zu more)\n", x->n - n);
	if (x->lock_traced)
		print_lock_text(out, x, n);
	else
		fprintf(out, "\nmmap_lock by cgroup: n/a (mmap_lock not traced)\n");
}

static json_t *fig_json(const struct report_cgroups *x, const struct mmr_proc_counters *c,
			int fig)
{
	return cgroup_row_has(x, fig) ? json_integer((json_int_t)cgroup_row_fig(c, fig)) : json_null();
}

static json_t *row_json(const struct report_cgroups *x, const struct cgroup_row *r)
{
	static const int figs[] = {
		FF_ATTEMPTS, FF_FAULTS, FF_RETRIES, FF_COMPLETED, FF_MAJOR,
		FF_VMA_LOCK_ATTEMPTS, FF_MMAP_LOCK_ATTEMPTS,
	};
	json_t *o = json_object(), *reasons = json_object();
	size_t i;

	json_object_set_new(o, "cgroup", is_other(r) ? json_string("other") :
			    r->path[0] ? json_bytes(r->path) : json_null());
	json_object_set_new(o, "id", is_other(r) ? json_null() : json_integer((json_int_t)r->id));
	for (i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		json_object_set_new(o, fault_fig_names[figs[i]], fig_json(x, &r->c, figs[i]));
	for (i = 0; i < MMR_NR_REASONS; i++)
		json_object_set_new(reasons, reason_names[i],
				    x->states[FF_REASON0 + i] == VAL_NA ? json_null() :
				    json_integer((json_int_t)r->c.reasons[i]));
	json_object_set_new(o, "retry_reasons", reasons);
	json_object_set_new(o, "fault_ns", x->timed ? hist_json(&r->c.fault_ns) : json_null());
	if (x->lock_traced) {
		json_t *l = json_object();

		json_object_set_new(l, "read", lock_stats_json(&r->lock[0], false));
		json_object_set_new(l, "write", lock_stats_json(&r->lock[1], true));
		json_object_set_new(o, "mmap_lock", l);
	} else {
		json_object_set_new(o, "mmap_lock", json_null());
	}
	return o;
}

json_t *report_cgroups_json(const struct report_cgroups *x)
{
	json_t *o, *rows;
	size_t i;

	if (!x->wanted)
		return NULL;
	if (x->why)
		return json_null();
	o = json_object();
	rows = json_array();
	json_object_set_new(o, "depth", json_integer(x->depth));
	if (x->trees && x->trees->n) {
		json_t *t = json_array();

		for (i = 0; i < x->trees->n; i++)
			json_array_append_new(t, json_bytes(x->trees->path[i]));
		json_object_set_new(o, "trees", t);
	} else {
		json_object_set_new(o, "trees", json_null());
	}
	json_object_set_new(o, "max_cgroups", json_integer(x->max));
	json_object_set_new(o, "folded", json_integer((json_int_t)x->folded));
	for (i = 0; rows && i < x->n; i++)
		json_array_append_new(rows, row_json(x, &x->rows[i]));
	json_object_set_new(o, "rows", rows);
	return o;
}
