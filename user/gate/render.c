// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * render.c: the CI gate's outputs (render.h): check's table, JSON and
 * JUnit XML, compare's table and JSON, the metric list.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "gate/render.h"
#include "lib/util.h"	/* fmt_ns, fmt_tail */
#include "report/render.h"	/* json_bytes */

static const char *const verdict_names[] = {
	[VERDICT_PASS] = "pass", [VERDICT_FAIL] = "fail", [VERDICT_UNAVAILABLE] = "unavailable",
};

/* a value in its unit: durations readable, counts whole, ratios to 4 places */
static const char *fmt_metric(char *buf, size_t len, const struct metric_def *m, double v)
{
	if (isinf(v))
		snprintf(buf, len, "%s", v < 0 ? "-inf" : "inf");
	else if (m->unit == MU_NS && v >= 0 && v < 1e19)
		fmt_ns(buf, len, (uint64_t)llround(v));
	else if (m->unit == MU_RATIO)
		snprintf(buf, len, v != 0 && fabs(v) < 0.001 ? "%.3g" : "%.4f", v);
	else if ((v == floor(v) || fabs(v) >= 100) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);	/* a bound like 90052.2 reads as a count */
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

static const char *fmt_change(char *buf, size_t len, double a, double b)
{
	double c = relative_change(a, b);

	if (isnan(c))
		snprintf(buf, len, "new");
	else
		snprintf(buf, len, "%+.1f%%", 100 * c);
	return buf;
}

static const char *fmt_limit(char *buf, size_t len, const struct check_row *r)
{
	char lo[32], hi[32];
	const struct metric_def *m = r->l->m;

	if (isinf(r->lo))
		snprintf(buf, len, "<= %s", fmt_metric(hi, sizeof(hi), m, r->hi));
	else if (isinf(r->hi))
		snprintf(buf, len, ">= %s", fmt_metric(lo, sizeof(lo), m, r->lo));
	else if (r->lo == r->hi)
		snprintf(buf, len, "= %s", fmt_metric(lo, sizeof(lo), m, r->lo));
	else
		snprintf(buf, len, "%s..%s", fmt_metric(lo, sizeof(lo), m, r->lo),
			 fmt_metric(hi, sizeof(hi), m, r->hi));
	return buf;
}

static size_t name_width(size_t w, const char *name)
{
	return strlen(name) > w ? strlen(name) : w;
}

/*
 * The table: the run's metrics, then each cgroup's under a line naming it
 * (its path's end, if it is too long for 80 columns), its metrics
 * indented, so that a cgroup's rows are as wide as the run's.
 */
void print_check_text(FILE *out, const char *baseline, const struct check_row *rows,
			     size_t n, enum verdict worst)
{
	size_t i, w = 6, nfail = 0, nna = 0;
	const char *cgroup = NULL;
	char b[4][48], path[CGROUP_NAME_MAX], name[METRIC_NAME_MAX + CGROUP_NAME_MAX];

	for (i = 0; i < n; i++) {
		size_t len = strlen(rows[i].l->m->name) + (rows[i].l->cgroup ? 2 : 0);

		w = len > w ? len : w;
		nfail += rows[i].verdict == VERDICT_FAIL;
		nna += rows[i].verdict == VERDICT_UNAVAILABLE;
	}
	if (worst == VERDICT_PASS)
		fprintf(out, "mmretry check: ok: %zu metrics within their limits (%s)\n", n, baseline);
	else
		fprintf(out, "mmretry check: %s: %zu of %zu metrics outside their limits, %zu "
			"unavailable (%s)\n", worst == VERDICT_FAIL ? "FAIL" : "UNAVAILABLE",
			nfail, n, nna, baseline);
	fprintf(out, "\n  %-*s %12s %12s %22s %8s  %s\n", (int)w, "metric", "baseline",
		"measured", "limit", "change", "verdict");
	for (i = 0; i < n; i++) {
		const struct check_row *r = &rows[i];
		const struct metric_def *m = r->l->m;
		bool have = r->verdict != VERDICT_UNAVAILABLE;

		if (r->l->cgroup && r->l->cgroup != cgroup)
			fprintf(out, "  %s:\n", fmt_tail(path, sizeof(path), r->l->cgroup, 80 - 3));
		cgroup = r->l->cgroup;
		snprintf(name, sizeof(name), "%s%s", cgroup ? "  " : "", m->name);
		fprintf(out, "  %-*s %12s %12s %22s %8s  %s\n", (int)w, name,
			r->l->has_value ? fmt_metric(b[0], sizeof(b[0]), m, r->l->value) : "-",
			have ? fmt_metric(b[1], sizeof(b[1]), m, r->measured) :
			r->no_row ? "no row" : "n/a",
			fmt_limit(b[2], sizeof(b[2]), r),
			have && r->l->has_value ? fmt_change(b[3], sizeof(b[3]), r->l->value,
							    r->measured) : "-",
			r->verdict == VERDICT_PASS ? "ok" :
			r->verdict == VERDICT_FAIL ? "FAIL" :
			r->no_row ? "n/a (no row)" : "n/a (unavailable here)");
	}
	if (nna)
		fprintf(out, "\nunavailable here:\n");
	for (i = 0; i < n; i++)
		if (rows[i].verdict == VERDICT_UNAVAILABLE)
			fprintf(out, "  %s\n    %s\n", fmt_tail(path, sizeof(path),
				limit_name(rows[i].l, name, sizeof(name)), 80 - 2), rows[i].why);
}

static json_t *num_or_null(bool have, double v)
{
	if (!have || !isfinite(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

json_t *check_json(const char *baseline, const json_t *report,
			  const struct check_row *rows, size_t n, enum verdict worst, int status)
{
	json_t *o = json_object(), *arr = json_array();
	char name[METRIC_NAME_MAX + CGROUP_NAME_MAX];
	size_t i;

	json_object_set_new(o, "schema", json_string("mmretry.check/1"));
	json_object_set_new(o, "baseline", json_string(baseline));
	json_object_set_new(o, "verdict", json_string(verdict_names[worst]));
	json_object_set_new(o, "exit_status", json_integer(status));
	json_object_set(o, "target", json_object_get(report, "target") ?
			json_object_get(report, "target") : json_null());
	json_object_set(o, "kernel", json_object_get(report, "kernel") ?
			json_object_get(report, "kernel") : json_null());
	json_object_set(o, "modes", json_object_get(report, "modes") ?
			json_object_get(report, "modes") : json_null());
	for (i = 0; i < n; i++) {
		const struct check_row *r = &rows[i];
		bool have = r->verdict != VERDICT_UNAVAILABLE;
		json_t *e = json_object();
		double c = have && r->l->has_value ? relative_change(r->l->value, r->measured) : NAN;

		json_object_set_new(e, "metric", json_bytes(limit_name(r->l, name, sizeof(name))));
		json_object_set_new(e, "cgroup", r->l->cgroup ? json_bytes(r->l->cgroup) : json_null());
		json_object_set_new(e, "unit", json_string(metric_unit_name(r->l->m->unit)));
		json_object_set_new(e, "baseline", num_or_null(r->l->has_value, r->l->value));
		json_object_set_new(e, "measured", num_or_null(have, r->measured));
		json_object_set_new(e, "min", num_or_null(!isinf(r->lo), r->lo));
		json_object_set_new(e, "max", num_or_null(!isinf(r->hi), r->hi));
		json_object_set_new(e, "change", isfinite(c) ? json_real(c) : json_null());
		json_object_set_new(e, "verdict", json_string(verdict_names[r->verdict]));
		json_object_set_new(e, "why", have ? json_null() : json_string(r->why));
		json_object_set_new(e, "line", json_integer(r->l->line));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "metrics", arr);
	return o;
}

/* JUnit XML (libxml2's writer, in memory, then to f): one test case per
 * metric; an unavailable metric is an error, never a skip. 0 or -EIO. */
int write_junit(FILE *f, const char *baseline, const struct check_row *rows,
		       size_t n, int command_status)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
	size_t i, nfail = 0, nerr = 0;
	char b[4][48], msg[768], num[32], name[METRIC_NAME_MAX + CGROUP_NAME_MAX];
	int rc = 0;

	if (!w) {
		xmlBufferFree(buf);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		nfail += rows[i].verdict == VERDICT_FAIL;
		nerr += rows[i].verdict == VERDICT_UNAVAILABLE;
	}
	nerr += command_status != 0;
	xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuites") < 0;
	rc |= xmlTextWriterStartElement(w, BAD_CAST "testsuite") < 0;
	snprintf(msg, sizeof(msg), "mmretry check %s", baseline);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST msg) < 0;
	snprintf(num, sizeof(num), "%zu", n + (command_status != 0));
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST num) < 0;
	snprintf(num, sizeof(num), "%zu", nfail);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "failures", BAD_CAST num) < 0;
	snprintf(num, sizeof(num), "%zu", nerr);
	rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST num) < 0;
	if (command_status) {
		rc |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST "mmretry.check") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "command") < 0;
		snprintf(msg, sizeof(msg), "the traced command failed (exit status %d)",
			 command_status);
		rc |= xmlTextWriterStartElement(w, BAD_CAST "error") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST msg) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	for (i = 0; i < n; i++) {
		const struct check_row *r = &rows[i];
		const struct metric_def *m = r->l->m;

		limit_name(r->l, name, sizeof(name));
		rc |= xmlTextWriterStartElement(w, BAD_CAST "testcase") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST "mmretry.check") < 0;
		rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name) < 0;
		if (r->verdict == VERDICT_FAIL) {
			snprintf(msg, sizeof(msg), "%s: measured %s, limit %s (baseline %s)", name,
				 fmt_metric(b[0], sizeof(b[0]), m, r->measured),
				 fmt_limit(b[1], sizeof(b[1]), r), r->l->has_value ?
				 fmt_metric(b[2], sizeof(b[2]), m, r->l->value) : "-");
			rc |= xmlTextWriterStartElement(w, BAD_CAST "failure") < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "regression") < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST msg) < 0;
			rc |= xmlTextWriterEndElement(w) < 0;
		} else if (r->verdict == VERDICT_UNAVAILABLE) {
			snprintf(msg, sizeof(msg), "%s is unavailable %s: %s", name,
				 r->no_row ? "in this report" : "with this kernel or mode", r->why);
			rc |= xmlTextWriterStartElement(w, BAD_CAST "error") < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "unavailable") < 0;
			rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST msg) < 0;
			rc |= xmlTextWriterEndElement(w) < 0;
		}
		rc |= xmlTextWriterEndElement(w) < 0;
	}
	rc |= xmlTextWriterEndDocument(w) < 0;	/* closes the open elements */
	xmlFreeTextWriter(w);	/* flushes into buf */
	rc |= fwrite(xmlBufferContent(buf), 1, xmlBufferLength(buf), f) !=
	      (size_t)xmlBufferLength(buf);
	xmlBufferFree(buf);
	return rc ? -EIO : 0;
}

