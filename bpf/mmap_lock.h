/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mmap_lock.h: what bpf/mmap_lock.bpf.c and user space share about
 * mmap_lock waits and holds. Fixed-width types, no implicit padding;
 * tests/unit/test_abi.c asserts the sizes.
 */
#ifndef MMRETRY_MMAP_LOCK_H
#define MMRETRY_MMAP_LOCK_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "events.h"

/* log2 buckets of nanoseconds: slot i counts [2^i, 2^(i+1)) ns, slot 0
 * also 0 ns; the last slot everything from 2^(MMR_HIST_SLOTS-1) ns (~34 s) */
#define MMR_HIST_SLOTS 36

struct mmr_hist {
	__u64 count;
	__u64 sum_ns;
	__u64 max_ns;
	__u64 slots[MMR_HIST_SLOTS];
};

/* processes with mmap_lock figures at once (bpf/mmap_lock.bpf.c lock_procs) */
#define MMR_LOCK_PROCS 8192

/* Per row (a process, or a cgroup: bpf/rows.bpf.h) and lock mode, per CPU. */
struct mmr_lock_stats {
	__u64 acquisitions;	/* acquire_returned(success) after start_locking */
	__u64 failures;		/* failed trylocks and interrupted killable waits */
	__u64 remote;		/* acquisitions of another process's mm (/proc, remote GUP) */
	__u64 downgrades;	/* write holds turned read holds (mmap_write_downgrade) */
	char comm[16];		/* of the task that created the entry */
	struct mmr_hist wait;	/* start_locking -> acquire_returned */
	struct mmr_hist hold;	/* acquire_returned -> released */
};

/* mmr_lock_event.kind: what ended */
enum mmr_lock_event_kind {
	MMR_LOCK_EV_HOLD = 1,	/* a hold at least min_hold_ns long ended */
	MMR_LOCK_EV_WAIT = 2,	/* a wait at least min_hold_ns long ended */
};

/* mmr_lock_event.fault: what is known of the fault a lock was taken for */
#define MMR_LOCK_FAULT_ADDR	1	/* fault_addr is the faulting page */
#define MMR_LOCK_FAULT_IO_KNOWN	2	/* MMR_LOCK_FAULT_IO says whether it did I/O */
#define MMR_LOCK_FAULT_IO	4	/* the attempt added a folio to the page cache */

/* frames of a streamed event's kernel and user stacks */
#define MMR_STACK_FRAMES 16

/* a hold of min_hold / MMR_BLOCKER_DIV or more that ends while tasks
 * wait for the lock is streamed too, as a possible blocker */
#define MMR_BLOCKER_DIV 8

/*
 * A long hold or wait, streamed through the ring buffer; also a shorter
 * hold that ended with tasks waiting (blocking), see MMR_BLOCKER_DIV.
 */
struct mmr_lock_event {
	__u32 type;		/* MMR_EV_LOCK_LONG */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u8 write;
	__u8 remote;		/* the mm was not the task's own */
	__u8 in_fault;		/* it ended inside a page fault (asm_exc_page_fault) */
	__u8 success;		/* waits: 0 if the lock was not obtained */
	__u64 ts_ns;		/* end of the hold or wait (bpf_ktime_get_ns) */
	__u64 dur_ns;
	__u64 mm;		/* the mm_struct, to match waiters with holders */
	__u32 nkstack;		/* frames in kstack; 0: none */
	__u32 nustack;		/* frames in ustack; 0: none (remote holds, or no user stack) */
	char comm[16];
	__u64 fault_addr;	/* if fault & MMR_LOCK_FAULT_ADDR */
	__u8 fault;		/* MMR_LOCK_FAULT_* */
	__u8 blocking;		/* holds: tasks were waiting for the lock when it ended */
	__u8 kind;		/* enum mmr_lock_event_kind */
	__u8 pad[5];
	/* leaf first; in the event itself, not a stack map, whose hash
	 * collisions would lose stacks when many are streamed */
	__u64 kstack[MMR_STACK_FRAMES];
	__u64 ustack[MMR_STACK_FRAMES];
};

#endif /* MMRETRY_MMAP_LOCK_H */
