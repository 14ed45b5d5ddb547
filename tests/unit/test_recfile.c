// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_recfile.c: recordings (recfile.c): the writer and the reader round
 * trip every record type; the header is brought up to date at each flush;
 * a recording cut at every byte is an error (clean) or ends early
 * (unclean); damaged headers and records give one exact line with the
 * offset; unknown types are skipped; the bytes are little-endian whatever
 * the machine (hand-made bytes decoded, written bytes compared); dump's
 * printing and options.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "record/recfile.h"
#include "unit.h"

#define META "{\"kernel\": \"6.12.0\", \"modes\": {\"faults\": \"fentry\"}}"
#define START 1000000000000ull
#define START_RT 1700000000123456789ull

/* A temporary path, removed by the caller. */
static char *tmp_path(void)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_recfile.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return path;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* every byte of the struct different and non-zero: a field the layout
 * missed would read back as 0 */
static void fill(void *p, size_t n, unsigned seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(1 + (seed * 31 + i * 7) % 251);
}

/* one of each type, in write order */
struct sample {
	uint32_t type;
	size_t len;
	union {
		struct mmr_retry_event retry;
		struct mmr_attempt_event attempt;
		struct mmr_mm_event mm;
		struct mmr_lock_op_event lock_op;
		struct mmr_lock_event lock_long;
		struct mmr_chain_event chain;
		struct mmr_walk_event walk;
		struct rec_task task;
		struct rec_lost lost;
		char text[64];
	} u;
};

static const char report_json[] = "{\"schema\": \"mmretry.stat/1\", \"faults\": {}}";

static size_t samples(struct sample *s)
{
	static const struct {
		uint32_t t;
		size_t len;
	} types[] = {
		{ MMR_EV_RETRY, sizeof(struct mmr_retry_event) },
		{ MMR_EV_ATTEMPT, sizeof(struct mmr_attempt_event) },
		{ MMR_EV_MM, sizeof(struct mmr_mm_event) },
		{ MMR_EV_LOCK_OP, sizeof(struct mmr_lock_op_event) },
		{ MMR_EV_LOCK_LONG, sizeof(struct mmr_lock_event) },
		{ MMR_EV_CHAIN, sizeof(struct mmr_chain_event) },
		{ MMR_EV_WALK, sizeof(struct mmr_walk_event) },
		{ REC_TASK, sizeof(struct rec_task) },
		{ REC_LOST, sizeof(struct rec_lost) },
		{ REC_REPORT, sizeof(report_json) - 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(types); i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].type = types[i].t;
		s[i].len = types[i].len;
		if (types[i].t == REC_REPORT)
			memcpy(s[i].u.text, report_json, sizeof(report_json));
		else
			fill(&s[i].u, s[i].len, (unsigned)i);
	}
	return ARRAY_LEN(types);
}

static const void *payload(const struct sample *s)
{
	return &s->u;
}

/* write the samples (n of them) to path; clean or not */
static void write_samples(const char *path, const struct sample *s, size_t n, bool clean)
{
	char err[256];
	struct rec_writer *w = rec_create(path, START, START_RT, META, err, sizeof(err));
	size_t i;

	if (!w)
		fail_msg("rec_create: %s", err);
	for (i = 0; i < n; i++)
		assert_int_equal(rec_write(w, s[i].type, payload(&s[i]), s[i].len), 0);
	assert_int_equal(rec_close(w, 7, START + 2500000000ull, clean), 0);
}

/* the record read matches the sample written */
static void same(const struct rec_item *it, const struct sample *s)
{
	assert_int_equal(it->type, s->type);
	if (s->type == REC_REPORT) {
		assert_int_equal(it->text_len, s->len);
		assert_string_equal(it->text, s->u.text);
		return;
	}
	if (memcmp(&it->u, &s->u, s->len))
		fail_msg("%s record: fields differ", rec_type_name(s->type));
}

/* ---- round trip ---- */

