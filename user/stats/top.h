/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * top.h: `mmretry top`'s table with no kernel in sight (unit-tested): the
 * processes' cumulative figures read at each interval become per-interval
 * rows (deltas, rates, the leading retry reason, fault and mmap_lock
 * percentiles from histogram deltas, time in faults), sorted and
 * formatted: the columns the run can fill (top_col_available()), as many
 * as fit the width, as many rows as fit the height. cmd_top.c reads the
 * maps and the terminal's size.
 */
#ifndef MMRETRY_TOP_H
#define MMRETRY_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf/faults.h"
#include "stats/figures.h"
#include "bpf/mmap_lock.h"

/* what a sample holds */
#define TOP_HAVE_FAULTS	1	/* f: the fault tracer's per-process counters */
#define TOP_HAVE_ACCT	2	/* acct_faults: the kernel's fault accounting */
#define TOP_HAVE_LOCK	4	/* lock[]: mmap_lock histograms (read, write) */
#define TOP_HAVE_CHAIN	8	/* chain_*: anon_vma chains */

/* the width a cgroup row's name keeps (a path keeps its end) */
#define TOP_CGROUP_LEN 128

/* One process's (or, top --cgroups, one cgroup's) cumulative figures at
 * one read. */
struct top_sample {
	uint64_t id;		/* the pid, or the cgroup row's key (caps.cgroups) */
	uint32_t pid;		/* 0 for a cgroup */
	char comm[16];
	char cgroup[TOP_CGROUP_LEN];	/* caps.cgroups: its path, "other", "id:N" */
	uint8_t have;		/* TOP_HAVE_* */
	bool gone;		/* the process has exited (and was reaped) */
	struct mmr_proc_counters f;
	uint64_t acct_faults;	/* tracepoint mode: min_flt + maj_flt of the process */
	struct mmr_lock_stats lock[2];
	uint64_t chain_events;	/* anon_vma chain operations */
	uint64_t chain_max;	/* longest chain seen */
};

/* Samples of one read, one per id: top_sample_of() finds or adds (a new
 * one's pid is the id: caps.cgroups callers set it to 0). */
struct top_samples {
	struct top_sample *v;
	size_t n, cap;
};
struct top_sample *top_sample_of(struct top_samples *s, uint64_t id);
void top_samples_free(struct top_samples *s);

/* What the modes in use can see. */
struct top_caps {
	enum mmr_mode fault_mode;
	bool light;		/* tracepoint mode with the producers hooked (--mode light) */
	uint8_t states[FF_NR];	/* faults_trace_states(): VAL_NA is shown "n/a" */
	bool per_vma_locks;
	bool lock_traced;	/* mmap_lock */
	bool anon_traced;	/* anon_vma */
	bool untimed;		/* --no-latency: faults counted, not timed */
	bool lock_off;		/* --no-mmap-lock */
	bool anon_off;		/* --no-anon-vma */
	bool cgroups;		/* rows are cgroups (top --cgroups): no PID, no
				 * CHAIN, and in tracepoint and light modes no
				 * faults (a process's own accounting) */
};

/* A process's (or cgroup's) figures over one interval. */
struct top_row {
	uint64_t id;		/* as top_sample.id */
	uint32_t pid;
	char comm[16];
	char cgroup[TOP_CGROUP_LEN];	/* caps.cgroups: the row's name */
	bool faults_known;	/* false: n/a */
	uint64_t faults, retries, completed;
	bool completed_known;
	uint64_t attempts, vma_lock_attempts;
	bool vma_known;		/* vma share known (and attempts > 0) */
	int reason;		/* leading enum mmr_reason, -1: no retry */
	uint64_t reason_count;
	bool lat_known;		/* faults timed (fentry, kprobe: mode_times_faults()) */
	uint64_t lat_n;		/* faults that ended in the interval */
	uint64_t lat_p99;	/* their duration's p99, ns */
	uint64_t lat_sum;	/* their summed duration (time in faults), ns */
	bool lock_known;	/* mmap_lock traced */
	uint64_t hold_n, hold_p99, hold_max;	/* write holds ending in the interval */
	uint64_t wait_n, wait_p99, wait_max;	/* waits (read and write) */
	bool chain_known;	/* anon_vma traced */
	uint64_t chain_max;	/* longest chain seen so far, 0: none */
	double secs;		/* the interval */
};

/* Totals over every process in one interval. */
struct top_totals {
	bool faults_known;
	uint64_t faults, retries;
	size_t nprocs;		/* processes with activity */
};

struct top_proc {
	struct top_sample prev;
	unsigned idle;		/* intervals in a row without activity */
};

struct top_table {
	struct top_proc *procs;
	size_t n, cap;
	bool primed;		/* a first read was taken */
	struct top_caps caps;
};

void top_table_init(struct top_table *t, const struct top_caps *caps);
void top_table_free(struct top_table *t);

/*
 * The interval since the previous read, secs long, ending with samples s
 * (cumulative): rows of the processes with activity in *rows (malloc'ed,
 * *nrows of them), totals in *tot. A process first seen now counts from
 * zero (it appeared during the interval), except at the first read, which
 * only primes the table (no rows). An exited process is dropped after an
 * interval without activity, or when it is no longer sampled: their pids
 * go to *forget (malloc'ed, *nforget), for the caller to drop from the
 * kernel's maps. 0 or -ENOMEM.
 */
int top_update(struct top_table *t, const struct top_samples *s, double secs,
	       struct top_row **rows, size_t *nrows, struct top_totals *tot,
	       uint32_t **forget, size_t *nforget);

