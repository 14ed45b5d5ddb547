// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli/options.h"
#include "stats/figures.h"
#include "stats/top.h"
#include "lib/util.h"

const char stat_usage[] =
"usage: mmretry stat [-d SECONDS] [-p PID] [-c CGROUP] [--mode MODE] [--json]\n"
"                    [-o FILE] [-v] [-- COMMAND [ARGS...]]\n"
"\n"
"Count page-fault attempts, retries and their reasons, then print a summary.\n"
"\n"
"  -d, --duration=TIME   trace for TIME (10, 1.5, 500ms, 2m); default: until\n"
"                        Ctrl-C, or until COMMAND exits\n"
"  -p, --pid=PID         trace only process PID (all its threads), until it\n"
"                        exits\n"
"  -c, --cgroup=PATH     trace only tasks in cgroup v2 PATH (absolute, or\n"
"                        relative to the cgroup2 mount)\n"
"  -m, --mode=MODE       fentry, kprobe, tracepoint or auto (default: auto,\n"
"                        the best this kernel allows; see `mmretry probe`)\n"
"  -j, --json            print one JSON document (docs/json.md)\n"
"  -o, --output=FILE     write the report to FILE instead of stdout\n"
"      --ringbuf-size=N  ring buffer for retry events, one for long mmap_lock\n"
"                        holds and waits, one for anon_vma events (default 1M\n"
"                        each)\n"
"      --min-hold=TIME   report mmap_lock holds and waits at least TIME long,\n"
"                        with their stacks (default 1ms; 0: all of them)\n"
"      --folded=FILE     write those holds and waits to FILE as folded stacks\n"
"                        (flamegraph.pl, inferno, speedscope read them)\n"
"      --no-mmap-lock    do not trace mmap_lock waits and holds\n"
"      --min-chain=N     list anon_vma chains at least N long (default 8; 0: all)\n"
"      --min-fanout=N    list rmap walks visiting at least N VMAs (default 32;\n"
"                        0: all)\n"
"      --no-anon-vma     do not trace anon_vma chains and rmap walks (they need\n"
"                        fentry or kprobes)\n"
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

const char record_usage[] =
"usage: mmretry record -o FILE [-d SECONDS] [-p PID] [-c CGROUP] [--mode MODE]\n"
"                      [--ringbuf-size N] [-v] [-- COMMAND [ARGS...]]\n"
"\n"
"Trace as `mmretry stat` does and write every event to a recording\n"
"(docs/record.md): each fault attempt with its flags, result and reason\n"
"(fentry and kprobe modes; tracepoint mode: the retries), each mmap_lock\n"
"hold, each mmap/munmap/mprotect/madvise/mremap/brk, fork and exit, every\n"
"anon_vma chain and rmap walk, and stat's report at the end. The file is\n"
"written as events come and brought up to date every second: a crash\n"
"loses at most the last second. Read it with `mmretry report FILE`,\n"
"`mmretry dump FILE` and `mmretry model replay FILE`.\n"
"\n"
"  -o, --output=FILE     the recording (required)\n"
"  -d, --duration=TIME   record for TIME; default: until Ctrl-C, or until\n"
"                        COMMAND exits\n"
"  -p, --pid=PID         only process PID\n"
"  -c, --cgroup=PATH     only tasks in cgroup v2 PATH\n"
"  -m, --mode=MODE       fentry, kprobe, tracepoint or auto (default)\n"
"      --ringbuf-size=N  each ring buffer's size (default 1M): every attempt is\n"
"                        an event; events lost when one is full are counted in\n"
"                        the recording and its report\n"
"      --min-hold=TIME   holds and waits this long also with their stacks\n"
"      --no-mmap-lock, --no-anon-vma   as for stat\n"
"  -v, --verbose         say more\n"
"  -h, --help            this text\n"
"\n"
"examples:\n"
"  mmretry record -o file.mmr -- tools/mmretry-gen file\n"
"  mmretry report file.mmr\n";

