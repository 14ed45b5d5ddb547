// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: the recording reader (user/record/recfile.c) on arbitrary
 * bytes: rec_open_mem(), then rec_next() to the end or an error, each
 * record printed as dump prints it (text and JSON: the enums reach the name
 * tables). Contract: an error is one line "fuzz: offset N: ..." with N
 * within the input; records come in order, within the input; a report's
 * text is as long as it says; a clean recording read to its end has the
 * records its header counts. FUZZ_CONTRACT 2 also writes what was read
 * back with the writer and requires the same records from that file.
 * `make fuzz` runs it (tests/fuzz/fuzz.mk).
 */
#include <inttypes.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "record/recfile.h"

static FILE *devnull;
static char tmp[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	snprintf(tmp, sizeof(tmp), "/dev/shm/fuzz_record.%d.mmr", (int)getpid());
	return 0;
}

/* "fuzz: offset N: what", N <= size */
static void check_err(const char *err, size_t size)
{
	unsigned long long off;
	int n = 0;

	fuzz_check_err(err, FUZZ_ERRLEN);
	fuzz_require(sscanf(err, "fuzz: offset %llu: %n", &off, &n) == 1 && n > 0,
		     "error not \"fuzz: offset N: ...\": \"%s\"", err);
	fuzz_require(off <= size, "offset %llu past the input (%zu bytes): \"%s\"", off, size,
		     err);
	fuzz_require(err[n] != '\0', "error without a what: \"%s\"", err);
}

static void print(const struct rec_item *it, uint64_t start)
{
	json_t *j = rec_item_json(it);

	fuzz_require(j != NULL, "rec_item_json returned NULL");
	json_dumpf(j, devnull, JSON_COMPACT);
	json_decref(j);
	rec_item_text(devnull, it, start);
}

#if FUZZ_CONTRACT >= 2
#define KEEP 64	/* records compared after a round trip */

struct kept {
	struct rec_item it;
	char *text;
};

/* Write the records read back with the writer; the reader must give them
 * again. */
