/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* hist.bpf.h: adding a value to a log2 histogram (struct mmr_hist). */
#ifndef MMRETRY_HIST_BPF_H
#define MMRETRY_HIST_BPF_H

static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 r = 0;

	/* floor(log2(v)), 0 for 0 and 1; bounded loop for the verifier */
	for (int i = 32; i > 0; i >>= 1) {
		if (v >> i) {
			v >>= i;
			r += i;
		}
	}
	return r < MMR_HIST_SLOTS ? r : MMR_HIST_SLOTS - 1;
}

/* v: nanoseconds, or a count */
static __always_inline void hist_add(struct mmr_hist *h, __u64 v)
{
	__u32 slot = log2_slot(v);

	h->count++;
	h->sum_ns += v;
	if (v > h->max_ns)
		h->max_ns = v;
	barrier_var(slot);
	if (slot < MMR_HIST_SLOTS)
		h->slots[slot]++;
}

#endif /* MMRETRY_HIST_BPF_H */
