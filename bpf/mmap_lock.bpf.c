// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mmap_lock.bpf.c: how long mmap_lock is waited for and held, per process
 * and mode, from the mmap_lock tracepoints (include/linux/mmap_lock.h):
 *
 *   lock:      start_locking(w) -> acquire_returned(w, success)
 *   trylock:   start_locking(w) -> acquire_returned(w, success)
 *   unlock:    released(w)
 *   downgrade: acquire_returned(read, true) alone: the write hold goes on
 *              as a read hold
 *
 * A task holds at most a few mmap_locks at once: its own mm and, nested, a
 * remote one (a /proc reader, remote GUP). Their state lives in the task's
 * storage, so a holder that exits leaves nothing behind. Waits and holds
 * go into per-CPU log2 histograms per process (or cgroup) and mode; the
 * ones at least min_hold_ns long are streamed with their stacks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "core_fixes.bpf.h"	/* the tracepoints' prototypes */
#include "filter.bpf.h"
#include "tstate.bpf.h"
#include "guard.bpf.h"	/* each program twice (guard_ran()) */
#include "rows.bpf.h"
#include "mmap_lock.h"
#include "record.h"
#include "hist.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u64 min_hold_ns = 1000000;
const volatile __u8 user_stacks = 1;
/* tstates is the fault tracer's, which sees page-cache insertions */
const volatile __u8 io_known = 0;
/* mmretry record: every hold (and failed acquisition) streamed as it ends */
const volatile __u8 record = 0;
/* the fault tracer runs in tracepoint mode: its programs on start_locking
 * and acquire_returned run ours, after their own work, by a tail call */
const volatile __u8 faults_tp = 0;

#define MMR_PF_KTHREAD 0x00200000	/* include/linux/sched.h */
#define MMR_LOCK_SLOTS 2	/* own mm + one remote, nested */

struct held {
	__u64 mm;		/* 0: free slot */
	__u64 t_start;		/* start_locking */
	__u64 t_acq;		/* acquire_returned; 0 while waiting */
	__u8 write;
	__u8 remote;
	__u8 wait_pending;	/* acquired: the wait is accounted when the hold ends */
	__u8 downgraded;	/* a read hold a write hold turned into */
	__u8 pad[4];
};

struct lstate {
	struct held slot[MMR_LOCK_SLOTS];
	__u64 cg;		/* by cgroup: the task's cgroup row key when proc was found */
	__u32 proc;		/* 1 + its row's index in lock_stats; 0: not yet */
	__u8 filter;		/* 0 unknown, 1 traced, 2 not */
	__u8 pad[3];
};

/* rwsem count bits (kernel/locking/rwsem.c, since 5.3) */
#define MMR_RWSEM_FLAG_WAITERS 2UL

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct lstate);
} lstates SEC(".maps");

/*
 * Per row and mode: lock_stats[2 * i + write], i the row's index in
 * lock_procs. A row is the locking task's process (its tgid) or, by cgroup
 * (rows_by_cgroup), its cgroup's row in the fault tracer's proc_counters
 * (rows.bpf.h: the cgroup's id, or MMR_CGROUP_OTHER for the folded ones).
 * The index is looked up once per task and kept in its state
 * (lstate.proc): a hold costs an array lookup, not a hash lookup (~100 ns
 * on the 6.18 host). Free indices wait in lock_free, all of them at first
 * (no atomic fetch-and-add before -mcpu=v3); user space, once a process is
 * gone, zeroes its entries, drops it from lock_procs and gives its index
 * back (user/trace/mmap_lock.c).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MMR_LOCK_PROCS);
	__type(key, __u64);	/* tgid, or cgroup row key */
	__type(value, __u32);	/* index */
} lock_procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * MMR_LOCK_PROCS);
	__type(key, __u32);
	__type(value, struct mmr_lock_stats);
} lock_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, MMR_LOCK_PROCS);
	__type(value, __u32);
} lock_free SEC(".maps");


struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* resized by user space */
} lock_events SEC(".maps");

/* events the ring buffer could not take, per CPU */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lock_lost SEC(".maps");

