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

#include "trace/acct.h"
#include "trace/anon_vma.h"
#include "trace/bpfmap.h"
#include "cli/commands.h"
#include "trace/collect.h"
#include "trace/engine.h"
#include "trace/faults.h"
#include "trace/mmap_lock.h"
#include "cli/options.h"
#include "trace/plan.h"
#include "trace/target.h"
#include "stats/top.h"
#include "lib/cgpath.h"
#include "lib/util.h"
#include "report/cgroups.h"

static void on_winch(int sig)
{
	/* nothing: poll() returns EINTR and the next frame reads the size */
}

struct top_run {
	const struct top_opts *o;
	struct engine *e;
	struct top_table table;
	bool tty;
	int columns;		/* $COLUMNS, 0 if unset or not a number */
	int lines;		/* $LINES, likewise */
	bool raw;		/* stdin switched to non-canonical, no echo */
	struct termios saved;
	struct cgpaths *cgnames;	/* --cgroups: the rows' names */
	struct report_cgroups cg;	/* --cgroups: the rows, read each interval */
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

	if (t->o->t.pid) {
		acct_sample(s, t->o->t.pid);
	} else if (!t->o->t.cgroup && (dir = opendir("/proc"))) {
		while ((d = readdir(dir)))
			if (isdigit((unsigned char)d->d_name[0]))
				acct_sample(s, (uint32_t)strtoul(d->d_name, NULL, 10));
		closedir(dir);
	}
	for (i = 0; i < n; i++)
		if (!(s->v[i].have & TOP_HAVE_ACCT))
			acct_sample(s, s->v[i].pid);
}

/* --cgroups: the cgroup rows as stat and export read them
 * (collect_read_cgroups(): the fault and mmap_lock tracers' rows, named),
 * each a sample; the anon_vma tracer's rows are processes (no CHAIN), and
 * faults in tracepoint mode are processes' accounting (no FAULT/s).
 * 0 or -errno. */
static int read_cgroup_samples(struct top_run *t, struct top_samples *s)
{
	struct top_sample *x;
	size_t i;

	collect_read_cgroups(t->e, &t->cg, t->cgnames, t->table.caps.states);
	if (t->cg.why)
		return -EIO;
	for (i = 0; i < t->cg.n; i++) {
		const struct cgroup_row *r = &t->cg.rows[i];

		if (!(x = top_sample_of(s, r->id)))
			return -ENOMEM;
		x->pid = 0;
		cgroup_row_label(r, x->cgroup, sizeof(x->cgroup));
		x->f = r->c;
		x->have |= TOP_HAVE_FAULTS;
		if (t->cg.lock_traced) {
			memcpy(x->lock, r->lock, sizeof(x->lock));
			x->have |= TOP_HAVE_LOCK;
		}
	}
	return 0;
}

/* Every source's cumulative figures, per process. 0 or -errno. */
static int read_samples(struct top_run *t, struct top_samples *s)
{
	struct fproc_row *fr = NULL;
	struct lock_row *lr = NULL;
	struct av_row *ar = NULL;
	struct top_sample *x;
	int i, n, k;

	struct lock_trace *lt = engine_lock(t->e);
	struct anon_trace *at = engine_anon(t->e);

	if (t->o->bc.on)
		return read_cgroup_samples(t, s);
	n = faults_trace_procs(engine_faults(t->e), &fr);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (t->o->t.pid && fr[i].pid != (uint32_t)t->o->t.pid)
			continue;
		if (!(x = top_sample_of(s, fr[i].pid)))
			goto nomem;
		x->f = fr[i].c;
		x->have |= TOP_HAVE_FAULTS;
	}
	free(fr);
	if (lt) {
		n = lock_trace_rows(lt, &lr);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			if (t->o->t.pid && lr[i].pid != (uint32_t)t->o->t.pid)
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
	if (at) {
		n = anon_trace_rows(at, &ar);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			if (t->o->t.pid && ar[i].pid != (uint32_t)t->o->t.pid)
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
	if (engine_fault_mode(t->e) == MMR_MODE_TRACEPOINT)
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

	if (t->o->bc.on)
		return;	/* cgroups' rows stay: they are bounded (--max-cgroups) */
	for (i = 0; i < n; i++)
		engine_forget(t->e, pids[i]);
}

/* $NAME as a size (1 to 10000 lines or columns), 0 if unset or not one */
static int env_size(const char *name)
{
	const char *v = getenv(name);
	uint64_t n;

	return v && !parse_u64(v, &n) && n > 0 && n <= 10000 ? (int)n : 0;
}

/* the terminal's size now (SIGWINCH: read again each frame); if it cannot
 * be read, $COLUMNS and $LINES, else 80 by 24 */
static void terminal_size(const struct top_run *t, int *w, int *h)
{
	struct winsize ws;

	*w = t->columns ? t->columns : 80;
	*h = t->lines ? t->lines : 24;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col && ws.ws_row) {
		*w = ws.ws_col;
		*h = ws.ws_row;
	}
}

