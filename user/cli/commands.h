/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* commands.h: one cmd_<name>() per command (cli/cmd_<name>.c), each returning
 * the exit status, and what the commands share (cli/shared.c). */
#ifndef MMRETRY_COMMANDS_H
#define MMRETRY_COMMANDS_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses: the one table (README "Exit status", mmretry --help). */
enum {
	EXIT_OK = 0,
	EXIT_REGRESSION = 1,	/* check: a metric is over its limit */
	EXIT_USAGE = 2,		/* bad usage or malformed input */
	EXIT_UNAVAILABLE = 3,	/* check: a metric is unavailable here */
	EXIT_CANNOT_TRACE = 4,	/* no privileges, no BTF, nothing attaches, runtime error */
	EXIT_COMMAND_FAILED = 5,/* check, baseline: the traced command failed */
};

/* Can this process trace (BPF privileges, kernel BTF)? EXIT_OK, or
 * EXIT_CANNOT_TRACE with the reason said on stderr for command name. */
int can_trace(const char *name);

/* A parser's result (cli/options.c): 1 prints usage (EXIT_OK), -EINVAL the
 * message in err (EXIT_USAGE). Call it when the parser returned non-zero. */
int opts_exit(int ret, const char *usage, const char *err);

/* A tracing run's result (trace/collect.h) as the exit status to end with:
 * 0, EXIT_USAGE, EXIT_CANNOT_TRACE, or 127/126 when the command is not
 * found or cannot run (as a shell says). */
#include "trace/collect.h"
int trace_status(enum collect_result res);

/* check and baseline: the report to judge or record, read from --report or
 * traced (as root), in *out; *status: the traced command's exit status.
 * 0, or the exit status to end with, the error said. */
#include <jansson.h>
struct gate_opts;
int gate_report(const char *cmd, const struct gate_opts *o, json_t **out, int *status);

/*
 * A command as main.c's dispatch table lists it: what runs it, what it
 * needs, its line in `mmretry --help`, and its getopt_long() table (owned by
 * its cmd_<name>.c) with the long options it only has in it to refuse them
 * with a pointer (NULL-terminated, or NULL): `mmretry __complete` reads both.
 */
struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	unsigned needs;
	const char *summary;
	const struct option *longopts;
	const char *const *refused;
};

/* `mmretry __complete [WORD...] CURRENT` (cli/complete.c): the candidates for
 * CURRENT after WORDs, one per line, for the bash completion. EXIT_OK. */
int cmd_complete(const struct cmd *cmds, size_t ncmds, int argc, char **argv);

extern const struct option probe_longopts[], stat_longopts[], top_longopts[],
	export_longopts[], record_longopts[], report_longopts[], dump_longopts[],
	check_longopts[], baseline_longopts[], compare_longopts[], model_longopts[];
extern const char *const record_refused[], *const baseline_refused[];
/* model's subcommands by enum model_what, NULL-terminated */
extern const char *const model_subcommands[];

int cmd_probe(int argc, char **argv);
int cmd_stat(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_dump(int argc, char **argv);

#endif
