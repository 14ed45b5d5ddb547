/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * baseline.h: the CI gate under `mmretry check`, `baseline` and `compare`
 * (docs/baseline.md). Three parts, free of side effects for tests and
 * fuzzing:
 *
 *   the catalogues: every metric a baseline may name, each a path to a
 *     number in `mmretry stat --json`'s report (plus retries_per_fault),
 *     and every figure of a row of its `cgroups` (stat --by cgroup) that a
 *     baseline's `cgroups:` section may name;
 *   baselines: YAML (libyaml), versioned, each metric with a recorded
 *     value and a max, a min or a tolerance; parsed with line-numbered
 *     errors, recorded from a report with documented default rules;
 *   evaluation: a report against a baseline (check), or two reports
 *     side by side (compare), through the same metric_value().
 */
#ifndef MMRETRY_BASELINE_H
#define MMRETRY_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

#define BASELINE_VERSION 1
#define METRIC_NAME_MAX 64
#define CGROUP_NAME_MAX 256	/* a cgroup row's path, as report/cgroups.h keeps it */

enum metric_unit {
	MU_COUNT,	/* events, VMAs, chain entries */
	MU_RATIO,	/* retries_per_fault */
	MU_NS,		/* durations: a baseline may write 2ms, 500us, 1.5s */
};

/* how `mmretry baseline` records a metric (docs/baseline.md lists them) */
enum record_rule {
	RULE_NONE,	/* not recorded by default; a baseline may still name it */
	RULE_SIZE,	/* the workload's size: the value, +-10% */
	RULE_MORE_WORSE,	/* counts of bad things: max ceil(1.25 v) + 2 */
	RULE_RATIO,	/* max 1.25 v + 0.001 */
	RULE_LESS_WORSE,	/* completions: min floor(0.8 v) */
	RULE_ZERO,	/* lost events: max v (0 on a sound run) */
	RULE_LATENCY,	/* log2-bucket percentiles: max two buckets up, 4v + 3 */
};

/* a figure of a log2 histogram (report/render.h hist_json) */
enum hist_fig { HF_COUNT, HF_SUM, HF_P50, HF_P99, HF_MAX, HF_NR };

struct metric_def {
	char name[METRIC_NAME_MAX];	/* "mmap_lock.write.hold_ns.p99" */
	enum metric_unit unit;
	enum record_rule rule;
	/*
	 * Where the value is, in the report (or in a cgroup's row): src, the
	 * path of a number (for most run-wide metrics, the name itself). The
	 * fault-latency metrics are named apart from the report's layout
	 * ("faults.latency_ns.retried.p99" is fault_latency.user.retried's
	 * p99): hist, and src is then the path of their histogram, or of an
	 * object of histograms merged into one (merge: fault_latency.retry_ns,
	 * every reason's), and fig the figure. den: a ratio, src / den
	 * (retries_per_fault).
	 */
	char src[METRIC_NAME_MAX];
	char den[METRIC_NAME_MAX];
	bool hist, merge;
	enum hist_fig fig;
};

/* the run's metrics: the report's top level */
size_t metric_count(void);
const struct metric_def *metric_at(size_t i);
const struct metric_def *metric_find(const char *name);
const char *metric_unit_name(enum metric_unit u);

/*
 * A cgroup's metrics: the figures of a row of the report's cgroups
 * (docs/json.md), named as the run's are ("faults.retries" is the row's
 * retries, "faults.latency_ns.p99" its fault_ns's p99), one table in
 * baseline.c. A row figure the report adds is one entry there.
 */
size_t cgroup_metric_count(void);
const struct metric_def *cgroup_metric_at(size_t i);
const struct metric_def *cgroup_metric_find(const char *name);

/*
 * m's value in a stat report: 0 and *v, or -ENODATA when the report has
 * null there or lacks it (the figure is unavailable in that mode or run).
 */
int metric_value(const json_t *report, const struct metric_def *m, double *v);
/*
 * Why m has no value in report (metric_value() failed): one phrase in buf,
 * from the report itself (the mode that cannot see it, the section that
 * was not traced, a histogram that counted nothing). Returns buf.
 */
const char *metric_why(const json_t *report, const struct metric_def *m, char *buf,
		       size_t len);

/* One metric of a baseline. */
struct limit {
	const struct metric_def *m;
	const char *cgroup;		/* the row it names ("/a/b", "other"), NULL: the run's */
	int line;			/* in the baseline file, from 1 */
	bool has_value, has_min, has_max, has_tol, tol_rel;
	double value;			/* recorded: shown as "baseline" */
	double min, max;
	double tol;			/* absolute, or a fraction of value if tol_rel */
};

