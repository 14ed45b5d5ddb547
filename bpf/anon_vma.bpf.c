// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * anon_vma.bpf.c: how long VMAs' anon_vma chains grow, and how many VMAs an
 * anonymous rmap walk visits (mm/rmap.c). Needs fentry/fexit or kprobes:
 * no tracepoint sees either.
 *
 * Chains: after anon_vma_fork (a child's VMA at fork), anon_vma_clone
 * outside fork (split, merge, mremap) and __anon_vma_prepare (a VMA's first
 * anonymous fault), the VMA's anon_vma_chain list is walked (bounded, at
 * most MMR_CHAIN_MAX entries) and its length goes into a histogram of the
 * acting process; at least min_chain long, it is streamed with the VMA.
 *
 *   anon_vma_fork(vma, pvma)
 *     anon_vma_clone(vma, pvma[, VMA_OP_FORK])   not counted: inside a fork
 *     + the child's own anon_vma, unless one was reused
 *
 * Walks: between entry and exit of rmap_walk_anon(folio, rwc, locked), the
 * interval-tree iterations that return a VMA (anon_vma_interval_tree_iter_
 * first/next) are the VMAs visited, and the VMAs for which
 * page_vma_mapped_walk() found the folio mapped are the VMAs that mapped it.
 * The anon_vma lock wait is the lock:contention_begin/end pair on the root's
 * rwsem inside the walk. Per walker (rwc->rmap_one) histograms; walks of at
 * least min_fanout VMAs are streamed with the anon_vma, the walker and the
 * owner of the first VMA visited.
 *
 * Per-thread state lives in a hash by tid, not in task storage: the
 * contention tracepoints fire under any lock, task storage's own included.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "filter.bpf.h"
#include "anon_vma.h"
#include "hist.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

const volatile __u32 min_chain = 8;
const volatile __u32 min_fanout = 32;
/* offsetof(struct anon_vma, rwsem), from BTF by user space */
const volatile __u64 rwsem_off = 8;

#define MMR_FOLIO_MAPPING_ANON 1UL	/* PAGE_MAPPING_ANON / FOLIO_MAPPING_ANON */
#define MMR_FOLIO_MAPPING_FLAGS 3UL

struct avstate {
	/* kprobe mode: arguments saved at entry, for the return probe */
	__u64 fork_vma;
	__u64 clone_dst;
	__u64 prepare_vma;
	__u64 pvmw;
	__u32 in_fork;		/* inside anon_vma_fork (nesting depth) */
	/* the walk in progress */
	__u32 walking;		/* 1: measuring; 2 or more: nested, ignored */
	__u64 t0;
	__u64 rmap_one;
	__u64 anon_vma;
	__u64 root;
	__u64 last_mapped;	/* the VMA last found mapping the folio */
	__u64 vm_start;
	__u64 vm_end;
	__u64 lock_t0;		/* in a contention on the root's rwsem */
	__u64 lock_wait;
	__u64 own_ns;		/* this tracer's programs' time inside the walk */
	__u32 vmas;
	__u32 mapped;
	__u32 owner;
	__u8 locked;
	__u8 contended;
	__u8 pad[2];
	char owner_comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);	/* tid */
	__type(value, struct avstate);
} avstates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);	/* tgid */
	__type(value, struct mmr_chain_stats);
} chain_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 256);
	__type(key, struct mmr_walk_key);
	__type(value, struct mmr_walk_stats);
} walk_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} av_lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);	/* resized by user space */
} av_events SEC(".maps");

/* zero-filled values for new map entries (too big for the BPF stack) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mmr_walk_stats);
} zero_walk SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mmr_chain_stats);
} zero_chain SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct avstate);
} zero_state SEC(".maps");

static __always_inline __u32 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline struct avstate *state(bool create)
{
	__u32 tid = current_tid(), zero = 0;
	struct avstate *st = bpf_map_lookup_elem(&avstates, &tid), *z;

	if (st || !create)
		return st;
	z = bpf_map_lookup_elem(&zero_state, &zero);
	if (!z)
		return NULL;
	bpf_map_update_elem(&avstates, &tid, z, BPF_NOEXIST);
	return bpf_map_lookup_elem(&avstates, &tid);
}

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *lost = bpf_map_lookup_elem(&av_lost, &zero);

	if (lost)
		(*lost)++;
}

/* ---- chains ---------------------------------------------------------------------------- */

