// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * faults.bpf.c: page-fault attempts, retries and why they retried.
 *
 * Three modes share this object; user space autoloads one set:
 *  - fentry/fexit on handle_mm_fault and the retry producers (preferred);
 *  - kprobe/kretprobe on the same functions (fallback);
 *  - tracepoints only: mmap_lock:mmap_lock_start_locking and
 *    mmap_lock_acquire_returned (the slow path's read lock, which
 *    lock_mm_and_find_vma() takes again after a retry) with
 *    filemap:mm_filemap_fault and mm_filemap_add_to_page_cache, from
 *    which retries are inferred (for kernels that refuse the other two,
 *    e.g. under lockdown); the faults themselves come from the kernel's
 *    own accounting (user/trace/acct.c).
 * In every mode: sched_process_fork and exit follow the traced processes;
 * record adds sys_enter and sys_exit for the address-space changes.
 * Twin programs are one-line wrappers around one __always_inline handler.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "core_fixes.bpf.h"
#include "filter.bpf.h"
#include "faults.h"
#include "hist.h"
#include "latency.h"
#include "record.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by user space from the probed features (user/trace/plan.c). */
const volatile __u8 per_vma_locks = 0;		/* CONFIG_PER_VMA_LOCK: lock_vma_under_rcu */
const volatile __u8 folio_lock_or_retry_bool = 0; /* 6.1: returns bool, false = retry */
const volatile __u8 stream_events = 1;
/* set by user space once tp_mm_filemap_add_to_page_cache is attached */
__u8 io_hooked = 0;
/* tracepoint mode: sum the fault accounting of traced tasks as they exit */
const volatile __u8 exit_accounting = 0;
/* `mmretry top`: also count per row (proc_counters); off for stat */
const volatile __u8 per_process = 0;
/* `mmretry record`: stream every attempt and the address-space changes */
const volatile __u8 record = 0;
/* fentry and kprobe modes: time each fault (fault_latency, the slowest
 * faults, per-process durations); off with --no-latency, which leaves the
 * counting alone */
const volatile __u8 fault_timing = 1;
/* stat: stream each fault at least min_fault_ns long (fentry, kprobe) */
const volatile __u8 stream_faults = 0;
const volatile __u64 min_fault_ns = 1000000;
/* ~(PAGE_SIZE - 1), from user space's sysconf(_SC_PAGESIZE): a fault's page */
const volatile __u64 page_mask = ~0xfffULL;
/* record: the syscalls that change an address space, by number (user
 * space sets them from <sys/syscall.h>: they differ between arches) */
const volatile __s32 nr_mmap = -1, nr_munmap = -1, nr_mprotect = -1, nr_madvise = -1,
	nr_mremap = -1, nr_brk = -1;

#include "tstate.bpf.h"
#include "guard.bpf.h"	/* each hook's program twice (guard_pass()) */
#include "rows.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mmr_fault_counters);
} fault_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* resized by user space */
} events SEC(".maps");

/* fentry and kprobe modes: how long faults took (faults.h) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mmr_fault_latency);
} fault_latency SEC(".maps");


/* slow fault events the ring buffer had no room for, per CPU */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} slow_lost SEC(".maps");

static __always_inline struct mmr_fault_counters *counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&fault_counters, &zero);
}

/*
 * The row of task's process, or of its cgroup (rows_by_cgroup: task is
 * the current task), created on its first event; NULL when per_process is
 * off (stat: no lookup at all) or, by process, the map is full (counted
 * in proc_lost). One lookup per event once the entry exists.
 */
static __always_inline struct mmr_proc_counters *proc_of(struct task_struct *task)
{
	struct mmr_proc_counters *p;
	struct task_struct *leader;
	__u64 row, *lost;
	__u32 zero = 0;
	bool made;

	if (!per_process)
		return NULL;
	if (rows_by_cgroup)
		return cgroup_row(cgroup_row_key(), &row);
	p = row_of(BPF_CORE_READ(task, tgid), &made);
	if (!p) {
		lost = bpf_map_lookup_elem(&proc_lost, &zero);
		if (lost)
			*lost += 1;
	} else if (made) {
		leader = BPF_CORE_READ(task, group_leader);
		bpf_core_read_str(p->comm, sizeof(p->comm), &leader->comm);
	}
	return p;
}

static __always_inline struct tstate *tstate_get(bool create)
{
	return bpf_task_storage_get(&tstates, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/*
 * The state of a traced task, NULL for a task the filter leaves out. The
 * tgid verdict is cached in the task's storage: a tgid never changes, and
 * traced tgids are added before their first fault (fork or command start),
 * so the hash lookup stays off the fault path.
 */
static __always_inline struct tstate *traced_tstate_of(struct task_struct *task, __u32 hook,
							bool guard)
{
	struct tstate *st;

	if (!mmr_in_cgroup())
		return NULL;
	st = bpf_task_storage_get(&tstates, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st || (hook && !guard_pass(st, hook, guard)))
		return NULL;
	if (!filter_tgids)
		return st;
	if (!st->filter)
		st->filter = mmr_tgid_listed(bpf_get_current_pid_tgid() >> 32) ? 1 : 2;
	return st->filter == 1 ? st : NULL;
}

static __always_inline struct tstate *traced_tstate(struct task_struct *task)
{
	return traced_tstate_of(task, 0, false);
}

/* The state of the task at a hook's program; NULL if none, or if the run
 * is a guard's whose first program ran. */
static __always_inline struct tstate *hook_tstate(__u32 hook, bool guard)
{
	struct tstate *st = tstate_get(false);

	return st && guard_pass(st, hook, guard) ? st : NULL;
}

static __always_inline void emit_retry(struct mmr_fault_counters *c, __u64 addr,
				       __u32 flags, __u32 result, __u8 reason,
				       __u8 kind, __u16 attempt, __u16 inferred)
{
	struct mmr_retry_event *e;
	__u64 id;

	if (!stream_events)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		c->lost_events += 1;
		return;
	}
	id = bpf_get_current_pid_tgid();
	e->type = MMR_EV_RETRY;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->flags = flags;
	e->ts_ns = bpf_ktime_get_ns();
	e->addr = addr;
	e->result = vm_fault_mmr(result);
	e->reason = reason;
	e->vma_kind = kind;
	e->attempt = attempt;
	e->inferred = inferred;
	e->pad = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* record: every attempt, as it returns at end (the time its figures used:
 * user/stats/fault_time.c rebuilds them from the events) */
static __always_inline void emit_attempt(struct mmr_fault_counters *c, struct tstate *st,
					 __u32 ret, __u8 reason, __u64 end)
{
	struct mmr_attempt_event *e;
	__u64 id;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		c->lost_events += 1;
		return;
	}
	id = bpf_get_current_pid_tgid();
	e->type = MMR_EV_ATTEMPT;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->flags = st->flags;
	e->start_ns = st->start_ns;
	e->end_ns = end;
	e->addr = st->addr;
	e->result = vm_fault_mmr(ret);
	e->reason = reason;
	e->vma_kind = st->kind;
	e->attempt = st->attempt;
	e->pad[0] = e->pad[1] = e->pad[2] = 0;
	bpf_ringbuf_submit(e, 0);
}

/* ------------------------------------------------------------------ */
/* fentry and kprobe modes: every handle_mm_fault attempt             */

static __always_inline __u8 vma_kind(__u64 vm_file, __u64 vm_ops)
{
	if (!vm_ops)
		return MMR_VMA_ANON;	/* vma_is_anonymous() */
	return vm_file ? MMR_VMA_FILE : MMR_VMA_SPECIAL;
}

static __always_inline struct mmr_fault_latency *latency(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&fault_latency, &zero);
}

