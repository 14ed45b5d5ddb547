// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/acct.h"

int acct_parse_stat(const char *line, struct acct_count *c)
{
	unsigned long long minflt, majflt;
	const char *p = strrchr(line, ')');	/* comm may hold spaces and ')' */

	/* ") state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt" */
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %llu %*u %llu",
			 &minflt, &majflt) != 2)
		return -EINVAL;
	c->faults = minflt + majflt;
	c->major = majflt;
	return 0;
}

int acct_parse_vmstat(FILE *fp, struct acct_count *c)
{
	char name[64];
	unsigned long long v;
	int seen = 0;

	while (fscanf(fp, "%63s %llu", name, &v) == 2) {
		if (!strcmp(name, "pgfault")) {
			c->faults = v;
			seen |= 1;
		} else if (!strcmp(name, "pgmajfault")) {
			c->major = v;
			seen |= 2;
		}
	}
	return seen == 3 ? 0 : -EINVAL;
}

static int read_stat_at(int dirfd, const char *name, struct acct_count *c)
{
	char path[64], buf[1024];
	struct acct_count one;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/stat", name);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;	/* a thread that just exited */
	buf[n] = '\0';
	if (acct_parse_stat(buf, &one))
		return -EINVAL;
	c->faults += one.faults;
	c->major += one.major;
	return 0;
}

int acct_add_process(pid_t tgid, struct acct_count *c)
{
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)tgid);
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ESRCH : -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		/* a thread gone since the listing has its count in exit_* */
		read_stat_at(dirfd(dir), d->d_name, c);
	}
	closedir(dir);
	return 0;
}

int acct_add_cgroup(int cgroup_fd, struct acct_count *c)
{
	char path[64];
	struct dirent *d;
	FILE *fp;
	DIR *dir;
	int fd, tid, err = 0;

	fd = openat(cgroup_fd, "cgroup.threads", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fp = fdopen(fd, "r");
	if (!fp) {
		close(fd);
		return -errno;
	}
	fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	while (fd >= 0 && fscanf(fp, "%d", &tid) == 1) {
		/* /proc/TID/task/TID: that thread alone (/proc/TID is its process) */
		snprintf(path, sizeof(path), "%d/task/%d", tid, tid);
		read_stat_at(fd, path, c);
	}
	if (fd < 0)
		err = -errno;
	else
		close(fd);
	fclose(fp);
	if (err)
		return err;

	/* the subtree: every child directory is a child cgroup */
	fd = openat(cgroup_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	while ((d = readdir(dir))) {
		int sub;

		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		sub = openat(dirfd(dir), d->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub < 0)
			continue;	/* removed meanwhile */
		err = acct_add_cgroup(sub, c);
		close(sub);
		if (err && err != -ENOENT)
			break;
		err = 0;
	}
	closedir(dir);
	return err;
}

int acct_system(struct acct_count *c)
{
	FILE *fp = fopen("/proc/vmstat", "r");
	int err;

	if (!fp)
		return -errno;
	err = acct_parse_vmstat(fp, c);
	fclose(fp);
	return err;
}

static uint64_t sub_floor0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void acct_complete(struct mmr_fault_counters *sum, const struct acct_count *start,
		   const struct acct_count *now, bool system, bool per_vma_locks)
{
	uint64_t faults, major, vma;

	if (system) {
		faults = sub_floor0(now->faults, start->faults);
		major = sub_floor0(now->major, start->major);
	} else {
		faults = sub_floor0(sum->exit_faults + now->faults, start->faults);
		major = sub_floor0(sum->exit_major + now->major, start->major);
	}
	sum->faults = faults;
	sum->major = major;
	/*
	 * With per-VMA locks every user fault begins under the VMA lock;
	 * kernel-mode faults begin under mmap_lock, and the tracepoints saw
	 * those that did. Without per-VMA locks every attempt takes mmap_lock.
	 */
	vma = per_vma_locks ? sub_floor0(faults, sum->kernel_faults) : 0;
	sum->vma_lock_attempts = vma;
	sum->attempts = vma + sum->mmap_lock_attempts;
}
