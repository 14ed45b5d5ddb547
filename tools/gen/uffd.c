// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * uffd: reads of missing pages a userfaultfd handler thread fills with
 * UFFDIO_COPY (userfaultfd retries).
 */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif

struct uffd_handler {
	int uffd, stopfd;
	void *src;
	unsigned long served;
};

static void *uffd_serve(void *arg)
{
	struct uffd_handler *h = arg;
	struct pollfd pfd[2] = { { h->uffd, POLLIN, 0 }, { h->stopfd, POLLIN, 0 } };
	struct uffd_msg msgs[16];

	for (;;) {
		ssize_t n;
		int i;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_sys("poll");
		}
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			die_msg("poll: userfaultfd reported an error");
		if (pfd[0].revents & POLLIN) {
			n = read(h->uffd, msgs, sizeof(msgs));
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					continue;
				die_sys("read(userfaultfd)");
			}
			for (i = 0; i < n / (ssize_t)sizeof(msgs[0]); i++) {
				struct uffdio_copy copy;

				if (msgs[i].event != UFFD_EVENT_PAGEFAULT)
					continue;
				memset(&copy, 0, sizeof(copy));
				copy.dst = msgs[i].arg.pagefault.address & ~(uint64_t)(page_size - 1);
				copy.src = (uintptr_t)h->src;
				copy.len = page_size;
				if (ioctl(h->uffd, UFFDIO_COPY, &copy)) {
					struct uffdio_range wake = { copy.dst, page_size };

					if (errno != EEXIST)
						die_sys("ioctl(UFFDIO_COPY)");
					if (ioctl(h->uffd, UFFDIO_WAKE, &wake))
						die_sys("ioctl(UFFDIO_WAKE)");
				}
				h->served++;
			}
			continue;
		}
		if (pfd[1].revents)
			return NULL;
	}
}

static int open_userfaultfd(void)
{
	int flags = O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY;
	int fd, dev, err;

	fd = (int)syscall(SYS_userfaultfd, flags);
	if (fd < 0 && errno == EINVAL) {
		/* UFFD_USER_MODE_ONLY is 5.11+. */
		flags &= ~UFFD_USER_MODE_ONLY;
		fd = (int)syscall(SYS_userfaultfd, flags);
	}
	if (fd >= 0)
		return fd;
	if (errno != EPERM && errno != ENOSYS)
		die_sys("userfaultfd");
	err = errno;
	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev < 0 && errno == ENOENT) {
		errno = err;
		die_sys("userfaultfd");
	}
	if (dev < 0)
		die_sys("open(/dev/userfaultfd)");
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
	if (fd < 0)
		die_sys("ioctl(USERFAULTFD_IOC_NEW)");
	close(dev);
	return fd;
}

void run_uffd(const struct job *job)
{
	unsigned long nfaults = job->count;
	struct totals *tot = job->tot;
	size_t len = nfaults * page_size, i;
	struct uffd_handler h = { 0 };
	struct uffdio_register reg;
	struct uffdio_api api;
	const volatile unsigned char *p;
	struct faults f0, f;
	double t0, elapsed;
	int pipefd[2], err;
	pthread_t thread;
	void *map;

	h.uffd = open_userfaultfd();
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	if (ioctl(h.uffd, UFFDIO_API, &api))
		die_sys("ioctl(UFFDIO_API)");

	/* one userfault per page: no huge-page fault covering many pages */
	map = anon_map(len);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)map;
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(h.uffd, UFFDIO_REGISTER, &reg))
		die_sys("ioctl(UFFDIO_REGISTER)");
	if (!(reg.ioctls & (1ULL << _UFFDIO_COPY)))
		die_msg("ioctl(UFFDIO_REGISTER): UFFDIO_COPY not offered for this range");

	h.src = aligned_alloc(page_size, page_size);
	if (!h.src)
		die_sys("aligned_alloc");
	memset(h.src, 0x5a, page_size);
	if (pipe2(pipefd, O_CLOEXEC))
		die_sys("pipe2");
	h.stopfd = pipefd[0];
	err = pthread_create(&thread, NULL, uffd_serve, &h);
	if (err) {
		errno = err;
		die_sys("pthread_create");
	}

	/*
	 * A read of a missing anonymous page reaches handle_userfault (also via
	 * do_anonymous_page's zero-page path), which queues the message, drops
	 * the fault lock, sleeps until UFFDIO_COPY wakes it and returns
	 * VM_FAULT_RETRY.
	 */
	p = map;
	f0 = faults_now(RUSAGE_SELF);
	t0 = now();
	for (i = 0; i < nfaults; i++)
		sink += p[i * page_size];
	elapsed = now() - t0;
	f = faults_since(RUSAGE_SELF, f0);

	if (write(pipefd[1], "", 1) != 1)
		die_sys("write(pipe)");
	err = pthread_join(thread, NULL);
	if (err) {
		errno = err;
		die_sys("pthread_join");
	}
	close(pipefd[0]);
	close(pipefd[1]);
	if (munmap(map, len))
		die_sys("munmap");
	close(h.uffd);
	free(h.src);

	range_add(&tot->retries, exact(h.served));
	range_add(&tot->userfaultfd, exact(h.served));

	if (opt.json) {
		json_head("uffd", nfaults);
		json_expect(exact(h.served), "userfaultfd", 0, 0);
		printf(",\"observed\":{\"served\":%lu,", h.served);
		json_faults(f, elapsed);
		putchar('}');
		json_tail();
	}
	human("uffd: read %lu pages, handler served %lu messages in %.2f s\n"
	      "  expect %lu retries (userfaultfd); getrusage majflt +%ld minflt +%ld\n",
	      nfaults, h.served, elapsed, h.served, f.majflt, f.minflt);
	finish_output();
}
