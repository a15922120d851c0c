/*
 * check_fdtable.c - Check suite for src/fdtable.c.
 *
 * Covers opening, looking up and closing fds; dup2 semantics (shared
 * identity that outlives the original fd, dup onto itself, dup of an unknown
 * fd); fork-style copies that share objects but not fd slots; CLONE_FILES
 * style references that share the whole table; close_range; the exec-time
 * fdtable_keep; renames of open files and directories; hostile fd numbers (negative, huge) that must be refused
 * without crashing; and fdtable_mode.  Reference counts are asserted
 * directly, and the suite is meant to be run under ASan as well, where a
 * double free or a leaked object would fail it.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdtable.h"
#include "record.h"

/* The kernel's default nr_open ceiling: the largest fd is one below. */
#define NR_OPEN (1 << 20)

START_TEST(open_then_get_and_path_return_the_object)
{
	struct fdtable *t = fdtable_new();
	char path[] = "/etc/hosts";
	struct fobj *o = fdtable_open(t, 3, FDK_FILE, path, O_RDONLY);

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_eq(fdtable_get(t, 3), o);
	ck_assert_int_eq(o->refs, 1);
	ck_assert_int_eq(o->kind, FDK_FILE);
	ck_assert_int_eq(o->mode, FM_READ);
	ck_assert_uint_eq(o->rd, 0);
	ck_assert_uint_eq(o->wr, 0);
	ck_assert_str_eq(fdtable_path(t, 3), "/etc/hosts");
	/* the path is a copy, not the caller's buffer */
	path[1] = 'X';
	ck_assert_str_eq(fdtable_path(t, 3), "/etc/hosts");
	ck_assert_ptr_null(fdtable_get(t, 2));
	ck_assert_ptr_null(fdtable_get(t, 4));
	ck_assert_ptr_null(fdtable_path(t, 4));
	ck_assert_int_eq(fdtable_count(t), 1);
	fdtable_unref(t);
}
END_TEST

START_TEST(open_with_null_path_gives_empty_path)
{
	struct fdtable *t = fdtable_new();

	ck_assert_ptr_nonnull(fdtable_open(t, 0, FDK_UNKNOWN, NULL, 0));
	ck_assert_str_eq(fdtable_path(t, 0), "");
	fdtable_unref(t);
}
END_TEST

START_TEST(open_on_a_busy_fd_replaces_it)
{
	struct fdtable *t = fdtable_new();

	fdtable_open(t, 3, FDK_FILE, "/a", O_RDONLY);
	fdtable_open(t, 3, FDK_PIPE, "pipe:[42]", O_WRONLY);
	ck_assert_str_eq(fdtable_path(t, 3), "pipe:[42]");
	ck_assert_int_eq(fdtable_get(t, 3)->kind, FDK_PIPE);
	ck_assert_int_eq(fdtable_get(t, 3)->refs, 1);
	ck_assert_int_eq(fdtable_count(t), 1);
	fdtable_unref(t);
}
END_TEST

START_TEST(table_grows_without_losing_fds)
{
	struct fdtable *t = fdtable_new();

	fdtable_open(t, 3, FDK_FILE, "/low", O_RDONLY);
	ck_assert_ptr_nonnull(fdtable_open(t, 1000, FDK_FILE, "/high", O_WRONLY));
	ck_assert_ptr_nonnull(fdtable_open(t, 70000, FDK_FILE, "/higher", O_RDWR));
	ck_assert_str_eq(fdtable_path(t, 3), "/low");
	ck_assert_str_eq(fdtable_path(t, 1000), "/high");
	ck_assert_str_eq(fdtable_path(t, 70000), "/higher");
	ck_assert_ptr_null(fdtable_get(t, 999));
	ck_assert_int_eq(fdtable_count(t), 3);
	fdtable_unref(t);
}
END_TEST

START_TEST(close_reports_whether_the_fd_was_open)
{
	struct fdtable *t = fdtable_new();

	ck_assert(!fdtable_close(t, 3));   /* empty table */
	fdtable_open(t, 3, FDK_FILE, "/a", O_RDONLY);
	ck_assert(!fdtable_close(t, 4));
	ck_assert(fdtable_close(t, 3));
	ck_assert_ptr_null(fdtable_get(t, 3));
	ck_assert(!fdtable_close(t, 3));   /* second close */
	ck_assert_int_eq(fdtable_count(t), 0);
	fdtable_unref(t);
}
END_TEST

