/*
 * evq.c - lock-free SPSC queue of variable-length records.
 *
 * The ring holds records back to back at 8-byte aligned offsets, each an
 * 8-byte length header followed by the payload padded to 8 bytes.  When a
 * record does not fit before the end of the ring the producer writes a
 * wrap marker header and places the record at offset 0.  head and tail are
 * free-running 64-bit byte counters (never reduced modulo the size), each
 * written by one side only and kept on separate cache lines.
 *
 * Wake-ups use two Dekker-style handshakes made of seq_cst stores followed
 * by seq_cst loads (no fences, so ThreadSanitizer understands them):
 *   consumer: store sleeping=1, load tail   | producer: store tail, load sleeping
 *   producer: store waiting=1, load head    | consumer: store head, load waiting
 * At least one side of each pair sees the other's store, so a wake-up can
 * be spurious but never lost.  The consumer sleeps in poll on an eventfd;
 * the producer sleeps on a futex over a 32-bit sequence word that the
 * consumer bumps before waking it.  This file must never take a lock,
 * never drop or reorder a record, and never let either thread block
 * without the other being guaranteed to wake it.
 */
#include "config.h"

#include "evq.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#define EVQ_HDR 8u
#define EVQ_WRAP UINT64_MAX
#define EVQ_LINE 64

struct evq {
	/* written once at creation or shutdown/close, read by both sides */
	unsigned char *ring;
	uint64_t cap;
	uint64_t mask;
	int efd;
	_Atomic bool shutdown;
	_Atomic bool closed;

	/* producer-written */
	_Alignas(EVQ_LINE) _Atomic uint64_t tail;
	_Atomic uint64_t wake_at;      /* head value the blocked producer needs */
	_Atomic uint64_t waits;
	uint64_t prod_tail;            /* == tail, producer's private copy */
	uint64_t pending_tail;         /* tail after the reserved record */
	uint64_t head_cache;
	uint64_t flushed_tail;         /* prod_tail at the previous flush */

	/* producer-sleep handshake */
	_Alignas(EVQ_LINE) _Atomic uint32_t producer_waiting;
	_Atomic uint32_t space_seq;    /* futex word, bumped by the consumer */

	/* consumer-written */
	_Alignas(EVQ_LINE) _Atomic uint64_t head;
	_Atomic uint32_t consumer_sleeping;
	uint64_t cons_head;            /* == head, consumer's private copy */
	uint64_t next_head;            /* head after the peeked record */
	uint64_t tail_cache;
	bool peeked;
};

/* Bytes one record of payload len occupies in the ring. */
static uint64_t rec_size(uint64_t len)
{
	return (EVQ_HDR + len + 7u) & ~(uint64_t)7u;
}

/* Store a record header at free-running position pos. */
static void put_header(struct evq *q, uint64_t pos, uint64_t value)
{
	memcpy(q->ring + (pos & q->mask), &value, sizeof(value));
}

/* Load the record header at free-running position pos. */
static uint64_t get_header(const struct evq *q, uint64_t pos)
{
	uint64_t value;

	memcpy(&value, q->ring + (pos & q->mask), sizeof(value));
	return value;
}

/* Block until *word may differ from val (spurious returns allowed). */
static void futex_wait(_Atomic uint32_t *word, uint32_t val)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, val,
		NULL, NULL, 0);
}

/* Wake up to n threads blocked in futex_wait on word. */
static void futex_wake(_Atomic uint32_t *word, int n)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, n,
		NULL, NULL, 0);
}

/* Add one to the eventfd counter, making evq_fd readable. */
static void signal_consumer(struct evq *q)
{
	uint64_t one = 1;
	ssize_t n = write(q->efd, &one, sizeof(one));

	(void)n; /* EAGAIN: counter saturated, the fd is readable anyway */
}

/* Create a queue of bytes capacity. */
struct evq *evq_new(size_t bytes)
{
	void *mem = NULL;
	struct evq *q;

