// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * replay.c: a recorded workload (model.h, struct model_workload) run through
 * the fault path under any era: each recorded thread does its faults and
 * address-space calls in order, with the time it spent between them; each
 * fault meets what it met when recorded (a page to read, a read already in
 * flight, a swapped-out page, a userfaultfd handler) and waits as long as
 * it waited then. What the era decides (whether the fault drops its lock
 * and retries, under which lock it runs, what it waits for) is the model's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/sim.h"

/* pages of the file, the swap cache or one VMA a replay lays out: 64 GiB */
#define REPLAY_MAX_PAGES (1ULL << 24)

struct replay {
	const struct model_workload *w;
	uint64_t file_next;		/* the next file page a VMA gets */
	uint64_t swap_next;		/* the next swap slot */
	int err;			/* what stopped a thread: the replay's error */
};

/* a VMA of kind k at [start, start + npages), its file pages from *next */
static int vma_kind_set(struct sim *s, struct replay *rp, struct vma *v, uint8_t kind,
			bool shared, bool prepared)
{
	if (kind >= MMR_NR_VMA_KINDS)	/* a kind this mmretry does not know */
		kind = MMR_VMA_UNKNOWN;
	v->anon = kind == MMR_VMA_ANON || kind == MMR_VMA_UNKNOWN;
	v->shared = !v->anon && (shared || kind != MMR_VMA_FILE);
	v->file = kind == MMR_VMA_FILE;
	v->special = kind == MMR_VMA_SPECIAL;
	v->has_anon_vma = v->anon && !prepared;
	if (kind == MMR_VMA_FILE || kind == MMR_VMA_SHMEM) {
		if (rp->file_next + (v->end - v->start) > s->file.npages)
			return -EINVAL;
		v->pgoff = rp->file_next;
		rp->file_next += v->end - v->start;
	}
	return 0;
}

/* what a fault met, made so before it runs: the state of its page */
static int meet(struct sim *s, struct replay *rp, struct mthread *t, const struct wl_action *a)
{
	struct vma *v = find_vma(&s->mm, a->page);
	uint64_t i;

	if (!v)
		return 0;	/* the fault will find no VMA: SIGSEGV */
	i = a->page - v->start;
	switch (a->reason) {
	case MMR_REASON_FILE_IO:	/* the page was not in the cache */
	case MMR_REASON_PAGE_LOCK:	/* its read was in flight */
		if (v->anon || v->special || v->pgoff + i >= s->file.npages)
			break;		/* no page of the file: the model decides */
		s->file.io_ns[v->pgoff + i] = a->wait_ns;
		if (a->reason == MMR_REASON_FILE_IO) {
			s->file.state[v->pgoff + i] = FOLIO_NONE;
		} else {
			s->file.state[v->pgoff + i] = FOLIO_IO;
			s->file.io_done[v->pgoff + i] = t->now + a->wait_ns;
		}
		break;
	case MMR_REASON_SWAP:		/* the page was swapped out */
		if (!v->anon)
			break;
		if (!v->swapped) {
			v->swapped = calloc((v->end - v->start + 7) / 8, 1);
			if (!v->swapped)
				return -ENOMEM;
			v->swap_base = rp->swap_next;
			rp->swap_next += v->end - v->start;
			if (rp->swap_next > s->swap.npages)
				return -EINVAL;
		}
		v->swapped[i / 8] |= 1u << (i % 8);
		v->present[i / 8] &= ~(1u << (i % 8));
		s->swap.state[v->swap_base + i] = FOLIO_NONE;
		s->swap.io_ns[v->swap_base + i] = a->wait_ns;
		break;
	case MMR_REASON_USERFAULTFD:	/* a handler provides the page */
		v->uffd = true;
		t->uffd_ns = a->wait_ns;
		break;
	case MMR_REASON_ANON_VMA:	/* the VMA had no anon_vma yet */
		if (v->anon)
			v->has_anon_vma = false;
		break;
	default:
		break;
	}
	return 0;
}

