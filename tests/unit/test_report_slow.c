// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report_slow.c: the slowest faults (report/slow.c) and the paths of
 * their files (lib/procmaps.c): streamed faults go in, the slowest come out
 * sorted, in 80-column text with their attempts, file and blocker, in JSON,
 * and as folded stacks whose parts add up to each fault's duration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "lib/procmaps.h"
#include "report/report.h"
#include "unit.h"
#include "unit_report.h"

#define US 1000ULL
#define MS 1000000ULL
#define MM_A 0xffff888100a00000ULL
#define MM_B 0xffff888100b00000ULL
#define T0 (1000 * MS)

/* a fault of tid in MM_A that took dur_ns in one attempt, from start */
static struct mmr_fault_event one(uint32_t tid, uint64_t start, uint64_t dur_ns)
{
	struct mmr_fault_event e;

	memset(&e, 0, sizeof(e));
	e.type = MMR_EV_FAULT;
	e.pid = 100;
	e.tid = tid;
	e.start_ns = start;
	e.dur_ns = dur_ns;
	e.addr = 0x7f0000001000ULL;
	e.mm = MM_A;
	e.attempts = 1;
	e.vma_kind = MMR_VMA_ANON;
	e.origin = MMR_ORIGIN_USER;
	e.first_reason = e.last_reason = MMR_REASON_NONE;
	snprintf(e.comm, sizeof(e.comm), "worker");
	e.attempt[0] = (struct mmr_fault_attempt){
		.start_ns = start, .dur_ns = dur_ns, .reason = MMR_REASON_NONE,
		.flags = MMR_FAULT_FLAG_USER,
	};
	return e;
}

/*
 * mmr-reader (tid 101) reads /dev/nullb0 (dev 0:6 ino 107): its first
 * attempt reads for 2 ms and retries (file_io), then it waits 9 ms for
 * mmap_lock in a gap of 10 ms, then its second attempt maps the page in
 * 50 us: 12.05 ms in all.
 */
static struct mmr_fault_event retried(void)
{
	struct mmr_fault_event e = one(101, T0, 12 * MS + 50 * US);

	snprintf(e.comm, sizeof(e.comm), "mmr-reader");
	e.attempts = 2;
	e.vma_kind = MMR_VMA_FILE;
	e.file = 1;
	e.dev = 6;	/* 0:6 in the kernel's dev_t */
	e.ino = 107;
	e.result = MMR_VM_FAULT_MAJOR;
	e.first_reason = e.last_reason = MMR_REASON_FILE_IO;
	e.attempt[0] = (struct mmr_fault_attempt){
		.start_ns = T0, .dur_ns = 2 * MS, .reason = MMR_REASON_FILE_IO,
		.result = MMR_VM_FAULT_MAJOR | MMR_VM_FAULT_RETRY,
	};
	e.attempt[1] = (struct mmr_fault_attempt){
		.start_ns = T0 + 12 * MS, .dur_ns = 50 * US, .gap_ns = 10 * MS,
		.lock_wait_ns = 9 * MS, .lock_waited = 1, .reason = MMR_REASON_NONE,
		.result = MMR_VM_FAULT_MAJOR,
	};
	return e;
}

static void add_stacks(struct slow_fault *f)
{
	f->kstack = strdup("asm_exc_page_fault;exc_page_fault;do_user_addr_fault");
	f->ustack = strdup("0x55d097ac3018");
}

/* the mmap_lock section: mmr-writer (tid 102) held MM_A for write from
 * T0 + 1 ms to T0 + 11 ms (over the gap from T0 + 2 to T0 + 12 ms: 9 ms),
 * another process's writer (MM_B) the whole time, a reader briefly */
static void lock_section(struct report_lock *l)
{
	struct mmr_lock_event h[3] = {
		LOCK_EVENT(MMR_LOCK_EV_HOLD, 1, 100, 102, "mmr-writer", MM_A, T0 + 1 * MS,
			   T0 + 11 * MS),
		LOCK_EVENT(MMR_LOCK_EV_HOLD, 1, 200, 201, "other", MM_B, T0, T0 + 20 * MS),
		LOCK_EVENT(MMR_LOCK_EV_HOLD, 0, 100, 103, "mmr-reader2", MM_A, T0 + 20 * MS,
			   T0 + 22 * MS),
	};
	size_t i;

	memset(l, 0, sizeof(*l));
	l->traced = true;
	l->min_hold_ns = MS;
	for (i = 0; i < ARRAY_LEN(h); i++)
		report_add_lock_event(l, &h[i]);
}

