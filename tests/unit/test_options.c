// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_options.c: the command lines of stat and probe (options.c) and the
 * value parsers under them (util.c). Every call gets a fresh argv: getopt
 * keeps state between calls, which the parsers must reset themselves.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/options.h"
#include "stats/top.h"
#include "lib/util.h"
#include "unit.h"

#define ARGV(...) ((char *[]){ __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof(char *)) - 1)

struct parsed {
	int ret;
	struct stat_opts o;
	char err[256];
};

/* Parse `mmretry stat ARGS...`: argv[0] is "stat", as main() passes it. The
 * compound literal lives to the end of the calling block, as o.argv must. */
#define STAT(...) stat_parse(ARGC(ARGV("stat", __VA_ARGS__)), ARGV("stat", __VA_ARGS__))
#define STAT0() stat_parse(1, ARGV("stat"))

static struct parsed stat_parse(int argc, char **argv)
{
	struct parsed p;

	memset(&p, 0, sizeof(p));
	p.ret = stat_opts_parse(argc, argv, &p.o, p.err, sizeof(p.err));
	return p;
}

static void assert_contains(const char *s, const char *sub)
{
	if (!strstr(s, sub))
		fail_msg("'%s' does not contain '%s'", s, sub);
}

/* A usage error with a message naming `sub`. */
static void assert_usage_error(struct parsed p, const char *sub)
{
	if (p.ret != -EINVAL)
		fail_msg("ret %d, want -EINVAL (for '%s')", p.ret, sub);
	assert_contains(p.err, sub);
	assert_null(strchr(p.err, '\n'));
}

/* ---- stat ---- */

static void stat_defaults(void **state)
{
	struct parsed p = STAT0();

	assert_int_equal(p.ret, 0);
	assert_true(p.o.t.duration == 0);
	assert_int_equal(p.o.t.pid, 0);
	assert_null(p.o.t.cgroup);
	assert_int_equal(p.o.t.mode, MMR_MODE_NONE);
	assert_false(p.o.json);
	assert_null(p.o.output);
	assert_int_equal(p.o.t.ringbuf_bytes, 0);
	assert_int_equal(p.o.verbose, 0);
	assert_null(p.o.t.argv);
	assert_string_equal(p.err, "");
}

static void stat_duration(void **state)
{
	static const struct { char *arg; double secs; } ok[] = {
		{ "10", 10 }, { "1.5", 1.5 }, { "500ms", 0.5 }, { "2m", 120 },
		{ "30s", 30 }, { "1h", 3600 }, { "0.25", 0.25 },
	};
	struct parsed p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(ok); i++) {
		p = STAT("-d", ok[i].arg);
		assert_int_equal(p.ret, 0);
		if (p.o.t.duration != ok[i].secs)
			fail_msg("-d %s: %g s, want %g", ok[i].arg, p.o.t.duration, ok[i].secs);
	}
	p = STAT("--duration=2m");
	assert_int_equal(p.ret, 0);
	assert_true(p.o.t.duration == 120);
	p = STAT("--duration", "1.5");
	assert_true(p.o.t.duration == 1.5);
	p = STAT("-d500ms");
	assert_true(p.o.t.duration == 0.5);
	p = STAT("-d", "1", "-d", "2");		/* the last one wins */
	assert_true(p.o.t.duration == 2);
}

static void stat_duration_bad(void **state)
{
	static char *const bad[] = { "0", "-1", "abc", "10x", "", "0ms", "1d", "inf" };
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		char want[64];

		snprintf(want, sizeof(want), "invalid duration '%s'", bad[i]);
		assert_usage_error(STAT("-d", bad[i]), want);
	}
	assert_usage_error(STAT("-d"), "-d");	/* missing argument */
}

static void stat_pid(void **state)
{
	static char *const bad[] = { "0", "-5", "abc", "99999999", "", "4194305", "12a" };
	struct parsed p;
	size_t i;

	p = STAT("-p", "123");
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.t.pid, 123);
	p = STAT("--pid=4194304");	/* PID_MAX_LIMIT */
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.t.pid, 4194304);
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		char want[64];

		snprintf(want, sizeof(want), "invalid pid '%s'", bad[i]);
		assert_usage_error(STAT("-p", bad[i]), want);
	}
}

static void stat_cgroup(void **state)
{
	char *argv[] = { "stat", "-c", "/sys/fs/cgroup/system.slice", NULL };
	struct parsed p = stat_parse(3, argv);

	assert_int_equal(p.ret, 0);
	assert_ptr_equal(p.o.t.cgroup, argv[2]);	/* points into argv */
	p = STAT("--cgroup=system.slice/nginx.service");
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.o.t.cgroup, "system.slice/nginx.service");
	assert_usage_error(STAT("-c", ""), "empty cgroup path");
}

static void stat_mode(void **state)
{
	static const struct { char *arg; enum mmr_mode m; } ok[] = {
		{ "fentry", MMR_MODE_FENTRY }, { "kprobe", MMR_MODE_KPROBE },
		{ "tracepoint", MMR_MODE_TRACEPOINT }, { "auto", MMR_MODE_NONE },
	};
	struct parsed p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(ok); i++) {
		p = STAT("--mode", ok[i].arg);
		assert_int_equal(p.ret, 0);
		assert_int_equal(p.o.t.mode, ok[i].m);
	}
	p = STAT("-m", "kprobe");
	assert_int_equal(p.o.t.mode, MMR_MODE_KPROBE);
	p = STAT("--mode=tracepoint");
	assert_int_equal(p.o.t.mode, MMR_MODE_TRACEPOINT);

	p = STAT("--mode", "bpf");
	assert_usage_error(p, "unknown mode 'bpf'");
	assert_contains(p.err, "fentry");
	assert_contains(p.err, "kprobe");
	assert_contains(p.err, "tracepoint");
	assert_contains(p.err, "auto");
	assert_usage_error(STAT("--mode", "none"), "unknown mode 'none'");
}

