// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * scenario.c: the built-in scenarios: the seed results' benchmarks at full
 * size, and one per live generator workload (tools/mmretry-gen).
 */
#include <errno.h>
#include <string.h>

#include "sim.h"

/* ---- programs the scenarios give their threads ---- */

/*
 * Fault t->n pages of t->vma, from page t->base on, t->step pages apart
 * (a negative step, as two's complement, walks backwards): one user fault
 * each, a write if t->write_fault.
 */
static int faulter(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		t->addr_page = t->vma->start + t->base + t->i * t->step;
		PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
	}
	PT_END(t, D);
	return 0;
}

/* While any faulter runs: mmap() t->npages pages, munmap() them, rest t->step ns. */
static bool faulters_running(const struct sim *s)
{
	for (int i = 0; i < s->nthreads; i++)
		if (s->threads[i].faulter && !s->threads[i].done)
			return true;
	return false;
}

static int mapper(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	while (faulters_running(s)) {
		PT_CALL(t, D, t->ret, sys_mmap(s, t, D + 1, false));
		PT_CALL(t, D, t->ret, sys_munmap(s, t, D + 1));
		t->i++;
		t->now += t->step;
	}
	PT_END(t, D);
	return 0;
}

/* t->n write faults at random pages of the t->step pages from page t->base
 * (whatever VMA is there at the time) */
static int random_faulter(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		t->addr_page = t->base + sim_random(s) % t->step;
		PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
	}
	PT_END(t, D);
	return 0;
}

/*
 * While any faulter runs, the region at t->mapped (t->npages pages) is made
 * read-only and writable again, then unmapped and mapped anew, t->step ns
 * apart.
 */
static int changer(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	while (faulters_running(s)) {
		t->write_fault = false;
		PT_CALL(t, D, t->ret, sys_mprotect(s, t, D + 1));
		t->now += t->step;
		t->write_fault = true;
		PT_CALL(t, D, t->ret, sys_mprotect(s, t, D + 1));
		t->now += t->step;
		PT_CALL(t, D, t->ret, sys_munmap(s, t, D + 1));
		PT_CALL(t, D, t->ret, sys_mmap(s, t, D + 1, true));
		t->now += t->step;
		t->i++;
	}
	PT_END(t, D);
	return 0;
}

/* t->n rounds of: mmap() 4 pages, write the first, munmap() */
static int map_touch_unmap(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		t->npages = 4;
		PT_CALL(t, D, t->ret, sys_mmap(s, t, D + 1, false));
		t->addr_page = t->mapped;
		PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
		PT_CALL(t, D, t->ret, sys_munmap(s, t, D + 1));
	}
	PT_END(t, D);
	return 0;
}

static void start_faulter(struct mthread *t, struct vma *vma, uint64_t base, uint64_t n,
			  int64_t step, bool write)
{
	t->program = faulter;
	t->faulter = true;
	t->vma = vma;
	t->base = base;
	t->n = n;
	t->step = (uint64_t)step;
	t->write_fault = write;
}

static uint64_t scaled(uint64_t n, double scale)
{
	uint64_t v = (uint64_t)(n * scale);

	return v ? v : 1;
}

/* ---- the scenarios ---- */

/*
 * One thread faulting every page of one VMA once, in order or last first:
 * the single-threaded scenarios. A file VMA's pages are all uncached.
 */
static int one_faulter(enum model_policy p, uint64_t seed, struct model_result *res,
		       uint64_t pages, enum spec_vma_kind kind, bool reverse, bool write, bool uffd)
{
	struct sim s;
	struct vma *vma;
	int err;

	if ((err = sim_init(&s, p, seed, 1, res)) ||
	    (kind == SPEC_FILE && (err = file_init(&s.file, pages))))
		goto out;
	vma = vma_add(&s.mm, 0, pages, kind == SPEC_ANON, kind != SPEC_ANON, kind == SPEC_FILE, 0);
	err = -ENOMEM;
	if (!vma)
		goto out;
	vma->uffd = uffd;
	start_faulter(&s.threads[0], vma, reverse ? pages - 1 : 0, pages, reverse ? -1 : 1, write);
	err = sim_run(&s);
out:
	sim_free(&s);
	return err;
}

/*
 * The 2006 NOPAGE_RETRY thread: "if one thread takes a major pagefault, it
 * will perform a synchronous disk read while holding down_read(mmap_sem).
 * This causes any other thread which wishes to perform any mmap/munmap/
 * mprotect to block behind that disk IO." 64 threads fault the pages of a
 * file off disk, each its own 256 pages in reverse order (no readahead
 * helps), while another thread maps and unmaps 16 pages every 20 us.
 */
static int run_file_reverse(enum model_policy p, uint64_t seed, double scale,
			    struct model_result *res)
{
	const int nf = 64;
	const uint64_t per = scaled(256, scale);
	struct sim s;
	struct vma *vma;
	int err, i;

