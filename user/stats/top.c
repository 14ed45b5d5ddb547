// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* top.c: `mmretry top`'s table: interval deltas, sorting, formatting (top.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "stats/mmap_lock.h"
#include "stats/figures.h"
#include "stats/top.h"

const char *const top_sort_names[TOP_NR_SORTS] = {
	[TOP_SORT_RETRIES] = "retries",
	[TOP_SORT_FAULTS] = "faults",
	[TOP_SORT_RETRY_PCT] = "retry%",
	[TOP_SORT_LATENCY] = "latency",
	[TOP_SORT_FLT_PCT] = "flt%",
	[TOP_SORT_WAIT] = "wait",
	[TOP_SORT_HOLD] = "hold",
	[TOP_SORT_CHAIN] = "chain",
	[TOP_SORT_PID] = "pid",
};

int top_sort_parse(const char *s, enum top_sort *k)
{
	int i;

	for (i = 0; i < TOP_NR_SORTS; i++) {
		if (!strcmp(s, top_sort_names[i])) {
			*k = i;
			return 0;
		}
	}
	return -EINVAL;
}

struct top_sample *top_sample_of(struct top_samples *s, uint32_t pid)
{
	struct top_sample *x;
	size_t i;

	/* the newest first: the sources add a process's figures in a row */
	for (i = s->n; i > 0; i--)
		if (s->v[i - 1].pid == pid)
			return &s->v[i - 1];
	x = array_push((void **)&s->v, &s->n, &s->cap, sizeof(*x));
	if (x)
		x->pid = pid;
	return x;
}

