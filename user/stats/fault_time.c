// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* fault_time.c: fault latency from attempts (fault_time.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/latency.h"
#include "stats/fault_time.h"

/* a retry's reason as faults.bpf.c's attempt_exit() keeps it (idx) */
static uint8_t reason_of(uint32_t r)
{
	return r < MMR_NR_REASONS ? r : MMR_REASON_OTHER;
}

void fault_clock_attempt(struct fault_clock *c, const struct mmr_attempt_event *a,
			 struct mmr_fault_latency *l, struct fault_step *s)
{
	uint64_t end = a->end_ns;

	memset(s, 0, sizeof(*s));
	/* attempt_enter() */
	if (c->pending && c->addr == a->addr) {
		c->attempt++;
		s->resumed = true;	/* retry_resumed() */
		s->gap_from = c->retry_end_ns;
		s->gap_reason = c->last_reason;
		if (l)
			mmr_hist_add_reason(l->gap, c->last_reason, a->start_ns - c->retry_end_ns);
	} else {
		s->abandoned = c->pending;
		c->attempt = 1;
	}
	c->addr = a->addr;
	c->pending = 0;
	if (c->attempt == 1)
		c->fault_start_ns = a->start_ns;

	if (a->result & MMR_VM_FAULT_RETRY) {	/* attempt_exit(), a retry */
		uint8_t r = reason_of(a->reason);

		c->pending = 1;
		if (c->attempt == 1) {
			c->retry_start_ns = end;
			c->first_reason = r;
		}
		c->retry_end_ns = end;
		c->last_reason = r;
		if (l)
			mmr_hist_add_reason(l->attempt, r, end - a->start_ns);
		return;
	}
	if (l)		/* fault_done() */
		mmr_fault_done(l, &(struct mmr_fault_end){
			.flags = a->flags,
			.attempts = c->attempt,
			.completed = !!(a->result & MMR_VM_FAULT_COMPLETED),
			.major = !!(a->result & MMR_VM_FAULT_MAJOR),
			.first_reason = c->first_reason,
			.dur = end - c->fault_start_ns,
			.retry_ns = end - c->retry_start_ns,
			.last_ns = end - a->start_ns,
		});
}

bool fault_clock_exit(struct fault_clock *c)
{
	bool pending = c->pending;

	memset(c, 0, sizeof(*c));
	return pending;
}

/* ---- a stream of many threads ---- */

struct thread {
	uint32_t tid;
	bool used;
	struct fault_clock c;
};

/* a resumed retry's gap, or a read lock's acquisition: by thread, then time */
struct span {
	uint32_t tid;
	uint8_t reason;
	uint64_t t, to;		/* gap: [t, to]; wait: acquired at t after wait to */
};

struct spans {
	struct span *v;
	size_t n, cap;
};

struct fault_timing {
	struct thread *threads;	/* open addressing on tid, a power of 2 */
	size_t nthreads, cap;
	struct mmr_fault_latency l;
	struct spans gaps, waits;
};

struct fault_timing *fault_timing_new(void)
{
	return calloc(1, sizeof(struct fault_timing));
}

void fault_timing_free(struct fault_timing *t)
{
	if (!t)
		return;
	free(t->threads);
	free(t->gaps.v);
	free(t->waits.v);
	free(t);
}

static size_t slot_of(uint32_t tid, size_t cap)
{
	return (tid * 2654435761u) & (cap - 1);
}

static struct thread *find(struct fault_timing *t, uint32_t tid, bool add)
{
	size_t i;

	if (add && (t->nthreads + 1) * 2 > t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64, k;
		struct thread *v = calloc(cap, sizeof(*v));

		if (!v)
			return NULL;
		for (k = 0; k < t->cap; k++) {
			if (!t->threads[k].used)
				continue;
			for (i = slot_of(t->threads[k].tid, cap); v[i].used; i = (i + 1) & (cap - 1))
				;
			v[i] = t->threads[k];
		}
		free(t->threads);
		t->threads = v;
		t->cap = cap;
	}
	if (!t->cap)
		return NULL;
	for (i = slot_of(tid, t->cap); t->threads[i].used; i = (i + 1) & (t->cap - 1))
		if (t->threads[i].tid == tid)
			return &t->threads[i];
	if (!add)
		return NULL;
	t->threads[i].used = true;
	t->threads[i].tid = tid;
	t->nthreads++;
	return &t->threads[i];
}

static int span_add(struct spans *s, uint32_t tid, uint8_t reason, uint64_t t, uint64_t to)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct span *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct span){ .tid = tid, .reason = reason, .t = t, .to = to };
	return 0;
}

int fault_timing_attempt(struct fault_timing *t, const struct mmr_attempt_event *a,
			 bool *abandoned)
{
	struct thread *th = find(t, a->tid, true);
	struct fault_step s;

	if (!th)
		return -ENOMEM;
	fault_clock_attempt(&th->c, a, &t->l, &s);
	if (abandoned)
		*abandoned = s.abandoned;
	if (s.resumed)
		return span_add(&t->gaps, a->tid, s.gap_reason, s.gap_from, a->start_ns);
	return 0;
}

int fault_timing_lock_op(struct fault_timing *t, const struct mmr_lock_op_event *e)
{
	/* on_acquire(): a successful read lock of the task's own mm, not the
	 * read hold a downgrade leaves (which had no wait) */
	if (!e->success || e->write || e->remote || e->downgrade)
		return 0;
	return span_add(&t->waits, e->tid, 0, e->t_acq, e->t_acq - e->t_start);
}

bool fault_timing_exit(struct fault_timing *t, uint32_t tid)
{
	struct thread *th = find(t, tid, false);

	return th && fault_clock_exit(&th->c);
}

static int by_tid_time(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

int fault_timing_result(struct fault_timing *t, struct mmr_fault_latency *l)
{
	size_t g, w = 0;

	*l = t->l;
	qsort(t->gaps.v, t->gaps.n, sizeof(struct span), by_tid_time);
	qsort(t->waits.v, t->waits.n, sizeof(struct span), by_tid_time);
	/* a thread's gaps do not overlap: one pass over both */
	for (g = 0; g < t->gaps.n; g++) {
		const struct span *gap = &t->gaps.v[g];
		uint64_t sum = 0;
		bool any = false;

		while (w < t->waits.n && by_tid_time(&t->waits.v[w], gap) < 0)
			w++;
		for (; w < t->waits.n && t->waits.v[w].tid == gap->tid &&
		       t->waits.v[w].t <= gap->to; w++) {
			sum += t->waits.v[w].to;
			any = true;
		}
		if (any)
			mmr_hist_add_reason(l->lock_wait, gap->reason, sum);
	}
	return 0;
}
