// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/yamltext.h"

const char *yaml_text(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE ||
	    strlen((const char *)n->data.scalar.value) != n->data.scalar.length)
		return NULL;
	return (const char *)n->data.scalar.value;
}

void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int yaml_fail(const struct yaml_where *w, const yaml_node_t *at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(w->err, w->errlen, "%s:%lu: %s", w->name,
		 at ? (unsigned long)at->start_mark.line + 1 : 1UL, msg);
	one_line(w->err);
	return -EINVAL;
}

int yaml_load_one(const char *buf, size_t len, struct yaml_where *w, yaml_document_t *doc)
{
	yaml_document_t extra;
	yaml_parser_t parser;
	int ret = 0;

	if (memchr(buf, '\0', len)) {
		snprintf(w->err, w->errlen, "%s:1: not a text file (it holds a NUL byte)", w->name);
		return -EINVAL;
	}
	if (!yaml_parser_initialize(&parser)) {
		snprintf(w->err, w->errlen, "%s: out of memory", w->name);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, doc)) {
		snprintf(w->err, w->errlen, "%s:%lu: %s%s%s", w->name,
			 (unsigned long)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "malformed YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
		one_line(w->err);
		yaml_parser_delete(&parser);
		return -EINVAL;
	}
	w->doc = doc;
	/* a second document would be silently ignored: refuse it */
	if (!yaml_parser_load(&parser, &extra)) {
		ret = yaml_fail(w, NULL, "malformed YAML after the first document");
	} else {
		if (yaml_document_get_root_node(&extra))
			ret = yaml_fail(w, yaml_document_get_root_node(&extra),
					"more than one YAML document");
		yaml_document_delete(&extra);
	}
	yaml_parser_delete(&parser);
	if (ret)
		yaml_document_delete(doc);
	return ret;
}