static void stat_json_output(void **state)
{
	char *argv[] = { "stat", "-o", "r.json", NULL };
	struct parsed p;

	p = STAT("--json");
	assert_int_equal(p.ret, 0);
	assert_true(p.o.json);
	p = STAT("-j");
	assert_true(p.o.json);
	p = stat_parse(3, argv);
	assert_int_equal(p.ret, 0);
	assert_ptr_equal(p.o.output, argv[2]);
	assert_false(p.o.json);
	p = STAT("--output=/tmp/report.txt", "-j");
	assert_string_equal(p.o.output, "/tmp/report.txt");
	assert_true(p.o.json);
}

static void stat_ringbuf_size(void **state)
{
	static const struct { char *arg; uint64_t bytes; } ok[] = {
		{ "4M", 4 << 20 }, { "4k", 4096 }, { "4096", 4096 }, { "256K", 256 << 10 },
		{ "1G", 1 << 30 }, { "1m", 1 << 20 },
	};
	static char *const bad[] = { "3M", "1k", "2G", "0", "", "-4M", "4MB", "6144" };
	struct parsed p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(ok); i++) {
		p = STAT("--ringbuf-size", ok[i].arg);
		assert_int_equal(p.ret, 0);
		assert_int_equal(p.o.t.ringbuf_bytes, ok[i].bytes);
	}
	p = STAT("--ringbuf-size=8M");
	assert_int_equal(p.o.t.ringbuf_bytes, 8 << 20);
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		char want[64];

		snprintf(want, sizeof(want), "invalid ring buffer size '%s'", bad[i]);
		p = STAT("--ringbuf-size", bad[i]);
		assert_usage_error(p, want);
		assert_contains(p.err, "power of two");
	}
}

/* --min-hold: 0 streams every hold and wait; else a duration of 1us or more. */
static void stat_min_hold(void **state)
{
	static const struct { char *arg; uint64_t ns; } ok[] = {
		{ "0", 0 }, { "500us", 500000 }, { "1ms", 1000000 }, { "0.01", 10000000 },
		{ "1us", 1000 }, { "2.5ms", 2500000 }, { "1s", 1000000000 }, { "2", 2000000000 },
		{ "1m", 60000000000ULL }, { "0.000001", 1000 }, { ".5ms", 500000 },
		/* 4.1e-3 * 1e9 is 4099999.9999999995: rounded, not cut */
		{ "4.1ms", 4100000 }, { "2.3us", 2300 },
	};
	struct parsed p;
	size_t i;

	p = STAT0();
	assert_int_equal(p.o.t.min_hold_ns, 1000000);	/* default: 1 ms */
	for (i = 0; i < ARRAY_LEN(ok); i++) {
		p = STAT("--min-hold", ok[i].arg);
		assert_int_equal(p.ret, 0);
		if (p.o.t.min_hold_ns != ok[i].ns)
			fail_msg("--min-hold %s: %llu ns, want %llu", ok[i].arg,
				 (unsigned long long)p.o.t.min_hold_ns, (unsigned long long)ok[i].ns);
	}
	p = STAT("--min-hold=0");
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.t.min_hold_ns, 0);
	p = STAT("--min-hold=250us", "-j");
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.t.min_hold_ns, 250000);
	assert_true(p.o.json);
	p = STAT("--min-hold", "0", "--min-hold", "3ms");	/* the last one wins */
	assert_int_equal(p.o.t.min_hold_ns, 3000000);
	p = STAT("--min-hold", "3ms", "--min-hold", "0");
	assert_int_equal(p.o.t.min_hold_ns, 0);
}

static void stat_min_hold_bad(void **state)
{
	static char *const bad[] = {
		"-1", "abc", "1x", "0.0000001", "", "0.5us", "inf", "1 ms", "-0", "1ns",
	};
	struct parsed p;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		char want[64];

		snprintf(want, sizeof(want), "invalid --min-hold '%s'", bad[i]);
		p = STAT("--min-hold", bad[i]);
		assert_usage_error(p, want);
		assert_contains(p.err, "0 for all");
	}
	assert_usage_error(STAT("--min-hold"), "--min-hold");	/* missing argument */
}

/* --min-fault: as --min-hold, its own default and error; check takes it too */
static void stat_min_fault(void **state)
{
	static char *const bad[] = { "-1", "abc", "1x", "0.5us", "", "1ns" };
	struct parsed p;
	size_t i;

	p = STAT0();
	assert_int_equal(p.o.t.min_fault_ns, 1000000);	/* default: 1 ms */
	p = STAT("--min-fault", "250us");
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.t.min_fault_ns, 250000);
	assert_int_equal(p.o.t.min_hold_ns, 1000000);	/* not --min-hold's */
	p = STAT("--min-fault=0");
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.t.min_fault_ns, 0);
	p = STAT("--min-fault", "2.5ms", "--min-hold", "0");
	assert_int_equal(p.o.t.min_fault_ns, 2500000);
	assert_int_equal(p.o.t.min_hold_ns, 0);
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		char want[64];

		snprintf(want, sizeof(want), "invalid --min-fault '%s'", bad[i]);
		p = STAT("--min-fault", bad[i]);
		assert_usage_error(p, want);
		assert_contains(p.err, "0 for all");
	}
	assert_usage_error(STAT("--min-fault"), "--min-fault");
}

static void stat_folded_no_mmap_lock(void **state)
{
	char *argv[] = { "stat", "--folded", "out.folded", "--no-mmap-lock", NULL };
	struct parsed p;

	p = STAT0();
	assert_null(p.o.folded);
	assert_false(p.o.t.no_mmap_lock);
	p = stat_parse(4, argv);
	assert_int_equal(p.ret, 0);
	assert_ptr_equal(p.o.folded, argv[2]);	/* points into argv */
	assert_true(p.o.t.no_mmap_lock);
	p = STAT("--folded=/tmp/x.folded");
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.o.folded, "/tmp/x.folded");
	assert_false(p.o.t.no_mmap_lock);
	assert_usage_error(STAT("--no-mmap-lock=1"), "--no-mmap-lock");	/* no argument */
}

