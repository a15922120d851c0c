/*
 * check_symbols.c - Check suite for src/symbols.c.
 *
 * States how the frames of a REC_STACK are named: a function of this very
 * program by its module address (name, offset, source file and line), a
 * frame in no module by its address alone, and a module the record names
 * by a path that is not a regular file (a FIFO nobody writes) left unnamed
 * at once rather than read.
 */
#include "config.h"

#include <check.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"
#include "symbols.h"

/* A REC_STACK payload being built: fixed part, frames, modules. */
struct built {
	uint64_t buf[1024];
	size_t len;
};

/* A stack of one frame at addr in a module at path (REC_STACK_NO_MOD when NULL). */
static const struct rec_stack *one_frame(struct built *b, uint64_t addr, const char *path)
{
	struct rec_stack *st = (struct rec_stack *)b->buf;
	struct rec_frame f = { .addr = addr, .mod = path ? 0 : REC_STACK_NO_MOD };
	struct rec_stackmod sm = { 0 };
	char *at = (char *)(st + 1);

	memset(b, 0, sizeof(*b));
	st->nframes = 1;
	memcpy(at, &f, sizeof(f));
	at += sizeof(f);
	if (path) {
		st->nmods = 1;
		sm.path_len = (uint16_t)strlen(path);
		memcpy(at, &sm, sizeof(sm));
		memcpy(at + sizeof(sm), path, sm.path_len);
		st->mods_len = (uint32_t)(sizeof(sm) + rec_align(sm.path_len));
	}
	return st;
}

__attribute__((noinline)) int symbols_probe_fn(int x);
static const int probe_first_line = __LINE__ + 1;
__attribute__((noinline)) int symbols_probe_fn(int x)
{
	return x * 3 + 1;
}

START_TEST(a_function_of_this_program_is_named_with_its_line)
{
	struct symbols *s = symbols_new();
	struct sym_frame f[2];
	struct built b;
	Dl_info info;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	uint64_t addr;

	ck_assert_int_gt(n, 0);
	exe[n] = 0;
	ck_assert_int_ne(dladdr((void *)symbols_probe_fn, &info), 0);
	addr = (uint64_t)(uintptr_t)symbols_probe_fn - (uint64_t)(uintptr_t)info.dli_fbase + 2;
	ck_assert_uint_eq(symbols_name(s, one_frame(&b, addr, exe), f, 2), 1);
	ck_assert_str_eq(f[0].func, "symbols_probe_fn");
	ck_assert_uint_eq(f[0].offset, 2);
	ck_assert_str_eq(f[0].module, exe);
	ck_assert_str_eq(symbols_module_base(f[0].module), strrchr(exe, '/') + 1);
	ck_assert_ptr_nonnull(f[0].file);
	ck_assert_str_eq(strrchr(f[0].file, '/') ? strrchr(f[0].file, '/') + 1 : f[0].file,
			 "check_symbols.c");
	/* (the function's lines, whatever the optimiser made of them) */
	ck_assert_int_ge(f[0].line, probe_first_line);
	ck_assert_int_le(f[0].line, probe_first_line + 3);
	symbols_free(s);
}
END_TEST

START_TEST(a_frame_in_no_module_keeps_its_address)
{
	struct symbols *s = symbols_new();
	struct sym_frame f[1];
	struct built b;

	ck_assert_uint_eq(symbols_name(s, one_frame(&b, 0x7f0012345678ull, NULL), f, 1), 1);
	ck_assert_ptr_null(f[0].func);
	ck_assert_ptr_null(f[0].module);
	ck_assert_uint_eq(f[0].offset, 0x7f0012345678ull);
	ck_assert_str_eq(symbols_module_base(NULL), "?");
	symbols_free(s);
}
END_TEST

START_TEST(a_module_path_that_is_no_regular_file_is_not_read)
{
	struct symbols *s = symbols_new();
	char dir[] = "/tmp/check_symbols.XXXXXX", fifo[64];
	struct sym_frame f[1];
	struct built b;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* (reading it would block this test until Check's timeout) */
	ck_assert_uint_eq(symbols_name(s, one_frame(&b, 0x1234, fifo), f, 1), 1);
	ck_assert_ptr_null(f[0].func);
	ck_assert_str_eq(f[0].module, fifo);
	ck_assert_uint_eq(f[0].offset, 0x1234);
	unlink(fifo);
	rmdir(dir);
	symbols_free(s);
}
END_TEST

static Suite *symbols_suite(void)
{
	Suite *s = suite_create("symbols");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, a_function_of_this_program_is_named_with_its_line);
	tcase_add_test(tc, a_frame_in_no_module_keeps_its_address);
	tcase_add_test(tc, a_module_path_that_is_no_regular_file_is_not_read);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(symbols_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