START_TEST(dup2_shares_file_identity)
{
	struct fdtable *t = fdtable_new();
	struct fobj *o = fdtable_open(t, 3, FDK_FILE, "/etc/hosts", O_RDONLY);

	ck_assert(fdtable_dup(t, 3, 7));
	ck_assert_ptr_eq(fdtable_get(t, 7), o);
	ck_assert_int_eq(o->refs, 2);
	ck_assert_str_eq(fdtable_path(t, 7), "/etc/hosts");
	ck_assert(fdtable_close(t, 3));
	ck_assert_ptr_null(fdtable_get(t, 3));
	ck_assert_str_eq(fdtable_path(t, 7), "/etc/hosts");
	ck_assert_int_eq(fdtable_get(t, 7)->refs, 1);
	ck_assert_int_eq(fdtable_count(t), 1);
	fdtable_unref(t);
}
END_TEST

START_TEST(bytes_through_a_dup_reach_the_same_object)
{
	struct fdtable *t = fdtable_new();

	fdtable_open(t, 1, FDK_FILE, "/out", O_WRONLY);
	fdtable_dup(t, 1, 2);
	fdtable_get(t, 2)->wr += 10;
	fdtable_get(t, 1)->wr += 5;
	ck_assert_uint_eq(fdtable_get(t, 1)->wr, 15);
	ck_assert_uint_eq(fdtable_get(t, 2)->wr, 15);
	fdtable_unref(t);
}
END_TEST

START_TEST(dup_onto_a_busy_fd_closes_what_was_there)
{
	struct fdtable *t = fdtable_new();
	struct fobj *a = fdtable_open(t, 3, FDK_FILE, "/a", O_RDONLY);

	fdtable_open(t, 4, FDK_FILE, "/b", O_RDONLY);
	ck_assert(fdtable_dup(t, 3, 4));
	ck_assert_ptr_eq(fdtable_get(t, 4), a);
	ck_assert_str_eq(fdtable_path(t, 4), "/a");
	ck_assert_int_eq(a->refs, 2);
	ck_assert_int_eq(fdtable_count(t), 2);
	fdtable_unref(t);
}
END_TEST

START_TEST(dup_onto_itself_is_a_noop)
{
	struct fdtable *t = fdtable_new();
	struct fobj *o = fdtable_open(t, 5, FDK_PIPE, "pipe:[1]", O_RDONLY);

	ck_assert(fdtable_dup(t, 5, 5));
	ck_assert_ptr_eq(fdtable_get(t, 5), o);
	ck_assert_int_eq(o->refs, 1);
	ck_assert_str_eq(fdtable_path(t, 5), "pipe:[1]");
	ck_assert_int_eq(fdtable_count(t), 1);
	fdtable_unref(t);
}
END_TEST

START_TEST(install_of_the_object_already_at_fd_keeps_it_alive)
{
	struct fdtable *t = fdtable_new();
	struct fobj *o = fdtable_open(t, 5, FDK_FILE, "/same", O_RDONLY);

	fdtable_install(t, 5, o);
	ck_assert_ptr_eq(fdtable_get(t, 5), o);
	ck_assert_int_eq(o->refs, 1);
	ck_assert_str_eq(o->path, "/same");
	fdtable_unref(t);
}
END_TEST

START_TEST(dup_of_an_unknown_fd_returns_false)
{
	struct fdtable *t = fdtable_new();

	ck_assert(!fdtable_dup(t, 3, 7));          /* empty table */
	fdtable_open(t, 1, FDK_FILE, "/a", O_RDONLY);
	ck_assert(!fdtable_dup(t, 3, 7));          /* in range, not open */
	ck_assert(!fdtable_dup(t, 5000, 7));       /* beyond the table */
	ck_assert(!fdtable_dup(t, -1, 7));
	ck_assert_ptr_null(fdtable_get(t, 7));
	ck_assert_int_eq(fdtable_count(t), 1);
	/* an unknown source leaves an open target alone */
	ck_assert(!fdtable_dup(t, 3, 1));
	ck_assert_str_eq(fdtable_path(t, 1), "/a");
	fdtable_unref(t);
}
END_TEST

