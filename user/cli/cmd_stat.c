// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* mmretry stat: count fault retries over a duration, a pid, a cgroup or a command. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "lib/util.h"
#include "report/report.h"
#include "trace/collect.h"

static const char stat_usage[] =
"usage: mmretry stat [-d SECONDS] [-p PID] [-c CGROUP] [--mode MODE] [--json]\n"
"                    [-o FILE] [--proc-latency] [--by cgroup [--cgroup-depth N]\n"
"                    [--cgroup-tree PATH] [--max-cgroups N]] [-v]\n"
"                    [-- COMMAND [ARGS...]]\n"
"\n"
"Count page-fault attempts, retries and their reasons, then print a summary.\n"
"\n"
"  -d, --duration=TIME   trace for TIME (10, 1.5, 500ms, 2m); default: until\n"
"                        Ctrl-C, or until COMMAND exits\n"
"  -p, --pid=PID         trace only process PID (all its threads), until it\n"
"                        exits\n"
"  -c, --cgroup=PATH     trace only tasks in cgroup v2 PATH (absolute, or\n"
"                        relative to the cgroup2 mount)\n"
"  -m, --mode=MODE       fentry, kprobe, tracepoint, light or auto (default:\n"
"                        auto, the best this kernel allows; light: the\n"
"                        slow path only, see `mmretry probe`)\n"
"  -j, --json            print one JSON document (docs/json.md)\n"
"  -o, --output=FILE     write the report to FILE instead of stdout\n"
"      --ringbuf-size=N  ring buffer for retry events, one for long mmap_lock\n"
"                        holds and waits, one for anon_vma events (default 1M\n"
"                        each)\n"
"      --min-hold=TIME   report mmap_lock holds and waits at least TIME long,\n"
"                        with their stacks (default 1ms; 0: all of them)\n"
"      --min-fault=TIME  list faults at least TIME long, first attempt to last,\n"
"                        with their attempts, files and stacks (fentry or\n"
"                        kprobe mode; default 1ms; 0: every fault)\n"
"      --folded=FILE     write those holds and waits, and those faults' time\n"
"                        (fault_stall), to FILE as folded stacks (flamegraph.pl,\n"
"                        inferno, speedscope read them)\n"
"      --no-mmap-lock    do not trace mmap_lock waits and holds\n"
"      --min-chain=N     list anon_vma chains at least N long (default 8; 0: all)\n"
"      --min-fanout=N    list rmap walks visiting at least N VMAs (default 32;\n"
"                        0: all)\n"
"      --no-anon-vma     do not trace anon_vma chains and rmap walks (they need\n"
"                        fentry or kprobes)\n"
"      --proc-latency    fault latency and time in faults per process (fentry,\n"
"                        kprobe); costs a hash lookup per fault attempt, as top\n"
"      --by cgroup       the fault figures per cgroup v2 (each task's own, or\n"
"                        its ancestor at --cgroup-depth); a hash lookup per\n"
"                        fault attempt, as --proc-latency (not with it)\n"
"      --cgroup-depth=N  by cgroup, the one N levels below the root\n"
"                        (system.slice/nginx.service is at 2); a task above it\n"
"                        keeps its own; default: each task's own cgroup\n"
"      --max-cgroups=N   by cgroup, at most N (default 64); the rest are summed\n"
"                        in one row, other, which says how many it holds\n"
"      --cgroup-tree=PATH[,PATH...]\n"
"                        by cgroup, each task in the deepest of these cgroups\n"
"                        it is in (its subtree's row), the others in /; not\n"
"                        with --cgroup-depth; repeatable\n"
"      --no-latency      count faults without timing them: fault latency, the\n"
"                        slowest faults and --proc-latency are n/a (what timing\n"
"                        costs: README, Cost)\n"
"  -q, --quiet           do not say when tracing has started\n"
"  -v, --verbose         say more; twice shows libbpf's log\n"
"  -h, --help            this text\n"
"\n"
"With COMMAND, mmretry starts it, traces it with its threads and children\n"
"until it exits, and exits with its status.\n"
"\n"
"examples:\n"
"  mmretry stat -- tools/mmretry-gen mix      retries of the built-in workloads\n"
"  mmretry stat -d 10                         every process, for 10 seconds\n"
"  mmretry stat -p 1234 --json -o r.json      one process, until Ctrl-C\n"
"  mmretry stat -c system.slice/nginx.service -d 1m\n";

