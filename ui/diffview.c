/* diffview.c - --diff in the terminal: the rows that differ, sortable, and
 * the events of a row in each run.
 *
 * The list shows a row per thing compared (the sign of --batch's lines,
 * what it is, its name, what changed); > and < sort by another column,
 * Enter shows the row's events in run A, then in run B.  Key handlers
 * only change the state; draw() paints it.  It must never change the
 * comparison and always gives the terminal back.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "diff.h"
#include "diffview.h"
#include "fmt.h"
#include "screen.h"
#include "strbuf.h"
#include "util.h"

enum { COL_STATE, COL_KIND, COL_NAME, COL_CHANGE, NCOLS };

static const char *const col_names[NCOLS] = { "state", "kind", "name", "change" };
static const char *const kind_words[DIFF_KINDS] = {
	"total", "process", "file", "connection", "syscall",
};

struct dv {
	const struct diff_row *rows;
	size_t n;                /* rows of the comparison */
	size_t *shown;           /* indices of the rows listed, in sort order */
	size_t nshown;
	int sort;                /* column; -1: the comparison's order */
	bool asc, all;
	size_t sel, top;         /* list selection and scroll */
	bool detail;             /* the events of the selected row are shown */
	char **lines;            /* ... as lines */
	size_t nlines, lcap, ltop;
	struct diff_log *const *log;
	const char *const *path;
};

/* '-', '+', '~' or ' ' of a row, as --batch writes it. */
static char row_sign(const struct diff_row *w)
{
	if (w->in[0] != w->in[1])
		return w->in[0] ? '-' : '+';
	return w->changed ? '~' : ' ';
}

/* How much a row changed: the largest |b - a| of its figures. */
static double row_delta(const struct diff_row *w)
{
	double best = 0;

	for (unsigned i = 0; i < DIFF_FIGS; i++) {
		double d = (double)w->fig[1][i] - (double)w->fig[0][i];

		if (d < 0)
			d = -d;
		if (d > best)
			best = d;
	}
	return best;
}

static struct dv *sort_dv;

/* Order two listed rows by the sort column (ties: the comparison's order). */
static int shown_cmp(const void *x, const void *y)
{
	const struct diff_row *a = &sort_dv->rows[*(const size_t *)x];
	const struct diff_row *b = &sort_dv->rows[*(const size_t *)y];
	int c = 0;

	switch (sort_dv->sort) {
	case COL_STATE: c = row_sign(a) - row_sign(b); break;
	case COL_KIND: c = (int)a->kind - (int)b->kind; break;
	case COL_NAME: c = strcmp(a->name, b->name); break;
	case COL_CHANGE: c = row_delta(a) < row_delta(b) ? -1 : row_delta(a) > row_delta(b); break;
	default: break;
	}
	if (!sort_dv->asc)
		c = -c;
	if (!c)
		c = *(const size_t *)x < *(const size_t *)y ? -1 : 1;
	return c;
}

/* The rows to list (changed ones, or all), sorted. */
static void build(struct dv *v)
{
	v->nshown = 0;
	for (size_t i = 0; i < v->n; i++)
		if (v->all || v->rows[i].changed)
			v->shown[v->nshown++] = i;
	sort_dv = v;
	if (v->sort >= 0)
		qsort(v->shown, v->nshown, sizeof(*v->shown), shown_cmp);
	if (v->sel >= v->nshown)
		v->sel = v->nshown ? v->nshown - 1 : 0;
}

/* What changed in w: "only in A: read_bytes=40 ...", or "read_bytes 10 -> 20, ...". */
static void change_text(struct strbuf *sb, const struct diff_row *w)
{
	unsigned n = diff_fig_count(w->kind, w->name);
	bool one = w->in[0] != w->in[1];
	int s = w->in[0] ? 0 : 1;
	const char *sep = "";

	if (one)
		strbuf_addstr(sb, w->in[0] ? "only in A: " : "only in B: ");
	for (unsigned i = 0; i < n; i++) {
		if (!one && w->changed && !(w->changed & 1u << i))
			continue;
		strbuf_addf(sb, "%s%s%s", sep, diff_fig_name(w->kind, w->name, i),
			    one || !w->changed ? "=" : " ");
		diff_fig_text(sb, w, i, s);
		if (!one && w->changed) {
			strbuf_addstr(sb, " -> ");
			diff_fig_text(sb, w, i, 1);
		}
		sep = one || !w->changed ? " " : ", ";
	}
}

