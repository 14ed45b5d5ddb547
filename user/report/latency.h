/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report/latency.h: the fault-latency section of the stat report: how long
 * faults took from their first attempt to their last, by origin and
 * outcome, and the time retried faults spent after their first RETRY
 * (bpf/faults.h struct mmr_fault_latency). Timed in fentry and kprobe
 * modes; unavailable (null, n/a) in the others.
 */
#ifndef MMRETRY_REPORT_LATENCY_H
#define MMRETRY_REPORT_LATENCY_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "bpf/faults.h"

struct report_latency {
	bool traced;
	const char *why;	/* !traced: why; NULL: not timed (a model run, a recording) */
	struct mmr_fault_latency l;
};

void report_print_latency_text(FILE *out, const struct report_latency *x);
/* null when not traced */
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
