/* app.h - the state of the interactive UI, shared by its parts.
 *
 * tui.c runs the loop, actions.c turns keys and clicks into changes of this
 * state (returning APP_CH_* flags, never drawing), screen.c draws it.  The
 * state refers to the model, store and tracer but owns none of them.
 */
#ifndef COMPENDIUM_UI_APP_H
#define COMPENDIUM_UI_APP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "layout.h"
#include "lineedit.h"
#include "list.h"
#include "mode.h"
#include "model.h"
#include "objstat.h"
#include "outbuf.h"
#include "sigpolicy.h"
#include "store.h"
#include "tracer.h"
#include "view.h"

struct tracer;
struct replay;
struct query;
struct rec_hdr;
struct sites;
struct stackkeep;

/* What a handler changed; the loop redraws (and re-filters) accordingly. */
enum {
	APP_CH_DRAW = 1 << 0,     /* something visible changed */
	APP_CH_FILTER = 1 << 1,   /* the filter changed: re-filter everything */
	APP_CH_CLEAR = 1 << 2,    /* repaint the whole terminal */
	APP_CH_QUIT = 1 << 3,     /* leave the loop (once tracing has ended) */
	APP_CH_LAYOUT = 1 << 4,   /* pane sizes changed: tell the pty */
};

enum overlay { OV_NONE, OV_HELP, OV_DETAIL, OV_PICKER };
enum prompt { PR_NONE, PR_SEARCH, PR_FILTER, PR_SEEK };
enum confirm { CF_NONE, CF_KILL, CF_DETACH };
enum mouse_kind { MOUSE_CLICK, MOUSE_WHEEL_UP, MOUSE_WHEEL_DOWN };

/* The swimlane's time window and lane scrolling. */
struct swim {
	bool fit;                /* show the whole run */
	uint64_t t0, span;       /* window when not fitting, ns */
	size_t top;              /* first visible lane (in visible order) */
	size_t cursor;           /* lane cursor (in visible order) */
};

struct app {
	/* wiring, not owned */
	struct model *model;
	struct store *store;
	size_t max_memory;       /* bytes for events and the view's indices (0: no limit) */
	int spill_err;           /* the spill file's error the footer told of */
	struct tracer *tracer;
	struct replay *replay;   /* --replay: the recording being played, else NULL */
	struct query *stack_filter;   /* --stack=EXPR, or NULL */
	struct stackkeep *stacks;     /* the stacks of stored events (--stack), or NULL */
	struct sites *sites;          /* owned: their call sites, ranked (--stack) */
	struct sigpolicy sig;    /* what Ctrl-C and signals do (attached: --pid) */
	int pty;                 /* pty master, -1 without one */

	struct view view;
	enum mode_id mode;       /* the view on screen (MODE_EVENTS: lanes and list) */
	struct table tabs[MODE_MAX];   /* each analysis view's rows, sort, selection */
	struct objstat obj;      /* per-process, file and connection totals */
	struct listpos list;
	struct swim swim;
	struct counters ctr;
	struct outbuf out;
	size_t out_back;         /* output lines scrolled back from the end */
	bool out_captured;       /* a replay: the recording holds the program's output */
	struct textmatch search;
	struct lineedit edit;

	enum pane focus;
	enum overlay overlay;
	enum prompt prompt;
	enum confirm confirm;
	bool input_mode;         /* keys go to the program */
	size_t help_top, detail_top, detail_idx;
	size_t pick_sel, pick_top;

	bool frozen;
	size_t freeze_limit;     /* store events visible while frozen */
	bool tracee_stopped;     /* TRACER_STOP sent */
	enum tracer_hold hold;   /* how it holds the program (tracer_hold_kind) */
	bool ended;              /* every record is in: the pump is done */
	bool quitting;           /* leave as soon as tracing has ended */
	uint64_t start_ns, end_ns, now_ns;   /* monotonic (a replay: the recording's clock) */
	uint64_t wall_ns;        /* monotonic, this machine's (replay pacing) */
	char msg[200];           /* one-line notice in the footer */

	bool utf8, color, mouse;
	struct layout lay;
	size_t lanes_visible;    /* swimlane rows: lanes that pass the process filter, folded */
	size_t *vis;             /* their row lanes' creation indices, in display order */
	size_t vis_cap;
	uint64_t vis_at;         /* wall_ns when the rows were last made (0: never) */
	bool refold;             /* make them now (a fold or the filter changed) */
	struct lane_open *tree_open;   /* groups opened in the process tree (parent: its index) */
	size_t ntree_open, tree_open_cap;
};

/* Set up the state (view over store, everything following the tail). */
void app_init(struct app *a, struct model *m, struct store *s);
void app_release(struct app *a);
/* Take in newly stored events; returns APP_CH_DRAW when anything arrived. */
unsigned app_ingest(struct app *a);
/* Re-apply the filter to everything, keeping the selected event if shown. */
void app_refilter(struct app *a);
/* Events the list shows now (fewer than the view holds while frozen). */
size_t app_rows(const struct app *a);
/* Store index of the selected event, or -1. */
long app_selected(const struct app *a);
/* Select the shown event with store index idx (or the next one after it). */
void app_select_store(struct app *a, size_t idx);
/* Lay out for rows x cols (also refreshes the visible-lanes list). */
void app_layout(struct app *a, int rows, int cols);
/* The end of the time axis: last event or elapsed time, ns. */
uint64_t app_time_end(const struct app *a);
/* The swimlane window [*t0, *t0 + *span). */
void app_window(const struct app *a, uint64_t *t0, uint64_t *span);
/* Refresh a->vis: lanes passing the process filter, in display order. */
void app_visible_lanes(struct app *a);
/* Position in a->vis of the row of the selected event's lane, or -1. */
long app_selected_lane(const struct app *a);
/* Position in a->vis of the row that draws lane creation index id, or -1. */
long app_lane_row(const struct app *a, size_t id);
/* Next (dir 1) or previous (-1) shown event matching the search; -1 if none. */
long app_search_step(struct app *a, int dir);
/* "running", "tracee stopped", "exited 0", "killed by SIGKILL", "detached". */
void app_state_text(const struct app *a, char *buf, size_t cap);
/* What the header says while F5 holds the program: "TRACEE STOPPED", or
 * with the kernel engine "TRACEE FROZEN (cgroup)" or "TRACEE STOPPED (SIGSTOP)". */
const char *app_held_text(const struct app *a);

/* A replay's REC_OUTPUT: the program's output (and what was left out of
 * the recording) into the output pane. */
void app_replay_output(struct app *a, const struct rec_hdr *h);
/* Seek the replay to rel ns after its start, paused there; when that is
 * back in time, the model, store and views start afresh.  0 or -errno. */
int app_replay_seek(struct app *a, uint64_t rel);
/* Seek the replay to its end. */
void app_replay_end(struct app *a);

/* Key and mouse handlers (actions.c): return APP_CH_* flags, never draw. */
unsigned app_key(struct app *a, int key);
unsigned app_mouse(struct app *a, int x, int y, enum mouse_kind kind);
/* Ctrl-C / SIGINT: to the program first, then kill (or detach with --pid). */
unsigned app_interrupt(struct app *a);
/* A termination request (SIGTERM, SIGHUP): kill or detach, then quit. */
unsigned app_terminate(struct app *a);
#endif
