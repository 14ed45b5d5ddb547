/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * anon_vma.h: what bpf/anon_vma.bpf.c and user space share about anon_vma
 * chains and anonymous rmap walks. Fixed-width types, no implicit padding;
 * tests/unit/test_abi.c asserts the sizes.
 *
 * Histograms are struct mmr_hist (mmap_lock.h): log2 slots of a value that
 * is nanoseconds for durations and a plain count (chain length, VMAs) for
 * the others; sum_ns and max_ns then hold the sum and the maximum count.
 */
#ifndef MMRETRY_ANON_VMA_H
#define MMRETRY_ANON_VMA_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "mmap_lock.h"	/* struct mmr_hist */

/* a chain walk stops here: longer chains count as this long, truncated */
#define MMR_CHAIN_MAX 1024

/* What made a VMA's anon_vma chain change (mm/rmap.c). */
enum mmr_chain_kind {
	MMR_CHAIN_FORK = 0,	/* anon_vma_fork: a child's VMA at fork (dup_mmap) */
	MMR_CHAIN_CLONE = 1,	/* anon_vma_clone outside fork: split, merge, mremap */
	MMR_CHAIN_PREPARE = 2,	/* __anon_vma_prepare: a VMA's first anonymous fault */
	MMR_NR_CHAIN_KINDS,
};

/* Per process (tgid of the task that forked, split or faulted), per CPU. */
struct mmr_chain_stats {
	__u64 events[MMR_NR_CHAIN_KINDS];
	__u64 reused;		/* forks that reused an existing anon_vma */
	__u64 truncated;	/* chains longer than MMR_CHAIN_MAX */
	char comm[16];
	struct mmr_hist length;	/* chain length after the operation */
};

/* Per walker: rwc->rmap_one (folio_referenced_one, try_to_migrate_one...),
 * a kernel text address that user space names through kallsyms; per CPU. */
struct mmr_walk_key {
	__u64 rmap_one;
};

struct mmr_walk_stats {
	__u64 walks;
	__u64 locked;		/* rmap_walk_locked: the caller held the anon_vma lock */
	__u64 contended;	/* walks that waited for the anon_vma lock */
	__u64 nested;		/* walks inside a walk, not measured */
	__u64 tracer_ns;	/* anon_vma.bpf.c's own time inside the walks, not in ns */
	struct mmr_hist vmas;	/* VMAs visited (interval-tree iterations) */
	struct mmr_hist mapped;	/* of those, VMAs that mapped the folio */
	struct mmr_hist ns;	/* walk duration */
	struct mmr_hist lock_wait_ns;	/* anon_vma lock wait, of contended walks */
};

/* A VMA's chain at least min_chain long after an operation. */
struct mmr_chain_event {
	__u32 type;		/* MMR_EV_CHAIN */
	__u32 kind;		/* enum mmr_chain_kind */
	__u32 pid;		/* tgid of the acting task (the parent, for fork) */
	__u32 tid;
	__u32 length;		/* anon_vma_chain entries of the VMA */
	__u8 reused;		/* fork: the VMA's anon_vma is an inherited one */
	__u8 truncated;		/* length stopped at MMR_CHAIN_MAX */
	__u8 pad[2];
	__u64 ts_ns;		/* bpf_ktime_get_ns */
	__u64 vm_start;
	__u64 vm_end;
	__u64 anon_vma;		/* vma->anon_vma (an id: kernel address) */
	__u64 root;		/* its root */
	__u64 num_children;	/* of vma->anon_vma */
	__u64 num_active_vmas;
	char comm[16];
};

/* An anonymous rmap walk that visited at least min_fanout VMAs. */
struct mmr_walk_event {
	__u32 type;		/* MMR_EV_WALK */
	__u32 pid;		/* walker: tgid of the task walking */
	__u32 tid;
	__u32 owner;		/* tgid owning the first VMA visited (mm->owner); 0: unknown */
	__u32 vmas;		/* VMAs visited */
	__u32 mapped;		/* of those, VMAs that mapped the folio */
	__u8 locked;		/* rmap_walk_locked */
	__u8 contended;		/* waited for the anon_vma lock */
	__u8 pad[2];
	__u32 tracer_ns;	/* anon_vma.bpf.c's own time in the walk, not in dur_ns
				 * (saturated; 0 in recordings made before it) */
	__u64 rmap_one;		/* the walker (see struct mmr_walk_key) */
	__u64 ts_ns;		/* end of the walk */
	__u64 dur_ns;
	__u64 lock_wait_ns;
	__u64 anon_vma;		/* folio_anon_vma(folio) */
	__u64 root;
	__u64 vm_start;		/* the first VMA visited; 0 if none */
	__u64 vm_end;
	char comm[16];		/* walker's */
	char owner_comm[16];	/* the owner's thread group leader's */
};

#endif /* MMRETRY_ANON_VMA_H */
