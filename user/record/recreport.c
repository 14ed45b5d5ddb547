// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * recreport.c: the report a recording gives (`mmretry report FILE`): the
 * events rebuild what the kernel's maps held during the run, as stat read
 * them at its end (fault counters from the attempts, mmap_lock histograms
 * from the holds, anon_vma histograms from the chains and walks); what no
 * event says (tracepoint mode's fault counts, which come from the
 * processes' own accounting at exit) comes from the report stat wrote at
 * the end of the recording, or is unavailable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "bpf/hist.h"
#include "lib/ksyms.h"
#include "report/render.h"
#include "stats/fault_time.h"
#include "stats/figures.h"
#include "record/recfile.h"
#include "record/recreport.h"
#include "lib/util.h"

/* a growable array of T, found by a key: few processes, few walkers */
#define FIND_OR_ADD(arr, n, cap, field, key)					\
	({									\
		typeof(arr) __p = NULL;						\
		for (size_t __i = 0; __i < (n); __i++)				\
			if ((arr)[__i].field == (key)) {			\
				__p = &(arr)[__i];				\
				break;						\
			}							\
		if (!__p && (n) == (cap)) {					\
			size_t __c = (cap) ? 2 * (cap) : 16;			\
			typeof(arr) __g = realloc((arr), __c * sizeof(*(arr)));	\
			if (__g) {						\
				(arr) = __g;					\
				(cap) = __c;					\
			}							\
		}								\
		if (!__p && (n) < (cap)) {					\
			__p = &(arr)[(n)++];					\
			memset(__p, 0, sizeof(*__p));				\
			__p->field = (key);					\
		}								\
		__p;								\
	})

struct rebuild {
	struct report *r;
	struct mmr_fault_counters c;
	struct fault_timing *timing;	/* the faults' grouping and latency */
	int err;			/* -ENOMEM from timing */
	struct lock_row *locks;
	size_t nlocks, caplocks;
	struct av_row *avs;
	size_t navs, capavs;
	struct av_walker *walkers;
	size_t nwalkers, capwalkers;
	struct rec_task *tasks;
	size_t ntasks, captasks;
	struct rec_lost lost;
	uint64_t last_ts;
	uint32_t vma_lock_flag;
	json_t *stored;		/* the report stat wrote, or NULL */
};

static const char *task_comm(const struct rebuild *b, uint32_t pid)
{
	const char *any = NULL;

	for (size_t i = 0; i < b->ntasks; i++)
		if (b->tasks[i].pid == pid) {
			if (b->tasks[i].tid == pid)
				return b->tasks[i].comm;
			any = any ? any : b->tasks[i].comm;
		}
	return any;
}

/* as bpf/faults.bpf.c counts and times an attempt (attempt_enter, attempt_exit) */
static void add_attempt(struct rebuild *b, const struct mmr_attempt_event *a)
{
	struct mmr_fault_counters *c = &b->c;
	bool abandoned = false;

	if (fault_timing_attempt(b->timing, a, &abandoned))
		b->err = -ENOMEM;
	if (abandoned) {
		c->faults++;	/* a retried fault never attempted again */
		c->abandoned++;
	}
	figures_add_attempt(c, a, b->vma_lock_flag);
}

/* a thread that exits with a retried fault pending */
static void thread_exit(struct rebuild *b, uint32_t tid)
{
	if (fault_timing_exit(b->timing, tid)) {
		b->c.faults++;
		b->c.abandoned++;
	}
}

/* as bpf/mmap_lock.bpf.c accounts a hold (on_acquire, on_release) */
static void add_lock_op(struct rebuild *b, const struct mmr_lock_op_event *e)
{
	struct lock_row *row = FIND_OR_ADD(b->locks, b->nlocks, b->caplocks, pid, e->pid);

	if (row)
		lock_stats_add_op(row->mode, e);
	/* a re-take after a retry: its wait joins the retry (fault_time.h) */
	if (fault_timing_lock_op(b->timing, e))
		b->err = -ENOMEM;
}

/* as bpf/anon_vma.bpf.c accounts a chain (chain_done) and a walk */
static void add_chain(struct rebuild *b, const struct mmr_chain_event *e)
{
	struct av_row *row = FIND_OR_ADD(b->avs, b->navs, b->capavs, pid, e->pid);

	if (!row)
		return;
	if (e->kind < MMR_NR_CHAIN_KINDS)
		row->s.events[e->kind]++;
	row->s.reused += e->reused;
	row->s.truncated += e->truncated;
	hist_add(&row->s.length, e->length);
}

static void add_walk(struct rebuild *b, const struct mmr_walk_event *e)
{
	struct av_walker *w = FIND_OR_ADD(b->walkers, b->nwalkers, b->capwalkers, rmap_one,
					  e->rmap_one);

	if (!w)
		return;
	w->s.walks++;
	w->s.tracer_ns += e->tracer_ns;
	w->s.locked += e->locked;
	w->s.contended += e->contended;
	hist_add(&w->s.vmas, e->vmas);
	hist_add(&w->s.mapped, e->mapped);
	hist_add(&w->s.ns, e->dur_ns);
	if (e->contended)
		hist_add(&w->s.lock_wait_ns, e->lock_wait_ns);
}

/* ---- what only the stored report says ---- */

static json_t *stored_at(const struct rebuild *b, const char *a, const char *k)
{
	json_t *o = b->stored ? json_object_get(b->stored, a) : NULL;

	return k && o ? json_object_get(o, k) : o;
}

/* a fault figure's state and value from the stored report */
static void stored_figure(const struct rebuild *b, int i, uint8_t *state, uint64_t *v)
{
	json_t *faults = stored_at(b, "faults", NULL), *x, *inf;
	const char *name = fault_fig_names[i];
	size_t k;

	*state = VAL_NA;
	*v = 0;
	if (!faults)
		return;
	x = i < FF_REASON0 ? json_object_get(faults, name) :
	    json_object_get(json_object_get(faults, "retry_reasons"), name);
	if (!json_is_integer(x))
		return;
	*v = json_integer_value(x);
	*state = VAL_EXACT;
	inf = json_object_get(faults, "inferred");
	for (k = 0; json_is_array(inf) && k < json_array_size(inf); k++)
		if (json_is_string(json_array_get(inf, k)) &&
		    !strcmp(json_string_value(json_array_get(inf, k)), name))
			*state = VAL_INFERRED;
}

static uint64_t stored_u64(const struct rebuild *b, const char *a, const char *k)
{
	json_t *x = stored_at(b, a, k);

	return json_is_integer(x) ? json_integer_value(x) : 0;
}

/* a walker's name: the stored report's, or kallsyms if this is the
 * recording's kernel, or the address */
static void name_walker(const struct rebuild *b, struct av_walker *w, const struct ksyms *ks)
{
	json_t *list = stored_at(b, "anon_vma", "walkers"), *x;
	char hex[24];
	size_t i;

	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)w->rmap_one);
	for (i = 0; json_is_array(list) && i < json_array_size(list); i++) {
		x = json_array_get(list, i);
		if (json_is_string(json_object_get(x, "rmap_one")) &&
		    !strcmp(json_string_value(json_object_get(x, "rmap_one")), hex) &&
		    json_is_string(json_object_get(x, "walker"))) {
			snprintf(w->name, sizeof(w->name), "%s",
				 json_string_value(json_object_get(x, "walker")));
			return;
		}
	}
	av_walker_name(ks ? ksyms_name(ks, w->rmap_one) : NULL, w->rmap_one, w->name,
		       sizeof(w->name));
}

