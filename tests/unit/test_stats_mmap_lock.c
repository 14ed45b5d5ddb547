// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_stats_mmap_lock.c: the mmap_lock figures with no kernel (stats/mmap_lock.c): log2
 * histograms merged and read as percentiles, per-CPU stats summed, process
 * rows ranked, and which holders blocked a long write wait.
 */
#include <stdio.h>
#include <string.h>

#include "stats/mmap_lock.h"
#include "unit.h"

/* ---- fixtures ---- */

/* A histogram from (slot, count) pairs; count and sum follow, max given. */
static struct mmr_hist hist_of(const int (*slots)[2], size_t n, uint64_t max_ns)
{
	struct mmr_hist h;
	size_t i;

	memset(&h, 0, sizeof(h));
	for (i = 0; i < n; i++) {
		h.slots[slots[i][0]] += slots[i][1];
		h.count += slots[i][1];
		h.sum_ns += (uint64_t)slots[i][1] << slots[i][0];	/* 2^slot ns each */
	}
	h.max_ns = max_ns;
	return h;
}

#define HIST(max, ...)								\
	hist_of((const int[][2]){ __VA_ARGS__ },				\
		sizeof((const int[][2]){ __VA_ARGS__ }) / sizeof(int[2]), max)

static struct lock_row row(uint32_t pid, uint64_t read_wait, uint64_t write_wait,
			   uint64_t write_hold)
{
	struct lock_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	snprintf(r.comm, sizeof(r.comm), "p%u", pid);
	r.mode[0].wait.sum_ns = read_wait;
	r.mode[1].wait.sum_ns = write_wait;
	r.mode[1].hold.sum_ns = write_hold;
	r.mode[0].hold.sum_ns = 1000000000 - pid;	/* read holds do not rank */
	return r;
}

/* ---- hist_merge, lock_stats_merge ---- */

static void hist_merge_adds(void **state)
{
	struct mmr_hist a = HIST(900, { 0, 2 }, { 9, 3 }), b = HIST(70000, { 9, 1 }, { 16, 4 });
	struct mmr_hist zero, copy;
	int i;

	hist_merge(&a, &b);
	assert_int_equal(a.count, 10);
	assert_int_equal(a.sum_ns, 2 * 1 + 3 * 512 + 512 + 4 * 65536);
	assert_int_equal(a.max_ns, 70000);
	assert_int_equal(a.slots[0], 2);
	assert_int_equal(a.slots[9], 4);
	assert_int_equal(a.slots[16], 4);
	for (i = 0; i < MMR_HIST_SLOTS; i++)
		if (i != 0 && i != 9 && i != 16)
			assert_int_equal(a.slots[i], 0);
	/* b is untouched */
	assert_int_equal(b.count, 5);
	assert_int_equal(b.slots[9], 1);

	/* a smaller max does not lower it; an empty one changes nothing */
	b = HIST(5, { 2, 1 });
	hist_merge(&a, &b);
	assert_int_equal(a.max_ns, 70000);
	assert_int_equal(a.slots[2], 1);
	assert_int_equal(a.count, 11);
	copy = a;
	memset(&zero, 0, sizeof(zero));
	hist_merge(&a, &zero);
	assert_memory_equal(&a, &copy, sizeof(a));

	/* into an empty one: a copy */
	memset(&zero, 0, sizeof(zero));
	hist_merge(&zero, &copy);
	assert_memory_equal(&zero, &copy, sizeof(zero));

	/* the last slot sums like any other */
	a = HIST(1ULL << 40, { MMR_HIST_SLOTS - 1, 7 });
	b = HIST(1ULL << 36, { MMR_HIST_SLOTS - 1, 2 });
	hist_merge(&a, &b);
	assert_int_equal(a.slots[MMR_HIST_SLOTS - 1], 9);
	assert_int_equal(a.max_ns, 1ULL << 40);
}

static struct mmr_lock_stats stats(uint64_t acq, const char *comm)
{
	struct mmr_lock_stats s;

