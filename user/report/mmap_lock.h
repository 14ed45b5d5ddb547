/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report/mmap_lock.h: the mmap_lock section of the stat report: what it
 * holds (per-process rows from the kernel's histograms, the long holds and
 * waits streamed) and its renderings, text, JSON and folded stacks.
 */
#ifndef MMRETRY_REPORT_MMAP_LOCK_H
#define MMRETRY_REPORT_MMAP_LOCK_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "stats/mmap_lock.h"

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
	bool by_cgroup;			/* rows are cgroups' (stat --by cgroup): no
					 * per-process rows, the totals the same */
	struct mmr_lock_stats total[2];	/* read, write */
	struct lock_long *longs;
	size_t nlongs, longs_cap;
	uint64_t lost;			/* ring buffer full, or more than REPORT_MAX_LONGS */
	uint64_t missed;		/* program runs the kernel skipped (prog_recursion_misses) */
};

/* rows are taken over (freed with the section); the totals are computed from them */
void report_set_lock_rows(struct report_lock *l, struct lock_row *rows, size_t n);
/* always 0: an event past REPORT_MAX_LONGS, or without memory, is counted in lost */
int report_add_lock_event(struct report_lock *l, const struct mmr_lock_event *e);
/* frees rows and events, and zeroes the section */
void report_lock_free(struct report_lock *l);
void report_print_lock_text(FILE *out, const struct report_lock *l);
json_t *report_lock_json(const struct report_lock *l);
/* One mode's figures (counts, wait_ns and hold_ns histograms); write: with
 * downgrades. */
json_t *lock_stats_json(const struct mmr_lock_stats *s, bool write);
/* a blocker's pid, tid, comm, mode, overlap_ns and hold_ns */
json_t *blocker_json(const struct blocker *b);
/* The streamed events alone, for find_blockers(): malloc'ed (never
 * NULL-sized), NULL without memory. */
struct mmr_lock_event *report_lock_events(const struct report_lock *l);
/* The leaf frame of a folded stack (where a lock was released or waited),
 * within it; NULL for NULL. */
const char *stack_site(const char *folded);
/* --folded: one line per long hold or wait, "comm;frames... duration_ns" */
int report_print_folded(FILE *out, const struct report_lock *l);

#endif