static __always_inline struct mmr_chain_stats *chain_stats_of(__u32 tgid)
{
	struct mmr_chain_stats *s = bpf_map_lookup_elem(&chain_stats, &tgid), *z;
	__u32 zero = 0;

	if (s)
		return s;
	z = bpf_map_lookup_elem(&zero_chain, &zero);
	if (!z)
		return NULL;
	bpf_get_current_comm(z->comm, sizeof(z->comm));
	bpf_map_update_elem(&chain_stats, &tgid, z, BPF_NOEXIST);
	__builtin_memset(z->comm, 0, sizeof(z->comm));
	return bpf_map_lookup_elem(&chain_stats, &tgid);
}

struct chain_walk {
	struct list_head *head, *p;
	__u32 n;
};

/* n = i + 1, not n++: a count the verifier knows exactly at each step
 * makes every step's state new to it (6.7+ verifies a callback as a loop,
 * "bpf: verify callbacks as if they are called unknown number of times"),
 * and 1024 steps, each with the rest of the program, exceed its limit */
static long chain_step(__u32 i, void *ctx)
{
	struct chain_walk *w = ctx;
	struct list_head *p = w->p;	/* BPF_CORE_READ relocates a local's access too */

	if (!p || p == w->head)
		return 1;
	w->n = i + 1;
	w->p = BPF_CORE_READ(p, next);
	return 0;
}

/*
 * Entries of vma->anon_vma_chain, at most MMR_CHAIN_MAX. bpf_loop() (5.17)
 * has the verifier check the step, not MMR_CHAIN_MAX of them in each of
 * the four programs that inline this: the open-coded loop took 5 s to
 * load in a 6.1 guest under QEMU's TCG.
 */
static __always_inline __u32 chain_length(struct vm_area_struct *vma)
{
	struct chain_walk w = {
		.head = &vma->anon_vma_chain,
		.p = BPF_CORE_READ(vma, anon_vma_chain.next),
	};

	bpf_loop(MMR_CHAIN_MAX, chain_step, &w, 0);
	return w.n;
}

static __always_inline void chain_done(struct vm_area_struct *vma, __u32 kind)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), children;
	struct anon_vma *av = BPF_CORE_READ(vma, anon_vma);
	struct mmr_chain_stats *s;
	struct mmr_chain_event *e;
	__u32 len;
	bool reused, truncated;

	if (!av || !mmr_traced())
		return;
	len = chain_length(vma);
	truncated = len >= MMR_CHAIN_MAX;
	/* a fork that did not reuse an anon_vma gave the child a new one,
	 * without children yet; a reusable one had a child (and no VMA) */
	children = BPF_CORE_READ(av, num_children);
	reused = kind == MMR_CHAIN_FORK && children > 0;
	s = chain_stats_of(pid_tgid >> 32);
	if (s) {
		if (kind < MMR_NR_CHAIN_KINDS)
			s->events[kind]++;
		s->reused += reused;
		s->truncated += truncated;
		hist_add(&s->length, len);
	}
	if (len < min_chain)
		return;
	e = bpf_ringbuf_reserve(&av_events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	e->type = MMR_EV_CHAIN;
	e->kind = kind;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->length = len;
	e->reused = reused;
	e->truncated = truncated;
	e->pad[0] = e->pad[1] = 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->vm_start = BPF_CORE_READ(vma, vm_start);
	e->vm_end = BPF_CORE_READ(vma, vm_end);
	e->anon_vma = (__u64)av;
	e->root = (__u64)BPF_CORE_READ(av, root);
	e->num_children = children;
	e->num_active_vmas = BPF_CORE_READ(av, num_active_vmas);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
}

static __always_inline void fork_enter(void)
{
	struct avstate *st = state(true);

	if (st)
		st->in_fork++;
}

static __always_inline void fork_exit(struct vm_area_struct *vma, int ret)
{
	struct avstate *st = state(false);

	if (st && st->in_fork)
		st->in_fork--;
	if (!ret)
		chain_done(vma, MMR_CHAIN_FORK);
}

static __always_inline void clone_exit(struct vm_area_struct *dst, int ret)
{
	struct avstate *st = state(false);

	if (st && st->in_fork)
		return;		/* the fork's own step */
	if (!ret)
		chain_done(dst, MMR_CHAIN_CLONE);
}

/* ---- walks ----------------------------------------------------------------------------- */

