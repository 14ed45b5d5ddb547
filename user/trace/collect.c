// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* collect.c: a tracing run into a struct report (collect.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cgpath.h"
#include "lib/ksyms.h"
#include "lib/procmaps.h"
#include "lib/util.h"
#include "trace/collect.h"

struct run {
	struct report *r;
	const struct collect_tap *tap;
	struct file_names *names;	/* the slow faults' files, by (dev, ino) */
};

static void tap(struct run *x, uint32_t type, const void *e, size_t size, uint32_t pid,
		uint32_t tid)
{
	if (x->tap && x->tap->event)
		x->tap->event(x->tap->ctx, type, e, size, pid, tid);
}

static int on_retry(void *ctx, const struct mmr_retry_event *e)
{
	struct run *x = ctx;

	tap(x, MMR_EV_RETRY, e, sizeof(*e), e->pid, e->tid);
	return report_add_event(x->r, e);
}

/* a slow fault: its file's path looked up now, while its process lives */
static int on_fault(void *ctx, const struct mmr_fault_event *e)
{
	struct run *x = ctx;
	const char *path = NULL;

	if (e->file)
		path = file_names_get(x->names, e->pid, MMR_DEV_MAJOR(e->dev),
				      MMR_DEV_MINOR(e->dev), e->ino);
	report_add_slow(&x->r->slow, e, path);
	return 0;
}

/* record: attempts and address-space changes, only recorded */
static int on_raw(void *ctx, const void *data, size_t size)
{
	const struct mmr_attempt_event *a = data;
	const struct mmr_mm_event *m = data;
	struct run *x = ctx;

	if (a->type == MMR_EV_ATTEMPT && size == sizeof(*a))
		tap(x, MMR_EV_ATTEMPT, a, sizeof(*a), a->pid, a->tid);
	else if (m->type == MMR_EV_MM && size == sizeof(*m))
		tap(x, MMR_EV_MM, m, sizeof(*m), m->pid, m->tid);
	return 0;
}

static int on_lock(void *ctx, const struct mmr_lock_event *e)
{
	struct run *x = ctx;

	tap(x, MMR_EV_LOCK_LONG, e, sizeof(*e), e->pid, e->tid);
	return report_add_lock_event(&x->r->lock, e);
}

static int on_lock_op(void *ctx, const struct mmr_lock_op_event *e)
{
	tap(ctx, MMR_EV_LOCK_OP, e, sizeof(*e), e->pid, e->tid);
	return 0;
}

/* an event the report cannot keep is counted in its lost; polling goes on */
static int on_chain(void *ctx, const struct mmr_chain_event *e)
{
	struct run *x = ctx;

	/* record streams every chain; the report keeps stat's threshold */
	tap(x, MMR_EV_CHAIN, e, sizeof(*e), e->pid, e->tid);
	if (e->length >= x->r->anon.min_chain)
		report_add_chain_event(&x->r->anon, e);
	return 0;
}

/* names come later (read_anon), from kallsyms */
static int on_walk(void *ctx, const struct mmr_walk_event *e)
{
	struct run *x = ctx;

	tap(x, MMR_EV_WALK, e, sizeof(*e), e->pid, e->tid);
	if (e->vmas >= x->r->anon.min_fanout)
		report_add_walk_event(&x->r->anon, e, NULL);
	return 0;
}

static void on_note(void *ctx, const char *text)
{
	struct run *x = ctx;

	report_note(x->r, "%s", text);
}

static int min_u32(uint32_t a, uint32_t b)
{
	return (int)(a < b ? a : b);
}