struct baseline {
	int version;
	struct limit *limits;		/* metrics, then each cgroup's, in file order */
	size_t n;
	char **cgroups;			/* the cgroups it names, which limits point to */
	size_t ncgroups;
};

/* "metric", or "CGROUP: metric" for a cgroup's: how the outputs name it */
const char *limit_name(const struct limit *l, char *buf, size_t len);

/*
 * Parse a baseline (YAML; JSON is YAML too) of len bytes; name is for the
 * messages. 0, or -EINVAL with one "NAME:LINE: what" message in err (no
 * newline), for malformed YAML, a wrong version, an unknown key or metric,
 * a bad value or a limit that admits nothing.
 */
int baseline_parse(const char *buf, size_t len, const char *name, struct baseline *b,
		   char *err, size_t errlen);
/* The same from a file; -errno (err says why) if it cannot be read. */
int baseline_load(const char *path, struct baseline *b, char *err, size_t errlen);
void baseline_free(struct baseline *b);

/* The range a limit admits: lo..hi, -HUGE_VAL/HUGE_VAL when open. */
void limit_bounds(const struct limit *l, double *lo, double *hi);

enum verdict { VERDICT_PASS, VERDICT_FAIL, VERDICT_UNAVAILABLE };

struct check_row {
	const struct limit *l;
	enum verdict verdict;
	double measured;		/* unless VERDICT_UNAVAILABLE */
	double lo, hi;			/* limit_bounds() */
	bool no_row;			/* a cgroup's, unavailable: the report has no row for it */
	char why[256];			/* VERDICT_UNAVAILABLE: metric_why() */
};

/*
 * Evaluate report against b: rows[b->n] in the baseline's order. Returns
 * the worst verdict: VERDICT_FAIL if any metric is outside its limits,
 * else VERDICT_UNAVAILABLE if any is unavailable, else VERDICT_PASS.
 *
 * A cgroup's metric is read from the report's row of that cgroup. It is
 * unavailable, never 0, when the report has no cgroups (no --by cgroup),
 * when the row's figure is null (its mode does not count it per cgroup),
 * and when there is no row for the cgroup (no_row): the row of a cgroup
 * that counted nothing is dropped, but so is a typo, a cgroup deeper than
 * --cgroup-depth, one the workload never ran in, and one summed in "other"
 * past --max-cgroups, which the report cannot tell apart. "other" alone
 * has no such doubt: without a row and with nothing folded, its counts are
 * 0 (null where the other rows have null).
 */
enum verdict baseline_check(const struct baseline *b, const json_t *report,
			    struct check_row *rows);

/*
 * Write a baseline recorded from report with the default rules (RULE_*).
 * The metrics unavailable in report are left out and, if skipped is not
 * NULL, listed there (comma-separated, truncated to skippedlen). With the
 * report's cgroups, a cgroups section too: each row's figures by the same
 * rules (rows named by path; not "other", whose cgroups change from run to
 * run, nor a removed cgroup's). Returns the number of metrics written, or
 * -errno.
 */
int baseline_record(FILE *out, const json_t *report, char *skipped, size_t skippedlen);

/*
 * A stat report from buf (len bytes): 0 and *out (json_decref() it), or
 * -EINVAL with one "NAME:LINE: what" message in err: not JSON, not an
 * object, or not an mmretry stat report of a schema this build reads.
 */
int report_parse(const char *buf, size_t len, const char *name, json_t **out, char *err,
		 size_t errlen);
int report_load(const char *path, json_t **out, char *err, size_t errlen);

/* compare: each catalogue metric available in a or b, then each cgroup
 * metric of each cgroup row (a's, then b's others). */
struct compare_row {
	const struct metric_def *m;
	const char *cgroup;		/* NULL, or the row's (in a's or b's JSON) */
	bool a_ok, b_ok;		/* available in a, in b */
	double a, b;
};

/* the rows report_compare() may fill */
size_t report_compare_max(const json_t *a, const json_t *b);
/* rows has room for report_compare_max(); returns how many were filled */
size_t report_compare(const json_t *a, const json_t *b, struct compare_row *rows);
/* as limit_name() */
const char *compare_row_name(const struct compare_row *r, char *buf, size_t len);

/* Is s a cgroup a baseline may name: "other", or a path as the report
 * prints it ("/", "/a/b": from the root, no "//", "." or "..", no trailing
 * "/")? */
bool cgroup_name_ok(const char *s);

/* change from a to b, as a fraction of a; NAN when a is 0 (and b is not) */
double relative_change(double a, double b);

#endif
