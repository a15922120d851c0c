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
		free(l->v[i]->cell_n);
		free(l->v[i]->cell_cat);
		free(l->v[i]);
	}
	free(l->v);
	free(l->order);
	free(l->rorder);
	free(l->rows);
	free(l->open);
	imap_release(&l->by_tid);
	imap_release(&l->groups);
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

	l->gen++;
	ln->pid = pid;
	ln->tid = tid;
	ln->thread = tid != pid;
	ln->start = ts;
	ln->id = l->n;
	ln->proc = ln->id;
	ln->first_idx = l->tracked;
	ln->parent = LANE_NONE;
	ln->row = ln->next = LANE_NONE;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
		l->order = xreallocarray(l->order, l->cap, sizeof(*l->order));
		l->rorder = xreallocarray(l->rorder, l->cap, sizeof(*l->rorder));
		l->rows = xreallocarray(l->rows, l->cap, sizeof(*l->rows));
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
		if (!ln->thread)
			ln->parent = parent->proc;
		l->order_dirty = true;
		return;
	}
	ln = child_lane(l, e->fd, e->fd, e->ts);
	snprintf(ln->name, sizeof(ln->name), "%s", l->v[parent->proc]->name);
	if (ln->id != parent->proc)
		ln->parent = parent->proc;
}

/* Update lanes for the next stored event. */
struct lane *lanes_track(struct lanes *l, const struct store *s, const struct sevent *e)
{
	struct lane *ln = task_lane(l, e->pid, e->tid, e->ts), *p = l->v[ln->proc];

	switch (e->type) {
	case EV_FORK: case EV_THREAD:
		l->gen++;
		if (e->fd > 0)
			track_new(l, e, ln);
		l->last = ln;
		break;
	case EV_EXEC:
		l->gen++;
		set_name(p->name, sizeof(p->name), store_str(s, e->str));
		l->order_dirty = true;   /* a new name: maybe another group */
		end_threads(l, p, e->ts);
		break;
	case EV_EXIT:
		l->gen++;
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
	l->gen++;
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

/* Hash of a group's key: the parent's lane and the name. */
static uint64_t group_hash(size_t parent, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ parent;

	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ *c) * 1099511628211ull;
	return (h * 1099511628211ull) | 1;
}

/* The opened group of (parent, name): its index in l->open, or -1. */
static long open_find(const struct lanes *l, size_t parent, const char *name)
{
	for (size_t i = 0; i < l->nopen; i++)
		if (l->open[i].parent == parent && !strcmp(l->open[i].name, name))
			return (long)i;
	return -1;
}

/* Put every shown process lane in its group; hidden lanes get row LANE_NONE. */
static void group_lanes(struct lanes *l, lanes_shown_fn shown, void *ctx)
{
	imap_clear(&l->groups);
	for (size_t i = 0; i < l->n; i++) {
		struct lane *ln = l->v[i], *first;
		uint64_t h;

		ln->row = ln->next = ln->tail = LANE_NONE;
		ln->group = i;
		ln->gsize = 1;
		ln->members = 0;
		ln->folded = false;
		if (!shown(ln->pid, ctx)) {
			ln->gsize = 0;
			continue;
		}
		ln->row = i;
		if (ln->thread || ln->parent == LANE_NONE)
			continue;
		h = group_hash(ln->parent, ln->name);
		first = imap_get(&l->groups, h);
		if (!first) {
			imap_put(&l->groups, h, ln);
		} else if (first->parent == ln->parent && !strcmp(first->name, ln->name)) {
			ln->group = first->id;   /* a hash collision keeps a group of its own */
			first->gsize++;
		}
	}
}

/* Is process lane p inside a folded row: its group's, or an ancestor's? */
static bool fold_process(struct lanes *l, struct lane *p)
{
	struct lane *g = l->v[p->group];
	size_t up = p->parent;

	/* Parents come before their children (lanes_rows goes in creation
	 * order), but for a lane made by a sample and taken over by its fork
	 * later: that one is not folded into its parent's row. */
	if (up != LANE_NONE && up < p->id && l->v[up]->folded && l->v[up]->row != LANE_NONE) {
		p->row = l->v[up]->row;
		return true;
	}
	if (g->gsize >= 2 && open_find(l, g->parent, g->name) < 0) {
		p->row = g->id;
		return true;
	}
	return false;
}

/* Decide each shown lane's row: its own, or the folded row it is drawn in. */
static void fold_lanes(struct lanes *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct lane *ln = l->v[i];

		if (ln->row == LANE_NONE)
			continue;
		if (ln->thread) {
			struct lane *p = l->v[ln->proc];
			if (p->folded && p->row != LANE_NONE) {
				ln->row = p->row;
				ln->folded = true;
			}
			continue;
		}
		ln->folded = fold_process(l, ln);
	}
	/* A thread lane made before its process lane's row was known. */
	for (size_t i = 0; i < l->n; i++) {
		struct lane *ln = l->v[i], *p = l->v[ln->proc];

		if (ln->thread && !ln->folded && ln->row != LANE_NONE && p->folded && p->row != LANE_NONE) {
			ln->row = p->row;
			ln->folded = true;
		}
	}
}

