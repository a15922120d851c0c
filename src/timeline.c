/* timeline.c - lanes and time order for the HTML report and the trace export.
 *
 * A lane is one task: a process (its leader) or a thread.  The stored
 * events are walked in the order the model made them, with the rules of
 * the terminal's swimlane (ui/lanes.c): a fork or clone event starts the
 * lane of the task it names; any other event goes to the newest lane of
 * its tid, even one whose task ended (the kernel's samples can come after
 * the exit), and starts a lane only for a tid never seen.  The model's
 * processes are then matched to the process lanes of their pid in order
 * (the second process with a pid to its second lane), and the lanes are
 * sorted: processes in the order the model met them, each followed by its
 * threads in the order they first appear.  This file must never change the
 * model or the store.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "util.h"

/* A new lane for tid of process pid (owner: its process lane, or itself). */
static size_t lane_new(struct timeline *l, int pid, int tid, uint64_t ts, size_t owner)
{
	struct timeline_lane *ln;
	long prev = timeline_find(l, tid);

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	ln = &l->v[l->n];
	memset(ln, 0, sizeof(*ln));
	ln->pid = pid;
	ln->tid = tid;
	ln->thread = pid != tid;
	ln->first = ln->last = ts;
	ln->owner = owner == SIZE_MAX ? l->n : owner;
	ln->since = l->at;
	ln->prev = prev < 0 ? SIZE_MAX : (size_t)prev;
	imap_put(&l->by_tid, (uint64_t)(uint32_t)tid, (void *)(uintptr_t)(++l->n));
	return l->n - 1;
}

/* Index of tid's newest lane, or -1. */
long timeline_find(const struct timeline *l, int tid)
{
	void *v = imap_get(&l->by_tid, (uint64_t)(uint32_t)tid);

	return v ? (long)(uintptr_t)v - 1 : -1;
}

/* Account for an event at ts in lane i. */
static void touch(struct timeline *l, size_t i, uint64_t ts, bool counts)
{
	struct timeline_lane *ln = &l->v[i];

	if (ts < ln->first)
		ln->first = ts;
	if (ts > ln->last)
		ln->last = ts;
	if (counts)
		ln->events++;
}

/* The process lane of pid (its newest), made if there is none. */
static size_t proc_lane(struct timeline *l, int pid, uint64_t ts)
{
	long i = timeline_find(l, pid);

	if (i >= 0 && !l->v[i].thread)
		return (size_t)i;
	return lane_new(l, pid, pid, ts, SIZE_MAX);
}

/* The lane of an event of tid in process pid: tid's newest, or a new one. */
static size_t task_lane(struct timeline *l, int pid, int tid, uint64_t ts)
{
	long i = timeline_find(l, tid);

	if (i >= 0)
		return (size_t)i;
	if (tid == pid)
		return proc_lane(l, pid, ts);
	return lane_new(l, pid, tid, ts, proc_lane(l, pid, ts));
}

/* The lane a fork or clone of tid starts: a new one, unless tid's newest
 * lane began with an event of this very task (one that came before it). */
static size_t child_lane(struct timeline *l, int pid, int tid, uint64_t ts, size_t owner)
{
	long i = timeline_find(l, tid);
	size_t k;

	if (i >= 0 && !l->v[i].born && !l->v[i].ended && !l->v[l->v[i].owner].ended) {
		k = (size_t)i;
		l->v[k].pid = pid;
		l->v[k].thread = pid != tid;
		l->v[k].owner = owner == SIZE_MAX ? k : owner;
	} else {
		k = lane_new(l, pid, tid, ts, owner);
	}
	l->v[k].born = true;
	return k;
}

/* A fork or clone event in lane i: the child's lane. */
static void track_new(struct timeline *l, const struct sevent *e, size_t i)
{
	size_t k;

	if (e->fd <= 0)
		return;
	if (e->type == EV_THREAD)
		k = child_lane(l, e->pid, e->fd, e->ts, l->v[i].owner);
	else
		k = child_lane(l, e->fd, e->fd, e->ts, SIZE_MAX);
	touch(l, k, e->ts, false);
}

/* Every stored event's lane, in store order.  A lane made for event i
 * itself applies from it on (since 2 i), one its fork or clone makes from
 * the next event (2 i + 1): timeline_lane_of finds them so again. */
static void walk_events(struct timeline *l, const struct store *s)
{
	size_t n = store_count(s);

	for (size_t i = 0; i < n; i++) {
		const struct sevent *e = store_get(s, i);
		size_t k;

		l->at = 2 * (uint64_t)i;
		k = task_lane(l, e->pid, e->tid, e->ts);
		touch(l, k, e->ts, true);
		l->at++;
		if (e->type == EV_FORK || e->type == EV_THREAD)
			track_new(l, e, k);
		else if (e->type == EV_EXIT)
			l->v[k].ended = true;
	}
	l->at = 2 * (uint64_t)n;   /* the model's processes without events */
}

/* Give each of the model's processes the next process lane of its pid
 * (or a lane of its own when its events are not stored); returns each
 * lane's rank: its process's position in the model + 1, 0 for none. */
