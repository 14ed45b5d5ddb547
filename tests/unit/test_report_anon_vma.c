// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report_anon_vma.c: the anon_vma section of the stat report
 * (report/anon_vma.c): per-process chain rows, per-walker rows and streamed
 * chains and walks go in, text (histograms of counts, walkers, the longest
 * chains and widest walks) and JSON come out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "report/report.h"
#include "unit.h"
#include "unit_report.h"

/* ---- fixtures ---- */

#define MS 1000000ULL
#define RMAP_REF 0xffffffff81234560ULL
#define RMAP_MIG 0xffffffff81234800ULL
#define RMAP_ODD 0xffffffff81239999ULL
#define AV_A 0xffff888100a00000ULL
#define AV_ROOT 0xffff888100900000ULL

static void set_row(struct av_row *r, uint32_t pid, const char *comm)
{
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	snprintf(r->comm, sizeof(r->comm), "%s", comm);
	memcpy(r->s.comm, r->comm, sizeof(r->comm));
}

/*
 * Three processes, malloc'ed as anon_trace_rows() gives them:
 *
 *   300 postgres  40 fork (30 reused), 5 clone, 100 prepare;
 *                 lengths: 100 of 2, 45 of 12
 *   100 java      20 clone, 50 prepare, 1 truncated;
 *                 lengths: 60 of 1, 10 of 1024 (the cap)
 *   200 (unnamed) 3 prepare; lengths: 3 of 1
 */
static struct av_row *sample_rows(size_t *n)
{
	struct av_row *rows = calloc(3, sizeof(*rows)), *r;

	assert_non_null(rows);
	r = &rows[0];
	set_row(r, 300, "postgres");
	r->s.events[MMR_CHAIN_FORK] = 40;
	r->s.events[MMR_CHAIN_CLONE] = 5;
	r->s.events[MMR_CHAIN_PREPARE] = 100;
	r->s.reused = 30;
	values(&r->s.length, 100, 2);
	values(&r->s.length, 45, 12);

	r = &rows[1];
	set_row(r, 100, "java");
	r->s.events[MMR_CHAIN_CLONE] = 20;
	r->s.events[MMR_CHAIN_PREPARE] = 50;
	r->s.truncated = 1;
	values(&r->s.length, 60, 1);
	values(&r->s.length, 10, MMR_CHAIN_MAX);

	r = &rows[2];
	set_row(r, 200, "");
	r->s.events[MMR_CHAIN_PREPARE] = 3;
	values(&r->s.length, 3, 1);
	*n = 3;
	return rows;
}

static void set_walker(struct av_walker *w, const char *name, uint64_t rmap_one)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->rmap_one = rmap_one;
}

/*
 * Three walkers, in the kernel map's order:
 *
 *   try_to_migrate    50 walks, 20 locked, 1 nested; 600 VMAs, all mapped,
 *                     200 us each
 *   folio_referenced  1000 walks, 4 contended (20 us waits); 990 of 5 VMAs
 *                     (1 mapped) in 1.5 us, 10 of 100 VMAs (4 mapped) in 2 ms
 *   0xffffffff81239999  2 walks of 1 VMA, none mapped, 300 ns
 */
static struct av_walker *sample_walkers(size_t *n)
{
	struct av_walker *ws = calloc(3, sizeof(*ws)), *w;

	assert_non_null(ws);
	w = &ws[0];
	set_walker(w, "try_to_migrate", RMAP_MIG);
	w->s.walks = 50;
	w->s.locked = 20;
	w->s.nested = 1;
	w->s.tracer_ns = 4500;
	values(&w->s.vmas, 50, 600);
	values(&w->s.mapped, 50, 600);
	values(&w->s.ns, 50, 200000);

	w = &ws[1];
	set_walker(w, "folio_referenced", RMAP_REF);
	w->s.walks = 1000;
	w->s.contended = 4;
	values(&w->s.vmas, 990, 5);
	values(&w->s.vmas, 10, 100);
	values(&w->s.mapped, 990, 1);
	values(&w->s.mapped, 10, 4);
	values(&w->s.ns, 990, 1500);
	values(&w->s.ns, 10, 2 * MS);
	values(&w->s.lock_wait_ns, 4, 20000);

	w = &ws[2];
	set_walker(w, "0xffffffff81239999", RMAP_ODD);
	w->s.walks = 2;
	values(&w->s.vmas, 2, 1);
	values(&w->s.mapped, 2, 0);
	values(&w->s.ns, 2, 300);
	*n = 3;
	return ws;
}

static struct mmr_chain_event chain_ev(uint32_t kind, uint32_t pid, uint32_t tid,
				       const char *comm, uint32_t length, uint64_t vm_start,
				       uint64_t vm_end)
{
	struct mmr_chain_event e;

	memset(&e, 0, sizeof(e));
	e.type = MMR_EV_CHAIN;
	e.kind = kind;
	e.pid = pid;
	e.tid = tid;
	e.length = length;
	e.vm_start = vm_start;
	e.vm_end = vm_end;
	e.anon_vma = AV_A + length;
	e.root = AV_ROOT;
	e.num_children = length;
	e.num_active_vmas = 2;
	e.ts_ns = 1000 + length;
	memcpy(e.comm, comm, strnlen(comm, sizeof(e.comm)));
	return e;
}

static struct mmr_walk_event walk_ev(uint64_t rmap_one, uint32_t pid, const char *comm,
				     uint32_t owner, const char *owner_comm, uint32_t vmas,
				     uint32_t mapped, uint64_t dur_ns)
{
	struct mmr_walk_event e;

	memset(&e, 0, sizeof(e));
	e.type = MMR_EV_WALK;
	e.pid = pid;
	e.tid = pid + 1;
	e.owner = owner;
	e.vmas = vmas;
	e.mapped = mapped;
	e.rmap_one = rmap_one;
	e.ts_ns = 5 * MS + vmas;
	e.dur_ns = dur_ns;
	e.tracer_ns = vmas * 30;	/* the tracer's own time: 30 ns a VMA */
	e.anon_vma = AV_A;
	e.root = AV_ROOT;
	e.vm_start = 0x7f0000000000ULL;
	e.vm_end = 0x7f0000200000ULL;
	memcpy(e.comm, comm, strnlen(comm, sizeof(e.comm)));
	memcpy(e.owner_comm, owner_comm, strnlen(owner_comm, sizeof(e.owner_comm)));
	return e;
}

