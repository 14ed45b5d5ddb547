// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report.c: what stat measured, as counters go in (report_set_faults,
 * report_add_event) and as text and JSON come out (docs/json.md: NA is
 * null, never 0).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "report/report.h"
#include "unit.h"
#include "unit_report.h"

#define REASON(r) (FF_REASON0 + MMR_REASON_##r)

/* ---- fixtures ---- */

/* Counters as one run could sum them: the reasons add up to the retries. */
static struct mmr_fault_counters sample_counters(void)
{
	struct mmr_fault_counters c = {
		.attempts = 1130, .faults = 1000, .retries = 130, .completed = 7,
		.major = 42, .errors = 2, .vma_lock_attempts = 800,
		.mmap_lock_attempts = 330, .abandoned = 1, .lost_events = 3,
		.reasons = {
			[MMR_REASON_FILE_IO] = 50, [MMR_REASON_PAGE_LOCK] = 30,
			[MMR_REASON_SWAP] = 20, [MMR_REASON_USERFAULTFD] = 5,
			[MMR_REASON_SHMEM] = 4, [MMR_REASON_ANON_VMA] = 6,
			[MMR_REASON_VMA_FALLBACK] = 10, [MMR_REASON_OTHER] = 3,
			[MMR_REASON_UNATTRIBUTED] = 2,
		},
	};
	return c;
}

static void exact_states(uint8_t states[FF_NR])
{
	memset(states, VAL_EXACT, FF_NR);
}

/* What tracepoint mode sees on a kernel with per-VMA locks and
 * mm_filemap_fault (plan.c's faults_figure_states, written out). */
static void tracepoint_states(uint8_t states[FF_NR])
{
	memset(states, VAL_NA, FF_NR);
	states[FF_FAULTS] = VAL_EXACT;
	states[FF_ATTEMPTS] = VAL_INFERRED;
	states[FF_RETRIES] = VAL_INFERRED;
	states[FF_MAJOR] = VAL_INFERRED;
	states[FF_MMAP_LOCK_ATTEMPTS] = VAL_INFERRED;
	states[FF_VMA_LOCK_ATTEMPTS] = VAL_INFERRED;
	states[REASON(FILE_IO)] = VAL_INFERRED;
	states[REASON(PAGE_LOCK)] = VAL_INFERRED;
	states[REASON(UNATTRIBUTED)] = VAL_INFERRED;
}

static struct mmr_retry_event event(uint32_t pid, const char *comm, enum mmr_reason reason)
{
	struct mmr_retry_event e;

	memset(&e, 0, sizeof(e));
	e.type = MMR_EV_RETRY;
	e.pid = pid;
	e.tid = pid;
	e.reason = reason;
	/* may fill all 16 bytes, as a 16-byte comm from BPF could */
	memcpy(e.comm, comm, strnlen(comm, sizeof(e.comm)));
	return e;
}

static void add(struct report *r, uint32_t pid, const char *comm, enum mmr_reason reason)
{
	struct mmr_retry_event e = event(pid, comm, reason);

	assert_int_equal(report_add_event(r, &e), 0);
}

/* A whole report: fentry on a 6.1 machine, three processes, a note. */
static void sample_report(struct report *r, enum mmr_mode mode)
{
	struct mmr_fault_counters c = sample_counters();
	uint8_t states[FF_NR];

	report_init(r);
	snprintf(r->kernel, sizeof(r->kernel), "6.1.0-28-amd64");
	r->fault_mode = mode;
	r->duration_s = 10.25;
	if (mode == MMR_MODE_TRACEPOINT)
		tracepoint_states(states);
	else
		exact_states(states);
	report_set_faults(r, &c, states);
	add(r, 300, "postgres", MMR_REASON_FILE_IO);
	add(r, 100, "java", MMR_REASON_SWAP);
	add(r, 300, "postgres", MMR_REASON_PAGE_LOCK);
	add(r, 200, "sh", MMR_REASON_ANON_VMA);
	add(r, 300, "postgres", MMR_REASON_FILE_IO);
	report_sort_procs(r);
	report_note(r, "kprobe mode failed to load or attach: Operation not permitted");
}

