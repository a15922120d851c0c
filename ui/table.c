/* table.c - the sortable rows of an analysis view.
 *
 * Sorting is stable on the insertion order (the id breaks ties), so equal
 * rows never swap places between frames.  This file must never draw and
 * never look at the model: rows come from the views.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "util.h"

/* Start empty. */
void table_init(struct table *t, int sort, bool asc)
{
	memset(t, 0, sizeof(*t));
	t->sort = sort;
	t->asc = asc;
	list_init(&t->pos);
	t->pos.follow = false;
}

/* Free the rows. */
void table_release(struct table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}

/* Drop the rows. */
void table_clear(struct table *t)
{
	t->n = 0;
}

/* Append a row. */
struct trow *table_add(struct table *t, uint64_t id)
{
	struct trow *r;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = xreallocarray(t->rows, t->cap, sizeof(*t->rows));
	}
	r = &t->rows[t->n++];
	memset(r, 0, sizeof(*r));
	r->id = id;
	return r;
}

/* qsort has no context argument: the sort settings of the running sort. */
static const struct tcol *sort_cols;
static int sort_col;
static bool sort_asc;

/* Compare two rows by the running sort's column, then by insertion order. */
static int row_cmp(const void *pa, const void *pb)
{
	const struct trow *a = pa, *b = pb;
	int c = 0;

	if (sort_cols[sort_col].text)
		c = strcmp(a->text ? a->text : "", b->text ? b->text : "");
	else if (a->key[sort_col] != b->key[sort_col])
		c = a->key[sort_col] < b->key[sort_col] ? -1 : 1;
	if (c)
		return sort_asc ? c : -c;
	/* key[TABLE_COLS - 1] is not a column: the insertion order. */
	return a->key[TABLE_COLS - 1] < b->key[TABLE_COLS - 1] ? -1 :
	       a->key[TABLE_COLS - 1] > b->key[TABLE_COLS - 1];
}

/* Sort and put the selection back on its row. */
void table_finish(struct table *t, const struct tcol *cols, uint64_t sel_id, bool had_sel)
{
	for (size_t i = 0; i < t->n; i++)
		t->rows[i].key[TABLE_COLS - 1] = (double)i;
	if (t->sort >= 0 && t->n > 1) {
		sort_cols = cols;
		sort_col = t->sort;
		sort_asc = t->asc;
		qsort(t->rows, t->n, sizeof(*t->rows), row_cmp);
	}
	t->built = true;
	if (had_sel)
		for (size_t i = 0; i < t->n; i++)
			if (t->rows[i].id == sel_id) {
				t->pos.sel = i;
				break;
			}
	if (t->pos.sel >= t->n)
		t->pos.sel = t->n ? t->n - 1 : 0;
}

/* The selected row, or NULL. */
const struct trow *table_selected(const struct table *t)
{
	return t->n ? &t->rows[t->pos.sel < t->n ? t->pos.sel : t->n - 1] : NULL;
}

/* Sort by column c (the same column again: reverse); numbers start largest
 * first, text in alphabetical order. */
void table_sort_by(struct table *t, int c, const struct tcol *cols, size_t ncols)
{
	if (c < -1 || (c >= 0 && (size_t)c >= ncols) || c >= TABLE_COLS - 1)
		return;
	if (c < 0) {
		t->sort = -1;   /* the order the view built */
	} else if (t->sort == c) {
		t->asc = !t->asc;
	} else {
		t->sort = c;
		t->asc = cols[c].text;
	}
	t->built = false;
}
