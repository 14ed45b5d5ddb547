// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Page-cache faults on a disk file or a block device (filemap_fault):
 * file (a read per uncached page, file_io retries), pagelock (faults on
 * folios readahead still holds locked, page_lock retries), stall (file
 * I/O retries re-taking mmap_lock behind a writer) and timed (file's
 * faults, each timed by the workload itself), and the check and set-up of
 * their -f PATH.
 */
#include "gen.h"

#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC 0x858458f6
#endif
#ifndef BLKGETSIZE64
#define BLKGETSIZE64 _IOR(0x12, 114, size_t)
#endif

#define PAGELOCK_WINDOW (128UL * 1024)

struct target {
	const char *path;
	int fd;
	int blockdev;
	int created;
	size_t len;
	unsigned char *map;	/* target_map's */
	unsigned char *vec;	/* mincore()'s, a byte a page */
};

static void fadvise(int fd, off_t off, off_t len, int advice, const char *call)
{
	int err = posix_fadvise(fd, off, len, advice);

	if (err) {
		errno = err;
		die_sys(call);
	}
}

static void check_fs(const struct statfs *sfs, const char *path)
{
	const char *fs = NULL;

	/* tmpfs is served by shmem_fault, not filemap_fault: no I/O, no file_io or page_lock retry. */
	if ((unsigned long)sfs->f_type == TMPFS_MAGIC)
		fs = "tmpfs";
	/* ramfs pages never leave the page cache, so filemap_fault never reads. */
	else if ((unsigned long)sfs->f_type == RAMFS_MAGIC)
		fs = "ramfs";
	if (fs)
		die_usage("'%s' is on %s, whose faults never wait for I/O; use a disk filesystem or a block device such as /dev/ram0",
			  path, fs);
}

/* Refuse, before anything runs, a PATH whose faults would not go through filemap_fault. */
void check_path(const char *path)
{
	struct statfs sfs;
	struct stat st;

	if (!*path)
		die_usage("-f needs a non-empty path");
	if (stat(path, &st) == 0) {
		if (S_ISBLK(st.st_mode))
			return;
		if (!S_ISREG(st.st_mode))
			die_usage("'%s' is neither a regular file nor a block device", path);
		if (statfs(path, &sfs))
			die_sys("statfs");
	} else if (errno == ENOENT) {
		char *copy = strdup(path);

		if (!copy)
			die_sys("strdup");
		if (statfs(dirname(copy), &sfs)) {
			if (errno == ENOENT)
				die_usage("directory of '%s' does not exist", path);
			die_sys("statfs");
		}
		free(copy);
	} else {
		die_sys("stat");
	}
	check_fs(&sfs, path);
}

static void fill_file(int fd, off_t from, off_t to)
{
	size_t bufsize = 64 * page_size;
	char *buf = malloc(bufsize);

	if (!buf)
		die_sys("malloc");
	memset(buf, 0x5a, bufsize);
	while (from < to) {
		size_t n = (size_t)(to - from) < bufsize ? (size_t)(to - from) : bufsize;
		ssize_t w = pwrite(fd, buf, n, from);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			die_sys("pwrite");
		}
		from += w;
	}
	free(buf);
}

/* Open the block device, or create/extend the regular file to npages pages. */
static void target_open(struct target *t, const char *path, size_t npages)
{
	struct statfs sfs;
	struct stat st;

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->len = npages * page_size;
	if (stat(path, &st) == 0 && S_ISBLK(st.st_mode)) {
		uint64_t size;

		t->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (t->fd < 0)
			die_sys("open");
		if (ioctl(t->fd, BLKGETSIZE64, &size))
			die_sys("ioctl(BLKGETSIZE64)");
		if (size < t->len)
			die_usage("'%s' holds %llu pages, %zu needed", path,
				  (unsigned long long)(size / page_size), npages);
		t->blockdev = 1;
		return;
	}
	t->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (t->fd >= 0) {
		t->created = 1;
		if (!opt.keep)
			unlink_path = path;
	} else if (errno == EEXIST) {
		t->fd = open(path, O_RDWR | O_CLOEXEC);
		if (t->fd < 0)
			die_sys("open");
	} else {
		die_sys("open");
	}
	if (fstat(t->fd, &st))
		die_sys("fstat");
	if (!S_ISREG(st.st_mode))
		die_usage("'%s' is neither a regular file nor a block device", path);
	if (fstatfs(t->fd, &sfs))
		die_sys("fstatfs");
	check_fs(&sfs, path);
	if ((size_t)st.st_size < t->len)
		fill_file(t->fd, st.st_size, (off_t)t->len);
	if (fsync(t->fd))
		die_sys("fsync");
}

