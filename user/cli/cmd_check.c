// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_check.c: `mmretry check`, the CI gate: a report (traced, or read)
 * held to a baseline's limits (gate/baseline.h), the verdicts written as
 * gate/render.h says.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "gate/baseline.h"
#include "gate/render.h"
#include "lib/util.h"

static const char check_usage[] =
"usage: mmretry check --baseline FILE [--junit FILE] [--json] [-o FILE]\n"
"                     [--save-report FILE] [--cgroup-depth N] [--max-cgroups N]\n"
"                     [STAT OPTIONS] -- COMMAND [ARGS...]\n"
"       mmretry check --baseline FILE --report REPORT.json [--junit FILE]\n"
"                     [--json]\n"
"       mmretry check --list-metrics\n"
"\n"
"Trace COMMAND as `mmretry stat` does (or read a report it wrote) and hold\n"
"its figures to the limits of a baseline (docs/baseline.md): a table of\n"
"metric, baseline, measured, limit, change and verdict, and an exit status\n"
"a CI job can gate on.\n"
"\n"
"      --baseline=FILE     the limits (YAML; `mmretry baseline` records one)\n"
"      --report=FILE       judge this `mmretry stat --json` report: no tracing,\n"
"                          no root needed\n"
"      --junit=FILE        also write JUnit XML, one test case per metric\n"
"  -j, --json              print JSON instead of the table\n"
"  -o, --output=FILE       write the table or JSON to FILE\n"
"      --save-report=FILE  keep the traced run's report (stat --json) in FILE\n"
"      --list-metrics      list the metrics a baseline may name, and stop\n"
"      --by cgroup         trace by cgroup, as `mmretry stat` does; implied by a\n"
"                          baseline that names cgroups (docs/baseline.md)\n"
"      --cgroup-depth=N    by cgroup, the one N levels below the root: as the\n"
"                          baseline's paths are (default: each task's own)\n"
"      --max-cgroups=N     by cgroup, at most N rows (default 64); a cgroup\n"
"                          summed in other cannot be judged\n"
"      --cgroup-tree=PATH[,PATH...]\n"
"                          by cgroup, each task in the deepest of these\n"
"                          cgroups it is in, the others in / (repeatable)\n"
"  -h, --help              this text\n"
"\n"
"STAT OPTIONS (see `mmretry stat --help`): -m, --mode=MODE, --min-hold,\n"
"--min-fault, --ringbuf-size, --no-mmap-lock, --no-anon-vma, --no-latency,\n"
"--min-chain, --min-fanout, -q, --quiet, -v, --verbose; -p, --pid, -c,\n"
"--cgroup, -d, --duration trace a process, a cgroup or a while instead of\n"
"COMMAND.\n"
"\n"
"exit status:\n"
"  0  every metric within its limits\n"
"  1  a metric is outside its limits (a regression)\n"
"  2  bad usage, or a malformed baseline or report\n"
"  3  no metric outside its limits, but one the baseline needs is unavailable\n"
"     with this kernel or mode (never passed silently)\n"
"  4  cannot trace: no privileges, no BTF, nothing attaches\n"
"  5  COMMAND failed (non-zero exit or signal): its figures are not judged\n"
"\n"
"examples:\n"
"  mmretry baseline -o mmretry-baseline.yml -- ./bench --quick\n"
"  mmretry check --baseline mmretry-baseline.yml --junit mmretry.xml \\\n"
"      -- ./bench --quick\n";

static int check_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct gate_opts *o = p;

	switch (c) {
	case OPT_BASELINE:
		o->baseline = arg;
		return 1;
	case OPT_SAVE_REPORT:
		o->save_report = arg;
		return 1;
	case OPT_JUNIT:
		o->junit = arg;
		return 1;
	case 'j':
		o->json = true;
		return 1;
	}
	return gate_opt(o, c, arg, "check", err, errlen);
}

