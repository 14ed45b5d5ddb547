// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * mmretry-gen: produce each kind of page-fault retry (VM_FAULT_RETRY) and
 * completion (VM_FAULT_COMPLETED) on purpose, and print how many a tracer
 * should count for this process, next to what the process observed itself.
 * Other workloads hold mmap_lock, grow anon_vma chains by fork (forktree) and
 * make rmap walks visit many VMAs (rmapfan), for the lock and rmap tracers.
 *
 * This file parses the command line and runs a workload from the table
 * below; the workloads are in one file per family (gen.h lists them), the
 * helpers they share in util.c.
 *
 * Build: cd tools/gen && cc -O2 -g -Wall -Wextra -pthread -o ../mmretry-gen *.c
 * Only libc and pthread are used, so -static works too.
 */
#include "gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PATH "./mmretry-gen.data"
#define MAX_COUNT (1UL << 24)

/* each workload: its --help entry, its defaults and what runs it */
struct workload {
	const char *name;
	const char *options;	/* option letters it accepts */
	unsigned long def_count, def_size;	/* -n, -s */
	const char *synopsis, *what, *expect;
	run_fn *run;
};

static const struct workload workloads[] = {
	{ "file", "nfk", 4096, 0, "[-n PAGES=4096] [-f PATH] [-k]",
	  "read PAGES uncached pages, last first, via MAP_SHARED and MADV_RANDOM",
	  "retries = uncached pages (file_io), major = uncached pages",
	  run_file },
	{ "timed", "nfk", 64, 0, "[-n PAGES=64] [-f PATH] [-k]",
	  "one thread reads PAGES uncached pages as file does, first to last,\n"
	  "           timing each touch with clock_gettime(CLOCK_MONOTONIC)",
	  "retries = uncached pages (file_io); with --json, the thread's\n"
	  "                   tid, touch_ns (each touch) and touch_ns_sum: a fault\n"
	  "                   lasts at most its touch",
	  run_timed },
	{ "memfd", "n", 1000, 0, "[-n PAGES=1000]",
	  "first write to each of PAGES pages of a MAP_SHARED memfd",
	  "completed = PAGES, 0 retries",
	  run_memfd },
	{ "uffd", "n", 100, 0, "[-n FAULTS=100]",
	  "read FAULTS missing uffd-registered pages; a thread UFFDIO_COPYs them",
	  "retries = messages served (userfaultfd)",
	  run_uffd },
	{ "pagelock", "nfk", 64, 0, "[-n ROUNDS=64] [-f PATH] [-k]",
	  "per round, WILLNEED a fresh 128 KiB window and fault on it at once",
	  "0..ROUNDS retries (page_lock), timing dependent",
	  run_pagelock },
	{ "stall", "nfstk", 64, 16, "[-n PAGES=64] [-f PATH] [-s MIB=16] [-t READERS=2] [-k]",
	  "READERS threads read PAGES uncached pages, a share each, while\n"
	  "           another mprotect()s a populated MIB region in a loop,\n"
	  "           holding mmap_lock for write",
	  "retries = uncached pages (file_io); they re-take mmap_lock\n"
	  "                   behind mmr-writer",
	  run_stall },
	{ "vdso", "n", 16, 0, "[-n CHILDREN=16]",
	  "CHILDREN forked children, one at a time, each read one vDSO byte",
	  "CHILDREN retries (vma_fallback), in the children, if the\n"
	  "                   kernel has per-VMA locks (6.4+), else 0",
	  run_vdso },
	{ "kread", "n", 1024, 0, "[-n PAGES=1024]",
	  "read() PAGES pages of /dev/zero into fresh anonymous memory",
	  "PAGES kernel-mode faults under mmap_lock, 0 retries",
	  run_kread },
	{ "anon", "nr", 4096, 0, "[-n PAGES=4096] [-r ROUNDS=64]",
	  "fault benchmark: ROUNDS x (mmap, first write to PAGES pages, munmap)",
	  "0 retries; reports faults/s",
	  run_anon },
	{ "swapin", "ns", 512, 1, "[-n PAGES=512] [-s MIB=1]",
	  "in a memory cgroup of its own (memory.max = MIB, cgroup v2),\n"
	  "           write PAGES anonymous pages, MADV_PAGEOUT them to swap and\n"
	  "           read them back, last first (root, swap on a device whose\n"
	  "           reads complete asynchronously, e.g. null_blk irqmode=2)",
	  "a retry (swap) per swap-in read (major fault) on 6.6+;\n"
	  "                   before 6.6, none with vm.page-cluster=0 (the read is\n"
	  "                   synchronous), 0..major with readahead; exit 3 where it\n"
	  "                   cannot run (no swap, no cgroup2 memory controller)",
	  run_swapin },
	{ "holepunch", "ns", 48, 4, "[-n ROUNDS=48] [-s MIB=4]",
	  "a thread reads a MIB shared memfd mapping over and over while\n"
	  "           another fills the memfd and punches it out\n"
	  "           (fallocate PUNCH_HOLE|KEEP_SIZE), ROUNDS times",
	  "0..ROUNDS retries (shmem), timing dependent: at most one a\n"
	  "                   punch, on every kernel, in fentry and kprobe modes",
	  run_holepunch },
	{ "anonprep", "ns", 256, 16, "[-n VMAS=256] [-s MIB=16]",
	  "first writes to VMAS fresh anonymous VMAs (PROT_NONE pages\n"
	  "           between), while another thread mprotect()s a populated MIB\n"
	  "           region in a loop, holding mmap_lock for write",
	  "0..VMAS retries (anon_vma), timing dependent, where the\n"
	  "                   kernel has __vmf_anon_prepare (6.12+ here); none\n"
	  "                   before it (6.1)",
	  run_anonprep },
	{ "wrhold", "ns", 16, 256, "[-n CALLS=16] [-s MIB=256]",
	  "a thread mprotect()s a populated MIB region CALLS times while two\n"
	  "           threads mmap/munmap and one faults",
	  "CALLS write holds by mmr-holder, each within its timed call",
	  run_wrhold },
	{ "blocker", "ns", 16, 256, "[-n WRITES=16] [-s MIB=256]",
	  "a thread walks MIB populated with MADV_POPULATE_READ in a loop;\n"
	  "           another mmap()s WRITES times, 200 us into its passes",
	  "the writer's long mmap_lock waits are blocked by mmr-reader",
	  run_blocker },
	{ "mapping", "n", 100000, 0, "[-n ROUNDS=100000]",
	  "mmap_lock benchmark: ROUNDS x (mmap 4 pages, write one, munmap)",
	  "reports rounds/s",
	  run_mapping },
	{ "forktree", "ns", 6, 4, "[-n DEPTH=6] [-s MIB=4]",
	  "a chain of DEPTH forks over a written MIB region (each child forks\n"
	  "           once), then R1 forks R2 and exits and R2 forks R3",
	  "the region's fork k makes an anon_vma chain k+1 long;\n"
	  "                   R1..R3: 2, 3, 3 (R3 reuses R1's anon_vma)",
	  run_forktree },
	{ "rmapfan", "nsw", 4, 16, "[-n CHILDREN=4] [-s MIB=16] [-w]",
	  "CHILDREN children share a written MIB region, then the parent\n"
	  "           writes compact_memory (root); -w: huge pages each child\n"
	  "           writes (COW), then the parent moves its VMA and splits its\n"
	  "           huge pages (debugfs split_huge_pages, root)",
	  "walks of the parent's pages visit CHILDREN+1 VMAs, all\n"
	  "                   mapping it; -w: one try_to_migrate walk per huge page\n"
	  "                   and one remove_migration_ptes walk per page, each over\n"
	  "                   CHILDREN+1 VMAs of which 1 maps it",
	  run_rmapfan },
	{ "mix", "fk", 0, 0, "[-f PATH] [-k]",
	  "file 256, memfd 256, uffd 64, pagelock 16, vdso 8, holepunch 16,\n"
	  "           anonprep 64 and, where it can run, swapin 256 in one process",
	  "each line as above, then one line with the sums",
	  run_mix },
};

