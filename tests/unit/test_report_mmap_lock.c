// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report_mmap_lock.c: the mmap_lock section of the stat report
 * (report/mmap_lock.c): per-process rows and long holds and waits go in, text
 * (histograms, top processes, who blocked each long write wait), JSON and
 * folded stacks come out.
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
#define MM_A 0xffff888100a00000ULL
#define MM_B 0xffff888100b00000ULL
#define MM_C 0xffff888100c00000ULL

/* n samples of ns each, in slot (written out: [2^slot, 2^(slot+1))). */
static void samples(struct mmr_hist *h, int slot, uint64_t n, uint64_t ns)
{
	if (slot ? ns >> slot != 1 : ns > 1)
		fail_msg("%llu ns is not in slot %d", (unsigned long long)ns, slot);
	h->slots[slot] += n;
	h->count += n;
	h->sum_ns += n * ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

static void set_row(struct lock_row *r, uint32_t pid, const char *comm)
{
	memset(r, 0, sizeof(*r));
	r->pid = pid;
	snprintf(r->comm, sizeof(r->comm), "%s", comm);
}

/*
 * Three processes, malloc'ed as lock_trace_rows() gives them:
 *
 *   300 postgres  read  100 acq, 2 failed; waits 300 ns, holds 1500 ns
 *                 write 3 acq, 1 downgrade; waits 2 ms, holds 5 ms
 *   100 java      read  50 acq; waits 100 ns, holds 700 ns
 *                 write 10 acq, 1 remote; waits 20 us, holds 40 us
 *   200 sh        read  5 acq, 5 remote (a /proc reader); waits 3 ms, holds 50 ns
 */
static struct lock_row *sample_rows(size_t *n)
{
	struct lock_row *rows = calloc(3, sizeof(*rows)), *r;

	assert_non_null(rows);
	r = &rows[0];
	set_row(r, 300, "postgres");
	r->mode[0].acquisitions = 100;
	r->mode[0].failures = 2;
	samples(&r->mode[0].wait, 8, 100, 300);
	samples(&r->mode[0].hold, 10, 100, 1500);
	r->mode[1].acquisitions = 3;
	r->mode[1].downgrades = 1;
	samples(&r->mode[1].wait, 20, 3, 2 * MS);
	samples(&r->mode[1].hold, 22, 3, 5 * MS);

	r = &rows[1];
	set_row(r, 100, "java");
	r->mode[0].acquisitions = 50;
	samples(&r->mode[0].wait, 6, 50, 100);
	samples(&r->mode[0].hold, 9, 50, 700);
	r->mode[1].acquisitions = 10;
	r->mode[1].remote = 1;
	samples(&r->mode[1].wait, 14, 10, 20000);
	samples(&r->mode[1].hold, 15, 10, 40000);

	r = &rows[2];
	set_row(r, 200, "sh");
	r->mode[0].acquisitions = 5;
	r->mode[0].remote = 5;
	samples(&r->mode[0].wait, 21, 5, 3 * MS);
	samples(&r->mode[0].hold, 5, 5, 50);
	*n = 3;
	return rows;
}

static struct mmr_lock_event lock_ev(uint32_t kind, bool write, uint32_t pid, uint32_t tid,
				     const char *comm, uint64_t mm, uint64_t start, uint64_t end)
{
	return LOCK_EVENT(kind, write, pid, tid, comm, mm, start, end);
}

/* Add e with its stacks (strdup'ed: the report frees them). */
static void add_long(struct report *r, const struct mmr_lock_event *e, const char *kstack,
		     const char *ustack)
{
	struct lock_long *x;

	assert_int_equal(report_add_lock_event(&r->lock, e), 0);
	x = &r->lock.longs[r->lock.nlongs - 1];
	assert_null(x->kstack);
	assert_null(x->ustack);
	x->kstack = kstack ? strdup(kstack) : NULL;
	x->ustack = ustack ? strdup(ustack) : NULL;
}

#define KSTACK_FAULT_HOLD "asm_exc_page_fault;exc_page_fault;do_user_addr_fault;mmap_read_unlock"
#define KSTACK_PROC_READ "entry_SYSCALL_64;do_syscall_64;ksys_read;seq_read_iter;m_stop"
#define KSTACK_MPROTECT "entry_SYSCALL_64;do_syscall_64;__x64_sys_mprotect;down_write_killable"
#define KSTACK_FAULT_READ "asm_exc_page_fault;exc_page_fault;do_user_addr_fault;filemap_fault"

/*
 * With --min-hold 1ms, in arrival order:
 *
 *   0 hold  read   300/301 postgres mm A  6..10 ms, in a fault at
 *                  0x7f3a12345000 that did I/O, a writer waited meanwhile
 *   1 hold  read   200/200 sh       mm A  8.8..9 ms (shorter: a blocker),
 *                  remote, released in m_stop
 *   2 wait  write  300/302 postgres mm A  8..11 ms: blocked by 0 (2 ms)
 *                  and 1 (200 us)
 *   3 wait  read   100/101 java     mm B  18.5..20 ms, not acquired
 *   4 wait  write  100/102 java     mm B  28..30 ms: blocked by 6 (1.2 ms)
 *   5 hold  write  100/103 java     mm B  39..40 ms (exactly 1 ms), in a
 *                  fault at 0x1000, I/O unknown
 *   6 hold  read   100/104 java     mm B  28.3..29.5 ms, in a fault
 *                  without I/O, address unknown
 *   7 wait  write  400/400 cat      mm C  50..52 ms: no blocker seen
 *
 * and 2 events lost.
 */
static void sample_lock_report(struct report *r)
{
	struct mmr_lock_event e;
	struct lock_row *rows;
	size_t n;

	report_init(r);
	r->lock.traced = true;
	r->lock.min_hold_ns = 1 * MS;
	rows = sample_rows(&n);
	report_set_lock_rows(&r->lock, rows, n);

	e = lock_ev(MMR_LOCK_EV_HOLD, false, 300, 301, "postgres", MM_A, 6 * MS, 10 * MS);
	e.in_fault = 1;
	e.fault = MMR_LOCK_FAULT_ADDR | MMR_LOCK_FAULT_IO_KNOWN | MMR_LOCK_FAULT_IO;
	e.fault_addr = 0x7f3a12345000ULL;
	e.blocking = 1;
	add_long(r, &e, KSTACK_FAULT_HOLD, "0x55d0c0de1000;0x55d0c0de2000");

	e = lock_ev(MMR_LOCK_EV_HOLD, false, 200, 200, "sh", MM_A, 8800000, 9 * MS);
	e.remote = 1;
	e.blocking = 1;
	add_long(r, &e, KSTACK_PROC_READ, NULL);

	e = lock_ev(MMR_LOCK_EV_WAIT, true, 300, 302, "postgres", MM_A, 8 * MS, 11 * MS);
	add_long(r, &e, KSTACK_MPROTECT, "0x55d0c0de3000");

	e = lock_ev(MMR_LOCK_EV_WAIT, false, 100, 101, "java", MM_B, 18500000, 20 * MS);
	e.success = 0;
	add_long(r, &e, NULL, NULL);

	e = lock_ev(MMR_LOCK_EV_WAIT, true, 100, 102, "java", MM_B, 28 * MS, 30 * MS);
	add_long(r, &e, NULL, NULL);

	e = lock_ev(MMR_LOCK_EV_HOLD, true, 100, 103, "java", MM_B, 39 * MS, 40 * MS);
	e.in_fault = 1;
	e.fault = MMR_LOCK_FAULT_ADDR;
	e.fault_addr = 0x1000;
	add_long(r, &e, NULL, NULL);

	e = lock_ev(MMR_LOCK_EV_HOLD, false, 100, 104, "java", MM_B, 28300000, 29500000);
	e.in_fault = 1;
	e.fault = MMR_LOCK_FAULT_IO_KNOWN;
	e.fault_addr = 0xdead;		/* not said to be known: not shown */
	e.blocking = 1;
	add_long(r, &e, KSTACK_FAULT_READ, NULL);

	e = lock_ev(MMR_LOCK_EV_WAIT, true, 400, 400, "cat", MM_C, 50 * MS, 52 * MS);
	add_long(r, &e, NULL, NULL);

	r->lock.lost = 2;
	r->lock.missed = 4;
}

/* Text of report_print_lock_text(), NUL-terminated; free() it. */
static char *lock_text_of(const struct report *r)
{
	return PRINTED(fp, report_print_lock_text(fp, &r->lock));
}

static char *folded_of(const struct report *r)
{
	return PRINTED(fp, assert_int_equal(report_print_folded(fp, &r->lock), 0));
}

/* The line that starts with prefix (after a newline), up to its end. */
static char *line_of(const char *text, const char *prefix, char *out, size_t len)
{
	char *nl_prefix;
	const char *p;

	assert_true(asprintf(&nl_prefix, "\n%s", prefix) > 0);
	p = find(text, nl_prefix) + 1;
	free(nl_prefix);
	snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
	return out;
}

/* report_lock_json() printed and parsed back, as a reader gets it. */
static json_t *lock_json_of(const struct report *r)
{
	json_t *j = report_lock_json(&r->lock), *back;
	json_error_t jerr;
	char *s;

	assert_non_null(j);
	s = json_dumps(j, JSON_ENSURE_ASCII);
	assert_non_null(s);
	back = json_loads(s, 0, &jerr);
	if (!back)
		fail_msg("output does not parse: %s (line %d)", jerr.text, jerr.line);
	assert_true(json_equal(back, j));
	free(s);
	json_decref(j);
	return back;
}

/* ---- report_set_lock_rows ---- */

static void set_rows_totals(void **state)
{
	struct report r;
	const struct mmr_lock_stats *rd, *wr;

	sample_lock_report(&r);
	assert_int_equal(r.lock.nrows, 3);
	assert_int_equal(r.lock.rows[0].pid, 300);	/* taken over, in order */
	assert_int_equal(r.lock.rows[2].pid, 200);
	rd = &r.lock.total[0];
	wr = &r.lock.total[1];
	assert_int_equal(rd->acquisitions, 155);
	assert_int_equal(rd->failures, 2);
	assert_int_equal(rd->remote, 5);
	assert_int_equal(rd->downgrades, 0);
	assert_int_equal(rd->wait.count, 155);
	assert_int_equal(rd->wait.sum_ns, 100 * 300 + 50 * 100 + 5 * 3 * MS);
	assert_int_equal(rd->wait.max_ns, 3 * MS);
	assert_int_equal(rd->wait.slots[6], 50);
	assert_int_equal(rd->wait.slots[8], 100);
	assert_int_equal(rd->wait.slots[21], 5);
	assert_int_equal(rd->hold.sum_ns, 100 * 1500 + 50 * 700 + 5 * 50);
	assert_int_equal(rd->hold.max_ns, 1500);
	assert_int_equal(wr->acquisitions, 13);
	assert_int_equal(wr->remote, 1);
	assert_int_equal(wr->downgrades, 1);
	assert_int_equal(wr->wait.sum_ns, 3 * 2 * MS + 10 * 20000);
	assert_int_equal(wr->hold.sum_ns, 3 * 5 * MS + 10 * 40000);
	assert_int_equal(wr->hold.slots[22], 3);
	assert_int_equal(wr->hold.slots[15], 10);
	assert_int_equal(wr->hold.max_ns, 5 * MS);
	report_free(&r);
	assert_null(r.lock.rows);
	assert_null(r.lock.longs);
	assert_int_equal(r.lock.nlongs, 0);
}

/* Setting rows again replaces them and their totals, not adds to them. */
static void set_rows_again(void **state)
{
	struct report r;
	struct lock_row *rows, *one;
	size_t n;

	report_init(&r);
	rows = sample_rows(&n);
	report_set_lock_rows(&r.lock, rows, n);
	one = calloc(1, sizeof(*one));
	assert_non_null(one);
	set_row(one, 7, "init");
	one->mode[1].acquisitions = 4;
	samples(&one->mode[1].hold, 3, 4, 10);
	report_set_lock_rows(&r.lock, one, 1);
	assert_ptr_equal(r.lock.rows, one);
	assert_int_equal(r.lock.nrows, 1);
	assert_int_equal(r.lock.total[0].acquisitions, 0);
	assert_int_equal(r.lock.total[0].wait.count, 0);
	assert_int_equal(r.lock.total[1].acquisitions, 4);
	assert_int_equal(r.lock.total[1].hold.sum_ns, 40);
	assert_int_equal(r.lock.total[1].downgrades, 0);

	report_set_lock_rows(&r.lock, NULL, 0);	/* no process took the lock */
	assert_int_equal(r.lock.nrows, 0);
	assert_int_equal(r.lock.total[1].acquisitions, 0);
	assert_int_equal(r.lock.total[1].hold.count, 0);
	report_free(&r);
}

/* ---- report_add_lock_event ---- */

static void add_event_copies(void **state)
{
	struct mmr_lock_event e;
	struct report r;
	size_t i;

	report_init(&r);
	e = lock_ev(MMR_LOCK_EV_WAIT, true, 10, 11, "0123456789abcdefXYZ", MM_A, 5, 2 * MS);
	e.fault_addr = 0x4000;
	e.nkstack = 3;
	assert_int_equal(report_add_lock_event(&r.lock, &e), 0);
	assert_int_equal(r.lock.nlongs, 1);
	/* a comm of 16 bytes without NUL is cut to 15 */
	assert_string_equal(r.lock.longs[0].e.comm, "0123456789abcde");
	assert_memory_equal(&r.lock.longs[0].e, &e, offsetof(struct mmr_lock_event, comm));
	assert_int_equal(r.lock.longs[0].e.fault_addr, 0x4000);
	assert_int_equal(r.lock.longs[0].e.dur_ns, 2 * MS - 5);
	assert_null(r.lock.longs[0].kstack);
	assert_null(r.lock.longs[0].ustack);

	/* past the first allocation, in order */
	for (i = 1; i < 300; i++) {
		e = lock_ev(MMR_LOCK_EV_HOLD, false, 20, 20 + i, "w", MM_B, i, 10 * i);
		assert_int_equal(report_add_lock_event(&r.lock, &e), 0);
	}
	assert_int_equal(r.lock.nlongs, 300);
	assert_true(r.lock.longs_cap >= 300);
	assert_int_equal(r.lock.lost, 0);
	for (i = 1; i < 300; i++) {
		assert_int_equal(r.lock.longs[i].e.tid, 20 + i);
		assert_int_equal(r.lock.longs[i].e.ts_ns, 10 * i);
		assert_null(r.lock.longs[i].kstack);
	}
	assert_int_equal(r.lock.longs[0].e.tid, 11);
	report_free(&r);
}

/* Up to REPORT_MAX_LONGS kept; the rest counted as lost, never dropped silently. */
static void add_event_bounded(void **state)
{
	struct mmr_lock_event e;
	struct report r;
	size_t i, added = REPORT_MAX_LONGS + 5, kept;
	uint64_t lost;

	report_init(&r);
	r.lock.lost = 1;	/* lost by the ring buffer: added to */
	for (i = 0; i < added; i++) {
		e = lock_ev(MMR_LOCK_EV_HOLD, false, 1, 1, "x", MM_A, 0, i + 1);
		assert_int_equal(report_add_lock_event(&r.lock, &e), 0);
	}
	kept = r.lock.nlongs;
	lost = r.lock.lost - 1;
	assert_true(kept <= REPORT_MAX_LONGS);
	assert_int_equal(kept + lost, added);
	for (i = 0; i < kept; i++)	/* the first ones kept */
		assert_int_equal(r.lock.longs[i].e.dur_ns, i + 1);
	report_free(&r);
	assert_int_equal(kept, REPORT_MAX_LONGS);
	assert_int_equal(lost, 5);
}

/* ---- report_print_lock_text ---- */

static void text_totals_and_histograms(void **state)
{
	struct report r;
	const char *rd, *wr;
	char *t;

	sample_lock_report(&r);
	t = lock_text_of(&r);
	assert_int_equal(strncmp(t, "\nmmap_lock\n", 11), 0);
	rd = find(t, "\nread: 155 acquisitions, 2 failed trylocks/waits, 5 of another process's mm\n"
		     "  wait: 155, p50 511 ns, p99 3.0 ms, max 3.0 ms\n"
		     "                       ns : count      distribution\n"
		     "          64 -> 127       : 50         |***************               |\n"
		     "         128 -> 255       : 0          |                              |\n"
		     "         256 -> 511       : 100        |******************************|\n"
		     "         512 -> 1023      : 0          |                              |\n");
	find(rd, "\n     1048576 -> 2097151   : 0          |                              |\n"
		 "     2097152 -> 4194303   : 5          |*                             |\n"
		 "  hold: 155, p50 1.5 us, p99 1.5 us, max 1.5 us\n"
		 "                       ns : count      distribution\n"
		 "          32 -> 63        : 5          |*                             |\n");
	find(rd, "\n         512 -> 1023      : 50         |***************               |\n"
		 "        1024 -> 2047      : 100        |******************************|\n"
		 "write: ");
	/* no line for the slots below the first or above the last counted */
	assert_null(strstr(t, "  32 -> 63        : 0"));
	assert_null(strstr(t, "4194304 -> 8388607   : 0"));

	wr = find(t, "\nwrite: 13 acquisitions, 0 failed trylocks/waits, 1 of another process's mm\n"
		     "  (1 downgraded to read)\n"
		     "  wait: 13, p50 32.8 us, p99 2.0 ms, max 2.0 ms\n"
		     "                       ns : count      distribution\n"
		     "       16384 -> 32767     : 10         |******************************|\n"
		     "       32768 -> 65535     : 0          |                              |\n");
	assert_true(wr > rd);
	find(wr, "\n     1048576 -> 2097151   : 3          |*********                     |\n"
		 "  hold: 13, p50 65.5 us, p99 5.0 ms, max 5.0 ms\n"
		 "                       ns : count      distribution\n"
		 "       32768 -> 65535     : 10         |******************************|\n");
	find(wr, "\n     4194304 -> 8388607   : 3          |*********                     |\n"
		       "\nprocesses by mmap_lock write hold\n");
	/* a line per slot from the first counted to the last: read wait 6..21,
	 * read hold 5..10, write wait 14..20, write hold 15..22 */
	assert_int_equal(count_of(t, " -> "), 16 + 6 + 7 + 8);
	free(t);
	report_free(&r);
}

/* Nothing traced yet: zero counts, no histogram, no tables, no waits. */
static void text_empty(void **state)
{
	struct report r;
	char *t;

	report_init(&r);
	r.lock.traced = true;
	r.lock.min_hold_ns = 500000;
	t = lock_text_of(&r);
	assert_string_equal(t, "\nmmap_lock\n"
			       "read: 0 acquisitions, 0 failed trylocks/waits, 0 of another "
			       "process's mm\n"
			       "  wait: 0\n"	/* no quantiles of nothing (JSON: null) */
			       "  hold: 0\n"
			       "write: 0 acquisitions, 0 failed trylocks/waits, 0 of another "
			       "process's mm\n"
			       "  wait: 0\n"
			       "  hold: 0\n"
			       "\nlong holds and waits (>= 500.0 us): 0\n");
	free(t);
	report_free(&r);
}

static void text_processes(void **state)
{
	struct report r;
	const char *hold, *wait;
	char line[128];
	char *t;

	sample_lock_report(&r);
	t = lock_text_of(&r);
	hold = find(t, "\nprocesses by mmap_lock write hold\n"
		       "  PID      COMM               WRITE HOLD      HOLDS\n"
		       "  300      postgres              15.0 ms          3\n"
		       "  100      java                 400.0 us         10\n"
		       "  200      sh                       0 ns          0\n");
	wait = find(t, "\nprocesses by mmap_lock wait\n"
		       "  PID      COMM                READ WAIT   WRITE WAIT\n"
		       "  200      sh                    15.0 ms         0 ns\n"
		       "  300      postgres              30.0 us       6.0 ms\n"
		       "  100      java                   5.0 us     200.0 us\n");
	assert_true(wait > hold);
	/* the report's rows stay in their order: the tables sort a copy */
	assert_int_equal(r.lock.rows[0].pid, 300);
	assert_int_equal(r.lock.rows[1].pid, 100);
	assert_int_equal(r.lock.rows[2].pid, 200);
	line_of(wait, "  100 ", line, sizeof(line));
	assert_string_equal(line, "  100      java                   5.0 us     200.0 us");
	free(t);
	report_free(&r);
}

/* Only the top 10 of each table. */
static void text_top_ten(void **state)
{
	struct lock_row *rows = calloc(12, sizeof(*rows));
	struct report r;
	const char *hold, *wait;
	char comm[16], *t;
	uint32_t i;

	assert_non_null(rows);
	for (i = 0; i < 12; i++) {
		snprintf(comm, sizeof(comm), "proc%u", i + 1);
		set_row(&rows[i], i + 1, comm);
		/* pid p: the p-th shortest write hold, the p-th longest read wait */
		samples(&rows[i].mode[1].hold, 20, 1, 1048576 + (i + 1) * 50000);
		samples(&rows[i].mode[0].wait, 13, 1, 8192 + (12 - i) * 100);
	}
	report_init(&r);
	r.lock.traced = true;
	report_set_lock_rows(&r.lock, rows, 12);
	t = lock_text_of(&r);
	hold = find(t, "\nprocesses by mmap_lock write hold\n");
	wait = find(t, "\nprocesses by mmap_lock wait\n");
	/* holds: 12 down to 3; waits: 1 up to 10 */
	find(hold, "\n  12       proc12 ");
	assert_true(strstr(hold, "\n  3        proc3 ") < wait);
	assert_true(strstr(hold, "\n  2        proc2 ") > wait);
	assert_true(strstr(hold, "\n  1        proc1 ") > wait);
	find(wait, "\n  1        proc1 ");
	find(wait, "\n  10       proc10 ");
	assert_null(strstr(wait, "\n  11       proc11 "));
	assert_null(strstr(wait, "\n  12       proc12 "));
	assert_int_equal(count_of(hold, "      proc") - count_of(wait, "      proc"), 10);
	assert_int_equal(count_of(wait, "      proc"), 10);
	free(t);
	report_free(&r);
}

/* Every line of the text fits 80 columns, with counts as large as they
 * come and the blockers' lines (the live suites check it on real runs). */
static void text_fits_80_columns(void **state)
{
	const char *p, *nl;
	struct report r;
	char *t;

	sample_lock_report(&r);
	r.lock.lost = 123456789;
	r.lock.missed = 987654321;
	t = lock_text_of(&r);
	for (p = t; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (nl - p > 80)
			fail_msg("a line of %d columns: '%.*s'", (int)(nl - p), (int)(nl - p), p);
		if (!*nl)
			break;
	}
	find(t, ",\n  123456789 lost, 987654321 program runs skipped by the kernel\n");
	free(t);
	report_free(&r);
}

static void text_long_count(void **state)
{
	struct report r;
	char *t;

	sample_lock_report(&r);
	t = lock_text_of(&r);
	find(t, "\nlong holds and waits (>= 1.0 ms): 7, and 1 shorter holds that blocked a "
		"writer,\n  2 lost, 4 program runs skipped by the kernel\n");
	free(t);

	/* a hold exactly min_hold long is long; nothing shorter, nothing lost */
	r.lock.lost = 0;
	r.lock.missed = 0;
	r.lock.min_hold_ns = 200000;
	t = lock_text_of(&r);
	find(t, "\nlong holds and waits (>= 200.0 us): 8\n");
	free(t);

	r.lock.min_hold_ns = 0;		/* --min-hold 0: every hold and wait */
	t = lock_text_of(&r);
	find(t, "\nlong holds and waits (>= 0 ns): 8\n");
	free(t);

	r.lock.min_hold_ns = 3 * MS;
	t = lock_text_of(&r);
	find(t, "\nlong holds and waits (>= 3.0 ms): 2, and 6 shorter holds that blocked a "
		"writer\n");
	free(t);
	report_free(&r);
}

/* Every long hold and wait, the longest first; each long write wait with
 * who held the lock meanwhile. */
static void text_blockers(void **state)
{
	struct report r;
	const char *h0, *w2, *w4, *w7, *rest;
	char *t;

	sample_lock_report(&r);
	t = lock_text_of(&r);
	h0 = find(t, "\n  300/301 postgres: read hold of 4.0 ms in mmap_read_unlock\n"
		     "  300/302 postgres: write wait of 3.0 ms in down_write_killable\n");
	w2 = find(t, "\n  300/302 postgres: write wait of 3.0 ms in down_write_killable\n"
		     "      blocked by 300/301 postgres: read hold of 4.0 ms,\n"
		     "        2.0 ms during the wait, in a page fault at 0x7f3a12345000 that did I/O\n"
		     "      blocked by 200/200 sh: read hold of 200.0 us,\n"
		     "        200.0 us during the wait, not in a page fault, on another process's mm\n"
		     "  100/102 java: write wait of 2.0 ms\n");
	w4 = find(t, "\n  100/102 java: write wait of 2.0 ms\n"
		     "      blocked by 100/104 java: read hold of 1.2 ms,\n"
		     "        1.2 ms during the wait, in a page fault without I/O\n"
		     "  400/400 cat: write wait of 2.0 ms\n");
	w7 = find(t, "\n  400/400 cat: write wait of 2.0 ms\n"
		     "      no hold of 1.0 ms or more (or blocking a writer for 125.0 us) seen\n");
	assert_true(h0 < w2 && w2 < w4 && w4 < w7);
	/* then the rest, shorter, without blocker lines: a read wait and holds;
	 * the 200 us hold (a blocker only) is not listed */
	rest = find(w7, "\n  100/101 java: read wait of 1.5 ms\n");
	assert_string_equal(rest, "\n  100/101 java: read wait of 1.5 ms\n"
			    "  100/104 java: read hold of 1.2 ms in filemap_fault\n"
			    "  100/103 java: write hold of 1.0 ms\n");
	assert_null(strstr(t, "\n  200/200 sh:"));
	assert_int_equal(count_of(t, "blocked by "), 3);
	free(t);
	report_free(&r);
}

/* A listed hold or wait fits 80 columns: the site gives way, not the rest. */
static void text_long_list_fits_80_columns(void **state)
{
	struct mmr_lock_event e;
	struct report r;
	char *t, *list;

	report_init(&r);
	r.lock.traced = true;
	r.lock.min_hold_ns = MS;
	e = lock_ev(MMR_LOCK_EV_HOLD, true, 4194304, 4194303, "0123456789abcde", MM_A, 0,
		    999 * MS);
	e.remote = 1;
	add_long(&r, &e, "a;a_kernel_function_with_a_rather_long_name_indeed", NULL);
	e.pid = 300;
	e.tid = 301;
	snprintf(e.comm, sizeof(e.comm), "postgres");
	add_long(&r, &e, "a;a_kernel_function_with_a_rather_long_name_indeed", NULL);
	e = lock_ev(MMR_LOCK_EV_HOLD, false, 7, 7, "short", MM_A, 0, 2 * MS);
	add_long(&r, &e, "x;exit_mmap", NULL);
	t = lock_text_of(&r);
	list = (char *)find(t, "\nlong holds and waits");
	assert_max_columns(list, 80);
	/* no room left for the site: it goes */
	find(list, "\n  4194304/4194303 0123456789abcde: write hold of 999.0 ms "
		   "(another process's mm)\n");
	/* some: cut to fit */
	find(list, "\n  300/301 postgres: write hold of 999.0 ms in a_kernel_fu (another "
		   "process's mm)\n");
	find(list, "\n  7/7 short: read hold of 2.0 ms in exit_mmap\n");
	free(t);
	report_free(&r);
}

/* A blocker in a fault: its address only if known, I/O only if known. */
static void text_blocker_fault_states(void **state)
{
	static const struct { uint8_t fault; const char *says; } cases[] = {
		{ 0, ", in a page fault\n" },
		{ MMR_LOCK_FAULT_ADDR, ", in a page fault at 0xabc000\n" },
		{ MMR_LOCK_FAULT_IO_KNOWN, ", in a page fault without I/O\n" },
		{ MMR_LOCK_FAULT_IO_KNOWN | MMR_LOCK_FAULT_IO, ", in a page fault that did I/O\n" },
		{ MMR_LOCK_FAULT_ADDR | MMR_LOCK_FAULT_IO_KNOWN,
		  ", in a page fault at 0xabc000 without I/O\n" },
		{ MMR_LOCK_FAULT_IO, ", in a page fault\n" },	/* IO without IO_KNOWN */
	};
	struct mmr_lock_event w, h;
	struct report r;
	size_t i;
	char *t;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		report_init(&r);
		r.lock.traced = true;
		r.lock.min_hold_ns = MS;
		w = lock_ev(MMR_LOCK_EV_WAIT, true, 1, 1, "writer", MM_A, 0, 5 * MS);
		h = lock_ev(MMR_LOCK_EV_HOLD, false, 2, 2, "reader", MM_A, 0, 4 * MS);
		h.in_fault = 1;
		h.fault = cases[i].fault;
		h.fault_addr = 0xabc000;
		add_long(&r, &h, "a;b;c", NULL);	/* in a fault: no site */
		add_long(&r, &w, NULL, NULL);
		t = lock_text_of(&r);
		find(t, "\n      blocked by 2/2 reader: read hold of 4.0 ms,\n"
			"        4.0 ms during the wait");
		if (!strstr(t, cases[i].says))
			fail_msg("fault %#x: no '%s' in:\n%s", cases[i].fault, cases[i].says, t);
		free(t);
		report_free(&r);
	}

	/* not in a fault: the site, if its stack is known; fault bits ignored */
	report_init(&r);
	r.lock.traced = true;
	w = lock_ev(MMR_LOCK_EV_WAIT, true, 1, 1, "writer", MM_A, 0, 5 * MS);
	h = lock_ev(MMR_LOCK_EV_HOLD, true, 2, 3, "reader", MM_A, 0, 4 * MS);
	h.fault = MMR_LOCK_FAULT_ADDR;
	add_long(&r, &h, NULL, NULL);
	h.tid = 4;
	add_long(&r, &h, "do_single_frame", NULL);	/* no ';': the whole stack is the leaf */
	add_long(&r, &w, NULL, NULL);
	t = lock_text_of(&r);
	find(t, "\n      blocked by 2/3 reader: write hold of 4.0 ms,\n"
		"        4.0 ms during the wait, not in a page fault\n");
	find(t, "\n      blocked by 2/4 reader: write hold of 4.0 ms,\n"
		"        4.0 ms during the wait, not in a page fault (do_single_frame)\n");
	free(t);
	report_free(&r);
}

