// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * kfeatures.c: probe what the running kernel offers. This file reads BTF,
 * kallsyms and securityfs, and tries the program kinds its caller asks
 * for one at a time (tp_btf and fentry loaded by hand, kprobes through the
 * probe skeleton); everything it learns goes into struct features.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace/kfeatures.h"
#include "lib/ksyms.h"
#include "probe.skel.h"
#include "lib/util.h"

/* Number of parameters of a FUNC_PROTO behind `type_id` (through typedefs
 * and pointers), or -1. */
static int proto_nparams(const struct btf *btf, __u32 type_id, __u32 *ret_type)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);

	while (t && (btf_is_typedef(t) || btf_is_ptr(t) || btf_is_func(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	if (ret_type)
		*ret_type = t->type;
	return btf_vlen(t);
}

void features_scan_btf(const struct btf *btf, struct features *f)
{
	char name[64];
	__s32 id;
	__u32 ret;
	int i, n;

	for (i = 0; i < NR_FNS; i++)
		f->fn_btf[i] = btf__find_by_name_kind(btf, mmr_fn_names[i], BTF_KIND_FUNC) > 0;
	for (i = 0; i < NR_TPS; i++) {
		snprintf(name, sizeof(name), "btf_trace_%s", mmr_tp_names[i]);
		f->tp[i] = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) > 0;
	}
	f->per_vma_locks = f->fn_btf[FN_LOCK_VMA_UNDER_RCU];

	/* btf_trace_mmap_lock_start_locking is void (*)(void *, mm, [memcg_path,] write):
	 * 6.14 dropped memcg_path (Shakeel Butt, "mm: mmap_lock: optimize
	 * mmap_lock tracepoints") */
	id = btf__find_by_name_kind(btf, "btf_trace_mmap_lock_start_locking", BTF_KIND_TYPEDEF);
	if (id > 0)
		f->mmap_lock_memcg_path = proto_nparams(btf, id, NULL) == 4;

	/* anon_vma_clone(dst, src) gained an enum vma_operation in 7.x */
	id = btf__find_by_name_kind(btf, "anon_vma_clone", BTF_KIND_FUNC);
	f->anon_vma_clone_nparams = id > 0 ? proto_nparams(btf, id, NULL) : 0;

	/* bool __folio_lock_or_retry(folio, mm, flags) in 6.1;
	 * vm_fault_t __folio_lock_or_retry(folio, vmf) since 6.5 */
	id = btf__find_by_name_kind(btf, "__folio_lock_or_retry", BTF_KIND_FUNC);
	if (id > 0 && (n = proto_nparams(btf, id, &ret)) >= 0) {
		/* through typedefs: vmlinux BTF returns TYPEDEF bool -> INT _Bool */
		const struct btf_type *rt = btf__type_by_id(btf, btf__resolve_type(btf, ret));

		f->folio_lock_or_retry_bool = rt && btf_is_int(rt) &&
			(btf_int_encoding(rt) & BTF_INT_BOOL);
	}
}

/*
 * The text ranges of the functions the tracepoint mode looks for in stacks.
 * A function ends where the next text symbol starts: kallsyms is not
 * sorted, so its text addresses are kept (one pass: the kernel takes half
 * a second to write kallsyms under QEMU's TCG) and each range ends at the
 * lowest one above its start. An implausible size means no range.
 */
#define NRANGES 2

struct scan {
	struct features *f;
	const char *name[NRANGES];
	unsigned long long *start[NRANGES];
	size_t fn_len[NR_FNS], name_len[NRANGES];
	uint64_t *text;
	size_t ntext, cap, nonzero;
};

static int scan_sym(void *ctx, uint64_t addr, char type, const char *sym, size_t len)
{
	struct scan *sc = ctx;
	int i;

	for (i = 0; i < NR_FNS; i++)
		if (len == sc->fn_len[i] && !sc->f->fn_ksym[i] && !memcmp(sym, mmr_fn_names[i], len))
			sc->f->fn_ksym[i] = true;
	for (i = 0; i < NRANGES; i++)
		if (addr && len == sc->name_len[i] && !memcmp(sym, sc->name[i], len))
			*sc->start[i] = addr;
	if (type != 't' && type != 'T')
		return 0;
	sc->nonzero += addr != 0;
	if (sc->ntext == sc->cap) {
		uint64_t *g;

		sc->cap = sc->cap ? 2 * sc->cap : 65536;
		g = realloc(sc->text, sc->cap * sizeof(*g));
		if (!g)
			return -ENOMEM;
		sc->text = g;
	}
	sc->text[sc->ntext++] = addr;
	return 0;
}

/* true if kallsyms hides its addresses from this process (all zero:
 * kallsyms_show_value() wants CAP_SYSLOG, kernel.kptr_restrict allowing) */
static bool scan_kallsyms(struct features *f)
{
	struct scan sc = {
		.f = f,
		.name = { "lock_mm_and_find_vma", "asm_exc_page_fault" },
		.start = { &f->lmfv_start, &f->aepf_start },
	};
	unsigned long long *end[NRANGES] = { &f->lmfv_end, &f->aepf_end }, next;
	FILE *fp = fopen("/proc/kallsyms", "r");
	size_t j;
	int i;

	if (!fp)
		return false;
	for (i = 0; i < NR_FNS; i++)
		sc.fn_len[i] = strlen(mmr_fn_names[i]);
	for (i = 0; i < NRANGES; i++)
		sc.name_len[i] = strlen(sc.name[i]);
	ksyms_each(fp, scan_sym, &sc);
	fclose(fp);
	for (i = 0; i < NRANGES; i++) {
		next = ~0ULL;
		for (j = 0; j < sc.ntext; j++)
			if (sc.text[j] > *sc.start[i] && sc.text[j] < next)
				next = sc.text[j];
		if (*sc.start[i] && next != ~0ULL && next - *sc.start[i] < 65536)
			*end[i] = next;
		else
			*sc.start[i] = 0;
	}
	free(sc.text);
	if (f->fn_ksym[FN_LOCK_VMA_UNDER_RCU])
		f->per_vma_locks = true;
	return sc.ntext && !sc.nonzero;
}

/*
 * kallsyms is read in a thread of its own: the kernel takes ~40 ms to
 * write it on an idle host (half a second under QEMU's TCG), and nothing
 * before the kprobe program's try needs it, so it overlaps BTF and the
 * other programs' tries. The thread fills its own struct features; its
 * fields are copied over once it is joined.
 */
struct kallsyms_job {
	pthread_t thread;
	bool running, joined;
	struct features f;	/* what scan_kallsyms() fills */
	bool hidden;
	double t0, t1;
};

static void *kallsyms_run(void *arg)
{
	struct kallsyms_job *j = arg;

	j->hidden = scan_kallsyms(&j->f);
	j->t1 = mono_now();
	return NULL;
}

static void kallsyms_start(struct kallsyms_job *j)
{
	memset(j, 0, sizeof(*j));
	j->t0 = mono_now();
	j->running = !pthread_create(&j->thread, NULL, kallsyms_run, j);
	if (!j->running)
		kallsyms_run(j);	/* no thread: read it here */
}

static void kallsyms_join(struct kallsyms_job *j, struct features *f)
{
	double t = mono_now();

	if (j->joined)
		return;
	if (j->running)
		pthread_join(j->thread, NULL);
	j->joined = true;
	memcpy(f->fn_ksym, j->f.fn_ksym, sizeof(f->fn_ksym));
	f->per_vma_locks |= j->f.per_vma_locks;
	f->lmfv_start = j->f.lmfv_start;
	f->lmfv_end = j->f.lmfv_end;
	f->aepf_start = j->f.aepf_start;
	f->aepf_end = j->f.aepf_end;
	mmr_debug("took: %-22s %6.1f ms (a thread; %.1f ms waited for)", "probe: kallsyms",
		  (j->t1 - j->t0) * 1e3, (mono_now() - t) * 1e3);
	mmr_debug("probe: kallsyms read (lock_mm_and_find_vma %#llx-%#llx, asm_exc_page_fault %#llx-%#llx)",
		  f->lmfv_start, f->lmfv_end, f->aepf_start, f->aepf_end);
}

static void read_lockdown(struct features *f)
{
	char buf[128], *l, *r;
	FILE *fp = fopen("/sys/kernel/security/lockdown", "r");

	f->lockdown[0] = '\0';
	if (!fp)
		return;
	if (fgets(buf, sizeof(buf), fp) && (l = strchr(buf, '[')) && (r = strchr(l, ']'))) {
		*r = '\0';
		strlcpy_(f->lockdown, l + 1, sizeof(f->lockdown));
	}
	fclose(fp);
}

void features_parse_preempt(struct features *f, const char *debugfs, const char *version)
{
	const char *l, *r;

	f->preempt[0] = f->preempt_from[0] = '\0';
	if (debugfs && (l = strchr(debugfs, '(')) && (r = strchr(l, ')')) &&
	    (size_t)(r - l - 1) < sizeof(f->preempt)) {
		memcpy(f->preempt, l + 1, r - l - 1);
		f->preempt[r - l - 1] = '\0';
		strlcpy_(f->preempt_from, "debugfs", sizeof(f->preempt_from));
		return;
	}
	if (!version)
		return;
	/* uname -v names the build's model: "PREEMPT_RT", "PREEMPT_DYNAMIC",
	 * "PREEMPT" (full, fixed); none of them for none and voluntary */
	if (strstr(version, "PREEMPT_RT"))
		strlcpy_(f->preempt, "rt", sizeof(f->preempt));
	else if (strstr(version, "PREEMPT_DYNAMIC"))
		strlcpy_(f->preempt, "dynamic", sizeof(f->preempt));
	else if (strstr(version, "PREEMPT_LAZY"))
		strlcpy_(f->preempt, "lazy", sizeof(f->preempt));
	else if (strstr(version, "PREEMPT ") || strstr(version, "PREEMPT\n") ||
		 (strlen(version) >= 7 && !strcmp(version + strlen(version) - 7, "PREEMPT")))
		strlcpy_(f->preempt, "full", sizeof(f->preempt));
	else
		strlcpy_(f->preempt, "voluntary", sizeof(f->preempt));
	strlcpy_(f->preempt_from, "uname -v", sizeof(f->preempt_from));
}

static void read_preempt(struct features *f)
{
	char buf[128] = "";
	struct utsname u;
	FILE *fp = fopen("/sys/kernel/debug/sched/preempt", "r");
	bool have = false;

	if (fp) {
		have = fgets(buf, sizeof(buf), fp) != NULL;
		fclose(fp);
	}
	features_parse_preempt(f, have ? buf : NULL, uname(&u) ? NULL : u.version);
}

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/*
 * A tp_btf or fentry program, `return 0`, loaded by hand against the BTF
 * id of its target in the vmlinux BTF features_probe() already parsed,
 * and attached: the skeleton would have libbpf parse that BTF again for
 * each (~5 ms on an idle host, ~250 ms under QEMU's TCG). The same
 * syscalls as libbpf's (BPF_PROG_LOAD, then BPF_RAW_TRACEPOINT_OPEN), so
 * the same refusals.
 */
static enum probed try_btf_prog(const struct btf *btf, const char *name,
				const char *target, int kind, enum bpf_attach_type type,
				int *err_out)
{
	const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	__s32 id = btf__find_by_name_kind(btf, target, kind);
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
	int fd, link, err = 0;

	if (id <= 0) {
		*err_out = -ENOENT;
		return PROBE_NO;
	}
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, name, "Dual BSD/GPL", ret0, 2, &opts);
	if (fd < 0) {
		err = fd;
	} else {
		link = bpf_raw_tracepoint_open(NULL, fd);
		if (link < 0)
			err = link;
		else
			close(link);
		close(fd);
	}
	*err_out = err;
	return err ? PROBE_NO : PROBE_YES;
}