/* Text of report_print_text(), NUL-terminated; free() it. */
static char *text_of(const struct report *r)
{
	return PRINTED(fp, report_print_text(fp, r));
}

/* The whitespace-separated word after the first word `name` in text. */
static const char *word_after(const char *text, const char *name, char *out, size_t len)
{
	size_t n = strlen(name);
	const char *p = text;

	while ((p = strstr(p, name))) {
		bool start = p == text || p[-1] == ' ' || p[-1] == '\n';

		if (start && (p[n] == ' ' || p[n] == '\n')) {
			p += n;
			p += strspn(p, " ");
			snprintf(out, len, "%.*s", (int)strcspn(p, " \n"), p);
			return out;
		}
		p += n;
	}
	fail_msg("no word '%s' in:\n%s", name, text);
	return NULL;
}

static void assert_word_after(const char *text, const char *name, const char *want)
{
	char got[64];

	word_after(text, name, got, sizeof(got));
	if (strcmp(got, want))
		fail_msg("%s: '%s', want '%s' in:\n%s", name, got, want, text);
}

/* ---- report_set_faults ---- */

static void set_faults_copies(void **state)
{
	struct mmr_fault_counters c = sample_counters();
	const uint64_t want[FF_REASON0] = {
		[FF_ATTEMPTS] = 1130, [FF_FAULTS] = 1000, [FF_RETRIES] = 130,
		[FF_COMPLETED] = 7, [FF_MAJOR] = 42, [FF_ERRORS] = 2,
		[FF_VMA_LOCK_ATTEMPTS] = 800, [FF_MMAP_LOCK_ATTEMPTS] = 330,
		[FF_ABANDONED] = 1,
	};
	uint8_t states[FF_NR];
	struct report r;
	int i;

	report_init(&r);
	for (i = 0; i < FF_NR; i++)	/* alternate exact and inferred */
		states[i] = i % 2 ? VAL_INFERRED : VAL_EXACT;
	report_set_faults(&r, &c, states);
	for (i = 0; i < FF_REASON0; i++) {
		assert_int_equal(r.faults[i].v, want[i]);
		assert_int_equal(r.faults[i].state, states[i]);
	}
	for (i = 0; i < MMR_NR_REASONS; i++) {
		assert_int_equal(r.faults[FF_REASON0 + i].v, c.reasons[i]);
		assert_int_equal(r.faults[FF_REASON0 + i].state, states[FF_REASON0 + i]);
	}
	assert_int_equal(r.lost_events.v, 3);
	assert_int_equal(r.lost_events.state, VAL_EXACT);
	report_free(&r);
}

static void set_faults_na_is_zero(void **state)
{
	struct mmr_fault_counters c = sample_counters();
	uint8_t states[FF_NR];
	struct report r;
	int i;

	report_init(&r);
	tracepoint_states(states);
	report_set_faults(&r, &c, states);
	for (i = 0; i < FF_NR; i++) {
		assert_int_equal(r.faults[i].state, states[i]);
		if (states[i] == VAL_NA)
			assert_int_equal(r.faults[i].v, 0);
		else
			assert_int_not_equal(r.faults[i].v, 0);
	}
	/* the counters behind these were not 0 */
	assert_int_equal(r.faults[FF_COMPLETED].state, VAL_NA);
	assert_int_equal(r.faults[FF_COMPLETED].v, 0);
	assert_int_equal(r.faults[REASON(SWAP)].v, 0);
	assert_int_equal(r.faults[FF_FAULTS].v, 1000);
	assert_int_equal(r.faults[FF_RETRIES].v, 130);
	report_free(&r);
}

/* ---- report_add_event, report_sort_procs ---- */

static const struct proc_row *find_proc(const struct report *r, uint32_t pid)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	fail_msg("no process %u", pid);
	return NULL;
}