void top_samples_free(struct top_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void top_table_init(struct top_table *t, const struct top_caps *caps)
{
	memset(t, 0, sizeof(*t));
	t->caps = *caps;
}

void top_table_free(struct top_table *t)
{
	free(t->procs);
	t->procs = NULL;
	t->n = t->cap = 0;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void top_hist_delta(const struct mmr_hist *cur, const struct mmr_hist *prev,
		    struct mmr_hist *out)
{
	int i, top = -1;
	uint64_t upper;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < MMR_HIST_SLOTS; i++) {
		out->slots[i] = sub0(cur->slots[i], prev->slots[i]);
		if (out->slots[i])
			top = i;
	}
	out->count = sub0(cur->count, prev->count);
	out->sum_ns = sub0(cur->sum_ns, prev->sum_ns);
	if (top < 0)
		return;
	if (cur->max_ns > prev->max_ns) {
		out->max_ns = cur->max_ns;	/* a new maximum: in this interval */
		return;
	}
	/* not a new maximum: at most the highest slot's upper bound */
	upper = top >= MMR_HIST_SLOTS - 1 ? cur->max_ns : (2ULL << top) - 1;
	out->max_ns = upper < cur->max_ns ? upper : cur->max_ns;
}

/* The process's fault accounting in a sample: from /proc while it lives,
 * from the exit tracepoint once it is gone; false if neither. */
static bool acct_of(const struct top_sample *s, uint64_t *v)
{
	if ((s->have & TOP_HAVE_FAULTS) && s->f.exit_faults) {
		*v = s->f.exit_faults;
		return true;
	}
	if (s->have & TOP_HAVE_ACCT) {
		*v = s->acct_faults;
		return true;
	}
	return false;
}

/* cur minus prev as a row; true if the process did anything */
static bool interval_row(const struct top_caps *c, const struct top_sample *cur,
			 const struct top_sample *prev, double secs, struct top_row *r)
{
	const struct mmr_proc_counters *f = &cur->f, *pf = &prev->f;
	struct mmr_hist d, w;
	uint64_t acct, pacct = 0, kernel, mmap_attempts;
	bool active, tp = c->fault_mode == MMR_MODE_TRACEPOINT;
	int i;

	memset(r, 0, sizeof(*r));
	r->pid = cur->pid;
	memcpy(r->comm, cur->comm[0] ? cur->comm : f->comm, sizeof(r->comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
	r->secs = secs;
	r->retries = sub0(f->retries, pf->retries);
	mmap_attempts = sub0(f->mmap_lock_attempts, pf->mmap_lock_attempts);
	r->faults_known = c->states[FF_FAULTS] != VAL_NA;
	if (tp) {
		/* faults from the kernel's accounting (mm_account_fault), the
		 * VMA-lock attempts as stat infers them (acct_complete()) */
		acct_of(prev, &pacct);
		if (acct_of(cur, &acct))
			r->faults = sub0(acct, pacct);
		else
			r->faults_known = false;
		kernel = sub0(f->kernel_faults, pf->kernel_faults);
		r->vma_lock_attempts = c->per_vma_locks ? sub0(r->faults, kernel) : 0;
		r->attempts = r->vma_lock_attempts + mmap_attempts;
		r->vma_known = r->faults_known && c->states[FF_VMA_LOCK_ATTEMPTS] != VAL_NA;
	} else {
		r->faults = sub0(f->faults, pf->faults);
		r->attempts = sub0(f->attempts, pf->attempts);
		r->vma_lock_attempts = sub0(f->vma_lock_attempts, pf->vma_lock_attempts);
		r->vma_known = c->states[FF_VMA_LOCK_ATTEMPTS] != VAL_NA;
	}
	if (!r->faults_known)
		r->faults = 0;
	r->completed_known = c->states[FF_COMPLETED] != VAL_NA;
	r->completed = r->completed_known ? sub0(f->completed, pf->completed) : 0;
	r->reason = -1;
	for (i = 0; i < MMR_NR_REASONS; i++) {
		uint64_t n = sub0(f->reasons[i], pf->reasons[i]);

		if (n > r->reason_count) {
			r->reason = i;
			r->reason_count = n;
		}
	}
	active = r->faults || r->retries || r->attempts || mmap_attempts || r->completed;

	/* the faults that ended in the interval: their p99 and summed time */
	r->lat_known = mode_times_faults(c->fault_mode) && !c->untimed;
	if (r->lat_known) {
		top_hist_delta(&f->fault_ns, &pf->fault_ns, &d);
		r->lat_n = d.count;
		r->lat_p99 = hist_quantile(&d, 0.99);
		r->lat_sum = d.sum_ns;
	}

	r->lock_known = c->lock_traced;
	if (c->lock_traced) {
		top_hist_delta(&cur->lock[1].hold, &prev->lock[1].hold, &d);
		r->hold_n = d.count;
		r->hold_p99 = hist_quantile(&d, 0.99);
		r->hold_max = d.max_ns;
		top_hist_delta(&cur->lock[0].wait, &prev->lock[0].wait, &w);
		top_hist_delta(&cur->lock[1].wait, &prev->lock[1].wait, &d);
		hist_merge(&w, &d);
		r->wait_n = w.count;
		r->wait_p99 = hist_quantile(&w, 0.99);
		r->wait_max = w.max_ns;
		for (i = 0; i < 2; i++)
			if (cur->lock[i].acquisitions != prev->lock[i].acquisitions ||
			    cur->lock[i].hold.count != prev->lock[i].hold.count)
				active = true;
	}
	r->chain_known = c->anon_traced;
	if (c->anon_traced) {
		r->chain_max = cur->chain_max;
		if (cur->chain_events != prev->chain_events)
			active = true;
	}
	return active;
}

static int proc_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct top_proc *)a)->prev.pid;
	uint32_t y = ((const struct top_proc *)b)->prev.pid;

	return x < y ? -1 : x > y;
}

static struct top_proc *find_proc(struct top_table *t, uint32_t pid)
{
	struct top_proc key = { .prev.pid = pid };

	return t->n ? bsearch(&key, t->procs, t->n, sizeof(*t->procs), proc_cmp) : NULL;
}

