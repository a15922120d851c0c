/*
 * check_latency.c - Check suite for what the model and the sinks make of
 * the eBPF records: REC_SCHED, REC_BLOCK, REC_HIST and REC_LOST.
 *
 * Feeds records as src/ebpf*.c send them (after a REC_START from the
 * tracer, sometimes before the tracer's record of the task) and asserts
 * the per-process and total latency statistics (count, percentiles from
 * the log2 histograms, max, bytes), the drop count, that latency records
 * never invent a process, the JSON summary's "latency" and "dropped"
 * fields and the events, and the --batch lines that fold consecutive
 * waits and same-size block requests.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "lines.h"
#include "model.h"
#include "record.h"
#include "strbuf.h"
#include "unit.h"

#define T0 1000000000ull

static struct model *m;

/* REC_SCHED: tid of tgid waited delay_us, got the CPU at T0 + at_us. */
static void sched(int tid, int tgid, uint64_t at_us, uint64_t delay_us, uint32_t reason)
{
	struct rec_sched *s = unit_begin(REC_SCHED, T0 + at_us * 1000, tid, tgid, sizeof(*s));

	s->delay_ns = delay_us * 1000;
	s->cpu = 1;
	s->reason = reason;
	unit_feed(m);
}

/* REC_BLOCK: a request of bytes by tid/tgid took lat_us, done at T0 + at_us. */
static void block(int tid, int tgid, uint64_t at_us, uint64_t lat_us, uint64_t bytes, int write)
{
	struct rec_block *b = unit_begin(REC_BLOCK, T0 + at_us * 1000, tid, tgid, sizeof(*b));

	b->lat_ns = lat_us * 1000;
	b->bytes = bytes;
	b->sector = 2048;
	b->dev = (7u << 20) | 3;
	b->write = (uint32_t)write;
	unit_feed(m);
}

/* REC_HIST of pid with the given slot counts. */
static void hist(int pid, uint32_t kind, const uint64_t *slots, uint32_t n)
{
	struct rec_hist *h = unit_begin(REC_HIST, T0 + 5000000, pid, pid, sizeof(*h));

	h->kind = kind;
	h->pid = pid;
	h->nslots = n;
	rec_blob(&unit_rb, slots, n * sizeof(*slots));
	unit_feed(m);
}

/* REC_LOST of count from the eBPF producer. */
static void lost(uint64_t count)
{
	struct rec_lost *l = unit_begin(REC_LOST, T0 + 6000000, 0, 0, sizeof(*l));

	l->source = LOST_BPF;
	l->count = count;
	unit_feed(m);
}

static void setup(void)
{
	m = model_new();
	unit_start(m, T0, 100, "prog", 5);
}

static void teardown(void)
{
	model_free(m);
}

START_TEST(sched_events_count_per_process_and_in_total)
{
	const struct lat_stats *p, *all;

	sched(100, 100, 10, 20, 0);
	sched(100, 100, 20, 1200, 2);
	sched(101, 100, 30, 300, 1);
	p = model_latency(m, 100, HIST_SCHED);
	all = model_latency(m, 0, HIST_SCHED);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->count, 3);
	ck_assert_uint_eq(p->events, 3);
	ck_assert_uint_eq(p->max_ns, 1200000);
	ck_assert_uint_eq(p->event_ns, 1520000);
	ck_assert_uint_eq(all->count, 3);
	ck_assert_ptr_null(model_latency(m, 100, HIST_BLOCK));
	ck_assert_ptr_null(model_latency(m, 0, HIST_BLOCK));
}
END_TEST