static __always_inline void walk_enter(struct folio *folio, struct rmap_walk_control *rwc,
				       bool locked)
{
	struct avstate *st = state(true);
	struct anon_vma *av;
	__u64 mapping;

	if (!st)
		return;
	if (st->walking) {
		st->walking++;
		return;
	}
	mapping = (__u64)BPF_CORE_READ(folio, mapping);
	st->walking = 1;
	st->rmap_one = (__u64)BPF_CORE_READ(rwc, rmap_one);
	av = (mapping & MMR_FOLIO_MAPPING_FLAGS) == MMR_FOLIO_MAPPING_ANON ?
	     (struct anon_vma *)(mapping & ~MMR_FOLIO_MAPPING_FLAGS) : NULL;
	st->anon_vma = (__u64)av;
	st->root = av ? (__u64)BPF_CORE_READ(av, root) : 0;
	st->last_mapped = st->vm_start = st->vm_end = 0;
	st->lock_t0 = st->lock_wait = st->own_ns = 0;
	st->vmas = st->mapped = st->owner = 0;
	st->locked = locked;
	st->contended = 0;
	st->owner_comm[0] = '\0';
	/* last: the walk's time starts when the kernel's does, after ours */
	st->t0 = bpf_ktime_get_ns();
}

static __always_inline struct mmr_walk_stats *walk_stats_of(__u64 rmap_one)
{
	struct mmr_walk_key key = { .rmap_one = rmap_one };
	struct mmr_walk_stats *s = bpf_map_lookup_elem(&walk_stats, &key), *z;
	__u32 zero = 0;

	if (s)
		return s;
	z = bpf_map_lookup_elem(&zero_walk, &zero);
	if (!z)
		return NULL;
	bpf_map_update_elem(&walk_stats, &key, z, BPF_NOEXIST);
	return bpf_map_lookup_elem(&walk_stats, &key);
}

static __always_inline void walk_exit(void)
{
	__u64 now = bpf_ktime_get_ns(), pid_tgid = bpf_get_current_pid_tgid(), dur, own;
	struct avstate *st = state(false);
	struct mmr_walk_stats *s;
	struct mmr_walk_event *e;
	bool traced;

	if (!st || !st->walking)
		return;
	if (st->walking > 1) {
		st->walking--;
		s = walk_stats_of(st->rmap_one);
		if (s)
			s->nested++;
		return;
	}
	st->walking = 0;
	/* a walk is the walker's (compaction, reclaim in its context) or the
	 * owner's (kswapd walking a traced process's pages) */
	traced = mmr_traced() || (filter_tgids && st->owner && mmr_tgid_listed(st->owner));
	if (!traced)
		return;
	/* the walk's time is the kernel's: the per-VMA programs' runs inside
	 * it (walk_own()) are taken out */
	dur = now - st->t0;
	own = st->own_ns < dur ? st->own_ns : dur;
	dur -= own;
	s = walk_stats_of(st->rmap_one);
	if (s) {
		s->walks++;
		s->tracer_ns += own;
		s->locked += st->locked;
		s->contended += st->contended;
		hist_add(&s->vmas, st->vmas);
		hist_add(&s->mapped, st->mapped);
		hist_add(&s->ns, dur);
		if (st->contended)
			hist_add(&s->lock_wait_ns, st->lock_wait);
	}
	if (st->vmas < min_fanout)
		return;
	e = bpf_ringbuf_reserve(&av_events, sizeof(*e), 0);
	if (!e) {
		count_lost();
		return;
	}
	e->type = MMR_EV_WALK;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->owner = st->owner;
	e->vmas = st->vmas;
	e->mapped = st->mapped;
	e->locked = st->locked;
	e->contended = st->contended;
	__builtin_memset(e->pad, 0, sizeof(e->pad));
	e->rmap_one = st->rmap_one;
	e->ts_ns = now;
	e->dur_ns = dur;
	e->tracer_ns = own < 0xffffffffULL ? own : 0xffffffffULL;
	e->lock_wait_ns = st->lock_wait;
	e->anon_vma = st->anon_vma;
	e->root = st->root;
	e->vm_start = st->vm_start;
	e->vm_end = st->vm_end;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	__builtin_memcpy(e->owner_comm, st->owner_comm, sizeof(e->owner_comm));
	bpf_ringbuf_submit(e, 0);
}

/*
 * A per-VMA program ran inside the walk from t_in (its first clock read,
 * after its state lookup) to now: its time is this tracer's, not the
 * kernel's, and walk_exit() takes it out of the walk's. What stays in is
 * the trampoline's (or kprobe's) entry and exit around each program and
 * the state lookup before t_in: tens of ns a VMA on hardware.
 */
static __always_inline void walk_own(struct avstate *st, __u64 t_in)
{
	st->own_ns += bpf_ktime_get_ns() - t_in;
}

