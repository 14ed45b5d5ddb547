// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* report/mmap_lock.c: the mmap_lock section of the stat report. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "report/mmap_lock.h"
#include "report/render.h"

#define TOP_N 10
#define MAX_BLOCKERS 4

void report_set_lock_rows(struct report_lock *l, struct lock_row *rows, size_t n)
{
	size_t i;

	free(l->rows);
	l->rows = rows;
	l->nrows = n;
	memset(l->total, 0, sizeof(l->total));
	for (i = 0; i < n; i++) {
		lock_stats_merge(&l->total[0], &rows[i].mode[0]);
		lock_stats_merge(&l->total[1], &rows[i].mode[1]);
	}
}

int report_add_lock_event(struct report_lock *l, const struct mmr_lock_event *e)
{
	if (l->nlongs >= REPORT_MAX_LONGS) {
		l->lost++;
		return 0;
	}
	if (l->nlongs == l->longs_cap) {
		size_t cap = l->longs_cap ? l->longs_cap * 2 : 64;
		struct lock_long *grown;

		if (cap > REPORT_MAX_LONGS)
			cap = REPORT_MAX_LONGS;
		grown = realloc(l->longs, cap * sizeof(*grown));
		if (!grown) {
			l->lost++;
			return 0;
		}
		l->longs = grown;
		l->longs_cap = cap;
	}
	memset(&l->longs[l->nlongs], 0, sizeof(l->longs[0]));
	l->longs[l->nlongs].e = *e;
	l->longs[l->nlongs].e.comm[sizeof(e->comm) - 1] = '\0';
	l->nlongs++;
	return 0;
}

void report_lock_free(struct report_lock *l)
{
	size_t i;

	for (i = 0; i < l->nlongs; i++) {
		free(l->longs[i].kstack);
		free(l->longs[i].ustack);
	}
	free(l->longs);
	free(l->rows);
	memset(l, 0, sizeof(*l));
}

const char *stack_site(const char *folded)
{
	const char *leaf;

	if (!folded)
		return NULL;
	leaf = strrchr(folded, ';');
	return leaf ? leaf + 1 : folded;
}

/* "in a page fault at 0x7f.. that did I/O", "not in a page fault (m_stop)" */
static const char *doing(char *buf, size_t len, bool in_fault, uint8_t fault, uint64_t addr,
			 const char *site)
{
	size_t n;

	if (!in_fault) {
		snprintf(buf, len, "not in a page fault%s%s%s", site ? " (" : "", site ? site : "",
			 site ? ")" : "");
		return buf;
	}
	n = (size_t)snprintf(buf, len, "in a page fault");
	if (n < len && (fault & MMR_LOCK_FAULT_ADDR))
		n += (size_t)snprintf(buf + n, len - n, " at 0x%llx", (unsigned long long)addr);
	if (n < len && (fault & MMR_LOCK_FAULT_IO_KNOWN))
		snprintf(buf + n, len - n, (fault & MMR_LOCK_FAULT_IO) ? " that did I/O" :
			 " without I/O");
	return buf;
}

struct mmr_lock_event *report_lock_events(const struct report_lock *l)
{
	struct mmr_lock_event *holds = calloc(l->nlongs ? l->nlongs : 1, sizeof(*holds));
	size_t i;

	for (i = 0; holds && i < l->nlongs; i++)
		holds[i] = l->longs[i].e;
	return holds;
}

static void print_blockers(FILE *out, const struct report_lock *l,
			   const struct mmr_lock_event *holds, const struct lock_long *w)
{
	struct blocker b[MAX_BLOCKERS];
	size_t i, n;
	char a[24], c[24], d[128];

	n = find_blockers(&w->e, holds, l->nlongs, b, MAX_BLOCKERS);
	if (!n)
		fprintf(out, "      no hold of %s or more (or blocking a writer for %s) seen\n",
			fmt_ns(a, sizeof(a), l->min_hold_ns),
			fmt_ns(c, sizeof(c), l->min_hold_ns / MMR_BLOCKER_DIV));
	/* two lines, 80 columns: what the holder was doing gives way, its
	 * site first (JSON has the whole stack) */
	for (i = 0; i < n; i++) {
		const char *tail = b[i].remote ? ", on another process's mm" : "";
		char line[128];
		int room;

		fprintf(out, "      blocked by %u/%u %s: %s hold of %s,\n", b[i].pid, b[i].tid,
			b[i].comm, b[i].write ? "write" : "read", fmt_ns(a, sizeof(a), b[i].hold_ns));
		snprintf(line, sizeof(line), "        %s during the wait",
			 fmt_ns(c, sizeof(c), b[i].overlap_ns));
		room = 80 - (int)strlen(line) - (int)strlen(", ") - (int)strlen(tail);
		doing(d, sizeof(d), b[i].in_fault, b[i].fault, b[i].fault_addr,
		      stack_site(l->longs[b[i].index].kstack));
		if ((int)strlen(d) > room)
			doing(d, sizeof(d), b[i].in_fault, b[i].fault, b[i].fault_addr, NULL);
		if (room >= 8)
			fprintf(out, "%s, %.*s%s\n", line, room, d, tail);
		else
			fprintf(out, "%s%s\n", line, tail);
	}
}

