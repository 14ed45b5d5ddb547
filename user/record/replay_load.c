// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * replay_load.c: a recording (recfile.h) as a workload the model replays
 * (model.h, struct model_workload), and the figures it recorded, in the
 * model's terms, to set beside the replay's.
 *
 * One process is replayed (the model has one mm): by default the one with
 * the most fault attempts. Its threads' faults come from the attempt
 * events (fentry and kprobe recordings: tracepoint mode records retries
 * only), grouped per fault; its mmap, munmap, mprotect, MADV_DONTNEED and
 * fork calls from the address-space events, each with the mmap_lock write
 * hold recorded inside it. The VMAs it faulted in that no recorded mmap()
 * made existed before: pages of one kind less than 64 pages apart are laid
 * out as one VMA.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <jansson.h>

#include "record/recfile.h"
#include "stats/figures.h"
#include "stats/mmap_lock.h"
#include "record/replay_load.h"
#include "lib/util.h"

#define CLUSTER_GAP 64		/* pages: faulted pages this close are one VMA */

struct vec {
	void *p;
	size_t n, cap, size;
};

static void *vec_push(struct vec *v)
{
	return array_push(&v->p, &v->n, &v->cap, v->size);
}

#define VEC(T) { .size = sizeof(T) }
#define AT(v, T, i) (&((T *)(v).p)[i])

struct loaded {
	struct vec att, mm, ops, preps, tasks;
	unsigned int page_shift;	/* of the recording's page size */
};

/* The recording's page size (its metadata's page_size; 4 KiB if it says
 * none), as a shift. */
static unsigned int page_shift(const json_t *meta)
{
	json_int_t size = json_integer_value(json_object_get(meta, "page_size"));
	unsigned int shift = 12;

	if (size > 0 && !(size & (size - 1)))
		for (shift = 0; (1LL << shift) < size; shift++)
			;
	return shift;
}