	if (bytes < 4096 || (bytes & (bytes - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if ((errno = posix_memalign(&mem, EVQ_LINE, sizeof(*q))))
		return NULL;
	q = memset(mem, 0, sizeof(*q));
	if ((errno = posix_memalign(&mem, EVQ_LINE, bytes))) {
		free(q);
		return NULL;
	}
	q->ring = mem;
	q->cap = bytes;
	q->mask = bytes - 1;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->efd < 0) {
		int saved = errno;

		evq_free(q);
		errno = saved;
		return NULL;
	}
	return q;
}

/* Destroy the queue and close its descriptor. */
void evq_free(struct evq *q)
{
	if (!q)
		return;
	if (q->efd >= 0)
		close(q->efd);
	free(q->ring);
	free(q);
}

/* The eventfd the consumer polls. */
int evq_fd(const struct evq *q)
{
	return q->efd;
}

/* Largest payload a single record may have. */
size_t evq_max_record(const struct evq *q)
{
	return (size_t)(q->cap / 4);
}

/* Producer: true if head has advanced enough for total bytes at pos. */
static bool has_space(struct evq *q, uint64_t pos, uint64_t total)
{
	if (pos + total - q->head_cache <= q->cap)
		return true;
	q->head_cache = atomic_load_explicit(&q->head, memory_order_acquire);
	return pos + total - q->head_cache <= q->cap;
}

/* Producer: sleep until head >= min_head; false if shut down instead. */
static bool wait_for_space(struct evq *q, uint64_t pos, uint64_t min_head)
{
	/* ask to be woken only once a further quarter of the ring is free */
	uint64_t wake_at = min_head + q->cap / 4;

	atomic_store_explicit(&q->wake_at, wake_at < pos ? wake_at : pos,
			      memory_order_relaxed);
	atomic_fetch_add_explicit(&q->waits, 1, memory_order_relaxed);
	evq_flush(q);   /* a sleeping consumer must learn of what fills the ring */
	for (;;) {
		uint32_t seq = atomic_load_explicit(&q->space_seq,
						    memory_order_acquire);

		atomic_store_explicit(&q->producer_waiting, 1,
				      memory_order_seq_cst);
		q->head_cache = atomic_load_explicit(&q->head,
						     memory_order_seq_cst);
		if (q->head_cache >= min_head)
			break;
		if (atomic_load_explicit(&q->shutdown, memory_order_seq_cst))
			break;
		futex_wait(&q->space_seq, seq);
	}
	atomic_store_explicit(&q->producer_waiting, 0, memory_order_relaxed);
	return q->head_cache >= min_head;
}

/* Producer: reserve len bytes for one record, blocking while full. */
void *evq_reserve(struct evq *q, size_t len)
{
	uint64_t pos = q->prod_tail, need = rec_size(len);
	uint64_t to_end = q->cap - (pos & q->mask);
	uint64_t total = need > to_end ? to_end + need : need;

	if (len > evq_max_record(q)) {
		errno = EMSGSIZE;
		return NULL;
	}
	if (atomic_load_explicit(&q->shutdown, memory_order_acquire))
		return NULL;
	if (!has_space(q, pos, total) &&
	    !wait_for_space(q, pos, pos + total - q->cap))
		return NULL;
	if (need > to_end) {
		put_header(q, pos, EVQ_WRAP);
		pos += to_end;
	}
	put_header(q, pos, len);
	q->pending_tail = pos + need;
	return q->ring + (pos & q->mask) + EVQ_HDR;
}

/* Producer: publish the reserved record. */
void evq_commit(struct evq *q)
{
	q->prod_tail = q->pending_tail;
	atomic_store_explicit(&q->tail, q->prod_tail, memory_order_release);
}

/* Producer: reserve + copy + commit. */
bool evq_put(struct evq *q, const void *rec, size_t len)
{
	void *dst = evq_reserve(q, len);

	if (!dst)
		return false;
	if (len)
		memcpy(dst, rec, len);
	evq_commit(q);
	return true;
}

/* Producer: wake a sleeping consumer that has records it has not seen. */
void evq_flush(struct evq *q)
{
	uint64_t t = q->prod_tail, seen = q->flushed_tail;

	q->flushed_tail = t;
	/* republish tail with seq_cst: the producer half of the handshake */
	atomic_store_explicit(&q->tail, t, memory_order_seq_cst);
	if (!atomic_load_explicit(&q->consumer_sleeping, memory_order_seq_cst))
		return;
	if (t != seen ||
	    atomic_load_explicit(&q->head, memory_order_acquire) != t)
		signal_consumer(q);
}

/* Producer: end of stream. */
void evq_close(struct evq *q)
{
	atomic_store_explicit(&q->closed, true, memory_order_seq_cst);
	evq_flush(q);
	signal_consumer(q);
}

/* Number of evq_reserve calls that had to wait for space. */
uint64_t evq_waits(const struct evq *q)
{
	return atomic_load_explicit(&q->waits, memory_order_relaxed);
}

size_t evq_used(const struct evq *q)
{
	uint64_t head = atomic_load_explicit(&q->head, memory_order_relaxed);

	return (size_t)(q->prod_tail - head);
}

size_t evq_capacity(const struct evq *q)
{
	return (size_t)q->cap;
}

/* Consumer: next record or NULL if empty. */
const void *evq_peek(struct evq *q, size_t *len)
{
	uint64_t pos = q->cons_head, hdr;

	if (pos == q->tail_cache) {
		q->tail_cache = atomic_load_explicit(&q->tail,
						     memory_order_acquire);
		if (pos == q->tail_cache)
			return NULL;
	}
	hdr = get_header(q, pos);
	if (hdr == EVQ_WRAP) {
		pos += q->cap - (pos & q->mask);
		hdr = get_header(q, pos);
	}
	q->next_head = pos + rec_size(hdr);
	q->peeked = true;
	if (len)
		*len = (size_t)hdr;
	return q->ring + (pos & q->mask) + EVQ_HDR;
}

/* Consumer: wake the producer if it is blocked and enough space is free. */
static void wake_producer(struct evq *q)
{
	if (q->cons_head < atomic_load_explicit(&q->wake_at,
						memory_order_relaxed))
		return;
	if (!atomic_exchange_explicit(&q->producer_waiting, 0,
				      memory_order_seq_cst))
		return;
	atomic_fetch_add_explicit(&q->space_seq, 1, memory_order_release);
	futex_wake(&q->space_seq, 1);
}

/* Consumer: discard the next record. */
void evq_pop(struct evq *q)
{
	if (!q->peeked && !evq_peek(q, NULL))
		return;
	q->peeked = false;
	q->cons_head = q->next_head;
	/* seq_cst store + load: the consumer half of the space handshake */
	atomic_store_explicit(&q->head, q->cons_head, memory_order_seq_cst);
	if (atomic_load_explicit(&q->producer_waiting, memory_order_seq_cst))
		wake_producer(q);
}

/* Consumer: true once closed and drained. */
bool evq_closed(const struct evq *q)
{
	if (!atomic_load_explicit(&q->closed, memory_order_acquire))
		return false;
	return atomic_load_explicit(&q->tail, memory_order_acquire) ==
	       q->cons_head;
}

/* Consumer: reset the eventfd counter. */
void evq_drain_fd(struct evq *q)
{
	uint64_t count;
	ssize_t n = read(q->efd, &count, sizeof(count));

	(void)n; /* EAGAIN: nothing to clear */
}

/* Consumer: stop accepting records and release a blocked producer. */
void evq_shutdown(struct evq *q)
{
	atomic_store_explicit(&q->shutdown, true, memory_order_seq_cst);
	atomic_fetch_add_explicit(&q->space_seq, 1, memory_order_seq_cst);
	futex_wake(&q->space_seq, INT_MAX);
}

/* Consumer: true if a record or end-of-stream is visible. */
static bool consumer_ready(struct evq *q)
{
	if (atomic_load_explicit(&q->tail, memory_order_seq_cst) != q->cons_head)
		return true;
	return atomic_load_explicit(&q->closed, memory_order_seq_cst);
}

/* Consumer: announce intent to sleep; false if it must not block. */
bool evq_prepare_wait(struct evq *q)
{
	atomic_store_explicit(&q->consumer_sleeping, 1, memory_order_seq_cst);
	if (!consumer_ready(q))
		return true;
	atomic_store_explicit(&q->consumer_sleeping, 0, memory_order_relaxed);
	return false;
}

/* Consumer: withdraw the sleep announcement and drain the eventfd. */
void evq_finish_wait(struct evq *q)
{
	atomic_store_explicit(&q->consumer_sleeping, 0, memory_order_relaxed);
	evq_drain_fd(q);
}

/* Consumer: block up to timeout_ms for records or end-of-stream. */
bool evq_wait(struct evq *q, int timeout_ms)
{
	struct pollfd pfd = { .fd = q->efd, .events = POLLIN };
	int n;

	if (q->peeked || q->cons_head != q->tail_cache)
		return true;
	if (!evq_prepare_wait(q))
		return true;
	do
		n = poll(&pfd, 1, timeout_ms);
	while (n < 0 && errno == EINTR && timeout_ms < 0);
	evq_finish_wait(q);
	return n > 0 || consumer_ready(q);
}
