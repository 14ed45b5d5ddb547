// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* sim.c: the model's scheduler, random numbers and rwsem. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/sim.h"

/* ---- the event heap: (time, seq) order, as one 128-bit key ---- */

static inline unsigned __int128 ev_key(uint64_t time, uint64_t seq)
{
	return (unsigned __int128)time << 64 | seq;
}

/* t runs again at time at (or at its own clock, if later) */
int sim_wake(struct sim *s, struct mthread *t, uint64_t at)
{
	unsigned __int128 key;
	size_t i;

	if (s->nheap == s->capheap) {
		size_t cap = s->capheap ? 2 * s->capheap : 64;
		void *grown = realloc(s->heap, cap * sizeof(*s->heap));

		if (!grown)
			return -ENOMEM;
		s->heap = grown;
		s->capheap = cap;
	}
	key = ev_key(at > t->now ? at : t->now, s->seq++);
	for (i = s->nheap++; i && key < s->heap[(i - 1) / 2].key; i = (i - 1) / 2)
		s->heap[i] = s->heap[(i - 1) / 2];
	s->heap[i].key = key;
	s->heap[i].t = t;
	return 0;
}

/* take the earliest event off: its hole goes down to a leaf along the
 * earlier child (one comparison a level), then the last event moves up
 * into it from there (usually not far: it is among the latest) */
static void pop(struct sim *s)
{
	size_t i = 0, n = --s->nheap, c;
	typeof(s->heap[0]) last = s->heap[n];

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && s->heap[c + 1].key < s->heap[c].key)
			c++;
		s->heap[i] = s->heap[c];
		i = c;
	}
	while (i && last.key < s->heap[(i - 1) / 2].key) {
		s->heap[i] = s->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->heap[i] = last;
}

/*
 * May t go on at its clock? Yes if no other thread has anything to do
 * before it (the common, uncontended case: no event at all); else it waits
 * for its turn in the heap and the caller returns PT_WAITING.
 */
bool sim_synced(struct sim *s, struct mthread *t)
{
	if (t->now <= s->now || !s->nheap || (uint64_t)(s->heap[0].key >> 64) >= t->now) {
		if (t->now > s->now)
			s->now = t->now;
		return true;
	}
	sim_wake(s, t, t->now);
	return false;
}

int sim_init(struct sim *s, enum model_policy p, uint64_t seed, int nthreads,
	     struct model_result *res)
{
	memset(s, 0, sizeof(*s));
	memset(res, 0, sizeof(*res));
	s->policy = p;
	s->tr = model_traits(p);
	s->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	s->swap_window = 8;	/* vm.page-cluster 3, the kernel's default */
	s->res = res;
	res->locks = true;
	res->timed = true;
	s->threads = calloc(nthreads, sizeof(*s->threads));
	if (!s->threads)
		return -ENOMEM;
	s->nthreads = nthreads;
	for (int i = 0; i < nthreads; i++)
		s->threads[i].id = i;
	return mm_init(&s->mm, res->lock);
}

void sim_free(struct sim *s)
{
	mm_free(&s->mm);
	file_free(&s->file);
	file_free(&s->swap);	/* vma_swap_out()'s: fuzz-smoke's LeakSanitizer found it */
	free(s->threads);
	free(s->heap);
}

/* every thread from time 0 until each one's program ends */
int sim_run(struct sim *s)
{
	int i, err;

	for (i = 0; i < s->nthreads; i++)
		if (s->threads[i].program && (err = sim_wake(s, &s->threads[i], 0)))
			return err;
	while (s->nheap) {
		struct mthread *t = s->heap[0].t;
		uint64_t at = (uint64_t)(s->heap[0].key >> 64);

		pop(s);
		s->events++;
		s->now = at;
		if (t->now < at)
			t->now = at;
		if (t->program(s, t) != PT_WAITING) {
			t->done = true;
			s->res->thread_ns[t->faulter ? 0 : 1] += t->now - t->started;
			if (t->now > s->res->sim_ns)
				s->res->sim_ns = t->now;
		}
	}
	for (i = 0; i < s->nthreads; i++)
		if (s->threads[i].program && !s->threads[i].done)
			return -EDEADLK;	/* a thread waits for what never comes */
	s->res->events = s->events;
	return 0;
}

