// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer target: a recording replayed through the model (`mmretry model
 * replay`): rec_open_mem(), replay_load_reader() (the workload: threads,
 * actions, VMAs laid out from the faults), then model_replay() under two
 * eras. Contract: a workload the loader accepts replays to its end or
 * refuses with an error (-E2BIG, -EINVAL, -ENOMEM), never a thread that
 * never wakes (-EDEADLK); the replay makes as many faults as the workload
 * has, each ended once (faults + SIGSEGVs before handle_mm_fault).
 * `make fuzz FUZZ_TARGETS=replay` runs it (tests/fuzz/fuzz.mk).
 */
#include <errno.h>

#include "fuzz_common.h"
#include "record/recfile.h"
#include "record/replay_load.h"


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum model_policy eras[] = { POLICY_PER_VMA, POLICY_LEGACY };
	struct model_workload w;
	struct replay_info info;
	struct model_result r;
	struct rec_reader *rd;
	char err[FUZZ_ERRLEN];
	size_t i, k, nfaults = 0, nacts = 0;
	int ret;

	rd = rec_open_mem(data, size, "fuzz", err, sizeof(err));
	if (!rd)
		return 0;
	ret = replay_load_reader(rd, "fuzz", 0, &w, &info);
	rec_close_reader(rd);
	if (ret)
		return 0;
	for (i = 0; i < w.nthreads; i++)
		for (k = 0; k < w.threads[i].nacts; k++) {
			nacts++;
			nfaults += w.threads[i].acts[k].kind == WL_FAULT;
		}
	if (nacts > 20000) {	/* keep each input quick */
		replay_free(&w);
		return 0;
	}
	for (i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		ret = model_replay(&w, eras[i], &r);
		fuzz_require(ret != -EDEADLK, "a replayed thread never woke (%s)",
			     model_policy_info(eras[i])->name);
		if (ret)
			continue;
		fuzz_require(r.faults.faults + r.bad_area == nfaults,
			     "%zu faults replayed as %llu ended and %llu SIGSEGVs", nfaults,
			     (unsigned long long)r.faults.faults, (unsigned long long)r.bad_area);
	}
	replay_free(&w);
	return 0;
}