static void stat_proc_latency(void **state)
{
	struct parsed p;

	p = STAT0();
	assert_false(p.o.proc_latency);		/* stat's default cost: no per-process map */
	p = STAT("--proc-latency");
	assert_int_equal(p.ret, 0);
	assert_true(p.o.proc_latency);
	assert_usage_error(STAT("--proc-latency=1"), "--proc-latency");	/* no argument */
}

static void stat_verbose_help(void **state)
{
	struct parsed p;

	p = STAT("-v", "-v");
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.verbose, 2);
	p = STAT("-vv", "--verbose");
	assert_int_equal(p.o.verbose, 3);
	p = STAT("-v");
	assert_int_equal(p.o.verbose, 1);
	assert_int_equal(STAT("-h").ret, 1);
	assert_int_equal(STAT("--help").ret, 1);
	assert_int_equal(STAT("-v", "-h", "-d", "bad").ret, 1);	/* help first */
}

static void stat_unknown_option(void **state)
{
	assert_usage_error(STAT("-x"), "'-x'");
	assert_usage_error(STAT("-jx"), "'-x'");
	assert_usage_error(STAT("--bogus"), "'--bogus'");
	assert_usage_error(STAT("--bogus=1"), "--bogus");
	assert_usage_error(STAT("-d", "1", "-Z"), "'-Z'");
	assert_usage_error(STAT("--json=yes"), "-j");	/* takes no argument */
	assert_usage_error(STAT("--mode"), "-m");	/* missing argument */
}

static void stat_command(void **state)
{
	char *argv[] = { "stat", "-j", "--", "cmd", "a", "b", NULL };
	struct parsed p = stat_parse(6, argv);

	assert_int_equal(p.ret, 0);
	assert_true(p.o.json);
	assert_ptr_equal(p.o.t.argv, &argv[3]);
	assert_string_equal(p.o.t.argv[0], "cmd");
	assert_string_equal(p.o.t.argv[1], "a");
	assert_string_equal(p.o.t.argv[2], "b");
	assert_null(p.o.t.argv[3]);

	/* without "--" the first non-option starts the command ("+": no permuting) */
	p = STAT("cmd", "a");
	assert_int_equal(p.ret, 0);
	assert_string_equal(p.o.t.argv[0], "cmd");
	assert_string_equal(p.o.t.argv[1], "a");

	/* "--" and nothing after it: no command */
	p = STAT("-j", "--");
	assert_int_equal(p.ret, 0);
	assert_null(p.o.t.argv);

	/* the report owns stdout: the command's goes to stderr, unless -o */
	p = STAT("--", "cmd");
	assert_true(p.o.t.command_stdout_to_stderr);
	p = STAT("-o", "r.txt", "--", "cmd");
	assert_false(p.o.t.command_stdout_to_stderr);
}

static void stat_command_conflicts(void **state)
{
	assert_usage_error(STAT("-p", "1", "--", "cmd"), "-p and a command");
	/* one target: -c with -p or a command was silently dropped before */
	assert_usage_error(STAT("-c", "x", "--", "cmd"), "-c and a command cannot be combined");
	assert_usage_error(STAT("-p", "1", "-c", "x"), "-c and -p cannot be combined");
	/* -d from 1 ms to 30 days, as top's -i is held to a day */
	assert_usage_error(STAT("-d", "99999999999"), "1ms to 30 days");
	assert_usage_error(STAT("-d", "1us"), "invalid duration");
	assert_int_equal(STAT("-d", "30d").ret, -EINVAL);
	assert_int_equal(STAT("-d", "720h").ret, 0);
	assert_usage_error(STAT("-d", "1", "--", "cmd"), "-d and a command");
	assert_usage_error(STAT("-d", "1", "cmd"), "-d and a command");
}

/* Options after the command are the command's. */
static void stat_options_after_command(void **state)
{
	char *argv[] = { "stat", "-v", "--", "cmd", "-d", "5", "--json", "-p", "1", NULL };
	char *argv2[] = { "stat", "cmd", "-x", "--", "y", NULL };
	struct parsed p = stat_parse(9, argv);

	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.verbose, 1);
	assert_true(p.o.t.duration == 0);
	assert_false(p.o.json);
	assert_int_equal(p.o.t.pid, 0);
	assert_ptr_equal(p.o.t.argv, &argv[3]);
	assert_string_equal(p.o.t.argv[1], "-d");
	assert_string_equal(p.o.t.argv[2], "5");
	assert_string_equal(p.o.t.argv[3], "--json");
	assert_null(p.o.t.argv[6]);
	/* argv was not permuted */
	assert_string_equal(argv[1], "-v");
	assert_string_equal(argv[2], "--");

	p = stat_parse(5, argv2);
	assert_int_equal(p.ret, 0);
	assert_ptr_equal(p.o.t.argv, &argv2[1]);
	assert_string_equal(p.o.t.argv[1], "-x");
	assert_string_equal(p.o.t.argv[2], "--");
}

/* An earlier parse that stopped inside "-jx" leaves getopt mid-word;
 * the next parse must not continue from there. */
static void stat_repeated_calls(void **state)
{
	struct parsed p;

	assert_usage_error(STAT("-xj", "-v"), "'-x'");
	p = STAT("-v");
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.o.verbose, 1);
	assert_false(p.o.json);
	p = STAT("-d", "1", "-p", "2");
	assert_int_equal(p.ret, 0);
	p = STAT0();	/* nothing left over from the call before */
	assert_int_equal(p.ret, 0);
	assert_true(p.o.t.duration == 0);
	assert_int_equal(p.o.t.pid, 0);
	assert_int_equal(STAT("-h").ret, 1);
	p = STAT("-j");
	assert_int_equal(p.ret, 0);
	assert_true(p.o.json);
}

/* ---- probe ---- */

static int probe_parse(int argc, char **argv, struct probe_opts *o, char *err, size_t len)
{
	memset(err, 0, len);
	return probe_opts_parse(argc, argv, o, err, len);
}

#define PROBE(o, err, ...)							\
	probe_parse(ARGC(ARGV("probe", __VA_ARGS__)), ARGV("probe", __VA_ARGS__), o,	\
		    err, sizeof(err))