/* The slot of the fault's attempt in progress in tstate's att[] and the
 * event's attempt[]: the first three, then the latest. The mask keeps the
 * index bounded for the verifier. */
_Static_assert(!(MMR_FAULT_ATTEMPTS & (MMR_FAULT_ATTEMPTS - 1)), "a power of two");

static __always_inline struct mmr_fault_attempt *att_of(struct tstate *st)
{
	__u32 slot = st->attempt > MMR_FAULT_ATTEMPTS ? MMR_FAULT_ATTEMPTS - 1 : st->attempt - 1;

	slot &= MMR_FAULT_ATTEMPTS - 1;
	barrier_var(slot);
	return &st->att[slot & (MMR_FAULT_ATTEMPTS - 1)];
}

/* The attempt in progress returned result at now: into its slot (the
 * next attempt's entry adds the gap before it, retry_resumed()). */
static __always_inline void att_end(struct tstate *st, __u64 now, __u32 result, __u8 reason)
{
	struct mmr_fault_attempt *a = att_of(st);

	if (st->attempt == 1) {
		a->gap_ns = 0;
		a->lock_wait_ns = 0;
		a->lock_waited = 0;
	}
	a->start_ns = st->start_ns;
	a->dur_ns = now - st->start_ns;
	a->result = result;
	a->flags = st->flags;
	a->reason = reason;
	__builtin_memset(a->pad, 0, sizeof(a->pad));
}

/* The next attempt of a retried fault starts at now: the gap since the
 * retry, and the mmap_lock wait in it if the mmap_lock tracer saw one. */
static __always_inline void retry_resumed(struct tstate *st, __u64 now)
{
	struct mmr_fault_latency *l = latency();
	struct mmr_fault_attempt *a;

	if (!st->retry_end_ns)
		return;
	if (stream_faults) {
		a = att_of(st);
		a->gap_ns = now - st->retry_end_ns;
		a->lock_wait_ns = st->retry_locked ? st->retry_lock_wait : 0;
		a->lock_waited = st->retry_locked;
	}
	if (!l)
		return;
	mmr_hist_add_reason(l->gap, st->last_reason, now - st->retry_end_ns);
	if (st->retry_locked)
		mmr_hist_add_reason(l->lock_wait, st->last_reason, st->retry_lock_wait);
}

/* A retried fault ends without another attempt (fault_signal_pending(),
 * or its task exits): a fault, in the run's counters and its row's (task:
 * the current task, which a cgroup row needs; a process's row is not made
 * again here, after top forgot an exited process). Rare: a lookup. */
static __always_inline void abandoned(struct mmr_fault_counters *c, struct task_struct *task)
{
	__u64 tgid = BPF_CORE_READ(task, tgid);
	struct mmr_proc_counters *p = rows_by_cgroup ? proc_of(task) :
				      per_process ? bpf_map_lookup_elem(&proc_counters, &tgid) :
				      NULL;

	if (c) {
		c->faults += 1;
		c->abandoned += 1;
	}
	if (p)
		p->faults += 1;
}

static __always_inline void attempt_enter(__u64 address, __u32 flags, __u64 vm_file,
					  __u64 vm_ops, __u64 vma, bool guard)
{
	struct tstate *st;
	__u64 page = address & page_mask, now;

	st = traced_tstate_of(bpf_get_current_task_btf(), MMR_HK_ENTRY, guard);
	if (!st)
		return;
	now = fault_timing || record ? bpf_ktime_get_ns() : 0;
	if (st->pending && st->addr == page) {
		st->attempt++;
		if (fault_timing)
			retry_resumed(st, now);
	} else {
		if (st->pending) {
			/* the previous fault's last attempt retried and was
			 * not attempted again (fault_signal_pending) */
			abandoned(counters(), bpf_get_current_task_btf());
		}
		st->attempt = 1;
	}
	st->addr = page;
	st->flags = flags;
	st->vm_ops = vm_ops;
	st->kind = vma_kind(vm_file, vm_ops);
	st->reason = MMR_REASON_NONE;
	st->lock_wait = 0;
	st->tp_io = 0;
	st->pending = 0;
	st->in_attempt = 1;
	st->start_ns = now;
	if (st->attempt == 1)
		st->fault_start_ns = st->start_ns;
	if (stream_faults)
		st->vma = vma;
}

/*
 * The fault in progress ended (its attempt did not return RETRY) at now;
 * with p (top, stat --proc-latency), its duration in its process's
 * histogram too.
 */