/*
 * With --min-chain 8 --min-fanout 32, in arrival order:
 *
 *   chain 0  fork     300/300 postgres  12, reused   0x7f0000000000-0x7f0000200000
 *   chain 1  clone    100/101 java      1024, truncated  0x7f1000000000-0x7f1000001000
 *   chain 2  prepare  300/302 postgres  8             0x55d0c0de0000-0x55d0c0e00000
 *   chain 3  fork     300/300 postgres  12, not reused  (a tie with 0)
 *   walk 0   folio_referenced by 50 kswapd0, owner 300 postgres: 100 VMAs,
 *            4 mapped, 2 ms, contended (20 us wait)
 *   walk 1   try_to_migrate by 60 kcompactd0, owner unknown: 600 VMAs, all
 *            mapped, 200 us, under the caller's lock, no VMA known
 *   walk 2   unnamed (RMAP_ODD) by 70 stress: 40 VMAs, 0 mapped, 900 ns,
 *            lock taken without waiting
 *
 * and 3 events lost.
 */
static void sample_anon_report(struct report *r)
{
	struct mmr_chain_event c;
	struct mmr_walk_event w;
	struct av_row *rows;
	struct av_walker *ws;
	size_t n;

	report_init(r);
	r->fault_mode = MMR_MODE_FENTRY;
	r->anon.traced = true;
	r->anon.min_chain = 8;
	r->anon.min_fanout = 32;
	rows = sample_rows(&n);
	report_set_anon_rows(&r->anon, rows, n);
	ws = sample_walkers(&n);
	report_set_anon_walkers(&r->anon, ws, n);

	c = chain_ev(MMR_CHAIN_FORK, 300, 300, "postgres", 12, 0x7f0000000000ULL,
		     0x7f0000200000ULL);
	c.reused = 1;
	assert_int_equal(report_add_chain_event(&r->anon, &c), 0);
	c = chain_ev(MMR_CHAIN_CLONE, 100, 101, "java", MMR_CHAIN_MAX, 0x7f1000000000ULL,
		     0x7f1000001000ULL);
	c.truncated = 1;
	assert_int_equal(report_add_chain_event(&r->anon, &c), 0);
	c = chain_ev(MMR_CHAIN_PREPARE, 300, 302, "postgres", 8, 0x55d0c0de0000ULL,
		     0x55d0c0e00000ULL);
	assert_int_equal(report_add_chain_event(&r->anon, &c), 0);
	c = chain_ev(MMR_CHAIN_FORK, 300, 300, "postgres", 12, 0x7f0000400000ULL,
		     0x7f0000600000ULL);
	assert_int_equal(report_add_chain_event(&r->anon, &c), 0);

	w = walk_ev(RMAP_REF, 50, "kswapd0", 300, "postgres", 100, 4, 2 * MS);
	w.contended = 1;
	w.lock_wait_ns = 20000;
	assert_int_equal(report_add_walk_event(&r->anon, &w, "folio_referenced"), 0);
	w = walk_ev(RMAP_MIG, 60, "kcompactd0", 0, "", 600, 600, 200000);
	w.locked = 1;
	w.vm_start = w.vm_end = 0;
	assert_int_equal(report_add_walk_event(&r->anon, &w, "try_to_migrate"), 0);
	w = walk_ev(RMAP_ODD, 70, "stress", 70, "stress", 40, 0, 900);
	assert_int_equal(report_add_walk_event(&r->anon, &w, NULL), 0);

	r->anon.lost = 3;
}

/* Text of report_print_anon_text(), NUL-terminated; free() it. */
static char *anon_text_of(const struct report *r)
{
	return PRINTED(fp, report_print_anon_text(fp, &r->anon));
}

static char *report_text_of(const struct report *r)
{
	return PRINTED(fp, report_print_text(fp, r));
}

/* report_anon_json() printed and parsed back, as a reader gets it. */
static json_t *anon_json_of(const struct report *r)
{
	json_t *j = report_anon_json(&r->anon), *back;
	json_error_t jerr;
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
	assert_non_null(s);
	back = json_loads(s, JSON_DECODE_ANY, &jerr);
	if (!back)
		fail_msg("output does not parse: %s (line %d)", jerr.text, jerr.line);
	assert_true(json_equal(back, j));
	free(s);
	json_decref(j);
	return back;
}

/* ---- report_set_anon_rows, report_set_anon_walkers ---- */

static void set_rows_totals(void **state)
{
	const struct mmr_chain_stats *t;
	struct report r;

	sample_anon_report(&r);
	assert_int_equal(r.anon.nrows, 3);
	assert_int_equal(r.anon.rows[0].pid, 300);	/* taken over, in order */
	assert_int_equal(r.anon.rows[2].pid, 200);
	t = &r.anon.chain_total;
	assert_int_equal(t->events[MMR_CHAIN_FORK], 40);
	assert_int_equal(t->events[MMR_CHAIN_CLONE], 25);
	assert_int_equal(t->events[MMR_CHAIN_PREPARE], 153);
	assert_int_equal(t->reused, 30);
	assert_int_equal(t->truncated, 1);
	assert_int_equal(t->length.count, 218);
	assert_int_equal(t->length.sum_ns, 100 * 2 + 45 * 12 + 60 + 10 * 1024 + 3);
	assert_int_equal(t->length.max_ns, 1024);
	assert_int_equal(t->length.slots[0], 63);
	assert_int_equal(t->length.slots[1], 100);
	assert_int_equal(t->length.slots[3], 45);
	assert_int_equal(t->length.slots[10], 10);
	report_free(&r);
	assert_null(r.anon.rows);
	assert_null(r.anon.walkers);
	assert_null(r.anon.chains);
	assert_null(r.anon.walks);
	assert_int_equal(r.anon.nchains, 0);
	assert_int_equal(r.anon.nwalks, 0);
	assert_false(r.anon.traced);
}

static void set_walkers_totals(void **state)
{
	const struct mmr_walk_stats *t;
	struct report r;

	sample_anon_report(&r);
	assert_int_equal(r.anon.nwalkers, 3);
	assert_string_equal(r.anon.walkers[0].name, "try_to_migrate");	/* in order */
	t = &r.anon.walk_total;
	assert_int_equal(t->walks, 1052);
	assert_int_equal(t->locked, 20);
	assert_int_equal(t->contended, 4);
	assert_int_equal(t->nested, 1);
	assert_int_equal(t->vmas.count, 1052);
	assert_int_equal(t->vmas.sum_ns, 50 * 600 + 990 * 5 + 10 * 100 + 2);
	assert_int_equal(t->vmas.max_ns, 600);
	assert_int_equal(t->mapped.max_ns, 600);
	assert_int_equal(t->mapped.slots[0], 990 + 2);
	assert_int_equal(t->ns.sum_ns, 50 * 200000 + 990 * 1500 + 10 * 2 * MS + 2 * 300);
	assert_int_equal(t->ns.max_ns, 2 * MS);
	assert_int_equal(t->lock_wait_ns.count, 4);
	assert_int_equal(t->lock_wait_ns.max_ns, 20000);
	report_free(&r);
}

