/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rows.bpf.h: the rows of `top`, `stat --proc-latency` and the cgroup
 * breakdown (`--by cgroup`): proc_counters, keyed by tgid or by cgroup id,
 * and which cgroups get a row of their own. Included by faults.bpf.c,
 * which owns the maps, and by mmap_lock.bpf.c, which user space points at
 * the same maps (bpf_map__reuse_fd) when its rows are cgroups: one
 * registry decides which cgroups have rows and which are folded into
 * MMR_CGROUP_OTHER's, so "other" is the same cgroups in every family.
 */
#ifndef MMRETRY_ROWS_BPF_H
#define MMRETRY_ROWS_BPF_H

#include "faults.h"

/* the rows are cgroups, not processes: the task's cgroup (v2), or its
 * ancestor at cgroup_level (the root is level 0) if it is that deep */
const volatile __u8 rows_by_cgroup = 0;
const volatile __u32 cgroup_level = 0;
/* or (--cgroup-tree) the deepest of the cgroups in cgroup_trees the task
 * is in, the root if none */
const volatile __u8 cgroup_by_tree = 0;

/* --cgroup-tree's cgroups (ids); sized by user space */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u64);
	__type(value, __u8);
} cgroup_trees SEC(".maps");

/* levels below the root a --cgroup-tree cgroup is looked for at (cgroup v2
 * nests deeper only by configuration: CGROUPS_DEPTH_LIMIT) */
#define MMR_CGROUP_LEVELS 64

/* sized to 1 by user space unless it keeps rows; by cgroup, to
 * --max-cgroups + 1 (MMR_CGROUP_OTHER's row) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, MMR_PROC_MAX);
	__type(key, __u64);	/* tgid, or cgroup id (rows_by_cgroup) */
	__type(value, struct mmr_proc_counters);
} proc_counters SEC(".maps");

/* by cgroup: the cgroups whose figures went to MMR_CGROUP_OTHER's row, to
 * count them once each (in proc_lost) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MMR_CGROUP_FOLDED_MAX);
	__type(key, __u64);
	__type(value, __u8);
} cgroups_folded SEC(".maps");

/* processes proc_counters had no room for, or (by cgroup) the cgroups
 * folded, per CPU */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} proc_lost SEC(".maps");

static struct mmr_proc_counters zero_proc;

/*
 * The current task's cgroup row key: its cgroup's id, or its ancestor's at
 * cgroup_level if the task is that deep (a shallower task keeps its own),
 * or (cgroup_by_tree) the deepest listed cgroup it is in.
 * Called for the current task only (both helpers read current's cgroup).
 */
static __always_inline __u64 cgroup_row_key(void)
{
	__u64 id, key;

	if (cgroup_by_tree) {
		/* from the root down the task's own ancestry, one lookup a
		 * level: the deepest listed one wins */
		key = bpf_get_current_ancestor_cgroup_id(0);
		for (int level = 1; level < MMR_CGROUP_LEVELS; level++) {
			id = bpf_get_current_ancestor_cgroup_id(level);
			if (!id)
				break;	/* below the task's own cgroup */
			if (bpf_map_lookup_elem(&cgroup_trees, &id))
				key = id;
		}
		return key;
	}
	id = cgroup_level ? bpf_get_current_ancestor_cgroup_id(cgroup_level) : 0;
	return id ? id : bpf_get_current_cgroup_id();
}

/* By cgroup, with the map full: the other cgroups' row, and the cgroup
 * counted once among those folded into it (proc_lost counts them). */
static __always_inline struct mmr_proc_counters *folded_row(__u64 key)
{
	__u64 other = MMR_CGROUP_OTHER, *n;
	__u32 zero = 0;
	__u8 one = 1;

	if (!bpf_map_update_elem(&cgroups_folded, &key, &one, BPF_NOEXIST)) {
		n = bpf_map_lookup_elem(&proc_lost, &zero);
		if (n)
			*n += 1;
	}
	return bpf_map_lookup_elem(&proc_counters, &other);
}

/*
 * key's row, made on its first event (*made then); NULL with the map full.
 * One lookup once the row exists.
 */
static __always_inline struct mmr_proc_counters *row_of(__u64 key, bool *made)
{
	struct mmr_proc_counters *p = bpf_map_lookup_elem(&proc_counters, &key);

	*made = false;
	if (p)
		return p;
	/* not made here: the map is full, or another CPU made it meanwhile */
	*made = !bpf_map_update_elem(&proc_counters, &key, &zero_proc, BPF_NOEXIST);
	return bpf_map_lookup_elem(&proc_counters, &key);
}

/*
 * The row of cgroup key, made on its first event while there is room,
 * else MMR_CGROUP_OTHER's; *row says which (key or MMR_CGROUP_OTHER).
 */
static __always_inline struct mmr_proc_counters *cgroup_row(__u64 key, __u64 *row)
{
	struct mmr_proc_counters *p;
	bool made;

	*row = key;
	p = row_of(key, &made);
	if (p)
		return p;
	*row = MMR_CGROUP_OTHER;
	return folded_row(key);
}

#endif /* MMRETRY_ROWS_BPF_H */
