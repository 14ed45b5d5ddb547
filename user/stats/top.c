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

struct top_sample *top_sample_of(struct top_samples *s, uint64_t id)
{
	struct top_sample *x;
	size_t i;

	/* the newest first: the sources add a process's figures in a row */
	for (i = s->n; i > 0; i--)
		if (s->v[i - 1].id == id)
			return &s->v[i - 1];
	x = array_push((void **)&s->v, &s->n, &s->cap, sizeof(*x));
	if (x) {
		x->id = id;
		x->pid = (uint32_t)id;
	}
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
	r->id = cur->id;
	r->pid = cur->pid;
	memcpy(r->cgroup, cur->cgroup, sizeof(r->cgroup));
	memcpy(r->comm, cur->comm[0] ? cur->comm : f->comm, sizeof(r->comm));
	r->comm[sizeof(r->comm) - 1] = '\0';
	r->secs = secs;
	r->retries = sub0(f->retries, pf->retries);
	mmap_attempts = sub0(f->mmap_lock_attempts, pf->mmap_lock_attempts);
	/* what the columns can show (top_col_available()), a row at a time */
	r->faults_known = top_col_available(c, TOP_COL_FAULTS, NULL);
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
		r->vma_known = r->faults_known && top_col_available(c, TOP_COL_VMA, NULL);
	} else {
		r->faults = sub0(f->faults, pf->faults);
		r->attempts = sub0(f->attempts, pf->attempts);
		r->vma_lock_attempts = sub0(f->vma_lock_attempts, pf->vma_lock_attempts);
		r->vma_known = top_col_available(c, TOP_COL_VMA, NULL);
	}
	if (!r->faults_known)
		r->faults = 0;
	r->completed_known = top_col_available(c, TOP_COL_DONE, NULL);
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
	r->lat_known = top_col_available(c, TOP_COL_FLT_P99, NULL);
	if (r->lat_known) {
		top_hist_delta(&f->fault_ns, &pf->fault_ns, &d);
		r->lat_n = d.count;
		r->lat_p99 = hist_quantile(&d, 0.99);
		r->lat_sum = d.sum_ns;
	}

	r->lock_known = top_col_available(c, TOP_COL_HOLD_MAX, NULL);
	if (r->lock_known) {
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
	r->chain_known = top_col_available(c, TOP_COL_CHAIN, NULL);
	if (r->chain_known) {
		r->chain_max = cur->chain_max;
		if (cur->chain_events != prev->chain_events)
			active = true;
	}
	return active;
}

static int proc_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct top_proc *)a)->prev.id;
	uint64_t y = ((const struct top_proc *)b)->prev.id;

	return x < y ? -1 : x > y;
}

