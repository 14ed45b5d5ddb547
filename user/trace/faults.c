// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <sys/syscall.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/bpfmap.h"
#include "faults.skel.h"
#include "stats/figures.h"
#include "stats/mmap_lock.h"	/* hist_merge */
#include "trace/faults.h"
#include "lib/util.h"

struct faults_trace {
	struct faults_bpf *skel;
	struct ring_buffer *rb;
	enum mmr_mode mode;
	bool hooks[NR_FNS];	/* hooks attached */
	enum mmr_mode producers; /* tracepoint mode: the producer hooks' kind, if any attached */
	const struct features *f;
	retry_event_fn on_event;
	fault_event_fn on_fault;
	raw_event_fn on_raw;
	void *ctx;
	int ncpus;
	bool rows_by_cgroup;	/* proc_counters' rows are cgroups */
};

/* by cgroup: the row the cgroups past --max-cgroups are summed in, made
 * first so that it always has room (bpf/faults.bpf.c, folded_row()) */
static int add_other_row(struct faults_trace *t)
{
	size_t size = (sizeof(struct mmr_proc_counters) + 7) / 8 * 8;
	__u64 key = MMR_CGROUP_OTHER;
	void *zero = calloc(t->ncpus, size);
	int err = 0;

	if (!zero)
		return -ENOMEM;
	if (bpf_map__update_elem(t->skel->maps.proc_counters, &key, sizeof(key), zero,
				 t->ncpus * size, BPF_NOEXIST))
		err = -errno;
	free(zero);
	return err;
}

/* when a program loads, beyond its mode and hook */
enum prog_when {
	ALWAYS,
	RECORD,		/* record: the address-space changes */
	FORKS,		/* forks followed, or record */
	MEMCG_PATH,	/* the mmap_lock tracepoints' prototype with memcg_path (6.13 and older) */
	NO_MEMCG_PATH,	/* the one without */
	GUARD,		/* a preemption guard: the kernel can preempt BPF programs */
	PRODUCERS_FENTRY, /* tracepoint mode's producer hooks, by fentry (producers_kind()) */
	PRODUCERS_KPROBE, /* by kprobes */
	GUARD_FORKS,	/* a guard of a FORKS program */
	GUARD_TP,	/* a guard of a tracepoint mode's tracepoint program */
	GUARD_MEMCG_PATH,	/* a guard of a MEMCG_PATH program */
	GUARD_NO_MEMCG_PATH,	/* of a NO_MEMCG_PATH one */
};

/* Programs of each mode: the hook each serves (-1: always needed in that mode). */
struct prog_spec {
	const char *name;
	enum mmr_mode mode;
	int fn;			/* enum mmr_fn, or -1 */
	int tp;			/* enum mmr_tp needed, or -1 */
	bool required;		/* failing to attach it fails the mode */
	enum prog_when when;
};

/*
 * Attached in this order. A preemption guard (bpf/faults.bpf.c,
 * guard_pass()) must run after its program: a trampoline runs the programs
 * of a hook last attached first (kernel/bpf/trampoline.c, hlist_add_head),
 * a tracepoint first attached first, so fentry/fexit guards come before
 * their programs here, a tracepoint's after. A guard that fails to attach
 * leaves its program unguarded, as on a kernel that needs none.
 */
