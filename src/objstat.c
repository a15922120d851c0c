/* objstat.c - per-process, per-file and per-connection totals for the views.
 *
 * Indices into the arrays are stored in the maps as index + 1, since a map
 * value of 0 means "absent".  This file must never draw and never look at
 * anything but the store.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "objstat.h"
#include "util.h"

/* Start empty, before the store's first event. */
void objstat_init(struct objstat *o)
{
	memset(o, 0, sizeof(*o));
}

/* Free the totals. */
void objstat_release(struct objstat *o)
{
	imap_release(&o->pid_at);
	imap_release(&o->file_at);
	imap_release(&o->conn_open);
	imap_release(&o->flow_at);
	free(o->procs);
	free(o->files);
	free(o->conns);
	memset(o, 0, sizeof(*o));
}

/* Grow an array of n elements of size sz to hold one more. */
static void *grow(void *v, size_t n, size_t *cap, size_t sz)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 64;
	return xreallocarray(v, *cap, sz);
}

/* The process record of pid, made on first use. */
static struct pstat *proc_of(struct objstat *o, int pid)
{
	uintptr_t at = (uintptr_t)imap_get(&o->pid_at, (uint32_t)pid);

	if (at)
		return &o->procs[at - 1];
	o->procs = grow(o->procs, o->nprocs, &o->procs_cap, sizeof(*o->procs));
	memset(&o->procs[o->nprocs], 0, sizeof(*o->procs));
	o->procs[o->nprocs].pid = pid;
	imap_put(&o->pid_at, (uint32_t)pid, (void *)(uintptr_t)++o->nprocs);
	return &o->procs[o->nprocs - 1];
}

/* The record of file path as pid uses it, made on first use. */
static struct fstat *file_of(struct objstat *o, int pid, uint32_t path)
{
	uint64_t key = (uint64_t)(uint32_t)pid << 32 | path;
	uintptr_t at = (uintptr_t)imap_get(&o->file_at, key);

	if (at)
		return &o->files[at - 1];
	o->files = grow(o->files, o->nfiles, &o->files_cap, sizeof(*o->files));
	memset(&o->files[o->nfiles], 0, sizeof(*o->files));
	o->files[o->nfiles].pid = pid;
	o->files[o->nfiles].path = path;
	imap_put(&o->file_at, key, (void *)(uintptr_t)++o->nfiles);
	return &o->files[o->nfiles - 1];
}

/* A new row for the event's process, fd and peer, from the event's time
 * (not counted in o->nconns yet). */
static struct cstat *conn_add(struct objstat *o, const struct sevent *e)
{
	struct cstat *c;

	o->conns = grow(o->conns, o->nconns, &o->conns_cap, sizeof(*o->conns));
	c = &o->conns[o->nconns];
	memset(c, 0, sizeof(*c));
	c->pid = e->pid;
	c->fd = e->fd;
	c->kind = e->kind;
	c->peer = e->str;
	c->start = c->end = e->ts;
	return c;
}

/* A connect or accept: a new connection on (pid, fd). */
static void conn_new(struct objstat *o, const struct sevent *e)
{
	struct cstat *c = conn_add(o, e);

	c->accepted = e->type == EV_ACCEPT;
	c->local = e->str2;
	imap_put(&o->conn_open, (uint64_t)(uint32_t)e->pid << 32 | (uint32_t)e->fd,
		 (void *)(uintptr_t)++o->nconns);
}

/* The UDP flow of the event's process and peer, made on first need. */
static struct cstat *flow_of(struct objstat *o, const struct sevent *e)
{
	uint64_t key = (uint64_t)(uint32_t)e->pid << 32 | e->str;
	uintptr_t at = (uintptr_t)imap_get(&o->flow_at, key);
	struct cstat *c;

	if (at)
		return &o->conns[at - 1];
	c = conn_add(o, e);
	c->flow = true;
	imap_put(&o->flow_at, key, (void *)(uintptr_t)++o->nconns);
	return c;
}

