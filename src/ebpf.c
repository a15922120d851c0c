/* ebpf.c - the eBPF producer (--ebpf): load both BPF objects, keep the
 * maps they share, and run the reader thread.
 *
 * Open checks privilege and BTF first, so the person gets a reason rather
 * than a libbpf errno; reads the tracepoint shapes from the kernel's BTF;
 * makes the maps both objects share (the traced tasks, the drop counters);
 * then loads bpf/latency.bpf.c (src/ebpf_latency.c) and, with opts.io,
 * bpf/ioacct.bpf.c (src/ebpf_ioacct.c) beside it in a thread of its own,
 * in the flavour (tp_btf or raw_tp) latency ends with, relocated against
 * the slice of the kernel's BTF this thread makes meanwhile (start-up is
 * most of what --ebpf and the kernel engine cost a short command).  The reader thread is the single
 * producer of its queue: it may block on a full queue (the ring buffer then
 * fills and the kernel counts what it drops), but it never drops a record
 * itself, never prints and never lets libbpf print.  The generated
 * skeletons are included by the two halves only, never here.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf.h"
#include "ebpf_ioacct.h"
#include "ebpf_latency.h"
#include "ebpf_prog.h"
#include "evq.h"
#include "fmt.h"
#include "freezer.h"
#include "procfs.h"
#include "record.h"
#include "util.h"

#include "../bpf/latency.h"
#include "../bpf/shared.h"

#define BTF_DEFAULT "/sys/kernel/btf/vmlinux"
#define MAX_TIDS 65536

struct ebpf {
	struct ebpf_latency *lat;
	struct ebpf_ioacct *io;       /* NULL unless opts.io loaded */
	int io_err;                   /* opts.io failed to load: -errno */
	bool raw;                     /* the raw_tp programs are the ones loaded */
	int tasks_fd, drops_fd;       /* the maps both objects share */
	struct freezer *freezer;      /* opts.freezer (not owned) */
	bool holding_q;               /* the reader holds the command frozen for its queue, */
	bool holding_ring;            /* for the kernel's I/O ring */
	struct evq *q;
	pthread_t thread;
	bool started, closed;
	int stop_fd;
	_Atomic uint64_t records;
	uint64_t lost_sent;           /* reader only */
	struct recbuf rec;            /* reader only */
};

static FILE *libbpf_log;      /* libbpf's print callback has no context */

/* libbpf's messages: to the chosen log, never to the terminal. */
static int print_cb(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!libbpf_log || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(libbpf_log, fmt, ap);
}

/* Does this process have capability cap in its effective set? */
static bool has_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

/* Root or CAP_BPF + CAP_PERFMON (or CAP_SYS_ADMIN on kernels before 5.8). */
static int check_privilege(char *why, size_t whylen)
{
	if (has_cap(CAP_SYS_ADMIN) || (has_cap(39 /* CAP_BPF */) && has_cap(38 /* CAP_PERFMON */)))
		return 0;
	snprintf(why, whylen, "it needs root or the CAP_BPF and CAP_PERFMON capabilities "
		 "(run it with sudo, or: setcap cap_bpf,cap_perfmon,cap_sys_ptrace+ep on the binary)");
	return -EPERM;
}

/* The kernel's BPF programs see every task by its pid in the initial pid
 * namespace, and this process knows its tracees by their pids in its own:
 * in another (a container, unshare -p) the two never meet, so the
 * programs cannot follow them.  (The initial namespace's inode number is
 * fixed: PROC_PID_INIT_INO.) */
static int check_pidns(char *why, size_t whylen)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) != 0 || st.st_ino == 0xEFFFFFFCu)
		return 0;
	snprintf(why, whylen, "it follows processes only in the initial pid namespace, and "
		 "this is another one (a container, or unshare -p)");
	return -EOPNOTSUPP;
}

/* Is kernel lockdown in confidentiality mode (when securityfs tells)? */
static bool lockdown_confidential(void)
{
	char buf[128] = "";
	int fd = open("/sys/kernel/security/lockdown", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, "[confidentiality]") != NULL;
}

