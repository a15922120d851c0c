/* qmerge.h - the tracer's queue and the fault sampler's queue as one stream.
 *
 * The consumer takes records in time order as far as that is known: a
 * tracer record waits until the sampler has queued every fault sampled
 * before it; a fault waits until every tracer record before it (the mmap,
 * brk or exec that explains it) can be in the tracer's queue, which is so
 * for faults sampled before the drain pass began.  Without --faults it is
 * just the tracer's queue.  Consumer thread only.
 */
#ifndef COMPENDIUM_QMERGE_H
#define COMPENDIUM_QMERGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evq;
struct faults;

struct qmerge {
	struct evq *tq;          /* the tracer's records */
	struct evq *fq;          /* the sampler's records; NULL without --faults */
	struct faults *faults;   /* the sampler; NULL without --faults */
	uint64_t before;         /* faults sampled before this may be taken */
	uint64_t progress;       /* every fault before this is in fq */
	struct evq *from;        /* the queue the last peeked record is in */
	bool held;               /* qmerge_peek said NULL while records wait */
	bool stopping;           /* the sampler was told the tracer is done */
	bool armed[2];           /* qmerge_prepare_wait armed tq, fq */
};

/* Begin a drain pass (call qmerge_peek at least once in every pass: once
 * the tracer's queue is closed and empty, it tells the sampler to finish). */
void qmerge_begin(struct qmerge *m);
/* The next record in time order, or NULL: none, or the next one waits for
 * the other queue (then held is true: look again in a few ms). */
const void *qmerge_peek(struct qmerge *m, size_t *len);
/* Discard the record qmerge_peek returned. */
void qmerge_pop(struct qmerge *m);
/* True once both queues are closed and empty. */
bool qmerge_closed(const struct qmerge *m);
/* Before sleeping (when not qmerge_closed): sets fds[0..1] to the queue
 * fds to poll (-1: none) and returns the longest the caller may sleep in ms
 * (-1: until an fd is ready; 0: records are there, do not sleep). */
int qmerge_prepare_wait(struct qmerge *m, int fds[2]);
/* After the poll: withdraw what qmerge_prepare_wait announced. */
void qmerge_finish_wait(struct qmerge *m);
#endif
