/* picker.h - the filter menu: one scrolling list of checkable items.
 *
 * Items are the text filter, the noise switch, then the categories, the
 * event types and the processes (from the lanes), each group under a
 * heading.  Toggling an item changes the filter at once.  Pure code.
 */
#ifndef COMPENDIUM_UI_PICKER_H
#define COMPENDIUM_UI_PICKER_H
#include <stdbool.h>
#include <stddef.h>

#include "filter.h"
#include "lanes.h"

enum pick_kind { PK_TEXT, PK_NOISE, PK_HEAD, PK_CAT, PK_TYPE, PK_PROC };

struct pick_item {
	enum pick_kind kind;
	int value;               /* category, type, pid, or heading number */
};

/* Fill items (up to max); returns how many there are in all. */
size_t picker_items(struct lanes *l, struct pick_item *items, size_t max);
/* The label of an item ("[x] file"), for display. */
void picker_label(const struct pick_item *it, const struct filter *f, struct lanes *l,
		  const struct model *m, bool utf8, char *buf, size_t cap);
/* Space on an item; returns true when the filter changed. */
bool picker_toggle(const struct pick_item *it, struct filter *f);
/* "Only this one" on an item; returns true when the filter changed. */
bool picker_only(const struct pick_item *it, struct filter *f);
/* Index of the first item of kind at or after from, or -1. */
long picker_find(const struct pick_item *items, size_t n, enum pick_kind kind);
#endif
