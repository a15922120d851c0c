/* lanes.h - what the timeline writers (HTML report, trace export) share:
 * one lane per process and per thread, in display order, and the stored
 * events in time order.  Pure code over the model and the store. */
#ifndef COMPENDIUM_LANES_H
#define COMPENDIUM_LANES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "model.h"
#include "store.h"

struct lane {
	int pid, tid;
	bool thread;              /* tid != pid: nested under its process */
	const struct proc *proc;  /* NULL when the model never listed the pid */
	uint64_t first, last;     /* ns since start of its first and last event */
	size_t events;
};

struct lanes {
	struct lane *v;           /* processes in order of appearance, each followed by its threads */
	size_t n;
	struct imap by_tid;       /* tid -> index + 1 */
};

/* Find every process and thread of m and s; release with lanes_release. */
void lanes_build(struct lanes *l, const struct model *m, const struct store *s);
void lanes_release(struct lanes *l);
/* Index of tid's lane, or -1. */
long lanes_find(const struct lanes *l, int tid);
/* Indices of all stored events sorted by time (stable); caller frees. */
uint32_t *lanes_time_order(const struct store *s);
/* Latency in ns of a CAT_LAT event (the store keeps it in val), else 0. */
uint64_t lanes_latency(const struct sevent *e);
#endif
