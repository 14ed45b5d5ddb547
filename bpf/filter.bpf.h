/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * filter.bpf.h: which tasks a capability traces. Every .bpf.c includes it
 * once; user space fills the maps and the read-only switches before load.
 */
#ifndef MMRETRY_FILTER_BPF_H
#define MMRETRY_FILTER_BPF_H

const volatile __u8 filter_tgids = 0;	/* only tgids in traced_tgids */
const volatile __u8 filter_cgroup = 0;	/* only tasks under cgroup_map[0] */
const volatile __u8 follow_forks = 0;	/* new processes of a traced tgid are traced */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);	/* tgid */
	__type(value, __u8);
} traced_tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_map SEC(".maps");

/* Is the current task in the traced cgroup (or is there no cgroup filter)? */
static __always_inline bool mmr_in_cgroup(void)
{
	return !filter_cgroup || bpf_current_task_under_cgroup(&cgroup_map, 0);
}

/* Is tgid one of the traced processes (or is there no tgid filter)? */
static __always_inline bool mmr_tgid_listed(__u32 tgid)
{
	return !filter_tgids || bpf_map_lookup_elem(&traced_tgids, &tgid);
}

static __always_inline bool mmr_traced(void)
{
	return mmr_in_cgroup() && mmr_tgid_listed(bpf_get_current_pid_tgid() >> 32);
}

/* A traced process's new processes are traced too (stat -- COMMAND). */
static __always_inline void mmr_follow_fork(struct task_struct *parent,
					    struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;

	if (!follow_forks || ptgid == ctgid)
		return;
	if (bpf_map_lookup_elem(&traced_tgids, &ptgid))
		bpf_map_update_elem(&traced_tgids, &ctgid, &one, BPF_ANY);
}

/* Forget a traced process when its last thread exits (signal->live is 0). */
static __always_inline void mmr_forget_exit(struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	if (follow_forks && BPF_CORE_READ(task, signal, live.counter) == 0)
		bpf_map_delete_elem(&traced_tgids, &tgid);
}

#endif /* MMRETRY_FILTER_BPF_H */
