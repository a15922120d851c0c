/*
 * check_evq.c - Check unit suite for the SPSC record queue: argument
 * checks, FIFO order and content across wrap-around, blocking and release
 * of a producer on a full queue, shutdown, end-of-stream semantics and a
 * two-thread stress run (COMPENDIUM_STRESS_N records, default 5,000,000).
 * Helper threads never call ck_assert (only the test's own thread does),
 * and no test may spin without sleeping, so sanitizer builds stay fast.
 */
#include "config.h"

#include "evq.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PATTERN_SIZE 65536
#define MAX_STRESS_LEN 512
#define MAX_RECORD_LEN 4096 /* longest record any test cuts from pattern */

static unsigned char pattern[PATTERN_SIZE + MAX_RECORD_LEN];

/* splitmix64: a well-mixed 64-bit hash of x. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Fill the shared pseudo-random byte table records are cut from. */
static void init_pattern(void)
{
	size_t i;

	for (i = 0; i < sizeof(pattern); i += 8) {
		uint64_t v = mix(i);

		memcpy(pattern + i, &v, 8);
	}
}

/* Write the expected content of record seq (len bytes) into dst. */
static void fill_record(void *dst, uint64_t seq, size_t len)
{
	unsigned char *p = dst;
	size_t off = (size_t)(mix(seq) % PATTERN_SIZE);

	if (len >= 8) {
		memcpy(p, &seq, 8);
		memcpy(p + 8, pattern + off, len - 8);
	} else {
		memcpy(p, pattern + off, len);
	}
}

/* True if src holds exactly the content of record seq. */
static bool record_ok(const void *src, uint64_t seq, size_t len)
{
	const unsigned char *p = src;
	size_t off = (size_t)(mix(seq) % PATTERN_SIZE);

	if (len < 8)
		return memcmp(p, pattern + off, len) == 0;
	return memcmp(p, &seq, 8) == 0 &&
	       memcmp(p + 8, pattern + off, len - 8) == 0;
}

/* Sleep for ms milliseconds. */
static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Sleep until the producer has waited at least once (5 s limit). */
static bool await_producer_wait(const struct evq *q)
{
	int i;

	for (i = 0; i < 5000 && evq_waits(q) == 0; i++)
		sleep_ms(1);
	return evq_waits(q) > 0;
}

/* Ring bytes a record of len occupies (mirrors evq.c; for test budgets). */
static size_t footprint(size_t len)
{
	return (8 + len + 7) & ~(size_t)7;
}

/* Non-power-of-two or tiny sizes are rejected; the eventfd is set up. */
START_TEST(test_new_args)
{
	static const size_t bad[] = { 0, 1, 2048, 4095, 4097, 6144, 65535 };
	struct evq *q;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		ck_assert_ptr_null(evq_new(bad[i]));
		ck_assert_int_eq(errno, EINVAL);
	}
	q = evq_new(4096);
	ck_assert_ptr_nonnull(q);
	fd = evq_fd(q);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_uint_eq(evq_max_record(q), 1024);
	ck_assert_uint_eq(evq_waits(q), 0);
	evq_free(q);
	evq_free(NULL);
}
END_TEST

/* Records larger than a quarter of the ring are refused with EMSGSIZE. */
START_TEST(test_oversize)
{
	struct evq *q = evq_new(4096);
	size_t len;

	ck_assert_ptr_nonnull(q);
	errno = 0;
	ck_assert_ptr_null(evq_reserve(q, 1025));
	ck_assert_int_eq(errno, EMSGSIZE);
	ck_assert(!evq_put(q, pattern, 1025));
	ck_assert_ptr_null(evq_peek(q, &len));
	ck_assert(evq_put(q, pattern, 1024));
	ck_assert_ptr_nonnull(evq_peek(q, &len));
	ck_assert_uint_eq(len, 1024);
	ck_assert_int_eq(memcmp(evq_peek(q, NULL), pattern, 1024), 0);
	evq_free(q);
}
END_TEST

