// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_fault_time.c: fault latency rebuilt from attempts (stats/fault_time.c)
 * as bpf/faults.bpf.c times faults: the grouping of a thread's attempts into
 * faults, each figure of struct mmr_fault_latency, abandoned faults, and the
 * mmap_lock re-take's wait joined to the retry whose gap it falls in.
 */
#include <stdlib.h>
#include <string.h>

#include "stats/fault_time.h"
#include "unit.h"

#define PAGE 0x7f0000001000ULL
#define USER (MMR_FAULT_FLAG_USER)

static struct mmr_attempt_event att(uint32_t tid, uint64_t addr, uint32_t flags, uint64_t start,
				    uint64_t end, uint32_t result, uint16_t reason)
{
	struct mmr_attempt_event a;

	memset(&a, 0, sizeof(a));
	a.type = MMR_EV_ATTEMPT;
	a.pid = 100;
	a.tid = tid;
	a.flags = flags;
	a.start_ns = start;
	a.end_ns = end;
	a.addr = addr;
	a.result = result;
	a.reason = result & MMR_VM_FAULT_RETRY ? reason : MMR_REASON_NONE;
	return a;
}

static struct mmr_lock_op_event op(uint32_t tid, bool write, uint64_t start, uint64_t acq)
{
	struct mmr_lock_op_event e;

	memset(&e, 0, sizeof(e));
	e.type = MMR_EV_LOCK_OP;
	e.pid = 100;
	e.tid = tid;
	e.write = write;
	e.success = 1;
	e.t_start = start;
	e.t_acq = acq;
	e.t_rel = acq + 1000;
	e.mm = 0xffff888000001000ULL;
	return e;
}

static void one(struct fault_clock *c, struct mmr_fault_latency *l, struct mmr_attempt_event a,
		struct fault_step *s)
{
	fault_clock_attempt(c, &a, l, s);
}

static void one_attempt_user_and_kernel(void **state)
{
	struct mmr_fault_latency l = { 0 };
	struct fault_clock c = { 0 };
	struct fault_step s;

	one(&c, &l, att(1, PAGE, USER, 1000, 3000, 0, 0), &s);
	one(&c, &l, att(1, PAGE, 0, 5000, 5500, MMR_VM_FAULT_MAJOR, 0), &s);
	assert_false(s.abandoned);
	assert_false(s.resumed);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT].count, 1);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT].sum_ns, 2000);
	assert_int_equal(l.dur[MMR_ORIGIN_KERNEL][MMR_OUTCOME_ONE_ATTEMPT].sum_ns, 500);
	assert_int_equal(l.dur[MMR_ORIGIN_KERNEL][MMR_OUTCOME_MAJOR].sum_ns, 500);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED].count, 0);
	assert_int_equal(l.retry_ns[MMR_REASON_FILE_IO].count, 0);
}

/* a fault retried for I/O, then for a locked page, done in its third
 * attempt: the retry time and last attempt by the first reason, each
 * retry's attempt and gap by its own */
