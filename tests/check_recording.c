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
 *
 * The program's terminal output (REC_OUTPUT, version 6) reads back byte for
 * byte with its times; past the output bound the bytes left out are
 * counted in the records, to the byte; a version 5 file still reads; an
 * output record cut short is torn, not damage.  A replay seeking back
 * reads the file again from its start; forward, it only moves its clock.
 * A recording read from a pipe, cut at any byte, replays up to the cut
 * (or is truncated inside its header) and refuses to be read again; one
 * still being written gives its records as they come, and meanwhile no
 * record, not the end; a file opened before its writer wrote its header
 * waits for the header.  Recordings merged (--replay A B) come in the
 * order of the earliest one's clock, the others moved by how much later
 * they began, each one's pids marked with its index.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"
#include "recording.h"
#include "replay.h"

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

/* Records read from the first len bytes of m sent through a pipe (as
 * --record - | --replay - would), or -1 when it does not open; *torn gets
 * the dropped bytes and *rewind what a seek back got. */
static int piped(const struct made *m, size_t len, size_t *torn, int *rewind)
{
	char why[256] = "";
	struct recording *r;
	const void *rec;
	size_t n_len;
	int fds[2], n = 0, got;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], m->bytes, len), (ssize_t)len);   /* < a pipe's 64 KiB */
	close(fds[1]);
	r = recording_open_fd(fds[0], "standard input", why, sizeof(why));
	if (!r) {
		ck_assert_str_eq(why, "standard input: recording is truncated (cut inside its header)");
		return -1;
	}
	while ((got = recording_next(r, &rec, &n_len, why, sizeof(why))) > 0)
		n++;
	ck_assert_int_eq(got, 0);
	*torn = recording_torn(r);
	*rewind = recording_rewind(r);
	recording_close(r);
	return n;
}

START_TEST(a_stream_cut_anywhere_replays_up_to_the_cut)
{
	struct made m;
	size_t torn;
	int rewind;

	make(&m);
	for (size_t len = 0; len <= m.len; len++) {
		size_t body = len - m.header_len;
		int n = piped(&m, len, &torn, &rewind);

		if (len < m.header_len) {
			ck_assert_int_eq(n, -1);
			continue;
		}
		ck_assert_int_eq(n, (int)(body / m.rec_len));
		ck_assert_uint_eq(torn, body % m.rec_len);
		ck_assert_int_eq(rewind, -ESPIPE);
	}
	unlink(m.path);
	free(m.bytes);
}
END_TEST

START_TEST(a_live_stream_waits_for_records_as_they_come)
{
	struct made m;
	struct replay rp;
	struct recording *r;
	char why[256] = "";
	size_t len;
	int fds[2];

	make(&m);
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], m.bytes, m.header_len), (ssize_t)m.header_len);
	r = recording_open_fd(fds[0], "standard input", why, sizeof(why));
	ck_assert_msg(r != NULL, "open: %s", why);
	replay_init(&rp, r, 0);
	ck_assert(rp.live);
	/* Nothing yet: no record, not over, and the caller polls the pipe. */
	ck_assert_ptr_null(replay_pull(&rp, 1, &len));
	ck_assert(rp.waiting && !rp.eof);
	ck_assert_uint_eq(replay_wait_ns(&rp, 1), UINT64_MAX);
	ck_assert_int_eq(recording_stream_fd(r), fds[0]);
	/* The first record comes, then the second, then the end. */
	ck_assert_int_eq(write(fds[1], m.bytes + m.header_len, m.rec_len), (ssize_t)m.rec_len);
	ck_assert_ptr_nonnull(replay_pull(&rp, 2, &len));
	ck_assert_ptr_null(replay_pull(&rp, 3, &len));
	ck_assert(rp.waiting && !rp.eof);
	ck_assert_int_eq(write(fds[1], m.bytes + m.header_len + m.rec_len, m.rec_len),
			 (ssize_t)m.rec_len);
	close(fds[1]);
	ck_assert_ptr_nonnull(replay_pull(&rp, 4, &len));
	ck_assert_ptr_null(replay_pull(&rp, 5, &len));
	ck_assert(rp.eof && !rp.waiting && !rp.why[0]);
	recording_close(r);
	unlink(m.path);
	free(m.bytes);
}
END_TEST

