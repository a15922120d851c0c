/*
 * check_sysent.c - Check suite for the generated src/sysent.c tables.
 *
 * Spot-checks well-known x86_64 and i386 numbers, out-of-range and hole
 * handling, name -> number lookup, and that the x86_64 table agrees with
 * the SYS_* constants of the headers this test is compiled against.  It
 * must never depend on the running kernel.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "sysent.h"

/* Assert that sysent_name(is_i386, nr) is want. */
static void expect_name(unsigned is_i386, long nr, const char *want)
{
	const char *got = sysent_name(is_i386, nr);

	ck_assert_msg(got != NULL, "no name for %s %ld", is_i386 ? "i386" : "x86_64", nr);
	ck_assert_str_eq(got, want);
}

/* Well-known x86_64 numbers have the right names. */
START_TEST(test_x86_64_known)
{
	expect_name(0, 0, "read");
	expect_name(0, 1, "write");
	expect_name(0, 2, "open");
	expect_name(0, 59, "execve");
	expect_name(0, 60, "exit");
	expect_name(0, 231, "exit_group");
	expect_name(0, 257, "openat");
	expect_name(0, 322, "execveat");
	expect_name(0, 435, "clone3");
}
END_TEST

/* Well-known i386 numbers have the right names. */
START_TEST(test_i386_known)
{
	expect_name(1, 1, "exit");
	expect_name(1, 3, "read");
	expect_name(1, 5, "open");
	expect_name(1, 11, "execve");
	expect_name(1, 20, "getpid");
	expect_name(1, 102, "socketcall");
	expect_name(1, 252, "exit_group");
	expect_name(1, 295, "openat");
	expect_name(1, 435, "clone3");
}
END_TEST

/* Negative, huge, x32 and hole numbers give NULL. */
START_TEST(test_out_of_range)
{
	ck_assert_ptr_null(sysent_name(0, -1));
	ck_assert_ptr_null(sysent_name(1, -1));
	ck_assert_ptr_null(sysent_name(0, 100000));
	ck_assert_ptr_null(sysent_name(1, 100000));
	ck_assert_ptr_null(sysent_name(0, 0x40000000L));	/* x32 bit */
	ck_assert_ptr_null(sysent_name(0, 400));		/* hole 335..423 */
	ck_assert_ptr_null(sysent_name(0, -0x7fffffffffffffffL - 1));
	ck_assert_ptr_null(sysent_name(0, 0x7fffffffffffffffL));
}
END_TEST

/* Name lookup returns x86_64 numbers or -1. */
START_TEST(test_lookup)
{
	ck_assert_int_eq(sysent_lookup("read"), 0);
	ck_assert_int_eq(sysent_lookup("write"), 1);
	ck_assert_int_eq(sysent_lookup("execve"), 59);
	ck_assert_int_eq(sysent_lookup("openat"), 257);
	ck_assert_int_eq(sysent_lookup("socketcall"), -1);	/* i386 only */
	ck_assert_int_eq(sysent_lookup("no_such_syscall"), -1);
	ck_assert_int_eq(sysent_lookup(""), -1);
	ck_assert_int_eq(sysent_lookup("rea"), -1);
	ck_assert_int_eq(sysent_lookup(NULL), -1);
}
END_TEST

/* Lookup agrees with the SYS_* constants of the libc headers. */
START_TEST(test_matches_headers)
{
	ck_assert_int_eq(sysent_lookup("getpid"), SYS_getpid);
	ck_assert_int_eq(sysent_lookup("mmap"), SYS_mmap);
	ck_assert_int_eq(sysent_lookup("clone"), SYS_clone);
	ck_assert_int_eq(sysent_lookup("pidfd_open"), SYS_pidfd_open);
	ck_assert_int_eq(sysent_lookup("futex_waitv"), SYS_futex_waitv);
}
END_TEST

/* Every named x86_64 number maps back to itself. */
START_TEST(test_roundtrip)
{
	int named = 0;

	for (long nr = 0; nr < 1024; nr++) {
		const char *n = sysent_name(0, nr);

		if (n == NULL)
			continue;
		named++;
		ck_assert_int_eq(sysent_lookup(n), nr);
	}
	ck_assert_int_gt(named, 300);
}
END_TEST

/* Build the sysent suite. */
static Suite *sysent_suite(void)
{
	Suite *s = suite_create("sysent");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_x86_64_known);
	tcase_add_test(tc, test_i386_known);
	tcase_add_test(tc, test_out_of_range);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_matches_headers);
	tcase_add_test(tc, test_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(sysent_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
