/* actions.c - what keys and clicks do to the UI state.
 *
 * Every handler changes the state and returns APP_CH_* flags saying what
 * changed; none of them draws (the loop redraws, htop style).  Destructive
 * actions (kill, detach) always go through a y/n confirmation or through
 * Ctrl-C, never through a single letter.  Commands reach the traced program
 * only through tracer_command() or the pty master, and never block: a
 * full pty input buffer drops the keys with a notice.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "keys.h"
#include "mode.h"
#include "picker.h"
#include "replay.h"
#include "tracer.h"

#define PICK_MAX 4096

/* Set the footer notice. */
static void notice(struct app *a, const char *text)
{
	snprintf(a->msg, sizeof(a->msg), "%s", text);
}

/* Send a command to the tracer (absent in unit tests). */
static void command(struct app *a, enum tracer_cmd c)
{
	if (a->tracer)
		tracer_command(a->tracer, c);
}

/* Rows the list shows at once. */
static size_t page_rows(const struct app *a)
{
	return (size_t)(a->lay.list_h > 0 ? a->lay.list_h : 1);
}

/* Store-index limit of what is on screen (frozen or not). */
static size_t shown_limit(const struct app *a)
{
	return a->frozen ? a->freeze_limit : SIZE_MAX;
}

/* Keep the swimlane window on the selected event when zoomed in. */
static void swim_show_selected(struct app *a)
{
	long idx = app_selected(a);
	uint64_t ts;

	if (idx < 0 || a->swim.fit)
		return;
	ts = store_get(a->store, (size_t)idx)->ts;
	if (ts < a->swim.t0 || ts >= a->swim.t0 + a->swim.span)
		a->swim.t0 = ts > a->swim.span / 2 ? ts - a->swim.span / 2 : 0;
}

/* Add delta to *v within [0, max]. */
static void step(size_t *v, long delta, size_t max)
{
	if (delta < 0)
		*v = (size_t)-delta > *v ? 0 : *v + (size_t)delta;
	else
		*v = *v + (size_t)delta > max ? max : *v + (size_t)delta;
}

/* Move the lane cursor and select that lane's event nearest the selection. */
static unsigned lanes_move(struct app *a, long delta)
{
	long sel = app_selected(a), idx;
	const struct lane *ln;
	uint64_t ts = sel >= 0 ? store_get(a->store, (size_t)sel)->ts : 0;

	if (!a->lanes_visible)
		return 0;
	step(&a->swim.cursor, delta, a->lanes_visible - 1);
	ln = a->view.lanes.v[a->vis[a->swim.cursor]];
	idx = lanes_row_nearest(&a->view.lanes, ln, a->store, shown_limit(a), ts);
	if (idx >= 0)
		app_select_store(a, (size_t)idx);
	return APP_CH_DRAW;
}

/* Move within the picker. */
static unsigned picker_move(struct app *a, long delta)
{
	struct pick_item items[1];
	size_t n = picker_items(&a->view.lanes, items, 0);

	step(&a->pick_sel, delta, n ? n - 1 : 0);
	return APP_CH_DRAW;
}

/* Move within an analysis view's table. */
static unsigned table_move(struct app *a, long delta)
{
	struct table *t = &a->tabs[a->mode];
	size_t rows = (size_t)(a->lay.table_h > 0 ? a->lay.table_h : 1);

	if (delta == 1 || delta == -1)
		list_move(&t->pos, delta, t->n, rows);
	else
		list_page(&t->pos, delta, t->n, rows);
	t->pos.follow = false;
	return APP_CH_DRAW;
}

/* Up/down/page/home/end in whatever has the keyboard. */
static unsigned move(struct app *a, long delta)
{
	size_t n = app_rows(a);

	switch (a->overlay) {
	case OV_HELP: step(&a->help_top, delta, 500); return APP_CH_DRAW;
	case OV_DETAIL: step(&a->detail_top, delta, 200); return APP_CH_DRAW;
	case OV_PICKER: return picker_move(a, delta);
	default: break;
	}
	if (a->mode != MODE_EVENTS)
		return table_move(a, delta);
	switch (a->focus) {
	case PANE_LANES:
		return lanes_move(a, delta);
	case PANE_OUTPUT:
		step(&a->out_back, -delta, outbuf_count(&a->out));
		return APP_CH_DRAW;
	default:
		if (delta == 1 || delta == -1)
			list_move(&a->list, delta, n, page_rows(a));
		else
			list_page(&a->list, delta, n, page_rows(a));
		swim_show_selected(a);
		return APP_CH_DRAW;
	}
}

