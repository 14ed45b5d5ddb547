/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * core_fixes.bpf.h: every kernel-version difference the BPF programs meet,
 * in one place, decided by CO-RE from the running kernel's BTF; never by a
 * version number. Differences in a hook's prototype (mmap_lock tracepoints,
 * __folio_lock_or_retry) are read from BTF by user space (user/trace/kfeatures.c)
 * and reach the programs as read-only flags.
 */
#ifndef MMRETRY_CORE_FIXES_BPF_H
#define MMRETRY_CORE_FIXES_BPF_H

#include <bpf/bpf_core_read.h>

/*
 * FAULT_FLAG_VMA_LOCK arrived with per-VMA locks in 6.4 (commit
 * 0bff0aaea03e "x86/mm: try VMA lock-based page fault handling first");
 * 6.1's enum fault_flag has no such value.
 */
static __always_inline __u32 fault_flag_vma_lock(void)
{
	if (bpf_core_enum_value_exists(enum fault_flag, FAULT_FLAG_VMA_LOCK))
		return bpf_core_enum_value(enum fault_flag, FAULT_FLAG_VMA_LOCK);
	return 0;
}

#endif /* MMRETRY_CORE_FIXES_BPF_H */
