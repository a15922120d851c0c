/*
 * check_visible.c - Check suite for src/visible.c, the one escaper every
 * text sink (lines, JSON, the TUI) shows traced strings through.
 *
 * Covers every C0 control and DEL, every C1 control both as a raw byte and
 * as UTF-8, the bidi and format characters, invalid UTF-8, printable UTF-8
 * passing through, visible_copy's cutting, and that escaping twice changes
 * nothing.  It must never depend on the environment (no locale, no files).
 */
#include "config.h"

#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "visible.h"

/* visible_add of s[0..n) as a malloc'd C string. */
static char *shown_n(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	visible_add(&sb, s, n);
	return strbuf_detach(&sb, NULL);
}

/* Assert that NUL-terminated s is shown as want, and clean is as said. */
static void expect(const char *s, const char *want)
{
	char *got = shown_n(s, strlen(s));

	ck_assert_str_eq(got, want);
	ck_assert_int_eq(visible_clean(s), strcmp(s, want) == 0);
	free(got);
}

/* UTF-8 of code point cp (below 0x10000) into buf; returns buf. */
static char *utf8(unsigned cp, char buf[static 4])
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		buf[1] = 0;
	} else if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		buf[2] = 0;
	} else {
		buf[0] = (char)(0xe0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		buf[3] = 0;
	}
	return buf;
}

/* Every C0 control byte (NUL included) and DEL is \xNN. */
START_TEST(test_c0_and_del)
{
	char want[8];

	for (unsigned c = 0; c < 0x20; c++) {
		char in[3] = { 'a', (char)c, 'b' };
		char *got = shown_n(in, 3);

		snprintf(want, sizeof(want), "a\\x%02xb", c);
		ck_assert_str_eq(got, want);
		free(got);
	}
	expect("\x7f", "\\x7f");
	expect("\n", "\\x0a");
	expect("\r", "\\x0d");
	expect("\t", "\\x09");
	expect("\x1b[2J", "\\x1b[2J");
}
END_TEST

/* The names that fooled the screen: no control byte survives. */
START_TEST(test_hostile_names)
{
	expect("x\r+0.000s file  open /etc/hostname (read)",
	       "x\\x0d+0.000s file  open /etc/hostname (read)");
	expect("bs_abcdef\b\b\b\b\b\bXYZ", "bs_abcdef\\x08\\x08\\x08\\x08\\x08\\x08XYZ");
	expect("nl_a\nb", "nl_a\\x0ab");
}
END_TEST

/* Every C1 control: a raw byte is invalid UTF-8 (\xNN); as UTF-8 it is
 * \u{00XX}. */
START_TEST(test_c1)
{
	char in[4], want[16];

	for (unsigned c = 0x80; c <= 0x9f; c++) {
		snprintf(want, sizeof(want), "\\x%02x", c);
		in[0] = (char)c;
		in[1] = 0;
		expect(in, want);
		snprintf(want, sizeof(want), "\\u{%04X}", c);
		expect(utf8(c, in), want);
	}
	expect("\xc2\x9b[31m", "\\u{009B}[31m");
}
END_TEST

/* Bidi controls and the other invisible format characters are \u{XXXX}. */
START_TEST(test_bidi_and_format)
{
	static const unsigned hidden[] = {
		0x00ad, 0x061c, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029,
		0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2061, 0x2064, 0x2066,
		0x2067, 0x2068, 0x2069, 0x206a, 0x206f, 0xfeff, 0xfff9, 0xfffa, 0xfffb,
	};
	char in[4], want[16];

	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		snprintf(want, sizeof(want), "\\u{%04X}", hidden[i]);
		expect(utf8(hidden[i], in), want);
	}
	expect("invoice_\xe2\x80\xaetxt.exe", "invoice_\\u{202E}txt.exe");
}
END_TEST

/* Neighbours of the escaped ranges and ordinary text pass as themselves. */
START_TEST(test_printable_utf8)
{
	static const unsigned plain[] = {
		0x00a0, 0x00ac, 0x00ae, 0x00e9, 0x061b, 0x061d, 0x200a, 0x2010, 0x2027,
		0x202f, 0x205f, 0x2070, 0x4e2d, 0xfefe, 0xff00, 0xfff8, 0xfffc, 0xfffd,
	};
	char in[4];

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		expect(utf8(plain[i], in), in);
	expect("caf\xc3\xa9", "caf\xc3\xa9");
	expect("\xe4\xb8\xad\xe6\x96\x87.txt", "\xe4\xb8\xad\xe6\x96\x87.txt");
	expect("\xf0\x9f\x98\x80 \xe2\x94\x80\xe2\x86\x92", "\xf0\x9f\x98\x80 \xe2\x94\x80\xe2\x86\x92");
	expect("a\\x41 \\u{202E}", "a\\x41 \\u{202E}");	/* backslashes are plain */
	expect("", "");
}
END_TEST

