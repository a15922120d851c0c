/*
 * check_model.c - Check suite for src/model.c.
 *
 * Each test builds the records a producer would send (with rec_begin,
 * rec_blob and rec_finish, in the order src/tracer.c emits them: a REC_FD
 * describing a new or updated fd comes right before the REC_SYSCALL that
 * made it), checks them with rec_validate, feeds them to model_ingest and
 * then asserts what the model concluded: per-file totals and modes, network
 * connections, I/O totals by class, processes and their exit statuses, heap
 * and mmap totals, live tasks, and the events an observer received.
 * Covered: file reads and writes, dup/dup2/dup3/fcntl dups, fork copies and
 * CLONE_FILES sharing of fd tables, close and close_range (plain, unshare,
 * cloexec), close-on-exec through REC_FDSET, unknown and inherited fds,
 * connect (ok, in progress, refused, dissolved) and accept, pipes, unix
 * sockets and character devices, sendfile/copy_file_range/splice/tee,
 * sendmmsg/recvmmsg, deletes and renames (failed ones too), brk and mmap
 * accounting, exec from a non-leader thread, exits and signals, records
 * for tasks never seen, the kernel's records (scheduler waits, block
 * requests, fd counts, histograms, calls)
 * that come after their task's exit or before its fork record, which must
 * join that task and never make a process of their own, pid reuse, and a
 * random record stream that must never crash the model.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "evdesc.h"
#include "jsonl.h"
#include "lines.h"
#include "model.h"
#include "record.h"
#include "strbuf.h"
#include "unit.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
		      CLONE_SYSVSEM)
#define T0 1000000000ull   /* timestamp of REC_START */

/* ---- feeding records ---- */

static struct model *m;
static uint64_t now;
static int tgids[65536];   /* tid -> tgid, 0 when the tid is its own tgid */

/* The thread group of tid as the tests set it up. */
static int tgid_of(int tid)
{
	return tid > 0 && tid < (int)ARRAY_LEN(tgids) && tgids[tid] ? tgids[tid] : tid;
}

/* Begin a record for tid at the next timestamp. */
static void *begin(enum rec_type type, int tid, size_t fixed)
{
	now += 1000;
	return unit_begin(type, now, tid, tgid_of(tid), fixed);
}

/* Append a NULL-terminated argv as a NUL-separated blob; returns its length. */
static uint32_t argv_blob(const char *const *argv)
{
	uint32_t n = 0;

	for (; argv && *argv; argv++)
		n += (uint32_t)rec_blob(&unit_rb, *argv, strlen(*argv) + 1);
	return n;
}

/* REC_START: pid was spawned with argv. */
static void start_argv(int pid, const char *const *argv)
{
	struct rec_start *s;

	now = T0 - 1000;
	s = begin(REC_START, pid, sizeof(*s));
	s->pid = pid;
	s->tracer_pid = 1;
	s->mode = START_SPAWN;
	s->realtime_ns = 42;
	s->argv_len = argv_blob(argv);
	unit_feed(m);
}

/* REC_START for pid running "prog". */
static void start(int pid)
{
	static const char *const argv[] = { "prog", NULL };

	start_argv(pid, argv);
}

/* REC_NEWTASK: parent made child with clone flags. */
static void newtask(int parent, int child, uint64_t flags)
{
	struct rec_newtask *r = begin(REC_NEWTASK, parent, sizeof(*r));

	r->child = child;
	r->flags = flags;
	r->kind = (flags & CLONE_VFORK) ? NT_VFORK : flags == SIGCHLD ? NT_FORK : NT_CLONE;
	if (child > 0 && child < (int)ARRAY_LEN(tgids))
		tgids[child] = (flags & CLONE_THREAD) ? tgid_of(parent) : 0;
	unit_feed(m);
}

/* REC_EXEC: old_tid exec'd exe with argv and is now tid. */
static void exec_as(int tid, int old_tid, const char *exe, const char *const *argv)
{
	struct rec_exec *r = begin(REC_EXEC, tid, sizeof(*r));

	r->old_tid = old_tid;
	r->exe_len = (uint16_t)rec_blob(&unit_rb, exe, strlen(exe));
	r->argv_len = argv_blob(argv);
	unit_feed(m);
}

/* REC_EXEC of tid itself. */
static void exec_prog(int tid, const char *exe, const char *const *argv)
{
	exec_as(tid, tid, exe, argv);
}

/* A socket address blob. */
struct addr {
	unsigned char b[sizeof(struct sockaddr_storage)];
	size_t len;
};

/* An AF_INET address. */
static struct addr in4(const char *ip, unsigned port)
{
	struct addr a = { .len = sizeof(struct sockaddr_in) };
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	ck_assert_int_eq(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	memcpy(a.b, &sin, sizeof(sin));
	return a;
}

/* An AF_INET6 address. */
static struct addr in6(const char *ip, unsigned port)
{
	struct addr a = { .len = sizeof(struct sockaddr_in6) };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };

	ck_assert_int_eq(inet_pton(AF_INET6, ip, &sin6.sin6_addr), 1);
	memcpy(a.b, &sin6, sizeof(sin6));
	return a;
}

/* An AF_UNSPEC address (connect to dissolve a datagram association). */
static struct addr unspec(void)
{
	struct addr a = { .len = sizeof(sa_family_t) };

	return a;
}

/* REC_FD: what fd of tid refers to. */
static void fd_rec(int tid, int fd, int kind, int why, const char *path,
		   const struct addr *laddr, const struct addr *raddr, uint32_t flags)
{
	struct rec_fd *r = begin(REC_FD, tid, sizeof(*r));

	r->fd = fd;
	r->kind = (uint8_t)kind;
	r->why = (uint8_t)why;
	r->flags = flags;
	r->path_len = (uint16_t)rec_blob(&unit_rb, path, strlen(path));
	r->laddr_len = laddr ? (uint16_t)rec_blob(&unit_rb, laddr->b, laddr->len) : 0;
	r->raddr_len = raddr ? (uint16_t)rec_blob(&unit_rb, raddr->b, raddr->len) : 0;
	unit_feed(m);
}

/* REC_SYSCALL with an optional address blob, failed-open path and aux. */
static void sys_full(int tid, int nr, int64_t ret, const uint64_t *args,
		     const struct addr *addr, const char *path, uint64_t aux)
{
	struct rec_syscall *s = begin(REC_SYSCALL, tid, sizeof(*s));

	s->nr = nr;
	s->orig_nr = nr;
	s->arch = ARCH_X86_64;
	s->ret = ret;
	memcpy(s->args, args, sizeof(s->args));
	s->entry_ts = now - 500;
	s->aux = aux;
	s->addr_len = addr ? (uint16_t)rec_blob(&unit_rb, addr->b, addr->len) : 0;
	s->path_len = path ? (uint16_t)rec_blob(&unit_rb, path, strlen(path)) : 0;
	unit_feed(m);
}

/* A finished syscall naming files as the tracer sends a deleted or renamed
 * name: path, and a rename's new path after a NUL. */
static void sys_paths(int tid, int nr, int64_t ret, const uint64_t *args, const char *path,
		      const char *path2)
{
	struct rec_syscall *s = begin(REC_SYSCALL, tid, sizeof(*s));

	s->nr = nr;
	s->orig_nr = nr;
	s->arch = ARCH_X86_64;
	s->ret = ret;
	memcpy(s->args, args, sizeof(s->args));
	s->entry_ts = now - 500;
	s->path_len = (uint16_t)rec_blob(&unit_rb, path, strlen(path) + (path2 != NULL));
	if (path2)
		s->path_len += (uint16_t)rec_blob(&unit_rb, path2, strlen(path2));
	unit_feed(m);
}

/* A finished syscall: sys(tid, nr, ret, args...) with up to 6 args. */
#define sys(tid, nr, ret, ...) \
	sys_full((tid), (nr), (ret), (const uint64_t[6]){ __VA_ARGS__ }, NULL, NULL, 0)
/* A finished syscall carrying a socket address. */
#define sys_addr(tid, nr, ret, addr, ...) \
	sys_full((tid), (nr), (ret), (const uint64_t[6]){ __VA_ARGS__ }, (addr), NULL, 0)
/* A finished syscall carrying aux (sendmmsg/recvmmsg bytes, openat2 flags). */
#define sys_aux(tid, nr, ret, aux, ...) \
	sys_full((tid), (nr), (ret), (const uint64_t[6]){ __VA_ARGS__ }, NULL, NULL, (aux))

/* A negative errno as a raw syscall result. */
#define ERR(e) (-(int64_t)(e))

/* REC_FDSET: exactly these fds of tid are open; an odd count is padded
 * with -1 to the record alignment, as the tracer does. */
static void fdset(int tid, const int32_t *fds, size_t n)
{
	static const int32_t pad = -1;

	begin(REC_FDSET, tid, 0);
	rec_blob(&unit_rb, fds, n * sizeof(*fds));
	if (n % 2)
		rec_blob(&unit_rb, &pad, sizeof(pad));
	unit_feed(m);
}

/* REC_EXIT of tid with a wait status. */
static void exit_task(int tid, int status, bool leader)
{
	struct rec_exit *r = begin(REC_EXIT, tid, sizeof(*r));

	r->status = status;
	r->leader = leader;
	unit_feed(m);
}

/* REC_SIGNAL delivered to tid. */
static void signal_rec(int tid, int sig)
{
	struct rec_signal *r = begin(REC_SIGNAL, tid, sizeof(*r));

	r->sig = sig;
	unit_feed(m);
}

/* open(2) of a regular file as the tracer reports it: REC_FD then openat. */
static void open_file(int tid, int fd, const char *path, int flags)
{
	fd_rec(tid, fd, FDK_FILE, FDW_NEW, path, NULL, NULL, 0);
	sys(tid, SYS_openat, fd, (uint64_t)AT_FDCWD, 0x1000, (uint64_t)flags, 0);
}

/* A regular file at fd named path with its device and inode, then openat. */
static void open_inode(int tid, int fd, const char *path, uint32_t dev, uint64_t ino, int flags)
{
	struct rec_fd *r = begin(REC_FD, tid, sizeof(*r));

	r->fd = fd;
	r->kind = FDK_FILE;
	r->why = FDW_NEW;
	r->dev = dev;
	r->ino = ino;
	r->path_len = (uint16_t)rec_blob(&unit_rb, path, strlen(path));
	unit_feed(m);
	sys(tid, SYS_openat, fd, (uint64_t)AT_FDCWD, 0x1000, (uint64_t)flags, 0);
}

/* read(2)/write(2) of n bytes on fd. */
static void rd(int tid, int fd, int64_t n)
{
	sys(tid, SYS_read, n, (uint64_t)fd, 0x2000, (uint64_t)n);
}

static void wr(int tid, int fd, int64_t n)
{
	sys(tid, SYS_write, n, (uint64_t)fd, 0x2000, (uint64_t)n);
}

/* A tcp4 socket at fd: socket() then its REC_FD. */
static void tcp4_socket(int tid, int fd, const char *path)
{
	fd_rec(tid, fd, FDK_TCP4, FDW_NEW, path, NULL, NULL, 0);
	sys(tid, SYS_socket, fd, AF_INET, SOCK_STREAM, 0);
}

/* ---- what the model concluded ---- */

/* The per-file totals of path, or NULL. */
static const struct fileagg *file(const char *path)
{
	size_t n;
	struct fileagg *const *f = model_files(m, &n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i]->path, path) == 0)
			return f[i];
	return NULL;
}

/* Number of files the model knows. */
static size_t nfiles(void)
{
	size_t n;

	model_files(m, &n);
	return n;
}

/* The newest process with pid, or NULL. */
static const struct proc *proc(int pid)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);

	for (size_t i = n; i-- > 0;)
		if (p[i]->pid == pid)
			return p[i];
	return NULL;
}

static size_t nprocs(void)
{
	size_t n;

	model_procs(m, &n);
	return n;
}

/* Connection i, asserting there are exactly n. */
static const struct conn *conn(size_t i, size_t want)
{
	size_t n;
	struct conn *const *c = model_conns(m, &n);

	ck_assert_uint_eq(n, want);
	return i < n ? c[i] : NULL;
}

/* ---- an observer that keeps copies of events ---- */

struct seen {
	enum ev_type type;
	int pid, tid, nr, fd, fd2, child, status, obj_kind;
	bool thread, has_obj, has_obj2;
	int64_t ret;
	uint64_t bytes, addr, flags, dur;
	uint32_t calls;
	const struct conn *conn;
	const struct proc *proc;
	char path[128], path2[128], addr_text[128], obj_path[128];
	int stack_frames;        /* frames of its stack, -1: none */
	uint64_t stack_addr;     /* its first frame's address */
};

static struct seen evs[8192];
static size_t nev;

/* Keep a copy of ev (its pointers die after the callback). */
static void observe(void *ctx, const struct event *ev)
{
	struct seen *s;

	ck_assert_ptr_eq(ctx, &evs);
	ck_assert_uint_lt(nev, ARRAY_LEN(evs));
	s = &evs[nev++];
	memset(s, 0, sizeof(*s));
	s->type = ev->type;
	s->stack_frames = ev->stack ? ev->stack->nframes : -1;
	if (ev->stack && ev->stack->nframes)
		s->stack_addr = ((const struct rec_frame *)(ev->stack + 1))->addr;
	s->pid = ev->pid;
	s->tid = ev->tid;
	s->nr = ev->nr;
	s->fd = ev->fd;
	s->fd2 = ev->fd2;
	s->child = ev->child;
	s->status = ev->status;
	s->thread = ev->thread;
	s->ret = ev->ret;
	s->bytes = ev->bytes;
	s->addr = ev->addr;
	s->flags = ev->flags;
	s->dur = ev->dur;
	s->calls = ev->calls;
	s->conn = ev->conn;
	s->proc = ev->proc;
	s->has_obj = ev->obj != NULL;
	s->has_obj2 = ev->obj2 != NULL;
	if (ev->obj) {
		s->obj_kind = ev->obj->kind;
		snprintf(s->obj_path, sizeof(s->obj_path), "%s", ev->obj->path);
	}
	if (ev->path)
		snprintf(s->path, sizeof(s->path), "%s", ev->path);
	if (ev->path2)
		snprintf(s->path2, sizeof(s->path2), "%s", ev->path2);
	if (ev->addr_text)
		snprintf(s->addr_text, sizeof(s->addr_text), "%s", ev->addr_text);
}

/* The nth (from 0) event of type, or NULL. */
static const struct seen *ev_nth(enum ev_type type, size_t nth)
{
	for (size_t i = 0; i < nev; i++)
		if (evs[i].type == type && nth-- == 0)
			return &evs[i];
	return NULL;
}

/* The only event of type (asserting there is exactly one). */
static const struct seen *ev_one(enum ev_type type)
{
	ck_assert_ptr_nonnull(ev_nth(type, 0));
	ck_assert_ptr_null(ev_nth(type, 1));
	return ev_nth(type, 0);
}

/* How many events of type. */
static size_t ev_count(enum ev_type type)
{
	size_t n = 0;

	for (size_t i = 0; i < nev; i++)
		n += evs[i].type == type;
	return n;
}

static void setup(void)
{
	m = model_new();
	nev = 0;
	now = 0;
	memset(tgids, 0, sizeof(tgids));
	model_set_observer(m, observe, &evs);
}

static void teardown(void)
{
	model_free(m);
	m = NULL;
}

/* ---- files ---- */

START_TEST(open_then_read_counts_file_bytes)
{
	const struct fileagg *f;
	const struct seen *e;

	start(100);
	open_file(100, 3, "/etc/hosts", O_RDONLY | O_CLOEXEC);
	rd(100, 3, 100);
	rd(100, 3, 28);
	rd(100, 3, 0);
	f = file("/etc/hosts");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(nfiles(), 1);
	ck_assert_uint_eq(f->rd, 128);
	ck_assert_uint_eq(f->wr, 0);
	ck_assert_uint_eq(f->mode, FM_READ);
	ck_assert_uint_eq(f->opens, 1);
	ck_assert_uint_eq(model_io(m)->file_rd, 128);
	ck_assert_uint_eq(model_io(m)->file_wr, 0);
	e = ev_one(EV_OPEN);
	ck_assert_int_eq(e->fd, 3);
	ck_assert_int_eq(e->ret, 3);
	ck_assert_int_eq(e->nr, SYS_openat);
	ck_assert_str_eq(e->path, "/etc/hosts");
	ck_assert_uint_eq(e->flags, (uint64_t)(O_RDONLY | O_CLOEXEC));
	ck_assert_int_eq(e->pid, 100);
	ck_assert_uint_eq(ev_count(EV_READ), 3);
	e = ev_nth(EV_READ, 1);
	ck_assert_uint_eq(e->bytes, 28);
	ck_assert_int_eq(e->fd, 3);
	ck_assert(e->has_obj);
	ck_assert_str_eq(e->obj_path, "/etc/hosts");
	ck_assert_uint_eq(model_events(m), nev);
}
END_TEST

