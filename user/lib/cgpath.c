// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* lib/cgpath.c: cgroup v2 ids as paths (cgpath.h). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

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

int cgroup_open(const char *path)
{
	char buf[8192], root[4096];
	struct statfs sfs;
	int fd;

	if (path[0] != '/') {
		if (cgroup2_mount(root, sizeof(root)))
			return -ENOENT;
		snprintf(buf, sizeof(buf), "%s/%s", root, path);
		path = buf;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		close(fd);
		return -ENOTDIR;
	}
	return fd;
}

/* path's cgroup id: its directory's inode; "/x" is tried on the cgroup2
 * mount when no such directory is one (the reports' form) */
static int cgroup_id(const char *path, uint64_t *id)
{
	struct stat st;
	int fd = cgroup_open(path), alt;

	if (fd < 0 && path[0] == '/') {
		alt = cgroup_open(path[1] ? path + 1 : ".");
		/* a directory, not a cgroup's, says so rather than ENOENT */
		if (alt >= 0 || fd != -ENOTDIR)
			fd = alt;
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	*id = st.st_ino;
	return 0;
}

int cgroup_trees_add(struct cgroup_trees *t, char *list, char *err, size_t errlen)
{
	char *save = NULL, *p;
	uint64_t id = 0;
	uint32_t i;
	int ret;

	for (p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		ret = cgroup_id(p, &id);
		if (ret) {
			snprintf(err, errlen, "cannot use cgroup '%s': %s", p,
				 ret == -ENOTDIR ? "not a cgroup v2 directory" : strerror(-ret));
			return ret;
		}
		for (i = 0; i < t->n && t->id[i] != id; i++)
			;
		if (i < t->n)
			continue;	/* listed already */
		if (t->n == CGROUP_TREES_MAX) {
			snprintf(err, errlen, "more than %d cgroups for --cgroup-tree",
				 CGROUP_TREES_MAX);
			return -E2BIG;
		}
		t->path[t->n] = p;
		t->id[t->n++] = id;
	}
	if (!t->n) {
		snprintf(err, errlen, "no cgroup in --cgroup-tree '%s'", list);
		return -EINVAL;
	}
	return 0;
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