static void probe_options(void **state)
{
	struct probe_opts o;
	char err[256];

	assert_int_equal(probe_parse(1, ARGV("probe"), &o, err, sizeof(err)), 0);
	assert_false(o.json);
	assert_int_equal(o.verbose, 0);
	assert_int_equal(PROBE(&o, err, "--json"), 0);
	assert_true(o.json);
	assert_int_equal(PROBE(&o, err, "-j", "-v", "-v"), 0);
	assert_true(o.json);
	assert_int_equal(o.verbose, 2);
	assert_int_equal(PROBE(&o, err, "--verbose"), 0);
	assert_false(o.json);
	assert_int_equal(o.verbose, 1);
	assert_int_equal(PROBE(&o, err, "-h"), 1);
	assert_int_equal(PROBE(&o, err, "--help"), 1);
}

static void probe_bad(void **state)
{
	struct probe_opts o;
	char err[256];

	assert_int_equal(PROBE(&o, err, "foo"), -EINVAL);
	assert_contains(err, "unexpected argument 'foo'");
	assert_int_equal(PROBE(&o, err, "-j", "foo"), -EINVAL);
	assert_contains(err, "'foo'");
	assert_int_equal(PROBE(&o, err, "-x"), -EINVAL);
	assert_contains(err, "unknown option '-x'");
	assert_int_equal(PROBE(&o, err, "--bogus"), -EINVAL);
	assert_contains(err, "'--bogus'");
	assert_int_equal(PROBE(&o, err, "-d", "5"), -EINVAL);
	assert_contains(err, "'-d'");
}

/* An unknown letter in the middle of a cluster of short options. */
static void probe_unknown_in_cluster(void **state)
{
	struct probe_opts o;
	char err[256];

	assert_int_equal(PROBE(&o, err, "-xj"), -EINVAL);
	assert_true(strstr(err, "-x") != NULL);
}

/* ---- util.c parsers ---- */

static void u64(void **state)
{
	static const char *const bad[] = { "", "-1", "+1", "1a", "a", "0x10", "1 ", "1.0" };
	uint64_t v = 7;
	size_t i;

	assert_int_equal(parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("42", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_u64("007", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);

	v = 7;
	assert_int_equal(parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(parse_u64("99999999999999999999999", &v), -ERANGE);
	for (i = 0; i < ARRAY_LEN(bad); i++)
		if (parse_u64(bad[i], &v) != -EINVAL)
			fail_msg("parse_u64('%s') accepted", bad[i]);
	assert_int_equal(parse_u64(NULL, &v), -EINVAL);
	assert_int_equal(v, 7);		/* untouched on error */
}

/* strtoull() skips leading blanks and accepts a sign after them. */
static void u64_blank_then_sign(void **state)
{
	uint64_t v = 7;
	int ret = parse_u64(" -1", &v);

	assert_true(ret == -EINVAL);
}

static void duration(void **state)
{
	static const struct { const char *s; double secs; } ok[] = {
		{ "10", 10 }, { "1.5", 1.5 }, { "500ms", 0.5 }, { "2m", 120 }, { "1h", 3600 },
		{ "10s", 10 }, { ".5", 0.5 }, { "1.5m", 90 }, { "1e3", 1000 },
	};
	static const char *const einval[] = {
		"", "-1", "+1", "abc", "10x", "ms", "10 s", "10S", "inf", "nan", "1e400",
		"5 ", "10mss",
	};
	double d = 7;
	size_t i;

	for (i = 0; i < ARRAY_LEN(ok); i++) {
		assert_int_equal(parse_duration(ok[i].s, &d), 0);
		if (d != ok[i].secs)
			fail_msg("parse_duration('%s') = %g, want %g", ok[i].s, d, ok[i].secs);
	}
	d = 7;
	for (i = 0; i < ARRAY_LEN(einval); i++)
		if (parse_duration(einval[i], &d) != -EINVAL)
			fail_msg("parse_duration('%s') did not fail with -EINVAL", einval[i]);
	assert_int_equal(parse_duration(NULL, &d), -EINVAL);
	/* zero is not a duration */
	assert_int_equal(parse_duration("0", &d), -ERANGE);
	assert_int_equal(parse_duration("0ms", &d), -ERANGE);
	assert_int_equal(parse_duration("0.0h", &d), -ERANGE);
	assert_true(d == 7);		/* untouched on error */
}

static void size(void **state)
{
	static const struct { const char *s; uint64_t bytes; } ok[] = {
		{ "4096", 4096 }, { "4k", 4096 }, { "4K", 4096 }, { "256k", 256 << 10 },
		{ "1048576", 1 << 20 }, { "4M", 4 << 20 }, { "4m", 4 << 20 },
		{ "1G", 1ULL << 30 }, { "1g", 1ULL << 30 }, { "1024M", 1ULL << 30 },
		{ "3M", 3 << 20 },	/* a power of two is the caller's rule */
	};
	static const char *const einval[] = {
		"", "-4k", "+4k", "4MB", "4kb", "1T", "k", "4 k", "4.5M",
		"99999999999999999999",
	};
	static const char *const erange[] = { "4095", "1k", "3k", "0", "0M", "2G", "1025M",
					      "1073741825", "18014398509481984k" };
	uint64_t v = 7;
	size_t i;

	for (i = 0; i < ARRAY_LEN(ok); i++) {
		assert_int_equal(parse_size(ok[i].s, &v), 0);
		assert_int_equal(v, ok[i].bytes);
	}
	v = 7;
	for (i = 0; i < ARRAY_LEN(einval); i++)
		if (parse_size(einval[i], &v) != -EINVAL)
			fail_msg("parse_size('%s') did not fail with -EINVAL", einval[i]);
	for (i = 0; i < ARRAY_LEN(erange); i++)
		if (parse_size(erange[i], &v) != -ERANGE)
			fail_msg("parse_size('%s') did not fail with -ERANGE", erange[i]);
	assert_int_equal(parse_size(NULL, &v), -EINVAL);
	assert_int_equal(v, 7);
}

static void strlcpy_cuts(void **state)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(strlcpy_(buf, "0123456789", sizeof(buf)), 10);
	assert_string_equal(buf, "0123456");
	assert_int_equal(strlcpy_(buf, "ab", sizeof(buf)), 2);
	assert_string_equal(buf, "ab");
	buf[0] = 'q';
	assert_int_equal(strlcpy_(buf, "zz", 0), 2);	/* writes nothing */
	assert_int_equal(buf[0], 'q');
}

/* --listen: loopback unless asked, every address for ":PORT" */
static void listen_addresses(void **state)
{
	struct sockaddr_in sa;
	char ip[INET_ADDRSTRLEN];

	assert_int_equal(listen_parse("9862", &sa), 0);
	assert_int_equal(ntohs(sa.sin_port), 9862);
	assert_string_equal(inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip)), "127.0.0.1");
	assert_int_equal(listen_parse(":9100", &sa), 0);
	assert_int_equal(ntohs(sa.sin_port), 9100);
	assert_string_equal(inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip)), "0.0.0.0");
	assert_int_equal(listen_parse("10.1.2.3:80", &sa), 0);
	assert_string_equal(inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip)), "10.1.2.3");
	assert_int_equal(sa.sin_family, AF_INET);
	assert_int_equal(listen_parse("127.0.0.1:0", &sa), -EINVAL);
	assert_int_equal(listen_parse("127.0.0.1:65536", &sa), -EINVAL);
	assert_int_equal(listen_parse("localhost:9862", &sa), -EINVAL);
	assert_int_equal(listen_parse("1.2.3:9862", &sa), -EINVAL);
	assert_int_equal(listen_parse("", &sa), -EINVAL);
	assert_int_equal(listen_parse(":", &sa), -EINVAL);
	assert_int_equal(listen_parse("9862x", &sa), -EINVAL);
}

