// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* mm.c: the model's mm: VMAs in address order, and the file's page cache. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/mm.h"

int mm_init(struct mm *mm, struct mmr_lock_stats *stats)
{
	memset(mm, 0, sizeof(*mm));
	mm->mmap_lock.stats = stats;
	mm->next_free = 1ULL << 20;	/* pages: above every scenario's own VMAs */
	return 0;
}

static void vma_free(struct vma *v)
{
	free(v->present);
	free(v->swapped);
	free(v);
}

void mm_free_dead(struct mm *mm)
{
	int i;

	for (i = 0; i < mm->ndead; i++)
		vma_free(mm->dead[i]);
	mm->ndead = 0;
}

void mm_free(struct mm *mm)
{
	int i;

	for (i = 0; i < mm->nvmas; i++)
		vma_free(mm->vmas[i]);
	mm_free_dead(mm);
	free(mm->dead);
	mm->nvmas = 0;
}

struct vma *find_vma(struct mm *mm, uint64_t page)
{
	int lo = 0, hi = mm->nvmas;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (mm->vmas[mid]->end <= page)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < mm->nvmas && mm->vmas[lo]->start <= page ? mm->vmas[lo] : NULL;
}

struct vma *vma_add(struct mm *mm, uint64_t start, uint64_t npages, bool anon, bool shared,
		    bool file, uint64_t pgoff)
{
	struct vma *v;
	int i;

	if (mm->nvmas == MM_MAX_VMAS || !(v = calloc(1, sizeof(*v))))
		return NULL;
	v->present = calloc((npages + 7) / 8, 1);
	if (!v->present) {
		free(v);
		return NULL;
	}
	v->start = start;
	v->end = start + npages;
	v->anon = anon;
	v->shared = shared;
	v->file = file;
	v->pgoff = pgoff;
	v->writable = true;
	for (i = mm->nvmas; i > 0 && mm->vmas[i - 1]->start > start; i--)
		mm->vmas[i] = mm->vmas[i - 1];
	mm->vmas[i] = v;
	mm->nvmas++;
	return v;
}

/* unmap: out of the tree, marked detached; freed at once if no fault runs,
 * else when none does, as RCU readers (lock_vma_under_rcu, a speculative
 * fault) may still look at it */
void vma_remove(struct mm *mm, struct vma *vma)
{
	int i, k;

	for (i = 0; i < mm->nvmas && mm->vmas[i] != vma; i++)
		;
	if (i == mm->nvmas)
		return;
	for (k = i; k + 1 < mm->nvmas; k++)
		mm->vmas[k] = mm->vmas[k + 1];
	mm->nvmas--;
	vma->detached = true;
	vma->seq++;
	for (k = 0; k < mm->nlocked; k++)	/* its write lock goes with it */
		if (mm->locked[k] == vma)
			mm->locked[k--] = mm->locked[--mm->nlocked];
	if (!mm->faulting) {
		vma_free(vma);
		return;
	}
	if (mm->ndead == mm->capdead) {
		int cap = mm->capdead ? 2 * mm->capdead : 16;
		struct vma **grown = realloc(mm->dead, cap * sizeof(*grown));

		if (!grown) {
			vma_free(vma);	/* no reader can be left in the model's runs */
			return;
		}
		mm->dead = grown;
		mm->capdead = cap;
	}
	mm->dead[mm->ndead++] = vma;
}

int file_init(struct file *f, uint64_t npages)
{
	f->npages = npages;
	f->state = calloc(npages, 1);
	f->io_done = calloc(npages, sizeof(*f->io_done));
	return f->state && f->io_done ? 0 : -ENOMEM;
}

void file_free(struct file *f)
{
	free(f->state);
	free(f->io_done);
	free(f->io_ns);
	memset(f, 0, sizeof(*f));
}
