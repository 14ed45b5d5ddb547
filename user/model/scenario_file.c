// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * scenario_file.c: scenario files (docs/model.md, "Scenario files"), YAML
 * parsed with libyaml, every error with its line:
 *
 *   mmretry_scenario: 1
 *   name: reverse-readers
 *   vmas:
 *     data: {kind: file, pages: 16384}
 *   threads:
 *     - {program: fault, vma: data, faults: 256, first: 255, step: -1,
 *        stride: 256, count: 64}
 *     - {program: mapper, pages: 16, rest: 20us}
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "model/model.h"
#include "lib/yamltext.h"


static yaml_node_t *node(struct yaml_where *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

/* an integer in [lo, hi] */
static int integer(struct yaml_where *c, const yaml_node_t *n, const char *key, int64_t lo, int64_t hi,
		   int64_t *v)
{
	const char *s = yaml_text(n);
	char *end;

	errno = 0;
	if (s)
		*v = strtoll(s, &end, 10);
	if (!s || !*s || errno || *end || *v < lo || *v > hi)
		return yaml_fail(c, n, "%s: '%.30s' is not an integer from %" PRId64 " to %" PRId64,
			    key, s ? s : "(not a scalar)", lo, hi);
	return 0;
}

/* a duration: a number of ns, or with ns, us, ms */
static int duration(struct yaml_where *c, const yaml_node_t *n, const char *key, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 } };
	const char *s = yaml_text(n);
	char *end;
	size_t i;

	errno = 0;
	if (s && *s >= '0' && *s <= '9') {
		unsigned long long v = strtoull(s, &end, 10);

		if (!errno && v <= 1000000000ULL) {
			if (!*end) {
				*ns = v;
				return 0;
			}
			for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
				if (!strcmp(end, units[i].suffix) && v * units[i].mult <= 10000000000ULL) {
					*ns = v * units[i].mult;
					return 0;
				}
		}
	}
	return yaml_fail(c, n, "%s: '%.30s' is not a duration (ns, us or ms, up to 10 s)", key,
		    s ? s : "(not a scalar)");
}

static int boolean(struct yaml_where *c, const yaml_node_t *n, const char *key, bool *v)
{
	const char *s = yaml_text(n);

	if (s && (!strcmp(s, "true") || !strcmp(s, "false"))) {
		*v = !strcmp(s, "true");
		return 0;
	}
	return yaml_fail(c, n, "%s: '%.30s' is not true or false", key, s ? s : "(not a scalar)");
}

