// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* cmd_report.c: `mmretry report FILE`, the report stat would have printed,
 * rebuilt from a recording (docs/record.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lib/util.h"
#include "record/recreport.h"
#include "report/report.h"

static const char report_usage[] =
"usage: mmretry report FILE [--json] [-o OUT] [--from-events]\n"
"\n"
"The report `mmretry stat` would have printed for a recording (`mmretry\n"
"record`): rebuilt from its events (with fentry or kprobes, the fault\n"
"latency too, from the attempts), with what no event says (tracepoint\n"
"mode's fault counts and retry lock wait, the exit status) from the report\n"
"stored at its end.\n"
"A recording cut short (its writer crashed) gives what it holds.\n"
"\n"
"  -j, --json            print one JSON document (docs/json.md)\n"
"  -o, --output=OUT      write to OUT instead of stdout\n"
"      --from-events     use the events alone (what only the stored report\n"
"                        says is then unavailable)\n"
"  -h, --help            this text\n";

int report_opts_parse(int argc, char **argv, struct recording_opts *o, char *err, size_t errlen)
{
	return recording_opts_parse(argc, argv, "report", true, o, err, errlen);
}

int cmd_report(int argc, char **argv)
{
	struct recording_opts o;
	struct report r;
	char err[512], **cmd = NULL;
	FILE *out = stdout;
	int ret, rc = EXIT_USAGE;

	ret = report_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, report_usage, err);
	report_init(&r);
	if (recording_report(o.file, o.from_events, &r, &cmd))
		goto out;
	r.recording = o.file;
	if (o.output && !(out = fopen(o.output, "w"))) {
		mmr_err("cannot write '%s': %s", o.output, strerror(errno));
		rc = EXIT_CANNOT_TRACE;
		goto out;
	}
	ret = 0;
	if (o.json)
		ret = report_print_json(out, &r);
	else
		report_print_text(out, &r);
	rc = EXIT_OK;
	if (ret || fflush(out) || ferror(out)) {
		mmr_err("cannot write the report: %s", strerror(errno));
		rc = EXIT_CANNOT_TRACE;
	}
out:
	if (out && out != stdout)
		fclose(out);
	report_free(&r);
	recording_argv_free(cmd);
	return rc;
}
