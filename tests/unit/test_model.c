// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_model.c: the reference fault path (user/model/) against the seed
 * results it must reproduce, each with the figure its source states, and
 * against what mmretry measured live for the generator's workloads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "unit.h"

static struct model_result run(const char *scenario, enum model_policy p, double scale)
{
	const struct model_scenario *sc = model_scenario_find(scenario);
	struct model_result r;

	assert_non_null(sc);
	assert_int_equal(model_scenario_run(sc, p, 1, scale, &r), 0);
	return r;
}

/*
 * 2022, VM_FAULT_COMPLETED: sequentially dirtying 400 MB of shmem takes "2
 * counts for each shmem write simply because we retried" under retry, 1
 * with VM_FAULT_COMPLETED, which is faster (the patch measured ~12%).
 */
static void seed_completed(void **state)
{
	const uint64_t pages = 400 * 256;	/* full size */
	struct model_result retry = run("shmem-dirty", POLICY_RETRY, 1);
	struct model_result done = run("shmem-dirty", POLICY_COMPLETED, 1);
	struct model_result legacy = run("shmem-dirty", POLICY_LEGACY, 1);
	double speedup;

	assert_int_equal(retry.faults.attempts, 2 * pages);
	assert_int_equal(retry.faults.retries, pages);
	assert_int_equal(retry.faults.faults, pages);
	assert_int_equal(retry.faults.completed, 0);
	assert_int_equal(done.faults.attempts, pages);
	assert_int_equal(done.faults.retries, 0);
	assert_int_equal(done.faults.completed, pages);
	assert_int_equal(done.faults.faults, pages);
	/* before either, the page was dirtied under the lock: one attempt */
	assert_int_equal(legacy.faults.attempts, pages);
	assert_int_equal(legacy.faults.completed, 0);
	/* mmap_lock taken once per attempt */
	assert_int_equal(retry.lock[0].acquisitions, 2 * pages);
	assert_int_equal(done.lock[0].acquisitions, pages);
	speedup = 1.0 - (double)done.sim_ns / retry.sim_ns;
	print_message("shmem-dirty: retry %.1f ms, completed %.1f ms: %.1f%% faster\n",
		      retry.sim_ns / 1e6, done.sim_ns / 1e6, 100 * speedup);
	assert_true(speedup > 0.05 && speedup < 0.5);
}

/*
 * 2006, NOPAGE_RETRY: with I/O under mmap_sem, the mmap/munmap thread waits
 * behind every reader's disk read; dropping the lock for the I/O makes its
 * waits collapse, while "the double walk" costs the faulting threads "<< 1%".
 */
static void seed_nopage_retry(void **state)
{
	struct model_result legacy = run("file-reverse", POLICY_LEGACY, 1);
	struct model_result nopage = run("file-reverse", POLICY_NOPAGE_RETRY, 1);
	const uint64_t pages = 64 * 256;
	double lw = (double)legacy.lock[1].wait.sum_ns / legacy.lock[1].wait.count;
	double nw = (double)nopage.lock[1].wait.sum_ns / nopage.lock[1].wait.count;
	double cost = (double)nopage.thread_ns[0] / legacy.thread_ns[0];

	print_message("file-reverse: writer wait mean %.1f us (legacy) -> %.1f us (nopage-retry), "
		      "max %.1f -> %.1f us; faulting threads' time x%.4f\n", lw / 1e3, nw / 1e3,
		      legacy.lock[1].wait.max_ns / 1e3, nopage.lock[1].wait.max_ns / 1e3, cost);
	assert_int_equal(legacy.faults.retries, 0);
	assert_int_equal(legacy.faults.major, pages);
	assert_int_equal(nopage.faults.retries, pages);
	assert_int_equal(nopage.faults.reasons[MMR_REASON_FILE_IO], pages);
	assert_int_equal(nopage.faults.attempts, 2 * pages);
	/* the writer's wait: behind a 100 us read, or behind a few us of work */
	assert_true(lw > 20 * nw);
	assert_true(legacy.lock[1].wait.max_ns >= 100000);
	assert_true(nopage.lock[1].wait.max_ns < 20000);
	/* the faulting threads: no slower (they no longer wait behind the
	 * writer either), and the second walk costs under 1% of their time */
	assert_true(cost < 1.01);
}

/*
 * 2010, anon_vma chains: in the AIM7-like fork workload, with one anon_vma
 * per VMA family every walk visits all N+1 VMAs; with chains the average
 * is "2" ("reduces the average scanning cost ... from O(N) to 2").
 */
