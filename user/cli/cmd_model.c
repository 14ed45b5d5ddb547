// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_model.c: `mmretry model list | run | compare`: the reference fault
 * path (user/model/) run from the command line, its figures written as a
 * stat report (the same JSON schema), so check and compare read it as
 * they read a live run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "model/model.h"
#include "cli/options.h"
#include "record/replay_load.h"
#include "report/render.h"
#include "report/report.h"
#include "lib/util.h"

static void list(void)
{
	size_t i;
	int p;

	printf("scenarios:\n");
	for (i = 0; i < model_scenario_count(); i++) {
		const struct model_scenario *s = model_scenario_at(i);

		printf("  %-14s %s\n  %-14s (%s)\n", s->name, s->summary, "", s->source);
	}
	printf("\npolicies (kernel eras):\n");
	for (p = 0; p < MODEL_NR_POLICIES; p++) {
		const struct model_policy_info *pi = model_policy_info(p);

		printf("  %-14s %s\n  %-14s source: %s\n", pi->name, pi->summary, "", pi->source);
	}
}

/* a run's fault latency: timed on the simulated clock where its scenario
 * models faults; a recording's is not timed */
static void latency_of(struct report_latency *x, const struct model_result *res)
{
	memset(x, 0, sizeof(*x));
	x->traced = res->timed && !res->no_faults;
	x->why = res->no_faults ? "not in this scenario" : NULL;
	x->lock_wait = x->traced;	/* the re-take's wait, from the simulated rwsem */
	x->lock_why = x->why;
	x->l = res->latency;
}

/* the latency table of runs res[0..n), named names[0..n) */
static void print_latency(FILE *out, const char *const *names, const struct model_result *res,
			  size_t n)
{
	struct report_latency *x = calloc(n, sizeof(*x));

	if (!x) {
		fprintf(out, "\nfault latency: out of memory\n");
		return;
	}
	for (size_t i = 0; i < n; i++)
		latency_of(&x[i], &res[i]);
	report_print_latency_by(out, names, x, n);
	free(x);
}

/* a model run as a stat report (report_free() it) */
static void to_report(struct report *r, const struct model_opts *o, const char *policy,
		      const struct model_result *res)
{
	uint8_t states[FF_NR];
	struct lock_row *row = res->locks ? calloc(1, sizeof(*row)) : NULL;

	report_init(r);
	r->target = TARGET_MODEL;
	r->model.scenario = o->scenario;
	r->model.policy = policy;
	r->model.seed = o->seed;
	r->model.scale = o->scale;
	r->duration_s = res->sim_ns / 1e9;
	/* the model sees every figure, exactly, where its scenario models them */
	memset(states, res->no_faults ? VAL_NA : VAL_EXACT, sizeof(states));
	report_set_faults(r, &res->faults, states);
	latency_of(&r->latency, res);
	r->lock.traced = res->locks;
	r->lock.min_hold_ns = UINT64_MAX;	/* no holds streamed */
	if (!res->locks)
		report_note(r, "mmap_lock: not in this scenario");
	if (row) {
		snprintf(row->comm, sizeof(row->comm), "model");
		row->mode[0] = res->lock[0];
		row->mode[1] = res->lock[1];
		report_set_lock_rows(&r->lock, row, 1);
	}
	if (res->anon) {
		struct av_row *av = calloc(1, sizeof(*av));
		struct av_walker *w = res->nwalkers ? calloc(res->nwalkers, sizeof(*w)) : NULL;

		r->anon.traced = true;
		r->anon.min_chain = UINT32_MAX;		/* nothing streamed */
		r->anon.min_fanout = UINT32_MAX;
		if (av) {
			snprintf(av->comm, sizeof(av->comm), "model");
			av->s = res->chain;
			report_set_anon_rows(&r->anon, av, 1);
		}
		if (w) {
			for (int i = 0; i < res->nwalkers; i++) {
				snprintf(w[i].name, sizeof(w[i].name), "%s", res->walkers[i].name);
				w[i].s = res->walkers[i].s;
			}
			report_set_anon_walkers(&r->anon, w, res->nwalkers);
		}
		return;
	}
	snprintf(r->anon.why, sizeof(r->anon.why), "not in this scenario");
	report_note(r, "anon_vma: not in this scenario");
}

/* a built-in scenario, or one from a file */
struct scenario {
	const char *name;
	const struct model_scenario *builtin;
	struct model_spec *spec;
};

