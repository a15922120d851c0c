/* screen.c - the curses layer: terminal setup, input, and drawing the state.
 *
 * Every frame is drawn from scratch into curses' virtual screen, which then
 * sends only the differences.  Only visible rows are formatted, and lane
 * cells come from binary searches, so a frame costs the same with a
 * million events as with a hundred.  It must never change what the user
 * selected, never block, never hand curses a control character (put()
 * shows them as escapes, see visible.h), and never write to the terminal
 * behind curses' back except in screen_restore_raw.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "evtext.h"
#include "fmt.h"
#include "keys.h"
#include "mode.h"
#include "picker.h"
#include "recording.h"
#include "replay.h"
#include "screen.h"
#include "stackfmt.h"
#include "stackkeep.h"
#include "visible.h"

enum {
	PAIR_CAT = 1,            /* + enum ev_cat: the category's mark and name */
	PAIR_CATTEXT = PAIR_CAT + CAT_MAX,   /* + enum ev_cat: a row's text */
	PAIR_HEADER = PAIR_CATTEXT + CAT_MAX, PAIR_BANNER, PAIR_STOPPED, PAIR_FAILED,
	PAIR_MATCH, PAIR_TITLE, PAIR_FOOTER,
};

struct glyphs {
	const char *hline, *thread, *end, *base, *tbase, *dot, *arrow, *vline;
	const char *folded, *opened;   /* a folded row; a process of an opened group */
};

static const struct glyphs utf8_glyphs = { "─", "↳", "┤", "─", "┄", "·", "→", "│", "▸", "▾" };
static const struct glyphs ascii_glyphs = { "-", "`", "|", "-", ".", "-", "->", "|", "+", "-" };

static SCREEN *scr;
static struct termios saved_tio;
static bool saved_ok;
static const struct glyphs *gl = &ascii_glyphs;
static bool has_color;
static struct strbuf sb = STRBUF_INIT;
static struct strbuf shown_sb = STRBUF_INIT;    /* what shown() returns */
static struct strbuf fit_sb = STRBUF_INIT;      /* a path cut to its column */

static const char cat_letter[CAT_MAX] = { 'f', 'n', 'm', 'i', 'p', 'l', 'o' };

/* Colours that read on a dark and on a light background alike.  With 256
 * colours, each category has a mid-tone foreground (contrast of 3.5:1 or
 * more against black and against white; no dark blue).  With 8, only red
 * and magenta do, and what the terminal calls blue, yellow or cyan may be
 * unreadable on one of them: the category's mark and name are then black
 * or white on a coloured background, and a row's text is the terminal's
 * own foreground. */
static void init_cat_colors(void)
{
	static const short fg256[CAT_MAX] = { 32, 133, 130, 30, 28, 160, -1 };
	static const short chip_fg[CAT_MAX] = { COLOR_BLACK, COLOR_BLACK, COLOR_BLACK, COLOR_WHITE,
						COLOR_BLACK, COLOR_WHITE, -1 };
	static const short chip_bg[CAT_MAX] = { COLOR_CYAN, COLOR_MAGENTA, COLOR_YELLOW, COLOR_BLUE,
						COLOR_GREEN, COLOR_RED, -1 };
	bool rich = COLORS >= 256 && COLOR_PAIRS > PAIR_FOOTER;

	for (int c = 0; c < CAT_MAX; c++) {
		init_pair((short)(PAIR_CAT + c), rich ? fg256[c] : chip_fg[c], rich ? -1 : chip_bg[c]);
		init_pair((short)(PAIR_CATTEXT + c), rich ? fg256[c] : -1, -1);
	}
}

/* Pick colours for categories and bars. */
static void init_colors(void)
{
	start_color();
	use_default_colors();
	init_cat_colors();
	init_pair(PAIR_HEADER, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_BANNER, COLOR_BLACK, COLOR_YELLOW);
	init_pair(PAIR_STOPPED, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_FAILED, COLOR_RED, -1);
	init_pair(PAIR_MATCH, COLOR_BLACK, COLOR_YELLOW);
	init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_FOOTER, COLOR_BLACK, COLOR_WHITE);
}

/* An attribute: the colour pair when colours are on, else the fallback. */
static attr_t color_or(int pair, attr_t fallback)
{
	return has_color ? COLOR_PAIR(pair) : fallback;
}

/* Start curses on our terminal (sets a->utf8, a->color, a->mouse) */
int screen_open(struct app *a, bool no_color, bool no_mouse)
{
	return screen_open_on(a, NULL, stdout, stdin, no_color, no_mouse);
}

int screen_open_on(struct app *a, const char *term, FILE *out, FILE *in, bool no_color,
		   bool no_mouse)
{
	const char *nc = getenv("NO_COLOR");

	saved_ok = tcgetattr(fileno(in), &saved_tio) == 0;
	setlocale(LC_ALL, "");
	a->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	gl = a->utf8 ? &utf8_glyphs : &ascii_glyphs;
	/* newterm, unlike initscr, reports an unusable terminal instead of exiting. */
	scr = newterm(term, out, in);
	if (!scr)
		return -ENOTTY;
	set_term(scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	has_color = !no_color && !(nc && *nc) && has_colors();
	if (has_color)
		init_colors();
	a->color = has_color;
	a->mouse = !no_mouse && mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL) != 0;
	mouseinterval(0);
	return 0;
}