enum { OPT_FOLDED = OPT_OWN, OPT_PROC_LATENCY };

static int stat_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct stat_opts *o = p;
	int ret = by_cgroup_opt(&o->bc, c, arg, "stat", err, errlen);

	if (ret)
		return ret;
	switch (c) {
	case 'j':
		o->json = true;
		return 1;
	case 'o':
		o->output = arg;
		return 1;
	case OPT_FOLDED:
		o->folded = arg;
		return 1;
	case OPT_PROC_LATENCY:
		o->proc_latency = true;
		return 1;
	case 'v':
		o->verbose++;
		return 1;
	}
	return 0;
}

/* the options getopt_long() takes; main.c lists them for completion */
const struct option stat_longopts[] = {
	TRACE_LONGOPTS_TARGET, TRACE_LONGOPTS_RUN, TRACE_LONGOPTS_STREAM,
	{ "json", no_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "folded", required_argument, NULL, OPT_FOLDED },
	{ "proc-latency", no_argument, NULL, OPT_PROC_LATENCY },
	BY_CGROUP_LONGOPTS,
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int stat_opts_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "stat", .shortopts = TRACE_SHORT_TARGET TRACE_SHORT_RUN "jo:vh",
		.longopts = stat_longopts, .t = &o->t, .own = stat_opt, .o = o,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	trace_opts_init(&o->t);
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (ret)
		return ret;
	/* the report owns stdout (README, "Output"): a command's output goes to
	 * stderr unless the report goes to a file */
	o->t.command_stdout_to_stderr = !o->output;
	/* one map holds the rows, processes or cgroups */
	if (o->bc.on && o->proc_latency)
		return usage_err(err, errlen, "stat: --by cgroup and --proc-latency: one "
				 "breakdown at a time%s", "");
	by_cgroup_end(&o->bc);
	return trace_opts_end(&o->t, TG_TARGET | TG_RUN | TG_STREAM, "stat", argc, argv, err,
			      errlen);
}

int cmd_stat(int argc, char **argv)
{
	struct stat_opts o;
	struct report r;
	char err[512];
	int rc, ret;
	FILE *out = stdout;

	ret = stat_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, stat_usage, err);
	mmr_verbose = o.verbose;
	if (o.output) {
		out = fopen(o.output, "w");
		if (!out) {
			mmr_err("cannot write '%s': %s", o.output, strerror(errno));
			return EXIT_CANNOT_TRACE;
		}
	}
	report_init(&r);
	r.proclat.wanted = o.proc_latency;
	r.cgroups.wanted = o.bc.on;
	r.cgroups.depth = o.bc.depth;
	r.cgroups.trees = &o.bc.trees;
	r.cgroups.max = o.bc.max;
	rc = trace_status(collect_report(&o.t, &r, NULL));
	if (rc)
		goto out;
	rc = EXIT_CANNOT_TRACE;
	ret = 0;
	if (o.json)
		ret = report_print_json(out, &r);
	else
		report_print_text(out, &r);
	if (ret || fflush(out)) {
		mmr_err("cannot write the report: %s", strerror(errno));
		goto out;
	}
	if (o.folded) {
		FILE *ff = fopen(o.folded, "w");

		if (!ff || report_print_folded(ff, &r.lock) ||
		    report_print_slow_folded(ff, &r.slow) || fclose(ff)) {
			mmr_err("cannot write '%s': %s", o.folded, strerror(errno));
			goto out;
		}
	}
	rc = r.target == TARGET_COMMAND && r.exit_status >= 0 ? r.exit_status : EXIT_OK;
out:
	if (out != stdout)
		fclose(out);
	report_free(&r);
	return rc;
}