static int run_one(const struct model_opts *o, const struct scenario *sc,
		   enum model_policy p, struct model_result *res)
{
	int err = sc->builtin ? model_scenario_run(sc->builtin, p, o->seed, o->scale, res) :
		  model_spec_run(sc->spec, p, o->seed, o->scale, res);

	if (err)
		mmr_err("model %s under %s: %s", sc->name, model_policy_info(p)->name,
			err == -EDEADLK ? "a simulated thread never woke (a model bug)" :
			strerror(-err));
	return err;
}

static int cmd_run(const struct model_opts *o, const struct scenario *sc, FILE *out)
{
	struct model_result res;
	struct report r;
	int ret;

	if (run_one(o, sc, o->policy, &res))
		return EXIT_CANNOT_TRACE;
	to_report(&r, o, model_policy_info(o->policy)->name, &res);
	ret = 0;
	if (o->json)
		ret = report_print_json(out, &r);
	else
		report_print_text(out, &r);
	report_free(&r);
	return ret ? EXIT_CANNOT_TRACE : EXIT_OK;
}

/* the rows a reader compares eras by, for results res[0..n) */
static void print_rows(FILE *out, const struct model_result *res, size_t n)
{
	size_t i;
	int k;

#define ROWS(label, fmt, expr)							\
	do {									\
		fprintf(out, "  %-26s", label);					\
		for (i = 0; i < n; i++) {					\
			const struct model_result *x = &res[i];			\
			fprintf(out, " %14" fmt, expr);				\
		}								\
		fputc('\n', out);						\
	} while (0)
	ROWS("faults", "llu", (unsigned long long)x->faults.faults);
	ROWS("attempts", "llu", (unsigned long long)x->faults.attempts);
	ROWS("retries", "llu", (unsigned long long)x->faults.retries);
	for (k = 0; k < MMR_NR_REASONS; k++) {
		char label[40];
		bool any = false;

		for (i = 0; i < n; i++)
			any |= res[i].faults.reasons[k] != 0;
		if (!any)
			continue;
		snprintf(label, sizeof(label), "  %s", reason_names[k]);
		ROWS(label, "llu", (unsigned long long)x->faults.reasons[k]);
	}
	ROWS("completed", "llu", (unsigned long long)x->faults.completed);
	ROWS("major", "llu", (unsigned long long)x->faults.major);
	ROWS("vma-lock attempts", "llu", (unsigned long long)x->faults.vma_lock_attempts);
	ROWS("mmap_lock read acq.", "llu", (unsigned long long)x->lock[0].acquisitions);
	ROWS("mmap_lock write acq.", "llu", (unsigned long long)x->lock[1].acquisitions);
	ROWS("write wait mean (us)", ".2f", x->lock[1].wait.count ?
	     x->lock[1].wait.sum_ns / 1e3 / x->lock[1].wait.count : 0.0);
	ROWS("write wait max (us)", ".2f", x->lock[1].wait.max_ns / 1e3);
	ROWS("read wait max (us)", ".2f", x->lock[0].wait.max_ns / 1e3);
	ROWS("read hold max (us)", ".2f", x->lock[0].hold.max_ns / 1e3);
	ROWS("write hold max (us)", ".2f", x->lock[1].hold.max_ns / 1e3);
#undef ROWS
}