/* Setting rows or walkers again replaces them and their totals. */
static void set_again_replaces(void **state)
{
	struct av_walker *w;
	struct av_row *rows;
	struct report r;
	size_t n;

	report_init(&r);
	rows = sample_rows(&n);
	report_set_anon_rows(&r.anon, rows, n);
	rows = calloc(1, sizeof(*rows));
	assert_non_null(rows);
	set_row(rows, 7, "init");
	rows->s.events[MMR_CHAIN_CLONE] = 2;
	values(&rows->s.length, 2, 9);
	report_set_anon_rows(&r.anon, rows, 1);
	assert_ptr_equal(r.anon.rows, rows);
	assert_int_equal(r.anon.nrows, 1);
	assert_int_equal(r.anon.chain_total.events[MMR_CHAIN_FORK], 0);
	assert_int_equal(r.anon.chain_total.events[MMR_CHAIN_CLONE], 2);
	assert_int_equal(r.anon.chain_total.reused, 0);
	assert_int_equal(r.anon.chain_total.length.count, 2);
	assert_int_equal(r.anon.chain_total.length.max_ns, 9);
	report_set_anon_rows(&r.anon, NULL, 0);
	assert_int_equal(r.anon.nrows, 0);
	assert_int_equal(r.anon.chain_total.length.count, 0);

	w = sample_walkers(&n);
	report_set_anon_walkers(&r.anon, w, n);
	assert_int_equal(r.anon.walk_total.walks, 1052);
	w = calloc(1, sizeof(*w));
	assert_non_null(w);
	set_walker(w, "try_to_unmap", 0x1234);
	w->s.walks = 3;
	values(&w->s.vmas, 3, 40);
	report_set_anon_walkers(&r.anon, w, 1);
	assert_ptr_equal(r.anon.walkers, w);
	assert_int_equal(r.anon.walk_total.walks, 3);
	assert_int_equal(r.anon.walk_total.contended, 0);
	assert_int_equal(r.anon.walk_total.vmas.max_ns, 40);
	assert_int_equal(r.anon.walk_total.ns.count, 0);
	report_set_anon_walkers(&r.anon, NULL, 0);
	assert_int_equal(r.anon.walk_total.walks, 0);
	assert_int_equal(r.anon.walk_total.vmas.count, 0);
	report_free(&r);
}

/* ---- report_add_chain_event, report_add_walk_event ---- */

static void add_chain_copies(void **state)
{
	struct mmr_chain_event e;
	struct report r;
	uint32_t i;

	report_init(&r);
	e = chain_ev(MMR_CHAIN_FORK, 10, 11, "0123456789abcdefXYZ", 30, 0x1000, 0x3000);
	e.reused = 1;
	assert_int_equal(report_add_chain_event(&r.anon, &e), 0);
	assert_int_equal(r.anon.nchains, 1);
	/* a comm of 16 bytes without NUL is cut to 15 */
	assert_string_equal(r.anon.chains[0].comm, "0123456789abcde");
	assert_memory_equal(&r.anon.chains[0], &e, offsetof(struct mmr_chain_event, comm));
	assert_int_equal(r.anon.chains[0].vm_end, 0x3000);
	assert_int_equal(r.anon.chains[0].reused, 1);

	/* past the first allocation, in order */
	for (i = 1; i < 300; i++) {
		e = chain_ev(MMR_CHAIN_CLONE, 20, 20 + i, "w", 8 + i, 0x1000, 0x2000);
		assert_int_equal(report_add_chain_event(&r.anon, &e), 0);
	}
	assert_int_equal(r.anon.nchains, 300);
	assert_true(r.anon.chains_cap >= 300);
	assert_int_equal(r.anon.lost, 0);
	for (i = 1; i < 300; i++) {
		assert_int_equal(r.anon.chains[i].tid, 20 + i);
		assert_int_equal(r.anon.chains[i].length, 8 + i);
	}
	assert_int_equal(r.anon.chains[0].tid, 11);
	assert_int_equal(r.anon.nwalks, 0);	/* the other kind untouched */
	report_free(&r);
}

static void add_walk_copies(void **state)
{
	static const char long_name[] = "a_walker_name_longer_than_the_forty_seven_bytes_kept";
	struct mmr_walk_event e;
	struct report r;
	uint32_t i;

	report_init(&r);
	e = walk_ev(RMAP_REF, 10, "0123456789abcdefXYZ", 20, "fedcba9876543210ZYX", 64, 3, 999);
	assert_int_equal(report_add_walk_event(&r.anon, &e, "folio_referenced"), 0);
	assert_int_equal(r.anon.nwalks, 1);
	assert_string_equal(r.anon.walks[0].walker, "folio_referenced");
	assert_string_equal(r.anon.walks[0].e.comm, "0123456789abcde");
	assert_string_equal(r.anon.walks[0].e.owner_comm, "fedcba987654321");
	assert_memory_equal(&r.anon.walks[0].e, &e, offsetof(struct mmr_walk_event, comm));

	/* not named yet (stat names walkers at the end): the address */
	e = walk_ev(RMAP_ODD, 11, "x", 0, "", 33, 0, 5);
	assert_int_equal(report_add_walk_event(&r.anon, &e, NULL), 0);
	assert_string_equal(r.anon.walks[1].walker, "0xffffffff81239999");
	assert_int_equal(report_add_walk_event(&r.anon, &e, ""), 0);
	assert_string_equal(r.anon.walks[2].walker, "0xffffffff81239999");
	/* a name longer than the report keeps: cut, NUL-terminated */
	assert_int_equal(report_add_walk_event(&r.anon, &e, long_name), 0);
	assert_int_equal(strlen(r.anon.walks[3].walker), sizeof(r.anon.walks[3].walker) - 1);
	assert_int_equal(strncmp(r.anon.walks[3].walker, long_name, 47), 0);

	for (i = 4; i < 200; i++) {
		e = walk_ev(RMAP_MIG, 100 + i, "m", 1, "init", 32 + i, 1, i);
		assert_int_equal(report_add_walk_event(&r.anon, &e, "try_to_migrate"), 0);
	}
	assert_int_equal(r.anon.nwalks, 200);
	assert_true(r.anon.walks_cap >= 200);
	for (i = 4; i < 200; i++) {
		assert_int_equal(r.anon.walks[i].e.vmas, 32 + i);
		assert_string_equal(r.anon.walks[i].walker, "try_to_migrate");
	}
	assert_string_equal(r.anon.walks[0].walker, "folio_referenced");
	assert_int_equal(r.anon.lost, 0);
	assert_int_equal(r.anon.nchains, 0);
	report_free(&r);
}