static struct top_proc *find_proc(struct top_table *t, uint64_t id)
{
	struct top_proc key = { .prev.id = id };

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
	tot->faults_known = top_col_available(&t->caps, TOP_COL_FAULTS, NULL);
	if (t->n && !(kept = calloc(t->n, sizeof(*kept))))
		return -ENOMEM;
	for (i = 0; i < s->n; i++) {
		const struct top_sample *cur = &s->v[i];
		struct top_sample prev;
		bool active = false;
		uint64_t v;

		old = find_proc(t, cur->id);
		if (old) {
			prev = old->prev;
			kept[old - t->procs] = true;
		} else {
			memset(&prev, 0, sizeof(prev));
			prev.id = cur->id;
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
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;	/* cgroups' */
}

void top_rows_sort(struct top_row *rows, size_t n, enum top_sort k)
{
	sort_key = k;
	if (n)
		qsort(rows, n, sizeof(*rows), row_cmp);
}

/* ---- columns: which ones the run can fill, which ones fit ---- */

const char *const top_col_names[TOP_NR_COLS] = {
	[TOP_COL_PID] = "PID",
	[TOP_COL_COMM] = "COMM",
	[TOP_COL_FAULTS] = "FAULT/s",
	[TOP_COL_FLT_P99] = "FLTp99",
	[TOP_COL_FLT_PCT] = "FLT%",
	[TOP_COL_RETRIES] = "RETRY/s",
	[TOP_COL_RETRY_PCT] = "RETRY%",
	[TOP_COL_REASON] = "REASON",
	[TOP_COL_DONE] = "DONE/s",
	[TOP_COL_VMA] = "VMA%",
	[TOP_COL_HOLD_P99] = "HOLDp99",
	[TOP_COL_HOLD_MAX] = "HOLDmax",
	[TOP_COL_WAIT_P99] = "WAITp99",
	[TOP_COL_WAIT_MAX] = "WAITmax",
	[TOP_COL_CHAIN] = "CHAIN",
};

/* cells' widths (COMM: TOP_COMM_MAX, narrowed to fit) */
static const int col_width[TOP_NR_COLS] = {
	[TOP_COL_PID] = 7,		/* pid_max: 4194304 */
	[TOP_COL_COMM] = TOP_COMM_MAX,
	[TOP_COL_FAULTS] = 8,		/* 999999.9, then 12.34M */
	[TOP_COL_FLT_P99] = 7,
	[TOP_COL_FLT_PCT] = 5,
	[TOP_COL_RETRIES] = 8,
	[TOP_COL_RETRY_PCT] = 6,
	[TOP_COL_REASON] = 12,		/* unattributed, vma_fallback */
	[TOP_COL_DONE] = 7,
	[TOP_COL_VMA] = 5,
	[TOP_COL_HOLD_P99] = 7,
	[TOP_COL_HOLD_MAX] = 7,
	[TOP_COL_WAIT_P99] = 7,
	[TOP_COL_WAIT_MAX] = 7,
	[TOP_COL_CHAIN] = 5,
};

/*
 * Who and how many retries, and why; then how many faults and how much
 * they cost the process (time in faults before the p99: it adds the
 * threads up); then who made them wait on mmap_lock (the worst wait, the
 * worst hold); the rest explains more than it alarms.
 */
const enum top_col top_col_priority[TOP_NR_COLS] = {
	TOP_COL_PID, TOP_COL_COMM, TOP_COL_RETRIES, TOP_COL_REASON, TOP_COL_FAULTS,
	TOP_COL_RETRY_PCT, TOP_COL_FLT_PCT, TOP_COL_FLT_P99, TOP_COL_WAIT_MAX,
	TOP_COL_HOLD_MAX, TOP_COL_VMA, TOP_COL_DONE, TOP_COL_CHAIN, TOP_COL_WAIT_P99,
	TOP_COL_HOLD_P99,
};

/* the column a sort key orders by */
static const enum top_col sort_col[TOP_NR_SORTS] = {
	[TOP_SORT_RETRIES] = TOP_COL_RETRIES,
	[TOP_SORT_FAULTS] = TOP_COL_FAULTS,
	[TOP_SORT_RETRY_PCT] = TOP_COL_RETRY_PCT,
	[TOP_SORT_LATENCY] = TOP_COL_FLT_P99,
	[TOP_SORT_FLT_PCT] = TOP_COL_FLT_PCT,
	[TOP_SORT_WAIT] = TOP_COL_WAIT_MAX,
	[TOP_SORT_HOLD] = TOP_COL_HOLD_MAX,
	[TOP_SORT_CHAIN] = TOP_COL_CHAIN,
	[TOP_SORT_PID] = TOP_COL_PID,
};

bool top_col_available(const struct top_caps *c, enum top_col k, const char **why)
{
	bool tp = c->fault_mode == MMR_MODE_TRACEPOINT;
	/* what the header calls the mode that leaves a column out */
	const char *tpname = c->light ? "light mode" : "tracepoint mode";
	const char *w = NULL;

	switch (k) {
	case TOP_COL_PID:
		/* rows are cgroups: no pid, and nothing to say about it */
		if (why)
			*why = NULL;
		return !c->cgroups;
	case TOP_COL_FAULTS:
	case TOP_COL_RETRY_PCT:
		if (c->states[FF_FAULTS] == VAL_NA)
			w = "faults not counted";
		/* there faults are each process's own accounting, read
		 * from /proc: no cgroup's */
		else if (c->cgroups && tp)
			w = c->light ? "light mode, by cgroup" : "tracepoint mode, by cgroup";
		break;
	case TOP_COL_FLT_P99:
	case TOP_COL_FLT_PCT:
		/* tracepoints see no fault begin or end */
		if (!mode_times_faults(c->fault_mode))
			w = tp ? tpname : "faults not timed";
		else if (c->untimed)
			w = "--no-latency";
		break;
	case TOP_COL_DONE:
		/* VM_FAULT_COMPLETED is a return value: fentry, kprobe */
		if (c->states[FF_COMPLETED] == VAL_NA)
			w = tp ? tpname : "completions not seen";
		break;
	case TOP_COL_VMA:
		if (c->states[FF_VMA_LOCK_ATTEMPTS] == VAL_NA || c->states[FF_FAULTS] == VAL_NA)
			w = "VMA locks not seen";
		else if (c->cgroups && tp)
			w = c->light ? "light mode, by cgroup" : "tracepoint mode, by cgroup";
		break;
	case TOP_COL_HOLD_P99:
	case TOP_COL_HOLD_MAX:
	case TOP_COL_WAIT_P99:
	case TOP_COL_WAIT_MAX:
		if (!c->lock_traced)
			w = c->lock_off ? "--no-mmap-lock" : "mmap_lock not traced";
		break;
	case TOP_COL_CHAIN:
		/* the anon_vma tracer hooks functions: fentry, kprobe */
		if (!c->anon_traced)
			w = c->anon_off ? "--no-anon-vma" : tp ? tpname :
			    "anon_vma not traced";
		else if (c->cgroups)	/* the anon_vma tracer's rows are processes */
			w = "by cgroup";
		break;
	default:
		break;	/* PID, COMM, RETRY/s, REASON: always */
	}
	if (why)
		*why = w;
	return !w;
}

/* PID, COMM, RETRY/s, REASON: the columns that come before any sort key's */
#define TOP_CORE_COLS	4

void top_layout(const struct top_caps *c, enum top_sort k, int width, struct top_layout *l)
{
	enum top_col order[TOP_NR_COLS], sk = sort_col[k];
	int i, j = 0, used = 0, need;
	bool core = false, full = false;

	int name_min = c->cgroups ? TOP_CGNAME_MIN : TOP_COMM_MIN;
	int name_max = c->cgroups ? TOP_CGNAME_MAX : TOP_COMM_MAX;

	memset(l, 0, sizeof(*l));
	l->cgroups = c->cgroups;
	for (i = 0; i < TOP_CORE_COLS; i++)
		core |= top_col_priority[i] == sk;
	/* the priority order, the sort key's column moved up after the core */
	for (i = 0; i < TOP_NR_COLS; i++) {
		if (i >= TOP_CORE_COLS && top_col_priority[i] == sk)
			continue;
		order[j++] = top_col_priority[i];
		if (i == TOP_CORE_COLS - 1 && !core)
			order[j++] = sk;
	}
	for (i = 0; i < TOP_NR_COLS; i++) {
		enum top_col col = order[i];

		if (!top_col_available(c, col, &l->why[col]))
			continue;
		need = (col != TOP_COL_COMM ? col_width[col] : width > 0 ? name_min : name_max) +
		       (used ? 1 : 0);
		/* drop the rest whole; PID always stays */
		if (full || (width > 0 && used && used + need > width)) {
			full = true;
			l->why[col] = "no room";
			continue;
		}
		l->shown[col] = true;
		used += need;
	}
	l->comm_width = name_max;
	if (width > 0 && l->shown[TOP_COL_COMM]) {
		/* what is left widens COMM (CGROUP) back */
		l->comm_width = name_min + (width - used < name_max - name_min ?
					    width - used : name_max - name_min);
		used += l->comm_width - name_min;
	}
	l->width = used;
}

/* ---- cells ---- */

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

/* time in faults in percent: one decimal below 100 (0.3, 47.5), none from
 * there (250: three threads faulting at once, 1234) */
static void fmt_share(char *buf, size_t len, double pct)
{
	snprintf(buf, len, pct < 99.95 ? "%.1f" : "%.0f", pct);
}

/* Row r's cell in column k. A row's own n/a (tracepoint mode: a process
 * whose accounting /proc never showed) stays "n/a"; "-": none this
 * interval. */
static void cell(const struct top_row *r, enum top_col k, char *buf, size_t len)
{
	double x;
	bool known;

	switch (k) {
	case TOP_COL_PID:
		snprintf(buf, len, "%u", r->pid);
		break;
	case TOP_COL_COMM:
		snprintf(buf, len, "%s", r->cgroup[0] ? r->cgroup : r->comm);
		break;
	case TOP_COL_FAULTS:
		fmt_rate(buf, len, r->faults, r->secs, r->faults_known);
		break;
	case TOP_COL_FLT_P99:
	case TOP_COL_FLT_PCT:
		if (!top_flt_pct(r, &x))
			snprintf(buf, len, "n/a");
		else if (!r->lat_n)
			snprintf(buf, len, "-");
		else if (k == TOP_COL_FLT_P99)
			fmt_ns_narrow(buf, len, r->lat_p99);
		else
			fmt_share(buf, len, x);
		break;
	case TOP_COL_RETRIES:
		fmt_rate(buf, len, r->retries, r->secs, true);
		break;
	case TOP_COL_RETRY_PCT:
		x = retry_pct(r, &known);
		if (known)
			snprintf(buf, len, "%.1f", x);
		else
			snprintf(buf, len, r->faults_known ? "-" : "n/a");
		break;
	case TOP_COL_REASON:
		snprintf(buf, len, "%s", r->reason >= 0 ? reason_names[r->reason] : "-");
		break;
	case TOP_COL_DONE:
		fmt_rate(buf, len, r->completed, r->secs, r->completed_known);
		break;
	case TOP_COL_VMA:
		if (!r->vma_known)
			snprintf(buf, len, "n/a");
		else if (!r->attempts)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%.0f",
				 100.0 * (double)r->vma_lock_attempts / (double)r->attempts);
		break;
	case TOP_COL_HOLD_P99:
	case TOP_COL_HOLD_MAX:
	case TOP_COL_WAIT_P99:
	case TOP_COL_WAIT_MAX:
		if (!r->lock_known)
			snprintf(buf, len, "n/a");
		else if (k == TOP_COL_HOLD_P99)
			fmt_lock_cell(buf, len, r->hold_p99, r->hold_n);
		else if (k == TOP_COL_HOLD_MAX)
			fmt_lock_cell(buf, len, r->hold_max, r->hold_n);
		else if (k == TOP_COL_WAIT_P99)
			fmt_lock_cell(buf, len, r->wait_p99, r->wait_n);
		else
			fmt_lock_cell(buf, len, r->wait_max, r->wait_n);
		break;
	case TOP_COL_CHAIN:
		if (!r->chain_known)
			snprintf(buf, len, "n/a");
		else if (!r->chain_max)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%llu", (unsigned long long)r->chain_max);
		break;
	default:
		buf[0] = '\0';
	}
}

/* One table line of the layout's columns: titles (r NULL) or r's cells.
 * COMM and REASON are left-aligned, the figures right-aligned. */
static void table_line(char *line, size_t len, const struct top_layout *l,
		       const struct top_row *r)
{
	size_t at = 0;
	int k, w;

	line[0] = '\0';
	for (k = 0; k < TOP_NR_COLS && at < len; k++) {
		char v[TOP_CGROUP_LEN + 8];
		size_t n;

		if (!l->shown[k])
			continue;
		if (r)
			cell(r, k, v, sizeof(v));
		else
			snprintf(v, sizeof(v), "%s", k == TOP_COL_COMM && l->cgroups ? "CGROUP" :
				 top_col_names[k]);
		w = k == TOP_COL_COMM ? l->comm_width : col_width[k];
		n = strlen(v);
		/* the name narrowed, not the table: a path keeps its end,
		 * where the leaf names the service */
		if (k == TOP_COL_COMM && (int)n > w && l->cgroups) {
			char path[sizeof(v)];

			snprintf(path, sizeof(path), "%s", v);
			fmt_tail(v, sizeof(v), path, w);
		} else if (k == TOP_COL_COMM && (int)n > w)
			v[w] = '\0';
		at += snprintf(line + at, len - at, k == TOP_COL_COMM || k == TOP_COL_REASON ?
			       "%s%-*s" : "%s%*s", at ? " " : "", w, v);
	}
}

/* ---- lines ---- */

struct sink {
	FILE *out;		/* NULL: count the lines only */
	int width, height;	/* 0: no limit */
	int lines;		/* lines out so far */
};

/* one line without trailing blanks, cut to the width as a last resort
 * (a word wider than the screen); false once height lines are out */
static bool put_line(struct sink *k, const char *s, size_t len)
{
	if (k->out && k->height > 0 && k->lines >= k->height)
		return false;
	while (len && s[len - 1] == ' ')
		len--;
	if (k->width > 0 && len > (size_t)k->width)
		len = k->width;
	if (k->out) {
		fwrite(s, 1, len, k->out);
		fputc('\n', k->out);
	}
	k->lines++;
	return true;
}

/* A line being wrapped: its text, and whether it holds no word yet. */
struct wrap {
	char line[1024];
	size_t at;
	bool fresh;
};

/* u (n long) onto the line, or onto a new one indented by two spaces */
static void wrap_add(struct sink *k, struct wrap *w, const char *u, size_t n)
{
	if (!w->fresh && w->at + 1 + n > (size_t)k->width) {
		put_line(k, w->line, w->at);
		memcpy(w->line, "  ", 2);
		w->at = 2;
		w->fresh = true;
	}
	if (!w->fresh)
		w->line[w->at++] = ' ';
	if (n > sizeof(w->line) - 1 - w->at)
		n = sizeof(w->line) - 1 - w->at;
	memcpy(w->line + w->at, u, n);
	w->at += n;
	w->fresh = false;
}

/*
 * A header line: phrases separated by "\t", a space where the line may
 * break. A phrase that does not fit goes on to a line indented by two
 * spaces; one wider than such a line breaks at its spaces.
 */
static void put_wrapped(struct sink *k, const char *s)
{
	struct wrap w = { .fresh = true };
	const char *p = s, *u;
	size_t n, wl;

	if (!*s)
		return;
	if (k->width <= 0) {
		for (n = 0; s[n] && w.at < sizeof(w.line) - 1; n++)
			w.line[w.at++] = s[n] == '\t' ? ' ' : s[n];
		put_line(k, w.line, w.at);
		return;
	}
	while (*p) {
		n = strcspn(p, "\t");
		if (n + 2 <= (size_t)k->width) {
			wrap_add(k, &w, p, n);
		} else {
			for (u = p; u < p + n; ) {
				wl = strcspn(u, " \t");
				if (wl)
					wrap_add(k, &w, u, wl);
				u += wl;
				while (u < p + n && *u == ' ')
					u++;
			}
		}
		p += n;
		if (*p == '\t')
			p++;
	}
	if (!w.fresh)
		put_line(k, w.line, w.at);
}

/* ---- the table ---- */

#define TOP_HEADER_LINES 4

/* The header's lines, phrases separated by "\t" (put_wrapped()). */
static void header_text(char hdr[TOP_HEADER_LINES][1024], const struct top_header *h,
			const struct top_caps *c, const struct top_totals *tot,
			const struct top_layout *l, enum top_sort k, size_t shown)
{
	char a[32], b[32], pct[16], procs[64];
	size_t at = 0;
	int i, j;

	snprintf(hdr[0], sizeof(hdr[0]), "mmretry top - %s,\tinterval %.2f s,\tkernel %s,\t"
		 "sorted by %s", h->time, h->secs, h->kernel ? h->kernel : "?",
		 top_sort_names[k]);
	fmt_rate(a, sizeof(a), tot->faults, h->secs, tot->faults_known);
	fmt_rate(b, sizeof(b), tot->retries, h->secs, true);
	if (tot->faults_known && tot->faults)
		snprintf(pct, sizeof(pct), "%.2f%%", 100.0 * tot->retries / tot->faults);
	else
		snprintf(pct, sizeof(pct), tot->faults_known ? "-" : "n/a");
	if (shown < tot->nprocs)
		snprintf(procs, sizeof(procs), "%zu of %zu %s shown", shown, tot->nprocs,
			 c->cgroups ? "cgroups" : "processes");
	else
		snprintf(procs, sizeof(procs), "%s %zu", c->cgroups ? "cgroups" : "processes",
			 tot->nprocs);
	snprintf(hdr[1], sizeof(hdr[1]), "total: faults/s %s,\tretries/s %s,\tretry %s,\t%s",
		 a, b, pct, procs);
	snprintf(hdr[2], sizeof(hdr[2]), "modes: faults %s%s,\tmmap_lock %s,\tanon_vma %s;\t"
		 "lost %llu, missed runs %llu", h->modes[0],
		 c->fault_mode == MMR_MODE_TRACEPOINT ? " (inferred)" : "", h->modes[1],
		 h->modes[2], (unsigned long long)h->lost, (unsigned long long)h->missed);
	/* the columns not shown, grouped by why: "hidden: FLTp99 FLT% (tracepoint
	 * mode);\tVMA% (no room)" */
	hdr[3][0] = '\0';
	for (i = 0; i < TOP_NR_COLS; i++) {
		bool seen = false;

		if (l->shown[i] || !l->why[i])
			continue;
		for (j = 0; j < i; j++)
			seen |= !l->shown[j] && l->why[j] && !strcmp(l->why[j], l->why[i]);
		if (seen)
			continue;	/* its group is out */
		at += snprintf(hdr[3] + at, sizeof(hdr[3]) - at, "%s", at ? ";\t" : "hidden: ");
		for (j = i; j < TOP_NR_COLS && at < sizeof(hdr[3]); j++)
			if (!l->shown[j] && l->why[j] && !strcmp(l->why[j], l->why[i]))
				at += snprintf(hdr[3] + at, sizeof(hdr[3]) - at, "%s%s",
					       j > i ? " " : "", top_col_names[j]);
		if (at < sizeof(hdr[3]))
			at += snprintf(hdr[3] + at, sizeof(hdr[3]) - at, " (%s)", l->why[i]);
		if (at >= sizeof(hdr[3]))
			at = sizeof(hdr[3]) - 1;
	}
}

size_t top_print(FILE *out, const struct top_header *h, const struct top_caps *c,
		 const struct top_totals *tot, const struct top_row *rows, size_t n,
		 enum top_sort k, const struct top_fit *fit)
{
	static const struct top_fit nofit;
	char hdr[TOP_HEADER_LINES][1024], line[512];
	struct top_layout l;
	struct sink snk;
	size_t shown, i;
	int pass, above;

