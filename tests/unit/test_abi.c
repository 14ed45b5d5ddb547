// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_abi.c: what bpf/faults.h, bpf/mmap_lock.h and bpf/anon_vma.h promise
 * both worlds: no
 * implicit padding (clang -target bpf and cc must agree on every offset),
 * the sizes user space reads from maps and the ring buffer, and complete
 * name tables.
 */
#include <ctype.h>
#include <string.h>

#include "bpf/anon_vma.h"
#include "bpf/faults.h"
#include "stats/figures.h"
#include "trace/kfeatures.h"
#include "bpf/mmap_lock.h"
#include "bpf/record.h"
#include "unit.h"

#define FIELD_SIZE(type, f) sizeof(((type *)0)->f)

/* Each field starts where the previous one ended. */
#define ASSERT_FOLLOWS(type, prev, next)					\
	assert_int_equal(offsetof(type, next),					\
			 offsetof(type, prev) + FIELD_SIZE(type, prev))

/* Compile-time too: a layout change fails the build, not only the test. */
_Static_assert(sizeof(struct mmr_retry_event) == 64, "mmr_retry_event is 64 bytes");
_Static_assert(sizeof(struct mmr_fault_counters) == (13 + MMR_NR_REASONS) * 8,
	       "mmr_fault_counters is only __u64");
/* trace/faults.c sums every field before comm as a __u64 counter */
_Static_assert(offsetof(struct mmr_proc_counters, comm) == (9 + MMR_NR_REASONS) * 8,
	       "mmr_proc_counters is __u64 counters, then comm");
_Static_assert(sizeof(struct mmr_proc_counters) == (9 + MMR_NR_REASONS) * 8 + 16,
	       "mmr_proc_counters has no padding");
_Static_assert(sizeof(struct mmr_lock_key) == 8, "mmr_lock_key is 8 bytes");
_Static_assert(sizeof(struct mmr_hist) == (3 + MMR_HIST_SLOTS) * 8, "mmr_hist is only __u64");
_Static_assert(sizeof(struct mmr_lock_event) == 336, "mmr_lock_event is 336 bytes");
_Static_assert(sizeof(struct mmr_lock_event) % 8 == 0, "mmr_lock_event is 8-byte aligned");
_Static_assert(sizeof(struct mmr_chain_stats) == 368, "mmr_chain_stats is 368 bytes");
_Static_assert(sizeof(struct mmr_walk_key) == 8, "mmr_walk_key is 8 bytes");
_Static_assert(sizeof(struct mmr_walk_stats) == 4 * 8 + 4 * sizeof(struct mmr_hist),
	       "mmr_walk_stats is 4 counters and 4 histograms");
_Static_assert(sizeof(struct mmr_chain_event) == 96, "mmr_chain_event is 96 bytes");
_Static_assert(sizeof(struct mmr_walk_event) == 128, "mmr_walk_event is 128 bytes");
/* recording formats: a size change is a new recording version (docs/record.md) */
_Static_assert(sizeof(struct mmr_attempt_event) == 56, "mmr_attempt_event is 56 bytes");
_Static_assert(sizeof(struct mmr_mm_event) == 80, "mmr_mm_event is 80 bytes");
_Static_assert(sizeof(struct mmr_lock_op_event) == 48, "mmr_lock_op_event is 48 bytes");

