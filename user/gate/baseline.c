// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* baseline.c: the metric catalogue, baselines (libyaml), check and compare. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "gate/baseline.h"
#include "report/render.h"	/* hist_from_json */
#include "stats/figures.h"
#include "stats/mmap_lock.h"	/* hist_merge, hist_quantile */
#include "lib/util.h"
#include "lib/yamltext.h"

/* ---- the catalogue ---- */

#define MAX_METRICS 256

struct catalogue {
	struct metric_def d[MAX_METRICS];
	size_t n;
};

/* the run's metrics, a cgroup row's; add() writes to the one being built */
static struct catalogue run_cat, cgroup_cat, *building;

static void add(enum metric_unit unit, enum record_rule rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(enum metric_unit unit, enum record_rule rule, const char *fmt, ...)
{
	struct metric_def *m;
	va_list ap;

	if (building->n >= MAX_METRICS)
		abort();	/* MAX_METRICS is too small: a build error, caught by the tests */
	m = &building->d[building->n++];
	va_start(ap, fmt);
	vsnprintf(m->name, sizeof(m->name), fmt, ap);
	va_end(ap);
	m->unit = unit;
	m->rule = rule;
	memcpy(m->src, m->name, sizeof(m->src));	/* the name is the path */
}

/* a histogram's figures: count, sum and max exact, p50 and p99 bucket bounds */
static void add_hist(const char *prefix, enum metric_unit unit, enum record_rule p99)
{
	add(MU_COUNT, RULE_NONE, "%s.count", prefix);
	add(unit, RULE_NONE, "%s.sum", prefix);
	add(unit, RULE_NONE, "%s.p50", prefix);
	add(unit, p99, "%s.p99", prefix);
	add(unit, RULE_NONE, "%s.max", prefix);
}

static const char *const hist_fig_names[HF_NR] = {
	[HF_COUNT] = "count", [HF_SUM] = "sum", [HF_P50] = "p50", [HF_P99] = "p99",
	[HF_MAX] = "max",
};

/*
 * A fault-latency histogram's figures, named prefix.FIG, read from the
 * histogram at src (or every histogram of the object at src, merged);
 * p99 recorded with rule p99, the others not recorded.
 */
static void add_latency(const char *prefix, const char *src, bool merge, enum record_rule p99)
{
	int f;

	for (f = 0; f < HF_NR; f++) {
		struct metric_def *m = &building->d[building->n];

		add(f == HF_COUNT ? MU_COUNT : MU_NS, f == HF_P99 ? p99 : RULE_NONE, "%s.%s",
		    prefix, hist_fig_names[f]);
		snprintf(m->src, sizeof(m->src), "%s", src);
		m->hist = true;
		m->merge = merge;
		m->fig = f;
	}
}

/* the fault-latency metrics (docs/baseline.md): the user's faults by
 * outcome, the kernel's apart, retry time over every reason and by reason,
 * and each retry's attempt, gap and mmap_lock wait over every reason */
static void latency_catalogue(void)
{
	static const char *const per_retry[][2] = {
		{ "faults.last_attempt_ns", "fault_latency.last_attempt_ns" },
		{ "faults.retry_attempt_ns", "fault_latency.retry_attempt_ns" },
		{ "faults.retry_gap_ns", "fault_latency.retry_gap_ns" },
	};
	char p[METRIC_NAME_MAX], src[METRIC_NAME_MAX];
	size_t i;

	for (i = 0; i < MMR_NR_OUTCOMES; i++) {
		snprintf(p, sizeof(p), "faults.latency_ns.%s", outcome_names[i]);
		snprintf(src, sizeof(src), "fault_latency.user.%s", outcome_names[i]);
		add_latency(p, src, false, RULE_LATENCY);
	}
	for (i = 0; i < MMR_NR_OUTCOMES; i++) {
		snprintf(p, sizeof(p), "faults.kernel_latency_ns.%s", outcome_names[i]);
		snprintf(src, sizeof(src), "fault_latency.kernel.%s", outcome_names[i]);
		add_latency(p, src, false, RULE_NONE);
	}
	add_latency("faults.retry_ns", "fault_latency.retry_ns", true, RULE_LATENCY);
	for (i = 0; i < MMR_NR_REASONS; i++) {
		snprintf(p, sizeof(p), "faults.retry_ns.%s", reason_names[i]);
		snprintf(src, sizeof(src), "fault_latency.retry_ns.%s", reason_names[i]);
		add_latency(p, src, false, RULE_NONE);
	}
	for (i = 0; i < sizeof(per_retry) / sizeof(per_retry[0]); i++)
		add_latency(per_retry[i][0], per_retry[i][1], true, RULE_NONE);
	add_latency("faults.retry_lock_wait_ns", "fault_latency.retry_lock_wait_ns", true,
		    RULE_LATENCY);
}

/* name: src / den, a ratio recorded with RULE_RATIO */
static void add_ratio(const char *name, const char *src, const char *den)
{
	struct metric_def *m = &building->d[building->n];

	add(MU_RATIO, RULE_RATIO, "%s", name);
	snprintf(m->src, sizeof(m->src), "%s", src);
	snprintf(m->den, sizeof(m->den), "%s", den);
}

/*
 * The figures of a row of the report's cgroups (docs/json.md), one entry
 * each: the metric's name (the run's metric it matches), the row's key,
 * its unit and recording rule. A histogram's entry (hist) is its five
 * figures, NAME.count ... NAME.max, its p99 recorded with the rule. The
 * retry reasons, one per reason, follow the table.
 */
static const struct cgroup_fig {
	const char *name, *src;
	enum metric_unit unit;
	enum record_rule rule;
	bool hist;
} cgroup_figs[] = {
	{ "faults.attempts", "attempts", MU_COUNT, RULE_NONE, false },
	{ "faults.faults", "faults", MU_COUNT, RULE_SIZE, false },
	{ "faults.retries", "retries", MU_COUNT, RULE_MORE_WORSE, false },
	{ "faults.completed", "completed", MU_COUNT, RULE_LESS_WORSE, false },
	{ "faults.major", "major", MU_COUNT, RULE_MORE_WORSE, false },
	{ "faults.vma_lock_attempts", "vma_lock_attempts", MU_COUNT, RULE_NONE, false },
	{ "faults.mmap_lock_attempts", "mmap_lock_attempts", MU_COUNT, RULE_NONE, false },
	{ "faults.latency_ns", "fault_ns", MU_NS, RULE_LATENCY, true },
	{ "mmap_lock.read.acquisitions", "mmap_lock.read.acquisitions", MU_COUNT, RULE_NONE, false },
	{ "mmap_lock.write.acquisitions", "mmap_lock.write.acquisitions", MU_COUNT, RULE_NONE,
	  false },
	{ "mmap_lock.read.wait_ns", "mmap_lock.read.wait_ns", MU_NS, RULE_LATENCY, true },
	{ "mmap_lock.read.hold_ns", "mmap_lock.read.hold_ns", MU_NS, RULE_LATENCY, true },
	{ "mmap_lock.write.wait_ns", "mmap_lock.write.wait_ns", MU_NS, RULE_LATENCY, true },
	{ "mmap_lock.write.hold_ns", "mmap_lock.write.hold_ns", MU_NS, RULE_LATENCY, true },
};

static void build_cgroup_catalogue(void)
{
	char src[METRIC_NAME_MAX];
	size_t i;

	building = &cgroup_cat;
	for (i = 0; i < sizeof(cgroup_figs) / sizeof(cgroup_figs[0]); i++) {
		const struct cgroup_fig *f = &cgroup_figs[i];
		struct metric_def *m = &building->d[building->n];

		if (f->hist) {
			add_latency(f->name, f->src, false, f->rule);
			continue;
		}
		add(f->unit, f->rule, "%s", f->name);
		snprintf(m->src, sizeof(m->src), "%s", f->src);
	}
	for (i = 0; i < MMR_NR_REASONS; i++) {
		struct metric_def *m = &building->d[building->n];

		add(MU_COUNT, RULE_MORE_WORSE, "faults.retry_reasons.%s", reason_names[i]);
		snprintf(src, sizeof(src), "retry_reasons.%s", reason_names[i]);
		snprintf(m->src, sizeof(m->src), "%s", src);
	}
	add_ratio("retries_per_fault", "retries", "faults");
}

static void build_catalogue(void)
{
	static const enum record_rule fault_rules[FF_REASON0] = {
		[FF_ATTEMPTS] = RULE_NONE, [FF_FAULTS] = RULE_SIZE,
		[FF_RETRIES] = RULE_MORE_WORSE, [FF_COMPLETED] = RULE_LESS_WORSE,
		[FF_MAJOR] = RULE_MORE_WORSE, [FF_ERRORS] = RULE_MORE_WORSE,
		[FF_VMA_LOCK_ATTEMPTS] = RULE_NONE, [FF_MMAP_LOCK_ATTEMPTS] = RULE_NONE,
		[FF_ABANDONED] = RULE_MORE_WORSE,
	};
	static const char *const modes[] = { "read", "write" };
	static const char *const lock_counts[] = {
		"acquisitions", "holds", "trylock_failures", "remote",
	};
	static const char *const chain_events[] = { "fork", "clone", "prepare" };
	static const char *const anon_counts[] = { "reused", "truncated", "walks" };
	char p[METRIC_NAME_MAX];
	size_t i, k;

	building = &run_cat;
	for (i = 0; i < FF_REASON0; i++)
		add(MU_COUNT, fault_rules[i], "faults.%s", fault_fig_names[i]);
	for (i = 0; i < MMR_NR_REASONS; i++)
		add(MU_COUNT, RULE_MORE_WORSE, "faults.retry_reasons.%s", reason_names[i]);
	add_ratio("retries_per_fault", "faults.retries", "faults.faults");
	add(MU_COUNT, RULE_ZERO, "lost_events");
	add(MU_COUNT, RULE_NONE, "missed_runs");

	for (i = 0; i < 2; i++) {
		for (k = 0; k < sizeof(lock_counts) / sizeof(lock_counts[0]); k++)
			add(MU_COUNT, RULE_NONE, "mmap_lock.%s.%s", modes[i], lock_counts[k]);
		if (i == 1)
			add(MU_COUNT, RULE_NONE, "mmap_lock.write.downgrades");
		snprintf(p, sizeof(p), "mmap_lock.%s.wait_ns", modes[i]);
		add_hist(p, MU_NS, RULE_LATENCY);
		snprintf(p, sizeof(p), "mmap_lock.%s.hold_ns", modes[i]);
		add_hist(p, MU_NS, RULE_LATENCY);
	}
	add(MU_COUNT, RULE_ZERO, "mmap_lock.long_lost");
	add(MU_COUNT, RULE_NONE, "mmap_lock.missed_runs");

	add_hist("anon_vma.chain_length", MU_COUNT, RULE_LATENCY);
	add_hist("anon_vma.rmap_walk_vmas", MU_COUNT, RULE_LATENCY);
	add_hist("anon_vma.rmap_walk_mapped", MU_COUNT, RULE_NONE);
	add_hist("anon_vma.rmap_walk_ns", MU_NS, RULE_NONE);
	add_hist("anon_vma.rmap_lock_wait_ns", MU_NS, RULE_NONE);
	for (i = 0; i < sizeof(chain_events) / sizeof(chain_events[0]); i++)
		add(MU_COUNT, RULE_NONE, "anon_vma.chain_events.%s", chain_events[i]);
	for (i = 0; i < sizeof(anon_counts) / sizeof(anon_counts[0]); i++)
		add(MU_COUNT, RULE_NONE, "anon_vma.%s", anon_counts[i]);
	add(MU_COUNT, RULE_ZERO, "anon_vma.lost");
	add(MU_COUNT, RULE_NONE, "anon_vma.missed_runs");
	latency_catalogue();
}

static void catalogue_init(void)
{
	if (!run_cat.n) {
		build_catalogue();
		build_cgroup_catalogue();
	}
}

static const struct metric_def *cat_find(const struct catalogue *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->d[i].name, name))
			return &c->d[i];
	return NULL;
}

