/* list.h - scrolling state of a virtual list: selection, top row, follow.
 *
 * The list never holds rows: it is a window [top, top + rows) over n rows
 * that exist only as indices.  Following the tail keeps the last row
 * selected as rows arrive; moving up stops following, End starts it again.
 * Pure code.
 */
#ifndef COMPENDIUM_UI_LIST_H
#define COMPENDIUM_UI_LIST_H
#include <stdbool.h>
#include <stddef.h>

struct listpos {
	size_t sel, top;
	bool follow;
};

/* Start empty, following the tail. */
void list_init(struct listpos *l);
/* Bring sel and top in range for n rows shown rows at a time. */
void list_fix(struct listpos *l, size_t n, size_t rows);
/* Move the selection by delta rows (clamped). */
void list_move(struct listpos *l, long delta, size_t n, size_t rows);
/* Page by delta rows: the window and the selection move together. */
void list_page(struct listpos *l, long delta, size_t n, size_t rows);
/* Select row i (clamped); follows again when i is the last row. */
void list_select(struct listpos *l, size_t i, size_t n, size_t rows);
/* Scroll the window by delta rows without moving past the ends; keeps sel visible. */
void list_scroll(struct listpos *l, long delta, size_t n, size_t rows);
#endif