static void record_event_layouts(void **state)
{
	typedef struct mmr_attempt_event a;
	typedef struct mmr_mm_event m;
	typedef struct mmr_lock_op_event l;

	assert_int_equal(offsetof(a, type), 0);
	ASSERT_FOLLOWS(a, type, pid);
	ASSERT_FOLLOWS(a, pid, tid);
	ASSERT_FOLLOWS(a, tid, flags);
	ASSERT_FOLLOWS(a, flags, start_ns);
	ASSERT_FOLLOWS(a, start_ns, end_ns);
	ASSERT_FOLLOWS(a, end_ns, addr);
	ASSERT_FOLLOWS(a, addr, result);
	ASSERT_FOLLOWS(a, result, reason);
	ASSERT_FOLLOWS(a, reason, vma_kind);
	ASSERT_FOLLOWS(a, vma_kind, attempt);
	ASSERT_FOLLOWS(a, attempt, pad);
	assert_int_equal(offsetof(m, type), 0);
	ASSERT_FOLLOWS(m, type, pid);
	ASSERT_FOLLOWS(m, pid, tid);
	ASSERT_FOLLOWS(m, tid, op);
	ASSERT_FOLLOWS(m, op, ts_ns);
	ASSERT_FOLLOWS(m, ts_ns, dur_ns);
	ASSERT_FOLLOWS(m, dur_ns, addr);
	ASSERT_FOLLOWS(m, addr, len);
	ASSERT_FOLLOWS(m, len, arg);
	ASSERT_FOLLOWS(m, arg, ret);
	ASSERT_FOLLOWS(m, ret, comm);
	assert_int_equal(offsetof(l, kind), 0);
	ASSERT_FOLLOWS(l, kind, pid);
	ASSERT_FOLLOWS(l, pid, tid);
	ASSERT_FOLLOWS(l, tid, write);
	ASSERT_FOLLOWS(l, write, success);
	ASSERT_FOLLOWS(l, success, remote);
	ASSERT_FOLLOWS(l, remote, downgrade);
	ASSERT_FOLLOWS(l, downgrade, t_start);
	ASSERT_FOLLOWS(l, t_start, t_acq);
	ASSERT_FOLLOWS(l, t_acq, t_rel);
	ASSERT_FOLLOWS(l, t_rel, mm);
	/* the rings tell events apart by their first field */
	assert_int_equal(MMR_EV_ATTEMPT != MMR_EV_RETRY && MMR_EV_MM != MMR_EV_RETRY, 1);
	assert_int_equal(MMR_LOCK_EV_OP != MMR_LOCK_EV_HOLD && MMR_LOCK_EV_OP != MMR_LOCK_EV_WAIT, 1);
}

static void retry_event_layout(void **state)
{
	typedef struct mmr_retry_event ev;

	assert_int_equal(offsetof(ev, type), 0);
	ASSERT_FOLLOWS(ev, type, pid);
	ASSERT_FOLLOWS(ev, pid, tid);
	ASSERT_FOLLOWS(ev, tid, flags);
	ASSERT_FOLLOWS(ev, flags, ts_ns);
	ASSERT_FOLLOWS(ev, ts_ns, addr);
	ASSERT_FOLLOWS(ev, addr, result);
	ASSERT_FOLLOWS(ev, result, reason);
	ASSERT_FOLLOWS(ev, reason, vma_kind);
	ASSERT_FOLLOWS(ev, vma_kind, attempt);
	ASSERT_FOLLOWS(ev, attempt, inferred);
	ASSERT_FOLLOWS(ev, inferred, pad);
	ASSERT_FOLLOWS(ev, pad, comm);
	/* no tail padding: the size is the sum of the fields */
	assert_int_equal(sizeof(ev), offsetof(ev, comm) + FIELD_SIZE(ev, comm));
	assert_int_equal(sizeof(ev),
			 4 * 4 +	/* type, pid, tid, flags */
			 2 * 8 +	/* ts_ns, addr */
			 4 +		/* result */
			 4 * 2 +	/* reason, vma_kind, attempt, inferred */
			 4 +		/* pad */
			 16);		/* comm */
	assert_int_equal(sizeof(ev), 64);
	/* 8-byte fields 8-byte aligned, in both worlds */
	assert_int_equal(offsetof(ev, ts_ns) % 8, 0);
	assert_int_equal(offsetof(ev, addr) % 8, 0);
	assert_int_equal(sizeof(ev) % 8, 0);
	assert_int_equal(FIELD_SIZE(ev, comm), 16);	/* TASK_COMM_LEN */
}

