// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_export.c: `mmretry export`, a long-lived agent that loads and attaches
 * once and serves what stat measures as Prometheus metrics (GET /metrics),
 * read from the BPF maps at each scrape. HTTP is libmicrohttpd's.
 * docs/metrics.md lists the metrics.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/anon_vma.h"
#include "stats/anon_vma.h"
#include "cli/commands.h"
#include "lib/cgpath.h"
#include "lib/ksyms.h"
#include "trace/collect.h"
#include "trace/counters.h"
#include "trace/engine.h"
#include "trace/faults.h"
#include "trace/mmap_lock.h"
#include "stats/mmap_lock.h"
#include "report/metrics.h"
#include "cli/options.h"
#include "trace/plan.h"
#include "report/report.h"
#include "trace/target.h"
#include "lib/util.h"

/*
 * HTTP limits for a fleet exporter: one or two Prometheus servers scrape it
 * every 15-60 s, each over one connection; a scrape's request arrives in one
 * segment and its answer (about 12 kB) leaves within milliseconds. Slow
 * clients (a slowloris sending a header line every few seconds) must not
 * starve those scrapes (tests/export/run.sh holds 300 of them).
 *
 * EXPORT_PER_IP: an address holds at most 8 connections; libmicrohttpd
 * accepts and closes at once the ones beyond. Prometheus uses one per target
 * (two while a timed-out scrape's lingers); 8 leaves room for someone's curl
 * and a second Prometheus behind the same NAT, and slow clients from one
 * address take 8 of the 64 slots, never all of them.
 * EXPORT_MAX_CONNECTIONS: 64 slots of EXPORT_CONN_MEMORY each: 2 MiB and 64
 * descriptors at worst; filling them takes 8 addresses.
 * EXPORT_TIMEOUT_S: 5 s of silence closes a connection. A scrape is never
 * that quiet; an idle keep-alive connection between scrapes (15 s and more
 * apart) was closed by the 10 s of before as well, and Prometheus opens a
 * new one for the next scrape.
 * EXPORT_CONN_MEMORY: a request's headers; larger requests get 431.
 *
 * One polling thread and no pool: every socket operation is non-blocking and
 * a scrape's answer is rendered under the lock into a buffer, copied, and
 * sent without it, so a slow reader (or a slow writer, which never gets to
 * the handler) holds a slot, never the lock, the map reads or the thread. A
 * pool would only queue on the lock.
 */
#define EXPORT_PER_IP 8
#define EXPORT_MAX_CONNECTIONS 64
#define EXPORT_TIMEOUT_S 5
#define EXPORT_CONN_MEMORY (32 * 1024)
/* descriptors beyond the connections: the listening socket, an accept
 * refused at once, libc's and libbpf's occasional files */
#define EXPORT_FD_SPARE 8

struct exporter {
	pthread_mutex_t mu;		/* one scrape at a time reads the maps */
	struct engine *e;
	struct lock_trace *lt;		/* NULL: mmap_lock not traced */
	struct mmr_lock_stats lock_retired[2];	/* of exited processes, read, write */
	struct anon_trace *at;		/* NULL: anon_vma not traced */
	struct mmr_chain_stats chain_retired;
	uint64_t scrapes;
	/* --by cgroup (cg.wanted): the rows, refilled at each scrape, and
	 * their names */
	struct report_cgroups cg;
	struct cgpaths *cgnames;
};

static const char landing[] =
	"<html><head><title>mmretry exporter</title></head><body>"
	"<h1>mmretry exporter</h1><p>Page-fault retries, mmap_lock and anon_vma "
	"figures of this host: <a href=\"/metrics\">/metrics</a>.</p></body></html>\n";

