// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_kfeatures.c: features_scan_btf() on small BTF built here with
 * libbpf's btf__add_*(), shaped like the pieces of vmlinux BTF it reads.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>

#include "trace/kfeatures.h"
#include "unit.h"

/* A BTF under construction, with the types the kernel's prototypes use. */
struct kbtf {
	struct btf *btf;
	int int_id, uint_id, char_id, bool_int;	/* base types */
	int bool_td;			/* typedef _Bool bool, as the kernel has it */
	int vm_fault_t;			/* typedef unsigned int vm_fault_t */
	int void_ptr, mm_ptr, const_char_ptr, folio_ptr, vmf_ptr;
};

static int ok_id(int id)
{
	if (id <= 0)
		fail_msg("btf__add_*() failed: %d", id);
	return id;
}

static int add_struct_ptr(struct btf *btf, const char *name)
{
	return ok_id(btf__add_ptr(btf, ok_id(btf__add_fwd(btf, name, BTF_FWD_STRUCT))));
}

static struct kbtf kbtf_new(void)
{
	struct kbtf k;

	memset(&k, 0, sizeof(k));
	k.btf = btf__new_empty();
	assert_non_null(k.btf);
	k.int_id = ok_id(btf__add_int(k.btf, "int", 4, BTF_INT_SIGNED));
	k.uint_id = ok_id(btf__add_int(k.btf, "unsigned int", 4, 0));
	k.char_id = ok_id(btf__add_int(k.btf, "char", 1, BTF_INT_CHAR));
	k.bool_int = ok_id(btf__add_int(k.btf, "_Bool", 1, BTF_INT_BOOL));
	k.bool_td = ok_id(btf__add_typedef(k.btf, "bool", k.bool_int));
	k.vm_fault_t = ok_id(btf__add_typedef(k.btf, "vm_fault_t", k.uint_id));
	k.void_ptr = ok_id(btf__add_ptr(k.btf, 0));
	k.mm_ptr = add_struct_ptr(k.btf, "mm_struct");
	k.const_char_ptr = ok_id(btf__add_ptr(k.btf, ok_id(btf__add_const(k.btf, k.char_id))));
	k.folio_ptr = add_struct_ptr(k.btf, "folio");
	k.vmf_ptr = add_struct_ptr(k.btf, "vm_fault");
	return k;
}

/* A FUNC_PROTO returning ret (0 = void) with the given parameter types. */
static int add_proto(struct kbtf *k, int ret, int nparams, const int *params)
{
	int id = ok_id(btf__add_func_proto(k->btf, ret));
	int i;

	for (i = 0; i < nparams; i++)
		assert_int_equal(btf__add_func_param(k->btf, "", params[i]), 0);
	return id;
}

#define PROTO(k, ret, ...)							\
	({									\
		const int p_[] = { __VA_ARGS__ };				\
		add_proto(k, ret, ARRAY_LEN(p_), p_);				\
	})

/* A kernel function: FUNC name -> FUNC_PROTO. */
static void add_func(struct kbtf *k, const char *name, int proto)
{
	ok_id(btf__add_func(k->btf, name, BTF_FUNC_GLOBAL, proto));
}

/* A function whose prototype does not matter: int name(int). */
static void add_plain_func(struct kbtf *k, const char *name)
{
	add_func(k, name, PROTO(k, k->int_id, k->int_id));
}

/* A tracepoint: typedef void (*btf_trace_<name>)(void *, ...). */
static void add_tp(struct kbtf *k, const char *tp, int proto)
{
	char name[128];

	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	ok_id(btf__add_typedef(k->btf, name, ok_id(btf__add_ptr(k->btf, proto))));
}

static void add_plain_tp(struct kbtf *k, const char *tp)
{
	add_tp(k, tp, PROTO(k, 0, k->void_ptr, k->int_id));
}

/* The result of scanning k into a zeroed struct features. */
static struct features scan(struct kbtf *k)
{
	struct features f;

	memset(&f, 0, sizeof(f));
	features_scan_btf(k->btf, &f);
	return f;
}

static void kbtf_free(struct kbtf *k)
{
	btf__free(k->btf);
	k->btf = NULL;
}

/* ---- the mmap_lock tracepoint prototype ---- */

/* <= 6.13: TP_PROTO(struct mm_struct *mm, const char *memcg_path, bool write) */
static void mmap_lock_old_proto(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;

	add_tp(&k, "mmap_lock_start_locking",
	       PROTO(&k, 0, k.void_ptr, k.mm_ptr, k.const_char_ptr, k.bool_td));
	f = scan(&k);
	assert_true(f.tp[TP_MMAP_LOCK_START_LOCKING]);
	assert_true(f.mmap_lock_memcg_path);
	kbtf_free(&k);
}