static int parse_vmas(struct yaml_where *c, const yaml_node_t *n, struct model_spec *spec)
{
	static const char *const kinds[] = { [SPEC_ANON] = "anon", [SPEC_FILE] = "file",
					     [SPEC_SHMEM] = "shmem" };
	static const char *const initials[] = { [INIT_EMPTY] = "empty", [INIT_PRESENT] = "present",
						[INIT_SWAPPED] = "swapped", [INIT_CACHED] = "cached" };
	yaml_node_pair_t *p;

	if (n->type != YAML_MAPPING_NODE)
		return yaml_fail(c, n, "vmas: expected a mapping of names to {kind, pages}");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *name = yaml_text(k);
		yaml_node_pair_t *q;
		bool kind = false, pages = false;
		const yaml_node_t *initial = NULL;
		int i;

		if (!name || !*name || strlen(name) >= sizeof(spec->vmas[0].name))
			return yaml_fail(c, k ? k : n, "vmas: a name is a string of 1 to 31 bytes");
		if (spec->nvmas == SPEC_MAX_VMAS)
			return yaml_fail(c, k, "vmas: more than %d", SPEC_MAX_VMAS);
		for (i = 0; i < spec->nvmas; i++)
			if (!strcmp(spec->vmas[i].name, name))
				return yaml_fail(c, k, "vmas: '%s' given twice", name);
		if (!v || v->type != YAML_MAPPING_NODE)
			return yaml_fail(c, v ? v : k, "vmas: %s: expected {kind, pages}", name);
		strcpy(spec->vmas[spec->nvmas].name, name);
		for (q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
			const yaml_node_t *qk = node(c, q->key), *qv = node(c, q->value);
			const char *key = yaml_text(qk), *val = yaml_text(qv);
			int64_t x;

			if (key && !strcmp(key, "kind")) {
				for (i = 0; i < 3 && (!val || strcmp(val, kinds[i])); i++)
					;
				if (i == 3)
					return yaml_fail(c, qv ? qv : qk, "vmas: %s: kind is anon, file or "
						    "shmem, not '%.20s'", name, val ? val : "?");
				spec->vmas[spec->nvmas].kind = i;
				kind = true;
			} else if (key && !strcmp(key, "pages")) {
				if (integer(c, qv, "pages", 1, 1 << 24, &x))
					return -EINVAL;
				spec->vmas[spec->nvmas].pages = x;
				pages = true;
			} else if (key && !strcmp(key, "initial")) {
				for (i = 0; i < 4 && (!val || strcmp(val, initials[i])); i++)
					;
				if (i == 4)
					return yaml_fail(c, qv ? qv : qk, "vmas: %s: initial is empty, "
						    "present, swapped or cached, not '%.20s'", name,
						    val ? val : "?");
				spec->vmas[spec->nvmas].initial = i;
				initial = qv;
			} else {
				return yaml_fail(c, qk ? qk : v, "vmas: %s: unknown key '%.20s' (kind, pages, "
					    "initial)", name, key ? key : "?");
			}
		}
		if (!kind || !pages)
			return yaml_fail(c, v, "vmas: %s: needs kind and pages", name);
		switch (spec->vmas[spec->nvmas].initial) {
		case INIT_EMPTY:
			break;
		case INIT_PRESENT:
		case INIT_SWAPPED:
			if (spec->vmas[spec->nvmas].kind != SPEC_ANON)
				return yaml_fail(c, initial, "vmas: %s: only an anon VMA starts present or "
					    "swapped", name);
			break;
		case INIT_CACHED:
			if (spec->vmas[spec->nvmas].kind != SPEC_FILE)
				return yaml_fail(c, initial, "vmas: %s: only a file VMA starts cached", name);
			break;
		}
		spec->nvmas++;
	}
	if (!spec->nvmas)
		return yaml_fail(c, n, "vmas: none");
	return 0;
}

static int vma_named(struct yaml_where *c, const yaml_node_t *n, const struct model_spec *spec)
{
	const char *s = yaml_text(n);

	for (int i = 0; s && i < spec->nvmas; i++)
		if (!strcmp(spec->vmas[i].name, s))
			return i;
	yaml_fail(c, n, "vma: no VMA named '%.31s'", s ? s : "(not a scalar)");
	return -1;
}

