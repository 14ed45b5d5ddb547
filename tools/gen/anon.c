// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * First touches of memory no disk backs: memfd (a shared memfd's first
 * writes, VM_FAULT_COMPLETED) and anon (the private anonymous fault
 * benchmark, no retries).
 */
#include "gen.h"

#include <sys/resource.h>
#include <unistd.h>

void run_memfd(const struct job *job)
{
	unsigned long pages = job->count;
	struct totals *tot = job->tot;
	volatile unsigned char *p;
	size_t len = pages * page_size, i;
	struct faults f0, f;
	double t0, elapsed;
	void *map;
	int fd;

	fd = memfd_create(PROG, MFD_CLOEXEC);
	if (fd < 0)
		die_sys("memfd_create");
	if (ftruncate(fd, (off_t)len))
		die_sys("ftruncate");
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die_sys("mmap");
	/* One fault per page even if shmem huge pages are enabled. */
	if (madvise(map, len, MADV_NOHUGEPAGE))
		die_sys("madvise(MADV_NOHUGEPAGE)");

	/*
	 * do_shared_fault -> fault_dirty_shared_page: a first-attempt write that
	 * newly dirties the folio drops the fault lock for
	 * balance_dirty_pages_ratelimited and returns VM_FAULT_COMPLETED.
	 */
	p = map;
	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (i = 0; i < pages; i++)
		p[i * page_size] = 1;
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);

	if (munmap(map, len))
		die_sys("munmap");
	if (close(fd))
		die_sys("close");

	tot->completed += pages;

	if (opt.json) {
		json_head("memfd", pages);
		json_expect(exact(0), NULL, 0, pages);
		fputs(",\"observed\":{", stdout);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("memfd: first write to %lu pages in %.2f s\n"
	      "  expect %lu completed, 0 retries; getrusage majflt +%ld minflt +%ld\n",
	      pages, elapsed, pages, f.majflt, f.minflt);
	finish_output();
}

void run_anon(const struct job *job)
{
	unsigned long pages = job->count, rounds = job->rounds;
	size_t len = pages * page_size, i;
	unsigned long faults = pages * rounds, r;
	double t0, elapsed, touch = 0, rate;
	struct faults f0, f;

	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (r = 0; r < rounds; r++) {
		volatile unsigned char *p;
		double t1;
		void *map;

		map = anon_map(len);
		p = map;
		t1 = now();
		for (i = 0; i < pages; i++)
			p[i * page_size] = 1;
		touch += now() - t1;
		if (munmap(map, len))
			die_sys("munmap");
	}
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);
	rate = elapsed > 0 ? (double)faults / elapsed : 0;

	if (opt.json) {
		json_head("anon", pages);
		printf(",\"rounds\":%lu", rounds);
		json_expect(exact(0), NULL, 0, 0);
		printf(",\"observed\":{\"faults\":%lu,", faults);
		json_faults(f, elapsed);
		printf(",\"touch_s\":%.6f,\"faults_per_s\":%.0f}", touch, rate);
		json_tail();
	}
	human("anon: %lu x %lu pages = %lu faults in %.2f s (touch %.2f s), %.0f faults/s\n"
	      "  expect 0 retries; getrusage majflt +%ld minflt +%ld\n",
	      rounds, pages, faults, elapsed, touch, rate, f.majflt, f.minflt);
	finish_output();
}