/* 6.14+: TP_PROTO(struct mm_struct *mm, bool write) */
static void mmap_lock_new_proto(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;

	add_tp(&k, "mmap_lock_start_locking", PROTO(&k, 0, k.void_ptr, k.mm_ptr, k.bool_td));
	f = scan(&k);
	assert_true(f.tp[TP_MMAP_LOCK_START_LOCKING]);
	assert_false(f.mmap_lock_memcg_path);

	/* a stale true from an earlier scan is overwritten */
	f.mmap_lock_memcg_path = true;
	features_scan_btf(k.btf, &f);
	assert_false(f.mmap_lock_memcg_path);
	kbtf_free(&k);
}

/* Only start_locking decides: the other mmap_lock tracepoints had one more
 * argument (success) in the old prototype and must not confuse the scan. */
static void mmap_lock_other_tps_ignored(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;

	add_tp(&k, "mmap_lock_acquire_returned",
	       PROTO(&k, 0, k.void_ptr, k.mm_ptr, k.bool_td, k.bool_td));
	add_tp(&k, "mmap_lock_start_locking", PROTO(&k, 0, k.void_ptr, k.mm_ptr, k.bool_td));
	f = scan(&k);
	assert_true(f.tp[TP_MMAP_LOCK_ACQUIRE_RETURNED]);
	assert_false(f.mmap_lock_memcg_path);
	kbtf_free(&k);
}

/* ---- __folio_lock_or_retry's return type ---- */

/* 6.1: bool __folio_lock_or_retry(struct folio *, struct mm_struct *, unsigned int),
 * here with the return type straight to the 1-byte BOOL int. */
static void folio_lock_or_retry_bool_int(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;

	add_func(&k, "__folio_lock_or_retry",
		 PROTO(&k, k.bool_int, k.folio_ptr, k.mm_ptr, k.uint_id));
	f = scan(&k);
	assert_true(f.fn_btf[FN_FOLIO_LOCK_OR_RETRY]);
	assert_true(f.folio_lock_or_retry_bool);
	kbtf_free(&k);
}

/* 6.5+: vm_fault_t __folio_lock_or_retry(struct folio *, struct vm_fault *) */
static void folio_lock_or_retry_vm_fault_t(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;

	add_func(&k, "__folio_lock_or_retry", PROTO(&k, k.vm_fault_t, k.folio_ptr, k.vmf_ptr));
	f = scan(&k);
	assert_true(f.fn_btf[FN_FOLIO_LOCK_OR_RETRY]);
	assert_false(f.folio_lock_or_retry_bool);

	f.folio_lock_or_retry_bool = true;
	features_scan_btf(k.btf, &f);
	assert_false(f.folio_lock_or_retry_bool);
	kbtf_free(&k);
}

/* An int that is not BOOL-encoded is not a bool, even of bool's size. */
static void folio_lock_or_retry_plain_int(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;

	add_func(&k, "__folio_lock_or_retry", PROTO(&k, k.uint_id, k.folio_ptr, k.vmf_ptr));
	f = scan(&k);
	assert_false(f.folio_lock_or_retry_bool);
	kbtf_free(&k);

	k = kbtf_new();
	add_func(&k, "__folio_lock_or_retry",
		 PROTO(&k, ok_id(btf__add_int(k.btf, "unsigned char", 1, 0)),
		       k.folio_ptr, k.mm_ptr, k.uint_id));
	f = scan(&k);
	assert_false(f.folio_lock_or_retry_bool);
	kbtf_free(&k);
}

/*
 * Real vmlinux BTF: a function returning bool returns the TYPEDEF 'bool'
 * (include/linux/types.h: typedef _Bool bool), which points at INT '_Bool'.
 * On 6.1 the scan must still see a bool.
 */
static void folio_lock_or_retry_bool_typedef(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;

	add_func(&k, "__folio_lock_or_retry",
		 PROTO(&k, k.bool_td, k.folio_ptr, k.mm_ptr, k.uint_id));
	f = scan(&k);
	kbtf_free(&k);
	assert_true(f.folio_lock_or_retry_bool);
}

/* ---- functions and tracepoints present ---- */

