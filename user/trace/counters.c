// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* counters.c: the fault counters of a tracing run, completed in tracepoint
 * mode by the kernel's own fault accounting (trace/acct.h). */
#include <errno.h>
#include <string.h>
#include <sys/types.h>

#include "trace/acct.h"
#include "trace/counters.h"
#include "lib/util.h"

/*
 * Tracepoint mode's fault accounting (trace/acct.h): the traced threads'
 * counts (or /proc/vmstat's) when tracing starts and when it ends. Exiting
 * threads add theirs in the kernel, so the live ones are read between two
 * reads of that sum until it stands still: none is counted twice or lost.
 */
int counters_acct_read(struct faults_trace *ft, const struct trace_target *tg,
		       struct acct_count *c)
{
	static pid_t tgids[16384];
	int i, n, err;

	memset(c, 0, sizeof(*c));
	if (tg->cgroup_fd >= 0)
		return acct_add_cgroup(tg->cgroup_fd, c);
	if (!tg->ntgids)
		return acct_system(c);
	n = faults_trace_tgids(ft, tgids, sizeof(tgids) / sizeof(tgids[0]));
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		err = acct_add_process(tgids[i], c);
		if (err && err != -ESRCH)
			return err;
	}
	return 0;
}

int counters_read(struct faults_trace *ft, const struct trace_target *tg,
		  const struct acct_count *start, const struct features *f,
		  struct mmr_fault_counters *sum, bool *acct_ok)
{
	struct mmr_fault_counters again;
	struct acct_count now;
	int tries, err;

	err = faults_trace_read(ft, sum);
	if (err || faults_trace_mode(ft) != MMR_MODE_TRACEPOINT || !*acct_ok)
		return err;
	for (tries = 0; tries < 10; tries++) {
		err = counters_acct_read(ft, tg, &now);
		if (err) {
			mmr_debug("fault accounting: %s", strerror(-err));
			*acct_ok = false;
			return 0;
		}
		err = faults_trace_read(ft, &again);
		if (err)
			return err;
		if (again.exit_faults == sum->exit_faults)
			break;
		*sum = again;
	}
	acct_complete(sum, start, &now, tg->cgroup_fd < 0 && !tg->ntgids, f->per_vma_locks);
	return 0;
}

