/* bpf.c - load bpf/latency.bpf.c and turn its samples into records.
 *
 * The only file that includes the generated skeleton.  Open checks privilege
 * and BTF first, so the person gets a reason rather than a libbpf errno;
 * then open -> set rodata (threshold, tracepoint shapes read from the
 * kernel's BTF, never from uname) -> load -> attach, with tp_btf programs
 * and, if the kernel refuses them, the raw_tp twins.  The reader thread is
 * the single producer of its queue: it may block on a full queue (the ring
 * buffer then fills and the kernel counts what it drops), but it never
 * drops a record itself, never prints and never lets libbpf print.
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
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf.h"
#include "evq.h"
#include "procfs.h"
#include "record.h"
#include "util.h"

#include "../bpf/latency.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "latency.skel.h"
#pragma GCC diagnostic pop

#define BTF_DEFAULT "/sys/kernel/btf/vmlinux"
#define POLL_MS 100            /* how often the drop counters are looked at */
#define MAX_TIDS 65536

struct bpf_trace {
	struct latency_bpf *skel;
	struct ring_buffer *rb;
	struct evq *q;
	pthread_t thread;
	bool started, raw_tp, closed;
	int stop_fd;
	_Atomic uint64_t lost, records;
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
	snprintf(why, whylen, "--ebpf needs root or the CAP_BPF and CAP_PERFMON capabilities "
		 "(run it with sudo, or: setcap cap_bpf,cap_perfmon,cap_sys_ptrace+ep on the binary)");
	return -EPERM;
}

/* Parameters of tracepoint name (its btf_trace_ typedef), or -1 if it is unknown. */
static int tp_nargs(const struct btf *btf, const char *name)
{
	char tname[128];
	const struct btf_type *t;
	int id;

	snprintf(tname, sizeof(tname), "btf_trace_%s", name);
	id = btf__find_by_name_kind(btf, tname, BTF_KIND_TYPEDEF);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, btf__type_by_id(btf, (__u32)id)->type);
	if (!t || !btf_is_ptr(t))
		return -1;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	return btf_vlen(t) - 1;   /* the first parameter is the tracepoint's data */
}

/* Which tracepoint shapes this kernel has. */
struct tp_shape {
	bool prev_state, group_dead, rq_queue, block;
};

/* Read the tracepoint shapes from the kernel's BTF; -ESRCH without BTF. */
static int read_shape(const char *path, struct tp_shape *s, char *why, size_t whylen)
{
	struct btf *btf;

	if (access(path, R_OK) < 0) {
		snprintf(why, whylen, "--ebpf needs the kernel's BTF type information, and %s %s "
			 "(use a kernel built with CONFIG_DEBUG_INFO_BTF=y)", path,
			 errno == ENOENT ? "does not exist" : "cannot be read");
		return -ESRCH;
	}
	btf = btf__parse(path, NULL);
	if (!btf) {
		snprintf(why, whylen, "--ebpf could not read the kernel's BTF from %s (%s)", path,
			 strerror(errno));
		return -ESRCH;
	}
	s->prev_state = tp_nargs(btf, "sched_switch") >= 4;
	s->group_dead = tp_nargs(btf, "sched_process_exit") >= 2;
	s->rq_queue = tp_nargs(btf, "block_rq_issue") >= 2;
	s->block = tp_nargs(btf, "block_rq_issue") > 0 && tp_nargs(btf, "block_rq_complete") > 0 &&
		   tp_nargs(btf, "block_rq_insert") > 0 && tp_nargs(btf, "block_rq_requeue") > 0;
	btf__free(btf);
	return 0;
}

/* Load only the tp_btf or only the raw_tp programs (and no block ones without block). */
static void choose_programs(struct bpf_object *obj, bool raw, bool block)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);
		bool is_raw = strncmp(sec, "raw_tp/", 7) == 0;
		bool is_block = strstr(sec, "/block_") != NULL;

		bpf_program__set_autoload(p, is_raw == raw && (block || !is_block));
	}
}

