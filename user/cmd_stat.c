// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* mmretry stat: count fault retries over a duration, a pid, a cgroup or a command. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "acct.h"
#include "counters.h"
#include "commands.h"
#include "faults_trace.h"
#include "ksyms.h"
#include "anon_trace.h"
#include "bpfmap.h"
#include "lock_trace.h"
#include "options.h"
#include "plan.h"
#include "recorder.h"
#include "report.h"
#include "target.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int on_event(void *ctx, const struct mmr_retry_event *e)
{
	struct report *r = ctx;

	if (r->rec)
		recorder_event(r->rec, REC_RETRY, e, sizeof(*e), e->pid, e->tid);
	return report_add_event(ctx, e);
}

/* record: attempts and address-space changes, only recorded */
static int on_raw(void *ctx, const void *data, size_t size)
{
	const struct mmr_attempt_event *a = data;
	const struct mmr_mm_event *m = data;
	struct report *r = ctx;

	if (!r->rec)
		return 0;
	if (a->type == MMR_EV_ATTEMPT && size == sizeof(*a))
		recorder_event(r->rec, REC_ATTEMPT, a, sizeof(*a), a->pid, a->tid);
	else if (m->type == MMR_EV_MM && size == sizeof(*m))
		recorder_event(r->rec, REC_MM, m, sizeof(*m), m->pid, m->tid);
	return 0;
}

static int on_lock_event(void *ctx, const struct mmr_lock_event *e)
{
	struct report *r = ctx;

	if (r->rec)
		recorder_event(r->rec, REC_LOCK_LONG, e, sizeof(*e), e->pid, e->tid);
	return report_add_lock_event(ctx, e);
}

static int on_lock_op(void *ctx, const struct mmr_lock_op_event *e)
{
	struct report *r = ctx;

	if (r->rec)
		recorder_event(r->rec, REC_LOCK_OP, e, sizeof(*e), e->pid, e->tid);
	return 0;
}

static int min_u32(uint32_t a, uint32_t b)
{
	return (int)(a < b ? a : b);
}

/* Kernel symbols, read the first time something is to be named (reading
 * kallsyms takes a second under QEMU's TCG); NULL if unreadable. */
struct lazy_ksyms {
	struct ksyms *k;
	bool tried;
};

static const struct ksyms *names(struct lazy_ksyms *ks)
{
	if (!ks->tried) {
		ks->tried = true;
		ks->k = ksyms_load();
		mmr_debug("kallsyms read");
	}
	return ks->k;
}

/* The mmap_lock figures: per-process rows and the long events' stacks. */
static void read_lock(struct lock_trace *lt, struct report *r, struct lazy_ksyms *ks)
{
	struct lock_row *rows;
	size_t i;
	int n;

	n = lock_trace_rows(lt, &rows);
	if (n >= 0)
		report_set_lock_rows(r, rows, n);
	r->lock.lost += lock_trace_lost(lt);
	r->lock.missed = prog_recursion_misses(lock_trace_object(lt));
	for (i = 0; i < r->lock.nlongs; i++) {
		struct lock_long *x = &r->lock.longs[i];

		x->kstack = stack_fold((const uint64_t *)x->e.kstack,
				       min_u32(x->e.nkstack, MMR_STACK_FRAMES), names(ks));
		x->ustack = stack_fold((const uint64_t *)x->e.ustack,
				       min_u32(x->e.nustack, MMR_STACK_FRAMES), NULL);
	}
}

/* an event the report cannot keep is counted in its lost; polling goes on */
static int on_chain_event(void *ctx, const struct mmr_chain_event *e)
{
	struct report *r = ctx;

	/* record streams every chain; the report keeps stat's threshold */
	if (r->rec)
		recorder_event(r->rec, REC_CHAIN, e, sizeof(*e), e->pid, e->tid);
	if (e->length >= r->anon.min_chain)
		report_add_chain_event(ctx, e);
	return 0;
}

/* names come later (read_anon), from kallsyms */
static int on_walk_event(void *ctx, const struct mmr_walk_event *e)
{
	struct report *r = ctx;

	if (r->rec)
		recorder_event(r->rec, REC_WALK, e, sizeof(*e), e->pid, e->tid);
	if (e->vmas >= r->anon.min_fanout)
		report_add_walk_event(ctx, e, NULL);
	return 0;
}