/* gone: reaped (a zombie still answers kill 0) */
static bool process_gone(uint32_t pid)
{
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

/* mmap_lock: the kernel's per-process rows summed, plus those of exited
 * processes folded in earlier (and then dropped from the kernel's map);
 * 0 or -errno */
static int lock_totals(struct exporter *ex, struct mmr_lock_stats total[2])
{
	struct lock_row *rows = NULL;
	int n, i, m;

	n = lock_trace_rows(ex->lt, &rows);
	if (n < 0)
		return n;
	memcpy(total, ex->lock_retired, 2 * sizeof(*total));
	for (i = 0; i < n; i++) {
		bool gone = process_gone(rows[i].pid);

		for (m = 0; m < 2; m++) {
			lock_stats_merge(&total[m], &rows[i].mode[m]);
			if (gone)
				lock_stats_merge(&ex->lock_retired[m], &rows[i].mode[m]);
		}
		if (gone)
			lock_trace_forget(ex->lt, rows[i].pid);
	}
	free(rows);
	return 0;
}

static const struct {
	const char *name, *type, *help;
} lock_fams[] = {
	{ "mmretry_mmap_lock_acquisitions_total", "counter", "mmap_lock acquisitions, by mode." },
	{ "mmretry_mmap_lock_failures_total", "counter",
	  "Failed mmap_lock trylocks and interrupted killable waits, by mode." },
	{ "mmretry_mmap_lock_remote_acquisitions_total", "counter",
	  "Acquisitions of another process's mmap_lock (/proc readers, remote GUP)." },
	{ "mmretry_mmap_lock_wait_seconds", "histogram",
	  "Time from start_locking to acquire_returned, by mode." },
	{ "mmretry_mmap_lock_hold_seconds", "histogram", "Time mmap_lock was held, by mode." },
};

/* family f's sample (or histogram) of one mode's figures */
static void lock_sample(struct metrics_buf *b, size_t f, const char *const *l,
			const struct mmr_lock_stats *s)
{
	const char *name = lock_fams[f].name;

	switch (f) {
	case 0:
		metrics_sample_u64(b, name, l, s->acquisitions);
		break;
	case 1:
		metrics_sample_u64(b, name, l, s->failures);
		break;
	case 2:
		metrics_sample_u64(b, name, l, s->remote);
		break;
	case 3:
		metrics_hist(b, name, l, &s->wait, 1e9);
		break;
	default:
		metrics_hist(b, name, l, &s->hold, 1e9);
	}
}

/* mmap_lock families: by mode, and by cgroup with --by cgroup (the rows
 * collect_read_cgroups() read for this scrape) */
static void render_lock(struct exporter *ex, struct metrics_buf *b)
{
	static const char *const modes[2] = { "read", "write" };
	bool by_cg = ex->cg.wanted && !ex->cg.why && ex->cg.lock_traced;
	struct mmr_lock_stats total[2];
	char label[300];
	size_t f, k;
	int m, err;

	if (!by_cg && (err = lock_totals(ex, total))) {
		b->err = -err;
		return;
	}
	for (f = 0; f < sizeof(lock_fams) / sizeof(lock_fams[0]); f++) {
		metrics_family(b, lock_fams[f].name, lock_fams[f].type, lock_fams[f].help);
		for (m = 0; m < 2 && !by_cg; m++) {
			const char *const l[] = { "mode", modes[m], NULL };

			lock_sample(b, f, l, &total[m]);
		}
		for (k = 0; by_cg && k < ex->cg.n; k++) {
			const struct cgroup_row *r = &ex->cg.rows[k];

			if (!cgroup_row_locked(r))
				continue;	/* no lock series until it locks */
			cgroup_row_label(r, label, sizeof(label));
			for (m = 0; m < 2; m++) {
				const char *const l[] = { "cgroup", label, "mode", modes[m], NULL };

				lock_sample(b, f, l, &r->lock[m]);
			}
		}
	}
}

/* anon_vma chains (per-process rows summed, exited ones folded) and rmap
 * walks per walker (a handful of kernel functions: a bounded label) */
static void render_anon(struct exporter *ex, struct metrics_buf *b)
{
	struct mmr_chain_stats total = ex->chain_retired;
	struct av_row *rows = NULL;
	struct av_walker *w = NULL;
	int n, i, k;

	n = anon_trace_rows(ex->at, &rows);
	if (n < 0) {
		b->err = -n;
		return;
	}
	for (i = 0; i < n; i++) {
		chain_stats_merge(&total, &rows[i].s);
		if (process_gone(rows[i].pid)) {
			chain_stats_merge(&ex->chain_retired, &rows[i].s);
			anon_trace_forget(ex->at, rows[i].pid);
		}
	}
	free(rows);
	metrics_family(b, "mmretry_anon_vma_chain_events_total", "counter",
		       "Operations that set a VMA's anon_vma chain, by kind (fork, clone, prepare).");
	for (k = 0; k < MMR_NR_CHAIN_KINDS; k++) {
		const char *const l[] = { "kind", av_chain_kind_name(k), NULL };

		metrics_sample_u64(b, "mmretry_anon_vma_chain_events_total", l, total.events[k]);
	}
	metrics_family(b, "mmretry_anon_vma_fork_reuses_total", "counter",
		       "Forks that reused an existing anon_vma.");
	metrics_sample_u64(b, "mmretry_anon_vma_fork_reuses_total", NULL, total.reused);
	metrics_family(b, "mmretry_anon_vma_chain_length", "histogram",
		       "A VMA's anon_vma chain length after each chain event.");
	metrics_hist(b, "mmretry_anon_vma_chain_length", NULL, &total.length, 1);

	n = anon_trace_walkers(ex->at, &w);
	if (n < 0) {
		b->err = -n;
		return;
	}
	for (i = 0; i < n; i++)
		av_walker_name(ksyms_name(engine_ksyms(ex->e), w[i].rmap_one), w[i].rmap_one,
			       w[i].name, sizeof(w[i].name));
	av_walkers_sort(w, n);
	metrics_family(b, "mmretry_rmap_walks_total", "counter",
		       "Anonymous rmap walks, by walker.");
	for (i = 0; i < n; i++) {
		const char *const l[] = { "walker", w[i].name, NULL };

		metrics_sample_u64(b, "mmretry_rmap_walks_total", l, w[i].s.walks);
	}
	metrics_family(b, "mmretry_rmap_walk_vmas", "histogram",
		       "VMAs an anonymous rmap walk visited, by walker.");
	for (i = 0; i < n; i++) {
		const char *const l[] = { "walker", w[i].name, NULL };

		metrics_hist(b, "mmretry_rmap_walk_vmas", l, &w[i].s.vmas, 1);
	}
	metrics_family(b, "mmretry_rmap_walk_mapped_vmas", "histogram",
		       "VMAs of a walk that mapped the folio, by walker.");
	for (i = 0; i < n; i++) {
		const char *const l[] = { "walker", w[i].name, NULL };

		metrics_hist(b, "mmretry_rmap_walk_mapped_vmas", l, &w[i].s.mapped, 1);
	}
	metrics_family(b, "mmretry_rmap_walk_seconds", "histogram",
		       "Duration of an anonymous rmap walk, by walker.");
	for (i = 0; i < n; i++) {
		const char *const l[] = { "walker", w[i].name, NULL };

		metrics_hist(b, "mmretry_rmap_walk_seconds", l, &w[i].s.ns, 1e9);
	}
	free(w);
}

/* fault durations and retry times (fentry, kprobe), the mmap_lock wait
 * before each retry (also tracepoint mode): stat's decision of what is
 * timed, for the reasons the mode can name */
static void render_latency(struct exporter *ex, const struct report *r, struct metrics_buf *b)
{
	struct report_latency x = { 0 };
	bool named[MMR_NR_REASONS];
	int k, err;

	err = collect_read_latency(ex->e, &x);
	if (err) {
		b->err = -err;
		return;
	}
	for (k = 0; k < MMR_NR_REASONS; k++)
		named[k] = r->faults[FF_REASON0 + k].state != VAL_NA;
	metrics_fault_latency(b, &x, named);
}

/* 1 if kernel.bpf_stats_enabled is on: only then do programs count runs */
static int bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int on = 0;

	if (f) {
		if (fscanf(f, "%d", &on) != 1)
			on = 0;
		fclose(f);
	}
	return on;
}