/* peek is idempotent, pop without peek works, pop on empty is a no-op. */
START_TEST(test_peek_pop)
{
	struct evq *q = evq_new(4096);
	const void *a, *b;
	size_t len = 1;
	void *p;

	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_null(evq_peek(q, &len));
	evq_pop(q);
	ck_assert(evq_put(q, "one", 3));
	ck_assert(evq_put(q, "", 0));
	ck_assert(evq_put(q, "three", 5));
	a = evq_peek(q, &len);
	b = evq_peek(q, NULL);
	ck_assert_ptr_eq(a, b);
	ck_assert_uint_eq(len, 3);
	ck_assert_int_eq(((uintptr_t)a) % 8, 0);
	evq_pop(q);
	ck_assert_ptr_nonnull(evq_peek(q, &len));
	ck_assert_uint_eq(len, 0);
	evq_pop(q);
	evq_pop(q); /* "three", popped without a peek */
	ck_assert_ptr_null(evq_peek(q, &len));
	p = evq_reserve(q, 4);       /* abandoned: the next reserve wins */
	memcpy(p, "lost", 4);
	p = evq_reserve(q, 4);
	memcpy(p, "kept", 4);
	evq_commit(q);
	a = evq_peek(q, &len);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(memcmp(a, "kept", 4), 0);
	evq_pop(q);
	ck_assert_ptr_null(evq_peek(q, NULL));
	evq_free(q);
}
END_TEST

/* Single-threaded FIFO model over many wraps with varied record sizes. */
static void run_model(size_t cap, size_t max_len, uint64_t rounds)
{
	struct evq *q = evq_new(cap);
	size_t *lens = calloc(cap, sizeof(*lens)), budget, used = 0, len;
	uint64_t put = 0, got = 0, r;
	const void *rec;

	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_nonnull(lens);
	ck_assert_uint_le(max_len, MAX_RECORD_LEN);
	/* one wrap marker's waste plus one record after a wrap stay free */
	budget = cap - 3 * footprint(max_len);
	for (r = 0; r < rounds; r++) {
		uint64_t h = mix(r ^ 0x5eed);

		len = (size_t)(h % (max_len + 1));
		if ((h >> 40) % 3 && used + footprint(len) <= budget) {
			void *dst = evq_reserve(q, len);

			ck_assert_ptr_nonnull(dst);
			ck_assert_int_eq(((uintptr_t)dst) % 8, 0);
			fill_record(dst, put, len);
			evq_commit(q);
			lens[put++ % cap] = len;
			used += footprint(len);
			continue;
		}
		rec = evq_peek(q, &len);
		if (!rec) {
			ck_assert_uint_eq(got, put);
			continue;
		}
		ck_assert_uint_eq(len, lens[got % cap]);
		ck_assert(record_ok(rec, got, len));
		evq_pop(q);
		used -= footprint(len);
		got++;
	}
	while ((rec = evq_peek(q, &len))) {
		ck_assert_uint_eq(len, lens[got % cap]);
		ck_assert(record_ok(rec, got++, len));
		evq_pop(q);
	}
	ck_assert_uint_eq(got, put);
	ck_assert_uint_gt(put, rounds / 4);
	ck_assert_uint_eq(evq_waits(q), 0);
	free(lens);
	evq_free(q);
}

/* Order and content survive wrap-around in small and larger rings. */
START_TEST(test_order_wrap)
{
	run_model(4096, 1024, 200000);
	run_model(4096, 40, 200000);
	run_model(65536, 2000, 200000);
}
END_TEST

struct put_job {
	struct evq *q;
	size_t len;
	uint64_t seq;
	atomic_int done;
	bool ok;
};

/* Thread body: put one record, flush, and report the result. */
static void *put_one(void *arg)
{
	struct put_job *job = arg;
	unsigned char buf[1024];

	fill_record(buf, job->seq, job->len);
	job->ok = evq_put(job->q, buf, job->len);
	evq_flush(job->q);
	atomic_store(&job->done, 1);
	return NULL;
}

/* Fill a 4096-byte queue exactly with four 1016-byte records 0..3. */
static struct evq *full_queue(void)
{
	struct evq *q = evq_new(4096);
	unsigned char buf[1016];
	uint64_t i;

	ck_assert_ptr_nonnull(q);
	for (i = 0; i < 4; i++) {
		fill_record(buf, i, sizeof(buf));
		ck_assert(evq_put(q, buf, sizeof(buf)));
	}
	return q;
}

