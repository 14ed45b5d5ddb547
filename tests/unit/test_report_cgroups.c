// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_report_cgroups.c: stat --by cgroup (report/cgroups.c, lib/cgpath.c):
 * ids named by a walk of a cgroup-like tree (directories' inode numbers),
 * a cgroup made after the first walk found by the next; the rows' order
 * (most retries first, "other" last, empty rows dropped), the text table (80
 * columns, a long path keeping its end, other's count, n/a where the mode
 * counts nothing), JSON (null figures in tracepoint mode, never 0), and no
 * key at all when not asked for; mmap_lock rows joined to the fault rows
 * by id (a cgroup that only locked gets a row), their table and JSON.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "lib/cgpath.h"
#include "report/cgroups.h"
#include "unit.h"
#include "unit_report.h"

static uint64_t ino_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

static void names_from_a_walk(void **state)
{
	char root[] = "/tmp/mmretry-cgpath-XXXXXX", p[256];
	struct cgpaths *c;

	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/system.slice", root);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/system.slice/nginx.service", root);
	assert_int_equal(mkdir(p, 0755), 0);
	c = cgpaths_new(root);
	assert_non_null(c);
	assert_int_equal(cgpaths_scan(c), 3);
	assert_string_equal(cgpaths_name(c, ino_of(root)), "/");
	assert_string_equal(cgpaths_name(c, ino_of(p)), "/system.slice/nginx.service");
	/* made after the walk: unknown, until a lookup walks again */
	snprintf(p, sizeof(p), "%s/user.slice", root);
	assert_int_equal(mkdir(p, 0755), 0);
	assert_null(cgpaths_name(c, ino_of(p)));
	assert_string_equal(cgpaths_lookup(c, ino_of(p)), "/user.slice");
	/* removed: it keeps its name */
	uint64_t gone = ino_of(p);

	assert_int_equal(rmdir(p), 0);
	assert_int_equal(cgpaths_scan(c), 4);
	assert_string_equal(cgpaths_name(c, gone), "/user.slice");
	/* never seen: NULL, after one more walk */
	assert_null(cgpaths_lookup(c, 1));
	cgpaths_free(c);
	snprintf(p, sizeof(p), "%s/system.slice/nginx.service", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/system.slice", root);
	rmdir(p);
	rmdir(root);
	/* a root that is not there */
	c = cgpaths_new("/nonexistent/cgroup");
	assert_true(cgpaths_scan(c) < 0);
	cgpaths_free(c);
}

static void add(struct report_cgroups *x, uint64_t id, const char *path, uint64_t faults,
		uint64_t retries, int reason)
{
	struct mmr_proc_counters c;

	memset(&c, 0, sizeof(c));
	c.attempts = faults + retries;
	c.faults = faults;
	c.retries = retries;
	c.major = retries;
	c.mmap_lock_attempts = retries;
	c.reasons[reason] = retries;
	values(&c.fault_ns, faults, 2000);
	assert_int_equal(report_cgroups_add(x, id, path, &c), 0);
}

static void all_states(struct report_cgroups *x, uint8_t s)
{
	memset(x->states, s, sizeof(x->states));
}

static void order(void **state)
{
	struct report_cgroups x = { .wanted = true, .max = 2, .all_figures = true };

	all_states(&x, VAL_EXACT);
	add(&x, MMR_CGROUP_OTHER, NULL, 50, 9999, MMR_REASON_FILE_IO);
	add(&x, 10, "/a", 10, 5, MMR_REASON_FILE_IO);
	add(&x, 11, "/idle", 0, 0, MMR_REASON_FILE_IO);	/* nothing counted: dropped */
	add(&x, 12, "/b", 100, 2048, MMR_REASON_PAGE_LOCK);
	add(&x, 13, "/c", 20, 5, MMR_REASON_FILE_IO);	/* a tie on retries: more faults first */
	report_cgroups_sort(&x);
	assert_int_equal(x.n, 4);
	assert_string_equal(x.rows[0].path, "/b");
	assert_string_equal(x.rows[1].path, "/c");
	assert_string_equal(x.rows[2].path, "/a");
	assert_true(x.rows[3].id == MMR_CGROUP_OTHER);
	report_cgroups_free(&x);
	assert_int_equal(x.n, 0);
}

static void text_table(void **state)
{
	struct report_cgroups x = { .wanted = true, .depth = 2, .max = 64, .all_figures = true,
				    .timed = true, .folded = 3 };
	char *t;

	all_states(&x, VAL_EXACT);
	add(&x, 12, "/system.slice/a-service-with-a-long-name.service", 4096, 2048,
	    MMR_REASON_FILE_IO);
	add(&x, 13, "", 10, 1, MMR_REASON_PAGE_LOCK);	/* removed unseen */
	add(&x, MMR_CGROUP_OTHER, NULL, 7, 0, MMR_REASON_FILE_IO);
	report_cgroups_sort(&x);
	t = PRINTED(fp, report_print_cgroups_text(fp, &x));
	find(t, "\nfaults by cgroup (at depth 2; at most 64 rows)\n");
	find(t, "\n  CGROUP                         FAULTS  RETRIES   MAJOR     P99  TOP REASON\n");
	/* a long path keeps its end */
	find(t, "\n  ...-with-a-long-name.service     4096     2048    2048   2.0us  file_io\n");
	find(t, "\n  (removed) id 13 ");
	find(t, "\n  other (3 cgroups)                   7        0       0   2.0us  -\n");
	assert_max_columns(t, 80);
	free(t);

	/* tracepoint mode: what it cannot count per cgroup is n/a */
	x.all_figures = false;
	x.timed = false;
	t = PRINTED(fp, report_print_cgroups_text(fp, &x));
	find(t, "      n/a     2048     n/a     n/a  file_io\n");
	free(t);
	report_cgroups_free(&x);

	/* --cgroup-tree: the listed subtrees, the rest in / */
	{
		struct cgroup_trees trees = { .n = 2, .id = { 12, 13 },
					      .path = { "/system.slice", "/kubepods/pod1" } };

		x.trees = &trees;
		t = PRINTED(fp, report_print_cgroups_text(fp, &x));
		find(t, "\nfaults by cgroup (2 listed subtrees and the rest in /; at most 64 rows)\n");
		free(t);
		x.trees = NULL;
	}

	/* not traced, not asked */
	x.why = "needs a cgroup2 mount";
	t = PRINTED(fp, report_print_cgroups_text(fp, &x));
	assert_string_equal(t, "\nfaults by cgroup: n/a (needs a cgroup2 mount)\n");
	free(t);
	x.wanted = false;
	t = PRINTED(fp, report_print_cgroups_text(fp, &x));
	assert_string_equal(t, "");
	free(t);
}

static void json_rows(void **state)
{
	struct report_cgroups x = { .wanted = true, .depth = 1, .max = 2, .all_figures = true,
				    .timed = true, .folded = 2 };
	json_t *o, *r;

	all_states(&x, VAL_EXACT);
	add(&x, 4711, "/system.slice", 100, 1024, MMR_REASON_FILE_IO);
	add(&x, MMR_CGROUP_OTHER, NULL, 5, 1, MMR_REASON_SHMEM);
	report_cgroups_sort(&x);
	o = report_cgroups_json(&x);
	assert_json_int(o, "depth", 1);
	assert_json_int(o, "max_cgroups", 2);
	assert_json_int(o, "folded", 2);
	assert_int_equal(json_array_size(json_path(o, "rows")), 2);
	r = json_array_get(json_path(o, "rows"), 0);
	assert_json_str(r, "cgroup", "/system.slice");
	assert_json_int(r, "id", 4711);
	assert_json_int(r, "faults", 100);
	assert_json_int(r, "retries", 1024);
	assert_json_int(r, "attempts", 1124);
	assert_json_int(r, "retry_reasons.file_io", 1024);
	assert_json_int(r, "retry_reasons.shmem", 0);
	assert_json_int(r, "fault_ns.count", 100);
	r = json_array_get(json_path(o, "rows"), 1);
	assert_json_str(r, "cgroup", "other");
	assert_json_null(r, "id");
	assert_json_null(o, "trees");	/* grouped by depth */
	json_decref(o);
	{
		struct cgroup_trees trees = { .n = 1, .id = { 4711 }, .path = { "/system.slice" } };

		x.trees = &trees;
		o = report_cgroups_json(&x);
		assert_int_equal(json_array_size(json_path(o, "trees")), 1);
		assert_string_equal(json_string_value(json_array_get(json_path(o, "trees"), 0)),
				    "/system.slice");
		json_decref(o);
		x.trees = NULL;
	}

	/* tracepoint mode: per-cgroup faults unavailable (null), as is a
	 * reason the run could not see; retries counted */
	x.all_figures = false;
	x.timed = false;
	x.states[FF_REASON0 + MMR_REASON_SHMEM] = VAL_NA;
	o = report_cgroups_json(&x);
	r = json_array_get(json_path(o, "rows"), 0);
	assert_json_null(r, "faults");
	assert_json_null(r, "major");
	assert_json_null(r, "attempts");
	assert_json_int(r, "retries", 1024);
	assert_json_null(r, "retry_reasons.shmem");
	assert_json_null(r, "fault_ns");
	json_decref(o);
	report_cgroups_free(&x);

	/* a cgroup removed unseen: no path (null), its id */
	add(&x, 99, NULL, 1, 1, MMR_REASON_FILE_IO);
	o = report_cgroups_json(&x);
	r = json_array_get(json_path(o, "rows"), 0);
	assert_json_null(r, "cgroup");
	assert_json_int(r, "id", 99);
	json_decref(o);
	report_cgroups_free(&x);

	/* not traced: null; not asked: no key */
	x.why = "the per-cgroup map could not be read";
	o = report_cgroups_json(&x);
	assert_true(json_is_null(o));
	json_decref(o);
	x.wanted = false;
	assert_null(report_cgroups_json(&x));
}

/* a cgroup's mmap_lock figures: n acquisitions in a mode, waits and holds
 * of ns each */
static void locks(struct mmr_lock_stats l[2], int write, uint64_t n, uint64_t ns)
{
	l[write].acquisitions = n;
	values(&l[write].wait, n, ns);
	values(&l[write].hold, n, ns);
}

static void lock_rows(void **state)
{
	struct report_cgroups x = { .wanted = true, .max = 64, .all_figures = true,
				    .timed = true, .lock_traced = true };
	struct mmr_lock_stats l[2];
	json_t *o, *r;
	char *t;

	all_states(&x, VAL_EXACT);
	add(&x, 10, "/a", 10, 5, MMR_REASON_FILE_IO);
	memset(l, 0, sizeof(l));
	locks(l, 0, 300, 500);
	locks(l, 1, 7, 70000);
	assert_int_equal(report_cgroups_add_lock(&x, 10, "/a", l), 0);
	/* a cgroup that locked without a fault: a row of its own */
	memset(l, 0, sizeof(l));
	locks(l, 1, 3, 1000000);
	assert_int_equal(report_cgroups_add_lock(&x, 11, "/mapper", l), 0);
	assert_int_equal(x.n, 2);
	report_cgroups_sort(&x);
	assert_int_equal(x.n, 2);	/* kept: it locked */
	assert_string_equal(x.rows[0].path, "/a");
	assert_int_equal(x.rows[0].c.retries, 5);
	assert_int_equal(x.rows[0].lock[0].acquisitions, 300);

	t = PRINTED(fp, report_print_cgroups_text(fp, &x));
	find(t, "\nmmap_lock by cgroup\n  CGROUP                       R WAIT99 W WAIT99  W HOLDS "
		"W HOLD99    W HELD\n");
	find(t, "\n  /a                              500ns   70.0us        7   70.0us   490.0us\n");
	find(t, "\n  /mapper                             -    1.0ms        3    1.0ms     3.0ms\n");
	assert_max_columns(t, 80);
	free(t);

	o = report_cgroups_json(&x);
	r = json_array_get(json_path(o, "rows"), 1);
	assert_json_str(r, "cgroup", "/mapper");
	assert_json_int(r, "retries", 0);
	assert_json_int(r, "mmap_lock.write.acquisitions", 3);
	assert_json_int(r, "mmap_lock.write.hold_ns.count", 3);
	assert_json_int(r, "mmap_lock.read.acquisitions", 0);
	json_decref(o);

	/* mmap_lock not traced: null, and n/a in text, never 0 */
	x.lock_traced = false;
	o = report_cgroups_json(&x);
	assert_json_null(json_array_get(json_path(o, "rows"), 0), "mmap_lock");
	json_decref(o);
	t = PRINTED(fp, report_print_cgroups_text(fp, &x));
	find(t, "\nmmap_lock by cgroup: n/a (mmap_lock not traced)\n");
	free(t);
	report_cgroups_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_from_a_walk),
		cmocka_unit_test(order),
		cmocka_unit_test(text_table),
		cmocka_unit_test(json_rows),
		cmocka_unit_test(lock_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