int top_update(struct top_table *t, const struct top_samples *s, double secs,
	       struct top_row **rows, size_t *nrows, struct top_totals *tot,
	       uint32_t **forget, size_t *nforget)
{
	struct top_proc *procs = NULL, *old, *p;
	struct top_row *out = NULL, *r, row;
	uint32_t *gone = NULL, *g;
	size_t n = 0, cap = 0, nout = 0, capout = 0, ngone = 0, capgone = 0, i;
	bool *kept = NULL;
	int err = -ENOMEM;

	memset(tot, 0, sizeof(*tot));
	tot->faults_known = t->caps.states[FF_FAULTS] != VAL_NA;
	if (t->n && !(kept = calloc(t->n, sizeof(*kept))))
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		const struct top_sample *cur = &s->v[i];
		struct top_sample prev;
		bool active = false;
		uint64_t v;

		old = find_proc(t, cur->pid);
		if (old) {
			prev = old->prev;
			kept[old - t->procs] = true;
		} else {
			memset(&prev, 0, sizeof(prev));
			prev.pid = cur->pid;
		}
		if (t->primed) {
			active = interval_row(&t->caps, cur, &prev, secs, &row);
			if (active) {
				if (!(r = array_push((void **)&out, &nout, &capout, sizeof(*r))))
					goto fail;
				*r = row;
				tot->faults += row.faults;
				tot->retries += row.retries;
				if (!row.faults_known)
					tot->faults_known = false;
				tot->nprocs++;
			}
		}
		if (t->primed && cur->gone && !active) {
			/* exited, and its last figures were shown: forget it */
			if (!(g = array_push((void **)&gone, &ngone, &capgone, sizeof(*g))))
				goto fail;
			*g = cur->pid;
			continue;
		}
		if (!(p = array_push((void **)&procs, &n, &cap, sizeof(*p))))
			goto fail;
		/* the accounting of a process /proc no longer shows (and whose
		 * exit was not seen yet) stays the last one read */
		p->prev = *cur;
		if (!acct_of(cur, &v) && acct_of(&prev, &v)) {
			p->prev.acct_faults = v;
			p->prev.have |= TOP_HAVE_ACCT;
		}
		p->idle = active ? 0 : (old ? old->idle + 1 : 0);
	}
	/* processes no source shows any more */
	for (i = 0; i < t->n; i++) {
		if (kept[i])
			continue;
		if (!(g = array_push((void **)&gone, &ngone, &capgone, sizeof(*g))))
			goto fail;
		*g = t->procs[i].prev.pid;
	}
	if (n)
		qsort(procs, n, sizeof(*procs), proc_cmp);
	free(t->procs);
	t->procs = procs;
	t->n = t->cap = n;
	t->primed = true;
	free(kept);
	*rows = out;
	*nrows = nout;
	*forget = gone;
	*nforget = ngone;
	return 0;
fail:
	free(kept);
	free(procs);
	free(out);
	free(gone);
	return err;
}

static double retry_pct(const struct top_row *r, bool *known)
{
	*known = r->faults_known && r->faults > 0;
	return *known ? 100.0 * (double)r->retries / (double)r->faults : 0;
}

bool top_flt_pct(const struct top_row *r, double *pct)
{
	*pct = 0;
	if (!r->lat_known || r->secs <= 0)
		return false;
	*pct = 100.0 * (double)r->lat_sum / (r->secs * 1e9);
	return true;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;	/* largest first */
}

static int cmp_double(double a, double b)
{
	return a > b ? -1 : a < b;	/* largest first */
}

static enum top_sort sort_key;