/*
 * Fault latency: with every attempt recorded (fentry, kprobe), rebuilt
 * from them as the kernel timed them, and the mmap_lock wait of each
 * retry's re-take from the holds where mmap_lock was traced. Tracepoint
 * mode times only that wait, at hooks of its own no event carries: from
 * the stored report.
 */
static void set_latency(struct rebuild *b, struct report *r, bool attempts, bool from_events)
{
	struct report_latency *x = &r->latency;
	const json_t *waits = stored_at(b, "fault_latency", "retry_lock_wait_ns"), *h;
	int i;

	if (attempts) {
		fault_timing_result(b->timing, &x->l);
		x->traced = true;
		x->lock_wait = r->lock.traced;
		if (!x->lock_wait)
			x->lock_why = "needs the mmap_lock tracer";
		return;
	}
	x->why = "needs fentry or kprobes";
	if (r->fault_mode != MMR_MODE_TRACEPOINT)
		return;
	x->lock_why = from_events ? "tracepoint mode's is in the stored report only" :
		      "not in the stored report";
	if (from_events || !json_is_object(waits))
		return;
	for (i = 0; i < MMR_NR_REASONS; i++) {
		h = json_object_get(waits, reason_names[i]);
		if (!h || hist_from_json(h, &x->l.lock_wait[i])) {
			memset(x->l.lock_wait, 0, sizeof(x->l.lock_wait));
			return;
		}
	}
	x->lock_wait = true;
}

