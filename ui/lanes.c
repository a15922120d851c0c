/* lanes.c - the swimlane's model: one lane per process and per thread.
 *
 * A task's lane starts with the fork or clone event that names it, or with
 * its first event when it was never seen starting.  Events of a task that
 * ended (the kernel's samples can come after its exit) stay in its lane:
 * only a fork or clone naming a tid again starts a new lane for it (tid
 * reuse), so a task never gets two lanes.  The model holds back samples
 * that come before their task's fork, so a lane made by a first event is
 * taken over by a fork naming it later only if such a sample had to go
 * out unattributed.  A cell's marks
 * come from two binary searches and a fixed-size sample, so drawing costs
 * the same with a thousand or a million events.  This file must never
 * draw, never make a system call, and never scan all events of a lane.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanes.h"
#include "util.h"

#define CELL_SAMPLES 16

/* No lanes yet. */
void lanes_init(struct lanes *l)
{
	memset(l, 0, sizeof(*l));
}

/* Free every lane. */
void lanes_release(struct lanes *l)
{
	for (size_t i = 0; i < l->n; i++) {
		u32vec_release(&l->v[i]->shown);
		free(l->v[i]);
	}
	free(l->v);
	free(l->order);
	imap_release(&l->by_tid);
	memset(l, 0, sizeof(*l));
}

/* Bytes the lanes' index lists hold (for the memory budget). */
size_t lanes_index_bytes(const struct lanes *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->v[i]->shown.cap * sizeof(uint32_t);
	return n;
}

/* Copy the last path component of path into a lane name. */
static void set_name(char *dst, size_t cap, const char *path)
{
	const char *base = strrchr(path, '/');

	snprintf(dst, cap, "%s", base ? base + 1 : path);
}

/* Name the first process before any exec is seen (the command's argv[0]). */
void lanes_set_root_name(struct lanes *l, const char *name)
{
	set_name(l->root_name, sizeof(l->root_name), name ? name : "");
}

/* A new lane for tid of process pid. */
static struct lane *lane_new(struct lanes *l, int pid, int tid, uint64_t ts)
{
	struct lane *ln = xcalloc(1, sizeof(*ln));

	ln->pid = pid;
	ln->tid = tid;
	ln->thread = tid != pid;
	ln->start = ts;
	ln->id = l->n;
	ln->proc = ln->id;
	ln->first_idx = l->tracked;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
		l->order = xreallocarray(l->order, l->cap, sizeof(*l->order));
	}
	l->v[l->n++] = ln;
	imap_put(&l->by_tid, (uint64_t)(uint32_t)tid, ln);
	l->order_dirty = true;
	l->last = ln;
	return ln;
}

/* The newest lane of tid, ended or not (NULL if none). */
struct lane *lanes_find(struct lanes *l, int tid)
{
	if (l->last && l->last->tid == tid)
		return l->last;
	return imap_get(&l->by_tid, (uint64_t)(uint32_t)tid);
}

/* The lane lanes_track gave event idx: the newest lane of tid made at or before it. */
struct lane *lanes_at(struct lanes *l, size_t idx, int tid)
{
	struct lane *ln = lanes_find(l, tid);

	if (ln && ln->first_idx <= idx)
		return ln;
	for (size_t k = ln ? ln->id : l->n; k-- > 0;)   /* tid reused since */
		if (l->v[k]->tid == tid && l->v[k]->first_idx <= idx)
			return l->v[k];
	return ln ? ln : l->v[0];
}

/* The process lane of pid (its newest, ended or not), created if needed. */
static struct lane *proc_lane(struct lanes *l, int pid, uint64_t ts)
{
	struct lane *ln = lanes_find(l, pid);

	if (ln && !ln->thread)
		return ln;
	ln = lane_new(l, pid, pid, ts);
	snprintf(ln->name, sizeof(ln->name), "%s", l->n == 1 ? l->root_name : "");
	return ln;
}

/* The lane of task tid in process pid (its newest, ended or not), created if needed. */
static struct lane *task_lane(struct lanes *l, int pid, int tid, uint64_t ts)
{
	struct lane *ln = lanes_find(l, tid), *p;

	if (ln)
		return ln;
	if (tid == pid)
		return proc_lane(l, pid, ts);
	p = proc_lane(l, pid, ts);
	ln = lane_new(l, pid, tid, ts);
	ln->proc = p->id;
	return ln;
}

/* Mark a lane ended at ts. */
static void end_lane(struct lane *ln, uint64_t ts)
{
	if (ln->ended)
		return;
	ln->ended = true;
	ln->end = ts;
}

/* A process ended (or exec'd away its threads): end its thread lanes. */
static void end_threads(struct lanes *l, const struct lane *p, uint64_t ts)
{
	for (size_t i = p->id + 1; i < l->n; i++)
		if (l->v[i]->thread && l->v[i]->proc == p->id)
			end_lane(l->v[i], ts);
}

