/*
 * check_pump.c - Check suite for src/pump.c, the one record pump.
 *
 * Records are REC_NOTEs whose text names them, so the model's notes show
 * exactly what was fed and in which order.  Live: the tracer's and the
 * fault sampler's queues merged by time, then the eBPF reader's; invalid
 * records skipped; --record gets every valid record and is flushed after
 * each drain; a write error stops it and is kept; output far behind its
 * reader holds records back until released; a drain past its time leaves
 * the rest.  Replayed: all at once, or each record when its time comes,
 * paused, then all at once again.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evq.h"
#include "model.h"
#include "output.h"
#include "pump.h"
#include "record.h"
#include "recording.h"
#include "replay.h"

#define QBYTES (1u << 20)
#define MS 1000000ull

static struct recbuf rb;

/* A REC_NOTE named text at time ts, in rb. */
static void note(uint64_t ts, const char *text)
{
	struct rec_note *n = rec_begin(&rb, REC_NOTE, ts, 7, 7, sizeof(*n));

	n->text_len = (uint32_t)strlen(text);
	rec_blob(&rb, text, n->text_len);
	rec_finish(&rb);
}

/* Queue a note named text at ts on q. */
static void put(struct evq *q, uint64_t ts, const char *text)
{
	note(ts, text);
	ck_assert(evq_put(q, rb.buf, rb.len));
}

/* The model's notes joined with spaces ("" for none). */
static const char *fed(const struct model *m)
{
	static char buf[256];
	const char *const *v = model_notes(m);
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; v && v[i]; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", v[i]);
	return buf;
}

/* A model that has seen the REC_START of pid 7 (the pump's records follow it). */
static struct model *started_model(void)
{
	struct model *m = model_new();
	struct rec_start *st = rec_begin(&rb, REC_START, 1, 7, 7, sizeof(*st));

	st->pid = 7;
	st->mode = START_SPAWN;
	rec_blob(&rb, "prog", 5);
	st->argv_len = 5;
	rec_finish(&rb);
	model_ingest(m, (const struct rec_hdr *)rb.buf);
	return m;
}

static int done_calls;

/* pump_live.tracer_done: count the calls. */
static void count_done(void *ctx)
{
	(void)ctx;
	done_calls++;
}

/* The live queues of one test. */
struct live {
	struct evq *tq, *fq, *bq;
	struct model *m;
	struct pump *p;
};

/* Queues and a pump over them (faults and ebpf only when asked). */
static void live_open(struct live *l, bool faults, bool ebpf)
{
	struct pump_live src = { .tracer_done = count_done };

	l->tq = evq_new(QBYTES);
	l->fq = faults ? evq_new(QBYTES) : NULL;
	l->bq = ebpf ? evq_new(QBYTES) : NULL;
	src.tracer_q = l->tq;
	src.faults_q = l->fq;
	src.ebpf_q = l->bq;
	l->m = started_model();
	l->p = pump_new_live(l->m, &src);
	done_calls = 0;
}

/* Close every producer side. */
static void live_close_queues(struct live *l)
{
	evq_close(l->tq);
	if (l->fq)
		evq_close(l->fq);
	if (l->bq)
		evq_close(l->bq);
}

static void live_free(struct live *l)
{
	pump_free(l->p);
	model_free(l->m);
	evq_free(l->tq);
	evq_free(l->fq);
	evq_free(l->bq);
}

START_TEST(merged_queues_in_time_order_then_the_kernel_s)
{
	struct live l;

	live_open(&l, true, true);
	put(l.tq, 10, "t10");
	put(l.tq, 30, "t30");
	put(l.fq, 20, "f20");
	put(l.fq, 40, "f40");
	put(l.bq, 5, "b5");
	live_close_queues(&l);
	ck_assert(!pump_done(l.p));
	ck_assert_uint_eq(pump_drain(l.p, 1000 * MS), 5);
	ck_assert_str_eq(fed(l.m), "t10 f20 t30 f40 b5");
	ck_assert(pump_done(l.p));
	ck_assert_int_eq(done_calls, 1);
	ck_assert_uint_eq(pump_drain(l.p, 1000 * MS), 0);
	ck_assert_int_eq(done_calls, 1);   /* once only */
	live_free(&l);
}
END_TEST

START_TEST(the_reader_is_told_only_when_the_tracer_is_over)
{
	struct live l;

	live_open(&l, false, true);
	put(l.tq, 10, "t10");
	evq_close(l.tq);
	put(l.bq, 5, "b5");
	ck_assert_uint_eq(pump_drain(l.p, 1000 * MS), 2);
	ck_assert_int_eq(done_calls, 1);
	ck_assert(!pump_done(l.p));        /* the reader's queue is still open */
	evq_close(l.bq);
	ck_assert(pump_done(l.p));
	live_free(&l);
}
END_TEST