/* REC_STACK of tid for call nr: two frames in no module, the first at addr. */
static void stack_rec(int tid, int nr, uint64_t addr, uint16_t flags)
{
	struct rec_stack *st = begin(REC_STACK, tid, sizeof(*st));
	struct rec_frame f[2] = { { .addr = addr, .mod = REC_STACK_NO_MOD },
				  { .addr = addr + 64, .mod = REC_STACK_NO_MOD } };

	st->nframes = 2;
	st->flags = flags;
	st->nr = (uint16_t)nr;
	rec_blob(&unit_rb, f, sizeof(f));
	unit_feed(m);
}

START_TEST(a_stack_goes_with_the_next_call_of_its_thread_only)
{
	start(100);
	newtask(100, 101, THREAD_FLAGS);
	stack_rec(100, SYS_openat, 0x1234, 0);
	open_file(101, 3, "/a", O_RDONLY);
	open_file(100, 4, "/b", O_RDONLY);
	rd(100, 4, 10);
	stack_rec(100, SYS_execve, 0x5678, STACK_F_ENTRY);   /* an exec's: not an open's */
	open_file(100, 5, "/c", O_RDONLY);
	stack_rec(100, SYS_openat, 0x9abc, 0);   /* its call's record lost: not the read's */
	rd(100, 5, 10);
	ck_assert_int_eq(ev_nth(EV_OPEN, 0)->stack_frames, -1);
	ck_assert_int_eq(ev_nth(EV_OPEN, 1)->stack_frames, 2);
	ck_assert_uint_eq(ev_nth(EV_OPEN, 1)->stack_addr, 0x1234);
	ck_assert_int_eq(ev_nth(EV_READ, 0)->stack_frames, -1);
	ck_assert_int_eq(ev_nth(EV_OPEN, 2)->stack_frames, -1);
	ck_assert_int_eq(ev_nth(EV_READ, 1)->stack_frames, -1);
}
END_TEST

/* REC_IO: what the kernel counted on fd of process pid (--ebpf). */
static void io_rec(int pid, int fd, int kind, uint64_t rd_bytes, uint32_t rd_calls,
		   uint64_t wr_bytes, uint32_t wr_calls)
{
	struct rec_io *r = begin(REC_IO, pid, sizeof(*r));

	r->fd = fd;
	r->kind = (uint8_t)kind;
	r->rd = rd_bytes;
	r->rd_calls = rd_calls;
	r->wr = wr_bytes;
	r->wr_calls = wr_calls;
	unit_feed(m);
}

START_TEST(kernel_counts_go_to_the_fd_s_file_with_their_calls)
{
	const struct seen *e;

	start(100);
	open_file(100, 3, "/data", O_RDWR);
	io_rec(100, 3, FDK_FILE, 100, 2, 50, 1);
	io_rec(100, 3, FDK_FILE, 0, 0, 25, 3);
	ck_assert_uint_eq(file("/data")->rd, 100);
	ck_assert_uint_eq(file("/data")->wr, 75);
	ck_assert_uint_eq(file("/data")->mode, FM_READ | FM_WRITE);
	ck_assert_uint_eq(model_io(m)->file_rd, 100);
	ck_assert_uint_eq(model_io(m)->file_wr, 75);
	e = ev_one(EV_READ);
	ck_assert_uint_eq(e->bytes, 100);
	ck_assert_uint_eq(e->calls, 2);
	ck_assert_int_eq(e->fd, 3);
	ck_assert_str_eq(e->obj_path, "/data");
	ck_assert_uint_eq(ev_count(EV_WRITE), 2);   /* no event for a direction without calls */
	ck_assert_uint_eq(ev_nth(EV_WRITE, 1)->calls, 3);
}
END_TEST

START_TEST(kernel_bytes_without_a_call_still_count)
{
	/* A final REC_IO may carry bytes of a write that raced with the end of
	 * its fd, its call not yet counted: the bytes must not be lost. */
	start(100);
	open_file(100, 3, "/data", O_WRONLY);
	io_rec(100, 3, FDK_FILE, 0, 0, 9, 0);
	ck_assert_uint_eq(file("/data")->wr, 9);
	ck_assert_uint_eq(model_io(m)->file_wr, 9);
	ck_assert_uint_eq(ev_one(EV_WRITE)->bytes, 9);
	ck_assert_uint_eq(ev_count(EV_READ), 0);
}
END_TEST

START_TEST(kernel_counts_on_a_socket_are_sends_and_receives_of_its_connection)
{
	struct addr local = in4("10.0.0.1", 40000), remote = in4("10.0.0.2", 443);
	const struct conn *c;

	start(100);
	tcp4_socket(100, 5, "socket:[77]");
	fd_rec(100, 5, FDK_TCP4, FDW_UPDATE, "socket:[77]", &local, &remote, 0);
	sys_addr(100, SYS_connect, 0, &remote, 5, 0x3000, sizeof(struct sockaddr_in));
	io_rec(100, 5, FDK_TCP4, 4000, 4, 300, 1);
	c = conn(0, 1);
	ck_assert_uint_eq(c->sent, 300);
	ck_assert_uint_eq(c->received, 4000);
	ck_assert_uint_eq(ev_one(EV_RECV)->calls, 4);
	ck_assert_uint_eq(ev_one(EV_SEND)->bytes, 300);
	ck_assert_uint_eq(model_io(m)->net_recv, 4000);
}
END_TEST

START_TEST(kernel_counts_the_model_cannot_name_reach_only_the_totals)
{
	start(100);
	open_file(100, 3, "/data", O_RDONLY);
	io_rec(100, 9, FDK_PIPE, 7, 1, 0, 0);      /* an fd never described */
	io_rec(100, 3, FDK_PIPE, 11, 1, 0, 0);     /* fd 3 is a file here: lost track */
	io_rec(100, 10, FDK_FILE, 5, 1, 0, 0);     /* a file without a known path */
	io_rec(4242, 3, FDK_UNIX, 0, 0, 13, 1);    /* a process never seen */
	ck_assert_uint_eq(model_io(m)->ipc_rd, 18);
	ck_assert_uint_eq(model_io(m)->ipc_wr, 13);
	ck_assert_uint_eq(model_io(m)->file_rd, 5);
	ck_assert_uint_eq(file("/data")->rd, 0);
	ck_assert_uint_eq(nfiles(), 1);
	ck_assert_uint_eq(nprocs(), 1);
	ck_assert_uint_eq(model_live_tasks(m), 1);
	ck_assert_int_eq(ev_nth(EV_READ, 0)->has_obj, false);
	ck_assert_int_eq(ev_nth(EV_SEND, 0)->pid, 4242);
}
END_TEST

START_TEST(opening_the_same_path_twice_adds_to_one_entry)
{
	const struct fileagg *f;

	start(100);
	open_file(100, 3, "/data", O_RDONLY);
	rd(100, 3, 10);
	sys(100, SYS_close, 0, 3);
	open_file(100, 3, "/data", O_WRONLY | O_APPEND);
	wr(100, 3, 4);
	f = file("/data");
	ck_assert_uint_eq(nfiles(), 1);
	ck_assert_uint_eq(f->opens, 2);
	ck_assert_uint_eq(f->rd, 10);
	ck_assert_uint_eq(f->wr, 4);
	ck_assert_uint_eq(f->mode, FM_READ | FM_WRITE);
	ck_assert_uint_eq(ev_count(EV_CLOSE), 1);
	ck_assert_int_eq(ev_one(EV_CLOSE)->fd, 3);
}
END_TEST

START_TEST(files_with_the_same_cut_path_stay_apart_by_device_and_inode)
{
	struct fileagg *const *f;
	size_t n;

	start(100);
	open_inode(100, 3, REC_PATH_CUT "/d/secret", 8 << 20 | 1, 11, O_WRONLY);
	wr(100, 3, 4);
	open_inode(100, 4, REC_PATH_CUT "/d/secret", 8 << 20 | 1, 12, O_WRONLY);
	wr(100, 4, 8);
	open_inode(100, 5, REC_PATH_CUT "/d/secret", 8 << 20 | 2, 11, O_RDONLY);
	rd(100, 5, 1);
	open_inode(100, 6, REC_PATH_CUT "/d/secret", 8 << 20 | 1, 11, O_RDONLY);
	rd(100, 6, 2);
	open_inode(100, 7, REC_PATH_CUT, 8 << 20 | 1, 13, O_WRONLY);
	wr(100, 7, 16);
	open_inode(100, 8, REC_PATH_CUT, 8 << 20 | 1, 14, O_WRONLY);
	wr(100, 8, 32);
	f = model_files(m, &n);
	ck_assert_uint_eq(n, 5);
	for (size_t i = 0; i < 3; i++)
		ck_assert_str_eq(f[i]->path, REC_PATH_CUT "/d/secret");
	ck_assert_uint_eq(f[0]->opens, 2);
	ck_assert_uint_eq(f[0]->wr, 4);
	ck_assert_uint_eq(f[0]->rd, 2);
	ck_assert_uint_eq(f[1]->wr, 8);
	ck_assert_uint_eq(f[2]->rd, 1);
	ck_assert_str_eq(f[3]->path, REC_PATH_CUT);
	ck_assert_str_eq(f[4]->path, REC_PATH_CUT);
	ck_assert_uint_eq(f[3]->wr, 16);
	ck_assert_uint_eq(f[4]->wr, 32);
	ck_assert_uint_eq(model_io(m)->file_wr, 60);
}
END_TEST

START_TEST(a_whole_path_is_one_file_even_when_made_anew)
{
	const struct fileagg *f;

	start(100);
	open_inode(100, 3, "/data", 8 << 20 | 1, 11, O_WRONLY);
	wr(100, 3, 4);
	sys(100, SYS_close, 0, 3);
	open_inode(100, 3, "/data", 8 << 20 | 1, 12, O_WRONLY | O_TRUNC);
	wr(100, 3, 8);
	f = file("/data");
	ck_assert_uint_eq(nfiles(), 1);
	ck_assert_uint_eq(f->opens, 2);
	ck_assert_uint_eq(f->wr, 12);
}
END_TEST

START_TEST(failed_open_reports_the_path_and_opens_nothing)
{
	const struct seen *e;

	start(100);
	sys_full(100, SYS_openat, ERR(ENOENT),
		 (const uint64_t[6]){ (uint64_t)AT_FDCWD, 0x1000, O_RDONLY }, NULL, "/nope", 0);
	rd(100, 3, 5);   /* an fd that never opened */
	e = ev_one(EV_OPEN);
	ck_assert_int_eq(e->ret, ERR(ENOENT));
	ck_assert_str_eq(e->path, "/nope");
	ck_assert(!e->has_obj);
	ck_assert_uint_eq(nfiles(), 0);
	ck_assert_uint_eq(model_io(m)->file_rd, 0);
}
END_TEST

START_TEST(unlink_unlinkat_and_rmdir_delete_a_name_failed_or_not)
{
	const struct seen *e;

	start(100);
	open_file(100, 3, "/d/f", O_WRONLY);
	wr(100, 3, 5);
	sys_paths(100, SYS_unlink, 0, (const uint64_t[6]){ 0x1000 }, "/d/f", NULL);
	sys_paths(100, SYS_unlinkat, 0, (const uint64_t[6]){ 4, 0x1000, AT_REMOVEDIR }, "/d/sub",
		  NULL);
	sys_paths(100, SYS_unlinkat, ERR(EISDIR), (const uint64_t[6]){ (uint64_t)AT_FDCWD, 0x1000 },
		  "/d/sub2", NULL);
	sys_paths(100, SYS_rmdir, ERR(ENOTEMPTY), (const uint64_t[6]){ 0x1000 }, "/d", NULL);
	ck_assert_uint_eq(ev_count(EV_DELETE), 4);
	e = ev_nth(EV_DELETE, 0);
	ck_assert_str_eq(e->path, "/d/f");
	ck_assert_int_eq(e->nr, SYS_unlink);
	ck_assert_int_eq(e->ret, 0);
	ck_assert_uint_eq(e->flags, 0);
	ck_assert_uint_eq(e->dur, 500);
	ck_assert(!e->has_obj);
	e = ev_nth(EV_DELETE, 1);
	ck_assert_str_eq(e->path, "/d/sub");
	ck_assert_uint_eq(e->flags, AT_REMOVEDIR);
	e = ev_nth(EV_DELETE, 2);
	ck_assert_str_eq(e->path, "/d/sub2");
	ck_assert_int_eq(e->ret, ERR(EISDIR));
	ck_assert_uint_eq(e->flags, 0);
	e = ev_nth(EV_DELETE, 3);
	ck_assert_str_eq(e->path, "/d");
	ck_assert_int_eq(e->ret, ERR(ENOTEMPTY));
	ck_assert_uint_eq(e->flags, AT_REMOVEDIR);
	/* the file's totals stay, under the name it had */
	ck_assert_uint_eq(file("/d/f")->wr, 5);
	ck_assert_uint_eq(ev_count(EV_RENAME), 0);
}
END_TEST

START_TEST(rename_renameat_and_renameat2_name_both_paths)
{
	const struct seen *e;

	start(100);
	sys_paths(100, SYS_rename, 0, (const uint64_t[6]){ 0x1000, 0x2000 }, "/d/a", "/d/b");
	sys_paths(100, SYS_renameat, 0, (const uint64_t[6]){ 4, 0x1000, 5, 0x2000 }, "/d/b",
		  "/e/c");
	sys_paths(100, SYS_renameat2, ERR(EEXIST),
		  (const uint64_t[6]){ (uint64_t)AT_FDCWD, 0x1000, (uint64_t)AT_FDCWD, 0x2000, 1 },
		  "/e/c", "/e/d");
	sys_paths(100, SYS_rename, ERR(ENOENT), (const uint64_t[6]){ 0x1000, 0x2000 }, "/nope", "");
	ck_assert_uint_eq(ev_count(EV_RENAME), 4);
	e = ev_nth(EV_RENAME, 0);
	ck_assert_str_eq(e->path, "/d/a");
	ck_assert_str_eq(e->path2, "/d/b");
	ck_assert_int_eq(e->nr, SYS_rename);
	ck_assert_int_eq(e->ret, 0);
	e = ev_nth(EV_RENAME, 1);
	ck_assert_str_eq(e->path, "/d/b");
	ck_assert_str_eq(e->path2, "/e/c");
	e = ev_nth(EV_RENAME, 2);
	ck_assert_str_eq(e->path2, "/e/d");
	ck_assert_int_eq(e->ret, ERR(EEXIST));
	e = ev_nth(EV_RENAME, 3);
	ck_assert_str_eq(e->path, "/nope");
	ck_assert_str_eq(e->path2, "");
	ck_assert_int_eq(e->ret, ERR(ENOENT));
	ck_assert_uint_eq(ev_count(EV_DELETE), 0);
}
END_TEST

START_TEST(a_delete_or_rename_without_paths_names_nothing)
{
	/* (a recording made before the tracer sent these paths) */
	start(100);
	sys(100, SYS_unlink, 0, 0x1000);
	sys(100, SYS_renameat2, 0, (uint64_t)AT_FDCWD, 0x1000, (uint64_t)AT_FDCWD, 0x2000, 0);
	ck_assert_str_eq(ev_one(EV_DELETE)->path, "");
	ck_assert_str_eq(ev_one(EV_RENAME)->path, "");
	ck_assert_str_eq(ev_one(EV_RENAME)->path2, "");
}
END_TEST

START_TEST(opened_for_write_only_without_io_is_mode_w)
{
	const struct fileagg *f;

	start(100);
	fd_rec(100, 4, FDK_FILE, FDW_NEW, "/tmp/new", NULL, NULL, 0);
	sys(100, SYS_creat, 4, 0x1000, 0644);
	f = file("/tmp/new");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->mode, FM_WRITE);
	ck_assert_uint_eq(f->opens, 1);
	ck_assert_uint_eq(ev_one(EV_OPEN)->flags, (uint64_t)(O_CREAT | O_WRONLY | O_TRUNC));
}
END_TEST

START_TEST(write_through_a_dup_counts_on_the_same_file)
{
	const struct fileagg *f;

	start(100);
	open_file(100, 3, "/tmp/out", O_WRONLY | O_CREAT);
	sys(100, SYS_dup, 4, 3);
	wr(100, 4, 10);
	sys(100, SYS_close, 0, 3);
	wr(100, 4, 5);
	wr(100, 3, 99);   /* closed: counts nowhere */
	f = file("/tmp/out");
	ck_assert_uint_eq(nfiles(), 1);
	ck_assert_uint_eq(f->wr, 15);
	ck_assert_uint_eq(f->mode, FM_WRITE);
	ck_assert_uint_eq(model_io(m)->file_wr, 15);
}
END_TEST