static void retry_event_fields_hold_values(void **state)
{
	struct mmr_retry_event e;

	/* reason and vma_kind hold their enums, MMR_REASON_NONE included */
	e.reason = MMR_REASON_NONE;
	assert_int_equal(e.reason, MMR_REASON_NONE);
	e.vma_kind = MMR_NR_VMA_KINDS - 1;
	assert_int_equal(e.vma_kind, MMR_VMA_SPECIAL);
	assert_true(MMR_REASON_NONE >= MMR_NR_REASONS);
	assert_int_equal(MMR_EV_RETRY, 1);	/* 0 is never a valid type */
}

static void counters_only_u64(void **state)
{
	typedef struct mmr_fault_counters fc;
	static const size_t offs[] = {
		offsetof(fc, attempts), offsetof(fc, faults), offsetof(fc, retries),
		offsetof(fc, completed), offsetof(fc, major), offsetof(fc, errors),
		offsetof(fc, vma_lock_attempts), offsetof(fc, mmap_lock_attempts),
		offsetof(fc, abandoned), offsetof(fc, lost_events), offsetof(fc, kernel_faults),
		offsetof(fc, exit_faults), offsetof(fc, exit_major), offsetof(fc, reasons),
	};
	size_t i;

	assert_int_equal(sizeof(fc), (13 + MMR_NR_REASONS) * 8);
	assert_int_equal(sizeof(fc), 176);
	for (i = 0; i < ARRAY_LEN(offs); i++)
		assert_int_equal(offs[i], i * 8);
	assert_int_equal(FIELD_SIZE(fc, reasons), MMR_NR_REASONS * 8);
	assert_int_equal(FIELD_SIZE(fc, reasons[0]), 8);
	assert_int_equal(FIELD_SIZE(fc, lost_events), 8);
}

/* ---- mmap_lock.h ---- */

static void lock_hist_layout(void **state)
{
	typedef struct mmr_hist h;

	assert_int_equal(offsetof(h, count), 0);
	ASSERT_FOLLOWS(h, count, sum_ns);
	ASSERT_FOLLOWS(h, sum_ns, max_ns);
	ASSERT_FOLLOWS(h, max_ns, slots);
	assert_int_equal(FIELD_SIZE(h, slots[0]), 8);
	assert_int_equal(FIELD_SIZE(h, slots), MMR_HIST_SLOTS * 8);
	assert_int_equal(sizeof(h), offsetof(h, slots) + FIELD_SIZE(h, slots));
	assert_int_equal(sizeof(h), 312);
	/* the last slot starts at 2^35 ns: ~34 s, as the header says */
	assert_int_equal(MMR_HIST_SLOTS, 36);
}

/* The per-CPU hash's key: two __u32, nothing between or after. */
static void lock_key_layout(void **state)
{
	typedef struct mmr_lock_key k;

	assert_int_equal(offsetof(k, tgid), 0);
	ASSERT_FOLLOWS(k, tgid, write);
	assert_int_equal(FIELD_SIZE(k, tgid), 4);
	assert_int_equal(FIELD_SIZE(k, write), 4);
	assert_int_equal(sizeof(k), 8);
}

static void lock_stats_layout(void **state)
{
	typedef struct mmr_lock_stats s;

	assert_int_equal(offsetof(s, acquisitions), 0);
	ASSERT_FOLLOWS(s, acquisitions, failures);
	ASSERT_FOLLOWS(s, failures, remote);
	ASSERT_FOLLOWS(s, remote, downgrades);
	ASSERT_FOLLOWS(s, downgrades, comm);
	ASSERT_FOLLOWS(s, comm, wait);
	ASSERT_FOLLOWS(s, wait, hold);
	assert_int_equal(sizeof(s), offsetof(s, hold) + FIELD_SIZE(s, hold));
	assert_int_equal(sizeof(s),
			 4 * 8 +			/* acquisitions .. downgrades */
			 16 +				/* comm */
			 2 * sizeof(struct mmr_hist));	/* wait, hold */
	assert_int_equal(sizeof(s), 672);
	assert_int_equal(offsetof(s, wait) % 8, 0);
	assert_int_equal(FIELD_SIZE(s, comm), 16);	/* TASK_COMM_LEN */
}