	memset(&s, 0, sizeof(s));
	s.acquisitions = acq;
	s.failures = acq / 2;
	s.remote = 1;
	s.downgrades = 2;
	memcpy(s.comm, comm, strnlen(comm, sizeof(s.comm)));
	s.wait = HIST(100, { 6, (int)acq });
	s.hold = HIST(5000, { 12, (int)acq });
	return s;
}

static void stats_merge_sums(void **state)
{
	struct mmr_lock_stats a = stats(4, "bash"), b = stats(10, "make");

	b.wait.max_ns = 120;
	lock_stats_merge(&a, &b);
	assert_int_equal(a.acquisitions, 14);
	assert_int_equal(a.failures, 2 + 5);
	assert_int_equal(a.remote, 2);
	assert_int_equal(a.downgrades, 4);
	assert_int_equal(a.wait.count, 14);
	assert_int_equal(a.wait.slots[6], 14);
	assert_int_equal(a.wait.sum_ns, 14 * 64);
	assert_int_equal(a.wait.max_ns, 120);
	assert_int_equal(a.hold.count, 14);
	assert_int_equal(a.hold.slots[12], 14);
	assert_int_equal(a.hold.max_ns, 5000);
	assert_int_equal(b.acquisitions, 10);	/* b is untouched */
}

/* The comm of the part with the most acquisitions: the name after exec. */
static void stats_merge_comm(void **state)
{
	struct mmr_lock_stats a, b, c;

	/* b has more: its name wins */
	a = stats(4, "bash");
	b = stats(10, "make");
	lock_stats_merge(&a, &b);
	assert_string_equal(a.comm, "make");

	/* a has more: it keeps its name, also after several smaller parts */
	a = stats(10, "make");
	b = stats(4, "bash");
	c = stats(9, "sh");
	lock_stats_merge(&a, &b);
	assert_string_equal(a.comm, "make");
	lock_stats_merge(&a, &c);	/* 9 < 10 and < 14 */
	assert_string_equal(a.comm, "make");
	assert_int_equal(a.acquisitions, 23);

	/* a tie keeps the first name */
	a = stats(5, "first");
	b = stats(5, "second");
	lock_stats_merge(&a, &b);
	assert_string_equal(a.comm, "first");

	/* no name yet: any name is better, however few its acquisitions */
	a = stats(50, "");
	b = stats(1, "late");
	lock_stats_merge(&a, &b);
	assert_string_equal(a.comm, "late");

	/* a part without a name never erases one */
	a = stats(1, "named");
	b = stats(99, "");
	lock_stats_merge(&a, &b);
	assert_string_equal(a.comm, "named");
	assert_int_equal(a.acquisitions, 100);

	/* into a zeroed total, as report_set_lock_rows sums rows */
	memset(&a, 0, sizeof(a));
	b = stats(0, "idle");	/* only failures, say */
	lock_stats_merge(&a, &b);
	assert_string_equal(a.comm, "idle");

	/* a full 16-byte name is copied whole */
	memset(&a, 0, sizeof(a));
	b = stats(3, "0123456789abcdef");
	lock_stats_merge(&a, &b);
	assert_memory_equal(a.comm, "0123456789abcdef", 16);
}

/* ---- hist_quantile ---- */

static void quantile_empty(void **state)
{
	struct mmr_hist h;

	memset(&h, 0, sizeof(h));
	assert_int_equal(hist_quantile(&h, 0.5), 0);
	assert_int_equal(hist_quantile(&h, 0.99), 0);
	assert_int_equal(hist_quantile(&h, 1), 0);
	h.max_ns = 12345;	/* no slot counted: still 0 */
	assert_int_equal(hist_quantile(&h, 0.5), 0);
}

/*
 * 50 in [8, 16), 49 in [1024, 2048), 1 in [2^20, 2^21) with a maximum of
 * 1.5 ms: rank 50 ends slot 3, rank 99 slot 10, rank 100 is the maximum.
 */
