/* faults.c - the page-fault sampler.
 *
 * For each task we start from (the spawned command, or each thread of an
 * attached process) one perf event per CPU, inherited by every task it
 * creates; the kernel refuses to map the buffer of an inherited event that
 * is not bound to a CPU, so each CPU has one ring buffer that all events
 * on that CPU write into.  A thread of our own wakes when a ring is a
 * quarter full (or every POLL_MS, so a slow trickle still shows up live),
 * merges the CPUs' samples in time order into REC_FAULT records, gives
 * the space back to the kernel, and publishes how far the queue is complete
 * (faults_progress) so the consumer can interleave the tracer's records in
 * time order.  It never attributes, formats or filters: records carry what
 * the kernel said.  When the queue is full it waits; the kernel counts
 * what it had to drop, which arrives as PERF_RECORD_LOST and leaves here
 * as REC_LOST.  CPUs that come online later are not sampled.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "evq.h"
#include "faults.h"
#include "procfs.h"
#include "record.h"
#include "util.h"

#define POLL_MS 50             /* longest a sample waits in the ring */
#define LATE_NS 2000000        /* a sample is in its ring this soon after its time */
#define STUCK_NS 250000000     /* a pass this long is waiting for the consumer */
#define RING_BUDGET_PAGES 4096 /* over all CPUs (16 MiB); per CPU at most: */
#define RING_PAGES_MAX 256
#define RING_PAGES_MIN 8
#define RELEASE_EVERY 256      /* give ring space back this often */
#define RECENT 4               /* samples remembered to drop duplicates */
#define MAX_TASKS 65536        /* threads of an attached process we look at */

/* What tells two samples of one fault apart from two faults. */
struct sample_key {
	uint32_t tid;
	uint64_t time, addr;
};

/* The ring buffer of one CPU: every event on that CPU writes into it. */
struct ring {
	int fd;                   /* the event that owns it, -1 when none yet */
	void *base;
	size_t bytes, data_bytes;
	bool hup;                 /* poll said its task is gone: stop polling it */
};

/* Where the reader is in one ring during a pass. */
struct cursor {
	struct ring *r;
	uint64_t tail, head;      /* free-running byte positions */
	uint64_t time;            /* of the record at tail */
	struct perf_event_header eh;
	size_t taken;
};

struct faults {
	struct evq *q;
	int ncpu;
	size_t page;
	struct ring *rings;       /* [ncpu] */
	size_t pages;             /* data pages per ring we aim for */
	int *fds;                 /* every event we opened */
	size_t nfds, capfds;
	pid_t *tids;              /* every task we opened events on */
	size_t ntids, captids;
	int err;                  /* first open error, 0 if none */
	bool exclude_kernel, partial;
	int stop_fd;
	struct pollfd *pfds;      /* [ncpu + 1] */
	struct cursor *cursors;   /* [ncpu] */
	pthread_t thread;
	bool running;
	_Atomic uint64_t progress; /* every sample before this time is queued */
	uint64_t progress_mine;    /* the reader's copy */
	_Atomic uint64_t pass_start;   /* when the current (or last) pass began */
	struct sample_key recent[RECENT];
	unsigned recent_next;
	unsigned char tmp[1024];  /* one record copied out of a ring */
};

/* The perf_event_open system call (glibc has no wrapper). */
static int perf_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Attributes of the minor-fault sampling event; the kernel wakes us when
 * a quarter of a ring of data_bytes is used. */
static void fault_attr(struct perf_event_attr *a, bool on_exec, bool exclude_kernel,
		       size_t data_bytes)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_PAGE_FAULTS_MIN;
	a->sample_period = 1;
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR;
	a->disabled = on_exec;
	a->enable_on_exec = on_exec;
	a->inherit = 1;
	a->exclude_kernel = exclude_kernel;
	a->exclude_hv = 1;
	a->sample_id_all = 1;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)(data_bytes / 4);
}

/* Open the event for one task on one CPU; falls back to user-space faults
 * only when that is all the kernel allows (perf_event_paranoid 2). */
static int open_event(struct faults *f, pid_t tid, int cpu, bool on_exec, size_t data_bytes)
{
	struct perf_event_attr a;
	int fd;

	fault_attr(&a, on_exec, f->exclude_kernel, data_bytes);
	fd = perf_open(&a, tid, cpu);
	if (fd < 0 && (errno == EACCES || errno == EPERM) && !f->exclude_kernel) {
		fault_attr(&a, on_exec, true, data_bytes);
		fd = perf_open(&a, tid, cpu);
		if (fd >= 0)
			f->exclude_kernel = true;
	}
	return fd < 0 ? -errno : fd;
}

