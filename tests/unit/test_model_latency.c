// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_model_latency.c: the model's fault latency (struct model_result's
 * latency: bpf/faults.h struct mmr_fault_latency), each figure what the
 * simulated clock implies: a fault from its first attempt's entry to its
 * last attempt's return, by origin and outcome; retry time after the first
 * RETRY by its reason; the eras ordered as their fault paths order them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sim.h"		/* model_costs */
#include "unit.h"

#define USER(l, k) ((l).dur[MMR_ORIGIN_USER][MMR_OUTCOME_##k])
#define KERNEL(l, k) ((l).dur[MMR_ORIGIN_KERNEL][MMR_OUTCOME_##k])

static struct model_result run(const char *scenario, enum model_policy p, double scale)
{
	const struct model_scenario *sc = model_scenario_find(scenario);
	struct model_result r;

	assert_non_null(sc);
	assert_int_equal(model_scenario_run(sc, p, 1, scale, &r), 0);
	return r;
}

static struct model_result run_spec(const char *text, enum model_policy p)
{
	struct model_spec spec;
	struct model_result r;
	char err[256];

	assert_int_equal(model_spec_parse(text, strlen(text), "t.yml", &spec, err, sizeof(err)), 0);
	assert_int_equal(model_spec_run(&spec, p, 1, 1, &r), 0);
	return r;
}

/* no value of h below min: its slots under min's are empty */
static void assert_all_at_least(const struct mmr_hist *h, uint64_t min)
{
	for (uint32_t i = 0; i < hist_slot(min); i++)
		assert_int_equal(h->slots[i], 0);
}

/*
 * One thread reads 16 uncached pages of a file, alone. Each first attempt
 * starts the read (T = read_io), drops its lock, waits for the read and
 * returns RETRY (file_io, major); the retry takes mmap_lock at once (no one
 * holds it) and maps the page. So each fault lasts T + map_page, of which
 * map_page after the RETRY; under legacy the read runs under the lock, in
 * one attempt of the same length.
 */
static void file_fault_alone(void **state)
{
	static const char text[] =
		"mmretry_scenario: 1\nvmas:\n  data: {kind: file, pages: 16}\nthreads:\n"
		"  - {program: fault, vma: data, faults: 16}\n";
	const uint64_t T = model_costs.read_io, map = model_costs.map_page;
	enum model_policy retrying[] = { POLICY_NOPAGE_RETRY, POLICY_RETRY, POLICY_PER_VMA };
	struct model_result l = run_spec(text, POLICY_LEGACY);

	for (size_t i = 0; i < ARRAY_LEN(retrying); i++) {
		struct model_result r = run_spec(text, retrying[i]);
		const struct mmr_hist *d = &USER(r.latency, RETRIED);
		const struct mmr_hist *rt = &r.latency.retry_ns[MMR_REASON_FILE_IO];

		assert_true(r.timed);
		assert_int_equal(d->count, 16);
		assert_int_equal(d->sum_ns, 16 * (T + map));
		assert_int_equal(d->max_ns, T + map);
		assert_int_equal(rt->count, 16);
		assert_int_equal(rt->sum_ns, 16 * map);
		assert_int_equal(rt->max_ns, map);
		/* its parts: the attempt that retried (the read), no gap (no one
		 * holds mmap_lock: no wait), the last attempt (the map) */
		assert_int_equal(r.latency.attempt[MMR_REASON_FILE_IO].sum_ns, 16 * T);
		assert_int_equal(r.latency.gap[MMR_REASON_FILE_IO].count, 16);
		assert_int_equal(r.latency.gap[MMR_REASON_FILE_IO].sum_ns, 0);
		assert_int_equal(r.latency.lock_wait[MMR_REASON_FILE_IO].count, 16);
		assert_int_equal(r.latency.lock_wait[MMR_REASON_FILE_IO].sum_ns, 0);
		assert_int_equal(r.latency.last_attempt[MMR_REASON_FILE_IO].sum_ns, 16 * map);
		/* the last attempt found the page read, but ran with
		 * FAULT_FLAG_TRIED: major as the kernel accounts it */
		assert_int_equal(USER(r.latency, ONE_ATTEMPT).count, 0);
		assert_int_equal(USER(r.latency, MAJOR).count, 16);
		assert_int_equal(KERNEL(r.latency, RETRIED).count, 0);
	}
	assert_int_equal(USER(l.latency, ONE_ATTEMPT).count, 16);
	assert_int_equal(USER(l.latency, ONE_ATTEMPT).sum_ns, 16 * (T + map));
	assert_int_equal(USER(l.latency, MAJOR).count, 16);
	assert_int_equal(USER(l.latency, RETRIED).count, 0);
	for (int k = 0; k < MMR_NR_REASONS; k++)
		assert_int_equal(l.latency.retry_ns[k].count, 0);
}

