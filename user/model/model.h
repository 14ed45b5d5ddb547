/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * model.h: the reference fault path, `mmretry model` (docs/model.md).
 *
 * A deterministic model of the kernel's page-fault path: simulated threads
 * fault on a simulated mm under a simulated clock, through functions named
 * after the kernel's (do_user_addr_fault, lock_vma_under_rcu,
 * lock_mm_and_find_vma, handle_mm_fault, do_read_fault, do_shared_fault,
 * filemap_fault, fault_dirty_shared_page), with the retry protocol of a
 * kernel era chosen as a policy. Pure C: no libbpf, no system calls; the
 * same seed gives the same run.
 *
 * Its results are the figures `mmretry stat` reports (struct
 * mmr_fault_counters, struct mmr_lock_stats), so the report code, `check`
 * and `compare` read a model run as they read a live one.
 */
#ifndef MMRETRY_MODEL_H
#define MMRETRY_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/faults.h"
#include "bpf/mmap_lock.h"
#include "bpf/anon_vma.h"

/* Kernel eras: how a fault that must wait behaves (model/policy.c). */
enum model_policy {
	POLICY_LEGACY,		/* I/O under mmap_lock, no retry */
	POLICY_NOPAGE_RETRY,	/* 2006: drop mmap_sem for I/O, retry once */
	POLICY_RETRY,		/* 5.1+: ALLOW_RETRY | TRIED, retry as often as needed */
	POLICY_COMPLETED,	/* 5.17+: VM_FAULT_COMPLETED when the lock was dropped after the work */
	POLICY_PER_VMA,		/* 6.7+: per-VMA locks first, mmap_lock as the fallback */
	/* proposed, never merged: what-ifs */
	POLICY_SPF,		/* 2018 speculative page faults: no lock, VMA seqcount check */
	POLICY_SRCU_VMA,	/* 2008 idea: lockless VMA lookup, dead-VMA check */
	POLICY_SEQCOUNT,	/* 2006, Andrew Morton: after the I/O, go on if mm unchanged */
	MODEL_NR_POLICIES,
};

struct model_policy_info {
	const char *name;
	const char *summary;
	const char *source;	/* where the behaviour comes from */
};

const struct model_policy_info *model_policy_info(enum model_policy p);
/* 0 and *p, or -1 if name is no policy */
int model_policy_parse(const char *name, enum model_policy *p);
/*
 * The era of a kernel release ("6.12.117+deb13-amd64"): per-vma from 6.7
 * (file faults under the VMA lock), completed from 5.19, retry from 5.1,
 * nopage-retry from 2.6.33 (x86's VM_FAULT_RETRY), legacy before. 0 and
 * *p, or -1 if release is not "MAJOR.MINOR...".
 */
int model_policy_for_release(const char *release, enum model_policy *p);

/* The figures of one run. */
struct model_result {
	struct mmr_fault_counters faults;	/* attempts, retries, reasons, completed... */
	struct mmr_lock_stats lock[2];		/* mmap_lock: read, write */
	uint64_t sim_ns;			/* simulated time until the last thread ended */
	uint64_t events;			/* scheduler events: the model's own work */
	uint64_t thread_ns[2];			/* summed run time of faulting / other threads */
	uint64_t speculative_aborts;		/* speculative faults that found the VMA changed */
	uint64_t unsafe_unmapped;		/* PTEs installed into a VMA unmapped meanwhile */
	uint64_t unsafe_readonly;		/* writable PTEs into a VMA made read-only meanwhile */
	uint64_t continued;			/* seqcount: faults finished after the I/O without a retry */
	uint64_t uffd_served;			/* userfaultfd messages the handler served */
	uint64_t bad_area;			/* SIGSEGV before handle_mm_fault(): no VMA, no access */
	uint64_t dirty_pauses;			/* balance_dirty_pages() sleeps */
	bool no_faults;				/* the scenario models no fault figures (forktree) */
	bool timed;				/* latency holds its faults' durations (a
						 * recording's figures are not timed) */
	struct mmr_fault_latency latency;	/* each fault timed as mmretry times it live:
						 * its first attempt's entry to its last
						 * attempt's return, on the simulated clock */
	bool locks;				/* the scenario measures mmap_lock */
	bool anon;				/* the scenario has anon_vma figures: */
	struct mmr_chain_stats chain;		/* chain lengths after fork and prepare */
	struct mmr_walk_stats walk;		/* anonymous rmap walks, all of them */
	struct {
		const char *name;		/* rwc->rmap_one's: "try_to_unmap" */
		struct mmr_walk_stats s;
	} walkers[2];				/* the walks by walker */
	int nwalkers;
};

struct sim;

/* A built-in scenario (model/scenario.c); model_scenario_run() runs it. */
struct model_scenario {
	const char *name;
	const char *summary;
	const char *source;	/* the seed result it reproduces, or the workload it mirrors */
	/* threads: a sim of nthreads, which setup fills (its VMAs, what each
	 * thread runs) at this scale; 0, or -ENOMEM */
	int nthreads;
	int (*setup)(struct sim *s, double scale);
	/* processes (model/rmap.c's fork scenarios): a run of its own */
	int (*run)(enum model_policy p, uint64_t seed, double scale, struct model_result *out);
};

