// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * options.c: what the commands' option parsers share (options.h): the
 * trace option group, a recording to read, the messages for refused
 * options, and how a tracing run's result becomes an exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lib/util.h"
#include "report/cgroups.h"	/* the breakdown's limits */
#include "stats/figures.h"

#define MIN_DURATION_S 1e-3
#define MAX_DURATION_S (30 * 86400.0)
#define DEFAULT_MIN_HOLD_NS 1000000ULL	/* README: "mmap_lock" explains the choice */
#define DEFAULT_MIN_FAULT_NS 1000000ULL	/* README: "The slowest faults" explains it */
#define DEFAULT_MIN_CHAIN 8		/* README: "anon_vma" explains both */
#define DEFAULT_MIN_FANOUT 32

int usage_err(char *err, size_t len, const char *fmt, const char *arg)
{
	snprintf(err, len, fmt, arg);
	return -EINVAL;
}

int by_cgroup_opt(struct by_cgroup_opts *b, int c, const char *arg, const char *cmd, char *err,
		  size_t errlen)
{
	uint64_t v;

	switch (c) {
	case OPT_BY:
		if (strcmp(arg, "cgroup")) {
			snprintf(err, errlen, "%s: unknown --by '%s' (cgroup)", cmd, arg);
			return -EINVAL;
		}
		b->on = true;
		return 1;
	case OPT_CGROUP_DEPTH:
		if (parse_u64(arg, &v) || v > CGROUPS_DEPTH_LIMIT) {
			snprintf(err, errlen, "%s: invalid --cgroup-depth '%s' (0 to %d; 0: each "
				 "task's own cgroup)", cmd, arg, CGROUPS_DEPTH_LIMIT);
			return -EINVAL;
		}
		b->depth = (uint32_t)v;
		b->on = true;
		break;
	case OPT_CGROUP_TREE: {
		/* the paths stay in use (labels, the report's trees) */
		char *list = strdup(arg), why[512];
		int ret;

		if (!list)
			return -ENOMEM;
		ret = cgroup_trees_add(&b->trees, list, why, sizeof(why));
		if (ret) {
			free(list);
			snprintf(err, errlen, "%s: %s", cmd, why);
			return ret == -ENOMEM ? ret : -EINVAL;
		}
		b->on = true;
		break;
	}
	case OPT_MAX_CGROUPS:
		if (parse_u64(arg, &v) || !v || v > CGROUPS_MAX_LIMIT) {
			snprintf(err, errlen, "%s: invalid --max-cgroups '%s' (1 to %d)", cmd, arg,
				 CGROUPS_MAX_LIMIT);
			return -EINVAL;
		}
		b->max = (uint32_t)v;
		b->on = true;
		return 1;
	default:
		return 0;
	}
	if (b->depth && b->trees.n) {
		snprintf(err, errlen, "%s: --cgroup-depth and --cgroup-tree: one grouping at a time",
			 cmd);
		return -EINVAL;
	}
	return 1;
}

void by_cgroup_end(struct by_cgroup_opts *b)
{
	if (!b->max)
		b->max = CGROUPS_MAX_DEFAULT;
}

int opt_refused(int c, const char *cmd, char **argv, char *err, size_t errlen)
{
	const char *typed = argv[optind - 1];
	int n = (int)strcspn(typed, "=");

	if (!strncmp(typed, "--", 2))	/* a long option, as typed (without =VALUE) */
		snprintf(err, errlen, c == ':' ? "%s: %.*s needs a value" :
			 optopt ? "%s: %.*s takes no value" : "%s: unknown option '%.*s'",
			 cmd, n, typed);
	else
		snprintf(err, errlen, c == ':' ? "%s: -%c needs a value" :
			 "%s: unknown option '-%c'", cmd, optopt);
	return -EINVAL;
}

int opts_parse(const struct opts_spec *s, int argc, char **argv, char *err, size_t errlen)
{
	char shorts[64];
	int c, ret;

	/* ':' first: a missing value is ':', not '?' */
	snprintf(shorts, sizeof(shorts), "%s:%s", s->anywhere ? "" : "+", s->shortopts);
	optind = 0;	/* reset getopt, also for repeated calls in tests */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, s->longopts, NULL)) != -1) {
		if (c == 'h')
			return 1;
		if (c == '?' || c == ':')
			return opt_refused(c, s->cmd, argv, err, errlen);
		ret = s->t ? trace_opt(s->t, c, optarg, s->cmd, err, errlen) : 0;
		if (!ret && s->own)
			ret = s->own(s->o, c, optarg, err, errlen);
		if (ret < 0)
			return ret;
		if (!ret)	/* in the table, yet no one's: refused all the same */
			return opt_refused('?', s->cmd, argv, err, errlen);
	}
	return 0;
}