/* Is the event a datagram sent to or received from a peer by address
 * (not the one its socket's connection, c, is with)? */
static bool flow_event(const struct sevent *e, const struct cstat *c)
{
	return (e->type == EV_SEND || e->type == EV_RECV) && (e->flags & SEV_PEER) && e->str &&
	       (e->kind == FDK_UDP4 || e->kind == FDK_UDP6) && (!c || c->peer != e->str);
}

/* The open connection on the event's (pid, fd), or NULL. */
static struct cstat *conn_of(struct objstat *o, const struct sevent *e)
{
	uintptr_t at = (uintptr_t)imap_get(&o->conn_open,
					   (uint64_t)(uint32_t)e->pid << 32 | (uint32_t)e->fd);

	return at ? &o->conns[at - 1] : NULL;
}

/* Bytes an event moved: 0 for failures and for events that move none. */
static uint64_t moved(const struct sevent *e)
{
	if (e->flags & SEV_FAILED || e->val <= 0)
		return 0;
	switch (e->type) {
	case EV_READ: case EV_WRITE: case EV_SEND: case EV_RECV:
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
		return (uint64_t)e->val;
	default:
		return 0;
	}
}

/* Connection figures of one event. */
static void conn_event(struct objstat *o, const struct sevent *e, uint64_t b)
{
	struct cstat *c;

	if ((e->type == EV_CONNECT || e->type == EV_ACCEPT) && !(e->flags & SEV_FAILED)) {
		conn_new(o, e);
		return;
	}
	c = conn_of(o, e);
	if (flow_event(e, c))
		c = flow_of(o, e);
	if (!c)
		return;
	c->end = e->ts;
	if (e->type == EV_SEND || e->type == EV_WRITE)
		c->sent += b;
	else if (e->type == EV_RECV || e->type == EV_READ)
		c->received += b;
	if (e->type == EV_CLOSE) {
		c->closed = true;
		imap_del(&o->conn_open, (uint64_t)(uint32_t)e->pid << 32 | (uint32_t)e->fd);
	}
}

/* File figures of one event. */
static void file_event(struct objstat *o, const struct store *s, const struct sevent *e, uint64_t b)
{
	if (e->type == EV_OPEN && !(e->flags & SEV_FAILED) && e->str)
		file_of(o, e->pid, e->str)->opens++;
	if (!b)
		return;
	if (e->kind == FDK_FILE && e->str && (e->type == EV_READ || e->type >= EV_SENDFILE))
		file_of(o, e->pid, e->str)->rd += b;
	else if (e->kind == FDK_FILE && e->str && e->type == EV_WRITE)
		file_of(o, e->pid, e->str)->wr += b;
	/* A transfer's target: only its name is kept; a path means a file. */
	if (e->type >= EV_SENDFILE && e->type <= EV_TEE && e->str2 && store_str(s, e->str2)[0] == '/')
		file_of(o, e->pid, e->str2)->wr += b;
}

/* Take in the events added to s since the last call. */
void objstat_update(struct objstat *o, const struct store *s)
{
	size_t n = store_count(s);

	for (; o->scanned < n; o->scanned++) {
		const struct sevent *e = store_get(s, o->scanned);
		struct pstat *p = proc_of(o, e->pid);
		uint64_t b = moved(e);

		p->events++;
		/* A transfer both reads and writes its bytes. */
		if (e->type == EV_READ || e->type == EV_RECV || e->type >= EV_SENDFILE)
			p->rd += b;
		if (e->type != EV_READ && e->type != EV_RECV)
			p->wr += b;
		if (e->cat == CAT_NET)
			conn_event(o, e, b);
		else
			file_event(o, s, e, b);
	}
}

/* The figures of process pid, or NULL. */
const struct pstat *objstat_proc(const struct objstat *o, int pid)
{
	uintptr_t at = (uintptr_t)imap_get(&o->pid_at, (uint32_t)pid);

	return at ? &o->procs[at - 1] : NULL;
}
