/* pump.c - the record pump: capture queues, or a recording, into the model.
 *
 * The only code that takes records off the capture queues or out of a
 * replayed recording and gives them to the model (a replayed REC_OUTPUT,
 * the program's terminal output, to the UI instead).  It never decodes a
 * record beyond validating it and reading its type, never drops one, never
 * prints and never signals a process; the order it feeds is the order the
 * model sees.
 */
#include "config.h"

#include <stdlib.h>

#include "evq.h"
#include "model.h"
#include "output.h"
#include "pump.h"
#include "qmerge.h"
#include "record.h"
#include "recording.h"
#include "replay.h"
#include "util.h"

/* How often a replay looks at a recording file being written (ms). */
#define FOLLOW_MS 20

/* Records fed between two looks at the clock. */
#define DRAIN_BATCH 4096

struct pump {
	struct model *model;
	struct pump_live src;
	struct qmerge mq;          /* tracer_q and faults_q in time order */
	struct replay *replay;     /* a recording being played, or NULL (live) */
	struct recording *rec;     /* --record, or NULL */
	int rec_err;               /* its first write error: it stopped */
	struct output *out;        /* records wait while this is over its bound */
	bool released;             /* nothing holds records back any more */
	bool more;                 /* the last drain ran out of time */
	bool tracer_done;          /* src.tracer_done was called */
	size_t fed;                /* records fed in this drain */
	uint64_t until;            /* this drain's deadline */
	bool ebpf_armed;           /* pump_prepare_wait armed src.ebpf_q */
	bool merge_armed;          /* ... and the merge's queues */
	bool out_armed;            /* ... and the output's wake fd */
	bool out_begin;            /* the output's marker waits for the first record */
	pump_output_fn *out_fn;    /* replaying: where REC_OUTPUT goes */
	void *out_ctx;
};

/* A pump into m, with no source yet. */
static struct pump *pump_new(struct model *m)
{
	struct pump *p = xcalloc(1, sizeof(*p));

	p->model = m;
	return p;
}

struct pump *pump_new_live(struct model *m, const struct pump_live *src)
{
	struct pump *p = pump_new(m);

	p->src = *src;
	p->mq.tq = src->tracer_q;
	p->mq.fq = src->faults_q;
	p->mq.faults = src->faults;
	return p;
}

struct pump *pump_new_replay(struct model *m, struct replay *rp)
{
	struct pump *p = pump_new(m);

	p->replay = rp;
	return p;
}

void pump_free(struct pump *p)
{
	free(p);
}

struct replay *pump_replay(const struct pump *p)
{
	return p->replay;
}

void pump_set_recording(struct pump *p, struct recording *rec)
{
	p->rec = rec;
}

void pump_set_output(struct pump *p, pump_output_fn *fn, void *ctx)
{
	p->out_fn = fn;
	p->out_ctx = ctx;
}

/* The first write error stops the recording. */
static void record_result(struct pump *p, int err)
{
	if (err < 0 && !p->rec_err)
		p->rec_err = err;
}

void pump_output_begin(struct pump *p)
{
	p->out_begin = p->rec != NULL;
}

/* The marker that the output is captured, at ts, if it is still due. */
static void output_marker(struct pump *p, uint64_t ts)
{
	if (!p->out_begin)
		return;
	p->out_begin = false;
	if (!p->rec_err)
		record_result(p, recording_output_begin(p->rec, ts));
}

void pump_output(struct pump *p, uint64_t ts, const char *buf, size_t n)
{
	output_marker(p, ts);
	if (p->rec && !p->rec_err)
		record_result(p, recording_output(p->rec, ts, buf, n));
}

int pump_record_error(const struct pump *p)
{
	return p->rec_err;
}

void pump_hold_for(struct pump *p, struct output *o)
{
	p->out = o;
}

void pump_release(struct pump *p)
{
	p->released = true;
}

/* The output's reader is too far behind: take no record now. */
static bool held(const struct pump *p)
{
	return p->out && !p->released && output_over(p->out);
}

/* Count a record fed; past the deadline, leave the rest for the next drain. */
static void count_fed(struct pump *p)
{
	if (++p->fed % DRAIN_BATCH == 0 && util_now_ns() > p->until)
		p->more = true;
}

/* Give a live record to the model and the recording (the first write
 * error stops the recording). */
static void take(struct pump *p, const void *rec, size_t len)
{
	int err;

	if (rec_validate(rec, len) != 0)
		return;
	if (p->rec && !p->rec_err && (err = recording_append(p->rec, rec, len)) < 0)
		p->rec_err = err;
	/* Right after the first record, with its time: a replay's clock
	 * starts with the first record, and output comes after it. */
	output_marker(p, ((const struct rec_hdr *)rec)->ts);
	model_ingest(p->model, rec);
}

/* Feed the tracer's and the fault sampler's records, in time order. */
static void drain_merged(struct pump *p)
{
	const void *rec;
	size_t len;

	qmerge_begin(&p->mq);
	while (!p->more && !held(p) && (rec = qmerge_peek(&p->mq, &len))) {
		take(p, rec, len);
		qmerge_pop(&p->mq);
		count_fed(p);
	}
}

