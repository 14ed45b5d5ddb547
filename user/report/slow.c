// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report/slow.c: the slowest faults (slow.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "report/render.h"
#include "report/slow.h"
#include "stats/figures.h"
#include "stats/mmap_lock.h"

#define TOP_N 10
#define MAX_BLOCKERS 2
#define WIDTH 80

static int by_duration(const void *a, const void *b)
{
	const struct slow_fault *x = a, *y = b;

	if (x->e.dur_ns != y->e.dur_ns)
		return x->e.dur_ns > y->e.dur_ns ? -1 : 1;
	return x->e.start_ns < y->e.start_ns ? -1 : x->e.start_ns > y->e.start_ns;
}

static void drop(struct slow_fault *f)
{
	free(f->kstack);
	free(f->ustack);
	free(f->path);
}

/* slowest first, the rest past REPORT_MAX_SLOW dropped */
void report_slow_sort(struct report_slow *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), by_duration);
	while (s->n > REPORT_MAX_SLOW)
		drop(&s->v[--s->n]);
}

int report_add_slow(struct report_slow *s, const struct mmr_fault_event *e, const char *path)
{
	struct slow_fault *f;

	s->streamed++;
	/* amortised: sort and cut once twice the kept number arrived */
	if (s->n >= 2 * REPORT_MAX_SLOW)
		report_slow_sort(s);
	f = array_push((void **)&s->v, &s->n, &s->cap, sizeof(*f));
	if (!f)
		return -ENOMEM;
	memset(f, 0, sizeof(*f));
	f->e = *e;
	f->e.comm[sizeof(f->e.comm) - 1] = '\0';
	if (path)
		f->path = strdup(path);
	return 0;
}