static void retried_twice(void **state)
{
	struct mmr_fault_latency l = { 0 };
	struct fault_clock c = { 0 };
	struct fault_step s;

	one(&c, &l, att(1, PAGE, USER, 1000, 2000, MMR_VM_FAULT_RETRY | MMR_VM_FAULT_MAJOR,
			MMR_REASON_FILE_IO), &s);
	assert_false(s.resumed);
	assert_int_equal(c.pending, 1);
	one(&c, &l, att(1, PAGE, USER, 2500, 4000, MMR_VM_FAULT_RETRY, MMR_REASON_PAGE_LOCK), &s);
	assert_true(s.resumed);
	assert_int_equal(s.gap_from, 2000);
	assert_int_equal(s.gap_reason, MMR_REASON_FILE_IO);
	one(&c, &l, att(1, PAGE, USER, 4200, 5000, MMR_VM_FAULT_MAJOR, 0), &s);
	assert_true(s.resumed);
	assert_int_equal(s.gap_from, 4000);
	assert_int_equal(s.gap_reason, MMR_REASON_PAGE_LOCK);
	assert_int_equal(c.attempt, 3);

	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED].count, 1);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED].sum_ns, 4000);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_MAJOR].sum_ns, 4000);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT].count, 0);
	assert_int_equal(l.retry_ns[MMR_REASON_FILE_IO].sum_ns, 3000);
	assert_int_equal(l.retry_ns[MMR_REASON_PAGE_LOCK].count, 0);
	assert_int_equal(l.last_attempt[MMR_REASON_FILE_IO].sum_ns, 800);
	assert_int_equal(l.attempt[MMR_REASON_FILE_IO].sum_ns, 1000);
	assert_int_equal(l.attempt[MMR_REASON_PAGE_LOCK].sum_ns, 1500);
	assert_int_equal(l.gap[MMR_REASON_FILE_IO].sum_ns, 500);
	assert_int_equal(l.gap[MMR_REASON_PAGE_LOCK].sum_ns, 200);
	assert_int_equal(l.gap[MMR_REASON_FILE_IO].count + l.gap[MMR_REASON_PAGE_LOCK].count, 2);
}

/* a retry followed by an attempt on another page: the retried fault was
 * abandoned, the new one starts at attempt 1; an unknown reason is other;
 * VM_FAULT_COMPLETED is an outcome of its own */
static void abandoned_and_completed(void **state)
{
	struct mmr_fault_latency l = { 0 };
	struct fault_clock c = { 0 };
	struct fault_step s;

	one(&c, &l, att(1, PAGE, USER, 1000, 2000, MMR_VM_FAULT_RETRY, 77), &s);
	assert_int_equal(l.attempt[MMR_REASON_OTHER].count, 1);
	one(&c, &l, att(1, PAGE + 4096, USER, 3000, 3100, MMR_VM_FAULT_COMPLETED, 0), &s);
	assert_true(s.abandoned);
	assert_false(s.resumed);
	assert_int_equal(c.attempt, 1);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT].sum_ns, 100);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_COMPLETED].sum_ns, 100);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED].count, 0);
	assert_int_equal(l.gap[MMR_REASON_OTHER].count, 0);
	/* pending at exit: abandoned; afterwards a new fault on the same page */
	one(&c, &l, att(1, PAGE, USER, 4000, 5000, MMR_VM_FAULT_RETRY, MMR_REASON_SWAP), &s);
	assert_true(fault_clock_exit(&c));
	assert_false(fault_clock_exit(&c));
	one(&c, &l, att(1, PAGE, USER, 6000, 6100, 0, 0), &s);
	assert_false(s.abandoned);
	assert_false(s.resumed);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT].count, 2);
}

/* threads interleave: a continuation is the same thread's */
static void threads_apart(void **state)
{
	struct fault_timing *t = fault_timing_new();
	struct mmr_fault_latency l;
	struct mmr_attempt_event a;
	bool ab = true;

	assert_non_null(t);
	a = att(1, PAGE, USER, 1000, 2000, MMR_VM_FAULT_RETRY, MMR_REASON_FILE_IO);
	assert_int_equal(fault_timing_attempt(t, &a, &ab), 0);
	assert_false(ab);
	a = att(2, PAGE, USER, 1500, 1600, 0, 0);	/* another thread, the same page */
	assert_int_equal(fault_timing_attempt(t, &a, &ab), 0);
	assert_false(ab);
	a = att(1, PAGE, USER, 3000, 3500, 0, 0);
	assert_int_equal(fault_timing_attempt(t, &a, &ab), 0);
	assert_false(ab);
	for (uint32_t tid = 10; tid < 300; tid++) {	/* the thread table grows */
		a = att(tid, PAGE, USER, tid * 10, tid * 10 + 5, 0, 0);
		assert_int_equal(fault_timing_attempt(t, &a, NULL), 0);
	}
	a = att(2, PAGE, USER, 9000, 9100, MMR_VM_FAULT_RETRY, MMR_REASON_SWAP);
	assert_int_equal(fault_timing_attempt(t, &a, NULL), 0);
	assert_true(fault_timing_exit(t, 2));
	assert_false(fault_timing_exit(t, 1));
	assert_false(fault_timing_exit(t, 999));
	assert_int_equal(fault_timing_result(t, &l), 0);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_ONE_ATTEMPT].count, 1 + 290);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED].count, 1);
	assert_int_equal(l.dur[MMR_ORIGIN_USER][MMR_OUTCOME_RETRIED].sum_ns, 2500);
	assert_int_equal(l.gap[MMR_REASON_FILE_IO].sum_ns, 1000);
	assert_int_equal(l.lock_wait[MMR_REASON_FILE_IO].count, 0);
	fault_timing_free(t);
}