const char report_usage[] =
"usage: mmretry report FILE [--json] [-o OUT] [--from-events]\n"
"\n"
"The report `mmretry stat` would have printed for a recording (`mmretry\n"
"record`): rebuilt from its events, with what no event says (tracepoint\n"
"mode's fault counts, the exit status) from the report stored at its end.\n"
"A recording cut short (its writer crashed) gives what it holds.\n"
"\n"
"  -j, --json            print one JSON document (docs/json.md)\n"
"  -o, --output=OUT      write to OUT instead of stdout\n"
"      --from-events     use the events alone (what only the stored report\n"
"                        says is then unavailable)\n"
"  -h, --help            this text\n";

const char probe_usage[] =
"usage: mmretry probe [--json] [-v]\n"
"\n"
"Show what this kernel offers (BTF, fentry/fexit, kprobes, tracepoints, ring\n"
"buffer, lockdown, per-VMA locks) and the mode each capability will use.\n"
"Run it as root: only then can it try to load programs.\n"
"\n"
"  -j, --json     print JSON\n"
"  -v, --verbose  show why a refused program was refused\n"
"  -h, --help     this text\n";

const char check_usage[] =
"usage: mmretry check --baseline FILE [--junit FILE] [--json] [-o FILE]\n"
"                     [--save-report FILE] [STAT OPTIONS] -- COMMAND [ARGS...]\n"
"       mmretry check --baseline FILE --report REPORT.json [--junit FILE] [--json]\n"
"       mmretry check --list-metrics\n"
"\n"
"Trace COMMAND as `mmretry stat` does (or read a report it wrote) and hold\n"
"its figures to the limits of a baseline (docs/baseline.md): a table of\n"
"metric, baseline, measured, limit, change and verdict, and an exit status\n"
"a CI job can gate on.\n"
"\n"
"      --baseline=FILE     the limits (YAML; `mmretry baseline` records one)\n"
"      --report=FILE       judge this `mmretry stat --json` report: no tracing,\n"
"                          no root needed\n"
"      --junit=FILE        also write JUnit XML, one test case per metric\n"
"  -j, --json              print JSON instead of the table\n"
"  -o, --output=FILE       write the table or JSON to FILE\n"
"      --save-report=FILE  keep the traced run's report (stat --json) in FILE\n"
"      --list-metrics      list the metrics a baseline may name, and stop\n"
"  -h, --help              this text\n"
"\n"
"STAT OPTIONS (see `mmretry stat --help`): -m MODE, --min-hold, --ringbuf-size,\n"
"--no-mmap-lock, --no-anon-vma, --min-chain, --min-fanout, -v; -p, -c, -d\n"
"trace a process, a cgroup or a while instead of COMMAND.\n"
"\n"
"exit status:\n"
"  0  every metric within its limits\n"
"  1  a metric is outside its limits (a regression)\n"
"  2  bad usage, or a malformed baseline or report\n"
"  3  no metric outside its limits, but one the baseline needs is unavailable\n"
"     with this kernel or mode (never passed silently)\n"
"  4  cannot trace: no privileges, no BTF, nothing attaches\n"
"  5  COMMAND failed (non-zero exit or signal): its figures are not judged\n"
"\n"
"examples:\n"
"  mmretry baseline -o mmretry-baseline.yml -- ./bench --quick\n"
"  mmretry check --baseline mmretry-baseline.yml --junit mmretry.xml -- ./bench --quick\n";

const char baseline_usage[] =
"usage: mmretry baseline [-o FILE] [STAT OPTIONS] -- COMMAND [ARGS...]\n"
"       mmretry baseline [-o FILE] --report REPORT.json\n"
"       mmretry baseline --list-metrics\n"
"\n"
"Trace COMMAND as `mmretry stat` does (or read a report it wrote) and write a\n"
"baseline for `mmretry check`: the metrics this run could measure, each\n"
"with its value and a default limit (docs/baseline.md), to edit by hand.\n"
"\n"
"  -o, --output=FILE     write the baseline to FILE (default: stdout)\n"
"      --report=FILE     record from this `mmretry stat --json` report: no\n"
"                        tracing, no root needed\n"
"      --list-metrics    list the metrics a baseline may name, and stop\n"
"  -h, --help            this text\n"
"\n"
"STAT OPTIONS: as for `mmretry check --help`.\n"
"\n"
"exit status: 0 written; 2 bad usage or a malformed report; 4 cannot trace;\n"
"5 COMMAND failed (nothing is written)\n";

