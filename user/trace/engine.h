/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * engine.h: the one tracing engine under stat, top, export, record, check
 * and baseline (after perf's prepare/start/read/stop/finish).
 *
 *   engine_prepare()  check the target, probe the kernel, make the plan for
 *                     every capability, fork the traced command (held)
 *   engine_attach()   open the tracers the plan allows, falling back along it
 *   engine_start()    the run begins: the command is let go
 *   engine_wait()     poll the rings until the run is over
 *   engine_stop()     end the run: reap the command, drain the rings
 *   engine_read_*()   the figures, any time after attach
 *   engine_finish()   close everything (also after a failure anywhere)
 *
 * A front end keeps only what is its own: what it does with the events it
 * asked for (none are streamed unless it gives a callback) and with the
 * figures. Errors are said on stderr here; the functions return 0 or
 * -errno, -EINVAL meaning the request itself is wrong (no such process or
 * cgroup).
 */
#ifndef MMRETRY_ENGINE_H
#define MMRETRY_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf/faults.h"
#include "stats/figures.h"
#include "trace/anon_vma.h"
#include "trace/faults.h"
#include "trace/kfeatures.h"
#include "trace/mmap_lock.h"
#include "trace/plan.h"

/* What to trace and how: the option group every tracing command shares
 * (cli/options.h parses it). */
struct trace_opts {
	double duration;	/* seconds; 0 = until a signal or the command exits */
	pid_t pid;		/* 0 = none */
	const char *cgroup;	/* cgroup v2 path; NULL = none */
	char **argv;		/* a command to run and follow, or NULL */
	enum mmr_mode mode;	/* MMR_MODE_NONE = automatic */
	uint64_t ringbuf_bytes;	/* 0 = default */
	uint64_t min_hold_ns;	/* mmap_lock holds and waits streamed from this long */
	uint64_t min_fault_ns;	/* faults streamed from this long (fentry, kprobe) */
	bool no_mmap_lock;	/* --no-mmap-lock */
	uint32_t min_chain;	/* anon_vma chains streamed from this long */
	uint32_t min_fanout;	/* rmap walks streamed from this many VMAs */
	bool no_anon_vma;	/* --no-anon-vma */
	bool no_latency;	/* --no-latency: faults counted, not timed */
	/* without --mode, prefer the light mode (plan.h, plan_request.light):
	 * export's and top's default, for always-on use */
	bool light;
	bool quiet;		/* -q: no line on stderr once tracing has started */
	/* the command's stdout goes to our stderr: the report owns stdout */
	bool command_stdout_to_stderr;
};

/* What a front end reads as it comes. A NULL callback: that event is not
 * streamed at all (the BPF programs do not reserve it). */
struct engine_sink {
	retry_event_fn on_retry;	/* each VM_FAULT_RETRY */
	fault_event_fn on_fault;	/* faults of min_fault_ns or more */
	lock_event_fn on_lock;		/* holds and waits of min_hold_ns or more */
	chain_event_fn on_chain;	/* chains of min_chain or more */
	walk_event_fn on_walk;		/* walks of min_fanout or more */
	/* record: every attempt and address-space change (on_raw), every
	 * mmap_lock hold (on_lock_op), every chain and walk */
	bool record;
	raw_event_fn on_raw;
	int (*on_lock_op)(void *ctx, const struct mmr_lock_op_event *e);
	bool per_process;		/* top: per-process fault counters */
	/* stat --by cgroup: those rows are cgroups (faults_trace_opts) */
	bool rows_by_cgroup;
	uint32_t cgroup_level, max_cgroups;
	const struct cgroup_trees *cgroup_trees;	/* --cgroup-tree: NULL, none */
	/* the front end says itself that it has started (export: where it
	 * listens), so the engine does not */
	bool own_banner;
	void *ctx;
	/* said once a capability is known not to be traced, or a mode fell
	 * back: for the report's notes */
	void (*note)(void *ctx, const char *text);
};

struct engine;

int engine_prepare(struct engine **out, const struct trace_opts *o,
		   const struct engine_sink *sink);
int engine_attach(struct engine *e);
/* t0 of the run; the command (if any) execs. -ENOENT, -EACCES...: it cannot. */
int engine_start(struct engine *e);
/*
 * Poll the rings up to timeout_ms: 1 while the run goes on; 0 once it is
 * over (a signal, the duration, the traced process or command gone);
 * -errno if the rings cannot be read.
 */
int engine_wait(struct engine *e, int timeout_ms);
/* Deliver what the rings hold now without waiting (keeps them empty for
 * front ends that read maps instead). Events handled, or -errno. */
int engine_poll(struct engine *e);
void engine_stop(struct engine *e);
/* prepare, attach and start at once, for front ends that hook nothing in
 * between (top, export): 0 or -errno, -EINVAL if the request is wrong */
int engine_run(struct engine **out, const struct trace_opts *o, const struct engine_sink *sink);
void engine_finish(struct engine *e);

/* Set by SIGINT, SIGTERM (and SIGHUP where asked) once engine_signals()
 * installed the handlers, or by engine_request_stop(). */
void engine_signals(bool hup);
bool engine_stopping(void);
void engine_request_stop(void);

/* What the run is. */
const struct features *engine_features(const struct engine *e);
enum mmr_mode engine_fault_mode(const struct engine *e);
/* Tracepoint mode's producer hooks: fentry, kprobe or none (MMR_MODE_NONE) */
enum mmr_mode engine_producers(const struct engine *e);
/* "tracepoint", or "tracepoint+fentry" where producers are hooked */
const char *engine_mode_label(const struct engine *e);
const char *engine_kernel(const struct engine *e);	/* uname's release */
pid_t engine_tgid(const struct engine *e);		/* the traced process, or 0 */
/* the command's exit status (128+N if killed by N), -1 if none or unknown */
int engine_exit_status(const struct engine *e);
/* the signal that killed the command, 0 if it exited (or none) */
int engine_exit_signal(const struct engine *e);
double engine_duration(const struct engine *e);		/* start to stop, seconds */

/* The tracers: NULL where a capability is not traced; anon_vma's why is
 * engine_anon_why() (the report needs it); mmap_lock's is said as a note. */
struct faults_trace *engine_faults(const struct engine *e);
struct lock_trace *engine_lock(const struct engine *e);
struct anon_trace *engine_anon(const struct engine *e);
const char *engine_anon_why(const struct engine *e);
/* Why faults are not timed in the mode in use (the report's fault latency
 * section; a literal), or NULL if they are. After engine_attach(). */
const char *engine_latency_why(const struct engine *e);

/* The fault counters and the state of each figure: tracepoint mode's
 * counts come from the kernel's accounting, unavailable if unreadable. */
int engine_read_faults(struct engine *e, struct mmr_fault_counters *sum,
		       uint8_t states[FF_NR]);
/* Program runs the kernel skipped, by tracer. */
uint64_t engine_missed_faults(const struct engine *e);
uint64_t engine_missed_lock(const struct engine *e);
uint64_t engine_missed_anon(const struct engine *e);
/* Kernel symbols, read the first time something is to be named (a second
 * under QEMU's TCG); NULL if unreadable. */
const struct ksyms *engine_ksyms(struct engine *e);
/* Drop an exited process's rows from every tracer's maps. */
void engine_forget(struct engine *e, uint32_t pid);

#endif