/* Load and attach exactly one program of the probe skeleton. */
static enum probed try_prog(const char *which, int *err_out)
{
	libbpf_print_fn_t old = libbpf_set_print(mmr_verbose > 1 ? NULL : silent_print);
	struct probe_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link = NULL;
	int err = 0;

	if (mmr_verbose > 1)
		libbpf_set_print(old);
	skel = probe_bpf__open();
	if (!skel) {
		err = -errno;
		goto out;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), which));
	err = probe_bpf__load(skel);
	if (err)
		goto out;
	prog = bpf_object__find_program_by_name(skel->obj, which);
	link = bpf_program__attach(prog);
	if (!link)
		err = -errno;
out:
	bpf_link__destroy(link);
	probe_bpf__destroy(skel);
	libbpf_set_print(old);
	*err_out = err;
	return err ? PROBE_NO : PROBE_YES;
}

/* Try one kind: its program where the kernel has the hook, else a no. */
static void try_kind(struct features *f, const struct btf *btf, enum prog_kind k)
{
	double t0 = mono_now();

	switch (k) {
	case PROG_TP_BTF:
		f->tp_btf = f->tp[TP_SCHED_PROCESS_EXIT] ?
			try_btf_prog(btf, "probe_tp_btf", "btf_trace_sched_process_exit",
				     BTF_KIND_TYPEDEF, BPF_TRACE_RAW_TP, &f->tp_btf_err) : PROBE_NO;
		mmr_took(t0, "probe: tp_btf program");
		break;
	case PROG_FENTRY:
		f->fentry = f->fn_btf[FN_HANDLE_MM_FAULT] ?
			try_btf_prog(btf, "probe_fentry", "handle_mm_fault", BTF_KIND_FUNC,
				     BPF_TRACE_FENTRY, &f->fentry_err) : PROBE_NO;
		mmr_took(t0, "probe: fentry program");
		break;
	case PROG_KPROBE:
		f->kprobe = f->fn_ksym[FN_HANDLE_MM_FAULT] ?
			try_prog("probe_kprobe", &f->kprobe_err) : PROBE_NO;
		mmr_took(t0, "probe: kprobe program");
		break;
	case PROG_NONE:
		break;
	}
}

