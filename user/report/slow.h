/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report/slow.h: the slowest faults of the stat report. Each fault at
 * least --min-fault long is streamed as it ends (fentry and kprobe modes,
 * struct mmr_fault_event): who, where, on which file, its attempts with
 * their reasons and durations, the gap and mmap_lock wait before each
 * retry and the write holds that blocked that wait (the mmap_lock
 * section's streamed holds, matched as a writer's wait is: find_blockers),
 * and its stacks. Rendered as text, JSON and folded stacks ("fault_stall").
 */
#ifndef MMRETRY_REPORT_SLOW_H
#define MMRETRY_REPORT_SLOW_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "bpf/faults.h"
#include "report/mmap_lock.h"

struct slow_fault {
	struct mmr_fault_event e;
	char *kstack;		/* folded root first, or NULL */
	char *ustack;
	char *path;		/* the file's path where user space resolved it, or NULL */
};

/* the slowest kept; more are counted in streamed only */
#define REPORT_MAX_SLOW 1000

struct report_slow {
	bool traced;		/* faults were timed and streamed (fentry, kprobe) */
	const char *why;	/* !traced: why; NULL: not traced (a model run, a recording) */
	bool lock_traced;	/* the mmap_lock tracer ran: lock waits, blockers */
	uint64_t min_fault_ns;
	struct slow_fault *v;	/* slowest first once report_slow_sort() ran */
	size_t n, cap;
	uint64_t streamed;	/* events received */
	uint64_t lost;		/* events the ring buffer had no room for */
};

/* Keep a streamed fault (path: its file's, or NULL; copied). The slowest
 * REPORT_MAX_SLOW are kept; 0, or -ENOMEM (the event is counted, not kept). */
int report_add_slow(struct report_slow *s, const struct mmr_fault_event *e, const char *path);
/* Slowest first (then earliest), at most REPORT_MAX_SLOW: after the run. */
void report_slow_sort(struct report_slow *s);
void report_slow_free(struct report_slow *s);

/* The kernel's dev_t (MAJ << 20 | MIN, include/linux/kdev_t.h) */
#define MMR_DEV_MAJOR(d) ((uint32_t)(d) >> 20)
#define MMR_DEV_MINOR(d) ((uint32_t)(d) & 0xfffff)

/* l: the mmap_lock section, whose streamed holds name the blockers */
void report_print_slow_text(FILE *out, const struct report_slow *s, const struct report_lock *l);
/* null when not traced */
json_t *report_slow_json(const struct report_slow *s, const struct report_lock *l);
/*
 * --folded: each fault as the parts of its time, "comm;fault_stall;user
 * frames;kernel frames;PART ns", PART one of attempt_retried_REASON,
 * retry_mmap_lock_wait, retry_gap (the rest of the gap), attempt_last,
 * attempts_not_kept: they add up to the fault's duration.
 */
int report_print_slow_folded(FILE *out, const struct report_slow *s);

#endif
