/* lanes.h - the swimlane's model: one lane per process and per thread.
 *
 * Lanes are created from the stored events (fork, thread, or the first
 * event of a task never seen starting) and keep, for the current
 * filter, the ascending store indices of the shown events in that lane, so
 * the marks of any time window are found by binary search.  Display order:
 * processes in order of appearance, each followed by its threads.
 *
 * Folding: the processes of one program (same name) started by one parent
 * form a group; a group of two or more shows as one row ("true x150")
 * that stands for its processes, their threads and their descendants,
 * until it is opened.  A row keeps the place of its group's first process,
 * so rows do not move as processes come and go; an opened group stays
 * open (it is remembered by parent and name).  Pure.
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
	size_t parent;         /* creation index of the parent's process lane, or LANE_NONE */
	/* Set by lanes_rows: */
	size_t row;            /* the lane whose row draws this one (LANE_NONE: not shown) */
	size_t next;           /* the next lane drawn in the same row (LANE_NONE: none) */
	size_t group;          /* its group's first process lane (processes) */
	size_t gsize;          /* shown processes in its group (processes) */
	size_t members;        /* a folded row: the processes its name counts, else 0 */
	bool folded;           /* drawn inside a folded row (its own, or an ancestor's) */
	uint64_t ustart, uend; /* a folded row: its lanes' first start and last end */
	bool uended;           /* a folded row: every lane in it has ended */
	size_t nlanes;         /* a row: the lanes drawn in it */
	/* A folded row's cells as the screen last made them (its cache). */
	size_t *cell_n;
	int *cell_cat, cell_w;
	uint64_t cell_t0, cell_span, cell_at;   /* for which window; when (0: never) */
	size_t tail;           /* scratch: the last lane in this row's chain */
	size_t anchor;         /* scratch: where its row sorts (its group's first process) */
	size_t bucket, btail, bnext;   /* scratch: the first and last lane anchored
				  here; the next lane in its bucket */
};

#define LANE_NONE SIZE_MAX

/* A group the person opened: its parent's process lane and its name. */
struct lane_open {
	size_t parent;
	char name[40];
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
	struct lane_open *open;   /* opened groups */
	size_t nopen, open_cap;
	size_t *rorder;        /* scratch: lanes in row order */
	size_t *rows, nrows;   /* the rows lanes_rows made last */
	uint64_t gen, rows_gen;   /* changes that move rows; the one rows were made at */
	struct imap groups;    /* scratch: (parent, name) hash -> first process lane + 1 */
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

/* Which lanes show: a test of a lane's pid (the process filter). */
typedef bool (*lanes_shown_fn)(int pid, void *ctx);
/* Fold the lanes that shown() lets through into rows and write the row
 * lanes' creation indices in display order to rows (room for l->n);
 * returns how many.  Made again only after a change that can move rows
 * (a task starting, exec'ing or ending, a fold, lanes_clear_shown: so
 * call that when what shown() says changes), else copied.  Sets every lane's row, next, group, gsize, members,
 * folded and a folded row's ustart, uend, uended. */
size_t lanes_rows(struct lanes *l, lanes_shown_fn shown, void *ctx, size_t *rows);
/* Open (open true) the folded row ln, or fold again the opened group that
 * ln belongs to (ln a process of it, a thread or a descendant of one);
 * returns the first process lane of the group changed, or LANE_NONE when
 * there is nothing to open or fold at ln.  Takes effect at lanes_rows. */
size_t lanes_fold(struct lanes *l, const struct lane *ln, bool open);

/* What to draw for one lane cell: the shown events of ln with store index
 * below limit and time in [t0, t1).  Returns how many there are and sets
 * *cat to the most common category among a bounded sample of them. */
size_t lanes_cell(const struct lane *ln, const struct store *s, size_t limit,
		  uint64_t t0, uint64_t t1, int *cat);
/* Store index of ln's shown event (below limit) nearest to ts; -1 if none. */
long lanes_nearest(const struct lane *ln, const struct store *s, size_t limit, uint64_t ts);
/* The same for every lane drawn in row lane row (after lanes_rows). */
long lanes_row_nearest(const struct lanes *l, const struct lane *row, const struct store *s,
		       size_t limit, uint64_t ts);
/* The cells of a row drawn with folded lanes: for each of w columns of
 * [t0, t0 + span), the shown events (below limit) of every lane in the row
 * into n[] and the category most of them have into cat[] (-1: none). */
void lanes_row_cells(const struct lanes *l, const struct lane *row, const struct store *s,
		     size_t limit, uint64_t t0, uint64_t span, int w, size_t *n, int *cat);
#endif
