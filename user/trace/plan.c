// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace/plan.h"

#define ENOTSUPP_ 524	/* the kernel's ENOTSUPP (no BPF trampoline), not in libc */

/* the hooks struct features says the kernel has, by name */
const char *const mmr_fn_names[NR_FNS] = {
	[FN_HANDLE_MM_FAULT]	 = "handle_mm_fault",
	[FN_FILEMAP_FAULT]	 = "filemap_fault",
	[FN_FOLIO_LOCK_KILLABLE] = "__folio_lock_killable",
	[FN_FOLIO_LOCK_OR_RETRY] = "__folio_lock_or_retry",
	[FN_DO_SWAP_PAGE]	 = "do_swap_page",
	[FN_HANDLE_USERFAULT]	 = "handle_userfault",
	[FN_SHMEM_FAULT]	 = "shmem_fault",
	[FN_VMF_ANON_PREPARE]	 = "__vmf_anon_prepare",
	[FN_FAULT_DIRTY_SHARED_PAGE] = "fault_dirty_shared_page",
	[FN_LOCK_VMA_UNDER_RCU]	 = "lock_vma_under_rcu",
	[FN_ANON_VMA_FORK]	 = "anon_vma_fork",
	[FN_ANON_VMA_CLONE]	 = "anon_vma_clone",
	[FN_ANON_VMA_PREPARE]	 = "__anon_vma_prepare",
	[FN_RMAP_WALK_ANON]	 = "rmap_walk_anon",
	[FN_AVIT_ITER_FIRST]	 = "anon_vma_interval_tree_iter_first",
	[FN_AVIT_ITER_NEXT]	 = "anon_vma_interval_tree_iter_next",
	[FN_PAGE_VMA_MAPPED_WALK] = "page_vma_mapped_walk",
};

const char *const mmr_tp_names[NR_TPS] = {
	[TP_MM_FILEMAP_FAULT]		= "mm_filemap_fault",
	[TP_MM_FILEMAP_ADD_TO_PAGE_CACHE] = "mm_filemap_add_to_page_cache",
	[TP_MMAP_LOCK_START_LOCKING]	= "mmap_lock_start_locking",
	[TP_MMAP_LOCK_ACQUIRE_RETURNED] = "mmap_lock_acquire_returned",
	[TP_MMAP_LOCK_RELEASED]		= "mmap_lock_released",
	[TP_SCHED_PROCESS_FORK]		= "sched_process_fork",
	[TP_SCHED_PROCESS_EXIT]		= "sched_process_exit",
	[TP_CONTENTION_BEGIN]		= "contention_begin",
	[TP_CONTENTION_END]		= "contention_end",
};

/*
 * Can the kernel preempt a running BPF program? Under none and voluntary
 * preemption a task is only switched where the code calls schedule() or
 * cond_resched(), which no BPF program does; full, lazy and RT preemption
 * switch anywhere, and a dynamic kernel whose mode is unknown may. A
 * preempted fentry/fexit program is skipped for every other task reaching
 * its hook on that CPU until it resumes (prog->active): counts can miss
 * runs there. A kprobe's program runs with preemption off: none is skipped.
 */
static bool preemptible(const struct features *f)
{
	return !f->preempt[0] || (strcmp(f->preempt, "none") && strcmp(f->preempt, "voluntary"));
}

/* modes, best first: the plan falls back along this order. Where the
 * kernel preempts BPF programs, kprobes (exact) before fentry (cheaper);
 * the light order (plan_request.light) puts tracepoint mode first */
static const enum mmr_mode mode_order[] = {
	MMR_MODE_FENTRY, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT,
};
static const enum mmr_mode exact_order[] = {
	MMR_MODE_KPROBE, MMR_MODE_FENTRY, MMR_MODE_TRACEPOINT,
};
static const enum mmr_mode light_order[] = {
	MMR_MODE_TRACEPOINT, MMR_MODE_FENTRY, MMR_MODE_KPROBE,
};
static const enum mmr_mode light_exact_order[] = {
	MMR_MODE_TRACEPOINT, MMR_MODE_KPROBE, MMR_MODE_FENTRY,
};

#define NR_ORDER (sizeof(mode_order) / sizeof(mode_order[0]))

static const enum mmr_mode *order_of(const struct features *f, const struct plan_request *rq)
{
	if (rq->light && f->per_vma_locks)
		return preemptible(f) ? light_exact_order : light_order;
	return preemptible(f) ? exact_order : mode_order;
}

