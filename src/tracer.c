/* tracer.c - the ptrace producer thread.
 *
 * One thread owns every tracee: it forks the command (or attaches to a
 * process), waits for stops, copies out of the stopped task what dies with
 * the stop (return values, paths, addresses, what a new fd refers to) into
 * records, and resumes the task at once.  It never formats text, never looks
 * at the model, and never allocates per stop.  For a spawned command a
 * seccomp filter makes only the system calls the model needs stop at all.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/nsfs.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "colocate.h"
#include "evq.h"
#include "execinfo.h"
#include "fdinfo.h"
#include "maps.h"
#include "freezer.h"
#include "hmap.h"
#ifdef HAVE_EBPF
#include "kengine.h"
#endif
#include "pathwalk.h"
#include "procfs.h"
#include "record.h"
#include "sockaddr.h"
#include "stack.h"
#include "sysent.h"
#include "tracer.h"
#include "util.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

#define FLUSH_NS 10000000   /* records wait at most this long for the consumer */
#define IO_TICK_NS 50000000 /* and the kernel's captures, while nothing stops, */
#define IO_BUSY_NS 2000000  /* or this long while they come (less to drain at a stop) */

extern char **environ;

enum {
	T_KNOWN = 1 << 0,    /* origin known: root, attached, or parent's event seen */
	T_STARTED = 1 << 1,  /* its first stop was seen */
	T_HELD = 1 << 2,     /* parked at its first stop until its origin is known */
	T_INSYS = 1 << 3,    /* between a syscall's entry and exit */
	T_PREEXEC = 1 << 4,  /* the spawned root before its execve */
	T_DETACH = 1 << 5,   /* interrupted; detach at its next stop */
	T_PARKED = 1 << 6,   /* held stopped by TRACER_STOP; sig waits in parked_sig */
	T_FORKING = 1 << 7,  /* entered fork/vfork/clone; its event is still due */
};

/* A thread under ptrace: its stop state and the call it is in. */
struct tracee {
	pid_t tid;           /* 0: free slot */
	pid_t tgid;
	uint32_t st;
	int32_t nr;          /* x86_64 number (translated for i386 calls) */
	int32_t orig_nr;
	uint8_t arch;
	uint64_t args[6];
	uint64_t entry_ts;
	uint64_t aux;
	int parked_sig;
	char *exec_call;     /* from an exec's entry to its event: the path it was given,
			      * the same made absolute, its argv[0] (NUL-separated) */
};

struct tracer {
	struct kengine *k;       /* the kernel engine instead (o.engine): all else unused */
	struct tracer_opts o;
	struct evq *q;
	pthread_t thread;
	sem_t started;
	int start_err;
	atomic_int cmd;          /* enum tracer_cmd bits not yet handled */
	atomic_int root_live;    /* the root process until its end is seen, else 0 */
	timer_t timer;           /* SIGUSR2 to this thread: time to flush the queue */
	long timer_ns;           /* its period now (0: stopped) */
	uint64_t spin_ns;        /* current adaptive spin budget */
	uint64_t spin_misses;
	bool waited;             /* the stop being handled was not there at the first look */
	struct colocate *co;     /* keeps this thread on the CPU of the tasks it serves */
	pid_t root;
	int root_status;
	int err_fd;              /* spawn: the child's exec errno arrives here */
	bool killing, detaching, frozen;
	pid_t dead_forker;       /* tgid of the last task that died while forking */
	struct sigaction usr_was[2];   /* SIGUSR1/2 as the command must get them */
	struct tracee *tracees;  /* open-addressed by tid */
	size_t cap, ntracees;
	uint64_t stops, stopped_ns, since_flush;
	uint64_t resumed_ns;     /* when the task whose stop is being handled was resumed (0: not yet) */
	pid_t stop_tid;          /* the task whose stop is being handled (0: none) */
	bool io;                 /* the kernel captures the read/write, mmap and open families */
	bool io_busy;            /* the last tick found captures: look again soon */
	bool holding;            /* we hold the command frozen (o.freezer) */
	uint64_t io_got;         /* records the kernel's captures gave so far */
	uint64_t last_ts;        /* time of the newest record queued */
	unsigned char want[512]; /* syscall numbers the model needs (bitmap) */
	struct stack_unwinder *unw;   /* --stack: the stacks taken at stops */
	uint64_t *stack_copy;    /* --stack: the top of a stopped task's stack */
	struct imap dns_fds;     /* tgid << 32 | fd -> 1: a socket connected to port 53 */
	struct imap unbound;     /* tgid << 32 | fd -> 1: a UDP socket not bound yet */
	struct recbuf rb;
	char path[REC_PATH_MAX + 64];   /* (at least PATHWALK_MIN) */
	char blob[REC_ARGV_MAX + 1];   /* (procfs_argv's room) */
};

/* ---- tracee table ---- */

/* Slot of tid (hash probe start). */
static size_t tracee_slot(const struct tracer *t, pid_t tid)
{
	return ((size_t)tid * 2654435761u) & (t->cap - 1);
}

/* The task with this tid, or NULL. */
static struct tracee *tracee_find(struct tracer *t, pid_t tid)
{
	for (size_t i = tracee_slot(t, tid);; i = (i + 1) & (t->cap - 1)) {
		if (t->tracees[i].tid == tid)
			return &t->tracees[i];
		if (t->tracees[i].tid == 0)
			return NULL;
	}
}

/* Insert without growing; tid must be absent. */
static struct tracee *tracee_insert(struct tracer *t, pid_t tid)
{
	size_t i = tracee_slot(t, tid);

	while (t->tracees[i].tid)
		i = (i + 1) & (t->cap - 1);
	memset(&t->tracees[i], 0, sizeof(t->tracees[i]));
	t->tracees[i].tid = tid;
	t->tracees[i].nr = -1;
	t->ntracees++;
	return &t->tracees[i];
}

/* Double the table. */
static void tracee_grow(struct tracer *t)
{
	struct tracee *old = t->tracees;
	size_t oldcap = t->cap;

	t->cap = oldcap ? oldcap * 2 : 64;
	t->tracees = xcalloc(t->cap, sizeof(*t->tracees));
	t->ntracees = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].tid)
			*tracee_insert(t, old[i].tid) = old[i];
	free(old);
}

/* Find or add the task for tid. */
static struct tracee *tracee_get(struct tracer *t, pid_t tid)
{
	struct tracee *tk = t->cap ? tracee_find(t, tid) : NULL;

	if (tk)
		return tk;
	if ((t->ntracees + 1) * 2 > t->cap)
		tracee_grow(t);
	tk = tracee_insert(t, tid);
	tk->tgid = tid;
	return tk;
}

/* Remove a task, shifting back the probe chain behind it. */
static void tracee_del(struct tracer *t, struct tracee *tk)
{
	size_t i = (size_t)(tk - t->tracees), j = i;

	free(tk->exec_call);
	tk->exec_call = NULL;
	t->tracees[i].tid = 0;
	t->ntracees--;
	for (;;) {
		j = (j + 1) & (t->cap - 1);
		if (!t->tracees[j].tid)
			return;
		size_t k = tracee_slot(t, t->tracees[j].tid);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			t->tracees[i] = t->tracees[j];
			t->tracees[j].tid = 0;
			i = j;
		}
	}
}

/* ---- records ---- */

/* With a freezer (--ebpf): hold the command frozen once the queue is half
 * full, and let it go once the consumer has it down to a quarter, so the
 * kernel's captures wait in the program rather than overflow its ring.
 * Checked every 256 records and at every tick (IO_BUSY_NS while held). */
static void throttle(struct tracer *t)
{
	size_t used, cap;
	bool hold;

	if (!t->o.freezer)
		return;
	used = evq_used(t->q);
	cap = evq_capacity(t->q);
	hold = t->ntracees > 0 && (t->holding ? used > cap / 4 : used >= cap / 2);
	if (hold && !t->holding)
		freezer_hold(t->o.freezer, FREEZER_TRACER_QUEUE);
	else if (!hold && t->holding)
		freezer_release(t->o.freezer, FREEZER_TRACER_QUEUE);
	else if (hold)
		freezer_sweep(t->o.freezer);   /* (what was forked since the hold) */
	t->holding = hold;
}

/* Push the record in t->rb; batch the consumer's wake-ups. */
static void emit(struct tracer *t)
{
	uint64_t ts = ((struct rec_hdr *)t->rb.buf)->ts;

	if (ts > t->last_ts)
		t->last_ts = ts;
	rec_finish(&t->rb);
	evq_put(t->q, t->rb.buf, t->rb.len);
	if (++t->since_flush >= 256) {
		evq_flush(t->q);
		t->since_flush = 0;
		throttle(t);
	}
}

/* Copy len bytes of tracee memory at addr; returns bytes copied or -errno. */
static ssize_t peek(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n;

	if (!addr || !len)
		return 0;
	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n >= 0)
		return n;
	/* Fallback for tracees that cannot be read that way (undumpable). */
	n = 0;
	errno = 0;
	while ((size_t)n < len) {
		long w = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)(addr + (uint64_t)n), NULL);
		size_t c = len - (size_t)n < sizeof(w) ? len - (size_t)n : sizeof(w);

		if (errno)
			return n ? n : -errno;
		memcpy((char *)buf + n, &w, c);
		n += (ssize_t)c;
	}
	return n;
}

/* Read a NUL-terminated string of the tracee (cut at cap - 1 bytes);
 * returns its length, or -EFAULT when memory ends before its NUL (the
 * call itself fails so: nothing of it is kept). */