static void slow_section(struct report_slow *s)
{
	struct mmr_fault_event e;

	memset(s, 0, sizeof(*s));
	s->traced = true;
	s->lock_traced = true;
	s->min_fault_ns = MS;
	e = one(110, T0 + 50 * MS, 3 * MS);
	assert_int_equal(report_add_slow(s, &e, NULL), 0);
	e = retried();
	assert_int_equal(report_add_slow(s, &e, "/dev/nullb0"), 0);
	e = one(111, T0 + 60 * MS, 1 * MS);
	assert_int_equal(report_add_slow(s, &e, NULL), 0);
	report_slow_sort(s);
	add_stacks(&s->v[0]);
}

/* ---- sorting and keeping the slowest ---- */

static void sorted_slowest_first(void **state)
{
	struct report_slow s;

	slow_section(&s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.streamed, 3);
	assert_int_equal(s.v[0].e.tid, 101);
	assert_int_equal(s.v[1].e.tid, 110);
	assert_int_equal(s.v[2].e.tid, 111);
	assert_string_equal(s.v[0].path, "/dev/nullb0");
	assert_null(s.v[1].path);
	report_slow_free(&s);
}

/* more than REPORT_MAX_SLOW: the slowest are kept, every one counted */
static void keeps_the_slowest(void **state)
{
	struct report_slow s = { .traced = true };
	struct mmr_fault_event e;
	uint64_t i, n = 3 * REPORT_MAX_SLOW + 7;

	for (i = 0; i < n; i++) {
		/* durations in a scrambled order: i * 7919 mod n, all distinct */
		e = one(1000 + (uint32_t)i, i, MS + (i * 7919) % n);
		assert_int_equal(report_add_slow(&s, &e, i % 2 ? "/x" : NULL), 0);
	}
	report_slow_sort(&s);
	assert_int_equal(s.streamed, n);
	assert_int_equal(s.n, REPORT_MAX_SLOW);
	for (i = 0; i < s.n; i++)
		assert_int_equal(s.v[i].e.dur_ns, MS + n - 1 - i);
	report_slow_free(&s);
}

/* ---- text ---- */

static void text_lists_attempts_file_and_blocker(void **state)
{
	struct report_slow s;
	struct report_lock l;
	char *text;
	const char *p;

	slow_section(&s);
	lock_section(&l);
	text = PRINTED(fp, report_print_slow_text(fp, &s, &l));
	assert_max_columns(text, 80);
	find(text, "slowest faults (>= 1.0 ms): 3 streamed, 0 lost; the 3 slowest");
	/* the slowest first, then its details in order */
	p = find(text, "12.1 ms  100/101 mmr-reader: user fault at 0x7f0000001000 (file)");
	p = find(p, "2 attempts, major");
	p = find(p, "file dev 0:6 ino 107 /dev/nullb0");
	p = find(p, "attempt 1      2.0 ms  retried: file_io");
	p = find(p, "gap   10.0 ms  mmap_lock wait 9.0 ms");
	/* the writer of the same mm, 9 ms of its hold in the gap; not the
	 * other mm's writer, nor the reader that came after */
	p = find(p, "blocked by 100/102 mmr-writer: write hold of 10.0 ms, 9.0 ms in the gap");
	p = find(p, "attempt 2     50.0 us  done");
	p = find(p, "user    0x55d097ac3018");
	find(p, "kernel  asm_exc_page_fault;exc_page_fault;do_user_addr_fault");
	assert_int_equal(count_of(text, "blocked by"), 1);
	assert_null(strstr(text, "other"));
	/* then the other two, shortest last */
	p = find(text, "3.0 ms  100/110 worker");
	find(p, "1.0 ms  100/111 worker");
	free(text);
	report_slow_free(&s);
	report_lock_free(&l);
}

/* without the mmap_lock tracer the wait is n/a, not 0; nothing traced: n/a */
static void text_na(void **state)
{
	struct report_slow s, none = { .why = "needs fentry or kprobes" };
	char *text;

	slow_section(&s);
	s.lock_traced = false;
	text = PRINTED(fp, report_print_slow_text(fp, &s, NULL));
	find(text, "gap   10.0 ms  (mmap_lock wait n/a: not traced)");
	assert_null(strstr(text, "blocked by"));
	free(text);
	text = PRINTED(fp, report_print_slow_text(fp, &none, NULL));
	assert_string_equal(text, "\nslowest faults: n/a (needs fentry or kprobes)\n");
	free(text);
	report_slow_free(&s);
}

/* a long stack keeps its leaf end; a fault of many attempts says which
 * were not kept */
