/* faults.h - the page-fault sampler: a producer thread reading perf samples.
 *
 * perf_event_open on the software minor-fault event samples every fault of
 * the traced processes (address, ip, thread, CLOCK_MONOTONIC time), children
 * they create later included, into a ring buffer per CPU.  The sampler's
 * own thread turns samples into REC_FAULT records, in time order, and
 * kernel-reported losses into REC_LOST (LOST_PERF) on its queue, which it
 * alone produces on.  Nothing here attributes a fault to a region: the
 * model does that.
 */
#ifndef COMPENDIUM_FAULTS_H
#define COMPENDIUM_FAULTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct evq;
struct faults;   /* opaque */

/* A sampler that will produce on q (not owned; the sampler closes it). */
struct faults *faults_new(struct evq *q);
/* Stop and join the reader if it still runs, then free; call it on the
 * queue's consumer thread (the queue itself is not freed). */
void faults_free(struct faults *f);

/* Sample pid, held before its execve, from that execve on.  Returns 0 or a
 * negative errno, which faults_start reports again. */
int faults_open_exec(struct faults *f, pid_t pid);
/* Tracer hook (tracer_opts.spawned): faults_open_exec(ctx, pid). */
void faults_spawned(void *ctx, pid_t pid);
/* Sample every thread of running process pid, rescanning until no new one. */
int faults_open_attach(struct faults *f, pid_t pid);

/* Start the reader thread.  On failure (nothing could be opened) it queues a
 * note saying why, closes the queue and returns the negative errno. */
int faults_start(struct faults *f);
/* Ask the reader to take what is left in the buffer, close the queue, end. */
void faults_stop(struct faults *f);
/* Every fault sampled before this CLOCK_MONOTONIC time is in the queue
 * already: 0 until the first pass, UINT64_MAX when not sampling or when
 * the reader has been stuck on a full queue for a while (a consumer must
 * not wait for it then).  Safe from any thread. */
uint64_t faults_progress(const struct faults *f);
/* Wait for the reader thread (a no-op when it never started). */
void faults_join(struct faults *f);

/* One sentence for a person: why sampling failed, how to enable it; returns buf. */
const char *faults_strerror(int err, char *buf, size_t cap);
#endif