size_t metric_count(void)
{
	catalogue_init();
	return run_cat.n;
}

const struct metric_def *metric_at(size_t i)
{
	catalogue_init();
	return i < run_cat.n ? &run_cat.d[i] : NULL;
}

const struct metric_def *metric_find(const char *name)
{
	catalogue_init();
	return cat_find(&run_cat, name);
}

size_t cgroup_metric_count(void)
{
	catalogue_init();
	return cgroup_cat.n;
}

const struct metric_def *cgroup_metric_at(size_t i)
{
	catalogue_init();
	return i < cgroup_cat.n ? &cgroup_cat.d[i] : NULL;
}

const struct metric_def *cgroup_metric_find(const char *name)
{
	catalogue_init();
	return cat_find(&cgroup_cat, name);
}

const char *metric_unit_name(enum metric_unit u)
{
	return u == MU_NS ? "ns" : u == MU_RATIO ? "ratio" : "count";
}

/* ---- values in a report ---- */

/* the value at a dotted path, NULL if there is none; *stop (if not NULL):
 * how much of the path led to a value (an object, null, a number) */
static const json_t *path_get(const json_t *report, const char *path, size_t *stop)
{
	char buf[METRIC_NAME_MAX], *save = NULL, *part;
	const json_t *j = report, *next;

	snprintf(buf, sizeof(buf), "%s", path);
	if (stop)
		*stop = 0;
	for (part = strtok_r(buf, ".", &save); part && j; part = strtok_r(NULL, ".", &save)) {
		next = json_is_object(j) ? json_object_get(j, part) : NULL;
		if (next && stop)
			*stop = part - buf + strlen(part);
		j = next;
	}
	return j;
}