const char compare_usage[] =
"usage: mmretry compare [--json] [-o FILE] A.json B.json\n"
"\n"
"Two `mmretry stat --json` reports side by side: every metric either one\n"
"measured (`mmretry check --list-metrics`), with B - A and (B - A) / A.\n"
"\n"
"  -j, --json            print JSON instead of the table\n"
"  -o, --output=FILE     write to FILE instead of stdout\n"
"  -h, --help            this text\n"
"\n"
"exit status: 0 compared; 2 bad usage or a malformed report\n";

const char model_usage[] =
"usage: mmretry model list\n"
"       mmretry model run SCENARIO [--policy P] [--seed N] [--scale X] [--json] [-o FILE]\n"
"       mmretry model compare SCENARIO [--policies P,P,...] [--seed N] [--scale X]\n"
"                             [--json] [-o FILE]\n"
"       mmretry model bench SCENARIO [--policy P] [--seed N] [--scale X] [--rounds N]\n"
"       mmretry model replay RECORDING [--policies P,P,...] [--pid PID] [--json]\n"
"                             [-o FILE]\n"
"\n"
"The reference fault path (docs/model.md): a deterministic model of the\n"
"kernel's page-fault path and mmap_lock, run over a scenario under a kernel\n"
"era's retry policy. No root, no kernel: a CI check can run it anywhere.\n"
"\n"
"  list                  the scenarios and the policies, with their sources\n"
"  run                   one run, reported as `mmretry stat` reports (--json:\n"
"                        the same schema, for check and compare)\n"
"  compare               the policies side by side (default: all of them)\n"
"  replay                a recording's process (`mmretry record`, fentry or\n"
"                        kprobe mode) replayed under each policy, beside what\n"
"                        it recorded: what another era would have done\n"
"  bench                 how fast the model runs here: ROUNDS runs, the median\n"
"                        CPU time of one and its handle_mm_fault calls per second\n"
"\n"
"      --policy=P        legacy, nopage-retry, retry, completed, per-vma, or\n"
"                        auto: the running kernel's era, from its release\n"
"                        (default: per-vma, the current era)\n"
"      --policies=P,...  for compare\n"
"      --seed=N          the run's random seed (default 1): same seed, same run\n"
"      --scale=X         the scenario's size, as a fraction of full size (default 1)\n"
"      --rounds=N        for bench (default 5, at most 1000)\n"
"      --pid=PID         for replay: the process (default: the one with the most\n"
"                        fault attempts)\n"
"  -j, --json            print JSON\n"
"  -o, --output=FILE     write to FILE instead of stdout\n"
"  -h, --help            this text\n";

const char top_usage[] =
"usage: mmretry top [-i SECONDS] [-p PID] [-c CGROUP] [-n ITERATIONS] [--sort KEY]\n"
"                   [--mode MODE] [-v]\n"
"\n"
"A refreshing per-process table of page-fault retries, like top: faults/s,\n"
"retries/s, retry %, the leading retry reason, completions/s, the share of\n"
"attempts under a per-VMA lock, mmap_lock write holds and waits (p99, max)\n"
"and the longest anon_vma chain, over each interval. Press q or Ctrl-C to\n"
"quit. When stdout is not a terminal, one table per interval is printed.\n"
"\n"
"  -i, --interval=TIME   refresh every TIME (1, 0.5, 2s; default 2)\n"
"  -p, --pid=PID         only process PID\n"
"  -c, --cgroup=PATH     only tasks in cgroup v2 PATH\n"
"  -n, --iterations=N    stop after N tables (default: until q or Ctrl-C)\n"
"  -s, --sort=KEY        retries (default), faults, retry%, wait, hold, chain\n"
"                        or pid\n"
"  -m, --mode=MODE       fentry, kprobe, tracepoint or auto (default)\n"
"  -v, --verbose         say more; twice shows libbpf's log\n"
"  -h, --help            this text\n"
"\n"
"n/a marks a figure this mode cannot see (docs/top.md); - none this interval.\n"
"\n"
"examples:\n"
"  mmretry top                           every process, every 2 seconds\n"
"  mmretry top -i 1 -n 5 > top.txt       five tables, for a script\n"
"  mmretry top -c system.slice --sort wait\n";