/* A recording file for this test: its path in buf. */
static void temp_path(char *buf, size_t cap)
{
	int fd;

	snprintf(buf, cap, "/tmp/check_pump.XXXXXX");
	fd = mkstemp(buf);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

/* Records in the recording at path as it is on disk now. */
static int on_disk(const char *path)
{
	char why[256] = "";
	struct recording *r = recording_open(path, why, sizeof(why));
	const void *rec;
	size_t len;
	int n = 0;

	ck_assert_msg(r != NULL, "%s", why);
	while (recording_next(r, &rec, &len, why, sizeof(why)) > 0)
		n++;
	recording_close(r);
	return n;
}

START_TEST(valid_records_are_recorded_and_flushed_after_each_drain)
{
	char path[64], prog[] = "prog", *argv[] = { prog, NULL };
	uint64_t junk[4] = { 0 };
	struct recording *rec;
	struct live l;

	temp_path(path, sizeof(path));
	rec = recording_create(path, argv);
	ck_assert_ptr_nonnull(rec);
	live_open(&l, false, false);
	pump_set_recording(l.p, rec);
	put(l.tq, 10, "a");
	ck_assert(evq_put(l.tq, junk, sizeof(junk)));   /* no valid record */
	put(l.tq, 20, "b");
	evq_flush(l.tq);
	ck_assert_uint_eq(pump_drain(l.p, 1000 * MS), 3);
	ck_assert_str_eq(fed(l.m), "a b");
	ck_assert_int_eq(on_disk(path), 2);   /* on disk before the recording is closed */
	ck_assert_int_eq(pump_record_error(l.p), 0);
	ck_assert_int_eq(recording_close(rec), 0);
	live_free(&l);
	unlink(path);
}
END_TEST

START_TEST(a_recording_that_cannot_be_written_stops_and_says_why)
{
	char prog[] = "prog", *argv[] = { prog, NULL };
	struct recording *rec = recording_create("/dev/full", argv);
	struct live l;

	ck_assert_ptr_nonnull(rec);
	live_open(&l, false, false);
	pump_set_recording(l.p, rec);
	put(l.tq, 10, "a");
	evq_flush(l.tq);
	pump_drain(l.p, 1000 * MS);
	ck_assert_int_eq(pump_record_error(l.p), -ENOSPC);
	put(l.tq, 20, "b");
	evq_flush(l.tq);
	pump_drain(l.p, 1000 * MS);
	ck_assert_str_eq(fed(l.m), "a b");   /* tracing goes on */
	recording_close(rec);
	live_free(&l);
}
END_TEST

START_TEST(output_far_behind_holds_records_until_released)
{
	static char big[2 * OUTPUT_BOUND];
	struct pollfd fds[PUMP_MAX_FDS];
	struct output *o;
	struct live l;
	size_t n = 0;
	int pipefd[2];

	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(pipefd), 0);
	o = output_new(pipefd[1], true);
	ck_assert_ptr_nonnull(o);
	memset(big, 'x', sizeof(big));
	fwrite(big, 1, sizeof(big), output_stream(o));
	fflush(output_stream(o));   /* nobody reads the pipe: it stays over the bound */
	ck_assert(output_over(o));
	live_open(&l, false, false);
	pump_hold_for(l.p, o);
	put(l.tq, 10, "a");
	evq_flush(l.tq);
	ck_assert_uint_eq(pump_drain(l.p, 1000 * MS), 0);
	ck_assert_int_eq(pump_prepare_wait(l.p, 0, fds, &n), -1);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(fds[0].fd, output_wake_fd(o));   /* waits for the writer */
	pump_finish_wait(l.p);
	pump_release(l.p);
	ck_assert_uint_eq(pump_drain(l.p, 1000 * MS), 1);
	ck_assert_str_eq(fed(l.m), "a");
	close(pipefd[0]);   /* the writer fails with EPIPE and ends */
	ck_assert_int_eq(output_finish(o, false), -EPIPE);
	live_free(&l);
}
END_TEST

START_TEST(a_drain_past_its_time_leaves_the_rest)
{
	struct pollfd fds[PUMP_MAX_FDS];
	struct live l;
	size_t n = 0;

	live_open(&l, false, false);
	for (int i = 0; i < 5000; i++)
		put(l.tq, (uint64_t)i + 1, "n");
	evq_close(l.tq);
	ck_assert_uint_eq(pump_drain(l.p, 0), 4096);
	ck_assert(pump_more(l.p));
	ck_assert_int_eq(pump_prepare_wait(l.p, 0, fds, &n), 0);   /* do not sleep */
	ck_assert_uint_eq(n, 0);
	pump_finish_wait(l.p);
	ck_assert_uint_eq(pump_drain(l.p, 1000 * MS), 904);
	ck_assert(!pump_more(l.p));
	ck_assert(pump_done(l.p));
	live_free(&l);
}
END_TEST

