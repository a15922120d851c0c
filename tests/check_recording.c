/*
 * check_recording.c - Check suite for src/recording.c (reading side).
 *
 * A recording made with recording_create is cut at every length inside its
 * header (0 up to the header's length minus one, the command included):
 * every cut must refuse to open with "FILE: recording is truncated (cut
 * inside its header)", never read as an empty recording.  A header with a
 * foreign magic or an unknown version is refused with its own sentence, and
 * cuts after the header still replay the whole records before the cut and
 * count the torn bytes, as before.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "recording.h"

struct made {
	char path[64];
	unsigned char *bytes;
	size_t len;
	size_t header_len;
	size_t rec_len;            /* length of each of the two records */
};

/* A recording of "prog arg" holding two REC_NOTE records, read back whole. */
static void make(struct made *m)
{
	char prog[] = "prog", arg[] = "some-argument";
	char *const argv[] = { prog, arg, NULL };
	struct recbuf b;
	struct recording *r;
	struct rec_note *n;
	uint32_t hl;
	FILE *f;
	int fd;

	snprintf(m->path, sizeof(m->path), "/tmp/check_recording.XXXXXX");
	fd = mkstemp(m->path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	r = recording_create(m->path, argv);
	ck_assert_ptr_nonnull(r);
	for (int i = 0; i < 2; i++) {
		n = rec_begin(&b, REC_NOTE, 1000 + (uint64_t)i, 7, 7, sizeof(*n));
		n->text_len = 5;
		rec_blob(&b, "hello", 5);
		m->rec_len = rec_finish(&b);
		ck_assert_int_eq(recording_append(r, b.buf, b.len), 0);
	}
	ck_assert_int_eq(recording_close(r), 0);
	f = fopen(m->path, "rb");
	ck_assert_ptr_nonnull(f);
	m->bytes = malloc(1 << 16);
	m->len = fread(m->bytes, 1, 1 << 16, f);
	fclose(f);
	memcpy(&hl, m->bytes + 12, sizeof(hl));
	m->header_len = hl;
	ck_assert_uint_eq(m->len, m->header_len + 2 * m->rec_len);
}

/* Write the first len bytes of m (after patching) to the file again. */
static void cut(const struct made *m, size_t len)
{
	FILE *f = fopen(m->path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(m->bytes, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* recording_open's refusal of the file as it is now ("" when it opens). */
static const char *refusal(const struct made *m, char *why, size_t cap)
{
	struct recording *r;

	why[0] = '\0';
	r = recording_open(m->path, why, cap);
	if (r) {
		recording_close(r);
		ck_assert_str_eq(why, "");
	}
	return why;
}

START_TEST(every_cut_inside_the_header_is_truncated)
{
	struct made m;
	char why[512], want[512];

	make(&m);
	snprintf(want, sizeof(want), "%s: recording is truncated (cut inside its header)", m.path);
	ck_assert_uint_gt(m.header_len, 88);   /* fixed part and the command */
	for (size_t len = 0; len < m.header_len; len++) {
		cut(&m, len);
		ck_assert_msg(strcmp(refusal(&m, why, sizeof(why)), want) == 0,
			      "cut at %zu of %zu: got \"%s\"", len, m.header_len, why);
	}
	cut(&m, m.header_len);
	ck_assert_str_eq(refusal(&m, why, sizeof(why)), "");
	unlink(m.path);
	free(m.bytes);
}
END_TEST

START_TEST(foreign_magic_and_unknown_version_are_refused)
{
	struct made m;
	char why[512], want[512];
	uint32_t v = RECORDING_VERSION + 1;

	make(&m);
	m.bytes[0] = 'X';
	for (size_t len = 1; len <= m.len; len += m.len - 1) {
		cut(&m, len);
		snprintf(want, sizeof(want), "%s is not a compendium-tui recording (made with --record)",
			 m.path);
		ck_assert_str_eq(refusal(&m, why, sizeof(why)), want);
	}
	m.bytes[0] = 'C';
	memcpy(m.bytes + 8, &v, 4);
	snprintf(want, sizeof(want), "%s is a recording of format version %u, which this "
		 "compendium-tui cannot read; use a newer compendium-tui", m.path, v);
	for (size_t len = 12; len <= m.len; len += m.len - 12) {
		cut(&m, len);
		ck_assert_str_eq(refusal(&m, why, sizeof(why)), want);
	}
	unlink(m.path);
	free(m.bytes);
}
END_TEST

/* Records read from the file as it is now; *torn gets the dropped bytes. */
static int replayed(const struct made *m, size_t *torn)
{
	char why[256] = "";
	struct recording *r = recording_open(m->path, why, sizeof(why));
	const void *rec;
	size_t len;
	int n = 0, got;

	ck_assert_msg(r != NULL, "open: %s", why);
	while ((got = recording_next(r, &rec, &len, why, sizeof(why))) > 0)
		n++;
	ck_assert_int_eq(got, 0);
	*torn = recording_torn(r);
	recording_close(r);
	return n;
}

START_TEST(cuts_after_the_header_replay_up_to_the_cut)
{
	struct made m;
	size_t torn;

	make(&m);
	for (size_t len = m.header_len; len <= m.len; len++) {
		size_t body = len - m.header_len;
		int whole = (int)(body / m.rec_len);

		cut(&m, len);
		ck_assert_int_eq(replayed(&m, &torn), whole);
		ck_assert_uint_eq(torn, body % m.rec_len);
	}
	unlink(m.path);
	free(m.bytes);
}
END_TEST

static Suite *recording_suite(void)
{
	Suite *s = suite_create("recording");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_cut_inside_the_header_is_truncated);
	tcase_add_test(tc, foreign_magic_and_unknown_version_are_refused);
	tcase_add_test(tc, cuts_after_the_header_replay_up_to_the_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(recording_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
