// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: report_parse() on arbitrary bytes, then everything
 * that walks a report: report_compare() (with itself and with a fixed
 * report), baseline_record() and baseline_check() of a fixed baseline.
 * `make fuzz` runs it (tests/fuzz/fuzz.mk).
 */
#include "fuzz_common.h"

static json_t *report_full;
static struct baseline doc_baseline;
static struct compare_row *rows;
static size_t nmetrics;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[FUZZ_ERRLEN];

	report_full = fuzz_fixed_report(fuzz_report_full, "fuzz_report_full");
	if (baseline_parse(fuzz_baseline_doc, strlen(fuzz_baseline_doc), "fuzz_baseline_doc",
			   &doc_baseline, err, sizeof(err))) {
		fprintf(stderr, "fuzz: the fixed baseline does not parse: %s\n", err);
		abort();
	}
	nmetrics = metric_count();
	rows = calloc(nmetrics ? nmetrics : 1, sizeof(*rows));
	devnull = fopen("/dev/null", "w");
	if (!rows || !devnull)
		abort();
	return 0;
}

static void compare(const json_t *a, const json_t *b)
{
	size_t n = report_compare(a, b, rows);

	fuzz_require(n <= nmetrics, "report_compare filled %zu of %zu rows", n, nmetrics);
	for (size_t i = 0; i < n; i++) {
		fuzz_require(rows[i].m != NULL, "compare row %zu has no metric", i);
		fuzz_require(rows[i].a_ok || rows[i].b_ok, "compare row %s: in neither",
			     rows[i].m->name);
		if (rows[i].a_ok && rows[i].b_ok)
			(void)relative_change(rows[i].a, rows[i].b);
	}
}

#if FUZZ_CONTRACT >= 2
/* What baseline_record() writes must parse back, and pass its own report. */
static void record_roundtrip(const json_t *j)
{
	char *buf = NULL, err[FUZZ_ERRLEN];
	size_t len = 0;
	struct baseline b = { 0 };
	FILE *f = open_memstream(&buf, &len);
	int n;

	if (!f)
		abort();
	n = baseline_record(f, j, NULL, 0);
	fclose(f);
	/* nothing available: nothing to parse back (a baseline needs a metric) */
	if (n > 0) {
		if (baseline_parse(buf, len, "recorded", &b, err, sizeof(err))) {
			fprintf(stderr, "fuzz contract: a recorded baseline does not parse: %s\n"
					"--- recorded ---\n%s--- end ---\n", err, buf);
			abort();
		}
		fuzz_require(b.n == (size_t)n, "recorded %d metrics, parsed %zu", n, b.n);
		if (fuzz_check(&b, j) == VERDICT_FAIL) {
			fprintf(stderr, "fuzz contract: a recorded baseline fails its own report\n"
					"--- recorded ---\n%s--- end ---\n", buf);
			abort();
		}
		baseline_free(&b);
	}
	free(buf);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = NULL;
	char err[FUZZ_ERRLEN], skipped[48];
	int n;

	memset(err, 0, sizeof(err));
	memset(skipped, 'X', sizeof(skipped));
	skipped[0] = '\0';
	/* data is exactly size bytes, not NUL-terminated: ASan sees any over-read */
	if (report_parse((const char *)data, size, "fuzz", &j, err, sizeof(err))) {
		fuzz_check_err(err, sizeof(err));
		return 0;
	}
	fuzz_require(j != NULL, "report_parse returned 0 and no report");

	compare(j, j);
	compare(j, report_full);
	compare(report_full, j);

	/* a small skipped buffer: the truncation path too */
	n = baseline_record(devnull, j, skipped, sizeof(skipped));
	fuzz_require(n < 0 || (size_t)n <= nmetrics, "baseline_record wrote %d metrics", n);
	if (n >= 0)
		fuzz_require(strnlen(skipped, sizeof(skipped)) < sizeof(skipped),
			     "skipped list not NUL-terminated");
	n = baseline_record(devnull, j, NULL, 0);
	fuzz_require(n < 0 || (size_t)n <= nmetrics, "baseline_record wrote %d metrics", n);
#if FUZZ_CONTRACT >= 2
	record_roundtrip(j);
#endif

	fuzz_check(&doc_baseline, j);
	json_decref(j);
	return 0;
}
