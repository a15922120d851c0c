/* model.c - what the records mean.
 *
 * Turns records into processes, fd tables, per-file and per-connection
 * totals, and a stream of events for the sinks.  Pure: no system calls, no
 * printing, no clocks; everything it knows came in a record, so the same
 * records always give the same conclusions (live or replayed).
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "dnsmsg.h"
#include "hmap.h"
#include "model.h"
#include "regions.h"
#include "sockaddr.h"
#include "sysstat.h"
#include "util.h"

#define REAP_NS (5ull * 1000000000ull)   /* keep an exited process's regions this long */
#define PARKED_MAX 65536                  /* faults waiting for their process or region */
#define PARK_NS 50000000ull               /* and waiting at most this long (trace time) */
#define DEAD_NS (5ull * 1000000000ull)    /* keep an ended task for late records this long */
#define LATE_NS 100000000ull              /* a kernel sample this long after its task's end
					     is about a new task with the tid */
#define EARLY_MAX 4096                    /* kernel samples waiting for their task's fork */
#define EARLY_NS 500000000ull             /* and waiting at most this long (trace time) */

/* A thread as the model knows it: its process and fd table.  Once it
 * ended it is kept DEAD_NS for the records that come after its exit
 * record: the eBPF reader's samples, the kernel's counts of its last calls. */
struct thread {
	int tid;
	struct proc *p;
	struct fdtable *fdt;
	uint64_t end;             /* ended: the record time of its end, else 0 */
};

/* Latency of one process (kept apart from struct proc: eBPF records may
 * arrive before the tracer's record that creates the process). */
struct proc_lat {
	struct lat_stats sched, block;
};

/* A growable array of pointers. */
struct ptrvec {
	void **v;
	size_t n, cap;
};

struct model {
	model_observer_fn *fn;
	void *ctx;
	bool verbose;
	struct imap threads;      /* tid -> struct thread, live */
	struct imap stacks;       /* tid -> copy of the REC_STACK for its next call */
	const struct rec_stack *stack;   /* while a call's record is read: its stack */
	int stack_tid;
	struct imap dead;         /* tid -> struct thread that ended last with that tid */
	uint64_t dead_sweep;      /* record time of the next look for dead tasks to free */
	struct ptrvec early;      /* copies of kernel samples whose task is not known yet */
	uint64_t early_min;       /* the earliest time among them */
	struct imap procs_by_pid; /* pid -> newest struct proc with that pid */
	struct ptrvec procs, files, conns, notes;
	struct smap file_by_path; /* path -> struct fileagg */
	struct smap names;        /* "pid addr" -> the name (char *) process pid
				     learned for addr, from DNS or a hosts file */
	struct smap flows;        /* "pid kind peer" -> struct conn of a UDP flow */
	struct ptrvec faults;     /* struct faultagg, in order of appearance */
	struct smap fault_by_key; /* "pid region" -> struct faultagg */
	struct ptrvec parked;     /* copies of REC_FAULT not attributable yet */
	struct ptrvec reap;       /* exited processes whose regions are still kept */
	size_t reap_head;
	bool regions_on;          /* REC_MAPS seen: --faults is on, keep regions */
	uint64_t faults_total, faults_lost, end_ts;
	struct io_totals io;
	struct imap lat_by_pid;   /* pid -> struct proc_lat */
	struct lat_stats lat_sched, lat_block;
	uint64_t dropped;
	uint64_t mmap_bytes, mmap_regions, events;
	uint64_t start_ts, last_ts, stops, stopped_ns;
	char **command;
	int root_pid, root_status;
	struct proc *root;
	bool started, attached, ended, io_uring_noted;
	uint64_t unreadable;      /* arguments that could not be read */
	size_t unreadable_note;   /* their note's index in notes */
	bool kernel_engine;       /* REC_START says the kernel engine traced it */
	bool kernel_batches;      /* the kernel sent regions in batches (kernel engine, --ebpf) */
	enum end_reason reason;
	struct sysstat *sys;      /* per-syscall counts and times (strace -c) */
	struct ptrvec execs;      /* struct execinfo, in order of their execs */
	struct model_run *runs;   /* one, or one per recording of a merge */
	size_t nruns;
	unsigned run;             /* the run of the record being taken */
	struct imap exec_due;     /* pid -> its newest execinfo, until its fds are known */
};

/* Append p to a vector. */
static void vec_push(struct ptrvec *v, void *p)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 16;
		v->v = xreallocarray(v->v, v->cap + 1, sizeof(*v->v));
	}
	v->v[v->n++] = p;
	v->v[v->n] = NULL;
}

/* Split a NUL-separated blob into a NULL-terminated vector of copies. */
static char **split_argv(const char *blob, size_t len)
{
	size_t n = 0, i, k = 0;
	char **v;

	for (i = 0; i < len; i++)
		n += blob[i] == '\0';
	if (len && blob[len - 1] != '\0')
		n++;
	v = xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < len && k < n; k++) {
		size_t l = strnlen(blob + i, len - i);
		v[k] = xstrndup(blob + i, l);
		i += l + 1;
	}
	return v;
}

/* Free a NULL-terminated vector of strings. */
static void free_argv(char **v)
{
	for (char **a = v; a && *a; a++)
		free(*a);
	free(v);
}

/* Copy a NULL-terminated vector of strings. */
static char **dup_argv(char *const *v)
{
	size_t n = 0;
	char **c;

	while (v && v[n])
		n++;
	c = xcalloc(n + 1, sizeof(*c));
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

/* ns since the start of tracing. */
static uint64_t rel(const struct model *m, uint64_t ts)
{
	return ts > m->start_ts ? ts - m->start_ts : 0;
}

/* Send an event to the observer. */
static void emit(struct model *m, struct event *ev)
{
	if (m->stack && ev->tid == m->stack_tid)
		ev->stack = m->stack;
	m->events++;
	if ((size_t)rec_pid_run(ev->pid) < m->nruns)
		m->runs[rec_pid_run(ev->pid)].events++;
	if (m->fn)
		m->fn(m->ctx, ev);
}

/* A fresh event of type for the task behind a record. */
static struct event ev_init(const struct model *m, const struct rec_hdr *h,
			    const struct thread *t, enum ev_type type)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts = rel(m, h->ts);
	ev.tid = h->tid;
	ev.pid = t && t->p ? t->p->pid : h->tgid;
	ev.host = model_pid_label(m, ev.pid);   /* (a sample kept back: not m->run's) */
	ev.proc = t ? t->p : NULL;
	ev.type = type;
	ev.nr = -1;
	ev.fd = ev.fd2 = -1;
	if (h->type == REC_SYSCALL) {
		/* Every event a finished call makes spans the call (0: entry unseen). */
		const struct rec_syscall *s = rec_payload(h);

		ev.dur = s->entry_ts && h->ts > s->entry_ts ? h->ts - s->entry_ts : 0;
	}
	return ev;
}

/* A new process entry. */
static struct proc *proc_new(struct model *m, int pid, int ppid, uint64_t ts)
{
	struct proc *p = xcalloc(1, sizeof(*p));

	p->pid = pid;
	p->ppid = ppid;
	p->host = model_pid_label(m, pid);
	if ((size_t)rec_pid_run(pid) < m->nruns)
		m->runs[rec_pid_run(pid)].processes++;
	p->start_ts = rel(m, ts);
	p->threads = 1;
	p->live = 1;
	p->exe = xstrdup("");
	p->argv = xcalloc(1, sizeof(*p->argv));
	p->mem = m->regions_on ? regions_new() : NULL;
	vec_push(&m->procs, p);
	imap_put(&m->procs_by_pid, (uint64_t)pid, p);
	return p;
}

/* Free a task. */
static void thread_free(struct thread *t)
{
	fdtable_unref(t->fdt);
	free(t);
}

/* A new task entry (replacing a stale one with the same tid). */
static struct thread *thread_new(struct model *m, int tid, struct proc *p, struct fdtable *fdt)
{
	struct thread *t = imap_get(&m->threads, (uint64_t)tid);

	if (t)
		thread_free(t);
	t = xcalloc(1, sizeof(*t));
	t->tid = tid;
	t->p = p;
	t->fdt = fdt;
	imap_put(&m->threads, (uint64_t)tid, t);
	return t;
}

/* Keep an ended task for the records that come after its end. */
static void thread_bury(struct model *m, struct thread *t, uint64_t ts)
{
	struct thread *old = imap_get(&m->dead, (uint64_t)t->tid);

	if (old && old != t)
		thread_free(old);
	t->end = ts ? ts : 1;
	imap_put(&m->dead, (uint64_t)t->tid, t);
}

/* Free the tasks that ended more than DEAD_NS before ts (looked for at
 * most once per DEAD_NS, so each costs its share of one walk). */
static void sweep_dead(struct model *m, uint64_t ts)
{
	struct ptrvec gone = { 0 };

	if (ts < m->dead_sweep)
		return;
	m->dead_sweep = ts + DEAD_NS;
	for (size_t i = 0; i < m->dead.cap; i++) {
		struct thread *t = m->dead.vals[i];
		if (t && t->end + DEAD_NS < ts)
			vec_push(&gone, t);
	}
	for (size_t i = 0; i < gone.n; i++) {
		struct thread *t = gone.v[i];
		imap_del(&m->dead, (uint64_t)t->tid);
		thread_free(t);
	}
	free(gone.v);
}

/* The task a record of tid is about: the live one, else the one that ended
 * last with that tid (a record that came after the task's end), or NULL. */
static struct thread *thread_find(const struct model *m, int tid)
{
	struct thread *t = imap_get(&m->threads, (uint64_t)tid);

	return t ? t : imap_get(&m->dead, (uint64_t)tid);
}

/* The task of a record, created on the fly when we never saw it begin.  A
 * record about a task of a process that ended came after that end: it
 * belongs to the ended process, never to a new one (only a fork or clone
 * record says a pid is in use again). */
static struct thread *thread_of(struct model *m, int tid, int tgid, uint64_t ts)
{
	struct thread *t = thread_find(m, tid);
	struct proc *p;

