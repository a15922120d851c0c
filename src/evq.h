/*
 * evq.h - lock-free single-producer/single-consumer queue of variable-length
 * records (byte blobs) between two threads, e.g. the tracer thread and the
 * UI thread.  Exactly one thread may use the producer functions and exactly
 * one thread the consumer functions at any time (a role may move to another
 * thread only across a happens-before edge such as pthread_create/join).
 * The queue never drops a record: a producer facing a full queue blocks
 * until the consumer frees space or calls evq_shutdown.  It must never take
 * a lock, and a blocked side must always be woken by the other side's next
 * relevant action (evq_pop, evq_flush, evq_close or evq_shutdown).
 *
 * Record payloads start 8-byte aligned.  Committed records stay invisible
 * to a sleeping consumer until the producer calls evq_flush (or evq_close,
 * or blocks on a full queue, which flushes first), so producers flush once
 * per batch.  A consumer that polls evq_fd itself
 * (among other fds) must bracket the poll with evq_prepare_wait and
 * evq_finish_wait; evq_wait does that for a consumer with nothing else to do.
 */
#ifndef COMPENDIUM_EVQ_H
#define COMPENDIUM_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evq; /* opaque */

/* Create a queue of bytes capacity (power of two >= 4096), else NULL with errno EINVAL (ENOMEM/EMFILE on resource failure). */
struct evq *evq_new(size_t bytes);
/* Destroy the queue and close its descriptor; neither side may still be using it. */
void evq_free(struct evq *q);
/* The eventfd (EFD_NONBLOCK|EFD_CLOEXEC) that becomes readable when the consumer should look again. */
int evq_fd(const struct evq *q);
/* Largest payload a single record may have (capacity / 4). */
size_t evq_max_record(const struct evq *q);

/* Producer: space for one contiguous record of len bytes; blocks while full; NULL after evq_shutdown (or errno EMSGSIZE if len > evq_max_record). */
void *evq_reserve(struct evq *q, size_t len);
/* Producer: publish the record from the last evq_reserve (does not wake the consumer). */
void evq_commit(struct evq *q);
/* Producer: reserve + copy + commit; false only after evq_shutdown (or len > evq_max_record). */
bool evq_put(struct evq *q, const void *rec, size_t len);
/* Producer: wake the consumer if it may be sleeping and has unseen records; call once per batch. */
void evq_flush(struct evq *q);
/* Producer: end of stream; flushes and always wakes the consumer. */
void evq_close(struct evq *q);
/* Number of evq_reserve calls that had to wait for space (readable from any thread). */
uint64_t evq_waits(const struct evq *q);
/* Producer: bytes the consumer has yet to free (records and their headers). */
size_t evq_used(const struct evq *q);
/* Capacity in bytes, as given to evq_new. */
size_t evq_capacity(const struct evq *q);

/* Consumer: next record (payload pointer, length in *len if non-NULL) or NULL if empty; valid until evq_pop. */
const void *evq_peek(struct evq *q, size_t *len);
/* Consumer: discard the next record (the one evq_peek returned) and wake a producer waiting for space. */
void evq_pop(struct evq *q);
/* Consumer: true once the producer has closed the queue and every record has been popped. */
bool evq_closed(const struct evq *q);
/* Consumer: read the eventfd counter so evq_fd stops being readable (call before draining). */
void evq_drain_fd(struct evq *q);
/* Consumer: stop accepting records; a blocked or later evq_reserve returns NULL. */
void evq_shutdown(struct evq *q);
/* Consumer: announce intent to sleep on evq_fd; false means records or end-of-stream are already there, so do not block. */
bool evq_prepare_wait(struct evq *q);
/* Consumer: after polling evq_fd (woken or not), withdraw the sleep announcement and drain the eventfd. */
void evq_finish_wait(struct evq *q);
/* Consumer: block up to timeout_ms (-1 forever) for records; true if records or end-of-stream may be available. */
bool evq_wait(struct evq *q, int timeout_ms);

#endif /* COMPENDIUM_EVQ_H */
