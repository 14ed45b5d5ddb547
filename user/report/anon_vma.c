// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report/anon_vma.c: the anon_vma section of the stat report: chain lengths
 * and anonymous rmap walks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "report/anon_vma.h"
#include "report/render.h"
#include "stats/mmap_lock.h"

#define TOP_N 10

void report_set_anon_rows(struct report_anon *a, struct av_row *rows, size_t n)
{
	size_t i;

	free(a->rows);
	a->rows = rows;
	a->nrows = n;
	memset(&a->chain_total, 0, sizeof(a->chain_total));
	for (i = 0; i < n; i++)
		chain_stats_merge(&a->chain_total, &rows[i].s);
}

void report_set_anon_walkers(struct report_anon *a, struct av_walker *w, size_t n)
{
	size_t i;

	free(a->walkers);
	a->walkers = w;
	a->nwalkers = n;
	memset(&a->walk_total, 0, sizeof(a->walk_total));
	for (i = 0; i < n; i++)
		walk_stats_merge(&a->walk_total, &w[i].s);
}

/* Room for one more of size bytes in *arr (n used of *cap): 0, -ENOSPC
 * at REPORT_MAX_AV_EVENTS, -ENOMEM. */
static int grow(void **arr, size_t n, size_t *cap, size_t size)
{
	size_t want;
	void *grown;

	if (n >= REPORT_MAX_AV_EVENTS)
		return -ENOSPC;
	if (n < *cap)
		return 0;
	want = *cap ? *cap * 2 : 64;
	if (want > REPORT_MAX_AV_EVENTS)
		want = REPORT_MAX_AV_EVENTS;
	grown = realloc(*arr, want * size);
	if (!grown)
		return -ENOMEM;
	*arr = grown;
	*cap = want;
	return 0;
}

int report_add_chain_event(struct report_anon *a, const struct mmr_chain_event *e)
{
	struct mmr_chain_event *c;
	int err;

	err = grow((void **)&a->chains, a->nchains, &a->chains_cap, sizeof(*a->chains));
	if (err) {
		a->lost++;
		return err;
	}
	c = &a->chains[a->nchains++];
	*c = *e;
	c->comm[sizeof(c->comm) - 1] = '\0';
	return 0;
}

int report_add_walk_event(struct report_anon *a, const struct mmr_walk_event *e,
			  const char *walker)
{
	struct anon_walk *w;
	int err;

	err = grow((void **)&a->walks, a->nwalks, &a->walks_cap, sizeof(*a->walks));
	if (err) {
		a->lost++;
		return err;
	}
	w = &a->walks[a->nwalks++];
	memset(w, 0, sizeof(*w));
	w->e = *e;
	w->e.comm[sizeof(w->e.comm) - 1] = '\0';
	w->e.owner_comm[sizeof(w->e.owner_comm) - 1] = '\0';
	/* unnamed (stat names them from kallsyms at the end): the address */
	if (walker && *walker)
		snprintf(w->walker, sizeof(w->walker), "%s", walker);
	else
		av_walker_name(NULL, e->rmap_one, w->walker, sizeof(w->walker));
	return 0;
}

void report_anon_free(struct report_anon *a)
{
	free(a->rows);
	free(a->walkers);
	free(a->chains);
	free(a->walks);
	memset(a, 0, sizeof(*a));
}

/* ---- text ---- */

/* "7/255/1000": p50/p99/max of a count histogram */
static const char *fmt_counts(char *buf, size_t len, const struct mmr_hist *h)
{
	snprintf(buf, len, "%llu/%llu/%llu", (unsigned long long)hist_quantile(h, 0.5),
		 (unsigned long long)hist_quantile(h, 0.99), (unsigned long long)h->max_ns);
	return buf;
}

/* "1.0 us/3.4 ms/1.50 s": p50/p99/max of a duration histogram */
static const char *fmt_durations(char *buf, size_t len, const struct mmr_hist *h)
{
	char a[24], b[24], c[24];

	snprintf(buf, len, "%s/%s/%s", fmt_ns(a, sizeof(a), hist_quantile(h, 0.5)),
		 fmt_ns(b, sizeof(b), hist_quantile(h, 0.99)), fmt_ns(c, sizeof(c), h->max_ns));
	return buf;
}