/* ---- export, and the trace group every tracing command shares ---- */

#define EXPORT(o, ...) export_opts_parse(ARGC(ARGV("export", __VA_ARGS__)), \
					 ARGV("export", __VA_ARGS__), o, err, sizeof(err))

static void export_options(void **state)
{
	struct export_opts o;
	char err[256];

	assert_int_equal(export_opts_parse(1, ARGV("export"), &o, err, sizeof(err)), 0);
	assert_string_equal(o.listen, "127.0.0.1:9862");
	assert_int_equal(o.t.mode, MMR_MODE_NONE);
	assert_int_equal(EXPORT(&o, "-l", ":9900", "-p", "42", "--mode=kprobe", "--no-anon-vma",
				"-u", "nobody"), 0);
	assert_string_equal(o.listen, ":9900");
	assert_int_equal(o.t.pid, 42);
	assert_int_equal(o.t.mode, MMR_MODE_KPROBE);
	assert_true(o.t.no_anon_vma);
	assert_string_equal(o.user, "nobody");
	/* refused as every command refuses, naming the option */
	assert_int_equal(EXPORT(&o, "--bogus"), -EINVAL);
	assert_string_equal(err, "export: unknown option '--bogus'");
	assert_int_equal(EXPORT(&o, "--listen"), -EINVAL);
	assert_string_equal(err, "export: --listen needs a value");
	assert_int_equal(EXPORT(&o, "--listen", "nowhere:x"), -EINVAL);
	assert_string_equal(err, "export: invalid --listen 'nowhere:x' (e.g. 127.0.0.1:9862 or "
			    ":9862)");
	assert_int_equal(EXPORT(&o, "-p", "0"), -EINVAL);
	assert_string_equal(err, "export: invalid pid '0'");
	/* no command, no duration: an exporter runs until stopped */
	assert_int_equal(EXPORT(&o, "-d", "5"), -EINVAL);
	assert_string_equal(err, "export: unknown option '-d'");
	assert_int_equal(EXPORT(&o, "--", "true"), -EINVAL);
	assert_string_equal(err, "export: unexpected argument 'true'");
}

