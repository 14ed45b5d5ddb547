/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * recreport.h: the report a recording gives (`mmretry report FILE`), the
 * one stat printed at its end: rebuilt from the recorded events, with what
 * no event says (tracepoint mode's fault counts, skipped program runs, the
 * exit status) from the report stored at the recording's end.
 */
#ifndef MMRETRY_RECREPORT_H
#define MMRETRY_RECREPORT_H

#include <stdbool.h>

#include "report/report.h"

/*
 * Fill r (report_init()ed) from the recording at path; from_events: leave
 * the stored report out (what it alone says is then unavailable). The
 * command's argv is kept in *argv: recording_argv_free() it after r. 0, or
 * -EINVAL with the error said on stderr.
 */
int recording_report(const char *path, bool from_events, struct report *r, char ***argv);
void recording_argv_free(char **argv);

#endif