static ssize_t peek_str(pid_t tid, uint64_t addr, char *buf, size_t cap)
{
	size_t got = 0;

	while (got + 1 < cap) {
		/* Read up to the next page boundary so we never fault across. */
		size_t chunk = 4096 - ((addr + got) & 4095);
		ssize_t n;
		char *nul;

		if (chunk > cap - 1 - got)
			chunk = cap - 1 - got;
		n = peek(tid, addr + got, buf + got, chunk);
		if (n <= 0) {
			buf[0] = '\0';
			return -EFAULT;
		}
		nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return nul - buf;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

/* An fd of the directory a path argument of tid starts from: its root
 * when absolute, else its cwd or dirfd; -1 when gone. */
static int base_dir(pid_t tid, int dirfd, bool absolute)
{
	char p[64];

	if (absolute)
		snprintf(p, sizeof(p), "/proc/%d/root", (int)tid);
	else if (dirfd == AT_FDCWD)
		snprintf(p, sizeof(p), "/proc/%d/cwd", (int)tid);
	else
		snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tid, dirfd);
	return open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* The directory of the name tk's open call was given, if that name is the
 * file st now (not a symlink to it, not renamed since), with "/name" in
 * tail (NAME_MAX + 2 bytes); -1 if not. */
static int named_dir(struct tracee *tk, const struct stat *st, char *tail, size_t *tlen)
{
	bool at = tk->nr == SYS_openat || tk->nr == SYS_openat2;
	char arg[4096], *slash, *name;
	struct stat e;
	int base, dir;

	if (peek_str(tk->tid, at ? tk->args[1] : tk->args[0], arg, sizeof(arg)) <= 0)
		return -1;
	slash = strrchr(arg, '/');
	name = slash ? slash + 1 : arg;
	if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strlen(name) > NAME_MAX)
		return -1;
	base = base_dir(tk->tid, at ? (int)tk->args[0] : AT_FDCWD, arg[0] == '/');
	dir = base;
	if (base >= 0 && slash) {
		*slash = '\0';
		slash = arg + strspn(arg, "/");   /* (relative to the root fd) */
		dir = openat(base, *slash ? slash : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(base);
	}
	if (dir >= 0 && (fstatat(dir, name, &e, AT_SYMLINK_NOFOLLOW) < 0 ||
			 e.st_dev != st->st_dev || e.st_ino != st->st_ino)) {
		close(dir);
		dir = -1;
	}
	*tlen = dir < 0 ? 0 : (size_t)snprintf(tail, NAME_MAX + 2, "/%s", name);
	return dir;
}

/* Is nr an open-family call whose path argument names the fd it returns? */
static bool opens_path(long nr)
{
	return nr == SYS_open || nr == SYS_creat || nr == SYS_openat || nr == SYS_openat2;
}

/* Path of tk's fd when readlink cannot give it (longer than a page), into
 * t->path: walked up from the fd itself when a directory, else from the
 * directory of the name its open call was given (named: fd is what an
 * open-family call of tk returned); REC_PATH_CUT alone when neither. */
static ssize_t long_fd_path(struct tracer *t, struct tracee *tk, int fd, bool named)
{
	char p[64], tail[NAME_MAX + 2];
	struct stat st;
	size_t tlen = 0;
	int self, dir = -1;

	snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tk->tid, fd);
	self = open(p, O_PATH | O_CLOEXEC);
	if (self >= 0 && fstat(self, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			dir = self;   /* walked from itself */
			self = -1;
		} else if (named) {
			dir = named_dir(tk, &st, tail, &tlen);
		}
	}
	if (self >= 0)
		close(self);
	tlen = pathwalk_name(dir, tail, tlen, t->path, sizeof(t->path));
	if (dir >= 0)
		close(dir);
	return (ssize_t)tlen;
}

/* Emit a REC_FD describing fd of task tk.  kind_hint (socket()) may be 0. */
static void describe_fd(struct tracer *t, struct tracee *tk, uint64_t ts, int fd,
			enum rec_fd_why why, uint8_t kind_hint)
{
	ssize_t plen = procfs_fd_link(tk->tid, fd, t->path, sizeof(t->path));
	uint32_t flags = 0;

	if (plen == -ENAMETOOLONG)   /* named only for exit_extras' open calls */
		plen = long_fd_path(t, tk, fd, why == FDW_NEW && opens_path(tk->nr));
	if (plen < 0)
		plen = 0;
	if (why == FDW_INHERITED)
		procfs_fd_flags(tk->tid, fd, &flags);
	fdinfo_record(&t->rb, ts, tk->tid, tk->tgid, fd, why, kind_hint, t->path, (size_t)plen, flags);
	emit(t);
	if (why == FDW_NEW && fdinfo_hosts_record(&t->rb, ts, tk->tid, tk->tgid, fd, t->path,
						  (size_t)plen))
		emit(t);
}

/* Describe every fd a task has (at start, attach, or after exec). */
static void describe_all_fds(struct tracer *t, struct tracee *tk, uint64_t ts, bool describe)
{
	int fds[1025];
	int n = procfs_list_fds(tk->tid, fds, 1024);

	if (n < 0)
		n = 0;
	if (n > 1024)
		n = 1024;
	if (n % 2)
		fds[n++] = -1;   /* pad to the record alignment with a non-fd */
	if (describe)
		for (int i = 0; i < n; i++)
			describe_fd(t, tk, ts, fds[i], FDW_INHERITED, 0);
	rec_begin(&t->rb, REC_FDSET, ts, tk->tid, tk->tgid, 0);
	rec_blob(&t->rb, fds, (size_t)n * sizeof(int));
	emit(t);
}

/* ---- which syscalls matter ---- */

static const int wanted_syscalls[] = {
	SYS_read, SYS_write, SYS_pread64, SYS_pwrite64, SYS_readv, SYS_writev,
	SYS_preadv, SYS_pwritev, SYS_preadv2, SYS_pwritev2,
	SYS_open, SYS_openat, SYS_openat2, SYS_creat, SYS_open_by_handle_at,
	SYS_close, SYS_close_range, SYS_dup, SYS_dup2, SYS_dup3, SYS_fcntl, SYS_ioctl,
	SYS_socket, SYS_socketpair, SYS_connect, SYS_bind, SYS_accept, SYS_accept4,
	SYS_sendto, SYS_recvfrom, SYS_sendmsg, SYS_recvmsg, SYS_sendmmsg, SYS_recvmmsg,
	SYS_sendfile, SYS_copy_file_range, SYS_splice, SYS_tee,
	SYS_pipe, SYS_pipe2, SYS_eventfd, SYS_eventfd2, SYS_signalfd, SYS_signalfd4,
	SYS_timerfd_create, SYS_epoll_create, SYS_epoll_create1, SYS_inotify_init,
	SYS_inotify_init1, SYS_fanotify_init, SYS_memfd_create, SYS_userfaultfd,
	SYS_pidfd_open, SYS_pidfd_getfd, SYS_perf_event_open, SYS_io_uring_setup,
	SYS_memfd_secret, SYS_io_uring_enter, SYS_mq_open, SYS_fsopen, SYS_fsmount, SYS_fspick, SYS_open_tree,
	SYS_landlock_create_ruleset,
	SYS_mmap, SYS_munmap, SYS_mremap, SYS_brk,
	SYS_clone, SYS_clone3, SYS_fork, SYS_vfork, SYS_execve, SYS_execveat,
	SYS_unlink, SYS_unlinkat, SYS_rmdir, SYS_rename, SYS_renameat, SYS_renameat2,
	SYS_unshare,
};

/* Is nr one the model needs? */
static bool wanted(const struct tracer *t, long nr)
{
	return nr >= 0 && nr < 4096 && (t->want[nr / 8] & (1u << (nr % 8)));
}

/* Does a successful nr return a new fd? */
static bool returns_fd(long nr)
{
	switch (nr) {
	case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat:
	case SYS_open_by_handle_at: case SYS_eventfd: case SYS_eventfd2:
	case SYS_signalfd: case SYS_signalfd4: case SYS_timerfd_create:
	case SYS_epoll_create: case SYS_epoll_create1: case SYS_inotify_init:
	case SYS_inotify_init1: case SYS_fanotify_init: case SYS_memfd_create:
	case SYS_userfaultfd: case SYS_pidfd_open: case SYS_pidfd_getfd:
	case SYS_perf_event_open: case SYS_io_uring_setup: case SYS_memfd_secret:
	case SYS_mq_open: case SYS_fsopen: case SYS_fsmount: case SYS_fspick:
	case SYS_open_tree: case SYS_landlock_create_ruleset:
		return true;
	default:
		return false;
	}
}

/* The ioctl commands that return a new fd: a pseudo-terminal's other end
 * (script, tmux and expect open theirs so), a namespace's owner or parent. */
static const unsigned fd_ioctls[] = { TIOCGPTPEER, NS_GET_USERNS, NS_GET_PARENT };
#define N_FD_IOCTLS (sizeof(fd_ioctls) / sizeof(fd_ioctls[0]))

static bool ioctl_returns_fd(uint64_t cmd)
{
	for (size_t i = 0; i < N_FD_IOCTLS; i++)
		if ((unsigned)cmd == fd_ioctls[i])
			return true;
	return false;
}

/* Syscalls the filter lets run without a stop although the model reads
 * them when they do stop (--no-seccomp, -v): close is implied by the next
 * fd-creating call that reuses the number, fcntl matters only for its
 * F_DUPFD commands and ioctl for those above, which the filter checks by
 * argument.  (execve and
 * execveat stop at their entry, where the path and argv[0] they were given
 * are read: a script's exec event shows only its interpreter's; with the
 * filter a failed one is not shown, its exit not waited for.) */
static bool stop_free(long nr)
{
	return nr == SYS_close || nr == SYS_fcntl || nr == SYS_ioctl;
}

/* Calls the kernel captures instead under --ebpf (bpf/ioacct.bpf.c's set;
 * openat2, open_by_handle_at and socketpair still stop):
 * they never stop; sendto and recvfrom only when called without an
 * address (the filter looks at args[4]), since the address is read here. */
static bool io_free(long nr)
{
	switch (nr) {
	case SYS_read: case SYS_write: case SYS_pread64: case SYS_pwrite64:
	case SYS_readv: case SYS_writev: case SYS_preadv: case SYS_pwritev:
	case SYS_preadv2: case SYS_pwritev2: case SYS_sendto: case SYS_recvfrom:
	case SYS_mmap: case SYS_munmap: case SYS_mremap: case SYS_brk:
	case SYS_open: case SYS_openat: case SYS_creat: case SYS_pipe: case SYS_pipe2:
		return true;
	default:
		return false;
	}
}

/* Does the filter let nr run without a stop? */
static bool filter_free(long nr, bool io)
{
	return stop_free(nr) || (io && io_free(nr));
}

/* Append a BPF instruction to f. */
static void bpf_add(struct sock_filter *f, size_t *i, struct sock_filter insn)
{
	f[(*i)++] = insn;
}

/* Jump instruction to targets yes and no from position i. */
static struct sock_filter jump_to(size_t i, unsigned k, size_t yes, size_t no)
{
	return (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k,
					    (unsigned char)(yes - i - 1), (unsigned char)(no - i - 1));
}

/* Load the 32-bit word at offset off of struct seccomp_data. */
static struct sock_filter load_word(size_t off)
{
	return (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)off);
}

/* Build the seccomp program: trace the calls the model needs, allow the rest.
 * With io, the read/write, mmap and open families are the kernel's to capture:
 * they are allowed, sendto and recvfrom only when their address is NULL. */