const char *probe_refusal(enum probed t, int err, bool kprobes)
{
	static char buf[96];

	if (t == PROBE_UNTESTED)
		return "untested (needs root to try)";
	if (t == PROBE_NOT_TRIED)
		return "not tried (a better mode works)";
	if (err == -EPERM)	/* loaded as root, yet refused */
		return "refused (EPERM: kernel lockdown or a security module)";
	if (err == -ENOENT && kprobes)
		/* libbpf found neither the kprobe PMU nor tracefs's kprobe_events */
		return "unsupported (CONFIG_KPROBES off: ENOENT)";
	if (err == -ENOTSUPP_ || err == -EOPNOTSUPP)
		return "unsupported by this kernel";
	if (!err)
		return "unavailable";
	snprintf(buf, sizeof(buf), "refused: %s", strerror(-err));
	return buf;
}

static const char *tri_why(enum probed t, int err, const char *what)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s %s", what,
		 probe_refusal(t, err, !strcmp(what, "kprobes")));
	return buf;
}

/* Why mmap_lock (tp_btf on its tracepoints) cannot be traced here, or NULL. */
static const char *mmap_lock_unusable(const struct features *f)
{
	if (!f->btf)
		return "kernel has no BTF (/sys/kernel/btf/vmlinux)";
	if (!f->tp[TP_MMAP_LOCK_START_LOCKING] || !f->tp[TP_MMAP_LOCK_ACQUIRE_RETURNED] ||
	    !f->tp[TP_MMAP_LOCK_RELEASED])
		return "kernel has no mmap_lock tracepoints (5.10+)";
	if (f->tp_btf != PROBE_YES)
		return tri_why(f->tp_btf, f->tp_btf_err, "tp_btf programs");
	if (!f->ringbuf)
		return "kernel has no BPF ring buffer (5.8+)";
	if (!f->task_storage)
		return "kernel has no BPF task storage (5.11+)";
	return NULL;
}

bool faults_mode_usable(const struct features *f, enum mmr_mode m, char *why, size_t len)
{
	/* a kind plan_next_probe() did not try: loading the tracer is its test */
	static const char untried[] = "ok (not tried: a fallback)";
	const char *w = "ok";
	bool ok = false;

	if (!f->btf)
		w = "kernel has no BTF (/sys/kernel/btf/vmlinux)";
	else if (f->ringbuf == false && f->tp_btf != PROBE_UNTESTED)
		w = "kernel has no BPF ring buffer (5.8+)";
	else if (!f->task_storage && f->tp_btf != PROBE_UNTESTED)
		w = "kernel has no BPF task storage (5.11+)";
	else {
		switch (m) {
		/* a kind not tried (plan_next_probe()) is a fallback, tried
		 * by loading the tracer itself */
		case MMR_MODE_FENTRY:
			if (!f->fn_btf[FN_HANDLE_MM_FAULT])
				w = "handle_mm_fault is not in BTF";
			else if (f->fentry == PROBE_NOT_TRIED)
				ok = true, w = untried;
			else if (f->fentry != PROBE_YES)
				w = tri_why(f->fentry, f->fentry_err, "fentry/fexit");
			else
				ok = true;
			break;
		case MMR_MODE_KPROBE:
			if (!f->fn_ksym[FN_HANDLE_MM_FAULT])
				w = "handle_mm_fault is not in kallsyms";
			else if (f->kprobe == PROBE_NOT_TRIED)
				ok = true, w = untried;
			else if (f->kprobe != PROBE_YES)
				w = tri_why(f->kprobe, f->kprobe_err, "kprobes");
			else
				ok = true;
			break;
		case MMR_MODE_TRACEPOINT:
			if (!f->tp[TP_MMAP_LOCK_START_LOCKING] ||
				 !f->tp[TP_MMAP_LOCK_ACQUIRE_RETURNED])
				w = "mmap_lock tracepoints are missing";
			else if (f->tp_btf != PROBE_YES)
				w = tri_why(f->tp_btf, f->tp_btf_err, "tp_btf programs");
			else
				ok = true;
			break;
		default:
			w = "unknown mode";
		}
	}
	if (why)
		snprintf(why, len, "%s", w);
	return ok;
}

static void plan_lock(const struct features *f, const struct plan_request *rq,
		      struct lock_plan *lp)
{
	const char *why = mmap_lock_unusable(f);

	if (rq->no_mmap_lock)
		snprintf(lp->why, sizeof(lp->why), "--no-mmap-lock");
	else if (why)
		snprintf(lp->why, sizeof(lp->why), "%s", why);
	lp->on = !rq->no_mmap_lock && !why;
	lp->warn = !rq->no_mmap_lock && why;
}

