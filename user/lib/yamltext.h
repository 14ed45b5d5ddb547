/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* yamltext.h: what the YAML readers (baselines, model scenarios) share. */
#ifndef MMRETRY_YAMLTEXT_H
#define MMRETRY_YAMLTEXT_H

#include <yaml.h>

/* A scalar node's text; NULL for another node, or a scalar holding a NUL
 * (an escaped "\0" would cut the text short) */
const char *yaml_text(const yaml_node_t *n);

/* One line, whatever the input quoted into s: control bytes become '?' */
void one_line(char *s);

/* Where a YAML reader is, for its errors: the document, the file's name,
 * and where the message goes. */
struct yaml_where {
	yaml_document_t *doc;
	const char *name;
	char *err;
	size_t errlen;
};

/* buf as one YAML document in *doc (yaml_document_delete() it), w->doc set:
 * 0, or -EINVAL / -ENOMEM with "NAME:LINE: what" in w->err (text with a NUL
 * byte, malformed YAML, a second document). */
int yaml_load_one(const char *buf, size_t len, struct yaml_where *w, yaml_document_t *doc);

/* "NAME:LINE: message" (the node's line; 1 without one) in w->err, on one
 * line. -EINVAL. */
int yaml_fail(const struct yaml_where *w, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