/* the walk's first VMA: its range and owner, read while the walk holds
 * the anon_vma lock that keeps it alive */
static __always_inline void walk_first(struct avstate *st, struct anon_vma_chain *avc)
{
	struct vm_area_struct *vma;
	struct task_struct *owner;

	vma = BPF_CORE_READ(avc, vma);
	st->vm_start = BPF_CORE_READ(vma, vm_start);
	st->vm_end = BPF_CORE_READ(vma, vm_end);
	if (bpf_core_field_exists(struct mm_struct, owner)) {
		owner = BPF_CORE_READ(vma, vm_mm, owner);
		if (owner) {
			st->owner = BPF_CORE_READ(owner, tgid);
			BPF_CORE_READ_STR_INTO(&st->owner_comm, owner, group_leader, comm);
		}
	}
}

/* an interval-tree iteration of the walk returned avc (NULL: the end) */
static __always_inline void walk_visit(struct anon_vma_chain *avc)
{
	struct avstate *st;
	__u64 t_in;

	if (!avc)
		return;
	st = state(false);
	if (!st || st->walking != 1)
		return;
	t_in = bpf_ktime_get_ns();
	if (!st->vmas++)
		walk_first(st, avc);
	walk_own(st, t_in);
}

/* page_vma_mapped_walk(pvmw) returned ret */
static __always_inline void walk_mapped(struct page_vma_mapped_walk *pvmw, bool ret)
{
	struct avstate *st;
	__u64 vma, t_in;

	if (!ret)
		return;
	st = state(false);
	if (!st || st->walking != 1)
		return;
	t_in = bpf_ktime_get_ns();
	vma = (__u64)BPF_CORE_READ(pvmw, vma);
	if (vma != st->last_mapped) {
		st->last_mapped = vma;
		st->mapped++;
	}
	walk_own(st, t_in);
}

/* ---- fentry/fexit ---------------------------------------------------------------------- */

SEC("fentry/anon_vma_fork")
int BPF_PROG(fentry_anon_vma_fork)
{
	fork_enter();
	return 0;
}

SEC("fexit/anon_vma_fork")
int BPF_PROG(fexit_anon_vma_fork, struct vm_area_struct *vma, struct vm_area_struct *pvma,
	     int ret)
{
	fork_exit(vma, ret);
	return 0;
}

/* anon_vma_clone(dst, src) up to 6.19; (dst, src, enum vma_operation) in 7.x */
SEC("fexit/anon_vma_clone")
int BPF_PROG(fexit_anon_vma_clone2, struct vm_area_struct *dst, struct vm_area_struct *src,
	     int ret)
{
	clone_exit(dst, ret);
	return 0;
}

SEC("fexit/anon_vma_clone")
int BPF_PROG(fexit_anon_vma_clone3, struct vm_area_struct *dst, struct vm_area_struct *src,
	     int op, int ret)
{
	clone_exit(dst, ret);
	return 0;
}

SEC("fexit/__anon_vma_prepare")
int BPF_PROG(fexit_anon_vma_prepare, struct vm_area_struct *vma, int ret)
{
	if (!ret)
		chain_done(vma, MMR_CHAIN_PREPARE);
	return 0;
}

SEC("fentry/rmap_walk_anon")
int BPF_PROG(fentry_rmap_walk_anon, struct folio *folio, struct rmap_walk_control *rwc,
	     bool locked)
{
	walk_enter(folio, rwc, locked);
	return 0;
}

SEC("fexit/rmap_walk_anon")
int BPF_PROG(fexit_rmap_walk_anon)
{
	walk_exit();
	return 0;
}

SEC("fexit/anon_vma_interval_tree_iter_first")
int BPF_PROG(fexit_avit_first, struct rb_root_cached *root, unsigned long start,
	     unsigned long last, struct anon_vma_chain *ret)
{
	walk_visit(ret);
	return 0;
}

SEC("fexit/anon_vma_interval_tree_iter_next")
int BPF_PROG(fexit_avit_next, struct anon_vma_chain *node, unsigned long start,
	     unsigned long last, struct anon_vma_chain *ret)
{
	walk_visit(ret);
	return 0;
}

SEC("fexit/page_vma_mapped_walk")
int BPF_PROG(fexit_page_vma_mapped_walk, struct page_vma_mapped_walk *pvmw, bool ret)
{
	walk_mapped(pvmw, ret);
	return 0;
}

/* ---- kprobe/kretprobe ------------------------------------------------------------------ */

