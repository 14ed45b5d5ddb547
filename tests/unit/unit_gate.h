/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * unit_gate.h: what the gate's tests (test_baseline.c, test_gate_cgroups.c)
 * share: a report from the test's JSON text, a baseline parsed from its
 * YAML text, and one refused with exactly a message. Include after unit.h.
 */
#ifndef MMRETRY_UNIT_GATE_H
#define MMRETRY_UNIT_GATE_H

#include <errno.h>
#include <string.h>
#include <jansson.h>

#include "gate/baseline.h"

/* the report text as check reads one, or the test fails */
static inline json_t *report_of(const char *text)
{
	char err[256];
	json_t *j;

	if (report_parse(text, strlen(text), "r.json", &j, err, sizeof(err)))
		fail_msg("the test's report does not parse: %s", err);
	return j;
}

struct parsed {
	int ret;
	struct baseline b;
	char err[512];
};

static inline struct parsed parse(const char *text)
{
	struct parsed p;

	memset(&p, 0, sizeof(p));
	p.ret = baseline_parse(text, strlen(text), "b.yml", &p.b, p.err, sizeof(p.err));
	return p;
}

/* text must be refused with exactly this message, leaving nothing */
static inline void refused(const char *text, const char *msg)
{
	struct parsed p = parse(text);

	if (p.ret != -EINVAL || strcmp(p.err, msg))
		fail_msg("for:\n%s\nwant -EINVAL '%s', got %d '%s'", text, msg, p.ret, p.err);
	assert_int_equal(p.b.n, 0);
	assert_null(p.b.limits);
	assert_null(p.b.cgroups);
}

#endif