/* The mmap_lock figures: per-process rows and the long events' stacks. */
static void read_lock(struct engine *e, struct report *r)
{
	struct lock_trace *lt = engine_lock(e);
	struct lock_row *rows;
	size_t i;
	int n;

	n = lock_trace_rows(lt, &rows);
	if (n >= 0)
		report_set_lock_rows(&r->lock, rows, n);
	r->lock.by_cgroup = r->cgroups.wanted;
	r->lock.lost += lock_trace_lost(lt);
	r->lock.missed = engine_missed_lock(e);
	for (i = 0; i < r->lock.nlongs; i++) {
		struct lock_long *x = &r->lock.longs[i];

		x->kstack = stack_fold((const uint64_t *)x->e.kstack,
				       min_u32(x->e.nkstack, MMR_STACK_FRAMES), engine_ksyms(e));
		x->ustack = stack_fold((const uint64_t *)x->e.ustack,
				       min_u32(x->e.nustack, MMR_STACK_FRAMES), NULL);
	}
}

/* The anon_vma figures: per-process and per-walker rows, walkers named. */
static void read_anon(struct engine *e, struct report *r)
{
	struct anon_trace *at = engine_anon(e);
	struct av_row *rows;
	struct av_walker *w;
	size_t i;
	int n;

	n = anon_trace_rows(at, &rows);
	if (n >= 0)
		report_set_anon_rows(&r->anon, rows, n);
	n = anon_trace_walkers(at, &w);
	if (n >= 0) {
		for (i = 0; i < (size_t)n; i++)
			av_walker_name(ksyms_name(engine_ksyms(e), w[i].rmap_one), w[i].rmap_one,
				       w[i].name, sizeof(w[i].name));
		report_set_anon_walkers(&r->anon, w, n);
	}
	for (i = 0; i < r->anon.nwalks; i++) {
		struct anon_walk *x = &r->anon.walks[i];

		av_walker_name(ksyms_name(engine_ksyms(e), x->e.rmap_one), x->e.rmap_one,
			       x->walker, sizeof(x->walker));
	}
	r->anon.lost += anon_trace_lost(at);
	r->anon.missed = engine_missed_anon(e);
}

/* The slowest faults: kept the slowest, their stacks named. */
static void read_slow(struct engine *e, struct report_slow *s)
{
	size_t i;

	s->lost = faults_trace_slow_lost(engine_faults(e));
	report_slow_sort(s);
	for (i = 0; i < s->n; i++) {
		struct slow_fault *f = &s->v[i];

		f->kstack = stack_fold((const uint64_t *)f->e.kstack,
				       min_u32(f->e.nkstack, MMR_STACK_FRAMES), engine_ksyms(e));
		f->ustack = stack_fold((const uint64_t *)f->e.ustack,
				       min_u32(f->e.nustack, MMR_STACK_FRAMES), NULL);
	}
}

/*
 * Fault durations: fentry and kprobe modes time every attempt (unless
 * --no-latency), and with the mmap_lock tracer beside them the lock wait
 * before each retry; tracepoint mode times that wait alone, from its own
 * mmap_lock hooks.
 */
int collect_read_latency(struct engine *e, struct report_latency *x)
{
	enum mmr_mode mode = engine_fault_mode(e);
	const char *why = engine_latency_why(e);	/* mode, or --no-latency */
	bool timed = !why;
	int err;

	if (!timed)
		x->why = why;
	if (!timed && mode != MMR_MODE_TRACEPOINT)
		return 0;
	if (timed && !engine_lock(e))
		x->lock_why = "needs the mmap_lock tracer";
	err = faults_trace_latency(engine_faults(e), &x->l);
	if (err)
		return err;
	x->traced = timed;
	x->lock_wait = !timed || engine_lock(e);
	return 0;
}

/*
 * stat --proc-latency: each process's fault durations (fentry, kprobe),
 * named as in the retry table (its latest retry's comm: the map keeps the
 * name its first fault had, before exec for a command's processes).
 */
