// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

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

struct ksyms *ksyms_parse(FILE *fp)
{
	struct ksyms *k = calloc(1, sizeof(*k));
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	if (!k)
		return NULL;
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (k->n == cap) {
			struct ksym *grown;

			cap = cap ? cap * 2 : 4096;
			grown = realloc(k->syms, cap * sizeof(*grown));
			if (!grown)
				goto fail;
			k->syms = grown;
		}
		k->syms[k->n].addr = addr;
		k->syms[k->n].name = strdup(name);
		if (!k->syms[k->n].name)
			goto fail;
		k->n++;
	}
	if (!k->n) {
		errno = ENODATA;	/* kptr_restrict hides the addresses */
		goto fail;
	}
	qsort(k->syms, k->n, sizeof(*k->syms), cmp_addr);
	return k;
fail:
	ksyms_free(k);
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
