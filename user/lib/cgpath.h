/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * cgpath.h: cgroup v2 ids as paths. A cgroup's id (what the BPF helpers
 * bpf_get_current_cgroup_id() and bpf_get_current_ancestor_cgroup_id()
 * return) is its directory's inode number on the cgroup2 mount, so one walk
 * of the mount names every cgroup there is: user space walks it when it
 * meets ids it cannot name yet, and a cgroup removed before that keeps its
 * id (stat --by cgroup says so).
 */
#ifndef MMRETRY_CGPATH_H
#define MMRETRY_CGPATH_H

#include <stddef.h>
#include <stdint.h>

/* Where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified
 * on hybrid hosts), from /proc/self/mounts. 0 or -errno (-ENOENT: none). */
int cgroup2_mount(char *buf, size_t len);

/* Open a cgroup v2 directory: absolute, or relative to the cgroup2 mount.
 * A descriptor, or -errno (-ENOTDIR: not on a cgroup2 mount). */
int cgroup_open(const char *path);

/*
 * --cgroup-tree: listed cgroups, each counting its subtree. A task counts
 * in the deepest listed cgroup it is in, and in the root's row if it is in
 * none (bpf/rows.bpf.h).
 */
#define CGROUP_TREES_MAX 64
struct cgroup_trees {
	uint32_t n;
	uint64_t id[CGROUP_TREES_MAX];		/* their ids (directory inode numbers) */
	const char *path[CGROUP_TREES_MAX];	/* as given (the argument's, kept) */
};
/*
 * Add list's cgroups (comma-separated paths: as the reports print them,
 * "/system.slice/nginx.service", relative to the cgroup2 mount, or the
 * directory's own absolute path); list is split in place. 0, or -errno
 * with err saying which path and why.
 */
int cgroup_trees_add(struct cgroup_trees *t, char *list, char *err, size_t errlen);

struct cgpaths;

struct cgpaths *cgpaths_new(const char *root);
/* The cgroup2 mount's (cgroup2_mount()), walked once; NULL if there is none
 * (every lookup is then NULL). */
struct cgpaths *cgpaths_open(void);
void cgpaths_free(struct cgpaths *c);
/* Walk root again, adding the cgroups made since (a removed one keeps its
 * name). Cgroups known, or -errno if root cannot be read. */
int cgpaths_scan(struct cgpaths *c);
/* id's path from the mount ("/" for the root, "/system.slice/x.service"),
 * or NULL if no walk has seen it. */
const char *cgpaths_name(const struct cgpaths *c, uint64_t id);
/* cgpaths_name(), walking root again first if it is not known yet; an id
 * such a walk did not find is not walked for again */
const char *cgpaths_lookup(struct cgpaths *c, uint64_t id);

#endif