/* At most 4 blockers per wait, the longest overlaps first. */
static void text_blockers_at_most_four(void **state)
{
	struct mmr_lock_event e;
	struct report r;
	const char *p;
	char *t, want[128];
	uint32_t tid;

	report_init(&r);
	r.lock.traced = true;
	r.lock.min_hold_ns = MS;
	for (tid = 11; tid <= 16; tid++) {	/* overlaps of 1..6 ms */
		e = lock_ev(MMR_LOCK_EV_HOLD, false, 10, tid, "r", MM_A, (26 - tid) * MS, 20 * MS);
		add_long(&r, &e, NULL, NULL);
	}
	e = lock_ev(MMR_LOCK_EV_WAIT, true, 10, 10, "w", MM_A, 10 * MS, 16 * MS);
	add_long(&r, &e, NULL, NULL);
	t = lock_text_of(&r);
	p = find(t, "\n  10/10 w: write wait of 6.0 ms\n");
	for (tid = 16; tid >= 13; tid--) {	/* 16: 10..20 ms, 6 ms of it in the wait */
		snprintf(want, sizeof(want), "\n      blocked by 10/%u r: read hold of %u.0 ms,\n"
			 "        %u.0 ms during the wait", tid, tid - 6, tid - 10);
		p = find(p, want);
	}
	assert_int_equal(count_of(t, "blocked by"), 4);
	assert_null(strstr(t, "blocked by 10/12"));
	assert_null(strstr(t, "blocked by 10/11"));
	free(t);
	report_free(&r);
}

