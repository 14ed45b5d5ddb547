/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * stats/mmap_lock.h: mmap_lock figures from the kernel's histograms and events,
 * with no kernel in sight (unit-tested): percentiles from log2 histograms,
 * per-process rows, and which holders blocked a long write wait.
 */
#ifndef MMRETRY_LOCKSTAT_H
#define MMRETRY_LOCKSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/mmap_lock.h"
#include "bpf/record.h"

/* a row's figures in each mode (0 read, 1 write): a process's, or by
 * cgroup a cgroup's (key its id, or MMR_CGROUP_OTHER) */
struct lock_row {
	uint32_t pid;		/* 0 by cgroup */
	bool cgroup;		/* key is a cgroup row's */
	uint64_t key;		/* tgid, or the cgroup row's key */
	char comm[16];		/* "" by cgroup */
	struct mmr_lock_stats mode[2];
};

/* Account a recorded hold (or failed acquisition) in mode[0] (read) or
 * mode[1] (write), as bpf/mmap_lock.bpf.c accounts it in its maps. */
void lock_stats_add_op(struct mmr_lock_stats mode[2], const struct mmr_lock_op_event *e);
/* Add b into a (counts, sums, slots; max of max). */
void hist_merge(struct mmr_hist *a, const struct mmr_hist *b);
void lock_stats_merge(struct mmr_lock_stats *a, const struct mmr_lock_stats *b);
/*
 * The q-quantile (0 < q <= 1) of a log2 histogram: the upper bound of the
 * slot holding that rank (2^(i+1) - 1 ns), never above the maximum seen.
 * 0 for an empty histogram.
 */
uint64_t hist_quantile(const struct mmr_hist *h, double q);

/* Rows sorted by total write hold time, or by total wait (both modes). */
void lock_rows_sort_by_write_hold(struct lock_row *rows, size_t n);
void lock_rows_sort_by_wait(struct lock_row *rows, size_t n);

/* One holder that held the lock during a long write wait. */
struct blocker {
	uint32_t pid, tid;
	char comm[16];
	bool write, in_fault, remote;
	uint8_t fault;		/* MMR_LOCK_FAULT_* of the hold's fault */
	uint64_t fault_addr;
	uint64_t overlap_ns;	/* time the hold overlapped the wait */
	uint64_t hold_ns;	/* the whole hold */
	size_t index;		/* of the hold in the holds given */
};

/*
 * The holders among `holds` (MMR_LOCK_EV_HOLD events) whose hold of the
 * same mm overlapped `wait` (an MMR_LOCK_EV_WAIT event of a writer), by
 * other threads, longest overlap first: up to max into out; their number.
 */
size_t find_blockers(const struct mmr_lock_event *wait, const struct mmr_lock_event *holds,
		     size_t nholds, struct blocker *out, size_t max);

#endif
