// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_plan.c: the plan (which mode traces faults, which hooks attach, what
 * each figure is) on made-up kernels. plan.c is pure, so each kernel below
 * is only a struct features as features_probe() would fill it there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "trace/plan.h"
#include "unit.h"

/* ---- kernels ---- */

/* Everything present and every probe program accepted. */
static struct features kernel_full(const char *release)
{
	struct features f;
	int i;

	memset(&f, 0, sizeof(f));
	snprintf(f.release, sizeof(f.release), "%s", release);
	f.btf = true;
	f.fentry = f.kprobe = f.tp_btf = PROBE_YES;
	f.ringbuf = f.task_storage = true;
	strcpy(f.lockdown, "none");
	for (i = 0; i < NR_FNS; i++)
		f.fn_btf[i] = f.fn_ksym[i] = true;
	for (i = 0; i < NR_TPS; i++)
		f.tp[i] = true;
	f.per_vma_locks = true;
	/* Debian's 6.1 and 6.12: PREEMPT_DYNAMIC, booted voluntary */
	strcpy(f.preempt, "voluntary");
	strcpy(f.preempt_from, "debugfs");
	return f;
}

static void drop_fn(struct features *f, enum mmr_fn fn)
{
	f->fn_btf[fn] = f->fn_ksym[fn] = false;
}

/* Debian 12: no per-VMA locks (6.4), no mm_filemap_fault tracepoint, no
 * __vmf_anon_prepare (6.8); old mmap_lock tracepoints, bool __folio_lock_or_retry. */
static struct features kernel_6_1(void)
{
	struct features f = kernel_full("6.1.0-28-amd64");

	f.per_vma_locks = false;
	drop_fn(&f, FN_LOCK_VMA_UNDER_RCU);
	drop_fn(&f, FN_VMF_ANON_PREPARE);
	f.tp[TP_MM_FILEMAP_FAULT] = false;
	f.mmap_lock_memcg_path = true;
	f.folio_lock_or_retry_bool = true;
	return f;
}

/* Everything, per-VMA locks, mmap_lock tracepoints still with memcg_path. */
static struct features kernel_6_12(void)
{
	struct features f = kernel_full("6.12.12-amd64");

	f.mmap_lock_memcg_path = true;
	return f;
}

/* The mmap_lock tracepoints without memcg_path (6.14+). */
static struct features kernel_7_2(void)
{
	struct features f = kernel_full("7.2.0");

	f.mmap_lock_memcg_path = false;
	strcpy(f.preempt, "lazy");	/* Debian's 7.x */
	return f;
}

/* This machine: 6.18 under lockdown, where only tp_btf programs attach. */
static struct features kernel_6_18_lockdown(void)
{
	struct features f = kernel_full("6.18.44-fc-v669");

	strcpy(f.lockdown, "confidentiality");
	f.fentry = PROBE_NO;
	f.fentry_err = -EPERM;
	f.kprobe = PROBE_NO;
	f.kprobe_err = -ENOENT;
	return f;
}

/* No /sys/kernel/btf/vmlinux: features_probe() stops before any program. */
static struct features kernel_no_btf(void)
{
	struct features f = kernel_6_1();
	int i;

	f.btf = false;
	f.fentry = f.kprobe = f.tp_btf = PROBE_UNTESTED;
	for (i = 0; i < NR_FNS; i++)
		f.fn_btf[i] = false;
	for (i = 0; i < NR_TPS; i++)
		f.tp[i] = false;
	return f;
}

/* Not root: BTF and kallsyms are read, nothing is loaded. */
static struct features kernel_unprivileged(void)
{
	struct features f = kernel_6_12();

	f.fentry = f.kprobe = f.tp_btf = PROBE_UNTESTED;
	f.ringbuf = f.task_storage = false;
	return f;
}

/* ---- helpers ---- */

static void assert_modes(const struct plan *p, int n, const enum mmr_mode *want)
{
	int i;

	assert_int_equal(p->faults.nmodes, n);
	for (i = 0; i < n; i++)
		assert_string_equal(mode_name(p->faults.modes[i]), mode_name(want[i]));
}

#define ASSERT_MODES(p, ...)							\
	do {									\
		const enum mmr_mode want_[] = { __VA_ARGS__ };			\
		assert_modes(p, ARRAY_LEN(want_), want_);			\
	} while (0)

static void assert_contains(const char *s, const char *sub)
{
	if (!strstr(s, sub))
		fail_msg("'%s' does not contain '%s'", s, sub);
}

static const char *state_name(int s)
{
	return s == VAL_NA ? "n/a" : s == VAL_EXACT ? "exact" : s == VAL_INFERRED ?
	       "inferred" : "?";
}

