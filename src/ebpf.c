/* ebpf.c - load bpf/latency.bpf.c (and bpf/ioacct.bpf.c) and turn their
 * samples into records.
 *
 * The only file that includes the generated skeletons.  Open checks privilege
 * and BTF first, so the person gets a reason rather than a libbpf errno;
 * then open -> set rodata (threshold, tracepoint shapes read from the
 * kernel's BTF, never from uname) -> load -> attach, with tp_btf programs
 * and, if the kernel refuses them, the raw_tp twins; ioacct.bpf.c loads in
 * a thread of its own meanwhile, on maps the two share made beforehand
 * (start-up is most of what --ebpf costs a short command).  The reader
 * thread is the single producer of its queue: it may block on a full queue
 * (the ring buffer then fills and the kernel counts what it drops), but it
 * never drops a record itself, never prints and never lets libbpf print.
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
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ebpf.h"
#include "evq.h"
#include "fmt.h"
#include "freezer.h"
#include "procfs.h"
#include "record.h"
#include "util.h"

#include "../bpf/ioacct.h"
#include "../bpf/latency.h"
#include "../bpf/shared.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "latency.skel.h"
#include "ioacct.skel.h"
#pragma GCC diagnostic pop

_Static_assert((int)IOACCT_FDK_FILE == (int)FDK_FILE && (int)IOACCT_FDK_PIPE == (int)FDK_PIPE &&
	       (int)IOACCT_FDK_UNIX == (int)FDK_UNIX && (int)IOACCT_FDK_TCP4 == (int)FDK_TCP4 &&
	       (int)IOACCT_FDK_UDP6 == (int)FDK_UDP6 && (int)IOACCT_FDK_ANON == (int)FDK_ANON,
	       "bpf/ioacct.h fd kinds must be record.h's");
_Static_assert(IOACCT_PATH_MAX == REC_PATH_MAX && IOACCT_PATH_CUT_LEN == REC_PATH_CUT_LEN,
	       "the kernel cuts long paths as records do");

#define BTF_DEFAULT "/sys/kernel/btf/vmlinux"
#define MAX_TIDS 65536

/* What the reader last passed on of one counter slot's use (IOACCT_COUNT). */
struct io_seen {
	uint64_t seq;
	uint64_t rd, wr, rd_calls, wr_calls;
	bool done;                    /* its final IOACCT_COUNT came: later ones are stale */
};

struct ebpf {
	struct latency_bpf *skel;
	struct ioacct_bpf *io_skel;   /* NULL unless opts.io loaded */
	struct ring_buffer *io_rb;    /* its IOACCT_COUNT samples (the tracer thread drains it) */
	struct io_seen *io_seen;      /* per counter slot (drain only) */
	uint64_t swept_at;            /* when io_sweep last ran (drain only) */
	void *io_pos;                 /* the I/O ring's consumer and producer pages (read-only) */
	size_t io_pos_len;
	int io_wake_fd;               /* epoll, edge-triggered: the I/O ring passed its high water */
	struct freezer *freezer;      /* opts.freezer (not owned) */
	bool holding_q, holding_ring; /* the reader holds the command frozen for its queue, the I/O ring */
	int io_err;                   /* opts.io failed to load: -errno */
	int tasks_fd, drops_fd;       /* while loading: the maps both objects share */
	rec_put_fn *io_put;           /* during ebpf_io_drain: where records go */
	void *io_ctx;
	struct recbuf io_rec;         /* the record being handed over (drain only) */
	struct ring_buffer *rb;
	struct evq *q;
	pthread_t thread;
	bool started, raw_tp, closed;
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
	bool prev_state, group_dead, rq_queue, block, io_start;
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
	s->io_start = tp_nargs(btf, "block_io_start") == 1;   /* 6.5+ */
	btf__free(btf);
	return 0;
}

/* Load only the tp_btf or only the raw_tp programs, no block ones without
 * block, and the owner of a block request from block_io_start where the
 * kernel has it, else from block_rq_insert (and the issue). */
