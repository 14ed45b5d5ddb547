// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_stats_anon_vma.c: the anon_vma figures with no kernel (stats/anon_vma.c): per-CPU
 * chain and walk stats summed, walkers named from their rmap_one symbol,
 * process rows and walkers ranked, chain kinds named.
 */
#include <stdio.h>
#include <string.h>

#include "stats/anon_vma.h"
#include "unit.h"
#include "unit_report.h"

/* ---- fixtures ---- */

static struct mmr_chain_stats chain_stats(uint64_t fork, uint64_t clone, uint64_t prepare,
					  const char *comm)
{
	struct mmr_chain_stats s;

	memset(&s, 0, sizeof(s));
	s.events[MMR_CHAIN_FORK] = fork;
	s.events[MMR_CHAIN_CLONE] = clone;
	s.events[MMR_CHAIN_PREPARE] = prepare;
	s.reused = fork / 2;
	s.truncated = 1;
	memcpy(s.comm, comm, strnlen(comm, sizeof(s.comm)));
	return s;
}

static struct av_row row(uint32_t pid, uint64_t longest, uint64_t events)
{
	struct av_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	snprintf(r.comm, sizeof(r.comm), "p%u", pid);
	r.s.events[MMR_CHAIN_PREPARE] = events;
	if (longest)
		values(&r.s.length, 1, longest);
	return r;
}

static struct av_walker walker(const char *name, uint64_t rmap_one, uint64_t walks)
{
	struct av_walker w;

	memset(&w, 0, sizeof(w));
	snprintf(w.name, sizeof(w.name), "%s", name);
	w.rmap_one = rmap_one;
	w.s.walks = walks;
	values(&w.s.vmas, walks, 3);
	return w;
}

/* ---- chain_stats_merge ---- */

static void chain_merge_sums(void **state)
{
	struct mmr_chain_stats a = chain_stats(4, 1, 10, "bash"), b = chain_stats(6, 0, 3, "bash");

	values(&a.length, 10, 2);	/* slot 1 */
	values(&a.length, 1, 40);	/* slot 5, max 40 */
	values(&b.length, 4, 2);
	values(&b.length, 2, 300);	/* slot 8, max 300 */
	chain_stats_merge(&a, &b);
	assert_int_equal(a.events[MMR_CHAIN_FORK], 10);
	assert_int_equal(a.events[MMR_CHAIN_CLONE], 1);
	assert_int_equal(a.events[MMR_CHAIN_PREPARE], 13);
	assert_int_equal(a.reused, 2 + 3);
	assert_int_equal(a.truncated, 2);
	assert_int_equal(a.length.count, 17);
	assert_int_equal(a.length.sum_ns, 14 * 2 + 40 + 600);	/* a sum of lengths */
	assert_int_equal(a.length.max_ns, 300);			/* the longest */
	assert_int_equal(a.length.slots[1], 14);
	assert_int_equal(a.length.slots[5], 1);
	assert_int_equal(a.length.slots[8], 2);
	assert_int_equal(b.events[MMR_CHAIN_FORK], 6);	/* b is untouched */
	assert_int_equal(b.length.count, 6);

	/* a smaller maximum does not lower it */
	b = chain_stats(0, 0, 1, "bash");
	values(&b.length, 1, 7);
	chain_stats_merge(&a, &b);
	assert_int_equal(a.length.max_ns, 300);
	assert_int_equal(a.length.count, 18);
	assert_int_equal(a.events[MMR_CHAIN_PREPARE], 14);
}

/* The name is the first one set; a part without one never erases it. */
static void chain_merge_comm(void **state)
{
	struct mmr_chain_stats a, b;

	a = chain_stats(1, 0, 0, "first");
	b = chain_stats(99, 0, 0, "second");
	chain_stats_merge(&a, &b);
	assert_string_equal(a.comm, "first");

	a = chain_stats(1, 0, 0, "named");
	b = chain_stats(99, 0, 0, "");
	chain_stats_merge(&a, &b);
	assert_string_equal(a.comm, "named");

	/* into a zeroed total, as report_set_anon_rows sums rows */
	memset(&a, 0, sizeof(a));
	b = chain_stats(0, 0, 1, "late");
	chain_stats_merge(&a, &b);
	assert_string_equal(a.comm, "late");
	assert_int_equal(a.events[MMR_CHAIN_PREPARE], 1);

	/* a full 16-byte name is copied whole */
	memset(&a, 0, sizeof(a));
	b = chain_stats(3, 0, 0, "0123456789abcdef");
	chain_stats_merge(&a, &b);
	assert_memory_equal(a.comm, "0123456789abcdef", 16);
}

/* ---- walk_stats_merge ---- */