/* Compare all figure states, naming every mismatch. */
static void assert_states(const uint8_t got[FF_NR], const uint8_t want[FF_NR])
{
	int i, bad = 0;

	for (i = 0; i < FF_NR; i++) {
		if (got[i] != want[i]) {
			print_error("figure %s: %s, want %s\n", fault_fig_names[i],
				    state_name(got[i]), state_name(want[i]));
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

static void states_for(const struct features *f, enum mmr_mode m, uint8_t states[FF_NR])
{
	bool hooks[NR_FNS];

	faults_hooks(f, m, hooks);
	memset(states, 0xee, FF_NR);	/* every entry must be written */
	faults_figure_states(f, m, hooks, states);
}

static void all_states(uint8_t states[FF_NR], uint8_t s)
{
	memset(states, s, FF_NR);
}

#define REASON(r) (FF_REASON0 + MMR_REASON_##r)

/* ---- mode names ---- */

static void mode_name_and_parse(void **state)
{
	enum mmr_mode m;

	assert_string_equal(mode_name(MMR_MODE_NONE), "none");
	assert_string_equal(mode_name(MMR_MODE_FENTRY), "fentry");
	assert_string_equal(mode_name(MMR_MODE_KPROBE), "kprobe");
	assert_string_equal(mode_name(MMR_MODE_TRACEPOINT), "tracepoint");
	assert_string_equal(mode_name(MMR_NR_MODES), "?");
	assert_string_equal(mode_name((enum mmr_mode)1000), "?");

	assert_int_equal(mode_parse("fentry", &m), 0);
	assert_int_equal(m, MMR_MODE_FENTRY);
	assert_int_equal(mode_parse("kprobe", &m), 0);
	assert_int_equal(m, MMR_MODE_KPROBE);
	assert_int_equal(mode_parse("tracepoint", &m), 0);
	assert_int_equal(m, MMR_MODE_TRACEPOINT);
	assert_int_equal(mode_parse("auto", &m), 0);
	assert_int_equal(m, MMR_MODE_NONE);

	/* "none" is the internal name of auto, not an accepted spelling */
	m = MMR_MODE_KPROBE;
	assert_int_equal(mode_parse("none", &m), -EINVAL);
	assert_int_equal(mode_parse("", &m), -EINVAL);
	assert_int_equal(mode_parse("FENTRY", &m), -EINVAL);
	assert_int_equal(mode_parse("fentry ", &m), -EINVAL);
	assert_int_equal(mode_parse("tp", &m), -EINVAL);
	assert_int_equal(mode_parse(NULL, &m), -EINVAL);
	assert_int_equal(m, MMR_MODE_KPROBE);	/* untouched on error */
}

/* ---- plan_make ---- */

static void plan_6_1_all_modes(void **state)
{
	struct features f = kernel_6_1();
	struct plan p;
	char err[512] = "";
	int m;

	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT);
	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++)
		assert_string_equal(p.faults.why[m], "ok");
	assert_string_equal(err, "");	/* untouched on success */
}

static void plan_6_12_and_7_2(void **state)
{
	struct features a = kernel_6_12(), b = kernel_7_2();
	struct plan p;
	char err[512];

	/* the mmap_lock prototype does not change which modes work; 7.x's
	 * lazy preemption puts kprobes (exact) before fentry */
	assert_int_equal(plan_make(&a, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT);
	assert_contains(p.faults.order_why, "fentry before kprobes: preemption voluntary");
	assert_int_equal(plan_make(&b, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_KPROBE, MMR_MODE_FENTRY, MMR_MODE_TRACEPOINT);
	assert_contains(p.faults.order_why, "kprobes before fentry: preemption lazy");
	/* asked for, fentry is fentry (with its guards) */
	assert_int_equal(plan_make(&b, &(struct plan_request){ .mode = MMR_MODE_FENTRY }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY);
	assert_true(p.faults.guarded);
	/* where kprobes are refused, fentry */
	b.kprobe = PROBE_NO;
	assert_int_equal(plan_make(&b, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_TRACEPOINT);
}

static void plan_fallback_order(void **state)
{
	struct features f = kernel_6_12();
	struct plan p;
	char err[512];

	f.fentry = PROBE_NO;
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT);
	assert_string_equal(p.faults.why[MMR_MODE_FENTRY], "fentry/fexit unavailable");

	f = kernel_6_12();
	f.kprobe = PROBE_NO;
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_TRACEPOINT);

	f = kernel_6_12();
	f.tp_btf = PROBE_NO;
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_KPROBE);

	/* handle_mm_fault missing from BTF only: fentry is out, kprobe stays */
	f = kernel_6_12();
	f.fn_btf[FN_HANDLE_MM_FAULT] = false;
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT);
	assert_string_equal(p.faults.why[MMR_MODE_FENTRY], "handle_mm_fault is not in BTF");

	f = kernel_6_12();
	f.fn_ksym[FN_HANDLE_MM_FAULT] = false;
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_TRACEPOINT);
	assert_string_equal(p.faults.why[MMR_MODE_KPROBE],
			    "handle_mm_fault is not in kallsyms");
}

/* fault latency: timed where attempts are (fentry, kprobe), unless --no-latency */
static void plan_latency_modes(void **state)
{
	struct features f = kernel_6_12();
	struct plan p;
	char err[512];
	int m;

	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err,
				   sizeof(err)), 0);
	assert_true(p.latency.on[MMR_MODE_FENTRY] && p.latency.on[MMR_MODE_KPROBE]);
	assert_null(p.latency.why[MMR_MODE_FENTRY]);
	assert_false(p.latency.on[MMR_MODE_TRACEPOINT]);
	assert_string_equal(p.latency.why[MMR_MODE_TRACEPOINT], "needs fentry or kprobes");

	assert_int_equal(plan_make(&f, &(struct plan_request){ .no_latency = true }, &p, err,
				   sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT);	/* counted */
	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++)
		assert_false(p.latency.on[m]);
	assert_string_equal(p.latency.why[MMR_MODE_FENTRY], "not timed: --no-latency");
	assert_string_equal(p.latency.why[MMR_MODE_KPROBE], "not timed: --no-latency");
	/* tracepoints time no fault, knob or not */
	assert_string_equal(p.latency.why[MMR_MODE_TRACEPOINT], "needs fentry or kprobes");
}

static void plan_6_18_lockdown_tracepoint_only(void **state)
{
	struct features f = kernel_6_18_lockdown();
	struct plan p;
	char err[512];

	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_TRACEPOINT);
	assert_contains(p.faults.why[MMR_MODE_FENTRY], "fentry/fexit refused");
	assert_contains(p.faults.why[MMR_MODE_FENTRY], "EPERM: kernel lockdown");
	assert_contains(p.faults.why[MMR_MODE_KPROBE], "kprobes unsupported");
	assert_contains(p.faults.why[MMR_MODE_KPROBE], "CONFIG_KPROBES off");
	assert_string_equal(p.faults.why[MMR_MODE_TRACEPOINT], "ok");
}

static void plan_no_btf(void **state)
{
	struct features f = kernel_no_btf();
	struct plan p;
	char err[512] = "";
	int m;

	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), -ENOTSUP);
	assert_int_equal(p.faults.nmodes, 0);
	assert_contains(err, "BTF");
	assert_contains(err, "CONFIG_DEBUG_INFO_BTF");
	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++)
		assert_contains(p.faults.why[m], "no BTF");

	/* forcing a mode says the same: BTF is the first thing missing */
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_KPROBE }, &p, err, sizeof(err)), -ENOTSUP);
	assert_contains(err, "BTF");
}

static void plan_unprivileged(void **state)
{
	struct features f = kernel_unprivileged();
	struct plan p;
	char err[512] = "";
	int m;

	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), -ENOTSUP);
	assert_int_equal(p.faults.nmodes, 0);
	/* one line saying what it lacks: root, not a mode (nothing was tried)
	 * nor a missing ring buffer (which was never tested) */
	assert_null(strchr(err, '\n'));
	assert_null(strstr(err, "no mode can trace faults here"));
	assert_contains(err, "unknown without root");
	assert_contains(err, "CAP_BPF and CAP_PERFMON");
	assert_null(strstr(err, "ring buffer"));
	assert_true(strlen(err) < sizeof(err) - 1);	/* not truncated */
	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++)
		assert_contains(p.faults.why[m], "untested");
}

