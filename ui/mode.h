/* mode.h - the analysis views: each one a const struct of operations.
 *
 * The event view (swimlane, list, output) is the default; the others show a
 * sortable table built from the model's aggregates (sysstat, files,
 * connections, processes, latency) and narrowed to the process the filter
 * shows alone.  Adding a view means adding a file with one struct mode_ops
 * and a line in mode.c's list.  Nothing here draws: screen.c draws any
 * table from these operations.
 */
#ifndef COMPENDIUM_UI_MODE_H
#define COMPENDIUM_UI_MODE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "table.h"
#include "view.h"

struct app;

enum mode_id { MODE_EVENTS, MODE_SYSCALLS, MODE_FILES, MODE_CONNS, MODE_PROCS, MODE_LATENCY,
	       MODE_SITES, MODE_MAX };

struct mode_ops {
	const char *name;        /* the title: "Syscalls" */
	const char *enter;       /* what Enter does, for the title ("follow"), or NULL */
	const struct tcol *cols;
	size_t ncols;
	int sort;                /* initial sort column (-1: as built) */
	bool asc;
	/* Fill t with the rows for process pid (0: all processes). */
	void (*build)(struct app *a, struct table *t, int pid);
	/* The text of column c of row r, in at most cap bytes: 4 bytes a column
	 * of the column's width, plus the NUL (UTF-8 room); for a path column,
	 * room for the whole path (screen.c cuts it to the column). */
	void (*cell)(const struct app *a, const struct trow *r, size_t c, char *buf, size_t cap);
	/* Enter on row r; returns APP_CH_* flags (0: nothing to open). */
	unsigned (*open)(struct app *a, const struct trow *r);
	/* Right (open true) or Left on row r: open a folded row, or fold the
	 * opened group r is in; returns APP_CH_* flags (0: nothing there). */
	unsigned (*fold)(struct app *a, const struct trow *r, bool open);
	/* A line of notes under the title for process pid. */
	void (*note)(const struct app *a, int pid, char *buf, size_t cap);
};

extern const struct mode_ops mode_syscalls, mode_files, mode_conns, mode_procs, mode_latency,
	mode_sites;

/* The operations of view id (NULL for MODE_EVENTS). */
const struct mode_ops *mode_get(enum mode_id id);
/* Set up the tables of every view (initial sorts). */
void mode_init(struct table tabs[MODE_MAX]);
void mode_release(struct table tabs[MODE_MAX]);
/* Rebuild the current view's table when what it shows has changed. */
void mode_refresh(struct app *a);
/* The process the views are narrowed to: the one the filter shows alone, or 0. */
int mode_pid(const struct app *a);
/* Show every process again (undo a selection made in the process view). */
void mode_all_pids(struct app *a);
/* Go to the event list, showing only the events of one object (see view.h). */
unsigned mode_follow(struct app *a, const struct follow *f);
/* Enter on a row naming a file or an address (its text): the events of it
 * (of its process when the row has one). */
unsigned mode_follow_text(struct app *a, const struct trow *r);
/* Helpers for cells: bytes, a duration in ns, a count. */
void mode_bytes(double v, char *buf, size_t cap);
void mode_ns(double v, char *buf, size_t cap);
void mode_count(double v, char *buf, size_t cap);
#endif
