/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * plan.h: which programs to load, as a pure function of struct features.
 * No syscalls here: tests/unit/test_plan.c runs it on made-up kernels.
 */
#ifndef MMRETRY_PLAN_H
#define MMRETRY_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include "faults.h"
#include "kfeatures.h"
#include "figures.h"

struct fault_plan {
	/* modes to try, best first; the loader falls back along this list */
	enum mmr_mode modes[3];
	int nmodes;
	/* why each mode is or is not usable, for `probe` */
	char why[MMR_NR_MODES][96];
};

struct plan {
	struct fault_plan faults;
};

const char *mode_name(enum mmr_mode m);
/* "fentry", "kprobe", "tracepoint" (also "auto" -> MMR_MODE_NONE) */
int mode_parse(const char *s, enum mmr_mode *m);

/* Can capability "faults" run in mode m here? why gets the reason either way. */
/* Why the mmap_lock capability (tp_btf on the mmap_lock tracepoints) cannot
 * run here, or NULL if it can. */
const char *mmap_lock_unusable(const struct features *f);
/* Can the anon_vma capability (bpf/anon_vma.bpf.c) run along faults traced
 * in mode m? It needs fentry or kprobes on mm/rmap.c's functions. */
bool anon_vma_usable(const struct features *f, enum mmr_mode m, char *why, size_t len);
bool faults_mode_usable(const struct features *f, enum mmr_mode m, char *why, size_t len);

/* forced = MMR_MODE_NONE chooses automatically. 0, or -ENOTSUP with a
 * one-line reason in err. */
int plan_make(const struct features *f, enum mmr_mode forced, struct plan *p,
	      char *err, size_t errlen);

/* Hooks the faults capability attaches in mode m: a hook the kernel lacks
 * is left out, and the figure it feeds becomes unavailable. */
void faults_hooks(const struct features *f, enum mmr_mode m, bool hooks[NR_FNS]);

/* What each fault figure is in mode m on this kernel: exact, inferred, n/a. */
void faults_figure_states(const struct features *f, enum mmr_mode m,
			  const bool hooks[NR_FNS], uint8_t states[FF_NR]);

#endif
