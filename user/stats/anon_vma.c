// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/anon_vma.h"
#include "stats/mmap_lock.h"

void chain_stats_merge(struct mmr_chain_stats *a, const struct mmr_chain_stats *b)
{
	int i;

	for (i = 0; i < MMR_NR_CHAIN_KINDS; i++)
		a->events[i] += b->events[i];
	a->reused += b->reused;
	a->truncated += b->truncated;
	/* the entry's name is set once, by whichever CPU created it */
	if (!a->comm[0] && b->comm[0])
		memcpy(a->comm, b->comm, sizeof(a->comm));
	hist_merge(&a->length, &b->length);
}

void walk_stats_merge(struct mmr_walk_stats *a, const struct mmr_walk_stats *b)
{
	a->walks += b->walks;
	a->locked += b->locked;
	a->contended += b->contended;
	a->nested += b->nested;
	a->tracer_ns += b->tracer_ns;
	hist_merge(&a->vmas, &b->vmas);
	hist_merge(&a->mapped, &b->mapped);
	hist_merge(&a->ns, &b->ns);
	hist_merge(&a->lock_wait_ns, &b->lock_wait_ns);
}

/* The rmap_one callbacks of mm/rmap.c and mm/migrate.c, by the function
 * that walks with them (what a reader of the kernel looks for). */
static const struct {
	const char *sym, *walker;
} walkers[] = {
	{ "folio_referenced_one", "folio_referenced" },
	{ "try_to_unmap_one", "try_to_unmap" },
	{ "try_to_migrate_one", "try_to_migrate" },
	{ "remove_migration_pte", "remove_migration_ptes" },
	{ "page_mkclean_one", "folio_mkclean" },
};

const char *av_walker_name(const char *sym, uint64_t addr, char *buf, size_t len)
{
	static const char one[] = "_one";
	size_t n, i;

	if (!len)
		return buf;
	if (!sym || !*sym) {
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return buf;
	}
	/* the compiler's clones keep the C name before a dot
	 * (try_to_unmap_one.isra.0, folio_referenced_one.llvm.123) */
	n = strcspn(sym, ".");
	if (!n)
		n = strlen(sym);
	for (i = 0; i < sizeof(walkers) / sizeof(walkers[0]); i++) {
		if (strlen(walkers[i].sym) == n && !strncmp(sym, walkers[i].sym, n)) {
			snprintf(buf, len, "%s", walkers[i].walker);
			return buf;
		}
	}
	if (n > sizeof(one) - 1 && !strncmp(sym + n - (sizeof(one) - 1), one, sizeof(one) - 1))
		n -= sizeof(one) - 1;
	snprintf(buf, len, "%.*s", (int)n, sym);
	return buf;
}

static uint64_t chain_events(const struct av_row *r)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < MMR_NR_CHAIN_KINDS; i++)
		n += r->s.events[i];
	return n;
}

static int cmp_desc(uint64_t a, uint64_t b)
{
	return a > b ? -1 : a < b;
}

static int by_longest_chain(const void *a, const void *b)
{
	const struct av_row *x = a, *y = b;
	int c = cmp_desc(x->s.length.max_ns, y->s.length.max_ns);

	if (!c)
		c = cmp_desc(chain_events(x), chain_events(y));
	if (!c)
		c = x->pid < y->pid ? -1 : x->pid > y->pid;
	return c;
}

static int by_walks(const void *a, const void *b)
{
	const struct av_walker *x = a, *y = b;
	int c = cmp_desc(x->s.walks, y->s.walks);

	if (!c)
		c = strncmp(x->name, y->name, sizeof(x->name));
	if (!c)
		c = x->rmap_one < y->rmap_one ? -1 : x->rmap_one > y->rmap_one;
	return c;
}

void av_rows_sort(struct av_row *rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(*rows), by_longest_chain);
}

void av_walkers_sort(struct av_walker *w, size_t n)
{
	if (n > 1)
		qsort(w, n, sizeof(*w), by_walks);
}

const char *av_chain_kind_name(uint32_t kind)
{
	static const char *const names[MMR_NR_CHAIN_KINDS] = {
		[MMR_CHAIN_FORK]    = "fork",
		[MMR_CHAIN_CLONE]   = "clone",
		[MMR_CHAIN_PREPARE] = "prepare",
	};

	return kind < MMR_NR_CHAIN_KINDS ? names[kind] : NULL;
}
