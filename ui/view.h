/* view.h - the filtered index every pane reads.
 *
 * The view owns the filter, the ascending list of store indices it shows
 * and the lanes.  view_update looks only at events that arrived since the
 * last call, so the cost of new events does not grow with the store;
 * view_refilter rebuilds everything after a filter change.  Pure code.
 */
#ifndef COMPENDIUM_UI_VIEW_H
#define COMPENDIUM_UI_VIEW_H
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "lanes.h"
#include "store.h"
#include "u32vec.h"

/* "Follow this object": only the events of one file or connection, on top
 * of the filter (the analysis views set it; Esc in the list clears it). */
struct follow {
	bool on;
	int pid;                 /* 0: any process */
	int fd;                  /* -1: any; else the connection's socket fd */
	uint32_t str;            /* 0: any; else the interned path or peer */
	uint64_t t0, t1;         /* only events in [t0, t1] (ns since start) */
	char label[160];         /* what the list title says */
};

struct view {
	const struct store *store;   /* not owned */
	struct filter filter;
	struct follow follow;
	struct u32vec shown;         /* store indices the filter shows, ascending */
	size_t scanned;              /* store events looked at so far */
	struct lanes lanes;
};

void view_init(struct view *v, const struct store *s);
void view_release(struct view *v);
/* Forget every event looked at (the store was started afresh); the filter stays. */
void view_restart(struct view *v);
/* Take in events added to the store since the last call; returns how many are shown. */
size_t view_update(struct view *v);
/* Apply the (changed) filter to everything recorded. */
void view_refilter(struct view *v);
/* Number of shown events. */
size_t view_count(const struct view *v);
/* Store index of shown event i. */
size_t view_at(const struct view *v, size_t i);
/* Does the follow (when on) show event e? */
bool view_follows(const struct follow *f, const struct sevent *e);
/* Bytes of the view's index lists, the lanes' included (they grow with the
 * events shown; the memory budget counts them). */
size_t view_index_bytes(const struct view *v);
/* Position of the first shown event with store index >= idx. */
size_t view_lower_bound(const struct view *v, size_t idx);
#endif
