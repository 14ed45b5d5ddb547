/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * sim.h: the model's machinery, inside user/model/ only.
 *
 * Simulated threads are stackless coroutines (protothreads): a function
 * that may wait keeps its resume point in the thread (pc[depth]) and its
 * locals in the thread's state, and returns PT_WAITING; the scheduler calls
 * the thread's program again when what it waits for has happened, and each
 * function resumes where it left. So the fault path reads as straight
 * kernel-like code with its waits marked. A wait is a case label of the
 * body's switch: no switch statement may enclose one (use if/else).
 *
 * Time: each thread has its own clock (now), advanced by the cost of what
 * it does. It meets the others only at synchronisation points (locks, the
 * page cache, the VMA tree), where the scheduler first lets every thread
 * whose clock is behind catch up: events are taken in (time, sequence)
 * order, so a run is deterministic.
 */
#ifndef MMRETRY_MODEL_SIM_H
#define MMRETRY_MODEL_SIM_H

#include "bpf/hist.h"
#include "bpf/latency.h"
#include "model/model.h"
#include "model/mm.h"

#define PT_WAITING (-1)
#define PT_DEPTHS 8

/* a protothread body at nesting depth d of thread t */
#define PT_BEGIN(t, d)	switch ((t)->pc[d]) { case 0:
#define PT_END(t, d)	; } (t)->pc[d] = 0	/* ";": a label may end the body */
/* return v from inside the body: the next call starts afresh */
#define PT_EXIT(t, d, v) do { (t)->pc[d] = 0; return (v); } while (0)
/* wait until cond holds (evaluated again each time the thread runs) */
#define PT_WAIT(t, d, cond)						\
	do {								\
		(t)->pc[d] = __LINE__; /* fallthrough */		\
	case __LINE__:							\
		if (!(cond))						\
			return PT_WAITING;				\
	} while (0)
/* call a function that may wait, its result in ret */
#define PT_CALL(t, d, ret, call)					\
	do {								\
		(t)->pc[d] = __LINE__; /* fallthrough */		\
	case __LINE__:							\
		if (((ret) = (call)) == PT_WAITING)			\
			return PT_WAITING;				\
	} while (0)
/* let every thread behind t's clock run first */
#define PT_SYNC(s, t, d) PT_WAIT(t, d, sim_synced(s, t))

struct sim;
struct mthread;

/* The model's costs in ns (docs/model.md: where each comes from). */
struct costs {
	uint64_t fault_entry;		/* exception entry and exit, VMA lookup */
	uint64_t anon_page;		/* allocate, zero and map an anonymous page */
	uint64_t map_page;		/* map an uptodate page-cache page */
	uint64_t shmem_page;		/* allocate, zero and map a shmem page */
	uint64_t dirty;			/* fault_dirty_shared_page's accounting */
	uint64_t spurious;		/* a retry that finds the PTE in place */
	uint64_t read_io;		/* reading a page off the disk */
	uint64_t mmap, munmap, mprotect;	/* the syscalls' work under mmap_lock */
	uint64_t walk, walk_vma;	/* an rmap walk: its set-up, and each VMA it visits */
	uint64_t uffd_serve;		/* a userfaultfd handler: read the message, UFFDIO_COPY */
	uint64_t swap_io;		/* reading a page off the swap device */
	uint64_t mkwrite;		/* ->page_mkwrite() of a file system */
	uint64_t fadvise;		/* posix_fadvise(): a readahead started, or pages dropped */
	uint64_t pte_change;		/* mprotect(), per present PTE (change_protection) */
	uint64_t pte_populate;		/* MADV_POPULATE_READ, per present page (GUP) */
	uint64_t pte_zap;		/* MADV_DONTNEED, munmap(): per present PTE */
	uint64_t fork, exit;		/* dup_mmap() of a small process, exit_mmap() */
	uint64_t touch;			/* a load from a mapped page (a cache miss) */
};

/*
 * Dirty throttling (mm/page-writeback.c): writeback cleans the file's dirty
 * pages at bw a second; a writer that has dirtied ratelimit pages calls
 * balance_dirty_pages(), which sleeps while the dirty pages are over limit
 * (at most 200 ms, MAX_PAUSE). shmem does not write back: never throttled.
 */
struct dirty_limits {
	uint64_t limit;			/* pages; 0: no throttling */
	uint64_t bw;			/* pages written back a second */
	uint64_t ratelimit;		/* pages a task dirties between two checks */
	uint64_t nr_dirty, last;	/* dirty pages, at time last */
};

extern const struct costs model_costs;

/* struct vm_fault, as far as the model needs it */
struct vm_fault {
	struct vma *vma;
	uint64_t page;			/* faulting page number */
	unsigned int flags;		/* FAULT_FLAG_* */
	bool write;
};