static void add_event_per_pid(void **state)
{
	struct report r;
	const struct proc_row *p;

	report_init(&r);
	add(&r, 10, "bash", MMR_REASON_FILE_IO);
	add(&r, 20, "java", MMR_REASON_SWAP);
	add(&r, 10, "bash", MMR_REASON_FILE_IO);
	add(&r, 30, "kworker", MMR_REASON_OTHER);
	add(&r, 10, "make", MMR_REASON_PAGE_LOCK);	/* bash exec'ed make */
	add(&r, 20, "java", MMR_REASON_SWAP);
	add(&r, 10, "make", (enum mmr_reason)MMR_REASON_NONE);	/* no reason: still a retry */

	assert_int_equal(r.events, 7);
	assert_int_equal(r.nprocs, 3);
	p = find_proc(&r, 10);
	assert_int_equal(p->retries, 4);
	assert_string_equal(p->comm, "make");
	assert_int_equal(p->reasons[MMR_REASON_FILE_IO], 2);
	assert_int_equal(p->reasons[MMR_REASON_PAGE_LOCK], 1);
	assert_int_equal(p->reasons[MMR_REASON_SWAP], 0);
	p = find_proc(&r, 20);
	assert_int_equal(p->retries, 2);
	assert_string_equal(p->comm, "java");
	assert_int_equal(p->reasons[MMR_REASON_SWAP], 2);
	p = find_proc(&r, 30);
	assert_int_equal(p->retries, 1);
	assert_int_equal(p->reasons[MMR_REASON_OTHER], 1);
	report_free(&r);
	assert_null(r.procs);
	assert_int_equal(r.nprocs, 0);
}

/* A comm of 16 bytes without NUL is cut to 15. */
static void add_event_comm_terminated(void **state)
{
	struct report r;

	report_init(&r);
	add(&r, 1, "0123456789abcdefXYZ", MMR_REASON_OTHER);
	assert_string_equal(r.procs[0].comm, "0123456789abcde");
	report_free(&r);
}

/* More processes than the first allocation holds. */
static void add_event_grows(void **state)
{
	struct report r;
	uint32_t pid;
	char comm[16];

	report_init(&r);
	for (pid = 1; pid <= 300; pid++) {
		snprintf(comm, sizeof(comm), "p%u", pid);
		add(&r, pid, comm, MMR_REASON_FILE_IO);
		if (pid % 3 == 0)
			add(&r, pid, comm, MMR_REASON_SWAP);
	}
	assert_int_equal(r.nprocs, 300);
	assert_int_equal(r.events, 400);
	assert_true(r.procs_cap >= 300);
	for (pid = 1; pid <= 300; pid++) {
		const struct proc_row *p = find_proc(&r, pid);

		snprintf(comm, sizeof(comm), "p%u", pid);
		assert_string_equal(p->comm, comm);
		assert_int_equal(p->retries, pid % 3 == 0 ? 2 : 1);
	}
	report_free(&r);
}

static void sort_procs_by_retries_then_pid(void **state)
{
	static const struct { uint32_t pid; int n; } in[] = {
		{ 50, 1 }, { 7, 3 }, { 40, 3 }, { 9, 5 }, { 8, 1 }, { 4000000, 3 }, { 1, 1 },
	};
	static const uint32_t want[] = { 9, 7, 40, 4000000, 1, 8, 50 };
	struct report r;
	size_t i;
	int j;

	report_init(&r);
	report_sort_procs(&r);	/* nothing to sort */
	for (i = 0; i < ARRAY_LEN(in); i++)
		for (j = 0; j < in[i].n; j++)
			add(&r, in[i].pid, "x", MMR_REASON_OTHER);
	report_sort_procs(&r);
	assert_int_equal(r.nprocs, ARRAY_LEN(want));
	for (i = 0; i < ARRAY_LEN(want); i++)
		assert_int_equal(r.procs[i].pid, want[i]);
	report_free(&r);
}

static void notes_bounded(void **state)
{
	char long_note[400];
	struct report r;
	int i;

	report_init(&r);
	memset(long_note, 'n', sizeof(long_note) - 1);
	long_note[sizeof(long_note) - 1] = '\0';
	report_note(&r, "%s", long_note);
	assert_int_equal(strlen(r.notes[0]), sizeof(r.notes[0]) - 1);
	for (i = 1; i < REPORT_MAX_NOTES + 3; i++)
		report_note(&r, "note %d", i);
	assert_int_equal(r.nnotes, REPORT_MAX_NOTES);
	assert_string_equal(r.notes[REPORT_MAX_NOTES - 1], "note 7");
	report_free(&r);
}

