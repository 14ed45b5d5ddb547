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

#include "faults.h"

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

/*
 * VM_FAULT_* as the running kernel numbers them: enum vm_fault_reason in
 * its BTF (include/linux/mm_types.h), faults.h's MMR_VM_FAULT_* where it
 * has no such name. The numbers are not ABI: the proposed series
 * "continue using per-VMA lock when retrying page faults after I/O"
 * renumbers VM_FAULT_COMPLETED. Each is a constant once loaded.
 */
#define VMF(name)								\
	(bpf_core_enum_value_exists(enum vm_fault_reason, VM_FAULT_##name) ?	\
	 (__u32)bpf_core_enum_value(enum vm_fault_reason, VM_FAULT_##name) :	\
	 (__u32)MMR_VM_FAULT_##name)
/* VM_FAULT_ERROR is a macro, not in BTF: its bits, by name */
#define VMF_ERROR (VMF(OOM) | VMF(SIGBUS) | VMF(SIGSEGV) | VMF(HWPOISON) |	\
		   VMF(HWPOISON_LARGE) | VMF(FALLBACK))

/*
 * A vm_fault_t in mmretry's own numbers (MMR_VM_FAULT_*, today's kernels'),
 * which events and recordings carry whatever the kernel that made them:
 * user space never learns a kernel's numbering. Only for streamed events;
 * the counters test the kernel's own bits.
 */
static __always_inline __u32 vm_fault_mmr(__u32 ret)
{
	__u32 r = ret & MMR_VM_FAULT_HINDEX_MASK;

#define VMF_MAP(name) if (ret & VMF(name)) r |= MMR_VM_FAULT_##name
	VMF_MAP(OOM);
	VMF_MAP(SIGBUS);
	VMF_MAP(MAJOR);
	VMF_MAP(HWPOISON);
	VMF_MAP(HWPOISON_LARGE);
	VMF_MAP(SIGSEGV);
	VMF_MAP(NOPAGE);
	VMF_MAP(LOCKED);
	VMF_MAP(RETRY);
	VMF_MAP(FALLBACK);
	VMF_MAP(DONE_COW);
	VMF_MAP(NEEDDSYNC);
	VMF_MAP(COMPLETED);
#undef VMF_MAP
	return r;
}

/*
 * The mmap_lock tracepoints' prototypes: 6.14 dropped their memcg_path
 * argument ("mm: mmap_lock: optimize mmap_lock tracepoints"). A tracer
 * defines a program for each, PREFIX_old##SFX and PREFIX_new##SFX, and user
 * space loads the one the running kernel's BTF has; CALL is the body of
 * both, with ctx, mm, write (and, on acquire_returned, success) in scope.
 */
#define MMAP_LOCK_TP_START_LOCKING(prefix, sfx, call)					\
SEC("tp_btf/mmap_lock_start_locking")							\
int BPF_PROG(prefix##_old##sfx, struct mm_struct *mm, const char *memcg_path, bool write) \
{											\
	call;										\
	return 0;									\
}											\
											\
SEC("tp_btf/mmap_lock_start_locking")							\
int BPF_PROG(prefix##_new##sfx, struct mm_struct *mm, bool write)			\
{											\
	call;										\
	return 0;									\
}

#define MMAP_LOCK_TP_ACQUIRE_RETURNED(prefix, sfx, call)				\
SEC("tp_btf/mmap_lock_acquire_returned")						\
int BPF_PROG(prefix##_old##sfx, struct mm_struct *mm, const char *memcg_path,		\
	     bool write, bool success)							\
{											\
	call;										\
	return 0;									\
}											\
											\
SEC("tp_btf/mmap_lock_acquire_returned")						\
int BPF_PROG(prefix##_new##sfx, struct mm_struct *mm, bool write, bool success)		\
{											\
	call;										\
	return 0;									\
}

#define MMAP_LOCK_TP_RELEASED(prefix, sfx, call)					\
SEC("tp_btf/mmap_lock_released")							\
int BPF_PROG(prefix##_old##sfx, struct mm_struct *mm, const char *memcg_path,		\
	     bool write)								\
{											\
	call;										\
	return 0;									\
}											\
											\
SEC("tp_btf/mmap_lock_released")							\
int BPF_PROG(prefix##_new##sfx, struct mm_struct *mm, bool write)			\
{											\
	call;										\
	return 0;									\
}

#endif /* MMRETRY_CORE_FIXES_BPF_H */
