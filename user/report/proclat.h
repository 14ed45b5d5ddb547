/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report/proclat.h: stat --proc-latency's section: per process, how long
 * its faults took (a log2 histogram, bpf/faults.h mmr_proc_counters's
 * fault_ns) and its time in faults as a share of the traced duration.
 * Asked for only: it costs stat top's per-process map and a hash lookup
 * per fault attempt. Timed in fentry and kprobe modes; null, n/a otherwise.
 */
#ifndef MMRETRY_REPORT_PROCLAT_H
#define MMRETRY_REPORT_PROCLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "bpf/mmap_lock.h"	/* struct mmr_hist */

struct proclat_row {
	uint32_t pid;
	char comm[16];
	struct mmr_hist fault_ns;
};

struct report_proclat {
	bool wanted;		/* stat --proc-latency */
	bool traced;		/* wanted, and faults were timed */
	const char *why;	/* wanted && !traced */
	struct proclat_row *rows;
	size_t n;
};

void report_proclat_free(struct report_proclat *x);
/* Add a process's faults (its histogram over every CPU). 0 or -ENOMEM. */
int report_proclat_add(struct report_proclat *x, uint32_t pid, const char *comm,
		       const struct mmr_hist *fault_ns);
/* Most time in faults first, ties by pid; processes without a timed fault
 * are dropped. */
void report_proclat_sort(struct report_proclat *x);
/* Time in faults over secs, in percent (100: one thread faulting throughout;
 * threads add up); 0 when secs is not positive. */
double proclat_share(const struct mmr_hist *fault_ns, double secs);

/* Nothing unless wanted; secs: the traced duration. */
void report_print_proclat_text(FILE *out, const struct report_proclat *x, double secs);
/* An array, null when wanted but not timed; NULL (leave the key out) when
 * not wanted. */
json_t *report_proclat_json(const struct report_proclat *x, double secs);

#endif
