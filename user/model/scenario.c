// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * scenario.c: the built-in scenarios: the seed results' benchmarks at full
 * size, and one per live generator workload (tools/mmretry-gen).
 */
#include <errno.h>
#include <string.h>

#include "model/sim.h"

/* ---- programs the scenarios give their threads ---- */

/*
 * Fault t->n pages from page t->base on, t->step pages apart (a negative
 * step, as two's complement, walks backwards): one user fault each, a write
 * if t->write_fault. (Addresses, not a VMA: another thread may unmap it.)
 */
static int faulter(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		t->addr_page = t->base + t->i * t->step;
		PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
	}
	PT_END(t, D);
	return 0;
}

/* Is a lead thread (t->faulter) still running? The others loop beside them. */
static bool faulters_running(const struct sim *s)
{
	for (int i = 0; i < s->nthreads; i++)
		if (s->threads[i].faulter && !s->threads[i].done)
			return true;
	return false;
}

/* While any lead runs: mmap() t->npages pages, munmap() them, rest t->step ns. */
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

/*
 * mmretry-gen pagelock: t->n rounds; each drops a fresh 32-page window of
 * the file from the cache and starts its readahead (POSIX_FADV_DONTNEED,
 * WILLNEED: no mmap_lock), then reads the window's first page at once: the
 * fault finds the folio locked by the read in flight (page_lock).
 */
static int pagelock_faulter(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		PT_SYNC(s, t, D);
		fadvise_dontneed_willneed(s, t, t->vma->pgoff + t->i * 32, 32);
		t->addr_page = t->vma->start + t->i * 32;
		PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
	}
	PT_END(t, D);
	return 0;
}

/*
 * mmretry-gen vdso: t->n times, fork() a child that reads one byte of the
 * vDSO and exits. Each child has its own mm; the model keeps one, with a
 * page of the special mapping per child (no two children meet at a lock).
 */
static int vdso_forker(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		PT_CALL(t, D, t->ret, sys_fork(s, t, D + 1));
		t->addr_page = t->vma->start + t->i;
		PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
	}
	PT_END(t, D);
	return 0;
}

/* mmretry-gen wrhold's holder: t->n mprotect() calls over its populated
 * region, read-only and writable in turn */
static int mprotect_holder(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		t->write_fault = t->i % 2;
		PT_CALL(t, D, t->ret, sys_mprotect(s, t, D + 1));
	}
	PT_END(t, D);
	return 0;
}

/* mmretry-gen wrhold's mappers: while the lead runs, mmap t->npages pages,
 * write each, munmap them */
static int mapper_touch(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	while (faulters_running(s)) {
		PT_CALL(t, D, t->ret, sys_mmap(s, t, D + 1, false));
		for (t->base = 0; t->base < t->npages; t->base++) {
			t->addr_page = t->mapped + t->base;
			PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
		}
		PT_CALL(t, D, t->ret, sys_munmap(s, t, D + 1));
		t->i++;
	}
	PT_END(t, D);
	return 0;
}

/* mmretry-gen wrhold's faulter: while the lead runs, at most 8 passes of
 * writing each page of its region, then MADV_DONTNEED */
static int dontneed_faulter(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < 8 && faulters_running(s); t->i++) {
		for (t->base = 0; t->base < t->npages; t->base++) {
			t->addr_page = t->mapped + t->base;
			PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
		}
		PT_CALL(t, D, t->ret, sys_madvise_dontneed(s, t, D + 1));
	}
	PT_END(t, D);
	return 0;
}

/* mmretry-gen blocker's reader: while the lead runs, MADV_POPULATE_READ
 * over its populated region, pass after pass (t->i counts them begun) */
static int populate_reader(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	while (faulters_running(s)) {
		t->i++;
		PT_CALL(t, D, t->ret, sys_madvise_populate(s, t, D + 1));
	}
	PT_END(t, D);
	return 0;
}

/* mmretry-gen blocker's writer: t->n times, wait (polling every 20 us) for
 * the reader (thread 0) to begin a pass, sleep 200 us, mmap() a page and
 * munmap() it: the mmap() waits for the rest of the pass */