static void fn_and_tp_flags_exact(void **state)
{
	static const enum mmr_fn fns[] = {
		FN_HANDLE_MM_FAULT, FN_FILEMAP_FAULT, FN_DO_SWAP_PAGE, FN_SHMEM_FAULT,
	};
	static const enum mmr_tp tps[] = {
		TP_MM_FILEMAP_ADD_TO_PAGE_CACHE, TP_MMAP_LOCK_RELEASED, TP_SCHED_PROCESS_EXIT,
	};
	struct kbtf k = kbtf_new();
	struct features f;
	bool want_fn[NR_FNS] = { 0 }, want_tp[NR_TPS] = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_LEN(fns); i++) {
		add_plain_func(&k, mmr_fn_names[fns[i]]);
		want_fn[fns[i]] = true;
	}
	for (i = 0; i < ARRAY_LEN(tps); i++) {
		add_plain_tp(&k, mmr_tp_names[tps[i]]);
		want_tp[tps[i]] = true;
	}
	/* decoys: right name, wrong kind or spelling */
	ok_id(btf__add_typedef(k.btf, "handle_userfault", k.int_id));	/* not a FUNC */
	add_plain_func(&k, "btf_trace_page_fault_kernel");		/* not a TYPEDEF */
	ok_id(btf__add_typedef(k.btf, "mm_filemap_fault", k.void_ptr));	/* no prefix */
	add_plain_func(&k, "shmem_fault_");
	add_plain_func(&k, "lock_vma_under_rcu_x");
	add_plain_func(&k, "__folio_lock");

	f = scan(&k);
	for (i = 0; i < NR_FNS; i++)
		if (f.fn_btf[i] != want_fn[i])
			fail_msg("fn_btf[%s] = %d, want %d", mmr_fn_names[i], f.fn_btf[i],
				 want_fn[i]);
	for (i = 0; i < NR_TPS; i++)
		if (f.tp[i] != want_tp[i])
			fail_msg("tp[%s] = %d, want %d", mmr_tp_names[i], f.tp[i], want_tp[i]);
	assert_false(f.per_vma_locks);
	/* kallsyms is not the scan's business */
	for (i = 0; i < NR_FNS; i++)
		assert_false(f.fn_ksym[i]);
	kbtf_free(&k);
}

static void all_fns_and_tps(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;
	int i;

	for (i = 0; i < NR_FNS; i++)
		add_plain_func(&k, mmr_fn_names[i]);
	for (i = 0; i < NR_TPS; i++)
		add_plain_tp(&k, mmr_tp_names[i]);
	f = scan(&k);
	for (i = 0; i < NR_FNS; i++)
		assert_true(f.fn_btf[i]);
	for (i = 0; i < NR_TPS; i++)
		assert_true(f.tp[i]);
	assert_true(f.per_vma_locks);
	kbtf_free(&k);
}

/* A scan sets every flag, also to false: nothing survives from before. */
static void scan_clears_absent(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;
	int i;

	add_plain_func(&k, "handle_mm_fault");
	memset(&f, 0, sizeof(f));
	for (i = 0; i < NR_FNS; i++)
		f.fn_btf[i] = true;
	for (i = 0; i < NR_TPS; i++)
		f.tp[i] = true;
	f.per_vma_locks = true;
	features_scan_btf(k.btf, &f);
	for (i = 0; i < NR_FNS; i++)
		assert_int_equal(f.fn_btf[i], i == FN_HANDLE_MM_FAULT);
	for (i = 0; i < NR_TPS; i++)
		assert_false(f.tp[i]);
	assert_false(f.per_vma_locks);
	kbtf_free(&k);
}

static void per_vma_locks_follows_lock_vma_under_rcu(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;

	add_plain_func(&k, "handle_mm_fault");
	f = scan(&k);
	assert_false(f.per_vma_locks);
	assert_false(f.fn_btf[FN_LOCK_VMA_UNDER_RCU]);

	add_plain_func(&k, "lock_vma_under_rcu");
	f = scan(&k);
	assert_true(f.per_vma_locks);
	assert_true(f.fn_btf[FN_LOCK_VMA_UNDER_RCU]);
	kbtf_free(&k);
}

/* An empty BTF: nothing found, nothing invented. */
static void empty_btf(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f = scan(&k), zero;

	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(&f, &zero, sizeof(f));
	kbtf_free(&k);
}