static int row_cmp(const void *pa, const void *pb)
{
	const struct top_row *a = pa, *b = pb;
	bool ka = true, kb = true;
	int c = 0;

	switch (sort_key) {
	case TOP_SORT_RETRIES:
		c = cmp_u64(a->retries, b->retries);
		break;
	case TOP_SORT_FAULTS:
		ka = a->faults_known;
		kb = b->faults_known;
		c = cmp_u64(a->faults, b->faults);
		break;
	case TOP_SORT_RETRY_PCT: {
		double x = retry_pct(a, &ka), y = retry_pct(b, &kb);

		c = cmp_double(x, y);
		break;
	}
	case TOP_SORT_LATENCY:
		ka = a->lat_known;
		kb = b->lat_known;
		c = cmp_u64(a->lat_p99, b->lat_p99);
		break;
	case TOP_SORT_FLT_PCT: {
		double x, y;

		ka = top_flt_pct(a, &x);
		kb = top_flt_pct(b, &y);
		c = cmp_double(x, y);
		break;
	}
	case TOP_SORT_WAIT:
		ka = a->lock_known;
		kb = b->lock_known;
		c = cmp_u64(a->wait_max, b->wait_max);
		break;
	case TOP_SORT_HOLD:
		ka = a->lock_known;
		kb = b->lock_known;
		c = cmp_u64(a->hold_max, b->hold_max);
		break;
	case TOP_SORT_CHAIN:
		ka = a->chain_known;
		kb = b->chain_known;
		c = cmp_u64(a->chain_max, b->chain_max);
		break;
	default:
		break;
	}
	if (ka != kb)
		return ka ? -1 : 1;	/* n/a last */
	if (c && ka)
		return c;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void top_rows_sort(struct top_row *rows, size_t n, enum top_sort k)
{
	sort_key = k;
	if (n)
		qsort(rows, n, sizeof(*rows), row_cmp);
}

/* a duration cell: "12.3ms", "512ns", "-" if nothing ended in the interval */
static void fmt_lock_cell(char *buf, size_t len, uint64_t ns, bool any)
{
	if (any)
		fmt_ns_narrow(buf, len, ns);
	else
		snprintf(buf, len, "-");
}

static void fmt_rate(char *buf, size_t len, uint64_t n, double secs, bool known)
{
	double v = secs > 0 ? (double)n / secs : 0;

	if (!known)
		snprintf(buf, len, "n/a");
	else if (v < 1e6)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.2fM", v / 1e6);
}

/* one line, cut to width (0: whole); false once height lines are out */
static bool put_line(FILE *out, const char *s, int width, int height, int *lines)
{
	size_t len = strlen(s);

	if (height > 0 && *lines >= height)
		return false;
	if (width > 0 && len > (size_t)width)
		len = width;
	fwrite(s, 1, len, out);
	fputc('\n', out);
	(*lines)++;
	return true;
}

/* time in faults in percent: one decimal below 100 (0.3, 47.5), none from
 * there (250: three threads faulting at once, 1234) */
static void fmt_share(char *buf, size_t len, double pct)
{
	snprintf(buf, len, pct < 99.95 ? "%.1f" : "%.0f", pct);
}

#define ROW_FMT "%7s %-15s %8s %7s %5s %8s %6s %-12s %7s %5s %7s %7s %7s %7s %5s"

void top_print(FILE *out, const struct top_header *h, const struct top_caps *c,
	       const struct top_totals *tot, const struct top_row *rows, size_t n,
	       enum top_sort k, int width, int height)
{
	char line[512], a[32], b[32], pct[16];
	int lines = 0;
	size_t i;

	snprintf(line, sizeof(line), "mmretry top - %s, interval %.2f s, kernel %s, sorted by %s",
		 h->time, h->secs, h->kernel ? h->kernel : "?", top_sort_names[k]);
	put_line(out, line, width, height, &lines);
	fmt_rate(a, sizeof(a), tot->faults, h->secs, tot->faults_known);
	fmt_rate(b, sizeof(b), tot->retries, h->secs, true);
	if (tot->faults_known && tot->faults)
		snprintf(pct, sizeof(pct), "%.2f%%", 100.0 * tot->retries / tot->faults);
	else
		snprintf(pct, sizeof(pct), tot->faults_known ? "-" : "n/a");
	snprintf(line, sizeof(line), "total: faults/s %s, retries/s %s, retry %s, processes %zu",
		 a, b, pct, tot->nprocs);
	put_line(out, line, width, height, &lines);
	snprintf(line, sizeof(line), "modes: faults %s%s, mmap_lock %s, anon_vma %s; lost %llu, "
		 "missed runs %llu", h->modes[0],
		 c->fault_mode == MMR_MODE_TRACEPOINT ? " (inferred)" : "", h->modes[1],
		 h->modes[2], (unsigned long long)h->lost, (unsigned long long)h->missed);
	put_line(out, line, width, height, &lines);
	put_line(out, "", width, height, &lines);
	snprintf(line, sizeof(line), ROW_FMT, "PID", "COMM", "FAULT/s", "FLTp99", "FLT%",
		 "RETRY/s", "RETRY%", "REASON", "DONE/s", "VMA%", "HOLDp99", "HOLDmax",
		 "WAITp99", "WAITmax", "CHAIN");
	put_line(out, line, width, height, &lines);
	for (i = 0; i < n; i++) {
		const struct top_row *r = &rows[i];
		char pid[12], fl[24], lp[24], ls[24], rt[24], rp[24], dn[24], vm[24], hp[24],
		     hm[24], wp[24], wm[24], ch[24];
		bool known;
		double x = retry_pct(r, &known), share;

		snprintf(pid, sizeof(pid), "%u", r->pid);
		fmt_rate(fl, sizeof(fl), r->faults, r->secs, r->faults_known);
		if (!top_flt_pct(r, &share)) {
			strcpy(lp, "n/a");
			strcpy(ls, "n/a");
		} else if (!r->lat_n) {
			strcpy(lp, "-");
			strcpy(ls, "-");
		} else {
			fmt_ns_narrow(lp, sizeof(lp), r->lat_p99);
			fmt_share(ls, sizeof(ls), share);
		}
		fmt_rate(rt, sizeof(rt), r->retries, r->secs, true);
		if (known)
			snprintf(rp, sizeof(rp), "%.1f", x);
		else
			snprintf(rp, sizeof(rp), r->faults_known ? "-" : "n/a");
		fmt_rate(dn, sizeof(dn), r->completed, r->secs, r->completed_known);
		if (!r->vma_known)
			snprintf(vm, sizeof(vm), "n/a");
		else if (!r->attempts)
			snprintf(vm, sizeof(vm), "-");
		else
			snprintf(vm, sizeof(vm), "%.0f",
				 100.0 * (double)r->vma_lock_attempts / (double)r->attempts);
		if (r->lock_known) {
			fmt_lock_cell(hp, sizeof(hp), r->hold_p99, r->hold_n);
			fmt_lock_cell(hm, sizeof(hm), r->hold_max, r->hold_n);
			fmt_lock_cell(wp, sizeof(wp), r->wait_p99, r->wait_n);
			fmt_lock_cell(wm, sizeof(wm), r->wait_max, r->wait_n);
		} else {
			strcpy(hp, "n/a");
			strcpy(hm, "n/a");
			strcpy(wp, "n/a");
			strcpy(wm, "n/a");
		}
		if (!r->chain_known)
			snprintf(ch, sizeof(ch), "n/a");
		else if (!r->chain_max)
			snprintf(ch, sizeof(ch), "-");
		else
			snprintf(ch, sizeof(ch), "%llu", (unsigned long long)r->chain_max);
		snprintf(line, sizeof(line), ROW_FMT, pid, r->comm, fl, lp, ls, rt, rp,
			 r->reason >= 0 ? reason_names[r->reason] : "-", dn, vm, hp, hm, wp, wm, ch);
		if (!put_line(out, line, width, height, &lines))
			break;
	}
}
