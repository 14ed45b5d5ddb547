/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * latency.h: what a fault's end adds to its figures (struct
 * mmr_fault_latency, faults.h), in both worlds: the BPF programs time
 * faults live with it (faults.bpf.c fault_done()), user space rebuilds a
 * recording's figures with it (stats/fault_time.c), and the model times
 * its simulated faults with it (model/fault.c), so one definition of an
 * outcome serves all three.
 */
#ifndef MMRETRY_LATENCY_H
#define MMRETRY_LATENCY_H

#include "faults.h"
#include "hist.h"

/*
 * v into h[reason], h an array of MMR_NR_REASONS histograms; a reason
 * outside enum mmr_reason counts as other. In BPF the bound is checked in
 * assembly, on the register that then indexes: in C, clang folds the test
 * into one it made on another copy (or on the u8 the index came from) and
 * the verifier sees an unbounded offset.
 */
static inline __attribute__((always_inline)) void
mmr_hist_add_reason(struct mmr_hist *h, __u64 reason, __u64 v)
{
#ifdef __bpf__
	asm volatile("if %[r] < %[n] goto +1\n\t"
		     "%[r] = %[other]"
		     : [r] "+r"(reason)
		     : [n] "i"(MMR_NR_REASONS), [other] "i"(MMR_REASON_OTHER));
#else
	if (reason >= MMR_NR_REASONS)
		reason = MMR_REASON_OTHER;
#endif
	hist_add(&h[reason], v);
}

/* How a fault ended, for mmr_fault_done(). */
struct mmr_fault_end {
	__u32 flags;		/* FAULT_FLAG_* of its last attempt (MMR_FAULT_FLAG_*) */
	__u16 attempts;		/* 1: done at once */
	__u8 completed;		/* the last attempt returned VM_FAULT_COMPLETED */
	__u8 major;		/* the last attempt returned VM_FAULT_MAJOR */
	__u8 first_reason;	/* attempts > 1: why the first attempt retried */
	__u64 dur;		/* first attempt's entry to last attempt's return */
	__u64 retry_ns;		/* attempts > 1: from the first RETRY to the end */
	__u64 last_ns;		/* attempts > 1: the last attempt */
};

/*
 * A fault ended: its duration by origin (FAULT_FLAG_USER) and by every
 * outcome it has, and for a retried fault the time after its first RETRY
 * and its last attempt, by the first attempt's reason. Major as the kernel
 * accounts it (mm_account_fault()): the last attempt returned MAJOR, or
 * ran with FAULT_FLAG_TRIED (after a retry that made the fault wait).
 */
static inline __attribute__((always_inline)) void
mmr_fault_done(struct mmr_fault_latency *l, const struct mmr_fault_end *f)
{
	__u32 origin = f->flags & MMR_FAULT_FLAG_USER ? MMR_ORIGIN_USER : MMR_ORIGIN_KERNEL;

#ifdef __bpf__
	barrier_var(origin);
#endif
	if (origin >= MMR_NR_ORIGINS)
		return;
	if (f->attempts > 1) {
		hist_add(&l->dur[origin][MMR_OUTCOME_RETRIED], f->dur);
		mmr_hist_add_reason(l->retry_ns, f->first_reason, f->retry_ns);
		mmr_hist_add_reason(l->last_attempt, f->first_reason, f->last_ns);
	} else {
		hist_add(&l->dur[origin][MMR_OUTCOME_ONE_ATTEMPT], f->dur);
	}
	if (f->completed)
		hist_add(&l->dur[origin][MMR_OUTCOME_COMPLETED], f->dur);
	if (f->major || (f->flags & MMR_FAULT_FLAG_TRIED))
		hist_add(&l->dur[origin][MMR_OUTCOME_MAJOR], f->dur);
}

#endif /* MMRETRY_LATENCY_H */
