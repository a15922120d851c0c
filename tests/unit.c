/*
 * unit.c - records and events for the unit suites (see unit.h).  Failures
 * are Check assertions, so they fail the test that called.
 */
#include "config.h"

#include <check.h>
#include <sched.h>
#include <signal.h>
#include <string.h>

#include "unit.h"

struct recbuf unit_rb;

/* rec_begin in unit_rb. */
void *unit_begin(enum rec_type type, uint64_t ts, int tid, int tgid, size_t fixed)
{
	return rec_begin(&unit_rb, type, ts, tid, tgid, fixed);
}

/* Seal, validate and ingest the record being built. */
void unit_feed(struct model *m)
{
	size_t len = rec_finish(&unit_rb);

	ck_assert_int_eq(rec_validate(unit_rb.buf, len), 0);
	model_ingest(m, (const struct rec_hdr *)unit_rb.buf);
}

/* REC_START of pid running argv. */
void unit_start(struct model *m, uint64_t ts, int pid, const char *argv, size_t argv_len)
{
	struct rec_start *s = unit_begin(REC_START, ts, pid, pid, sizeof(*s));

	s->pid = pid;
	s->tracer_pid = 1;
	if (argv_len)
		s->argv_len = (uint32_t)rec_blob(&unit_rb, argv, argv_len);
	unit_feed(m);
}

/* REC_NEWTASK: a thread (clone with CLONE_THREAD) or a forked process. */
void unit_newtask(struct model *m, uint64_t ts, int parent, int child, bool thread)
{
	struct rec_newtask *r = unit_begin(REC_NEWTASK, ts, parent, parent, sizeof(*r));

	r->child = child;
	r->kind = thread ? NT_CLONE : NT_FORK;
	r->flags = thread ? CLONE_VM | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD : SIGCHLD;
	unit_feed(m);
}

/* REC_EXIT of tid. */
void unit_exit(struct model *m, uint64_t ts, int tid, int tgid)
{
	struct rec_exit *r = unit_begin(REC_EXIT, ts, tid, tgid, sizeof(*r));

	r->leader = tid == tgid;
	unit_feed(m);
}

/* REC_SCHED of tid after a 20 us wait. */
void unit_sched(struct model *m, uint64_t ts, int tid, int tgid)
{
	struct rec_sched *r = unit_begin(REC_SCHED, ts, tid, tgid, sizeof(*r));

	r->delay_ns = 20000;
	unit_feed(m);
}

/* A blank event of type. */
struct event unit_event(enum ev_type type, int pid, int tid, uint64_t ts)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.pid = pid;
	ev.tid = tid;
	ev.ts = ts;
	ev.fd = ev.fd2 = -1;
	ev.nr = -1;
	return ev;
}