static void seed_anon_vma_chains(void **state)
{
	struct model_result one = run("aim7-fork", POLICY_LEGACY, 1);
	struct model_result chains = run("aim7-fork", POLICY_RETRY, 1);
	const uint64_t walks = 1001 * 1000;	/* the parent's pages and 1000 children's */
	double avg_one = (double)one.walk.vmas.sum_ns / one.walk.walks;
	double avg_chains = (double)chains.walk.vmas.sum_ns / chains.walk.walks;

	print_message("aim7-fork: VMAs per rmap walk %.3f (one anon_vma) -> %.3f (chains)\n",
		      avg_one, avg_chains);
	assert_true(one.anon && chains.anon && !one.locks);
	assert_int_equal(one.walk.walks, walks);
	assert_int_equal(chains.walk.walks, walks);
	assert_true(avg_one == 1001);			/* O(N): every VMA of the family */
	assert_true(avg_chains > 1.9 && avg_chains < 2.1);	/* "2" */
	/* chains: the children's own anon_vma makes theirs 2 long */
	assert_int_equal(one.chain.length.max_ns, 1);
	assert_int_equal(chains.chain.length.max_ns, 2);
	assert_int_equal(chains.chain.events[MMR_CHAIN_FORK], 1000);
	/* every COW is a fault, none retried */
	assert_int_equal(chains.faults.faults, 1001 * 1000);
	assert_int_equal(chains.faults.retries, 0);
	/* the walks' modelled time follows the VMAs they visit */
	assert_true(one.walk.ns.sum_ns > 100 * chains.walk.ns.sum_ns / 2);
}

/*
 * 2018, speculative page faults: a fault racing munmap (or mprotect) is
 * retried (its VMA changed: the sequence count) or fails safely (SIGSEGV
 * under mmap_lock), never installed into an unmapped range. The 2008
 * idea's dead-VMA check alone also keeps faults out of unmapped VMAs, but
 * lets writes into a VMA made read-only meanwhile: what the sequence
 * count is for.
 */
static void seed_speculative(void **state)
{
	struct model_result spf = run("spf-race", POLICY_SPF, 1);
	struct model_result srcu = run("spf-race", POLICY_SRCU_VMA, 1);
	struct model_result vma = run("spf-race", POLICY_PER_VMA, 1);
	struct model_result legacy = run("spf-race", POLICY_LEGACY, 1);

	print_message("spf-race: spf %llu aborts, %llu failed safely; srcu-vma %llu writes "
		      "into read-only VMAs\n", (unsigned long long)spf.speculative_aborts,
		      (unsigned long long)spf.bad_area,
		      (unsigned long long)srcu.unsafe_readonly);
	/* the race happens, and is caught */
	assert_true(spf.speculative_aborts > 100);
	assert_int_equal(spf.faults.reasons[MMR_REASON_VMA_FALLBACK], spf.speculative_aborts);
	assert_true(spf.bad_area > 100);
	assert_int_equal(spf.unsafe_unmapped, 0);
	assert_int_equal(spf.unsafe_readonly, 0);
	/* every fault accounted: done, or failed */
	assert_int_equal(spf.faults.faults + spf.bad_area, 8 * 4000);
	assert_int_equal(srcu.unsafe_unmapped, 0);
	assert_true(srcu.unsafe_readonly > 0);
	/* under locks there is no race to catch */
	assert_int_equal(vma.unsafe_unmapped + vma.unsafe_readonly + vma.speculative_aborts, 0);
	assert_int_equal(legacy.unsafe_unmapped + legacy.unsafe_readonly, 0);
	assert_int_equal(legacy.faults.faults + legacy.bad_area, 8 * 4000);
}

/*
 * Andrew Morton's 2006 variant: after the I/O, with mmap_sem taken again
 * and the mm unchanged, the fault goes on: one attempt instead of two. With
 * a thread changing the mm every 20 us, a 100 us read always sees it
 * changed, and the variant retries as nopage-retry does (a lock more).
 */
static void what_if_seqcount(void **state)
{
	struct model_result quiet = run("gen-file", POLICY_SEQCOUNT, 1);
	struct model_result busy = run("file-reverse", POLICY_SEQCOUNT, 1);

	assert_int_equal(quiet.continued, 4096);
	assert_int_equal(quiet.faults.attempts, 4096);
	assert_int_equal(quiet.faults.retries, 0);
	assert_int_equal(busy.continued, 0);
	assert_int_equal(busy.faults.retries, 64 * 256);
	assert_int_equal(busy.lock[0].acquisitions, 3 * 64 * 256);
}