#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static void usage(FILE *out)
{
	size_t i;

	fputs("usage: " PROG " [--json] [-q] WORKLOAD [-n COUNT] [-f PATH] [-r ROUNDS]\n"
	      "                   [-s MIB] [-t THREADS] [-k] [-w]\n"
	      "\n"
	      "Produces page-fault retries (VM_FAULT_RETRY) and completions\n"
	      "(VM_FAULT_COMPLETED), mmap_lock holds, anon_vma chains and rmap walks\n"
	      "on purpose and prints what a tracer should count.\n"
	      "\n"
	      "workloads:\n", out);
	for (i = 0; i < NWORKLOADS; i++)
		fprintf(out, "  %-8s %s\n           %s\n           expect: %s\n",
			workloads[i].name, workloads[i].synopsis, workloads[i].what,
			workloads[i].expect);
	fputs("\n"
	      "options:\n"
	      "  --json    one JSON object per workload per line on stdout\n"
	      "  -q        no human-readable summary or warnings\n"
	      "  -n COUNT  pages, faults, rounds, VMAs, children or depth, see above\n"
	      "  -f PATH   regular file on a disk filesystem (not tmpfs), created if missing,\n"
	      "            default " DEFAULT_PATH "; or a block device such as /dev/ram0,\n"
	      "            used read-only\n"
	      "  -k        keep the data file this run created (it is removed otherwise)\n"
	      "  -r ROUNDS rounds of the anon workload\n"
	      "  -s MIB    size of the populated region of wrhold, blocker, forktree,\n"
	      "            rmapfan and anonprep, of holepunch's memfd, of swapin's\n"
	      "            memory.max\n"
	      "  -w        rmapfan: huge pages, each child writes every page (copy on\n"
	      "            write), the parent splits its own through debugfs\n"
	      "  -h, --help\n"
	      "\n"
	      "\"major\" counts faults that returned VM_FAULT_MAJOR. getrusage majflt also counts\n"
	      "uffd and pagelock retries as major without per-VMA locks (6.1), minor with them.\n"
	      "With --json, \"observed\" holds the workload's own getrusage deltas and\n"
	      "\"rusage\" the process's totals since fork (threads and reaped children).\n"
	      "\n"
	      "Where the producers retry: swapin, holepunch and anonprep name their reasons\n"
	      "(swap, shmem, anon_vma) in mmretry's fentry and kprobe modes; tracepoint mode\n"
	      "counts their retries but cannot name swap or shmem (null), and names anon_vma\n"
	      "only where its stack walk can (per-VMA locks, see mmretry probe).\n"
	      "\n"
	      "exit status: 0 ran; 1 failed; 2 usage; 3 the workload cannot run here (swapin:\n"
	      "not root, no swap, no cgroup2 memory controller)\n",
	      out);
}