static void choose_programs(struct bpf_object *obj, bool raw, const struct tp_shape *s)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p);
		bool is_raw = strncmp(sec, "raw_tp/", 7) == 0;
		bool is_block = strstr(sec, "/block_") != NULL;
		bool unused = strstr(sec, s->io_start ? "/block_rq_insert" : "/block_io_start") != NULL;

		/* A bare "raw_tp" program is run (io_sweep), never attached: always load it. */
		bpf_program__set_autoload(p, strcmp(sec, "raw_tp") == 0 ||
					  (is_raw == raw && (s->block || !is_block) && !unused));
	}
}

/* Give an object the maps both objects share (tasks, drops), if made. */
static int use_shared(const struct ebpf *eb, struct bpf_map *tasks, struct bpf_map *drops)
{
	int err = 0;

	if (eb->tasks_fd >= 0)
		err = bpf_map__reuse_fd(tasks, eb->tasks_fd);
	if (!err && eb->drops_fd >= 0)
		err = bpf_map__reuse_fd(drops, eb->drops_fd);
	return err;
}

/* Open latency.bpf.c's object and set its rodata. */
static struct latency_bpf *open_latency(const struct ebpf_opts *o, const struct tp_shape *s,
					const char *btf_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = o->btf_path ? btf_path : NULL);
	struct latency_bpf *skel = latency_bpf__open_opts(&oo);

	if (!skel)
		return NULL;
	skel->rodata->sched_threshold_ns = (__u64)o->sched_threshold_us * 1000;
	skel->rodata->switch_has_prev_state = s->prev_state;
	skel->rodata->exit_has_group_dead = s->group_dead;
	skel->rodata->rq_tp_has_queue = s->rq_queue;
	skel->rodata->has_io_start = s->io_start;
	return skel;
}

/* Make a map as m is defined, for both objects to share. */
static int create_like(const struct bpf_map *m)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = bpf_map__map_flags(m));
	int fd = bpf_map_create(bpf_map__type(m), bpf_map__name(m), bpf_map__key_size(m),
				bpf_map__value_size(m), bpf_map__max_entries(m), &mo);

	return fd < 0 ? -errno : fd;
}

/* Open (unless eb->skel is open already), load and attach one flavour of
 * latency's programs. */
static int load(struct ebpf *eb, const struct ebpf_opts *o, const struct tp_shape *s,
		const char *btf_path, bool raw)
{
	int err;

	if (!eb->skel && !(eb->skel = open_latency(o, s, btf_path)))
		return -errno;
	choose_programs(eb->skel->obj, raw, s);
	err = use_shared(eb, eb->skel->maps.tasks, eb->skel->maps.drops);
	if (!err)
		err = latency_bpf__load(eb->skel);
	if (!err)
		err = latency_bpf__attach(eb->skel);
	if (err) {
		latency_bpf__destroy(eb->skel);
		eb->skel = NULL;
	}
	eb->raw_tp = raw;
	return err;
}

/* Growth of a count since what was passed on (0 when a late sample shows less). */
static uint64_t grown(uint64_t now, uint64_t seen)
{
	return now > seen ? now - seen : 0;
}

/* REC_IO from a IOACCT_COUNT sample: what the counter grew since the figures of
 * its use last passed on.  False when there is nothing new: a sample of an
 * older use, or of one whose final figures came already, or one that adds
 * no call (bytes wait for their calls, except in a final one). */
static bool io_record(struct ebpf *eb, const struct ioacct_count *e)
{
	struct io_seen *s = e->slot < IOACCT_MAX_FDS ? &eb->io_seen[e->slot] : NULL;
	uint64_t rc, wc, rd, wr;
	struct rec_io *r;

	if (!s || e->seq < s->seq || (e->seq == s->seq && s->done))
		return false;
	if (e->seq > s->seq)
		*s = (struct io_seen){ .seq = e->seq };
	rc = grown(e->rd_calls, s->rd_calls);
	wc = grown(e->wr_calls, s->wr_calls);
	rd = grown(e->rd, s->rd);
	wr = grown(e->wr, s->wr);
	s->done = e->final;
	if (!(rc | wc) && !(e->final && (rd | wr)))
		return false;
	s->rd_calls += rc;
	s->wr_calls += wc;
	s->rd += rd;
	s->wr += wr;
	r = rec_begin(&eb->io_rec, REC_IO, e->ts, e->pid, e->pid, sizeof(*r));
	r->fd = e->fd;
	r->kind = e->fd_kind < FDK_MAX ? (uint8_t)e->fd_kind : FDK_UNKNOWN;
	r->ino = e->ino;
	r->rd = rd;
	r->wr = wr;
	r->rd_calls = (uint32_t)rc;
	r->wr_calls = (uint32_t)wc;
	return true;
}

