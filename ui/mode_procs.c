/* mode_procs.c - the process tree with per-process totals.
 *
 * Rows are the model's processes in tree order (children under their
 * parent, in order of creation) until sorted by a column.  Enter selects a
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
	size_t *stack, *depths;  /* scratch for the walk (n entries each) */
};

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
		const struct proc *p = tr->p[k];
		const struct pstat *ps = objstat_proc(&a->obj, p->pid);
		uint64_t end = p->exited ? p->end_ts : model_duration(a->model);
		struct trow *r = table_add(t, k);

		r->pid = p->pid;
		r->depth = (int)d;
		r->text = short_name(p);
		r->key[C_EVENTS] = ps ? (double)ps->events : 0;
		r->key[C_READ] = ps ? (double)ps->rd : 0;
		r->key[C_WRITTEN] = ps ? (double)ps->wr : 0;
		r->key[C_LIFE] = end > p->start_ts ? (double)(end - p->start_ts) : 0;
		r->key[C_EXIT] = p->exited ? p->status : -1;
		/* Children are pushed, then reversed, so they come out in order. */
		for (c = tr->first[k]; c < tr->n; c = tr->next[c]) {
			stack[top] = c;
			depths[top++] = d + 1;
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
	for (size_t i = 0; i < tr.n; i++) {
		size_t parent = (size_t)(uintptr_t)imap_get(&at, (uint32_t)tr.p[i]->ppid);

		tr.first[i] = tr.next[i] = tr.n;
		/* A parent is the newest process with that pid created before the child. */
		if (parent && tr.p[i]->ppid != tr.p[i]->pid) {
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
		if (tr.next[i] == tr.n + 1) {
			tr.next[i] = tr.n;
			add_subtree(a, t, &tr, i, 0);
		}
	imap_release(&at);
	free(tr.first);
	free(tr.next);
	free(tr.stack);
	free(tr.depths);
	free(last);
}

/* The exit column. */
static void exit_text(const struct proc *p, char *buf, size_t cap)
{
	char w[48];

	snprintf(buf, cap, "%s", p->exited ? fmt_wait_status(p->status, w) : "running");
}

/* Column c of row r. */
static void cell(const struct app *a, const struct trow *r, size_t c, char *buf, size_t cap)
{
	size_t n;
	struct proc *const *p = model_procs(a->model, &n);
	bool tree = a->tabs[MODE_PROCS].sort < 0;

	switch (c) {
	case C_PROC:
		snprintf(buf, cap, "%s%*s%s%d %s", mode_pid(a) == r->pid ? "*" : " ",
			 tree ? r->depth * 2 : 0, "", tree && r->depth ? (a->utf8 ? "└─" : "`-") : "",
			 r->pid, r->text);
		break;
	case C_EVENTS: mode_count(r->key[c], buf, cap); break;
	case C_LIFE: mode_ns(r->key[c], buf, cap); break;
	case C_EXIT: exit_text(p[r->id], buf, cap); break;
	default: mode_bytes(r->key[c], buf, cap); break;
	}
}

/* Enter: show this process alone everywhere (again: everyone). */
static unsigned open_row(struct app *a, const struct trow *r)
{
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
	size_t n;

	model_procs(a->model, &n);
	if (pid)
		snprintf(buf, cap, "%zu processes; * = the one every view shows (Enter on it: all).", n);
	else
		snprintf(buf, cap, "%zu processes.  Enter: show one alone in every view.  "
			 "Read/written: all its fds.", n);
}

const struct mode_ops mode_procs = {
	.name = "Processes", .enter = "select", .cols = cols, .ncols = C_N, .sort = -1,
	.asc = false, .build = build, .cell = cell, .open = open_row, .note = note,
};
