// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/bpfmap.h"
#include "trace/mmap_lock.h"
#include "mmap_lock.skel.h"
#include "bpf/record.h"
#include "lib/util.h"

struct lock_trace {
	struct mmap_lock_bpf *skel;
	int chain_start_fd, chain_acquire_fd;	/* -1: our programs attached alone */
	bool by_cgroup;		/* rows are cgroups (bpf/rows.bpf.h) */
	lock_event_fn on_event;
	int (*on_op)(void *ctx, const struct mmr_lock_op_event *e);
	void *ctx;
};

static int handle_event(void *ctx, void *data, size_t size)
{
	struct lock_trace *t = ctx;
	const struct mmr_lock_op_event *op = data;

	if (size == sizeof(*op) && op->type == MMR_EV_LOCK_OP)
		return t->on_op ? t->on_op(t->ctx, op) : 0;
	if (size == sizeof(struct mmr_lock_event) && op->type == MMR_EV_LOCK_LONG)
		return t->on_event ? t->on_event(t->ctx, data) : 0;
	return 0;
}

int lock_trace_open(struct lock_trace **out, const struct lock_trace_opts *o)
{
	const struct features *f = o->features;
	const struct trace_target *tg = o->target;
	const struct faults_shared *sh = o->faults;
	const bool old = f->mmap_lock_memcg_path;
	struct lock_trace *t;
	struct mmap_lock_bpf *skel;
	double t0 = mono_now();
	int err;

	if (!f->tp[TP_MMAP_LOCK_START_LOCKING] || !f->tp[TP_MMAP_LOCK_ACQUIRE_RETURNED] ||
	    !f->tp[TP_MMAP_LOCK_RELEASED])
		return -ENOENT;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->chain_start_fd = t->chain_acquire_fd = -1;
	t->on_event = o->on_event;
	t->on_op = o->on_op;
	t->ctx = o->ctx;
	skel = mmap_lock_bpf__open();
	if (!skel) {
		err = -errno;
		free(t);
		return err;
	}
	t->skel = skel;
	skel->rodata->min_hold_ns = o->min_hold_ns;
	skel->rodata->aepf_start = f->aepf_start;
	skel->rodata->aepf_end = f->aepf_end;
	skel->rodata->io_known = sh->io_known;
	skel->rodata->record = o->record;
	skel->rodata->faults_tp = sh->tp_lock_hooks;
	skel->rodata->filter_tgids = tg->ntgids > 0;
	skel->rodata->filter_cgroup = tg->cgroup_fd >= 0;
	/* the fault tracer's filter maps, which its fork and exit programs
	 * keep, and its per-thread fault state */
	if ((err = bpf_map__reuse_fd(skel->maps.traced_tgids, sh->tgids_fd)) ||
	    (err = bpf_map__reuse_fd(skel->maps.cgroup_map, sh->cgroup_map_fd)) ||
	    (err = bpf_map__reuse_fd(skel->maps.tstates, sh->tstates_fd)) ||
	    (err = bpf_map__reuse_fd(skel->maps.stack_walks, sh->stack_walks_fd)))
		goto fail;
	/* by cgroup, the fault tracer's rows say which cgroups have rows of
	 * their own (bpf/rows.bpf.h); else those maps go unused */
	t->by_cgroup = sh->rows_by_cgroup;
	skel->rodata->rows_by_cgroup = sh->rows_by_cgroup;
	skel->rodata->cgroup_level = sh->cgroup_level;
	skel->rodata->cgroup_by_tree = sh->cgroup_by_tree;
	if (sh->rows_by_cgroup) {
		if ((err = bpf_map__reuse_fd(skel->maps.proc_counters, sh->rows_fd)) ||
		    (err = bpf_map__reuse_fd(skel->maps.cgroup_trees, sh->trees_fd)) ||
		    (err = bpf_map__reuse_fd(skel->maps.cgroups_folded, sh->folded_fd)) ||
		    (err = bpf_map__reuse_fd(skel->maps.proc_lost, sh->rows_lost_fd)))
			goto fail;
	} else {
		bpf_map__set_max_entries(skel->maps.proc_counters, 1);
		bpf_map__set_max_entries(skel->maps.cgroups_folded, 1);
	}
	/* the prototype twins: one of each per kernel; and their preemption
	 * guards where the kernel preempts BPF programs, but for tracepoint
	 * mode's start and acquire: the fault tracer's programs, guarded, run
	 * ours by a tail call, once an event */
	skel->rodata->guarded = sh->guarded;
	bpf_program__set_autoload(skel->progs.lock_start_old, old);
	bpf_program__set_autoload(skel->progs.lock_acquire_old, old);
	bpf_program__set_autoload(skel->progs.lock_release_old, old);
	bpf_program__set_autoload(skel->progs.lock_start_new, !old);
	bpf_program__set_autoload(skel->progs.lock_acquire_new, !old);
	bpf_program__set_autoload(skel->progs.lock_release_new, !old);
	bpf_program__set_autoload(skel->progs.lock_start_old_guard,
				  old && sh->guarded && !sh->tp_lock_hooks);
	bpf_program__set_autoload(skel->progs.lock_acquire_old_guard,
				  old && sh->guarded && !sh->tp_lock_hooks);
	bpf_program__set_autoload(skel->progs.lock_release_old_guard, old && sh->guarded);
	bpf_program__set_autoload(skel->progs.lock_start_new_guard,
				  !old && sh->guarded && !sh->tp_lock_hooks);
	bpf_program__set_autoload(skel->progs.lock_acquire_new_guard,
				  !old && sh->guarded && !sh->tp_lock_hooks);
	bpf_program__set_autoload(skel->progs.lock_release_new_guard, !old && sh->guarded);
	/* tracepoint mode: the fault tracer's programs on start_locking and
	 * acquire_returned run ours by a tail call; only released attaches */
	if (sh->tp_lock_hooks) {
		bpf_program__set_autoattach(skel->progs.lock_start_old, false);
		bpf_program__set_autoattach(skel->progs.lock_start_new, false);
		bpf_program__set_autoattach(skel->progs.lock_acquire_old, false);
		bpf_program__set_autoattach(skel->progs.lock_acquire_new, false);
	}
	if (o->ringbuf_bytes)
		bpf_map__set_max_entries(skel->maps.lock_events, o->ringbuf_bytes);
	t0 = mmr_took(t0, "mmap_lock: open");
	err = mmap_lock_bpf__load(skel);
	t0 = mmr_took(t0, "mmap_lock: load");
	if (err)
		goto fail;
	/* every process index free (bpf/mmap_lock.bpf.c, stats_of()) */
	for (__u32 i = 0; i < MMR_LOCK_PROCS; i++)
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.lock_free), NULL, &i, BPF_ANY)) {
			err = -errno;
			goto fail;
		}
	mmr_debug("mmap_lock: %d process slots", MMR_LOCK_PROCS);
	err = mmap_lock_bpf__attach(skel);
	if (err)
		goto fail;
	if (sh->tp_lock_hooks) {
		/* acquisitions before starts: a start seen is always ended */
		__u32 key = 0;
		int acq = bpf_program__fd(old ? skel->progs.lock_acquire_old :
						skel->progs.lock_acquire_new);
		int start = bpf_program__fd(old ? skel->progs.lock_start_old :
						  skel->progs.lock_start_new);

		if (bpf_map_update_elem(sh->chain_acquire_fd, &key, &acq, BPF_ANY)) {
			err = -errno;
			goto fail;
		}
		t->chain_acquire_fd = sh->chain_acquire_fd;
		if (bpf_map_update_elem(sh->chain_start_fd, &key, &start, BPF_ANY)) {
			err = -errno;
			goto fail;
		}
		t->chain_start_fd = sh->chain_start_fd;
	}
	mmr_took(t0, "mmap_lock: attach");
	err = ring_buffer__add(sh->ring, bpf_map__fd(skel->maps.lock_events), handle_event, t);
	if (err)
		goto fail;
	*out = t;
	return 0;
