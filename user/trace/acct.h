/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * acct.h: faults as the kernel itself accounts them. mm_account_fault()
 * adds one to the task's min_flt or maj_flt for every fault that ends
 * without VM_FAULT_RETRY or an error (GUP's faults included), and to
 * /proc/vmstat's pgfault for every fault that ends without RETRY. The
 * tracepoint mode, which does not hook every fault, takes its number of
 * faults and major faults from here.
 */
#ifndef MMRETRY_ACCT_H
#define MMRETRY_ACCT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "bpf/faults.h"

struct acct_count {
	uint64_t faults;	/* min_flt + maj_flt, or pgfault */
	uint64_t major;		/* maj_flt, or pgmajfault */
};

/* A /proc/PID/stat or /proc/PID/task/TID/stat line. 0 or -EINVAL. */
int acct_parse_stat(const char *line, struct acct_count *c);
/* /proc/vmstat: pgfault and pgmajfault. 0 or -EINVAL. */
int acct_parse_vmstat(FILE *fp, struct acct_count *c);

/* Adds the live threads of a process to *c: 0, or -errno (-ESRCH: gone). */
int acct_add_process(pid_t tgid, struct acct_count *c);
/* Adds the threads of a cgroup v2 directory and its descendants. */
int acct_add_cgroup(int cgroup_fd, struct acct_count *c);
/* The whole system, from /proc/vmstat. */
int acct_system(struct acct_count *c);

/*
 * Completes tracepoint-mode counters: faults and major faults from the
 * accounting, and the attempts that follow from them. `system`: start and
 * now are /proc/vmstat readings; otherwise they are the traced threads
 * alive at the start and now, and sum->exit_* holds what the threads that
 * exited in between had counted.
 */
void acct_complete(struct mmr_fault_counters *sum, const struct acct_count *start,
		   const struct acct_count *now, bool system, bool per_vma_locks);

#endif
