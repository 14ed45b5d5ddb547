// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mix: the retry workloads at small sizes in one process, each printing
 * its own line, then one line with the sums; a workload that cannot run
 * here (swapin without swap or a cgroup2 memory controller) is left out
 * with a warning.
 */
#include "gen.h"

#include <sys/resource.h>

static const struct {
	run_fn *run;
	unsigned long count;
	size_t mib;	/* -s */
	int (*can_run)(char *why, size_t len);	/* NULL: runs anywhere */
	const char *name;
} parts[] = {
	{ run_file, 256, 0, NULL, "file" },
	{ run_memfd, 256, 0, NULL, "memfd" },
	{ run_uffd, 64, 0, NULL, "uffd" },
	{ run_pagelock, 16, 0, NULL, "pagelock" },
	{ run_vdso, 8, 0, NULL, "vdso" },
	{ run_holepunch, 16, 4, NULL, "holepunch" },
	{ run_anonprep, 64, 16, NULL, "anonprep" },
	{ run_swapin, 256, 1, swapin_can_run, "swapin" },
};

#define NPARTS (sizeof(parts) / sizeof(parts[0]))

void run_mix(const struct job *job)
{
	struct totals *tot = job->tot;
	struct job part = *job;
	struct faults f0, f;
	double t0, elapsed;
	char b1[64], b2[64], b3[64], b4[64], b5[64], b6[64];
	size_t i;

	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (i = 0; i < NPARTS; i++) {
		char why[256];

		if (parts[i].can_run && !parts[i].can_run(why, sizeof(why))) {
			warning("mix: %s skipped: %s", parts[i].name, why);
			continue;
		}
		part.count = parts[i].count;
		part.size_mib = parts[i].mib;
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
		putchar(',');
		json_range("swap", tot->swap);
		putchar(',');
		json_range("shmem", tot->shmem);
		putchar(',');
		json_range("anon_vma", tot->anon_vma);
		fputs("},\"observed\":{", stdout);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("mix: expect %s retries, %lu major, %lu completed in all (%.2f s)\n"
	      "  file_io %lu, userfaultfd %lu, page_lock %s, vma_fallback %s (children),\n"
	      "  swap %s, shmem %s, anon_vma %s\n",
	      range_str(tot->retries, b1, sizeof(b1)), tot->major, tot->completed, elapsed,
	      tot->file_io.min, tot->userfaultfd.min, range_str(tot->page_lock, b2, sizeof(b2)),
	      range_str(tot->vma_fallback, b3, sizeof(b3)), range_str(tot->swap, b4, sizeof(b4)),
	      range_str(tot->shmem, b5, sizeof(b5)), range_str(tot->anon_vma, b6, sizeof(b6)));
	finish_output();
}
