/* app.c - the UI state and the questions the panes ask of it.
 *
 * Selection is kept as a position in the filtered index but re-anchored to
 * the event's store index across re-filtering, so a filter change never
 * jumps to an unrelated event.  This file must never draw, never block and
 * never talk to the tracer (actions.c does).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fmt.h"
#include "record.h"
#include "replay.h"
#include "sites.h"
#include "spill.h"
#include "stackkeep.h"
#include "util.h"

#define OUTPUT_LINES 10000

/* Set up the state (view over store, everything following the tail). */
void app_init(struct app *a, struct model *m, struct store *s)
{
	char *const *cmd;

	memset(a, 0, sizeof(*a));
	a->model = m;
	a->store = s;
	a->pty = -1;
	view_init(&a->view, s);
	cmd = model_command(m);
	lanes_set_root_name(&a->view.lanes, cmd && cmd[0] ? cmd[0] : "");
	list_init(&a->list);
	a->swim.fit = true;
	outbuf_init(&a->out, OUTPUT_LINES);
	textmatch_set(&a->search, "");
	a->focus = PANE_LIST;
	mode_init(a->tabs);
	objstat_init(&a->obj);
}

/* Free what the state owns. */
void app_release(struct app *a)
{
	view_release(&a->view);
	sites_free(a->sites);
	a->sites = NULL;
	outbuf_release(&a->out);
	textmatch_release(&a->search);
	mode_release(a->tabs);
	objstat_release(&a->obj);
	free(a->vis);
	free(a->tree_open);
	a->vis = NULL;
}

/* Leave the store what the memory budget does not give the view's indices
 * (at least one chunk stays in memory whatever is left). */
static void fit_budget(struct app *a)
{
	size_t idx = view_index_bytes(&a->view);

	int err;

	if (a->max_memory)
		store_set_budget(a->store, a->max_memory > idx ? a->max_memory - idx : 1);
	if ((err = store_spill_error(a->store)) && err != a->spill_err) {
		a->spill_err = err;
		snprintf(a->msg, sizeof(a->msg), "Cannot use the spill file in %.60s (%s): new events "
			 "stay in memory, beyond --max-memory", spill_dir(NULL), strerror(-err));
	}
}

/* Take in newly stored events. */
unsigned app_ingest(struct app *a)
{
	size_t before = a->view.scanned;
	char *const *cmd;

	if (before == 0 && !a->view.lanes.root_name[0] && (cmd = model_command(a->model)) && cmd[0])
		lanes_set_root_name(&a->view.lanes, cmd[0]);
	view_update(&a->view);
	fit_budget(a);
	if (a->view.scanned == before)
		return 0;
	list_fix(&a->list, app_rows(a), (size_t)(a->lay.list_h > 0 ? a->lay.list_h : 1));
	return APP_CH_DRAW;
}

/* Events the list shows now (fewer than the view holds while frozen). */
size_t app_rows(const struct app *a)
{
	if (a->frozen)
		return view_lower_bound(&a->view, a->freeze_limit);
	return view_count(&a->view);
}

/* Store index of the selected event, or -1. */
long app_selected(const struct app *a)
{
	size_t n = app_rows(a);

	if (!n)
		return -1;
	return (long)view_at(&a->view, a->list.sel < n ? a->list.sel : n - 1);
}

/* Select the shown event with store index idx (or the next one after it). */
void app_select_store(struct app *a, size_t idx)
{
	size_t n = app_rows(a), i = view_lower_bound(&a->view, idx);

	if (!n)
		return;
	list_select(&a->list, i < n ? i : n - 1, n, (size_t)(a->lay.list_h > 0 ? a->lay.list_h : 1));
}

/* Re-apply the filter to everything, keeping the selected event if shown. */
void app_refilter(struct app *a)
{
	long sel = app_selected(a);
	bool follow = a->list.follow;

	view_refilter(&a->view);
	fit_budget(a);
	a->refold = true;
	app_visible_lanes(a);
	if (follow || sel < 0) {
		a->list.follow = true;
		list_fix(&a->list, app_rows(a), (size_t)(a->lay.list_h > 0 ? a->lay.list_h : 1));
	} else {
		app_select_store(a, (size_t)sel);
	}
}