/* Give the terminal back (normal exit). */
void screen_close(void)
{
	if (!scr)
		return;
	mousemask(0, NULL);
	endwin();
	delscreen(scr);
	scr = NULL;
	strbuf_release(&sb);
	strbuf_release(&shown_sb);
	strbuf_release(&fit_sb);
}

/* Async-signal-safe terminal restore (fatal paths). */
void screen_restore_raw(void)
{
	static const char seq[] = "\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";

	if (saved_ok)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
	if (write(STDOUT_FILENO, seq, sizeof(seq) - 1) < 0)
		return;
}

/* Current terminal size. */
void screen_size(int *rows, int *cols)
{
	*rows = LINES;
	*cols = COLS;
}

/* Pretend the terminal is rows x cols (benchmarks). */
void screen_set_size(int rows, int cols)
{
	resizeterm(rows, cols);
}

/* The terminal was resized: learn the new size. */
void screen_resized(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

/* Repaint everything on the next frame (Ctrl-L). */
void screen_invalidate(void)
{
	clearok(curscr, TRUE);
}

/* Our key code for a curses key code. */
static int map_key(wint_t k)
{
	static const struct { int curses, ours; } map[] = {
		{ KEY_UP, KEYC_UP }, { KEY_DOWN, KEYC_DOWN }, { KEY_LEFT, KEYC_LEFT },
		{ KEY_RIGHT, KEYC_RIGHT }, { KEY_PPAGE, KEYC_PGUP }, { KEY_NPAGE, KEYC_PGDN },
		{ KEY_HOME, KEYC_HOME }, { KEY_END, KEYC_END }, { KEY_FIND, KEYC_HOME },
		{ KEY_SELECT, KEYC_END }, { KEY_BTAB, KEYC_BTAB }, { KEY_BACKSPACE, KEYC_BACKSPACE },
		{ KEY_DC, KEYC_DELETE }, { KEY_RESIZE, KEYC_RESIZE }, { KEY_ENTER, KEYC_ENTER },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((wint_t)map[i].curses == k)
			return map[i].ours;
	if (k >= (wint_t)KEY_F(0) && k <= (wint_t)KEY_F(24))
		return KEYC_F((int)(k - KEY_F(0)));
	return 0;
}

/* Translate a mouse event. */
static enum screen_input read_mouse(int *mx, int *my, enum mouse_kind *mk)
{
	MEVENT me;

	if (getmouse(&me) != OK)
		return IN_NONE;
	*mx = me.x;
	*my = me.y;
	if (me.bstate & BUTTON4_PRESSED)
		*mk = MOUSE_WHEEL_UP;
	else if (me.bstate & BUTTON5_PRESSED)
		*mk = MOUSE_WHEEL_DOWN;
	else if (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		*mk = MOUSE_CLICK;
	else
		return IN_NONE;
	return IN_MOUSE;
}

/* Read one input without waiting. */
enum screen_input screen_read(int *key, int *mx, int *my, enum mouse_kind *mk)
{
	wint_t wc;
	int r = wget_wch(stdscr, &wc);

	if (r == ERR)
		return IN_NONE;
	if (r == KEY_CODE_YES) {
		if (wc == KEY_MOUSE)
			return read_mouse(mx, my, mk);
		*key = map_key(wc);
		return *key ? IN_KEY : IN_NONE;
	}
	*key = wc == '\r' ? KEYC_ENTER : wc == 127 ? KEYC_BACKSPACE : (int)wc;
	return IN_KEY;
}

/* ---- drawing helpers ---- */

/* Columns text would take, up to max, and its byte length in *bytes. */
static int text_cols(const char *s, int max, size_t *bytes)
{
	mbstate_t st;
	const char *p = s;
	int cols = 0;

	memset(&st, 0, sizeof(st));
	while (*p) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, MB_CUR_MAX, &st);
		int w;

		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			n = 1;
			w = 1;
		} else {
			w = wcwidth(wc);
			w = w < 0 ? 1 : w;
		}
		if (cols + w > max)
			break;
		cols += w;
		p += n;
	}
	*bytes = (size_t)(p - s);
	return cols;
}

/* s as it may be drawn: itself, or (valid until the next call) a copy with
 * every control, bidi and format character as visible escape text, so that
 * curses is never handed one whichever view forgot to escape. */
static const char *shown(const char *s)
{
	if (visible_clean(s))
		return s;
	strbuf_reset(&shown_sb);
	visible_addstr(&shown_sb, s);
	return shown_sb.buf;
}

/* Write text at (y, x) in at most max columns; returns columns used. */
static int put(int y, int x, int max, const char *s, attr_t attr)
{
	size_t bytes;
	int cols;

	if (max <= 0)
		return 0;
	s = shown(s);
	cols = text_cols(s, max, &bytes);
	attrset(attr);
	mvaddnstr(y, x, s, (int)bytes);
	attrset(A_NORMAL);
	return cols;
}

/* Fill a row from x to the right edge with spaces in attr. */
static void fill(int y, int x, attr_t attr)
{
	attrset(attr);
	mvhline(y, x, ' ', COLS - x);
	attrset(A_NORMAL);
}

