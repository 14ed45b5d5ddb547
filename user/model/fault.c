// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fault.c: the fault path, function by function after the kernel's
 * (arch/x86/mm/fault.c, mm/memory.c, mm/filemap.c), on the mm of mm.c.
 * Where an era behaves differently, the policy decides (policy.c says
 * which kernel did what); waits are PT_WAIT/PT_CALL (sim.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/sim.h"

/* ---- page tables ---- */

static bool pte_present(const struct vma *v, uint64_t page)
{
	uint64_t i = page - v->start;

	return v->present[i / 8] & (1u << (i % 8));
}

static void set_pte(struct vma *v, uint64_t page)
{
	uint64_t i = page - v->start;

	v->npresent += !(v->present[i / 8] & (1u << (i % 8)));
	v->present[i / 8] |= 1u << (i % 8);
}

bool vma_page_present(const struct vma *v, uint64_t page)
{
	return pte_present(v, page);
}

/* is_swap_pte(): the PTE holds a swap entry */
static bool pte_swapped(const struct vma *v, uint64_t page)
{
	uint64_t i = page - v->start;

	return v->swapped && (v->swapped[i / 8] & (1u << (i % 8)));
}

/*
 * madvise(MADV_POPULATE_WRITE) before the threads start: GUP calls
 * handle_mm_fault() for each page, all under one mmap_lock read hold, and
 * the first gives the VMA its anon_vma.
 */
void vma_populate(struct sim *s, struct vma *v)
{
	struct mmr_fault_counters *c = &s->res->faults;
	uint64_t n = v->end - v->start;
	struct mmr_lock_stats *rd = &s->res->lock[0];

	memset(v->present, 0xff, (n + 7) / 8);
	v->npresent = n;
	v->has_anon_vma = true;
	c->attempts += n;
	c->faults += n;
	c->mmap_lock_attempts += n;
	for (uint64_t i = 0; i < n; i++)	/* GUP's: kernel faults, no FAULT_FLAG_USER */
		fault_timed_once(&s->res->latency, false, model_costs.anon_page);
	rd->acquisitions++;
	hist_add(&rd->wait, 0);
	hist_add(&rd->hold, n * model_costs.anon_page);
}

/* zap_page_range(): no PTE left */
static void zap_ptes(struct vma *v)
{
	memset(v->present, 0, (v->end - v->start + 7) / 8);
	v->npresent = 0;
}

void shmem_punch(struct sim *s, struct mthread *t, struct vma *v)
{
	uint64_t n = v->end - v->start;

	t->now += v->npresent * model_costs.pte_zap;	/* unmap_mapping_range() */
	zap_ptes(v);
	s->punch.vma = v;
	s->punch.until = t->now + n * model_costs.pte_zap;	/* shmem_truncate_range() */
	t->now = s->punch.until;
}

/* every page of an anonymous VMA written, then swapped out by reclaim:
 * its PTEs hold swap entries, the next slots of the swap device */
int vma_swap_out(struct sim *s, struct vma *v)
{
	uint64_t n = v->end - v->start, have = s->swap.npages;
	struct file grown = { 0 };

	if (!(v->swapped = malloc((n + 7) / 8)) || file_init(&grown, have + n)) {
		file_free(&grown);
		return -ENOMEM;
	}
	memset(v->swapped, 0xff, (n + 7) / 8);
	if (have) {
		memcpy(grown.state, s->swap.state, have);
		memcpy(grown.io_done, s->swap.io_done, have * sizeof(*grown.io_done));
	}
	file_free(&s->swap);
	s->swap = grown;
	v->swap_base = have;
	v->has_anon_vma = true;		/* it was written before */
	zap_ptes(v);
	return 0;
}

/* a page's read: as a replay recorded it, or the model's cost */
static uint64_t read_ns(const struct file *f, uint64_t idx, uint64_t cost)
{
	return f->io_ns && f->io_ns[idx] ? f->io_ns[idx] : cost;
}

/* a syscall's work under the lock: as a replay recorded it (once), or the
 * model's cost */
static uint64_t op_cost(struct mthread *t, uint64_t cost)
{
	uint64_t ns = t->op_ns ? t->op_ns : cost;

	t->op_ns = 0;
	return ns;
}

/* ---- the locks a fault runs under ---- */

/* lock_vma_under_rcu(): the VMA, read-locked, or NULL (no wait: a VMA
 * being changed, or none, sends the fault to mmap_lock) */
static struct vma *lock_vma_under_rcu(struct sim *s, struct mthread *t, uint64_t page)
{
	struct vma *vma = find_vma(&s->mm, page);

	if (!vma || vma->write_locked || vma->detached)
		return NULL;
	vma->readers++;
	return vma;
}

static void vma_end_read(struct sim *s, struct vma *vma)
{
	if (!--vma->readers && vma->writer) {
		sim_wake(s, vma->writer, s->now);	/* vma_start_write() may go on */
		vma->writer = NULL;
	}
}

/* vma_start_write(): under mmap_lock for write, no new VMA-lock reader;
 * wait for the current ones */
static bool vma_start_write(struct sim *s, struct mthread *t, struct vma *vma)
{
	if (!vma->write_locked) {
		vma->write_locked = true;
		s->mm.locked[s->mm.nlocked++] = vma;
	}
	if (!vma->readers)
		return true;
	vma->writer = t;
	return false;
}

/* mmap_write_unlock(): the VMAs write-locked under it are free again */
static void mmap_write_unlock(struct sim *s, struct mthread *t)
{
	for (int i = 0; i < s->mm.nlocked; i++)
		s->mm.locked[i]->write_locked = false;
	s->mm.nlocked = 0;
	up_write(s, t, &s->mm.mmap_lock);
}

/* release_fault_lock(): whichever lock the fault holds */
static void release_fault_lock(struct sim *s, struct mthread *t)
{
	if (t->vmf.flags & MMR_FAULT_FLAG_VMA_LOCK)
		vma_end_read(s, t->vmf.vma);
	else
		up_read(s, t, &s->mm.mmap_lock);
}

/*
 * maybe_unlock_mmap_for_io(): may the fault drop its lock to wait? Only
 * with ALLOW_RETRY and on the first attempt (fault_flag_allow_retry_first).
 */
static bool maybe_unlock_mmap_for_io(struct sim *s, struct mthread *t)
{
	unsigned int f = t->vmf.flags;

	if (!(f & MMR_FAULT_FLAG_ALLOW_RETRY) || (f & MMR_FAULT_FLAG_TRIED))
		return false;
	release_fault_lock(s, t);
	return true;
}

/* ---- the fault path ---- */

/*
 * filemap_fault(): the page from the page cache, reading it first if it
 * is not there. While the read runs the page is locked; the fault either
 * waits for it under its lock (legacy, or a TRIED attempt), or drops the
 * lock, waits, and returns VM_FAULT_RETRY so the next attempt maps it.
 */
static int filemap_fault(struct sim *s, struct mthread *t)
{
	enum { D = 5 };
	struct vm_fault *vmf = &t->vmf;
	uint64_t idx = vmf->vma->pgoff + (vmf->page - vmf->vma->start);
	struct file *f = &s->file;
	int ret = 0;

	PT_BEGIN(t, D);
	PT_SYNC(s, t, D);
	if (f->state[idx] == FOLIO_IO && t->now >= f->io_done[idx])
		f->state[idx] = FOLIO_UPTODATE;
	if (f->state[idx] == FOLIO_UPTODATE) {
		t->now += model_costs.map_page;
		set_pte(vmf->vma, vmf->page);
		PT_EXIT(t, D, 0);
	}
	if (f->state[idx] == FOLIO_NONE) {
		/* page_cache_sync_ra(): the read starts, the folio locked;
		 * the fault that missed the cache is major */
		f->state[idx] = FOLIO_IO;
		f->io_done[idx] = t->now + read_ns(f, idx, model_costs.read_io);
		t->reason = MMR_REASON_FILE_IO;
		ret = MMR_VM_FAULT_MAJOR;
	} else {
		/* someone else's read (another fault's, or readahead's): the
		 * folio is in the cache, locked; lock_folio_maybe_drop_mmap()
		 * waits for it, and the fault is not major */
		t->reason = MMR_REASON_PAGE_LOCK;
	}
	/* lock_folio_maybe_drop_mmap() */
	t->io_ret = ret;		/* locals do not survive a wait */
	if (maybe_unlock_mmap_for_io(s, t)) {
		if (t->now < f->io_done[idx])
			t->now = f->io_done[idx];
		if (!s->tr->seq_continue)
			PT_EXIT(t, D, ret | MMR_VM_FAULT_RETRY);
		/* Morton's variant: take mmap_sem again; if nothing changed the
		 * mm meanwhile, the VMA found before is still right: go on */
		PT_SYNC(s, t, D);
		PT_WAIT(t, D, down_read(s, t, &s->mm.mmap_lock));
		ret = t->io_ret;
		if (s->mm.seq != t->seq_snapshot) {
			up_read(s, t, &s->mm.mmap_lock);
			PT_EXIT(t, D, ret | MMR_VM_FAULT_RETRY);
		}
		s->res->continued++;
		t->now += model_costs.map_page;
		set_pte(t->vmf.vma, t->vmf.page);
		PT_EXIT(t, D, ret);
	}
	if (t->now < f->io_done[idx])
		t->now = f->io_done[idx];	/* waiting under the lock */
	t->now += model_costs.map_page;
	set_pte(vmf->vma, vmf->page);
	PT_END(t, D);
	return ret;
}

/*
 * vmf_can_call_fault() (6.7+): under the VMA lock, ->fault() may run only
 * for a VMA whose ops can map pages around it (->map_pages: the page
 * cache's); a special mapping's (the vDSO's) cannot, and the fault goes on
 * under mmap_lock.
 */
static int vmf_can_call_fault(struct sim *s, struct mthread *t)
{
	if (!t->vmf.vma->special || !(t->vmf.flags & MMR_FAULT_FLAG_VMA_LOCK))
		return 0;
	release_fault_lock(s, t);
	t->reason = MMR_REASON_VMA_FALLBACK;
	return MMR_VM_FAULT_RETRY;
}

/* do_read_fault() -> __do_fault() -> vma->vm_ops->fault(): filemap_fault(),
 * or special_mapping_fault(), whose page is always there */
/*
 * shmem_fault(): a page of a shmem file (a memfd, tmpfs), allocated
 * (zeroed) at its first fault. While fallocate(PUNCH_HOLE) runs over it
 * (shmem_falloc_wait()), the fault sleeps until the punch ends, having
 * dropped its lock if it may (maybe_unlock_mmap_for_io()): VM_FAULT_RETRY,
 * reason shmem; if it may not, VM_FAULT_NOPAGE, and the access faults
 * again. The same from 6.1 to 7.2 (inlined as shmem_falloc_wait() later).
 */
static int shmem_fault(struct sim *s, struct mthread *t)
{
	if (s->punch.vma == t->vmf.vma && t->now < s->punch.until) {
		bool dropped = maybe_unlock_mmap_for_io(s, t);

		t->now = s->punch.until;
		if (!dropped)
			return MMR_VM_FAULT_NOPAGE;
		t->reason = MMR_REASON_SHMEM;
		return MMR_VM_FAULT_RETRY;
	}
	t->now += model_costs.shmem_page;
	set_pte(t->vmf.vma, t->vmf.page);
	return 0;
}

static int do_read_fault(struct sim *s, struct mthread *t)
{
	enum { D = 4 };

	PT_BEGIN(t, D);
	if ((t->fault = vmf_can_call_fault(s, t)))
		PT_EXIT(t, D, t->fault);
	if (t->vmf.vma->shared && !t->vmf.vma->file) {
		PT_SYNC(s, t, D);	/* the punch is another thread's */
		PT_EXIT(t, D, shmem_fault(s, t));
	}
	if (t->vmf.vma->special) {
		t->now += model_costs.map_page;
		set_pte(t->vmf.vma, t->vmf.page);
		PT_EXIT(t, D, 0);
	}
	PT_CALL(t, D, t->fault, filemap_fault(s, t));
	PT_END(t, D);
	return t->fault;
}

/*
 * balance_dirty_pages_ratelimited(): every ratelimit pages a task dirties,
 * balance_dirty_pages() looks at the dirty pages (writeback has cleaned bw a
 * second of them meanwhile) and, over the limit, sleeps until writeback
 * brings them back to it: at most MAX_PAUSE (200 ms) a time.
 */
static void balance_dirty_pages_ratelimited(struct sim *s, struct mthread *t)
{
	struct dirty_limits *d = &s->dirty;
	uint64_t cleaned, pause;

	if (!d->limit)
		return;
	cleaned = (t->now > d->last ? t->now - d->last : 0) * d->bw / 1000000000ULL;
	if (cleaned) {
		d->nr_dirty = d->nr_dirty > cleaned ? d->nr_dirty - cleaned : 0;
		d->last = t->now;
	}
	d->nr_dirty++;
	if (++t->dirtied < d->ratelimit)
		return;
	t->dirtied = 0;
	if (d->nr_dirty <= d->limit)
		return;
	pause = (d->nr_dirty - d->limit) * 1000000000ULL / d->bw;
	t->now += pause < 200000000ULL ? pause : 200000000ULL;
	s->res->dirty_pauses++;
}

/*
 * fault_dirty_shared_page(): a shared page just dirtied is accounted, and
 * balance_dirty_pages_ratelimited() may throttle: since 5.3 without the
 * mmap_lock, which it drops first (89b15332af7c), before holding it; the
 * fault is then done but its lock is gone, which 5.19 says with
 * VM_FAULT_COMPLETED and older kernels with VM_FAULT_RETRY (the retry finds
 * the PTE in place). shmem cannot write back: it is never throttled, but
 * the lock is dropped all the same.
 */
static int fault_dirty_shared_page(struct sim *s, struct mthread *t)
{
	bool dropped;

	t->now += model_costs.dirty;
	dropped = s->tr->dirty_drop && maybe_unlock_mmap_for_io(s, t);
	if (t->vmf.vma->file)
		balance_dirty_pages_ratelimited(s, t);
	if (!dropped)
		return 0;
	t->reason = MMR_REASON_OTHER;
	return s->tr->completed ? MMR_VM_FAULT_COMPLETED : MMR_VM_FAULT_RETRY;
}

/*
 * do_shared_fault(): the page from ->fault() (shmem_fault() allocates it;
 * filemap_fault() may have to read it, and retry), ->page_mkwrite() for a
 * file, finish_fault() maps it, and fault_dirty_shared_page().
 */
static int do_shared_fault(struct sim *s, struct mthread *t)
{
	enum { D = 4 };

	PT_BEGIN(t, D);
	if (!t->vmf.vma->file) {
		PT_SYNC(s, t, D);	/* a punch is another thread's */
		t->page_ret = shmem_fault(s, t);
		if (t->page_ret & (MMR_VM_FAULT_RETRY | MMR_VM_FAULT_NOPAGE))
			PT_EXIT(t, D, t->page_ret);
	} else {
		PT_CALL(t, D, t->page_ret, filemap_fault(s, t));
		if (t->page_ret & (MMR_VM_FAULT_RETRY | MMR_VM_FAULT_ERROR))
			PT_EXIT(t, D, t->page_ret);
		t->now += model_costs.mkwrite;	/* do_page_mkwrite() */
		PT_SYNC(s, t, D);		/* the dirty pages are everyone's */
	}
	PT_END(t, D);
	return t->page_ret | fault_dirty_shared_page(s, t);
}

/*
 * do_cow_fault(): a write to a private file mapping (a library's data):
 * the file's page from ->fault() (filemap_fault(), which may read it and
 * retry), copied into an anonymous page; nothing dirtied in the file.
 */
static int do_cow_fault(struct sim *s, struct mthread *t)
{
	enum { D = 4 };

	PT_BEGIN(t, D);
	PT_CALL(t, D, t->page_ret, filemap_fault(s, t));
	if (!(t->page_ret & (MMR_VM_FAULT_RETRY | MMR_VM_FAULT_ERROR)))
		t->now += model_costs.anon_page;	/* copy_user_highpage() */
	PT_END(t, D);
	return t->page_ret;
}

/*
 * do_swap_page(): the PTE holds a swap entry. A folio not in the swap
 * cache is read (swapin_readahead(): the read starts, the folio locked; the
 * fault is major); then folio_lock_or_retry(): the folio stays locked while
 * its read runs, so the fault drops its lock, waits for the read and
 * returns VM_FAULT_RETRY, if it may (ALLOW_RETRY, first attempt); else it
 * waits holding it. The retry finds the folio in the swap cache and maps it.
 * From 4.13 to 6.5 (swap_poll), a one-page readahead window (page-cluster
 * 0) read the page polled: read_swap_cache_async(..., do_poll = win == 1)
 * waited for it, so folio_lock_or_retry() found it unlocked: major, no
 * retry. The other pages of a larger window are not modelled.
 */
static int do_swap_page(struct sim *s, struct mthread *t)
{
	enum { D = 4 };
	struct vm_fault *vmf = &t->vmf;
	uint64_t slot = vmf->vma->swap_base + (vmf->page - vmf->vma->start);
	struct file *sc = &s->swap;
	int ret = 0;

	PT_BEGIN(t, D);
	PT_SYNC(s, t, D);
	if (sc->state[slot] == FOLIO_IO && t->now >= sc->io_done[slot])
		sc->state[slot] = FOLIO_UPTODATE;
	if (sc->state[slot] == FOLIO_NONE) {
		sc->state[slot] = FOLIO_IO;
		sc->io_done[slot] = t->now + read_ns(sc, slot, model_costs.swap_io);
		ret = MMR_VM_FAULT_MAJOR;
		if (s->tr->swap_poll && s->swap_window == 1) {	/* swap_readpage(, true) */
			t->now = sc->io_done[slot];
			sc->state[slot] = FOLIO_UPTODATE;
		}
	}
	if (sc->state[slot] == FOLIO_IO) {
		t->reason = MMR_REASON_SWAP;
		if (maybe_unlock_mmap_for_io(s, t)) {
			t->now = t->now > sc->io_done[slot] ? t->now : sc->io_done[slot];
			PT_EXIT(t, D, ret | MMR_VM_FAULT_RETRY);
		}
		t->now = t->now > sc->io_done[slot] ? t->now : sc->io_done[slot];
		sc->state[slot] = FOLIO_UPTODATE;
	}
	/* swap_free(), set_pte_at() */
	vmf->vma->swapped[(vmf->page - vmf->vma->start) / 8] &=
		~(1u << ((vmf->page - vmf->vma->start) % 8));
	t->now += model_costs.map_page;
	set_pte(vmf->vma, vmf->page);
	PT_END(t, D);
	return ret;
}

/*
 * __vmf_anon_prepare(): the first anonymous fault of a VMA gives it an
 * anon_vma, which needs mmap_lock: under the VMA lock, a trylock for read,
 * and VM_FAULT_RETRY (reason anon_vma) if it fails (6.7+).
 */
static int vmf_anon_prepare(struct sim *s, struct mthread *t)
{
	struct vma *vma = t->vmf.vma;

	if (vma->has_anon_vma)
		return 0;
	if (t->vmf.flags & MMR_FAULT_FLAG_VMA_LOCK) {
		if (!down_read_trylock(s, t, &s->mm.mmap_lock)) {
			release_fault_lock(s, t);
			t->reason = MMR_REASON_ANON_VMA;
			return MMR_VM_FAULT_RETRY;
		}
		vma->has_anon_vma = true;	/* anon_vma_prepare() */
		up_read(s, t, &s->mm.mmap_lock);
		return 0;
	}
	vma->has_anon_vma = true;
	return 0;
}

/*
 * handle_userfault() (fs/userfaultfd.c): a missing page of a registered VMA
 * is the handler's to provide. The fault queues a message, drops its lock,
 * sleeps until the handler's UFFDIO_COPY has installed the page, and
 * returns VM_FAULT_RETRY; the retry finds the PTE. Without the right to
 * retry (before 5.x, a NOPAGE-style retry), it cannot wait: SIGBUS.
 */
static int handle_userfault(struct sim *s, struct mthread *t)
{
	if (!(t->vmf.flags & MMR_FAULT_FLAG_ALLOW_RETRY))
		return MMR_VM_FAULT_SIGBUS;
	release_fault_lock(s, t);
	t->now += t->uffd_ns ? t->uffd_ns : model_costs.uffd_serve;	/* the handler, while we sleep */
	set_pte(t->vmf.vma, t->vmf.page);
	s->res->uffd_served++;
	t->reason = MMR_REASON_USERFAULTFD;
	return MMR_VM_FAULT_RETRY;
}

/* do_anonymous_page(): a zeroed page */
static int do_anonymous_page(struct sim *s, struct mthread *t)
{
	int ret;

	if (t->vmf.vma->uffd)
		return handle_userfault(s, t);
	ret = vmf_anon_prepare(s, t);
	if (ret)
		return ret;
	t->now += model_costs.anon_page;
	set_pte(t->vmf.vma, t->vmf.page);
	return 0;
}

/* handle_pte_fault(): what the missing (or present) PTE needs */
static int handle_pte_fault(struct sim *s, struct mthread *t)
{
	enum { D = 3 };
	struct vm_fault *vmf = &t->vmf;

	PT_BEGIN(t, D);
	if (pte_present(vmf->vma, vmf->page)) {
		t->now += model_costs.spurious;	/* the retry's second look */
		t->fault = 0;
	} else if (pte_swapped(vmf->vma, vmf->page)) {
		PT_CALL(t, D, t->fault, do_swap_page(s, t));
	} else if (vmf->vma->anon) {
		t->fault = do_anonymous_page(s, t);
	} else if (!vmf->write) {
		PT_CALL(t, D, t->fault, do_read_fault(s, t));
	} else if (!vmf->vma->shared) {
		PT_CALL(t, D, t->fault, do_cow_fault(s, t));
	} else {
		PT_CALL(t, D, t->fault, do_shared_fault(s, t));
	}
	PT_END(t, D);
	return t->fault;
}

/* ---- timing, as mmretry times a fault live (bpf/faults.bpf.c) ---- */

/*
 * attempt_enter(): an attempt begins at t->now; a fault's first stamps its
 * start; a later one ends the gap since the retry before it, and the
 * mmap_lock wait in that gap (retry_resumed()).
 */
static void attempt_enter(struct sim *s, struct mthread *t)
{
	struct mmr_fault_latency *l = &s->res->latency;

	t->attempt_start = t->now;
	if (!t->attempt++) {
		t->fault_start = t->now;
		return;
	}
	mmr_hist_add_reason(l->gap, t->last_reason, t->now - t->retry_end);
	if (t->retry_locked)
		mmr_hist_add_reason(l->lock_wait, t->last_reason, t->retry_lock_wait);
}

/*
 * attempt_exit(): the attempt returned fault at t->now. A first attempt
 * that retried stamps the retry's start and its reason; one that did not
 * retry ends the fault (fault_done()). A fault whose last attempt retried
 * and that was never attempted again (a SIGSEGV: its VMA went while it
 * waited) is not timed, as live.
 */
static void attempt_exit(struct sim *s, struct mthread *t, int fault)
{
	struct mmr_fault_latency *l = &s->res->latency;

	if (fault & MMR_VM_FAULT_RETRY) {
		if (t->attempt == 1) {
			t->retry_start = t->now;
			t->first_reason = t->reason;
		}
		/* each retry: its attempt, and the gap to come */
		mmr_hist_add_reason(l->attempt, t->reason, t->now - t->attempt_start);
		t->retry_end = t->now;
		t->last_reason = t->reason;
		t->retry_lock_wait = 0;
		t->retry_locked = false;
		return;
	}
	mmr_fault_done(l, &(struct mmr_fault_end){
		.flags = t->vmf.flags,
		.attempts = t->attempt,
		.completed = !!(fault & MMR_VM_FAULT_COMPLETED),
		.major = !!(fault & MMR_VM_FAULT_MAJOR),
		.first_reason = t->first_reason,
		.dur = t->now - t->fault_start,
		.retry_ns = t->now - t->retry_start,
		.last_ns = t->now - t->attempt_start,
	});
}

/* handle_mm_fault(): one attempt, counted as mmretry counts it live */
static int handle_mm_fault(struct sim *s, struct mthread *t)
{
	enum { D = 2 };
	struct mmr_fault_counters *c = &s->res->faults;
	int fault;

	PT_BEGIN(t, D);
	attempt_enter(s, t);
	c->attempts++;
	if (t->vmf.flags & MMR_FAULT_FLAG_VMA_LOCK)
		c->vma_lock_attempts++;
	else
		c->mmap_lock_attempts++;
	t->reason = MMR_REASON_OTHER;
	PT_CALL(t, D, t->fault, handle_pte_fault(s, t));
	PT_END(t, D);
	fault = t->fault;
	/* as mmretry counts an attempt live (bpf/faults.bpf.c): major is the
	 * VM_FAULT_MAJOR result, retried or not (not the kernel's accounting,
	 * which also counts a TRIED attempt major) */
	c->major += !!(fault & MMR_VM_FAULT_MAJOR);
	c->completed += !!(fault & MMR_VM_FAULT_COMPLETED);
	c->errors += !!(fault & MMR_VM_FAULT_ERROR);
	if (fault & MMR_VM_FAULT_RETRY) {
		c->retries++;
		c->reasons[t->reason]++;
	} else {
		c->faults++;	/* a fault ends here */
	}
	attempt_exit(s, t, fault);
	return fault;
}

/*
 * handle_speculative_fault() (the 2018 series, and the 2008 idea): an
 * anonymous fault with no lock at all, on the VMA found under RCU. The page
 * is allocated and cleared first; only then, as the PTE goes in, is the
 * VMA validated: its sequence count unchanged (spf), or only not dead
 * (srcu-vma). A fault that finds it changed aborts, and runs again under
 * mmap_lock. One that installs into a VMA unmapped or made read-only
 * meanwhile is what the validation exists to prevent: counted as unsafe.
 */
static int handle_speculative_fault(struct sim *s, struct mthread *t)
{
	enum { D = 2 };
	struct mmr_fault_counters *c = &s->res->faults;
	struct vm_fault *vmf = &t->vmf;
	bool changed;

	PT_BEGIN(t, D);
	attempt_enter(s, t);
	c->attempts++;
	if (pte_present(vmf->vma, vmf->page)) {
		t->now += model_costs.spurious;
		c->faults++;
		attempt_exit(s, t, 0);
		PT_EXIT(t, D, 0);
	}
	t->now += model_costs.anon_page;	/* the page, allocated and cleared */
	PT_SYNC(s, t, D);			/* what others did meanwhile */
	changed = vmf->vma->detached;
	if (s->tr->speculative == SPEC_SEQ)
		changed |= vmf->vma->seq != t->seq_snapshot;
	if (changed) {
		s->res->speculative_aborts++;
		c->retries++;
		c->reasons[MMR_REASON_VMA_FALLBACK]++;
		t->reason = MMR_REASON_VMA_FALLBACK;
		attempt_exit(s, t, MMR_VM_FAULT_RETRY);
		PT_EXIT(t, D, MMR_VM_FAULT_RETRY);
	}
	if (vmf->vma->detached)
		s->res->unsafe_unmapped++;
	else if (vmf->write && !vmf->vma->writable)
		s->res->unsafe_readonly++;
	set_pte(vmf->vma, vmf->page);
	c->faults++;
	attempt_exit(s, t, 0);
	PT_END(t, D);
	return 0;
}

/* access_error(): a write to a VMA without PROT_WRITE */
static bool access_error(const struct vm_fault *vmf)
{
	return vmf->write && !vmf->vma->writable;
}

/*
 * do_user_addr_fault() (arch/x86/mm/fault.c): a speculative attempt where
 * the what-if has one, the per-VMA lock first where the era has one; else,
 * and after their retry, mmap_lock (lock_mm_and_find_vma) and
 * handle_mm_fault() again until it stops asking to retry.
 */
int do_user_addr_fault(struct sim *s, struct mthread *t)
{
	enum { D = 1 };
	struct vm_fault *vmf = &t->vmf;

	PT_BEGIN(t, D);
	s->mm.faulting++;
	t->attempt = 0;		/* a new fault */
	t->now += model_costs.fault_entry;
	vmf->write = t->write_fault;
	vmf->page = t->addr_page;
	vmf->flags = (t->write_fault ? MMR_FAULT_FLAG_WRITE : 0) |
		     (t->kernel_mode ? 0 : MMR_FAULT_FLAG_USER) |
		     (s->tr->allow_retry ? MMR_FAULT_FLAG_ALLOW_RETRY : 0);
	/* a fault the kernel takes on a user address (copy_to_user(), GUP)
	 * starts under mmap_lock: "if (!(flags & FAULT_FLAG_USER)) goto
	 * lock_mmap" */
	if (t->kernel_mode) {
		s->res->faults.kernel_faults++;
		goto retry;
	}
	if (s->tr->speculative != SPEC_NONE) {
		PT_SYNC(s, t, D);
		vmf->vma = find_vma(&s->mm, vmf->page);	/* under RCU: no lock */
		/* the 2018 series handled anonymous VMAs that had an anon_vma */
		if (vmf->vma && vmf->vma->anon && vmf->vma->has_anon_vma && !access_error(vmf)) {
			t->seq_snapshot = vmf->vma->seq;
			vmf->flags |= FAULT_FLAG_SPECULATIVE;
			PT_CALL(t, D, t->fault, handle_speculative_fault(s, t));
			vmf->flags &= ~FAULT_FLAG_SPECULATIVE;
			if (!(t->fault & MMR_VM_FAULT_RETRY))
				goto done;
		}
	}
	if (s->tr->vma_locks) {
		PT_SYNC(s, t, D);
		vmf->vma = lock_vma_under_rcu(s, t, vmf->page);
		if (vmf->vma && access_error(vmf)) {
			vma_end_read(s, vmf->vma);
			t->fault = MMR_VM_FAULT_SIGSEGV;	/* bad_area_access_error() */
			s->res->bad_area++;
			goto done;
		}
		if (vmf->vma) {
			vmf->flags |= MMR_FAULT_FLAG_VMA_LOCK;
			PT_CALL(t, D, t->fault, handle_mm_fault(s, t));
			vmf->flags &= ~MMR_FAULT_FLAG_VMA_LOCK;
			if (!(t->fault & (MMR_VM_FAULT_RETRY | MMR_VM_FAULT_COMPLETED)))
				vma_end_read(s, vmf->vma);
			if (!(t->fault & MMR_VM_FAULT_RETRY))
				goto done;
			if (t->fault & MMR_VM_FAULT_MAJOR)
				vmf->flags |= MMR_FAULT_FLAG_TRIED;
		}
	}
retry:
	/* lock_mm_and_find_vma() */
	PT_SYNC(s, t, D);
	PT_WAIT(t, D, down_read(s, t, &s->mm.mmap_lock));
	vmf->vma = find_vma(&s->mm, vmf->page);
	t->seq_snapshot = s->mm.seq;
	if (!vmf->vma || access_error(vmf)) {
		up_read(s, t, &s->mm.mmap_lock);
		t->fault = MMR_VM_FAULT_SIGSEGV;	/* bad_area() */
		s->res->bad_area++;
		goto done;
	}
	PT_CALL(t, D, t->fault, handle_mm_fault(s, t));
	if (t->fault & MMR_VM_FAULT_RETRY) {
		/* the lock is gone; 2006's NOPAGE_RETRY tried once more, without
		 * the right to retry again; 5.x keeps it, marked TRIED */
		if (s->tr->retry_once)
			vmf->flags &= ~MMR_FAULT_FLAG_ALLOW_RETRY;
		vmf->flags |= MMR_FAULT_FLAG_TRIED;
		goto retry;
	}
	if (!(t->fault & MMR_VM_FAULT_COMPLETED)) {
		PT_SYNC(s, t, D);
		up_read(s, t, &s->mm.mmap_lock);
	}
done:
	PT_END(t, D);
	if (!--s->mm.faulting)	/* a grace period: no fault looks at a dead VMA */
		mm_free_dead(&s->mm);
	return t->fault;
}

/* ---- the syscalls that take mmap_lock for write ---- */

static void mm_changed(struct sim *s)
{
	s->mm.seq++;
}

/* mmap() of t->npages anonymous pages: at t->mapped if fixed (MAP_FIXED),
 * else where the mm has room, which t->mapped then says */
int sys_mmap(struct sim *s, struct mthread *t, int d, bool fixed)
{
	PT_BEGIN(t, d);
	PT_SYNC(s, t, d);
	PT_WAIT(t, d, down_write(s, t, &s->mm.mmap_lock));
	t->now += op_cost(t, model_costs.mmap);
	if (!fixed) {
		t->mapped = s->mm.next_free;
		s->mm.next_free += t->npages + 1;
	}
	t->vma = vma_add(&s->mm, t->mapped, t->npages, true, false, false, 0);
	if (t->vma && s->mm.merge_anon)
		t->vma->has_anon_vma = true;
	mm_changed(s);
	PT_SYNC(s, t, d);
	mmap_write_unlock(s, t);
	PT_END(t, d);
	return 0;
}

/*
 * munmap() of the VMA at t->mapped: detached under mmap_lock for write;
 * since 4.20 the pages are zapped after mmap_write_downgrade(), under the
 * lock for read (a third of the work, then two thirds).
 */
int sys_munmap(struct sim *s, struct mthread *t, int d)
{
	PT_BEGIN(t, d);
	PT_SYNC(s, t, d);
	PT_WAIT(t, d, down_write(s, t, &s->mm.mmap_lock));
	t->vma = find_vma(&s->mm, t->mapped);
	if (t->vma)
		PT_WAIT(t, d, vma_start_write(s, t, t->vma));
	if (t->vma)
		vma_remove(&s->mm, t->vma);
	mm_changed(s);
	t->munmap_ns = op_cost(t, model_costs.munmap);
	if (!s->tr->munmap_downgrade) {
		t->now += t->munmap_ns;
		PT_SYNC(s, t, d);
		mmap_write_unlock(s, t);
		PT_EXIT(t, d, 0);
	}
	t->now += t->munmap_ns / 3;
	PT_SYNC(s, t, d);
	for (int i = 0; i < s->mm.nlocked; i++)	/* the VMA locks go with the write lock */
		s->mm.locked[i]->write_locked = false;
	s->mm.nlocked = 0;
	downgrade_write(s, t, &s->mm.mmap_lock);
	t->now += t->munmap_ns - t->munmap_ns / 3;
	PT_SYNC(s, t, d);
	up_read(s, t, &s->mm.mmap_lock);
	PT_END(t, d);
	return 0;
}

/* mprotect() of the VMA at t->mapped: PROT_READ|PROT_WRITE if t->write_fault */
int sys_mprotect(struct sim *s, struct mthread *t, int d)
{
	PT_BEGIN(t, d);
	PT_SYNC(s, t, d);
	PT_WAIT(t, d, down_write(s, t, &s->mm.mmap_lock));
	t->vma = find_vma(&s->mm, t->mapped);
	if (t->vma)
		PT_WAIT(t, d, vma_start_write(s, t, t->vma));
	t->now += op_cost(t, model_costs.mprotect);
	if (t->vma) {
		t->now += t->vma->npresent * model_costs.pte_change;	/* change_protection() */
		t->vma->writable = t->write_fault;
		t->vma->seq++;
	}
	mm_changed(s);
	PT_SYNC(s, t, d);
	mmap_write_unlock(s, t);
	PT_END(t, d);
	return 0;
}

/* madvise(MADV_POPULATE_READ): GUP over the VMA's pages under mmap_lock for
 * read; each is present already, so it only walks them */
int sys_madvise_populate(struct sim *s, struct mthread *t, int d)
{
	PT_BEGIN(t, d);
	PT_SYNC(s, t, d);
	PT_WAIT(t, d, down_read(s, t, &s->mm.mmap_lock));
	t->vma = find_vma(&s->mm, t->mapped);
	if (t->vma)
		t->now += t->vma->npresent * model_costs.pte_populate;
	PT_SYNC(s, t, d);
	up_read(s, t, &s->mm.mmap_lock);
	PT_END(t, d);
	return 0;
}

/* madvise(MADV_DONTNEED): the VMA's PTEs zapped under mmap_lock for read */
int sys_madvise_dontneed(struct sim *s, struct mthread *t, int d)
{
	PT_BEGIN(t, d);
	PT_SYNC(s, t, d);
	PT_WAIT(t, d, down_read(s, t, &s->mm.mmap_lock));
	t->vma = find_vma(&s->mm, t->mapped);
	if (t->vma) {
		t->now += t->vma->npresent * model_costs.pte_zap;
		zap_ptes(t->vma);
	}
	PT_SYNC(s, t, d);
	up_read(s, t, &s->mm.mmap_lock);
	PT_END(t, d);
	return 0;
}

/* fork(): dup_mmap() copies the VMAs under the parent's mmap_lock for write */
int sys_fork(struct sim *s, struct mthread *t, int d)
{
	PT_BEGIN(t, d);
	PT_SYNC(s, t, d);
	PT_WAIT(t, d, down_write(s, t, &s->mm.mmap_lock));
	t->now += op_cost(t, model_costs.fork);
	mm_changed(s);
	PT_SYNC(s, t, d);
	mmap_write_unlock(s, t);
	PT_END(t, d);
	return 0;
}

void fadvise_dontneed_willneed(struct sim *s, struct mthread *t, uint64_t first, uint64_t n)
{
	struct file *f = &s->file;
	uint64_t i;

	t->now += model_costs.fadvise;
	for (i = first; i < first + n && i < f->npages; i++)
		if (f->state[i] != FOLIO_IO)
			f->state[i] = FOLIO_NONE;	/* invalidate_mapping_pages() */
	t->now += model_costs.fadvise;
	for (i = first; i < first + n && i < f->npages; i++)
		if (f->state[i] == FOLIO_NONE) {	/* force_page_cache_readahead() */
			f->state[i] = FOLIO_IO;
			f->io_done[i] = t->now + read_ns(f, i, model_costs.read_io);
		}
}
