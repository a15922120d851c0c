/*
 * check_ui.c - Check suite for the UI's view models (the ui/ modules that need no curses).
 *
 * Covers the key table (dispatch per pane and overlay, help and footer
 * generated from it), filters and text matching, lanes (processes, nested
 * threads, ends, tid reuse at a fork, samples after an exit or before a
 * fork in the task's one lane, cells and nearest events), the filtered index
 * (incremental equals rebuilt), list scrolling and follow-tail, the output
 * scrollback (escape sequences, carriage returns, ring), the line editor,
 * rates and counter flow, the layout at 80x24, event wording, and key
 * handlers on the app state (freeze, quit confirmation, search, filter
 * menu, stop/continue) with no tracer and no terminal; the replay clock,
 * the analysis views' tables, their per-object totals, following an
 * object, and view and replay keys.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "counters.h"
#include "evtext.h"
#include "keys.h"
#include "layout.h"
#include "lines.h"
#include "lineedit.h"
#include "list.h"
#include "outbuf.h"
#include "mode.h"
#include "objstat.h"
#include "picker.h"
#include "record.h"
#include "replay.h"
#include "table.h"
#include "view.h"
#include "unit.h"

/* ---- helpers: events straight into a store ---- */

/* An open of path by pid/tid at ts. */
static void add_open(struct store *s, int pid, int tid, uint64_t ts, const char *path)
{
	struct event ev = unit_event(EV_OPEN, pid, tid, ts);

	ev.path = path;
	ev.ret = 3;
	ev.fd = 3;
	store_add(s, &ev);
}

/* A fork (or thread, when thread) of child by pid at ts. */
static void add_new(struct store *s, int pid, int child, uint64_t ts, bool thread)
{
	struct event ev = unit_event(thread ? EV_THREAD : EV_FORK, pid, pid, ts);

	ev.child = child;
	store_add(s, &ev);
}

/* An exit of tid (of the whole process unless thread). */
static void add_exit(struct store *s, int pid, int tid, uint64_t ts, bool thread)
{
	struct event ev = unit_event(EV_EXIT, pid, tid, ts);

	ev.thread = thread;
	store_add(s, &ev);
}

/* A small run: 100 forks 101 and starts thread 102; opens; exits. */
static struct store *sample(void)
{
	struct store *s = store_new();

	add_open(s, 100, 100, 1000, "/etc/hosts");
	add_new(s, 100, 102, 2000, true);
	add_new(s, 100, 101, 3000, false);
	add_open(s, 101, 101, 4000, "/tmp/child.txt");
	add_open(s, 100, 102, 5000, "/usr/lib/libc.so.6");
	add_open(s, 100, 102, 6000, "/tmp/thread.txt");
	add_exit(s, 101, 101, 7000, false);
	add_exit(s, 100, 102, 8000, true);
	add_exit(s, 100, 100, 9000, false);
	return s;
}

/* ---- keys ---- */

START_TEST(keys_dispatch_depends_on_where_the_keyboard_is)
{
	ck_assert_int_eq(keys_action(KEYC_F(1), KCTX_LIST), ACT_HELP);
	ck_assert_int_eq(keys_action('?', KCTX_OUTPUT), ACT_HELP);
	ck_assert_int_eq(keys_action('q', KCTX_LIST), ACT_QUIT);
	ck_assert_int_eq(keys_action('q', KCTX_HELP), ACT_BACK);
	ck_assert_int_eq(keys_action('q', KCTX_PICKER), ACT_BACK);
	ck_assert_int_eq(keys_action('p', KCTX_LANES), ACT_STOPCONT);
	ck_assert_int_eq(keys_action('p', KCTX_PICKER), ACT_GO_PROCS);
	ck_assert_int_eq(keys_action(' ', KCTX_LIST), ACT_FREEZE);
	ck_assert_int_eq(keys_action(' ', KCTX_PICKER), ACT_TOGGLE);
	ck_assert_int_eq(keys_action('i', KCTX_OUTPUT), ACT_INPUT);
	ck_assert_int_eq(keys_action('i', KCTX_LIST), ACT_NONE);
	ck_assert_int_eq(keys_action(KEYC_ENTER, KCTX_LIST), ACT_DETAIL);
	ck_assert_int_eq(keys_action(KEYC_ESC, KCTX_DETAIL), ACT_BACK);
	ck_assert_int_eq(keys_action('\\', KCTX_LIST), ACT_FILTER);
	ck_assert_int_eq(keys_action('+', KCTX_LANES), ACT_ZOOM_IN);
	ck_assert_int_eq(keys_action('Z', KCTX_LIST), ACT_NONE);
}
END_TEST

START_TEST(no_single_letter_destroys_anything)
{
	size_t n;
	const struct keydef *t = keys_table(&n);

	/* Quitting asks first; killing is only reachable through Ctrl-C. */
	for (size_t i = 0; i < n; i++)
		if (t[i].key >= 'a' && t[i].key <= 'z')
			ck_assert_int_ne(t[i].act, ACT_INTERRUPT);
	ck_assert_int_eq(keys_action(KEYC_CTRL('c'), KCTX_LIST), ACT_INTERRUPT);
}
END_TEST

START_TEST(help_and_footer_come_from_the_table)
{
	char buf[256], foot[80];
	bool f5 = false, heading = false;

	for (size_t i = 0; keys_help_line(i, buf, sizeof(buf)); i++) {
		f5 |= strstr(buf, "F5 p") != NULL;
		heading |= strcmp(buf, "Filter menu") == 0;
	}
	ck_assert(f5);
	ck_assert(heading);
	ck_assert_str_eq(keys_help_line(0, buf, sizeof(buf)), "Everywhere");
	keys_footer(KCTX_LIST, foot, sizeof(foot));
	ck_assert_ptr_nonnull(strstr(foot, "F1 Help"));
	ck_assert_ptr_nonnull(strstr(foot, "q Quit"));
	ck_assert_uint_lt(strlen(foot), sizeof(foot));
	keys_footer(KCTX_LIST, foot, 12);
	ck_assert_str_eq(foot, "F1 Help");
	ck_assert_ptr_null(strstr(foot, "Quit"));   /* whole entries only */
}
END_TEST

START_TEST(utf8_encoding)
{
	char b[4];

	ck_assert_uint_eq(keys_utf8('a', b), 1);
	ck_assert_uint_eq(keys_utf8(0xe9, b), 2);
	ck_assert_int_eq((unsigned char)b[0], 0xc3);
	ck_assert_uint_eq(keys_utf8(0x2192, b), 3);
	ck_assert(memcmp(b, "→", 3) == 0);
	ck_assert_uint_eq(keys_utf8(0x1f600, b), 4);
}
END_TEST

/* ---- filter ---- */

START_TEST(filter_defaults_hide_noise_only)
{
	struct store *s = sample();
	struct filter f;

	filter_init(&f);
	ck_assert(filter_match(&f, s, 0));
	ck_assert(!filter_match(&f, s, 4));     /* libc.so.6 */
	f.hide_noise = false;
	ck_assert(filter_match(&f, s, 4));
	ck_assert(!filter_narrowed(&f));
	f.cats = 1u << CAT_PROC;
	ck_assert(filter_narrowed(&f));
	ck_assert(!filter_match(&f, s, 0));
	ck_assert(filter_match(&f, s, 1));
	filter_clear(&f);
	f.types = 1u << EV_EXIT;
	ck_assert(filter_match(&f, s, 6));
	ck_assert(!filter_match(&f, s, 2));
	filter_release(&f);
	store_free(s);
}
END_TEST

START_TEST(text_matches_strings_types_and_pids)
{
	struct store *s = sample();
	struct filter f;

	filter_init(&f);
	textmatch_set(&f.text, "CHILD");
	ck_assert(filter_match(&f, s, 3));
	ck_assert(!filter_match(&f, s, 0));
	textmatch_set(&f.text, "exit");
	ck_assert(filter_match(&f, s, 6));
	ck_assert(!filter_match(&f, s, 3));
	textmatch_set(&f.text, "101");
	ck_assert(filter_match(&f, s, 3));
	ck_assert(!filter_match(&f, s, 0));
	ck_assert_int_eq(textmatch_find(&f.text, "pid 101 here"), 4);
	ck_assert_int_eq(textmatch_find(&f.text, "nothing"), -1);
	filter_release(&f);
	store_free(s);
}
END_TEST

START_TEST(text_lat_looks_at_call_durations)
{
	struct store *s = store_new();
	struct event ev = unit_event(EV_READ, 100, 100, 1000);
	struct filter f;

	ev.fd = 3;
	ev.bytes = 10;
	ev.dur = 2000000;            /* a read that blocked 2 ms */
	store_add(s, &ev);
	ev.dur = 5000;
	store_add(s, &ev);
	filter_init(&f);
	textmatch_set(&f.text, "lat>1ms");
	ck_assert(filter_match(&f, s, 0));
	ck_assert(!filter_match(&f, s, 1));
	filter_release(&f);
	store_free(s);
}
END_TEST

START_TEST(process_filter_hides_or_keeps_only)
{
	struct store *s = sample();
	struct filter f;
	char d[128];

	filter_init(&f);
	filter_toggle_pid(&f, 101);
	ck_assert(!filter_pid_shown(&f, 101));
	ck_assert(filter_pid_shown(&f, 100));
	ck_assert(!filter_match(&f, s, 3));
	filter_describe(&f, d, sizeof(d));
	ck_assert_ptr_nonnull(strstr(d, "1 process hidden"));
	filter_only_pid(&f, 101);
	ck_assert(filter_pid_shown(&f, 101));
	ck_assert(!filter_pid_shown(&f, 100));
	filter_toggle_pid(&f, 100);
	ck_assert(filter_pid_shown(&f, 100));
	filter_describe(&f, d, sizeof(d));
	ck_assert_ptr_nonnull(strstr(d, "2 processes only"));
	filter_clear(&f);
	ck_assert(filter_pid_shown(&f, 555));
	filter_release(&f);
	store_free(s);
}
END_TEST

