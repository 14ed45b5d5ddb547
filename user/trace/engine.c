// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * engine.c: the tracing engine (engine.h). The only code that opens the
 * tracers of bpf/faults.bpf.c, bpf/mmap_lock.bpf.c and bpf/anon_vma.bpf.c
 * together, in the order their sharing needs: the fault tracer first (its
 * task filter, per-thread fault state and ring buffer manager serve the
 * other two), then mmap_lock and anon_vma as the plan allows.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/ksyms.h"
#include "lib/util.h"
#include "trace/bpfmap.h"
#include "trace/counters.h"
#include "trace/engine.h"
#include "trace/target.h"
#include "lib/cgpath.h"	/* cgroup_open() */

struct engine {
	struct trace_opts o;
	struct engine_sink sink;
	struct features f;
	struct plan p;
	struct trace_target tg;
	pid_t tgid;
	struct command cmd;
	struct faults_trace *ft;
	struct lock_trace *lt;
	struct anon_trace *at;
	char anon_why[160];
	struct acct_count acct0;
	bool acct_ok;
	struct ksyms *ks;
	bool ks_tried;
	char kernel[65];
	int exit_status;
	int exit_signal;	/* the signal that killed the command, or 0 */
	double t0, t1, deadline;
	double t_prepare;	/* when engine_prepare() began: -v's attach time */
};

static volatile sig_atomic_t stopping;
static volatile sig_atomic_t child_exited;

static void on_signal(int sig)
{
	stopping = 1;
}

/* a handled SIGCHLD interrupts the rings' epoll_wait() (never restarted,
 * signal(7)): the run ends as the command exits, not at the next timeout */
static void on_child(int sig)
{
	child_exited = 1;
}

void engine_signals(bool hup)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (hup)
		sigaction(SIGHUP, &sa, NULL);
	/* a closed pipe on the output must not kill us before we detach */
	signal(SIGPIPE, SIG_IGN);
}

bool engine_stopping(void)
{
	return stopping;
}

void engine_request_stop(void)
{
	stopping = 1;
}

static void note(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct engine *e, const char *fmt, ...)
{
	char text[160];
	va_list ap;

	if (!e->sink.note)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	e->sink.note(e->sink.ctx, text);
}

/* what plan_next_probe() decides for this engine's request */
static enum prog_kind next_probe(const struct features *f, const void *rq)
{
	return plan_next_probe(f, rq);
}

/* the command ended with wait status `status`: its exit status, and the
 * signal that killed it if one did */
static void command_ended(struct engine *e, int status)
{
	e->exit_status = command_exit_code(status);
	e->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	e->cmd.pid = -1;
}

static const char *more(void)
{
	return mmr_verbose ? "" : " (-v shows libbpf's log)";
}

int engine_prepare(struct engine **out, const struct trace_opts *o,
		   const struct engine_sink *sink)
{
	struct plan_request rq = {
		.mode = o->mode, .no_mmap_lock = o->no_mmap_lock, .no_anon_vma = o->no_anon_vma,
		.no_latency = o->no_latency, .light = o->light,
	};
	struct sigaction sa = { .sa_handler = on_child, .sa_flags = SA_RESTART | SA_NOCLDSTOP };
	struct engine *e;
	struct utsname u;
	double t0 = mono_now();
	char err[512];
	int ret;

	*out = NULL;
	if (o->pid && kill(o->pid, 0) && errno == ESRCH) {
		mmr_err("no process with pid %d", (int)o->pid);
		return -EINVAL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		mmr_err("out of memory");
		return -ENOMEM;
	}
	*out = e;
	e->t_prepare = t0;
	e->o = *o;
	if (sink)
		e->sink = *sink;
	e->tg.cgroup_fd = -1;
	e->cmd = (struct command){ .pid = -1, .go_fd = -1, .err_fd = -1 };
	e->exit_status = -1;
	if (!uname(&u))
		strlcpy_(e->kernel, u.release, sizeof(e->kernel));
	if (o->cgroup) {
		e->tg.cgroup_fd = cgroup_open(o->cgroup);
		if (e->tg.cgroup_fd < 0) {
			mmr_err("cannot open cgroup v2 '%s': %s", o->cgroup,
				e->tg.cgroup_fd == -ENOTDIR ? "not a cgroup v2 directory" :
				strerror(-e->tg.cgroup_fd));
			return -EINVAL;
		}
	}
	features_probe(&e->f, next_probe, &rq);
	t0 = mmr_took(t0, "probe");
	ret = plan_make(&e->f, &rq, &e->p, err, sizeof(err));
	t0 = mmr_took(t0, "plan");
	if (ret) {
		mmr_err("%s", err);
		return ret;
	}
	if (o->argv) {
		sigemptyset(&sa.sa_mask);
		sigaction(SIGCHLD, &sa, NULL);
		child_exited = 0;
		ret = command_prepare(&e->cmd, o->argv, o->command_stdout_to_stderr);
		mmr_took(t0, "command fork");
		if (ret) {
			mmr_err("cannot fork: %s", strerror(-ret));
			return ret;
		}
		e->tgid = e->cmd.pid;
		e->tg.follow_forks = true;
	} else if (o->pid) {
		e->tgid = o->pid;
	}
	if (e->tgid) {
		e->tg.tgids = &e->tgid;
		e->tg.ntgids = 1;
	}
	return 0;
}

