/*
 * check_store.c - Check suite for src/store.c.
 *
 * Covers string interning (ids are stable, "" is id 0, the table grows
 * without losing anything, returned text never moves), how each kind of
 * model event is stored (fields, category, failure and noise bits, the
 * argv line of an exec, mmap protections), the noise rules shared with the
 * --batch printer, that event pointers stay valid while the store grows
 * across chunks, and durations: exact to the nanosecond below 2^27 ns and
 * within one part in 2^26 above, kept beside every event across chunks,
 * taken from the model's system call records (entry to exit) without
 * touching the bytes an I/O event moved, and 48 bytes per event plus 4.
 * Under a memory budget: the oldest events move to the spill file and come
 * back exactly, in order and at random, a block of 256 read at a time; the events
 * in memory stay within the budget; a filter over spilled events finds
 * what it would find in memory; a spill file that cannot be made keeps
 * every event in memory and says why.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "model.h"
#include "query.h"
#include "record.h"
#include "store.h"
#include "unit.h"

/* A file object for events to refer to. */
static struct fobj file_obj(int kind, char *path)
{
	struct fobj o;

	memset(&o, 0, sizeof(o));
	o.kind = (uint8_t)kind;
	o.path = path;
	return o;
}

START_TEST(intern_gives_stable_ids_and_empty_is_zero)
{
	struct store *s = store_new();
	uint32_t a = store_intern(s, "/etc/hosts"), b = store_intern(s, "/etc/passwd");
	const char *pa = store_str(s, a);

	ck_assert_uint_eq(store_intern(s, ""), 0);
	ck_assert_uint_eq(store_intern(s, NULL), 0);
	ck_assert_str_eq(store_str(s, 0), "");
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_eq(store_intern(s, "/etc/hosts"), a);
	ck_assert_str_eq(pa, "/etc/hosts");
	ck_assert_str_eq(store_str(s, 999999), "");
	store_free(s);
}
END_TEST

START_TEST(intern_survives_growth_and_text_never_moves)
{
	struct store *s = store_new();
	const char *first;
	uint32_t id0 = store_intern(s, "string-0");
	size_t bytes, n;
	char buf[32];

	first = store_str(s, id0);
	for (int i = 1; i < 20000; i++) {
		snprintf(buf, sizeof(buf), "string-%d", i);
		ck_assert_uint_eq(store_intern(s, buf), (uint32_t)i + id0);
	}
	for (int i = 0; i < 20000; i += 997) {
		snprintf(buf, sizeof(buf), "string-%d", i);
		ck_assert_uint_eq(store_intern(s, buf), (uint32_t)i + id0);
		ck_assert_str_eq(store_str(s, (uint32_t)i + id0), buf);
	}
	ck_assert_ptr_eq(store_str(s, id0), first);
	n = store_strings(s, &bytes);
	ck_assert_uint_eq(n, 20001);
	ck_assert_uint_gt(bytes, 20000 * 8);
	store_free(s);
}
END_TEST

START_TEST(open_is_stored_with_path_flags_and_kind)
{
	struct store *s = store_new();
	char path[] = "/home/u/notes.txt";
	struct fobj o = file_obj(FDK_FILE, path);
	struct event ev = unit_event(EV_OPEN, 10, 10, 1500);
	const struct sevent *e;

	ev.fd = 3;
	ev.ret = 3;
	ev.obj = &o;
	ev.path = path;
	ev.flags = O_WRONLY | O_CREAT;
	store_add(s, &ev);
	ck_assert_uint_eq(store_count(s), 1);
	e = store_get(s, 0);
	ck_assert_uint_eq(e->ts, 1500);
	ck_assert_int_eq(e->pid, 10);
	ck_assert_int_eq(e->type, EV_OPEN);
	ck_assert_int_eq(e->cat, CAT_FILE);
	ck_assert_int_eq(e->kind, FDK_FILE);
	ck_assert_int_eq(e->fd, 3);
	ck_assert_uint_eq(e->addr, O_WRONLY | O_CREAT);
	ck_assert_str_eq(store_str(s, e->str), "/home/u/notes.txt");
	ck_assert_int_eq(e->flags, 0);
	store_free(s);
}
END_TEST