START_TEST(histograms_add_up_and_give_percentiles)
{
	/* 90 waits in slot 3 (4..8 us), 10 in slot 11 (1024..2048 us). */
	uint64_t slots[12] = { 0 };
	const struct lat_stats *s;
	double p50, p99;

	slots[3] = 90;
	slots[11] = 10;
	hist(100, HIST_SCHED, slots, 12);
	s = model_latency(m, 100, HIST_SCHED);
	ck_assert_uint_eq(s->count, 100);
	ck_assert_uint_eq(s->hist[3], 90);
	p50 = model_lat_quantile_us(s, 0.5);
	p99 = model_lat_quantile_us(s, 0.99);
	ck_assert(p50 >= 4.0 && p50 < 8.0);
	ck_assert(p99 >= 1024.0 && p99 <= 2048.0);
	/* No event: the largest wait is the top slot's bound. */
	ck_assert(model_lat_max_us(s) == 2048.0);
	/* Histograms of the same process add up (one per process lifetime). */
	hist(100, HIST_SCHED, slots, 12);
	ck_assert_uint_eq(model_latency(m, 100, HIST_SCHED)->count, 200);
	ck_assert_uint_eq(model_latency(m, 0, HIST_SCHED)->count, 200);
}
END_TEST

START_TEST(events_cap_percentiles_and_give_the_exact_max)
{
	uint64_t slots[12] = { 0 };
	const struct lat_stats *s;

	slots[11] = 4;          /* four waits of 1024..2048 us */
	hist(100, HIST_SCHED, slots, 12);
	sched(100, 100, 10, 1100, 0);
	s = model_latency(m, 100, HIST_SCHED);
	ck_assert_uint_eq(s->count, 4);   /* the histogram holds the event too */
	ck_assert(model_lat_max_us(s) == 1100.0);
	ck_assert(model_lat_quantile_us(s, 0.99) <= 1100.0);
}
END_TEST

START_TEST(block_requests_count_bytes)
{
	const struct lat_stats *s;

	for (int i = 0; i < 4; i++)
		block(100, 100, 10 + (uint64_t)i, 100 + (uint64_t)i * 100, 4096, 0);
	block(100, 100, 20, 50, 65536, 1);
	s = model_latency(m, 100, HIST_BLOCK);
	ck_assert_uint_eq(s->count, 5);
	ck_assert_uint_eq(s->bytes, 4 * 4096 + 65536);
	ck_assert_uint_eq(s->max_ns, 400000);
}
END_TEST

START_TEST(latency_records_never_invent_processes)
{
	size_t n;

	sched(555, 555, 10, 20, 1);          /* its fork is still in the tracer's queue */
	block(556, 556, 11, 30, 512, 0);
	model_procs(m, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(model_live_tasks(m), 1);
	ck_assert_uint_eq(model_latency(m, 555, HIST_SCHED)->count, 1);
}
END_TEST

START_TEST(lost_records_add_up)
{
	ck_assert_uint_eq(model_dropped(m), 0);
	lost(3);
	lost(4);
	ck_assert_uint_eq(model_dropped(m), 7);
}
END_TEST

/* Run fn over a model fed by feeder, capturing what the sink writes. */
static char *capture_json(void (*feeder)(void))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jsonl *j = jsonl_new(f);

	model_set_observer(m, jsonl_event, j);
	feeder();
	jsonl_summary(j, m);
	jsonl_free(j);
	fclose(f);
	return buf;
}

/* The records of a small traced run with latency. */
static void some_latency(void)
{
	uint64_t slots[4] = { 0, 0, 5, 1 };

	sched(100, 100, 10, 1500, 2);
	block(100, 100, 20, 120, 4096, 1);
	hist(100, HIST_SCHED, slots, 4);
	lost(2);
}

START_TEST(json_has_events_latency_and_dropped)
{
	char *out = capture_json(some_latency);

	ck_assert_ptr_nonnull(strstr(out, "\"type\":\"sched_delay\",\"delay_us\":1500.000,\"cpu\":1,"
				     "\"reason\":\"preempted\""));
	ck_assert_ptr_nonnull(strstr(out, "\"type\":\"block_io\",\"latency_us\":120.000,"
				     "\"bytes\":4096,\"op\":\"write\",\"dev\":\"7:3\",\"sector\":2048"));
	ck_assert_ptr_nonnull(strstr(out, "\"latency\":{\"sched\":{\"count\":6,"));
	ck_assert_ptr_nonnull(strstr(out, "\"max_us\":1500.0,\"hist\":[0,0,5,1]}"));
	ck_assert_ptr_nonnull(strstr(out, "\"block\":{\"count\":1,"));
	ck_assert_ptr_nonnull(strstr(out, "\"dropped\":2}"));
	free(out);
}
END_TEST