/* The same option means the same in every command that takes it. */
static void trace_group_alike(void **state)
{
	struct stat_opts s;
	struct top_opts t;
	struct gate_opts g;
	char err[256];

	assert_int_equal(stat_opts_parse(ARGC(ARGV("stat", "-m", "fentry", "--no-mmap-lock",
						   "-c", "x")),
					 ARGV("stat", "-m", "fentry", "--no-mmap-lock", "-c", "x"),
					 &s, err, sizeof(err)), 0);
	assert_int_equal(top_opts_parse(ARGC(ARGV("top", "-m", "fentry", "--no-mmap-lock", "-c",
						  "x")),
					ARGV("top", "-m", "fentry", "--no-mmap-lock", "-c", "x"),
					&t, err, sizeof(err)), 0);
	assert_int_equal(baseline_opts_parse(ARGC(ARGV("baseline", "-m", "fentry",
						       "--no-mmap-lock", "-c", "x")),
					     ARGV("baseline", "-m", "fentry", "--no-mmap-lock",
						  "-c", "x"), &g, err, sizeof(err)), 0);
	assert_int_equal(s.t.mode, t.t.mode);
	assert_int_equal(s.t.mode, g.t.mode);
	assert_true(s.t.no_mmap_lock && t.t.no_mmap_lock && g.t.no_mmap_lock);
	assert_string_equal(s.t.cgroup, t.t.cgroup);
	assert_string_equal(s.t.cgroup, g.t.cgroup);
	assert_int_equal(s.t.min_hold_ns, g.t.min_hold_ns);
	/* and is refused alike, named for the command */
	assert_int_equal(top_opts_parse(ARGC(ARGV("top", "-m", "fast")), ARGV("top", "-m", "fast"),
					&t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "top: unknown mode 'fast' (fentry, kprobe, tracepoint, light or auto)");
}

/* --no-latency: every tracing command takes it (the trace group), without a value */
/* export and top default to the light mode, stat to auto; --mode light
 * asks for it, --mode auto (or a mode) for the full order */
static void trace_group_light(void **state)
{
	struct stat_opts s;
	struct top_opts t;
	struct export_opts x;
	char err[256];

	(void)state;
	assert_int_equal(stat_opts_parse(ARGC(ARGV("stat", "-d", "1")), ARGV("stat", "-d", "1"),
					 &s, err, sizeof(err)), 0);
	assert_false(s.t.light);
	assert_int_equal(stat_opts_parse(ARGC(ARGV("stat", "-m", "light", "-d", "1")),
					 ARGV("stat", "-m", "light", "-d", "1"), &s, err,
					 sizeof(err)), 0);
	assert_true(s.t.light);
	assert_int_equal(s.t.mode, MMR_MODE_NONE);
	assert_int_equal(top_opts_parse(ARGC(ARGV("top")), ARGV("top"), &t, err, sizeof(err)), 0);
	assert_true(t.t.light);
	assert_int_equal(top_opts_parse(ARGC(ARGV("top", "--mode=auto")), ARGV("top", "--mode=auto"),
					&t, err, sizeof(err)), 0);
	assert_false(t.t.light);
	assert_int_equal(t.t.mode, MMR_MODE_NONE);
	assert_int_equal(export_opts_parse(ARGC(ARGV("export")), ARGV("export"), &x, err,
					   sizeof(err)), 0);
	assert_true(x.t.light);
	assert_int_equal(export_opts_parse(ARGC(ARGV("export", "-m", "fentry")),
					   ARGV("export", "-m", "fentry"), &x, err, sizeof(err)), 0);
	assert_false(x.t.light);
	assert_int_equal(x.t.mode, MMR_MODE_FENTRY);
}

static void trace_group_no_latency(void **state)
{
	struct stat_opts s;
	struct top_opts t;
	struct gate_opts g;
	struct export_opts x;
	char err[256];

	assert_int_equal(stat_opts_parse(ARGC(ARGV("stat", "--no-latency")),
					 ARGV("stat", "--no-latency"), &s, err, sizeof(err)), 0);
	assert_true(s.t.no_latency);
	assert_int_equal(stat_opts_parse(ARGC(ARGV("stat", "-d", "1")), ARGV("stat", "-d", "1"),
					 &s, err, sizeof(err)), 0);
	assert_false(s.t.no_latency);	/* timed by default */
	assert_int_equal(record_opts_parse(ARGC(ARGV("record", "-o", "r", "--no-latency")),
					   ARGV("record", "-o", "r", "--no-latency"), &s, err,
					   sizeof(err)), 0);
	assert_true(s.t.no_latency);
	assert_int_equal(top_opts_parse(ARGC(ARGV("top", "--no-latency")),
					ARGV("top", "--no-latency"), &t, err, sizeof(err)), 0);
	assert_true(t.t.no_latency);
	assert_int_equal(export_opts_parse(ARGC(ARGV("export", "--no-latency")),
					   ARGV("export", "--no-latency"), &x, err, sizeof(err)), 0);
	assert_true(x.t.no_latency);
	assert_int_equal(check_opts_parse(ARGC(ARGV("check", "--baseline", "b", "--no-latency",
						    "--", "true")),
					  ARGV("check", "--baseline", "b", "--no-latency", "--",
					       "true"), &g, err, sizeof(err)), 0);
	assert_true(g.t.no_latency);
	assert_int_equal(stat_opts_parse(ARGC(ARGV("stat", "--no-latency=1")),
					 ARGV("stat", "--no-latency=1"), &s, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "stat: --no-latency takes no value");
}

/* ---- check, baseline, compare ---- */

struct gate {
	int ret;
	struct gate_opts o;
	char err[256];
};

#define CHECK(...) gate_parse(check_opts_parse, ARGC(ARGV("check", __VA_ARGS__)), \
			      ARGV("check", __VA_ARGS__))
#define BASELINE(...) gate_parse(baseline_opts_parse, ARGC(ARGV("baseline", __VA_ARGS__)), \
				 ARGV("baseline", __VA_ARGS__))

static struct gate gate_parse(int (*parse)(int, char **, struct gate_opts *, char *, size_t),
			      int argc, char **argv)
{
	struct gate g;

	memset(&g, 0, sizeof(g));
	g.ret = parse(argc, argv, &g.o, g.err, sizeof(g.err));
	return g;
}

static void assert_gate_error(struct gate g, const char *msg)
{
	if (g.ret != -EINVAL || strcmp(g.err, msg))
		fail_msg("ret %d '%s', want -EINVAL '%s'", g.ret, g.err, msg);
}

static void check_options(void **state)
{
	struct gate g = CHECK("--baseline", "b.yml", "--junit=j.xml", "-j", "-o", "out.txt",
			      "--mode", "tracepoint", "--min-hold=0", "--save-report", "r.json",
			      "--", "gen", "-o", "x");

	assert_int_equal(g.ret, 0);
	assert_string_equal(g.o.baseline, "b.yml");
	assert_string_equal(g.o.junit, "j.xml");
	assert_string_equal(g.o.output, "out.txt");
	assert_string_equal(g.o.save_report, "r.json");
	assert_true(g.o.json);
	assert_null(g.o.report);
	/* the trace group and the command (its own -o untouched) */
	assert_int_equal(g.o.t.mode, MMR_MODE_TRACEPOINT);
	assert_int_equal(g.o.t.min_hold_ns, 0);
	assert_string_equal(g.o.t.argv[0], "gen");
	assert_string_equal(g.o.t.argv[1], "-o");
	assert_string_equal(g.o.t.argv[2], "x");
	assert_null(g.o.t.argv[3]);

	g = CHECK("--baseline=b.yml", "--report", "r.json");
	assert_int_equal(g.ret, 0);
	assert_string_equal(g.o.report, "r.json");
	assert_null(g.o.t.argv);

	g = CHECK("--list-metrics");
	assert_int_equal(g.ret, 0);
	assert_true(g.o.list_metrics);

	g = CHECK("--baseline", "b.yml", "--help", "--", "gen");
	assert_int_equal(g.ret, 1);
}