const char dump_usage[] =
"usage: mmretry dump [--json] [-o FILE] RECORDING\n"
"\n"
"Print a recording (`mmretry record`, docs/record.md): its header as one\n"
"comment line, then one line per record, times in seconds after the start.\n"
"No root needed, and any machine reads a recording made on any other.\n"
"\n"
"  -j, --json            JSON lines: the header, then one object per record\n"
"                        (type, offset, its fields by name)\n"
"  -o, --output=FILE     write to FILE instead of stdout\n"
"  -h, --help            this text\n"
"\n"
"exit status: 0 read to the end (a recording whose writer stopped without\n"
"ending it is read up to the cut, with a note); 2 bad usage, or a damaged\n"
"recording (what was read is printed, then the error and its offset);\n"
"4 the output cannot be written\n"
"\n"
"examples:\n"
"  mmretry dump run.mmr | less\n"
"  mmretry dump --json run.mmr | jq 'select(.type == \"retry\") | .reason'\n";

enum {
	OPT_RINGBUF = 256, OPT_MIN_HOLD, OPT_FOLDED, OPT_NO_MMAP_LOCK,
	OPT_MIN_CHAIN, OPT_MIN_FANOUT, OPT_NO_ANON_VMA,
};

#define DEFAULT_MIN_HOLD_NS 1000000ULL	/* README: "mmap_lock" explains the choice */
#define DEFAULT_MIN_CHAIN 8		/* README: "anon_vma" explains both */
#define DEFAULT_MIN_FANOUT 32

static int usage_err(char *err, size_t len, const char *fmt, const char *arg)
{
	snprintf(err, len, fmt, arg);
	return -EINVAL;
}

/*
 * getopt_long() refused an option: name it. optopt is a short option
 * (maybe inside a cluster like -xj), else the long one is argv[optind - 1];
 * short_more follows a short one. -EINVAL.
 */
static int unknown_option(char *err, size_t errlen, const char *cmd, char **argv,
			  const char *short_more)
{
	if (optopt && optopt < 256)
		snprintf(err, errlen, "%s: unknown option '-%c'%s", cmd, optopt, short_more);
	else
		snprintf(err, errlen, "%s: unknown option '%s'", cmd, argv[optind - 1]);
	return -EINVAL;
}

