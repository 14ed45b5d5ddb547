// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* figures.c: the names of figures, reasons, VMA kinds and modes, as the
 * reports and the baselines spell them. */
#include <errno.h>
#include <string.h>
#include "stats/figures.h"

const char *const reason_names[MMR_NR_REASONS] = {
	[MMR_REASON_FILE_IO]	  = "file_io",
	[MMR_REASON_PAGE_LOCK]	  = "page_lock",
	[MMR_REASON_SWAP]	  = "swap",
	[MMR_REASON_USERFAULTFD]  = "userfaultfd",
	[MMR_REASON_SHMEM]	  = "shmem",
	[MMR_REASON_ANON_VMA]	  = "anon_vma",
	[MMR_REASON_VMA_FALLBACK] = "vma_fallback",
	[MMR_REASON_OTHER]	  = "other",
	[MMR_REASON_UNATTRIBUTED] = "unattributed",
};

const char *const vma_kind_names[MMR_NR_VMA_KINDS] = {
	[MMR_VMA_UNKNOWN] = "unknown",
	[MMR_VMA_ANON]	  = "anon",
	[MMR_VMA_FILE]	  = "file",
	[MMR_VMA_SHMEM]	  = "shmem",
	[MMR_VMA_SPECIAL] = "special",
};

const char *const fault_fig_names[FF_NR] = {
	[FF_ATTEMPTS]		= "attempts",
	[FF_FAULTS]		= "faults",
	[FF_RETRIES]		= "retries",
	[FF_COMPLETED]		= "completed",
	[FF_MAJOR]		= "major",
	[FF_ERRORS]		= "errors",
	[FF_VMA_LOCK_ATTEMPTS]	= "vma_lock_attempts",
	[FF_MMAP_LOCK_ATTEMPTS] = "mmap_lock_attempts",
	[FF_ABANDONED]		= "abandoned",
	[FF_REASON0 + MMR_REASON_FILE_IO]	= "file_io",
	[FF_REASON0 + MMR_REASON_PAGE_LOCK]	= "page_lock",
	[FF_REASON0 + MMR_REASON_SWAP]		= "swap",
	[FF_REASON0 + MMR_REASON_USERFAULTFD]	= "userfaultfd",
	[FF_REASON0 + MMR_REASON_SHMEM]		= "shmem",
	[FF_REASON0 + MMR_REASON_ANON_VMA]	= "anon_vma",
	[FF_REASON0 + MMR_REASON_VMA_FALLBACK]	= "vma_fallback",
	[FF_REASON0 + MMR_REASON_OTHER]		= "other",
	[FF_REASON0 + MMR_REASON_UNATTRIBUTED]	= "unattributed",
};

static const char *const mode_names[MMR_NR_MODES] = {
	[MMR_MODE_NONE]	      = "none",
	[MMR_MODE_FENTRY]     = "fentry",
	[MMR_MODE_KPROBE]     = "kprobe",
	[MMR_MODE_TRACEPOINT] = "tracepoint",
};

const char *mode_name(enum mmr_mode m)
{
	return m < MMR_NR_MODES ? mode_names[m] : "?";
}

int mode_parse(const char *s, enum mmr_mode *m)
{
	int i;

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "auto")) {
		*m = MMR_MODE_NONE;
		return 0;
	}
	for (i = MMR_MODE_FENTRY; i < MMR_NR_MODES; i++) {
		if (!strcmp(s, mode_names[i])) {
			*m = i;
			return 0;
		}
	}
	return -EINVAL;
}