void report_slow_free(struct report_slow *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		drop(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* how many of its attempts the event keeps, and which attempt slot k is:
 * the first ones, and the last in the last slot */
static unsigned kept(const struct mmr_fault_event *e)
{
	return e->attempts < MMR_FAULT_ATTEMPTS ? e->attempts : MMR_FAULT_ATTEMPTS;
}

static unsigned attempt_no(const struct mmr_fault_event *e, unsigned k)
{
	return k == MMR_FAULT_ATTEMPTS - 1 ? e->attempts : k + 1;
}

static const char *reason_of(uint8_t r)
{
	return r < MMR_NR_REASONS ? reason_names[r] : NULL;
}

static const char *vma_of(uint8_t k)
{
	return k < MMR_NR_VMA_KINDS ? vma_kind_names[k] : "unknown";
}

/*
 * The write (or read) holds of the fault's mm that overlapped the gap
 * before attempt slot k, in which its thread re-took mmap_lock: as a
 * writer's wait is matched (find_blockers), the gap standing for the wait.
 */
static size_t blockers_of(const struct mmr_fault_event *e, unsigned k,
			  const struct mmr_lock_event *holds, size_t nholds, struct blocker *out)
{
	const struct mmr_fault_attempt *a = &e->attempt[k];
	struct mmr_lock_event w = { .kind = MMR_LOCK_EV_WAIT, .mm = e->mm, .tid = e->tid };

	if (!k || !a->lock_waited || !a->lock_wait_ns || !holds)
		return 0;
	w.ts_ns = a->start_ns;
	w.dur_ns = a->gap_ns;
	return find_blockers(&w, holds, nholds, out, MAX_BLOCKERS);
}

/* One line of at most WIDTH columns, cut with "..." */
static void line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void line(FILE *out, const char *fmt, ...)
{
	char buf[WIDTH + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > WIDTH)
		memcpy(buf + WIDTH - 3, "...", 4);
	fprintf(out, "%s\n", buf);
}

/* a folded stack's leaf end, what fits in width columns: "...;f;g;leaf" */
static const char *tail(const char *folded, size_t width)
{
	size_t len = strlen(folded);
	const char *p;

	if (len <= width)
		return folded;
	p = folded + len - (width - 3);
	while (*p && *p != ';')
		p++;
	return *p ? p : folded + len - (width - 3);
}

static void print_stack(FILE *out, const char *label, const char *folded)
{
	const size_t indent = 6 + 8;
	const char *t;

	if (!folded)
		return;
	t = tail(folded, WIDTH - indent);
	line(out, "      %-7s %s%s", label, t == folded ? "" : "...", t);
}

static void print_fault(FILE *out, const struct slow_fault *f, const struct report_slow *s,
			const struct mmr_lock_event *holds, size_t nholds)
{
	const struct mmr_fault_event *e = &f->e;
	char a[24], b[24], c[24];
	unsigned k, n = kept(e);

	line(out, "  %9s  %u/%u %s: %s fault at 0x%llx (%s)", fmt_ns(a, sizeof(a), e->dur_ns),
	     e->pid, e->tid, e->comm[0] ? e->comm : "?",
	     e->origin == MMR_ORIGIN_USER ? "user" : "kernel", (unsigned long long)e->addr,
	     vma_of(e->vma_kind));
	line(out, "      %u attempt%s%s%s%s", e->attempts, e->attempts == 1 ? "" : "s",
	     (e->result & MMR_VM_FAULT_MAJOR) ? ", major" : "",
	     (e->result & MMR_VM_FAULT_COMPLETED) ? ", completed" : "",
	     (e->result & MMR_VM_FAULT_ERROR) ? ", error" : "");
	if (e->file)
		line(out, "      file dev %u:%u ino %llu %s", MMR_DEV_MAJOR(e->dev),
		     MMR_DEV_MINOR(e->dev), (unsigned long long)e->ino,
		     f->path ? f->path : "(path unresolved)");
	for (k = 0; k < n; k++) {
		const struct mmr_fault_attempt *x = &e->attempt[k];
		struct blocker bl[MAX_BLOCKERS];
		size_t i, nb;

		if (k == MMR_FAULT_ATTEMPTS - 1 && e->attempts > MMR_FAULT_ATTEMPTS)
			line(out, "      (attempts %u to %u not kept)", MMR_FAULT_ATTEMPTS,
			     e->attempts - 1);
		if (k && !s->lock_traced)
			line(out, "      gap %9s  (mmap_lock wait n/a: not traced)",
			     fmt_ns(a, sizeof(a), x->gap_ns));
		else if (k && !x->lock_waited)
			line(out, "      gap %9s  (no mmap_lock re-take seen)",
			     fmt_ns(a, sizeof(a), x->gap_ns));
		else if (k)
			line(out, "      gap %9s  mmap_lock wait %s", fmt_ns(a, sizeof(a), x->gap_ns),
			     fmt_ns(b, sizeof(b), x->lock_wait_ns));
		nb = blockers_of(e, k, holds, nholds, bl);
		for (i = 0; i < nb; i++)
			line(out, "        blocked by %u/%u %s: %s hold of %s, %s in the gap", bl[i].pid,
			     bl[i].tid, bl[i].comm, bl[i].write ? "write" : "read",
			     fmt_ns(a, sizeof(a), bl[i].hold_ns), fmt_ns(c, sizeof(c), bl[i].overlap_ns));
		if (x->reason < MMR_NR_REASONS)
			line(out, "      attempt %-3u %9s  retried: %s", attempt_no(e, k),
			     fmt_ns(a, sizeof(a), x->dur_ns), reason_names[x->reason]);
		else
			line(out, "      attempt %-3u %9s  done", attempt_no(e, k),
			     fmt_ns(a, sizeof(a), x->dur_ns));
	}
	print_stack(out, "user", f->ustack);
	print_stack(out, "kernel", f->kstack);
}

void report_print_slow_text(FILE *out, const struct report_slow *s, const struct report_lock *l)
{
	struct mmr_lock_event *holds = NULL;
	size_t i, n, nholds = 0;
	char a[24];

	if (!s->traced) {
		fprintf(out, "\nslowest faults: n/a (%s)\n", s->why ? s->why : "not traced");
		return;
	}
	fprintf(out, "\nslowest faults (>= %s): %llu streamed, %llu lost",
		fmt_ns(a, sizeof(a), s->min_fault_ns), (unsigned long long)s->streamed,
		(unsigned long long)s->lost);
	n = s->n < TOP_N ? s->n : TOP_N;
	if (n)
		fprintf(out, "; the %zu slowest", n);
	fputc('\n', out);
	if (l && l->traced && s->lock_traced) {
		holds = report_lock_events(l);
		nholds = l->nlongs;
	}
	for (i = 0; i < n; i++)
		print_fault(out, &s->v[i], s, holds, nholds);
	free(holds);
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *attempts_json(const struct mmr_fault_event *e, const struct report_slow *s,
			     const struct mmr_lock_event *holds, size_t nholds)
{
	json_t *arr = json_array();
	unsigned k;

	for (k = 0; k < kept(e); k++) {
		const struct mmr_fault_attempt *x = &e->attempt[k];
		json_t *o = json_object(), *bs = json_null();
		struct blocker bl[MAX_BLOCKERS];
		size_t i, nb;

		json_object_set_new(o, "attempt", json_integer(attempt_no(e, k)));
		json_object_set_new(o, "start_ns", json_integer((json_int_t)x->start_ns));
		json_object_set_new(o, "duration_ns", json_integer((json_int_t)x->dur_ns));
		json_object_set_new(o, "retry_reason", str_or_null(reason_of(x->reason)));
		json_object_set_new(o, "major", json_boolean(x->result & MMR_VM_FAULT_MAJOR));
		json_object_set_new(o, "gap_ns", k ? json_integer((json_int_t)x->gap_ns) : json_null());
		json_object_set_new(o, "lock_wait_ns", k && s->lock_traced && x->lock_waited ?
				    json_integer((json_int_t)x->lock_wait_ns) : json_null());
		if (k && s->lock_traced) {
			bs = json_array();
			nb = blockers_of(e, k, holds, nholds, bl);
			for (i = 0; i < nb; i++)
				json_array_append_new(bs, blocker_json(&bl[i]));
		}
		json_object_set_new(o, "blockers", bs);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *fault_json(const struct slow_fault *f, const struct report_slow *s,
			  const struct mmr_lock_event *holds, size_t nholds)
{
	const struct mmr_fault_event *e = &f->e;
	json_t *o = json_object(), *file = json_null();
	char dev[24];

	json_object_set_new(o, "pid", json_integer(e->pid));
	json_object_set_new(o, "tid", json_integer(e->tid));
	json_object_set_new(o, "comm", json_bytes(e->comm[0] ? e->comm : "?"));
	json_object_set_new(o, "address", json_integer((json_int_t)e->addr));
	json_object_set_new(o, "origin", json_string(e->origin == MMR_ORIGIN_USER ? "user" :
						     "kernel"));
	json_object_set_new(o, "vma", json_string(vma_of(e->vma_kind)));
	json_object_set_new(o, "start_ns", json_integer((json_int_t)e->start_ns));
	json_object_set_new(o, "duration_ns", json_integer((json_int_t)e->dur_ns));
	json_object_set_new(o, "attempts", json_integer(e->attempts));
	json_object_set_new(o, "major", json_boolean(e->result & MMR_VM_FAULT_MAJOR));
	json_object_set_new(o, "completed", json_boolean(e->result & MMR_VM_FAULT_COMPLETED));
	json_object_set_new(o, "error", json_boolean(e->result & MMR_VM_FAULT_ERROR));
	json_object_set_new(o, "first_reason", str_or_null(reason_of(e->first_reason)));
	json_object_set_new(o, "last_reason", str_or_null(reason_of(e->last_reason)));
	if (e->file) {
		file = json_object();
		snprintf(dev, sizeof(dev), "%u:%u", MMR_DEV_MAJOR(e->dev), MMR_DEV_MINOR(e->dev));
		json_object_set_new(file, "dev", json_string(dev));
		json_object_set_new(file, "ino", json_integer((json_int_t)e->ino));
		json_object_set_new(file, "path", f->path ? json_bytes(f->path) : json_null());
	}
	json_object_set_new(o, "file", file);
	json_object_set_new(o, "kept_attempts", attempts_json(e, s, holds, nholds));
	json_object_set_new(o, "kernel_stack", str_or_null(f->kstack));
	json_object_set_new(o, "user_stack", str_or_null(f->ustack));
	return o;
}

json_t *report_slow_json(const struct report_slow *s, const struct report_lock *l)
{
	struct mmr_lock_event *holds = NULL;
	json_t *o, *arr;
	size_t i, nholds = 0;

	if (!s->traced)
		return json_null();
	if (l && l->traced && s->lock_traced) {
		holds = report_lock_events(l);
		nholds = l->nlongs;
	}
	o = json_object();
	arr = json_array();
	json_object_set_new(o, "min_fault_ns", json_integer((json_int_t)s->min_fault_ns));
	json_object_set_new(o, "streamed", json_integer((json_int_t)s->streamed));
	json_object_set_new(o, "lost", json_integer((json_int_t)s->lost));
	json_object_set_new(o, "lock_wait_traced", json_boolean(s->lock_traced));
	for (i = 0; i < s->n; i++)
		json_array_append_new(arr, fault_json(&s->v[i], s, holds, nholds));
	json_object_set_new(o, "faults", arr);
	free(holds);
	return o;
}

static void folded_part(FILE *out, const struct slow_fault *f, const char *part, uint64_t ns)
{
	if (!ns)
		return;
	fprintf(out, "%s;fault_stall", f->e.comm[0] ? f->e.comm : "?");
	if (f->ustack)
		fprintf(out, ";%s", f->ustack);
	if (f->kstack)
		fprintf(out, ";%s", f->kstack);
	fprintf(out, ";%s %llu\n", part, (unsigned long long)ns);
}

int report_print_slow_folded(FILE *out, const struct report_slow *s)
{
	char part[48];
	size_t i;
	unsigned k;

	for (i = 0; i < s->n; i++) {
		const struct slow_fault *f = &s->v[i];
		const struct mmr_fault_event *e = &f->e;
		uint64_t left = e->dur_ns;

		for (k = 0; k < kept(e); k++) {
			const struct mmr_fault_attempt *x = &e->attempt[k];
			uint64_t wait = x->lock_waited ? x->lock_wait_ns : 0, gap = x->gap_ns;

			if (k) {	/* the gap before it: the lock wait in it, the rest */
				wait = wait < gap ? wait : gap;
				folded_part(out, f, "retry_mmap_lock_wait", wait);
				folded_part(out, f, "retry_gap", gap - wait);
				left -= gap <= left ? gap : left;
			}
			if (x->reason < MMR_NR_REASONS)
				snprintf(part, sizeof(part), "attempt_retried_%s", reason_names[x->reason]);
			else
				snprintf(part, sizeof(part), "attempt_last");
			folded_part(out, f, part, x->dur_ns);
			left -= x->dur_ns <= left ? x->dur_ns : left;
		}
		/* attempts not kept, and the gaps around them */
		folded_part(out, f, "attempts_not_kept", left);
	}
	return ferror(out) ? -EIO : 0;
}