static int replay_thread(struct sim *s, struct mthread *t)
{
	enum { D = 0 };
	const struct wl_thread *th = t->replay;
	struct replay *rp = (struct replay *)s->replay;
	const struct wl_action *a;

	PT_BEGIN(t, D);
	t->now += th->start_ns;
	for (t->i = 0; t->i < th->nacts; t->i++) {
		a = &th->acts[t->i];
		t->now += a->gap_ns;
		t->op_ns = a->hold_ns;
		t->mapped = a->page;
		t->npages = a->npages;
		/* if, not switch: a wait's case label must be the protothread's */
		if (a->kind == WL_FAULT) {
			PT_SYNC(s, t, D);	/* the page's state is everyone's */
			a = &th->acts[t->i];
			if ((rp->err = meet(s, rp, t, a)))
				PT_EXIT(t, D, 0);
			t->addr_page = a->page;
			t->write_fault = a->write;
			t->kernel_mode = !a->user;
			PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
			t->uffd_ns = 0;
		} else if (a->kind == WL_MMAP) {
			PT_CALL(t, D, t->ret, sys_mmap(s, t, D + 1, true));
			a = &th->acts[t->i];
			if (t->vma && (rp->err = vma_kind_set(s, rp, t->vma, a->vma_kind, a->shared,
							      a->prepared)))
				PT_EXIT(t, D, 0);
		} else if (a->kind == WL_MUNMAP) {
			PT_CALL(t, D, t->ret, sys_munmap(s, t, D + 1));
		} else if (a->kind == WL_MPROTECT) {
			t->write_fault = a->writable;
			PT_CALL(t, D, t->ret, sys_mprotect(s, t, D + 1));
		} else if (a->kind == WL_DONTNEED) {
			PT_CALL(t, D, t->ret, sys_madvise_dontneed(s, t, D + 1));
		} else if (a->kind == WL_FORK) {
			PT_CALL(t, D, t->ret, sys_fork(s, t, D + 1));
		}
	}
	PT_END(t, D);
	return 0;
}

/* file pages for every file or shmem VMA, swap slots for every anonymous
 * one (a page may be found swapped out) */
static void sizes(const struct model_workload *w, uint64_t *file, uint64_t *swap)
{
	size_t i, k;

	*file = *swap = 0;
	for (i = 0; i < w->nvmas; i++)
		*(w->vmas[i].kind == MMR_VMA_FILE || w->vmas[i].kind == MMR_VMA_SHMEM ? file :
		  swap) += w->vmas[i].npages;
	for (i = 0; i < w->nthreads; i++)
		for (k = 0; k < w->threads[i].nacts; k++) {
			const struct wl_action *a = &w->threads[i].acts[k];

			if (a->kind == WL_MMAP)
				*(a->vma_kind == MMR_VMA_FILE || a->vma_kind == MMR_VMA_SHMEM ?
				  file : swap) += a->npages;
		}
}

int model_replay(const struct model_workload *w, enum model_policy p, struct model_result *res)
{
	struct replay rp = { .w = w };
	uint64_t file_pages, swap_pages, prev_end = 0;
	struct sim s;
	size_t i;
	int err;

	sizes(w, &file_pages, &swap_pages);
	/* a recorded mapping this large would take the model's memory: refuse */
	if (file_pages > REPLAY_MAX_PAGES || swap_pages > REPLAY_MAX_PAGES ||
	    w->nthreads > 4096 || w->nvmas > MM_MAX_VMAS / 2) {
		memset(res, 0, sizeof(*res));
		return -E2BIG;
	}
	for (i = 0; i < w->nvmas; i++)
		if (w->vmas[i].npages > REPLAY_MAX_PAGES) {
			memset(res, 0, sizeof(*res));
			return -E2BIG;
		}
	if ((err = sim_init(&s, p, 1, (int)w->nthreads, res)))
		goto out;
	s.replay = &rp;
	err = -ENOMEM;
	if ((file_pages && file_init(&s.file, file_pages)) ||
	    (swap_pages && file_init(&s.swap, swap_pages)))
		goto out;
	if ((file_pages && !(s.file.io_ns = calloc(file_pages, sizeof(uint64_t)))) ||
	    (swap_pages && !(s.swap.io_ns = calloc(swap_pages, sizeof(uint64_t)))))
		goto out;
	if (file_pages)		/* cached, unless met otherwise */
		memset(s.file.state, FOLIO_UPTODATE, file_pages);
	for (i = 0; i < w->nvmas; i++) {
		const struct wl_vma *wv = &w->vmas[i];
		struct vma *v;

		err = -EINVAL;
		if (!wv->npages || wv->start < prev_end)
			goto out;	/* the workload's VMAs are sorted, apart */
		prev_end = wv->start + wv->npages;
		err = -ENOMEM;
		if (!(v = vma_add(&s.mm, wv->start, wv->npages, true, false, false, 0)))
			goto out;
		if ((err = vma_kind_set(&s, &rp, v, wv->kind, wv->shared, wv->prepared)))
			goto out;
		v->uffd = wv->uffd;
		/* its pages were there before, unless a fault says otherwise */
		memset(v->present, 0, (wv->npages + 7) / 8);
	}
	for (i = 0; i < w->nthreads; i++) {
		s.threads[i].program = replay_thread;
		s.threads[i].replay = &w->threads[i];
		s.threads[i].faulter = true;
	}
	err = sim_run(&s);
	if (!err)
		err = rp.err;
out:
	sim_free(&s);
	return err;
}