static unsigned long parse_count(const char *s, char letter)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v == 0 || v > MAX_COUNT)
		die_usage("-%c wants an integer from 1 to %lu, not '%s'", letter, MAX_COUNT, s);
	return v;
}

int main(int argc, char **argv)
{
	const struct workload *w = NULL;
	int have_count = 0, have_rounds = 0, have_size = 0;
	struct job job = { 0 };
	struct totals tot;
	char given[8] = "";
	struct sigaction sa;
	size_t i;
	int a;

	for (a = 1; a < argc; a++) {
		const char *arg = argv[a];

		if (!strcmp(arg, "--json")) {
			opt.json = 1;
		} else if (!strcmp(arg, "-q")) {
			opt.quiet = 1;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(stdout);
			finish_output();
			return 0;
		} else if (!strcmp(arg, "-k")) {
			opt.keep = 1;
			if (!strchr(given, 'k'))
				strcat(given, "k");
		} else if (!strcmp(arg, "-w")) {
			job.cow = 1;
			if (!strchr(given, 'w'))
				strcat(given, "w");
		} else if (arg[0] == '-' && arg[1] && strchr("nfrst", arg[1])) {
			char letter = arg[1];
			const char *val = arg[2] ? arg + 2 : argv[++a];

			if (!val)
				die_usage("option -%c needs a value", letter);
			if (letter == 'n') {
				job.count = parse_count(val, 'n');
				have_count = 1;
			} else if (letter == 's') {
				job.size_mib = parse_count(val, 's');
				have_size = 1;
			} else if (letter == 't') {
				job.threads = parse_count(val, 't');
				if (job.threads > MAX_THREADS)
					die_usage("-t wants at most %d threads, not %lu", MAX_THREADS,
						  job.threads);
			} else if (letter == 'r') {
				job.rounds = parse_count(val, 'r');
				have_rounds = 1;
			} else {
				job.path = val;
			}
			if (!strchr(given, letter))
				strncat(given, &letter, 1);
		} else if (arg[0] == '-' && arg[1]) {
			die_usage("unknown option '%s' (try --help)", arg);
		} else if (!w) {
			for (i = 0; i < NWORKLOADS && !w; i++)
				if (!strcmp(arg, workloads[i].name))
					w = &workloads[i];
			if (!w)
				die_usage("unknown workload '%s' (try --help)", arg);
		} else {
			die_usage("unexpected argument '%s'", arg);
		}
	}
	if (!w)
		die_usage("no workload given (try --help)");
	for (i = 0; given[i]; i++)
		if (!strchr(w->options, given[i]))
			die_usage("option -%c does not apply to workload '%s'", given[i], w->name);
	if (!have_count)
		job.count = w->def_count;
	if (!have_rounds)
		job.rounds = 64;
	if (!job.path)
		job.path = DEFAULT_PATH;
	if (!job.threads)
		job.threads = 2;
	if (!have_size)
		job.size_mib = w->def_size;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	if (strchr(w->options, 'f'))
		check_path(job.path);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	memset(&tot, 0, sizeof(tot));
	job.tot = &tot;
	w->run(&job);
	return 0;
}
