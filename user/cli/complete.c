// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * complete.c: `mmretry __complete [WORD...] CURRENT`, hidden from --help,
 * for the bash completion (packaging/bash-completion/mmretry), as cobra's
 * __complete: WORDs are what was typed after `mmretry` before the word being
 * completed, CURRENT that word (maybe empty). It prints every candidate for
 * that position, one per line, unfiltered (the script keeps those starting
 * with CURRENT), and nothing where a file goes or it has no list: the script
 * then completes file names. The lists come from what the parsers use (the
 * commands' getopt_long() tables, mode_parse()'s names, top's sort keys, the
 * model's scenarios and policies), so completion cannot drift from them.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "stats/figures.h"
#include "stats/top.h"

static bool refused(const struct cmd *c, const char *name)
{
	const char *const *r;

	for (r = c->refused; r && *r; r++)
		if (!strcmp(*r, name))
			return true;
	return false;
}

/* a long option as getopt_long() finds it: exact, or a unique prefix */
static const struct option *long_opt(const struct cmd *c, const char *name, size_t len)
{
	const struct option *o, *found = NULL;
	int n = 0;

	for (o = c->longopts; o->name; o++) {
		if (strncmp(o->name, name, len))
			continue;
		if (strlen(o->name) == len)
			return o;
		found = o;
		n++;
	}
	return n == 1 ? found : NULL;
}

/* a short option: the table's entries whose value is their letter */
static const struct option *short_opt(const struct cmd *c, int ch)
{
	const struct option *o;

	for (o = c->longopts; o->name; o++)
		if (o->val == ch)
			return o;
	return NULL;
}

static bool is_short(int val)
{
	return val > 0 && val < 128 && isalnum(val);
}

static void list_options(const struct cmd *c)
{
	const struct option *o;

	for (o = c->longopts; o->name; o++) {
		if (refused(c, o->name))
			continue;
		printf("--%s\n", o->name);
		if (is_short(o->val))
			printf("-%c\n", o->val);
	}
}

/* the values an option takes, or nothing (a file, a number, a path) */
static void list_values(const struct cmd *c, const struct option *o, const char *cur,
			const char *before)
{
	size_t i, keep;

	if (!strcmp(o->name, "mode")) {
		for (i = MMR_MODE_FENTRY; i < MMR_NR_MODES; i++)
			printf("%s%s\n", before, mode_name(i));
		printf("%slight\n%sauto\n", before, before);
	} else if (!strcmp(o->name, "by")) {
		printf("%scgroup\n", before);
	} else if (!strcmp(c->name, "top") && !strcmp(o->name, "sort")) {
		for (i = 0; i < TOP_NR_SORTS; i++)
			printf("%s%s\n", before, top_sort_names[i]);
	} else if (!strcmp(c->name, "model") && !strcmp(o->name, "policy")) {
		for (i = 0; i < MODEL_NR_POLICIES; i++)
			printf("%s%s\n", before, model_policy_info(i)->name);
		printf("%sauto\n", before);
	} else if (!strcmp(c->name, "model") && !strcmp(o->name, "policies")) {
		/* P,P,...: the names after what is typed up to the last comma */
		keep = strrchr(cur, ',') ? (size_t)(strrchr(cur, ',') - cur) + 1 : 0;
		for (i = 0; i < MODEL_NR_POLICIES; i++)
			printf("%s%.*s%s\n", before, (int)keep, cur, model_policy_info(i)->name);
	}
}

/* operand n (from 0) after the options; ops: those before it */
static void list_operands(const struct cmd *c, int n, char **ops)
{
	size_t i;

	if (strcmp(c->name, "model"))
		return;		/* the others take files, or a command after -- */
	if (n == 0) {
		for (i = 0; model_subcommands[i]; i++)
			printf("%s\n", model_subcommands[i]);
	} else if (n == 1 && (!strcmp(ops[0], "run") || !strcmp(ops[0], "compare") ||
			      !strcmp(ops[0], "bench"))) {
		for (i = 0; i < model_scenario_count(); i++)
			printf("%s\n", model_scenario_at(i)->name);
	}
}

static void complete_cmd(const struct cmd *c, int nwords, char **words, const char *cur)
{
	const struct option *pending = NULL, *o;
	bool command = false;	/* after --: the traced command's words */
	const char *w, *eq;
	int i, nops = 0;

	for (i = 0; i < nwords; i++) {
		w = words[i];
		if (pending) {		/* the value of the option before */
			pending = NULL;
		} else if (command) {
			continue;
		} else if (!strcmp(w, "--")) {
			command = true;
		} else if (!strncmp(w, "--", 2)) {
			eq = strchr(w, '=');
			o = long_opt(c, w + 2, eq ? (size_t)(eq - w - 2) : strlen(w + 2));
			if (o && o->has_arg == required_argument && !eq)
				pending = o;
		} else if (w[0] == '-' && w[1]) {
			/* -abc: letters until one that takes a value, which is the
			 * rest of the word or the next word */
			for (w++; *w && (o = short_opt(c, *w)); w++)
				if (o->has_arg == required_argument) {
					if (!w[1])
						pending = o;
					break;
				}
		} else {
			words[nops++] = words[i];	/* operands, kept in order */
		}
	}
	if (pending) {
		list_values(c, pending, cur, "");
	} else if (command) {
		return;
	} else if (!strncmp(cur, "--", 2) && (eq = strchr(cur, '='))) {
		/* --opt=VALUE as one word: the candidates are whole words too */
		o = long_opt(c, cur + 2, (size_t)(eq - cur - 2));
		if (o && o->has_arg != no_argument) {
			char before[128];

			snprintf(before, sizeof(before), "%.*s", (int)(eq - cur + 1), cur);
			list_values(c, o, eq + 1, before);
		}
	} else if (cur[0] == '-') {
		list_options(c);
	} else {
		list_operands(c, nops, words);
	}
}

int cmd_complete(const struct cmd *cmds, size_t ncmds, int argc, char **argv)
{
	const char *cur = argc > 0 ? argv[argc - 1] : "";
	size_t i;

	if (argc <= 1 || (argc == 2 && !strcmp(argv[0], "help"))) {
		for (i = 0; i < ncmds; i++)
			printf("%s\n", cmds[i].name);
		if (argc <= 1)
			printf("help\n");
		return EXIT_OK;
	}
	for (i = 0; i < ncmds; i++)
		if (!strcmp(argv[0], cmds[i].name))
			complete_cmd(&cmds[i], argc - 2, argv + 1, cur);
	return EXIT_OK;
}
