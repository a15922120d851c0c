/* qmerge.c - one stream, in time order, from the tracer's and the sampler's queues.
 *
 * Records from the two producers meet here before the model sees them, so
 * that a fault is attributed after the mmap that made its region and the
 * lines come out in the order things happened.  It only peeks, pops and
 * compares timestamps: it never decodes a record beyond its header and
 * never drops one.
 */
#include "config.h"

#include "evq.h"
#include "faults.h"
#include "qmerge.h"
#include "record.h"
#include "util.h"

#define HELD_MS 5   /* records waiting for the other queue look again this soon */

/* Timestamp of a queued record (0 for one too short to have a header). */
static uint64_t ts_of(const void *rec, size_t len)
{
	return len >= sizeof(struct rec_hdr) ? ((const struct rec_hdr *)rec)->ts : 0;
}

void qmerge_begin(struct qmerge *m)
{
	m->before = util_now_ns();
	m->progress = faults_progress(m->faults);
}

const void *qmerge_peek(struct qmerge *m, size_t *len)
{
	size_t tl = 0, fl = 0;
	const void *t = evq_peek(m->tq, &tl);
	const void *f = m->fq ? evq_peek(m->fq, &fl) : NULL;

	m->held = false;
	if (!t && m->faults && !m->stopping && evq_closed(m->tq)) {
		faults_stop(m->faults);   /* nothing traced is left to fault */
		m->stopping = true;
	}
	if (t && (!f || ts_of(t, tl) <= ts_of(f, fl))) {
		if (m->fq && !evq_closed(m->fq) && ts_of(t, tl) > m->progress)
			goto hold;   /* a fault before it may still be in a ring */
		m->from = m->tq;
		*len = tl;
		return t;
	}
	if (!f)
		return NULL;
	if (!evq_closed(m->tq) && ts_of(f, fl) >= m->before)
		goto hold;   /* its mmap may not be in the tracer's queue yet */
	m->from = m->fq;
	*len = fl;
	return f;
hold:
	m->held = true;
	return NULL;
}

void qmerge_pop(struct qmerge *m)
{
	evq_pop(m->from);
}

bool qmerge_closed(const struct qmerge *m)
{
	return evq_closed(m->tq) && (!m->fq || evq_closed(m->fq));
}

int qmerge_prepare_wait(struct qmerge *m, int fds[2])
{
	struct evq *qs[2] = { m->tq, m->fq };
	bool ready = false;

	if (m->faults && !m->stopping && evq_closed(m->tq))
		return 0;   /* the next qmerge_peek tells the sampler to finish */
	for (int i = 0; i < 2; i++) {
		m->armed[i] = false;
		fds[i] = -1;
		if (m->held || !qs[i] || evq_closed(qs[i]))
			continue;
		m->armed[i] = evq_prepare_wait(qs[i]);
		ready = ready || !m->armed[i];
		fds[i] = evq_fd(qs[i]);
	}
	return m->held ? HELD_MS : ready ? 0 : -1;
}

void qmerge_finish_wait(struct qmerge *m)
{
	if (m->armed[0])
		evq_finish_wait(m->tq);
	if (m->armed[1])
		evq_finish_wait(m->fq);
	m->armed[0] = m->armed[1] = false;
}