static void round_trip(void **state)
{
	struct sample s[16];
	size_t n = samples(s), i, len, off;
	char *path = tmp_path(), err[256];
	struct rec_reader *r;
	const struct rec_header *h;
	struct rec_item it;
	uint8_t *buf;

	write_samples(path, s, n, true);
	r = rec_open(path, err, sizeof(err));
	if (!r)
		fail_msg("rec_open: %s", err);
	h = rec_header(r);
	assert_int_equal(h->version, REC_VERSION);
	assert_true(h->start_ns == START);
	assert_true(h->start_realtime_ns == START_RT);
	assert_int_equal(h->records, n);
	assert_int_equal(h->lost, 7);
	assert_true(h->end_ns == START + 2500000000ull);
	assert_int_equal(h->flags, REC_F_CLEAN);
	assert_string_equal(rec_meta(r), META);
	off = REC_HEADER_LEN + strlen(META);
	for (i = 0; i < n; i++) {
		assert_int_equal(rec_next(r, &it, err, sizeof(err)), 1);
		same(&it, &s[i]);
		assert_int_equal(it.offset, off);
		off += 8 + s[i].len;
	}
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 0);
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 0);	/* stays at the end */
	assert_false(rec_truncated(r));
	assert_int_equal(rec_skipped(r), 0);
	rec_close_reader(r);

	/* the same from memory, and the file is exactly what was written */
	buf = slurp(path, &len);
	assert_int_equal(len, off);
	r = rec_open_mem(buf, len, "mem", err, sizeof(err));
	assert_non_null(r);
	for (i = 0; i < n; i++) {
		assert_int_equal(rec_next(r, &it, err, sizeof(err)), 1);
		same(&it, &s[i]);
	}
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 0);
	rec_close_reader(r);
	free(buf);
	unlink(path);
}

static void header_bytes(void **state)
{
	char *path = tmp_path();
	size_t len;
	uint8_t *b;
	static const uint8_t want[REC_HEADER_LEN] = {
		'M', 'M', 'R', 'R', 'E', 'C', '\r', '\n',
		2, 0, 0, 0,  64, 0, 0, 0,
		0x00, 0x10, 0xa5, 0xd4, 0xe8, 0, 0, 0,			/* START */
		0x15, 0xcd, 0x85, 0x3d, 0xfe, 0x9c, 0x97, 0x17,		/* START_RT */
		0, 0, 0, 0, 0, 0, 0, 0,		/* records */
		7, 0, 0, 0, 0, 0, 0, 0,		/* lost */
		0x00, 0x09, 0xa8, 0x69, 0xe9, 0, 0, 0,			/* end */
		sizeof(META) - 1, 0, 0, 0,	/* meta_len */
		0, 0, 0, 0,			/* flags: not clean */
	};

	write_samples(path, NULL, 0, false);
	b = slurp(path, &len);
	assert_int_equal(len, REC_HEADER_LEN + strlen(META));
	assert_memory_equal(b, want, REC_HEADER_LEN);
	assert_memory_equal(b + REC_HEADER_LEN, META, strlen(META));
	free(b);
	unlink(path);
}

