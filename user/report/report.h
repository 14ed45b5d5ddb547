/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report.h: what `stat` measured, and its two renderings: an 80-column
 * text summary and one versioned JSON document (docs/json.md). The
 * mmap_lock and anon_vma sections are their own (report/mmap_lock.h,
 * report/anon_vma.h); what every part renders alike is report/render.h's.
 */
#ifndef MMRETRY_REPORT_H
#define MMRETRY_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>

#include "bpf/faults.h"
#include "stats/figures.h"
#include "report/anon_vma.h"
#include "report/latency.h"
#include "report/mmap_lock.h"
#include "report/cgroups.h"
#include "report/proclat.h"
#include "report/slow.h"

#define REPORT_SCHEMA "mmretry.stat/1"

#define REPORT_MAX_NOTES 8

enum target_kind { TARGET_SYSTEM, TARGET_PID, TARGET_CGROUP, TARGET_COMMAND, TARGET_MODEL };

struct proc_row {
	uint32_t pid;
	char comm[16];
	uint64_t retries;
	uint64_t reasons[MMR_NR_REASONS];
};

struct report {
	char kernel[65];
	enum mmr_mode fault_mode;
	enum mmr_mode producers;	/* tracepoint mode's producer hooks, or NONE */
	double duration_s;
	struct mmr_val faults[FF_NR];
	struct mmr_val lost_events;
	uint64_t missed_runs;		/* the fault tracer's skipped runs (prog_recursion_misses) */
	uint64_t events;		/* retry events received */

	/* `mmretry report`: the recording the report was read from (its
	 * header names it), NULL for a traced run */
	const char *recording;

	enum target_kind target;
	pid_t pid;			/* TARGET_PID */
	const char *cgroup;		/* TARGET_CGROUP */
	char *const *argv;		/* TARGET_COMMAND */
	int exit_status;		/* TARGET_COMMAND: -1 if unknown */
	int exit_signal;		/* TARGET_COMMAND: what killed it, or 0 */
	struct {			/* TARGET_MODEL: a `mmretry model run` */
		const char *scenario, *policy;
		uint64_t seed;
		double scale;
	} model;

	struct proc_row *procs;		/* from the event stream */
	size_t nprocs, procs_cap;

	struct report_latency latency;
	struct report_proclat proclat;	/* stat --proc-latency */
	struct report_cgroups cgroups;	/* stat --by cgroup */
	struct report_slow slow;
	struct report_lock lock;
	struct report_anon anon;

	char notes[REPORT_MAX_NOTES][160];
	int nnotes;
};

void report_init(struct report *r);
void report_free(struct report *r);
/* one warning line on stderr if the kernel skipped runs of any tracer's programs */
void report_warn_missed(const struct report *r);
void report_note(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fill the fault figures from summed counters; states from faults_figure_states(). */
void report_set_faults(struct report *r, const struct mmr_fault_counters *c,
		       const uint8_t states[FF_NR]);
/* Account one retry event to its process. 0 or -ENOMEM. */
int report_add_event(struct report *r, const struct mmr_retry_event *e);
/* Processes sorted by retries, most first. */
void report_sort_procs(struct report *r);

void report_print_text(FILE *out, const struct report *r);
json_t *report_to_json(const struct report *r);
/* 0 or -errno */
int report_print_json(FILE *out, const struct report *r);

#endif