START_TEST(copy_shares_objects_but_not_fd_slots)
{
	struct fdtable *t = fdtable_new();
	struct fdtable *c;
	struct fobj *o = fdtable_open(t, 3, FDK_FILE, "/shared", O_RDWR);

	fdtable_open(t, 4, FDK_PIPE, "pipe:[9]", O_RDONLY);
	c = fdtable_copy(t);
	ck_assert_ptr_ne(c, t);
	ck_assert_int_eq(c->refs, 1);
	ck_assert_int_eq(t->refs, 1);
	ck_assert_int_eq(fdtable_count(c), 2);
	ck_assert_ptr_eq(fdtable_get(c, 3), o);
	ck_assert_int_eq(o->refs, 2);

	/* bytes counted through one table's object show in the other */
	fdtable_get(t, 3)->rd += 123;
	fdtable_get(c, 3)->wr += 7;
	ck_assert_uint_eq(fdtable_get(c, 3)->rd, 123);
	ck_assert_uint_eq(fdtable_get(t, 3)->wr, 7);

	/* closing in the copy does not close in the original */
	ck_assert(fdtable_close(c, 3));
	ck_assert_ptr_null(fdtable_get(c, 3));
	ck_assert_ptr_eq(fdtable_get(t, 3), o);
	ck_assert_int_eq(o->refs, 1);
	ck_assert_str_eq(fdtable_path(t, 3), "/shared");

	/* a new fd in the copy is not in the original */
	fdtable_open(c, 9, FDK_FILE, "/child", O_WRONLY);
	ck_assert_ptr_null(fdtable_get(t, 9));
	/* nor a dup */
	fdtable_dup(c, 4, 10);
	ck_assert_ptr_null(fdtable_get(t, 10));
	ck_assert_int_eq(fdtable_get(t, 4)->refs, 3);

	fdtable_unref(c);
	ck_assert_int_eq(fdtable_get(t, 4)->refs, 1);
	ck_assert_str_eq(fdtable_path(t, 4), "pipe:[9]");
	fdtable_unref(t);
}
END_TEST

START_TEST(copy_of_an_empty_table_is_empty_and_usable)
{
	struct fdtable *t = fdtable_new();
	struct fdtable *c = fdtable_copy(t);

	ck_assert_int_eq(fdtable_count(c), 0);
	ck_assert_ptr_null(fdtable_get(c, 0));
	ck_assert_ptr_nonnull(fdtable_open(c, 0, FDK_CHR, "/dev/null", O_RDWR));
	ck_assert_ptr_null(fdtable_get(t, 0));
	fdtable_unref(c);
	fdtable_unref(t);
}
END_TEST

START_TEST(ref_shares_the_whole_table)
{
	struct fdtable *t = fdtable_new();
	struct fdtable *r;

	fdtable_open(t, 3, FDK_FILE, "/a", O_RDONLY);
	r = fdtable_ref(t);
	ck_assert_ptr_eq(r, t);
	ck_assert_int_eq(t->refs, 2);

	/* a close through one reference is seen by the other */
	ck_assert(fdtable_close(r, 3));
	ck_assert_ptr_null(fdtable_get(t, 3));
	/* and so is an open */
	fdtable_open(r, 5, FDK_FILE, "/b", O_WRONLY);
	ck_assert_str_eq(fdtable_path(t, 5), "/b");
	ck_assert_int_eq(fdtable_get(t, 5)->refs, 1);

	/* dropping one reference leaves the table to the other */
	fdtable_unref(r);
	ck_assert_int_eq(t->refs, 1);
	ck_assert_str_eq(fdtable_path(t, 5), "/b");
	fdtable_unref(t);
}
END_TEST

START_TEST(refcounts_balance_across_dups_copies_and_refs)
{
	struct fdtable *t = fdtable_new();
	struct fdtable *c, *r;
	struct fobj *o = fdtable_open(t, 3, FDK_TCP4, "socket:[77]", O_RDWR);

	/* owned strings must be released with the last reference (ASan) */
	o->local = strdup("127.0.0.1:1000");
	o->remote = strdup("127.0.0.1:2000");
	fdtable_dup(t, 3, 4);
	ck_assert_int_eq(o->refs, 2);
	c = fdtable_copy(t);
	ck_assert_int_eq(o->refs, 4);
	r = fdtable_ref(c);
	ck_assert_int_eq(o->refs, 4);   /* a reference shares slots, adds none */
	fdtable_close(t, 3);
	ck_assert_int_eq(o->refs, 3);
	fdtable_unref(c);                /* r still holds the copy */
	ck_assert_int_eq(o->refs, 3);
	fdtable_close_range(r, 0, 10);
	ck_assert_int_eq(o->refs, 1);
	ck_assert_str_eq(fdtable_get(t, 4)->remote, "127.0.0.1:2000");
	fdtable_unref(r);
	fdtable_unref(t);
}
END_TEST