	if (!fit)
		fit = &nofit;
	top_layout(c, k, fit->width, &l);
	shown = fit->max_rows && n > fit->max_rows ? fit->max_rows : n;
	/* as many rows as the lines below the header; saying that rows were
	 * left out may take the header a line more: once more then */
	for (pass = 0; pass < 3; pass++) {
		header_text(hdr, h, c, tot, &l, k, shown);
		snk = (struct sink){ .width = fit->width };
		for (i = 0; i < TOP_HEADER_LINES; i++)
			put_wrapped(&snk, hdr[i]);
		above = snk.lines + 2;	/* a blank line, the titles */
		if (fit->height <= 0 || (size_t)fit->height >= above + shown)
			break;
		shown = fit->height > above ? (size_t)(fit->height - above) : 0;
	}
	snk = (struct sink){ .out = out, .width = fit->width, .height = fit->height };
	for (i = 0; i < TOP_HEADER_LINES; i++)
		put_wrapped(&snk, hdr[i]);
	put_line(&snk, "", 0);
	table_line(line, sizeof(line), &l, NULL);
	put_line(&snk, line, strlen(line));
	for (i = 0; i < shown; i++) {
		table_line(line, sizeof(line), &l, &rows[i]);
		if (!put_line(&snk, line, strlen(line)))
			break;
	}
	return i;
}
