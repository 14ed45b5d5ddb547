// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_dump.c: `mmretry dump`: a recording's header and records, one line
 * each, as text or JSON lines (docs/record.md). Reads; never traces.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "record/recfile.h"
#include "lib/util.h"

/* one JSON object on one line; false if it could not be written */
static bool put_json(FILE *out, json_t *j)
{
	bool ok = j && !json_dumpf(j, out, JSON_COMPACT | JSON_PRESERVE_ORDER) &&
		  fputc('\n', out) != EOF;

	json_decref(j);
	return ok;
}

static const char dump_usage[] =
"usage: mmretry dump [--json] [-o FILE] RECORDING\n"
"\n"
"Print a recording (`mmretry record`, docs/record.md): its header as one\n"
"comment line, then one line per record, times in seconds after the start.\n"
"No root needed, and any machine reads a recording made on any other.\n"
"\n"
"  -j, --json            JSON lines: the header, then one object per record\n"
"                        (type, offset, its fields by name)\n"
"  -o, --output=FILE     write to FILE instead of stdout\n"
"  -h, --help            this text\n"
"\n"
"exit status: 0 read to the end (a recording whose writer stopped without\n"
"ending it is read up to the cut, with a note); 2 bad usage, or a damaged\n"
"recording (what was read is printed, then the error and its offset);\n"
"4 the output cannot be written\n"
"\n"
"examples:\n"
"  mmretry dump run.mmr | less\n"
"  mmretry dump --json run.mmr | jq 'select(.type == \"retry\") | .reason'\n";

int dump_opts_parse(int argc, char **argv, struct recording_opts *o, char *err, size_t errlen)
{
	return recording_opts_parse(argc, argv, "dump", false, o, err, errlen);
}

int cmd_dump(int argc, char **argv)
{
	struct rec_reader *r = NULL;
	struct recording_opts o;
	struct rec_item it;
	char err[512];
	int rc = EXIT_USAGE, ret;
	bool bad = false;
	FILE *out = NULL;

	ret = dump_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, dump_usage, err);
	r = rec_open(o.file, err, sizeof(err));
	if (!r) {
		mmr_err("%s", err);
		return EXIT_USAGE;
	}
	out = o.output ? fopen(o.output, "w") : stdout;
	if (!out) {
		mmr_err("cannot write '%s': %s", o.output, strerror(errno));
		rc = EXIT_CANNOT_TRACE;
		goto out;
	}
	if (o.json)
		bad |= !put_json(out, rec_header_json(r));
	else
		rec_header_text(out, r);
	/* what precedes an error is printed: the error says where it stopped */
	while (!bad && (ret = rec_next(r, &it, err, sizeof(err))) > 0) {
		if (o.json)
			bad |= !put_json(out, rec_item_json(&it));
		else
			rec_item_text(out, &it, rec_header(r)->start_ns);
		bad |= ferror(out) != 0;
	}
	bad |= fflush(out) != 0 || ferror(out) != 0;
	if (out != stdout)
		bad |= fclose(out) != 0;
	if (bad) {
		mmr_err("cannot write '%s': %s", o.output ? o.output : "stdout",
			strerror(errno ? errno : EIO));
		rc = EXIT_CANNOT_TRACE;
		goto out;
	}
	if (ret < 0) {
		mmr_err("%s", err);
		goto out;	/* EXIT_USAGE: malformed input */
	}
	if (rec_skipped(r))
		mmr_warn("%s: skipped %" PRIu64 " records of types this mmretry does not know "
			 "(a newer mmretry wrote them)", o.file, rec_skipped(r));
	if (rec_truncated(r))
		mmr_warn("%s: the recording did not end cleanly (its writer was stopped): "
			 "read up to the cut", o.file);
	rc = EXIT_OK;
out:
	rec_close_reader(r);
	return rc;
}
