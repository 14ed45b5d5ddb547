/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * unit.h: what every tests/unit/test_*.c includes: cmocka (which needs these
 * headers first, in this order).
 */
#ifndef MMRETRY_UNIT_H
#define MMRETRY_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A long mmap_lock hold or wait (bpf/mmap_lock.h) from start to end, as
 * the BPF program streams it; no stacks. */
#define LOCK_EVENT(kind_, write_, pid_, tid_, comm_, mm_, start_, end_) ({	\
	struct mmr_lock_event e_;						\
									\
	memset(&e_, 0, sizeof(e_));					\
	e_.type = MMR_EV_LOCK_LONG;					\
	e_.kind = (kind_);						\
	e_.write = (write_);						\
	e_.pid = (pid_);						\
	e_.tid = (tid_);						\
	e_.mm = (mm_);							\
	e_.ts_ns = (end_);						\
	e_.dur_ns = (end_) - (start_);					\
	e_.success = 1;							\
	memcpy(e_.comm, (comm_), strnlen((comm_), sizeof(e_.comm)));	\
	e_;								\
})

/* What `call` writes to the stream fp (which the macro declares), as a
 * NUL-terminated string to free(). */
#define PRINTED(fp, call) ({						\
	char *printed_ = NULL;						\
	size_t printed_len_ = 0;					\
	FILE *fp = open_memstream(&printed_, &printed_len_);		\
									\
	assert_non_null(fp);						\
	call;								\
	assert_int_equal(fclose(fp), 0);				\
	assert_non_null(printed_);					\
	printed_;							\
})

#endif