static void plan_forced_unsupported(void **state)
{
	struct features f = kernel_6_18_lockdown();
	struct plan p;
	char err[512] = "";

	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_FENTRY }, &p, err, sizeof(err)), -ENOTSUP);
	assert_int_equal(p.faults.nmodes, 0);
	assert_contains(err, "mode 'fentry' is not available");
	/* what EPERM means when root loads it, not libc's "Operation not permitted" */
	assert_contains(err, "EPERM: kernel lockdown or a security module");

	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_KPROBE }, &p, err, sizeof(err)), -ENOTSUP);
	assert_contains(err, "mode 'kprobe' is not available");
	assert_contains(err, "CONFIG_KPROBES off: ENOENT");
	f.kprobe_err = -EINVAL;	/* any other refusal: libc's words */
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_KPROBE }, &p, err, sizeof(err)), -ENOTSUP);
	assert_contains(err, strerror(EINVAL));
	f.kprobe_err = -ENOENT;

	f = kernel_6_1();
	f.tp[TP_MMAP_LOCK_ACQUIRE_RETURNED] = false;
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_TRACEPOINT }, &p, err, sizeof(err)), -ENOTSUP);
	assert_contains(err, "mode 'tracepoint' is not available");
	assert_contains(err, "mmap_lock tracepoints are missing");
}

static void plan_forced_supported(void **state)
{
	struct features f = kernel_6_12();
	struct plan p;
	char err[512];

	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_KPROBE }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_KPROBE);
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_TRACEPOINT }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_TRACEPOINT);
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_FENTRY }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY);
	/* why[] still describes the modes that were not chosen */
	assert_string_equal(p.faults.why[MMR_MODE_KPROBE], "ok");

	f = kernel_6_18_lockdown();
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_TRACEPOINT }, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_TRACEPOINT);
}

/* ---- which program kinds the probe tries (plan_next_probe) ---- */

static enum probed *kind_state(struct features *f, enum prog_kind k)
{
	return k == PROG_TP_BTF ? &f->tp_btf : k == PROG_FENTRY ? &f->fentry : &f->kprobe;
}

static const char *kind_name(enum prog_kind k)
{
	return k == PROG_TP_BTF ? "tp_btf" : k == PROG_FENTRY ? "fentry" :
	       k == PROG_KPROBE ? "kprobe" : "none";
}

/*
 * features_probe()'s loop on a made-up kernel: `truth` is the kernel fully
 * probed; each kind plan_next_probe() asks for gets truth's answer, the
 * others stay not tried. The kinds asked, in order, as "tp_btf,fentry".
 */
static void probe_lazily(const struct features *truth, const struct plan_request *rq,
			 struct features *out, char *asked, size_t len)
{
	enum prog_kind k;
	int n = 0;

	*out = *truth;
	asked[0] = '\0';
	if (truth->tp_btf == PROBE_UNTESTED)
		return;		/* no BTF or no root: features_probe() tries nothing */
	out->tp_btf = out->fentry = out->kprobe = PROBE_NOT_TRIED;
	while ((k = plan_next_probe(out, rq)) != PROG_NONE) {
		if (++n > 3)
			fail_msg("plan_next_probe() asks more than 3 times (%s)", asked);
		if (*kind_state(out, k) != PROBE_NOT_TRIED)
			fail_msg("plan_next_probe() asks for %s again", kind_name(k));
		*kind_state(out, k) = *kind_state((struct features *)truth, k);
		snprintf(asked + strlen(asked), len - strlen(asked), "%s%s", n > 1 ? "," : "",
			 kind_name(k));
	}
}

static void assert_probes(struct features truth, enum mmr_mode mode, const char *want)
{
	struct plan_request rq = { .mode = mode };
	struct features f;
	char asked[64];

	probe_lazily(&truth, &rq, &f, asked, sizeof(asked));
	if (strcmp(asked, want))
		fail_msg("%s, mode %s: tried '%s', want '%s'", truth.release, mode_name(mode),
			 asked, want);
}

static void probe_tries_what_the_plan_needs(void **state)
{
	/* this machine: fentry refused, then kprobes, then tracepoints */
	assert_probes(kernel_6_18_lockdown(), MMR_MODE_NONE, "tp_btf,fentry,kprobe");
	/* fentry works: kprobes are not tried */
	assert_probes(kernel_6_12(), MMR_MODE_NONE, "tp_btf,fentry");
	assert_probes(kernel_6_1(), MMR_MODE_NONE, "tp_btf,fentry");
	/* a forced mode tries its own kind only (tp_btf: every mode's exit program) */
	assert_probes(kernel_6_12(), MMR_MODE_TRACEPOINT, "tp_btf");
	assert_probes(kernel_6_12(), MMR_MODE_KPROBE, "tp_btf,kprobe");
	assert_probes(kernel_6_18_lockdown(), MMR_MODE_FENTRY, "tp_btf,fentry");
	/* nothing to try without BTF or root */
	assert_probes(kernel_no_btf(), MMR_MODE_NONE, "");
	assert_probes(kernel_unprivileged(), MMR_MODE_NONE, "");
}

static void probe_fentry_refused_kprobes_fine(void **state)
{
	struct features f = kernel_6_12();

	f.fentry = PROBE_NO;
	f.fentry_err = -EPERM;
	assert_probes(f, MMR_MODE_NONE, "tp_btf,fentry,kprobe");
	/* handle_mm_fault not in BTF: fentry's try is a no without a load, then kprobes */
	f = kernel_6_12();
	f.fn_btf[FN_HANDLE_MM_FAULT] = false;
	f.fentry = PROBE_NO;
	assert_probes(f, MMR_MODE_NONE, "tp_btf,fentry,kprobe");
}

/* What the plan decides from the kinds tried is what it decides from every
 * kind: the same first mode, mmap_lock and anon_vma plans, and every mode
 * the full probe would fall back to still in the list. */