static void check_errors(void **state)
{
	assert_gate_error(CHECK("--", "gen"), "check: --baseline FILE is required");
	assert_gate_error(CHECK("--baseline"), "check: --baseline needs a value");
	assert_gate_error(CHECK("--baseline", "b.yml"),
			  "check: nothing to judge: give a command after --, or --report FILE");
	assert_gate_error(CHECK("--baseline", "b.yml", "--report", "r.json", "--", "gen"),
			  "check: --report reads a report: it takes no command, -p, -c or -d");
	assert_gate_error(CHECK("--baseline", "b.yml", "--report", "r.json", "-d", "5"),
			  "check: --report reads a report: it takes no command, -p, -c or -d");
	assert_gate_error(CHECK("--baseline", "b.yml", "--report", "r.json", "--save-report",
				"s.json"), "check: --save-report needs a traced run, not --report");
	/* stat's errors, named for check */
	assert_gate_error(CHECK("--baseline", "b.yml", "--mode", "fast", "--", "gen"),
			  "check: unknown mode 'fast' (fentry, kprobe, tracepoint, light or auto)");
	assert_gate_error(CHECK("--baseline", "b.yml", "--bogus", "--", "gen"),
			  "check: unknown option '--bogus'");
}

static void baseline_options(void **state)
{
	struct gate g = BASELINE("-o", "b.yml", "--", "gen", "file");

	assert_int_equal(g.ret, 0);
	assert_string_equal(g.o.output, "b.yml");
	assert_string_equal(g.o.t.argv[0], "gen");

	g = BASELINE("--report", "r.json");
	assert_int_equal(g.ret, 0);
	assert_null(g.o.output);

	/* check's own options are not baseline's */
	assert_gate_error(BASELINE("--junit", "j.xml", "--", "gen"),
			  "baseline: unknown option '--junit'");
	assert_gate_error(BASELINE("-j", "--", "gen"), "baseline: no --json: a baseline is YAML");
	assert_gate_error(BASELINE("-o"), "baseline: -o needs a value");
}

static void compare_options(void **state)
{
	struct compare_opts o;
	char err[256];

	assert_int_equal(compare_opts_parse(ARGC(ARGV("compare", "-j", "a.json", "b.json")),
					    ARGV("compare", "-j", "a.json", "b.json"), &o, err,
					    sizeof(err)), 0);
	assert_true(o.json);
	assert_string_equal(o.a, "a.json");
	assert_string_equal(o.b, "b.json");
	assert_int_equal(compare_opts_parse(ARGC(ARGV("compare", "a.json")),
					    ARGV("compare", "a.json"), &o, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "compare: needs two reports, A.json and B.json");
	assert_int_equal(compare_opts_parse(ARGC(ARGV("compare", "a", "b", "-o")),
					    ARGV("compare", "a", "b", "-o"), &o, err, sizeof(err)),
			 -EINVAL);
}

/* ---- model ---- */

static int model_parse(int argc, char **argv, struct model_opts *o, char *err)
{
	return model_opts_parse(argc, argv, o, err, 256);
}

#define MODEL(o, err, ...) model_parse(ARGC(ARGV("model", __VA_ARGS__)), ARGV("model", __VA_ARGS__), \
				       o, err)

static void model_options(void **state)
{
	struct model_opts o;
	char err[256];

	assert_int_equal(MODEL(&o, err, "run", "gen-file"), 0);
	assert_int_equal(o.what, MODEL_RUN);
	assert_string_equal(o.scenario, "gen-file");
	assert_int_equal(o.policy, POLICY_PER_VMA);
	assert_true(o.seed == 1 && o.scale == 1 && !o.json);
	assert_int_equal(MODEL(&o, err, "run", "shmem-dirty", "--policy", "retry", "--seed=7",
			       "--scale", "0.5", "-j", "-o", "m.json"), 0);
	assert_int_equal(o.policy, POLICY_RETRY);
	assert_true(o.seed == 7 && o.scale == 0.5 && o.json);
	assert_string_equal(o.output, "m.json");
	assert_int_equal(MODEL(&o, err, "compare", "file-reverse", "--policies=legacy,nopage-retry"), 0);
	assert_int_equal(o.what, MODEL_COMPARE);
	assert_int_equal(o.npolicies, 2);
	assert_int_equal(o.policies[1], POLICY_NOPAGE_RETRY);
	assert_int_equal(MODEL(&o, err, "compare", "file-reverse"), 0);
	assert_int_equal(o.npolicies, MODEL_NR_POLICIES);
	assert_int_equal(MODEL(&o, err, "list"), 0);
	assert_int_equal(o.what, MODEL_LIST);
	assert_int_equal(MODEL(&o, err, "--help"), 1);
}

static void model_errors(void **state)
{
	static const struct {
		char *argv[6];
		const char *err;
	} cases[] = {
		{ { "model", NULL }, "model: say list, run SCENARIO, compare SCENARIO or bench SCENARIO" },
		{ { "model", "walk", "x", NULL }, "model: no subcommand 'walk' (list, run, compare, bench, replay)" },
		{ { "model", "run", NULL }, "model: run needs a SCENARIO (`mmretry model list`)" },
		{ { "model", "run", "a", "b", NULL }, "model: unexpected argument 'b'" },
		{ { "model", "list", "x", NULL }, "model: list takes no argument ('x')" },
		{ { "model", "run", "a", "--policy", "spf2", NULL },
		  "model: no policy 'spf2' (`mmretry model list`)" },
		{ { "model", "compare", "a", "--policies", "retry,,bogus", NULL },
		  "model: no policy 'bogus' (`mmretry model list`)" },
		{ { "model", "compare", "a", "--policy", "retry", NULL },
		  "model: compare takes --policies, not --policy" },
		{ { "model", "run", "a", "--scale", "0", NULL }, "model: invalid --scale '0' (0 < X <= 16)" },
		{ { "model", "run", "a", "--seed", "-1", NULL }, "model: invalid --seed '-1'" },
		{ { "model", "replay", "f.mmr", "--policy", "retry", NULL },
		  "model: replay takes --policies, not --policy" },
		{ { "model", "run", "a", "--pid", "12", NULL }, "model: --pid is for replay" },
		{ { "model", "replay", "f.mmr", "--pid", "x", NULL }, "model: invalid --pid 'x'" },
		{ { "model", "bench", "a", "--rounds", "0", NULL },
		  "model: invalid --rounds '0' (1 to 1000)" },
		{ { "model", "bench", "a", "--rounds", "1001", NULL },
		  "model: invalid --rounds '1001' (1 to 1000)" },
	};
	struct model_opts o;
	char err[256];
	size_t i;
	int argc;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		char *argv[6];

		memcpy(argv, cases[i].argv, sizeof(argv));
		for (argc = 0; argv[argc]; argc++)
			;
		assert_int_equal(model_parse(argc, argv, &o, err), -EINVAL);
		if (strcmp(err, cases[i].err))
			fail_msg("case %zu: want '%s', got '%s'", i, cases[i].err, err);
	}
}