static void writer_refuses(void **state)
{
	char *path = tmp_path(), err[256];
	struct mmr_retry_event e = { 0 };
	struct rec_writer *w;

	assert_null(rec_create(path, 0, 0, "[1, 2]", err, sizeof(err)));
	assert_null(strchr(err, '\n'));
	assert_null(rec_create(path, 0, 0, "{", err, sizeof(err)));
	assert_null(rec_create("/nonexistent/dir/x.mmr", 0, 0, NULL, err, sizeof(err)));
	assert_string_equal(err, "cannot create '/nonexistent/dir/x.mmr': No such file or "
			    "directory");
	w = rec_create(path, 0, 0, NULL, err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(rec_write(w, MMR_EV_RETRY, &e, sizeof(e) - 1), -EINVAL);
	assert_int_equal(rec_write(w, 0, &e, sizeof(e)), -EINVAL);
	assert_int_equal(rec_write(w, REC_NR_TYPES, &e, sizeof(e)), -EINVAL);
	assert_int_equal(rec_write(w, REC_REPORT, "a\0b", 3), -EINVAL);
	assert_int_equal(rec_write(w, REC_REPORT, "", 0), 0);
	assert_int_equal(rec_close(w, 0, 0, true), 0);
	unlink(path);
}

/* ---- flushing ---- */

static void flush_updates_header(void **state)
{
	struct sample s[16];
	size_t i;
	char *path = tmp_path(), err[256];
	struct rec_writer *w = rec_create(path, START, START_RT, META, err, sizeof(err));
	struct rec_reader *r;
	struct rec_item it;

	assert_non_null(w);
	samples(s);
	for (i = 0; i < 3; i++)
		assert_int_equal(rec_write(w, s[i].type, payload(&s[i]), s[i].len), 0);
	assert_int_equal(rec_flush(w, 5), 0);
	for (i = 3; i < 5; i++)		/* buffered, not flushed */
		assert_int_equal(rec_write(w, s[i].type, payload(&s[i]), s[i].len), 0);

	/* read while the writer is open, as after a crash */
	r = rec_open(path, err, sizeof(err));
	if (!r)
		fail_msg("rec_open: %s", err);
	assert_int_equal(rec_header(r)->records, 3);
	assert_int_equal(rec_header(r)->lost, 5);
	assert_int_equal(rec_header(r)->end_ns, 0);
	assert_int_equal(rec_header(r)->flags, 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(rec_next(r, &it, err, sizeof(err)), 1);
		same(&it, &s[i]);
	}
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 0);
	assert_false(rec_truncated(r));		/* cut between records */
	rec_close_reader(r);

	assert_int_equal(rec_close(w, 6, START + 1, true), 0);
	r = rec_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(rec_header(r)->records, 5);
	assert_int_equal(rec_header(r)->lost, 6);
	assert_int_equal(rec_header(r)->flags, REC_F_CLEAN);
	rec_close_reader(r);
	unlink(path);
}

/* ---- truncation ---- */

/* records read from the first len bytes: their count, the last rec_next's
 * return in *ret, its error in err */
static size_t read_cut(const uint8_t *buf, size_t len, const struct sample *s, int *ret,
		       bool *truncated, char *err, size_t errlen)
{
	struct rec_reader *r = rec_open_mem(buf, len, "t.mmr", err, errlen);
	struct rec_item it;
	size_t n = 0;

	*truncated = false;
	if (!r) {
		*ret = -2;
		return 0;
	}
	while ((*ret = rec_next(r, &it, err, errlen)) > 0) {
		same(&it, &s[n]);
		n++;
	}
	*truncated = rec_truncated(r);
	rec_close_reader(r);
	return n;
}