/* Append a line to the detail. */
static void add_line(struct dv *v, const char *text)
{
	if (v->nlines == v->lcap) {
		v->lcap = v->lcap ? v->lcap * 2 : 64;
		v->lines = xreallocarray(v->lines, v->lcap, sizeof(*v->lines));
	}
	v->lines[v->nlines++] = xstrdup(text);
}

/* diff_log_each callback: one event as "  1.234567s text". */
static void add_event(void *ctx, uint64_t ts, const char *text)
{
	struct strbuf sb;

	strbuf_init(&sb, 128);
	strbuf_addf(&sb, "  %.6fs %s", (double)ts / 1e9, text);
	add_line(ctx, sb.buf);
	strbuf_release(&sb);
}

/* Drop the detail's lines. */
static void clear_lines(struct dv *v)
{
	for (size_t i = 0; i < v->nlines; i++)
		free(v->lines[i]);
	v->nlines = v->ltop = 0;
}

/* Fill the detail with the selected row's events in each run. */
static void open_detail(struct dv *v)
{
	const struct diff_row *w;
	struct strbuf sb;

	if (!v->nshown)
		return;
	w = &v->rows[v->shown[v->sel]];
	clear_lines(v);
	strbuf_init(&sb, 128);
	for (int s = 0; s < 2; s++) {
		const char *name = s && w->name_b ? w->name_b : w->name;
		size_t before;

		strbuf_reset(&sb);
		strbuf_addf(&sb, "Run %c (%s): %s %s", s ? 'B' : 'A', v->path[s],
			    kind_words[w->kind], name);
		add_line(v, sb.buf);
		before = v->nlines;
		if (w->in[s] && w->kind != DIFF_TOTAL)
			diff_log_each(v->log[s], w->kind, name, add_event, v);
		if (v->nlines == before)
			add_line(v, w->in[s] ? "  (no event of it)" : "  (not in this run)");
		add_line(v, "");
	}
	strbuf_release(&sb);
	v->detail = true;
}

/* Write text at row y, cut to the width, with attribute at. */
static void put_line(int y, const char *text, attr_t at)
{
	int cols = COLS;

	move(y, 0);
	clrtoeol();
	attron(at);
	addnstr(text, cols);
	if (at)
		for (int x = (int)strlen(text); x < cols; x++)
			addch(' ');
	attroff(at);
}

/* Width of the name column: a third of the screen, 20 to 60 columns. */
static int name_width(void)
{
	int w = COLS / 3;

	return w < 20 ? 20 : w > 60 ? 60 : w;
}

/* The name in its column and a space; a long one keeps its end ("...end"). */
static void put_name(struct strbuf *sb, const char *name)
{
	int w = name_width();
	size_t n = strlen(name);

	if (n > (size_t)w)
		strbuf_addf(sb, "...%s ", name + n - (size_t)(w - 3));
	else
		strbuf_addf(sb, "%-*s ", w, name);
}

/* Paint the list of rows. */
static void draw_list(struct dv *v, int rows)
{
	struct strbuf sb;

	strbuf_init(&sb, 256);
	strbuf_addf(&sb, "%c %-10s %-*s %s", ' ', "KIND", name_width(), "NAME", "CHANGE");
	if (v->sort >= 0)
		strbuf_addf(&sb, "   (sorted by %s %s)", col_names[v->sort], v->asc ? "up" : "down");
	put_line(1, sb.buf, A_BOLD);
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	for (int y = 0; y < rows; y++) {
		size_t i = v->top + (size_t)y;
		const struct diff_row *w;

		if (i >= v->nshown) {
			move(2 + y, 0);
			clrtoeol();
			continue;
		}
		w = &v->rows[v->shown[i]];
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%c %-10s ", row_sign(w), kind_words[w->kind]);
		put_name(&sb, w->name);
		change_text(&sb, w);
		put_line(2 + y, sb.buf, i == v->sel ? A_REVERSE : 0);
	}
	if (!v->nshown)
		put_line(2, "  nothing differs (a shows everything)", 0);
	strbuf_release(&sb);
}

