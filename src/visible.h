/*
 * visible.h - show text a traced program made (paths, argv, process names,
 * peer names) so that none of it can drive a terminal or reorder what is
 * shown around it.  Every text sink (lines, JSON, the TUI) goes through it.
 *
 * Printable ASCII and printable UTF-8 pass through unchanged.  A C0 control
 * byte, DEL, and every byte that is not part of valid UTF-8 (a raw 0x80 to
 * 0xff included) is shown as the text \xNN (two lowercase hex digits).  The
 * valid UTF-8 of a C1 control (U+0080 to U+009F), a bidi control (U+061C,
 * U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) or another invisible
 * format character (U+00AD, U+200B to U+200D, U+2028, U+2029, U+2060 to
 * U+2065, U+206A to U+206F, U+FEFF, U+FFF9 to U+FFFB) is shown as the text
 * \u{XXXX} (uppercase hex).  The output of visible_add passes through
 * visible_add unchanged, so escaping twice is harmless.
 */
#ifndef COMPENDIUM_VISIBLE_H
#define COMPENDIUM_VISIBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

enum visible_kind {
	VISIBLE_PLAIN,           /* shown as itself */
	VISIBLE_BYTE,            /* one byte, shown as \xNN */
	VISIBLE_CODE_POINT,      /* valid UTF-8 of a control, shown as \u{XXXX} */
};

/* How the unit starting at s[0] (n > 0 bytes left) is shown; its length in
 * *len, and for VISIBLE_BYTE the byte, for VISIBLE_CODE_POINT the code point,
 * in *value. */
enum visible_kind visible_next(const char *s, size_t n, size_t *len, uint32_t *value);

/* The escape text (\x1b, \u{202E}) of a unit visible_next did not
 * call plain into out (not NUL-terminated); returns its length. */
size_t visible_escape(char out[static 12], enum visible_kind kind, uint32_t value);

/* Append s[0..n) to sb, every unit that is not plain as its escape text. */
void visible_add(struct strbuf *sb, const char *s, size_t n);

/* visible_add of NUL-terminated s (nothing for NULL). */
void visible_addstr(struct strbuf *sb, const char *s);

/* True if visible_addstr would append s unchanged (NULL counts as clean). */
bool visible_clean(const char *s);

/* visible_addstr into buf of cap bytes (cap > 0), cut at a whole unit or
 * escape if it does not fit; always NUL-terminated; returns buf. */
char *visible_copy(char *buf, size_t cap, const char *s);

/* Columns s takes as visible_addstr shows it (wcwidth(3) of each
 * printable character under the current locale; escape text is ASCII). */
int visible_width(const char *s);

/* visible_addstr of the path s, cut in the middle to at most cols columns
 * when it is wider: its last component ("/name") whole when that fits
 * beside the mark (U+2026, or "..." without utf8), after as much of the
 * start as fits ("/usr/lib/x86…/libz.so.1"); else the mark and the end
 * of the name.  Never splits a character or an escape. */
void visible_fit_path(struct strbuf *sb, const char *s, int cols, bool utf8);

#endif /* COMPENDIUM_VISIBLE_H */