/* A title bar across the screen: text, in the title style (bold when focused). */
static void title_bar(int y, const char *text, bool focused)
{
	attr_t at = color_or(PAIR_TITLE, A_REVERSE) | (focused ? A_BOLD : 0);

	fill(y, 0, at);
	put(y, 0, COLS, text, at);
}

/* ---- header and counters ---- */

/* A command line in sb, program name without its directory. */
static void add_command(char *const *c)
{
	const char *base;

	if (!c || !c[0])
		return;
	base = strrchr(c[0], '/');
	strbuf_addch(&sb, ' ');
	visible_addstr(&sb, base && base[1] ? base + 1 : c[0]);
	for (c++; *c; c++) {
		strbuf_addch(&sb, ' ');
		visible_addstr(&sb, *c);
	}
}

/* The command line; in a replay of several recordings, each one's host
 * and program ("alpha: make  beta: server": the Processes view and the
 * details have their whole commands). */
static void command_text(const struct app *a)
{
	size_t n;
	const struct model_run *r = model_runs(a->model, &n);

	strbuf_reset(&sb);
	if (n < 2) {
		add_command(model_command(a->model));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *prog[2] = { r[i].command ? r[i].command[0] : NULL, NULL };

		strbuf_addstr(&sb, i ? "  " : " ");
		visible_addstr(&sb, r[i].label);
		strbuf_addch(&sb, ':');
		add_command(prog);
	}
}

/* Row 0: command, state, then elapsed, events, drops and what tracing cost
 * the program, as many of them as fit whole. */
static void draw_header(struct app *a)
{
	char state[64], right[256];
	struct cfield f[8];
	bool shown[8], state_on;
	size_t n = counters_header_fields(a->model, (a->ended ? a->end_ns : a->now_ns) - a->start_ns,
					  store_count(a->store), store_spilled(a->store), f, 8);
	attr_t hd = color_or(PAIR_HEADER, A_REVERSE);
	int x, cmd_cols;

	app_state_text(a, state, sizeof(state));
	command_text(a);
	cmd_cols = counters_header_place(COLS, sb.buf, state, f, n, shown, &state_on);
	counters_header_right(f, n, shown, right, sizeof(right));
	fill(0, 0, hd);
	x = put(0, 0, cmd_cols, sb.buf, hd | A_BOLD);
	if (state_on) {
		if (cmd_cols)
			x += put(0, x, 2, "  ", hd);
		put(0, x, COLS - x, state, (a->tracee_stopped && !a->ended) ?
		    color_or(PAIR_STOPPED, A_REVERSE) | A_BOLD | A_BLINK : hd | A_BOLD);
	}
	if (*right)
		put(0, COLS - counters_width(right), counters_width(right), right, hd);
}

/* The counter lines under the header: whole fields, group labels in bold. */
static void draw_counters(struct app *a)
{
	struct cfield f[COUNTER_FIELDS];
	int line[COUNTER_FIELDS];
	char text[1024], mark[1024];
	size_t n = counters_fields(&a->ctr, a->model, f, COUNTER_FIELDS);
	size_t lines = counters_place(f, n, COLS, (size_t)a->lay.counters_h, line);

	for (size_t l = 0; l < lines; l++) {
		int y = a->lay.counters_y + (int)l, x = 0;
		size_t len = counters_line(f, n, line, (int)l, text, mark, sizeof(text));

		for (size_t i = 0; i < len;) {
			size_t j = i;
			char run[1024];

			while (j < len && mark[j] == mark[i])
				j++;
			snprintf(run, sizeof(run), "%.*s", (int)(j - i), text + i);
			x += put(y, x, COLS - x, run, mark[i] == CMARK_LABEL ? A_BOLD :
				 mark[i] == CMARK_SEP ? A_DIM : A_NORMAL);
			i = j;
		}
	}
}

/* ---- swimlane ---- */

/* Keep the wanted lane row (selection or cursor) inside the lane pane. */
static void lanes_scroll(struct app *a)
{
	long want = a->focus == PANE_LANES ? (long)a->swim.cursor : app_selected_lane(a);
	size_t h = (size_t)a->lay.lanes_h;

	if (a->swim.cursor >= a->lanes_visible)
		a->swim.cursor = a->lanes_visible ? a->lanes_visible - 1 : 0;
	if (want >= 0 && (size_t)want < a->swim.top)
		a->swim.top = (size_t)want;
	if (want >= 0 && (size_t)want >= a->swim.top + h)
		a->swim.top = (size_t)want - h + 1;
	if (a->swim.top + h > a->lanes_visible)
		a->swim.top = a->lanes_visible > h ? a->lanes_visible - h : 0;
}