static int path_value(const json_t *report, const char *path, double *v)
{
	const json_t *j = path_get(report, path, NULL);

	if (!json_is_number(j))
		return -ENODATA;
	*v = json_number_value(j);
	/* every figure is a count, a ratio or a duration: never negative */
	if (!isfinite(*v) || *v < 0)
		return -ENODATA;
	if (*v == 0)
		*v = 0;		/* not -0, which would be recorded as "-0" */
	return 0;
}

/* m's histogram: the one at m->src, or those of the object there merged */
static int metric_hist(const json_t *report, const struct metric_def *m, struct mmr_hist *h)
{
	const json_t *j = path_get(report, m->src, NULL), *x;
	struct mmr_hist one;
	const char *k;

	if (!m->merge)
		return hist_from_json(j, h) ? -ENODATA : 0;
	memset(h, 0, sizeof(*h));
	if (!json_is_object(j) || !json_object_size(j))
		return -ENODATA;
	json_object_foreach((json_t *)j, k, x) {
		if (hist_from_json(x, &one))
			return -ENODATA;
		hist_merge(h, &one);
	}
	return 0;
}

static int hist_value(const json_t *report, const struct metric_def *m, double *v)
{
	struct mmr_hist h;

	if (metric_hist(report, m, &h))
		return -ENODATA;
	/* as hist_json(): a histogram that counted nothing has no percentile */
	if (!h.count && m->fig != HF_COUNT && m->fig != HF_SUM)
		return -ENODATA;
	switch (m->fig) {
	case HF_COUNT:
		*v = h.count;
		break;
	case HF_SUM:
		*v = h.sum_ns;
		break;
	case HF_P50:
		*v = hist_quantile(&h, 0.5);
		break;
	case HF_P99:
		*v = hist_quantile(&h, 0.99);
		break;
	default:
		*v = h.max_ns;
		break;
	}
	return 0;
}

int metric_value(const json_t *report, const struct metric_def *m, double *v)
{
	double retries, faults;

	if (m->hist)
		return hist_value(report, m, v);
	if (!m->den[0])
		return path_value(report, m->src, v);
	if (path_value(report, m->src, &retries) || path_value(report, m->den, &faults))
		return -ENODATA;
	if (faults <= 0)
		return retries == 0 ? (*v = 0, 0) : -ENODATA;
	*v = retries / faults;
	return 0;
}

/* why the value at path (m's, or its histogram's) is missing in obj (the
 * report, or a cgroup's row), traced in mode */
static const char *path_why(const json_t *obj, const char *mode, const char *path, bool latency,
			    char *buf, size_t len)
{
	char head[METRIC_NAME_MAX];
	size_t stop;
	const json_t *j = path_get(obj, path, &stop);

	if (j && !json_is_null(j)) {
		snprintf(buf, len, "%s is not a figure in this report", path);
		return buf;
	}
	/* the path led as far as head: a null there, or a key it lacks */
	snprintf(head, sizeof(head), "%.*s", (int)stop, path);
	if (!stop || !json_is_null(path_get(obj, head, NULL)))
		snprintf(buf, len, "this report has no %s (an older mmretry's?)", path);
	else if (!strcmp(head, "mmap_lock"))	/* a cgroup row's */
		snprintf(buf, len, "%s is null: mmap_lock not traced (--no-mmap-lock, or its "
			 "tracepoints missing)", head);
	else if (latency && mode && !strcmp(mode, "model"))
		snprintf(buf, len, "%s is null: a model run does not time faults", head);
	else if (latency && strstr(head, "lock_wait"))
		snprintf(buf, len, "%s is null: needs the mmap_lock tracer", head);
	else if (latency && mode && !strcmp(mode, "tracepoint"))
		snprintf(buf, len, "%s is null: needs fentry or kprobes (tracepoint mode)",
			 head);
	else if (latency)
		snprintf(buf, len, "%s is null: faults were not timed", head);
	else
		snprintf(buf, len, "%s is null: not seen in %s mode, or not traced", head,
			 mode ? mode : "this");
	return buf;
}

/* metric_why() of obj (the report, or a cgroup's row), traced in mode */
static const char *value_why(const json_t *obj, const char *mode, const struct metric_def *m,
			     char *buf, size_t len)
{
	struct mmr_hist h;
	double v;

	snprintf(buf, len, "unavailable");
	if (!metric_value(obj, m, &v))
		return buf;
	if (m->den[0])
		return path_why(obj, mode, path_value(obj, m->src, &v) ? m->src : m->den, false,
				buf, len);
	if (!m->hist) {
		char hist[METRIC_NAME_MAX];
		const char *dot = strrchr(m->src, '.');

		/* a histogram's percentile or max, null when it counted nothing */
		snprintf(hist, sizeof(hist), "%.*s.count", (int)(dot ? dot - m->src : 0), m->src);
		if (dot && path_value(obj, hist, &v) == 0 && v == 0) {
			snprintf(buf, len, "nothing counted (%s is 0)", hist);
			return buf;
		}
		return path_why(obj, mode, m->src, false, buf, len);
	}
	if (!metric_hist(obj, m, &h) && !h.count) {
		snprintf(buf, len, "nothing counted (%s: count 0)", m->src);
		return buf;
	}
	return path_why(obj, mode, m->src, true, buf, len);
}

static const char *report_mode(const json_t *report)
{
	return json_string_value(path_get(report, "modes.faults", NULL));
}

const char *metric_why(const json_t *report, const struct metric_def *m, char *buf,
		       size_t len)
{
	return value_why(report, report_mode(report), m, buf, len);
}

double relative_change(double a, double b)
{
	if (a == 0)
		return b == 0 ? 0 : NAN;
	return (b - a) / fabs(a);
}

/* ---- baselines ---- */



/* a plain decimal number: digits, one point, an exponent; no sign, hex,
 * inf or nan (strtod would take them) */
