// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * recfile.c: writing and reading recordings (recfile.h, docs/record.md).
 *
 * Each record type's payload is its struct's fields in order, each one
 * little-endian: the structs have no implicit padding, so a payload has the
 * struct's size and a little-endian machine's memory layout. One table per
 * type lists the fields (offset, width, count); encoding and decoding walk
 * it, so the bytes are the same on any machine and a reader on a big-endian
 * one decodes them right.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stats/anon_vma.h"
#include "stats/figures.h"
#include "record/recfile.h"

#define REC_META_MAX (1u << 20)	/* metadata: at most 1 MiB */
#define REC_WBUF (1u << 20)	/* the writer's stdio buffer */
#define REC_ERRLEN 512

/* the header's fields, at these offsets */
enum {
	H_MAGIC = 0, H_VERSION = 8, H_HLEN = 12, H_START = 16, H_START_RT = 24,
	H_RECORDS = 32, H_LOST = 40, H_END = 48, H_META_LEN = 56, H_FLAGS = 60,
};
#define REC_HDR 8	/* a record's own header: u16 type, u16 0, u32 len */

/* ---- the payloads' layouts ---- */

struct field {
	uint16_t off;
	uint8_t width;	/* 1, 2, 4 or 8 bytes */
	uint8_t count;	/* array elements; char arrays are width 1 */
};

#define F(type, f, w) { offsetof(type, f), w, sizeof(((type *)0)->f) / (w) }

static const struct field retry_fields[] = {
	F(struct mmr_retry_event, type, 4), F(struct mmr_retry_event, pid, 4),
	F(struct mmr_retry_event, tid, 4), F(struct mmr_retry_event, flags, 4),
	F(struct mmr_retry_event, ts_ns, 8), F(struct mmr_retry_event, addr, 8),
	F(struct mmr_retry_event, result, 4), F(struct mmr_retry_event, reason, 2),
	F(struct mmr_retry_event, vma_kind, 2), F(struct mmr_retry_event, attempt, 2),
	F(struct mmr_retry_event, inferred, 2), F(struct mmr_retry_event, pad, 4),
	F(struct mmr_retry_event, comm, 1),
};

static const struct field attempt_fields[] = {
	F(struct mmr_attempt_event, type, 4), F(struct mmr_attempt_event, pid, 4),
	F(struct mmr_attempt_event, tid, 4), F(struct mmr_attempt_event, flags, 4),
	F(struct mmr_attempt_event, start_ns, 8), F(struct mmr_attempt_event, end_ns, 8),
	F(struct mmr_attempt_event, addr, 8), F(struct mmr_attempt_event, result, 4),
	F(struct mmr_attempt_event, reason, 2), F(struct mmr_attempt_event, vma_kind, 2),
	F(struct mmr_attempt_event, attempt, 2), F(struct mmr_attempt_event, pad, 2),
};

static const struct field mm_fields[] = {
	F(struct mmr_mm_event, type, 4), F(struct mmr_mm_event, pid, 4),
	F(struct mmr_mm_event, tid, 4), F(struct mmr_mm_event, op, 4),
	F(struct mmr_mm_event, ts_ns, 8), F(struct mmr_mm_event, dur_ns, 8),
	F(struct mmr_mm_event, addr, 8), F(struct mmr_mm_event, len, 8),
	F(struct mmr_mm_event, arg, 8), F(struct mmr_mm_event, ret, 8),
	F(struct mmr_mm_event, comm, 1),
};

static const struct field lock_op_fields[] = {
	F(struct mmr_lock_op_event, type, 4), F(struct mmr_lock_op_event, pid, 4),
	F(struct mmr_lock_op_event, tid, 4), F(struct mmr_lock_op_event, write, 1),
	F(struct mmr_lock_op_event, success, 1), F(struct mmr_lock_op_event, remote, 1),
	F(struct mmr_lock_op_event, downgrade, 1), F(struct mmr_lock_op_event, t_start, 8),
	F(struct mmr_lock_op_event, t_acq, 8), F(struct mmr_lock_op_event, t_rel, 8),
	F(struct mmr_lock_op_event, mm, 8),
};

static const struct field lock_long_fields[] = {
	F(struct mmr_lock_event, type, 4), F(struct mmr_lock_event, pid, 4),
	F(struct mmr_lock_event, tid, 4), F(struct mmr_lock_event, write, 1),
	F(struct mmr_lock_event, remote, 1), F(struct mmr_lock_event, in_fault, 1),
	F(struct mmr_lock_event, success, 1), F(struct mmr_lock_event, ts_ns, 8),
	F(struct mmr_lock_event, dur_ns, 8), F(struct mmr_lock_event, mm, 8),
	F(struct mmr_lock_event, nkstack, 4), F(struct mmr_lock_event, nustack, 4),
	F(struct mmr_lock_event, comm, 1), F(struct mmr_lock_event, fault_addr, 8),
	F(struct mmr_lock_event, fault, 1), F(struct mmr_lock_event, blocking, 1),
	F(struct mmr_lock_event, kind, 1), F(struct mmr_lock_event, pad, 1),
	F(struct mmr_lock_event, kstack, 8),
	F(struct mmr_lock_event, ustack, 8),
};

static const struct field chain_fields[] = {
	F(struct mmr_chain_event, type, 4), F(struct mmr_chain_event, kind, 4),
	F(struct mmr_chain_event, pid, 4), F(struct mmr_chain_event, tid, 4),
	F(struct mmr_chain_event, length, 4), F(struct mmr_chain_event, reused, 1),
	F(struct mmr_chain_event, truncated, 1), F(struct mmr_chain_event, pad, 1),
	F(struct mmr_chain_event, ts_ns, 8), F(struct mmr_chain_event, vm_start, 8),
	F(struct mmr_chain_event, vm_end, 8), F(struct mmr_chain_event, anon_vma, 8),
	F(struct mmr_chain_event, root, 8), F(struct mmr_chain_event, num_children, 8),
	F(struct mmr_chain_event, num_active_vmas, 8), F(struct mmr_chain_event, comm, 1),
};

