// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* test_acct.c: the kernel's fault accounting, parsed and turned into figures. */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trace/acct.h"

/* a real line, with a comm holding spaces and parentheses */
static void stat_line(void **state)
{
	const char *line = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 1234 99 7 0 1 2 0 0 "
			   "20 0 1 0 100 1000 10 18446744073709551615\n";
	struct acct_count c = { 0 };

	assert_int_equal(acct_parse_stat(line, &c), 0);
	assert_int_equal(c.faults, 1234 + 7);	/* minflt + majflt, not cminflt */
	assert_int_equal(c.major, 7);
}

static void stat_line_bad(void **state)
{
	struct acct_count c = { 0 };

	assert_int_equal(acct_parse_stat("4242 (x S 1 2", &c), -EINVAL);
	assert_int_equal(acct_parse_stat("4242 (x) S 1 2 3", &c), -EINVAL);
	assert_int_equal(acct_parse_stat("", &c), -EINVAL);
}

static void vmstat(void **state)
{
	const char text[] = "nr_free_pages 100\npgfault 5000\npgmajfault 12\npgrefill 3\n";
	struct acct_count c = { 0 };
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "r");

	assert_non_null(fp);
	assert_int_equal(acct_parse_vmstat(fp, &c), 0);
	fclose(fp);
	assert_int_equal(c.faults, 5000);
	assert_int_equal(c.major, 12);

	fp = fmemopen((void *)"pgfault 1\n", 10, "r");
	assert_int_equal(acct_parse_vmstat(fp, &c), -EINVAL);	/* no pgmajfault */
	fclose(fp);
}

/* this very process: its threads' counts, and they only grow */
static void own_process(void **state)
{
	struct acct_count a = { 0 }, b = { 0 };
	static char page[1 << 16];

	assert_int_equal(acct_add_process(getpid(), &a), 0);
	assert_true(a.faults > 0);
	memset(page, 1, sizeof(page));	/* fault in fresh .bss pages */
	assert_int_equal(acct_add_process(getpid(), &b), 0);
	assert_true(b.faults >= a.faults + 1);
	assert_int_equal(acct_add_process(4000000, &b), -ESRCH);
}

/* threads that exited count through exit_faults; live ones through now */
static void complete_filtered(void **state)
{
	struct mmr_fault_counters s = { 0 };
	struct acct_count start = { .faults = 100, .major = 10 };
	struct acct_count now = { .faults = 150, .major = 11 };

	s.exit_faults = 4000;
	s.exit_major = 1000;
	s.mmap_lock_attempts = 1100;
	s.kernel_faults = 50;
	acct_complete(&s, &start, &now, false, true);
	assert_int_equal(s.faults, 4000 + 150 - 100);
	assert_int_equal(s.major, 1000 + 11 - 10);
	/* per-VMA locks: user faults begin under the VMA lock */
	assert_int_equal(s.vma_lock_attempts, 4050 - 50);
	assert_int_equal(s.attempts, 4000 + 1100);

	/* no per-VMA locks: every attempt is under mmap_lock */
	memset(&s, 0, sizeof(s));
	s.exit_faults = 10;
	s.mmap_lock_attempts = 12;
	acct_complete(&s, &(struct acct_count){ 0 }, &(struct acct_count){ 0 }, false, false);
	assert_int_equal(s.faults, 10);
	assert_int_equal(s.vma_lock_attempts, 0);
	assert_int_equal(s.attempts, 12);
}

/* system-wide: a /proc/vmstat delta; exit sums are not used */
static void complete_system(void **state)
{
	struct mmr_fault_counters s = { .exit_faults = 999999 };
	struct acct_count start = { .faults = 1000, .major = 5 };
	struct acct_count now = { .faults = 1600, .major = 9 };

	acct_complete(&s, &start, &now, true, true);
	assert_int_equal(s.faults, 600);
	assert_int_equal(s.major, 4);
	/* more kernel-mode faults seen than faults counted: never wraps */
	s.kernel_faults = 700;
	acct_complete(&s, &start, &now, true, true);
	assert_int_equal(s.vma_lock_attempts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stat_line),
		cmocka_unit_test(stat_line_bad),
		cmocka_unit_test(vmstat),
		cmocka_unit_test(own_process),
		cmocka_unit_test(complete_filtered),
		cmocka_unit_test(complete_system),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
