/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* target.h: the processes a command traces: a command it starts, a cgroup. */
#ifndef MMRETRY_TARGET_H
#define MMRETRY_TARGET_H

#include <stdbool.h>
#include <sys/types.h>

struct command {
	pid_t pid;
	int go_fd;	/* write end: the child execs when it is closed */
	int err_fd;	/* read end: errno of a failed exec */
};

/* Fork a child that waits to be released before exec'ing argv; with
 * out_to_err its stdout is our stderr. 0 or -errno. */
int command_prepare(struct command *c, char *const argv[], bool out_to_err);
/* Release it. 0, or -errno if exec failed (the child has then exited). */
int command_start(struct command *c);
/* Kill and reap a prepared child that will not be started. */
void command_abort(struct command *c);
/* Shell-style status: exit code, or 128 + signal. */
int command_exit_code(int wstatus);

#endif
