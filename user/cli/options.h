/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * options.h: the commands' options. Each command owns its option table,
 * its help text and its parser, in its cmd_<name>.c; here are what the
 * parsers fill (unit-tested with no kernel) and what they share: the trace
 * option group and the recording group.
 *
 * Every parser returns 0, 1 if help was asked for, or -EINVAL with a
 * one-line message in err.
 */
#ifndef MMRETRY_OPTIONS_H
#define MMRETRY_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/cgpath.h"	/* struct cgroup_trees */
#include "bpf/faults.h"
#include "trace/engine.h"	/* struct trace_opts */

/*
 * The trace option group of stat, top, export, record, check and baseline:
 * a command lists the parts it takes in its table and its short options,
 * and hands what getopt_long() returns to trace_opt() first.
 */
enum trace_group {
	TG_TARGET = 1,	/* -p, -c, -m, -q, --ringbuf-size, --no-mmap-lock, --no-anon-vma,
			 * --no-latency */
	TG_RUN = 2,	/* -d, and a COMMAND after the options */
	TG_STREAM = 4,	/* --min-hold, --min-fault, --min-chain, --min-fanout */
};

enum {
	OPT_RINGBUF = 256, OPT_MIN_HOLD, OPT_NO_MMAP_LOCK, OPT_MIN_CHAIN, OPT_MIN_FANOUT,
	OPT_NO_ANON_VMA, OPT_MIN_FAULT, OPT_NO_LATENCY,
	OPT_BY = 280, OPT_CGROUP_DEPTH, OPT_MAX_CGROUPS, OPT_CGROUP_TREE,	/* the cgroup breakdown */
	OPT_OWN = 300,		/* a command's own long-only options from here */
};

#define TRACE_SHORT_TARGET "p:c:m:q"
#define TRACE_SHORT_RUN "d:"
#define TRACE_LONGOPTS_TARGET \
	{ "pid", required_argument, NULL, 'p' }, \
	{ "cgroup", required_argument, NULL, 'c' }, \
	{ "mode", required_argument, NULL, 'm' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF }, \
	{ "no-mmap-lock", no_argument, NULL, OPT_NO_MMAP_LOCK }, \
	{ "no-anon-vma", no_argument, NULL, OPT_NO_ANON_VMA }, \
	{ "no-latency", no_argument, NULL, OPT_NO_LATENCY }
#define TRACE_LONGOPTS_RUN \
	{ "duration", required_argument, NULL, 'd' }
#define TRACE_LONGOPTS_STREAM \
	{ "min-hold", required_argument, NULL, OPT_MIN_HOLD }, \
	{ "min-fault", required_argument, NULL, OPT_MIN_FAULT }, \
	{ "min-chain", required_argument, NULL, OPT_MIN_CHAIN }, \
	{ "min-fanout", required_argument, NULL, OPT_MIN_FANOUT }

/*
 * The cgroup breakdown of stat, export, top, check and baseline: --by
 * cgroup, --cgroup-depth N or --cgroup-tree PATH[,PATH...] (repeatable),
 * --max-cgroups N (any of the last three implies the first). A command
 * hands getopt_long()'s value to by_cgroup_opt(), and calls by_cgroup_end()
 * after its options.
 */
struct by_cgroup_opts {
	bool on;
	uint32_t depth;		/* 0: each task's own cgroup */
	uint32_t max;		/* 0 until by_cgroup_end(): CGROUPS_MAX_DEFAULT */
	struct cgroup_trees trees;	/* --cgroup-tree (not with a depth) */
};

#define BY_CGROUP_LONGOPTS \
	{ "by", required_argument, NULL, OPT_BY }, \
	{ "cgroup-depth", required_argument, NULL, OPT_CGROUP_DEPTH }, \
	{ "max-cgroups", required_argument, NULL, OPT_MAX_CGROUPS }, \
	{ "cgroup-tree", required_argument, NULL, OPT_CGROUP_TREE }

