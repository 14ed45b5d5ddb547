/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* options.h: command-line parsing, kept free of side effects for tests. */
#ifndef MMRETRY_OPTIONS_H
#define MMRETRY_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bpf/faults.h"
#include "trace/engine.h"

struct stat_opts {
	struct trace_opts t;	/* what to trace (the command after --, if any) */
	bool json;
	const char *output;	/* NULL = stdout */
	const char *folded;	/* --folded FILE: long holds and waits as folded stacks */
	int verbose;
};

/* 0: parsed; 1: help was asked for; -EINVAL: usage error written to err. */
int stat_opts_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen);
extern const char stat_usage[];

/* record: stat's options, -o naming the recording (required); no --json */
int record_opts_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen);
extern const char record_usage[];


struct probe_opts {
	bool json;
	int verbose;
};

int probe_opts_parse(int argc, char **argv, struct probe_opts *o, char *err, size_t errlen);
extern const char probe_usage[];

/* check and baseline: their own options, then stat's (tracing) ones */
enum gate_cmd { GATE_CHECK, GATE_BASELINE };

struct check_opts {
	struct stat_opts stat;	/* what to trace, as stat takes it (not -j, -o) */
	const char *baseline;	/* check: --baseline FILE */
	const char *report;	/* --report FILE: judge or record a report, no tracing */
	const char *save_report;/* check: --save-report FILE */
	const char *junit;	/* check: --junit FILE */
	const char *output;	/* -o FILE; NULL = stdout */
	bool json;		/* check: -j */
	bool list_metrics;	/* --list-metrics */
	char **args;		/* stat's share of argv; check_opts_free() */
};

/* 0: parsed; 1: help was asked for; -EINVAL: usage error written to err. */
int check_opts_parse(int argc, char **argv, enum gate_cmd which, struct check_opts *o,
		     char *err, size_t errlen);
void check_opts_free(struct check_opts *o);
extern const char check_usage[], baseline_usage[];

struct compare_opts {
	const char *a, *b;	/* the two reports */
	const char *output;	/* -o FILE; NULL = stdout */
	bool json;
};

int compare_opts_parse(int argc, char **argv, struct compare_opts *o, char *err, size_t errlen);
extern const char compare_usage[];

/* model: list | run SCENARIO | compare SCENARIO | bench SCENARIO | replay FILE */
#include "model/model.h"

enum model_what { MODEL_LIST, MODEL_RUN, MODEL_COMPARE, MODEL_BENCH, MODEL_REPLAY };

struct model_opts {
	enum model_what what;
	const char *scenario;
	enum model_policy policy;		/* run: --policy (default per-vma) */
	bool policy_auto;			/* --policy auto: the running kernel's era */
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
extern const char model_usage[];

/* top: a refreshing per-process table */
struct top_opts {
	struct trace_opts t;	/* -p (0 = every process), -c, --mode */
	double interval;	/* seconds between refreshes (-i, default 2) */
	uint64_t iterations;	/* -n: stop after this many tables; 0 = until q or Ctrl-C */
	int sort;		/* enum top_sort */
	int verbose;
};

/* 0: parsed; 1: help was asked for; -EINVAL: usage error written to err. */
int top_opts_parse(int argc, char **argv, struct top_opts *o, char *err, size_t errlen);
extern const char top_usage[];

/* dump: a recording's header and records, one line each */
/* dump FILE and report FILE: a recording */
struct recording_opts {
	const char *file;	/* the recording */
	const char *output;	/* -o FILE; NULL = stdout */
	bool json;		/* dump: JSON lines; report: stat's JSON */
	bool from_events;	/* report --from-events: leave the stored report out */
};

/* 0: parsed; 1: help was asked for; -EINVAL: usage error written to err. */
int dump_opts_parse(int argc, char **argv, struct recording_opts *o, char *err, size_t errlen);
int report_opts_parse(int argc, char **argv, struct recording_opts *o, char *err, size_t errlen);
extern const char report_usage[];
extern const char dump_usage[];

/* --listen: "ADDR:PORT", ":PORT" (every IPv4 address) or "PORT" (loopback).
 * 0 or -EINVAL. */
struct sockaddr_in;
int listen_parse(const char *s, struct sockaddr_in *sa);

#endif