static void plan_anon(const struct features *f, const struct plan_request *rq,
		      struct anon_plan *ap)
{
	char why[128];
	int m;

	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++) {
		if (rq->no_anon_vma) {
			snprintf(ap->why[m], sizeof(ap->why[m]), "not traced: --no-anon-vma");
			continue;
		}
		ap->on[m] = anon_vma_usable(f, m, why, sizeof(why));
		if (ap->on[m])
			continue;
		if (m == MMR_MODE_TRACEPOINT && rq->mode == MMR_MODE_TRACEPOINT)
			snprintf(ap->why[m], sizeof(ap->why[m]),
				 "needs fentry or kprobes, not --mode tracepoint");
		else if (m == MMR_MODE_TRACEPOINT)
			snprintf(ap->why[m], sizeof(ap->why[m]),
				 "needs fentry or kprobes, which this kernel refuses");
		else
			snprintf(ap->why[m], sizeof(ap->why[m]), "%s", why);
		snprintf(ap->note[m], sizeof(ap->note[m]), "anon_vma not traced: %s",
			 m == MMR_MODE_TRACEPOINT ? "needs fentry or kprobes" : why);
	}
}

static void plan_latency(const struct plan_request *rq, struct latency_plan *lp)
{
	int m;

	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++) {
		bool can = m == MMR_MODE_FENTRY || m == MMR_MODE_KPROBE;

		lp->on[m] = can && !rq->no_latency;
		if (!can)
			lp->why[m] = "needs fentry or kprobes";
		else if (rq->no_latency)
			lp->why[m] = "not timed: --no-latency";
	}
}

static enum probed kind_of_mode(const struct features *f, enum mmr_mode m, enum prog_kind *k)
{
	*k = m == MMR_MODE_FENTRY ? PROG_FENTRY : m == MMR_MODE_KPROBE ? PROG_KPROBE : PROG_TP_BTF;
	return m == MMR_MODE_FENTRY ? f->fentry : m == MMR_MODE_KPROBE ? f->kprobe : f->tp_btf;
}

enum prog_kind plan_next_probe(const struct features *f, const struct plan_request *rq)
{
	enum prog_kind k;
	size_t i;

	if (f->tp_btf == PROBE_NOT_TRIED)
		return PROG_TP_BTF;
	for (i = 0; i < NR_ORDER; i++) {
		enum mmr_mode m = order_of(f, rq)[i];

		if (rq->mode != MMR_MODE_NONE && rq->mode != m)
			continue;
		if (kind_of_mode(f, m, &k) == PROBE_NOT_TRIED)
			return k;
		/* the first mode that works decides; light, tracepoint
		 * mode's producer hooks want fentry or kprobes too */
		if (faults_mode_usable(f, m, NULL, 0) &&
		    !(rq->light && m == MMR_MODE_TRACEPOINT && i == 0))
			break;
	}
	return PROG_NONE;
}

/* preemptible(): the fentry/fexit programs get guard twins there, which
 * make up for most skipped runs, not all (README) */
static void plan_guard(const struct features *f, struct fault_plan *fp)
{
	const char *m = f->preempt[0] ? f->preempt : "unknown";

	fp->guarded = preemptible(f);
	snprintf(fp->guard_why, sizeof(fp->guard_why), "%s: preemption %s%s%s%s",
		 fp->guarded ? "yes" : "no", m, f->preempt_from[0] ? " (" : "",
		 f->preempt_from, f->preempt_from[0] ? ")" : "");
	if (fp->guarded)
		snprintf(fp->order_why, sizeof(fp->order_why),
			 "kprobes before fentry: preemption %s, where a preempted "
			 "fentry/fexit program misses other tasks' runs", m);
	else
		snprintf(fp->order_why, sizeof(fp->order_why),
			 "fentry before kprobes: preemption %s, no run missed", m);
}