enum cost_figure { COST_SECONDS, COST_RUNS, COST_MISSES };

static void render_cost_of(struct metrics_buf *b, struct bpf_object *obj, enum cost_figure fig)
{
	struct bpf_program *prog;

	if (!obj)
		return;
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);
		const char *const l[] = { "program", bpf_program__name(prog), NULL };

		if (fd < 0)
			continue;	/* not loaded on this kernel or mode */
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		if (fig == COST_SECONDS)
			metrics_sample(b, "mmretry_bpf_program_run_seconds_total", l,
				       info.run_time_ns / 1e9);
		else if (fig == COST_RUNS)
			metrics_sample_u64(b, "mmretry_bpf_program_runs_total", l, info.run_cnt);
		else
			metrics_sample_u64(b, "mmretry_bpf_program_recursion_misses_total", l,
					   info.recursion_misses);
	}
}

/*
 * Runs the kernel skipped (always counted), and mmretry's own cost where the
 * kernel counts it (kernel.bpf_stats_enabled).
 */
static void render_cost(struct exporter *ex, struct metrics_buf *b)
{
	static const struct {
		const char *name, *help;
	} fams[] = {
		[COST_SECONDS] = { "mmretry_bpf_program_run_seconds_total",
				   "Time spent in each of mmretry's BPF programs." },
		[COST_RUNS] = { "mmretry_bpf_program_runs_total",
				"Runs of each of mmretry's BPF programs." },
		[COST_MISSES] = { "mmretry_bpf_program_recursion_misses_total",
				  "Runs the kernel skipped: the program was already running on that "
				  "CPU (a preempted run); events of any process may be missing." },
	};
	struct bpf_object *objs[] = {
		faults_trace_object(engine_faults(ex->e)), lock_trace_object(ex->lt),
		anon_trace_object(ex->at),
	};
	int stats = bpf_stats_enabled(), i, fig;

	metrics_family(b, "mmretry_bpf_stats_enabled", "gauge",
		       "1 if kernel.bpf_stats_enabled counts BPF program runs (else no cost figures).");
	metrics_sample_u64(b, "mmretry_bpf_stats_enabled", NULL, stats);
	for (fig = stats ? COST_SECONDS : COST_MISSES; fig <= COST_MISSES; fig++) {
		metrics_family(b, fams[fig].name, "counter", fams[fig].help);
		for (i = 0; i < 3; i++)
			render_cost_of(b, objs[i], fig);
	}
}