START_TEST(unref_of_null_is_harmless)
{
	struct fdtable *t = fdtable_new();

	fdtable_unref(NULL);
	ck_assert_int_eq(t->refs, 1);
	fdtable_unref(t);
}
END_TEST

START_TEST(close_range_closes_exactly_the_range)
{
	struct fdtable *t = fdtable_new();

	for (int i = 0; i < 10; i++)
		fdtable_open(t, i, FDK_FILE, "/f", O_RDONLY);
	fdtable_close_range(t, 3, 6);
	for (int i = 0; i < 10; i++)
		ck_assert_msg((fdtable_get(t, i) != NULL) == (i < 3 || i > 6), "fd %d", i);
	ck_assert_int_eq(fdtable_count(t), 6);

	/* first > last closes nothing */
	fdtable_close_range(t, 8, 7);
	ck_assert_int_eq(fdtable_count(t), 6);

	/* an open-ended range (~0U, as close_range(2) callers pass) */
	fdtable_close_range(t, 8, UINT_MAX);
	ck_assert_ptr_nonnull(fdtable_get(t, 7));
	ck_assert_ptr_null(fdtable_get(t, 8));
	ck_assert_ptr_null(fdtable_get(t, 9));
	ck_assert_int_eq(fdtable_count(t), 4);

	/* a range entirely beyond the table */
	fdtable_close_range(t, 100000, UINT_MAX);
	fdtable_close_range(t, UINT_MAX, UINT_MAX);
	ck_assert_int_eq(fdtable_count(t), 4);

	fdtable_close_range(t, 0, UINT_MAX);
	ck_assert_int_eq(fdtable_count(t), 0);
	fdtable_unref(t);
}
END_TEST

START_TEST(keep_leaves_only_the_listed_fds)
{
	struct fdtable *t = fdtable_new();
	const int32_t keep[] = { 5, 1, 3, 40 };   /* unsorted; 40 is not open */

	for (int i = 0; i < 8; i++)
		fdtable_open(t, i, FDK_FILE, "/f", O_RDONLY);
	fdtable_keep(t, keep, 4);
	for (int i = 0; i < 8; i++)
		ck_assert_msg((fdtable_get(t, i) != NULL) == (i == 1 || i == 3 || i == 5),
			      "fd %d", i);
	ck_assert_ptr_null(fdtable_get(t, 40));   /* listed but never open: not made up */
	ck_assert_int_eq(fdtable_count(t), 3);
	fdtable_unref(t);
}
END_TEST

START_TEST(keep_of_nothing_closes_everything)
{
	struct fdtable *t = fdtable_new();
	struct fdtable *c;

	for (int i = 0; i < 4; i++)
		fdtable_open(t, i, FDK_FILE, "/f", O_RDONLY);
	c = fdtable_copy(t);
	fdtable_keep(c, NULL, 0);
	ck_assert_int_eq(fdtable_count(c), 0);
	/* the objects live on in the table c was copied from */
	ck_assert_int_eq(fdtable_count(t), 4);
	ck_assert_int_eq(fdtable_get(t, 0)->refs, 1);
	fdtable_unref(c);
	fdtable_unref(t);
}
END_TEST

START_TEST(negative_fds_are_rejected)
{
	struct fdtable *t = fdtable_new();
	struct fobj *o = fdtable_open(t, 3, FDK_FILE, "/a", O_RDONLY);
	const int bad[] = { -1, -2, INT_MIN };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = bad[i];

		ck_assert_ptr_null(fdtable_open(t, fd, FDK_FILE, "/x", O_RDONLY));
		ck_assert_ptr_null(fdtable_get(t, fd));
		ck_assert_ptr_null(fdtable_path(t, fd));
		ck_assert(!fdtable_close(t, fd));
		ck_assert(!fdtable_dup(t, fd, 4));
		/* dup onto an impossible fd must not take a reference */
		fdtable_dup(t, 3, fd);
		fdtable_install(t, fd, o);
		ck_assert_int_eq(o->refs, 1);
	}
	ck_assert_int_eq(fdtable_count(t), 1);
	ck_assert_ptr_null(fdtable_get(t, 4));
	fdtable_unref(t);
}
END_TEST

