/*
 * check_query.c - Check suite for src/query.c, the filter language.
 *
 * Runs every case of tests/query_cases.txt (the cases ui/report/query.js must pass
 * too: each predicate, negation, and/or precedence, units, error positions
 * and messages), then what only the C side does: learning each process's
 * program from the exec and fork events of a store, matching events straight
 * from the model the same way as stored ones (also after the query's own
 * store has started over), and hostile input.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "strbuf.h"
#include "sysent.h"
#include "unit.h"

#define MAX_EVENTS 64

struct fixture {
	struct store *s;
	struct sevent ev[MAX_EVENTS];
	struct query_extra extra[MAX_EVENTS];
	char names[MAX_EVENTS][32];
	size_t n;
};

/* Index of name among the n names of fn, or -1. */
static int index_of(const char *name, int n, const char *(*fn)(int))
{
	for (int i = 0; i < n; i++)
		if (!strcmp(fn(i), name))
			return i;
	return -1;
}

static const char *type_name(int i) { return evdesc_name((enum ev_type)i); }
static const char *cat_name(int i) { return evdesc_cat_name((enum ev_cat)i); }
static const char *kind_name(int i) { return model_kind_name(i); }

/* A value with \s turned into spaces (in place). */
static char *unescape(char *v)
{
	char *w = v;

	for (char *r = v; *r; r++) {
		if (r[0] == '\\' && r[1] == 's') {
			*w++ = ' ';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return v;
}

/* One key=value of an event line into e. */
static void event_field(struct fixture *f, struct sevent *e, struct query_extra *x, char *kv)
{
	char *v = strchr(kv, '=');

	if (!strcmp(kv, "failed")) {
		e->flags |= SEV_FAILED;
		return;
	}
	ck_assert_msg(v != NULL, "bad event field %s", kv);
	*v++ = '\0';
	if (!strcmp(kv, "type"))
		e->type = (uint8_t)index_of(v, EV_TYPE_MAX, type_name);
	else if (!strcmp(kv, "cat"))
		e->cat = (uint8_t)index_of(v, CAT_MAX, cat_name);
	else if (!strcmp(kv, "kind"))
		e->kind = (uint8_t)index_of(v, FDK_MAX, kind_name);
	else if (!strcmp(kv, "pid"))
		e->pid = e->tid = atoi(v);
	else if (!strcmp(kv, "tid"))
		e->tid = atoi(v);
	else if (!strcmp(kv, "fd"))
		e->fd = atoi(v);
	else if (!strcmp(kv, "val"))
		e->val = atoll(v);
	else if (!strcmp(kv, "str"))
		e->str = store_intern(f->s, unescape(v));
	else if (!strcmp(kv, "str2"))
		e->str2 = store_intern(f->s, unescape(v));
	else if (!strcmp(kv, "comm"))
		x->exe = store_intern(f->s, unescape(v));
	else if (!strcmp(kv, "dur"))
		x->dur = (uint64_t)atoll(v);
	else if (!strcmp(kv, "sys"))
		ck_assert_str_eq(sysent_name(0, e->fd), v);
	else
		ck_abort_msg("unknown event field %s", kv);
}

/* "event NAME k=v ..." into the fixture. */
static void event_line(struct fixture *f, char *line)
{
	struct sevent *e = &f->ev[f->n];
	char *save, *tok = strtok_r(line, " ", &save);

	ck_assert_uint_lt(f->n, MAX_EVENTS);
	memset(e, 0, sizeof(*e));
	memset(&f->extra[f->n], 0, sizeof(f->extra[0]));
	snprintf(f->names[f->n], sizeof(f->names[0]), "%s", tok);
	while ((tok = strtok_r(NULL, " ", &save)))
		event_field(f, e, &f->extra[f->n], tok);
	f->n++;
}

/* "names LIST a b c": the list must be the C names, in order. */
static void names_line(char *line)
{
	char *save, *list = strtok_r(line, " ", &save), *tok;
	int n = !strcmp(list, "types") ? EV_TYPE_MAX : !strcmp(list, "cats") ? CAT_MAX : FDK_MAX;
	const char *(*fn)(int) = !strcmp(list, "types") ? type_name :
				 !strcmp(list, "cats") ? cat_name : kind_name;
	int i = 0;

	while ((tok = strtok_r(NULL, " ", &save)))
		ck_assert_str_eq(fn(i++), tok);
	ck_assert_int_eq(i, n);
}

/* The names of the events q matches, space-separated ("none" if none). */
static void matches(struct fixture *f, struct query *q, struct strbuf *out)
{
	strbuf_reset(out);
	for (size_t i = 0; i < f->n; i++)
		if (query_match_with(q, f->s, &f->ev[i], &f->extra[i]))
			strbuf_addf(out, "%s%s", out->len ? " " : "", f->names[i]);
	if (!out->len)
		strbuf_addstr(out, "none");
}

/* A "match" or "error" line: expr => expected. */
static void case_line(struct fixture *f, char *line, bool is_error, int lineno)
{
	char *arrow = strstr(line, " => ");
	struct query_error err;
	struct query *q;
	struct strbuf got = STRBUF_INIT;

	ck_assert_msg(arrow != NULL, "line %d: no =>", lineno);
	*arrow = '\0';
	q = query_parse(line, &err);
	if (is_error) {
		char *msg;
		long pos = strtol(arrow + 4, &msg, 10);

		ck_assert_msg(q == NULL, "line %d: '%s' parsed", lineno, line);
		ck_assert_msg((long)err.pos == pos && !strcmp(err.msg, msg + 1),
			      "line %d: '%s': got %zu %s", lineno, line, err.pos, err.msg);
		return;
	}
	ck_assert_msg(q != NULL, "line %d: '%s': %zu %s", lineno, line, err.pos, err.msg);
	matches(f, q, &got);
	ck_assert_msg(!strcmp(got.buf, arrow + 4), "line %d: '%s' matched %s", lineno, line,
		      got.buf);
	strbuf_release(&got);
	query_free(q);
}

START_TEST(shared_cases)
{
	char path[4096], line[2048];
	const char *srcdir = getenv("srcdir");
	struct fixture f = { .s = store_new() };
	FILE *in;
	int lineno = 0, cases = 0;

	snprintf(path, sizeof(path), "%s/tests/query_cases.txt", srcdir ? srcdir : ".");
	in = fopen(path, "r");
	ck_assert_msg(in != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), in)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "names ", 6))
			names_line(line + 6);
		else if (!strncmp(line, "event ", 6))
			event_line(&f, line + 6);
		else if (!strncmp(line, "match ", 6) || !strncmp(line, "error ", 6))
			case_line(&f, line + 6, line[0] == 'e', lineno), cases++;
	}
	fclose(in);
	ck_assert_int_gt(cases, 100);
	store_free(f.s);
}
END_TEST