static size_t *match_procs(struct timeline *l, const struct model *m)
{
	size_t n, lanes = l->n;
	struct proc *const *p = model_procs(m, &n);
	size_t *next = xreallocarray(NULL, lanes + 1, sizeof(*next));
	size_t *rank;
	struct imap head = { 0 };   /* pid -> its first process lane not matched yet + 1 */

	for (size_t i = lanes; i-- > 0;) {   /* chain each pid's process lanes in order */
		uint64_t key = (uint64_t)(uint32_t)l->v[i].pid;
		void *h;

		if (l->v[i].thread)
			continue;
		h = imap_get(&head, key);
		next[i] = h ? (size_t)(uintptr_t)h - 1 : SIZE_MAX;
		imap_put(&head, key, (void *)(uintptr_t)(i + 1));
	}
	rank = xcalloc(lanes + n + 1, sizeof(*rank));
	for (size_t i = 0; i < n; i++) {
		uint64_t key = (uint64_t)(uint32_t)p[i]->pid;
		void *h = imap_get(&head, key);
		size_t k;

		if (h) {
			k = (size_t)(uintptr_t)h - 1;
			if (next[k] == SIZE_MAX)
				imap_del(&head, key);
			else
				imap_put(&head, key, (void *)(uintptr_t)(next[k] + 1));
		} else {
			k = lane_new(l, p[i]->pid, p[i]->pid, p[i]->start_ts, SIZE_MAX);
		}
		l->v[k].proc = p[i];
		rank[k] = i + 1;
		touch(l, k, p[i]->start_ts, false);
	}
	imap_release(&head);
	free(next);
	return rank;
}

/* qsort has no context argument: the lanes and ranks live here during a
 * sort (writers run on one thread). */
static const struct timeline *sort_lanes;
static const size_t *sort_rank;

/* Rank of lane i's process: its position in the model, else after all. */
static size_t proc_rank(size_t i)
{
	size_t r = sort_rank[sort_lanes->v[i].owner];

	return r ? r : SIZE_MAX;
}

/* Order lane indices by process rank, pid, process, leader first, then appearance. */
static int lane_cmp(const void *pa, const void *pb)
{
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	const struct timeline_lane *a = &sort_lanes->v[ia], *b = &sort_lanes->v[ib];
	size_t ra = proc_rank(ia), rb = proc_rank(ib);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	if (a->thread != b->thread)
		return a->thread ? 1 : -1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* Put the lanes in display order, and every index into them with them. */
static void sort_and_index(struct timeline *l, const size_t *rank)
{
	size_t *order = xreallocarray(NULL, l->n + 1, sizeof(*order));
	size_t *pos = xreallocarray(NULL, l->n + 1, sizeof(*pos));
	struct timeline_lane *v = xreallocarray(NULL, l->n + 1, sizeof(*v));

	for (size_t i = 0; i < l->n; i++)
		order[i] = i;
	sort_lanes = l;
	sort_rank = rank;
	qsort(order, l->n, sizeof(*order), lane_cmp);
	sort_lanes = NULL;
	sort_rank = NULL;
	for (size_t i = 0; i < l->n; i++)
		pos[order[i]] = i;
	imap_release(&l->by_tid);
	for (size_t i = 0; i < l->n; i++) {   /* by_tid: the newest lane of each tid */
		v[pos[i]] = l->v[i];
		v[pos[i]].owner = pos[l->v[i].owner];
		v[pos[i]].prev = l->v[i].prev == SIZE_MAX ? SIZE_MAX : pos[l->v[i].prev];
		imap_put(&l->by_tid, (uint64_t)(uint32_t)l->v[i].tid, (void *)(uintptr_t)(pos[i] + 1));
	}
	free(l->v);
	l->v = v;
	free(order);
	free(pos);
}

/* Find every process and thread of m and s, in display order. */
void timeline_build(struct timeline *l, const struct model *m, const struct store *s)
{
	size_t *rank;

	memset(l, 0, sizeof(*l));
	walk_events(l, s);
	rank = match_procs(l, m);
	sort_and_index(l, rank);
	free(rank);
}

/* Free the lanes. */
void timeline_release(struct timeline *l)
{
	free(l->v);
	imap_release(&l->by_tid);
	memset(l, 0, sizeof(*l));
}

/* Index of the lane of stored event idx. */
size_t timeline_lane_of(const struct timeline *l, const struct sevent *e, size_t idx)
{
	long k = timeline_find(l, e->tid);
	size_t i = (size_t)k;

	while (k >= 0 && l->v[i].since > 2 * (uint64_t)idx && l->v[i].prev != SIZE_MAX)
		i = l->v[i].prev;
	return i;
}

/* An event's time beside its index, so sorting never reads the store
 * (whose older events may be on disk) more than once per event. */
struct timed {
	uint64_t ts;
	uint32_t idx;
};

/* Order by timestamp, then by index (a stable sort). */
static int timed_cmp(const void *pa, const void *pb)
{
	const struct timed *a = pa, *b = pb;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Sort n event indices by time (stable); read in ascending order, they
 * read the store front to back. */
void timeline_sort(const struct store *s, uint32_t *v, size_t n)
{
	struct timed *t = xreallocarray(NULL, n ? n : 1, sizeof(*t));

	for (size_t i = 0; i < n; i++) {
		t[i].ts = store_get(s, v[i])->ts;
		t[i].idx = v[i];
	}
	qsort(t, n, sizeof(*t), timed_cmp);
	for (size_t i = 0; i < n; i++)
		v[i] = t[i].idx;
	free(t);
}

/* Are the stored events in time order already? */
bool timeline_in_order(const struct store *s)
{
	size_t n = store_count(s);
	uint64_t prev = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t ts = store_get(s, i)->ts;

		if (ts < prev)
			return false;
		prev = ts;
	}
	return true;
}

/* Indices of all stored events sorted by time (stable), or NULL when the
 * store is in time order already; caller frees. */
uint32_t *timeline_order(const struct store *s)
{
	size_t n = store_count(s);
	uint32_t *v;

	if (timeline_in_order(s))
		return NULL;
	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (uint32_t)i;
	timeline_sort(s, v, n);
	return v;
}

/* Latency in ns of a CAT_LAT event, else 0. */
uint64_t timeline_latency(const struct sevent *e)
{
	return e->cat == CAT_LAT && e->val > 0 ? (uint64_t)e->val : 0;
}
