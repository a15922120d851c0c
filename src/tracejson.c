/* tracejson.c - the --trace-json sink (Chrome/Perfetto Trace Event Format).
 *
 * Every process is a trace process and every thread a trace thread, named
 * by M events and kept in the report's lane order.  Each thread gets one X
 * slice for its lifetime (from the start of its first call) so that
 * fork/clone flow arrows (s on the parent, f on the child) have slices to
 * bind to; events of a system call whose entry was seen become X slices
 * inside it, from entry to exit, kept well nested (see span); everything
 * else is a thread instant.  Heap and mmap sizes are
 * C counters per process; scheduler and block latencies are async b/e
 * pairs ending at the event's time.  Times are microseconds since the
 * start.  This file must never emit a string except through json_str.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fbuf.h"
#include "fmt.h"
#include "json.h"
#include "stackfmt.h"
#include "timeline.h"
#include "strbuf.h"
#include "sysent.h"
#include "tracejson.h"
#include "util.h"

#define SPAN_DEPTH 32            /* slices remembered per thread for nesting */

/* The outermost X slices of one thread so far: disjoint, in time order.
 * Older ones are forgotten in halves; floor is where the last forgotten
 * one ended, and no new slice may start before it. */
struct spans {
	uint64_t start[SPAN_DEPTH], end[SPAN_DEPTH];
	size_t n;
	uint64_t floor;
};

struct tw {
	struct fbuf out;
	const struct model *m;
	const struct store *s;
	struct timeline lanes;
	int64_t *mmap;            /* per lane (leaders used): mapped bytes */
	uint64_t *life_start;     /* per lane: start of its lifetime slice */
	struct spans *spans;      /* per lane: slices for nesting */
	uint64_t next_id;
	bool first;
	const struct stackkeep *stacks;   /* --stack: stored events' stacks, or NULL */
	uint32_t idx;             /* the stored event being written */
};