static const struct prog_spec progs[] = {
	{ "fentry_handle_mm_fault_guard", MMR_MODE_FENTRY, FN_HANDLE_MM_FAULT, -1, false, GUARD },
	{ "fexit_handle_mm_fault_guard", MMR_MODE_FENTRY, FN_HANDLE_MM_FAULT, -1, false, GUARD },
	{ "fentry_folio_lock_killable_guard", MMR_MODE_FENTRY, FN_FOLIO_LOCK_KILLABLE, -1, false,
	  GUARD },
	{ "fexit_filemap_fault_guard",	MMR_MODE_FENTRY, FN_FILEMAP_FAULT, -1, false, GUARD },
	{ "fexit_folio_lock_or_retry_guard", MMR_MODE_FENTRY, FN_FOLIO_LOCK_OR_RETRY, -1, false,
	  GUARD },
	{ "fexit_do_swap_page_guard",	MMR_MODE_FENTRY, FN_DO_SWAP_PAGE, -1, false, GUARD },
	{ "fexit_handle_userfault_guard", MMR_MODE_FENTRY, FN_HANDLE_USERFAULT, -1, false, GUARD },
	{ "fexit_shmem_fault_guard",	MMR_MODE_FENTRY, FN_SHMEM_FAULT, -1, false, GUARD },
	{ "fexit_vmf_anon_prepare_guard", MMR_MODE_FENTRY, FN_VMF_ANON_PREPARE, -1, false, GUARD },
	{ "fentry_handle_mm_fault",	MMR_MODE_FENTRY, FN_HANDLE_MM_FAULT, -1, true, ALWAYS },
	{ "fexit_handle_mm_fault",	MMR_MODE_FENTRY, FN_HANDLE_MM_FAULT, -1, true, ALWAYS },
	{ "fentry_folio_lock_killable",	MMR_MODE_FENTRY, FN_FOLIO_LOCK_KILLABLE, -1, false, ALWAYS },
	{ "fexit_filemap_fault",	MMR_MODE_FENTRY, FN_FILEMAP_FAULT, -1, false, ALWAYS },
	{ "fexit_folio_lock_or_retry",	MMR_MODE_FENTRY, FN_FOLIO_LOCK_OR_RETRY, -1, false, ALWAYS },
	{ "fexit_do_swap_page",		MMR_MODE_FENTRY, FN_DO_SWAP_PAGE, -1, false, ALWAYS },
	{ "fexit_handle_userfault",	MMR_MODE_FENTRY, FN_HANDLE_USERFAULT, -1, false, ALWAYS },
	{ "fexit_shmem_fault",		MMR_MODE_FENTRY, FN_SHMEM_FAULT, -1, false, ALWAYS },
	{ "fexit_vmf_anon_prepare",	MMR_MODE_FENTRY, FN_VMF_ANON_PREPARE, -1, false, ALWAYS },
	{ "kprobe_handle_mm_fault",	MMR_MODE_KPROBE, FN_HANDLE_MM_FAULT, -1, true, ALWAYS },
	{ "kretprobe_handle_mm_fault",	MMR_MODE_KPROBE, FN_HANDLE_MM_FAULT, -1, true, ALWAYS },
	{ "kprobe_folio_lock_killable",	MMR_MODE_KPROBE, FN_FOLIO_LOCK_KILLABLE, -1, false, ALWAYS },
	{ "kretprobe_filemap_fault",	MMR_MODE_KPROBE, FN_FILEMAP_FAULT, -1, false, ALWAYS },
	{ "kretprobe_folio_lock_or_retry", MMR_MODE_KPROBE, FN_FOLIO_LOCK_OR_RETRY, -1, false, ALWAYS },
	{ "kretprobe_do_swap_page",	MMR_MODE_KPROBE, FN_DO_SWAP_PAGE, -1, false, ALWAYS },
	{ "kretprobe_handle_userfault",	MMR_MODE_KPROBE, FN_HANDLE_USERFAULT, -1, false, ALWAYS },
	{ "kretprobe_shmem_fault",	MMR_MODE_KPROBE, FN_SHMEM_FAULT, -1, false, ALWAYS },
	{ "kretprobe_vmf_anon_prepare",	MMR_MODE_KPROBE, FN_VMF_ANON_PREPARE, -1, false, ALWAYS },
	{ "tp_mm_filemap_fault",	MMR_MODE_TRACEPOINT, -1, TP_MM_FILEMAP_FAULT, false, ALWAYS },
	{ "tp_mm_filemap_fault_guard",	MMR_MODE_TRACEPOINT, -1, TP_MM_FILEMAP_FAULT, false,
	  GUARD_TP },
	/* light: guards first, as fentry's (a guard loads if both hold: its
	 * `when` GUARD, and producers_kind() is fentry, checked in prog_wanted) */
	{ "tpx_filemap_fault_guard",	MMR_MODE_TRACEPOINT, FN_FILEMAP_FAULT, -1, false, GUARD },
	{ "tpx_do_swap_page_guard",	MMR_MODE_TRACEPOINT, FN_DO_SWAP_PAGE, -1, false, GUARD },
	{ "tpx_handle_userfault_guard",	MMR_MODE_TRACEPOINT, FN_HANDLE_USERFAULT, -1, false, GUARD },
	{ "tpx_shmem_fault_guard",	MMR_MODE_TRACEPOINT, FN_SHMEM_FAULT, -1, false, GUARD },
	{ "tpx_fault_dirty_shared_page_guard", MMR_MODE_TRACEPOINT, FN_FAULT_DIRTY_SHARED_PAGE, -1,
	  false, GUARD },
	{ "tpx_filemap_fault",		MMR_MODE_TRACEPOINT, FN_FILEMAP_FAULT, -1, false,
	  PRODUCERS_FENTRY },
	{ "tpx_do_swap_page",		MMR_MODE_TRACEPOINT, FN_DO_SWAP_PAGE, -1, false,
	  PRODUCERS_FENTRY },
	{ "tpx_handle_userfault",	MMR_MODE_TRACEPOINT, FN_HANDLE_USERFAULT, -1, false,
	  PRODUCERS_FENTRY },
	{ "tpx_shmem_fault",		MMR_MODE_TRACEPOINT, FN_SHMEM_FAULT, -1, false,
	  PRODUCERS_FENTRY },
	{ "tpx_fault_dirty_shared_page", MMR_MODE_TRACEPOINT, FN_FAULT_DIRTY_SHARED_PAGE, -1, false,
	  PRODUCERS_FENTRY },
	{ "tpk_filemap_fault",		MMR_MODE_TRACEPOINT, FN_FILEMAP_FAULT, -1, false,
	  PRODUCERS_KPROBE },
	{ "tpk_do_swap_page",		MMR_MODE_TRACEPOINT, FN_DO_SWAP_PAGE, -1, false,
	  PRODUCERS_KPROBE },
	{ "tpk_handle_userfault",	MMR_MODE_TRACEPOINT, FN_HANDLE_USERFAULT, -1, false,
	  PRODUCERS_KPROBE },
	{ "tpk_shmem_fault",		MMR_MODE_TRACEPOINT, FN_SHMEM_FAULT, -1, false,
	  PRODUCERS_KPROBE },
	{ "tpk_fault_dirty_shared_page", MMR_MODE_TRACEPOINT, FN_FAULT_DIRTY_SHARED_PAGE, -1, false,
	  PRODUCERS_KPROBE },
	{ "tp_mm_filemap_add_to_page_cache", MMR_MODE_NONE, -1,
	  TP_MM_FILEMAP_ADD_TO_PAGE_CACHE, false, ALWAYS },
	{ "tp_mm_filemap_add_to_page_cache_guard", MMR_MODE_NONE, -1,
	  TP_MM_FILEMAP_ADD_TO_PAGE_CACHE, false, GUARD },
	/* the mmap_lock prototype twins: one per kernel; each one's guard
	 * after it */
	{ "tp_start_locking_old",	MMR_MODE_TRACEPOINT, -1, TP_MMAP_LOCK_START_LOCKING, true,
	  MEMCG_PATH },
	{ "tp_start_locking_old_guard",	MMR_MODE_TRACEPOINT, -1, TP_MMAP_LOCK_START_LOCKING, false,
	  GUARD_MEMCG_PATH },
	{ "tp_start_locking_new",	MMR_MODE_TRACEPOINT, -1, TP_MMAP_LOCK_START_LOCKING, true,
	  NO_MEMCG_PATH },
	{ "tp_start_locking_new_guard",	MMR_MODE_TRACEPOINT, -1, TP_MMAP_LOCK_START_LOCKING, false,
	  GUARD_NO_MEMCG_PATH },
	{ "tp_acquire_returned_old",	MMR_MODE_TRACEPOINT, -1, TP_MMAP_LOCK_ACQUIRE_RETURNED, true,
	  MEMCG_PATH },
	{ "tp_acquire_returned_old_guard", MMR_MODE_TRACEPOINT, -1, TP_MMAP_LOCK_ACQUIRE_RETURNED,
	  false, GUARD_MEMCG_PATH },
	{ "tp_acquire_returned_new",	MMR_MODE_TRACEPOINT, -1, TP_MMAP_LOCK_ACQUIRE_RETURNED, true,
	  NO_MEMCG_PATH },
	{ "tp_acquire_returned_new_guard", MMR_MODE_TRACEPOINT, -1, TP_MMAP_LOCK_ACQUIRE_RETURNED,
	  false, GUARD_NO_MEMCG_PATH },
	{ "tp_sched_process_exit",	MMR_MODE_NONE, -1, TP_SCHED_PROCESS_EXIT, true, ALWAYS },
	{ "tp_sched_process_exit_guard", MMR_MODE_NONE, -1, TP_SCHED_PROCESS_EXIT, false, GUARD },
	{ "tp_sched_process_fork",	MMR_MODE_NONE, -1, TP_SCHED_PROCESS_FORK, false, FORKS },
	{ "tp_sched_process_fork_guard", MMR_MODE_NONE, -1, TP_SCHED_PROCESS_FORK, false,
	  GUARD_FORKS },
	{ "rec_sys_enter",		MMR_MODE_NONE, -1, -1, true, RECORD },
	{ "rec_sys_exit",		MMR_MODE_NONE, -1, -1, true, RECORD },
};