/* splitmix64: deterministic from the seed */
uint64_t sim_random(struct sim *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- rwsem ---- */

static void acquired(struct rwsem *sem, struct mthread *t, bool write, uint64_t wait)
{
	if (!write) {		/* a retried fault's re-take of mmap_lock (fault.c) */
		t->retry_lock_wait += wait;
		t->retry_locked = true;
	}
	if (!sem->stats)
		return;
	sem->stats[write].acquisitions++;
	hist_add(&sem->stats[write].wait, wait);
	t->hold_start[write] = t->now;
}

static void released(struct rwsem *sem, struct mthread *t, bool write)
{
	if (sem->stats)
		hist_add(&sem->stats[write].hold, t->now - t->hold_start[write]);
}

static void enqueue(struct rwsem *sem, struct mthread *t, bool write)
{
	t->next = NULL;
	t->write_wait = write;
	t->granted = false;
	t->wait_start = t->now;
	if (sem->tail)
		sem->tail->next = t;
	else
		sem->head = t;
	sem->tail = t;
}

/* the lock is free of a writer: grant the head writer, or the head readers */
static void grant(struct sim *s, struct rwsem *sem, uint64_t at)
{
	while (sem->head && !sem->writer) {
		struct mthread *w = sem->head;

		if (w->write_wait && sem->readers)
			break;
		sem->head = w->next;
		if (!sem->head)
			sem->tail = NULL;
		if (w->now < at)
			w->now = at;
		if (w->write_wait)
			sem->writer = true;
		else
			sem->readers++;
		w->granted = true;
		acquired(sem, w, w->write_wait, w->now - w->wait_start);
		sim_wake(s, w, w->now);
		if (w->write_wait)
			break;
	}
}

bool down_read(struct sim *s, struct mthread *t, struct rwsem *sem)
{
	if (t->granted) {		/* woken: grant() made it ours */
		t->granted = false;
		return true;
	}
	if (!sem->writer && !sem->head) {
		sem->readers++;
		acquired(sem, t, false, 0);
		return true;
	}
	enqueue(sem, t, false);
	return false;
}

bool down_write(struct sim *s, struct mthread *t, struct rwsem *sem)
{
	if (t->granted) {
		t->granted = false;
		return true;
	}
	if (!sem->writer && !sem->readers && !sem->head) {
		sem->writer = true;
		acquired(sem, t, true, 0);
		return true;
	}
	enqueue(sem, t, true);
	return false;
}

/* rwsem_read_trylock(): fails on a writer, and on queued waiters */
bool down_read_trylock(struct sim *s, struct mthread *t, struct rwsem *sem)
{
	if (sem->writer || sem->head) {
		if (sem->stats)
			sem->stats[0].failures++;
		return false;
	}
	sem->readers++;
	acquired(sem, t, false, 0);
	return true;
}

void up_read(struct sim *s, struct mthread *t, struct rwsem *sem)
{
	released(sem, t, false);
	if (--sem->readers == 0)
		grant(s, sem, t->now);
}

void downgrade_write(struct sim *s, struct mthread *t, struct rwsem *sem)
{
	released(sem, t, true);
	if (sem->stats)
		sem->stats[1].downgrades++;
	t->hold_start[0] = t->now;	/* a read hold, without an acquisition */
	sem->writer = false;
	sem->readers++;
	grant(s, sem, t->now);		/* the readers queued at the head join it */
}

void up_write(struct sim *s, struct mthread *t, struct rwsem *sem)
{
	released(sem, t, true);
	sem->writer = false;
	grant(s, sem, t->now);
}
