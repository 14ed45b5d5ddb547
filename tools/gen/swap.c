// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * swapin: anonymous memory pushed out to swap and read back, last page
 * first, inside a memory cgroup of its own (swap retries).
 *
 * A swap-in that reads the page from a device whose reads complete
 * asynchronously finds the swap-cache folio locked for I/O: do_swap_page ->
 * folio_lock_or_retry() drops the fault lock, waits for the read and
 * returns VM_FAULT_RETRY. On kernels before 6.6 a one-page readahead window
 * (vm.page-cluster=0) reads the page synchronously (swap_readahead's
 * do_poll for a window of 1), so the folio is unlocked by then: no retry.
 */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PM_SWAP (1ULL << 62)
#define PAGE_MAGIC 0x5157415053ULL	/* each page's first word: MAGIC ^ index */

static char cg_mount[512];	/* the cgroup2 mount */
static char cg_home[1024];	/* the cgroup the process came from, under cg_mount */
static char cg_dir[1024];	/* the transient cgroup, while it exists */
static char cg_home_procs[1700];	/* cg_home's cgroup.procs, a full path */

/* the first line of path into buf (newline dropped), or -1 with errno */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok) {
		errno = ENODATA;
		return -1;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_str(const char *dir, const char *file, const char *val)
{
	char path[1200];
	int fd, ret = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	if (n != (ssize_t)strlen(val))
		ret = -1;
	close(fd);
	return ret;
}

/* whether the space-separated list holds word */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* the cgroup2 mount point, from /proc/self/mountinfo */
static int find_cgroup2(char *buf, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return 0;
	while (!found && getline(&line, &cap, f) > 0) {
		char mnt[512], *sep = strstr(line, " - ");
		char fstype[32];

		if (!sep || sscanf(sep, " - %31s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) == 1) {
			snprintf(buf, len, "%s", mnt);
			found = 1;
		}
	}
	free(line);
	fclose(f);
	return found;
}

/* 1 if the workload can run here; else 0 and why (one line) */
int swapin_can_run(char *why, size_t len)
{
	char buf[512], path[600];
	FILE *f;
	int lines = 0;

	if (geteuid() != 0) {
		snprintf(why, len, "needs root (it makes a memory cgroup)");
		return 0;
	}
	f = fopen("/proc/swaps", "re");
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			lines++;
		fclose(f);
	}
	if (lines < 2) {
		snprintf(why, len, "no swap (/proc/swaps lists none: mkswap and swapon a device)");
		return 0;
	}
	if (!find_cgroup2(cg_mount, sizeof(cg_mount))) {
		snprintf(why, len, "no cgroup2 mount (its memory controller sets memory.max)");
		return 0;
	}
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cg_mount);
	if (read_line(path, buf, sizeof(buf)) || !has_word(buf, "memory")) {
		snprintf(why, len, "the cgroup2 memory controller is not enabled in '%s'", path);
		return 0;
	}
	f = fopen("/proc/self/cgroup", "re");
	cg_home[0] = '\0';
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (!strncmp(buf, "0::", 3)) {
				buf[strcspn(buf, "\n")] = '\0';
				snprintf(cg_home, sizeof(cg_home), "%s", buf + 3);
			}
		fclose(f);
	}
	if (!cg_home[0]) {
		snprintf(why, len, "no cgroup2 membership in /proc/self/cgroup");
		return 0;
	}
	return 1;
}

/* back to the cgroup the process came from, and the transient one removed */
static void cgroup_leave(void)
{
	char home[1600];

	if (!cg_dir[0])
		return;
	snprintf(home, sizeof(home), "%s%s", cg_mount, strcmp(cg_home, "/") ? cg_home : "");
	if (write_str(home, "cgroup.procs", "0"))
		warning("cannot move back to cgroup '%s': %s", home, strerror(errno));
	else if (rmdir(cg_dir))
		warning("cannot remove cgroup '%s': %s", cg_dir, strerror(errno));
	cg_dir[0] = '\0';
}

/* SIGINT, SIGTERM, SIGHUP: cgroup_leave() with async-signal-safe calls
 * only, then the signal's own end (the shell sees it) */
static void cgroup_leave_killed(int sig)
{
	int fd;

	if (cg_dir[0] && (fd = open(cg_home_procs, O_WRONLY | O_CLOEXEC)) >= 0) {
		if (write(fd, "0", 1) == 1)
			rmdir(cg_dir);
		close(fd);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* into a new cgroup with memory.max = bytes; charges do not move with a
 * task, so this comes before the region is allocated. Left on exit, and
 * when killed by SIGINT, SIGTERM or SIGHUP. */
static void cgroup_enter(size_t bytes)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = cgroup_leave_killed };
	char val[32];
	size_t i;

	snprintf(cg_home_procs, sizeof(cg_home_procs), "%s%s/cgroup.procs", cg_mount,
		 strcmp(cg_home, "/") ? cg_home : "");
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);

	snprintf(cg_dir, sizeof(cg_dir), "%s/" PROG "-swapin.%ld", cg_mount, (long)getpid());
	if (mkdir(cg_dir, 0755)) {
		int e = errno;

		cg_dir[0] = '\0';
		errno = e;
		die_sys("mkdir(cgroup)");
	}
	atexit(cgroup_leave);
	snprintf(val, sizeof(val), "%zu", bytes);
	if (write_str(cg_dir, "memory.max", val))
		die_sys("write(memory.max)");
	if (write_str(cg_dir, "cgroup.procs", "0"))
		die_sys("write(cgroup.procs)");
}