/* A whole 6.1-shaped and a whole 7.2-shaped BTF. */
static void kernel_shapes(void **state)
{
	struct kbtf k = kbtf_new();
	struct features f;
	int i;

	for (i = 0; i < NR_FNS; i++)
		if (i != FN_LOCK_VMA_UNDER_RCU && i != FN_VMF_ANON_PREPARE &&
		    i != FN_FOLIO_LOCK_OR_RETRY)
			add_plain_func(&k, mmr_fn_names[i]);
	add_func(&k, "__folio_lock_or_retry",
		 PROTO(&k, k.bool_int, k.folio_ptr, k.mm_ptr, k.uint_id));
	for (i = 0; i < NR_TPS; i++)
		if (i != TP_MMAP_LOCK_START_LOCKING && i != TP_MM_FILEMAP_FAULT)
			add_plain_tp(&k, mmr_tp_names[i]);
	add_tp(&k, "mmap_lock_start_locking",
	       PROTO(&k, 0, k.void_ptr, k.mm_ptr, k.const_char_ptr, k.bool_td));
	f = scan(&k);
	assert_false(f.per_vma_locks);
	assert_false(f.fn_btf[FN_VMF_ANON_PREPARE]);
	assert_false(f.tp[TP_MM_FILEMAP_FAULT]);
	assert_true(f.fn_btf[FN_FOLIO_LOCK_OR_RETRY]);
	assert_true(f.folio_lock_or_retry_bool);
	assert_true(f.mmap_lock_memcg_path);
	kbtf_free(&k);

	k = kbtf_new();
	for (i = 0; i < NR_FNS; i++)
		if (i != FN_FOLIO_LOCK_OR_RETRY)
			add_plain_func(&k, mmr_fn_names[i]);
	add_func(&k, "__folio_lock_or_retry", PROTO(&k, k.vm_fault_t, k.folio_ptr, k.vmf_ptr));
	for (i = 0; i < NR_TPS; i++)
		if (i != TP_MMAP_LOCK_START_LOCKING)
			add_plain_tp(&k, mmr_tp_names[i]);
	add_tp(&k, "mmap_lock_start_locking", PROTO(&k, 0, k.void_ptr, k.mm_ptr, k.bool_td));
	f = scan(&k);
	assert_true(f.per_vma_locks);
	assert_true(f.fn_btf[FN_VMF_ANON_PREPARE]);
	assert_true(f.tp[TP_MM_FILEMAP_FAULT]);
	assert_false(f.folio_lock_or_retry_bool);
	assert_false(f.mmap_lock_memcg_path);
	kbtf_free(&k);
}

/* sched/preempt in debugfs names the mode in use; uname -v the build's */
static void preempt_model(void **state)
{
	struct features f;

	(void)state;
	memset(&f, 0, sizeof(f));
	features_parse_preempt(&f, "none voluntary full (lazy) \n", "#1 SMP PREEMPT_DYNAMIC");
	assert_string_equal(f.preempt, "lazy");
	assert_string_equal(f.preempt_from, "debugfs");
	features_parse_preempt(&f, "none (voluntary) full lazy\n", NULL);
	assert_string_equal(f.preempt, "voluntary");
	/* debugfs unreadable: the build's model, dynamic as such */
	features_parse_preempt(&f, NULL, "#1 SMP PREEMPT_DYNAMIC Debian 6.12.12-1");
	assert_string_equal(f.preempt, "dynamic");
	assert_string_equal(f.preempt_from, "uname -v");
	features_parse_preempt(&f, NULL, "#1 SMP PREEMPT_RT Debian 6.12.12-1");
	assert_string_equal(f.preempt, "rt");
	features_parse_preempt(&f, NULL, "#1 SMP PREEMPT Tue Jan 1");
	assert_string_equal(f.preempt, "full");
	features_parse_preempt(&f, NULL, "#1 SMP Debian 6.1.0");
	assert_string_equal(f.preempt, "voluntary");
	/* a malformed line is not trusted */
	features_parse_preempt(&f, "none voluntary full lazy", "#1 SMP PREEMPT_DYNAMIC");
	assert_string_equal(f.preempt, "dynamic");
	features_parse_preempt(&f, NULL, NULL);
	assert_string_equal(f.preempt, "");
}

int main(void)
{
	const struct CMUnitTest test_kfeatures[] = {
		cmocka_unit_test(mmap_lock_old_proto),
		cmocka_unit_test(mmap_lock_new_proto),
		cmocka_unit_test(mmap_lock_other_tps_ignored),
		cmocka_unit_test(folio_lock_or_retry_bool_int),
		cmocka_unit_test(folio_lock_or_retry_vm_fault_t),
		cmocka_unit_test(folio_lock_or_retry_plain_int),
		cmocka_unit_test(folio_lock_or_retry_bool_typedef),
		cmocka_unit_test(fn_and_tp_flags_exact),
		cmocka_unit_test(all_fns_and_tps),
		cmocka_unit_test(scan_clears_absent),
		cmocka_unit_test(preempt_model),
		cmocka_unit_test(per_vma_locks_follows_lock_vma_under_rcu),
		cmocka_unit_test(empty_btf),
		cmocka_unit_test(kernel_shapes),
	};

	return cmocka_run_group_tests(test_kfeatures, NULL, NULL);
}
