// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/anon_vma.h"
#include "anon_vma.skel.h"
#include "trace/bpfmap.h"
#include "lib/util.h"

struct anon_trace {
	struct anon_vma_bpf *skel;
	chain_event_fn on_chain;
	walk_event_fn on_walk;
	void *ctx;
};

/* The programs of each mode; anon_vma_clone has a twin per prototype. */
static const struct {
	const char *name;
	enum mmr_mode mode;
	int clone_nparams;	/* 0: any */
} progs[] = {
	{ "fentry_anon_vma_fork", MMR_MODE_FENTRY, 0 },
	{ "fexit_anon_vma_fork", MMR_MODE_FENTRY, 0 },
	{ "fexit_anon_vma_clone2", MMR_MODE_FENTRY, 2 },
	{ "fexit_anon_vma_clone3", MMR_MODE_FENTRY, 3 },
	{ "fexit_anon_vma_prepare", MMR_MODE_FENTRY, 0 },
	{ "fentry_rmap_walk_anon", MMR_MODE_FENTRY, 0 },
	{ "fexit_rmap_walk_anon", MMR_MODE_FENTRY, 0 },
	{ "fexit_avit_first", MMR_MODE_FENTRY, 0 },
	{ "fexit_avit_next", MMR_MODE_FENTRY, 0 },
	{ "fexit_page_vma_mapped_walk", MMR_MODE_FENTRY, 0 },
	{ "kprobe_anon_vma_fork", MMR_MODE_KPROBE, 0 },
	{ "kretprobe_anon_vma_fork", MMR_MODE_KPROBE, 0 },
	{ "kprobe_anon_vma_clone", MMR_MODE_KPROBE, 0 },
	{ "kretprobe_anon_vma_clone", MMR_MODE_KPROBE, 0 },
	{ "kprobe_anon_vma_prepare", MMR_MODE_KPROBE, 0 },
	{ "kretprobe_anon_vma_prepare", MMR_MODE_KPROBE, 0 },
	{ "kprobe_rmap_walk_anon", MMR_MODE_KPROBE, 0 },
	{ "kretprobe_rmap_walk_anon", MMR_MODE_KPROBE, 0 },
	{ "kretprobe_avit_first", MMR_MODE_KPROBE, 0 },
	{ "kretprobe_avit_next", MMR_MODE_KPROBE, 0 },
	{ "kprobe_page_vma_mapped_walk", MMR_MODE_KPROBE, 0 },
	{ "kretprobe_page_vma_mapped_walk", MMR_MODE_KPROBE, 0 },
	{ "contention_begin", MMR_MODE_NONE, 0 },
	{ "contention_end", MMR_MODE_NONE, 0 },
};

#define NPROGS (sizeof(progs) / sizeof(progs[0]))

static int handle_event(void *ctx, void *data, size_t size)
{
	struct anon_trace *t = ctx;
	const __u32 *type = data;

	if (size >= sizeof(struct mmr_chain_event) && *type == MMR_EV_CHAIN)
		return t->on_chain ? t->on_chain(t->ctx, data) : 0;
	if (size >= sizeof(struct mmr_walk_event) && *type == MMR_EV_WALK)
		return t->on_walk ? t->on_walk(t->ctx, data) : 0;
	return 0;
}

