/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * guard.bpf.h: preemption guards, for the fault tracer (faults.bpf.c) and
 * the mmap_lock tracer (mmap_lock.bpf.c), whose marks live in the thread
 * state both share (tstate.bpf.h, tstate.ran).
 *
 * A BPF program preempted on a CPU makes the kernel skip that same program
 * for every other task that reaches its hook on that CPU until it resumes
 * (prog->active: a recursion_misses). fentry/fexit programs are preemptible
 * where the kernel preempts (full, lazy or RT), and tracepoint programs too
 * where tracepoints run their probes under SRCU (7.x); on 7.2 (preempt=lazy)
 * that lost 1-5% of the retries of a contended file workload, in counts and
 * reasons, and tracepoint mode lost 3-4%. Kernels that preempt BPF programs
 * get each hook's program twice: the twin has its own prog->active, so it
 * runs when the first was skipped. Both run the same logic: the first marks
 * the task's tstate (ran), the guard, which runs after it, finds the mark
 * and clears it, or finds none and does the work (guard_covered: the first
 * was skipped). A run is lost only if both are skipped; user space reports
 * the first programs' skips less the covered ones (user/trace/bpfmap.c,
 * prog_recursion_misses(), leaves the guards' own out).
 *
 * Order: a trampoline runs the last attached program first, a tracepoint
 * the first attached (user/trace/faults.c attaches accordingly; a
 * skeleton attaches a section's programs in source order).
 */
#ifndef MMRETRY_GUARD_BPF_H
#define MMRETRY_GUARD_BPF_H

#include "tstate.bpf.h"	/* guarded: the guards are loaded, the first programs mark their runs */

enum mmr_hook_bit {
	MMR_HK_ENTRY = 1 << 0,		/* handle_mm_fault, entry */
	MMR_HK_EXIT = 1 << 1,		/* handle_mm_fault, exit */
	MMR_HK_FOLIO_LOCK = 1 << 2,	/* __folio_lock_killable */
	MMR_HK_FILEMAP = 1 << 3,	/* filemap_fault */
	MMR_HK_LOCK_OR_RETRY = 1 << 4,	/* __folio_lock_or_retry */
	MMR_HK_SWAP = 1 << 5,		/* do_swap_page */
	MMR_HK_UFFD = 1 << 6,		/* handle_userfault */
	MMR_HK_SHMEM = 1 << 7,		/* shmem_fault */
	MMR_HK_ANON = 1 << 8,		/* __vmf_anon_prepare */
	MMR_HK_PCACHE = 1 << 9,		/* mm_filemap_add_to_page_cache */
	MMR_HK_COMPLETED = 1 << 10,	/* fault_dirty_shared_page */
	MMR_HK_TASK_EXIT = 1 << 11,	/* sched_process_exit */
	MMR_HK_FORK = 1 << 12,		/* sched_process_fork */
	/* the mmap_lock tracepoints: tracepoint mode's fault programs (which
	 * run the mmap_lock tracer's by a tail call), or the mmap_lock
	 * tracer's own in the other modes; one program each at a time */
	MMR_HK_LOCK_START = 1 << 13,	/* mmap_lock_start_locking */
	MMR_HK_LOCK_ACQUIRE = 1 << 14,	/* mmap_lock_acquire_returned */
	MMR_HK_LOCK_RELEASE = 1 << 15,	/* mmap_lock_released (the mmap_lock tracer's) */
	MMR_HK_FILEMAP_TP = 1 << 16,	/* mm_filemap_fault (tracepoint mode) */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} guard_covered SEC(".maps");

static __always_inline void guard_count_covered(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&guard_covered, &zero);

	if (n)
		*n += 1;
}

/* A guard's run: its program's mark cleared (it ran: false), or none
 * (skipped: true, the guard does the work) */
static __always_inline bool guard_unmarked(struct tstate *st, __u32 hook)
{
	if (st->ran & hook) {
		st->ran &= ~hook;
		return false;
	}
	guard_count_covered();
	return true;
}

/* Should this run of hook's program (guard: the twin) do its work? st is
 * the task's state, which the first program marks before its work. */
static __always_inline bool guard_pass(struct tstate *st, __u32 hook, bool guard)
{
	if (!guarded)
		return true;
	if (!guard) {
		st->ran |= hook;
		return true;
	}
	return guard_unmarked(st, hook);
}

/*
 * The mmap_lock tracepoints' programs, whose work may make the task's
 * state: the first marks it after its work (guard_ran()), if it exists by
 * then; the guard, before any, does the work only if the state exists
 * unmarked (guard_takes_over()). A task with no state either way lost
 * nothing to a skipped first program but what made its state.
 */
static __always_inline void guard_ran(__u32 hook)
{
	struct tstate *st;

	if (!guarded)
		return;
	st = bpf_task_storage_get(&tstates, bpf_get_current_task_btf(), 0, 0);
	if (st)
		st->ran |= hook;
}

static __always_inline bool guard_takes_over(__u32 hook)
{
	struct tstate *st = bpf_task_storage_get(&tstates, bpf_get_current_task_btf(), 0, 0);

	return st && guard_unmarked(st, hook);
}

#endif