static const struct field walk_fields[] = {
	F(struct mmr_walk_event, type, 4), F(struct mmr_walk_event, pid, 4),
	F(struct mmr_walk_event, tid, 4), F(struct mmr_walk_event, owner, 4),
	F(struct mmr_walk_event, vmas, 4), F(struct mmr_walk_event, mapped, 4),
	F(struct mmr_walk_event, locked, 1), F(struct mmr_walk_event, contended, 1),
	F(struct mmr_walk_event, pad, 1), F(struct mmr_walk_event, tracer_ns, 4),
	F(struct mmr_walk_event, rmap_one, 8),
	F(struct mmr_walk_event, ts_ns, 8), F(struct mmr_walk_event, dur_ns, 8),
	F(struct mmr_walk_event, lock_wait_ns, 8), F(struct mmr_walk_event, anon_vma, 8),
	F(struct mmr_walk_event, root, 8), F(struct mmr_walk_event, vm_start, 8),
	F(struct mmr_walk_event, vm_end, 8), F(struct mmr_walk_event, comm, 1),
	F(struct mmr_walk_event, owner_comm, 1),
};

static const struct field task_fields[] = {
	F(struct rec_task, pid, 4), F(struct rec_task, tid, 4), F(struct rec_task, comm, 1),
};

static const struct field lost_fields[] = {
	F(struct rec_lost, ts_ns, 8), F(struct rec_lost, faults, 8),
	F(struct rec_lost, lock, 8), F(struct rec_lost, anon, 8),
};

#define LAYOUT(t, fields, s) [t] = { #s, sizeof(struct s), fields, \
				     sizeof(fields) / sizeof(fields[0]) }
static const struct layout {
	const char *struct_name;
	size_t size;
	const struct field *fields;
	size_t nfields;
} layouts[REC_NR_TYPES] = {
	LAYOUT(MMR_EV_RETRY, retry_fields, mmr_retry_event),
	LAYOUT(MMR_EV_ATTEMPT, attempt_fields, mmr_attempt_event),
	LAYOUT(MMR_EV_MM, mm_fields, mmr_mm_event),
	LAYOUT(MMR_EV_LOCK_OP, lock_op_fields, mmr_lock_op_event),
	LAYOUT(MMR_EV_LOCK_LONG, lock_long_fields, mmr_lock_event),
	LAYOUT(MMR_EV_CHAIN, chain_fields, mmr_chain_event),
	LAYOUT(MMR_EV_WALK, walk_fields, mmr_walk_event),
	LAYOUT(REC_TASK, task_fields, rec_task),
	LAYOUT(REC_LOST, lost_fields, rec_lost),
};

static const char *const type_names[REC_NR_TYPES] = {
	[MMR_EV_RETRY] = "retry", [MMR_EV_ATTEMPT] = "attempt", [MMR_EV_MM] = "mm",
	[MMR_EV_LOCK_OP] = "lock_op", [MMR_EV_LOCK_LONG] = "lock_long", [MMR_EV_CHAIN] = "chain",
	[MMR_EV_WALK] = "walk", [REC_TASK] = "task", [REC_LOST] = "lost", [REC_REPORT] = "report",
};

const char *rec_type_name(uint32_t t)
{
	return (unsigned)t < REC_NR_TYPES ? type_names[t] : NULL;
}

