/* list.c - scrolling state of a virtual list.
 *
 * Every function keeps the invariant top <= sel < top + rows (when there
 * are rows), so the selected row is always on screen.  This file must
 * never look at what the rows contain.
 */
#include "config.h"

#include "list.h"

/* Start empty, following the tail. */
void list_init(struct listpos *l)
{
	l->sel = l->top = 0;
	l->follow = true;
}

/* Bring sel and top in range for n rows shown rows at a time. */
void list_fix(struct listpos *l, size_t n, size_t rows)
{
	if (!rows)
		rows = 1;
	if (n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->follow || l->sel >= n)
		l->sel = n - 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + rows)
		l->top = l->sel - rows + 1;
	if (l->top + rows > n)
		l->top = n > rows ? n - rows : 0;
}

/* Select row i (clamped) */
void list_select(struct listpos *l, size_t i, size_t n, size_t rows)
{
	l->follow = n > 0 && i >= n - 1;
	l->sel = i;
	list_fix(l, n, rows);
}

/* Move the selection by delta rows (clamped). */
void list_move(struct listpos *l, long delta, size_t n, size_t rows)
{
	size_t i = l->sel;

	if (n == 0)
		return;
	if (delta < 0)
		i = (size_t)-delta > i ? 0 : i - (size_t)-delta;
	else
		i = i + (size_t)delta >= n ? n - 1 : i + (size_t)delta;
	list_select(l, i, n, rows);
}

/* Scroll the window by delta rows without moving past the ends. */
void list_scroll(struct listpos *l, long delta, size_t n, size_t rows)
{
	size_t max = n > rows ? n - rows : 0;

	if (delta < 0)
		l->top = (size_t)-delta > l->top ? 0 : l->top - (size_t)-delta;
	else
		l->top = l->top + (size_t)delta > max ? max : l->top + (size_t)delta;
	if (l->sel < l->top)
		l->sel = l->top;
	if (rows && l->sel >= l->top + rows)
		l->sel = l->top + rows - 1;
	l->follow = n > 0 && l->sel >= n - 1;
	list_fix(l, n, rows);
}

/* Page by delta rows: the window and the selection move together. */
void list_page(struct listpos *l, long delta, size_t n, size_t rows)
{
	size_t max = n > rows ? n - rows : 0;

	if (n == 0)
		return;
	if (delta < 0)
		l->top = (size_t)-delta > l->top ? 0 : l->top - (size_t)-delta;
	else
		l->top = l->top + (size_t)delta > max ? max : l->top + (size_t)delta;
	list_move(l, delta, n, rows);
}
