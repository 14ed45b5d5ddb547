/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * faults.h: what bpf/faults.bpf.c and user space share about fault retries.
 *
 * Compiles in both worlds: fixed-width types only, no pointers (addresses
 * are __u64), no implicit padding. tests/unit/test_abi.c asserts the sizes.
 */
#ifndef MMRETRY_FAULTS_H
#define MMRETRY_FAULTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#include "events.h"
#include "mmap_lock.h"	/* struct mmr_hist */

/*
 * enum vm_fault_reason bits as kernels 6.1 .. 7.2 number them
 * (include/linux/mm_types.h), and as mmretry's events and recordings carry
 * them whatever the kernel (core_fixes.bpf.h: the BPF programs read the
 * kernel's own values from BTF, these where it lacks a name).
 */
#define MMR_VM_FAULT_OOM		0x0001
#define MMR_VM_FAULT_SIGBUS		0x0002
#define MMR_VM_FAULT_MAJOR		0x0004
#define MMR_VM_FAULT_HWPOISON		0x0010
#define MMR_VM_FAULT_HWPOISON_LARGE	0x0020
#define MMR_VM_FAULT_SIGSEGV		0x0040
#define MMR_VM_FAULT_NOPAGE		0x0100
#define MMR_VM_FAULT_LOCKED		0x0200
#define MMR_VM_FAULT_RETRY		0x0400
#define MMR_VM_FAULT_FALLBACK		0x0800
#define MMR_VM_FAULT_DONE_COW		0x1000
#define MMR_VM_FAULT_NEEDDSYNC		0x2000
#define MMR_VM_FAULT_COMPLETED		0x4000	/* since 5.19 */
#define MMR_VM_FAULT_HINDEX_MASK	0xf0000	/* a hugepage's index, passed through */
/* VM_FAULT_ERROR is a macro, not in BTF */
#define MMR_VM_FAULT_ERROR \
	(MMR_VM_FAULT_OOM | MMR_VM_FAULT_SIGBUS | MMR_VM_FAULT_SIGSEGV | \
	 MMR_VM_FAULT_HWPOISON | MMR_VM_FAULT_HWPOISON_LARGE | MMR_VM_FAULT_FALLBACK)

/* enum fault_flag bits that mmretry reads (and the model sets) */
#define MMR_FAULT_FLAG_WRITE		0x0001
#define MMR_FAULT_FLAG_ALLOW_RETRY	0x0004
#define MMR_FAULT_FLAG_TRIED		0x0020
#define MMR_FAULT_FLAG_USER		0x0040
#define MMR_FAULT_FLAG_VMA_LOCK		0x1000	/* 6.4+, per-VMA locks */

/*
 * The vocabulary's lists, each once: the enums below and the names user
 * space spells them with (stats/figures.c) are made from them.
 *
 * Why a fault attempt returned VM_FAULT_RETRY: the producer that returned
 * it, the kernel function named beside each. The innermost producer wins.
 */
#define MMR_REASONS(X)								\
	X(FILE_IO, file_io)		/* filemap_fault dropped the lock for I/O */ \
	X(PAGE_LOCK, page_lock)		/* filemap_fault waited for a locked folio */ \
	X(SWAP, swap)			/* do_swap_page / __folio_lock_or_retry */ \
	X(USERFAULTFD, userfaultfd)	/* handle_userfault */			\
	X(SHMEM, shmem)			/* shmem_fault waiting on a hole-punch */ \
	X(ANON_VMA, anon_vma)		/* __vmf_anon_prepare: mmap_read_trylock failed */ \
	X(VMA_FALLBACK, vma_fallback)	/* per-VMA lock attempt that must run under mmap_lock */ \
	X(OTHER, other)			/* no producer mmretry hooks (drivers, fs page_mkwrite) */ \
	X(UNATTRIBUTED, unattributed)	/* tracepoint mode: a retry whose producer is unseen */

/* What kind of VMA a fault attempt ran against. */
#define MMR_VMA_KINDS(X)							\
	X(UNKNOWN, unknown)							\
	X(ANON, anon)			/* no vm_ops */				\
	X(FILE, file)			/* vm_file, not shmem */		\
	X(SHMEM, shmem)			/* shmem_fault ran: tmpfs, memfd, shared anon */ \
	X(SPECIAL, special)		/* vm_ops without a file: vDSO, drivers */

/* How faults are traced: the read-only `mode` variable of faults.bpf.c
 * (NONE: nothing chosen; on the command line, "auto"). */
#define MMR_MODES(X)								\
	X(NONE, none)								\
	X(FENTRY, fentry)							\
	X(KPROBE, kprobe)							\
	X(TRACEPOINT, tracepoint)