/* Begin the REC_SYSCALL of a call the kernel sent whole (the call part of
 * a IOACCT_CALL, IOACCT_OPEN or IOACCT_PIPE sample; no entry seen: entry_ts 0). */
static struct rec_syscall *syscall_record(struct recbuf *rb, const struct ioacct_call *e)
{
	struct rec_syscall *r = rec_begin(rb, REC_SYSCALL, e->ts, e->tid, e->tgid, sizeof(*r));

	r->nr = r->orig_nr = e->nr;
	r->arch = ARCH_X86_64;
	r->ret = e->ret;
	memcpy(r->args, e->args, sizeof(r->args));
	return r;
}

/* Hand the record in eb->io_rec to the drain's sink. */
static void io_put(struct ebpf *eb)
{
	rec_finish(&eb->io_rec);
	eb->io_put(eb->io_ctx, (const struct rec_hdr *)eb->io_rec.buf);
}

/* Send the REC_FD of a new fd the kernel named. */
static void new_fd(struct ebpf *eb, uint64_t ts, int tid, int tgid, int fd, uint8_t kind,
		   uint64_t ino, uint32_t dev, const char *path, size_t plen)
{
	struct rec_fd *r = rec_begin(&eb->io_rec, REC_FD, ts, tid, tgid, sizeof(*r));

	r->fd = fd;
	r->kind = kind;
	r->why = FDW_NEW;
	r->ino = ino;
	r->dev = dev;
	r->path_len = (uint16_t)plen;
	rec_blob(&eb->io_rec, path, plen);
	io_put(eb);
}

/* A IOACCT_OPEN as the tracer would have sent it: the new fd (REC_FD), then
 * the call (REC_SYSCALL, with the path it was given when it failed). */
static void open_records(struct ebpf *eb, const struct ioacct_open *e, size_t size)
{
	const char *path = (const char *)(e + 1);
	size_t plen = e->path_len <= size - sizeof(*e) ? e->path_len : size - sizeof(*e);
	uint8_t kind = e->fd_kind < FDK_MAX ? (uint8_t)e->fd_kind : FDK_UNKNOWN;
	char special[64];
	struct rec_syscall *s;

	if (e->call.ret >= 0) {
		if (plen == 1 && path[0] == '/' && kind >= FDK_PIPE && kind <= FDK_SOCK) {
			/* a pipe or socket reopened through /proc: named as /proc names it */
			plen = (size_t)snprintf(special, sizeof(special), "%s:[%llu]",
						kind == FDK_PIPE ? "pipe" : "socket",
						(unsigned long long)e->ino);
			path = special;
		}
		new_fd(eb, e->call.ts, e->call.tid, e->call.tgid, (int)e->call.ret, kind, e->ino,
		       e->dev, path, plen);
	}
	s = syscall_record(&eb->io_rec, &e->call);
	if (e->call.ret < 0) {
		s->path_len = (uint16_t)plen;
		rec_blob(&eb->io_rec, path, plen);
	}
	io_put(eb);
}

/* A IOACCT_PIPE as the tracer would have sent it: on success the two fds
 * (REC_FD, named as /proc names a pipe), then the call (REC_SYSCALL). */
static void pipe_records(struct ebpf *eb, const struct ioacct_pipe *e)
{
	char name[64];

	for (int i = 0; i < 2 && e->call.ret == 0; i++)
		new_fd(eb, e->call.ts, e->call.tid, e->call.tgid, e->fds[i], FDK_PIPE, e->ino[i], 0, name,
		       (size_t)snprintf(name, sizeof(name), "pipe:[%llu]",
					(unsigned long long)e->ino[i]));
	syscall_record(&eb->io_rec, &e->call);
	io_put(eb);
}

