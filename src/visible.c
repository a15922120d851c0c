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
#include <wchar.h>

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

/* ---- fitting a path into a column ---- */

/* One unit of s as shown: its text (escaped when not plain) and its width
 * in columns; returns the bytes of s it takes. */
static size_t shown_unit(const char *s, size_t n, char esc[static 12], const char **text,
			 size_t *tlen, int *cols)
{
	size_t len;
	uint32_t value;
	enum visible_kind kind = visible_next(s, n, &len, &value);

	if (kind != VISIBLE_PLAIN) {
		*tlen = visible_escape(esc, kind, value);
		*text = esc;
		*cols = (int)*tlen;
		return len;
	}
	*text = s;
	*tlen = len;
	if (len == 1) {
		*cols = 1;
	} else {
		int w = wcwidth((wchar_t)value);
		*cols = w < 0 ? 1 : w;
	}
	return len;
}

/* Columns s[from..to) takes as shown. */
static int span_width(const char *s, size_t from, size_t to)
{
	char esc[12];
	const char *text;
	size_t tlen;
	int w = 0, c;

	for (size_t i = from; i < to; w += c)
		i += shown_unit(s + i, to - i, esc, &text, &tlen, &c);
	return w;
}

int visible_width(const char *s)
{
	return s ? span_width(s, 0, strlen(s)) : 0;
}

/* Append the units of s[from..to) as shown, while they fit in *room columns. */
static void add_units(struct strbuf *sb, const char *s, size_t from, size_t to, int *room)
{
	char esc[12];
	const char *text;
	size_t tlen;
	int c;

	for (size_t i = from; i < to;) {
		size_t len = shown_unit(s + i, to - i, esc, &text, &tlen, &c);

		if (c > *room)
			return;
		strbuf_add(sb, text, tlen);
		*room -= c;
		i += len;
	}
}

/* The first unit boundary of s[0..n) from which the rest takes at most room columns. */
static size_t last_columns(const char *s, size_t n, int room)
{
	int w = span_width(s, 0, n);
	size_t i = 0;

	while (i < n && w > room) {
		char esc[12];
		const char *text;
		size_t tlen;
		int c;

		i += shown_unit(s + i, n - i, esc, &text, &tlen, &c);
		w -= c;
	}
	return i;
}

void visible_fit_path(struct strbuf *sb, const char *s, int cols, bool utf8)
{
	const char *mark = utf8 ? "\xe2\x80\xa6" : "...";
	int mark_w = utf8 ? 1 : 3, room = cols, tail_w;
	size_t n = s ? strlen(s) : 0, tail = n;

	if (span_width(s, 0, n) <= cols) {
		visible_add(sb, s, n);
		return;
	}
	while (tail > 0 && (s[tail - 1] != '/' || tail == n))   /* (a last '/' ends no name) */
		tail--;
	tail = tail ? tail - 1 : 0;   /* the tail: "/name", or all of s without a '/' */
	tail_w = span_width(s, tail, n);
	if (cols <= mark_w) {   /* room for nothing but the start */
		add_units(sb, s, 0, n, &room);
	} else if (tail > 0 && mark_w + tail_w <= cols) {   /* the name whole, then the start */
		room = cols - mark_w - tail_w;
		add_units(sb, s, 0, tail, &room);
		strbuf_addstr(sb, mark);
		visible_add(sb, s + tail, n - tail);
	} else {   /* the name alone is too long: its end */
		strbuf_addstr(sb, mark);
		room = cols - mark_w;
		add_units(sb, s, last_columns(s, n, room), n, &room);
	}
}
