// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_record.c: `mmretry record`: stat's tracing (trace/collect.h), every
 * event also written to a recording (docs/record.md) as it comes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "record/recorder.h"
#include "report/render.h"
#include "report/report.h"
#include "trace/collect.h"
#include "lib/util.h"

struct record_run {
	const struct stat_opts *o;
	struct recorder *rc;
};

/* record: the recording's metadata, and its start */
static int record_begin(void *ctx, struct engine *e)
{
	const struct stat_opts *o = ((struct record_run *)ctx)->o;
	struct recorder *rc = ((struct record_run *)ctx)->rc;
	enum mmr_mode m = engine_fault_mode(e);
	json_t *meta = json_object(), *modes = json_object(), *tgt = json_object();
	struct utsname u;
	pid_t tgid = engine_tgid(e);
	char *text;
	int ret;

	if (!uname(&u)) {
		json_object_set_new(meta, "kernel", json_string(u.release));
		json_object_set_new(meta, "machine", json_string(u.machine));
	}
	json_object_set_new(meta, "mmretry_version", json_string(MMRETRY_VERSION));
	json_object_set_new(meta, "clock", json_string("CLOCK_MONOTONIC"));
	json_object_set_new(modes, "faults", json_string(mode_name(m)));
	json_object_set_new(modes, "mmap_lock", engine_lock(e) ? json_string("tracepoint") :
								 json_null());
	json_object_set_new(modes, "anon_vma", engine_anon(e) ? json_string(mode_name(m)) :
								json_null());
	json_object_set_new(meta, "modes", modes);
	/* every attempt is streamed where handle_mm_fault is hooked */
	json_object_set_new(meta, "attempts", json_boolean(m == MMR_MODE_FENTRY ||
							     m == MMR_MODE_KPROBE));
	json_object_set_new(meta, "per_vma_locks", json_boolean(engine_features(e)->per_vma_locks));
	json_object_set_new(meta, "page_size", json_integer(sysconf(_SC_PAGESIZE)));
	json_object_set_new(meta, "ringbuf_bytes", json_integer(o->t.ringbuf_bytes ?
								 (json_int_t)o->t.ringbuf_bytes : 0));
	json_object_set_new(meta, "min_hold_ns", json_integer(o->t.min_hold_ns));
	json_object_set_new(tgt, "kind", json_string(o->t.argv ? "command" : o->t.pid ? "pid" :
						     o->t.cgroup ? "cgroup" : "system"));
	if (tgid)
		json_object_set_new(tgt, "pid", json_integer(tgid));
	if (o->t.cgroup)
		json_object_set_new(tgt, "cgroup", json_string(o->t.cgroup));
	if (o->t.argv) {
		json_t *argv = json_array();

		for (char *const *a = o->t.argv; *a; a++)
			json_array_append_new(argv, json_bytes(*a));
		json_object_set_new(tgt, "argv", argv);
	}
	json_object_set_new(meta, "target", tgt);
	text = json_dumps(meta, JSON_COMPACT);
	json_decref(meta);
	if (!text) {
		mmr_err("out of memory");
		return -ENOMEM;
	}
	ret = recorder_begin(rc, rc->path, mono_ns(), clock_ns(CLOCK_REALTIME), text);
	free(text);
	return ret;
}

/* record: the lost counts, and a flush once a second */
static void record_tick(void *ctx, struct engine *e)
{
	struct recorder *rc = ((struct record_run *)ctx)->rc;
	uint64_t now = mono_ns();
	struct mmr_fault_counters c;
	struct rec_lost l = { .ts_ns = now };

	if (now - rc->last_flush_ns < 1000000000ULL)
		return;
	if (!faults_trace_read(engine_faults(e), &c))
		l.faults = c.lost_events;
	l.lock = engine_lock(e) ? lock_trace_lost(engine_lock(e)) : 0;
	l.anon = engine_anon(e) ? anon_trace_lost(engine_anon(e)) : 0;
	recorder_tick(rc, now, &l);
}

static void record_event(void *ctx, uint32_t type, const void *data, size_t size,
			 uint32_t pid, uint32_t tid)
{
	recorder_event(((struct record_run *)ctx)->rc, type, data, size, pid, tid);
}