/* The anon_vma figures: per-process and per-walker rows, walkers named. */
static void read_anon(struct anon_trace *at, struct report *r, struct lazy_ksyms *ks)
{
	struct av_row *rows;
	struct av_walker *w;
	size_t i;
	int n;

	n = anon_trace_rows(at, &rows);
	if (n >= 0)
		report_set_anon_rows(r, rows, n);
	n = anon_trace_walkers(at, &w);
	if (n >= 0) {
		for (i = 0; i < (size_t)n; i++)
			av_walker_name(ksyms_name(names(ks), w[i].rmap_one), w[i].rmap_one,
				       w[i].name, sizeof(w[i].name));
		report_set_anon_walkers(r, w, n);
	}
	for (i = 0; i < r->anon.nwalks; i++) {
		struct anon_walk *x = &r->anon.walks[i];

		av_walker_name(ksyms_name(names(ks), x->e.rmap_one), x->e.rmap_one,
			       x->walker, sizeof(x->walker));
	}
	r->anon.lost += anon_trace_lost(at);
	r->anon.missed = prog_recursion_misses(anon_trace_object(at));
}

/* Trace anon_vma chains and rmap walks along the faults, if the mode allows. */
static struct anon_trace *open_anon(const struct stat_opts *o, const struct features *f,
				    const struct plan *p, struct faults_trace *ft,
				    const struct trace_target *tg, struct report *r)
{
	enum mmr_mode m = faults_trace_mode(ft);
	struct anon_trace *at = NULL;
	struct faults_shared sh;
	char why[128];
	int ret;

	if (o->no_anon_vma) {
		snprintf(r->anon.why, sizeof(r->anon.why), "not traced: --no-anon-vma");
		return NULL;
	}
	if (!anon_vma_usable(f, m, why, sizeof(why))) {
		if (m == MMR_MODE_TRACEPOINT && o->mode == MMR_MODE_TRACEPOINT)
			snprintf(r->anon.why, sizeof(r->anon.why),
				 "needs fentry or kprobes, not --mode tracepoint");
		else if (m == MMR_MODE_TRACEPOINT)
			snprintf(r->anon.why, sizeof(r->anon.why),
				 "needs fentry or kprobes, which this kernel refuses");
		else
			snprintf(r->anon.why, sizeof(r->anon.why), "%s", why);
		mmr_debug("anon_vma: %s (fentry: %s; kprobe: %s)", r->anon.why,
			  p->faults.why[MMR_MODE_FENTRY], p->faults.why[MMR_MODE_KPROBE]);
		report_note(r, "anon_vma not traced: %s", m == MMR_MODE_TRACEPOINT ?
			    "needs fentry or kprobes" : why);
		return NULL;
	}
	{
		struct anon_trace_opts ao = {
			.features = f, .target = tg, .mode = m,
			/* record: every chain and walk */
			.min_chain = r->rec ? 1 : o->min_chain,
			.min_fanout = r->rec ? 1 : o->min_fanout,
			.faults = &sh, .ringbuf_bytes = o->ringbuf_bytes,
			.on_chain = on_chain_event, .on_walk = on_walk_event, .ctx = r,
		};

		faults_trace_shared(ft, &sh);
		ret = anon_trace_open(&at, &ao);
	}
	if (ret) {
		mmr_warn("cannot trace anon_vma chains and rmap walks: %s%s", strerror(-ret),
			 mmr_verbose ? "" : " (-v shows libbpf's log)");
		snprintf(r->anon.why, sizeof(r->anon.why), "cannot load or attach: %s",
			 strerror(-ret));
		report_note(r, "anon_vma not traced: %s", r->anon.why);
		return NULL;
	}
	r->anon.traced = true;
	r->anon.min_chain = o->min_chain;
	r->anon.min_fanout = o->min_fanout;
	return at;
}