/* ", clause" after col columns, or, past 80, "," and the clause on a line
 * of its own, indented; the columns after it */
static int print_clause(FILE *out, int col, const char *clause)
{
	int n = (int)strlen(clause);

	if (col + 2 + n <= 80)
		return col + fprintf(out, ", %s", clause);
	fprintf(out, ",\n  %s", clause);
	return 2 + n;
}

static int longest_first(const void *a, const void *b)
{
	const struct lock_long *x = *(const struct lock_long *const *)a;
	const struct lock_long *y = *(const struct lock_long *const *)b;

	if (x->e.dur_ns != y->e.dur_ns)
		return x->e.dur_ns < y->e.dur_ns ? 1 : -1;
	return x < y ? -1 : x > y;	/* ties in arrival order */
}

void report_print_lock_text(FILE *out, const struct report_lock *l)
{
	const struct lock_long **order;
	struct mmr_lock_event *holds;
	struct lock_row *rows;
	size_t i, n, nlong;
	char a[24], b[24], clause[80];
	int m, col;

	fprintf(out, "\nmmap_lock\n");
	for (m = 0; m < 2; m++) {
		const struct mmr_lock_stats *s = &l->total[m];

		/* remote: the lock of another process's mm (/proc reads,
		 * access_remote_vm(), GUP on another mm) */
		fprintf(out, "%s: %llu acquisitions, %llu failed trylocks/waits, %llu of "
			"another process's mm\n", m ? "write" : "read",
			(unsigned long long)s->acquisitions, (unsigned long long)s->failures,
			(unsigned long long)s->remote);
		if (m && s->downgrades)
			fprintf(out, "  (%llu downgraded to read)\n", (unsigned long long)s->downgrades);
		print_hist(out, "wait", &s->wait, "ns");
		print_hist(out, "hold", &s->hold, "ns");
	}
	if (l->by_cgroup) {
		fprintf(out, "\nprocesses by mmap_lock: n/a (--by cgroup: the rows are cgroups)\n");
	} else if (l->nrows) {
		rows = malloc(l->nrows * sizeof(*rows));
		if (rows) {
			memcpy(rows, l->rows, l->nrows * sizeof(*rows));
			n = l->nrows < TOP_N ? l->nrows : TOP_N;
			lock_rows_sort_by_write_hold(rows, l->nrows);
			fprintf(out, "\nprocesses by mmap_lock write hold\n  %-8s %-16s %12s %10s\n",
				"PID", "COMM", "WRITE HOLD", "HOLDS");
			for (i = 0; i < n; i++)
				fprintf(out, "  %-8u %-16s %12s %10llu\n", rows[i].pid, rows[i].comm,
					fmt_ns(a, sizeof(a), rows[i].mode[1].hold.sum_ns),
					(unsigned long long)rows[i].mode[1].hold.count);
			lock_rows_sort_by_wait(rows, l->nrows);
			fprintf(out, "\nprocesses by mmap_lock wait\n  %-8s %-16s %12s %12s\n",
				"PID", "COMM", "READ WAIT", "WRITE WAIT");
			for (i = 0; i < n; i++)
				fprintf(out, "  %-8u %-16s %12s %12s\n", rows[i].pid, rows[i].comm,
					fmt_ns(a, sizeof(a), rows[i].mode[0].wait.sum_ns),
					fmt_ns(b, sizeof(b), rows[i].mode[1].wait.sum_ns));
			free(rows);
		}
	}
	for (i = 0, nlong = 0; i < l->nlongs; i++)
		nlong += l->longs[i].e.dur_ns >= l->min_hold_ns;
	/* the count, then what else there is to say, wrapped at 80 columns */
	col = fprintf(out, "\nlong holds and waits (>= %s): %zu", fmt_ns(a, sizeof(a), l->min_hold_ns),
		      nlong) - 1;
	if (l->nlongs > nlong) {
		snprintf(clause, sizeof(clause), "and %zu shorter holds that blocked a writer",
			 l->nlongs - nlong);
		col = print_clause(out, col, clause);
	}
	if (l->lost) {
		snprintf(clause, sizeof(clause), "%llu lost", (unsigned long long)l->lost);
		col = print_clause(out, col, clause);
	}
	if (l->missed) {
		snprintf(clause, sizeof(clause), "%llu program runs skipped by the kernel",
			 (unsigned long long)l->missed);
		print_clause(out, col, clause);
	}
	fputc('\n', out);
	holds = report_lock_events(l);
	order = malloc((nlong ? nlong : 1) * sizeof(*order));
	if (!holds || !order) {
		free(holds);
		free(order);
		return;
	}
	/* the longest first, TOP_N of them (JSON has every one); a write wait
	 * with what blocked it */
	for (i = 0, n = 0; i < l->nlongs; i++)
		if (l->longs[i].e.dur_ns >= l->min_hold_ns)
			order[n++] = &l->longs[i];
	qsort(order, n, sizeof(*order), longest_first);
	if (n > TOP_N)
		fprintf(out, "  the %d longest (--json lists all of them):\n", TOP_N);
	for (i = 0; i < n && i < TOP_N; i++) {
		const struct lock_long *x = order[i];
		bool wait = x->e.kind == MMR_LOCK_EV_WAIT;
		const char *tail = x->e.remote ? " (another process's mm)" : "";
		char head[96];
		int room;

		snprintf(head, sizeof(head), "  %u/%u %s: %s %s of %s", x->e.pid, x->e.tid,
			 x->e.comm, x->e.write ? "write" : "read", wait ? "wait" : "hold",
			 fmt_ns(a, sizeof(a), x->e.dur_ns));
		/* 80 columns: the site gives way (JSON has the whole stack) */
		room = 80 - (int)strlen(head) - (int)strlen(tail) - (int)strlen(" in ");
		if (x->kstack && room >= 8)
			fprintf(out, "%s in %.*s%s\n", head, room, stack_site(x->kstack), tail);
		else
			fprintf(out, "%s%s\n", head, tail);
		if (wait && x->e.write)
			print_blockers(out, l, holds, x);
	}
	free(order);
	free(holds);
}