/* Map the target whole, and a mincore() vector for it. */
static void target_map(struct target *t)
{
	t->map = mmap(NULL, t->len, PROT_READ, MAP_SHARED, t->fd, 0);
	if (t->map == MAP_FAILED)
		die_sys("mmap");
	/*
	 * VM_RAND_READ: do_sync_mmap_readahead reads nothing around the fault,
	 * so each uncached page is read by its own fault.
	 */
	if (madvise(t->map, t->len, MADV_RANDOM))
		die_sys("madvise(MADV_RANDOM)");
	t->vec = malloc(t->len / page_size);
	if (!t->vec)
		die_sys("malloc");
}

/* Unmap a mapped target, close it and remove the file it created (but -k). */
static void target_close(struct target *t)
{
	if (munmap(t->map, t->len))
		die_sys("munmap");
	free(t->vec);
	if (close(t->fd))
		die_sys("close");
	if (t->created && !opt.keep) {
		if (unlink(t->path))
			die_sys("unlink");
		unlink_path = NULL;
	}
}

static const char *target_kind(const struct target *t)
{
	return t->blockdev ? "blockdev" : "file";
}

static size_t count_uncached(const unsigned char *addr, size_t len, unsigned char *vec)
{
	size_t i, n = len / page_size, uncached = 0;

	if (mincore((void *)addr, len, vec))
		die_sys("mincore");
	for (i = 0; i < n; i++)
		uncached += !(vec[i] & 1);
	return uncached;
}

/*
 * What reading uncached pages of t through a mapping should produce: one
 * file_io retry and one major fault each, into tot; with --json, the
 * report's head, target and expectation (the caller goes on): true then.
 */
static bool expect_reads(struct totals *tot, const char *name, unsigned long pages,
			 const struct target *t, size_t uncached)
{
	range_add(&tot->retries, exact(uncached));
	range_add(&tot->file_io, exact(uncached));
	tot->major += uncached;
	if (!opt.json)
		return false;
	json_head(name, pages);
	printf(",\"target\":\"%s\"", target_kind(t));
	json_expect(exact(uncached), "file_io", uncached, 0);
	return true;
}

/* Drop [0, len) from the page cache; returns the pages mincore() reports uncached. */
static size_t evict(const struct target *t)
{
	size_t npages = t->len / page_size, uncached = 0;
	int tries;

	for (tries = 0; tries < 5; tries++) {
		if (tries) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
		if (fdatasync(t->fd))
			die_sys("fdatasync");
		fadvise(t->fd, 0, (off_t)t->len, POSIX_FADV_DONTNEED,
			"posix_fadvise(POSIX_FADV_DONTNEED)");
		uncached = count_uncached(t->map, t->len, t->vec);
		if (uncached == npages)
			break;
	}
	if (uncached < npages)
		warning("%zu of %zu pages of '%s' still cached after POSIX_FADV_DONTNEED",
		        npages - uncached, npages, t->path);
	return uncached;
}

void run_file(const struct job *job)
{
	unsigned long pages = job->count;
	const char *path = job->path;
	struct totals *tot = job->tot;
	const volatile unsigned char *p;
	struct target t;
	struct faults f0, f;
	size_t uncached, i;
	double t0, elapsed;

	target_open(&t, path, pages);
	target_map(&t);
	uncached = evict(&t);

	/*
	 * filemap_fault on an uncached page: lock_folio_maybe_drop_mmap takes the
	 * new folio, page_not_uptodate drops the fault lock for the read and
	 * returns VM_FAULT_MAJOR|VM_FAULT_RETRY; the retry has FAULT_FLAG_TRIED
	 * and is served by filemap_map_pages, so exactly one retry per page.
	 */
	p = t.map;
	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (i = pages; i-- > 0;)
		sink += p[i * page_size];
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);

	target_close(&t);

	if (expect_reads(tot, "file", pages, &t, uncached)) {
		printf(",\"observed\":{\"uncached\":%zu,", uncached);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("file: read %lu pages of '%s' (%zu uncached) in %.2f s\n"
	      "  expect %zu retries (file_io), %zu major; getrusage majflt +%ld minflt +%ld\n",
	      pages, path, uncached, elapsed, uncached, uncached, f.majflt, f.minflt);
	finish_output();
}