/*
 * A recording replayed: 16 file reads that waited 200 us each, while
 * another thread maps and unmaps with 50 us write holds. Every fault lasts
 * at least its read; a retry that must take mmap_lock again while the
 * writer holds it waits for the hold: its retry time is longer than the
 * map alone, and within the fault's duration.
 */
static void replay_retry_behind_writer(void **state)
{
	struct wl_action reads[16], maps[40];
	struct wl_thread th[2] = {
		{ .pid = 1, .tid = 1, .acts = reads, .nacts = 16 },
		{ .pid = 1, .tid = 2, .acts = maps, .nacts = 40 },
	};
	struct wl_vma vma = { .start = 1000, .npages = 16, .kind = MMR_VMA_FILE };
	struct model_workload w = { .threads = th, .nthreads = 2, .vmas = &vma, .nvmas = 1 };
	struct model_result v;
	const struct mmr_hist *d, *rt;
	int i;

	memset(reads, 0, sizeof(reads));
	memset(maps, 0, sizeof(maps));
	for (i = 0; i < 16; i++) {
		reads[i] = (struct wl_action){ .kind = WL_FAULT, .page = 1000 + i, .user = true,
					       .vma_kind = MMR_VMA_FILE,
					       .reason = MMR_REASON_FILE_IO, .wait_ns = 200000,
					       .gap_ns = 1000 };
	}
	for (i = 0; i < 40; i++)
		maps[i] = (struct wl_action){ .kind = i % 2 ? WL_MUNMAP : WL_MMAP, .page = 5000,
					      .npages = 1, .vma_kind = MMR_VMA_ANON,
					      .hold_ns = 50000, .gap_ns = 20000 };
	assert_int_equal(model_replay(&w, POLICY_PER_VMA, &v), 0);
	d = &USER(v.latency, RETRIED);
	rt = &v.latency.retry_ns[MMR_REASON_FILE_IO];
	assert_int_equal(d->count, 16);
	assert_all_at_least(d, 200000);
	assert_true(d->sum_ns >= 16 * 200000);
	assert_int_equal(rt->count, 16);
	assert_true(rt->sum_ns >= 16 * model_costs.map_page);
	assert_true(rt->max_ns > model_costs.map_page);		/* one waited for the writer */
	assert_true(rt->max_ns <= 50000 + model_costs.map_page);	/* at most a hold */
	assert_true(rt->sum_ns < d->sum_ns);
	/* the wait is the re-take's: in the gap, which is all of it here */
	assert_true(v.latency.lock_wait[MMR_REASON_FILE_IO].max_ns > 0);
	assert_int_equal(v.latency.lock_wait[MMR_REASON_FILE_IO].sum_ns,
			 v.latency.gap[MMR_REASON_FILE_IO].sum_ns);
	assert_int_equal(rt->sum_ns, v.latency.gap[MMR_REASON_FILE_IO].sum_ns +
			 v.latency.last_attempt[MMR_REASON_FILE_IO].sum_ns);
}

/*
 * 2022, VM_FAULT_COMPLETED: a shmem write under retry is done, drops its
 * lock in fault_dirty_shared_page() and is retried: a spurious second look
 * after the RETRY (reason other); with COMPLETED it ends there. Exactly:
 * shmem_page + dirty (+ spurious).
 */
