/* keys.h - key codes, the key table and key dispatch (no curses).
 *
 * Keys are Unicode code points, or KEYC_* values above the Unicode range for
 * keys that have no character.  The curses layer translates its key codes
 * into these, so everything that decides what a key does is testable
 * without a terminal.  The help screen and the footer are generated from the
 * same table, so they can never disagree with what the keys do.
 */
#ifndef COMPENDIUM_UI_KEYS_H
#define COMPENDIUM_UI_KEYS_H
#include <stdbool.h>
#include <stddef.h>

enum {
	KEYC_BASE = 0x200000,
	KEYC_UP, KEYC_DOWN, KEYC_LEFT, KEYC_RIGHT,
	KEYC_PGUP, KEYC_PGDN, KEYC_HOME, KEYC_END,
	KEYC_BTAB, KEYC_BACKSPACE, KEYC_DELETE, KEYC_RESIZE,
	KEYC_F0 = KEYC_BASE + 0x100,
};
#define KEYC_F(n) (KEYC_F0 + (n))
#define KEYC_CTRL(c) ((c) & 0x1f)
#define KEYC_ESC 27
#define KEYC_ENTER '\n'

/* Where a key is looked up: the focused pane or an open overlay. */
enum key_ctx {
	KCTX_LANES = 1 << 0,
	KCTX_LIST = 1 << 1,
	KCTX_OUTPUT = 1 << 2,
	KCTX_DETAIL = 1 << 3,
	KCTX_HELP = 1 << 4,
	KCTX_PICKER = 1 << 5,
	KCTX_TABLE = 1 << 6,     /* an analysis view (syscalls, files...) */
};
#define KCTX_PANES (KCTX_LANES | KCTX_LIST | KCTX_OUTPUT)

enum action {
	ACT_NONE,
	ACT_QUIT, ACT_HELP, ACT_BACK, ACT_REDRAW,
	ACT_SEARCH, ACT_SEARCH_NEXT, ACT_SEARCH_PREV,
	ACT_FILTER, ACT_NOISE, ACT_FREEZE, ACT_STOPCONT,
	ACT_NEXT_PANE, ACT_PREV_PANE,
	ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END,
	ACT_PAN_LEFT, ACT_PAN_RIGHT, ACT_ZOOM_IN, ACT_ZOOM_OUT, ACT_ZOOM_FIT,
	ACT_DETAIL, ACT_INTERRUPT, ACT_INPUT,
	ACT_TOGGLE, ACT_ONLY, ACT_CLEAR, ACT_EDIT_TEXT,
	ACT_GO_CATS, ACT_GO_TYPES, ACT_GO_PROCS,
	ACT_FASTER, ACT_SLOWER, ACT_REPLAY_START, ACT_REPLAY_END, ACT_REPLAY_SEEK,
	ACT_VIEW_EVENTS, ACT_VIEW_SYSCALLS, ACT_VIEW_FILES, ACT_VIEW_CONNS, ACT_VIEW_PROCS,
	ACT_VIEW_LATENCY, ACT_VIEW_SITES,
	ACT_SORT_NEXT, ACT_SORT_PREV, ACT_SORT_REVERSE, ACT_OPEN, ACT_UNFOLLOW,
	ACT_UNFOLD, ACT_FOLD, ACT_UNFOLD_DETAIL,
	ACT_MAX
};

struct keydef {
	int key;
	const char *name;      /* how the help screen writes the key */
	enum action act;
	unsigned ctx;          /* enum key_ctx bits where it works */
	const char *foot;      /* short footer label, or NULL to keep it out */
	const char *help;      /* sentence for the help screen (first key of an action) */
};

/* The key table, in help-screen order. */
const struct keydef *keys_table(size_t *n);
/* What key does in ctx (one enum key_ctx bit); ACT_NONE when nothing. */
enum action keys_action(int key, unsigned ctx);
/* Footer text for ctx ("F1 Help  / Search ..."), cut to fit cap bytes. */
void keys_footer(unsigned ctx, char *buf, size_t cap);
/* Help-screen line i (0-based) or NULL past the end; buf holds the text. */
const char *keys_help_line(size_t i, char *buf, size_t cap);
/* Encode code point cp as UTF-8 into out (room for 4); returns bytes. */
size_t keys_utf8(int cp, char *out);
#endif