int anon_trace_open(struct anon_trace **out, const struct anon_trace_opts *o)
{
	const struct features *f = o->features;
	const struct trace_target *tg = o->target;
	const struct faults_shared *sh = o->faults;
	struct anon_trace *t;
	struct anon_vma_bpf *skel;
	struct bpf_program *prog;
	size_t i;
	double t0 = mono_now();
	int err;

	if (o->mode != MMR_MODE_FENTRY && o->mode != MMR_MODE_KPROBE)
		return -ENOTSUP;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->on_chain = o->on_chain;
	t->on_walk = o->on_walk;
	t->ctx = o->ctx;
	skel = anon_vma_bpf__open();
	if (!skel) {
		err = -errno;
		free(t);
		return err;
	}
	t->skel = skel;
	skel->rodata->min_chain = o->min_chain;
	skel->rodata->min_fanout = o->min_fanout;
	skel->rodata->filter_tgids = tg->ntgids > 0;
	skel->rodata->filter_cgroup = tg->cgroup_fd >= 0;
	/* the fault tracer's filter maps, which its fork and exit programs keep */
	if ((err = bpf_map__reuse_fd(skel->maps.traced_tgids, sh->tgids_fd)) ||
	    (err = bpf_map__reuse_fd(skel->maps.cgroup_map, sh->cgroup_map_fd)))
		goto fail;
	for (i = 0; i < NPROGS; i++) {
		bool want = (progs[i].mode == MMR_MODE_NONE || progs[i].mode == o->mode) &&
			    (!progs[i].clone_nparams ||
			     progs[i].clone_nparams == f->anon_vma_clone_nparams);

		prog = bpf_object__find_program_by_name(skel->obj, progs[i].name);
		if (!prog) {
			err = -ENOENT;
			goto fail;
		}
		bpf_program__set_autoload(prog, want);
	}
	if (o->ringbuf_bytes)
		bpf_map__set_max_entries(skel->maps.av_events, o->ringbuf_bytes);
	t0 = mmr_took(t0, "anon_vma: open");
	err = anon_vma_bpf__load(skel);
	t0 = mmr_took(t0, "anon_vma: load");
	if (err)
		goto fail;
	err = anon_vma_bpf__attach(skel);
	if (err)
		goto fail;
	mmr_took(t0, "anon_vma: attach");
	err = ring_buffer__add(sh->ring, bpf_map__fd(skel->maps.av_events), handle_event, t);
	if (err)
		goto fail;
	*out = t;
	return 0;
fail:
	anon_trace_close(t);
	return err;
}

struct rows_ctx {
	void *out;
	size_t n, cap;
};

static int add_row(void *ctx, const void *key, const void *values, int ncpus)
{
	const struct mmr_chain_stats *percpu = values;
	struct rows_ctx *rc = ctx;
	struct av_row *row = array_push(&rc->out, &rc->n, &rc->cap, sizeof(*row));
	int c;

	if (!row)
		return -ENOMEM;
	row->pid = *(const __u32 *)key;
	for (c = 0; c < ncpus; c++)
		chain_stats_merge(&row->s, &percpu[c]);
	memcpy(row->comm, row->s.comm, sizeof(row->comm));
	row->comm[sizeof(row->comm) - 1] = '\0';
	return 0;
}

int anon_trace_rows(struct anon_trace *t, struct av_row **rows)
{
	struct rows_ctx rc = { 0 };
	int err;

	err = percpu_hash_each(t->skel->maps.chain_stats, sizeof(__u32),
			       sizeof(struct mmr_chain_stats), add_row, &rc);
	if (err) {
		free(rc.out);
		return err;
	}
	*rows = rc.out;
	return (int)rc.n;
}

static int add_walker(void *ctx, const void *key, const void *values, int ncpus)
{
	const struct mmr_walk_stats *percpu = values;
	struct rows_ctx *rc = ctx;
	struct av_walker *w = array_push(&rc->out, &rc->n, &rc->cap, sizeof(*w));
	int c;

	if (!w)
		return -ENOMEM;
	w->rmap_one = ((const struct mmr_walk_key *)key)->rmap_one;
	for (c = 0; c < ncpus; c++)
		walk_stats_merge(&w->s, &percpu[c]);
	return 0;
}

int anon_trace_walkers(struct anon_trace *t, struct av_walker **walkers)
{
	struct rows_ctx rc = { 0 };
	int err;

	err = percpu_hash_each(t->skel->maps.walk_stats, sizeof(struct mmr_walk_key),
			       sizeof(struct mmr_walk_stats), add_walker, &rc);
	if (err) {
		free(rc.out);
		return err;
	}
	*walkers = rc.out;
	return (int)rc.n;
}

int anon_trace_forget(struct anon_trace *t, uint32_t pid)
{
	if (bpf_map__delete_elem(t->skel->maps.chain_stats, &pid, sizeof(pid), 0) &&
	    errno != ENOENT)
		return -errno;
	return 0;
}

uint64_t anon_trace_lost(struct anon_trace *t)
{
	return percpu_u64_sum(t->skel->maps.av_lost);
}

void anon_trace_close(struct anon_trace *t)
{
	if (!t)
		return;
	anon_vma_bpf__destroy(t->skel);
	free(t);
}

struct bpf_object *anon_trace_object(const struct anon_trace *t)
{
	return t && t->skel ? t->skel->obj : NULL;
}