	if (t)
		return t;
	p = imap_get(&m->procs_by_pid, (uint64_t)tgid);
	if (p && p->exited) {
		t = xcalloc(1, sizeof(*t));
		t->tid = tid;
		t->p = p;
		t->fdt = fdtable_new();
		thread_bury(m, t, ts);
		return t;
	}
	if (!p)
		p = proc_new(m, tgid, 0, ts);
	else if (tid != tgid)
		p->threads++, p->live++;
	return thread_new(m, tid, p, fdtable_new());
}

/* Per-file totals for a regular file object, created on first need.  A
 * file is known by its path; one whose path is not whole (cut, or not
 * known at all) by its device and inode too, so two such never merge.  In
 * a merge of recordings its path starts with its host's label
 * ("web1:/etc/hosts"): two hosts' files are never one. */
static struct fileagg *file_agg(struct model *m, struct fobj *o)
{
	const char *label = m->runs[m->run].label;
	struct fileagg *a;
	char *key = NULL;
	size_t pre = 0;

	if (o->agg)
		return o->agg;
	if (o->path[0] != '/' || label) {
		key = xmalloc(strlen(o->path) + (label ? strlen(label) : 0) + 48);
		if (o->path[0] != '/')
			pre = (size_t)sprintf(key, "%x:%llx:", o->dev, (unsigned long long)o->ino);
		sprintf(key + pre, "%s%s%s", label ? label : "", label ? ":" : "", o->path);
	}
	a = smap_get(&m->file_by_path, key ? key : o->path);
	if (!a) {
		a = xcalloc(1, sizeof(*a));
		a->path = smap_put(&m->file_by_path, key ? key : o->path, a) + pre;
		vec_push(&m->files, a);
	}
	free(key);
	o->agg = a;
	return a;
}

/* Add n to a field of the I/O totals, and to the same field of the
 * record's run's totals. */
static void io_add(struct model *m, uint64_t *total, uint64_t n)
{
	*total += n;
	((uint64_t *)&m->runs[m->run].io)[total - (uint64_t *)&m->io] += n;
}

/* Is this kind an inet socket? */
static bool is_inet(int kind)
{
	return kind >= FDK_TCP4 && kind <= FDK_UDP6;
}

/* Count n bytes moving in (dir FM_READ) or out (FM_WRITE) through o. */
static void account(struct model *m, struct fobj *o, int dir, uint64_t n)
{
	bool in = dir == FM_READ;

	if (!o)
		return;
	if (in)
		o->rd += n;
	else
		o->wr += n;
	if (o->kind == FDK_FILE) {
		struct fileagg *a = file_agg(m, o);
		a->mode |= (uint8_t)dir;
		*(in ? &a->rd : &a->wr) += n;
		io_add(m, in ? &m->io.file_rd : &m->io.file_wr, n);
	} else if (is_inet(o->kind)) {
		if (o->conn)
			*(in ? &o->conn->received : &o->conn->sent) += n;
		io_add(m, in ? &m->io.net_recv : &m->io.net_sent, n);
	} else if (o->kind == FDK_PIPE || o->kind == FDK_UNIX) {
		io_add(m, in ? &m->io.ipc_rd : &m->io.ipc_wr, n);
	}
}

/* Text form of a sockaddr blob (NULL when empty). */
static char *addr_text(const void *sa, size_t len)
{
	char buf[256];

	if (!len || sockaddr_format(sa, len, buf, sizeof(buf)) < 0)
		return NULL;
	return xstrdup(buf);
}

/* ---- names of peers ---- */

/* Where names learned from one REC_DATA go. */
struct learn {
	struct model *m;
	int pid;
	bool hosts;            /* from a hosts file: never replaces a DNS answer */
};

/* dnsmsg_fn: process pid knows addr as name. */
static void name_learn(void *ctx, const char *name, int family, const uint8_t *addr)
{
	struct learn *l = ctx;
	char ip[INET6_ADDRSTRLEN], key[80];
	char *old;

	if (!inet_ntop(family, addr, ip, sizeof(ip)))
		return;
	snprintf(key, sizeof(key), "%d %s", l->pid, ip);
	old = smap_get(&l->m->names, key);
	if (old && l->hosts)
		return;
	free(old);
	smap_put(&l->m->names, key, xstrdup(name));
}

/* The address part of a peer's text ("1.2.3.4:80" -> 1.2.3.4, "[::1]:80"
 * -> ::1) into out; false when it has none. */
static bool peer_addr(const char *remote, char *out, size_t cap, const char **port)
{
	const char *end = remote[0] == '[' ? strchr(remote, ']') : strrchr(remote, ':');
	const char *start = remote + (remote[0] == '[');
	size_t n;

	if (!end || (remote[0] == '[' && end[1] != ':'))
		return false;
	n = (size_t)(end - start);
	if (!n || n >= cap)
		return false;
	memcpy(out, start, n);
	out[n] = '\0';
	*port = end + (remote[0] == '[' ? 2 : 1);
	return true;
}

/* The name process pid (or, failing it, its nearest ancestor) learned
 * for address ip, or NULL. */
static const char *name_of(const struct model *m, int pid, const char *ip)
{
	char key[80];

	for (int depth = 0; pid > 0 && depth < 16; depth++) {
		const struct proc *p = imap_get(&m->procs_by_pid, (uint64_t)pid);
		const char *name;
		snprintf(key, sizeof(key), "%d %s", pid, ip);
		if ((name = smap_get(&m->names, key)))
			return name;
		pid = p && p->ppid != pid ? p->ppid : 0;
	}
	return NULL;
}

/* Give c the text it is shown by, and with lookup (a peer the process
 * went to, not one that came) the name its process looked it up by. */
static void conn_name(const struct model *m, struct conn *c, bool lookup)
{
	char ip[INET6_ADDRSTRLEN + 8];
	const char *port, *name = NULL;
	size_t n;

	if (lookup && peer_addr(c->remote, ip, sizeof(ip), &port))
		name = name_of(m, c->pid, ip);
	if (!name) {
		c->peer = xstrdup(c->remote);
		return;
	}
	c->host = xstrdup(name);
	n = strlen(name) + strlen(ip) + strlen(port) + 5;
	c->peer = xmalloc(n);
	snprintf(c->peer, n, "%s (%s):%s", name, ip, port);
}

/* A DNS reply, or a piece of one over TCP (2 bytes of length first), as
 * it is put together on a socket. */
#define DNSBUF_MAX (2 + REC_DATA_DNS_MAX)
struct dnsbuf {
	uint32_t have;         /* bytes of this message seen (length included) */
	uint32_t kept;         /* bytes of it in b (the first ones) */
	bool gap, lost;        /* bytes of it were not captured; the framing is lost */
	uint8_t b[DNSBUF_MAX];
};

/* Take total bytes a call received on TCP socket o, the first len of them
 * at p, into its DNS stream; each whole reply names addresses. */
static void dns_stream(struct fobj *o, const uint8_t *p, size_t len, size_t total,
		       struct learn *l)
{
	struct dnsbuf *s = o->dns ? o->dns : (o->dns = xcalloc(1, sizeof(*s)));

	for (size_t i = 0; i < total && !s->lost;) {
		size_t need = s->have < 2 ? 2 : 2 + ((size_t)s->b[0] << 8 | s->b[1]);
		size_t k = need - s->have < total - i ? need - s->have : total - i;
		size_t got = i < len ? (k < len - i ? k : len - i) : 0;
		size_t room = sizeof(s->b) - s->kept;

		if (got < k)
			s->gap = true;
		if (s->have < 2 && s->gap) {
			s->lost = true;   /* a length not seen: no later reply can be found */
			break;
		}
		memcpy(s->b + s->kept, p + i, got < room ? got : room);
		s->kept += (uint32_t)(got < room ? got : room);
		s->have += (uint32_t)k;
		i += k;
		if (s->have == need && need > 2) {
			dnsmsg_answers(s->b + 2, s->kept - 2, name_learn, l);
			s->have = s->kept = 0;
			s->gap = false;
		}
	}
}

/* Take what a read of the hosts file at o got, p[0..len): its whole lines
 * name addresses, a line cut at its end waits for the next read. */
static void hosts_read(struct fobj *o, const char *p, size_t len, struct learn *l)
{
	struct dnsbuf *s = o->dns ? o->dns : (o->dns = xcalloc(1, sizeof(*s)));
	const char *first = memchr(p, '\n', len), *last = memrchr(p, '\n', len);
	size_t room = sizeof(s->b) - s->kept, n;

	if (!first) {
		n = len < room ? len : room;
		memcpy(s->b + s->kept, p, n);
		s->kept += (uint32_t)n;
		return;
	}
	n = (size_t)(first - p) < room ? (size_t)(first - p) : room;
	memcpy(s->b + s->kept, p, n);
	dnsmsg_hosts((const char *)s->b, s->kept + n, name_learn, l);
	dnsmsg_hosts(first + 1, (size_t)(last - first), name_learn, l);
	n = len - (size_t)(last - p) - 1;
	s->kept = (uint32_t)(n < sizeof(s->b) ? n : sizeof(s->b));
	memcpy(s->b, last + 1, s->kept);
}

/* REC_DATA: bytes with names for addresses (a DNS reply, a hosts file). */
static void on_data(struct model *m, const struct rec_hdr *h)
{
	const struct rec_data *r = rec_payload(h);
	const uint8_t *p = (const uint8_t *)(r + 1);
	struct learn l = { m, h->tgid, r->kind == DATA_HOSTS };
	struct thread *t;
	struct fobj *o;

	if (r->kind == DATA_HOSTS) {
		dnsmsg_hosts((const char *)p, r->len, name_learn, &l);
		return;
	}
	t = thread_of(m, h->tid, h->tgid, h->ts);
	o = fdtable_get(t->fdt, r->fd);
	if (r->kind == DATA_HOSTS_READ) {
		l.hosts = true;
		if (o && o->kind == FDK_FILE)
			hosts_read(o, (const char *)p, r->len, &l);
		return;
	}
	if (r->kind != DATA_DNS)
		return;
	if (o && (o->kind == FDK_UDP4 || o->kind == FDK_UDP6))
		dnsmsg_answers(p, r->len, name_learn, &l);
	else if (o && (o->kind == FDK_TCP4 || o->kind == FDK_TCP6))
		dns_stream(o, p, r->len, r->total > r->len ? r->total : r->len, &l);
}

/* ---- page faults ---- */