START_TEST(failed_open_keeps_errno_and_noise_follows_lines_rules)
{
	struct store *s = store_new();
	struct event ev = unit_event(EV_OPEN, 10, 10, 1);

	ev.ret = -ENOENT;
	ev.path = "/nope";
	store_add(s, &ev);
	ev.path = "/usr/lib/x86_64-linux-gnu/libc.so.6";
	ev.ret = 3;
	store_add(s, &ev);
	ev.path = "/proc/self/status";
	store_add(s, &ev);
	ck_assert_int_eq(store_get(s, 0)->flags, SEV_FAILED);
	ck_assert_int_eq(store_get(s, 0)->val, -ENOENT);
	ck_assert_int_eq(store_get(s, 1)->flags, SEV_NOISE);
	ck_assert_int_eq(store_get(s, 2)->flags, SEV_NOISE);
	store_free(s);
}
END_TEST

START_TEST(socket_io_is_net_with_the_peer_and_localhost_is_noise)
{
	struct store *s = store_new();
	struct fobj o = file_obj(FDK_TCP4, (char *)"socket:[1]");
	struct event ev = unit_event(EV_SEND, 10, 11, 5);
	const struct sevent *e;

	o.remote = (char *)"93.184.216.34:443";
	ev.fd = 5;
	ev.bytes = 517;
	ev.obj = &o;
	store_add(s, &ev);
	o.remote = (char *)"127.0.0.1:8080";
	store_add(s, &ev);
	e = store_get(s, 0);
	ck_assert_int_eq(e->cat, CAT_NET);
	ck_assert_int_eq(e->tid, 11);
	ck_assert_int_eq(e->val, 517);
	ck_assert_str_eq(store_str(s, e->str), "93.184.216.34:443");
	ck_assert_int_eq(e->flags & SEV_NOISE, 0);
	ck_assert_int_eq(store_get(s, 1)->flags & SEV_NOISE, SEV_NOISE);
	store_free(s);
}
END_TEST

START_TEST(connect_in_progress_is_not_a_failure)
{
	struct store *s = store_new();
	struct event ev = unit_event(EV_CONNECT, 10, 10, 5);

	ev.ret = -EINPROGRESS;
	ev.addr_text = "10.1.2.3:80";
	store_add(s, &ev);
	ev.ret = -ECONNREFUSED;
	store_add(s, &ev);
	ck_assert_int_eq(store_get(s, 0)->flags & SEV_FAILED, 0);
	ck_assert_str_eq(store_str(s, store_get(s, 0)->str), "10.1.2.3:80");
	ck_assert_int_eq(store_get(s, 1)->flags & SEV_FAILED, SEV_FAILED);
	ck_assert_int_eq(store_get(s, 1)->val, -ECONNREFUSED);
	store_free(s);
}
END_TEST

START_TEST(exec_keeps_exe_and_argv_line)
{
	struct store *s = store_new();
	char *argv[] = { (char *)"ls", (char *)"-l", (char *)"/tmp", NULL };
	struct proc p;
	struct event ev = unit_event(EV_EXEC, 10, 10, 5);
	const struct sevent *e;

	memset(&p, 0, sizeof(p));
	p.argv = argv;
	ev.proc = &p;
	ev.path = "/usr/bin/ls";
	store_add(s, &ev);
	e = store_get(s, 0);
	ck_assert_int_eq(e->cat, CAT_PROC);
	ck_assert_str_eq(store_str(s, e->str), "/usr/bin/ls");
	ck_assert_str_eq(store_str(s, e->str2), "ls -l /tmp");
	store_free(s);
}
END_TEST