/* FAULT_FLAG_* and VM_FAULT_* are bpf/faults.h's, as the kernel's; the
 * 2018 series' flag is the model's own */
#define FAULT_FLAG_SPECULATIVE	0x10000

struct mthread {
	int id;
	bool faulter;			/* its time counts in thread_ns[0] */
	uint64_t now, started;
	int (*program)(struct sim *s, struct mthread *t);
	int pc[PT_DEPTHS];
	bool done;

	/* waiting for a lock */
	struct mthread *next;
	bool write_wait, granted;
	uint64_t wait_start;
	uint64_t hold_start[2];		/* mmap_lock, per mode */

	/* the program's state */
	uint64_t i, n, base, step;
	uint64_t addr_page;
	bool write_fault;
	bool kernel_mode;		/* faults in the kernel on a user address (read(), GUP) */
	uint64_t dirtied;		/* pages dirtied since balance_dirty_pages() last ran */
	struct vm_fault vmf;
	int fault, ret;
	int io_ret;			/* filemap_fault()'s result, kept across its wait */
	int page_ret;			/* do_shared_fault(): ->fault()'s, across a wait (a
					 * PT_CALL's target is PT_WAITING while it waits) */
	uint8_t reason;			/* MMR_REASON_* of the attempt under way */
	/* the fault under way, timed (fault.c, as bpf/faults.bpf.c does) */
	uint16_t attempt;		/* its attempts so far */
	uint8_t first_reason;		/* why its first attempt retried */
	uint64_t fault_start;		/* its first attempt's entry */
	uint64_t retry_start;		/* its first attempt's return, if that retried */
	uint64_t attempt_start;		/* the attempt under way's entry */
	uint64_t retry_end;		/* its latest attempt's return, if that retried */
	uint8_t last_reason;		/* why its latest attempt retried */
	bool retry_locked;		/* it took mmap_lock for read since (sim.c): */
	uint64_t retry_lock_wait;	/* waiting this long */
	struct vma *vma;
	uint64_t mapped;		/* the mapper's current mapping */
	uint64_t seq_snapshot;		/* vma->seq or mm->seq when the fault looked */
	uint64_t npages;		/* what mmap() maps: the mapper's, the changer's region */
	struct vma *target;		/* holepunch's: the shmem VMA it reads or punches */
	uint64_t op_ns;			/* a replay's: the next syscall's lock hold as recorded
					 * (0: the model's cost) */
	uint64_t uffd_ns;		/* a replay's: the handler's time as recorded (0: idem) */
	uint64_t munmap_ns;		/* munmap()'s work, across its downgrade */
	const void *replay;		/* a replay's thread (replay.c) */
};

struct sim {
	uint64_t now;			/* time of the event being run */
	uint64_t seq, events;
	struct { unsigned __int128 key; struct mthread *t; } *heap;	/* time << 64 | seq */
	size_t nheap, capheap;
	struct mthread *threads;
	int nthreads;
	enum model_policy policy;
	const struct policy_traits *tr;
	uint64_t rng;
	struct mm mm;
	struct file file;
	struct file swap;		/* the swap cache: a slot per swapped page */
	uint32_t swap_window;		/* swap readahead's window, pages: 1 << vm.page-cluster
					 * (8, the default; 1: page-cluster 0) */
	/* shmem_fallocate(FALLOC_FL_PUNCH_HOLE) over a shmem VMA's pages, in
	 * progress until `until` (inode->i_private's shmem_falloc) */
	struct { struct vma *vma; uint64_t until; } punch;
	struct dirty_limits dirty;
	struct model_result *res;
	void *replay;			/* a replay's state (replay.c) */
};

/* What an era's fault path does (policy.c). */
struct policy_traits {
	bool allow_retry;	/* FAULT_FLAG_ALLOW_RETRY: drop the lock to wait */
	bool retry_once;	/* the retry loses ALLOW_RETRY (2006), or keeps it, TRIED (5.x) */
	bool dirty_drop;	/* fault_dirty_shared_page() drops mmap_lock to throttle */
	bool completed;		/* ... and says VM_FAULT_COMPLETED rather than RETRY */
	bool vma_locks;		/* lock_vma_under_rcu() first */
	bool chains;		/* anon_vma chains (2.6.34+) */
	enum { SPEC_NONE, SPEC_SEQ, SPEC_DEAD } speculative;	/* lockless faults, validated how */
	bool seq_continue;	/* after the I/O: re-take mmap_sem, go on if mm->seq is unchanged */
	bool munmap_downgrade;	/* munmap() zaps the pages under mmap_lock for read (4.20+) */
	bool swap_poll;		/* a swap-in with a one-page readahead window reads its
				 * page polled, synchronously, holding the fault's lock
				 * (4.13 to 6.5: no retry) */
};

