/* ebpf_ioacct.c - load bpf/ioacct.bpf.c and turn its samples into the
 * records the tracer would have sent.
 *
 * The only file that includes its generated skeleton.  open -> set rodata
 * -> load -> attach, in the flavour (tp_btf or raw_tp) src/ebpf.c asks
 * for, on the maps it shares with latency.bpf.c; sys_exit, the longest to
 * verify, from a second object of the same source on the same maps, loaded
 * in a thread beside the first (start-up).  The tracer thread drains
 * the ring before each stop it handles, so the counts of an fd reach the
 * tracer's queue before the record of whatever ended the fd; a count sent
 * twice (a sweep racing with the fd's end) is passed on once.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ebpf_ioacct.h"
#include "hmap.h"
#include "ebpf_prog.h"
#include "execinfo.h"
#include "fdinfo.h"
#include "kstack.h"
#include "record.h"
#include "sysent.h"
#include "util.h"

#include "../bpf/ioacct.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "ioacct.skel.h"
#pragma GCC diagnostic pop

_Static_assert((int)IOACCT_FDK_FILE == (int)FDK_FILE && (int)IOACCT_FDK_PIPE == (int)FDK_PIPE &&
	       (int)IOACCT_FDK_UNIX == (int)FDK_UNIX && (int)IOACCT_FDK_TCP4 == (int)FDK_TCP4 &&
	       (int)IOACCT_FDK_UDP6 == (int)FDK_UDP6 && (int)IOACCT_FDK_ANON == (int)FDK_ANON,
	       "bpf/ioacct.h fd kinds must be record.h's");
_Static_assert(IOACCT_HIST_SLOTS == REC_SYSSTAT_SLOTS, "one call-duration histogram layout");
_Static_assert(IOACCT_ARGV_MAX == REC_ARGV_MAX, "both engines keep as much of an exec's argv");
_Static_assert(IOACCT_PATH_MAX == REC_PATH_MAX && IOACCT_PATH_CUT_LEN == REC_PATH_CUT_LEN,
	       "the kernel cuts long paths as records do");

#define STATS_SWEEP_NS (250 * 1000000ull)   /* the system call counts are read this often */

/* What the drain last passed on of one counter slot's use (IOACCT_COUNT). */
struct io_seen {
	uint64_t seq;
	uint64_t rd, wr, rd_calls, wr_calls;
	bool done;                    /* its final IOACCT_COUNT came: later ones are stale */
};

struct ebpf_ioacct {
	struct ioacct_bpf *skel;
	struct ioacct_bpf *exit_skel;  /* sys_exit's own object (on skel's maps), or NULL */
	struct ring_buffer *rb;
	struct io_seen *seen;         /* per counter slot (drain only) */
	uint64_t swept_at;            /* when io_sweep last ran (drain only) */
	void *pos;                    /* the ring's consumer and producer pages (read-only) */
	size_t pos_len;
	int wake_fd;                  /* epoll, edge-triggered: the ring passed its high water */
	rec_put_fn *put;              /* during a drain: where records go */
	void *put_ctx;
	size_t budget, taken;         /* during a drain: samples it may take (0: all), taken */
	struct recbuf rec;            /* the record being handed over (drain only) */
	struct imap stats_seen;       /* tgid << 32 | nr -> struct ioacct_stat passed on */
	uint64_t stats_at;            /* when the kernel engine's counters were last read */
	bool engine;                  /* the kernel engine's programs are loaded */
	struct kstack *kstack;        /* --stack: the copied stacks are unwound here */
	/* The exec whose REC_EXEC comes next (drain only): its cwd, and when
	 * it ran a script, the path and argv[0] it was given. */
	struct {
		int32_t tid;
		uint64_t ts;
		bool script;
		bool argv0_known;
		char cwd[IOACCT_PATH_MAX + 1], name[IOACCT_PATH_MAX + 1], argv0[IOACCT_ARGV0_MAX + 1];
	} next_exec;
};

/* Growth of a count since what was passed on (0 when a late sample shows less). */
static uint64_t grown(uint64_t now, uint64_t seen)
{
	return now > seen ? now - seen : 0;
}

/* REC_IO from an IOACCT_COUNT sample: what the counter grew since the
 * figures of its use last passed on, or a lone call's counts.  False when
 * there is nothing new: a sample of an older use, or of one whose final
 * figures came already, or one that adds no call (bytes wait for their
 * calls, except in a final one). */
static bool io_record(struct ebpf_ioacct *io, const struct ioacct_count *e)
{
	struct io_seen *s = e->slot < IOACCT_MAX_FDS ? &io->seen[e->slot] : NULL;
	uint64_t rc, wc, rd, wr;
	struct rec_io *r;

	if (e->slot == IOACCT_SLOT_NONE) {   /* one call's own counts */
		rc = e->rd_calls;
		wc = e->wr_calls;
		rd = e->rd;
		wr = e->wr;
	} else {
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
	}
	r = rec_begin(&io->rec, REC_IO, e->ts, e->pid, e->pid, sizeof(*r));
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
 * an IOACCT_CALL, IOACCT_OPEN or IOACCT_PIPE sample; its entry as the
 * kernel engine stamped it, else 0: not seen). */
static struct rec_syscall *syscall_record(struct recbuf *rb, const struct ioacct_call *e)
{
	struct rec_syscall *r = rec_begin(rb, REC_SYSCALL, e->ts, e->tid, e->tgid, sizeof(*r));

