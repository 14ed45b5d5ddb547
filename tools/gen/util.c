// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mmretry-gen's helpers, a leaf: exits (which kill the children and remove
 * the data file first), the human and JSON output, clocks, getrusage
 * deltas, expected ranges and populated memory.
 */
#include "gen.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts opt;
size_t page_size;
const char *volatile unlink_path;
volatile unsigned char sink;

volatile sig_atomic_t family_quit = -1;
volatile sig_atomic_t family_pgid;

/* On the way out of a failure or a signal: kill the family, reap it all
 * (async-signal-safe) */
void family_kill(void)
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

void on_signal(int sig)
{
	const char *p = unlink_path;

	if (p)
		unlink(p);
	/* in their own process group, the terminal's signals miss them */
	family_kill();
	raise(sig);	/* SA_RESETHAND restored the default action */
}

void die_sys(const char *call)
{
	int e = errno;

	cleanup();
	fflush(stdout);
	fprintf(stderr, PROG ": %s: %s\n", call, strerror(e));
	exit(1);
}

void die_code(int status, const char *fmt, ...)
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

void human(const char *fmt, ...)
{
	va_list ap;

	if (opt.json || opt.quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void warning(const char *fmt, ...)
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

uint64_t now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die_sys("clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double now(void)
{
	return (double)now_ns() / 1e9;
}

struct faults faults_now(int who)
{
	struct rusage ru;
	struct faults f;

	if (getrusage(who, &ru))
		die_sys("getrusage");
	f.minflt = ru.ru_minflt;
	f.majflt = ru.ru_majflt;
	return f;
}

struct faults faults_since(int who, struct faults before)
{
	struct faults f = faults_now(who);

	f.minflt -= before.minflt;
	f.majflt -= before.majflt;
	return f;
}

struct range exact(unsigned long n)
{
	struct range r = { n, n };

	return r;
}

void range_add(struct range *r, struct range a)
{
	r->min += a.min;
	r->max += a.max;
}

const char *range_str(struct range r, char *buf, size_t len)
{
	if (r.min == r.max)
		snprintf(buf, len, "%lu", r.min);
	else
		snprintf(buf, len, "%lu..%lu", r.min, r.max);
	return buf;
}

void json_range(const char *key, struct range r)
{
	if (r.min == r.max)
		printf("\"%s\":%lu", key, r.min);
	else
		printf("\"%s\":{\"min\":%lu,\"max\":%lu}", key, r.min, r.max);
}

void json_head(const char *workload, unsigned long count)
{
	printf("{\"workload\":\"%s\",\"count\":%lu", workload, count);
}

void json_expect(struct range retries, const char *reason,
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

/* the head of a workload over a region of mib MiB (-s), which expects no
 * retry: wrhold, blocker, forktree, rmapfan */
void json_head_region(const char *workload, unsigned long count, size_t mib)
{
	json_head(workload, count);
	printf(",\"size_mib\":%zu", mib);
	json_expect(exact(0), NULL, 0, 0);
}

void json_faults(struct faults f, double elapsed)
{
	printf("\"majflt\":%ld,\"minflt\":%ld,\"elapsed_s\":%.6f", f.majflt,
	       f.minflt, elapsed);
}

/* the whole process since fork (all its threads) and its reaped children:
 * what the kernel's own fault accounting says, for tracers to compare */
void json_tail(void)
{
	struct faults self = faults_now(RUSAGE_SELF), kids = faults_now(RUSAGE_CHILDREN);

	printf(",\"rusage\":{\"minflt\":%ld,\"majflt\":%ld},\"pid\":%ld}\n",
	       self.minflt + kids.minflt, self.majflt + kids.majflt, (long)getpid());
}

void finish_output(void)
{
	if (fflush(stdout) == EOF)
		die_sys("write(stdout)");
}

/* len bytes of private anonymous memory, mapped with base pages only: one
 * fault per page, no THP or mTHP folio covering many */
void *anon_map(size_t len)
{
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED)
		die_sys("mmap");
	if (madvise(map, len, MADV_NOHUGEPAGE))
		die_sys("madvise(MADV_NOHUGEPAGE)");
	return map;
}

/* Make [p, p + len) base pages (no THP), every page written */
void populate(unsigned char *p, size_t len)
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