/* Open the event that owns CPU cpu's ring and map the ring, smaller when
 * the memlock limit says so (the wake-up mark is set to match the size). */
static int open_ring(struct faults *f, pid_t tid, int cpu, bool on_exec)
{
	struct ring *r = &f->rings[cpu];

	for (size_t pages = f->pages; pages >= RING_PAGES_MIN; pages /= 2) {
		int fd = open_event(f, tid, cpu, on_exec, pages * f->page);
		void *p;

		if (fd < 0)
			return fd;
		p = mmap(NULL, (pages + 1) * f->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED) {
			*r = (struct ring){ .fd = fd, .base = p, .bytes = (pages + 1) * f->page,
					    .data_bytes = pages * f->page };
			return fd;
		}
		close(fd);
		if (errno != EPERM && errno != ENOMEM)
			return -errno;
	}
	return -ENOMEM;
}

/* Open the event for one task on one CPU, writing into that CPU's ring. */
static int open_on_cpu(struct faults *f, pid_t tid, int cpu, bool on_exec)
{
	int fd;

	if (f->rings[cpu].fd < 0)
		return open_ring(f, tid, cpu, on_exec);
	fd = open_event(f, tid, cpu, on_exec, f->rings[cpu].data_bytes);
	if (fd >= 0 && ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, f->rings[cpu].fd) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Append to a growable int array. */
static void push_int(int **v, size_t *n, size_t *cap, int x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

/* Sample task tid (and what it creates from now on) on every CPU. */
static int open_task(struct faults *f, pid_t tid, bool on_exec)
{
	int err = 0, opened = 0;

	for (int cpu = 0; cpu < f->ncpu; cpu++) {
		int fd = open_on_cpu(f, tid, cpu, on_exec);

		if (fd == -ENODEV)
			continue;   /* an offline CPU */
		if (fd < 0) {
			err = fd;
			break;
		}
		push_int(&f->fds, &f->nfds, &f->capfds, fd);
		opened++;
	}
	if (opened)
		push_int(&f->tids, &f->ntids, &f->captids, tid);
	if (opened && err)
		f->partial = true;
	return opened ? 0 : err ? err : -ENODEV;
}

/* Remember the first error. */
static int note_err(struct faults *f, int err)
{
	if (err && !f->err)
		f->err = err;
	return err;
}

/* Data pages per ring: a fixed budget shared by the CPUs, a power of two. */
static size_t ring_pages(int ncpu)
{
	size_t pages = RING_PAGES_MAX;

	while (pages > RING_PAGES_MIN && pages * (size_t)ncpu > RING_BUDGET_PAGES)
		pages /= 2;
	return pages;
}

struct faults *faults_new(struct evq *q)
{
	struct faults *f = xcalloc(1, sizeof(*f));
	long n = sysconf(_SC_NPROCESSORS_CONF);

	f->q = q;
	f->stop_fd = -1;
	f->ncpu = n > 0 && n < 65536 ? (int)n : 1;
	f->page = (size_t)sysconf(_SC_PAGESIZE);
	f->pages = ring_pages(f->ncpu);
	f->rings = xcalloc((size_t)f->ncpu, sizeof(*f->rings));
	f->pfds = xcalloc((size_t)f->ncpu + 1, sizeof(*f->pfds));
	f->cursors = xcalloc((size_t)f->ncpu, sizeof(*f->cursors));
	for (int i = 0; i < f->ncpu; i++)
		f->rings[i].fd = -1;
	return f;
}

void faults_free(struct faults *f)
{
	if (!f)
		return;
	if (f->running) {
		/* called on the consumer's thread: a reader blocked on a full
		 * queue gets NULL from evq_reserve and ends */
		faults_stop(f);
		evq_shutdown(f->q);
		faults_join(f);
	}
	for (int i = 0; i < f->ncpu; i++)
		if (f->rings[i].base)
			munmap(f->rings[i].base, f->rings[i].bytes);
	for (size_t i = 0; i < f->nfds; i++)
		close(f->fds[i]);
	if (f->stop_fd >= 0)
		close(f->stop_fd);
	free(f->rings);
	free(f->pfds);
	free(f->cursors);
	free(f->fds);
	free(f->tids);
	free(f);
}

int faults_open_exec(struct faults *f, pid_t pid)
{
	return note_err(f, open_task(f, pid, true));
}

void faults_spawned(void *ctx, pid_t pid)
{
	faults_open_exec(ctx, pid);
}

/* Is tid already sampled? */
static bool have_task(const struct faults *f, pid_t tid)
{
	for (size_t i = 0; i < f->ntids; i++)
		if (f->tids[i] == tid)
			return true;
	return false;
}

int faults_open_attach(struct faults *f, pid_t pid)
{
	pid_t *tids = xcalloc(MAX_TASKS, sizeof(*tids));
	bool added = true;
	int err = 0;

	/* A thread created after its creator's events exist inherits them; if
	 * we open it too, the reader drops the duplicate samples. */
	while (added && !err) {
		int n = procfs_list_tasks(pid, tids, MAX_TASKS);

		added = false;
		if (n < 0)
			err = n;
		for (int i = 0; i < n && i < MAX_TASKS && !err; i++) {
			int e;

			if (have_task(f, tids[i]))
				continue;
			e = open_task(f, tids[i], false);
			if (e == -ESRCH)
				continue;   /* it exited meanwhile */
			err = e;
			added = !e;
		}
	}
	free(tids);
	if (err && f->ntids) {
		f->partial = true;   /* some threads are sampled: better than none */
		err = 0;
	}
	return note_err(f, err);
}

/* Read the current perf_event_paranoid level, or -100 when unknown. */
static int paranoid_level(void)
{
	FILE *fp = fopen("/proc/sys/kernel/perf_event_paranoid", "re");
	int v = -100;

	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = -100;
		fclose(fp);
	}
	return v;
}

const char *faults_strerror(int err, char *buf, size_t cap)
{
	int level = paranoid_level();

	if (err == -EACCES || err == -EPERM)
		snprintf(buf, cap, "page faults are not sampled: perf events are not permitted "
			 "(kernel.perf_event_paranoid is %d, no CAP_PERFMON); run as root or allow "
			 "them with 'sysctl kernel.perf_event_paranoid=1'", level);
	else if (err == -ENOENT || err == -ENOSYS || err == -EOPNOTSUPP)
		snprintf(buf, cap, "page faults are not sampled: this kernel has no perf software "
			 "events (CONFIG_PERF_EVENTS)");
	else if (err == -ESRCH)
		snprintf(buf, cap, "page faults are not sampled: the process was gone before "
			 "sampling could start");
	else if (err == -ENOMEM || err == -EMFILE || err == -ENFILE)
		snprintf(buf, cap, "page faults are not sampled: no room for the perf buffer (%s); "
			 "raise 'ulimit -l' or kernel.perf_event_mlock_kb", strerror(-err));
	else
		snprintf(buf, cap, "page faults are not sampled: perf_event_open failed: %s",
			 strerror(-err));
	return buf;
}

/* ---- the reader thread ---- */

/* Queue a REC_NOTE with text (producer side). */
static void push_note(struct faults *f, const char *text)
{
	size_t n = strlen(text), len = rec_align(sizeof(struct rec_hdr) + sizeof(struct rec_note) + n);
	struct rec_hdr *h = evq_reserve(f->q, len);
	struct rec_note *r;

	if (!h)
		return;
	memset(h, 0, len);
	h->ts = util_now_ns();
	h->len = (uint32_t)len;
	h->type = REC_NOTE;
	r = (struct rec_note *)(h + 1);
	r->kind = NOTE_WARN;
	r->text_len = (uint32_t)n;
	memcpy(r + 1, text, n);
	evq_commit(f->q);
}

/* Start a fixed-size record of type in the queue; NULL after shutdown. */
static void *push_begin(struct faults *f, enum rec_type type, size_t fixed, uint64_t ts,
			uint32_t pid, uint32_t tid)
{
	size_t len = sizeof(struct rec_hdr) + fixed;
	struct rec_hdr *h = evq_reserve(f->q, len);

	if (!h)
		return NULL;
	memset(h, 0, len);
	h->ts = ts;
	h->len = (uint32_t)len;
	h->type = (uint16_t)type;
	h->tid = (int32_t)tid;
	h->tgid = (int32_t)pid;
	return h + 1;
}

/* Was this sample just seen (a thread sampled by two events)? */
static bool duplicate(struct faults *f, uint32_t tid, uint64_t time, uint64_t addr)
{
	struct sample_key k = { tid, time, addr };

	for (unsigned i = 0; i < RECENT; i++)
		if (f->recent[i].tid == tid && f->recent[i].time == time && f->recent[i].addr == addr)
			return true;
	f->recent[f->recent_next++ % RECENT] = k;
	return false;
}

/* PERF_RECORD_SAMPLE: ip, pid, tid, time, addr (in sample_type order). */
static void on_sample(struct faults *f, const unsigned char *p, size_t n)
{
	struct { uint64_t ip; uint32_t pid, tid; uint64_t time, addr; } s;
	struct rec_fault *r;

	if (n < sizeof(struct perf_event_header) + sizeof(s))
		return;
	memcpy(&s, p + sizeof(struct perf_event_header), sizeof(s));
	if (duplicate(f, s.tid, s.time, s.addr))
		return;
	r = push_begin(f, REC_FAULT, sizeof(*r), s.time, s.pid, s.tid);
	if (!r)
		return;
	r->addr = s.addr;
	r->ip = s.ip;
	evq_commit(f->q);
}

/* PERF_RECORD_LOST: id, count, then pid, tid, time (sample_id_all). */
static void on_lost(struct faults *f, const unsigned char *p, size_t n)
{
	struct { uint64_t id, lost; uint32_t pid, tid; uint64_t time; } l;
	struct rec_lost *r;

	if (n < sizeof(struct perf_event_header) + sizeof(l))
		return;
	memcpy(&l, p + sizeof(struct perf_event_header), sizeof(l));
	r = push_begin(f, REC_LOST, sizeof(*r), l.time ? l.time : util_now_ns(), l.pid, l.tid);
	if (!r)
		return;
	r->source = LOST_PERF;
	r->count = l.lost;
	evq_commit(f->q);
}

/* Copy len bytes at free-running position pos of ring r (it may wrap). */
static void ring_copy(const struct faults *f, const struct ring *r, uint64_t pos, void *dst,
		      size_t len)
{
	const unsigned char *data = (const unsigned char *)r->base + f->page;
	size_t off = (size_t)(pos & (r->data_bytes - 1)), first = r->data_bytes - off;

	if (first > len)
		first = len;
	memcpy(dst, data + off, first);
	memcpy((unsigned char *)dst + first, data, len - first);
}

/* Give the space up to the cursor back to the kernel. */
static void release(const struct cursor *c)
{
	struct perf_event_mmap_page *pg = c->r->base;

	__atomic_store_n(&pg->data_tail, c->tail, __ATOMIC_RELEASE);
}

/* Look at the next record of a cursor: its header and time; false at the end. */
static bool cursor_load(const struct faults *f, struct cursor *c)
{
	/* where the time is: after ip and pid/tid, or after id, lost and pid/tid */
	size_t at = 0;

	c->time = 0;
	if (c->head - c->tail < sizeof(c->eh))
		return false;
	ring_copy(f, c->r, c->tail, &c->eh, sizeof(c->eh));
	if (c->eh.size < sizeof(c->eh) || c->eh.size > c->head - c->tail) {
		c->tail = c->head;   /* cannot happen; resynchronise rather than loop */
		return false;
	}
	if (c->eh.type == PERF_RECORD_SAMPLE)
		at = sizeof(c->eh) + 16;
	else if (c->eh.type == PERF_RECORD_LOST)
		at = sizeof(c->eh) + 24;
	if (at && at + sizeof(c->time) <= c->eh.size)
		ring_copy(f, c->r, c->tail + at, &c->time, sizeof(c->time));
	return true;
}

/* Turn the record under a cursor into a queue record and step past it. */
static void cursor_take(struct faults *f, struct cursor *c)
{
	if (c->eh.size <= sizeof(f->tmp)) {
		ring_copy(f, c->r, c->tail, f->tmp, c->eh.size);
		if (c->eh.type == PERF_RECORD_SAMPLE)
			on_sample(f, f->tmp, c->eh.size);
		else if (c->eh.type == PERF_RECORD_LOST)
			on_lost(f, f->tmp, c->eh.size);
	}
	c->tail += c->eh.size;
	if (++c->taken % RELEASE_EVERY == 0)
		release(c);
}

/* Tell the consumer every sample before ts is queued (never going back). */
static void advance(struct faults *f, uint64_t ts)
{
	if (ts <= f->progress_mine)
		return;
	f->progress_mine = ts;
	atomic_store_explicit(&f->progress, ts, memory_order_release);
}

/* Read every ring, merging the CPUs' records in time order, and say how far
 * the queue is complete after each record: a consumer that waits for that
 * must also be able to empty a full queue. */
static void read_rings(struct faults *f)
{
	uint64_t t0 = util_now_ns(), done = t0 > LATE_NS ? t0 - LATE_NS : 0;
	size_t n = 0;

	atomic_store_explicit(&f->pass_start, t0, memory_order_relaxed);
	for (int i = 0; i < f->ncpu; i++) {
		struct cursor *c = &f->cursors[n];
		struct perf_event_mmap_page *pg = f->rings[i].base;

		if (!pg)
			continue;
		*c = (struct cursor){ .r = &f->rings[i], .tail = pg->data_tail,
				      .head = __atomic_load_n(&pg->data_head, __ATOMIC_ACQUIRE) };
		if (cursor_load(f, c))
			n++;
		else
			release(c);
	}
	while (n) {
		size_t best = 0;

		for (size_t i = 1; i < n; i++)
			if (f->cursors[i].time < f->cursors[best].time)
				best = i;
		cursor_take(f, &f->cursors[best]);
		if (f->cursors[best].time)
			advance(f, f->cursors[best].time < done ? f->cursors[best].time : done);
		if (!cursor_load(f, &f->cursors[best])) {
			release(&f->cursors[best]);
			f->cursors[best] = f->cursors[--n];
		}
	}
	evq_flush(f->q);
	advance(f, done);
}

/* Wait for a ring to pass its wake-up mark, a stop request, or POLL_MS;
 * returns true when asked to stop. */
static bool wait_rings(struct faults *f)
{
	struct pollfd *p = f->pfds;

	p[0] = (struct pollfd){ .fd = f->stop_fd, .events = POLLIN };
	for (int i = 0; i < f->ncpu; i++) {
		const struct ring *r = &f->rings[i];
		p[i + 1] = (struct pollfd){ .fd = r->base && !r->hup ? r->fd : -1, .events = POLLIN };
	}
	if (poll(p, (nfds_t)f->ncpu + 1, POLL_MS) < 0)
		return false;
	for (int i = 0; i < f->ncpu; i++)
		if (p[i + 1].revents & (POLLHUP | POLLERR))
			f->rings[i].hup = true;   /* its task is gone; keep reading, stop polling */
	return p[0].revents & POLLIN;
}

/* The reader: move samples to the queue until asked to stop. */
static void *reader_main(void *arg)
{
	struct faults *f = arg;
	bool stop = false;

	util_name_thread("ct-faults");
	for (;;) {
		read_rings(f);
		if (stop)
			break;
		stop = wait_rings(f);
	}
	evq_close(f->q);
	return NULL;
}

/* Queue the note and end the stream when sampling cannot start. */
static int fail_start(struct faults *f, int err)
{
	char buf[320];

	push_note(f, faults_strerror(err, buf, sizeof(buf)));
	evq_close(f->q);
	return err;
}

int faults_start(struct faults *f)
{
	sigset_t all, old;
	int err;

	if (!f->nfds)
		return fail_start(f, f->err ? f->err : -ESRCH);
	if (f->partial)
		push_note(f, "page faults of some tasks or CPUs are not sampled (too many "
			  "open files? raise 'ulimit -n')");
	f->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (f->stop_fd < 0)
		return fail_start(f, -errno);
	if (f->exclude_kernel) {
		char note[160];

		snprintf(note, sizeof(note), "page faults taken inside system calls are not sampled "
			 "(kernel.perf_event_paranoid is %d; as root, or at 1, they are)", paranoid_level());
		push_note(f, note);
	}
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);   /* the reader takes no signals */
	err = pthread_create(&f->thread, NULL, reader_main, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return fail_start(f, -err);
	f->running = true;
	return 0;
}

void faults_stop(struct faults *f)
{
	uint64_t one = 1;

	if (f->running && write(f->stop_fd, &one, sizeof(one)) < 0)
		return;   /* only EAGAIN on an overflowing counter: a stop is pending anyway */
}

uint64_t faults_progress(const struct faults *f)
{
	uint64_t done, began;

	if (!f || !f->running)
		return UINT64_MAX;
	done = atomic_load_explicit(&f->progress, memory_order_acquire);
	began = atomic_load_explicit(&f->pass_start, memory_order_relaxed);
	/* A pass that takes this long is blocked on a full queue, which only
	 * the caller can empty: then waiting for it would never end. */
	if (began > done + LATE_NS && util_now_ns() > began + STUCK_NS)
		return UINT64_MAX;
	return done;
}

void faults_join(struct faults *f)
{
	if (f->running)
		pthread_join(f->thread, NULL);
	f->running = false;
}