	r->nr = r->orig_nr = e->nr;
	r->arch = ARCH_X86_64;
	r->ret = e->ret;
	r->entry_ts = e->entry_ts && e->entry_ts <= e->ts ? e->entry_ts : 0;
	memcpy(r->args, e->args, sizeof(r->args));
	return r;
}

/* Hand the record in io->rec to the drain's sink. */
static void io_put(struct ebpf_ioacct *io)
{
	rec_finish(&io->rec);
	io->put(io->put_ctx, (const struct rec_hdr *)io->rec.buf);
}

/* Send the REC_FD of a new fd the kernel named. */
static void new_fd(struct ebpf_ioacct *io, const struct ioacct_call *c, int fd, uint8_t kind,
		   uint64_t ino, uint32_t dev, const char *path, size_t plen)
{
	struct rec_fd *r = rec_begin(&io->rec, REC_FD, c->ts, c->tid, c->tgid, sizeof(*r));

	r->fd = fd;
	r->kind = kind;
	r->why = FDW_NEW;
	r->ino = ino;
	r->dev = dev;
	r->path_len = (uint16_t)plen;
	rec_blob(&io->rec, path, plen);
	io_put(io);
}

/* Is path what the kernel's walk up from a pipe's or a socket's dentry
 * gives, "/" or "/ (deleted)" (it has no name and is its own parent), not
 * a FIFO's path? */
static bool nameless(const char *path, size_t plen)
{
	static const char deleted[] = "/ (deleted)";

	return (plen == 1 && path[0] == '/') ||
	       (plen == sizeof(deleted) - 1 && !memcmp(path, deleted, plen));
}

/* An IOACCT_OPEN as the tracer would have sent it: the new fd (REC_FD),
 * then the call (REC_SYSCALL, with the path it was given when it failed). */
static void open_records(struct ebpf_ioacct *io, const struct ioacct_open *e, size_t size)
{
	const char *path = (const char *)(e + 1);
	size_t plen = e->path_len <= size - sizeof(*e) ? e->path_len : size - sizeof(*e);
	uint8_t kind = e->fd_kind < FDK_MAX ? (uint8_t)e->fd_kind : FDK_UNKNOWN;
	char special[64];
	struct rec_syscall *s;

	if (e->call.ret >= 0) {
		if (kind >= FDK_PIPE && kind <= FDK_SOCK && nameless(path, plen)) {
			/* a pipe reopened through /proc (bash's <(...) gives such
			 * names): named as /proc names it */
			plen = (size_t)snprintf(special, sizeof(special), "%s:[%llu]",
						kind == FDK_PIPE ? "pipe" : "socket",
						(unsigned long long)e->ino);
			path = special;
		}
		new_fd(io, &e->call, (int)e->call.ret, kind, e->ino, e->dev, path, plen);
		if (fdinfo_hosts_record(&io->rec, e->call.ts, e->call.tid, e->call.tgid,
					(int)e->call.ret, path, plen))
			io_put(io);
	}
	s = syscall_record(&io->rec, &e->call);
	if (e->call.ret < 0) {
		s->flags = e->flags & IOACCT_UNREADABLE ? SYSF_UNREADABLE : 0;
		s->path_len = (uint16_t)plen;
		rec_blob(&io->rec, path, plen);
	}
	io_put(io);
}

/* An IOACCT_PIPE as the tracer would have sent it: on success the two fds
 * (REC_FD, named as /proc names a pipe), then the call (REC_SYSCALL). */
static void pipe_records(struct ebpf_ioacct *io, const struct ioacct_pipe *e)
{
	char name[64];

	for (int i = 0; i < 2 && e->call.ret == 0; i++)
		new_fd(io, &e->call, e->fds[i], FDK_PIPE, e->ino[i], 0, name,
		       (size_t)snprintf(name, sizeof(name), "pipe:[%llu]",
					(unsigned long long)e->ino[i]));
	syscall_record(&io->rec, &e->call);
	io_put(io);
}

/* ---- the kernel engine's samples ---- */

/* IOACCT_TASK: REC_NEWTASK. */
static void task_record(struct ebpf_ioacct *io, const struct ioacct_task *e)
{
	struct rec_newtask *r = rec_begin(&io->rec, REC_NEWTASK, e->ts, e->tid, e->tgid, sizeof(*r));

	r->child = e->child;
	r->kind = e->nt_kind;
	r->flags = e->flags;
	io_put(io);
}

/* IOACCT_EXECENV: REC_EXECINFO (it comes before its exec's REC_EXEC). */
static void execenv_record(struct ebpf_ioacct *io, const struct ioacct_execenv *e, size_t size)
{
	const char *cwd = (const char *)(e + 1);
	size_t have = size - sizeof(*e);
	uint32_t clen = e->cwd_len <= have ? e->cwd_len : (uint32_t)have;
	uint32_t elen = e->env_len <= have - clen ? e->env_len : (uint32_t)(have - clen);
	struct rec_execinfo *r = rec_begin(&io->rec, REC_EXECINFO, e->ts, e->tid, e->tgid, sizeof(*r));

	r->flags = (e->flags & 1) ? EXECINFO_ENV_CUT : 0;
	if (!clen)
		r->flags |= EXECINFO_NO_CWD;
	r->cwd_len = (uint32_t)rec_blob(&io->rec, cwd, clen);
	io->next_exec.tid = e->tid;
	io->next_exec.ts = e->ts;
	io->next_exec.script = false;
	memcpy(io->next_exec.cwd, cwd, clen < IOACCT_PATH_MAX ? clen : IOACCT_PATH_MAX);
	io->next_exec.cwd[clen < IOACCT_PATH_MAX ? clen : IOACCT_PATH_MAX] = '\0';
	while (elen > 0 && cwd[clen + elen - 1] != '\0' && (r->flags & EXECINFO_ENV_CUT))
		elen--;   /* (a cut environment ends at its last whole variable) */
	r->env_len = (uint32_t)rec_blob(&io->rec, cwd + clen, elen);
	io_put(io);
}