/* The page size of whatever has the keyboard. */
static long page(const struct app *a)
{
	if (a->overlay)
		return a->lay.rows > 6 ? a->lay.rows - 4 : 1;
	if (a->mode != MODE_EVENTS)
		return a->lay.table_h;
	if (a->focus == PANE_LANES)
		return a->lay.lanes_h;
	if (a->focus == PANE_OUTPUT)
		return a->lay.out_h;
	return a->lay.list_h;
}

/* Up / k. */
static unsigned act_up(struct app *a) { return move(a, -1); }
/* Down / j. */
static unsigned act_down(struct app *a) { return move(a, 1); }
/* PgUp. */
static unsigned act_pgup(struct app *a) { return move(a, -page(a)); }
/* PgDn. */
static unsigned act_pgdn(struct app *a) { return move(a, page(a)); }
/* Home / g. */
static unsigned act_home(struct app *a) { return move(a, LONG_MIN / 2); }

/* End: the last row; in the list and output pane, follow again. */
static unsigned act_end(struct app *a)
{
	unsigned ch = move(a, LONG_MAX / 2);

	if (!a->overlay && a->mode == MODE_EVENTS && a->focus == PANE_LIST)
		a->list.follow = true;
	if (!a->overlay && a->focus == PANE_OUTPUT)
		a->out_back = 0;
	return ch;
}

/* q / F10: quit now, or ask first while the program runs. */
static unsigned act_quit(struct app *a)
{
	if (a->ended || a->replay)
		return APP_CH_QUIT;
	if (a->quitting) {
		notice(a, "Waiting for the program to end...");
		return APP_CH_DRAW;
	}
	a->confirm = a->sig.attached ? CF_DETACH : CF_KILL;
	return APP_CH_DRAW;
}

/* F1 / ?: the help screen. */
static unsigned act_help(struct app *a)
{
	a->overlay = OV_HELP;
	a->help_top = 0;
	return APP_CH_DRAW;
}

/* Esc: close what is open. */
static unsigned act_back(struct app *a)
{
	a->overlay = OV_NONE;
	return APP_CH_DRAW;
}

/* Ctrl-L: repaint the whole terminal. */
static unsigned act_redraw(struct app *a)
{
	a->msg[0] = '\0';
	return APP_CH_CLEAR | APP_CH_DRAW;
}

/* Open the one-line prompt of kind k with text. */
static unsigned open_prompt(struct app *a, enum prompt k, const char *text)
{
	a->prompt = k;
	lineedit_start(&a->edit, text);
	return APP_CH_DRAW;
}

/* Open a prompt on t's text, or on the text it last refused with the
 * cursor on the mistake, so that a typo is fixed rather than retyped. */
static unsigned open_text_prompt(struct app *a, enum prompt k, struct textmatch *t)
{
	if (!t->rejected[0])
		return open_prompt(a, k, t->text);
	open_prompt(a, k, t->rejected);
	a->edit.cur = t->rejected_pos < a->edit.len ? t->rejected_pos : a->edit.len;
	while (a->edit.cur > 0 && (a->edit.buf[a->edit.cur] & 0xc0) == 0x80)
		a->edit.cur--;
	t->rejected[0] = '\0';
	return APP_CH_DRAW;
}

/* Characters (not bytes) of UTF-8 text before byte offset pos, plus one. */
static size_t column_of(const char *text, size_t pos)
{
	size_t col = 1;

	for (size_t i = 0; i < pos && text[i]; i++)
		col += ((unsigned char)text[i] & 0xc0) != 0x80;
	return col;
}

/* /: open the search prompt. */
static unsigned act_search(struct app *a)
{
	return open_text_prompt(a, PR_SEARCH, &a->search);
}

/* Jump to the next (dir 1) or previous (-1) search match. */
static unsigned search_jump(struct app *a, int dir)
{
	long i;

	if (!a->search.len)
		return act_search(a);
	i = app_search_step(a, dir);
	if (i < 0) {
		snprintf(a->msg, sizeof(a->msg), "No event matches \"%s\"", a->search.text);
		return APP_CH_DRAW;
	}
	list_select(&a->list, (size_t)i, app_rows(a), page_rows(a));
	a->list.follow = false;
	swim_show_selected(a);
	return APP_CH_DRAW;
}

/* n: next match. */
static unsigned act_search_next(struct app *a) { return search_jump(a, 1); }
/* N: previous match. */
static unsigned act_search_prev(struct app *a) { return search_jump(a, -1); }

/* F4 / \: open the filter menu. */
static unsigned act_filter(struct app *a)
{
	a->overlay = OV_PICKER;
	return APP_CH_DRAW;
}

/* a: turn the noise filter off or on. */
static unsigned act_noise(struct app *a)
{
	a->view.filter.hide_noise = !a->view.filter.hide_noise;
	notice(a, a->view.filter.hide_noise ? "Noise filter on" :
	       "Noise filter off: showing /proc, /sys, /dev, libraries and localhost too");
	return APP_CH_FILTER | APP_CH_DRAW;
}

