// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>

#include "bpf/hist.h"
#include "stats/mmap_lock.h"

void hist_merge(struct mmr_hist *a, const struct mmr_hist *b)
{
	int i;

	a->count += b->count;
	a->sum_ns += b->sum_ns;
	if (b->max_ns > a->max_ns)
		a->max_ns = b->max_ns;
	for (i = 0; i < MMR_HIST_SLOTS; i++)
		a->slots[i] += b->slots[i];
}

void lock_stats_merge(struct mmr_lock_stats *a, const struct mmr_lock_stats *b)
{
	a->acquisitions += b->acquisitions;
	a->failures += b->failures;
	a->remote += b->remote;
	a->downgrades += b->downgrades;
	/* the comm of the part with the most acquisitions (the kernel
	 * refreshes it on each one: the name after exec wins) */
	if (b->comm[0] && (!a->comm[0] || b->acquisitions > a->acquisitions - b->acquisitions))
		memcpy(a->comm, b->comm, sizeof(a->comm));
	hist_merge(&a->wait, &b->wait);
	hist_merge(&a->hold, &b->hold);
}

void lock_stats_add_op(struct mmr_lock_stats mode[2], const struct mmr_lock_op_event *e)
{
	struct mmr_lock_stats *s = &mode[e->write ? 1 : 0];

	if (!e->success) {
		hist_add(&s->wait, e->t_acq - e->t_start);
		s->failures++;
		return;
	}
	if (e->downgrade != MMR_LOCK_OP_FROM_DOWNGRADE) {	/* a read hold without a wait */
		hist_add(&s->wait, e->t_acq - e->t_start);
		s->acquisitions++;
		s->remote += e->remote;
	}
	hist_add(&s->hold, e->t_rel - e->t_acq);
	s->downgrades += e->downgrade == MMR_LOCK_OP_DOWNGRADED;
}

uint64_t hist_quantile(const struct mmr_hist *h, double q)
{
	uint64_t total = 0, rank, seen = 0, upper;
	int i;

	for (i = 0; i < MMR_HIST_SLOTS; i++)
		total += h->slots[i];
	if (!total)
		return 0;
	if (q <= 0)
		q = 1e-9;
	if (q > 1)
		q = 1;
	/* the smallest rank r with r >= q * total (1-based) */
	rank = (uint64_t)(q * (double)total);
	if ((double)rank < q * (double)total)
		rank++;
	if (!rank)
		rank = 1;
	for (i = 0; i < MMR_HIST_SLOTS; i++) {
		seen += h->slots[i];
		if (seen >= rank)
			break;
	}
	if (i >= MMR_HIST_SLOTS - 1)
		return h->max_ns;
	upper = (2ULL << i) - 1;
	return upper < h->max_ns ? upper : h->max_ns;
}

static uint64_t write_hold(const struct lock_row *r)
{
	return r->mode[1].hold.sum_ns;
}

static uint64_t total_wait(const struct lock_row *r)
{
	return r->mode[0].wait.sum_ns + r->mode[1].wait.sum_ns;
}

static int cmp_u64_desc(uint64_t a, uint64_t b, uint32_t pa, uint32_t pb)
{
	if (a != b)
		return a > b ? -1 : 1;
	return pa < pb ? -1 : pa > pb;
}

static int by_write_hold(const void *a, const void *b)
{
	const struct lock_row *x = a, *y = b;

	return cmp_u64_desc(write_hold(x), write_hold(y), x->pid, y->pid);
}

static int by_wait(const void *a, const void *b)
{
	const struct lock_row *x = a, *y = b;

	return cmp_u64_desc(total_wait(x), total_wait(y), x->pid, y->pid);
}

void lock_rows_sort_by_write_hold(struct lock_row *rows, size_t n)
{
	qsort(rows, n, sizeof(*rows), by_write_hold);
}

void lock_rows_sort_by_wait(struct lock_row *rows, size_t n)
{
	qsort(rows, n, sizeof(*rows), by_wait);
}

static int by_overlap(const void *a, const void *b)
{
	const struct blocker *x = a, *y = b;

	return cmp_u64_desc(x->overlap_ns, y->overlap_ns, x->tid, y->tid);
}

size_t find_blockers(const struct mmr_lock_event *wait, const struct mmr_lock_event *holds,
		     size_t nholds, struct blocker *out, size_t max)
{
	uint64_t w_end = wait->ts_ns, w_start = wait->ts_ns - wait->dur_ns;
	size_t i, n = 0, kept;

	if (!max)
		return 0;
	for (i = 0; i < nholds; i++) {
		const struct mmr_lock_event *h = &holds[i];
		uint64_t h_end = h->ts_ns, h_start = h->ts_ns - h->dur_ns, lo, hi;
		struct blocker *b;

		if (h->kind != MMR_LOCK_EV_HOLD || h->mm != wait->mm || h->tid == wait->tid)
			continue;
		lo = h_start > w_start ? h_start : w_start;
		hi = h_end < w_end ? h_end : w_end;
		if (hi <= lo)
			continue;
		/* keep the longest overlaps: replace the shortest when full */
		if (n < max) {
			b = &out[n++];
		} else {
			size_t k, min = 0;

			for (k = 1; k < n; k++)
				if (out[k].overlap_ns < out[min].overlap_ns)
					min = k;
			if (out[min].overlap_ns >= hi - lo)
				continue;
			b = &out[min];
		}
		memset(b, 0, sizeof(*b));
		b->pid = h->pid;
		b->tid = h->tid;
		memcpy(b->comm, h->comm, sizeof(b->comm));
		b->comm[sizeof(b->comm) - 1] = '\0';
		b->write = h->write;
		b->in_fault = h->in_fault;
		b->remote = h->remote;
		b->fault = h->fault;
		b->fault_addr = h->fault_addr;
		b->index = i;
		b->overlap_ns = hi - lo;
		b->hold_ns = h->dur_ns;
	}
	kept = n;
	qsort(out, kept, sizeof(*out), by_overlap);
	return kept;
}
