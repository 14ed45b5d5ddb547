// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stats/figures.h"
#include "report/render.h"
#include "report/report.h"
#include "lib/util.h"

void report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	r->exit_status = -1;
	r->lost_events.state = VAL_EXACT;
}

void report_warn_missed(const struct report *r)
{
	uint64_t lock = r->lock.traced ? r->lock.missed : 0;
	uint64_t anon = r->anon.traced ? r->anon.missed : 0;

	if (!r->missed_runs && !lock && !anon)
		return;
	mmr_warn("the kernel skipped %llu runs of mmretry's BPF programs (faults %llu, "
		 "mmap_lock %llu, anon_vma %llu: a run preempted on the same CPU); figures may "
		 "be short by as many events", (unsigned long long)(r->missed_runs + lock + anon),
		 (unsigned long long)r->missed_runs, (unsigned long long)lock,
		 (unsigned long long)anon);
}

void report_free(struct report *r)
{
	free(r->procs);
	r->procs = NULL;
	r->nprocs = r->procs_cap = 0;
	report_lock_free(&r->lock);
	report_slow_free(&r->slow);
	report_anon_free(&r->anon);
	report_proclat_free(&r->proclat);
	report_cgroups_free(&r->cgroups);
}

void report_note(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nnotes >= REPORT_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), fmt, ap);
	va_end(ap);
}

void report_set_faults(struct report *r, const struct mmr_fault_counters *c,
		       const uint8_t states[FF_NR])
{
	const uint64_t v[FF_REASON0] = {
		[FF_ATTEMPTS]		= c->attempts,
		[FF_FAULTS]		= c->faults,
		[FF_RETRIES]		= c->retries,
		[FF_COMPLETED]		= c->completed,
		[FF_MAJOR]		= c->major,
		[FF_ERRORS]		= c->errors,
		[FF_VMA_LOCK_ATTEMPTS]	= c->vma_lock_attempts,
		[FF_MMAP_LOCK_ATTEMPTS] = c->mmap_lock_attempts,
		[FF_ABANDONED]		= c->abandoned,
	};
	int i;

	for (i = 0; i < FF_NR; i++) {
		r->faults[i].state = states[i];
		r->faults[i].v = states[i] == VAL_NA ? 0 :
			i < FF_REASON0 ? v[i] : c->reasons[i - FF_REASON0];
	}
	r->lost_events.v = c->lost_events;
	r->lost_events.state = VAL_EXACT;
}