/* Space: freeze the view (tracing goes on) or follow again. */
static unsigned act_freeze(struct app *a)
{
	a->frozen = !a->frozen;
	if (a->frozen)
		a->freeze_limit = a->view.scanned;
	list_fix(&a->list, app_rows(a), page_rows(a));
	return APP_CH_DRAW;
}

/* F5 / p in a replay: pause or play (there is no program to stop). */
static unsigned replay_pause(struct app *a)
{
	if (a->ended) {
		notice(a, "The whole recording has been played");
		return APP_CH_DRAW;
	}
	replay_set_paused(a->replay, !a->replay->paused, a->wall_ns);
	notice(a, a->replay->paused ? "Replay paused (p or F5 plays on)" : "Replay playing");
	return APP_CH_DRAW;
}

/* ] and [: replay speed. */
static unsigned replay_speed(struct app *a, int dir)
{
	char sp[16];

	if (!a->replay) {
		notice(a, "Speed is for --replay: the program runs at its own pace");
		return APP_CH_DRAW;
	}
	replay_step_speed(a->replay, dir, a->wall_ns);
	snprintf(a->msg, sizeof(a->msg), "Replay speed %s", replay_speed_text(a->replay->speed, sp));
	return APP_CH_DRAW;
}

/* A replay key outside a replay: say so; true when it was one. */
static bool not_replay(struct app *a)
{
	if (!a->replay)
		notice(a, "Seeking is for --replay: a traced program runs at its own pace");
	return !a->replay;
}

/* Seek the replay to rel ns after its start and say where it is. */
static unsigned replay_go(struct app *a, uint64_t rel)
{
	int err = app_replay_seek(a, rel);

	if (err == -ESPIPE) {
		snprintf(a->msg, sizeof(a->msg), "Cannot seek back: a recording read from a pipe "
			 "cannot be read again (record to a file to seek back)");
		return APP_CH_DRAW;
	}
	if (err) {
		snprintf(a->msg, sizeof(a->msg), "Cannot read the recording again: %s", strerror(-err));
		return APP_CH_DRAW;
	}
	snprintf(a->msg, sizeof(a->msg), "Replay at +%.3fs, paused (p or F5 plays on)",
		 (double)rel / 1e9);
	return APP_CH_DRAW | APP_CH_FILTER;
}

/* {: back to the start of the replay. */
static unsigned act_replay_start(struct app *a)
{
	return not_replay(a) ? APP_CH_DRAW : replay_go(a, 0);
}

/* }: to the end of the replay. */
static unsigned act_replay_end(struct app *a)
{
	if (not_replay(a))
		return APP_CH_DRAW;
	app_replay_end(a);
	notice(a, "Replay at the end: everything recorded");
	return APP_CH_DRAW;
}

/* :: ask for a time to go to. */
static unsigned act_replay_seek(struct app *a)
{
	return not_replay(a) ? APP_CH_DRAW : open_prompt(a, PR_SEEK, "");
}

/* The seek prompt's answer. */
static unsigned seek_answer(struct app *a, const char *text)
{
	uint64_t rel;

	if (replay_parse_time(text, &rel) < 0) {
		snprintf(a->msg, sizeof(a->msg), "Go to: '%.60s' is not a time after the start "
			 "(2.5, +2.5s, 1500ms, 1m30s); : to try again", text);
		return APP_CH_DRAW;
	}
	return replay_go(a, rel);
}

/* ]. */
static unsigned act_faster(struct app *a) { return replay_speed(a, 1); }
/* [. */
static unsigned act_slower(struct app *a) { return replay_speed(a, -1); }

/* F5 / p: stop or continue the traced program itself. */
static unsigned act_stopcont(struct app *a)
{
	if (a->replay)
		return replay_pause(a);
	if (a->ended || a->quitting) {
		notice(a, "The program is not running");
		return APP_CH_DRAW;
	}
	a->tracee_stopped = !a->tracee_stopped;
	command(a, a->tracee_stopped ? TRACER_STOP : TRACER_CONT);
	if (!a->tracee_stopped)
		notice(a, "Traced program continues");
	else if (a->hold == TRACER_HOLD_FREEZER)
		notice(a, "Traced program frozen in its cgroup (F5 or p continues it)");
	else if (a->hold == TRACER_HOLD_SIGSTOP)
		notice(a, "Traced program stopped by SIGSTOP (F5 or p continues it)");
	else
		notice(a, "Traced program stopped (F5 or p continues it)");
	return APP_CH_DRAW;
}

