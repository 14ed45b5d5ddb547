// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* policy.c: the kernel eras the model runs, each with its source, and its costs. */
#include <stdio.h>
#include <string.h>

#include "model/sim.h"

static const struct model_policy_info policies[MODEL_NR_POLICIES] = {
	[POLICY_LEGACY] = {
		"legacy",
		"a fault that must read a page waits for the I/O holding mmap_lock; no retry",
		"before the 2006 NOPAGE_RETRY work: ->nopage() read the page under "
		"down_read(&mm->mmap_sem)",
	},
	[POLICY_NOPAGE_RETRY] = {
		"nopage-retry",
		"drop mmap_sem to wait for I/O and retry once; the retry may not drop it again",
		"the 2006 NOPAGE_RETRY thread (lkml): drop mmap_sem for I/O, retry once, the "
		"flag in current->flags; later FAULT_FLAG_ALLOW_RETRY cleared on the retry",
	},
	[POLICY_RETRY] = {
		"retry",
		"FAULT_FLAG_ALLOW_RETRY | TRIED: the first attempt drops the lock to wait, "
		"later ones keep the right to retry; fault_dirty_shared_page() drops mmap_lock "
		"to throttle and returns VM_FAULT_RETRY",
		"5.x: multiple retries (Peter Xu, 'mm: allow VM_FAULT_RETRY for multiple times'; "
		"version from memory); maybe_unlock_mmap_for_io() only on the first attempt "
		"(fault_flag_allow_retry_first); a swap-in whose readahead window is one page "
		"(vm.page-cluster=0) reads it polled, synchronously, so it never retries "
		"(23955622ff8d, 'swap: add block io poll in swapin path', 4.13: version from memory)",
	},
	[POLICY_COMPLETED] = {
		"completed",
		"as retry, but a fault done after dropping its lock returns VM_FAULT_COMPLETED "
		"instead of being retried",
		"5.19, Peter Xu: fault_dirty_shared_page() returns VM_FAULT_COMPLETED, not "
		"RETRY (version from memory); a one-page swap-in window still reads polled, "
		"until b243dcbf2f13 (6.6, Suren Baghdasaryan, 'swap: remove remnants of polling "
		"from read_swap_cache_async'): 6.6 itself is async, the era ends at 6.7",
	},
	[POLICY_PER_VMA] = {
		"per-vma",
		"lock_vma_under_rcu() first (anonymous, read and shared faults); a retry under "
		"the VMA lock, or a VMA it cannot lock, goes on under mmap_lock, TRIED if MAJOR",
		"6.4 per-VMA locks (anonymous VMAs); read faults under the VMA lock from 6.7 "
		"(12214eba1992); TRIED after a MAJOR VMA-lock retry (46e714c729c8); every "
		"swap-in read asynchronous, whatever its window (b243dcbf2f13, 6.6)",
	},
	[POLICY_SPF] = {
		"spf",
		"what-if: an anonymous fault runs without mmap_lock, the VMA found under RCU; "
		"before the PTE goes in, the VMA's sequence count must be unchanged, else the "
		"fault aborts and runs again under mmap_lock",
		"the 2018 speculative page fault series (Laurent Dufour, after Peter Zijlstra's "
		"2010 RFC), on a 4.x kernel: never merged",
	},
	[POLICY_SRCU_VMA] = {
		"srcu-vma",
		"what-if: as spf, but the VMA is only checked not to be dead (unmapped) before "
		"the PTE goes in",
		"the 2008 idea of a lockless VMA lookup under SRCU with dead-VMA validation, on "
		"a kernel of the nopage-retry era: never merged",
	},
	[POLICY_SEQCOUNT] = {
		"seqcount",
		"what-if: after waiting for I/O without mmap_sem, take it again and go on with "
		"the fault if an mm sequence count is unchanged, instead of retrying from the top",
		"Andrew Morton's variant in the 2006 NOPAGE_RETRY thread: never merged",
	},
};

