// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mmretry: page-fault retries, mmap_lock and anon_vma observability.
 * One dispatch table; the dispatcher checks each command's needs once.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "lib/util.h"

enum { NEED_ROOT = 1, NEED_BTF = 2 };

static const struct cmd cmds[] = {
	{ "probe", cmd_probe, 0, "what this kernel offers and the mode each capability uses",
	  probe_longopts, NULL },
	{ "stat", cmd_stat, NEED_ROOT | NEED_BTF, "count fault retries and their reasons",
	  stat_longopts, NULL },
	{ "top", cmd_top, NEED_ROOT | NEED_BTF, "a refreshing per-process table of retries",
	  top_longopts, NULL },
	{ "export", cmd_export, NEED_ROOT | NEED_BTF, "serve the figures as Prometheus metrics",
	  export_longopts, NULL },
	{ "record", cmd_record, NEED_ROOT | NEED_BTF, "write every event to a recording",
	  record_longopts, record_refused },
	{ "report", cmd_report, 0, "the report of a recording", report_longopts, NULL },
	{ "dump", cmd_dump, 0, "print a recording's events as text or JSON lines",
	  dump_longopts, NULL },
	/* these trace only when given a command (they check can_trace() then) */
	{ "check", cmd_check, 0, "gate CI: hold a workload's figures to a baseline",
	  check_longopts, NULL },
	{ "baseline", cmd_baseline, 0, "record a baseline for check from a run",
	  baseline_longopts, baseline_refused },
	{ "compare", cmd_compare, 0, "two reports side by side, with differences",
	  compare_longopts, NULL },
	{ "model", cmd_model, 0, "the reference fault path: kernel eras, simulated",
	  model_longopts, NULL },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char usage[] =
"usage: mmretry [--version] [--help] COMMAND [ARGS]\n"
"\n"
"Page-fault retry observability: counts VM_FAULT_RETRY and VM_FAULT_COMPLETED\n"
"by reason, with CO-RE BPF programs (fentry, kprobe or tracepoints).\n"
"\n"
"commands:\n";

static const char exit_table[] =
"\n"
"exit status:\n"
"  0  success\n"
"  1  check: a metric regressed beyond its limit\n"
"  2  bad usage or malformed input\n"
"  3  check: a metric the baseline needs is unavailable here\n"
"  4  cannot trace: no privileges, no BTF, nothing attaches, runtime error\n"
"  5  check, baseline: the traced command failed (non-zero exit or signal)\n"
"  stat -- COMMAND exits with COMMAND's status (128+N if killed by signal N)\n"
"\n"
"`mmretry help COMMAND` (or `mmretry COMMAND --help`) describes a command.\n";

static void print_usage(FILE *out)
{
	size_t i;

	fputs(usage, out);
	for (i = 0; i < NCMDS; i++)
		fprintf(out, "  %-8s %s\n", cmds[i].name, cmds[i].summary);
	fputs(exit_table, out);
}

static int wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	mmr_err("'%s' is not a command; see 'mmretry --help'", name);
	return NULL;
}

/* `mmretry help COMMAND`: what `mmretry COMMAND --help` prints */
static int help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		mmr_err("help: one command at a time ('%s')", argv[2]);
		return EXIT_USAGE;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return EXIT_USAGE;
	return c->fn(2, (char *[]){ argv[1], "--help", NULL });
}

int main(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version")) {
		printf("mmretry %s\n", MMRETRY_VERSION);
		return EXIT_OK;
	}
	/* hidden: the bash completion's source of commands, options and values
	 * (packaging/bash-completion/mmretry, cli/complete.c) */
	if (!strcmp(argv[1], "__complete"))
		return cmd_complete(cmds, NCMDS, argc - 2, argv + 2);
	if (argv[1][0] == '-') {
		mmr_err("unknown option '%s'; see 'mmretry --help'", argv[1]);
		return EXIT_USAGE;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return EXIT_USAGE;
	if (!wants_help(argc - 1, argv + 1) && (c->needs & (NEED_ROOT | NEED_BTF)) &&
	    can_trace(c->name))
		return EXIT_CANNOT_TRACE;
	return c->fn(argc - 1, argv + 1);
}