static int parse_number(const char *s, double *v, const char **rest)
{
	const char *c = s;
	char *end;

	while (*c == ' ')
		c++;
	if (!(*c >= '0' && *c <= '9') && !(*c == '.' && c[1] >= '0' && c[1] <= '9'))
		return -EINVAL;
	for (s = c; (*c >= '0' && *c <= '9') || *c == '.'; c++)
		;
	if ((*c == 'e' || *c == 'E') &&
	    ((c[1] >= '0' && c[1] <= '9') || ((c[1] == '+' || c[1] == '-') && c[2] >= '0' && c[2] <= '9')))
		for (c += 2; *c >= '0' && *c <= '9'; c++)
			;
	errno = 0;
	*v = strtod(s, &end);
	/* ERANGE: an overflow is inf (refused below), an underflow is a fine
	 * tiny number (1e-308 reads back as itself) */
	if ((errno && errno != ERANGE) || end != c || !isfinite(*v))
		return -EINVAL;
	while (*c == ' ')
		c++;
	*rest = c;
	return 0;
}

/* a value in m's unit: durations take ns, us, ms or s (plain: ns) */
static int parse_value(const char *s, enum metric_unit unit, double *v)
{
	static const struct {
		const char *suffix;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 } };
	const char *rest;
	size_t i;

	if (!s || parse_number(s, v, &rest))
		return -EINVAL;
	if (!*rest)
		return 0;
	if (unit != MU_NS)
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(rest, units[i].suffix)) {
			*v *= units[i].ns;
			return isfinite(*v) ? 0 : -EINVAL;
		}
	return -EINVAL;
}

/* name: the limit's, as limit_name() */
static int limit_value(struct yaml_where *p, const yaml_node_t *n, const struct metric_def *m,
		       const char *name, const char *key, double *v)
{
	const char *s = yaml_text(n);

	if (parse_value(s, m->unit, v))
		return yaml_fail(p, n, "%s: %s '%.40s' is not %s", name, key,
			    s ? s : "(not a scalar)",
			    m->unit == MU_NS ? "a duration (a number of ns, or with ns, us, ms, s)" :
			    "a non-negative number");
	return 0;
}

/* the limits being read, and how many each array has room for */
struct parsing {
	struct yaml_where w;
	struct baseline *b;
	size_t cap, cgcap;
};

/* a metric of the run (cgroup NULL) or of cgroup's row, and its limits */
static int parse_limit(struct yaml_where *p, const yaml_node_t *key, const yaml_node_t *val,
		       const char *cgroup, struct limit *l)
{
	const char *s, *metric = yaml_text(key);
	char name[METRIC_NAME_MAX + 80];	/* as the messages name it: limit_name() */
	yaml_node_pair_t *pair;
	double lo, hi;

	memset(l, 0, sizeof(*l));
	l->line = key->start_mark.line + 1;
	l->cgroup = cgroup;
	if (!metric)
		return yaml_fail(p, key, "a metric name must be a plain string");
	l->m = cgroup ? cgroup_metric_find(metric) : metric_find(metric);
	if (!l->m && cgroup && metric_find(metric))
		return yaml_fail(p, key, "%.64s: '%.64s' is not a figure of a cgroup's row "
			    "(`mmretry check --list-metrics` lists those)", cgroup, metric);
	if (!l->m && cgroup)
		return yaml_fail(p, key, "%.64s: unknown metric '%.64s' (`mmretry check "
			    "--list-metrics` lists them)", cgroup, metric);
	if (!l->m)
		return yaml_fail(p, key, "unknown metric '%.64s' (`mmretry check --list-metrics` lists them)",
			    metric);
	limit_name(l, name, sizeof(name));
	if (val->type == YAML_SCALAR_NODE) {
		/* "metric: V" is "metric: {value: V, tolerance: 0}" */
		if (limit_value(p, val, l->m, name, "value", &l->value))
			return -EINVAL;
		l->has_value = l->has_tol = true;
		return 0;
	}
	if (val->type != YAML_MAPPING_NODE)
		return yaml_fail(p, val, "%s: expected a number or a mapping of value, min, max, "
			    "tolerance", name);
	for (pair = val->data.mapping.pairs.start; pair < val->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *ks = yaml_text(k);
		bool *has;
		double *dst;

		if (!ks)
			return yaml_fail(p, k ? k : val, "%s: keys must be plain strings", name);
		if (!strcmp(ks, "value"))
			has = &l->has_value, dst = &l->value;
		else if (!strcmp(ks, "min"))
			has = &l->has_min, dst = &l->min;
		else if (!strcmp(ks, "max"))
			has = &l->has_max, dst = &l->max;
		else if (!strcmp(ks, "tolerance"))
			has = &l->has_tol, dst = &l->tol;
		else
			return yaml_fail(p, k, "%s: unknown key '%.40s' (expected value, min, max, "
				    "tolerance)", name, ks);
		if (*has)
			return yaml_fail(p, k, "%s: %s given twice", name, ks);
		*has = true;
		s = yaml_text(v);
		if (dst == &l->tol && s && *s && s[strlen(s) - 1] == '%') {
			char num[64];
			const char *rest;

			snprintf(num, sizeof(num), "%.*s", (int)strlen(s) - 1, s);
			if (strlen(s) >= sizeof(num) || parse_number(num, &l->tol, &rest) || *rest)
				return yaml_fail(p, v, "%s: tolerance '%.40s' is not a percentage", name, s);
			l->tol /= 100;
			l->tol_rel = true;
			continue;
		}
		if (limit_value(p, v ? v : val, l->m, name, ks, dst))
			return -EINVAL;
	}
	if (l->has_tol && !l->has_value)
		return yaml_fail(p, key, "%s: a tolerance needs the value it applies to", name);
	if (!l->has_min && !l->has_max && !l->has_tol)
		return yaml_fail(p, key, "%s: no limit: give max, min, or a value with a tolerance",
			    name);
	if (l->has_min && l->has_max && l->min > l->max)
		return yaml_fail(p, key, "%s: min %g is above max %g", name, l->min, l->max);
	limit_bounds(l, &lo, &hi);
	if (lo > hi)
		return yaml_fail(p, key, "%s: the limits admit no value (%g..%g)", name, lo, hi);
	return 0;
}

/* the metrics of the run (what NULL) or of cgroup what: a mapping of
 * metric names to limits, appended to b's */