void run_pagelock(const struct job *job)
{
	unsigned long rounds = job->count;
	const char *path = job->path;
	struct totals *tot = job->tot;
	size_t window = PAGELOCK_WINDOW < page_size ? page_size : PAGELOCK_WINDOW;
	const volatile unsigned char *p;
	struct target t;
	struct faults f0, f;
	size_t uncached = 0;
	unsigned long r;
	double t0, elapsed;
	struct range expect = { 0, rounds };

	target_open(&t, path, rounds * (window / page_size));
	target_map(&t);
	evict(&t);
	for (r = 0; r < rounds; r++)
		uncached += !(t.vec[r * (window / page_size)] & 1);

	/*
	 * The fault finds the folio that WILLNEED readahead still holds locked:
	 * lock_folio_maybe_drop_mmap's trylock fails, it drops the fault lock
	 * and waits in __folio_lock_killable, and filemap_fault returns
	 * VM_FAULT_RETRY without VM_FAULT_MAJOR. If the read already finished
	 * the fault completes at once: hence 0..rounds.
	 */
	p = t.map;
	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (r = 0; r < rounds; r++) {
		off_t off = (off_t)(r * window);

		fadvise(t.fd, off, (off_t)window, POSIX_FADV_DONTNEED,
			"posix_fadvise(POSIX_FADV_DONTNEED)");
		fadvise(t.fd, off, (off_t)window, POSIX_FADV_WILLNEED,
			"posix_fadvise(POSIX_FADV_WILLNEED)");
		sink += p[off];
	}
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);

	target_close(&t);

	range_add(&tot->retries, expect);
	range_add(&tot->page_lock, expect);

	if (opt.json) {
		json_head("pagelock", rounds);
		printf(",\"target\":\"%s\"", target_kind(&t));
		json_expect(expect, "page_lock", 0, 0);
		printf(",\"observed\":{\"uncached\":%zu,", uncached);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("pagelock: %lu rounds on '%s' (%zu windows uncached) in %.2f s\n"
	      "  expect 0..%lu retries (page_lock); getrusage majflt +%ld minflt +%ld\n",
	      rounds, path, uncached, elapsed, rounds, f.majflt, f.minflt);
	finish_output();
}

/*
 * One thread reads PAGES uncached pages, first to last, each touch timed
 * with CLOCK_MONOTONIC around the access: the workload's own measure of
 * each fault, for a tracer's fault durations (bpf_ktime_get_ns() is the
 * same clock). Nothing else runs inside the timed window: the clock's vDSO
 * pages and the array of times are faulted in before it.
 */
void run_timed(const struct job *job)
{
	unsigned long pages = job->count;
	const char *path = job->path;
	struct totals *tot = job->tot;
	const volatile unsigned char *p;
	uint64_t *touch, sum = 0, t0, t1, w0 = 0, w1 = 0;
	struct target t;
	struct faults f0, f;
	size_t uncached, i;
	long tid = syscall(SYS_gettid);

	target_open(&t, path, pages);
	target_map(&t);
	touch = calloc(pages, sizeof(*touch));
	if (!touch)
		die_sys("calloc");
	memset(touch, 0xff, pages * sizeof(*touch));	/* its pages faulted in now */
	uncached = evict(&t);

	p = t.map;
	sink = 0;	/* its page written before the window, as the clock's read */
	now_ns();
	f0 = faults_now(RUSAGE_SELF);
	for (i = 0; i < pages; i++) {
		t0 = now_ns();
		sink += p[i * page_size];
		t1 = now_ns();
		touch[i] = t1 - t0;
		sum += touch[i];
		if (!i)
			w0 = t0;
		w1 = t1;
	}
	f = faults_since(RUSAGE_SELF, f0);

	target_close(&t);

	if (expect_reads(tot, "timed", pages, &t, uncached)) {
		printf(",\"tid\":%ld,\"touches\":%lu,\"touch_ns_sum\":%llu,"
		       "\"window_ns\":[%llu,%llu],\"touch_ns\":[", tid, pages,
		       (unsigned long long)sum, (unsigned long long)w0, (unsigned long long)w1);
		for (i = 0; i < pages; i++)
			printf("%s%llu", i ? "," : "", (unsigned long long)touch[i]);
		printf("],\"observed\":{\"uncached\":%zu,", uncached);
		json_faults(f, (double)(w1 - w0) / 1e9);
		putchar('}');
		json_tail();
	}
	human("timed: thread %ld touched %lu pages of '%s' (%zu uncached) in %.3f s\n"
	      "  touch times: sum %.3f ms, mean %.1f us\n"
	      "  expect %zu retries (file_io), %zu major; getrusage majflt +%ld minflt +%ld\n",
	      tid, pages, path, uncached, (double)(w1 - w0) / 1e9, (double)sum / 1e6,
	      (double)sum / 1e3 / (double)pages, uncached, uncached, f.majflt, f.minflt);
	free(touch);
	finish_output();
}

/*
 * stall: readers (-t, 2 by default) fault on uncached pages of PATH (a read each, a
 * file_io retry each) while a writer holds mmap_lock for write over and
 * over (mprotect() of a populated MIB region): each retry re-takes
 * mmap_lock behind the writer. With per-VMA locks (6.4+) the first attempt
 * runs under the file VMA's own lock, which the writer's mprotect() of
 * another VMA leaves alone: the readers wait for the writer only to retry.
 */