/* Up to REPORT_MAX_AV_EVENTS of each kind; the rest -ENOSPC, counted as lost. */
static void add_bounded(void **state)
{
	struct mmr_chain_event c = chain_ev(MMR_CHAIN_FORK, 1, 1, "x", 8, 0x1000, 0x2000);
	struct mmr_walk_event w = walk_ev(RMAP_REF, 1, "x", 1, "x", 32, 1, 1);
	size_t i, added = REPORT_MAX_AV_EVENTS + 5;
	int ret, enospc = 0, other = 0;
	struct report r;

	report_init(&r);
	r.anon.lost = 1;	/* lost by the ring buffer: added to */
	for (i = 0; i < added; i++) {
		c.length = (uint32_t)i + 1;
		ret = report_add_chain_event(&r.anon, &c);
		enospc += ret == -ENOSPC;
		other += ret && ret != -ENOSPC;
	}
	assert_int_equal(other, 0);
	assert_int_equal(enospc, 5);
	assert_int_equal(r.anon.nchains, REPORT_MAX_AV_EVENTS);
	assert_int_equal(r.anon.lost, 1 + 5);
	assert_true(r.anon.chains_cap <= REPORT_MAX_AV_EVENTS);
	for (i = 0; i < r.anon.nchains; i++)	/* the first ones kept */
		if (r.anon.chains[i].length != i + 1)
			fail_msg("chain %zu: length %u", i, r.anon.chains[i].length);

	/* the walks have their own room */
	assert_int_equal(report_add_walk_event(&r.anon, &w, "folio_referenced"), 0);
	assert_int_equal(r.anon.nwalks, 1);
	assert_int_equal(r.anon.lost, 6);
	for (i = 1; i < REPORT_MAX_AV_EVENTS; i++)
		assert_int_equal(report_add_walk_event(&r.anon, &w, NULL), 0);
	assert_int_equal(report_add_walk_event(&r.anon, &w, NULL), -ENOSPC);
	assert_int_equal(r.anon.nwalks, REPORT_MAX_AV_EVENTS);
	assert_int_equal(r.anon.lost, 7);
	assert_int_equal(report_add_chain_event(&r.anon, &c), -ENOSPC);
	assert_int_equal(r.anon.lost, 8);
	report_free(&r);
}

/* ---- report_print_anon_text ---- */

/* Not traced: one line saying why, no figure at all. */
static void text_untraced(void **state)
{
	struct report r;
	char *t;

	sample_anon_report(&r);
	r.anon.traced = false;
	snprintf(r.anon.why, sizeof(r.anon.why), "needs fentry or kprobes; --mode tracepoint");
	t = anon_text_of(&r);
	assert_string_equal(t, "\nanon_vma: n/a (needs fentry or kprobes; --mode tracepoint)\n");
	free(t);

	r.anon.why[0] = '\0';	/* no reason given */
	t = anon_text_of(&r);
	assert_string_equal(t, "\nanon_vma: n/a (not traced)\n");
	free(t);
	report_free(&r);
}

/* Traced, nothing seen: zeros, no histogram lines, no tables. */
/* nothing measured: counts of 0, no percentiles of nothing */
static void text_empty(void **state)
{
	struct report r;
	char *t;

	report_init(&r);
	r.anon.traced = true;
	r.anon.min_chain = 8;
	r.anon.min_fanout = 32;
	t = anon_text_of(&r);
	assert_string_equal(t, "\nanon_vma\n"
			       "chain events: 0 fork, 0 clone, 0 prepare\n"
			       "  0 reused an anon_vma at fork\n"
			       "rmap walks: 0, 0 lock-contended\n"
			       "\nanon_vma events (streamed: chains >= 8, walks >= 32 VMAs; "
			       "0 lost)\n"
			       "longest chains (0 streamed)\n"
			       "widest rmap walks (0 streamed)\n");
	free(t);
	report_free(&r);
}

/* Chain lengths are counts: plain numbers, a "length" column. */
static void text_chain_lengths(void **state)
{
	struct report r;
	const char *p;
	char *t;

	sample_anon_report(&r);
	t = anon_text_of(&r);
	assert_int_equal(strncmp(t, "\nanon_vma\n", 10), 0);
	/* p50: rank 109 of 218 is in [2, 4); p99: rank 216 in [1024, 2048),
	 * capped by the maximum */
	p = find(t, "\nanon_vma\n"
		    "chain events: 40 fork, 25 clone, 153 prepare\n"
		    "  30 reused an anon_vma at fork; 1 truncated at 1024\n"
		    "  length: 218, p50 3, p99 1024, max 1024\n"
		    "                   length : count      distribution\n"
		    "           0 -> 1         : 63         |******************            |\n"
		    "           2 -> 3         : 100        |******************************|\n"
		    "           4 -> 7         : 0          |                              |\n"
		    "           8 -> 15        : 45         |*************                 |\n");
	find(p, "\n         512 -> 1023      : 0          |                              |\n"
		"        1024 -> 2047      : 10         |***                           |\n"
		"rmap walks: ");
	/* the lengths end at their last counted slot, and are not ns */
	assert_null(strstr(t, "2048 -> 4095      : 0          |                              |\n"
			      "rmap walks"));
	assert_true(find(t, "                       ns : count") > find(t, "\nrmap walks: "));
	assert_int_equal(count_of(t, " ns : count"), 1);	/* the durations' */
	free(t);

	/* nothing truncated: not said */
	r.anon.chain_total.truncated = 0;
	t = anon_text_of(&r);
	find(t, "\n  30 reused an anon_vma at fork\n  length: 218");
	assert_null(strstr(t, "truncated"));
	free(t);
	report_free(&r);
}

static void text_walks(void **state)
{
	struct report r;
	const char *p;
	char *t;

	sample_anon_report(&r);
	t = anon_text_of(&r);
	p = find(t, "\nrmap walks: 1052, 4 lock-contended\n"
		    "  20 under the caller's lock, 1 nested (not measured)\n"
		    "  VMAs visited: 1052, p50 7, p99 600, max 600\n"
		    "                     vmas : count      distribution\n"
		    "           0 -> 1         : 2          |                              |\n"
		    "           2 -> 3         : 0          |                              |\n"
		    "           4 -> 7         : 990        |******************************|\n");
	/* rank 1042 of 1052 ends in [131072, 262144) */
	p = find(p, "\n         512 -> 1023      : 50         |*                             |\n"
		    "  duration: 1052, p50 2.0 us, p99 262.1 us, max 2.0 ms\n"
		    "                       ns : count      distribution\n"
		    "         256 -> 511       : 2          |                              |\n");
	find(p, "\n     1048576 -> 2097151   : 10         |                              |\n"
		"rmap walkers (p50/p99/max)\n");
	/* a line per slot from the first counted to the last: lengths 0..10,
	 * VMAs 0..9, durations 8..20 */
	assert_int_equal(count_of(t, " -> "), 11 + 10 + 13);
	free(t);

	/* no locked or nested walk: no such line */
	r.anon.walk_total.locked = r.anon.walk_total.nested = 0;
	t = anon_text_of(&r);
	find(t, "\nrmap walks: 1052, 4 lock-contended\n  VMAs visited: 1052");
	free(t);
	report_free(&r);
}