/* the policies side by side: the figures a reader compares eras by */
static int cmd_compare_policies(const struct model_opts *o, const struct scenario *sc,
				FILE *out)
{
	struct model_result res[MODEL_NR_POLICIES];
	json_t *arr = o->json ? json_array() : NULL;
	size_t i;

	for (i = 0; i < o->npolicies; i++)
		if (run_one(o, sc, o->policies[i], &res[i]))
			return EXIT_CANNOT_TRACE;
	if (o->json) {
		for (i = 0; i < o->npolicies; i++) {
			struct report r;

			to_report(&r, o, model_policy_info(o->policies[i])->name, &res[i]);
			json_array_append_new(arr, report_to_json(&r));
			report_free(&r);
		}
		i = json_dumpf(arr, out, JSON_INDENT(2)) || fputc('\n', out) == EOF;
		json_decref(arr);
		return i ? EXIT_CANNOT_TRACE : EXIT_OK;
	}
	fprintf(out, "mmretry model compare: %s (seed %llu, scale %g)\n\n  %-26s", sc->name,
		(unsigned long long)o->seed, o->scale, "");
	for (i = 0; i < o->npolicies; i++)
		fprintf(out, " %14s", model_policy_info(o->policies[i])->name);
	fputc('\n', out);
#define ROW(label, fmt, expr)							\
	do {									\
		fprintf(out, "  %-26s", label);					\
		for (i = 0; i < o->npolicies; i++) {				\
			const struct model_result *x = &res[i];			\
			fprintf(out, " %14" fmt, expr);				\
		}								\
		fputc('\n', out);						\
	} while (0)
	ROW("simulated time (ms)", ".3f", x->sim_ns / 1e6);
	print_rows(out, res, o->npolicies);
	ROW("errors (VM_FAULT_ERROR)", "llu", (unsigned long long)x->faults.errors);
	ROW("SIGSEGV before a fault", "llu", (unsigned long long)x->bad_area);
	ROW("speculative aborts", "llu", (unsigned long long)x->speculative_aborts);
	ROW("PTEs into unmapped VMAs", "llu", (unsigned long long)x->unsafe_unmapped);
	ROW("PTEs into read-only VMAs", "llu", (unsigned long long)x->unsafe_readonly);
	ROW("continued after I/O", "llu", (unsigned long long)x->continued);
	ROW("userfaultfd served", "llu", (unsigned long long)x->uffd_served);
	ROW("dirty throttling sleeps", "llu", (unsigned long long)x->dirty_pauses);
	ROW("kernel-mode faults", "llu", (unsigned long long)x->faults.kernel_faults);
	ROW("faulting threads (ms)", ".3f", x->thread_ns[0] / 1e6);
	if (res[0].anon) {
		ROW("anon chain length max", "llu", (unsigned long long)x->chain.length.max_ns);
		ROW("rmap walks", "llu", (unsigned long long)x->walk.walks);
		ROW("VMAs per walk (mean)", ".3f", x->walk.walks ?
		    (double)x->walk.vmas.sum_ns / x->walk.walks : 0.0);
		ROW("VMAs per walk (max)", "llu", (unsigned long long)x->walk.vmas.max_ns);
	}
#undef ROW
	{
		const char *names[MODEL_NR_POLICIES];

		for (i = 0; i < o->npolicies; i++)
			names[i] = model_policy_info(o->policies[i])->name;
		print_latency(out, names, res, o->npolicies);
	}
	return EXIT_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * How fast the model runs: o->rounds runs, each timed on this thread's CPU
 * clock (one core, whatever else the machine runs), the median reported.
 */
static int cmd_bench(const struct model_opts *o, const struct scenario *sc, FILE *out)
{
	uint64_t *ns = calloc(o->rounds, sizeof(*ns)), med;
	struct model_result res;
	unsigned int i;
	uint64_t t0;

	if (!ns) {
		mmr_err("out of memory");
		return EXIT_CANNOT_TRACE;
	}
	for (i = 0; i < o->rounds; i++) {
		t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		if (run_one(o, sc, o->policy, &res)) {
			free(ns);
			return EXIT_CANNOT_TRACE;
		}
		ns[i] = clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
	}
	qsort(ns, o->rounds, sizeof(*ns), cmp_u64);
	med = ns[(o->rounds - 1) / 2] ? ns[(o->rounds - 1) / 2] : 1;
	if (o->json)
		fprintf(out, "{\"scenario\":\"%s\",\"policy\":\"%s\",\"scale\":%g,\"rounds\":%u,"
			"\"attempts\":%llu,\"events\":%llu,\"median_cpu_ns\":%llu,"
			"\"attempts_per_s\":%.0f}\n", sc->name, model_policy_info(o->policy)->name,
			o->scale, o->rounds, (unsigned long long)res.faults.attempts,
			(unsigned long long)res.events, (unsigned long long)med,
			res.faults.attempts * 1e9 / med);
	else
		fprintf(out, "%s under %s, scale %g: %llu handle_mm_fault calls, %llu scheduler "
			"events; median of %u runs %.3f ms of CPU: %.2f million calls/s\n",
			sc->name, model_policy_info(o->policy)->name, o->scale,
			(unsigned long long)res.faults.attempts, (unsigned long long)res.events,
			o->rounds, med / 1e6, res.faults.attempts * 1e3 / med);
	free(ns);
	return EXIT_OK;
}

/*
 * A recording's process replayed under each policy, beside what it
 * recorded (the first column): what another kernel era would have done.
 */
static int cmd_replay(const struct model_opts *o, FILE *out)
{
	struct model_result *res = calloc(o->npolicies + 1, sizeof(*res));
	struct model_workload w;
	struct replay_info info;
	enum model_policy era;
	size_t i, nfaults = 0;
	int rc = EXIT_CANNOT_TRACE, err;

	if (!res) {
		mmr_err("out of memory");
		return rc;
	}
	if (replay_load(o->scenario, o->pid, &w, &info)) {
		free(res);
		return EXIT_USAGE;
	}
	res[0] = info.recorded;
	for (i = 0; i < o->npolicies; i++) {
		err = model_replay(&w, o->policies[i], &res[i + 1]);
		if (err) {
			mmr_err("model replay under %s: %s", model_policy_info(o->policies[i])->name,
				err == -EDEADLK ? "a simulated thread never woke (a model bug)" :
				err == -EINVAL ? "the recorded address space does not lay out" :
				err == -E2BIG ? "more than the model lays out (64 GiB mapped, 4096 "
				"threads, 2048 VMAs)" :
				strerror(-err));
			goto out;
		}
	}
	for (i = 0; i < w.nthreads; i++)
		for (size_t k = 0; k < w.threads[i].nacts; k++)
			nfaults += w.threads[i].acts[k].kind == WL_FAULT;
	if (o->json) {
		json_t *doc = json_object(), *arr = json_array();
		struct model_opts ro = *o;
		struct report r;

		json_object_set_new(doc, "recording", json_string(o->scenario));
		json_object_set_new(doc, "pid", json_integer(info.pid));
		json_object_set_new(doc, "comm", json_bytes(info.comm));
		json_object_set_new(doc, "kernel", json_string(info.kernel));
		json_object_set_new(doc, "era", model_policy_for_release(info.kernel, &era) ? json_null() :
				    json_string(model_policy_info(era)->name));
		json_object_set_new(doc, "threads", json_integer(w.nthreads));
		json_object_set_new(doc, "faults", json_integer(nfaults));
		ro.scenario = o->scenario;
		to_report(&r, &ro, "recorded", &res[0]);
		json_object_set_new(doc, "recorded", report_to_json(&r));
		report_free(&r);
		for (i = 0; i < o->npolicies; i++) {
			json_t *one = json_object();

			to_report(&r, &ro, model_policy_info(o->policies[i])->name, &res[i + 1]);
			json_object_set_new(one, "policy",
					    json_string(model_policy_info(o->policies[i])->name));
			json_object_set_new(one, "report", report_to_json(&r));
			report_free(&r);
			json_array_append_new(arr, one);
		}
		json_object_set_new(doc, "replays", arr);
		err = json_dumpf(doc, out, JSON_INDENT(2)) || fputc('\n', out) == EOF;
		json_decref(doc);
		rc = err ? EXIT_CANNOT_TRACE : EXIT_OK;
		goto out;
	}
	fprintf(out, "mmretry model replay: %s\n  process %u (%s): %zu threads, %zu faults, "
		"recorded on %s", o->scenario, info.pid, info.comm[0] ? info.comm : "?",
		w.nthreads, nfaults, info.kernel[0] ? info.kernel : "an unknown kernel");
	if (!model_policy_for_release(info.kernel, &era))
		fprintf(out, " (era %s)", model_policy_info(era)->name);
	fputc('\n', out);
	if (info.other_attempts)
		fprintf(out, "  other processes' %llu fault attempts are not replayed (--pid "
			"chooses)\n", (unsigned long long)info.other_attempts);
	if (info.skipped_calls)
		fprintf(out, "  %llu mremap() and brk() calls are not replayed\n",
			(unsigned long long)info.skipped_calls);
	fprintf(out, "\n  %-26s %14s", "", "recorded");
	for (i = 0; i < o->npolicies; i++)
		fprintf(out, " %14s", model_policy_info(o->policies[i])->name);
	fputc('\n', out);
	print_rows(out, res, o->npolicies + 1);
	{
		const char *names[MODEL_NR_POLICIES + 1] = { "recorded" };

		for (i = 0; i < o->npolicies; i++)
			names[i + 1] = model_policy_info(o->policies[i])->name;
		print_latency(out, names, res, o->npolicies + 1);
	}
	rc = EXIT_OK;
out:
	replay_free(&w);
	free(res);
	return rc;
}

/* a scenario file: 0 and *spec (free() it), or -1 with the error said */
static int load_spec(const char *path, struct model_spec **spec)
{
	char *buf, err[512];
	size_t len;
	int ret = -1;

	buf = read_file(path, 1u << 20, &len);
	if (!buf) {
		if (errno == EFBIG)
			mmr_err("model: scenario '%s': too large (1 MiB at most)", path);
		else
			mmr_err("model: cannot read scenario '%s': %s", path, strerror(errno));
		return -1;
	}
	*spec = malloc(sizeof(**spec));
	if (!*spec) {
		mmr_err("out of memory");
		goto out;
	}
	if (model_spec_parse(buf, len, path, *spec, err, sizeof(err))) {
		mmr_err("%s", err);
		free(*spec);
		*spec = NULL;
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

static const char model_usage[] =
"usage: mmretry model list\n"
"       mmretry model run SCENARIO [--policy P] [--seed N] [--scale X] [--json]\n"
"                             [-o FILE]\n"
"       mmretry model compare SCENARIO [--policies P,P,...] [--seed N]\n"
"                             [--scale X] [--json] [-o FILE]\n"
"       mmretry model bench SCENARIO [--policy P] [--seed N] [--scale X]\n"
"                             [--rounds N]\n"
"       mmretry model replay RECORDING [--policies P,P,...] [--pid PID] [--json]\n"
"                             [-o FILE]\n"
"\n"
"The reference fault path (docs/model.md): a deterministic model of the\n"
"kernel's page-fault path and mmap_lock, run over a scenario under a kernel\n"
"era's retry policy. No root, no kernel: a CI check can run it anywhere.\n"
"\n"
"  list                  the scenarios and the policies, with their sources\n"
"  run                   one run, reported as `mmretry stat` reports (--json:\n"
"                        the same schema, for check and compare); fault\n"
"                        latency on the simulated clock\n"
"  compare               the policies side by side (default: all of them),\n"
"                        ending with each one's fault latency\n"
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
"      --scale=X         the scenario's size, as a fraction of full size\n"
"                        (default 1)\n"
"      --rounds=N        for bench (default 5, at most 1000)\n"
"      --pid=PID         for replay: the process (default: the one with the most\n"
"                        fault attempts)\n"
"  -j, --json            print JSON\n"
"  -o, --output=FILE     write to FILE instead of stdout\n"
"  -h, --help            this text\n";

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

enum { OPT_POLICY = OPT_OWN, OPT_POLICIES, OPT_SEED, OPT_SCALE, OPT_ROUNDS, OPT_PID };

static int model_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct model_opts *o = p;
	char *end;

	errno = 0;
	switch (c) {
	case OPT_POLICY:
		o->policy_auto = !strcmp(arg, "auto");
		if (!o->policy_auto && model_policy_parse(arg, &o->policy))
			return usage_err(err, errlen, "model: no policy '%s' (`mmretry model list`)",
					 arg);
		o->policy_given = true;
		return 1;
	case OPT_POLICIES:
		return parse_policies(arg, o, err, errlen) ? -EINVAL : 1;
	case OPT_SEED:
		o->seed = strtoull(arg, &end, 0);
		if (errno || end == arg || *end || *arg == '-')
			return usage_err(err, errlen, "model: invalid --seed '%s'", arg);
		return 1;
	case OPT_SCALE:
		o->scale = strtod(arg, &end);
		if (errno || end == arg || *end || !(o->scale > 0 && o->scale <= 16))
			return usage_err(err, errlen, "model: invalid --scale '%s' (0 < X <= 16)", arg);
		return 1;
	case OPT_ROUNDS:
		o->rounds = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || *arg == '-' || !o->rounds || o->rounds > 1000)
			return usage_err(err, errlen, "model: invalid --rounds '%s' (1 to 1000)", arg);
		return 1;
	case OPT_PID:
		o->pid = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || *arg == '-' || !o->pid)
			return usage_err(err, errlen, "model: invalid --pid '%s'", arg);
		return 1;
	case 'j':
		o->json = true;
		return 1;
	case 'o':
		o->output = arg;
		return 1;
	}
	return 0;
}