static void truncated_everywhere(void **state)
{
	struct sample s[16];
	size_t n = samples(s), len, cut, k, meta_end = REC_HEADER_LEN + strlen(META);
	size_t starts[17];
	char *path = tmp_path(), err[256], want[256];
	int clean;

	/* record k starts at starts[k]; starts[n] is the end */
	starts[0] = meta_end;
	for (k = 0; k < n; k++)
		starts[k + 1] = starts[k] + 8 + s[k].len;

	for (clean = 0; clean <= 1; clean++) {
		uint8_t *buf;

		write_samples(path, s, n, clean);
		buf = slurp(path, &len);
		assert_int_equal(len, starts[n]);
		for (cut = 0; cut <= len; cut++) {
			uint8_t *copy = malloc(cut ? cut : 1);	/* ASan sees an over-read */
			bool trunc;
			size_t got;
			int ret;

			memcpy(copy, buf, cut);
			got = read_cut(copy, cut, s, &ret, &trunc, err, sizeof(err));
			free(copy);
			if (cut < 8) {
				assert_int_equal(ret, -2);
				assert_string_equal(err, "t.mmr: offset 0: not an mmretry recording "
						    "(no \"MMRREC\" magic)");
				continue;
			}
			if (cut < REC_HEADER_LEN) {
				assert_int_equal(ret, -2);
				snprintf(want, sizeof(want), "t.mmr: offset %zu: the header is cut "
					 "short (%zu of 64 bytes)", cut, cut);
				assert_string_equal(err, want);
				continue;
			}
			if (cut < meta_end) {
				assert_int_equal(ret, -2);
				snprintf(want, sizeof(want), "t.mmr: offset 64: the metadata is cut "
					 "short (%zu of %zu bytes)", cut - 64, strlen(META));
				assert_string_equal(err, want);
				continue;
			}
			/* the records wholly before the cut */
			for (k = 0; k < n && starts[k + 1] <= cut; k++)
				;
			assert_int_equal(got, k);
			if (cut == len) {
				assert_int_equal(ret, 0);
				assert_false(trunc);
			} else if (!clean) {
				/* a crash: the end, cut short in a record or not */
				assert_int_equal(ret, 0);
				assert_int_equal(trunc, cut != starts[k]);
			} else if (cut == starts[k]) {
				assert_int_equal(ret, -1);
				snprintf(want, sizeof(want), "t.mmr: offset %zu: the recording ends "
					 "after %zu records; its header says %zu", cut, k, n);
				assert_string_equal(err, want);
			} else if (cut - starts[k] < 8) {
				assert_int_equal(ret, -1);
				snprintf(want, sizeof(want), "t.mmr: offset %zu: a record's header "
					 "cut short (%zu of 8 bytes) in a recording that ended cleanly",
					 starts[k], cut - starts[k]);
				assert_string_equal(err, want);
			} else {
				assert_int_equal(ret, -1);
				snprintf(want, sizeof(want), "t.mmr: offset %zu: a %s record cut "
					 "short (%zu of %zu bytes) in a recording that ended cleanly",
					 starts[k], rec_type_name(s[k].type), cut - starts[k] - 8,
					 s[k].len);
				assert_string_equal(err, want);
			}
		}
		free(buf);
	}
	unlink(path);
}

/* ---- damage ---- */

/* a clean recording of samples, in memory: *len bytes, records from *first */
static uint8_t *recording(size_t *len, size_t *first)
{
	struct sample s[16];
	size_t n = samples(s);
	char *path = tmp_path();
	uint8_t *buf;

	write_samples(path, s, n, true);
	buf = slurp(path, len);
	unlink(path);
	*first = REC_HEADER_LEN + strlen(META);
	return buf;
}

/* buf (len bytes) must fail, at open or while reading, with exactly msg */
static void refused(const uint8_t *buf, size_t len, const char *msg)
{
	char err[256] = "";
	struct rec_reader *r = rec_open_mem(buf, len, "t.mmr", err, sizeof(err));
	struct rec_item it;
	int ret = -1;

	if (r) {
		while ((ret = rec_next(r, &it, err, sizeof(err))) > 0)
			;
		/* an error stays */
		if (ret < 0) {
			char again[256] = "";

			assert_int_equal(rec_next(r, &it, again, sizeof(again)), -1);
			assert_string_equal(again, err);
		}
		rec_close_reader(r);
	}
	if (ret != -1 || strcmp(err, msg))
		fail_msg("want '%s', got %d '%s'", msg, ret, err);
}

static void put32_at(uint8_t *b, size_t off, uint32_t v)
{
	b[off] = v & 0xff;
	b[off + 1] = (v >> 8) & 0xff;
	b[off + 2] = (v >> 16) & 0xff;
	b[off + 3] = v >> 24;
}

