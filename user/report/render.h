/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * render.h: what every part of a report renders alike, text and JSON: log2
 * histograms and strings of bytes. A leaf: it calls nothing of the report
 * (durations are lib/util.h's fmt_ns, percentiles stats/mmap_lock.h's).
 */
#ifndef MMRETRY_RENDER_H
#define MMRETRY_RENDER_H

#include <stdio.h>
#include <jansson.h>

#include "bpf/mmap_lock.h"

/* A log2 histogram in the star-bar style of bcc's tools, under a line
 * "title: count, p50, p99, max": its values durations when unit is "ns"
 * (fmt_ns) and plain numbers otherwise (a count: unit names the column,
 * "length", "vmas"). */
void print_hist(FILE *out, const char *title, const struct mmr_hist *h, const char *unit);
/* A histogram as JSON: count, sum, p50, p99, max (null when empty), buckets. */
json_t *hist_json(const struct mmr_hist *h);
/* hist_json()'s inverse: 0 and *h, or -EINVAL if j is not such a histogram
 * (a bucket's le not a slot's bound, the buckets not adding up to count) */
int hist_from_json(const json_t *j, struct mmr_hist *h);
/* A JSON string of s, its non-ASCII bytes '?' if s is not UTF-8 (comm). */
json_t *json_bytes(const char *s);

#endif