#define MMR_ENUM_REASON(e, name) MMR_REASON_##e,
enum mmr_reason {
	MMR_REASONS(MMR_ENUM_REASON)
	MMR_NR_REASONS,
	MMR_REASON_NONE = 0xff,
};

#define MMR_ENUM_VMA(e, name) MMR_VMA_##e,
enum mmr_vma_kind {
	MMR_VMA_KINDS(MMR_ENUM_VMA)
	MMR_NR_VMA_KINDS,
};

#define MMR_ENUM_MODE(e, name) MMR_MODE_##e,
enum mmr_mode {
	MMR_MODES(MMR_ENUM_MODE)
	MMR_NR_MODES,
};

/*
 * In-kernel aggregates: one per CPU in a BPF_MAP_TYPE_PERCPU_ARRAY, summed
 * by user space. Tracepoint mode fills the subset it can infer.
 */
struct mmr_fault_counters {
	__u64 attempts;			/* handle_mm_fault calls */
	__u64 faults;			/* attempts that did not return RETRY, plus abandoned */
	__u64 retries;			/* attempts that returned VM_FAULT_RETRY */
	__u64 completed;		/* attempts that returned VM_FAULT_COMPLETED */
	__u64 major;			/* attempts that returned VM_FAULT_MAJOR */
	__u64 errors;			/* attempts that returned VM_FAULT_ERROR bits */
	__u64 vma_lock_attempts;	/* attempts with FAULT_FLAG_VMA_LOCK */
	__u64 mmap_lock_attempts;	/* attempts under mmap_lock */
	__u64 abandoned;		/* faults whose last attempt retried */
	__u64 lost_events;		/* ring buffer full */
	/* tracepoint mode */
	__u64 kernel_faults;		/* faults from kernel mode that began under mmap_lock */
	__u64 exit_faults;		/* min_flt + maj_flt of traced tasks at their exit */
	__u64 exit_major;		/* maj_flt of traced tasks at their exit */
	__u64 reasons[MMR_NR_REASONS];
};

/*
 * Per row, per CPU: a process (tgid), for `mmretry top` and stat
 * --proc-latency, or a cgroup (its id, or its ancestor's at a chosen depth:
 * rows_by_cgroup), for stat --by cgroup; kept only when user space sets
 * per_process before load. Tracepoint mode fills the subset it infers
 * (retries, reasons, mmap_lock attempts, kernel_faults, exit_faults).
 */
#define MMR_PROC_MAX 10240	/* processes; more are counted in proc_lost */
/* the row of the cgroups past the map's room (user space creates it first):
 * no cgroup has this id */
#define MMR_CGROUP_OTHER (~0ULL)
/* cgroups folded into it, told apart up to this many */
#define MMR_CGROUP_FOLDED_MAX 4096

struct mmr_proc_counters {
	__u64 attempts;			/* handle_mm_fault calls */
	__u64 faults;			/* attempts that did not return RETRY */
	__u64 retries;
	__u64 completed;
	__u64 major;
	__u64 vma_lock_attempts;
	__u64 mmap_lock_attempts;
	__u64 kernel_faults;		/* tracepoint mode: as in mmr_fault_counters */
	__u64 exit_faults;		/* tracepoint mode: min_flt + maj_flt of the
					 * whole process when its last thread exited */
	__u64 reasons[MMR_NR_REASONS];
	char comm[16];			/* thread group leader's, at the entry's creation */
	/*
	 * fentry and kprobe modes: every fault of the process's threads, from
	 * its first attempt's entry to its last attempt's return (as
	 * fault_latency's dur), user- and kernel-mode together: both stall the
	 * thread. sum_ns is the process's time in faults.
	 */
	struct mmr_hist fault_ns;
};

/*
 * A fault's outcome, for its duration: from its first attempt's entry into
 * handle_mm_fault() to its last attempt's return (fentry and kprobe modes).
 */
#define MMR_OUTCOMES(X)								\
	X(ONE_ATTEMPT, one_attempt)	/* done in one attempt */		\
	X(RETRIED, retried)		/* an attempt returned VM_FAULT_RETRY first */ \
	X(COMPLETED, completed)		/* ended VM_FAULT_COMPLETED (5.19+) */	\
	X(MAJOR, major)			/* as the kernel counts: ended MAJOR, or TRIED */

#define MMR_ENUM_OUTCOME(e, name) MMR_OUTCOME_##e,
enum mmr_outcome {
	MMR_OUTCOMES(MMR_ENUM_OUTCOME)
	MMR_NR_OUTCOMES,
};

/* whose fault: a user-mode access, or the kernel's (GUP, copy_to_user) */
enum mmr_fault_origin { MMR_ORIGIN_USER, MMR_ORIGIN_KERNEL, MMR_NR_ORIGINS };