/* Ring-buffer callback of the I/O ring: one sample, as records, to the drain's sink. */
static int on_io_sample(void *ctx, void *data, size_t size)
{
	struct ebpf *eb = ctx;
	__u32 kind;

	if (size < sizeof(kind) || !eb->io_put)
		return 0;
	memcpy(&kind, data, sizeof(kind));
	if (kind == IOACCT_COUNT && size >= sizeof(struct ioacct_count)) {
		if (!io_record(eb, data))
			return 0;
	} else if (kind == IOACCT_CALL && size >= sizeof(struct ioacct_call))
		syscall_record(&eb->io_rec, data);
	else if (kind == IOACCT_OPEN && size >= sizeof(struct ioacct_open))
		return open_records(eb, data, size), 0;
	else if (kind == IOACCT_PIPE && size >= sizeof(struct ioacct_pipe))
		return pipe_records(eb, data), 0;
	else
		return 0;
	io_put(eb);
	return 0;
}

/* Watch the I/O ring's fill: its positions mapped read-only, and an
 * edge-triggered epoll the kernel's high-water wake-ups reach (the tracer
 * thread consumes it; the reader only looks). */
static int io_watch(struct ebpf *eb, int map_fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, 2 * (size_t)page, PROT_READ, MAP_SHARED, map_fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	eb->io_pos = p;
	eb->io_pos_len = 2 * (size_t)page;
	eb->io_wake_fd = epoll_create1(EPOLL_CLOEXEC);
	if (eb->io_wake_fd < 0 || epoll_ctl(eb->io_wake_fd, EPOLL_CTL_ADD, map_fd, &ev) < 0)
		return -errno;
	return 0;
}

/* Bytes in the I/O ring the tracer thread has not consumed yet.  The
 * consumer's position is read first: it never passes the producer's, so
 * the producer's, read after, is never behind it. */
static uint64_t io_ring_used(const struct ebpf *eb)
{
	const uint64_t *cons = eb->io_pos;
	const uint64_t *prod = (const uint64_t *)((const char *)eb->io_pos + eb->io_pos_len / 2);
	uint64_t c;

	if (!eb->io_pos)
		return 0;
	c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	return __atomic_load_n(prod, __ATOMIC_ACQUIRE) - c;
}

/* Forget ioacct's object, if loaded. */
static void io_unload(struct ebpf *eb)
{
	if (eb->io_wake_fd >= 0)
		close(eb->io_wake_fd);
	eb->io_wake_fd = -1;
	if (eb->io_pos)
		munmap(eb->io_pos, eb->io_pos_len);
	eb->io_pos = NULL;
	ring_buffer__free(eb->io_rb);
	eb->io_rb = NULL;
	free(eb->io_seen);
	eb->io_seen = NULL;
	ioacct_bpf__destroy(eb->io_skel);
	eb->io_skel = NULL;
}

/* Open, share latency's maps, load and attach ioacct.bpf.c (one flavour). */
static int load_io(struct ebpf *eb, const struct ebpf_opts *o, const struct tp_shape *s,
		   const char *btf_path, bool raw)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = o->btf_path ? btf_path : NULL);
	struct ioacct_bpf *io = ioacct_bpf__open_opts(&oo);
	int err;

	if (!io)
		return -errno;
	eb->io_skel = io;
	io->rodata->exit_has_group_dead = s->group_dead;
	choose_programs(io->obj, raw, &(struct tp_shape){ .block = true });
	err = use_shared(eb, io->maps.tasks, io->maps.drops);
	if (!err)
		err = ioacct_bpf__load(io);
	if (!err)
		err = ioacct_bpf__attach(io);
	if (!err) {
		eb->io_rb = ring_buffer__new(bpf_map__fd(io->maps.ioevents), on_io_sample, eb, NULL);
		err = eb->io_rb ? io_watch(eb, bpf_map__fd(io->maps.ioevents)) : -errno;
		eb->io_seen = xcalloc(IOACCT_MAX_FDS, sizeof(*eb->io_seen));
	}
	if (err)
		io_unload(eb);
	return err;
}

/* ioacct's load, run beside latency's: most of either is parsing the
 * kernel's BTF and verifying, and each has a CPU to itself at start-up. */
