// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"

int mmr_verbose;

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "mmretry: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void mmr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void mmr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

/* -v: each line says when, in seconds since the first message, so the
 * start-up's steps show where the time goes */
void mmr_debug(const char *fmt, ...)
{
	static double t0;
	char when[32];
	va_list ap;

	if (!mmr_verbose)
		return;
	if (!t0)
		t0 = mono_now();
	snprintf(when, sizeof(when), "[%.3f] ", mono_now() - t0);
	va_start(ap, fmt);
	vmsg(when, fmt, ap);
	va_end(ap);
}

double mmr_took(double t0, const char *fmt, ...)
{
	double now = mono_now();
	char what[96];
	va_list ap;

	if (!mmr_verbose)
		return now;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	mmr_debug("took: %-22s %6.1f ms", what, (now - t0) * 1e3);
	return now;
}

int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull() skips blanks and takes a sign after them: " -1" is 2^64-1 */
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end || end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_duration(const char *s, double *secs)
{
	double v, mult = 1;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -EINVAL;
	if (!strcmp(end, "us"))
		mult = 1e-6;
	else if (!strcmp(end, "ms"))
		mult = 1e-3;
	else if (!strcmp(end, "s") || !*end)
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60;
	else if (!strcmp(end, "h"))
		mult = 3600;
	else
		return -EINVAL;
	v *= mult;
	if (v <= 0)
		return -ERANGE;
	*secs = v;
	return 0;
}

int parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	uint64_t mult = 1;
	char *end;

	if (!s || !*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (!strcmp(end, "k") || !strcmp(end, "K"))
		mult = 1ULL << 10;
	else if (!strcmp(end, "m") || !strcmp(end, "M"))
		mult = 1ULL << 20;
	else if (!strcmp(end, "g") || !strcmp(end, "G"))
		mult = 1ULL << 30;
	else if (*end)
		return -EINVAL;
	if (v > (1ULL << 30) / mult || v * mult < 4096)
		return -ERANGE;
	*bytes = v * mult;
	return 0;
}

/* sep between the number and the unit: " " in reports, "" in top's columns */
static const char *fmt_ns_sep(char *buf, size_t len, uint64_t ns, const char *sep)
{
	/* the thresholds round: 999,960 ns is "1.0 ms", not "1000.0 us" */
	if (ns < 1000)
		snprintf(buf, len, "%llu%sns", (unsigned long long)ns, sep);
	else if (ns < 999950)
		snprintf(buf, len, "%.1f%sus", ns / 1e3, sep);
	else if (ns < 999950000)
		snprintf(buf, len, "%.1f%sms", ns / 1e6, sep);
	else
		snprintf(buf, len, "%.2f%ss", ns / 1e9, sep);
	return buf;
}

const char *fmt_ns(char *buf, size_t len, uint64_t ns)
{
	return fmt_ns_sep(buf, len, ns, " ");
}

const char *fmt_ns_narrow(char *buf, size_t len, uint64_t ns)
{
	return fmt_ns_sep(buf, len, ns, "");
}

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

int check_bpf_privileges(char *what, size_t len)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { 0 };
	uint64_t eff;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	eff = data[0].effective | ((uint64_t)data[1].effective << 32);
	if (eff & (1ULL << CAP_SYS_ADMIN))
		return 0;
	if ((eff & (1ULL << CAP_BPF)) && (eff & (1ULL << CAP_PERFMON)))
		return 0;
	snprintf(what, len, "root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)");
	return -EPERM;
}

int caps_keep_only(uint64_t keep)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { 0 };
	int i;

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	for (i = 0; i < 2; i++) {
		uint32_t k = (uint32_t)(keep >> (32 * i));

		data[i].permitted &= k;
		data[i].effective &= k;
		data[i].inheritable = 0;	/* which empties the ambient set too */
	}
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

uint64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

double mono_now(void)
{
	return mono_ns() / 1e9;
}

size_t strlcpy_(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

const char *fmt_tail(char *buf, size_t len, const char *s, size_t width)
{
	size_t n = strlen(s);

	if (n > width && width > 3)
		snprintf(buf, len, "...%s", s + n - (width - 3));
	else
		snprintf(buf, len, "%s", s);
	return buf;
}

/* Grow *arr (n used, cap allocated, elements of size bytes) by one zeroed
 * element: a pointer to it, or NULL out of memory. */
void *array_push(void **arr, size_t *n, size_t *cap, size_t size)
{
	char *p;

	if (*n == *cap) {
		size_t grown = *cap ? 2 * *cap : 16;

		p = realloc(*arr, grown * size);
		if (!p)
			return NULL;
		*arr = p;
		*cap = grown;
	}
	p = (char *)*arr + (*n)++ * size;
	memset(p, 0, size);
	return p;
}

/* An output file, or stdout for NULL; NULL with the error said. */
FILE *out_open(const char *path)
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (!f)
		mmr_err("cannot write '%s': %s", path, strerror(errno));
	return f;
}

/* Flush and close (not stdout): 0, or -EIO with the error said. */
int out_close(FILE *f, const char *path)
{
	int bad = fflush(f) || ferror(f);

	if (f != stdout)
		bad |= fclose(f) != 0;
	if (bad)
		mmr_err("cannot write '%s': %s", path ? path : "stdout", strerror(errno));
	return bad ? -EIO : 0;
}

char *read_file(const char *path, size_t max, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL, *grown;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? 2 * cap : 8192;
			if (cap > max + 1 || !(grown = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				errno = cap > max + 1 ? EFBIG : ENOMEM;
				return NULL;
			}
			buf = grown;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

const char *signal_name(int sig)
{
	static char buf[32];
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (!abbrev) {
		snprintf(buf, sizeof(buf), "signal %d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	return buf;
}

int signal_number(const char *name)
{
	int sig;

	for (sig = 1; sig < 65 && name; sig++)
		if (!strcmp(name, signal_name(sig)))
			return sig;
	return 0;
}

bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return a && b && !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}