static int parse_thread(struct yaml_where *c, const yaml_node_t *n, struct model_spec *spec)
{
	static const char *const programs[] = {
		[PROG_FAULT] = "fault", [PROG_RANDOM] = "random", [PROG_MAPPER] = "mapper",
		[PROG_CHANGER] = "changer", [PROG_MAPPING] = "mapping",
	};
	typeof(spec->threads[0]) *t = &spec->threads[spec->nthreads];
	bool program = false;
	yaml_node_pair_t *p;
	int total = 0, i;
	int64_t x;

	if (spec->nthreads == SPEC_MAX_THREADS)
		return yaml_fail(c, n, "threads: more than %d entries", SPEC_MAX_THREADS);
	if (n->type != YAML_MAPPING_NODE)
		return yaml_fail(c, n, "threads: each is a mapping with a program");
	memset(t, 0, sizeof(*t));
	t->vma = -1;
	t->step = 1;
	t->count = 1;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = yaml_text(k);

		if (!key)
			return yaml_fail(c, k ? k : n, "threads: keys are plain strings");
		if (!strcmp(key, "program")) {
			const char *s = yaml_text(v);

			for (i = 0; i < 5 && (!s || strcmp(s, programs[i])); i++)
				;
			if (i == 5)
				return yaml_fail(c, v ? v : k, "threads: program is fault, random, mapper, "
					    "changer or mapping, not '%.20s'", s ? s : "?");
			t->program = i;
			program = true;
		} else if (!strcmp(key, "vma")) {
			if ((t->vma = vma_named(c, v, spec)) < 0)
				return -EINVAL;
		} else if (!strcmp(key, "faults") || !strcmp(key, "rounds") || !strcmp(key, "pages")) {
			if (integer(c, v, key, 1, 1 << 24, &x))
				return -EINVAL;
			t->n = x;
		} else if (!strcmp(key, "first")) {
			if (integer(c, v, key, 0, 1 << 24, &x))
				return -EINVAL;
			t->first = x;
		} else if (!strcmp(key, "step") || !strcmp(key, "stride")) {
			if (integer(c, v, key, -(1 << 24), 1 << 24, &x))
				return -EINVAL;
			*(!strcmp(key, "step") ? &t->step : &t->stride) = x;
		} else if (!strcmp(key, "rest")) {
			if (duration(c, v, key, &t->rest_ns))
				return -EINVAL;
		} else if (!strcmp(key, "write")) {
			if (boolean(c, v, key, &t->write))
				return -EINVAL;
		} else if (!strcmp(key, "kernel")) {
			if (boolean(c, v, key, &t->kernel))
				return -EINVAL;
		} else if (!strcmp(key, "count")) {
			if (integer(c, v, key, 1, SPEC_MAX_THREADS, &x))
				return -EINVAL;
			t->count = x;
		} else {
			return yaml_fail(c, k, "threads: unknown key '%.20s' (program, vma, faults, rounds, "
				    "pages, first, step, stride, rest, write, count)", key);
		}
	}
	if (!program)
		return yaml_fail(c, n, "threads: no program");
	if ((t->program == PROG_FAULT || t->program == PROG_RANDOM || t->program == PROG_CHANGER) &&
	    t->vma < 0)
		return yaml_fail(c, n, "threads: %s needs a vma", programs[t->program]);
	if (t->program != PROG_CHANGER && !t->n)
		return yaml_fail(c, n, "threads: %s needs %s", programs[t->program],
			    t->program == PROG_MAPPING ? "rounds" :
			    t->program == PROG_MAPPER ? "pages" : "faults");
	if (t->program == PROG_FAULT) {
		/* every fault of every thread inside its VMA */
		int64_t pages = spec->vmas[t->vma].pages;
		int64_t last_first = (int64_t)t->first + (t->count - 1) * t->stride;
		int64_t a = (int64_t)t->first, b = last_first, d = ((int64_t)t->n - 1) * t->step;

		if (a < 0 || b < 0 || a >= pages || b >= pages || a + d < 0 || a + d >= pages ||
		    b + d < 0 || b + d >= pages)
			return yaml_fail(c, n, "threads: fault: pages outside vma '%s' (%" PRId64 " pages)",
				    spec->vmas[t->vma].name, pages);
	}
	if ((t->program == PROG_CHANGER) && spec->vmas[t->vma].kind != SPEC_ANON)
		return yaml_fail(c, n, "threads: changer remaps an anonymous vma only");
	for (i = 0; i < spec->nthreads; i++)
		total += spec->threads[i].count;
	if (total + t->count > SPEC_MAX_THREADS)
		return yaml_fail(c, n, "threads: more than %d in all", SPEC_MAX_THREADS);
	spec->nthreads++;
	return 0;
}