static void text_long_stack_and_many_attempts(void **state)
{
	struct report_slow s = { .traced = true, .lock_traced = true, .min_fault_ns = MS };
	struct mmr_fault_event e = retried();
	char *text, big[400];
	int i, n = 0;

	for (i = 0; i < 20; i++)
		n += snprintf(big + n, sizeof(big) - n, "%sframe_number_%02d", i ? ";" : "", i);
	e.attempts = 7;
	e.attempt[3] = e.attempt[1];
	e.attempt[2] = e.attempt[0];
	e.attempt[1].reason = e.attempt[2].reason = MMR_REASON_PAGE_LOCK;
	report_add_slow(&s, &e, "/a/very/long/path/that/goes/on/and/on/and/on/past/eighty/columns/x");
	s.v[0].kstack = strdup(big);
	text = PRINTED(fp, report_print_slow_text(fp, &s, NULL));
	assert_max_columns(text, 80);
	find(text, "attempt 3      2.0 ms  retried: page_lock");
	find(text, "(attempts 4 to 6 not kept)");
	find(text, "attempt 7     50.0 us  done");
	find(text, "kernel  ...;frame_number_17;frame_number_18;frame_number_19\n");
	find(text, "/and/on/past/...\n");
	free(text);
	report_slow_free(&s);
}

/* ---- JSON ---- */

static void json_faults(void **state)
{
	struct report_slow s;
	struct report_lock l;
	json_t *o, *f, *a, *b;

	slow_section(&s);
	lock_section(&l);
	o = report_slow_json(&s, &l);
	assert_json_int(o, "min_fault_ns", (json_int_t)MS);
	assert_json_int(o, "streamed", 3);
	assert_json_int(o, "lost", 0);
	assert_json_bool(o, "lock_wait_traced", true);
	assert_int_equal(json_array_size(json_object_get(o, "faults")), 3);
	f = json_array_get(json_object_get(o, "faults"), 0);
	assert_json_int(f, "tid", 101);
	assert_json_str(f, "comm", "mmr-reader");
	assert_json_str(f, "origin", "user");
	assert_json_str(f, "vma", "file");
	assert_json_int(f, "duration_ns", (json_int_t)(12 * MS + 50 * US));
	assert_json_int(f, "attempts", 2);
	assert_json_bool(f, "major", true);
	assert_json_str(f, "first_reason", "file_io");
	assert_json_str(f, "file.dev", "0:6");
	assert_json_int(f, "file.ino", 107);
	assert_json_str(f, "file.path", "/dev/nullb0");
	assert_json_str(f, "user_stack", "0x55d097ac3018");
	a = json_array_get(json_object_get(f, "kept_attempts"), 0);
	assert_json_int(a, "attempt", 1);
	assert_json_str(a, "retry_reason", "file_io");
	assert_json_null(a, "gap_ns");
	assert_json_null(a, "lock_wait_ns");
	assert_json_null(a, "blockers");
	a = json_array_get(json_object_get(f, "kept_attempts"), 1);
	assert_json_null(a, "retry_reason");
	assert_json_int(a, "gap_ns", (json_int_t)(10 * MS));
	assert_json_int(a, "lock_wait_ns", (json_int_t)(9 * MS));
	assert_int_equal(json_array_size(json_object_get(a, "blockers")), 1);
	b = json_array_get(json_object_get(a, "blockers"), 0);
	assert_json_int(b, "tid", 102);
	assert_json_str(b, "comm", "mmr-writer");
	assert_json_str(b, "mode", "write");
	assert_json_int(b, "hold_ns", (json_int_t)(10 * MS));
	assert_json_int(b, "overlap_ns", (json_int_t)(9 * MS));
	/* a one-attempt anonymous fault: no file, no stacks */
	f = json_array_get(json_object_get(o, "faults"), 1);
	assert_json_null(f, "file");
	assert_json_null(f, "first_reason");
	assert_json_null(f, "kernel_stack");
	json_decref(o);
	/* without the lock tracer: waits and blockers null */
	s.lock_traced = false;
	o = report_slow_json(&s, &l);
	f = json_array_get(json_object_get(o, "faults"), 0);
	a = json_array_get(json_object_get(f, "kept_attempts"), 1);
	assert_json_int(a, "gap_ns", (json_int_t)(10 * MS));
	assert_json_null(a, "lock_wait_ns");
	assert_json_null(a, "blockers");
	json_decref(o);
	/* not traced: null */
	s.traced = false;
	o = report_slow_json(&s, &l);
	assert_true(json_is_null(o));
	json_decref(o);
	report_slow_free(&s);
	report_lock_free(&l);
}

/* ---- folded ---- */