static void probe_lazily_plans_the_same(void **state)
{
	struct features kernels[] = {
		kernel_6_1(), kernel_6_12(), kernel_7_2(), kernel_6_18_lockdown(),
		kernel_no_btf(), kernel_unprivileged(), kernel_6_12(), kernel_6_12(),
	};
	const enum mmr_mode modes[] = {
		MMR_MODE_NONE, MMR_MODE_FENTRY, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT,
	};
	size_t i, j;
	int k, l;

	kernels[6].fentry = PROBE_NO;		/* fentry refused, kprobes fine */
	kernels[7].kprobe = PROBE_NO;		/* kprobes refused, fentry fine */
	for (i = 0; i < ARRAY_LEN(kernels); i++) {
		for (j = 0; j < ARRAY_LEN(modes); j++) {
			struct plan_request rq = { .mode = modes[j] };
			struct plan full, lazy;
			struct features f;
			char asked[64], e1[512], e2[512];
			int r1, r2;

			probe_lazily(&kernels[i], &rq, &f, asked, sizeof(asked));
			r1 = plan_make(&kernels[i], &rq, &full, e1, sizeof(e1));
			r2 = plan_make(&f, &rq, &lazy, e2, sizeof(e2));
			assert_int_equal(r1, r2);
			if (r1) {
				assert_string_equal(e1, e2);
				continue;
			}
			assert_int_equal(full.faults.modes[0], lazy.faults.modes[0]);
			assert_int_equal(full.lock.on, lazy.lock.on);
			assert_string_equal(full.lock.why, lazy.lock.why);
			assert_memory_equal(&full.anon, &lazy.anon, sizeof(full.anon));
			for (k = 0; k < full.faults.nmodes; k++) {
				for (l = 0; l < lazy.faults.nmodes; l++)
					if (lazy.faults.modes[l] == full.faults.modes[k])
						break;
				if (l == lazy.faults.nmodes)
					fail_msg("%s, mode %s: fallback %s lost", kernels[i].release,
						 mode_name(modes[j]),
						 mode_name(full.faults.modes[k]));
			}
		}
	}
}

/* A mode left untried is a fallback, and says so. */
static void probe_untried_mode_is_a_fallback(void **state)
{
	struct plan_request rq = { .mode = MMR_MODE_NONE };
	struct features f = kernel_6_12();
	struct plan p;
	char err[512];

	f.kprobe = PROBE_NOT_TRIED;
	assert_int_equal(plan_make(&f, &rq, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT);
	assert_string_equal(p.faults.why[MMR_MODE_KPROBE], "ok (not tried: a fallback)");
	/* but not one the kernel cannot have */
	f.fn_ksym[FN_HANDLE_MM_FAULT] = false;
	assert_int_equal(plan_make(&f, &rq, &p, err, sizeof(err)), 0);
	ASSERT_MODES(&p, MMR_MODE_FENTRY, MMR_MODE_TRACEPOINT);
	assert_string_equal(probe_refusal(PROBE_NOT_TRIED, 0, true),
			    "not tried (a better mode works)");
}

static void plan_err_truncated_safely(void **state)
{
	struct features f = kernel_unprivileged();
	struct plan p;
	char err[24];

	memset(err, 'x', sizeof(err));
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), -ENOTSUP);
	assert_int_equal(strlen(err), sizeof(err) - 1);
}

/* ---- faults_mode_usable ---- */

static void usable_needs_ringbuf_and_task_storage(void **state)
{
	struct features f = kernel_6_12();
	char why[96];
	int m;

	f.ringbuf = false;
	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++) {
		assert_false(faults_mode_usable(&f, m, why, sizeof(why)));
		assert_contains(why, "ring buffer");
	}
	f = kernel_6_12();
	f.task_storage = false;
	for (m = MMR_MODE_FENTRY; m < MMR_NR_MODES; m++) {
		assert_false(faults_mode_usable(&f, m, why, sizeof(why)));
		assert_contains(why, "task storage");
	}
}

static void usable_tracepoint_needs(void **state)
{
	struct features f = kernel_6_12();
	char why[96];

	f.tp[TP_MMAP_LOCK_START_LOCKING] = false;
	assert_false(faults_mode_usable(&f, MMR_MODE_TRACEPOINT, why, sizeof(why)));
	assert_contains(why, "mmap_lock tracepoints");

	/* mm_filemap_fault only refines reasons; it is not required */
	f = kernel_6_12();
	f.tp[TP_MM_FILEMAP_FAULT] = false;
	assert_true(faults_mode_usable(&f, MMR_MODE_TRACEPOINT, why, sizeof(why)));
	assert_string_equal(why, "ok");
}

static void usable_other_modes(void **state)
{
	struct features f = kernel_6_12();
	char why[96];

	assert_false(faults_mode_usable(&f, MMR_MODE_NONE, why, sizeof(why)));
	assert_string_equal(why, "unknown mode");
	assert_false(faults_mode_usable(&f, MMR_NR_MODES, why, sizeof(why)));
	/* why may be NULL */
	assert_true(faults_mode_usable(&f, MMR_MODE_FENTRY, NULL, 0));
}

/* ---- faults_hooks ---- */

static void hooks_follow_mode_source(void **state)
{
	struct features f = kernel_6_12();
	bool hooks[NR_FNS];
	int i;

	/* BTF and kallsyms disagree: each mode must read its own */
	for (i = 0; i < NR_FNS; i++) {
		f.fn_btf[i] = i % 2 == 0;
		f.fn_ksym[i] = i % 2 == 1;
	}
	f.fn_btf[FN_HANDLE_MM_FAULT] = f.fn_ksym[FN_HANDLE_MM_FAULT] = true;
	f.fn_btf[FN_LOCK_VMA_UNDER_RCU] = f.fn_ksym[FN_LOCK_VMA_UNDER_RCU] = true;

	/* the fault producers only: the anon_vma functions are another
	 * capability's (anon_vma_usable) */
	faults_hooks(&f, MMR_MODE_FENTRY, hooks);
	for (i = 0; i < NR_FNS; i++)
		if (hooks[i] != (i < FN_LOCK_VMA_UNDER_RCU && f.fn_btf[i]))
			fail_msg("fentry hook %s: %d, want %d", mmr_fn_names[i], hooks[i],
				 f.fn_btf[i]);

	faults_hooks(&f, MMR_MODE_KPROBE, hooks);
	for (i = 0; i < NR_FNS; i++)
		if (hooks[i] != (i < FN_LOCK_VMA_UNDER_RCU && f.fn_ksym[i]))
			fail_msg("kprobe hook %s: %d, want %d", mmr_fn_names[i], hooks[i],
				 f.fn_ksym[i]);
}