/* The swimlane title: lane count, time axis ends and the legend. */
static void draw_lanes_title(struct app *a, uint64_t t0, uint64_t span)
{
	char buf[256], l[24], r[24];
	size_t procs, threads;

	lanes_counts(&a->view.lanes, &procs, &threads);
	snprintf(buf, sizeof(buf), " Swimlane %zu+%zu", procs, threads);
	title_bar(a->lay.lanes_title, buf, a->focus == PANE_LANES);
	evtext_time(t0, l);
	evtext_time(t0 + span, r);
	put(a->lay.lanes_title, a->lay.axis_x, a->lay.axis_w, l, color_or(PAIR_TITLE, A_REVERSE));
	snprintf(buf, sizeof(buf), "f file n net m mem i io p proc%s", a->swim.fit ? "" : "  (zoomed)");
	if (a->lay.axis_w > (int)(strlen(l) + strlen(r) + strlen(buf) + 4))
		put(a->lay.lanes_title, a->lay.axis_x + (a->lay.axis_w - (int)strlen(buf)) / 2,
		    (int)strlen(buf), buf, color_or(PAIR_TITLE, A_REVERSE));
	put(a->lay.lanes_title, a->lay.axis_x + a->lay.axis_w - (int)strlen(r), (int)strlen(r), r,
	    color_or(PAIR_TITLE, A_REVERSE));
}

/* The label column of a row: a lane, or a folded group ("+true x150"). */
static void lane_label(struct app *a, int y, const struct lane *ln, bool selected, bool cursor)
{
	char buf[192], pb[FMT_PID_MAX];
	bool ended = ln->members ? ln->uended : ln->ended;
	attr_t at = (ended ? A_DIM : A_BOLD) | (selected ? A_REVERSE : 0);

	if (ln->members)
		snprintf(buf, sizeof(buf), "%s%s%s x%zu", cursor ? ">" : "", gl->folded, ln->name,
			 ln->members);
	else if (ln->thread)
		snprintf(buf, sizeof(buf), "%s %s%s", cursor ? ">" : " ", gl->thread,
			 fmt_pid(model_pid_label(a->model, ln->pid), ln->tid, pb));
	else
		snprintf(buf, sizeof(buf), "%s%s%s %s", cursor ? ">" : "",
			 a->view.lanes.v[ln->group]->gsize >= 2 ? gl->opened : "",
			 fmt_pid(model_pid_label(a->model, ln->pid), ln->pid, pb), ln->name);
	fill(y, 0, 0);
	attrset(at);
	mvhline(y, 0, ' ', a->lay.label_w);
	put(y, 0, a->lay.label_w, buf, at);
}

/* One cell of a row: n events of category cat in [c0, c1), the selected
 * one among them when sel; else the row's end, its base line or nothing. */
static void lane_cell(int y, int x, const struct lane *ln, uint64_t c0, uint64_t c1,
		      size_t n, int cat, bool sel)
{
	char mark[2] = { 0, 0 };
	uint64_t start = ln->members ? ln->ustart : ln->start, end = ln->members ? ln->uend : ln->end;
	bool ended = ln->members ? ln->uended : ln->ended;

	if (c1 <= start || (ended && c0 > end))
		return;
	if (n) {
		attr_t at = color_or(PAIR_CAT + cat, 0) | A_BOLD;

		if (sel)
			at |= A_REVERSE;
		mark[0] = cat_letter[cat];
		put(y, x, 1, mark, at);
	} else if (ended && end >= c0 && end < c1) {
		put(y, x, 1, gl->end, A_DIM);
	} else {
		put(y, x, 1, ln->thread ? gl->tbase : gl->base, A_DIM);
	}
}

/* A folded row's cells.  Walking its lanes costs about 0.5 us a lane, so
 * a row of more than ROW_MANY lanes (a fork storm's) is walked at most
 * every ROW_NS per ROW_MANY lanes while the window moves less than a
 * column; in between its last cells are drawn again. */
#define ROW_MANY 16384
#define ROW_NS (250 * 1000000ull)
static void row_cells(struct app *a, struct lane *row, uint64_t t0, uint64_t span, int w,
		      size_t limit, size_t *n, int *cat)
{
	uint64_t col = span / (uint64_t)w;
	bool many = row->nlanes > ROW_MANY;

	if (many && row->cell_at && row->cell_w == w && a->wall_ns - row->cell_at < ROW_NS * (row->nlanes / ROW_MANY) &&
	    (t0 > row->cell_t0 ? t0 - row->cell_t0 : row->cell_t0 - t0) < col &&
	    (span > row->cell_span ? span - row->cell_span : row->cell_span - span) < col) {
		memcpy(n, row->cell_n, (size_t)w * sizeof(*n));
		memcpy(cat, row->cell_cat, (size_t)w * sizeof(*cat));
		return;
	}
	lanes_row_cells(&a->view.lanes, row, a->store, limit, t0, span, w, n, cat);
	if (!many)
		return;
	row->cell_n = xreallocarray(row->cell_n, (size_t)w, sizeof(*n));
	row->cell_cat = xreallocarray(row->cell_cat, (size_t)w, sizeof(*cat));
	memcpy(row->cell_n, n, (size_t)w * sizeof(*n));
	memcpy(row->cell_cat, cat, (size_t)w * sizeof(*cat));
	row->cell_w = w;
	row->cell_t0 = t0;
	row->cell_span = span;
	row->cell_at = a->wall_ns ? a->wall_ns : 1;
}