/* ---- lanes and the view ---- */

START_TEST(lanes_nest_threads_and_end_with_exits)
{
	struct store *s = sample();
	struct view v;
	size_t n, procs, threads;
	const size_t *order;

	view_init(&v, s);
	lanes_set_root_name(&v.lanes, "/usr/bin/demo");
	view_update(&v);
	order = lanes_order(&v.lanes, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(v.lanes.v[order[0]]->tid, 100);
	ck_assert_int_eq(v.lanes.v[order[1]]->tid, 102);
	ck_assert(v.lanes.v[order[1]]->thread);
	ck_assert_int_eq(v.lanes.v[order[2]]->tid, 101);
	ck_assert_str_eq(v.lanes.v[order[0]]->name, "demo");
	ck_assert_str_eq(v.lanes.v[order[2]]->name, "demo");
	for (size_t i = 0; i < n; i++)
		ck_assert(v.lanes.v[i]->ended);
	ck_assert_uint_eq(v.lanes.v[order[2]]->end, 7000);
	lanes_counts(&v.lanes, &procs, &threads);
	ck_assert_uint_eq(procs, 2);
	ck_assert_uint_eq(threads, 1);
	view_release(&v);
	store_free(s);
}
END_TEST

/* An exec of path by pid at ts. */
static void add_exec(struct store *s, int pid, uint64_t ts, const char *path)
{
	struct event ev = unit_event(EV_EXEC, pid, pid, ts);

	ev.path = path;
	store_add(s, &ev);
}

/* pid forks child at ts, which execs path (NULL: no exec) and opens a file. */
static void add_child(struct store *s, int pid, int child, uint64_t ts, const char *path)
{
	add_new(s, pid, child, ts, false);
	if (path)
		add_exec(s, child, ts + 10, path);
	add_open(s, child, child, ts + 20, "/etc/hosts");
}

/* Is pid's process shown (lanes_rows' test): every pid, or the one in ctx. */
static bool only_pid(int pid, void *ctx)
{
	return !ctx || pid == *(int *)ctx;
}

/* The swimlane's rows as "tid" or "name xN", joined by spaces. */
static void rows_text(struct lanes *l, int *only, char *buf, size_t cap)
{
	size_t rows[64], n = lanes_rows(l, only_pid, only, rows), len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < cap; i++) {
		const struct lane *ln = l->v[rows[i]];
		int k = ln->members ? snprintf(buf + len, cap - len, "%s%s x%zu", i ? " " : "", ln->name, ln->members)
				    : snprintf(buf + len, cap - len, "%s%d", i ? " " : "", ln->tid);
		len += (size_t)k;
	}
}

START_TEST(lanes_fold_one_program_under_one_parent)
{
	struct store *s = store_new();
	struct view v;
	char buf[256];
	int only = 103;

	view_init(&v, s);
	lanes_set_root_name(&v.lanes, "/bin/sh");
	add_open(s, 100, 100, 1000, "/etc/hosts");
	add_child(s, 100, 101, 2000, "/bin/true");
	view_update(&v);
	rows_text(&v.lanes, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "100 101");             /* a group of one is a plain lane */
	add_child(s, 100, 102, 3000, "/bin/echo");
	add_child(s, 100, 103, 4000, "/bin/true");
	add_child(s, 100, 104, 5000, "/bin/true");
	add_child(s, 104, 105, 6000, "/usr/bin/cc1");  /* inside a folded process */
	add_new(s, 105, 107, 6500, true);              /* and its thread */
	add_child(s, 100, 106, 7000, NULL);            /* not exec'd yet: "sh" */
	view_update(&v);
	rows_text(&v.lanes, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "100 true x3 102 106");  /* the row stays where 101 was */
	ck_assert_uint_eq(v.lanes.v[5]->row, 1);       /* cc1 and its thread drawn in true's row */
	ck_assert_uint_eq(v.lanes.v[6]->row, 1);
	ck_assert(lanes_fold(&v.lanes, v.lanes.v[2], true) == LANE_NONE);   /* echo: nothing to open */
	ck_assert_uint_eq(lanes_fold(&v.lanes, v.lanes.v[1], true), 1);
	rows_text(&v.lanes, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "100 101 103 104 102 105 107 106");
	add_child(s, 100, 108, 8000, "/bin/true");     /* an opened group stays open */
	view_update(&v);
	rows_text(&v.lanes, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "100 101 103 104 108 102 105 107 106");
	/* Left on cc1's thread folds the group its process came from */
	ck_assert_uint_eq(lanes_fold(&v.lanes, v.lanes.v[6], false), 1);
	rows_text(&v.lanes, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "100 true x4 102 106");
	ck_assert(lanes_fold(&v.lanes, v.lanes.v[0], false) == LANE_NONE);
	rows_text(&v.lanes, NULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "100 true x4 102 106");  /* nothing changed: the same rows */
	lanes_clear_shown(&v.lanes);                    /* as a change of the filter does */
	rows_text(&v.lanes, &only, buf, sizeof(buf));
	ck_assert_str_eq(buf, "103");                   /* the filter leaves a group of one */
	view_release(&v);
	store_free(s);
}
END_TEST

START_TEST(folded_row_cells_are_the_union_of_its_lanes)
{
	struct store *s = store_new();
	struct view v;
	size_t rows[8], n[4];
	int cat[4];
	const struct lane *row;

	view_init(&v, s);
	add_child(s, 100, 101, 1000, "/bin/true");     /* events at 1010, 1020 */
	add_child(s, 100, 102, 3000, "/bin/true");     /* at 3010, 3020 */
	add_exit(s, 101, 101, 1500, false);
	add_exit(s, 102, 102, 3500, false);
	view_update(&v);
	ck_assert_uint_eq(lanes_rows(&v.lanes, only_pid, NULL, rows), 2);
	row = v.lanes.v[rows[1]];
	ck_assert_uint_eq(row->members, 2);
	ck_assert_uint_eq(row->ustart, 1000);
	ck_assert(row->uended);
	ck_assert_uint_eq(row->uend, 3500);
	lanes_row_cells(&v.lanes, row, s, SIZE_MAX, 0, 4000, 4, n, cat);
	ck_assert_uint_eq(n[0], 0);
	ck_assert_uint_eq(n[1], 3);    /* 101's exec, open and exit (its fork is in 100's lane) */
	ck_assert_uint_eq(n[2], 0);
	ck_assert_uint_eq(n[3], 3);    /* and 102's */
	ck_assert_int_eq(lanes_row_nearest(&v.lanes, row, s, SIZE_MAX, 2900),
			 lanes_nearest(v.lanes.v[2], s, SIZE_MAX, 2900));
	view_release(&v);
	store_free(s);
}
END_TEST

/* A scheduler wait of tid (pid) at ts, as the model emits it. */
static void add_sched(struct store *s, int pid, int tid, uint64_t ts)
{
	struct event ev = unit_event(EV_SCHED, pid, tid, ts);

	ev.dur = 50000;
	store_add(s, &ev);
}

/* Lanes of tid, in creation order; their number. */
static size_t lanes_of(const struct lanes *l, int tid, const struct lane **v, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i]->tid == tid && n < cap)
			v[n++] = l->v[i];
	return n;
}

START_TEST(a_reused_tid_gets_a_new_lane_at_its_fork)
{
	struct store *s = store_new();
	const struct lane *v[4];
	struct view v0;

	add_new(s, 100, 200, 10, false);
	add_exit(s, 200, 200, 20, false);
	add_open(s, 200, 200, 30, "/tmp/late");     /* late: still the ended task's */
	add_new(s, 100, 200, 40, false);             /* the pid comes back */
	add_open(s, 200, 200, 50, "/tmp/again");
	view_init(&v0, s);
	view_update(&v0);
	ck_assert_uint_eq(v0.lanes.n, 3);
	ck_assert_uint_eq(lanes_of(&v0.lanes, 200, v, 4), 2);
	ck_assert(v[0]->ended);
	ck_assert_uint_eq(v[0]->end, 20);
	ck_assert(!v[1]->ended);
	ck_assert_uint_eq(v[1]->start, 40);
	ck_assert_uint_eq(v[0]->shown.n, 2);          /* its exit and the late open */
	ck_assert_uint_eq(v[1]->shown.n, 1);
	view_refilter(&v0);                          /* the same lanes from scratch */
	ck_assert_uint_eq(v[0]->shown.n, 2);
	ck_assert_uint_eq(v[0]->shown.v[1], 2);
	ck_assert_uint_eq(v[1]->shown.n, 1);
	ck_assert_uint_eq(v[1]->shown.v[0], 4);
	view_release(&v0);
	store_free(s);
}
END_TEST