/* 1 if the kernel reads a swap-in asynchronously whatever the readahead
 * window (6.6+, as measured: KERNEL.md section 9), 0 if not, -1 unknown */
static int async_swapin(void)
{
	struct utsname u;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -1;
	return major > 6 || (major == 6 && minor >= 6);
}

/* of the region's pages: how many have a swap entry (pagemap), and of
 * those how many are still in the swap cache (mincore reports a swapped
 * page resident while it is) */
static void count_swapped(unsigned char *p, size_t pages, unsigned long *swapped,
			  unsigned long *cached)
{
	uint64_t *pm = malloc(pages * sizeof(*pm));
	unsigned char *vec = malloc(pages);
	ssize_t want = (ssize_t)(pages * sizeof(*pm));
	size_t i;
	int fd;

	if (!pm || !vec)
		die_sys("malloc");
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_sys("open(/proc/self/pagemap)");
	if (pread(fd, pm, (size_t)want, (off_t)((uintptr_t)p / page_size * sizeof(*pm))) != want)
		die_sys("pread(/proc/self/pagemap)");
	close(fd);
	if (mincore(p, pages * page_size, vec))
		die_sys("mincore");
	*swapped = *cached = 0;
	for (i = 0; i < pages; i++) {
		if (!(pm[i] & PM_SWAP))
			continue;
		(*swapped)++;
		*cached += vec[i] & 1;
	}
	free(pm);
	free(vec);
}

void run_swapin(const struct job *job)
{
	unsigned long pages = job->count, swapped, cached, bad = 0;
	size_t mib = job->size_mib, len = pages * page_size, i;
	struct totals *tot = job->tot;
	struct timespec pause = { 0, 20000000 };
	struct faults f0, f;
	struct range expect;
	double t0, elapsed;
	char why[256], buf[64], reclaim[32];
	int async, cluster = -1, tries;
	unsigned char *p;

	if (!swapin_can_run(why, sizeof(why)))
		die_cannot("swapin cannot run: %s", why);
	if (!read_line("/proc/sys/vm/page-cluster", buf, sizeof(buf)))
		cluster = atoi(buf);
	async = async_swapin();

	cgroup_enter(mib << 20);
	p = anon_map(len);
	for (i = 0; i < pages; i++)
		*(uint64_t *)(p + i * page_size) = PAGE_MAGIC ^ i;
	if (madvise(p, len, MADV_PAGEOUT)) {
		if (errno == EINVAL)
			die_cannot("swapin cannot run: madvise(MADV_PAGEOUT) unsupported (5.4+)");
		die_sys("madvise(MADV_PAGEOUT)");
	}
	/*
	 * MADV_PAGEOUT leaves each page in the swap cache while its write is in
	 * flight (and after): reclaim in the cgroup (memory.reclaim, 6.0+)
	 * drops them once written, so that each read-back reads the device. It
	 * also passes over a page it cannot isolate at that moment (511 of 512
	 * swapped once in a 6.12 guest): such a page is paged out again.
	 */
	snprintf(reclaim, sizeof(reclaim), "%zu", len);
	for (tries = 0; tries < 25; tries++) {
		count_swapped(p, pages, &swapped, &cached);
		if (swapped == pages && !cached)
			break;
		if (swapped < pages && madvise(p, len, MADV_PAGEOUT))
			die_sys("madvise(MADV_PAGEOUT)");
		nanosleep(&pause, NULL);
		if (write_str(cg_dir, "memory.reclaim", reclaim) && errno != EAGAIN)
			nanosleep(&pause, NULL);	/* no memory.reclaim: memory.max's pressure */
	}
	count_swapped(p, pages, &swapped, &cached);

	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (i = pages; i-- > 0;)
		bad += *(volatile uint64_t *)(p + i * page_size) != (PAGE_MAGIC ^ i);
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);
	if (munmap(p, len))
		die_sys("munmap");
	cgroup_leave();
	if (bad)
		die_msg("%lu of %lu pages read back from swap were wrong", bad, pages);

	/* a retry for each swap-in that read the device (a major fault), or
	 * none at all before 6.6 with a one-page window; with readahead, the
	 * pages read ahead and still locked retry too (and count major) */
	if (async == 0 && cluster == 0) {
		expect = exact(0);
	} else if (async == 1 && cluster == 0) {
		expect = exact((unsigned long)f.majflt);
	} else {
		expect.min = 0;
		expect.max = (unsigned long)f.majflt;
	}
	range_add(&tot->retries, expect);
	range_add(&tot->swap, expect);
	tot->major += (unsigned long)f.majflt;

	if (opt.json) {
		json_head("swapin", pages);
		printf(",\"size_mib\":%zu,\"page_cluster\":", mib);
		if (cluster < 0)
			fputs("null", stdout);
		else
			printf("%d", cluster);
		json_expect(expect, "swap", (unsigned long)f.majflt, 0);
		printf(",\"observed\":{\"swapped\":%lu,\"swap_cache\":%lu,", swapped, cached);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("swapin: %lu of %lu pages swapped out (%lu of them still in the swap cache),\n"
	      "  read back last first in %.2f s in a %zu MiB cgroup; vm.page-cluster %d\n"
	      "  expect %s retries (swap): %s; getrusage majflt +%ld minflt +%ld\n",
	      swapped, pages, cached, elapsed, mib, cluster, range_str(expect, buf, sizeof(buf)),
	      async == 0 && cluster == 0 ? "none, the reads are synchronous before 6.6" :
	      async == 1 && cluster == 0 ? "one per swap-in read (major fault)" :
	      "at most one per major fault", f.majflt, f.minflt);
	finish_output();
}