/* Most walks first; the report's walkers keep their order. */
static void text_walkers(void **state)
{
	struct report r;
	char *t;

	sample_anon_report(&r);
	t = anon_text_of(&r);
	find(t, "\nrmap walkers (p50/p99/max)\n"
		"  folio_referenced: 1000 walks, 4 lock-contended\n"
		"    VMAs visited 7/7/100, mapped 1/1/4\n"
		"    duration 2.0 us/2.0 us/2.0 ms\n"
		"  try_to_migrate: 50 walks, 0 lock-contended\n"
		"    VMAs visited 600/600/600, mapped 600/600/600\n"
		"    duration 200.0 us/200.0 us/200.0 us\n"
		"    20 under the caller's lock, 1 nested (not measured)\n"
		"  0xffffffff81239999: 2 walks, 0 lock-contended\n"
		"    VMAs visited 1/1/1, mapped 0/0/0\n"
		"    duration 300 ns/300 ns/300 ns\n"
		"\nprocesses by longest anon_vma chain\n");
	assert_string_equal(r.anon.walkers[0].name, "try_to_migrate");
	assert_string_equal(r.anon.walkers[1].name, "folio_referenced");
	free(t);

	/* no walker: no header */
	report_set_anon_walkers(&r.anon, NULL, 0);
	t = anon_text_of(&r);
	assert_null(strstr(t, "rmap walkers"));
	find(t, "\nrmap walks: 0, 0 lock-contended\n");
	free(t);
	report_free(&r);
}

static void text_processes(void **state)
{
	struct report r;
	char *t;

	sample_anon_report(&r);
	t = anon_text_of(&r);
	/* longest first; "+": a chain stopped at MMR_CHAIN_MAX */
	find(t, "\nprocesses by longest anon_vma chain\n"
		"  PID      COMM              LONGEST      FORK     CLONE   PREPARE    REUSED\n"
		"  100      java                1024+         0        20        50         0\n"
		"  300      postgres               12        40         5       100        30\n"
		"  200      ?                       1         0         0         3         0\n"
		"\nanon_vma events");
	assert_int_equal(r.anon.rows[0].pid, 300);	/* the table sorts a copy */
	free(t);
	report_free(&r);
}

/* Only the top 10 processes, then how many more. */
static void text_top_ten_processes(void **state)
{
	struct av_row *rows = calloc(12, sizeof(*rows));
	struct report r;
	char comm[16], *t;
	uint32_t i;

	assert_non_null(rows);
	for (i = 0; i < 12; i++) {
		snprintf(comm, sizeof(comm), "proc%u", i + 1);
		set_row(&rows[i], i + 1, comm);
		values(&rows[i].s.length, 1, 10 * (i + 1));	/* pid p: the p-th shortest */
	}
	report_init(&r);
	r.anon.traced = true;
	report_set_anon_rows(&r.anon, rows, 12);
	t = anon_text_of(&r);
	find(t, "\n  12       proc12                120 ");
	find(t, "\n  3        proc3                  30 ");
	assert_null(strstr(t, "\n  2        proc2 "));
	assert_null(strstr(t, "\n  1        proc1 "));
	assert_true(strstr(t, "proc12 ") < strstr(t, "proc11 "));
	assert_int_equal(count_of(t, "      proc"), 10);
	find(t, "\n  (2 more)\n");
	free(t);
	report_free(&r);
}

static void text_streamed(void **state)
{
	struct report r;
	const char *p;
	char *t;

	sample_anon_report(&r);
	t = anon_text_of(&r);
	/* longest first, ties in arrival order; REUSED is about forks only */
	p = find(t, "\nanon_vma events (streamed: chains >= 8, walks >= 32 VMAs; 3 lost)\n"
		    "longest chains (4 streamed)\n"
		    "  PID      COMM            KIND    LENGTH  VMA                           "
		    "REUSED\n"
		    "  100      java            clone    1024+  0x7f1000000000-0x7f1000001000 -\n"
		    "  300      postgres        fork        12  0x7f0000000000-0x7f0000200000 yes\n"
		    "  300      postgres        fork        12  0x7f0000400000-0x7f0000600000 no\n"
		    "  300      postgres        prepare      8  0x55d0c0de0000-0x55d0c0e00000 -\n"
		    "widest rmap walks (3 streamed)\n");
	/* most VMAs first */
	assert_string_equal(strstr(p, "widest"),
			    "widest rmap walks (3 streamed)\n"
			    "  try_to_migrate: 600 VMAs, 600 mapped, 200.0 us\n"
			    "    by 60 kcompactd0; owner unknown\n"
			    "    VMA unknown, root 0xffff888100900000\n"
			    "  folio_referenced: 100 VMAs, 4 mapped, 2.0 ms\n"
			    "    by 50 kswapd0; owner 300 postgres\n"
			    "    VMA 0x7f0000000000-0x7f0000200000, root 0xffff888100900000, "
			    "lock-contended\n"
			    "  0xffffffff81239999: 40 VMAs, 0 mapped, 900 ns\n"
			    "    by 70 stress; owner 70 stress\n"
			    "    VMA 0x7f0000000000-0x7f0000200000, root 0xffff888100900000\n");
	free(t);
	report_free(&r);
}

/* The 10 longest chains and the 10 widest walks, whatever their order. */
static void text_streamed_top_ten(void **state)
{
	struct mmr_chain_event c;
	struct mmr_walk_event w;
	struct report r;
	const char *walks;
	char want[64], *t;
	uint32_t i, k;

	report_init(&r);
	r.anon.traced = true;
	for (i = 0; i < 25; i++) {
		k = (i * 7) % 25;	/* 0..24, shuffled */
		c = chain_ev(MMR_CHAIN_CLONE, 1000 + k, 1000 + k, "c", 100 + k, 0x1000, 0x2000);
		assert_int_equal(report_add_chain_event(&r.anon, &c), 0);
		w = walk_ev(RMAP_REF, 2000 + k, "w", 1, "init", 40 + k, 1, 1000);
		assert_int_equal(report_add_walk_event(&r.anon, &w, "folio_referenced"), 0);
	}
	t = anon_text_of(&r);
	find(t, "longest chains (25 streamed)\n");
	walks = find(t, "widest rmap walks (25 streamed)\n");
	for (k = 24; k >= 15; k--) {
		snprintf(want, sizeof(want), "\n  %-8u c ", 1000 + k);
		if (!strstr(t, want) || strstr(t, want) > walks)
			fail_msg("no chain of pid %u", 1000 + k);
		snprintf(want, sizeof(want), "\n    by %u w;", 2000 + k);
		find(walks, want);
		snprintf(want, sizeof(want), "\n  folio_referenced: %u VMAs", 40 + k);
		find(walks, want);
	}
	assert_true(strstr(t, "\n  1024     c ") < strstr(t, "\n  1015     c "));
	assert_true(strstr(t, "by 2024 w") < strstr(t, "by 2015 w"));
	assert_null(strstr(t, "\n  1014     c "));
	assert_null(strstr(t, "by 2014 w"));
	assert_int_equal(count_of(t, "\n  folio_referenced: "), 10);
	assert_int_equal(count_of(t, "     c               clone"), 10);
	free(t);
	report_free(&r);
}