/* 1 taken, 0 not one of them, -EINVAL with err */
int by_cgroup_opt(struct by_cgroup_opts *b, int c, const char *arg, const char *cmd, char *err,
		  size_t errlen);
void by_cgroup_end(struct by_cgroup_opts *b);

/* the defaults: --min-hold 1ms, --min-fault 1ms, --min-chain 8, --min-fanout 32 */
void trace_opts_init(struct trace_opts *t);
/* c as getopt_long() returned it: 1 taken, 0 not a trace option, -EINVAL */
int trace_opt(struct trace_opts *t, int c, const char *arg, const char *cmd, char *err,
	      size_t errlen);
/* After the options (optind): the command, if the groups take one, and the
 * combinations that cannot be. 0 or -EINVAL. */
int trace_opts_end(struct trace_opts *t, unsigned int groups, const char *cmd, int argc,
		   char **argv, char *err, size_t errlen);

/*
 * A command's options: its table and short options (for getopt_long(); -h
 * is help), the trace group if it takes it, and what it does with each of
 * its own: own() returns 1 if it took c, -EINVAL with err for a bad value.
 */
struct opts_spec {
	const char *cmd;
	const char *shortopts;
	const struct option *longopts;
	struct trace_opts *t;	/* the trace group's, or NULL */
	int (*own)(void *o, int c, const char *arg, char *err, size_t errlen);
	void *o;
	bool anywhere;		/* options after operands too (else they stop at the first) */
};

/* Every option: 0 with optind at the first operand, 1 for -h, or -EINVAL
 * with a one-line message in err. */
int opts_parse(const struct opts_spec *s, int argc, char **argv, char *err, size_t errlen);

/* getopt_long() refused an option ('?') or found it without its value
 * (':', with ':' first in the short options): a message naming it as typed. */
int opt_refused(int c, const char *cmd, char **argv, char *err, size_t errlen);
/* fmt with one %s: arg. -EINVAL. */
int usage_err(char *err, size_t len, const char *fmt, const char *arg);

struct stat_opts {
	struct trace_opts t;	/* what to trace (the command after --, if any) */
	bool json;
	const char *output;	/* NULL = stdout */
	const char *folded;	/* --folded FILE: long holds and waits, slow faults, folded */
	bool proc_latency;	/* --proc-latency: fault latency per process (top's map) */
	struct by_cgroup_opts bc;	/* --by cgroup: the fault figures per cgroup */
	int verbose;
};

int stat_opts_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen);
/* record: the trace group, -o naming the recording (required) */
int record_opts_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen);

struct export_opts {
	struct trace_opts t;
	const char *listen;	/* --listen [ADDR]:PORT */
	const char *user;	/* --user USER: run as USER once attached */
	struct by_cgroup_opts bc;	/* --by cgroup: a cgroup label on the fault series */
	int verbose;
};

int export_opts_parse(int argc, char **argv, struct export_opts *o, char *err, size_t errlen);

struct probe_opts {
	bool json;
	int verbose;
};

int probe_opts_parse(int argc, char **argv, struct probe_opts *o, char *err, size_t errlen);

/* check and baseline: their own options and the trace group */
struct gate_opts {
	struct trace_opts t;	/* what to trace, as stat takes it */
	int verbose;
	const char *baseline;	/* check: --baseline FILE */
	const char *report;	/* --report FILE: judge or record a report, no tracing */
	const char *save_report;/* check: --save-report FILE */
	const char *junit;	/* check: --junit FILE */
	const char *output;	/* -o FILE; NULL = stdout */
	bool json;		/* check: -j */
	bool list_metrics;	/* --list-metrics */
	struct by_cgroup_opts bc;	/* --by cgroup (check: implied by a baseline's cgroups) */
};

/* their own long options */
enum {
	OPT_BASELINE = OPT_OWN, OPT_REPORT, OPT_SAVE_REPORT, OPT_JUNIT, OPT_LIST_METRICS,
};

