// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* procmaps.c: mapped files' paths from /proc/PID/maps (procmaps.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/procmaps.h"
#include "lib/util.h"

struct fname {
	uint32_t major, minor;
	uint64_t ino;
	char *path;
};

/* a (pid, file) whose maps was read without finding the file */
struct miss {
	uint32_t pid, major, minor;
	uint64_t ino;
};

struct file_names {
	struct fname *v;
	size_t n, cap;
	struct miss *miss;
	size_t nmiss, misscap;
};

/* "hex:hex" or a decimal number, up to a space; the end, or NULL */
static const char *hex_field(const char *p, uint64_t *v, int base)
{
	char *end;

	*v = strtoull(p, &end, base);
	return end == p ? NULL : end;
}

bool maps_line_file(const char *line, uint32_t *major, uint32_t *minor, uint64_t *ino,
		    const char **path, size_t *pathlen)
{
	const char *p = line;
	uint64_t maj, min, i;
	int field;

	/* skip START-END, PERMS, OFFSET */
	for (field = 0; field < 3; field++) {
		p = strchr(p, ' ');
		if (!p)
			return false;
		while (*p == ' ')
			p++;
	}
	p = hex_field(p, &maj, 16);
	if (!p || *p != ':')
		return false;
	p = hex_field(p + 1, &min, 16);
	if (!p || *p != ' ')
		return false;
	p = hex_field(p + 1, &i, 10);
	if (!p || !i || (*p != ' ' && *p != '\n' && *p))
		return false;
	while (*p == ' ')
		p++;
	if (!*p || *p == '\n')
		return false;
	*major = (uint32_t)maj;
	*minor = (uint32_t)min;
	*ino = i;
	*path = p;
	*pathlen = strcspn(p, "\n");
	return true;
}

struct file_names *file_names_new(void)
{
	return calloc(1, sizeof(struct file_names));
}

void file_names_free(struct file_names *fn)
{
	size_t i;

	if (!fn)
		return;
	for (i = 0; i < fn->n; i++)
		free(fn->v[i].path);
	free(fn->v);
	free(fn->miss);
	free(fn);
}

static struct fname *find(struct file_names *fn, uint32_t major, uint32_t minor, uint64_t ino)
{
	size_t i;

	for (i = 0; i < fn->n; i++)
		if (fn->v[i].ino == ino && fn->v[i].major == major && fn->v[i].minor == minor)
			return &fn->v[i];
	return NULL;
}

void file_names_add_maps(struct file_names *fn, const char *text)
{
	const char *line = text, *path;
	uint32_t major, minor;
	uint64_t ino;
	size_t len;

	for (; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		struct fname *f;

		if (!maps_line_file(line, &major, &minor, &ino, &path, &len) ||
		    find(fn, major, minor, ino))
			continue;
		f = array_push((void **)&fn->v, &fn->n, &fn->cap, sizeof(*f));
		if (!f)
			return;
		f->major = major;
		f->minor = minor;
		f->ino = ino;
		f->path = strndup(path, len);
		if (!f->path)
			fn->n--;
	}
}

const char *file_names_get(struct file_names *fn, uint32_t pid, uint32_t major,
			   uint32_t minor, uint64_t ino)
{
	struct fname *f;
	struct miss *m;
	char proc[32], *text;
	size_t i, len;

	if (!fn)
		return NULL;
	f = find(fn, major, minor, ino);
	if (f)
		return f->path;
	for (i = 0; i < fn->nmiss; i++) {
		m = &fn->miss[i];
		if (m->pid == pid && m->ino == ino && m->major == major && m->minor == minor)
			return NULL;
	}
	snprintf(proc, sizeof(proc), "/proc/%u/maps", pid);
	text = read_file(proc, 64 << 20, &len);
	if (text) {
		file_names_add_maps(fn, text);
		free(text);
	}
	f = find(fn, major, minor, ino);
	if (f)
		return f->path;
	m = array_push((void **)&fn->miss, &fn->nmiss, &fn->misscap, sizeof(*m));
	if (m)
		*m = (struct miss){ .pid = pid, .major = major, .minor = minor, .ino = ino };
	return NULL;
}