static int blocker_writer(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		t->base = s->threads[0].i;
		do {
			t->now += 20000;
			PT_SYNC(s, t, D);
		} while (s->threads[0].i == t->base);
		t->now += 200000;
		PT_CALL(t, D, t->ret, sys_mmap(s, t, D + 1, false));
		PT_CALL(t, D, t->ret, sys_munmap(s, t, D + 1));
	}
	PT_END(t, D);
	return 0;
}

/* While the lead runs: mprotect() the populated VMA at t->mapped,
 * read-only and writable in turn (mmretry-gen anonprep's writer) */
static int mprotect_loop(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	while (faulters_running(s)) {
		t->write_fault = t->i++ % 2;
		PT_CALL(t, D, t->ret, sys_mprotect(s, t, D + 1));
	}
	PT_END(t, D);
	return 0;
}

/* While the lead runs: read every page of the shmem VMA at t->mapped (its
 * t->npages), pass after pass; a page not mapped faults (mmretry-gen
 * holepunch's reader) */
static int shmem_reader(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	while (faulters_running(s)) {
		for (t->base = 0; t->base < t->npages; t->base++) {
			t->addr_page = t->mapped + t->base;
			t->now += model_costs.touch;
			if (!vma_page_present(t->target, t->addr_page))
				PT_CALL(t, D, t->ret, do_user_addr_fault(s, t));
		}
		PT_SYNC(s, t, D);
	}
	PT_END(t, D);
	return 0;
}

/* t->n rounds: fill the shmem VMA's file (fallocate(): no fault), then punch the whole file (fallocate(PUNCH_HOLE)), which zaps
 * the reader's PTEs (mmretry-gen holepunch's puncher) */
static int puncher(struct sim *s, struct mthread *t)
{
	enum { D = 0 };

	PT_BEGIN(t, D);
	for (t->i = 0; t->i < t->n; t->i++) {
		t->now += t->npages * model_costs.shmem_page;	/* fallocate(): every page */
		PT_SYNC(s, t, D);
		shmem_punch(s, t, t->target);
		PT_SYNC(s, t, D);
	}
	PT_END(t, D);
	return 0;
}