/* Are faults in r counted for all such regions of the process together
 * (the heap, the main stack) rather than per mapping? */
static bool whole_region(const struct region *r)
{
	return r->kind == RK_HEAP || (r->kind == RK_STACK && (r->flags & REGION_GROWSDOWN));
}

/* Fault totals of process pid in the mapping of r (NULL: unknown), made on
 * first need. */
static struct faultagg *fault_agg(struct model *m, int pid, const struct region *r)
{
	const char *name = r ? r->name : "[unknown]";
	struct faultagg *a;
	char key[4400];

	if (r && !whole_region(r))
		snprintf(key, sizeof(key), "%d #%" PRIu64, pid, r->id);
	else
		snprintf(key, sizeof(key), "%d %s", pid, name);
	a = smap_get(&m->fault_by_key, key);
	if (!a) {
		a = xcalloc(1, sizeof(*a));
		a->pid = pid;
		a->region = xstrdup(name);
		a->kind = r ? r->kind : RK_UNKNOWN;
		a->mapped = r != NULL;
		a->prot = r ? r->prot : -1;
		a->made = r ? rel(m, r->made_ts) : 0;
		a->start = r ? r->map_start : 0;
		a->len = r ? r->map_end - r->map_start : 0;
		smap_put(&m->fault_by_key, key, a);
		vec_push(&m->faults, a);
	}
	return a;
}

/* Keep a's range that of its mapping r, which an mremap may have moved
 * (the heap and the main stack: all the range they spanned). */
static void fault_agg_range(struct faultagg *a, const struct region *r)
{
	uint64_t end = a->start + a->len;

	if (!whole_region(r)) {
		a->start = r->map_start;
		a->len = r->map_end - r->map_start;
		return;
	}
	if (r->map_start < a->start)
		a->start = r->map_start;
	if (r->map_end > end)
		end = r->map_end;
	a->len = end - a->start;
}

/* The region a fault of process p (NULL: not known) fell in, or NULL. */
static struct region *fault_region(struct proc *p, const struct rec_hdr *h)
{
	const struct rec_fault *r = rec_payload(h);

	return p && p->mem ? regions_lookup(p->mem, r->addr, h->ts) : NULL;
}

/* Count and emit one REC_FAULT of process p (NULL: never known) in rg. */
static void attribute_fault(struct model *m, struct proc *p, struct region *rg,
			    const struct rec_hdr *h)
{
	const struct rec_fault *r = rec_payload(h);
	struct faultagg *a = rg && rg->user ? rg->user : fault_agg(m, p ? p->pid : h->tgid, rg);
	struct event ev = ev_init(m, h, NULL, EV_FAULT);

	if (rg) {
		rg->user = a;
		fault_agg_range(a, rg);
	}
	a->count++;
	m->faults_total++;
	if (p)
		p->faults++;
	ev.proc = p;
	ev.addr = r->addr;
	ev.ip = r->ip;
	ev.bytes = REGION_PAGE;
	ev.region = rg;
	ev.path = a->region;
	emit(m, &ev);
}

/* Attribute parked faults for good: those of pid (0: any) parked at a time
 * before older_than (UINT64_MAX: all of them). */
static void unpark(struct model *m, int pid, uint64_t older_than)
{
	size_t keep = 0;

	for (size_t i = 0; i < m->parked.n; i++) {
		struct rec_hdr *h = m->parked.v[i];
		struct proc *p;

		if ((pid && h->tgid != pid) || h->ts >= older_than) {
			m->parked.v[keep++] = h;
			continue;
		}
		p = imap_get(&m->procs_by_pid, (uint64_t)h->tgid);
		attribute_fault(m, p, fault_region(p, h), h);
		free(h);
	}
	m->parked.n = keep;
	if (m->parked.v)
		m->parked.v[keep] = NULL;
}

/* Give up waiting for what parked faults sampled long before ts needed
 * (ts: of a record other than a fault, which come on their own queue and
 * can run ahead of the kernel's batches on a busy machine).
 * The kernel's records of the mmap family (the kernel engine's, and
 * --ebpf's under ptrace) come in batches every few milliseconds while the
 * program runs on (ptrace's come while it is stopped): their wait is as
 * long as for the kernel's early samples. */
static void unpark_old(struct model *m, uint64_t ts)
{
	const struct rec_hdr *h = m->parked.n ? m->parked.v[0] : NULL;
	uint64_t wait = m->kernel_batches ? EARLY_NS : PARK_NS;

	if (h && h->ts + wait < ts)
		unpark(m, 0, ts - wait);
}

/* REC_FAULT.  A fault can come before what explains it: a child's first
 * faults before its fork record, the kernel's own writes while it loads a
 * program before the exec record and its maps; those wait a little. */
static void on_fault(struct model *m, const struct rec_hdr *h)
{
	struct proc *p = imap_get(&m->procs_by_pid, (uint64_t)h->tgid);
	struct region *rg;

	if (m->ended && h->ts > m->end_ts)
		return;   /* after we detached */
	rg = fault_region(p, h);
	if (!rg && !m->ended && m->parked.n < PARKED_MAX) {
		vec_push(&m->parked, xmemdup(h, h->len));
		return;
	}
	attribute_fault(m, p, rg, h);
}

/* REC_MAPS: regions a process had before we saw a system call make them.
 * The tracer sends them only for --faults: from the first one on, every
 * process keeps its regions (they cost memory per process). */
static void on_maps(struct model *m, const struct rec_hdr *h)
{
	const struct rec_maps *r = rec_payload(h);
	struct thread *t = thread_of(m, h->tid, h->tgid, h->ts);

	m->regions_on = true;
	if (!t->p->mem)
		t->p->mem = regions_new();
	regions_load_maps(t->p->mem, (const char *)(r + 1), r->text_len, h->ts);
	unpark(m, t->p->pid, UINT64_MAX);
}

/* Free the regions of processes that exited long enough ago. */
static void reap_regions(struct model *m, uint64_t ts)
{
	while (m->reap_head < m->reap.n) {
		struct proc *p = m->reap.v[m->reap_head];

		if (p->end_ts + REAP_NS >= rel(m, ts))
			break;
		regions_free(p->mem);
		p->mem = NULL;
		m->reap_head++;
	}
	if (m->reap_head == m->reap.n)
		m->reap.n = m->reap_head = 0;
}

/* A successful mmap becomes a region named for what backs it. */
static void map_region(struct regions *rs, struct thread *t, const struct rec_syscall *s, uint64_t ts)
{
	uint64_t addr = (uint64_t)s->ret, len = s->args[1], flags = s->args[3];
	const struct fobj *o;

	int prot = (int)(s->args[2] & (PROT_READ | PROT_WRITE | PROT_EXEC));

	if (flags & MAP_GROWSDOWN) {
		regions_map(rs, addr, len, RK_STACK, REGION_GROWSDOWN, prot, "[stack]", ts);
	} else if (flags & MAP_STACK) {
		regions_map(rs, addr, len, RK_STACK, 0, prot, "[stack]", ts);
	} else if (flags & MAP_ANONYMOUS) {
		regions_map(rs, addr, len, RK_ANON, 0, prot, "[anon]", ts);
	} else {
		o = fdtable_get(t->fdt, (int)s->args[4]);
		regions_map(rs, addr, len, RK_FILE, 0, prot,
			    o && o->path && *o->path ? o->path : "[file]", ts);
	}
}

/* Keep the process's regions in step with mmap, munmap, mremap and brk. */
static void track_regions(const struct rec_hdr *h, struct thread *t, const struct rec_syscall *s)
{
	struct regions *rs = t->p->mem;
	const uint64_t *a = s->args;

	if (!rs)
		return;
	switch (s->nr) {
	case SYS_mmap:
		map_region(rs, t, s, h->ts);
		break;
	case SYS_munmap:
		regions_unmap(rs, a[0], a[1], h->ts);
		break;
	case SYS_mremap:
		regions_remap(rs, a[0], a[1], (uint64_t)s->ret, a[2], a[3] & MREMAP_DONTUNMAP, h->ts);
		break;
	default:   /* brk, queries included: the first one places the heap */
		regions_brk(rs, (uint64_t)s->ret, h->ts);
		break;
	}
}

/* ---- record handlers ---- */

static void release_early(struct model *m, int tid, uint64_t older_than);

/* REC_START: of the run, or of a later recording of a merge (whose
 * start says nothing about the earlier ones). */
static void on_start(struct model *m, const struct rec_hdr *h)
{
	const struct rec_start *s = rec_payload(h);
	struct model_run *r = &m->runs[m->run];
	bool attached = s->mode == START_ATTACH;
	struct proc *p;

	if (!m->started || m->nruns == 1) {
		m->start_ts = h->ts;
		m->root_pid = s->pid;
		m->attached = attached;
		m->kernel_engine = h->flags & START_F_KERNEL;
		free_argv(m->command);
		m->command = split_argv((const char *)(s + 1), s->argv_len);
	}
	m->started = true;
	m->kernel_batches |= h->flags & (START_F_KERNEL | START_F_KERNEL_IO);
	p = proc_new(m, s->pid, attached ? 0 : s->tracer_pid, h->ts);
	if (s->pid == m->root_pid)
		m->root = p;
	free_argv(r->command);
	r->command = split_argv((const char *)(s + 1), s->argv_len);
	r->root = p;
	r->started = true;
	r->attached = attached;
	r->kernel_engine = h->flags & START_F_KERNEL;
	r->start_ts = rel(m, h->ts);
	thread_new(m, s->pid, p, fdtable_new());
}

/* The process a new task comes from: the reporting task's, or for an
 * orphan (its creator died before reporting it) the creator's process as
 * last known, without bringing a task back for it. */
static struct proc *newtask_parent(struct model *m, const struct rec_hdr *h, struct thread **t)
{
	struct proc *p;

	*t = NULL;
	if (!(h->flags & NEWTASK_ORPHAN)) {
		*t = thread_of(m, h->tid, h->tgid, h->ts);
		return (*t)->p;
	}
	*t = imap_get(&m->threads, (uint64_t)h->tid);
	if (*t)
		return (*t)->p;
	p = imap_get(&m->procs_by_pid, (uint64_t)h->tgid);
	return p ? p : proc_new(m, h->tgid, 0, h->ts);
}

