/* kengine.c - the kernel engine: trace a command from the kernel's
 * tracepoints alone, with no ptrace and no seccomp filter.
 *
 * The producer thread of --engine kernel, behind the same interface as the
 * ptrace tracer (src/tracer.h forwards to it).  It forks the command, which
 * waits on a pipe until its pid is in the kernel engine's set of tasks
 * (bpf/engine.bpf.h), so the program is traced from its first instruction
 * and then runs untouched: nothing stops it, it keeps set-user-ID and file
 * capabilities, and a debugger can attach to it.  The thread drains what
 * the kernel captured (tasks, exec, exits, signals, every fd call, the
 * counts of reads and writes: src/ebpf_ioacct.c turns them into the same
 * records the ptrace tracer sends) into its queue every few milliseconds,
 * and ends once the command is reaped and no traced task is left.  With
 * --pid it takes a running process's threads into the set instead, and
 * describes the process as the ptrace tracer does at attach, without ever
 * stopping it (TracerPid stays 0; Ctrl-C leaves it running).  F5
 * (TRACER_STOP) freezes the command's cgroup where there is one, else
 * sends SIGSTOP to every traced process.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ebpf.h"
#include "evq.h"
#include "fdinfo.h"
#include "freezer.h"
#include "hmap.h"
#include "kengine.h"
#include "maps.h"
#include "procfs.h"
#include "record.h"
#include "util.h"
#include "../bpf/shared.h"

#define BUSY_MS 2       /* look again this soon while records come */
#define IDLE_MS 20      /* else this often (live figures lag at most this) */
#define DRAIN_BUDGET 4096   /* records drained before the loop reaps and signals */
#define MAX_KILL TASKS_MAX   /* every task the kernel can hold in its set */

extern char **environ;

struct kengine {
	struct tracer_opts o;
	struct evq *q;
	pthread_t thread;
	sem_t started;
	int start_err;
	atomic_int cmd;          /* enum tracer_cmd bits not yet handled */
	atomic_int root_live;    /* the command until it is reaped, else 0 */
	int wake_fd;             /* eventfd: a command came */
	int root_fd;             /* pidfd of the command until it is reaped, else -1 */
	pid_t root;
	int root_status;
	bool reaped, killing, detaching, stopped, holding, exec_seen;
	uint64_t last_ts, got;
	struct recbuf rb;
	char *inherited;          /* REC_FDs of the fds the command inherits, */
	size_t inherited_len;     /* sent after its first exec */
	pid_t *tids;              /* attach's scratch: the threads of one process */
	struct imap described;    /* processes take_descendant described, until */
				  /* they end: the kernel's fork of one is not sent */
	pid_t kept[MAX_KILL];     /* processes already stopped when F5 sent SIGSTOP, */
	size_t nkept;             /* sorted: F5 again does not continue them */
	char path[REC_PATH_MAX + 64];
	char blob[REC_ARGV_MAX + 1];   /* (procfs_argv's room) */
};

/* Queue the record in k->rb, never before one already queued. */
static void emit(struct kengine *k)
{
	struct rec_hdr *h = (struct rec_hdr *)k->rb.buf;

	if (h->ts < k->last_ts)
		h->ts = k->last_ts;
	k->last_ts = h->ts;
	rec_finish(&k->rb);
	evq_put(k->q, k->rb.buf, k->rb.len);
}

/* Queue a record made here (its rec_put_fn). */
static void put_own(void *ctx, const struct rec_hdr *h)
{
	struct kengine *k = ctx;

	memcpy(k->rb.buf, h, h->len);
	k->rb.len = h->len;
	emit(k);
}

/* Describe every fd of process pid from /proc, then which are open (at
 * attach, and after an io_uring_enter, whose operations may open fds). */
static void describe_fds(struct kengine *k, pid_t pid, uint64_t ts)
{
	int fds[1025];
	int n = procfs_list_fds(pid, fds, 1024);

	if (n < 0)
		n = 0;
	if (n > 1024)
		n = 1024;
	for (int i = 0; i < n; i++) {
		uint32_t flags = 0;
		ssize_t plen = procfs_fd_link(pid, fds[i], k->path, sizeof(k->path));

		procfs_fd_flags(pid, fds[i], &flags);
		fdinfo_record(&k->rb, ts, pid, pid, fds[i], FDW_INHERITED, 0, k->path,
			      plen > 0 ? (size_t)plen : 0, flags);
		emit(k);
	}
	if (n % 2)
		fds[n++] = -1;   /* pad to the record alignment with a non-fd */
	rec_begin(&k->rb, REC_FDSET, ts, pid, pid, 0);
	rec_blob(&k->rb, fds, (size_t)n * sizeof(int));
	emit(k);
}

