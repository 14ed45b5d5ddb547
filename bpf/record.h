/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * record.h: the events streamed only while `mmretry record` runs, shared by
 * the BPF programs and user space: every fault attempt, every mmap_lock
 * hold, and the address-space changes (mmap, munmap, mprotect, madvise,
 * mremap, brk, fork, exit) of the traced processes. A recording stores
 * them, with stat's own events, as little-endian records (docs/record.md).
 *
 * Fixed-width types, no pointers, no implicit padding; tests/unit/test_abi.c
 * asserts the sizes, which are part of the recording format.
 */
#ifndef MMRETRY_RECORD_H
#define MMRETRY_RECORD_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "events.h"

/* One handle_mm_fault() call (fentry and kprobe modes). */
struct mmr_attempt_event {
	__u32 type;		/* MMR_EV_ATTEMPT */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 flags;		/* FAULT_FLAG_* */
	__u64 start_ns;		/* entry (bpf_ktime_get_ns: CLOCK_MONOTONIC) */
	__u64 end_ns;		/* return */
	__u64 addr;		/* the faulting page */
	__u32 result;		/* vm_fault_t */
	__u16 reason;		/* enum mmr_reason if it retried, else MMR_REASON_NONE */
	__u16 vma_kind;		/* enum mmr_vma_kind */
	__u16 attempt;		/* 1: the fault's first attempt */
	__u16 pad[3];
};

/* What changed a traced process's address space. */
enum mmr_mm_op {
	MMR_MM_MMAP = 1,	/* addr: the mapping's start (the return), len, arg: prot | flags << 32 */
	MMR_MM_MUNMAP,		/* addr, len */
	MMR_MM_MPROTECT,	/* addr, len, arg: prot */
	MMR_MM_MADVISE,		/* addr, len, arg: advice */
	MMR_MM_MREMAP,		/* addr: the old start, len: the new length, arg: the new start */
	MMR_MM_BRK,		/* addr: the new break (the return) */
	MMR_MM_FORK,		/* arg: the child's pid (tid of the new task) */
	MMR_MM_EXIT,		/* the thread exited */
	MMR_NR_MM_OPS,
};

struct mmr_mm_event {
	__u32 type;		/* MMR_EV_MM */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 op;		/* enum mmr_mm_op */
	__u64 ts_ns;		/* the syscall's return (fork, exit: when it happened) */
	__u64 dur_ns;		/* the syscall's duration; 0 for fork and exit */
	__u64 addr;
	__u64 len;
	__u64 arg;
	__s64 ret;		/* the syscall's return value */
	char comm[16];
};

/* mmr_lock_op_event.downgrade: a write hold that mmap_write_downgrade()
 * ended, going on as a read hold; that read hold */
#define MMR_LOCK_OP_DOWNGRADED		1
#define MMR_LOCK_OP_FROM_DOWNGRADE	2

/* One mmap_lock hold, streamed when it ends; or a failed acquisition. */
struct mmr_lock_op_event {
	__u32 type;		/* MMR_EV_LOCK_OP */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u8 write;
	__u8 success;		/* 0: a failed trylock or interrupted wait (t_rel 0) */
	__u8 remote;		/* the mm was not the task's own */
	__u8 downgrade;		/* MMR_LOCK_OP_DOWNGRADED, MMR_LOCK_OP_FROM_DOWNGRADE, or 0 */
	__u64 t_start;		/* start_locking: the wait began (t_acq for a downgrade), moved
				 * later by the time other programs spent at acquire_returned
				 * (t_acq - t_start is the wait; bpf/mmap_lock.bpf.c) */
	__u64 t_acq;		/* acquire_returned */
	__u64 t_rel;		/* released; 0 if not obtained */
	__u64 mm;		/* the mm_struct: an id */
};

#endif /* MMRETRY_RECORD_H */