/* REC_NEWTASK: fork, vfork or clone. */
static void on_newtask(struct model *m, const struct rec_hdr *h)
{
	const struct rec_newtask *r = rec_payload(h);
	struct thread *parent, *child;
	struct proc *pp = newtask_parent(m, h, &parent), *p = pp;
	struct fdtable *fdt = !parent ? fdtable_new() :
			      (r->flags & CLONE_FILES) ? fdtable_ref(parent->fdt) : fdtable_copy(parent->fdt);
	struct event ev = ev_init(m, h, parent, EV_FORK);

	if (r->flags & CLONE_THREAD) {
		p->threads++;
		p->live++;
		ev.type = EV_THREAD;
	} else {
		int ppid = (r->flags & CLONE_PARENT) ? pp->ppid : pp->pid;

		p = proc_new(m, r->child, ppid, h->ts);
		free(p->exe);
		p->exe = xstrdup(pp->exe);
		free_argv(p->argv);
		p->argv = dup_argv(pp->argv);
		p->argv_cut = pp->argv_cut;
		p->env = procenv_env_ref(pp->env);
		if (pp->mem) {
			regions_free(p->mem);
			p->mem = regions_copy(pp->mem);
		}
	}
	child = thread_new(m, r->child, p, fdt);
	ev.pid = pp->pid;
	ev.child = r->child;
	ev.flags = r->flags;
	ev.status = (int)r->kind;
	ev.proc = child->p;
	emit(m, &ev);
	if (m->early.n)
		release_early(m, r->child, 0);   /* its samples that came first */
	if (!(r->flags & CLONE_THREAD))
		unpark(m, r->child, UINT64_MAX);
}

/* REC_EXEC: a new program image (or, flagged, the image found at attach). */
static void on_exec(struct model *m, const struct rec_hdr *h)
{
	const struct rec_exec *r = rec_payload(h);
	const char *exe = (const char *)(r + 1);
	struct thread *t;
	struct event ev;

	if (r->old_tid != h->tid) {
		/* A non-leader exec'd and took over the leader's tid. */
		struct thread *old = imap_del(&m->threads, (uint64_t)r->old_tid), *alias;
		if (old) {
			struct thread *leader = imap_del(&m->threads, (uint64_t)h->tid);
			if (leader) {
				if (leader->p->live > 0)
					leader->p->live--;
				thread_bury(m, leader, h->ts);
			}
			/* records about the old tid that come late stay with its process */
			alias = xcalloc(1, sizeof(*alias));
			alias->tid = r->old_tid;
			alias->p = old->p;
			alias->fdt = fdtable_ref(old->fdt);
			thread_bury(m, alias, h->ts);
			old->tid = h->tid;
			imap_put(&m->threads, (uint64_t)h->tid, old);
		}
	}
	t = thread_of(m, h->tid, h->tgid, h->ts);
	free(t->p->exe);
	t->p->exe = xstrndup(exe, r->exe_len);
	free_argv(t->p->argv);
	t->p->argv = split_argv(exe + r->exe_len, r->argv_len);
	t->p->argv_cut = r->truncated != 0;
	if (!(h->flags & 1)) {
		t->p->execs++;
		t->p->brk_start = t->p->brk_max = 0;
		if (t->p->mem)
			regions_exec(t->p->mem, h->ts);
		if (t->fdt->refs > 1) {
			struct fdtable *c = fdtable_copy(t->fdt);
			fdtable_unref(t->fdt);
			t->fdt = c;
		}
	}
	ev = ev_init(m, h, t, EV_EXEC);
	ev.path = t->p->exe;
	emit(m, &ev);
}

/* REC_EXECINFO: what the program an exec started began with. */
static void on_execinfo(struct model *m, const struct rec_hdr *h)
{
	const struct rec_execinfo *x = rec_payload(h);
	struct thread *t = thread_of(m, h->tid, h->tgid, h->ts);
	struct envblob *env;
	struct execinfo *ei = procenv_exec(t->p->pid, rel(m, h->ts), x, t->p->env, &env);

	procenv_env_unref(t->p->env);
	t->p->env = (x->flags & EXECINFO_NO_ENV) ? NULL : env;
	if (x->flags & EXECINFO_NO_ENV)
		procenv_env_unref(env);
	vec_push(&m->execs, ei);
	imap_put(&m->exec_due, (uint64_t)t->p->pid, ei);
}

/* REC_FDSET: exactly these fds are open now (after an exec: the ones its
 * program inherited). */
static void on_fdset(struct model *m, const struct rec_hdr *h)
{
	struct thread *t = thread_of(m, h->tid, h->tgid, h->ts);
	const int32_t *fds = rec_payload(h);
	int n = (int)((h->len - sizeof(*h)) / sizeof(int32_t));
	struct execinfo *ei;

	fdtable_keep(t->fdt, fds, n);
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0 && !fdtable_get(t->fdt, fds[i]))
			fdtable_open(t->fdt, fds[i], FDK_UNKNOWN, "", 0);
	ei = imap_del(&m->exec_due, (uint64_t)t->p->pid);
	if (ei)
		procenv_fds(ei, t->fdt);
}

const struct execinfo *model_execinfo(const struct model *m, int pid, uint64_t ts)
{
	for (size_t i = m->execs.n; i-- > 0;) {
		const struct execinfo *ei = m->execs.v[i];

		if (ei->pid == pid && ei->ts <= ts)
			return ei;
	}
	return NULL;
}

/* REC_FD: what an fd refers to. */
static void on_fd(struct model *m, const struct rec_hdr *h)
{
	const struct rec_fd *r = rec_payload(h);
	const char *path = (const char *)(r + 1);
	const char *laddr = path + r->path_len, *raddr = laddr + r->laddr_len;
	struct thread *t = thread_of(m, h->tid, h->tgid, h->ts);
	struct fobj *o = fdtable_get(t->fdt, r->fd);
	char *p = xstrndup(path, r->path_len);

	if (r->why == FDW_NEW || !o ||
	    (r->why == FDW_INHERITED && (o->kind != r->kind || strcmp(o->path, p) != 0 ||
					 (o->ino && r->ino && (o->ino != r->ino || o->dev != r->dev))))) {
		o = fdtable_open(t->fdt, r->fd, r->kind, p, (int)r->flags);
	} else if (r->kind) {
		o->kind = r->kind;
	}
	free(p);
	if (!o)
		return;
	if (r->ino) {
		o->ino = r->ino;
		o->dev = r->dev;
	}
	if (r->laddr_len) {
		free(o->local);
		o->local = addr_text(laddr, r->laddr_len);
	}
	if (r->raddr_len) {
		free(o->remote);
		o->remote = addr_text(raddr, r->raddr_len);
	}
}

/* REC_EXIT: a task ended. */
static void on_exit_rec(struct model *m, const struct rec_hdr *h)
{
	const struct rec_exit *r = rec_payload(h);
	struct thread *t = imap_del(&m->threads, (uint64_t)h->tid);
	struct event ev;

	if (!t)
		return;
	ev = ev_init(m, h, t, EV_EXIT);
	ev.status = r->status;
	ev.thread = !r->leader;
	if (t->p->live > 0)
		t->p->live--;
	if (r->leader) {
		procenv_env_unref(t->p->env);   /* (its children hold their own) */
		t->p->env = NULL;
		t->p->exited = true;
		t->p->status = r->status;
		t->p->end_ts = rel(m, h->ts);
		if (t->p == m->root)
			m->root_status = r->status;
		if (t->p == m->runs[m->run].root)
			m->runs[m->run].root_status = r->status;
		if (t->p->mem)
			vec_push(&m->reap, t->p);
	}
	reap_regions(m, h->ts);
	emit(m, &ev);
	thread_bury(m, t, h->ts);
}

/* REC_SIGNAL. */
static void on_signal(struct model *m, const struct rec_hdr *h)
{
	const struct rec_signal *r = rec_payload(h);
	struct thread *t = thread_of(m, h->tid, h->tgid, h->ts);
	struct event ev = ev_init(m, h, t, EV_SIGNAL);

	ev.status = r->sig;
	emit(m, &ev);
}

/* REC_NOTE. */
static void on_note(struct model *m, const struct rec_hdr *h)
{
	const struct rec_note *r = rec_payload(h);

	vec_push(&m->notes, xstrndup((const char *)(r + 1), r->text_len));
}

/* REC_END: of the run, or of one recording of a merge (which ends when
 * all of them have; the first reason other than an exit is its reason). */
static void on_end(struct model *m, const struct rec_hdr *h)
{
	const struct rec_end *r = rec_payload(h);
	struct model_run *run = &m->runs[m->run];
	bool first = true;

	for (size_t i = 0; i < m->nruns; i++)
		first &= !m->runs[i].ended;
	run->ended = true;
	run->reason = (enum end_reason)r->reason;
	run->stops = r->stops;
	run->stopped_ns = r->stopped_ns;
	run->end_ts = rel(m, h->ts);
	if (first || m->nruns == 1 || r->reason != END_EXITED)
		m->reason = (enum end_reason)r->reason;
	m->stops = 0;
	m->stopped_ns = 0;
	for (size_t i = 0; i < m->nruns; i++) {
		m->stops += m->runs[i].stops;
		m->stopped_ns += m->runs[i].stopped_ns;
		if (!m->runs[i].ended)
			return;
	}
	m->ended = true;
	m->end_ts = h->ts;
	unpark(m, 0, UINT64_MAX);
	release_early(m, -1, UINT64_MAX);
}

/* ---- latency (eBPF) ---- */

/* Per-process latency of pid, created on first need. */
static struct proc_lat *proc_lat(struct model *m, int pid)
{
	struct proc_lat *pl = imap_get(&m->lat_by_pid, (uint64_t)pid);

	if (!pl) {
		pl = xcalloc(1, sizeof(*pl));
		imap_put(&m->lat_by_pid, (uint64_t)pid, pl);
	}
	return pl;
}

/* Count one measured latency event. */
static void lat_event(struct lat_stats *s, uint64_t ns, uint64_t bytes)
{
	s->events++;
	s->event_ns += ns;
	s->bytes += bytes;
	if (ns > s->max_ns)
		s->max_ns = ns;
	s->count = s->hist_total > s->events ? s->hist_total : s->events;
}

