/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * metrics.h: the Prometheus text exposition format (0.0.4), with no kernel
 * and no network in sight (unit-tested): metric families, label escaping,
 * and log2 histograms turned into cumulative buckets whose `le` is the true
 * inclusive upper bound of each slot.
 */
#ifndef MMRETRY_METRICS_H
#define MMRETRY_METRICS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/mmap_lock.h"	/* struct mmr_hist */
#include "report/latency.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* A growing text buffer; err is set (and stays set) if memory ran out. */
struct metrics_buf {
	char *s;
	size_t len, cap;
	int err;
};

void metrics_buf_free(struct metrics_buf *b);
void metrics_printf(struct metrics_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "# HELP name help" and "# TYPE name type" (counter, gauge, histogram, ...) */
void metrics_family(struct metrics_buf *b, const char *name, const char *type,
		    const char *help);

/*
 * Labels are given as a NULL-terminated list of name, value pairs; values
 * are escaped (backslash, double quote, newline). NULL: no labels.
 */
void metrics_sample(struct metrics_buf *b, const char *name, const char *const *labels,
		    double value);
void metrics_sample_u64(struct metrics_buf *b, const char *name, const char *const *labels,
			uint64_t value);

/*
 * A log2 histogram as name_bucket{le=...}, name_sum, name_count. Slot i
 * holds integer values in [2^i, 2^(i+1) - 1] (slot 0 also 0), so its
 * inclusive upper bound is 2^(i+1) - 1, divided by per_unit (1e9: from
 * nanoseconds to seconds; 1 for counts; a division, not a multiplication
 * by 1e-9, so 1500 ns reads 1.5e-06, not 1.5000000000000002e-06). Buckets are cumulative, from the first slot up
 * to the last non-empty one (at least one), then le="+Inf" equal to _count.
 */
void metrics_hist(struct metrics_buf *b, const char *name, const char *const *labels,
		  const struct mmr_hist *h, double per_unit);

/*
 * The fault-latency families of x (report/latency.h): fault durations by
 * origin and outcome, retry time, and each retry's attempt, gap and
 * mmap_lock wait by reason. A family x did not time is left out (no HELP
 * either), as is a reason the mode cannot name (named[reason] false): never
 * a 0 that was not measured.
 */
void metrics_fault_latency(struct metrics_buf *b, const struct report_latency *x,
			   const bool named[MMR_NR_REASONS]);

#endif
