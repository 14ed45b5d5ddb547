// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_top.c: `mmretry top`, a refreshing per-process table. It attaches the
 * tracers as stat does (per-process fault counters on, no streamed events),
 * reads their maps every interval and hands the cumulative figures to
 * top.c, which turns them into interval rows. On a terminal the table is
 * redrawn in place (plain ANSI escapes, alternate screen) until q or
 * Ctrl-C; otherwise one table per interval is printed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "acct.h"
#include "anon_trace.h"
#include "bpfmap.h"
#include "commands.h"
#include "faults_trace.h"
#include "lock_trace.h"
#include "options.h"
#include "plan.h"
#include "target.h"
#include "top.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void on_winch(int sig)
{
	/* nothing: poll() returns EINTR and the next frame reads the size */
}

struct top_run {
	const struct top_opts *o;
	struct trace_target tg;
	struct faults_trace *ft;
	struct lock_trace *lt;
	struct anon_trace *at;
	struct top_table table;
	char kernel[65];
	bool tty;
	bool raw;		/* stdin switched to non-canonical, no echo */
	struct termios saved;
};

/* /proc/PID/stat: the process's fault accounting (every thread, the
 * exited ones included: do_task_stat()) and its comm. 0 or -errno. */
static int proc_stat(uint32_t pid, struct acct_count *c, char comm[16])
{
	char path[64], buf[1024];
	const char *l, *r;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	memset(c, 0, sizeof(*c));
	if (acct_parse_stat(buf, c))
		return -EINVAL;
	l = strchr(buf, '(');
	r = strrchr(buf, ')');
	if (l && r && r > l) {
		size_t len = r - l - 1 < 15 ? (size_t)(r - l - 1) : 15;

		memcpy(comm, l + 1, len);
		comm[len] = '\0';
	}
	return 0;
}

/* /proc/PID/comm (its name since its last exec); false if gone */
static bool proc_comm(uint32_t pid, char comm[16])
{
	char path[64], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	strlcpy_(comm, buf, 16);
	return true;
}

static void acct_sample(struct top_samples *s, uint32_t pid)
{
	struct acct_count c;
	char comm[16] = "";
	struct top_sample *x;

	if (proc_stat(pid, &c, comm))
		return;
	x = top_sample_of(s, pid);
	if (!x)
		return;
	x->acct_faults = c.faults;
	x->have |= TOP_HAVE_ACCT;
	if (comm[0])
		memcpy(x->comm, comm, sizeof(x->comm));
}

/*
 * Tracepoint mode: faults come from the kernel's accounting, read from
 * /proc for every process (-p: that one; -c: those the tracers saw, the
 * cgroup filter being the kernel's).
 */
static void read_acct(struct top_run *t, struct top_samples *s)
{
	struct dirent *d;
	size_t i, n = s->n;
	DIR *dir;

	if (t->o->pid) {
		acct_sample(s, t->o->pid);
	} else if (!t->o->cgroup && (dir = opendir("/proc"))) {
		while ((d = readdir(dir)))
			if (isdigit((unsigned char)d->d_name[0]))
				acct_sample(s, (uint32_t)strtoul(d->d_name, NULL, 10));
		closedir(dir);
	}
	for (i = 0; i < n; i++)
		if (!(s->v[i].have & TOP_HAVE_ACCT))
			acct_sample(s, s->v[i].pid);
}