/* Only lines with a table or a histogram: they fit 80 columns. */
static void text_tables_fit_80_columns(void **state)
{
	struct report r;
	char *t, *end;

	sample_lock_report(&r);
	r.lock.rows[0].mode[1].hold.sum_ns = 999999999999ULL;	/* 1000 s */
	r.lock.rows[1].mode[1].hold.count = 99999999999ULL;
	snprintf(r.lock.rows[2].comm, sizeof(r.lock.rows[2].comm), "0123456789abcde");
	r.lock.total[0].wait.slots[MMR_HIST_SLOTS - 1] = 99999999999ULL;
	t = lock_text_of(&r);
	end = strstr(t, "\nlong holds and waits");
	assert_non_null(end);
	*end = '\0';
	assert_max_columns(t, 80);
	find(t, "  1000.00 s");
	find(t, "0123456789abcde");
	free(t);
	report_free(&r);
}

/* report_print_text() has the section exactly when mmap_lock was traced. */
static void text_in_report(void **state)
{
	struct report r;
	char *buf = NULL;

	sample_lock_report(&r);
	buf = PRINTED(fp, report_print_text(fp, &r));
	find(buf, "\nmmap_lock\nread: 155 acquisitions");
	find(buf, "\n  400/400 cat: write wait of 2.0 ms\n");
	free(buf);

	r.lock.traced = false;
	buf = NULL;
	buf = PRINTED(fp, report_print_text(fp, &r));
	assert_null(strstr(buf, "mmap_lock\n"));
	assert_null(strstr(buf, "write wait of"));
	free(buf);
	report_free(&r);
}

