// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mmretry-gen: produce each kind of page-fault retry (VM_FAULT_RETRY) and
 * completion (VM_FAULT_COMPLETED) on purpose, and print how many a tracer
 * should count for this process, next to what the process observed itself.
 * Other workloads hold mmap_lock, grow anon_vma chains by fork (forktree) and
 * make rmap walks visit many VMAs (rmapfan), for the lock and rmap tracers.
 *
 * Build: cc -O2 -g -Wall -Wextra -pthread -o tools/mmretry-gen tools/mmretry-gen.c
 * Only libc and pthread are used, so -static works too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
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
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif

#define PROG "mmretry-gen"
#define DEFAULT_PATH "./mmretry-gen.data"
#define MAX_COUNT (1UL << 24)
#define PAGELOCK_WINDOW (128UL * 1024)

struct range {
	unsigned long min, max;
};

/* Expected counts, summed over the workloads run (for mix). */
struct totals {
	struct range retries, file_io, userfaultfd, page_lock, vma_fallback;
	unsigned long major, completed;
};

struct faults {
	long minflt, majflt;
};

struct target {
	const char *path;
	int fd;
	int blockdev;
	int created;
	size_t len;
};

static struct {
	int json, quiet, keep, cow;
	unsigned long count, rounds, size_mib;
	int have_count, have_rounds, have_size;
	const char *path;
} opt;

static size_t page_size;
static const char *volatile unlink_path;	/* data file to remove on exit */
static volatile unsigned char sink;

/* the children of forktree and rmapfan (see struct family) */
static volatile sig_atomic_t family_quit = -1;	/* their quit pipe's write end */
static volatile sig_atomic_t family_pgid;	/* their process group, or 0 */

/* On the way out of a failure or a signal: kill the family, reap it all
 * (async-signal-safe) */
static void family_kill(void)
{
	if (family_quit < 0)
		return;
	if (family_pgid > 0)
		kill(-family_pgid, SIGKILL);
	close(family_quit);
	family_quit = -1;
	while (wait(NULL) > 0 || errno == EINTR)
		;
	family_pgid = 0;
}

static void cleanup(void)
{
	const char *p = unlink_path;

	if (p) {
		unlink(p);
		unlink_path = NULL;
	}
	family_kill();
}

static void on_signal(int sig)
{
	const char *p = unlink_path;

	if (p)
		unlink(p);
	/* in their own process group, the terminal's signals miss them */
	family_kill();
	raise(sig);	/* SA_RESETHAND restored the default action */
}

static void die_sys(const char *call) __attribute__((noreturn));
static void die_sys(const char *call)
{
	int e = errno;

	cleanup();
	fflush(stdout);
	fprintf(stderr, PROG ": %s: %s\n", call, strerror(e));
	exit(1);
}

