/*
 * check_strbuf.c - Check unit suite for strbuf: growth, printf-style
 * appends of large strings, detach and reset.  It must never depend on
 * allocation sizes beyond what strbuf.h documents, nor leak memory (the
 * suite runs clean under AddressSanitizer's leak checker).
 */
#include "config.h"

#include "strbuf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An initialised strbuf is empty and NUL-terminated without allocating. */
START_TEST(test_init_empty)
{
	struct strbuf a = STRBUF_INIT, b;

	strbuf_init(&b, 0);
	ck_assert_ptr_nonnull(a.buf);
	ck_assert_str_eq(a.buf, "");
	ck_assert_uint_eq(a.len, 0);
	ck_assert_uint_eq(a.cap, 0);
	ck_assert_str_eq(b.buf, "");
	strbuf_reset(&a);
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_init(&b, 100);
	ck_assert_uint_ge(b.cap, 100);
	ck_assert_str_eq(b.buf, "");
	strbuf_release(&b);
}
END_TEST

/* Appending one byte at a time grows the buffer and keeps every byte. */
START_TEST(test_growth)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 100000; i++) {
		strbuf_addch(&sb, 'a' + (int)(i % 26));
		ck_assert_uint_le(sb.len, sb.cap);
	}
	ck_assert_uint_eq(sb.len, 100000);
	ck_assert_uint_eq(strlen(sb.buf), 100000);
	for (i = 0; i < 100000; i++)
		ck_assert_int_eq(sb.buf[i], 'a' + (int)(i % 26));
	strbuf_grow(&sb, 1 << 20);
	ck_assert_uint_ge(sb.cap - sb.len, 1 << 20);
	strbuf_release(&sb);
	ck_assert_uint_eq(sb.cap, 0);
}
END_TEST

/* add/addstr append binary and string data, including data inside sb. */
START_TEST(test_add)
{
	struct strbuf sb = STRBUF_INIT;
	static const char bin[4] = { 'x', '\0', 'y', '\0' };
	int i;

	strbuf_add(&sb, bin, sizeof(bin));
	ck_assert_uint_eq(sb.len, 4);
	ck_assert_int_eq(memcmp(sb.buf, bin, 4), 0);
	ck_assert_int_eq(sb.buf[4], '\0');
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "ab");
	for (i = 0; i < 12; i++)
		strbuf_add(&sb, sb.buf, sb.len); /* self-append forces realloc */
	ck_assert_uint_eq(sb.len, 2u << 12);
	for (i = 0; i < (2 << 12); i += 2)
		ck_assert_int_eq(memcmp(sb.buf + i, "ab", 2), 0);
	strbuf_add(&sb, NULL, 0);
	ck_assert_uint_eq(sb.len, 2u << 12);
	strbuf_release(&sb);
}
END_TEST