START_TEST(samples_after_an_exit_stay_in_the_ended_lanes)
{
	struct store *s = store_new();
	const struct lane *v[4];
	struct view v0;
	size_t procs, threads;

	add_open(s, 100, 100, 1000, "/etc/hosts");
	add_new(s, 100, 102, 2000, true);
	add_new(s, 100, 101, 3000, false);
	add_sched(s, 101, 101, 3500);
	add_sched(s, 100, 102, 3600);
	add_exit(s, 101, 101, 4000, false);
	add_exit(s, 100, 102, 5000, true);
	add_sched(s, 101, 101, 3900);                /* the kernel's, after the exits */
	add_sched(s, 100, 102, 4900);
	add_sched(s, 101, 101, 6000);
	add_sched(s, 100, 102, 6100);
	add_open(s, 100, 100, 7000, "/tmp/after");
	view_init(&v0, s);
	view_update(&v0);
	lanes_counts(&v0.lanes, &procs, &threads);
	ck_assert_uint_eq(procs, 2);
	ck_assert_uint_eq(threads, 1);
	ck_assert_uint_eq(lanes_of(&v0.lanes, 101, v, 4), 1);
	ck_assert(v[0]->ended);
	ck_assert_uint_eq(v[0]->shown.n, 4);
	ck_assert_uint_eq(lanes_of(&v0.lanes, 102, v, 4), 1);
	ck_assert(v[0]->ended && v[0]->thread);
	ck_assert_uint_eq(v[0]->shown.n, 4);
	view_refilter(&v0);
	ck_assert_uint_eq(v[0]->shown.n, 4);
	view_release(&v0);
	store_free(s);
}
END_TEST

START_TEST(a_lane_begun_before_its_fork_is_taken_over)
{
	struct store *s = store_new();
	const struct lane *v[4];
	struct view v0;
	size_t procs, threads;

	add_open(s, 100, 100, 1000, "/etc/hosts");
	add_sched(s, 100, 102, 1900);                /* sent out before the clone arrived */
	add_sched(s, 101, 101, 2900);                /* and before the fork */
	add_new(s, 100, 102, 2000, true);
	add_new(s, 100, 101, 3000, false);
	add_sched(s, 101, 101, 3100);
	view_init(&v0, s);
	lanes_set_root_name(&v0.lanes, "demo");
	view_update(&v0);
	lanes_counts(&v0.lanes, &procs, &threads);
	ck_assert_uint_eq(procs, 2);
	ck_assert_uint_eq(threads, 1);
	ck_assert_uint_eq(lanes_of(&v0.lanes, 102, v, 4), 1);
	ck_assert(v[0]->thread && v[0]->born);
	ck_assert_uint_eq(v[0]->start, 1900);
	ck_assert_uint_eq(lanes_of(&v0.lanes, 101, v, 4), 1);
	ck_assert(!v[0]->thread && v[0]->born);
	ck_assert_str_eq(v[0]->name, "demo");        /* named after its parent at the fork */
	ck_assert_uint_eq(v[0]->shown.n, 2);
	view_release(&v0);
	store_free(s);
}
END_TEST

/* ---- the model's events as lanes ---- */


START_TEST(one_lane_per_task_from_the_model_whatever_the_sample_order)
{
	struct model *m = model_new();
	struct store *s = store_new();
	const struct lane *v[4];
	struct view v0;
	size_t procs, threads;

	model_set_observer(m, store_add, s);
	unit_start(m, 1000, 100, NULL, 0);
	unit_sched(m, 1900, 102, 100);         /* the thread ran before its clone record */
	unit_newtask(m, 2000, 100, 102, true);
	unit_sched(m, 2900, 101, 101);         /* the child ran before its fork record */
	unit_newtask(m, 3000, 100, 101, false);
	unit_exit(m, 4000, 102, 100);
	unit_exit(m, 4100, 101, 101);
	unit_sched(m, 3950, 102, 100);         /* the reader's samples after the exits */
	unit_sched(m, 4050, 101, 101);
	view_init(&v0, s);
	view_update(&v0);
	lanes_counts(&v0.lanes, &procs, &threads);
	ck_assert_uint_eq(procs, 2);
	ck_assert_uint_eq(threads, 1);
	ck_assert_uint_eq(lanes_of(&v0.lanes, 101, v, 4), 1);
	ck_assert_uint_eq(v[0]->shown.n, 3);     /* its two waits and its exit */
	ck_assert_uint_eq(lanes_of(&v0.lanes, 102, v, 4), 1);
	/* the pid again, from a fork: a lane of its own */
	unit_sched(m, 400000000, 101, 101);
	unit_newtask(m, 400001000, 100, 101, false);
	view_update(&v0);
	lanes_counts(&v0.lanes, &procs, &threads);
	ck_assert_uint_eq(procs, 3);
	ck_assert_uint_eq(threads, 1);
	ck_assert_uint_eq(lanes_of(&v0.lanes, 101, v, 4), 2);
	ck_assert_uint_eq(v[1]->shown.n, 1);     /* its early wait */
	view_release(&v0);
	store_free(s);
	model_free(m);
}
END_TEST