/* Whether to pass on record h: not the kernel's fork of a process
 * take_descendant described (one it forgets when that process ends). */
static bool kernel_forks(struct kengine *k, const struct rec_hdr *h)
{
	const struct rec_newtask *r = rec_payload(h);

	if (h->type == REC_EXIT && ((const struct rec_exit *)rec_payload(h))->leader)
		imap_del(&k->described, (uint32_t)h->tgid);
	return h->type != REC_NEWTASK || (r->flags & CLONE_THREAD) ||
	       !imap_del(&k->described, (uint32_t)r->child);
}

/* Drain sink: one record the kernel captured; after the command's first
 * exec, the fds it inherited (as ptrace's exec event describes them). */
static void put_rec(void *ctx, const struct rec_hdr *h)
{
	struct kengine *k = ctx;

	if (h->len > sizeof(k->rb.buf) ||
	    (!k->exec_seen && h->tgid == k->root && h->type != REC_EXEC &&
	     h->type != REC_EXECINFO))
		return;   /* our own code, before the command's exec */
	if (k->described.n && !kernel_forks(k, h))
		return;
	memcpy(k->rb.buf, h, h->len);
	k->rb.len = h->len;
	k->got++;
	emit(k);
	if (h->type == REC_SYSCALL && ((const struct rec_syscall *)rec_payload(h))->nr ==
	    SYS_io_uring_enter && ((const struct rec_syscall *)rec_payload(h))->ret > 0)
		describe_fds(k, h->tgid, h->ts);
	if (h->type == REC_EXEC && k->o.maps)   /* (--faults: the regions it starts with) */
		maps_records(h->tid, h->tgid, h->ts, put_own, k);
	if (h->type == REC_EXEC && h->tgid == k->root && !k->exec_seen) {
		k->exec_seen = true;
		for (size_t at = 0; at < k->inherited_len; at += k->rb.len) {
			const struct rec_hdr *f = (const struct rec_hdr *)(k->inherited + at);
			memcpy(k->rb.buf, f, f->len);
			k->rb.len = f->len;
			((struct rec_hdr *)k->rb.buf)->ts = h->ts;
			emit(k);
		}
		free(k->inherited);
		k->inherited = NULL;
		k->inherited_len = 0;
	}
}

/* The waiting command's fds as ours: what it was forked with, 0-2 its
 * terminal (child_exec); how many, in fds (in own: our fd each is). */
static int own_fds(const struct kengine *k, int *fds, int *own, int cap)
{
	int ours[1024], n = procfs_list_fds(getpid(), ours, 1024), m = 0;
	int tty = k->o.stdio_fd;

	for (int i = 0; tty >= 0 && i < 3; i++) {
		fds[m] = i;
		own[m++] = tty;
	}
	for (int i = 0; i < n && i < 1024 && m < cap; i++)
		if (tty < 0 || (ours[i] > 2 && ours[i] != tty)) {
			fds[m] = ours[i];
			own[m++] = ours[i];
		}
	return m;
}

/* Is fd of the waiting command (pid), one of those it was forked with
 * above 0-2, the same open file as our fd of that number, and ours
 * close-on-exec?  Then it ends at the exec.  (Two system calls, where its
 * /proc fdinfo takes four: compendium-tui's own fds, dozens, are all
 * close-on-exec.)  False when kcmp cannot tell. */
static bool cloexec_here(pid_t pid, int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC) &&
	       syscall(SYS_kcmp, getpid(), pid, KCMP_FILE, fd, fd) == 0;
}

/* Describe the fds the waiting command will keep across its exec.  Forked
 * by a compendium-tui that runs with file capabilities, it is not dumpable
 * until it execs: its /proc fd directory is closed to the user it runs as.
 * Its fds are then read as ours, which they are (own_fds). */