/* Parse or fail the test. */
static struct query *must_parse(const char *text)
{
	struct query_error err;
	struct query *q = query_parse(text, &err);

	ck_assert_msg(q != NULL, "'%s': %zu %s", text, err.pos, err.msg);
	return q;
}

/* Add exec of exe for pid to s. */
static void add_exec(struct store *s, int pid, const char *exe)
{
	struct event ev = unit_event(EV_EXEC, pid, pid, 0);

	ev.path = exe;
	store_add(s, &ev);
}

/* Add fork parent -> child to s. */
static void add_fork(struct store *s, int parent, int child)
{
	struct event ev = unit_event(EV_FORK, parent, parent, 0);

	ev.child = child;
	store_add(s, &ev);
}

/* Add a signal event of pid (an event that names no program). */
static void add_signal(struct store *s, int pid)
{
	struct event ev = unit_event(EV_SIGNAL, pid, pid, 0);

	ev.status = 17;
	store_add(s, &ev);
}

START_TEST(comm_follows_exec_and_fork_in_the_store)
{
	struct store *s = store_new();
	struct query *sh = must_parse("comm:sh"), *curl = must_parse("comm:curl");
	struct query *any = must_parse("comm:*");

	add_exec(s, 10, "/bin/sh");
	add_fork(s, 10, 11);
	add_signal(s, 11);
	ck_assert(query_match(sh, s, store_get(s, 2)));
	ck_assert(!query_match(curl, s, store_get(s, 2)));
	/* The last program of a process names all its events. */
	add_exec(s, 11, "/usr/bin/curl");
	ck_assert(query_match(curl, s, store_get(s, 2)));
	ck_assert(!query_match(sh, s, store_get(s, 3)));
	ck_assert(query_match(sh, s, store_get(s, 0)));
	/* A process never seen to exec or fork has no name. */
	add_signal(s, 99);
	ck_assert(!query_match(any, s, store_get(s, 4)));
	ck_assert(query_match(any, s, store_get(s, 3)));
	query_free(any);
	query_free(sh);
	query_free(curl);
	store_free(s);
}
END_TEST