/* A table holding only fds in the array's first slots and the map's few. */
static void assert_small(const struct fdtable *t)
{
	ck_assert_int_le(t->cap, 16);
	ck_assert_uint_le(t->big.cap, 16);
}

START_TEST(huge_fds_cost_what_they_hold)
{
	struct fdtable *t = fdtable_new();
	const int big[] = { FDTABLE_DENSE, NR_OPEN - 1, NR_OPEN, INT_MAX - 1, INT_MAX };

	fdtable_open(t, 3, FDK_FILE, "/a", O_RDONLY);
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		char path[32];

		snprintf(path, sizeof(path), "/big%zu", i);
		ck_assert_ptr_nonnull(fdtable_open(t, big[i], FDK_FILE, path, O_RDONLY));
		ck_assert_str_eq(fdtable_path(t, big[i]), path);
	}
	ck_assert_int_eq(fdtable_count(t), 6);
	ck_assert_ptr_null(fdtable_get(t, FDTABLE_DENSE - 1));
	ck_assert_ptr_null(fdtable_get(t, FDTABLE_DENSE + 1));
	ck_assert_ptr_null(fdtable_get(t, NR_OPEN - 2));
	ck_assert_ptr_null(fdtable_get(t, NR_OPEN + 1));
	ck_assert_ptr_null(fdtable_get(t, INT_MAX - 2));
	assert_small(t);
	ck_assert(fdtable_close(t, INT_MAX));
	ck_assert(!fdtable_close(t, INT_MAX));
	ck_assert_int_eq(fdtable_count(t), 5);
	assert_small(t);
	fdtable_unref(t);
}
END_TEST

START_TEST(copies_hold_only_up_to_the_highest_open_fd)
{
	struct fdtable *t = fdtable_new(), *c;

	fdtable_open(t, 3, FDK_FILE, "/a", O_RDONLY);
	fdtable_open(t, FDTABLE_DENSE - 1, FDK_FILE, "/b", O_RDONLY);
	fdtable_close(t, FDTABLE_DENSE - 1);
	ck_assert_int_eq(t->cap, FDTABLE_DENSE);
	c = fdtable_copy(t);
	ck_assert_int_le(c->cap, 16);
	ck_assert_str_eq(fdtable_path(c, 3), "/a");
	ck_assert_ptr_nonnull(fdtable_open(c, FDTABLE_DENSE - 2, FDK_FILE, "/c", O_RDONLY));
	ck_assert_str_eq(fdtable_path(c, FDTABLE_DENSE - 2), "/c");
	ck_assert_str_eq(fdtable_path(c, 3), "/a");
	fdtable_unref(c);
	fdtable_unref(t);
}
END_TEST

/* A copy's array is as long as its highest open fd, not a power of two:
 * growing it must still stop at FDTABLE_DENSE. */
START_TEST(a_copy_grows_no_further_than_the_array)
{
	struct fdtable *t = fdtable_new(), *c;

	fdtable_open(t, 17, FDK_FILE, "/a", O_RDONLY);
	c = fdtable_copy(t);
	ck_assert_int_eq(c->cap, 18);
	fdtable_open(c, FDTABLE_DENSE - 1, FDK_FILE, "/b", O_RDONLY);
	ck_assert_int_le(c->cap, FDTABLE_DENSE);
	ck_assert_str_eq(fdtable_path(c, FDTABLE_DENSE - 1), "/b");
	ck_assert_str_eq(fdtable_path(c, 17), "/a");
	fdtable_unref(c);
	fdtable_unref(t);
}
END_TEST