/* "0x7f0000000000-0x7f0000100000", or "unknown" when no VMA is known */
static const char *fmt_range(char *buf, size_t len, uint64_t start, uint64_t end)
{
	if (!start)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "0x%llx-0x%llx", (unsigned long long)start,
			 (unsigned long long)end);
	return buf;
}

/* Indices of the n elements with the largest key(i), largest first, ties
 * in arrival order: up to max into out; their number. */
static size_t top_by(size_t n, uint64_t (*key)(const struct report_anon *, size_t),
		     const struct report_anon *a, size_t *out, size_t max)
{
	size_t i, k, kept = 0;

	for (i = 0; i < n; i++) {
		uint64_t v = key(a, i);

		/* insertion into the sorted top: strictly larger moves up */
		for (k = kept; k > 0 && key(a, out[k - 1]) < v; k--)
			if (k < max)
				out[k] = out[k - 1];
		if (k >= max)
			continue;
		out[k] = i;
		if (kept < max)
			kept++;
	}
	return kept;
}

static uint64_t chain_length(const struct report_anon *a, size_t i)
{
	return a->chains[i].length;
}

static uint64_t walk_vmas(const struct report_anon *a, size_t i)
{
	return a->walks[i].e.vmas;
}

static void print_walkers(FILE *out, const struct report_anon *a)
{
	struct av_walker *w;
	char x[64], y[64];
	size_t i;

	if (!a->nwalkers)
		return;
	w = malloc(a->nwalkers * sizeof(*w));
	if (!w)
		return;
	memcpy(w, a->walkers, a->nwalkers * sizeof(*w));
	av_walkers_sort(w, a->nwalkers);
	fprintf(out, "rmap walkers (p50/p99/max)\n");
	for (i = 0; i < a->nwalkers; i++) {
		const struct mmr_walk_stats *s = &w[i].s;

		fprintf(out, "  %.28s: %llu walks, %llu lock-contended\n",
			w[i].name[0] ? w[i].name : "?", (unsigned long long)s->walks,
			(unsigned long long)s->contended);
		fprintf(out, "    VMAs visited %s, mapped %s\n", fmt_counts(x, sizeof(x), &s->vmas),
			fmt_counts(y, sizeof(y), &s->mapped));
		fprintf(out, "    duration %s\n", fmt_durations(x, sizeof(x), &s->ns));
		if (s->locked || s->nested)
			fprintf(out, "    %llu under the caller's lock, %llu nested (not measured)\n",
				(unsigned long long)s->locked,
				(unsigned long long)s->nested);
	}
	free(w);
}

static void print_rows(FILE *out, const struct report_anon *a)
{
	struct av_row *rows;
	size_t i, n;

	if (!a->nrows)
		return;
	rows = malloc(a->nrows * sizeof(*rows));
	if (!rows)
		return;
	memcpy(rows, a->rows, a->nrows * sizeof(*rows));
	av_rows_sort(rows, a->nrows);
	n = a->nrows < TOP_N ? a->nrows : TOP_N;
	fprintf(out, "\nprocesses by longest anon_vma chain\n  %-8s %-16s %8s %9s %9s %9s %9s\n",
		"PID", "COMM", "LONGEST", "FORK", "CLONE", "PREPARE", "REUSED");
	for (i = 0; i < n; i++) {
		const struct mmr_chain_stats *s = &rows[i].s;
		char longest[24];

		/* "+": a chain of this process went past MMR_CHAIN_MAX */
		snprintf(longest, sizeof(longest), "%llu%s", (unsigned long long)s->length.max_ns,
			 s->truncated ? "+" : "");
		fprintf(out, "  %-8u %-16s %8s %9llu %9llu %9llu %9llu\n", rows[i].pid,
			rows[i].comm[0] ? rows[i].comm : "?", longest,
			(unsigned long long)s->events[MMR_CHAIN_FORK],
			(unsigned long long)s->events[MMR_CHAIN_CLONE],
			(unsigned long long)s->events[MMR_CHAIN_PREPARE],
			(unsigned long long)s->reused);
	}
	if (a->nrows > n)
		fprintf(out, "  (%zu more)\n", a->nrows - n);
	free(rows);
}