int stat_opts_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "mode", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
		{ "min-hold", required_argument, NULL, OPT_MIN_HOLD },
		{ "folded", required_argument, NULL, OPT_FOLDED },
		{ "no-mmap-lock", no_argument, NULL, OPT_NO_MMAP_LOCK },
		{ "min-chain", required_argument, NULL, OPT_MIN_CHAIN },
		{ "min-fanout", required_argument, NULL, OPT_MIN_FANOUT },
		{ "no-anon-vma", no_argument, NULL, OPT_NO_ANON_VMA },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->t.min_hold_ns = DEFAULT_MIN_HOLD_NS;
	o->t.min_chain = DEFAULT_MIN_CHAIN;
	o->t.min_fanout = DEFAULT_MIN_FANOUT;
	optind = 0;	/* reset getopt, also for repeated calls in tests */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+d:p:c:m:jo:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_duration(optarg, &o->t.duration))
				return usage_err(err, errlen, "invalid duration '%s'", optarg);
			break;
		case 'p':
			if (parse_u64(optarg, &v) || v == 0 || v > 4194304)
				return usage_err(err, errlen, "invalid pid '%s'", optarg);
			o->t.pid = (pid_t)v;
			break;
		case 'c':
			if (!*optarg)
				return usage_err(err, errlen, "empty cgroup path%s", "");
			o->t.cgroup = optarg;
			break;
		case 'm':
			if (mode_parse(optarg, &o->t.mode))
				return usage_err(err, errlen, "unknown mode '%s' (fentry, kprobe, "
						 "tracepoint or auto)", optarg);
			break;
		case 'j':
			o->json = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_MIN_HOLD: {
			double secs;

			if (!strcmp(optarg, "0")) {
				o->t.min_hold_ns = 0;	/* every hold and wait */
				break;
			}
			if (parse_duration(optarg, &secs) || secs < 1e-6)
				return usage_err(err, errlen, "invalid --min-hold '%s' (e.g. 500us, "
						 "1ms, 0.01, or 0 for all)", optarg);
			o->t.min_hold_ns = (uint64_t)(secs * 1e9 + 0.5);
			break;
		}
		case OPT_FOLDED:
			o->folded = optarg;
			break;
		case OPT_NO_MMAP_LOCK:
			o->t.no_mmap_lock = true;
			break;
		case OPT_MIN_CHAIN:
			if (parse_u64(optarg, &v) || v > 1u << 20)
				return usage_err(err, errlen, "invalid --min-chain '%s' (a number of "
						 "anon_vmas, 0 for all)", optarg);
			o->t.min_chain = (uint32_t)v;
			break;
		case OPT_MIN_FANOUT:
			if (parse_u64(optarg, &v) || v > 1u << 20)
				return usage_err(err, errlen, "invalid --min-fanout '%s' (a number of "
						 "VMAs, 0 for all)", optarg);
			o->t.min_fanout = (uint32_t)v;
			break;
		case OPT_NO_ANON_VMA:
			o->t.no_anon_vma = true;
			break;
		case OPT_RINGBUF:
			if (parse_size(optarg, &v) || (v & (v - 1)))
				return usage_err(err, errlen, "invalid ring buffer size '%s' (a power "
						 "of two from 4k to 1G)", optarg);
			o->t.ringbuf_bytes = v;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			return 1;
		case '?':
		default:
			return unknown_option(err, errlen, "stat", argv, " or missing argument");
		}
	}
	if (optind < argc)
		o->t.argv = &argv[optind];
	if (o->t.argv && o->t.pid)
		return usage_err(err, errlen, "-p and a command cannot be combined%s", "");
	if (o->t.argv && o->t.duration)
		return usage_err(err, errlen, "-d and a command cannot be combined: the command "
				 "decides how long%s", "");
	return 0;
}

int top_opts_parse(int argc, char **argv, struct top_opts *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "mode", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum top_sort k;
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->interval = 2;
	o->sort = TOP_SORT_RETRIES;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+i:p:c:n:s:m:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (parse_duration(optarg, &o->interval) || o->interval < 0.1 ||
			    o->interval > 86400)
				return usage_err(err, errlen, "invalid interval '%s' (0.1 s to 1 day, "
						 "e.g. 1, 0.5, 2s)", optarg);
			break;
		case 'p':
			if (parse_u64(optarg, &v) || v == 0 || v > 4194304)
				return usage_err(err, errlen, "invalid pid '%s'", optarg);
			o->t.pid = (pid_t)v;
			break;
		case 'c':
			if (!*optarg)
				return usage_err(err, errlen, "empty cgroup path%s", "");
			o->t.cgroup = optarg;
			break;
		case 'n':
			if (parse_u64(optarg, &v) || v == 0)
				return usage_err(err, errlen, "invalid number of iterations '%s' "
						 "(1 or more)", optarg);
			o->iterations = v;
			break;
		case 's':
			if (top_sort_parse(optarg, &k))
				return usage_err(err, errlen, "unknown sort key '%s' (retries, faults, "
						 "retry%%, wait, hold, chain or pid)", optarg);
			o->sort = k;
			break;
		case 'm':
			if (mode_parse(optarg, &o->t.mode))
				return usage_err(err, errlen, "unknown mode '%s' (fentry, kprobe, "
						 "tracepoint or auto)", optarg);
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			return 1;
		default:
			return unknown_option(err, errlen, "top", argv, " or missing argument");
		}
	}
	if (optind < argc)
		return usage_err(err, errlen, "top: unexpected argument '%s'", argv[optind]);
	return 0;
}