START_TEST(dups_cross_the_array_map_threshold)
{
	struct fdtable *t = fdtable_new();
	struct fobj *o = fdtable_open(t, FDTABLE_DENSE - 1, FDK_PIPE, "pipe:[1]", O_WRONLY);

	ck_assert_ptr_eq(fdtable_get(t, FDTABLE_DENSE - 1), o);
	ck_assert_ptr_null(fdtable_get(t, FDTABLE_DENSE));
	ck_assert_int_eq(t->cap, FDTABLE_DENSE);      /* the last slot of the array */
	ck_assert(fdtable_dup(t, FDTABLE_DENSE - 1, FDTABLE_DENSE));
	ck_assert(fdtable_dup(t, FDTABLE_DENSE, INT_MAX));
	ck_assert(fdtable_dup(t, INT_MAX, 0));
	ck_assert_int_eq(t->cap, FDTABLE_DENSE);      /* no fd past it grew the array */
	ck_assert_ptr_eq(fdtable_get(t, FDTABLE_DENSE), o);
	ck_assert_ptr_eq(fdtable_get(t, INT_MAX), o);
	ck_assert_ptr_eq(fdtable_get(t, 0), o);
	ck_assert_int_eq(o->refs, 4);
	/* dup onto a busy large fd drops what was there */
	fdtable_open(t, FDTABLE_DENSE + 1, FDK_FILE, "/x", O_RDONLY);
	ck_assert(fdtable_dup(t, 0, FDTABLE_DENSE + 1));
	ck_assert_ptr_eq(fdtable_get(t, FDTABLE_DENSE + 1), o);
	ck_assert_int_eq(o->refs, 5);
	ck_assert(fdtable_dup(t, INT_MAX, INT_MAX));  /* onto itself: nothing */
	ck_assert_int_eq(o->refs, 5);
	ck_assert(fdtable_close(t, FDTABLE_DENSE - 1));
	ck_assert_str_eq(fdtable_path(t, FDTABLE_DENSE), "pipe:[1]");
	ck_assert_int_eq(o->refs, 4);
	ck_assert_int_eq(fdtable_count(t), 4);
	fdtable_unref(t);
}
END_TEST

START_TEST(copies_and_shares_keep_large_fds)
{
	struct fdtable *t = fdtable_new(), *c, *r;
	struct fobj *a = fdtable_open(t, 3, FDK_FILE, "/a", O_RDONLY);
	struct fobj *b = fdtable_open(t, NR_OPEN - 1, FDK_TCP4, "socket:[9]", O_RDWR);

	c = fdtable_copy(t);                          /* fork */
	r = fdtable_ref(t);                           /* CLONE_FILES */
	ck_assert_ptr_eq(fdtable_get(c, NR_OPEN - 1), b);
	ck_assert_int_eq(b->refs, 2);
	ck_assert_int_eq(a->refs, 2);
	assert_small(c);
	/* the copy's fd slots are its own */
	ck_assert(fdtable_close(c, NR_OPEN - 1));
	ck_assert_ptr_eq(fdtable_get(t, NR_OPEN - 1), b);
	fdtable_open(c, INT_MAX, FDK_FILE, "/c", O_RDONLY);
	ck_assert_ptr_null(fdtable_get(t, INT_MAX));
	/* the shared table sees every change */
	fdtable_open(r, INT_MAX - 1, FDK_FILE, "/r", O_RDONLY);
	ck_assert_str_eq(fdtable_path(t, INT_MAX - 1), "/r");
	ck_assert_ptr_null(fdtable_get(c, INT_MAX - 1));
	fdtable_unref(r);
	ck_assert_int_eq(t->refs, 1);
	ck_assert_int_eq(b->refs, 1);
	fdtable_unref(t);
	ck_assert_int_eq(a->refs, 1);                 /* the copy's fd 3 still holds it */
	ck_assert_str_eq(fdtable_path(c, INT_MAX), "/c");
	ck_assert_int_eq(fdtable_count(c), 2);
	fdtable_unref(c);
}
END_TEST