START_TEST(incremental_view_equals_a_rebuild)
{
	struct store *s = store_new();
	struct view v;
	size_t inc[64], n;

	view_init(&v, s);
	for (int i = 0; i < 60; i++) {
		add_open(s, 100, i % 3 ? 100 : 101, (uint64_t)i * 10, i % 4 ? "/tmp/a" : "/proc/x");
		if (i % 7 == 0)
			view_update(&v);
	}
	view_update(&v);
	n = view_count(&v);
	ck_assert_uint_eq(n, 45);
	for (size_t i = 0; i < n; i++)
		inc[i] = view_at(&v, i);
	view_refilter(&v);
	ck_assert_uint_eq(view_count(&v), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(view_at(&v, i), inc[i]);
	ck_assert_uint_eq(view_lower_bound(&v, 4), 3);
	ck_assert_uint_eq(view_lower_bound(&v, 1000), n);
	view_release(&v);
	store_free(s);
}
END_TEST

START_TEST(lane_cells_count_and_pick_a_category)
{
	struct store *s = sample();
	struct view v;
	const struct lane *main_lane;
	int cat;

	view_init(&v, s);
	v.filter.hide_noise = false;
	view_update(&v);
	main_lane = v.lanes.v[0];
	ck_assert_uint_eq(lanes_cell(main_lane, s, SIZE_MAX, 0, 2500, &cat), 2);
	ck_assert(cat == CAT_FILE || cat == CAT_PROC);
	ck_assert_uint_eq(lanes_cell(main_lane, s, SIZE_MAX, 2500, 3500, &cat), 1);
	ck_assert_int_eq(cat, CAT_PROC);
	ck_assert_uint_eq(lanes_cell(main_lane, s, SIZE_MAX, 3500, 8500, &cat), 0);
	ck_assert_int_eq(cat, -1);
	ck_assert_uint_eq(lanes_cell(main_lane, s, 1, 0, 10000, &cat), 1);   /* frozen at 1 */
	ck_assert_int_eq(lanes_nearest(main_lane, s, SIZE_MAX, 2900), 2);
	ck_assert_int_eq(lanes_nearest(main_lane, s, SIZE_MAX, 100000), 8);
	view_release(&v);
	store_free(s);
}
END_TEST

/* ---- list ---- */

START_TEST(list_follows_the_tail_until_moved)
{
	struct listpos l;

	list_init(&l);
	list_fix(&l, 100, 10);
	ck_assert_uint_eq(l.sel, 99);
	ck_assert_uint_eq(l.top, 90);
	list_move(&l, -5, 100, 10);
	ck_assert(!l.follow);
	ck_assert_uint_eq(l.sel, 94);
	list_fix(&l, 200, 10);
	ck_assert_uint_eq(l.sel, 94);
	list_move(&l, 1000, 200, 10);
	ck_assert(l.follow);
	ck_assert_uint_eq(l.sel, 199);
	list_select(&l, 0, 200, 10);
	ck_assert_uint_eq(l.top, 0);
	list_page(&l, 10, 200, 10);
	ck_assert_uint_eq(l.top, 10);
	ck_assert_uint_eq(l.sel, 10);
	list_scroll(&l, -100, 200, 10);
	ck_assert_uint_eq(l.top, 0);
	ck_assert_uint_le(l.sel, 9);
	list_fix(&l, 0, 10);
	ck_assert_uint_eq(l.sel, 0);
}
END_TEST

/* ---- output pane ---- */

START_TEST(output_strips_escapes_and_handles_returns)
{
	struct outbuf o;
	static const char in[] = "\033[1;31mred\033[0m text\r\nprogress 10%\rprogress 99%\n"
				 "tab\tx\nbs\bX\n\033]0;title\007after\n";

	outbuf_init(&o, 100);
	outbuf_add(&o, in, sizeof(in) - 1);
	ck_assert_uint_eq(outbuf_count(&o), 5);
	ck_assert_str_eq(outbuf_line(&o, 0), "red text");
	ck_assert_str_eq(outbuf_line(&o, 1), "progress 99%");
	ck_assert_str_eq(outbuf_line(&o, 2), "tab     x");
	ck_assert_str_eq(outbuf_line(&o, 3), "bX");
	ck_assert_str_eq(outbuf_line(&o, 4), "after");
	outbuf_add(&o, "partial", 7);
	ck_assert_uint_eq(outbuf_count(&o), 6);
	ck_assert_str_eq(outbuf_line(&o, 5), "partial");
	ck_assert_uint_eq(o.bytes, sizeof(in) - 1 + 7);
	outbuf_release(&o);
}
END_TEST

START_TEST(output_keeps_the_newest_lines)
{
	struct outbuf o;
	char line[32];

	outbuf_init(&o, 10);
	for (int i = 0; i < 25; i++) {
		int n = snprintf(line, sizeof(line), "line %d\n", i);
		outbuf_add(&o, line, (size_t)n);
	}
	ck_assert_uint_eq(outbuf_count(&o), 10);
	ck_assert_str_eq(outbuf_line(&o, 0), "line 15");
	ck_assert_str_eq(outbuf_line(&o, 9), "line 24");
	outbuf_release(&o);
}
END_TEST

/* A replay's REC_OUTPUT of text (len bytes), dropped bytes left out before it. */
static const struct rec_hdr *output_rec(struct recbuf *b, uint16_t flags, const char *text,
					 size_t len, uint64_t dropped)
{
	struct rec_output *o = rec_begin(b, REC_OUTPUT, 1000, 0, 0, sizeof(*o));

	o->len = (uint32_t)len;
	o->dropped = dropped;
	((struct rec_hdr *)b->buf)->flags = flags;
	rec_blob(b, text, len);
	rec_finish(b);
	return (const struct rec_hdr *)b->buf;
}

START_TEST(replayed_output_goes_to_the_pane_and_says_what_was_left_out)
{
	static struct recbuf b;
	struct model *m = model_new();
	struct store *s = store_new();
	struct app a;

	app_init(&a, m, s);
	app_replay_output(&a, output_rec(&b, OUTPUT_F_CAPTURED, "", 0, 0));
	ck_assert(a.out_captured);
	ck_assert_uint_eq(outbuf_count(&a.out), 0);
	app_replay_output(&a, output_rec(&b, 0, "tick 1\r\npart", 12, 0));
	app_replay_output(&a, output_rec(&b, 0, "ial\n", 4, 0));
	app_replay_output(&a, output_rec(&b, 0, "half", 4, 0));
	app_replay_output(&a, output_rec(&b, 0, "", 0, 1234567));
	app_replay_output(&a, output_rec(&b, 0, "after\n", 6, 0));
	ck_assert_uint_eq(outbuf_count(&a.out), 5);
	ck_assert_str_eq(outbuf_line(&a.out, 0), "tick 1");
	ck_assert_str_eq(outbuf_line(&a.out, 1), "partial");
	ck_assert_str_eq(outbuf_line(&a.out, 2), "half");
	ck_assert_str_eq(outbuf_line(&a.out, 3), "[1234567 bytes of output left out of the recording "
			 "here: over its bound]");
	ck_assert_str_eq(outbuf_line(&a.out, 4), "after");
	app_release(&a);
	store_free(s);
	model_free(m);
}
END_TEST

/* ---- line editor ---- */

START_TEST(line_editor_edits_utf8_text)
{
	struct lineedit e;

	lineedit_start(&e, "abc");
	ck_assert_int_eq(lineedit_key(&e, 0xe9), LE_EDITING);
	ck_assert_str_eq(e.buf, "abcé");
	lineedit_key(&e, KEYC_BACKSPACE);
	ck_assert_str_eq(e.buf, "abc");
	lineedit_key(&e, KEYC_HOME);
	lineedit_key(&e, 'x');
	ck_assert_str_eq(e.buf, "xabc");
	lineedit_key(&e, KEYC_END);
	lineedit_key(&e, ' ');
	lineedit_key(&e, 'w');
	lineedit_key(&e, KEYC_CTRL('w'));
	ck_assert_str_eq(e.buf, "xabc ");
	lineedit_key(&e, KEYC_CTRL('u'));
	ck_assert_str_eq(e.buf, "");
	lineedit_key(&e, 3);   /* Ctrl-C cancels */
	ck_assert_int_eq(lineedit_key(&e, KEYC_ESC), LE_CANCEL);
	ck_assert_int_eq(lineedit_key(&e, KEYC_ENTER), LE_ACCEPT);
}
END_TEST

/* ---- counters and layout ---- */

START_TEST(rates_and_counter_placement)
{
	struct rate r;
	struct cfield f[3] = { { CG_FILES, 0, "aaaa" }, { CG_FILES, 1, "bbbb" },
			       { CG_NET, 0, "cccc" } };
	int line[3];
	char text[64], mark[64];

	memset(&r, 0, sizeof(r));
	ck_assert_uint_eq(rate_per_sec(&r), 0);
	rate_push(&r, 1000000000ull, 100);
	ck_assert_uint_eq(rate_per_sec(&r), 0);
	rate_push(&r, 1500000000ull, 600);
	ck_assert_uint_eq(rate_per_sec(&r), 1000);
	for (int i = 0; i < 20; i++)
		rate_push(&r, 2000000000ull + (uint64_t)i * 250000000ull, 1000 + (uint64_t)i * 500);
	ck_assert_uint_eq(rate_per_sec(&r), 2000);
	/* "Files: aaaa  bbbb | Net: cccc" is 29 columns */
	ck_assert_uint_eq(counters_place(f, 3, 29, 1, line), 1);
	ck_assert_uint_eq(counters_line(f, 3, line, 0, text, mark, sizeof(text)), 29);
	ck_assert_str_eq(text, "Files: aaaa  bbbb | Net: cccc");
	ck_assert_str_eq(mark, "LLLLLL           |||LLLL     ");
	/* two lines at 17: the group label again on the second */
	ck_assert_uint_eq(counters_place(f, 3, 17, 2, line), 2);
	ck_assert_int_eq(line[2], 1);
	counters_line(f, 3, line, 1, text, mark, sizeof(text));
	ck_assert_str_eq(text, "Net: cccc");
	/* one line of 23: the least important field is left out, never cut */
	ck_assert_uint_eq(counters_place(f, 3, 23, 1, line), 1);
	ck_assert_int_eq(line[1], -1);
	counters_line(f, 3, line, 0, text, mark, sizeof(text));
	ck_assert_str_eq(text, "Files: aaaa | Net: cccc");
	/* too narrow for any field with its label: nothing */
	ck_assert_uint_eq(counters_place(f, 3, 8, 4, line), 0);
}
END_TEST

/* A model with long figures everywhere: many tasks, waits up to minutes,
 * block requests, drops, faults in a mapping, a trace that ended. */
static struct model *busy_model(void)
{
	struct model *m = model_new();
	static const char maps[] = "7f0000000000-7f0100000000 rw-p 00000000 00:00 0 \n";
	struct rec_maps *mp;
	struct rec_lost *lost;

	unit_start(m, 1000, 4194303, NULL, 0);
	mp = unit_begin(REC_MAPS, 2000, 4194303, 4194303, sizeof(*mp));
	mp->text_len = (uint32_t)rec_blob(&unit_rb, maps, sizeof(maps) - 1);
	unit_feed(m);
	for (int i = 0; i < 3000; i++) {
		struct rec_sched *r = unit_begin(REC_SCHED, 3000 + (uint64_t)i, 4194303, 4194303,
						sizeof(*r));
		struct rec_block *b;
		struct rec_fault *f;

		r->delay_ns = (uint64_t)(i + 1) * 987654321ull;
		unit_feed(m);
		b = unit_begin(REC_BLOCK, 3000 + (uint64_t)i, 4194303, 4194303, sizeof(*b));
		b->lat_ns = (uint64_t)(i + 1) * 123456789ull;
		b->bytes = 1 << 20;
		unit_feed(m);
		f = unit_begin(REC_FAULT, 3000 + (uint64_t)i, 4194303, 4194303, sizeof(*f));
		f->addr = 0x7f0000000000 + (uint64_t)i * 4096 * 1000;
		unit_feed(m);
	}
	for (int i = 0; i < 1000; i++)
		unit_newtask(m, 10000 + (uint64_t)i, 4194303, 4000000 + i, i % 2);
	lost = unit_begin(REC_LOST, 20000, 0, 0, sizeof(*lost));
	lost->source = LOST_BPF;
	lost->count = 123456789;
	unit_feed(m);
	return m;
}

/* Is text (a piece of a placed line) exactly one of the fields placed on line k? */
static bool whole_field(const struct cfield *f, size_t n, const int *line, int k, const char *text,
			size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (line[i] == k && strlen(f[i].text) == len && !memcmp(f[i].text, text, len))
			return true;
	return false;
}

/* Every piece of a placed line is a whole field (after its group label). */
static void assert_pieces_whole(const struct cfield *f, size_t n, const int *line, int k,
				const char *text, int width)
{
	const char *p = text;
	size_t pieces = 0, want = 0;

	ck_assert_int_le(counters_width(text), width);
	while (*p) {
		const char *end = p, *sep;

		for (sep = p; *sep && strncmp(sep, "  ", 2) != 0 && strncmp(sep, " | ", 3) != 0;)
			sep++;
		end = sep;
		if (p == text || p[-1] == ' ') {   /* after a group change: its label first */
			const char *colon = memchr(p, ':', (size_t)(end - p));
			if (colon && colon[1] == ' ' && !whole_field(f, n, line, k, p, (size_t)(end - p)))
				p = colon + 2;
		}
		ck_assert_msg(whole_field(f, n, line, k, p, (size_t)(end - p)),
			      "width %d: \"%.*s\" is not a whole field in \"%s\"", width,
			      (int)(end - p), p, text);
		pieces++;
		p = *end ? end + (end[1] == '|' ? 3 : 2) : end;
	}
	for (size_t i = 0; i < n; i++)
		want += line[i] == k;
	ck_assert_uint_eq(pieces, want);
}

/* Fields are left out least important first: none shown is less important
 * than one left out that would fit a line by itself. */
static void assert_priorities(const struct cfield *f, size_t n, const int *line, int width)
{
	for (size_t d = 0; d < n; d++) {
		int alone = counters_width(f[d].text) + 14;   /* with the longest group label */

		if (line[d] != -1 || alone > width)
			continue;
		for (size_t i = 0; i < n; i++)
			ck_assert_msg(line[i] == -1 || f[i].prio <= f[d].prio,
				      "width %d: \"%s\" shown, \"%s\" left out", width, f[i].text, f[d].text);
	}
}

START_TEST(header_fields_are_whole_at_every_width)
{
	struct model *m = busy_model();
	struct counters c;
	struct cfield f[COUNTER_FIELDS], h[8];
	int line[COUNTER_FIELDS];
	char text[1024], mark[1024], right[256];
	const char *cmd = " a-very-long-program-name --with --many --arguments /and/a/long/path";
	const char *state = "exited with status 0";
	size_t n, nh;
	bool shown[8], state_on;

	memset(&c, 0, sizeof(c));
	c.rss = 123456789012ull;
	c.rss_last = true;
	n = counters_fields(&c, m, f, COUNTER_FIELDS);
	ck_assert_uint_ge(n, 20);
	nh = counters_header_fields(m, 3723400000000ull, 123456789, 0, h, 8);
	ck_assert_uint_eq(nh, 4);
	for (int width = 20; width <= 200; width++) {
		for (size_t lines = 1; lines <= COUNTER_LINES; lines++) {
			size_t used = counters_place(f, n, width, lines, line);

			ck_assert_uint_le(used, lines);
			for (size_t k = 0; k < lines; k++) {
				counters_line(f, n, line, (int)k, text, mark, sizeof(text));
				assert_pieces_whole(f, n, line, (int)k, text, width);
			}
			assert_priorities(f, n, line, width);
		}
		{
			int cols = counters_header_place(width, cmd, state, h, nh, shown, &state_on);
			int used = cols + (state_on ? (cols ? 2 : 0) + counters_width(state) : 0);
			const char *p;

			counters_header_right(h, nh, shown, right, sizeof(right));
			used += counters_width(right);
			ck_assert_int_le(used, width);
			ck_assert(state_on);
			for (p = right; *p; p += 2) {   /* "  field  field " */
				const char *end = strstr(p + 2, "  ");
				size_t len = end ? (size_t)(end - p - 2) : strlen(p + 2) - 1;
				bool found = false;

				for (size_t i = 0; i < nh; i++)
					found |= shown[i] && strlen(h[i].text) == len &&
						 !memcmp(h[i].text, p + 2, len);
				ck_assert_msg(found, "width %d: header piece \"%.*s\" cut", width,
					      (int)len, p + 2);
				p += len;
				if (!end)
					break;
			}
			for (size_t d = 0; d < nh; d++)
				for (size_t i = 0; i < nh && !shown[d]; i++)
					ck_assert(!shown[i] || h[i].prio <= h[d].prio);
		}
	}
	/* 80 and 120 columns: the latency figures are there, each with its value */
	counters_place(f, n, 80, COUNTER_LINES, line);
	for (size_t i = 0; i < n; i++)
		if (f[i].prio <= 1)
			ck_assert_msg(line[i] >= 0, "80 columns: \"%s\" left out", f[i].text);
	counters_place(f, n, 120, 2, line);
	counters_line(f, n, line, 1, text, mark, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "Sched delay: 3000 waits  p99 "));
	model_free(m);
}
END_TEST