/* Draw row vi (its lanes' marks over [t0, t0 + span)) at screen row y. */
static void draw_row(struct app *a, int y, size_t vi, uint64_t t0, uint64_t span,
		     size_t *n, int *cat)
{
	const struct lane *ln = a->view.lanes.v[a->vis[vi]];
	size_t limit = a->frozen ? a->freeze_limit : SIZE_MAX;
	long sel = app_selected(a), sel_lane = app_selected_lane(a);
	const struct sevent *e = sel >= 0 && (long)vi == sel_lane ? store_get(a->store, (size_t)sel) : NULL;
	int w = a->lay.axis_w;

	lane_label(a, y, ln, (long)vi == sel_lane, a->focus == PANE_LANES && vi == a->swim.cursor);
	if (ln->next != LANE_NONE)
		row_cells(a, a->view.lanes.v[a->vis[vi]], t0, span, w, limit, n, cat);
	for (int c = 0; c < w; c++) {
		uint64_t c0 = t0 + (uint64_t)c * span / (uint64_t)w, c1 = t0 + (uint64_t)(c + 1) * span / (uint64_t)w;

		if (ln->next == LANE_NONE)
			n[c] = lanes_cell(ln, a->store, limit, c0, c1, &cat[c]);
		lane_cell(y, a->lay.axis_x + c, ln, c0, c1, n[c], cat[c],
			  e && e->ts >= c0 && e->ts < c1);
	}
}

/* The lanes. */
static void draw_lanes(struct app *a)
{
	uint64_t t0, span;
	size_t w = a->lay.axis_w > 0 ? (size_t)a->lay.axis_w : 1;
	size_t *n = xcalloc(w, sizeof(*n));
	int *cat = xcalloc(w, sizeof(*cat));

	app_window(a, &t0, &span);
	lanes_scroll(a);
	draw_lanes_title(a, t0, span);
	for (int r = 0; r < a->lay.lanes_h; r++) {
		size_t vi = a->swim.top + (size_t)r;

		if (vi >= a->lanes_visible)
			break;
		draw_row(a, a->lay.lanes_y + r, vi, t0, span, n, cat);
	}
	free(n);
	free(cat);
}

/* ---- event list ---- */

/* The list title: counts, filter, banners. */
static void draw_list_title(struct app *a)
{
	char f[160], buf[400];
	size_t total = store_count(a->store), shown = view_count(&a->view);
	int x;

	filter_describe(&a->view.filter, f, sizeof(f));
	if (a->view.follow.on) {
		size_t len = strlen(f);
		snprintf(f + len, sizeof(f) - len, "%sfollowing %.100s (Esc: all)", len ? ", " : "",
			 a->view.follow.label);
	}
	snprintf(buf, sizeof(buf), " Events: %zu of %zu shown  %s %s%s%s%s", shown, total, gl->dot, f,
		 a->search.len ? "  search: \"" : "", a->search.text, a->search.len ? "\"" : "");
	title_bar(a->lay.list_title, buf, a->focus == PANE_LIST);
	if (!a->frozen)
		return;
	snprintf(buf, sizeof(buf), " FROZEN %s +%zu new ", gl->dot, shown - app_rows(a));
	x = COLS - (int)strlen(buf) + (a->utf8 ? 1 : 0);
	put(a->lay.list_title, x > 0 ? x : 0, COLS, buf, color_or(PAIR_BANNER, A_REVERSE) | A_BOLD);
}

/* Draw text with the search match highlighted; returns columns used. */
static int put_match(struct app *a, int y, int x, int max, const char *s, attr_t at)
{
	long off = a->search.len ? textmatch_find(&a->search, s) : -1;
	char *tmp;
	int used;

	if (off < 0)
		return put(y, x, max, s, at);
	tmp = strndup(s, (size_t)off);
	used = put(y, x, max, tmp ? tmp : "", at);
	free(tmp);
	tmp = strndup(s + off, a->search.len);
	used += put(y, x + used, max - used, tmp ? tmp : "", color_or(PAIR_MATCH, A_REVERSE) | A_BOLD);
	free(tmp);
	return used + put(y, x + used, max - used, s + off + (long)a->search.len, at);
}

/* One row of the list. */
/* Width of the event list's pid column: 8, and the longest host label of
 * a replay of several recordings (at most 16 more). */
static int pid_width(const struct app *a)
{
	size_t n, w = 0;
	const struct model_run *r = model_runs(a->model, &n);

	for (size_t i = 0; n > 1 && i < n; i++)
		w = strlen(r[i].label) + 1 > w ? strlen(r[i].label) + 1 : w;
	return 8 + (int)(w < 16 ? w : 16);
}