/* IOACCT_SCRIPT: kept for its exec's REC_EXEC, which comes next. */
static void script_sample(struct ebpf_ioacct *io, const struct ioacct_script *e, size_t size)
{
	const char *name = (const char *)(e + 1);
	size_t have = size - sizeof(*e);
	size_t nlen = e->name_len <= have ? e->name_len : have;
	size_t alen = e->argv0_len <= have - nlen ? e->argv0_len : have - nlen;

	if (e->tid != io->next_exec.tid || e->ts != io->next_exec.ts || !nlen ||
	    nlen > IOACCT_PATH_MAX || name[nlen - 1] || alen > IOACCT_ARGV0_MAX ||
	    (alen && name[nlen + alen - 1]))
		return;
	memcpy(io->next_exec.name, name, nlen);
	memcpy(io->next_exec.argv0, name + nlen, alen);
	io->next_exec.argv0_known = alen > 0;
	io->next_exec.script = true;
}

/* A script's exec as its caller named it (exec_as_called): its path into
 * exe (*elen bytes, room for 4096), its argv into argv (*alen bytes, room
 * for cap). */
static void script_exec(struct ebpf_ioacct *io, char *exe, size_t *elen, char *argv,
			size_t *alen, size_t cap)
{
	static char path[2 * IOACCT_PATH_MAX + 2], interp[4097], script[4096];
	const char *name = io->next_exec.name, *cwd = io->next_exec.cwd;
	size_t n;

	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else if (cwd[0])
		snprintf(path, sizeof(path), "%s%s%s", cwd, strcmp(cwd, "/") ? "/" : "", name);
	else
		return;
	memcpy(interp, exe, *elen);
	interp[*elen] = '\0';
	n = exec_as_called(name, path, io->next_exec.argv0_known ? io->next_exec.argv0 : NULL,
			   interp, argv, alen, cap, script, sizeof(script));
	if (n) {
		memcpy(exe, script, n);
		*elen = n;
	}
}

/* IOACCT_EXEC: REC_EXEC, then REC_FDSET of the fds open after it. */
static void exec_records(struct ebpf_ioacct *io, const struct ioacct_exec *e, size_t size)
{
	static char exe[4097], argv[IOACCT_ARGV_MAX + IOACCT_ARGV0_MAX];
	const char *blob = (const char *)(e + 1);
	size_t have = size - sizeof(*e);
	size_t eoff = e->exe_len <= have ? e->exe_len : have, elen = eoff < 4096 ? eoff : 4096;
	size_t alen = e->argv_len <= have - eoff ? e->argv_len : have - eoff;
	struct rec_exec *r = rec_begin(&io->rec, REC_EXEC, e->ts, e->tid, e->tgid, sizeof(*r));
	int32_t fds[IOACCT_FDSET_WORDS * 64 + 1];
	size_t n = 0;

	memcpy(exe, blob, elen);
	memcpy(argv, blob + eoff, alen);
	if (io->next_exec.script && io->next_exec.tid == e->tid && io->next_exec.ts == e->ts)
		script_exec(io, exe, &elen, argv, &alen, sizeof(argv));
	io->next_exec.tid = 0;
	io->next_exec.script = false;
	r->old_tid = e->old_tid;
	r->exe_len = (uint16_t)rec_blob(&io->rec, exe, elen);
	r->argv_len = (uint32_t)rec_blob(&io->rec, argv, alen);
	r->truncated = (uint16_t)e->truncated;
	io_put(io);
	for (int i = 0; i < IOACCT_FDSET_WORDS * 64; i++)
		if ((e->open_fds[i / 64] >> (i % 64)) & 1)
			fds[n++] = i;
	if (n % 2)
		fds[n++] = -1;   /* pad to the record alignment with a non-fd */
	rec_begin(&io->rec, REC_FDSET, e->ts, e->tid, e->tgid, 0);
	rec_blob(&io->rec, fds, n * sizeof(fds[0]));
	io_put(io);
}

/* One REC_EXIT. */
static void exit_record(struct ebpf_ioacct *io, uint64_t ts, int tid, int tgid, int status,
			bool leader)
{
	struct rec_exit *r = rec_begin(&io->rec, REC_EXIT, ts, tid, tgid, sizeof(*r));

	r->status = status;
	r->leader = leader;
	io_put(io);
}

static void stats_take(struct ebpf_ioacct *io, uint32_t tgid, uint64_t ts);

/* IOACCT_EXIT: the task's REC_EXIT, then its process's when it was the
 * last (reported as its leader, as wait reports a process); before them,
 * the last figures of its call counters if the kernel left them. */
static void exit_records(struct ebpf_ioacct *io, const struct ioacct_exit *e)
{
	if (e->group_dead && e->stats_left)
		stats_take(io, (uint32_t)e->tgid, e->ts);
	if (e->tid != e->tgid)
		exit_record(io, e->ts, e->tid, e->tgid, e->status, false);
	if (e->group_dead)
		exit_record(io, e->ts, e->tgid, e->tgid, e->group_status, true);
}

