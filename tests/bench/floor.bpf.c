// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * floor.bpf.c: the least a per-attempt tracer can do, for the benchmarks'
 * floor: fentry and fexit on handle_mm_fault, each adding one to a per-CPU
 * counter (tests/bench/floor.c loads it; tests/bench/vm_overhead.sh runs
 * it beside mmretry's modes).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

static __always_inline void hit(__u32 k)
{
	__u64 *n = bpf_map_lookup_elem(&hits, &k);

	if (n)
		*n += 1;
}

SEC("fentry/handle_mm_fault")
int BPF_PROG(floor_entry)
{
	hit(0);
	return 0;
}

SEC("fexit/handle_mm_fault")
int BPF_PROG(floor_exit)
{
	hit(1);
	return 0;
}