/* Every source's cumulative figures, per process. 0 or -errno. */
static int read_samples(struct top_run *t, struct top_samples *s)
{
	struct fproc_row *fr = NULL;
	struct lock_row *lr = NULL;
	struct av_row *ar = NULL;
	struct top_sample *x;
	int i, n, k;

	n = faults_trace_procs(t->ft, &fr);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (t->o->pid && fr[i].pid != (uint32_t)t->o->pid)
			continue;
		if (!(x = top_sample_of(s, fr[i].pid)))
			goto nomem;
		x->f = fr[i].c;
		x->have |= TOP_HAVE_FAULTS;
	}
	free(fr);
	if (t->lt) {
		n = lock_trace_rows(t->lt, &lr);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			if (t->o->pid && lr[i].pid != (uint32_t)t->o->pid)
				continue;
			if (!(x = top_sample_of(s, lr[i].pid)))
				goto nomem;
			memcpy(x->lock, lr[i].mode, sizeof(x->lock));
			x->have |= TOP_HAVE_LOCK;
			if (!x->comm[0])
				memcpy(x->comm, lr[i].comm, sizeof(x->comm));
		}
		free(lr);
		lr = NULL;
	}
	if (t->at) {
		n = anon_trace_rows(t->at, &ar);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			if (t->o->pid && ar[i].pid != (uint32_t)t->o->pid)
				continue;
			if (!(x = top_sample_of(s, ar[i].pid)))
				goto nomem;
			for (k = 0; k < MMR_NR_CHAIN_KINDS; k++)
				x->chain_events += ar[i].s.events[k];
			x->chain_max = ar[i].s.length.max_ns;
			x->have |= TOP_HAVE_CHAIN;
			if (!x->comm[0])
				memcpy(x->comm, ar[i].comm, sizeof(x->comm));
		}
		free(ar);
		ar = NULL;
	}
	if (faults_trace_mode(t->ft) == MMR_MODE_TRACEPOINT)
		read_acct(t, s);
	for (i = 0; i < (int)s->n; i++) {
		x = &s->v[i];
		/* the name since its last exec; gone: reaped (a zombie
		 * still answers kill 0) */
		if (!proc_comm(x->pid, x->comm))
			x->gone = kill((pid_t)x->pid, 0) && errno == ESRCH;
		if (!x->comm[0])
			memcpy(x->comm, x->f.comm, sizeof(x->comm));
	}
	return 0;
nomem:
	free(fr);
	free(lr);
	free(ar);
	return -ENOMEM;
}

static void forget(struct top_run *t, const uint32_t *pids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		faults_trace_proc_forget(t->ft, pids[i]);
		if (t->lt)
			lock_trace_forget(t->lt, pids[i]);
		if (t->at)
			anon_trace_forget(t->at, pids[i]);
	}
}

static void terminal_size(int *w, int *h)
{
	struct winsize ws;

	*w = 80;
	*h = 24;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		*w = ws.ws_col;
		*h = ws.ws_row;
	}
}

/* One table: a frame redrawn in place on a terminal, else appended. */
static int show(struct top_run *t, const struct top_totals *tot, struct top_row *rows,
		size_t n, double secs, bool first)
{
	struct top_header h = { .secs = secs, .kernel = t->kernel };
	char *buf = NULL;
	size_t len = 0;
	time_t now = time(NULL);
	struct tm tm;
	FILE *m;
	int w = 0, ht = 0;

	localtime_r(&now, &tm);
	strftime(h.time, sizeof(h.time), "%H:%M:%S", &tm);
	h.modes[0] = mode_name(faults_trace_mode(t->ft));
	h.modes[1] = t->lt ? "tracepoint" : "n/a";
	h.modes[2] = t->at ? mode_name(faults_trace_mode(t->ft)) : "n/a";
	h.lost = faults_trace_proc_lost(t->ft) + (t->lt ? lock_trace_lost(t->lt) : 0) +
		 (t->at ? anon_trace_lost(t->at) : 0);
	h.missed = prog_recursion_misses(faults_trace_object(t->ft)) +
		   prog_recursion_misses(lock_trace_object(t->lt)) +
		   prog_recursion_misses(anon_trace_object(t->at));
	top_rows_sort(rows, n, t->o->sort);
	if (t->tty)
		terminal_size(&w, &ht);
	/* the frame in one write: no flicker */
	m = open_memstream(&buf, &len);
	if (!m)
		return -ENOMEM;
	if (t->tty)
		fputs("\033[H\033[2J", m);
	else if (!first)
		fputc('\n', m);
	/* the last line of a full screen would scroll it: one less */
	top_print(m, &h, &t->table.caps, tot, rows, n, t->o->sort, w, ht > 1 ? ht - 1 : ht);
	if (fclose(m)) {
		free(buf);
		return -ENOMEM;
	}
	if (fwrite(buf, 1, len, stdout) != len || fflush(stdout)) {
		free(buf);
		return -EIO;
	}
	free(buf);
	return 0;
}

