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
