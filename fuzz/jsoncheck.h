/* jsoncheck.h - a strict JSON checker for the fuzz harnesses.
 *
 * Written from RFC 8259, independently of src/json.c, so a harness can
 * check what the project's writers produce.  Stricter than the RFC in one
 * way: a \u escape of a lone surrogate is rejected, since the writers
 * promise valid Unicode.  It never reads past n and never allocates except
 * through the strbuf it is given.
 */
#ifndef COMPENDIUM_FUZZ_JSONCHECK_H
#define COMPENDIUM_FUZZ_JSONCHECK_H
#include <stddef.h>

#include "strbuf.h"

/* 0 when s[0..n) is exactly one JSON value (whitespace around allowed);
 * otherwise the 1-based offset of the first bad byte. */
size_t jsoncheck_value(const char *s, size_t n);

/* 0 when s[0..n) is exactly one JSON string literal; its decoded bytes
 * (UTF-8) are appended to out.  Otherwise the 1-based offset of the error. */
size_t jsoncheck_string(const char *s, size_t n, struct strbuf *out);

/* Length of the valid UTF-8 sequence at s[0..n) and its code point, or 0
 * (overlongs, surrogates and values above U+10FFFF are invalid). */
size_t jsoncheck_utf8(const unsigned char *s, size_t n, unsigned long *cp);

#endif