/* the re-take's wait: read locks of the thread's own mm acquired in the
 * gap after a retry, summed per gap; not a write lock, a remote mm, a
 * downgrade's read hold, a failed trylock, another thread's, or one
 * outside the gap; holds may come before the attempts (another ring) */
static void lock_wait_joined(void **state)
{
	struct fault_timing *t = fault_timing_new();
	struct mmr_lock_op_event e[10];
	struct mmr_attempt_event a[5];
	struct mmr_fault_latency l;
	size_t i, n = 0;

	assert_non_null(t);
	e[n++] = op(1, false, 2100, 2300);	/* in the first gap: 200 */
	e[n++] = op(1, false, 2400, 2450);	/* and again: 50 */
	e[n++] = op(1, true, 2000, 2600);	/* a write lock */
	e[n] = op(1, false, 2000, 2700);
	e[n++].remote = 1;			/* another mm */
	e[n] = op(1, false, 2700, 2700);
	e[n++].downgrade = MMR_LOCK_OP_FROM_DOWNGRADE;
	e[n] = op(1, false, 2000, 2800);
	e[n++].success = 0;			/* a failed trylock */
	e[n++] = op(2, false, 2000, 2900);	/* another thread */
	e[n++] = op(1, false, 500, 900);	/* before the retry */
	e[n++] = op(1, false, 3000, 3000);	/* at the next attempt's entry: 0, inside */
	e[n++] = op(1, false, 6000, 7000);	/* after the fault */
	for (i = 0; i < n; i++)
		assert_int_equal(fault_timing_lock_op(t, &e[i]), 0);
	a[0] = att(1, PAGE, USER, 1000, 2000, MMR_VM_FAULT_RETRY, MMR_REASON_FILE_IO);
	a[1] = att(1, PAGE, USER, 3000, 4000, MMR_VM_FAULT_RETRY, MMR_REASON_PAGE_LOCK);
	a[2] = att(1, PAGE, USER, 5000, 5500, 0, 0);	/* a gap with no re-take seen */
	for (i = 0; i < 3; i++)
		assert_int_equal(fault_timing_attempt(t, &a[i], NULL), 0);
	assert_int_equal(fault_timing_result(t, &l), 0);
	assert_int_equal(l.lock_wait[MMR_REASON_FILE_IO].count, 1);
	assert_int_equal(l.lock_wait[MMR_REASON_FILE_IO].sum_ns, 250);
	assert_int_equal(l.lock_wait[MMR_REASON_PAGE_LOCK].count, 0);
	assert_int_equal(l.gap[MMR_REASON_PAGE_LOCK].count, 1);
	fault_timing_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_attempt_user_and_kernel),
		cmocka_unit_test(retried_twice),
		cmocka_unit_test(abandoned_and_completed),
		cmocka_unit_test(threads_apart),
		cmocka_unit_test(lock_wait_joined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
