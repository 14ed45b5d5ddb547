// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * floor.bpf.c: the guest benchmark's two reference tracers
 * (tests/bench/floor.c loads one; tests/bench/vm_overhead.sh runs them
 * beside mmretry's modes), each a fentry/fexit pair adding one to a per-CPU
 * counter:
 *  - floor_*: on handle_mm_fault, the least a per-attempt tracer can do;
 *  - idle_*: on bpf_fentry_test1(), which nothing calls outside BPF's own
 *    self-tests: the baseline. Under QEMU's TCG a guest with no BPF
 *    trampoline attached ran the benchmark loops erratically (the same loop
 *    at 0.3 to 1.0 of its best rate, run to run), and steadily (within
 *    0.5%) with any attached, this one included;
 *  - lockfloor_*: empty tp_btf programs on the three mmap_lock tracepoints
 *    (start_locking, acquire_returned, released), the least any tracer of
 *    them pays (tests/bench/lock_overhead.sh);
 *  - lockclock_*: the same, each reading the clock into a per-CPU slot, the
 *    least a tracer that times waits and holds from them pays.
 * Tracepoint programs that take no argument load on every kernel, with or
 * without 6.14's memcg_path argument.
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

SEC("fentry/bpf_fentry_test1")
int BPF_PROG(idle_entry)
{
	hit(0);
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int BPF_PROG(idle_exit)
{
	hit(1);
	return 0;
}

SEC("tp_btf/mmap_lock_start_locking")
int BPF_PROG(lockfloor_start)
{
	return 0;
}

SEC("tp_btf/mmap_lock_acquire_returned")
int BPF_PROG(lockfloor_acquire)
{
	return 0;
}

SEC("tp_btf/mmap_lock_released")
int BPF_PROG(lockfloor_release)
{
	return 0;
}

static __always_inline void stamp(__u32 k)
{
	__u64 *t = bpf_map_lookup_elem(&hits, &k);

	if (t)
		*t = bpf_ktime_get_ns();
}

SEC("tp_btf/mmap_lock_start_locking")
int BPF_PROG(lockclock_start)
{
	stamp(0);
	return 0;
}

SEC("tp_btf/mmap_lock_acquire_returned")
int BPF_PROG(lockclock_acquire)
{
	stamp(1);
	return 0;
}

SEC("tp_btf/mmap_lock_released")
int BPF_PROG(lockclock_release)
{
	stamp(1);
	return 0;
}