#define NPROGS (sizeof(progs) / sizeof(progs[0]))

/* Should this program load in mode m on this kernel? */
static bool prog_wanted(const struct prog_spec *s, enum mmr_mode m,
			const struct features *f, const bool hooks[NR_FNS],
			bool follow_forks, bool record, bool guarded)
{
	if (s->mode != MMR_MODE_NONE && s->mode != m)
		return false;
	if (s->fn >= 0 && !hooks[s->fn])
		return false;
	if (s->tp >= 0 && !f->tp[s->tp])
		return false;
	switch (s->when) {
	case RECORD:
		return record;
	case FORKS:
		return follow_forks || record;
	case MEMCG_PATH:
		return f->mmap_lock_memcg_path;
	case NO_MEMCG_PATH:
		return !f->mmap_lock_memcg_path;
	case GUARD:	/* tracepoint mode's: fentry's producer hooks (tpx_*) */
		return guarded && (s->mode != MMR_MODE_TRACEPOINT ||
				   producers_kind(f) == MMR_MODE_FENTRY);
	case GUARD_FORKS:
		return guarded && (follow_forks || record);
	case GUARD_TP:
		return guarded;
	case GUARD_MEMCG_PATH:
		return guarded && f->mmap_lock_memcg_path;
	case GUARD_NO_MEMCG_PATH:
		return guarded && !f->mmap_lock_memcg_path;
	case PRODUCERS_FENTRY:
		return producers_kind(f) == MMR_MODE_FENTRY;
	case PRODUCERS_KPROBE:
		return producers_kind(f) == MMR_MODE_KPROBE;
	default:
		return true;
	}
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct faults_trace *t = ctx;
	const struct mmr_retry_event *e = data;

	if (size == sizeof(struct mmr_fault_event) && e->type == MMR_EV_FAULT)
		return t->on_fault ? t->on_fault(t->ctx, data) : 0;
	if (size >= sizeof(__u32) && e->type != MMR_EV_RETRY)
		return t->on_raw ? t->on_raw(t->ctx, data, size) : 0;
	if (size < sizeof(*e))
		return 0;
	return t->on_event ? t->on_event(t->ctx, e) : 0;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && mmr_verbose < 2)
		return 0;
	if (!mmr_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void destroy(struct faults_trace *t)
{
	ring_buffer__free(t->rb);
	t->rb = NULL;
	faults_bpf__destroy(t->skel);	/* detaches every link */
	t->skel = NULL;
}

/* The skeleton's link slot of a program. */
static struct bpf_link **link_slot(struct faults_bpf *skel, const struct bpf_program *prog)
{
	for (int k = 0; k < skel->skeleton->prog_cnt; k++)
		if (*skel->skeleton->progs[k].prog == prog)
			return skel->skeleton->progs[k].link;
	return NULL;
}

/* Detach the guard of a program that could not be attached. */
static void drop_guard(struct faults_bpf *skel, const char *name)
{
	struct bpf_program *guard;
	struct bpf_link **slot;
	char gname[64];

	snprintf(gname, sizeof(gname), "%s_guard", name);
	guard = bpf_object__find_program_by_name(skel->obj, gname);
	slot = guard ? link_slot(skel, guard) : NULL;
	if (slot && *slot) {
		bpf_link__destroy(*slot);
		*slot = NULL;
	}
}

/* A tracepoint's guard, attached after its program: whether that program
 * is attached (alone, the guard would do its program's work) */
static bool guard_wanted(struct faults_bpf *skel, const struct prog_spec *s)
{
	size_t n = prog_guard_of(s->name);
	struct bpf_program *prog;
	struct bpf_link **slot;
	char name[64];

	if (s->tp < 0 || !n)
		return true;
	snprintf(name, sizeof(name), "%.*s", (int)n, s->name);
	prog = bpf_object__find_program_by_name(skel->obj, name);
	slot = prog ? link_slot(skel, prog) : NULL;
	return slot && *slot;
}

static int try_mode(struct faults_trace *t, enum mmr_mode m, const struct faults_trace_opts *o)
{
	const struct features *f = o->features;
	const struct trace_target *tg = o->target;
	const struct cgroup_trees *trees;
	struct faults_bpf *skel;
	struct bpf_program *prog;
	double t0 = mono_now();
	size_t i;
	int err, fd, ti;

	faults_hooks(f, m, t->hooks);
	t->producers = MMR_MODE_NONE;
	skel = faults_bpf__open();
	if (!skel)
		return -errno;
	t->skel = skel;

	skel->rodata->per_vma_locks = f->per_vma_locks;
	skel->rodata->folio_lock_or_retry_bool = f->folio_lock_or_retry_bool;
	skel->rodata->lmfv_start = f->lmfv_start;
	skel->rodata->lmfv_end = f->lmfv_end;
	skel->rodata->aepf_start = f->aepf_start;
	skel->rodata->aepf_end = f->aepf_end;
	skel->rodata->exit_accounting = m == MMR_MODE_TRACEPOINT;
	skel->rodata->per_process = o->per_process;
	skel->rodata->record = o->record;
	skel->rodata->fault_timing = o->plan->latency.on[m];
	skel->rodata->page_mask = ~((__u64)sysconf(_SC_PAGESIZE) - 1);
	skel->rodata->nr_mmap = SYS_mmap;
	skel->rodata->nr_munmap = SYS_munmap;
	skel->rodata->nr_mprotect = SYS_mprotect;
	skel->rodata->nr_madvise = SYS_madvise;
	skel->rodata->nr_mremap = SYS_mremap;
	skel->rodata->nr_brk = SYS_brk;
	skel->rodata->stream_events = o->on_event != NULL;
	skel->rodata->stream_faults = o->on_fault != NULL;
	skel->rodata->min_fault_ns = o->min_fault_ns;
	skel->rodata->guarded = o->plan->faults.guarded;
	if (!o->per_process)	/* stat: no memory for a map it never fills */
		bpf_map__set_max_entries(skel->maps.proc_counters, 1);
	else if (o->rows_by_cgroup)	/* and the other cgroups' row */
		bpf_map__set_max_entries(skel->maps.proc_counters, o->max_cgroups + 1);
	if (!o->per_process || !o->rows_by_cgroup)
		bpf_map__set_max_entries(skel->maps.cgroups_folded, 1);
	skel->rodata->rows_by_cgroup = o->per_process && o->rows_by_cgroup;
	skel->rodata->cgroup_level = o->cgroup_level;
	t->rows_by_cgroup = o->per_process && o->rows_by_cgroup;
	trees = t->rows_by_cgroup && o->cgroup_trees && o->cgroup_trees->n ? o->cgroup_trees : NULL;
	skel->rodata->cgroup_by_tree = trees != NULL;
	if (trees)
		bpf_map__set_max_entries(skel->maps.cgroup_trees, trees->n);
	skel->rodata->filter_tgids = tg->ntgids > 0;
	skel->rodata->filter_cgroup = tg->cgroup_fd >= 0;
	skel->rodata->follow_forks = tg->follow_forks;
	if (o->ringbuf_bytes)
		bpf_map__set_max_entries(skel->maps.events, o->ringbuf_bytes);
	/* a key per CPU (bpf/tstate.bpf.h, stack_walk()) */
	if (t->ncpus > 0)
		bpf_map__set_max_entries(skel->maps.stack_walks, t->ncpus);

	for (i = 0; i < NPROGS; i++) {
		prog = bpf_object__find_program_by_name(skel->obj, progs[i].name);
		if (!prog)
			return -ENOENT;
		bpf_program__set_autoload(prog, prog_wanted(&progs[i], m, f, t->hooks,
							    tg->follow_forks, o->record,
							    o->plan->faults.guarded));
	}
	t0 = mmr_took(t0, "faults: open");
	err = faults_bpf__load(skel);
	t0 = mmr_took(t0, "faults: load");
	if (err)
		return err;

	for (ti = 0; ti < tg->ntgids; ti++) {
		err = faults_trace_add_tgid(t, tg->tgids[ti]);
		if (err)
			return err;
	}
	if (t->rows_by_cgroup) {
		err = add_other_row(t);
		if (err)
			return err;
	}
	for (i = 0; trees && i < trees->n; i++) {
		__u8 one = 1;

		if (bpf_map__update_elem(skel->maps.cgroup_trees, &trees->id[i], sizeof(__u64),
					 &one, sizeof(one), BPF_ANY))
			return -errno;
	}
	if (tg->cgroup_fd >= 0) {
		__u32 key = 0;

		fd = tg->cgroup_fd;
		if (bpf_map__update_elem(skel->maps.cgroup_map, &key, sizeof(key), &fd,
					 sizeof(fd), BPF_ANY))
			return -errno;
	}

	for (i = 0; i < NPROGS; i++) {
		struct bpf_link *link;

		prog = bpf_object__find_program_by_name(skel->obj, progs[i].name);
		if (!bpf_program__autoload(prog) || !guard_wanted(skel, &progs[i]))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			if (progs[i].required)
				return err;
			/* an optional producer: its figure becomes unavailable */
			mmr_debug("cannot attach %s: %s; its figure is unavailable",
				  progs[i].name, strerror(-err));
			if (progs[i].fn >= 0)
				t->hooks[progs[i].fn] = false;
			if (!prog_guard_of(progs[i].name))
				drop_guard(skel, progs[i].name);	/* alone, it would count */
			continue;
		}
		if (progs[i].tp == TP_MM_FILEMAP_ADD_TO_PAGE_CACHE)
			skel->bss->io_hooked = 1;
		if (progs[i].when == PRODUCERS_FENTRY || progs[i].when == PRODUCERS_KPROBE)
			t->producers = progs[i].when == PRODUCERS_FENTRY ? MMR_MODE_FENTRY :
									  MMR_MODE_KPROBE;
		/* the skeleton's link slot: destroyed with the skeleton */
		*link_slot(skel, prog) = link;
	}

	t->rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event, t, NULL);
	if (!t->rb)
		return -errno;
	mmr_took(t0, "faults: attach");
	t->mode = m;
	return 0;
}

