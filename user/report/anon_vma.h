/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * report/anon_vma.h: the anon_vma section of the stat report: chain lengths
 * and anonymous rmap walks, from the kernel's histograms and the events
 * streamed, in text and JSON.
 */
#ifndef MMRETRY_REPORT_ANON_VMA_H
#define MMRETRY_REPORT_ANON_VMA_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "stats/anon_vma.h"

/* A streamed rmap walk, with its walker's name. */
struct anon_walk {
	struct mmr_walk_event e;
	char walker[48];
};

#define REPORT_MAX_AV_EVENTS 100000

struct report_anon {
	bool traced;			/* false: every figure is unavailable */
	char why[160];			/* !traced: why, for the text and notes */
	uint32_t min_chain;		/* chains streamed from this long */
	uint32_t min_fanout;		/* walks streamed from this many VMAs */
	struct av_row *rows;		/* per process, from the kernel's histograms */
	size_t nrows;
	struct av_walker *walkers;	/* per walker, from the kernel's histograms */
	size_t nwalkers;
	struct mmr_chain_stats chain_total;	/* all rows merged */
	struct mmr_walk_stats walk_total;	/* all walkers merged */
	struct mmr_chain_event *chains;	/* streamed, in arrival order */
	size_t nchains, chains_cap;
	struct anon_walk *walks;
	size_t nwalks, walks_cap;
	uint64_t lost;			/* ring buffer full, or more than REPORT_MAX_AV_EVENTS */
	uint64_t missed;		/* program runs the kernel skipped (prog_recursion_misses) */
};

/* rows and walkers are taken over (freed with the section); the totals are
 * computed from them */
void report_set_anon_rows(struct report_anon *a, struct av_row *rows, size_t n);
void report_set_anon_walkers(struct report_anon *a, struct av_walker *w, size_t n);
/* 0, or -ENOSPC past REPORT_MAX_AV_EVENTS of a kind, or -ENOMEM: the event
 * is then counted in lost */
int report_add_chain_event(struct report_anon *a, const struct mmr_chain_event *e);
int report_add_walk_event(struct report_anon *a, const struct mmr_walk_event *e,
			  const char *walker);
/* frees rows, walkers and events, and zeroes the section */
void report_anon_free(struct report_anon *a);
void report_print_anon_text(FILE *out, const struct report_anon *a);
/* the "anon_vma" member: null if not traced */
json_t *report_anon_json(const struct report_anon *a);

#endif