/* The event of a REC_SCHED or REC_BLOCK about task t (NULL: none known,
 * then the newest process with its tgid, if any). */
static void sample_emit(struct model *m, const struct rec_hdr *h, const struct thread *t)
{
	struct event ev = ev_init(m, h, t, h->type == REC_SCHED ? EV_SCHED : EV_BLOCK);

	if (!t)
		ev.proc = imap_get(&m->procs_by_pid, (uint64_t)h->tgid);
	if (h->type == REC_SCHED) {
		const struct rec_sched *r = rec_payload(h);
		ev.dur = r->delay_ns;
		ev.cpu = r->cpu;
		ev.status = (int)r->reason;
	} else {
		const struct rec_block *r = rec_payload(h);
		ev.dur = r->lat_ns;
		ev.bytes = r->bytes;
		ev.addr = r->sector;
		ev.dev = r->dev;
		ev.flags = r->write;
	}
	emit(m, &ev);
}

/* The task a kernel sample is about, if known: the live one with its tid,
 * or the one that ended with it at most LATE_NS before the sample (the
 * reader's samples come after the tracer's exit record). */
static struct thread *sample_task(const struct model *m, const struct rec_hdr *h)
{
	struct thread *t = imap_get(&m->threads, (uint64_t)h->tid);

	if (t)
		return t;
	t = imap_get(&m->dead, (uint64_t)h->tid);
	return t && h->ts <= t->end + LATE_NS ? t : NULL;
}

/* Emit a kernel sample for its task; one about a task not known yet (its
 * fork record is still in the tracer's queue) waits for that record, or
 * EARLY_NS, so it never starts a lane or a process of its own. */
static void sample_take(struct model *m, const struct rec_hdr *h)
{
	struct thread *t = sample_task(m, h);

	if (t || m->ended || m->early.n >= EARLY_MAX) {
		sample_emit(m, h, t ? t : imap_get(&m->dead, (uint64_t)h->tid));
		return;
	}
	if (!m->early.n || h->ts < m->early_min)
		m->early_min = h->ts;
	vec_push(&m->early, xmemdup(h, h->len));
}

/* Emit the waiting samples about tid (-1: none in particular) and those
 * sampled before older_than; the others keep waiting. */
static void release_early(struct model *m, int tid, uint64_t older_than)
{
	size_t keep = 0;

	m->early_min = UINT64_MAX;
	for (size_t i = 0; i < m->early.n; i++) {
		struct rec_hdr *h = m->early.v[i];

		if (h->tid != tid && h->ts >= older_than) {
			m->early.v[keep++] = h;
			if (h->ts < m->early_min)
				m->early_min = h->ts;
			continue;
		}
		sample_emit(m, h, thread_find(m, h->tid));
		free(h);
	}
	m->early.n = keep;
	if (m->early.v)
		m->early.v[keep] = NULL;
}

/* REC_SCHED: a task waited for a CPU. */
static void on_sched(struct model *m, const struct rec_hdr *h)
{
	const struct rec_sched *r = rec_payload(h);

	lat_event(&proc_lat(m, h->tgid)->sched, r->delay_ns, 0);
	lat_event(&m->lat_sched, r->delay_ns, 0);
	sample_take(m, h);
}

/* REC_BLOCK: a block request the process issued completed. */
static void on_block(struct model *m, const struct rec_hdr *h)
{
	const struct rec_block *r = rec_payload(h);

	lat_event(&proc_lat(m, h->tgid)->block, r->lat_ns, r->bytes);
	lat_event(&m->lat_block, r->lat_ns, r->bytes);
	sample_take(m, h);
}

/* Add histogram counts to s. */
static void lat_hist_add(struct lat_stats *s, const uint64_t *slots, uint32_t n)
{
	for (uint32_t i = 0; i < n && i < LAT_HIST_SLOTS; i++) {
		s->hist[i] += slots[i];
		s->hist_total += slots[i];
	}
	s->count = s->hist_total > s->events ? s->hist_total : s->events;
}

/* REC_HIST: a process's kernel-side histogram (counts add up). */
static void on_hist(struct model *m, const struct rec_hdr *h)
{
	const struct rec_hist *r = rec_payload(h);
	const uint64_t *slots = (const uint64_t *)(r + 1);
	struct proc_lat *pl;

	if (r->kind != HIST_SCHED && r->kind != HIST_BLOCK)
		return;
	pl = proc_lat(m, r->pid);
	lat_hist_add(r->kind == HIST_SCHED ? &pl->sched : &pl->block, slots, r->nslots);
	lat_hist_add(r->kind == HIST_SCHED ? &m->lat_sched : &m->lat_block, slots, r->nslots);
}

/* REC_LOST. */
static void on_lost(struct model *m, const struct rec_hdr *h)
{
	const struct rec_lost *r = rec_payload(h);

	m->dropped += r->count;
	if (r->source == LOST_PERF)
		m->faults_lost += r->count;
}

/* ---- syscalls ---- */

/* Is a raw syscall result an error? */
static bool failed(int64_t ret)
{
	return ret < 0 && ret >= -4095;
}

/* A data transfer on fd: account it and emit a read/write/send/recv event. */
static void sys_io(struct model *m, const struct rec_hdr *h, struct thread *t,
		   const struct rec_syscall *s, int fd, int dir, uint64_t n)
{
	struct fobj *o = fdtable_get(t->fdt, fd);
	bool sock = o && (is_inet(o->kind) || o->kind == FDK_UNIX || o->kind == FDK_SOCK);
	struct event ev = ev_init(m, h, t, dir == FM_READ ? (sock ? EV_RECV : EV_READ)
					              : (sock ? EV_SEND : EV_WRITE));

	account(m, o, dir, n);
	ev.nr = s->nr;
	ev.fd = fd;
	ev.ret = s->ret;
	ev.bytes = n;
	ev.obj = o;
	ev.conn = o ? o->conn : NULL;
	if (o && o->conn)
		o->conn->last_ts = ev.ts;
	emit(m, &ev);
}

/* The flow of process pid to or from peer on a UDP socket o, made on first need. */
static struct conn *udp_flow(struct model *m, int pid, const struct fobj *o,
			     const char *peer, uint64_t ts)
{
	size_t n = strlen(peer) + 32;
	char *key = xmalloc(n);
	struct conn *c;

	snprintf(key, n, "%d %d %s", pid, o->kind, peer);
	c = smap_get(&m->flows, key);
	if (!c) {
		c = xcalloc(1, sizeof(*c));
		c->kind = o->kind;
		c->flow = true;
		c->local = xstrdup(o->local ? o->local : "");
		c->remote = xstrdup(peer);
		c->ts = c->last_ts = ts;
		c->pid = pid;
		conn_name(m, c, true);
		smap_put(&m->flows, key, c);
		vec_push(&m->conns, c);
	}
	free(key);
	return c;
}

/* sendto, recvfrom, sendmsg, recvmsg: with a peer's address (peer) on a
 * UDP socket other than the one it is connected to, the datagram belongs
 * to the flow of that peer; else it is plain I/O on the fd. */
static void sys_dgram(struct model *m, const struct rec_hdr *h, struct thread *t,
		      const struct rec_syscall *s, int dir, uint64_t n, const char *peer)
{
	struct fobj *o = fdtable_get(t->fdt, (int)s->args[0]);
	struct conn *keep;

	if (!peer || !o || (o->kind != FDK_UDP4 && o->kind != FDK_UDP6) ||
	    (o->conn && strcmp(o->conn->remote, peer) == 0) || strcmp(peer, "unspec") == 0) {
		sys_io(m, h, t, s, (int)s->args[0], dir, n);
		return;
	}
	keep = o->conn;
	o->conn = udp_flow(m, t->p ? t->p->pid : h->tgid, o, peer, rel(m, h->ts));
	sys_io(m, h, t, s, (int)s->args[0], dir, n);
	o->conn = keep;
}

/* Totals by class for bytes on an fd the model cannot name (REC_IO). */
static void account_kind(struct model *m, int kind, int dir, uint64_t n)
{
	struct fobj o = { .kind = (uint8_t)kind };

	if (kind != FDK_FILE)   /* a file needs a path for its per-file totals */
		account(m, &o, dir, n);
	else
		io_add(m, dir == FM_READ ? &m->io.file_rd : &m->io.file_wr, n);
}

/* One direction of a REC_IO: account it and emit one event for its calls. */
static void io_counted(struct model *m, const struct rec_hdr *h, struct thread *t,
		       const struct rec_io *r, struct fobj *o, int dir)
{
	uint64_t n = dir == FM_READ ? r->rd : r->wr;
	uint32_t calls = dir == FM_READ ? r->rd_calls : r->wr_calls;
	int kind = o ? o->kind : r->kind;
	bool sock = is_inet(kind) || kind == FDK_UNIX || kind == FDK_SOCK;
	struct event ev;

	if (!calls && !n)   /* (bytes without calls: a write that raced with its fd's end) */
		return;
	if (o)
		account(m, o, dir, n);
	else
		account_kind(m, r->kind, dir, n);
	ev = ev_init(m, h, t, dir == FM_READ ? (sock ? EV_RECV : EV_READ) : (sock ? EV_SEND : EV_WRITE));
	ev.nr = -1;
	ev.fd = r->fd;
	ev.ret = (int64_t)n;
	ev.bytes = n;
	ev.calls = calls;
	ev.obj = o;
	ev.conn = o ? o->conn : NULL;
	if (o && o->conn)
		o->conn->last_ts = ev.ts;
	emit(m, &ev);
}

/* REC_IO: what the kernel counted on one fd of a process (--ebpf).  It
 * comes before anything that ended the fd, so the fd still names the
 * object; if the kinds disagree the model lost track of the fd, and only
 * the totals by the kernel's class take the bytes. */
static void on_io(struct model *m, const struct rec_hdr *h)
{
	const struct rec_io *r = rec_payload(h);
	struct thread *t = thread_find(m, h->tgid);   /* the leader, live or just ended */
	struct fobj *o = t ? fdtable_get(t->fdt, r->fd) : NULL;

	if (o && o->kind != r->kind)
		o = NULL;
	io_counted(m, h, t, r, o, FM_READ);
	io_counted(m, h, t, r, o, FM_WRITE);
}