/* IOACCT_SIGNAL: REC_SIGNAL. */
static void signal_record(struct ebpf_ioacct *io, const struct ioacct_signal *e)
{
	struct rec_signal *r = rec_begin(&io->rec, REC_SIGNAL, e->ts, e->tid, e->tgid, sizeof(*r));

	r->sig = e->sig;
	r->code = e->code;
	io_put(io);
}

/* IOACCT_FD: REC_FD, named as /proc/PID/fd names it. */
static void fd_record(struct ebpf_ioacct *io, const struct ioacct_fd *e, size_t size)
{
	const char *blob = (const char *)(e + 1);
	size_t have = size - sizeof(*e), plen = e->path_len, l = e->laddr_len, rl = e->raddr_len;
	uint8_t kind = e->fd_kind < FDK_MAX ? (uint8_t)e->fd_kind : FDK_UNKNOWN;
	char name[300];
	struct rec_fd *r;

	if (plen + l + rl > have)
		return;
	if (kind == FDK_ANON)
		plen = (size_t)snprintf(name, sizeof(name), "anon_inode:%.*s", (int)plen, blob);
	else if (kind >= FDK_PIPE && kind <= FDK_SOCK)
		plen = (size_t)snprintf(name, sizeof(name), "%s:[%llu]",
					kind == FDK_PIPE ? "pipe" : "socket", (unsigned long long)e->ino);
	r = rec_begin(&io->rec, REC_FD, e->ts, e->tid, e->tgid, sizeof(*r));
	r->fd = e->fd;
	r->kind = kind;
	r->why = (uint8_t)e->why;
	r->ino = kind >= FDK_PIPE && kind <= FDK_ANON ? 0 : e->ino;
	r->dev = e->dev;
	r->path_len = (uint16_t)rec_blob(&io->rec, kind >= FDK_PIPE && kind <= FDK_ANON ? name : blob,
					 plen);
	r->laddr_len = (uint16_t)rec_blob(&io->rec, blob + e->path_len, l);
	r->raddr_len = (uint16_t)rec_blob(&io->rec, blob + e->path_len + l, rl);
	io_put(io);
}

/* IOACCT_CALLX: REC_SYSCALL with its aux, address and paths. */
static void callx_record(struct ebpf_ioacct *io, const struct ioacct_callx *e, size_t size)
{
	struct rec_syscall *r = syscall_record(&io->rec, &e->call);
	size_t have = size - sizeof(*e);
	size_t n = e->addr_len <= have ? e->addr_len : 0;
	size_t p = e->path_len <= have - n ? e->path_len : 0;

	r->flags = e->flags & IOACCT_UNREADABLE ? SYSF_UNREADABLE : 0;
	r->aux = e->aux;
	r->addr_len = (uint16_t)rec_blob(&io->rec, e + 1, n);
	r->path_len = (uint16_t)rec_blob(&io->rec, (const char *)(e + 1) + n, p);
	io_put(io);
}

/* IOACCT_DATA: REC_DATA of a DNS server's reply or of a read of the hosts file. */
static void data_record(struct ebpf_ioacct *io, const struct ioacct_data *e, size_t size)
{
	size_t n = e->len <= size - sizeof(*e) ? e->len : size - sizeof(*e);
	struct rec_data *r = rec_begin(&io->rec, REC_DATA, e->ts, e->tid, e->tgid, sizeof(*r));

	r->fd = e->fd;
	r->kind = e->what == IOACCT_HOSTS ? DATA_HOSTS_READ : DATA_DNS;
	r->len = (uint32_t)rec_blob(&io->rec, e + 1, n);
	r->total = e->total;
	io_put(io);
}

/* REC_SYSSTAT for what the figures of (tgid, nr) grew from seen to st. */
static void stat_growth(struct ebpf_ioacct *io, uint64_t ts, uint32_t tgid, int32_t nr,
			const struct ioacct_stat *st, const struct ioacct_stat *seen)
{
	struct rec_sysstat *r = rec_begin(&io->rec, REC_SYSSTAT, ts, (int)tgid, (int)tgid,
					  sizeof(*r));

	r->nr = nr;
	r->calls = st->calls - seen->calls;
	r->errors = grown(st->errors, seen->errors);
	r->timed = grown(st->timed, seen->timed);
	r->total_ns = grown(st->total_ns, seen->total_ns);
	r->max_ns = st->max_ns;
	for (int i = 0; i < REC_SYSSTAT_SLOTS; i++)
		r->hist[i] = st->hist[i] - seen->hist[i];   /* (wraps as the kernel's do) */
	io_put(io);
}

/* REC_SYSSTAT of one call the kernel sent alone (IOACCT_CALLSTAT). */
static void callstat_record(struct ebpf_ioacct *io, const struct ioacct_callstat *e)
{
	static const struct ioacct_stat none;
	struct ioacct_stat one = { .calls = 1, .errors = e->failed, .timed = e->timed,
				   .total_ns = e->dur, .max_ns = e->dur };

	if (e->timed)
		one.hist[e->slot % IOACCT_HIST_SLOTS] = 1;
	stat_growth(io, e->ts, e->tgid, e->nr, &one, &none);
}

/* REC_SYSSTAT for what counter (tgid, nr) grew since it was last passed
 * on (its figures now: st); final: the process ended, forget it. */
static void stat_record(struct ebpf_ioacct *io, uint64_t ts, uint32_t tgid, int32_t nr,
			const struct ioacct_stat *st, bool final)
{
	uint64_t key = (uint64_t)tgid << 32 | (uint32_t)nr;
	struct ioacct_stat *seen = imap_get(&io->stats_seen, key);

	if (!seen) {
		seen = xcalloc(1, sizeof(*seen));
		imap_put(&io->stats_seen, key, seen);
	}
	if (st->calls > seen->calls) {
		stat_growth(io, ts, tgid, nr, st, seen);
		*seen = *st;
	}
	if (final)
		free(imap_del(&io->stats_seen, key));
}