/*
 * The state of a task whose lock of mm is traced: a traced task's, or an
 * untraced one's locking a traced process's mm (a /proc reader, remote
 * GUP: a holder that can block the traced process). NULL otherwise.
 */
static __always_inline struct lstate *lstate_of(struct task_struct *task,
						struct mm_struct *mm)
{
	struct lstate *ls;

	if (!mmr_in_cgroup())
		return NULL;
	ls = bpf_task_storage_get(&lstates, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ls || !filter_tgids)
		return ls;
	if (!ls->filter)
		ls->filter = mmr_tgid_listed(task->tgid) ? 1 : 2;
	if (ls->filter == 1)
		return ls;
	/* mm->owner (CONFIG_MEMCG) names the process the mm belongs to */
	if (!bpf_core_field_exists(mm->owner) || mm == task->mm)
		return NULL;
	return mmr_tgid_listed(BPF_CORE_READ(mm, owner, tgid)) ? ls : NULL;
}

static __always_inline struct held *slot_of(struct lstate *ls, __u64 mm)
{
	for (int i = 0; i < MMR_LOCK_SLOTS; i++)
		if (ls->slot[i].mm == mm)
			return &ls->slot[i];
	return NULL;
}

/* The stats of the task's row in a mode; NULL when MMR_LOCK_PROCS rows
 * exist already. Current's, by cgroup: a task moved to another cgroup
 * finds its new row at its next lock (one helper call a lock). */
static __always_inline struct mmr_lock_stats *stats_of(struct lstate *ls,
						       struct task_struct *task, bool write)
{
	__u64 key = 0, row;
	__u32 idx, *p;

	if (rows_by_cgroup) {
		key = cgroup_row_key();
		if (ls->cg != key)
			ls->proc = 0;
	}
	if (!ls->proc) {
		if (!rows_by_cgroup)
			row = task->tgid;
		else if (!cgroup_row(key, &row))
			return NULL;
		p = bpf_map_lookup_elem(&lock_procs, &row);
		if (p) {
			idx = *p;
		} else {
			if (bpf_map_pop_elem(&lock_free, &idx) || idx >= MMR_LOCK_PROCS)
				return NULL;	/* MMR_LOCK_PROCS rows already */
			if (bpf_map_update_elem(&lock_procs, &row, &idx, BPF_NOEXIST)) {
				/* another thread was first: its index */
				bpf_map_push_elem(&lock_free, &idx, 0);
				p = bpf_map_lookup_elem(&lock_procs, &row);
				if (!p)
					return NULL;
				idx = *p;
			}
		}
		ls->proc = idx + 1;
		ls->cg = key;
	}
	idx = (ls->proc - 1) * 2 + write;
	return bpf_map_lookup_elem(&lock_stats, &idx);
}

/*
 * The kernel stack of a streamed event, deeper than the event keeps: does
 * it run inside a page fault (kstack_in_fault(), tstate.bpf.h)? One walk
 * serves both, and only for a streamed event: a stack walk on every lock
 * would cost the fault path.
 */
#define MMR_FAULT_FRAMES 32

/* an event the ring buffer had no room for */
static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *lost = bpf_map_lookup_elem(&lock_lost, &zero);

	if (lost)
		*lost += 1;
}

