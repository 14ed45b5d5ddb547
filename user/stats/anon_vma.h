/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * stats/anon_vma.h: anon_vma chain and rmap walk figures from the kernel's
 * histograms and events, with no kernel in sight (unit-tested): merging
 * per-CPU values, naming walkers, ordering rows.
 */
#ifndef MMRETRY_AVSTAT_H
#define MMRETRY_AVSTAT_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/anon_vma.h"

/* a process's chain figures (the acting process: the parent, for fork) */
struct av_row {
	uint32_t pid;
	char comm[16];
	struct mmr_chain_stats s;
};

/* one rmap walker, named from its rmap_one callback */
struct av_walker {
	uint64_t rmap_one;
	char name[48];		/* "try_to_migrate", or the symbol, or "0x..." */
	struct mmr_walk_stats s;
};

/* Add b into a: counters and histograms (hist_merge); comm kept if set. */
void chain_stats_merge(struct mmr_chain_stats *a, const struct mmr_chain_stats *b);
void walk_stats_merge(struct mmr_walk_stats *a, const struct mmr_walk_stats *b);

/*
 * The walker a rmap_one symbol stands for: folio_referenced_one ->
 * "folio_referenced", try_to_unmap_one -> "try_to_unmap", try_to_migrate_one
 * -> "try_to_migrate", remove_migration_pte -> "remove_migration_ptes",
 * page_mkclean_one -> "folio_mkclean"; any other symbol as itself without a
 * trailing "_one"; NULL (unknown address) -> "0x<addr>". Written to buf.
 */
const char *av_walker_name(const char *sym, uint64_t addr, char *buf, size_t len);

/* Rows by longest chain (length.max_ns), then by chain events; walkers by walks. */
void av_rows_sort(struct av_row *rows, size_t n);
void av_walkers_sort(struct av_walker *w, size_t n);

/* chain kind names: "fork", "clone", "prepare"; NULL if out of range */
const char *av_chain_kind_name(uint32_t kind);

#endif