static void print_chains(FILE *out, const struct report_anon *a)
{
	size_t top[TOP_N], i, n;
	char len[16], range[48];

	fprintf(out, "longest chains (%zu streamed)\n", a->nchains);
	n = top_by(a->nchains, chain_length, a, top, TOP_N);
	if (!n)
		return;
	fprintf(out, "  %-8s %-15s %-7s %6s  %-29s %s\n", "PID", "COMM", "KIND", "LENGTH", "VMA",
		"REUSED");
	for (i = 0; i < n; i++) {
		const struct mmr_chain_event *c = &a->chains[top[i]];
		const char *kind = av_chain_kind_name(c->kind);

		/* "+": the kernel stopped counting at MMR_CHAIN_MAX */
		snprintf(len, sizeof(len), "%u%s", c->length, c->truncated ? "+" : "");
		fprintf(out, "  %-8u %-15s %-7s %6s  %-29s %s\n", c->pid, c->comm[0] ? c->comm : "?",
			kind ? kind : "?", len, fmt_range(range, sizeof(range), c->vm_start, c->vm_end),
			c->kind != MMR_CHAIN_FORK ? "-" : c->reused ? "yes" : "no");
	}
}

static void print_walks(FILE *out, const struct report_anon *a)
{
	size_t top[TOP_N], i, n;
	char d[24], range[48];

	fprintf(out, "widest rmap walks (%zu streamed)\n", a->nwalks);
	n = top_by(a->nwalks, walk_vmas, a, top, TOP_N);
	for (i = 0; i < n; i++) {
		const struct anon_walk *w = &a->walks[top[i]];
		const struct mmr_walk_event *e = &w->e;

		fprintf(out, "  %.28s: %u VMAs, %u mapped, %s\n", w->walker, e->vmas, e->mapped,
			fmt_ns(d, sizeof(d), e->dur_ns));
		fprintf(out, "    by %u %s; ", e->pid, e->comm[0] ? e->comm : "?");
		if (e->owner)
			fprintf(out, "owner %u %s\n", e->owner, e->owner_comm[0] ? e->owner_comm : "?");
		else
			fprintf(out, "owner unknown\n");
		fprintf(out, "    VMA %s, root 0x%llx%s\n",
			fmt_range(range, sizeof(range), e->vm_start, e->vm_end),
			(unsigned long long)e->root, e->contended ? ", lock-contended" : "");
	}
}

void report_print_anon_text(FILE *out, const struct report_anon *a)
{
	const struct mmr_chain_stats *c = &a->chain_total;
	const struct mmr_walk_stats *w = &a->walk_total;

	if (!a->traced) {
		fprintf(out, "\nanon_vma: n/a (%s)\n", a->why[0] ? a->why : "not traced");
		return;
	}
	fprintf(out, "\nanon_vma\n");
	fprintf(out, "chain events: %llu fork, %llu clone, %llu prepare\n",
		(unsigned long long)c->events[MMR_CHAIN_FORK],
		(unsigned long long)c->events[MMR_CHAIN_CLONE],
		(unsigned long long)c->events[MMR_CHAIN_PREPARE]);
	fprintf(out, "  %llu reused an anon_vma at fork", (unsigned long long)c->reused);
	if (c->truncated)
		fprintf(out, "; %llu truncated at %d", (unsigned long long)c->truncated,
			MMR_CHAIN_MAX);
	fputc('\n', out);
	if (c->length.count)
		print_hist(out, "length", &c->length, "length");

	fprintf(out, "rmap walks: %llu, %llu lock-contended\n", (unsigned long long)w->walks,
		(unsigned long long)w->contended);
	if (w->locked || w->nested)
		fprintf(out, "  %llu under the caller's lock, %llu nested (not measured)\n",
			(unsigned long long)w->locked, (unsigned long long)w->nested);
	if (w->vmas.count) {	/* no walk: no percentiles to show */
		print_hist(out, "VMAs visited", &w->vmas, "vmas");
		print_hist(out, "duration", &w->ns, "ns");
	}
	print_walkers(out, a);

	print_rows(out, a);

	fprintf(out, "\nanon_vma events (streamed: chains >= %u, walks >= %u VMAs; %llu lost",
		a->min_chain, a->min_fanout, (unsigned long long)a->lost);
	if (a->missed)
		fprintf(out, ", %llu program runs skipped by the kernel", (unsigned long long)a->missed);
	fputs(")\n", out);
	print_chains(out, a);
	print_walks(out, a);
}

