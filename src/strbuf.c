/*
 * strbuf.c - growable NUL-terminated string buffer.  Memory comes from the
 * util.h wrappers, so no function here ever fails.  It must never write to
 * strbuf_empty (a strbuf with cap == 0 points there), never leave buf
 * unterminated, and never let len + 1 exceed the allocation.
 */
#include "config.h"

#include "strbuf.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char strbuf_empty[1];

/* Initialise sb as empty, preallocating room for hint bytes when non-zero. */
void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->buf = (char *)strbuf_empty;
	sb->len = 0;
	sb->cap = 0;
	if (hint)
		strbuf_grow(sb, hint);
}

/* Free sb's memory and leave it empty but usable. */
void strbuf_release(struct strbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	strbuf_init(sb, 0);
}

/* Truncate to zero length, keeping the allocation. */
void strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
}

/* Ensure at least extra more bytes can be appended without reallocating. */
void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want, cap;

	if (__builtin_add_overflow(sb->len, extra, &want) || want == SIZE_MAX)
		util_abort_oom();
	if (want <= sb->cap)
		return;
	cap = sb->cap < 32 ? 32 : sb->cap;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 - 1 ? want : cap * 2;
	if (sb->cap) {
		sb->buf = xrealloc(sb->buf, cap + 1);
	} else {
		sb->buf = xmalloc(cap + 1);
		sb->buf[0] = '\0';
	}
	sb->cap = cap;
}

/* Set the length to len (must be <= cap, or 0) and re-terminate. */
void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > sb->cap) {
		fputs("compendium-tui: strbuf_setlen beyond capacity\n", stderr);
		abort();
	}
	sb->len = len;
	if (sb->cap)
		sb->buf[len] = '\0';
}

/* Append n bytes from data (data may point into sb itself). */
void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	uintptr_t start = (uintptr_t)sb->buf, at = (uintptr_t)data;

	if (!n)
		return;
	if (sb->cap && at >= start && at < start + sb->len) {
		strbuf_grow(sb, n);
		data = sb->buf + (at - start);
	} else {
		strbuf_grow(sb, n);
	}
	memmove(sb->buf + sb->len, data, n);
	strbuf_setlen(sb, sb->len + n);
}

/* Append a NUL-terminated string. */
void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

/* Append one byte. */
void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len] = (char)c;
	strbuf_setlen(sb, sb->len + 1);
}

/* The digits of u in base (10 or 16), at least min of them, right-aligned
 * in buf ending at end; returns the first. */
static char *digits(char *end, uint64_t u, unsigned base, unsigned min)
{
	char *p = end;

	do {
		*--p = "0123456789abcdef"[u % base];
		u /= base;
	} while (u || (unsigned)(end - p) < min);
	return p;
}

void strbuf_addu(struct strbuf *sb, uint64_t u)
{
	char buf[24], *p = digits(buf + sizeof(buf), u, 10, 1);

	strbuf_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void strbuf_addi(struct strbuf *sb, int64_t v)
{
	if (v < 0)
		strbuf_addch(sb, '-');
	strbuf_addu(sb, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

void strbuf_addx(struct strbuf *sb, uint64_t u)
{
	char buf[24], *p = digits(buf + sizeof(buf), u, 16, 1);

	strbuf_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

void strbuf_addfixed(struct strbuf *sb, uint64_t u, unsigned scale, unsigned places)
{
	uint64_t unit = 1, one = 1, q;
	char buf[48], *end = buf + sizeof(buf), *p = end;

	for (unsigned i = places; i < scale; i++)
		unit *= 10;
	for (unsigned i = 0; i < places; i++)
		one *= 10;
	q = u / unit + (unit > 1 && u % unit >= unit / 2);
	if (places) {
		p = digits(end, q % one, 10, places);
		*--p = '.';
		q /= one;
	}
	p = digits(p, q, 10, 1);
	strbuf_add(sb, p, (size_t)(end - p));
}

/* Append printf-formatted text. */
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* Append vprintf-formatted text, retrying once with exactly enough room. */
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	if (sb->cap - sb->len < 64)
		strbuf_grow(sb, 64);
	va_copy(copy, ap);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len + 1, fmt, copy);
	va_end(copy);
	if (n < 0) {
		fputs("compendium-tui: strbuf_addf: bad format\n", stderr);
		abort();
	}
	if ((size_t)n > sb->cap - sb->len) {
		strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	strbuf_setlen(sb, sb->len + (size_t)n);
}

/* Return the malloc'd string and reinitialise sb as empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *s = sb->cap ? sb->buf : xstrdup("");

	if (len)
		*len = sb->len;
	strbuf_init(sb, 0);
	return s;
}