/* ---- report_to_json ---- */

static void json_document(void **state)
{
	struct report r;
	json_t *j, *v, *reasons, *inferred;
	uint8_t states[FF_NR];
	size_t i, n;
	int k;

	sample_report(&r, MMR_MODE_TRACEPOINT);
	r.missed_runs = 7;
	j = report_to_json(&r);
	assert_non_null(j);

	assert_json_str(j, "schema", "mmretry.stat/1");
	assert_true(json_is_string(json_path(j, "mmretry_version")));
	assert_json_str(j, "kernel", "6.1.0-28-amd64");
	assert_json_str(j, "modes.faults", "tracepoint");
	v = json_path(j, "duration_s");
	assert_true(json_is_real(v));
	assert_true(json_real_value(v) == 10.25);

	/* seen figures are integers, unseen ones null (not 0) */
	assert_json_int(j, "faults.faults", 1000);
	assert_json_int(j, "faults.attempts", 1130);
	assert_json_int(j, "faults.retries", 130);
	assert_json_int(j, "faults.major", 42);
	assert_json_int(j, "faults.vma_lock_attempts", 800);
	assert_json_int(j, "faults.mmap_lock_attempts", 330);
	assert_json_null(j, "faults.completed");
	assert_json_null(j, "faults.errors");
	assert_json_null(j, "faults.abandoned");

	reasons = json_path(j, "faults.retry_reasons");
	assert_true(json_is_object(reasons));
	assert_int_equal(json_object_size(reasons), MMR_NR_REASONS);
	assert_json_int(j, "faults.retry_reasons.file_io", 50);
	assert_json_int(j, "faults.retry_reasons.page_lock", 30);
	assert_json_int(j, "faults.retry_reasons.unattributed", 2);
	for (k = MMR_REASON_SWAP; k <= MMR_REASON_OTHER; k++)
		if (!json_is_null(json_object_get(reasons, reason_names[k])))
			fail_msg("retry_reasons.%s is not null", reason_names[k]);

	/* inferred: exactly the inferred figures, by their JSON names */
	tracepoint_states(states);
	inferred = json_path(j, "faults.inferred");
	assert_true(json_is_array(inferred));
	for (i = 0, n = 0; i < FF_NR; i++) {
		if (states[i] != VAL_INFERRED)
			continue;
		assert_true(n < json_array_size(inferred));
		assert_string_equal(json_string_value(json_array_get(inferred, n)),
				    fault_fig_names[i]);
		n++;
	}
	assert_int_equal(json_array_size(inferred), n);
	assert_int_equal(n, 8);

	assert_json_int(j, "lost_events", 3);
	assert_json_int(j, "missed_runs", 7);
	assert_json_int(j, "retry_events", 5);
	assert_json_str(j, "target.kind", "system");
	v = json_path(j, "notes");
	assert_int_equal(json_array_size(v), 1);
	assert_string_equal(json_string_value(json_array_get(v, 0)),
			    "kprobe mode failed to load or attach: Operation not permitted");
	json_decref(j);
	report_free(&r);
}

/* fentry: every figure exact, nothing inferred, no null anywhere. */
static void json_exact_mode(void **state)
{
	struct report r;
	json_t *j, *faults;
	const char *key;
	json_t *v;

	sample_report(&r, MMR_MODE_FENTRY);
	j = report_to_json(&r);
	assert_non_null(j);
	assert_json_str(j, "modes.faults", "fentry");
	assert_json_int(j, "faults.completed", 7);
	assert_json_int(j, "faults.errors", 2);
	assert_json_int(j, "faults.abandoned", 1);
	assert_json_int(j, "faults.retry_reasons.swap", 20);
	assert_json_int(j, "faults.retry_reasons.vma_fallback", 10);
	assert_int_equal(json_array_size(json_path(j, "faults.inferred")), 0);
	faults = json_path(j, "faults");
	/* 9 figures, retry_reasons, inferred */
	assert_int_equal(json_object_size(faults), FF_REASON0 + 2);
	json_object_foreach(faults, key, v)
		if (json_is_null(v))
			fail_msg("faults.%s is null in fentry mode", key);
	json_decref(j);
	report_free(&r);
}