int probe_opts_parse(int argc, char **argv, struct probe_opts *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			return 1;
		default:
			return unknown_option(err, errlen, "probe", argv, "");
		}
	}
	if (optind < argc)
		return usage_err(err, errlen, "probe: unexpected argument '%s'", argv[optind]);
	return 0;
}

/*
 * argv[*i] is option name, as "NAME VALUE" or "NAME=VALUE" (long) or
 * "NAME VALUE" (short): 1 and *val; 0 if it is another option; -1 if the
 * value is missing.
 */
static int take(char **argv, int argc, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return 0;
	if (argv[*i][n] == '=' && name[1] == '-') {
		*val = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n])
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

int check_opts_parse(int argc, char **argv, enum gate_cmd which, struct check_opts *o,
		     char *err, size_t errlen)
{
	static const struct {
		const char *name;
		bool check_only;
		size_t off;
	} valued[] = {
		{ "--baseline", true, offsetof(struct check_opts, baseline) },
		{ "--report", false, offsetof(struct check_opts, report) },
		{ "--save-report", true, offsetof(struct check_opts, save_report) },
		{ "--junit", true, offsetof(struct check_opts, junit) },
		{ "--output", false, offsetof(struct check_opts, output) },
		{ "-o", false, offsetof(struct check_opts, output) },
	};
	const char *cmd = which == GATE_CHECK ? "check" : "baseline", *val;
	int i, n = 0, ret;
	size_t k;

	memset(o, 0, sizeof(*o));
	o->args = calloc(argc + 1, sizeof(*o->args));
	if (!o->args)
		return usage_err(err, errlen, "out of memory%s", "");
	o->args[n++] = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				o->args[n++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
		if (!strcmp(argv[i], "--list-metrics")) {
			o->list_metrics = true;
			continue;
		}
		if (which == GATE_CHECK && (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))) {
			o->json = true;
			continue;
		}
		for (k = 0, ret = 0; k < sizeof(valued) / sizeof(valued[0]) && !ret; k++) {
			if (valued[k].check_only && which != GATE_CHECK)
				continue;
			ret = take(argv, argc, &i, valued[k].name, &val);
			if (ret < 0) {
				snprintf(err, errlen, "%s: %s needs a value", cmd, valued[k].name);
				return -EINVAL;
			}
			if (ret)
				*(const char **)((char *)o + valued[k].off) = val;
		}
		if (!ret)
			o->args[n++] = argv[i];	/* stat's, or an error stat will name */
	}
	if (o->list_metrics)
		return 0;
	ret = stat_opts_parse(n, o->args, &o->stat, err, errlen);
	if (ret) {
		/* stat's message, named for this command */
		char msg[256];

		snprintf(msg, sizeof(msg), "%s: %s", cmd, strncmp(err, "stat: ", 6) ? err : err + 6);
		snprintf(err, errlen, "%s", msg);
		return -EINVAL;
	}
	if (o->stat.json)	/* only baseline passes -j on: check takes it */
		return usage_err(err, errlen, "%s: no --json: a baseline is YAML", cmd);
	if (which == GATE_CHECK && !o->baseline)
		return usage_err(err, errlen, "check: --baseline FILE is required%s", "");
	if (o->report && (o->stat.t.argv || o->stat.t.pid || o->stat.t.cgroup || o->stat.t.duration))
		return usage_err(err, errlen, "%s: --report reads a report: it takes no command, "
				 "-p, -c or -d", cmd);
	if (!o->report && !o->stat.t.argv && !o->stat.t.pid && !o->stat.t.cgroup && !o->stat.t.duration)
		return usage_err(err, errlen, "%s: nothing to judge: give a command after --, "
				 "or --report FILE", cmd);
	if (o->report && o->save_report)
		return usage_err(err, errlen, "check: --save-report needs a traced run, not "
				 "--report%s", "");
	return 0;
}

