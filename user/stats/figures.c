// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* figures.c: the names of figures, reasons, VMA kinds and modes, as the
 * reports and the baselines spell them. */
#include <errno.h>
#include <string.h>
#include "bpf/record.h"
#include "stats/figures.h"
#include "stats/mmap_lock.h"	/* hist_merge */

/* the names, from the lists the enums are made of (bpf/faults.h) */
#define NAME_REASON(e, name) [MMR_REASON_##e] = #name,
#define NAME_REASON_FIG(e, name) [FF_REASON0 + MMR_REASON_##e] = #name,
#define NAME_VMA(e, name) [MMR_VMA_##e] = #name,
#define NAME_MODE(e, name) [MMR_MODE_##e] = #name,
#define NAME_OUTCOME(e, name) [MMR_OUTCOME_##e] = #name,

const char *const reason_names[MMR_NR_REASONS] = { MMR_REASONS(NAME_REASON) };
const char *const vma_kind_names[MMR_NR_VMA_KINDS] = { MMR_VMA_KINDS(NAME_VMA) };
const char *const outcome_names[MMR_NR_OUTCOMES] = { MMR_OUTCOMES(NAME_OUTCOME) };
const char *const origin_names[MMR_NR_ORIGINS] = { "user", "kernel" };
static const char *const mode_names[MMR_NR_MODES] = { MMR_MODES(NAME_MODE) };

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
	MMR_REASONS(NAME_REASON_FIG)	/* a reason's figure is named after it */
};

const char *mode_name(enum mmr_mode m)
{
	return m < MMR_NR_MODES ? mode_names[m] : "?";
}

const char *mode_label(enum mmr_mode m, enum mmr_mode producers)
{
	if (m == MMR_MODE_TRACEPOINT && producers == MMR_MODE_FENTRY)
		return "tracepoint+fentry";
	if (m == MMR_MODE_TRACEPOINT && producers == MMR_MODE_KPROBE)
		return "tracepoint+kprobe";
	return mode_name(m);
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

bool mode_times_faults(enum mmr_mode m)
{
	return m == MMR_MODE_FENTRY || m == MMR_MODE_KPROBE;
}

void figures_add_attempt(struct mmr_fault_counters *c, const struct mmr_attempt_event *a,
			 uint32_t vma_lock_flag)
{
	c->attempts++;
	if (vma_lock_flag && (a->flags & vma_lock_flag))
		c->vma_lock_attempts++;
	else
		c->mmap_lock_attempts++;
	c->major += !!(a->result & MMR_VM_FAULT_MAJOR);
	c->completed += !!(a->result & MMR_VM_FAULT_COMPLETED);
	c->errors += !!(a->result & MMR_VM_FAULT_ERROR);
	if (a->result & MMR_VM_FAULT_RETRY) {
		c->retries++;
		c->reasons[a->reason < MMR_NR_REASONS ? a->reason : MMR_REASON_OTHER]++;
	} else {
		c->faults++;
	}
}

/* the struct is histograms only: merged as one array of them */
_Static_assert(sizeof(struct mmr_fault_latency) % sizeof(struct mmr_hist) == 0,
	       "struct mmr_fault_latency holds histograms only");

void fault_latency_merge(struct mmr_fault_latency *a, const struct mmr_fault_latency *b)
{
	struct mmr_hist *x = (struct mmr_hist *)a;
	const struct mmr_hist *y = (const struct mmr_hist *)b;
	size_t i;

	for (i = 0; i < sizeof(*a) / sizeof(*x); i++)
		hist_merge(&x[i], &y[i]);
}