static struct sock_filter *build_filter(bool io, unsigned short *len)
{
	size_t n = sizeof(wanted_syscalls) / sizeof(wanted_syscalls[0]);
	struct sock_filter *f = xcalloc(n + 24 + N_FD_IOCTLS, sizeof(*f));
	size_t i = 0, k, listed = 0, fcntl_at, ioctl_at, addr_at, allow, trace;
	size_t addr4 = offsetof(struct seccomp_data, args[4]);

	for (k = 0; k < n; k++)
		listed += !filter_free(wanted_syscalls[k], io);
	/* Layout: 5 head, listed JEQs, 4 for fcntl, 2 + N_FD_IOCTLS for ioctl, 6
	 * for the addresses (io), then ALLOW and TRACE. */
	fcntl_at = 5 + listed;
	ioctl_at = fcntl_at + 4;
	addr_at = ioctl_at + 2 + N_FD_IOCTLS;
	allow = addr_at + (io ? 6 : 0);
	trace = allow + 1;
	bpf_add(f, &i, load_word(offsetof(struct seccomp_data, arch)));
	bpf_add(f, &i, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
	bpf_add(f, &i, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
	bpf_add(f, &i, load_word(offsetof(struct seccomp_data, nr)));
	bpf_add(f, &i, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT,
						   (unsigned char)(trace - i - 1), 0));
	for (k = 0; k < n; k++)
		if (!filter_free(wanted_syscalls[k], io))
			bpf_add(f, &i, jump_to(i, (unsigned)wanted_syscalls[k], trace, i + 1));
	/* fcntl: only its dup commands make an fd. */
	bpf_add(f, &i, jump_to(i, SYS_fcntl, i + 1, ioctl_at));
	bpf_add(f, &i, load_word(offsetof(struct seccomp_data, args[1])));
	bpf_add(f, &i, jump_to(i, F_DUPFD, trace, i + 1));
	bpf_add(f, &i, jump_to(i, F_DUPFD_CLOEXEC, trace, allow));
	/* ioctl: only the commands that make an fd. */
	bpf_add(f, &i, jump_to(i, SYS_ioctl, i + 1, addr_at));
	bpf_add(f, &i, load_word(offsetof(struct seccomp_data, args[1])));
	for (k = 0; k < N_FD_IOCTLS; k++)
		bpf_add(f, &i, jump_to(i, fd_ioctls[k], trace, k + 1 < N_FD_IOCTLS ? i + 1 : allow));
	if (io) {
		/* sendto/recvfrom: stop when args[4] (the address) is not NULL. */
		bpf_add(f, &i, jump_to(i, SYS_sendto, i + 2, i + 1));
		bpf_add(f, &i, jump_to(i, SYS_recvfrom, i + 1, allow));
		bpf_add(f, &i, load_word(addr4));
		bpf_add(f, &i, jump_to(i, 0, i + 1, trace));
		bpf_add(f, &i, load_word(addr4 + 4));
		bpf_add(f, &i, jump_to(i, 0, allow, trace));
	}
	bpf_add(f, &i, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	bpf_add(f, &i, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
	*len = (unsigned short)i;
	return f;
}

/* Calls whose result the model takes from ptrace events instead (the new
 * task, the new image), so their exit needs no stop of its own. */
static bool exit_unneeded(long nr)
{
	return nr == SYS_clone || nr == SYS_clone3 || nr == SYS_fork || nr == SYS_vfork ||
	       nr == SYS_execve || nr == SYS_execveat;
}

/* ---- resuming ---- */

/* Restart a stopped task, delivering sig. */
static void resume(struct tracer *t, struct tracee *tk, int sig)
{
	int op = (t->o.trace_all || (tk->st & T_INSYS)) && !t->killing ? PTRACE_SYSCALL : PTRACE_CONT;

	if (tk->st & T_DETACH) {
		ptrace(PTRACE_DETACH, tk->tid, 0, sig);
		tracee_del(t, tk);
		return;
	}
	if (t->frozen && !t->killing) {
		tk->st |= T_PARKED;
		tk->parked_sig = sig;
		return;
	}
	if (tk->tid != t->stop_tid) {   /* a new child, or parked tasks all at once */
		ptrace(op, tk->tid, 0, sig);
		return;
	}
	/* (lent, this thread may run again only when the task stops again) */
	t->resumed_ns = util_now_ns();
	colocate_lend(t->co);
	ptrace(op, tk->tid, 0, sig);
	colocate_return(t->co);
}

/* ---- syscall stops ---- */

/* Under the seccomp filter a CLONE_UNTRACED child would get ENOSYS from
 * every trapped call, since no tracer answers for it: clear the flag, so
 * the child is traced like any other (as it is under strace -f). */
static void keep_traced(struct tracee *tk, const uint64_t *args)
{
	struct user_regs_struct regs;
	uint64_t flags = 0;

	if (tk->nr == SYS_clone) {
		if (!(args[0] & CLONE_UNTRACED) || ptrace(PTRACE_GETREGS, tk->tid, 0, &regs) < 0)
			return;
		regs.rdi &= ~(unsigned long long)CLONE_UNTRACED;
		ptrace(PTRACE_SETREGS, tk->tid, 0, &regs);
		return;
	}
	if (peek(tk->tid, args[0], &flags, sizeof(flags)) == sizeof(flags) && (flags & CLONE_UNTRACED))
		ptrace(PTRACE_POKEDATA, tk->tid, (void *)(uintptr_t)args[0],
		       (void *)(uintptr_t)(flags & ~(uint64_t)CLONE_UNTRACED));
}

#define STACK_COPY_PAGE 4096
#define STACK_COPY_PAGES 4

/* Copy the pages of tid's memory from at up into buf (STACK_COPY_PAGES
 * pages), up to the first that cannot be read; the bytes copied. */
static size_t copy_stack(pid_t tid, uint64_t at, void *buf)
{
	struct iovec local = { buf, STACK_COPY_PAGE * STACK_COPY_PAGES };
	struct iovec remote[STACK_COPY_PAGES];
	ssize_t n;

	for (int i = 0; i < STACK_COPY_PAGES; i++)
		remote[i] = (struct iovec){ (void *)(uintptr_t)(at + (uint64_t)i * STACK_COPY_PAGE),
					    STACK_COPY_PAGE };
	n = process_vm_readv(tid, &local, 1, remote, STACK_COPY_PAGES, 0);
	return n > 0 ? (size_t)n : 0;
}

/* Send the stack of stopped task tk (--stack), for the call it is in. */
static void take_stack(struct tracer *t, struct tracee *tk, uint64_t ts, uint16_t flags)
{
	struct user_regs_struct regs;
	struct stack_input in = { .tid = tk->tid, .pid = tk->tgid, .flags = flags,
				  .nr = (uint16_t)tk->nr };

	if (ptrace(PTRACE_GETREGS, tk->tid, 0, &regs) < 0)
		return;
	stack_regs_from_user(in.regs, &regs);
	/* The top of the stack in one read: libdw would read a word at a time. */
	in.copy_at = regs.rsp & ~(uint64_t)(STACK_COPY_PAGE - 1);
	in.copy_len = copy_stack(tk->tid, in.copy_at, t->stack_copy);
	in.copy = t->stack_copy;
	if (stack_capture(t->unw, &in, ts, &t->rb) == 0)
		emit(t);
}

/* Calls after which a process's modules may not be what its unwinder knows. */
static void stack_mapping_changed(struct tracer *t, const struct tracee *tk, int64_t ret)
{
	long nr = tk->nr;

	if (ret >= 0 && (nr == SYS_munmap || nr == SYS_mremap ||
			 (nr == SYS_mmap && (tk->args[2] & PROT_EXEC))))
		stack_forget(t->unw, tk->tgid);
}

static size_t arg_path(struct tracer *t, struct tracee *tk, size_t off, int dirfd, uint64_t addr,
		       uint8_t *flags);

/* At an exec's entry: the path it was given, the same made absolute, and
 * its argv[0], for its exec event (exec_as_called).  A path relative to a
 * dirfd is left out: the kernel names such a program /dev/fd/N/PATH. */
static void note_exec_call(struct tracer *t, struct tracee *tk, const uint64_t *args)
{
	bool at = tk->nr == SYS_execveat;
	char name[4096], argv0[4096];
	uint64_t a0 = 0;
	ssize_t n = peek_str(tk->tid, args[at], name, sizeof(name)), m = 0;
	const char *first = argv0;
	size_t p, flen;
	uint8_t flags = 0;

	free(tk->exec_call);
	tk->exec_call = NULL;
	if (n <= 0 || (at && name[0] != '/' && (int)args[0] != AT_FDCWD))
		return;
	/* (no argv: the kernel gives the program an empty argv[0]) */
	argv0[0] = '\0';
	if (peek(tk->tid, args[at + 1], &a0, sizeof(a0)) == sizeof(a0) && a0 &&
	    (m = peek_str(tk->tid, a0, argv0, sizeof(argv0))) < 0)
		first = name;   /* (unreadable: as a shell passes it) */
	p = arg_path(t, tk, 0, AT_FDCWD, args[at], &flags);
	if (!p || (flags & SYSF_UNREADABLE))
		return;
	flen = strlen(first) + 1;
	tk->exec_call = xmalloc((size_t)n + 1 + p + 1 + flen);
	memcpy(tk->exec_call, name, (size_t)n + 1);
	memcpy(tk->exec_call + n + 1, t->blob, p);
	tk->exec_call[n + 1 + p] = '\0';
	memcpy(tk->exec_call + n + 1 + p + 1, first, flen);
}

/* Save a syscall's entry; read what the exit will need. */
static void on_entry(struct tracer *t, struct tracee *tk, const struct __ptrace_syscall_info *si,
		     uint64_t nr, const uint64_t *args, uint64_t ts)
{
	/* A call interrupted at attach comes back as restart_syscall: keep
	 * the name read from /proc/TID/syscall. */
	if (nr == SYS_restart_syscall && si->arch == AUDIT_ARCH_X86_64 && (tk->st & T_INSYS) &&
	    tk->nr >= 0)
		return;
	tk->st |= T_INSYS;
	tk->st &= ~T_FORKING;
	tk->arch = si->arch == AUDIT_ARCH_I386 ? ARCH_I386 :
		   (nr & __X32_SYSCALL_BIT) ? ARCH_X32 : ARCH_X86_64;
	tk->orig_nr = (int32_t)nr;
	tk->nr = tk->arch == ARCH_X32 ? -1 : (int32_t)sysent_native(tk->arch == ARCH_I386, (long)nr);
	if (tk->nr == SYS_clone || tk->nr == SYS_clone3 || tk->nr == SYS_fork || tk->nr == SYS_vfork)
		tk->st |= T_FORKING;
	if (!t->o.trace_all && exit_unneeded(tk->nr))
		tk->st &= ~T_INSYS;   /* resume without asking for the exit stop */
	memcpy(tk->args, args, sizeof(tk->args));
	tk->entry_ts = ts;
	tk->aux = 0;
	if ((tk->nr == SYS_clone || tk->nr == SYS_clone3) && !t->o.trace_all)
		keep_traced(tk, args);
	/* clone3's flags and openat2's open flags live in a struct. */
	if (tk->nr == SYS_clone3 || tk->nr == SYS_openat2)
		peek(tk->tid, tk->nr == SYS_clone3 ? args[0] : args[2], &tk->aux, sizeof(tk->aux));
	if ((tk->nr == SYS_execve || tk->nr == SYS_execveat) && tk->arch == ARCH_X86_64)
		note_exec_call(t, tk, args);
	/* An exec's stack is the old program's: only its entry has it. */
	if (t->unw && (tk->nr == SYS_execve || tk->nr == SYS_execveat) && tk->arch == ARCH_X86_64 &&
	    !(tk->st & T_PREEXEC) && stack_wanted(t->o.stack, tk->nr, 0, args))
		take_stack(t, tk, ts, STACK_F_ENTRY);
}

/* Read the fd pair a pipe/socketpair call filled in and describe both. */
static void describe_pair(struct tracer *t, struct tracee *tk, uint64_t ts, uint64_t addr, uint8_t kind)
{
	int fds[2];

	if (peek(tk->tid, addr, fds, sizeof(fds)) != sizeof(fds))
		return;
	describe_fd(t, tk, ts, fds[0], FDW_NEW, kind);
	describe_fd(t, tk, ts, fds[1], FDW_NEW, kind);
}

/* What this file reads of a struct msghdr: its address, its iovecs and
 * its control bytes. */
struct msg_parts {
	uint64_t name, iov, iovlen, control, controllen;
	uint32_t namelen;
};

/* Read the struct msghdr at addr in the task's layout (an i386 call's:
 * 28 bytes of 32-bit fields); false when it cannot be read. */
static bool read_msghdr(const struct tracee *tk, uint64_t addr, struct msg_parts *m)
{
	struct msghdr mh;
	uint32_t h[7];

	if (tk->arch == ARCH_I386) {
		if (peek(tk->tid, addr, h, sizeof(h)) != sizeof(h))
			return false;
		*m = (struct msg_parts){ h[0], h[2], h[3], h[4], h[5], h[1] };
		return true;
	}
	if (peek(tk->tid, addr, &mh, sizeof(mh)) != sizeof(mh))
		return false;
	*m = (struct msg_parts){ (uint64_t)(uintptr_t)mh.msg_name,
				 (uint64_t)(uintptr_t)mh.msg_iov, mh.msg_iovlen,
				 (uint64_t)(uintptr_t)mh.msg_control, mh.msg_controllen,
				 mh.msg_namelen };
	return true;
}

/* Describe the fds passed in with SCM_RIGHTS by a recvmsg.  Its control
 * messages are walked by hand: an i386 call's have 12-byte headers of
 * 32-bit fields, 4-byte aligned (x86_64: 16 and 8). */
static void describe_scm_rights(struct tracer *t, struct tracee *tk, uint64_t ts, uint64_t msgaddr)
{
	const bool i386 = tk->arch == ARCH_I386;
	const size_t hdr = i386 ? 12 : sizeof(struct cmsghdr), align = i386 ? 4 : sizeof(size_t);
	struct msg_parts m;
	size_t len, at = 0;

	if (!read_msghdr(tk, msgaddr, &m) || !m.control)
		return;
	len = m.controllen < sizeof(t->blob) ? (size_t)m.controllen : sizeof(t->blob);
	if (peek(tk->tid, m.control, t->blob, len) != (ssize_t)len)
		return;
	while (at + hdr <= len) {
		uint64_t clen = 0;
		int level, type;

		memcpy(&clen, t->blob + at, i386 ? 4 : 8);
		memcpy(&level, t->blob + at + (i386 ? 4 : 8), sizeof(int));
		memcpy(&type, t->blob + at + (i386 ? 8 : 12), sizeof(int));
		/* Another tracee thread can rewrite the buffer after the kernel
		 * filled it: trust no length that leaves the bytes we copied. */
		if (clen < hdr || clen > len - at)
			break;
		for (size_t i = 0; level == SOL_SOCKET && type == SCM_RIGHTS &&
		     hdr + (i + 1) * sizeof(int) <= clen; i++) {
			int fd;
			memcpy(&fd, t->blob + at + hdr + i * sizeof(int), sizeof(int));
			describe_fd(t, tk, ts, fd, FDW_NEW, 0);
		}
		at += (size_t)(clen + align - 1) & ~(align - 1);
	}
}

/* The size of a struct mmsghdr in the task's layout (an i386 call's: 32). */
static size_t mmsghdr_size(bool compat)
{
	return compat ? 32 : sizeof(struct mmsghdr);
}

/* Bytes moved by a sendmmsg/recvmmsg that handled n messages: the sum of
 * each struct mmsghdr's msg_len, after its struct msghdr (56 bytes; 28 in
 * the 32-bit layout, compat, whose struct mmsghdr is 32 bytes). */
static uint64_t mmsg_bytes(pid_t tid, uint64_t addr, long n, bool compat)
{
	const size_t size = mmsghdr_size(compat);
	const size_t at = compat ? 28 : offsetof(struct mmsghdr, msg_len);
	unsigned char m[64 * sizeof(struct mmsghdr)];
	uint64_t total = 0;

	while (n > 0) {
		long c = n > 64 ? 64 : n;
		if (peek(tid, addr, m, (size_t)c * size) != (ssize_t)((size_t)c * size))
			break;
		for (long i = 0; i < c; i++) {
			uint32_t len;
			memcpy(&len, m + (size_t)i * size + at, sizeof(len));
			total += len;
		}
		n -= c;
		addr += (uint64_t)c * size;
	}
	return total;
}

/* Absolute form of a path argument (cwd or dirfd based), into t->blob at
 * off; the base walked up when longer than a page.  Returns its length;
 * adds SYSF_UNREADABLE to *flags (and puts nothing) when it cannot be read. */
static size_t arg_path(struct tracer *t, struct tracee *tk, size_t off, int dirfd, uint64_t addr,
		       uint8_t *flags)
{
	char *out = t->blob + off;
	ssize_t got = peek_str(tk->tid, addr, out + 1, 4096), b;
	size_t n = got > 0 ? (size_t)got : 0;
	int dir;

	if (got < 0)
		*flags |= SYSF_UNREADABLE;
	if (!n || out[1] == '/') {
		memmove(out, out + 1, n);
		return n;
	}
	b = dirfd == AT_FDCWD ? procfs_cwd(tk->tid, t->path, 4096)
			      : procfs_fd_link(tk->tid, dirfd, t->path, 4096);
	out[0] = '/';
	if (b == -ENAMETOOLONG) {
		dir = base_dir(tk->tid, dirfd, false);
		b = (ssize_t)pathwalk_name(dir, out, n + 1, t->path, sizeof(t->path));
		if (dir >= 0)
			close(dir);
		memcpy(out, t->path, (size_t)b);
		return (size_t)b;
	}
	if (b < 0) {
		memmove(out, out + 1, n);
		return n;
	}
	if (b == 1)
		b = 0;   /* the root: "/name", not "//name" */
	memmove(out + b, out, n + 1);
	memcpy(out, t->path, (size_t)b);
	return (size_t)b + n + 1;
}

/* Which arguments of call nr are paths the model shows (dir[i]: the
 * argument that is its dirfd, -1 for the cwd): an open's or exec's when it
 * failed (a new fd names its own file), a deleted or renamed name always.
 * Returns how many (at most 2). */
static int path_args(long nr, int64_t ret, int dir[2], int arg[2])
{
	dir[0] = -1;
	arg[0] = 0;
	switch (nr) {
	case SYS_open: case SYS_creat: case SYS_execve:
		return ret < 0;
	case SYS_unlink: case SYS_rmdir:
		return 1;
	case SYS_openat: case SYS_openat2: case SYS_execveat:
		if (ret >= 0)
			return 0;
		/* fall through */
	case SYS_unlinkat:
		dir[0] = 0;
		arg[0] = 1;
		return 1;
	case SYS_rename:
		dir[1] = -1;
		arg[1] = 1;
		return 2;
	case SYS_renameat: case SYS_renameat2:
		dir[0] = 0;
		arg[0] = 1;
		dir[1] = 2;
		arg[1] = 3;
		return 2;
	default:
		return 0;
	}
}

/* The path arguments of the call tk finished, made absolute, into t->blob
 * (two are separated by a NUL); returns their length (see arg_path for
 * flags). */
static size_t path_blob(struct tracer *t, struct tracee *tk, int64_t ret, uint8_t *flags)
{
	int dir[2], arg[2], n = path_args(tk->nr, ret, dir, arg);
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		if (i)
			t->blob[len++] = '\0';
		len += arg_path(t, tk, len, dir[i] < 0 ? AT_FDCWD : (int)tk->args[dir[i]],
				tk->args[arg[i]], flags);
	}
	return len;
}

/* Socket address argument of a connect/bind/sendto, into t->path; adds
 * SYSF_UNREADABLE to *flags (and puts nothing) when it cannot be read. */
static size_t addr_arg(struct tracer *t, struct tracee *tk, uint64_t addr, uint64_t len,
		       uint8_t *flags)
{
	ssize_t n;

	if (len > 128)
		len = 128;
	n = len ? peek(tk->tid, addr, t->path, (size_t)len) : 0;
	if (n < (ssize_t)len) {
		*flags |= SYSF_UNREADABLE;
		return 0;
	}
	return (size_t)n;
}

/* The peer address of a connect, bind, sendto, recvfrom, sendmsg or
 * recvmsg that returned ret, into t->path (see addr_arg); its length. */
static size_t call_addr(struct tracer *t, struct tracee *tk, int64_t ret, uint8_t *flags)
{
	const uint64_t *a = tk->args;
	struct msg_parts m;
	socklen_t len;

	switch (tk->nr) {
	case SYS_connect: case SYS_bind:
		return addr_arg(t, tk, a[1], a[2], flags);
	case SYS_sendto:
		return a[4] ? addr_arg(t, tk, a[4], a[5], flags) : 0;
	case SYS_recvfrom:   /* the kernel filled the address in */
		if (ret < 0 || !a[4] || !a[5] || peek(tk->tid, a[5], &len, sizeof(len)) != sizeof(len))
			return 0;
		return addr_arg(t, tk, a[4], len, flags);
	case SYS_sendmsg: case SYS_recvmsg:
		if (ret < 0 || !read_msghdr(tk, a[1], &m) || !m.name)
			return 0;
		return addr_arg(t, tk, m.name, m.namelen, flags);
	default:
		return 0;
	}
}

/* Where the bytes a receiving call put start and how many of them are
 * in that one place (the first iovec of a vector); false for another call. */
static bool recv_buf(struct tracee *tk, int64_t ret, uint64_t *at, uint64_t *n)
{
	const uint64_t *a = tk->args;
	struct msg_parts m;
	struct iovec v;
	uint32_t v32[2];
	uint64_t iov = a[1];

	*n = (uint64_t)ret;
	switch (tk->nr) {
	case SYS_read: case SYS_recvfrom:
		*at = a[1];
		return true;
	case SYS_recvmsg:
		if (!read_msghdr(tk, a[1], &m) || !m.iovlen)
			return false;
		iov = m.iov;
		/* fall through */
	case SYS_readv:
		if (tk->arch == ARCH_I386) {   /* (its struct iovec: two 32-bit fields) */
			if (peek(tk->tid, iov, v32, sizeof(v32)) != sizeof(v32))
				return false;
			v = (struct iovec){ (void *)(uintptr_t)v32[0], v32[1] };
		} else if (peek(tk->tid, iov, &v, sizeof(v)) != sizeof(v))
			return false;
		*at = (uint64_t)(uintptr_t)v.iov_base;
		*n = v.iov_len < *n ? v.iov_len : *n;
		return true;
	default:
		return false;
	}
}

/* Keep track of the sockets connected to a DNS server's port (alen bytes
 * of the connect's address in t->path), and forget an fd number made anew. */
static void dns_track(struct tracer *t, struct tracee *tk, int64_t ret, size_t alen)
{
	long nr = tk->nr;
	int fd = nr == SYS_connect ? (int)tk->args[0] : (int)ret;
	uint64_t key = (uint64_t)(uint32_t)tk->tgid << 32 | (uint32_t)fd;

	if (nr == SYS_connect && (ret == 0 || ret == -EINPROGRESS) &&
	    sockaddr_port(t->path, alen) == 53)
		imap_put(&t->dns_fds, key, (void *)1);
	else if ((nr == SYS_connect || (ret >= 0 && (returns_fd(nr) || nr == SYS_socket ||
			nr == SYS_accept || nr == SYS_accept4))) && t->dns_fds.n)
		imap_del(&t->dns_fds, key);
}

/* A call that received ret bytes from a DNS server (an address of port 53
 * in t->path, alen bytes, or a socket connected to one): a REC_DATA with
 * the first REC_DATA_DNS_MAX of them, which name the addresses it asked for. */
static void dns_reply(struct tracer *t, struct tracee *tk, int64_t ret, uint64_t ts, size_t alen)
{
	uint64_t key = (uint64_t)(uint32_t)tk->tgid << 32 | (uint32_t)tk->args[0], at, n;
	unsigned char data[REC_DATA_DNS_MAX];
	struct rec_data *r;
	ssize_t got;

	if (ret <= 0 ||
	    !((alen && sockaddr_port(t->path, alen) == 53) ||
	      (t->dns_fds.n && imap_get(&t->dns_fds, key))) ||
	    !recv_buf(tk, ret, &at, &n))
		return;
	got = peek(tk->tid, at, data, n < sizeof(data) ? (size_t)n : sizeof(data));
	if (got <= 0)
		return;
	r = rec_begin(&t->rb, REC_DATA, ts, tk->tid, tk->tgid, sizeof(*r));
	r->fd = (int32_t)tk->args[0];
	r->kind = DATA_DNS;
	r->len = (uint32_t)got;
	r->total = (uint32_t)ret;
	rec_blob(&t->rb, data, (size_t)got);
	emit(t);
}

/* Does the tracee's struct sockaddr at addr say AF_UNSPEC (a connect that
 * dissolves a datagram socket's association, and its binding)? */
static bool unspec(struct tracee *tk, uint64_t addr)
{
	sa_family_t family;

	return peek(tk->tid, addr, &family, sizeof(family)) == sizeof(family) && family == AF_UNSPEC;
}

/* Follow the UDP sockets not bound yet: the first send to an address binds
 * one to a port of the kernel's choice, and it is described again after it
 * (its local address, before the call's record).  A stale entry (the fd
 * closed and made anew) costs only a needless description. */
static void unbound_track(struct tracer *t, struct tracee *tk, int64_t ret, uint64_t ts)
{
	long nr = tk->nr;
	int fd = nr == SYS_socket ? (int)ret : (int)tk->args[0];
	uint64_t key = (uint64_t)(uint32_t)tk->tgid << 32 | (uint32_t)fd;
	int kind;

	if (ret < 0)
		return;
	if (nr == SYS_socket) {
		kind = fdinfo_sock_kind((int)tk->args[0], (int)tk->args[1]);
		if (kind == FDK_UDP4 || kind == FDK_UDP6)
			imap_put(&t->unbound, key, (void *)1);
	} else if (nr == SYS_connect && unspec(tk, tk->args[1])) {
		imap_put(&t->unbound, key, (void *)1);   /* dissolved: unbound again */
	} else if (t->unbound.n && (nr == SYS_bind || nr == SYS_connect)) {
		imap_del(&t->unbound, key);
	} else if (t->unbound.n && (nr == SYS_sendto || nr == SYS_sendmsg || nr == SYS_sendmmsg) &&
		   imap_get(&t->unbound, key)) {
		imap_del(&t->unbound, key);
		describe_fd(t, tk, ts, fd, FDW_UPDATE, 0);
	}
}

/* Records a finished syscall needs besides itself (new fds, addresses). */
static void exit_extras(struct tracer *t, struct tracee *tk, int64_t ret, uint64_t ts)
{
	long nr = tk->nr;
	const uint64_t *a = tk->args;

	if (ret >= 0 && (returns_fd(nr) || (nr == SYS_ioctl && ioctl_returns_fd(a[1])))) {
		describe_fd(t, tk, ts, (int)ret, FDW_NEW, 0);
	} else if (ret >= 0 && nr == SYS_socket) {
		describe_fd(t, tk, ts, (int)ret, FDW_NEW, fdinfo_sock_kind((int)a[0], (int)a[1]));
	} else if (ret >= 0 && (nr == SYS_accept || nr == SYS_accept4)) {
		describe_fd(t, tk, ts, (int)ret, FDW_NEW, 0);
	} else if (ret == 0 && (nr == SYS_pipe || nr == SYS_pipe2)) {
		describe_pair(t, tk, ts, a[0], FDK_PIPE);
	} else if (ret == 0 && nr == SYS_socketpair) {
		describe_pair(t, tk, ts, a[3], fdinfo_sock_kind((int)a[0], (int)a[1]));
	} else if ((ret == 0 || ret == -EINPROGRESS) && (nr == SYS_connect || nr == SYS_bind)) {
		describe_fd(t, tk, ts, (int)a[0], FDW_UPDATE, 0);
	} else if ((ret >= 0 || ret == -EINPROGRESS) &&
		   ((nr == SYS_sendto && (a[3] & MSG_FASTOPEN)) ||
		    (nr == SYS_sendmsg && (a[2] & MSG_FASTOPEN)))) {
		describe_fd(t, tk, ts, (int)a[0], FDW_UPDATE, 0);   /* TCP Fast Open: connected */
	} else if (ret > 0 && nr == SYS_io_uring_enter) {
		/* Operations in the ring may have opened or closed fds. */
		describe_all_fds(t, tk, ts, true);
	} else if (ret > 0 && (nr == SYS_sendmmsg || nr == SYS_recvmmsg)) {
		tk->aux = mmsg_bytes(tk->tid, a[1], ret, tk->arch != ARCH_X86_64);
		for (int64_t i = 0; nr == SYS_recvmmsg && i < ret; i++)   /* each one's fds */
			describe_scm_rights(t, tk, ts, a[1] + (uint64_t)i *
					    mmsghdr_size(tk->arch != ARCH_X86_64));
	} else if (ret > 0 && nr == SYS_recvmsg) {
		describe_scm_rights(t, tk, ts, a[1]);
	}
}

/* Emit the record of a finished syscall. */
static void on_exit_stop(struct tracer *t, struct tracee *tk, int64_t ret, uint64_t ts)
{
	struct rec_syscall *r;
	size_t alen = 0, plen = 0;
	uint8_t flags = 0;
	long nr = tk->nr;

	/* A call cut short by our own hold (F5 stops the program with
	 * PTRACE_INTERRUPT; a flood's hold freezes its cgroup) runs again once
	 * the program goes on, as if never cut: no call yet, and a
	 * restart_syscall after it is this call going on (on_entry). */
	if (rec_interrupted(ret) && (t->frozen || (t->o.freezer && freezer_held(t->o.freezer))))
		return;
	tk->st &= ~T_INSYS;
	if ((tk->nr < 0 && !t->o.verbose) || (tk->st & T_PREEXEC))
		return;
	if (!t->o.verbose && !wanted(t, nr))
		return;
	if (nr >= 0 && !rec_interrupted(ret)) {
		exit_extras(t, tk, ret, ts);
		unbound_track(t, tk, ret, ts);
		alen = call_addr(t, tk, ret, &flags);
		dns_track(t, tk, ret, alen);
		dns_reply(t, tk, ret, ts, alen);
		plen = path_blob(t, tk, ret, &flags);
	}
	if (t->unw && tk->arch == ARCH_X86_64 && !rec_interrupted(ret)) {
		if (stack_wanted(t->o.stack, nr, ret, tk->args))
			take_stack(t, tk, ts, 0);
		stack_mapping_changed(t, tk, ret);
	}
	r = rec_begin(&t->rb, REC_SYSCALL, ts, tk->tid, tk->tgid, sizeof(*r));
	r->nr = tk->nr;
	r->orig_nr = tk->orig_nr;
	r->arch = tk->arch;
	r->flags = flags;
	r->ret = ret;
	memcpy(r->args, tk->args, sizeof(r->args));
	r->entry_ts = tk->entry_ts;
	r->aux = tk->aux;
	r->addr_len = (uint16_t)alen;
	r->path_len = (uint16_t)plen;
	rec_blob(&t->rb, t->path, alen);
	rec_blob(&t->rb, t->blob, plen);
	emit(t);
}

/* A syscall-entry, syscall-exit or seccomp stop. */
static void on_syscall_stop(struct tracer *t, struct tracee *tk, uint64_t ts)
{
	struct __ptrace_syscall_info si = { 0 };   /* valgrind cannot see the kernel fill it */

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tk->tid, sizeof(si), &si) <= 0)
		return;
	switch (si.op) {
	case PTRACE_SYSCALL_INFO_ENTRY:
		on_entry(t, tk, &si, si.entry.nr, si.entry.args, ts);
		break;
	case PTRACE_SYSCALL_INFO_SECCOMP:
		on_entry(t, tk, &si, si.seccomp.nr, si.seccomp.args, ts);
		break;
	case PTRACE_SYSCALL_INFO_EXIT:
		if (tk->st & T_INSYS)
			on_exit_stop(t, tk, si.exit.rval, ts);
		break;
	default:
		break;
	}
}