START_TEST(the_header_says_what_tracing_cost)
{
	struct model *m = model_new();
	struct cfield h[8];
	struct rec_end *e;

	unit_start(m, 1000, 100, NULL, 0);
	ck_assert_uint_eq(counters_header_fields(m, 2500000000ull, 42, 0, h, 8), 4);
	ck_assert_str_eq(h[0].text, "2.50s");
	ck_assert_str_eq(h[1].text, "events 42");
	ck_assert_str_eq(h[2].text, "drops 0");
	ck_assert_str_eq(h[3].text, "time stopped for tracing: known at the end");
	e = unit_begin(REC_END, 2000, 100, 100, sizeof(*e));
	e->stops = 13;
	e->stopped_ns = 1900000;
	unit_feed(m);
	counters_header_fields(m, 2500000000ull, 42, 0, h, 8);
	ck_assert_str_eq(h[3].text, "stopped for tracing 1.9ms (13 stops)");
	/* Once the memory budget moved events to disk: how many are where. */
	counters_header_fields(m, 2500000000ull, 1234567, 888888, h, 8);
	ck_assert_str_eq(h[1].text, "events 1.2M (345k mem, 888k disk)");
	counters_header_fields(m, 2500000000ull, 950, 0, h, 8);
	ck_assert_str_eq(h[1].text, "events 950");
	model_free(m);
}
END_TEST

/* The kernel engine never stops the program: the header says which tracer
 * it is from the start. */
START_TEST(the_header_names_the_kernel_engine)
{
	struct model *m = model_new();
	struct cfield h[8];
	struct rec_start *s = unit_begin(REC_START, 1000, 100, 100, sizeof(*s));

	((struct rec_hdr *)unit_rb.buf)->flags = START_F_KERNEL;
	s->pid = 100;
	s->tracer_pid = 1;
	unit_feed(m);
	ck_assert_uint_eq(counters_header_fields(m, 2500000000ull, 42, 0, h, 8), 4);
	ck_assert_str_eq(h[3].text, "kernel engine, no stops");
	model_free(m);
}
END_TEST

START_TEST(layout_fits_80x24_and_maps_rows_back)
{
	struct layout l;

	layout_compute(&l, 24, 80, 4, 3, PANE_LIST);
	ck_assert_int_eq(l.counters_h, 4);
	ck_assert_int_ge(l.lanes_h, 1);
	ck_assert_int_ge(l.list_h, 6);
	ck_assert_int_ge(l.out_h, 2);
	ck_assert_int_eq(l.out_y + l.out_h, l.footer_y);
	ck_assert_int_eq(l.footer_y, 23);
	ck_assert_int_eq(layout_pane_at(&l, l.list_y), PANE_LIST);
	ck_assert_int_eq(layout_pane_at(&l, l.lanes_y), PANE_LANES);
	ck_assert_int_eq(layout_pane_at(&l, l.out_y), PANE_OUTPUT);
	ck_assert_int_eq(layout_pane_at(&l, 0), PANE_MAX);
	layout_compute(&l, 40, 120, 2, 50, PANE_OUTPUT);
	ck_assert_int_eq(l.out_y + l.out_h, l.footer_y);
	ck_assert_int_gt(l.out_h, 5);
	ck_assert_int_ge(l.list_h, 3);
}
END_TEST

/* ---- wording ---- */

START_TEST(rows_read_like_the_line_output)
{
	struct store *s = store_new();
	struct strbuf sb = STRBUF_INIT;
	struct event ev = unit_event(EV_OPEN, 1, 1, 0);
	char t[24];

	ev.path = "/etc/hosts";
	ev.ret = -ENOENT;
	store_add(s, &ev);
	ev = unit_event(EV_CONNECT, 1, 1, 0);
	ev.addr_text = "10.0.0.1:80";
	store_add(s, &ev);
	add_exit(s, 1, 1, 0, false);
	evtext_row(&sb, s, store_get(s, 0), true);
	ck_assert_str_eq(sb.buf, "open /etc/hosts failed: ENOENT");
	strbuf_reset(&sb);
	evtext_row(&sb, s, store_get(s, 1), false);
	ck_assert_str_eq(sb.buf, "connect ? -> 10.0.0.1:80");
	strbuf_reset(&sb);
	evtext_row(&sb, s, store_get(s, 2), true);
	ck_assert_str_eq(sb.buf, "exit 0");
	ck_assert_str_eq(evtext_time(1234567890, t), "+1.234s");
	strbuf_reset(&sb);
	evtext_detail(&sb, s, NULL, 0, true);
	ck_assert_ptr_nonnull(strstr(sb.buf, "Error:    ENOENT"));
	strbuf_release(&sb);
	store_free(s);
}
END_TEST

/* What the --batch lines say of ev alone (all shown, -v), without time and pid. */
static char *line_of(const struct event *ev)
{
	char *text = NULL, *body;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct lines *l = lines_new(f, LINES_ALL | LINES_VERBOSE);

	lines_event(l, ev);
	lines_flush(l);
	lines_free(l);
	fclose(f);
	ck_assert(len > 0 && text[len - 1] == '\n');
	text[len - 1] = '\0';
	body = strstr(text, "s] ") + 3;           /* "[+0.000s] " */
	if (body[0] == '[')                       /* "[pid] " once a fork was seen */
		body = strstr(body, "] ") + 2;
	memmove(text, body, strlen(body) + 1);
	return text;
}

struct wording {
	struct event ev;
	const char *line;        /* the --batch line */
	const char *row;         /* the TUI row where it differs on purpose (NULL: the line) */
};

static char p_file[] = "/d/f", p_dir[] = "/d", p_tty[] = "/dev/pts/0", p_lib[] = "/lib/x.so";
static char p_sock7[] = "socket:[7]", p_sock8[] = "socket:[8]", a_local[] = "10.0.0.9:4000";
static char a_remote[] = "10.0.0.1:80", a_unix[] = "/run/x.sock", a_ls[] = "ls", a_l[] = "-l";
static char p_ls[] = "/usr/bin/ls", r_heap[] = "[heap]";
static struct fobj file_obj = { .kind = FDK_FILE, .mode = FM_READ, .path = p_file };
static struct fobj rw_obj = { .kind = FDK_FILE, .mode = FM_READ | FM_WRITE, .path = p_file };
static struct fobj dir_obj = { .kind = FDK_DIR, .mode = FM_READ, .path = p_dir };
static struct fobj tty_obj = { .kind = FDK_CHR, .mode = FM_WRITE, .path = p_tty };
static struct fobj tcp_obj = { .kind = FDK_TCP4, .path = p_sock7, .local = a_local,
			       .remote = a_remote };
static struct fobj unix_obj = { .kind = FDK_UNIX, .path = p_sock8, .remote = a_unix };
static struct fobj lib_obj = { .kind = FDK_FILE, .mode = FM_READ, .path = p_lib };
static char *ls_argv[] = { a_ls, a_l, NULL };
static struct proc ls_proc = { .pid = 1, .exe = p_ls, .argv = ls_argv };
static struct region heap_region = { .start = 0x5000, .end = 0x9000, .kind = RK_HEAP,
				     .name = r_heap };