START_TEST(fork_thread_exit_and_signal_fields)
{
	struct store *s = store_new();
	struct event ev = unit_event(EV_FORK, 10, 10, 5);

	ev.child = 12;
	ev.status = NT_VFORK;
	ev.flags = 0x4111;
	store_add(s, &ev);
	ev = unit_event(EV_EXIT, 10, 13, 6);
	ev.thread = true;
	ev.status = 3 << 8;
	store_add(s, &ev);
	ev = unit_event(EV_SIGNAL, 10, 10, 7);
	ev.status = 2;
	store_add(s, &ev);
	ck_assert_int_eq(store_get(s, 0)->fd, 12);
	ck_assert_int_eq(store_get(s, 0)->val, NT_VFORK);
	ck_assert_uint_eq(store_get(s, 0)->addr, 0x4111);
	ck_assert_int_eq(store_get(s, 1)->flags, SEV_THREAD);
	ck_assert_int_eq(store_get(s, 1)->val, 3 << 8);
	ck_assert_int_eq(store_get(s, 2)->fd, 2);
	ck_assert_int_eq(store_get(s, 2)->cat, CAT_PROC);
	store_free(s);
}
END_TEST

START_TEST(mmap_packs_protection_and_flags_with_the_file)
{
	struct store *s = store_new();
	struct fobj o = file_obj(FDK_FILE, (char *)"/data/big.bin");
	struct event ev = unit_event(EV_MMAP, 10, 10, 5);
	const struct sevent *e;

	ev.addr = 0x7f0000001000;
	ev.bytes = 8192;
	ev.prot = PROT_READ | PROT_WRITE;
	ev.flags = MAP_SHARED;
	ev.obj = &o;
	store_add(s, &ev);
	e = store_get(s, 0);
	ck_assert_int_eq(e->cat, CAT_MEM);
	ck_assert_uint_eq(e->addr, 0x7f0000001000);
	ck_assert_int_eq(e->val, 8192);
	ck_assert_int_eq((uint32_t)e->fd >> 24, PROT_READ | PROT_WRITE);
	ck_assert_int_eq(e->fd & 0xffffff, MAP_SHARED);
	ck_assert_str_eq(store_str(s, e->str), "/data/big.bin");
	store_free(s);
}
END_TEST

START_TEST(transfer_names_both_ends)
{
	struct store *s = store_new();
	struct fobj in = file_obj(FDK_FILE, (char *)"/src.bin"), out = file_obj(FDK_PIPE, (char *)"pipe:[9]");
	struct event ev = unit_event(EV_SPLICE, 10, 10, 5);
	const struct sevent *e;

	ev.fd = 3;
	ev.fd2 = 7;
	ev.bytes = 65536;
	ev.obj = &in;
	ev.obj2 = &out;
	store_add(s, &ev);
	e = store_get(s, 0);
	ck_assert_int_eq(e->cat, CAT_IO);
	ck_assert_str_eq(store_str(s, e->str), "/src.bin");
	ck_assert_str_eq(store_str(s, e->str2), "pipe:[9]");
	ck_assert_int_eq((int)e->addr, 7);
	store_free(s);
}
END_TEST

START_TEST(events_stay_put_across_chunks)
{
	struct store *s = store_new();
	struct event ev = unit_event(EV_READ, 10, 10, 0);
	const struct sevent *first;

	for (int i = 0; i < 10000; i++) {
		ev.ts = (uint64_t)i;
		ev.bytes = (uint64_t)i * 2;
		store_add(s, &ev);
		if (i == 0)
			first = store_get(s, 0);
	}
	ck_assert_uint_eq(store_count(s), 10000);
	ck_assert_ptr_eq(store_get(s, 0), first);
	for (size_t i = 0; i < 10000; i += 123) {
		ck_assert_uint_eq(store_get(s, i)->ts, i);
		ck_assert_int_eq(store_get(s, i)->val, (int64_t)i * 2);
	}
	ck_assert_uint_eq(store_get(s, 9999)->ts, 9999);
	store_free(s);
}
END_TEST

