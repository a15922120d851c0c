/* table.h - the sortable rows of an analysis view (no curses).
 *
 * A view fills rows with an id and one numeric or text sort key per column;
 * the table sorts them and keeps the selection on the same row (by id)
 * across rebuilds and re-sorts.  Cell text is made only for the rows on
 * screen (struct mode_ops.cell), so a table of 100,000 files costs its
 * keys, not its text.  Pure code.
 */
#ifndef COMPENDIUM_UI_TABLE_H
#define COMPENDIUM_UI_TABLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "list.h"

#define TABLE_COLS 10

/* A column: header, width (0: takes what is left), alignment, sort kind. */
struct tcol {
	const char *name;
	int width;
	bool right;              /* right-aligned (numbers) */
	bool text;               /* sorts by the row's text key, else its number */
	bool path;               /* a path: cut in the middle, keeping its file name */
};

/* One row: what it stands for and its sort keys. */
struct trow {
	uint64_t id;             /* the view's handle on the row (index, pid, nr) */
	int pid;
	int depth;               /* process tree: nesting level */
	size_t members, live;    /* process tree: a folded row's processes, how many run */
	size_t parent;           /* process tree: the parent's row id (SIZE_MAX: none) */
	const char *text;        /* text sort key (name, path), owned elsewhere */
	double key[TABLE_COLS];  /* numeric sort keys */
};

struct table {
	struct trow *rows;
	size_t n, cap;
	int sort;                /* column sorted by; -1: the order rows were added */
	bool asc;                /* ascending */
	struct listpos pos;      /* selection and scroll */
	uint64_t built_key;      /* what the rows were built from (see mode.c) */
	uint64_t built_at;       /* when (app wall clock, ns) */
	int built_pid;           /* for which process (0: all) */
	bool built;
};

/* Start empty, sorted by column sort (-1: insertion order). */
void table_init(struct table *t, int sort, bool asc);
void table_release(struct table *t);
/* Drop the rows (keeping the selection's id for table_finish). */
void table_clear(struct table *t);
/* Append a row; returns it zeroed but for id. */
struct trow *table_add(struct table *t, uint64_t id);
/* Sort by the current column and put the selection back on sel_id's row
 * (or keep its position when that row is gone); cols describes the keys. */
void table_finish(struct table *t, const struct tcol *cols, uint64_t sel_id, bool had_sel);
/* The selected row, or NULL when the table is empty. */
const struct trow *table_selected(const struct table *t);
/* Sort by column c of ncols (the same column again: reverse the order). */
void table_sort_by(struct table *t, int c, const struct tcol *cols, size_t ncols);
#endif
