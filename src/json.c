/*
 * json.c - JSON string output for bytes copied out of a tracee.
 *
 * Valid UTF-8 passes through; quote and backslash get the usual JSON
 * escapes; control bytes and every byte of invalid UTF-8 become the visible
 * text \xNN (written as \\xNN in the JSON source).  In JSON_HTML_SAFE mode
 * < > & and U+2028/U+2029 are \u-escaped and bidi controls are shown as
 * \u{XXXX} text.  This file must never read beyond n bytes, never emit a raw
 * byte below 0x20 or invalid UTF-8, and never allocate except via strbuf.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

static const char hex_digits[] = "0123456789abcdef";

/* Append the visible text \xNN (JSON source \\xNN) for one raw byte. */
static void put_hex_byte(struct strbuf *sb, unsigned char c)
{
	char esc[6] = { '\\', '\\', 'x', hex_digits[c >> 4], hex_digits[c & 0xf] };

	strbuf_add(sb, esc, 5);
}

/* Append a JSON \uXXXX escape for a BMP code point. */
static void put_u_escape(struct strbuf *sb, uint32_t cp)
{
	strbuf_addf(sb, "\\u%04x", (unsigned)cp);
}

/* Escape text for an ASCII byte, or NULL if it passes through unchanged. */
static const char *ascii_escape(unsigned char c, unsigned flags)
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\r': return "\\r";
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

/* Append one ASCII byte (c < 0x80) with whatever escaping it needs. */
static void put_ascii(struct strbuf *sb, unsigned char c, unsigned flags)
{
	const char *esc = ascii_escape(c, flags);

	if (esc)
		strbuf_addstr(sb, esc);
	else if (c < 0x20 || c == 0x7f)
		put_hex_byte(sb, c);
	else
		strbuf_addch(sb, c);
}

/* Sequence length for lead byte b and the allowed range of the 2nd byte. */
static size_t utf8_lead(unsigned char b, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf)
		return 2;
	if (b == 0xe0)
		*lo = 0xa0;			/* no overlongs */
	else if (b == 0xed)
		*hi = 0x9f;			/* no surrogates */
	if (b >= 0xe0 && b <= 0xef)
		return 3;
	if (b == 0xf0)
		*lo = 0x90;			/* no overlongs */
	else if (b == 0xf4)
		*hi = 0x8f;			/* nothing above U+10FFFF */
	if (b >= 0xf0 && b <= 0xf4)
		return 4;
	return 0;
}

/* Length of the valid UTF-8 sequence at s[0..n) and its code point, or 0. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo, hi;
	size_t len = utf8_lead(s[0], &lo, &hi);

	if (len == 0 || len > n || s[1] < lo || s[1] > hi)
		return 0;
	*cp = s[0] & (0xffu >> (len + 1));
	for (size_t i = 1; i < len; i++) {
		if (i > 1 && (s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3fu);
	}
	return len;
}

/* True for the bidi formatting controls that can reorder displayed text. */
static bool is_bidi_control(uint32_t cp)
{
	return cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Append one valid multi-byte sequence s[0..len) holding code point cp. */
static void put_multibyte(struct strbuf *sb, const char *s, size_t len,
			  uint32_t cp, unsigned flags)
{
	if (!(flags & JSON_HTML_SAFE))
		strbuf_add(sb, s, len);
	else if (cp == 0x2028 || cp == 0x2029)
		put_u_escape(sb, cp);
	else if (is_bidi_control(cp))
		strbuf_addf(sb, "\\\\u{%04X}", (unsigned)cp);
	else
		strbuf_add(sb, s, len);
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
	const unsigned char *u = (const unsigned char *)s;
	size_t len = plain_run(u, i, n, flags);
	uint32_t cp = 0;

	if (len > 0) {
		strbuf_add(sb, s + i, len);
		return i + len;
	}
	if (u[i] < 0x80) {
		put_ascii(sb, u[i], flags);
		return i + 1;
	}
	len = utf8_decode(u + i, n - i, &cp);
	if (len == 0) {
		put_hex_byte(sb, u[i]);
		return i + 1;
	}
	put_multibyte(sb, s + i, len, cp, flags);
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
