/* fuzz_query.c - libFuzzer harness for the filter language (src/query.c).
 *
 * The input is an expression as a person could type it (any bytes; the
 * first NUL ends it).  Checked promises: parsing either compiles or gives an
 * error whose position is inside the text (or just past it) with a message;
 * a compiled expression can be tested against stored events of every type,
 * twice with the same answers (the caches must not change them), and
 * against the same events straight from the model with the same answers.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

#define NEVENTS 40

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken promise, then crash. */
static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_query: %s: \"%s\"\n", what, text);
	abort();
}

/* Events of every type, with peers, paths, failures, sizes and latencies. */
static void make_events(struct event *ev, struct fobj *obj)
{
	static char paths[7][24] = { "/etc/hosts", "93.184.216.34:443", "[::1]:80", "/run/x.sock",
				     "pipe:[12]", "/usr/lib/libc.so.6", "" };
	static const uint8_t kinds[] = { FDK_FILE, FDK_TCP4, FDK_TCP6, FDK_UNIX, FDK_PIPE,
					 FDK_FILE, FDK_UNKNOWN };

	for (int i = 0; i < NEVENTS; i++) {
		struct fobj *o = &obj[i % 7];

		memset(o, 0, sizeof(*o));
		o->kind = kinds[i % 7];
		o->path = paths[i % 7];
		if (i % 7 >= 1 && i % 7 <= 3)
			o->remote = paths[i % 7];
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].type = (enum ev_type)(i % EV_TYPE_MAX);
		ev[i].pid = 100 + i % 3;
		ev[i].tid = ev[i].pid + i % 2;
		ev[i].fd = 3;
		ev[i].fd2 = -1;
		ev[i].nr = 257;
		ev[i].obj = o;
		ev[i].path = i % 4 ? "/usr/bin/curl" : "/bin/sh";
		ev[i].addr_text = paths[(i + 1) % 7];
		ev[i].child = 101 + i % 2;
		ev[i].bytes = (uint64_t)i << (i % 31);
		ev[i].dur = i % 5 ? 0 : (uint64_t)i * 1000000;
		ev[i].ret = i % 6 == 0 ? -2 : 0;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event ev[NEVENTS];
	static struct fobj obj[7];
	char *text = malloc(size + 1);
	struct query_error err;
	struct query *q, *streamed;
	struct store *s;
	bool first[NEVENTS];

	memcpy(text, data, size);
	text[size] = '\0';
	q = query_parse(text, &err);
	if (!q) {
		if (err.pos > strlen(text) || !err.msg[0])
			fail("error outside the text or without a message", text);
		free(text);
		return 0;
	}
	streamed = query_parse(text, &err);
	if (!streamed)
		fail("parsed once, refused the second time", text);
	make_events(ev, obj);
	s = store_new();
	for (int i = 0; i < NEVENTS; i++) {
		store_add(s, &ev[i]);
		if (query_event(streamed, &ev[i]) != query_match_at(q, s, (size_t)i))
			fail("streamed and stored answers differ", text);
	}
	for (int i = 0; i < NEVENTS; i++)
		first[i] = query_match(q, s, store_get(s, (size_t)i));
	for (int i = 0; i < NEVENTS; i++)
		if (query_match(q, s, store_get(s, (size_t)i)) != first[i])
			fail("a cached answer changed", text);
	store_free(s);
	query_free(q);
	query_free(streamed);
	free(text);
	return 0;
}
