// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rmap.c: anon_vma, anon_vma_chain, fork and the anonymous rmap walk
 * (mm/rmap.c), in the two designs the kernel has had:
 *
 *   one anon_vma per VMA family (before 2.6.34): a forked child's VMA joins
 *   its parent's anon_vma, so every anonymous page of the family, COWed or
 *   not, is found through one list holding every VMA of the family;
 *
 *   anon_vma chains (2.6.34, Rik van Riel, 2010): a child's VMA is linked
 *   (anon_vma_clone) into each anon_vma of its parent's chain and gets an
 *   anon_vma of its own, which its COWed pages point to; a walk of such a
 *   page visits only the VMAs that can map it.
 *
 * (an era's traits say which: policy.c).
 *
 * The AIM7-like scenario below is what the 2010 patch measured: "reduces
 * the average scanning cost ... from O(N) to 2".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/sim.h"

struct anon_vma {
	struct anon_vma *root;
	uint64_t nvmas;			/* VMAs linked through anon_vma_chains */
};

/* An anonymous VMA of one process of the family, and its pages. */
struct avma {
	struct anon_vma *anon_vma;	/* where its new (COWed) pages go */
	int nchain;			/* its anon_vma_chain entries */
	bool *own;			/* page i is its own (COWed), not its parent's */
};

struct family {
	bool chains;			/* the 2.6.34 design */
	bool vma_locks;			/* faults under per-VMA locks (6.4+) */
	uint64_t npages;
	struct avma *vmas;		/* [0] the parent */
	int nvmas;
	uint64_t *sharers;		/* per page: VMAs mapping the parent's page */
	struct anon_vma **avs;		/* every anon_vma, to free */
	int navs;
	struct model_result *res;
};

static struct anon_vma *anon_vma_alloc(struct family *f)
{
	struct anon_vma *av = calloc(1, sizeof(*av));

	if (!av)
		return NULL;
	av->root = av;
	f->avs[f->navs++] = av;
	return av;
}

/* anon_vma_prepare(): the first anonymous fault of a VMA gives it one */
static int anon_vma_prepare(struct family *f, struct avma *v)
{
	v->anon_vma = anon_vma_alloc(f);
	if (!v->anon_vma)
		return -ENOMEM;
	v->anon_vma->nvmas = 1;
	v->nchain = 1;
	hist_add(&f->res->chain.length, v->nchain);
	f->res->chain.events[MMR_CHAIN_PREPARE]++;
	return 0;
}

/*
 * anon_vma_fork(): the child's copy of the parent's VMA. With chains:
 * anon_vma_clone() links it into every anon_vma of the parent's chain (the
 * model's parent has one), then it gets its own anon_vma under the same
 * root. Before: it joins the parent's anon_vma.
 */
static int anon_vma_fork(struct family *f, struct avma *child, const struct avma *parent)
{
	parent->anon_vma->nvmas++;	/* anon_vma_clone(), or joining it */
	child->nchain = parent->nchain;
	if (f->chains) {
		struct anon_vma *av = anon_vma_alloc(f);

		if (!av)
			return -ENOMEM;
		av->root = parent->anon_vma->root;
		av->nvmas = 1;
		child->anon_vma = av;
		child->nchain++;
	} else {
		child->anon_vma = parent->anon_vma;
	}
	hist_add(&f->res->chain.length, child->nchain);
	f->res->chain.events[MMR_CHAIN_FORK]++;
	return 0;
}

/* one fault that needs no retry, under the VMA lock where the era has one
 * (this scenario does not model mmap_lock contention: each process has its
 * own mm, and none waits) */
static void fault_counted(struct family *f)
{
	struct mmr_fault_counters *c = &f->res->faults;

	c->attempts++;
	c->faults++;
	if (f->vma_locks)
		c->vma_lock_attempts++;
	else
		c->mmap_lock_attempts++;
	f->res->thread_ns[0] += model_costs.fault_entry + model_costs.anon_page;
	fault_timed_once(&f->res->latency, true, model_costs.anon_page);
}

/* do_wp_page() -> wp_page_copy(): the child's write to a page it shares
 * with its parent; the copy belongs to the child's anon_vma */
static void wp_page_copy(struct family *f, struct avma *v, uint64_t i)
{
	fault_counted(f);
	v->own[i] = true;
	f->sharers[i]--;
}

/*
 * rmap_walk_anon() of one page (try_to_unmap): the VMAs of its anon_vma's
 * interval tree (here every VMA linked to it covers the page), and of
 * those the ones that map it.
 */
static void walk_add(struct mmr_walk_stats *w, uint64_t vmas, uint64_t mapped)
{
	w->walks++;
	hist_add(&w->vmas, vmas);
	hist_add(&w->mapped, mapped);
	hist_add(&w->ns, model_costs.walk + vmas * model_costs.walk_vma);
}

static void rmap_walk_anon(struct family *f, int walker, const struct anon_vma *av,
			   uint64_t mapped)
{
	walk_add(&f->res->walk, av->nvmas, mapped);
	walk_add(&f->res->walkers[walker].s, av->nvmas, mapped);
}

static void family_free(struct family *f)
{
	for (int i = 0; i < f->navs; i++)
		free(f->avs[i]);
	for (int i = 0; i < f->nvmas; i++)
		free(f->vmas[i].own);
	free(f->avs);
	free(f->vmas);
	free(f->sharers);
}

/*
 * A parent writes npages anonymous pages (its first fault prepares its
 * anon_vma) and forks nchildren, whose VMAs share every page: the start of
 * both scenarios below. 0, or -ENOMEM (family_free() it either way).
 */
static int family_fork(struct family *f, enum model_policy p, int nchildren, uint64_t npages,
		       struct model_result *res)
{
	uint64_t i;
	int k, err;

	memset(f, 0, sizeof(*f));
	/* anon_vma chains came with 2.6.34: the eras after it have them */
	f->chains = model_traits(p)->chains;
	f->vma_locks = model_traits(p)->vma_locks;
	f->npages = npages;
	f->res = res;
	memset(res, 0, sizeof(*res));
	res->anon = true;
	res->timed = true;
	f->vmas = calloc(nchildren + 1, sizeof(*f->vmas));
	f->avs = calloc(nchildren + 1, sizeof(*f->avs));
	f->sharers = calloc(npages, sizeof(*f->sharers));
	if (!f->vmas || !f->avs || !f->sharers)
		return -ENOMEM;
	f->nvmas = nchildren + 1;
	for (k = 0; k <= nchildren; k++)
		if (!(f->vmas[k].own = calloc(npages, sizeof(bool))))
			return -ENOMEM;
	if ((err = anon_vma_prepare(f, &f->vmas[0])))
		return err;
	for (i = 0; i < npages; i++) {
		fault_counted(f);
		f->vmas[0].own[i] = true;
		f->sharers[i] = 1;
	}
	for (k = 1; k <= nchildren; k++) {
		if ((err = anon_vma_fork(f, &f->vmas[k], &f->vmas[0])))
			return err;
		for (i = 0; i < npages; i++)
			f->sharers[i]++;
	}
	return 0;
}

/*
 * AIM7-like: a parent writes npages anonymous pages, forks nchildren; each
 * child writes every page (a COW fault each); then reclaim walks every
 * anonymous page once.
 */
int model_fork_cow_reclaim(enum model_policy p, int nchildren, uint64_t npages,
			   struct model_result *res)
{
	struct family f;
	uint64_t i;
	int k, err;

	if ((err = family_fork(&f, p, nchildren, npages, res)))
		goto out;
	res->walkers[0].name = "try_to_unmap";
	res->nwalkers = 1;
	for (k = 1; k <= nchildren; k++)
		for (i = 0; i < npages; i++)
			wp_page_copy(&f, &f.vmas[k], i);
	/* reclaim: the parent's pages, then each child's copies */
	for (k = 0; k <= nchildren; k++)
		for (i = 0; i < npages; i++)
			rmap_walk_anon(&f, 0, f.vmas[k].anon_vma, k ? 1 : f.sharers[i]);
	res->sim_ns = res->thread_ns[0];
out:
	family_free(&f);
	return err;
}

/*
 * The generator's rmapfan: a parent writes npages anonymous pages and forks
 * nchildren, which only read them; compaction (in the parent) migrates
 * every page: try_to_migrate() unmaps it, remove_migration_ptes() maps the
 * copy, each walking the VMAs of the page's anon_vma, every one mapping it.
 * Both designs give the same walks: no child has a page of its own.
 */
int model_fork_compact(enum model_policy p, int nchildren, uint64_t npages,
		       struct model_result *res)
{
	struct family f;
	uint64_t i;
	int err;

	if ((err = family_fork(&f, p, nchildren, npages, res)))
		goto out;
	res->walkers[0].name = "try_to_migrate";
	res->walkers[1].name = "remove_migration_ptes";
	res->nwalkers = 2;
	for (i = 0; i < npages; i++) {
		rmap_walk_anon(&f, 0, f.vmas[0].anon_vma, f.sharers[i]);
		rmap_walk_anon(&f, 1, f.vmas[0].anon_vma, f.sharers[i]);
	}
	res->sim_ns = res->thread_ns[0];
out:
	family_free(&f);
	return err;
}

/*
 * ---- a process tree: anon_vma_clone() with reuse (4.0+) ----
 *
 * The generator's forktree: a chain of depth forks over a written region
 * (each child forks once), then R1 forks R2 and exits, and R2 forks R3.
 * Every VMA keeps its anon_vma_chain (the anon_vmas it is linked into);
 * anon_vma_clone() links the child into each of the parent's, and reuses
 * one that has no active VMA and fewer than 2 children instead of
 * allocating ("mm: prevent endless growth of anon_vma hierarchy", 4.0).
 */
struct tav {
	struct tav *root, *parent;
	int num_children, num_active_vmas;
};

struct tvma {
	struct tav *anon_vma;
	struct tav *chain[64];		/* anon_vma_chain, oldest first */
	int nchain;
};

struct tree {
	bool chains, reuse;
	struct tav *avs[256];
	int navs;
	struct model_result *res;
};

static struct tav *tav_alloc(struct tree *t)
{
	struct tav *av;

	if (t->navs == 256 || !(av = calloc(1, sizeof(*av))))
		return NULL;
	av->root = av;
	t->avs[t->navs++] = av;
	return av;
}

static int tree_prepare(struct tree *t, struct tvma *v)
{
	v->anon_vma = tav_alloc(t);
	if (!v->anon_vma)
		return -ENOMEM;
	v->anon_vma->num_active_vmas = 1;
	v->chain[0] = v->anon_vma;
	v->nchain = 1;
	t->res->chain.events[MMR_CHAIN_PREPARE]++;
	hist_add(&t->res->chain.length, v->nchain);
	return 0;
}

/* anon_vma_fork() -> anon_vma_clone() */
static int tree_fork(struct tree *t, struct tvma *child, const struct tvma *parent)
{
	struct tav *av;
	int i;

	memset(child, 0, sizeof(*child));
	if (!t->chains) {		/* one anon_vma for the family */
		child->anon_vma = parent->anon_vma;
		child->chain[0] = parent->anon_vma;
		child->nchain = 1;
		parent->anon_vma->num_active_vmas++;
		goto out;
	}
	for (i = parent->nchain - 1; i >= 0; i--) {	/* list_for_each_entry_reverse */
		av = parent->chain[i];
		child->chain[child->nchain++] = av;
		if (t->reuse && !child->anon_vma && av->num_children < 2 && !av->num_active_vmas)
			child->anon_vma = av;
	}
	if (child->anon_vma) {
		child->anon_vma->num_active_vmas++;
		t->res->chain.reused++;
		goto out;
	}
	av = tav_alloc(t);
	if (!av)
		return -ENOMEM;
	av->num_active_vmas = 1;
	av->root = parent->anon_vma->root;
	av->parent = parent->anon_vma;
	av->parent->num_children++;
	child->anon_vma = av;
	if (child->nchain == 64)
		return -ENOMEM;
	child->chain[child->nchain++] = av;
out:
	t->res->chain.events[MMR_CHAIN_FORK]++;
	hist_add(&t->res->chain.length, child->nchain);
	return 0;
}

/* the process exits: unlink_anon_vmas() (its anon_vma stays while linked) */
static void tree_exit(struct tvma *v)
{
	v->anon_vma->num_active_vmas--;
}

int model_forktree(enum model_policy p, int depth, struct model_result *res)
{
	struct tree t = { .chains = model_traits(p)->chains, .reuse = model_traits(p)->chains,
			  .res = res };
	struct tvma *v = calloc(depth + 4, sizeof(*v)), *r;
	int i, err = -ENOMEM;

	memset(res, 0, sizeof(*res));
	res->anon = true;
	res->no_faults = true;		/* the processes' faults are not modelled here */
	if (!v || depth < 1 || depth > 60)
		goto out;
	/* the region, written: its first fault prepares its anon_vma */
	if ((err = tree_prepare(&t, &v[0])))
		goto out;
	for (i = 1; i <= depth; i++)		/* each child forks once */
		if ((err = tree_fork(&t, &v[i], &v[i - 1])))
			goto out;
	r = &v[depth + 1];			/* R1, R2, R3 */
	if ((err = tree_fork(&t, &r[0], &v[0])) || (err = tree_fork(&t, &r[1], &r[0])))
		goto out;
	tree_exit(&r[0]);			/* R1 exits */
	err = tree_fork(&t, &r[2], &r[1]);
out:
	for (i = 0; i < t.navs; i++)
		free(t.avs[i]);
	free(v);
	return err;
}