static void walk_merge_sums(void **state)
{
	struct mmr_walk_stats a, b;
	int i;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.walks = 10;
	a.locked = 1;
	a.contended = 2;
	a.nested = 3;
	values(&a.vmas, 10, 5);
	values(&a.mapped, 10, 1);
	values(&a.ns, 10, 1500);
	values(&a.lock_wait_ns, 2, 20000);
	b.walks = 7;
	b.locked = 4;
	b.contended = 0;
	b.nested = 1;
	values(&b.vmas, 6, 5);
	values(&b.vmas, 1, 700);
	values(&b.mapped, 7, 600);
	values(&b.ns, 7, 900);
	walk_stats_merge(&a, &b);
	assert_int_equal(a.walks, 17);
	assert_int_equal(a.locked, 5);
	assert_int_equal(a.contended, 2);
	assert_int_equal(a.nested, 4);
	assert_int_equal(a.vmas.count, 17);
	assert_int_equal(a.vmas.slots[2], 16);
	assert_int_equal(a.vmas.slots[9], 1);
	assert_int_equal(a.vmas.sum_ns, 16 * 5 + 700);
	assert_int_equal(a.vmas.max_ns, 700);
	assert_int_equal(a.mapped.slots[0], 10);
	assert_int_equal(a.mapped.slots[9], 7);
	assert_int_equal(a.mapped.max_ns, 600);
	assert_int_equal(a.ns.count, 17);
	assert_int_equal(a.ns.sum_ns, 15000 + 6300);
	assert_int_equal(a.ns.max_ns, 1500);		/* max of max, not the last */
	assert_int_equal(a.ns.slots[10], 10);
	assert_int_equal(a.ns.slots[9], 7);
	assert_int_equal(a.lock_wait_ns.count, 2);	/* an empty part adds nothing */
	assert_int_equal(a.lock_wait_ns.max_ns, 20000);
	for (i = 0; i < MMR_HIST_SLOTS; i++)
		if (i != 14)
			assert_int_equal(a.lock_wait_ns.slots[i], 0);
	assert_int_equal(b.walks, 7);	/* b is untouched */
	assert_int_equal(b.vmas.count, 7);
}

/* ---- av_walker_name ---- */

static void walker_names_known(void **state)
{
	static const struct { const char *sym, *want; } cases[] = {
		{ "folio_referenced_one", "folio_referenced" },
		{ "try_to_unmap_one", "try_to_unmap" },
		{ "try_to_migrate_one", "try_to_migrate" },
		{ "remove_migration_pte", "remove_migration_ptes" },
		{ "page_mkclean_one", "folio_mkclean" },
	};
	char buf[48];
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		memset(buf, 'x', sizeof(buf));
		assert_ptr_equal(av_walker_name(cases[i].sym, 0xffffffff81000000ULL, buf,
						sizeof(buf)), buf);
		assert_string_equal(buf, cases[i].want);
	}
}

static void walker_names_other(void **state)
{
	char buf[48];

	/* any other symbol: itself, without a trailing "_one" */
	assert_string_equal(av_walker_name("page_idle_clear_pte_refs_one", 1, buf, sizeof(buf)),
			    "page_idle_clear_pte_refs");
	assert_string_equal(av_walker_name("damon_folio_mkold_one", 1, buf, sizeof(buf)),
			    "damon_folio_mkold");
	assert_string_equal(av_walker_name("some_walker", 1, buf, sizeof(buf)), "some_walker");
	/* "_one" only at the end, and never the whole name */
	assert_string_equal(av_walker_name("one_shot_one_x", 1, buf, sizeof(buf)),
			    "one_shot_one_x");
	assert_string_equal(av_walker_name("_one", 1, buf, sizeof(buf)), "_one");
	assert_string_equal(av_walker_name("x_one", 1, buf, sizeof(buf)), "x");
	assert_string_equal(av_walker_name("stone", 1, buf, sizeof(buf)), "stone");
	/* the compiler's clones are named as their function */
	assert_string_equal(av_walker_name("try_to_unmap_one.isra.0", 1, buf, sizeof(buf)),
			    "try_to_unmap");
	assert_string_equal(av_walker_name("my_walk_one.llvm.1234", 1, buf, sizeof(buf)),
			    "my_walk");
	/* a name longer than the buffer is cut, NUL-terminated */
	assert_string_equal(av_walker_name("a_very_long_walker_name_one", 1, buf, 8), "a_very_");
}

/* No symbol for the address: the address, in hex. */
static void walker_names_unknown(void **state)
{
	char buf[48], small[6];

	assert_string_equal(av_walker_name(NULL, 0xffffffff81234560ULL, buf, sizeof(buf)),
			    "0xffffffff81234560");
	assert_string_equal(av_walker_name("", 0xabcULL, buf, sizeof(buf)), "0xabc");
	assert_string_equal(av_walker_name(NULL, 0, buf, sizeof(buf)), "0x0");
	assert_string_equal(av_walker_name(NULL, 0xffffffff81234560ULL, small, sizeof(small)),
			    "0xfff");
	/* no room at all: nothing written */
	small[0] = 'k';
	assert_ptr_equal(av_walker_name("x", 1, small, 0), small);
	assert_int_equal(small[0], 'k');
}