	if ((err = sim_init(&s, p, seed, nf + 1, res)) ||
	    (err = file_init(&s.file, nf * per)))
		goto out;
	vma = vma_add(&s.mm, 0, nf * per, false, true, true, 0);
	err = -ENOMEM;
	if (!vma)
		goto out;
	for (i = 0; i < nf; i++)
		start_faulter(&s.threads[i], vma, i * per + per - 1, per, -1, false);
	s.threads[nf].program = mapper;
	s.threads[nf].npages = 16;
	s.threads[nf].step = 20000;
	err = sim_run(&s);
out:
	sim_free(&s);
	return err;
}

/*
 * The VM_FAULT_COMPLETED patch: "sequentially dirty 400MB shmem file being
 * mmap()ed": one thread writes the first byte of each page of a 400 MB
 * MAP_SHARED shmem mapping, and "we should expect 2 counts for each shmem
 * write simply because we retried".
 */
static int run_shmem_dirty(enum model_policy p, uint64_t seed, double scale,
			   struct model_result *res)
{
	return one_faulter(p, seed, res, scaled(400 * 256, scale), SPEC_SHMEM, false, true, false);
}

/* mmretry-gen file: PAGES uncached pages of a MAP_SHARED file, last first */
static int run_gen_file(enum model_policy p, uint64_t seed, double scale,
			struct model_result *res)
{
	return one_faulter(p, seed, res, scaled(4096, scale), SPEC_FILE, true, false, false);
}

/* mmretry-gen memfd: the first write to each of PAGES pages of a shared memfd */
static int run_gen_memfd(enum model_policy p, uint64_t seed, double scale,
			 struct model_result *res)
{
	return one_faulter(p, seed, res, scaled(1000, scale), SPEC_SHMEM, false, true, false);
}

/* mmretry-gen anon: first writes to PAGES anonymous pages (one round) */
static int run_gen_anon(enum model_policy p, uint64_t seed, double scale,
			struct model_result *res)
{
	return one_faulter(p, seed, res, scaled(4096, scale), SPEC_ANON, false, true, false);
}

/*
 * The 2010 anon_vma_chain patch: an AIM7-like fork workload, 1000 children
 * each COWing 1000 anonymous pages of a VMA they share with the parent,
 * then reclaim walks every page: "reduces the average scanning cost ...
 * from O(N) to 2".
 */
static int run_aim7_fork(enum model_policy p, uint64_t seed, double scale,
			 struct model_result *res)
{
	return model_fork_cow_reclaim(p, (int)scaled(1000, scale), scaled(1000, scale), res);
}

/*
 * The 2018 speculative page faults, against what they race: 8 threads write
 * to random pages of a 256-page anonymous region while another thread keeps
 * making it read-only and writable again, and unmapping and remapping it,
 * every 2 us. A fault must never install a PTE into a VMA unmapped or made
 * read-only while it ran: it is retried (its VMA changed) or fails safely
 * (SIGSEGV on the read-only or missing VMA).
 */
static int run_spf_race(enum model_policy p, uint64_t seed, double scale,
			struct model_result *res)
{
	const int nf = 8;
	const uint64_t region = 256;
	struct sim s;
	int err, i;

	if ((err = sim_init(&s, p, seed, nf + 1, res)))
		goto out;
	err = -ENOMEM;
	if (!vma_add(&s.mm, 0, region, true, false, false, 0))
		goto out;
	for (i = 0; i < nf; i++) {
		struct mthread *t = &s.threads[i];

		t->program = random_faulter;
		t->faulter = true;
		t->base = 0;
		t->step = region;
		t->n = scaled(4000, scale);
		t->write_fault = true;
	}
	s.threads[nf].program = changer;
	s.threads[nf].mapped = 0;
	s.threads[nf].npages = region;
	s.threads[nf].step = 2000;
	err = sim_run(&s);
out:
	sim_free(&s);
	return err;
}

/* mmretry-gen mapping: ROUNDS x (mmap 4 pages, write one, munmap) */
static int run_gen_mapping(enum model_policy p, uint64_t seed, double scale,
			   struct model_result *res)
{
	struct sim s;
	int err;

	if ((err = sim_init(&s, p, seed, 1, res)))
		goto out;
	/* each 4-page mapping lands next to an anonymous VMA the process has
	 * and merges with it: live, the faults need no anon_vma_prepare() */
	s.mm.merge_anon = true;
	s.threads[0].program = map_touch_unmap;
	s.threads[0].faulter = true;
	s.threads[0].n = scaled(100000, scale);
	s.threads[0].write_fault = true;
	err = sim_run(&s);
out:
	sim_free(&s);
	return err;
}

/* ---- scenario files (scenario_file.c parses them) ---- */