/* Process tgid ended and the kernel left its call counters in the map
 * (IOACCT_EXIT's stats_left): pass on their last figures and take them
 * out, with its bits. */
static void stats_take(struct ebpf_ioacct *io, uint32_t tgid, uint64_t ts)
{
	int nrs = bpf_map__fd(io->skel->maps.kstat_nrs), stats = bpf_map__fd(io->skel->maps.kstats);
	struct ioacct_nr_bits bits;
	struct ioacct_stat st;

	if (bpf_map_lookup_and_delete_elem(nrs, &tgid, &bits) != 0)
		return;   /* (a fork of the same pid sent them already) */
	for (uint32_t w = 0; w < IOACCT_NR_MAX / 64; w++)
		for (uint64_t left = bits.w[w]; left; left &= left - 1) {
			struct ioacct_stat_key key = { tgid, (int32_t)(w * 64 + (uint32_t)__builtin_ctzll(left)) };

			if (bpf_map_lookup_and_delete_elem(stats, &key, &st) == 0)
				stat_record(io, ts, tgid, key.nr, &st, true);
		}
}

/* Pass on what every counter of the kernel engine grew, if a while passed
 * since the last look (a process's last figures come in the ring).  The
 * map is read STATS_BATCH counters a call: thousands of processes have
 * tens of thousands of counters, which read one by one (two calls each)
 * took longer than the sweeps' period. */
static void stats_sweep(struct ebpf_ioacct *io)
{
	enum { STATS_BATCH = 256 };
	const struct bpf_map *m = io->skel->maps.kstats;
	struct ioacct_stat_key key, next, keys[STATS_BATCH];
	struct ioacct_stat st, vals[STATS_BATCH];
	uint64_t now = util_now_ns(), batch = 0;
	void *prev = NULL;
	int fd = bpf_map__fd(m);

	if (now - io->stats_at < STATS_SWEEP_NS)
		return;
	io->stats_at = now;
	for (bool first = true;; first = false) {
		__u32 count = STATS_BATCH;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &batch, &batch, keys, vals,
					       &count, NULL);

		if (err && errno != ENOENT)
			break;   /* (ENOSPC: a bucket holds more than a batch) */
		for (__u32 i = 0; i < count; i++)
			stat_record(io, now, keys[i].tgid, keys[i].nr, &vals[i], false);
		if (err)
			return;   /* ENOENT: those were the last */
	}
	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(m, &key, sizeof(key), &st, sizeof(st), 0) == 0)
			stat_record(io, now, key.tgid, key.nr, &st, false);
	}
}

/* The kernel engine's samples, as records; false for another kind. */
static bool engine_sample(struct ebpf_ioacct *io, __u32 kind, const void *data, size_t size)
{
	if (kind == IOACCT_TASK && size >= sizeof(struct ioacct_task))
		task_record(io, data);
	else if (kind == IOACCT_EXEC && size >= sizeof(struct ioacct_exec))
		exec_records(io, data, size);
	else if (kind == IOACCT_EXECENV && size >= sizeof(struct ioacct_execenv))
		execenv_record(io, data, size);
	else if (kind == IOACCT_SCRIPT && size >= sizeof(struct ioacct_script))
		script_sample(io, data, size);
	else if (kind == IOACCT_EXIT && size >= sizeof(struct ioacct_exit))
		exit_records(io, data);
	else if (kind == IOACCT_SIGNAL && size >= sizeof(struct ioacct_signal))
		signal_record(io, data);
	else if (kind == IOACCT_FD && size >= sizeof(struct ioacct_fd))
		fd_record(io, data, size);
	else if (kind == IOACCT_CALLX && size >= sizeof(struct ioacct_callx))
		callx_record(io, data, size);
	else if (kind == IOACCT_DATA && size >= sizeof(struct ioacct_data))
		data_record(io, data, size);
	else if (kind == IOACCT_SYSSTAT && size >= sizeof(struct ioacct_sysstat)) {
		const struct ioacct_sysstat *e = data;
		stat_record(io, e->ts, e->tgid, e->nr, &e->st, true);
	} else if (kind == IOACCT_CALLSTAT && size >= sizeof(struct ioacct_callstat))
		callstat_record(io, data);
	else
		return false;
	return true;
}

/* --stack: follow what the process opens, maps and runs (its modules),
 * from the samples that tell it. */
static void stack_follow(struct ebpf_ioacct *io, __u32 kind, const void *data, size_t size)
{
	const struct ioacct_call *c = data;

	if (kind == IOACCT_OPEN && size >= sizeof(struct ioacct_open) && c->ret >= 0) {
		const struct ioacct_open *o = data;
		size_t plen = o->path_len <= size - sizeof(*o) ? o->path_len : size - sizeof(*o);
		kstack_opened(io->kstack, c->tgid, (int)c->ret, (const char *)(o + 1), plen);
	} else if (kind == IOACCT_CALL && size >= sizeof(*c)) {
		kstack_mem_call(io->kstack, c->tgid, c->nr, (const uint64_t *)c->args, c->ret);
	} else if (kind == IOACCT_EXEC && size >= sizeof(struct ioacct_exec)) {
		const struct ioacct_exec *e = data;
		size_t have = size - sizeof(*e);
		kstack_exec(io->kstack, e->tgid, (const char *)(e + 1),
			    e->exe_len <= have ? e->exe_len : have);
	} else if (kind == IOACCT_TASK && size >= sizeof(struct ioacct_task)) {
		const struct ioacct_task *t = data;
		if (t->child_tgid != t->tgid)
			kstack_fork(io->kstack, t->tgid, t->child_tgid);
	} else if (kind == IOACCT_EXIT && size >= sizeof(struct ioacct_exit)) {
		const struct ioacct_exit *e = data;
		if (e->group_dead)
			kstack_gone(io->kstack, e->tgid);
	}
}