/* ---- report_lock_json ---- */

static void json_totals(void **state)
{
	struct report r;
	json_t *j, *b;

	sample_lock_report(&r);
	j = lock_json_of(&r);
	assert_json_int(j, "read.acquisitions", 155);
	assert_json_int(j, "read.holds", 155);
	assert_json_int(j, "read.trylock_failures", 2);
	assert_json_int(j, "read.remote", 5);
	assert_json_absent(json_path(j, "read"), "downgrades");	/* write only */
	assert_json_int(j, "read.wait_ns.count", 155);
	assert_json_int(j, "read.wait_ns.sum", 15035000);
	assert_json_int(j, "read.wait_ns.p50", 511);
	assert_json_int(j, "read.wait_ns.p99", 3000000);
	assert_json_int(j, "read.wait_ns.max", 3000000);
	b = json_path(j, "read.wait_ns.buckets");
	assert_int_equal(json_array_size(b), 3);	/* counted slots only */
	assert_bucket(b, 0, 127, 50);
	assert_bucket(b, 1, 511, 100);
	assert_bucket(b, 2, 4194303, 5);
	assert_json_int(j, "read.hold_ns.sum", 185250);
	assert_json_int(j, "read.hold_ns.p50", 1500);	/* 2047 > max */
	assert_json_int(j, "read.hold_ns.p99", 1500);
	assert_json_int(j, "read.hold_ns.max", 1500);
	b = json_path(j, "read.hold_ns.buckets");
	assert_int_equal(json_array_size(b), 3);
	assert_bucket(b, 0, 63, 5);
	assert_bucket(b, 1, 1023, 50);
	assert_bucket(b, 2, 2047, 100);
	assert_int_equal(json_object_size(json_path(j, "read.wait_ns")), 6);

	assert_json_int(j, "write.acquisitions", 13);
	assert_json_int(j, "write.holds", 13);
	assert_json_int(j, "write.trylock_failures", 0);
	assert_json_int(j, "write.remote", 1);
	assert_json_int(j, "write.downgrades", 1);
	assert_json_int(j, "write.wait_ns.p50", 32767);
	assert_json_int(j, "write.wait_ns.p99", 2000000);
	assert_json_int(j, "write.hold_ns.count", 13);
	assert_json_int(j, "write.hold_ns.sum", 15400000);
	assert_json_int(j, "write.hold_ns.p50", 65535);
	assert_json_int(j, "write.hold_ns.p99", 5000000);
	assert_json_int(j, "write.hold_ns.max", 5000000);
	b = json_path(j, "write.hold_ns.buckets");
	assert_int_equal(json_array_size(b), 2);
	assert_bucket(b, 0, 65535, 10);
	assert_bucket(b, 1, 8388607, 3);

	assert_json_int(j, "min_hold_ns", 1000000);
	assert_json_int(j, "long_lost", 2);
	assert_json_int(j, "missed_runs", 4);
	json_decref(j);
	report_free(&r);
}

