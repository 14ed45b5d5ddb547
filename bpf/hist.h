/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hist.h: adding a value to a log2 histogram (struct mmr_hist, mmap_lock.h),
 * in both worlds: the BPF programs fill their maps with it, user space
 * rebuilds the kernel's figures from a recording with it (record/), and the
 * model counts with it (model/), so a value lands in the same bucket
 * wherever it is counted. tests/unit/test_hist.c holds it to the formula
 * user space used before (63 - clzll) on edge and random values.
 *
 * For the verifier (6.1 on): a fixed sequence of shift-and-test steps, no
 * loop, and no __builtin_clzll (clang 14 -target bpf crashes on it; BPF has
 * no count-leading-zeros instruction).
 */
#ifndef MMRETRY_HIST_H
#define MMRETRY_HIST_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "mmap_lock.h"	/* struct mmr_hist, MMR_HIST_SLOTS */

/*
 * One halving step of hist_slot(): v < 2^(2k) before it; if v >> k is not
 * 0, v becomes v >> k and k is added to the slot. Without a branch: a
 * histogram add in a program is then one path for the verifier, not up to
 * 2^6 (this alone took mmap_lock's acquire program from 92,203
 * instructions processed to 52,670), for a few ALU instructions more.
 */
#define MMR_HIST_STEP(v, r, k) do {						\
	__u64 _s = (((v) >> (k)) + 0xffffffffULL) >> 32;	/* 0 or 1 */	\
	_s *= (k);								\
	(v) >>= _s;								\
	(r) += (__u32)_s;							\
} while (0)

/* v's slot: floor(log2(v)), 0 for 0 and 1, the last slot from 2^(MMR_HIST_SLOTS-1) */
static inline __attribute__((always_inline)) __u32 hist_slot(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {	/* the steps below need v < 2^32 */
		v >>= 32;
		r = 32;
	}
	MMR_HIST_STEP(v, r, 16);
	MMR_HIST_STEP(v, r, 8);
	MMR_HIST_STEP(v, r, 4);
	MMR_HIST_STEP(v, r, 2);
	MMR_HIST_STEP(v, r, 1);
	return r < MMR_HIST_SLOTS ? r : MMR_HIST_SLOTS - 1;
}

/* v: nanoseconds, or a count */
static inline __attribute__((always_inline)) void hist_add(struct mmr_hist *h, __u64 v)
{
	__u32 slot = hist_slot(v);

	h->count++;
	h->sum_ns += v;
	if (v > h->max_ns)
		h->max_ns = v;
#ifdef __bpf__
	/* clang knows slot's bound and would drop the check the verifier needs */
	barrier_var(slot);
#endif
	if (slot < MMR_HIST_SLOTS)
		h->slots[slot]++;
}

#endif /* MMRETRY_HIST_H */