/* each line "comm;fault_stall;...;PART N"; a fault's parts add up to it */
static void folded_parts_add_up(void **state)
{
	struct report_slow s;
	char *text, *line, *save;
	uint64_t sum[3] = { 0 };
	int lines = 0;

	slow_section(&s);
	text = PRINTED(fp, assert_int_equal(report_print_slow_folded(fp, &s), 0));
	find(text, "mmr-reader;fault_stall;0x55d097ac3018;asm_exc_page_fault;exc_page_fault;"
		   "do_user_addr_fault;attempt_retried_file_io 2000000\n");
	find(text, "mmr-reader;fault_stall;0x55d097ac3018;asm_exc_page_fault;exc_page_fault;"
		   "do_user_addr_fault;retry_mmap_lock_wait 9000000\n");
	find(text, ";retry_gap 1000000\n");
	find(text, ";attempt_last 50000\n");
	find(text, "worker;fault_stall;attempt_last 3000000\n");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *sp = strrchr(line, ' ');

		assert_non_null(sp);
		assert_int_equal(strchr(line, ' '), sp);	/* one space: before the weight */
		sum[!strncmp(line, "mmr-reader", 10) ? 0 : strstr(line, "3000000") ? 1 : 2] +=
			strtoull(sp + 1, NULL, 10);
		lines++;
	}
	/* the retried fault's 10 ms of gap was 2 ms more than its attempts
	 * and wait left: 2 + 9 + 1 + 0.05 = 12.05 ms */
	assert_int_equal(sum[0], 12 * MS + 50 * US);
	assert_int_equal(sum[1], 3 * MS);
	assert_int_equal(sum[2], 1 * MS);
	assert_int_equal(lines, 6);
	free(text);
	report_slow_free(&s);
}

/* ---- procmaps ---- */

static void maps_lines(void **state)
{
	uint32_t maj, min;
	uint64_t ino;
	const char *path;
	size_t len;

	assert_true(maps_line_file("7f8ada100000-7f8ada200000 r--s 00000000 00:06 107        "
				   "         /dev/nullb0\n", &maj, &min, &ino, &path, &len));
	assert_int_equal(maj, 0);
	assert_int_equal(min, 6);
	assert_int_equal(ino, 107);
	assert_int_equal(len, strlen("/dev/nullb0"));
	assert_true(maps_line_file("55d0-55d1 r-xp 00001000 fe:01 1835033   /usr/bin/my prog "
				   "(deleted)", &maj, &min, &ino, &path, &len));
	assert_int_equal(maj, 0xfe);
	assert_int_equal(min, 1);
	assert_int_equal(ino, 1835033);
	assert_int_equal(len, strlen("/usr/bin/my prog (deleted)"));
	/* anonymous, a pseudo-path, malformed: not files */
	assert_false(maps_line_file("7ffd-7ffe rw-p 00000000 00:00 0          [stack]\n", &maj,
				    &min, &ino, &path, &len));
	assert_false(maps_line_file("7ffd-7ffe rw-p 00000000 00:00 0\n", &maj, &min, &ino, &path,
				    &len));
	assert_false(maps_line_file("garbage\n", &maj, &min, &ino, &path, &len));
	assert_false(maps_line_file("1-2 r--p 0 08:01 12\n", &maj, &min, &ino, &path, &len));
}

static void file_names_cache(void **state)
{
	struct file_names *fn = file_names_new();

	assert_non_null(fn);
	file_names_add_maps(fn, "1-2 r--s 00000000 00:06 107   /dev/nullb0\n"
				"3-4 rw-p 00000000 00:00 0 \n"
				"5-6 r-xp 00000000 08:01 99 /usr/lib/libc.so.6\n");
	/* from the cache, whatever the pid (no /proc read: pid 0 has none) */
	assert_string_equal(file_names_get(fn, 0, 0, 6, 107), "/dev/nullb0");
	assert_string_equal(file_names_get(fn, 0, 8, 1, 99), "/usr/lib/libc.so.6");
	/* unknown, and no such process: NULL, asked once */
	assert_null(file_names_get(fn, 0, 8, 1, 100));
	assert_null(file_names_get(fn, 0, 8, 1, 100));
	file_names_free(fn);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sorted_slowest_first),
		cmocka_unit_test(keeps_the_slowest),
		cmocka_unit_test(text_lists_attempts_file_and_blocker),
		cmocka_unit_test(text_na),
		cmocka_unit_test(text_long_stack_and_many_attempts),
		cmocka_unit_test(json_faults),
		cmocka_unit_test(folded_parts_add_up),
		cmocka_unit_test(maps_lines),
		cmocka_unit_test(file_names_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