START_TEST(duration_codes_are_exact_then_relative)
{
	static const uint64_t exact[] = { 0, 1, 999, 4096, 1000000, (1u << 27) - 1 };
	uint64_t prev = 0;

	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		ck_assert_uint_eq(store_dur_decode(store_dur_encode(exact[i])), exact[i]);
	ck_assert_uint_eq(store_dur_encode(0), 0);
	/* 2^27 and up: truncated to 27 significant bits, never more, never
	 * off by a part in 2^26, and never decreasing as ns grows. */
	for (uint64_t ns = 1u << 27; ns < 1ull << 58; ns = ns * 3 + 12345) {
		uint64_t back = store_dur_decode(store_dur_encode(ns));

		ck_assert_uint_le(back, ns);
		ck_assert_uint_ge(back, ns - (ns >> 26));
		ck_assert_uint_ge(back, prev);
		prev = back;
	}
	ck_assert_uint_eq(store_dur_decode(store_dur_encode(1ull << 40)), 1ull << 40);
	ck_assert_uint_eq(store_dur_decode(store_dur_encode(UINT64_MAX)),
			  (uint64_t)((1u << 27) - 1) << 31);   /* saturates, about nine years */
	ck_assert_uint_eq(sizeof(struct sevent), 48);
}
END_TEST

START_TEST(durations_stay_beside_their_events)
{
	struct store *s = store_new();
	struct event ev = unit_event(EV_READ, 10, 10, 0);
	struct event lat = unit_event(EV_SCHED, 10, 10, 0);

	for (int i = 0; i < 10000; i++) {
		ev.ts = (uint64_t)i * 1000000;
		ev.bytes = 4096;
		ev.dur = i % 3 ? (uint64_t)i * 7 + 1 : 0;   /* every third: entry not seen */
		store_add(s, &ev);
	}
	lat.dur = 250000;
	store_add(s, &lat);
	for (size_t i = 0; i < 10000; i++) {
		ck_assert_uint_eq(store_dur(s, i), i % 3 ? i * 7 + 1 : 0);
		ck_assert_int_eq(store_get(s, i)->val, 4096);    /* bytes, not the time */
	}
	ck_assert_uint_eq(store_dur(s, 10000), 250000);
	ck_assert_int_eq(store_get(s, 10000)->val, 250000);   /* latencies: in val too */
	store_free(s);
}
END_TEST


/* A finished read of fd 0 by tid 10, entered at entry (0: not seen). */
static void read_rec(struct model *m, uint64_t entry, uint64_t exit, int64_t ret)
{
	struct rec_syscall *r = unit_begin(REC_SYSCALL, exit, 10, 10, sizeof(*r));

	r->nr = r->orig_nr = SYS_read;
	r->arch = ARCH_X86_64;
	r->ret = ret;
	r->entry_ts = entry;
	unit_feed(m);
}

START_TEST(model_events_span_their_system_call)
{
	static const char argv[] = "cat\0";
	struct model *m = model_new();
	struct store *s = store_new();

	model_set_observer(m, store_add, s);
	unit_start(m, 1000000, 10, argv, sizeof(argv) - 1);
	read_rec(m, 2000000, 122000123, 100);   /* blocked 120.000123 ms */
	read_rec(m, 0, 260000000, 50);          /* entry not seen (attach) */
	read_rec(m, 270000000, 270000000, 0);   /* no measurable time */
	ck_assert_uint_eq(store_count(s), 3);
	ck_assert_uint_eq(store_get(s, 0)->ts, 121000123);   /* the exit, since start */
	ck_assert_uint_eq(store_dur(s, 0), 120000123);
	ck_assert_int_eq(store_get(s, 0)->val, 100);
	ck_assert_uint_eq(store_dur(s, 1), 0);
	ck_assert_uint_eq(store_dur(s, 2), 0);
	model_free(m);
	store_free(s);
}
END_TEST