fail:
	lock_trace_close(t);
	return err;
}

struct rows_ctx {
	struct lock_row *out;
	size_t n, cap;
};

/* one (row, mode) entry into its row */
static int add_row(struct rows_ctx *rc, uint64_t key, bool by_cgroup, int m,
		   const struct mmr_lock_stats *percpu, int ncpus)
{
	struct lock_row *row = NULL;
	size_t i;
	int c;

	for (i = 0; i < rc->n && !row; i++)
		if (rc->out[i].key == key)
			row = &rc->out[i];
	if (!row) {
		row = array_push((void **)&rc->out, &rc->n, &rc->cap, sizeof(*row));
		if (!row)
			return -ENOMEM;
		row->key = key;
		row->pid = by_cgroup ? 0 : (uint32_t)key;
		row->cgroup = by_cgroup;
	}
	for (c = 0; c < ncpus; c++)
		lock_stats_merge(&row->mode[m], &percpu[c]);
	if (by_cgroup)
		memset(row->comm, 0, sizeof(row->comm));
	else if (!row->comm[0] || m == 0)	/* reads are the most common */
		memcpy(row->comm, row->mode[m].comm, sizeof(row->comm));
	row->comm[sizeof(row->comm) - 1] = '\0';
	return 0;
}

/* Has a mode's entry (all CPUs) counted anything? */
static bool stats_used(const struct mmr_lock_stats *percpu, int ncpus)
{
	for (int c = 0; c < ncpus; c++)
		if (percpu[c].acquisitions || percpu[c].failures || percpu[c].downgrades ||
		    percpu[c].wait.count || percpu[c].hold.count)
			return true;
	return false;
}