static void lock_event_layout(void **state)
{
	typedef struct mmr_lock_event ev;
	ev e;

	assert_int_equal(offsetof(ev, kind), 0);
	ASSERT_FOLLOWS(ev, kind, pid);
	ASSERT_FOLLOWS(ev, pid, tid);
	ASSERT_FOLLOWS(ev, tid, write);
	ASSERT_FOLLOWS(ev, write, remote);
	ASSERT_FOLLOWS(ev, remote, in_fault);
	ASSERT_FOLLOWS(ev, in_fault, success);
	ASSERT_FOLLOWS(ev, success, ts_ns);
	ASSERT_FOLLOWS(ev, ts_ns, dur_ns);
	ASSERT_FOLLOWS(ev, dur_ns, mm);
	ASSERT_FOLLOWS(ev, mm, nkstack);
	ASSERT_FOLLOWS(ev, nkstack, nustack);
	ASSERT_FOLLOWS(ev, nustack, comm);
	ASSERT_FOLLOWS(ev, comm, fault_addr);
	ASSERT_FOLLOWS(ev, fault_addr, fault);
	ASSERT_FOLLOWS(ev, fault, blocking);
	ASSERT_FOLLOWS(ev, blocking, pad);
	ASSERT_FOLLOWS(ev, pad, kstack);
	ASSERT_FOLLOWS(ev, kstack, ustack);
	/* no tail padding: the size is the sum of the fields */
	assert_int_equal(sizeof(ev), offsetof(ev, ustack) + FIELD_SIZE(ev, ustack));
	assert_int_equal(sizeof(ev),
			 3 * 4 +	/* kind, pid, tid */
			 4 * 1 +	/* write, remote, in_fault, success */
			 3 * 8 +	/* ts_ns, dur_ns, mm */
			 2 * 4 +	/* nkstack, nustack */
			 16 +		/* comm */
			 8 +		/* fault_addr */
			 2 * 1 +	/* fault, blocking */
			 6 +		/* pad */
			 2 * MMR_STACK_FRAMES * 8);	/* kstack, ustack */
	assert_int_equal(sizeof(ev), 80 + 256);
	/* 8-byte fields 8-byte aligned, in both worlds */
	assert_int_equal(offsetof(ev, ts_ns) % 8, 0);
	assert_int_equal(offsetof(ev, dur_ns) % 8, 0);
	assert_int_equal(offsetof(ev, mm) % 8, 0);
	assert_int_equal(offsetof(ev, fault_addr) % 8, 0);
	assert_int_equal(sizeof(ev) % 8, 0);
	assert_int_equal(FIELD_SIZE(ev, comm), 16);
	assert_int_equal(FIELD_SIZE(ev, mm), 8);	/* a kernel pointer */
	/* stacks travel in the event, MMR_STACK_FRAMES frames each */
	assert_int_equal(FIELD_SIZE(ev, kstack), MMR_STACK_FRAMES * 8);
	assert_int_equal(offsetof(ev, kstack) % 8, 0);
	e.nkstack = e.nustack = 0;
	assert_int_equal(e.nkstack + e.nustack, 0);
}

static void lock_event_values(void **state)
{
	static const unsigned bits[] = {
		MMR_LOCK_FAULT_ADDR, MMR_LOCK_FAULT_IO_KNOWN, MMR_LOCK_FAULT_IO,
	};
	unsigned seen = 0;
	size_t i;

	/* 0 is never a valid kind */
	assert_int_equal(MMR_LOCK_EV_HOLD, 1);
	assert_int_equal(MMR_LOCK_EV_WAIT, 2);
	for (i = 0; i < ARRAY_LEN(bits); i++) {
		assert_int_equal(bits[i] & (bits[i] - 1), 0);	/* one bit each */
		assert_int_equal(seen & bits[i], 0);		/* distinct */
		seen |= bits[i];
	}
	assert_true(seen <= 0xff);	/* they fit mmr_lock_event.fault */
	assert_true(MMR_BLOCKER_DIV > 1);
}