/* A producer blocks on a full queue and resumes once the consumer pops. */
START_TEST(test_block_resume)
{
	struct put_job job = { .len = 1016, .seq = 4 };
	const void *rec;
	pthread_t tid;
	uint64_t i;
	size_t len;

	job.q = full_queue();
	ck_assert_int_eq(pthread_create(&tid, NULL, put_one, &job), 0);
	ck_assert(await_producer_wait(job.q));
	sleep_ms(50);
	ck_assert_int_eq(atomic_load(&job.done), 0);
	for (i = 0; i < 5; i++) {
		while (!(rec = evq_peek(job.q, &len)))
			ck_assert(evq_wait(job.q, 5000));
		ck_assert_uint_eq(len, 1016);
		ck_assert(record_ok(rec, i, len));
		evq_pop(job.q);
	}
	ck_assert_int_eq(pthread_join(tid, NULL), 0);
	ck_assert(job.ok);
	ck_assert_uint_eq(evq_waits(job.q), 1);
	ck_assert_ptr_null(evq_peek(job.q, NULL));
	evq_free(job.q);
}
END_TEST

/* Thread body: once the consumer sleeps, put eight 1016-byte records
 * (twice what the queue holds) and flush only at the end. */
static void *fill_unflushed(void *arg)
{
	struct put_job *job = arg;
	unsigned char buf[1016];
	bool ok = true;

	sleep_ms(50);
	for (uint64_t i = 0; i < 8; i++) {
		fill_record(buf, i, sizeof(buf));
		ok = evq_put(job->q, buf, sizeof(buf)) && ok;
	}
	evq_flush(job->q);
	job->ok = ok;
	atomic_store(&job->done, 1);
	return NULL;
}

/* A producer that fills the queue before it flushes still wakes a sleeping
 * consumer: blocking on a full queue must not wait on one never told. */