/* Does the process filter show pid (lanes_rows' test)? */
static bool pid_shown(int pid, void *ctx)
{
	return filter_pid_shown(ctx, pid);
}

/* Folding costs a pass over every lane (0.3-0.5 us a lane, most of it
 * cache misses): while more than REFOLD_MANY lanes keep changing (a fork
 * storm), the rows are made again at most every REFOLD_NS per REFOLD_MANY
 * lanes, so that pass stays a few percent of the UI's time. */
#define REFOLD_NS (250 * 1000000ull)
#define REFOLD_MANY 16384

/* Refresh a->vis: the swimlane's rows (lanes passing the process filter,
 * folded), in display order. */
void app_visible_lanes(struct app *a)
{
	size_t n = a->view.lanes.n;

	if (a->vis_cap < n) {
		a->vis_cap = n * 2;
		a->vis = xreallocarray(a->vis, a->vis_cap, sizeof(*a->vis));
	}
	if (!a->refold && n > REFOLD_MANY && a->vis_at &&
	    a->wall_ns - a->vis_at < REFOLD_NS * (n / REFOLD_MANY))
		return;
	a->refold = false;
	a->vis_at = a->wall_ns;
	a->lanes_visible = lanes_rows(&a->view.lanes, pid_shown, &a->view.filter, a->vis);
}

/* Lay out for rows x cols (also refreshes the visible-lanes list). */
void app_layout(struct app *a, int rows, int cols)
{
	struct cfield f[COUNTER_FIELDS];
	int line[COUNTER_FIELDS];
	size_t n = counters_fields(&a->ctr, a->model, f, COUNTER_FIELDS);
	size_t lines = counters_place(f, n, cols, COUNTER_LINES, line);

	app_visible_lanes(a);
	layout_compute(&a->lay, rows, cols, (int)lines, a->lanes_visible, a->focus);
	list_fix(&a->list, app_rows(a), (size_t)a->lay.list_h);
	mode_refresh(a);
}

/* The end of the time axis: last event or elapsed time, ns. */
uint64_t app_time_end(const struct app *a)
{
	size_t n = a->frozen ? a->freeze_limit : store_count(a->store);
	uint64_t last = n ? store_get(a->store, n - 1)->ts : 0;
	uint64_t wall = (a->ended ? a->end_ns : a->now_ns) - a->start_ns;

	if (a->frozen || a->ended)
		return last > 0 ? last : wall;
	return wall > last ? wall : last;
}

/* The swimlane window [*t0, *t0 + *span). */
void app_window(const struct app *a, uint64_t *t0, uint64_t *span)
{
	uint64_t end = app_time_end(a);

	if (a->swim.fit || !a->swim.span) {
		*t0 = 0;
		*span = end > 1000000 ? end + end / 50 : 1000000;
		return;
	}
	*t0 = a->swim.t0;
	*span = a->swim.span;
	/* Following the tail keeps the newest events in view. */
	if (a->list.follow && !a->frozen && end > *t0 + *span)
		*t0 = end - *span + *span / 10;
}

/* Position in a->vis of the row of lane creation index id, or -1. */
long app_lane_row(const struct app *a, size_t id)
{
	size_t row = id < a->view.lanes.n ? a->view.lanes.v[id]->row : LANE_NONE;

	for (size_t i = 0; row != LANE_NONE && i < a->lanes_visible; i++)
		if (a->vis[i] == row)
			return (long)i;
	return -1;
}

/* Position in a->vis of the row of the selected event's lane, or -1. */
long app_selected_lane(const struct app *a)
{
	long idx = app_selected(a);
	struct lanes *l = (struct lanes *)&a->view.lanes;   /* lanes_at only reads */

	if (idx < 0 || !l->n)
		return -1;
	return app_lane_row(a, lanes_at(l, (size_t)idx, store_get(a->store, (size_t)idx)->tid)->id);
}

/* Next (dir 1) or previous (-1) shown event matching the search. */
long app_search_step(struct app *a, int dir)
{
	size_t n = app_rows(a), start = a->list.sel;

	if (!n || !a->search.len)
		return -1;
	for (size_t k = 1; k <= n; k++) {
		size_t i = dir > 0 ? (start + k) % n : (start + n - k % n) % n;
		if (textmatch_event(&a->search, a->store, view_at(&a->view, i)))
			return (long)i;
	}
	return -1;
}