START_TEST(json_latency_is_null_without_ebpf)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct jsonl *j = jsonl_new(f);

	jsonl_summary(j, m);
	jsonl_free(j);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\"latency\":{\"sched\":null,\"block\":null}"));
	ck_assert_ptr_nonnull(strstr(buf, "\"dropped\":0}"));
	free(buf);
}
END_TEST

/* The --batch output of records fed by feeder. */
static char *capture_lines(void (*feeder)(void))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct lines *l = lines_new(f, 0);

	model_set_observer(m, lines_event, l);
	feeder();
	lines_final(l, m);
	lines_free(l);
	fclose(f);
	return buf;
}

/* 256 reads of 4 KB, then two waits of one task, then a lone write. */
static void grouped_latency(void)
{
	for (int i = 0; i < 256; i++)
		block(100, 100, 10 + (uint64_t)i, i == 7 ? 1200 : 116, 4096, 0);
	sched(100, 100, 400, 1200, 0);
	sched(100, 100, 401, 800, 0);
	block(100, 100, 500, 90, 512, 1);
	lost(5);
}

START_TEST(lines_fold_same_size_requests_and_waits)
{
	char *out = capture_lines(grouped_latency);

	ck_assert_ptr_nonnull(strstr(out, "block I/O read 120us avg, 1.2ms max (4.0 KB ×256)\n"));
	ck_assert_ptr_nonnull(strstr(out, "sched delay 1.0ms avg, 1.2ms max ×2\n"));
	ck_assert_ptr_nonnull(strstr(out, "block I/O write 90us (512 B)\n"));
	ck_assert_ptr_nonnull(strstr(out, "Latency:\n"));
	ck_assert_ptr_nonnull(strstr(out, "  Block I/O:   257 requests"));
	ck_assert_ptr_nonnull(strstr(out, "Dropped: 5 "));
	free(out);
}
END_TEST

/* One sched wait. */
static void one_wait(void)
{
	sched(100, 100, 10, 1200, 0);
}

START_TEST(lines_show_a_single_wait_plainly)
{
	char *out = capture_lines(one_wait);

	ck_assert_ptr_nonnull(strstr(out, "] sched delay 1.2ms\n"));
	ck_assert_ptr_null(strstr(out, "Dropped"));
	free(out);
}
END_TEST

/* The suite. */
static Suite *latency_suite(void)
{
	Suite *s = suite_create("latency");
	TCase *model = tcase_create("model");
	TCase *sinks = tcase_create("sinks");

	tcase_add_checked_fixture(model, setup, teardown);
	tcase_add_test(model, sched_events_count_per_process_and_in_total);
	tcase_add_test(model, histograms_add_up_and_give_percentiles);
	tcase_add_test(model, events_cap_percentiles_and_give_the_exact_max);
	tcase_add_test(model, block_requests_count_bytes);
	tcase_add_test(model, latency_records_never_invent_processes);
	tcase_add_test(model, lost_records_add_up);
	suite_add_tcase(s, model);
	tcase_add_checked_fixture(sinks, setup, teardown);
	tcase_add_test(sinks, json_has_events_latency_and_dropped);
	tcase_add_test(sinks, json_latency_is_null_without_ebpf);
	tcase_add_test(sinks, lines_fold_same_size_requests_and_waits);
	tcase_add_test(sinks, lines_show_a_single_wait_plainly);
	suite_add_tcase(s, sinks);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(latency_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