/* A counter that happens to be 0 is 0, not null. */
static void json_zero_is_not_null(void **state)
{
	struct mmr_fault_counters c;
	uint8_t states[FF_NR];
	struct report r;
	json_t *j;

	memset(&c, 0, sizeof(c));
	report_init(&r);
	exact_states(states);
	states[FF_COMPLETED] = VAL_NA;
	report_set_faults(&r, &c, states);
	j = report_to_json(&r);
	assert_json_int(j, "faults.errors", 0);
	assert_json_int(j, "faults.retry_reasons.shmem", 0);
	assert_json_int(j, "lost_events", 0);
	assert_json_null(j, "faults.completed");
	assert_int_equal(json_array_size(json_path(j, "processes")), 0);
	assert_int_equal(json_array_size(json_path(j, "notes")), 0);
	json_decref(j);
	report_free(&r);
}

static void json_targets(void **state)
{
	char *argv[] = { "tools/mmretry-gen", "mix", "--seconds=2", NULL };
	struct report r;
	json_t *j, *a;

	report_init(&r);
	j = report_to_json(&r);
	assert_json_str(j, "target.kind", "system");
	assert_int_equal(json_object_size(json_path(j, "target")), 1);
	json_decref(j);

	r.target = TARGET_PID;
	r.pid = 4242;
	j = report_to_json(&r);
	assert_json_str(j, "target.kind", "pid");
	assert_json_int(j, "target.pid", 4242);
	json_decref(j);

	r.target = TARGET_CGROUP;
	r.cgroup = "system.slice/nginx.service";
	j = report_to_json(&r);
	assert_json_str(j, "target.kind", "cgroup");
	assert_json_str(j, "target.path", "system.slice/nginx.service");
	json_decref(j);

	r.target = TARGET_COMMAND;
	r.argv = argv;
	r.exit_status = -1;	/* unknown */
	j = report_to_json(&r);
	assert_json_str(j, "target.kind", "command");
	a = json_path(j, "target.argv");
	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), 3);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "tools/mmretry-gen");
	assert_string_equal(json_string_value(json_array_get(a, 1)), "mix");
	assert_string_equal(json_string_value(json_array_get(a, 2)), "--seconds=2");
	assert_json_null(j, "target.exit_status");
	json_decref(j);

	r.exit_status = 0;
	j = report_to_json(&r);
	assert_json_int(j, "target.exit_status", 0);
	json_decref(j);
	r.exit_status = 137;
	j = report_to_json(&r);
	assert_json_int(j, "target.exit_status", 137);
	json_decref(j);
	report_free(&r);
}

static void json_processes(void **state)
{
	struct report r;
	json_t *j, *procs, *p;

	sample_report(&r, MMR_MODE_FENTRY);
	j = report_to_json(&r);
	procs = json_path(j, "processes");
	assert_true(json_is_array(procs));
	assert_int_equal(json_array_size(procs), 3);

	/* sorted: postgres (3), then java and sh (1 each) by pid */
	p = json_array_get(procs, 0);
	assert_json_int(p, "pid", 300);
	assert_json_str(p, "comm", "postgres");
	assert_json_int(p, "retries", 3);
	assert_json_int(p, "retry_reasons.file_io", 2);
	assert_json_int(p, "retry_reasons.page_lock", 1);
	/* only the reasons it had */
	assert_int_equal(json_object_size(json_path(p, "retry_reasons")), 2);

	p = json_array_get(procs, 1);
	assert_json_int(p, "pid", 100);
	assert_json_str(p, "comm", "java");
	assert_json_int(p, "retry_reasons.swap", 1);
	p = json_array_get(procs, 2);
	assert_json_int(p, "pid", 200);
	assert_json_int(p, "retry_reasons.anon_vma", 1);
	json_decref(j);
	report_free(&r);
}

/* The kernel cuts comm at 15 bytes, possibly inside a UTF-8 character. */
static void json_comm_not_utf8(void **state)
{
	struct report r;
	json_t *j, *p, *comm;
	bool right;

	report_init(&r);
	add(&r, 77, "abcdefghijklmn\xc3", MMR_REASON_FILE_IO);	/* "...nÄ" cut */
	j = report_to_json(&r);
	assert_non_null(j);
	p = json_array_get(json_path(j, "processes"), 0);
	assert_non_null(p);
	assert_json_int(p, "pid", 77);
	comm = json_object_get(p, "comm");
	right = json_is_string(comm) &&
		!strncmp(json_string_value(comm), "abcdefghijklmn", 14);
	json_decref(j);
	report_free(&r);
	assert_true(right);
}