static void hooks_never_lock_vma_under_rcu(void **state)
{
	struct features f = kernel_6_12();
	bool hooks[NR_FNS];
	int m, i;

	assert_true(f.fn_btf[FN_LOCK_VMA_UNDER_RCU] && f.fn_ksym[FN_LOCK_VMA_UNDER_RCU]);
	for (m = MMR_MODE_NONE; m < MMR_NR_MODES; m++) {
		memset(hooks, 1, sizeof(hooks));
		faults_hooks(&f, m, hooks);
		assert_false(hooks[FN_LOCK_VMA_UNDER_RCU]);
	}
	faults_hooks(&f, MMR_MODE_FENTRY, hooks);
	for (i = 0; i < NR_FNS; i++)
		assert_int_equal(hooks[i], i < FN_LOCK_VMA_UNDER_RCU);
}

/* anon_vma: fentry or kprobe only, every function in that mode's source */
static void anon_vma_modes(void **state)
{
	struct features f = kernel_6_12();
	char why[128];
	int i;

	f.anon_vma_clone_nparams = 2;
	for (i = FN_ANON_VMA_FORK; i <= FN_PAGE_VMA_MAPPED_WALK; i++)
		f.fn_btf[i] = f.fn_ksym[i] = true;
	f.tp[TP_CONTENTION_BEGIN] = f.tp[TP_CONTENTION_END] = true;
	assert_true(anon_vma_usable(&f, MMR_MODE_FENTRY, why, sizeof(why)));
	assert_true(anon_vma_usable(&f, MMR_MODE_KPROBE, why, sizeof(why)));
	assert_false(anon_vma_usable(&f, MMR_MODE_TRACEPOINT, why, sizeof(why)));
	assert_non_null(strstr(why, "needs fentry or kprobes"));
	assert_false(anon_vma_usable(&f, MMR_MODE_NONE, why, sizeof(why)));

	/* a static walker the compiler inlined: named, and only in its mode */
	f.fn_btf[FN_RMAP_WALK_ANON] = false;
	assert_false(anon_vma_usable(&f, MMR_MODE_FENTRY, why, sizeof(why)));
	assert_string_equal(why, "rmap_walk_anon is not in BTF");
	assert_true(anon_vma_usable(&f, MMR_MODE_KPROBE, why, sizeof(why)));
	f.fn_btf[FN_RMAP_WALK_ANON] = true;

	/* 7.x's three-parameter anon_vma_clone loads; an unknown shape does not */
	f.anon_vma_clone_nparams = 3;
	assert_true(anon_vma_usable(&f, MMR_MODE_FENTRY, why, sizeof(why)));
	f.anon_vma_clone_nparams = 4;
	assert_false(anon_vma_usable(&f, MMR_MODE_FENTRY, why, sizeof(why)));
	assert_non_null(strstr(why, "anon_vma_clone"));
	assert_true(anon_vma_usable(&f, MMR_MODE_KPROBE, why, sizeof(why)));
	f.anon_vma_clone_nparams = 2;

	f.tp[TP_CONTENTION_END] = false;
	assert_false(anon_vma_usable(&f, MMR_MODE_KPROBE, why, sizeof(why)));
	assert_non_null(strstr(why, "contention"));
}

/* The plan decides mmap_lock and anon_vma too, with the why a report
 * shows and whether the user hears of it. */
static void plan_lock_and_anon(void **state)
{
	struct features f = kernel_6_12(), lockdown = kernel_6_18_lockdown();
	struct plan p;
	char err[256];

	f.anon_vma_clone_nparams = 3;	/* as BTF says on 6.12 */
	/* everything here: both on in fentry and kprobe modes */
	assert_int_equal(plan_make(&f, &(struct plan_request){ 0 }, &p, err, sizeof(err)), 0);
	assert_true(p.lock.on);
	assert_true(p.anon.on[MMR_MODE_FENTRY] && p.anon.on[MMR_MODE_KPROBE]);
	assert_false(p.anon.on[MMR_MODE_TRACEPOINT]);
	assert_string_equal(p.anon.why[MMR_MODE_TRACEPOINT],
			    "needs fentry or kprobes, which this kernel refuses");
	assert_string_equal(p.anon.note[MMR_MODE_TRACEPOINT],
			    "anon_vma not traced: needs fentry or kprobes");

	/* asked for: off, said in the report, no warning */
	assert_int_equal(plan_make(&f, &(struct plan_request){ .no_mmap_lock = true,
							       .no_anon_vma = true },
				   &p, err, sizeof(err)), 0);
	assert_false(p.lock.on);
	assert_false(p.lock.warn);
	assert_string_equal(p.lock.why, "--no-mmap-lock");
	assert_false(p.anon.on[MMR_MODE_FENTRY]);
	assert_string_equal(p.anon.why[MMR_MODE_FENTRY], "not traced: --no-anon-vma");
	assert_string_equal(p.anon.note[MMR_MODE_FENTRY], "");

	/* --mode tracepoint: anon_vma's why names the option, not the kernel */
	assert_int_equal(plan_make(&f, &(struct plan_request){ .mode = MMR_MODE_TRACEPOINT },
				   &p, err, sizeof(err)), 0);
	assert_string_equal(p.anon.why[MMR_MODE_TRACEPOINT],
			    "needs fentry or kprobes, not --mode tracepoint");

	/* a kernel without the mmap_lock tracepoints: off, and a warning */
	f.tp[TP_MMAP_LOCK_RELEASED] = false;
	assert_int_equal(plan_make(&f, &(struct plan_request){ 0 }, &p, err, sizeof(err)), 0);
	assert_false(p.lock.on);
	assert_true(p.lock.warn);
	assert_contains(p.lock.why, "mmap_lock tracepoints");

	/* lockdown: tracepoints only; mmap_lock on, anon_vma off in that mode */
	assert_int_equal(plan_make(&lockdown, &(struct plan_request){ 0 }, &p, err, sizeof(err)),
			 0);
	assert_true(p.lock.on);
	assert_false(p.anon.on[p.faults.modes[0]]);
}

/* A kernel whose probe found only tracepoints working. */
static struct features tracepoints_only(struct features f)
{
	f.fentry = f.kprobe = PROBE_NO;
	return f;
}