static __always_inline void fault_done(struct tstate *st, struct mmr_proc_counters *p,
				       __u32 ret, __u64 now)
{
	struct mmr_fault_latency *l = latency();
	struct mmr_fault_end f = {
		.flags = st->flags,
		.attempts = st->attempt,
		.completed = !!(ret & VMF(COMPLETED)),
		.major = !!(ret & VMF(MAJOR)),
		.first_reason = st->first_reason,
		.dur = now - st->fault_start_ns,
		.retry_ns = now - st->retry_start_ns,
		.last_ns = now - st->start_ns,
	};

	if (!l || !st->fault_start_ns)
		return;
	if (p)
		hist_add(&p->fault_ns, f.dur);
	mmr_fault_done(l, &f);
}

/* A slow fault, as its last attempt returned ret at now (its duration
 * taken before the stack walks, which are the tracer's own time). */
static __always_inline void emit_fault(void *ctx, struct tstate *st, __u32 ret, __u64 now)
{
	struct vm_area_struct *vma = (void *)st->vma;
	struct mmr_fault_event *e;
	struct file *file;
	__u32 zero = 0;
	__u64 id, *lost;
	long n;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		lost = bpf_map_lookup_elem(&slow_lost, &zero);
		if (lost)
			*lost += 1;
		return;
	}
	id = bpf_get_current_pid_tgid();
	e->type = MMR_EV_FAULT;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->result = vm_fault_mmr(ret);
	e->start_ns = st->fault_start_ns;
	e->dur_ns = now - st->fault_start_ns;
	e->addr = st->addr;
	e->attempts = st->attempt;
	e->vma_kind = st->kind;
	e->origin = st->flags & MMR_FAULT_FLAG_USER ? MMR_ORIGIN_USER : MMR_ORIGIN_KERNEL;
	e->first_reason = st->attempt > 1 ? st->first_reason : MMR_REASON_NONE;
	e->last_reason = st->attempt > 1 ? st->last_reason : MMR_REASON_NONE;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	/* the last attempt's vma, still locked at its return (but after
	 * VM_FAULT_COMPLETED): its mm, and its file as /proc/PID/maps names it */
	e->mm = (__u64)BPF_CORE_READ(vma, vm_mm);
	file = BPF_CORE_READ(vma, vm_file);
	e->file = file != NULL;
	e->ino = file ? BPF_CORE_READ(file, f_inode, i_ino) : 0;
	e->dev = file ? BPF_CORE_READ(file, f_inode, i_sb, s_dev) : 0;
	/* this attempt beside the retries' (slots past attempts are stale) */
	att_end(st, now, e->result, MMR_REASON_NONE);
	__builtin_memcpy(e->attempt, st->att, sizeof(e->attempt));
	n = stack_walk(ctx, e->kstack, sizeof(e->kstack), 0);
	e->nkstack = n > 0 ? n / sizeof(__u64) : 0;
	n = stack_walk(ctx, e->ustack, sizeof(e->ustack), BPF_F_USER_STACK);
	e->nustack = n > 0 ? n / sizeof(__u64) : 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

/* A timed fault's attempt returned RETRY at now, for reason (idx: bounded) */
static __always_inline void retry_timed(struct tstate *st, __u32 ret, __u8 reason, __u32 idx,
					__u64 now)
{
	struct mmr_fault_latency *l;

	if (st->attempt == 1) {
		st->retry_start_ns = now;
		st->first_reason = idx;
	}
	st->retry_end_ns = now;
	st->last_reason = idx;
	st->retry_lock_wait = 0;
	st->retry_locked = 0;
	if (stream_faults)	/* this attempt, kept while the fault goes on */
		att_end(st, now, vm_fault_mmr(ret), reason);
	l = latency();
	if (l)
		mmr_hist_add_reason(l->attempt, idx, now - st->start_ns);
}

static __always_inline void attempt_exit(void *ctx, __u32 ret, bool guard)
{
	struct mmr_proc_counters *p;
	struct mmr_fault_counters *c;
	struct tstate *st;
	__u32 vma_lock = fault_flag_vma_lock();
	__u32 idx;
	__u64 now;
	__u8 reason;

	st = hook_tstate(MMR_HK_EXIT, guard);
	if (!st || !st->in_attempt)
		return;
	st->in_attempt = 0;
	/* the attempt's end, before this program's counting (a hash lookup
	 * per process): the figures time the kernel, not the tracer */
	now = fault_timing || record ? bpf_ktime_get_ns() : 0;
	c = counters();
	if (!c)
		return;
	p = proc_of(bpf_get_current_task_btf());
	c->attempts += 1;
	if (p)
		p->attempts += 1;
	if (vma_lock && (st->flags & vma_lock)) {
		c->vma_lock_attempts += 1;
		if (p)
			p->vma_lock_attempts += 1;
	} else {
		c->mmap_lock_attempts += 1;
		if (p)
			p->mmap_lock_attempts += 1;
	}
	if (ret & VMF(MAJOR)) {
		c->major += 1;
		if (p)
			p->major += 1;
	}
	if (ret & VMF(COMPLETED)) {
		c->completed += 1;
		if (p)
			p->completed += 1;
	}
	if (ret & VMF_ERROR)
		c->errors += 1;
	if (!(ret & VMF(RETRY))) {
		c->faults += 1;
		if (p)
			p->faults += 1;
		if (fault_timing) {
			fault_done(st, p, ret, now);
			/* the slowest faults: a compare, unless streamed */
			if (stream_faults && st->fault_start_ns &&
			    now - st->fault_start_ns >= min_fault_ns)
				emit_fault(ctx, st, ret, now);
		}
		if (record)
			emit_attempt(c, st, ret, MMR_REASON_NONE, now);
		return;
	}

	reason = st->reason;
	if (reason == MMR_REASON_NONE) {
		reason = MMR_REASON_OTHER;
		/* vmf_can_call_fault() is inlined: under the VMA lock a
		 * vm_ops without ->map_pages must be retried under mmap_lock */
		if (vma_lock && (st->flags & vma_lock) && st->vm_ops) {
			const struct vm_operations_struct *ops = (void *)st->vm_ops;

			if (!BPF_CORE_READ(ops, map_pages))
				reason = MMR_REASON_VMA_FALLBACK;
		}
	}
	/* a 32-bit index bounded in the register used for the access: clang
	 * otherwise tests a masked copy and the verifier loses the bound */
	idx = reason < MMR_NR_REASONS ? reason : MMR_REASON_OTHER;
	barrier_var(idx);
	if (idx < MMR_NR_REASONS) {
		c->reasons[idx] += 1;
		if (p)
			p->reasons[idx] += 1;
	}
	c->retries += 1;
	if (p)
		p->retries += 1;
	st->pending = 1;
	if (fault_timing)
		retry_timed(st, ret, reason, idx, now);
	emit_retry(c, st->addr, st->flags, ret, reason, st->kind, st->attempt, 0);
	if (record)
		emit_attempt(c, st, ret, reason, now);
}