int faults_trace_open(struct faults_trace **out, const struct faults_trace_opts *o)
{
	struct faults_trace *t;
	int i, err = -ENOTSUP;

	libbpf_set_print(libbpf_print);
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->f = o->features;
	t->on_event = o->on_event;
	t->on_raw = o->on_raw;
	t->on_fault = o->on_fault;
	t->ctx = o->ctx;
	t->ncpus = libbpf_num_possible_cpus();
	if (t->ncpus <= 0) {
		free(t);
		return -EINVAL;
	}
	for (i = 0; i < o->plan->faults.nmodes; i++) {
		enum mmr_mode m = o->plan->faults.modes[i];

		err = try_mode(t, m, o);
		if (!err) {
			*out = t;
			return 0;
		}
		mmr_debug("faults: %s mode failed: %s", mode_name(m), strerror(-err));
		destroy(t);
		if (o->on_fallback && i + 1 < o->plan->faults.nmodes)
			o->on_fallback(o->fallback_ctx, m, err);
	}
	free(t);
	return err;
}

void faults_trace_shared(struct faults_trace *t, struct faults_shared *out)
{
	out->tgids_fd = bpf_map__fd(t->skel->maps.traced_tgids);
	out->cgroup_map_fd = bpf_map__fd(t->skel->maps.cgroup_map);
	out->tstates_fd = bpf_map__fd(t->skel->maps.tstates);
	out->stack_walks_fd = bpf_map__fd(t->skel->maps.stack_walks);
	out->io_known = t->skel->bss->io_hooked;
	out->tp_lock_hooks = t->mode == MMR_MODE_TRACEPOINT;
	out->guarded = t->skel->rodata->guarded;
	out->chain_start_fd = out->tp_lock_hooks ? bpf_map__fd(t->skel->maps.lock_chain_start) : -1;
	out->chain_acquire_fd = out->tp_lock_hooks ?
		bpf_map__fd(t->skel->maps.lock_chain_acquire) : -1;
	out->ring = t->rb;
	out->rows_by_cgroup = t->rows_by_cgroup;
	out->cgroup_level = t->skel->rodata->cgroup_level;
	out->cgroup_by_tree = t->skel->rodata->cgroup_by_tree;
	out->trees_fd = bpf_map__fd(t->skel->maps.cgroup_trees);
	out->rows_fd = bpf_map__fd(t->skel->maps.proc_counters);
	out->folded_fd = bpf_map__fd(t->skel->maps.cgroups_folded);
	out->rows_lost_fd = bpf_map__fd(t->skel->maps.proc_lost);
}