START_TEST(categories_by_type_and_kind)
{
	ck_assert_int_eq(evdesc_category(EV_READ, FDK_FILE), CAT_FILE);
	ck_assert_int_eq(evdesc_category(EV_READ, FDK_PIPE), CAT_IO);
	ck_assert_int_eq(evdesc_category(EV_WRITE, FDK_UNIX), CAT_NET);
	ck_assert_int_eq(evdesc_category(EV_CLOSE, FDK_TCP6), CAT_NET);
	ck_assert_int_eq(evdesc_category(EV_OPEN, FDK_UNKNOWN), CAT_FILE);
	ck_assert_int_eq(evdesc_category(EV_SENDFILE, FDK_FILE), CAT_IO);
	ck_assert_int_eq(evdesc_category(EV_BRK, FDK_UNKNOWN), CAT_MEM);
	ck_assert_int_eq(evdesc_category(EV_SCHED, FDK_UNKNOWN), CAT_LAT);
	ck_assert_int_eq(evdesc_category(EV_SYSCALL, FDK_FILE), CAT_OTHER);
	ck_assert_int_eq(evdesc_category(EV_EXIT, FDK_UNKNOWN), CAT_PROC);
	ck_assert_str_eq(evdesc_cat_name(CAT_NET), "net");
	ck_assert_str_eq(evdesc_cat_name(CAT_MAX), "other");
}
END_TEST

#define SPILL_EVENTS 100000
#define SPILL_BUDGET (2u << 20)

/* n reads under budget bytes: event i at ts 10 i, i bytes from "/f<i % 7>",
 * taking i + 1 ns, fd i % 1000. */
static struct store *spilled_store(size_t n, size_t budget)
{
	struct store *s = store_new();
	char path[32];
	struct fobj o = file_obj(FDK_FILE, path);
	struct event ev = unit_event(EV_READ, 10, 10, 0);

	store_set_budget(s, budget);
	ev.obj = &o;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/f%zu", i % 7);
		ev.ts = i * 10;
		ev.bytes = i;
		ev.dur = i + 1;
		ev.fd = (int)(i % 1000);
		store_add(s, &ev);
	}
	return s;
}

/* Is event i of s the one spilled_store added?  (Checked without an
 * assertion per field: Check's bookkeeping of each would dominate.) */
static bool spilled_event_ok(struct store *s, size_t i)
{
	const struct sevent *e = store_get(s, i);
	char path[32];

	snprintf(path, sizeof(path), "/f%zu", i % 7);
	return e->ts == i * 10 && e->val == (int64_t)i && e->fd == (int)(i % 1000) &&
	       e->type == EV_READ && strcmp(store_str(s, e->str), path) == 0 &&
	       store_dur(s, i) == i + 1;
}

/* Event i of s is the one spilled_store added. */
static void assert_spilled_event(struct store *s, size_t i)
{
	ck_assert_msg(spilled_event_ok(s, i), "event %zu is not as added", i);
}

/* Events [from, to) of s are the ones spilled_store added. */
static void assert_spilled_events(struct store *s, size_t from, size_t to)
{
	size_t bad = 0, first = 0;

	for (size_t i = from; i < to; i++)
		if (!spilled_event_ok(s, i) && !bad++)
			first = i;
	ck_assert_msg(!bad, "%zu events are not as added, the first: %zu", bad, first);
}

START_TEST(budget_moves_the_oldest_events_to_disk_and_back_exactly)
{
	struct store *s = spilled_store(SPILL_EVENTS, SPILL_BUDGET);

	ck_assert_uint_eq(store_count(s), SPILL_EVENTS);
	ck_assert_int_eq(store_spill_error(s), 0);
	/* 100000 events are 5.2 MB: all but the last 2 MB are on disk. */
	ck_assert_uint_ge(store_spilled(s), SPILL_EVENTS - SPILL_BUDGET / 52);
	ck_assert_uint_le(store_mem_bytes(s), SPILL_BUDGET);
	assert_spilled_events(s, 0, SPILL_EVENTS);
	/* Backwards and scattered, through the small cache. */
	for (size_t i = SPILL_EVENTS; i-- > 0; i -= i % 997)
		assert_spilled_event(s, i);
	ck_assert_uint_le(store_mem_bytes(s), SPILL_BUDGET);
	store_free(s);
}
END_TEST