static void print_json_round_trip(void **state)
{
	char *argv[] = { "sh", "-c", "echo \"quoted\" \\ tab\t", NULL };
	struct report r;
	json_t *want, *got;
	json_error_t jerr;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *fp;

	sample_report(&r, MMR_MODE_TRACEPOINT);
	r.target = TARGET_COMMAND;
	r.argv = argv;
	r.exit_status = 3;
	r.duration_s = 1.0 / 3;		/* needs every digit to survive */
	add(&r, 400, "gr\xc3\xb6\xc3\x9f" "e", MMR_REASON_SWAP);	/* UTF-8 "groesse" */

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	assert_int_equal(report_print_json(fp, &r), 0);
	assert_int_equal(fclose(fp), 0);
	assert_true(len > 2);
	assert_int_equal(buf[len - 1], '\n');
	for (i = 0; i < len; i++)	/* JSON_ENSURE_ASCII */
		assert_true((unsigned char)buf[i] < 0x80);

	got = json_loads(buf, 0, &jerr);
	if (!got)
		fail_msg("output does not parse: %s (line %d)", jerr.text, jerr.line);
	want = report_to_json(&r);
	assert_true(json_equal(got, want));
	assert_true(json_real_value(json_path(got, "duration_s")) == 1.0 / 3);
	assert_json_null(got, "faults.completed");
	assert_json_int(got, "faults.retries", 130);
	assert_string_equal(json_string_value(json_array_get(json_path(got, "target.argv"), 2)),
			    "echo \"quoted\" \\ tab\t");
	assert_non_null(strcasestr(buf, "gr\\u00f6\\u00dfe"));	/* escaped */
	assert_json_str(json_array_get(json_path(got, "processes"), 3), "comm",
			"gr\xc3\xb6\xc3\x9f" "e");
	json_decref(got);
	json_decref(want);
	free(buf);
	report_free(&r);
}

/* ---- report_print_text ---- */

/* The figures: below the header and target lines. */
static const char *body_of(const char *text)
{
	const char *b = strstr(text, "\n\n");

	assert_non_null(b);
	return b + 2;
}

static void text_values(void **state)
{
	struct report r;
	const char *b;
	char *t;

	sample_report(&r, MMR_MODE_TRACEPOINT);
	t = text_of(&r);
	assert_non_null(strstr(t, "faults traced with tracepoint\n"));
	b = body_of(t);
	assert_word_after(b, "faults", "1000");		/* exact: plain */
	assert_word_after(b, "retries", "~130");	/* inferred: ~ */
	assert_word_after(b, "attempts", "~1130");
	assert_word_after(b, "completed", "n/a");	/* unseen: n/a, never 0 */
	assert_word_after(b, "errors", "n/a");
	assert_word_after(b, "abandoned", "n/a");
	assert_word_after(b, "lost_events", "3");
	assert_word_after(b, "file_io", "~50");
	assert_word_after(b, "swap", "n/a");
	assert_word_after(b, "retries/faults", "13.00%");
	assert_non_null(strstr(b, "\n~ inferred from tracepoints"));
	/* mmap_lock not traced: said, never zeros */
	assert_non_null(strstr(b, "\nmmap_lock: n/a (not traced"));
	assert_non_null(strstr(b, "\nanon_vma: n/a (not traced)\n"));	/* nor anon_vma */
	free(t);
	report_free(&r);

	sample_report(&r, MMR_MODE_FENTRY);
	r.lock.traced = true;
	r.anon.traced = true;	/* else its line says n/a */
	r.latency.traced = true;	/* so is fault latency */
	r.slow.traced = true;		/* and the slowest faults */
	t = text_of(&r);
	b = body_of(t);
	assert_word_after(b, "retries", "130");
	assert_word_after(b, "completed", "7");
	assert_word_after(b, "swap", "20");
	assert_null(strstr(t, "n/a"));
	assert_null(strstr(t, "~"));	/* no legend without inferred figures */
	free(t);
	report_free(&r);
}