/* An event of type for the wording table, set up by the caller's fields. */
#define EV(t, ...) { .type = (t), .pid = 1, .tid = 1, __VA_ARGS__ }

static const struct wording wordings[] = {
	{ EV(EV_EXEC, .path = "/usr/bin/ls", .proc = &ls_proc), "─── ls exec ─── ls -l",
	  "exec ls -l  (/usr/bin/ls)" },
	{ EV(EV_FORK, .child = 101, .status = 1), "vfork → pid 101", NULL },
	{ EV(EV_THREAD, .child = 102, .status = 2), "thread ↳ tid 102", NULL },
	{ EV(EV_EXIT, .status = 0x100, .thread = true), "thread exit 1", NULL },
	{ EV(EV_OPEN, .fd = 3, .ret = 3, .flags = O_RDWR, .path = "/d/f", .obj = &rw_obj),
	  "open /d/f (read/write)", NULL },
	{ EV(EV_OPEN, .fd = 3, .ret = 3, .flags = O_PATH, .path = "/d/f", .obj = &file_obj),
	  "open /d/f (read)", NULL },
	{ EV(EV_OPEN, .fd = 3, .ret = 3, .flags = O_DIRECTORY, .path = "/d", .obj = &dir_obj),
	  "open /d (dir)", NULL },
	{ EV(EV_OPEN, .ret = -ENOENT, .flags = O_WRONLY, .path = "/nope"),
	  "open /nope failed: ENOENT", NULL },
	{ EV(EV_CLOSE, .fd = 4, .obj = &tcp_obj), "close → 10.0.0.1:80", NULL },
	{ EV(EV_CONNECT, .fd = 4, .ret = -ECONNREFUSED, .addr_text = "10.0.0.1:80"),
	  "connect ? → 10.0.0.1:80 failed: ECONNREFUSED", NULL },
	{ EV(EV_CONNECT, .fd = 4, .ret = -EINPROGRESS, .addr_text = "10.0.0.1:80", .obj = &tcp_obj),
	  "connect tcp4 → 10.0.0.1:80", NULL },
	{ EV(EV_ACCEPT, .fd = 5, .ret = 5, .obj = &tcp_obj), "accept tcp4 ← 10.0.0.1:80", NULL },
	{ EV(EV_READ, .fd = 3, .bytes = 4096, .obj = &file_obj), "read 4.0 KB /d/f", NULL },
	{ EV(EV_RECV, .fd = 4, .bytes = 100, .obj = &tcp_obj), "recv 100 B ← 10.0.0.1:80", NULL },
	{ EV(EV_WRITE, .fd = 6, .bytes = 5, .obj = &unix_obj), "write 5 B → /run/x.sock", NULL },
	{ EV(EV_WRITE, .fd = 1, .bytes = 5, .obj = &tty_obj), "write 5 B /dev/pts/0",
	  "write 5 B /dev/pts/0 (fd 1)" },
	{ EV(EV_SENDFILE, .fd = 3, .fd2 = 4, .bytes = 1024, .obj = &file_obj, .obj2 = &tcp_obj),
	  "sendfile 1.0 KB /d/f → → 10.0.0.1:80", NULL },
	{ EV(EV_MMAP, .fd = 3, .addr = 0x7f0000000000, .bytes = 5000, .prot = 3, .flags = 2,
	     .obj = &lib_obj), "mmap 7f0000000000-7f0000002000 rw- 4.9 KB /lib/x.so", NULL },
	{ EV(EV_MMAP, .addr = 0x7f0000010000, .bytes = 4096, .prot = 1, .flags = 0x22),
	  "mmap 7f0000010000-7f0000011000 r-- 4.0 KB anon", NULL },
	{ EV(EV_MUNMAP, .addr = 0x7f0000000000, .bytes = 5000), "munmap 7f0000000000-7f0000002000 4.9 KB",
	  NULL },
	{ EV(EV_BRK, .addr = 0x26000, .bytes = 135168), "brk heap 132.0 KB", NULL },
	{ EV(EV_SIGNAL, .status = 15), "signal SIGTERM", NULL },
	{ EV(EV_SYSCALL, .nr = 257, .ret = 3, .path = "/etc/x"), "syscall openat = 3 (/etc/x)", NULL },
	{ EV(EV_SYSCALL, .nr = 257, .ret = -ENOENT), "syscall openat = -1 ENOENT", NULL },
	{ EV(EV_SYSCALL, .nr = 42, .addr_text = "10.0.0.1:80"), "syscall connect = 0",
	  "syscall connect = 0 (10.0.0.1:80)" },
	{ EV(EV_SCHED, .dur = 5000), "sched delay 5.0us", NULL },
	{ EV(EV_BLOCK, .dur = 90000, .bytes = 512, .flags = 1), "block I/O write 90us (512 B)",
	  "block I/O 90us" },
	{ EV(EV_FAULT, .addr = 0x6000, .bytes = 4096, .path = "[heap]", .region = &heap_region),
	  "fault 4.0 KB in [heap] 0x5000", "page fault at 6000" },
	{ EV(EV_DELETE, .path = "/d/f"), "delete /d/f", NULL },
	{ EV(EV_DELETE, .ret = -ENOTEMPTY, .flags = AT_REMOVEDIR, .path = "/d"),
	  "delete /d (dir) failed: ENOTEMPTY", NULL },
	{ EV(EV_RENAME, .path = "/d/a\x1b[7m", .path2 = "/d/b\nc\xe2\x80\xae"),
	  "rename /d/a\\x1b[7m → /d/b\\x0ac\\u{202E}", NULL },
	{ EV(EV_RENAME, .ret = -EXDEV, .path = "/d/a", .path2 = "/e/a"),
	  "rename /d/a → /e/a failed: EXDEV", NULL },
};

/* Every type's TUI row says what its --batch line says, but where the
 * description words the row differently on purpose (or the store keeps
 * too little for the line's words). */
START_TEST(every_row_reads_like_its_line)
{
	struct store *s = store_new();
	struct strbuf sb = STRBUF_INIT;
	bool seen[EV_TYPE_MAX] = { false };

	for (size_t i = 0; i < sizeof(wordings) / sizeof(wordings[0]); i++) {
		const struct wording *w = &wordings[i];
		char *line = line_of(&w->ev);

		ck_assert_str_eq(line, w->line);
		store_add(s, &w->ev);
		strbuf_reset(&sb);
		evtext_row(&sb, s, store_get(s, i), true);
		ck_assert_str_eq(sb.buf, w->row ? w->row : w->line);
		seen[w->ev.type] = true;
		free(line);
	}
	for (int t = 0; t < EV_TYPE_MAX; t++)
		if (t != EV_WRITE && t != EV_SEND && t != EV_COPY_FILE_RANGE && t != EV_SPLICE &&
		    t != EV_TEE && t != EV_MREMAP)   /* worded as read, recv, sendfile, munmap */
			ck_assert_msg(seen[t], "no wording case for %s", evdesc_name((unsigned)t));
	strbuf_release(&sb);
	store_free(s);
}
END_TEST

/* The details label the value a type keeps by what it means. */
START_TEST(details_say_what_a_value_means)
{
	struct store *s = store_new();
	struct strbuf sb = STRBUF_INIT;

	store_add(s, &wordings[2].ev);              /* thread */
	store_add(s, &(struct event)EV(EV_SCHED, .dur = 5000));
	store_add(s, &wordings[4].ev);              /* open */
	evtext_detail(&sb, s, NULL, 0, true);
	ck_assert_ptr_nonnull(strstr(sb.buf, "Value:    2 (0 fork, 1 vfork, 2 clone)\n"));
	strbuf_reset(&sb);
	evtext_detail(&sb, s, NULL, 1, true);
	ck_assert_ptr_nonnull(strstr(sb.buf, "Value:    5000 (ns)\n"));
	strbuf_reset(&sb);
	evtext_detail(&sb, s, NULL, 2, true);
	ck_assert_ptr_nonnull(strstr(sb.buf, "Fd:       3 (file)\nObject:   /d/f\nFlags:    0x2\n"));
	ck_assert_ptr_null(strstr(sb.buf, "Value:"));
	store_add(s, &(struct event)EV(EV_RENAME, .fd = -1, .ret = -EXDEV, .path = "/d/a\n",
				       .path2 = "/e/a"));
	strbuf_reset(&sb);
	evtext_detail(&sb, s, NULL, 3, true);
	ck_assert_msg(strstr(sb.buf, "Type:     rename (file)\nObject:   /d/a\\x0a\n"
				     "New path: /e/a\nError:    EXDEV\n"), "details: %s", sb.buf);
	ck_assert_ptr_null(strstr(sb.buf, "Fd:"));
	strbuf_release(&sb);
	store_free(s);
}
END_TEST

/* ---- key handlers on the app state ---- */

struct fixture {
	struct model *m;
	struct store *s;
	struct app a;
};

/* An app over the sample store, laid out at 80x24, with no tracer. */
static void fixture_open(struct fixture *f)
{
	f->m = model_new();
	f->s = sample();
	app_init(&f->a, f->m, f->s);
	app_ingest(&f->a);
	app_layout(&f->a, 24, 80);
}

static void fixture_close(struct fixture *f)
{
	app_release(&f->a);
	store_free(f->s);
	model_free(f->m);
}