/* A retry producer returned: the innermost one names the reason. */
static __always_inline void producer_exit(bool retried, __u8 reason, __u32 hook, bool guard)
{
	struct tstate *st;

	if (!retried)
		return;
	st = hook_tstate(hook, guard);
	if (st && st->in_attempt && st->reason == MMR_REASON_NONE)
		st->reason = reason;
}

static __always_inline void filemap_fault_exit(__u32 ret, bool guard)
{
	struct tstate *st;

	if (!(ret & VMF(RETRY)))
		return;
	st = hook_tstate(MMR_HK_FILEMAP, guard);
	if (!st || !st->in_attempt)
		return;
	if (st->reason != MMR_REASON_NONE)
		return;
	/*
	 * The attempt put folios in the page cache (a read or readahead it
	 * started), or found none (MAJOR): the lock was dropped for its I/O.
	 * Otherwise it waited for a folio someone else's I/O held locked.
	 * Without the page-cache hook, fall back on the lock wait itself
	 * (__folio_lock_killable, which some builds inline into filemap_fault).
	 */
	if (io_hooked)
		st->reason = st->tp_io || (ret & VMF(MAJOR)) ?
			MMR_REASON_FILE_IO : MMR_REASON_PAGE_LOCK;
	else
		st->reason = st->lock_wait ? MMR_REASON_PAGE_LOCK : MMR_REASON_FILE_IO;
}

static __always_inline void folio_lock_killable_enter(bool guard)
{
	struct tstate *st = hook_tstate(MMR_HK_FOLIO_LOCK, guard);

	if (st && st->in_attempt)
		st->lock_wait = 1;
}

static __always_inline void shmem_fault_exit(__u32 ret, bool guard)
{
	struct tstate *st = hook_tstate(MMR_HK_SHMEM, guard);

	if (!st || !st->in_attempt)
		return;
	st->kind = MMR_VMA_SHMEM;
	if ((ret & VMF(RETRY)) && st->reason == MMR_REASON_NONE)
		st->reason = MMR_REASON_SHMEM;
}

static __always_inline bool folio_lock_or_retry_retried(__u64 ret)
{
	/* 6.1: bool __folio_lock_or_retry(folio, mm, flags), false means the
	 * caller returns RETRY; 6.5+: vm_fault_t __folio_lock_or_retry(folio, vmf) */
	if (folio_lock_or_retry_bool)
		return (__u8)ret == 0;
	return ret & VMF(RETRY);
}

/* fentry/fexit twins, each with its preemption guard (guard_pass()) */

#define MMR_FENTRY_PROGS(sfx, guard)							\
SEC("fentry/handle_mm_fault")								\
int BPF_PROG(fentry_handle_mm_fault##sfx, struct vm_area_struct *vma,			\
	     unsigned long address, unsigned int flags)					\
{											\
	attempt_enter(address, flags, (__u64)vma->vm_file, (__u64)vma->vm_ops,		\
		      (__u64)vma, guard);							\
	return 0;									\
}											\
											\
SEC("fexit/handle_mm_fault")								\
int BPF_PROG(fexit_handle_mm_fault##sfx, struct vm_area_struct *vma,			\
	     unsigned long address, unsigned int flags, struct pt_regs *regs,		\
	     vm_fault_t ret)								\
{											\
	attempt_exit(ctx, ret, guard);							\
	return 0;									\
}											\
											\