/* ---- JSON ---- */

static json_t *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_string(buf);
}

static json_t *u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *chain_events_json(const struct mmr_chain_stats *s)
{
	json_t *o = json_object();
	uint32_t k;

	for (k = 0; k < MMR_NR_CHAIN_KINDS; k++)
		json_object_set_new(o, av_chain_kind_name(k), u64(s->events[k]));
	return o;
}

static json_t *range_json(uint64_t start, uint64_t end)
{
	json_t *o;

	if (!start)
		return json_null();
	o = json_object();
	json_object_set_new(o, "start", u64(start));
	json_object_set_new(o, "end", u64(end));
	return o;
}

static json_t *walker_json(const struct av_walker *w)
{
	json_t *o = json_object();

	json_object_set_new(o, "walker", json_bytes(w->name[0] ? w->name : "?"));
	json_object_set_new(o, "rmap_one", hex(w->rmap_one));
	json_object_set_new(o, "walks", u64(w->s.walks));
	json_object_set_new(o, "locked", u64(w->s.locked));
	json_object_set_new(o, "contended", u64(w->s.contended));
	json_object_set_new(o, "nested", u64(w->s.nested));
	/* the tracer's own time inside the walks, which ns leaves out */
	json_object_set_new(o, "tracer_ns", u64(w->s.tracer_ns));
	json_object_set_new(o, "vmas", hist_json(&w->s.vmas));
	json_object_set_new(o, "mapped", hist_json(&w->s.mapped));
	json_object_set_new(o, "ns", hist_json(&w->s.ns));
	json_object_set_new(o, "lock_wait_ns", hist_json(&w->s.lock_wait_ns));
	return o;
}

static json_t *row_json(const struct av_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "pid", json_integer(r->pid));
	json_object_set_new(o, "comm", json_bytes(r->comm[0] ? r->comm : "?"));
	json_object_set_new(o, "chain_events", chain_events_json(&r->s));
	json_object_set_new(o, "reused", u64(r->s.reused));
	json_object_set_new(o, "truncated", u64(r->s.truncated));
	json_object_set_new(o, "chain_length", hist_json(&r->s.length));
	return o;
}

static json_t *chain_json(const struct mmr_chain_event *c)
{
	json_t *o = json_object();
	const char *kind = av_chain_kind_name(c->kind);

	json_object_set_new(o, "kind", kind ? json_string(kind) : json_null());
	json_object_set_new(o, "pid", json_integer(c->pid));
	json_object_set_new(o, "tid", json_integer(c->tid));
	json_object_set_new(o, "comm", json_bytes(c->comm[0] ? c->comm : "?"));
	json_object_set_new(o, "length", json_integer(c->length));
	json_object_set_new(o, "truncated", json_boolean(c->truncated));
	json_object_set_new(o, "reused", json_boolean(c->reused));
	json_object_set_new(o, "vma", range_json(c->vm_start, c->vm_end));
	json_object_set_new(o, "anon_vma", hex(c->anon_vma));
	json_object_set_new(o, "root", hex(c->root));
	json_object_set_new(o, "num_children", u64(c->num_children));
	json_object_set_new(o, "num_active_vmas", u64(c->num_active_vmas));
	json_object_set_new(o, "ts_ns", u64(c->ts_ns));
	return o;
}

