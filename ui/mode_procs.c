/* mode_procs.c - the process tree with per-process totals.
 *
 * Rows are the model's processes in tree order (children under their
 * parent, in order of creation) until sorted by a column.  Children of one
 * parent with the same name fold, as in the swimlane, into one row
 * ("true x150") with the totals of them and everything under them, in the
 * place of the first; Right or Enter opens it, Left folds it again.  Enter selects a
 * process: every other view, the swimlane and the event list then show it
 * alone; Enter on it again shows everyone.  This file must never draw.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fmt.h"
#include "hmap.h"
#include "mode.h"
#include "util.h"

enum { C_PROC, C_EVENTS, C_READ, C_WRITTEN, C_LIFE, C_EXIT, C_N };

static const struct tcol cols[C_N] = {
	[C_PROC] = { "Process", 0, false, true }, [C_EVENTS] = { "Events", 9, true, false },
	[C_READ] = { "Read", 10, true, false }, [C_WRITTEN] = { "Written", 10, true, false },
	[C_LIFE] = { "Lifetime", 9, true, false }, [C_EXIT] = { "Exit", 17, false, false },
};

/* The short name of a process: argv[0] or exe, without the directory. */
static const char *short_name(const struct proc *p)
{
	const char *n = p->argv && p->argv[0] ? p->argv[0] : p->exe ? p->exe : "?";
	const char *slash = strrchr(n, '/');

	return slash && slash[1] ? slash + 1 : n;
}

struct tree {
	struct proc *const *p;
	size_t n;
	size_t *first, *next;    /* first child and next sibling, n for none */
	size_t *parent;          /* parent, n for none */
	size_t *lead, *count;    /* first sibling of the same name; (for it) how many */
	size_t *stack, *depths;  /* scratch for the walk (n entries each) */
	size_t *agg;             /* scratch for a folded row's totals (n entries) */
};

/* Is the group of siblings (parent index, name) open in the tree? */
static long tree_open_find(const struct app *a, size_t parent, const char *name)
{
	for (size_t i = 0; i < a->ntree_open; i++)
		if (a->tree_open[i].parent == parent && !strcmp(a->tree_open[i].name, name))
			return (long)i;
	return -1;
}

/* Is process k folded into its first same-named sibling's row? */
static bool folded(const struct app *a, const struct tree *tr, size_t k)
{
	size_t l = tr->lead[k];

	return tr->count[l] >= 2 && tree_open_find(a, tr->parent[k], short_name(tr->p[k])) < 0;
}

/* Hash of a group of siblings: the parent's index and the name. */
static uint64_t sibling_hash(size_t parent, const char *name)
{
	uint64_t h = 1469598103934665603ull ^ parent;

	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		h = (h ^ *c) * 1099511628211ull;
	return (h * 1099511628211ull) | 1;
}

/* Each child's first sibling of the same name, and each group's size. */
static void group_siblings(struct tree *tr)
{
	struct imap first = { 0 };

	for (size_t k = 0; k < tr->n; k++) {
		size_t s;
		uint64_t h;

		tr->lead[k] = k;
		tr->count[k] = 1;
		if (tr->parent[k] == tr->n)
			continue;
		h = sibling_hash(tr->parent[k], short_name(tr->p[k]));
		s = (size_t)(uintptr_t)imap_get(&first, h);
		if (!s)
			imap_put(&first, h, (void *)(uintptr_t)(k + 1));
		else if (tr->parent[s - 1] == tr->parent[k] &&
			 !strcmp(short_name(tr->p[s - 1]), short_name(tr->p[k]))) {
			tr->lead[k] = s - 1;   /* a hash collision keeps a group of its own */
			tr->count[s - 1]++;
		}
	}
	imap_release(&first);
}

/* Fill row r with the totals of process k alone. */
static void proc_totals(struct app *a, struct trow *r, const struct proc *p)
{
	const struct pstat *ps = objstat_proc(&a->obj, p->pid);

	r->key[C_EVENTS] += ps ? (double)ps->events : 0;
	r->key[C_READ] += ps ? (double)ps->rd : 0;
	r->key[C_WRITTEN] += ps ? (double)ps->wr : 0;
}

/* A folded row: the totals of lead's group and everything under it. */
static void folded_totals(struct app *a, struct trow *r, const struct tree *tr, size_t lead)
{
	uint64_t now = model_duration(a->model), t0 = UINT64_MAX, t1 = 0;
	size_t top = 0;

	for (size_t s = lead; s < tr->n; s = tr->next[s])
		if (tr->lead[s] == lead) {
			tr->agg[top++] = s;
			r->members++;
			r->live += !tr->p[s]->exited;
		}
	while (top) {
		const struct proc *p = tr->p[tr->agg[--top]];
		uint64_t end = p->exited ? p->end_ts : now;

		proc_totals(a, r, p);
		t0 = p->start_ts < t0 ? p->start_ts : t0;
		t1 = end > t1 ? end : t1;
		for (size_t c = tr->first[tr->agg[top]]; c < tr->n; c = tr->next[c])
			tr->agg[top++] = c;
	}
	r->key[C_LIFE] = t1 > t0 ? (double)(t1 - t0) : 0;
	r->key[C_EXIT] = r->live ? -1 : 0;
}