/* ---- ptrace events ---- */

static void release_orphans(struct tracer *t, uint64_t ts);

/* A task's first stop: hold it until we know where it came from. */
static void on_first_stop(struct tracer *t, struct tracee *tk, uint64_t ts)
{
	tk->st |= T_STARTED;
	if (t->killing || t->detaching) {
		/* Born while we let go of everything: it goes the same way. */
		if (t->killing)
			kill(tk->tid, SIGKILL);
		tk->st |= t->detaching ? T_DETACH : 0;
		resume(t, tk, 0);
		return;
	}
	if (!(tk->st & T_KNOWN)) {
		tk->st |= T_HELD;
		release_orphans(t, ts);
		return;
	}
	resume(t, tk, 0);
}

/* PTRACE_EVENT_FORK/VFORK/CLONE in the parent. */
static void on_newtask(struct tracer *t, struct tracee *parent, int event, uint64_t ts)
{
	unsigned long msg = 0;
	struct rec_newtask *r;
	struct tracee *child;
	uint64_t flags;
	pid_t ptgid = parent->tgid, ptid = parent->tid;

	parent->st &= ~T_FORKING;
	ptrace(PTRACE_GETEVENTMSG, ptid, 0, &msg);
	if (parent->nr == SYS_clone || parent->nr == SYS_clone3)
		flags = parent->nr == SYS_clone3 ? parent->aux : parent->args[0];
	else if (event == PTRACE_EVENT_VFORK)
		flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
	else
		flags = SIGCHLD;
	child = tracee_find(t, (pid_t)msg);
	if ((child && (child->st & T_KNOWN)) || (!child && (t->detaching || t->killing)))
		return;   /* released as an orphan, or its first stop will let it go */
	child = tracee_get(t, (pid_t)msg);   /* may move parent */
	child->tgid = (flags & CLONE_THREAD) ? ptgid : (pid_t)msg;
	r = rec_begin(&t->rb, REC_NEWTASK, ts, ptid, ptgid, sizeof(*r));
	r->child = (int32_t)msg;
	r->kind = event == PTRACE_EVENT_FORK ? NT_FORK : event == PTRACE_EVENT_VFORK ? NT_VFORK : NT_CLONE;
	r->flags = flags;
	emit(t);
	if (t->io && t->o.io_fork && !(flags & CLONE_THREAD))
		t->o.io_fork(t->o.io_ctx, ptgid, (pid_t)msg);
	child->st |= T_KNOWN;
	if (child->st & T_HELD) {
		child->st &= ~T_HELD;
		resume(t, child, 0);
	}
}