void list_metrics(FILE *out)
{
	static const char *const rules[] = {
		[RULE_NONE] = "-", [RULE_SIZE] = "value +-10%",
		[RULE_MORE_WORSE] = "max ceil(1.25v)+2", [RULE_RATIO] = "max 1.25v+0.001",
		[RULE_LESS_WORSE] = "min floor(0.8v)", [RULE_ZERO] = "max v",
		[RULE_LATENCY] = "max 4v+3",
	};
	size_t i, w = 6;

	for (i = 0; i < metric_count(); i++)
		w = name_width(w, metric_at(i)->name);
	fprintf(out, "%-*s %-6s %s\n", (int)w, "metric", "unit", "recorded by `baseline` as");
	for (i = 0; i < metric_count(); i++) {
		const struct metric_def *m = metric_at(i);

		fprintf(out, "%-*s %-6s %s\n", (int)w, m->name, metric_unit_name(m->unit),
			rules[m->rule]);
	}
	fprintf(out, "\na cgroup's (cgroups: in a baseline, a row of stat --by cgroup):\n");
	for (i = 0; i < cgroup_metric_count(); i++) {
		const struct metric_def *m = cgroup_metric_at(i);

		fprintf(out, "%-*s %-6s %s\n", (int)w, m->name, metric_unit_name(m->unit),
			rules[m->rule]);
	}
}