static const char record_usage[] =
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
"  -m, --mode=MODE       fentry, kprobe, tracepoint, light or auto (default)\n"
"      --ringbuf-size=N  each ring buffer's size (default 1M): every attempt is\n"
"                        an event; events lost when one is full are counted in\n"
"                        the recording and its report\n"
"      --min-hold=TIME   holds and waits this long also with their stacks\n"
"      --min-fault=TIME  faults this long listed in the stored report (as stat;\n"
"                        not recorded as events)\n"
"      --min-chain=N, --min-fanout=N  the chains and walks the stored report\n"
"                        lists (as stat; every one is recorded as an event)\n"
"      --no-mmap-lock, --no-anon-vma, --no-latency   as for stat\n"
"  -q, --quiet           do not say when tracing has started\n"
"  -v, --verbose         say more\n"
"  -h, --help            this text\n"
"\n"
"examples:\n"
"  mmretry record -o file.mmr -- tools/mmretry-gen file\n"
"  mmretry report file.mmr\n";

enum { OPT_FOLDED = OPT_OWN };

static int record_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct stat_opts *o = p;

	switch (c) {
	case 'o':
		o->output = arg;
		return 1;
	case 'j':
	case OPT_FOLDED:
		return usage_err(err, errlen, "record: %s writes no report (read the recording "
				 "with `mmretry report FILE`)", c == 'j' ? "--json" : "--folded");
	case 'v':
		o->verbose++;
		return 1;
	}
	return 0;
}

/* in the table only to be refused with a pointer: not offered by completion */
const char *const record_refused[] = { "json", "folded", NULL };

/* the options getopt_long() takes; main.c lists them for completion */
const struct option record_longopts[] = {
	TRACE_LONGOPTS_TARGET, TRACE_LONGOPTS_RUN, TRACE_LONGOPTS_STREAM,
	{ "output", required_argument, NULL, 'o' },
	/* refused with a pointer to what reads a recording */
	{ "json", no_argument, NULL, 'j' },
	{ "folded", required_argument, NULL, OPT_FOLDED },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int record_opts_parse(int argc, char **argv, struct stat_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "record", .shortopts = TRACE_SHORT_TARGET TRACE_SHORT_RUN "jo:vh",
		.longopts = record_longopts, .t = &o->t, .own = record_opt, .o = o,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	trace_opts_init(&o->t);
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (!ret)
		ret = trace_opts_end(&o->t, TG_TARGET | TG_RUN | TG_STREAM, "record", argc, argv,
				     err, errlen);
	if (ret)
		return ret;
	if (!o->output)
		return usage_err(err, errlen, "record: say where: -o FILE%s", "");
	return 0;
}

int cmd_record(int argc, char **argv)
{
	struct recorder rc = { 0 };
	struct stat_opts o;
	struct record_run run = { .o = &o, .rc = &rc };
	struct collect_tap tap = {
		.event = record_event, .begin = record_begin, .tick = record_tick, .ctx = &run,
	};
	struct report r;
	char err[512], *text = NULL;
	uint64_t lost;
	struct stat st;
	int ret, fd;
	json_t *j;

	ret = record_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, record_usage, err);
	mmr_verbose = o.verbose;
	/* an unwritable path costs no run */
	fd = open(o.output, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		mmr_err("cannot write '%s': %s", o.output, strerror(errno));
		return EXIT_CANNOT_TRACE;
	}
	/* the header is rewritten in place at each flush: a file, not a pipe */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		mmr_err("record: '%s' is not a regular file (a recording's header is "
			"rewritten as it grows)", o.output);
		return EXIT_USAGE;
	}
	close(fd);
	rc.path = o.output;
	report_init(&r);
	ret = trace_status(collect_report(&o.t, &r, &tap));
	if (!rc.w) {		/* tracing never began: no recording */
		unlink(o.output);
		report_free(&r);
		return ret ? ret : EXIT_CANNOT_TRACE;
	}
	j = ret ? NULL : report_to_json(&r);
	if (j)
		text = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	lost = (r.lost_events.state != VAL_NA ? r.lost_events.v : 0) + r.lock.lost + r.anon.lost;
	if (recorder_end(&rc, text, lost, mono_ns(), !ret) && !ret)
		ret = EXIT_CANNOT_TRACE;
	free(text);
	if (!ret)
		fprintf(stderr, "mmretry record: %llu events (%llu lost) from %.2f s in '%s'\n",
			(unsigned long long)rc.events, (unsigned long long)lost, r.duration_s,
			o.output);
	if (!ret && r.fault_mode == MMR_MODE_TRACEPOINT)
		fprintf(stderr, "mmretry record: `model replay` will refuse it: it needs "
			"fentry or kprobes\n");
	if (!ret && lost)
		mmr_warn("%llu events were lost (ring buffer full): try a larger --ringbuf-size",
			 (unsigned long long)lost);
	if (!ret)
		ret = r.target == TARGET_COMMAND && r.exit_status >= 0 ? r.exit_status : EXIT_OK;
	report_free(&r);
	return ret;
}

