/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * counters.h: the fault counters as stat and export report them. In
 * tracepoint mode faults and major faults come from the kernel's own
 * accounting: the traced threads' (or /proc/vmstat's) counts at the start,
 * read with counters_acct_read(), and again at each read.
 */
#ifndef MMRETRY_COUNTERS_H
#define MMRETRY_COUNTERS_H

#include <stdbool.h>

#include "trace/acct.h"
#include "trace/faults.h"
#include "trace/kfeatures.h"

/* The accounting of the traced tasks (or the system) now. 0 or -errno. */
int counters_acct_read(struct faults_trace *ft, const struct trace_target *tg,
		       struct acct_count *c);
/*
 * The summed counters; in tracepoint mode completed from the accounting
 * since start while *acct_ok (cleared if the accounting cannot be read).
 * 0 or -errno.
 */
int counters_read(struct faults_trace *ft, const struct trace_target *tg,
		  const struct acct_count *start, const struct features *f,
		  struct mmr_fault_counters *sum, bool *acct_ok);

#endif
