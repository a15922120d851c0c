/*
 * json.c - JSON string output for bytes copied out of a tracee.
 *
 * Quote and backslash get the usual JSON escapes.  Everything else follows
 * visible.h: printable UTF-8 passes through, and every unit visible_next
 * does not call plain (control bytes, invalid UTF-8, C1, bidi and format
 * characters) becomes its visible escape text (\xNN or \u{XXXX}, written
 * with the backslash doubled in the JSON source), so a decoder gets back
 * text without a single control character.  In JSON_HTML_SAFE mode < > &
 * are \u-escaped too.  This file must never read beyond n bytes, never emit
 * a raw byte below 0x20 or invalid UTF-8, and never allocate except via
 * strbuf.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "json.h"
#include "visible.h"

/* JSON escape for an ASCII byte that needs one, or NULL. */
static const char *ascii_escape(unsigned char c, unsigned flags)
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	}
	if (!(flags & JSON_HTML_SAFE))
		return NULL;
	switch (c) {
	case '<': return "\\u003c";
	case '>': return "\\u003e";
	case '&': return "\\u0026";
	}
	return NULL;
}

/* Length of the run of plain ASCII at u[i..n) that needs no escaping. */
static size_t plain_run(const unsigned char *u, size_t i, size_t n,
			unsigned flags)
{
	size_t j = i;

	while (j < n && u[j] >= 0x20 && u[j] < 0x7f && !ascii_escape(u[j], flags))
		j++;
	return j - i;
}

/* Append the output for the input at s[i..n) and return the next index. */
static size_t put_next(struct strbuf *sb, const char *s, size_t i, size_t n,
		       unsigned flags)
{
	size_t len = plain_run((const unsigned char *)s, i, n, flags);
	const char *esc = ascii_escape((unsigned char)s[i], flags);
	enum visible_kind kind;
	uint32_t value;
	char text[12];

	if (len > 0) {
		strbuf_add(sb, s + i, len);
		return i + len;
	}
	if (esc) {
		strbuf_addstr(sb, esc);
		return i + 1;
	}
	kind = visible_next(s + i, n - i, &len, &value);
	if (kind == VISIBLE_PLAIN) {
		strbuf_add(sb, s + i, len);
	} else {
		strbuf_addch(sb, '\\');	/* the escape text's backslash, JSON-escaped */
		strbuf_add(sb, text, visible_escape(text, kind, value));
	}
	return i + len;
}

/* Append s[0..n) as a quoted JSON string to sb. */
void json_str(struct strbuf *sb, const char *s, size_t n, unsigned flags)
{
	size_t i = 0;

	strbuf_addch(sb, '"');
	while (i < n)
		i = put_next(sb, s, i, n, flags);
	strbuf_addch(sb, '"');
}

/* Append NUL-terminated s as a quoted JSON string, or null for NULL. */
void json_cstr(struct strbuf *sb, const char *s)
{
	if (s == NULL)
		strbuf_addstr(sb, "null");
	else
		json_str(sb, s, strlen(s), 0);
}