int plan_make(const struct features *f, const struct plan_request *rq, struct plan *p,
	      char *err, size_t errlen)
{
	enum mmr_mode forced = rq->mode;
	struct fault_plan *fp = &p->faults;
	size_t i;

	memset(p, 0, sizeof(*p));
	plan_lock(f, rq, &p->lock);
	plan_anon(f, rq, &p->anon);
	plan_latency(rq, &p->latency);
	plan_guard(f, fp);
	for (i = 0; i < NR_ORDER; i++) {
		enum mmr_mode m = order_of(f, rq)[i];
		bool ok = faults_mode_usable(f, m, fp->why[m], sizeof(fp->why[m]));

		if (ok && (forced == MMR_MODE_NONE || forced == m))
			fp->modes[fp->nmodes++] = m;
	}
	if (fp->nmodes)
		return 0;
	if (!f->btf)
		snprintf(err, errlen, "this kernel has no BTF (/sys/kernel/btf/vmlinux): "
			 "mmretry needs CONFIG_DEBUG_INFO_BTF=y");
	else if (forced != MMR_MODE_NONE)
		snprintf(err, errlen, "mode '%s' is not available: %s", mode_name(forced),
			 fp->why[forced]);
	else if (f->fentry == PROBE_UNTESTED && f->kprobe == PROBE_UNTESTED &&
		 f->tp_btf == PROBE_UNTESTED)
		snprintf(err, errlen, "unknown without root: only loading a program tells "
			 "(run as root, or with CAP_BPF and CAP_PERFMON)");
	else
		snprintf(err, errlen, "no mode can trace faults here: fentry: %s; kprobe: %s; "
			 "tracepoint: %s", fp->why[MMR_MODE_FENTRY], fp->why[MMR_MODE_KPROBE],
			 fp->why[MMR_MODE_TRACEPOINT]);
	return -ENOTSUP;
}

enum mmr_mode producers_kind(const struct features *f)
{
	if (preemptible(f) && f->kprobe == PROBE_YES)
		return MMR_MODE_KPROBE;
	if (f->fentry == PROBE_YES)
		return MMR_MODE_FENTRY;
	if (f->kprobe == PROBE_YES)
		return MMR_MODE_KPROBE;
	return MMR_MODE_NONE;
}

/* the producers tracepoint mode hooks: no fast path, no attempt's entry
 * (not __vmf_anon_prepare, which every anonymous fault calls: tracepoint
 * mode tells its retries from its failed mmap_lock trylock) */
static bool tracepoint_producer(int fn)
{
	return fn == FN_FILEMAP_FAULT || fn == FN_DO_SWAP_PAGE || fn == FN_HANDLE_USERFAULT ||
	       fn == FN_SHMEM_FAULT || fn == FN_FAULT_DIRTY_SHARED_PAGE;
}

void faults_hooks(const struct features *f, enum mmr_mode m, bool hooks[NR_FNS])
{
	enum mmr_mode kind = m == MMR_MODE_TRACEPOINT ? producers_kind(f) : m;
	const bool *have = kind == MMR_MODE_FENTRY ? f->fn_btf : f->fn_ksym;
	int i;

	for (i = 0; i < NR_FNS; i++)
		hooks[i] = false;
	if (kind != MMR_MODE_FENTRY && kind != MMR_MODE_KPROBE)
		return;
	for (i = 0; i < NR_FNS; i++)
		hooks[i] = have[i] && i < FN_LOCK_VMA_UNDER_RCU &&
			   (m != MMR_MODE_TRACEPOINT || tracepoint_producer(i));
}

bool anon_vma_usable(const struct features *f, enum mmr_mode m, char *why, size_t len)
{
	const bool *have = m == MMR_MODE_FENTRY ? f->fn_btf : f->fn_ksym;
	int i;

	if (m != MMR_MODE_FENTRY && m != MMR_MODE_KPROBE) {
		snprintf(why, len, "needs fentry or kprobes, and faults are traced with %s",
			 mode_name(m));
		return false;
	}
	for (i = FN_ANON_VMA_FORK; i <= FN_PAGE_VMA_MAPPED_WALK; i++)
		if (!have[i]) {
			snprintf(why, len, "%s is not in %s", mmr_fn_names[i],
				 m == MMR_MODE_FENTRY ? "BTF" : "kallsyms");
			return false;
		}
	if (m == MMR_MODE_FENTRY && f->anon_vma_clone_nparams != 2 &&
	    f->anon_vma_clone_nparams != 3) {
		snprintf(why, len, "anon_vma_clone has %d parameters, not 2 or 3",
			 f->anon_vma_clone_nparams);
		return false;
	}
	if (!f->tp[TP_CONTENTION_BEGIN] || !f->tp[TP_CONTENTION_END]) {
		snprintf(why, len, "the lock:contention_begin/end tracepoints are missing (5.19+)");
		return false;
	}
	snprintf(why, len, "ok");
	return true;
}