int model_spec_run(const struct model_spec *spec, enum model_policy p, uint64_t seed,
		   double scale, struct model_result *res)
{
	struct vma *vmas[SPEC_MAX_VMAS];
	uint64_t start = 0, file_pages = 0;
	int nthreads = 0, i, k, err;
	struct sim s;

	for (i = 0; i < spec->nthreads; i++)
		nthreads += spec->threads[i].count;
	for (i = 0; i < spec->nvmas; i++)
		if (spec->vmas[i].kind == SPEC_FILE)
			file_pages += spec->vmas[i].pages;
	if ((err = sim_init(&s, p, seed, nthreads, res)) ||
	    (file_pages && (err = file_init(&s.file, file_pages))))
		goto out;
	err = -ENOMEM;
	/* the VMAs side by side, one page apart; file VMAs on their own pages
	 * of the one file */
	for (i = 0, file_pages = 0; i < spec->nvmas; i++) {
		enum spec_vma_kind kind = spec->vmas[i].kind;

		vmas[i] = vma_add(&s.mm, start, spec->vmas[i].pages, kind == SPEC_ANON,
				  kind != SPEC_ANON, kind == SPEC_FILE, file_pages);
		if (!vmas[i])
			goto out;
		if (kind == SPEC_FILE)
			file_pages += spec->vmas[i].pages;
		start += spec->vmas[i].pages + 1;
	}
	for (i = 0, nthreads = 0; i < spec->nthreads; i++) {
		const typeof(spec->threads[0]) *ts = &spec->threads[i];

		for (k = 0; k < ts->count; k++) {
			struct mthread *t = &s.threads[nthreads++];
			struct vma *v = ts->vma >= 0 ? vmas[ts->vma] : NULL;

			t->write_fault = ts->write;
			switch (ts->program) {
			case PROG_FAULT:
				start_faulter(t, v, ts->first + k * ts->stride, ts->n, ts->step,
					      ts->write);
				break;
			case PROG_RANDOM:
				t->program = random_faulter;
				t->faulter = true;
				t->base = v->start;
				t->step = v->end - v->start;
				t->n = scaled(ts->n, scale);
				break;
			case PROG_MAPPER:
				t->program = mapper;
				t->npages = ts->n;
				t->step = ts->rest_ns;
				break;
			case PROG_CHANGER:
				t->program = changer;
				t->mapped = v->start;
				t->npages = v->end - v->start;
				t->step = ts->rest_ns;
				break;
			case PROG_MAPPING:
				t->program = map_touch_unmap;
				t->faulter = true;
				t->n = scaled(ts->n, scale);
				break;
			}
		}
	}
	err = sim_run(&s);
out:
	sim_free(&s);
	return err;
}

/* mmretry-gen uffd: reads FAULTS missing pages of a userfaultfd-registered
 * region; a handler thread UFFDIO_COPYs each */
static int run_gen_uffd(enum model_policy p, uint64_t seed, double scale,
			struct model_result *res)
{
	return one_faulter(p, seed, res, scaled(100, scale), SPEC_ANON, false, false, true);
}

/* mmretry-gen forktree: DEPTH 6 */
static int run_gen_forktree(enum model_policy p, uint64_t seed, double scale,
			    struct model_result *res)
{
	return model_forktree(p, 6, res);
}

static const struct model_scenario scenarios[] = {
	{ "file-reverse", "64 threads fault a file's pages off disk in reverse order while "
	  "another thread mmap()s and munmap()s", "2006 NOPAGE_RETRY thread", run_file_reverse },
	{ "shmem-dirty", "one thread dirties a 400 MB MAP_SHARED shmem mapping page by page",
	  "2022 VM_FAULT_COMPLETED patch (Peter Xu)", run_shmem_dirty },
	{ "aim7-fork", "1000 forked children each COW 1000 pages of a shared VMA, then reclaim "
	  "walks every page", "2010 anon_vma_chain patch (Rik van Riel)", run_aim7_fork },
	{ "spf-race", "8 threads write to random pages of a region another thread keeps "
	  "mprotect()ing and re-mapping", "2018 speculative page faults (Laurent Dufour)",
	  run_spf_race },
	{ "gen-file", "4096 uncached pages of a MAP_SHARED file, last first",
	  "mmretry-gen file", run_gen_file },
	{ "gen-memfd", "the first write to each of 1000 pages of a MAP_SHARED memfd",
	  "mmretry-gen memfd", run_gen_memfd },
	{ "gen-anon", "the first write to each of 4096 anonymous pages",
	  "mmretry-gen anon (one round)", run_gen_anon },
	{ "gen-mapping", "100000 rounds of mmap 4 pages, write one, munmap",
	  "mmretry-gen mapping", run_gen_mapping },
	{ "gen-uffd", "reads of 100 missing pages of a userfaultfd-registered region, a "
	  "handler UFFDIO_COPYing each", "mmretry-gen uffd", run_gen_uffd },
	{ "gen-forktree", "a chain of 6 forks over a written region; R1 forks R2 and exits, "
	  "R2 forks R3", "mmretry-gen forktree", run_gen_forktree },
};

size_t model_scenario_count(void)
{
	return sizeof(scenarios) / sizeof(scenarios[0]);
}

const struct model_scenario *model_scenario_at(size_t i)
{
	return i < model_scenario_count() ? &scenarios[i] : NULL;
}

const struct model_scenario *model_scenario_find(const char *name)
{
	for (size_t i = 0; i < model_scenario_count(); i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}