/* dirty: {limit: PAGES, writeback: PAGES} (a second) */
static int parse_dirty(struct yaml_where *c, const yaml_node_t *n, struct model_spec *spec)
{
	yaml_node_pair_t *p;
	int64_t x;

	if (n->type != YAML_MAPPING_NODE)
		return yaml_fail(c, n, "dirty: expected {limit, writeback}");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = yaml_text(k);

		if (key && !strcmp(key, "limit")) {
			if (integer(c, v, "limit", 1, 1 << 24, &x))
				return -EINVAL;
			spec->dirty_limit = x;
		} else if (key && !strcmp(key, "writeback")) {
			if (integer(c, v, "writeback", 1, 1 << 24, &x))
				return -EINVAL;
			spec->writeback = x;
		} else {
			return yaml_fail(c, k ? k : n, "dirty: unknown key '%.20s' (limit, writeback)",
				    key ? key : "?");
		}
	}
	if (!spec->dirty_limit || !spec->writeback)
		return yaml_fail(c, n, "dirty: needs limit and writeback");
	return 0;
}

static int parse_root(struct yaml_where *c, struct model_spec *spec)
{
	const yaml_node_t *root = yaml_document_get_root_node(c->doc), *vmas = NULL, *threads = NULL;
	yaml_node_item_t *it;
	yaml_node_pair_t *p;
	bool versioned = false;
	bool has_faulter = false;
	int i;

	if (!root || root->type != YAML_MAPPING_NODE)
		return yaml_fail(c, root, "not an mmretry scenario: expected a mapping with "
			    "mmretry_scenario: 1, vmas and threads");
	for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(c, p->key), *v = node(c, p->value);
		const char *key = yaml_text(k);

		if (!key || !v)
			return yaml_fail(c, k ? k : root, "keys are plain strings");
		if (!strcmp(key, "mmretry_scenario")) {
			if (!yaml_text(v) || strcmp(yaml_text(v), "1"))
				return yaml_fail(c, v, "unsupported scenario version '%.20s' (this mmretry "
					    "reads 1)", yaml_text(v) ? yaml_text(v) : "?");
			versioned = true;
		} else if (!strcmp(key, "name")) {
			if (!yaml_text(v) || strlen(yaml_text(v)) >= sizeof(spec->name))
				return yaml_fail(c, v, "name: a string of up to 63 bytes");
			strcpy(spec->name, yaml_text(v));
		} else if (!strcmp(key, "vmas")) {
			vmas = v;
		} else if (!strcmp(key, "threads")) {
			threads = v;
		} else if (!strcmp(key, "dirty")) {
			if (parse_dirty(c, v, spec))
				return -EINVAL;
		} else {
			return yaml_fail(c, k, "unknown key '%.30s' (mmretry_scenario, name, vmas, threads, "
				    "dirty)", key);
		}
	}
	if (!versioned)
		return yaml_fail(c, root, "not an mmretry scenario: no 'mmretry_scenario: 1'");
	if (!vmas || !threads)
		return yaml_fail(c, root, "a scenario needs vmas and threads");
	if (parse_vmas(c, vmas, spec))
		return -EINVAL;
	if (threads->type != YAML_SEQUENCE_NODE ||
	    threads->data.sequence.items.start == threads->data.sequence.items.top)
		return yaml_fail(c, threads, "threads: expected a list of threads");
	for (it = threads->data.sequence.items.start; it < threads->data.sequence.items.top; it++) {
		const yaml_node_t *t = node(c, *it);

		if (!t || parse_thread(c, t, spec))
			return t ? -EINVAL : yaml_fail(c, threads, "threads: malformed");
	}
	for (i = 0; i < spec->nthreads; i++)
		has_faulter |= spec->threads[i].program != PROG_MAPPER &&
			       spec->threads[i].program != PROG_CHANGER;
	if (!has_faulter)
		return yaml_fail(c, threads, "threads: none faults (mapper and changer run while others "
			    "fault)");
	return 0;
}

int model_spec_parse(const char *buf, size_t len, const char *name, struct model_spec *spec,
		     char *err, size_t errlen)
{
	struct yaml_where c = { .name = name, .err = err, .errlen = errlen };
	yaml_document_t doc;
	int ret;

	memset(spec, 0, sizeof(*spec));
	ret = yaml_load_one(buf, len, &c, &doc);
	if (ret)
		return ret;
	ret = parse_root(&c, spec);
	yaml_document_delete(&doc);
	return ret;
}