/* --by cgroup: does fig have a sample per cgroup (else the host's total)? */
static bool by_cgroup(const struct exporter *ex, int fig)
{
	return ex->cg.wanted && !ex->cg.why && cgroup_row_has(&ex->cg, fig);
}

/* name's samples, one per cgroup row: fig's value, or with a reason
 * (enum mmr_reason; -1: none) the row's retries for it */
static void cgroup_samples(struct exporter *ex, struct metrics_buf *b, const char *name, int fig,
			   int reason)
{
	char label[300];
	size_t k;

	for (k = 0; k < ex->cg.n; k++) {
		const struct cgroup_row *row = &ex->cg.rows[k];
		const char *const l[] = { "cgroup", cgroup_row_label(row, label, sizeof(label)),
					  reason >= 0 ? "reason" : NULL,
					  reason >= 0 ? reason_names[reason] : NULL, NULL };

		metrics_sample_u64(b, name, l, reason >= 0 ? row->c.reasons[reason] :
				   cgroup_row_fig(&row->c, fig));
	}
}

/* --by cgroup, faults timed (fentry, kprobe): each cgroup's fault
 * durations, every fault of its tasks (first attempt's entry to last
 * attempt's return), a cgroup with none yet left out */
static void render_cgroup_latency(struct exporter *ex, struct metrics_buf *b)
{
	char label[300];
	size_t k;

	metrics_family(b, "mmretry_cgroup_fault_seconds", "histogram",
		       "Page-fault durations (first attempt to last), by cgroup.");
	for (k = 0; k < ex->cg.n; k++) {
		const struct cgroup_row *r = &ex->cg.rows[k];
		const char *const l[] = { "cgroup", cgroup_row_label(r, label, sizeof(label)),
					  NULL };

		if (r->c.fault_ns.count)
			metrics_hist(b, "mmretry_cgroup_fault_seconds", l, &r->c.fault_ns, 1e9);
	}
}

