/* lineedit.c - a one-line text prompt.
 *
 * The buffer is always NUL-terminated and never holds a partial UTF-8
 * sequence or a control character; input that does not fit is ignored.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "lineedit.h"

/* Start editing text (may be NULL). */
void lineedit_start(struct lineedit *e, const char *text)
{
	snprintf(e->buf, sizeof(e->buf), "%s", text ? text : "");
	e->len = e->cur = strlen(e->buf);
}

/* Start of the character before byte offset at. */
static size_t prev_char(const struct lineedit *e, size_t at)
{
	while (at > 0 && ((unsigned char)e->buf[--at] & 0xc0) == 0x80)
		;
	return at;
}

/* End of the character starting at byte offset at. */
static size_t next_char(const struct lineedit *e, size_t at)
{
	if (at < e->len)
		at++;
	while (at < e->len && ((unsigned char)e->buf[at] & 0xc0) == 0x80)
		at++;
	return at;
}

/* Remove bytes [a, b). */
static void cut(struct lineedit *e, size_t a, size_t b)
{
	memmove(e->buf + a, e->buf + b, e->len - b + 1);
	e->len -= b - a;
	e->cur = a;
}

/* Insert code point cp at the cursor if it fits. */
static void insert(struct lineedit *e, int cp)
{
	char u[4];
	size_t n = keys_utf8(cp, u);

	if (e->len + n >= sizeof(e->buf))
		return;
	memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur + 1);
	memcpy(e->buf + e->cur, u, n);
	e->len += n;
	e->cur += n;
}

/* Ctrl-W: remove the word before the cursor. */
static void cut_word(struct lineedit *e)
{
	size_t a = e->cur;

	while (a > 0 && e->buf[a - 1] == ' ')
		a--;
	while (a > 0 && e->buf[a - 1] != ' ')
		a--;
	cut(e, a, e->cur);
}

/* Handle one key. */
enum lineedit_result lineedit_key(struct lineedit *e, int key)
{
	switch (key) {
	case KEYC_ENTER: case '\r': return LE_ACCEPT;
	case KEYC_ESC: case KEYC_CTRL('c'): case KEYC_CTRL('g'): return LE_CANCEL;
	case KEYC_BACKSPACE: case 127: case KEYC_CTRL('h'):
		cut(e, prev_char(e, e->cur), e->cur);
		break;
	case KEYC_DELETE: cut(e, e->cur, next_char(e, e->cur)); break;
	case KEYC_LEFT: e->cur = prev_char(e, e->cur); break;
	case KEYC_RIGHT: e->cur = next_char(e, e->cur); break;
	case KEYC_HOME: case KEYC_CTRL('a'): e->cur = 0; break;
	case KEYC_END: case KEYC_CTRL('e'): e->cur = e->len; break;
	case KEYC_CTRL('u'): cut(e, 0, e->cur); break;
	case KEYC_CTRL('w'): cut_word(e); break;
	default:
		if (key >= 0x20 && key < KEYC_BASE && key != 0x7f && !(key >= 0x80 && key < 0xa0))
			insert(e, key);
		break;
	}
	return LE_EDITING;
}