static void read_proclat(struct engine *e, struct report *r)
{
	struct report_proclat *x = &r->proclat;
	struct fproc_row *rows = NULL;
	uint64_t lost;
	size_t k;
	int i, n;

	if (engine_latency_why(e)) {
		x->why = engine_latency_why(e);
		return;
	}
	n = faults_trace_procs(engine_faults(e), &rows);
	if (n < 0) {
		x->why = "the per-process map could not be read";
		return;
	}
	for (i = 0; i < n; i++) {
		const char *comm = rows[i].c.comm;

		for (k = 0; k < r->nprocs; k++)
			if (r->procs[k].pid == rows[i].pid && r->procs[k].comm[0])
				comm = r->procs[k].comm;
		if (report_proclat_add(x, rows[i].pid, comm, &rows[i].c.fault_ns)) {
			free(rows);
			report_proclat_free(x);
			x->why = "out of memory";
			return;
		}
	}
	free(rows);
	report_proclat_sort(x);
	x->traced = true;
	lost = faults_trace_proc_lost(engine_faults(e));
	if (lost)
		report_note(r, "fault latency by process: %llu processes had no room in the "
			    "map (%d)", (unsigned long long)lost, MMR_PROC_MAX);
}

/* The mmap_lock tracer's rows, cgroups' like the fault tracer's (the same
 * registry: bpf/rows.bpf.h), into theirs; x->lock_traced says if there
 * were any to read. 0 or -errno. */
static int read_cgroup_locks(struct engine *e, struct report_cgroups *x, struct cgpaths *names)
{
	struct lock_trace *lt = engine_lock(e);
	struct lock_row *rows = NULL;
	int i, n, err = 0;

	x->lock_traced = lt != NULL;
	if (!lt)
		return 0;
	n = lock_trace_rows(lt, &rows);
	if (n < 0)
		return n;
	for (i = 0; i < n && !err; i++)
		if (rows[i].cgroup)
			err = report_cgroups_add_lock(x, rows[i].key,
						      rows[i].key == MMR_CGROUP_OTHER ? NULL :
						      cgpaths_lookup(names, rows[i].key),
						      rows[i].mode);
	free(rows);
	return err;
}

/* --by cgroup (stat's report, export's scrapes): each cgroup's row, named
 * from the cgroup2 mount (walked once attached, and again for a cgroup made
 * since) */
void collect_read_cgroups(struct engine *e, struct report_cgroups *x, struct cgpaths *names,
			  const uint8_t states[FF_NR])
{
	enum mmr_mode m = engine_fault_mode(e);
	struct fproc_row *rows = NULL;
	int i, n;

	report_cgroups_free(x);
	x->why = NULL;
	n = faults_trace_procs(engine_faults(e), &rows);
	if (n < 0) {
		x->why = "the per-cgroup map could not be read";
		return;
	}
	for (i = 0; i < n; i++) {
		const char *path = rows[i].cgroup == MMR_CGROUP_OTHER ? NULL :
				   cgpaths_lookup(names, rows[i].cgroup);

		if (report_cgroups_add(x, rows[i].cgroup, path, &rows[i].c)) {
			free(rows);
			report_cgroups_free(x);
			x->why = "out of memory";
			return;
		}
	}
	free(rows);
	if (read_cgroup_locks(e, x, names)) {
		report_cgroups_free(x);
		x->why = "the per-cgroup mmap_lock map could not be read";
		return;
	}
	memcpy(x->states, states, sizeof(x->states));
	x->all_figures = m == MMR_MODE_FENTRY || m == MMR_MODE_KPROBE;
	x->timed = !engine_latency_why(e);
	x->folded = faults_trace_proc_lost(engine_faults(e));
	report_cgroups_sort(x);
}