START_TEST(freeze_holds_the_list_while_events_arrive)
{
	struct fixture f;

	fixture_open(&f);
	ck_assert_uint_eq(app_rows(&f.a), 8);
	app_key(&f.a, ' ');
	ck_assert(f.a.frozen);
	add_open(f.s, 100, 100, 10000, "/tmp/late");
	add_open(f.s, 100, 100, 10001, "/tmp/later");
	app_ingest(&f.a);
	ck_assert_uint_eq(view_count(&f.a.view), 10);
	ck_assert_uint_eq(app_rows(&f.a), 8);
	app_key(&f.a, ' ');
	ck_assert(!f.a.frozen);
	ck_assert_uint_eq(app_rows(&f.a), 10);
	fixture_close(&f);
}
END_TEST

START_TEST(quit_asks_while_running_and_not_after)
{
	struct fixture f;
	unsigned ch;

	fixture_open(&f);
	ch = app_key(&f.a, 'q');
	ck_assert_int_eq(ch & APP_CH_QUIT, 0);
	ck_assert_int_eq(f.a.confirm, CF_KILL);
	app_key(&f.a, 'n');
	ck_assert_int_eq(f.a.confirm, CF_NONE);
	ck_assert(!f.a.quitting);
	f.a.sig.attached = true;
	app_key(&f.a, KEYC_F(10));
	ck_assert_int_eq(f.a.confirm, CF_DETACH);
	ch = app_key(&f.a, 'y');
	ck_assert(f.a.quitting);
	ck_assert_int_ne(ch & APP_CH_QUIT, 0);
	f.a.ended = true;
	ck_assert_int_ne(app_key(&f.a, 'q') & APP_CH_QUIT, 0);
	fixture_close(&f);
}
END_TEST

START_TEST(search_jumps_between_matches)
{
	struct fixture f;
	const char *q = "child\n";

	fixture_open(&f);
	app_key(&f.a, KEYC_HOME);
	ck_assert_uint_eq(f.a.list.sel, 0);
	app_key(&f.a, '/');
	ck_assert_int_eq(f.a.prompt, PR_SEARCH);
	for (const char *p = q; *p; p++)
		app_key(&f.a, *p);
	ck_assert_int_eq(f.a.prompt, PR_NONE);
	ck_assert_int_eq(app_selected(&f.a), 3);
	app_key(&f.a, 'n');
	ck_assert_int_eq(app_selected(&f.a), 3);   /* the only match: wraps to itself */
	app_key(&f.a, 'N');
	ck_assert_int_eq(app_selected(&f.a), 3);
	ck_assert(!f.a.list.follow);
	fixture_close(&f);
}
END_TEST

START_TEST(filter_menu_toggles_and_clears)
{
	struct fixture f;
	unsigned ch;

	fixture_open(&f);
	app_key(&f.a, KEYC_F(4));
	ck_assert_int_eq(f.a.overlay, OV_PICKER);
	app_key(&f.a, 'p');                        /* first process */
	ch = app_key(&f.a, 'o');
	ck_assert_int_ne(ch & APP_CH_FILTER, 0);
	app_refilter(&f.a);
	ck_assert(f.a.view.filter.pid_only);
	ck_assert_uint_eq(view_count(&f.a.view), 6);   /* pid 100, noise hidden */
	ck_assert_uint_eq(f.a.lanes_visible, 2);
	app_key(&f.a, 'c');
	app_key(&f.a, ' ');                        /* hide "file" */
	app_refilter(&f.a);
	ck_assert_uint_eq(view_count(&f.a.view), 4);
	app_key(&f.a, 'x');
	app_refilter(&f.a);
	ck_assert_uint_eq(view_count(&f.a.view), 8);
	app_key(&f.a, KEYC_ENTER);
	ck_assert_int_eq(f.a.overlay, OV_NONE);
	app_key(&f.a, 'a');
	app_refilter(&f.a);
	ck_assert_uint_eq(view_count(&f.a.view), 9);
	fixture_close(&f);
}
END_TEST

START_TEST(stop_continue_and_details)
{
	struct fixture f;

	fixture_open(&f);
	app_key(&f.a, 'p');
	ck_assert(f.a.tracee_stopped);
	app_key(&f.a, KEYC_F(5));
	ck_assert(!f.a.tracee_stopped);
	app_key(&f.a, KEYC_ENTER);
	ck_assert_int_eq(f.a.overlay, OV_DETAIL);
	ck_assert_uint_eq(f.a.detail_idx, 8);
	app_key(&f.a, KEYC_ESC);
	ck_assert_int_eq(f.a.overlay, OV_NONE);
	app_key(&f.a, '\t');
	ck_assert_int_eq(f.a.focus, PANE_OUTPUT);
	app_key(&f.a, KEYC_BTAB);
	app_key(&f.a, KEYC_BTAB);
	ck_assert_int_eq(f.a.focus, PANE_LANES);
	app_key(&f.a, KEYC_UP);
	ck_assert_int_eq(app_selected_lane(&f.a), (long)f.a.swim.cursor);
	fixture_close(&f);
}
END_TEST

START_TEST(zoom_and_pan_change_the_window)
{
	struct fixture f;
	uint64_t t0, span, t1, span1;

	fixture_open(&f);
	f.a.ended = true;
	f.a.end_ns = f.a.start_ns;
	app_window(&f.a, &t0, &span);
	ck_assert_uint_eq(t0, 0);
	ck_assert_uint_ge(span, 9000);
	app_key(&f.a, '+');
	app_window(&f.a, &t1, &span1);
	ck_assert_uint_eq(span1, span / 2);
	app_key(&f.a, KEYC_LEFT);
	app_key(&f.a, '-');
	app_key(&f.a, '-');
	ck_assert(f.a.swim.fit);
	fixture_close(&f);
}
END_TEST

START_TEST(mouse_selects_rows_lanes_and_scrolls)
{
	struct fixture f;
	long before;

	fixture_open(&f);
	app_mouse(&f.a, 5, f.a.lay.list_y + 2, MOUSE_CLICK);
	ck_assert_uint_eq(f.a.list.sel, f.a.list.top + 2);
	ck_assert(!f.a.list.follow);
	before = app_selected(&f.a);
	app_mouse(&f.a, 5, f.a.lay.list_y, MOUSE_WHEEL_UP);
	ck_assert_int_le(app_selected(&f.a), before);
	app_mouse(&f.a, f.a.lay.axis_x, f.a.lay.lanes_y, MOUSE_CLICK);
	ck_assert_int_eq(f.a.focus, PANE_LANES);
	ck_assert_int_eq(store_get(f.s, (size_t)app_selected(&f.a))->tid,
			 f.a.view.lanes.v[f.a.vis[f.a.swim.top]]->tid);
	app_mouse(&f.a, 1, f.a.lay.out_y, MOUSE_CLICK);
	ck_assert_int_eq(f.a.focus, PANE_OUTPUT);
	fixture_close(&f);
}
END_TEST


/* ---- replay clock, tables, object totals, views ---- */

START_TEST(replay_clock_pauses_and_scales)
{
	struct replay r;
	struct rec_hdr next = { .ts = 9000 };

	replay_init(&r, NULL, 2);
	r.started = true;
	r.pos = r.first_ts = 1000;
	r.wall = 100;
	ck_assert_uint_eq(replay_position(&r, 600), 2000);       /* 500 ns at 2x */
	replay_set_paused(&r, true, 600);
	ck_assert_uint_eq(replay_position(&r, 5000), 2000);      /* paused: still */
	replay_step_speed(&r, 1, 5000);
	ck_assert_uint_eq(r.speed, 10);
	replay_set_paused(&r, false, 5000);
	ck_assert_uint_eq(replay_position(&r, 5100), 3000);      /* 100 ns at 10x */
	r.next = &next;
	ck_assert_uint_eq(replay_wait_ns(&r, 5100), 600);        /* 6000 ns at 10x */
	replay_step_speed(&r, 1, 5100);
	ck_assert_uint_eq(r.speed, 100);
	replay_step_speed(&r, 1, 5100);
	ck_assert_uint_eq(r.speed, 0);
	ck_assert_uint_eq(replay_wait_ns(&r, 5100), 0);          /* all at once */
	ck_assert_uint_eq(replay_position(&r, 5100), UINT64_MAX);
	r.last_ts = 4000;
	replay_step_speed(&r, -1, 6000);                         /* back from "all" */
	ck_assert_uint_eq(r.speed, 100);
	ck_assert_uint_eq(replay_position(&r, 6000), 4000);
	replay_step_speed(&r, 1, 6000);
	replay_step_speed(&r, 1, 6000);
	ck_assert_uint_eq(r.speed, 0);
	r.speed = 5;                                             /* --speed 5 */
	replay_step_speed(&r, 1, 6000);
	ck_assert_uint_eq(r.speed, 10);
	r.speed = 5;
	replay_step_speed(&r, -1, 6000);
	ck_assert_uint_eq(r.speed, 2);
	ck_assert_int_eq(replay_parse_speed("max"), 0);
	ck_assert_int_eq(replay_parse_speed("10"), 10);
	ck_assert_int_eq(replay_parse_speed("0"), -1);
	ck_assert_int_eq(replay_parse_speed("-3"), -1);
	ck_assert_int_eq(replay_parse_speed("2x"), -1);
}
END_TEST