/* One sentence for a load or attach failure. */
static void explain(int err, char *why, size_t whylen)
{
	if (err == -EPERM)
		snprintf(why, whylen, "the kernel refused the BPF tracing programs (%s): %s",
			 strerror(-err), lockdown_confidential()
			 ? "kernel lockdown is in confidentiality mode, which forbids reading kernel memory; "
			   "boot with lockdown=integrity or none"
			 : "kernel lockdown or a security module (SELinux, AppArmor) forbids them; "
			   "check dmesg");
	else if (err == -ESRCH)
		snprintf(why, whylen, "the kernel's BTF does not describe what the BPF programs need "
			 "(use a kernel built with CONFIG_DEBUG_INFO_BTF=y)");
	else if (err == -EACCES)
		snprintf(why, whylen, "the kernel's BPF verifier rejected the programs (%s); "
			 "please report it with the output of uname -r", strerror(-err));
	else
		snprintf(why, whylen, "loading the BPF programs failed (%s); --ebpf needs Linux 5.8 "
			 "or later with BPF ring buffers and tracepoints", strerror(-err));
}

/* ioacct's load, run beside the rest of the start-up (reading the shapes,
 * loading latency): most of either is parsing the kernel's BTF and
 * verifying, and each has a CPU to itself. */
struct io_job {
	struct ebpf_shape s;          /* (a copy: ioacct needs none of the shapes read) */
	const char *btf_path;
	bool raw;
	int tasks_fd, drops_fd;
	struct ebpf_core *core;       /* its slice of the kernel's BTF, made beside, or NULL */
	struct ebpf_ioacct *io;       /* the result: loaded, or NULL with err */
	int err;
};

/* Load ioacct as the job says (in a thread of its own, or not). */
static void *io_job_main(void *arg)
{
	struct io_job *j = arg;

	util_name_thread("ct-bpf-load");
	j->err = ebpf_ioacct_load(&j->io, &j->s, j->btf_path, j->raw, j->tasks_fd, j->drops_fd,
				  j->core);
	return NULL;
}

/* Read the tracepoint shapes into s and load latency (tp_btf, else
 * raw_tp): 0, or -errno with the reason in why. */
static int load_latency(struct ebpf *eb, const struct ebpf_opts *o, struct ebpf_shape *s,
			char *why, size_t whylen)
{
	int err = ebpf_prog_read_shape(o->btf_path ? o->btf_path : BTF_DEFAULT, s, why, whylen);

	if (!err && (err = ebpf_latency_load(eb->lat, s, o->force_raw_tp, eb->tasks_fd,
					     eb->drops_fd)) < 0)
		explain(err, why, whylen);
	return err;
}

/* After the job's first try: ioacct in latency's flavour, or alone (the
 * kernel engine without latency) in raw_tp where the kernel refused tp_btf. */
static void finish_io(struct ebpf *eb, struct io_job *job, bool alone)
{
	bool raw = alone ? job->raw || (job->err && job->err != -EPERM) : ebpf_latency_raw(eb->lat);

	if (raw != job->raw) {
		ebpf_ioacct_free(job->io);
		job->raw = raw;
		io_job_main(job);
	}
	eb->raw = job->raw;
	eb->io = job->io;
	eb->io_err = job->err;   /* latency works without it */
}

/* Load ioacct (with o->io) in a thread and, beside it, make the slice of
 * the kernel's BTF its relocations read (a scan of the kernel's 125,000
 * types per relocated type otherwise), then load latency, unless the
 * kernel engine runs without it (s->tasks_only: then ioacct keeps the
 * traced tasks, latency is only opened and the shapes are never read).
 * The maps they share are made first, from latency's definitions, so
 * neither waits for the other.  0, or -errno with the reason in why. */
