/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fuzz_common.h: what the two libFuzzer targets (fuzz_baseline.c,
 * fuzz_report.c) share: fixed reports and a fixed baseline to evaluate
 * against, and the contract checks (user/gate/baseline.h) each input must
 * satisfy beyond not crashing.
 *
 * FUZZ_CONTRACT (default 1): 0 checks memory safety only (ASan, UBSan);
 * 1 also aborts when a documented invariant breaks (an error without a
 * message, a limit without a metric, lo > hi, a verdict out of range);
 * 2 also requires that a baseline `baseline_record()` writes parses back
 * and passes the report it was recorded from (stricter than the header
 * promises for absurd reports, e.g. negative counts: off by default).
 */
#ifndef MMRETRY_FUZZ_COMMON_H
#define MMRETRY_FUZZ_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate/baseline.h"

#ifndef FUZZ_CONTRACT
#define FUZZ_CONTRACT 1
#endif

#define FUZZ_ERRLEN 256

#define fuzz_require(cond, ...)                                                   \
	do {                                                                      \
		if (FUZZ_CONTRACT >= 1 && !(cond)) {                              \
			fprintf(stderr, "fuzz contract: %s:%d: %s: ", __FILE__,     \
				__LINE__, #cond);                                 \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			abort();                                                  \
		}                                                                 \
	} while (0)

/* A report of every mode's figures: anon_vma traced, some figures null. */
static const char fuzz_report_full[] =
	"{\"schema\":\"mmretry.stat/1\",\"mmretry_version\":\"fuzz\",\"kernel\":\"6.12.0\","
	"\"modes\":{\"faults\":\"fentry\",\"mmap_lock\":\"tracepoint\",\"anon_vma\":\"fentry\"},"
	"\"target\":{\"kind\":\"command\",\"argv\":[\"tools/mmretry-gen\",\"mix\"],\"exit_status\":0},"
	"\"duration_s\":0.5,"
	"\"faults\":{\"attempts\":2000,\"faults\":1600,\"retries\":391,\"completed\":256,"
	"\"major\":300,\"errors\":0,\"vma_lock_attempts\":1900,\"mmap_lock_attempts\":100,"
	"\"abandoned\":null,\"retry_reasons\":{\"file_io\":256,\"page_lock\":3,\"swap\":0,"
	"\"userfaultfd\":64,\"shmem\":0,\"anon_vma\":null,\"vma_fallback\":8,\"other\":60,"
	"\"unattributed\":0},\"inferred\":[]},"
	"\"lost_events\":0,\"missed_runs\":2,\"retry_events\":391,\"processes\":[],"
	"\"mmap_lock\":{\"read\":{\"acquisitions\":68,\"holds\":74,\"trylock_failures\":0,\"remote\":4,"
	"\"wait_ns\":{\"count\":68,\"sum\":182793,\"p50\":511,\"p99\":33880,\"max\":33880,"
	"\"buckets\":[{\"le\":511,\"count\":60},{\"le\":65535,\"count\":8}]},"
	"\"hold_ns\":{\"count\":0,\"sum\":0,\"p50\":null,\"p99\":null,\"max\":null,\"buckets\":[]}},"
	"\"write\":{\"acquisitions\":47,\"holds\":47,\"trylock_failures\":1,\"remote\":2,\"downgrades\":6,"
	"\"wait_ns\":{\"count\":47,\"sum\":1000000,\"p50\":4095,\"p99\":2097151,\"max\":2000000,\"buckets\":[]},"
	"\"hold_ns\":{\"count\":47,\"sum\":9000000,\"p50\":65535,\"p99\":1048575,\"max\":1000000,\"buckets\":[]}},"
	"\"processes\":[],\"min_hold_ns\":1000000,\"long\":[],\"long_lost\":0,\"missed_runs\":0},"
	"\"anon_vma\":{\"chain_length\":{\"count\":218,\"sum\":11043,\"p50\":3,\"p99\":1024,\"max\":1024,\"buckets\":[]},"
	"\"rmap_walk_vmas\":{\"count\":1052,\"sum\":35952,\"p50\":7,\"p99\":600,\"max\":600,\"buckets\":[]},"
	"\"rmap_walk_mapped\":{\"count\":1052,\"sum\":1052,\"p50\":1,\"p99\":1,\"max\":1,\"buckets\":[]},"
	"\"rmap_walk_ns\":{\"count\":1052,\"sum\":31485600,\"p50\":2047,\"p99\":262143,\"max\":2000000,\"buckets\":[]},"
	"\"rmap_lock_wait_ns\":{\"count\":0,\"sum\":0,\"p50\":null,\"p99\":null,\"max\":null,\"buckets\":[]},"
	"\"chain_events\":{\"fork\":40,\"clone\":25,\"prepare\":153},\"reused\":30,\"truncated\":1,"
	"\"walks\":1052,\"walkers\":[],\"processes\":[],\"min_chain\":8,\"min_fanout\":32,"
	"\"chains\":[],\"walk_events\":[],\"lost\":0,\"missed_runs\":0},"
	"\"cgroups\":{\"depth\":1,\"max_cgroups\":2,\"folded\":3,\"rows\":["
	"{\"cgroup\":\"/svc-a\",\"id\":41,\"attempts\":900,\"faults\":700,\"retries\":256,"
	"\"completed\":0,\"major\":256,\"vma_lock_attempts\":880,\"mmap_lock_attempts\":20,"
	"\"retry_reasons\":{\"file_io\":256,\"page_lock\":0,\"swap\":0,\"userfaultfd\":0,"
	"\"shmem\":0,\"anon_vma\":null,\"vma_fallback\":0,\"other\":0,\"unattributed\":0},"
	"\"fault_ns\":{\"count\":700,\"sum\":9000000,\"p50\":2047,\"p99\":1048575,\"max\":900000,"
	"\"buckets\":[{\"le\":2047,\"count\":444},{\"le\":1048575,\"count\":256}]}},"
	"{\"cgroup\":null,\"id\":42,\"attempts\":1,\"faults\":1,\"retries\":0,\"completed\":0,"
	"\"major\":0,\"vma_lock_attempts\":1,\"mmap_lock_attempts\":0,\"retry_reasons\":{},"
	"\"fault_ns\":null},"
	"{\"cgroup\":\"other\",\"id\":null,\"attempts\":1099,\"faults\":899,\"retries\":135,"
	"\"completed\":256,\"major\":44,\"vma_lock_attempts\":1019,\"mmap_lock_attempts\":80,"
	"\"retry_reasons\":{\"file_io\":0,\"page_lock\":3},\"fault_ns\":null}]},"
	"\"notes\":[]}";

/* Tracepoint mode: anon_vma null, no faults at all (retries_per_fault 0/0). */
static const char fuzz_report_sparse[] =
	"{\"schema\":\"mmretry.stat/1\",\"modes\":{\"faults\":\"tracepoint\",\"mmap_lock\":null,"
	"\"anon_vma\":null},\"duration_s\":0,"
	"\"faults\":{\"attempts\":0,\"faults\":0,\"retries\":0,\"completed\":null,\"major\":0,"
	"\"errors\":null,\"vma_lock_attempts\":0,\"mmap_lock_attempts\":0,\"abandoned\":null,"
	"\"retry_reasons\":{\"file_io\":0,\"page_lock\":0,\"swap\":null,\"userfaultfd\":null,"
	"\"shmem\":null,\"anon_vma\":null,\"vma_fallback\":null,\"other\":null,\"unattributed\":0},"
	"\"inferred\":[\"attempts\"]},\"lost_events\":0,\"missed_runs\":0,\"retry_events\":0,"
	"\"processes\":[],\"mmap_lock\":null,\"anon_vma\":null,\"notes\":[\"fuzz\"]}";

/* The baseline of the documentation, every shape of a limit. */
static const char fuzz_baseline_doc[] =
	"# comments allowed\n"
	"mmretry_baseline: 1\n"
	"recorded: {kernel: 6.18.44, mode: tracepoint, command: [tools/mmretry-gen, mapping]}\n"
	"metrics:\n"
	"  faults.faults: {value: 65536, tolerance: 10%}\n"
	"  faults.retries: {value: 2048, max: 2562}\n"
	"  retries_per_fault: {value: 0.03125, max: 0.04}\n"
	"  faults.retry_reasons.page_lock: {value: 0, max: 2}\n"
	"  faults.completed: {min: 1000}\n"
	"  lost_events: 0\n"
	"  mmap_lock.write.hold_ns.p99: {value: 1048575, max: 2ms}\n"
	"  mmap_lock.read.wait_ns.max: {max: \"3 ms\"}\n"
	"  anon_vma.chain_length.max: {value: 5, max: 10}\n";

static inline json_t *fuzz_fixed_report(const char *text, const char *name)
{
	char err[FUZZ_ERRLEN];
	json_t *j = NULL;

	if (report_parse(text, strlen(text), name, &j, err, sizeof(err)) || !j) {
		fprintf(stderr, "fuzz: the fixed report %s does not parse: %s\n", name, err);
		abort();
	}
	return j;
}

/* An error message: present, NUL-terminated within errlen, one line. */
static inline void fuzz_check_err(const char *err, size_t errlen)
{
	size_t n = strnlen(err, errlen);

	fuzz_require(n < errlen, "error message not NUL-terminated");
	fuzz_require(n > 0, "failure without a message");
	fuzz_require(!strchr(err, '\n'), "error message has a newline: \"%s\"", err);
}

static inline void fuzz_check_baseline(const struct baseline *b)
{
	fuzz_require(b->version == BASELINE_VERSION, "version %d", b->version);
	fuzz_require(b->n == 0 || b->limits, "%zu limits, no array", b->n);
	for (size_t i = 0; i < b->n; i++) {
		const struct limit *l = &b->limits[i];
		double lo, hi;

		fuzz_require(l->m != NULL, "limit %zu has no metric", i);
		fuzz_require((l->cgroup ? cgroup_metric_find(l->m->name) : metric_find(l->m->name)) == l->m,
			     "limit %zu: metric not in the catalogue", i);
		fuzz_require(!l->cgroup || cgroup_name_ok(l->cgroup), "limit %zu: cgroup '%s'", i,
			     l->cgroup);
		fuzz_require(l->line >= 1, "limit %s: line %d", l->m->name, l->line);
		limit_bounds(l, &lo, &hi);
		fuzz_require(!isnan(lo) && !isnan(hi), "limit %s (line %d): bounds %g..%g",
			     l->m->name, l->line, lo, hi);
		fuzz_require(lo <= hi, "limit %s (line %d) admits nothing: %g..%g", l->m->name,
			     l->line, lo, hi);
	}
}

/* Evaluate b against report; rows sized exactly, for ASan. */
static inline enum verdict fuzz_check(const struct baseline *b, const json_t *report)
{
	struct check_row *rows = calloc(b->n ? b->n : 1, sizeof(*rows));
	enum verdict v, worst = VERDICT_PASS;

	if (!rows)
		abort();
	v = baseline_check(b, report, rows);
	for (size_t i = 0; i < b->n; i++) {
		fuzz_require(rows[i].l == &b->limits[i], "row %zu is not limit %zu", i, i);
		fuzz_require(rows[i].verdict == VERDICT_PASS || rows[i].verdict == VERDICT_FAIL ||
				     rows[i].verdict == VERDICT_UNAVAILABLE,
			     "row %zu: verdict %d", i, (int)rows[i].verdict);
		if (rows[i].verdict == VERDICT_FAIL)
			worst = VERDICT_FAIL;
		else if (rows[i].verdict == VERDICT_UNAVAILABLE && worst != VERDICT_FAIL)
			worst = VERDICT_UNAVAILABLE;
	}
	fuzz_require(v == worst, "baseline_check returned %d, rows say %d", (int)v, (int)worst);
	free(rows);
	return v;
}

#endif