static void render(struct exporter *ex, struct metrics_buf *b)
{
	struct mmr_fault_counters sum;
	uint8_t states[FF_NR];
	struct report r;
	int i;

	report_init(&r);
	if (engine_read_faults(ex->e, &sum, states)) {
		b->err = EIO;
		return;
	}
	report_set_faults(&r, &sum, states);

	metrics_family(b, "mmretry_info", "gauge",
		       "The kernel and the mode of each capability; always 1.");
	{
		const char *mode = mode_name(engine_fault_mode(ex->e));
		enum mmr_mode prod = engine_producers(ex->e);
		const char *const l[] = { "kernel", engine_kernel(ex->e), "faults_mode", mode,
					  "faults_producers", prod ? mode_name(prod) : "none",
					  "mmap_lock_mode", ex->lt ? "tracepoint" : "none",
					  "anon_vma_mode", ex->at ? mode : "none", NULL };

		metrics_sample_u64(b, "mmretry_info", l, 1);
	}
	/* a figure this mode cannot see is left out, never 0 */
	static const struct {
		int fig;
		const char *name, *help;
	} counters[] = {
		{ FF_ATTEMPTS, "mmretry_fault_attempts_total", "handle_mm_fault calls (attempts)." },
		{ FF_FAULTS, "mmretry_faults_total", "Page faults (attempts not retried)." },
		{ FF_RETRIES, "mmretry_fault_retries_total", "Attempts that returned VM_FAULT_RETRY." },
		{ FF_COMPLETED, "mmretry_fault_completed_total", "Attempts that returned VM_FAULT_COMPLETED." },
		{ FF_MAJOR, "mmretry_major_faults_total", "Attempts that returned VM_FAULT_MAJOR." },
		{ FF_ERRORS, "mmretry_fault_errors_total", "Attempts that returned an error." },
		{ FF_VMA_LOCK_ATTEMPTS, "mmretry_fault_vma_lock_attempts_total", "Attempts under a per-VMA lock." },
		{ FF_MMAP_LOCK_ATTEMPTS, "mmretry_fault_mmap_lock_attempts_total", "Attempts under mmap_lock." },
		{ FF_ABANDONED, "mmretry_faults_abandoned_total", "Faults whose last attempt retried." },
	};
	if (ex->cg.wanted)
		collect_read_cgroups(ex->e, &ex->cg, ex->cgnames, states);
	for (i = 0; i < (int)(sizeof(counters) / sizeof(counters[0])); i++) {
		if (r.faults[counters[i].fig].state == VAL_NA)
			continue;
		metrics_family(b, counters[i].name, "counter", counters[i].help);
		if (by_cgroup(ex, counters[i].fig))
			cgroup_samples(ex, b, counters[i].name, counters[i].fig, -1);
		else
			metrics_sample_u64(b, counters[i].name, NULL, r.faults[counters[i].fig].v);
	}
	metrics_family(b, "mmretry_fault_retries_by_reason_total", "counter",
		       "Retries by the producer that returned VM_FAULT_RETRY.");
	for (i = 0; i < MMR_NR_REASONS; i++) {
		const char *const l[] = { "reason", reason_names[i], NULL };

		if (r.faults[FF_REASON0 + i].state == VAL_NA)
			continue;
		if (by_cgroup(ex, FF_RETRIES))
			cgroup_samples(ex, b, "mmretry_fault_retries_by_reason_total", FF_RETRIES,
				       i);
		else
			metrics_sample_u64(b, "mmretry_fault_retries_by_reason_total", l,
					   r.faults[FF_REASON0 + i].v);
	}
	if (ex->cg.wanted && !ex->cg.why) {
		metrics_family(b, "mmretry_cgroups_folded", "gauge",
			       "Cgroups past --max-cgroups, whose figures are in cgroup=\"other\".");
		metrics_sample_u64(b, "mmretry_cgroups_folded", NULL, ex->cg.folded);
		if (ex->cg.timed)
			render_cgroup_latency(ex, b);
	}
	render_latency(ex, &r, b);
	if (ex->lt)
		render_lock(ex, b);
	if (ex->at)
		render_anon(ex, b);
	render_cost(ex, b);
	metrics_family(b, "mmretry_lost_events_total", "counter",
		       "Events the ring buffer could not take (counters stay exact).");
	metrics_sample_u64(b, "mmretry_lost_events_total", NULL, sum.lost_events);
	metrics_family(b, "mmretry_scrapes_total", "counter", "Scrapes served.");
	metrics_sample_u64(b, "mmretry_scrapes_total", NULL, ++ex->scrapes);
	report_free(&r);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     const char *body, size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **req_cls)
{
	static const char text[] = "text/plain; charset=utf-8";
	struct exporter *ex = cls;
	struct metrics_buf b = { 0 };
	enum MHD_Result ret;

	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, text, "only GET\n", 9);
	if (*upload_size) {		/* a GET with a body: refuse it */
		*upload_size = 0;
		return reply(c, MHD_HTTP_BAD_REQUEST, text, "no body, please\n", 16);
	}
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", landing,
			     sizeof(landing) - 1);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, text, "not found: try /metrics\n", 24);
	pthread_mutex_lock(&ex->mu);
	render(ex, &b);
	pthread_mutex_unlock(&ex->mu);
	if (b.err)
		ret = reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, text, "cannot read the counters\n", 25);
	else
		ret = reply(c, MHD_HTTP_OK, METRICS_CONTENT_TYPE, b.s, b.len);
	metrics_buf_free(&b);
	return ret;
}

