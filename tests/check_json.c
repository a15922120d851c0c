/*
 * check_json.c - Check suite for src/json.c (JSON string output).
 *
 * Covers escaping of ASCII, controls and invalid UTF-8, pass-through of
 * valid UTF-8, HTML-safe mode, and a seeded random round-trip property test
 * with an independent JSON-string parser and UTF-8 validator written here.
 * It must never depend on the environment (fixed seed, no files, no clock).
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Render s[0..n) with flags into a malloc'd NUL-terminated string. */
static char *render(const char *s, size_t n, unsigned flags)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;

	json_str(&sb, s, n, flags);
	out = malloc(sb.len + 1);
	ck_assert_ptr_nonnull(out);
	if (sb.len)
		memcpy(out, sb.buf, sb.len);
	out[sb.len] = '\0';
	strbuf_release(&sb);
	return out;
}

/* Assert that rendering s[0..n) with flags gives exactly want. */
static void expect_n(const char *s, size_t n, unsigned flags, const char *want)
{
	char *got = render(s, n, flags);

	ck_assert_str_eq(got, want);
	free(got);
}

/* Assert that rendering NUL-terminated s in default mode gives want. */
static void expect(const char *s, const char *want)
{
	expect_n(s, strlen(s), 0, want);
}

/* Assert that rendering NUL-terminated s in HTML-safe mode gives want. */
static void expect_html(const char *s, const char *want)
{
	expect_n(s, strlen(s), JSON_HTML_SAFE, want);
}

/* Plain printable ASCII passes through unchanged. */
START_TEST(test_ascii)
{
	expect("", "\"\"");
	expect("hello, world", "\"hello, world\"");
	expect("a/b <x> & y", "\"a/b <x> & y\"");
	expect(" ~", "\" ~\"");
}
END_TEST

/* Quote and backslash get the standard JSON escapes. */
START_TEST(test_quotes_backslash)
{
	expect("a\"b", "\"a\\\"b\"");
	expect("a\\b", "\"a\\\\b\"");
	expect("\"\\\"", "\"\\\"\\\\\\\"\"");
}
END_TEST

/* Every control byte, newline, tab and CR included, shows as \\xNN, so a
 * decoder never gets a control character back. */
START_TEST(test_controls)
{
	expect("\n\t\r", "\"\\\\x0a\\\\x09\\\\x0d\"");
	expect("\x01", "\"\\\\x01\"");
	expect("\x1f", "\"\\\\x1f\"");
	expect("\x7f", "\"\\\\x7f\"");
	expect("\b\f", "\"\\\\x08\\\\x0c\"");
	expect_n("a\0b", 3, 0, "\"a\\\\x00b\"");
	expect_n("\0", 1, 0, "\"\\\\x00\"");
}
END_TEST

/* ESC never reaches the output raw, so no terminal sequence survives. */
START_TEST(test_escape_char)
{
	expect("\x1b[31mred", "\"\\\\x1b[31mred\"");
	expect("\x1b", "\"\\\\x1b\"");
}
END_TEST

/* Valid 2, 3 and 4-byte UTF-8, including range edges, passes through. */
START_TEST(test_utf8_valid)
{
	expect("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	expect("\xe2\x82\xac", "\"\xe2\x82\xac\"");
	expect("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	expect("\xc2\xa0", "\"\xc2\xa0\"");		/* U+00A0, after the C1 controls */
	expect("\xdf\xbf", "\"\xdf\xbf\"");		/* U+07FF */
	expect("\xe0\xa0\x80", "\"\xe0\xa0\x80\"");	/* U+0800 */
	expect("\xed\x9f\xbf", "\"\xed\x9f\xbf\"");	/* U+D7FF */
	expect("\xee\x80\x80", "\"\xee\x80\x80\"");	/* U+E000 */
	expect("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");	/* U+FFFF */
	expect("\xf0\x90\x80\x80", "\"\xf0\x90\x80\x80\"");	/* U+10000 */
	expect("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	expect("\xe2\x80\xa7", "\"\xe2\x80\xa7\"");	/* U+2027, next to U+2028 */
	expect("\xe2\x80\xaf", "\"\xe2\x80\xaf\"");	/* U+202F, next to U+202E */
}
END_TEST

/* C1 controls (U+0080..U+009F in UTF-8), bidi and other invisible format
 * characters show as \\u{XXXX} text in every mode; a raw C1 byte is invalid
 * UTF-8 and shows as \\xNN. */
