/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tstate.bpf.h: the per-thread state of the fault in progress, and where a
 * mmap_lock read lock was taken. faults.bpf.c owns the state; mmap_lock.bpf.c
 * declares the same map and shares it (bpf_map__reuse_fd) to say what a
 * holder was doing: in a fault, at which address, with or without I/O.
 */
#ifndef MMRETRY_TSTATE_BPF_H
#define MMRETRY_TSTATE_BPF_H

#include "faults.h"	/* struct mmr_fault_attempt */

/* [start, end) of lock_mm_and_find_vma's text, from kallsyms; 0 = unknown */
const volatile __u64 lmfv_start = 0;
const volatile __u64 lmfv_end = 0;
/* [start, end) of asm_exc_page_fault's text: the outermost frame of a fault
 * taken in user mode */
const volatile __u64 aepf_start = 0;
const volatile __u64 aepf_end = 0;

/* Per-thread state of the fault in progress. */
#define MMR_LMFV_FRAMES 16

struct tstate {
	__u64 addr;		/* page of the current fault */
	__u64 vm_ops;		/* vma->vm_ops at the attempt's entry */
	__u64 seq;		/* tracepoint mode: min_flt + maj_flt at fault start */
	__u64 start_ns;		/* the attempt's entry */
	__u64 fault_start_ns;	/* the fault's first attempt's entry */
	__u64 retry_start_ns;	/* when its first attempt returned RETRY */
	__u64 retry_end_ns;	/* when its latest attempt returned RETRY */
	__u64 retry_lock_wait;	/* mmap_lock waits since then (mmap_lock.bpf.c) */
	__u64 tp_start_ns;	/* tracepoint mode: the fault's mmap_lock read lock is starting
				 * (the mmap_lock tracer, run after it, stamps it again) */
	/* tracepoint mode: when mmap_lock_acquire_returned fired for this
	 * task's read lock of its own mm, stamped by the fault tracer's
	 * program, which runs first there and then does its own work; the
	 * mmap_lock tracer's program, next, takes it as the acquisition's
	 * time (and zeroes it), so that work is not in the wait. 0: none. */
	__u64 tp_acq_ns;
	__u32 flags;		/* FAULT_FLAG_* of the attempt */
	__u16 attempt;		/* attempts of the current fault so far */
	__u8 pending;		/* last attempt returned RETRY */
	__u8 in_attempt;	/* inside handle_mm_fault */
	__u8 reason;		/* enum mmr_reason of the attempt, NONE if no producer */
	__u8 first_reason;	/* the reason the fault's first attempt retried */
	__u8 last_reason;	/* the reason its latest attempt retried */
	__u8 retry_locked;	/* retry_lock_wait holds a re-take of mmap_lock */
	__u8 kind;		/* enum mmr_vma_kind */
	__u8 lock_wait;		/* __folio_lock_killable ran in this attempt */
	__u8 filter;		/* tgid filter verdict: 0 unknown, 1 traced, 2 not */
	/* tracepoint mode */
	__u8 tp_open;		/* seq names the fault in progress */
	__u8 tp_start;		/* MMR_LMFV_*: a fault's mmap_lock read lock is starting */
	__u8 tp_filemap_first;	/* mm_filemap_fault before the first mmap_lock read */
	__u8 tp_io;		/* the (first) attempt added a folio to the page cache */
	__u8 tp_nacq;		/* mmap_lock read acquisitions in this fault */
	__u8 tp_reason;		/* enum mmr_reason a hooked producer gave the attempt in
				 * progress (tracepoint mode with producer hooks) */
	/* preemption guards (guard.bpf.h): the hooks whose first program
	 * ran for the invocation in progress, MMR_HK_* bits */
	__u32 ran;
	/* the slowest faults (faults.bpf.c, stream_faults): a retried fault's
	 * attempts as they end, the first three and the latest; kprobe mode's
	 * vma of the attempt (fexit reads its argument) */
	__u64 vma;
	struct mmr_fault_attempt att[MMR_FAULT_ATTEMPTS];
};

/*
 * Tracepoint mode: one program per mmap_lock tracepoint serves both
 * tracers. The fault tracer's programs on start_locking and
 * acquire_returned, attached alone, end with a tail call into the mmap_lock
 * tracer's (lock_chain[MMR_CHAIN_*], filled by user space when it loads;
 * empty with --no-mmap-lock): one run of a tracepoint's programs instead of
 * two, and a fixed order, the fault tracer's work first.
 */
enum mmr_chain {
	MMR_CHAIN_START = 0,	/* mmap_lock_start_locking */
	MMR_CHAIN_ACQUIRE = 1,	/* mmap_lock_acquire_returned */
	MMR_NR_CHAIN,
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tstate);
} tstates SEC(".maps");