static int parse_metrics(struct parsing *ps, const yaml_node_t *n, const char *cgroup)
{
	struct yaml_where *p = &ps->w;
	struct baseline *b = ps->b;
	const char *what = cgroup ? cgroup : "metrics";
	yaml_node_pair_t *pair;
	size_t first = b->n, i;

	if (n->type != YAML_MAPPING_NODE)
		return yaml_fail(p, n, "%.64s: expected a mapping of metric names to limits", what);
	if (n->data.mapping.pairs.top == n->data.mapping.pairs.start)
		return yaml_fail(p, n, "%.64s: empty: %s", what, cgroup ?
			    "name the metrics to hold the cgroup to" :
			    "a baseline needs at least one metric");
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		struct limit *l;
		char name[METRIC_NAME_MAX + 80];

		if (!k || !v)
			return yaml_fail(p, n, "%.64s: malformed entry", what);
		l = array_push((void **)&b->limits, &b->n, &ps->cap, sizeof(*l));
		if (!l)
			return yaml_fail(p, n, "out of memory");
		if (parse_limit(p, k, v, cgroup, l)) {
			b->n--;
			return -EINVAL;
		}
		for (i = first; i < b->n - 1; i++)
			if (b->limits[i].m == l->m) {
				b->n--;
				return yaml_fail(p, k, "%s: given twice (first on line %d)",
					    limit_name(l, name, sizeof(name)), b->limits[i].line);
			}
	}
	return 0;
}

bool cgroup_name_ok(const char *s)
{
	if (!strcmp(s, "other") || !strcmp(s, "/"))
		return true;
	if (s[0] != '/' || strlen(s) >= CGROUP_NAME_MAX)
		return false;
	/* each component: not empty, not . or .. */
	for (s++; ; ) {
		size_t n = strcspn(s, "/");

		if (!n || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (!s[n])
			return true;
		s += n + 1;
	}
}

/* cgroups: a mapping of cgroups (their paths as the report prints them, or
 * other) to their metrics */
static int parse_cgroups(struct parsing *ps, const yaml_node_t *n)
{
	struct yaml_where *p = &ps->w;
	struct baseline *b = ps->b;
	yaml_node_pair_t *pair, *prev;

	if (n->type != YAML_MAPPING_NODE)
		return yaml_fail(p, n, "cgroups: expected a mapping of cgroup paths (/a/b, or "
			    "other) to their metrics");
	if (n->data.mapping.pairs.top == n->data.mapping.pairs.start)
		return yaml_fail(p, n, "cgroups: empty: name a cgroup, or leave cgroups out");
	for (pair = n->data.mapping.pairs.start; pair < n->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *name = yaml_text(k);
		char **slot;

		if (!k || !v)
			return yaml_fail(p, n, "cgroups: malformed entry");
		if (!name)
			return yaml_fail(p, k, "cgroups: a cgroup must be a plain string");
		if (!cgroup_name_ok(name))
			return yaml_fail(p, k, "cgroups: '%.64s' is not a cgroup as the report names "
				    "it: a path from the cgroup2 mount's root (/system.slice/x.service), "
				    "or other", name);
		for (prev = n->data.mapping.pairs.start; prev < pair; prev++) {
			const yaml_node_t *pk = yaml_document_get_node(p->doc, prev->key);
			const char *ps_ = yaml_text(pk);

			if (ps_ && !strcmp(ps_, name))
				return yaml_fail(p, k, "cgroups: '%.64s' given twice (first on line "
					    "%d)", name, (int)pk->start_mark.line + 1);
		}
		slot = array_push((void **)&b->cgroups, &b->ncgroups, &ps->cgcap, sizeof(*slot));
		if (!slot || !(*slot = strdup(name))) {
			if (slot)
				b->ncgroups--;
			return yaml_fail(p, k, "out of memory");
		}
		if (parse_metrics(ps, v, *slot))
			return -EINVAL;
	}
	return 0;
}

static int parse_document(struct parsing *ps)
{
	struct yaml_where *p = &ps->w;
	struct baseline *b = ps->b;
	const yaml_node_t *root = yaml_document_get_root_node(p->doc), *metrics = NULL,
			  *cgroups = NULL;
	yaml_node_pair_t *pair;
	bool versioned = false;

	if (!root)
		return yaml_fail(p, NULL, "empty: not an mmretry baseline");
	if (root->type != YAML_MAPPING_NODE)
		return yaml_fail(p, root, "not an mmretry baseline: expected a mapping with "
			    "mmretry_baseline: %d and metrics", BASELINE_VERSION);
	for (pair = root->data.mapping.pairs.start; pair < root->data.mapping.pairs.top; pair++) {
		const yaml_node_t *k = yaml_document_get_node(p->doc, pair->key);
		const yaml_node_t *v = yaml_document_get_node(p->doc, pair->value);
		const char *ks = yaml_text(k);

		if (!ks || !v)
			return yaml_fail(p, k ? k : root, "keys must be plain strings");
		if (!strcmp(ks, "mmretry_baseline")) {
			const char *s = yaml_text(v);

			if (versioned)
				return yaml_fail(p, k, "mmretry_baseline given twice");
			if (!s || strcmp(s, "1"))
				return yaml_fail(p, v, "unsupported baseline version '%.20s' (this mmretry "
					    "reads %d)", s ? s : "(not a scalar)", BASELINE_VERSION);
			versioned = true;
		} else if (!strcmp(ks, "metrics")) {
			if (metrics)
				return yaml_fail(p, k, "metrics given twice");
			metrics = v;
		} else if (!strcmp(ks, "cgroups")) {
			if (cgroups)
				return yaml_fail(p, k, "cgroups given twice");
			cgroups = v;
		} else if (strcmp(ks, "recorded")) {
			return yaml_fail(p, k, "unknown key '%.40s' (expected mmretry_baseline, metrics, "
				    "cgroups, recorded)", ks);
		}
	}
	if (!versioned)
		return yaml_fail(p, root, "not an mmretry baseline: no 'mmretry_baseline: %d'",
			    BASELINE_VERSION);
	if (!metrics && !cgroups)
		return yaml_fail(p, root, "no metrics (nor cgroups)");
	b->version = BASELINE_VERSION;
	/* the run's metrics first, then the cgroups', whichever the file has first */
	if (metrics && parse_metrics(ps, metrics, NULL))
		return -EINVAL;
	return cgroups ? parse_cgroups(ps, cgroups) : 0;
}

int baseline_parse(const char *buf, size_t len, const char *name, struct baseline *b,
		   char *err, size_t errlen)
{
	struct parsing ps = { .w = { .name = name, .err = err, .errlen = errlen }, .b = b };
	yaml_document_t doc;
	int ret;

	memset(b, 0, sizeof(*b));
	ret = yaml_load_one(buf, len, &ps.w, &doc);
	if (ret)
		return ret;
	ret = parse_document(&ps);
	yaml_document_delete(&doc);
	if (ret)
		baseline_free(b);
	return ret;
}

int baseline_load(const char *path, struct baseline *b, char *err, size_t errlen)
{
	size_t len;
	char *buf = read_file(path, 64u << 20, &len);
	int ret;

	memset(b, 0, sizeof(*b));
	if (!buf) {
		ret = -errno;
		snprintf(err, errlen, "cannot read baseline '%s': %s", path, strerror(errno));
		return ret;
	}
	ret = baseline_parse(buf, len, path, b, err, errlen);
	free(buf);
	return ret;
}

void baseline_free(struct baseline *b)
{
	size_t i;

	for (i = 0; i < b->ncgroups; i++)
		free(b->cgroups[i]);
	free(b->cgroups);
	free(b->limits);
	memset(b, 0, sizeof(*b));
}

const char *limit_name(const struct limit *l, char *buf, size_t len)
{
	if (l->cgroup)
		snprintf(buf, len, "%s: %s", l->cgroup, l->m->name);
	else
		snprintf(buf, len, "%s", l->m->name);
	return buf;
}

void limit_bounds(const struct limit *l, double *lo, double *hi)
{
	*lo = l->has_min ? l->min : -HUGE_VAL;
	*hi = l->has_max ? l->max : HUGE_VAL;
	if (l->has_tol) {
		double t = l->tol_rel ? fabs(l->value) * l->tol : l->tol;

		if (l->value - t > *lo)
			*lo = l->value - t;
		if (l->value + t < *hi)
			*hi = l->value + t;
	}
}

/* ---- a cgroup's row ---- */

/* how many levels below the root: "/" 0, "/a" 1, "/a/b" 2 */
static unsigned int cgroup_level(const char *path)
{
	unsigned int n = 0;

	for (; *path; path++)
		n += *path == '/' && path[1];
	return n;
}

/* j with every number 0 and every array empty: a row that counted nothing,
 * with the same nulls (the figures its mode does not count) */
static json_t *zero_like(const json_t *j)
{
	json_t *o, *x;
	const char *k;

	if (json_is_number(j))
		return json_integer(0);
	if (json_is_array(j))
		return json_array();
	if (!json_is_object(j))
		return json_deep_copy(j);
	o = json_object();
	json_object_foreach((json_t *)j, k, x)
		json_object_set_new(o, k, zero_like(x));
	return o;
}

static const json_t *find_row(const json_t *rows, const char *cg)
{
	const json_t *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		const char *name = json_string_value(json_object_get(row, "cgroup"));

		if (name && !strcmp(name, cg))
			return row;
	}
	return NULL;
}