/* Each row's entries of lock_stats, by lock_procs (row key -> index). */
int lock_trace_rows(struct lock_trace *t, struct lock_row **rows)
{
	const struct bpf_map *procs = t->skel->maps.lock_procs;
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	struct rows_ctx rc = { 0 };
	struct mmr_lock_stats *values;
	__u64 key, next, *prev = NULL;
	__u32 idx, k;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	values = calloc(ncpus, sizeof(*values));
	if (!values)
		return -ENOMEM;
	while (!err && !bpf_map__get_next_key(procs, prev, &next, sizeof(next))) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(procs, &key, sizeof(key), &idx, sizeof(idx), 0) ||
		    idx >= MMR_LOCK_PROCS)
			continue;	/* forgotten meanwhile */
		for (k = 0; k <= 1 && !err; k++) {
			__u32 i = 2 * idx + k;

			if (bpf_map__lookup_elem(t->skel->maps.lock_stats, &i, sizeof(i), values,
						 ncpus * sizeof(*values), 0))
				continue;
			if (stats_used(values, ncpus))
				err = add_row(&rc, key, t->by_cgroup, k, values, ncpus);
		}
	}
	free(values);
	if (err) {
		free(rc.out);
		return err;
	}
	*rows = rc.out;
	return (int)rc.n;
}

/* A process gone: its entries zeroed, its index free for another. */
int lock_trace_forget(struct lock_trace *t, uint32_t pid)
{
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	struct mmr_lock_stats *zero;
	__u64 tgid = pid;
	__u32 idx, i;

	if (t->by_cgroup)
		return 0;	/* the rows are cgroups: kept */
	if (bpf_map__lookup_elem(t->skel->maps.lock_procs, &tgid, sizeof(tgid), &idx,
				 sizeof(idx), 0))
		return errno == ENOENT ? 0 : -errno;
	if (ncpus <= 0 || !(zero = calloc(ncpus, sizeof(*zero))))
		return -ENOMEM;
	for (i = 2 * idx; i <= 2 * idx + 1 && idx < MMR_LOCK_PROCS; i++)
		if (bpf_map__update_elem(t->skel->maps.lock_stats, &i, sizeof(i), zero,
					 ncpus * sizeof(*zero), BPF_ANY))
			err = -errno;
	free(zero);
	if (bpf_map__delete_elem(t->skel->maps.lock_procs, &tgid, sizeof(tgid), 0) &&
	    errno != ENOENT)
		return -errno;
	/* its index back only once its entries are zero */
	if (!err && idx < MMR_LOCK_PROCS &&
	    bpf_map_update_elem(bpf_map__fd(t->skel->maps.lock_free), NULL, &idx, BPF_ANY))
		err = -errno;
	return err;
}

uint64_t lock_trace_lost(struct lock_trace *t)
{
	return percpu_u64_sum(t->skel->maps.lock_lost);
}

void lock_trace_close(struct lock_trace *t)
{
	__u32 key = 0;

	if (!t)
		return;
	/* out of the fault tracer's chain first */
	if (t->chain_start_fd >= 0)
		bpf_map_delete_elem(t->chain_start_fd, &key);
	if (t->chain_acquire_fd >= 0)
		bpf_map_delete_elem(t->chain_acquire_fd, &key);
	mmap_lock_bpf__destroy(t->skel);
	free(t);
}

struct bpf_object *lock_trace_object(const struct lock_trace *t)
{
	return t && t->skel ? t->skel->obj : NULL;
}

uint64_t lock_trace_missed(const struct lock_trace *t)
{
	return t && t->skel ? prog_missed_runs(t->skel->obj, t->skel->maps.guard_covered) : 0;
}
