/* keys.c - the key table: what every key does, where, and how it is named.
 *
 * One table drives dispatch, the footer and the help screen.  Entries with
 * key 0 are section headings of the help screen.  Consecutive entries with
 * the same action form one help line.  This file must never draw, never
 * include curses and never change program state: it only answers questions.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "keys.h"

/* Where a key works, when that is more than one place of enum key_ctx. */
enum {
	IN_EVENTS = KCTX_LANES | KCTX_LIST,       /* the swimlane and the event list */
	IN_OVERLAYS = KCTX_DETAIL | KCTX_HELP,    /* the details and the help screen */
	IN_VIEWS = KCTX_PANES | KCTX_TABLE,       /* any view: its panes, or a table */
};

static const struct keydef table[] = {
	{ 0, NULL, ACT_NONE, 0, NULL, "Everywhere" },
	{ KEYC_F(1), "F1", ACT_HELP, IN_VIEWS | KCTX_DETAIL, "Help",
	  "show this help (generated from the key table)" },
	{ '?', "?", ACT_HELP, IN_VIEWS, NULL, NULL },
	{ 'q', "q", ACT_QUIT, IN_VIEWS, "Quit", "quit (asks first while the program still runs)" },
	{ KEYC_F(10), "F10", ACT_QUIT, IN_VIEWS, NULL, NULL },
	{ KEYC_F(4), "F4", ACT_FILTER, IN_VIEWS, "Filter",
	  "filter: text, categories, event types, processes" },
	{ '\\', "\\", ACT_FILTER, IN_VIEWS, NULL, NULL },
	{ 'a', "a", ACT_NOISE, IN_VIEWS, "Noise",
	  "noise filter on/off (/proc /sys /dev, libraries, localhost)" },
	{ ' ', "Space", ACT_FREEZE, KCTX_PANES, "Freeze",
	  "freeze the view while tracing goes on; again to follow" },
	{ KEYC_F(5), "F5", ACT_STOPCONT, IN_VIEWS, "Stop/Cont",
	  "stop the traced program itself, or let it continue (--replay: pause, play)" },
	{ 'p', "p", ACT_STOPCONT, IN_VIEWS, NULL, NULL },
	{ '\t', "Tab", ACT_NEXT_PANE, KCTX_PANES, "Pane", "next pane (swimlane, events, output)" },
	{ KEYC_BTAB, "S-Tab", ACT_PREV_PANE, KCTX_PANES, NULL, "previous pane" },
	{ KEYC_CTRL('c'), "C-c", ACT_INTERRUPT, IN_VIEWS, NULL,
	  "Ctrl-C to the program; twice: kill it (--pid: detach)" },
	{ KEYC_CTRL(']'), "C-]", ACT_INPUT, KCTX_PANES, NULL,
	  "type into the program; C-] again to come back" },
	{ KEYC_CTRL('l'), "C-l", ACT_REDRAW, IN_VIEWS | IN_OVERLAYS | KCTX_PICKER, NULL,
	  "redraw the screen" },
	{ KEYC_UP, "Up", ACT_UP, IN_VIEWS | IN_OVERLAYS, NULL, "move up" },
	{ 'k', "k", ACT_UP, IN_VIEWS | IN_OVERLAYS, NULL, NULL },
	{ KEYC_DOWN, "Down", ACT_DOWN, IN_VIEWS | IN_OVERLAYS, NULL, "move down" },
	{ 'j', "j", ACT_DOWN, IN_VIEWS | IN_OVERLAYS, NULL, NULL },
	{ KEYC_PGUP, "PgUp", ACT_PGUP, IN_VIEWS | IN_OVERLAYS | KCTX_PICKER, NULL, "page up" },
	{ KEYC_PGDN, "PgDn", ACT_PGDN, IN_VIEWS | IN_OVERLAYS | KCTX_PICKER, NULL, "page down" },
	{ KEYC_HOME, "Home", ACT_HOME, IN_VIEWS | IN_OVERLAYS | KCTX_PICKER, NULL, "first" },
	{ 'g', "g", ACT_HOME, IN_VIEWS | IN_OVERLAYS, NULL, NULL },
	{ KEYC_END, "End", ACT_END, IN_VIEWS | IN_OVERLAYS | KCTX_PICKER, NULL,
	  "last (and follow new events again)" },
	{ 'G', "G", ACT_END, IN_VIEWS | IN_OVERLAYS, NULL, NULL },
	{ 0, NULL, ACT_NONE, 0, NULL, "Views (each narrowed to the process selected in the tree)" },
	{ 'e', "e", ACT_VIEW_EVENTS, IN_VIEWS, NULL,
	  "events: swimlane, event list and output (the first view)" },
	{ 's', "s", ACT_VIEW_SYSCALLS, IN_VIEWS, NULL,
	  "syscall summary, live (like strace -c): calls, errors, times" },
	{ 'f', "f", ACT_VIEW_FILES, IN_VIEWS, NULL, "top files: opens, bytes read and written" },
	{ 'c', "c", ACT_VIEW_CONNS, IN_VIEWS, NULL,
	  "top connections and UDP flows: peer (by the name looked up), bytes each way, duration" },
	{ 't', "t", ACT_VIEW_PROCS, IN_VIEWS, NULL,
	  "process tree with totals; Enter selects one for every view" },
	{ 'L', "L", ACT_VIEW_LATENCY, IN_VIEWS, NULL, "scheduler and block I/O latency histograms (--ebpf)" },
	{ 'w', "w", ACT_VIEW_SITES, IN_VIEWS, NULL,
	  "where files were opened and connections made from (--stack)" },
	{ 0, NULL, ACT_NONE, 0, NULL, "In a view's table" },
	{ KEYC_ENTER, "Enter", ACT_OPEN, KCTX_TABLE, "Open",
	  "open the row: a file's or connection's events, select a process" },
	{ '>', ">", ACT_SORT_NEXT, KCTX_TABLE, "Sort", "sort by the next column" },
	{ '<', "<", ACT_SORT_PREV, KCTX_TABLE, NULL, "sort by the previous column" },
	{ 'r', "r", ACT_SORT_REVERSE, KCTX_TABLE, "Reverse", "reverse the order" },
	{ KEYC_ESC, "Esc", ACT_VIEW_EVENTS, KCTX_TABLE, "Events", "back to the events" },
	{ 0, NULL, ACT_NONE, 0, NULL, "Replay (--replay; live from a pipe or a file being written)" },
	{ ']', "]", ACT_FASTER, IN_VIEWS, NULL, "play faster: 1x 2x 10x 100x, then all at once" },
	{ '[', "[", ACT_SLOWER, IN_VIEWS, NULL, "play slower" },
	{ '{', "{", ACT_REPLAY_START, IN_VIEWS, NULL, "back to the start, paused (a pipe cannot go back)" },
	{ '}', "}", ACT_REPLAY_END, IN_VIEWS, NULL, "to the end: everything recorded" },
	{ ':', ":", ACT_REPLAY_SEEK, IN_VIEWS, NULL,
	  "go to a time after the start (2.5, +2.5s, 1500ms, 1m30s), paused there" },
	{ 0, NULL, ACT_NONE, 0, NULL,
	  "Folded lanes: one program's processes under one parent (true x150)" },
	{ KEYC_RIGHT, "Right", ACT_UNFOLD, KCTX_LANES | KCTX_TABLE, NULL,
	  "open the folded lane or tree row: one per process" },
	{ KEYC_ENTER, "Enter", ACT_UNFOLD_DETAIL, KCTX_LANES, NULL,
	  "on a folded lane: open it too (else: details)" },
	{ KEYC_LEFT, "Left", ACT_FOLD, KCTX_LANES | KCTX_TABLE, NULL,
	  "fold the opened group again (swimlane: else pan)" },
	{ 0, NULL, ACT_NONE, 0, NULL, "Swimlane and events" },
	{ KEYC_ENTER, "Enter", ACT_DETAIL, IN_EVENTS, "Details",
	  "details of the event (an exec: cwd, env changes, fds)" },
	{ '/', "/", ACT_SEARCH, IN_EVENTS, "Search", "search; matches are highlighted" },
	{ 'n', "n", ACT_SEARCH_NEXT, IN_EVENTS, NULL, "next match" },
	{ 'N', "N", ACT_SEARCH_PREV, IN_EVENTS, NULL, "previous match" },
	{ '+', "+", ACT_ZOOM_IN, IN_EVENTS, "Zoom", "zoom the time axis in" },
	{ '=', "=", ACT_ZOOM_IN, IN_EVENTS, NULL, NULL },
	{ '-', "-", ACT_ZOOM_OUT, IN_EVENTS, NULL, "zoom the time axis out" },
	{ '0', "0", ACT_ZOOM_FIT, IN_EVENTS, NULL, "fit the whole run on the time axis" },
	{ KEYC_LEFT, "Left", ACT_PAN_LEFT, IN_EVENTS, NULL, "pan the time axis back (h always)" },
	{ 'h', "h", ACT_PAN_LEFT, IN_EVENTS, NULL, NULL },
	{ KEYC_RIGHT, "Right", ACT_PAN_RIGHT, IN_EVENTS, NULL, "pan the time axis forward (l always)" },
	{ 'l', "l", ACT_PAN_RIGHT, IN_EVENTS, NULL, NULL },
	{ KEYC_ESC, "Esc", ACT_UNFOLLOW, IN_EVENTS, NULL,
	  "stop following a file or connection: every event again" },
	{ 0, NULL, ACT_NONE, 0, NULL, "Output pane" },
	{ 'i', "i", ACT_INPUT, KCTX_OUTPUT, "Type", "type into the program; C-] comes back" },
	{ 0, NULL, ACT_NONE, 0, NULL, "Details and help" },
	{ KEYC_ESC, "Esc", ACT_BACK, IN_OVERLAYS | KCTX_PICKER, "Back", "close" },
	{ 'q', "q", ACT_BACK, IN_OVERLAYS, NULL, NULL },
	{ KEYC_ENTER, "Enter", ACT_BACK, IN_OVERLAYS, NULL, NULL },
	{ KEYC_F(1), "F1", ACT_BACK, KCTX_HELP, NULL, NULL },
	{ 0, NULL, ACT_NONE, 0, NULL, "Filter menu" },
	{ KEYC_UP, "Up", ACT_UP, KCTX_PICKER, NULL, "move up" },
	{ 'k', "k", ACT_UP, KCTX_PICKER, NULL, NULL },
	{ KEYC_DOWN, "Down", ACT_DOWN, KCTX_PICKER, NULL, "move down" },
	{ 'j', "j", ACT_DOWN, KCTX_PICKER, NULL, NULL },
	{ ' ', "Space", ACT_TOGGLE, KCTX_PICKER, "Toggle", "show or hide the item" },
	{ 'o', "o", ACT_ONLY, KCTX_PICKER, "Only", "show only this item of its group" },
	{ 'x', "x", ACT_CLEAR, KCTX_PICKER, "Clear", "clear every filter (noise filter back on)" },
	{ 't', "t", ACT_EDIT_TEXT, KCTX_PICKER, "Text",
	  "edit the text filter (host:NAME matches a peer by its address or looked-up name)" },
	{ '/', "/", ACT_EDIT_TEXT, KCTX_PICKER, NULL, NULL },
	{ 'c', "c", ACT_GO_CATS, KCTX_PICKER, NULL, "jump to categories" },
	{ 'y', "y", ACT_GO_TYPES, KCTX_PICKER, NULL, "jump to event types" },
	{ 'p', "p", ACT_GO_PROCS, KCTX_PICKER, NULL, "jump to processes" },
	{ KEYC_ENTER, "Enter", ACT_BACK, KCTX_PICKER, "Done", "close the menu" },
	{ 'q', "q", ACT_BACK, KCTX_PICKER, NULL, NULL },
	{ KEYC_F(4), "F4", ACT_BACK, KCTX_PICKER, NULL, NULL },
};

