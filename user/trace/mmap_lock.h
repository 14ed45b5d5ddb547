/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * trace/mmap_lock.h: the mmap_lock capability (bpf/mmap_lock.bpf.c): open (load
 * and attach the tracepoints, sharing the fault tracer's task filter, fault
 * state and ring buffer poll, through which long holds and waits arrive),
 * read the per-process histograms,  close. Only trace/mmap_lock.c
 * touches the skeleton.
 */
#ifndef MMRETRY_LOCK_TRACE_H
#define MMRETRY_LOCK_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

#include "trace/faults.h"	/* struct trace_target */
#include "trace/kfeatures.h"
#include "stats/mmap_lock.h"
#include "bpf/mmap_lock.h"

struct lock_trace;

typedef int (*lock_event_fn)(void *ctx, const struct mmr_lock_event *e);
struct mmr_lock_op_event;

struct lock_trace_opts {
	const struct features *features;
	const struct trace_target *target;
	uint64_t min_hold_ns;	/* holds and waits streamed from this long */
	const struct faults_shared *faults;	/* filter, fault state, ring poll */
	size_t ringbuf_bytes;	/* 0: the default (1 MiB) */
	lock_event_fn on_event;
	void *ctx;
	/* record: every hold streamed as it ends (struct mmr_lock_op_event) */
	bool record;
	int (*on_op)(void *ctx, const struct mmr_lock_op_event *e);
};

/* 0 or -errno */
int lock_trace_open(struct lock_trace **out, const struct lock_trace_opts *o);
/* Per-process rows summed over CPUs, in *rows (malloc'ed): their number or -errno. */
int lock_trace_rows(struct lock_trace *t, struct lock_row **rows);
/* Drop a process's rows from the kernel's map (export: an exited process's
 * figures, once folded into totals, so the map never fills). 0 or -errno. */
int lock_trace_forget(struct lock_trace *t, uint32_t pid);
uint64_t lock_trace_lost(struct lock_trace *t);
void lock_trace_close(struct lock_trace *t);

/* The loaded object, to read its programs' run statistics (export). */
struct bpf_object;
struct bpf_object *lock_trace_object(const struct lock_trace *t);
/* Program runs the kernel skipped that no preemption guard made up for. */
uint64_t lock_trace_missed(const struct lock_trace *t);

#endif