static int load_both(struct ebpf *eb, const struct ebpf_opts *o, struct ebpf_shape *s,
		     char *why, size_t whylen)
{
	struct io_job job = { .s = *s, .btf_path = o->btf_path, .raw = o->force_raw_tp };
	struct ebpf_core core;
	bool threaded = false;
	pthread_t th;
	int err;

	eb->lat = ebpf_latency_open(o->sched_threshold_us, o->btf_path);
	err = eb->lat ? ebpf_latency_make_shared(eb->lat, &eb->tasks_fd, &eb->drops_fd) : -errno;
	if (err) {
		explain(err, why, whylen);
		return err;
	}
	job.tasks_fd = eb->tasks_fd;
	job.drops_fd = eb->drops_fd;
	if (o->io) {
		job.core = ebpf_prog_core_init(&core) == 0 ? &core : NULL;
		threaded = pthread_create(&th, NULL, io_job_main, &job) == 0;
		if (job.core)   /* (unthreaded, ioacct loads after: the slice is ready then) */
			ebpf_ioacct_make_core(job.core, o->btf_path);
	}
	err = s->tasks_only ? 0 : load_latency(eb, o, s, why, whylen);
	eb->raw = ebpf_latency_raw(eb->lat);
	if (!o->io)
		return err;
	if (threaded)
		pthread_join(th, NULL);
	else
		io_job_main(&job);
	if (!err)
		finish_io(eb, &job, s->tasks_only);
	else
		ebpf_ioacct_free(job.io);
	if (job.core)
		ebpf_prog_core_release(job.core);
	return err;
}

/* Put a task in the kernel's set (flags: enum task_flag). */
static int add_task(struct ebpf *eb, pid_t tid, pid_t tgid, uint32_t flags)
{
	struct task_entry t = { .tgid = (__u32)tgid, .flags = flags };
	__u32 key = (__u32)tid;

	if (bpf_map_update_elem(eb->tasks_fd, &key, &t, BPF_ANY) < 0)
		return -errno;
	return 0;
}

/* Add every thread of pid with flags, rescanning until no new one appears. */
static int add_threads(struct ebpf *eb, pid_t pid, uint32_t flags)
{
	pid_t *tids = xcalloc(MAX_TIDS, sizeof(*tids));
	int n, prev = -1, err = 0;

	for (int round = 0; round < 100; round++) {
		n = procfs_list_tasks(pid, tids, MAX_TIDS);
		if (n < 0) {
			err = n;
			break;
		}
		if (n > MAX_TIDS)
			n = MAX_TIDS;
		for (int i = 0; i < n && !err; i++)
			err = add_task(eb, tids[i], pid, flags);
		if (err || n == prev)
			break;
		prev = n;
	}
	free(tids);
	return err;
}

int ebpf_add_pid(struct ebpf *eb, pid_t pid)
{
	int err = add_threads(eb, pid, TASK_F_TRACED);

	return err ? err : ebpf_latency_add_proc(eb->lat, pid);
}

int ebpf_engine_add(struct ebpf *eb, pid_t tid, pid_t tgid, bool spawned)
{
	int err;

	if (!eb->io)
		return -ENOENT;
	err = add_task(eb, tid, tgid, TASK_F_TRACED);
	if (!err && tid == tgid)
		err = ebpf_latency_add_proc(eb->lat, tgid);
	return err ? err : ebpf_ioacct_add_task(eb->io, tid, tgid, spawned);
}

bool ebpf_engine_tasks_left(const struct ebpf *eb)
{
	return eb->io && ebpf_ioacct_tasks_left(eb->io);
}

bool ebpf_engine_has(const struct ebpf *eb, pid_t tid)
{
	return eb->io && ebpf_ioacct_has_task(eb->io, tid);
}

size_t ebpf_engine_tasks(const struct ebpf *eb, pid_t *tids, pid_t *tgids, size_t cap)
{
	return eb->io ? ebpf_ioacct_tasks(eb->io, tids, tgids, cap) : 0;
}