/* ---- av_rows_sort, av_walkers_sort ---- */

static void rows_by_longest_chain(void **state)
{
	struct av_row rows[] = {
		row(10, 40, 5), row(20, 0, 0), row(30, 1024, 1), row(5, 40, 5),
		row(40, 40, 9), row(7, 3, 100),
	};
	/* longest first; equal lengths: more chain events; then lower pid */
	static const uint32_t want[] = { 30, 40, 5, 10, 7, 20 };
	size_t i;

	av_rows_sort(rows, ARRAY_LEN(rows));
	for (i = 0; i < ARRAY_LEN(want); i++)
		if (rows[i].pid != want[i])
			fail_msg("row %zu: pid %u, want %u", i, rows[i].pid, want[i]);
	/* whole rows moved */
	assert_string_equal(rows[0].comm, "p30");
	assert_int_equal(rows[0].s.length.max_ns, 1024);
	assert_int_equal(rows[1].s.events[MMR_CHAIN_PREPARE], 9);
	av_rows_sort(rows, 0);	/* nothing to sort */
	assert_int_equal(rows[0].pid, 30);
}

/* Events of every kind count, not one kind. */
static void rows_events_all_kinds(void **state)
{
	struct av_row rows[] = { row(1, 8, 3), row(2, 8, 0) };

	rows[1].s.events[MMR_CHAIN_FORK] = 2;
	rows[1].s.events[MMR_CHAIN_CLONE] = 2;	/* 4 > 3 */
	av_rows_sort(rows, ARRAY_LEN(rows));
	assert_int_equal(rows[0].pid, 2);
	assert_int_equal(rows[1].pid, 1);
}

static void walkers_by_walks(void **state)
{
	struct av_walker w[] = {
		walker("try_to_unmap", 0x30, 5), walker("folio_referenced", 0x10, 900),
		walker("try_to_migrate", 0x20, 5), walker("0xffffffff81234560", 0x40, 0),
		walker("remove_migration_ptes", 0x50, 60), walker("try_to_migrate", 0x05, 5),
	};
	static const struct { const char *name; uint64_t rmap_one; } want[] = {
		{ "folio_referenced", 0x10 }, { "remove_migration_ptes", 0x50 },
		{ "try_to_migrate", 0x05 }, { "try_to_migrate", 0x20 },	/* ties: by name */
		{ "try_to_unmap", 0x30 }, { "0xffffffff81234560", 0x40 },
	};
	size_t i;

	av_walkers_sort(w, ARRAY_LEN(w));
	for (i = 0; i < ARRAY_LEN(want); i++) {
		if (strcmp(w[i].name, want[i].name) || w[i].rmap_one != want[i].rmap_one)
			fail_msg("walker %zu: %s %#llx, want %s %#llx", i, w[i].name,
				 (unsigned long long)w[i].rmap_one, want[i].name,
				 (unsigned long long)want[i].rmap_one);
	}
	assert_int_equal(w[0].s.walks, 900);
	assert_int_equal(w[0].s.vmas.count, 900);	/* whole walkers moved */
	av_walkers_sort(w, 1);
	assert_string_equal(w[0].name, "folio_referenced");
}

/* ---- av_chain_kind_name ---- */

static void chain_kind_names(void **state)
{
	assert_string_equal(av_chain_kind_name(MMR_CHAIN_FORK), "fork");
	assert_string_equal(av_chain_kind_name(MMR_CHAIN_CLONE), "clone");
	assert_string_equal(av_chain_kind_name(MMR_CHAIN_PREPARE), "prepare");
	assert_null(av_chain_kind_name(MMR_NR_CHAIN_KINDS));
	assert_null(av_chain_kind_name(0xffffffffu));
}

int main(void)
{
	const struct CMUnitTest test_stats_anon_vma[] = {
		cmocka_unit_test(chain_merge_sums),
		cmocka_unit_test(chain_merge_comm),
		cmocka_unit_test(walk_merge_sums),
		cmocka_unit_test(walker_names_known),
		cmocka_unit_test(walker_names_other),
		cmocka_unit_test(walker_names_unknown),
		cmocka_unit_test(rows_by_longest_chain),
		cmocka_unit_test(rows_events_all_kinds),
		cmocka_unit_test(walkers_by_walks),
		cmocka_unit_test(chain_kind_names),
	};

	return cmocka_run_group_tests(test_stats_anon_vma, NULL, NULL);
}