static void note_inherited(struct kengine *k, pid_t pid)
{
	int fds[1024], own[1024];
	int n = procfs_list_fds(pid, fds, 1024);
	bool ours = n < 0;

	if (ours)
		n = own_fds(k, fds, own, 1024);
	for (int i = 0; i < n && i < 1024; i++) {
		pid_t at = ours ? getpid() : pid;
		int fd = ours ? own[i] : fds[i];
		uint32_t flags = 0;
		ssize_t plen;

		if (!ours && fd > 2 && cloexec_here(pid, fd))
			continue;
		if (procfs_fd_flags(at, fd, &flags) < 0)
			continue;
		if (fd != fds[i])
			flags &= ~(uint32_t)O_CLOEXEC;   /* (dup2 made the terminal's 0-2) */
		if (flags & O_CLOEXEC)
			continue;
		plen = procfs_fd_link(at, fd, k->path, sizeof(k->path));
		if (plen < 0)
			plen = 0;
		fdinfo_record_at(&k->rb, util_now_ns(), pid, pid, fds[i], FDW_INHERITED, k->path,
				 (size_t)plen, flags, at, fd);
		rec_finish(&k->rb);
		k->inherited = xrealloc(k->inherited, k->inherited_len + k->rb.len);
		memcpy(k->inherited + k->inherited_len, k->rb.buf, k->rb.len);
		k->inherited_len += k->rb.len;
	}
}

/* Emit REC_START (the kernel engine's: no tracer stops) with the
 * command's argv, alen bytes of NUL-terminated strings. */
static void emit_start(struct kengine *k, pid_t pid, uint32_t mode, const char *argv, size_t alen)
{
	struct rec_start *s = rec_begin(&k->rb, REC_START, util_now_ns(), pid, pid, sizeof(*s));
	struct timespec rt;

	((struct rec_hdr *)k->rb.buf)->flags = START_F_KERNEL;
	clock_gettime(CLOCK_REALTIME, &rt);
	s->pid = pid;
	s->tracer_pid = getpid();
	s->mode = mode;
	s->realtime_ns = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
	s->argv_len = (uint32_t)rec_blob(&k->rb, argv, alen < REC_ARGV_MAX ? alen : REC_ARGV_MAX);
	emit(k);
}

/* The command's argv as NUL-terminated strings in k->blob; their length. */
static size_t argv_blob(struct kengine *k)
{
	size_t alen = 0;

	for (char *const *a = k->o.argv; *a; a++) {
		size_t l = strlen(*a) + 1;
		if (alen + l > sizeof(k->blob))
			break;
		memcpy(k->blob + alen, *a, l);
		alen += l;
	}
	return alen;
}

/* In the forked child: say its fds are in place (one byte on err_w), wait
 * until traced, then exec. */