/* Tab / Shift-Tab: focus the next or previous pane. */
static unsigned focus_step(struct app *a, int dir)
{
	a->focus = (enum pane)((a->focus + PANE_MAX + dir) % PANE_MAX);
	if (a->focus == PANE_LANES) {
		long l = app_selected_lane(a);
		a->swim.cursor = l >= 0 ? (size_t)l : 0;
	}
	return APP_CH_DRAW | APP_CH_LAYOUT;
}

/* Tab. */
static unsigned act_next_pane(struct app *a) { return focus_step(a, 1); }
/* Shift-Tab. */
static unsigned act_prev_pane(struct app *a) { return focus_step(a, -1); }

/* Zoom the time axis by a factor of two around the selection. */
static unsigned zoom(struct app *a, bool in)
{
	uint64_t t0, span, end = app_time_end(a), mid;
	long sel = app_selected(a);

	app_window(a, &t0, &span);
	mid = t0 + span / 2;
	if (sel >= 0 && store_get(a->store, (size_t)sel)->ts >= t0 &&
	    store_get(a->store, (size_t)sel)->ts < t0 + span)
		mid = store_get(a->store, (size_t)sel)->ts;
	if (in)
		span = span / 2 > 1000 ? span / 2 : 1000;
	else
		span *= 2;
	a->swim.fit = !in && span >= end;
	a->swim.span = span;
	a->swim.t0 = mid > span / 2 ? mid - span / 2 : 0;
	return APP_CH_DRAW;
}

/* + / =. */
static unsigned act_zoom_in(struct app *a) { return zoom(a, true); }
/* -. */
static unsigned act_zoom_out(struct app *a) { return zoom(a, false); }

/* 0: fit the whole run on the time axis. */
static unsigned act_zoom_fit(struct app *a)
{
	a->swim.fit = true;
	return APP_CH_DRAW;
}

/* Move the time window by a quarter of its width. */
static unsigned pan(struct app *a, int dir)
{
	uint64_t t0, span;

	app_window(a, &t0, &span);
	a->swim.fit = false;
	a->swim.span = span;
	if (dir < 0)
		a->swim.t0 = t0 > span / 4 ? t0 - span / 4 : 0;
	else
		a->swim.t0 = t0 + span / 4;
	if (dir < 0)
		a->list.follow = false;
	return APP_CH_DRAW;
}

/* Left / h. */
static unsigned act_pan_left(struct app *a) { return pan(a, -1); }
/* Right / l. */
static unsigned act_pan_right(struct app *a) { return pan(a, 1); }

/* Open (open true) the folded row under the lane cursor, or fold again the
 * opened group the cursor's lane is in; the cursor goes to the group's
 * row.  Returns APP_CH_DRAW, or 0 when there is nothing to open or fold. */
static unsigned lanes_open(struct app *a, bool open)
{
	const struct lane *ln;
	size_t g;
	long row;

	if (a->focus != PANE_LANES || a->swim.cursor >= a->lanes_visible)
		return 0;
	ln = a->view.lanes.v[a->vis[a->swim.cursor]];
	g = lanes_fold(&a->view.lanes, ln, open);
	if (g == LANE_NONE)
		return 0;
	a->refold = true;
	app_visible_lanes(a);
	row = app_lane_row(a, g);
	if (row >= 0)
		a->swim.cursor = (size_t)row;
	if (open)
		snprintf(a->msg, sizeof(a->msg), "%zu lanes of %s, one a process (Left folds them)",
			 a->view.lanes.v[g]->gsize, a->view.lanes.v[g]->name);
	else
		snprintf(a->msg, sizeof(a->msg), "%zu processes of %s share one lane (Right opens it)",
			 a->view.lanes.v[g]->gsize, a->view.lanes.v[g]->name);
	return APP_CH_DRAW | APP_CH_LAYOUT;
}

/* Open or fold the selected row of an analysis view (the process tree). */
static unsigned table_open(struct app *a, bool open)
{
	const struct mode_ops *m = mode_get(a->mode);
	const struct trow *r = table_selected(&a->tabs[a->mode]);

	if (!m || !r || !m->fold)
		return 0;
	return m->fold(a, r, open);
}

/* Right: open a folded row (a swimlane lane, a process tree row); else pan. */
static unsigned act_unfold(struct app *a)
{
	unsigned ch = a->mode != MODE_EVENTS ? table_open(a, true) : lanes_open(a, true);

	return ch ? ch : a->mode != MODE_EVENTS ? APP_CH_DRAW : pan(a, 1);
}

/* Left: fold the opened group of the row again; else pan back. */
static unsigned act_fold(struct app *a)
{
	unsigned ch = a->mode != MODE_EVENTS ? table_open(a, false) : lanes_open(a, false);

	return ch ? ch : a->mode != MODE_EVENTS ? APP_CH_DRAW : pan(a, -1);
}

