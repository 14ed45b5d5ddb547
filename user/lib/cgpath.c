// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/cgpath.c: cgroup v2 ids as paths (cgpath.h). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cgpath.h"
#include "lib/util.h"	/* array_push() */

struct cgpath {
	uint64_t id;
	char *path;
};

struct cgpaths {
	char *root;
	struct cgpath *v;
	size_t n, cap;
	/* ids a walk made for them did not find: removed before it, and never
	 * back (cgroup ids are not reused), so not walked for again */
	uint64_t *gone;
	size_t ngone, capgone;
};

int cgroup2_mount(char *buf, size_t len)
{
	char dev[256], dir[4096], type[64];
	FILE *fp = fopen("/proc/self/mounts", "r");
	int found = -ENOENT;

	if (!fp)
		return -errno;
	while (fscanf(fp, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (!strcmp(type, "cgroup2")) {
			snprintf(buf, len, "%s", dir);
			found = 0;
			break;
		}
	}
	fclose(fp);
	return found;
}

struct cgpaths *cgpaths_new(const char *root)
{
	struct cgpaths *c = calloc(1, sizeof(*c));

	if (!c || !(c->root = strdup(root))) {
		free(c);
		return NULL;
	}
	return c;
}

struct cgpaths *cgpaths_open(void)
{
	struct cgpaths *c;
	char root[4096];

	if (cgroup2_mount(root, sizeof(root)) || !(c = cgpaths_new(root)))
		return NULL;
	cgpaths_scan(c);
	return c;
}

void cgpaths_free(struct cgpaths *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++)
		free(c->v[i].path);
	free(c->v);
	free(c->gone);
	free(c->root);
	free(c);
}

const char *cgpaths_name(const struct cgpaths *c, uint64_t id)
{
	size_t i;

	for (i = 0; c && i < c->n; i++)
		if (c->v[i].id == id)
			return c->v[i].path;
	return NULL;
}

/* nftw() passes no context: the walk in progress (one at a time) */
static struct cgpaths *walking;
static int walk_err;

static int add(const char *fpath, const struct stat *sb, int type, struct FTW *ftw)
{
	struct cgpaths *c = walking;
	size_t rootlen = strlen(c->root);
	const char *rel = fpath + rootlen;
	struct cgpath *v;
	char *path;

	(void)ftw;
	if (type != FTW_D || cgpaths_name(c, sb->st_ino))
		return 0;
	path = strdup(*rel ? rel : "/");
	v = path ? array_push((void **)&c->v, &c->n, &c->cap, sizeof(*v)) : NULL;
	if (!v) {
		free(path);
		walk_err = -ENOMEM;
		return 1;
	}
	v->id = sb->st_ino;
	v->path = path;
	return 0;
}

int cgpaths_scan(struct cgpaths *c)
{
	int ret;

	walking = c;
	walk_err = 0;
	/* a cgroup removed during the walk is skipped, not an error */
	ret = nftw(c->root, add, 16, FTW_PHYS | FTW_MOUNT);
	walking = NULL;
	if (walk_err)
		return walk_err;
	if (ret < 0)
		return -errno;
	return (int)c->n;
}

const char *cgpaths_lookup(struct cgpaths *c, uint64_t id)
{
	const char *name = cgpaths_name(c, id);
	size_t i;

	if (name || !c)
		return name;
	for (i = 0; i < c->ngone; i++)
		if (c->gone[i] == id)
			return NULL;
	if (cgpaths_scan(c) >= 0 && !(name = cgpaths_name(c, id))) {
		uint64_t *g = array_push((void **)&c->gone, &c->ngone, &c->capgone, sizeof(*g));

		if (g)
			*g = id;
	}
	return name;
}