/* Queue one record of the maps reader (its rec_put_fn). */
static void put_maps(void *ctx, const struct rec_hdr *h)
{
	struct tracer *t = ctx;

	memcpy(t->rb.buf, h, h->len);
	t->rb.len = h->len;
	emit(t);
}

/* Send /proc/PID/maps of a stopped task: the regions no system call made. */
static void emit_maps(struct tracer *t, const struct tracee *tk, uint64_t ts)
{
	maps_records(tk->tid, tk->tgid, ts, put_maps, t);
}

/* PTRACE_EVENT_EXEC: the process now runs a new program. */
static void on_exec(struct tracer *t, struct tracee *tk, uint64_t ts)
{
	unsigned long old = 0;
	struct rec_exec *r;
	ssize_t elen;
	static char script[4096];   /* (one tracer thread) */
	size_t slen = 0, argv_len;
	bool first = tk->st & T_PREEXEC, cut;

	ptrace(PTRACE_GETEVENTMSG, tk->tid, 0, &old);
	if ((pid_t)old != tk->tid) {
		/* A non-leader exec'd: it took over the leader's pid, and its
		 * syscall state (the execve it is in) moves with it. */
		pid_t pid = tk->tid;
		struct tracee *o = tracee_find(t, (pid_t)old);

		if (o) {
			struct tracee saved = *o;

			o->exec_call = NULL;   /* (saved has it) */
			tracee_del(t, o);
			tk = tracee_find(t, pid);
			free(tk->exec_call);
			saved.tid = pid;
			*tk = saved;
		}
	}
	tk->st &= ~T_PREEXEC;
	if (t->unw)
		stack_forget(t->unw, tk->tgid);
	elen = procfs_exe(tk->tid, t->path, 4096);
	argv_len = procfs_argv(tk->tid, t->blob, &cut);
	r = rec_begin(&t->rb, REC_EXEC, ts, tk->tid, tk->tgid, sizeof(*r));
	r->old_tid = (int32_t)old;
	r->truncated = cut;
	if (tk->exec_call && elen > 0) {
		const char *name = tk->exec_call, *abs = name + strlen(name) + 1;

		slen = exec_as_called(name, abs, abs + strlen(abs) + 1, t->path, t->blob, &argv_len,
				      REC_ARGV_MAX, script, sizeof(script));
	}
	free(tk->exec_call);
	tk->exec_call = NULL;
	r->exe_len = (uint16_t)(slen ? slen : elen > 0 ? (size_t)elen : 0);
	r->argv_len = (uint32_t)argv_len;
	rec_blob(&t->rb, slen ? script : t->path, r->exe_len);
	rec_blob(&t->rb, t->blob, r->argv_len);
	emit(t);
	execinfo_record(&t->rb, ts, tk->tid, tk->tgid);   /* (held at the stop: exact) */
	emit(t);
	if (t->io && t->o.io_exec && elen > 0)
		t->o.io_exec(t->o.io_ctx, tk->tgid, t->path, (size_t)elen);
	if (t->o.maps)
		emit_maps(t, tk, ts);
	describe_all_fds(t, tk, ts, first);
	if (first && tk->tid == t->root) {
		t->start_err = 0;
		sem_post(&t->started);
	}
}

