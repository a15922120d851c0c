/* lineedit.h - a one-line text prompt (search, filter text).
 *
 * Takes keys (ui/keys.h codes) and keeps UTF-8 text with a cursor.  Enter
 * accepts, Esc cancels, Backspace/Delete/Left/Right/Home/End and Ctrl-U,
 * Ctrl-W edit.  Pure code.
 */
#ifndef COMPENDIUM_UI_LINEEDIT_H
#define COMPENDIUM_UI_LINEEDIT_H
#include <stddef.h>

#define LINEEDIT_MAX 128

struct lineedit {
	char buf[LINEEDIT_MAX];
	size_t len, cur;         /* bytes; cur is on a character boundary */
};

enum lineedit_result { LE_EDITING, LE_ACCEPT, LE_CANCEL };

/* Start editing text (may be NULL). */
void lineedit_start(struct lineedit *e, const char *text);
/* Handle one key. */
enum lineedit_result lineedit_key(struct lineedit *e, int key);
#endif