static void on_fallback(void *ctx, enum mmr_mode failed, int err)
{
	struct report *r = ctx;

	mmr_warn("%s mode failed to load or attach (%s); falling back (-v shows why)",
		 mode_name(failed), strerror(-err));
	report_note(r, "%s mode failed to load or attach: %s", mode_name(failed),
		    strerror(-err));
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a closed pipe on the report must not kill us before we detach */
	signal(SIGPIPE, SIG_IGN);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* record: the recording's metadata, and its start */
static int record_begin(const struct stat_opts *o, struct report *r, const struct features *f,
			struct faults_trace *ft, struct lock_trace *lt, struct anon_trace *at,
			pid_t tgid)
{
	enum mmr_mode m = faults_trace_mode(ft);
	json_t *meta = json_object(), *modes = json_object(), *tgt = json_object();
	struct utsname u;
	char *text;
	int ret;

	if (!uname(&u)) {
		json_object_set_new(meta, "kernel", json_string(u.release));
		json_object_set_new(meta, "machine", json_string(u.machine));
	}
	json_object_set_new(meta, "mmretry_version", json_string(MMRETRY_VERSION));
	json_object_set_new(meta, "clock", json_string("CLOCK_MONOTONIC"));
	json_object_set_new(modes, "faults", json_string(mode_name(m)));
	json_object_set_new(modes, "mmap_lock", lt ? json_string("tracepoint") : json_null());
	json_object_set_new(modes, "anon_vma", at ? json_string(mode_name(m)) : json_null());
	json_object_set_new(meta, "modes", modes);
	/* every attempt is streamed where handle_mm_fault is hooked */
	json_object_set_new(meta, "attempts", json_boolean(m == MMR_MODE_FENTRY ||
							     m == MMR_MODE_KPROBE));
	json_object_set_new(meta, "per_vma_locks", json_boolean(f->per_vma_locks));
	json_object_set_new(meta, "page_size", json_integer(sysconf(_SC_PAGESIZE)));
	json_object_set_new(meta, "ringbuf_bytes", json_integer(o->ringbuf_bytes ?
								 (json_int_t)o->ringbuf_bytes : 0));
	json_object_set_new(meta, "min_hold_ns", json_integer(o->min_hold_ns));
	json_object_set_new(tgt, "kind", json_string(o->argv ? "command" : o->pid ? "pid" :
						     o->cgroup ? "cgroup" : "system"));
	if (tgid)
		json_object_set_new(tgt, "pid", json_integer(tgid));
	if (o->cgroup)
		json_object_set_new(tgt, "cgroup", json_string(o->cgroup));
	if (o->argv) {
		json_t *argv = json_array();

		for (char *const *a = o->argv; *a; a++)
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
	ret = recorder_begin(r->rec, r->rec->path, clock_ns(CLOCK_MONOTONIC),
			     clock_ns(CLOCK_REALTIME), text);
	free(text);
	return ret;
}

/* record: the lost counts, and a flush once a second */
static void record_tick(struct report *r, struct faults_trace *ft, struct lock_trace *lt,
			struct anon_trace *at)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct mmr_fault_counters c;
	struct rec_lost l = { .ts_ns = now };

	if (now - r->rec->last_flush_ns < 1000000000ULL)
		return;
	if (!faults_trace_read(ft, &c))
		l.faults = c.lost_events;
	l.lock = lt ? lock_trace_lost(lt) : 0;
	l.anon = at ? anon_trace_lost(at) : 0;
	recorder_tick(r->rec, now, &l);
}

/* commands.h: the run's figures, streamed events and the command's status */
int stat_trace(const struct stat_opts *o, struct report *r)
{
	struct command cmd = { .pid = -1, .go_fd = -1, .err_fd = -1 };
	struct trace_target tg = { .cgroup_fd = -1 };
	struct faults_trace *ft = NULL;
	struct lock_trace *lt = NULL;
	struct anon_trace *at = NULL;
	struct mmr_fault_counters sum;
	struct acct_count acct0;
	bool acct_ok = false;
	struct features f;
	struct plan p;
	struct utsname u;
	uint8_t states[FF_NR];
	char err[512];
	pid_t tgid = 0;
	double t0, deadline = 0;
	int rc = EXIT_CANNOT_TRACE, status, ret;

	/* first: a shell starts background jobs with SIGINT ignored, and an
	 * interrupt during the (slow) load must still end the run cleanly */
	install_signals();

	if (o->pid && kill(o->pid, 0) && errno == ESRCH) {
		mmr_err("no process with pid %d", (int)o->pid);
		return EXIT_USAGE;
	}
	if (o->cgroup) {
		tg.cgroup_fd = cgroup_open(o->cgroup);
		if (tg.cgroup_fd < 0) {
			mmr_err("cannot open cgroup v2 '%s': %s", o->cgroup,
				tg.cgroup_fd == -ENOTDIR ? "not a cgroup v2 directory" :
				strerror(-tg.cgroup_fd));
			return EXIT_USAGE;
		}
	}

	features_probe(&f);
	if (plan_make(&f, o->mode, &p, err, sizeof(err))) {
		mmr_err("%s", err);
		goto cleanup;
	}
	if (o->argv) {
		ret = command_prepare(&cmd, o->argv);
		if (ret) {
			mmr_err("cannot fork: %s", strerror(-ret));
			goto cleanup;
		}
		tgid = cmd.pid;
		tg.follow_forks = true;
		r->target = TARGET_COMMAND;
		r->argv = o->argv;
	} else if (o->pid) {
		tgid = o->pid;
		r->target = TARGET_PID;
		r->pid = o->pid;
	} else if (o->cgroup) {
		r->target = TARGET_CGROUP;
		r->cgroup = o->cgroup;
	}
	if (tgid) {
		tg.tgids = &tgid;
		tg.ntgids = 1;
	}

	{
		struct faults_trace_opts fo = {
			.features = &f, .plan = &p, .target = &tg,
			.ringbuf_bytes = o->ringbuf_bytes,
			.on_event = on_event, .ctx = r, .on_fallback = on_fallback,
			.record = r->rec != NULL, .on_raw = on_raw,
		};

		ret = faults_trace_open(&ft, &fo);
	}
	if (ret) {
		mmr_err("cannot load and attach the fault tracer: %s%s", strerror(-ret),
			mmr_verbose ? "" : " (-v shows libbpf's log)");
		goto cleanup;
	}
	mmr_debug("faults traced with %s", mode_name(faults_trace_mode(ft)));
	if (o->no_mmap_lock)
		report_note(r, "mmap_lock not traced: --no-mmap-lock");
	if (!o->no_mmap_lock && mmap_lock_unusable(&f)) {
		mmr_warn("cannot trace mmap_lock: %s", mmap_lock_unusable(&f));
		report_note(r, "mmap_lock not traced: %s", mmap_lock_unusable(&f));
	} else if (!o->no_mmap_lock) {
		struct faults_shared sh;
		struct lock_trace_opts lo = {
			.features = &f, .target = &tg, .min_hold_ns = o->min_hold_ns,
			.on_event = on_lock_event, .ctx = r, .faults = &sh,
			.ringbuf_bytes = o->ringbuf_bytes,
			.record = r->rec != NULL, .on_op = on_lock_op,
		};

		faults_trace_shared(ft, &sh);
		ret = lock_trace_open(&lt, &lo);
		if (ret) {
			mmr_warn("cannot trace mmap_lock: %s%s", strerror(-ret),
				 mmr_verbose ? "" : " (-v shows libbpf's log)");
			report_note(r, "mmap_lock not traced: %s", strerror(-ret));
			lt = NULL;
		} else {
			r->lock.traced = true;
			r->lock.min_hold_ns = o->min_hold_ns;
			mmr_debug("mmap_lock traced");
		}
	}
	at = open_anon(o, &f, &p, ft, &tg, r);
	mmr_debug("anon_vma tracer %s", at ? "open" : "not open");
	if (faults_trace_mode(ft) == MMR_MODE_TRACEPOINT) {
		ret = counters_acct_read(ft, &tg, &acct0);
		acct_ok = !ret;
		if (ret)
			mmr_debug("fault accounting: %s", strerror(-ret));
	}

	if (r->rec && record_begin(o, r, &f, ft, lt, at, tgid))
		goto cleanup;
	t0 = mono_now();
	if (o->duration)
		deadline = t0 + o->duration;
	if (o->argv) {
		ret = command_start(&cmd);
		if (ret) {
			mmr_err("cannot run '%s': %s", o->argv[0], strerror(-ret));
			cmd.pid = -1;
			rc = ret == -ENOENT ? 127 : 126;
			goto cleanup;
		}
	}

	mmr_debug("attached, tracing");
	while (!stop) {
		ret = faults_trace_poll(ft, 100);
		if (ret < 0) {
			mmr_err("reading events: %s", strerror(-ret));
			break;
		}
		if (r->rec)
			record_tick(r, ft, lt, at);
		if (deadline && mono_now() >= deadline)
			break;
		if (o->pid && kill(o->pid, 0) && errno == ESRCH)
			break;	/* the traced process is gone */
		if (cmd.pid > 0) {
			pid_t w = waitpid(cmd.pid, &status, WNOHANG);

			if (w == cmd.pid) {
				r->exit_status = command_exit_code(status);
				cmd.pid = -1;
				break;
			}
		}
	}
	if (cmd.pid > 0) {
		/* interrupted: the command got the same SIGINT from the tty;
		 * wait for it so its exit is in the report */
		if (waitpid(cmd.pid, &status, 0) == cmd.pid)
			r->exit_status = command_exit_code(status);
		cmd.pid = -1;
	}
	r->duration_s = mono_now() - t0;
	faults_trace_drain(ft);	/* what is left, lock and anon_vma events too */
	mmr_debug("stopped, drained");
	if (lt || at) {
		/* kernel symbols, read once and only for something to name (a
		 * second under QEMU's TCG): long events' stacks, walkers */
		struct lazy_ksyms ks = { 0 };

		if (lt)
			read_lock(lt, r, &ks);
		if (at)
			read_anon(at, r, &ks);
		ksyms_free(ks.k);
		lock_trace_close(lt);
		lt = NULL;
		anon_trace_close(at);
		at = NULL;
		mmr_debug("mmap_lock and anon_vma tracers closed");
	}

	ret = counters_read(ft, &tg, &acct0, &f, &sum, &acct_ok);
	if (ret) {
		mmr_err("reading counters: %s", strerror(-ret));
		goto cleanup;
	}
	faults_trace_states(ft, states);
	if (faults_trace_mode(ft) == MMR_MODE_TRACEPOINT && !acct_ok) {
		states[FF_FAULTS] = states[FF_MAJOR] = VAL_NA;
		states[FF_ATTEMPTS] = states[FF_VMA_LOCK_ATTEMPTS] = VAL_NA;
	}
	report_set_faults(r, &sum, states);
	report_sort_procs(r);
	r->fault_mode = faults_trace_mode(ft);
	r->missed_runs = prog_recursion_misses(faults_trace_object(ft));
	if (!uname(&u))
		strlcpy_(r->kernel, u.release, sizeof(r->kernel));
	faults_trace_close(ft);
	ft = NULL;
	mmr_debug("detached");

	if (sum.lost_events)
		mmr_warn("%llu retry events were lost (ring buffer full): the per-process "
			 "table is short; counters are exact", (unsigned long long)sum.lost_events);
	report_warn_missed(r);
	rc = 0;
cleanup:
	if (cmd.pid > 0)
		command_abort(&cmd);
	faults_trace_close(ft);
	lock_trace_close(lt);
	anon_trace_close(at);
	if (tg.cgroup_fd >= 0)
		close(tg.cgroup_fd);
	return rc;
}

int cmd_stat(int argc, char **argv)
{
	struct stat_opts o;
	struct report r;
	char err[512];
	int rc, ret;
	FILE *out = stdout;

	ret = stat_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret == 1) {
		fputs(stat_usage, stdout);
		return EXIT_OK;
	}
	if (ret) {
		mmr_err("%s", err);
		return EXIT_USAGE;
	}
	mmr_verbose = o.verbose;
	if (o.output) {
		out = fopen(o.output, "w");
		if (!out) {
			mmr_err("cannot write '%s': %s", o.output, strerror(errno));
			return EXIT_CANNOT_TRACE;
		}
	}
	report_init(&r);
	rc = stat_trace(&o, &r);
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

		if (!ff || report_print_folded(ff, &r) || fclose(ff)) {
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
