/* timeline.c - lanes and time order for the HTML report and the trace export.
 *
 * A lane is one process or thread.  Processes come in the order the model
 * met them, each followed by its threads in the order they first appear,
 * so a thread always sits under its own process.  Children named by fork
 * and clone events get a lane even when they did nothing traced.  This file
 * must never change the model or the store.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "util.h"

/* Add a lane for tid (if new) and account for an event at ts. */
static void lane_touch(struct timeline *l, int pid, int tid, uint64_t ts, bool counts)
{
	long i = timeline_find(l, tid);
	struct timeline_lane *ln;

	if (i < 0) {
		l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
		ln = &l->v[l->n];
		memset(ln, 0, sizeof(*ln));
		ln->pid = pid;
		ln->tid = tid;
		ln->thread = pid != tid;
		ln->first = ln->last = ts;
		imap_put(&l->by_tid, (uint64_t)(uint32_t)tid, (void *)(uintptr_t)(++l->n));
		i = (long)l->n - 1;
	}
	ln = &l->v[i];
	if (ts < ln->first)
		ln->first = ts;
	if (ts > ln->last)
		ln->last = ts;
	if (counts)
		ln->events++;
}

/* Lanes for the processes the model knows, leaders first. */
static void add_procs(struct timeline *l, const struct model *m)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);

	for (size_t i = 0; i < n; i++)
		lane_touch(l, p[i]->pid, p[i]->pid, p[i]->start_ts, false);
}

/* Lanes for every task that has an event or was created by one. */
static void add_tasks(struct timeline *l, const struct store *s)
{
	size_t n = store_count(s);

	for (size_t i = 0; i < n; i++) {
		const struct sevent *e = store_get(s, i);

		lane_touch(l, e->pid, e->tid, e->ts, true);
		if (e->type == EV_FORK && e->fd > 0)
			lane_touch(l, e->fd, e->fd, e->ts, false);
		else if (e->type == EV_THREAD && e->fd > 0)
			lane_touch(l, e->pid, e->fd, e->ts, false);
	}
}

/* qsort has no context argument: the rank map lives here during a sort
 * (writers run on one thread). */
static const struct imap *sort_rank;

/* Rank of a lane's process: its position in the model, else after all. */
static size_t proc_rank(const struct timeline_lane *a)
{
	void *v = imap_get(sort_rank, (uint64_t)(uint32_t)a->pid);

	return v ? (size_t)(uintptr_t)v : (size_t)-1;
}

/* Order lanes by process rank, pid, leader first, then appearance. */
static int lane_cmp(const void *pa, const void *pb)
{
	const struct timeline_lane *a = pa, *b = pb;
	size_t ra = proc_rank(a), rb = proc_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->thread != b->thread)
		return a->thread ? 1 : -1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->tid < b->tid ? -1 : a->tid > b->tid;
}

/* Sort the lanes for display and rebuild the tid index and proc links. */
static void sort_and_index(struct timeline *l, const struct model *m)
{
	struct imap rank = { 0 };
	size_t n;
	struct proc *const *p = model_procs(m, &n);

	for (size_t i = 0; i < n; i++)
		if (!imap_get(&rank, (uint64_t)(uint32_t)p[i]->pid))
			imap_put(&rank, (uint64_t)(uint32_t)p[i]->pid, (void *)(uintptr_t)(i + 1));
	sort_rank = &rank;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), lane_cmp);
	imap_release(&l->by_tid);
	memset(&l->by_tid, 0, sizeof(l->by_tid));
	for (size_t i = 0; i < l->n; i++) {
		void *v = imap_get(&rank, (uint64_t)(uint32_t)l->v[i].pid);

		l->v[i].proc = v ? p[(uintptr_t)v - 1] : NULL;
		imap_put(&l->by_tid, (uint64_t)(uint32_t)l->v[i].tid, (void *)(uintptr_t)(i + 1));
	}
	imap_release(&rank);
	sort_rank = NULL;
}

/* Find every process and thread of m and s, in display order. */
void timeline_build(struct timeline *l, const struct model *m, const struct store *s)
{
	memset(l, 0, sizeof(*l));
	add_procs(l, m);
	add_tasks(l, s);
	sort_and_index(l, m);
}

/* Free the lanes. */
void timeline_release(struct timeline *l)
{
	free(l->v);
	imap_release(&l->by_tid);
	memset(l, 0, sizeof(*l));
}

/* Index of tid's lane, or -1. */
long timeline_find(const struct timeline *l, int tid)
{
	void *v = imap_get(&l->by_tid, (uint64_t)(uint32_t)tid);

	return v ? (long)(uintptr_t)v - 1 : -1;
}

static const struct store *sort_store;

/* Order event indices by timestamp, then by index (a stable sort). */
static int order_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	uint64_t ta = store_get(sort_store, a)->ts, tb = store_get(sort_store, b)->ts;

	if (ta != tb)
		return ta < tb ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Indices of all stored events sorted by time (stable); caller frees. */
uint32_t *timeline_order(const struct store *s)
{
	size_t n = store_count(s);
	uint32_t *v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	bool sorted = true;

	for (size_t i = 0; i < n; i++) {
		v[i] = (uint32_t)i;
		if (i && store_get(s, i)->ts < store_get(s, i - 1)->ts)
			sorted = false;
	}
	if (!sorted) {
		sort_store = s;
		qsort(v, n, sizeof(*v), order_cmp);
		sort_store = NULL;
	}
	return v;
}

/* Latency in ns of a CAT_LAT event, else 0. */
uint64_t timeline_latency(const struct sevent *e)
{
	return e->cat == CAT_LAT && e->val > 0 ? (uint64_t)e->val : 0;
}
