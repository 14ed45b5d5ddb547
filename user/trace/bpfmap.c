// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "trace/bpfmap.h"

uint64_t percpu_u64_sum(const struct bpf_map *map)
{
	int ncpus = libbpf_num_possible_cpus(), c;
	__u64 *percpu, sum = 0;
	__u32 zero = 0;

	if (ncpus <= 0 || !(percpu = calloc(ncpus, sizeof(*percpu))))
		return 0;
	if (!bpf_map__lookup_elem(map, &zero, sizeof(zero), percpu, ncpus * sizeof(*percpu), 0))
		for (c = 0; c < ncpus; c++)
			sum += percpu[c];
	free(percpu);
	return sum;
}

size_t prog_guard_of(const char *name)
{
	size_t n = strlen(name);

	return n > 6 && !strcmp(name + n - 6, "_guard") ? n - 6 : 0;
}

uint64_t prog_recursion_misses(const struct bpf_object *obj)
{
	struct bpf_program *prog;
	uint64_t sum = 0;

	if (!obj)
		return 0;
	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (prog_guard_of(bpf_program__name(prog)))
			continue;	/* a guard's skip loses nothing */
		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

int percpu_hash_each(const struct bpf_map *map, size_t key_size, size_t value_size,
		     percpu_entry_fn fn, void *ctx)
{
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	char *key, *next, *values;
	void *prev = NULL;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	key = malloc(key_size);
	next = malloc(key_size);
	values = calloc(ncpus, value_size);
	if (!key || !next || !values) {
		err = -ENOMEM;
		goto out;
	}
	while (!bpf_map__get_next_key(map, prev, next, key_size)) {
		memcpy(key, next, key_size);
		prev = key;
		if (bpf_map__lookup_elem(map, key, key_size, values, ncpus * value_size, 0))
			continue;	/* deleted meanwhile */
		err = fn(ctx, key, values, ncpus);
		if (err)
			break;
	}
out:
	free(key);
	free(next);
	free(values);
	return err;
}

uint64_t prog_missed_runs(const struct bpf_object *obj, const struct bpf_map *covered)
{
	uint64_t skipped = prog_recursion_misses(obj), made_up = percpu_u64_sum(covered);

	return skipped > made_up ? skipped - made_up : 0;
}
