// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * holepunch: a thread reads a shared memfd mapping over and over while
 * another fills the memfd and punches it out, round after round (shmem
 * retries).
 */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 0x01
#endif
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE 0x02
#endif

struct hp_reader {
	const volatile unsigned char *map;
	size_t len;
	volatile int done;
	unsigned long passes;
	struct faults f;	/* the reader thread's own */
};

/* every page, first to last, until told to stop */
static void *hp_read(void *arg)
{
	struct hp_reader *r = arg;
	struct faults f0;
	size_t i;

	prctl(PR_SET_NAME, "mmr-reader");
	f0 = faults_now(RUSAGE_THREAD);
	while (!r->done) {
		for (i = 0; i < r->len && !r->done; i += page_size)
			sink += r->map[i];
		r->passes++;
	}
	r->f = faults_since(RUSAGE_THREAD, f0);
	return NULL;
}

void run_holepunch(const struct job *job)
{
	unsigned long rounds = job->count, k;
	size_t mib = job->size_mib, len = mib << 20;
	struct totals *tot = job->tot;
	struct hp_reader r = { 0 };
	struct range expect = { 0, rounds };
	double t0, elapsed;
	pthread_t thread;
	void *map;
	int fd, err;

	fd = memfd_create(PROG, MFD_CLOEXEC);
	if (fd < 0)
		die_sys("memfd_create");
	if (ftruncate(fd, (off_t)len))
		die_sys("ftruncate");
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		die_sys("mmap");
	/* base pages: the reader faults on each page of each round */
	if (madvise(map, len, MADV_NOHUGEPAGE))
		die_sys("madvise(MADV_NOHUGEPAGE)");
	r.map = map;
	r.len = len;

	err = pthread_create(&thread, NULL, hp_read, &r);
	if (err) {
		errno = err;
		die_sys("pthread_create");
	}
	/*
	 * shmem_fallocate(PUNCH_HOLE) unmaps the range and frees its pages
	 * with inode->i_private pointing at the range being punched; a fault in
	 * it meanwhile (shmem_fault -> shmem_falloc_wait in 7.2, open-coded
	 * before) drops the fault lock, sleeps until the punch ends and returns
	 * VM_FAULT_RETRY. The reader sleeps through a whole punch, so it
	 * retries at most once a round.
	 */
	t0 = now();
	for (k = 0; k < rounds; k++) {
		if (fallocate(fd, 0, 0, (off_t)len))
			die_sys("fallocate");
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)len))
			die_sys("fallocate(FALLOC_FL_PUNCH_HOLE)");
	}
	r.done = 1;
	err = pthread_join(thread, NULL);
	if (err) {
		errno = err;
		die_sys("pthread_join");
	}
	elapsed = now() - t0;
	if (munmap(map, len))
		die_sys("munmap");
	close(fd);

	range_add(&tot->retries, expect);
	range_add(&tot->shmem, expect);
	if (opt.json) {
		json_head("holepunch", rounds);
		printf(",\"size_mib\":%zu", mib);
		json_expect(expect, "shmem", 0, 0);
		printf(",\"observed\":{\"punches\":%lu,\"reader_passes\":%lu,"
		       "\"reader_majflt\":%ld,\"reader_minflt\":%ld,\"elapsed_s\":%.6f}",
		       rounds, r.passes, r.f.majflt, r.f.minflt, elapsed);
		json_tail();
	}
	human("holepunch: %lu punches of a %zu MiB memfd in %.2f s while thread\n"
	      "  mmr-reader read it %lu times (majflt +%ld minflt +%ld)\n"
	      "  expect 0..%lu retries (shmem), timing dependent: at most one a punch\n",
	      rounds, mib, elapsed, r.passes, r.f.majflt, r.f.minflt, rounds);
	finish_output();
}
