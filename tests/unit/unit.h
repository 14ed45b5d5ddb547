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
#include <setjmp.h>
#include <cmocka.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