/* Ring-buffer callback: one sample, as records, to the drain's sink. */
static int take_sample(struct ebpf_ioacct *io, void *data, size_t size);

/* ring_buffer callback: one sample, then stop the ring's consumption if
 * the drain's budget is spent (the sample counts as consumed). */
static int on_sample(void *ctx, void *data, size_t size)
{
	struct ebpf_ioacct *io = ctx;

	take_sample(io, data, size);
	return io->budget && ++io->taken >= io->budget ? -EAGAIN : 0;
}

/* One sample of the ring, as records. */
static int take_sample(struct ebpf_ioacct *io, void *data, size_t size)
{
	__u32 kind;

	if (size < sizeof(kind) || !io->put)
		return 0;
	memcpy(&kind, data, sizeof(kind));
	if (io->kstack) {
		if (kind == IOACCT_STACK) {
			if (kstack_record(io->kstack, data, size, &io->rec) == 0)
				io_put(io);
			return 0;
		}
		stack_follow(io, kind, data, size);
	}
	if (kind == IOACCT_COUNT && size >= sizeof(struct ioacct_count)) {
		if (!io_record(io, data))
			return 0;
	} else if (kind == IOACCT_CALL && size >= sizeof(struct ioacct_call))
		syscall_record(&io->rec, data);
	else if (kind == IOACCT_OPEN && size >= sizeof(struct ioacct_open))
		return open_records(io, data, size), 0;
	else if (kind == IOACCT_PIPE && size >= sizeof(struct ioacct_pipe))
		return pipe_records(io, data), 0;
	else
		return engine_sample(io, kind, data, size), 0;
	io_put(io);
	return 0;
}

/* Watch the ring's fill: its positions mapped read-only, and an
 * edge-triggered epoll the kernel's high-water wake-ups reach (the tracer
 * thread consumes the ring; the reader only looks). */
static int watch_ring(struct ebpf_ioacct *io, int map_fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, 2 * (size_t)page, PROT_READ, MAP_SHARED, map_fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	io->pos = p;
	io->pos_len = 2 * (size_t)page;
	io->wake_fd = epoll_create1(EPOLL_CLOEXEC);
	if (io->wake_fd < 0 || epoll_ctl(io->wake_fd, EPOLL_CTL_ADD, map_fd, &ev) < 0)
		return -errno;
	return 0;
}

/* Open a skeleton (rodata set) and choose its programs; relocate
 * against core's slice of the kernel's BTF when core is given, else
 * against btf_path (or the kernel's own).  NULL with errno on failure. */
static struct ioacct_bpf *open_one(const struct ebpf_shape *s, const char *btf_path, bool raw,
				   const struct ebpf_core *core)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .btf_custom_path = core ? core->path : btf_path);
	struct ioacct_bpf *skel = ioacct_bpf__open_opts(&oo);
	struct bpf_program *p;

	if (!skel)
		return NULL;
	skel->rodata->engine = s->engine;
	skel->rodata->engine_keeps_tasks = s->engine && s->tasks_only;   /* no latency.bpf.c */
	skel->rodata->stack_pick = s->stack;
	for (long nr = 0; nr < IOACCT_NR_MAX; nr++)
		skel->rodata->ke_compat_nrs[nr] = (__s16)sysent_native(1, nr);
	/* (kernels before 5.11 have no task storage: the raw_tp programs,
	 * their fallback, never use it) */
	bpf_map__set_autocreate(skel->maps.kstate, !raw);
	if (libbpf_num_possible_cpus() > 0)   /* (--ebpf too: the reads it copies) */
		bpf_map__set_max_entries(skel->maps.engine_scratch, (__u32)libbpf_num_possible_cpus());
	/* (it has no block programs: nothing to leave out for want of them) */
	ebpf_prog_choose(skel->obj, raw, &(struct ebpf_shape){ .block = true });
	bpf_object__for_each_program(p, skel->obj)   /* the engine's own: only for it */
		if (!s->engine && strncmp(bpf_program__name(p), "ke_", 3) == 0)
			bpf_program__set_autoload(p, false);
	return skel;
}

/* Open io->skel (open_one), on the maps shared with latency.bpf.c. */
static int open_skel(struct ebpf_ioacct *io, const struct ebpf_shape *s, const char *btf_path,
		     bool raw, const struct ebpf_core *core, int tasks_fd, int drops_fd)
{
	int err;

	io->skel = open_one(s, btf_path, raw, core);
	if (!io->skel)
		return -errno;
	err = bpf_map__reuse_fd(io->skel->maps.tasks, tasks_fd);
	return err ? err : bpf_map__reuse_fd(io->skel->maps.drops, drops_fd);
}

/* sys_exit's program, verified beside the others: the verifier spends
 * about 11 of its 20 ms on it, and loading another program of the same
 * object would wait for it.  It is loaded from a second object of the same
 * source (its maps in the same order), opened in a thread of its own
 * (rodata as the first's) on every map of the first, with only sys_exit to
 * load once the slice is there. */