START_TEST(test_c1_bidi_format)
{
	expect("\xc2\x80", "\"\\\\u{0080}\"");
	expect("\xc2\x9b[2J", "\"\\\\u{009B}[2J\"");
	expect("\xc2\x9f", "\"\\\\u{009F}\"");
	expect("\x9b[2J", "\"\\\\x9b[2J\"");
	expect("\x85", "\"\\\\x85\"");
	expect("abc\xe2\x80\xaetxt.exe", "\"abc\\\\u{202E}txt.exe\"");
	expect("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
	       "\"\\\\u{202A}\\\\u{202B}\\\\u{202C}\\\\u{202D}\"");
	expect("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
	       "\"\\\\u{2066}\\\\u{2067}\\\\u{2068}\\\\u{2069}\"");
	expect("\xe2\x80\xa8\xe2\x80\xa9", "\"\\\\u{2028}\\\\u{2029}\"");
	expect("\xef\xbb\xbf\xc2\xad\xd8\x9c", "\"\\\\u{FEFF}\\\\u{00AD}\\\\u{061C}\"");
}
END_TEST

/* Continuation bytes without a lead byte are shown as \\xNN. */
START_TEST(test_utf8_lone_continuation)
{
	expect("\x80", "\"\\\\x80\"");
	expect("\xbf", "\"\\\\xbf\"");
	expect("a\x80\x80z", "\"a\\\\x80\\\\x80z\"");
}
END_TEST

/* Bytes 0xf5-0xff can never start a sequence. */
START_TEST(test_utf8_bad_lead)
{
	expect("\xf5\x80\x80\x80", "\"\\\\xf5\\\\x80\\\\x80\\\\x80\"");
	expect("\xfe", "\"\\\\xfe\"");
	expect("\xff", "\"\\\\xff\"");
}
END_TEST

/* Overlong encodings are rejected byte by byte. */
START_TEST(test_utf8_overlong)
{
	expect("\xc0\x80", "\"\\\\xc0\\\\x80\"");
	expect("\xc1\xbf", "\"\\\\xc1\\\\xbf\"");
	expect("\xe0\x80\x80", "\"\\\\xe0\\\\x80\\\\x80\"");
	expect("\xe0\x9f\xbf", "\"\\\\xe0\\\\x9f\\\\xbf\"");
	expect("\xf0\x80\x80\x80", "\"\\\\xf0\\\\x80\\\\x80\\\\x80\"");
	expect("\xf0\x8f\xbf\xbf", "\"\\\\xf0\\\\x8f\\\\xbf\\\\xbf\"");
}
END_TEST

/* UTF-8 encoded surrogates are rejected byte by byte. */
START_TEST(test_utf8_surrogates)
{
	expect("\xed\xa0\x80", "\"\\\\xed\\\\xa0\\\\x80\"");
	expect("\xed\xbf\xbf", "\"\\\\xed\\\\xbf\\\\xbf\"");
}
END_TEST

/* Code points above U+10FFFF are rejected byte by byte. */
START_TEST(test_utf8_too_big)
{
	expect("\xf4\x90\x80\x80", "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"");
	expect("\xf7\xbf\xbf\xbf", "\"\\\\xf7\\\\xbf\\\\xbf\\\\xbf\"");
}
END_TEST

/* Sequences cut short by the end or by another byte are rejected. */
START_TEST(test_utf8_truncated)
{
	expect("\xc3", "\"\\\\xc3\"");
	expect("\xe2\x82", "\"\\\\xe2\\\\x82\"");
	expect("\xf0\x9f\x98", "\"\\\\xf0\\\\x9f\\\\x98\"");
	expect("\xe2\x82" "A", "\"\\\\xe2\\\\x82A\"");
	expect("\xf0\x9f\x98\xc3\xa9", "\"\\\\xf0\\\\x9f\\\\x98\xc3\xa9\"");
	/* the length, not a NUL, ends the input */
	expect_n("\xe2\x82\xac", 2, 0, "\"\\\\xe2\\\\x82\"");
}
END_TEST

/* HTML-safe mode also escapes < > &; U+2028/9 and bidi show as text. */
START_TEST(test_html_safe)
{
	expect_html("</script>", "\"\\u003c/script\\u003e\"");
	expect_html("a&b", "\"a\\u0026b\"");
	expect_html("\xe2\x80\xa8", "\"\\\\u{2028}\"");
	expect_html("\xe2\x80\xa9", "\"\\\\u{2029}\"");
	expect_html("\xe2\x80\xae", "\"\\\\u{202E}\"");
	expect_html("x\xe2\x80\xaay", "\"x\\\\u{202A}y\"");
	expect_html("\xe2\x80\x8e\xe2\x80\x8f", "\"\\\\u{200E}\\\\u{200F}\"");
	expect_html("\xe2\x81\xa6\xe2\x81\xa9", "\"\\\\u{2066}\\\\u{2069}\"");
	expect_html("\xe2\x80\xa7\xe2\x80\xaf", "\"\xe2\x80\xa7\xe2\x80\xaf\"");
	expect_html("caf\xc3\xa9 \x1b \"", "\"caf\xc3\xa9 \\\\x1b \\\"\"");
}
END_TEST

/* json_cstr appends, renders NULL as null, and escapes. */
START_TEST(test_cstr_and_append)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "[");
	json_cstr(&sb, NULL);
	strbuf_addch(&sb, ',');
	json_cstr(&sb, "a\tb");
	strbuf_addch(&sb, ']');
	ck_assert_str_eq(sb.buf, "[null,\"a\\\\x09b\"]");
	strbuf_release(&sb);
}
END_TEST

