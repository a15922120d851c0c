/* timeline.h - what the timeline writers (HTML report, trace export) share:
 * one lane per process and per thread, in display order, the lane of every
 * stored event (found from its tid, with no array per event), and the
 * stored events in time order.  Pure code over the
 * model and the store. */
#ifndef COMPENDIUM_TIMELINE_H
#define COMPENDIUM_TIMELINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "model.h"
#include "store.h"

struct timeline_lane {
	int pid, tid;
	bool thread;              /* tid != pid: nested under its process */
	bool born;                /* started by the fork or clone naming its task */
	bool ended;               /* its task's exit was seen */
	const struct proc *proc;  /* NULL when the model never listed the process */
	uint64_t first, last;     /* ns since start of its first and last event */
	size_t events;
	size_t owner;             /* index of its process's lane (its own for a process) */
	size_t prev;              /* the lane its tid had before it, or SIZE_MAX */
	uint64_t since;           /* 2 i: its tid's events from stored event i on are its;
				     2 i + 1: from the one after i (made by i's fork) */
};

struct timeline {
	struct timeline_lane *v;  /* processes in appearance order, each followed by its threads */
	size_t n, cap;
	struct imap by_tid;       /* tid -> index + 1 of its newest lane */
	uint64_t at;              /* while building: the since of a lane made now */
};

/* Find every process and thread of m and s; release with timeline_release.
 * A task has one lane: its events after its exit stay in it; only a fork or
 * clone naming a tid again (tid reuse) starts another. */
void timeline_build(struct timeline *l, const struct model *m, const struct store *s);
void timeline_release(struct timeline *l);
/* Index of tid's newest lane, or -1. */
long timeline_find(const struct timeline *l, int tid);
/* Index of the lane of stored event e, number idx: its tid's newest lane
 * that was there when the event was walked (no array per event). */
size_t timeline_lane_of(const struct timeline *l, const struct sevent *e, size_t idx);
/* Indices of all stored events sorted by time (stable), or NULL when the
 * store is in time order already (event i is the i-th); caller frees. */
uint32_t *timeline_order(const struct store *s);
/* Are the stored events in time order already? */
bool timeline_in_order(const struct store *s);
/* Sort n event indices by time (stable), at 16 bytes each meanwhile. */
void timeline_sort(const struct store *s, uint32_t *v, size_t n);
/* Latency in ns of a CAT_LAT event (the store keeps it in val), else 0. */
uint64_t timeline_latency(const struct sevent *e);
#endif