/* the columns a line of UTF-8 takes (one a character) */
static size_t line_columns(const char *s, size_t len)
{
	size_t n = 0;

	while (len--)
		n += ((unsigned char)*s++ & 0xc0) != 0x80;
	return n;
}

/* A frame drawn over the last in one write(2): the cursor home, each line
 * then erased to its end, the rest of the screen erased. Never a cleared
 * screen: a terminal that shows the write in pieces (a pty read in chunks)
 * shows the new frame's first lines over the last frame's, not a blank
 * screen, and there is no flicker. A line as wide as the terminal is not
 * erased after (at the right margin, some terminals would erase its last
 * character). A full screen's last newline would scroll it: the cursor
 * stays on the last line (hidden). */
static int draw_in_place(const char *frame, size_t len, int width)
{
	char *buf = NULL, *p;
	size_t blen = 0, off, n;
	ssize_t w;
	FILE *m;

	if (len && frame[len - 1] == '\n')
		len--;
	m = open_memstream(&buf, &blen);
	if (!m)
		return -ENOMEM;
	fputs("\033[H", m);
	for (off = 0; off < len; off = p - frame + 1) {
		p = memchr(frame + off, '\n', len - off);
		if (!p)
			p = (char *)frame + len;
		n = p - frame - off;
		fwrite(frame + off, 1, n, m);
		if (line_columns(frame + off, n) < (size_t)width)
			fputs("\033[K", m);
		if (p < frame + len)
			fputc('\n', m);
	}
	fputs("\033[J", m);
	if (fclose(m)) {
		free(buf);
		return -ENOMEM;
	}
	fflush(stdout);
	for (off = 0; off < blen; off += w) {
		w = write(STDOUT_FILENO, buf + off, blen - off);
		if (w < 0 && errno == EINTR)
			w = 0;
		else if (w < 0)
			break;
	}
	free(buf);
	return off < blen ? -EIO : 0;
}