static void __attribute__((noreturn)) child_exec(struct kengine *k, int sync_r, int err_w)
{
	char c;
	int e;

	pthread_sigmask(SIG_SETMASK, &k->o.child_mask, NULL);
	if (k->o.stdio_fd >= 0)
		util_take_terminal(k->o.stdio_fd);
	if (write(err_w, "r", 1) < 0)
		_exit(127);
	while (read(sync_r, &c, 1) < 0 && errno == EINTR)
		;
	if (c == 'x')
		execve(k->o.exe, k->o.argv, environ);
	e = c == 'x' ? errno : ECANCELED;
	if (write(err_w, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(e == ENOENT ? 127 : 126);
}

/* Fork the command, trace it, let it exec; 0 once it runs its program,
 * or -errno (its exec failed, or it could not be traced). */
static int spawn(struct kengine *k)
{
	int sync[2], errp[2], e = 0, err;
	pid_t pid;

	if (pipe2(sync, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		err = -errno;
		close(sync[0]);
		close(sync[1]);
		return err;
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(k, sync[0], errp[1]);
	close(sync[0]);
	close(errp[1]);
	/* (the fds it will inherit are described only once its terminal is in place) */
	while (read(errp[0], &e, 1) < 0 && errno == EINTR)
		;
	e = 0;
	k->root = pid;
	k->root_fd = (int)syscall(SYS_pidfd_open, pid, 0);   /* (-1: found at the next look) */
	atomic_store(&k->root_live, pid);
	err = ebpf_engine_add(k->o.engine, pid, pid, true);
	if (!err && k->o.spawned)
		k->o.spawned(k->o.spawned_ctx, pid);   /* before it can exec */
	if (!err) {
		emit_start(k, pid, START_SPAWN, k->blob, argv_blob(k));
		note_inherited(k, pid);
	}
	if (write(sync[1], err ? "n" : "x", 1) < 0 && !err)
		err = -errno;
	close(sync[1]);
	if (read(errp[0], &e, sizeof(e)) == sizeof(e) && !err)
		err = -e;
	close(errp[0]);
	return err;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Was tgid stopped already when F5 stopped the rest? */
static bool kept_stopped(const struct kengine *k, pid_t tgid)
{
	return bsearch(&tgid, k->kept, k->nkept, sizeof(*k->kept), cmp_pid) != NULL;
}

/* Send sig to every traced process (and the command, if not reaped): to
 * each task's process, since a leader that ended before its threads is no
 * longer in the set; SIGCONT not to those F5 found stopped. */
static void signal_all(struct kengine *k, int sig)
{
	static pid_t tids[MAX_KILL], tgids[MAX_KILL];
	size_t n = ebpf_engine_tasks(k->o.engine, tids, tgids, MAX_KILL);

	if (!k->reaped && !(sig == SIGCONT && kept_stopped(k, k->root)))
		kill(k->root, sig);
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || tgids[i] != tgids[i - 1]) &&
		    !(sig == SIGCONT && kept_stopped(k, tgids[i])))
			kill(tgids[i], sig);
}

/* F5 without a freezer: note the processes that are stopped already (a
 * program's own stop outlasts F5), then SIGSTOP every process. */
static void stop_all(struct kengine *k)
{
	static pid_t tids[MAX_KILL], tgids[MAX_KILL];
	size_t n = ebpf_engine_tasks(k->o.engine, tids, tgids, MAX_KILL);

	k->nkept = 0;
	for (size_t i = 0; i < n; i++)
		if ((i == 0 || tgids[i] != tgids[i - 1]) && procfs_state(tgids[i]) == 'T')
			k->kept[k->nkept++] = tgids[i];
	qsort(k->kept, k->nkept, sizeof(*k->kept), cmp_pid);
	signal_all(k, SIGSTOP);
}

/* Hold the command (F5): its cgroup frozen, else every process stopped
 * (again each time trace_loop looks, for what was forked meanwhile). */
static void hold_all(struct kengine *k, bool stop)
{
	if (stop == k->stopped)
		return;
	k->stopped = stop;
	if (k->o.freezer) {
		if (stop)
			freezer_hold(k->o.freezer, FREEZER_USER);
		else
			freezer_release(k->o.freezer, FREEZER_USER);
		return;
	}
	if (stop)
		stop_all(k);
	else
		signal_all(k, SIGCONT);
}

/* Kill the command and everything it started.  Nothing may run on between
 * two kills (a vfork parent whose child died first would): the group is
 * frozen, then killed whole by the kernel, which also kills what is being
 * forked; without one, every process is stopped first.  trace_loop kills
 * again what was born since, until no traced task is left. */
static void kill_all(struct kengine *k)
{
	k->killing = true;
	if (k->o.freezer) {
		hold_all(k, true);
		if (freezer_kill(k->o.freezer) == 0)
			return;
	} else {
		signal_all(k, SIGSTOP);
	}
	signal_all(k, SIGKILL);
}

/* Do what was asked (enum tracer_cmd). */
static void run_commands(struct kengine *k)
{
	int cmd = atomic_exchange(&k->cmd, 0);
	uint64_t v;

	if (read(k->wake_fd, &v, sizeof(v)) < 0)
		v = 0;   /* nothing pending: fine */
	if (cmd & TRACER_KILL) {
		kill_all(k);
		return;   /* (held until they are gone: nothing to continue) */
	}
	if (cmd & TRACER_DETACH) {
		hold_all(k, false);
		k->detaching = true;
	}
	if (cmd & TRACER_STOP)
		hold_all(k, true);
	if (cmd & TRACER_CONT)
		hold_all(k, false);
}

/* With a freezer: hold the command while the queue is over half full
 * (until a quarter), so the kernel's records wait in the program. */
static void throttle(struct kengine *k)
{
	size_t used = evq_used(k->q), cap = evq_capacity(k->q);
	bool want = !k->detaching && (k->holding ? used > cap / 4 : used >= cap / 2);

	if (!k->o.freezer || want == k->holding)
		return;
	if (want)
		freezer_hold(k->o.freezer, FREEZER_TRACER_QUEUE);
	else
		freezer_release(k->o.freezer, FREEZER_TRACER_QUEUE);
	k->holding = want;
}

/* Reap the command once it ended. */
static void reap(struct kengine *k)
{
	int st;

	if (k->reaped || waitpid(k->root, &st, WNOHANG) != k->root)
		return;
	k->reaped = true;
	k->root_status = st;
	atomic_store(&k->root_live, 0);
	if (k->root_fd >= 0)
		close(k->root_fd);
	k->root_fd = -1;
}

/* trace_loop's drain sink: a command (F5, q) is done before the next record,
 * not after the drain, which a full queue can make last seconds; and the
 * command is held back as soon as the queue passes its high water, not
 * once it is full (the drain would wait, and the kernel's ring fill). */
static void put_live(void *ctx, const struct rec_hdr *h)
{
	struct kengine *k = ctx;

	if (atomic_load_explicit(&k->cmd, memory_order_relaxed))
		run_commands(k);
	if (!k->holding)
		throttle(k);
	put_rec(k, h);
}

/* Drain and wait until the command is reaped and no traced task is left:
 * woken by a command, or at once when the command ends (its pidfd), so a
 * short command is not kept waiting for the next look. */
static void trace_loop(struct kengine *k)
{
	struct pollfd p[2] = { { k->wake_fd, POLLIN, 0 }, { -1, POLLIN, 0 } };

	for (;;) {
		uint64_t got = k->got;
		bool more;

		if (atomic_load(&k->cmd))
			run_commands(k);
		more = ebpf_engine_drain(k->o.engine, put_live, k, DRAIN_BUDGET);
		reap(k);
		if (k->detaching || (k->reaped && !ebpf_engine_tasks_left(k->o.engine)))
			break;
		if (k->killing)
			signal_all(k, SIGKILL);   /* what was born since */
		else if (k->stopped && !k->o.freezer)
			signal_all(k, SIGSTOP);
		else if (k->o.freezer)
			freezer_sweep(k->o.freezer);   /* (held: what was forked since) */
		evq_flush(k->q);
		throttle(k);
		p[1].fd = k->root_fd;   /* (-1 once reaped: poll skips it) */
		poll(p, 2, more ? 0 : k->got != got ? BUSY_MS : IDLE_MS);
	}
	ebpf_io_drain(k->o.engine, put_rec, k);   /* what the last exits sent */
}

/* A process found at attach as if it had been seen starting: its program
 * (REC_EXEC flagged as found), its threads, its fds. */
static void describe_process(struct kengine *k, pid_t pid, const pid_t *tids, int n, uint64_t ts)
{
	bool cut;
	size_t alen = procfs_argv(pid, k->blob, &cut);
	ssize_t elen = procfs_exe(pid, k->path, 4096);
	struct rec_exec *x;

	x = rec_begin(&k->rb, REC_EXEC, ts, pid, pid, sizeof(*x));
	((struct rec_hdr *)k->rb.buf)->flags = 1;   /* found at attach, not run */
	x->old_tid = pid;
	x->truncated = cut;
	x->exe_len = (uint16_t)rec_blob(&k->rb, k->path, elen > 0 ? (size_t)elen : 0);
	x->argv_len = (uint32_t)rec_blob(&k->rb, k->blob, alen);
	emit(k);
	if (k->o.maps)
		maps_records(pid, pid, ts, put_own, k);
	for (int i = 0; i < n; i++) {
		if (tids[i] == pid)
			continue;
		rec_found_task(&k->rb, ts, pid, tids[i], true);
		emit(k);
	}
	describe_fds(k, pid, ts);
}

/* Put every thread of process pid into the kernel's set, rescanned until a
 * scan finds none it has not put there (a thread made by one not yet in
 * the set is in the next scan; once every thread is in it, the kernel
 * takes in the threads they make; the same count of threads is not the
 * same threads).  tids: what the last scan found; returns its count. */
static int take_threads(struct kengine *k, pid_t pid, pid_t *tids, int *n)
{
	struct imap added = { 0 };
	int fresh = 1, err = 0;

	*n = 0;
	for (int round = 0; round < 100 && fresh && !err; round++) {
		fresh = 0;
		*n = procfs_list_tasks(pid, tids, MAX_KILL);
		if (*n < 0)
			err = *n;
		for (int i = 0; i < *n && i < MAX_KILL && !err; i++) {
			if (imap_get(&added, (uint32_t)tids[i]))
				continue;
			imap_put(&added, (uint32_t)tids[i], &added);
			fresh++;
			err = ebpf_engine_add(k->o.engine, tids[i], pid, false);
		}
	}
	imap_release(&added);
	if (*n > MAX_KILL)
		*n = MAX_KILL;
	return err;
}

/* procfs_take_fn of attach: process pid, child of ppid, into
 * the kernel's set and described as forked by its parent.  One the kernel
 * took in by itself (its parent, already in the set, forked it meanwhile)
 * is left to the fork it reports; kernel_forks drops that report for one
 * described here all the same (seen in /proc a moment before the kernel
 * took it). */
static void take_descendant(void *ctx, pid_t pid, pid_t ppid)
{
	struct kengine *k = ctx;
	uint64_t ts = util_now_ns();
	int nt;

	if (ebpf_engine_has(k->o.engine, pid) || take_threads(k, pid, k->tids, &nt) || nt <= 0)
		return;
	imap_put(&k->described, (uint32_t)pid, &k->described);
	rec_found_task(&k->rb, ts, ppid, pid, false);
	emit(k);
	describe_process(k, pid, k->tids, nt, ts);
}

/* Trace a running process, what it started and what they all start,
 * without stopping any of them. */
static int attach(struct kengine *k)
{
	pid_t pid = k->o.attach_pid;
	bool cut;
	int n, err;

	k->root = pid;
	k->reaped = k->exec_seen = true;   /* not our child: nothing to reap or wait for */
	atomic_store(&k->root_live, pid);
	k->tids = xcalloc(MAX_KILL, sizeof(*k->tids));
	err = take_threads(k, pid, k->tids, &n);
	if (!err) {
		emit_start(k, pid, START_ATTACH, k->blob, procfs_argv(pid, k->blob, &cut));
		describe_process(k, pid, k->tids, n, util_now_ns());
		procfs_each_descendant(pid, getpid(), take_descendant, k);
	}
	free(k->tids);
	k->tids = NULL;
	return err;
}

/* The thread: start, trace, finish. */
static void *engine_main(void *arg)
{
	struct kengine *k = arg;
	struct rec_end *e;
	int err = k->o.attach_pid > 0 ? attach(k) : spawn(k);

	util_name_thread("ct-kengine");   /* (after the fork: the command keeps our name) */
	k->start_err = err;
	sem_post(&k->started);
	if (!err)
		trace_loop(k);
	else if (k->root > 0 && !k->reaped)
		waitpid(k->root, &k->root_status, 0);
	atomic_store(&k->root_live, 0);
	if (k->holding)
		freezer_release(k->o.freezer, FREEZER_TRACER_QUEUE);
	hold_all(k, false);
	e = rec_begin(&k->rb, REC_END, util_now_ns(), 0, 0, sizeof(*e));
	e->reason = err ? END_ERROR : k->detaching ? END_DETACHED : k->killing ? END_KILLED : END_EXITED;
	emit(k);
	evq_close(k->q);
	return NULL;
}

struct kengine *kengine_new(const struct tracer_opts *o, struct evq *q)
{
	struct kengine *k = xcalloc(1, sizeof(*k));

	k->o = *o;
	k->q = q;
	k->root_status = -1;
	k->root_fd = -1;
	k->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sem_init(&k->started, 0, 0);
	return k;
}

int kengine_start(struct kengine *k)
{
	sigset_t all, old;
	int err;

	if (k->wake_fd < 0)
		return -errno;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&k->thread, NULL, engine_main, k);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	while (sem_wait(&k->started) < 0 && errno == EINTR)
		;
	return k->start_err;
}

void kengine_command(struct kengine *k, enum tracer_cmd cmd)
{
	pid_t root = atomic_load(&k->root_live);
	uint64_t one = 1;

	if ((cmd & TRACER_INTERRUPT) && root > 0)
		kill(root, SIGINT);
	cmd &= ~TRACER_INTERRUPT;
	if (!cmd)
		return;
	atomic_fetch_or(&k->cmd, (int)cmd);
	if (write(k->wake_fd, &one, sizeof(one)) < 0)
		one = 0;   /* the counter is full: a wake-up is pending anyway */
}

enum tracer_hold kengine_hold_kind(const struct kengine *k)
{
	return k->o.freezer ? TRACER_HOLD_FREEZER : TRACER_HOLD_SIGSTOP;
}

bool kengine_command_pending(struct kengine *k)
{
	return atomic_load(&k->cmd) != 0;
}

void kengine_join(struct kengine *k)
{
	pthread_join(k->thread, NULL);
}

int kengine_root_status(const struct kengine *k)
{
	return k->root_status;
}

void kengine_free(struct kengine *k)
{
	if (!k)
		return;
	if (k->wake_fd >= 0)
		close(k->wake_fd);
	if (k->root_fd >= 0)
		close(k->root_fd);
	sem_destroy(&k->started);
	free(k->inherited);
	imap_release(&k->described);
	free(k);
}