/* ---- anon_vma.h ---- */

static void chain_stats_layout(void **state)
{
	typedef struct mmr_chain_stats s;

	assert_int_equal(offsetof(s, events), 0);
	assert_int_equal(FIELD_SIZE(s, events), MMR_NR_CHAIN_KINDS * 8);
	ASSERT_FOLLOWS(s, events, reused);
	ASSERT_FOLLOWS(s, reused, truncated);
	ASSERT_FOLLOWS(s, truncated, comm);
	ASSERT_FOLLOWS(s, comm, length);
	assert_int_equal(sizeof(s), offsetof(s, length) + FIELD_SIZE(s, length));
	assert_int_equal(sizeof(s),
			 MMR_NR_CHAIN_KINDS * 8 +	/* events */
			 2 * 8 +			/* reused, truncated */
			 16 +				/* comm */
			 sizeof(struct mmr_hist));	/* length */
	assert_int_equal(sizeof(s), 368);
	assert_int_equal(offsetof(s, length) % 8, 0);
	assert_int_equal(FIELD_SIZE(s, comm), 16);	/* TASK_COMM_LEN */
}

/* The per-CPU hash's key: one __u64, the rmap_one address. */
static void walk_key_layout(void **state)
{
	typedef struct mmr_walk_key k;

	assert_int_equal(offsetof(k, rmap_one), 0);
	assert_int_equal(FIELD_SIZE(k, rmap_one), 8);
	assert_int_equal(sizeof(k), 8);
}

static void walk_stats_layout(void **state)
{
	typedef struct mmr_walk_stats s;

	assert_int_equal(offsetof(s, walks), 0);
	ASSERT_FOLLOWS(s, walks, locked);
	ASSERT_FOLLOWS(s, locked, contended);
	ASSERT_FOLLOWS(s, contended, nested);
	ASSERT_FOLLOWS(s, nested, vmas);
	ASSERT_FOLLOWS(s, vmas, mapped);
	ASSERT_FOLLOWS(s, mapped, ns);
	ASSERT_FOLLOWS(s, ns, lock_wait_ns);
	assert_int_equal(sizeof(s), offsetof(s, lock_wait_ns) + FIELD_SIZE(s, lock_wait_ns));
	assert_int_equal(sizeof(s), 4 * 8 + 4 * sizeof(struct mmr_hist));
	assert_int_equal(sizeof(s), 1280);
}

static void chain_event_layout(void **state)
{
	typedef struct mmr_chain_event ev;

	assert_int_equal(offsetof(ev, type), 0);
	ASSERT_FOLLOWS(ev, type, kind);
	ASSERT_FOLLOWS(ev, kind, pid);
	ASSERT_FOLLOWS(ev, pid, tid);
	ASSERT_FOLLOWS(ev, tid, length);
	ASSERT_FOLLOWS(ev, length, reused);
	ASSERT_FOLLOWS(ev, reused, truncated);
	ASSERT_FOLLOWS(ev, truncated, pad);
	ASSERT_FOLLOWS(ev, pad, ts_ns);
	ASSERT_FOLLOWS(ev, ts_ns, vm_start);
	ASSERT_FOLLOWS(ev, vm_start, vm_end);
	ASSERT_FOLLOWS(ev, vm_end, anon_vma);
	ASSERT_FOLLOWS(ev, anon_vma, root);
	ASSERT_FOLLOWS(ev, root, num_children);
	ASSERT_FOLLOWS(ev, num_children, num_active_vmas);
	ASSERT_FOLLOWS(ev, num_active_vmas, comm);
	/* no tail padding: the size is the sum of the fields */
	assert_int_equal(sizeof(ev), offsetof(ev, comm) + FIELD_SIZE(ev, comm));
	assert_int_equal(sizeof(ev),
			 5 * 4 +	/* type, kind, pid, tid, length */
			 2 * 1 +	/* reused, truncated */
			 2 +		/* pad */
			 7 * 8 +	/* ts_ns, vm_start, vm_end, anon_vma, root,
					 * num_children, num_active_vmas */
			 16);		/* comm */
	assert_int_equal(sizeof(ev), 96);
	/* 8-byte fields 8-byte aligned, in both worlds */
	assert_int_equal(offsetof(ev, ts_ns) % 8, 0);
	assert_int_equal(offsetof(ev, num_active_vmas) % 8, 0);
	assert_int_equal(sizeof(ev) % 8, 0);
	assert_int_equal(FIELD_SIZE(ev, anon_vma), 8);	/* a kernel pointer */
	assert_int_equal(FIELD_SIZE(ev, comm), 16);
}