/* Empty histograms: counts 0, percentiles and max null (not 0). */
static void json_empty(void **state)
{
	struct report r;
	json_t *j;

	report_init(&r);
	r.lock.traced = true;
	j = lock_json_of(&r);
	assert_json_int(j, "read.acquisitions", 0);
	assert_json_int(j, "write.downgrades", 0);
	assert_json_int(j, "write.wait_ns.count", 0);
	assert_json_int(j, "write.wait_ns.sum", 0);
	assert_json_null(j, "write.wait_ns.p50");
	assert_json_null(j, "write.wait_ns.p99");
	assert_json_null(j, "write.wait_ns.max");
	assert_json_null(j, "read.hold_ns.p50");
	assert_int_equal(json_array_size(json_path(j, "read.hold_ns.buckets")), 0);
	assert_true(json_is_array(json_path(j, "read.hold_ns.buckets")));
	assert_int_equal(json_array_size(json_path(j, "processes")), 0);
	assert_int_equal(json_array_size(json_path(j, "long")), 0);
	assert_json_int(j, "min_hold_ns", 0);
	assert_json_int(j, "long_lost", 0);
	assert_json_int(j, "missed_runs", 0);
	assert_int_equal(json_object_size(j), 7);
	json_decref(j);
	report_free(&r);
}