json_t *compare_json(const char *a, const char *b, const struct compare_row *rows,
		     size_t n)
{
	json_t *j = json_object(), *arr = json_array();
	char name[METRIC_NAME_MAX + CGROUP_NAME_MAX];
	size_t i;

	json_object_set_new(j, "schema", json_string("mmretry.compare/1"));
	json_object_set_new(j, "a", json_string(a));
	json_object_set_new(j, "b", json_string(b));
	for (i = 0; i < n; i++) {
		const struct compare_row *r = &rows[i];
		double c = r->a_ok && r->b_ok ? relative_change(r->a, r->b) : NAN;
		json_t *e = json_object();

		json_object_set_new(e, "metric", json_bytes(compare_row_name(r, name, sizeof(name))));
		json_object_set_new(e, "cgroup", r->cgroup ? json_bytes(r->cgroup) : json_null());
		json_object_set_new(e, "unit", json_string(metric_unit_name(r->m->unit)));
		json_object_set_new(e, "a", num_or_null(r->a_ok, r->a));
		json_object_set_new(e, "b", num_or_null(r->b_ok, r->b));
		json_object_set_new(e, "diff", num_or_null(r->a_ok && r->b_ok, r->b - r->a));
		json_object_set_new(e, "change", isfinite(c) ? json_real(c) : json_null());
		json_array_append_new(arr, e);
	}
	json_object_set_new(j, "metrics", arr);
	return j;
}