static void walk_event_layout(void **state)
{
	typedef struct mmr_walk_event ev;

	assert_int_equal(offsetof(ev, type), 0);
	ASSERT_FOLLOWS(ev, type, pid);
	ASSERT_FOLLOWS(ev, pid, tid);
	ASSERT_FOLLOWS(ev, tid, owner);
	ASSERT_FOLLOWS(ev, owner, vmas);
	ASSERT_FOLLOWS(ev, vmas, mapped);
	ASSERT_FOLLOWS(ev, mapped, locked);
	ASSERT_FOLLOWS(ev, locked, contended);
	ASSERT_FOLLOWS(ev, contended, pad);
	ASSERT_FOLLOWS(ev, pad, rmap_one);
	ASSERT_FOLLOWS(ev, rmap_one, ts_ns);
	ASSERT_FOLLOWS(ev, ts_ns, dur_ns);
	ASSERT_FOLLOWS(ev, dur_ns, lock_wait_ns);
	ASSERT_FOLLOWS(ev, lock_wait_ns, anon_vma);
	ASSERT_FOLLOWS(ev, anon_vma, root);
	ASSERT_FOLLOWS(ev, root, vm_start);
	ASSERT_FOLLOWS(ev, vm_start, vm_end);
	ASSERT_FOLLOWS(ev, vm_end, comm);
	ASSERT_FOLLOWS(ev, comm, owner_comm);
	/* no tail padding: the size is the sum of the fields */
	assert_int_equal(sizeof(ev), offsetof(ev, owner_comm) + FIELD_SIZE(ev, owner_comm));
	assert_int_equal(sizeof(ev),
			 6 * 4 +	/* type, pid, tid, owner, vmas, mapped */
			 2 * 1 +	/* locked, contended */
			 6 +		/* pad */
			 8 * 8 +	/* rmap_one .. vm_end */
			 2 * 16);	/* comm, owner_comm */
	assert_int_equal(sizeof(ev), 128);
	assert_int_equal(offsetof(ev, rmap_one) % 8, 0);
	assert_int_equal(offsetof(ev, vm_end) % 8, 0);
	assert_int_equal(sizeof(ev) % 8, 0);
	assert_int_equal(FIELD_SIZE(ev, comm), 16);
	assert_int_equal(FIELD_SIZE(ev, owner_comm), 16);
}

static void anon_vma_values(void **state)
{
	struct mmr_chain_event c;
	struct mmr_walk_event w;

	/* 0 is never a valid type; both events say theirs in the first __u32 */
	assert_int_equal(MMR_AV_EV_CHAIN, 1);
	assert_int_equal(MMR_AV_EV_WALK, 2);
	assert_int_equal(offsetof(struct mmr_chain_event, type),
			 offsetof(struct mmr_walk_event, type));
	assert_int_equal(FIELD_SIZE(struct mmr_chain_event, type), 4);
	assert_int_equal(FIELD_SIZE(struct mmr_walk_event, type), 4);
	/* the kinds index mmr_chain_stats.events */
	assert_int_equal(MMR_CHAIN_FORK, 0);
	assert_int_equal(MMR_CHAIN_CLONE, 1);
	assert_int_equal(MMR_CHAIN_PREPARE, 2);
	assert_int_equal(MMR_NR_CHAIN_KINDS, 3);
	/* a chain length up to the cap fits length and a histogram slot */
	c.length = MMR_CHAIN_MAX;
	assert_int_equal(c.length, MMR_CHAIN_MAX);
	assert_true((1ULL << (MMR_HIST_SLOTS - 1)) > MMR_CHAIN_MAX);
	w.vmas = 0xffffffffu;	/* a count of VMAs needs no more than 32 bits */
	assert_int_equal(w.vmas, 0xffffffffu);
}

