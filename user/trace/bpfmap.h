/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * bpfmap.h: reading the loaders' per-CPU maps, once for all of them: a
 * per-CPU u64 summed over CPUs, each entry of a per-CPU hash with its
 * values of every CPU, and the rows the loaders build from them.
 */
#ifndef MMRETRY_BPFMAP_H
#define MMRETRY_BPFMAP_H

#include <stddef.h>
#include <stdint.h>

struct bpf_map;
struct bpf_object;

/* The per-CPU u64 at key 0 of a per-CPU array, summed; 0 if unreadable. */
uint64_t percpu_u64_sum(const struct bpf_map *map);

/*
 * fn(ctx, key, values) for each entry of a per-CPU hash, values holding
 * ncpus values of value_size bytes (libbpf_num_possible_cpus()); entries
 * deleted meanwhile are skipped. 0, fn's first non-zero return, or -errno.
 */
typedef int (*percpu_entry_fn)(void *ctx, const void *key, const void *values, int ncpus);
int percpu_hash_each(const struct bpf_map *map, size_t key_size, size_t value_size,
		     percpu_entry_fn fn, void *ctx);

/*
 * Runs of obj's loaded programs the kernel skipped because the same
 * program was already running on that CPU (bpf_prog_info's
 * recursion_misses): a run preempted inside a program, possible wherever
 * BPF programs are preemptible (fentry/fexit, and tracepoints on newer
 * kernels with full or lazy preemption). Events of any process may be
 * missing, up to this many. 0 if unreadable or obj is NULL. Preemption
 * guards (programs named *_guard, bpf/guard.bpf.h) are left out: the
 * skip of a guard loses nothing, since its program ran.
 */
uint64_t prog_recursion_misses(const struct bpf_object *obj);
/* If name is a preemption guard's (NAME_guard), the length of its
 * program's name (NAME); else 0. */
size_t prog_guard_of(const char *name);
/* The runs of obj's programs the kernel skipped, less those the guards
 * made up for (covered: the object's guard_covered, bpf/guard.bpf.h). */
uint64_t prog_missed_runs(const struct bpf_object *obj, const struct bpf_map *covered);

/* A new zeroed element at the end of *arr (n elements of size, room for
 * *cap), growing it; NULL if memory ran out (*arr is kept). */

#endif