/* Every byte of invalid UTF-8 is \xNN; what follows is decoded afresh. */
START_TEST(test_invalid_utf8)
{
	expect("\xff\xfe", "\\xff\\xfe");
	expect("\xc3", "\\xc3");
	expect("\xc3(", "\\xc3(");
	expect("\xc0\xaf", "\\xc0\\xaf");			/* overlong '/' */
	expect("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	expect("\xed\xa0\x80", "\\xed\\xa0\\x80");		/* a surrogate */
	expect("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* above U+10FFFF */
	expect("\xe2\x80", "\\xe2\\x80");			/* cut short */
	expect("\xe2\x80\xc3\xa9", "\\xe2\\x80\xc3\xa9");
	{
		char *got = shown_n("\xe2\x80\xae", 2);	/* the length ends it, not a NUL */

		ck_assert_str_eq(got, "\\xe2\\x80");
		free(got);
	}
}
END_TEST

/* visible_next reports the unit, its length and what is shown. */
START_TEST(test_next)
{
	size_t len;
	uint32_t v;

	ck_assert_int_eq(visible_next("a", 1, &len, &v), VISIBLE_PLAIN);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(visible_next("\xc3\xa9", 2, &len, &v), VISIBLE_PLAIN);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(visible_next("\n", 1, &len, &v), VISIBLE_BYTE);
	ck_assert_uint_eq(v, 0x0a);
	ck_assert_int_eq(visible_next("\x9b", 1, &len, &v), VISIBLE_BYTE);
	ck_assert_uint_eq(v, 0x9b);
	ck_assert_int_eq(visible_next("\xe2\x80\xae", 3, &len, &v), VISIBLE_CODE_POINT);
	ck_assert_uint_eq(len, 3);
	ck_assert_uint_eq(v, 0x202e);
}
END_TEST

/* visible_copy cuts at a whole unit or escape and always terminates. */
START_TEST(test_copy)
{
	char buf[8];

	ck_assert_str_eq(visible_copy(buf, sizeof(buf), "a\nb"), "a\\x0ab");
	ck_assert_str_eq(visible_copy(buf, sizeof(buf), "abcdefghij"), "abcdefg");
	ck_assert_str_eq(visible_copy(buf, sizeof(buf), "abcd\n"), "abcd");
	ck_assert_str_eq(visible_copy(buf, sizeof(buf), "abcde\xc3\xa9"), "abcde\xc3\xa9");
	ck_assert_str_eq(visible_copy(buf, sizeof(buf), "abcdef\xc3\xa9"), "abcdef");
	ck_assert_str_eq(visible_copy(buf, sizeof(buf), "a\xe2\x80\xae"), "a");
	ck_assert_str_eq(visible_copy(buf, 1, "abc"), "");
	ck_assert_str_eq(visible_copy(buf, sizeof(buf), NULL), "");
}
END_TEST

/* Escaped text is clean, and escaping it again changes nothing. */
START_TEST(test_idempotent)
{
	static const char in[] = "a\r\b\n\x7f\x9b\xc2\x85\xe2\x80\xae\xef\xbb\xbf\xff caf\xc3\xa9";
	char *once = shown_n(in, sizeof(in) - 1), *twice = shown_n(once, strlen(once));

	ck_assert(visible_clean(once));
	ck_assert(!visible_clean(in));
	ck_assert_str_eq(once, twice);
	for (const char *p = once; *p; p++)
		ck_assert((unsigned char)*p >= 0x20 && *p != 0x7f);
	free(once);
	free(twice);
}
END_TEST

/* visible_fit_path of s in cols columns, as a new string. */
static char *fit(const char *s, int cols, bool utf8)
{
	struct strbuf sb = STRBUF_INIT;
	char *out;

	visible_fit_path(&sb, s, cols, utf8);
	out = strdup(sb.buf ? sb.buf : "");
	strbuf_release(&sb);
	ck_assert_ptr_nonnull(out);
	return out;
}

/* Whether visible_fit_path of s in cols columns is want, want taking at most cols. */
static void fit_is(const char *s, int cols, bool utf8, const char *want)
{
	char *got = fit(s, cols, utf8);

	ck_assert_msg(strcmp(got, want) == 0, "%s in %d: got \"%s\", want \"%s\"", s, cols, got, want);
	ck_assert_int_le(visible_width(got), cols);
	free(got);
}

/* A long path loses its middle, not its file name. */
START_TEST(test_fit_path)
{
	static const char lib[] = "/usr/lib/x86_64-linux-gnu/libcompendium.a";

	setlocale(LC_ALL, "C.UTF-8");
	fit_is(lib, 80, true, lib);
	fit_is(lib, 41, true, lib);
	fit_is(lib, 26, true, "/usr/lib/\xe2\x80\xa6/libcompendium.a");
	fit_is(lib, 30, true, "/usr/lib/x86_\xe2\x80\xa6/libcompendium.a");
	fit_is(lib, 28, false, "/usr/lib/.../libcompendium.a");
	fit_is(lib, 17, true, "\xe2\x80\xa6/libcompendium.a");
	fit_is(lib, 12, true, "\xe2\x80\xa6ompendium.a");   /* the name alone is too long */
	fit_is(lib, 1, true, "/");
	fit_is(lib, 0, true, "");
	fit_is("no-slash-at-all.txt", 10, true, "\xe2\x80\xa6t-all.txt");
	fit_is("/dir/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt", 13, true,
	       "/\xe2\x80\xa6/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt");   /* three wide characters */
	fit_is("/dir/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e.txt", 9, true,
	       "\xe2\x80\xa6\xe6\x9c\xac\xe8\xaa\x9e.txt");
	/* an escape is never split, and counts as the columns it takes */
	fit_is("/tmp/a\x1b" "b/x\ny", 17, true, "/tmp/a\xe2\x80\xa6/x\\x0ay");
	fit_is("/tmp/a\x1b" "b/x\ny", 18, true, "/tmp/a\\x1bb/x\\x0ay");
	ck_assert_int_eq(visible_width("a\x1b\xe6\x97\xa5"), 1 + 4 + 2);
}
END_TEST

/* Build the visible suite. */
static Suite *visible_suite(void)
{
	Suite *s = suite_create("visible");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_c0_and_del);
	tcase_add_test(tc, test_hostile_names);
	tcase_add_test(tc, test_c1);
	tcase_add_test(tc, test_bidi_and_format);
	tcase_add_test(tc, test_printable_utf8);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_next);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_fit_path);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(visible_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