/* Enter: details of the selected event. */
static unsigned act_detail(struct app *a)
{
	long idx = app_selected(a);

	if (idx < 0)
		return 0;
	a->overlay = OV_DETAIL;
	a->detail_idx = (size_t)idx;
	a->detail_top = 0;
	return APP_CH_DRAW;
}

/* Enter in the swimlane: open a folded lane; else the selected event's details. */
static unsigned act_unfold_detail(struct app *a)
{
	unsigned ch = lanes_open(a, true);

	return ch ? ch : act_detail(a);
}

/* Ctrl-C in the UI. */
static unsigned act_interrupt(struct app *a)
{
	return app_interrupt(a);
}

/* Ctrl-] / i: send keys to the program until Ctrl-]. */
static unsigned act_input(struct app *a)
{
	if (a->pty < 0) {
		notice(a, a->replay ? "A replay has no program to type into" :
		       "The program has no terminal here (attached with --pid)");
		return APP_CH_DRAW;
	}
	a->input_mode = true;
	a->focus = PANE_OUTPUT;
	a->out_back = 0;
	return APP_CH_DRAW | APP_CH_LAYOUT;
}

/* Items of the filter menu into a scratch array; returns the count. */
static size_t pick_items(struct app *a, struct pick_item *items)
{
	size_t n = picker_items(&a->view.lanes, items, PICK_MAX);

	if (n > PICK_MAX)
		n = PICK_MAX;
	if (a->pick_sel >= n)
		a->pick_sel = n ? n - 1 : 0;
	return n;
}

/* Apply a picker operation to the item under the cursor. */
static unsigned pick_apply(struct app *a, bool only)
{
	struct pick_item items[PICK_MAX];
	size_t n = pick_items(a, items);

	if (!n)
		return 0;
	if (items[a->pick_sel].kind == PK_TEXT)
		return open_text_prompt(a, PR_FILTER, &a->view.filter.text);
	if (only ? picker_only(&items[a->pick_sel], &a->view.filter) :
	    picker_toggle(&items[a->pick_sel], &a->view.filter))
		return APP_CH_FILTER | APP_CH_DRAW;
	return 0;
}

/* Space in the filter menu. */
static unsigned act_toggle(struct app *a) { return pick_apply(a, false); }
/* o in the filter menu. */
static unsigned act_only(struct app *a) { return pick_apply(a, true); }

/* x in the filter menu: clear every filter. */
static unsigned act_clear(struct app *a)
{
	filter_clear(&a->view.filter);
	a->view.follow.on = false;
	notice(a, "Filters cleared");
	return APP_CH_FILTER | APP_CH_DRAW;
}

/* t in the filter menu: edit the text filter. */
static unsigned act_edit_text(struct app *a)
{
	return open_text_prompt(a, PR_FILTER, &a->view.filter.text);
}

/* Put the picker cursor on the first item of kind. */
static unsigned pick_go(struct app *a, enum pick_kind kind)
{
	struct pick_item items[PICK_MAX];
	size_t n = pick_items(a, items);
	long i = picker_find(items, n, kind);

	if (i >= 0)
		a->pick_sel = (size_t)i;
	return APP_CH_DRAW;
}

/* c in the filter menu. */
static unsigned act_go_cats(struct app *a) { return pick_go(a, PK_CAT); }
/* y in the filter menu. */
static unsigned act_go_types(struct app *a) { return pick_go(a, PK_TYPE); }
/* p in the filter menu. */
static unsigned act_go_procs(struct app *a) { return pick_go(a, PK_PROC); }

/* Switch to view id. */
static unsigned show_mode(struct app *a, enum mode_id id)
{
	a->mode = id;
	a->overlay = OV_NONE;
	return APP_CH_DRAW | APP_CH_LAYOUT;
}

/* e / Esc in a table. */
static unsigned act_view_events(struct app *a) { return show_mode(a, MODE_EVENTS); }
/* s. */
static unsigned act_view_syscalls(struct app *a) { return show_mode(a, MODE_SYSCALLS); }
/* f. */
static unsigned act_view_files(struct app *a) { return show_mode(a, MODE_FILES); }
/* c. */
static unsigned act_view_conns(struct app *a) { return show_mode(a, MODE_CONNS); }
/* t. */
static unsigned act_view_procs(struct app *a) { return show_mode(a, MODE_PROCS); }
/* L. */
static unsigned act_view_latency(struct app *a) { return show_mode(a, MODE_LATENCY); }
/* w: where files were opened and connections made from. */
static unsigned act_view_sites(struct app *a) { return show_mode(a, MODE_SITES); }

/* Sort the table by the column dir steps away (views built in an order of
 * their own, like the tree, have that order before the first column). */