static void terminal_enter(struct top_run *t)
{
	struct termios raw;

	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &t->saved)) {
		raw = t->saved;
		raw.c_lflag &= ~(ICANON | ECHO);	/* keys one by one; ISIG kept: Ctrl-C */
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		t->raw = !tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	/* the alternate screen, cursor hidden; top's own terminal etiquette */
	fputs("\033[?1049h\033[?25l", stdout);
	fflush(stdout);
}

static void terminal_leave(struct top_run *t)
{
	if (t->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
	t->raw = false;
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
}

/* Wait until deadline (mono_now()), reading keys on a terminal; q quits. */
static void wait_until(struct top_run *t, double deadline)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	double left;
	char c;

	while (!stop && (left = deadline - mono_now()) > 0) {
		int ms = left > 0.2 ? 200 : (int)(left * 1000) + 1;

		/* nothing is streamed; keep the shared rings empty anyway */
		faults_trace_poll(t->ft, 0);
		if (!t->raw) {
			usleep(ms * 1000);
			continue;
		}
		if (poll(&pfd, 1, ms) > 0 && (pfd.revents & POLLIN)) {
			while (read(STDIN_FILENO, &c, 1) == 1)
				if (c == 'q' || c == 'Q')
					stop = 1;
		}
		if (pfd.revents & (POLLHUP | POLLERR))
			break;
	}
}

static int open_tracers(struct top_run *t, const struct features *f, const struct plan *p)
{
	struct faults_shared sh;
	char why[128];
	enum mmr_mode m;
	int ret;

	{
		struct faults_trace_opts fo = {
			.features = f, .plan = p, .target = &t->tg,
			.per_process = true, .no_events = true,
		};

		ret = faults_trace_open(&t->ft, &fo);
	}
	if (ret) {
		mmr_err("cannot load and attach the fault tracer: %s%s", strerror(-ret),
			mmr_verbose ? "" : " (-v shows libbpf's log)");
		return ret;
	}
	faults_trace_shared(t->ft, &sh);
	if (mmap_lock_unusable(f)) {
		mmr_debug("mmap_lock not traced: %s", mmap_lock_unusable(f));
	} else {
		struct lock_trace_opts lo = {
			.features = f, .target = &t->tg, .faults = &sh,
			.min_hold_ns = ~0ULL,	/* no streamed holds: histograms only */
		};

		ret = lock_trace_open(&t->lt, &lo);
		if (ret) {
			mmr_warn("cannot trace mmap_lock: %s", strerror(-ret));
			t->lt = NULL;
		}
	}
	m = faults_trace_mode(t->ft);
	if (!anon_vma_usable(f, m, why, sizeof(why))) {
		mmr_debug("anon_vma not traced: %s", why);
	} else {
		struct anon_trace_opts ao = {
			.features = f, .target = &t->tg, .mode = m, .faults = &sh,
			.min_chain = ~0U, .min_fanout = ~0U,	/* histograms only */
		};

		ret = anon_trace_open(&t->at, &ao);
		if (ret) {
			mmr_warn("cannot trace anon_vma: %s", strerror(-ret));
			t->at = NULL;
		}
	}
	return 0;
}