enum mmr_mode faults_trace_mode(const struct faults_trace *t)
{
	return t->mode;
}

enum mmr_mode faults_trace_producers(const struct faults_trace *t)
{
	return t->mode == MMR_MODE_TRACEPOINT ? t->producers : MMR_MODE_NONE;
}

void faults_trace_states(const struct faults_trace *t, uint8_t states[FF_NR])
{
	faults_figure_states(t->f, t->mode, t->hooks, states);
}

int faults_trace_add_tgid(struct faults_trace *t, pid_t tgid)
{
	__u32 key = tgid;
	__u8 one = 1;

	if (bpf_map__update_elem(t->skel->maps.traced_tgids, &key, sizeof(key), &one,
				 sizeof(one), BPF_ANY))
		return -errno;
	return 0;
}

int faults_trace_tgids(struct faults_trace *t, pid_t *out, int max)
{
	const struct bpf_map *map = t->skel->maps.traced_tgids;
	__u32 key, next, *prev = NULL;
	int n = 0;

	while (n < max && !bpf_map__get_next_key(map, prev, &next, sizeof(next))) {
		out[n++] = next;
		key = next;
		prev = &key;
	}
	return n;
}

int faults_trace_poll(struct faults_trace *t, int timeout_ms)
{
	int n = ring_buffer__poll(t->rb, timeout_ms);

	return n == -EINTR ? 0 : n;
}

