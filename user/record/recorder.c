// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* recorder.c: stat's events into a recording (recorder.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "record/recorder.h"
#include "lib/util.h"

int recorder_begin(struct recorder *rc, const char *path, uint64_t start_ns,
		   uint64_t start_realtime_ns, const char *meta)
{
	char err[512];

	memset(rc, 0, sizeof(*rc));
	rc->path = path;
	rc->w = rec_create(path, start_ns, start_realtime_ns, meta, err, sizeof(err));
	if (!rc->w) {
		mmr_err("%s", err);
		return -EIO;
	}
	rc->last_flush_ns = start_ns;
	/* a recording from the start, if empty: the header on disk now */
	if (rec_flush(rc->w, 0)) {
		mmr_err("cannot write '%s': %s", path, strerror(errno));
		rec_close(rc->w, 0, 0, false);
		rc->w = NULL;
		return -EIO;
	}
	return 0;
}

static void write_rec(struct recorder *rc, uint32_t type, const void *p, size_t len)
{
	int ret;

	if (rc->err || !rc->w)
		return;
	ret = rec_write(rc->w, type, p, len);
	if (ret)
		rc->err = ret;
}

/* a thread's name, from /proc while it lives ("?" once it is gone) */
static void name_task(struct recorder *rc, uint32_t pid, uint32_t tid)
{
	struct rec_task t = { .pid = pid, .tid = tid };
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, t.comm, sizeof(t.comm) - 1);
		close(fd);
	}
	if (n <= 0)
		snprintf(t.comm, sizeof(t.comm), "?");
	else
		t.comm[strcspn(t.comm, "\n")] = '\0';
	write_rec(rc, REC_TASK, &t, sizeof(t));
}

/* true the first time tid is seen */
static bool tid_new(struct recorder *rc, uint32_t tid)
{
	size_t i;

	if (!tid)
		return false;
	if (rc->ntids * 2 >= rc->cap) {
		size_t cap = rc->cap ? 2 * rc->cap : 1024, k;
		uint32_t *grown = calloc(cap, sizeof(*grown));

		if (!grown)
			return false;
		for (k = 0; k < rc->cap; k++)
			if (rc->tids[k])
				for (i = rc->tids[k] * 2654435761u % cap; ; i = (i + 1) % cap)
					if (!grown[i]) {
						grown[i] = rc->tids[k];
						break;
					}
		free(rc->tids);
		rc->tids = grown;
		rc->cap = cap;
	}
	for (i = tid * 2654435761u % rc->cap; rc->tids[i]; i = (i + 1) % rc->cap)
		if (rc->tids[i] == tid)
			return false;
	rc->tids[i] = tid;
	rc->ntids++;
	return true;
}

void recorder_event(struct recorder *rc, uint32_t type, const void *ev, size_t len,
		    uint32_t pid, uint32_t tid)
{
	int ret;

	if (tid_new(rc, tid))
		name_task(rc, pid, tid);
	write_rec(rc, type, ev, len);
	/* a busy ring keeps the poll from returning to recorder_tick(): a
	 * second is still all a crash may lose */
	if (!(++rc->events & 1023) && !rc->err && rc->w) {
		uint64_t now = mono_ns();

		if (now - rc->last_flush_ns >= 1000000000ULL) {
			ret = rec_flush(rc->w, rc->lost);
			if (ret)
				rc->err = ret;
			rc->last_flush_ns = now;
		}
	}
}

void recorder_tick(struct recorder *rc, uint64_t now_ns, const struct rec_lost *lost)
{
	int ret;

	if (rc->err || !rc->w || now_ns - rc->last_flush_ns < 1000000000ULL)
		return;
	write_rec(rc, REC_LOST, lost, sizeof(*lost));
	rc->lost = lost->faults + lost->lock + lost->anon;
	ret = rec_flush(rc->w, rc->lost);
	if (ret && !rc->err)
		rc->err = ret;
	rc->last_flush_ns = now_ns;
}

int recorder_end(struct recorder *rc, const char *report_json, uint64_t lost, uint64_t end_ns,
		 bool clean)
{
	int ret;

	if (report_json)
		write_rec(rc, REC_REPORT, report_json, strlen(report_json));
	ret = rc->w ? rec_close(rc->w, lost, end_ns, clean && !rc->err) : 0;
	rc->w = NULL;
	if (!rc->err)
		rc->err = ret;
	free(rc->tids);
	rc->tids = NULL;
	if (rc->err)
		mmr_err("cannot write the recording '%s': %s", rc->path, strerror(-rc->err));
	return rc->err;
}