static void list_row(struct app *a, int y, size_t i, bool multi)
{
	size_t idx = view_at(&a->view, i);
	const struct sevent *e = store_get(a->store, idx);
	bool selected = i == a->list.sel;
	attr_t base = selected ? A_REVERSE : 0, cat = color_or(PAIR_CATTEXT + e->cat, 0);
	char t[24], p[FMT_PID_MAX + 8], pb[FMT_PID_MAX], d[24], dur[32] = "";
	uint64_t ns = e->cat != CAT_LAT ? store_dur(a->store, idx) : 0;   /* (latency rows say theirs) */
	const char *host = model_pid_label(a->model, e->pid);
	int x = 0, pw = pid_width(a);

	if (ns)
		snprintf(dur, sizeof(dur), " (%s)", fmt_duration(ns, d));
	if (selected)
		fill(y, 0, base);
	x += put(y, x, COLS - x, evtext_time(e->ts, t), base | A_DIM);
	if (multi) {
		if (e->tid != e->pid)
			snprintf(p, sizeof(p), " %s%s", gl->thread, fmt_pid(host, e->tid, pb));
		else
			snprintf(p, sizeof(p), " %s", fmt_pid(host, e->pid, pb));
		x += put(y, x, pw, p, base);
		x = x < 7 + pw ? 7 + pw : x;
	}
	x += put(y, x, COLS - x, " ", base);
	x += put(y, x, 5, evdesc_cat_name((enum ev_cat)e->cat), base | color_or(PAIR_CAT + e->cat, 0));
	x = x < (multi ? 13 + pw : 14) ? (multi ? 13 + pw : 14) : x;
	strbuf_reset(&sb);
	evtext_row_fit(&sb, a->store, e, a->utf8, COLS - x - (int)strlen(dur));
	strbuf_addstr(&sb, dur);
	put_match(a, y, x, COLS - x, sb.buf, base | ((e->flags & SEV_FAILED) ?
		  color_or(PAIR_FAILED, A_UNDERLINE) : cat));
}

/* The event list. */
static void draw_list(struct app *a)
{
	size_t n = app_rows(a), procs, threads;

	lanes_counts(&a->view.lanes, &procs, &threads);
	draw_list_title(a);
	list_fix(&a->list, n, (size_t)a->lay.list_h);
	for (int r = 0; r < a->lay.list_h && a->list.top + (size_t)r < n; r++)
		list_row(a, a->lay.list_y + r, a->list.top + (size_t)r, procs > 1 || threads > 0);
	if (!n)
		put(a->lay.list_y, 2, COLS - 2, store_count(a->store) ?
		    "No event passes the filter (F4 to change it, a toggles the noise filter)" :
		    "Waiting for events...", A_DIM);
}

/* ---- analysis views ---- */

/* The title of a view: its name, process, sort and what Enter does. */
static void draw_table_title(struct app *a, const struct mode_ops *m, const struct table *t)
{
	char buf[300], who[FMT_PID_MAX + 16], pb[FMT_PID_MAX];
	int pid = mode_pid(a);

	if (pid)
		snprintf(who, sizeof(who), "process %s only", fmt_pid(model_pid_label(a->model, pid), pid, pb));
	else
		snprintf(who, sizeof(who), "all processes");
	snprintf(buf, sizeof(buf), " %s %s %s %s %zu rows%s%s   e s f c t L w: views", m->name, gl->dot, who,
		 gl->dot, t->n, m->enter ? "  Enter: " : "", m->enter ? m->enter : "");
	title_bar(a->lay.lanes_title, buf, true);
}

/* Where each column starts and how wide it is; the width-0 column takes the rest. */
static void table_columns(const struct mode_ops *m, int *x, int *w)
{
	int fixed = 0, pos = 0;

	for (size_t c = 0; c < m->ncols; c++)
		fixed += m->cols[c].width + 1;
	for (size_t c = 0; c < m->ncols; c++) {
		w[c] = m->cols[c].width ? m->cols[c].width : COLS - fixed - 1;
		if (w[c] < 8)
			w[c] = 8;
		x[c] = pos;
		pos += w[c] + 1;
	}
}

/* Text in column c (right-aligned when the column says so). */
static void table_cell(int y, int x, int w, bool right, const char *s, attr_t at)
{
	size_t bytes;
	int cols;

	s = shown(s);
	cols = text_cols(s, w, &bytes);
	if (x >= COLS)
		return;
	put(y, right ? x + w - cols : x, COLS - x < w ? COLS - x : w, s, at);
}

/* A path in column c: cut in its middle to the column's width. */
static void table_path_cell(int y, int x, int w, const char *path, attr_t at)
{
	strbuf_reset(&fit_sb);
	visible_fit_path(&fit_sb, path, COLS - x < w ? COLS - x : w, gl == &utf8_glyphs);
	if (x < COLS)
		put(y, x, w, fit_sb.buf ? fit_sb.buf : "", at);
}

/* The column header, with the sort column marked. */
static void draw_table_head(const struct mode_ops *m, const struct table *t, int y, int *x, int *w)
{
	char buf[64];

	for (size_t c = 0; c < m->ncols; c++) {
		bool sorted = (int)c == t->sort;

		snprintf(buf, sizeof(buf), "%s%s", m->cols[c].name,
			 sorted ? (t->asc ? (gl == &utf8_glyphs ? "▲" : "^") : (gl == &utf8_glyphs ? "▼" : "v")) : "");
		table_cell(y, x[c], w[c], m->cols[c].right, buf, A_BOLD | A_UNDERLINE | (sorted ? A_REVERSE : 0));
	}
}

/* Text over at most n rows from y, broken at spaces. */
static void note_lines(const char *s, int y, int n)
{
	for (int i = 0; i < n && *s; i++) {
		size_t bytes;
		int w = COLS - 2;
		char *line;

		text_cols(s, w, &bytes);
		if (s[bytes] && i < n - 1) {
			size_t cut = bytes;
			while (cut > 0 && s[cut] != ' ')
				cut--;
			bytes = cut ? cut : bytes;
		}
		line = strndup(s, bytes);
		put(y + i, 1, w, line ? line : "", A_DIM);
		free(line);
		s += bytes;
		while (*s == ' ')
			s++;
	}
}