static void quantile_ranks(void **state)
{
	struct mmr_hist h = HIST(1500000, { 3, 50 }, { 10, 49 }, { 20, 1 });

	assert_int_equal(hist_quantile(&h, 0.01), 15);		/* rank 1 */
	assert_int_equal(hist_quantile(&h, 0.5), 15);		/* rank 50 */
	assert_int_equal(hist_quantile(&h, 0.51), 2047);	/* rank 51 */
	assert_int_equal(hist_quantile(&h, 0.9), 2047);
	assert_int_equal(hist_quantile(&h, 0.99), 2047);	/* rank 99 */
	assert_int_equal(hist_quantile(&h, 0.995), 1500000);	/* rank 99.5 -> 100 */
	assert_int_equal(hist_quantile(&h, 1), 1500000);	/* 2^21 - 1 > max */
	/* out of range: clamped */
	assert_int_equal(hist_quantile(&h, 2), 1500000);
	assert_int_equal(hist_quantile(&h, 0), 15);
	assert_int_equal(hist_quantile(&h, -1), 15);
}

/* The rank is rounded up: p50 of 3 samples is the 2nd. */
static void quantile_rounds_rank_up(void **state)
{
	struct mmr_hist h = HIST(20, { 1, 1 }, { 2, 1 }, { 4, 1 });
	struct mmr_hist h200 = HIST(100, { 2, 198 }, { 6, 2 });
	struct mmr_hist h4 = HIST(3000, { 5, 2 }, { 11, 2 });

	assert_int_equal(hist_quantile(&h, 0.5), 7);	/* 1.5 -> rank 2: [4, 8) */
	assert_int_equal(hist_quantile(&h, 0.34), 7);	/* 1.02 -> rank 2 */
	assert_int_equal(hist_quantile(&h, 0.33), 3);	/* 0.99 -> rank 1: [2, 4) */
	assert_int_equal(hist_quantile(&h, 0.99), 20);	/* rank 3: [16, 32), max 20 */
	/* 0.99 * 200 is rank 198 exactly, the last of slot 2, not 199 */
	assert_int_equal(hist_quantile(&h200, 0.99), 7);
	assert_int_equal(hist_quantile(&h200, 0.995), 100);	/* rank 199 */
	/* p50 of an even count: rank 2 of 4, the last of the lower slot */
	assert_int_equal(hist_quantile(&h4, 0.5), 63);
	assert_int_equal(hist_quantile(&h4, 0.75), 3000);	/* 4095 > max */
}

/* Never above the maximum seen; slot 0 holds 0 and 1 ns. */
static void quantile_capped_by_max(void **state)
{
	struct mmr_hist h = HIST(40, { 5, 4 });		/* [32, 64) */
	struct mmr_hist zeros = HIST(0, { 0, 10 });	/* ten 0 ns samples */
	struct mmr_hist ones = HIST(1, { 0, 3 });
	struct mmr_hist exact = HIST(63, { 5, 4 });

	assert_int_equal(hist_quantile(&h, 0.5), 40);
	assert_int_equal(hist_quantile(&h, 0.01), 40);
	assert_int_equal(hist_quantile(&exact, 0.5), 63);
	assert_int_equal(hist_quantile(&zeros, 0.5), 0);
	assert_int_equal(hist_quantile(&zeros, 0.99), 0);
	assert_int_equal(hist_quantile(&ones, 0.5), 1);
}

/* The last slot has no upper bound: everything from ~34 s, so the max. */
static void quantile_last_slot(void **state)
{
	struct mmr_hist h = HIST(100000000000ULL, { 1, 1 }, { MMR_HIST_SLOTS - 1, 1 });
	struct mmr_hist below = HIST(100000000000ULL, { MMR_HIST_SLOTS - 2, 2 },
				     { MMR_HIST_SLOTS - 1, 1 });

	assert_int_equal(hist_quantile(&h, 0.5), 3);
	assert_int_equal(hist_quantile(&h, 0.99), 100000000000ULL);
	assert_int_equal(hist_quantile(&h, 1), 100000000000ULL);
	/* the slot before the last still has its bound, 2^35 - 1 */
	assert_int_equal(hist_quantile(&below, 0.5), (1ULL << 35) - 1);
	assert_int_equal(hist_quantile(&below, 0.99), 100000000000ULL);
}