/* Wide values still fit 80 columns. */
static void text_fits_80_columns(void **state)
{
	struct mmr_chain_event c;
	struct mmr_walk_event w;
	struct report r;
	char *t;

	sample_anon_report(&r);
	r.anon.min_chain = MMR_CHAIN_MAX;
	r.anon.min_fanout = 100000;
	r.anon.lost = 999999999;
	snprintf(r.anon.rows[0].comm, sizeof(r.anon.rows[0].comm), "0123456789abcde");
	/* 10 digits in the process table's counts */
	r.anon.rows[0].s.events[MMR_CHAIN_FORK] = 9999999999ULL;
	r.anon.rows[0].s.events[MMR_CHAIN_CLONE] = 9999999999ULL;
	r.anon.rows[0].s.events[MMR_CHAIN_PREPARE] = 9999999999ULL;
	r.anon.rows[0].s.reused = 9999999999ULL;
	r.anon.rows[0].s.truncated = 1;
	values(&r.anon.rows[0].s.length, 1, MMR_CHAIN_MAX);
	r.anon.chain_total.events[MMR_CHAIN_PREPARE] = 99999999999ULL;
	r.anon.chain_total.reused = 99999999999ULL;
	r.anon.chain_total.truncated = 99999999999ULL;
	r.anon.chain_total.length.slots[MMR_HIST_SLOTS - 1] = 99999999999ULL;
	r.anon.walk_total.walks = r.anon.walk_total.locked = 99999999999ULL;
	r.anon.walk_total.contended = r.anon.walk_total.nested = 99999999999ULL;
	snprintf(r.anon.walkers[0].name, sizeof(r.anon.walkers[0].name), "%s",
		 "a_walker_of_forty_seven_characters_for_the_test");
	r.anon.walkers[0].s.walks = r.anon.walkers[0].s.contended = 99999999999ULL;
	r.anon.walkers[0].s.locked = r.anon.walkers[0].s.nested = 99999999999ULL;
	values(&r.anon.walkers[0].s.vmas, 1, 999999);
	values(&r.anon.walkers[0].s.mapped, 1, 999999);
	values(&r.anon.walkers[0].s.ns, 1, 999999999999ULL);
	c = chain_ev(MMR_CHAIN_PREPARE, 4000000, 4000000, "0123456789abcde", MMR_CHAIN_MAX,
		     0x7ffffffff000ULL, 0x7ffffffff000ULL);
	c.truncated = 1;
	assert_int_equal(report_add_chain_event(&r.anon, &c), 0);
	w = walk_ev(RMAP_REF, 4000000, "0123456789abcde", 4000001, "0123456789abcde", 999999,
		    999999, 999999999999ULL);
	w.contended = 1;
	w.vm_start = w.vm_end = 0x7ffffffff000ULL;
	assert_int_equal(report_add_walk_event(&r.anon, &w, r.anon.walkers[0].name), 0);
	t = anon_text_of(&r);
	assert_max_columns(t, 80);
	find(t, "1000.00 s");
	find(t, "999999 VMAs");
	find(t, "0123456789abcde");
	free(t);
	report_free(&r);
}

/* report_print_text() has the section, after mmap_lock's. */
static void text_in_report(void **state)
{
	struct report r;
	char *t;

	sample_anon_report(&r);
	t = report_text_of(&r);
	assert_true(find(t, "\nanon_vma\nchain events: 40 fork") >
		    find(t, "\nmmap_lock: n/a"));
	find(t, "\n  folio_referenced: 1000 walks, 4 lock-contended\n");
	free(t);

	r.anon.traced = false;
	snprintf(r.anon.why, sizeof(r.anon.why), "not traced: --no-anon-vma");
	t = report_text_of(&r);
	assert_true(find(t, "\nanon_vma: n/a (not traced: --no-anon-vma)\n") >
		    find(t, "\nmmap_lock: n/a"));
	assert_null(strstr(t, "chain events"));
	assert_null(strstr(t, "rmap walk"));
	assert_int_equal(count_of(t, "anon_vma:"), 1);
	free(t);
	report_free(&r);
}

/* ---- report_anon_json ---- */

static void json_untraced(void **state)
{
	struct report r;
	json_t *j;

	sample_anon_report(&r);
	r.anon.traced = false;
	j = report_anon_json(&r.anon);
	assert_non_null(j);
	assert_true(json_is_null(j));
	json_decref(j);

	j = report_to_json(&r);
	assert_non_null(j);
	assert_json_null(j, "anon_vma");
	assert_json_null(j, "modes.anon_vma");
	assert_json_str(j, "modes.faults", "fentry");
	json_decref(j);
	report_free(&r);
}

static void json_totals(void **state)
{
	struct report r;
	json_t *j, *b;

	sample_anon_report(&r);
	r.anon.missed = 3;
	j = anon_json_of(&r);
	assert_int_equal(json_object_size(j), 17);
	assert_json_int(j, "missed_runs", 3);
	assert_json_int(j, "chain_length.count", 218);
	assert_json_int(j, "chain_length.sum", 11043);
	assert_json_int(j, "chain_length.p50", 3);
	assert_json_int(j, "chain_length.p99", 1024);
	assert_json_int(j, "chain_length.max", 1024);
	assert_int_equal(json_object_size(json_path(j, "chain_length")), 6);
	b = json_path(j, "chain_length.buckets");
	assert_int_equal(json_array_size(b), 4);	/* counted slots only */
	assert_bucket(b, 0, 1, 63);
	assert_bucket(b, 1, 3, 100);
	assert_bucket(b, 2, 15, 45);
	assert_bucket(b, 3, 2047, 10);

	assert_json_int(j, "rmap_walk_vmas.count", 1052);
	assert_json_int(j, "rmap_walk_vmas.sum", 35952);
	assert_json_int(j, "rmap_walk_vmas.p50", 7);
	assert_json_int(j, "rmap_walk_vmas.p99", 600);
	assert_json_int(j, "rmap_walk_vmas.max", 600);
	b = json_path(j, "rmap_walk_vmas.buckets");
	assert_int_equal(json_array_size(b), 4);
	assert_bucket(b, 0, 1, 2);
	assert_bucket(b, 1, 7, 990);
	assert_bucket(b, 2, 127, 10);
	assert_bucket(b, 3, 1023, 50);
	assert_json_int(j, "rmap_walk_mapped.count", 1052);
	assert_json_int(j, "rmap_walk_mapped.p50", 1);
	assert_json_int(j, "rmap_walk_mapped.max", 600);
	assert_json_int(j, "rmap_walk_ns.sum", 31485600);
	assert_json_int(j, "rmap_walk_ns.p50", 2047);
	assert_json_int(j, "rmap_walk_ns.p99", 262143);
	assert_json_int(j, "rmap_walk_ns.max", 2000000);
	assert_json_int(j, "rmap_lock_wait_ns.count", 4);
	assert_json_int(j, "rmap_lock_wait_ns.p50", 20000);
	assert_bucket(json_path(j, "rmap_lock_wait_ns.buckets"), 0, 32767, 4);

	assert_json_int(j, "chain_events.fork", 40);
	assert_json_int(j, "chain_events.clone", 25);
	assert_json_int(j, "chain_events.prepare", 153);
	assert_int_equal(json_object_size(json_path(j, "chain_events")), 3);
	assert_json_int(j, "reused", 30);
	assert_json_int(j, "truncated", 1);
	assert_json_int(j, "walks", 1052);
	assert_json_int(j, "min_chain", 8);
	assert_json_int(j, "min_fanout", 32);
	assert_json_int(j, "lost", 3);
	json_decref(j);
	report_free(&r);
}

