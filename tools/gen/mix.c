// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mix: the retry workloads at small sizes in one process, each printing
 * its own line, then one line with the sums.
 */
#include "gen.h"

#include <sys/resource.h>

static const struct {
	run_fn *run;
	unsigned long count;
} parts[] = {
	{ run_file, 256 },
	{ run_memfd, 256 },
	{ run_uffd, 64 },
	{ run_pagelock, 16 },
	{ run_vdso, 8 },
};

#define NPARTS (sizeof(parts) / sizeof(parts[0]))

void run_mix(const struct job *job)
{
	struct totals *tot = job->tot;
	struct job part = *job;
	struct faults f0, f;
	double t0, elapsed;
	char b1[64], b2[64], b3[64];
	size_t i;

	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (i = 0; i < NPARTS; i++) {
		part.count = parts[i].count;
		parts[i].run(&part);
	}
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);

	if (opt.json) {
		json_head("mix", NPARTS);
		fputs(",\"expect\":{", stdout);
		json_range("retries", tot->retries);
		printf(",\"reason\":\"mix\",\"major\":%lu,\"completed\":%lu,", tot->major,
		       tot->completed);
		json_range("file_io", tot->file_io);
		putchar(',');
		json_range("userfaultfd", tot->userfaultfd);
		putchar(',');
		json_range("page_lock", tot->page_lock);
		putchar(',');
		json_range("vma_fallback", tot->vma_fallback);
		fputs("},\"observed\":{", stdout);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("mix: expect %s retries, %lu major, %lu completed in all (%.2f s)\n"
	      "  file_io %lu, userfaultfd %lu, page_lock %s, vma_fallback %s (children)\n",
	      range_str(tot->retries, b1, sizeof(b1)), tot->major, tot->completed, elapsed,
	      tot->file_io.min, tot->userfaultfd.min, range_str(tot->page_lock, b2, sizeof(b2)),
	      range_str(tot->vma_fallback, b3, sizeof(b3)));
	finish_output();
}