int opts_exit(int ret, const char *usage, const char *err)
{
	if (ret == 1) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	mmr_err("%s", err);
	return EXIT_USAGE;
}

void trace_opts_init(struct trace_opts *t)
{
	memset(t, 0, sizeof(*t));
	t->min_hold_ns = DEFAULT_MIN_HOLD_NS;
	t->min_fault_ns = DEFAULT_MIN_FAULT_NS;
	t->min_chain = DEFAULT_MIN_CHAIN;
	t->min_fanout = DEFAULT_MIN_FANOUT;
}

int trace_opt(struct trace_opts *t, int c, const char *arg, const char *cmd, char *err,
	      size_t errlen)
{
	uint64_t v;
	double secs;

	switch (c) {
	case 'd':
		/* a month at most, as top's -i is held to a day: a typo of a few
		 * digits is refused rather than tracing forever */
		if (parse_duration(arg, &t->duration) || t->duration < MIN_DURATION_S ||
		    t->duration > MAX_DURATION_S)
			break;
		return 1;
	case 'q':
		t->quiet = true;
		return 1;
	case 'p':
		if (parse_u64(arg, &v) || v == 0 || v > 4194304)
			break;
		t->pid = (pid_t)v;
		return 1;
	case 'c':
		if (!*arg) {
			snprintf(err, errlen, "%s: empty cgroup path", cmd);
			return -EINVAL;
		}
		t->cgroup = arg;
		return 1;
	case 'm':
		/* light: auto, tracepoint mode first (plan_request.light); an
		 * explicit auto or mode is the full order */
		t->light = !strcmp(arg, "light");
		if (t->light)
			t->mode = MMR_MODE_NONE;
		else if (mode_parse(arg, &t->mode))
			break;
		return 1;
	case OPT_MIN_HOLD:
		if (!strcmp(arg, "0")) {
			t->min_hold_ns = 0;	/* every hold and wait */
			return 1;
		}
		if (parse_duration(arg, &secs) || secs < 1e-6)
			break;
		t->min_hold_ns = (uint64_t)(secs * 1e9 + 0.5);
		return 1;
	case OPT_MIN_FAULT:
		if (!strcmp(arg, "0")) {
			t->min_fault_ns = 0;	/* every fault */
			return 1;
		}
		if (parse_duration(arg, &secs) || secs < 1e-6)
			break;
		t->min_fault_ns = (uint64_t)(secs * 1e9 + 0.5);
		return 1;
	case OPT_NO_MMAP_LOCK:
		t->no_mmap_lock = true;
		return 1;
	case OPT_MIN_CHAIN:
		if (parse_u64(arg, &v) || v > 1u << 20)
			break;
		t->min_chain = (uint32_t)v;
		return 1;
	case OPT_MIN_FANOUT:
		if (parse_u64(arg, &v) || v > 1u << 20)
			break;
		t->min_fanout = (uint32_t)v;
		return 1;
	case OPT_NO_ANON_VMA:
		t->no_anon_vma = true;
		return 1;
	case OPT_NO_LATENCY:
		t->no_latency = true;
		return 1;
	case OPT_RINGBUF:
		if (parse_size(arg, &v) || (v & (v - 1)))
			break;
		t->ringbuf_bytes = v;
		return 1;
	default:
		return 0;
	}
	{
		static const struct {
			int c;
			const char *what;
		} bad[] = {
			{ 'd', "invalid duration '%s' (1ms to 30 days, e.g. 10, 1.5, 500ms, "
			       "2m, 1h)" },
			{ 'p', "invalid pid '%s'" },
			{ 'm', "unknown mode '%s' (fentry, kprobe, tracepoint, light or auto)" },
			{ OPT_MIN_HOLD, "invalid --min-hold '%s' (e.g. 500us, 1ms, 0.01, or 0 "
					"for all)" },
			{ OPT_MIN_FAULT, "invalid --min-fault '%s' (e.g. 500us, 1ms, 0.01, or 0 "
					 "for all)" },
			{ OPT_MIN_CHAIN, "invalid --min-chain '%s' (a number of anon_vmas, 0 for "
					 "all)" },
			{ OPT_MIN_FANOUT, "invalid --min-fanout '%s' (a number of VMAs, 0 for "
					  "all)" },
			{ OPT_RINGBUF, "invalid ring buffer size '%s' (a power of two from 4k to "
				       "1G)" },
		};
		char what[192];
		size_t i;

		for (i = 0; bad[i].c != c; i++)
			;
		snprintf(what, sizeof(what), bad[i].what, arg);
		snprintf(err, errlen, "%s: %s", cmd, what);
		return -EINVAL;
	}
}