static void json_processes(void **state)
{
	struct report r;
	json_t *j, *procs, *p;

	sample_lock_report(&r);
	r.lock.rows[1].comm[0] = '\0';	/* never named: "?" */
	j = lock_json_of(&r);
	procs = json_path(j, "processes");
	assert_int_equal(json_array_size(procs), 3);
	p = json_array_get(procs, 0);	/* in the rows' order */
	assert_json_int(p, "pid", 300);
	assert_json_str(p, "comm", "postgres");
	assert_json_int(p, "read.acquisitions", 100);
	assert_json_int(p, "read.trylock_failures", 2);
	assert_json_absent(json_path(p, "read"), "downgrades");
	assert_json_int(p, "write.downgrades", 1);
	assert_json_int(p, "write.hold_ns.sum", 15000000);
	assert_json_int(p, "write.hold_ns.p50", 5000000);
	assert_int_equal(json_object_size(p), 4);
	p = json_array_get(procs, 1);
	assert_json_int(p, "pid", 100);
	assert_json_str(p, "comm", "?");
	assert_json_int(p, "write.remote", 1);
	assert_json_int(p, "write.wait_ns.p99", 20000);		/* 32767 > max */
	p = json_array_get(procs, 2);
	assert_json_int(p, "pid", 200);
	assert_json_str(p, "comm", "sh");
	assert_json_int(p, "read.remote", 5);
	assert_json_int(p, "write.acquisitions", 0);
	assert_json_null(p, "write.wait_ns.p50");	/* never took it for write */
	assert_json_null(p, "write.hold_ns.max");
	json_decref(j);
	report_free(&r);
}

