// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * floor: run a command under one of tests/bench/floor.bpf.c's reference
 * tracers, or none.
 *
 *   floor OBJ floor|idle|lockfloor|lockclock|none -- COMMAND [ARG...]
 *
 * Attaches OBJ's programs named floor_* (fentry and fexit on
 * handle_mm_fault), idle_* (the same on a function nothing calls),
 * lockfloor_* or lockclock_* (the mmap_lock tracepoints: floor.bpf.c), or
 * none (the same process tree, for an untraced run to compare with), runs
 * COMMAND (its output is its own), detaches, prints the entry and exit
 * counts on stderr and exits with COMMAND's status. A benchmark tool: it is
 * not installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static unsigned long long sum(int fd, __u32 key)
{
	int ncpus = libbpf_num_possible_cpus(), c;
	unsigned long long total = 0;
	__u64 *v;

	if (ncpus <= 0 || !(v = calloc(ncpus, sizeof(*v))))
		return 0;
	if (!bpf_map_lookup_elem(fd, &key, v))
		for (c = 0; c < ncpus; c++)
			total += v[c];
	free(v);
	return total;
}

/* Run cmd, wait for it, print obj's counts (if any); its exit status. */
static int run(char **cmd, struct bpf_object *obj)
{
	int status = 0, fd;
	pid_t pid = fork();

	if (pid == 0) {
		execvp(cmd[0], cmd);
		fprintf(stderr, "floor: cannot run %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "floor: %s\n", strerror(errno));
		return 1;
	}
	if (obj) {
		fd = bpf_object__find_map_fd_by_name(obj, "hits");
		fprintf(stderr, "floor: handle_mm_fault entries %llu, exits %llu\n", sum(fd, 0),
			sum(fd, 1));
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	static const char *const kinds[] = { "floor", "idle", "lockfloor", "lockclock", "none" };
	struct bpf_link *links[3] = { 0 };
	char prefix[16];
	int n = 0, status, i, k = -1;

	for (i = 0; argc >= 5 && i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
		if (!strcmp(argv[2], kinds[i]))
			k = i;
	if (k < 0 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: floor OBJ floor|idle|lockfloor|lockclock|none -- COMMAND [ARG...]\n");
		return 2;
	}
	if (!strcmp(argv[2], "none"))
		return run(argv + 4, NULL);
	snprintf(prefix, sizeof(prefix), "%s_", argv[2]);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strncmp(bpf_program__name(prog), prefix,
							 strlen(prefix)));
	if (bpf_object__load(obj)) {
		fprintf(stderr, "floor: cannot load %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (n == 3 || !(links[n++] = bpf_program__attach(prog))) {
			fprintf(stderr, "floor: cannot attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return 1;
		}
	}
	status = run(argv + 4, k < 2 ? obj : NULL);
	for (i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
	return status;
}
