/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * trace/faults.h: the faults capability's narrow API (after perf lock
 * contention): open (load + attach, falling back along the plan), poll
 * events, read counters, close. Only trace/faults.c touches the skeleton.
 */
#ifndef MMRETRY_FAULTS_TRACE_H
#define MMRETRY_FAULTS_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf/faults.h"
#include "trace/kfeatures.h"
#include "lib/cgpath.h"	/* struct cgroup_trees */
#include "stats/figures.h"
#include "trace/plan.h"

struct faults_trace;

/* Who to trace; see bpf/filter.bpf.h. */
struct trace_target {
	pid_t *tgids;		/* traced processes (and, with follow_forks, their children) */
	int ntgids;
	int cgroup_fd;		/* -1 for none */
	bool follow_forks;
};

typedef int (*retry_event_fn)(void *ctx, const struct mmr_retry_event *e);
typedef int (*fault_event_fn)(void *ctx, const struct mmr_fault_event *e);
/* record: an event of bpf/record.h (its first __u32 says which), size bytes */
typedef int (*raw_event_fn)(void *ctx, const void *data, size_t size);

struct faults_trace_opts {
	const struct features *features;
	const struct plan *plan;
	const struct trace_target *target;
	size_t ringbuf_bytes;	/* power of two; 0 = default */
	bool per_process;	/* top: keep per-process counters (proc_counters) */
	/* with per_process, the rows are cgroups: each task's cgroup v2, or
	 * its ancestor at cgroup_level (root: 0; 0 keeps its own), at most
	 * max_cgroups of them, the rest summed in the row MMR_CGROUP_OTHER */
	bool rows_by_cgroup;
	uint32_t cgroup_level;
	uint32_t max_cgroups;
	/* or, where it lists any, the deepest of these cgroups a task is in
	 * (the root's row if none): --cgroup-tree */
	const struct cgroup_trees *cgroup_trees;
	bool record;		/* record: stream every attempt and address-space change */
	raw_event_fn on_raw;	/* record: where those go */
	retry_event_fn on_event;	/* NULL: no retry event is streamed */
	/* fentry, kprobe: faults at least min_fault_ns long; NULL: none */
	fault_event_fn on_fault;
	uint64_t min_fault_ns;
	void *ctx;
	/* a mode that failed to load or attach; the caller reports the fallback */
	void (*on_fallback)(void *ctx, enum mmr_mode failed, int err);
	void *fallback_ctx;
};

/* 0 or -errno (the last mode's error if every mode failed) */
int faults_trace_open(struct faults_trace **out, const struct faults_trace_opts *o);
enum mmr_mode faults_trace_mode(const struct faults_trace *t);
/*
 * What the fault tracer shares with the other capabilities' tracers: its
 * task filter (traced tgids, kept up to date by its fork and exit programs,
 * and the cgroup), its per-thread fault state (what a lock holder's fault
 * was doing) and its ring buffer manager (one poll serves all rings).
 */
struct faults_shared {
	int tgids_fd, cgroup_map_fd, tstates_fd;
	int stack_walks_fd;	/* one stack walk at a time on a CPU (bpf/tstate.bpf.h) */
	bool io_known;		/* page-cache insertions are traced */
	/* tracepoint mode: its programs on mmap_lock_start_locking and
	 * acquire_returned serve the mmap_lock tracer too: they end with a
	 * tail call into the program the chain map (a program array of one,
	 * per tracepoint; -1 in other modes) holds, and stamp acquisitions for
	 * it (tstate.tp_acq_ns, bpf/mmap_lock.bpf.c) */
	bool tp_lock_hooks;
	int chain_start_fd, chain_acquire_fd;
	/* the kernel preempts BPF programs: the fault tracer loaded its
	 * preemption guards (bpf/guard.bpf.h), and the mmap_lock tracer loads
	 * its own */
	bool guarded;
	struct ring_buffer *ring;
	/* the rows are cgroups (--by cgroup): proc_counters decides which
	 * cgroups have rows and which are folded (bpf/rows.bpf.h), for every
	 * tracer that keeps rows by cgroup */
	bool rows_by_cgroup;
	uint32_t cgroup_level;
	bool cgroup_by_tree;
	int rows_fd, folded_fd, rows_lost_fd, trees_fd;
};
void faults_trace_shared(struct faults_trace *t, struct faults_shared *out);
/* figure states for the mode in use and the hooks that really attached */
void faults_trace_states(const struct faults_trace *t, uint8_t states[FF_NR]);
int faults_trace_add_tgid(struct faults_trace *t, pid_t tgid);
/* The traced processes still alive (exited ones leave the filter when
 * forks are followed): up to max into out; their number, or -errno. */
int faults_trace_tgids(struct faults_trace *t, pid_t *out, int max);
/* events delivered so far through on_event; 0 on timeout, -EINTR, or -errno */
int faults_trace_poll(struct faults_trace *t, int timeout_ms);
/* Consume what every ring holds now, without waiting for wakeups: the
 * last events at the end of tracing. Events handled, or -errno. */
int faults_trace_drain(struct faults_trace *t);
int faults_trace_read(struct faults_trace *t, struct mmr_fault_counters *sum);
/* Fault durations summed over CPUs (fentry and kprobe modes). 0 or -errno. */
int faults_trace_latency(struct faults_trace *t, struct mmr_fault_latency *sum);
void faults_trace_close(struct faults_trace *t);
/* slow fault events the ring buffer had no room for */
uint64_t faults_trace_slow_lost(struct faults_trace *t);

/* top (per_process): one process's counters, summed over CPUs; by
 * cgroup (rows_by_cgroup), one cgroup's (pid 0) */
struct fproc_row {
	uint32_t pid;
	uint64_t cgroup;	/* its id, or MMR_CGROUP_OTHER */
	struct mmr_proc_counters c;
};
/* Every process's counters, in *rows (malloc'ed): their number or -errno. */
int faults_trace_procs(struct faults_trace *t, struct fproc_row **rows);
/* Drop an exited process's counters. 0 or -errno. */
int faults_trace_proc_forget(struct faults_trace *t, uint32_t pid);
/* processes the per-process map had no room for */
uint64_t faults_trace_proc_lost(struct faults_trace *t);

/* Tracepoint mode: the kind of its producer hooks (fentry, kprobe), if
 * any attached; MMR_MODE_NONE otherwise. */
enum mmr_mode faults_trace_producers(const struct faults_trace *t);

/* Runs of the fault tracer's programs the kernel skipped that no guard
 * (bpf/guard.bpf.h) made up for, and tracepoint mode's stack walks refused
 * while another was in progress on the CPU (bpf/tstate.bpf.h): events may
 * be short by up to this many. */
uint64_t faults_trace_missed(const struct faults_trace *t);

/* The loaded object, to read its programs' run statistics (export). */
struct bpf_object;
struct bpf_object *faults_trace_object(const struct faults_trace *t);

#endif