/* USER (from the passwd database) or UID[:GID] (numeric, no database
 * needed); 0 or -ENOENT */
static int user_ids(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(user);
	unsigned long u, g;
	char *end;

	if (pw) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		return 0;
	}
	errno = 0;
	u = strtoul(user, &end, 10);
	if (errno || end == user || (*end && *end != ':'))
		return -ENOENT;
	g = u;
	if (*end == ':') {
		const char *gs = end + 1;

		g = strtoul(gs, &end, 10);
		if (errno || end == gs || *end)
			return -ENOENT;
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}

static int drop_to(const char *user)
{
	uid_t uid;
	gid_t gid;

	if (user_ids(user, &uid, &gid))
		return -ENOENT;
	if (setgroups(0, NULL) || setgid(gid) || setuid(uid))
		return -errno;
	return 0;
}

static const char export_usage[] =
"usage: mmretry export [--listen [ADDR]:PORT] [--mode MODE] [-p PID] [-c CGROUP]\n"
"                      [--by cgroup [--cgroup-depth N] [--max-cgroups N]]\n"
"                      [--user USER] [-v]\n"
"\n"
"Serve page-fault retry figures as Prometheus metrics on GET /metrics, until\n"
"SIGTERM or Ctrl-C.\n"
"\n"
"  -l, --listen=[ADDR]:PORT  where to listen (default 127.0.0.1:9862; \":PORT\"\n"
"                            for every address)\n"
"  -m, --mode=MODE           light (default: the slow path only), auto (every\n"
"                            attempt, and fault latency), fentry, kprobe or\n"
"                            tracepoint\n"
"  -p, --pid=PID             only process PID\n"
"  -c, --cgroup=PATH         only tasks in cgroup v2 PATH\n"
"      --no-mmap-lock        do not trace mmap_lock waits and holds\n"
"      --no-anon-vma         do not trace anon_vma chains and rmap walks\n"
"      --no-latency          count faults without timing them\n"
"      --ringbuf-size=N      ring buffers' size (default 1M; nothing is streamed)\n"
"      --by cgroup           a cgroup label on the fault, retry and mmap_lock\n"
"                            series: each task's cgroup v2, or its ancestor at\n"
"      --cgroup-depth=N      N levels below the root (system.slice/x.service\n"
"                            is at 2; either option implies --by cgroup)\n"
"      --max-cgroups=N       at most N cgroups (default 64), the rest summed in\n"
"                            cgroup=\"other\" (mmretry_cgroups_folded says how\n"
"                            many)\n"
"      --cgroup-tree=PATH[,PATH...]\n"
"                            by cgroup, each task in the deepest of these\n"
"                            cgroups it is in, the others in cgroup=\"/\"\n"
"                            (repeatable; not with --cgroup-depth)\n"
"  -u, --user=USER           run as USER (a name, or UID[:GID]) once the\n"
"                            programs are attached\n"
"  -q, --quiet               do not say when tracing has started\n"
"  -v, --verbose             say more\n"
"  -h, --help                this text\n";