/* ns as microseconds with three decimals. */
static void put_us(struct strbuf *sb, uint64_t ns)
{
	strbuf_addf(sb, "%" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
}

/* Start an event object: {"ph":"X","pid":P,"tid":T,"ts":US */
static void ev_open(struct tw *w, char ph, int pid, int tid, uint64_t ts)
{
	strbuf_addstr(&w->out.sb, w->first ? "\n{\"ph\":\"" : ",\n{\"ph\":\"");
	w->first = false;
	strbuf_addf(&w->out.sb, "%c\",\"pid\":%d,\"tid\":%d,\"ts\":", ph, pid, tid);
	put_us(&w->out.sb, ts);
}

/* ,"name":"..." */
static void put_name(struct strbuf *sb, const char *key, const char *s)
{
	strbuf_addf(sb, ",\"%s\":", key);
	json_str(sb, s ? s : "", s ? strlen(s) : 0, 0);
}

/* Last path component of p. */
static const char *base_name(const char *p)
{
	const char *slash = p ? strrchr(p, '/') : NULL;

	return slash ? slash + 1 : p ? p : "";
}

/* Name of a lane's process: "ls" or "pid 1234" when unknown (its pid as
 * its host knew it; the trace's pids stay the model's, unique across the
 * recordings of a replay of several). */
static const char *proc_name(const struct timeline_lane *ln, char *buf, size_t cap)
{
	if (ln->proc && ln->proc->exe && *ln->proc->exe)
		return base_name(ln->proc->exe);
	snprintf(buf, cap, "pid %d", rec_pid_local(ln->pid));
	return buf;
}

/* A process's name in the trace: "ls (1234)", or "alpha: ls (1234)" for a
 * process of host alpha in a replay of several recordings. */
static void proc_title(const struct tw *w, const struct timeline_lane *ln, char *name, size_t cap)
{
	const char *host = model_pid_label(w->m, ln->pid);
	char buf[32];

	snprintf(name, cap, "%.80s%s%s (%d)", host ? host : "", host ? ": " : "",
		 proc_name(ln, buf, sizeof(buf)), rec_pid_local(ln->pid));
}

/* M events naming and ordering one lane's process and thread. */
static void meta_lane(struct tw *w, const struct timeline_lane *ln, size_t idx)
{
	char buf[32], name[300];

	if (!ln->thread) {
		proc_title(w, ln, name, sizeof(name));
		ev_open(w, 'M', ln->pid, ln->pid, 0);
		strbuf_addstr(&w->out.sb, ",\"name\":\"process_name\",\"args\":{\"name\":");
		json_cstr(&w->out.sb, name);
		strbuf_addf(&w->out.sb, "}},\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"ts\":0,"
			    "\"name\":\"process_sort_index\",\"args\":{\"sort_index\":%zu}}",
			    ln->pid, ln->pid, idx);
	}
	if (ln->thread)
		snprintf(name, sizeof(name), "thread %d", rec_pid_local(ln->tid));
	else
		snprintf(name, sizeof(name), "%s", proc_name(ln, buf, sizeof(buf)));
	ev_open(w, 'M', ln->pid, ln->tid, 0);
	strbuf_addstr(&w->out.sb, ",\"name\":\"thread_name\",\"args\":{\"name\":");
	json_cstr(&w->out.sb, name);
	strbuf_addf(&w->out.sb, "}},\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%d,\"ts\":0,"
		    "\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%zu}}",
		    ln->pid, ln->tid, idx);
}

/* X slice for a lane's whole life, from its first call's start to its last event. */
static void lifetime(struct tw *w, const struct timeline_lane *ln, size_t idx)
{
	char buf[32];
	uint64_t first = w->life_start[idx];
	uint64_t end = ln->last > first ? ln->last : first + 1;

	ev_open(w, 'X', ln->pid, ln->tid, first);
	strbuf_addstr(&w->out.sb, ",\"dur\":");
	put_us(&w->out.sb, end - first);
	strbuf_addstr(&w->out.sb, ",\"cat\":\"proc\"");
	if (ln->thread) {
		strbuf_addf(&w->out.sb, ",\"name\":\"thread %d\"", rec_pid_local(ln->tid));
	} else {
		put_name(&w->out.sb, "name", proc_name(ln, buf, sizeof(buf)));
		strbuf_addstr(&w->out.sb, ",\"args\":{\"exe\":");
		json_cstr(&w->out.sb, ln->proc ? ln->proc->exe : NULL);
		strbuf_addch(&w->out.sb, '}');
	}
	strbuf_addch(&w->out.sb, '}');
}

/* Args key of the field a stored event's type keeps in slot (def: it keeps none). */
static const char *slot_key(const struct sevent *e, unsigned slot, const char *def)
{
	const char *k = evdesc_field(evdesc_of(e->type)->slot[slot])->key;

	return k ? k : def;
}

/* ,"stack":["func+0xOFF (file:line) in module"...], innermost first. */
static void stack_arg(struct strbuf *sb, const struct rec_stack *st)
{
	struct strbuf line;
	char *nl, *at;

	strbuf_init(&line, 256);
	stackfmt_text(&line, st, "");
	strbuf_addstr(sb, ",\"stack\":[");
	for (at = line.buf; at && *at; at = nl ? nl + 1 : NULL) {
		nl = strchr(at, '\n');
		if (at != line.buf)
			strbuf_addch(sb, ',');
		json_str(sb, at, nl ? (size_t)(nl - at) : strlen(at), 0);
	}
	strbuf_addch(sb, ']');
	strbuf_release(&line);
}

/* "args":{...} with an event's non-zero fields. */
static void event_args(struct tw *w, const struct sevent *e)
{
	struct strbuf *sb = &w->out.sb;

	strbuf_addf(sb, ",\"args\":{\"%s\":%d", slot_key(e, SLOT_FD, "fd"),
		    e->type == EV_FORK || e->type == EV_THREAD ? rec_pid_local(e->fd) : e->fd);
	if (e->flags & SEV_FAILED)
		put_name(sb, "error", fmt_errno_name((int)-e->val));
	else if (e->val)
		strbuf_addf(sb, ",\"%s\":%" PRId64, slot_key(e, SLOT_VAL, "bytes"), e->val);
	if (e->addr)
		strbuf_addf(sb, ",\"addr\":\"0x%" PRIx64 "\"", e->addr);
	if (e->kind)
		put_name(sb, "kind", model_kind_name(e->kind));
	if (e->str)
		put_name(sb, "target", store_str(w->s, e->str));
	if (e->str2)
		put_name(sb, "target2", store_str(w->s, e->str2));
	if (w->stacks && stackkeep_get(w->stacks, w->idx))
		stack_arg(sb, stackkeep_get(w->stacks, w->idx));
	strbuf_addch(sb, '}');
}

/* Name of an event: its type, or the syscall's own name for raw ones. */
static const char *event_name(const struct sevent *e)
{
	const char *n = NULL;

	if (e->type == EV_SYSCALL)
		n = sysent_name(e->addr == ARCH_I386, e->fd);
	return n ? n : evdesc_name(e->type);
}

/* Common tail of an event: name, category and args. */
static void event_tail(struct tw *w, const struct sevent *e)
{
	char name[64];

	snprintf(name, sizeof(name), "%s%s", event_name(e),
		 e->flags & SEV_FAILED ? " (failed)" : "");
	put_name(&w->out.sb, "name", name);
	put_name(&w->out.sb, "cat", evdesc_cat_name(e->cat));
	event_args(w, e);
	strbuf_addch(&w->out.sb, '}');
}

/* Start of a slice [start, end) made to nest with the earlier slices of
 * its thread, which all end at or before end (events come in time order):
 * those starting at or after start fall inside it; one still open at start
 * moves start to its end, so slices never overlap partially.  One thread's
 * calls do not overlap, but the several events of one call do (exactly),
 * and equal clock readings or an entry time left from a call whose exit
 * was never seen could. */
static uint64_t nest(struct spans *sp, uint64_t start, uint64_t end)
{
	while (sp->n && sp->start[sp->n - 1] >= start)
		sp->n--;
	if (sp->n && sp->end[sp->n - 1] > start)
		start = sp->end[sp->n - 1];
	if (start < sp->floor)
		start = sp->floor;
	if (start > end)
		start = end;
	if (sp->n == SPAN_DEPTH) {
		sp->floor = sp->end[SPAN_DEPTH / 2 - 1];
		sp->n = SPAN_DEPTH / 2;
		memmove(sp->start, sp->start + sp->n, sp->n * sizeof(*sp->start));
		memmove(sp->end, sp->end + sp->n, sp->n * sizeof(*sp->end));
	}
	sp->start[sp->n] = start;
	sp->end[sp->n++] = end;
	return start;
}

/* A timed system call as an X slice ending at the event. */
static void span(struct tw *w, const struct sevent *e, size_t lane, uint64_t dur)
{
	uint64_t start = nest(&w->spans[lane], e->ts > dur ? e->ts - dur : 0, e->ts);

	ev_open(w, 'X', e->pid, e->tid, start);
	strbuf_addstr(&w->out.sb, ",\"dur\":");
	put_us(&w->out.sb, e->ts - start);
	event_tail(w, e);
}

/* A latency as an async b/e pair ending at the event. */
static void latency(struct tw *w, const struct sevent *e, uint64_t lat)
{
	uint64_t id = ++w->next_id;
	uint64_t start = e->ts > lat ? e->ts - lat : 0;
	const char *name = event_name(e);

	ev_open(w, 'b', e->pid, e->tid, start);
	strbuf_addf(&w->out.sb, ",\"id\":%" PRIu64, id);
	event_tail(w, e);
	ev_open(w, 'e', e->pid, e->tid, e->ts);
	strbuf_addf(&w->out.sb, ",\"id\":%" PRIu64, id);
	put_name(&w->out.sb, "cat", evdesc_cat_name(e->cat));
	put_name(&w->out.sb, "name", name);
	strbuf_addch(&w->out.sb, '}');
}

/* A flow arrow from the forking thread to the new task's lifetime. */
static void flow(struct tw *w, const struct sevent *e)
{
	uint64_t id = ++w->next_id;
	int child_pid = e->type == EV_FORK ? e->fd : e->pid;
	const char *name = e->type == EV_FORK ? "fork" : "clone";

	ev_open(w, 's', e->pid, e->tid, e->ts);
	strbuf_addf(&w->out.sb, ",\"id\":%" PRIu64 ",\"cat\":\"proc\",\"name\":\"%s\"}", id, name);
	ev_open(w, 'f', child_pid, e->fd, e->ts);
	strbuf_addf(&w->out.sb, ",\"id\":%" PRIu64 ",\"bp\":\"e\",\"cat\":\"proc\",\"name\":\"%s\"}",
		    id, name);
}

/* C counter of a process: {"name":"heap","args":{"bytes":N}}. */
static void counter(struct tw *w, const struct sevent *e, const char *name, int64_t v)
{
	ev_open(w, 'C', e->pid, e->pid, e->ts);
	strbuf_addf(&w->out.sb, ",\"name\":\"%s\",\"args\":{\"bytes\":%" PRId64 "}}", name,
		    v < 0 ? 0 : v);
}

/* Heap and mmap counters an event (in lane) changes. */
static void counters(struct tw *w, const struct sevent *e, size_t lane)
{
	size_t p = w->lanes.v[lane].owner;

	if (e->flags & SEV_FAILED)
		return;
	if (e->type == EV_BRK)
		counter(w, e, "heap", e->val);
	if (e->type != EV_MMAP && e->type != EV_MUNMAP)
		return;
	w->mmap[p] += e->type == EV_MMAP ? e->val : -e->val;
	counter(w, e, "mmap", w->mmap[p]);
}

/* Everything stored event idx becomes. */
static void event(struct tw *w, uint32_t idx)
{
	const struct sevent *e = store_get(w->s, idx);
	size_t lane = timeline_lane_of(&w->lanes, e, idx);
	uint64_t lat = timeline_latency(e), dur = lat ? 0 : store_dur(w->s, idx);

	w->idx = idx;
	if (dur)
		span(w, e, lane, dur);
	else if (lat)
		latency(w, e, lat);
	else {
		ev_open(w, 'i', e->pid, e->tid, e->ts);
		strbuf_addstr(&w->out.sb, ",\"s\":\"t\"");
		event_tail(w, e);
	}
	if ((e->type == EV_FORK || e->type == EV_THREAD) && e->fd > 0)
		flow(w, e);
	counters(w, e, lane);
	fbuf_step(&w->out);
}

/* Where each lane's lifetime slice starts: its first event, or earlier
 * when a call that ended later began before it, so every slice fits. */
static void life_starts(struct tw *w)
{
	size_t n = store_count(w->s);

	w->life_start = xcalloc(w->lanes.n + 1, sizeof(*w->life_start));
	for (size_t i = 0; i < w->lanes.n; i++)
		w->life_start[i] = w->lanes.v[i].first;
	for (size_t i = 0; i < n; i++) {
		const struct sevent *e = store_get(w->s, i);
		uint64_t dur = timeline_latency(e) ? 0 : store_dur(w->s, i);
		size_t lane = timeline_lane_of(&w->lanes, e, i);
		uint64_t start = e->ts > dur ? e->ts - dur : 0;

		if (dur && start < w->life_start[lane])
			w->life_start[lane] = start;
	}
}

/* The whole document. */
static void document(struct tw *w)
{
	size_t n = store_count(w->s);
	uint32_t *order = timeline_order(w->s);

	strbuf_addstr(&w->out.sb, "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"tool\":");
	json_str(&w->out.sb, PACKAGE_STRING, strlen(PACKAGE_STRING), 0);
	strbuf_addstr(&w->out.sb, "},\"traceEvents\":[");
	w->first = true;
	for (size_t i = 0; i < w->lanes.n; i++) {
		meta_lane(w, &w->lanes.v[i], i);
		lifetime(w, &w->lanes.v[i], i);
	}
	for (size_t i = 0; i < n; i++)
		event(w, order ? order[i] : (uint32_t)i);
	strbuf_addstr(&w->out.sb, "\n]}\n");
	fbuf_flush(&w->out);
	free(order);
}

/* Bytes the writer needs besides the store. */
size_t tracejson_scratch(const struct store *s)
{
	size_t n = store_count(s);

	return timeline_in_order(s) ? 0 : n * (sizeof(uint32_t) + 16);
}

/* Write the trace export to an open stream. */
int tracejson_emit(const struct model *m, const struct store *s, FILE *f)
{
	return tracejson_emit_stacks(m, s, NULL, f);
}

int tracejson_emit_stacks(const struct model *m, const struct store *s,
			  const struct stackkeep *stacks, FILE *f)
{
	struct tw w = { .m = m, .s = s, .stacks = stacks };
	int err;

	fbuf_init(&w.out, f);
	timeline_build(&w.lanes, m, s);
	w.mmap = xcalloc(w.lanes.n + 1, sizeof(*w.mmap));
	w.spans = xcalloc(w.lanes.n + 1, sizeof(*w.spans));
	life_starts(&w);
	document(&w);
	free(w.mmap);
	free(w.spans);
	free(w.life_start);
	timeline_release(&w.lanes);
	err = fbuf_release(&w.out);
	if (!err && ferror(f))
		err = -EIO;
	return err;
}

/* Write the trace export to path (created or truncated). */
int tracejson_write(const struct model *m, const struct store *s, const char *path)
{
	return tracejson_write_stacks(m, s, NULL, path);
}

int tracejson_write_stacks(const struct model *m, const struct store *s,
			   const struct stackkeep *stacks, const char *path)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = tracejson_emit_stacks(m, s, stacks, f);
	if (fflush(f) != 0 && !err)
		err = -errno;
	if (fclose(f) != 0 && !err)
		err = -errno;
	return err;
}