static void on_fallback(void *ctx, enum mmr_mode failed, int err)
{
	struct engine *e = ctx;

	mmr_warn("%s mode failed to load or attach (%s); falling back (-v shows why)",
		 mode_name(failed), strerror(-err));
	note(e, "%s mode failed to load or attach: %s", mode_name(failed), strerror(-err));
}

static void open_lock(struct engine *e)
{
	const struct lock_plan *lp = &e->p.lock;
	struct faults_shared sh;
	int ret;

	if (!lp->on) {
		if (lp->warn)
			mmr_warn("cannot trace mmap_lock: %s", lp->why);
		note(e, "mmap_lock not traced: %s", lp->why);
		return;
	}
	{
		struct lock_trace_opts lo = {
			.features = &e->f, .target = &e->tg, .faults = &sh,
			.ringbuf_bytes = e->o.ringbuf_bytes,
			/* no callback: histograms only, no streamed holds */
			.min_hold_ns = e->sink.on_lock ? e->o.min_hold_ns : ~0ULL,
			.on_event = e->sink.on_lock, .ctx = e->sink.ctx,
			.record = e->sink.record, .on_op = e->sink.on_lock_op,
		};

		faults_trace_shared(e->ft, &sh);
		ret = lock_trace_open(&e->lt, &lo);
	}
	if (ret) {
		mmr_warn("cannot trace mmap_lock: %s%s", strerror(-ret), more());
		note(e, "mmap_lock not traced: %s", strerror(-ret));
		e->lt = NULL;
		return;
	}
	mmr_debug("mmap_lock traced");
}

static void open_anon(struct engine *e)
{
	enum mmr_mode m = faults_trace_mode(e->ft);
	const struct anon_plan *ap = &e->p.anon;
	struct faults_shared sh;
	int ret;

	if (!ap->on[m]) {
		snprintf(e->anon_why, sizeof(e->anon_why), "%s", ap->why[m]);
		mmr_debug("anon_vma: %s (fentry: %s; kprobe: %s)", ap->why[m],
			  e->p.faults.why[MMR_MODE_FENTRY], e->p.faults.why[MMR_MODE_KPROBE]);
		if (ap->note[m][0])
			note(e, "%s", ap->note[m]);
		return;
	}
	{
		/* record: every chain and walk; no callback: histograms only */
		bool chains = e->sink.on_chain, walks = e->sink.on_walk;
		struct anon_trace_opts ao = {
			.features = &e->f, .target = &e->tg, .mode = m, .faults = &sh,
			.ringbuf_bytes = e->o.ringbuf_bytes,
			.min_chain = e->sink.record ? 1 : chains ? e->o.min_chain : ~0U,
			.min_fanout = e->sink.record ? 1 : walks ? e->o.min_fanout : ~0U,
			.on_chain = e->sink.on_chain, .on_walk = e->sink.on_walk,
			.ctx = e->sink.ctx,
		};

		faults_trace_shared(e->ft, &sh);
		ret = anon_trace_open(&e->at, &ao);
	}
	if (ret) {
		mmr_warn("cannot trace anon_vma chains and rmap walks: %s%s", strerror(-ret),
			 more());
		snprintf(e->anon_why, sizeof(e->anon_why), "cannot load or attach: %s",
			 strerror(-ret));
		note(e, "anon_vma not traced: %s", e->anon_why);
		e->at = NULL;
	}
}