/* An analysis view in the swimlane's and list's place. */
static void draw_table(struct app *a)
{
	const struct mode_ops *m = mode_get(a->mode);
	struct table *t = &a->tabs[a->mode];
	int x[TABLE_COLS], w[TABLE_COLS];
	char buf[512];

	draw_table_title(a, m, t);
	m->note(a, mode_pid(a), buf, sizeof(buf));
	note_lines(buf, a->lay.lanes_title + 1, 2);
	table_columns(m, x, w);
	draw_table_head(m, t, a->lay.lanes_title + 3, x, w);
	list_fix(&t->pos, t->n, (size_t)a->lay.table_h);
	for (int r = 0; r < a->lay.table_h && t->pos.top + (size_t)r < t->n; r++) {
		size_t i = t->pos.top + (size_t)r;
		attr_t at = i == t->pos.sel ? A_REVERSE : 0;
		int y = a->lay.table_y + r;

		if (at)
			fill(y, 0, at);
		for (size_t c = 0; c < m->ncols; c++) {
			if (m->cols[c].path) {
				static char path[REC_PATH_MAX + REC_PATH_CUT_LEN + 1];
				m->cell(a, &t->rows[i], c, path, sizeof(path));
				table_path_cell(y, x[c], w[c], path, at);
				continue;
			}
			m->cell(a, &t->rows[i], c, buf, sizeof(buf) < (size_t)w[c] * 4 + 1 ?
				sizeof(buf) : (size_t)w[c] * 4 + 1);
			table_cell(y, x[c], w[c], m->cols[c].right, buf, at);
		}
	}
	if (!t->n)
		put(a->lay.table_y, 2, COLS - 2, "Nothing yet", A_DIM);
}

/* ---- output pane ---- */

/* Why the output pane of a replay is empty, or "". */
static const char *replay_output_note(const struct app *a)
{
	if (!a->replay || a->out_captured || !a->replay->started)
		return "";
	if (recording_version(a->replay->rec) < 6)
		return " (a replay: this recording is older than recorded output)";
	return " (a replay: the output was not recorded: lines, JSON or --pid)";
}

/* The output pane: the newest lines, or older ones when scrolled back. */
static void draw_output(struct app *a)
{
	char buf[200];
	size_t n = outbuf_count(&a->out), h = (size_t)a->lay.out_h;
	size_t end = n > a->out_back ? n - a->out_back : 0, first = end > h ? end - h : 0;

	snprintf(buf, sizeof(buf), " Output: %zu lines%s%s", n,
		 a->out_back ? " (scrolled back; End follows)" : "",
		 a->replay ? replay_output_note(a) :
		 a->pty < 0 ? " (no terminal: attached with --pid)" : "");
	title_bar(a->lay.out_title, buf, a->focus == PANE_OUTPUT);
	if (a->input_mode) {
		const char *im = " TYPING INTO THE PROGRAM (C-] returns) ";
		put(a->lay.out_title, COLS - (int)strlen(im), (int)strlen(im), im,
		    color_or(PAIR_BANNER, A_REVERSE) | A_BOLD);
	}
	for (size_t i = first; i < end; i++)
		put(a->lay.out_y + (int)(i - first), 0, COLS, outbuf_line(&a->out, i), 0);
}

/* ---- footer and overlays ---- */

/* The footer: a confirmation, the prompt, a notice, or the keys of the pane. */
static void draw_footer(struct app *a)
{
	char buf[512];
	unsigned ctx = a->overlay == OV_HELP ? KCTX_HELP : a->overlay == OV_DETAIL ? KCTX_DETAIL :
		       a->overlay == OV_PICKER ? KCTX_PICKER : a->mode != MODE_EVENTS ? KCTX_TABLE :
		       a->focus == PANE_LANES ? KCTX_LANES : a->focus == PANE_LIST ? KCTX_LIST : KCTX_OUTPUT;
	attr_t at = color_or(PAIR_FOOTER, A_REVERSE);
	int y = a->lay.footer_y;

	fill(y, 0, at);
	if (a->confirm) {
		snprintf(buf, sizeof(buf), " %s [y/N] ", a->confirm == CF_DETACH ?
			 "Detach from the process (it keeps running) and quit?" :
			 "The program is still running. Kill it and quit?");
		put(y, 0, COLS, buf, color_or(PAIR_STOPPED, A_REVERSE) | A_BOLD);
		return;
	}
	if (a->prompt) {
		int x = put(y, 0, COLS, a->prompt == PR_SEARCH ? " Search: " : a->prompt == PR_SEEK ?
			    " Go to (time after the start): " : " Filter text: ", at | A_BOLD);
		size_t before;
		char pre[LINEEDIT_MAX];

		put(y, x, COLS - x, a->edit.buf, at);
		memcpy(pre, a->edit.buf, a->edit.cur);
		pre[a->edit.cur] = '\0';
		move(y, x + text_cols(shown(pre), COLS, &before));   /* as put() drew it */
		return;
	}
	if (a->msg[0]) {
		put(y, 0, COLS, a->msg, at | A_BOLD);
		return;
	}
	keys_footer(ctx, buf + 1, (size_t)COLS < sizeof(buf) ? (size_t)COLS : sizeof(buf) - 1);
	buf[0] = ' ';
	put(y, 0, COLS, buf, at);
}

