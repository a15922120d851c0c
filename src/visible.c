/*
 * visible.c - the one place that decides how bytes a traced program made
 * are shown: as themselves when printable, else as visible escape text.
 *
 * Lines, JSON (json.c) and the TUI all take their decisions from
 * visible_next, so no sink can show a control character another one hides.
 * This file must never read beyond the given length, never emit a control
 * byte, a bidi control or invalid UTF-8, and never allocate except via
 * strbuf.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "visible.h"

static const char hex_digits[] = "0123456789abcdef";

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

/* True for code points that are valid UTF-8 yet invisible or that steer
 * the display: C1 controls, bidi controls and other format characters. */
static bool is_hidden(uint32_t cp)
{
	if (cp < 0x2000)
		return cp <= 0x9f || cp == 0xad || cp == 0x61c;
	if (cp < 0xfe00)
		return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
		       (cp >= 0x2060 && cp <= 0x206f);
	return cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

enum visible_kind visible_next(const char *s, size_t n, size_t *len, uint32_t *value)
{
	const unsigned char *u = (const unsigned char *)s;

	*len = 1;
	*value = u[0];
	if (u[0] < 0x80)
		return u[0] < 0x20 || u[0] == 0x7f ? VISIBLE_BYTE : VISIBLE_PLAIN;
	*len = utf8_decode(u, n, value);
	if (*len == 0) {
		*len = 1;
		*value = u[0];
		return VISIBLE_BYTE;
	}
	return is_hidden(*value) ? VISIBLE_CODE_POINT : VISIBLE_PLAIN;
}

size_t visible_escape(char out[static 12], enum visible_kind kind, uint32_t value)
{
	if (kind == VISIBLE_BYTE) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex_digits[value >> 4 & 0xf];
		out[3] = hex_digits[value & 0xf];
		return 4;
	}
	return (size_t)snprintf(out, 12, "\\u{%04X}", (unsigned)value);
}

/* Append the escape text of one unit that is not plain. */
static void add_escape(struct strbuf *sb, enum visible_kind kind, uint32_t value)
{
	char esc[12];

	strbuf_add(sb, esc, visible_escape(esc, kind, value));
}

/* True for a byte that is printable ASCII: plain without decoding. */
static bool is_print_ascii(char c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Length of the plain units at s[0..n), the kind, length and value of the
 * unit after them in *kind, *len and *value (VISIBLE_PLAIN at the end). */
static size_t plain_prefix(const char *s, size_t n, enum visible_kind *kind, size_t *len,
			   uint32_t *value)
{
	size_t i = 0;

	*kind = VISIBLE_PLAIN;
	while (i < n) {
		if (is_print_ascii(s[i])) {
			i++;
			continue;
		}
		*kind = visible_next(s + i, n - i, len, value);
		if (*kind != VISIBLE_PLAIN)
			break;
		i += *len;
	}
	return i;
}

void visible_add(struct strbuf *sb, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = 0, run;
		uint32_t value = 0;
		enum visible_kind kind;

		run = i + plain_prefix(s + i, n - i, &kind, &len, &value);
		strbuf_add(sb, s + i, run - i);
		if (run < n) {
			add_escape(sb, kind, value);
			run += len;
		}
		i = run;
	}
}

void visible_addstr(struct strbuf *sb, const char *s)
{
	if (s)
		visible_add(sb, s, strlen(s));
}

bool visible_clean(const char *s)
{
	size_t n = s ? strlen(s) : 0, len;
	uint32_t value;
	enum visible_kind kind;

	return plain_prefix(s, n, &kind, &len, &value) == n;
}

char *visible_copy(char *buf, size_t cap, const char *s)
{
	size_t n = s ? strlen(s) : 0, used = 0, len;
	uint32_t value;

	for (size_t i = 0; i < n; i += len) {
		enum visible_kind kind = visible_next(s + i, n - i, &len, &value);
		char esc[12];
		const char *text = s + i;
		size_t tlen = len;

		if (kind != VISIBLE_PLAIN) {
			tlen = visible_escape(esc, kind, value);
			text = esc;
		}
		if (used + tlen >= cap)
			break;
		memcpy(buf + used, text, tlen);
		used += tlen;
	}
	buf[used] = '\0';
	return buf;
}
