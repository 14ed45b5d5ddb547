/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * baseline.h: the CI gate under `mmretry check`, `baseline` and `compare`
 * (docs/baseline.md). Three parts, free of side effects for tests and
 * fuzzing:
 *
 *   the catalogue: every metric a baseline may name, each a path to a
 *     number in `mmretry stat --json`'s report (plus retries_per_fault);
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
	 * The fault-latency metrics are named apart from the report's layout
	 * ("faults.latency_ns.retried.p99" is fault_latency.user.retried's
	 * p99): src is then the path of their histogram, or of an object of
	 * histograms merged into one (merge: fault_latency.retry_ns, every
	 * reason's), and fig the figure. src empty: the name is the path.
	 */
	char src[METRIC_NAME_MAX];
	bool merge;
	enum hist_fig fig;
};

size_t metric_count(void);
const struct metric_def *metric_at(size_t i);
const struct metric_def *metric_find(const char *name);
const char *metric_unit_name(enum metric_unit u);

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
	int line;			/* in the baseline file, from 1 */
	bool has_value, has_min, has_max, has_tol, tol_rel;
	double value;			/* recorded: shown as "baseline" */
	double min, max;
	double tol;			/* absolute, or a fraction of value if tol_rel */
};

struct baseline {
	int version;
	struct limit *limits;		/* in file order */
	size_t n;
};

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
	char why[160];			/* VERDICT_UNAVAILABLE: metric_why() */
};

/*
 * Evaluate report against b: rows[b->n] in the baseline's order. Returns
 * the worst verdict: VERDICT_FAIL if any metric is outside its limits,
 * else VERDICT_UNAVAILABLE if any is unavailable, else VERDICT_PASS.
 */
enum verdict baseline_check(const struct baseline *b, const json_t *report,
			    struct check_row *rows);

/*
 * Write a baseline recorded from report with the default rules (RULE_*).
 * The metrics unavailable in report are left out and, if skipped is not
 * NULL, listed there (comma-separated, truncated to skippedlen). Returns
 * the number of metrics written, or -errno.
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

/* compare: each catalogue metric available in a or b. */
struct compare_row {
	const struct metric_def *m;
	bool a_ok, b_ok;		/* available in a, in b */
	double a, b;
};

/* rows has room for metric_count(); returns how many were filled */
size_t report_compare(const json_t *a, const json_t *b, struct compare_row *rows);

/* change from a to b, as a fraction of a; NAN when a is 0 (and b is not) */
double relative_change(double a, double b);

#endif
