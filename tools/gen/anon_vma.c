// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * anon_vma workloads: fork chains (forktree) and rmap fan-out (rmapfan),
 * with the family of children both fork and reap.
 */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

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

void run_forktree(const struct job *job)
{
	unsigned long depth = job->count;
	size_t mib = job->size_mib;
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
		json_head_region("forktree", depth, mib);
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

/* Fork the children that share region, each writing it first if cow (fd,
 * ours, is closed in them), and wait until each has reported. */
static void rmapfan_fork(struct family *fam, pid_t *pids, unsigned long children, int fd,
			 unsigned char *region, size_t len, int cow)
{
	struct child_rec r;
	unsigned long i;

	finish_output();
	family_start(fam);
	for (i = 0; i < children; i++) {
		pids[i] = family_fork(fam);
		if (!pids[i]) {
			close(fd);
			rmapfan_child(fam, region, len, cow);
		}
	}
	family_forked(fam);
	for (i = 0; i < children; i++)
		family_recv(fam, &r);
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
	rmapfan_fork(&fam, pids, children, fd, region, len, 1);

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
		json_head_region("rmapfan", children, len >> 20);
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

void run_rmapfan(const struct job *job)
{
	unsigned long children = job->count;
	size_t mib = job->size_mib;
	int cow = job->cow;
	size_t len = mib << 20, pages, flen, moved = 0, offlined = 0, k;
	unsigned char *filler;
	uint64_t t0, compact_ns, *pfn0, *pfn1;
	unsigned long rounds = 0;
	long long mig0, mig1;
	unsigned char *region;
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
	rmapfan_fork(&fam, pids, children, fd, region, len, cow);

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
		json_head_region("rmapfan", children, mib);
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