static void die_code(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
static void die_code(int status, const char *fmt, ...)
{
	va_list ap;

	cleanup();
	fflush(stdout);
	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

#define die_usage(...) die_code(2, __VA_ARGS__)
#define die_msg(...) die_code(1, __VA_ARGS__)

static void human(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void human(const char *fmt, ...)
{
	va_list ap;

	if (opt.json || opt.quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void warn(const char *fmt, ...)
{
	va_list ap;

	if (opt.quiet)
		return;
	fputs(PROG ": warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die_sys("clock_gettime");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct faults faults_now(int who)
{
	struct rusage ru;
	struct faults f;

	if (getrusage(who, &ru))
		die_sys("getrusage");
	f.minflt = ru.ru_minflt;
	f.majflt = ru.ru_majflt;
	return f;
}

static struct faults faults_since(int who, struct faults before)
{
	struct faults f = faults_now(who);

	f.minflt -= before.minflt;
	f.majflt -= before.majflt;
	return f;
}

static struct range exact(unsigned long n)
{
	struct range r = { n, n };

	return r;
}

static void range_add(struct range *r, struct range a)
{
	r->min += a.min;
	r->max += a.max;
}

static const char *range_str(struct range r, char *buf, size_t len)
{
	if (r.min == r.max)
		snprintf(buf, len, "%lu", r.min);
	else
		snprintf(buf, len, "%lu..%lu", r.min, r.max);
	return buf;
}

static void json_range(const char *key, struct range r)
{
	if (r.min == r.max)
		printf("\"%s\":%lu", key, r.min);
	else
		printf("\"%s\":{\"min\":%lu,\"max\":%lu}", key, r.min, r.max);
}

static void json_head(const char *workload, unsigned long count)
{
	printf("{\"workload\":\"%s\",\"count\":%lu", workload, count);
}

static void json_expect(struct range retries, const char *reason,
			unsigned long major, unsigned long completed)
{
	fputs(",\"expect\":{", stdout);
	json_range("retries", retries);
	if (reason)
		printf(",\"reason\":\"%s\"", reason);
	else
		fputs(",\"reason\":null", stdout);
	printf(",\"major\":%lu,\"completed\":%lu}", major, completed);
}

static void json_faults(struct faults f, double elapsed)
{
	printf("\"majflt\":%ld,\"minflt\":%ld,\"elapsed_s\":%.6f", f.majflt,
	       f.minflt, elapsed);
}

/* the whole process since fork (all its threads) and its reaped children:
 * what the kernel's own fault accounting says, for tracers to compare */
static void json_tail(void)
{
	struct faults self = faults_now(RUSAGE_SELF), kids = faults_now(RUSAGE_CHILDREN);

	printf(",\"rusage\":{\"minflt\":%ld,\"majflt\":%ld},\"pid\":%ld}\n",
	       self.minflt + kids.minflt, self.majflt + kids.majflt, (long)getpid());
}

static void finish_output(void)
{
	if (fflush(stdout) == EOF)
		die_sys("write(stdout)");
}

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
static void check_path(const char *path)
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

static void target_close(struct target *t)
{
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

static unsigned char *map_target(const struct target *t)
{
	unsigned char *map = mmap(NULL, t->len, PROT_READ, MAP_SHARED, t->fd, 0);

	if (map == MAP_FAILED)
		die_sys("mmap");
	/*
	 * VM_RAND_READ: do_sync_mmap_readahead reads nothing around the fault,
	 * so each uncached page is read by its own fault.
	 */
	if (madvise(map, t->len, MADV_RANDOM))
		die_sys("madvise(MADV_RANDOM)");
	return map;
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

/* Drop [0, len) from the page cache; returns the pages mincore() reports uncached. */
static size_t evict(const struct target *t, const unsigned char *map, unsigned char *vec)
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
		uncached = count_uncached(map, t->len, vec);
		if (uncached == npages)
			break;
	}
	if (uncached < npages)
		warn("%zu of %zu pages of '%s' still cached after POSIX_FADV_DONTNEED",
		     npages - uncached, npages, t->path);
	return uncached;
}

static void run_file(unsigned long pages, const char *path, struct totals *tot)
{
	const volatile unsigned char *p;
	struct target t;
	unsigned char *map, *vec;
	struct faults f0, f;
	size_t uncached, i;
	double t0, elapsed;

	target_open(&t, path, pages);
	map = map_target(&t);
	vec = malloc(pages);
	if (!vec)
		die_sys("malloc");
	uncached = evict(&t, map, vec);

	/*
	 * filemap_fault on an uncached page: lock_folio_maybe_drop_mmap takes the
	 * new folio, page_not_uptodate drops the fault lock for the read and
	 * returns VM_FAULT_MAJOR|VM_FAULT_RETRY; the retry has FAULT_FLAG_TRIED
	 * and is served by filemap_map_pages, so exactly one retry per page.
	 */
	p = map;
	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (i = pages; i-- > 0;)
		sink += p[i * page_size];
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);

	if (munmap(map, t.len))
		die_sys("munmap");
	free(vec);
	target_close(&t);

	range_add(&tot->retries, exact(uncached));
	range_add(&tot->file_io, exact(uncached));
	tot->major += uncached;

	if (opt.json) {
		json_head("file", pages);
		printf(",\"target\":\"%s\"", target_kind(&t));
		json_expect(exact(uncached), "file_io", uncached, 0);
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

static void run_memfd(unsigned long pages, struct totals *tot)
{
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

struct uffd_handler {
	int uffd, stopfd;
	void *src;
	unsigned long served;
};

static void *uffd_serve(void *arg)
{
	struct uffd_handler *h = arg;
	struct pollfd pfd[2] = { { h->uffd, POLLIN, 0 }, { h->stopfd, POLLIN, 0 } };
	struct uffd_msg msgs[16];

	for (;;) {
		ssize_t n;
		int i;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_sys("poll");
		}
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			die_msg("poll: userfaultfd reported an error");
		if (pfd[0].revents & POLLIN) {
			n = read(h->uffd, msgs, sizeof(msgs));
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				die_sys("read(userfaultfd)");
			}
			for (i = 0; i < n / (ssize_t)sizeof(msgs[0]); i++) {
				struct uffdio_copy copy;

				if (msgs[i].event != UFFD_EVENT_PAGEFAULT)
					continue;
				memset(&copy, 0, sizeof(copy));
				copy.dst = msgs[i].arg.pagefault.address & ~(uint64_t)(page_size - 1);
				copy.src = (uintptr_t)h->src;
				copy.len = page_size;
				if (ioctl(h->uffd, UFFDIO_COPY, &copy)) {
					struct uffdio_range wake = { copy.dst, page_size };

					if (errno != EEXIST)
						die_sys("ioctl(UFFDIO_COPY)");
					if (ioctl(h->uffd, UFFDIO_WAKE, &wake))
						die_sys("ioctl(UFFDIO_WAKE)");
				}
				h->served++;
			}
			continue;
		}
		if (pfd[1].revents)
			return NULL;
	}
}

static int open_userfaultfd(void)
{
	int flags = O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY;
	int fd, dev, err;

	fd = (int)syscall(SYS_userfaultfd, flags);
	if (fd < 0 && errno == EINVAL) {
		/* UFFD_USER_MODE_ONLY is 5.11+. */
		flags &= ~UFFD_USER_MODE_ONLY;
		fd = (int)syscall(SYS_userfaultfd, flags);
	}
	if (fd >= 0)
		return fd;
	if (errno != EPERM && errno != ENOSYS)
		die_sys("userfaultfd");
	err = errno;
	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev < 0 && errno == ENOENT) {
		errno = err;
		die_sys("userfaultfd");
	}
	if (dev < 0)
		die_sys("open(/dev/userfaultfd)");
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
	if (fd < 0)
		die_sys("ioctl(USERFAULTFD_IOC_NEW)");
	close(dev);
	return fd;
}

static void run_uffd(unsigned long nfaults, struct totals *tot)
{
	size_t len = nfaults * page_size, i;
	struct uffd_handler h = { 0 };
	struct uffdio_register reg;
	struct uffdio_api api;
	const volatile unsigned char *p;
	struct faults f0, f;
	double t0, elapsed;
	int pipefd[2], err;
	pthread_t thread;
	void *map;

	h.uffd = open_userfaultfd();
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	if (ioctl(h.uffd, UFFDIO_API, &api))
		die_sys("ioctl(UFFDIO_API)");

	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		die_sys("mmap");
	/* One userfault per page: no huge-page fault covering many pages. */
	if (madvise(map, len, MADV_NOHUGEPAGE))
		die_sys("madvise(MADV_NOHUGEPAGE)");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)map;
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(h.uffd, UFFDIO_REGISTER, &reg))
		die_sys("ioctl(UFFDIO_REGISTER)");
	if (!(reg.ioctls & (1ULL << _UFFDIO_COPY)))
		die_msg("ioctl(UFFDIO_REGISTER): UFFDIO_COPY not offered for this range");

	h.src = aligned_alloc(page_size, page_size);
	if (!h.src)
		die_sys("aligned_alloc");
	memset(h.src, 0x5a, page_size);
	if (pipe2(pipefd, O_CLOEXEC))
		die_sys("pipe2");
	h.stopfd = pipefd[0];
	err = pthread_create(&thread, NULL, uffd_serve, &h);
	if (err) {
		errno = err;
		die_sys("pthread_create");
	}

	/*
	 * A read of a missing anonymous page reaches handle_userfault (also via
	 * do_anonymous_page's zero-page path), which queues the message, drops
	 * the fault lock, sleeps until UFFDIO_COPY wakes it and returns
	 * VM_FAULT_RETRY.
	 */
	p = map;
	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (i = 0; i < nfaults; i++)
		sink += p[i * page_size];
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);

	if (write(pipefd[1], "", 1) != 1)
		die_sys("write(pipe)");
	err = pthread_join(thread, NULL);
	if (err) {
		errno = err;
		die_sys("pthread_join");
	}
	close(pipefd[0]);
	close(pipefd[1]);
	if (munmap(map, len))
		die_sys("munmap");
	close(h.uffd);
	free(h.src);

	range_add(&tot->retries, exact(h.served));
	range_add(&tot->userfaultfd, exact(h.served));

	if (opt.json) {
		json_head("uffd", nfaults);
		json_expect(exact(h.served), "userfaultfd", 0, 0);
		printf(",\"observed\":{\"served\":%lu,", h.served);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("uffd: read %lu pages, handler served %lu messages in %.2f s\n"
	      "  expect %lu retries (userfaultfd); getrusage majflt +%ld minflt +%ld\n",
	      nfaults, h.served, elapsed, h.served, f.majflt, f.minflt);
	finish_output();
}

static void run_pagelock(unsigned long rounds, const char *path, struct totals *tot)
{
	size_t window = PAGELOCK_WINDOW < page_size ? page_size : PAGELOCK_WINDOW;
	const volatile unsigned char *p;
	unsigned char *map, *vec;
	struct target t;
	struct faults f0, f;
	size_t uncached = 0;
	unsigned long r;
	double t0, elapsed;
	struct range expect = { 0, rounds };

	target_open(&t, path, rounds * (window / page_size));
	map = map_target(&t);
	vec = malloc(t.len / page_size);
	if (!vec)
		die_sys("malloc");
	evict(&t, map, vec);
	for (r = 0; r < rounds; r++)
		uncached += !(vec[r * (window / page_size)] & 1);

	/*
	 * The fault finds the folio that WILLNEED readahead still holds locked:
	 * lock_folio_maybe_drop_mmap's trylock fails, it drops the fault lock
	 * and waits in __folio_lock_killable, and filemap_fault returns
	 * VM_FAULT_RETRY without VM_FAULT_MAJOR. If the read already finished
	 * the fault completes at once: hence 0..rounds.
	 */
	p = map;
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

	if (munmap(map, t.len))
		die_sys("munmap");
	free(vec);
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

/* 1 if the kernel has per-VMA locks (6.4+), 0 if not, -1 if unknown. */
static int per_vma_locks(void)
{
	static const char sym[] = "lock_vma_under_rcu";
	size_t cap = 0, lines = 0;
	char *line = NULL;
	int found = 0, err;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -1;
	while (!found && getline(&line, &cap, f) > 0) {
		char *name = strchr(line, ' ');

		lines++;
		if (name)
			name = strchr(name + 1, ' ');
		if (!name)
			continue;
		name++;
		found = !strncmp(name, sym, sizeof(sym) - 1) &&
			strchr(" \t\n", name[sizeof(sym) - 1]);
	}
	err = ferror(f);
	free(line);
	fclose(f);
	if (found)
		return 1;
	return err || !lines ? -1 : 0;
}

static void run_vdso(unsigned long children, struct totals *tot)
{
	const volatile char *vdso = (const char *)getauxval(AT_SYSINFO_EHDR);
	int pvl = per_vma_locks();
	struct range expect = { 0, children };
	struct faults f0, f;
	double t0, elapsed;
	unsigned long i;
	char buf[64];

	if (!vdso)
		die_msg("getauxval(AT_SYSINFO_EHDR): no vDSO mapped");
	if (pvl >= 0)
		expect = exact(pvl ? children : 0);

	finish_output();
	f0 = faults_now(RUSAGE_CHILDREN);
	t0 = now();
	for (i = 0; i < children; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			die_sys("fork");
		if (pid == 0) {
			/*
			 * fork copies no PTEs of the vDSO (no anon_vma, not
			 * PFNMAP/MIXEDMAP), and its special mapping has no
			 * ->map_pages, so vmf_can_call_fault returns VM_FAULT_RETRY
			 * under the per-VMA lock and the fault falls back to mmap_lock.
			 */
			(void)*vdso;
			_exit(0);
		}
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				die_sys("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			die_msg("child %ld did not exit cleanly (wait status 0x%x)", (long)pid, status);
	}
	elapsed = now() - t0;
	f = faults_since(RUSAGE_CHILDREN, f0);

	range_add(&tot->retries, expect);
	range_add(&tot->vma_fallback, expect);

	if (opt.json) {
		json_head("vdso", children);
		printf(",\"per_vma_locks\":%s", pvl < 0 ? "null" : pvl ? "true" : "false");
		json_expect(expect, "vma_fallback", 0, 0);
		printf(",\"observed\":{\"children\":%lu,", children);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("vdso: %lu children read the vDSO in %.2f s; per-VMA locks %s\n"
	      "  expect %s retries (vma_fallback) in the children; their majflt +%ld minflt +%ld\n",
	      children, elapsed, pvl < 0 ? "unknown" : pvl ? "present" : "absent",
	      range_str(expect, buf, sizeof(buf)), f.majflt, f.minflt);
	finish_output();
}

static void run_anon(unsigned long pages, unsigned long rounds)
{
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

		map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (map == MAP_FAILED)
			die_sys("mmap");
		/* One fault per page: no THP / mTHP folio covering many pages. */
		if (madvise(map, len, MADV_NOHUGEPAGE))
			die_sys("madvise(MADV_NOHUGEPAGE)");
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

/*
 * Faults the kernel takes on a user address: read() from /dev/zero into
 * fresh anonymous pages faults in clear_user(), in kernel mode. With per-VMA
 * locks those faults skip lock_vma_under_rcu() and start under mmap_lock;
 * none retries.
 */
static void run_kread(unsigned long pages)
{
	size_t len = pages * page_size;
	struct faults f0, f;
	double t0, elapsed;
	ssize_t n;
	void *map;
	int fd;

	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_sys("open(/dev/zero)");
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		die_sys("mmap");
	if (madvise(map, len, MADV_NOHUGEPAGE))
		die_sys("madvise(MADV_NOHUGEPAGE)");
	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	n = read(fd, map, len);
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);
	if (n != (ssize_t)len)
		die_sys("read(/dev/zero)");
	munmap(map, len);
	close(fd);

	if (opt.json) {
		json_head("kread", pages);
		json_expect(exact(0), NULL, 0, 0);
		printf(",\"observed\":{\"kernel_faults\":%lu,\"buffer\":[%lu,%lu],", pages,
		       (unsigned long)map, (unsigned long)map + len);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("kread: read() faulted in %lu pages from kernel mode in %.2f s\n"
	      "  expect 0 retries, %lu faults under mmap_lock; getrusage majflt +%ld minflt +%ld\n",
	      pages, elapsed, pages, f.majflt, f.minflt);
	finish_output();
}

/* ------------------------------------------------------------------ */
/* mmap_lock workloads: known write holds, and a reader blocking a writer */

#define MAX_CALLS 4096

static uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die_sys("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Make [p, p + len) base pages (no THP), every page written */
static void populate(unsigned char *p, size_t len)
{
	size_t i;

	if (madvise(p, len, MADV_NOHUGEPAGE))
		die_sys("madvise(MADV_NOHUGEPAGE)");
	/* one mmap_lock hold for it all (5.14+), not one fault per page:
	 * without per-VMA locks each fault would take mmap_lock */
	if (!madvise(p, len, MADV_POPULATE_WRITE))
		return;
	if (errno != EINVAL)
		die_sys("madvise(MADV_POPULATE_WRITE)");
	for (i = 0; i < len; i += page_size)
		p[i] = 1;
}

/* A private anonymous region of 4 KiB pages, every page written */
static unsigned char *populated_region(size_t len)
{
	unsigned char *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die_sys("mmap");
	populate(p, len);
	return p;
}

struct call {
	uint64_t start_ns, end_ns;	/* CLOCK_MONOTONIC, as bpf_ktime_get_ns() */
};

struct lock_thread {
	pthread_t thread;
	pid_t tid;
	const char *name;
	unsigned char *region;
	size_t len;
	unsigned long n;		/* calls to make, or made */
	struct call calls[MAX_CALLS];
	unsigned long writes;		/* syscalls that took mmap_lock for write */
	unsigned long faults;		/* pages touched */
};

static pthread_barrier_t lock_start;
static volatile int lock_done;

static void thread_begin(struct lock_thread *t)
{
	t->tid = gettid_();
	prctl(PR_SET_NAME, t->name);
	pthread_barrier_wait(&lock_start);
}

/* n mprotect() calls on the whole populated region: each takes mmap_lock
 * for write once and holds it while every PTE is changed */
static void *wrhold_holder(void *arg)
{
	struct lock_thread *t = arg;
	unsigned long i;

	thread_begin(t);
	for (i = 0; i < t->n; i++) {
		int prot = i % 2 ? PROT_READ | PROT_WRITE : PROT_READ;

		t->calls[i].start_ns = now_ns();
		if (mprotect(t->region, t->len, prot))
			die_sys("mprotect");
		t->calls[i].end_ns = now_ns();
	}
	t->writes = t->n;
	lock_done = 1;
	return NULL;
}

/* small mmap + touch + munmap until the holder is done: one write hold
 * for each mmap and each munmap (whose hold is downgraded to read) */
static void *wrhold_mapper(void *arg)
{
	struct lock_thread *t = arg;
	size_t len = 16 * page_size, i;

	thread_begin(t);
	while (!lock_done && t->n < MAX_CALLS) {
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die_sys("mmap");
		for (i = 0; i < len; i += page_size)
			p[i] = 1;
		if (munmap(p, len))
			die_sys("munmap");
		t->n++;
		t->faults += len / page_size;
	}
	t->writes = 2 * t->n;
	return NULL;
}

/* faults on its own region, emptied with MADV_DONTNEED each pass, at most
 * 8 passes (each fault takes mmap_lock on kernels without per-VMA locks) */
static void *wrhold_faulter(void *arg)
{
	struct lock_thread *t = arg;
	size_t i;

	thread_begin(t);
	while (!lock_done && t->n < 8) {
		for (i = 0; i < t->len; i += page_size)
			t->region[i] = 1;
		t->faults += t->len / page_size;
		if (madvise(t->region, t->len, MADV_DONTNEED))
			die_sys("madvise(MADV_DONTNEED)");
		t->n++;
	}
	return NULL;
}

static void json_thread(const struct lock_thread *t, int with_calls)
{
	unsigned long i;

	printf("{\"tid\":%d,\"name\":\"%s\",\"calls\":%lu,\"writes\":%lu,\"faults\":%lu",
	       (int)t->tid, t->name, t->n, t->writes, t->faults);
	if (with_calls) {
		fputs(",\"times\":[", stdout);
		for (i = 0; i < t->n && i < MAX_CALLS; i++)
			printf("%s[%llu,%llu]", i ? "," : "",
			       (unsigned long long)t->calls[i].start_ns,
			       (unsigned long long)t->calls[i].end_ns);
		putchar(']');
	}
	putchar('}');
}

static void start_thread(struct lock_thread *t, void *(*fn)(void *))
{
	int err = pthread_create(&t->thread, NULL, fn, t);

	if (err) {
		errno = err;
		die_sys("pthread_create");
	}
}

static void join_thread(struct lock_thread *t)
{
	int err = pthread_join(t->thread, NULL);

	if (err) {
		errno = err;
		die_sys("pthread_join");
	}
}

static void run_wrhold(unsigned long calls, size_t mib)
{
	static struct lock_thread holder, mapper[2], faulter;
	size_t len = mib << 20;
	uint64_t min = UINT64_MAX, max = 0;
	double t0, elapsed;
	unsigned long i;

	if (calls > MAX_CALLS)
		die_usage("-n: at most %d calls", MAX_CALLS);
	holder.name = "mmr-holder";
	holder.region = populated_region(len);
	holder.len = len;
	holder.n = calls;
	mapper[0].name = mapper[1].name = "mmr-mapper";
	faulter.name = "mmr-faulter";
	faulter.len = 256 * page_size;
	faulter.region = populated_region(faulter.len);
	lock_done = 0;
	if (pthread_barrier_init(&lock_start, NULL, 5))
		die_sys("pthread_barrier_init");
	start_thread(&mapper[0], wrhold_mapper);
	start_thread(&mapper[1], wrhold_mapper);
	start_thread(&faulter, wrhold_faulter);
	start_thread(&holder, wrhold_holder);
	t0 = now();
	pthread_barrier_wait(&lock_start);
	join_thread(&holder);
	join_thread(&mapper[0]);
	join_thread(&mapper[1]);
	join_thread(&faulter);
	elapsed = now() - t0;
	pthread_barrier_destroy(&lock_start);
	for (i = 0; i < calls; i++) {
		uint64_t d = holder.calls[i].end_ns - holder.calls[i].start_ns;

		min = d < min ? d : min;
		max = d > max ? d : max;
	}
	if (opt.json) {
		json_head("wrhold", calls);
		printf(",\"size_mib\":%zu", mib);
		json_expect(exact(0), NULL, 0, 0);
		/* the holder's write holds: one per mprotect, each within its call */
		fputs(",\"observed\":{\"holder\":", stdout);
		json_thread(&holder, 1);
		fputs(",\"mappers\":[", stdout);
		json_thread(&mapper[0], 0);
		putchar(',');
		json_thread(&mapper[1], 0);
		fputs("],\"faulter\":", stdout);
		json_thread(&faulter, 0);
		printf(",\"call_ns\":{\"min\":%llu,\"max\":%llu},\"elapsed_s\":%.6f}",
		       (unsigned long long)min, (unsigned long long)max, elapsed);
		json_tail();
	}
	human("wrhold: %lu mprotect() calls over %zu MiB took %.2f..%.2f ms each\n"
	      "  meanwhile 2 mappers made %lu and %lu mmap+munmap pairs, a faulter %lu faults\n"
	      "  expect %lu write holds by thread %d (mmr-holder), each within its call\n",
	      calls, mib, min / 1e6, max / 1e6, mapper[0].n, mapper[1].n, faulter.faults,
	      holder.writes, (int)holder.tid);
	finish_output();
	munmap(holder.region, len);
	munmap(faulter.region, faulter.len);
}

/* MADV_POPULATE_READ over the populated region, over and over: each pass
 * walks its page tables under mmap_lock for read, as a monitoring agent's
 * walk does. (/proc/PID/smaps did on every kernel before 6.17's per-VMA
 * walks; on 7.2 it no longer takes mmap_lock, madvise() still does.) */
static unsigned long reader_cycle;
static void *blocker_reader(void *arg)
{
	struct lock_thread *t = arg;

	thread_begin(t);
	while (!lock_done) {
		__atomic_add_fetch(&reader_cycle, 1, __ATOMIC_RELEASE);
		if (madvise(t->region, t->len, MADV_POPULATE_READ))
			die_sys("madvise(MADV_POPULATE_READ)");
		t->n++;
	}
	return NULL;
}

/* mmap() + munmap() of one page, n times, each 200 us into a pass of the
 * reader: each mmap waits for mmap_lock for write while the reader walks */
static void *blocker_writer(void *arg)
{
	struct lock_thread *t = arg;
	struct timespec poll = { 0, 20000 }, gap = { 0, 200000 };
	unsigned long i;

	thread_begin(t);
	for (i = 0; i < t->n; i++) {
		unsigned long c = __atomic_load_n(&reader_cycle, __ATOMIC_ACQUIRE);
		void *p;

		/* a new pass of the reader has begun: it walks the region now */
		while (__atomic_load_n(&reader_cycle, __ATOMIC_ACQUIRE) == c && !lock_done)
			nanosleep(&poll, NULL);
		nanosleep(&gap, NULL);
		t->calls[i].start_ns = now_ns();
		p = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		t->calls[i].end_ns = now_ns();
		if (p == MAP_FAILED)
			die_sys("mmap");
		if (munmap(p, page_size))
			die_sys("munmap");
	}
	t->writes = 2 * t->n;
	lock_done = 1;
	return NULL;
}

static void run_blocker(unsigned long writes, size_t mib)
{
	static struct lock_thread reader, writer;
	size_t len = mib << 20;
	uint64_t max = 0;
	double t0, elapsed;
	unsigned long i;

	if (writes > MAX_CALLS)
		die_usage("-n: at most %d writes", MAX_CALLS);
	reader.name = "mmr-reader";
	reader.region = populated_region(len);
	reader.len = len;
	writer.name = "mmr-writer";
	writer.n = writes;
	lock_done = 0;
	if (pthread_barrier_init(&lock_start, NULL, 3))
		die_sys("pthread_barrier_init");
	start_thread(&reader, blocker_reader);
	start_thread(&writer, blocker_writer);
	t0 = now();
	pthread_barrier_wait(&lock_start);
	join_thread(&writer);
	join_thread(&reader);
	elapsed = now() - t0;
	pthread_barrier_destroy(&lock_start);
	for (i = 0; i < writes; i++) {
		uint64_t d = writer.calls[i].end_ns - writer.calls[i].start_ns;

		max = d > max ? d : max;
	}
	if (opt.json) {
		json_head("blocker", writes);
		printf(",\"size_mib\":%zu", mib);
		json_expect(exact(0), NULL, 0, 0);
		fputs(",\"observed\":{\"reader\":", stdout);
		json_thread(&reader, 0);
		fputs(",\"writer\":", stdout);
		json_thread(&writer, 1);
		printf(",\"max_mmap_ns\":%llu,\"elapsed_s\":%.6f}", (unsigned long long)max,
		       elapsed);
		json_tail();
	}
	human("blocker: thread %d (mmr-reader) walked %zu MiB %lu times (MADV_POPULATE_READ)\n"
	      "  while thread %d (mmr-writer) made %lu mmap() calls, the slowest %.2f ms\n"
	      "  expect the writer's long waits blocked by the reader\n",
	      (int)reader.tid, mib, reader.n, (int)writer.tid, writes, max / 1e6);
	finish_output();
	munmap(reader.region, len);
}

/*
 * mmap_lock benchmark: n x (mmap 4 pages, write one, munmap). Each round
 * takes mmap_lock for write twice (mmap, munmap) and for read at least once
 * (the first fault in a VMA without an anon_vma falls back to it).
 */
static void run_mapping(unsigned long n)
{
	size_t len = 4 * page_size;
	double t0, elapsed, rate;
	unsigned long i;

	t0 = now();
	for (i = 0; i < n; i++) {
		volatile unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die_sys("mmap");
		p[0] = 1;
		if (munmap((void *)p, len))
			die_sys("munmap");
	}
	elapsed = now() - t0;
	rate = elapsed > 0 ? (double)n / elapsed : 0;
	if (opt.json) {
		json_head("mapping", n);
		json_expect(exact(0), NULL, 0, 0);
		printf(",\"observed\":{\"rounds_per_s\":%.0f,\"elapsed_s\":%.6f}", rate, elapsed);
		json_tail();
	}
	human("mapping: %lu x (mmap, first write, munmap) in %.2f s, %.0f rounds/s\n", n,
	      elapsed, rate);
	finish_output();
}

/* ------------------------------------------------------------------ */
/* anon_vma workloads: fork chains (forktree) and rmap fan-out (rmapfan) */

#define FORKTREE_HINT ((uintptr_t)0x100000000000ULL)
#define RMAPFAN_HINT ((uintptr_t)0x200000000000ULL)
#define MAX_DEPTH 64
#define MAX_CHILDREN 256
#define FAMILY_TIMEOUT_S 60
#define COMPACT_MEMORY "/proc/sys/vm/compact_memory"

/*
 * A written private anonymous region that nothing can merge with: vma_merge
 * or find_mergeable_anon_vma would let it share a neighbour's anon_vma and
 * chain. It lies between two PROT_NONE guard pages (other flags, never
 * faulted, so no anon_vma), at hint, away from the rest of the address
 * space, unless that is taken: then anywhere.
 */
static unsigned char *isolated_region(uintptr_t hint, size_t len)
{
	size_t span = len + 2 * page_size;
	unsigned char *g = MAP_FAILED, *p;

	if (hint > page_size)
		g = mmap((void *)(hint - page_size), span, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (g == MAP_FAILED)
		g = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g == MAP_FAILED)
		die_sys("mmap");
	p = mmap(g + page_size, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		die_sys("mmap");
	/* the first write fault: __anon_vma_prepare, a new root, chain 1 long */
	populate(p, len);
	return p;
}

static void isolated_unmap(unsigned char *p, size_t len)
{
	munmap(p - page_size, len + 2 * page_size);
}

/*
 * The children of forktree and rmapfan and their descendants. All are in
 * one process group (the first child's) and block on the quit pipe until
 * its last write end, this process's, is closed: by family_end(), by
 * family_kill() on the way out through die_*(), or by our death. They
 * report through rec and never return into main or call die_*(): they
 * _exit().
 */
struct family {
	int quit[2];
	int rec[2];	/* struct child_rec, each written at once (< PIPE_BUF) */
};

enum { REC_DONE, REC_FAIL };
enum { PHASE_CHAIN, PHASE_REUSE };

struct child_rec {
	int32_t kind;		/* REC_DONE: forked and waiting; REC_FAIL */
	int32_t phase, level;	/* forktree: the fork that made this child */
	int32_t parent, child;	/* pids */
	int32_t err;		/* REC_FAIL: errno of call */
	char call[24];
};

static void child_send(const struct family *f, const struct child_rec *r)
{
	if (write(f->rec[1], r, sizeof(*r)) != (ssize_t)sizeof(*r))
		_exit(1);
}

static void child_fail(const struct family *f, const char *call)
	__attribute__((noreturn));
static void child_fail(const struct family *f, const char *call)
{
	struct child_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = REC_FAIL;
	r.err = errno;
	r.child = getpid();
	snprintf(r.call, sizeof(r.call), "%s", call);
	child_send(f, &r);
	_exit(1);
}

/* Block until the family ends; 1 if a byte came on cmd (if >= 0) first. */
static int child_wait(const struct family *f, int cmd)
{
	struct pollfd pfd[2] = { { f->quit[0], POLLIN, 0 }, { cmd, POLLIN, 0 } };
	char c;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			child_fail(f, "poll");
		}
		/* nobody writes to quit: any event is its end */
		if (pfd[0].revents)
			return 0;
		if (pfd[1].revents & POLLIN)
			return read(cmd, &c, 1) == 1;
		if (pfd[1].revents)
			return 0;
	}
}

static void family_start(struct family *f)
{
	if (pipe2(f->quit, O_CLOEXEC) || pipe2(f->rec, O_CLOEXEC))
		die_sys("pipe2");
	family_quit = f->quit[1];
	family_pgid = 0;
}

/* fork a child into the family: its pid here, 0 in the child */
static pid_t family_fork(struct family *f)
{
	pid_t pid = fork();

	if (pid < 0)
		die_sys("fork");
	if (pid == 0) {
		close(f->quit[1]);
		close(f->rec[0]);
		family_quit = -1;
		if (setpgid(0, family_pgid))
			child_fail(f, "setpgid");
		return 0;
	}
	if (!family_pgid)
		family_pgid = pid;
	/* here too, so the group exists when fork() returns (ESRCH: it died) */
	setpgid(pid, family_pgid);
	return pid;
}

/* This process forks no more: rec reaches EOF if all the children die. */
static void family_forked(struct family *f)
{
	close(f->rec[1]);
	f->rec[1] = -1;
}

/* The next record from a child; a failure, silence or EOF ends the run. */
static void family_recv(struct family *f, struct child_rec *r)
{
	struct pollfd pfd = { f->rec[0], POLLIN, 0 };
	ssize_t n;
	int ready;

	do {
		ready = poll(&pfd, 1, FAMILY_TIMEOUT_S * 1000);
	} while (ready < 0 && errno == EINTR);
	if (ready < 0)
		die_sys("poll");
	if (!ready)
		die_msg("no word from the children in %d s", FAMILY_TIMEOUT_S);
	do {
		n = read(f->rec[0], r, sizeof(*r));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die_sys("read(pipe)");
	if (n == 0)
		die_msg("the children died without a word");
	if (n != (ssize_t)sizeof(*r))
		die_msg("read(pipe): %zd bytes, not %zu", n, sizeof(*r));
	if (r->kind == REC_FAIL) {
		r->call[sizeof(r->call) - 1] = '\0';
		die_msg("%s in child %ld: %s", r->call, (long)r->child, strerror(r->err));
	}
}

/* Tell the family to exit and reap it all, grandchildren included. */
static void family_end(struct family *f)
{
	pid_t pid, bad = 0;
	int status, bad_status = 0;

	family_quit = -1;
	if (close(f->quit[1]))
		die_sys("close");
	for (;;) {
		pid = wait(&status);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			bad = pid;
			bad_status = status;
		}
	}
	if (errno != ECHILD)
		die_sys("wait");
	family_pgid = 0;
	close(f->quit[0]);
	close(f->rec[0]);
	if (f->rec[1] >= 0)
		close(f->rec[1]);
	if (bad)
		die_msg("child %ld did not exit cleanly (wait status 0x%x)", (long)bad,
			bad_status);
}

/* P1..Pdepth: each forks the next level once; nobody writes the region */
static void forktree_chain(const struct family *f, unsigned long depth, pid_t parent)
	__attribute__((noreturn));
static void forktree_chain(const struct family *f, unsigned long depth, pid_t parent)
{
	struct child_rec r;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.kind = REC_DONE;
	r.phase = PHASE_CHAIN;
	r.level = 1;
	r.parent = parent;
	for (;;) {
		r.child = getpid();
		child_send(f, &r);
		if ((unsigned long)r.level == depth)
			break;
		pid = fork();
		if (pid < 0)
			child_fail(f, "fork");
		if (pid > 0)
			break;
		r.parent = r.child;
		r.level++;
	}
	child_wait(f, -1);
	_exit(0);
}

/* R1 forks R2 and exits; R2 forks R3 when go says so */
static void forktree_reuse(const struct family *f, const int go[2], pid_t parent)
	__attribute__((noreturn));
static void forktree_reuse(const struct family *f, const int go[2], pid_t parent)
{
	struct child_rec r;
	pid_t pid;

	close(go[1]);
	memset(&r, 0, sizeof(r));
	r.kind = REC_DONE;
	r.phase = PHASE_REUSE;
	r.level = 1;
	r.parent = parent;
	r.child = getpid();
	child_send(f, &r);
	pid = fork();
	if (pid < 0)
		child_fail(f, "fork");
	/* R1's exit drops its VMA: its anon_vma keeps R2's link alone */
	if (pid > 0)
		_exit(0);
	r.level = 2;
	r.parent = r.child;
	r.child = getpid();
	child_send(f, &r);
	if (child_wait(f, go[0])) {
		pid = fork();
		if (pid < 0)
			child_fail(f, "fork");
		if (pid == 0) {
			r.level = 3;
			r.parent = r.child;
			r.child = getpid();
			child_send(f, &r);
		}
		child_wait(f, -1);
	}
	_exit(0);
}

/* file a child's record in slot[level] of its phase */
static void forktree_file(struct child_rec *slot, unsigned long nslots, int phase,
			  const struct child_rec *r)
{
	if (r->phase != phase || r->level < 1 || (unsigned long)r->level >= nslots ||
	    slot[r->level].child)
		die_msg("unexpected report from child %ld", (long)r->child);
	slot[r->level] = *r;
}

/*
 * The region's anon_vma chain in the child of a fork, after anon_vma_fork:
 * anon_vma_clone links every anon_vma of the parent's chain, oldest first,
 * and reuses the first with num_children < 2 and num_active_vmas == 0; if
 * none, a new one is linked too. Chain level k: k + 1, the parents all live.
 * R1: A0 + new A1. R2: A0, A1 (R1's VMA is active) + new A2. R3: A0, A1, A2
 * with A1 reused: R1's exit left it 1 child (A2) and no active VMA.
 */
static void fork_expect(const struct child_rec *r, int *length, int *reused)
{
	if (r->phase == PHASE_CHAIN) {
		*length = r->level + 1;
		*reused = 0;
	} else {
		*length = r->level == 1 ? 2 : 3;
		*reused = r->level == 3;
	}
}

static void json_fork(const struct child_rec *r, int first)
{
	int length, reused;

	fork_expect(r, &length, &reused);
	printf("%s{\"parent\":%ld,\"child\":%ld,\"phase\":\"%s\",\"level\":%d,"
	       "\"expect_length\":%d,\"expect_reused\":%s}", first ? "" : ",",
	       (long)r->parent, (long)r->child, r->phase == PHASE_CHAIN ? "chain" : "reuse",
	       (int)r->level, length, reused ? "true" : "false");
}

static void run_forktree(unsigned long depth, size_t mib)
{
	struct child_rec chain[MAX_DEPTH + 1], reuse[4], r;
	struct range lengths = { 2, depth + 1 };
	size_t len = mib << 20;
	pid_t self = getpid(), r1;
	unsigned char *region;
	struct family fam;
	unsigned long i;
	int go[2], status;
	char buf[64];

	if (depth > MAX_DEPTH)
		die_usage("-n: at most %d levels", MAX_DEPTH);
	region = isolated_region(FORKTREE_HINT, len);
	/* orphans come to us: R2 once R1 is gone, each level once its parent is */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die_sys("prctl(PR_SET_CHILD_SUBREAPER)");
	if (pipe2(go, O_CLOEXEC))
		die_sys("pipe2");
	memset(chain, 0, sizeof(chain));
	memset(reuse, 0, sizeof(reuse));
	finish_output();
	family_start(&fam);

	if (!family_fork(&fam)) {
		close(go[0]);
		close(go[1]);
		forktree_chain(&fam, depth, self);
	}
	for (i = 0; i < depth; i++) {
		family_recv(&fam, &r);
		forktree_file(chain, depth + 1, PHASE_CHAIN, &r);
	}

	r1 = family_fork(&fam);
	if (!r1)
		forktree_reuse(&fam, go, self);
	family_forked(&fam);
	for (i = 0; i < 2; i++) {
		family_recv(&fam, &r);
		forktree_file(reuse, 3, PHASE_REUSE, &r);
	}
	/* exit_mmap has unlinked R1's VMAs before it can be reaped */
	while (waitpid(r1, &status, 0) < 0)
		if (errno != EINTR)
			die_sys("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die_msg("child %ld did not exit cleanly (wait status 0x%x)", (long)r1, status);
	if (write(go[1], "", 1) != 1)
		die_sys("write(pipe)");
	family_recv(&fam, &r);
	forktree_file(reuse, 4, PHASE_REUSE, &r);
	family_end(&fam);
	close(go[0]);
	close(go[1]);

	if (opt.json) {
		json_head("forktree", depth);
		printf(",\"size_mib\":%zu", mib);
		json_expect(exact(0), NULL, 0, 0);
		printf(",\"observed\":{\"region\":{\"start\":%lu,\"end\":%lu},\"forks\":[",
		       (unsigned long)region, (unsigned long)region + len);
		for (i = 1; i <= depth; i++)
			json_fork(&chain[i], i == 1);
		for (i = 1; i <= 3; i++)
			json_fork(&reuse[i], 0);
		fputs("]}", stdout);
		json_tail();
	}
	human("forktree: pid %ld forked a chain %lu deep over %zu MiB at %#lx,\n"
	      "  then R1; R1 forked R2 and exited; R2 forked R3\n"
	      "  expect the region's anon_vma chains %s long, then 2, 3 and 3 (reused)\n",
	      (long)self, depth, mib, (unsigned long)region,
	      range_str(lengths, buf, sizeof(buf)));
	finish_output();
	isolated_unmap(region, len);
}

/* a /proc/vmstat counter, -1 if there is none by that name */
static long long vmstat(const char *name)
{
	size_t cap = 0, n = strlen(name);
	long long v = -1;
	char *line = NULL;
	FILE *f;

	f = fopen("/proc/vmstat", "re");
	if (!f)
		return -1;
	while (v < 0 && getline(&line, &cap, f) > 0)
		if (!strncmp(line, name, n) && line[n] == ' ')
			v = strtoll(line + n + 1, NULL, 10);
	free(line);
	fclose(f);
	return v;
}

/* opened before any child exists, so that a refusal leaves none behind */
static int open_compact_memory(void)
{
	int fd = open(COMPACT_MEMORY, O_WRONLY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == EACCES || errno == EPERM)
		die_msg("'" COMPACT_MEMORY "' is for root only: rmapfan needs root");
	if (errno == ENOENT)
		die_msg("'" COMPACT_MEMORY "' does not exist: no CONFIG_COMPACTION");
	die_sys("open(" COMPACT_MEMORY ")");
}

static void rmapfan_child(const struct family *f, unsigned char *region, size_t len,
			  int cow) __attribute__((noreturn));
static void rmapfan_child(const struct family *f, unsigned char *region, size_t len,
			  int cow)
{
	volatile unsigned char *p = region;
	struct child_rec r;
	size_t i;

	/* do_wp_page: a copy of each page, in this child's own anon_vma */
	if (cow)
		for (i = 0; i < len; i += page_size)
			p[i] = 2;
	memset(&r, 0, sizeof(r));
	r.kind = REC_DONE;
	r.child = getpid();
	child_send(f, &r);
	child_wait(f, -1);
	_exit(0);
}

/* The page frame of each page of [p, p + len), 0 if not present (root
 * reads frame numbers from /proc/self/pagemap; others read zeros). */
static void region_pfns(const unsigned char *p, size_t len, uint64_t *pfn)
{
	size_t n = len / page_size, i;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die_sys("open(/proc/self/pagemap)");
	if (pread(fd, pfn, n * sizeof(*pfn), (off_t)((uintptr_t)p / page_size * sizeof(*pfn))) !=
	    (ssize_t)(n * sizeof(*pfn)))
		die_sys("read(/proc/self/pagemap)");
	close(fd);
	for (i = 0; i < n; i++)
		pfn[i] = pfn[i] >> 63 ? pfn[i] & ((1ULL << 55) - 1) : 0;
}

/* A filler of flen bytes, written: compaction moves it up, with the rest */
static unsigned char *rmapfan_filler(size_t flen)
{
	unsigned char *f = mmap(NULL, flen, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (f == MAP_FAILED)
		die_sys("mmap");
	populate(f, flen);
	return f;
}

static void compact(int fd)
{
	if (pwrite(fd, "1\n", 2, 0) < 0)
		die_sys("write(" COMPACT_MEMORY ")");
}

/*
 * rmapfan -w: a THP-backed region (2 MiB folios). The children's writes
 * copy every page (each child's PMD is split; the folio stays whole, mapped
 * by us alone). We then move our VMA (mremap: its anon_vma_chain entries
 * are made anew, last in the anon_vma's interval tree, after the
 * children's stale ones) and split our huge pages through debugfs: each
 * split walks the folio (try_to_migrate) and then each of its 512 pages
 * (remove_migration_ptes) over all N+1 VMAs, of which one maps it.
 */
#define HPAGE (2UL << 20)
#define SPLIT_HUGE_PAGES "/sys/kernel/debug/split_huge_pages"

static unsigned char *thp_region(uintptr_t hint, size_t len)
{
	unsigned char *g, *p;

	g = mmap((void *)(hint - HPAGE), len + 2 * HPAGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (g == MAP_FAILED)
		die_sys("mmap(rmapfan -w's region, at a fixed address)");
	p = mmap(g + HPAGE, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	if (p == MAP_FAILED)
		die_sys("mmap");
	if (madvise(p, len, MADV_HUGEPAGE))
		die_sys("madvise(MADV_HUGEPAGE)");
	if (madvise(p, len, MADV_POPULATE_WRITE))
		die_sys("madvise(MADV_POPULATE_WRITE)");
	return p;
}

/* huge pages mapping the VMA at p: its AnonHugePages in smaps */
static unsigned long thp_count(const unsigned char *p)
{
	char line[256], head[32];
	unsigned long kb = 0;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		die_sys("open(/proc/self/smaps)");
	snprintf(head, sizeof(head), "%lx-", (unsigned long)p);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, head, strlen(head)))
			in = 1;
		else if (in && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb * 1024 / HPAGE;
}

#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101	/* asm-generic/mman-common.h; glibc leaves it out */
#endif
#define RMAPFAN_ROUNDS 16
#define RMAPFAN_OFFLINE 8	/* pages soft-offlined if compaction moved none */

static void run_rmapfan_split(unsigned long children, size_t mib)
{
	size_t len = ((mib << 20) + HPAGE - 1) & ~(HPAGE - 1);
	unsigned char *region, *moved, *to;
	unsigned long thp, i;
	struct child_rec r;
	struct family fam;
	pid_t *pids;
	char cmd[96];
	int fd, n;

	fd = open(SPLIT_HUGE_PAGES, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die_msg("cannot open '%s': %s: rmapfan -w needs root and debugfs (not locked "
			"down)", SPLIT_HUGE_PAGES, strerror(errno));
	region = thp_region(RMAPFAN_HINT, len);
	thp = thp_count(region);
	if (!thp)
		die_msg("rmapfan -w: no transparent huge page backs the region "
			"(/sys/kernel/mm/transparent_hugepage/enabled is 'never'?)");
	pids = calloc(children, sizeof(*pids));
	if (!pids)
		die_sys("calloc");
	finish_output();
	family_start(&fam);
	for (i = 0; i < children; i++) {
		pids[i] = family_fork(&fam);
		if (!pids[i]) {
			close(fd);
			rmapfan_child(&fam, region, len, 1);
		}
	}
	family_forked(&fam);
	for (i = 0; i < children; i++)
		family_recv(&fam, &r);

	/* our VMA moves 1 GiB up (a placeholder there first: MREMAP_FIXED
	 * would replace whatever it found) */
	to = mmap(region + (1UL << 30), len, PROT_NONE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (to == MAP_FAILED)
		die_sys("mmap(rmapfan -w's new place)");
	moved = mremap(region, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	if (moved == MAP_FAILED)
		die_sys("mremap");
	n = snprintf(cmd, sizeof(cmd), "%ld,%#lx,%#lx", (long)getpid(), (unsigned long)moved,
		     (unsigned long)moved + len);
	if (write(fd, cmd, n) != n)
		die_sys("write(" SPLIT_HUGE_PAGES ")");
	close(fd);
	family_end(&fam);

	if (opt.json) {
		json_head("rmapfan", children);
		printf(",\"size_mib\":%zu", len >> 20);
		json_expect(exact(0), NULL, 0, 0);
		printf(",\"observed\":{\"region\":{\"start\":%lu,\"end\":%lu},\"pages\":%zu,"
		       "\"children\":[", (unsigned long)region, (unsigned long)region + len,
		       len / page_size);
		for (i = 0; i < children; i++)
			printf("%s%ld", i ? "," : "", (long)pids[i]);
		printf("],\"cow\":true,\"thp\":%lu,\"moved_to\":%lu,\"split\":true}", thp,
		       (unsigned long)moved);
		json_tail();
	}
	human("rmapfan -w: pid %ld forked %lu children over %lu huge pages at %#lx;\n"
	      "  each wrote every page (COW); ours moved to %#lx and were split\n"
	      "  expect %lu try_to_migrate and %lu remove_migration_ptes walks, each\n"
	      "  visiting %lu VMAs, 1 mapping\n",
	      (long)getpid(), children, thp, (unsigned long)region, (unsigned long)moved, thp,
	      thp * (HPAGE / page_size), children + 1);
	finish_output();
	free(pids);
	munmap(moved, len);
	munmap(region - HPAGE, len + 2 * HPAGE);
}

static void run_rmapfan(unsigned long children, size_t mib, int cow)
{
	size_t len = mib << 20, pages, flen, moved = 0, offlined = 0, k;
	unsigned char *filler;
	uint64_t t0, compact_ns, *pfn0, *pfn1;
	unsigned long rounds = 0;
	long long mig0, mig1;
	unsigned char *region;
	struct child_rec r;
	struct family fam;
	unsigned long i;
	pid_t *pids;
	char buf[32];
	int fd;

	if (children > MAX_CHILDREN)
		die_usage("-n: at most %d children", MAX_CHILDREN);
	if (cow) {
		run_rmapfan_split(children, mib);
		return;
	}
	fd = open_compact_memory();
	/*
	 * Compaction moves movable pages from the low end of a zone to free
	 * pages at its high end. Fill memory with a filler, compact (the
	 * filler and everything else goes up, free pages come down), then
	 * place the region (low) and free the filler (high) just before the
	 * compaction that counts: it finds our pages below free ones, whatever
	 * an earlier compaction left behind.
	 */
	flen = 8 * len;
	filler = rmapfan_filler(flen);
	compact(fd);
	region = isolated_region(RMAPFAN_HINT, len);
	pages = len / page_size;
	pids = calloc(children, sizeof(*pids));
	pfn0 = calloc(pages, sizeof(*pfn0));
	pfn1 = calloc(pages, sizeof(*pfn1));
	if (!pids || !pfn0 || !pfn1)
		die_sys("calloc");
	finish_output();
	family_start(&fam);
	for (i = 0; i < children; i++) {
		pids[i] = family_fork(&fam);
		if (!pids[i]) {
			close(fd);
			rmapfan_child(&fam, region, len, cow);
		}
	}
	family_forked(&fam);
	for (i = 0; i < children; i++)
		family_recv(&fam, &r);

	/*
	 * compact_nodes() in this task: each movable anonymous page it
	 * migrates is walked by try_to_migrate, then remove_migration_ptes,
	 * over the VMAs in its anon_vma's interval tree: for our pages ours
	 * and every child's (each child's VMA is linked to our anon_vma).
	 * Where the scanners meet is up to the zone's state: until some of
	 * our pages moved (their frames, in pagemap), fill, compact, free and
	 * compact again, a few rounds at most.
	 */
	region_pfns(region, len, pfn0);
	mig0 = vmstat("pgmigrate_success");
	t0 = now_ns();
	for (rounds = 1; ; rounds++) {
		if (munmap(filler, flen))
			die_sys("munmap");
		compact(fd);
		region_pfns(region, len, pfn1);
		for (k = 0, moved = 0; k < pages; k++)
			moved += pfn1[k] != pfn0[k];
		if (moved || rounds == RMAPFAN_ROUNDS)
			break;
		filler = rmapfan_filler(flen);
		compact(fd);
	}
	/*
	 * Where compaction moved none of them (the scanners met below our
	 * pages: seen in 6.12 guests under TCG, 16 rounds notwithstanding),
	 * soft-offline a few: soft_offline_page() migrates each, through the
	 * same try_to_migrate and remove_migration_ptes walks, and retires the
	 * frame it leaves (RMAPFAN_OFFLINE pages: 32 KiB, for good).
	 */
	if (!moved) {
		for (k = 0; k < RMAPFAN_OFFLINE && k < pages; k++)
			if (!madvise(region + k * page_size, page_size, MADV_SOFT_OFFLINE))
				offlined++;
		region_pfns(region, len, pfn1);
		for (k = 0, moved = 0; k < pages; k++)
			moved += pfn1[k] != pfn0[k];
	}
	compact_ns = now_ns() - t0;
	mig1 = vmstat("pgmigrate_success");
	if (close(fd))
		die_sys("close");
	family_end(&fam);

	if (mig0 < 0 || mig1 < 0)
		snprintf(buf, sizeof(buf), "null");
	else
		snprintf(buf, sizeof(buf), "%lld", mig1 - mig0);
	if (opt.json) {
		json_head("rmapfan", children);
		printf(",\"size_mib\":%zu", mib);
		json_expect(exact(0), NULL, 0, 0);
		printf(",\"observed\":{\"region\":{\"start\":%lu,\"end\":%lu},\"pages\":%zu,"
		       "\"children\":[", (unsigned long)region, (unsigned long)region + len, pages);
		for (i = 0; i < children; i++)
			printf("%s%ld", i ? "," : "", (long)pids[i]);
		printf("],\"cow\":%s,\"pgmigrate_success\":%s,\"compact_ns\":%llu,"
		       "\"rounds\":%lu,\"soft_offlined\":%zu,\"moved\":%zu}",
		       cow ? "true" : "false", buf, (unsigned long long)compact_ns, rounds, offlined,
		       moved);
		json_tail();
	}
	human("rmapfan: pid %ld forked %lu children over %zu written pages at %#lx\n"
	      "  %s; compact_memory took %.1f ms, pgmigrate_success +%s,\n"
	      "  %zu of our pages moved (%lu rounds)\n"
	      "  expect walks of the parent's pages to visit %lu VMAs, %s mapping it\n",
	      (long)getpid(), children, pages, (unsigned long)region,
	      cow ? "each wrote them first (COW)" : "none wrote them", compact_ns / 1e6,
	      mig0 < 0 || mig1 < 0 ? "n/a" : buf, moved, rounds, children + 1, cow ? "1" : "all");
	finish_output();
	free(pids);
	free(pfn0);
	free(pfn1);
	isolated_unmap(region, len);
}

static void run_mix(const char *path, struct totals *tot)
{
	struct faults f0, f;
	double t0, elapsed;
	char b1[64], b2[64], b3[64];

	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	run_file(256, path, tot);
	run_memfd(256, tot);
	run_uffd(64, tot);
	run_pagelock(16, path, tot);
	run_vdso(8, tot);
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);

	if (opt.json) {
		json_head("mix", 5);
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

struct workload {
	const char *name;
	const char *options;	/* option letters it accepts */
	unsigned long def_count, def_size;	/* -n, -s */
	const char *synopsis, *what, *expect;
};

static const struct workload workloads[] = {
	{ "file", "nfk", 4096, 0, "[-n PAGES=4096] [-f PATH] [-k]",
	  "read PAGES uncached pages, last first, via MAP_SHARED and MADV_RANDOM",
	  "retries = uncached pages (file_io), major = uncached pages" },
	{ "memfd", "n", 1000, 0, "[-n PAGES=1000]",
	  "first write to each of PAGES pages of a MAP_SHARED memfd",
	  "completed = PAGES, 0 retries" },
	{ "uffd", "n", 100, 0, "[-n FAULTS=100]",
	  "read FAULTS missing uffd-registered pages; a thread UFFDIO_COPYs them",
	  "retries = messages served (userfaultfd)" },
	{ "pagelock", "nfk", 64, 0, "[-n ROUNDS=64] [-f PATH] [-k]",
	  "per round, WILLNEED a fresh 128 KiB window and fault on it at once",
	  "0..ROUNDS retries (page_lock), timing dependent" },
	{ "vdso", "n", 16, 0, "[-n CHILDREN=16]",
	  "CHILDREN forked children, one at a time, each read one vDSO byte",
	  "CHILDREN retries (vma_fallback), in the children, if the\n"
	  "                   kernel has per-VMA locks (6.4+), else 0" },
	{ "kread", "n", 1024, 0, "[-n PAGES=1024]",
	  "read() PAGES pages of /dev/zero into fresh anonymous memory",
	  "PAGES kernel-mode faults under mmap_lock, 0 retries" },
	{ "anon", "nr", 4096, 0, "[-n PAGES=4096] [-r ROUNDS=64]",
	  "fault benchmark: ROUNDS x (mmap, first write to PAGES pages, munmap)",
	  "0 retries; reports faults/s" },
	{ "wrhold", "ns", 16, 256, "[-n CALLS=16] [-s MIB=256]",
	  "a thread mprotect()s a populated MIB region CALLS times while two\n"
	  "           threads mmap/munmap and one faults",
	  "CALLS write holds by mmr-holder, each within its timed call" },
	{ "blocker", "ns", 16, 256, "[-n WRITES=16] [-s MIB=256]",
	  "a thread walks MIB populated with MADV_POPULATE_READ in a loop;\n"
	  "           another mmap()s WRITES times, 200 us into its passes",
	  "the writer's long mmap_lock waits are blocked by mmr-reader" },
	{ "mapping", "n", 100000, 0, "[-n ROUNDS=100000]",
	  "mmap_lock benchmark: ROUNDS x (mmap 4 pages, write one, munmap)",
	  "reports rounds/s" },
	{ "forktree", "ns", 6, 4, "[-n DEPTH=6] [-s MIB=4]",
	  "a chain of DEPTH forks over a written MIB region (each child forks\n"
	  "           once), then R1 forks R2 and exits and R2 forks R3",
	  "the region's fork k makes an anon_vma chain k+1 long;\n"
	  "                   R1..R3: 2, 3, 3 (R3 reuses R1's anon_vma)" },
	{ "rmapfan", "nsw", 4, 16, "[-n CHILDREN=4] [-s MIB=16] [-w]",
	  "CHILDREN children share a written MIB region, then the parent\n"
	  "           writes compact_memory (root); -w: huge pages each child\n"
	  "           writes (COW), then the parent moves its VMA and splits its\n"
	  "           huge pages (debugfs split_huge_pages, root)",
	  "walks of the parent's pages visit CHILDREN+1 VMAs, all\n"
	  "                   mapping it; -w: one try_to_migrate walk per huge page\n"
	  "                   and one remove_migration_ptes walk per page, each over\n"
	  "                   CHILDREN+1 VMAs of which 1 maps it" },
	{ "mix", "fk", 0, 0, "[-f PATH] [-k]",
	  "file 256, memfd 256, uffd 64, pagelock 16, vdso 8 in one process",
	  "each line as above, then one line with the sums" },
};

#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: " PROG " [--json] [-q] WORKLOAD [-n COUNT] [-f PATH] [-r ROUNDS]\n"
	      "                   [-s MIB] [-k] [-w]\n"
	      "\n"
	      "Produces page-fault retries (VM_FAULT_RETRY) and completions\n"
	      "(VM_FAULT_COMPLETED), mmap_lock holds, anon_vma chains and rmap walks\n"
	      "on purpose and prints what a tracer should count.\n"
	      "\n"
	      "workloads:\n", out);
	for (i = 0; i < NWORKLOADS; i++)
		fprintf(out, "  %-8s %s\n           %s\n           expect: %s\n",
			workloads[i].name, workloads[i].synopsis, workloads[i].what,
			workloads[i].expect);
	fputs("\n"
	      "options:\n"
	      "  --json    one JSON object per workload per line on stdout\n"
	      "  -q        no human-readable summary or warnings\n"
	      "  -n COUNT  pages, faults, rounds, children or depth, see above\n"
	      "  -f PATH   regular file on a disk filesystem (not tmpfs), created if missing,\n"
	      "            default " DEFAULT_PATH "; or a block device such as /dev/ram0,\n"
	      "            used read-only\n"
	      "  -k        keep the data file this run created (it is removed otherwise)\n"
	      "  -r ROUNDS rounds of the anon workload\n"
	      "  -s MIB    size of the populated region of wrhold, blocker, forktree\n"
	      "            and rmapfan\n"
	      "  -w        rmapfan: huge pages, each child writes every page (copy on\n"
	      "            write), the parent splits its own through debugfs\n"
	      "  -h, --help\n"
	      "\n"
	      "\"major\" counts faults that returned VM_FAULT_MAJOR. getrusage majflt also counts\n"
	      "uffd and pagelock retries as major without per-VMA locks (6.1), minor with them.\n"
	      "With --json, \"observed\" holds the workload's own getrusage deltas and\n"
	      "\"rusage\" the process's totals since fork (threads and reaped children).\n",
	      out);
}

static unsigned long parse_count(const char *s, char letter)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v == 0 || v > MAX_COUNT)
		die_usage("-%c wants an integer from 1 to %lu, not '%s'", letter, MAX_COUNT, s);
	return v;
}

int main(int argc, char **argv)
{
	const struct workload *w = NULL;
	struct totals tot;
	char given[8] = "";
	struct sigaction sa;
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (!strcmp(arg, "--json")) {
			opt.json = 1;
		} else if (!strcmp(arg, "-q")) {
			opt.quiet = 1;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			finish_output();
			return 0;
		} else if (!strcmp(arg, "-k")) {
			opt.keep = 1;
			if (!strchr(given, 'k'))
				strcat(given, "k");
		} else if (!strcmp(arg, "-w")) {
			opt.cow = 1;
			if (!strchr(given, 'w'))
				strcat(given, "w");
		} else if (arg[0] == '-' && arg[1] && strchr("nfrs", arg[1])) {
			char letter = arg[1];
			const char *val = arg[2] ? arg + 2 : argv[++a];

			if (!val)
				die_usage("option -%c needs a value", letter);
			if (letter == 'n') {
				opt.count = parse_count(val, 'n');
				opt.have_count = 1;
			} else if (letter == 's') {
				opt.size_mib = parse_count(val, 's');
				opt.have_size = 1;
			} else if (letter == 'r') {
				opt.rounds = parse_count(val, 'r');
				opt.have_rounds = 1;
			} else {
				opt.path = val;
			}
			if (!strchr(given, letter))
				strncat(given, &letter, 1);
		} else if (arg[0] == '-' && arg[1]) {
			die_usage("unknown option '%s' (try --help)", arg);
		} else if (!w) {
			for (i = 0; i < NWORKLOADS && !w; i++)
				if (!strcmp(arg, workloads[i].name))
					w = &workloads[i];
			if (!w)
				die_usage("unknown workload '%s' (try --help)", arg);
		} else {
			die_usage("unexpected argument '%s'", arg);
		}
	}
	if (!w)
		die_usage("no workload given (try --help)");
	for (i = 0; given[i]; i++)
		if (!strchr(w->options, given[i]))
			die_usage("option -%c does not apply to workload '%s'", given[i], w->name);
	if (!opt.have_count)
		opt.count = w->def_count;
	if (!opt.have_rounds)
		opt.rounds = 64;
	if (!opt.path)
		opt.path = DEFAULT_PATH;
	if (!opt.have_size)
		opt.size_mib = w->def_size;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (strchr(w->options, 'f'))
		check_path(opt.path);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	memset(&tot, 0, sizeof(tot));
	if (!strcmp(w->name, "file"))
		run_file(opt.count, opt.path, &tot);
	else if (!strcmp(w->name, "memfd"))
		run_memfd(opt.count, &tot);
	else if (!strcmp(w->name, "uffd"))
		run_uffd(opt.count, &tot);
	else if (!strcmp(w->name, "pagelock"))
		run_pagelock(opt.count, opt.path, &tot);
	else if (!strcmp(w->name, "vdso"))
		run_vdso(opt.count, &tot);
	else if (!strcmp(w->name, "kread"))
		run_kread(opt.count);
	else if (!strcmp(w->name, "wrhold"))
		run_wrhold(opt.count, opt.size_mib);
	else if (!strcmp(w->name, "blocker"))
		run_blocker(opt.count, opt.size_mib);
	else if (!strcmp(w->name, "mapping"))
		run_mapping(opt.count);
	else if (!strcmp(w->name, "anon"))
		run_anon(opt.count, opt.rounds);
	else if (!strcmp(w->name, "forktree"))
		run_forktree(opt.count, opt.size_mib);
	else if (!strcmp(w->name, "rmapfan"))
		run_rmapfan(opt.count, opt.size_mib, opt.cow);
	else
		run_mix(opt.path, &tot);
	return 0;
}