/* descriptors open now, or -1 if /proc cannot say */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* opendir's own */
}

/*
 * The connections the daemon may take within RLIMIT_NOFILE: the descriptors
 * open now (the BPF maps, programs and links), one per connection and
 * EXPORT_FD_SPARE. A soft limit short of that is raised as far as it takes,
 * up to the hard limit (no privilege needed; a shell's 1024 suffices, but a
 * unit or a container may set less); where the hard limit is short too, the
 * daemon takes fewer connections, and says so.
 */
static unsigned int fd_budget(unsigned int want)
{
	struct rlimit rl;
	rlim_t need, have;
	int n = open_fds();

	if (n < 0 || getrlimit(RLIMIT_NOFILE, &rl))
		return want;
	need = (rlim_t)n + want + EXPORT_FD_SPARE;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			rl.rlim_cur = was;
		else
			mmr_debug("open-file limit raised from %llu to %llu (%d open, %u connections)",
				  (unsigned long long)was, (unsigned long long)rl.rlim_cur, n, want);
	}
	have = rl.rlim_cur;
	if (have == RLIM_INFINITY || have >= need)
		return want;
	want = have > (rlim_t)n + EXPORT_FD_SPARE ? (unsigned int)(have - n - EXPORT_FD_SPARE) : 1;
	mmr_warn("open-file limit %llu (hard %llu) leaves room for %u connections",
		 (unsigned long long)have, (unsigned long long)rl.rlim_max, want);
	return want;
}

/*
 * The one line saying the exporter serves (bcc's tools say "Tracing...
 * Hit Ctrl-C to end."), on stderr once the programs are attached, the
 * daemon listens and root is dropped. The one place a quiet option (the
 * trace group's -q) silences it.
 */
static void say_serving(const struct export_opts *o, const struct sockaddr_in *sa,
			const char *mode)
{
	char addr[INET_ADDRSTRLEN] = "?";

	if (o->t.quiet)
		return;
	inet_ntop(AF_INET, &sa->sin_addr, addr, sizeof(addr));
	fprintf(stderr, "mmretry export: serving metrics on http://%s:%u/metrics (%s%s mode); "
		"Ctrl-C or SIGTERM ends\n", addr, ntohs(sa->sin_port),
		sa->sin_addr.s_addr == htonl(INADDR_ANY) ? "every address, " : "", mode);
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

static int export_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct export_opts *o = p;
	struct sockaddr_in sa;
	int ret = by_cgroup_opt(&o->bc, c, arg, "export", err, errlen);

	if (ret)
		return ret;
	switch (c) {
	case 'l':
		if (listen_parse(arg, &sa))
			return usage_err(err, errlen, "export: invalid --listen '%s' (e.g. "
					 "127.0.0.1:9862 or :9862)", arg);
		o->listen = arg;
		return 1;
	case 'u':
		o->user = arg;
		return 1;
	case 'v':
		o->verbose++;
		return 1;
	}
	return 0;
}

