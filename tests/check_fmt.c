/*
 * check_fmt.c - Check suite for src/fmt.c (human formatting helpers).
 *
 * Pins the exact text of byte counts, protections, durations (including
 * rounding at every unit boundary), signal names, exit words and errno
 * names, and checks the tables against libc's own constants.  It must
 * never depend on the locale or the clock.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fmt.h"

/* Assert fmt_bytes(n) is want. */
static void expect_bytes(uint64_t n, const char *want)
{
	char buf[24];

	ck_assert_str_eq(fmt_bytes(n, buf), want);
}

/* Assert fmt_duration(ns) is want. */
static void expect_dur(uint64_t ns, const char *want)
{
	char buf[24];

	ck_assert_str_eq(fmt_duration(ns, buf), want);
}

/* Counts below 1 KB are whole bytes. */
START_TEST(test_bytes_small)
{
	expect_bytes(0, "0 B");
	expect_bytes(1, "1 B");
	expect_bytes(517, "517 B");
	expect_bytes(1023, "1023 B");
}
END_TEST

/* Larger counts get one decimal in the largest fitting 1024-based unit. */
START_TEST(test_bytes_scaled)
{
	expect_bytes(1024, "1.0 KB");
	expect_bytes(1536, "1.5 KB");
	expect_bytes(4096, "4.0 KB");
	expect_bytes(1075, "1.0 KB");		/* 1.0498 */
	expect_bytes(1076, "1.1 KB");		/* 1.0508 */
	expect_bytes(8912896, "8.5 MB");
	expect_bytes(1288490189ull, "1.2 GB");
	expect_bytes(3ull << 40, "3.0 TB");
	expect_bytes(5ull << 50, "5.0 PB");
	expect_bytes(1ull << 60, "1.0 EB");
	expect_bytes(UINT64_MAX, "16.0 EB");
}
END_TEST

/* Values that round up to 1024.0 move to the next unit. */
START_TEST(test_bytes_rollover)
{
	expect_bytes(1048575, "1.0 MB");	/* 1023.999 KB */
	expect_bytes(1048524, "1023.9 KB");
	expect_bytes((1ull << 30) - 1, "1.0 GB");
	expect_bytes((1ull << 20) - 52, "1023.9 KB");	/* 1023.9492 KB */
	expect_bytes((1ull << 20) - 51, "1.0 MB");	/* 1023.9502 KB */
}
END_TEST

/* Only the read/write/exec bits show; other bits are ignored. */
START_TEST(test_prot)
{
	char buf[4];

	ck_assert_str_eq(fmt_prot(PROT_NONE, buf), "---");
	ck_assert_str_eq(fmt_prot(PROT_READ, buf), "r--");
	ck_assert_str_eq(fmt_prot(PROT_READ | PROT_WRITE, buf), "rw-");
	ck_assert_str_eq(fmt_prot(PROT_READ | PROT_EXEC, buf), "r-x");
	ck_assert_str_eq(fmt_prot(PROT_READ | PROT_WRITE | PROT_EXEC, buf), "rwx");
	ck_assert_str_eq(fmt_prot(PROT_WRITE | PROT_GROWSDOWN, buf), "-w-");
	ck_assert_str_eq(fmt_prot(-1, buf), "rwx");
}
END_TEST

/* Nanoseconds and microseconds, with rounding at the unit edges. */
START_TEST(test_duration_small)
{
	expect_dur(0, "0ns");
	expect_dur(950, "950ns");
	expect_dur(999, "999ns");
	expect_dur(1000, "1.0us");
	expect_dur(4549, "4.5us");
	expect_dur(4550, "4.6us");
	expect_dur(9949, "9.9us");
	expect_dur(9950, "10us");
	expect_dur(120000, "120us");
	expect_dur(999499, "999us");
}
END_TEST

/* Milliseconds and seconds, with rounding at the unit edges. */
START_TEST(test_duration_ms_s)
{
	expect_dur(999500, "1.0ms");
	expect_dur(1200000, "1.2ms");
	expect_dur(9950000, "10ms");
	expect_dur(120400000, "120ms");
	expect_dur(999499999, "999ms");
	expect_dur(999500000, "1.00s");
	expect_dur(3400000000ull, "3.40s");
	expect_dur(3404999999ull, "3.40s");
	expect_dur(3405000000ull, "3.41s");
	expect_dur(99994999999ull, "99.99s");
}
END_TEST

/* Minutes, hours and days for long durations, up to UINT64_MAX. */
START_TEST(test_duration_long)
{
	expect_dur(99995000000ull, "1m40s");
	expect_dur(125000000000ull, "2m05s");
	expect_dur(3599000000000ull, "59m59s");
	expect_dur(3600000000000ull, "1h00m");
	expect_dur(11220000000000ull, "3h07m");
	expect_dur(359969000000000ull, "99h59m");
	expect_dur(359970000000000ull, "4d04h");
	expect_dur(UINT64_MAX, "213504d00h");
}
END_TEST

/* No input overflows the 24-byte buffers. */
START_TEST(test_duration_buffer_fits)
{
	char buf[24];

	for (uint64_t ns = 1; ns != 0 && ns < UINT64_MAX / 3; ns = ns * 3 + 1)
		ck_assert_uint_lt(strlen(fmt_duration(ns, buf)), sizeof buf);
	for (int shift = 0; shift < 64; shift++)
		ck_assert_uint_lt(strlen(fmt_bytes(UINT64_MAX >> shift, buf)), 10);
}
END_TEST