/* The rank counts slots, not h->count (a per-CPU sum may be mid-update). */
static void quantile_counts_slots(void **state)
{
	struct mmr_hist h = HIST(5000, { 4, 1 }, { 12, 3 });

	h.count = 1;	/* as if only the first sample had been counted */
	assert_int_equal(hist_quantile(&h, 0.5), 5000);	/* rank 2 of 4: [4096, 8192) */
}

/* ---- lock_rows_sort_by_write_hold, lock_rows_sort_by_wait ---- */

static void sort_by_write_hold(void **state)
{
	struct lock_row rows[] = {
		row(10, 900, 0, 5000), row(20, 0, 0, 0), row(30, 0, 100, 7000000000ULL),
		row(5, 0, 0, 5000), row(40, 99999, 99999, 6000), row(7, 0, 0, 0),
	};
	static const uint32_t want[] = { 30, 40, 5, 10, 7, 20 };
	size_t i;

	lock_rows_sort_by_write_hold(rows, ARRAY_LEN(rows));
	for (i = 0; i < ARRAY_LEN(want); i++)
		assert_int_equal(rows[i].pid, want[i]);
	/* whole rows moved */
	assert_string_equal(rows[0].comm, "p30");
	assert_int_equal(rows[0].mode[1].wait.sum_ns, 100);
	assert_string_equal(rows[1].comm, "p40");
	lock_rows_sort_by_write_hold(rows, 0);	/* nothing to sort */
	assert_int_equal(rows[0].pid, 30);
}

/* Both modes' waits, summed; ties by pid. */
static void sort_by_wait(void **state)
{
	struct lock_row rows[] = {
		row(1, 500, 0, 9000000), row(2, 0, 700, 0), row(3, 300, 300, 0),
		row(4, 0, 0, 0), row(5, 1, 0, 0), row(6, 600, 0, 0),
	};
	static const uint32_t want[] = { 2, 3, 6, 1, 5, 4 };
	size_t i;

	lock_rows_sort_by_wait(rows, ARRAY_LEN(rows));
	for (i = 0; i < ARRAY_LEN(want); i++)
		if (rows[i].pid != want[i])
			fail_msg("row %zu: pid %u, want %u", i, rows[i].pid, want[i]);
	assert_int_equal(rows[3].mode[1].hold.sum_ns, 9000000);
	lock_rows_sort_by_wait(rows, 1);
	assert_int_equal(rows[0].pid, 2);
}

/* ---- find_blockers ---- */

#define MM_A 0xffff888100a00000ULL
#define MM_B 0xffff888100b00000ULL

static struct mmr_lock_event ev(uint32_t kind, uint32_t pid, uint32_t tid, uint64_t mm,
				uint64_t start, uint64_t end)
{
	char comm[16];

	snprintf(comm, sizeof(comm), "t%u", tid);
	return LOCK_EVENT(kind, false, pid, tid, comm, mm, start, end);
}

#define HOLD(pid, tid, mm, start, end) ev(MMR_LOCK_EV_HOLD, pid, tid, mm, start, end)

/* A writer, tid 100 of process 100, waits for mm A from 4000 to 10000 ns. */
static struct mmr_lock_event writer(void)
{
	struct mmr_lock_event w = ev(MMR_LOCK_EV_WAIT, 100, 100, MM_A, 4000, 10000);

	w.write = 1;
	return w;
}