/* the kernel can preempt a BPF program (preemption full, lazy or RT; user
 * space's plan): the preemption guards are loaded (guard.bpf.h) and stack
 * walks take turns on a CPU (stack_walk()) */
const volatile __u8 guarded = 0;

/*
 * One stack walk at a time on a CPU, of all of mmretry's programs (the
 * fault tracer owns the map, the mmap_lock tracer shares it), where the
 * kernel can preempt them (guarded; elsewhere no two walks can overlap on
 * a CPU, and a walk takes no turn). Where BPF programs are preemptible
 * (7.x), a program preempted inside
 * bpf_get_stack() and another walking on the same CPU corrupt the
 * kernel's per-CPU callchain buffer: 7.2 oopsed in callchain_store() when
 * a preemption guard (guard.bpf.h) walked while its program, preempted,
 * was in the middle of its own walk. A CPU's key in stack_walks is its
 * lock, taken by an insert that fails if it exists (the hash bucket's
 * lock makes it atomic, with no atomics the BPF target lacks); a walk
 * that finds another in progress is refused: no stack, as on an error.
 * User space sizes the map to the CPUs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} stack_walks SEC(".maps");

/* the walks an inference needed (lock_taken_for(), in_page_fault()) and
 * stack_walk() refused: the fault may go uncounted, as if a run had been
 * skipped, and user space reports them with the skipped runs */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} walks_refused SEC(".maps");

#define MMR_WALK_REFUSED (-16)	/* -EBUSY */

static __always_inline void count_walk_refused(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&walks_refused, &zero);

	if (n)
		*n += 1;
}

/* bpf_get_stack(), or buf zeroed and MMR_WALK_REFUSED while another of
 * mmretry's walks is in progress on this CPU; size: a constant */
static __always_inline long stack_walk(void *ctx, void *buf, __u32 size, __u64 flags)
{
	__u32 cpu = bpf_get_smp_processor_id();
	__u8 one = 1;
	long n;

	if (!guarded)
		return bpf_get_stack(ctx, buf, size, flags);
	if (bpf_map_update_elem(&stack_walks, &cpu, &one, BPF_NOEXIST)) {
		__builtin_memset(buf, 0, size);
		return MMR_WALK_REFUSED;
	}
	n = bpf_get_stack(ctx, buf, size, flags);
	bpf_map_delete_elem(&stack_walks, &cpu);
	return n;
}

/*
 * Where was this mmap_lock read lock taken? 0: not by lock_mm_and_find_vma
 * (mmap(), GUP, __vmf_anon_prepare()'s trylock inside a VMA-locked
 * attempt...); MMR_LMFV_USER: for a fault from user mode; MMR_LMFV_KERNEL:
 * for a fault the kernel took on a user address (copy_to_user), whose stack
 * goes on past asm_exc_page_fault into the interrupted kernel code.
 */
#define MMR_LMFV_USER	1
#define MMR_LMFV_KERNEL	2

/*
 * Do a kernel stack's first frames (at most frames of them: a constant)
 * pass through asm_exc_page_fault, i.e. is it a page fault's, user or
 * kernel mode? ips is bpf_get_stack()'s buffer, which the kernel zeroes
 * past the stack (or wholly, on an error), so every frame is read and the
 * stack's length is not compared: a comparison would narrow the length
 * differently at each frame, and the verifier would then walk the rest of
 * the caller once per frame (mmap_lock's emit()).
 */
static __always_inline bool kstack_in_fault(const __u64 *ips, int frames)
{
	if (!aepf_start)
		return false;
	for (int i = 0; i < frames; i++)
		if (ips[i] >= aepf_start && ips[i] < aepf_end)
			return true;
	return false;
}

static __always_inline int lock_taken_for(void *ctx)
{
	__u64 ips[MMR_LMFV_FRAMES];
	bool found = false;
	long n;
	__u32 last;

	if (!lmfv_start)
		return MMR_LMFV_USER;	/* cannot tell: every read lock is a fault's */
	n = stack_walk(ctx, ips, sizeof(ips), 0);
	if (n == MMR_WALK_REFUSED)
		count_walk_refused();
	if (n < 8)
		return 0;
	for (int i = 0; i < MMR_LMFV_FRAMES; i++) {
		if (i * 8 >= n)
			break;
		if (ips[i] >= lmfv_start && ips[i] < lmfv_end) {
			found = true;
			break;
		}
	}
	if (!found)
		return 0;
	if (!aepf_start)
		return MMR_LMFV_USER;
	/* a user-mode fault's stack ends at the exception entry */
	last = ((__u32)n / 8 - 1) & (MMR_LMFV_FRAMES - 1);
	if (ips[last] >= aepf_start && ips[last] < aepf_end)
		return MMR_LMFV_USER;
	return MMR_LMFV_KERNEL;
}

#endif /* MMRETRY_TSTATE_BPF_H */