/* a scenario file runs as the built-in scenario it writes out */
static void spec_equals_builtin(void **state)
{
	static const char text[] =
		"mmretry_scenario: 1\n"
		"name: file-reverse\n"
		"vmas:\n"
		"  data: {kind: file, pages: 16384}\n"
		"threads:\n"
		"  - {program: fault, vma: data, faults: 256, first: 255, step: -1, stride: 256,\n"
		"     count: 64}\n"
		"  - {program: mapper, pages: 16, rest: 20us}\n";
	struct model_spec spec;
	struct model_result a, b;
	char err[256];

	assert_int_equal(model_spec_parse(text, strlen(text), "f.yml", &spec, err, sizeof(err)), 0);
	assert_string_equal(spec.name, "file-reverse");
	assert_int_equal(spec.nvmas, 1);
	assert_int_equal(spec.nthreads, 2);
	assert_int_equal(spec.threads[0].count, 64);
	assert_int_equal(spec.threads[0].step, -1);
	assert_int_equal(spec.threads[1].rest_ns, 20000);
	for (int p = POLICY_LEGACY; p <= POLICY_PER_VMA; p++) {
		assert_int_equal(model_spec_run(&spec, p, 1, 1, &a), 0);
		b = run("file-reverse", p, 1);
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

/* docs/scenarios/NAME.yml runs as the built-in NAME does, under every era */
static void spec_docs_equal_builtins(void **state)
{
	static const char *const names[] = { "file-reverse", "spf-race", "swap-in", "dirty-file" };
	struct model_spec spec;
	struct model_result a, b;
	char path[128], err[256], *buf;
	size_t i, len;
	FILE *f;

	for (i = 0; i < ARRAY_LEN(names); i++) {
		snprintf(path, sizeof(path), "docs/scenarios/%s.yml", names[i]);
		f = fopen(path, "r");
		if (!f)
			fail_msg("%s: %s (run from the source tree)", path, strerror(errno));
		buf = calloc(1, 1 << 16);
		assert_non_null(buf);
		len = fread(buf, 1, (1 << 16) - 1, f);
		fclose(f);
		if (model_spec_parse(buf, len, path, &spec, err, sizeof(err)))
			fail_msg("%s", err);
		free(buf);
		assert_string_equal(spec.name, names[i]);
		for (int p = POLICY_LEGACY; p < MODEL_NR_POLICIES; p++) {
			assert_int_equal(model_spec_run(&spec, p, 1, 1, &a), 0);
			b = run(names[i], p, 1);
			if (memcmp(&a.faults, &b.faults, sizeof(a.faults)) ||
			    memcmp(a.lock, b.lock, sizeof(a.lock)) || a.sim_ns != b.sim_ns ||
			    a.dirty_pauses != b.dirty_pauses || a.unsafe_readonly != b.unsafe_readonly)
				fail_msg("%s under %s: the file's run differs from the built-in's",
					 names[i], model_policy_info(p)->name);
		}
	}
}

/* a scenario file's kernel: true faults as gen-kread's do */
static void spec_kernel_faults(void **state)
{
	static const char text[] =
		"mmretry_scenario: 1\nvmas:\n  buf: {kind: anon, pages: 1024}\nthreads:\n"
		"  - {program: fault, vma: buf, faults: 1024, write: true, kernel: true}\n";
	struct model_spec spec;
	struct model_result a, b = run("gen-kread", POLICY_PER_VMA, 1);
	char err[256];

	assert_int_equal(model_spec_parse(text, strlen(text), "k.yml", &spec, err, sizeof(err)), 0);
	assert_int_equal(model_spec_run(&spec, POLICY_PER_VMA, 1, 1, &a), 0);
	assert_int_equal(a.faults.kernel_faults, 1024);
	assert_int_equal(a.faults.vma_lock_attempts, 0);
	assert_memory_equal(&a.faults, &b.faults, sizeof(a.faults));
}

static void spec_errors(void **state)
{
#define HEAD "mmretry_scenario: 1\nvmas:\n  d: {kind: anon, pages: 10}\nthreads:\n"
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "", "f.yml:1: not an mmretry scenario: expected a mapping with mmretry_scenario: 1, "
		  "vmas and threads" },
		{ "mmretry_scenario: 2\n", "f.yml:1: unsupported scenario version '2' (this mmretry "
		  "reads 1)" },
		{ "vmas: {}\nthreads: []\n", "f.yml:1: not an mmretry scenario: no 'mmretry_scenario: 1'" },
		{ "mmretry_scenario: 1\nvmas: {d: {kind: anon, pages: 1}}\n",
		  "f.yml:1: a scenario needs vmas and threads" },
		{ HEAD "  - {program: fault, vma: d, faults: 10}\nextra: 1\n",
		  "f.yml:6: unknown key 'extra' (mmretry_scenario, name, vmas, threads, dirty)" },
		{ "mmretry_scenario: 1\nvmas:\n  d: {kind: file, pages: 10, initial: swapped}\n"
		  "threads: []\n", "f.yml:3: vmas: d: only an anon VMA starts present or swapped" },
		{ "mmretry_scenario: 1\nvmas:\n  d: {kind: anon, pages: 10, initial: cached}\n"
		  "threads: []\n", "f.yml:3: vmas: d: only a file VMA starts cached" },
		{ "mmretry_scenario: 1\nvmas:\n  d: {kind: anon, pages: 10, initial: full}\n"
		  "threads: []\n", "f.yml:3: vmas: d: initial is empty, present, swapped or cached, "
		  "not 'full'" },
		{ HEAD "  - {program: fault, vma: d, faults: 10}\ndirty: {limit: 10}\n",
		  "f.yml:6: dirty: needs limit and writeback" },
		{ HEAD "  - {program: fault, vma: d, faults: 10}\ndirty: {limit: 10, speed: 4}\n",
		  "f.yml:6: dirty: unknown key 'speed' (limit, writeback)" },
		{ HEAD "  - {program: fault, vma: d, faults: 1, kernel: 1}\n",
		  "f.yml:5: kernel: '1' is not true or false" },
		{ "mmretry_scenario: 1\nvmas:\n  d: {kind: swap, pages: 10}\nthreads: []\n",
		  "f.yml:3: vmas: d: kind is anon, file or shmem, not 'swap'" },
		{ "mmretry_scenario: 1\nvmas:\n  d: {kind: anon, pages: 0}\nthreads: []\n",
		  "f.yml:3: pages: '0' is not an integer from 1 to 16777216" },
		{ HEAD "  - {program: fault, vma: e, faults: 10}\n", "f.yml:5: vma: no VMA named 'e'" },
		{ HEAD "  - {program: fault, vma: d, faults: 11}\n",
		  "f.yml:5: threads: fault: pages outside vma 'd' (10 pages)" },
		{ HEAD "  - {program: fault, vma: d, faults: 10, first: 9, step: -1, stride: 1, count: 2}\n",
		  "f.yml:5: threads: fault: pages outside vma 'd' (10 pages)" },
		{ HEAD "  - {program: walk, vma: d}\n",
		  "f.yml:5: threads: program is fault, random, mapper, changer or mapping, not 'walk'" },
		{ HEAD "  - {program: mapper, pages: 4, rest: 2 hours}\n",
		  "f.yml:5: rest: '2 hours' is not a duration (ns, us or ms, up to 10 s)" },
		{ HEAD "  - {program: mapper, pages: 4}\n",
		  "f.yml:5: threads: none faults (mapper and changer run while others fault)" },
		{ HEAD "  - {program: random, faults: 4}\n", "f.yml:5: threads: random needs a vma" },
		{ HEAD "  - {program: fault, vma: d, faults: 1, write: yes}\n",
		  "f.yml:5: write: 'yes' is not true or false" },
		{ HEAD "  - {program: mapping, rounds: 1, count: 300}\n",
		  "f.yml:5: count: '300' is not an integer from 1 to 256" },
		{ HEAD "  - {program: fault, vma: d, faults: 1\n",
		  "f.yml:6: did not find expected ',' or '}' while parsing a flow mapping" },
	};
#undef HEAD
	struct model_spec spec;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(model_spec_parse(cases[i].text, strlen(cases[i].text), "f.yml", &spec,
						  err, sizeof(err)), -EINVAL);
		if (strcmp(err, cases[i].err))
			fail_msg("case %zu: want '%s', got '%s'", i, cases[i].err, err);
	}
}