/* The difference of two cumulative histograms: slots, count, sum; max the
 * interval's if the cumulative max grew, else bounded by the highest slot
 * that moved (its upper bound) and the cumulative max. */
void top_hist_delta(const struct mmr_hist *cur, const struct mmr_hist *prev,
		    struct mmr_hist *out);

enum top_sort {
	TOP_SORT_RETRIES,	/* default */
	TOP_SORT_FAULTS,
	TOP_SORT_RETRY_PCT,
	TOP_SORT_LATENCY,	/* fault p99 */
	TOP_SORT_FLT_PCT,	/* time in faults */
	TOP_SORT_WAIT,
	TOP_SORT_HOLD,
	TOP_SORT_CHAIN,
	TOP_SORT_PID,
	TOP_NR_SORTS,
};
/* "retries", "faults", "retry%", "latency", "flt%", "wait", "hold", "chain",
 * "pid": 0 or -EINVAL */
int top_sort_parse(const char *s, enum top_sort *k);
extern const char *const top_sort_names[TOP_NR_SORTS];
/* Largest first (pid: smallest first); n/a last; ties by pid. */
void top_rows_sort(struct top_row *rows, size_t n, enum top_sort k);

/*
 * Time in faults as a share of the interval, in percent: the summed
 * duration of the faults that ended in it over its length. 100 is one
 * thread faulting the whole interval; a process whose threads fault at the
 * same time goes above (as top's %CPU), and a fault longer than the
 * interval counts whole in the one it ended in. false (n/a) when faults
 * are not timed or the interval is empty.
 */
bool top_flt_pct(const struct top_row *r, double *pct);

/* The table's columns, in the order they are printed. */
enum top_col {
	TOP_COL_PID,
	TOP_COL_COMM,
	TOP_COL_FAULTS,		/* FAULT/s */
	TOP_COL_FLT_P99,
	TOP_COL_FLT_PCT,
	TOP_COL_RETRIES,	/* RETRY/s */
	TOP_COL_RETRY_PCT,
	TOP_COL_REASON,
	TOP_COL_DONE,		/* DONE/s */
	TOP_COL_VMA,		/* VMA% */
	TOP_COL_HOLD_P99,
	TOP_COL_HOLD_MAX,
	TOP_COL_WAIT_P99,
	TOP_COL_WAIT_MAX,
	TOP_COL_CHAIN,
	TOP_NR_COLS,
};
/* their titles: "PID", "COMM", "FAULT/s", ... "CHAIN" */
extern const char *const top_col_names[TOP_NR_COLS];
/* Most important first: what a narrow terminal keeps (docs/top.md). */
extern const enum top_col top_col_priority[TOP_NR_COLS];

/*
 * Whether the run can fill column k at all: the one place that decides it
 * (the rows' *_known flags follow it). If not, *why says why in a few
 * words ("tracepoint mode", "--no-mmap-lock"), and the column is not
 * printed: a figure the mode cannot see is neither 0 nor a column of n/a.
 */
bool top_col_available(const struct top_caps *c, enum top_col k, const char **why);

#define TOP_COMM_MIN	12	/* COMM narrows to this before a column goes */
#define TOP_COMM_MAX	15	/* a task's comm: TASK_COMM_LEN - 1 */
/* the name column of top --cgroups (CGROUP, in COMM's place) */
#define TOP_CGNAME_MIN	16
#define TOP_CGNAME_MAX	40

/* The columns a table shows. */
struct top_layout {
	bool shown[TOP_NR_COLS];
	const char *why[TOP_NR_COLS];	/* not shown: why; "no room" (width) */
	int comm_width;
	bool cgroups;			/* the name column is CGROUP */
	int width;			/* a row's length */
};

/*
 * The columns to show in width columns (0: no limit): every available
 * one, then, while they do not fit, COMM narrowed down to TOP_COMM_MIN and
 * the lowest-priority ones dropped whole (top_col_priority[], the sort
 * key's column moved up to just after REASON). PID always stays.
 */
void top_layout(const struct top_caps *c, enum top_sort k, int width, struct top_layout *l);

/* Where the table goes. */
struct top_fit {
	int width;		/* a line's length at most: 0, no limit */
	int height;		/* lines at most: 0, no limit */
	size_t max_rows;	/* process rows at most (--rows): 0, no limit */
};

/* What the header says besides the figures. */
struct top_header {
	char time[16];		/* "12:34:56" */
	double secs;
	const char *kernel;
	const char *modes[3];	/* faults, mmap_lock, anon_vma: a mode or "n/a" */
	uint64_t lost;		/* events or processes the maps could not take */
	uint64_t missed;	/* BPF runs the kernel skipped */
};

/*
 * The header, the column titles and the rows, fitted (fit: NULL, no limit):
 * the columns of top_layout(); header lines wrapped at their phrases (a
 * continuation indented by two spaces), never cut unless a single word is
 * wider than the width; as many rows as fit below the header, at most
 * max_rows, the header then saying "N of M processes shown" (M counts
 * every process with activity). The first rows of rows[] are shown: sort
 * them first. Lines end with "\n", without trailing blanks or escape
 * codes. Returns the number of rows printed.
 */
size_t top_print(FILE *out, const struct top_header *h, const struct top_caps *c,
		 const struct top_totals *tot, const struct top_row *rows, size_t n,
		 enum top_sort k, const struct top_fit *fit);

#endif