START_TEST(close_range_walks_open_fds_not_numbers)
{
	struct fdtable *t = fdtable_new();
	const int fds[] = { 0, 3, FDTABLE_DENSE - 1, FDTABLE_DENSE, 5000, NR_OPEN - 1, INT_MAX };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		fdtable_open(t, fds[i], FDK_FILE, "/f", O_RDONLY);
	/* a range that ends where the array does leaves the map alone */
	fdtable_close_range(t, 3, FDTABLE_DENSE - 1);
	ck_assert_int_eq(fdtable_count(t), 5);
	ck_assert_ptr_nonnull(fdtable_get(t, FDTABLE_DENSE));
	/* one that starts in the map: only the fds in it, none it merely spans */
	fdtable_close_range(t, FDTABLE_DENSE + 1, INT_MAX - 1);
	ck_assert_ptr_nonnull(fdtable_get(t, FDTABLE_DENSE));
	ck_assert_ptr_null(fdtable_get(t, 5000));
	ck_assert_ptr_null(fdtable_get(t, NR_OPEN - 1));
	ck_assert_ptr_nonnull(fdtable_get(t, INT_MAX));
	ck_assert_int_eq(fdtable_count(t), 3);
	/* the whole unsigned range, over and over: bounded by what is open */
	for (int i = 0; i < 100000; i++)
		fdtable_close_range(t, 1, UINT_MAX);
	ck_assert_int_eq(fdtable_count(t), 1);
	ck_assert_ptr_nonnull(fdtable_get(t, 0));
	ck_assert_int_le(t->cap, FDTABLE_DENSE);
	ck_assert_uint_le(t->big.cap, 16);
	fdtable_unref(t);
}
END_TEST

START_TEST(keep_closes_large_fds_not_listed)
{
	struct fdtable *t = fdtable_new();
	const int32_t survivors[] = { INT_MAX, 1, FDTABLE_DENSE, -1 };

	for (int fd = 0; fd < 4; fd++)
		fdtable_open(t, fd, FDK_FILE, "/low", O_RDONLY);
	fdtable_open(t, FDTABLE_DENSE, FDK_FILE, "/edge", O_RDONLY);
	fdtable_open(t, NR_OPEN - 1, FDK_FILE, "/cloexec", O_RDONLY | O_CLOEXEC);
	fdtable_open(t, INT_MAX, FDK_FILE, "/top", O_RDONLY);
	fdtable_keep(t, survivors, 4);                /* after exec: what REC_FDSET lists */
	ck_assert_int_eq(fdtable_count(t), 3);
	ck_assert_str_eq(fdtable_path(t, 1), "/low");
	ck_assert_str_eq(fdtable_path(t, FDTABLE_DENSE), "/edge");
	ck_assert_str_eq(fdtable_path(t, INT_MAX), "/top");
	ck_assert_ptr_null(fdtable_get(t, NR_OPEN - 1));
	fdtable_keep(t, NULL, 0);
	ck_assert_int_eq(fdtable_count(t), 0);
	fdtable_unref(t);
}
END_TEST

START_TEST(many_large_fds_grow_and_shrink_the_map)
{
	struct fdtable *t = fdtable_new(), *c;

	for (int i = 0; i < 3000; i++)
		fdtable_open(t, INT_MAX - i * 7919, FDK_FILE, "/m", O_RDONLY);
	ck_assert_int_eq(fdtable_count(t), 3000);
	ck_assert_int_eq(t->cap, 0);
	c = fdtable_copy(t);
	for (int i = 0; i < 3000; i += 2)
		ck_assert(fdtable_close(t, INT_MAX - i * 7919));
	ck_assert_int_eq(fdtable_count(t), 1500);
	for (int i = 0; i < 3000; i++)
		ck_assert((fdtable_get(t, INT_MAX - i * 7919) != NULL) == (i % 2 == 1));
	ck_assert_int_eq(fdtable_count(c), 3000);
	fdtable_unref(t);
	fdtable_unref(c);
}
END_TEST

START_TEST(rename_renames_the_file_and_what_is_under_a_directory)
{
	struct fdtable *t = fdtable_new();
	struct fobj *f = fdtable_open(t, 3, FDK_FILE, "/w/a.txt", O_WRONLY);
	struct fobj *g = fdtable_open(t, 4, FDK_FILE, "/w/a.txt.bak", O_RDONLY);
	struct fobj *d = fdtable_open(t, 5, FDK_DIR, "/w/d", O_RDONLY);
	struct fobj *u = fdtable_open(t, 100000, FDK_FILE, "/w/d/sub/f", O_RDONLY);
	struct fobj *p = fdtable_open(t, 6, FDK_PIPE, "/w/a.txt", O_RDONLY);

	f->agg = (struct fileagg *)f;   /* any cached total is let go */
	fdtable_rename(t, "/w/a.txt", "/w/b.txt");
	fdtable_rename(t, "/w/d", "/w/e");
	ck_assert_str_eq(f->path, "/w/b.txt");
	ck_assert_ptr_null(f->agg);
	ck_assert_str_eq(g->path, "/w/a.txt.bak");   /* a longer name is another file */
	ck_assert_str_eq(d->path, "/w/e");
	ck_assert_str_eq(u->path, "/w/e/sub/f");
	ck_assert_str_eq(p->path, "/w/a.txt");       /* not a file: its link text stays */
	fdtable_unref(t);
}
END_TEST