static unsigned sort_step(struct app *a, int dir)
{
	const struct mode_ops *m = mode_get(a->mode);
	struct table *t = &a->tabs[a->mode];
	int lo = m->sort < 0 ? -1 : 0, n = (int)m->ncols, c = t->sort + dir;

	if (c >= n)
		c = lo;
	if (c < lo)
		c = n - 1;
	table_sort_by(t, c, m->cols, m->ncols);
	return APP_CH_DRAW;
}

/* >. */
static unsigned act_sort_next(struct app *a) { return sort_step(a, 1); }
/* <. */
static unsigned act_sort_prev(struct app *a) { return sort_step(a, -1); }

/* r: reverse the table's order. */
static unsigned act_sort_reverse(struct app *a)
{
	struct table *t = &a->tabs[a->mode];

	t->asc = !t->asc;
	t->built = false;
	return APP_CH_DRAW;
}

/* Enter in a table: open the selected row. */
static unsigned act_open(struct app *a)
{
	const struct mode_ops *m = mode_get(a->mode);
	const struct trow *r = table_selected(&a->tabs[a->mode]);

	if (!m || !r)
		return APP_CH_DRAW;
	if (!m->open) {
		notice(a, "Nothing to open here");
		return APP_CH_DRAW;
	}
	return m->open(a, r);
}

/* Esc in the event list: stop following an object. */
static unsigned act_unfollow(struct app *a)
{
	if (!a->view.follow.on)
		return APP_CH_DRAW;
	a->view.follow.on = false;
	notice(a, "Showing every event again");
	return APP_CH_FILTER | APP_CH_DRAW;
}

static unsigned (*const handlers[ACT_MAX])(struct app *a) = {
	[ACT_QUIT] = act_quit, [ACT_HELP] = act_help, [ACT_BACK] = act_back,
	[ACT_REDRAW] = act_redraw, [ACT_SEARCH] = act_search,
	[ACT_SEARCH_NEXT] = act_search_next, [ACT_SEARCH_PREV] = act_search_prev,
	[ACT_FILTER] = act_filter, [ACT_NOISE] = act_noise, [ACT_FREEZE] = act_freeze,
	[ACT_STOPCONT] = act_stopcont, [ACT_NEXT_PANE] = act_next_pane,
	[ACT_PREV_PANE] = act_prev_pane, [ACT_UP] = act_up, [ACT_DOWN] = act_down,
	[ACT_PGUP] = act_pgup, [ACT_PGDN] = act_pgdn, [ACT_HOME] = act_home, [ACT_END] = act_end,
	[ACT_PAN_LEFT] = act_pan_left, [ACT_PAN_RIGHT] = act_pan_right,
	[ACT_ZOOM_IN] = act_zoom_in, [ACT_ZOOM_OUT] = act_zoom_out, [ACT_ZOOM_FIT] = act_zoom_fit,
	[ACT_DETAIL] = act_detail, [ACT_INTERRUPT] = act_interrupt, [ACT_INPUT] = act_input,
	[ACT_TOGGLE] = act_toggle, [ACT_ONLY] = act_only, [ACT_CLEAR] = act_clear,
	[ACT_EDIT_TEXT] = act_edit_text, [ACT_GO_CATS] = act_go_cats,
	[ACT_GO_TYPES] = act_go_types, [ACT_GO_PROCS] = act_go_procs,
	[ACT_FASTER] = act_faster, [ACT_SLOWER] = act_slower,
	[ACT_REPLAY_START] = act_replay_start, [ACT_REPLAY_END] = act_replay_end,
	[ACT_REPLAY_SEEK] = act_replay_seek,
	[ACT_VIEW_EVENTS] = act_view_events, [ACT_VIEW_SYSCALLS] = act_view_syscalls,
	[ACT_VIEW_FILES] = act_view_files, [ACT_VIEW_CONNS] = act_view_conns,
	[ACT_VIEW_PROCS] = act_view_procs, [ACT_VIEW_LATENCY] = act_view_latency,
	[ACT_VIEW_SITES] = act_view_sites,
	[ACT_SORT_NEXT] = act_sort_next, [ACT_SORT_PREV] = act_sort_prev,
	[ACT_SORT_REVERSE] = act_sort_reverse, [ACT_OPEN] = act_open, [ACT_UNFOLLOW] = act_unfollow,
	[ACT_UNFOLD] = act_unfold, [ACT_FOLD] = act_fold, [ACT_UNFOLD_DETAIL] = act_unfold_detail,
};

/* y confirms killing or detaching; anything else cancels. */
static unsigned confirm_key(struct app *a, int key)
{
	enum confirm c = a->confirm;

	a->confirm = CF_NONE;
	if (key != 'y' && key != 'Y') {
		notice(a, "Cancelled");
		return APP_CH_DRAW;
	}
	if (a->ended)
		return APP_CH_QUIT;
	command(a, c == CF_DETACH ? TRACER_DETACH : TRACER_KILL);
	a->quitting = true;
	notice(a, c == CF_DETACH ? "Detaching..." : "Killing the program...");
	return APP_CH_DRAW | APP_CH_QUIT;
}