/* the subcommands by enum model_what, as the usage lists them */
const char *const model_subcommands[] = {
	[MODEL_LIST] = "list", [MODEL_RUN] = "run", [MODEL_COMPARE] = "compare",
	[MODEL_BENCH] = "bench", [MODEL_REPLAY] = "replay", [MODEL_REPLAY + 1] = NULL,
};

/* the options getopt_long() takes; main.c lists them for completion */
const struct option model_longopts[] = {
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

int model_opts_parse(int argc, char **argv, struct model_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "model", .shortopts = "jo:h", .longopts = model_longopts, .own = model_opt,
		.o = o, .anywhere = true,
	};
	size_t k;
	int i, ret;

	memset(o, 0, sizeof(*o));
	o->policy = POLICY_PER_VMA;
	o->seed = 1;
	o->scale = 1;
	o->rounds = 5;
	for (i = 0; i < MODEL_NR_POLICIES; i++)
		o->policies[i] = i;
	o->npolicies = MODEL_NR_POLICIES;
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (ret)
		return ret;
	if (optind >= argc)
		return usage_err(err, errlen, "model: say list, run SCENARIO, compare SCENARIO or bench "
				 "SCENARIO%s", "");
	for (k = 0; model_subcommands[k] && strcmp(argv[optind], model_subcommands[k]); k++)
		;
	if (!model_subcommands[k])
		return usage_err(err, errlen, "model: no subcommand '%s' (list, run, compare, bench, "
				 "replay)", argv[optind]);
	o->what = (enum model_what)k;
	if (o->what == MODEL_LIST)
		return optind + 1 < argc ? usage_err(err, errlen, "model: list takes no argument "
						     "('%s')", argv[optind + 1]) : 0;
	if (optind + 1 >= argc)
		return usage_err(err, errlen, "model: %s needs a SCENARIO (`mmretry model list`)",
				 argv[optind]);
	if (optind + 2 < argc)
		return usage_err(err, errlen, "model: unexpected argument '%s'", argv[optind + 2]);
	o->scenario = argv[optind + 1];
	if ((o->what == MODEL_COMPARE || o->what == MODEL_REPLAY) && o->policy_given)
		return usage_err(err, errlen, "model: %s takes --policies, not --policy",
				 argv[optind]);
	if (o->pid && o->what != MODEL_REPLAY)
		return usage_err(err, errlen, "model: --pid is for replay%s", "");
	if (o->what == MODEL_REPLAY && o->output && same_file(o->output, o->scenario))
		return usage_err(err, errlen, "model: -o '%s' is the recording it reads",
				 o->output);
	return 0;
}

