// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * probe.bpf.c: an empty kprobe program that `mmretry probe` loads and
 * attaches to learn whether this kernel really allows kprobes: a kernel
 * built without them or a refusal only show when you try. The tp_btf and
 * fentry tries need no object: kfeatures.c loads them by hand against the
 * vmlinux BTF it already parsed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("kprobe/handle_mm_fault")
int BPF_KPROBE(probe_kprobe)
{
	return 0;
}