/* the options getopt_long() takes; main.c lists them for completion */
const struct option export_longopts[] = {
	TRACE_LONGOPTS_TARGET,
	{ "listen", required_argument, NULL, 'l' },
	{ "user", required_argument, NULL, 'u' },
	BY_CGROUP_LONGOPTS,
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int export_opts_parse(int argc, char **argv, struct export_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "export", .shortopts = TRACE_SHORT_TARGET "l:u:vh", .longopts = export_longopts,
		.t = &o->t, .own = export_opt, .o = o,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	trace_opts_init(&o->t);
	o->t.light = true;	/* always on: the light mode unless --mode */
	o->listen = "127.0.0.1:9862";
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (ret)
		return ret;
	by_cgroup_end(&o->bc);
	return trace_opts_end(&o->t, TG_TARGET, "export", argc, argv, err, errlen);
}

int cmd_export(int argc, char **argv)
{
	struct exporter ex = { .mu = PTHREAD_MUTEX_INITIALIZER };
	/* maps only: no event is streamed; it says where it serves itself */
	struct engine_sink sink = { .own_banner = true };
	struct export_opts o;
	struct sockaddr_in sa;
	struct MHD_Daemon *d = NULL;
	char err[512];
	int ret, rc = EXIT_CANNOT_TRACE;

	ret = export_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, export_usage, err);
	mmr_verbose = o.verbose;
	listen_parse(o.listen, &sa);
	if (o.user) {
		uid_t uid;
		gid_t gid;

		if (user_ids(o.user, &uid, &gid)) {
			mmr_err("no user '%s' (a name, or UID[:GID])", o.user);
			return EXIT_USAGE;
		}
	}
	if (o.bc.on) {
		sink.per_process = sink.rows_by_cgroup = true;
		sink.cgroup_level = o.bc.depth;
		sink.max_cgroups = o.bc.max;
		sink.cgroup_trees = &o.bc.trees;
		ex.cg.wanted = true;
		ex.cg.depth = o.bc.depth;
		ex.cg.trees = &o.bc.trees;
		ex.cg.max = o.bc.max;
		ex.cgnames = cgpaths_open();
	}
	engine_signals(false);
	ret = engine_run(&ex.e, &o.t, &sink);
	if (ret) {
		rc = ret == -EINVAL ? EXIT_USAGE : EXIT_CANNOT_TRACE;
		goto out;
	}
	ex.lt = engine_lock(ex.e);
	ex.at = engine_anon(ex.e);
	/* Attached: scrapes only read maps through their fds. Naming rmap
	 * walkers needs kallsyms' addresses (CAP_SYSLOG), so read it now; then
	 * keep only what listening and --user need, before MHD's thread starts
	 * (capabilities are per thread) */
	if (ex.at)
		engine_ksyms(ex.e);
	ret = caps_keep_only(1ULL << CAP_NET_BIND_SERVICE |
			     (o.user ? 1ULL << CAP_SETUID | 1ULL << CAP_SETGID : 0));
	if (ret) {
		mmr_err("cannot drop capabilities: %s", strerror(-ret));
		goto out;
	}
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, 0, NULL, NULL,
			     &on_request, &ex,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_CONNECTION_LIMIT, fd_budget(EXPORT_MAX_CONNECTIONS),
			     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)EXPORT_PER_IP,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)EXPORT_TIMEOUT_S,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)EXPORT_CONN_MEMORY,
			     MHD_OPTION_END);
	if (!d) {
		mmr_err("cannot listen on %s: %s", o.listen, strerror(errno));
		goto out;
	}
	if (o.user && (ret = drop_to(o.user))) {
		mmr_err("cannot become '%s': %s", o.user, strerror(-ret));
		goto out;
	}
	say_serving(&o, &sa, mode_name(engine_fault_mode(ex.e)));
	/* nothing is streamed: the scrapes read the maps */
	while (!engine_stopping())
		usleep(100000);
	rc = EXIT_OK;
out:
	if (d)
		MHD_stop_daemon(d);
	engine_finish(ex.e);
	report_cgroups_free(&ex.cg);
	cgpaths_free(ex.cgnames);
	return rc;
}