int check_opts_parse(int argc, char **argv, struct gate_opts *o, char *err, size_t errlen);
int baseline_opts_parse(int argc, char **argv, struct gate_opts *o, char *err, size_t errlen);
/* What check and baseline both take: --report, --list-metrics, -o, -v, -h,
 * the cgroup breakdown, and gate_opt() takes them (1, 0 for another,
 * -EINVAL with err). */
#define GATE_LONGOPTS \
	{ "report", required_argument, NULL, OPT_REPORT }, \
	{ "list-metrics", no_argument, NULL, OPT_LIST_METRICS }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "help", no_argument, NULL, 'h' }, \
	BY_CGROUP_LONGOPTS
int gate_opt(struct gate_opts *o, int c, const char *arg, const char *cmd, char *err,
	     size_t errlen);
/* After either's options: the trace group's end, and a report or a target
 * to trace (not both). 0 or -EINVAL. */
int gate_opts_end(struct gate_opts *o, const char *cmd, int argc, char **argv, char *err,
		  size_t errlen);

struct compare_opts {
	const char *a, *b;	/* the two reports */
	const char *output;	/* -o FILE; NULL = stdout */
	bool json;
};

int compare_opts_parse(int argc, char **argv, struct compare_opts *o, char *err, size_t errlen);

/* model: list | run SCENARIO | compare SCENARIO | bench SCENARIO | replay FILE */
#include "model/model.h"

enum model_what { MODEL_LIST, MODEL_RUN, MODEL_COMPARE, MODEL_BENCH, MODEL_REPLAY };

struct model_opts {
	enum model_what what;
	const char *scenario;
	enum model_policy policy;		/* run: --policy (default per-vma) */
	bool policy_auto;			/* --policy auto: the running kernel's era */
	bool policy_given;			/* --policy, which compare and replay refuse */
	enum model_policy policies[MODEL_NR_POLICIES];	/* compare: --policies */
	size_t npolicies;
	uint64_t seed;				/* --seed (default 1) */
	double scale;				/* --scale (default 1: full size) */
	unsigned int rounds;			/* bench: --rounds (default 5) */
	uint32_t pid;				/* replay: --pid (0: the busiest process) */
	bool json;
	const char *output;
};

int model_opts_parse(int argc, char **argv, struct model_opts *o, char *err, size_t errlen);

/* top: a refreshing per-process table */
struct top_opts {
	struct trace_opts t;	/* -p (0 = every process), -c, --mode */
	double interval;	/* seconds between refreshes (-i, default 2) */
	uint64_t iterations;	/* -n: stop after this many tables; 0 = until q or Ctrl-C */
	int sort;		/* enum top_sort */
	size_t rows;		/* --rows: process rows per table at most; 0 = as many as fit */
	struct by_cgroup_opts bc;	/* --cgroups (--by cgroup): rows are cgroups */
	int verbose;
};

int top_opts_parse(int argc, char **argv, struct top_opts *o, char *err, size_t errlen);

/* dump FILE and report FILE: a recording (the recording group) */
struct recording_opts {
	const char *file;	/* the recording */
	const char *output;	/* -o FILE; NULL = stdout */
	bool json;		/* dump: JSON lines; report: stat's JSON */
	bool from_events;	/* report --from-events: leave the stored report out */
};

int recording_opts_parse(int argc, char **argv, const char *name, bool from_events,
			 struct recording_opts *o, char *err, size_t errlen);
int dump_opts_parse(int argc, char **argv, struct recording_opts *o, char *err, size_t errlen);
int report_opts_parse(int argc, char **argv, struct recording_opts *o, char *err, size_t errlen);

/* --listen: "ADDR:PORT", ":PORT" (every IPv4 address) or "PORT" (loopback).
 * 0 or -EINVAL. */
struct sockaddr_in;
int listen_parse(const char *s, struct sockaddr_in *sa);

#endif