/* Traced, nothing seen: zeros, null percentiles, empty lists. */
static void json_empty(void **state)
{
	struct report r;
	json_t *j;

	report_init(&r);
	r.anon.traced = true;
	j = anon_json_of(&r);
	assert_int_equal(json_object_size(j), 17);
	assert_json_int(j, "missed_runs", 0);
	assert_json_int(j, "chain_length.count", 0);
	assert_json_null(j, "chain_length.p50");
	assert_json_null(j, "chain_length.max");
	assert_json_null(j, "rmap_walk_ns.p99");
	assert_true(json_is_array(json_path(j, "rmap_walk_vmas.buckets")));
	assert_int_equal(json_array_size(json_path(j, "rmap_walk_vmas.buckets")), 0);
	assert_json_int(j, "chain_events.fork", 0);
	assert_json_int(j, "walks", 0);
	assert_int_equal(json_array_size(json_path(j, "walkers")), 0);
	assert_int_equal(json_array_size(json_path(j, "processes")), 0);
	assert_int_equal(json_array_size(json_path(j, "chains")), 0);
	assert_int_equal(json_array_size(json_path(j, "walk_events")), 0);
	assert_json_int(j, "min_chain", 0);	/* --min-chain 0: everything streamed */
	assert_json_int(j, "lost", 0);
	json_decref(j);
	report_free(&r);
}

static void json_walkers(void **state)
{
	struct report r;
	json_t *j, *ws, *w;

	sample_anon_report(&r);
	j = anon_json_of(&r);
	ws = json_path(j, "walkers");
	assert_int_equal(json_array_size(ws), 3);
	w = json_array_get(ws, 0);	/* in the report's order */
	assert_json_str(w, "walker", "try_to_migrate");
	assert_json_str(w, "rmap_one", "0xffffffff81234800");
	assert_json_int(w, "walks", 50);
	assert_json_int(w, "locked", 20);
	assert_json_int(w, "contended", 0);
	assert_json_int(w, "nested", 1);
	assert_json_int(w, "vmas.p50", 600);
	assert_json_int(w, "mapped.sum", 30000);
	assert_json_int(w, "ns.max", 200000);
	assert_json_int(w, "lock_wait_ns.count", 0);
	assert_json_null(w, "lock_wait_ns.p50");
	assert_json_int(w, "tracer_ns", 4500);
	assert_int_equal(json_object_size(w), 11);
	w = json_array_get(ws, 1);
	assert_json_str(w, "walker", "folio_referenced");
	assert_json_str(w, "rmap_one", "0xffffffff81234560");
	assert_json_int(w, "contended", 4);
	assert_json_int(w, "vmas.p99", 7);
	assert_json_int(w, "vmas.max", 100);
	assert_json_int(w, "mapped.max", 4);
	assert_json_int(w, "ns.p50", 2047);
	assert_json_int(w, "lock_wait_ns.max", 20000);
	assert_int_equal(json_array_size(json_path(w, "ns.buckets")), 2);
	w = json_array_get(ws, 2);
	assert_json_str(w, "walker", "0xffffffff81239999");
	assert_json_int(w, "mapped.max", 0);	/* a real 0: counted */
	assert_json_int(w, "mapped.p50", 0);
	json_decref(j);
	report_free(&r);
}

static void json_processes(void **state)
{
	struct report r;
	json_t *j, *ps, *p;

	sample_anon_report(&r);
	j = anon_json_of(&r);
	ps = json_path(j, "processes");
	assert_int_equal(json_array_size(ps), 3);
	p = json_array_get(ps, 0);	/* in the report's order */
	assert_json_int(p, "pid", 300);
	assert_json_str(p, "comm", "postgres");
	assert_json_int(p, "chain_events.fork", 40);
	assert_json_int(p, "chain_events.clone", 5);
	assert_json_int(p, "chain_events.prepare", 100);
	assert_json_int(p, "reused", 30);
	assert_json_int(p, "truncated", 0);
	assert_json_int(p, "chain_length.count", 145);
	assert_json_int(p, "chain_length.p99", 12);
	assert_int_equal(json_object_size(p), 6);
	p = json_array_get(ps, 1);
	assert_json_int(p, "pid", 100);
	assert_json_int(p, "truncated", 1);
	assert_json_int(p, "chain_length.max", 1024);
	assert_json_int(p, "chain_length.p50", 1);
	p = json_array_get(ps, 2);
	assert_json_int(p, "pid", 200);
	assert_json_str(p, "comm", "?");	/* never named */
	json_decref(j);
	report_free(&r);
}

static void json_chains(void **state)
{
	struct report r;
	json_t *j, *cs, *c;

	sample_anon_report(&r);
	r.anon.chains[2].kind = 7;	/* not a kind this build knows */
	j = anon_json_of(&r);
	cs = json_path(j, "chains");
	assert_int_equal(json_array_size(cs), 4);	/* in arrival order */
	c = json_array_get(cs, 0);
	assert_json_str(c, "kind", "fork");
	assert_json_int(c, "pid", 300);
	assert_json_int(c, "tid", 300);
	assert_json_str(c, "comm", "postgres");
	assert_json_int(c, "length", 12);
	assert_json_bool(c, "truncated", false);
	assert_json_bool(c, "reused", true);
	assert_json_int(c, "vma.start", 0x7f0000000000LL);
	assert_json_int(c, "vma.end", 0x7f0000200000LL);
	assert_int_equal(json_object_size(json_path(c, "vma")), 2);
	/* kernel addresses are above 2^63: ids in hex, not numbers */
	assert_json_str(c, "anon_vma", "0xffff888100a0000c");
	assert_json_str(c, "root", "0xffff888100900000");
	assert_json_int(c, "num_children", 12);
	assert_json_int(c, "num_active_vmas", 2);
	assert_json_int(c, "ts_ns", 1012);
	assert_int_equal(json_object_size(c), 13);
	c = json_array_get(cs, 1);
	assert_json_str(c, "kind", "clone");
	assert_json_int(c, "tid", 101);
	assert_json_int(c, "length", 1024);
	assert_json_bool(c, "truncated", true);
	assert_json_bool(c, "reused", false);
	c = json_array_get(cs, 2);
	assert_json_null(c, "kind");
	assert_json_int(c, "vma.start", 0x55d0c0de0000LL);
	c = json_array_get(cs, 3);
	assert_json_str(c, "kind", "fork");
	assert_json_bool(c, "reused", false);
	json_decref(j);

	/* a VMA not known: null */
	r.anon.chains[0].vm_start = r.anon.chains[0].vm_end = 0;
	j = anon_json_of(&r);
	assert_json_null(json_array_get(json_path(j, "chains"), 0), "vma");
	json_decref(j);
	report_free(&r);
}

