// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_hist.c: the log2 bucket both worlds count with (bpf/hist.h). The BPF
 * programs, the figures rebuilt from a recording and the model all call
 * hist_slot(); before it, BPF had a loop and user space 63 - clzll. Both
 * old formulas are kept here: the shared function must put every value
 * where each of them did, so figures from the kernel, from a recording and
 * from the model stay comparable, and the buckets must stay the ones the
 * maps hold (struct mmr_hist) and the reports label (le = 2^(i+1) - 1).
 */
#include <stdint.h>
#include <string.h>

#include "bpf/hist.h"
#include "unit.h"

/* the figures' (stats/mmap_lock.c lock_hist_add) before bpf/hist.h */
static uint32_t old_user_slot(uint64_t v)
{
	int slot = v ? 63 - __builtin_clzll(v) : 0;

	return slot >= MMR_HIST_SLOTS ? MMR_HIST_SLOTS - 1 : slot;
}

/* the BPF programs' (bpf/hist.bpf.h log2_slot) before bpf/hist.h */
static uint32_t old_bpf_slot(uint64_t v)
{
	uint32_t r = 0;

	for (int i = 32; i > 0; i >>= 1) {
		if (v >> i) {
			v >>= i;
			r += i;
		}
	}
	return r < MMR_HIST_SLOTS ? r : MMR_HIST_SLOTS - 1;
}

static void check(uint64_t v)
{
	uint32_t slot = hist_slot(v);

	if (slot != old_user_slot(v) || slot != old_bpf_slot(v))
		fail_msg("value %llu: slot %u, the figures' formula %u, the BPF loop %u",
			 (unsigned long long)v, slot, old_user_slot(v), old_bpf_slot(v));
	assert_true(slot < MMR_HIST_SLOTS);
}

static void edge_values(void **state)
{
	int k;

	check(0);
	check(1);
	check(2);
	check(3);
	for (k = 0; k < 64; k++) {
		check((1ULL << k) - 1);
		check(1ULL << k);
		check((1ULL << k) + 1);
	}
	check(UINT64_MAX - 1);
	check(UINT64_MAX);
}

/* splitmix64 */
static uint64_t next(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* every magnitude alike: a random value shifted right by a random 0..63 */
static void random_values(void **state)
{
	uint64_t x = 16, seen = 0;
	int i;

	for (i = 0; i < 5000; i++) {
		uint64_t r = next(&x), v = next(&x) >> (r % 64);

		check(v);
		seen |= 1ULL << hist_slot(v);
	}
	/* every slot was hit */
	assert_int_equal(seen, (1ULL << MMR_HIST_SLOTS) - 1);
}

/* the buckets the maps hold and the reports label */
static void buckets_and_limits(void **state)
{
	struct mmr_hist h;
	uint32_t i;

	assert_int_equal(MMR_HIST_SLOTS, 36);
	assert_int_equal(ARRAY_LEN(h.slots), MMR_HIST_SLOTS);
	/* slot i: [2^i, 2^(i+1) - 1], the JSON's and the exporter's le; 0 in slot 0 */
	assert_int_equal(hist_slot(0), 0);
	for (i = 0; i < MMR_HIST_SLOTS - 1; i++) {
		assert_int_equal(hist_slot(1ULL << i), i);
		assert_int_equal(hist_slot((2ULL << i) - 1), i);
	}
	/* the last from 2^(MMR_HIST_SLOTS - 1) ns (~34 s) on, to the end */
	assert_int_equal(hist_slot(1ULL << (MMR_HIST_SLOTS - 1)), MMR_HIST_SLOTS - 1);
	assert_int_equal(hist_slot(1ULL << 63), MMR_HIST_SLOTS - 1);
	assert_int_equal(hist_slot(UINT64_MAX), MMR_HIST_SLOTS - 1);
}

static void add_counts_sums_and_max(void **state)
{
	struct mmr_hist h;

	memset(&h, 0, sizeof(h));
	hist_add(&h, 0);
	hist_add(&h, 1000);
	hist_add(&h, 1023);
	hist_add(&h, 1ULL << 40);
	assert_int_equal(h.count, 4);
	assert_int_equal(h.sum_ns, 2023 + (1ULL << 40));
	assert_int_equal(h.max_ns, 1ULL << 40);
	assert_int_equal(h.slots[0], 1);
	assert_int_equal(h.slots[9], 2);
	assert_int_equal(h.slots[MMR_HIST_SLOTS - 1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edge_values),
		cmocka_unit_test(random_values),
		cmocka_unit_test(buckets_and_limits),
		cmocka_unit_test(add_counts_sums_and_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