START_TEST(an_empty_open_queue_is_waited_for)
{
	struct pollfd fds[PUMP_MAX_FDS];
	struct live l;
	size_t n = 0;

	live_open(&l, false, true);
	ck_assert_uint_eq(pump_drain(l.p, 1000 * MS), 0);
	ck_assert_int_eq(pump_prepare_wait(l.p, 0, fds, &n), -1);
	ck_assert_uint_eq(n, 2);   /* the tracer's queue and the reader's */
	ck_assert_int_eq(fds[0].fd, evq_fd(l.tq));
	ck_assert_int_eq(fds[1].fd, evq_fd(l.bq));
	pump_finish_wait(l.p);
	live_close_queues(&l);
	live_free(&l);
}
END_TEST

/* A recording of notes at the given times (ns), named r0, r1...; path in buf. */
static void record_notes(char *path, size_t cap, const uint64_t *ts, int n)
{
	char prog[] = "prog", *argv[] = { prog, NULL }, name[16];
	struct recording *rec;

	temp_path(path, cap);
	rec = recording_create(path, argv);
	ck_assert_ptr_nonnull(rec);
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		note(ts[i], name);
		ck_assert_int_eq(recording_append(rec, rb.buf, rb.len), 0);
	}
	ck_assert_int_eq(recording_close(rec), 0);
}

START_TEST(a_replay_all_at_once_feeds_everything)
{
	static const uint64_t ts[] = { 1000, 2000 * MS, 90000 * MS };
	char path[64], why[256];
	struct recording *rec;
	struct replay rp;
	struct model *m = started_model();
	struct pump *p;

	record_notes(path, sizeof(path), ts, 3);
	rec = recording_open(path, why, sizeof(why));
	ck_assert_ptr_nonnull(rec);
	replay_init(&rp, rec, 0);
	p = pump_new_replay(m, &rp);
	ck_assert_ptr_eq(pump_replay(p), &rp);
	ck_assert_uint_eq(pump_drain(p, 1000 * MS), 3);
	ck_assert_str_eq(fed(m), "r0 r1 r2");
	ck_assert_uint_eq(pump_drain(p, 1000 * MS), 0);
	ck_assert(pump_done(p));
	ck_assert_str_eq(rp.why, "");
	pump_free(p);
	model_free(m);
	recording_close(rec);
	unlink(path);
}
END_TEST

START_TEST(a_replay_at_speed_feeds_each_record_when_due)
{
	static const uint64_t ts[] = { 1000, 1000 + 20000 * MS, 1000 + 40000 * MS };
	struct pollfd fds[PUMP_MAX_FDS];
	char path[64], why[256];
	struct recording *rec;
	struct replay rp;
	struct model *m = started_model();
	struct pump *p;
	size_t n = 0;
	int ms;

	record_notes(path, sizeof(path), ts, 3);
	rec = recording_open(path, why, sizeof(why));
	ck_assert_ptr_nonnull(rec);
	replay_init(&rp, rec, 1);
	p = pump_new_replay(m, &rp);
	ck_assert_uint_eq(pump_drain(p, 1000 * MS), 1);   /* the next is 20 s away */
	ck_assert_str_eq(fed(m), "r0");
	ms = pump_prepare_wait(p, rp.wall, fds, &n);
	ck_assert_int_eq(ms, 20000);
	ck_assert_uint_eq(n, 0);                            /* a timeout, no fd */
	pump_finish_wait(p);
	replay_set_paused(&rp, true, rp.wall);
	ck_assert_int_eq(pump_prepare_wait(p, rp.wall + 60000 * MS, fds, &n), -1);
	replay_set_paused(&rp, false, rp.wall);
	while (rp.speed)
		replay_step_speed(&rp, 1, rp.wall);             /* up to "all" */
	ck_assert_uint_eq(pump_drain(p, 1000 * MS), 2);
	ck_assert_str_eq(fed(m), "r0 r1 r2");
	ck_assert(pump_done(p));
	pump_free(p);
	model_free(m);
	recording_close(rec);
	unlink(path);
}
END_TEST

static Suite *pump_suite(void)
{
	Suite *s = suite_create("pump");
	TCase *tl = tcase_create("live");
	TCase *tr = tcase_create("replay");

	tcase_add_test(tl, merged_queues_in_time_order_then_the_kernel_s);
	tcase_add_test(tl, the_reader_is_told_only_when_the_tracer_is_over);
	tcase_add_test(tl, valid_records_are_recorded_and_flushed_after_each_drain);
	tcase_add_test(tl, a_recording_that_cannot_be_written_stops_and_says_why);
	tcase_add_test(tl, output_far_behind_holds_records_until_released);
	tcase_add_test(tl, a_drain_past_its_time_leaves_the_rest);
	tcase_add_test(tl, an_empty_open_queue_is_waited_for);
	tcase_add_test(tr, a_replay_all_at_once_feeds_everything);
	tcase_add_test(tr, a_replay_at_speed_feeds_each_record_when_due);
	suite_add_tcase(s, tl);
	suite_add_tcase(s, tr);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pump_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