/* memcpy, not casts: the bytes need not be aligned */
static void put16(uint8_t *p, uint16_t v) { v = htole16(v); memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { v = htole32(v); memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { v = htole64(v); memcpy(p, &v, 8); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return le16toh(v); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return le32toh(v); }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return le64toh(v); }

/* the struct at s (native) as little-endian bytes at out (l->size of them) */
static void encode(const struct layout *l, const void *s, uint8_t *out)
{
	const uint8_t *in = s;
	size_t i, k;

	for (i = 0; i < l->nfields; i++) {
		const struct field *f = &l->fields[i];

		for (k = 0; k < f->count; k++) {
			size_t o = f->off + k * f->width;
			uint16_t v16;
			uint32_t v32;
			uint64_t v64;

			switch (f->width) {
			case 1:
				out[o] = in[o];
				break;
			case 2:
				memcpy(&v16, in + o, 2);
				put16(out + o, v16);
				break;
			case 4:
				memcpy(&v32, in + o, 4);
				put32(out + o, v32);
				break;
			default:
				memcpy(&v64, in + o, 8);
				put64(out + o, v64);
				break;
			}
		}
	}
}

/* little-endian bytes at in (l->size of them) into the struct at s */
/*
 * Version 1: an event's first u32 was the tag of its ring, not its record
 * type, and a lock_long's was its kind (1 hold, 2 wait), its kind byte
 * then padding. In version 2's terms.
 */
static void v1_event(struct rec_item *it)
{
	if (it->type == MMR_EV_LOCK_LONG)
		it->u.lock_long.kind = it->u.lock_long.type;
	if (it->type < MMR_NR_EVENT_TYPES)
		it->u.retry.type = it->type;	/* every event begins with its type */
}

static void decode(const struct layout *l, const uint8_t *in, void *s)
{
	uint8_t *out = s;
	size_t i, k;

	memset(s, 0, l->size);
	for (i = 0; i < l->nfields; i++) {
		const struct field *f = &l->fields[i];

		for (k = 0; k < f->count; k++) {
			size_t o = f->off + k * f->width;
			uint16_t v16;
			uint32_t v32;
			uint64_t v64;

			switch (f->width) {
			case 1:
				out[o] = in[o];
				break;
			case 2:
				v16 = get16(in + o);
				memcpy(out + o, &v16, 2);
				break;
			case 4:
				v32 = get32(in + o);
				memcpy(out + o, &v32, 4);
				break;
			default:
				v64 = get64(in + o);
				memcpy(out + o, &v64, 8);
				break;
			}
		}
	}
}

/* One line: control characters (in a path, in jansson's "near '...'") as '?'. */
static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* ---- writing ---- */

struct rec_writer {
	FILE *f;
	char *buf;		/* stdio's buffer */
	uint64_t records;
	int err;		/* the first error, -errno: later calls return it */
};

static int io_err(void)
{
	return errno ? -errno : -EIO;
}

struct rec_writer *rec_create(const char *path, uint64_t start_ns, uint64_t start_realtime_ns,
			      const char *meta, char *err, size_t errlen)
{
	uint8_t h[REC_HEADER_LEN] = { 0 };
	struct rec_writer *w;
	json_error_t jerr;
	json_t *j;
	size_t mlen;

	if (!meta)
		meta = "{}";
	mlen = strlen(meta);
	j = json_loadb(meta, mlen, 0, &jerr);
	if (!j || !json_is_object(j) || mlen > REC_META_MAX) {
		json_decref(j);
		set_err(err, errlen, "%s: the metadata is not a JSON object of at most %u bytes",
			path, REC_META_MAX);
		errno = EINVAL;
		return NULL;
	}
	json_decref(j);
	w = calloc(1, sizeof(*w));
	if (w)
		w->buf = malloc(REC_WBUF);
	if (!w || !w->buf) {
		set_err(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	w->f = fopen(path, "w");
	if (!w->f) {
		set_err(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		goto fail;
	}
	setvbuf(w->f, w->buf, _IOFBF, REC_WBUF);
	memcpy(h + H_MAGIC, REC_MAGIC, 8);
	put32(h + H_VERSION, REC_VERSION);
	put32(h + H_HLEN, REC_HEADER_LEN);
	put64(h + H_START, start_ns);
	put64(h + H_START_RT, start_realtime_ns);
	put32(h + H_META_LEN, (uint32_t)mlen);
	/* records, lost, end_ns, flags: 0 until a flush or the end */
	if (fwrite(h, sizeof(h), 1, w->f) != 1 || fwrite(meta, 1, mlen, w->f) != mlen ||
	    fflush(w->f)) {
		set_err(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto fail;
	}
	return w;
fail:
	{
		int e = errno ? errno : EIO;

		if (w && w->f)
			fclose(w->f);
		if (w)
			free(w->buf);
		free(w);
		errno = e;
	}
	return NULL;
}

int rec_write(struct rec_writer *w, uint32_t type, const void *payload, size_t len)
{
	uint8_t rec[REC_HDR + sizeof(struct mmr_lock_event)];
	const struct layout *l;

	if (w->err)
		return w->err;
	if ((unsigned)type >= REC_NR_TYPES || !type_names[type])
		return -EINVAL;
	if (type == REC_REPORT) {
		if (len > REC_MAX_LEN || (len && memchr(payload, '\0', len)))
			return -EINVAL;
		put16(rec, type);
		put16(rec + 2, 0);
		put32(rec + 4, (uint32_t)len);
		errno = 0;
		if (fwrite(rec, REC_HDR, 1, w->f) != 1 ||
		    (len && fwrite(payload, 1, len, w->f) != len))
			return w->err = io_err();
		w->records++;
		return 0;
	}
	l = &layouts[type];
	if (len != l->size || l->size > sizeof(rec) - REC_HDR)
		return -EINVAL;
	put16(rec, type);
	put16(rec + 2, 0);
	put32(rec + 4, (uint32_t)len);
	encode(l, payload, rec + REC_HDR);
	errno = 0;
	if (fwrite(rec, REC_HDR + len, 1, w->f) != 1)
		return w->err = io_err();
	w->records++;
	return 0;
}

/* the header's records and lost, after what fflush wrote */
int rec_flush(struct rec_writer *w, uint64_t lost)
{
	uint8_t b[16];

	if (w->err)
		return w->err;
	errno = 0;
	if (fflush(w->f))
		return w->err = io_err();
	put64(b, w->records);
	put64(b + 8, lost);
	if (pwrite(fileno(w->f), b, sizeof(b), H_RECORDS) != (ssize_t)sizeof(b))
		return w->err = io_err();
	return 0;
}

int rec_close(struct rec_writer *w, uint64_t lost, uint64_t end_ns, bool clean)
{
	uint8_t end[8], flags[4];
	int ret;

	if (!w)
		return -EINVAL;
	ret = rec_flush(w, lost);
	if (!ret) {
		put64(end, end_ns);
		put32(flags, clean ? REC_F_CLEAN : 0);
		errno = 0;
		if (pwrite(fileno(w->f), end, sizeof(end), H_END) != (ssize_t)sizeof(end) ||
		    pwrite(fileno(w->f), flags, sizeof(flags), H_FLAGS) != (ssize_t)sizeof(flags))
			ret = io_err();
	}
	errno = 0;
	if (fclose(w->f) && !ret)
		ret = io_err();
	free(w->buf);
	free(w);
	return ret;
}

/* ---- reading ---- */

struct rec_reader {
	char *name;
	FILE *f;		/* rec_open */
	const uint8_t *mem;	/* rec_open_mem */
	size_t mem_len;
	uint64_t pos;		/* bytes consumed */
	struct rec_header h;
	char *meta;
	uint8_t *buf;		/* a record's payload, NUL-terminated */
	size_t cap;
	uint64_t records, skipped;
	bool truncated;
	int state;		/* 0 reading, 1 at the end, -1 an error (in errmsg) */
	char errmsg[REC_ERRLEN];
};

/* Up to n bytes into dst: how many (fewer only at the end), or -1 with a
 * read error in r->errmsg. */
static ssize_t src_read(struct rec_reader *r, void *dst, size_t n)
{
	size_t got;

	if (r->mem) {
		size_t left = r->pos < r->mem_len ? r->mem_len - r->pos : 0;

		got = n < left ? n : left;
		if (got)
			memcpy(dst, r->mem + r->pos, got);
	} else {
		got = fread(dst, 1, n, r->f);
		if (got < n && ferror(r->f)) {
			set_err(r->errmsg, sizeof(r->errmsg), "%s: offset %" PRIu64 ": %s",
				r->name, r->pos + got, strerror(errno ? errno : EIO));
			return -1;
		}
	}
	r->pos += got;
	return (ssize_t)got;
}

static int grow(struct rec_reader *r, size_t n)
{
	uint8_t *p;

	if (n + 1 <= r->cap)
		return 0;
	p = realloc(r->buf, n + 1);
	if (!p)
		return -ENOMEM;
	r->buf = p;
	r->cap = n + 1;
	return 0;
}

#define FAIL(...) do { set_err(r->errmsg, sizeof(r->errmsg), __VA_ARGS__); goto fail; } while (0)

static int read_header(struct rec_reader *r)
{
	uint8_t h[REC_HEADER_LEN];
	uint32_t hlen, mlen;
	json_error_t jerr;
	json_t *j;
	ssize_t got;

	got = src_read(r, h, sizeof(h));
	if (got < 0)
		return -1;
	if (got < 8 || memcmp(h, REC_MAGIC, 8))
		FAIL("%s: offset 0: not an mmretry recording (no \"MMRREC\" magic)", r->name);
	if (got < 12)
		FAIL("%s: offset %zd: the header is cut short (%zd of %d bytes)", r->name, got,
		     got, REC_HEADER_LEN);
	r->h.version = get32(h + H_VERSION);
	/* a newer version may change anything after the version: say so first */
	if (r->h.version > REC_VERSION)
		FAIL("%s: offset %d: recording version %" PRIu32 "; this mmretry reads %d",
		     r->name, H_VERSION, r->h.version, REC_VERSION);
	if (r->h.version < 1)
		FAIL("%s: offset %d: recording version 0 does not exist", r->name, H_VERSION);
	if (got < REC_HEADER_LEN)
		FAIL("%s: offset %zd: the header is cut short (%zd of %d bytes)", r->name, got,
		     got, REC_HEADER_LEN);
	hlen = get32(h + H_HLEN);
	if (hlen != REC_HEADER_LEN)
		FAIL("%s: offset %d: header length %" PRIu32 ", not %d", r->name, H_HLEN, hlen,
		     REC_HEADER_LEN);
	r->h.start_ns = get64(h + H_START);
	r->h.start_realtime_ns = get64(h + H_START_RT);
	r->h.records = get64(h + H_RECORDS);
	r->h.lost = get64(h + H_LOST);
	r->h.end_ns = get64(h + H_END);
	r->h.flags = get32(h + H_FLAGS);
	mlen = get32(h + H_META_LEN);
	if (mlen > REC_META_MAX)
		FAIL("%s: offset %d: metadata length %" PRIu32 ", over the limit (%u)", r->name,
		     H_META_LEN, mlen, REC_META_MAX);
	r->meta = malloc((size_t)mlen + 1);
	if (!r->meta)
		FAIL("%s: offset %d: out of memory", r->name, REC_HEADER_LEN);
	got = src_read(r, r->meta, mlen);
	if (got < 0)
		return -1;
	if ((size_t)got < mlen)
		FAIL("%s: offset %d: the metadata is cut short (%zd of %" PRIu32 " bytes)",
		     r->name, REC_HEADER_LEN, got, mlen);
	r->meta[mlen] = '\0';
	j = json_loadb(r->meta, mlen, 0, &jerr);
	if (!j) {
		/* jerr.position: bytes read, in the metadata */
		uint64_t at = REC_HEADER_LEN + (jerr.position > 0 &&
						(size_t)jerr.position <= mlen ? jerr.position : 0);

		FAIL("%s: offset %" PRIu64 ": the metadata is not JSON: %s", r->name, at,
		     jerr.text);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		FAIL("%s: offset %d: the metadata is not a JSON object", r->name, REC_HEADER_LEN);
	}
	json_decref(j);
	return 0;
fail:
	return -1;
}

static struct rec_reader *open_common(struct rec_reader *r, char *err, size_t errlen)
{
	if (read_header(r)) {
		set_err(err, errlen, "%s", r->errmsg);
		rec_close_reader(r);
		errno = EINVAL;
		return NULL;
	}
	return r;
}

struct rec_reader *rec_open(const char *path, char *err, size_t errlen)
{
	struct rec_reader *r = calloc(1, sizeof(*r));

	if (!r || !(r->name = strdup(path))) {
		free(r);
		set_err(err, errlen, "%s: out of memory", path);
		errno = ENOMEM;
		return NULL;
	}
	r->f = fopen(path, "r");
	if (!r->f) {
		int e = errno;

		set_err(err, errlen, "cannot read '%s': %s", path, strerror(e));
		rec_close_reader(r);
		errno = e;
		return NULL;
	}
	return open_common(r, err, errlen);
}

struct rec_reader *rec_open_mem(const void *buf, size_t len, const char *name, char *err,
				size_t errlen)
{
	static const uint8_t empty[1];
	struct rec_reader *r = calloc(1, sizeof(*r));

	if (!r || !(r->name = strdup(name))) {
		free(r);
		set_err(err, errlen, "%s: out of memory", name);
		errno = ENOMEM;
		return NULL;
	}
	r->mem = len ? buf : empty;	/* non-NULL: marks a memory reader */
	r->mem_len = len;
	return open_common(r, err, errlen);
}

const struct rec_header *rec_header(const struct rec_reader *r)
{
	return &r->h;
}

const char *rec_meta(const struct rec_reader *r)
{
	return r->meta;
}

bool rec_truncated(const struct rec_reader *r)
{
	return r->truncated;
}

uint64_t rec_skipped(const struct rec_reader *r)
{
	return r->skipped;
}

/* The end came at a cut in a record: an error in a clean recording, else
 * the end of what the crashed writer got out. */
static int cut_short(struct rec_reader *r, uint64_t off, const char *what, size_t got,
		     size_t want)
{
	if (r->h.flags & REC_F_CLEAN) {
		set_err(r->errmsg, sizeof(r->errmsg),
			"%s: offset %" PRIu64 ": %s cut short (%zu of %zu bytes) in a recording "
			"that ended cleanly", r->name, off, what, got, want);
		return -1;
	}
	r->truncated = true;
	return 0;
}

static int next(struct rec_reader *r, struct rec_item *it)
{
	uint8_t h[REC_HDR];
	uint64_t off = r->pos;
	unsigned type;
	uint32_t len;
	ssize_t got;
	char what[64];

	got = src_read(r, h, sizeof(h));
	if (got < 0)
		return -1;
	if (got == 0) {
		/* a clean end: what was written is all here */
		if ((r->h.flags & REC_F_CLEAN) && r->records != r->h.records)
			FAIL("%s: offset %" PRIu64 ": the recording ends after %" PRIu64 " records; "
			     "its header says %" PRIu64, r->name, off, r->records, r->h.records);
		return 0;
	}
	if (got < REC_HDR)
		return cut_short(r, off, "a record's header", got, REC_HDR);
	type = get16(h);
	len = get32(h + 4);
	if (get16(h + 2))
		FAIL("%s: offset %" PRIu64 ": record type %u: reserved field 0x%04x, not 0",
		     r->name, off, type, get16(h + 2));
	if (type == 0)
		FAIL("%s: offset %" PRIu64 ": record type 0 (no type is 0)", r->name, off);
	if (len > REC_MAX_LEN)
		FAIL("%s: offset %" PRIu64 ": record type %u: length %" PRIu32 ", over the "
		     "limit (%u)", r->name, off, type, len, REC_MAX_LEN);
	if (type < REC_NR_TYPES && type != REC_REPORT && len != layouts[type].size)
		FAIL("%s: offset %" PRIu64 ": %s record: length %" PRIu32 ", not %zu", r->name,
		     off, type_names[type], len, layouts[type].size);
	if (grow(r, len))
		FAIL("%s: offset %" PRIu64 ": out of memory", r->name, off);
	got = src_read(r, r->buf, len);
	if (got < 0)
		return -1;
	if ((size_t)got < len) {
		if (type < REC_NR_TYPES)
			snprintf(what, sizeof(what), "a %s record", type_names[type]);
		else
			snprintf(what, sizeof(what), "a record of type %u", type);
		return cut_short(r, off, what, got, len);
	}
	r->records++;
	if (type >= REC_NR_TYPES) {
		r->skipped++;	/* a newer mmretry's: the length lets us step over it */
		return 2;
	}
	memset(it, 0, sizeof(*it));
	it->type = type;
	it->offset = off;
	if (type == REC_REPORT) {
		if (memchr(r->buf, '\0', len))
			FAIL("%s: offset %" PRIu64 ": report record: a NUL byte at offset %" PRIu64,
			     r->name, off, off + REC_HDR +
			     (uint64_t)((uint8_t *)memchr(r->buf, '\0', len) - r->buf));
		r->buf[len] = '\0';
		it->text = (const char *)r->buf;
		it->text_len = len;
	} else {
		decode(&layouts[type], r->buf, &it->u);
		if (r->h.version == 1)
			v1_event(it);
	}
	return 1;
fail:
	return -1;
}

int rec_next(struct rec_reader *r, struct rec_item *it, char *err, size_t errlen)
{
	int ret;

	if (r->state == 1)
		return 0;
	if (r->state < 0) {
		set_err(err, errlen, "%s", r->errmsg);
		return -1;
	}
	while ((ret = next(r, it)) == 2)
		;
	if (ret < 0) {
		r->state = -1;
		set_err(err, errlen, "%s", r->errmsg);
		return -1;
	}
	if (ret == 0)
		r->state = 1;
	return ret;
}

void rec_close_reader(struct rec_reader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	free(r->name);
	free(r->meta);
	free(r->buf);
	free(r);
}

/* ---- printing ---- */

static const char *const mm_op_names[MMR_NR_MM_OPS] = {
	[MMR_MM_MMAP] = "mmap", [MMR_MM_MUNMAP] = "munmap", [MMR_MM_MPROTECT] = "mprotect",
	[MMR_MM_MADVISE] = "madvise", [MMR_MM_MREMAP] = "mremap", [MMR_MM_BRK] = "brk",
	[MMR_MM_FORK] = "fork", [MMR_MM_EXIT] = "exit",
};

const char *rec_mm_op_name(uint32_t op)
{
	return op < MMR_NR_MM_OPS ? mm_op_names[op] : NULL;
}

static const char *reason_name(uint32_t r)
{
	return r < MMR_NR_REASONS ? reason_names[r] : NULL;
}

static const char *vma_kind_name(uint32_t k)
{
	return k < MMR_NR_VMA_KINDS ? vma_kind_names[k] : NULL;
}

/* a comm (up to n bytes, maybe not NUL-terminated) as printable ASCII, a
 * space too if space (JSON; text keeps one word per field); "-" if empty */
static const char *comm_str(const char *c, size_t n, char *buf, bool space)
{
	size_t i, len = strnlen(c, n);

	for (i = 0; i < len; i++)
		buf[i] = (c[i] > 0x20 || (space && c[i] == 0x20)) && c[i] < 0x7f ? c[i] : '?';
	buf[len] = '\0';
	return len ? buf : "-";
}

/* "name" if known, else "?N" */
static const char *name_or_num(const char *name, uint32_t v, char *buf, size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "?%" PRIu32, v);
	return buf;
}

/* t - start in seconds, with microseconds; "-" for an event before the start */
static void print_time(FILE *out, uint64_t t, uint64_t start)
{
	uint64_t d = t >= start ? t - start : start - t;

	fprintf(out, "%s%" PRIu64 ".%06" PRIu64, t >= start ? "" : "-", d / 1000000000u,
		d % 1000000000u / 1000);
}

static void print_dur(FILE *out, const char *label, uint64_t ns)
{
	fprintf(out, " %s %" PRIu64 ".%03" PRIu64 "us", label, ns / 1000, ns % 1000);
}

void rec_header_text(FILE *out, const struct rec_reader *r)
{
	const struct rec_header *h = &r->h;
	time_t secs = (time_t)(h->start_realtime_ns / 1000000000u);
	char when[64] = "?";
	struct tm tm;
	json_t *meta = json_loads(r->meta ? r->meta : "{}", 0, NULL);
	char *m = meta ? json_dumps(meta, JSON_COMPACT) : NULL;

	if (gmtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(out, "# mmretry recording version %" PRIu32 ", started %s, %" PRIu64
		" records, %" PRIu64 " lost, ", h->version, when, h->records, h->lost);
	if (h->flags & REC_F_CLEAN) {
		fputs("ended cleanly after ", out);
		print_time(out, h->end_ns, h->start_ns);
		fputs(" s", out);
	} else {
		fputs("did not end cleanly", out);
	}
	fprintf(out, "; meta %s\n", m ? m : "?");
	free(m);
	json_decref(meta);
}

void rec_item_text(FILE *out, const struct rec_item *it, uint64_t start_ns)
{
	char c1[17], c2[17], n1[16], n2[16];

	switch (it->type) {
	case MMR_EV_RETRY: {
		const struct mmr_retry_event *e = &it->u.retry;

		print_time(out, e->ts_ns, start_ns);
		fprintf(out, " retry pid %" PRIu32 " tid %" PRIu32 " comm %s addr 0x%llx"
			" reason %s kind %s attempt %u flags 0x%" PRIx32 " result 0x%" PRIx32 "%s\n",
			e->pid, e->tid, comm_str(e->comm, sizeof(e->comm), c1, false), e->addr,
			name_or_num(reason_name(e->reason), e->reason, n1, sizeof(n1)),
			name_or_num(vma_kind_name(e->vma_kind), e->vma_kind, n2, sizeof(n2)),
			e->attempt, e->flags, e->result, e->inferred ? " inferred" : "");
		break;
	}
	case MMR_EV_ATTEMPT: {
		const struct mmr_attempt_event *e = &it->u.attempt;

		print_time(out, e->start_ns, start_ns);
		fprintf(out, " attempt pid %" PRIu32 " tid %" PRIu32 " addr 0x%llx"
			" reason %s kind %s attempt %u flags 0x%" PRIx32 " result 0x%" PRIx32,
			e->pid, e->tid, e->addr,
			e->reason == MMR_REASON_NONE ? "-" :
			name_or_num(reason_name(e->reason), e->reason, n1, sizeof(n1)),
			name_or_num(vma_kind_name(e->vma_kind), e->vma_kind, n2, sizeof(n2)),
			e->attempt, e->flags, e->result);
		print_dur(out, "dur", e->end_ns - e->start_ns);
		fputc('\n', out);
		break;
	}
	case MMR_EV_MM: {
		const struct mmr_mm_event *e = &it->u.mm;

		print_time(out, e->ts_ns, start_ns);
		fprintf(out, " mm pid %" PRIu32 " tid %" PRIu32 " comm %s op %s addr 0x%llx"
			" len %llu" " arg 0x%llx" " ret %lld",
			e->pid, e->tid, comm_str(e->comm, sizeof(e->comm), c1, false),
			name_or_num(rec_mm_op_name(e->op), e->op, n1, sizeof(n1)), e->addr, e->len,
			e->arg, e->ret);
		print_dur(out, "dur", e->dur_ns);
		fputc('\n', out);
		break;
	}
	case MMR_EV_LOCK_OP: {
		const struct mmr_lock_op_event *e = &it->u.lock_op;

		print_time(out, e->t_start, start_ns);
		fprintf(out, " lock_op pid %" PRIu32 " tid %" PRIu32 " %s %s mm 0x%llx",
			e->pid, e->tid, e->write ? "write" : "read",
			e->success ? "acquired" : "failed", e->mm);
		print_dur(out, "wait", e->t_acq - e->t_start);
		if (e->success)
			print_dur(out, "hold", e->t_rel - e->t_acq);
		fprintf(out, "%s", e->remote ? " remote" : "");
		if (e->downgrade)
			fprintf(out, " downgrade %u", e->downgrade);
		fputc('\n', out);
		break;
	}
	case MMR_EV_LOCK_LONG: {
		const struct mmr_lock_event *e = &it->u.lock_long;

		print_time(out, e->ts_ns, start_ns);
		fprintf(out, " lock_long %s pid %" PRIu32 " tid %" PRIu32 " comm %s %s mm 0x%llx",
			e->kind == MMR_LOCK_EV_WAIT ? "wait" :
			e->kind == MMR_LOCK_EV_HOLD ? "hold" : "?", e->pid, e->tid,
			comm_str(e->comm, sizeof(e->comm), c1, false), e->write ? "write" : "read", e->mm);
		print_dur(out, "dur", e->dur_ns);
		if (e->fault & MMR_LOCK_FAULT_ADDR)
			fprintf(out, " fault_addr 0x%llx", e->fault_addr);
		fprintf(out, " kstack %" PRIu32 " ustack %" PRIu32 "%s%s%s%s\n", e->nkstack,
			e->nustack, e->in_fault ? " in_fault" : "", e->remote ? " remote" : "",
			e->blocking ? " blocking" : "",
			e->kind == MMR_LOCK_EV_WAIT && !e->success ? " failed" : "");
		break;
	}
	case MMR_EV_CHAIN: {
		const struct mmr_chain_event *e = &it->u.chain;

		print_time(out, e->ts_ns, start_ns);
		fprintf(out, " chain %s pid %" PRIu32 " tid %" PRIu32 " comm %s length %" PRIu32
			"%s vma 0x%llx" "-0x%llx" " anon_vma 0x%llx" " root 0x%llx"
			" children %llu" " active_vmas %llu" "%s\n",
			name_or_num(av_chain_kind_name(e->kind), e->kind, n1, sizeof(n1)), e->pid,
			e->tid, comm_str(e->comm, sizeof(e->comm), c1, false), e->length,
			e->truncated ? "+" : "", e->vm_start, e->vm_end, e->anon_vma, e->root,
			e->num_children, e->num_active_vmas, e->reused ? " reused" : "");
		break;
	}
	case MMR_EV_WALK: {
		const struct mmr_walk_event *e = &it->u.walk;

		print_time(out, e->ts_ns, start_ns);
		fprintf(out, " walk pid %" PRIu32 " tid %" PRIu32 " comm %s owner %" PRIu32
			" owner_comm %s vmas %" PRIu32 " mapped %" PRIu32 " rmap_one 0x%llx"
			" anon_vma 0x%llx", e->pid, e->tid,
			comm_str(e->comm, sizeof(e->comm), c1, false), e->owner,
			comm_str(e->owner_comm, sizeof(e->owner_comm), c2, false), e->vmas, e->mapped,
			e->rmap_one, e->anon_vma);
		print_dur(out, "dur", e->dur_ns);
		if (e->contended)
			print_dur(out, "lock_wait", e->lock_wait_ns);
		fprintf(out, "%s\n", e->locked ? " locked" : "");
		break;
	}
	case REC_TASK:
		fprintf(out, "- task pid %" PRIu32 " tid %" PRIu32 " comm %s\n", it->u.task.pid,
			it->u.task.tid, comm_str(it->u.task.comm, sizeof(it->u.task.comm), c1, false));
		break;
	case REC_LOST:
		print_time(out, it->u.lost.ts_ns, start_ns);
		fprintf(out, " lost faults %" PRIu64 " lock %" PRIu64 " anon %" PRIu64 "\n",
			it->u.lost.faults, it->u.lost.lock, it->u.lost.anon);
		break;
	case REC_REPORT:
		fprintf(out, "- report %zu bytes of JSON (dump --json shows it)\n", it->text_len);
		break;
	default:
		fprintf(out, "- type %u\n", (unsigned)it->type);
		break;
	}
}

/* ---- JSON ---- */

/* jansson integers are signed: a u64 past INT64_MAX (only in a damaged
 * recording) becomes a real rather than a negative number */
static json_t *ju64(uint64_t v)
{
	return v <= INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}

static json_t *jhex(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "0x%" PRIx64, v);
	return json_string(b);
}

static json_t *jname(const char *name, uint32_t v)
{
	return name ? json_string(name) : json_integer(v);
}

static json_t *jcomm(const char *c, size_t n)
{
	char b[17];

	comm_str(c, n, b, true);
	return json_string(strnlen(c, n) ? b : "");
}

static json_t *jstack(const __u64 *s, uint32_t n)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; a && i < n && i < MMR_STACK_FRAMES; i++)
		json_array_append_new(a, jhex(s[i]));
	return a;
}

#define SET(k, v) json_object_set_new(o, k, v)

json_t *rec_header_json(const struct rec_reader *r)
{
	const struct rec_header *h = &r->h;
	json_t *o = json_object();

	if (!o)
		return NULL;
	SET("type", json_string("header"));
	SET("version", json_integer(h->version));
	SET("start_ns", ju64(h->start_ns));
	SET("start_realtime_ns", ju64(h->start_realtime_ns));
	SET("records", ju64(h->records));
	SET("lost", ju64(h->lost));
	SET("end_ns", ju64(h->end_ns));
	SET("flags", json_integer(h->flags));
	SET("clean", json_boolean(h->flags & REC_F_CLEAN));
	SET("meta", r->meta ? json_loads(r->meta, 0, NULL) : json_object());
	return o;
}

json_t *rec_item_json(const struct rec_item *it)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	SET("type", rec_type_name(it->type) ? json_string(rec_type_name(it->type)) :
		json_integer(it->type));
	SET("offset", ju64(it->offset));
	switch (it->type) {
	case MMR_EV_RETRY: {
		const struct mmr_retry_event *e = &it->u.retry;

		SET("pid", json_integer(e->pid));
		SET("tid", json_integer(e->tid));
		SET("comm", jcomm(e->comm, sizeof(e->comm)));
		SET("ts_ns", ju64(e->ts_ns));
		SET("addr", jhex(e->addr));
		SET("flags", json_integer(e->flags));
		SET("result", json_integer(e->result));
		SET("reason", jname(reason_name(e->reason), e->reason));
		SET("vma_kind", jname(vma_kind_name(e->vma_kind), e->vma_kind));
		SET("attempt", json_integer(e->attempt));
		SET("inferred", json_boolean(e->inferred));
		break;
	}
	case MMR_EV_ATTEMPT: {
		const struct mmr_attempt_event *e = &it->u.attempt;

		SET("pid", json_integer(e->pid));
		SET("tid", json_integer(e->tid));
		SET("start_ns", ju64(e->start_ns));
		SET("end_ns", ju64(e->end_ns));
		SET("addr", jhex(e->addr));
		SET("flags", json_integer(e->flags));
		SET("result", json_integer(e->result));
		SET("reason", e->reason == MMR_REASON_NONE ? json_null() :
		    jname(reason_name(e->reason), e->reason));
		SET("vma_kind", jname(vma_kind_name(e->vma_kind), e->vma_kind));
		SET("attempt", json_integer(e->attempt));
		break;
	}
	case MMR_EV_MM: {
		const struct mmr_mm_event *e = &it->u.mm;

		SET("pid", json_integer(e->pid));
		SET("tid", json_integer(e->tid));
		SET("comm", jcomm(e->comm, sizeof(e->comm)));
		SET("op", jname(rec_mm_op_name(e->op), e->op));
		SET("ts_ns", ju64(e->ts_ns));
		SET("dur_ns", ju64(e->dur_ns));
		SET("addr", jhex(e->addr));
		SET("len", ju64(e->len));
		SET("arg", jhex(e->arg));
		SET("ret", json_integer(e->ret));
		break;
	}
	case MMR_EV_LOCK_OP: {
		const struct mmr_lock_op_event *e = &it->u.lock_op;

		SET("pid", json_integer(e->pid));
		SET("tid", json_integer(e->tid));
		SET("write", json_boolean(e->write));
		SET("success", json_boolean(e->success));
		SET("remote", json_boolean(e->remote));
		SET("downgrade", json_integer(e->downgrade));	/* 0, or how it was */
		SET("t_start", ju64(e->t_start));
		SET("t_acq", ju64(e->t_acq));
		SET("t_rel", ju64(e->t_rel));
		SET("mm", jhex(e->mm));
		break;
	}
	case MMR_EV_LOCK_LONG: {
		const struct mmr_lock_event *e = &it->u.lock_long;

		SET("kind", e->kind == MMR_LOCK_EV_WAIT ? json_string("wait") :
		    e->kind == MMR_LOCK_EV_HOLD ? json_string("hold") : json_integer(e->kind));
		SET("pid", json_integer(e->pid));
		SET("tid", json_integer(e->tid));
		SET("comm", jcomm(e->comm, sizeof(e->comm)));
		SET("write", json_boolean(e->write));
		SET("remote", json_boolean(e->remote));
		SET("in_fault", json_boolean(e->in_fault));
		SET("success", json_boolean(e->success));
		SET("ts_ns", ju64(e->ts_ns));
		SET("dur_ns", ju64(e->dur_ns));
		SET("mm", jhex(e->mm));
		SET("fault", json_integer(e->fault));
		SET("fault_addr", jhex(e->fault_addr));
		SET("blocking", json_boolean(e->blocking));
		/* nkstack past MMR_STACK_FRAMES (a damaged file): the frames there are */
		SET("kstack", jstack(e->kstack, e->nkstack));
		SET("ustack", jstack(e->ustack, e->nustack));
		break;
	}
	case MMR_EV_CHAIN: {
		const struct mmr_chain_event *e = &it->u.chain;

		SET("kind", jname(av_chain_kind_name(e->kind), e->kind));
		SET("pid", json_integer(e->pid));
		SET("tid", json_integer(e->tid));
		SET("comm", jcomm(e->comm, sizeof(e->comm)));
		SET("length", json_integer(e->length));
		SET("reused", json_boolean(e->reused));
		SET("truncated", json_boolean(e->truncated));
		SET("ts_ns", ju64(e->ts_ns));
		SET("vm_start", jhex(e->vm_start));
		SET("vm_end", jhex(e->vm_end));
		SET("anon_vma", jhex(e->anon_vma));
		SET("root", jhex(e->root));
		SET("num_children", ju64(e->num_children));
		SET("num_active_vmas", ju64(e->num_active_vmas));
		break;
	}
	case MMR_EV_WALK: {
		const struct mmr_walk_event *e = &it->u.walk;

		SET("pid", json_integer(e->pid));
		SET("tid", json_integer(e->tid));
		SET("comm", jcomm(e->comm, sizeof(e->comm)));
		SET("owner", json_integer(e->owner));
		SET("owner_comm", jcomm(e->owner_comm, sizeof(e->owner_comm)));
		SET("vmas", json_integer(e->vmas));
		SET("mapped", json_integer(e->mapped));
		SET("locked", json_boolean(e->locked));
		SET("contended", json_boolean(e->contended));
		SET("rmap_one", jhex(e->rmap_one));
		SET("ts_ns", ju64(e->ts_ns));
		SET("dur_ns", ju64(e->dur_ns));
		SET("lock_wait_ns", ju64(e->lock_wait_ns));
		SET("anon_vma", jhex(e->anon_vma));
		SET("root", jhex(e->root));
		SET("vm_start", jhex(e->vm_start));
		SET("vm_end", jhex(e->vm_end));
		break;
	}
	case REC_TASK:
		SET("pid", json_integer(it->u.task.pid));
		SET("tid", json_integer(it->u.task.tid));
		SET("comm", jcomm(it->u.task.comm, sizeof(it->u.task.comm)));
		break;
	case REC_LOST:
		SET("ts_ns", ju64(it->u.lost.ts_ns));
		SET("faults", ju64(it->u.lost.faults));
		SET("lock", ju64(it->u.lost.lock));
		SET("anon", ju64(it->u.lost.anon));
		break;
	case REC_REPORT: {
		/* the report itself if it is JSON; else its text (if UTF-8) */
		json_t *rep = it->text ? json_loadb(it->text, it->text_len, 0, NULL) : NULL;
		json_t *text = !rep && it->text ? json_stringn(it->text, it->text_len) : NULL;

		SET("bytes", json_integer((json_int_t)it->text_len));
		if (rep)
			SET("report", rep);
		else
			SET("text", text ? text : json_null());	/* NULL: not UTF-8 */
		break;
	}
	default:
		break;
	}
	return o;
}
