/*
 * check_execinfo.c - Check suite for exec_as_called (src/execinfo.c).
 *
 * A script's exec as its caller named it: the kernel's argv (interpreter,
 * its argument, the script's name, the rest) back to argv[0] and the
 * rest, the script's path as exe; nothing changed when the exec ran the
 * file it was given or argv does not name it.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "execinfo.h"

/* A NUL-separated blob from a list (NULL-ended); its length in *len. */
static size_t blob(char *out, const char *const *args)
{
	size_t n = 0;

	for (; *args; args++) {
		memcpy(out + n, *args, strlen(*args) + 1);
		n += strlen(*args) + 1;
	}
	return n;
}

/* exec_as_called on argv (in args) for a script at /tmp (which exists,
 * no symbolic link: realpath keeps it), exe /usr/bin/dash. */
static size_t call(const char *filename, const char *argv0, const char *const *args,
		   char *argv, size_t *len, size_t cap, char *out)
{
	*len = blob(argv, args);
	return exec_as_called(filename, "/tmp", argv0, "/usr/bin/dash", argv, len, cap, out, 64);
}

START_TEST(script_named_as_called)
{
	const char *const k[] = { "/bin/sh", "./s.sh", "a", "", "b c", NULL };
	const char *const want[] = { "s.sh", "a", "", "b c", NULL };
	char argv[256], exp[256], out[64];
	size_t len, n = call("./s.sh", "s.sh", k, argv, &len, sizeof(argv), out);

	ck_assert_uint_gt(n, 0);
	ck_assert_str_eq(out, "/tmp");
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_uint_eq(len, blob(exp, want));
	ck_assert_mem_eq(argv, exp, len);
}
END_TEST

START_TEST(interpreter_argument_skipped)
{
	/* #!/usr/bin/env sh: env and its argument before the script's name;
	 * no argv[0] read: the name it was given stands in */
	const char *const k[] = { "/usr/bin/env", "sh", "./e.sh", "x", NULL };
	const char *const want[] = { "./e.sh", "x", NULL };
	char argv[256], exp[256], out[64];
	size_t len;

	ck_assert_uint_gt(call("./e.sh", NULL, k, argv, &len, sizeof(argv), out), 0);
	ck_assert_uint_eq(len, blob(exp, want));
	ck_assert_mem_eq(argv, exp, len);
}
END_TEST

START_TEST(no_script_nothing_changed)
{
	const char *const k[] = { "sh", "-c", "./s.sh", NULL };
	char argv[256], before[256], out[64] = "";
	size_t len, n0 = blob(before, k);

	/* the file given is the program run (here /tmp itself, as exe) */
	len = blob(argv, k);
	ck_assert_uint_eq(exec_as_called("./s.sh", "/tmp", NULL, "/tmp", argv, &len, sizeof(argv),
					 out, sizeof(out)), 0);
	ck_assert_uint_eq(len, n0);
	ck_assert_mem_eq(argv, before, n0);
	/* argv does not name it after argv[0] */
	ck_assert_uint_eq(call("./other", NULL, k, argv, &len, sizeof(argv), out), 0);
	ck_assert_mem_eq(argv, before, n0);
	/* an fd's exec: /dev/fd/N names no file of its own */
	ck_assert_uint_eq(call("/dev/fd/3", NULL, k, argv, &len, sizeof(argv), out), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(cut_argv_and_small_room)
{
	/* an argv the reader cut inside an argument: no whole name, no change */
	char argv[64] = "/bin/sh\0./s.s", out[64] = "";
	size_t len = 13;

	ck_assert_uint_eq(exec_as_called("./s.sh", "/tmp", NULL, "/usr/bin/dash", argv, &len,
					 sizeof(argv), out, sizeof(out)), 0);
	ck_assert_uint_eq(len, 13);
	/* a long argv[0] in little room: the rest is cut to fit */
	{
		const char *const k[] = { "/bin/sh", "./s.sh", "abcdef", NULL };
		char small[32];
		size_t n;

		/* (the kernel's argv fills the room; the new one is cut at 22) */
		len = blob(small, k);
		n = exec_as_called("./s.sh", "/tmp", "0123456789abcdef", "/usr/bin/dash", small, &len,
				   22, out, sizeof(out));
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_eq(len, 22);
		ck_assert_str_eq(small, "0123456789abcdef");
		ck_assert_mem_eq(small + 17, "abcde", 5);
	}
}
END_TEST

static Suite *execinfo_suite(void)
{
	Suite *s = suite_create("execinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, script_named_as_called);
	tcase_add_test(tc, interpreter_argument_skipped);
	tcase_add_test(tc, no_script_nothing_changed);
	tcase_add_test(tc, cut_argv_and_small_room);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(execinfo_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