/* ---- independent checker for the property test ---- */

/* Decode one UTF-8 sequence at s[0..n); return its length or 0 if invalid. */
static size_t ref_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] < 0xc0 ? 0 : s[0] < 0xe0 ? 2 :
		     s[0] < 0xf0 ? 3 : s[0] < 0xf8 ? 4 : 0;
	static const uint32_t min_cp[] = { 0, 0, 0x80, 0x800, 0x10000 };

	if (len == 0 || len > n)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7fu >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min_cp[len] || *cp > 0x10ffff)
		return 0;
	if (*cp >= 0xd800 && *cp <= 0xdfff)
		return 0;
	return len;
}

/* Append code point cp as UTF-8 to out. */
static void ref_put_utf8(struct strbuf *out, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	strbuf_add(out, b, n);
}

/* Parse n hex digits at s; return value or -1. */
static long ref_hex(const char *s, size_t n)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Decode a JSON backslash escape at s[i..n) into out; return next i or 0. */
static size_t ref_escape(const char *s, size_t i, size_t n, struct strbuf *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *p;
	long v;

	if (i + 1 >= n)
		return 0;
	p = strchr(from, s[i + 1]);
	if (s[i + 1] != '\0' && p) {
		strbuf_addch(out, to[p - from]);
		return i + 2;
	}
	if (s[i + 1] != 'u' || i + 6 > n)
		return 0;
	v = ref_hex(s + i + 2, 4);
	if (v < 0 || (v >= 0xd800 && v <= 0xdfff))
		return 0;	/* json_str never needs surrogate pairs */
	ref_put_utf8(out, (uint32_t)v);
	return i + 6;
}

/* Parse JSON string literal s[0..n) exactly; decoded value into out. */
static bool ref_parse(const char *s, size_t n, struct strbuf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 1;
	uint32_t cp;

	if (n < 2 || s[0] != '"')
		return false;
	while (i < n && s[i] != '"') {
		size_t len;

		if (s[i] == '\\') {
			i = ref_escape(s, i, n, out);
			if (i == 0)
				return false;
			continue;
		}
		if (u[i] < 0x20 || (len = ref_utf8(u + i, n - i, &cp)) == 0)
			return false;
		strbuf_add(out, s + i, len);
		i += len;
	}
	return i == n - 1;
}