static int run(struct top_run *t)
{
	const struct top_opts *o = t->o;
	struct top_samples s = { 0 };
	struct top_totals tot;
	struct top_row *rows = NULL;
	uint32_t *gone = NULL;
	size_t nrows = 0, ngone = 0, i;
	uint64_t shown = 0;
	double t0, t1, secs;
	int ret;

	/* the first read primes the table: the first interval starts here */
	if ((ret = read_samples(t, &s)) ||
	    (ret = top_update(&t->table, &s, 0, &rows, &nrows, &tot, &gone, &ngone))) {
		top_samples_free(&s);
		return ret;
	}
	top_samples_free(&s);
	free(rows);
	free(gone);
	t0 = mono_now();
	while (!stop) {
		wait_until(t, t0 + o->interval);
		if (stop)
			break;
		t1 = mono_now();
		secs = t1 - t0;
		t0 = t1;
		ret = read_samples(t, &s);
		if (!ret)
			ret = top_update(&t->table, &s, secs, &rows, &nrows, &tot, &gone, &ngone);
		if (ret) {
			top_samples_free(&s);
			return ret;
		}
		ret = show(t, &tot, rows, nrows, secs, !shown);
		forget(t, gone, ngone);
		for (i = 0; o->pid && i < s.n; i++)
			if (s.v[i].pid == (uint32_t)o->pid && s.v[i].gone)
				stop = 1;	/* its last interval is out */
		top_samples_free(&s);
		free(rows);
		free(gone);
		rows = NULL;
		gone = NULL;
		if (ret)
			return ret;
		if (++shown == o->iterations)
			break;
	}
	return 0;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o;
	struct top_run t = { .o = &o, .tg = { .cgroup_fd = -1 } };
	struct sigaction sa = { .sa_handler = on_signal }, wa = { .sa_handler = on_winch };
	struct top_caps caps = { 0 };
	struct features f;
	struct plan p;
	struct utsname u;
	pid_t tgid;
	char err[512];
	int ret, rc = EXIT_CANNOT_TRACE;

	ret = top_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret == 1) {
		fputs(top_usage, stdout);
		return EXIT_OK;
	}
	if (ret) {
		mmr_err("%s", err);
		return EXIT_USAGE;
	}
	mmr_verbose = o.verbose;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&wa.sa_mask);
	sigaction(SIGWINCH, &wa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (o.pid && kill(o.pid, 0) && errno == ESRCH) {
		mmr_err("no process with pid %d", (int)o.pid);
		return EXIT_USAGE;
	}
	if (o.cgroup) {
		t.tg.cgroup_fd = cgroup_open(o.cgroup);
		if (t.tg.cgroup_fd < 0) {
			mmr_err("cannot open cgroup v2 '%s': %s", o.cgroup,
				t.tg.cgroup_fd == -ENOTDIR ? "not a cgroup v2 directory" :
				strerror(-t.tg.cgroup_fd));
			return EXIT_USAGE;
		}
	}
	if (o.pid) {
		tgid = o.pid;
		t.tg.tgids = &tgid;
		t.tg.ntgids = 1;
	}
	features_probe(&f);
	if (plan_make(&f, o.mode, &p, err, sizeof(err))) {
		mmr_err("%s", err);
		goto out;
	}
	if (open_tracers(&t, &f, &p))
		goto out;
	if (!uname(&u))
		strlcpy_(t.kernel, u.release, sizeof(t.kernel));
	caps.fault_mode = faults_trace_mode(t.ft);
	faults_trace_states(t.ft, caps.states);
	caps.per_vma_locks = f.per_vma_locks;
	caps.lock_traced = t.lt != NULL;
	caps.anon_traced = t.at != NULL;
	top_table_init(&t.table, &caps);
	t.tty = isatty(STDOUT_FILENO);
	if (t.tty)
		terminal_enter(&t);
	ret = run(&t);
	if (t.tty)
		terminal_leave(&t);
	if (ret) {
		mmr_err("reading the maps: %s", strerror(-ret));
		goto out;
	}
	rc = EXIT_OK;
out:
	top_table_free(&t.table);
	anon_trace_close(t.at);
	lock_trace_close(t.lt);
	faults_trace_close(t.ft);
	if (t.tg.cgroup_fd >= 0)
		close(t.tg.cgroup_fd);
	return rc;
}