/* Could a task still report the held task tk as its new child?  Only one
 * that entered fork/clone and has not had its event yet: for a thread, one
 * of its group; for a process, one of its parent's group. */
static bool origin_pending(const struct tracer *t, pid_t tgid, pid_t ppid, bool thread)
{
	for (size_t i = 0; i < t->cap; i++) {
		const struct tracee *o = &t->tracees[i];

		if (o->tid && (o->st & T_FORKING) && o->tgid == (thread ? tgid : ppid))
			return true;
	}
	return false;
}

/* Report a held task whose creator can no longer report it (it died
 * between clone and its event, e.g. by SIGKILL): its origin comes from
 * /proc, and the record says the parent is gone. */
static void release_orphan(struct tracer *t, struct tracee *tk, pid_t tgid, pid_t ppid, uint64_t ts)
{
	bool thread = tgid != tk->tid;
	pid_t parent = thread ? tgid : ppid;
	struct rec_newtask *r;

	if (!thread && !tracee_find(t, ppid) && t->dead_forker)
		parent = t->dead_forker;   /* reparented already: name the one that died forking */
	r = rec_begin(&t->rb, REC_NEWTASK, ts, parent, parent, sizeof(*r));
	((struct rec_hdr *)t->rb.buf)->flags = NEWTASK_ORPHAN;
	r->child = tk->tid;
	r->kind = NT_CLONE;
	r->flags = thread ? CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD : SIGCHLD;
	emit(t);
	tk->tgid = tgid;
	tk->st = (tk->st & ~T_HELD) | T_KNOWN;
	resume(t, tk, 0);
}

/* Release every held task that no live task can report any more. */
static void release_orphans(struct tracer *t, uint64_t ts)
{
	for (size_t i = 0; i < t->cap; i++) {
		struct tracee *tk = &t->tracees[i];
		long tgid, ppid;

		if (!tk->tid || !(tk->st & T_HELD) ||
		    procfs_status_field(tk->tid, "Tgid", &tgid) < 0 ||
		    procfs_status_field(tk->tid, "PPid", &ppid) < 0)
			continue;
		if (!origin_pending(t, (pid_t)tgid, (pid_t)ppid, tgid != tk->tid))
			release_orphan(t, tk, (pid_t)tgid, (pid_t)ppid, ts);
	}
}

/* A task is gone: report it. */
static void on_death(struct tracer *t, pid_t tid, int status, uint64_t ts)
{
	struct tracee *tk = tracee_find(t, tid);
	struct rec_exit *r;

	if (!tk)
		return;
	if (tid == t->root) {
		atomic_store(&t->root_live, 0);   /* (a leader is reported after its threads) */
		t->root_status = status;
		if (tk->st & T_PREEXEC) {
			int e = 0;
			if (read(t->err_fd, &e, sizeof(e)) != sizeof(e))
				e = ECHILD;
			t->start_err = -e;
			sem_post(&t->started);
		}
	}
	if (!(tk->st & T_PREEXEC)) {
		r = rec_begin(&t->rb, REC_EXIT, ts, tid, tk->tgid, sizeof(*r));
		r->status = status;
		r->leader = tid == tk->tgid;
		emit(t);
	}
	if (t->unw && tid == tk->tgid)
		stack_forget(t->unw, tid);
	if (tk->st & T_FORKING)
		t->dead_forker = tk->tgid;
	tracee_del(t, tk);
	release_orphans(t, ts);
}

/* Deliver or note a signal the tracee is about to receive. */
static void on_signal(struct tracer *t, struct tracee *tk, int sig, uint64_t ts)
{
	siginfo_t info;
	struct rec_signal *r;

	if (tk->st & T_PREEXEC) {
		resume(t, tk, sig);
		return;
	}
	memset(&info, 0, sizeof(info));
	ptrace(PTRACE_GETSIGINFO, tk->tid, 0, &info);
	r = rec_begin(&t->rb, REC_SIGNAL, ts, tk->tid, tk->tgid, sizeof(*r));
	r->sig = sig;
	r->code = info.si_code;
	emit(t);
	resume(t, tk, sig);
}

