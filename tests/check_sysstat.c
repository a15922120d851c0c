/*
 * check_sysstat.c - Check suite for the per-syscall summary (strace -c):
 * src/sysstat.c on its own, and what the model feeds it from REC_SYSCALL
 * records (per process and in total, errors, measured times only when the
 * entry was seen), and the report's "views" data built from it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include <string.h>

#include "model.h"
#include "record.h"
#include "report_views.h"
#include "store.h"
#include "strbuf.h"
#include "sysstat.h"
#include "unit.h"

#define T0 1000000000ull

static struct model *m;

/* A finished syscall nr of tid/tgid returning ret, entered at T0 + in_us
 * (0: entry not seen) and finished at T0 + out_us. */
static void call(int tid, int tgid, int nr, int64_t ret, uint64_t in_us, uint64_t out_us)
{
	struct rec_syscall *s = unit_begin(REC_SYSCALL, T0 + out_us * 1000, tid, tgid, sizeof(*s));

	s->nr = nr;
	s->orig_nr = nr;
	s->ret = ret;
	s->entry_ts = in_us ? T0 + in_us * 1000 : 0;
	unit_feed(m);
}

/* The row of nr for pid in the model's summary (calls 0 when absent). */
static struct sysstat_row row_of(int pid, int nr)
{
	struct sysstat_row rows[64], none = { .nr = nr };
	size_t n = sysstat_rows(model_sysstat(m), pid, rows, 64);