START_TEST(a_file_opened_before_its_writer_wrote_the_header_waits_for_it)
{
	struct made m;
	char why[256] = "";
	struct recording *r;
	const void *rec;
	size_t len;
	int n = 0, wfd;
	pid_t pid;

	make(&m);
	wfd = open(m.path, O_WRONLY | O_TRUNC);   /* empty, and open for writing */
	ck_assert_int_ge(wfd, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		usleep(200000);
		_exit(write(wfd, m.bytes, m.len) == (ssize_t)m.len ? 0 : 1);
	}
	close(wfd);   /* the child holds it open until it has written */
	r = recording_open(m.path, why, sizeof(why));
	ck_assert_msg(r != NULL, "open: %s", why);
	while (recording_next(r, &rec, &len, why, sizeof(why)) > 0)
		n++;
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(n, 2);
	recording_close(r);
	unlink(m.path);
	free(m.bytes);
}
END_TEST

/* A new empty file name for a recording. */
static void temp_path(char *path, size_t cap)
{
	int fd;

	snprintf(path, cap, "/tmp/check_recording.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

/* Append a REC_NOTE at ts to r. */
static void note_at(struct recording *r, uint64_t ts)
{
	struct recbuf b;
	struct rec_note *n = rec_begin(&b, REC_NOTE, ts, 7, 7, sizeof(*n));

	n->text_len = 2;
	rec_blob(&b, "hi", 2);
	ck_assert_int_eq(recording_append(r, b.buf, rec_finish(&b)), 0);
}

/* What a recording's REC_OUTPUTs said: their bytes, times and counts. */
struct outputs {
	char bytes[200000];
	size_t len, nrec;
	uint64_t ts[16], dropped[16], lens[16];
	uint16_t flags[16];
	int notes;
};

/* Read path, collecting its REC_OUTPUTs into o; returns the torn bytes. */
static size_t read_outputs(const char *path, struct outputs *o)
{
	char why[256] = "";
	struct recording *r = recording_open(path, why, sizeof(why));
	const void *rec;
	size_t len, torn;
	int got;

	ck_assert_msg(r != NULL, "open: %s", why);
	memset(o, 0, sizeof(*o));
	while ((got = recording_next(r, &rec, &len, why, sizeof(why))) > 0) {
		const struct rec_hdr *h = rec;
		const struct rec_output *out = rec_payload(h);

		if (h->type == REC_NOTE) {
			o->notes++;
			continue;
		}
		ck_assert_int_eq(h->type, REC_OUTPUT);
		ck_assert_uint_lt(o->nrec, 16);
		ck_assert_uint_le(o->len + out->len, sizeof(o->bytes));
		memcpy(o->bytes + o->len, out + 1, out->len);
		o->len += out->len;
		o->ts[o->nrec] = h->ts;
		o->dropped[o->nrec] = out->dropped;
		o->lens[o->nrec] = out->len;
		o->flags[o->nrec++] = h->flags;
	}
	ck_assert_msg(got == 0, "read: %s", why);
	ck_assert_uint_eq(recording_version(r), RECORDING_VERSION);
	torn = recording_torn(r);
	recording_close(r);
	return torn;
}

START_TEST(output_reads_back_byte_for_byte_with_its_times)
{
	char path[64], big[100000];
	char *const argv[] = { NULL };
	struct outputs *o = malloc(sizeof(*o));
	struct recording *r;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	temp_path(path, sizeof(path));
	r = recording_create(path, argv);
	note_at(r, 1000);
	ck_assert_int_eq(recording_output_begin(r, 1000), 0);
	ck_assert_int_eq(recording_output(r, 2000, "tick 1\r\n", 8), 0);
	ck_assert_int_eq(recording_output(r, 3000, big, sizeof(big)), 0);
	note_at(r, 4000);
	ck_assert_int_eq(recording_close(r), 0);
	ck_assert_uint_eq(read_outputs(path, o), 0);
	ck_assert_int_eq(o->notes, 2);
	/* the marker, the line, then the 100000 bytes in 32 KiB records */
	ck_assert_uint_eq(o->nrec, 6);
	ck_assert_uint_eq(o->flags[0], OUTPUT_F_CAPTURED);
	ck_assert_uint_eq(o->lens[0], 0);
	ck_assert_uint_eq(o->ts[1], 2000);
	ck_assert_uint_eq(o->lens[1], 8);
	for (size_t i = 2; i < 6; i++) {
		ck_assert_uint_eq(o->ts[i], 3000);
		ck_assert_uint_eq(o->lens[i], i < 5 ? 32768 : 100000 - 3 * 32768);
		ck_assert_uint_eq(o->dropped[i], 0);
	}
	ck_assert_uint_eq(o->len, 8 + sizeof(big));
	ck_assert_int_eq(memcmp(o->bytes, "tick 1\r\n", 8), 0);
	ck_assert_int_eq(memcmp(o->bytes + 8, big, sizeof(big)), 0);
	unlink(path);
	free(o);
}
END_TEST

START_TEST(output_past_the_bound_is_counted_to_the_byte)
{
	char path[64];
	char *const argv[] = { NULL };
	struct outputs *o = malloc(sizeof(*o));
	struct recording *r;
	const uint64_t s = 1000000000ull;
	char junk[100];

	memset(junk, 'x', sizeof(junk));
	temp_path(path, sizeof(path));
	r = recording_create(path, argv);
	recording_set_output_max(r, 10);
	ck_assert_int_eq(recording_output(r, 5 * s, "012345", 6), 0);
	ck_assert_int_eq(recording_output(r, 5 * s + 1, "6789abcd", 8), 0);   /* 4 kept, 4 left out */
	ck_assert_int_eq(recording_output(r, 5 * s + s / 2, junk, 100), 0);  /* counted, said later */
	ck_assert_int_eq(recording_output(r, 6 * s + s / 2, junk, 50), 0);   /* a second on: said */
	ck_assert_int_eq(recording_output(r, 6 * s + s / 2 + 1, junk, 7), 0);
	ck_assert_int_eq(recording_close(r), 0);                               /* the last 7 */
	ck_assert_uint_eq(read_outputs(path, o), 0);
	ck_assert_uint_eq(o->len, 10);
	ck_assert_int_eq(memcmp(o->bytes, "0123456789", 10), 0);
	ck_assert_uint_eq(o->nrec, 5);
	ck_assert_uint_eq(o->dropped[2], 4);
	ck_assert_uint_eq(o->ts[2], 5 * s + 1);
	ck_assert_uint_eq(o->dropped[3], 150);
	ck_assert_uint_eq(o->ts[3], 6 * s + s / 2);
	ck_assert_uint_eq(o->dropped[4], 7);
	ck_assert_uint_eq(o->ts[4], 6 * s + s / 2 + 1);
	unlink(path);
	free(o);
}
END_TEST

START_TEST(a_version_5_recording_reads_without_output)
{
	struct made m;
	char why[256] = "";
	uint32_t v = 5;
	struct recording *r;
	const void *rec;
	size_t len;
	int n = 0;

	make(&m);
	memcpy(m.bytes + 8, &v, 4);
	cut(&m, m.len);
	r = recording_open(m.path, why, sizeof(why));
	ck_assert_msg(r != NULL, "open: %s", why);
	ck_assert_uint_eq(recording_version(r), 5);
	while (recording_next(r, &rec, &len, why, sizeof(why)) > 0) {
		ck_assert_int_eq(((const struct rec_hdr *)rec)->type, REC_NOTE);
		n++;
	}
	ck_assert_int_eq(n, 2);
	recording_close(r);
	unlink(m.path);
	free(m.bytes);
}
END_TEST

START_TEST(an_output_record_cut_short_is_torn)
{
	char path[64];
	char *const argv[] = { NULL };
	struct outputs *o = malloc(sizeof(*o));
	struct recording *r;
	FILE *f;
	long size;

	temp_path(path, sizeof(path));
	r = recording_create(path, argv);
	note_at(r, 1000);
	ck_assert_int_eq(recording_output(r, 2000, "first\n", 6), 0);
	ck_assert_int_eq(recording_output(r, 3000, "second line\n", 12), 0);
	ck_assert_int_eq(recording_close(r), 0);
	f = fopen(path, "r+b");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	ck_assert_int_eq(ftruncate(fileno(f), size - 5), 0);
	fclose(f);
	/* the last record: a 24-byte header, 16 fixed, 12 bytes padded to 16 */
	ck_assert_uint_eq(read_outputs(path, o), 24 + 16 + 16 - 5);
	ck_assert_uint_eq(o->nrec, 1);
	ck_assert_uint_eq(o->len, 6);
	ck_assert_int_eq(memcmp(o->bytes, "first\n", 6), 0);
	unlink(path);
	free(o);
}
END_TEST

/* Times of the records rp gives out at wall-clock time now, up to max. */
static size_t pulled(struct replay *rp, uint64_t now, uint64_t *ts, size_t max)
{
	const void *rec;
	size_t len, n = 0;

	while (n < max && (rec = replay_pull(rp, now, &len)))
		ts[n++] = ((const struct rec_hdr *)rec)->ts;
	return n;
}

START_TEST(a_replay_seeks_back_by_reading_again_and_forward_by_its_clock)
{
	char path[64], why[256];
	char *const argv[] = { NULL };
	struct recording *r;
	struct replay rp;
	uint64_t ts[8];

	temp_path(path, sizeof(path));
	r = recording_create(path, argv);
	for (uint64_t t = 1000; t <= 4000; t += 1000)
		note_at(r, t);
	ck_assert_int_eq(recording_close(r), 0);
	r = recording_open(path, why, sizeof(why));
	ck_assert_ptr_nonnull(r);
	replay_init(&rp, r, 0);
	ck_assert_uint_eq(pulled(&rp, 10, ts, 8), 4);
	ck_assert(rp.eof);
	/* back to +1500 ns: read again, paused there */
	ck_assert_int_eq(replay_seek(&rp, 1500, 20), 1);
	ck_assert(rp.paused);
	ck_assert_uint_eq(pulled(&rp, 30, ts, 8), 2);
	ck_assert_uint_eq(ts[0], 1000);
	ck_assert_uint_eq(ts[1], 2000);
	ck_assert_uint_eq(replay_now(&rp, 40), 2500);
	ck_assert_uint_eq(replay_wait_ns(&rp, 40), UINT64_MAX);
	/* forward to +2000: nothing read again, one more due */
	ck_assert_int_eq(replay_seek(&rp, 2000, 50), 0);
	ck_assert_uint_eq(pulled(&rp, 60, ts, 8), 1);
	ck_assert_uint_eq(ts[0], 3000);
	/* to the start: only the first record */
	ck_assert_int_eq(replay_seek(&rp, 0, 70), 1);
	ck_assert_uint_eq(pulled(&rp, 80, ts, 8), 1);
	ck_assert_uint_eq(ts[0], 1000);
	/* to the end: every record left, paused or not */
	replay_seek_end(&rp, 90);
	ck_assert_uint_eq(pulled(&rp, 100, ts, 8), 3);
	ck_assert_uint_eq(ts[2], 4000);
	ck_assert(rp.eof);
	ck_assert_uint_eq(replay_now(&rp, 110), 4000);
	recording_close(r);
	unlink(path);
}
END_TEST

START_TEST(a_seek_before_the_first_record_waits_for_it)
{
	char path[64], why[256];
	char *const argv[] = { NULL };
	struct recording *r;
	struct replay rp;
	uint64_t ts[8];

	temp_path(path, sizeof(path));
	r = recording_create(path, argv);
	for (uint64_t t = 1000; t <= 4000; t += 1000)
		note_at(r, t);
	ck_assert_int_eq(recording_close(r), 0);
	r = recording_open(path, why, sizeof(why));
	replay_init(&rp, r, 1);
	ck_assert_int_eq(replay_seek(&rp, 2000, 0), 0);   /* --replay-from */
	ck_assert_uint_eq(pulled(&rp, 5, ts, 8), 3);
	ck_assert_uint_eq(pulled(&rp, 1000000, ts, 8), 0);   /* paused */
	replay_set_paused(&rp, false, 1000000);
	ck_assert_uint_eq(pulled(&rp, 1001000, ts, 8), 1);    /* 1x: 1000 ns later */
	ck_assert_uint_eq(ts[0], 4000);
	recording_close(r);
	unlink(path);
}
END_TEST

START_TEST(replay_times_parse)
{
	static const struct { const char *s; uint64_t ns; } ok[] = {
		{ "2.5", 2500000000ull }, { "+2.5s", 2500000000ull }, { "1500ms", 1500000000ull },
		{ "1m30s", 90000000000ull }, { "0", 0 }, { "+0s", 0 }, { "250us", 250000 },
		{ "7ns", 7 }, { "1m", 60000000000ull },
	};
	static const char *const bad[] = { "", "+", "s", "-1", "2.5x", "1 s", "abc", "1e30", "2.5sec" };
	uint64_t ns;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(replay_parse_time(ok[i].s, &ns) == 0, "%s refused", ok[i].s);
		ck_assert_msg(ns == ok[i].ns, "%s: %llu", ok[i].s, (unsigned long long)ns);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(replay_parse_time(bad[i], &ns) < 0, "%s taken", bad[i]);
}
END_TEST

/* A recording at path started at wall-clock time wall (ns), its own clock
 * at t0: a start record of process pid, then a REC_NEWTASK (child pid + 1)
 * and a REC_SYSCALL (its entry 5 ns before it) at t0 + each of dts. */
static void make_run(const char *path, uint64_t wall, uint64_t t0, int pid,
		     const uint64_t *dts, size_t n)
{
	char prog[] = "prog";
	char *const argv[] = { prog, NULL };
	struct recording *r = recording_create(path, argv);
	struct recbuf b;
	struct rec_start *st;

	ck_assert_ptr_nonnull(r);
	st = rec_begin(&b, REC_START, t0, pid, pid, sizeof(*st));
	st->pid = pid;
	st->tracer_pid = pid - 1;
	st->realtime_ns = wall;
	ck_assert_int_eq(recording_append(r, b.buf, rec_finish(&b)), 0);
	for (size_t i = 0; i < n; i++) {
		struct rec_newtask *nt = rec_begin(&b, REC_NEWTASK, t0 + dts[i], pid, pid, sizeof(*nt));
		struct rec_syscall *sc;

		nt->child = pid + 1;
		ck_assert_int_eq(recording_append(r, b.buf, rec_finish(&b)), 0);
		sc = rec_begin(&b, REC_SYSCALL, t0 + dts[i], pid, pid, sizeof(*sc));
		sc->nr = 0;
		sc->entry_ts = t0 + dts[i] - 5;
		ck_assert_int_eq(recording_append(r, b.buf, rec_finish(&b)), 0);
	}
	ck_assert_int_eq(recording_close(r), 0);
}

/* Two recordings made with other clocks, the second started 300 ns later
 * (wall clock), both of pid 40: merged, their records come in the order of
 * the first one's clock, the second's moved, its pids marked with 1; a
 * second made on the same host is labelled "#2"; reading again gives the
 * same; a damaged second one ends there, the first plays on, and the
 * damage is said with its name. */
START_TEST(recordings_merge_by_wall_clock_and_keep_their_pids_apart)
{
	static const uint64_t da[] = { 100, 400, 900 }, db[] = { 50, 250 };
	char pa[64], pb[64];
	char *names[2] = { pa, pb };
	struct recording *parts[2], *m;
	const struct rec_hdr *h;
	const void *rec;
	size_t len, nlabels;
	char why[256];
	/* (time on the first's clock, run, type): b's t0 + 50 is a's 300 + 50 */
	static const struct { uint64_t ts; unsigned run; uint16_t type; } want[] = {
		{ 1000, 0, REC_START }, { 1100, 0, REC_NEWTASK }, { 1100, 0, REC_SYSCALL },
		{ 1300, 1, REC_START }, { 1350, 1, REC_NEWTASK }, { 1350, 1, REC_SYSCALL },
		{ 1400, 0, REC_NEWTASK }, { 1400, 0, REC_SYSCALL },
		{ 1550, 1, REC_NEWTASK }, { 1550, 1, REC_SYSCALL },
		{ 1900, 0, REC_NEWTASK }, { 1900, 0, REC_SYSCALL },
	};

	temp_path(pa, sizeof(pa));
	temp_path(pb, sizeof(pb));
	make_run(pa, 5000000000ull, 1000, 40, da, 3);
	make_run(pb, 5000000300ull, 77000, 40, db, 2);
	for (int pass = 0; pass < 2; pass++) {
		parts[0] = recording_open(pa, why, sizeof(why));
		parts[1] = recording_open(pb, why, sizeof(why));
		ck_assert_ptr_nonnull(parts[0]);
		ck_assert_ptr_nonnull(parts[1]);
		m = recording_merge(parts, names, 2, why, sizeof(why));
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(recording_labels(m, &nlabels) != NULL, 1);
		ck_assert_uint_eq(nlabels, 2);
		ck_assert_str_ne(recording_labels(m, &nlabels)[0], recording_labels(m, &nlabels)[1]);
		ck_assert_ptr_nonnull(strstr(recording_labels(m, &nlabels)[1], "#2"));
		for (int again = 0; again < 2; again++) {
			for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
				int pid = 40 | (int)(want[i].run << REC_RUN_SHIFT);

				ck_assert_int_eq(recording_next(m, &rec, &len, why, sizeof(why)), 1);
				h = rec;
				ck_assert_uint_eq(h->ts, want[i].ts);
				ck_assert_uint_eq(h->type, want[i].type);
				ck_assert_uint_eq(recording_run(m), want[i].run);
				ck_assert_int_eq(h->tgid, pid);
				if (h->type == REC_START) {
					ck_assert_int_eq(((const struct rec_start *)rec_payload(h))->pid, pid);
					ck_assert_int_eq(((const struct rec_start *)rec_payload(h))->tracer_pid,
							 pid - 1);
				}
				if (h->type == REC_NEWTASK)
					ck_assert_int_eq(((const struct rec_newtask *)rec_payload(h))->child,
							 pid + 1);
				if (h->type == REC_SYSCALL)
					ck_assert_uint_eq(((const struct rec_syscall *)rec_payload(h))->entry_ts,
							  want[i].ts - 5);
			}
			ck_assert_int_eq(recording_next(m, &rec, &len, why, sizeof(why)), 0);
			ck_assert_int_eq(recording_rewind(m), 0);
		}
		recording_close(m);
		if (pass == 0) {
			/* damage the second one's last record's length */
			FILE *f = fopen(pb, "r+b");
			long end;

			ck_assert_ptr_nonnull(f);
			fseek(f, 0, SEEK_END);
			end = ftell(f);
			ck_assert_int_eq(fseek(f, end - (long)rec_align(sizeof(struct rec_hdr) +
						sizeof(struct rec_syscall)) + 8, SEEK_SET), 0);
			fputc(3, f);
			fclose(f);
			break;
		}
	}
	parts[0] = recording_open(pa, why, sizeof(why));
	parts[1] = recording_open(pb, why, sizeof(why));
	m = recording_merge(parts, names, 2, why, sizeof(why));
	ck_assert_ptr_nonnull(m);
	{
		int got, n = 0, n0 = 0;

		while ((got = recording_next(m, &rec, &len, why, sizeof(why))) == 1) {
			n++;
			n0 += recording_run(m) == 0;
		}
		ck_assert_int_eq(got, -1);
		ck_assert_int_eq(n0, 7);      /* the first one whole */
		ck_assert_int_eq(n, 7 + 4);   /* the second up to its damaged last record */
		ck_assert_ptr_nonnull(strstr(why, pb));
		ck_assert_ptr_nonnull(strstr(why, "damaged"));
	}
	recording_close(m);
	unlink(pa);
	unlink(pb);
}
END_TEST

static Suite *recording_suite(void)
{
	Suite *s = suite_create("recording");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_cut_inside_the_header_is_truncated);
	tcase_add_test(tc, foreign_magic_and_unknown_version_are_refused);
	tcase_add_test(tc, cuts_after_the_header_replay_up_to_the_cut);
	tcase_add_test(tc, a_stream_cut_anywhere_replays_up_to_the_cut);
	tcase_add_test(tc, a_live_stream_waits_for_records_as_they_come);
	tcase_add_test(tc, a_file_opened_before_its_writer_wrote_the_header_waits_for_it);
	tcase_add_test(tc, output_reads_back_byte_for_byte_with_its_times);
	tcase_add_test(tc, output_past_the_bound_is_counted_to_the_byte);
	tcase_add_test(tc, a_version_5_recording_reads_without_output);
	tcase_add_test(tc, an_output_record_cut_short_is_torn);
	tcase_add_test(tc, a_replay_seeks_back_by_reading_again_and_forward_by_its_clock);
	tcase_add_test(tc, a_seek_before_the_first_record_waits_for_it);
	tcase_add_test(tc, replay_times_parse);
	tcase_add_test(tc, recordings_merge_by_wall_clock_and_keep_their_pids_apart);
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