/* A box over rows [y0, y1) with a title; returns nothing. */
static void box_at(int y0, int y1, const char *title)
{
	attr_t at = A_NORMAL;

	for (int y = y0; y < y1; y++)
		fill(y, 0, at);
	title_bar(y0, title, true);
}

/* Lines of text (separated by '\n') from line top into rows [y0, y1). */
static void text_lines(const char *text, size_t top, int y0, int y1)
{
	size_t line = 0;

	for (const char *p = text; *p && y0 < y1; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (line >= top) {
			char *l = strndup(p, len);
			put(y0++, 1, COLS - 2, l ? l : "", 0);
			free(l);
		}
		p += len + (nl != NULL);
	}
}

/* The help overlay, generated from the key table. */
static void draw_help(struct app *a)
{
	char buf[256];
	int y = 1;

	box_at(0, a->lay.footer_y, " Help: keys (Esc closes, arrows scroll)   Mouse: click selects, wheel scrolls");
	for (size_t i = a->help_top; y < a->lay.footer_y && keys_help_line(i, buf, sizeof(buf)); i++, y++)
		put(y, 1, COLS - 2, buf, buf[0] != ' ' ? A_BOLD : 0);
}

/* The details overlay of one event. */
static void draw_detail(struct app *a)
{
	int y0 = a->lay.list_title;

	box_at(y0, a->lay.footer_y, " Event details (Esc closes)");
	strbuf_reset(&sb);
	evtext_detail(&sb, a->store, a->model, a->detail_idx, a->utf8);
	if (a->stacks && stackkeep_get(a->stacks, a->detail_idx)) {
		strbuf_addstr(&sb, "Stack:\n");
		stackfmt_text(&sb, stackkeep_get(a->stacks, a->detail_idx), "  ");
	}
	text_lines(sb.buf, a->detail_top, y0 + 1, a->lay.footer_y);
}

/* The filter menu overlay. */
static void draw_picker(struct app *a)
{
	static struct pick_item items[4096];
	size_t n = picker_items(&a->view.lanes, items, 4096), h;
	int y0 = a->lay.lanes_title, rows = a->lay.footer_y - y0 - 1;
	char buf[256];

	n = n > 4096 ? 4096 : n;
	box_at(y0, a->lay.footer_y, " Filter: Space toggles, o only this, x clears all, t text, Enter closes");
	h = rows > 0 ? (size_t)rows : 1;
	if (a->pick_sel < a->pick_top)
		a->pick_top = a->pick_sel;
	if (a->pick_sel >= a->pick_top + h)
		a->pick_top = a->pick_sel - h + 1;
	for (size_t i = a->pick_top; i < n && i < a->pick_top + h; i++) {
		int y = y0 + 1 + (int)(i - a->pick_top);
		attr_t at = items[i].kind == PK_HEAD ? A_BOLD | A_UNDERLINE : 0;

		picker_label(&items[i], &a->view.filter, &a->view.lanes, a->model, a->utf8, buf,
			     sizeof(buf));
		if (i == a->pick_sel)
			fill(y, 0, A_REVERSE);
		put(y, 1, COLS - 2, buf, at | (i == a->pick_sel ? A_REVERSE : 0));
	}
}

/* Draw a whole frame from the state. */
/* Too small to draw the panes: say so, word-wrapped over what there is
 * (the question of a pending quit, when there is one). */
static void draw_too_small(const struct app *a)
{
	char buf[256];
	const char *p = buf;
	int y = 0;

	if (a->confirm)
		snprintf(buf, sizeof(buf), "%s [y/N]", a->confirm == CF_DETACH ?
			 "Detach from the process (it keeps running) and quit?" :
			 "The program is still running. Kill it and quit?");
	else
		snprintf(buf, sizeof(buf), "Too small (%dx%d): needs %dx%d; q quits.", COLS, LINES,
			 SCREEN_MIN_COLS, SCREEN_MIN_ROWS);
	while (*p && y < LINES) {
		size_t n = strlen(p), cut = n;

		if ((int)n > COLS) {   /* break at the last space that fits */
			for (cut = (size_t)COLS; cut > 0 && p[cut] != ' '; cut--)
				;
			if (cut == 0)
				cut = (size_t)COLS;
		}
		mvaddnstr(y++, 0, p, (int)cut);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

void screen_draw(struct app *a)
{
	erase();
	curs_set(0);
	if (COLS < SCREEN_MIN_COLS || LINES < SCREEN_MIN_ROWS) {
		draw_too_small(a);
		refresh();
		return;
	}
	draw_header(a);
	draw_counters(a);
	if (a->mode != MODE_EVENTS) {
		draw_table(a);
	} else {
		draw_lanes(a);
		draw_list(a);
	}
	draw_output(a);
	if (a->overlay == OV_HELP)
		draw_help(a);
	else if (a->overlay == OV_DETAIL)
		draw_detail(a);
	else if (a->overlay == OV_PICKER)
		draw_picker(a);
	draw_footer(a);
	if (a->prompt)
		curs_set(1);
	refresh();
}