/*
 * mmretry-gen forktree, as mmretry measures it live: fork k of the chain
 * makes an anon_vma chain k+1 long; R1, R2, R3 make 2, 3, 3, R3 reusing
 * R1's anon_vma (no active VMA after R1's exit, one child).
 */
static void gen_forktree(void **state)
{
	struct model_result r = run("gen-forktree", POLICY_PER_VMA, 1);
	struct model_result one = run("gen-forktree", POLICY_NOPAGE_RETRY, 1);

	assert_int_equal(r.chain.events[MMR_CHAIN_PREPARE], 1);
	assert_int_equal(r.chain.events[MMR_CHAIN_FORK], 6 + 3);
	assert_int_equal(r.chain.reused, 1);
	assert_int_equal(r.chain.length.max_ns, 7);
	/* 1 (prepare); 2, 3 and R1 2, R2 3, R3 3; 4, 5, 6, 7 */
	assert_int_equal(r.chain.length.slots[0], 1);
	assert_int_equal(r.chain.length.slots[1], 5);
	assert_int_equal(r.chain.length.slots[2], 4);
	assert_int_equal(r.chain.length.sum_ns, 1 + (2 + 3 + 4 + 5 + 6 + 7) + (2 + 3 + 3));
	/* before 2.6.34: one anon_vma, chains 1 long, nothing to reuse */
	assert_int_equal(one.chain.length.max_ns, 1);
	assert_int_equal(one.chain.reused, 0);
}

/* the same seed, the same run */
static void deterministic(void **state)
{
	struct model_result a = run("file-reverse", POLICY_PER_VMA, 0.25);
	struct model_result b = run("file-reverse", POLICY_PER_VMA, 0.25);

	assert_memory_equal(&a, &b, sizeof(a));
}

/*
 * The generator's workloads, as mmretry measured them live (in the VM
 * matrix, tests/model/live.sh): 4096 uncached file pages in reverse: 4096 retries (file_io),
 * 4096 major, two attempts each; on 6.1 both under mmap_lock, on 6.12/7.2
 * the first under the per-VMA lock.
 */
static void gen_file(void **state)
{
	struct model_result r = run("gen-file", POLICY_RETRY, 1);
	struct model_result v = run("gen-file", POLICY_PER_VMA, 1);

	assert_int_equal(r.faults.attempts, 8192);
	assert_int_equal(r.faults.retries, 4096);
	assert_int_equal(r.faults.reasons[MMR_REASON_FILE_IO], 4096);
	assert_int_equal(r.faults.major, 4096);
	assert_int_equal(r.lock[0].acquisitions, 8192);
	assert_int_equal(v.faults.attempts, 8192);
	assert_int_equal(v.faults.retries, 4096);
	assert_int_equal(v.faults.vma_lock_attempts, 4096);
	assert_int_equal(v.faults.mmap_lock_attempts, 4096);
	assert_int_equal(v.lock[0].acquisitions, 4096);
}

/*
 * uffd: one userfaultfd retry per page, no VM_FAULT_MAJOR (the kernel's own
 * accounting calls it major on 6.1, through TRIED; mmretry counts the
 * result, 0 live on 6.1 in fentry mode); SIGBUS where the fault may not
 * wait (legacy).
 */
