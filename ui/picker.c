/* picker.c - the filter menu: one scrolling list of checkable items.
 *
 * The menu holds no state of its own besides the cursor (kept by the
 * caller): every checkbox is read from the filter when drawn, so it can
 * never show something other than what is applied.  Never draws.
 */
#include "config.h"

#include <stdio.h>

#include "fmt.h"
#include "model.h"
#include "picker.h"

static const char *const heads[] = { "Categories", "Event types", "Processes" };

/* Append an item if there is room; counts it either way. */
static void put(struct pick_item *items, size_t max, size_t *n, enum pick_kind k, int v)
{
	if (*n < max)
		items[*n] = (struct pick_item){ k, v };
	++*n;
}

/* Fill items (up to max) */
size_t picker_items(struct lanes *l, struct pick_item *items, size_t max)
{
	size_t n = 0, nl;
	const size_t *order = lanes_order(l, &nl);

	put(items, max, &n, PK_TEXT, 0);
	put(items, max, &n, PK_NOISE, 0);
	put(items, max, &n, PK_HEAD, 0);
	for (int c = 0; c < CAT_MAX; c++)
		put(items, max, &n, PK_CAT, c);
	put(items, max, &n, PK_HEAD, 1);
	for (int t = 0; t < EV_TYPE_MAX; t++)
		put(items, max, &n, PK_TYPE, t);
	put(items, max, &n, PK_HEAD, 2);
	for (size_t i = 0; i < nl; i++)
		if (!l->v[order[i]]->thread)
			put(items, max, &n, PK_PROC, l->v[order[i]]->pid);
	return n;
}

/* The name of the process lane of pid (the newest one). */
static const char *proc_name(struct lanes *l, int pid)
{
	for (size_t i = l->n; i-- > 0;)
		if (l->v[i]->pid == pid && !l->v[i]->thread)
			return l->v[i]->name;
	return "";
}

void picker_label(const struct pick_item *it, const struct filter *f, struct lanes *l,
		  const struct model *m, bool utf8, char *buf, size_t cap)
{
	char pb[FMT_PID_MAX];
	const char *box[2] = { "[ ]", utf8 ? "[✓]" : "[x]" };

	switch (it->kind) {
	case PK_TEXT:
		snprintf(buf, cap, "Text: \"%s\"   (t to edit)", f->text.text);
		break;
	case PK_NOISE:
		snprintf(buf, cap, "%s hide noise (/proc, /sys, /dev, libraries, localhost)",
			 box[f->hide_noise]);
		break;
	case PK_HEAD:
		snprintf(buf, cap, "%s", heads[it->value]);
		break;
	case PK_CAT:
		snprintf(buf, cap, "  %s %s", box[f->cats >> it->value & 1],
			 evdesc_cat_name((enum ev_cat)it->value));
		break;
	case PK_TYPE:
		snprintf(buf, cap, "  %s %s", box[f->types >> it->value & 1],
			 evdesc_name((enum ev_type)it->value));
		break;
	case PK_PROC:
		snprintf(buf, cap, "  %s %s %s", box[filter_pid_shown(f, it->value)],
			 fmt_pid(model_pid_label(m, it->value), it->value, pb), proc_name(l, it->value));
		break;
	}
}

/* Space on an item. */
bool picker_toggle(const struct pick_item *it, struct filter *f)
{
	switch (it->kind) {
	case PK_NOISE: f->hide_noise = !f->hide_noise; return true;
	case PK_CAT: f->cats ^= 1u << it->value; return true;
	case PK_TYPE: f->types ^= 1u << it->value; return true;
	case PK_PROC: filter_toggle_pid(f, it->value); return true;
	default: return false;
	}
}

/* "Only this one" on an item. */
bool picker_only(const struct pick_item *it, struct filter *f)
{
	switch (it->kind) {
	case PK_CAT: f->cats = 1u << it->value; return true;
	case PK_TYPE: f->types = 1u << it->value; return true;
	case PK_PROC: filter_only_pid(f, it->value); return true;
	default: return picker_toggle(it, f);
	}
}

/* Index of the first item of kind at or after from, or -1. */
long picker_find(const struct pick_item *items, size_t n, enum pick_kind kind)
{
	for (size_t i = 0; i < n; i++)
		if (items[i].kind == kind)
			return (long)i;
	return -1;
}
