/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kfeatures.h: what the running kernel offers, probed once. The plan
 * (plan.h) is a pure function of this struct, so unit tests can feed it
 * any kernel they like.
 */
#ifndef MMRETRY_KFEATURES_H
#define MMRETRY_KFEATURES_H

#include <stdbool.h>

struct btf;

/* Kernel functions mmretry hooks; present in BTF (fentry) and kallsyms (kprobe). */
enum mmr_fn {
	FN_HANDLE_MM_FAULT,
	FN_FILEMAP_FAULT,
	FN_FOLIO_LOCK_KILLABLE,
	FN_FOLIO_LOCK_OR_RETRY,
	FN_DO_SWAP_PAGE,
	FN_HANDLE_USERFAULT,
	FN_SHMEM_FAULT,
	FN_VMF_ANON_PREPARE,
	FN_FAULT_DIRTY_SHARED_PAGE,	/* static: VM_FAULT_COMPLETED (tracepoint mode) */
	FN_LOCK_VMA_UNDER_RCU,
	/* anon_vma chains and rmap walks (bpf/anon_vma.bpf.c) */
	FN_ANON_VMA_FORK,
	FN_ANON_VMA_CLONE,
	FN_ANON_VMA_PREPARE,
	FN_RMAP_WALK_ANON,
	FN_AVIT_ITER_FIRST,
	FN_AVIT_ITER_NEXT,
	FN_PAGE_VMA_MAPPED_WALK,
	NR_FNS,
};

/* Tracepoints mmretry uses, present as btf_trace_<name> in BTF. */
enum mmr_tp {
	TP_MM_FILEMAP_FAULT,
	TP_MM_FILEMAP_ADD_TO_PAGE_CACHE,
	TP_MMAP_LOCK_START_LOCKING,
	TP_MMAP_LOCK_ACQUIRE_RETURNED,
	TP_MMAP_LOCK_RELEASED,
	TP_SCHED_PROCESS_FORK,
	TP_SCHED_PROCESS_EXIT,
	TP_CONTENTION_BEGIN,
	TP_CONTENTION_END,
	NR_TPS,
};

extern const char *const mmr_fn_names[NR_FNS];
extern const char *const mmr_tp_names[NR_TPS];

/* A capability tested by loading and attaching a program: yes, no, not
 * tested (no privileges to try), or not tried (it could be, but the plan
 * was decided without it: plan_next_probe()). */
enum probed { PROBE_NOT_TRIED = -2, PROBE_UNTESTED = -1, PROBE_NO = 0, PROBE_YES = 1 };

/* The program kinds the probe skeleton (bpf/probe.bpf.c) tries. */
enum prog_kind { PROG_NONE, PROG_TP_BTF, PROG_FENTRY, PROG_KPROBE };

struct features {
	char release[65];
	bool btf;			/* /sys/kernel/btf/vmlinux parses */
	enum probed fentry, kprobe, tp_btf;
	int fentry_err, kprobe_err, tp_btf_err;	/* errno of a refused attach */
	bool ringbuf, task_storage;
	char lockdown[20];		/* none, integrity, confidentiality; "" = unknown */
	/* the preemption model: none, voluntary, full, lazy, rt, or "dynamic"
	 * (PREEMPT_DYNAMIC, the mode unreadable without debugfs); "" = unknown.
	 * preempt_from: where it was read */
	char preempt[16];
	char preempt_from[40];
	bool per_vma_locks;		/* lock_vma_under_rcu exists (6.4+) */
	bool fn_btf[NR_FNS];		/* FUNC in vmlinux BTF */
	bool fn_ksym[NR_FNS];		/* in /proc/kallsyms */
	bool tp[NR_TPS];
	/* prototypes that changed */
	bool mmap_lock_memcg_path;	/* <= 6.13: (mm, memcg_path, write[, success]) */
	bool folio_lock_or_retry_bool;	/* 6.1: bool (folio, mm, flags) */
	int anon_vma_clone_nparams;	/* 2 (dst, src) to 6.19; 3 (+ operation) in 7.x; 0 unknown */
	/* text of lock_mm_and_find_vma and asm_exc_page_fault from kallsyms;
	 * 0 if addresses are hidden */
	unsigned long long lmfv_start, lmfv_end;
	unsigned long long aepf_start, aepf_end;
};

/*
 * Which program kind to try next, given what *f holds so far, or PROG_NONE
 * to stop: plan_next_probe() tries what a plan needs, features_every_kind()
 * everything (`mmretry probe`). It is called while kallsyms is still being
 * read: it must not look at fn_ksym before PROG_KPROBE has been tried.
 */
typedef enum prog_kind (*probe_next_fn)(const struct features *f, const void *ctx);
enum prog_kind features_every_kind(const struct features *f, const void *ctx);

/* Fill *f from the running kernel: BTF and kallsyms (read at once, in a
 * thread of its own), then, when privileged, the program kinds next()
 * asks for, each loaded and attached. */
int features_probe(struct features *f, probe_next_fn next, const void *ctx);
/* The preemption model from debugfs's sched/preempt ("none voluntary (full)
 * lazy") or, without it, from `uname -v` ("... PREEMPT_DYNAMIC ..."): the
 * parsing part of features_probe(), for tests. */
void features_parse_preempt(struct features *f, const char *debugfs, const char *version);
/* The BTF part of features_probe(), for tests: btf may be any vmlinux BTF. */
void features_scan_btf(const struct btf *btf, struct features *f);

#endif
