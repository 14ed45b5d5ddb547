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

#endif