/* Open, set rodata, load and attach one flavour of the programs. */
static int load(struct bpf_trace *bt, const struct bpf_trace_opts *o, const struct tp_shape *s,
		const char *btf_path, bool raw)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = o->btf_path ? btf_path : NULL);
	int err;

	bt->skel = latency_bpf__open_opts(&oo);
	if (!bt->skel)
		return -errno;
	bt->skel->rodata->sched_threshold_ns = (__u64)o->sched_threshold_us * 1000;
	bt->skel->rodata->switch_has_prev_state = s->prev_state;
	bt->skel->rodata->exit_has_group_dead = s->group_dead;
	bt->skel->rodata->rq_tp_has_queue = s->rq_queue;
	choose_programs(bt->skel->obj, raw, s->block);
	err = latency_bpf__load(bt->skel);
	if (!err)
		err = latency_bpf__attach(bt->skel);
	if (err) {
		latency_bpf__destroy(bt->skel);
		bt->skel = NULL;
	}
	bt->raw_tp = raw;
	return err;
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
	if (err == -EPERM || err == -EACCES)
		snprintf(why, whylen, "the kernel refused the BPF tracing programs (%s): %s",
			 strerror(-err), lockdown_confidential()
			 ? "kernel lockdown is in confidentiality mode, which forbids reading kernel memory; "
			   "boot with lockdown=integrity or none"
			 : "kernel lockdown or a security module (SELinux, AppArmor) forbids them; "
			   "check dmesg");
	else if (err == -ESRCH)
		snprintf(why, whylen, "the kernel's BTF does not describe what the BPF programs need "
			 "(use a kernel built with CONFIG_DEBUG_INFO_BTF=y)");
	else
		snprintf(why, whylen, "loading the BPF programs failed (%s); --ebpf needs Linux 5.8 "
			 "or later with BPF ring buffers and tracepoints", strerror(-err));
}

/* Put a task in the kernel's set (flags: enum lat_task_flag). */
static int add_task(struct bpf_trace *bt, pid_t tid, pid_t tgid, uint32_t flags)
{
	struct lat_task t = { .tgid = (__u32)tgid, .flags = flags };
	__u32 key = (__u32)tid;

	if (bpf_map__update_elem(bt->skel->maps.tasks, &key, sizeof(key), &t, sizeof(t), BPF_ANY) < 0)
		return -errno;
	return 0;
}

/* Add every thread of pid with flags, rescanning until no new one appears. */
static int add_threads(struct bpf_trace *bt, pid_t pid, uint32_t flags)
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
			err = add_task(bt, tids[i], pid, flags);
		if (err || n == prev)
			break;
		prev = n;
	}
	free(tids);
	return err;
}