/* One table: a frame redrawn in place on a terminal, else appended. */
static int show(struct top_run *t, const struct top_totals *tot, struct top_row *rows,
		size_t n, double secs, bool first)
{
	struct top_header h = { .secs = secs, .kernel = engine_kernel(t->e) };
	struct lock_trace *lt = engine_lock(t->e);
	struct anon_trace *at = engine_anon(t->e);
	char *buf = NULL;
	size_t len = 0;
	time_t now = time(NULL);
	int err;
	struct tm tm;
	/* piped: $COLUMNS wide if set, else every column the mode can fill
	 * (scripts parse it); every row unless --rows */
	struct top_fit fit = { .width = t->columns, .max_rows = t->o->rows };
	FILE *m;

	localtime_r(&now, &tm);
	strftime(h.time, sizeof(h.time), "%H:%M:%S", &tm);
	h.modes[0] = engine_mode_label(t->e);
	h.modes[1] = lt ? "tracepoint" : "n/a";
	h.modes[2] = at ? mode_name(engine_fault_mode(t->e)) : "n/a";
	h.lost = faults_trace_proc_lost(engine_faults(t->e)) + (lt ? lock_trace_lost(lt) : 0) +
		 (at ? anon_trace_lost(at) : 0);
	h.missed = engine_missed_faults(t->e) + engine_missed_lock(t->e) +
		   engine_missed_anon(t->e);
	top_rows_sort(rows, n, t->o->sort);
	if (t->tty)
		terminal_size(t, &fit.width, &fit.height);
	m = open_memstream(&buf, &len);
	if (!m)
		return -ENOMEM;
	if (!t->tty && !first)
		fputc('\n', m);
	top_print(m, &h, &t->table.caps, tot, rows, n, t->o->sort, &fit);
	if (fclose(m)) {
		free(buf);
		return -ENOMEM;
	}
	err = t->tty ? draw_in_place(buf, len, fit.width) :
		fwrite(buf, 1, len, stdout) != len || fflush(stdout) ? -EIO : 0;
	free(buf);
	return err;
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

	while (!engine_stopping() && (left = deadline - mono_now()) > 0) {
		int ms = left > 0.2 ? 200 : (int)(left * 1000) + 1;

		/* nothing is streamed; keep the shared rings empty anyway */
		engine_poll(t->e);
		if (!t->raw) {
			usleep(ms * 1000);
			continue;
		}
		if (poll(&pfd, 1, ms) > 0 && (pfd.revents & POLLIN)) {
			while (read(STDIN_FILENO, &c, 1) == 1)
				if (c == 'q' || c == 'Q')
					engine_request_stop();
		}
		if (pfd.revents & (POLLHUP | POLLERR))
			break;
	}
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
	while (!engine_stopping()) {
		wait_until(t, t0 + o->interval);
		if (engine_stopping())
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
		for (i = 0; o->t.pid && i < s.n; i++)
			if (s.v[i].pid == (uint32_t)o->t.pid && s.v[i].gone)
				engine_request_stop();	/* its last interval is out */
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

static const char top_usage[] =
"usage: mmretry top [-i SECONDS] [-p PID] [-c CGROUP] [-n ITERATIONS]\n"
"                   [--rows N] [--sort KEY] [--mode MODE] [-v]\n"
"                   [--cgroups [--cgroup-depth N] [--max-cgroups N]]\n"
"\n"
"A refreshing per-process table of page-fault retries, like top: faults/s,\n"
"the p99 of fault durations (FLTp99) and the time in faults as a share of\n"
"the interval (FLT%: 100 is one thread faulting throughout; threads add\n"
"up), retries/s, retry %, the leading retry reason, completions/s, the\n"
"share of attempts under a per-VMA lock, mmap_lock write holds and waits\n"
"(p99, max) and the longest anon_vma chain, over each interval. Press q or\n"
"Ctrl-C to quit. When stdout is not a terminal, one table per interval is\n"
"printed.\n"
"\n"
"  -i, --interval=TIME   refresh every TIME (1, 0.5, 2s; default 2)\n"
"  -p, --pid=PID         only process PID\n"
"  -c, --cgroup=PATH     only tasks in cgroup v2 PATH\n"
"  -n, --iterations=N    stop after N tables (default: until q or Ctrl-C)\n"
"      --rows=N          at most N processes per table (default: as many as\n"
"                        fit the terminal; piped, every one)\n"
"      --cgroups         rows are cgroups, not processes: each task's cgroup\n"
"                        v2, or its ancestor at\n"
"      --cgroup-depth=N  N levels below the root (system.slice/x.service is\n"
"                        at 2; either option implies --cgroups)\n"
"      --max-cgroups=N   at most N cgroups (default 64), the rest summed in\n"
"                        \"other\"\n"
"      --cgroup-tree=PATH[,PATH...]\n"
"                        rows are these cgroups, each with its subtree, and /\n"
"                        with the rest (repeatable; implies --cgroups)\n"
"      --by cgroup       the same as --cgroups (as stat and export take it)\n"
"  -s, --sort=KEY        retries (default), faults, retry%, latency (FLTp99),\n"
"                        flt%, wait, hold, chain or pid\n"
"  -m, --mode=MODE       light (default: the slow path only), auto (every\n"
"                        attempt: FLTp99, FLT%), fentry, kprobe or tracepoint\n"
"      --no-mmap-lock    do not trace mmap_lock (no HOLD or WAIT columns)\n"
"      --no-anon-vma     do not trace anon_vma chains (no CHAIN column)\n"
"      --no-latency      count faults without timing them (no FLTp99, FLT%)\n"
"      --ringbuf-size=N  ring buffers' size (default 1M; nothing is streamed)\n"
"  -q, --quiet           do not say when tracing has started\n"
"  -v, --verbose         say more; twice shows libbpf's log\n"
"  -h, --help            this text\n"
"\n"
"Only the columns this mode can fill are shown: tracepoint mode has no\n"
"FLTp99, FLT%, DONE/s or CHAIN; the header's \"hidden:\" line says which\n"
"are left out and why. On a terminal the table fits its width (the least\n"
"important columns go first, docs/top.md) and its height (\"N of M\n"
"processes shown\"); piped, it is $COLUMNS wide if set, else every column.\n"
"n/a: a figure not known for that process; -: none this interval.\n"
"\n"
"examples:\n"
"  mmretry top                           every process, every 2 seconds\n"
"  mmretry top -i 1 -n 5 > top.txt       five tables, for a script\n"
"  mmretry top --rows 10 -s faults       the ten with the most faults\n"
"  mmretry top -c system.slice --sort wait\n"
"  mmretry top --sort flt%               who spends the most time in faults\n"
"  mmretry top --cgroup-depth 2          which service's faults retry\n";

enum { OPT_ROWS = OPT_OWN, OPT_CGROUPS };

static int top_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct top_opts *o = p;
	enum top_sort k;
	uint64_t v;
	int ret = by_cgroup_opt(&o->bc, c, arg, "top", err, errlen);

	if (ret)
		return ret;
	switch (c) {
	case OPT_CGROUPS:
		o->bc.on = true;
		return 1;
	case 'i':
		if (parse_duration(arg, &o->interval) || o->interval < 0.1 || o->interval > 86400)
			return usage_err(err, errlen, "top: invalid interval '%s' (0.1 s to 1 day, "
					 "e.g. 1, 0.5, 2s)", arg);
		return 1;
	case 'n':
		if (parse_u64(arg, &v) || v == 0)
			return usage_err(err, errlen, "top: invalid number of iterations '%s' "
					 "(1 or more)", arg);
		o->iterations = v;
		return 1;
	case 's':
		if (top_sort_parse(arg, &k))
			return usage_err(err, errlen, "top: unknown sort key '%s' (retries, faults, "
					 "retry%%, latency, flt%%, wait, hold, chain or pid)",
					 arg);
		o->sort = k;
		return 1;
	case OPT_ROWS:
		if (parse_u64(arg, &v) || v == 0 || v > 1000000)
			return usage_err(err, errlen, "top: invalid number of rows '%s' (1 or more)",
					 arg);
		o->rows = v;
		return 1;
	case 'v':
		o->verbose++;
		return 1;
	}
	return 0;
}

/* the options getopt_long() takes; main.c lists them for completion */
const struct option top_longopts[] = {
	TRACE_LONGOPTS_TARGET,
	{ "interval", required_argument, NULL, 'i' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "sort", required_argument, NULL, 's' },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "cgroups", no_argument, NULL, OPT_CGROUPS },
	BY_CGROUP_LONGOPTS,
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int top_opts_parse(int argc, char **argv, struct top_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "top", .shortopts = TRACE_SHORT_TARGET "i:n:s:vh", .longopts = top_longopts,
		.t = &o->t, .own = top_opt, .o = o,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	trace_opts_init(&o->t);
	o->t.light = true;	/* left running: the light mode unless --mode */
	o->interval = 2;
	o->sort = TOP_SORT_RETRIES;
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (ret)
		return ret;
	by_cgroup_end(&o->bc);
	if (o->bc.on && o->sort == TOP_SORT_PID)
		return usage_err(err, errlen, "top: --sort %s with --cgroups: the rows are cgroups",
				 "pid");
	return trace_opts_end(&o->t, TG_TARGET, "top", argc, argv, err, errlen);
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o;
	struct top_run t = { .o = &o };
	struct sigaction wa = { .sa_handler = on_winch };
	struct engine_sink sink = { .per_process = true };	/* maps only, no events */
	struct top_caps caps = { 0 };
	char err[512];
	int ret, rc = EXIT_CANNOT_TRACE;

	ret = top_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, top_usage, err);
	mmr_verbose = o.verbose;
	engine_signals(true);
	sigemptyset(&wa.sa_mask);
	sigaction(SIGWINCH, &wa, NULL);

	if (o.bc.on) {
		sink.rows_by_cgroup = true;
		sink.cgroup_level = o.bc.depth;
		sink.max_cgroups = o.bc.max;
		sink.cgroup_trees = &o.bc.trees;
		t.cgnames = cgpaths_open();
	}
	ret = engine_run(&t.e, &o.t, &sink);
	if (ret) {
		rc = ret == -EINVAL ? EXIT_USAGE : EXIT_CANNOT_TRACE;
		goto out;
	}
	caps.fault_mode = engine_fault_mode(t.e);
	caps.light = caps.fault_mode == MMR_MODE_TRACEPOINT && engine_producers(t.e) != MMR_MODE_NONE;
	faults_trace_states(engine_faults(t.e), caps.states);
	caps.per_vma_locks = engine_features(t.e)->per_vma_locks;
	caps.lock_traced = engine_lock(t.e) != NULL;
	caps.anon_traced = engine_anon(t.e) != NULL;
	caps.untimed = o.t.no_latency;
	caps.lock_off = o.t.no_mmap_lock;
	caps.anon_off = o.t.no_anon_vma;
	caps.cgroups = o.bc.on;
	top_table_init(&t.table, &caps);
	t.tty = isatty(STDOUT_FILENO);
	t.columns = env_size("COLUMNS");
	t.lines = env_size("LINES");
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
	engine_finish(t.e);
	cgpaths_free(t.cgnames);
	report_cgroups_free(&t.cg);
	return rc;
}
