/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * mmretry-gen's shared part: the options every workload reads, the exits,
 * output and timing helpers of util.c, and the workloads' run functions,
 * one family a file (main.c's table lists them).
 */
#ifndef MMRETRY_GEN_H
#define MMRETRY_GEN_H

#define _GNU_SOURCE
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PROG "mmretry-gen"

struct range {
	unsigned long min, max;
};

/* Expected counts, summed over the workloads run (for mix). */
struct totals {
	struct range retries, file_io, userfaultfd, page_lock, vma_fallback;
	struct range swap, shmem, anon_vma;
	unsigned long major, completed;
};

struct faults {
	long minflt, majflt;
};

/* what a workload runs with: the command line's, or mix's */
/* -t: the most threads a workload starts */
#define MAX_THREADS 16

struct job {
	unsigned long count;	/* -n, or the workload's default */
	unsigned long rounds;	/* -r */
	size_t size_mib;	/* -s, or the workload's default */
	unsigned long threads;	/* -t, or the workload's default */
	const char *path;	/* -f */
	int cow;		/* -w */
	struct totals *tot;
};

typedef void run_fn(const struct job *job);

/* the output options; -k */
extern struct opts {
	int json, quiet, keep;
} opt;

extern size_t page_size;
extern const char *volatile unlink_path;	/* data file to remove on exit */
extern volatile unsigned char sink;

/* the children of forktree and rmapfan (see struct family in anon_vma.c) */
extern volatile sig_atomic_t family_quit;	/* their quit pipe's write end */
extern volatile sig_atomic_t family_pgid;	/* their process group, or 0 */

/* util.c */
void family_kill(void);
void on_signal(int sig);
void die_sys(const char *call) __attribute__((noreturn));
void die_code(int status, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
#define die_usage(...) die_code(2, __VA_ARGS__)
#define die_msg(...) die_code(1, __VA_ARGS__)
/* the workload cannot run on this system (no swap, no cgroup2 memory
 * controller, not root): tests and mix skip on it */
#define EXIT_CANNOT 3
#define die_cannot(...) die_code(EXIT_CANNOT, __VA_ARGS__)
void human(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
uint64_t now_ns(void);
double now(void);
struct faults faults_now(int who);
struct faults faults_since(int who, struct faults before);
struct range exact(unsigned long n);
void range_add(struct range *r, struct range a);
const char *range_str(struct range r, char *buf, size_t len);
void json_range(const char *key, struct range r);
void json_head(const char *workload, unsigned long count);
void json_expect(struct range retries, const char *reason, unsigned long major,
		 unsigned long completed);
void json_head_region(const char *workload, unsigned long count, size_t mib);
void json_faults(struct faults f, double elapsed);
void json_tail(void);
void finish_output(void);
void *anon_map(size_t len);
void populate(unsigned char *p, size_t len);

/* file.c: page-cache faults on a disk file or a block device */
void check_path(const char *path);
void run_file(const struct job *job);
void run_pagelock(const struct job *job);
void run_timed(const struct job *job);
void run_stall(const struct job *job);

/* anon.c: first touches of anonymous memory and of a memfd */
void run_memfd(const struct job *job);
void run_anon(const struct job *job);

/* uffd.c: faults a userfaultfd handler serves */
void run_uffd(const struct job *job);

/* mmap_lock.c: faults that take mmap_lock, its holders and a blocked writer */
void run_vdso(const struct job *job);
void run_kread(const struct job *job);
void run_wrhold(const struct job *job);
void run_blocker(const struct job *job);
void run_mapping(const struct job *job);
void run_anonprep(const struct job *job);
int ksym_present(const char *sym);

/* swap.c: anonymous memory swapped out and read back */
int swapin_can_run(char *why, size_t len);
void run_swapin(const struct job *job);

/* shmem.c: a memfd read while another thread punches holes in it */
void run_holepunch(const struct job *job);

/* anon_vma.c: fork chains and rmap fan-out */
void run_forktree(const struct job *job);
void run_rmapfan(const struct job *job);

/* mix.c: a few of the above in one process */
void run_mix(const struct job *job);

#endif