/* Keys while the search or filter-text prompt is open. */
static unsigned prompt_key(struct app *a, int key)
{
	enum lineedit_result r = lineedit_key(&a->edit, key);
	enum prompt p = a->prompt;
	struct textmatch *t;
	struct query_error err;

	if (r == LE_EDITING)
		return APP_CH_DRAW;
	a->prompt = PR_NONE;
	if (r == LE_CANCEL)
		return APP_CH_DRAW;
	if (p == PR_SEEK)
		return seek_answer(a, a->edit.buf);
	t = p == PR_FILTER ? &a->view.filter.text : &a->search;
	if (textmatch_parse(t, a->edit.buf, &err) < 0) {
		snprintf(a->msg, sizeof(a->msg), "%s: %.120s (column %zu); %s to fix it",
			 p == PR_FILTER ? "Filter" : "Search", err.msg, column_of(a->edit.buf, err.pos),
			 p == PR_FILTER ? "F4 t" : "/");
		return APP_CH_DRAW;
	}
	if (p == PR_FILTER)
		return APP_CH_FILTER | APP_CH_DRAW;
	return a->search.len ? search_jump(a, 1) : APP_CH_DRAW;
}

/* The bytes a terminal sends for key, into out; returns the count. */
static size_t key_bytes(int key, char *out)
{
	static const struct { int key; const char *seq; } seqs[] = {
		{ KEYC_UP, "\033[A" }, { KEYC_DOWN, "\033[B" }, { KEYC_RIGHT, "\033[C" },
		{ KEYC_LEFT, "\033[D" }, { KEYC_HOME, "\033[H" }, { KEYC_END, "\033[F" },
		{ KEYC_PGUP, "\033[5~" }, { KEYC_PGDN, "\033[6~" }, { KEYC_DELETE, "\033[3~" },
		{ KEYC_BACKSPACE, "\177" }, { KEYC_BTAB, "\033[Z" }, { KEYC_ENTER, "\r" },
	};

	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
		if (seqs[i].key == key) {
			strcpy(out, seqs[i].seq);
			return strlen(out);
		}
	if (key >= KEYC_BASE)
		return 0;
	return keys_utf8(key, out);
}

/* Keys while typing into the program: all of them go there but Ctrl-]. */
static unsigned input_key(struct app *a, int key)
{
	char buf[8];
	size_t n;

	if (key == KEYC_CTRL(']')) {
		a->input_mode = false;
		return APP_CH_DRAW;
	}
	n = key_bytes(key, buf);
	if (n && a->pty >= 0 && write(a->pty, buf, n) < 0 && errno == EAGAIN)
		notice(a, "The program is not reading its input; keys dropped");
	return APP_CH_DRAW;
}

/* The key context of what has the keyboard. */
static unsigned key_ctx(const struct app *a)
{
	static const unsigned panes[PANE_MAX] = { KCTX_LANES, KCTX_LIST, KCTX_OUTPUT };

	switch (a->overlay) {
	case OV_HELP: return KCTX_HELP;
	case OV_DETAIL: return KCTX_DETAIL;
	case OV_PICKER: return KCTX_PICKER;
	default: return a->mode != MODE_EVENTS ? KCTX_TABLE : panes[a->focus];
	}
}

/* Key and mouse handlers (actions.c): return APP_CH_* flags, never draw. */
unsigned app_key(struct app *a, int key)
{
	enum action act;

	if (a->confirm)
		return confirm_key(a, key);
	if (a->prompt)
		return prompt_key(a, key);
	if (a->input_mode)
		return input_key(a, key);
	a->msg[0] = '\0';
	if (a->overlay == OV_PICKER && key == KEYC_ENTER) {
		struct pick_item items[PICK_MAX];
		size_t n = pick_items(a, items);
		if (n && items[a->pick_sel].kind == PK_TEXT)
			return act_edit_text(a);
	}
	act = keys_action(key, key_ctx(a));
	if (act == ACT_NONE || !handlers[act])
		return APP_CH_DRAW;
	return handlers[act](a);
}