/* compare's cells, formatted first: the columns as wide as their widest */
struct compare_cells {
	char name[METRIC_NAME_MAX + CGROUP_NAME_MAX];
	char v[4][32];		/* A, B, B - A, change */
};

int print_compare_text(FILE *out, const char *a, const char *b,
		       const struct compare_row *rows, size_t n)
{
	static const char *const heads[4] = { "A", "B", "B - A", "change" };
	struct compare_cells *c = calloc(n ? n : 1, sizeof(*c));
	size_t i, k, w = 6, cw[4], rest;
	char buf[32], line[METRIC_NAME_MAX + CGROUP_NAME_MAX];

	if (!c)
		return -ENOMEM;
	for (k = 0; k < 4; k++)
		cw[k] = strlen(heads[k]);
	for (i = 0; i < n; i++) {
		const struct compare_row *r = &rows[i];
		bool both = r->a_ok && r->b_ok;
		double d = r->b - r->a;

		snprintf(c[i].v[0], sizeof(c[i].v[0]), "%s",
			 r->a_ok ? fmt_metric(buf, sizeof(buf), r->m, r->a) : "n/a");
		snprintf(c[i].v[1], sizeof(c[i].v[1]), "%s",
			 r->b_ok ? fmt_metric(buf, sizeof(buf), r->m, r->b) : "n/a");
		if (both)	/* signed, in the metric's unit */
			snprintf(c[i].v[2], sizeof(c[i].v[2]), "%s%s", d < 0 ? "-" : "+",
				 fmt_metric(buf, sizeof(buf), r->m, fabs(d)));
		else
			snprintf(c[i].v[2], sizeof(c[i].v[2]), "-");
		snprintf(c[i].v[3], sizeof(c[i].v[3]), "%s",
			 both ? fmt_change(buf, sizeof(buf), r->a, r->b) : "-");
		for (k = 0; k < 4; k++)
			if (strlen(c[i].v[k]) > cw[k])
				cw[k] = strlen(c[i].v[k]);
		compare_row_name(r, c[i].name, sizeof(c[i].name));
		w = name_width(w, c[i].name);
	}
	/* 80 columns: a name longer than its column gets a line of its own */
	rest = 2 + 4 + cw[0] + cw[1] + cw[2] + cw[3];
	if (w + rest > 80)
		w = rest < 80 - 12 ? 80 - rest : 12;
	fprintf(out, "mmretry compare: A %s, B %s\n\n", a, b);
	fprintf(out, "  %-*s %*s %*s %*s %*s\n", (int)w, "metric", (int)cw[0], heads[0],
		(int)cw[1], heads[1], (int)cw[2], heads[2], (int)cw[3], heads[3]);
	for (i = 0; i < n; i++) {
		const char *name = c[i].name;

		if (strlen(name) > w) {	/* a cgroup's long path keeps its end */
			fprintf(out, "  %s\n", fmt_tail(line, sizeof(line), name, 80 - 2));
			name = "";
		}
		fprintf(out, "  %-*s %*s %*s %*s %*s\n", (int)w, name, (int)cw[0], c[i].v[0],
			(int)cw[1], c[i].v[1], (int)cw[2], c[i].v[2], (int)cw[3], c[i].v[3]);
	}
	free(c);
	return 0;
}