START_TEST(dup2_dup3_and_fcntl_dupfd_share_the_file)
{
	const struct fileagg *f;

	start(100);
	fd_rec(100, 1, FDK_PIPE, FDW_INHERITED, "pipe:[5]", NULL, NULL, O_WRONLY);
	open_file(100, 3, "/log", O_WRONLY);
	sys(100, SYS_dup2, 1, 3, 1);                          /* replaces the pipe */
	sys(100, SYS_dup3, 11, 3, 11, O_CLOEXEC);
	sys(100, SYS_fcntl, 20, 3, F_DUPFD, 20);
	sys(100, SYS_fcntl, 30, 3, F_DUPFD_CLOEXEC, 30);
	sys(100, SYS_fcntl, 0x8001, 3, F_GETFL);                 /* not a dup */
	sys(100, SYS_fcntl, 1, 3, F_SETFD, FD_CLOEXEC);           /* not a dup */
	sys(100, SYS_dup2, ERR(EBADF), 9, 40);                  /* failed */
	wr(100, 1, 1);
	wr(100, 11, 2);
	wr(100, 20, 4);
	wr(100, 30, 8);
	wr(100, 0x8001, 100);
	wr(100, 40, 100);
	f = file("/log");
	ck_assert_uint_eq(f->wr, 15);
	ck_assert_uint_eq(model_io(m)->file_wr, 15);
	ck_assert_uint_eq(model_io(m)->ipc_wr, 0);
}
END_TEST

START_TEST(dup_of_an_unknown_fd_creates_nothing)
{
	start(100);
	sys(100, SYS_dup2, 7, 5, 7);   /* 5 was never described */
	wr(100, 7, 3);
	ck_assert_uint_eq(nfiles(), 0);
	ck_assert_uint_eq(model_io(m)->file_wr, 0);
	ck_assert(!ev_one(EV_WRITE)->has_obj);
}
END_TEST

START_TEST(unknown_fd_read_is_not_attributed)
{
	const struct io_totals *io;
	const struct seen *e;

	start(100);
	rd(100, 9, 50);
	rd(100, -1, 50);
	rd(100, 1 << 30, 50);
	io = model_io(m);
	ck_assert_uint_eq(nfiles(), 0);
	ck_assert_uint_eq(io->file_rd + io->net_recv + io->ipc_rd, 0);
	ck_assert_uint_eq(ev_count(EV_READ), 3);
	e = ev_nth(EV_READ, 0);
	ck_assert(!e->has_obj);
	ck_assert_int_eq(e->fd, 9);
	ck_assert_uint_eq(e->bytes, 50);
}
END_TEST

START_TEST(inherited_file_written_appears_with_mode_w)
{
	const struct fileagg *f;

	start(100);
	fd_rec(100, 1, FDK_FILE, FDW_INHERITED, "/tmp/log", NULL, NULL, O_RDWR | O_APPEND);
	wr(100, 1, 12);
	f = file("/tmp/log");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->wr, 12);
	ck_assert_uint_eq(f->rd, 0);
	ck_assert_uint_eq(f->mode, FM_WRITE);   /* how it was used, not opened */
	ck_assert_uint_eq(f->opens, 0);
	ck_assert_uint_eq(ev_count(EV_OPEN), 0);
}
END_TEST

START_TEST(inherited_record_of_another_kind_replaces_the_object)
{
	start(100);
	open_file(100, 0, "/old", O_RDONLY);
	/* fd 0 turns out to be a pipe now (e.g. re-described at exec) */
	fd_rec(100, 0, FDK_PIPE, FDW_INHERITED, "pipe:[8]", NULL, NULL, O_RDONLY);
	rd(100, 0, 6);
	ck_assert_uint_eq(file("/old")->rd, 0);
	ck_assert_uint_eq(model_io(m)->ipc_rd, 6);
}
END_TEST

START_TEST(open_path_flag_counts_as_opened_for_reading)
{
	const struct fileagg *f;

	start(100);
	open_file(100, 3, "/dir/file", O_PATH);
	f = file("/dir/file");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->mode, FM_READ);   /* O_PATH has access mode O_RDONLY */
	ck_assert_uint_eq(f->opens, 1);
}
END_TEST

/* ---- fd tables across tasks ---- */

START_TEST(fd_inherited_across_fork_counts_for_child_and_child_close_is_private)
{
	static const char *const argv[] = { "/bin/parent", "-v", NULL };
	const struct seen *e;

	start(100);
	exec_prog(100, "/bin/parent", argv);
	open_file(100, 3, "/shared", O_RDWR);
	newtask(100, 101, SIGCHLD);
	wr(101, 3, 7);
	sys(101, SYS_close, 0, 3);
	wr(101, 3, 1000);   /* closed in the child */
	wr(100, 3, 3);      /* still open in the parent */
	ck_assert_uint_eq(file("/shared")->wr, 10);
	/* an fd the child opens is not the parent's */
	open_file(101, 5, "/child-only", O_RDONLY);
	rd(100, 5, 9);
	ck_assert_uint_eq(file("/child-only")->rd, 0);

	e = ev_one(EV_FORK);
	ck_assert_int_eq(e->child, 101);
	ck_assert_int_eq(e->pid, 100);
	ck_assert_uint_eq(e->flags, SIGCHLD);
	ck_assert_int_eq(e->status, NT_FORK);
	ck_assert_uint_eq(nprocs(), 2);
	ck_assert_int_eq(proc(101)->ppid, 100);
	/* the child runs the parent's program until it execs */
	ck_assert_str_eq(proc(101)->exe, "/bin/parent");
	ck_assert_str_eq(proc(101)->argv[1], "-v");
	ck_assert_ptr_null(proc(101)->argv[2]);
	ck_assert_uint_eq(proc(101)->execs, 0);
	ck_assert_uint_eq(model_live_tasks(m), 2);
	/* the child's write event carries the child's pid */
	e = ev_nth(EV_WRITE, 0);
	ck_assert_int_eq(e->pid, 101);
	ck_assert_int_eq(e->tid, 101);
}
END_TEST

START_TEST(clone_files_child_shares_opens_and_closes_with_parent)
{
	start(100);
	newtask(100, 101, CLONE_FILES | SIGCHLD);
	open_file(101, 5, "/by-child", O_WRONLY);
	wr(100, 5, 11);
	ck_assert_uint_eq(file("/by-child")->wr, 11);
	sys(100, SYS_close, 0, 5);
	wr(101, 5, 500);
	ck_assert_uint_eq(file("/by-child")->wr, 11);
	ck_assert_uint_eq(nprocs(), 2);   /* a process, not a thread */
	ck_assert_uint_eq(ev_count(EV_FORK), 1);
	/* the child leaving does not take the table from the parent */
	open_file(101, 6, "/later", O_RDONLY);
	exit_task(101, 0, true);
	rd(100, 6, 2);
	ck_assert_uint_eq(file("/later")->rd, 2);
}
END_TEST

START_TEST(thread_shares_the_fd_table)
{
	const struct seen *e;

	start(100);
	newtask(100, 102, THREAD_FLAGS);
	open_file(102, 6, "/by-thread", O_RDONLY);
	rd(100, 6, 4);
	ck_assert_uint_eq(file("/by-thread")->rd, 4);
	sys(102, SYS_close, 0, 6);
	rd(100, 6, 4);
	ck_assert_uint_eq(file("/by-thread")->rd, 4);
	e = ev_one(EV_THREAD);
	ck_assert_int_eq(e->child, 102);
	ck_assert_int_eq(e->pid, 100);
	ck_assert_uint_eq(nprocs(), 1);
	ck_assert_int_eq(proc(100)->threads, 2);
	ck_assert_int_eq(proc(100)->live, 2);
	/* the thread's own events belong to the process */
	e = ev_nth(EV_OPEN, 0);
	ck_assert_int_eq(e->pid, 100);
	ck_assert_int_eq(e->tid, 102);
	exit_task(102, 0, false);
	ck_assert_int_eq(proc(100)->live, 1);
	ck_assert(!proc(100)->exited);
	ck_assert(ev_one(EV_EXIT)->thread);
	rd(100, 0, 1);   /* the parent's table is still alive (ASan) */
}
END_TEST

START_TEST(vfork_child_gets_a_copy)
{
	start(100);
	open_file(100, 3, "/f", O_RDONLY);
	newtask(100, 101, CLONE_VM | CLONE_VFORK | SIGCHLD);
	ck_assert_int_eq(ev_one(EV_FORK)->status, NT_VFORK);
	sys(101, SYS_close, 0, 3);
	rd(100, 3, 1);
	ck_assert_uint_eq(file("/f")->rd, 1);
}
END_TEST

START_TEST(close_range_closes_the_range)
{
	static const char *const paths[] = { "/f3", "/f4", "/f5", "/f6" };

	start(100);
	for (int i = 0; i < 4; i++)
		open_file(100, 3 + i, paths[i], O_WRONLY);
	sys(100, SYS_close_range, 0, 4, 5, 0);
	for (int i = 0; i < 4; i++)
		wr(100, 3 + i, 1);
	ck_assert_uint_eq(file("/f3")->wr, 1);
	ck_assert_uint_eq(file("/f4")->wr, 0);
	ck_assert_uint_eq(file("/f5")->wr, 0);
	ck_assert_uint_eq(file("/f6")->wr, 1);
	sys(100, SYS_close_range, 0, 3, 0xffffffffu, 0);
	wr(100, 3, 1);
	wr(100, 6, 1);
	ck_assert_uint_eq(model_io(m)->file_wr, 2);
	/* a failed close_range closes nothing */
	open_file(100, 7, "/f7", O_WRONLY);
	sys(100, SYS_close_range, ERR(EINVAL), 7, 3, 0);
	wr(100, 7, 1);
	ck_assert_uint_eq(file("/f7")->wr, 1);
}
END_TEST

START_TEST(close_range_cloexec_only_marks)
{
	static const char *const argv[] = { "/bin/next", NULL };
	static const int32_t after[] = { 0, 1, 2, 9 };

	start(100);
	open_file(100, 3, "/a", O_WRONLY);
	open_file(100, 4, "/b", O_WRONLY);
	sys(100, SYS_close_range, 0, 3, 0xffffffffu, CLOSE_RANGE_CLOEXEC);
	wr(100, 3, 1);
	wr(100, 4, 1);
	ck_assert_uint_eq(file("/a")->wr, 1);
	ck_assert_uint_eq(file("/b")->wr, 1);
	/* exec then closes them: the fd set after exec leaves them out */
	exec_prog(100, "/bin/next", argv);
	fdset(100, after, ARRAY_LEN(after));
	wr(100, 3, 1);
	wr(100, 4, 1);
	ck_assert_uint_eq(file("/a")->wr, 1);
	ck_assert_uint_eq(file("/b")->wr, 1);
}
END_TEST

START_TEST(close_range_unshare_leaves_the_other_task_alone)
{
	start(100);
	newtask(100, 101, CLONE_FILES | SIGCHLD);
	open_file(100, 3, "/kept", O_RDONLY);
	sys(101, SYS_close_range, 0, 3, 3, CLOSE_RANGE_UNSHARE);
	rd(100, 3, 5);
	rd(101, 3, 5);
	ck_assert_uint_eq(file("/kept")->rd, 5);
	/* and they no longer share: an open in one is not in the other */
	open_file(101, 8, "/mine", O_RDONLY);
	rd(100, 8, 5);
	ck_assert_uint_eq(file("/mine")->rd, 0);
}
END_TEST

START_TEST(exec_closes_fds_missing_from_the_fdset)
{
	static const char *const argv[] = { "/usr/bin/cat", "-n", "x", NULL };
	static const int32_t after[] = { 0, 1, 2, 4 };
	const struct seen *e;
	const struct proc *p;

	start(100);
	open_file(100, 3, "/cloexec", O_RDONLY | O_CLOEXEC);
	open_file(100, 4, "/kept", O_RDONLY);
	exec_prog(100, "/usr/bin/cat", argv);
	fdset(100, after, ARRAY_LEN(after));
	rd(100, 3, 10);
	rd(100, 4, 10);
	ck_assert_uint_eq(file("/cloexec")->rd, 0);
	ck_assert_uint_eq(file("/kept")->rd, 10);
	/* fds the set lists but nobody described exist, of unknown kind */
	rd(100, 2, 10);
	ck_assert_uint_eq(model_io(m)->file_rd, 10);
	e = ev_nth(EV_READ, 2);
	ck_assert(e->has_obj);
	ck_assert_int_eq(e->obj_kind, FDK_UNKNOWN);

	e = ev_one(EV_EXEC);
	ck_assert_str_eq(e->path, "/usr/bin/cat");
	ck_assert_int_eq(e->pid, 100);
	p = proc(100);
	ck_assert_str_eq(p->exe, "/usr/bin/cat");
	ck_assert_str_eq(p->argv[0], "/usr/bin/cat");
	ck_assert_str_eq(p->argv[1], "-n");
	ck_assert_str_eq(p->argv[2], "x");
	ck_assert_ptr_null(p->argv[3]);
	ck_assert_uint_eq(p->execs, 1);
	ck_assert_uint_eq(nprocs(), 1);
}
END_TEST

START_TEST(fdset_with_an_odd_count_does_not_keep_fd_0)
{
	static const char *const argv[] = { "/bin/x", NULL };
	/* stdin was closed on exec; three fds remain, so the int32_t array
	 * does not fill the last 8-byte unit of the record */
	static const int32_t after[] = { 1, 2, 3 };

	start(100);
	open_file(100, 0, "/stdin-file", O_RDONLY | O_CLOEXEC);
	open_file(100, 3, "/kept", O_RDONLY);
	exec_prog(100, "/bin/x", argv);
	fdset(100, after, ARRAY_LEN(after));
	rd(100, 3, 1);
	rd(100, 0, 10);
	ck_assert_uint_eq(file("/kept")->rd, 1);
	ck_assert_msg(file("/stdin-file")->rd == 0,
		      "fd 0 survived an exec whose fd set did not list it "
		      "(REC_FDSET padding not honoured)");
}
END_TEST

START_TEST(exec_unshares_a_clone_files_table)
{
	static const char *const argv[] = { "/bin/child", NULL };

	start(100);
	newtask(100, 101, CLONE_FILES | SIGCHLD);
	exec_prog(101, "/bin/child", argv);
	open_file(100, 5, "/parent-after-exec", O_RDONLY);
	rd(101, 5, 3);
	ck_assert_uint_eq(file("/parent-after-exec")->rd, 0);
	ck_assert_str_eq(proc(101)->exe, "/bin/child");
	ck_assert_str_eq(proc(100)->exe, "");
}
END_TEST