int engine_attach(struct engine *e)
{
	struct faults_trace_opts fo = {
		.features = &e->f, .plan = &e->p, .target = &e->tg,
		.ringbuf_bytes = e->o.ringbuf_bytes, .per_process = e->sink.per_process,
		.rows_by_cgroup = e->sink.rows_by_cgroup, .cgroup_level = e->sink.cgroup_level,
		.max_cgroups = e->sink.max_cgroups, .cgroup_trees = e->sink.cgroup_trees,
		.on_event = e->sink.on_retry, .ctx = e->sink.ctx,
		.on_fault = e->sink.on_fault, .min_fault_ns = e->o.min_fault_ns,
		.record = e->sink.record, .on_raw = e->sink.on_raw,
		.on_fallback = on_fallback, .fallback_ctx = e,
	};
	double t0;
	int ret;

	ret = faults_trace_open(&e->ft, &fo);
	if (ret) {
		mmr_err("cannot load and attach the fault tracer: %s%s", strerror(-ret), more());
		return ret;
	}
	mmr_debug("faults traced with %s", mode_name(faults_trace_mode(e->ft)));
	if (e->o.no_latency && mode_times_faults(faults_trace_mode(e->ft)))
		note(e, "fault latency not timed: --no-latency");
	open_lock(e);
	open_anon(e);
	mmr_debug("anon_vma tracer %s", e->at ? "open" : "not open");
	if (faults_trace_mode(e->ft) == MMR_MODE_TRACEPOINT) {
		t0 = mono_now();
		ret = counters_acct_read(e->ft, &e->tg, &e->acct0);
		e->acct_ok = !ret;
		if (ret)
			mmr_debug("fault accounting: %s", strerror(-ret));
		mmr_took(t0, "fault accounting");
	}
	mmr_took(e->t_prepare, "attach, in all");
	return 0;
}

/* bcc's "Tracing ... Hit Ctrl-C to end.": said on stderr once attached (a
 * run traced from its first event on), before the command writes anything */
static void say_started(const struct engine *e)
{
	const struct trace_opts *o = &e->o;
	char what[160], len[48] = "";

	if (o->argv) {	/* its name, not its path: the line fits 80 columns */
		const char *name = strrchr(o->argv[0], '/');

		snprintf(what, sizeof(what), "of %.20s", name ? name + 1 : o->argv[0]);
	} else if (o->pid) {
		snprintf(what, sizeof(what), "of pid %d", (int)o->pid);
	} else if (o->cgroup) {
		snprintf(what, sizeof(what), "in cgroup %.24s", o->cgroup);
	} else {
		snprintf(what, sizeof(what), "system-wide");
	}
	if (o->duration)
		snprintf(len, sizeof(len), " for %g s", o->duration);
	fprintf(stderr, "Tracing faults %s (%s mode)%s%s\n", what,
		engine_mode_label(e), len,
		o->argv ? " until it exits." : "... Hit Ctrl-C to end.");
}

int engine_start(struct engine *e)
{
	int ret;

	if (!e->o.quiet && !e->sink.own_banner)
		say_started(e);

	e->t0 = mono_now();
	if (e->o.duration)
		e->deadline = e->t0 + e->o.duration;
	if (e->cmd.pid > 0) {
		double t0 = mono_now();

		ret = command_start(&e->cmd);
		mmr_took(t0, "command start");
		if (ret) {
			mmr_err("cannot run '%s': %s", e->o.argv[0], strerror(-ret));
			e->cmd.pid = -1;
			return ret;
		}
	}
	mmr_debug("attached, tracing");
	return 0;
}

int engine_run(struct engine **out, const struct trace_opts *o, const struct engine_sink *sink)
{
	int ret = engine_prepare(out, o, sink);

	if (!ret)
		ret = engine_attach(*out);
	if (!ret)
		ret = engine_start(*out);
	return ret;
}

int engine_poll(struct engine *e)
{
	return faults_trace_poll(e->ft, 0);
}

int engine_wait(struct engine *e, int timeout_ms)
{
	int ret, status;

	if (stopping)
		return 0;
	ret = faults_trace_poll(e->ft, child_exited ? 0 : timeout_ms);
	if (ret < 0 && ret != -EINTR) {
		mmr_err("reading events: %s", strerror(-ret));
		return ret;
	}
	if (stopping)
		return 0;
	if (e->deadline && mono_now() >= e->deadline)
		return 0;
	if (e->o.pid && kill(e->o.pid, 0) && errno == ESRCH)
		return 0;	/* the traced process is gone */
	if (e->cmd.pid > 0 && waitpid(e->cmd.pid, &status, WNOHANG) == e->cmd.pid) {
		command_ended(e, status);
		return 0;
	}
	return 1;
}

