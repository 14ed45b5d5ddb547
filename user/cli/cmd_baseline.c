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
"usage: mmretry baseline [-o FILE] [STAT OPTIONS] -- COMMAND [ARGS...]\n"
"       mmretry baseline [-o FILE] --report REPORT.json\n"
"       mmretry baseline --list-metrics\n"
"\n"
"Trace COMMAND as `mmretry stat` does (or read a report it wrote) and write a\n"
"baseline for `mmretry check`: the metrics this run could measure, each\n"
"with its value and a default limit (docs/baseline.md), to edit by hand.\n"
"\n"
"  -o, --output=FILE     write the baseline to FILE (default: stdout)\n"
"      --report=FILE     record from this `mmretry stat --json` report: no\n"
"                        tracing, no root needed\n"
"      --list-metrics    list the metrics a baseline may name, and stop\n"
"  -h, --help            this text\n"
"\n"
"STAT OPTIONS: as for `mmretry check --help`.\n"
"\n"
"exit status: 0 written; 2 bad usage or a malformed report; 4 cannot trace;\n"
"5 COMMAND failed (nothing is written)\n";

int baseline_opts_parse(int argc, char **argv, struct gate_opts *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		TRACE_LONGOPTS_TARGET, TRACE_LONGOPTS_RUN, TRACE_LONGOPTS_STREAM,
		{ "report", required_argument, NULL, OPT_REPORT },
		{ "list-metrics", no_argument, NULL, OPT_LIST_METRICS },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },	/* refused: why */
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, ret;

	memset(o, 0, sizeof(*o));
	trace_opts_init(&o->t);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:" TRACE_SHORT_TARGET TRACE_SHORT_RUN "jo:vh",
				longopts, NULL)) != -1) {
		ret = trace_opt(&o->t, c, optarg, "baseline", err, errlen);
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		switch (c) {
		case OPT_REPORT:
			o->report = optarg;
			break;
		case OPT_LIST_METRICS:
			o->list_metrics = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'j':
			return usage_err(err, errlen, "baseline: no --json: a baseline is YAML%s", "");
		case 'v':
			o->verbose++;
			break;
		case 'h':
			return 1;
		default:
			return opt_refused(c, "baseline", argv, err, errlen);
		}
	}
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
	if (ret == 1) {
		fputs(baseline_usage, stdout);
		return EXIT_OK;
	}
	if (ret) {
		mmr_err("%s", err);
		return EXIT_USAGE;
	}
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