START_TEST(exec_from_a_non_leader_rekeys_the_task)
{
	static const char *const argv[] = { "/bin/new", "arg", NULL };
	const struct proc *p;

	start(100);
	open_file(100, 3, "/leader-only", O_RDONLY);
	/* a thread with its own fd table, so we can tell whose task survives */
	newtask(100, 101, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
	open_file(101, 5, "/thread-only", O_RDONLY);
	sys(100, SYS_close, 0, 3);
	ck_assert_uint_eq(model_live_tasks(m), 2);
	exec_as(100, 101, "/bin/new", argv);
	ck_assert_uint_eq(model_live_tasks(m), 1);
	/* tid 100 is now the former thread, with the thread's fds */
	rd(100, 5, 7);
	ck_assert_uint_eq(file("/thread-only")->rd, 7);
	ck_assert_uint_eq(model_live_tasks(m), 1);
	p = proc(100);
	ck_assert_str_eq(p->exe, "/bin/new");
	ck_assert_str_eq(p->argv[1], "arg");
	ck_assert_int_eq(ev_one(EV_EXEC)->tid, 100);
	ck_assert_uint_eq(nprocs(), 1);
	exit_task(100, 0, true);
	ck_assert_uint_eq(model_live_tasks(m), 0);
	ck_assert(p->exited);
}
END_TEST

START_TEST(exec_from_a_non_leader_leaves_one_live_task_in_the_process)
{
	static const char *const argv[] = { "/bin/new", NULL };
	const struct proc *p;

	start(100);
	newtask(100, 101, THREAD_FLAGS);
	ck_assert_int_eq(proc(100)->live, 2);
	exec_as(100, 101, "/bin/new", argv);
	p = proc(100);
	ck_assert_uint_eq(model_live_tasks(m), 1);
	ck_assert_msg(p->live == 1, "proc 100 live is %d after a non-leader exec, "
		      "but only one task is left", p->live);
	exit_task(100, 0, true);
	ck_assert_int_eq(p->live, 0);
}
END_TEST

/* ---- network and ipc ---- */

START_TEST(connect_on_tcp4_makes_a_connection_and_counts_bytes)
{
	struct addr local = in4("127.0.0.1", 40000), remote = in4("127.0.0.1", 8080);
	const struct conn *c;
	const struct seen *e;

	start(100);
	tcp4_socket(100, 3, "socket:[1234]");
	fd_rec(100, 3, FDK_TCP4, FDW_UPDATE, "socket:[1234]", &local, &remote, 0);
	sys_addr(100, SYS_connect, 0, &remote, 3, 0x3000, sizeof(struct sockaddr_in));
	c = conn(0, 1);
	ck_assert_int_eq(c->kind, FDK_TCP4);
	ck_assert_str_eq(model_kind_name(c->kind), "tcp4");
	ck_assert(!c->accepted);
	ck_assert_str_eq(c->remote, "127.0.0.1:8080");
	ck_assert_str_eq(c->local, "127.0.0.1:40000");
	ck_assert_int_eq(c->pid, 100);

	sys(100, SYS_sendto, 100, 3, 0x4000, 100, 0, 0, 0);
	wr(100, 3, 5);
	sys(100, SYS_recvfrom, 40, 3, 0x4000, 4096, 0, 0, 0);
	rd(100, 3, 2);
	ck_assert_uint_eq(c->sent, 105);
	ck_assert_uint_eq(c->received, 42);
	ck_assert_uint_eq(model_io(m)->net_sent, 105);
	ck_assert_uint_eq(model_io(m)->net_recv, 42);
	ck_assert_uint_eq(model_io(m)->file_wr + model_io(m)->ipc_wr, 0);
	ck_assert_uint_eq(nfiles(), 0);

	e = ev_one(EV_CONNECT);
	ck_assert_str_eq(e->addr_text, "127.0.0.1:8080");
	ck_assert_ptr_eq(e->conn, c);
	ck_assert_int_eq(e->fd, 3);
	ck_assert_uint_eq(ev_count(EV_SEND), 2);
	ck_assert_uint_eq(ev_count(EV_RECV), 2);
	ck_assert_uint_eq(ev_count(EV_WRITE) + ev_count(EV_READ), 0);
	ck_assert_ptr_eq(ev_nth(EV_SEND, 0)->conn, c);
}
END_TEST

/* REC_DATA of kind for fd of tid: len bytes at p of total received. */
static void data_rec(int tid, int fd, int kind, const void *p, size_t len, size_t total)
{
	struct rec_data *r = begin(REC_DATA, tid, sizeof(*r));

	r->fd = fd;
	r->kind = (uint16_t)kind;
	r->len = (uint32_t)rec_blob(&unit_rb, p, len);
	r->total = (uint32_t)total;
	unit_feed(m);
}

/* A DNS reply for name (one label.test) with one A record of 4 bytes addr. */
static size_t dns_reply(uint8_t *out, const char *label, const uint8_t addr[4])
{
	size_t n = strlen(label), at = 12;

	memset(out, 0, 12);
	out[2] = 0x81;
	out[3] = 0x80;
	out[5] = 1;
	out[7] = 1;
	out[at++] = (uint8_t)n;
	memcpy(out + at, label, n);
	at += n;
	memcpy(out + at, "\4test\0\0\1\0\1\xc0\x0c\0\1\0\1\0\0\0\x3c\0\4", 22);
	at += 22;
	memcpy(out + at, addr, 4);
	return at + 4;
}

/* A udp4 socket at fd of tid, connected (raddr) or not. */
static void udp4_socket(int tid, int fd, const struct addr *laddr, const struct addr *raddr)
{
	fd_rec(tid, fd, FDK_UDP4, FDW_NEW, "socket:[77]", NULL, NULL, 0);
	sys(tid, SYS_socket, fd, AF_INET, SOCK_DGRAM, 0);
	fd_rec(tid, fd, FDK_UDP4, FDW_UPDATE, "socket:[77]", laddr, raddr, 0);
}

START_TEST(a_dns_reply_names_the_connection_to_its_address)
{
	static const uint8_t ip[4] = { 127, 0, 0, 9 };
	struct addr dns = in4("127.0.0.1", 53), local = in4("127.0.0.1", 40000);
	struct addr remote = in4("127.0.0.9", 8080);
	uint8_t reply[128];
	size_t n = dns_reply(reply, "myapi", ip);
	const struct conn *c;

	start(100);
	udp4_socket(100, 3, &local, &dns);
	sys_addr(100, SYS_connect, 0, &dns, 3, 0x3000, sizeof(struct sockaddr_in));
	data_rec(100, 3, DATA_DNS, reply, n, n);
	sys_addr(100, SYS_recvfrom, (int64_t)n, &dns, 3, 0x4000, 2048, 0, 0x5000, 0x5100);
	tcp4_socket(100, 4, "socket:[1234]");
	fd_rec(100, 4, FDK_TCP4, FDW_UPDATE, "socket:[1234]", &local, &remote, 0);
	sys_addr(100, SYS_connect, 0, &remote, 4, 0x3000, sizeof(struct sockaddr_in));
	c = conn(1, 2);
	ck_assert_str_eq(c->remote, "127.0.0.9:8080");
	ck_assert_str_eq(c->host, "myapi.test");
	ck_assert_str_eq(c->peer, "myapi.test (127.0.0.9):8080");
	ck_assert_ptr_null(conn(0, 2)->host);   /* the resolver itself: no name */
	ck_assert_str_eq(conn(0, 2)->peer, "127.0.0.1:53");
	ck_assert_uint_eq(conn(0, 2)->received, n);
	/* a child connecting there has its parent's name for it */
	newtask(100, 101, SIGCHLD);
	tcp4_socket(101, 5, "socket:[1235]");
	sys_addr(101, SYS_connect, 0, &remote, 5, 0x3000, sizeof(struct sockaddr_in));
	ck_assert_str_eq(conn(2, 3)->host, "myapi.test");
}
END_TEST

START_TEST(a_dns_reply_over_tcp_is_put_together_from_its_pieces)
{
	static const uint8_t ip[4] = { 10, 0, 0, 7 };
	struct addr dns = in4("127.0.0.1", 53), local = in4("127.0.0.1", 40000);
	struct addr remote = in4("10.0.0.7", 443);
	uint8_t msg[130], reply[128];
	size_t n = dns_reply(reply, "tcpname", ip);

	msg[0] = 0;
	msg[1] = (uint8_t)n;
	memcpy(msg + 2, reply, n);
	start(100);
	tcp4_socket(100, 3, "socket:[1]");
	fd_rec(100, 3, FDK_TCP4, FDW_UPDATE, "socket:[1]", &local, &dns, 0);
	sys_addr(100, SYS_connect, 0, &dns, 3, 0x3000, sizeof(struct sockaddr_in));
	data_rec(100, 3, DATA_DNS, msg, 1, 1);       /* half the length */
	data_rec(100, 3, DATA_DNS, msg + 1, 10, 10);  /* the rest of it, a piece */
	tcp4_socket(100, 4, "socket:[2]");
	sys_addr(100, SYS_connect, 0, &remote, 4, 0x3000, sizeof(struct sockaddr_in));
	ck_assert_ptr_null(conn(1, 2)->host);         /* not whole yet */
	data_rec(100, 3, DATA_DNS, msg + 11, n + 2 - 11, n + 2 - 11);
	tcp4_socket(100, 5, "socket:[3]");
	sys_addr(100, SYS_connect, 0, &remote, 5, 0x3000, sizeof(struct sockaddr_in));
	ck_assert_str_eq(conn(2, 3)->host, "tcpname.test");
}
END_TEST

START_TEST(the_hosts_file_names_addresses_but_never_over_dns)
{
	static const uint8_t ip[4] = { 127, 0, 0, 2 };
	static const char hosts[] = "127.0.0.1 localhost\n127.0.0.2 fromhosts.test\n";
	struct addr remote = in4("127.0.0.2", 80), dns = in4("127.0.0.1", 53);
	uint8_t reply[128];
	size_t n = dns_reply(reply, "fromdns", ip);

	start(100);
	data_rec(100, 3, DATA_HOSTS, hosts, strlen(hosts), strlen(hosts));
	tcp4_socket(100, 4, "socket:[2]");
	sys_addr(100, SYS_connect, 0, &remote, 4, 0x3000, sizeof(struct sockaddr_in));
	ck_assert_str_eq(conn(0, 1)->peer, "fromhosts.test (127.0.0.2):80");
	udp4_socket(100, 5, NULL, &dns);
	sys_addr(100, SYS_connect, 0, &dns, 5, 0x3000, sizeof(struct sockaddr_in));
	data_rec(100, 5, DATA_DNS, reply, n, n);
	data_rec(100, 3, DATA_HOSTS, hosts, strlen(hosts), strlen(hosts));
	tcp4_socket(100, 6, "socket:[3]");
	sys_addr(100, SYS_connect, 0, &remote, 6, 0x3000, sizeof(struct sockaddr_in));
	ck_assert_str_eq(conn(2, 3)->host, "fromdns.test");
	/* a process that read nothing has no names */
	newtask(1, 200, SIGCHLD);
	tcp4_socket(200, 4, "socket:[4]");
	sys_addr(200, SYS_connect, 0, &remote, 4, 0x3000, sizeof(struct sockaddr_in));
	ck_assert_ptr_null(conn(3, 4)->host);
}
END_TEST

START_TEST(reads_of_the_hosts_file_name_addresses_across_their_ends)
{
	static const char part1[] = "127.0.0.1 localhost\n10.9.8.", part2[] = "7 split.test\n";
	struct addr remote = in4("10.9.8.7", 80);

	start(100);
	open_file(100, 3, "/etc/hosts", O_RDONLY);
	data_rec(100, 3, DATA_HOSTS_READ, part1, strlen(part1), strlen(part1));
	tcp4_socket(100, 4, "socket:[2]");
	sys_addr(100, SYS_connect, 0, &remote, 4, 0x3000, sizeof(struct sockaddr_in));
	ck_assert_ptr_null(conn(0, 1)->host);   /* the line is not whole yet */
	data_rec(100, 3, DATA_HOSTS_READ, part2, strlen(part2), strlen(part2));
	tcp4_socket(100, 5, "socket:[3]");
	sys_addr(100, SYS_connect, 0, &remote, 5, 0x3000, sizeof(struct sockaddr_in));
	ck_assert_str_eq(conn(1, 2)->host, "split.test");
}
END_TEST

START_TEST(datagrams_by_address_make_one_flow_per_peer)
{
	struct addr local = in4("127.0.0.1", 5000), a = in4("127.0.0.1", 6000);
	struct addr b = in4("127.0.0.1", 7000);
	const struct conn *c;

	start(100);
	udp4_socket(100, 3, &local, NULL);
	sys_addr(100, SYS_sendto, 10, &a, 3, 0x4000, 10, 0, 0x5000, 16);
	sys_addr(100, SYS_sendto, 20, &a, 3, 0x4000, 20, 0, 0x5000, 16);
	sys_addr(100, SYS_recvfrom, 5, &a, 3, 0x4000, 64, 0, 0x5000, 0x5100);
	sys_addr(100, SYS_sendmsg, 7, &b, 3, 0x6000, 0);
	sys_addr(100, SYS_recvmsg, 3, &b, 3, 0x6000, 0);
	sys(100, SYS_sendto, 4, 3, 0x4000, 4, 0, 0, 0);   /* no address: no flow */
	c = conn(0, 2);
	ck_assert(c->flow);
	ck_assert_str_eq(c->remote, "127.0.0.1:6000");
	ck_assert_str_eq(c->local, "127.0.0.1:5000");
	ck_assert_uint_eq(c->sent, 30);
	ck_assert_uint_eq(c->received, 5);
	ck_assert_uint_lt(c->ts, c->last_ts);
	ck_assert_uint_eq(conn(1, 2)->sent, 7);
	ck_assert_uint_eq(conn(1, 2)->received, 3);
	ck_assert_uint_eq(model_io(m)->net_sent, 41);
	ck_assert_uint_eq(model_io(m)->net_recv, 8);
	ck_assert_ptr_eq(ev_nth(EV_SEND, 0)->conn, c);
	ck_assert_ptr_eq(ev_nth(EV_SEND, 2)->conn, conn(1, 2));
	ck_assert_ptr_null(ev_nth(EV_SEND, 3)->conn);
	/* connected to a: datagrams from a are the connection's */
	sys_addr(100, SYS_connect, 0, &a, 3, 0x3000, 16);
	sys_addr(100, SYS_recvfrom, 9, &a, 3, 0x4000, 64, 0, 0x5000, 0x5100);
	ck_assert_uint_eq(conn(2, 3)->received, 9);
	ck_assert_uint_eq(conn(0, 3)->received, 5);
}
END_TEST

START_TEST(connect_on_tcp6_formats_the_remote)
{
	struct addr remote = in6("::1", 443);

	start(100);
	fd_rec(100, 3, FDK_TCP6, FDW_NEW, "socket:[6]", NULL, NULL, 0);
	fd_rec(100, 3, FDK_TCP6, FDW_UPDATE, "socket:[6]", NULL, &remote, 0);
	sys_addr(100, SYS_connect, 0, &remote, 3, 0x3000, sizeof(struct sockaddr_in6));
	ck_assert_str_eq(conn(0, 1)->remote, "[::1]:443");
	ck_assert_int_eq(conn(0, 1)->kind, FDK_TCP6);
}
END_TEST

START_TEST(connect_in_progress_counts_as_a_connection)
{
	struct addr remote = in4("10.0.0.1", 80);
	const struct conn *c;

	start(100);
	tcp4_socket(100, 3, "socket:[1]");
	fd_rec(100, 3, FDK_TCP4, FDW_UPDATE, "socket:[1]", NULL, &remote, 0);
	sys_addr(100, SYS_connect, ERR(EINPROGRESS), &remote, 3, 0x3000, 16);
	c = conn(0, 1);
	ck_assert_str_eq(c->remote, "10.0.0.1:80");
	sys(100, SYS_sendto, 20, 3, 0x4000, 20, 0, 0, 0);
	ck_assert_uint_eq(c->sent, 20);
	ck_assert_int_eq(ev_one(EV_CONNECT)->ret, ERR(EINPROGRESS));
}
END_TEST

START_TEST(refused_connect_makes_no_connection)
{
	struct addr remote = in4("127.0.0.1", 9);
	const struct seen *e;

	start(100);
	tcp4_socket(100, 3, "socket:[2]");
	sys_addr(100, SYS_connect, ERR(ECONNREFUSED), &remote, 3, 0x3000, 16);
	conn(0, 0);
	e = ev_one(EV_CONNECT);
	ck_assert_int_eq(e->ret, ERR(ECONNREFUSED));
	ck_assert_str_eq(e->addr_text, "127.0.0.1:9");
	ck_assert_ptr_null(e->conn);
}
END_TEST

START_TEST(accept_makes_an_accepted_connection)
{
	struct addr local = in4("127.0.0.1", 8080), peer = in4("127.0.0.1", 50000);
	const struct conn *c;
	const struct seen *e;

	start(100);
	tcp4_socket(100, 3, "socket:[10]");
	fd_rec(100, 3, FDK_TCP4, FDW_UPDATE, "socket:[10]", &local, NULL, 0);
	sys_addr(100, SYS_bind, 0, &local, 3, 0x3000, 16);
	sys(100, SYS_listen, 0, 3, 16);
	conn(0, 0);   /* bind and listen make no connection */
	fd_rec(100, 4, FDK_TCP4, FDW_UPDATE, "socket:[11]", &local, &peer, 0);
	sys(100, SYS_accept4, 4, 3, 0, 0, SOCK_CLOEXEC);
	c = conn(0, 1);
	ck_assert(c->accepted);
	ck_assert_str_eq(c->remote, "127.0.0.1:50000");
	ck_assert_str_eq(c->local, "127.0.0.1:8080");
	ck_assert_int_eq(c->kind, FDK_TCP4);
	rd(100, 4, 64);
	sys(100, SYS_sendmsg, 32, 4, 0x5000, 0);
	ck_assert_uint_eq(c->received, 64);
	ck_assert_uint_eq(c->sent, 32);
	e = ev_one(EV_ACCEPT);
	ck_assert_int_eq(e->fd, 4);
	ck_assert_ptr_eq(e->conn, c);
}
END_TEST

START_TEST(udp_connect_to_unspec_dissolves_the_association)
{
	struct addr remote = in4("192.0.2.7", 53), none = unspec();
	const struct conn *c;

	start(100);
	fd_rec(100, 3, FDK_UDP4, FDW_NEW, "socket:[3]", NULL, NULL, 0);
	sys_addr(100, SYS_connect, 0, &remote, 3, 0x3000, 16);
	c = conn(0, 1);
	ck_assert_int_eq(c->kind, FDK_UDP4);
	sys(100, SYS_sendto, 30, 3, 0x4000, 30, 0, 0, 0);
	sys_addr(100, SYS_connect, 0, &none, 3, 0x3000, 2);
	sys(100, SYS_sendto, 30, 3, 0x4000, 30, 0, 0, 0);
	c = conn(0, 1);   /* no new connection */
	ck_assert_uint_eq(c->sent, 30);
	ck_assert_uint_eq(model_io(m)->net_sent, 60);
	ck_assert_uint_eq(ev_count(EV_CONNECT), 2);
}
END_TEST

START_TEST(in_progress_send_moves_no_bytes)
{
	/* sendto with MSG_FASTOPEN on a non-blocking socket may fail with
	 * EINPROGRESS: -115 is an error there, not a byte count */
	struct addr remote = in4("10.0.0.2", 80);

	start(100);
	tcp4_socket(100, 3, "socket:[4]");
	sys_addr(100, SYS_sendto, ERR(EINPROGRESS), &remote, 3, 0x4000, 100,
		 MSG_FASTOPEN, 0x3000, 16);
	ck_assert_msg(model_io(m)->net_sent == 0,
		      "a sendto failing with EINPROGRESS counted %llu bytes sent",
		      (unsigned long long)model_io(m)->net_sent);
}
END_TEST

START_TEST(pipes_and_unix_sockets_count_as_ipc)
{
	const struct io_totals *io = model_io(m);

	start(100);
	fd_rec(100, 3, FDK_PIPE, FDW_NEW, "pipe:[1]", NULL, NULL, 0);
	fd_rec(100, 4, FDK_PIPE, FDW_NEW, "pipe:[1]", NULL, NULL, 0);
	sys(100, SYS_pipe2, 0, 0x6000, O_CLOEXEC);
	wr(100, 4, 10);
	rd(100, 3, 10);
	ck_assert_uint_eq(io->ipc_wr, 10);
	ck_assert_uint_eq(io->ipc_rd, 10);
	fd_rec(100, 5, FDK_UNIX, FDW_NEW, "socket:[20]", NULL, NULL, 0);
	fd_rec(100, 6, FDK_UNIX, FDW_NEW, "socket:[21]", NULL, NULL, 0);
	sys(100, SYS_socketpair, 0, AF_UNIX, SOCK_STREAM, 0, 0x6000);
	sys(100, SYS_sendmsg, 20, 5, 0x5000, 0);
	sys(100, SYS_recvmsg, 20, 6, 0x5000, 0);
	wr(100, 5, 1);
	ck_assert_uint_eq(io->ipc_wr, 31);
	ck_assert_uint_eq(io->ipc_rd, 30);
	ck_assert_uint_eq(io->file_rd + io->file_wr + io->net_sent + io->net_recv, 0);
	ck_assert_uint_eq(nfiles(), 0);
	conn(0, 0);
	/* pipes read and write, unix sockets send and receive */
	ck_assert_uint_eq(ev_count(EV_WRITE), 1);
	ck_assert_uint_eq(ev_count(EV_READ), 1);
	ck_assert_uint_eq(ev_count(EV_SEND), 2);
	ck_assert_uint_eq(ev_count(EV_RECV), 1);
}
END_TEST

START_TEST(character_devices_count_nowhere)
{
	const struct io_totals *io = model_io(m);

	start(100);
	fd_rec(100, 7, FDK_CHR, FDW_NEW, "/dev/null", NULL, NULL, 0);
	sys(100, SYS_openat, 7, (uint64_t)AT_FDCWD, 0x1000, O_WRONLY);
	wr(100, 7, 100);
	rd(100, 7, 0);
	ck_assert_uint_eq(io->file_rd + io->file_wr + io->net_sent + io->net_recv +
			  io->ipc_rd + io->ipc_wr, 0);
	ck_assert_ptr_null(file("/dev/null"));
	ck_assert_uint_eq(nfiles(), 0);
	ck_assert_str_eq(ev_one(EV_OPEN)->path, "/dev/null");
	ck_assert_uint_eq(ev_one(EV_WRITE)->bytes, 100);
}
END_TEST

/* ---- transfers ---- */

START_TEST(sendfile_copy_file_range_splice_and_tee_attribute_both_sides)
{
	const struct io_totals *io = model_io(m);
	const struct seen *e;

	start(100);
	open_file(100, 3, "/src", O_RDONLY);
	open_file(100, 4, "/dst", O_WRONLY | O_CREAT);
	fd_rec(100, 5, FDK_PIPE, FDW_NEW, "pipe:[9]", NULL, NULL, 0);
	fd_rec(100, 6, FDK_PIPE, FDW_NEW, "pipe:[9]", NULL, NULL, 0);
	sys(100, SYS_pipe2, 0, 0x6000, 0);

	sys(100, SYS_sendfile, 1000, 4, 3, 0, 4096);               /* out, in */
	ck_assert_uint_eq(file("/src")->rd, 1000);
	ck_assert_uint_eq(file("/dst")->wr, 1000);
	e = ev_one(EV_SENDFILE);
	ck_assert_int_eq(e->fd, 3);
	ck_assert_int_eq(e->fd2, 4);
	ck_assert_uint_eq(e->bytes, 1000);
	ck_assert(e->has_obj && e->has_obj2);

	sys(100, SYS_copy_file_range, 500, 3, 0, 4, 0, 4096, 0);  /* in, _, out */
	ck_assert_uint_eq(file("/src")->rd, 1500);
	ck_assert_uint_eq(file("/dst")->wr, 1500);
	ck_assert_int_eq(ev_one(EV_COPY_FILE_RANGE)->fd2, 4);

	sys(100, SYS_splice, 200, 3, 0, 6, 0, 4096, 0);           /* file -> pipe */
	sys(100, SYS_tee, 50, 5, 6, 4096, 0);                      /* pipe -> pipe */
	sys(100, SYS_splice, 200, 5, 0, 4, 0, 4096, 0);           /* pipe -> file */
	ck_assert_uint_eq(file("/src")->rd, 1700);
	ck_assert_uint_eq(file("/dst")->wr, 1700);
	ck_assert_uint_eq(io->ipc_wr, 250);
	ck_assert_uint_eq(io->ipc_rd, 250);
	ck_assert_uint_eq(io->file_rd, 1700);
	ck_assert_uint_eq(io->file_wr, 1700);
	ck_assert_uint_eq(ev_count(EV_SPLICE), 2);
	ck_assert_uint_eq(ev_one(EV_TEE)->bytes, 50);

	/* a failed transfer moves nothing */
	sys(100, SYS_sendfile, ERR(EINVAL), 4, 3, 0, 4096);
	ck_assert_uint_eq(file("/src")->rd, 1700);
	ck_assert_uint_eq(ev_count(EV_SENDFILE), 1);
}
END_TEST

START_TEST(sendmmsg_and_recvmmsg_count_aux_bytes_not_messages)
{
	struct addr remote = in4("192.0.2.1", 5353);
	const struct conn *c;

	start(100);
	fd_rec(100, 3, FDK_UDP4, FDW_NEW, "socket:[30]", NULL, NULL, 0);
	sys_addr(100, SYS_connect, 0, &remote, 3, 0x3000, 16);
	sys_aux(100, SYS_sendmmsg, 2, 300, 3, 0x7000, 2, 0);
	sys_aux(100, SYS_recvmmsg, 3, 90, 3, 0x7000, 8, 0, 0);
	c = conn(0, 1);
	ck_assert_uint_eq(c->sent, 300);
	ck_assert_uint_eq(c->received, 90);
	ck_assert_uint_eq(model_io(m)->net_sent, 300);
	ck_assert_uint_eq(ev_one(EV_SEND)->bytes, 300);
	ck_assert_uint_eq(ev_one(EV_RECV)->bytes, 90);
}
END_TEST

/* ---- page faults ---- */

#define PG 4096ull

/* REC_FAULT of tid at addr with timestamp ts (0: the next one). */
static void fault_rec_at(int tid, uint64_t addr, uint64_t ts)
{
	struct rec_fault *r = ts ? unit_begin(REC_FAULT, ts, tid, tgid_of(tid), sizeof(*r))
				 : begin(REC_FAULT, tid, sizeof(*r));

	r->addr = addr;
	r->ip = 0x401000;
	unit_feed(m);
}

/* REC_FAULT of tid at addr, now. */
static void fault_rec(int tid, uint64_t addr)
{
	fault_rec_at(tid, addr, 0);
}

/* REC_MAPS of tid with /proc/PID/maps text. */
static void maps_rec(int tid, const char *text)
{
	struct rec_maps *r = begin(REC_MAPS, tid, sizeof(*r));

	r->text_len = (uint32_t)rec_blob(&unit_rb, text, strlen(text));
	unit_feed(m);
}

/* REC_START, then the (empty) maps the tracer sends with --faults. */
static void start_sampled(int pid)
{
	start(pid);
	maps_rec(pid, "");
}

/* REC_LOST from source. */
static void lost_rec(uint32_t source, uint64_t count)
{
	struct rec_lost *r = begin(REC_LOST, 100, sizeof(*r));

	r->source = source;
	r->count = count;
	unit_feed(m);
}

/* REC_END. */
static void end_rec(void)
{
	struct rec_end *e = begin(REC_END, 100, sizeof(*e));

	e->reason = END_EXITED;
	unit_feed(m);
}

/* The fault totals of pid in region, or 0. */
static uint64_t faults_in(int pid, const char *region)
{
	size_t n;
	struct faultagg *const *a = model_faults(m, &n);

	for (size_t i = 0; i < n; i++)
		if (a[i]->pid == pid && strcmp(a[i]->region, region) == 0)
			return a[i]->count;
	return 0;
}

START_TEST(faults_are_attributed_to_heap_anon_and_file_regions)
{
	const struct seen *e;

	start_sampled(100);
	sys(100, SYS_brk, 0x555000, 0);
	sys(100, SYS_brk, 0x555000 + 8 * PG, 0x555000 + 8 * PG);
	sys(100, SYS_mmap, 0x7f0000000000, 0, 4 * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	open_file(100, 3, "/data/f", O_RDONLY);
	sys(100, SYS_mmap, 0x7f1000000000, 0, 2 * PG, PROT_READ, MAP_PRIVATE, 3, 0);
	fault_rec(100, 0x555000 + 100);
	fault_rec(100, 0x555000 + 7 * PG);
	fault_rec(100, 0x7f0000000000 + PG);
	fault_rec(100, 0x7f1000000000 + 5);
	fault_rec(100, 0x9000);   /* in no region: waits for what might explain it */
	ck_assert_uint_eq(ev_count(EV_FAULT), 4);
	end_rec();
	ck_assert_uint_eq(ev_count(EV_FAULT), 5);
	e = ev_nth(EV_FAULT, 0);
	ck_assert_str_eq(e->path, "[heap]");
	ck_assert_uint_eq(e->addr, 0x555000 + 100);
	ck_assert_uint_eq(e->bytes, 4096);
	ck_assert_int_eq(e->pid, 100);
	ck_assert_str_eq(ev_nth(EV_FAULT, 2)->path, "[anon]");
	ck_assert_str_eq(ev_nth(EV_FAULT, 3)->path, "/data/f");
	ck_assert_str_eq(ev_nth(EV_FAULT, 4)->path, "[unknown]");
	ck_assert_uint_eq(faults_in(100, "[heap]"), 2);
	ck_assert_uint_eq(faults_in(100, "/data/f"), 1);
	ck_assert_uint_eq(model_faults_total(m), 5);
	ck_assert_uint_eq(proc(100)->faults, 5);
}
END_TEST

/* The fault totals of pid's mapping that starts at start, or NULL. */
static const struct faultagg *mapping_at(int pid, uint64_t start)
{
	size_t n;
	struct faultagg *const *a = model_faults(m, &n);

	for (size_t i = 0; i < n; i++)
		if (a[i]->pid == pid && a[i]->mapped && a[i]->start == start)
			return a[i];
	return NULL;
}

/* Fault totals of pid named region (every mapping of that name). */
static size_t aggs_named(int pid, const char *region)
{
	size_t n, k = 0;
	struct faultagg *const *a = model_faults(m, &n);

	for (size_t i = 0; i < n; i++)
		k += a[i]->pid == pid && strcmp(a[i]->region, region) == 0;
	return k;
}

START_TEST(faults_count_per_mapping_not_per_name)
{
	const struct faultagg *a, *b, *h;
	uint64_t made_a;

	start_sampled(100);
	sys(100, SYS_brk, 0x555000, 0);
	sys(100, SYS_brk, 0x555000 + 4 * PG, 0x555000 + 4 * PG);
	/* a malloc'd block (mmap'd by malloc) and a separate anonymous mapping */
	sys(100, SYS_mmap, 0x7f0000000000, 0, 3073 * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	made_a = now - T0;
	sys(100, SYS_mmap, 0x7f0000c01000 + 8 * PG, 0, 3000 * PG, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	for (int i = 0; i < 30; i++)
		fault_rec(100, 0x7f0000000000 + (uint64_t)(i + 1) * PG);
	for (int i = 0; i < 20; i++)
		fault_rec(100, 0x7f0000c01000 + 8 * PG + (uint64_t)i * PG);
	fault_rec(100, 0x555000);
	sys(100, SYS_brk, 0x555000 + 9 * PG, 0x555000 + 9 * PG);   /* the heap grows */
	fault_rec(100, 0x555000 + 8 * PG);
	ck_assert_uint_eq(aggs_named(100, "[anon]"), 2);
	a = mapping_at(100, 0x7f0000000000);
	b = mapping_at(100, 0x7f0000c01000 + 8 * PG);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(a->count, 30);
	ck_assert_uint_eq(a->len, 3073 * PG);
	ck_assert_int_eq(a->prot, PROT_READ | PROT_WRITE);
	ck_assert_uint_eq(a->made, made_a);
	ck_assert_uint_eq(b->count, 20);
	ck_assert_uint_eq(b->len, 3000 * PG);
	ck_assert_int_eq(b->prot, PROT_READ);
	ck_assert_uint_gt(b->made, a->made);
	/* the heap stays one region with all it spanned */
	ck_assert_uint_eq(aggs_named(100, "[heap]"), 1);
	h = mapping_at(100, 0x555000);
	ck_assert_uint_eq(h->count, 2);
	ck_assert_uint_eq(h->len, 9 * PG);
	/* unmapped, and mapped again at the same address: another mapping */
	sys(100, SYS_munmap, 0, 0x7f0000000000, 3073 * PG);
	sys(100, SYS_mmap, 0x7f0000000000, 0, 16 * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	fault_rec(100, 0x7f0000000000 + PG);
	ck_assert_uint_eq(aggs_named(100, "[anon]"), 3);
	ck_assert_uint_eq(a->count, 30);
	ck_assert_uint_eq(model_faults_total(m), 53);
}
END_TEST

START_TEST(summaries_list_faults_per_mapping_with_its_range)
{
	struct jsonl *j;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	struct lines *l;

	start_sampled(100);
	sys(100, SYS_mmap, 0x7f0000000000, 0, 3073 * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	now = T0 + 2000000;                      /* the second one 2 ms in */
	sys(100, SYS_mmap, 0x7f0001000000, 0, 3000 * PG, PROT_READ | PROT_WRITE | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	for (int i = 0; i < 3; i++)
		fault_rec(100, 0x7f0000000000 + (uint64_t)i * PG);
	fault_rec(100, 0x7f0001000000);
	end_rec();
	f = open_memstream(&text, &len);
	j = jsonl_new(f);
	jsonl_summary(j, m);
	jsonl_free(j);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "{\"region\":\"[anon]\",\"kind\":\"anon\",\"pid\":100,"
				  "\"start\":\"0x7f0000000000\",\"len\":12587008,\"prot\":\"rw-\","
				  "\"made_s\":0.000002,\"count\":3}"));
	ck_assert_ptr_nonnull(strstr(text, "{\"region\":\"[anon]\",\"kind\":\"anon\",\"pid\":100,"
				  "\"start\":\"0x7f0001000000\",\"len\":12288000,\"prot\":\"rwx\","
				  "\"made_s\":0.002001,\"count\":1}"));
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	l = lines_new(f, 0);
	lines_final(l, m);
	lines_free(l);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "        3  12.0 KB   [anon] at 0x7f0000000000 "
					   "(12.0 MB rw-, mapped at +0.000s)\n"));
	ck_assert_ptr_nonnull(strstr(text, "        1  4.0 KB    [anon] at 0x7f0001000000 "
					   "(11.7 MB rwx, mapped at +0.002s)\n"));
	free(text);
}
END_TEST

START_TEST(a_mapping_cut_in_pieces_or_moved_counts_as_one)
{
	const struct faultagg *a;

	start_sampled(100);
	sys(100, SYS_mmap, 0x7f0000000000, 0, 8 * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	sys(100, SYS_munmap, 0, 0x7f0000000000 + 2 * PG, 2 * PG);     /* a hole in it */
	fault_rec(100, 0x7f0000000000);
	fault_rec(100, 0x7f0000000000 + 6 * PG);
	ck_assert_uint_eq(aggs_named(100, "[anon]"), 1);
	a = mapping_at(100, 0x7f0000000000);
	ck_assert_uint_eq(a->count, 2);
	ck_assert_uint_eq(a->len, 8 * PG);
	/* realloc moves it (mremap): still the same allocation */
	sys(100, SYS_mremap, 0x7f1000000000, 0x7f0000000000 + 4 * PG, 4 * PG, 64 * PG,
	    MREMAP_MAYMOVE);
	fault_rec(100, 0x7f1000000000 + 40 * PG);
	ck_assert_uint_eq(aggs_named(100, "[anon]"), 1);
	ck_assert_uint_eq(a->count, 3);
	ck_assert_uint_eq(a->start, 0x7f1000000000);
	ck_assert_uint_eq(a->len, 64 * PG);
	/* in a forked child it is the child's own */
	newtask(100, 101, SIGCHLD);
	fault_rec(101, 0x7f1000000000 + PG);
	ck_assert_uint_eq(aggs_named(101, "[anon]"), 1);
	ck_assert_uint_eq(a->count, 3);
	ck_assert_uint_eq(mapping_at(101, 0x7f1000000000)->count, 1);
}
END_TEST

START_TEST(a_fault_sampled_before_munmap_finds_the_unmapped_region)
{
	uint64_t mapped, unmapped;

	start_sampled(100);
	sys(100, SYS_mmap, 0x7f0000000000, 0, 4 * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	mapped = now;
	sys(100, SYS_munmap, 0, 0x7f0000000000, 4 * PG);
	unmapped = now;
	fault_rec_at(100, 0x7f0000000000 + PG, mapped + 10);   /* arrives late */
	ck_assert_str_eq(ev_one(EV_FAULT)->path, "[anon]");
	fault_rec_at(100, 0x7f0000000000 + PG, unmapped + 10);
	end_rec();
	ck_assert_str_eq(ev_nth(EV_FAULT, 1)->path, "[unknown]");
}
END_TEST

START_TEST(a_child_fault_before_its_fork_record_goes_to_the_child)
{
	const struct seen *e;

	start_sampled(100);
	sys(100, SYS_brk, 0x555000, 0);
	sys(100, SYS_brk, 0x555000 + 8 * PG, 0x555000 + 8 * PG);
	fault_rec(200, 0x555000 + PG);   /* the child wrote before we saw the fork */
	ck_assert_uint_eq(ev_count(EV_FAULT), 0);
	newtask(100, 200, SIGCHLD);
	e = ev_one(EV_FAULT);
	ck_assert_int_eq(e->pid, 200);
	ck_assert_str_eq(e->path, "[heap]");
	ck_assert_uint_eq(faults_in(200, "[heap]"), 1);
	ck_assert_uint_eq(faults_in(100, "[heap]"), 0);
	/* the child's own mappings are its own */
	sys(200, SYS_mmap, 0x7f2000000000, 0, PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	fault_rec(200, 0x7f2000000000);
	fault_rec(100, 0x7f2000000000);
	end_rec();
	ck_assert_str_eq(ev_nth(EV_FAULT, 1)->path, "[anon]");
	ck_assert_int_eq(ev_nth(EV_FAULT, 2)->pid, 100);
	ck_assert_str_eq(ev_nth(EV_FAULT, 2)->path, "[unknown]");
}
END_TEST

START_TEST(exec_maps_snapshot_names_the_image_and_a_growing_stack)
{
	static const char *const argv[] = { "/bin/prog", NULL };
	uint64_t before_exec;

	start_sampled(100);
	sys(100, SYS_mmap, 0x7f0000000000, 0, 4 * PG, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	before_exec = now;
	exec_prog(100, "/bin/prog", argv);
	maps_rec(100, "55d000000000-55d000002000 r--p 00000000 fe:01 12 /bin/prog\n"
		      "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n");
	fault_rec(100, 0x55d000001000);
	fault_rec(100, 0x7ffd00020000);
	fault_rec(100, 0x7ffd00000000 - 10 * PG);   /* the stack grew */
	fault_rec_at(100, 0x7f0000000000, before_exec + 10);
	fault_rec(100, 0x7f0000000000);             /* gone with the old image */
	end_rec();
	ck_assert_str_eq(ev_nth(EV_FAULT, 0)->path, "/bin/prog");
	ck_assert_str_eq(ev_nth(EV_FAULT, 1)->path, "[stack]");
	ck_assert_str_eq(ev_nth(EV_FAULT, 2)->path, "[stack]");
	ck_assert_str_eq(ev_nth(EV_FAULT, 3)->path, "[anon]");
	ck_assert_str_eq(ev_nth(EV_FAULT, 4)->path, "[unknown]");
	ck_assert_uint_eq(faults_in(100, "[stack]"), 2);
}
END_TEST

START_TEST(kernel_writes_while_loading_a_program_wait_for_its_maps)
{
	static const char *const argv[] = { "/bin/prog", NULL };

	start_sampled(100);
	fault_rec(100, 0x55d000001010);   /* clearing .bss, before the exec stop */
	fault_rec(100, 0x7ffd00020ff0);   /* writing argv to the new stack */
	exec_prog(100, "/bin/prog", argv);
	ck_assert_uint_eq(ev_count(EV_FAULT), 0);
	maps_rec(100, "55d000000000-55d000002000 rw-p 00000000 fe:01 12 /bin/prog\n"
		      "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n");
	ck_assert_str_eq(ev_nth(EV_FAULT, 0)->path, "/bin/prog");
	ck_assert_str_eq(ev_nth(EV_FAULT, 1)->path, "[stack]");
}
END_TEST

START_TEST(an_unexplained_fault_waits_only_a_little)
{
	start_sampled(100);
	fault_rec(100, 0x9000);
	signal_rec(100, SIGUSR1);
	ck_assert_uint_eq(ev_count(EV_FAULT), 0);
	now += 60000000;   /* 60 ms later nothing explained it */
	signal_rec(100, SIGUSR1);
	ck_assert_str_eq(ev_one(EV_FAULT)->path, "[unknown]");
	ck_assert_uint_eq(faults_in(100, "[unknown]"), 1);
}
END_TEST

/* REC_START of pid traced by the kernel engine. */
static void start_kernel(int pid)
{
	struct rec_start *st;

	now = T0 - 1000;
	st = begin(REC_START, pid, sizeof(*st));
	((struct rec_hdr *)unit_rb.buf)->flags = START_F_KERNEL;
	st->pid = pid;
	st->tracer_pid = 1;
	unit_feed(m);
}

/* The kernel engine sends a child's fork record in its next batch, while
 * the child runs on and the fault sampler reports it: its faults wait
 * longer for their process than under ptrace. */
START_TEST(a_kernel_engine_child_fault_waits_for_the_batch_with_its_fork)
{
	start_kernel(100);
	maps_rec(100, "");
	sys(100, SYS_brk, 0x555000, 0);
	sys(100, SYS_brk, 0x555000 + 8 * PG, 0x555000 + 8 * PG);
	fault_rec(200, 0x555000 + PG);   /* the child wrote... */
	now += 120000000;                /* ...and went on: the parent faults 120 ms later */
	fault_rec(100, 0x555000 + 2 * PG);
	ck_assert_uint_eq(ev_count(EV_FAULT), 1);
	newtask(100, 200, SIGCHLD);      /* the batch with the fork comes */
	ck_assert_uint_eq(faults_in(200, "[heap]"), 1);
	ck_assert_uint_eq(faults_in(200, "[unknown]"), 0);
}
END_TEST

/* Faults come on their own queue and can run ahead of the kernel
 * engine's batches on a busy machine: only what may explain a parked
 * fault (a record of another kind) moves its wait on, not later faults. */
START_TEST(faults_running_ahead_of_the_kernel_batches_keep_waiting)
{
	uint64_t forked;

	start_kernel(100);
	maps_rec(100, "");
	sys(100, SYS_brk, 0x555000, 0);
	sys(100, SYS_brk, 0x555000 + 8 * PG, 0x555000 + 8 * PG);
	forked = now++;
	fault_rec(200, 0x555000 + PG);   /* the child wrote... */
	for (int i = 0; i < 10; i++) {
		now += 120000000;        /* ...and the parent faults on, 1.2 s of it */
		fault_rec(100, 0x555000 + 2 * PG);
	}
	ck_assert_uint_eq(ev_count(EV_FAULT), 10);
	now = forked;
	newtask(100, 200, SIGCHLD);      /* the batch with the fork comes at last */
	ck_assert_uint_eq(faults_in(200, "[heap]"), 1);
	ck_assert_uint_eq(faults_in(200, "[unknown]"), 0);
}
END_TEST

START_TEST(without_maps_no_regions_are_kept)
{
	start(100);
	sys(100, SYS_brk, 0x555000, 0);
	sys(100, SYS_brk, 0x555000 + 8 * PG, 0x555000 + 8 * PG);
	newtask(100, 200, SIGCHLD);
	ck_assert_ptr_null(proc(100)->mem);
	ck_assert_ptr_null(proc(200)->mem);
	fault_rec(100, 0x555000);
	end_rec();
	ck_assert_str_eq(ev_one(EV_FAULT)->path, "[unknown]");
}
END_TEST

START_TEST(perf_losses_are_counted)
{
	start(100);
	lost_rec(LOST_PERF, 7);
	lost_rec(LOST_BPF, 3);
	lost_rec(LOST_PERF, 1);
	ck_assert_uint_eq(model_faults_lost(m), 8);
	ck_assert_uint_eq(model_faults_total(m), 0);
}
END_TEST

START_TEST(faults_of_a_never_seen_process_count_at_the_end_and_after_it_none)
{
	const struct seen *e;
	uint64_t end;

	start(100);
	fault_rec(999, 0x1000);
	ck_assert_uint_eq(ev_count(EV_FAULT), 0);
	end_rec();
	end = now;
	e = ev_one(EV_FAULT);
	ck_assert_int_eq(e->pid, 999);
	ck_assert_str_eq(e->path, "[unknown]");
	ck_assert_uint_eq(faults_in(999, "[unknown]"), 1);
	fault_rec_at(100, 0x1000, end + 1000);   /* after a detach */
	ck_assert_uint_eq(ev_count(EV_FAULT), 1);
	ck_assert_uint_eq(model_faults_total(m), 1);
}
END_TEST

/* ---- records that come after their task's end or before its start ---- */

/* REC_SCHED of tid (in its tgid) that waited at kernel time ts. */
static void sched_at(int tid, uint64_t ts)
{
	struct rec_sched *r = unit_begin(REC_SCHED, ts, tid, tgid_of(tid), sizeof(*r));

	r->delay_ns = 20000;
	r->cpu = 1;
	unit_feed(m);
}

/* REC_BLOCK of tid, completed at ts. */
static void block_at(int tid, uint64_t ts)
{
	struct rec_block *r = unit_begin(REC_BLOCK, ts, tid, tgid_of(tid), sizeof(*r));

	r->lat_ns = 300000;
	r->bytes = 4096;
	unit_feed(m);
}

/* REC_HIST of pid: n waits in slot 3. */
static void hist_rec(int pid, uint64_t n)
{
	struct rec_hist *h = begin(REC_HIST, pid, sizeof(*h));
	uint64_t slots[8] = { 0 };

	slots[3] = n;
	h->kind = HIST_SCHED;
	h->pid = pid;
	h->nslots = 8;
	rec_blob(&unit_rb, slots, sizeof(slots));
	unit_feed(m);
}

/* Processes in the model with pid. */
static size_t procs_with(int pid)
{
	size_t n, k = 0;
	struct proc *const *p = model_procs(m, &n);

	for (size_t i = 0; i < n; i++)
		k += p[i]->pid == pid;
	return k;
}

/* Position of the nth event of type among all events. */
static size_t ev_pos(enum ev_type type, size_t nth)
{
	const struct seen *e = ev_nth(type, nth);

	ck_assert_ptr_nonnull(e);
	return (size_t)(e - evs);
}

START_TEST(kernel_samples_after_an_exit_join_the_ended_task)
{
	const struct proc *child, *root;
	uint64_t before_exit;

	start(100);
	newtask(100, 101, SIGCHLD);
	newtask(100, 102, THREAD_FLAGS);
	open_file(101, 3, "/tmp/last", O_WRONLY);
	before_exit = now;
	exit_task(102, 0, false);
	exit_task(101, 0, true);
	child = proc(101);
	root = proc(100);
	/* the eBPF reader's samples, sampled before the exits, come after them */
	sched_at(101, before_exit);
	sched_at(102, before_exit + 10);
	block_at(101, before_exit + 20);
	ck_assert_uint_eq(nprocs(), 2);
	ck_assert_uint_eq(model_live_tasks(m), 1);
	ck_assert_ptr_eq(ev_nth(EV_SCHED, 0)->proc, child);
	ck_assert_int_eq(ev_nth(EV_SCHED, 0)->pid, 101);
	ck_assert_ptr_eq(ev_nth(EV_SCHED, 1)->proc, root);
	ck_assert_int_eq(ev_nth(EV_SCHED, 1)->tid, 102);
	ck_assert_ptr_eq(ev_one(EV_BLOCK)->proc, child);
	/* and the kernel's record of the child's last call, after its exit too */
	wr(101, 3, 100);
	ck_assert_uint_eq(file("/tmp/last")->wr, 100);
	ck_assert_ptr_eq(ev_one(EV_WRITE)->proc, child);
	ck_assert_uint_eq(nprocs(), 2);
	ck_assert_uint_eq(procs_with(101), 1);
	ck_assert(child->exited);
	ck_assert_uint_eq(model_live_tasks(m), 1);
	ck_assert_int_eq(root->threads, 2);
}
END_TEST

START_TEST(kernel_counts_after_an_exit_reach_the_ended_process_files)
{
	const struct proc *child;

	start(100);
	newtask(100, 101, SIGCHLD);
	open_file(101, 3, "/tmp/out", O_WRONLY);
	exit_task(101, 0, true);
	child = proc(101);
	io_rec(101, 3, FDK_FILE, 0, 0, 100, 1);  /* its fd's count, flushed at its exit */
	ck_assert_uint_eq(file("/tmp/out")->wr, 100);
	ck_assert_ptr_eq(ev_one(EV_WRITE)->proc, child);
	ck_assert_int_eq(ev_one(EV_WRITE)->pid, 101);
	ck_assert_uint_eq(nprocs(), 2);
	hist_rec(101, 7);                        /* its histogram, sent at its exit */
	ck_assert_uint_eq(model_latency(m, 101, HIST_SCHED)->count, 7);
	ck_assert_uint_eq(nprocs(), 2);
	ck_assert_uint_eq(model_live_tasks(m), 1);
}
END_TEST

START_TEST(kernel_samples_before_a_fork_wait_for_it)
{
	uint64_t t;

	start(100);
	t = now;
	tgids[102] = 100;
	sched_at(101, t + 10);                   /* the child ran before its fork record came */
	sched_at(102, t + 20);                   /* and so did the thread */
	block_at(101, t + 30);
	ck_assert_uint_eq(ev_count(EV_SCHED), 0);
	ck_assert_uint_eq(ev_count(EV_BLOCK), 0);
	ck_assert_uint_eq(nprocs(), 1);
	newtask(100, 101, SIGCHLD);
	ck_assert_uint_eq(ev_count(EV_SCHED), 1);
	ck_assert_uint_eq(ev_count(EV_BLOCK), 1);
	ck_assert_uint_lt(ev_pos(EV_FORK, 0), ev_pos(EV_SCHED, 0));
	ck_assert_ptr_eq(ev_nth(EV_SCHED, 0)->proc, proc(101));
	ck_assert_ptr_eq(ev_one(EV_BLOCK)->proc, proc(101));
	newtask(100, 102, THREAD_FLAGS);
	ck_assert_uint_eq(ev_count(EV_SCHED), 2);
	ck_assert_uint_lt(ev_pos(EV_THREAD, 0), ev_pos(EV_SCHED, 1));
	ck_assert_int_eq(ev_nth(EV_SCHED, 1)->tid, 102);
	ck_assert_ptr_eq(ev_nth(EV_SCHED, 1)->proc, proc(100));
	ck_assert_uint_eq(nprocs(), 2);
	ck_assert_int_eq(proc(100)->threads, 2);
	/* the counts are there at once */
	ck_assert_uint_eq(model_latency(m, 101, HIST_SCHED)->events, 1);
}
END_TEST

START_TEST(kernel_samples_of_a_task_never_seen_wait_a_bounded_time)
{
	start(100);
	sched_at(555, now + 10);                 /* no fork record will ever name it */
	sys(100, SYS_getpid, 100);
	ck_assert_uint_eq(ev_count(EV_SCHED), 0);
	now += 600000000;                        /* 0.6 s later */
	sys(100, SYS_getpid, 100);
	ck_assert_uint_eq(ev_count(EV_SCHED), 1);
	ck_assert_int_eq(ev_one(EV_SCHED)->pid, 555);
	ck_assert_ptr_null(ev_one(EV_SCHED)->proc);
	ck_assert_uint_eq(nprocs(), 1);
	sched_at(556, now + 10);                 /* the end releases what still waits */
	end_rec();
	ck_assert_uint_eq(ev_count(EV_SCHED), 2);
	sched_at(557, now + 10);                 /* and nothing waits after it */
	ck_assert_uint_eq(ev_count(EV_SCHED), 3);
	ck_assert_uint_eq(nprocs(), 1);
}
END_TEST

START_TEST(a_reused_pid_is_a_new_process_only_from_its_fork)
{
	const struct proc *old, *young;
	uint64_t ended;

	start(100);
	newtask(100, 101, SIGCHLD);
	exit_task(101, 0, true);
	ended = now;
	old = proc(101);
	sched_at(101, ended - 10);               /* late: the old one's */
	wr(101, 1, 5);                           /* late: the old one's, not a new process */
	ck_assert_uint_eq(procs_with(101), 1);
	ck_assert_ptr_eq(ev_nth(EV_SCHED, 0)->proc, old);
	ck_assert_ptr_eq(ev_one(EV_WRITE)->proc, old);
	now += 200000000;                        /* long after that exit... */
	sched_at(101, now);                      /* ...a sample of the pid's next process */
	ck_assert_uint_eq(ev_count(EV_SCHED), 1);
	newtask(100, 101, SIGCHLD);              /* its fork: a new process */
	young = proc(101);
	ck_assert_ptr_ne(young, old);
	ck_assert_uint_eq(procs_with(101), 2);
	ck_assert_ptr_eq(ev_nth(EV_SCHED, 1)->proc, young);
	sched_at(101, now);
	ck_assert_ptr_eq(ev_nth(EV_SCHED, 2)->proc, young);
	wr(101, 1, 5);
	ck_assert_ptr_eq(ev_nth(EV_WRITE, 1)->proc, young);
	ck_assert(old->exited);
	ck_assert(!young->exited);
	ck_assert_uint_eq(model_live_tasks(m), 2);
}
END_TEST

START_TEST(a_late_record_of_a_thread_gone_by_exec_stays_in_its_process)
{
	static const char *const argv[] = { "next", NULL };

	start(100);
	newtask(100, 101, THREAD_FLAGS);
	newtask(100, 102, THREAD_FLAGS);
	exec_as(100, 101, "/bin/next", argv);    /* 101 exec'd: it is 100 now, 102 is gone */
	sched_at(101, now - 10);
	sched_at(100, now - 5);
	ck_assert_uint_eq(ev_count(EV_SCHED), 2);
	ck_assert_ptr_eq(ev_nth(EV_SCHED, 0)->proc, proc(100));
	ck_assert_int_eq(ev_nth(EV_SCHED, 0)->tid, 101);
	ck_assert_uint_eq(nprocs(), 1);
}
END_TEST

START_TEST(ended_tasks_are_forgotten_after_a_while)
{
	start(100);
	for (int i = 0; i < 50; i++) {
		newtask(100, 200 + i, SIGCHLD);
		exit_task(200 + i, 0, true);
	}
	now += 6000000000ull;                    /* 6 s later */
	sys(100, SYS_getpid, 100);
	now += 6000000000ull;
	sys(100, SYS_getpid, 100);
	/* a record that late still never makes a process of its own */
	wr(230, 1, 5);
	ck_assert_uint_eq(procs_with(230), 1);
	ck_assert_ptr_eq(ev_one(EV_WRITE)->proc, proc(230));
	ck_assert_uint_eq(model_live_tasks(m), 1);
}
END_TEST

/* ---- memory ---- */

START_TEST(brk_growth_after_a_query_is_heap)
{
	const struct seen *e;
	const struct proc *p;

	start(100);
	sys(100, SYS_brk, 0x1000000, 0);
	ck_assert_uint_eq(ev_count(EV_BRK), 0);   /* a query is not growth */
	ck_assert_uint_eq(model_heap_bytes(m), 0);
	sys(100, SYS_brk, 0x1021000, 0x1021000);
	e = ev_one(EV_BRK);
	ck_assert_uint_eq(e->bytes, 0x21000);
	ck_assert_uint_eq(e->addr, 0x1021000);
	ck_assert_uint_eq(model_heap_bytes(m), 0x21000);
	sys(100, SYS_brk, 0x1042000, 0x1042000);
	ck_assert_uint_eq(model_heap_bytes(m), 0x42000);
	/* shrinking keeps the high-water mark */
	sys(100, SYS_brk, 0x1010000, 0x1010000);
	ck_assert_uint_eq(model_heap_bytes(m), 0x42000);
	p = proc(100);
	ck_assert_uint_eq(p->brk_start, 0x1000000);
	ck_assert_uint_eq(p->brk_max, 0x1042000);
	ck_assert_uint_eq(ev_count(EV_BRK), 3);
}
END_TEST

START_TEST(brk_growth_is_not_counted_twice_after_fork)
{
	/* parent grows its heap by 0x21000, forks, and the child grows its own
	 * (copied) heap by another 0x10000: 0x31000 of heap was added in all */
	start(100);
	sys(100, SYS_brk, 0x1000000, 0);
	sys(100, SYS_brk, 0x1021000, 0x1021000);
	newtask(100, 101, SIGCHLD);
	sys(101, SYS_brk, 0x1021000, 0);
	sys(101, SYS_brk, 0x1031000, 0x1031000);
	ck_assert_uint_eq(model_heap_bytes(m), 0x31000);
}
END_TEST

START_TEST(mmap_counts_bytes_and_regions)
{
	const struct seen *e;

	start(100);
	sys(100, SYS_mmap, 0x7f0000000000, 0, 8192, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	ck_assert_uint_eq(model_mmap_bytes(m), 8192);
	ck_assert_uint_eq(model_mmap_regions(m), 1);
	e = ev_one(EV_MMAP);
	ck_assert_uint_eq(e->addr, 0x7f0000000000);
	ck_assert_uint_eq(e->bytes, 8192);
	ck_assert(!e->has_obj);

	open_file(100, 3, "/lib.so", O_RDONLY);
	sys(100, SYS_mmap, 0x7f0000100000, 0, 4096, PROT_READ, MAP_PRIVATE, 3, 0);
	ck_assert_uint_eq(model_mmap_bytes(m), 12288);
	ck_assert_uint_eq(model_mmap_regions(m), 2);
	e = ev_nth(EV_MMAP, 1);
	ck_assert_int_eq(e->fd, 3);
	ck_assert_str_eq(e->obj_path, "/lib.so");
	ck_assert_uint_eq(file("/lib.so")->rd, 0);   /* mapping is not reading */

	sys(100, SYS_mmap, ERR(ENOMEM), 0, 1 << 30, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
	    (uint64_t)-1, 0);
	ck_assert_uint_eq(model_mmap_regions(m), 2);

	sys(100, SYS_mremap, 0x7f0000200000, 0x7f0000000000, 8192, 16384, MREMAP_MAYMOVE);
	ck_assert_uint_eq(model_mmap_bytes(m), 20480);
	ck_assert_uint_eq(model_mmap_regions(m), 2);
	ck_assert_uint_eq(ev_one(EV_MREMAP)->bytes, 16384);

	sys(100, SYS_munmap, 0, 0x7f0000200000, 16384);
	e = ev_one(EV_MUNMAP);
	ck_assert_uint_eq(e->addr, 0x7f0000200000);
	ck_assert_uint_eq(e->bytes, 16384);
	ck_assert_uint_eq(model_mmap_bytes(m), 20480);   /* bytes ever mapped */
}
END_TEST

/* ---- processes ---- */

/* REC_EXECINFO of tid: cwd and an environment of NUL-separated blob bytes. */
static void execinfo(int tid, const char *cwd, const char *env, size_t env_len, uint32_t flags)
{
	struct rec_execinfo *x = begin(REC_EXECINFO, tid, sizeof(*x));

	now -= 1000;   /* (the exec's time, as the engines send it) */
	((struct rec_hdr *)unit_rb.buf)->ts = now;
	x->flags = flags;
	x->cwd_len = (uint32_t)rec_blob(&unit_rb, cwd, strlen(cwd));
	x->env_len = (uint32_t)rec_blob(&unit_rb, env, env_len);
	unit_feed(m);
}

/* The change of name in ei, or NULL. */
static const struct envchange *change_of(const struct execinfo *ei, const char *name)
{
	for (size_t i = 0; i < ei->nchanges; i++)
		if (strncmp(ei->changes[i].var, name, strlen(name)) == 0 &&
		    ei->changes[i].var[strlen(name)] == '=')
			return &ei->changes[i];
	return NULL;
}

START_TEST(an_exec_keeps_its_cwd_env_changes_and_inherited_fds)
{
	static const char *const argv[] = { "child", NULL };
	static const char env1[] = "A=1\0B=2\0C=3\0C=shadowed\0";
	static const char env2[] = "A=1\0C=4\0D=5\0";
	const int32_t open_fds[] = { 0, 5, 7 };
	const struct execinfo *ei;
	const struct envchange *c;
	struct addr la = in4("10.0.0.1", 1000), ra = in4("10.0.0.2", 80);

	start(100);
	exec_prog(100, "/bin/parent", argv);
	execinfo(100, "/home", env1, sizeof(env1) - 1, 0);
	fd_rec(100, 0, FDK_CHR, FDW_INHERITED, "/dev/pts/3", NULL, NULL, 0);
	fdset(100, open_fds, 1);
	ei = model_execinfo(m, 100, UINT64_MAX);
	ck_assert_ptr_nonnull(ei);
	ck_assert_str_eq(ei->cwd, "/home");
	ck_assert_uint_eq(ei->nvars, 3);   /* C set twice counts once, as getenv sees it */
	ck_assert(!ei->has_parent);
	ck_assert(ei->fds_known);
	ck_assert_uint_eq(ei->nfds, 1);

	fd_rec(100, 5, FDK_PIPE, FDW_NEW, "pipe:[9]", NULL, NULL, 0);
	fd_rec(100, 7, FDK_TCP4, FDW_NEW, "", &la, &ra, 0);
	fd_rec(100, 8, FDK_FILE, FDW_NEW, "/tmp/cloexec", NULL, NULL, O_CLOEXEC);
	newtask(100, 101, SIGCHLD);
	exec_prog(101, "/bin/child", argv);
	execinfo(101, "/tmp/w", env2, sizeof(env2) - 1, 0);
	ck_assert_ptr_null(model_execinfo(m, 101, UINT64_MAX)->fds);   /* not before the fdset */
	fdset(101, open_fds, 3);
	exit_task(100, 0, true);   /* (its environment goes; the child's details stay) */

	ei = model_execinfo(m, 101, UINT64_MAX);
	ck_assert_ptr_nonnull(ei);
	ck_assert_str_eq(ei->cwd, "/tmp/w");
	ck_assert(ei->has_parent);
	ck_assert_uint_eq(ei->nvars, 3);
	ck_assert_uint_eq(ei->nchanges, 3);
	c = change_of(ei, "B");
	ck_assert(c && c->op == '-' && strcmp(c->var, "B=2") == 0);
	c = change_of(ei, "C");
	ck_assert(c && c->op == '~' && strcmp(c->var, "C=4") == 0 && strcmp(c->old, "C=3") == 0);
	c = change_of(ei, "D");
	ck_assert(c && c->op == '+' && strcmp(c->var, "D=5") == 0 && !c->old);
	ck_assert_ptr_null(change_of(ei, "A"));
	ck_assert_uint_eq(ei->nfds, 3);
	ck_assert_int_eq(ei->fds[0].fd, 0);
	ck_assert_str_eq(ei->fds[0].path, "/dev/pts/3");
	ck_assert_int_eq(ei->fds[1].fd, 5);
	ck_assert_int_eq(ei->fds[1].kind, FDK_PIPE);
	ck_assert_str_eq(ei->fds[1].path, "pipe:[9]");
	ck_assert_int_eq(ei->fds[2].kind, FDK_TCP4);
	ck_assert_str_eq(ei->fds[2].remote, "10.0.0.2:80");
	ck_assert_ptr_null(model_execinfo(m, 102, UINT64_MAX));
}
END_TEST

START_TEST(exit_statuses_are_kept_per_process_and_for_the_root)
{
	const struct proc *child;

	start(100);
	ck_assert_int_eq(model_root_status(m), -1);
	newtask(100, 101, SIGCHLD);
	newtask(100, 102, THREAD_FLAGS);
	exit_task(101, 3 << 8, true);
	child = proc(101);
	ck_assert(child->exited);
	ck_assert(WIFEXITED(child->status));
	ck_assert_int_eq(WEXITSTATUS(child->status), 3);
	ck_assert_int_eq(child->live, 0);
	ck_assert(!proc(100)->exited);
	ck_assert_int_eq(model_root_status(m), -1);

	exit_task(102, 0, false);
	ck_assert(!proc(100)->exited);
	signal_rec(100, SIGKILL);
	exit_task(100, SIGKILL, true);
	ck_assert(proc(100)->exited);
	ck_assert(WIFSIGNALED(proc(100)->status));
	ck_assert_int_eq(WTERMSIG(proc(100)->status), SIGKILL);
	ck_assert_int_eq(model_root_status(m), SIGKILL);
	ck_assert_ptr_eq(model_root(m), proc(100));
	ck_assert_uint_eq(model_live_tasks(m), 0);
	ck_assert_int_eq(ev_one(EV_SIGNAL)->status, SIGKILL);

	ck_assert_uint_eq(ev_count(EV_EXIT), 3);
	ck_assert_int_eq(ev_nth(EV_EXIT, 0)->status, 3 << 8);
	ck_assert(!ev_nth(EV_EXIT, 0)->thread);
	ck_assert(ev_nth(EV_EXIT, 1)->thread);
	ck_assert_int_eq(ev_nth(EV_EXIT, 2)->pid, 100);
	/* a second exit of a gone task is ignored */
	exit_task(101, 0, true);
	ck_assert_uint_eq(ev_count(EV_EXIT), 3);
	ck_assert_int_eq(WEXITSTATUS(proc(101)->status), 3);
}
END_TEST

START_TEST(start_and_end_records_describe_the_trace)
{
	static const char *const argv[] = { "/bin/sh", "-c", "true", NULL };
	struct rec_end *e;
	uint64_t stops, stopped;
	char *const *cmd;

	ck_assert_ptr_null(model_root(m));
	start_argv(100, argv);
	cmd = model_command(m);
	ck_assert_str_eq(cmd[0], "/bin/sh");
	ck_assert_str_eq(cmd[2], "true");
	ck_assert_ptr_null(cmd[3]);
	ck_assert(!model_attached(m));
	ck_assert_int_eq(model_root(m)->pid, 100);
	ck_assert_int_eq(model_root(m)->ppid, 1);   /* the tracer spawned it */
	ck_assert(!model_ended(m));
	ck_assert_ptr_null(model_notes(m) ? model_notes(m)[0] : NULL);

	sys(100, SYS_io_uring_setup, 4, 8, 0x8000);
	sys(100, SYS_io_uring_setup, 5, 8, 0x8000);
	ck_assert_ptr_nonnull(model_notes(m));
	ck_assert_ptr_nonnull(strstr(model_notes(m)[0], "io_uring"));
	ck_assert_ptr_null(model_notes(m)[1]);   /* noted once */

	e = begin(REC_END, 100, sizeof(*e));
	e->reason = END_KILLED;
	e->stops = 5;
	e->stopped_ns = 1234;
	unit_feed(m);
	ck_assert(model_ended(m));
	ck_assert_int_eq(model_end_reason(m), END_KILLED);
	model_tracer_cost(m, &stops, &stopped);
	ck_assert_uint_eq(stops, 5);
	ck_assert_uint_eq(stopped, 1234);
	ck_assert_uint_eq(model_duration(m), now - T0);
}
END_TEST

START_TEST(note_records_reach_the_notes)
{
	struct rec_note *n;

	start(100);
	n = begin(REC_NOTE, 100, sizeof(*n));
	n->kind = NOTE_WARN;
	n->text_len = (uint32_t)rec_blob(&unit_rb, "lost 3 events", 13);
	unit_feed(m);
	ck_assert_str_eq(model_notes(m)[0], "lost 3 events");
	ck_assert_ptr_null(model_notes(m)[1]);
}
END_TEST

START_TEST(records_before_start_are_ignored)
{
	wr(100, 1, 5);
	newtask(100, 101, SIGCHLD);
	ck_assert_uint_eq(nprocs(), 0);
	ck_assert_uint_eq(model_events(m), 0);
	ck_assert_uint_eq(nev, 0);
	ck_assert_uint_eq(model_live_tasks(m), 0);
}
END_TEST

START_TEST(record_for_an_unseen_tid_creates_the_task)
{
	start(100);
	fd_rec(555, 1, FDK_FILE, FDW_INHERITED, "/out555", NULL, NULL, O_WRONLY);
	wr(555, 1, 9);
	ck_assert_ptr_nonnull(proc(555));
	ck_assert_uint_eq(file("/out555")->wr, 9);
	ck_assert_uint_eq(model_live_tasks(m), 2);
	ck_assert_int_eq(ev_one(EV_WRITE)->pid, 555);
	/* an unseen thread of a known process joins it */
	tgids[556] = 100;
	wr(556, 1, 1);
	ck_assert_uint_eq(nprocs(), 2);
	ck_assert_int_eq(proc(100)->threads, 2);
	ck_assert_int_eq(ev_nth(EV_WRITE, 1)->pid, 100);
	/* an unseen task may also be a parent */
	newtask(777, 778, SIGCHLD);
	ck_assert_int_eq(proc(778)->ppid, 777);
	ck_assert_uint_eq(model_live_tasks(m), 5);
	exit_task(778, 0, true);
	exit_task(777, 0, true);
	ck_assert_uint_eq(model_live_tasks(m), 3);
}
END_TEST

START_TEST(verbose_mode_reports_every_syscall_with_its_duration)
{
	struct addr remote = in4("127.0.0.1", 1);
	const struct seen *e;

	start(100);
	model_set_verbose(m, true);
	sys(100, SYS_getpid, 100, 0);
	sys_addr(100, SYS_connect, ERR(ECONNREFUSED), &remote, 3, 0x3000, 16);
	ck_assert_uint_eq(ev_count(EV_SYSCALL), 2);
	e = ev_nth(EV_SYSCALL, 0);
	ck_assert_int_eq(e->nr, SYS_getpid);
	ck_assert_int_eq(e->ret, 100);
	ck_assert_uint_eq(e->dur, 500);
	ck_assert_str_eq(ev_nth(EV_SYSCALL, 1)->addr_text, "127.0.0.1:1");
	model_set_verbose(m, false);
	sys(100, SYS_getpid, 100, 0);
	ck_assert_uint_eq(ev_count(EV_SYSCALL), 2);
}
END_TEST

START_TEST(non_native_syscalls_are_not_interpreted)
{
	struct rec_syscall *s;

	start(100);
	open_file(100, 3, "/f", O_RDONLY);
	/* An i386 call with no x86_64 equivalent (the tracer sends nr -1):
	 * its number 3 must not be read as x86_64 close. */
	s = begin(REC_SYSCALL, 100, sizeof(*s));
	s->nr = -1;
	s->orig_nr = 3;
	s->arch = ARCH_I386;
	s->ret = 10;
	s->args[0] = 3;
	unit_feed(m);
	rd(100, 3, 1);
	ck_assert_uint_eq(file("/f")->rd, 1);   /* not closed, nothing read */
	/* i386 read (3), translated by the tracer to x86_64 read (0), counts. */
	s = begin(REC_SYSCALL, 100, sizeof(*s));
	s->nr = SYS_read;
	s->orig_nr = 3;
	s->arch = ARCH_I386;
	s->ret = 10;
	s->args[0] = 3;
	unit_feed(m);
	ck_assert_uint_eq(file("/f")->rd, 11);
}
END_TEST

START_TEST(event_and_kind_names_are_stable)
{
	ck_assert_str_eq(evdesc_name(EV_OPEN), "open");
	ck_assert_str_eq(evdesc_name(EV_COPY_FILE_RANGE), "copy_file_range");
	ck_assert_str_eq(evdesc_name(EV_SYSCALL), "syscall");
	ck_assert_str_eq(evdesc_name(EV_DELETE), "delete");
	ck_assert_str_eq(evdesc_name(EV_RENAME), "rename");
	ck_assert_str_eq(evdesc_name(EV_TYPE_MAX), "unknown");
	for (int t = 0; t < EV_TYPE_MAX; t++)
		ck_assert_ptr_nonnull(evdesc_name((enum ev_type)t));
	ck_assert_str_eq(model_kind_name(FDK_FILE), "file");
	ck_assert_str_eq(model_kind_name(FDK_PIPE), "pipe");
	ck_assert_str_eq(model_kind_name(FDK_UDP6), "udp6");
	ck_assert_str_eq(model_kind_name(-1), "unknown");
	ck_assert_str_eq(model_kind_name(FDK_MAX), "unknown");
	for (int k = 0; k < FDK_MAX; k++)
		ck_assert_ptr_nonnull(model_kind_name(k));
}
END_TEST

/* ---- robustness ---- */

static uint64_t rng_state;

/* xorshift64*: a small deterministic generator. */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* A plausible or hostile fd. */
static int rnd_fd(void)
{
	static const int odd[] = { -1, -100, 1 << 20, (1 << 20) - 1, 0x7fffffff, 70000 };
	uint64_t v = rnd();

	return v % 8 ? (int)(v >> 8) % 12 : odd[(v >> 8) % ARRAY_LEN(odd)];
}

START_TEST(random_record_streams_never_crash_the_model)
{
	static const int nrs[] = {
		SYS_read, SYS_write, SYS_pread64, SYS_readv, SYS_writev, SYS_recvfrom,
		SYS_sendto, SYS_recvmsg, SYS_sendmsg, SYS_recvmmsg, SYS_sendmmsg,
		SYS_sendfile, SYS_copy_file_range, SYS_splice, SYS_tee, SYS_open,
		SYS_openat, SYS_openat2, SYS_creat, SYS_open_by_handle_at, SYS_connect,
		SYS_accept, SYS_accept4, SYS_mmap, SYS_munmap, SYS_mremap, SYS_brk,
		SYS_close, SYS_close_range, SYS_dup, SYS_dup2, SYS_dup3, SYS_fcntl,
		SYS_io_uring_setup, SYS_getpid, SYS_unlinkat, SYS_rmdir, SYS_rename, SYS_renameat2,
	};
	static const char *const argv[] = { "a", "bb", NULL };
	static const int kinds_flags[] = { SIGCHLD, CLONE_FILES | SIGCHLD, THREAD_FLAGS,
					   CLONE_VM | CLONE_VFORK | SIGCHLD, CLONE_PARENT };
	struct addr a4 = in4("127.0.0.1", 80), a6 = in6("::1", 80), none = unspec();

	for (unsigned round = 0; round < 40; round++) {
		rng_state = 0x1234567ull + round;
		if (round) {
			model_free(m);
			m = model_new();
			model_set_observer(m, observe, &evs);
		}
		nev = 0;
		memset(tgids, 0, sizeof(tgids));
		start(100);
		model_set_verbose(m, round % 2);
		for (unsigned i = 0; i < 2000; i++) {
			int tid = 100 + (int)(rnd() % 6);
			uint64_t v = rnd();

			if (nev > ARRAY_LEN(evs) - 16)
				nev = 0;
			switch (v % 16) {
			case 0: {
				int child = 100 + (int)((v >> 8) % 6);
				if (child != tid)
					newtask(tid, child, (uint64_t)kinds_flags[(v >> 16) % 5]);
				break;
			}
			case 1:
				exec_as(tid, 100 + (int)((v >> 8) % 6), "/bin/x", argv);
				break;
			case 2: {
				int32_t fds[7];
				size_t n = (v >> 8) % 8;
				for (size_t k = 0; k < n; k++)
					fds[k] = rnd_fd();
				fdset(tid, fds, n);
				break;
			}
			case 3:
				exit_task(tid, (int)((v >> 8) % 512), (v >> 20) & 1);
				break;
			case 4:
				signal_rec(tid, (int)((v >> 8) % 65));
				break;
			case 5:
			case 6: {
				const struct addr *addrs[] = { NULL, &a4, &a6, &none };
				fd_rec(tid, rnd_fd(), (int)((v >> 8) % (FDK_MAX + 2)),
				       (int)((v >> 16) % 4), (v >> 24) & 1 ? "/p" : "socket:[1]",
				       addrs[(v >> 28) % 4], addrs[(v >> 32) % 4],
				       (uint32_t)((v >> 36) % 4));
				break;
			}
			case 7: {   /* producer records: latency, faults, losses, notes */
				static const enum rec_type other[] = {
					REC_SCHED, REC_BLOCK, REC_FAULT, REC_LOST, REC_HIST, REC_NOTE,
				};
				static const size_t fixed[] = {
					sizeof(struct rec_sched), sizeof(struct rec_block),
					sizeof(struct rec_fault), sizeof(struct rec_lost),
					sizeof(struct rec_hist), sizeof(struct rec_note),
				};
				static const uint64_t slots[64];
				size_t k = (v >> 8) % ARRAY_LEN(other);
				unsigned char *p = begin(other[k], tid, fixed[k]);

				for (size_t j = 0; j < fixed[k]; j++)
					p[j] = (unsigned char)rnd();
				if (other[k] == REC_HIST) {
					struct rec_hist *hs = (struct rec_hist *)p;
					hs->nslots = (uint32_t)(rnd() % 65);
					rec_blob(&unit_rb, slots, hs->nslots * sizeof(uint64_t));
				} else if (other[k] == REC_NOTE) {
					struct rec_note *n = (struct rec_note *)p;
					n->text_len = (uint32_t)rec_blob(&unit_rb, "note", rnd() % 5);
				}
				unit_feed(m);
				break;
			}
			default: {
				uint64_t args[6];
				int64_t ret;
				const struct addr *addr = (v >> 8) & 1 ? &a4 : (v >> 9) & 1 ? &none : NULL;

				for (int k = 0; k < 6; k++)
					args[k] = rnd() % 4 ? (uint64_t)rnd_fd() : rnd();
				switch ((v >> 10) % 4) {
				case 0: ret = -(int64_t)(rnd() % 4096); break;
				case 1: ret = (int64_t)(rnd() >> 1); break;
				default: ret = rnd_fd(); break;
				}
				sys_full(tid, nrs[(v >> 12) % ARRAY_LEN(nrs)], ret, args, addr,
					 (v >> 13) & 1 ? "/fail" : NULL, rnd() % 1000);
				break;
			}
			}
		}
		/* the summary accessors stay usable */
		{
			size_t n;
			struct proc *const *p = model_procs(m, &n);

			for (size_t k = 0; k < n; k++)
				ck_assert_ptr_nonnull(p[k]->argv);
			model_files(m, &n);
			model_conns(m, &n);
			(void)model_heap_bytes(m);
			(void)model_notes(m);
			ck_assert_uint_le(model_live_tasks(m), 6);
			ck_assert_uint_gt(model_events(m), 0);
		}
	}
}
END_TEST

/* The model test suite. */
static Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *files = tcase_create("files");
	TCase *tasks = tcase_create("tasks");
	TCase *net = tcase_create("net");
	TCase *mem = tcase_create("memory");
	TCase *procs = tcase_create("procs");
	TCase *robust = tcase_create("robustness");
	TCase *late = tcase_create("late and early records");
	TCase *all[] = { files, tasks, net, mem, procs, late, robust };

	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		tcase_add_checked_fixture(all[i], setup, teardown);
		suite_add_tcase(s, all[i]);
	}

	tcase_add_test(files, open_then_read_counts_file_bytes);
	tcase_add_test(files, a_stack_goes_with_the_next_call_of_its_thread_only);
	tcase_add_test(files, opening_the_same_path_twice_adds_to_one_entry);
	tcase_add_test(files, files_with_the_same_cut_path_stay_apart_by_device_and_inode);
	tcase_add_test(files, a_whole_path_is_one_file_even_when_made_anew);
	tcase_add_test(files, failed_open_reports_the_path_and_opens_nothing);
	tcase_add_test(files, unlink_unlinkat_and_rmdir_delete_a_name_failed_or_not);
	tcase_add_test(files, rename_renameat_and_renameat2_name_both_paths);
	tcase_add_test(files, a_delete_or_rename_without_paths_names_nothing);
	tcase_add_test(files, opened_for_write_only_without_io_is_mode_w);
	tcase_add_test(files, write_through_a_dup_counts_on_the_same_file);
	tcase_add_test(files, dup2_dup3_and_fcntl_dupfd_share_the_file);
	tcase_add_test(files, dup_of_an_unknown_fd_creates_nothing);
	tcase_add_test(files, unknown_fd_read_is_not_attributed);
	tcase_add_test(files, inherited_file_written_appears_with_mode_w);
	tcase_add_test(files, inherited_record_of_another_kind_replaces_the_object);
	tcase_add_test(files, open_path_flag_counts_as_opened_for_reading);
	tcase_add_test(files, kernel_counts_go_to_the_fd_s_file_with_their_calls);
	tcase_add_test(files, kernel_bytes_without_a_call_still_count);
	tcase_add_test(net, kernel_counts_on_a_socket_are_sends_and_receives_of_its_connection);
	tcase_add_test(files, kernel_counts_the_model_cannot_name_reach_only_the_totals);

	tcase_add_test(tasks, fd_inherited_across_fork_counts_for_child_and_child_close_is_private);
	tcase_add_test(tasks, clone_files_child_shares_opens_and_closes_with_parent);
	tcase_add_test(tasks, thread_shares_the_fd_table);
	tcase_add_test(tasks, vfork_child_gets_a_copy);
	tcase_add_test(tasks, close_range_closes_the_range);
	tcase_add_test(tasks, close_range_cloexec_only_marks);
	tcase_add_test(tasks, close_range_unshare_leaves_the_other_task_alone);
	tcase_add_test(tasks, exec_closes_fds_missing_from_the_fdset);
	tcase_add_test(tasks, fdset_with_an_odd_count_does_not_keep_fd_0);
	tcase_add_test(tasks, exec_unshares_a_clone_files_table);
	tcase_add_test(tasks, exec_from_a_non_leader_rekeys_the_task);
	tcase_add_test(tasks, exec_from_a_non_leader_leaves_one_live_task_in_the_process);

	tcase_add_test(net, connect_on_tcp4_makes_a_connection_and_counts_bytes);
	tcase_add_test(net, connect_on_tcp6_formats_the_remote);
	tcase_add_test(net, a_dns_reply_names_the_connection_to_its_address);
	tcase_add_test(net, a_dns_reply_over_tcp_is_put_together_from_its_pieces);
	tcase_add_test(net, the_hosts_file_names_addresses_but_never_over_dns);
	tcase_add_test(net, reads_of_the_hosts_file_name_addresses_across_their_ends);
	tcase_add_test(net, datagrams_by_address_make_one_flow_per_peer);
	tcase_add_test(net, connect_in_progress_counts_as_a_connection);
	tcase_add_test(net, refused_connect_makes_no_connection);
	tcase_add_test(net, accept_makes_an_accepted_connection);
	tcase_add_test(net, udp_connect_to_unspec_dissolves_the_association);
	tcase_add_test(net, in_progress_send_moves_no_bytes);
	tcase_add_test(net, pipes_and_unix_sockets_count_as_ipc);
	tcase_add_test(net, character_devices_count_nowhere);
	tcase_add_test(net, sendfile_copy_file_range_splice_and_tee_attribute_both_sides);
	tcase_add_test(net, sendmmsg_and_recvmmsg_count_aux_bytes_not_messages);

	tcase_add_test(mem, brk_growth_after_a_query_is_heap);
	tcase_add_test(mem, brk_growth_is_not_counted_twice_after_fork);
	tcase_add_test(mem, mmap_counts_bytes_and_regions);
	tcase_add_test(mem, faults_are_attributed_to_heap_anon_and_file_regions);
	tcase_add_test(mem, a_fault_sampled_before_munmap_finds_the_unmapped_region);
	tcase_add_test(mem, a_child_fault_before_its_fork_record_goes_to_the_child);
	tcase_add_test(mem, exec_maps_snapshot_names_the_image_and_a_growing_stack);
	tcase_add_test(mem, kernel_writes_while_loading_a_program_wait_for_its_maps);
	tcase_add_test(mem, an_unexplained_fault_waits_only_a_little);
	tcase_add_test(mem, a_kernel_engine_child_fault_waits_for_the_batch_with_its_fork);
	tcase_add_test(mem, faults_running_ahead_of_the_kernel_batches_keep_waiting);
	tcase_add_test(mem, without_maps_no_regions_are_kept);
	tcase_add_test(mem, perf_losses_are_counted);
	tcase_add_test(mem, faults_of_a_never_seen_process_count_at_the_end_and_after_it_none);
	tcase_add_test(mem, faults_count_per_mapping_not_per_name);
	tcase_add_test(mem, a_mapping_cut_in_pieces_or_moved_counts_as_one);
	tcase_add_test(mem, summaries_list_faults_per_mapping_with_its_range);

	tcase_add_test(procs, exit_statuses_are_kept_per_process_and_for_the_root);
	tcase_add_test(procs, an_exec_keeps_its_cwd_env_changes_and_inherited_fds);
	tcase_add_test(procs, start_and_end_records_describe_the_trace);
	tcase_add_test(procs, note_records_reach_the_notes);
	tcase_add_test(procs, records_before_start_are_ignored);
	tcase_add_test(procs, record_for_an_unseen_tid_creates_the_task);
	tcase_add_test(procs, verbose_mode_reports_every_syscall_with_its_duration);
	tcase_add_test(procs, non_native_syscalls_are_not_interpreted);
	tcase_add_test(procs, event_and_kind_names_are_stable);

	tcase_add_test(late, kernel_samples_after_an_exit_join_the_ended_task);
	tcase_add_test(late, kernel_counts_after_an_exit_reach_the_ended_process_files);
	tcase_add_test(late, kernel_samples_before_a_fork_wait_for_it);
	tcase_add_test(late, kernel_samples_of_a_task_never_seen_wait_a_bounded_time);
	tcase_add_test(late, a_reused_pid_is_a_new_process_only_from_its_fork);
	tcase_add_test(late, a_late_record_of_a_thread_gone_by_exec_stays_in_its_process);
	tcase_add_test(late, ended_tasks_are_forgotten_after_a_while);

	tcase_add_test(robust, random_record_streams_never_crash_the_model);
	tcase_set_timeout(robust, 120);
	return s;
}

/* Run the suite; exit status is non-zero on any failure. */
int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
