/*
 * check_sigpolicy.c - Check suite for src/sigpolicy.c.
 *
 * What SIGINT (a Ctrl-C), SIGTERM and SIGHUP do, as the manual's CTRL-C
 * section says: a spawned command gets the first interrupt and is killed
 * by the second, or at once by SIGTERM or SIGHUP; attached with --pid,
 * every one of them detaches; with nothing traced they only end the run.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>

#include "sigpolicy.h"

START_TEST(first_interrupt_goes_to_the_program_the_second_kills)
{
	struct sigpolicy p = { .attached = false };

	ck_assert_int_eq(sigpolicy_decide(&p, SIGINT, true), SIGACT_FORWARD);
	ck_assert_int_eq(sigpolicy_decide(&p, SIGINT, true), SIGACT_KILL);
	ck_assert_int_eq(sigpolicy_decide(&p, SIGINT, true), SIGACT_KILL);
	ck_assert_uint_eq(p.interrupts, 3);
}
END_TEST

START_TEST(termination_requests_kill_at_once)
{
	struct sigpolicy p = { .attached = false };

	ck_assert_int_eq(sigpolicy_decide(&p, SIGTERM, true), SIGACT_KILL);
	ck_assert_int_eq(sigpolicy_decide(&p, SIGHUP, true), SIGACT_KILL);
	ck_assert_uint_eq(p.interrupts, 0);
}
END_TEST

START_TEST(attached_every_signal_detaches)
{
	struct sigpolicy p = { .attached = true };

	ck_assert_int_eq(sigpolicy_decide(&p, SIGINT, true), SIGACT_DETACH);
	ck_assert_int_eq(sigpolicy_decide(&p, SIGINT, true), SIGACT_DETACH);
	ck_assert_int_eq(sigpolicy_decide(&p, SIGTERM, true), SIGACT_DETACH);
	ck_assert_int_eq(sigpolicy_decide(&p, SIGHUP, true), SIGACT_DETACH);
	ck_assert_uint_eq(p.interrupts, 0);
}
END_TEST

START_TEST(nothing_traced_only_ends)
{
	struct sigpolicy p = { .attached = false }, a = { .attached = true };

	ck_assert_int_eq(sigpolicy_decide(&p, SIGINT, false), SIGACT_END);
	ck_assert_int_eq(sigpolicy_decide(&p, SIGTERM, false), SIGACT_END);
	ck_assert_int_eq(sigpolicy_decide(&a, SIGHUP, false), SIGACT_END);
	ck_assert_uint_eq(p.interrupts, 0);
	/* Tracing that ended is no reason to count: a later trace starts afresh. */
	ck_assert_int_eq(sigpolicy_decide(&p, SIGINT, true), SIGACT_FORWARD);
}
END_TEST

START_TEST(a_terminal_ctrl_c_comes_from_the_kernel)
{
	struct signalfd_siginfo si = { .ssi_signo = SIGINT, .ssi_code = SI_KERNEL };

	ck_assert(sigpolicy_from_terminal(&si));
	si.ssi_code = SI_USER;   /* kill -INT */
	ck_assert(!sigpolicy_from_terminal(&si));
	sigpolicy_apply(NULL, SIGACT_KILL, false);   /* a replay: no tracer, nothing to do */
}
END_TEST

static Suite *sigpolicy_suite(void)
{
	Suite *s = suite_create("sigpolicy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, first_interrupt_goes_to_the_program_the_second_kills);
	tcase_add_test(tc, termination_requests_kill_at_once);
	tcase_add_test(tc, attached_every_signal_detaches);
	tcase_add_test(tc, nothing_traced_only_ends);
	tcase_add_test(tc, a_terminal_ctrl_c_comes_from_the_kernel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sigpolicy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