START_TEST(mode_follows_the_access_mode)
{
	struct fdtable *t = fdtable_new();

	ck_assert_int_eq(fdtable_mode(O_RDONLY), FM_READ);
	ck_assert_int_eq(fdtable_mode(O_WRONLY), FM_WRITE);
	ck_assert_int_eq(fdtable_mode(O_RDWR), FM_READ | FM_WRITE);
	/* other flags do not change the access mode */
	ck_assert_int_eq(fdtable_mode(O_RDONLY | O_CLOEXEC | O_NONBLOCK), FM_READ);
	ck_assert_int_eq(fdtable_mode(O_WRONLY | O_CREAT | O_TRUNC | O_APPEND), FM_WRITE);
	ck_assert_int_eq(fdtable_mode(O_RDWR | O_CREAT | O_EXCL), FM_READ | FM_WRITE);
	/* and the object opened with flags carries that mode */
	ck_assert_int_eq(fdtable_open(t, 0, FDK_FILE, "/r", O_RDONLY)->mode, FM_READ);
	ck_assert_int_eq(fdtable_open(t, 1, FDK_FILE, "/w", O_WRONLY | O_CREAT)->mode, FM_WRITE);
	ck_assert_int_eq(fdtable_open(t, 2, FDK_FILE, "/rw", O_RDWR)->mode,
			 FM_READ | FM_WRITE);
	fdtable_unref(t);
}
END_TEST

/* The fdtable test suite. */
static Suite *fdtable_suite(void)
{
	Suite *s = suite_create("fdtable");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, open_then_get_and_path_return_the_object);
	tcase_add_test(tc, rename_renames_the_file_and_what_is_under_a_directory);
	tcase_add_test(tc, open_with_null_path_gives_empty_path);
	tcase_add_test(tc, open_on_a_busy_fd_replaces_it);
	tcase_add_test(tc, table_grows_without_losing_fds);
	tcase_add_test(tc, close_reports_whether_the_fd_was_open);
	tcase_add_test(tc, dup2_shares_file_identity);
	tcase_add_test(tc, bytes_through_a_dup_reach_the_same_object);
	tcase_add_test(tc, dup_onto_a_busy_fd_closes_what_was_there);
	tcase_add_test(tc, dup_onto_itself_is_a_noop);
	tcase_add_test(tc, install_of_the_object_already_at_fd_keeps_it_alive);
	tcase_add_test(tc, dup_of_an_unknown_fd_returns_false);
	tcase_add_test(tc, copy_shares_objects_but_not_fd_slots);
	tcase_add_test(tc, copy_of_an_empty_table_is_empty_and_usable);
	tcase_add_test(tc, ref_shares_the_whole_table);
	tcase_add_test(tc, refcounts_balance_across_dups_copies_and_refs);
	tcase_add_test(tc, unref_of_null_is_harmless);
	tcase_add_test(tc, close_range_closes_exactly_the_range);
	tcase_add_test(tc, keep_leaves_only_the_listed_fds);
	tcase_add_test(tc, keep_of_nothing_closes_everything);
	tcase_add_test(tc, negative_fds_are_rejected);
	tcase_add_test(tc, huge_fds_cost_what_they_hold);
	tcase_add_test(tc, dups_cross_the_array_map_threshold);
	tcase_add_test(tc, copies_and_shares_keep_large_fds);
	tcase_add_test(tc, copies_hold_only_up_to_the_highest_open_fd);
	tcase_add_test(tc, a_copy_grows_no_further_than_the_array);
	tcase_add_test(tc, close_range_walks_open_fds_not_numbers);
	tcase_add_test(tc, keep_closes_large_fds_not_listed);
	tcase_add_test(tc, many_large_fds_grow_and_shrink_the_map);
	tcase_add_test(tc, mode_follows_the_access_mode);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(fdtable_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
