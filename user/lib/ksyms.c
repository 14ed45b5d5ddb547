// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ksyms.h"

struct ksym {
	uint64_t addr;
	char *name;
};

struct ksyms {
	struct ksym *syms;
	size_t n;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * One "ADDR TYPE NAME [MODULE]" line; 0, or -1 for a line that is not one.
 * By hand, not sscanf(): kallsyms has ~170,000 lines, and under QEMU's TCG
 * sscanf() took twice as long as the kernel took to write them.
 */
static int parse_line(char *line, uint64_t *addr, char *type, char **name, size_t *len)
{
	uint64_t a = 0;
	char *p = line;
	int digits = 0;

	for (;; p++, digits++) {
		unsigned c = (unsigned char)*p;

		if (c - '0' < 10)
			a = a << 4 | (c - '0');
		else if ((c | 0x20) - 'a' < 6)
			a = a << 4 | ((c | 0x20) - 'a' + 10);
		else
			break;
	}
	if (!digits || digits > 16 || p[0] != ' ' || !p[1] || p[2] != ' ')
		return -1;
	*addr = a;
	*type = p[1];
	*name = p + 3;
	*len = strcspn(*name, " \t\n");
	if (!*len)
		return -1;
	(*name)[*len] = '\0';
	return 0;
}

int ksyms_each(FILE *fp, ksym_fn fn, void *ctx)
{
	char line[512], *name;
	uint64_t addr;
	size_t len;
	char type;
	int ret;

	setvbuf(fp, NULL, _IOFBF, 1 << 20);	/* fewer reads of a slow file */
	while (fgets(line, sizeof(line), fp)) {
		if (parse_line(line, &addr, &type, &name, &len))
			continue;
		ret = fn(ctx, addr, type, name, len);
		if (ret)
			return ret;
	}
	return 0;
}

struct parse_ctx {
	struct ksyms *k;
	size_t cap;
};

static int add_sym(void *ctx, uint64_t addr, char type, const char *name, size_t len)
{
	struct parse_ctx *pc = ctx;
	struct ksyms *k = pc->k;

	if (!addr || (type != 't' && type != 'T' && type != 'w' && type != 'W'))
		return 0;
	if (k->n == pc->cap) {
		struct ksym *grown;

		pc->cap = pc->cap ? pc->cap * 2 : 4096;
		grown = realloc(k->syms, pc->cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		k->syms = grown;
	}
	k->syms[k->n].addr = addr;
	k->syms[k->n].name = strndup(name, len);
	if (!k->syms[k->n].name)
		return -ENOMEM;
	k->n++;
	return 0;
}

struct ksyms *ksyms_parse(FILE *fp)
{
	struct parse_ctx pc = { .k = calloc(1, sizeof(struct ksyms)) };
	int ret;

	if (!pc.k)
		return NULL;
	ret = ksyms_each(fp, add_sym, &pc);
	if (ret) {
		errno = -ret;
		goto fail;
	}
	if (!pc.k->n) {
		errno = ENODATA;	/* kptr_restrict hides the addresses */
		goto fail;
	}
	qsort(pc.k->syms, pc.k->n, sizeof(*pc.k->syms), cmp_addr);
	return pc.k;
fail:
	ksyms_free(pc.k);
	return NULL;
}

struct ksyms *ksyms_load(void)
{
	FILE *fp = fopen("/proc/kallsyms", "r");
	struct ksyms *k;

	if (!fp)
		return NULL;
	k = ksyms_parse(fp);
	fclose(fp);
	return k;
}

const char *ksyms_name(const struct ksyms *k, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!k || !k->n || addr < k->syms[0].addr)
		return NULL;
	hi = k->n;
	/* the last symbol at or below addr */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return k->syms[lo].name;
}

void ksyms_free(struct ksyms *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->n; i++)
		free(k->syms[i].name);
	free(k->syms);
	free(k);
}

/* the tracing machinery's own frames at the leaf end of a kernel stack */
static bool tracing_frame(const char *sym)
{
	static const char *const prefixes[] = {
		"bpf_prog_", "bpf_trace_run", "__bpf_trace_", "__traceiter_",
		"__mmap_lock_do_trace_", "trace_mmap_lock_",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(sym, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* frames (leaf first) -> "root;...;leaf", without the tracing frames, nor
 * the fentry/fexit trampolines mmretry itself put between two functions */
char *stack_fold(const uint64_t *ips, int n, const struct ksyms *ks)
{
	size_t len = 0, cap = 64 * (size_t)n + 1;
	char *s = malloc(cap), name[24];
	int i;

	while (ks && n > 1 && ksyms_name(ks, ips[0]) && tracing_frame(ksyms_name(ks, ips[0]))) {
		ips++;
		n--;
	}
	if (!s || !n) {
		free(s);
		return NULL;
	}
	s[0] = '\0';
	for (i = n - 1; i >= 0; i--) {
		const char *sym = ks ? ksyms_name(ks, ips[i]) : NULL;

		if (!sym) {
			snprintf(name, sizeof(name), "0x%llx", (unsigned long long)ips[i]);
			sym = name;
		} else if (!strncmp(sym, "bpf_trampoline_", 15)) {
			continue;
		}
		len += snprintf(s + len, cap - len, "%s%.60s", len ? ";" : "", sym);
		if (len >= cap)
			break;
	}
	return s;
}
