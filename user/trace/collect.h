/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * collect.h: one tracing run, start to end, into a struct report: what
 * `stat` prints and what `check`, `baseline` and `record` judge, record or
 * store. Drives the engine (engine.h) with the report's own event handlers;
 * a tap (record) sees every event as well.
 */
#ifndef MMRETRY_COLLECT_H
#define MMRETRY_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/events.h"
#include "report/report.h"
#include "trace/engine.h"

/* record: every event streamed, before the report takes its share; the
 * run's start (after attaching, before the command runs) and each poll */
struct collect_tap {
	void (*event)(void *ctx, uint32_t type, const void *data, size_t size,
		      uint32_t pid, uint32_t tid);
	int (*begin)(void *ctx, struct engine *e);
	void (*tick)(void *ctx, struct engine *e);
	void *ctx;
};

enum collect_result {
	COLLECT_OK,
	COLLECT_BAD_REQUEST,	/* no such process or cgroup */
	COLLECT_CANNOT_TRACE,	/* nothing attaches, no privileges, runtime error */
	COLLECT_NO_COMMAND,	/* the command is not found */
	COLLECT_CANNOT_RUN,	/* the command cannot be executed */
};

/* r: report_init()ed by the caller; tap: NULL but for record. Errors are
 * said on stderr. */
enum collect_result collect_report(const struct trace_opts *o, struct report *r,
				   const struct collect_tap *tap);

/* The fault-latency figures of a running engine, and which of them were
 * timed (stat's report, export's scrapes): x zeroed by the caller. 0, or
 * -errno if the map could not be read (then nothing counts as timed). */
int collect_read_latency(struct engine *e, struct report_latency *x);
/* The cgroup breakdown's rows (engine_sink.rows_by_cgroup) into x (emptied
 * first), named through names (NULL: none), with the run's figure states;
 * on failure x->why says why. */
struct cgpaths;
void collect_read_cgroups(struct engine *e, struct report_cgroups *x, struct cgpaths *names,
			  const uint8_t states[FF_NR]);

#endif
