/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef MMRETRY_UTIL_H
#define MMRETRY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

extern int mmr_verbose;

/* Messages go to stderr as "mmretry: <message>": lowercase, no period. */
void mmr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mmr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mmr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -v: "took: PHASE N.N ms" for a phase of the start-up that began at t0
 * (mono_now()), so -v says where attaching spends its time; returns now,
 * the next phase's t0 */
double mmr_took(double t0, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* 0 or -EINVAL / -ERANGE */
int parse_u64(const char *s, uint64_t *out);
/* "10", "1.5", "500ms", "250us", "2m", "1h" -> seconds (> 0) */
int parse_duration(const char *s, double *secs);
/* 4 KiB .. 1 GiB, "4M", "256k", "1048576" -> bytes */
int parse_size(const char *s, uint64_t *bytes);

/* A duration as "812 ns", "3.4 us", "12.0 ms", "1.50 s"; narrow: "3.4us"
 * (top's 7-column cells). buf, for use in an argument list. */
const char *fmt_ns(char *buf, size_t len, uint64_t ns);
const char *fmt_ns_narrow(char *buf, size_t len, uint64_t ns);
/* s in at most width bytes: when longer, "..." and its end (a cgroup's
 * path keeps its leaf, which names the service). buf. */
const char *fmt_tail(char *buf, size_t len, const char *s, size_t width);

/* The privileges loading BPF tracing programs needs: 0, or -EPERM with
 * what is missing written to `what`. */
int check_bpf_privileges(char *what, size_t len);

/* Keep only the capabilities in `keep` (a mask of 1ULL << CAP_*) that this
 * thread has: permitted and effective lowered to them, inheritable and
 * ambient emptied. Per thread (capset(2)): call it before starting threads.
 * 0 or -errno. */
int caps_keep_only(uint64_t keep);

/* CLOCK_MONOTONIC is bpf_ktime_get_ns()'s clock: events' times compare */
uint64_t clock_ns(clockid_t id);
uint64_t mono_ns(void);
double mono_now(void);	/* seconds */
size_t strlcpy_(char *dst, const char *src, size_t size);
/* "SIGKILL" for 9 ("signal 70" for one without a name: a static buffer);
 * signal_number() the reverse, 0 for a name it does not know */
const char *signal_name(int sig);
int signal_number(const char *name);
void *array_push(void **arr, size_t *n, size_t *cap, size_t size);

/* Output files: path NULL is stdout. out_open(): NULL with the error said;
 * out_close(): flush (and close but stdout), 0 or -EIO with it said. */
/* The whole file, NUL-terminated (*len without the NUL): NULL with errno,
 * EFBIG if it is over max bytes. */
char *read_file(const char *path, size_t max, size_t *len);
FILE *out_open(const char *path);
/* Whether paths a and b name one existing file (a link, another spelling):
 * an output that is an input would be truncated before it is read. */
bool same_file(const char *a, const char *b);
int out_close(FILE *f, const char *path);

#endif
