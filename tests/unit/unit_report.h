/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * unit_report.h: what the report tests (test_report*.c) share: finding text,
 * a width limit on every line, and JSON members read by path
 * ("a.b.c") with their type checked. Include after unit.h.
 */
#ifndef MMRETRY_UNIT_REPORT_H
#define MMRETRY_UNIT_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "bpf/mmap_lock.h"	/* struct mmr_hist */

/* sub in text, or the test fails showing text */
static inline const char *find(const char *text, const char *sub)
{
	const char *p = strstr(text, sub);

	if (!p)
		fail_msg("no '%s' in:\n%s", sub, text);
	return p;
}

/* occurrences of sub in text, not overlapping */
static inline size_t count_of(const char *text, const char *sub)
{
	size_t n = 0;
	const char *p = text;

	while ((p = strstr(p, sub))) {
		n++;
		p += strlen(sub);
	}
	return n;
}

static inline void assert_max_columns(const char *text, size_t cols)
{
	const char *line = text;

	while (*line) {
		size_t n = strcspn(line, "\n");

		if (n > cols)
			fail_msg("line of %zu columns: '%.*s'", n, (int)n, line);
		line += n + (line[n] == '\n');
	}
}

/* n values of v each, in v's log2 slot (v's bit length - 1; 0 and 1 in 0) */
static inline void values(struct mmr_hist *h, uint64_t n, uint64_t v)
{
	int slot = 0;

	while (slot < MMR_HIST_SLOTS - 1 && v >> (slot + 1))
		slot++;
	h->slots[slot] += n;
	h->count += n;
	h->sum_ns += n * v;
	if (v > h->max_ns)
		h->max_ns = v;
}

/* the member at path ("a.b.c"), or the test fails */
static inline json_t *json_path(json_t *o, const char *path)
{
	char key[64];
	const char *dot;
	json_t *v = o;

	while (v && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - path) : (int)strlen(path),
			 path);
		v = json_object_get(v, key);
		path = dot ? dot + 1 : "";
	}
	if (!v)
		fail_msg("no JSON member '%s'", key);
	return v;
}

static inline void assert_json_int(json_t *o, const char *path, json_int_t want)
{
	json_t *v = json_path(o, path);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer (type %d)", path, json_typeof(v));
	if (json_integer_value(v) != want)
		fail_msg("%s: %lld, want %lld", path, (long long)json_integer_value(v),
			 (long long)want);
}

static inline void assert_json_null(json_t *o, const char *path)
{
	if (!json_is_null(json_path(o, path)))
		fail_msg("%s is not null", path);
}

static inline void assert_json_bool(json_t *o, const char *path, bool want)
{
	json_t *v = json_path(o, path);

	if (!json_is_boolean(v))
		fail_msg("%s is not a boolean", path);
	if (json_is_true(v) != want)
		fail_msg("%s is %s", path, want ? "false" : "true");
}

static inline void assert_json_str(json_t *o, const char *path, const char *want)
{
	json_t *v = json_path(o, path);

	if (!json_is_string(v))
		fail_msg("%s is not a string", path);
	assert_string_equal(json_string_value(v), want);
}

static inline void assert_json_absent(json_t *o, const char *key)
{
	if (json_object_get(o, key))
		fail_msg("'%s' is present", key);
}

/* bucket i of a histogram's "buckets": exactly {le, count} */
static inline void assert_bucket(json_t *buckets, size_t i, json_int_t le, json_int_t count)
{
	json_t *b = json_array_get(buckets, i);

	if (!b)
		fail_msg("no bucket %zu", i);
	assert_json_int(b, "le", le);
	assert_json_int(b, "count", count);
	assert_int_equal(json_object_size(b), 2);
}

#endif