static void completed_shmem_writes(void **state)
{
	const uint64_t pages = 1000, page = model_costs.shmem_page + model_costs.dirty;
	struct model_result r = run("gen-memfd", POLICY_RETRY, 1);
	struct model_result c = run("gen-memfd", POLICY_COMPLETED, 1);
	struct model_result v = run("gen-memfd", POLICY_PER_VMA, 1);

	assert_int_equal(USER(r.latency, RETRIED).count, pages);
	assert_int_equal(USER(r.latency, RETRIED).sum_ns, pages * (page + model_costs.spurious));
	assert_int_equal(r.latency.retry_ns[MMR_REASON_OTHER].sum_ns,
			 pages * model_costs.spurious);
	assert_int_equal(USER(r.latency, COMPLETED).count, 0);
	assert_int_equal(USER(c.latency, COMPLETED).count, pages);
	assert_int_equal(USER(c.latency, ONE_ATTEMPT).count, pages);
	assert_int_equal(USER(c.latency, COMPLETED).sum_ns, pages * page);
	assert_int_equal(USER(c.latency, RETRIED).count, 0);
	assert_memory_equal(&v.latency, &c.latency, sizeof(v.latency));
}

/*
 * The 2006 thread (file-reverse: 64 threads read a file's pages off disk
 * while another maps and unmaps): under legacy the read runs under
 * mmap_lock, in one attempt, and the writer waits behind it; from
 * nopage-retry on, a fault drops the lock for the read and retries: every
 * fault still lasts at least its read, plus the retry's retake of the lock.
 * Per-VMA locks take mmap_lock out of the first attempt, so the writer
 * meets the faults at their retry: the retry time grows, and it is what the
 * proposed "continue using per-VMA lock when retrying" series would save.
 */
static void eras_file_reverse(void **state)
{
	const uint64_t T = model_costs.read_io, n = 16384;
	struct model_result l = run("file-reverse", POLICY_LEGACY, 1);
	struct model_result o = run("file-reverse", POLICY_NOPAGE_RETRY, 1);
	struct model_result r = run("file-reverse", POLICY_RETRY, 1);
	struct model_result v = run("file-reverse", POLICY_PER_VMA, 1);
	const struct model_result *retrying[] = { &o, &r, &v };

	assert_int_equal(USER(l.latency, ONE_ATTEMPT).count, n);
	assert_int_equal(USER(l.latency, RETRIED).count, 0);
	assert_all_at_least(&USER(l.latency, ONE_ATTEMPT), T);
	for (size_t i = 0; i < ARRAY_LEN(retrying); i++) {
		const struct mmr_fault_latency *x = &retrying[i]->latency;

		assert_int_equal(USER(*x, RETRIED).count, n);
		assert_all_at_least(&USER(*x, RETRIED), T);
		assert_int_equal(x->retry_ns[MMR_REASON_FILE_IO].count, n);
		assert_true(x->retry_ns[MMR_REASON_FILE_IO].sum_ns >= n * model_costs.map_page);
		/* the retry adds to the read: longer than legacy's one attempt */
		assert_true(USER(*x, RETRIED).sum_ns > USER(l.latency, ONE_ATTEMPT).sum_ns);
	}
	/* some retries wait for the writer */
	assert_true(v.latency.retry_ns[MMR_REASON_FILE_IO].max_ns > model_costs.map_page);
	/* per-VMA locks: the writer is met at the retry, not before the first attempt */
	assert_true(v.latency.retry_ns[MMR_REASON_FILE_IO].sum_ns >
		    r.latency.retry_ns[MMR_REASON_FILE_IO].sum_ns);
	assert_true(v.lock[0].acquisitions < r.lock[0].acquisitions);
}

/*
 * vdso: under per-VMA locks a special mapping's fault cannot run under the
 * VMA lock and is retried under mmap_lock (vma_fallback): slower than the
 * one attempt of the eras before.
 */
static void eras_vdso(void **state)
{
	struct model_result v = run("gen-vdso", POLICY_PER_VMA, 1);
	struct model_result c = run("gen-vdso", POLICY_COMPLETED, 1);

	assert_int_equal(USER(v.latency, RETRIED).count, 16);
	assert_int_equal(v.latency.retry_ns[MMR_REASON_VMA_FALLBACK].count, 16);
	assert_int_equal(USER(c.latency, ONE_ATTEMPT).count, 16);
	assert_int_equal(USER(c.latency, RETRIED).count, 0);
	assert_true(USER(v.latency, RETRIED).sum_ns >= USER(c.latency, ONE_ATTEMPT).sum_ns);
}

/* kernel-mode faults (read() into fresh memory) and GUP's (MADV_POPULATE_WRITE)
 * are the kernel origin's; user faults the user's */