#define TOP(o, err, ...) \
	top_opts_parse(ARGC(ARGV("top", __VA_ARGS__)), ARGV("top", __VA_ARGS__), o, err, 256)

static void top_options(void **state)
{
	struct top_opts o;
	char err[256];

	assert_int_equal(top_opts_parse(1, ARGV("top"), &o, err, sizeof(err)), 0);
	assert_true(o.interval == 2);
	assert_int_equal(o.iterations, 0);
	assert_int_equal(o.sort, TOP_SORT_RETRIES);
	assert_int_equal(o.t.pid, 0);
	assert_null(o.t.cgroup);
	assert_int_equal(TOP(&o, err, "-i", "0.5", "-n", "3", "--sort", "retry%", "-p", "42"), 0);
	assert_true(o.interval == 0.5);
	assert_int_equal(o.iterations, 3);
	assert_int_equal(o.sort, TOP_SORT_RETRY_PCT);
	assert_int_equal(o.t.pid, 42);
	assert_int_equal(TOP(&o, err, "--interval=1s", "--cgroup", "a/b", "-s", "wait",
			     "--mode", "tracepoint"), 0);
	assert_true(o.interval == 1);
	assert_string_equal(o.t.cgroup, "a/b");
	assert_int_equal(o.sort, TOP_SORT_WAIT);
	assert_int_equal(o.t.mode, MMR_MODE_TRACEPOINT);
	assert_int_equal(o.rows, 0);	/* as many as fit; piped, every row */
	assert_int_equal(TOP(&o, err, "--rows", "3", "-n", "2"), 0);
	assert_int_equal(o.rows, 3);
	assert_int_equal(o.iterations, 2);	/* -n stays iterations, as procps top */
	assert_int_equal(TOP(&o, err, "--rows=40"), 0);
	assert_int_equal(o.rows, 40);
	assert_int_equal(TOP(&o, err, "--help"), 1);
}

static void top_bad(void **state)
{
	struct top_opts o;
	char err[256];

	assert_int_equal(TOP(&o, err, "--sort", "size"), -EINVAL);
	assert_contains(err, "unknown sort key 'size'");
	assert_int_equal(TOP(&o, err, "-i", "0"), -EINVAL);
	assert_contains(err, "invalid interval '0'");
	assert_int_equal(TOP(&o, err, "-n", "0"), -EINVAL);
	assert_contains(err, "invalid number of iterations '0'");
	assert_int_equal(TOP(&o, err, "-n", "x"), -EINVAL);
	assert_int_equal(TOP(&o, err, "--rows", "0"), -EINVAL);
	assert_string_equal(err, "top: invalid number of rows '0' (1 or more)");
	assert_int_equal(TOP(&o, err, "--rows", "many"), -EINVAL);
	assert_contains(err, "invalid number of rows 'many'");
	assert_int_equal(TOP(&o, err, "-p", "0"), -EINVAL);
	assert_contains(err, "invalid pid '0'");
	assert_int_equal(TOP(&o, err, "-c", ""), -EINVAL);
	assert_int_equal(TOP(&o, err, "--bogus"), -EINVAL);
	assert_contains(err, "top: unknown option '--bogus'");
	assert_int_equal(TOP(&o, err, "now"), -EINVAL);
	assert_contains(err, "unexpected argument 'now'");
	assert_int_equal(TOP(&o, err, "--mode", "ebpf"), -EINVAL);
	assert_contains(err, "unknown mode 'ebpf'");
	/* one line each */
	assert_null(strchr(err, '\n'));
}

int main(void)
{
	const struct CMUnitTest test_options[] = {
		cmocka_unit_test(stat_defaults),
		cmocka_unit_test(stat_duration),
		cmocka_unit_test(stat_duration_bad),
		cmocka_unit_test(stat_pid),
		cmocka_unit_test(stat_cgroup),
		cmocka_unit_test(stat_mode),
		cmocka_unit_test(stat_json_output),
		cmocka_unit_test(stat_ringbuf_size),
		cmocka_unit_test(stat_min_hold),
		cmocka_unit_test(stat_min_hold_bad),
		cmocka_unit_test(stat_min_fault),
		cmocka_unit_test(stat_folded_no_mmap_lock),
		cmocka_unit_test(stat_proc_latency),
		cmocka_unit_test(stat_verbose_help),
		cmocka_unit_test(stat_unknown_option),
		cmocka_unit_test(stat_command),
		cmocka_unit_test(stat_command_conflicts),
		cmocka_unit_test(stat_options_after_command),
		cmocka_unit_test(stat_repeated_calls),
		cmocka_unit_test(probe_options),
		cmocka_unit_test(probe_bad),
		cmocka_unit_test(top_options),
		cmocka_unit_test(top_bad),
		cmocka_unit_test(probe_unknown_in_cluster),
		cmocka_unit_test(u64),
		cmocka_unit_test(u64_blank_then_sign),
		cmocka_unit_test(duration),
		cmocka_unit_test(size),
		cmocka_unit_test(strlcpy_cuts),
		cmocka_unit_test(listen_addresses),
		cmocka_unit_test(export_options),
		cmocka_unit_test(trace_group_alike),
		cmocka_unit_test(trace_group_light),
		cmocka_unit_test(trace_group_no_latency),
		cmocka_unit_test(check_options),
		cmocka_unit_test(check_errors),
		cmocka_unit_test(baseline_options),
		cmocka_unit_test(compare_options),
		cmocka_unit_test(model_options),
		cmocka_unit_test(model_errors),
	};

	return cmocka_run_group_tests(test_options, NULL, NULL);
}
