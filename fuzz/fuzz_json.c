/* fuzz_json.c - libFuzzer harness for json_str and json_cstr.
 *
 * The input is the untrusted byte string (a path or argv word a tracee
 * made).  For flags 0 and JSON_HTML_SAFE the output must be exactly one
 * valid JSON string with no raw byte below 0x20, and decoding it must give
 * back the input with only the promised substitutions: \xNN text for control
 * bytes and for each byte of invalid UTF-8, \u{XXXX} text for C1, bidi and
 * format characters, in both modes.  HTML-safe output must also hold no raw
 * < > &.  The expected text is computed here from the UTF-8 rules, never
 * from src/json.c; this file must never share code with what it judges.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsoncheck.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken promise with the offending output, then crash. */
static void fail(const char *what, const struct strbuf *out, size_t at)
{
	fprintf(stderr, "fuzz_json: %s at output byte %zu\n", what, at);
	fwrite(out->buf, 1, out->len, stderr);
	fputc('\n', stderr);
	abort();
}

/* Is cp one of the C1, bidi or format characters shown as \u{XXXX} text? */
static bool is_hidden(unsigned long cp)
{
	static const unsigned long ranges[][2] = {
		{ 0x80, 0x9f }, { 0xad, 0xad }, { 0x61c, 0x61c }, { 0x200b, 0x200f },
		{ 0x2028, 0x202e }, { 0x2060, 0x206f }, { 0xfeff, 0xfeff }, { 0xfff9, 0xfffb },
	};

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i][0] && cp <= ranges[i][1])
			return true;
	return false;
}

/* What decoding the JSON output must give for input s[0..n). */
static void expected(struct strbuf *sb, const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned long cp;
		size_t len = jsoncheck_utf8(s + i, n - i, &cp);

		if (len == 0 || (len == 1 && (cp < 0x20 || cp == 0x7f)))
			strbuf_addf(sb, "\\x%02x", s[i]), len = 1;
		else if (is_hidden(cp))
			strbuf_addf(sb, "\\u{%04lX}", cp);
		else
			strbuf_add(sb, s + i, len);
		i += len;
	}
}

/* Raw bytes HTML-safe output must not hold: < > &. */
static void check_html_safe(const struct strbuf *out)
{
	for (size_t i = 0; i < out->len; i++)
		if (out->buf[i] == '<' || out->buf[i] == '>' || out->buf[i] == '&')
			fail("raw < > or & in HTML-safe output", out, i);
}

/* Run json_str on s[0..n) with flags and check every promise. */
static void check_one(const char *s, size_t n, unsigned flags)
{
	struct strbuf out = STRBUF_INIT, dec = STRBUF_INIT, want = STRBUF_INIT;
	size_t bad;

	json_str(&out, s, n, flags);
	for (size_t i = 0; i < out.len; i++)
		if ((unsigned char)out.buf[i] < 0x20)
			fail("raw byte below 0x20", &out, i);
	bad = jsoncheck_string(out.buf, out.len, &dec);
	if (bad)
		fail("not one valid JSON string", &out, bad - 1);
	expected(&want, (const unsigned char *)s, n);
	if (dec.len != want.len || memcmp(dec.buf, want.buf, dec.len) != 0)
		fail("decoded output differs from the input's visible form", &out, 0);
	if (flags & JSON_HTML_SAFE)
		check_html_safe(&out);
	strbuf_release(&out);
	strbuf_release(&dec);
	strbuf_release(&want);
}

/* json_cstr stops at the first NUL and writes null for NULL. */
static void check_cstr(const char *s, size_t n)
{
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;
	char *z = malloc(n + 1);

	memcpy(z, s, n);
	z[n] = '\0';
	json_cstr(&out, z);
	json_str(&want, z, strlen(z), 0);
	if (out.len != want.len || memcmp(out.buf, want.buf, out.len) != 0)
		fail("json_cstr differs from json_str of the same C string", &out, 0);
	strbuf_reset(&out);
	json_cstr(&out, NULL);
	if (strcmp(out.buf, "null") != 0)
		fail("json_cstr(NULL) is not null", &out, 0);
	free(z);
	strbuf_release(&out);
	strbuf_release(&want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	check_one(s, size, 0);
	check_one(s, size, JSON_HTML_SAFE);
	check_cstr(s, size);
	return 0;
}
