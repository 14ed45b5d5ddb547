// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * shared.c: what several commands do alike (commands.h): whether this
 * process can trace, a tracing run's result as an exit status, and the
 * report check and baseline judge or record (read, or traced).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "gate/baseline.h"
#include "lib/util.h"
#include "report/report.h"
#include "trace/collect.h"

int trace_status(enum collect_result res)
{
	switch (res) {
	case COLLECT_OK:
		return EXIT_OK;
	case COLLECT_BAD_REQUEST:
		return EXIT_USAGE;
	case COLLECT_NO_COMMAND:
		return 127;
	case COLLECT_CANNOT_RUN:
		return 126;
	default:
		return EXIT_CANNOT_TRACE;
	}
}

int can_trace(const char *name)
{
	char what[128];

	if (check_bpf_privileges(what, sizeof(what))) {
		mmr_err("%s needs %s", name, what);
		return EXIT_CANNOT_TRACE;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		mmr_err("this kernel has no BTF (/sys/kernel/btf/vmlinux): mmretry needs "
			"a kernel built with CONFIG_DEBUG_INFO_BTF=y");
		return EXIT_CANNOT_TRACE;
	}
	return EXIT_OK;
}

/* dump and report: one recording, --json, -o; report also --from-events */
/*
 * The report to judge or record: read from --report, or traced (stat's
 * tracing, as root). 0 and *out, or the exit status to end with.
 */
int gate_report(const char *cmd, const struct gate_opts *o, json_t **out, int *status)
{
	struct report r;
	char err[512];
	int rc;

	*status = 0;
	if (o->report)
		return report_load(o->report, out, err, sizeof(err)) ?
			(mmr_err("%s", err), EXIT_USAGE) : 0;
	rc = can_trace(cmd);
	if (rc)
		return rc;
	report_init(&r);
	r.cgroups.wanted = o->bc.on;
	r.cgroups.depth = o->bc.depth;
	r.cgroups.trees = &o->bc.trees;
	r.cgroups.max = o->bc.max;
	rc = trace_status(collect_report(&o->t, &r, NULL));
	if (rc == 126 || rc == 127)	/* the command could not run: its failure */
		rc = EXIT_COMMAND_FAILED;
	if (!rc) {
		*out = report_to_json(&r);
		if (!*out) {
			mmr_err("out of memory");
			rc = EXIT_CANNOT_TRACE;
		}
		*status = r.target == TARGET_COMMAND ? r.exit_status : 0;
	}
	report_free(&r);
	return rc;
}