/* A click or wheel in the swimlane. */
static unsigned mouse_lanes(struct app *a, int x, int y, enum mouse_kind kind)
{
	size_t row = a->swim.top + (size_t)(y - a->lay.lanes_y);
	uint64_t t0, span, ts;
	long idx;

	if (kind != MOUSE_CLICK) {
		step(&a->swim.top, kind == MOUSE_WHEEL_UP ? -1 : 1,
		     a->lanes_visible ? a->lanes_visible - 1 : 0);
		return APP_CH_DRAW;
	}
	if (y < a->lay.lanes_y || row >= a->lanes_visible)
		return APP_CH_DRAW;
	a->swim.cursor = row;
	app_window(a, &t0, &span);
	ts = x >= a->lay.axis_x ? t0 + (uint64_t)(x - a->lay.axis_x) * span / (uint64_t)a->lay.axis_w : t0;
	idx = lanes_row_nearest(&a->view.lanes, a->view.lanes.v[a->vis[row]], a->store,
				shown_limit(a), ts);
	if (idx >= 0) {
		app_select_store(a, (size_t)idx);
		a->list.follow = false;
	}
	return APP_CH_DRAW;
}

/* A click or wheel in the event list. */
static unsigned mouse_list(struct app *a, int y, enum mouse_kind kind)
{
	size_t n = app_rows(a);

	if (kind != MOUSE_CLICK) {
		list_scroll(&a->list, kind == MOUSE_WHEEL_UP ? -3 : 3, n, page_rows(a));
		return APP_CH_DRAW;
	}
	if (y >= a->lay.list_y && a->list.top + (size_t)(y - a->lay.list_y) < n) {
		list_select(&a->list, a->list.top + (size_t)(y - a->lay.list_y), n, page_rows(a));
		swim_show_selected(a);
	}
	return APP_CH_DRAW;
}

/* A click or wheel in an analysis view's table. */
static unsigned mouse_table(struct app *a, int y, enum mouse_kind kind)
{
	struct table *t = &a->tabs[a->mode];
	size_t rows = (size_t)(a->lay.table_h > 0 ? a->lay.table_h : 1);

	if (kind != MOUSE_CLICK)
		return table_move(a, kind == MOUSE_WHEEL_UP ? -3 : 3);
	if (y >= a->lay.table_y && t->pos.top + (size_t)(y - a->lay.table_y) < t->n)
		list_select(&t->pos, t->pos.top + (size_t)(y - a->lay.table_y), t->n, rows);
	t->pos.follow = false;
	return APP_CH_DRAW;
}

/* A click or wheel turn at (x, y). */
unsigned app_mouse(struct app *a, int x, int y, enum mouse_kind kind)
{
	enum pane p = layout_pane_at(&a->lay, y);
	unsigned ch = 0;

	if (a->overlay || a->prompt || a->confirm) {
		if (kind != MOUSE_CLICK)
			return move(a, kind == MOUSE_WHEEL_UP ? -3 : 3);
		return 0;
	}
	if (p == PANE_MAX)
		return 0;
	if (a->mode != MODE_EVENTS && p != PANE_OUTPUT)
		return mouse_table(a, y, kind);
	if (kind == MOUSE_CLICK && p != a->focus) {
		a->focus = p;
		ch = APP_CH_LAYOUT;
	}
	if (p == PANE_LANES)
		return ch | mouse_lanes(a, x, y, kind);
	if (p == PANE_LIST)
		return ch | mouse_list(a, y, kind);
	if (kind != MOUSE_CLICK)
		step(&a->out_back, kind == MOUSE_WHEEL_UP ? 3 : -3, outbuf_count(&a->out));
	return ch | APP_CH_DRAW;
}

/* Is a program traced now (not a replay, not ended)? */
static bool tracing(const struct app *a)
{
	return !a->ended && !a->replay;
}

/* Ctrl-C / SIGINT, as sigpolicy decides: to the program first, then kill
 * (or detach with --pid).  Typed into the program's terminal, the Ctrl-C
 * reaches its foreground processes as it would in a terminal of its own. */
unsigned app_interrupt(struct app *a)
{
	enum sig_action act = sigpolicy_decide(&a->sig, SIGINT, tracing(a));
	bool typed = act == SIGACT_FORWARD && a->pty >= 0 && write(a->pty, "\003", 1) == 1;

	sigpolicy_apply(a->tracer, act, typed);
	switch (act) {
	case SIGACT_END:
		return APP_CH_QUIT;
	case SIGACT_DETACH:
		a->quitting = true;
		notice(a, "Detaching (the process keeps running)...");
		break;
	case SIGACT_KILL:
		notice(a, "Killing the program...");
		break;
	case SIGACT_FORWARD:
		notice(a, "Sent Ctrl-C to the program; Ctrl-C again kills it");
		break;
	}
	return APP_CH_DRAW;
}

/* A termination request (SIGTERM, SIGHUP): kill or detach, then quit. */
unsigned app_terminate(struct app *a)
{
	enum sig_action act = sigpolicy_decide(&a->sig, SIGTERM, tracing(a));

	sigpolicy_apply(a->tracer, act, false);
	if (act != SIGACT_END)
		a->quitting = true;
	return APP_CH_DRAW | APP_CH_QUIT;
}