int ebpf_open(struct ebpf **out, const struct ebpf_opts *o, struct evq *q,
	      char *why, size_t whylen)
{
	struct ebpf_shape shape = { 0 };
	struct ebpf *eb;
	int err;

	*out = NULL;
	snprintf(why, whylen, "unknown error");
	err = check_privilege(why, whylen);
	if (!err)
		err = check_pidns(why, whylen);
	if (!err)
		err = ebpf_prog_check_btf(o->btf_path ? o->btf_path : BTF_DEFAULT, why, whylen);
	if (err)
		return err;
	shape.engine = o->engine;
	shape.tasks_only = o->engine && !o->latency;
	shape.stack = o->io ? o->stack : 0;
	libbpf_log = o->log;
	libbpf_set_print(print_cb);
	ebpf_prog_init();
	eb = xcalloc(1, sizeof(*eb));
	eb->q = q;
	eb->stop_fd = -1;
	eb->tasks_fd = eb->drops_fd = -1;
	eb->freezer = o->freezer;
	err = load_both(eb, o, &shape, why, whylen);
	if (err)
		goto fail;
	eb->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (eb->stop_fd < 0) {
		err = -errno;
		snprintf(why, whylen, "cannot create an eventfd (%s)", strerror(errno));
		goto fail;
	}
	if (o->follow_self && (err = add_threads(eb, getpid(), TASK_F_FOLLOW)) < 0) {
		snprintf(why, whylen, "cannot fill the BPF task map (%s)", strerror(-err));
		goto fail;
	}
	*out = eb;
	return 0;
fail:
	ebpf_free(eb);
	return err;
}

/* ---- the reader thread ---- */

/* Put a finished record on the queue; false once the consumer has shut it. */
static bool put_rec(void *ctx, const struct rec_hdr *h)
{
	struct ebpf *eb = ctx;

	if (eb->closed || !evq_put(eb->q, h, h->len)) {
		eb->closed = true;
		return false;
	}
	atomic_fetch_add(&eb->records, 1);
	return true;
}

/* Send the record in eb->rec; false once the consumer has shut the queue. */
static bool send_rec(struct ebpf *eb)
{
	rec_finish(&eb->rec);
	return put_rec(eb, (const struct rec_hdr *)eb->rec.buf);
}