int cmd_model(int argc, char **argv)
{
	struct scenario sc = { 0 };
	struct model_opts o;
	char err[512];
	int ret, rc;
	FILE *out = stdout;

	ret = model_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret)
		return opts_exit(ret, model_usage, err);
	if (o.what == MODEL_LIST) {
		list();
		return EXIT_OK;
	}
	if (o.policy_auto) {
		struct utsname u;

		if (uname(&u) || model_policy_for_release(u.release, &o.policy)) {
			mmr_err("model: --policy auto: cannot tell the era of kernel '%s'", u.release);
			return EXIT_USAGE;
		}
	}
	if (o.what == MODEL_REPLAY) {
		if (o.output && !(out = fopen(o.output, "w"))) {
			mmr_err("cannot write '%s': %s", o.output, strerror(errno));
			return EXIT_CANNOT_TRACE;
		}
		rc = cmd_replay(&o, out);
		if (fflush(out) || ferror(out)) {
			mmr_err("cannot write '%s': %s", o.output ? o.output : "stdout",
				strerror(errno));
			rc = EXIT_CANNOT_TRACE;
		}
		if (out != stdout)
			fclose(out);
		return rc;
	}
	sc.name = o.scenario;
	sc.builtin = model_scenario_find(o.scenario);
	if (!sc.builtin && !strchr(o.scenario, '/') && access(o.scenario, F_OK)) {
		mmr_err("model: no scenario '%s' (`mmretry model list` lists them; a file "
			"names one too)", o.scenario);
		return EXIT_USAGE;
	}
	if (!sc.builtin && load_spec(o.scenario, &sc.spec))
		return EXIT_USAGE;
	if (o.output && !(out = fopen(o.output, "w"))) {
		mmr_err("cannot write '%s': %s", o.output, strerror(errno));
		return EXIT_CANNOT_TRACE;
	}
	rc = o.what == MODEL_RUN ? cmd_run(&o, &sc, out) :
	     o.what == MODEL_BENCH ? cmd_bench(&o, &sc, out) : cmd_compare_policies(&o, &sc, out);
	if (fflush(out) || ferror(out)) {
		mmr_err("cannot write '%s': %s", o.output ? o.output : "stdout", strerror(errno));
		rc = EXIT_CANNOT_TRACE;
	}
	if (out != stdout)
		fclose(out);
	free(sc.spec);
	return rc;
}