void faults_figure_states(const struct features *f, enum mmr_mode m,
			  const bool hooks[NR_FNS], uint8_t states[FF_NR])
{
	int i;

	for (i = 0; i < FF_NR; i++)
		states[i] = VAL_NA;

	if (m == MMR_MODE_FENTRY || m == MMR_MODE_KPROBE) {
		if (!hooks[FN_HANDLE_MM_FAULT])
			return;
		for (i = 0; i < FF_REASON0; i++)
			states[i] = VAL_EXACT;
		/* a reason is exact where its producer is hooked; one the
		 * kernel cannot produce (e.g. anon_vma on 6.1) is an exact 0 */
		states[FF_REASON0 + MMR_REASON_FILE_IO] =
			hooks[FN_FILEMAP_FAULT] ? VAL_EXACT : VAL_NA;
		/* page_lock: no folio added to the page cache (tracepoint), or
		 * else a lock wait seen in __folio_lock_killable */
		states[FF_REASON0 + MMR_REASON_PAGE_LOCK] =
			hooks[FN_FILEMAP_FAULT] && (f->tp[TP_MM_FILEMAP_ADD_TO_PAGE_CACHE] ||
						    hooks[FN_FOLIO_LOCK_KILLABLE]) ? VAL_EXACT : VAL_NA;
		states[FF_REASON0 + MMR_REASON_SWAP] =
			hooks[FN_DO_SWAP_PAGE] || hooks[FN_FOLIO_LOCK_OR_RETRY] ? VAL_EXACT : VAL_NA;
		states[FF_REASON0 + MMR_REASON_USERFAULTFD] =
			hooks[FN_HANDLE_USERFAULT] ? VAL_EXACT : VAL_NA;
		states[FF_REASON0 + MMR_REASON_SHMEM] =
			hooks[FN_SHMEM_FAULT] ? VAL_EXACT : VAL_NA;
		states[FF_REASON0 + MMR_REASON_ANON_VMA] =
			hooks[FN_VMF_ANON_PREPARE] || !f->per_vma_locks ? VAL_EXACT : VAL_NA;
		states[FF_REASON0 + MMR_REASON_VMA_FALLBACK] = VAL_EXACT;
		states[FF_REASON0 + MMR_REASON_OTHER] = VAL_EXACT;
		states[FF_REASON0 + MMR_REASON_UNATTRIBUTED] = VAL_EXACT;
		return;
	}
	if (m != MMR_MODE_TRACEPOINT)
		return;
	/*
	 * Faults and major faults from the kernel's fault accounting
	 * (trace/acct.c); retries and attempts reconstructed from mmap_lock
	 * acquisitions and filemap events (bpf/faults.bpf.c).
	 */
	states[FF_FAULTS] = VAL_INFERRED;
	states[FF_MAJOR] = VAL_INFERRED;
	states[FF_ATTEMPTS] = VAL_INFERRED;
	states[FF_RETRIES] = VAL_INFERRED;
	states[FF_MMAP_LOCK_ATTEMPTS] = VAL_INFERRED;
	/* no per-VMA locks: no VMA-lock attempts, exactly */
	states[FF_VMA_LOCK_ATTEMPTS] = f->per_vma_locks ? VAL_INFERRED : VAL_EXACT;
	if ((f->tp[TP_MM_FILEMAP_FAULT] && f->tp[TP_MM_FILEMAP_ADD_TO_PAGE_CACHE]) ||
	    hooks[FN_FILEMAP_FAULT]) {
		states[FF_REASON0 + MMR_REASON_FILE_IO] = VAL_INFERRED;
		states[FF_REASON0 + MMR_REASON_PAGE_LOCK] = VAL_INFERRED;
	}
	/* the producers hooked where the kernel allows it (faults_hooks())
	 * name the retries the slow path counts */
	if (hooks[FN_DO_SWAP_PAGE])
		states[FF_REASON0 + MMR_REASON_SWAP] = VAL_INFERRED;
	if (hooks[FN_HANDLE_USERFAULT])
		states[FF_REASON0 + MMR_REASON_USERFAULTFD] = VAL_INFERRED;
	if (hooks[FN_SHMEM_FAULT])
		states[FF_REASON0 + MMR_REASON_SHMEM] = VAL_INFERRED;
	/* __vmf_anon_prepare()'s failed trylock inside a fault (a stack
	 * walk: kallsyms addresses), with per-VMA locks */
	if (f->per_vma_locks && f->fn_btf[FN_VMF_ANON_PREPARE] && f->aepf_start)
		states[FF_REASON0 + MMR_REASON_ANON_VMA] = VAL_INFERRED;
	states[FF_REASON0 + MMR_REASON_UNATTRIBUTED] = VAL_INFERRED;
	/* VM_FAULT_COMPLETED: fault_dirty_shared_page() is its one producer */
	if (hooks[FN_FAULT_DIRTY_SHARED_PAGE])
		states[FF_COMPLETED] = VAL_EXACT;
	/* errors, abandoned and the other reasons are unseen */
}