static json_t *walk_json(const struct anon_walk *w)
{
	const struct mmr_walk_event *e = &w->e;
	json_t *o = json_object();

	json_object_set_new(o, "walker", json_bytes(w->walker));
	json_object_set_new(o, "pid", json_integer(e->pid));
	json_object_set_new(o, "tid", json_integer(e->tid));
	json_object_set_new(o, "comm", json_bytes(e->comm[0] ? e->comm : "?"));
	json_object_set_new(o, "owner", e->owner ? json_integer(e->owner) : json_null());
	json_object_set_new(o, "owner_comm", !e->owner ? json_null() :
			    json_bytes(e->owner_comm[0] ? e->owner_comm : "?"));
	json_object_set_new(o, "vmas", json_integer(e->vmas));
	json_object_set_new(o, "mapped", json_integer(e->mapped));
	json_object_set_new(o, "locked", json_boolean(e->locked));
	json_object_set_new(o, "contended", json_boolean(e->contended));
	json_object_set_new(o, "dur_ns", u64(e->dur_ns));
	json_object_set_new(o, "tracer_ns", u64(e->tracer_ns));
	/* a locked walk (rmap_walk_locked) took no lock: nothing to measure;
	 * else 0 is a measurement, the lock taken without waiting */
	json_object_set_new(o, "lock_wait_ns", e->locked ? json_null() : u64(e->lock_wait_ns));
	json_object_set_new(o, "anon_vma", hex(e->anon_vma));
	json_object_set_new(o, "root", hex(e->root));
	json_object_set_new(o, "vma", range_json(e->vm_start, e->vm_end));
	json_object_set_new(o, "ts_ns", u64(e->ts_ns));
	return o;
}

json_t *report_anon_json(const struct report_anon *a)
{
	json_t *o, *walkers, *procs, *chains, *walks;
	size_t i;

	if (!a->traced)
		return json_null();
	o = json_object();
	walkers = json_array();
	procs = json_array();
	chains = json_array();
	walks = json_array();
	if (!o || !walkers || !procs || !chains || !walks) {
		json_decref(o);
		json_decref(walkers);
		json_decref(procs);
		json_decref(chains);
		json_decref(walks);
		return NULL;
	}
	json_object_set_new(o, "chain_length", hist_json(&a->chain_total.length));
	json_object_set_new(o, "rmap_walk_vmas", hist_json(&a->walk_total.vmas));
	json_object_set_new(o, "rmap_walk_mapped", hist_json(&a->walk_total.mapped));
	json_object_set_new(o, "rmap_walk_ns", hist_json(&a->walk_total.ns));
	json_object_set_new(o, "rmap_lock_wait_ns", hist_json(&a->walk_total.lock_wait_ns));
	json_object_set_new(o, "chain_events", chain_events_json(&a->chain_total));
	json_object_set_new(o, "reused", u64(a->chain_total.reused));
	json_object_set_new(o, "truncated", u64(a->chain_total.truncated));
	json_object_set_new(o, "walks", u64(a->walk_total.walks));
	for (i = 0; i < a->nwalkers; i++)
		json_array_append_new(walkers, walker_json(&a->walkers[i]));
	json_object_set_new(o, "walkers", walkers);
	for (i = 0; i < a->nrows; i++)
		json_array_append_new(procs, row_json(&a->rows[i]));
	json_object_set_new(o, "processes", procs);
	json_object_set_new(o, "min_chain", json_integer(a->min_chain));
	json_object_set_new(o, "min_fanout", json_integer(a->min_fanout));
	for (i = 0; i < a->nchains; i++)
		json_array_append_new(chains, chain_json(&a->chains[i]));
	json_object_set_new(o, "chains", chains);
	for (i = 0; i < a->nwalks; i++)
		json_array_append_new(walks, walk_json(&a->walks[i]));
	json_object_set_new(o, "walk_events", walks);
	json_object_set_new(o, "lost", u64(a->lost));
	json_object_set_new(o, "missed_runs", u64(a->missed));
	return o;
}
