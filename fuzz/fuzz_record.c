/* fuzz_record.c - libFuzzer harness: a recording file as a stream of records.
 *
 * The input is read the way a recording would be: records back to back,
 * each copied to an allocation of exactly its length, checked with
 * rec_validate, and only then given to the model; reading stops at the first
 * record that fails.  A synthetic REC_START comes first so every record is
 * interpreted.  Every event goes through the JSON Lines and line sinks with
 * all filters off, each JSON line must be valid JSON, and every string an
 * event or the summary points to is read in full so ASan sees stale
 * pointers.  It must never feed the model a record rec_validate refused.
 *
 * --batch output must hold no control byte but newline, since lines.c
 * escapes the text tracees make (paths, argv); FUZZ_LINES_STRICT=0 turns
 * that check off.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evdesc.h"
#include "jsoncheck.h"
#include "jsonl.h"
#include "lines.h"
#include "model.h"
#include "record.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct recbuf start_rb;
static bool lines_strict;
static volatile size_t sink;   /* keeps the reads below from being optimised out */

struct sinks {
	struct jsonl *json;
	struct lines *lines;
};

/* Report a broken promise with the offending text, then crash. */
static void fail(const char *what, const char *text, size_t len)
{
	fprintf(stderr, "fuzz_record: %s\n", what);
	fwrite(text, 1, len, stderr);
	fputc('\n', stderr);
	abort();
}

/* Read a whole string so ASan checks it is still allocated. */
static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

/* Read what an fd object points to. */
static void touch_obj(const struct fobj *o)
{
	if (!o)
		return;
	if (o->refs <= 0)
		fail("event points to an object nobody holds", "", 0);
	touch(o->path);
	touch(o->local);
	touch(o->remote);
}

/* Read a NULL-terminated string vector. */
static void touch_argv(char *const *v)
{
	for (; v && *v; v++)
		touch(*v);
}

/* Read a process entry. */
static void touch_proc(const struct proc *p)
{
	if (!p)
		return;
	touch(p->exe);
	touch_argv(p->argv);
}

/* Observer: read every pointer of the event, then feed both sinks. */
static void on_event(void *ctx, const struct event *ev)
{
	struct sinks *s = ctx;

	touch(ev->path);
	touch(ev->addr_text);
	touch_obj(ev->obj);
	touch_obj(ev->obj2);
	touch_proc(ev->proc);
	if (ev->conn) {
		touch(ev->conn->local);
		touch(ev->conn->remote);
	}
	touch(evdesc_name(ev->type));
	jsonl_event(s->json, ev);
	lines_event(s->lines, ev);
}

/* The REC_START a real trace begins with: pid 100 running "prog -x". */
static const struct rec_hdr *start_record(void)
{
	static const char argv[] = "prog\0-x";
	struct rec_start *s = rec_begin(&start_rb, REC_START, 1000000000ull, 100, 100, sizeof(*s));

	s->pid = 100;
	s->tracer_pid = 99;
	s->mode = START_SPAWN;
	s->realtime_ns = 1;
	s->argv_len = (uint32_t)rec_blob(&start_rb, argv, sizeof(argv));
	rec_finish(&start_rb);
	if (rec_validate(start_rb.buf, start_rb.len) != 0)
		fail("the synthetic REC_START does not validate", "", 0);
	return (const struct rec_hdr *)start_rb.buf;
}

/* The next record of the stream as an exact-size copy, or NULL at the end
 * or at the first record rec_validate refuses. */
static struct rec_hdr *next_record(const uint8_t *d, size_t n, size_t *off)
{
	struct rec_hdr h, *copy;

	if (n - *off < sizeof(h) || rec_validate(d + *off, n - *off) != 0)
		return NULL;
	memcpy(&h, d + *off, sizeof(h));
	copy = malloc(h.len);
	memcpy(copy, d + *off, h.len);
	*off += h.len;
	if (rec_validate(copy, h.len) != 0)
		fail("a record valid in the stream is invalid on its own", (const char *)copy, 0);
	return copy;
}

/* Read the whole summary the way the sinks and the UI do. */
static void touch_summary(const struct model *m)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);
	struct fileagg *const *f;
	struct conn *const *c;

	for (size_t i = 0; i < n; i++)
		touch_proc(p[i]);
	f = model_files(m, &n);
	for (size_t i = 0; i < n; i++)
		touch(f[i]->path);
	c = model_conns(m, &n);
	for (size_t i = 0; i < n; i++) {
		touch(c[i]->local);
		touch(c[i]->remote);
	}
	touch_argv((char *const *)model_notes(m));
	touch_argv(model_command(m));
	touch_proc(model_root(m));
	sink += model_live_tasks(m) + model_duration(m) + model_heap_bytes(m);
}

/* Every line of JSON Lines output must be one valid JSON object. */
static void check_jsonl(const char *buf, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[start] != '{' || jsoncheck_value(buf + start, i - start) != 0)
			fail("invalid JSON line", buf + start, i - start);
		start = i + 1;
	}
	if (start != len)
		fail("JSON Lines output does not end with a newline", buf + start, len - start);
}

/* --batch output must not carry a tracee's control bytes to the terminal:
 * C0 but newline, DEL, and C1 encoded in UTF-8 (C2 80..C2 9F). */
static void check_lines(const char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)buf;

	for (size_t i = 0; i < len; i++)
		if ((u[i] < 0x20 && u[i] != '\n') || u[i] == 0x7f ||
		    (u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f))
			fail("control byte in --batch output", buf, len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *e = getenv("FUZZ_LINES_STRICT");

	lines_strict = !e || *e != '0';
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *jbuf = NULL, *lbuf = NULL;
	size_t jlen = 0, llen = 0, off = 0;
	FILE *jf = open_memstream(&jbuf, &jlen), *lf = open_memstream(&lbuf, &llen);
	struct sinks s = { jsonl_new(jf), lines_new(lf, LINES_ALL | LINES_VERBOSE) };
	struct model *m = model_new();
	struct rec_hdr *h;

	model_set_observer(m, on_event, &s);
	model_set_verbose(m, true);
	model_ingest(m, start_record());
	while ((h = next_record(data, size, &off))) {
		model_ingest(m, h);
		free(h);
	}
	touch_summary(m);
	jsonl_summary(s.json, m);
	lines_final(s.lines, m);
	model_free(m);
	jsonl_free(s.json);
	lines_free(s.lines);
	fclose(jf);
	fclose(lf);
	check_jsonl(jbuf, jlen);
	if (lines_strict)
		check_lines(lbuf, llen);
	free(jbuf);
	free(lbuf);
	return 0;
}