/* Feed the records queued on q. */
static void drain_queue(struct pump *p, struct evq *q)
{
	const void *rec;
	size_t len;

	while (!p->more && !held(p) && (rec = evq_peek(q, &len))) {
		take(p, rec, len);
		evq_pop(q);
		count_fed(p);
	}
}

/* Feed the live records: the tracer's first, then the eBPF reader's; once
 * the tracer's queue is over, let the reader finish. */
static void drain_live(struct pump *p)
{
	int err;

	drain_merged(p);
	if (p->src.ebpf_q)
		drain_queue(p, p->src.ebpf_q);
	if (p->fed && p->rec && !p->rec_err && (err = recording_flush(p->rec)) < 0)
		p->rec_err = err;
	if (!p->tracer_done && evq_closed(p->src.tracer_q)) {
		p->tracer_done = true;
		if (p->src.tracer_done)
			p->src.tracer_done(p->src.tracer_done_ctx);
	}
}

/* Feed the replayed records whose time has come (a recording's records
 * were validated as they were read). */
static void drain_replay(struct pump *p)
{
	const void *rec;
	size_t len;

	while (!p->more && !held(p) && (rec = replay_pull(p->replay, util_now_ns(), &len))) {
		const struct rec_hdr *h = rec;

		if (h->type != REC_OUTPUT)
			model_ingest_run(p->model, p->replay->run, h);
		else if (p->out_fn)
			p->out_fn(p->out_ctx, h);
		count_fed(p);
	}
}

size_t pump_drain(struct pump *p, uint64_t budget_ns)
{
	p->more = false;
	p->fed = 0;
	p->until = util_now_ns() + budget_ns;
	if (p->replay)
		drain_replay(p);
	else
		drain_live(p);
	return p->fed;
}

bool pump_more(const struct pump *p)
{
	return p->more;
}

bool pump_done(const struct pump *p)
{
	if (p->replay)
		return p->replay->eof && !p->replay->next;
	return qmerge_closed(&p->mq) && (!p->src.ebpf_q || evq_closed(p->src.ebpf_q));
}

/* Held: wake when the output's writer moves on (0 if it already did). */
static int wait_output(struct pump *p, struct pollfd *fds, size_t *n)
{
	output_arm(p->out);
	if (!held(p))
		return 0;
	fds[(*n)++] = (struct pollfd){ output_wake_fd(p->out), POLLIN, 0 };
	p->out_armed = true;
	return -1;
}

/* Replaying: sleep until the next record is due (ms, rounded up), or
 * until a stream that had none brings more. */
static int wait_replay(const struct pump *p, uint64_t now, struct pollfd *fds, size_t *n)
{
	uint64_t ns = replay_wait_ns(p->replay, now);
	int fd = recording_stream_fd(p->replay->rec);

	/* (a file being written is looked at again every FOLLOW_MS) */
	if (p->replay->waiting && fd < 0)
		return FOLLOW_MS;
	if (p->replay->waiting)
		fds[(*n)++] = (struct pollfd){ fd, POLLIN, 0 };
	return ns == UINT64_MAX ? -1 : (int)((ns + 999999) / 1000000);
}

/* Live: wake on the queues still open (a few ms when records wait for the
 * other queue of the merge). */
static int wait_live(struct pump *p, struct pollfd *fds, size_t *n)
{
	struct evq *bq = p->src.ebpf_q && !evq_closed(p->src.ebpf_q) ? p->src.ebpf_q : NULL;
	int qfds[2] = { -1, -1 }, timeout = -1;

	if (!qmerge_closed(&p->mq)) {
		timeout = qmerge_prepare_wait(&p->mq, qfds);
		p->merge_armed = true;
	}
	for (int i = 0; i < 2; i++)
		if (qfds[i] >= 0)
			fds[(*n)++] = (struct pollfd){ qfds[i], POLLIN, 0 };
	if (timeout != 0 && bq) {
		p->ebpf_armed = evq_prepare_wait(bq);
		timeout = p->ebpf_armed ? timeout : 0;
		fds[(*n)++] = (struct pollfd){ evq_fd(bq), POLLIN, 0 };
	}
	return timeout;
}

int pump_prepare_wait(struct pump *p, uint64_t now, struct pollfd *fds, size_t *n)
{
	if (p->more)
		return 0;
	if (held(p))
		return wait_output(p, fds, n);
	if (pump_done(p))
		return 0;   /* over since the caller looked: it should see that first */
	return p->replay ? wait_replay(p, now, fds, n) : wait_live(p, fds, n);
}

void pump_finish_wait(struct pump *p)
{
	if (p->merge_armed)
		qmerge_finish_wait(&p->mq);
	if (p->ebpf_armed)
		evq_finish_wait(p->src.ebpf_q);
	if (p->out_armed)
		output_ack(p->out);
	p->merge_armed = p->ebpf_armed = p->out_armed = false;
}
