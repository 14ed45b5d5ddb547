/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * recorder.h: `mmretry record`'s side of stat's tracing: every event the
 * tracers stream goes into a recording (recfile.h), with a record naming
 * each thread when it is first seen, the lost counts once a second, and
 * stat's report at the end.
 */
#ifndef MMRETRY_RECORDER_H
#define MMRETRY_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/recfile.h"

struct recorder {
	const char *path;
	struct rec_writer *w;
	uint32_t *tids;			/* threads named so far: an open-addressing set */
	size_t ntids, cap;
	uint64_t events;		/* event records written */
	uint64_t last_flush_ns;
	uint64_t lost;			/* the last lost count recorder_tick() was given */
	int err;			/* the first write error (-errno), 0 if none */
};

/* Create the recording with its metadata (a JSON object's text). 0, or
 * -errno with the error said on stderr. */
int recorder_begin(struct recorder *rc, const char *path, uint64_t start_ns,
		   uint64_t start_realtime_ns, const char *meta);
/* One streamed event of its type (len bytes), by thread tid of process pid. */
void recorder_event(struct recorder *rc, uint32_t type, const void *ev, size_t len,
		    uint32_t pid, uint32_t tid);
/* Once a second while tracing: the lost counts so far, and a flush when a
 * second has passed since the last one. */
void recorder_tick(struct recorder *rc, uint64_t now_ns, const struct rec_lost *lost);
/* stat's report (JSON text, or NULL), the end, and close. 0 or -errno (the
 * first error of the whole recording), said on stderr. */
int recorder_end(struct recorder *rc, const char *report_json, uint64_t lost, uint64_t end_ns,
		 bool clean);

#endif
