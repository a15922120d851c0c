/* pump.h - the record pump: capture queues, or a recording, into the model.
 *
 * Every consumer takes records through a pump: the --batch/--json loop of
 * main.c and the terminal UI alike.  Live, a pump takes the tracer's and
 * the fault sampler's records merged in time order (qmerge.h), then the
 * eBPF reader's; each valid one goes to the model and, with --record, to
 * the recording (flushed after each batch).  Replaying, it takes the
 * records of a recording as their time comes (replay.h).  The model's
 * observer then hands each event to the sinks and the store.
 *
 * The caller owns its loop: pump_drain, then its own business (signals,
 * keys), then pump_prepare_wait, poll with its own fds, pump_finish_wait;
 * until pump_done.  Consumer thread only.
 */
#ifndef COMPENDIUM_PUMP_H
#define COMPENDIUM_PUMP_H
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evq;
struct faults;
struct model;
struct output;
struct recording;
struct replay;
struct pump;
struct rec_hdr;

/* The live sources; the queues are not owned. */
struct pump_live {
	struct evq *tracer_q;    /* the tracer's records */
	struct evq *faults_q;    /* --faults: the sampler's, merged by time; or NULL */
	struct faults *faults;   /* that sampler (told to finish after the tracer) */
	struct evq *ebpf_q;      /* --ebpf: the reader's records, or NULL */
	/* Called once when the tracer's queue is closed and empty (the tracees
	 * are gone), so that the eBPF reader sends its last records. */
	void (*tracer_done)(void *ctx);
	void *tracer_done_ctx;
};

/* Most fds pump_prepare_wait adds to a poll set. */
#define PUMP_MAX_FDS 3

/* A pump from the live sources into m. */
struct pump *pump_new_live(struct model *m, const struct pump_live *src);
/* A pump from a recording being played (rp, not owned) into m. */
struct pump *pump_new_replay(struct model *m, struct replay *rp);
void pump_free(struct pump *p);
/* The recording being played, or NULL when live. */
struct replay *pump_replay(const struct pump *p);

/* --record: append every live record to rec (not owned).  After the first
 * error no more is written; pump_record_error returns it (-errno), else 0. */
void pump_set_recording(struct pump *p, struct recording *rec);
int pump_record_error(const struct pump *p);
/* Live: the program's terminal is captured (--record marks it, with the
 * time of the first record); then n bytes it wrote there, read at ts, go
 * to the recording too. */
void pump_output_begin(struct pump *p);
void pump_output(struct pump *p, uint64_t ts, const char *buf, size_t n);
/* Replaying: each REC_OUTPUT (the program's terminal output) goes to fn
 * as its time comes, instead of to the model. */
typedef void pump_output_fn(void *ctx, const struct rec_hdr *h);
void pump_set_output(struct pump *p, pump_output_fn *fn, void *ctx);
/* Hold records back while more than OUTPUT_BOUND bytes of o wait for its
 * reader (the tracer, then the program, waits), until pump_release. */
void pump_hold_for(struct pump *p, struct output *o);
/* Tracing is being ended: nothing holds records back any more. */
void pump_release(struct pump *p);

/* Feed the model what is there (live) or due (replay), for about
 * budget_ns at most (checked every few thousand records); returns how
 * many records were fed. */
size_t pump_drain(struct pump *p, uint64_t budget_ns);
/* Records were left when the last drain ran out of time. */
bool pump_more(const struct pump *p);
/* Every source is over: each queue closed and emptied, or the recording
 * played to its end (or to damage: the replay's why says where). */
bool pump_done(const struct pump *p);
/* Before sleeping: add to fds (*n of them so far, room for PUMP_MAX_FDS
 * more) what wakes the pump, and return the longest the caller may sleep
 * in ms (-1: until an fd is ready; 0: do not sleep).  now: this machine's
 * monotonic clock (when a replayed record is due). */
int pump_prepare_wait(struct pump *p, uint64_t now, struct pollfd *fds, size_t *n);
/* After the poll: withdraw what pump_prepare_wait announced. */
void pump_finish_wait(struct pump *p);
#endif