json_t *lock_stats_json(const struct mmr_lock_stats *s, bool write)
{
	json_t *o = json_object();

	json_object_set_new(o, "acquisitions", json_integer((json_int_t)s->acquisitions));
	json_object_set_new(o, "holds", json_integer((json_int_t)s->hold.count));
	json_object_set_new(o, "trylock_failures", json_integer((json_int_t)s->failures));
	json_object_set_new(o, "remote", json_integer((json_int_t)s->remote));
	if (write)
		json_object_set_new(o, "downgrades", json_integer((json_int_t)s->downgrades));
	json_object_set_new(o, "wait_ns", hist_json(&s->wait));
	json_object_set_new(o, "hold_ns", hist_json(&s->hold));
	return o;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* the fault a lock was taken for: null if none, else what is known of it */
static json_t *fault_json(bool in_fault, uint8_t fault, uint64_t addr)
{
	json_t *o;

	if (!in_fault)
		return json_null();
	o = json_object();
	json_object_set_new(o, "address", (fault & MMR_LOCK_FAULT_ADDR) ?
			    json_integer((json_int_t)addr) : json_null());
	json_object_set_new(o, "io", (fault & MMR_LOCK_FAULT_IO_KNOWN) ?
			    json_boolean(fault & MMR_LOCK_FAULT_IO) : json_null());
	return o;
}

json_t *blocker_json(const struct blocker *b)
{
	json_t *o = json_object();

	json_object_set_new(o, "pid", json_integer(b->pid));
	json_object_set_new(o, "tid", json_integer(b->tid));
	json_object_set_new(o, "comm", json_bytes(b->comm[0] ? b->comm : "?"));
	json_object_set_new(o, "mode", json_string(b->write ? "write" : "read"));
	json_object_set_new(o, "overlap_ns", json_integer((json_int_t)b->overlap_ns));
	json_object_set_new(o, "hold_ns", json_integer((json_int_t)b->hold_ns));
	return o;
}

json_t *report_lock_json(const struct report_lock *l)
{
	json_t *o = json_object(), *procs = json_array(), *longs = json_array();
	struct mmr_lock_event *holds = NULL;
	size_t i, k;

	json_object_set_new(o, "read", lock_stats_json(&l->total[0], false));
	json_object_set_new(o, "write", lock_stats_json(&l->total[1], true));
	for (i = 0; i < l->nrows; i++) {
		json_t *p = json_object();

		json_object_set_new(p, "pid", json_integer(l->rows[i].pid));
		json_object_set_new(p, "comm", json_bytes(l->rows[i].comm[0] ? l->rows[i].comm : "?"));
		json_object_set_new(p, "read", lock_stats_json(&l->rows[i].mode[0], false));
		json_object_set_new(p, "write", lock_stats_json(&l->rows[i].mode[1], true));
		json_array_append_new(procs, p);
	}
	if (l->by_cgroup) {	/* the rows are cgroups (the report's "cgroups") */
		json_decref(procs);
		procs = json_null();
	}
	json_object_set_new(o, "processes", procs);
	json_object_set_new(o, "min_hold_ns", json_integer((json_int_t)l->min_hold_ns));
	holds = report_lock_events(l);
	for (i = 0; i < l->nlongs; i++) {
		const struct lock_long *x = &l->longs[i];
		json_t *e = json_object();

		json_object_set_new(e, "kind", json_string(x->e.kind == MMR_LOCK_EV_WAIT ? "wait" : "hold"));
		json_object_set_new(e, "mode", json_string(x->e.write ? "write" : "read"));
		json_object_set_new(e, "pid", json_integer(x->e.pid));
		json_object_set_new(e, "tid", json_integer(x->e.tid));
		json_object_set_new(e, "comm", json_bytes(x->e.comm[0] ? x->e.comm : "?"));
		json_object_set_new(e, "duration_ns", json_integer((json_int_t)x->e.dur_ns));
		json_object_set_new(e, "end_ns", json_integer((json_int_t)x->e.ts_ns));
		json_object_set_new(e, "in_fault", json_boolean(x->e.in_fault));
		json_object_set_new(e, "fault", fault_json(x->e.in_fault, x->e.fault, x->e.fault_addr));
		json_object_set_new(e, "remote", json_boolean(x->e.remote));
		if (x->e.kind == MMR_LOCK_EV_HOLD)
			json_object_set_new(e, "blocked_writer", json_boolean(x->e.blocking));
		if (x->e.kind == MMR_LOCK_EV_WAIT)
			json_object_set_new(e, "acquired", json_boolean(x->e.success));
		json_object_set_new(e, "kernel_stack", str_or_null(x->kstack));
		json_object_set_new(e, "user_stack", str_or_null(x->ustack));
		if (holds && x->e.kind == MMR_LOCK_EV_WAIT && x->e.write) {
			struct blocker b[MAX_BLOCKERS];
			size_t n = find_blockers(&x->e, holds, l->nlongs, b, MAX_BLOCKERS);
			json_t *arr = json_array();

			for (k = 0; k < n; k++) {
				json_t *bo = blocker_json(&b[k]);

				json_object_set_new(bo, "in_fault", json_boolean(b[k].in_fault));
				json_object_set_new(bo, "fault", fault_json(b[k].in_fault, b[k].fault,
									    b[k].fault_addr));
				json_object_set_new(bo, "site",
						    str_or_null(stack_site(l->longs[b[k].index].kstack)));
				json_object_set_new(bo, "remote", json_boolean(b[k].remote));
				json_array_append_new(arr, bo);
			}
			json_object_set_new(e, "blockers", arr);
		}
		json_array_append_new(longs, e);
	}
	free(holds);
	json_object_set_new(o, "long", longs);
	json_object_set_new(o, "long_lost", json_integer((json_int_t)l->lost));
	json_object_set_new(o, "missed_runs", json_integer((json_int_t)l->missed));
	return o;
}

int report_print_folded(FILE *out, const struct report_lock *l)
{
	size_t i;

	for (i = 0; i < l->nlongs; i++) {
		const struct lock_long *x = &l->longs[i];

		if (x->e.dur_ns < l->min_hold_ns)
			continue;	/* a shorter hold kept as a blocker */
		fprintf(out, "%s;mmap_lock_%s_%s", x->e.comm[0] ? x->e.comm : "?",
			x->e.write ? "write" : "read", x->e.kind == MMR_LOCK_EV_WAIT ? "wait" : "hold");
		if (x->ustack)
			fprintf(out, ";%s", x->ustack);
		if (x->kstack)
			fprintf(out, ";%s", x->kstack);
		fprintf(out, " %llu\n", (unsigned long long)x->e.dur_ns);
	}
	return ferror(out) ? -EIO : 0;
}
