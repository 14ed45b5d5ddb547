/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * recfile.h: recordings (`mmretry record`, read by `report`, `dump` and
 * `model replay`): a versioned binary file of the events mmretry streams,
 * written incrementally. docs/record.md is the format's reference.
 *
 * Everything in the file is little-endian, whatever the machine that wrote
 * it or reads it: the writer encodes and the reader decodes field by field.
 *
 *   header (REC_HEADER_LEN bytes)
 *     0  magic "MMRREC\r\n"
 *     8  u32 version (REC_VERSION)
 *    12  u32 header length (64)
 *    16  u64 start_ns: CLOCK_MONOTONIC at the start, the events' clock
 *    24  u64 start_realtime_ns: CLOCK_REALTIME at the same moment
 *    32  u64 records written (brought up to date at each flush)
 *    40  u64 events lost: ring buffers full (idem)
 *    48  u64 end_ns: CLOCK_MONOTONIC at a clean end; 0 while recording
 *    56  u32 meta_len: bytes of the JSON metadata that follows
 *    60  u32 flags: REC_F_CLEAN once ended cleanly
 *   metadata: meta_len bytes of JSON (kernel, modes, clock, command...)
 *   records, each: u16 type, u16 0, u32 len, then len bytes
 */
#ifndef MMRETRY_RECFILE_H
#define MMRETRY_RECFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "bpf/faults.h"
#include "bpf/mmap_lock.h"
#include "bpf/anon_vma.h"
#include "bpf/record.h"

#define REC_MAGIC "MMRREC\r\n"
/* 2: an event's payload begins with its record type (bpf/events.h), and a
 * lock_long's hold or wait is its kind byte; in 1 the first u32 was the
 * ring's own tag (a lock_long's kind). This reads both. */
#define REC_VERSION 2
#define REC_HEADER_LEN 64
#define REC_F_CLEAN 1u
#define REC_MAX_LEN (1u << 20)	/* a record's payload: at most 1 MiB */

/* A record's type (a u32 in the API): an event's own (enum mmr_event_type, bpf/events.h:
 * MMR_EV_RETRY ... MMR_EV_WALK, 1 to 7), or one of the recording's own. */
enum rec_type {
	REC_TASK = MMR_NR_EVENT_TYPES,	/* 8, struct rec_task: a thread's name, when first seen */
	REC_LOST = 9,		/* struct rec_lost: events lost so far, at each flush */
	REC_REPORT = 10,	/* JSON text: the report stat printed at the end */
	REC_NR_TYPES,
};

struct rec_task {
	uint32_t pid, tid;
	char comm[16];
};

struct rec_lost {
	uint64_t ts_ns;
	uint64_t faults, lock, anon;	/* cumulative, per tracer */
};

struct rec_header {
	uint32_t version;
	uint64_t start_ns, start_realtime_ns;
	uint64_t records, lost;
	uint64_t end_ns;
	uint32_t flags;
};

/* One record, decoded into the machine's own structs. */
struct rec_item {
	uint32_t type;
	uint64_t offset;		/* of the record's header in the file */
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
	} u;
	const char *text;		/* REC_REPORT: NUL-terminated, valid until the next read */
	size_t text_len;
};

/* ---- writing ---- */

struct rec_writer;

/*
 * Create path (truncating it) and write the header and metadata (meta: a
 * JSON object's text). NULL with one line in err on failure.
 */
struct rec_writer *rec_create(const char *path, uint64_t start_ns, uint64_t start_realtime_ns,
			      const char *meta, char *err, size_t errlen);
/* Append a record (buffered). REC_REPORT takes text of len bytes; the
 * others their struct, len its size. 0 or -errno. */
int rec_write(struct rec_writer *w, uint32_t type, const void *payload, size_t len);
/* Write out what is buffered and bring the header's records and lost up
 * to date (call it every second: a crash loses at most what came since).
 * 0 or -errno. */
int rec_flush(struct rec_writer *w, uint64_t lost);
/* Flush, mark the end (end_ns, REC_F_CLEAN if clean), close. 0 or -errno;
 * w is freed either way. */
int rec_close(struct rec_writer *w, uint64_t lost, uint64_t end_ns, bool clean);

/* ---- reading ---- */

struct rec_reader;

/*
 * Open a recording: its header and metadata are checked (magic, version,
 * lengths, JSON). NULL with one line in err, "PATH: offset N: what", on
 * failure. rec_open_mem reads len bytes at buf (not copied: keep them).
 */
struct rec_reader *rec_open(const char *path, char *err, size_t errlen);
struct rec_reader *rec_open_mem(const void *buf, size_t len, const char *name, char *err,
				size_t errlen);
const struct rec_header *rec_header(const struct rec_reader *r);
const char *rec_meta(const struct rec_reader *r);	/* the metadata's JSON text */
/*
 * The next record: 1 and *it, 0 at the end, -1 with "NAME: offset N: what"
 * in err (a record whose length is not its type's, a length past
 * REC_MAX_LEN, a reserved field not 0). A record cut short by the end of
 * the file is an error in a recording that ended cleanly; in one that did
 * not (its writer crashed or was killed), the end: rec_truncated() says so.
 * Records of types this version does not know are skipped (rec_skipped()).
 */
int rec_next(struct rec_reader *r, struct rec_item *it, char *err, size_t errlen);
bool rec_truncated(const struct rec_reader *r);
uint64_t rec_skipped(const struct rec_reader *r);
void rec_close_reader(struct rec_reader *r);

/* "retry", "attempt", ...; NULL if out of range */
const char *rec_type_name(uint32_t t);

/* ---- printing (`mmretry dump`; here so the fuzzer covers it too) ---- */

/* mmap, munmap, ... (enum mmr_mm_op); NULL if out of range */
const char *rec_mm_op_name(uint32_t op);

/*
 * One line for the header ("# mmretry recording ...") or a record
 * ("12.345678 retry pid 123 ..."), times in seconds after the header's
 * start_ns, each ending with "\n". Bytes of comm that are not printable
 * ASCII print as '?'.
 */
void rec_header_text(FILE *out, const struct rec_reader *r);
void rec_item_text(FILE *out, const struct rec_item *it, uint64_t start_ns);
/*
 * The header ("type": "header", its fields, "meta") or a record ("type",
 * "offset", its fields by name; enums by name when known, else their
 * number; addresses and kernel ids as "0x..." strings) as a JSON object;
 * NULL if out of memory.
 */
json_t *rec_header_json(const struct rec_reader *r);
json_t *rec_item_json(const struct rec_item *it);

#endif
