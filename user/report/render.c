// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* render.c: histograms and byte strings, as every part of a report shows them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/hist.h"
#include "lib/util.h"
#include "report/render.h"
#include "stats/mmap_lock.h"

/* a duration with fmt_ns(), a count (unit not "ns") as a plain number */
static const char *fmt_value(char *buf, size_t len, uint64_t v, const char *unit)
{
	if (!strcmp(unit, "ns"))
		return fmt_ns(buf, len, v);
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

void print_hist(FILE *out, const char *title, const struct mmr_hist *h, const char *unit)
{
	uint64_t peak = 0;
	int i, first = -1, last = -1;
	char a[24], b[24], c[24];

	/* no samples, no quantiles (JSON says null): not "p50 0 ns" */
	if (!h->count) {
		fprintf(out, "  %s: 0\n", title);
		return;
	}
	fprintf(out, "  %s: %llu, p50 %s, p99 %s, max %s\n", title,
		(unsigned long long)h->count, fmt_value(a, sizeof(a), hist_quantile(h, 0.5), unit),
		fmt_value(b, sizeof(b), hist_quantile(h, 0.99), unit),
		fmt_value(c, sizeof(c), h->max_ns, unit));
	for (i = 0; i < MMR_HIST_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (h->slots[i] > peak)
			peak = h->slots[i];
	}
	if (first < 0)
		return;
	fprintf(out, "  %23s : %-10s %s\n", unit, "count", "distribution");
	for (i = first; i <= last; i++) {
		unsigned long long lo = i ? 1ULL << i : 0, hi = (2ULL << i) - 1;
		int stars = (int)(h->slots[i] * 30 / peak), k;

		fprintf(out, "  %10llu -> %-10llu: %-10llu |", lo, hi,
			(unsigned long long)h->slots[i]);
		for (k = 0; k < 30; k++)
			fputc(k < stars ? '*' : ' ', out);
		fputs("|\n", out);
	}
}

json_t *hist_json(const struct mmr_hist *h)
{
	json_t *o = json_object(), *buckets = json_array();
	int i;

	json_object_set_new(o, "count", json_integer((json_int_t)h->count));
	json_object_set_new(o, "sum", json_integer((json_int_t)h->sum_ns));
	json_object_set_new(o, "p50", h->count ? json_integer((json_int_t)hist_quantile(h, 0.5)) :
			    json_null());
	json_object_set_new(o, "p99", h->count ? json_integer((json_int_t)hist_quantile(h, 0.99)) :
			    json_null());
	json_object_set_new(o, "max", h->count ? json_integer((json_int_t)h->max_ns) : json_null());
	for (i = 0; i < MMR_HIST_SLOTS; i++) {
		json_t *b;

		if (!h->slots[i])
			continue;
		b = json_object();
		json_object_set_new(b, "le", json_integer((json_int_t)((2ULL << i) - 1)));
		json_object_set_new(b, "count", json_integer((json_int_t)h->slots[i]));
		json_array_append_new(buckets, b);
	}
	json_object_set_new(o, "buckets", buckets);
	return o;
}

static int u64_of(const json_t *j, __u64 *v)
{
	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return -EINVAL;
	*v = json_integer_value(j);
	return 0;
}

int hist_from_json(const json_t *j, struct mmr_hist *h)
{
	const json_t *buckets = json_object_get(j, "buckets"), *b;
	__u64 le, n, total = 0;
	size_t i;
	__u32 slot;

	memset(h, 0, sizeof(*h));
	if (u64_of(json_object_get(j, "count"), &h->count) ||
	    u64_of(json_object_get(j, "sum"), &h->sum_ns) || !json_is_array(buckets))
		return -EINVAL;
	if (h->count && u64_of(json_object_get(j, "max"), &h->max_ns))
		return -EINVAL;
	json_array_foreach(buckets, i, b) {
		if (u64_of(json_object_get(b, "le"), &le) ||
		    u64_of(json_object_get(b, "count"), &n))
			return -EINVAL;
		slot = hist_slot(le);
		if (le != (2ULL << slot) - 1 || h->slots[slot])
			return -EINVAL;
		h->slots[slot] = n;
		total += n;
	}
	return total == h->count ? 0 : -EINVAL;
}

/* jansson takes valid UTF-8 only (json_string() returns NULL otherwise), but
 * comm is cut at 15 bytes by the kernel, maybe inside a character, and argv,
 * paths and the release are bytes: replace the non-ASCII bytes of a string
 * that is not UTF-8 with '?' */
json_t *json_bytes(const char *s)
{
	json_t *j = json_string(s);
	char *copy, *p;

	if (j || !s)
		return j;
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}