void engine_stop(struct engine *e)
{
	int status;

	if (e->cmd.pid > 0) {
		/* interrupted: the command got the same SIGINT from the tty;
		 * wait for it so its exit is known */
		if (waitpid(e->cmd.pid, &status, 0) == e->cmd.pid)
			command_ended(e, status);
		e->cmd.pid = -1;
	}
	e->t1 = mono_now();
	if (e->ft)
		faults_trace_drain(e->ft);	/* the last events of every ring */
	mmr_debug("stopped, drained");
}

void engine_finish(struct engine *e)
{
	if (!e)
		return;
	if (e->cmd.pid > 0)
		command_abort(&e->cmd);
	anon_trace_close(e->at);
	lock_trace_close(e->lt);
	if (e->ft) {
		faults_trace_close(e->ft);
		mmr_debug("detached");
	}
	ksyms_free(e->ks);
	if (e->tg.cgroup_fd >= 0)
		close(e->tg.cgroup_fd);
	free(e);
}

const struct features *engine_features(const struct engine *e)
{
	return &e->f;
}

enum mmr_mode engine_fault_mode(const struct engine *e)
{
	return faults_trace_mode(e->ft);
}

enum mmr_mode engine_producers(const struct engine *e)
{
	return faults_trace_producers(e->ft);
}

const char *engine_mode_label(const struct engine *e)
{
	return mode_label(engine_fault_mode(e), engine_producers(e));
}

const char *engine_kernel(const struct engine *e)
{
	return e->kernel;
}

pid_t engine_tgid(const struct engine *e)
{
	return e->tgid;
}

int engine_exit_status(const struct engine *e)
{
	return e->exit_status;
}

int engine_exit_signal(const struct engine *e)
{
	return e->exit_signal;
}

double engine_duration(const struct engine *e)
{
	return (e->t1 ? e->t1 : mono_now()) - e->t0;
}

struct faults_trace *engine_faults(const struct engine *e)
{
	return e->ft;
}

struct lock_trace *engine_lock(const struct engine *e)
{
	return e->lt;
}

struct anon_trace *engine_anon(const struct engine *e)
{
	return e->at;
}

const char *engine_anon_why(const struct engine *e)
{
	return e->anon_why;
}

const char *engine_latency_why(const struct engine *e)
{
	enum mmr_mode m = faults_trace_mode(e->ft);

	return e->p.latency.on[m] ? NULL : e->p.latency.why[m];
}

int engine_read_faults(struct engine *e, struct mmr_fault_counters *sum, uint8_t states[FF_NR])
{
	int ret;

	ret = counters_read(e->ft, &e->tg, &e->acct0, &e->f, sum, &e->acct_ok);
	if (ret) {
		mmr_err("reading counters: %s", strerror(-ret));
		return ret;
	}
	faults_trace_states(e->ft, states);
	/* tracepoint mode counts faults from the kernel's accounting only */
	if (faults_trace_mode(e->ft) == MMR_MODE_TRACEPOINT && !e->acct_ok) {
		states[FF_FAULTS] = states[FF_MAJOR] = VAL_NA;
		states[FF_ATTEMPTS] = states[FF_VMA_LOCK_ATTEMPTS] = VAL_NA;
	}
	return 0;
}

uint64_t engine_missed_faults(const struct engine *e)
{
	return faults_trace_missed(e->ft);
}

uint64_t engine_missed_lock(const struct engine *e)
{
	return lock_trace_missed(e->lt);
}

uint64_t engine_missed_anon(const struct engine *e)
{
	return prog_recursion_misses(anon_trace_object(e->at));
}

const struct ksyms *engine_ksyms(struct engine *e)
{
	if (!e->ks_tried) {
		double t0 = mono_now();

		e->ks_tried = true;
		e->ks = ksyms_load();
		mmr_took(t0, "kallsyms, for names");
	}
	return e->ks;
}

void engine_forget(struct engine *e, uint32_t pid)
{
	if (e->sink.per_process)
		faults_trace_proc_forget(e->ft, pid);
	if (e->lt)
		lock_trace_forget(e->lt, pid);
	if (e->at)
		anon_trace_forget(e->at, pid);
}