static void hooks_none_outside_fentry_kprobe(void **state)
{
	struct features f = tracepoints_only(kernel_6_12());
	bool hooks[NR_FNS];
	int i;

	memset(hooks, 1, sizeof(hooks));
	faults_hooks(&f, MMR_MODE_TRACEPOINT, hooks);
	for (i = 0; i < NR_FNS; i++)
		assert_false(hooks[i]);

	memset(hooks, 1, sizeof(hooks));
	faults_hooks(&f, MMR_MODE_NONE, hooks);
	for (i = 0; i < NR_FNS; i++)
		assert_false(hooks[i]);
}

/* ---- faults_figure_states ---- */

/* Tracepoint mode on a kernel without per-VMA locks or mm_filemap_fault. */
static void states_tracepoint_6_1(void **state)
{
	struct features f = tracepoints_only(kernel_6_1());
	uint8_t got[FF_NR], want[FF_NR];

	all_states(want, VAL_NA);
	want[FF_FAULTS] = VAL_INFERRED;	/* from the kernel's fault accounting */
	want[FF_ATTEMPTS] = VAL_INFERRED;
	want[FF_RETRIES] = VAL_INFERRED;
	want[FF_MAJOR] = VAL_INFERRED;
	want[FF_MMAP_LOCK_ATTEMPTS] = VAL_INFERRED;
	want[FF_VMA_LOCK_ATTEMPTS] = VAL_EXACT;	/* no per-VMA locks: exactly 0 */
	want[REASON(UNATTRIBUTED)] = VAL_INFERRED;

	states_for(&f, MMR_MODE_TRACEPOINT, got);
	assert_states(got, want);
}

/* Tracepoint mode with per-VMA locks and mm_filemap_fault. */
static void states_tracepoint_6_12(void **state)
{
	struct features f = tracepoints_only(kernel_6_12());
	uint8_t got[FF_NR], want[FF_NR];

	all_states(want, VAL_NA);
	want[FF_FAULTS] = VAL_INFERRED;	/* from the kernel's fault accounting */
	want[FF_ATTEMPTS] = VAL_INFERRED;
	want[FF_RETRIES] = VAL_INFERRED;
	want[FF_MAJOR] = VAL_INFERRED;
	want[FF_MMAP_LOCK_ATTEMPTS] = VAL_INFERRED;
	want[FF_VMA_LOCK_ATTEMPTS] = VAL_INFERRED;
	want[REASON(FILE_IO)] = VAL_INFERRED;
	want[REASON(PAGE_LOCK)] = VAL_INFERRED;
	want[REASON(UNATTRIBUTED)] = VAL_INFERRED;

	states_for(&f, MMR_MODE_TRACEPOINT, got);
	assert_states(got, want);

	/* the figures tracepoints cannot see, spelled out */
	assert_int_equal(got[FF_COMPLETED], VAL_NA);
	assert_int_equal(got[FF_ERRORS], VAL_NA);
	assert_int_equal(got[FF_ABANDONED], VAL_NA);
	assert_int_equal(got[REASON(SWAP)], VAL_NA);
	assert_int_equal(got[REASON(USERFAULTFD)], VAL_NA);
	assert_int_equal(got[REASON(SHMEM)], VAL_NA);
	assert_int_equal(got[REASON(ANON_VMA)], VAL_NA);
	assert_int_equal(got[REASON(VMA_FALLBACK)], VAL_NA);
	assert_int_equal(got[REASON(OTHER)], VAL_NA);
}

/* Tracepoint mode where fentry or kprobes work: the producers, and only
 * they, are hooked (never handle_mm_fault: the fast path stays untouched);
 * they name the retries the slow path counts, and fault_dirty_shared_page
 * counts VM_FAULT_COMPLETED exactly. */
static void states_tracepoint_producers(void **state)
{
	struct features f = kernel_6_12(), k = kernel_6_12();
	uint8_t got[FF_NR];
	bool hooks[NR_FNS];
	int i;

	faults_hooks(&f, MMR_MODE_TRACEPOINT, hooks);
	for (i = 0; i < NR_FNS; i++)
		assert_int_equal(hooks[i], i == FN_FILEMAP_FAULT || i == FN_DO_SWAP_PAGE ||
				 i == FN_HANDLE_USERFAULT || i == FN_SHMEM_FAULT ||
				 i == FN_FAULT_DIRTY_SHARED_PAGE);
	assert_int_equal(producers_kind(&f), MMR_MODE_FENTRY);
	states_for(&f, MMR_MODE_TRACEPOINT, got);
	assert_int_equal(got[FF_COMPLETED], VAL_EXACT);
	assert_int_equal(got[FF_RETRIES], VAL_INFERRED);
	assert_int_equal(got[REASON(SWAP)], VAL_INFERRED);
	assert_int_equal(got[REASON(USERFAULTFD)], VAL_INFERRED);
	assert_int_equal(got[REASON(SHMEM)], VAL_INFERRED);
	/* anon_vma: from __vmf_anon_prepare()'s failed trylock, a stack walk
	 * that needs kallsyms' addresses */
	assert_int_equal(got[REASON(ANON_VMA)], VAL_NA);
	f.aepf_start = 0xffffffff81000000ULL;
	states_for(&f, MMR_MODE_TRACEPOINT, got);
	assert_int_equal(got[REASON(ANON_VMA)], VAL_INFERRED);
	assert_int_equal(got[REASON(FILE_IO)], VAL_INFERRED);
	assert_int_equal(got[FF_ERRORS], VAL_NA);
	assert_int_equal(got[REASON(VMA_FALLBACK)], VAL_NA);
	/* kprobes only: by kallsyms */
	k.fentry = PROBE_NO;
	k.fn_ksym[FN_SHMEM_FAULT] = false;
	assert_int_equal(producers_kind(&k), MMR_MODE_KPROBE);
	faults_hooks(&k, MMR_MODE_TRACEPOINT, hooks);
	assert_true(hooks[FN_DO_SWAP_PAGE]);
	assert_false(hooks[FN_SHMEM_FAULT]);
	states_for(&k, MMR_MODE_TRACEPOINT, got);
	assert_int_equal(got[REASON(SHMEM)], VAL_NA);
}

static void states_fentry_6_12_all_exact(void **state)
{
	struct features f = kernel_6_12();
	uint8_t got[FF_NR], want[FF_NR];

	all_states(want, VAL_EXACT);
	states_for(&f, MMR_MODE_FENTRY, got);
	assert_states(got, want);
	states_for(&f, MMR_MODE_KPROBE, got);
	assert_states(got, want);
}

