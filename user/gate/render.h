/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * render.h: what the CI gate prints (docs/baseline.md): check's verdicts
 * as an 80-column table, as JSON (mmretry.check/1) and as JUnit XML;
 * compare's table and JSON (mmretry.compare/1); the metric catalogue.
 */
#ifndef MMRETRY_GATE_RENDER_H
#define MMRETRY_GATE_RENDER_H

#include <stdio.h>
#include <jansson.h>

#include "gate/baseline.h"

void print_check_text(FILE *out, const char *baseline, const struct check_row *rows,
		      size_t n, enum verdict worst);
json_t *check_json(const char *baseline, const json_t *report,
		   const struct check_row *rows, size_t n, enum verdict worst, int status);
/* one test case per metric; an unavailable metric is an error, never a
 * skip. 0 or -EIO. */
int write_junit(FILE *f, const char *baseline, const struct check_row *rows,
		size_t n, int command_status);
void list_metrics(FILE *out);
json_t *compare_json(const char *a, const char *b, const struct compare_row *rows, size_t n);
/* 80 columns; 0 or -ENOMEM */
int print_compare_text(FILE *out, const char *a, const char *b,
		       const struct compare_row *rows, size_t n);

#endif