SEC("kprobe/anon_vma_fork")
int BPF_KPROBE(kprobe_anon_vma_fork, struct vm_area_struct *vma)
{
	struct avstate *st = state(true);

	if (st) {
		st->in_fork++;
		st->fork_vma = (__u64)vma;
	}
	return 0;
}

SEC("kretprobe/anon_vma_fork")
int BPF_KRETPROBE(kretprobe_anon_vma_fork, int ret)
{
	struct avstate *st = state(false);

	if (!st || !st->in_fork)
		return 0;
	st->in_fork--;
	if (!ret && st->fork_vma)
		chain_done((struct vm_area_struct *)st->fork_vma, MMR_CHAIN_FORK);
	st->fork_vma = 0;
	return 0;
}

SEC("kprobe/anon_vma_clone")
int BPF_KPROBE(kprobe_anon_vma_clone, struct vm_area_struct *dst)
{
	struct avstate *st = state(true);

	if (st)
		st->clone_dst = (__u64)dst;
	return 0;
}

SEC("kretprobe/anon_vma_clone")
int BPF_KRETPROBE(kretprobe_anon_vma_clone, int ret)
{
	struct avstate *st = state(false);
	__u64 dst;

	if (!st || !st->clone_dst)
		return 0;
	dst = st->clone_dst;
	st->clone_dst = 0;
	clone_exit((struct vm_area_struct *)dst, ret);
	return 0;
}

SEC("kprobe/__anon_vma_prepare")
int BPF_KPROBE(kprobe_anon_vma_prepare, struct vm_area_struct *vma)
{
	struct avstate *st = state(true);

	if (st)
		st->prepare_vma = (__u64)vma;
	return 0;
}

SEC("kretprobe/__anon_vma_prepare")
int BPF_KRETPROBE(kretprobe_anon_vma_prepare, int ret)
{
	struct avstate *st = state(false);
	__u64 vma;

	if (!st || !st->prepare_vma)
		return 0;
	vma = st->prepare_vma;
	st->prepare_vma = 0;
	if (!ret)
		chain_done((struct vm_area_struct *)vma, MMR_CHAIN_PREPARE);
	return 0;
}

SEC("kprobe/rmap_walk_anon")
int BPF_KPROBE(kprobe_rmap_walk_anon, struct folio *folio, struct rmap_walk_control *rwc,
	       bool locked)
{
	walk_enter(folio, rwc, locked);
	return 0;
}

SEC("kretprobe/rmap_walk_anon")
int BPF_KRETPROBE(kretprobe_rmap_walk_anon)
{
	walk_exit();
	return 0;
}

SEC("kretprobe/anon_vma_interval_tree_iter_first")
int BPF_KRETPROBE(kretprobe_avit_first, struct anon_vma_chain *ret)
{
	walk_visit(ret);
	return 0;
}

SEC("kretprobe/anon_vma_interval_tree_iter_next")
int BPF_KRETPROBE(kretprobe_avit_next, struct anon_vma_chain *ret)
{
	walk_visit(ret);
	return 0;
}

SEC("kprobe/page_vma_mapped_walk")
int BPF_KPROBE(kprobe_page_vma_mapped_walk, struct page_vma_mapped_walk *pvmw)
{
	struct avstate *st = state(false);
	__u64 t_in;

	if (st && st->walking == 1) {
		t_in = bpf_ktime_get_ns();
		st->pvmw = (__u64)pvmw;
		walk_own(st, t_in);
	}
	return 0;
}

SEC("kretprobe/page_vma_mapped_walk")
int BPF_KRETPROBE(kretprobe_page_vma_mapped_walk, bool ret)
{
	struct avstate *st = state(false);

	if (st && st->walking == 1 && st->pvmw)
		walk_mapped((struct page_vma_mapped_walk *)st->pvmw, ret);
	return 0;
}

/* ---- the anon_vma lock: contention on the root's rwsem, inside a walk ------------------- */

SEC("raw_tp/contention_begin")
int BPF_PROG(contention_begin, void *lock, unsigned int flags)
{
	struct avstate *st = state(false);

	if (st && st->walking == 1 && !st->locked && st->root &&
	    (__u64)lock == st->root + rwsem_off)
		st->lock_t0 = bpf_ktime_get_ns();
	return 0;
}

SEC("raw_tp/contention_end")
int BPF_PROG(contention_end, void *lock, int ret)
{
	struct avstate *st = state(false);

	if (st && st->lock_t0 && (__u64)lock == st->root + rwsem_off) {
		st->lock_wait += bpf_ktime_get_ns() - st->lock_t0;
		st->contended = 1;
		st->lock_t0 = 0;
	}
	return 0;
}