static const struct policy_traits traits[MODEL_NR_POLICIES] = {
	[POLICY_LEGACY] = { .speculative = SPEC_NONE },
	[POLICY_NOPAGE_RETRY] = { .allow_retry = true, .retry_once = true },
	[POLICY_RETRY] = { .allow_retry = true, .dirty_drop = true, .chains = true,
			   .munmap_downgrade = true, .swap_poll = true },
	[POLICY_COMPLETED] = { .allow_retry = true, .dirty_drop = true, .completed = true,
			       .chains = true, .munmap_downgrade = true, .swap_poll = true },
	[POLICY_PER_VMA] = { .allow_retry = true, .dirty_drop = true, .completed = true,
			     .vma_locks = true, .chains = true, .munmap_downgrade = true },
	[POLICY_SPF] = { .allow_retry = true, .dirty_drop = true, .chains = true,
			 .speculative = SPEC_SEQ, .munmap_downgrade = true },
	[POLICY_SRCU_VMA] = { .allow_retry = true, .retry_once = true, .speculative = SPEC_DEAD },
	[POLICY_SEQCOUNT] = { .allow_retry = true, .retry_once = true, .seq_continue = true },
};

const struct policy_traits *model_traits(enum model_policy p)
{
	return &traits[p < MODEL_NR_POLICIES ? p : POLICY_PER_VMA];
}

const struct model_policy_info *model_policy_info(enum model_policy p)
{
	return p < MODEL_NR_POLICIES ? &policies[p] : NULL;
}

int model_policy_parse(const char *name, enum model_policy *p)
{
	for (int i = 0; i < MODEL_NR_POLICIES; i++)
		if (!strcmp(name, policies[i].name)) {
			*p = i;
			return 0;
		}
	return -1;
}

int model_policy_for_release(const char *release, enum model_policy *p)
{
	static const struct {
		unsigned int major, minor, sub;
		enum model_policy p;
	} since[] = {
		{ 6, 7, 0, POLICY_PER_VMA }, { 5, 19, 0, POLICY_COMPLETED },
		{ 5, 1, 0, POLICY_RETRY }, { 2, 6, 33, POLICY_NOPAGE_RETRY },
	};
	unsigned int major, minor, sub = 0;
	size_t i;

	if (sscanf(release, "%u.%u.%u", &major, &minor, &sub) < 2)
		return -1;
	for (i = 0; i < sizeof(since) / sizeof(since[0]); i++)
		if (major > since[i].major ||
		    (major == since[i].major && (minor > since[i].minor ||
		     (minor == since[i].minor && sub >= since[i].sub)))) {
			*p = since[i].p;
			return 0;
		}
	*p = POLICY_LEGACY;
	return 0;
}

/*
 * What things cost, in ns of a current x86 machine: orders of magnitude,
 * not measurements of any one (docs/model.md); the seed results depend on
 * their ratios, which the tests state.
 */
const struct costs model_costs = {
	.fault_entry = 300,	/* exception entry and return, VMA lookup */
	.anon_page = 500,	/* clear_page() of 4 KiB and the PTE */
	.map_page = 250,	/* a page-cache hit: folio refcount, PTE */
	.shmem_page = 600,	/* shmem_get_folio(): allocate, clear, add to the cache */
	.dirty = 100,		/* folio_mark_dirty(), file_update_time() */
	.spurious = 150,	/* handle_pte_fault() on a PTE already in place */
	.read_io = 100000,	/* a 4 KiB random read from an NVMe SSD */
	.mmap = 2000,		/* mmap(): VMA allocation, merge checks, tree insert */
	.munmap = 3000,		/* munmap(): split, unmap, free page tables */
	.mprotect = 2500,	/* mprotect(): change the VMA and its PTEs */
	.uffd_serve = 5000,	/* wake the handler, read(), UFFDIO_COPY, wake the fault */
	.walk = 200,		/* rmap_walk_anon(): folio_lock_anon_vma_read(), set-up */
	.walk_vma = 50,		/* per VMA: interval-tree step, page_vma_mapped_walk() */
	.swap_io = 100000,	/* a 4 KiB read from a swap partition on an NVMe SSD */
	.mkwrite = 400,		/* ->page_mkwrite(): file_update_time(), block reservation */
	.fadvise = 1500,	/* posix_fadvise() of a window: the syscall, the tree walk */
	.pte_change = 10,	/* change_protection(), per PTE */
	.pte_populate = 15,	/* MADV_POPULATE_READ: follow_page_mask() per page */
	.pte_zap = 20,		/* zap_pte_range(), per PTE, freeing the page */
	.touch = 10,		/* a load from a mapped page: a cache miss */
	.fork = 50000,		/* dup_mmap() of a small process: its VMAs and page tables */
	.exit = 30000,		/* exit_mmap() of a small process */
};