/*
 * A scenario from a file (docs/model.md, "Scenario files"): VMAs, and
 * threads running the built-in programs over them.
 */
#define SPEC_MAX_VMAS 16
#define SPEC_MAX_THREADS 256

enum spec_vma_kind { SPEC_ANON, SPEC_FILE, SPEC_SHMEM };
/* anon: empty, present (populated) or swapped (out); file: empty (uncached)
 * or cached; shmem: empty */
enum spec_initial { INIT_EMPTY, INIT_PRESENT, INIT_SWAPPED, INIT_CACHED };
enum spec_program { PROG_FAULT, PROG_RANDOM, PROG_MAPPER, PROG_CHANGER, PROG_MAPPING };

struct model_spec {
	char name[64];
	struct {
		char name[32];
		enum spec_vma_kind kind;
		uint64_t pages;
		enum spec_initial initial;	/* its pages at the start */
	} vmas[SPEC_MAX_VMAS];
	uint64_t dirty_limit;			/* pages; 0: no dirty throttling */
	uint64_t writeback;			/* pages written back a second */
	int nvmas;
	struct {
		enum spec_program program;
		int vma;		/* index in vmas; -1 for none */
		uint64_t n;		/* faults, or rounds (mapping), or pages (mapper) */
		uint64_t first;		/* fault: the first page */
		int64_t step;		/* fault: pages between faults (-1: backwards) */
		int64_t stride;		/* fault: pages between one thread's first and the next's */
		uint64_t rest_ns;	/* mapper, changer: the pause between rounds */
		bool write;
		bool kernel;		/* fault, random: faults taken in kernel mode (read(), GUP) */
		int count;		/* threads running it */
	} threads[SPEC_MAX_THREADS];
	int nthreads;			/* entries; the threads are their counts' sum */
};

/* Parse a scenario file (YAML) of len bytes: 0, or -EINVAL with one
 * "NAME:LINE: what" message in err. */
int model_spec_parse(const char *buf, size_t len, const char *name, struct model_spec *spec,
		     char *err, size_t errlen);
/* Run it: 0, -ENOMEM, or -EDEADLK (a thread never woke) */
int model_spec_run(const struct model_spec *spec, enum model_policy p, uint64_t seed,
		   double scale, struct model_result *res);

/*
 * A recorded workload, to replay (model/replay.c; user/record/replay_load.c reads
 * it from a recording): each thread's faults and address-space calls in
 * order, the time it spent between them, the VMAs that existed before, and
 * what each fault met (a read it started, one in flight, a swapped page, a
 * userfaultfd handler), with the wait the recording showed.
 */
enum wl_kind { WL_FAULT, WL_MMAP, WL_MUNMAP, WL_MPROTECT, WL_DONTNEED, WL_FORK };

struct wl_action {
	uint8_t kind;			/* enum wl_kind */
	uint8_t vma_kind;		/* WL_FAULT, WL_MMAP: enum mmr_vma_kind */
	bool write, user;		/* WL_FAULT: a write; from user mode */
	bool writable;			/* WL_MPROTECT: PROT_WRITE */
	bool prepared;			/* WL_MMAP: the new VMA needed anon_vma_prepare() */
	bool shared;			/* WL_MMAP: MAP_SHARED */
	uint8_t reason;			/* WL_FAULT: why its first attempt retried, or
					 * MMR_REASON_NONE */
	uint64_t page, npages;		/* the page; WL_MMAP...: the range */
	uint64_t gap_ns;		/* the thread's time before it */
	uint64_t wait_ns;		/* WL_FAULT: the I/O or handler wait recorded */
	uint64_t hold_ns;		/* address-space calls: the write hold recorded (0:
					 * the model's cost) */
	uint64_t t_start, t_end;	/* when it began and ended, recorded (not replayed) */
};

struct wl_thread {
	uint32_t pid, tid;
	char comm[16];
	uint64_t start_ns;		/* after the recording's first action */
	struct wl_action *acts;
	size_t nacts;
};

struct wl_vma {
	uint64_t start, npages;		/* pages */
	uint8_t kind;			/* enum mmr_vma_kind */
	bool prepared;			/* anonymous: its first fault gives it its anon_vma */
	bool shared;			/* a file's: MAP_SHARED (else private: a write copies) */
	bool uffd;			/* registered with userfaultfd */
};

struct model_workload {
	struct wl_thread *threads;
	size_t nthreads;
	struct wl_vma *vmas;		/* before the first action */
	size_t nvmas;
};

/* Replay w under policy p: 0, -ENOMEM, -EINVAL (a workload the model cannot
 * lay out: overlapping VMAs...), or -EDEADLK. */
int model_replay(const struct model_workload *w, enum model_policy p, struct model_result *res);

size_t model_scenario_count(void);
const struct model_scenario *model_scenario_at(size_t i);
const struct model_scenario *model_scenario_find(const char *name);
/* Run sc under policy p with this seed at this scale: 0, -ENOMEM, or
 * -EDEADLK (a simulated thread never woke: a model bug). */
int model_scenario_run(const struct model_scenario *sc, enum model_policy p, uint64_t seed,
		       double scale, struct model_result *out);

#endif