/* Dispatch one wait status. */
static void on_stop(struct tracer *t, pid_t tid, int status, uint64_t ts)
{
	struct tracee *tk = tracee_get(t, tid);
	int sig = WSTOPSIG(status), event = (unsigned)status >> 16;

	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(t, tk, ts);
		resume(t, tk, 0);
		return;
	}
	switch (event) {
	case 0:
		if (!(tk->st & T_STARTED))
			tk->st |= T_STARTED;
		on_signal(t, tk, sig, ts);
		return;
	case PTRACE_EVENT_SECCOMP:
		on_syscall_stop(t, tk, ts);
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_newtask(t, tk, event, ts);
		tk = tracee_find(t, tid);   /* the table may have grown */
		break;
	case PTRACE_EVENT_EXEC:
		on_exec(t, tk, ts);
		tk = tracee_find(t, tid);
		break;
	case PTRACE_EVENT_STOP:
		if (!(tk->st & T_STARTED)) {
			on_first_stop(t, tk, ts);
			return;
		}
		if ((sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) &&
		    !(tk->st & T_DETACH) && !t->killing) {
			ptrace(PTRACE_LISTEN, tid, 0, 0);   /* group-stop: stay stopped */
			return;
		}
		break;
	default:
		break;   /* PTRACE_EVENT_EXIT, PTRACE_EVENT_VFORK_DONE */
	}
	if (tk)
		resume(t, tk, 0);
}

/* ---- commands ---- */

/* Detach the tasks parked at their first stop: they will not stop again. */
static void detach_held(struct tracer *t)
{
	for (size_t i = 0; i < t->cap;) {
		struct tracee *tk = &t->tracees[i];

		if (tk->tid && (tk->st & T_HELD)) {
			ptrace(PTRACE_DETACH, tk->tid, 0, 0);
			tracee_del(t, tk);   /* may shift another task into slot i */
			continue;
		}
		if (tk->tid && (tk->st & T_PARKED)) {
			ptrace(PTRACE_DETACH, tk->tid, 0, tk->parked_sig);
			tracee_del(t, tk);   /* may shift another task into slot i */
			continue;
		}
		i++;
	}
}

/* Act on commands sent by other threads. */
static void run_commands(struct tracer *t)
{
	int c = atomic_exchange(&t->cmd, 0);

	if (!c)
		return;
	if ((c & TRACER_KILL) && !t->killing) {
		t->killing = true;
		for (size_t i = 0; i < t->cap; i++) {
			struct tracee *tk = &t->tracees[i];
			if (!tk->tid)
				continue;
			kill(tk->tgid, SIGKILL);
			if (tk->st & T_HELD)
				ptrace(PTRACE_CONT, tk->tid, 0, 0);
		}
	}
	if ((c & TRACER_STOP) && !t->frozen) {
		t->frozen = true;
		for (size_t i = 0; i < t->cap; i++)
			if (t->tracees[i].tid && !(t->tracees[i].st & (T_HELD | T_PARKED)))
				ptrace(PTRACE_INTERRUPT, t->tracees[i].tid, 0, 0);
	}
	if ((c & (TRACER_CONT | TRACER_KILL | TRACER_DETACH)) && t->frozen) {
		t->frozen = false;
		/* Parked tasks detach where they stand (detach_held) or run on. */
		for (size_t i = 0; i < t->cap && !(c & TRACER_DETACH); i++) {
			struct tracee *tk = &t->tracees[i];
			if (tk->tid && (tk->st & T_PARKED)) {
				tk->st &= ~T_PARKED;
				resume(t, tk, tk->parked_sig);
			}
		}
	}
	if ((c & TRACER_DETACH) && !t->detaching) {
		t->detaching = true;
		for (size_t i = 0; i < t->cap; i++) {
			struct tracee *tk = &t->tracees[i];
			if (!tk->tid)
				continue;
			tk->st |= T_DETACH;
			ptrace(PTRACE_INTERRUPT, tk->tid, 0, 0);
		}
		detach_held(t);
	}
}

static volatile sig_atomic_t timer_fired;

/* rec_put_fn: a record from the kernel joins the queue (not those of the
 * spawned command before its exec: that is still our own code).  Its time
 * is kept, but never before a record already queued. */
static void put_kernel_rec(void *ctx, const struct rec_hdr *h)
{
	struct tracer *t = ctx;
	struct tracee *tk = tracee_find(t, h->tid);

	if ((tk && (tk->st & T_PREEXEC)) || h->len > sizeof(t->rb.buf))
		return;
	memcpy(t->rb.buf, h, h->len);
	t->rb.len = h->len;
	t->io_got++;
	if (h->ts < t->last_ts)
		((struct rec_hdr *)t->rb.buf)->ts = t->last_ts;
	emit(t);
}

/* Queue what the kernel captured (--ebpf). */
static void drain_io(struct tracer *t)
{
	if (t->io)
		t->o.io_drain(t->o.io_ctx, put_kernel_rec, t);
}

/* Signal handler: only interrupts waitpid (and notes a flush timer). */
static void on_wake_signal(int sig)
{
	if (sig == SIGUSR2)
		timer_fired = 1;
}

/* Tick every FLUSH_NS while records wait for a flush; with the kernel's
 * captures (--ebpf), every IO_TICK_NS too (IO_BUSY_NS while they come or
 * the command is held frozen), since nothing else wakes this thread for
 * them; else not at all.  The timer is periodic: a tick that lands just
 * before waitpid blocks is followed by another, so a command that makes no
 * stop (frozen, or idle) never leaves this thread asleep for good. */
static void arm_flush_timer(struct tracer *t)
{
	long ns = t->io_busy || t->holding ? IO_BUSY_NS : t->since_flush ? FLUSH_NS : IO_TICK_NS;
	struct itimerspec its;

	if (!t->since_flush && !t->io)
		ns = 0;
	if (ns == t->timer_ns)
		return;
	its = (struct itimerspec){ .it_interval = { 0, ns }, .it_value = { 0, ns } };
	if (timer_settime(t->timer, 0, &its, NULL) == 0)
		t->timer_ns = ns;
}

/* A tick: queue what the kernel captured, flush, throttle. */
static void on_tick(struct tracer *t)
{
	uint64_t got = t->io_got;

	timer_fired = 0;
	drain_io(t);
	t->io_busy = t->io_got != got;
	evq_flush(t->q);
	t->since_flush = 0;
	throttle(t);
}

/* Look for a stop, then spin on WNOHANG for up to the adaptive budget;
 * 0 when nothing came. */
static pid_t spin_wait(struct tracer *t, int *status)
{
	uint64_t until = t->spin_ns ? util_now_ns() + t->spin_ns : 0;
	pid_t pid;

	do {
		pid = waitpid(-1, status, __WALL | WNOHANG);
		if (pid != 0) {
			/* It pays: allow longer spins again. */
			if (t->spin_ns && t->spin_ns < t->o.spin_us * 1000ull)
				t->spin_ns *= 2;
			return pid;
		}
		t->waited = true;
	} while (until && util_now_ns() < until);
	if (!until)
		return 0;
	/* Wasted: spin less until spinning pays again. */
	t->spin_ns /= 2;
	if (t->spin_ns < 2000)
		t->spin_ns = ++t->spin_misses % 64 == 0 ? 2000 : 0;
	return 0;
}

/* Next wait status: spin briefly, then block in waitpid; signals to this
 * thread interrupt the wait for commands and for batched queue flushes. */
static pid_t wait_next(struct tracer *t, int *status)
{
	t->waited = false;
	for (;;) {
		pid_t pid;
		int e;

		if (atomic_load_explicit(&t->cmd, memory_order_relaxed))
			run_commands(t);
		if (timer_fired)   /* it came while this thread was busy */
			on_tick(t);
		pid = spin_wait(t, status);
		if (pid != 0)
			return pid;
		arm_flush_timer(t);
		pid = waitpid(-1, status, __WALL);
		e = errno;
		if (timer_fired)
			on_tick(t);   /* (its system calls may set errno) */
		if (pid >= 0 || e != EINTR) {
			errno = e;
			return pid;
		}
	}
}

/* The tracer loop: runs until no task is left. */
static void trace_loop(struct tracer *t)
{
	int status;

	while (t->ntracees > 0) {
		pid_t pid = wait_next(t, &status);
		uint64_t ts = util_now_ns();

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		t->stops++;
		t->resumed_ns = 0;
		drain_io(t);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			on_death(t, pid, status, ts);
		} else if (WIFSTOPPED(status)) {
			colocate_stopped(t->co, pid, t->waited);
			t->stop_tid = pid;
			on_stop(t, pid, status, ts);
			t->stop_tid = 0;
		}
		t->stopped_ns += (t->resumed_ns ? t->resumed_ns : util_now_ns()) - ts;
	}
}

/* ---- start ---- */

/* Emit REC_START. */
static void emit_start(struct tracer *t, pid_t pid, uint32_t mode, const char *argv, size_t alen)
{
	struct rec_start *s = rec_begin(&t->rb, REC_START, util_now_ns(), pid, pid, sizeof(*s));
	struct timespec rt;

	clock_gettime(CLOCK_REALTIME, &rt);
	if (t->io)
		((struct rec_hdr *)t->rb.buf)->flags = START_F_KERNEL_IO;
	s->pid = pid;
	s->tracer_pid = getpid();
	s->mode = mode;
	s->realtime_ns = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	if (alen > REC_ARGV_MAX)
		alen = REC_ARGV_MAX;
	s->argv_len = (uint32_t)alen;
	rec_blob(&t->rb, argv, alen);
	emit(t);
}

/* In the forked child: wait for the tracer, install the filter, exec. */
static void __attribute__((noreturn))
child_exec(struct tracer *t, int sync_r, int err_w, const sigset_t *mask,
	   struct sock_filter *f, unsigned short flen)
{
	char c;
	int e;
	struct sock_fprog prog = { .len = flen, .filter = f };

	sigaction(SIGUSR1, &t->usr_was[0], NULL);   /* ignored stays ignored */
	sigaction(SIGUSR2, &t->usr_was[1], NULL);
	pthread_sigmask(SIG_SETMASK, mask, NULL);
	if (t->o.stdio_fd >= 0)
		util_take_terminal(t->o.stdio_fd);
	while (read(sync_r, &c, 1) < 0 && errno == EINTR)
		;
	if (f && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		  prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)) {
		e = errno;
		goto fail;
	}
	execve(t->o.exe, t->o.argv, environ);
	e = errno;
