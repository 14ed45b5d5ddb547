// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_abi.c: what bpf/faults.h, bpf/mmap_lock.h, bpf/anon_vma.h,
 * bpf/record.h and bpf/events.h promise both worlds. The layouts are
 * compile-time facts, so they are checked at compile time: no implicit
 * padding (clang -target bpf and cc must agree on every offset), the
 * sizes user space reads from maps and ring buffers and a recording stores
 * (a size change is a new recording version, docs/record.md). What only
 * running shows (the name tables) is a test.
 */
#include <ctype.h>
#include <string.h>

#include "bpf/anon_vma.h"
#include "bpf/events.h"
#include "bpf/faults.h"
#include "bpf/mmap_lock.h"
#include "bpf/record.h"
#include "stats/figures.h"
#include "trace/kfeatures.h"
#include "unit.h"

#define FIELD_SIZE(type, f) sizeof(((type *)0)->f)
/* the struct begins with f */
#define FIRST(type, f) _Static_assert(offsetof(type, f) == 0, #type " begins with " #f)
/* next starts where prev ended: nothing between them */
#define FOLLOWS(type, prev, next)						\
	_Static_assert(offsetof(type, next) == offsetof(type, prev) + FIELD_SIZE(type, prev), \
		       #type ": " #next " follows " #prev)
/* nothing after last */
#define ENDS(type, last)							\
	_Static_assert(sizeof(type) == offsetof(type, last) + FIELD_SIZE(type, last), \
		       #type " ends with " #last)

/* record event layouts */
FIRST(struct mmr_attempt_event, type);
FOLLOWS(struct mmr_attempt_event, type, pid);
FOLLOWS(struct mmr_attempt_event, pid, tid);
FOLLOWS(struct mmr_attempt_event, tid, flags);
FOLLOWS(struct mmr_attempt_event, flags, start_ns);
FOLLOWS(struct mmr_attempt_event, start_ns, end_ns);
FOLLOWS(struct mmr_attempt_event, end_ns, addr);
FOLLOWS(struct mmr_attempt_event, addr, result);
FOLLOWS(struct mmr_attempt_event, result, reason);
FOLLOWS(struct mmr_attempt_event, reason, vma_kind);
FOLLOWS(struct mmr_attempt_event, vma_kind, attempt);
FOLLOWS(struct mmr_attempt_event, attempt, pad);
FIRST(struct mmr_mm_event, type);
FOLLOWS(struct mmr_mm_event, type, pid);
FOLLOWS(struct mmr_mm_event, pid, tid);
FOLLOWS(struct mmr_mm_event, tid, op);
FOLLOWS(struct mmr_mm_event, op, ts_ns);
FOLLOWS(struct mmr_mm_event, ts_ns, dur_ns);
FOLLOWS(struct mmr_mm_event, dur_ns, addr);
FOLLOWS(struct mmr_mm_event, addr, len);
FOLLOWS(struct mmr_mm_event, len, arg);
FOLLOWS(struct mmr_mm_event, arg, ret);
FOLLOWS(struct mmr_mm_event, ret, comm);
FIRST(struct mmr_lock_op_event, type);
FOLLOWS(struct mmr_lock_op_event, type, pid);
FOLLOWS(struct mmr_lock_op_event, pid, tid);
FOLLOWS(struct mmr_lock_op_event, tid, write);
FOLLOWS(struct mmr_lock_op_event, write, success);
FOLLOWS(struct mmr_lock_op_event, success, remote);
FOLLOWS(struct mmr_lock_op_event, remote, downgrade);
FOLLOWS(struct mmr_lock_op_event, downgrade, t_start);
FOLLOWS(struct mmr_lock_op_event, t_start, t_acq);
FOLLOWS(struct mmr_lock_op_event, t_acq, t_rel);
FOLLOWS(struct mmr_lock_op_event, t_rel, mm);

/* retry event layout */
FIRST(struct mmr_retry_event, type);
FOLLOWS(struct mmr_retry_event, type, pid);
FOLLOWS(struct mmr_retry_event, pid, tid);
FOLLOWS(struct mmr_retry_event, tid, flags);
FOLLOWS(struct mmr_retry_event, flags, ts_ns);
FOLLOWS(struct mmr_retry_event, ts_ns, addr);
FOLLOWS(struct mmr_retry_event, addr, result);
FOLLOWS(struct mmr_retry_event, result, reason);
FOLLOWS(struct mmr_retry_event, reason, vma_kind);
FOLLOWS(struct mmr_retry_event, vma_kind, attempt);
FOLLOWS(struct mmr_retry_event, attempt, inferred);
FOLLOWS(struct mmr_retry_event, inferred, pad);
FOLLOWS(struct mmr_retry_event, pad, comm);

/* slow fault event layout */
FIRST(struct mmr_fault_attempt, start_ns);
FOLLOWS(struct mmr_fault_attempt, start_ns, dur_ns);
FOLLOWS(struct mmr_fault_attempt, dur_ns, gap_ns);
FOLLOWS(struct mmr_fault_attempt, gap_ns, lock_wait_ns);
FOLLOWS(struct mmr_fault_attempt, lock_wait_ns, result);
FOLLOWS(struct mmr_fault_attempt, result, flags);
FOLLOWS(struct mmr_fault_attempt, flags, reason);
FOLLOWS(struct mmr_fault_attempt, reason, lock_waited);
FOLLOWS(struct mmr_fault_attempt, lock_waited, pad);
ENDS(struct mmr_fault_attempt, pad);
FIRST(struct mmr_fault_event, type);
FOLLOWS(struct mmr_fault_event, type, pid);
FOLLOWS(struct mmr_fault_event, pid, tid);
FOLLOWS(struct mmr_fault_event, tid, result);
FOLLOWS(struct mmr_fault_event, result, start_ns);
FOLLOWS(struct mmr_fault_event, start_ns, dur_ns);
FOLLOWS(struct mmr_fault_event, dur_ns, addr);
FOLLOWS(struct mmr_fault_event, addr, mm);
FOLLOWS(struct mmr_fault_event, mm, ino);
FOLLOWS(struct mmr_fault_event, ino, dev);
FOLLOWS(struct mmr_fault_event, dev, attempts);
FOLLOWS(struct mmr_fault_event, attempts, vma_kind);
FOLLOWS(struct mmr_fault_event, vma_kind, origin);
FOLLOWS(struct mmr_fault_event, origin, first_reason);
FOLLOWS(struct mmr_fault_event, first_reason, last_reason);
FOLLOWS(struct mmr_fault_event, last_reason, file);
FOLLOWS(struct mmr_fault_event, file, pad);
FOLLOWS(struct mmr_fault_event, pad, nkstack);
FOLLOWS(struct mmr_fault_event, nkstack, nustack);
FOLLOWS(struct mmr_fault_event, nustack, comm);
FOLLOWS(struct mmr_fault_event, comm, attempt);
FOLLOWS(struct mmr_fault_event, attempt, kstack);
FOLLOWS(struct mmr_fault_event, kstack, ustack);
ENDS(struct mmr_fault_event, ustack);
_Static_assert(sizeof(struct mmr_fault_attempt) == 48, "a kept attempt");
_Static_assert(sizeof(struct mmr_fault_event) == 544, "a slow fault event");
_Static_assert(offsetof(struct mmr_fault_event, attempt) % 8 == 0, "aligned");
_Static_assert(!(MMR_FAULT_ATTEMPTS & (MMR_FAULT_ATTEMPTS - 1)), "the BPF side masks");

/* lock hist layout */
FIRST(struct mmr_hist, count);
FOLLOWS(struct mmr_hist, count, sum_ns);
FOLLOWS(struct mmr_hist, sum_ns, max_ns);
FOLLOWS(struct mmr_hist, max_ns, slots);

/* lock key layout */

/* lock stats layout */
FIRST(struct mmr_lock_stats, acquisitions);
FOLLOWS(struct mmr_lock_stats, acquisitions, failures);
FOLLOWS(struct mmr_lock_stats, failures, remote);
FOLLOWS(struct mmr_lock_stats, remote, downgrades);
FOLLOWS(struct mmr_lock_stats, downgrades, comm);
FOLLOWS(struct mmr_lock_stats, comm, wait);
FOLLOWS(struct mmr_lock_stats, wait, hold);

/* lock event layout */
FIRST(struct mmr_lock_event, type);
FOLLOWS(struct mmr_lock_event, type, pid);
FOLLOWS(struct mmr_lock_event, pid, tid);
FOLLOWS(struct mmr_lock_event, tid, write);
FOLLOWS(struct mmr_lock_event, write, remote);
FOLLOWS(struct mmr_lock_event, remote, in_fault);
FOLLOWS(struct mmr_lock_event, in_fault, success);
FOLLOWS(struct mmr_lock_event, success, ts_ns);
FOLLOWS(struct mmr_lock_event, ts_ns, dur_ns);
FOLLOWS(struct mmr_lock_event, dur_ns, mm);
FOLLOWS(struct mmr_lock_event, mm, nkstack);
FOLLOWS(struct mmr_lock_event, nkstack, nustack);
FOLLOWS(struct mmr_lock_event, nustack, comm);
FOLLOWS(struct mmr_lock_event, comm, fault_addr);
FOLLOWS(struct mmr_lock_event, fault_addr, fault);
FOLLOWS(struct mmr_lock_event, fault, blocking);
FOLLOWS(struct mmr_lock_event, blocking, kind);
FOLLOWS(struct mmr_lock_event, kind, pad);
FOLLOWS(struct mmr_lock_event, pad, kstack);
FOLLOWS(struct mmr_lock_event, kstack, ustack);

/* chain stats layout */
FIRST(struct mmr_chain_stats, events);
FOLLOWS(struct mmr_chain_stats, events, reused);
FOLLOWS(struct mmr_chain_stats, reused, truncated);
FOLLOWS(struct mmr_chain_stats, truncated, comm);
FOLLOWS(struct mmr_chain_stats, comm, length);

/* walk key layout */
FIRST(struct mmr_walk_key, rmap_one);

/* walk stats layout */
FIRST(struct mmr_walk_stats, walks);
FOLLOWS(struct mmr_walk_stats, walks, locked);
FOLLOWS(struct mmr_walk_stats, locked, contended);
FOLLOWS(struct mmr_walk_stats, contended, nested);
FOLLOWS(struct mmr_walk_stats, nested, tracer_ns);
FOLLOWS(struct mmr_walk_stats, tracer_ns, vmas);
FOLLOWS(struct mmr_walk_stats, vmas, mapped);
FOLLOWS(struct mmr_walk_stats, mapped, ns);
FOLLOWS(struct mmr_walk_stats, ns, lock_wait_ns);

/* chain event layout */
FIRST(struct mmr_chain_event, type);
FOLLOWS(struct mmr_chain_event, type, kind);
FOLLOWS(struct mmr_chain_event, kind, pid);
FOLLOWS(struct mmr_chain_event, pid, tid);
FOLLOWS(struct mmr_chain_event, tid, length);
FOLLOWS(struct mmr_chain_event, length, reused);
FOLLOWS(struct mmr_chain_event, reused, truncated);
FOLLOWS(struct mmr_chain_event, truncated, pad);
FOLLOWS(struct mmr_chain_event, pad, ts_ns);
FOLLOWS(struct mmr_chain_event, ts_ns, vm_start);
FOLLOWS(struct mmr_chain_event, vm_start, vm_end);
FOLLOWS(struct mmr_chain_event, vm_end, anon_vma);
FOLLOWS(struct mmr_chain_event, anon_vma, root);
FOLLOWS(struct mmr_chain_event, root, num_children);
FOLLOWS(struct mmr_chain_event, num_children, num_active_vmas);
FOLLOWS(struct mmr_chain_event, num_active_vmas, comm);

/* walk event layout */
FIRST(struct mmr_walk_event, type);
FOLLOWS(struct mmr_walk_event, type, pid);
FOLLOWS(struct mmr_walk_event, pid, tid);
FOLLOWS(struct mmr_walk_event, tid, owner);
FOLLOWS(struct mmr_walk_event, owner, vmas);
FOLLOWS(struct mmr_walk_event, vmas, mapped);
FOLLOWS(struct mmr_walk_event, mapped, locked);
FOLLOWS(struct mmr_walk_event, locked, contended);
FOLLOWS(struct mmr_walk_event, contended, pad);
FOLLOWS(struct mmr_walk_event, pad, tracer_ns);
FOLLOWS(struct mmr_walk_event, tracer_ns, rmap_one);
FOLLOWS(struct mmr_walk_event, rmap_one, ts_ns);
FOLLOWS(struct mmr_walk_event, ts_ns, dur_ns);
FOLLOWS(struct mmr_walk_event, dur_ns, lock_wait_ns);
FOLLOWS(struct mmr_walk_event, lock_wait_ns, anon_vma);
FOLLOWS(struct mmr_walk_event, anon_vma, root);
FOLLOWS(struct mmr_walk_event, root, vm_start);
FOLLOWS(struct mmr_walk_event, vm_start, vm_end);
FOLLOWS(struct mmr_walk_event, vm_end, comm);
FOLLOWS(struct mmr_walk_event, comm, owner_comm);

/* no tail padding, and the sizes maps, rings and recordings hold */
ENDS(struct mmr_retry_event, comm);
ENDS(struct mmr_attempt_event, pad);
ENDS(struct mmr_mm_event, comm);
ENDS(struct mmr_lock_op_event, mm);
ENDS(struct mmr_lock_event, ustack);
ENDS(struct mmr_chain_event, comm);
ENDS(struct mmr_walk_event, owner_comm);
ENDS(struct mmr_hist, slots);
ENDS(struct mmr_lock_stats, hold);
ENDS(struct mmr_chain_stats, length);
ENDS(struct mmr_walk_stats, lock_wait_ns);
_Static_assert(sizeof(struct mmr_retry_event) == 64, "mmr_retry_event is 64 bytes");
_Static_assert(sizeof(struct mmr_attempt_event) == 56, "mmr_attempt_event is 56 bytes");
_Static_assert(sizeof(struct mmr_mm_event) == 80, "mmr_mm_event is 80 bytes");
_Static_assert(sizeof(struct mmr_lock_op_event) == 48, "mmr_lock_op_event is 48 bytes");
_Static_assert(sizeof(struct mmr_lock_event) == 80 + 2 * MMR_STACK_FRAMES * 8,
	       "mmr_lock_event is 336 bytes");
_Static_assert(sizeof(struct mmr_chain_event) == 96, "mmr_chain_event is 96 bytes");
_Static_assert(sizeof(struct mmr_walk_event) == 128, "mmr_walk_event is 128 bytes");
_Static_assert(sizeof(struct mmr_fault_counters) == (13 + MMR_NR_REASONS) * 8,
	       "mmr_fault_counters is only __u64");
/* trace/faults.c sums every field before comm as a __u64 counter */
_Static_assert(offsetof(struct mmr_proc_counters, comm) == (9 + MMR_NR_REASONS) * 8,
	       "mmr_proc_counters is __u64 counters, then comm");
/* and merges the histogram after comm (hist_merge: its max is no sum) */
_Static_assert(offsetof(struct mmr_proc_counters, fault_ns) == (9 + MMR_NR_REASONS) * 8 + 16,
	       "mmr_proc_counters: the fault histogram follows comm");
_Static_assert(sizeof(struct mmr_proc_counters) ==
	       (9 + MMR_NR_REASONS) * 8 + 16 + (3 + MMR_HIST_SLOTS) * 8,
	       "mmr_proc_counters has no padding");
_Static_assert(sizeof(struct mmr_walk_key) == 8, "mmr_walk_key is one __u64");
_Static_assert(sizeof(struct mmr_hist) == (3 + MMR_HIST_SLOTS) * 8, "mmr_hist is only __u64");
/* the last slot starts at 2^35 ns: ~34 s, as the header says */
_Static_assert(MMR_HIST_SLOTS == 36, "36 log2 slots");
_Static_assert(sizeof(struct mmr_lock_stats) == 4 * 8 + 16 + 2 * sizeof(struct mmr_hist),
	       "mmr_lock_stats: counters, comm, wait and hold");
_Static_assert(sizeof(struct mmr_chain_stats) == 368, "mmr_chain_stats is 368 bytes");
_Static_assert(sizeof(struct mmr_walk_stats) == 5 * 8 + 4 * sizeof(struct mmr_hist),
	       "mmr_walk_stats is 5 counters and 4 histograms");
/* 8-byte fields 8-byte aligned, in both worlds */
_Static_assert(offsetof(struct mmr_retry_event, ts_ns) % 8 == 0, "aligned");
_Static_assert(offsetof(struct mmr_lock_event, ts_ns) % 8 == 0, "aligned");
_Static_assert(offsetof(struct mmr_lock_event, fault_addr) % 8 == 0, "aligned");
_Static_assert(offsetof(struct mmr_lock_event, kstack) % 8 == 0, "aligned");
_Static_assert(offsetof(struct mmr_chain_event, ts_ns) % 8 == 0, "aligned");
_Static_assert(offsetof(struct mmr_walk_event, rmap_one) % 8 == 0, "aligned");
_Static_assert(offsetof(struct mmr_lock_stats, wait) % 8 == 0, "aligned");
_Static_assert(offsetof(struct mmr_chain_stats, length) % 8 == 0, "aligned");

/* One event vocabulary: every event begins with its __u32 type, the values
 * distinct and never 0, the recording's own types after them. */
FIRST(struct mmr_retry_event, type);
FIRST(struct mmr_attempt_event, type);
FIRST(struct mmr_mm_event, type);
FIRST(struct mmr_lock_op_event, type);
FIRST(struct mmr_lock_event, type);
FIRST(struct mmr_chain_event, type);
FIRST(struct mmr_walk_event, type);
FIRST(struct mmr_fault_event, type);
/* stat's own: after the recording's own types (REC_TASK .. REC_REPORT) */
_Static_assert(MMR_EV_FAULT == 11, "slow faults are not recorded (yet)");
_Static_assert(MMR_EV_RETRY == 1 && MMR_EV_WALK == 7 && MMR_NR_EVENT_TYPES == 8,
	       "event types 1 to 7: the recording's record types (docs/record.md)");
_Static_assert(MMR_LOCK_EV_HOLD == 1 && MMR_LOCK_EV_WAIT == 2, "a lock event's kind");
/* reason and vma_kind fields hold their enums, MMR_REASON_NONE included */
_Static_assert(MMR_REASON_NONE >= MMR_NR_REASONS && MMR_REASON_NONE <= 0xff,
	       "MMR_REASON_NONE fits a __u8 and is no reason");
_Static_assert(MMR_NR_REASONS == 9 && MMR_REASON_UNATTRIBUTED == MMR_NR_REASONS - 1,
	       "nine reasons, unattributed last");
_Static_assert(MMR_NR_VMA_KINDS == 5, "five VMA kinds");
_Static_assert(MMR_NR_CHAIN_KINDS == 3 && MMR_CHAIN_FORK == 0, "chain kinds index events[]");
_Static_assert((1ULL << (MMR_HIST_SLOTS - 1)) > MMR_CHAIN_MAX, "a chain length fits a slot");
/* the BPF side's `mode` defaults to 0: nothing selected */
_Static_assert(MMR_MODE_NONE == 0 && MMR_NR_MODES == 4, "modes");
_Static_assert(FF_REASON0 == 9 && FF_NR == FF_REASON0 + MMR_NR_REASONS, "fault figures");
_Static_assert(NR_FNS == 17 && NR_TPS == 9, "10 hooks for faults, 7 for anon_vma; 9 tracepoints");
/* NA is what a zeroed struct mmr_val says */
_Static_assert(VAL_NA == 0, "a zeroed figure is unavailable");

/* one bit each, distinct */
#define BIT1(x) ((x) && !((x) & ((x) - 1)))
_Static_assert(BIT1(MMR_LOCK_FAULT_ADDR) && BIT1(MMR_LOCK_FAULT_IO_KNOWN) &&
	       BIT1(MMR_LOCK_FAULT_IO) && (MMR_LOCK_FAULT_ADDR | MMR_LOCK_FAULT_IO_KNOWN |
					   MMR_LOCK_FAULT_IO) <= 0xff, "lock fault bits");
_Static_assert(MMR_BLOCKER_DIV > 1, "a blocker is a shorter hold");
_Static_assert(BIT1(MMR_VM_FAULT_OOM) && BIT1(MMR_VM_FAULT_SIGBUS) && BIT1(MMR_VM_FAULT_MAJOR) &&
	       BIT1(MMR_VM_FAULT_HWPOISON) && BIT1(MMR_VM_FAULT_HWPOISON_LARGE) &&
	       BIT1(MMR_VM_FAULT_SIGSEGV) && BIT1(MMR_VM_FAULT_RETRY) &&
	       BIT1(MMR_VM_FAULT_FALLBACK) && BIT1(MMR_VM_FAULT_COMPLETED), "VM_FAULT_* bits");
/* a retry, a completion or a major fault is not an error */
_Static_assert((MMR_VM_FAULT_ERROR & (MMR_VM_FAULT_RETRY | MMR_VM_FAULT_COMPLETED |
				      MMR_VM_FAULT_MAJOR)) == 0, "errors are errors");
_Static_assert(MMR_VM_FAULT_ERROR == 0x0873, "VM_FAULT_ERROR (include/linux/mm_types.h)");
_Static_assert((MMR_FAULT_FLAG_VMA_LOCK & (MMR_FAULT_FLAG_WRITE | MMR_FAULT_FLAG_TRIED |
					   MMR_FAULT_FLAG_USER)) == 0, "FAULT_FLAG_* bits");

/* Every entry set, non-empty, [a-z0-9_] (JSON keys, file names), unique. */
static void assert_names(const char *table, const char *const *names, size_t n)
{
	size_t i, j;
	const char *c;

	for (i = 0; i < n; i++) {
		if (!names[i])
			fail_msg("%s[%zu] is NULL", table, i);
		if (!names[i][0])
			fail_msg("%s[%zu] is empty", table, i);
		for (c = names[i]; *c; c++)
			if (!(islower((unsigned char)*c) || isdigit((unsigned char)*c) || *c == '_'))
				fail_msg("%s[%zu] = '%s': not [a-z0-9_]", table, i, names[i]);
		for (j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				fail_msg("%s: '%s' twice", table, names[i]);
	}
}

#define ASSERT_NAMES(t) assert_names(#t, t, ARRAY_LEN(t))

static void name_tables_complete(void **state)
{
	int i;

	ASSERT_NAMES(reason_names);
	ASSERT_NAMES(fault_fig_names);
	ASSERT_NAMES(vma_kind_names);
	ASSERT_NAMES(mmr_fn_names);
	ASSERT_NAMES(mmr_tp_names);

	/* a reason figure is named after its reason */
	for (i = 0; i < MMR_NR_REASONS; i++)
		assert_string_equal(fault_fig_names[FF_REASON0 + i], reason_names[i]);
	/* spot checks against the enums, in case two entries were swapped */
	assert_string_equal(reason_names[MMR_REASON_ANON_VMA], "anon_vma");
	assert_string_equal(reason_names[MMR_REASON_UNATTRIBUTED], "unattributed");
	assert_string_equal(fault_fig_names[FF_VMA_LOCK_ATTEMPTS], "vma_lock_attempts");
	assert_string_equal(vma_kind_names[MMR_VMA_SHMEM], "shmem");
	assert_string_equal(mmr_fn_names[FN_LOCK_VMA_UNDER_RCU], "lock_vma_under_rcu");
	assert_string_equal(mmr_fn_names[FN_FOLIO_LOCK_OR_RETRY], "__folio_lock_or_retry");
	assert_string_equal(mmr_tp_names[TP_MMAP_LOCK_START_LOCKING], "mmap_lock_start_locking");
}

int main(void)
{
	const struct CMUnitTest test_abi[] = {
		cmocka_unit_test(name_tables_complete),
	};

	return cmocka_run_group_tests(test_abi, NULL, NULL);
}