START_TEST(test_full_wakes_sleeper)
{
	struct put_job job = { .q = evq_new(4096) };
	struct timespec t0, t1;
	const void *rec;
	pthread_t tid;
	uint64_t i;
	size_t len;
	long ms;

	ck_assert_ptr_nonnull(job.q);
	ck_assert_int_eq(pthread_create(&tid, NULL, fill_unflushed, &job), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert(evq_wait(job.q, 5000));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_msg(ms < 2000, "the consumer slept %ld ms on a full queue", ms);
	for (i = 0; i < 8; i++) {
		while (!(rec = evq_peek(job.q, &len)))
			ck_assert(evq_wait(job.q, 5000));
		ck_assert(record_ok(rec, i, len));
		evq_pop(job.q);
	}
	ck_assert_int_eq(pthread_join(tid, NULL), 0);
	ck_assert(job.ok);
	evq_free(job.q);
}
END_TEST

/* evq_shutdown releases a blocked producer and refuses later records. */
START_TEST(test_shutdown)
{
	struct put_job job = { .len = 8, .seq = 4 };
	pthread_t tid;

	job.q = full_queue();
	ck_assert_int_eq(pthread_create(&tid, NULL, put_one, &job), 0);
	ck_assert(await_producer_wait(job.q));
	sleep_ms(20);
	ck_assert_int_eq(atomic_load(&job.done), 0);
	evq_shutdown(job.q);
	ck_assert_int_eq(pthread_join(tid, NULL), 0);
	ck_assert(!job.ok);
	ck_assert(!evq_put(job.q, "x", 1));
	evq_pop(job.q);
	ck_assert(!evq_put(job.q, "x", 1)); /* space alone does not reopen */
	evq_free(job.q);
}
END_TEST

/* Thread body: wait a little, then close the queue. */
static void *close_later(void *arg)
{
	sleep_ms(30);
	evq_close(arg);
	return NULL;
}

/* evq_closed turns true only when closed and drained; close wakes a waiter. */
START_TEST(test_closed)
{
	struct evq *q = evq_new(4096);
	pthread_t tid;
	int i;

	ck_assert_ptr_nonnull(q);
	ck_assert(!evq_closed(q));
	ck_assert(!evq_wait(q, 10)); /* empty and open: times out */
	for (i = 0; i < 3; i++)
		ck_assert(evq_put(q, &i, sizeof(i)));
	evq_close(q);
	ck_assert(!evq_closed(q));
	ck_assert(evq_wait(q, 0));
	for (i = 0; i < 3; i++) {
		ck_assert(!evq_closed(q));
		evq_pop(q);
	}
	ck_assert(evq_closed(q));
	ck_assert(evq_wait(q, -1)); /* end of stream: never blocks */
	evq_free(q);

	q = evq_new(4096);
	ck_assert_ptr_nonnull(q);
	ck_assert_int_eq(pthread_create(&tid, NULL, close_later, q), 0);
	while (!evq_closed(q))
		evq_wait(q, -1);   /* a lost wake-up would hang here */
	ck_assert_int_eq(pthread_join(tid, NULL), 0);
	evq_free(q);
}
END_TEST

struct stress {
	struct evq *q;
	uint64_t n;
};

/* Payload length of stress record seq: 8..512 bytes. */
static size_t stress_len(uint64_t seq)
{
	return 8 + (size_t)((mix(seq) >> 32) % (MAX_STRESS_LEN - 8 + 1));
}

/* Thread body: produce n records in random-sized batches, then close. */
static void *stress_producer(void *arg)
{
	struct stress *st = arg;
	unsigned char buf[MAX_STRESS_LEN];
	uint64_t seq, batch = 0;

	for (seq = 0; seq < st->n; seq++) {
		size_t len = stress_len(seq);

		if (seq % 4 == 0) {
			fill_record(buf, seq, len);
			if (!evq_put(st->q, buf, len))
				break;
		} else {
			void *dst = evq_reserve(st->q, len);

			if (!dst)
				break;
			fill_record(dst, seq, len);
			evq_commit(st->q);
		}
		if (++batch >= 1 + (mix(seq) & 63)) {
			evq_flush(st->q);
			batch = 0;
		}
	}
	evq_close(st->q);
	return NULL;
}

/* Number of stress records: $COMPENDIUM_STRESS_N or 5,000,000. */
static uint64_t stress_count(void)
{
	const char *env = getenv("COMPENDIUM_STRESS_N");

	return env && *env ? strtoull(env, NULL, 10) : 5000000;
}

/* Two threads push every record through a 64 KiB queue; all verified. */
START_TEST(test_stress)
{
	struct stress st = { .q = evq_new(65536), .n = stress_count() };
	uint64_t seq = 0, bytes = 0, sleeps = 0, t0, ms;
	struct timespec ts;
	const void *rec;
	pthread_t tid;
	size_t len;

	ck_assert_ptr_nonnull(st.q);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	ck_assert_int_eq(pthread_create(&tid, NULL, stress_producer, &st), 0);
	for (;;) {
		while ((rec = evq_peek(st.q, &len))) {
			if (len != stress_len(seq) || !record_ok(rec, seq, len))
				ck_abort_msg("record %llu corrupt (len %zu)",
					     (unsigned long long)seq, len);
			bytes += len;
			seq++;
			evq_pop(st.q);
		}
		if (evq_closed(st.q))
			break;
		sleeps++;
		evq_wait(st.q, -1);  /* a lost wake-up would hang here */
	}
	ck_assert_int_eq(pthread_join(tid, NULL), 0);
	ck_assert_uint_eq(seq, st.n);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 - t0;
	fprintf(stderr, "evq stress: %llu records, %llu payload bytes, "
		"%llu ms, producer waits %llu, consumer waits %llu\n",
		(unsigned long long)seq, (unsigned long long)bytes,
		(unsigned long long)ms,
		(unsigned long long)evq_waits(st.q),
		(unsigned long long)sleeps);
	evq_free(st.q);
}
END_TEST

/* Build the evq suite. */
static Suite *evq_suite(void)
{
	Suite *s = suite_create("evq");
	TCase *core = tcase_create("core"), *stress = tcase_create("stress");

	tcase_add_test(core, test_new_args);
	tcase_add_test(core, test_oversize);
	tcase_add_test(core, test_peek_pop);
	tcase_add_test(core, test_order_wrap);
	tcase_add_test(core, test_block_resume);
	tcase_add_test(core, test_full_wakes_sleeper);
	tcase_add_test(core, test_shutdown);
	tcase_add_test(core, test_closed);
	tcase_set_timeout(core, 60);
	tcase_add_test(stress, test_stress);
	tcase_set_timeout(stress, 300);
	suite_add_tcase(s, core);
	suite_add_tcase(s, stress);
	return s;
}

/* Run the suite; exit status is non-zero if any test failed. */
int main(void)
{
	SRunner *sr = srunner_create(evq_suite());
	int failed;

	init_pattern();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