/* 6.1 has no __vmf_anon_prepare, but without per-VMA locks no anon_vma
 * retry exists either: an exact 0, not n/a. */
static void states_fentry_6_1(void **state)
{
	struct features f = kernel_6_1();
	uint8_t got[FF_NR], want[FF_NR];

	all_states(want, VAL_EXACT);
	states_for(&f, MMR_MODE_FENTRY, got);
	assert_states(got, want);
	assert_int_equal(got[REASON(ANON_VMA)], VAL_EXACT);
	assert_int_equal(got[FF_VMA_LOCK_ATTEMPTS], VAL_EXACT);
}

/* Per-VMA locks without __vmf_anon_prepare (6.4 .. 6.7): anon_vma retries
 * exist and nothing attributes them. */
static void states_fentry_anon_vma_unseen(void **state)
{
	struct features f = kernel_6_12();
	uint8_t got[FF_NR], want[FF_NR];

	drop_fn(&f, FN_VMF_ANON_PREPARE);
	all_states(want, VAL_EXACT);
	want[REASON(ANON_VMA)] = VAL_NA;
	states_for(&f, MMR_MODE_FENTRY, got);
	assert_states(got, want);
}

/* A reason whose producer hook is missing is n/a; nothing else changes. */
static void states_fentry_missing_producers(void **state)
{
	static const struct {
		enum mmr_fn fn;
		int reason;	/* enum fault_fig that becomes n/a */
	} cases[] = {
		{ FN_HANDLE_USERFAULT, REASON(USERFAULTFD) },
		{ FN_SHMEM_FAULT, REASON(SHMEM) },
		{ FN_VMF_ANON_PREPARE, REASON(ANON_VMA) },
	};
	struct features f = kernel_6_12();
	uint8_t got[FF_NR], want[FF_NR];
	bool hooks[NR_FNS];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		faults_hooks(&f, MMR_MODE_FENTRY, hooks);
		hooks[cases[i].fn] = false;
		all_states(want, VAL_EXACT);
		want[cases[i].reason] = VAL_NA;
		faults_figure_states(&f, MMR_MODE_FENTRY, hooks, got);
		assert_states(got, want);
	}

	/* page_lock needs the page-cache tracepoint or the lock-wait hook */
	faults_hooks(&f, MMR_MODE_FENTRY, hooks);
	hooks[FN_FOLIO_LOCK_KILLABLE] = false;
	all_states(want, VAL_EXACT);
	faults_figure_states(&f, MMR_MODE_FENTRY, hooks, got);
	assert_states(got, want);
	f.tp[TP_MM_FILEMAP_ADD_TO_PAGE_CACHE] = false;
	want[REASON(PAGE_LOCK)] = VAL_NA;
	faults_figure_states(&f, MMR_MODE_FENTRY, hooks, got);
	assert_states(got, want);
	f = kernel_6_12();

	/* filemap_fault feeds both file_io and page_lock */
	faults_hooks(&f, MMR_MODE_FENTRY, hooks);
	hooks[FN_FILEMAP_FAULT] = false;
	all_states(want, VAL_EXACT);
	want[REASON(FILE_IO)] = VAL_NA;
	want[REASON(PAGE_LOCK)] = VAL_NA;
	faults_figure_states(&f, MMR_MODE_FENTRY, hooks, got);
	assert_states(got, want);
}

/* swap has two producers: do_swap_page and __folio_lock_or_retry. */
static void states_fentry_swap_either_producer(void **state)
{
	struct features f = kernel_6_12();
	uint8_t got[FF_NR];
	bool hooks[NR_FNS];

	faults_hooks(&f, MMR_MODE_KPROBE, hooks);
	hooks[FN_DO_SWAP_PAGE] = false;
	faults_figure_states(&f, MMR_MODE_KPROBE, hooks, got);
	assert_int_equal(got[REASON(SWAP)], VAL_EXACT);

	faults_hooks(&f, MMR_MODE_KPROBE, hooks);
	hooks[FN_FOLIO_LOCK_OR_RETRY] = false;
	faults_figure_states(&f, MMR_MODE_KPROBE, hooks, got);
	assert_int_equal(got[REASON(SWAP)], VAL_EXACT);

	hooks[FN_DO_SWAP_PAGE] = false;
	faults_figure_states(&f, MMR_MODE_KPROBE, hooks, got);
	assert_int_equal(got[REASON(SWAP)], VAL_NA);
}

/* Without handle_mm_fault nothing is counted at all. */
static void states_no_handle_mm_fault(void **state)
{
	struct features f = kernel_6_12();
	uint8_t got[FF_NR], want[FF_NR];
	bool hooks[NR_FNS];

	all_states(want, VAL_NA);
	faults_hooks(&f, MMR_MODE_FENTRY, hooks);
	hooks[FN_HANDLE_MM_FAULT] = false;
	memset(got, 0xee, sizeof(got));
	faults_figure_states(&f, MMR_MODE_FENTRY, hooks, got);
	assert_states(got, want);

	states_for(&f, MMR_MODE_NONE, got);
	assert_states(got, want);
}

/* From features to figure states, as stat does it, on each kernel. */
static void plan_to_states_per_kernel(void **state)
{
	struct features kernels[] = {
		kernel_6_1(), kernel_6_12(), kernel_7_2(), kernel_6_18_lockdown(),
	};
	const enum mmr_mode first[] = {
		MMR_MODE_FENTRY, MMR_MODE_FENTRY, MMR_MODE_KPROBE, MMR_MODE_TRACEPOINT,
	};
	uint8_t got[FF_NR];
	struct plan p;
	char err[512];
	size_t i;

	for (i = 0; i < ARRAY_LEN(kernels); i++) {
		assert_int_equal(plan_make(&kernels[i], &(struct plan_request){ .mode = MMR_MODE_NONE }, &p, err, sizeof(err)), 0);
		assert_int_equal(p.faults.modes[0], first[i]);
		states_for(&kernels[i], p.faults.modes[0], got);
		/* tracepoints count faults from the accounting and infer retries */
		assert_int_equal(got[FF_FAULTS], first[i] == MMR_MODE_TRACEPOINT ?
				 VAL_INFERRED : VAL_EXACT);
		assert_int_equal(got[FF_RETRIES], first[i] == MMR_MODE_TRACEPOINT ?
				 VAL_INFERRED : VAL_EXACT);
	}
}