/* ---- the whole ---- */

static int read_all(struct rebuild *b, struct rec_reader *rd, bool from_events,
		    const char *path)
{
	struct rec_item it;
	char err[512];
	int ret;

	while ((ret = rec_next(rd, &it, err, sizeof(err))) == 1) {
		struct report *r = b->r;

		switch (it.type) {
		case MMR_EV_RETRY:
			report_add_event(r, &it.u.retry);
			b->last_ts = it.u.retry.ts_ns;
			break;
		case MMR_EV_ATTEMPT:
			add_attempt(b, &it.u.attempt);
			b->last_ts = it.u.attempt.end_ns;
			break;
		case MMR_EV_MM:
			if (it.u.mm.op == MMR_MM_EXIT)
				thread_exit(b, it.u.mm.tid);
			b->last_ts = it.u.mm.ts_ns;
			break;
		case MMR_EV_LOCK_OP:
			add_lock_op(b, &it.u.lock_op);
			break;
		case MMR_EV_LOCK_LONG:
			report_add_lock_event(&r->lock, &it.u.lock_long);
			break;
		case MMR_EV_CHAIN:
			add_chain(b, &it.u.chain);
			if (it.u.chain.length >= r->anon.min_chain)
				report_add_chain_event(&r->anon, &it.u.chain);
			break;
		case MMR_EV_WALK:
			add_walk(b, &it.u.walk);
			if (it.u.walk.vmas >= r->anon.min_fanout)
				report_add_walk_event(&r->anon, &it.u.walk, NULL);
			break;
		case REC_TASK: {
			struct rec_task *t = FIND_OR_ADD(b->tasks, b->ntasks, b->captasks, tid,
							 it.u.task.tid);

			if (t)
				*t = it.u.task;
			break;
		}
		case REC_LOST:
			b->lost = it.u.lost;
			break;
		case REC_REPORT:
			if (!from_events && !b->stored)
				b->stored = json_loadb(it.text, it.text_len, 0, NULL);
			break;
		default:
			break;
		}
	}
	if (ret < 0) {
		mmr_err("%s", err);
		return -EINVAL;
	}
	return 0;
}