SEC("fentry/__folio_lock_killable")							\
int BPF_PROG(fentry_folio_lock_killable##sfx)						\
{											\
	folio_lock_killable_enter(guard);						\
	return 0;									\
}											\
											\
SEC("fexit/filemap_fault")								\
int BPF_PROG(fexit_filemap_fault##sfx, struct vm_fault *vmf, vm_fault_t ret)		\
{											\
	filemap_fault_exit(ret, guard);							\
	return 0;									\
}											\
											\
/* the argument count changed (6.1: 3, 6.5+: 2); ask for the return */		\
SEC("fexit/__folio_lock_or_retry")							\
int fexit_folio_lock_or_retry##sfx(__u64 *ctx)						\
{											\
	__u64 ret = 0;									\
											\
	bpf_get_func_ret(ctx, &ret);							\
	producer_exit(folio_lock_or_retry_retried(ret), MMR_REASON_SWAP,		\
		      MMR_HK_LOCK_OR_RETRY, guard);					\
	return 0;									\
}											\
											\
SEC("fexit/do_swap_page")								\
int BPF_PROG(fexit_do_swap_page##sfx, struct vm_fault *vmf, vm_fault_t ret)		\
{											\
	producer_exit(ret & VMF(RETRY), MMR_REASON_SWAP, MMR_HK_SWAP, guard);		\
	return 0;									\
}											\
											\
SEC("fexit/handle_userfault")								\
int BPF_PROG(fexit_handle_userfault##sfx, struct vm_fault *vmf, unsigned long reason,	\
	     vm_fault_t ret)								\
{											\
	producer_exit(ret & VMF(RETRY), MMR_REASON_USERFAULTFD, MMR_HK_UFFD, guard);	\
	return 0;									\
}											\
											\
SEC("fexit/shmem_fault")								\
int BPF_PROG(fexit_shmem_fault##sfx, struct vm_fault *vmf, vm_fault_t ret)		\
{											\
	shmem_fault_exit(ret, guard);							\
	return 0;									\
}											\
											\
SEC("fexit/__vmf_anon_prepare")								\
int BPF_PROG(fexit_vmf_anon_prepare##sfx, struct vm_fault *vmf, vm_fault_t ret)	\
{											\
	producer_exit(ret & VMF(RETRY), MMR_REASON_ANON_VMA, MMR_HK_ANON, guard);	\
	return 0;									\
}

MMR_FENTRY_PROGS(, false)
MMR_FENTRY_PROGS(_guard, true)

/* kprobe/kretprobe twins */

SEC("kprobe/handle_mm_fault")
int BPF_KPROBE(kprobe_handle_mm_fault, struct vm_area_struct *vma,
	       unsigned long address, unsigned int flags)
{
	attempt_enter(address, flags, (__u64)BPF_CORE_READ(vma, vm_file),
		      (__u64)BPF_CORE_READ(vma, vm_ops), (__u64)vma, false);
	return 0;
}

SEC("kretprobe/handle_mm_fault")
int BPF_KRETPROBE(kretprobe_handle_mm_fault, vm_fault_t ret)
{
	attempt_exit(ctx, ret, false);
	return 0;
}

SEC("kprobe/__folio_lock_killable")
int BPF_KPROBE(kprobe_folio_lock_killable)
{
	folio_lock_killable_enter(false);
	return 0;
}

SEC("kretprobe/filemap_fault")
int BPF_KRETPROBE(kretprobe_filemap_fault, vm_fault_t ret)
{
	filemap_fault_exit(ret, false);
	return 0;
}

SEC("kretprobe/__folio_lock_or_retry")
int BPF_KRETPROBE(kretprobe_folio_lock_or_retry, __u64 ret)
{
	producer_exit(folio_lock_or_retry_retried(ret), MMR_REASON_SWAP, MMR_HK_LOCK_OR_RETRY,
		      false);
	return 0;
}

SEC("kretprobe/do_swap_page")
int BPF_KRETPROBE(kretprobe_do_swap_page, vm_fault_t ret)
{
	producer_exit(ret & VMF(RETRY), MMR_REASON_SWAP, MMR_HK_SWAP, false);
	return 0;
}

SEC("kretprobe/handle_userfault")
int BPF_KRETPROBE(kretprobe_handle_userfault, vm_fault_t ret)
{
	producer_exit(ret & VMF(RETRY), MMR_REASON_USERFAULTFD, MMR_HK_UFFD, false);
	return 0;
}

SEC("kretprobe/shmem_fault")
int BPF_KRETPROBE(kretprobe_shmem_fault, vm_fault_t ret)
{
	shmem_fault_exit(ret, false);
	return 0;
}

SEC("kretprobe/__vmf_anon_prepare")
int BPF_KRETPROBE(kretprobe_vmf_anon_prepare, vm_fault_t ret)
{
	producer_exit(ret & VMF(RETRY), MMR_REASON_ANON_VMA, MMR_HK_ANON, false);
	return 0;
}

/* ------------------------------------------------------------------ */
/* tracepoint mode: only the slow path is traced                      */

/*
 * No tracepoint fires on every fault except exceptions:page_fault_*, and an
 * enabled one costs ~4% of an anonymous fault by its mere presence (make
 * bench). So this mode leaves the fast path alone and reconstructs faults
 * from their slow-path events:
 *  - mmap_lock read acquisitions made by lock_mm_and_find_vma() (told from
 *    other read locks by a stack walk): one attempt under mmap_lock each;
 *  - filemap:mm_filemap_fault (6.12+): an attempt ran filemap_fault;
 *  - filemap:mm_filemap_add_to_page_cache: that attempt started I/O.
 * Events belong to one fault while the task's fault accounting (min_flt +
 * maj_flt, which mm_account_fault() skips on VM_FAULT_RETRY) stands still.
 * The number of faults and major faults come from that accounting too:
 * exiting tasks here, live ones from /proc (user/trace/acct.c).
 */

/* Make st (a traced task's state) describe the fault the task's accounting
 * says is in progress; true if that is a new fault (the accounting moved). */
static __always_inline bool tp_fault(struct tstate *st, struct task_struct *task)
{
	__u64 seq = task->min_flt + task->maj_flt;

	if (st->tp_open && st->seq == seq)
		return false;
	st->tp_open = 1;
	st->seq = seq;
	st->tp_nacq = 0;
	st->tp_reason = MMR_REASON_NONE;
	st->tp_filemap_first = 0;
	st->tp_io = 0;
	st->attempt = 0;
	return true;
}

static __always_inline void tp_start_locking(void *ctx, struct mm_struct *mm, bool write)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tstate *st;

	if (write || task->mm != mm)
		return;
	st = traced_tstate(task);
	if (!st)
		return;
	st->tp_start = lock_taken_for(ctx);
	/* the wait starts after the stack walk, which is the tracer's time */
	st->tp_start_ns = bpf_ktime_get_ns();
}

/* Does the current kernel stack pass through asm_exc_page_fault (a page
 * fault's, user or kernel mode)? For rare events only: a stack walk. */
static __always_inline bool in_page_fault(void *ctx)
{
	__u64 ips[MMR_LMFV_FRAMES];

	if (!aepf_start)
		return false;
	if (stack_walk(ctx, ips, sizeof(ips), 0) == MMR_WALK_REFUSED)	/* zeroed past the stack */
		count_walk_refused();
	return kstack_in_fault(ips, MMR_LMFV_FRAMES);
}

/* A producer's reason for the attempt in progress of the task's fault
 * (st: the task's, traced): the first to be given stands. */
static __always_inline void tp_name(struct tstate *st, struct task_struct *task, __u8 reason)
{
	tp_fault(st, task);
	if (st->tp_reason == MMR_REASON_NONE)
		st->tp_reason = reason;
}

/*
 * A read trylock of the task's own mm that failed, not lock_mm_and_find_vma()'s
 * (tp_start unset), inside a page fault: with per-VMA locks (6.4+) that is
 * __vmf_anon_prepare() (6.12+: 6.4-6.11 inline it as part of
 * do_anonymous_page() and the like), which found no anon_vma under the VMA
 * lock, could not take mmap_lock to make one, and retries: the retry the
 * next acquisition counts is anon_vma's. It stands in for a hook on
 * __vmf_anon_prepare(), which every anonymous fault calls.
 */
static __always_inline void tp_anon_trylock_failed(void *ctx, struct task_struct *task,
						   struct tstate *st)
{
	if (per_vma_locks && in_page_fault(ctx))
		tp_name(st, task, MMR_REASON_ANON_VMA);
}

static __always_inline void tp_acquire_returned(void *ctx, struct mm_struct *mm, bool write,
						bool success)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mmr_fault_latency *l;
	struct mmr_proc_counters *p;
	struct mmr_fault_counters *c;
	struct tstate *st;
	bool fresh, retry;
	__u64 now;
	__u8 from, reason, prod;

	/* mmap_write_downgrade() emits acquire_returned(read) with no
	 * start_locking: only count acquisitions that started as reads (and
	 * tp_start is only set in a traced task's state) */
	if (write || task->mm != mm)
		return;
	/* the event's time, before this program's work: the mmap_lock
	 * tracer's program runs after this one and takes it (tp_acq_ns) */
	now = bpf_ktime_get_ns();
	st = bpf_task_storage_get(&tstates, task, 0, 0);
	if (!st)
		return;
	if (!st->tp_start) {
		if (!success && st->filter != 2)
			tp_anon_trylock_failed(ctx, task, st);
		return;
	}
	st->tp_acq_ns = now;
	from = st->tp_start;
	st->tp_start = 0;
	c = counters();
	if (!success || !c)
		return;
	fresh = tp_fault(st, task);
	/* what a hooked producer said of the attempt this one follows; the
	 * next attempt's producers name its own retry */
	prod = st->tp_reason;
	st->tp_reason = MMR_REASON_NONE;
	p = proc_of(task);
	c->mmap_lock_attempts += 1;
	if (p)
		p->mmap_lock_attempts += 1;
	if (st->tp_nacq < 255)
		st->tp_nacq++;
	st->attempt++;
	/*
	 * With per-VMA locks a user fault first tries lock_vma_under_rcu():
	 * its first mmap_lock attempt follows a VMA-lock attempt that
	 * retried. A kernel-mode fault, or any fault without per-VMA locks,
	 * starts under mmap_lock. Every later attempt follows a retry.
	 */
	if (fresh && from == MMR_LMFV_KERNEL) {
		c->kernel_faults += 1;
		if (p)
			p->kernel_faults += 1;
	}
	retry = !fresh || (per_vma_locks && from == MMR_LMFV_USER);
	if (!retry)
		return;
	if (fresh)
		st->attempt++;	/* the VMA-lock attempt was the first */
	c->retries += 1;
	if (p)
		p->retries += 1;
	/* filemap_fault ran in the attempt before the first retry (6.12+):
	 * it retried for I/O it started, or for a folio locked for I/O */
	reason = MMR_REASON_UNATTRIBUTED;
	if (prod != MMR_REASON_NONE && prod < MMR_NR_REASONS)
		reason = prod;	/* the producer's own word */
	else if (st->tp_filemap_first && st->tp_nacq == 1)
		reason = st->tp_io ? MMR_REASON_FILE_IO : MMR_REASON_PAGE_LOCK;
	barrier_var(reason);
	if (reason >= MMR_NR_REASONS)
		return;
	c->reasons[reason] += 1;
	if (p)
		p->reasons[reason] += 1;
	/* the re-take's wait: the one part of a retry tracepoints time */
	l = latency();
	if (l)
		mmr_hist_add_reason(l->lock_wait, reason, now - st->tp_start_ns);
	emit_retry(c, 0, 0, 0, reason, st->tp_filemap_first ? MMR_VMA_FILE : MMR_VMA_UNKNOWN,
		   st->attempt - 1, 1);
}

/*
 * Tracepoint mode's producer hooks: fexit (or kretprobes) on the functions
 * that return VM_FAULT_RETRY, where the kernel allows them
 * (user/trace/faults.c), and nothing on the fast path: not
 * __vmf_anon_prepare(), which every anonymous fault calls (its retries are
 * told from its failed trylock, tp_anon_trylock_failed()). A producer that
 * retried names the retry the next mmap_lock acquisition counts
 * (tp_acquire_returned(), tp_reason: the innermost one, the first to
 * return); fault_dirty_shared_page() counts VM_FAULT_COMPLETED, which
 * tracepoints cannot see.
 */
static __always_inline void tp_producer(bool retried, __u8 reason, __u32 hook, bool guard)
{
	struct task_struct *task;
	struct tstate *st;

	if (!retried)
		return;
	task = bpf_get_current_task_btf();
	st = traced_tstate_of(task, hook, guard);
	if (st)
		tp_name(st, task, reason);
}

/* filemap_fault: MAJOR, or a folio it added to the page cache (tp_io):
 * it dropped the lock for its own I/O; else for a folio locked for I/O */
static __always_inline void tp_filemap_producer(__u32 ret, bool guard)
{
	struct task_struct *task;
	struct tstate *st;

	if (!(ret & VMF(RETRY)))
		return;
	task = bpf_get_current_task_btf();
	st = traced_tstate_of(task, MMR_HK_FILEMAP, guard);
	if (!st)
		return;
	tp_fault(st, task);	/* tp_io: this fault's */
	tp_name(st, task, (ret & VMF(MAJOR)) || st->tp_io ? MMR_REASON_FILE_IO :
							  MMR_REASON_PAGE_LOCK);
}

static __always_inline void tp_completed(__u32 ret, bool guard)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mmr_proc_counters *p;
	struct mmr_fault_counters *c;

	if (!(ret & VMF(COMPLETED)) || !traced_tstate_of(task, MMR_HK_COMPLETED, guard) ||
	    !(c = counters()))
		return;
	c->completed += 1;
	p = proc_of(task);
	if (p)
		p->completed += 1;
}

/* fexit twins, each with its preemption guard (guard_pass()) */
#define MMR_TPX_PROGS(sfx, guard)							\
SEC("fexit/filemap_fault")								\
int BPF_PROG(tpx_filemap_fault##sfx, struct vm_fault *vmf, vm_fault_t ret)		\
{											\
	tp_filemap_producer(ret, guard);						\
	return 0;									\
}											\
											\
SEC("fexit/do_swap_page")								\
int BPF_PROG(tpx_do_swap_page##sfx, struct vm_fault *vmf, vm_fault_t ret)		\
{											\
	tp_producer(ret & VMF(RETRY), MMR_REASON_SWAP, MMR_HK_SWAP, guard);		\
	return 0;									\
}											\
											\
SEC("fexit/handle_userfault")								\
int BPF_PROG(tpx_handle_userfault##sfx, struct vm_fault *vmf, unsigned long reason,	\
	     vm_fault_t ret)								\
{											\
	tp_producer(ret & VMF(RETRY), MMR_REASON_USERFAULTFD, MMR_HK_UFFD, guard);	\
	return 0;									\
}											\
											\
SEC("fexit/shmem_fault")								\
int BPF_PROG(tpx_shmem_fault##sfx, struct vm_fault *vmf, vm_fault_t ret)		\
{											\
	tp_producer(ret & VMF(RETRY), MMR_REASON_SHMEM, MMR_HK_SHMEM, guard);		\
	return 0;									\
}											\
											\
SEC("fexit/fault_dirty_shared_page")							\
int BPF_PROG(tpx_fault_dirty_shared_page##sfx, struct vm_fault *vmf, vm_fault_t ret)	\
{											\
	tp_completed(ret, guard);							\
	return 0;									\
}

MMR_TPX_PROGS(, false)
MMR_TPX_PROGS(_guard, true)

SEC("kretprobe/filemap_fault")
int BPF_KRETPROBE(tpk_filemap_fault, vm_fault_t ret)
{
	tp_filemap_producer(ret, false);
	return 0;
}

SEC("kretprobe/do_swap_page")
int BPF_KRETPROBE(tpk_do_swap_page, vm_fault_t ret)
{
	tp_producer(ret & VMF(RETRY), MMR_REASON_SWAP, MMR_HK_SWAP, false);
	return 0;
}

SEC("kretprobe/handle_userfault")
int BPF_KRETPROBE(tpk_handle_userfault, vm_fault_t ret)
{
	tp_producer(ret & VMF(RETRY), MMR_REASON_USERFAULTFD, MMR_HK_UFFD, false);
	return 0;
}

SEC("kretprobe/shmem_fault")
int BPF_KRETPROBE(tpk_shmem_fault, vm_fault_t ret)
{
	tp_producer(ret & VMF(RETRY), MMR_REASON_SHMEM, MMR_HK_SHMEM, false);
	return 0;
}

SEC("kretprobe/fault_dirty_shared_page")
int BPF_KRETPROBE(tpk_fault_dirty_shared_page, vm_fault_t ret)
{
	tp_completed(ret, false);
	return 0;
}

static __always_inline void filemap_fault_tp(bool guard)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tstate *st;

	if (guard && !guard_takes_over(MMR_HK_FILEMAP_TP))
		return;
	st = traced_tstate(task);
	if (st) {
		tp_fault(st, task);
		if (st->tp_nacq == 0)
			st->tp_filemap_first = 1;
	}
	if (!guard)
		guard_ran(MMR_HK_FILEMAP_TP);
}

SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(tp_mm_filemap_fault)
{
	filemap_fault_tp(false);
	return 0;
}

/* its guard (guard.bpf.h), and the mmap_lock tracepoints' below */
SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(tp_mm_filemap_fault_guard)
{
	filemap_fault_tp(true);
	return 0;
}

static __always_inline void page_cache_add(bool guard)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tstate *st = hook_tstate(MMR_HK_PCACHE, guard);

	if (!st)
		return;
	/* fentry, kprobe: inside an attempt; tracepoint: inside a fault whose
	 * first attempt is running filemap_fault */
	if (st->in_attempt ||
	    (st->tp_open && st->tp_filemap_first && st->tp_nacq == 0 &&
	     st->seq == task->min_flt + task->maj_flt))
		st->tp_io = 1;
}

SEC("tp_btf/mm_filemap_add_to_page_cache")
int BPF_PROG(tp_mm_filemap_add_to_page_cache)
{
	page_cache_add(false);
	return 0;
}

/* its guard (guard_pass()): tracepoint programs are preemptible too on
 * kernels that run them under SRCU (7.x) */
SEC("tp_btf/mm_filemap_add_to_page_cache")
int BPF_PROG(tp_mm_filemap_add_to_page_cache_guard)
{
	page_cache_add(true);
	return 0;
}

/* the mmap_lock tracer's programs on the same tracepoints, run after ours
 * (tstate.bpf.h, enum mmr_chain); one map per tracepoint: a program array
 * takes programs of one attach target only */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lock_chain_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lock_chain_acquire SEC(".maps");

/*
 * mmap_lock tracepoints, a program per prototype (core_fixes.bpf.h). Each
 * program and its guard (guard.bpf.h) run the mmap_lock tracer's by a tail
 * call where they did the work, so that it runs once an event too.
 */
static __always_inline void tp_start(void *ctx, struct mm_struct *mm, bool write, bool guard)
{
	if (guard && !guard_takes_over(MMR_HK_LOCK_START))
		return;
	tp_start_locking(ctx, mm, write);
	if (!guard)
		guard_ran(MMR_HK_LOCK_START);
	bpf_tail_call(ctx, &lock_chain_start, 0);
}

static __always_inline void tp_acquire(void *ctx, struct mm_struct *mm, bool write,
				       bool success, bool guard)
{
	if (guard && !guard_takes_over(MMR_HK_LOCK_ACQUIRE))
		return;
	tp_acquire_returned(ctx, mm, write, success);
	if (!guard)
		guard_ran(MMR_HK_LOCK_ACQUIRE);
	bpf_tail_call(ctx, &lock_chain_acquire, 0);
}

/* a program for each prototype (core_fixes.bpf.h), and its guard */
#define MMR_TP_LOCK_PROGS(sfx, guard)							\
	MMAP_LOCK_TP_START_LOCKING(tp_start_locking, sfx, tp_start(ctx, mm, write, guard))	\
	MMAP_LOCK_TP_ACQUIRE_RETURNED(tp_acquire_returned, sfx,				\
				      tp_acquire(ctx, mm, write, success, guard))

MMR_TP_LOCK_PROGS(, false)
MMR_TP_LOCK_PROGS(_guard, true)

/* ------------------------------------------------------------------ */
/* every mode                                                          */

/*
 * top, tracepoint mode: the last thread of a process is exiting; keep the
 * process's fault accounting as /proc/PID/stat showed it (do_task_stat():
 * signal's sum of the released threads, plus the threads still listed: this
 * one, and a leader that exited before it and waits, unreleased, for the
 * group), since /proc will not show it any more.
 */
static __always_inline void proc_exit(struct task_struct *task)
{
	struct mmr_proc_counters *p = proc_of(task);
	struct task_struct *leader = task->group_leader;
	struct signal_struct *sig = task->signal;
	__u64 n;

	if (!p)
		return;
	n = sig->min_flt + sig->maj_flt + task->min_flt + task->maj_flt;
	if (leader != task)
		n += leader->min_flt + leader->maj_flt;
	p->exit_faults = n;
}

/* ------------------------------------------------------------------ */
/* record: what changes the traced processes' address spaces           */

/* a syscall in progress, per thread */
struct recstate {
	__u64 start;
	__u64 a0, a1, a2;
	__u32 op;		/* enum mmr_mm_op; 0: none */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct recstate);
} recstates SEC(".maps");

static __always_inline void emit_mm(struct mmr_fault_counters *c, struct task_struct *task,
				    __u32 op, __u64 start, __u64 addr, __u64 len, __u64 arg,
				    __s64 ret)
{
	struct mmr_mm_event *e;
	__u64 now = bpf_ktime_get_ns();

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		c->lost_events += 1;
		return;
	}
	e->type = MMR_EV_MM;
	e->pid = BPF_CORE_READ(task, tgid);
	e->tid = BPF_CORE_READ(task, pid);
	e->op = op;
	e->ts_ns = now;
	e->dur_ns = start ? now - start : 0;
	e->addr = addr;
	e->len = len;
	e->arg = arg;
	e->ret = ret;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), task->comm);
	bpf_ringbuf_submit(e, 0);
}