/* sendfile, copy_file_range, splice, tee: bytes move from in to out. */
static void sys_transfer(struct model *m, const struct rec_hdr *h, struct thread *t,
			 const struct rec_syscall *s, enum ev_type type, int in, int out)
{
	struct fobj *oi = fdtable_get(t->fdt, in), *oo = fdtable_get(t->fdt, out);
	struct event ev = ev_init(m, h, t, type);
	uint64_t n = (uint64_t)s->ret;

	account(m, oi, FM_READ, n);
	account(m, oo, FM_WRITE, n);
	ev.nr = s->nr;
	ev.fd = in;
	ev.fd2 = out;
	ev.ret = s->ret;
	ev.bytes = n;
	ev.obj = oi;
	ev.obj2 = oo;
	emit(m, &ev);
}

/* open, openat, openat2, creat, open_by_handle_at. */
static void sys_open(struct model *m, const struct rec_hdr *h, struct thread *t,
		     const struct rec_syscall *s, uint64_t flags, const char *failpath)
{
	struct event ev = ev_init(m, h, t, EV_OPEN);
	struct fobj *o = NULL;

	ev.nr = s->nr;
	ev.ret = s->ret;
	ev.flags = flags;
	if (!failed(s->ret)) {
		o = fdtable_get(t->fdt, (int)s->ret);
		if (!o)
			o = fdtable_open(t->fdt, (int)s->ret, FDK_UNKNOWN, "", 0);
		if (!o)
			return;
		o->mode = (uint8_t)fdtable_mode((int)flags);
		if (o->kind == FDK_FILE) {
			struct fileagg *a = file_agg(m, o);
			a->mode |= o->mode;
			a->opens++;
		}
		ev.fd = (int)s->ret;
		ev.obj = o;
		ev.path = o->path;
	} else {
		ev.path = failpath;
		ev.unreadable = !failpath;
	}
	emit(m, &ev);
}

/* A file or directory renamed from to to: what the traced processes have
 * open there takes the new name, as /proc (and strace -y) names it from
 * then on; its bytes from then on count under it. */
static void rename_open(struct model *m, const char *from, const char *to)
{
	struct imap done = { 0 };   /* tables looked at: threads share theirs */

	for (size_t i = 0; i < m->threads.cap; i++) {
		struct thread *t = m->threads.vals[i];
		if (t && t->fdt && !imap_get(&done, (uint64_t)(uintptr_t)t->fdt)) {
			imap_put(&done, (uint64_t)(uintptr_t)t->fdt, t);
			fdtable_rename(t->fdt, from, to);
		}
	}
	imap_release(&done);
}

/* unlink, unlinkat and rmdir delete a name; rename, renameat and
 * renameat2 move one.  The tracer sends the paths made absolute, failed
 * calls' too, a rename's new path after the old one's NUL (path is the
 * old one, NULL when the record has none). */
static void sys_names(struct model *m, const struct rec_hdr *h, struct thread *t,
		      const struct rec_syscall *s, const char *path)
{
	const char *blob = (const char *)(s + 1) + s->addr_len;
	const char *nul = path ? memchr(blob, '\0', s->path_len) : NULL;
	struct event ev = ev_init(m, h, t, EV_DELETE);
	char *path2 = NULL;

	ev.nr = s->nr;
	ev.ret = s->ret;
	ev.path = path;
	ev.unreadable = (s->flags & SYSF_UNREADABLE) != 0;
	if (s->nr == SYS_rmdir)
		ev.flags = AT_REMOVEDIR;
	else if (s->nr == SYS_unlinkat)
		ev.flags = s->args[2] & AT_REMOVEDIR;
	else if (s->nr != SYS_unlink) {
		ev.type = EV_RENAME;
		if (nul)
			path2 = xstrndup(nul + 1, s->path_len - (size_t)(nul + 1 - blob));
		ev.path2 = path2 && (*path2 || !ev.unreadable) ? path2 : NULL;
	}
	emit(m, &ev);
	if (ev.type == EV_RENAME && s->ret == 0 && path && *path && ev.path2 && *ev.path2) {
		if (s->nr == SYS_renameat2 && (s->args[4] & RENAME_EXCHANGE)) {
			rename_open(m, path, "\n");   /* (no path: a place to swap through) */
			rename_open(m, ev.path2, path);
			rename_open(m, "\n", ev.path2);
		} else {
			rename_open(m, path, ev.path2);
		}
	}
	free(path2);
}

/* Calls whose failure is an event too: a person wants to see the name
 * that could not be opened, deleted or renamed, the peer that refused. */
static bool failure_shown(int nr)
{
	switch (nr) {
	case SYS_connect: case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat:
	case SYS_unlink: case SYS_unlinkat: case SYS_rmdir:
	case SYS_rename: case SYS_renameat: case SYS_renameat2:
		return true;
	default:
		return false;
	}
}

/* connect and accept: a connection begins on an inet socket. */
static void sys_conn(struct model *m, const struct rec_hdr *h, struct thread *t,
		     const struct rec_syscall *s, int fd, bool accepted, const char *arg)
{
	struct event ev = ev_init(m, h, t, accepted ? EV_ACCEPT : EV_CONNECT);
	struct fobj *o = fdtable_get(t->fdt, fd);
	bool ok = !failed(s->ret) || s->ret == -115;   /* EINPROGRESS */

	ev.nr = s->nr;
	ev.fd = fd;
	ev.ret = s->ret;
	ev.obj = o;
	ev.addr_text = arg;
	ev.unreadable = (s->flags & SYSF_UNREADABLE) != 0;
	if (ok && o && is_inet(o->kind)) {
		const char *remote = arg ? arg : o->remote;
		struct conn *c;

		if (!accepted && arg && strcmp(arg, "unspec") == 0) {
			o->conn = NULL;   /* a datagram socket dissolving its association */
			emit(m, &ev);
			return;
		}
		c = xcalloc(1, sizeof(*c));
		c->kind = o->kind;
		c->accepted = accepted;
		c->local = xstrdup(o->local ? o->local : "");
		c->remote = xstrdup(accepted && o->remote ? o->remote : remote ? remote : "");
		c->ts = c->last_ts = ev.ts;
		c->pid = ev.pid;
		conn_name(m, c, !accepted);
		o->conn = c;
		vec_push(&m->conns, c);
		ev.conn = c;
	}
	emit(m, &ev);
}

/* A sendto or sendmsg with MSG_FASTOPEN and an address on a TCP socket not
 * yet connected: TCP Fast Open, which connects as it sends. */
static bool fast_open(const struct thread *t, const struct rec_syscall *s, const char *addr)
{
	uint64_t flags = s->nr == SYS_sendto ? s->args[3] : s->nr == SYS_sendmsg ? s->args[2] : 0;
	struct fobj *o = addr && (flags & MSG_FASTOPEN) ? fdtable_get(t->fdt, (int)s->args[0]) : NULL;

	return o && (o->kind == FDK_TCP4 || o->kind == FDK_TCP6) && !o->conn &&
	       (!failed(s->ret) || s->ret == -115 /* EINPROGRESS */);
}

/* mmap, munmap, mremap, brk. */
static void sys_mem(struct model *m, const struct rec_hdr *h, struct thread *t,
		    const struct rec_syscall *s)
{
	struct event ev = ev_init(m, h, t, EV_MMAP);
	const uint64_t *a = s->args;
	struct proc *p = t->p;

	ev.nr = s->nr;
	ev.ret = s->ret;
	if (failed(s->ret))
		return;
	track_regions(h, t, s);
	switch (s->nr) {
	case SYS_mmap:
		ev.addr = (uint64_t)s->ret;
		ev.bytes = a[1];
		ev.prot = (int)a[2];
		ev.flags = a[3];
		if (!(a[3] & MAP_ANONYMOUS)) {
			ev.fd = (int)a[4];
			ev.obj = fdtable_get(t->fdt, ev.fd);
		}
		m->mmap_bytes += a[1];
		m->mmap_regions++;
		break;
	case SYS_munmap:
		ev.type = EV_MUNMAP;
		ev.addr = a[0];
		ev.bytes = a[1];
		break;
	case SYS_mremap:
		ev.type = EV_MREMAP;
		ev.addr = (uint64_t)s->ret;
		ev.bytes = a[2];
		if (a[2] > a[1])
			m->mmap_bytes += a[2] - a[1];
		break;
	default:   /* brk */
		if (!p->brk_start)
			p->brk_start = p->brk_max = (uint64_t)s->ret;
		if ((uint64_t)s->ret > p->brk_max)
			p->brk_max = (uint64_t)s->ret;
		if (!a[0])
			return;   /* a query, not a change */
		ev.type = EV_BRK;
		ev.addr = (uint64_t)s->ret;
		ev.bytes = (uint64_t)s->ret - p->brk_start;
		break;
	}
	emit(m, &ev);
}

/* close, close_range, dup family, fcntl dups, unshare. */
static void sys_fdops(struct model *m, const struct rec_hdr *h, struct thread *t,
		      const struct rec_syscall *s)
{
	const uint64_t *a = s->args;

	if (failed(s->ret))
		return;
	switch (s->nr) {
	case SYS_close: {
		struct event ev = ev_init(m, h, t, EV_CLOSE);
		ev.nr = s->nr;
		ev.fd = (int)a[0];
		ev.obj = fdtable_get(t->fdt, ev.fd);
		if (ev.obj)
			emit(m, &ev);
		fdtable_close(t->fdt, (int)a[0]);
		break;
	}
	case SYS_close_range:
		if (a[2] & CLOSE_RANGE_CLOEXEC)
			break;   /* only marked; the fd set after exec tells the rest */
		if ((a[2] & CLOSE_RANGE_UNSHARE) && t->fdt->refs > 1) {
			struct fdtable *c = fdtable_copy(t->fdt);
			fdtable_unref(t->fdt);
			t->fdt = c;
		}
		fdtable_close_range(t->fdt, (unsigned)a[0], (unsigned)a[1]);
		break;
	case SYS_dup:
	case SYS_dup2:
	case SYS_dup3:
		fdtable_dup(t->fdt, (int)a[0], (int)s->ret);
		break;
	case SYS_fcntl:
		if (a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC)
			fdtable_dup(t->fdt, (int)a[0], (int)s->ret);
		break;
	case SYS_unshare:   /* CLONE_FILES: the caller's fds become its own copy */
		if ((a[0] & CLONE_FILES) && t->fdt->refs > 1) {
			struct fdtable *c = fdtable_copy(t->fdt);
			fdtable_unref(t->fdt);
			t->fdt = c;
		}
		break;
	default:
		break;
	}
}