const struct policy_traits *model_traits(enum model_policy p);

/* the scheduler (sim.c) */
int sim_init(struct sim *s, enum model_policy p, uint64_t seed, int nthreads,
	     struct model_result *res);
void sim_free(struct sim *s);
int sim_wake(struct sim *s, struct mthread *t, uint64_t at);
int sim_run(struct sim *s);
bool sim_synced(struct sim *s, struct mthread *t);
uint64_t sim_random(struct sim *s);

/* locks (sim.c): each returns true once t holds the lock, queueing it the
 * first time (call it again until then: PT_WAIT) */
bool down_read(struct sim *s, struct mthread *t, struct rwsem *sem);
bool down_write(struct sim *s, struct mthread *t, struct rwsem *sem);
bool down_read_trylock(struct sim *s, struct mthread *t, struct rwsem *sem);
void up_read(struct sim *s, struct mthread *t, struct rwsem *sem);
void up_write(struct sim *s, struct mthread *t, struct rwsem *sem);
/* downgrade_write(): the write hold goes on as a read hold */
void downgrade_write(struct sim *s, struct mthread *t, struct rwsem *sem);

/* the fault path (fault.c): a user fault at page, write or read */
int do_user_addr_fault(struct sim *s, struct mthread *t);
/* a fault done in one attempt of dur ns, without a result bit (GUP's
 * MADV_POPULATE_WRITE faults, rmap.c's COW faults), into l */
static inline void fault_timed_once(struct mmr_fault_latency *l, bool user, uint64_t dur)
{
	mmr_fault_done(l, &(struct mmr_fault_end){
		.flags = user ? MMR_FAULT_FLAG_USER : 0, .attempts = 1, .dur = dur });
}
/* anon_vma (rmap.c): a parent writes npages, forks nchildren that each COW
 * every page, then reclaim walks every page; 0 or -ENOMEM */
int model_fork_cow_reclaim(enum model_policy p, int nchildren, uint64_t npages,
			   struct model_result *res);

/* the generator's rmapfan (rmap.c): a parent writes npages, forks
 * nchildren that share them; compaction migrates every page, each walked
 * by try_to_migrate and remove_migration_ptes; 0 or -ENOMEM */
int model_fork_compact(enum model_policy p, int nchildren, uint64_t npages,
		       struct model_result *res);

/* the generator's forktree (rmap.c): anon_vma chains of a fork chain, and
 * a reuse; 0 or -ENOMEM */
int model_forktree(enum model_policy p, int depth, struct model_result *res);

/* mmap/munmap as a thread does them, under mmap_lock for write (fault.c) */
int sys_mmap(struct sim *s, struct mthread *t, int d, bool fixed);
int sys_munmap(struct sim *s, struct mthread *t, int d);
/* mprotect() of the VMA at t->mapped: read-only if !t->write_fault; its
 * present PTEs are changed under the lock */
int sys_mprotect(struct sim *s, struct mthread *t, int d);
/* madvise(MADV_POPULATE_READ) of the VMA at t->mapped: its present pages
 * walked under mmap_lock for read (a monitoring agent's walk) */
int sys_madvise_populate(struct sim *s, struct mthread *t, int d);
/* madvise(MADV_DONTNEED) of the VMA at t->mapped: its PTEs zapped under
 * mmap_lock for read */
int sys_madvise_dontneed(struct sim *s, struct mthread *t, int d);
/* fork() of a small process: dup_mmap() under the parent's mmap_lock for
 * write (the child's own mm is not modelled) */
int sys_fork(struct sim *s, struct mthread *t, int d);
/* the file's pages [first, first + n): dropped (POSIX_FADV_DONTNEED), then
 * a readahead started (POSIX_FADV_WILLNEED): no mmap_lock */
void fadvise_dontneed_willneed(struct sim *s, struct mthread *t, uint64_t first, uint64_t n);
/* a VMA's pages, all present: MADV_POPULATE_WRITE before the run, its
 * faults and its mmap_lock read hold counted */
void vma_populate(struct sim *s, struct vma *v);
/* every page of an anonymous VMA swapped out, to slots from swap_base on;
 * 0 or -ENOMEM */
int vma_swap_out(struct sim *s, struct vma *v);
/* is the page mapped (its PTE present)? */
bool vma_page_present(const struct vma *v, uint64_t page);
/* fallocate(PUNCH_HOLE) of a shmem VMA's whole file from t->now: its PTEs
 * zapped (unmap_mapping_range()), its pages freed, the punch in progress
 * until t->now + the work; no mmap_lock. t->now moves to its end. */
void shmem_punch(struct sim *s, struct mthread *t, struct vma *v);

#endif