/* A replay's state, short enough to leave room for the clock and counts:
 * "REPLAY playing 2x", "REPLAY paused all", "REPLAY live playing all"
 * (a pipe read as it is written), "REPLAY ended: exit 0". */
static void replay_state(const struct app *a, char *buf, size_t cap)
{
	int st = model_root_status(a->model);
	char sp[16], w[48];

	if (!a->ended)
		snprintf(buf, cap, "REPLAY %s%s %s", a->replay->live ? "live " : "",
			 a->replay->paused ? "paused" : "playing",
			 replay_speed_text(a->replay->speed, sp));
	else if (st < 0)
		snprintf(buf, cap, "REPLAY ended");
	else
		snprintf(buf, cap, "REPLAY ended: %s", fmt_wait_status(st, w));
}

/* The program held by F5, and how: the header's words. */
const char *app_held_text(const struct app *a)
{
	switch (a->hold) {
	case TRACER_HOLD_FREEZER:
		return "TRACEE FROZEN (cgroup)";
	case TRACER_HOLD_SIGSTOP:
		return "TRACEE STOPPED (SIGSTOP)";
	default:
		return "TRACEE STOPPED";
	}
}

/* "running", "TRACEE STOPPED" (or FROZEN, and how), "exit 0", "killed by
 * SIGKILL", "detached". */
void app_state_text(const struct app *a, char *buf, size_t cap)
{
	int st = model_root_status(a->model);
	char w[48];

	if (a->replay) {
		replay_state(a, buf, cap);
		return;
	}
	if (!a->ended) {
		snprintf(buf, cap, "%s", a->tracee_stopped ? app_held_text(a) : "running");
		return;
	}
	if (model_end_reason(a->model) == END_DETACHED && st < 0)
		snprintf(buf, cap, "detached");
	else if (st < 0)
		snprintf(buf, cap, "ended");
	else
		snprintf(buf, cap, "%s", fmt_wait_status(st, w));
}

/* A replay's REC_OUTPUT into the output pane. */
void app_replay_output(struct app *a, const struct rec_hdr *h)
{
	const struct rec_output *o = rec_payload(h);
	char note[120];

	if (h->flags & OUTPUT_F_CAPTURED)
		a->out_captured = true;
	if (o->dropped) {
		snprintf(note, sizeof(note), "[%llu bytes of output left out of the recording here: "
			 "over its bound]", (unsigned long long)o->dropped);
		outbuf_note(&a->out, note);
	}
	outbuf_add(&a->out, (const char *)(o + 1), o->len);
}

/* Forget everything taken from the recording: the model, the store and
 * every view's rows start afresh (filters, sorting and panes stay). */
static void replay_restart(struct app *a)
{
	model_reset(a->model);
	store_reset(a->store);
	if (a->stacks)
		stackkeep_reset(a->stacks);
	sites_free(a->sites);
	a->sites = NULL;
	view_restart(&a->view);
	for (int i = 0; i < MODE_MAX; i++) {
		int sort = a->tabs[i].sort;
		bool asc = a->tabs[i].asc;

		table_release(&a->tabs[i]);
		table_init(&a->tabs[i], sort, asc);
	}
	objstat_release(&a->obj);
	objstat_init(&a->obj);
	list_init(&a->list);
	memset(&a->ctr, 0, sizeof(a->ctr));
	a->ctr.no_rss = true;
	outbuf_release(&a->out);
	outbuf_init(&a->out, OUTPUT_LINES);
	a->out_back = 0;
	a->out_captured = false;
	a->frozen = false;
	a->swim.top = a->swim.cursor = 0;
	a->lanes_visible = 0;
	if (a->overlay == OV_DETAIL)
		a->overlay = OV_NONE;
}

/* Seek the replay to rel ns after its start (paused there). */
int app_replay_seek(struct app *a, uint64_t rel)
{
	int got = replay_seek(a->replay, rel, a->wall_ns);

	if (got < 0)
		return got;
	if (got > 0)
		replay_restart(a);
	a->ended = false;
	a->ctr.ended = false;
	return 0;
}

/* Seek the replay to its end. */
void app_replay_end(struct app *a)
{
	replay_seek_end(a->replay, a->wall_ns);
}
