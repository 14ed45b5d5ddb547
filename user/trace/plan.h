/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * plan.h: which programs to load, as a pure function of struct features.
 * No syscalls here: tests/unit/test_plan.c runs it on made-up kernels.
 */
#ifndef MMRETRY_PLAN_H
#define MMRETRY_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include "bpf/faults.h"
#include "trace/kfeatures.h"
#include "stats/figures.h"

struct fault_plan {
	/* modes to try, best first; the loader falls back along this list */
	enum mmr_mode modes[3];
	int nmodes;
	/* why each mode is or is not usable, for `probe` */
	char why[MMR_NR_MODES][96];
	/* the kernel can preempt a BPF program, which makes it skip the
	 * program for other tasks meanwhile: fentry/fexit and tracepoint
	 * programs get a guard twin (bpf/faults.bpf.c, guard_pass()) */
	bool guarded;
	char guard_why[160];	/* why, or why not, for `probe` */
	/* why modes[0] comes first (kprobes first where the kernel preempts
	 * BPF programs: a kprobe's runs with preemption off, so none is
	 * skipped), for `probe` */
	char order_why[160];
};

/* What the user asked for (the trace options that decide the plan). */
struct plan_request {
	enum mmr_mode mode;	/* MMR_MODE_NONE: automatic */
	bool no_mmap_lock;
	bool no_anon_vma;
	bool no_latency;	/* --no-latency: count faults, do not time them */
	/*
	 * Without a forced mode, prefer the light one: tracepoint mode, which
	 * reads only the slow path (a fault that takes mmap_lock, retries,
	 * the producers), never every attempt. Only where per-VMA locks keep
	 * most faults off mmap_lock (6.4+): before them every fault takes it,
	 * and tracepoint mode would walk a stack per fault.
	 */
	bool light;
};

/* mmap_lock: tp_btf on its tracepoints, whatever traces the faults */
struct lock_plan {
	bool on;
	bool warn;		/* !on because the kernel cannot: say so */
	char why[128];		/* !on: why */
};

/* anon_vma: fentry or kprobes on mm/rmap.c, in the faults' own mode, which
 * is known only once the fault tracer has attached: decided per mode */
struct anon_plan {
	bool on[MMR_NR_MODES];
	char why[MMR_NR_MODES][160];	/* !on: why, for the report */
	char note[MMR_NR_MODES][160];	/* !on: the report's note; "" for none */
};

/* fault latency: faults.bpf.c's fault_done(), in the faults' own mode
 * (fentry and kprobe time every attempt; tracepoints see none begin) */
struct latency_plan {
	bool on[MMR_NR_MODES];
	const char *why[MMR_NR_MODES];	/* !on: why, for the report (a literal) */
};

struct plan {
	struct fault_plan faults;
	struct lock_plan lock;
	struct anon_plan anon;
	struct latency_plan latency;
};


/* Can capability "faults" run in mode m here? why gets the reason either way. */
/* Can the anon_vma capability (bpf/anon_vma.bpf.c) run along faults traced
 * in mode m? It needs fentry or kprobes on mm/rmap.c's functions. */
bool anon_vma_usable(const struct features *f, enum mmr_mode m, char *why, size_t len);
bool faults_mode_usable(const struct features *f, enum mmr_mode m, char *why, size_t len);
/* Why a probed program kind is not usable, in words ("refused (EPERM:
 * kernel lockdown or a security module)"); a static buffer for some. */
const char *probe_refusal(enum probed t, int err, bool kprobes);

/*
 * The program kind features_probe() should try next for this request (a
 * probe_next_fn), or PROG_NONE once the plan is decided: tp_btf first,
 * which every mode needs (the fault tracer's exit program, the mmap_lock
 * tracer, tracepoint mode), then the modes the request allows, best first,
 * up to the first that works. A later mode left untried stays in the plan
 * as a fallback: loading the tracer is then its test.
 */
enum prog_kind plan_next_probe(const struct features *f, const struct plan_request *rq);

/* Every capability's plan. 0, or -ENOTSUP with a one-line reason in err if
 * no mode can trace the faults (the others need them). */
int plan_make(const struct features *f, const struct plan_request *rq, struct plan *p,
	      char *err, size_t errlen);

/* The program kind tracepoint mode's producer hooks use: fentry, else
 * kprobes, where the probe found them working; MMR_MODE_NONE: neither. */
enum mmr_mode producers_kind(const struct features *f);

/* Hooks the faults capability attaches in mode m: a hook the kernel lacks
 * is left out, and the figure it feeds becomes unavailable. Tracepoint
 * mode hooks the producers only (fentry or kprobes, producers_kind()). */
void faults_hooks(const struct features *f, enum mmr_mode m, bool hooks[NR_FNS]);

/* What each fault figure is in mode m on this kernel: exact, inferred, n/a. */
void faults_figure_states(const struct features *f, enum mmr_mode m,
			  const bool hooks[NR_FNS], uint8_t states[FF_NR]);

#endif