static __always_inline void emit(void *ctx, __u32 kind, const struct held *h, __u64 now,
				 __u64 dur, bool success, bool blocking)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid(), ips[MMR_FAULT_FRAMES];
	struct mmr_lock_event *e;
	struct tstate *st;
	long n, nk;

	e = bpf_ringbuf_reserve(&lock_events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	e->type = MMR_EV_LOCK_LONG;
	e->kind = kind;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->write = h->write;
	e->remote = h->remote;
	nk = stack_walk(ctx, ips, sizeof(ips), 0);
	e->in_fault = kstack_in_fault(ips, MMR_FAULT_FRAMES);
	e->success = success;
	e->blocking = blocking;
	e->fault = 0;
	e->fault_addr = 0;
	/* what the fault tracer knows of the fault this lock was taken for */
	if (e->in_fault && (st = bpf_task_storage_get(&tstates, task, 0, 0))) {
		if (st->addr) {
			e->fault |= MMR_LOCK_FAULT_ADDR;
			e->fault_addr = st->addr;
		}
		if (io_known)
			e->fault |= MMR_LOCK_FAULT_IO_KNOWN | (st->tp_io ? MMR_LOCK_FAULT_IO : 0);
	}
	e->ts_ns = now;
	e->dur_ns = dur;
	e->mm = h->mm;
	e->nkstack = 0;
	if (nk > 0) {
		e->nkstack = nk / sizeof(__u64);
		if (e->nkstack > MMR_STACK_FRAMES)
			e->nkstack = MMR_STACK_FRAMES;
		__builtin_memcpy(e->kstack, ips, sizeof(e->kstack));
	}
	n = user_stacks && !h->remote ?
		stack_walk(ctx, e->ustack, sizeof(e->ustack), BPF_F_USER_STACK) : 0;
	e->nustack = n > 0 ? n / sizeof(__u64) : 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* record: one hold, or a failed acquisition (t_rel 0), as it ends */
static __always_inline void emit_op(struct held *h, __u64 t_rel, bool success, __u8 downgrade)
{
	struct mmr_lock_op_event *e;
	__u64 id;

	if (!record)
		return;
	e = bpf_ringbuf_reserve(&lock_events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	id = bpf_get_current_pid_tgid();
	e->type = MMR_EV_LOCK_OP;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->write = h->write;
	e->success = success;
	e->remote = h->remote;
	e->downgrade = downgrade;
	e->t_start = h->t_start;
	e->t_acq = h->t_acq;
	e->t_rel = t_rel;
	e->mm = h->mm;
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void on_start(void *ctx, struct mm_struct *mm, bool write)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct lstate *ls = lstate_of(task, mm);
	struct held *h;
	__u64 now;

	if (!ls)
		return;
	h = slot_of(ls, (__u64)mm);
	if (!h)
		h = slot_of(ls, 0);
	if (!h)
		return;	/* deeper nesting than we track */
	now = bpf_ktime_get_ns();
	/* tracepoint mode: the fault tracer's program ran before ours, and
	 * times the re-take of a retry from here too (its tp_start_ns) */
	if (faults_tp && !write && task->mm == mm) {
		struct tstate *st = bpf_task_storage_get(&tstates, task, 0, 0);

		if (st && st->tp_start)
			st->tp_start_ns = now;
	}
	h->mm = (__u64)mm;
	h->t_start = now;
	h->t_acq = 0;
	h->write = write;
	/* an exiting task drops its mm (task->mm = NULL) before exit_mmap()
	 * locks it for the last time: that lock is still its own */
	h->remote = (task->flags & MMR_PF_KTHREAD) || (task->mm && task->mm != mm);
	h->wait_pending = 0;
	h->downgraded = 0;
}

/*
 * Is anyone queued for the lock a hold of mm is about to release (a writer
 * it blocks, or readers queued behind one)? rwsem's own waiter flag, read
 * only for holds long enough to matter. Not on PREEMPT_RT's rwbase_rt.
 */
static __always_inline bool lock_waiters(struct mm_struct *mm)
{
	if (!bpf_core_field_exists(mm->mmap_lock.count))
		return false;
	return BPF_CORE_READ(mm, mmap_lock.count.counter) & MMR_RWSEM_FLAG_WAITERS;
}
/* A successful acquisition's wait, once its hold ends (or is downgraded). */
static __always_inline void account_wait(struct mmr_lock_stats *s, struct held *h,
					 struct task_struct *task)
{
	if (!h->wait_pending)
		return;
	h->wait_pending = 0;
	hist_add(&s->wait, h->t_acq - h->t_start);
	s->acquisitions++;
	s->remote += h->remote;
	/* the process's name, refreshed at log-spaced counts: after exec the
	 * new one wins, at next to no cost per lock */
	if (!rows_by_cgroup && !(s->acquisitions & (s->acquisitions - 1)))
		bpf_probe_read_kernel_str(s->comm, sizeof(s->comm), task->group_leader->comm);
}

/*
 * The rule: timestamps are the kernel's events, not the tracers' work. A
 * wait begins where the last program at start_locking stamps it and ends
 * where the first at acquire_returned does; a hold begins after the last
 * program's work at acquire_returned and ends where the first at released
 * stamps it. So on_start stamps after its lookups, on_acquire and on_release
 * before theirs. In tracepoint mode the fault tracer's program runs first
 * on start_locking and acquire_returned and tail-calls ours (tstate.bpf.h,
 * enum mmr_chain): at start its stack walk is before our stamp, as it should
 * be; at acquire_returned, for a traced task's read lock of its own mm, it
 * stamps the event first thing into the shared tstate (tp_acq_ns), then
 * counts and streams the retry, and we end the wait at its stamp and begin
 * the hold at ours. tests/live/run.sh holds it: a single-threaded file
 * workload's (uncontended) read waits are hundreds of ns.
 */
static __always_inline __u64 acquired_at(struct task_struct *task, struct mm_struct *mm,
					 bool write, __u64 now, struct tstate **stp)
{
	struct tstate *st;
	__u64 t;

	*stp = NULL;
	if (write || task->mm != mm)
		return now;
	st = bpf_task_storage_get(&tstates, task, 0, 0);
	*stp = st;
	if (!faults_tp || !st || !st->tp_acq_ns)
		return now;
	t = st->tp_acq_ns;
	st->tp_acq_ns = 0;
	return t <= now ? t : now;
}

/*
 * A read lock of the task's own mm was obtained after a wait: if the
 * task's fault retried and has not been attempted again (the fault
 * tracer's tstate, fentry and kprobe modes), this is the re-take of the
 * retry, and the fault tracer counts its wait with the next attempt.
 */
static __always_inline void retake_after_retry(struct tstate *st, __u64 wait)
{
	if (!st || !st->pending)
		return;
	st->retry_lock_wait += wait;
	st->retry_locked = 1;
}

static __always_inline void on_acquire(void *ctx, struct mm_struct *mm, bool write,
				       bool success)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 now = bpf_ktime_get_ns(), t_ev, wait;
	struct mmr_lock_stats *s;
	struct held *h, was;
	struct tstate *st;
	struct lstate *ls;
	__u32 long_ev = 0;
	bool downgrade;

	/* t_ev: the acquisition (the wait's end); now: our start, after the
	 * fault tracer's work, where a hold begins */
	t_ev = acquired_at(task, mm, write, now, &st);
	ls = bpf_task_storage_get(&lstates, task, 0, 0);
	if (!ls)
		return;
	h = slot_of(ls, (__u64)mm);
	if (!h)
		return;	/* taken before tracing started, or not traced */
	/* mmap_write_downgrade(): the write hold ends, a read hold starts */
	downgrade = h->t_acq != 0;
	if (downgrade && (write || !h->write))
		return;
	wait = t_ev - (downgrade ? h->t_acq : h->t_start);
	/* what a streamed event says of the hold, before this changes it */
	if (wait >= min_hold_ns) {
		was = *h;
		long_ev = downgrade ? MMR_LOCK_EV_HOLD : MMR_LOCK_EV_WAIT;
	}
	if (downgrade) {
		s = stats_of(ls, task, true);
		if (s) {
			account_wait(s, h, task);
			hist_add(&s->hold, wait);
			s->downgrades++;
		}
		emit_op(h, t_ev, true, MMR_LOCK_OP_DOWNGRADED);
		h->write = 0;
		h->t_acq = now;
		h->t_start = now;	/* the read hold begins without a wait */
		h->downgraded = 1;
	} else if (success) {
		/* the wait is accounted with the hold, in one map lookup: the
		 * hold begins at now, and t_start moves as far, so that
		 * t_acq - t_start stays the wait (record's events too) */
		h->t_start += now - t_ev;
		h->t_acq = now;
		h->wait_pending = 1;
		if (!write && !h->remote)
			retake_after_retry(st, wait);
	} else {
		s = stats_of(ls, task, h->write);
		if (s) {
			hist_add(&s->wait, wait);
			s->failures++;
		}
		h->t_acq = t_ev;
		emit_op(h, 0, false, 0);
		h->mm = 0;
	}
	if (!long_ev)
		return;
	/*
	 * Last, from one call site, on what the paths above left in memory
	 * and nothing they decided in registers: emit() and its stack walk
	 * are verified once, not once per path. The hold (a held h with
	 * t_acq == now) begins after the stack walk, and t_start moves with
	 * it, so that the wait stays t_acq - t_start.
	 */
	emit(ctx, long_ev, &was, t_ev, wait, downgrade || success, false);
	if (h->mm && h->t_acq == now) {
		t_ev = bpf_ktime_get_ns();
		h->t_start += t_ev - now;
		h->t_acq = t_ev;
	}
}

static __always_inline void on_release(void *ctx, struct mm_struct *mm, bool write)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 now = bpf_ktime_get_ns(), hold;
	struct mmr_lock_stats *s;
	struct lstate *ls;
	struct held *h;
	bool blocking;

	ls = bpf_task_storage_get(&lstates, task, 0, 0);
	if (!ls)
		return;
	h = slot_of(ls, (__u64)mm);
	if (!h || !h->t_acq)
		return;	/* taken before tracing started, by another task, untraced */
	hold = now - h->t_acq;
	s = stats_of(ls, task, h->write);
	if (s) {
		account_wait(s, h, task);
		hist_add(&s->hold, hold);
	}
	/* a long hold, or a shorter one that others queue behind */
	blocking = hold >= min_hold_ns / MMR_BLOCKER_DIV && lock_waiters(mm);
	if (hold >= min_hold_ns || blocking)
		emit(ctx, MMR_LOCK_EV_HOLD, h, now, hold, true, blocking);
	emit_op(h, now, true, h->downgraded ? MMR_LOCK_OP_FROM_DOWNGRADE : 0);
	h->mm = 0;
}

