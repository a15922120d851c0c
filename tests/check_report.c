/*
 * check_report.c - Check suite for the report writers and their helpers:
 * src/sha256.c, src/timeline.c, src/report.c and src/tracejson.c.
 *
 * Covers SHA-256 against the FIPS 180-4 examples (whole and in pieces) and
 * its base64 text; lanes in display order, one per task however late or
 * early the kernel's samples about it come (and a new one when a fork
 * reuses a pid), and the stable time order; the
 * HTML report's safety properties (the CSP hashes are those of the inline
 * script and style, the data block holds no < > & or line separators and
 * exactly two script blocks exist, whatever the traced names were); the
 * even thinning under --max-report-events that keeps every process event
 * and counts what it left out; durations in the data block (microseconds,
 * never rounded to none); errors from report_write; and the trace export:
 * its shape, system calls as X slices from entry to exit that nest on each
 * thread whatever the durations, and lifetimes that hold them.  The
 * browser-level behaviour is tests/report/.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "record.h"
#include "report.h"
#include "sha256.h"
#include "store.h"
#include "timeline.h"
#include "tracejson.h"
#include "unit.h"

/* ---- SHA-256 ---- */

/* Hex text of a digest. */
static void hex(const unsigned char d[SHA256_BYTES], char out[65])
{
	for (int i = 0; i < SHA256_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Digest of s in one piece, as hex. */
static void digest_hex(const void *s, size_t n, char out[65])
{
	struct sha256 c;
	unsigned char d[SHA256_BYTES];

	sha256_init(&c);
	sha256_update(&c, s, n);
	sha256_final(&c, d);
	hex(d, out);
}

START_TEST(test_sha256_vectors)
{
	static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char h[65];

	digest_hex("", 0, h);
	ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	digest_hex("abc", 3, h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	digest_hex(two_blocks, strlen(two_blocks), h);
	ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_sha256_million_a_in_pieces)
{
	static char a[1000];
	struct sha256 c;
	unsigned char d[SHA256_BYTES];
	char h[65];
	size_t done = 0, step = 1;

	memset(a, 'a', sizeof(a));
	sha256_init(&c);
	while (done < 1000000) {       /* uneven pieces cross every block edge */
		size_t n = step % sizeof(a);

		if (n > 1000000 - done)
			n = 1000000 - done;
		sha256_update(&c, a, n);
		done += n;
		step = step * 7 + 3;
	}
	sha256_final(&c, d);
	hex(d, h);
	ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(test_sha256_padding_edges)
{
	char buf[130], h1[65], h2[65];

	memset(buf, 'x', sizeof(buf));
	for (size_t n = 50; n < sizeof(buf); n++) {     /* 55, 56, 63, 64, 119, 120... */
		struct sha256 c;
		unsigned char d[SHA256_BYTES];

		digest_hex(buf, n, h1);
		sha256_init(&c);
		for (size_t i = 0; i < n; i++)
			sha256_update(&c, buf + i, 1);
		sha256_final(&c, d);
		hex(d, h2);
		ck_assert_str_eq(h1, h2);
	}
}
END_TEST

START_TEST(test_sha256_base64)
{
	char b[SHA256_B64_LEN + 1];

	ck_assert_str_eq(sha256_base64("abc", 3, b), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
	ck_assert_str_eq(sha256_base64("", 0, b), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	ck_assert_uint_eq(strlen(b), SHA256_B64_LEN);
}
END_TEST

/* ---- a model and store to write ---- */

static struct model *m;
static struct store *st;

/* A model that started pid 10 running a program with a hostile name. */
static void setup(void)
{
	static const char argv[] = "evil\0</script><img src=x onerror=alert(1)>\0";
	static const char exe[] = "/tmp/</script>\xe2\x80\xa8\xff";
	struct rec_exec *e;

	m = model_new();
	st = store_new();
	unit_start(m, 1000, 10, argv, sizeof(argv) - 1);
	e = unit_begin(REC_EXEC, 2000, 10, 10, sizeof(*e));
	e->old_tid = 10;
	e->exe_len = (uint16_t)rec_blob(&unit_rb, exe, sizeof(exe) - 1);
	e->argv_len = (uint32_t)rec_blob(&unit_rb, argv, sizeof(argv) - 1);
	unit_feed(m);
}

/* Free the fixture. */
static void teardown(void)
{
	model_free(m);
	store_free(st);
}

/* Store an event of type at ts for pid/tid with path (may be NULL). */
static void add(enum ev_type type, uint64_t ts, int pid, int tid, int fd, uint64_t bytes,
		const char *path)
{
	struct fobj o = { .kind = FDK_FILE, .path = (char *)path };
	struct event ev = { .ts = ts, .pid = pid, .tid = tid, .type = type, .nr = -1, .fd = fd,
			    .child = fd, .bytes = bytes, .path = path, .obj = path ? &o : NULL };

	store_add(st, &ev);
}

/* The same with a duration of dur ns (the event's ts is the call's end). */
static void add_dur(enum ev_type type, uint64_t ts, int tid, int fd, uint64_t bytes,
		    const char *path, uint64_t dur)
{
	struct fobj o = { .kind = FDK_FILE, .path = (char *)path };
	struct event ev = { .ts = ts, .pid = 10, .tid = tid, .type = type, .nr = -1, .fd = fd,
			    .bytes = bytes, .path = path, .obj = path ? &o : NULL, .dur = dur };

	store_add(st, &ev);
}

/* The report of m and st as a NUL-terminated string. */
static char *report(size_t max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(report_emit(m, st, f, max), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* Text between the first `from` at or after p and the next `to`, copied. */
static char *between(const char *p, const char *from, const char *to)
{
	const char *a = strstr(p, from), *b;

	ck_assert_ptr_nonnull(a);
	a += strlen(from);
	b = strstr(a, to);
	ck_assert_ptr_nonnull(b);
	return strndup(a, (size_t)(b - a));
}

/* Number of times needle occurs in hay. */
static int occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* ---- timeline ---- */

START_TEST(test_lanes_order)
{
	struct timeline t;

	add(EV_THREAD, 3000, 10, 10, 12, 0, NULL);
	add(EV_FORK, 4000, 10, 10, 11, 0, NULL);
	add(EV_OPEN, 5000, 10, 12, 3, 0, "/a");
	add(EV_OPEN, 6000, 11, 11, 3, 0, "/b");
	add(EV_OPEN, 7000, 10, 13, 3, 0, "/c");      /* a thread never seen starting */
	timeline_build(&t, m, st);
	ck_assert_uint_eq(t.n, 4);
	ck_assert_int_eq(t.v[0].tid, 10);             /* the root, from the model */
	ck_assert(!t.v[0].thread);
	ck_assert_int_eq(t.v[1].tid, 12);             /* its threads, in order of appearance */
	ck_assert(t.v[1].thread);
	ck_assert_int_eq(t.v[2].tid, 13);
	ck_assert_int_eq(t.v[3].tid, 11);             /* the forked child, a lane of its own */
	ck_assert(!t.v[3].thread);
	ck_assert_int_eq(timeline_find(&t, 13), 2);
	ck_assert_int_eq(timeline_find(&t, 99), -1);
	ck_assert_ptr_nonnull(t.v[0].proc);
	timeline_release(&t);
}
END_TEST

START_TEST(test_time_order_stable)
{
	uint32_t *o;

	add(EV_OPEN, 5000, 10, 10, 3, 0, "/a");
	add(EV_OPEN, 3000, 10, 10, 4, 0, "/b");   /* a producer's late arrival */
	add(EV_OPEN, 5000, 10, 10, 5, 0, "/c");
	add(EV_OPEN, 4000, 10, 10, 6, 0, "/d");
	ck_assert(!timeline_in_order(st));
	o = timeline_order(st);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o[0], 1);
	ck_assert_uint_eq(o[1], 3);
	ck_assert_uint_eq(o[2], 0);                 /* equal times keep their order */
	ck_assert_uint_eq(o[3], 2);
	free(o);
}
END_TEST

/* Events already in time order need no index array at all. */
START_TEST(test_time_order_of_an_ordered_store_is_its_own)
{
	add(EV_OPEN, 3000, 10, 10, 3, 0, "/a");
	add(EV_OPEN, 3000, 10, 10, 4, 0, "/b");
	add(EV_OPEN, 4000, 10, 10, 5, 0, "/c");
	ck_assert(timeline_in_order(st));
	ck_assert_ptr_null(timeline_order(st));
}
END_TEST

/* ---- the HTML report ---- */

/* Hostile names in several events. */
static void hostile_events(void)
{
	add(EV_OPEN, 3000, 10, 10, 3, 0, "/tmp/</script><script>alert(1)</script>");
	add(EV_READ, 4000, 10, 10, 3, 10, "/tmp/<img src=x onerror=alert(2)>&amp;");
	add(EV_OPEN, 5000, 10, 10, 4, 0, "/tmp/\xe2\x80\xa8line\xe2\x80\xa9para\x1b[31m\xe2\x80\xae");
	add(EV_OPEN, 6000, 10, 10, 5, 0, "/tmp/<!--<script>");
}

START_TEST(test_report_csp_hashes_match)
{
	char *html, *csp, *js, *css, want[SHA256_B64_LEN + 1], *script_src, *style_src;

	hostile_events();
	html = report(0);
	ck_assert(strncmp(html, "<!DOCTYPE html>", 15) == 0);
	csp = between(html, "http-equiv=\"Content-Security-Policy\" content=\"", "\"");
	ck_assert(strncmp(csp, "default-src 'none'; ", 20) == 0);
	js = between(strstr(html, "id=\"report-data\""), "</script>\n<script>", "</script>");
	css = between(html, "<style>", "</style>");
	script_src = between(csp, "script-src 'sha256-", "'");
	style_src = between(csp, "style-src 'sha256-", "'");
	ck_assert_str_eq(script_src, sha256_base64(js, strlen(js), want));
	ck_assert_str_eq(style_src, sha256_base64(css, strlen(css), want));
	free(script_src);
	free(style_src);
	free(js);
	free(css);
	free(csp);
	free(html);
}
END_TEST

START_TEST(test_report_data_block_inert)
{
	char *html, *data;

	hostile_events();
	html = report(0);
	ck_assert_int_eq(occurrences(html, "</script>"), 2);
	ck_assert_int_eq(occurrences(html, "<script"), 2);
	ck_assert_int_eq(occurrences(html, "<img"), 0);
	ck_assert_int_eq(occurrences(html, "<!--"), 0);
	data = between(html, "<script type=\"application/json\" id=\"report-data\">", "</script>");
	ck_assert_ptr_null(strpbrk(data, "<>&"));
	ck_assert_ptr_null(strstr(data, "\xe2\x80\xa8"));
	ck_assert_ptr_null(strstr(data, "\xe2\x80\xa9"));
	ck_assert_ptr_null(strstr(data, "\xe2\x80\xae"));
	for (const char *p = data; *p; p++)
		ck_assert_int_ge((unsigned char)*p, 0x20);
	ck_assert_ptr_nonnull(strstr(data, "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)"));
	ck_assert_ptr_nonnull(strstr(data, "\\\\x1b[31m"));          /* ESC as visible text */
	ck_assert_ptr_nonnull(strstr(data, "\\\\u{202E}"));          /* bidi as visible text */
	ck_assert_ptr_nonnull(strstr(data, "\\\\u{2028}line\\\\u{2029}para"));
	ck_assert_ptr_nonnull(strstr(data, "\\\\xff"));              /* invalid UTF-8 too */
	free(data);
	free(html);
}
END_TEST

/* The summary's page faults per mapping name their mapping as the traced
 * program did, and that name cannot end the data block either. */
START_TEST(test_report_fault_regions_are_inert)
{
	static const char maps[] = "7f0000000000-7f0000002000 rw-p 00000000 08:01 12 "
				   "/tmp/</script><img src=x onerror=alert(3)>&x\n";
	struct rec_maps *r = unit_begin(REC_MAPS, 3000, 10, 10, sizeof(*r));
	struct rec_fault *fr;
	char *html, *data;

	r->text_len = (uint32_t)rec_blob(&unit_rb, maps, sizeof(maps) - 1);
	unit_feed(m);
	fr = unit_begin(REC_FAULT, 4000, 10, 10, sizeof(*fr));
	fr->addr = 0x7f0000000100;
	fr->ip = 0x401000;
	unit_feed(m);
	ck_assert_uint_eq(model_faults_total(m), 1);
	html = report(0);
	ck_assert_int_eq(occurrences(html, "</script>"), 2);
	ck_assert_int_eq(occurrences(html, "<img"), 0);
	data = between(html, "<script type=\"application/json\" id=\"report-data\">", "</script>");
	ck_assert_ptr_null(strpbrk(data, "<>&"));
	ck_assert_ptr_nonnull(strstr(data, "\"by_region\":[{\"region\":\"/tmp/\\u003c/script\\u003e"));
	free(data);
	free(html);
}
END_TEST

/* The value of "key":N in text, or -1. */
static long num_field(const char *text, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(text, pat);
	return p ? strtol(p + strlen(pat), NULL, 10) : -1;
}

/* Sum of the "left_out":[...] array. */
static long left_out_sum(const char *text)
{
	const char *p = strstr(text, "\"left_out\":[");
	long sum = 0;
	char *end;

	ck_assert_ptr_nonnull(p);
	p += strlen("\"left_out\":[");
	while (*p != ']') {
		sum += strtol(p, &end, 10);
		p = *end == ',' ? end + 1 : end;
	}
	return sum;
}

/* The report's string table rebuilt (each string's shared prefix from the
 * one before it put back; escapes left as written); NULL-terminated. */
static char **report_strings(const char *html)
{
	const char *sp = strstr(html, "\"sp\":["), *p = strstr(html, "\"strs\":[");
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;
	char *end;

	ck_assert_ptr_nonnull(sp);
	ck_assert_ptr_nonnull(p);
	sp += strlen("\"sp\":[");
	p += strlen("\"strs\":[");
	while (*p == '"') {
		const char *q = ++p;
		long k = strtol(sp, &end, 10);
		char *str;

		sp = *end == ',' ? end + 1 : end;
		while (*q != '"')
			q += *q == '\\' ? 2 : 1;
		str = malloc((size_t)k + (size_t)(q - p) + 1);
		memcpy(str, n ? v[n - 1] : "", (size_t)k);
		memcpy(str + k, p, (size_t)(q - p));
		str[k + (q - p)] = '\0';
		v = realloc(v, (n + 2) * sizeof(*v));
		v[n++] = str;
		v[n] = NULL;
		p = q[1] == ',' ? q + 2 : q + 1;
	}
	return v;
}

/* How many strings of the report's string table start with prefix. */
static int count_strings(const char *html, const char *prefix)
{
	char **v = report_strings(html);
	int n = 0;

	for (size_t i = 0; v[i]; i++) {
		n += strncmp(v[i], prefix, strlen(prefix)) == 0;
		free(v[i]);
	}
	free(v);
	return n;
}

/* Does the report's string table hold a string starting with prefix? */
static bool has_string(const char *html, const char *prefix)
{
	return count_strings(html, prefix) > 0;
}

START_TEST(test_report_shares_directories_in_strings)
{
	char *html, *strs, *sp;

	add(EV_OPEN, 3000, 10, 10, 3, 0, "/usr/share/doc/a/README");
	add(EV_OPEN, 4000, 10, 10, 3, 0, "/usr/share/doc/a/NEWS");
	add(EV_OPEN, 5000, 10, 10, 3, 0, "/usr/share/doc/b/<x>");
	add(EV_OPEN, 6000, 10, 10, 3, 0, "/usr/sh\xc3\xa9/doc");   /* not ASCII: not shared */
	add(EV_OPEN, 7000, 10, 10, 3, 0, "/usr/sh\xc3\xa9/x");
	html = report(0);
	sp = between(html, "\"sp\":[", "]");
	strs = between(html, "\"strs\":[", "]");
	ck_assert_str_eq(sp, "0,0,17,15,5,5");   /* id 0 is "" */
	ck_assert_str_eq(strs, "\"\",\"/usr/share/doc/a/README\",\"NEWS\",\"b/\\u003cx\\u003e\","
			 "\"sh\xc3\xa9/doc\",\"sh\xc3\xa9/x\"");
	ck_assert(has_string(html, "/usr/share/doc/a/NEWS"));
	ck_assert(has_string(html, "/usr/share/doc/b/\\u003cx\\u003e"));
	ck_assert(has_string(html, "/usr/sh\xc3\xa9/x"));
	free(sp);
	free(strs);
	free(html);
}
END_TEST

START_TEST(test_report_memory_addresses_are_deltas)
{
	char *html, *x;
	struct event ev = { .ts = 3000, .pid = 10, .tid = 10, .type = EV_MMAP, .nr = -1, .fd = -1,
			    .addr = 0x7f0000001000ull, .bytes = 4096 };

	store_add(st, &ev);
	ev.ts = 4000;
	ev.type = EV_MUNMAP;
	store_add(st, &ev);                     /* the same address: 0 */
	ev.ts = 5000;
	ev.type = EV_MMAP;
	ev.addr = 0x7f0000000000ull;
	store_add(st, &ev);                     /* 4096 lower */
	add(EV_OPEN, 6000, 10, 10, 3, 0, "/x"); /* open flags (none here) */
	html = report(0);
	x = between(html, "\"x\":[", "]");
	/* mmap: len, address; munmap: fd -1, len, no move; mmap: len, 4096
	 * lower; open: fd 3, string 1 (its flags are 0) */
	ck_assert_str_eq(x, "4096,139637976731648,-1,4096,0,4096,-4096,3,1");
	free(x);
	free(html);
}
END_TEST

START_TEST(test_report_thins_evenly_and_says_so)
{
	char *html, path[64];
	int kept_exec = 0;

	for (int i = 0; i < 1000; i++) {
		if (i % 100 == 0) {
			snprintf(path, sizeof(path), "/bin/keep-me-%d", i / 100);
			add(EV_EXEC, 3000 + (uint64_t)i * 1000, 10, 10, 0, 0, path);
		} else {
			snprintf(path, sizeof(path), "/data/f%d", i);
			add(EV_READ, 3000 + (uint64_t)i * 1000, 10, 10, 3, 100, path);
		}
	}
	html = report(100);
	ck_assert_int_eq(num_field(html, "total"), 1000);
	ck_assert_int_eq(num_field(html, "kept"), 100);
	ck_assert_int_eq(left_out_sum(html), 900);
	for (int i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/bin/keep-me-%d", i);
		kept_exec += has_string(html, path);
	}
	ck_assert_int_eq(kept_exec, 10);
	/* 90 of 990 reads kept, spread: the first and the last thirds both have some. */
	ck_assert(has_string(html, "/data/f1"));
	ck_assert(has_string(html, "/data/f9"));
	ck_assert_int_eq(count_strings(html, "/data/f"), 90);
	free(html);
	html = report(0);
	ck_assert_int_eq(num_field(html, "kept"), 1000);
	ck_assert_int_eq(left_out_sum(html), 0);
	free(html);
}
END_TEST

START_TEST(test_report_carries_durations)
{
	char *html, *x;

	add_dur(EV_READ, 3000000, 10, 3, 10, "/data/slow", 2500000);   /* 2.5 ms */
	add_dur(EV_READ, 3500000, 10, 3, 10, "/data/slow", 400);       /* under a us */
	add_dur(EV_READ, 4000000, 10, 3, 10, "/data/slow", 0);         /* not measured */
	html = report(0);
	x = between(html, "\"x\":[", "]");
	/* fd, bytes, path id, then the duration in us where there is one */
	ck_assert_str_eq(x, "3,10,1,2500,3,10,1,1,3,10,1");
	ck_assert_int_eq(num_field(html, "tu"), 1000);
	free(x);
	free(html);
}
END_TEST

START_TEST(test_report_write_errors)
{
	ck_assert_int_eq(report_write(m, st, "/nonexistent-dir/x/report.html", 0), -ENOENT);
	ck_assert_int_eq(tracejson_write(m, st, "/nonexistent-dir/x/trace.json"), -ENOENT);
	ck_assert_int_eq(report_write(m, st, "/dev/full", 0), -ENOSPC);
}
END_TEST

START_TEST(test_report_empty_store)
{
	char *html = report(REPORT_MAX_EVENTS_DEFAULT);

	ck_assert_int_eq(num_field(html, "total"), 0);
	ck_assert_ptr_nonnull(strstr(html, "\"t\":[]"));
	ck_assert_ptr_nonnull(strstr(html, "</html>"));
	free(html);
}
END_TEST

/* ---- the trace export ---- */

START_TEST(test_tracejson_shape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct event lat = { .ts = 9000, .pid = 10, .tid = 10, .type = EV_SCHED, .nr = -1, .dur = 4000 };

	add(EV_THREAD, 3000, 10, 10, 12, 0, NULL);
	add(EV_OPEN, 4000, 10, 12, 3, 0, "/tmp/\"quoted\"\n");
	add(EV_BRK, 5000, 10, 10, 0, 8192, NULL);
	store_add(st, &lat);
	ck_assert_int_eq(tracejson_emit(m, st, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert(strncmp(buf, "{\"displayTimeUnit\":\"ms\"", 23) == 0);
	ck_assert(len > 4 && strcmp(buf + len - 3, "]}\n") == 0);
	ck_assert_int_eq(occurrences(buf, "\"name\":\"process_name\""), 1);
	ck_assert_int_eq(occurrences(buf, "\"name\":\"thread_name\""), 2);
	ck_assert_int_eq(occurrences(buf, "{\"ph\":\"i\""), 3);      /* thread, open, brk */
	ck_assert_int_eq(occurrences(buf, "{\"ph\":\"C\""), 1);      /* heap */
	ck_assert_int_eq(occurrences(buf, "{\"ph\":\"s\""), 1);
	ck_assert_int_eq(occurrences(buf, "{\"ph\":\"f\""), 1);
	ck_assert_ptr_nonnull(strstr(buf, "{\"ph\":\"b\",\"pid\":10,\"tid\":10,\"ts\":5.000,"));
	ck_assert_ptr_nonnull(strstr(buf, "{\"ph\":\"e\",\"pid\":10,\"tid\":10,\"ts\":9.000,"));
	ck_assert_ptr_nonnull(strstr(buf, "\"target\":\"/tmp/\\\"quoted\\\"\\\\x0a\""));
	free(buf);
}
END_TEST

/* The trace export of m and st as a NUL-terminated string. */
static char *trace(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(tracejson_emit(m, st, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(test_tracejson_calls_are_nested_slices)
{
	struct event sys = { .ts = 10000, .pid = 10, .tid = 12, .type = EV_SYSCALL, .nr = -1,
			     .fd = 0, .dur = 4000 };
	char *buf;

	add(EV_OPEN, 5500, 10, 12, 3, 0, "/first");                  /* an instant */
	add_dur(EV_READ, 10000, 12, 3, 64, "/a", 4000);              /* 6..10 us */
	store_add(st, &sys);                                         /* same call, raw */
	add_dur(EV_READ, 12000, 12, 3, 64, "/a", 5000);              /* 7..12: overlaps */
	add_dur(EV_WRITE, 20000, 12, 3, 64, "/a", 15000);            /* 5..20: holds all */
	add_dur(EV_READ, 30000, 12, 3, 64, "/a", 2000);              /* 28..30 */
	buf = trace();
	ck_assert_int_eq(occurrences(buf, "{\"ph\":\"X\""), 7);   /* 5 calls, 2 lifetimes */
	ck_assert_int_eq(occurrences(buf, "{\"ph\":\"i\""), 1);
	/* the thread's lifetime starts where its earliest call began, before
	 * its first event */
	ck_assert_ptr_nonnull(strstr(buf, "{\"ph\":\"X\",\"pid\":10,\"tid\":12,\"ts\":5.000,"
				     "\"dur\":25.000,\"cat\":\"proc\""));
	ck_assert_int_eq(occurrences(buf, "\"ts\":6.000,\"dur\":4.000,\"name\":\"read\""), 1);
	ck_assert_int_eq(occurrences(buf, "\"ts\":6.000,\"dur\":4.000,\"name\":\"syscall\""), 1);
	/* a partial overlap starts when the earlier slice ends */
	ck_assert_ptr_nonnull(strstr(buf, "\"ts\":10.000,\"dur\":2.000,\"name\":\"read\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"ts\":5.000,\"dur\":15.000,\"name\":\"write\""));
	ck_assert_ptr_nonnull(strstr(buf, "\"ts\":28.000,\"dur\":2.000,\"name\":\"read\""));
	free(buf);
}
END_TEST

START_TEST(test_tracejson_deep_history_still_nests)
{
	char *buf;
	const char *p;
	uint64_t last_end = 0;

	double ws, wd;

	/* 200 back-to-back calls, then one that holds the last 10 and cuts into
	 * the one before them; then one reaching back past every slice the
	 * writer still remembers: it must not cut a forgotten one either. */
	for (int i = 0; i < 200; i++)
		add_dur(EV_READ, 100000 + (uint64_t)i * 1000 + 1000, 10, 3, 1, "/a", 1000);
	add_dur(EV_WRITE, 301000, 10, 3, 1, "/a", 10500);
	add_dur(EV_SEND, 302000, 10, 3, 1, "/a", 201500);
	buf = trace();
	/* the write starts at 291.000 (the end of the call it would cut), not 290.500 */
	ck_assert_ptr_nonnull(strstr(buf, "\"ts\":291.000,\"dur\":10.000,\"name\":\"write\""));
	p = strstr(buf, "\"name\":\"send\"");
	ck_assert_ptr_nonnull(p);
	while (strncmp(p, "\"ts\":", 5))
		p--;
	ck_assert_int_eq(sscanf(p, "\"ts\":%lf,\"dur\":%lf", &ws, &wd), 2);
	ck_assert_double_eq_tol(ws + wd, 302.0, 1e-9);
	for (p = buf; (p = strstr(p, "\"name\":\"read\"")); p++) {
		const char *ts = p;
		double t, d;

		while (strncmp(ts, "\"ts\":", 5))
			ts--;
		ck_assert_int_eq(sscanf(ts, "\"ts\":%lf,\"dur\":%lf", &t, &d), 2);
		ck_assert_double_eq_tol(d, 1.0, 1e-9);          /* none was cut */
		ck_assert(t + d <= ws + 1e-9 || t >= ws - 1e-9);   /* outside or inside the send */
		ck_assert_uint_ge((uint64_t)(t * 1000 + 0.5), last_end);
		last_end = (uint64_t)((t + d) * 1000 + 0.5);
	}
	ck_assert_uint_eq(last_end, 300000);
	free(buf);
}
END_TEST

START_TEST(test_lanes_one_per_task_whatever_order_samples_come_in)
{
	struct timeline t;
	const struct timeline_lane *l11[2] = { NULL, NULL };
	char *json, *html, *lanes;
	size_t n11 = 0;

	model_set_observer(m, store_add, st);
	unit_sched(m, 2900, 12, 10);                 /* the thread ran before its clone record */
	unit_newtask(m, 3000, 10, 12, true);
	unit_newtask(m, 3100, 10, 11, false);
	unit_sched(m, 3200, 11, 11);
	unit_exit(m, 4000, 12, 10);
	unit_exit(m, 4100, 11, 11);
	unit_sched(m, 3900, 12, 10);                 /* the reader's samples after the exits */
	unit_sched(m, 4050, 11, 11);
	unit_sched(m, 300000000, 11, 11);            /* 0.3 s on: the pid's next process... */
	unit_newtask(m, 300001000, 10, 11, false);   /* ...whose fork comes after it */
	unit_sched(m, 300002000, 11, 11);
	unit_exit(m, 300003000, 11, 11);
	timeline_build(&t, m, st);
	ck_assert_uint_eq(t.n, 4);               /* 10, its thread 12, 11 and 11 again */
	for (size_t i = 0; i < t.n; i++)
		if (t.v[i].tid == 11 && n11 < 2)
			l11[n11++] = &t.v[i];
	ck_assert_uint_eq(n11, 2);
	ck_assert_ptr_nonnull(l11[0]->proc);
	ck_assert_ptr_nonnull(l11[1]->proc);
	ck_assert_ptr_ne(l11[0]->proc, l11[1]->proc);
	ck_assert_uint_eq(l11[0]->events, 3);    /* a sched, its exit, the late sched */
	ck_assert_uint_eq(l11[1]->events, 3);    /* the early sched, one more, its exit */
	for (size_t i = 0; i < store_count(st); i++) {
		const struct sevent *e = store_get(st, i);
		const struct timeline_lane *ln = &t.v[timeline_lane_of(&t, e, i)];

		ck_assert_int_eq(ln->tid, e->tid);
		if (e->tid == 11 && e->ts >= 200000000)
			ck_assert_ptr_eq(ln, l11[1]);
		else if (e->tid == 11)
			ck_assert_ptr_eq(ln, l11[0]);
	}
	timeline_release(&t);
	html = report(0);
	lanes = between(html, "\"lanes\":{\"pid\":[", "]");
	ck_assert_str_eq(lanes, "10,10,11,11");
	free(lanes);
	free(html);
	json = trace();
	ck_assert_int_eq(occurrences(json, "\"thread_name\""), 4);
	ck_assert_int_eq(occurrences(json, "\"process_name\""), 3);
	free(json);
}
END_TEST

/* Build the report suite. */
static Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("sha256");

	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_sha256_million_a_in_pieces);
	tcase_add_test(tc, test_sha256_padding_edges);
	tcase_add_test(tc, test_sha256_base64);
	suite_add_tcase(s, tc);
	tc = tcase_create("writers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lanes_order);
	tcase_add_test(tc, test_lanes_one_per_task_whatever_order_samples_come_in);
	tcase_add_test(tc, test_time_order_stable);
	tcase_add_test(tc, test_report_csp_hashes_match);
	tcase_add_test(tc, test_report_data_block_inert);
	tcase_add_test(tc, test_report_fault_regions_are_inert);
	tcase_add_test(tc, test_report_thins_evenly_and_says_so);
	tcase_add_test(tc, test_time_order_of_an_ordered_store_is_its_own);
	tcase_add_test(tc, test_report_write_errors);
	tcase_add_test(tc, test_report_empty_store);
	tcase_add_test(tc, test_tracejson_shape);
	tcase_add_test(tc, test_report_carries_durations);
	tcase_add_test(tc, test_report_shares_directories_in_strings);
	tcase_add_test(tc, test_report_memory_addresses_are_deltas);
	tcase_add_test(tc, test_tracejson_calls_are_nested_slices);
	tcase_add_test(tc, test_tracejson_deep_history_still_nests);
	suite_add_tcase(s, tc);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(report_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