static void json_walk_events(void **state)
{
	struct report r;
	json_t *j, *ws, *w;

	sample_anon_report(&r);
	j = anon_json_of(&r);
	ws = json_path(j, "walk_events");
	assert_int_equal(json_array_size(ws), 3);	/* in arrival order */
	w = json_array_get(ws, 0);
	assert_json_str(w, "walker", "folio_referenced");
	assert_json_int(w, "pid", 50);
	assert_json_int(w, "tid", 51);
	assert_json_str(w, "comm", "kswapd0");
	assert_json_int(w, "owner", 300);
	assert_json_str(w, "owner_comm", "postgres");
	assert_json_int(w, "vmas", 100);
	assert_json_int(w, "mapped", 4);
	assert_json_bool(w, "locked", false);
	assert_json_bool(w, "contended", true);
	assert_json_int(w, "dur_ns", 2000000);
	assert_json_int(w, "tracer_ns", 3000);
	assert_json_int(w, "lock_wait_ns", 20000);
	assert_json_str(w, "anon_vma", "0xffff888100a00000");
	assert_json_str(w, "root", "0xffff888100900000");
	assert_json_int(w, "vma.start", 0x7f0000000000LL);
	assert_json_int(w, "vma.end", 0x7f0000200000LL);
	assert_json_int(w, "ts_ns", 5000100);
	assert_int_equal(json_object_size(w), 17);

	/* owner unknown, no VMA, under the caller's lock: no lock wait at all */
	w = json_array_get(ws, 1);
	assert_json_str(w, "walker", "try_to_migrate");
	assert_json_null(w, "owner");
	assert_json_null(w, "owner_comm");
	assert_json_bool(w, "locked", true);
	assert_json_null(w, "lock_wait_ns");
	assert_json_null(w, "vma");
	assert_int_equal(json_object_size(w), 17);

	/* the lock taken without waiting: 0, a measurement */
	w = json_array_get(ws, 2);
	assert_json_str(w, "walker", "0xffffffff81239999");
	assert_json_bool(w, "contended", false);
	assert_json_int(w, "lock_wait_ns", 0);
	assert_json_int(w, "owner", 70);
	assert_json_int(w, "mapped", 0);
	json_decref(j);

	/* an owner known but unnamed: "?" */
	r.anon.walks[2].e.owner_comm[0] = '\0';
	j = anon_json_of(&r);
	assert_json_str(json_array_get(json_path(j, "walk_events"), 2), "owner_comm", "?");
	json_decref(j);
	report_free(&r);
}

/* In the whole document: the object and the mode when traced. */
static void json_in_report(void **state)
{
	struct report r;
	json_t *j, *want;

	sample_anon_report(&r);
	j = report_to_json(&r);
	assert_non_null(j);
	assert_json_str(j, "modes.anon_vma", "fentry");
	want = report_anon_json(&r.anon);
	assert_true(json_equal(json_path(j, "anon_vma"), want));
	json_decref(want);
	json_decref(j);

	r.fault_mode = MMR_MODE_KPROBE;
	j = report_to_json(&r);
	assert_json_str(j, "modes.anon_vma", "kprobe");
	assert_json_int(j, "anon_vma.walks", 1052);
	json_decref(j);
	report_free(&r);
}

/* The kernel cuts comm at 15 bytes, possibly inside a UTF-8 character. */
static void json_comm_not_utf8(void **state)
{
	static const char cut[] = "abcdefghijklmn\xc3";	/* "...nÄ" cut */
	struct report r;
	json_t *j, *comms[4];
	bool right = true;
	size_t i;

	sample_anon_report(&r);
	snprintf(r.anon.rows[0].comm, sizeof(r.anon.rows[0].comm), "%s", cut);
	memcpy(r.anon.chains[0].comm, cut, sizeof(cut));
	memcpy(r.anon.walks[0].e.comm, cut, sizeof(cut));
	memcpy(r.anon.walks[0].e.owner_comm, cut, sizeof(cut));
	j = report_anon_json(&r.anon);
	assert_non_null(j);
	comms[0] = json_object_get(json_array_get(json_path(j, "processes"), 0), "comm");
	comms[1] = json_object_get(json_array_get(json_path(j, "chains"), 0), "comm");
	comms[2] = json_object_get(json_array_get(json_path(j, "walk_events"), 0), "comm");
	comms[3] = json_object_get(json_array_get(json_path(j, "walk_events"), 0), "owner_comm");
	for (i = 0; i < ARRAY_LEN(comms); i++)
		right = right && json_is_string(comms[i]) &&
			!strncmp(json_string_value(comms[i]), "abcdefghijklmn", 14);
	json_decref(j);
	report_free(&r);
	assert_true(right);
}

int main(void)
{
	const struct CMUnitTest test_report_anon_vma[] = {
		cmocka_unit_test(set_rows_totals),
		cmocka_unit_test(set_walkers_totals),
		cmocka_unit_test(set_again_replaces),
		cmocka_unit_test(add_chain_copies),
		cmocka_unit_test(add_walk_copies),
		cmocka_unit_test(add_bounded),
		cmocka_unit_test(text_untraced),
		cmocka_unit_test(text_empty),
		cmocka_unit_test(text_chain_lengths),
		cmocka_unit_test(text_walks),
		cmocka_unit_test(text_walkers),
		cmocka_unit_test(text_processes),
		cmocka_unit_test(text_top_ten_processes),
		cmocka_unit_test(text_streamed),
		cmocka_unit_test(text_streamed_top_ten),
		cmocka_unit_test(text_fits_80_columns),
		cmocka_unit_test(text_in_report),
		cmocka_unit_test(json_untraced),
		cmocka_unit_test(json_totals),
		cmocka_unit_test(json_empty),
		cmocka_unit_test(json_walkers),
		cmocka_unit_test(json_processes),
		cmocka_unit_test(json_chains),
		cmocka_unit_test(json_walk_events),
		cmocka_unit_test(json_in_report),
		cmocka_unit_test(json_comm_not_utf8),
	};

	return cmocka_run_group_tests(test_report_anon_vma, NULL, NULL);
}