/* Add the row of process k (a folded row when its group is folded). */
static void add_row(struct app *a, struct table *t, const struct tree *tr, size_t k, size_t d,
		    bool fold)
{
	const struct proc *p = tr->p[k];
	uint64_t end = p->exited ? p->end_ts : model_duration(a->model);
	struct trow *r = table_add(t, k);

	r->pid = p->pid;
	r->depth = (int)d;
	r->text = short_name(p);
	r->parent = tr->parent[k] < tr->n ? tr->parent[k] : SIZE_MAX;
	if (fold) {
		folded_totals(a, r, tr, k);
		return;
	}
	proc_totals(a, r, p);
	r->key[C_LIFE] = end > p->start_ts ? (double)(end - p->start_ts) : 0;
	r->key[C_EXIT] = p->exited ? p->status : -1;
}

/* Add process i and its children, depth first. */
static void add_subtree(struct app *a, struct table *t, const struct tree *tr, size_t i, int depth)
{
	/* An explicit stack: a fork chain thousands deep must not overflow ours. */
	size_t *stack = tr->stack, *depths = tr->depths;
	size_t top = 0;

	stack[top] = i;
	depths[top++] = (size_t)depth;
	while (top) {
		size_t k = stack[--top], d = depths[top], c, kids = top;
		bool fold = folded(a, tr, k);

		add_row(a, t, tr, k, d, fold);
		if (fold)
			continue;   /* its children are in the folded row */
		/* Children are pushed, then reversed, so they come out in order,
		 * each group together at its first (of a folded one only that). */
		for (c = tr->first[k]; c < tr->n; c = tr->next[c]) {
			if (tr->lead[c] != c)
				continue;
			stack[top] = c;
			depths[top++] = d + 1;
			if (tr->count[c] < 2 || folded(a, tr, c))
				continue;
			for (size_t s = tr->next[c]; s < tr->n; s = tr->next[s])
				if (tr->lead[s] == c) {
					stack[top] = s;
					depths[top++] = d + 1;
				}
		}
		for (size_t lo = kids, hi = top; hi > lo + 1; lo++, hi--) {
			size_t s = stack[lo];
			stack[lo] = stack[hi - 1];
			stack[hi - 1] = s;
		}
	}
}

/* The processes in tree order. */
static void build(struct app *a, struct table *t, int pid)
{
	struct tree tr;
	struct imap at = { 0 };
	size_t *last;

	(void)pid;
	tr.p = model_procs(a->model, &tr.n);
	tr.first = xcalloc(tr.n + 1, sizeof(size_t));
	tr.next = xcalloc(tr.n + 1, sizeof(size_t));
	last = xcalloc(tr.n + 1, sizeof(size_t));
	tr.stack = xcalloc(tr.n + 1, sizeof(size_t));
	tr.depths = xcalloc(tr.n + 1, sizeof(size_t));
	tr.parent = xcalloc(tr.n + 1, sizeof(size_t));
	tr.lead = xcalloc(tr.n + 1, sizeof(size_t));
	tr.count = xcalloc(tr.n + 1, sizeof(size_t));
	tr.agg = xcalloc(tr.n + 1, sizeof(size_t));
	for (size_t i = 0; i < tr.n; i++) {
		size_t parent = (size_t)(uintptr_t)imap_get(&at, (uint32_t)tr.p[i]->ppid);

		tr.first[i] = tr.next[i] = tr.parent[i] = tr.n;
		/* A parent is the newest process with that pid created before the child. */
		if (parent && tr.p[i]->ppid != tr.p[i]->pid) {
			tr.parent[i] = parent - 1;
			if (tr.first[parent - 1] == tr.n)
				tr.first[parent - 1] = i;
			else
				tr.next[last[parent - 1]] = i;
			last[parent - 1] = i;
			tr.next[i] = tr.n;
		} else {
			tr.next[i] = tr.n + 1;   /* a root */
		}
		imap_put(&at, (uint32_t)tr.p[i]->pid, (void *)(uintptr_t)(i + 1));
	}
	for (size_t i = 0; i < tr.n; i++)
		if (tr.next[i] == tr.n + 1)
			tr.next[i] = tr.n;
	group_siblings(&tr);
	for (size_t i = 0; i < tr.n; i++)
		if (tr.parent[i] == tr.n)
			add_subtree(a, t, &tr, i, 0);
	imap_release(&at);
	free(tr.parent);
	free(tr.lead);
	free(tr.count);
	free(tr.agg);
	free(tr.first);
	free(tr.next);
	free(tr.stack);
	free(tr.depths);
	free(last);
}

/* The exit column (a folded row: how many run). */
static void exit_text(const struct proc *p, const struct trow *r, char *buf, size_t cap)
{
	char w[48];

	if (r->members)
		snprintf(buf, cap, r->live ? "%zu running" : "all exited", r->live);
	else
		snprintf(buf, cap, "%s", p->exited ? fmt_wait_status(p->status, w) : "running");
}