/*
 * Each program with its preemption guard (guard.bpf.h), attached after it
 * (a skeleton attaches a section's programs in source order). In
 * tracepoint mode the fault tracer's programs and their guards run start
 * and acquire by a tail call, once an event, and own those marks: these
 * guards are not loaded then, and the programs leave the marks alone.
 */
static __always_inline void lock_start(void *ctx, struct mm_struct *mm, bool write, bool guard)
{
	if (guard && !guard_takes_over(MMR_HK_LOCK_START))
		return;
	on_start(ctx, mm, write);
	if (!guard && !faults_tp)
		guard_ran(MMR_HK_LOCK_START);
}

static __always_inline void lock_acquire(void *ctx, struct mm_struct *mm, bool write,
					 bool success, bool guard)
{
	if (guard && !guard_takes_over(MMR_HK_LOCK_ACQUIRE))
		return;
	on_acquire(ctx, mm, write, success);
	if (!guard && !faults_tp)
		guard_ran(MMR_HK_LOCK_ACQUIRE);
}

static __always_inline void lock_release(void *ctx, struct mm_struct *mm, bool write, bool guard)
{
	if (guard && !guard_takes_over(MMR_HK_LOCK_RELEASE))
		return;
	on_release(ctx, mm, write);
	if (!guard)
		guard_ran(MMR_HK_LOCK_RELEASE);
}

/* a program for each prototype (core_fixes.bpf.h: 6.14 dropped memcg_path) */
#define MMR_LOCK_PROGS(sfx, guard)							\
	MMAP_LOCK_TP_START_LOCKING(lock_start, sfx, lock_start(ctx, mm, write, guard))	\
	MMAP_LOCK_TP_ACQUIRE_RETURNED(lock_acquire, sfx,				\
				      lock_acquire(ctx, mm, write, success, guard))	\
	MMAP_LOCK_TP_RELEASED(lock_release, sfx, lock_release(ctx, mm, write, guard))

MMR_LOCK_PROGS(, false)
MMR_LOCK_PROGS(_guard, true)