/*
 * Fault durations (ns, log2 histograms), the fault_latency map's one
 * per-CPU value. A fault counts in each outcome it has (a retried major
 * fault: retried and major).
 *
 * A retried fault, by the reason its first attempt retried:
 *   retry_ns      what it spent after that attempt returned VM_FAULT_RETRY
 *   last_attempt  its last attempt, the one that did not retry
 * Each retry, by its attempt's reason:
 *   attempt       the attempt that returned VM_FAULT_RETRY
 *   gap           from that return to the next attempt's entry (re-taking
 *                 mmap_lock, finding the VMA again)
 *   lock_wait     the mmap_lock wait in that gap: the mmap_lock tracer's
 *                 start_locking -> acquire_returned of the re-take, joined
 *                 through the thread's tstate (fentry, kprobe); the same
 *                 wait from the faults tracer's own hooks (tracepoint mode,
 *                 which fills nothing else here)
 */
struct mmr_fault_latency {
	struct mmr_hist dur[MMR_NR_ORIGINS][MMR_NR_OUTCOMES];
	struct mmr_hist retry_ns[MMR_NR_REASONS];
	struct mmr_hist last_attempt[MMR_NR_REASONS];
	struct mmr_hist attempt[MMR_NR_REASONS];
	struct mmr_hist gap[MMR_NR_REASONS];
	struct mmr_hist lock_wait[MMR_NR_REASONS];
};

/* One VM_FAULT_RETRY, streamed through the ring buffer. */
struct mmr_retry_event {
	__u32 type;		/* MMR_EV_RETRY */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 flags;		/* FAULT_FLAG_* of the attempt; 0 if unseen */
	__u64 ts_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 addr;		/* faulting address */
	__u32 result;		/* vm_fault_t of the attempt; 0 if unseen */
	__u16 reason;		/* enum mmr_reason */
	__u16 vma_kind;		/* enum mmr_vma_kind */
	__u16 attempt;		/* 1 = the fault's first attempt */
	__u16 inferred;		/* 1 = reconstructed from tracepoints */
	__u32 pad;
	char comm[16];
};

/*
 * The slowest faults (fentry, kprobe): each fault at least min_fault_ns
 * long (`--min-fault`), streamed as its last attempt returns. Of its
 * attempts the first MMR_FAULT_ATTEMPTS - 1 and the last are kept.
 */
#define MMR_FAULT_ATTEMPTS 4	/* a power of two: the BPF side masks the index */

struct mmr_fault_attempt {
	__u64 start_ns;		/* entry into handle_mm_fault (bpf_ktime_get_ns) */
	__u64 dur_ns;		/* to its return */
	__u64 gap_ns;		/* from the previous attempt's RETRY to this entry; 0 for the first */
	__u64 lock_wait_ns;	/* the mmap_lock wait in that gap, if lock_waited */
	__u32 result;		/* vm_fault_t, MMR_VM_FAULT_* bits */
	__u32 flags;		/* FAULT_FLAG_* */
	__u8 reason;		/* enum mmr_reason if it retried, MMR_REASON_NONE if not */
	__u8 lock_waited;	/* the mmap_lock tracer saw the gap's re-take of the lock */
	__u8 pad[6];
};

struct mmr_fault_event {
	__u32 type;		/* MMR_EV_FAULT */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 result;		/* the last attempt's vm_fault_t (MMR_VM_FAULT_*) */
	__u64 start_ns;		/* the first attempt's entry */
	__u64 dur_ns;		/* to the last attempt's return */
	__u64 addr;		/* the faulting page */
	__u64 mm;		/* the vma's mm_struct, to match mmap_lock events */
	__u64 ino;		/* a file VMA's inode number (vm_file's f_inode), else 0 */
	__u32 dev;		/* its superblock's s_dev, the kernel's dev_t (MAJ << 20 | MIN) */
	__u16 attempts;		/* every attempt, kept or not */
	__u8 vma_kind;		/* enum mmr_vma_kind */
	__u8 origin;		/* enum mmr_fault_origin */
	__u8 first_reason;	/* why the first attempt retried; NONE if it did not */
	__u8 last_reason;	/* why the latest retry retried; NONE if none */
	__u8 file;		/* 1: dev and ino name the VMA's file */
	__u8 pad[5];
	__u32 nkstack;		/* frames in kstack */
	__u32 nustack;		/* frames in ustack */
	char comm[16];
	struct mmr_fault_attempt attempt[MMR_FAULT_ATTEMPTS];	/* min(attempts, 4) kept */
	/* at the last attempt's return, leaf first */
	__u64 kstack[MMR_STACK_FRAMES];
	__u64 ustack[MMR_STACK_FRAMES];
};

#endif /* MMRETRY_FAULTS_H */