int bpf_trace_add_pid(struct bpf_trace *bt, pid_t pid)
{
	static const struct lat_proc_hist zero;
	__u32 key = (__u32)pid;
	int err = add_threads(bt, pid, LAT_TASK_TRACED);

	if (err)
		return err;
	if (bpf_map__update_elem(bt->skel->maps.hists, &key, sizeof(key), &zero, sizeof(zero),
				 BPF_NOEXIST) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int bpf_trace_open(struct bpf_trace **out, const struct bpf_trace_opts *o, struct evq *q,
		   char *why, size_t whylen)
{
	const char *path = o->btf_path ? o->btf_path : BTF_DEFAULT;
	struct tp_shape shape = { 0 };
	struct bpf_trace *bt;
	int err;

	*out = NULL;
	snprintf(why, whylen, "unknown error");
	err = check_privilege(why, whylen);
	if (!err)
		err = read_shape(path, &shape, why, whylen);
	if (err)
		return err;
	libbpf_log = o->log;
	libbpf_set_print(print_cb);
	bt = xcalloc(1, sizeof(*bt));
	bt->q = q;
	bt->stop_fd = -1;
	err = load(bt, o, &shape, path, o->force_raw_tp);
	if (err && err != -EPERM && !o->force_raw_tp)
		err = load(bt, o, &shape, path, true);
	if (err) {
		explain(err, why, whylen);
		goto fail;
	}
	bt->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (bt->stop_fd < 0) {
		err = -errno;
		snprintf(why, whylen, "cannot create an eventfd (%s)", strerror(errno));
		goto fail;
	}
	if (o->follow_self && (err = add_threads(bt, getpid(), LAT_TASK_FOLLOW)) < 0) {
		snprintf(why, whylen, "cannot fill the BPF task map (%s)", strerror(-err));
		goto fail;
	}
	*out = bt;
	return 0;
fail:
	bpf_trace_free(bt);
	return err;
}

/* ---- the reader thread ---- */

/* Send the record in bt->rec; false once the consumer has shut the queue. */
static bool send_rec(struct bpf_trace *bt)
{
	size_t len = rec_finish(&bt->rec);

	if (bt->closed || !evq_put(bt->q, bt->rec.buf, len)) {
		bt->closed = true;
		return false;
	}
	atomic_fetch_add(&bt->records, 1);
	return true;
}

/* REC_HIST for one process's histogram (nothing when empty). */
static void send_hist(struct bpf_trace *bt, uint64_t ts, int pid, uint32_t kind,
		      const __u64 *slots)
{
	struct rec_hist *h;
	uint64_t any = 0;

	for (int i = 0; i < LAT_SLOTS; i++)
		any |= slots[i];
	if (!any)
		return;
	h = rec_begin(&bt->rec, REC_HIST, ts, pid, pid, sizeof(*h));
	h->kind = kind == LAT_HIST_SCHED ? HIST_SCHED : HIST_BLOCK;
	h->pid = pid;
	h->nslots = LAT_SLOTS;
	rec_blob(&bt->rec, slots, LAT_SLOTS * sizeof(uint64_t));
	send_rec(bt);
}

/* REC_SCHED or REC_BLOCK from a sample. */
static void send_event(struct bpf_trace *bt, const struct lat_event *e)
{
	if (e->kind == LAT_SCHED) {
		struct rec_sched *s = rec_begin(&bt->rec, REC_SCHED, e->ts, e->tid, e->tgid, sizeof(*s));
		s->delay_ns = e->lat_ns;
		s->cpu = (int32_t)e->aux;
		s->reason = e->reason;
	} else {
		struct rec_block *b = rec_begin(&bt->rec, REC_BLOCK, e->ts, e->tid, e->tgid, sizeof(*b));
		b->lat_ns = e->lat_ns;
		b->bytes = e->bytes;
		b->sector = e->sector;
		b->dev = e->aux;
		b->write = e->reason;
	}
	send_rec(bt);
}

/* Ring-buffer callback: one sample. */
static int on_sample(void *ctx, void *data, size_t size)
{
	struct bpf_trace *bt = ctx;
	__u32 kind;

	if (size < sizeof(kind))
		return 0;
	memcpy(&kind, data, sizeof(kind));
	if ((kind == LAT_SCHED || kind == LAT_BLOCK) && size >= sizeof(struct lat_event)) {
		send_event(bt, data);
	} else if (kind == LAT_HIST && size >= sizeof(struct lat_hist)) {
		const struct lat_hist *h = data;
		send_hist(bt, h->ts, h->pid, h->hist, h->slots);
	}
	return bt->closed ? -ECANCELED : 0;
}

/* Sum of the per-CPU drop counters. */
static uint64_t read_drops(struct bpf_trace *bt)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;

	if (ncpu <= 0)
		return 0;
	v = xcalloc((size_t)ncpu, sizeof(*v));
	for (__u32 k = 0; k < LAT_DROP_MAX; k++) {
		if (bpf_map__lookup_elem(bt->skel->maps.drops, &k, sizeof(k), v,
					 (size_t)ncpu * sizeof(*v), 0) < 0)
			continue;
		for (int c = 0; c < ncpu; c++)
			sum += v[c];
	}
	free(v);
	return sum;
}

/* REC_LOST for drops not yet reported. */
static void send_lost(struct bpf_trace *bt)
{
	uint64_t total = read_drops(bt);
	struct rec_lost *l;

	atomic_store(&bt->lost, total);
	if (total <= bt->lost_sent)
		return;
	l = rec_begin(&bt->rec, REC_LOST, util_now_ns(), 0, 0, sizeof(*l));
	l->source = LOST_BPF;
	l->count = total - bt->lost_sent;
	if (send_rec(bt))
		bt->lost_sent = total;
}

/* At the end: histograms of the traced processes still alive. */
static void send_live_hists(struct bpf_trace *bt)
{
	const struct bpf_map *m = bt->skel->maps.hists;
	struct lat_proc_hist h;
	__u32 key, next;
	void *prev = NULL;
	uint64_t now = util_now_ns();

	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(m, &key, sizeof(key), &h, sizeof(h), 0) < 0)
			continue;
		send_hist(bt, now, (int)key, LAT_HIST_SCHED, h.sched);
		send_hist(bt, now, (int)key, LAT_HIST_BLOCK, h.block);
	}
}