/* Per-reason sums of the per-CPU drop counters; returns the total. */
static uint64_t read_drops(struct ebpf *eb, uint64_t sums[DROP_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, total = 0;

	memset(sums, 0, DROP_MAX * sizeof(*sums));
	if (ncpu <= 0)
		return 0;
	v = xcalloc((size_t)ncpu, sizeof(*v));
	for (__u32 k = 0; k < DROP_MAX; k++) {
		if (bpf_map_lookup_elem(eb->drops_fd, &k, v) < 0)
			continue;
		for (int c = 0; c < ncpu; c++)
			sums[k] += v[c];
		total += sums[k];
	}
	free(v);
	return total;
}

/* REC_LOST for drops not yet reported. */
static void send_lost(struct ebpf *eb)
{
	uint64_t sums[DROP_MAX];
	uint64_t total = read_drops(eb, sums);
	struct rec_lost *l;

	if (total <= eb->lost_sent)
		return;
	l = rec_begin(&eb->rec, REC_LOST, util_now_ns(), 0, 0, sizeof(*l));
	l->source = LOST_BPF;
	l->count = total - eb->lost_sent;
	if (send_rec(eb))
		eb->lost_sent = total;
}

/* Send a REC_NOTE (something the person should be told). */
static void note(struct ebpf *eb, const char *text)
{
	struct rec_note *n = rec_begin(&eb->rec, REC_NOTE, util_now_ns(), 0, 0, sizeof(*n));

	n->kind = NOTE_WARN;
	n->text_len = (uint32_t)strlen(text);
	rec_blob(&eb->rec, text, n->text_len);
	send_rec(eb);
}

/* At the end: a note saying how long the command was held back, if it
 * was, or that it could not be when the kernel's rings overflowed; and
 * one saying which tables were full when that lost measurements. */
static void send_held_note(struct ebpf *eb)
{
	struct freezer_stats st;
	char text[300], d[24];
	uint64_t sums[DROP_MAX];

	read_drops(eb, sums);
	if (sums[DROP_MAPFULL]) {
		snprintf(text, sizeof(text), "%llu measurement%s lost because a table of the "
			 "kernel's was full: it follows at most %d tasks at once, keeps %d "
			 "processes' latency histograms and %d block requests in flight "
			 "(--engine ptrace without --ebpf has no such limit)",
			 (unsigned long long)sums[DROP_MAPFULL],
			 sums[DROP_MAPFULL] == 1 ? " was" : "s were", TASKS_MAX, LAT_MAX_PROCS,
			 LAT_MAX_REQS);
		note(eb, text);
	}
	if (!eb->freezer) {
		if (sums[DROP_RINGBUF])
			note(eb, "records were dropped: compendium-tui could not hold the program back "
			     "while it caught up (that needs a cgroup2 mount and a command it starts "
			     "itself, not --pid)");
		return;
	}
	freezer_read_stats(eb->freezer, &st);
	if (!st.freezes)
		return;
	snprintf(text, sizeof(text), "the program was held back %llu time%s, %s in all, while "
		 "compendium-tui caught up with the kernel's records (%s)",
		 (unsigned long long)st.freezes, st.freezes == 1 ? "" : "s",
		 fmt_duration(st.frozen_ns, d), sums[DROP_RINGBUF] ?
		 "some were dropped all the same: it could not be held fast enough" :
		 "nothing was dropped for it");
	note(eb, text);
}

/* Wait for samples, the I/O ring's high water or the stop request; true
 * when stop was asked. */
static bool wait_samples(struct ebpf *eb)
{
	int wake_fd = eb->io ? ebpf_ioacct_wake_fd(eb->io) : -1;
	struct pollfd p[3] = { { ebpf_latency_ring_fd(eb->lat), POLLIN, 0 },
			       { eb->stop_fd, POLLIN, 0 }, { wake_fd, POLLIN, 0 } };

	poll(p, wake_fd >= 0 ? 3 : 2, LAT_READ_MS);
	if (p[2].revents & POLLIN)
		ebpf_ioacct_woken(eb->io);   /* take the edge */
	return p[1].revents & POLLIN;
}

/* Take or let go of one of the reader's holds on the command. */
static void hold(struct ebpf *eb, enum freezer_holder who, bool *holding, bool want)
{
	if (want && !*holding)
		freezer_hold(eb->freezer, who);
	else if (!want && *holding)
		freezer_release(eb->freezer, who);
	*holding = want;
}

/* With a freezer: hold the command frozen while the reader's queue is over
 * half full (until a quarter), and while the kernel's I/O ring is past its
 * high water (until its low water: the tracer thread empties it).  While
 * held, take in what was forked since: the tracer thread, which does that
 * too, may be the one waiting for room. */
static void throttle(struct ebpf *eb, bool stop)
{
	size_t used = evq_used(eb->q), cap = evq_capacity(eb->q);

	if (!eb->freezer)
		return;
	hold(eb, FREEZER_EBPF_QUEUE, &eb->holding_q,
	     !stop && (eb->holding_q ? used > cap / 4 : used >= cap / 2));
	hold(eb, FREEZER_IO_RING, &eb->holding_ring,
	     !stop && eb->io && ebpf_ioacct_over(eb->io, eb->holding_ring));
	if (eb->holding_q || eb->holding_ring)
		freezer_sweep(eb->freezer);
}

/* The thread: samples to records until asked to stop, then the final ones. */
static void *reader_main(void *arg)
{
	struct ebpf *eb = arg;
	bool stop = false;

	util_name_thread("ct-ebpf");
	while (!stop && !eb->closed) {
		stop = wait_samples(eb);
		throttle(eb, false);
		ebpf_latency_read(eb->lat);
		send_lost(eb);
		evq_flush(eb->q);
		throttle(eb, stop);
	}
	throttle(eb, true);
	ebpf_latency_read(eb->lat);
	ebpf_latency_send_live(eb->lat);
	send_lost(eb);
	send_held_note(eb);
	evq_close(eb->q);
	return NULL;
}

int ebpf_start(struct ebpf *eb)
{
	sigset_t all, old;
	int err = ebpf_latency_ring(eb->lat, put_rec, eb);

	if (err)
		return err;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&eb->thread, NULL, reader_main, eb);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	eb->started = true;
	return 0;
}

