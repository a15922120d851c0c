/* view.c - the filtered index every pane reads.
 *
 * The list and the swimlane both read the indices built here, so they always
 * show the same set of events.  This file must never draw, never make a
 * system call, and never materialise text for events it does not show.
 */
#include "config.h"

#include <string.h>

#include "view.h"

/* A view over s showing what the default filter shows. */
void view_init(struct view *v, const struct store *s)
{
	memset(v, 0, sizeof(*v));
	v->store = s;
	filter_init(&v->filter);
	lanes_init(&v->lanes);
}

/* Free the view (not the store). */
void view_release(struct view *v)
{
	filter_release(&v->filter);
	u32vec_release(&v->shown);
	lanes_release(&v->lanes);
}

/* Forget every event looked at (the store starts afresh); the filter stays. */
void view_restart(struct view *v)
{
	u32vec_release(&v->shown);
	lanes_release(&v->lanes);
	lanes_init(&v->lanes);
	memset(&v->follow, 0, sizeof(v->follow));
	v->scanned = 0;
}

/* Does the follow (when on) show event e? */
bool view_follows(const struct follow *f, const struct sevent *e)
{
	if (!f->on)
		return true;
	if ((f->pid && e->pid != f->pid) || e->ts < f->t0 || e->ts > f->t1)
		return false;
	/* fd of a fork or signal event is not an fd: only network events count. */
	if (f->fd >= 0 && (e->fd != f->fd || e->cat != CAT_NET))
		return false;
	return !f->str || e->str == f->str || e->str2 == f->str;
}

/* Does the view show event i? */
static bool shows(struct view *v, size_t i)
{
	return view_follows(&v->follow, store_get(v->store, i)) &&
	       filter_match(&v->filter, v->store, i);
}

/* Add event i to the shown lists if the view shows it. */
static bool consider(struct view *v, size_t i, struct lane *ln)
{
	if (!shows(v, i))
		return false;
	u32vec_push(&v->shown, (uint32_t)i);
	u32vec_push(&ln->shown, (uint32_t)i);
	return true;
}

/* Take in events added to the store since the last call. */
size_t view_update(struct view *v)
{
	size_t n = store_count(v->store), added = 0;

	for (; v->scanned < n; v->scanned++) {
		const struct sevent *e = store_get(v->store, v->scanned);
		struct lane *ln = lanes_track(&v->lanes, v->store, e);

		added += consider(v, v->scanned, ln);
	}
	return added;
}

/* Apply the (changed) filter to everything recorded. */
void view_refilter(struct view *v)
{
	v->shown.n = 0;
	lanes_clear_shown(&v->lanes);
	for (size_t i = 0; i < v->scanned; i++) {
		const struct sevent *e = store_get(v->store, i);

		if (shows(v, i)) {
			u32vec_push(&v->shown, (uint32_t)i);
			u32vec_push(&lanes_at(&v->lanes, i, e->tid)->shown, (uint32_t)i);
		}
	}
}

/* Number of shown events. */
size_t view_count(const struct view *v)
{
	return v->shown.n;
}

/* Store index of shown event i. */
size_t view_at(const struct view *v, size_t i)
{
	return v->shown.v[i];
}

/* Bytes of the view's index lists, the lanes' included. */
size_t view_index_bytes(const struct view *v)
{
	return v->shown.cap * sizeof(uint32_t) + lanes_index_bytes(&v->lanes);
}

/* Position of the first shown event with store index >= idx. */
size_t view_lower_bound(const struct view *v, size_t idx)
{
	return u32vec_lower_bound(&v->shown, idx);
}
