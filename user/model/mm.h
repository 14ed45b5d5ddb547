/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mm.h: the mm the model's faults run on, inside user/model/ only: its
 * mmap_lock (an rwsem: sim.c takes and releases it), its VMAs with their
 * page-table bits, and the page cache of the scenario's file (or the swap
 * cache of its swap device). mm.c makes, looks up and frees them; what
 * happens to them is the fault path's (fault.c) and rmap.c's.
 */
#ifndef MMRETRY_MODEL_MM_H
#define MMRETRY_MODEL_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "bpf/mmap_lock.h"

struct mthread;

/* an rwsem with the kernel's fair queueing: a queued writer stops new
 * readers; a release grants the queue's head (a writer, or every reader up
 * to the next writer) */
struct rwsem {
	int readers;
	bool writer;
	struct mthread *head, *tail;	/* waiters, FIFO */
	struct mmr_lock_stats *stats;	/* [0] read, [1] write; NULL: not measured */
};

/* A VMA: [start, end) in pages. */
struct vma {
	uint64_t start, end;
	bool anon, shared, file;	/* shmem is shared && !file */
	uint64_t pgoff;			/* file pages: the file's page start + pgoff */
	int readers;			/* per-VMA lock readers (lock_vma_under_rcu) */
	bool write_locked;		/* vma_start_write() until mmap_write_unlock */
	bool detached;			/* unmapped: a reader must fail */
	bool writable;			/* PROT_WRITE */
	bool has_anon_vma;		/* anon_vma_prepare() done: its first fault did it */
	bool uffd;			/* registered with userfaultfd (MISSING) */
	bool special;			/* vm_ops without ->map_pages (the vDSO's special mapping) */
	uint8_t *swapped;		/* a bit per page: the PTE holds a swap entry; NULL: none */
	uint64_t swap_base;		/* the swap slot of its first page */
	uint64_t seq;			/* vm_sequence: bumped by every change (2018 SPF) */
	struct mthread *writer;		/* vma_start_write() waiting for readers */
	uint8_t *present;		/* a bit per page: the PTE is there */
	uint64_t npresent;		/* of them set */
};

#define MM_MAX_VMAS 4096

struct mm {
	struct rwsem mmap_lock;
	struct vma *vmas[MM_MAX_VMAS];	/* sorted by start */
	int nvmas;
	uint64_t next_free;		/* where mmap() puts the next mapping */
	uint64_t seq;			/* bumped by every mmap/munmap/mprotect (seqcount) */
	bool merge_anon;		/* a new anonymous mmap() merges with an anonymous
					 * neighbour (vma_merge): it has an anon_vma already */
	struct vma *locked[MM_MAX_VMAS];	/* write-locked VMAs, until mmap_write_unlock */
	int nlocked;
	int faulting;			/* threads inside do_user_addr_fault() */
	struct vma **dead;		/* unmapped while faults ran: freed when none does
					 * (the grace period RCU readers get) */
	int ndead, capdead;
};

/* The page cache of the scenario's one file, or the swap cache of its swap
 * device: when each page's read ends. */
enum folio_state { FOLIO_NONE, FOLIO_IO, FOLIO_UPTODATE };

struct file {
	uint64_t npages;
	uint8_t *state;			/* enum folio_state */
	uint64_t *io_done;		/* FOLIO_IO: when the read completes */
	uint64_t *io_ns;		/* a replay's: each page's read as recorded; NULL,
					 * or 0 for a page: the model's cost */
};

struct vma *find_vma(struct mm *mm, uint64_t page);
struct vma *vma_add(struct mm *mm, uint64_t start, uint64_t npages, bool anon, bool shared,
		    bool file, uint64_t pgoff);
void vma_remove(struct mm *mm, struct vma *vma);
int mm_init(struct mm *mm, struct mmr_lock_stats *stats);
void mm_free(struct mm *mm);
/* the VMAs unmapped while faults ran, freed once none runs (the grace
 * period RCU readers get) */
void mm_free_dead(struct mm *mm);
int file_init(struct file *f, uint64_t npages);
void file_free(struct file *f);

#endif