int faults_trace_drain(struct faults_trace *t)
{
	/* every ring, whether or not its wakeup (an irq_work) has run yet */
	int n = ring_buffer__consume(t->rb);

	return n == -EINTR ? 0 : n;
}

int faults_trace_read(struct faults_trace *t, struct mmr_fault_counters *sum)
{
	struct mmr_fault_counters *percpu;
	__u32 zero = 0;
	int c, i, err = 0;

	percpu = calloc(t->ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map__lookup_elem(t->skel->maps.fault_counters, &zero, sizeof(zero), percpu,
				 t->ncpus * sizeof(*percpu), 0)) {
		err = -errno;
		goto out;
	}
	/* every field is a __u64 counter (test_abi.c checks): sum them all */
	memset(sum, 0, sizeof(*sum));
	for (c = 0; c < t->ncpus; c++) {
		const __u64 *src = (const __u64 *)&percpu[c];
		__u64 *dst = (__u64 *)sum;

		for (i = 0; i < (int)(sizeof(*sum) / sizeof(__u64)); i++)
			dst[i] += src[i];
	}
out:
	free(percpu);
	return err;
}

int faults_trace_latency(struct faults_trace *t, struct mmr_fault_latency *sum)
{
	struct mmr_fault_latency *percpu;
	__u32 zero = 0;
	int c, err = 0;

	percpu = calloc(t->ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memset(sum, 0, sizeof(*sum));
	if (bpf_map__lookup_elem(t->skel->maps.fault_latency, &zero, sizeof(zero), percpu,
				 t->ncpus * sizeof(*percpu), 0))
		err = -errno;
	for (c = 0; !err && c < t->ncpus; c++)
		fault_latency_merge(sum, &percpu[c]);
	free(percpu);
	return err;
}

uint64_t faults_trace_slow_lost(struct faults_trace *t)
{
	return percpu_u64_sum(t->skel->maps.slow_lost);
}

void faults_trace_close(struct faults_trace *t)
{
	if (!t)
		return;
	destroy(t);
	free(t);
}

struct fproc_rows {
	struct fproc_row *out;
	size_t n, cap;
	bool by_cgroup;
};

static int add_proc(void *ctx, const void *key, const void *values, int ncpus)
{
	const struct mmr_proc_counters *percpu = values;
	struct fproc_rows *rc = ctx;
	struct fproc_row *row = array_push((void **)&rc->out, &rc->n, &rc->cap, sizeof(*row));
	size_t i;
	int c;

	if (!row)
		return -ENOMEM;
	if (rc->by_cgroup)
		row->cgroup = *(const __u64 *)key;
	else
		row->pid = (uint32_t)*(const __u64 *)key;
	for (c = 0; c < ncpus; c++) {
		const __u64 *src = (const __u64 *)&percpu[c];
		__u64 *dst = (__u64 *)&row->c;

		/* every field before comm is a __u64 counter */
		for (i = 0; i < offsetof(struct mmr_proc_counters, comm) / sizeof(__u64); i++)
			dst[i] += src[i];
		hist_merge(&row->c.fault_ns, &percpu[c].fault_ns);
		if (!row->c.comm[0])
			memcpy(row->c.comm, percpu[c].comm, sizeof(row->c.comm));
	}
	row->c.comm[sizeof(row->c.comm) - 1] = '\0';
	return 0;
}

int faults_trace_procs(struct faults_trace *t, struct fproc_row **rows)
{
	struct fproc_rows rc = { .by_cgroup = t->rows_by_cgroup };
	int err;

	err = percpu_hash_each(t->skel->maps.proc_counters, sizeof(__u64),
			       sizeof(struct mmr_proc_counters), add_proc, &rc);
	if (err) {
		free(rc.out);
		return err;
	}
	*rows = rc.out;
	return (int)rc.n;
}

int faults_trace_proc_forget(struct faults_trace *t, uint32_t pid)
{
	__u64 key = pid;

	if (t->rows_by_cgroup)
		return 0;	/* the rows are cgroups */
	if (bpf_map__delete_elem(t->skel->maps.proc_counters, &key, sizeof(key), 0) &&
	    errno != ENOENT)
		return -errno;
	return 0;
}

uint64_t faults_trace_proc_lost(struct faults_trace *t)
{
	return percpu_u64_sum(t->skel->maps.proc_lost);
}

uint64_t faults_trace_missed(const struct faults_trace *t)
{
	/* and the runs whose inference could not walk the stack (bpf/tstate.bpf.h) */
	return t && t->skel ? prog_missed_runs(t->skel->obj, t->skel->maps.guard_covered) +
			      percpu_u64_sum(t->skel->maps.walks_refused) : 0;
}

struct bpf_object *faults_trace_object(const struct faults_trace *t)
{
	return t && t->skel ? t->skel->obj : NULL;
}