/* the options getopt_long() takes; main.c lists them for completion */
const struct option check_longopts[] = {
	TRACE_LONGOPTS_TARGET, TRACE_LONGOPTS_RUN, TRACE_LONGOPTS_STREAM, GATE_LONGOPTS,
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "save-report", required_argument, NULL, OPT_SAVE_REPORT },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "json", no_argument, NULL, 'j' },
	{ 0 },
};

int check_opts_parse(int argc, char **argv, struct gate_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "check", .shortopts = TRACE_SHORT_TARGET TRACE_SHORT_RUN "jo:vh",
		.longopts = check_longopts, .t = &o->t, .own = check_opt, .o = o,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	trace_opts_init(&o->t);
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (!ret)
		ret = gate_opts_end(o, "check", argc, argv, err, errlen);
	if (ret || o->list_metrics)
		return ret;
	if (!o->baseline)
		return usage_err(err, errlen, "check: --baseline FILE is required%s", "");
	if (o->report && o->save_report)
		return usage_err(err, errlen, "check: --save-report needs a traced run, not "
				 "--report%s", "");
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_row *rows = NULL;
	struct gate_opts o;
	struct baseline b;
	json_t *report = NULL;
	enum verdict worst;
	char err[512];
	int rc = EXIT_CANNOT_TRACE, ret, status = 0;
	FILE *out = NULL, *junit = NULL, *saved = NULL;

	ret = check_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, check_usage, err);
	if (o.list_metrics) {
		list_metrics(stdout);
		return EXIT_OK;
	}
	mmr_verbose = o.verbose;
	/* the baseline first: a malformed one must not cost a run */
	if (baseline_load(o.baseline, &b, err, sizeof(err))) {
		mmr_err("%s", err);
		return EXIT_USAGE;
	}
	/* a baseline naming cgroups traces the breakdown they are read from */
	if (b.ncgroups && !o.report) {
		o.bc.on = true;
		by_cgroup_end(&o.bc);
	}
	/* then every output: an unwritable one must not cost a run either */
	if (!(out = out_open(o.output)) || (o.junit && !(junit = out_open(o.junit))) ||
	    (o.save_report && !(saved = out_open(o.save_report))))
		goto out;
	rc = gate_report("check", &o, &report, &status);
	if (rc)
		goto out;
	if (saved) {
		ret = json_dumpf(report, saved, JSON_INDENT(2)) || fputc('\n', saved) == EOF;
		ret |= out_close(saved, o.save_report);
		saved = NULL;
		rc = EXIT_CANNOT_TRACE;
		if (ret)
			goto out;
	}
	rows = calloc(b.n, sizeof(*rows));
	if (!rows) {
		mmr_err("out of memory");
		rc = EXIT_CANNOT_TRACE;
		goto out;
	}
	worst = baseline_check(&b, report, rows);
	rc = status ? EXIT_COMMAND_FAILED : worst == VERDICT_FAIL ? EXIT_REGRESSION :
	     worst == VERDICT_UNAVAILABLE ? EXIT_UNAVAILABLE : EXIT_OK;
	if (status)
		mmr_err("the traced command failed (exit status %d): its figures are shown, "
			"not judged", status);
	if (o.json) {
		json_t *j = check_json(o.baseline, report, rows, b.n, worst, rc);

		ret = !j || json_dumpf(j, out, JSON_INDENT(2)) || fputc('\n', out) == EOF;
		json_decref(j);
	} else {
		print_check_text(out, o.baseline, rows, b.n, worst);
		ret = 0;
	}
	if (out_close(out, o.output) || ret)
		rc = EXIT_CANNOT_TRACE;
	out = NULL;
	if (junit) {
		ret = write_junit(junit, o.baseline, rows, b.n, status);
		if (out_close(junit, o.junit) || ret)
			rc = EXIT_CANNOT_TRACE;
		junit = NULL;
	}
out:
	if (out)
		out_close(out, o.output);
	if (junit)
		out_close(junit, o.junit);
	if (saved)
		out_close(saved, o.save_report);
	free(rows);
	json_decref(report);
	baseline_free(&b);
	return rc;
}