static void round_trip(struct rec_reader *r, const struct kept *k, size_t n)
{
	const struct rec_header *h = rec_header(r);
	char err[FUZZ_ERRLEN];
	struct rec_writer *w;
	struct rec_reader *r2;
	struct rec_item it;
	size_t i;

	w = rec_create(tmp, h->start_ns, h->start_realtime_ns, rec_meta(r), err, sizeof(err));
	fuzz_require(w != NULL, "rec_create: %s", err);
	for (i = 0; i < n; i++) {
		const void *p = k[i].it.type == REC_REPORT ? (const void *)k[i].text :
			(const void *)&k[i].it.u;
		size_t len = k[i].it.type == REC_REPORT ? k[i].it.text_len : 0;
		int ret;

		if (k[i].it.type != REC_REPORT) {
			/* the union's member for the type: its size is the record's */
			static const size_t sizes[REC_NR_TYPES] = {
				[MMR_EV_RETRY] = sizeof(struct mmr_retry_event),
				[MMR_EV_ATTEMPT] = sizeof(struct mmr_attempt_event),
				[MMR_EV_MM] = sizeof(struct mmr_mm_event),
				[MMR_EV_LOCK_OP] = sizeof(struct mmr_lock_op_event),
				[MMR_EV_LOCK_LONG] = sizeof(struct mmr_lock_event),
				[MMR_EV_CHAIN] = sizeof(struct mmr_chain_event),
				[MMR_EV_WALK] = sizeof(struct mmr_walk_event),
				[REC_TASK] = sizeof(struct rec_task),
				[REC_LOST] = sizeof(struct rec_lost),
			};
			len = sizes[k[i].it.type];
		}
		ret = rec_write(w, k[i].it.type, p, len);
		fuzz_require(ret == 0, "rec_write of a record read: %d", ret);
	}
	fuzz_require(rec_close(w, h->lost, h->end_ns, true) == 0, "rec_close failed");

	r2 = rec_open(tmp, err, sizeof(err));
	fuzz_require(r2 != NULL, "a recording written does not open: %s", err);
	fuzz_require(!strcmp(rec_meta(r2), rec_meta(r)), "metadata changed");
	fuzz_require(rec_header(r2)->start_ns == h->start_ns, "start_ns changed");
	for (i = 0; i < n; i++) {
		int ret = rec_next(r2, &it, err, sizeof(err));

		fuzz_require(ret == 1, "record %zu of a recording written: %d %s", i, ret, err);
		fuzz_require(it.type == k[i].it.type, "record %zu: type %d, was %d", i, it.type,
			     k[i].it.type);
		if (it.type == REC_REPORT)
			fuzz_require(it.text_len == k[i].it.text_len &&
				     !memcmp(it.text, k[i].text, it.text_len),
				     "record %zu: report text changed", i);
		else
			fuzz_require(!memcmp(&it.u, &k[i].it.u, sizeof(it.u)),
				     "record %zu: fields changed", i);
	}
	fuzz_require(rec_next(r2, &it, err, sizeof(err)) == 0, "more records written than read");
	rec_close_reader(r2);
	unlink(tmp);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[FUZZ_ERRLEN];
	struct rec_reader *r;
	struct rec_item it;
	uint64_t last = 0, n = 0;
	int ret;
#if FUZZ_CONTRACT >= 2
	struct kept kept[KEEP];
	size_t nkept = 0;
#endif

	memset(err, 0, sizeof(err));
	/* data is exactly size bytes: ASan sees any over-read */
	r = rec_open_mem(data, size, "fuzz", err, sizeof(err));
	if (!r) {
		check_err(err, size);
		return 0;
	}
	fuzz_require(rec_meta(r) != NULL, "no metadata");
	/* every version up to ours is read (1 in version 2's terms) */
	fuzz_require(rec_header(r)->version >= 1 && rec_header(r)->version <= REC_VERSION,
		     "version %" PRIu32, rec_header(r)->version);
	rec_header_text(devnull, r);
	json_decref(rec_header_json(r));
	while ((ret = rec_next(r, &it, err, sizeof(err))) > 0) {
		fuzz_require(ret == 1, "rec_next returned %d", ret);
		fuzz_require(rec_type_name(it.type) != NULL, "type %d has no name", it.type);
		fuzz_require(it.offset >= REC_HEADER_LEN && it.offset + 8 <= size,
			     "record at offset %" PRIu64 ", input %zu bytes", it.offset, size);
		fuzz_require(it.offset >= last, "record at %" PRIu64 " after %" PRIu64,
			     it.offset, last);
		last = it.offset + 8;
		if (it.type == REC_REPORT) {
			fuzz_require(it.text && strlen(it.text) == it.text_len,
				     "report: %zu bytes said", it.text_len);
			fuzz_require(it.offset + 8 + it.text_len <= size, "report past the input");
		}
		print(&it, rec_header(r)->start_ns);
		n++;
#if FUZZ_CONTRACT >= 2
		if (nkept < KEEP) {
			kept[nkept].it = it;
			kept[nkept].text = it.type == REC_REPORT ? strdup(it.text) : NULL;
			if (it.type == REC_REPORT && !kept[nkept].text)
				abort();
			nkept++;
		}
#endif
	}
	if (ret < 0) {
		check_err(err, size);
		/* and it stays */
		fuzz_require(rec_next(r, &it, err, sizeof(err)) == -1, "an error went away");
	} else {
		fuzz_require(rec_next(r, &it, err, sizeof(err)) == 0, "more after the end");
		if (rec_header(r)->flags & REC_F_CLEAN)
			fuzz_require(!rec_truncated(r) &&
				     n + rec_skipped(r) == rec_header(r)->records,
				     "a clean recording read: %" PRIu64 " + %" PRIu64
				     " skipped records, its header says %" PRIu64, n,
				     rec_skipped(r), rec_header(r)->records);
	}
#if FUZZ_CONTRACT >= 2
	round_trip(r, kept, nkept);
	for (size_t i = 0; i < nkept; i++)
		free(kept[i].text);
#endif
	rec_close_reader(r);
	return 0;
}