static void text_sections(void **state)
{
	struct report r;
	char *t, *reasons, *procs, *head;
	int i;

	sample_report(&r, MMR_MODE_FENTRY);
	t = text_of(&r);
	/* the header: duration, kernel, mode, then the target and a blank line */
	assert_int_equal(strncmp(t, "mmretry stat: 10.25 s", 21), 0);
	head = strndup(t, body_of(t) - t);
	assert_non_null(head);
	assert_non_null(strstr(head, "6.1.0-28-amd64"));
	assert_non_null(strstr(head, "faults traced with fentry"));
	assert_non_null(strstr(head, "\ntarget   all processes\n\n"));
	free(head);
	reasons = strstr(t, "\nretry reasons\n");
	assert_non_null(reasons);
	for (i = 0; i < MMR_NR_REASONS; i++)
		assert_non_null(strstr(reasons, reason_names[i]));
	/* file_io is 50 of 130 retries: 38.5%, 15 stars of 40 */
	assert_non_null(strstr(reasons, "  38.5% ***************\n"));
	procs = strstr(t, "\nprocesses by retries\n");
	assert_non_null(procs);
	assert_true(procs > reasons);
	assert_non_null(strstr(procs, "PID"));
	assert_non_null(strstr(procs, "MAIN REASON"));
	assert_word_after(procs, "300", "postgres");
	assert_word_after(procs, "postgres", "3");
	assert_word_after(procs, "3", "file_io");	/* 2 file_io, 1 page_lock */
	assert_word_after(procs, "java", "1");
	assert_non_null(strstr(t, "\nnote: kprobe mode failed to load or attach"));
	free(t);
	report_free(&r);

	/* no processes, no table */
	report_init(&r);
	t = text_of(&r);
	assert_non_null(strstr(t, "retry reasons"));
	assert_null(strstr(t, "processes by retries"));
	assert_null(strstr(t, "note:"));
	free(t);
	report_free(&r);
}

static void text_top_ten_processes(void **state)
{
	struct report r;
	uint32_t pid;
	char *t;

	report_init(&r);
	for (pid = 1; pid <= 14; pid++)
		add(&r, pid, "worker", MMR_REASON_SHMEM);
	t = text_of(&r);
	assert_non_null(strstr(t, "\n  (4 more)\n"));
	assert_non_null(strstr(t, "\n  10 "));
	assert_null(strstr(t, "\n  11 "));
	free(t);
	report_free(&r);
}