START_TEST(first_event_is_one_block_read_away)
{
	struct store *s = spilled_store(SPILL_EVENTS, SPILL_BUDGET);
	size_t reads = store_spill_reads(s);

	ck_assert_uint_eq(store_get(s, 0)->ts, 0);
	ck_assert_uint_eq(store_spill_reads(s), reads + 1);
	/* A screenful after it (the same block of 256) and the last event on
	 * disk: one read more. */
	assert_spilled_events(s, 0, 60);
	ck_assert_uint_eq(store_spill_reads(s), reads + 1);
	assert_spilled_event(s, store_spilled(s) - 1);
	ck_assert_uint_eq(store_spill_reads(s), reads + 2);
	/* Events in memory cost no read. */
	assert_spilled_event(s, SPILL_EVENTS - 1);
	ck_assert_uint_eq(store_spill_reads(s), reads + 2);
	/* Two events looked at together stay valid. */
	ck_assert_uint_lt(store_get(s, 5)->ts, store_get(s, SPILL_EVENTS / 2)->ts);
	store_free(s);
}
END_TEST

START_TEST(filter_over_spilled_events_matches_as_in_memory)
{
	struct store *disk = spilled_store(SPILL_EVENTS, SPILL_BUDGET);
	struct store *mem = spilled_store(SPILL_EVENTS, 0);
	struct query_error err;
	struct query *q = query_parse("path:/f3 bytes>50000", &err);
	size_t hits = 0, first = SIZE_MAX, differ = 0;

	ck_assert_ptr_nonnull(q);
	ck_assert_uint_eq(store_spilled(mem), 0);
	ck_assert_uint_gt(store_spilled(disk), SPILL_EVENTS / 2);
	for (size_t i = 0; i < SPILL_EVENTS; i++) {
		bool d = query_match_at(q, disk, i);

		differ += d != query_match_at(q, mem, i);
		if (d && first == SIZE_MAX)
			first = i;
		hits += d;
	}
	ck_assert_uint_eq(differ, 0);
	/* i % 7 == 3 and i > 50000: 50004 is the first of 7143. */
	ck_assert_uint_eq(first, 50004);
	ck_assert_uint_eq(hits, 7143);
	query_free(q);
	store_free(disk);
	store_free(mem);
}
END_TEST

START_TEST(unwritable_spill_keeps_every_event_in_memory)
{
	const char *old = getenv("TMPDIR");
	char *saved = old ? strdup(old) : NULL;
	struct store *s;

	setenv("TMPDIR", "/nonexistent/compendium-spill-test", 1);
	s = spilled_store(20000, 4096);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	ck_assert_int_eq(store_spill_error(s), -ENOENT);
	ck_assert_uint_eq(store_spilled(s), 0);
	ck_assert_uint_eq(store_count(s), 20000);
	assert_spilled_events(s, 0, 20000);
	store_free(s);
}
END_TEST

static Suite *store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, intern_gives_stable_ids_and_empty_is_zero);
	tcase_add_test(tc, intern_survives_growth_and_text_never_moves);
	tcase_add_test(tc, open_is_stored_with_path_flags_and_kind);
	tcase_add_test(tc, failed_open_keeps_errno_and_noise_follows_lines_rules);
	tcase_add_test(tc, socket_io_is_net_with_the_peer_and_localhost_is_noise);
	tcase_add_test(tc, connect_in_progress_is_not_a_failure);
	tcase_add_test(tc, exec_keeps_exe_and_argv_line);
	tcase_add_test(tc, fork_thread_exit_and_signal_fields);
	tcase_add_test(tc, mmap_packs_protection_and_flags_with_the_file);
	tcase_add_test(tc, transfer_names_both_ends);
	tcase_add_test(tc, events_stay_put_across_chunks);
	tcase_add_test(tc, categories_by_type_and_kind);
	tcase_add_test(tc, duration_codes_are_exact_then_relative);
	tcase_add_test(tc, durations_stay_beside_their_events);
	tcase_add_test(tc, model_events_span_their_system_call);
	tcase_add_test(tc, budget_moves_the_oldest_events_to_disk_and_back_exactly);
	tcase_add_test(tc, first_event_is_one_block_read_away);
	tcase_add_test(tc, filter_over_spilled_events_matches_as_in_memory);
	tcase_add_test(tc, unwritable_spill_keeps_every_event_in_memory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(store_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