enum collect_result collect_report(const struct trace_opts *o, struct report *r,
				   const struct collect_tap *t)
{
	struct run x = { .r = r, .tap = t, .names = file_names_new() };
	bool record = t != NULL;
	struct engine_sink sink = {
		.on_retry = on_retry, .on_fault = on_fault, .on_lock = on_lock, .on_chain = on_chain,
		.on_walk = on_walk, .record = record, .on_raw = record ? on_raw : NULL,
		.on_lock_op = record ? on_lock_op : NULL, .ctx = &x, .note = on_note,
		.per_process = r->proclat.wanted || r->cgroups.wanted,
		.rows_by_cgroup = r->cgroups.wanted, .cgroup_level = r->cgroups.depth,
		.max_cgroups = r->cgroups.max, .cgroup_trees = r->cgroups.trees,
	};
	struct cgpaths *cgnames = NULL;
	enum collect_result res = COLLECT_CANNOT_TRACE;
	struct mmr_fault_counters sum;
	uint8_t states[FF_NR];
	struct engine *e = NULL;
	int ret;

	/* first: a shell starts background jobs with SIGINT ignored, and an
	 * interrupt during the (slow) load must still end the run cleanly */
	engine_signals(false);
	ret = engine_prepare(&e, o, &sink);
	if (ret) {
		res = ret == -EINVAL ? COLLECT_BAD_REQUEST : COLLECT_CANNOT_TRACE;
		goto out;
	}
	if (o->argv) {
		r->target = TARGET_COMMAND;
		r->argv = o->argv;
	} else if (o->pid) {
		r->target = TARGET_PID;
		r->pid = o->pid;
	} else if (o->cgroup) {
		r->target = TARGET_CGROUP;
		r->cgroup = o->cgroup;
	}
	if (engine_attach(e))
		goto out;
	if (r->cgroups.wanted)
		cgnames = cgpaths_open();
	/* the report's thresholds, before any event arrives (engine_wait) */
	if (engine_lock(e)) {
		r->lock.traced = true;
		r->lock.min_hold_ns = o->min_hold_ns;
	}
	if (!engine_latency_why(e)) {
		r->slow.traced = true;
		r->slow.min_fault_ns = o->min_fault_ns;
		r->slow.lock_traced = engine_lock(e) != NULL;
	} else {
		r->slow.why = engine_latency_why(e);
	}
	if (engine_anon(e)) {
		r->anon.traced = true;
		r->anon.min_chain = o->min_chain;
		r->anon.min_fanout = o->min_fanout;
	} else {
		snprintf(r->anon.why, sizeof(r->anon.why), "%s", engine_anon_why(e));
	}
	if (t && t->begin && t->begin(t->ctx, e))
		goto out;
	ret = engine_start(e);
	if (ret) {
		res = ret == -ENOENT ? COLLECT_NO_COMMAND : COLLECT_CANNOT_RUN;
		goto out;
	}
	while ((ret = engine_wait(e, 100)) > 0)
		if (t && t->tick)
			t->tick(t->ctx, e);
	engine_stop(e);
	r->exit_status = engine_exit_status(e);
	r->exit_signal = engine_exit_signal(e);
	r->duration_s = engine_duration(e);
	if (engine_lock(e))
		read_lock(e, r);
	if (engine_anon(e))
		read_anon(e, r);
	if (engine_read_faults(e, &sum, states))
		goto out;
	collect_read_latency(e, &r->latency);
	if (r->proclat.wanted)
		read_proclat(e, r);
	if (r->cgroups.wanted)
		collect_read_cgroups(e, &r->cgroups, cgnames, states);
	if (r->slow.traced)
		read_slow(e, &r->slow);
	report_set_faults(r, &sum, states);
	report_sort_procs(r);
	r->fault_mode = engine_fault_mode(e);
	r->producers = engine_producers(e);
	r->missed_runs = engine_missed_faults(e);
	strlcpy_(r->kernel, engine_kernel(e), sizeof(r->kernel));
	engine_finish(e);
	e = NULL;
	if (sum.lost_events)
		mmr_warn("%llu retry events were lost (ring buffer full): the per-process "
			 "table is short; counters are exact", (unsigned long long)sum.lost_events);
	report_warn_missed(r);
	res = COLLECT_OK;
out:
	engine_finish(e);
	file_names_free(x.names);
	cgpaths_free(cgnames);
	return res;
}