	for (size_t i = 0; i < n && i < 64; i++)
		if (rows[i].nr == nr)
			return rows[i];
	return none;
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

START_TEST(seven_failed_opens_are_seven_calls_seven_errors)
{
	struct sysstat_row r;

	for (int i = 0; i < 7; i++)
		call(100, 100, SYS_openat, -2, 10 + (uint64_t)i * 10, 15 + (uint64_t)i * 10);
	r = row_of(100, SYS_openat);
	ck_assert_uint_eq(r.calls, 7);
	ck_assert_uint_eq(r.errors, 7);
	ck_assert_uint_eq(r.timed, 7);
	ck_assert_uint_eq(r.total_ns, 7 * 5000);
	ck_assert_uint_eq(sysstat_avg_ns(&r), 5000);
	ck_assert_uint_eq(r.max_ns, 5000);
	r = row_of(0, SYS_openat);
	ck_assert_uint_eq(r.calls, 7);
	ck_assert_uint_eq(r.errors, 7);
}
END_TEST

START_TEST(processes_are_counted_apart_and_together)
{
	struct sysstat_row sum;

	call(100, 100, SYS_write, 10, 1, 2);
	call(101, 100, SYS_write, 10, 3, 5);     /* a thread of 100 */
	call(200, 200, SYS_write, -9, 6, 9);
	call(200, 200, SYS_read, 4, 0, 10);      /* entry not seen: not timed */
	ck_assert_uint_eq(row_of(100, SYS_write).calls, 2);
	ck_assert_uint_eq(row_of(100, SYS_write).errors, 0);
	ck_assert_uint_eq(row_of(100, SYS_write).total_ns, 3000);
	ck_assert_uint_eq(row_of(200, SYS_write).calls, 1);
	ck_assert_uint_eq(row_of(200, SYS_write).errors, 1);
	ck_assert_uint_eq(row_of(200, SYS_read).calls, 1);
	ck_assert_uint_eq(row_of(200, SYS_read).timed, 0);
	ck_assert_uint_eq(row_of(0, SYS_write).calls, 3);
	ck_assert_uint_eq(row_of(0, SYS_write).max_ns, 3000);
	ck_assert_uint_eq(row_of(100, SYS_read).calls, 0);
	sysstat_total(model_sysstat(m), 200, &sum);
	ck_assert_uint_eq(sum.calls, 2);
	ck_assert_uint_eq(sum.errors, 1);
	ck_assert_uint_eq(sum.timed, 1);
	ck_assert_uint_eq(sysstat_count(model_sysstat(m), 0), 2);
	ck_assert_uint_eq(sysstat_count(model_sysstat(m), 300), 0);
}
END_TEST

START_TEST(rows_come_in_number_order_and_report_their_count)
{
	struct sysstat *s = sysstat_new();
	struct sysstat_row rows[2];
	static const int nrs[] = { 60, 0, 257, 3, 1 };

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		sysstat_add(s, 5, nrs[i], 0, false, 0);
	sysstat_add(s, 5, 5000, 0, false, 0);    /* out of range: unknown */
	ck_assert_uint_eq(sysstat_rows(s, 5, rows, 2), 6);
	ck_assert_int_eq(rows[0].nr, -1);
	ck_assert_int_eq(rows[1].nr, 0);
	ck_assert_uint_eq(sysstat_rows(s, 5, NULL, 0), 6);
	sysstat_free(s);
}
END_TEST

START_TEST(addresses_are_not_errors)
{
	struct sysstat *s = sysstat_new();
	struct sysstat_row r;

	sysstat_add(s, 1, SYS_mmap, (int64_t)0xffffffffff600000ull, true, 100);
	sysstat_add(s, 1, SYS_mmap, -4095, true, 300);
	sysstat_rows(s, 1, &r, 1);
	ck_assert_uint_eq(r.calls, 2);
	ck_assert_uint_eq(r.errors, 1);
	ck_assert_uint_eq(sysstat_avg_ns(&r), 200);
	sysstat_free(s);
}
END_TEST

/* Slots: under 64 ns, then one per doubling from 64 ns, the last open. */
START_TEST(durations_fall_in_log2_slots)
{
	uint64_t lo, hi;

	ck_assert_uint_eq(sysstat_slot(0), 0);
	ck_assert_uint_eq(sysstat_slot(63), 0);
	ck_assert_uint_eq(sysstat_slot(64), 1);
	ck_assert_uint_eq(sysstat_slot(127), 1);
	ck_assert_uint_eq(sysstat_slot(128), 2);
	ck_assert_uint_eq(sysstat_slot(1000000), 14);   /* 2^19 <= 1 ms < 2^20 */
	ck_assert_uint_eq(sysstat_slot(UINT64_C(1) << 36), SYSSTAT_HIST_SLOTS - 1);
	ck_assert_uint_eq(sysstat_slot(UINT64_MAX), SYSSTAT_HIST_SLOTS - 1);
	sysstat_slot_bounds(14, &lo, &hi);
	ck_assert_uint_eq(lo, UINT64_C(1) << 19);
	ck_assert_uint_eq(hi, UINT64_C(1) << 20);
}
END_TEST

/* Timed calls build one histogram per call number over every process;
 * its quantiles lie in the right slot and never above the longest call. */
START_TEST(timed_calls_make_a_histogram_of_every_process)
{
	const uint64_t *h;
	uint64_t p50, p99;

	for (int i = 0; i < 98; i++)   /* 98 calls of 2 us, two processes */
		call(100 + i % 2, 100 + i % 2, SYS_read, 1, 10, 12);
	call(100, 100, SYS_read, 1, 10, 510);   /* one of 500 us, one of 1000 us */
	call(101, 101, SYS_read, 1, 10, 1010);
	call(100, 100, SYS_read, 1, 0, 20);     /* entry not seen: not timed */
	h = sysstat_hist(model_sysstat(m), SYS_read);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h[sysstat_slot(2000)], 98);
	ck_assert_uint_eq(h[sysstat_slot(500000)], 1);
	ck_assert_uint_eq(h[sysstat_slot(1000000)], 1);
	p50 = sysstat_quantile_ns(model_sysstat(m), SYS_read, 0.5);
	p99 = sysstat_quantile_ns(model_sysstat(m), SYS_read, 0.99);
	ck_assert_uint_ge(p50, 1024);   /* in 2 us's slot, [1024, 2048) */
	ck_assert_uint_lt(p50, 2048);
	ck_assert_uint_ge(p99, UINT64_C(1) << 18);   /* the 99th of 100: 500 us's slot */
	ck_assert_uint_le(p99, UINT64_C(1) << 19);
	ck_assert_uint_eq(sysstat_quantile_ns(model_sysstat(m), SYS_read, 1.0), 1000000);
	ck_assert_ptr_null(sysstat_hist(model_sysstat(m), SYS_write));
	ck_assert_uint_eq(sysstat_quantile_ns(model_sysstat(m), SYS_write, 0.5), 0);
}
END_TEST