static void start_faulter(struct mthread *t, struct vma *vma, uint64_t base, uint64_t n,
			  int64_t step, bool write)
{
	t->program = faulter;
	t->faulter = true;
	t->base = vma->start + base;
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
 * The frame every scenario runs in: a sim of nthreads threads under policy
 * p, which setup fills (its VMAs and file, what each thread runs), run
 * until every thread's program has ended.
 */
static int simulate(enum model_policy p, uint64_t seed, double scale, struct model_result *res,
		    int nthreads, int (*setup)(struct sim *s, double scale, const void *arg),
		    const void *arg)
{
	struct sim s;
	int err;

	if (!(err = sim_init(&s, p, seed, nthreads, res)) && !(err = setup(&s, scale, arg)))
		err = sim_run(&s);
	sim_free(&s);
	return err;
}

/*
 * One thread faulting every page of one VMA once, in order or last first:
 * the single-threaded scenarios. A file VMA's pages are all uncached.
 */
static int one_faulter(struct sim *s, uint64_t pages, enum spec_vma_kind kind, bool reverse,
		       bool write, bool uffd)
{
	struct vma *vma;
	int err;

	if (kind == SPEC_FILE && (err = file_init(&s->file, pages)))
		return err;
	vma = vma_add(&s->mm, 0, pages, kind == SPEC_ANON, kind != SPEC_ANON, kind == SPEC_FILE, 0);
	if (!vma)
		return -ENOMEM;
	vma->uffd = uffd;
	start_faulter(&s->threads[0], vma, reverse ? pages - 1 : 0, pages, reverse ? -1 : 1, write);
	return 0;
}

/*
 * All threads but the last fault their own per pages each of one VMA (last
 * first if reverse; writes if write) while the last maps and unmaps 16
 * pages every 20 us: the scenarios of I/O under mmap_lock, or not. A file
 * VMA's pages are uncached; setup() may make the VMA otherwise (swapped
 * out, cached).
 */
static int faulters_and_mapper(struct sim *s, uint64_t per, enum spec_vma_kind kind,
			       bool reverse, bool write,
			       int (*setup)(struct sim *s, struct vma *v))
{
	const int nf = s->nthreads - 1;
	struct vma *v;
	int err, i;

	if (kind == SPEC_FILE && (err = file_init(&s->file, nf * per)))
		return err;
	if (!(v = vma_add(&s->mm, 0, nf * per, kind == SPEC_ANON, kind != SPEC_ANON,
			  kind == SPEC_FILE, 0)))
		return -ENOMEM;
	if (setup && (err = setup(s, v)))
		return err;
	for (i = 0; i < nf; i++)
		start_faulter(&s->threads[i], v, i * per + (reverse ? per - 1 : 0), per,
			      reverse ? -1 : 1, write);
	s->threads[nf].program = mapper;
	s->threads[nf].npages = 16;
	s->threads[nf].step = 20000;
	return 0;
}

/*
 * The 2006 NOPAGE_RETRY thread: "if one thread takes a major pagefault, it
 * will perform a synchronous disk read while holding down_read(mmap_sem).
 * This causes any other thread which wishes to perform any mmap/munmap/
 * mprotect to block behind that disk IO." 64 threads fault the pages of a
 * file off disk, each its own 256 pages in reverse order (no readahead
 * helps), while another thread maps and unmaps 16 pages every 20 us.
 */
static int file_reverse(struct sim *s, double scale)
{
	return faulters_and_mapper(s, scaled(256, scale), SPEC_FILE, true, false, NULL);
}

/*
 * The VM_FAULT_COMPLETED patch: "sequentially dirty 400MB shmem file being
 * mmap()ed": one thread writes the first byte of each page of a 400 MB
 * MAP_SHARED shmem mapping, and "we should expect 2 counts for each shmem
 * write simply because we retried".
 */
static int shmem_dirty(struct sim *s, double scale)
{
	return one_faulter(s, scaled(400 * 256, scale), SPEC_SHMEM, false, true, false);
}

/* mmretry-gen file: PAGES uncached pages of a MAP_SHARED file, last first */
static int gen_file(struct sim *s, double scale)
{
	return one_faulter(s, scaled(4096, scale), SPEC_FILE, true, false, false);
}

/* mmretry-gen memfd: the first write to each of PAGES pages of a shared memfd */
static int gen_memfd(struct sim *s, double scale)
{
	return one_faulter(s, scaled(1000, scale), SPEC_SHMEM, false, true, false);
}

/* mmretry-gen anon: first writes to PAGES anonymous pages (one round) */
static int gen_anon(struct sim *s, double scale)
{
	return one_faulter(s, scaled(4096, scale), SPEC_ANON, false, true, false);
}

/* mmretry-gen uffd: reads FAULTS missing pages of a userfaultfd-registered
 * region; a handler thread UFFDIO_COPYs each */
static int gen_uffd(struct sim *s, double scale)
{
	return one_faulter(s, scaled(100, scale), SPEC_ANON, false, false, true);
}

/*
 * The 2010 anon_vma_chain patch: an AIM7-like fork workload, 1000 children
 * each COWing 1000 anonymous pages of a VMA they share with the parent,
 * then reclaim walks every page: "reduces the average scanning cost ...
 * from O(N) to 2". (Processes, not threads: model/rmap.c runs it.)
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
static int spf_race(struct sim *s, double scale)
{
	const int nf = s->nthreads - 1;
	const uint64_t region = 256;
	int i;

	if (!vma_add(&s->mm, 0, region, true, false, false, 0))
		return -ENOMEM;
	for (i = 0; i < nf; i++) {
		struct mthread *t = &s->threads[i];

		t->program = random_faulter;
		t->faulter = true;
		t->base = 0;
		t->step = region;
		t->n = scaled(4000, scale);
		t->write_fault = true;
	}
	s->threads[nf].program = changer;
	s->threads[nf].mapped = 0;
	s->threads[nf].npages = region;
	s->threads[nf].step = 2000;
	return 0;
}

/* mmretry-gen mapping: ROUNDS x (mmap 4 pages, write one, munmap) */
static int gen_mapping(struct sim *s, double scale)
{
	/* each 4-page mapping lands next to an anonymous VMA the process has
	 * and merges with it: live, the faults need no anon_vma_prepare() */
	s->mm.merge_anon = true;
	s->threads[0].program = map_touch_unmap;
	s->threads[0].faulter = true;
	s->threads[0].n = scaled(100000, scale);
	s->threads[0].write_fault = true;
	return 0;
}

/* mmretry-gen pagelock: 64 rounds over fresh 32-page windows of a file */
static int gen_pagelock(struct sim *s, double scale)
{
	uint64_t rounds = scaled(64, scale);
	int err;

	if ((err = file_init(&s->file, rounds * 32)))
		return err;
	if (!(s->threads[0].vma = vma_add(&s->mm, 0, rounds * 32, false, true, true, 0)))
		return -ENOMEM;
	s->threads[0].program = pagelock_faulter;
	s->threads[0].faulter = true;
	s->threads[0].n = rounds;
	return 0;
}

/* mmretry-gen vdso: 16 children, each reading one byte of the vDSO */
static int gen_vdso(struct sim *s, double scale)
{
	uint64_t children = scaled(16, scale);

	if (!(s->threads[0].vma = vma_add(&s->mm, 0, children, false, false, false, 0)))
		return -ENOMEM;
	s->threads[0].vma->special = true;
	s->threads[0].vma->writable = false;
	s->threads[0].program = vdso_forker;
	s->threads[0].faulter = true;
	s->threads[0].n = children;
	return 0;
}

/* mmretry-gen kread: read() of 1024 pages of /dev/zero into fresh
 * anonymous memory: clear_user() faults on each, in kernel mode */
static int gen_kread(struct sim *s, double scale)
{
	uint64_t pages = scaled(1024, scale);
	struct vma *v;

	if (!(v = vma_add(&s->mm, 0, pages, true, false, false, 0)))
		return -ENOMEM;
	start_faulter(&s->threads[0], v, 0, pages, 1, true);
	s->threads[0].kernel_mode = true;
	return 0;
}

/*
 * mmretry-gen wrhold: a thread mprotect()s a populated 256 MiB region 16
 * times while two threads mmap 16 pages, write them and munmap them, and
 * one writes its 256 populated pages and MADV_DONTNEEDs them (8 passes at
 * most). The scale scales the region (mmretry-gen -s MIB: MIB / 256).
 */
static int gen_wrhold(struct sim *s, double scale)
{
	const uint64_t region = scaled(65536, scale), fregion = 256;
	struct vma *v, *fv;
	int i;

	/* each 16-page mapping merges with an anonymous neighbour, as in
	 * gen-mapping: no anon_vma_prepare() */
	s->mm.merge_anon = true;
	if (!(v = vma_add(&s->mm, 0, region, true, false, false, 0)) ||
	    !(fv = vma_add(&s->mm, region + 1, fregion, true, false, false, 0)))
		return -ENOMEM;
	vma_populate(s, v);
	vma_populate(s, fv);
	s->threads[0].program = mprotect_holder;
	s->threads[0].faulter = true;
	s->threads[0].mapped = v->start;
	s->threads[0].n = 16;
	for (i = 1; i <= 2; i++) {
		s->threads[i].program = mapper_touch;
		s->threads[i].npages = 16;
		s->threads[i].write_fault = true;
	}
	s->threads[3].program = dontneed_faulter;
	s->threads[3].mapped = fv->start;
	s->threads[3].npages = fregion;
	s->threads[3].write_fault = true;
	return 0;
}

/*
 * mmretry-gen blocker: a thread walks its populated 256 MiB region with
 * MADV_POPULATE_READ, pass after pass, under mmap_lock for read; another
 * mmap()s a page 200 us into 16 of its passes, and waits for the rest. The
 * scale scales the region (mmretry-gen -s MIB: MIB / 256).
 */
static int gen_blocker(struct sim *s, double scale)
{
	const uint64_t region = scaled(65536, scale);
	struct vma *v;

	if (!(v = vma_add(&s->mm, 0, region, true, false, false, 0)))
		return -ENOMEM;
	vma_populate(s, v);
	s->threads[0].program = populate_reader;
	s->threads[0].mapped = v->start;
	s->threads[1].program = blocker_writer;
	s->threads[1].faulter = true;
	s->threads[1].npages = 1;
	s->threads[1].n = 16;
	return 0;
}

/*
 * Swap-in: 8 threads fault back, in order, their 2048 pages each of a 64
 * MiB anonymous region that reclaim swapped out (a 4 KiB read off the swap
 * device each, no readahead), while another thread maps and unmaps 16
 * pages every 20 us. As file-reverse for the page cache: the I/O under
 * mmap_lock (legacy) or not (a retry with reason swap).
 */
static int swap_in(struct sim *s, double scale)
{
	return faulters_and_mapper(s, scaled(2048, scale), SPEC_ANON, false, false, vma_swap_out);
}

/*
 * Dirty throttling: one thread writes each page of a 256 MiB MAP_SHARED
 * file mapping, its pages in the page cache, on a disk that writes back
 * 100 MB/s, with a dirty limit of 64 MiB; another thread maps and unmaps
 * 16 pages every 20 us. Past the limit the writer sleeps in
 * balance_dirty_pages() every 32 pages: holding mmap_lock (before 5.3), or
 * not.
 */
/* dirty-file's: the file's pages cached, a disk writing back 100 MB/s, a
 * quarter of them the dirty limit */
static int dirty_setup(struct sim *s, struct vma *v)
{
	memset(s->file.state, FOLIO_UPTODATE, s->file.npages);
	s->dirty.limit = s->file.npages / 4;
	s->dirty.bw = 25600;		/* 100 MB/s of 4 KiB pages */
	s->dirty.ratelimit = 32;
	return 0;
}

static int dirty_file(struct sim *s, double scale)
{
	return faulters_and_mapper(s, scaled(65536, scale), SPEC_FILE, false, true, dirty_setup);
}

/*
 * mmretry-gen swapin: one thread reads back, last page first, an anonymous
 * region that reclaim swapped out (each page a read off the swap device),
 * with a one-page swap readahead window (vm.page-cluster=0, as the live
 * tests run it): a retry (swap) per page where the read is asynchronous,
 * none where it is polled (swap_poll: 4.13 to 6.5). Live, reclaim leaves
 * some pages in the swap cache (no read, no retry): the model's count is
 * the most.
 */
static int gen_swapin(struct sim *s, double scale)
{
	const uint64_t pages = scaled(512, scale);
	struct vma *v;

	s->swap_window = 1;
	if (!(v = vma_add(&s->mm, 0, pages, true, false, false, 0)) || vma_swap_out(s, v))
		return -ENOMEM;
	v->has_anon_vma = true;	/* it was written before it was swapped out */
	start_faulter(&s->threads[0], v, pages - 1, pages, -1, false);
	return 0;
}

/*
 * mmretry-gen holepunch: one thread reads every page of a 4 MiB shared
 * memfd mapping, pass after pass, while another fills the whole file
 * (fallocate()) and punches it out (fallocate(PUNCH_HOLE)), 48 times: a read fault during a
 * punch waits for it without its lock, and retries (shmem). How many do is
 * a matter of timing.
 */
static int gen_holepunch(struct sim *s, double scale)
{
	const uint64_t pages = 1024;
	struct vma *v;

	if (!(v = vma_add(&s->mm, 0, pages, false, true, false, 0)))
		return -ENOMEM;
	s->threads[0].program = puncher;
	s->threads[0].faulter = true;
	s->threads[0].target = v;
	s->threads[0].npages = pages;
	s->threads[0].n = scaled(48, scale);
	s->threads[1].program = shmem_reader;
	s->threads[1].target = v;
	s->threads[1].mapped = v->start;
	s->threads[1].npages = pages;
	return 0;
}

/*
 * mmretry-gen anonprep: one thread writes the first page of each of 256
 * fresh anonymous VMAs, none merged with another (a PROT_NONE page between:
 * each its own anon_vma to prepare), while another mprotect()s a populated
 * 16 MiB region in a loop, holding mmap_lock for write: under the VMA lock
 * (6.7+), a first write whose trylock of mmap_lock fails retries
 * (anon_vma). How many do is a matter of timing; none before per-VMA
 * locks.
 */
static int gen_anonprep(struct sim *s, double scale)
{
	const uint64_t nvmas = scaled(256, scale), region = 4096;
	struct vma *v;
	uint64_t i;

	if (!(v = vma_add(&s->mm, 0, region, true, false, false, 0)))
		return -ENOMEM;
	vma_populate(s, v);
	/* a page each, a page apart */
	for (i = 0; i < nvmas; i++)
		if (!vma_add(&s->mm, region + 1 + 2 * i, 1, true, false, false, 0))
			return -ENOMEM;
	start_faulter(&s->threads[0], v, region + 1, nvmas, 2, true);
	s->threads[1].program = mprotect_loop;
	s->threads[1].mapped = v->start;
	return 0;
}

/* mmretry-gen rmapfan: 4 children share a written 16 MiB region; the
 * parent compacts memory, which migrates its pages */
static int run_gen_rmapfan(enum model_policy p, uint64_t seed, double scale,
			   struct model_result *res)
{
	return model_fork_compact(p, 4, scaled(4096, scale), res);
}

/* mmretry-gen forktree: DEPTH 6 */
static int run_gen_forktree(enum model_policy p, uint64_t seed, double scale,
			    struct model_result *res)
{
	return model_forktree(p, 6, res);
}

/* ---- scenario files (scenario_file.c parses them) ---- */

/* the file's VMAs side by side, one page apart, and its threads */
static int spec_setup(struct sim *s, double scale, const void *arg)
{
	const struct model_spec *spec = arg;
	struct vma *vmas[SPEC_MAX_VMAS];
	uint64_t start = 0, file_pages = 0;
	int nthreads, i, k, err;

	for (i = 0; i < spec->nvmas; i++)
		if (spec->vmas[i].kind == SPEC_FILE)
			file_pages += spec->vmas[i].pages;
	if (file_pages && (err = file_init(&s->file, file_pages)))
		return err;
	s->dirty.limit = spec->dirty_limit;
	s->dirty.bw = spec->writeback;
	s->dirty.ratelimit = 32;
	/* file VMAs on their own pages of the one file */
	for (i = 0, file_pages = 0; i < spec->nvmas; i++) {
		enum spec_vma_kind kind = spec->vmas[i].kind;

		vmas[i] = vma_add(&s->mm, start, spec->vmas[i].pages, kind == SPEC_ANON,
				  kind != SPEC_ANON, kind == SPEC_FILE, file_pages);
		if (!vmas[i])
			return -ENOMEM;
		if (spec->vmas[i].initial == INIT_PRESENT)
			vma_populate(s, vmas[i]);
		else if (spec->vmas[i].initial == INIT_SWAPPED && vma_swap_out(s, vmas[i]))
			return -ENOMEM;
		else if (spec->vmas[i].initial == INIT_CACHED)
			memset(s->file.state + file_pages, FOLIO_UPTODATE, spec->vmas[i].pages);
		if (kind == SPEC_FILE)
			file_pages += spec->vmas[i].pages;
		start += spec->vmas[i].pages + 1;
	}
	for (i = 0, nthreads = 0; i < spec->nthreads; i++) {
		const typeof(spec->threads[0]) *ts = &spec->threads[i];

		for (k = 0; k < ts->count; k++) {
			struct mthread *t = &s->threads[nthreads++];
			struct vma *v = ts->vma >= 0 ? vmas[ts->vma] : NULL;

			t->write_fault = ts->write;
			t->kernel_mode = ts->kernel;
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
	return 0;
}

int model_spec_run(const struct model_spec *spec, enum model_policy p, uint64_t seed,
		   double scale, struct model_result *res)
{
	int nthreads = 0, i;

	for (i = 0; i < spec->nthreads; i++)
		nthreads += spec->threads[i].count;
	return simulate(p, seed, scale, res, nthreads, spec_setup, spec);
}

/* ---- the table ---- */

static int builtin_setup(struct sim *s, double scale, const void *arg)
{
	return ((const struct model_scenario *)arg)->setup(s, scale);
}

int model_scenario_run(const struct model_scenario *sc, enum model_policy p, uint64_t seed,
		       double scale, struct model_result *res)
{
	return sc->run ? sc->run(p, seed, scale, res) :
	       simulate(p, seed, scale, res, sc->nthreads, builtin_setup, sc);
}

static const struct model_scenario scenarios[] = {
	{ "file-reverse", "64 threads fault a file's pages off disk in reverse order while "
	  "another thread mmap()s and munmap()s", "2006 NOPAGE_RETRY thread",
	  .nthreads = 65, .setup = file_reverse },
	{ "shmem-dirty", "one thread dirties a 400 MB MAP_SHARED shmem mapping page by page",
	  "2022 VM_FAULT_COMPLETED patch (Peter Xu)", .nthreads = 1, .setup = shmem_dirty },
	{ "aim7-fork", "1000 forked children each COW 1000 pages of a shared VMA, then reclaim "
	  "walks every page", "2010 anon_vma_chain patch (Rik van Riel)", .run = run_aim7_fork },
	{ "spf-race", "8 threads write to random pages of a region another thread keeps "
	  "mprotect()ing and re-mapping", "2018 speculative page faults (Laurent Dufour)",
	  .nthreads = 9, .setup = spf_race },
	{ "gen-file", "4096 uncached pages of a MAP_SHARED file, last first",
	  "mmretry-gen file", .nthreads = 1, .setup = gen_file },
	{ "gen-memfd", "the first write to each of 1000 pages of a MAP_SHARED memfd",
	  "mmretry-gen memfd", .nthreads = 1, .setup = gen_memfd },
	{ "gen-anon", "the first write to each of 4096 anonymous pages",
	  "mmretry-gen anon (one round)", .nthreads = 1, .setup = gen_anon },
	{ "gen-mapping", "100000 rounds of mmap 4 pages, write one, munmap",
	  "mmretry-gen mapping", .nthreads = 1, .setup = gen_mapping },
	{ "gen-uffd", "reads of 100 missing pages of a userfaultfd-registered region, a "
	  "handler UFFDIO_COPYing each", "mmretry-gen uffd", .nthreads = 1, .setup = gen_uffd },
	{ "gen-forktree", "a chain of 6 forks over a written region; R1 forks R2 and exits, "
	  "R2 forks R3", "mmretry-gen forktree", .run = run_gen_forktree },
	{ "gen-pagelock", "64 rounds: start the readahead of a fresh 32-page window of a file, "
	  "read its first page at once", "mmretry-gen pagelock", .nthreads = 1,
	  .setup = gen_pagelock },
	{ "gen-vdso", "16 forked children each read one byte of the vDSO",
	  "mmretry-gen vdso", .nthreads = 1, .setup = gen_vdso },
	{ "gen-kread", "read() of 1024 pages of /dev/zero into fresh anonymous memory (faults "
	  "in kernel mode)", "mmretry-gen kread", .nthreads = 1, .setup = gen_kread },
	{ "gen-wrhold", "16 mprotect() calls over a populated 256 MiB region while two threads "
	  "mmap, write and munmap 16 pages and one faults", "mmretry-gen wrhold",
	  .nthreads = 4, .setup = gen_wrhold },
	{ "gen-blocker", "MADV_POPULATE_READ over 256 MiB, pass after pass, while another "
	  "thread mmap()s 200 us into 16 of the passes", "mmretry-gen blocker",
	  .nthreads = 2, .setup = gen_blocker },
	{ "gen-rmapfan", "4 children share a written 16 MiB region; compaction migrates its "
	  "pages", "mmretry-gen rmapfan", .run = run_gen_rmapfan },
	{ "gen-swapin", "one thread reads back, last first, 512 swapped-out anonymous pages, a "
	  "one-page swap readahead window", "mmretry-gen swapin", .nthreads = 1,
	  .setup = gen_swapin },
	{ "gen-holepunch", "a thread reads a 4 MiB memfd mapping while another fills the file and "
	  "punches it out, 48 times", "mmretry-gen holepunch", .nthreads = 2,
	  .setup = gen_holepunch },
	{ "gen-anonprep", "first writes to 256 fresh anonymous VMAs while another thread "
	  "mprotect()s a populated 16 MiB region", "mmretry-gen anonprep", .nthreads = 2,
	  .setup = gen_anonprep },
	{ "swap-in", "8 threads fault back a swapped-out 64 MiB anonymous region while another "
	  "mmap()s and munmap()s", "do_swap_page(), __folio_lock_or_retry()", .nthreads = 9,
	  .setup = swap_in },
	{ "dirty-file", "one thread dirties a 256 MiB shared file mapping past the dirty limit "
	  "while another mmap()s and munmap()s", "balance_dirty_pages(); 89b15332af7c (5.3) "
	  "dropped mmap_lock for it", .nthreads = 2, .setup = dirty_file },
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