/* The lane a fork or clone naming tid starts: a new one, unless a lane of
 * tid began with an event of the task that came before this (taken over). */
static struct lane *child_lane(struct lanes *l, int pid, int tid, uint64_t ts)
{
	struct lane *ln = lanes_find(l, tid);

	if (!ln || ln->born || ln->ended)
		ln = lane_new(l, pid, tid, ts);
	else if (ts < ln->start)
		ln->start = ts;
	ln->born = true;
	return ln;
}

/* A fork or a new thread: start the child's lane. */
static void track_new(struct lanes *l, const struct sevent *e, const struct lane *parent)
{
	struct lane *ln;

	if (e->type == EV_THREAD) {
		ln = child_lane(l, e->pid, e->fd, e->ts);
		ln->pid = e->pid;
		ln->thread = e->fd != e->pid;
		ln->proc = parent->proc;
		l->order_dirty = true;
		return;
	}
	ln = child_lane(l, e->fd, e->fd, e->ts);
	snprintf(ln->name, sizeof(ln->name), "%s", l->v[parent->proc]->name);
}

/* Update lanes for the next stored event. */
struct lane *lanes_track(struct lanes *l, const struct store *s, const struct sevent *e)
{
	struct lane *ln = task_lane(l, e->pid, e->tid, e->ts), *p = l->v[ln->proc];

	switch (e->type) {
	case EV_FORK: case EV_THREAD:
		if (e->fd > 0)
			track_new(l, e, ln);
		l->last = ln;
		break;
	case EV_EXEC:
		set_name(p->name, sizeof(p->name), store_str(s, e->str));
		end_threads(l, p, e->ts);
		break;
	case EV_EXIT:
		end_lane(ln, e->ts);
		if (!(e->flags & SEV_THREAD)) {
			end_lane(p, e->ts);
			end_threads(l, p, e->ts);
		}
		break;
	default:
		break;
	}
	l->tracked++;
	return ln;
}

/* Forget every lane's shown indices (before re-filtering). */
void lanes_clear_shown(struct lanes *l)
{
	for (size_t i = 0; i < l->n; i++)
		l->v[i]->shown.n = 0;
}

/* qsort order: by process, the process itself first, then by creation. */
static int order_cmp(const void *a, const void *b, void *ctx)
{
	struct lane *const *v = ctx;
	const struct lane *x = v[*(const size_t *)a], *y = v[*(const size_t *)b];

	if (x->proc != y->proc)
		return x->proc < y->proc ? -1 : 1;
	if (x->thread != y->thread)
		return x->thread ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Display order. */
const size_t *lanes_order(struct lanes *l, size_t *n)
{
	if (l->order_dirty) {
		for (size_t i = 0; i < l->n; i++)
			l->order[i] = i;
		qsort_r(l->order, l->n, sizeof(*l->order), order_cmp, l->v);
		l->order_dirty = false;
	}
	*n = l->n;
	return l->order;
}

/* Number of process lanes and of thread lanes. */
void lanes_counts(const struct lanes *l, size_t *procs, size_t *threads)
{
	*procs = *threads = 0;
	for (size_t i = 0; i < l->n; i++)
		++*(l->v[i]->thread ? threads : procs);
}

/* Position of the first shown event of ln at or after ts, within [0, end). */
static size_t ts_lower_bound(const struct lane *ln, const struct store *s, size_t end, uint64_t ts)
{
	size_t lo = 0, hi = end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (store_get(s, ln->shown.v[mid])->ts < ts)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t lanes_cell(const struct lane *ln, const struct store *s, size_t limit,
		  uint64_t t0, uint64_t t1, int *cat)
{
	size_t end = u32vec_lower_bound(&ln->shown, limit);
	size_t a = ts_lower_bound(ln, s, end, t0), b = ts_lower_bound(ln, s, end, t1);
	size_t n = b - a, step = n / CELL_SAMPLES + 1;
	unsigned votes[CAT_MAX] = { 0 };
	int best = -1;

	for (size_t i = a; i < b; i += step)
		votes[store_get(s, ln->shown.v[i])->cat]++;
	for (int c = 0; c < CAT_MAX; c++)
		if (votes[c] && (best < 0 || votes[c] > votes[best]))
			best = c;
	*cat = best;
	return n;
}

/* Store index of ln's shown event (below limit) nearest to ts. */
long lanes_nearest(const struct lane *ln, const struct store *s, size_t limit, uint64_t ts)
{
	size_t end = u32vec_lower_bound(&ln->shown, limit);
	size_t i = ts_lower_bound(ln, s, end, ts);

	if (!end)
		return -1;
	if (i == end)
		return ln->shown.v[end - 1];
	if (i > 0 && ts - store_get(s, ln->shown.v[i - 1])->ts < store_get(s, ln->shown.v[i])->ts - ts)
		return ln->shown.v[i - 1];
	return ln->shown.v[i];
}