START_TEST(table_sorts_and_keeps_the_selected_row)
{
	static const struct tcol cols[2] = { { "Name", 0, false, true, false }, { "N", 5, true, false, false } };
	static const char *const names[] = { "b", "a", "c" };
	static const double n[] = { 5, 7, 1 };
	struct table t;

	table_init(&t, 1, false);
	for (int i = 0; i < 3; i++) {
		struct trow *r = table_add(&t, (uint64_t)i);
		r->text = names[i];
		r->key[1] = n[i];
	}
	table_finish(&t, cols, 0, false);
	ck_assert_str_eq(t.rows[0].text, "a");                   /* 7, 5, 1 */
	ck_assert_str_eq(t.rows[2].text, "c");
	t.pos.sel = 2;                                           /* "c" (id 2) */
	table_sort_by(&t, 0, cols, 2);                           /* by name, a-z */
	ck_assert(t.asc);
	table_clear(&t);
	for (int i = 0; i < 3; i++) {
		struct trow *r = table_add(&t, (uint64_t)i);
		r->text = names[i];
		r->key[1] = n[i];
	}
	table_finish(&t, cols, 2, true);
	ck_assert_str_eq(t.rows[0].text, "a");
	ck_assert_str_eq(table_selected(&t)->text, "c");
	table_sort_by(&t, 0, cols, 2);                           /* again: z-a */
	ck_assert(!t.asc);
	table_release(&t);
}
END_TEST

/* An event on an object of kind named name (path or peer), fd fd. */
static void add_io(struct store *s, enum ev_type type, int pid, uint64_t ts, int fd, int kind,
		   const char *name, uint64_t bytes)
{
	struct event ev = unit_event(type, pid, pid, ts);
	struct fobj o = { .kind = (uint8_t)kind };

	if (kind == FDK_FILE)
		o.path = (char *)name;
	else
		o.remote = (char *)name;
	ev.obj = &o;
	ev.fd = fd;
	ev.bytes = bytes;
	ev.ret = (int64_t)bytes;
	if (type == EV_OPEN)
		ev.path = name;
	store_add(s, &ev);
}

START_TEST(object_totals_per_process_file_and_connection)
{
	struct store *s = store_new();
	struct objstat o;
	const struct pstat *p;

	objstat_init(&o);
	add_io(s, EV_OPEN, 10, 100, 3, FDK_FILE, "/d/f", 0);
	add_io(s, EV_READ, 10, 200, 3, FDK_FILE, "/d/f", 40);
	add_io(s, EV_WRITE, 10, 300, 3, FDK_FILE, "/d/f", 2);
	add_io(s, EV_CONNECT, 10, 400, 4, FDK_TCP4, "10.0.0.1:80", 0);
	objstat_update(&o, s);                                   /* in two steps */
	add_io(s, EV_SEND, 10, 500, 4, FDK_TCP4, "10.0.0.1:80", 7);
	add_io(s, EV_RECV, 10, 600, 4, FDK_TCP4, "10.0.0.1:80", 9);
	add_io(s, EV_CLOSE, 10, 700, 4, FDK_TCP4, "10.0.0.1:80", 0);
	add_io(s, EV_SEND, 10, 800, 4, FDK_TCP4, "10.0.0.1:80", 99);   /* after close */
	add_io(s, EV_WRITE, 11, 900, 3, FDK_FILE, "/d/f", 5);
	objstat_update(&o, s);
	ck_assert_uint_eq(o.nfiles, 2);
	ck_assert_int_eq(o.files[0].pid, 10);
	ck_assert_uint_eq(o.files[0].opens, 1);
	ck_assert_uint_eq(o.files[0].rd, 40);
	ck_assert_uint_eq(o.files[0].wr, 2);
	ck_assert_uint_eq(o.files[1].wr, 5);
	ck_assert_uint_eq(o.nconns, 1);
	ck_assert_uint_eq(o.conns[0].sent, 7);
	ck_assert_uint_eq(o.conns[0].received, 9);
	ck_assert(o.conns[0].closed);
	ck_assert_uint_eq(o.conns[0].end - o.conns[0].start, 300);
	p = objstat_proc(&o, 10);
	ck_assert_uint_eq(p->events, 8);
	ck_assert_uint_eq(p->rd, 49);
	ck_assert_uint_eq(p->wr, 2 + 7 + 99);
	ck_assert_ptr_null(objstat_proc(&o, 12));
	objstat_release(&o);
	store_free(s);
}
END_TEST

START_TEST(views_switch_and_follow_an_object)
{
	struct fixture f;

	fixture_open(&f);
	app_key(&f.a, 's');
	ck_assert_int_eq(f.a.mode, MODE_SYSCALLS);
	ck_assert_int_eq(keys_action('r', KCTX_TABLE), ACT_SORT_REVERSE);
	ck_assert_int_eq(keys_action('r', KCTX_LIST), ACT_NONE);
	app_key(&f.a, 'f');
	app_layout(&f.a, 24, 80);
	ck_assert_int_eq(f.a.mode, MODE_FILES);
	app_key(&f.a, KEYC_ESC);
	ck_assert_int_eq(f.a.mode, MODE_EVENTS);
	f.a.view.follow = (struct follow){ .on = true, .fd = -1, .t1 = UINT64_MAX,
					   .str = store_intern(f.s, "/tmp/child.txt") };
	app_refilter(&f.a);
	ck_assert_uint_eq(app_rows(&f.a), 1);
	app_key(&f.a, KEYC_ESC);                                 /* stop following */
	app_refilter(&f.a);
	ck_assert_uint_eq(app_rows(&f.a), 8);
	filter_only_pid(&f.a.view.filter, 101);
	ck_assert_int_eq(mode_pid(&f.a), 101);
	mode_all_pids(&f.a);
	ck_assert_int_eq(mode_pid(&f.a), 0);
	app_refilter(&f.a);
	ck_assert_uint_eq(app_rows(&f.a), 8);
	fixture_close(&f);
}
END_TEST

START_TEST(replay_keys_never_reach_a_process)
{
	struct fixture f;
	struct replay r;

	fixture_open(&f);
	replay_init(&r, NULL, 1);
	r.started = true;
	f.a.replay = &r;
	app_key(&f.a, 'p');
	ck_assert(r.paused);
	ck_assert(!f.a.tracee_stopped);
	app_key(&f.a, KEYC_F(5));
	ck_assert(!r.paused);
	app_key(&f.a, ']');
	ck_assert_uint_eq(r.speed, 2);
	ck_assert_uint_eq(app_key(&f.a, 'q') & APP_CH_QUIT, APP_CH_QUIT);   /* no question */
	ck_assert_int_eq(f.a.confirm, CF_NONE);
	ck_assert_uint_eq(app_interrupt(&f.a) & APP_CH_QUIT, APP_CH_QUIT);
	ck_assert_int_eq(f.a.sig.interrupts, 0);
	fixture_close(&f);
}
END_TEST

static Suite *ui_suite(void)
{
	Suite *s = suite_create("ui");
	TCase *tc = tcase_create("models");
	TCase *ta = tcase_create("actions");

	tcase_add_test(tc, keys_dispatch_depends_on_where_the_keyboard_is);
	tcase_add_test(tc, no_single_letter_destroys_anything);
	tcase_add_test(tc, help_and_footer_come_from_the_table);
	tcase_add_test(tc, utf8_encoding);
	tcase_add_test(tc, filter_defaults_hide_noise_only);
	tcase_add_test(tc, text_matches_strings_types_and_pids);
	tcase_add_test(tc, text_lat_looks_at_call_durations);
	tcase_add_test(tc, process_filter_hides_or_keeps_only);
	tcase_add_test(tc, lanes_nest_threads_and_end_with_exits);
	tcase_add_test(tc, lanes_fold_one_program_under_one_parent);
	tcase_add_test(tc, folded_row_cells_are_the_union_of_its_lanes);
	tcase_add_test(tc, a_reused_tid_gets_a_new_lane_at_its_fork);
	tcase_add_test(tc, samples_after_an_exit_stay_in_the_ended_lanes);
	tcase_add_test(tc, a_lane_begun_before_its_fork_is_taken_over);
	tcase_add_test(tc, one_lane_per_task_from_the_model_whatever_the_sample_order);
	tcase_add_test(tc, incremental_view_equals_a_rebuild);
	tcase_add_test(tc, lane_cells_count_and_pick_a_category);
	tcase_add_test(tc, list_follows_the_tail_until_moved);
	tcase_add_test(tc, output_strips_escapes_and_handles_returns);
	tcase_add_test(tc, output_keeps_the_newest_lines);
	tcase_add_test(tc, replayed_output_goes_to_the_pane_and_says_what_was_left_out);
	tcase_add_test(tc, line_editor_edits_utf8_text);
	tcase_add_test(tc, rates_and_counter_placement);
	tcase_add_test(tc, header_fields_are_whole_at_every_width);
	tcase_add_test(tc, the_header_says_what_tracing_cost);
	tcase_add_test(tc, the_header_names_the_kernel_engine);
	tcase_add_test(tc, layout_fits_80x24_and_maps_rows_back);
	tcase_add_test(tc, rows_read_like_the_line_output);
	tcase_add_test(tc, every_row_reads_like_its_line);
	tcase_add_test(tc, details_say_what_a_value_means);
	tcase_add_test(ta, freeze_holds_the_list_while_events_arrive);
	tcase_add_test(ta, quit_asks_while_running_and_not_after);
	tcase_add_test(ta, search_jumps_between_matches);
	tcase_add_test(ta, filter_menu_toggles_and_clears);
	tcase_add_test(ta, stop_continue_and_details);
	tcase_add_test(ta, zoom_and_pan_change_the_window);
	tcase_add_test(ta, mouse_selects_rows_lanes_and_scrolls);
	tcase_add_test(tc, replay_clock_pauses_and_scales);
	tcase_add_test(tc, table_sorts_and_keeps_the_selected_row);
	tcase_add_test(tc, object_totals_per_process_file_and_connection);
	tcase_add_test(ta, views_switch_and_follow_an_object);
	tcase_add_test(ta, replay_keys_never_reach_a_process);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, ta);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ui_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