static void gen_uffd(void **state)
{
	struct model_result c = run("gen-uffd", POLICY_COMPLETED, 1);
	struct model_result v = run("gen-uffd", POLICY_PER_VMA, 1);
	struct model_result l = run("gen-uffd", POLICY_LEGACY, 1);

	assert_int_equal(c.faults.retries, 100);
	assert_int_equal(c.faults.reasons[MMR_REASON_USERFAULTFD], 100);
	assert_int_equal(c.uffd_served, 100);
	assert_int_equal(c.faults.major, 0);
	assert_int_equal(v.faults.retries, 100);
	assert_int_equal(v.faults.major, 0);
	assert_int_equal(v.faults.vma_lock_attempts, 100);
	assert_int_equal(l.faults.errors, 100);
	assert_int_equal(l.faults.faults, 100);	/* an error ends a fault */
	assert_int_equal(l.uffd_served, 0);
}

/*
 * mapping: 2 write holds a round; munmap() goes on under the read lock
 * since 4.20 (a downgrade, a read hold); the fault takes mmap_lock for read
 * where there are no per-VMA locks. Live: 200,069 read holds on 6.1,
 * 100,017 on 6.12 and 7.2, 100,001 downgrades.
 */
static void gen_mapping(void **state)
{
	struct model_result c = run("gen-mapping", POLICY_COMPLETED, 1);
	struct model_result v = run("gen-mapping", POLICY_PER_VMA, 1);
	struct model_result l = run("gen-mapping", POLICY_LEGACY, 1);

	assert_int_equal(c.lock[1].hold.count, 200000);
	assert_int_equal(c.lock[1].downgrades, 100000);
	assert_int_equal(c.lock[0].hold.count, 200000);
	assert_int_equal(v.lock[0].hold.count, 100000);
	assert_int_equal(v.lock[0].acquisitions, 0);	/* downgrades, not acquisitions */
	assert_int_equal(v.faults.vma_lock_attempts, 100000);
	assert_int_equal(l.lock[1].downgrades, 0);
	assert_int_equal(l.lock[0].hold.count, 100000);
}

/* memfd: completed = PAGES on 5.19+, retried before */
static void gen_memfd(void **state)
{
	struct model_result c = run("gen-memfd", POLICY_COMPLETED, 1);
	struct model_result v = run("gen-memfd", POLICY_PER_VMA, 1);
	struct model_result r = run("gen-memfd", POLICY_RETRY, 1);

	assert_int_equal(c.faults.completed, 1000);
	assert_int_equal(v.faults.completed, 1000);
	assert_int_equal(v.faults.vma_lock_attempts, 1000);
	assert_int_equal(r.faults.completed, 0);
	assert_int_equal(r.faults.retries, 1000);
}

/*
 * pagelock: the fault finds the folio readahead locked; it waits for the
 * read without its lock and retries (page_lock), and is not major (the
 * folio was in the cache); legacy waits holding mmap_lock for the read.
 */
static void gen_pagelock(void **state)
{
	struct model_result v = run("gen-pagelock", POLICY_PER_VMA, 1);
	struct model_result l = run("gen-pagelock", POLICY_LEGACY, 1);

	assert_int_equal(v.faults.retries, 64);
	assert_int_equal(v.faults.reasons[MMR_REASON_PAGE_LOCK], 64);
	assert_int_equal(v.faults.major, 0);
	assert_int_equal(v.faults.faults, 64);
	assert_int_equal(l.faults.retries, 0);
	assert_true(l.lock[0].hold.max_ns >= 90000);	/* the read, under the lock */
	assert_true(v.lock[0].hold.max_ns < 10000);
}

/*
 * vdso: under the VMA lock a special mapping's fault cannot run
 * (vmf_can_call_fault, 6.7+): one vma_fallback retry per child; none
 * before per-VMA locks. The parent's fork takes mmap_lock for write.
 */
static void gen_vdso(void **state)
{
	struct model_result v = run("gen-vdso", POLICY_PER_VMA, 1);
	struct model_result c = run("gen-vdso", POLICY_COMPLETED, 1);

	assert_int_equal(v.faults.retries, 16);
	assert_int_equal(v.faults.reasons[MMR_REASON_VMA_FALLBACK], 16);
	assert_int_equal(v.faults.vma_lock_attempts, 16);
	assert_int_equal(v.faults.mmap_lock_attempts, 16);
	assert_int_equal(v.faults.faults, 16);
	assert_int_equal(c.faults.retries, 0);
	assert_int_equal(c.faults.attempts, 16);
	assert_int_equal(v.lock[1].acquisitions, 16);
}

/* kread: faults the kernel takes on user addresses start under mmap_lock,
 * per-VMA locks or not; none retries */
static void gen_kread(void **state)
{
	struct model_result v = run("gen-kread", POLICY_PER_VMA, 1);
	struct model_result u = run("gen-anon", POLICY_PER_VMA, 0.25);	/* 1024 pages */

	assert_int_equal(v.faults.faults, 1024);
	assert_int_equal(v.faults.kernel_faults, 1024);
	assert_int_equal(v.faults.vma_lock_attempts, 0);
	assert_int_equal(v.faults.mmap_lock_attempts, 1024);
	assert_int_equal(v.faults.retries, 0);
	assert_int_equal(v.lock[0].acquisitions, 1024);
	/* the same faults from user mode: under the VMA lock, but the first,
	 * which gives the VMA its anon_vma under mmap_lock */
	assert_int_equal(u.faults.kernel_faults, 0);
	assert_int_equal(u.faults.vma_lock_attempts, 1024);
}

