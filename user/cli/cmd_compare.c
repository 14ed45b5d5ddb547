// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cmd_compare.c: `mmretry compare A.json B.json`: two reports side by side. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "gate/baseline.h"
#include "gate/render.h"
#include "lib/util.h"

static const char compare_usage[] =
"usage: mmretry compare [--json] [-o FILE] A.json B.json\n"
"\n"
"Two `mmretry stat --json` reports side by side: every metric either one\n"
"measured (`mmretry check --list-metrics`), with B - A and (B - A) / A, then\n"
"each cgroup's (stat --by cgroup), named \"CGROUP: metric\".\n"
"\n"
"  -j, --json            print JSON instead of the table\n"
"  -o, --output=FILE     write to FILE instead of stdout\n"
"  -h, --help            this text\n"
"\n"
"exit status: 0 compared; 2 bad usage or a malformed report\n";

static int compare_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct compare_opts *o = p;

	switch (c) {
	case 'j':
		o->json = true;
		return 1;
	case 'o':
		o->output = arg;
		return 1;
	}
	return 0;
}

/* the options getopt_long() takes; main.c lists them for completion */
const struct option compare_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int compare_opts_parse(int argc, char **argv, struct compare_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "compare", .shortopts = "jo:h", .longopts = compare_longopts, .own = compare_opt,
		.o = o, .anywhere = true,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (ret)
		return ret;
	if (argc - optind != 2)
		return usage_err(err, errlen, "compare: needs two reports, A.json and B.json%s",
				 "");
	o->a = argv[optind];
	o->b = argv[optind + 1];
	if (o->output && (same_file(o->output, o->a) || same_file(o->output, o->b)))
		return usage_err(err, errlen, "compare: -o '%s' is one of the reports it reads",
				 o->output);
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct compare_opts o;
	struct compare_row *rows = NULL;
	json_t *a = NULL, *b = NULL;
	char err[512];
	int rc = EXIT_USAGE, ret;
	size_t n;
	FILE *out;

	ret = compare_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, compare_usage, err);
	if (report_load(o.a, &a, err, sizeof(err)) || report_load(o.b, &b, err, sizeof(err))) {
		mmr_err("%s", err);
		goto out;
	}
	rc = EXIT_CANNOT_TRACE;
	rows = calloc(report_compare_max(a, b), sizeof(*rows));
	if (!rows || !(out = out_open(o.output)))
		goto out;
	n = report_compare(a, b, rows);
	if (o.json) {
		json_t *j = compare_json(o.a, o.b, rows, n);

		ret = !j || json_dumpf(j, out, JSON_INDENT(2)) || fputc('\n', out) == EOF;
		json_decref(j);
	} else {
		ret = print_compare_text(out, o.a, o.b, rows, n);
		if (ret)
			mmr_err("out of memory");
	}
	if (!out_close(out, o.output) && !ret)
		rc = EXIT_OK;
out:
	free(rows);
	json_decref(a);
	json_decref(b);
	return rc;
}
