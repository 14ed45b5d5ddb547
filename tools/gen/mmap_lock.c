// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mmap_lock workloads: faults that take it instead of a per-VMA lock
 * (vdso: a fallback retry in each child; kread: faults the kernel takes in
 * read()), known write holds (wrhold), a reader blocking a writer
 * (blocker) and the mmap/munmap benchmark (mapping).
 */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 1 if /proc/kallsyms lists the function sym, 0 if not, -1 if unknown */
int ksym_present(const char *sym)
{
	size_t cap = 0, lines = 0, n = strlen(sym);
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
		found = !strncmp(name, sym, n) && strchr(" \t\n", name[n]);
	}
	err = ferror(f);
	free(line);
	fclose(f);
	if (found)
		return 1;
	return err || !lines ? -1 : 0;
}

/* 1 if the kernel has per-VMA locks (6.4+), 0 if not, -1 if unknown. */
static int per_vma_locks(void)
{
	return ksym_present("lock_vma_under_rcu");
}

void run_vdso(const struct job *job)
{
	unsigned long children = job->count;
	struct totals *tot = job->tot;
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

/*
 * Faults the kernel takes on a user address: read() from /dev/zero into
 * fresh anonymous pages faults in clear_user(), in kernel mode. With per-VMA
 * locks those faults skip lock_vma_under_rcu() and start under mmap_lock;
 * none retries.
 */
void run_kread(const struct job *job)
{
	unsigned long pages = job->count;
	size_t len = pages * page_size;
	struct faults f0, f;
	double t0, elapsed;
	ssize_t n;
	void *map;
	int fd;

	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_sys("open(/dev/zero)");
	map = anon_map(len);
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

/* wrhold and blocker: threads that take mmap_lock, each call timed */

#define MAX_CALLS 4096

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
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
	void *(*fn)(void *);		/* what it runs */
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

/* the shortest and the longest of t's timed calls, in ns */
static void call_range(const struct lock_thread *t, uint64_t *min, uint64_t *max)
{
	unsigned long i;

	*min = UINT64_MAX;
	*max = 0;
	for (i = 0; i < t->n; i++) {
		uint64_t d = t->calls[i].end_ns - t->calls[i].start_ns;

		*min = d < *min ? d : *min;
		*max = d > *max ? d : *max;
	}
}

static void start_thread(struct lock_thread *t)
{
	int err = pthread_create(&t->thread, NULL, t->fn, t);

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

/* Run the n threads of t, let go all at once (lock_start), until each has
 * ended; returns how long that took, in s. */
static double run_threads(struct lock_thread *const *t, unsigned int n)
{
	double t0, elapsed;
	unsigned int i;

	lock_done = 0;
	if (pthread_barrier_init(&lock_start, NULL, n + 1))
		die_sys("pthread_barrier_init");
	for (i = 0; i < n; i++)
		start_thread(t[i]);
	t0 = now();
	pthread_barrier_wait(&lock_start);
	for (i = 0; i < n; i++)
		join_thread(t[i]);
	elapsed = now() - t0;
	pthread_barrier_destroy(&lock_start);
	return elapsed;
}

void run_wrhold(const struct job *job)
{
	unsigned long calls = job->count;
	size_t mib = job->size_mib;
	static struct lock_thread holder, mapper[2], faulter;
	struct lock_thread *const threads[] = { &mapper[0], &mapper[1], &faulter, &holder };
	size_t len = mib << 20;
	uint64_t min, max;
	double elapsed;

	if (calls > MAX_CALLS)
		die_usage("-n: at most %d calls", MAX_CALLS);
	holder.name = "mmr-holder";
	holder.fn = wrhold_holder;
	holder.region = populated_region(len);
	holder.len = len;
	holder.n = calls;
	mapper[0].name = mapper[1].name = "mmr-mapper";
	mapper[0].fn = mapper[1].fn = wrhold_mapper;
	faulter.name = "mmr-faulter";
	faulter.fn = wrhold_faulter;
	faulter.len = 256 * page_size;
	faulter.region = populated_region(faulter.len);
	elapsed = run_threads(threads, 4);
	call_range(&holder, &min, &max);
	if (opt.json) {
		json_head_region("wrhold", calls, mib);
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

void run_blocker(const struct job *job)
{
	unsigned long writes = job->count;
	size_t mib = job->size_mib;
	static struct lock_thread reader, writer;
	struct lock_thread *const threads[] = { &reader, &writer };
	size_t len = mib << 20;
	uint64_t min, max;
	double elapsed;

	if (writes > MAX_CALLS)
		die_usage("-n: at most %d writes", MAX_CALLS);
	reader.name = "mmr-reader";
	reader.fn = blocker_reader;
	reader.region = populated_region(len);
	reader.len = len;
	writer.name = "mmr-writer";
	writer.fn = blocker_writer;
	writer.n = writes;
	elapsed = run_threads(threads, 2);
	call_range(&writer, &min, &max);
	if (opt.json) {
		json_head_region("blocker", writes, mib);
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
void run_mapping(const struct job *job)
{
	unsigned long n = job->count;
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

/*
 * anonprep: first writes to fresh anonymous VMAs while another thread holds
 * mmap_lock for write. A VMA's first anonymous fault needs an anon_vma;
 * under the per-VMA lock __vmf_anon_prepare() (6.12; mm/memory.c) may only
 * try mmap_lock for read to make one, and returns VM_FAULT_RETRY when the
 * trylock fails: the fault is attempted again under mmap_lock.
 */
static unsigned char *anonprep_base;
static size_t anonprep_vmas;

/* mprotect() the populated region until the writer is done */
static void *anonprep_holder(void *arg)
{
	struct lock_thread *t = arg;

	thread_begin(t);
	while (!__atomic_load_n(&lock_done, __ATOMIC_ACQUIRE)) {
		int prot = t->n % 2 ? PROT_READ | PROT_WRITE : PROT_READ;

		if (mprotect(t->region, t->len, prot))
			die_sys("mprotect");
		t->n++;
	}
	t->writes = t->n;
	return NULL;
}

/*
 * the first write to each VMA, first to last, each after a short sleep: the
 * holder runs meanwhile (also where the CPUs take turns, as QEMU's
 * single-threaded TCG runs a guest's), so a write lands inside one of its
 * mprotect() calls more often than not
 */
static void *anonprep_writer(void *arg)
{
	struct lock_thread *t = arg;
	struct timespec gap = { 0, 100000 };
	struct faults f0, f;
	size_t i;

	thread_begin(t);
	f0 = faults_now(RUSAGE_THREAD);
	for (i = 0; i < anonprep_vmas; i++) {
		nanosleep(&gap, NULL);
		anonprep_base[2 * i * page_size] = 1;
	}
	f = faults_since(RUSAGE_THREAD, f0);
	t->n = anonprep_vmas;
	t->faults = (unsigned long)(f.minflt + f.majflt);
	__atomic_store_n(&lock_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

void run_anonprep(const struct job *job)
{
	unsigned long vmas = job->count;
	size_t mib = job->size_mib;
	struct totals *tot = job->tot;
	static struct lock_thread holder, writer;
	struct lock_thread *const threads[] = { &holder, &writer };
	size_t len = mib << 20, span, i;
	int producer = ksym_present("__vmf_anon_prepare");
	struct range expect = { 0, vmas };
	double elapsed;
	char buf[64];

	/*
	 * A page of its own for each VMA, a PROT_NONE page between two: VMAs
	 * that differ in protection do not merge, and a PROT_NONE neighbour,
	 * never faulted, has no anon_vma for anon_vma_prepare() to share.
	 */
	span = 2 * vmas * page_size;
	anonprep_base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			     -1, 0);
	if (anonprep_base == MAP_FAILED)
		die_sys("mmap");
	for (i = 0; i < vmas; i++)
		if (mprotect(anonprep_base + 2 * i * page_size, page_size, PROT_READ | PROT_WRITE))
			die_sys(errno == ENOMEM ? "mprotect (vm.max_map_count?)" : "mprotect");
	anonprep_vmas = vmas;
	if (producer == 0)
		expect = exact(0);

	holder.name = "mmr-holder";
	holder.fn = anonprep_holder;
	holder.region = populated_region(len);
	holder.len = len;
	writer.name = "mmr-writer";
	writer.fn = anonprep_writer;
	elapsed = run_threads(threads, 2);

	range_add(&tot->retries, expect);
	range_add(&tot->anon_vma, expect);
	if (opt.json) {
		json_head("anonprep", vmas);
		printf(",\"size_mib\":%zu,\"vmf_anon_prepare\":%s", mib,
		       producer < 0 ? "null" : producer ? "true" : "false");
		json_expect(expect, "anon_vma", 0, 0);
		fputs(",\"observed\":{\"writer\":", stdout);
		json_thread(&writer, 0);
		fputs(",\"holder\":", stdout);
		json_thread(&holder, 0);
		printf(",\"elapsed_s\":%.6f}", elapsed);
		json_tail();
	}
	human("anonprep: thread %d (mmr-writer) wrote first to %lu fresh VMAs in %.2f s\n"
	      "  while thread %d (mmr-holder) made %lu mprotect() calls over %zu MiB\n"
	      "  expect %s retries (anon_vma)%s\n",
	      (int)writer.tid, vmas, elapsed, (int)holder.tid, holder.n, mib,
	      range_str(expect, buf, sizeof(buf)),
	      producer == 0 ? ": this kernel has no __vmf_anon_prepare" :
	      producer < 0 ? ": /proc/kallsyms unreadable" : ", timing dependent");
	finish_output();
	munmap(holder.region, len);
	munmap(anonprep_base, span);
}