/* A path or address argument of a call could not be read: count it in
 * the note that says so. */
static void note_unreadable(struct model *m)
{
	char text[256];

	m->unreadable++;
	snprintf(text, sizeof(text), "%llu path or address argument%s could not be read from the "
		 "program's memory (not mapped, or not in memory when the kernel looked): shown as "
		 "unreadable (null in JSON), never guessed",
		 (unsigned long long)m->unreadable, m->unreadable == 1 ? "" : "s");
	if (m->unreadable == 1) {
		m->unreadable_note = m->notes.n;
		vec_push(&m->notes, NULL);
	}
	free(m->notes.v[m->unreadable_note]);
	m->notes.v[m->unreadable_note] = xstrdup(text);
}

/* The path of a failed open, a delete or a rename: as given ("" for an
 * empty one), NULL when it could not be read. */
static const char *named_path(const struct rec_syscall *s, const char *path)
{
	if (s->flags & SYSF_UNREADABLE)
		return path && *path ? path : NULL;
	return path ? path : "";
}

/* Note once that io_uring I/O is invisible to us. */
static void note_io_uring(struct model *m)
{
	if (m->io_uring_noted)
		return;
	m->io_uring_noted = true;
	vec_push(&m->notes, xstrdup("io_uring in use: I/O submitted through io_uring is not "
				    "seen, so byte totals leave it out"));
}

/* Data transfer syscalls; returns false when nr is not one. */
static bool sys_data(struct model *m, const struct rec_hdr *h, struct thread *t,
		     const struct rec_syscall *s, const char *peer)
{
	const uint64_t *a = s->args;
	uint64_t n = (uint64_t)s->ret;

	switch (s->nr) {
	case SYS_read: case SYS_pread64: case SYS_readv: case SYS_preadv:
	case SYS_preadv2:
		sys_io(m, h, t, s, (int)a[0], FM_READ, n);
		return true;
	case SYS_recvfrom: case SYS_recvmsg:
		sys_dgram(m, h, t, s, FM_READ, n, peer);
		return true;
	case SYS_write: case SYS_pwrite64: case SYS_writev: case SYS_pwritev:
	case SYS_pwritev2:
		sys_io(m, h, t, s, (int)a[0], FM_WRITE, n);
		return true;
	case SYS_sendto: case SYS_sendmsg:
		sys_dgram(m, h, t, s, FM_WRITE, n, peer);
		return true;
	case SYS_recvmmsg:
		sys_io(m, h, t, s, (int)a[0], FM_READ, s->aux);
		return true;
	case SYS_sendmmsg:
		sys_io(m, h, t, s, (int)a[0], FM_WRITE, s->aux);
		return true;
	case SYS_sendfile:
		sys_transfer(m, h, t, s, EV_SENDFILE, (int)a[1], (int)a[0]);
		return true;
	case SYS_copy_file_range:
		sys_transfer(m, h, t, s, EV_COPY_FILE_RANGE, (int)a[0], (int)a[2]);
		return true;
	case SYS_splice:
		sys_transfer(m, h, t, s, EV_SPLICE, (int)a[0], (int)a[2]);
		return true;
	case SYS_tee:
		sys_transfer(m, h, t, s, EV_TEE, (int)a[0], (int)a[1]);
		return true;
	default:
		return false;
	}
}

/* Flags an open-family call was made with. */
static uint64_t open_flags(const struct rec_syscall *s)
{
	switch (s->nr) {
	case SYS_open: return s->args[1];
	case SYS_creat: return O_CREAT | O_WRONLY | O_TRUNC;
	case SYS_openat2: return s->aux;
	default: return s->args[2];   /* openat, open_by_handle_at */
	}
}

_Static_assert(REC_SYSSTAT_SLOTS == SYSSTAT_HIST_SLOTS, "one histogram layout");

/* REC_SYSSTAT: system calls the kernel engine counted. */
static void on_sysstat(struct model *m, const struct rec_hdr *h)
{
	const struct rec_sysstat *r = rec_payload(h);
	struct sysstat_row c = { .calls = r->calls, .errors = r->errors, .timed = r->timed,
				 .total_ns = r->total_ns, .max_ns = r->max_ns };

	sysstat_add_counts(m->sys, h->tgid, r->nr, &c, r->hist);
}

/* REC_SYSCALL. */
static void on_syscall(struct model *m, const struct rec_hdr *h)
{
	const struct rec_syscall *s = rec_payload(h);
	const char *blob = (const char *)(s + 1);
	struct thread *t = thread_of(m, h->tid, h->tgid, h->ts);
	char *addr = addr_text(blob, s->addr_len);
	char *path = s->path_len ? xstrndup(blob + s->addr_len, s->path_len) : NULL;

	if (s->flags & SYSF_UNREADABLE)
		note_unreadable(m);
	if (!m->runs[m->run].kernel_engine)   /* (it counts every call itself: REC_SYSSTAT) */
		sysstat_add(m->sys, h->tgid, s->nr, s->ret, s->entry_ts && h->ts >= s->entry_ts,
			    s->entry_ts && h->ts >= s->entry_ts ? h->ts - s->entry_ts : 0);
	if (m->verbose) {
		struct event ev = ev_init(m, h, t, EV_SYSCALL);
		ev.nr = s->orig_nr;
		ev.ret = s->ret;
		ev.flags = s->arch;
		ev.addr_text = addr;
		ev.path = path;
		emit(m, &ev);
	}
	if (s->nr >= 0 && fast_open(t, s, addr))
		sys_conn(m, h, t, s, (int)s->args[0], false, addr);   /* then its bytes, if sent */
	if (s->nr < 0 || rec_interrupted(s->ret) || (failed(s->ret) && !failure_shown(s->nr)))
		goto out;
	if (sys_data(m, h, t, s, addr))
		goto out;
	switch (s->nr) {
	case SYS_open: case SYS_openat: case SYS_openat2: case SYS_creat:
	case SYS_open_by_handle_at:
		sys_open(m, h, t, s, open_flags(s), named_path(s, path));
		break;
	case SYS_connect:
		sys_conn(m, h, t, s, (int)s->args[0], false, addr);
		break;
	case SYS_accept: case SYS_accept4:
		sys_conn(m, h, t, s, (int)s->ret, true, NULL);
		break;
	case SYS_mmap: case SYS_munmap: case SYS_mremap: case SYS_brk:
		sys_mem(m, h, t, s);
		break;
	case SYS_unlink: case SYS_unlinkat: case SYS_rmdir:
	case SYS_rename: case SYS_renameat: case SYS_renameat2:
		sys_names(m, h, t, s, named_path(s, path));
		break;
	case SYS_io_uring_setup:
		note_io_uring(m);
		break;
	default:
		sys_fdops(m, h, t, s);
		break;
	}
out:
	free(addr);
	free(path);
}

/* REC_STACK: kept for the task's next call (a newer one replaces it). */
static void on_stack(struct model *m, const struct rec_hdr *h)
{
	struct rec_hdr *copy = xmalloc(h->len);

	memcpy(copy, h, h->len);
	free(imap_del(&m->stacks, (uint64_t)(uint32_t)h->tid));
	imap_put(&m->stacks, (uint64_t)(uint32_t)h->tid, copy);
}

/* Read a record (model_ingest's work). */
static void ingest(struct model *m, const struct rec_hdr *h);

/* The stack waiting for a call's or exec's task goes with the events it makes. */
static void ingest_with_stack(struct model *m, const struct rec_hdr *h)
{
	struct rec_hdr *sh = imap_del(&m->stacks, (uint64_t)(uint32_t)h->tid);
	const struct rec_stack *st = sh ? rec_payload(sh) : NULL;

	/* A stack goes with its own call only (one taken at an exec's entry:
	 * the exec, or its failure), never with a later one when the call's
	 * record was lost. */
	if (st && h->type == REC_SYSCALL && ((const struct rec_syscall *)rec_payload(h))->nr != st->nr)
		st = NULL;
	if (st && h->type == REC_EXEC && !(st->flags & STACK_F_ENTRY))
		st = NULL;
	m->stack = st;
	m->stack_tid = h->tid;
	ingest(m, h);
	m->stack = NULL;
	free(sh);
}

void model_ingest_run(struct model *m, unsigned run, const struct rec_hdr *h)
{
	m->run = run < m->nruns ? run : 0;
	model_ingest(m, h);
	m->run = 0;
}

void model_ingest(struct model *m, const struct rec_hdr *h)
{
	if (m->stacks.n && (h->type == REC_SYSCALL || h->type == REC_EXEC))
		ingest_with_stack(m, h);
	else
		ingest(m, h);
}

static void ingest(struct model *m, const struct rec_hdr *h)
{
	if (!m->started && h->type != REC_START)
		return;
	if (h->ts > m->last_ts)
		m->last_ts = h->ts;
	if (m->parked.n && h->type != REC_FAULT)
		unpark_old(m, h->ts);   /* (the time of what may explain them, not theirs) */
	if (m->early.n && m->early_min + EARLY_NS < h->ts)
		release_early(m, -1, h->ts - EARLY_NS);
	if (m->dead.n)
		sweep_dead(m, h->ts);
	switch (h->type) {
	case REC_START: on_start(m, h); break;
	case REC_SYSCALL: on_syscall(m, h); break;
	case REC_FD: on_fd(m, h); break;
	case REC_NEWTASK: on_newtask(m, h); break;
	case REC_EXEC: on_exec(m, h); break;
	case REC_FDSET: on_fdset(m, h); break;
	case REC_EXIT: on_exit_rec(m, h); break;
	case REC_SIGNAL: on_signal(m, h); break;
	case REC_END: on_end(m, h); break;
	case REC_NOTE: on_note(m, h); break;
	case REC_FAULT: on_fault(m, h); break;
	case REC_MAPS: on_maps(m, h); break;
	case REC_IO: on_io(m, h); break;
	case REC_SYSSTAT: on_sysstat(m, h); break;
	case REC_SCHED: on_sched(m, h); break;
	case REC_BLOCK: on_block(m, h); break;
	case REC_HIST: on_hist(m, h); break;
	case REC_LOST: on_lost(m, h); break;
	case REC_STACK: on_stack(m, h); break;
	case REC_EXECINFO: on_execinfo(m, h); break;
	case REC_DATA: on_data(m, h); break;
	default: break;
	}
}

