/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fault_time.h: fault latency (bpf/faults.h struct mmr_fault_latency)
 * rebuilt from attempts, exactly as bpf/faults.bpf.c times faults live
 * (attempt_enter, attempt_exit, fault_done, retry_resumed), for a
 * recording's report (record/recreport.c) and whatever else produces
 * attempts (the model).
 *
 * The grouping: a thread's attempt begins a fault, unless the same
 * thread's previous attempt returned VM_FAULT_RETRY on the same page: then
 * it continues that fault. A retried fault whose next attempt is on another
 * page (or that has none before its thread exits) was abandoned.
 */
#ifndef MMRETRY_FAULT_TIME_H
#define MMRETRY_FAULT_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/faults.h"
#include "bpf/record.h"

/* One thread's fault in progress: bpf/tstate.bpf.h's fields of the same names. */
struct fault_clock {
	uint64_t addr;		/* the page of the fault in progress */
	uint64_t fault_start_ns;	/* its first attempt's entry */
	uint64_t retry_start_ns;	/* when its first attempt returned RETRY */
	uint64_t retry_end_ns;	/* when its latest attempt returned RETRY */
	uint32_t attempt;	/* attempts so far; 0: none yet */
	uint8_t pending;	/* the latest attempt returned RETRY */
	uint8_t first_reason;	/* why its first attempt retried */
	uint8_t last_reason;	/* why its latest attempt retried */
};

/* What one attempt did to its thread's fault. */
struct fault_step {
	bool abandoned;		/* it began a new fault while one was pending */
	bool resumed;		/* it continued a retried fault after a gap */
	uint64_t gap_from;	/* resumed: the gap [gap_from, the attempt's start_ns] */
	uint8_t gap_reason;	/* resumed: the reason of the retry before the gap */
};

/*
 * Time attempt a of c's thread into l (l may be NULL: the grouping alone):
 * every figure of l but lock_wait, which needs the mmap_lock re-takes
 * (fault_timing below). A reason outside enum mmr_reason counts as other.
 */
void fault_clock_attempt(struct fault_clock *c, const struct mmr_attempt_event *a,
			 struct mmr_fault_latency *l, struct fault_step *s);
/* c's thread exits: true if its fault was pending (abandoned); c is reset */
bool fault_clock_exit(struct fault_clock *c);

/*
 * A stream of attempts of many threads (in each thread's order; threads
 * may interleave), and the mmap_lock holds of the same run (in any order):
 * each resumed retry's lock_wait is the wait of the thread's read locks of
 * its own mm acquired in its gap (bpf/mmap_lock.bpf.c retake_after_retry),
 * summed; a gap with none adds nothing.
 */
struct fault_timing;

struct fault_timing *fault_timing_new(void);	/* NULL if out of memory */
/* 0 or -ENOMEM; *abandoned (if not NULL) as in struct fault_step */
int fault_timing_attempt(struct fault_timing *t, const struct mmr_attempt_event *a,
			 bool *abandoned);
/* 0 or -ENOMEM; holds that cannot be a re-take are ignored */
int fault_timing_lock_op(struct fault_timing *t, const struct mmr_lock_op_event *e);
/* a thread exits: true if its fault was pending (abandoned) */
bool fault_timing_exit(struct fault_timing *t, uint32_t tid);
/* every figure so far into *l (overwritten), lock waits joined */
int fault_timing_result(struct fault_timing *t, struct mmr_fault_latency *l);
void fault_timing_free(struct fault_timing *t);

#endif