static enum probed *kind_state(struct features *f, enum prog_kind k)
{
	return k == PROG_TP_BTF ? &f->tp_btf : k == PROG_FENTRY ? &f->fentry :
	       k == PROG_KPROBE ? &f->kprobe : NULL;
}

enum prog_kind features_every_kind(const struct features *f, const void *ctx)
{
	if (f->tp_btf == PROBE_NOT_TRIED)
		return PROG_TP_BTF;
	if (f->fentry == PROBE_NOT_TRIED)
		return PROG_FENTRY;
	if (f->kprobe == PROBE_NOT_TRIED)
		return PROG_KPROBE;
	return PROG_NONE;
}

int features_probe(struct features *f, probe_next_fn next, const void *ctx)
{
	struct kallsyms_job ks;
	struct utsname u;
	struct btf *btf;
	enum probed *state;
	enum prog_kind k;
	char what[128];
	bool privileged;
	double t0;

	memset(f, 0, sizeof(*f));
	f->fentry = f->kprobe = f->tp_btf = PROBE_UNTESTED;
	if (!uname(&u))
		strlcpy_(f->release, u.release, sizeof(f->release));

	mmr_debug("probing the kernel");
	kallsyms_start(&ks);
	t0 = mono_now();
	btf = btf__load_vmlinux_btf();	/* kept for the programs' BTF ids */
	if (btf) {
		f->btf = true;
		features_scan_btf(btf, f);
	}
	t0 = mmr_took(t0, "probe: vmlinux BTF");
	read_lockdown(f);
	read_preempt(f);

	privileged = !check_bpf_privileges(what, sizeof(what));
	if (!privileged)
		goto out;	/* what needs loading stays untested */
	f->ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	f->task_storage = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) == 1;
	mmr_took(t0, "probe: map types");
	if (!f->btf)
		goto out;	/* every probe program needs BTF */
	f->fentry = f->kprobe = f->tp_btf = PROBE_NOT_TRIED;
	while ((k = next(f, ctx)) != PROG_NONE) {
		state = kind_state(f, k);
		if (!state || *state != PROBE_NOT_TRIED)
			break;	/* asked twice: a bug in next(), not a reason to loop */
		if (k == PROG_KPROBE)
			kallsyms_join(&ks, f);	/* whether handle_mm_fault is a symbol */
		try_kind(f, btf, k);
	}
out:
	btf__free(btf);
	kallsyms_join(&ks, f);
	if (ks.hidden && privileged)
		mmr_warn("/proc/kallsyms hides kernel addresses without CAP_SYSLOG: "
			 "stacks go unnamed, and tracepoint mode counts every mmap_lock "
			 "read as a fault attempt");
	return 0;
}