/* Holds around that wait: index, and whether they count. */
static size_t holds_around(struct mmr_lock_event *h)
{
	size_t n = 0;

	h[n++] = HOLD(200, 200, MM_A, 2000, 5000);	/* 0: overlaps 1000 */
	h[n++] = HOLD(100, 100, MM_A, 4000, 9000);	/* 1: the writer itself */
	h[n++] = HOLD(300, 300, MM_B, 4000, 10000);	/* 2: another mm */
	h[n++] = HOLD(301, 301, MM_A, 10000, 12000);	/* 3: starts as the wait ends */
	h[n++] = HOLD(302, 302, MM_A, 1000, 4000);	/* 4: ends as the wait starts */
	h[n] = ev(MMR_LOCK_EV_WAIT, 303, 303, MM_A, 5000, 9000);	/* 5: a wait */
	h[n++].write = 1;
	h[n] = HOLD(304, 304, MM_A, 3000, 11000);	/* 6: the whole wait, 6000 */
	h[n++].write = 1;
	h[n++] = HOLD(305, 305, MM_A, 6000, 7000);	/* 7: inside, 1000 */
	h[n] = HOLD(306, 306, MM_A, 8000, 12000);	/* 8: 2000, in a fault */
	h[n].in_fault = 1;
	h[n].remote = 1;
	h[n].fault = MMR_LOCK_FAULT_ADDR | MMR_LOCK_FAULT_IO_KNOWN | MMR_LOCK_FAULT_IO;
	h[n].fault_addr = 0x7f0000001000ULL;
	h[n].blocking = 1;
	n++;
	h[n++] = HOLD(100, 101, MM_A, 4500, 5000);	/* 9: the writer's process, 500 */
	return n;
}

static void blockers_overlap_only(void **state)
{
	struct mmr_lock_event w = writer(), h[16];
	struct blocker b[16];
	static const struct { size_t index; uint32_t pid, tid; uint64_t overlap, hold; } want[] = {
		{ 6, 304, 304, 6000, 8000 }, { 8, 306, 306, 2000, 4000 },
		{ 0, 200, 200, 1000, 3000 },	/* a tie: the lower tid first */
		{ 7, 305, 305, 1000, 1000 }, { 9, 100, 101, 500, 500 },
	};
	size_t n = holds_around(h), got, i;

	memset(b, 0xa5, sizeof(b));
	got = find_blockers(&w, h, n, b, ARRAY_LEN(b));
	assert_int_equal(got, ARRAY_LEN(want));
	for (i = 0; i < got; i++) {
		char comm[16];

		if (b[i].index != want[i].index)
			fail_msg("blocker %zu: hold %zu, want %zu", i, b[i].index, want[i].index);
		assert_int_equal(b[i].pid, want[i].pid);
		assert_int_equal(b[i].tid, want[i].tid);
		assert_int_equal(b[i].overlap_ns, want[i].overlap);
		assert_int_equal(b[i].hold_ns, want[i].hold);
		snprintf(comm, sizeof(comm), "t%u", want[i].tid);
		assert_string_equal(b[i].comm, comm);
	}
	/* what the holder was doing, copied */
	assert_true(b[0].write);
	assert_false(b[0].in_fault);
	assert_false(b[0].remote);
	assert_int_equal(b[0].fault, 0);
	assert_false(b[1].write);
	assert_true(b[1].in_fault);
	assert_true(b[1].remote);
	assert_int_equal(b[1].fault, MMR_LOCK_FAULT_ADDR | MMR_LOCK_FAULT_IO_KNOWN |
				     MMR_LOCK_FAULT_IO);
	assert_int_equal(b[1].fault_addr, 0x7f0000001000ULL);
	/* nothing written past the ones found */
	for (i = got; i < ARRAY_LEN(b); i++)
		assert_int_equal(b[i].pid, 0xa5a5a5a5);
}

/* max smaller than the candidates: the longest overlaps are kept. */
static void blockers_keep_longest(void **state)
{
	struct mmr_lock_event w = writer(), h[16];
	struct blocker b[4];
	size_t n = holds_around(h);

	memset(b, 0, sizeof(b));
	assert_int_equal(find_blockers(&w, h, n, b, 2), 2);
	assert_int_equal(b[0].index, 6);
	assert_int_equal(b[0].overlap_ns, 6000);
	assert_int_equal(b[1].index, 8);
	assert_int_equal(b[1].overlap_ns, 2000);
	assert_int_equal(b[2].pid, 0);		/* untouched past max */

	assert_int_equal(find_blockers(&w, h, n, b, 1), 1);
	assert_int_equal(b[0].index, 6);
	assert_int_equal(b[1].pid, 306);	/* from the call before */

	assert_int_equal(find_blockers(&w, h, n, b, 0), 0);
	assert_int_equal(find_blockers(&w, h, 0, b, 4), 0);
	assert_int_equal(find_blockers(&w, NULL, 0, b, 4), 0);
}

