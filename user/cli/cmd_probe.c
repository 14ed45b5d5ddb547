// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* mmretry probe: what this kernel offers and the mode each capability uses. */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli/commands.h"
#include "trace/kfeatures.h"
#include "cli/options.h"
#include "trace/plan.h"
#include "lib/util.h"

static json_t *tri_json(enum probed t)
{
	return t == PROBE_UNTESTED ? json_null() : json_boolean(t == PROBE_YES);
}

/* the mode anon_vma would use (that of faults), or NULL with why filled */
/* anon_vma along the faults' first mode: its mode, or NULL and why */
static const char *anon_mode(const struct plan *p, int plan_err, const char **why)
{
	enum mmr_mode m = plan_err ? MMR_MODE_NONE : p->faults.modes[0];

	*why = plan_err ? "faults cannot be traced" : p->anon.why[m];
	return !plan_err && p->anon.on[m] ? mode_name(m) : NULL;
}

static void print_text(const struct features *f, const struct plan *p, int plan_err,
		       const char *err, enum mmr_mode light)
{
	int i, m;

	printf("kernel          %s\n", f->release);
	printf("btf             %s\n", f->btf ? "yes" : "no");
	printf("lockdown        %s\n", f->lockdown[0] ? f->lockdown : "unknown");
	printf("preemption      %s%s%s%s\n", f->preempt[0] ? f->preempt : "unknown",
	       f->preempt_from[0] ? " (" : "", f->preempt_from, f->preempt_from[0] ? ")" : "");
	printf("fentry/fexit    %s\n", f->fentry == PROBE_YES ? "yes" :
	       probe_refusal(f->fentry, f->fentry_err, false));
	printf("kprobes         %s\n", f->kprobe == PROBE_YES ? "yes" :
	       probe_refusal(f->kprobe, f->kprobe_err, true));
	printf("tp_btf          %s\n", f->tp_btf == PROBE_YES ? "yes" :
	       probe_refusal(f->tp_btf, f->tp_btf_err, false));
	printf("ring buffer     %s\n", f->tp_btf == PROBE_UNTESTED ? "untested" :
	       f->ringbuf ? "yes" : "no");
	printf("task storage    %s\n", f->tp_btf == PROBE_UNTESTED ? "untested" :
	       f->task_storage ? "yes" : "no");
	printf("per-VMA locks   %s\n", f->per_vma_locks ? "yes" : "no");
	printf("mmap_lock tp    %s\n", !f->tp[TP_MMAP_LOCK_START_LOCKING] ? "missing" :
	       f->mmap_lock_memcg_path ? "(mm, memcg_path, write) before 6.14" :
	       "(mm, write) since 6.14");

	printf("\ntracepoints\n");
	for (i = 0; i < NR_TPS; i++)
		printf("  %-34s %s\n", mmr_tp_names[i], f->tp[i] ? "yes" : "no");
	printf("\nfunctions                            BTF  kallsyms\n");
	for (i = 0; i < NR_FNS; i++)
		printf("  %-34s %-4s %s\n", mmr_fn_names[i], f->fn_btf[i] ? "yes" : "no",
		       f->fn_ksym[i] ? "yes" : "no");

	printf("\ncapability  mode\n");
	if (plan_err)
		printf("  faults    none: %s\n", err);
	else
		printf("  faults    %s; export and top: %s\n", mode_name(p->faults.modes[0]),
		       mode_name(light));
	printf("  mmap_lock %s\n", p->lock.on ? "tracepoint" : p->lock.why);
	{
		const char *why, *am = anon_mode(p, plan_err, &why);

		printf("  anon_vma  %s\n", am ? am : why);
	}
	printf("\nfaults modes\n");
	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++)
		printf("  %-11s %s\n", mode_name(m), p->faults.why[m]);
	/* fentry/fexit programs are preemptible everywhere the model is */
	printf("  %-11s %s\n", "guards", p->faults.guard_why);
	printf("  %-11s %s\n", "order", p->faults.order_why);
}