/*
 * cg's row in report (a reference: json_decref() it), or NULL with why,
 * and *no_row when the report has the breakdown but no row for cg
 * (baseline.h says what that means).
 */
static json_t *cgroup_row(const json_t *report, const char *cg, bool *no_row, char *why,
			  size_t len)
{
	const json_t *x = json_object_get(report, "cgroups"), *rows, *row;
	double depth = 0, folded = 0, max = 0;

	*no_row = false;
	if (!x) {
		snprintf(why, len, "the report has no cgroups: traced without --by cgroup");
		return NULL;
	}
	rows = json_object_get(x, "rows");
	if (!json_is_array(rows)) {
		snprintf(why, len, "the report's cgroups is %s: the breakdown was not traced",
			 json_is_null(x) ? "null" : "without rows");
		return NULL;
	}
	row = find_row(rows, cg);
	if (row)
		return json_incref((json_t *)row);
	path_value(x, "depth", &depth);
	path_value(x, "folded", &folded);
	path_value(x, "max_cgroups", &max);
	*no_row = true;
	if (!strcmp(cg, "other")) {
		/* nothing was folded: other's counts are 0 */
		if (!folded && json_array_size(rows)) {
			*no_row = false;
			return zero_like(json_array_get(rows, 0));
		}
		snprintf(why, len, "no row: %s", folded ? "nothing counted in the folded cgroups" :
			 "nothing counted in any cgroup");
	} else if (depth > 0 && cgroup_level(cg) > depth) {
		snprintf(why, len, "no row: below --cgroup-depth %.0f, it is counted in its "
			 "ancestor's row", depth);
	} else if (folded) {
		snprintf(why, len, "no row: it may be one of the %.0f cgroup%s summed in other "
			 "(--max-cgroups %.0f)", folded, folded == 1 ? "" : "s", max);
	} else {
		snprintf(why, len, "no row: no such cgroup counted anything%s (a typo?)",
			 depth > 0 ? " at this --cgroup-depth" : "");
	}
	return NULL;
}

/* one limit of a cgroup: its row's figure */
static int cgroup_value(const json_t *report, struct check_row *r)
{
	char why[sizeof(r->why)];
	json_t *row = cgroup_row(report, r->l->cgroup, &r->no_row, r->why, sizeof(r->why));
	int ret;

	if (!row)
		return -ENODATA;
	ret = metric_value(row, r->l->m, &r->measured);
	if (ret)
		snprintf(r->why, sizeof(r->why), "in its row, %s",
			 value_why(row, report_mode(report), r->l->m, why, sizeof(why)));
	json_decref(row);
	return ret;
}

enum verdict baseline_check(const struct baseline *b, const json_t *report,
			    struct check_row *rows)
{
	enum verdict worst = VERDICT_PASS;
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct check_row *r = &rows[i];
		int ret;

		memset(r, 0, sizeof(*r));
		r->l = &b->limits[i];
		limit_bounds(r->l, &r->lo, &r->hi);
		if (r->l->cgroup)
			ret = cgroup_value(report, r);
		else if ((ret = metric_value(report, r->l->m, &r->measured)))
			metric_why(report, r->l->m, r->why, sizeof(r->why));
		if (ret) {
			r->verdict = VERDICT_UNAVAILABLE;
			if (worst == VERDICT_PASS)
				worst = VERDICT_UNAVAILABLE;
		} else if (r->measured < r->lo || r->measured > r->hi) {
			r->verdict = VERDICT_FAIL;
			worst = VERDICT_FAIL;
		}
	}
	return worst;
}

/* ---- recording ---- */

static int emit(yaml_emitter_t *e, yaml_event_t *ev)
{
	return yaml_emitter_emit(e, ev) ? 0 : -EIO;
}