START_TEST(streamed_events_match_like_stored_ones)
{
	struct query *q = must_parse("comm:cat path:/etc/* -failed | bytes>1k");
	struct query *stored = must_parse("comm:cat path:/etc/* -failed | bytes>1k");
	struct store *s = store_new();
	struct fobj o;
	struct event ev;
	int hits = 0;

	memset(&o, 0, sizeof(o));
	o.kind = FDK_FILE;
	o.path = (char *)"/etc/passwd";
	ev = unit_event(EV_EXEC, 7, 7, 0);
	ev.path = "/bin/cat";
	ck_assert(!query_event(q, &ev));
	store_add(s, &ev);
	/* Past the size at which query_event's store starts over, twice. */
	for (int i = 0; i < 150000; i++) {
		ev = unit_event(i % 3 ? EV_READ : EV_OPEN, 7, 7, 0);
		ev.obj = &o;
		ev.path = o.path;
		ev.bytes = (uint64_t)(i % 5) * 700;
		ev.ret = i % 7 == 0 ? -2 : 0;
		store_add(s, &ev);
		ck_assert_int_eq(query_event(q, &ev),
				 query_match_at(stored, s, store_count(s) - 1));
		hits += query_event(q, &ev);
	}
	ck_assert_int_gt(hits, 100000);
	query_free(q);
	query_free(stored);
	store_free(s);
}
END_TEST

START_TEST(word_to_highlight_is_the_first_plain_one_not_negated)
{
	struct query *q = must_parse("cat:net -foo (\"Bar baz\"|qux)");

	ck_assert_str_eq(query_word(q), "Bar baz");
	ck_assert(!query_empty(q));
	query_free(q);
	q = must_parse("  ");
	ck_assert_str_eq(query_word(q), "");
	ck_assert(query_empty(q));
	query_free(q);
	q = query_parse(NULL, &(struct query_error){ 0 });
	ck_assert(q && query_empty(q));
	query_free(q);
}
END_TEST

/* Expect text to be refused at pos with a message starting with msg. */
static void refused(const char *text, size_t pos, const char *msg)
{
	struct query_error err;
	struct query *q = query_parse(text, &err);

	ck_assert_msg(q == NULL, "accepted");
	ck_assert_uint_eq(err.pos, pos);
	ck_assert_msg(!strncmp(err.msg, msg, strlen(msg)), "got %s", err.msg);
}

START_TEST(hostile_input_is_refused_with_a_position)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < QUERY_MAX_LEN + 1; i++)
		strbuf_addch(&sb, 'a');
	refused(sb.buf, QUERY_MAX_LEN, "expression too long");
	strbuf_reset(&sb);
	for (int i = 0; i < 100; i++)
		strbuf_addch(&sb, '(');
	refused(sb.buf, 64, "too deeply nested");
	strbuf_reset(&sb);
	for (int i = 0; i < 100; i++)
		strbuf_addch(&sb, '-');
	strbuf_addch(&sb, 'x');
	refused(sb.buf, 64, "too deeply nested");
	strbuf_reset(&sb);
	for (int i = 0; i < 200; i++)
		strbuf_addstr(&sb, "a ");
	refused(sb.buf, 256, "too many terms");
	strbuf_release(&sb);
}
END_TEST

START_TEST(random_bytes_never_crash_and_errors_stay_inside)
{
	unsigned seed = 12345;
	static const char alphabet[] = "cat:net|()-\" >=<1.5KMmsbytesla:pathfailed*?/ \t\x01\xff";

	for (int round = 0; round < 20000; round++) {
		char text[48];
		size_t n = (size_t)(rand_r(&seed) % (sizeof(text) - 1));
		struct query_error err;
		struct query *q;

		for (size_t i = 0; i < n; i++)
			text[i] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		text[n] = '\0';
		q = query_parse(text, &err);
		if (!q) {
			ck_assert_uint_le(err.pos, n);
			ck_assert(err.msg[0]);
		}
		query_free(q);
	}
}
END_TEST

static Suite *query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, shared_cases);
	tcase_add_test(tc, comm_follows_exec_and_fork_in_the_store);
	tcase_add_test(tc, streamed_events_match_like_stored_ones);
	tcase_add_test(tc, word_to_highlight_is_the_first_plain_one_not_negated);
	tcase_add_test(tc, hostile_input_is_refused_with_a_position);
	tcase_add_test(tc, random_bytes_never_crash_and_errors_stay_inside);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(query_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