struct stall_thread {
	pthread_t thread;
	pid_t tid;
	const volatile unsigned char *map;	/* reader: its share of the target */
	size_t pages;				/* reader: its pages; writer: -s region */
	unsigned char *region;			/* writer */
	size_t len;
	unsigned long calls;			/* writer: mprotect() calls */
	uint64_t max_call_ns;
};

static pthread_barrier_t stall_start;
static volatile int stall_readers_left;

static void stall_begin(struct stall_thread *t, const char *name)
{
	t->tid = (pid_t)syscall(SYS_gettid);
	prctl(PR_SET_NAME, name);
	pthread_barrier_wait(&stall_start);
}

static void *stall_reader(void *arg)
{
	struct stall_thread *t = arg;
	size_t i;

	stall_begin(t, "mmr-reader");
	for (i = t->pages; i-- > 0;)
		sink += t->map[i * page_size];
	__atomic_sub_fetch(&stall_readers_left, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *stall_writer(void *arg)
{
	struct stall_thread *t = arg;

	stall_begin(t, "mmr-writer");
	while (__atomic_load_n(&stall_readers_left, __ATOMIC_ACQUIRE) > 0) {
		int prot = t->calls % 2 ? PROT_READ | PROT_WRITE : PROT_READ;
		uint64_t t0 = now_ns(), d;

		if (mprotect(t->region, t->len, prot))
			die_sys("mprotect");
		d = now_ns() - t0;
		t->max_call_ns = d > t->max_call_ns ? d : t->max_call_ns;
		t->calls++;
	}
	return NULL;
}

static void stall_run(struct stall_thread *t, void *(*fn)(void *))
{
	int err = pthread_create(&t->thread, NULL, fn, t);

	if (err) {
		errno = err;
		die_sys("pthread_create");
	}
}

void run_stall(const struct job *job)
{
	unsigned long pages = job->count;
	struct totals *tot = job->tot;
	static struct stall_thread reader[MAX_THREADS], writer;
	size_t nreaders = job->threads, uncached, share = pages / nreaders, k;
	struct target t;
	double t0, elapsed;

	if (share < 1)
		die_usage("-n: at least %zu pages, one per reader", nreaders);
	pages = share * nreaders;
	target_open(&t, job->path, pages);
	target_map(&t);
	writer.len = job->size_mib << 20;
	writer.region = anon_map(writer.len);
	populate(writer.region, writer.len);
	uncached = evict(&t);
	for (k = 0; k < nreaders; k++) {
		reader[k].map = t.map + k * share * page_size;
		reader[k].pages = share;
	}
	stall_readers_left = nreaders;
	if (pthread_barrier_init(&stall_start, NULL, nreaders + 2))
		die_sys("pthread_barrier_init");
	stall_run(&writer, stall_writer);
	for (k = 0; k < nreaders; k++)
		stall_run(&reader[k], stall_reader);
	t0 = now();
	pthread_barrier_wait(&stall_start);
	for (k = 0; k < nreaders; k++)
		pthread_join(reader[k].thread, NULL);
	pthread_join(writer.thread, NULL);
	elapsed = now() - t0;
	pthread_barrier_destroy(&stall_start);
	target_close(&t);
	munmap(writer.region, writer.len);

	range_add(&tot->retries, exact(uncached));
	range_add(&tot->file_io, exact(uncached));
	if (opt.json) {
		json_head("stall", pages);
		printf(",\"size_mib\":%zu,\"target\":\"%s\"", job->size_mib, target_kind(&t));
		json_expect(exact(uncached), "file_io", uncached, 0);
		printf(",\"observed\":{\"uncached\":%zu,\"readers\":[", uncached);
		for (k = 0; k < nreaders; k++)
			printf("%s{\"tid\":%d,\"pages\":%zu}", k ? "," : "", (int)reader[k].tid,
			       reader[k].pages);
		printf("],\"writer\":{\"tid\":%d,\"calls\":%lu,\"max_call_ns\":%llu},"
		       "\"elapsed_s\":%.6f}", (int)writer.tid, writer.calls,
		       (unsigned long long)writer.max_call_ns, elapsed);
		json_tail();
	}
	human("stall: %zu readers read %lu pages of '%s' (%zu uncached) in %.2f s while\n"
	      "  thread %d (mmr-writer) mprotect()ed %zu MiB %lu times (at most %.2f ms)\n"
	      "  expect %zu retries (file_io), their re-takes of mmap_lock behind the writer\n",
	      nreaders, pages, job->path, uncached, elapsed, (int)writer.tid, job->size_mib,
	      writer.calls,
	      writer.max_call_ns / 1e6, uncached);
	finish_output();
}