static void damaged_header(void **state)
{
	size_t len, first;
	uint8_t *buf = recording(&len, &first), *b = malloc(len);
	char want[256];

#define RESET() memcpy(b, buf, len)
	RESET();
	b[6] = '\n';
	refused(b, len, "t.mmr: offset 0: not an mmretry recording (no \"MMRREC\" magic)");
	RESET();
	put32_at(b, 8, 3);
	refused(b, len, "t.mmr: offset 8: recording version 3; this mmretry reads 2");
	/* a newer version is named even if its header is longer than ours */
	refused(b, 20, "t.mmr: offset 8: recording version 3; this mmretry reads 2");
	put32_at(b, 8, 0);
	refused(b, len, "t.mmr: offset 8: recording version 0 does not exist");
	RESET();
	put32_at(b, 12, 72);
	refused(b, len, "t.mmr: offset 12: header length 72, not 64");
	RESET();
	put32_at(b, 56, (1u << 20) + 1);
	refused(b, len, "t.mmr: offset 56: metadata length 1048577, over the limit (1048576)");
	RESET();
	put32_at(b, 56, 3);
	memcpy(b + 64, "[1]", 3);
	refused(b, len, "t.mmr: offset 64: the metadata is not a JSON object");
	RESET();
	b[64] = 'x';
	snprintf(want, sizeof(want), "t.mmr: offset 65: the metadata is not JSON: '[' or '{' "
		 "expected near 'x'");
	refused(b, len, want);
	/* a newline in the name or jansson's text stays one line */
	{
		char err[256];
		struct rec_reader *r = rec_open_mem(b, len, "a\nb", err, sizeof(err));

		assert_null(r);
		assert_null(strchr(err, '\n'));
		assert_true(!strncmp(err, "a?b: offset ", 12));
	}
	free(b);
	free(buf);
#undef RESET
}

static void damaged_records(void **state)
{
	size_t len, first, second;
	uint8_t *buf = recording(&len, &first), *b = malloc(len);
	char want[256];

	second = first + 8 + sizeof(struct mmr_retry_event);
#define RESET() memcpy(b, buf, len)
	RESET();
	b[second + 2] = 1;
	snprintf(want, sizeof(want), "t.mmr: offset %zu: record type 2: reserved field 0x0001, "
		 "not 0", second);
	refused(b, len, want);
	RESET();
	put32_at(b, second + 4, 60);
	snprintf(want, sizeof(want), "t.mmr: offset %zu: attempt record: length 60, not 56",
		 second);
	refused(b, len, want);
	RESET();
	put32_at(b, first + 4, (1u << 20) + 1);
	snprintf(want, sizeof(want), "t.mmr: offset %zu: record type 1: length 1048577, over "
		 "the limit (1048576)", first);
	refused(b, len, want);
	RESET();
	b[first] = 0;
	snprintf(want, sizeof(want), "t.mmr: offset %zu: record type 0 (no type is 0)", first);
	refused(b, len, want);
	/* the report (the last record) with a NUL in its text */
	RESET();
	b[len - 3] = '\0';
	snprintf(want, sizeof(want), "t.mmr: offset %zu: report record: a NUL byte at offset %zu",
		 len - 8 - strlen(report_json), len - 3);
	refused(b, len, want);
	/* the header counts one record more than there are */
	RESET();
	b[32]++;
	snprintf(want, sizeof(want), "t.mmr: offset %zu: the recording ends after 10 records; "
		 "its header says 11", len);
	refused(b, len, want);
	free(b);
	free(buf);
#undef RESET
}

static void unknown_type_skipped(void **state)
{
	struct sample s[16];
	size_t n = samples(s), len, first, i;
	uint8_t *buf = recording(&len, &first), *b = malloc(len + 13);
	static const uint8_t unknown[13] = { 99, 0, 0, 0, 5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o' };
	char err[256];
	struct rec_reader *r;
	struct rec_item it;

	/* a newer mmretry's type 99 (5 bytes) first; the header counts it */
	memcpy(b, buf, first);
	memcpy(b + first, unknown, sizeof(unknown));
	memcpy(b + first + sizeof(unknown), buf + first, len - first);
	b[32]++;
	r = rec_open_mem(b, len + 13, "t.mmr", err, sizeof(err));
	assert_non_null(r);
	for (i = 0; i < n; i++) {
		if (rec_next(r, &it, err, sizeof(err)) != 1)
			fail_msg("record %zu: %s", i, err);
		same(&it, &s[i]);
		if (i == 0)
			assert_int_equal(it.offset, first + sizeof(unknown));
	}
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 0);
	assert_int_equal(rec_skipped(r), 1);
	rec_close_reader(r);
	free(b);
	free(buf);
}