int report_add_event(struct report *r, const struct mmr_retry_event *e)
{
	struct proc_row *p = NULL;
	size_t i;

	r->events++;
	/* newest processes last: scan backwards, they are the likely ones */
	for (i = r->nprocs; i-- > 0;) {
		if (r->procs[i].pid == e->pid) {
			p = &r->procs[i];
			break;
		}
	}
	if (!p) {
		if (r->nprocs == r->procs_cap) {
			size_t cap = r->procs_cap ? r->procs_cap * 2 : 64;
			struct proc_row *n = realloc(r->procs, cap * sizeof(*n));

			if (!n)
				return -ENOMEM;
			r->procs = n;
			r->procs_cap = cap;
		}
		p = &r->procs[r->nprocs++];
		memset(p, 0, sizeof(*p));
		p->pid = e->pid;
	}
	/* the comm of the latest event: exec changes it */
	memcpy(p->comm, e->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	p->retries++;
	if (e->reason < MMR_NR_REASONS)
		p->reasons[e->reason]++;
	return 0;
}

static int cmp_procs(const void *a, const void *b)
{
	const struct proc_row *x = a, *y = b;

	if (x->retries != y->retries)
		return x->retries < y->retries ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

void report_sort_procs(struct report *r)
{
	if (r->nprocs)
		qsort(r->procs, r->nprocs, sizeof(*r->procs), cmp_procs);
}

static int main_reason(const struct proc_row *p)
{
	int i, best = 0;

	for (i = 1; i < MMR_NR_REASONS; i++)
		if (p->reasons[i] > p->reasons[best])
			best = i;
	return best;
}

/* "~1234" for inferred, "n/a" for unavailable */
static const char *fmt_val(char *buf, size_t len, const struct mmr_val *v)
{
	if (v->state == VAL_NA)
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%s%llu", v->state == VAL_INFERRED ? "~" : "",
			 (unsigned long long)v->v);
	return buf;
}

static void print_target(FILE *out, const struct report *r)
{
	char line[81];
	size_t n = 0;
	int i;

	switch (r->target) {
	case TARGET_SYSTEM:
		fprintf(out, "target   all processes\n");
		return;
	case TARGET_PID:
		fprintf(out, "target   pid %d\n", (int)r->pid);
		return;
	case TARGET_CGROUP:
		fprintf(out, "target   cgroup %.64s\n", r->cgroup);
		return;
	case TARGET_COMMAND:
		break;
	case TARGET_MODEL:
		fprintf(out, "target   model %s under %s (seed %llu, scale %g)\n", r->model.scenario,
			r->model.policy, (unsigned long long)r->model.seed, r->model.scale);
		return;
	}
	/* the command line, cut to fit 80 columns with its exit status */
	n = snprintf(line, sizeof(line), "target  ");
	for (i = 0; r->argv && r->argv[i] && n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %s", r->argv[i]);
	if (n >= 66)
		strcpy(line + 62, " ...");
	fputs(line, out);
	if (r->exit_signal > 0)
		fprintf(out, " (killed by %s)", signal_name(r->exit_signal));
	else if (r->exit_status >= 0)
		fprintf(out, " (exit %d)", r->exit_status);
	fputc('\n', out);
}

void report_print_text(FILE *out, const struct report *r)
{
	static const int left[] = { FF_FAULTS, FF_ATTEMPTS, FF_RETRIES, FF_COMPLETED,
				    FF_MAJOR };
	static const int right[] = { FF_VMA_LOCK_ATTEMPTS, FF_MMAP_LOCK_ATTEMPTS,
				     FF_ERRORS, FF_ABANDONED, -1 };
	const struct mmr_val *retries = &r->faults[FF_RETRIES];
	const struct mmr_val *faults = &r->faults[FF_FAULTS];
	bool any_inferred = false;
	char a[32], b[32];
	size_t i, n;

	for (i = 0; i < FF_NR; i++)
		any_inferred |= r->faults[i].state == VAL_INFERRED;

	/* a kernel release can be 64 characters: on a line of its own */
	if (r->target == TARGET_MODEL) {
		fprintf(out, "mmretry model: %.6f s simulated\n", r->duration_s);
	} else if (r->recording) {
		fprintf(out, "mmretry report: %.2f s recorded, faults traced with %s\n",
			r->duration_s, mode_name(r->fault_mode));
		fprintf(out, "recorded %.*s\n", 70, r->recording);
		fprintf(out, "kernel   %s\n", r->kernel);
	} else {
		fprintf(out, "mmretry stat: %.2f s, faults traced with %s\n", r->duration_s,
			mode_label(r->fault_mode, r->producers));
		fprintf(out, "kernel   %s\n", r->kernel);
	}
	print_target(out, r);
	fputc('\n', out);
	for (i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		fprintf(out, "  %-18s %12s", fault_fig_names[left[i]],
			fmt_val(a, sizeof(a), &r->faults[left[i]]));
		if (right[i] >= 0)
			fprintf(out, "     %-18s %12s", fault_fig_names[right[i]],
				fmt_val(b, sizeof(b), &r->faults[right[i]]));
		else
			fprintf(out, "     %-18s %12s", "lost_events",
				fmt_val(b, sizeof(b), &r->lost_events));
		fputc('\n', out);
	}
	if (retries->state != VAL_NA && faults->state != VAL_NA && faults->v)
		fprintf(out, "  %-18s %11.2f%%\n", "retries/faults",
			100.0 * retries->v / faults->v);

	fprintf(out, "\nretry reasons\n");
	for (i = 0; i < MMR_NR_REASONS; i++) {
		const struct mmr_val *v = &r->faults[FF_REASON0 + i];
		int bar = 0;

		fprintf(out, "  %-14s %12s", reason_names[i], fmt_val(a, sizeof(a), v));
		if (v->state != VAL_NA && retries->v) {
			double pct = 100.0 * v->v / retries->v;

			bar = (int)(pct * 40 / 100 + 0.5);
			fprintf(out, " %6.1f%% ", pct);
			while (bar-- > 0)
				fputc('*', out);
		}
		fputc('\n', out);
	}

	if (r->nprocs) {
		n = r->nprocs < 10 ? r->nprocs : 10;
		fprintf(out, "\nprocesses by retries\n  %-8s %-16s %10s  %s\n", "PID", "COMM",
			"RETRIES", "MAIN REASON");
		for (i = 0; i < n; i++)
			fprintf(out, "  %-8u %-16s %10llu  %s\n", r->procs[i].pid,
				r->procs[i].comm, (unsigned long long)r->procs[i].retries,
				reason_names[main_reason(&r->procs[i])]);
		if (r->nprocs > n)
			fprintf(out, "  (%zu more)\n", r->nprocs - n);
	}
	report_print_latency_text(out, &r->latency);
	report_print_proclat_text(out, &r->proclat, r->duration_s);
	report_print_cgroups_text(out, &r->cgroups);
	report_print_slow_text(out, &r->slow, &r->lock);
	if (r->lock.traced)
		report_print_lock_text(out, &r->lock);
	else
		fprintf(out, "\nmmap_lock: n/a (not traced; see notes)\n");
	report_print_anon_text(out, &r->anon);
	if (any_inferred)
		fprintf(out, "\n~ inferred from tracepoints; n/a: not observable in this mode\n");
	for (i = 0; i < (size_t)r->nnotes; i++) {
		/* the anon_vma section has just said why it is n/a (JSON keeps
		 * the note for machines) */
		static const char anon_note[] = "anon_vma not traced";

		if (!r->anon.traced && !strncmp(r->notes[i], anon_note, sizeof(anon_note) - 1))
			continue;
		fprintf(out, "note: %s\n", r->notes[i]);
	}
}

static json_t *val_json(const struct mmr_val *v)
{
	return v->state == VAL_NA ? json_null() : json_integer((json_int_t)v->v);
}

json_t *report_to_json(const struct report *r)
{
	json_t *root = json_object(), *faults = json_object(), *reasons = json_object();
	json_t *inferred = json_array(), *procs = json_array(), *notes = json_array();
	json_t *target = json_object(), *modes = json_object(), *pl;
	size_t i;
	int j;

	if (!root || !faults || !reasons || !inferred || !procs || !notes || !target || !modes)
		goto fail;
	json_object_set_new(root, "schema", json_string(REPORT_SCHEMA));
	json_object_set_new(root, "mmretry_version", json_string(MMRETRY_VERSION));
	json_object_set_new(root, "kernel", r->target == TARGET_MODEL ? json_null() :
			    json_bytes(r->kernel));
	json_object_set_new(modes, "faults", json_string(r->target == TARGET_MODEL ? "model" :
							 mode_name(r->fault_mode)));
	/* tracepoint mode's producer hooks (fentry or kprobes), where any */
	json_object_set_new(modes, "producers", r->producers == MMR_MODE_NONE ? json_null() :
			    json_string(mode_name(r->producers)));
	json_object_set_new(modes, "mmap_lock", !r->lock.traced ? json_null() :
			    json_string(r->target == TARGET_MODEL ? "model" : "tracepoint"));
	/* the anon_vma programs attach in the faults' mode (fentry or kprobe) */
	json_object_set_new(modes, "anon_vma", !r->anon.traced ? json_null() :
			    json_string(r->target == TARGET_MODEL ? "model" : mode_name(r->fault_mode)));
	json_object_set_new(root, "modes", modes);

	switch (r->target) {
	case TARGET_SYSTEM:
		json_object_set_new(target, "kind", json_string("system"));
		break;
	case TARGET_PID:
		json_object_set_new(target, "kind", json_string("pid"));
		json_object_set_new(target, "pid", json_integer(r->pid));
		break;
	case TARGET_CGROUP:
		json_object_set_new(target, "kind", json_string("cgroup"));
		json_object_set_new(target, "path", json_bytes(r->cgroup));
		break;
	case TARGET_COMMAND: {
		json_t *argv = json_array();

		json_object_set_new(target, "kind", json_string("command"));
		for (j = 0; r->argv && r->argv[j]; j++)
			json_array_append_new(argv, json_bytes(r->argv[j]));
		json_object_set_new(target, "argv", argv);
		json_object_set_new(target, "exit_status", r->exit_status >= 0 ?
				    json_integer(r->exit_status) : json_null());
		json_object_set_new(target, "signal", r->exit_signal > 0 ?
				    json_string(signal_name(r->exit_signal)) : json_null());
		break;
	}
	case TARGET_MODEL:
		json_object_set_new(target, "kind", json_string("model"));
		json_object_set_new(target, "scenario", json_string(r->model.scenario));
		json_object_set_new(target, "policy", json_string(r->model.policy));
		json_object_set_new(target, "seed", json_integer((json_int_t)r->model.seed));
		json_object_set_new(target, "scale", json_real(r->model.scale));
		break;
	}
	json_object_set_new(root, "target", target);
	json_object_set_new(root, "duration_s", json_real(r->duration_s));

	for (i = 0; i < FF_REASON0; i++)
		json_object_set_new(faults, fault_fig_names[i], val_json(&r->faults[i]));
	for (i = 0; i < MMR_NR_REASONS; i++)
		json_object_set_new(reasons, reason_names[i], val_json(&r->faults[FF_REASON0 + i]));
	json_object_set_new(faults, "retry_reasons", reasons);
	for (i = 0; i < FF_NR; i++)
		if (r->faults[i].state == VAL_INFERRED)
			json_array_append_new(inferred, json_string(i < FF_REASON0 ?
				fault_fig_names[i] : reason_names[i - FF_REASON0]));
	json_object_set_new(faults, "inferred", inferred);
	json_object_set_new(root, "faults", faults);
	json_object_set_new(root, "lost_events", val_json(&r->lost_events));
	json_object_set_new(root, "missed_runs", json_integer((json_int_t)r->missed_runs));
	json_object_set_new(root, "retry_events", json_integer((json_int_t)r->events));

	for (i = 0; i < r->nprocs; i++) {
		const struct proc_row *p = &r->procs[i];
		json_t *o = json_object(), *rr = json_object();

		json_object_set_new(o, "pid", json_integer(p->pid));
		json_object_set_new(o, "comm", json_bytes(p->comm));
		json_object_set_new(o, "retries", json_integer((json_int_t)p->retries));
		for (j = 0; j < MMR_NR_REASONS; j++)
			if (p->reasons[j])
				json_object_set_new(rr, reason_names[j],
						    json_integer((json_int_t)p->reasons[j]));
		json_object_set_new(o, "retry_reasons", rr);
		json_array_append_new(procs, o);
	}
	json_object_set_new(root, "processes", procs);
	json_object_set_new(root, "fault_latency", report_latency_json(&r->latency));
	if ((pl = report_proclat_json(&r->proclat, r->duration_s)))
		json_object_set_new(root, "fault_latency_processes", pl);
	if ((pl = report_cgroups_json(&r->cgroups)))
		json_object_set_new(root, "cgroups", pl);
	json_object_set_new(root, "slow_faults", report_slow_json(&r->slow, &r->lock));
	json_object_set_new(root, "mmap_lock", r->lock.traced ? report_lock_json(&r->lock) :
			    json_null());
	json_object_set_new(root, "anon_vma", report_anon_json(&r->anon));
	for (j = 0; j < r->nnotes; j++)
		json_array_append_new(notes, json_bytes(r->notes[j]));
	json_object_set_new(root, "notes", notes);
	return root;
fail:
	json_decref(root);
	json_decref(faults);
	json_decref(reasons);
	json_decref(inferred);
	json_decref(procs);
	json_decref(notes);
	json_decref(target);
	json_decref(modes);
	return NULL;
}

int report_print_json(FILE *out, const struct report *r)
{
	json_t *j = report_to_json(r);
	int err;

	if (!j)
		return -ENOMEM;
	err = json_dumpf(j, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) ? -EIO : 0;
	fputc('\n', out);
	json_decref(j);
	return err;
}
