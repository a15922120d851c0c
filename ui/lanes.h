/* lanes.h - the swimlane's model: one lane per process and per thread.
 *
 * Lanes are created from the stored events (fork, thread, or the first
 * event of a task never seen starting) and keep, for the current
 * filter, the ascending store indices of the shown events in that lane, so
 * the marks of any time window are found by binary search.  Display order:
 * processes in order of appearance, each followed by its threads.  Pure.
 */
#ifndef COMPENDIUM_UI_LANES_H
#define COMPENDIUM_UI_LANES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hmap.h"
#include "store.h"
#include "u32vec.h"

struct lane {
	int pid, tid;
	bool thread;           /* a thread lane (tid != pid), nested under its process */
	bool ended;
	bool born;             /* started by the fork or clone that made its task */
	uint64_t start, end;   /* ns since start; end valid when ended */
	size_t proc;           /* creation index of the process lane (itself for processes) */
	size_t id;             /* creation index */
	size_t first_idx;      /* store index of the event that created it */
	char name[40];         /* program name (processes) */
	struct u32vec shown;   /* shown store indices in this lane, ascending */
};

struct lanes {
	struct lane **v;       /* creation order */
	size_t n, cap;
	size_t *order;         /* display order: creation indices */
	bool order_dirty;
	struct imap by_tid;    /* tid -> newest lane of that tid */
	struct lane *last;     /* lookup cache */
	size_t tracked;        /* events tracked so far (the next one's store index) */
	char root_name[40];    /* name for a first process seen before its exec */
};

void lanes_init(struct lanes *l);
void lanes_release(struct lanes *l);
/* Bytes the lanes' index lists hold (for the memory budget). */
size_t lanes_index_bytes(const struct lanes *l);
/* Name the first process before any exec is seen (the command's argv[0]). */
void lanes_set_root_name(struct lanes *l, const char *name);
/* Update lanes for the next stored event (every event, in store order);
 * returns the lane the event belongs to. */
struct lane *lanes_track(struct lanes *l, const struct store *s, const struct sevent *e);
/* The newest lane of tid, ended or not (NULL if none). */
struct lane *lanes_find(struct lanes *l, int tid);
/* The lane lanes_track gave event idx (about tid), once tracked. */
struct lane *lanes_at(struct lanes *l, size_t idx, int tid);
/* Forget every lane's shown indices (before re-filtering). */
void lanes_clear_shown(struct lanes *l);
/* Display order; *n lanes. */
const size_t *lanes_order(struct lanes *l, size_t *n);
/* Number of process lanes and of thread lanes. */
void lanes_counts(const struct lanes *l, size_t *procs, size_t *threads);

/* What to draw for one lane cell: the shown events of ln with store index
 * below limit and time in [t0, t1).  Returns how many there are and sets
 * *cat to the most common category among a bounded sample of them. */
size_t lanes_cell(const struct lane *ln, const struct store *s, size_t limit,
		  uint64_t t0, uint64_t t1, int *cat);
/* Store index of ln's shown event (below limit) nearest to ts; -1 if none. */
long lanes_nearest(const struct lane *ln, const struct store *s, size_t limit, uint64_t ts);
#endif