/* ---- byte order ---- */

/* A header and one retry record, byte by byte: what any machine writes. */
/*
 * Version 1 recordings read as version 2's: there an event's first u32 was
 * its ring's tag (a lock_long's: its kind, 1 hold or 2 wait; a chain's 1,
 * a walk's 2, a lock_op's 3), not its record type.
 */
static void version_1_events(void **state)
{
	static const struct {
		uint32_t type, v1_tag;
		size_t size;
	} ev[] = {
		{ MMR_EV_LOCK_LONG, 2, sizeof(struct mmr_lock_event) },
		{ MMR_EV_LOCK_LONG, 1, sizeof(struct mmr_lock_event) },
		{ MMR_EV_CHAIN, 1, sizeof(struct mmr_chain_event) },
		{ MMR_EV_WALK, 2, sizeof(struct mmr_walk_event) },
		{ MMR_EV_LOCK_OP, 3, sizeof(struct mmr_lock_op_event) },
		{ MMR_EV_RETRY, 1, sizeof(struct mmr_retry_event) },
	};
	char err[256], *path = tmp_path();
	uint8_t raw[sizeof(struct mmr_lock_event)];
	struct rec_writer *w;
	struct rec_reader *r;
	struct rec_item it;
	size_t len, i;
	uint8_t *b;

	w = rec_create(path, 1, 0, "{}", err, sizeof(err));
	assert_non_null(w);
	for (i = 0; i < ARRAY_LEN(ev); i++) {
		memset(raw, 0, sizeof(raw));
		memcpy(raw, &ev[i].v1_tag, 4);	/* as version 1 wrote it */
		assert_int_equal(rec_write(w, ev[i].type, raw, ev[i].size), 0);
	}
	assert_int_equal(rec_close(w, 0, 2, true), 0);
	b = slurp(path, &len);
	put32_at(b, 8, 1);
	r = rec_open_mem(b, len, "v1", err, sizeof(err));
	if (!r)
		fail_msg("%s", err);
	for (i = 0; i < ARRAY_LEN(ev); i++) {
		assert_int_equal(rec_next(r, &it, err, sizeof(err)), 1);
		assert_int_equal(it.type, ev[i].type);
		assert_int_equal(it.u.retry.type, ev[i].type);
		if (ev[i].type == MMR_EV_LOCK_LONG)
			assert_int_equal(it.u.lock_long.kind, ev[i].v1_tag == 2 ? MMR_LOCK_EV_WAIT :
					 MMR_LOCK_EV_HOLD);
	}
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 0);
	rec_close_reader(r);
	free(b);
	unlink(path);
}