struct model *model_new(void)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->root_status = -1;
	m->sys = sysstat_new();
	model_set_runs(m, NULL, 1);
	return m;
}

/* Free the runs' labels and commands. */
static void runs_free(struct model *m)
{
	for (size_t i = 0; i < m->nruns; i++) {
		free((char *)m->runs[i].label);
		free_argv(m->runs[i].command);
	}
	free(m->runs);
	m->runs = NULL;
	m->nruns = 0;
}

void model_set_runs(struct model *m, char *const *labels, size_t n)
{
	runs_free(m);
	m->nruns = n ? n : 1;
	m->runs = xcalloc(m->nruns, sizeof(*m->runs));
	for (size_t i = 0; i < m->nruns; i++) {
		m->runs[i].label = labels && n > 1 ? xstrdup(labels[i]) : NULL;
		m->runs[i].root_status = -1;
	}
}

const struct model_run *model_runs(const struct model *m, size_t *n)
{
	*n = m->nruns;
	return m->runs;
}

const char *model_pid_label(const struct model *m, int pid)
{
	size_t run = (size_t)rec_pid_run(pid);

	return run < m->nruns ? m->runs[run].label : NULL;
}


void model_reset(struct model *m)
{
	struct model *old = xmalloc(sizeof(*old)), *fresh = model_new();

	*old = *m;
	*m = *fresh;
	free(fresh);
	m->fn = old->fn;
	m->ctx = old->ctx;
	m->verbose = old->verbose;
	if (old->nruns > 1) {
		runs_free(m);
		m->runs = old->runs;
		m->nruns = old->nruns;
		for (size_t i = 0; i < m->nruns; i++) {
			free_argv(m->runs[i].command);
			m->runs[i] = (struct model_run){ .label = m->runs[i].label, .root_status = -1 };
		}
		old->runs = NULL;
		old->nruns = 0;
	}
	model_free(old);
}

void model_free(struct model *m)
{
	if (!m)
		return;
	sysstat_free(m->sys);
	for (size_t i = 0; i < m->threads.cap; i++)
		if (m->threads.vals[i])
			thread_free(m->threads.vals[i]);
	for (size_t i = 0; i < m->dead.cap; i++)
		if (m->dead.vals[i])
			thread_free(m->dead.vals[i]);
	imap_release(&m->dead);
	for (size_t i = 0; i < m->stacks.cap; i++)
		free(m->stacks.vals[i]);
	imap_release(&m->stacks);
	for (size_t i = 0; i < m->early.n; i++)
		free(m->early.v[i]);
	free(m->early.v);
	for (size_t i = 0; i < m->procs.n; i++) {
		struct proc *p = m->procs.v[i];
		free(p->exe);
		free_argv(p->argv);
		regions_free(p->mem);
		procenv_env_unref(p->env);
		free(p);
	}
	imap_release(&m->exec_due);
	for (size_t i = 0; i < m->execs.n; i++)
		procenv_free(m->execs.v[i]);
	free(m->execs.v);
	for (size_t i = 0; i < m->faults.n; i++) {
		struct faultagg *a = m->faults.v[i];
		free((char *)a->region);
		free(a);
	}
	for (size_t i = 0; i < m->parked.n; i++)
		free(m->parked.v[i]);
	free(m->faults.v);
	free(m->parked.v);
	free(m->reap.v);
	smap_release(&m->fault_by_key);
	for (size_t i = 0; i < m->conns.n; i++) {
		struct conn *c = m->conns.v[i];
		free(c->local);
		free(c->remote);
		free(c->host);
		free(c->peer);
		free(c);
	}
	for (size_t i = 0; i < m->files.n; i++)
		free(m->files.v[i]);
	for (size_t i = 0; i < m->notes.n; i++)
		free(m->notes.v[i]);
	free(m->procs.v);
	free(m->conns.v);
	free(m->files.v);
	free(m->notes.v);
	imap_release(&m->threads);
	imap_release(&m->procs_by_pid);
	for (size_t i = 0; i < m->lat_by_pid.cap; i++)
		free(m->lat_by_pid.vals[i]);
	imap_release(&m->lat_by_pid);
	smap_release(&m->file_by_path);
	for (size_t i = 0; i < m->names.cap; i++)
		if (m->names.keys && m->names.keys[i])
			free(m->names.vals[i]);
	smap_release(&m->names);
	smap_release(&m->flows);
	free_argv(m->command);
	runs_free(m);
	free(m);
}

void model_set_observer(struct model *m, model_observer_fn *fn, void *ctx)
{
	m->fn = fn;
	m->ctx = ctx;
}

void model_set_verbose(struct model *m, bool on)
{
	m->verbose = on;
}

struct proc *const *model_procs(const struct model *m, size_t *n)
{
	*n = m->procs.n;
	return (struct proc *const *)m->procs.v;
}

struct fileagg *const *model_files(const struct model *m, size_t *n)
{
	*n = m->files.n;
	return (struct fileagg *const *)m->files.v;
}

struct conn *const *model_conns(const struct model *m, size_t *n)
{
	*n = m->conns.n;
	return (struct conn *const *)m->conns.v;
}

const struct io_totals *model_io(const struct model *m)
{
	return &m->io;
}

uint64_t model_heap_bytes(const struct model *m)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < m->procs.n; i++) {
		const struct proc *p = m->procs.v[i];
		sum += p->brk_max - p->brk_start;
	}
	return sum;
}

uint64_t model_mmap_bytes(const struct model *m)
{
	return m->mmap_bytes;
}

uint64_t model_mmap_regions(const struct model *m)
{
	return m->mmap_regions;
}

uint64_t model_events(const struct model *m)
{
	return m->events;
}

const struct proc *model_root(const struct model *m)
{
	return m->root;
}

int model_root_status(const struct model *m)
{
	return m->root_status;
}

char *const *model_command(const struct model *m)
{
	return m->command;
}

uint64_t model_duration(const struct model *m)
{
	return rel(m, m->last_ts);
}

void model_tracer_cost(const struct model *m, uint64_t *stops, uint64_t *stopped_ns)
{
	*stops = m->stops;
	*stopped_ns = m->stopped_ns;
}

bool model_kernel_engine(const struct model *m)
{
	return m->kernel_engine;
}

bool model_attached(const struct model *m)
{
	return m->attached;
}

bool model_ended(const struct model *m)
{
	return m->ended;
}

enum end_reason model_end_reason(const struct model *m)
{
	return m->reason;
}

size_t model_live_tasks(const struct model *m)
{
	return m->threads.n;
}

const struct lat_stats *model_latency(const struct model *m, int pid, enum hist_kind kind)
{
	const struct lat_stats *s;
	const struct proc_lat *pl;

	if (pid == 0) {
		s = kind == HIST_SCHED ? &m->lat_sched : &m->lat_block;
		return s->count ? s : NULL;
	}
	pl = imap_get(&m->lat_by_pid, (uint64_t)pid);
	if (!pl)
		return NULL;
	s = kind == HIST_SCHED ? &pl->sched : &pl->block;
	return s->count ? s : NULL;
}

/* Bounds in microseconds of histogram slot i. */
static void slot_bounds(unsigned i, double *lo, double *hi)
{
	*lo = i ? (double)(UINT64_C(1) << (i - 1)) : 0.0;
	*hi = (double)(UINT64_C(1) << i);
}

double model_lat_quantile_us(const struct lat_stats *s, double q)
{
	double target, cum = 0, lo, hi, v;

	if (!s->hist_total)   /* no histogram: the events are all there is */
		return s->events ? (double)s->event_ns / (double)s->events / 1e3 : 0.0;
	target = q * (double)s->hist_total;
	for (unsigned i = 0; i < LAT_HIST_SLOTS; i++) {
		if (!s->hist[i] || cum + (double)s->hist[i] < target) {
			cum += (double)s->hist[i];
			continue;
		}
		slot_bounds(i, &lo, &hi);
		v = lo + (hi - lo) * (target - cum) / (double)s->hist[i];
		return s->max_ns && v > (double)s->max_ns / 1e3 ? (double)s->max_ns / 1e3 : v;
	}
	return model_lat_max_us(s);
}

double model_lat_max_us(const struct lat_stats *s)
{
	double lo, hi;

	if (s->max_ns)
		return (double)s->max_ns / 1e3;
	for (unsigned i = LAT_HIST_SLOTS; i-- > 0;) {
		if (s->hist[i]) {
			slot_bounds(i, &lo, &hi);
			return hi;
		}
	}
	return 0.0;
}

uint64_t model_dropped(const struct model *m)
{
	return m->dropped;
}

const char *const *model_notes(const struct model *m)
{
	return (const char *const *)m->notes.v;
}

struct faultagg *const *model_faults(const struct model *m, size_t *n)
{
	*n = m->faults.n;
	return (struct faultagg *const *)m->faults.v;
}

uint64_t model_faults_total(const struct model *m)
{
	return m->faults_total;
}

uint64_t model_faults_lost(const struct model *m)
{
	return m->faults_lost;
}

bool model_faults_on(const struct model *m)
{
	return m->regions_on;
}

const char *model_kind_name(int kind)
{
	static const char *const names[FDK_MAX] = {
		[FDK_UNKNOWN] = "unknown", [FDK_FILE] = "file", [FDK_DIR] = "dir",
		[FDK_CHR] = "chr", [FDK_BLK] = "blk", [FDK_PIPE] = "pipe",
		[FDK_UNIX] = "unix", [FDK_TCP4] = "tcp4", [FDK_TCP6] = "tcp6",
		[FDK_UDP4] = "udp4", [FDK_UDP6] = "udp6", [FDK_SOCK] = "socket",
		[FDK_ANON] = "anon",
	};

	return kind >= 0 && kind < FDK_MAX ? names[kind] : "unknown";
}

const struct sysstat *model_sysstat(const struct model *m)
{
	return m->sys;
}
