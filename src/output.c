/* output.c - line and JSON output through a writer thread of its own.
 *
 * The stream is a fopencookie stream: its buffer flushes into a byte
 * buffer under a mutex, and the writer thread takes the whole buffer at a
 * time and writes it with plain blocking write(2) calls.  Only that thread
 * may ever wait for a reader; the stream never fails and never blocks, and
 * once a write failed, everything else is dropped (the error is kept).
 * With SIGPIPE at its default, a reader that went away ends the process
 * from this thread, as it would end any other tool.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "output.h"
#include "strbuf.h"
#include "util.h"

struct output {
	int fd;
	bool own;
	FILE *stream;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct strbuf fill;       /* bytes from the stream, not yet taken (lock) */
	bool closing;             /* no more bytes come: the writer ends (lock) */
	bool idle;                /* the writer waits for bytes: signal it (lock) */
	bool dropping;            /* a write failed or output was abandoned (lock) */
	atomic_size_t pending;    /* bytes taken in and not yet written */
	atomic_uint_least64_t written;
	atomic_int err;           /* first write error, -errno */
	int wake;                 /* eventfd: the writer moved on */
	atomic_bool armed;        /* the consumer waits for wake */
	struct output *next_abandoned;
};

/* Abandoned outputs: their writer may still hold them until the exit. */
static struct output *abandoned;

/* Tell the consumer, when it waits, that the writer wrote something or failed. */
static void wake(struct output *o)
{
	uint64_t one = 1;

	if (!atomic_exchange(&o->armed, false))
		return;
	if (write(o->wake, &one, sizeof(one)) < 0)
		return;   /* the counter is full: it is readable anyway */
}

/* Write all of buf to the fd; 0 or -errno. */
static int write_all(struct output *o, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(o->fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		atomic_fetch_add(&o->written, (uint64_t)n);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Note a failed write: keep the first error, drop what waits. */
static void fail(struct output *o, int err)
{
	int none = 0;

	atomic_compare_exchange_strong(&o->err, &none, err);
	o->dropping = true;
	strbuf_reset(&o->fill);
	atomic_store(&o->pending, 0);
}

/* The writer thread: take what waits, write it, until closing. */
static void *writer_main(void *arg)
{
	struct output *o = arg;
	struct strbuf busy = STRBUF_INIT, t;
	int err;

	util_name_thread("ct-output");
	pthread_mutex_lock(&o->lock);
	for (;;) {
		while (!o->fill.len && !o->closing) {
			o->idle = true;
			pthread_cond_wait(&o->cond, &o->lock);
			o->idle = false;
		}
		if (!o->fill.len)
			break;
		t = busy;
		busy = o->fill;
		o->fill = t;
		pthread_mutex_unlock(&o->lock);
		err = write_all(o, busy.buf, busy.len);
		pthread_mutex_lock(&o->lock);
		if (err)
			fail(o, err);
		else if (!o->dropping)
			atomic_fetch_sub(&o->pending, busy.len);
		strbuf_reset(&busy);
		wake(o);
	}
	pthread_mutex_unlock(&o->lock);
	strbuf_release(&busy);
	return NULL;
}

/* The stream's write: into memory, never blocking, never failing. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
	struct output *o = cookie;
	bool idle = false;

	pthread_mutex_lock(&o->lock);
	if (!o->dropping) {
		strbuf_add(&o->fill, buf, size);
		atomic_fetch_add(&o->pending, size);
		idle = o->idle;   /* (a busy writer takes it when it comes back) */
	}
	pthread_mutex_unlock(&o->lock);
	if (idle)
		pthread_cond_signal(&o->cond);
	return (ssize_t)size;
}

struct output *output_new(int fd, bool own)
{
	cookie_io_functions_t io = { .write = cookie_write };
	struct output *o = xcalloc(1, sizeof(*o));
	int err;

	o->fd = fd;
	o->own = own;
	strbuf_init(&o->fill, 1 << 16);
	pthread_mutex_init(&o->lock, NULL);
	pthread_cond_init(&o->cond, NULL);
	o->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	o->stream = o->wake >= 0 ? fopencookie(o, "w", io) : NULL;
	if (o->stream && setvbuf(o->stream, NULL, _IOFBF, 1 << 16) == 0) {
		err = pthread_create(&o->thread, NULL, writer_main, o);
		if (!err)
			return o;
	} else {
		err = errno ? errno : ENOMEM;
	}
	if (o->stream)
		fclose(o->stream);
	if (o->wake >= 0)
		close(o->wake);
	strbuf_release(&o->fill);
	free(o);
	errno = err;
	return NULL;
}

FILE *output_stream(struct output *o)
{
	return o->stream;
}

bool output_over(const struct output *o)
{
	return atomic_load(&o->pending) > OUTPUT_BOUND;
}

int output_wake_fd(const struct output *o)
{
	return o->wake;
}

void output_arm(struct output *o)
{
	atomic_store(&o->armed, true);
}

void output_ack(struct output *o)
{
	uint64_t n;

	if (read(o->wake, &n, sizeof(n)) < 0)
		return;   /* nothing was signalled */
}

size_t output_pending(const struct output *o)
{
	return atomic_load(&o->pending);
}

uint64_t output_written(const struct output *o)
{
	return atomic_load(&o->written);
}

int output_error(const struct output *o)
{
	return atomic_load(&o->err);
}

bool output_done(struct output *o)
{
	fflush(o->stream);
	return atomic_load(&o->pending) == 0;
}

int output_finish(struct output *o, bool abandon)
{
	int err;

	if (!o)
		return 0;
	if (abandon) {
		pthread_mutex_lock(&o->lock);
		o->dropping = true;
		strbuf_reset(&o->fill);
		pthread_mutex_unlock(&o->lock);
	}
	fclose(o->stream);
	pthread_mutex_lock(&o->lock);
	o->closing = true;
	pthread_cond_signal(&o->cond);
	pthread_mutex_unlock(&o->lock);
	if (abandon) {
		/* The writer may be blocked in write(2) for good: leave it be. */
		pthread_detach(o->thread);
		o->next_abandoned = abandoned;
		abandoned = o;
		return atomic_load(&o->err);
	}
	pthread_join(o->thread, NULL);
	err = atomic_load(&o->err);
	if (o->own && close(o->fd) != 0 && !err)
		err = -errno;
	close(o->wake);
	strbuf_release(&o->fill);
	pthread_cond_destroy(&o->cond);
	pthread_mutex_destroy(&o->lock);
	free(o);
	return err;
}