static __always_inline __u32 mm_op_of(long id)
{
	if (id == nr_mmap)
		return MMR_MM_MMAP;
	if (id == nr_munmap)
		return MMR_MM_MUNMAP;
	if (id == nr_mprotect)
		return MMR_MM_MPROTECT;
	if (id == nr_madvise)
		return MMR_MM_MADVISE;
	if (id == nr_mremap)
		return MMR_MM_MREMAP;
	if (id == nr_brk)
		return MMR_MM_BRK;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(rec_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task;
	struct recstate *rs;
	__u32 op = mm_op_of(id);

	if (!op)
		return 0;
	task = bpf_get_current_task_btf();
	if (!traced_tstate(task))
		return 0;
	rs = bpf_task_storage_get(&recstates, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!rs)
		return 0;
	rs->op = op;
	rs->start = bpf_ktime_get_ns();
	rs->a0 = PT_REGS_PARM1_CORE_SYSCALL(regs);
	rs->a1 = PT_REGS_PARM2_CORE_SYSCALL(regs);
	rs->a2 = PT_REGS_PARM3_CORE_SYSCALL(regs);
	/* mremap: a2 is the new length; its new address is the return */
	if (op == MMR_MM_MMAP)		/* prot, and the flags above them */
		rs->a2 = (rs->a2 & 0xffffffffULL) | (PT_REGS_PARM4_CORE_SYSCALL(regs) << 32);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(rec_sys_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mmr_fault_counters *c;
	struct recstate *rs;
	__u32 op;

	rs = bpf_task_storage_get(&recstates, task, 0, 0);
	if (!rs || !rs->op)
		return 0;
	op = rs->op;
	rs->op = 0;
	c = counters();
	if (!c)
		return 0;
	switch (op) {
	case MMR_MM_MMAP:	/* the mapping's start is the return */
		emit_mm(c, task, op, rs->start, ret, rs->a1, rs->a2, ret);
		break;
	case MMR_MM_MREMAP:	/* old start, new length, new start */
		emit_mm(c, task, op, rs->start, rs->a0, rs->a2, ret, ret);
		break;
	case MMR_MM_BRK:
		emit_mm(c, task, op, rs->start, ret, 0, rs->a0, ret);
		break;
	default:		/* munmap, mprotect, madvise: addr, len, prot or advice */
		emit_mm(c, task, op, rs->start, rs->a0, rs->a1, rs->a2, ret);
		break;
	}
	return 0;
}

/* A sched tracepoint's program or its guard: the task's state marks the
 * first's run (guard_pass()); a task without state, the first alone. */
static __always_inline bool sched_pass(struct task_struct *task, __u32 hook, bool guard)
{
	struct tstate *st;

	if (!guarded)
		return true;
	st = bpf_task_storage_get(&tstates, task, 0, 0);
	if (!st)
		return !guard;
	return guard_pass(st, hook, guard);
}

static __always_inline void task_exit(struct task_struct *task, bool guard)
{
	struct mmr_fault_counters *c = counters();
	struct tstate *st;

	if (!c || !sched_pass(task, MMR_HK_TASK_EXIT, guard))
		return;
	if (record && task == bpf_get_current_task_btf() && traced_tstate(task))
		emit_mm(c, task, MMR_MM_EXIT, 0, 0, 0, 0, 0);
	if (exit_accounting && task == bpf_get_current_task_btf() && traced_tstate(task)) {
		c->exit_faults += task->min_flt + task->maj_flt;
		c->exit_major += task->maj_flt;
		if (per_process && !rows_by_cgroup && task->signal->live.counter == 0)
			proc_exit(task);
	}
	mmr_forget_exit(task);
	st = bpf_task_storage_get(&tstates, task, 0, 0);
	if (st && st->pending) {
		/* the task dies with a retried fault not attempted again */
		st->pending = 0;
		abandoned(c, task);
	}
}

static __always_inline void task_fork(struct task_struct *parent, struct task_struct *child,
				      bool guard)
{
	struct mmr_fault_counters *c;

	if (!sched_pass(parent, MMR_HK_FORK, guard))
		return;
	mmr_follow_fork(parent, child);
	if (record && traced_tstate(parent) && (c = counters()))
		emit_mm(c, parent, MMR_MM_FORK, 0, 0, 0, BPF_CORE_READ(child, pid), 0);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_sched_process_exit, struct task_struct *task)
{
	task_exit(task, false);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(tp_sched_process_exit_guard, struct task_struct *task)
{
	task_exit(task, true);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	task_fork(parent, child, false);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_sched_process_fork_guard, struct task_struct *parent, struct task_struct *child)
{
	task_fork(parent, child, true);
	return 0;
}