/* Chain the lanes of each row and take the folded rows' counts and lifetimes. */
static void chain_rows(struct lanes *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct lane *ln = l->v[i], *r;

		if (ln->row == LANE_NONE)
			continue;
		r = l->v[ln->row];
		if (ln->row == i) {
			r->tail = i;
			r->nlanes = 1;
			r->ustart = ln->start;
			r->uend = ln->end;
			r->uended = ln->ended;
			r->members = ln->folded ? ln->gsize : 0;
			continue;
		}
		/* rows are made by their first process, which comes before the rest */
		if (r->tail == LANE_NONE) {
			ln->row = LANE_NONE;
			continue;
		}
		l->v[r->tail]->next = i;
		r->tail = i;
		r->nlanes++;
		if (ln->start < r->ustart)
			r->ustart = ln->start;
		r->uended = r->uended && ln->ended;
		if (ln->ended && ln->end > r->uend)
			r->uend = ln->end;
	}
}

/* Where each lane's row sorts: its group's first process, or its process. */
static void set_anchors(struct lanes *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct lane *ln = l->v[i], *p = l->v[ln->proc];

		ln->anchor = l->v[p->group]->gsize >= 2 ? p->group : p->id;
	}
}

/* l->rorder: the lanes by anchor, each anchor's in display order (a
 * bucket per anchor, filled in display order: no sort). */
static void order_rows(struct lanes *l)
{
	size_t n;
	const size_t *order = lanes_order(l, &n);
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		l->v[i]->btail = l->v[i]->bucket = LANE_NONE;
	for (size_t i = 0; i < n; i++) {
		struct lane *ln = l->v[order[i]], *a = l->v[ln->anchor];

		ln->bnext = LANE_NONE;
		if (a->bucket == LANE_NONE)
			a->bucket = order[i];
		else
			l->v[a->btail]->bnext = order[i];
		a->btail = order[i];
	}
	for (size_t a = 0; a < n; a++)
		for (size_t j = l->v[a]->bucket; j != LANE_NONE; j = l->v[j]->bnext)
			l->rorder[k++] = j;
}

/* Fold the shown lanes into rows, in display order. */
size_t lanes_rows(struct lanes *l, lanes_shown_fn shown, void *ctx, size_t *rows)
{
	size_t n = 0;

	if (l->rows_gen == l->gen + 1 && l->nrows <= l->n) {
		if (l->nrows)   /* (no rows yet: l->rows may be NULL) */
			memcpy(rows, l->rows, l->nrows * sizeof(*rows));
		return l->nrows;
	}
	group_lanes(l, shown, ctx);
	fold_lanes(l);
	set_anchors(l);
	order_rows(l);
	chain_rows(l);
	for (size_t i = 0; i < l->n; i++)
		if (l->v[l->rorder[i]]->row == l->rorder[i])
			rows[n++] = l->rorder[i];
	if (n)
		memcpy(l->rows, rows, n * sizeof(*rows));
	l->nrows = n;
	l->rows_gen = l->gen + 1;   /* + 1: a new struct lanes (gen 0) has no rows yet */
	return n;
}