static const uint8_t le_bytes[] = {
	'M', 'M', 'R', 'R', 'E', 'C', '\r', '\n', 2, 0, 0, 0, 64, 0, 0, 0,
	0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,	/* start_ns */
	0, 0, 0, 0, 0, 0, 0, 0,				/* start_realtime_ns */
	1, 0, 0, 0, 0, 0, 0, 0,				/* records */
	2, 0, 0, 0, 0, 0, 0, 0,				/* lost */
	0x10, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,	/* end_ns */
	2, 0, 0, 0, 1, 0, 0, 0,				/* meta_len 2, clean */
	'{', '}',
	1, 0, 0, 0, 64, 0, 0, 0,			/* retry, 64 bytes */
	1, 0, 0, 0,					/* type */
	0x39, 0x30, 0, 0,				/* pid 12345 */
	0x3a, 0x30, 0, 0,				/* tid 12346 */
	0x41, 0x10, 0, 0,				/* flags 0x1041 */
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,	/* ts_ns */
	0x00, 0xf0, 0xde, 0xbc, 0x9a, 0x7f, 0x00, 0x00,	/* addr 0x7f9abcdef000 */
	0x04, 0x04, 0, 0,				/* result 0x404 */
	0, 0,						/* reason file_io */
	2, 0,						/* vma_kind file */
	0x02, 0x01,					/* attempt 0x102 */
	1, 0,						/* inferred */
	0, 0, 0, 0,					/* pad */
	'c', 'a', 't', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

static void little_endian(void **state)
{
	char err[256], *path = tmp_path();
	struct rec_reader *r = rec_open_mem(le_bytes, sizeof(le_bytes), "le", err, sizeof(err));
	struct rec_item it;
	const struct mmr_retry_event *e = &it.u.retry;
	struct rec_writer *w;
	size_t len;
	uint8_t *b;

	if (!r)
		fail_msg("%s", err);
	assert_true(rec_header(r)->start_ns == 0x0102030405060708ull);
	assert_true(rec_header(r)->end_ns == 0x0102030405060710ull);
	assert_int_equal(rec_header(r)->records, 1);
	assert_int_equal(rec_header(r)->lost, 2);
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 1);
	assert_int_equal(it.type, MMR_EV_RETRY);
	assert_int_equal(e->type, MMR_EV_RETRY);
	assert_int_equal(e->pid, 12345);
	assert_int_equal(e->tid, 12346);
	assert_int_equal(e->flags, 0x1041);
	assert_true(e->ts_ns == 0x1122334455667788ull);
	assert_true(e->addr == 0x7f9abcdef000ull);
	assert_int_equal(e->result, 0x404);
	assert_int_equal(e->reason, MMR_REASON_FILE_IO);
	assert_int_equal(e->vma_kind, MMR_VMA_FILE);
	assert_int_equal(e->attempt, 0x102);
	assert_int_equal(e->inferred, 1);
	assert_string_equal(e->comm, "cat");
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 0);

	/* and the writer writes those very bytes */
	w = rec_create(path, 0x0102030405060708ull, 0, "{}", err, sizeof(err));
	assert_non_null(w);
	assert_int_equal(rec_write(w, MMR_EV_RETRY, e, sizeof(*e)), 0);
	assert_int_equal(rec_close(w, 2, 0x0102030405060710ull, true), 0);
	rec_close_reader(r);
	b = slurp(path, &len);
	assert_int_equal(len, sizeof(le_bytes));
	assert_memory_equal(b, le_bytes, len);
	free(b);
	unlink(path);
}

/* ---- printing ---- */

static char *text_of(const struct rec_item *it, uint64_t start)
{
	static char out[512];
	FILE *f = fmemopen(out, sizeof(out), "w");

	assert_non_null(f);
	rec_item_text(f, it, start);
	fclose(f);
	return out;
}

static void printing(void **state)
{
	char err[256], *s;
	struct rec_reader *r = rec_open_mem(le_bytes, sizeof(le_bytes), "le", err, sizeof(err));
	struct rec_item it;
	json_t *j;

	assert_non_null(r);
	assert_int_equal(rec_next(r, &it, err, sizeof(err)), 1);
	assert_string_equal(text_of(&it, 0x1122334455667788ull - 12345678000ull),
			    "12.345678 retry pid 12345 tid 12346 comm cat addr 0x7f9abcdef000 "
			    "reason file_io kind file attempt 258 flags 0x1041 result 0x404 "
			    "inferred\n");
	/* before the start; an unknown reason; a comm with a control byte */
	it.u.retry.reason = 200;
	it.u.retry.vma_kind = 9;
	it.u.retry.comm[1] = '\t';
	assert_string_equal(text_of(&it, 0x1122334455667788ull + 1000),
			    "-0.000001 retry pid 12345 tid 12346 comm c?t addr 0x7f9abcdef000 "
			    "reason ?200 kind ?9 attempt 258 flags 0x1041 result 0x404 "
			    "inferred\n");
	j = rec_item_json(&it);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s, "{\"type\":\"retry\",\"offset\":66,\"pid\":12345,\"tid\":12346,"
			    "\"comm\":\"c?t\",\"ts_ns\":1234605616436508552,"
			    "\"addr\":\"0x7f9abcdef000\",\"flags\":4161,\"result\":1028,"
			    "\"reason\":200,\"vma_kind\":9,\"attempt\":258,\"inferred\":true}");
	free(s);
	json_decref(j);
	j = rec_header_json(r);
	assert_int_equal(json_integer_value(json_object_get(j, "records")), 1);
	assert_true(json_is_true(json_object_get(j, "clean")));
	assert_true(json_is_object(json_object_get(j, "meta")));
	json_decref(j);
	rec_close_reader(r);

	assert_string_equal(rec_type_name(MMR_EV_LOCK_LONG), "lock_long");
	assert_null(rec_type_name(0));
	assert_null(rec_type_name(REC_NR_TYPES));
	assert_string_equal(rec_mm_op_name(MMR_MM_MREMAP), "mremap");
	assert_null(rec_mm_op_name(0));
	assert_null(rec_mm_op_name(MMR_NR_MM_OPS));
}

