/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * figures.h: the figures mmretry reports, and whether a mode can see them.
 * One vocabulary for stat, the exporter, check/compare and the model.
 */
#ifndef MMRETRY_FIGURES_H
#define MMRETRY_FIGURES_H

#include <stdbool.h>
#include <stdint.h>
#include "bpf/faults.h"

/* How a figure was obtained. NA is reported as null / "n/a", never 0. */
enum val_state { VAL_NA = 0, VAL_EXACT, VAL_INFERRED };

struct mmr_val {
	uint64_t v;
	uint8_t state;	/* enum val_state */
};

enum fault_fig {
	FF_ATTEMPTS,
	FF_FAULTS,
	FF_RETRIES,
	FF_COMPLETED,
	FF_MAJOR,
	FF_ERRORS,
	FF_VMA_LOCK_ATTEMPTS,
	FF_MMAP_LOCK_ATTEMPTS,
	FF_ABANDONED,
	FF_REASON0,
	FF_NR = FF_REASON0 + MMR_NR_REASONS,
};

/* JSON names: faults.<name> and faults.retry_reasons.<reason name> */
extern const char *const fault_fig_names[FF_NR];
extern const char *const reason_names[MMR_NR_REASONS];
extern const char *const vma_kind_names[MMR_NR_VMA_KINDS];
/* fault latency: fault_latency.<origin>.<outcome> */
extern const char *const outcome_names[MMR_NR_OUTCOMES];
extern const char *const origin_names[MMR_NR_ORIGINS];

/* One recorded attempt (record, report, model replay) into c, as
 * bpf/faults.bpf.c counts it in attempt_exit(). */
struct mmr_attempt_event;
void figures_add_attempt(struct mmr_fault_counters *c, const struct mmr_attempt_event *a,
			 uint32_t vma_lock_flag);

/* Add b's fault durations into a (per-CPU values, or two runs). */
void fault_latency_merge(struct mmr_fault_latency *a, const struct mmr_fault_latency *b);

/* A tracing mode's name: "fentry", "kprobe", "tracepoint" ("none"). */
const char *mode_name(enum mmr_mode m);
/* A mode as the reports name it: tracepoint mode with its producer hooks
 * (fentry or kprobes) is "tracepoint+fentry" */
const char *mode_label(enum mmr_mode m, enum mmr_mode producers);
/* "fentry", "kprobe", "tracepoint", or "auto" (MMR_MODE_NONE); 0 or -EINVAL */
int mode_parse(const char *s, enum mmr_mode *m);
/* Whether mode m times faults (fault_latency, per-process durations):
 * fentry and kprobe time every attempt; tracepoints see no fault's start. */
bool mode_times_faults(enum mmr_mode m);

#endif