void ebpf_stop(struct ebpf *eb)
{
	uint64_t one = 1;

	if (!eb)
		return;
	if (!eb->started) {
		evq_close(eb->q);
		return;
	}
	if (write(eb->stop_fd, &one, sizeof(one)) < 0)
		return;   /* only fails if the counter is already huge: stop was asked */
}

size_t ebpf_traced_tasks(const struct ebpf *eb, pid_t *tids, pid_t *tgids, size_t cap)
{
	ssize_t n = ebpf_prog_tasks(eb->tasks_fd, sizeof(struct task_entry), TASK_F_TRACED, tids,
				    tgids, cap);

	_Static_assert(offsetof(struct task_entry, tgid) == 0 &&
		       offsetof(struct task_entry, flags) == 4, "ebpf_prog_tasks reads these");

	return n > 0 ? (size_t)n : 0;
}

/* Tasks in the kernel's set that are traced (not merely followed). */
static size_t count_traced(const struct ebpf *eb)
{
	struct task_entry t;
	__u32 key, next;
	void *prev = NULL;
	size_t n = 0;

	while (bpf_map_get_next_key(eb->tasks_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(eb->tasks_fd, &key, &t) == 0 && (t.flags & TASK_F_TRACED))
			n++;
	}
	return n;
}

void ebpf_read_stats(struct ebpf *eb, struct ebpf_stats *st)
{
	uint64_t sums[DROP_MAX];

	memset(st, 0, sizeof(*st));
	st->lost = read_drops(eb, sums);
	st->lost_ringbuf = sums[DROP_RINGBUF];
	st->lost_mapfull = sums[DROP_MAPFULL];
	st->lost_unseen = sums[DROP_UNSEEN];
	st->records = atomic_load(&eb->records);
	st->raw_tp = eb->raw;
	st->traced_tasks = count_traced(eb);
	ebpf_latency_count(eb->lat, &st->hist_procs, &st->waiting_tasks);
	if (eb->io)
		st->io_fds = ebpf_ioacct_count(eb->io);
}

int ebpf_io_error(const struct ebpf *eb)
{
	return eb->io ? 0 : eb->io_err ? eb->io_err : -ENOENT;
}

void ebpf_io_drain(void *ctx, rec_put_fn *put, void *put_ctx)
{
	struct ebpf *eb = ctx;

	if (eb->io)
		ebpf_ioacct_drain(eb->io, put, put_ctx, 0);
}

bool ebpf_engine_drain(struct ebpf *eb, rec_put_fn *put, void *put_ctx, size_t budget)
{
	return eb->io && ebpf_ioacct_drain(eb->io, put, put_ctx, budget);
}

void ebpf_io_exec(void *ctx, pid_t pid, const char *exe, size_t len)
{
	struct ebpf *eb = ctx;

	if (eb->io)
		ebpf_ioacct_exec(eb->io, pid, exe, len);
}

void ebpf_io_fork(void *ctx, pid_t parent, pid_t child)
{
	struct ebpf *eb = ctx;

	if (eb->io)
		ebpf_ioacct_fork(eb->io, parent, child);
}

void ebpf_free(struct ebpf *eb)
{
	uint64_t one = 1;

	if (!eb)
		return;
	if (eb->started) {
		/* If nobody drained the queue to its end, stop waiting for space. */
		if (write(eb->stop_fd, &one, sizeof(one)) < 0)
			one = 0;   /* the counter is full: a stop is pending anyway */
		evq_shutdown(eb->q);
		pthread_join(eb->thread, NULL);
	}
	ebpf_ioacct_free(eb->io);
	ebpf_latency_free(eb->lat);
	if (eb->tasks_fd >= 0)
		close(eb->tasks_fd);
	if (eb->drops_fd >= 0)
		close(eb->drops_fd);
	if (eb->stop_fd >= 0)
		close(eb->stop_fd);
	free(eb);
}
