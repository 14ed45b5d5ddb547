/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * replay_load.h: a recording as a workload for the model to replay
 * (`mmretry model replay`), and what it recorded, in the model's terms.
 */
#ifndef MMRETRY_REPLAY_LOAD_H
#define MMRETRY_REPLAY_LOAD_H

#include <stdint.h>

#include "model/model.h"

struct replay_info {
	uint32_t pid;			/* the process replayed */
	char comm[16];
	char kernel[65];		/* the recording's */
	uint64_t attempts;		/* its attempts, and other processes' (not replayed) */
	uint64_t other_attempts;
	uint64_t skipped_calls;		/* mremap, brk: not replayed */
	struct model_result recorded;	/* faults and mmap_lock, as recorded */
};

/* The recording at path as a workload (replay_free() it), its process pid
 * (0: the one with the most attempts). 0, or -errno said on stderr. */
int replay_load(const char *path, uint32_t pid, struct model_workload *w,
		struct replay_info *info);
/* the same from an open recording (path names it in messages) */
struct rec_reader;
int replay_load_reader(struct rec_reader *rd, const char *path, uint32_t pid,
		       struct model_workload *w, struct replay_info *info);
void replay_free(struct model_workload *w);

#endif