static int emit_scalar(yaml_emitter_t *e, const char *s, bool plain)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), plain,
				     !plain, plain ? YAML_PLAIN_SCALAR_STYLE :
				     YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	return emit(e, &ev);
}

/* any text, plain where YAML allows it, quoted where not: a cgroup's path */
static int emit_text(yaml_emitter_t *e, const char *s)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
				     YAML_ANY_SCALAR_STYLE);
	return emit(e, &ev);
}

/* exact: what is written parses back to the same double */
static int emit_number(yaml_emitter_t *e, double v)
{
	char buf[40];

	int digits;

	if (v == floor(v) && fabs(v) < 9007199254740992.0)	/* 2^53 */
		snprintf(buf, sizeof(buf), "%.0f", v);
	else	/* the shortest that reads back exactly: 0.256, not 0.25600000000000001 */
		for (digits = 6; digits <= 17; digits++) {
			snprintf(buf, sizeof(buf), "%.*g", digits, v);
			if (strtod(buf, NULL) == v)
				break;
		}
	return emit_scalar(e, buf, true);
}

static int emit_start(yaml_emitter_t *e, bool mapping, bool flow)
{
	yaml_event_t ev;

	if (mapping)
		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, flow ?
						    YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	else
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, flow ?
						     YAML_FLOW_SEQUENCE_STYLE :
						     YAML_BLOCK_SEQUENCE_STYLE);
	return emit(e, &ev);
}

static int emit_end(yaml_emitter_t *e, bool mapping)
{
	yaml_event_t ev;

	if (mapping)
		yaml_mapping_end_event_initialize(&ev);
	else
		yaml_sequence_end_event_initialize(&ev);
	return emit(e, &ev);
}

/* The default limit of a recorded metric (docs/baseline.md, "Recording"). */
static int emit_limit(yaml_emitter_t *e, const struct metric_def *m, double v)
{
	const char *key = "max";
	double lim = v;
	int err = emit_start(e, true, true) || emit_scalar(e, "value", true) || emit_number(e, v);

	switch (m->rule) {
	case RULE_SIZE:
		err = err || emit_scalar(e, "tolerance", true) || emit_scalar(e, "10%", true);
		return err || emit_end(e, true) ? -EIO : 0;
	case RULE_MORE_WORSE:
		lim = ceil(1.25 * v) + 2;
		break;
	case RULE_RATIO:
		lim = ceil((1.25 * v + 0.001) * 1e6) / 1e6;
		break;
	case RULE_LESS_WORSE:
		key = "min";
		lim = floor(0.8 * v);
		break;
	case RULE_ZERO:
		break;
	case RULE_LATENCY:
		lim = 4 * v + 3;
		break;
	case RULE_NONE:
		return err || emit_end(e, true) ? -EIO : 0;
	}
	/* a figure near DBL_MAX must not make a limit of inf, which no
	 * baseline may hold */
	if (!isfinite(lim))
		lim = DBL_MAX;
	err = err || emit_scalar(e, key, true) || emit_number(e, lim);
	return err || emit_end(e, true) ? -EIO : 0;
}