/*
 * wrhold: every mprotect() holds mmap_lock for write while it changes
 * 65,536 PTEs (0.66 ms here); the mappers' mmap()s wait behind it.
 */
static void gen_wrhold(void **state)
{
	struct model_result v = run("gen-wrhold", POLICY_PER_VMA, 1);
	struct model_result c = run("gen-wrhold", POLICY_COMPLETED, 1);

	assert_true(v.lock[1].hold.count >= 16 + 2 * 2);	/* and the mappers' */
	assert_true(v.faults.faults >= 65536 + 256 + 2 * 16);	/* populated, then touched */
	assert_true(v.lock[1].hold.max_ns >= 65536 * 10);
	assert_true(v.lock[1].wait.max_ns >= 65536 * 10 / 2);
	assert_int_equal(v.faults.retries, 0);
	/* without per-VMA locks the faulter's faults wait for the holder too */
	assert_true(c.faults.faults < v.faults.faults);
	assert_true(c.lock[0].wait.max_ns >= 65536 * 10 / 2);
}

/*
 * blocker: each of the writer's 16 mmap()s waits for the rest of the
 * reader's pass (65,536 pages walked under the read lock), 200 us in.
 */
static void gen_blocker(void **state)
{
	struct model_result v = run("gen-blocker", POLICY_PER_VMA, 1);
	struct model_result l = run("gen-blocker", POLICY_LEGACY, 1);
	const uint64_t pass = 65536 * 15;

	assert_int_equal(v.lock[1].hold.count, 32);	/* 16 mmap, 16 munmap */
	assert_int_equal(v.lock[1].downgrades, 16);	/* munmap (4.20+) */
	assert_int_equal(l.lock[1].downgrades, 0);
	assert_true(v.lock[1].wait.max_ns >= pass - 200000 - 20000 && v.lock[1].wait.max_ns <= pass);
	assert_true(v.lock[1].wait.sum_ns >= 16 * (pass - 200000 - 40000) / 2);
	/* the region populated first: 65,536 faults under one read hold */
	assert_int_equal(v.faults.faults, 65536);
	assert_int_equal(v.faults.mmap_lock_attempts, 65536);
	assert_int_equal(v.lock[0].hold.max_ns, 65536 * 500);
}

/*
 * rmapfan: the children only read the region: every walk of its pages,
 * by try_to_migrate and by remove_migration_ptes, visits the 5 VMAs, all
 * mapping the page, in both designs; chains are 2 long with them.
 */
static void gen_rmapfan(void **state)
{
	struct model_result v = run("gen-rmapfan", POLICY_PER_VMA, 1);
	struct model_result l = run("gen-rmapfan", POLICY_LEGACY, 1);

	assert_int_equal(v.walk.walks, 2 * 4096);
	assert_int_equal(v.nwalkers, 2);
	assert_string_equal(v.walkers[0].name, "try_to_migrate");
	assert_int_equal(v.walkers[1].s.walks, 4096);
	assert_int_equal(v.walk.vmas.max_ns, 5);
	assert_int_equal(v.walk.vmas.sum_ns, 5 * 2 * 4096);
	assert_int_equal(v.walk.mapped.sum_ns, 5 * 2 * 4096);
	assert_int_equal(l.walk.vmas.sum_ns, 5 * 2 * 4096);
	assert_int_equal(v.chain.length.max_ns, 2);
	assert_int_equal(l.chain.length.max_ns, 1);
}

/*
 * swap-in: a swapped-out page is read under mmap_lock (legacy) or the
 * fault waits without it and retries (swap); the read is major either
 * way. The mapper's mmap_lock wait goes with it.
 */
static void swap_in(void **state)
{
	struct model_result r = run("swap-in", POLICY_RETRY, 1);
	struct model_result l = run("swap-in", POLICY_LEGACY, 1);
	struct model_result v = run("swap-in", POLICY_PER_VMA, 1);

	assert_int_equal(r.faults.retries, 8 * 2048);
	assert_int_equal(r.faults.reasons[MMR_REASON_SWAP], 8 * 2048);
	assert_int_equal(r.faults.major, 8 * 2048);
	assert_int_equal(r.faults.faults, 8 * 2048);
	assert_int_equal(l.faults.retries, 0);
	assert_int_equal(l.faults.major, 8 * 2048);
	assert_int_equal(v.faults.vma_lock_attempts, 8 * 2048);
	assert_int_equal(v.faults.reasons[MMR_REASON_SWAP], 8 * 2048);
	assert_true(l.lock[1].wait.max_ns >= 90000);
	assert_true(r.lock[1].wait.max_ns < 5000);
}

/*
 * gen-swapin, a one-page swap readahead window (vm.page-cluster=0): from
 * 4.13 to 6.5 the read is polled, synchronous, and the fault never retries
 * (KERNEL.md §9: 6.1, 3169 major faults and 0 retries); from 6.6 it is
 * asynchronous, a swap retry per page (6.12 and 7.2); before the retry
 * era, the wait is under mmap_lock.
 */