static void json_long_events(void **state)
{
	struct report r;
	json_t *j, *longs, *e;

	sample_lock_report(&r);
	j = lock_json_of(&r);
	longs = json_path(j, "long");
	assert_int_equal(json_array_size(longs), 8);	/* the shorter blocker too */

	e = json_array_get(longs, 0);
	assert_json_str(e, "kind", "hold");
	assert_json_str(e, "mode", "read");
	assert_json_int(e, "pid", 300);
	assert_json_int(e, "tid", 301);
	assert_json_str(e, "comm", "postgres");
	assert_json_int(e, "duration_ns", 4000000);
	assert_json_int(e, "end_ns", 10000000);
	assert_json_bool(e, "in_fault", true);
	assert_json_int(e, "fault.address", 0x7f3a12345000LL);
	assert_json_bool(e, "fault.io", true);
	assert_int_equal(json_object_size(json_path(e, "fault")), 2);
	assert_json_bool(e, "remote", false);
	assert_json_bool(e, "blocked_writer", true);
	assert_json_absent(e, "acquired");
	assert_json_absent(e, "blockers");
	assert_json_str(e, "kernel_stack", KSTACK_FAULT_HOLD);
	assert_json_str(e, "user_stack", "0x55d0c0de1000;0x55d0c0de2000");
	assert_int_equal(json_object_size(e), 13);

	e = json_array_get(longs, 1);
	assert_json_int(e, "duration_ns", 200000);
	assert_json_bool(e, "in_fault", false);
	assert_json_null(e, "fault");
	assert_json_bool(e, "remote", true);
	assert_json_null(e, "user_stack");

	e = json_array_get(longs, 3);	/* a read wait, interrupted */
	assert_json_str(e, "kind", "wait");
	assert_json_str(e, "mode", "read");
	assert_json_bool(e, "acquired", false);
	assert_json_absent(e, "blocked_writer");
	assert_json_absent(e, "blockers");	/* write waits only */
	assert_json_null(e, "kernel_stack");
	assert_int_equal(json_object_size(e), 13);

	e = json_array_get(longs, 5);	/* the address known, I/O not */
	assert_json_str(e, "mode", "write");
	assert_json_int(e, "fault.address", 0x1000);
	assert_json_null(e, "fault.io");
	assert_json_bool(e, "blocked_writer", false);

	e = json_array_get(longs, 6);	/* I/O known (none), the address not */
	assert_json_null(e, "fault.address");
	assert_json_bool(e, "fault.io", false);
	json_decref(j);
	report_free(&r);
}

static void json_blockers(void **state)
{
	struct report r;
	json_t *j, *longs, *e, *bl, *b;

	sample_lock_report(&r);
	j = lock_json_of(&r);
	longs = json_path(j, "long");

	e = json_array_get(longs, 2);
	assert_json_str(e, "kind", "wait");
	assert_json_str(e, "mode", "write");
	assert_json_int(e, "tid", 302);
	assert_json_bool(e, "acquired", true);
	assert_json_str(e, "kernel_stack", KSTACK_MPROTECT);
	assert_int_equal(json_object_size(e), 14);	/* with blockers */
	bl = json_path(e, "blockers");
	assert_int_equal(json_array_size(bl), 2);
	b = json_array_get(bl, 0);
	assert_json_int(b, "pid", 300);
	assert_json_int(b, "tid", 301);
	assert_json_str(b, "comm", "postgres");
	assert_json_str(b, "mode", "read");
	assert_json_int(b, "overlap_ns", 2000000);
	assert_json_int(b, "hold_ns", 4000000);
	assert_json_bool(b, "in_fault", true);
	assert_json_int(b, "fault.address", 0x7f3a12345000LL);
	assert_json_bool(b, "fault.io", true);
	assert_json_str(b, "site", "mmap_read_unlock");
	assert_json_bool(b, "remote", false);
	assert_int_equal(json_object_size(b), 10);
	b = json_array_get(bl, 1);
	assert_json_int(b, "pid", 200);
	assert_json_str(b, "comm", "sh");
	assert_json_int(b, "overlap_ns", 200000);
	assert_json_int(b, "hold_ns", 200000);
	assert_json_bool(b, "in_fault", false);
	assert_json_null(b, "fault");
	assert_json_str(b, "site", "m_stop");
	assert_json_bool(b, "remote", true);

	e = json_array_get(longs, 4);
	bl = json_path(e, "blockers");
	assert_int_equal(json_array_size(bl), 1);
	b = json_array_get(bl, 0);
	assert_json_int(b, "tid", 104);
	assert_json_int(b, "overlap_ns", 1200000);
	assert_json_null(b, "fault.address");
	assert_json_bool(b, "fault.io", false);
	assert_json_str(b, "site", "filemap_fault");

	e = json_array_get(longs, 7);	/* none seen: an empty list */
	bl = json_path(e, "blockers");
	assert_true(json_is_array(bl));
	assert_int_equal(json_array_size(bl), 0);
	json_decref(j);

	/* a blocker whose stack is unknown has a null site */
	free(r.lock.longs[1].kstack);
	r.lock.longs[1].kstack = NULL;
	j = lock_json_of(&r);
	b = json_array_get(json_path(json_array_get(json_path(j, "long"), 2), "blockers"), 1);
	assert_json_int(b, "pid", 200);
	assert_json_null(b, "site");
	json_decref(j);
	report_free(&r);
}

