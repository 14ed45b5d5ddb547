/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report/cgroups.h: stat --by cgroup's section: the fault figures of each
 * cgroup v2 (a task's own, or its ancestor at --cgroup-depth), from the
 * fault tracer's rows (bpf/faults.bpf.c, proc_counters keyed by cgroup id),
 * at most --max-cgroups of them; the figures of the cgroups past that are
 * summed in one row, "other", and counted. Which figures a row has follows
 * the mode: every one in fentry and kprobe modes; in tracepoint mode the
 * ones the slow path gives (retries, their reasons, mmap_lock attempts),
 * the others null / n/a (faults come from each process's accounting there,
 * not from a BPF program).
 */
#ifndef MMRETRY_REPORT_CGROUPS_H
#define MMRETRY_REPORT_CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "bpf/faults.h"
#include "lib/cgpath.h"	/* struct cgroup_trees */
#include "bpf/mmap_lock.h"
#include "stats/figures.h"	/* FF_NR */

/* --max-cgroups's default: rows a scrape or a report carries at most */
#define CGROUPS_MAX_DEFAULT 64
#define CGROUPS_MAX_LIMIT 4096
/* --cgroup-depth's limit (cgroup v2 nests deeper only by configuration) */
#define CGROUPS_DEPTH_LIMIT 64

struct cgroup_row {
	uint64_t id;		/* MMR_CGROUP_OTHER: the cgroups past --max-cgroups */
	char path[256];		/* from the cgroup2 mount; "" if it was removed unseen */
	struct mmr_proc_counters c;
	struct mmr_lock_stats lock[2];	/* mmap_lock, read and write (lock_traced) */
};

struct report_cgroups {
	bool wanted;		/* stat --by cgroup */
	uint32_t depth;		/* --cgroup-depth: 0 is each task's own cgroup */
	const struct cgroup_trees *trees;	/* --cgroup-tree: NULL or none, not asked */
	uint32_t max;		/* --max-cgroups */
	bool all_figures;	/* fentry, kprobe: every figure of a row is counted */
	uint8_t states[FF_NR];	/* the run's figures' (enum mmr_val_state): a figure
				 * unavailable there is unavailable in each row */
	bool timed;		/* fault durations (c.fault_ns) were timed */
	bool lock_traced;	/* mmap_lock traced: rows have lock[] */
	uint64_t folded;	/* cgroups summed in "other" (at most MMR_CGROUP_FOLDED_MAX told apart) */
	const char *why;	/* wanted, and not traced: why */
	struct cgroup_row *rows;
	size_t n;
};

void report_cgroups_free(struct report_cgroups *x);
/* Add a row (its counters over every CPU); path NULL: unknown. 0 or -ENOMEM. */
int report_cgroups_add(struct report_cgroups *x, uint64_t id, const char *path,
		       const struct mmr_proc_counters *c);
/* A cgroup's mmap_lock figures (read, write) into its row, which is added
 * (path as above) if the cgroup has none yet. 0 or -ENOMEM. */
int report_cgroups_add_lock(struct report_cgroups *x, uint64_t id, const char *path,
			    const struct mmr_lock_stats lock[2]);
/* Most retries first, then most faults, then by path; "other" last. Rows
 * without an attempt, retry, fault or mmap_lock acquisition are dropped. */
void report_cgroups_sort(struct report_cgroups *x);

/* What a row counts: a figure of enum fault_fig (figures.h) the row has in
 * this mode (the run's states, and which the rows count), and its value. */
bool cgroup_row_has(const struct report_cgroups *x, int fig);
uint64_t cgroup_row_fig(const struct mmr_proc_counters *c, int fig);
/* A row's name as a metric label, the same at every scrape: its path,
 * "other", or "id:N" for a cgroup removed before its path was read. */
const char *cgroup_row_label(const struct cgroup_row *r, char *buf, size_t len);
/* The same from a row's id and path (NULL or "": not known). */
const char *cgroup_label(uint64_t id, const char *path, char *buf, size_t len);

/* Has the row's cgroup taken or tried mmap_lock (either mode)? */
bool cgroup_row_locked(const struct cgroup_row *r);

/* Nothing unless wanted. */
void report_print_cgroups_text(FILE *out, const struct report_cgroups *x);
/* NULL (leave the key out) when not wanted; null when wanted, not traced. */
json_t *report_cgroups_json(const struct report_cgroups *x);

#endif
