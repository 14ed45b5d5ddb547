/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * events.h: the one vocabulary of the events the BPF programs stream
 * through their ring buffers. Every event begins with `__u32 type`, one of
 * these, whichever ring carries it, so one reader tells them apart; a
 * recording (docs/record.md) stores each event as a record of the same
 * type number.
 */
#ifndef MMRETRY_EVENTS_H
#define MMRETRY_EVENTS_H

enum mmr_event_type {
	MMR_EV_RETRY = 1,	/* struct mmr_retry_event (faults.h) */
	MMR_EV_ATTEMPT = 2,	/* struct mmr_attempt_event (record.h): record only */
	MMR_EV_MM = 3,		/* struct mmr_mm_event (record.h): record only */
	MMR_EV_LOCK_OP = 4,	/* struct mmr_lock_op_event (record.h): record only */
	MMR_EV_LOCK_LONG = 5,	/* struct mmr_lock_event (mmap_lock.h) */
	MMR_EV_CHAIN = 6,	/* struct mmr_chain_event (anon_vma.h) */
	MMR_EV_WALK = 7,	/* struct mmr_walk_event (anon_vma.h) */
	MMR_NR_EVENT_TYPES,	/* the events a recording stores; 8..10 are its own */
	/* stat only, not recorded (yet): after the recording's own types */
	MMR_EV_FAULT = 11,	/* struct mmr_fault_event (faults.h): a slow fault */
};

#endif /* MMRETRY_EVENTS_H */
