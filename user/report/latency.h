/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report/latency.h: the fault-latency section of the stat report: how long
 * faults took from their first attempt to their last, by origin and
 * outcome; what retried faults spent after their first RETRY; and each
 * retry's attempt, gap and mmap_lock wait (bpf/faults.h struct
 * mmr_fault_latency). Faults are timed in fentry and kprobe modes; the
 * mmap_lock wait before a retry where the mmap_lock tracer runs beside
 * them, and in tracepoint mode. What was not timed is null / n/a.
 */
#ifndef MMRETRY_REPORT_LATENCY_H
#define MMRETRY_REPORT_LATENCY_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "bpf/faults.h"

struct report_latency {
	bool traced;		/* faults timed: every figure but lock_wait */
	const char *why;	/* !traced: why; NULL: not timed (a model run, a recording) */
	bool lock_wait;		/* l.lock_wait timed */
	const char *lock_why;	/* !lock_wait: why; NULL: not timed */
	struct mmr_fault_latency l;
};

void report_print_latency_text(FILE *out, const struct report_latency *x);
/* null when nothing was timed; a figure not timed is null within */
json_t *report_latency_json(const struct report_latency *x);
/*
 * The same faults' latency under several runs side by side (`model
 * compare`: one a policy; `model replay`: the recording, then a policy
 * each), a row per run named names[i]: all faults (count, p99), the
 * retried ones (count, p50, p99, max) and their retry time's sum. A run
 * not timed reads n/a throughout.
 */
void report_print_latency_by(FILE *out, const char *const *names,
			     const struct report_latency *x, size_t n);

#endif