/* Standard and real-time signal names; unknown numbers as SIG<n>. */
START_TEST(test_signame)
{
	ck_assert_str_eq(fmt_signame(SIGHUP), "SIGHUP");
	ck_assert_str_eq(fmt_signame(SIGKILL), "SIGKILL");
	ck_assert_str_eq(fmt_signame(SIGSEGV), "SIGSEGV");
	ck_assert_str_eq(fmt_signame(SIGCHLD), "SIGCHLD");
	ck_assert_str_eq(fmt_signame(SIGSYS), "SIGSYS");
	ck_assert_str_eq(fmt_signame(31), "SIGSYS");
	ck_assert_str_eq(fmt_signame(SIGSTKFLT), "SIGSTKFLT");
	ck_assert_str_eq(fmt_signame(32), "SIGRTMIN");
	ck_assert_str_eq(fmt_signame(33), "SIGRT_1");
	ck_assert_str_eq(fmt_signame(64), "SIGRT_32");
	ck_assert_str_eq(fmt_signame(0), "SIG0");
	ck_assert_str_eq(fmt_signame(65), "SIG65");
	ck_assert_str_eq(fmt_signame(-3), "SIG-3");
	for (int s = 1; s <= 64; s++) {
		const char *n = fmt_signame(s);

		ck_assert_ptr_nonnull(n);
		ck_assert_msg(strncmp(n, "SIG", 3) == 0 && strlen(n) > 3 &&
			      !strchr(n + 3, '-') && (n[3] < '0' || n[3] > '9'),
			      "bad name for %d: %s", s, n);
	}
}
END_TEST

/* How a process ended, in the one wording every output uses. */
START_TEST(test_wait_status)
{
	char buf[48];

	ck_assert_str_eq(fmt_wait_status(0, buf), "exit 0");
	ck_assert_str_eq(fmt_wait_status(3 << 8, buf), "exit 3");
	ck_assert_str_eq(fmt_wait_status(255 << 8, buf), "exit 255");
	ck_assert_str_eq(fmt_wait_status(SIGTERM, buf), "killed by SIGTERM");
	ck_assert_str_eq(fmt_wait_status(SIGKILL, buf), "killed by SIGKILL");
	ck_assert_str_eq(fmt_wait_status(SIGSEGV | 0x80, buf), "killed by SIGSEGV (core dumped)");
	ck_assert_str_eq(fmt_wait_status(34, buf), "killed by SIGRT_2");
	ck_assert_str_eq(fmt_wait_status(64 | 0x80, buf), "killed by SIGRT_32 (core dumped)");
	ck_assert_str_eq(fmt_wait_status(-1, buf), "unknown");
	ck_assert_str_eq(fmt_wait_status(0x137f, buf), "wait status 0x137f");   /* stopped */
}
END_TEST

/* Common, aliased and kernel-internal errno names, for err and -err. */
START_TEST(test_errno_name)
{
	ck_assert_str_eq(fmt_errno_name(EPERM), "EPERM");
	ck_assert_str_eq(fmt_errno_name(ENOENT), "ENOENT");
	ck_assert_str_eq(fmt_errno_name(-ENOENT), "ENOENT");
	ck_assert_str_eq(fmt_errno_name(EAGAIN), "EAGAIN");
	ck_assert_str_eq(fmt_errno_name(EWOULDBLOCK), "EAGAIN");
	ck_assert_str_eq(fmt_errno_name(EINPROGRESS), "EINPROGRESS");
	ck_assert_str_eq(fmt_errno_name(ENOTSUP), "EOPNOTSUPP");
	ck_assert_str_eq(fmt_errno_name(EHWPOISON), "EHWPOISON");
	ck_assert_str_eq(fmt_errno_name(512), "ERESTARTSYS");
	ck_assert_str_eq(fmt_errno_name(-516), "ERESTART_RESTARTBLOCK");
	ck_assert_str_eq(fmt_errno_name(531), "ENOGRACE");
}
END_TEST

/* Holes and out-of-range values render as E<n>. */
START_TEST(test_errno_unknown)
{
	ck_assert_str_eq(fmt_errno_name(0), "E0");
	ck_assert_str_eq(fmt_errno_name(41), "E41");
	ck_assert_str_eq(fmt_errno_name(58), "E58");
	ck_assert_str_eq(fmt_errno_name(134), "E134");
	ck_assert_str_eq(fmt_errno_name(520), "E520");
	ck_assert_str_eq(fmt_errno_name(532), "E532");
	ck_assert_str_eq(fmt_errno_name(-4095), "E4095");
	ck_assert_str_eq(fmt_errno_name(2147483647), "E2147483647");
	ck_assert_str_eq(fmt_errno_name(-2147483647 - 1), "E-2147483648");
}
END_TEST

/* Every errno Linux defines from 1 to 133 has a name. */
START_TEST(test_errno_all_known)
{
	for (int e = 1; e <= 133; e++) {
		char unknown[24];

		if (e == 41 || e == 58)
			continue;
		snprintf(unknown, sizeof unknown, "E%d", e);
		ck_assert_msg(strcmp(fmt_errno_name(e), unknown) != 0,
			      "errno %d has no name", e);
	}
}
END_TEST

/* Build the fmt suite. */
static Suite *fmt_suite(void)
{
	Suite *s = suite_create("fmt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_bytes_small);
	tcase_add_test(tc, test_bytes_scaled);
	tcase_add_test(tc, test_bytes_rollover);
	tcase_add_test(tc, test_prot);
	tcase_add_test(tc, test_duration_small);
	tcase_add_test(tc, test_duration_ms_s);
	tcase_add_test(tc, test_duration_long);
	tcase_add_test(tc, test_duration_buffer_fits);
	tcase_add_test(tc, test_signame);
	tcase_add_test(tc, test_wait_status);
	tcase_add_test(tc, test_errno_name);
	tcase_add_test(tc, test_errno_unknown);
	tcase_add_test(tc, test_errno_all_known);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(fmt_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
