// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: baseline_parse() on arbitrary bytes (YAML or JSON
 * baselines), then limit_bounds() and baseline_check() of what parses
 * against two fixed reports. `make fuzz` runs it (tests/fuzz/fuzz.mk).
 */
#include "fuzz_common.h"

static json_t *report_full, *report_sparse;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	report_full = fuzz_fixed_report(fuzz_report_full, "fuzz_report_full");
	report_sparse = fuzz_fixed_report(fuzz_report_sparse, "fuzz_report_sparse");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct baseline b;
	char err[FUZZ_ERRLEN];

	memset(&b, 0, sizeof(b));
	memset(err, 0, sizeof(err));
	/* data is exactly size bytes, not NUL-terminated: ASan sees any over-read */
	if (baseline_parse((const char *)data, size, "fuzz", &b, err, sizeof(err))) {
		fuzz_check_err(err, sizeof(err));
		return 0;
	}
	fuzz_check_baseline(&b);
	fuzz_check(&b, report_full);
	fuzz_check(&b, report_sparse);
	baseline_free(&b);
	return 0;
}