void check_opts_free(struct check_opts *o)
{
	free(o->args);
	o->args = NULL;
}

int compare_opts_parse(int argc, char **argv, struct compare_opts *o, char *err, size_t errlen)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jo:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			return 1;
		default:
			if (optopt == 'o')
				return usage_err(err, errlen, "compare: -o needs a file%s", "");
			return unknown_option(err, errlen, "compare", argv, "");
		}
	}
	if (argc - optind != 2)
		return usage_err(err, errlen, "compare: needs two reports, A.json and B.json%s",
				 "");
	o->a = argv[optind];
	o->b = argv[optind + 1];
	return 0;
}

/* dump and report: one recording, --json, -o; report also --from-events */
static int recording_opts_parse(int argc, char **argv, const char *name, bool from_events,
				struct recording_opts *o, char *err, size_t errlen)
{
	enum { OPT_FROM_EVENTS = 256 };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "from-events", no_argument, NULL, OPT_FROM_EVENTS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jo:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_FROM_EVENTS:
			if (!from_events)
				return unknown_option(err, errlen, name, argv, "");
			o->from_events = true;
			break;
		case 'h':
			return 1;
		default:
			if (optopt == 'o')
				return usage_err(err, errlen, "%s: -o needs a file", name);
			return unknown_option(err, errlen, name, argv, "");
		}
	}
	if (optind >= argc)
		return usage_err(err, errlen, "%s: needs a recording to read", name);
	if (optind + 1 < argc) {
		snprintf(err, errlen, "%s: unexpected argument '%s' (one recording at a time)",
			 name, argv[optind + 1]);
		return -EINVAL;
	}
	o->file = argv[optind];
	return 0;
}

int dump_opts_parse(int argc, char **argv, struct recording_opts *o, char *err, size_t errlen)
{
	return recording_opts_parse(argc, argv, "dump", false, o, err, errlen);
}

int report_opts_parse(int argc, char **argv, struct recording_opts *o, char *err, size_t errlen)
{
	return recording_opts_parse(argc, argv, "report", true, o, err, errlen);
}

static int parse_policies(const char *s, struct model_opts *o, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *name;

	snprintf(buf, sizeof(buf), "%s", s);
	o->npolicies = 0;
	for (name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		if (o->npolicies == MODEL_NR_POLICIES)
			return usage_err(err, errlen, "model: too many policies in '%s'", s);
		if (model_policy_parse(name, &o->policies[o->npolicies]))
			return usage_err(err, errlen, "model: no policy '%s' (`mmretry model list`)",
					 name);
		o->npolicies++;
	}
	if (!o->npolicies)
		return usage_err(err, errlen, "model: --policies names no policy%s", "");
	return 0;
}

