/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * trace/anon_vma.h: the anon_vma capability (bpf/anon_vma.bpf.c): open (load and
 * attach the fentry/fexit or kprobe programs of the faults' mode, sharing
 * the fault tracer's task filter and ring buffer poll, through which long
 * chains and wide walks arrive), read the per-process and per-walker
 * histograms, close. Only trace/anon_vma.c touches the skeleton.
 */
#ifndef MMRETRY_ANON_TRACE_H
#define MMRETRY_ANON_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/anon_vma.h"
#include "stats/anon_vma.h"
#include "trace/faults.h"	/* struct trace_target, struct faults_shared */
#include "trace/kfeatures.h"

struct anon_trace;

typedef int (*chain_event_fn)(void *ctx, const struct mmr_chain_event *e);
typedef int (*walk_event_fn)(void *ctx, const struct mmr_walk_event *e);

struct anon_trace_opts {
	const struct features *features;
	const struct trace_target *target;
	enum mmr_mode mode;		/* MMR_MODE_FENTRY or MMR_MODE_KPROBE */
	uint32_t min_chain;		/* chains streamed from this long */
	uint32_t min_fanout;		/* walks streamed from this many VMAs */
	const struct faults_shared *faults;	/* filter, ring poll */
	size_t ringbuf_bytes;		/* 0: the default (1 MiB) */
	chain_event_fn on_chain;
	walk_event_fn on_walk;
	void *ctx;
};

/* 0 or -errno */
int anon_trace_open(struct anon_trace **out, const struct anon_trace_opts *o);
/* Per-process chain rows summed over CPUs, in *rows (malloc'ed): their number or -errno. */
int anon_trace_rows(struct anon_trace *t, struct av_row **rows);
/* Per-walker rows summed over CPUs, names not filled: their number or -errno. */
int anon_trace_walkers(struct anon_trace *t, struct av_walker **walkers);
/* Drop a process's chain row from the kernel's map (export, as
 * lock_trace_forget). 0 or -errno. */
int anon_trace_forget(struct anon_trace *t, uint32_t pid);
uint64_t anon_trace_lost(struct anon_trace *t);
void anon_trace_close(struct anon_trace *t);

/* The loaded object, to read its programs' run statistics (export). */
struct bpf_object;
struct bpf_object *anon_trace_object(const struct anon_trace *t);

#endif