/* Wait for samples or the stop request; true when stop was asked. */
static bool wait_samples(struct bpf_trace *bt)
{
	struct pollfd p[2] = { { ring_buffer__epoll_fd(bt->rb), POLLIN, 0 },
			       { bt->stop_fd, POLLIN, 0 } };

	poll(p, 2, POLL_MS);
	return p[1].revents & POLLIN;
}

/* The thread: samples to records until asked to stop, then the final ones. */
static void *reader_main(void *arg)
{
	struct bpf_trace *bt = arg;
	bool stop = false;

	while (!stop && !bt->closed) {
		stop = wait_samples(bt);
		ring_buffer__consume(bt->rb);
		send_lost(bt);
		evq_flush(bt->q);
	}
	ring_buffer__consume(bt->rb);
	send_live_hists(bt);
	send_lost(bt);
	evq_close(bt->q);
	return NULL;
}

int bpf_trace_start(struct bpf_trace *bt)
{
	sigset_t all, old;
	int err;

	bt->rb = ring_buffer__new(bpf_map__fd(bt->skel->maps.events), on_sample, bt, NULL);
	if (!bt->rb)
		return -errno;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&bt->thread, NULL, reader_main, bt);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	bt->started = true;
	return 0;
}

void bpf_trace_stop(struct bpf_trace *bt)
{
	uint64_t one = 1;

	if (!bt)
		return;
	if (!bt->started) {
		evq_close(bt->q);
		return;
	}
	if (write(bt->stop_fd, &one, sizeof(one)) < 0)
		return;   /* only fails if the counter is already huge: stop was asked */
}

void bpf_trace_stats(struct bpf_trace *bt, struct bpf_trace_stats *st)
{
	const struct bpf_map *m = bt->skel->maps.tasks;
	struct lat_task t;
	__u32 key, next;
	void *prev = NULL;

	memset(st, 0, sizeof(*st));
	st->lost = atomic_load(&bt->lost);
	st->records = atomic_load(&bt->records);
	st->raw_tp = bt->raw_tp;
	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(m, &key, sizeof(key), &t, sizeof(t), 0) == 0 &&
		    (t.flags & LAT_TASK_TRACED))
			st->traced_tasks++;
	}
}

void bpf_trace_free(struct bpf_trace *bt)
{
	if (!bt)
		return;
	if (bt->started)
		pthread_join(bt->thread, NULL);
	ring_buffer__free(bt->rb);
	latency_bpf__destroy(bt->skel);
	if (bt->stop_fd >= 0)
		close(bt->stop_fd);
	free(bt);
}
