// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_record.c: `mmretry record` (stat's tracing, every event also written
 * to a recording: docs/record.md) and `mmretry report FILE` (the report
 * stat would have printed, from a recording).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"
#include "recorder.h"
#include "recreport.h"
#include "report.h"
#include "util.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int cmd_record(int argc, char **argv)
{
	struct recorder rc = { 0 };
	struct stat_opts o;
	struct report r;
	char err[512], *text = NULL;
	uint64_t lost;
	struct stat st;
	int ret, fd;
	json_t *j;

	ret = record_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret == 1) {
		fputs(record_usage, stdout);
		return EXIT_OK;
	}
	if (ret) {
		mmr_err("%s", err);
		return EXIT_USAGE;
	}
	mmr_verbose = o.verbose;
	/* an unwritable path costs no run */
	fd = open(o.output, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		mmr_err("cannot write '%s': %s", o.output, strerror(errno));
		return EXIT_CANNOT_TRACE;
	}
	/* the header is rewritten in place at each flush: a file, not a pipe */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		mmr_err("record: '%s' is not a regular file (a recording's header is "
			"rewritten as it grows)", o.output);
		return EXIT_USAGE;
	}
	close(fd);
	rc.path = o.output;
	report_init(&r);
	r.rec = &rc;
	ret = stat_trace(&o, &r);
	if (!rc.w) {		/* tracing never began: no recording */
		unlink(o.output);
		report_free(&r);
		return ret ? ret : EXIT_CANNOT_TRACE;
	}
	j = ret ? NULL : report_to_json(&r);
	if (j)
		text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	lost = (r.lost_events.state != VAL_NA ? r.lost_events.v : 0) + r.lock.lost + r.anon.lost;
	if (recorder_end(&rc, text, lost, mono_ns(), !ret) && !ret)
		ret = EXIT_CANNOT_TRACE;
	free(text);
	if (!ret)
		fprintf(stderr, "mmretry record: %llu events (%llu lost) from %.2f s in '%s'\n",
			(unsigned long long)rc.events, (unsigned long long)lost, r.duration_s,
			o.output);
	if (!ret && lost)
		mmr_warn("%llu events were lost (ring buffer full): try a larger --ringbuf-size",
			 (unsigned long long)lost);
	if (!ret)
		ret = r.target == TARGET_COMMAND && r.exit_status >= 0 ? r.exit_status : EXIT_OK;
	report_free(&r);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	struct recording_opts o;
	struct report r;
	char err[512], **cmd = NULL;
	FILE *out = stdout;
	int ret, rc = EXIT_USAGE;

	ret = report_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret == 1) {
		fputs(report_usage, stdout);
		return EXIT_OK;
	}
	if (ret) {
		mmr_err("%s", err);
		return EXIT_USAGE;
	}
	report_init(&r);
	if (recording_report(o.file, o.from_events, &r, &cmd))
		goto out;
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
	if (out != stdout)
		fclose(out);
	report_free(&r);
	recording_argv_free(cmd);
	return rc;
}