/* Undo the visible \xNN and \u{XXXX} text in a decoded value (no '\' input). */
static void ref_unvisible(const struct strbuf *in, struct strbuf *out)
{
	const char *s = in->buf;
	size_t n = in->len;

	for (size_t i = 0; i < n;) {
		if (s[i] == '\\' && i + 4 <= n && s[i + 1] == 'x') {
			long v = ref_hex(s + i + 2, 2);

			if (v < 0)
				ck_abort_msg("bad \\x escape at %zu", i);
			strbuf_addch(out, (int)v);
			i += 4;
		} else if (s[i] == '\\' && i + 8 <= n && s[i + 1] == 'u' &&
			   s[i + 2] == '{' && s[i + 7] == '}') {
			long v = ref_hex(s + i + 3, 4);

			if (v < 0)
				ck_abort_msg("bad \\u{} text at %zu", i);
			ref_put_utf8(out, (uint32_t)v);
			i += 8;
		} else {
			if (s[i] == '\\')
				ck_abort_msg("stray backslash at %zu", i);
			strbuf_addch(out, s[i++]);
		}
	}
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* Deterministic xorshift64* pseudo-random number. */
static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* Append one random "interesting" chunk of bytes to sb. */
static void random_chunk(struct strbuf *sb)
{
	static const uint32_t special[] = { 0x2028, 0x2029, 0x202a, 0x202e,
					     0x200e, 0x200f, 0x2066, 0x2069,
					     0xfffd, 0x10ffff, 0x80, 0x7ff, 0x9b, 0x9f,
					     0xa0, 0xfeff };
	uint64_t r = rng();

	switch (r % 8) {
	case 0:		/* any random code point (surrogates become junk) */
		ref_put_utf8(sb, (uint32_t)((r >> 8) % 0x110000));
		break;
	case 1:
		ref_put_utf8(sb, special[(r >> 8) % (sizeof special / sizeof special[0])]);
		break;
	case 2:
		strbuf_addch(sb, "<>&\"\n\t\r\x1b"[(r >> 8) % 8]);
		break;
	case 3:
		strbuf_addch(sb, (int)(0x80 + (r >> 8) % 0x80));
		break;
	default:
		strbuf_addch(sb, (int)((r >> 8) & 0xff));
		break;
	}
}

/* True if sb holds a raw byte below 0x20 or DEL. */
static bool has_raw_control(const struct strbuf *sb)
{
	for (size_t i = 0; i < sb->len; i++)
		if ((unsigned char)sb->buf[i] < 0x20 || sb->buf[i] == 0x7f)
			return true;
	return false;
}

/* True if sb holds raw U+2028, U+2029, a bidi control or a C1 control. */
static bool has_raw_special(const struct strbuf *sb)
{
	static const char *const bad[] = {
		"\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaa", "\xe2\x80\xab",
		"\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae", "\xe2\x80\x8e",
		"\xe2\x80\x8f", "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8",
		"\xe2\x81\xa9",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (memmem(sb->buf, sb->len, bad[i], 3))
			return true;
	for (size_t i = 0; i + 1 < sb->len; i++)
		if ((unsigned char)sb->buf[i] == 0xc2 && (unsigned char)sb->buf[i + 1] <= 0x9f &&
		    (unsigned char)sb->buf[i + 1] >= 0x80)
			return true;
	return false;
}

/* Check one random input in one mode: valid JSON, no raw controls, round-trip. */
static void check_one(const struct strbuf *in, unsigned flags)
{
	struct strbuf js = STRBUF_INIT, val = STRBUF_INIT, back = STRBUF_INIT;

	json_str(&js, in->buf ? in->buf : "", in->len, flags);
	ck_assert_msg(!has_raw_control(&js), "raw control byte in output");
	ck_assert_msg(!has_raw_special(&js), "raw U+2028/9 or bidi control in output");
	if (flags & JSON_HTML_SAFE)
		ck_assert(!memchr(js.buf, '<', js.len) && !memchr(js.buf, '>', js.len) &&
			  !memchr(js.buf, '&', js.len));
	ck_assert_msg(ref_parse(js.buf, js.len, &val), "not a JSON string");
	ck_assert_msg(!has_raw_control(&val) && !has_raw_special(&val),
		      "the decoded string holds a control or bidi character");
	if (in->len == 0 || !memchr(in->buf, '\\', in->len)) {
		ref_unvisible(&val, &back);
		ck_assert_uint_eq(back.len, in->len);
		ck_assert(in->len == 0 || memcmp(back.buf, in->buf, in->len) == 0);
	}
	strbuf_release(&js);
	strbuf_release(&val);
	strbuf_release(&back);
}

/* Random inputs always give a valid JSON string that round-trips. */
START_TEST(test_random_roundtrip)
{
	struct strbuf in = STRBUF_INIT;

	for (int iter = 0; iter < 100000; iter++) {
		size_t chunks = rng() % 24;

		strbuf_reset(&in);
		for (size_t c = 0; c < chunks; c++)
			random_chunk(&in);
		check_one(&in, (unsigned)iter & JSON_HTML_SAFE);
	}
	strbuf_release(&in);
}
END_TEST

/* Build the json suite. */
static Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ascii);
	tcase_add_test(tc, test_quotes_backslash);
	tcase_add_test(tc, test_controls);
	tcase_add_test(tc, test_escape_char);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_lone_continuation);
	tcase_add_test(tc, test_utf8_bad_lead);
	tcase_add_test(tc, test_utf8_overlong);
	tcase_add_test(tc, test_utf8_surrogates);
	tcase_add_test(tc, test_utf8_too_big);
	tcase_add_test(tc, test_utf8_truncated);
	tcase_add_test(tc, test_c1_bidi_format);
	tcase_add_test(tc, test_html_safe);
	tcase_add_test(tc, test_cstr_and_append);
	suite_add_tcase(s, tc);
	tc = tcase_create("property");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(json_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