/* The opened group ln is in: the nearest process, ln's own or an
 * ancestor, whose group of two or more is open; NULL if none. */
static struct lane *open_group_of(struct lanes *l, const struct lane *ln)
{
	const struct lane *p = l->v[ln->proc];

	for (size_t hops = 0; p && hops < l->n; hops++) {
		const struct lane *g = l->v[p->group];

		if (g->gsize >= 2 && open_find(l, g->parent, g->name) >= 0)
			return l->v[g->id];
		p = p->parent != LANE_NONE ? l->v[p->parent] : NULL;
	}
	return NULL;
}

/* Open the folded row ln, or fold again the opened group ln is in. */
size_t lanes_fold(struct lanes *l, const struct lane *ln, bool open)
{
	struct lane *g;
	long k;

	if (open) {
		if (ln->members < 2 || ln->row != ln->id)
			return LANE_NONE;
		g = l->v[ln->group];
		if (l->nopen == l->open_cap) {
			l->open_cap = l->open_cap ? l->open_cap * 2 : 8;
			l->open = xreallocarray(l->open, l->open_cap, sizeof(*l->open));
		}
		l->gen++;
		l->open[l->nopen].parent = g->parent;
		snprintf(l->open[l->nopen++].name, sizeof(l->open->name), "%s", g->name);
		return g->id;
	}
	g = open_group_of(l, ln);
	if (!g)
		return LANE_NONE;
	k = open_find(l, g->parent, g->name);
	l->open[k] = l->open[--l->nopen];
	l->gen++;
	return g->id;
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

/* Store index of a shown event in row lane row (below limit) nearest to ts. */
long lanes_row_nearest(const struct lanes *l, const struct lane *row, const struct store *s,
		       size_t limit, uint64_t ts)
{
	long best = -1;
	uint64_t best_d = UINT64_MAX;

	for (const struct lane *ln = row; ln; ln = ln->next != LANE_NONE ? l->v[ln->next] : NULL) {
		long i = lanes_nearest(ln, s, limit, ts);
		uint64_t t, d;

		if (i < 0)
			continue;
		t = store_get(s, (size_t)i)->ts;
		d = t > ts ? t - ts : ts - t;
		if (d < best_d || (d == best_d && i < best)) {
			best = i;
			best_d = d;
		}
	}
	return best;
}

/* Column of time t in w columns of [t0, t0 + span), clamped to [0, w). */
static int col_of(uint64_t t, uint64_t t0, uint64_t span, int w)
{
	if (t <= t0)
		return 0;
	if (t - t0 >= span)
		return w - 1;
	return (int)((t - t0) * (uint64_t)w / span);
}

/* The cells of a row with folded lanes: each lane adds the columns it lived in. */
void lanes_row_cells(const struct lanes *l, const struct lane *row, const struct store *s,
		     size_t limit, uint64_t t0, uint64_t span, int w, size_t *n, int *cat)
{
	size_t *best = xcalloc((size_t)(w > 0 ? w : 1), sizeof(*best));

	for (int c = 0; c < w; c++) {
		n[c] = 0;
		cat[c] = -1;
	}
	for (const struct lane *ln = row; ln; ln = ln->next != LANE_NONE ? l->v[ln->next] : NULL) {
		int lo, hi;

		if (!ln->shown.n || ln->start >= t0 + span || (ln->ended && ln->end < t0))
			continue;
		lo = col_of(ln->start, t0, span, w);
		hi = ln->ended ? col_of(ln->end, t0, span, w) : w - 1;
		for (int c = lo; c <= hi; c++) {
			int k;
			size_t m = lanes_cell(ln, s, limit, t0 + (uint64_t)c * span / (uint64_t)w,
					      t0 + (uint64_t)(c + 1) * span / (uint64_t)w, &k);

			n[c] += m;
			if (m > best[c]) {
				best[c] = m;
				cat[c] = k;
			}
		}
	}
	free(best);
}