int trace_opts_end(struct trace_opts *t, unsigned int groups, const char *cmd, int argc,
		   char **argv, char *err, size_t errlen)
{
	if (optind < argc && !(groups & TG_RUN)) {
		snprintf(err, errlen, "%s: unexpected argument '%s'", cmd, argv[optind]);
		return -EINVAL;
	}
	if (optind < argc)
		t->argv = &argv[optind];
	if (t->argv && t->pid) {
		snprintf(err, errlen, "%s: -p and a command cannot be combined", cmd);
		return -EINVAL;
	}
	/* one target: the engine follows a process or a command by pid, and
	 * would not also hold it to a cgroup */
	if (t->cgroup && (t->pid || t->argv)) {
		snprintf(err, errlen, "%s: -c and %s cannot be combined: trace a cgroup or a "
			 "process", cmd, t->pid ? "-p" : "a command");
		return -EINVAL;
	}
	if (t->argv && t->duration) {
		snprintf(err, errlen, "%s: -d and a command cannot be combined: the command "
			 "decides how long", cmd);
		return -EINVAL;
	}
	return 0;
}

int gate_opt(struct gate_opts *o, int c, const char *arg, const char *cmd, char *err,
	     size_t errlen)
{
	int ret = by_cgroup_opt(&o->bc, c, arg, cmd, err, errlen);

	if (ret)
		return ret;
	switch (c) {
	case OPT_REPORT:
		o->report = arg;
		return 1;
	case OPT_LIST_METRICS:
		o->list_metrics = true;
		return 1;
	case 'o':
		o->output = arg;
		return 1;
	case 'v':
		o->verbose++;
		return 1;
	}
	return 0;
}

/* What check and baseline both ask of their options, once parsed. */
int gate_opts_end(struct gate_opts *o, const char *cmd, int argc, char **argv, char *err,
		  size_t errlen)
{
	int ret = trace_opts_end(&o->t, TG_TARGET | TG_RUN | TG_STREAM, cmd, argc, argv, err,
				 errlen);
	bool target = o->t.argv || o->t.pid || o->t.cgroup || o->t.duration;

	/* the verdict or the baseline owns stdout, as stat's report does */
	o->t.command_stdout_to_stderr = !o->output;
	if (ret || o->list_metrics)
		return ret;
	if (o->report && target)
		return usage_err(err, errlen, "%s: --report reads a report: it takes no command, "
				 "-p, -c or -d", cmd);
	/* the report's rows are as it was traced: one source of truth */
	if (o->report && o->bc.on)
		return usage_err(err, errlen, "%s: --report reads a report: --by cgroup, "
				 "--cgroup-depth and --max-cgroups are how to trace one", cmd);
	by_cgroup_end(&o->bc);
	{
		const char *in[] = { o->report, o->baseline };
		const char *out[] = { o->output, o->save_report, o->junit };
		size_t i, j;

		for (i = 0; i < 2; i++)
			for (j = 0; j < 3; j++)
				if (same_file(out[j], in[i])) {
					snprintf(err, errlen, "%s: output '%s' is the %s it reads",
						 cmd, out[j], i ? "baseline" : "report");
					return -EINVAL;
				}
	}
	if (!o->report && !target)
		return usage_err(err, errlen, "%s: nothing to judge: give a command after --, "
				 "or --report FILE", cmd);
	return 0;
}

/* dump and report: -j, -o; report also --from-events */
enum { OPT_FROM_EVENTS = OPT_OWN };

static int recording_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct recording_opts *o = p;

	switch (c) {
	case 'j':
		o->json = true;
		return 1;
	case 'o':
		o->output = arg;
		return 1;
	case OPT_FROM_EVENTS:
		o->from_events = true;
		return 1;
	}
	return 0;
}

/* report's and dump's options (main.c lists them for completion) */
const struct option report_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "from-events", no_argument, NULL, OPT_FROM_EVENTS },
	{ 0 },
}, dump_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int recording_opts_parse(int argc, char **argv, const char *name, bool from_events,
			 struct recording_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = name, .shortopts = "jo:h",
		.longopts = from_events ? report_longopts : dump_longopts, .own = recording_opt,
		.o = o, .anywhere = true,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (ret)
		return ret;
	if (optind >= argc)
		return usage_err(err, errlen, "%s: needs a recording to read", name);
	if (optind + 1 < argc) {
		snprintf(err, errlen, "%s: unexpected argument '%s' (one recording at a time)",
			 name, argv[optind + 1]);
		return -EINVAL;
	}
	o->file = argv[optind];
	if (o->output && same_file(o->output, o->file)) {
		snprintf(err, errlen, "%s: -o '%s' is the recording it reads", name, o->output);
		return -EINVAL;
	}
	return 0;
}