void recording_argv_free(char **argv)
{
	for (size_t i = 0; argv && argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* the recording's target, from its metadata (argv: kept in *argv) */
static void set_target(struct report *r, json_t *meta, const struct rebuild *b, char ***argv)
{
	json_t *t = json_object_get(meta, "target"), *a = json_object_get(t, "argv"), *x;
	const char *kind = json_string_value(json_object_get(t, "kind"));
	size_t i, n = json_array_size(a);

	r->exit_status = -1;
	x = stored_at(b, "target", "exit_status");
	if (json_is_integer(x))
		r->exit_status = json_integer_value(x);
	x = stored_at(b, "target", "signal");
	if (json_is_string(x))
		r->exit_signal = signal_number(json_string_value(x));
	if (kind && !strcmp(kind, "pid")) {
		r->target = TARGET_PID;
		r->pid = json_integer_value(json_object_get(t, "pid"));
	} else if (kind && !strcmp(kind, "command") && n && (*argv = calloc(n + 1, sizeof(char *)))) {
		for (i = 0; i < n; i++)
			(*argv)[i] = strdup(json_is_string(json_array_get(a, i)) ?
					    json_string_value(json_array_get(a, i)) : "?");
		r->target = TARGET_COMMAND;
		r->argv = *argv;
	}
}

int recording_report(const char *path, bool from_events, struct report *r, char ***argv)
{
	struct rebuild b = { .r = r };
	const struct rec_header *h;
	struct rec_reader *rd;
	json_t *meta, *modes, *x;
	uint8_t states[FF_NR];
	struct ksyms *ks = NULL;
	struct utsname u;
	bool attempts, same_kernel;
	char err[512];
	int i, ret = -EINVAL;

	rd = rec_open(path, err, sizeof(err));
	if (!rd) {
		mmr_err("%s", err);
		return -EINVAL;
	}
	h = rec_header(rd);
	meta = json_loads(rec_meta(rd), 0, NULL);
	if (!json_is_object(meta)) {
		mmr_err("%s: its metadata is not a JSON object", path);
		goto out;
	}
	modes = json_object_get(meta, "modes");
	attempts = json_is_true(json_object_get(meta, "attempts"));
	if (json_is_true(json_object_get(meta, "per_vma_locks")))
		b.vma_lock_flag = MMR_FAULT_FLAG_VMA_LOCK;
	if (json_is_string(json_object_get(meta, "kernel")))
		strlcpy_(r->kernel, json_string_value(json_object_get(meta, "kernel")),
			 sizeof(r->kernel));
	x = json_object_get(modes, "faults");
	for (i = MMR_MODE_FENTRY; i < MMR_NR_MODES; i++)
		if (json_is_string(x) && !strcmp(json_string_value(x), mode_name(i)))
			r->fault_mode = i;
	r->lock.traced = json_is_string(json_object_get(modes, "mmap_lock"));
	r->lock.min_hold_ns = json_integer_value(json_object_get(meta, "min_hold_ns"));
	r->anon.traced = json_is_string(json_object_get(modes, "anon_vma"));
	if (!r->anon.traced)
		snprintf(r->anon.why, sizeof(r->anon.why), "not recorded");
	r->anon.min_chain = 8;		/* stat's defaults; the stored report's below */
	r->anon.min_fanout = 32;
	r->target = TARGET_SYSTEM;	/* set_target(): its metadata's */
	*argv = NULL;

	b.timing = fault_timing_new();
	if (!b.timing) {
		mmr_err("out of memory");
		goto out;
	}
	if ((ret = read_all(&b, rd, from_events, path)))
		goto out;
	if (b.err) {
		mmr_err("out of memory");
		ret = b.err;
		goto out;
	}
	set_latency(&b, r, attempts, from_events);
	set_target(r, meta, &b, argv);
	if (b.stored) {
		x = stored_at(&b, "anon_vma", "min_chain");
		if (json_is_integer(x))
			r->anon.min_chain = json_integer_value(x);
		x = stored_at(&b, "anon_vma", "min_fanout");
		if (json_is_integer(x))
			r->anon.min_fanout = json_integer_value(x);
	}
	/* a recording whose writer never marked its end: killed, crashed, or
	 * still being written; what came after its last flush is not in it */
	if (rec_truncated(rd) || !(h->flags & REC_F_CLEAN))
		report_note(r, "the recording ends early (its writer stopped): what came "
			    "after its last flush is missing");
	else if (from_events)
		report_note(r, "rebuilt from the recording's events only");

	/* the fault figures: from the attempts where they were recorded */
	if (attempts) {
		b.c.lost_events = b.lost.faults;
		memset(states, VAL_EXACT, sizeof(states));
		for (i = 0; b.stored && i < FF_NR; i++) {
			uint8_t st;
			uint64_t v;

			stored_figure(&b, i, &st, &v);
			if (st == VAL_NA)	/* a hook that did not attach */
				states[i] = VAL_NA;
		}
		report_set_faults(r, &b.c, states);
	} else {
		struct mmr_fault_counters c = { .lost_events = b.lost.faults };

		for (i = 0; i < FF_NR; i++) {
			uint64_t v;

			stored_figure(&b, i, &states[i], &v);
			if (i < FF_REASON0) {
				__u64 *f[FF_REASON0] = {
					&c.attempts, &c.faults, &c.retries, &c.completed, &c.major,
					&c.errors, &c.vma_lock_attempts, &c.mmap_lock_attempts,
					&c.abandoned,
				};
				*f[i] = v;
			} else {
				c.reasons[i - FF_REASON0] = v;
			}
		}
		report_set_faults(r, &c, states);
		if (!b.stored)
			report_note(r, "fault counts unavailable: %s mode records retries, not "
				    "every fault", mode_name(r->fault_mode));
	}
	r->missed_runs = stored_u64(&b, "missed_runs", NULL);
	r->lock.missed = stored_u64(&b, "mmap_lock", "missed_runs");
	r->anon.missed = stored_u64(&b, "anon_vma", "missed_runs");
	r->lock.lost += b.lost.lock;
	r->anon.lost += b.lost.anon;
	r->duration_s = ((h->end_ns ? h->end_ns : b.last_ts) - h->start_ns) / 1e9;
	if (h->end_ns < h->start_ns && b.last_ts < h->start_ns)
		r->duration_s = 0;
	if (json_is_number(stored_at(&b, "duration_s", NULL)))	/* stat's own measure */
		r->duration_s = json_number_value(stored_at(&b, "duration_s", NULL));

	same_kernel = !uname(&u) && !strcmp(u.release, r->kernel);
	if (same_kernel && (b.nwalkers || r->lock.nlongs))
		ks = ksyms_load();
	for (size_t k = 0; k < r->lock.nlongs; k++) {
		struct lock_long *x = &r->lock.longs[k];

		x->kstack = stack_fold((const uint64_t *)x->e.kstack, x->e.nkstack < MMR_STACK_FRAMES ?
				       x->e.nkstack : MMR_STACK_FRAMES, ks);
		x->ustack = stack_fold((const uint64_t *)x->e.ustack, x->e.nustack < MMR_STACK_FRAMES ?
				       x->e.nustack : MMR_STACK_FRAMES, NULL);
	}
	for (size_t k = 0; k < b.nlocks; k++) {
		const char *comm = task_comm(&b, b.locks[k].pid);

		snprintf(b.locks[k].comm, sizeof(b.locks[k].comm), "%s", comm ? comm : "?");
	}
	for (size_t k = 0; k < b.navs; k++) {
		const char *comm = task_comm(&b, b.avs[k].pid);

		snprintf(b.avs[k].comm, sizeof(b.avs[k].comm), "%s", comm ? comm : "?");
	}
	for (size_t k = 0; k < b.nwalkers; k++)
		name_walker(&b, &b.walkers[k], ks);
	for (size_t k = 0; k < r->anon.nwalks; k++) {
		struct av_walker w = { .rmap_one = r->anon.walks[k].e.rmap_one };

		name_walker(&b, &w, ks);
		snprintf(r->anon.walks[k].walker, sizeof(r->anon.walks[k].walker), "%s", w.name);
	}
	ksyms_free(ks);
	if (r->lock.traced) {
		report_set_lock_rows(&r->lock, b.locks, b.nlocks);
		b.locks = NULL;
	}
	if (r->anon.traced) {
		report_set_anon_rows(&r->anon, b.avs, b.navs);
		report_set_anon_walkers(&r->anon, b.walkers, b.nwalkers);
		b.avs = NULL;
		b.walkers = NULL;
	}
	report_sort_procs(r);
	ret = 0;
out:
	json_decref(meta);
	json_decref(b.stored);
	fault_timing_free(b.timing);
	free(b.locks);
	free(b.avs);
	free(b.walkers);
	free(b.tasks);
	rec_close_reader(rd);
	return ret;
}