int model_opts_parse(int argc, char **argv, struct model_opts *o, char *err, size_t errlen)
{
	enum { OPT_POLICY = 256, OPT_POLICIES, OPT_SEED, OPT_SCALE, OPT_ROUNDS, OPT_PID };
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "policies", required_argument, NULL, OPT_POLICIES },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "scale", required_argument, NULL, OPT_SCALE },
		{ "rounds", required_argument, NULL, OPT_ROUNDS },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool policy_given = false;
	char *end;
	int c, i;

	memset(o, 0, sizeof(*o));
	o->policy = POLICY_PER_VMA;
	o->seed = 1;
	o->scale = 1;
	o->rounds = 5;
	for (i = 0; i < MODEL_NR_POLICIES; i++)
		o->policies[i] = i;
	o->npolicies = MODEL_NR_POLICIES;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jo:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_POLICY:
			o->policy_auto = !strcmp(optarg, "auto");
			if (!o->policy_auto && model_policy_parse(optarg, &o->policy))
				return usage_err(err, errlen, "model: no policy '%s' (`mmretry model "
						 "list`)", optarg);
			policy_given = true;
			break;
		case OPT_POLICIES:
			if (parse_policies(optarg, o, err, errlen))
				return -EINVAL;
			break;
		case OPT_SEED:
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || *optarg == '-')
				return usage_err(err, errlen, "model: invalid --seed '%s'", optarg);
			break;
		case OPT_SCALE:
			errno = 0;
			o->scale = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->scale > 0 && o->scale <= 16))
				return usage_err(err, errlen, "model: invalid --scale '%s' (0 < X <= 16)",
						 optarg);
			break;
		case OPT_ROUNDS:
			errno = 0;
			o->rounds = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' || !o->rounds ||
			    o->rounds > 1000)
				return usage_err(err, errlen, "model: invalid --rounds '%s' (1 to 1000)",
						 optarg);
			break;
		case OPT_PID:
			errno = 0;
			o->pid = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || *optarg == '-' || !o->pid)
				return usage_err(err, errlen, "model: invalid --pid '%s'", optarg);
			break;
		case 'j':
			o->json = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			return 1;
		default:
			return unknown_option(err, errlen, "model", argv, "");
		}
	}
	if (optind >= argc)
		return usage_err(err, errlen, "model: say list, run SCENARIO, compare SCENARIO or bench "
				 "SCENARIO%s",
				 "");
	if (!strcmp(argv[optind], "list")) {
		o->what = MODEL_LIST;
		return optind + 1 < argc ? usage_err(err, errlen, "model: list takes no argument "
						     "('%s')", argv[optind + 1]) : 0;
	}
	if (!strcmp(argv[optind], "run"))
		o->what = MODEL_RUN;
	else if (!strcmp(argv[optind], "compare"))
		o->what = MODEL_COMPARE;
	else if (!strcmp(argv[optind], "bench"))
		o->what = MODEL_BENCH;
	else if (!strcmp(argv[optind], "replay"))
		o->what = MODEL_REPLAY;
	else
		return usage_err(err, errlen, "model: no subcommand '%s' (list, run, compare, bench, "
				 "replay)",
				 argv[optind]);
	if (optind + 1 >= argc)
		return usage_err(err, errlen, "model: %s needs a SCENARIO (`mmretry model list`)",
				 argv[optind]);
	if (optind + 2 < argc)
		return usage_err(err, errlen, "model: unexpected argument '%s'", argv[optind + 2]);
	o->scenario = argv[optind + 1];
	if ((o->what == MODEL_COMPARE || o->what == MODEL_REPLAY) && policy_given)
		return usage_err(err, errlen, "model: %s takes --policies, not --policy",
				 argv[optind]);
	if (o->pid && o->what != MODEL_REPLAY)
		return usage_err(err, errlen, "model: --pid is for replay%s", "");
	return 0;
}

int record_opts_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen)
{
	int ret = stat_opts_parse(argc, argv, o, err, errlen);

	if (ret)
		return ret;
	if (o->json || o->folded)
		return usage_err(err, errlen, "record: %s writes no report (read the recording "
				 "with `mmretry report FILE`)", o->json ? "--json" : "--folded");
	if (!o->output)
		return usage_err(err, errlen, "record: say where: -o FILE%s", "");
	return 0;
}

/* "ADDR:PORT", ":PORT" (every address) or "PORT" (loopback) */
int listen_parse(const char *s, struct sockaddr_in *sa)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	uint64_t port;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (parse_u64(colon ? colon + 1 : s, &port) || !port || port > 65535)
		return -EINVAL;
	sa->sin_port = htons((uint16_t)port);
	if (!colon)
		return 0;
	if ((size_t)(colon - s) >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	if (!host[0]) {
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
		return 0;
	}
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -EINVAL;
}