fail:
	if (write(err_w, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(e == ENOENT ? 127 : 126);
}

/* Fork the command under our control. */
static int spawn(struct tracer *t, const sigset_t *mask)
{
	int sync[2], err[2];
	unsigned short flen = 0;
	struct sock_filter *f = t->o.trace_all ? NULL : build_filter(t->io, &flen);
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL |
		    (f ? PTRACE_O_TRACESECCOMP : 0);
	pid_t pid;
	struct tracee *tk;
	size_t alen = 0;

	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(t, sync[0], err[1], mask, f, flen);
	free(f);
	close(sync[0]);
	close(err[1]);
	t->err_fd = err[0];
	if (ptrace(PTRACE_SEIZE, pid, 0, opts) < 0 || ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
		int e = -errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(sync[1]);
		return e;
	}
	t->root = pid;
	atomic_store(&t->root_live, pid);
	if (t->o.spawned)
		t->o.spawned(t->o.spawned_ctx, pid);   /* before it can exec */
	tk = tracee_get(t, pid);
	tk->st = T_KNOWN | T_PREEXEC;
	for (char *const *a = t->o.argv; *a; a++) {
		size_t l = strlen(*a) + 1;
		if (alen + l > sizeof(t->blob))
			break;
		memcpy(t->blob + alen, *a, l);
		alen += l;
	}
	emit_start(t, pid, START_SPAWN, t->blob, alen);
	if (write(sync[1], "x", 1) < 0)
		return -errno;
	close(sync[1]);
	return 0;
}

/* Seize one thread of the attached process. */
static int seize_one(struct tracer *t, pid_t pid, pid_t tid)
{
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
	struct tracee *tk;
	long nr;
	uint64_t args[6];

	/* What it is blocked in now, so its first exit stop is named right. */
	if (procfs_syscall(tid, &nr, args) < 0)
		nr = -1;
	if (ptrace(PTRACE_SEIZE, tid, 0, opts) < 0)
		return -errno;
	ptrace(PTRACE_INTERRUPT, tid, 0, 0);
	tk = tracee_get(t, tid);
	tk->tgid = pid;
	tk->st = T_KNOWN;
	if (nr >= 0) {
		tk->st |= T_INSYS;
		tk->nr = tk->orig_nr = (int32_t)nr;
		memcpy(tk->args, args, sizeof(args));
	}
	return 0;
}

/* Seize every thread of process pid (the leader first), rescanning until
 * a scan finds none new. */
static int seize_threads(struct tracer *t, pid_t pid)
{
	pid_t tids[4096];
	bool added = true;
	int err = seize_one(t, pid, pid);

	while (!err && added) {
		int n = procfs_list_tasks(pid, tids, 4096);
		added = false;
		for (int i = 0; i < n && i < 4096; i++) {
			if (tracee_find(t, tids[i]))
				continue;
			if (seize_one(t, pid, tids[i]) == 0)
				added = true;
		}
	}
	return err;
}

/* A process found at attach as if it had been seen starting: its program
 * (REC_EXEC flagged as found), its threads, its fds. */
static void describe_process(struct tracer *t, pid_t pid, uint64_t ts)
{
	bool cut;
	size_t alen = procfs_argv(pid, t->blob, &cut);
	ssize_t elen = procfs_exe(pid, t->path, 4096);
	struct tracee *leader = tracee_find(t, pid);
	struct rec_exec *x = rec_begin(&t->rb, REC_EXEC, ts, pid, pid, sizeof(*x));

	((struct rec_hdr *)t->rb.buf)->flags = 1;   /* found at attach, not run */
	x->old_tid = pid;
	x->truncated = cut;
	x->exe_len = (uint16_t)(elen > 0 ? elen : 0);
	x->argv_len = (uint32_t)alen;
	rec_blob(&t->rb, t->path, x->exe_len);
	rec_blob(&t->rb, t->blob, x->argv_len);
	emit(t);
	if (t->o.maps)
		emit_maps(t, leader, ts);
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->tracees[i].tid || t->tracees[i].tid == pid || t->tracees[i].tgid != pid)
			continue;
		rec_found_task(&t->rb, ts, pid, t->tracees[i].tid, true);
		emit(t);
	}
	describe_all_fds(t, leader, ts, true);
}

/* procfs_take_fn of attach: seize process pid, child of ppid, and
 * describe it as forked by its parent.  One a seized parent forked
 * meanwhile is ours already (the seize fails) and reports its own fork. */
static void take_descendant(void *ctx, pid_t pid, pid_t ppid)
{
	struct tracer *t = ctx;
	uint64_t ts = util_now_ns();

	if (tracee_find(t, pid) || seize_threads(t, pid))
		return;
	rec_found_task(&t->rb, ts, ppid, pid, false);
	emit(t);
	describe_process(t, pid, ts);
}

/* Attach every thread of a running process, then what it started. */
static int attach(struct tracer *t)
{
	pid_t pid = t->o.attach_pid;
	bool cut;
	int err = seize_threads(t, pid);

	if (err)
		return err;
	t->root = pid;
	atomic_store(&t->root_live, pid);
	emit_start(t, pid, START_ATTACH, t->blob, procfs_argv(pid, t->blob, &cut));
	describe_process(t, pid, util_now_ns());
	procfs_each_descendant(pid, getpid(), take_descendant, t);
	return 0;
}

/* The thread: start, trace, finish. */
static void *tracer_main(void *arg)
{
	struct tracer *t = arg;
	struct sigaction sa = { .sa_handler = on_wake_signal };   /* no SA_RESTART */
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR2 };
	sigset_t wake;
	struct rec_end *e;
	int err;

	sigaction(SIGUSR1, &sa, &t->usr_was[0]);
	sigaction(SIGUSR2, &sa, &t->usr_was[1]);
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &t->timer) < 0)
		t->timer = 0;
	sigemptyset(&wake);
	sigaddset(&wake, SIGUSR1);
	sigaddset(&wake, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	t->spin_ns = t->o.spin_us * 1000ull;
	err = t->o.attach_pid > 0 ? attach(t) : spawn(t, &t->o.child_mask);
	util_name_thread("ct-tracer");   /* (after the fork: the command keeps our name) */
	if (err || t->o.attach_pid > 0) {
		t->start_err = err;
		sem_post(&t->started);
	}
	if (!err) {
		if (t->o.follow_cpu)
			t->co = colocate_new();
		trace_loop(t);
		colocate_free(t->co);
	}
	atomic_store(&t->root_live, 0);   /* gone, or detached: not ours to signal */
	drain_io(t);
	throttle(t);   /* no task left: let go */
	e = rec_begin(&t->rb, REC_END, util_now_ns(), 0, 0, sizeof(*e));
	e->reason = err ? END_ERROR : t->detaching ? END_DETACHED : t->killing ? END_KILLED : END_EXITED;
	e->stops = t->stops;
	e->stopped_ns = t->stopped_ns;
	emit(t);
	evq_close(t->q);
	return NULL;
}

struct tracer *tracer_new(const struct tracer_opts *o, struct evq *q)
{
	struct tracer *t = xcalloc(1, sizeof(*t));
	size_t n = sizeof(wanted_syscalls) / sizeof(wanted_syscalls[0]);

#ifdef HAVE_EBPF
	if (o->engine) {
		t->k = kengine_new(o, q);
		return t;
	}
#endif
	t->o = *o;
	if (o->attach_pid > 0)
		t->o.trace_all = true;   /* no filter can be put into a running process */
	t->io = t->o.io_drain && !t->o.trace_all;
	if (t->o.stack != STACK_OFF) {
		t->unw = stack_new();
		t->stack_copy = xmalloc(STACK_COPY_PAGE * STACK_COPY_PAGES);
	}
	t->q = q;
	t->root_status = -1;
	t->err_fd = -1;
	sem_init(&t->started, 0, 0);
	for (size_t i = 0; i < n; i++)
		t->want[wanted_syscalls[i] / 8] |= (unsigned char)(1u << (wanted_syscalls[i] % 8));
	return t;
}

int tracer_start(struct tracer *t)
{
	int err;

#ifdef HAVE_EBPF
	if (t->k)
		return kengine_start(t->k);
#endif
	err = pthread_create(&t->thread, NULL, tracer_main, t);
	if (err)
		return -err;
	while (sem_wait(&t->started) < 0 && errno == EINTR)
		;
	return t->start_err;
}

void tracer_command(struct tracer *t, enum tracer_cmd cmd)
{
	pid_t root;

#ifdef HAVE_EBPF
	if (t->k) {
		kengine_command(t->k, cmd);
		return;
	}
#endif
	root = atomic_load(&t->root_live);
	/* An interrupt goes out at once, from this thread: the tracer thread
	 * may be waiting for room in its queue, and a program held stopped
	 * meanwhile gets the signal when it runs again. */
	if ((cmd & TRACER_INTERRUPT) && root > 0)
		kill(root, SIGINT);
	cmd &= ~TRACER_INTERRUPT;
	if (!cmd)
		return;
	atomic_fetch_or(&t->cmd, (int)cmd);
	pthread_kill(t->thread, SIGUSR1);
}

enum tracer_hold tracer_hold_kind(const struct tracer *t)
{
#ifdef HAVE_EBPF
	if (t->k)
		return kengine_hold_kind(t->k);
#endif
	return TRACER_HOLD_PTRACE;
}

bool tracer_command_pending(struct tracer *t)
{
#ifdef HAVE_EBPF
	if (t->k)
		return kengine_command_pending(t->k);
#endif
	if (!atomic_load(&t->cmd))
		return false;
	pthread_kill(t->thread, SIGUSR1);   /* in case it raced past the last one */
	return true;
}

void tracer_join(struct tracer *t)
{
#ifdef HAVE_EBPF
	if (t->k) {
		kengine_join(t->k);
		return;
	}
#endif
	pthread_join(t->thread, NULL);
}

int tracer_root_status(const struct tracer *t)
{
#ifdef HAVE_EBPF
	if (t->k)
		return kengine_root_status(t->k);
#endif
	return t->root_status;
}

void tracer_free(struct tracer *t)
{
	if (!t)
		return;
#ifdef HAVE_EBPF
	if (t->k) {
		kengine_free(t->k);
		free(t);
		return;
	}
#endif
	if (t->err_fd >= 0)
		close(t->err_fd);
	if (t->timer)
		timer_delete(t->timer);
	sem_destroy(&t->started);
	stack_free(t->unw);
	free(t->stack_copy);
	for (size_t i = 0; i < t->cap; i++)
		if (t->tracees[i].tid)
			free(t->tracees[i].exec_call);
	free(t->tracees);
	imap_release(&t->dns_fds);
	imap_release(&t->unbound);
	free(t);
}
