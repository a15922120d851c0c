/*
 * json.h - append JSON string literals built from untrusted raw bytes.
 *
 * The output is always a syntactically valid JSON string containing no raw
 * byte below 0x20 and no invalid UTF-8, whatever the input.  It must never
 * read past the given length, never assume NUL termination (except for
 * json_cstr) and never drop input bytes silently: anything that cannot pass
 * through verbatim is shown as the visible escape text of visible.h, so the
 * decoded string holds no control, bidi or format character either.
 */
#ifndef COMPENDIUM_JSON_H
#define COMPENDIUM_JSON_H

#include <stddef.h>

#include "strbuf.h"

/* Also \u-escape < > & (for a JSON block inside an HTML page). */
#define JSON_HTML_SAFE 0x1u

/* Append s[0..n) as a quoted JSON string to sb. */
void json_str(struct strbuf *sb, const char *s, size_t n, unsigned flags);

/* Append NUL-terminated s as a quoted JSON string, or null for NULL. */
void json_cstr(struct strbuf *sb, const char *s);

#endif /* COMPENDIUM_JSON_H */