static int print_json(const struct features *f, const struct plan *p, int plan_err,
		      const char *err, enum mmr_mode light)
{
	json_t *root = json_object(), *tps = json_object(), *fns = json_object();
	json_t *caps = json_object(), *fmodes = json_object(), *fc = json_object(), *lc;
	int i, m, rc;

	json_object_set_new(root, "schema", json_string("mmretry.probe/1"));
	json_object_set_new(root, "kernel", json_string(f->release));
	json_object_set_new(root, "btf", json_boolean(f->btf));
	json_object_set_new(root, "lockdown", f->lockdown[0] ? json_string(f->lockdown)
							     : json_null());
	json_object_set_new(root, "fentry", tri_json(f->fentry));
	json_object_set_new(root, "kprobe", tri_json(f->kprobe));
	json_object_set_new(root, "tp_btf", tri_json(f->tp_btf));
	json_object_set_new(root, "ringbuf", f->tp_btf == PROBE_UNTESTED ? json_null() :
			    json_boolean(f->ringbuf));
	json_object_set_new(root, "task_storage", f->tp_btf == PROBE_UNTESTED ? json_null() :
			    json_boolean(f->task_storage));
	json_object_set_new(root, "preemption", f->preempt[0] ? json_string(f->preempt)
							      : json_null());
	json_object_set_new(root, "preemption_from", f->preempt_from[0] ?
			    json_string(f->preempt_from) : json_null());
	json_object_set_new(root, "preemption_guards", json_boolean(p->faults.guarded));
	json_object_set_new(root, "mode_order", json_string(p->faults.order_why));
	json_object_set_new(root, "per_vma_locks", json_boolean(f->per_vma_locks));
	json_object_set_new(root, "mmap_lock_tracepoint_proto",
			    !f->tp[TP_MMAP_LOCK_START_LOCKING] ? json_null() :
			    json_string(f->mmap_lock_memcg_path ? "memcg_path" : "memcg_id"));
	for (i = 0; i < NR_TPS; i++)
		json_object_set_new(tps, mmr_tp_names[i], json_boolean(f->tp[i]));
	json_object_set_new(root, "tracepoints", tps);
	for (i = 0; i < NR_FNS; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "btf", json_boolean(f->fn_btf[i]));
		json_object_set_new(o, "kallsyms", json_boolean(f->fn_ksym[i]));
		json_object_set_new(fns, mmr_fn_names[i], o);
	}
	json_object_set_new(root, "functions", fns);

	json_object_set_new(fc, "mode", plan_err ? json_null() :
			    json_string(mode_name(p->faults.modes[0])));
	/* export's and top's default: the light order (plan_request.light) */
	json_object_set_new(fc, "light_mode", plan_err ? json_null() :
			    json_string(mode_name(light)));
	if (plan_err)
		json_object_set_new(fc, "error", json_string(err));
	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++) {
		bool ok = false;

		for (i = 0; i < p->faults.nmodes; i++)
			ok |= p->faults.modes[i] == (enum mmr_mode)m;
		json_object_set_new(fmodes, mode_name(m), ok ? json_true() :
				    json_string(p->faults.why[m]));
	}
	json_object_set_new(fc, "modes", fmodes);
	json_object_set_new(caps, "faults", fc);
	lc = json_object();
	json_object_set_new(lc, "mode", p->lock.on ? json_string("tracepoint") : json_null());
	if (!p->lock.on)
		json_object_set_new(lc, "error", json_string(p->lock.why));
	json_object_set_new(caps, "mmap_lock", lc);
	{
		json_t *ac = json_object();
		const char *why, *am = anon_mode(p, plan_err, &why);

		json_object_set_new(ac, "mode", am ? json_string(am) : json_null());
		if (!am)
			json_object_set_new(ac, "error", json_string(why));
		json_object_set_new(caps, "anon_vma", ac);
	}
	json_object_set_new(root, "capabilities", caps);

	rc = json_dumpf(root, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(root);
	return rc ? -1 : 0;
}

static const char probe_usage[] =
"usage: mmretry probe [--json] [-v]\n"
"\n"
"Show what this kernel offers (BTF, fentry/fexit, kprobes, tracepoints, ring\n"
"buffer, lockdown, per-VMA locks) and the mode each capability will use.\n"
"Run it as root: only then can it try to load programs.\n"
"\n"
"  -j, --json     print JSON\n"
"  -v, --verbose  show why a refused program was refused\n"
"  -h, --help     this text\n";

static int probe_opt(void *p, int c, const char *arg, char *err, size_t errlen)
{
	struct probe_opts *o = p;

	switch (c) {
	case 'j':
		o->json = true;
		return 1;
	case 'v':
		o->verbose++;
		return 1;
	}
	return 0;
}

/* the options getopt_long() takes; main.c lists them for completion */
const struct option probe_longopts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

int probe_opts_parse(int argc, char **argv, struct probe_opts *o, char *err, size_t errlen)
{
	const struct opts_spec spec = {
		.cmd = "probe", .shortopts = "jvh", .longopts = probe_longopts, .own = probe_opt, .o = o,
		.anywhere = true,
	};
	int ret;

	memset(o, 0, sizeof(*o));
	ret = opts_parse(&spec, argc, argv, err, errlen);
	if (ret)
		return ret;
	if (optind < argc)
		return usage_err(err, errlen, "probe: unexpected argument '%s'", argv[optind]);
	return 0;
}

int cmd_probe(int argc, char **argv)
{
	struct probe_opts o;
	struct features f;
	enum mmr_mode light = MMR_MODE_NONE;
	struct plan p, lp;
	char err[512] = "";
	int rc, plan_err;

	rc = probe_opts_parse(argc, argv, &o, err, sizeof(err));
	if (rc)
		return opts_exit(rc, probe_usage, err);
	mmr_verbose = o.verbose;
	if (check_bpf_privileges(err, sizeof(err)))
		mmr_warn("probe: not root: what only loading a program tells is untested "
			 "(run as root, or with CAP_BPF and CAP_PERFMON)");
	features_probe(&f, features_every_kind, NULL);	/* every kind: the full report */
	plan_err = plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err,
			     sizeof(err));
	if (!plan_err && !plan_make(&f, &(struct plan_request){ .light = true }, &lp, NULL, 0))
		light = lp.faults.modes[0];
	if (o.json)
		return print_json(&f, &p, plan_err, err, light) ? EXIT_CANNOT_TRACE : EXIT_OK;
	print_text(&f, &p, plan_err, err, light);
	return EXIT_OK;
}
