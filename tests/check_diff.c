/*
 * check_diff.c - Check suite for src/diff.c: which names are one file but
 * for the random part of a temporary name.
 *
 * mkstemp's and gcc's names must pair up; names that merely look alike
 * (another length, no prefix, another directory, more than six characters
 * apart, punctuation in the window) must not.  The comparison of whole
 * recordings is tested end to end by tests/diff_test.py.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "diff.h"

/* mkstemp, mktemp(1) and gcc temporary names pair up. */
START_TEST(test_random_pairs)
{
	ck_assert(diff_same_but_random("/tmp/ccAb12Cd.s", "/tmp/cc9xYz0Q.s"));
	ck_assert(diff_same_but_random("/tmp/tmp.XyZ123", "/tmp/tmp.aBc789"));
	ck_assert(diff_same_but_random("/w/difftwo.l6fnK5", "/w/difftwo.63hdXP"));
	ck_assert(diff_same_but_random("/tmp/ccAb12Cd.res.o", "/tmp/ccQQ12Cd.res.o"));
	/* a mkdtemp directory and a mkstemp file in it */
	ck_assert(diff_same_but_random("/tmp/tmp.abcdef/x.XYZ123", "/tmp/tmp.ghijkl/x.QWE456"));
	/* only one character of the window differs */
	ck_assert(diff_same_but_random("/tmp/ccAAAAAA.s", "/tmp/ccAAAAAB.s"));
}
END_TEST

/* Names that only look alike stay apart. */
START_TEST(test_not_random)
{
	ck_assert(!diff_same_but_random("/tmp/ccAb12Cd.s", "/tmp/ccAb12Cd.s"));   /* the same */
	ck_assert(!diff_same_but_random("/tmp/ccAb12Cd.s", "/tmp/ccAb12Cde.s"));  /* length */
	ck_assert(!diff_same_but_random("/tmp/output", "/tmp/result"));           /* no prefix */
	ck_assert(!diff_same_but_random("/a/ccAb12Cd.s", "/b/ccAb12Cd.s"));       /* directory */
	ck_assert(!diff_same_but_random("/tmp/ccAb12Cd.s", "/tmp/ccAb12Cd.o"));   /* suffix */
	ck_assert(!diff_same_but_random("/tmp/xAb12Cd1Z", "/tmp/xQQ12CdQQ"));      /* 8 apart */
	ck_assert(!diff_same_but_random("/tmp/cc-b12Cd.s", "/tmp/cc+b12Cd.s"));   /* punctuation */
	ck_assert(!diff_same_but_random("/tmp/ccAb12Cdz", "/tmp/ccQb12Cdz"));     /* window not at the end */
	ck_assert(!diff_same_but_random("/tmp/a/b", "/tmp/a//b"));
	ck_assert(!diff_same_but_random("", ""));
}
END_TEST

static Suite *diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_random_pairs);
	tcase_add_test(tc, test_not_random);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(diff_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
