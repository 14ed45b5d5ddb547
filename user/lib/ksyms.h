/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* ksyms.h: kernel addresses to symbol names, from /proc/kallsyms. */
#ifndef MMRETRY_KSYMS_H
#define MMRETRY_KSYMS_H

#include <stdint.h>
#include <stdio.h>

struct ksyms;

/* Calls fn for each line of kallsyms-format text (name NUL-terminated,
 * len long); stops at, and returns, the first non-zero return of fn. */
typedef int (*ksym_fn)(void *ctx, uint64_t addr, char type, const char *name, size_t len);
int ksyms_each(FILE *fp, ksym_fn fn, void *ctx);

/* NULL with errno set if kallsyms cannot be read or shows no addresses. */
struct ksyms *ksyms_load(void);
/* Parse kallsyms-format text (for tests). */
struct ksyms *ksyms_parse(FILE *fp);
/* The symbol containing addr, or NULL. */
const char *ksyms_name(const struct ksyms *k, uint64_t addr);
void ksyms_free(struct ksyms *k);

/* A stack's frames (leaf first) folded "root;...;leaf", named by ks (hex
 * without), the tracing machinery's own frames and mmretry's trampolines
 * left out; malloc'ed, NULL if none (stat's stacks, a recording's). */
char *stack_fold(const uint64_t *ips, int n, const struct ksyms *ks);

#endif
