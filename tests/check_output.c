/*
 * check_output.c - Check suite for src/output.c.
 *
 * The stream never blocks and never fails; the writer thread keeps the
 * first error: /dev/full gives -ENOSPC, a pipe without a reader -EPIPE
 * (SIGPIPE ignored, as the shell's "trap '' PIPE" does).  Into a pipe
 * nobody reads, output_over() turns true past OUTPUT_BOUND waiting bytes
 * while every write to the stream still returns at once, and abandoning
 * returns at once too.  Into a pipe that is read, every byte arrives, in
 * order, and output_done() ends true with nothing pending.  The wake fd
 * becomes readable after a write only when the consumer armed it.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "util.h"

/* Wait (at most 5 s) until the writer has nothing left or failed. */
static bool settle(struct output *o)
{
	uint64_t until = util_now_ns() + 5000000000ull;

	while (!output_done(o) && !output_error(o) && util_now_ns() < until)
		usleep(1000);
	return output_done(o) || output_error(o);
}

START_TEST(dev_full_is_enospc)
{
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	struct output *o = output_new(fd, true);

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(fprintf(output_stream(o), "a line\n"), 7);
	ck_assert(settle(o));
	ck_assert_int_eq(output_error(o), -ENOSPC);
	/* After the error, more output is dropped, not kept. */
	fputs("more\n", output_stream(o));
	ck_assert(output_done(o));
	ck_assert_uint_eq(output_pending(o), 0);
	ck_assert_int_eq(output_finish(o, false), -ENOSPC);
}
END_TEST

START_TEST(closed_pipe_is_epipe)
{
	int p[2];
	struct output *o;

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	close(p[0]);
	o = output_new(p[1], true);
	fputs("x\n", output_stream(o));
	ck_assert(settle(o));
	ck_assert_int_eq(output_error(o), -EPIPE);
	ck_assert_int_eq(output_finish(o, false), -EPIPE);
}
END_TEST

START_TEST(stuck_reader_blocks_nobody)
{
	static char chunk[1 << 16];
	int p[2];
	struct output *o;
	uint64_t t0;
	size_t n = 0;

	signal(SIGPIPE, SIG_IGN);   /* the abandoned writer meets the closed pipe */
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	o = output_new(p[1], true);
	memset(chunk, 'x', sizeof(chunk));
	t0 = util_now_ns();
	while (!output_over(o) && n < 4 * OUTPUT_BOUND) {
		fwrite(chunk, 1, sizeof(chunk), output_stream(o));
		n += sizeof(chunk);
	}
	ck_assert(output_over(o));
	ck_assert(!output_done(o));
	ck_assert_uint_gt(output_pending(o), OUTPUT_BOUND);
	ck_assert_uint_le(output_written(o), 1 << 20);   /* the pipe took what it holds */
	ck_assert_int_eq(output_error(o), 0);
	ck_assert_int_eq(output_finish(o, true), 0);
	ck_assert_uint_lt(util_now_ns() - t0, 2000000000ull);
	close(p[0]);
}
END_TEST

struct drain {
	int fd;
	size_t got;
	bool in_order;
};

/* Read a pipe to its end, checking the byte pattern i % 251. */
static void *drain_main(void *arg)
{
	struct drain *d = arg;
	unsigned char buf[4096];
	ssize_t n;

	d->in_order = true;
	while ((n = read(d->fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++, d->got++)
			if (buf[i] != d->got % 251)
				d->in_order = false;
	return NULL;
}

START_TEST(every_byte_arrives_in_order)
{
	int p[2];
	struct drain d = { 0 };
	pthread_t t;
	struct output *o;
	const size_t total = 3 * OUTPUT_BOUND + 12345;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	d.fd = p[0];
	pthread_create(&t, NULL, drain_main, &d);
	o = output_new(p[1], true);
	for (size_t i = 0; i < total; i++)
		fputc((int)(i % 251), output_stream(o));
	ck_assert(settle(o));
	ck_assert_uint_eq(output_pending(o), 0);
	ck_assert_uint_eq(output_written(o), total);
	ck_assert_int_eq(output_finish(o, false), 0);
	pthread_join(t, NULL);
	close(p[0]);
	ck_assert_uint_eq(d.got, total);
	ck_assert(d.in_order);
}
END_TEST

START_TEST(an_armed_wake_comes_and_an_unarmed_one_does_not)
{
	struct pollfd pfd;
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct output *o = output_new(fd, true);

	pfd = (struct pollfd){ output_wake_fd(o), POLLIN, 0 };
	fputs("unarmed\n", output_stream(o));
	ck_assert(settle(o));
	ck_assert_int_eq(poll(&pfd, 1, 100), 0);
	output_arm(o);
	fputs("armed\n", output_stream(o));
	fflush(output_stream(o));
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	output_ack(o);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_uint_eq(output_written(o), 14);
	ck_assert_int_eq(output_finish(o, false), 0);
}
END_TEST

static Suite *output_suite(void)
{
	Suite *s = suite_create("output");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, dev_full_is_enospc);
	tcase_add_test(tc, closed_pipe_is_epipe);
	tcase_add_test(tc, stuck_reader_blocks_nobody);
	tcase_add_test(tc, every_byte_arrives_in_order);
	tcase_add_test(tc, an_armed_wake_comes_and_an_unarmed_one_does_not);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(output_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