/* addf formats small and very large strings exactly like snprintf. */
START_TEST(test_addf)
{
	struct strbuf sb = STRBUF_INIT;
	size_t big = 1 << 20, i;
	char *fill = malloc(big + 1);

	ck_assert_ptr_nonnull(fill);
	memset(fill, 'z', big);
	fill[big] = '\0';
	strbuf_addf(&sb, "%d-%s-%#x", 42, "x", 255u);
	ck_assert_str_eq(sb.buf, "42-x-0xff");
	strbuf_addf(&sb, "[%s]%zu", fill, big);
	ck_assert_uint_eq(sb.len, 9 + 1 + big + 1 + 7);
	ck_assert_int_eq(memcmp(sb.buf + 10, fill, big), 0);
	ck_assert_str_eq(sb.buf + 10 + big, "]1048576");
	strbuf_reset(&sb);
	for (i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%04zu,", i);
	ck_assert_uint_eq(sb.len, 5000);
	ck_assert_int_eq(strncmp(sb.buf + 4995, "0999,", 5), 0);
	strbuf_addf(&sb, "%s", "");
	ck_assert_uint_eq(sb.len, 5000);
	strbuf_release(&sb);
	free(fill);
}
END_TEST

/* detach hands over the string and leaves sb empty and reusable. */
/* The numbers without printf read as printf would write them (fixed
 * point: rounded half up, where printf rounds the nearest double). */
START_TEST(test_numbers)
{
	static const struct { uint64_t u; unsigned scale, places; const char *want; } fixed[] = {
		{ 0, 9, 3, "0.000" }, { 1234567, 9, 3, "0.001" }, { 1500000, 9, 3, "0.002" },
		{ 1499999, 9, 3, "0.001" }, { 999999999, 9, 3, "1.000" }, { 12345678901ull, 9, 6, "12.345679" },
		{ 1234, 3, 3, "1.234" }, { 7, 3, 3, "0.007" }, { 42, 0, 0, "42" }, { 1999, 3, 0, "2" },
		{ UINT64_MAX, 9, 3, "18446744073.710" },
	};
	struct strbuf sb = STRBUF_INIT;
	char want[64];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		strbuf_reset(&sb);
		strbuf_addfixed(&sb, fixed[i].u, fixed[i].scale, fixed[i].places);
		ck_assert_str_eq(sb.buf, fixed[i].want);
	}
	for (uint64_t ts = 0; ts < 5000000000ull; ts += 77777777) {
		strbuf_reset(&sb);
		strbuf_addfixed(&sb, ts, 9, 6);
		snprintf(want, sizeof(want), "%.6f", (double)ts / 1e9);
		ck_assert_str_eq(sb.buf, want);
	}
	strbuf_reset(&sb);
	strbuf_addu(&sb, UINT64_MAX);
	strbuf_addch(&sb, ' ');
	strbuf_addi(&sb, INT64_MIN);
	strbuf_addch(&sb, ' ');
	strbuf_addi(&sb, 0);
	strbuf_addch(&sb, ' ');
	strbuf_addx(&sb, 0x7f401b3e6000ull);
	strbuf_addch(&sb, ' ');
	strbuf_addx(&sb, 0);
	ck_assert_str_eq(sb.buf, "18446744073709551615 -9223372036854775808 0 7f401b3e6000 0");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_detach)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *s = strbuf_detach(&sb, &len);

	ck_assert_str_eq(s, "");
	ck_assert_uint_eq(len, 0);
	free(s);
	strbuf_addstr(&sb, "hello, world");
	s = strbuf_detach(&sb, &len);
	ck_assert_str_eq(s, "hello, world");
	ck_assert_uint_eq(len, 12);
	ck_assert_str_eq(sb.buf, "");
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_uint_eq(sb.cap, 0);
	strbuf_addstr(&sb, "again");
	ck_assert_str_eq(sb.buf, "again");
	free(s);
	s = strbuf_detach(&sb, NULL);
	ck_assert_str_eq(s, "again");
	free(s);
}
END_TEST

/* reset and setlen truncate while keeping the allocation. */
START_TEST(test_reset)
{
	struct strbuf sb = STRBUF_INIT;
	char *before;
	size_t cap;

	strbuf_addstr(&sb, "some text that needs memory");
	before = sb.buf;
	cap = sb.cap;
	strbuf_setlen(&sb, 4);
	ck_assert_str_eq(sb.buf, "some");
	strbuf_reset(&sb);
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_str_eq(sb.buf, "");
	ck_assert_ptr_eq(sb.buf, before);
	ck_assert_uint_eq(sb.cap, cap);
	strbuf_addstr(&sb, "new");
	ck_assert_str_eq(sb.buf, "new");
	ck_assert_ptr_eq(sb.buf, before);
	strbuf_release(&sb);
}
END_TEST

/* Build the strbuf suite. */
static Suite *strbuf_suite(void)
{
	Suite *s = suite_create("strbuf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_init_empty);
	tcase_add_test(tc, test_growth);
	tcase_add_test(tc, test_add);
	tcase_add_test(tc, test_addf);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_detach);
	tcase_add_test(tc, test_reset);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero if any test failed. */
int main(void)
{
	SRunner *sr = srunner_create(strbuf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
