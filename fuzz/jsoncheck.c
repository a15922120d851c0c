/* jsoncheck.c - a strict JSON checker for the fuzz harnesses.
 *
 * A small recursive-descent parser over RFC 8259: objects, arrays, strings,
 * numbers and the three literals.  Strings must hold valid UTF-8 and no raw
 * byte below 0x20; \u escapes must form valid code points (surrogates only
 * in pairs).  It exists to judge the project's JSON writers, so it shares
 * no code with them, and it must never read past the length it is given.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "jsoncheck.h"

#define MAX_DEPTH 64

struct jp {
	const unsigned char *s;
	size_t n, i;
	int depth;
	struct strbuf *out;   /* decoded string bytes, or NULL */
};

static bool parse_value(struct jp *p);

size_t jsoncheck_utf8(const unsigned char *s, size_t n, unsigned long *cp)
{
	static const unsigned long min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned long v;
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		len = 1, v = s[0];
	else if ((s[0] & 0xe0) == 0xc0)
		len = 2, v = s[0] & 0x1fu;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, v = s[0] & 0x0fu;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, v = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3fu);
	}
	if (len > 1 && v < min[len])
		return 0;
	if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return len;
}

/* Append code point cp as UTF-8 to the decoded output, if any. */
static void put_cp(struct jp *p, unsigned long cp)
{
	char b[4];
	size_t n;

	if (!p->out)
		return;
	if (cp < 0x80) {
		b[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6), b[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12), b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18), b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), b[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	}
	strbuf_add(p->out, b, n);
}

/* Skip JSON whitespace. */
static void skip_ws(struct jp *p)
{
	while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
			       p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

/* Consume the literal word w. */
static bool expect_word(struct jp *p, const char *w)
{
	size_t len = strlen(w);

	if (p->n - p->i < len || memcmp(p->s + p->i, w, len) != 0)
		return false;
	p->i += len;
	return true;
}

/* Four hex digits after "\u"; the value in *v. */
static bool hex4(struct jp *p, unsigned long *v)
{
	*v = 0;
	if (p->n - p->i < 4)
		return false;
	for (int k = 0; k < 4; k++) {
		unsigned char c = p->s[p->i++];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		*v = *v << 4 | (unsigned long)d;
	}
	return true;
}

/* A \u escape (the "\u" already consumed), pairing surrogates. */
static bool u_escape(struct jp *p)
{
	unsigned long hi, lo;

	if (!hex4(p, &hi))
		return false;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return false;   /* a low surrogate with no high one */
	if (hi < 0xd800 || hi > 0xdbff) {
		put_cp(p, hi);
		return true;
	}
	if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
		return false;
	p->i += 2;
	if (!hex4(p, &lo) || lo < 0xdc00 || lo > 0xdfff)
		return false;
	put_cp(p, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
	return true;
}

/* One escape sequence (the backslash already consumed). */
static bool escape(struct jp *p)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;

	if (p->i >= p->n)
		return false;
	if (p->s[p->i] == 'u') {
		p->i++;
		return u_escape(p);
	}
	hit = p->s[p->i] ? strchr(from, p->s[p->i]) : NULL;
	if (!hit)
		return false;
	p->i++;
	put_cp(p, (unsigned char)to[hit - from]);
	return true;
}

/* A string literal. */
static bool parse_string(struct jp *p)
{
	if (p->i >= p->n || p->s[p->i] != '"')
		return false;
	p->i++;
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		unsigned long cp;
		size_t len;

		if (c == '"') {
			p->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			p->i++;
			if (!escape(p))
				return false;
			continue;
		}
		len = jsoncheck_utf8(p->s + p->i, p->n - p->i, &cp);
		if (len == 0)
			return false;
		put_cp(p, cp);
		p->i += len;
	}
	return false;
}

/* Consume one or more digits. */
static bool digits(struct jp *p)
{
	size_t start = p->i;

	while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
		p->i++;
	return p->i > start;
}

/* A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool parse_number(struct jp *p)
{
	if (p->i < p->n && p->s[p->i] == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (!digits(p))
		return false;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!digits(p))
			return false;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!digits(p))
			return false;
	}
	return true;
}

/* Members or elements up to the closing byte; objects want "key": first. */
static bool parse_container(struct jp *p, unsigned char close, bool object)
{
	if (++p->depth > MAX_DEPTH)
		return false;
	p->i++;
	skip_ws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++, p->depth--;
		return true;
	}
	for (;;) {
		skip_ws(p);
		if (object) {
			if (!parse_string(p))
				return false;
			skip_ws(p);
			if (p->i >= p->n || p->s[p->i++] != ':')
				return false;
		}
		if (!parse_value(p))
			return false;
		skip_ws(p);
		if (p->i >= p->n)
			return false;
		if (p->s[p->i] == close) {
			p->i++, p->depth--;
			return true;
		}
		if (p->s[p->i++] != ',')
			return false;
	}
}

static bool parse_value(struct jp *p)
{
	skip_ws(p);
	if (p->i >= p->n)
		return false;
	switch (p->s[p->i]) {
	case '{': return parse_container(p, '}', true);
	case '[': return parse_container(p, ']', false);
	case '"': return parse_string(p);
	case 't': return expect_word(p, "true");
	case 'f': return expect_word(p, "false");
	case 'n': return expect_word(p, "null");
	default: return parse_number(p);
	}
}

size_t jsoncheck_value(const char *s, size_t n)
{
	struct jp p = { (const unsigned char *)s, n, 0, 0, NULL };

	if (!parse_value(&p))
		return p.i + 1;
	skip_ws(&p);
	return p.i == n ? 0 : p.i + 1;
}

size_t jsoncheck_string(const char *s, size_t n, struct strbuf *out)
{
	struct jp p = { (const unsigned char *)s, n, 0, 0, out };

	if (!parse_string(&p))
		return p.i + 1;
	return p.i == n ? 0 : p.i + 1;
}