/* every type prints one line and a JSON object with its name */
static void printing_every_type(void **state)
{
	struct sample s[16];
	size_t n = samples(s), i;
	struct rec_item it;
	char *t;

	for (i = 0; i < n; i++) {
		json_t *j;

		memset(&it, 0, sizeof(it));
		it.type = s[i].type;
		if (s[i].type == REC_REPORT) {
			it.text = s[i].u.text;
			it.text_len = s[i].len;
		} else {
			memcpy(&it.u, &s[i].u, s[i].len);
		}
		t = text_of(&it, 0);
		assert_non_null(strchr(t, '\n'));
		assert_null(strchr(t, '\n') + 1 == t + strlen(t) ? NULL : "two lines");
		j = rec_item_json(&it);
		assert_non_null(j);
		assert_string_equal(json_string_value(json_object_get(j, "type")),
				    rec_type_name(s[i].type));
		if (s[i].type == REC_REPORT)
			assert_true(json_is_object(json_object_get(j, "report")));
		json_decref(j);
	}
}

/* ---- dump's options ---- */

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof(char *)) - 1)
#define DUMP(...) dump_opts_parse(ARGC(ARGV("dump", __VA_ARGS__)), ARGV("dump", __VA_ARGS__), \
				  &o, err, sizeof(err))

static void dump_options(void **state)
{
	struct recording_opts o;
	char err[256];

	assert_int_equal(DUMP("r.mmr"), 0);
	assert_string_equal(o.file, "r.mmr");
	assert_false(o.json);
	assert_null(o.output);
	assert_int_equal(DUMP("--json", "-o", "out.jsonl", "r.mmr"), 0);
	assert_true(o.json);
	assert_string_equal(o.output, "out.jsonl");
	assert_int_equal(DUMP("-h"), 1);
	assert_int_equal(DUMP("-j"), -EINVAL);
	assert_string_equal(err, "dump: needs a recording to read");
	assert_int_equal(DUMP("a.mmr", "b.mmr"), -EINVAL);
	assert_string_equal(err, "dump: unexpected argument 'b.mmr' (one recording at a time)");
	assert_int_equal(DUMP("-x", "a.mmr"), -EINVAL);
	assert_string_equal(err, "dump: unknown option '-x'");
	assert_int_equal(DUMP("a.mmr", "-o"), -EINVAL);
	assert_string_equal(err, "dump: -o needs a value");
	assert_int_equal(DUMP("a.mmr", "--json"), 0);	/* options after the file too */
	assert_true(o.json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(header_bytes),
		cmocka_unit_test(writer_refuses),
		cmocka_unit_test(flush_updates_header),
		cmocka_unit_test(truncated_everywhere),
		cmocka_unit_test(damaged_header),
		cmocka_unit_test(damaged_records),
		cmocka_unit_test(unknown_type_skipped),
		cmocka_unit_test(little_endian),
		cmocka_unit_test(version_1_events),
		cmocka_unit_test(printing),
		cmocka_unit_test(printing_every_type),
		cmocka_unit_test(dump_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