/* a fault in progress per thread, to group its attempts */
struct open_fault {
	uint32_t tid;
	size_t act;		/* index in the thread's actions */
	uint64_t addr;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct wl_thread *thread_of(struct model_workload *w, uint32_t pid, uint32_t tid)
{
	struct wl_thread *t;

	for (size_t i = 0; i < w->nthreads; i++)
		if (w->threads[i].tid == tid)
			return &w->threads[i];
	t = realloc(w->threads, (w->nthreads + 1) * sizeof(*t));
	if (!t)
		return NULL;
	w->threads = t;
	t = &w->threads[w->nthreads++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->tid = tid;
	return t;
}

static struct wl_action *act_push(struct wl_thread *t)
{
	struct wl_action *a = realloc(t->acts, (t->nacts + 1) * sizeof(*a));

	if (!a)
		return NULL;
	t->acts = a;
	a = &t->acts[t->nacts++];
	memset(a, 0, sizeof(*a));
	return a;
}

/* lock ops in (tid, t_acq) order, for holds_within()'s search */
static int cmp_op(const void *a, const void *b)
{
	const struct mmr_lock_op_event *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->t_acq < y->t_acq ? -1 : x->t_acq > y->t_acq;
}

/* the mmap_lock holds (write, and read after a downgrade) of tid in [s, e]:
 * l->ops sorted by cmp_op(), found by binary search (a call per recorded
 * address-space call: no scan of every hold) */
static uint64_t holds_within(const struct loaded *l, uint32_t tid, uint64_t s, uint64_t e)
{
	size_t lo = 0, hi = l->ops.n, i;
	uint64_t sum = 0;

	while (lo < hi) {	/* the first op of tid acquired at s or later */
		size_t mid = lo + (hi - lo) / 2;
		const struct mmr_lock_op_event *o = AT(l->ops, struct mmr_lock_op_event, mid);

		if (o->tid < tid || (o->tid == tid && o->t_acq < s))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < l->ops.n; i++) {
		const struct mmr_lock_op_event *o = AT(l->ops, struct mmr_lock_op_event, i);

		if (o->tid != tid || o->t_acq > e)
			break;
		if (o->success && o->t_rel <= e &&
		    (o->write || o->downgrade == MMR_LOCK_OP_FROM_DOWNGRADE))
			sum += o->t_rel - o->t_acq;
	}
	return sum;
}

/* the last write hold of tid ending by t (fork's dup_mmap) */
static uint64_t last_write_hold(const struct loaded *l, uint32_t tid, uint64_t t)
{
	uint64_t best = 0, when = 0;

	for (size_t i = 0; i < l->ops.n; i++) {
		const struct mmr_lock_op_event *o = AT(l->ops, struct mmr_lock_op_event, i);

		if (o->tid == tid && o->success && o->write && o->t_rel <= t && o->t_rel > when) {
			when = o->t_rel;
			best = o->t_rel - o->t_acq;
		}
	}
	return best;
}

/* an anon_vma_prepare() of a VMA starting in [s, e) of pid, after t */
static bool prepared_in(const struct loaded *l, uint32_t pid, uint64_t s, uint64_t e,
			uint64_t t)
{
	for (size_t i = 0; i < l->preps.n; i++) {
		const struct mmr_chain_event *c = AT(l->preps, struct mmr_chain_event, i);

		if (c->pid == pid && c->ts_ns >= t && c->vm_start >= s && c->vm_start < e)
			return true;
	}
	return false;
}

static int read_events(struct rec_reader *rd, struct loaded *l, json_t **meta)
{
	struct rec_item it;
	char err[512];
	int ret;

	*meta = json_loads(rec_meta(rd), 0, NULL);
	while ((ret = rec_next(rd, &it, err, sizeof(err))) == 1) {
		void *p = NULL;

		switch (it.type) {
		case MMR_EV_ATTEMPT:
			if ((p = vec_push(&l->att)))
				memcpy(p, &it.u.attempt, sizeof(it.u.attempt));
			break;
		case MMR_EV_MM:
			if ((p = vec_push(&l->mm)))
				memcpy(p, &it.u.mm, sizeof(it.u.mm));
			break;
		case MMR_EV_LOCK_OP:
			if ((p = vec_push(&l->ops)))
				memcpy(p, &it.u.lock_op, sizeof(it.u.lock_op));
			break;
		case MMR_EV_CHAIN:
			if (it.u.chain.kind != MMR_CHAIN_PREPARE)
				p = (void *)1;
			else if ((p = vec_push(&l->preps)))
				memcpy(p, &it.u.chain, sizeof(it.u.chain));
			break;
		case REC_TASK:
			if ((p = vec_push(&l->tasks)))
				memcpy(p, &it.u.task, sizeof(it.u.task));
			break;
		default:
			p = (void *)1;
			break;
		}
		if (!p) {
			ret = -1;
			snprintf(err, sizeof(err), "out of memory");
			break;
		}
	}
	if (ret < 0) {
		mmr_err("%s", err);
		return -EINVAL;
	}
	return 0;
}

/* the process with the most attempts */
static uint32_t busiest(const struct loaded *l)
{
	uint32_t best = 0;
	size_t bestn = 0;

	for (size_t i = 0; i < l->att.n; i++) {
		uint32_t pid = AT(l->att, struct mmr_attempt_event, i)->pid;
		size_t n = 0;

		if (pid == best)
			continue;
		for (size_t k = 0; k < l->att.n; k++)
			n += AT(l->att, struct mmr_attempt_event, k)->pid == pid;
		if (n > bestn) {
			bestn = n;
			best = pid;
		}
		if (bestn * 2 > l->att.n)
			break;
	}
	return best;
}

/* what the recording measured of pid, in the model's terms */
static void recorded_figures(const struct loaded *l, uint32_t pid, uint32_t vma_lock_flag,
			     struct model_result *rec)
{
	struct mmr_fault_counters *c = &rec->faults;

	memset(rec, 0, sizeof(*rec));
	rec->locks = true;
	for (size_t i = 0; i < l->att.n; i++) {
		const struct mmr_attempt_event *a = AT(l->att, struct mmr_attempt_event, i);

		if (a->pid != pid)
			continue;
		figures_add_attempt(c, a, vma_lock_flag);
		c->kernel_faults += a->attempt == 1 && !(a->flags & MMR_FAULT_FLAG_USER);
	}
	for (size_t i = 0; i < l->ops.n; i++) {
		const struct mmr_lock_op_event *o = AT(l->ops, struct mmr_lock_op_event, i);

		if (o->pid == pid && !o->remote)	/* its own mm's */
			lock_stats_add_op(rec->lock, o);
	}
}

static int cmp_page(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;	/* page << 8 | kind */

	return cmp_u64(x, y);
}

/* the VMAs pid faulted in that no recorded mmap() made: clusters */
static int lay_out_vmas(const struct loaded *l, uint32_t pid, struct model_workload *w)
{
	uint64_t *pages = NULL, *ranges = NULL;
	size_t n = 0, nr = 0, i, j, k;
	int err = -ENOMEM;

	/* the page ranges pid's recorded mmap()s made, sorted and merged:
	 * [ranges[2j], ranges[2j + 1]) */
	for (k = 0; k < l->mm.n; k++) {
		const struct mmr_mm_event *m = AT(l->mm, struct mmr_mm_event, k);

		nr += m->pid == pid && m->op == MMR_MM_MMAP && m->ret >= 0;
	}
	pages = calloc(l->att.n + 1, sizeof(*pages));
	ranges = calloc(2 * nr + 2, sizeof(*ranges));
	if (!pages || !ranges)
		goto out;
	for (k = 0, nr = 0; k < l->mm.n; k++) {
		const struct mmr_mm_event *m = AT(l->mm, struct mmr_mm_event, k);

		if (m->pid != pid || m->op != MMR_MM_MMAP || m->ret < 0)
			continue;
		ranges[2 * nr] = m->addr >> l->page_shift;
		ranges[2 * nr++ + 1] = (m->addr + m->len + (1ULL << l->page_shift) - 1) >>
				       l->page_shift;
	}
	qsort(ranges, nr, 2 * sizeof(*ranges), cmp_u64);	/* by start */
	for (k = 0, j = 0; k < nr; k++) {
		if (ranges[2 * k] >= ranges[2 * k + 1])
			continue;	/* empty */
		if (j && ranges[2 * k] <= ranges[2 * j - 1]) {
			if (ranges[2 * k + 1] > ranges[2 * j - 1])
				ranges[2 * j - 1] = ranges[2 * k + 1];
			continue;
		}
		ranges[2 * j] = ranges[2 * k];
		ranges[2 * j++ + 1] = ranges[2 * k + 1];
	}
	nr = j;
	for (i = 0; i < l->att.n; i++) {
		const struct mmr_attempt_event *a = AT(l->att, struct mmr_attempt_event, i);
		uint64_t page = a->addr >> l->page_shift;
		size_t lo = 0, hi = nr;
		bool mapped;

		if (a->pid != pid || a->attempt != 1)
			continue;
		while (lo < hi) {	/* the last range starting at or below page */
			size_t mid = lo + (hi - lo) / 2;

			if (ranges[2 * mid] <= page)
				lo = mid + 1;
			else
				hi = mid;
		}
		mapped = lo && page < ranges[2 * (lo - 1) + 1];
		if (!mapped && page < (1ULL << 52))
			pages[n++] = page << 8 | (a->vma_kind & 0xff);
	}
	qsort(pages, n, sizeof(*pages), cmp_page);
	for (i = 0; i < n; ) {
		uint64_t first = pages[i] >> 8, last = first;
		uint8_t kind = pages[i] & 0xff;
		struct wl_vma *v;

		for (k = i + 1; k < n && (pages[k] & 0xff) == kind &&
		     (pages[k] >> 8) - last <= CLUSTER_GAP; k++)
			last = pages[k] >> 8;
		/* another kind's page inside the span would overlap: cut there */
		v = realloc(w->vmas, (w->nvmas + 1) * sizeof(*v));
		if (!v)
			goto out;
		w->vmas = v;
		v = &w->vmas[w->nvmas++];
		memset(v, 0, sizeof(*v));
		v->start = first;
		v->npages = last - first + 1;
		v->kind = kind;
		v->prepared = kind <= MMR_VMA_ANON &&
			      prepared_in(l, pid, first << l->page_shift, (last + 1) << l->page_shift, 0);
		i = k;
	}
	/* clusters of different kinds interleaved: keep them apart */
	for (i = 1; i < w->nvmas; i++)
		if (w->vmas[i].start < w->vmas[i - 1].start + w->vmas[i - 1].npages) {
			uint64_t cut = w->vmas[i].start - w->vmas[i - 1].start;

			w->vmas[i - 1].npages = cut ? cut : 1;
			if (w->vmas[i].start < w->vmas[i - 1].start + w->vmas[i - 1].npages) {
				err = -EINVAL;
				goto out;
			}
		}
	err = 0;
out:
	free(pages);
	free(ranges);
	return err;
}

static int cmp_vma(const void *a, const void *b)
{
	const struct wl_vma *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void replay_free(struct model_workload *w)
{
	for (size_t i = 0; i < w->nthreads; i++)
		free(w->threads[i].acts);
	free(w->threads);
	free(w->vmas);
	memset(w, 0, sizeof(*w));
}

int replay_load(const char *path, uint32_t want_pid, struct model_workload *w,
		struct replay_info *info)
{
	struct rec_reader *rd;
	char err[512];
	int ret;

	rd = rec_open(path, err, sizeof(err));
	if (!rd) {
		mmr_err("%s", err);
		memset(w, 0, sizeof(*w));
		return -EINVAL;
	}
	ret = replay_load_reader(rd, path, want_pid, w, info);
	rec_close_reader(rd);
	return ret;
}

int replay_load_reader(struct rec_reader *rd, const char *path, uint32_t want_pid,
		       struct model_workload *w, struct replay_info *info)
{
	struct loaded l = { VEC(struct mmr_attempt_event), VEC(struct mmr_mm_event),
			    VEC(struct mmr_lock_op_event), VEC(struct mmr_chain_event),
			    VEC(struct rec_task), 12 };
	struct open_fault *open = NULL;
	uint64_t t0 = UINT64_MAX;
	size_t nopen = 0, i, k;
	uint32_t pid, vma_lock_flag = 0;
	json_t *meta = NULL;
	int err;

	memset(w, 0, sizeof(*w));
	memset(info, 0, sizeof(*info));
	if ((err = read_events(rd, &l, &meta)))
		goto out;
	l.page_shift = page_shift(meta);
	if (l.ops.n)
		qsort(l.ops.p, l.ops.n, l.ops.size, cmp_op);
	err = -EINVAL;
	if (!json_is_true(json_object_get(meta, "attempts"))) {
		mmr_err("%s: recorded in %s mode, which streams retries, not every fault "
			"attempt: replay needs a recording made with fentry or kprobes", path,
			json_string_value(json_object_get(json_object_get(meta, "modes"), "faults")) ?:
			"an unknown");
		goto out;
	}
	if (json_is_true(json_object_get(meta, "per_vma_locks")))
		vma_lock_flag = MMR_FAULT_FLAG_VMA_LOCK;
	snprintf(info->kernel, sizeof(info->kernel), "%s",
		 json_string_value(json_object_get(meta, "kernel")) ?: "");
	pid = want_pid ? want_pid : busiest(&l);
	if (!pid) {
		mmr_err("%s: no fault attempt recorded", path);
		goto out;
	}
	info->pid = pid;
	for (i = 0; i < l.att.n; i++) {
		const struct mmr_attempt_event *a = AT(l.att, struct mmr_attempt_event, i);

		if (a->pid == pid)
			info->attempts++;
		else
			info->other_attempts++;
		if (a->pid == pid && a->start_ns < t0)
			t0 = a->start_ns;
	}
	if (!info->attempts) {
		mmr_err("%s: process %u made no fault attempt in the recording", path, pid);
		goto out;
	}
	recorded_figures(&l, pid, vma_lock_flag, &info->recorded);
	for (i = 0; i < l.tasks.n; i++)
		if (AT(l.tasks, struct rec_task, i)->tid == pid)
			snprintf(info->comm, sizeof(info->comm), "%s",
				 AT(l.tasks, struct rec_task, i)->comm);
	err = -ENOMEM;
	if ((err = lay_out_vmas(&l, pid, w)))
		goto out;
	err = -ENOMEM;

	/* the actions, merged in time order: attempts and mm events */
	{
		size_t ia = 0, im = 0;

		open = calloc(1, sizeof(*open));
		while (ia < l.att.n || im < l.mm.n) {
			const struct mmr_attempt_event *a = ia < l.att.n ?
				AT(l.att, struct mmr_attempt_event, ia) : NULL;
			const struct mmr_mm_event *m = im < l.mm.n ?
				AT(l.mm, struct mmr_mm_event, im) : NULL;
			struct wl_thread *t;
			struct wl_action *act;

			if (a && (!m || a->start_ns <= m->ts_ns - m->dur_ns)) {
				ia++;
				if (a->pid != pid)
					continue;
				t = thread_of(w, pid, a->tid);
				if (!t)
					goto out;
				for (k = 0; k < nopen && open[k].tid != a->tid; k++)
					;
				if (a->attempt > 1 && k < nopen && open[k].addr == a->addr) {
					/* a later attempt of the thread's fault */
					t->acts[open[k].act].t_end = a->end_ns;
					continue;
				}
				act = act_push(t);
				if (!act)
					goto out;
				act->kind = WL_FAULT;
				act->page = a->addr >> l.page_shift;
				act->write = a->flags & MMR_FAULT_FLAG_WRITE;
				act->user = a->flags & MMR_FAULT_FLAG_USER;
				act->vma_kind = a->vma_kind;
				act->reason = MMR_REASON_NONE;
				if (a->result & MMR_VM_FAULT_RETRY) {
					act->reason = a->reason;
					if (a->reason == MMR_REASON_FILE_IO ||
					    a->reason == MMR_REASON_PAGE_LOCK ||
					    a->reason == MMR_REASON_SWAP ||
					    a->reason == MMR_REASON_USERFAULTFD)
						act->wait_ns = a->end_ns - a->start_ns;
				} else if ((a->result & MMR_VM_FAULT_MAJOR) &&
					   a->vma_kind == MMR_VMA_FILE) {
					/* read without a retry (a TRIED attempt) */
					act->reason = MMR_REASON_FILE_IO;
					act->wait_ns = a->end_ns - a->start_ns;
				}
				act->t_start = a->start_ns;
				act->t_end = a->end_ns;
				if (k == nopen) {
					struct open_fault *g = realloc(open, (nopen + 1) * sizeof(*g));

					if (!g)
						goto out;
					open = g;
					nopen++;
				}
				open[k].tid = a->tid;
				open[k].act = t->nacts - 1;
				open[k].addr = a->addr;
				continue;
			}
			im++;
			if (m->pid != pid)
				continue;
			{
				uint64_t s = m->ts_ns - m->dur_ns;
				uint8_t kind;

				switch (m->op) {
				case MMR_MM_MMAP:
					if (m->ret < 0)
						continue;
					kind = WL_MMAP;
					break;
				case MMR_MM_MUNMAP:
					kind = WL_MUNMAP;
					break;
				case MMR_MM_MPROTECT:
					kind = WL_MPROTECT;
					break;
				case MMR_MM_MADVISE:
					if (m->arg != MADV_DONTNEED)
						continue;
					kind = WL_DONTNEED;
					break;
				case MMR_MM_FORK:
					kind = WL_FORK;
					break;
				default:
					info->skipped_calls++;
					continue;
				}
				t = thread_of(w, pid, m->tid);
				if (!t || !(act = act_push(t)))
					goto out;
				act->kind = kind;
				act->page = m->addr >> l.page_shift;
				act->writable = kind == WL_MPROTECT && (m->arg & PROT_WRITE);
				if (kind == WL_FORK) {
					act->hold_ns = last_write_hold(&l, m->tid, m->ts_ns);
					s = m->ts_ns;
				} else {
					act->hold_ns = holds_within(&l, m->tid, s, m->ts_ns);
				}
				if (kind == WL_MMAP) {
					uint32_t flags = m->arg >> 32;
					uint64_t npages = (m->len + (1ULL << l.page_shift) - 1) >>
							  l.page_shift;

					act->vma_kind = !(flags & MAP_ANONYMOUS) ? MMR_VMA_FILE :
							(flags & MAP_SHARED) ? MMR_VMA_SHMEM : MMR_VMA_ANON;
					act->shared = flags & MAP_SHARED;
					act->prepared = act->vma_kind == MMR_VMA_ANON &&
						prepared_in(&l, pid, m->addr, m->addr + npages * 4096,
							    m->ts_ns);
				}
				act->npages = (m->len + (1ULL << l.page_shift) - 1) >> l.page_shift;
				act->t_start = s;
				act->t_end = m->ts_ns;
			}
		}
	}
	/* the time each thread spent between its actions */
	for (i = 0; i < w->nthreads; i++) {
		struct wl_thread *t = &w->threads[i];

		for (k = 0; k < t->nacts; k++) {
			struct wl_action *a = &t->acts[k];

			if (!k)
				t->start_ns = a->t_start > t0 ? a->t_start - t0 : 0;
			else
				a->gap_ns = a->t_start > t->acts[k - 1].t_end ?
					    a->t_start - t->acts[k - 1].t_end : 0;
		}
		for (size_t j = 0; j < l.tasks.n; j++)
			if (AT(l.tasks, struct rec_task, j)->tid == t->tid)
				snprintf(t->comm, sizeof(t->comm), "%s",
					 AT(l.tasks, struct rec_task, j)->comm);
	}
	if (w->nvmas)
		qsort(w->vmas, w->nvmas, sizeof(*w->vmas), cmp_vma);
	err = 0;
out:
	if (err)
		replay_free(w);
	json_decref(meta);
	free(open);
	free(l.att.p);
	free(l.mm.p);
	free(l.ops.p);
	free(l.preps.p);
	free(l.tasks.p);
	return err;
}
