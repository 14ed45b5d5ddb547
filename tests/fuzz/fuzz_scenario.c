// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: model_spec_parse() on arbitrary bytes (scenario files,
 * docs/model.md); a scenario that parses and is small enough is run under
 * every policy, which must finish without a thread left waiting.
 * `make fuzz` runs it (tests/fuzz/fuzz.mk).
 */
#include "fuzz_common.h"
#include "model/model.h"

/* total faults and rounds a run may simulate here: a fuzzed scenario can
 * ask for 2^24 faults in each of 256 threads */
#define FUZZ_MAX_WORK 20000

static uint64_t work(const struct model_spec *s)
{
	uint64_t w = 0;

	for (int i = 0; i < s->nthreads; i++)
		w += (s->threads[i].program == PROG_MAPPER ? 1 : s->threads[i].n) * s->threads[i].count;
	for (int i = 0; i < s->nvmas; i++)
		w += s->vmas[i].pages / 64;	/* page bitmaps and the file */
	return w;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_spec spec;
	struct model_result res;
	char err[FUZZ_ERRLEN];

	memset(err, 0, sizeof(err));
	if (model_spec_parse((const char *)data, size, "fuzz", &spec, err, sizeof(err))) {
		fuzz_check_err(err, sizeof(err));
		return 0;
	}
	fuzz_require(spec.nvmas >= 1 && spec.nvmas <= SPEC_MAX_VMAS, "%d vmas", spec.nvmas);
	fuzz_require(spec.nthreads >= 1 && spec.nthreads <= SPEC_MAX_THREADS, "%d threads",
		     spec.nthreads);
	if (work(&spec) > FUZZ_MAX_WORK)
		return 0;
	for (int p = 0; p < MODEL_NR_POLICIES; p++) {
		int ret = model_spec_run(&spec, p, 1, 1, &res);

		fuzz_require(ret == 0, "run under %s: %d", model_policy_info(p)->name, ret);
		fuzz_require(res.faults.faults + res.faults.errors >= 1, "no fault ended");
	}
	return 0;
}