static void text_targets(void **state)
{
	char *argv[] = { "tools/mmretry-gen", "mix", NULL };
	char *many[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", NULL };
	struct report r;
	char *t;

	report_init(&r);
	t = text_of(&r);
	assert_non_null(strstr(t, "\ntarget   all processes\n"));
	free(t);
	r.target = TARGET_PID;
	r.pid = 1234;
	t = text_of(&r);
	assert_non_null(strstr(t, "\ntarget   pid 1234\n"));
	free(t);
	r.target = TARGET_CGROUP;
	r.cgroup = "system.slice";
	t = text_of(&r);
	assert_non_null(strstr(t, "\ntarget   cgroup system.slice\n"));
	free(t);
	r.target = TARGET_COMMAND;
	r.argv = argv;
	t = text_of(&r);
	assert_non_null(strstr(t, "\ntarget   tools/mmretry-gen mix\n"));
	free(t);
	r.exit_status = 2;
	t = text_of(&r);
	assert_non_null(strstr(t, "\ntarget   tools/mmretry-gen mix (exit 2)\n"));
	free(t);
	r.argv = many;
	t = text_of(&r);
	assert_non_null(strstr(t, "\ntarget   a b c d e f g h i j (exit 2)\n"));
	free(t);
	report_free(&r);
}

/* A long command line or cgroup path is cut to fit 80 columns. */
static void text_long_targets(void **state)
{
	char *argv[12], args[11][16];
	char cgroup[200];
	struct report r;
	const char *line;
	char *t;
	size_t n;
	int i;

	for (i = 0; i < 11; i++) {
		snprintf(args[i], sizeof(args[i]), "argument%02d", i);
		argv[i] = args[i];
	}
	argv[11] = NULL;
	report_init(&r);
	r.target = TARGET_COMMAND;
	r.argv = argv;
	r.exit_status = 255;
	t = text_of(&r);
	line = strstr(t, "\ntarget   argument00 argument01 ");
	assert_non_null(line);
	line++;
	n = strcspn(line, "\n");
	assert_true(n <= 80);
	assert_int_equal(strncmp(line + n - strlen(" ... (exit 255)"), " ... (exit 255)",
				 strlen(" ... (exit 255)")), 0);
	assert_max_columns(t, 80);
	free(t);

	memset(cgroup, 'c', sizeof(cgroup) - 1);
	cgroup[sizeof(cgroup) - 1] = '\0';
	r.target = TARGET_CGROUP;
	r.cgroup = cgroup;
	t = text_of(&r);
	assert_non_null(strstr(t, "\ntarget   cgroup ccc"));
	assert_max_columns(t, 80);
	free(t);
	report_free(&r);
}

/* Every line fits 80 columns, with all sections present and large numbers. */
static void text_fits_80_columns(void **state)
{
	struct mmr_fault_counters c = sample_counters();
	uint8_t states[FF_NR];
	struct report r;
	uint32_t pid;
	char *t;
	int i;

	sample_report(&r, MMR_MODE_TRACEPOINT);
	snprintf(r.kernel, sizeof(r.kernel), "6.18.44-fc-v669");
	r.duration_s = 3600;
	for (pid = 1000; pid < 1020; pid++)
		add(&r, pid, "0123456789abcde", MMR_REASON_VMA_FALLBACK);
	c.attempts = c.faults = c.retries = c.lost_events = 999999999999ULL;
	for (i = 0; i < MMR_NR_REASONS; i++)
		c.reasons[i] = c.retries;	/* 100% bars */
	exact_states(states);
	states[FF_RETRIES] = VAL_INFERRED;
	report_set_faults(&r, &c, states);
	report_sort_procs(&r);
	t = text_of(&r);
	assert_non_null(strstr(t, "processes by retries"));
	assert_non_null(strstr(t, "(13 more)"));	/* 3 + 20 processes */
	assert_max_columns(t, 80);
	free(t);
	report_free(&r);
}

/* The header with a Debian backports kernel release, in tracepoint mode. */
static void text_header_fits_80_columns(void **state)
{
	struct report r;
	char *t;
	size_t n;

	report_init(&r);
	snprintf(r.kernel, sizeof(r.kernel), "6.12.12+bpo-cloud-amd64");
	r.fault_mode = MMR_MODE_TRACEPOINT;
	r.duration_s = 61.5;
	t = text_of(&r);
	n = strcspn(t, "\n");
	assert_non_null(strstr(t, "6.12.12+bpo-cloud-amd64"));
	free(t);
	report_free(&r);
	assert_true(n <= 80);
}

int main(void)
{
	const struct CMUnitTest test_report[] = {
		cmocka_unit_test(set_faults_copies),
		cmocka_unit_test(set_faults_na_is_zero),
		cmocka_unit_test(add_event_per_pid),
		cmocka_unit_test(add_event_comm_terminated),
		cmocka_unit_test(add_event_grows),
		cmocka_unit_test(sort_procs_by_retries_then_pid),
		cmocka_unit_test(notes_bounded),
		cmocka_unit_test(json_document),
		cmocka_unit_test(json_exact_mode),
		cmocka_unit_test(json_zero_is_not_null),
		cmocka_unit_test(json_targets),
		cmocka_unit_test(json_processes),
		cmocka_unit_test(json_comm_not_utf8),
		cmocka_unit_test(print_json_round_trip),
		cmocka_unit_test(text_values),
		cmocka_unit_test(text_sections),
		cmocka_unit_test(text_top_ten_processes),
		cmocka_unit_test(text_targets),
		cmocka_unit_test(text_long_targets),
		cmocka_unit_test(text_fits_80_columns),
		cmocka_unit_test(text_header_fits_80_columns),
	};

	return cmocka_run_group_tests(test_report, NULL, NULL);
}