#define EXIT_MAPS 32
struct exit_job {
	const struct ebpf_shape *s;
	bool raw;
	struct ebpf_core *core;
	int fds[EXIT_MAPS];           /* the first object's maps, in its order (-1: not made) */
	int nfds;
	struct ioacct_bpf *skel;      /* the result: loaded, or NULL with err */
	int err;
};

/* Open the second object on the first's maps, with only sys_exit to load. */
static int open_exit(struct exit_job *j)
{
	struct bpf_program *p;
	struct bpf_map *m;
	int err = 0, i = 0;

	j->skel = open_one(j->s, NULL, j->raw, j->core);
	if (!j->skel)
		return -errno;
	bpf_object__for_each_program(p, j->skel->obj)
		if (p != (j->raw ? j->skel->progs.sys_exit_raw : j->skel->progs.sys_exit_btf))
			bpf_program__set_autoload(p, false);
	bpf_object__for_each_map(m, j->skel->obj) {
		if (i >= j->nfds)
			return -EINVAL;
		err = j->fds[i] < 0 ? bpf_map__set_autocreate(m, false) :   /* (not made there) */
		      bpf_map__reuse_fd(m, j->fds[i]);
		i++;
		if (err)
			return err;
	}
	if (i != j->nfds)
		return -EINVAL;
	if (!j->raw)
		ebpf_prog_skip_vmlinux(j->skel->obj);
	return 0;
}

/* The job's thread: open, wait for the slice, load sys_exit.  (Without
 * the slice it loads nothing: the first object opens again and loads all.) */
static void *exit_main(void *arg)
{
	struct exit_job *j = arg;

	util_name_thread("ct-bpf-load");
	j->err = open_exit(j);
	if (ebpf_prog_core_wait(j->core) < 0 && !j->err)
		j->err = -ESRCH;
	if (!j->err)
		j->err = ioacct_bpf__load(j->skel);
	return NULL;
}

/* Start the job on io->skel's maps (all made), and leave sys_exit out of
 * io->skel's load: true when it started. */
static bool start_exit(struct ebpf_ioacct *io, struct exit_job *j, pthread_t *th)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, io->skel->obj) {
		if (j->nfds == EXIT_MAPS || (bpf_map__autocreate(m) && bpf_map__fd(m) < 0))
			return false;
		j->fds[j->nfds++] = bpf_map__autocreate(m) ? bpf_map__fd(m) : -1;
	}
	if (pthread_create(th, NULL, exit_main, j) != 0)
		return false;
	bpf_program__set_autoload(j->raw ? io->skel->progs.sys_exit_raw :
				  io->skel->progs.sys_exit_btf, false);
	return true;
}

/* Open, load and attach one flavour.  With core, every map is made and
 * sys_exit's object opened while core's slice is being made, then the two
 * load beside each other (exit_job); without core (or its slice), it opens
 * again as before and loads all in one. */
static int load_skel(struct ebpf_ioacct *io, const struct ebpf_shape *s, const char *btf_path,
		     bool raw, int tasks_fd, int drops_fd, struct ebpf_core *core)
{
	struct exit_job job = { .s = s, .raw = raw, .core = core };
	int err = open_skel(io, s, btf_path, raw, core, tasks_fd, drops_fd);
	bool split = false;
	pthread_t th;

	if (!err && core) {
		split = ebpf_prog_make_maps(io->skel->obj) == 0 && start_exit(io, &job, &th);
		if (ebpf_prog_core_wait(core) < 0) {
			if (split)
				pthread_join(th, NULL);
			ioacct_bpf__destroy(job.skel);
			ioacct_bpf__destroy(io->skel);
			split = false;
			err = open_skel(io, s, btf_path, raw, NULL, tasks_fd, drops_fd);
		}
	}
	if (err)
		return err;
	if (!raw)
		ebpf_prog_skip_vmlinux(io->skel->obj);
	io->engine = s->engine;
	if (s->stack && !io->kstack)
		io->kstack = kstack_new();
	err = ioacct_bpf__load(io->skel);
	if (split) {
		pthread_join(th, NULL);
		io->exit_skel = job.skel;
		err = err ? err : job.err;
	}
	if (!err)
		err = ioacct_bpf__attach(io->skel);
	if (!err && io->exit_skel)
		err = ioacct_bpf__attach(io->exit_skel);
	return err;
}

int ebpf_ioacct_load(struct ebpf_ioacct **out, const struct ebpf_shape *s,
		     const char *btf_path, bool raw, int tasks_fd, int drops_fd,
		     struct ebpf_core *core)
{
	struct ebpf_ioacct *io = xcalloc(1, sizeof(*io));
	int err, ring_fd;

	*out = NULL;
	io->wake_fd = -1;
	err = load_skel(io, s, btf_path, raw, tasks_fd, drops_fd, core);
	if (!err) {
		ring_fd = bpf_map__fd(io->skel->maps.ioevents);
		io->rb = ring_buffer__new(ring_fd, on_sample, io, NULL);
		err = io->rb ? watch_ring(io, ring_fd) : -errno;
		io->seen = xcalloc(IOACCT_MAX_FDS, sizeof(*io->seen));
	}
	if (err) {
		ebpf_ioacct_free(io);
		return err;
	}
	*out = io;
	return 0;
}

void ebpf_ioacct_make_core(struct ebpf_core *core, const char *btf_path)
{
	struct ioacct_bpf *skel = ioacct_bpf__open();   /* (its own: the loader's is busy) */
	const struct btf *local = skel ? bpf_object__btf(skel->obj) : NULL;

	ebpf_prog_core_make(core, btf_path, &local, local ? 1 : 0);
	ioacct_bpf__destroy(skel);
}

