/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* commands.h: one cmd_<name>() per subcommand; each returns the exit status. */
#ifndef MMRETRY_COMMANDS_H
#define MMRETRY_COMMANDS_H

/* Exit statuses: the one table (README "Exit status", mmretry --help). */
enum {
	EXIT_OK = 0,
	EXIT_REGRESSION = 1,	/* check: a metric is over its limit */
	EXIT_USAGE = 2,		/* bad usage or malformed input */
	EXIT_UNAVAILABLE = 3,	/* check: a metric is unavailable here */
	EXIT_CANNOT_TRACE = 4,	/* no privileges, no BTF, nothing attaches, runtime error */
};

int cmd_probe(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