struct io_job {
	struct ebpf *eb;
	const struct ebpf_opts *o;
	const struct tp_shape *s;
	const char *btf_path;
	bool raw;
	int err;
};

static void *io_job_main(void *arg)
{
	struct io_job *j = arg;

	j->err = load_io(j->eb, j->o, j->s, j->btf_path, j->raw);
	return NULL;
}

/* Load latency (tp_btf, else raw_tp) and, with o->io, ioacct beside it in
 * a thread, in the flavour latency ends with.  The maps they share are made
 * first, from latency's definitions, so neither waits for the other. */
static int load_all(struct ebpf *eb, const struct ebpf_opts *o, const struct tp_shape *s,
		    const char *path)
{
	struct io_job job = { eb, o, s, path, o->force_raw_tp, 0 };
	bool threaded = false;
	pthread_t th;
	int err;

	if (!(eb->skel = open_latency(o, s, path)))
		return -errno;
	if (o->io) {
		eb->tasks_fd = create_like(eb->skel->maps.tasks);
		eb->drops_fd = create_like(eb->skel->maps.drops);
		err = eb->tasks_fd < 0 ? eb->tasks_fd : eb->drops_fd < 0 ? eb->drops_fd : 0;
		if (err)
			goto out;
		threaded = pthread_create(&th, NULL, io_job_main, &job) == 0;
	}
	err = load(eb, o, s, path, o->force_raw_tp);
	if (err && err != -EPERM && !o->force_raw_tp)
		err = load(eb, o, s, path, true);
	if (!o->io)
		return err;
	if (threaded)
		pthread_join(th, NULL);
	else
		job.err = load_io(eb, o, s, path, job.raw);
	if (!err && job.raw != eb->raw_tp) {
		/* latency fell back to raw_tp after ioacct tried tp_btf: match it */
		io_unload(eb);
		job.err = load_io(eb, o, s, path, eb->raw_tp);
	}
	eb->io_err = job.err;   /* latency works without it */
out:
	if (eb->tasks_fd >= 0)
		close(eb->tasks_fd);   /* the objects hold their own */
	if (eb->drops_fd >= 0)
		close(eb->drops_fd);
	eb->tasks_fd = eb->drops_fd = -1;
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

/* Put a task in the kernel's set (flags: enum task_flag). */
static int add_task(struct ebpf *eb, pid_t tid, pid_t tgid, uint32_t flags)
{
	struct task_entry t = { .tgid = (__u32)tgid, .flags = flags };
	__u32 key = (__u32)tid;

	if (bpf_map__update_elem(eb->skel->maps.tasks, &key, sizeof(key), &t, sizeof(t), BPF_ANY) < 0)
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
	static const struct lat_proc_hist zero;
	__u32 key = (__u32)pid;
	int err = add_threads(eb, pid, TASK_F_TRACED);

	if (err)
		return err;
	if (bpf_map__update_elem(eb->skel->maps.hists, &key, sizeof(key), &zero, sizeof(zero),
				 BPF_NOEXIST) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int ebpf_open(struct ebpf **out, const struct ebpf_opts *o, struct evq *q,
	      char *why, size_t whylen)
{
	const char *path = o->btf_path ? o->btf_path : BTF_DEFAULT;
	struct tp_shape shape = { 0 };
	struct ebpf *eb;
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
	eb = xcalloc(1, sizeof(*eb));
	eb->q = q;
	eb->stop_fd = -1;
	eb->io_wake_fd = -1;
	eb->tasks_fd = eb->drops_fd = -1;
	eb->freezer = o->freezer;
	err = load_all(eb, o, &shape, path);
	if (err) {
		explain(err, why, whylen);
		goto fail;
	}
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

/* Send the record in eb->rec; false once the consumer has shut the queue. */
static bool send_rec(struct ebpf *eb)
{
	size_t len = rec_finish(&eb->rec);

	if (eb->closed || !evq_put(eb->q, eb->rec.buf, len)) {
		eb->closed = true;
		return false;
	}
	atomic_fetch_add(&eb->records, 1);
	return true;
}

/* REC_HIST for one process's histogram (nothing when empty). */
static void send_hist(struct ebpf *eb, uint64_t ts, int pid, uint32_t kind,
		      const __u64 *slots)
{
	struct rec_hist *h;
	uint64_t any = 0;

	for (int i = 0; i < LAT_SLOTS; i++)
		any |= slots[i];
	if (!any)
		return;
	h = rec_begin(&eb->rec, REC_HIST, ts, pid, pid, sizeof(*h));
	h->kind = kind == LAT_HIST_SCHED ? HIST_SCHED : HIST_BLOCK;
	h->pid = pid;
	h->nslots = LAT_SLOTS;
	rec_blob(&eb->rec, slots, LAT_SLOTS * sizeof(uint64_t));
	send_rec(eb);
}

/* REC_SCHED or REC_BLOCK from a sample. */
static void send_event(struct ebpf *eb, const struct lat_event *e)
{
	if (e->kind == LAT_SCHED) {
		struct rec_sched *s = rec_begin(&eb->rec, REC_SCHED, e->ts, e->tid, e->tgid, sizeof(*s));
		s->delay_ns = e->lat_ns;
		s->cpu = (int32_t)e->aux;
		s->reason = e->reason;
	} else {
		struct rec_block *b = rec_begin(&eb->rec, REC_BLOCK, e->ts, e->tid, e->tgid, sizeof(*b));
		b->lat_ns = e->lat_ns;
		b->bytes = e->bytes;
		b->sector = e->sector;
		b->dev = e->aux;
		b->write = e->reason;
	}
	send_rec(eb);
}

/* Ring-buffer callback: one sample. */
static int on_sample(void *ctx, void *data, size_t size)
{
	struct ebpf *eb = ctx;
	__u32 kind;

	if (size < sizeof(kind))
		return 0;
	memcpy(&kind, data, sizeof(kind));
	if ((kind == LAT_SCHED || kind == LAT_BLOCK) && size >= sizeof(struct lat_event)) {
		send_event(eb, data);
	} else if (kind == LAT_HIST && size >= sizeof(struct lat_hist)) {
		const struct lat_hist *h = data;
		send_hist(eb, h->ts, h->pid, h->hist, h->slots);
	}
	return eb->closed ? -ECANCELED : 0;
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
		if (bpf_map__lookup_elem(eb->skel->maps.drops, &k, sizeof(k), v,
					 (size_t)ncpu * sizeof(*v), 0) < 0)
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

/* At the end: histograms of the traced processes still alive. */
static void send_live_hists(struct ebpf *eb)
{
	const struct bpf_map *m = eb->skel->maps.hists;
	struct lat_proc_hist h;
	__u32 key, next;
	void *prev = NULL;
	uint64_t now = util_now_ns();

	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(m, &key, sizeof(key), &h, sizeof(h), 0) < 0)
			continue;
		send_hist(eb, now, (int)key, LAT_HIST_SCHED, h.sched);
		send_hist(eb, now, (int)key, LAT_HIST_BLOCK, h.block);
	}
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
 * was, or that it could not be when records were dropped. */
static void send_held_note(struct ebpf *eb)
{
	struct freezer_stats st;
	char text[200], d[24];

	if (!eb->freezer) {
		if (eb->lost_sent)
			note(eb, "records were dropped: compendium-tui could not hold the program back "
			     "while it caught up (that needs a cgroup2 mount and a command it starts "
			     "itself, not --pid)");
		return;
	}
	freezer_read_stats(eb->freezer, &st);
	if (!st.freezes)
		return;
	snprintf(text, sizeof(text), "the program was held back %llu time%s, %s in all, while "
		 "compendium-tui caught up with the kernel's records (nothing was dropped for it)",
		 (unsigned long long)st.freezes, st.freezes == 1 ? "" : "s",
		 fmt_duration(st.frozen_ns, d));
	note(eb, text);
}

/* Wait for samples, the I/O ring's high water or the stop request; true
 * when stop was asked. */
static bool wait_samples(struct ebpf *eb)
{
	struct pollfd p[3] = { { ring_buffer__epoll_fd(eb->rb), POLLIN, 0 },
			       { eb->stop_fd, POLLIN, 0 }, { eb->io_wake_fd, POLLIN, 0 } };
	struct epoll_event ev;

	poll(p, eb->io_wake_fd >= 0 ? 3 : 2, LAT_READ_MS);
	if (p[2].revents & POLLIN)
		epoll_wait(eb->io_wake_fd, &ev, 1, 0);   /* take the edge */
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
 * high water (until a quarter: the tracer thread empties it). */
static void throttle(struct ebpf *eb, bool stop)
{
	size_t used = evq_used(eb->q), cap = evq_capacity(eb->q);
	uint64_t ring = io_ring_used(eb);

	if (!eb->freezer)
		return;
	hold(eb, FREEZER_EBPF_QUEUE, &eb->holding_q,
	     !stop && (eb->holding_q ? used > cap / 4 : used >= cap / 2));
	hold(eb, FREEZER_IO_RING, &eb->holding_ring,
	     !stop && (eb->holding_ring ? ring > IOACCT_RINGBUF_BYTES / 4 : ring >= IOACCT_HIGH_WATER));
}

/* The thread: samples to records until asked to stop, then the final ones. */
static void *reader_main(void *arg)
{
	struct ebpf *eb = arg;
	bool stop = false;

	while (!stop && !eb->closed) {
		stop = wait_samples(eb);
		throttle(eb, false);
		ring_buffer__consume(eb->rb);
		send_lost(eb);
		evq_flush(eb->q);
		throttle(eb, stop);
	}
	throttle(eb, true);
	ring_buffer__consume(eb->rb);
	send_live_hists(eb);
	send_lost(eb);
	send_held_note(eb);
	evq_close(eb->q);
	return NULL;
}

int ebpf_start(struct ebpf *eb)
{
	sigset_t all, old;
	int err;

	eb->rb = ring_buffer__new(bpf_map__fd(eb->skel->maps.events), on_sample, eb, NULL);
	if (!eb->rb)
		return -errno;
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

/* Entries of a map with a 4-byte key (those of the tasks map: only traced ones). */
static size_t count_entries(const struct bpf_map *m, bool traced_only)
{
	struct task_entry t;
	__u32 key, next;
	void *prev = NULL;
	size_t n = 0;

	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (!traced_only)
			n++;
		else if (bpf_map__lookup_elem(m, &key, sizeof(key), &t, sizeof(t), 0) == 0 &&
			 (t.flags & TASK_F_TRACED))
			n++;
	}
	return n;
}

/* Entries of the fdio map. */
static size_t count_fd_entries(const struct bpf_map *m)
{
	struct ioacct_fd_key key, next;
	void *prev = NULL;
	size_t n = 0;

	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
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
	st->raw_tp = eb->raw_tp;
	st->traced_tasks = count_entries(eb->skel->maps.tasks, true);
	st->hist_procs = count_entries(eb->skel->maps.hists, false);
	st->waiting_tasks = count_entries(eb->skel->maps.stamps, false);
	if (eb->io_skel)
		st->io_fds = count_fd_entries(eb->io_skel->maps.fdio);
}

int ebpf_io_error(const struct ebpf *eb)
{
	return eb->io_skel ? 0 : eb->io_err ? eb->io_err : -ENOENT;
}

/* Have the kernel send every I/O counter that grew, if IOACCT_SWEEP_MS passed. */
static void io_sweep(struct ebpf *eb)
{
	LIBBPF_OPTS(bpf_test_run_opts, run);
	uint64_t now = util_now_ns();

	/* (a tenth early still counts: the tracer looks on a coarser tick) */
	if (now - eb->swept_at < IOACCT_SWEEP_MS * 900000ull)
		return;
	eb->swept_at = now;
	bpf_prog_test_run_opts(bpf_program__fd(eb->io_skel->progs.io_sweep), &run);
}

void ebpf_io_drain(void *ctx, rec_put_fn *put, void *put_ctx)
{
	struct ebpf *eb = ctx;

	if (!eb->io_rb)
		return;
	io_sweep(eb);
	eb->io_put = put;
	eb->io_ctx = put_ctx;
	ring_buffer__consume(eb->io_rb);
	eb->io_put = NULL;
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
	ring_buffer__free(eb->rb);
	io_unload(eb);
	latency_bpf__destroy(eb->skel);
	if (eb->stop_fd >= 0)
		close(eb->stop_fd);
	free(eb);
}
