// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_baseline.c: `mmretry baseline`: a baseline for check, recorded from
 * a report (traced, or read) with each metric's default limit
 * (gate/baseline.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "gate/baseline.h"
#include "gate/render.h"
#include "lib/util.h"

static const char baseline_usage[] =
"usage: mmretry baseline [-o FILE] [--by cgroup [--cgroup-depth N]\n"
"                        [--max-cgroups N]] [STAT OPTIONS] -- COMMAND [ARGS...]\n"
"       mmretry baseline [-o FILE] --report REPORT.json\n"
"       mmretry baseline --list-metrics\n"
"\n"
"Trace COMMAND as `mmretry stat` does (or read a report it wrote) and write a\n"
"baseline for `mmretry check`: the metrics this run could measure, each\n"
"with its value and a default limit (docs/baseline.md), to edit by hand;\n"
"with a breakdown by cgroup, each cgroup's too.\n"
"\n"
"  -o, --output=FILE     write the baseline to FILE (default: stdout)\n"
"      --report=FILE     record from this `mmretry stat --json` report: no\n"
"                        tracing, no root needed\n"
"      --by cgroup       trace by cgroup too, as `mmretry stat` does, and\n"
"                        record each cgroup's figures (not other's)\n"
"      --cgroup-depth=N  by cgroup, the one N levels below the root (either\n"
"                        option implies --by cgroup)\n"
"      --max-cgroups=N   by cgroup, at most N rows (default 64)\n"
"      --cgroup-tree=PATH[,PATH...]\n"
"                        by cgroup, each task in the deepest of these cgroups\n"
"                        it is in, the others in / (repeatable)\n"
"      --list-metrics    list the metrics a baseline may name, and stop\n"
"  -h, --help            this text\n"
"\n"
"STAT OPTIONS: as for `mmretry check --help`.\n"
"\n"
"exit status: 0 written; 2 bad usage or a malformed report; 4 cannot trace;\n"
"5 COMMAND failed (nothing is written)\n";

static int baseline_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	if (c == 'j')
		return usage_err(err, errlen, "baseline: no --json: a baseline is YAML%s", "");
	return gate_opt(p, c, arg, "baseline", err, errlen);
}

/* in the table only to be refused with a pointer: not offered by completion */
const char *const baseline_refused[] = { "json", NULL };

/* the options getopt_long() takes; main.c lists them for completion */
const struct option baseline_longopts[] = {
	TRACE_LONGOPTS_TARGET, TRACE_LONGOPTS_RUN, TRACE_LONGOPTS_STREAM, GATE_LONGOPTS,
	{ "json", no_argument, NULL, 'j' },	/* refused: why */
	{ 0 },
};

int baseline_opts_parse(int argc, char **argv, struct gate_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "baseline", .shortopts = TRACE_SHORT_TARGET TRACE_SHORT_RUN "jo:vh",
		.longopts = baseline_longopts, .t = &o->t, .own = baseline_opt, .o = o,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	trace_opts_init(&o->t);
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (ret)
		return ret;
	return gate_opts_end(o, "baseline", argc, argv, err, errlen);
}

int cmd_baseline(int argc, char **argv)
{
	struct gate_opts o;
	json_t *report = NULL;
	char err[512], skipped[1024];
	int rc, ret, n, status = 0;
	bool created = false;
	FILE *out = NULL;

	ret = baseline_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, baseline_usage, err);
	if (o.list_metrics) {
		list_metrics(stdout);
		return EXIT_OK;
	}
	mmr_verbose = o.verbose;
	/* the file first, so an unwritable one costs no run; removed if no
	 * baseline makes it there */
	rc = EXIT_CANNOT_TRACE;
	out = out_open(o.output);
	if (!out)
		goto out;
	created = o.output != NULL;
	rc = gate_report("baseline", &o, &report, &status);
	if (rc)
		goto out;
	if (status) {
		mmr_err("the traced command failed (exit status %d): no baseline written", status);
		rc = EXIT_COMMAND_FAILED;
		goto out;
	}
	n = baseline_record(out, report, skipped, sizeof(skipped));
	ret = out_close(out, o.output);
	out = NULL;
	if (ret || n < 0) {
		rc = EXIT_CANNOT_TRACE;
		goto out;
	}
	if (o.output)
		fprintf(stderr, "mmretry baseline: %d metrics recorded in %s\n", n, o.output);
	if (skipped[0])
		fprintf(stderr, "mmretry baseline: unavailable here, not recorded: %s\n", skipped);
	rc = EXIT_OK;
out:
	if (out)
		out_close(out, o.output);
	if (rc && created)
		unlink(o.output);
	json_decref(report);
	return rc;
}

