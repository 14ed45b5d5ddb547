/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report.h: what `stat` measured, and its two renderings: an 80-column
 * text summary and one versioned JSON document (docs/json.md).
 */
#ifndef MMRETRY_REPORT_H
#define MMRETRY_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <jansson.h>

#include "bpf/faults.h"
#include "stats/figures.h"
#include "stats/anon_vma.h"
#include "stats/mmap_lock.h"

#define REPORT_SCHEMA "mmretry.stat/1"

#define REPORT_MAX_NOTES 8

enum target_kind { TARGET_SYSTEM, TARGET_PID, TARGET_CGROUP, TARGET_COMMAND, TARGET_MODEL };

struct proc_row {
	uint32_t pid;
	char comm[16];
	uint64_t retries;
	uint64_t reasons[MMR_NR_REASONS];
};

/* A long mmap_lock hold or wait, with its stacks folded root first. */
struct lock_long {
	struct mmr_lock_event e;
	char *kstack;		/* "entry_SYSCALL_64;...;__vm_munmap" or NULL */
	char *ustack;		/* hex addresses, or NULL */
};

#define REPORT_MAX_LONGS 10000

struct report_lock {
	bool traced;
	uint64_t min_hold_ns;
	struct lock_row *rows;		/* per process, from the kernel's histograms */
	size_t nrows;
	struct mmr_lock_stats total[2];	/* read, write */
	struct lock_long *longs;
	size_t nlongs, longs_cap;
	uint64_t lost;			/* ring buffer full, or more than REPORT_MAX_LONGS */
	uint64_t missed;		/* program runs the kernel skipped (prog_recursion_misses) */
};

/* A streamed rmap walk, with its walker's name. */
struct anon_walk {
	struct mmr_walk_event e;
	char walker[48];
};

#define REPORT_MAX_AV_EVENTS 100000

struct report_anon {
	bool traced;			/* false: every figure is unavailable */
	char why[160];			/* !traced: why, for the text and notes */
	uint32_t min_chain;		/* chains streamed from this long */
	uint32_t min_fanout;		/* walks streamed from this many VMAs */
	struct av_row *rows;		/* per process, from the kernel's histograms */
	size_t nrows;
	struct av_walker *walkers;	/* per walker, from the kernel's histograms */
	size_t nwalkers;
	struct mmr_chain_stats chain_total;	/* all rows merged */
	struct mmr_walk_stats walk_total;	/* all walkers merged */
	struct mmr_chain_event *chains;	/* streamed, in arrival order */
	size_t nchains, chains_cap;
	struct anon_walk *walks;
	size_t nwalks, walks_cap;
	uint64_t lost;			/* ring buffer full, or more than REPORT_MAX_AV_EVENTS */
	uint64_t missed;		/* program runs the kernel skipped (prog_recursion_misses) */
};

struct report {
	char kernel[65];
	enum mmr_mode fault_mode;
	double duration_s;
	struct mmr_val faults[FF_NR];
	struct mmr_val lost_events;
	uint64_t missed_runs;		/* the fault tracer's skipped runs (prog_recursion_misses) */
	uint64_t events;		/* retry events received */

	enum target_kind target;
	pid_t pid;			/* TARGET_PID */
	const char *cgroup;		/* TARGET_CGROUP */
	char *const *argv;		/* TARGET_COMMAND */
	int exit_status;		/* TARGET_COMMAND: -1 if unknown */
	struct {			/* TARGET_MODEL: a `mmretry model run` */
		const char *scenario, *policy;
		uint64_t seed;
		double scale;
	} model;

	struct proc_row *procs;		/* from the event stream */
	size_t nprocs, procs_cap;

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

/* mmap_lock (report/mmap_lock.c): rows are taken over (freed with the report) */
void report_set_lock_rows(struct report *r, struct lock_row *rows, size_t n);
int report_add_lock_event(struct report *r, const struct mmr_lock_event *e);
void report_print_lock_text(FILE *out, const struct report *r);
json_t *report_lock_json(const struct report *r);
/* a JSON string of s, its non-ASCII bytes '?' if s is not UTF-8 (comm) */
json_t *json_bytes(const char *s);
/* Shared by the report's sections (report/mmap_lock.c): a log2 histogram in
 * the star-bar style of bcc's tools, its values durations when unit is "ns"
 * (lib/util.h fmt_ns) and plain numbers otherwise (a count: unit names the
 * column, "length", "vmas"); a histogram as JSON: count, sum, p50, p99, max
 * (null when empty), buckets. */
void print_hist(FILE *out, const char *title, const struct mmr_hist *h, const char *unit);
json_t *hist_json(const struct mmr_hist *h);
/* --folded: one line per long hold or wait, "comm;frames... duration_ns" */
int report_print_folded(FILE *out, const struct report *r);

/* anon_vma (report/anon_vma.c): rows and walkers are taken over (freed with the
 * report); the totals are computed from them */
void report_set_anon_rows(struct report *r, struct av_row *rows, size_t n);
void report_set_anon_walkers(struct report *r, struct av_walker *w, size_t n);
/* 0, or -ENOSPC past REPORT_MAX_AV_EVENTS of a kind, or -ENOMEM: the event
 * is then counted in lost */
int report_add_chain_event(struct report *r, const struct mmr_chain_event *e);
int report_add_walk_event(struct report *r, const struct mmr_walk_event *e, const char *walker);
void report_print_anon_text(FILE *out, const struct report *r);
/* the "anon_vma" member: null if not traced */
json_t *report_anon_json(const struct report *r);

void report_print_text(FILE *out, const struct report *r);
json_t *report_to_json(const struct report *r);
/* 0 or -errno */
int report_print_json(FILE *out, const struct report *r);

#endif
