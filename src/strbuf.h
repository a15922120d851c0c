/*
 * strbuf.h - a growable, always NUL-terminated byte string in the style of
 * git's strbuf.  buf is valid and NUL-terminated as soon as the strbuf is
 * initialised (STRBUF_INIT or strbuf_init); len excludes the terminator and
 * cap counts usable bytes excluding it (0 means nothing is allocated yet).
 * It must never hand out a NULL buf, never write to the shared empty
 * buffer, and never return on allocation failure (util.h aborts).
 */
#ifndef COMPENDIUM_STRBUF_H
#define COMPENDIUM_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

/* Shared read-only "" used by empty strbufs; never written. */
extern const char strbuf_empty[1];

#define STRBUF_INIT { (char *)strbuf_empty, 0, 0 }

/* Initialise sb as empty, preallocating room for hint bytes when non-zero. */
void strbuf_init(struct strbuf *sb, size_t hint);
/* Free sb's memory and leave it empty but usable. */
void strbuf_release(struct strbuf *sb);
/* Truncate to zero length, keeping the allocation. */
void strbuf_reset(struct strbuf *sb);
/* Ensure at least extra more bytes can be appended without reallocating. */
void strbuf_grow(struct strbuf *sb, size_t extra);
/* Set the length to len (must be <= cap, or 0) and re-terminate. */
void strbuf_setlen(struct strbuf *sb, size_t len);
/* Append n bytes from data (data may point into sb itself). */
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
/* Append a NUL-terminated string. */
void strbuf_addstr(struct strbuf *sb, const char *s);
/* Append one byte. */
void strbuf_addch(struct strbuf *sb, int c);
/* Append u in decimal, v in decimal, u in lowercase hex (no printf). */
void strbuf_addu(struct strbuf *sb, uint64_t u);
void strbuf_addi(struct strbuf *sb, int64_t v);
void strbuf_addx(struct strbuf *sb, uint64_t u);
/* Append u / 10^scale with places decimals (places <= scale <= 19),
 * rounded half up: strbuf_addfixed(sb, 1234567, 9, 3) appends "0.001". */
void strbuf_addfixed(struct strbuf *sb, uint64_t u, unsigned scale, unsigned places);
/* Append printf-formatted text. */
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append vprintf-formatted text. */
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Return the malloc'd string (caller frees), store its length in *len if
 * len is non-NULL, and reinitialise sb as empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);

#endif /* COMPENDIUM_STRBUF_H */