static void gen_swapin(void **state)
{
	struct model_result l = run("gen-swapin", POLICY_LEGACY, 1);
	struct model_result r = run("gen-swapin", POLICY_RETRY, 1);
	struct model_result c = run("gen-swapin", POLICY_COMPLETED, 1);
	struct model_result v = run("gen-swapin", POLICY_PER_VMA, 1);

	assert_int_equal(c.faults.major, 512);
	assert_int_equal(c.faults.retries, 0);
	assert_int_equal(r.faults.retries, 0);
	assert_int_equal(l.faults.retries, 0);
	assert_int_equal(v.faults.major, 512);
	assert_int_equal(v.faults.retries, 512);
	assert_int_equal(v.faults.reasons[MMR_REASON_SWAP], 512);
	/* the polled read is waited for in the fault: as long as the retry's */
	assert_true(c.latency.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT].sum_ns >=
		    512 * 100000);
}

/*
 * gen-holepunch: a read fault during a punch sleeps until it ends, without
 * its lock (RETRY, shmem) where it may drop it; in the model the reader
 * meets each of the 48 punches once. Before ALLOW_RETRY (legacy) it sleeps
 * holding it: VM_FAULT_NOPAGE, no retry.
 */
static void gen_holepunch(void **state)
{
	struct model_result l = run("gen-holepunch", POLICY_LEGACY, 1);
	struct model_result c = run("gen-holepunch", POLICY_COMPLETED, 1);
	struct model_result v = run("gen-holepunch", POLICY_PER_VMA, 1);

	assert_int_equal(c.faults.reasons[MMR_REASON_SHMEM], 48);
	assert_int_equal(c.faults.retries, 48);
	assert_int_equal(v.faults.reasons[MMR_REASON_SHMEM], 48);
	assert_int_equal(l.faults.retries, 0);
	assert_true(l.faults.faults >= 1024);	/* NOPAGE is a fault done: it faults again */
}

/*
 * gen-anonprep: first writes to fresh VMAs while mprotect() holds mmap_lock
 * for write: under the VMA lock (per-vma) a failed trylock in
 * __vmf_anon_prepare() retries (anon_vma), as often as the writer holds the
 * lock; before, the fault waits for mmap_lock and never retries.
 */
static void gen_anonprep(void **state)
{
	struct model_result c = run("gen-anonprep", POLICY_COMPLETED, 1);
	struct model_result v = run("gen-anonprep", POLICY_PER_VMA, 1);

	assert_int_equal(c.faults.retries, 0);
	assert_true(v.faults.reasons[MMR_REASON_ANON_VMA] >= 1);
	assert_true(v.faults.reasons[MMR_REASON_ANON_VMA] <= 256);
	assert_int_equal(v.faults.retries, v.faults.reasons[MMR_REASON_ANON_VMA]);
}

/*
 * dirty-file: past the dirty limit the writer sleeps in
 * balance_dirty_pages() every 32 pages; holding mmap_lock before 5.3, the
 * mapper's mmap() waits out the sleep (about 1.25 ms: 32 pages written back
 * at 100 MB/s); since, the sleep is without it, and the fault retries (or,
 * from 5.19, completes).
 */
static void dirty_file(void **state)
{
	struct model_result l = run("dirty-file", POLICY_LEGACY, 1);
	struct model_result r = run("dirty-file", POLICY_RETRY, 1);
	struct model_result c = run("dirty-file", POLICY_COMPLETED, 1);

	assert_true(l.dirty_pauses > 1000);
	assert_true(r.dirty_pauses > 1000);
	assert_true(l.lock[1].wait.max_ns >= 1000000);
	assert_true(l.lock[0].hold.max_ns >= 1000000);
	assert_true(r.lock[1].wait.max_ns < 10000);
	assert_true(r.lock[0].hold.max_ns < 10000);
	assert_int_equal(r.faults.retries, 65536);
	assert_int_equal(r.faults.reasons[MMR_REASON_OTHER], 65536);
	assert_int_equal(c.faults.completed, 65536);
	assert_int_equal(l.faults.retries + l.faults.completed, 0);
	/* writeback sets the pace: 49,152 pages over the limit at 25,600 a
	 * second, about 1.9 s, in every era */
	assert_true(l.sim_ns > 1800000000ULL && l.sim_ns < 2100000000ULL);
	assert_true(r.sim_ns > 1800000000ULL && r.sim_ns < 2100000000ULL);
}

/*
 * replay: a recorded workload as the model replays it. One thread reads 16
 * uncached pages of a file (the recording saw each retry for I/O, 200 us
 * each) while another maps and unmaps a page with a recorded 50 us write
 * hold: the retry eras retry each read and keep the mapper's waits short;
 * legacy reads under the lock, and the mapper waits out the reads.
 */