/* Column c of row r. */
static void cell(const struct app *a, const struct trow *r, size_t c, char *buf, size_t cap)
{
	char pb[FMT_PID_MAX];
	size_t n;
	struct proc *const *p = model_procs(a->model, &n);
	bool tree = a->tabs[MODE_PROCS].sort < 0;

	switch (c) {
	case C_PROC:
		if (r->members)
			snprintf(buf, cap, " %*s%s%s%s x%zu", tree ? r->depth * 2 : 0, "",
				 tree && r->depth ? (a->utf8 ? "└─" : "`-") : "", a->utf8 ? "▸" : "+",
				 r->text, r->members);
		else
			snprintf(buf, cap, "%s%*s%s%s %s", mode_pid(a) == r->pid ? "*" : " ",
				 tree ? r->depth * 2 : 0, "", tree && r->depth ? (a->utf8 ? "└─" : "`-") : "",
				 fmt_pid(model_pid_label(a->model, r->pid), r->pid, pb), r->text);
		break;
	case C_EVENTS: mode_count(r->key[c], buf, cap); break;
	case C_LIFE: mode_ns(r->key[c], buf, cap); break;
	case C_EXIT: exit_text(p[r->id], r, buf, cap); break;
	default: mode_bytes(r->key[c], buf, cap); break;
	}
}

/* The row with id in the process table, or NULL. */
static const struct trow *row_by_id(const struct table *t, uint64_t id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].id == id)
			return &t->rows[i];
	return NULL;
}

/* Right (open) on a folded row opens it; Left on a row folds the nearest
 * opened group it is in (its own, or an ancestor's). */
static unsigned fold_row(struct app *a, const struct trow *r, bool open)
{
	struct table *t = &a->tabs[MODE_PROCS];
	size_t hops = 0;
	long k;

	if (open) {
		if (!r->members)
			return 0;
		if (a->ntree_open == a->tree_open_cap) {
			a->tree_open_cap = a->tree_open_cap ? a->tree_open_cap * 2 : 8;
			a->tree_open = xreallocarray(a->tree_open, a->tree_open_cap, sizeof(*a->tree_open));
		}
		a->tree_open[a->ntree_open].parent = r->parent;
		snprintf(a->tree_open[a->ntree_open++].name, sizeof(a->tree_open->name), "%s", r->text);
		snprintf(a->msg, sizeof(a->msg), "%zu rows of %s, one a process (Left folds them)",
			 r->members, r->text);
		t->built = false;
		return APP_CH_DRAW;
	}
	while (r && (k = tree_open_find(a, r->parent, r->text)) < 0 && hops++ < t->n)
		r = r->parent != SIZE_MAX ? row_by_id(t, r->parent) : NULL;
	if (!r || k < 0)
		return 0;
	/* the selection goes to the group's first process, the folded row's id */
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].parent == r->parent && !strcmp(t->rows[i].text, r->text)) {
			t->pos.sel = i;
			break;
		}
	a->tree_open[k] = a->tree_open[--a->ntree_open];
	snprintf(a->msg, sizeof(a->msg), "The processes of %s share one row (Right opens it)", r->text);
	t->built = false;
	return APP_CH_DRAW;
}

/* Enter: open a folded row; else show this process alone everywhere (again: everyone). */
static unsigned open_row(struct app *a, const struct trow *r)
{
	if (r->members)
		return fold_row(a, r, true);
	if (mode_pid(a) == r->pid) {
		mode_all_pids(a);
		snprintf(a->msg, sizeof(a->msg), "Showing every process");
	} else {
		filter_only_pid(&a->view.filter, r->pid);
		snprintf(a->msg, sizeof(a->msg), "Showing process %d alone in every view "
			 "(Enter on it again: every process)", r->pid);
	}
	return APP_CH_FILTER | APP_CH_DRAW;
}

/* What the figures are. */
static void note(const struct app *a, int pid, char *buf, size_t cap)
{
	size_t n, nruns, len = 0;
	const struct model_run *runs = model_runs(a->model, &nruns);
	char per[160] = "";

	model_procs(a->model, &n);

	/* A replay of several recordings: how many came from each. */
	for (size_t i = 0; nruns > 1 && i < nruns && len < sizeof(per); i++)
		len += (size_t)snprintf(per + len, sizeof(per) - len, "%s%s %zu%s", i ? ", " : " (",
					runs[i].label, runs[i].processes, i + 1 == nruns ? ")" : "");
	if (pid)
		snprintf(buf, cap, "%zu processes%s; * = the one every view shows (Enter on it: all).",
			 n, per);
	else
		snprintf(buf, cap, "%zu processes%s.  Enter: show one alone in every view.  "
			 "Read/written: all its fds.  Right/Left: open/fold name xN.", n, per);
}

const struct mode_ops mode_procs = {
	.name = "Processes", .enter = "select", .cols = cols, .ncols = C_N, .sort = -1,
	.asc = false, .build = build, .cell = cell, .open = open_row, .fold = fold_row, .note = note,
};