/* In the whole document: an object when traced, null otherwise. */
static void json_in_report(void **state)
{
	struct report r;
	json_t *j, *want;

	sample_lock_report(&r);
	j = report_to_json(&r);
	assert_non_null(j);
	assert_json_str(j, "modes.mmap_lock", "tracepoint");
	want = report_lock_json(&r.lock);
	assert_true(json_equal(json_path(j, "mmap_lock"), want));
	json_decref(want);
	json_decref(j);

	r.lock.traced = false;
	j = report_to_json(&r);
	assert_json_null(j, "modes.mmap_lock");
	assert_json_null(j, "mmap_lock");
	json_decref(j);
	report_free(&r);
}

/* The kernel cuts comm at 15 bytes, possibly inside a UTF-8 character. */
static void json_comm_not_utf8(void **state)
{
	static const char cut[] = "abcdefghijklmn\xc3";	/* "...nÄ" cut */
	struct mmr_lock_event e;
	struct report r;
	json_t *j, *comms[3];
	bool right = true;
	size_t i;

	sample_lock_report(&r);
	snprintf(r.lock.rows[0].comm, sizeof(r.lock.rows[0].comm), "%s", cut);
	e = lock_ev(MMR_LOCK_EV_HOLD, false, 9, 9, cut, MM_C, 49 * MS, 51 * MS);
	add_long(&r, &e, NULL, NULL);
	j = report_lock_json(&r.lock);
	assert_non_null(j);
	assert_json_int(json_array_get(json_path(j, "processes"), 0), "pid", 300);
	assert_json_int(json_array_get(json_path(j, "long"), 8), "pid", 9);
	comms[0] = json_object_get(json_array_get(json_path(j, "processes"), 0), "comm");
	comms[1] = json_object_get(json_array_get(json_path(j, "long"), 8), "comm");
	comms[2] = json_object_get(json_array_get(json_path(json_array_get(json_path(j, "long"), 7),
							   "blockers"), 0), "comm");
	for (i = 0; i < ARRAY_LEN(comms); i++)
		right = right && json_is_string(comms[i]) &&
			!strncmp(json_string_value(comms[i]), "abcdefghijklmn", 14);
	json_decref(j);
	report_free(&r);
	assert_true(right);
}

/* ---- report_print_folded ---- */

static void folded_long_only(void **state)
{
	struct report r;
	char *t;

	sample_lock_report(&r);
	t = folded_of(&r);
	assert_string_equal(t,
		"postgres;mmap_lock_read_hold;0x55d0c0de1000;0x55d0c0de2000;"
		KSTACK_FAULT_HOLD " 4000000\n"
		"postgres;mmap_lock_write_wait;0x55d0c0de3000;" KSTACK_MPROTECT " 3000000\n"
		"java;mmap_lock_read_wait 1500000\n"
		"java;mmap_lock_write_wait 2000000\n"
		"java;mmap_lock_write_hold 1000000\n"
		"java;mmap_lock_read_hold;" KSTACK_FAULT_READ " 1200000\n"
		"cat;mmap_lock_write_wait 2000000\n");
	free(t);

	/* --min-hold 0: the shorter blocker is long too; a comm unknown is "?" */
	r.lock.min_hold_ns = 0;
	r.lock.longs[1].e.comm[0] = '\0';
	t = folded_of(&r);
	find(t, "\n?;mmap_lock_read_hold;" KSTACK_PROC_READ " 200000\n");
	assert_int_equal(count_of(t, "\n"), 8);
	free(t);

	/* only what is at least min_hold_ns */
	r.lock.min_hold_ns = 2 * MS;
	t = folded_of(&r);
	assert_int_equal(count_of(t, "\n"), 4);
	assert_null(strstr(t, " 1500000\n"));
	free(t);
	r.lock.min_hold_ns = 5 * MS;
	t = folded_of(&r);
	assert_string_equal(t, "");
	free(t);
	report_free(&r);
}

static void folded_write_error(void **state)
{
	struct report r;
	FILE *fp = fopen("/dev/null", "r");	/* every write fails */

	assert_non_null(fp);
	sample_lock_report(&r);
	assert_int_equal(report_print_folded(fp, &r.lock), -EIO);
	fclose(fp);

	/* nothing to write: no error */
	fp = fopen("/dev/null", "r");
	assert_non_null(fp);
	r.lock.min_hold_ns = 1000 * MS;
	assert_int_equal(report_print_folded(fp, &r.lock), 0);
	fclose(fp);
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest test_report_mmap_lock[] = {
		cmocka_unit_test(set_rows_totals),
		cmocka_unit_test(set_rows_again),
		cmocka_unit_test(add_event_copies),
		cmocka_unit_test(add_event_bounded),
		cmocka_unit_test(text_totals_and_histograms),
		cmocka_unit_test(text_empty),
		cmocka_unit_test(text_processes),
		cmocka_unit_test(text_top_ten),
		cmocka_unit_test(text_long_count),
		cmocka_unit_test(text_fits_80_columns),
		cmocka_unit_test(text_blockers),
		cmocka_unit_test(text_long_list_fits_80_columns),
		cmocka_unit_test(text_blocker_fault_states),
		cmocka_unit_test(text_blockers_at_most_four),
		cmocka_unit_test(text_tables_fit_80_columns),
		cmocka_unit_test(text_in_report),
		cmocka_unit_test(json_totals),
		cmocka_unit_test(json_empty),
		cmocka_unit_test(json_processes),
		cmocka_unit_test(json_long_events),
		cmocka_unit_test(json_blockers),
		cmocka_unit_test(json_in_report),
		cmocka_unit_test(json_comm_not_utf8),
		cmocka_unit_test(folded_long_only),
		cmocka_unit_test(folded_write_error),
	};

	return cmocka_run_group_tests(test_report_mmap_lock, NULL, NULL);
}