static void origins(void **state)
{
	struct model_result k = run("gen-kread", POLICY_PER_VMA, 1);
	struct model_result a = run("gen-anon", POLICY_PER_VMA, 0.25);
	struct model_result b = run("gen-blocker", POLICY_PER_VMA, 0.0625);	/* 16 MiB */

	assert_int_equal(KERNEL(k.latency, ONE_ATTEMPT).count, 1024);
	assert_int_equal(KERNEL(k.latency, ONE_ATTEMPT).sum_ns, 1024 * model_costs.anon_page);
	assert_int_equal(USER(k.latency, ONE_ATTEMPT).count, 0);
	assert_int_equal(USER(a.latency, ONE_ATTEMPT).count, 1024);
	assert_int_equal(KERNEL(a.latency, ONE_ATTEMPT).count, 0);
	assert_int_equal(KERNEL(b.latency, ONE_ATTEMPT).count, 4096);
}

/*
 * Every scenario under every policy: the timed faults are the faults
 * counted (one per non-RETRY attempt), each retried fault has a retry time,
 * completed faults are the COMPLETED attempts, major faults at most the
 * MAJOR attempts plus the retried faults (the kernel's accounting: a
 * retried fault is major by FAULT_FLAG_TRIED); forktree models no faults
 * and times none.
 */
static void consistent_with_counters(void **state)
{
	for (size_t i = 0; i < model_scenario_count(); i++) {
		const struct model_scenario *sc = model_scenario_at(i);

		for (int p = 0; p < MODEL_NR_POLICIES; p++) {
			struct model_result r;
			const struct mmr_fault_latency *x = &r.latency;
			uint64_t timed = 0, retried = 0, retry = 0, completed = 0, major = 0;

			assert_int_equal(model_scenario_run(sc, p, 1, 0.25, &r), 0);
			for (int o = 0; o < MMR_NR_ORIGINS; o++) {
				timed += x->dur[o][MMR_OUTCOME_ONE_ATTEMPT].count +
					 x->dur[o][MMR_OUTCOME_RETRIED].count;
				retried += x->dur[o][MMR_OUTCOME_RETRIED].count;
				completed += x->dur[o][MMR_OUTCOME_COMPLETED].count;
				major += x->dur[o][MMR_OUTCOME_MAJOR].count;
			}
			uint64_t dur = 0, parts = 0, gaps = 0, waits = 0, ngap = 0, nwait = 0;

			for (int o = 0; o < MMR_NR_ORIGINS; o++)
				dur += x->dur[o][MMR_OUTCOME_RETRIED].sum_ns;
			for (int k = 0; k < MMR_NR_REASONS; k++) {
				retry += x->retry_ns[k].count;
				parts += x->attempt[k].sum_ns + x->gap[k].sum_ns +
					 x->last_attempt[k].sum_ns;
				gaps += x->gap[k].sum_ns;
				waits += x->lock_wait[k].sum_ns;
				ngap += x->gap[k].count;
				nwait += x->lock_wait[k].count;
			}
			/* a retried fault is its attempts and the gaps between them
			 * (more: a fault never attempted again after its retry); the
			 * wait is in the gap, and every gap re-takes mmap_lock */
			if (dur > parts || waits > gaps || nwait != ngap)
				fail_msg("%s under %s: retried faults %llu ns, their parts %llu ns; "
					 "gaps %llu ns (%llu), waits %llu ns (%llu)", sc->name,
					 model_policy_info(p)->name, (unsigned long long)dur,
					 (unsigned long long)parts, (unsigned long long)gaps,
					 (unsigned long long)ngap, (unsigned long long)waits,
					 (unsigned long long)nwait);
			if (r.no_faults) {
				assert_false(r.timed);
				assert_int_equal(timed, 0);
				continue;
			}
			if (!r.timed || timed != r.faults.faults || retry != retried ||
			    retried > r.faults.retries || completed != r.faults.completed ||
			    major > r.faults.major + retried)
				fail_msg("%s under %s: timed %llu of %llu faults, %llu retried with "
					 "%llu retry times", sc->name, model_policy_info(p)->name,
					 (unsigned long long)timed,
					 (unsigned long long)r.faults.faults,
					 (unsigned long long)retried, (unsigned long long)retry);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_fault_alone),
		cmocka_unit_test(replay_retry_behind_writer),
		cmocka_unit_test(completed_shmem_writes),
		cmocka_unit_test(eras_file_reverse),
		cmocka_unit_test(eras_vdso),
		cmocka_unit_test(origins),
		cmocka_unit_test(consistent_with_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
