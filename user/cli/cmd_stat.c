// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* mmretry stat: count fault retries over a duration, a pid, a cgroup or a command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lib/util.h"
#include "report/report.h"
#include "trace/collect.h"

int cmd_stat(int argc, char **argv)
{
	struct stat_opts o;
	struct report r;
	char err[512];
	int rc, ret;
	FILE *out = stdout;

	ret = stat_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret == 1) {
		fputs(stat_usage, stdout);
		return EXIT_OK;
	}
	if (ret) {
		mmr_err("%s", err);
		return EXIT_USAGE;
	}
	mmr_verbose = o.verbose;
	if (o.output) {
		out = fopen(o.output, "w");
		if (!out) {
			mmr_err("cannot write '%s': %s", o.output, strerror(errno));
			return EXIT_CANNOT_TRACE;
		}
	}
	report_init(&r);
	rc = trace_status(collect_report(&o.t, &r, NULL));
	if (rc)
		goto out;
	rc = EXIT_CANNOT_TRACE;
	ret = 0;
	if (o.json)
		ret = report_print_json(out, &r);
	else
		report_print_text(out, &r);
	if (ret || fflush(out)) {
		mmr_err("cannot write the report: %s", strerror(errno));
		goto out;
	}
	if (o.folded) {
		FILE *ff = fopen(o.folded, "w");

		if (!ff || report_print_folded(ff, &r.lock) || fclose(ff)) {
			mmr_err("cannot write '%s': %s", o.folded, strerror(errno));
			goto out;
		}
	}
	rc = r.target == TARGET_COMMAND && r.exit_status >= 0 ? r.exit_status : EXIT_OK;
out:
	if (out != stdout)
		fclose(out);
	report_free(&r);
	return rc;
}