static void enum_counts(void **state)
{
	assert_int_equal(MMR_NR_REASONS, 9);
	assert_int_equal(MMR_REASON_UNATTRIBUTED, MMR_NR_REASONS - 1);
	assert_int_equal(MMR_REASON_NONE, 0xff);
	assert_int_equal(MMR_NR_VMA_KINDS, 5);
	assert_int_equal(MMR_NR_MODES, 4);
	/* the BPF side's `mode` defaults to 0: nothing selected */
	assert_int_equal(MMR_MODE_NONE, 0);
	assert_int_equal(FF_REASON0, 9);
	assert_int_equal(FF_NR, FF_REASON0 + MMR_NR_REASONS);
	assert_int_equal(NR_FNS, 16);	/* 9 for faults, 7 for anon_vma */
	assert_int_equal(NR_TPS, 9);
	/* NA is what a zeroed struct mmr_val says */
	assert_int_equal(VAL_NA, 0);
}

static void vm_fault_bits(void **state)
{
	static const unsigned bits[] = {
		MMR_VM_FAULT_OOM, MMR_VM_FAULT_SIGBUS, MMR_VM_FAULT_MAJOR,
		MMR_VM_FAULT_HWPOISON, MMR_VM_FAULT_HWPOISON_LARGE, MMR_VM_FAULT_SIGSEGV,
		MMR_VM_FAULT_RETRY, MMR_VM_FAULT_FALLBACK, MMR_VM_FAULT_COMPLETED,
	};
	unsigned seen = 0;
	size_t i;

	for (i = 0; i < ARRAY_LEN(bits); i++) {
		assert_int_equal(bits[i] & (bits[i] - 1), 0);	/* one bit each */
		assert_int_equal(seen & bits[i], 0);		/* distinct */
		seen |= bits[i];
	}
	/* a retry, a completion or a major fault is not an error */
	assert_int_equal(MMR_VM_FAULT_ERROR & (MMR_VM_FAULT_RETRY | MMR_VM_FAULT_COMPLETED |
					       MMR_VM_FAULT_MAJOR), 0);
	assert_int_equal(MMR_VM_FAULT_ERROR, 0x0873);	/* include/linux/mm_types.h */
	assert_int_equal(MMR_FAULT_FLAG_VMA_LOCK & (MMR_FAULT_FLAG_WRITE | MMR_FAULT_FLAG_TRIED |
						    MMR_FAULT_FLAG_USER), 0);
}

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
		cmocka_unit_test(retry_event_layout),
		cmocka_unit_test(record_event_layouts),
		cmocka_unit_test(retry_event_fields_hold_values),
		cmocka_unit_test(counters_only_u64),
		cmocka_unit_test(lock_hist_layout),
		cmocka_unit_test(lock_key_layout),
		cmocka_unit_test(lock_stats_layout),
		cmocka_unit_test(lock_event_layout),
		cmocka_unit_test(lock_event_values),
		cmocka_unit_test(chain_stats_layout),
		cmocka_unit_test(walk_key_layout),
		cmocka_unit_test(walk_stats_layout),
		cmocka_unit_test(chain_event_layout),
		cmocka_unit_test(walk_event_layout),
		cmocka_unit_test(anon_vma_values),
		cmocka_unit_test(enum_counts),
		cmocka_unit_test(vm_fault_bits),
		cmocka_unit_test(name_tables_complete),
	};

	return cmocka_run_group_tests(test_abi, NULL, NULL);
}