static int emit_recorded(yaml_emitter_t *e, const json_t *report)
{
	const json_t *argv = json_object_get(json_object_get(report, "target"), "argv");
	const char *kernel = json_string_value(json_object_get(report, "kernel"));
	const char *mode = json_string_value(json_object_get(json_object_get(report, "modes"),
							     "faults"));
	char date[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;
	int err;

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	err = emit_scalar(e, "recorded", true) || emit_start(e, true, false) ||
	      emit_scalar(e, "date", true) || emit_scalar(e, date, false);
	if (kernel)
		err = err || emit_scalar(e, "kernel", true) || emit_scalar(e, kernel, false);
	if (mode)
		err = err || emit_scalar(e, "mode", true) || emit_scalar(e, mode, false);
	/* what the cgroups' paths are at: check's --cgroup-depth */
	if (json_is_integer(json_object_get(json_object_get(report, "cgroups"), "depth")))
		err = err || emit_scalar(e, "cgroup_depth", true) ||
		      emit_number(e, (double)json_integer_value(json_object_get(
				      json_object_get(report, "cgroups"), "depth")));
	if (json_is_array(argv)) {
		err = err || emit_scalar(e, "command", true) || emit_start(e, false, true);
		for (i = 0; i < json_array_size(argv); i++) {
			const char *a = json_string_value(json_array_get(argv, i));

			err = err || emit_scalar(e, a ? a : "", false);
		}
		err = err || emit_end(e, false);
	}
	return err || emit_end(e, true) ? -EIO : 0;
}

/* how many of a cgroup row's metrics baseline_record() writes: 0 for a row
 * it leaves out (other, a removed cgroup's, a path given twice) */
static int cgroup_recordable(const json_t *rows, const json_t *row)
{
	const char *name = json_string_value(json_object_get(row, "cgroup"));
	int n = 0;
	size_t i;
	double v;

	if (!name || !strcmp(name, "other") || !cgroup_name_ok(name) ||
	    find_row(rows, name) != row)
		return 0;
	for (i = 0; i < cgroup_metric_count(); i++)
		n += cgroup_metric_at(i)->rule != RULE_NONE &&
		     !metric_value(row, cgroup_metric_at(i), &v);
	return n;
}

/* the cgroups section: each recordable row's metrics; the rule's metrics
 * that a row lacks are added to skipped, once each */
static int emit_cgroups(yaml_emitter_t *e, const json_t *report, int *n, char *skipped,
			size_t skippedlen, size_t *used)
{
	const json_t *rows = json_object_get(json_object_get(report, "cgroups"), "rows"), *row;
	bool *missing = calloc(cgroup_metric_count(), sizeof(*missing));
	bool any = false;
	size_t i, k;
	int err = !missing;
	double v;

	json_array_foreach(rows, i, row)
		any = any || cgroup_recordable(rows, row);
	if (!any || err) {
		free(missing);
		return err ? -ENOMEM : 0;
	}
	err = emit_scalar(e, "cgroups", true) || emit_start(e, true, false);
	json_array_foreach(rows, i, row) {
		if (err || !cgroup_recordable(rows, row))
			continue;
		err = emit_text(e, json_string_value(json_object_get(row, "cgroup"))) ||
		      emit_start(e, true, false);
		for (k = 0; !err && k < cgroup_metric_count(); k++) {
			const struct metric_def *m = cgroup_metric_at(k);

			if (m->rule == RULE_NONE)
				continue;
			if (metric_value(row, m, &v)) {
				missing[k] = true;
				continue;
			}
			err = emit_scalar(e, m->name, true) || emit_limit(e, m, v);
			(*n)++;
		}
		err = err || emit_end(e, true);
	}
	for (k = 0; skipped && k < cgroup_metric_count(); k++) {
		const char *name = cgroup_metric_at(k)->name;

		if (missing[k] && *used + strlen(name) + 20 < skippedlen)
			*used += snprintf(skipped + *used, skippedlen - *used, "%sa cgroup's %s",
					  *used ? ", " : "", name);
	}
	free(missing);
	return err || emit_end(e, true) ? -EIO : 0;
}

int baseline_record(FILE *out, const json_t *report, char *skipped, size_t skippedlen)
{
	yaml_emitter_t e;
	yaml_event_t ev;
	size_t i, used = 0;
	int n = 0, err;
	double v;

	if (skipped && skippedlen)
		skipped[0] = '\0';
	fprintf(out, "# mmretry baseline: the limits `mmretry check` holds a workload to.\n"
		"# Recorded by `mmretry baseline`; edit it by hand. Each metric is a path\n"
		"# into `mmretry stat --json`'s report (or retries_per_fault) with its\n"
		"# recorded value and a max, a min, or a tolerance (docs/baseline.md).\n");
	if (fflush(out))
		return -EIO;
	if (!yaml_emitter_initialize(&e))
		return -ENOMEM;
	yaml_emitter_set_output_file(&e, out);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, 100);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	err = emit(&e, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	err = err || emit(&e, &ev) || emit_start(&e, true, false) ||
	      emit_scalar(&e, "mmretry_baseline", true) || emit_number(&e, BASELINE_VERSION) ||
	      emit_recorded(&e, report) ||
	      emit_scalar(&e, "metrics", true) || emit_start(&e, true, false);
	for (i = 0; !err && i < metric_count(); i++) {
		const struct metric_def *m = metric_at(i);

		if (m->rule == RULE_NONE)
			continue;
		if (metric_value(report, m, &v)) {
			if (skipped && used + strlen(m->name) + 3 < skippedlen)
				used += snprintf(skipped + used, skippedlen - used, "%s%s",
						 used ? ", " : "", m->name);
			continue;
		}
		err = emit_scalar(&e, m->name, true) || emit_limit(&e, m, v);
		n++;
	}
	err = err || emit_end(&e, true) ||
	      emit_cgroups(&e, report, &n, skipped, skippedlen, &used) || emit_end(&e, true);
	yaml_document_end_event_initialize(&ev, 1);
	err = err || emit(&e, &ev);
	yaml_stream_end_event_initialize(&ev);
	err = err || emit(&e, &ev) || !yaml_emitter_flush(&e);
	yaml_emitter_delete(&e);
	if (err || fflush(out) || ferror(out))
		return -EIO;
	return n;
}

/* ---- reports ---- */

#define STAT_SCHEMA "mmretry.stat/1"

int report_parse(const char *buf, size_t len, const char *name, json_t **out, char *err,
		 size_t errlen)
{
	json_error_t je;
	const char *schema;
	json_t *j;

	*out = NULL;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		snprintf(err, errlen, "%s:%d: %s", name, je.line > 0 ? je.line : 1, je.text);
		one_line(err);
		return -EINVAL;
	}
	schema = json_string_value(json_object_get(j, "schema"));
	if (!json_is_object(j) || !schema) {
		snprintf(err, errlen, "%s:1: not an mmretry report (no \"schema\")", name);
		json_decref(j);
		return -EINVAL;
	}
	if (strcmp(schema, STAT_SCHEMA)) {
		snprintf(err, errlen, "%s:1: unsupported report schema '%.40s' (this mmretry "
			 "reads %s)", name, schema, STAT_SCHEMA);
		one_line(err);
		json_decref(j);
		return -EINVAL;
	}
	*out = j;
	return 0;
}

int report_load(const char *path, json_t **out, char *err, size_t errlen)
{
	size_t len;
	char *buf = read_file(path, 64u << 20, &len);
	int ret;

	*out = NULL;
	if (!buf) {
		ret = -errno;
		snprintf(err, errlen, "cannot read report '%s': %s", path, strerror(errno));
		return ret;
	}
	ret = report_parse(buf, len, path, out, err, errlen);
	free(buf);
	return ret;
}

static const json_t *cgroup_rows(const json_t *report)
{
	const json_t *rows = json_object_get(json_object_get(report, "cgroups"), "rows");

	return json_is_array(rows) ? rows : NULL;
}

size_t report_compare_max(const json_t *a, const json_t *b)
{
	return metric_count() + cgroup_metric_count() *
	       (json_array_size(cgroup_rows(a)) + json_array_size(cgroup_rows(b)));
}

/* the cgroup rows' metrics: a's rows, then those only b has; a cgroup
 * without a row on one side is n/a there */
static size_t compare_cgroups(const json_t *a, const json_t *b, struct compare_row *rows)
{
	const json_t *ra = cgroup_rows(a), *rb = cgroup_rows(b), *side[2] = { ra, rb }, *row;
	size_t s, i, k, n = 0;

	for (s = 0; s < 2; s++)
		json_array_foreach(side[s], i, row) {
			const char *name = json_string_value(json_object_get(row, "cgroup"));
			const json_t *x, *y;

			/* a removed cgroup (null) has no name to match; a name once */
			if (!name || find_row(side[s], name) != row || (s && ra && find_row(ra, name)))
				continue;
			x = ra ? find_row(ra, name) : NULL;
			y = rb ? find_row(rb, name) : NULL;
			for (k = 0; k < cgroup_metric_count(); k++) {
				struct compare_row *r = &rows[n];

				r->m = cgroup_metric_at(k);
				r->cgroup = name;
				r->a_ok = x && !metric_value(x, r->m, &r->a);
				r->b_ok = y && !metric_value(y, r->m, &r->b);
				if (r->a_ok || r->b_ok)
					n++;
			}
		}
	return n;
}

size_t report_compare(const json_t *a, const json_t *b, struct compare_row *rows)
{
	size_t i, n = 0;

	for (i = 0; i < metric_count(); i++) {
		struct compare_row *r = &rows[n];

		r->m = metric_at(i);
		r->cgroup = NULL;
		r->a_ok = !metric_value(a, r->m, &r->a);
		r->b_ok = !metric_value(b, r->m, &r->b);
		if (r->a_ok || r->b_ok)
			n++;
	}
	return n + compare_cgroups(a, b, rows + n);
}

const char *compare_row_name(const struct compare_row *r, char *buf, size_t len)
{
	const struct limit l = { .m = r->m, .cgroup = r->cgroup };

	return limit_name(&l, buf, len);
}