static void replay_synthetic(void **state)
{
	struct wl_action reads[16], maps[40];
	struct wl_thread th[2] = {
		{ .pid = 1, .tid = 1, .acts = reads, .nacts = 16 },
		{ .pid = 1, .tid = 2, .acts = maps, .nacts = 40 },
	};
	struct wl_vma vma = { .start = 1000, .npages = 16, .kind = MMR_VMA_FILE };
	struct model_workload w = { .threads = th, .nthreads = 2, .vmas = &vma, .nvmas = 1 };
	struct model_result v, c, l;
	int i;

	memset(reads, 0, sizeof(reads));
	memset(maps, 0, sizeof(maps));
	for (i = 0; i < 16; i++) {
		reads[i].kind = WL_FAULT;
		reads[i].page = 1000 + i;
		reads[i].user = true;
		reads[i].vma_kind = MMR_VMA_FILE;
		reads[i].reason = MMR_REASON_FILE_IO;
		reads[i].wait_ns = 200000;
		reads[i].gap_ns = 1000;
	}
	for (i = 0; i < 40; i++) {
		maps[i].kind = i % 2 ? WL_MUNMAP : WL_MMAP;
		maps[i].page = 5000;
		maps[i].npages = 1;
		maps[i].vma_kind = MMR_VMA_ANON;
		maps[i].hold_ns = 50000;
		maps[i].gap_ns = 20000;
	}
	assert_int_equal(model_replay(&w, POLICY_PER_VMA, &v), 0);
	assert_int_equal(model_replay(&w, POLICY_COMPLETED, &c), 0);
	assert_int_equal(model_replay(&w, POLICY_LEGACY, &l), 0);
	assert_int_equal(v.faults.retries, 16);
	assert_int_equal(v.faults.reasons[MMR_REASON_FILE_IO], 16);
	assert_int_equal(v.faults.major, 16);
	assert_int_equal(v.faults.vma_lock_attempts, 16);
	assert_int_equal(c.faults.retries, 16);
	assert_int_equal(c.faults.vma_lock_attempts, 0);
	assert_int_equal(l.faults.retries, 0);
	assert_int_equal(l.faults.faults, 16);
	assert_int_equal(v.lock[1].acquisitions, 40);
	assert_true(v.lock[1].hold.max_ns >= 50000 / 3);	/* munmap: a third before its downgrade */
	assert_true(l.lock[1].hold.max_ns >= 50000);
	assert_true(l.lock[0].hold.max_ns >= 200000);		/* a read under the lock */
	assert_true(l.lock[1].wait.max_ns > 100000);
	assert_true(c.lock[1].wait.max_ns < 60000);		/* at most a munmap's hold */
	assert_int_equal(v.bad_area, 0);
}

/* --policy auto: the era of the running kernel's release */
static void eras_of_releases(void **state)
{
	static const struct {
		const char *release;
		enum model_policy p;
	} cases[] = {
		{ "6.1.0-56-amd64", POLICY_COMPLETED }, { "6.12.117+deb13-amd64", POLICY_PER_VMA },
		{ "7.2.13+deb14-amd64", POLICY_PER_VMA }, { "6.18.44-fc-v669", POLICY_PER_VMA },
		{ "6.7", POLICY_PER_VMA }, { "6.6.30", POLICY_COMPLETED }, { "5.19.0", POLICY_COMPLETED },
		{ "5.18.19", POLICY_RETRY }, { "5.1.0", POLICY_RETRY }, { "4.19.0-27", POLICY_NOPAGE_RETRY },
		{ "2.6.33", POLICY_NOPAGE_RETRY }, { "2.6.32.71", POLICY_LEGACY }, { "2.4.37", POLICY_LEGACY },
	};
	enum model_policy p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(model_policy_for_release(cases[i].release, &p), 0);
		if (p != cases[i].p)
			fail_msg("%s: %s, want %s", cases[i].release, model_policy_info(p)->name,
				 model_policy_info(cases[i].p)->name);
	}
	assert_int_equal(model_policy_for_release("linux", &p), -1);
	assert_int_equal(model_policy_for_release("6", &p), -1);
}

static void catalogue(void **state)
{
	enum model_policy p;

	assert_true(model_scenario_count() >= 5);
	for (size_t i = 0; i < model_scenario_count(); i++)
		assert_ptr_equal(model_scenario_find(model_scenario_at(i)->name),
				 model_scenario_at(i));
	assert_int_equal(model_policy_parse("completed", &p), 0);
	assert_int_equal(p, POLICY_COMPLETED);
	assert_int_equal(model_policy_parse("spf", &p), 0);
	assert_int_equal(p, POLICY_SPF);
	assert_int_equal(model_policy_parse("speculative", &p), -1);
	for (p = 0; p < MODEL_NR_POLICIES; p++)
		assert_non_null(model_policy_info(p)->source);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(catalogue),
		cmocka_unit_test(eras_of_releases),
		cmocka_unit_test(seed_completed),
		cmocka_unit_test(seed_nopage_retry),
		cmocka_unit_test(seed_anon_vma_chains),
		cmocka_unit_test(seed_speculative),
		cmocka_unit_test(what_if_seqcount),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(spec_equals_builtin),
		cmocka_unit_test(spec_docs_equal_builtins),
		cmocka_unit_test(spec_kernel_faults),
		cmocka_unit_test(spec_errors),
		cmocka_unit_test(gen_file),
		cmocka_unit_test(gen_memfd),
		cmocka_unit_test(gen_forktree),
		cmocka_unit_test(gen_uffd),
		cmocka_unit_test(gen_mapping),
		cmocka_unit_test(gen_pagelock),
		cmocka_unit_test(gen_vdso),
		cmocka_unit_test(gen_kread),
		cmocka_unit_test(gen_wrhold),
		cmocka_unit_test(gen_blocker),
		cmocka_unit_test(gen_rmapfan),
		cmocka_unit_test(swap_in),
		cmocka_unit_test(gen_swapin),
		cmocka_unit_test(gen_holepunch),
		cmocka_unit_test(gen_anonprep),
		cmocka_unit_test(dirty_file),
		cmocka_unit_test(replay_synthetic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
