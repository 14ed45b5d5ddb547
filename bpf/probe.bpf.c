// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe.bpf.c: empty programs that `mmretry probe` loads and attaches one
 * at a time to learn what this kernel really allows: lockdown, a kernel
 * built without kprobes or a refused trampoline only show when you try.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("fentry/handle_mm_fault")
int BPF_PROG(probe_fentry)
{
	return 0;
}

SEC("kprobe/handle_mm_fault")
int BPF_KPROBE(probe_kprobe)
{
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(probe_tp_btf)
{
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} probe_task_storage SEC(".maps");