/* The kernel engine's counts bring their histogram slots along. */
START_TEST(kernel_counts_add_their_slots)
{
	struct rec_sysstat *r = unit_begin(REC_SYSSTAT, T0 + 1000, 100, 100, sizeof(*r));
	const uint64_t *h;

	r->nr = SYS_getppid;
	r->calls = 10;
	r->timed = 10;
	r->total_ns = 9 * 300 + 600;
	r->max_ns = 600;
	r->hist[sysstat_slot(300)] = 9;
	r->hist[sysstat_slot(600)] = 1;
	unit_feed(m);
	r = unit_begin(REC_SYSSTAT, T0 + 2000, 101, 101, sizeof(*r));
	r->nr = SYS_getppid;
	r->calls = 5;
	r->timed = 5;
	r->total_ns = 5 * 300;
	r->max_ns = 300;
	r->hist[sysstat_slot(300)] = 5;
	unit_feed(m);
	h = sysstat_hist(model_sysstat(m), SYS_getppid);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h[sysstat_slot(300)], 14);
	ck_assert_uint_eq(h[sysstat_slot(600)], 1);
	ck_assert_uint_eq(row_of(0, SYS_getppid).calls, 15);
	ck_assert_uint_lt(sysstat_quantile_ns(model_sysstat(m), SYS_getppid, 0.9), 512);
	ck_assert_uint_le(sysstat_quantile_ns(model_sysstat(m), SYS_getppid, 0.99), 600);
}
END_TEST

START_TEST(report_views_carry_the_summary_per_process)
{
	struct store *s = store_new();
	struct fbuf out;
	char want[128], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	model_set_observer(m, store_add, s);
	for (int i = 0; i < 7; i++)
		call(100, 100, SYS_open, -2, 10, 12);
	call(100, 100, SYS_write, 3, 20, 30);
	fbuf_init(&out, f);
	report_views_json(&out, m, s);
	ck_assert_int_eq(fbuf_release(&out), 0);
	fclose(f);
	ck_assert(strncmp(text, "\"views\":{\"sys\":{\"0\":[", 20) == 0);
	/* (p50 and p99 of every process: 2 us calls in [1024, 2048) ns) */
	snprintf(want, sizeof(want), "[%d,\"open\",7,7,7,14000,2000,1536,2000]", SYS_open);
	ck_assert_ptr_nonnull(strstr(text, want));
	snprintf(want, sizeof(want), "\"100\":[[%d,\"write\",1,0,1,10000,10000,-1,-1]", SYS_write);
	ck_assert_ptr_nonnull(strstr(text, want));
	ck_assert_ptr_nonnull(strstr(text, "\"sys_kernel\":false,"));
	ck_assert_ptr_nonnull(strstr(text, want));
	ck_assert_ptr_nonnull(strstr(text, "\"procs\":[[100,"));
	ck_assert_ptr_nonnull(strstr(text, "\"lat\":{}}"));
	ck_assert(len > 0 && text[len - 1] == ',');
	free(text);
	store_free(s);
}
END_TEST

static Suite *sysstat_suite(void)
{
	Suite *s = suite_create("sysstat");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, seven_failed_opens_are_seven_calls_seven_errors);
	tcase_add_test(tc, processes_are_counted_apart_and_together);
	tcase_add_test(tc, rows_come_in_number_order_and_report_their_count);
	tcase_add_test(tc, addresses_are_not_errors);
	tcase_add_test(tc, durations_fall_in_log2_slots);
	tcase_add_test(tc, timed_calls_make_a_histogram_of_every_process);
	tcase_add_test(tc, kernel_counts_add_their_slots);
	tcase_add_test(tc, report_views_carry_the_summary_per_process);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sysstat_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