/* Paint the detail's lines. */
static void draw_detail(struct dv *v, int rows)
{
	put_line(1, "Events of the row in each run", A_BOLD);
	if (v->nlines && v->ltop >= v->nlines)
		v->ltop = v->nlines - 1;
	for (int y = 0; y < rows; y++) {
		size_t i = v->ltop + (size_t)y;

		put_line(2 + y, i < v->nlines ? v->lines[i] : "", 0);
	}
}

/* Paint the whole screen. */
static void draw(struct dv *v)
{
	int rows = LINES - 3;
	struct strbuf sb;

	strbuf_init(&sb, 256);
	strbuf_addf(&sb, "DIFF  A: %s  B: %s  %zu of %zu rows", v->path[0], v->path[1],
		    v->nshown, v->n);
	put_line(0, sb.buf, A_REVERSE);
	if (v->detail)
		draw_detail(v, rows);
	else
		draw_list(v, rows);
	put_line(LINES - 1, v->detail ? "Esc/Enter back  Up/Down PgUp/PgDn scroll  q quit" :
		 "Enter events  > < sort  a all/changed  Up/Down PgUp/PgDn  q quit", A_REVERSE);
	refresh();
	strbuf_release(&sb);
}

/* Move the list selection or the detail's scroll by delta. */
static void move_by(struct dv *v, long delta)
{
	size_t *p = v->detail ? &v->ltop : &v->sel;
	size_t n = v->detail ? v->nlines : v->nshown;

	if (delta < 0)
		*p = (size_t)-delta > *p ? 0 : *p - (size_t)-delta;
	else
		*p += (size_t)delta;
	if (n && *p >= n)
		*p = n - 1;
}

/* One key; false to quit. */
static bool key(struct dv *v, int k)
{
	long page = LINES > 4 ? LINES - 4 : 1;

	switch (k) {
	case 'q': case 'Q': return false;
	case KEY_UP: case 'k': move_by(v, -1); break;
	case KEY_DOWN: case 'j': move_by(v, 1); break;
	case KEY_PPAGE: move_by(v, -page); break;
	case KEY_NPAGE: case ' ': move_by(v, page); break;
	case KEY_HOME: move_by(v, -(long)(v->n + v->nlines)); break;
	case KEY_END: move_by(v, (long)(v->n + v->nlines)); break;
	case 27: case KEY_BACKSPACE: case KEY_LEFT: v->detail = false; break;
	case '\r': case '\n': case KEY_ENTER:
		if (v->detail)
			v->detail = false;
		else
			open_detail(v);
		break;
	case '>': case '<':
		if (v->detail)
			break;
		if (k == '>')
			v->sort = v->sort >= NCOLS - 1 ? -1 : v->sort + 1;
		else
			v->sort = v->sort < 0 ? NCOLS - 1 : v->sort - 1;
		v->asc = v->sort != COL_CHANGE;   /* the biggest change first */
		build(v);
		break;
	case 'a':
		if (v->detail)
			break;
		v->all = !v->all;
		build(v);
		break;
	default: break;
	}
	return true;
}

/* The fatal paths give the terminal back. */
static void restore(void)
{
	screen_restore_raw();
}

int diffview_run(const struct diff *d, struct diff_log *const log[2], const char *const path[2],
		 bool all, bool no_color, char *why, size_t whylen)
{
	struct app *a = xcalloc(1, sizeof(*a));
	struct dv v = { .sort = -1, .all = all, .log = log, .path = path };
	int err = screen_open(a, no_color, true), k;

	if (err) {
		snprintf(why, whylen, "cannot use the terminal for --diff's view: %s", strerror(-err));
		free(a);
		return err;
	}
	util_set_fatal_hook(restore);
	nodelay(stdscr, FALSE);
	v.rows = diff_rows(d, &v.n);
	v.shown = xreallocarray(NULL, v.n ? v.n : 1, sizeof(*v.shown));
	build(&v);
	do {
		draw(&v);
		k = getch();
	} while (k == ERR || k == KEY_RESIZE || key(&v, k));
	screen_close();
	util_set_fatal_hook(NULL);
	clear_lines(&v);
	free(v.lines);
	free(v.shown);
	free(a);
	return 0;
}
