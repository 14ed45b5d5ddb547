// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "trace/target.h"

int command_prepare(struct command *c, char *const argv[], bool out_to_err)
{
	int go[2], ex[2];
	char b;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(ex, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	c->pid = fork();
	if (c->pid < 0) {
		int err = -errno;

		close(go[0]); close(go[1]); close(ex[0]); close(ex[1]);
		return err;
	}
	if (c->pid == 0) {
		int e;

		close(go[1]);
		close(ex[0]);
		/* wait until the tracer has attached and knows our pid */
		if (read(go[0], &b, 1) < 0)
			_exit(127);
		if (out_to_err && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ex[1]);
	c->go_fd = go[1];
	c->err_fd = ex[0];
	return 0;
}

int command_start(struct command *c)
{
	ssize_t n;
	int e;

	close(c->go_fd);	/* EOF releases the child */
	c->go_fd = -1;
	/* the exec-error pipe closes on a successful exec (O_CLOEXEC) */
	do {
		n = read(c->err_fd, &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	close(c->err_fd);
	c->err_fd = -1;
	if (n == sizeof(e)) {
		waitpid(c->pid, NULL, 0);
		return -e;
	}
	return 0;
}

void command_abort(struct command *c)
{
	if (c->pid <= 0)
		return;
	kill(c->pid, SIGKILL);
	if (c->go_fd >= 0)
		close(c->go_fd);
	if (c->err_fd >= 0)
		close(c->err_fd);
	waitpid(c->pid, NULL, 0);
	c->pid = -1;
}

int command_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