/* Guards wherever the kernel may preempt a BPF program, and only there. */
static void plan_guards_follow_preemption(void **state)
{
	static const struct {
		const char *model;
		bool guarded;
	} cases[] = {
		{ "none", false }, { "voluntary", false }, { "full", true }, { "lazy", true },
		{ "rt", true }, { "dynamic", true }, { "", true },
	};
	struct features f = kernel_7_2();
	struct plan p;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(f.preempt, cases[i].model);
		strcpy(f.preempt_from, cases[i].model[0] ? "debugfs" : "");
		assert_int_equal(plan_make(&f, &(struct plan_request){ 0 }, &p, err, sizeof(err)), 0);
		assert_int_equal(p.faults.guarded, cases[i].guarded);
		assert_true(!strncmp(p.faults.guard_why, cases[i].guarded ? "yes: " : "no: ",
				     cases[i].guarded ? 5 : 4));
		assert_contains(p.faults.guard_why, cases[i].model[0] ? cases[i].model : "unknown");
	}
}

/* export and top (light): tracepoint mode first where per-VMA locks keep
 * faults off mmap_lock, the usual order before them */
static void plan_light_order(void **state)
{
	struct features k612 = kernel_6_12(), k72 = kernel_7_2(), k61 = kernel_6_1();
	struct plan_request light = { .light = true };
	struct plan p;
	char err[256];

	(void)state;
	assert_int_equal(plan_make(&k612, &light, &p, err, sizeof(err)), 0);
	assert_int_equal(p.faults.modes[0], MMR_MODE_TRACEPOINT);
	assert_int_equal(p.faults.modes[1], MMR_MODE_FENTRY);
	assert_int_equal(plan_make(&k72, &light, &p, err, sizeof(err)), 0);
	assert_int_equal(p.faults.modes[0], MMR_MODE_TRACEPOINT);
	assert_int_equal(plan_make(&k61, &light, &p, err, sizeof(err)), 0);
	assert_int_equal(p.faults.modes[0], MMR_MODE_FENTRY);
	/* a forced mode wins */
	light.mode = MMR_MODE_FENTRY;
	assert_int_equal(plan_make(&k612, &light, &p, err, sizeof(err)), 0);
	assert_int_equal(p.faults.modes[0], MMR_MODE_FENTRY);
	assert_int_equal(p.faults.nmodes, 1);
	/* the probe order follows: tp_btf, and tracepoint mode decides */
	k612.fentry = k612.kprobe = k612.tp_btf = PROBE_NOT_TRIED;
	light.mode = MMR_MODE_NONE;
	assert_int_equal(plan_next_probe(&k612, &light), PROG_TP_BTF);
	k612.tp_btf = PROBE_YES;	/* tracepoint mode decides; its producers want fentry */
	assert_int_equal(plan_next_probe(&k612, &light), PROG_FENTRY);
	k612.fentry = PROBE_NO;
	assert_int_equal(plan_next_probe(&k612, &light), PROG_KPROBE);
	k612.kprobe = PROBE_YES;
	assert_int_equal(plan_next_probe(&k612, &light), PROG_NONE);
	assert_int_equal(producers_kind(&k612), MMR_MODE_KPROBE);

	/* 7.x (preempted BPF programs): the producers by kprobes, exact,
	 * which the probe tries before fentry; fentry where they fail */
	assert_int_equal(plan_make(&k72, &light, &p, err, sizeof(err)), 0);
	assert_int_equal(p.faults.modes[1], MMR_MODE_KPROBE);
	assert_int_equal(producers_kind(&k72), MMR_MODE_KPROBE);
	k72.fentry = k72.kprobe = PROBE_NOT_TRIED;
	assert_int_equal(plan_next_probe(&k72, &light), PROG_KPROBE);
	k72.kprobe = PROBE_NO;
	assert_int_equal(plan_next_probe(&k72, &light), PROG_FENTRY);
	k72.fentry = PROBE_YES;
	assert_int_equal(producers_kind(&k72), MMR_MODE_FENTRY);
	/* 6.12 (voluntary): fentry's, with kprobes working too */
	k612 = kernel_6_12();
	assert_int_equal(producers_kind(&k612), MMR_MODE_FENTRY);
}

int main(void)
{
	const struct CMUnitTest test_plan[] = {
		cmocka_unit_test(plan_light_order),
		cmocka_unit_test(plan_guards_follow_preemption),
		cmocka_unit_test(mode_name_and_parse),
		cmocka_unit_test(plan_6_1_all_modes),
		cmocka_unit_test(plan_6_12_and_7_2),
		cmocka_unit_test(plan_fallback_order),
		cmocka_unit_test(plan_latency_modes),
		cmocka_unit_test(plan_6_18_lockdown_tracepoint_only),
		cmocka_unit_test(plan_no_btf),
		cmocka_unit_test(plan_unprivileged),
		cmocka_unit_test(plan_forced_unsupported),
		cmocka_unit_test(plan_forced_supported),
		cmocka_unit_test(probe_tries_what_the_plan_needs),
		cmocka_unit_test(probe_fentry_refused_kprobes_fine),
		cmocka_unit_test(probe_lazily_plans_the_same),
		cmocka_unit_test(probe_untried_mode_is_a_fallback),
		cmocka_unit_test(plan_err_truncated_safely),
		cmocka_unit_test(usable_needs_ringbuf_and_task_storage),
		cmocka_unit_test(usable_tracepoint_needs),
		cmocka_unit_test(usable_other_modes),
		cmocka_unit_test(hooks_follow_mode_source),
		cmocka_unit_test(hooks_never_lock_vma_under_rcu),
		cmocka_unit_test(anon_vma_modes),
		cmocka_unit_test(plan_lock_and_anon),
		cmocka_unit_test(hooks_none_outside_fentry_kprobe),
		cmocka_unit_test(states_tracepoint_6_1),
		cmocka_unit_test(states_tracepoint_6_12),
		cmocka_unit_test(states_tracepoint_producers),
		cmocka_unit_test(states_fentry_6_12_all_exact),
		cmocka_unit_test(states_fentry_6_1),
		cmocka_unit_test(states_fentry_anon_vma_unseen),
		cmocka_unit_test(states_fentry_missing_producers),
		cmocka_unit_test(states_fentry_swap_either_producer),
		cmocka_unit_test(states_no_handle_mm_fault),
		cmocka_unit_test(plan_to_states_per_kernel),
	};

	return cmocka_run_group_tests(test_plan, NULL, NULL);
}