/* The key table, in help-screen order. */
const struct keydef *keys_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

/* What key does in ctx (one enum key_ctx bit) */
enum action keys_action(int key, unsigned ctx)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].key && table[i].key == key && (table[i].ctx & ctx))
			return table[i].act;
	return ACT_NONE;
}

/* Append "name label" to buf if it fits; returns false when full. */
static bool foot_add(char *buf, size_t cap, size_t *len, const char *name, const char *label)
{
	int n = snprintf(buf + *len, cap - *len, "%s%s %s", *len ? "  " : "", name, label);

	if (n < 0 || (size_t)n >= cap - *len) {
		buf[*len] = '\0';
		return false;
	}
	*len += (size_t)n;
	return true;
}

/* Footer text for ctx ("F1 Help / Search ..."), cut to fit cap bytes. */
void keys_footer(unsigned ctx, char *buf, size_t cap)
{
	size_t len = 0;

	if (!cap)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct keydef *k = &table[i];

		if (k->key && k->foot && (k->ctx & ctx) && !foot_add(buf, cap, &len, k->name, k->foot))
			return;
	}
}

/* Write the help line of the action group starting at table[i]. */
static void group_line(size_t i, char *buf, size_t cap)
{
	char names[48] = "";
	size_t len = 0;

	for (size_t j = i; j < sizeof(table) / sizeof(table[0]) && table[j].key &&
	     table[j].act == table[i].act && (j == i || !table[j].help); j++) {
		int n = snprintf(names + len, sizeof(names) - len, "%s%s", j > i ? " " : "",
				 table[j].name);
		if (n < 0 || (size_t)n >= sizeof(names) - len)
			break;
		len += (size_t)n;
	}
	snprintf(buf, cap, "  %-14s %s", names, table[i].help);
}

/* Help-screen line i (0-based) or NULL past the end. */
const char *keys_help_line(size_t want, char *buf, size_t cap)
{
	size_t line = 0;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct keydef *k = &table[i];

		if (!k->help)
			continue;
		/* A blank line before every heading but the first. */
		if (!k->key && i > 0 && line++ == want) {
			snprintf(buf, cap, "%s", "");
			return buf;
		}
		if (line++ != want)
			continue;
		if (!k->key)
			snprintf(buf, cap, "%s", k->help);
		else
			group_line(i, buf, cap);
		return buf;
	}
	return NULL;
}

/* Encode code point cp as UTF-8 into out; returns the bytes written. */
size_t keys_utf8(int cp, char *out)
{
	unsigned c = (unsigned)cp;

	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18 & 0x7));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}