/* Have the kernel send every counter that grew, if IOACCT_SWEEP_MS passed. */
static void sweep(struct ebpf_ioacct *io)
{
	LIBBPF_OPTS(bpf_test_run_opts, run);
	uint64_t now = util_now_ns();

	/* (a tenth early still counts: the tracer looks on a coarser tick) */
	if (now - io->swept_at < IOACCT_SWEEP_MS * 900000ull)
		return;
	io->swept_at = now;
	bpf_prog_test_run_opts(bpf_program__fd(io->skel->progs.io_sweep), &run);
}

bool ebpf_ioacct_drain(struct ebpf_ioacct *io, rec_put_fn *put, void *ctx, size_t budget)
{
	bool more;

	sweep(io);
	io->put = put;
	io->put_ctx = ctx;
	io->budget = budget;
	io->taken = 0;
	more = ring_buffer__consume(io->rb) == -EAGAIN;
	if (io->engine)
		stats_sweep(io);   /* (after the ring: a counter's final figures came first) */
	io->put = NULL;
	return more;
}

void ebpf_ioacct_exec(struct ebpf_ioacct *io, pid_t pid, const char *exe, size_t len)
{
	if (io->kstack)
		kstack_exec(io->kstack, pid, exe, len);
}

void ebpf_ioacct_fork(struct ebpf_ioacct *io, pid_t parent, pid_t child)
{
	if (io->kstack)
		kstack_fork(io->kstack, parent, child);
}

/* Bytes in the ring the tracer thread has not consumed yet.  The
 * consumer's position is read first: it never passes the producer's, so
 * the producer's, read after, is never behind it. */
static uint64_t ring_used(const struct ebpf_ioacct *io)
{
	const uint64_t *cons = io->pos;
	const uint64_t *prod = (const uint64_t *)((const char *)io->pos + io->pos_len / 2);
	uint64_t c;

	c = __atomic_load_n(cons, __ATOMIC_ACQUIRE);
	return __atomic_load_n(prod, __ATOMIC_ACQUIRE) - c;
}

bool ebpf_ioacct_over(const struct ebpf_ioacct *io, bool holding)
{
	uint64_t used = ring_used(io);

	return holding ? used > IOACCT_LOW_WATER : used >= IOACCT_HIGH_WATER;
}

int ebpf_ioacct_wake_fd(const struct ebpf_ioacct *io)
{
	return io->wake_fd;
}

void ebpf_ioacct_woken(struct ebpf_ioacct *io)
{
	struct epoll_event ev;

	epoll_wait(io->wake_fd, &ev, 1, 0);
}

int ebpf_ioacct_add_task(struct ebpf_ioacct *io, pid_t tid, pid_t tgid, bool spawned)
{
	struct ioacct_task_state v = { .tgid = (__u32)tgid,
				       .flags = spawned ? IOACCT_TASK_PREEXEC : 0 };
	__u32 k = (__u32)tid;

	return bpf_map__update_elem(io->skel->maps.kalive, &k, sizeof(k), &v, sizeof(v), BPF_ANY) ?
	       -errno : 0;
}

bool ebpf_ioacct_tasks_left(const struct ebpf_ioacct *io)
{
	__u32 next;

	return bpf_map__get_next_key(io->skel->maps.kalive, NULL, &next, sizeof(next)) == 0;
}

bool ebpf_ioacct_has_task(const struct ebpf_ioacct *io, pid_t tid)
{
	struct ioacct_task_state v;
	__u32 k = (__u32)tid;

	return bpf_map__lookup_elem(io->skel->maps.kalive, &k, sizeof(k), &v, sizeof(v), 0) == 0;
}

size_t ebpf_ioacct_tasks(const struct ebpf_ioacct *io, pid_t *tids, pid_t *tgids, size_t cap)
{
	const struct bpf_map *m = io->skel->maps.kalive;
	ssize_t got = ebpf_prog_tasks(bpf_map__fd(m), sizeof(struct ioacct_task_state), 0, tids,
				      tgids, cap);
	struct ioacct_task_state v;
	__u32 key, next;
	void *prev = NULL;
	size_t n = 0;

	_Static_assert(offsetof(struct ioacct_task_state, tgid) == 0, "ebpf_prog_tasks reads it");
	if (got >= 0)
		return (size_t)got;
	/* (the kernel cannot look up in batches: one by one) */
	while (n < cap && bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(m, &key, sizeof(key), &v, sizeof(v), 0) == 0) {
			tids[n] = (pid_t)key;
			tgids[n++] = (pid_t)v.tgid;
		}
	}
	return n;
}

size_t ebpf_ioacct_count(const struct ebpf_ioacct *io)
{
	const struct bpf_map *m = io->skel->maps.fdio;
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

void ebpf_ioacct_free(struct ebpf_ioacct *io)
{
	if (!io)
		return;
	if (io->wake_fd >= 0)
		close(io->wake_fd);
	if (io->pos)
		munmap(io->pos, io->pos_len);
	ring_buffer__free(io->rb);
	free(io->seen);
	for (size_t i = 0; i < io->stats_seen.cap; i++)
		free(io->stats_seen.vals[i]);
	imap_release(&io->stats_seen);
	kstack_free(io->kstack);
	ioacct_bpf__destroy(io->exit_skel);
	ioacct_bpf__destroy(io->skel);
	free(io);
}