/* Replacing the shortest kept when full, whatever the arrival order. */
static void blockers_replace_shortest(void **state)
{
	static const uint64_t overlaps[] = { 100, 500, 300, 700, 200, 600, 50 };
	struct mmr_lock_event w = writer(), h[ARRAY_LEN(overlaps)];
	struct blocker b[3];
	size_t i;

	for (i = 0; i < ARRAY_LEN(overlaps); i++)	/* each starts in the wait */
		h[i] = HOLD(500 + i, 500 + i, MM_A, 10000 - overlaps[i], 20000);
	assert_int_equal(find_blockers(&w, h, ARRAY_LEN(h), b, 3), 3);
	assert_int_equal(b[0].overlap_ns, 700);
	assert_int_equal(b[0].index, 3);
	assert_int_equal(b[1].overlap_ns, 600);
	assert_int_equal(b[1].index, 5);
	assert_int_equal(b[2].overlap_ns, 500);
	assert_int_equal(b[2].index, 1);
	assert_int_equal(b[2].hold_ns, 20000 - 9500);
}

/* No candidates: none of another mm, the same thread, or outside the wait. */
static void blockers_none(void **state)
{
	struct mmr_lock_event w = writer(), h[4];
	struct blocker b[4];

	h[0] = HOLD(200, 200, MM_B, 4000, 10000);
	h[1] = HOLD(100, 100, MM_A, 0, 20000);
	h[2] = HOLD(200, 200, MM_A, 10000, 10500);
	h[3] = HOLD(200, 200, MM_A, 100, 4000);
	memset(b, 0, sizeof(b));
	assert_int_equal(find_blockers(&w, h, 4, b, 4), 0);
	assert_int_equal(b[0].pid, 0);

	/* a writer of mm B is blocked by h[0], unless it is h[0]'s own thread */
	w.mm = MM_B;
	assert_int_equal(find_blockers(&w, h, 4, b, 4), 1);
	assert_int_equal(b[0].index, 0);
	assert_int_equal(b[0].overlap_ns, 6000);
	w.tid = 200;
	assert_int_equal(find_blockers(&w, h, 4, b, 4), 0);
}

/* A 16-byte comm of a hold is cut to 15 and terminated. */
static void blockers_comm_terminated(void **state)
{
	struct mmr_lock_event w = writer(), h = HOLD(9, 9, MM_A, 5000, 6000);
	struct blocker b;

	memcpy(h.comm, "0123456789abcdefXYZ", sizeof(h.comm));
	assert_int_equal(find_blockers(&w, &h, 1, &b, 1), 1);
	assert_string_equal(b.comm, "0123456789abcde");
	assert_int_equal(b.index, 0);
}

int main(void)
{
	const struct CMUnitTest test_stats_mmap_lock[] = {
		cmocka_unit_test(hist_merge_adds),
		cmocka_unit_test(stats_merge_sums),
		cmocka_unit_test(stats_merge_comm),
		cmocka_unit_test(quantile_empty),
		cmocka_unit_test(quantile_ranks),
		cmocka_unit_test(quantile_rounds_rank_up),
		cmocka_unit_test(quantile_capped_by_max),
		cmocka_unit_test(quantile_last_slot),
		cmocka_unit_test(quantile_counts_slots),
		cmocka_unit_test(sort_by_write_hold),
		cmocka_unit_test(sort_by_wait),
		cmocka_unit_test(blockers_overlap_only),
		cmocka_unit_test(blockers_keep_longest),
		cmocka_unit_test(blockers_replace_shortest),
		cmocka_unit_test(blockers_none),
		cmocka_unit_test(blockers_comm_terminated),
	};

	return cmocka_run_group_tests(test_stats_mmap_lock, NULL, NULL);
}
