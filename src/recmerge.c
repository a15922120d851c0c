/* recmerge.c - several recordings read as one, merged by time.
 *
 * Each part's clock is moved onto the earliest part's: a record's time
 * becomes its time since its own start record plus how much later (wall
 * clock, from the start record) that part began.  Parts are merged by
 * that time, earliest first (ties go to the part named first), so the
 * model sees one run of records whose processes come from several hosts:
 * every pid and tid of part i gets i above its pid bits (record.h), so two
 * hosts' pid 1 stay two processes.  A part that is damaged ends there;
 * the others play on and the damage is said at the end.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recmerge.h"
#include "record.h"
#include "recording.h"
#include "util.h"

struct part {
	struct recording *rec;    /* owned */
	const struct rec_hdr *next;   /* its record not given out yet (its buffer), or NULL */
	size_t next_len;
	bool over;                /* no record left (or damaged: why) */
	int64_t shift;            /* added to its times */
	const char *name;         /* what the user called it (not owned) */
	char label[80];
	char why[256];
	uint64_t first_wall;      /* its start record's wall clock (ns) */
	uint64_t first_ts;        /* its start record's time */
};

struct recmerge {
	struct part *parts;
	size_t n;
	unsigned run;             /* the part of the record given out last */
	const char **labels;      /* parts[i].label, for recmerge_labels */
	uint64_t out[REC_MAX / 8];   /* that record, moved onto the merged clock */
};

/* Read part p's next record, if one can be read now; a damaged part is
 * over, with its reason kept. */
static void part_fetch(struct part *p)
{
	const void *rec;
	int got;

	if (p->next || p->over || !recording_ready(p->rec))
		return;
	got = recording_next(p->rec, &rec, &p->next_len, p->why, sizeof(p->why));
	p->next = got > 0 ? rec : NULL;
	p->over = got <= 0;
}

/* Wait for part p's start record and take its clock; -1 with why when it
 * has none. */
static int part_start(struct part *p, char *why, size_t whylen)
{
	const struct rec_start *s;

	while (!p->next && !p->over) {
		part_fetch(p);
		if (!p->next && !p->over)
			poll(NULL, 0, 20);   /* (a stream or a file not written yet) */
	}
	if (!p->next || p->next->type != REC_START) {
		snprintf(why, whylen, "%s: %s", p->name,
			 p->why[0] ? p->why : "the recording has no start record");
		return -1;
	}
	s = rec_payload(p->next);
	p->first_wall = s->realtime_ns;
	p->first_ts = p->next->ts;
	return 0;
}

/* Labels: each part's host name, made unique with "#2", "#3"... */
static void make_labels(struct recmerge *g)
{
	for (size_t i = 0; i < g->n; i++) {
		const char *host = recording_host(g->parts[i].rec);
		unsigned same = 1;

		for (size_t j = 0; j < i; j++)
			same += !strcmp(recording_host(g->parts[j].rec), host);
		if (same > 1)
			snprintf(g->parts[i].label, sizeof(g->parts[i].label), "%s#%u",
				 host[0] ? host : "?", same);
		else
			snprintf(g->parts[i].label, sizeof(g->parts[i].label), "%s", host[0] ? host : "?");
		g->labels[i] = g->parts[i].label;
	}
}

struct recmerge *recmerge_new(struct recording **recs, char *const *names, size_t n,
			      char *why, size_t whylen)
{
	struct recmerge *g = xcalloc(1, sizeof(*g));
	size_t base = 0;

	g->parts = xcalloc(n, sizeof(*g->parts));
	g->labels = xcalloc(n + 1, sizeof(*g->labels));
	g->n = n;
	for (size_t i = 0; i < n; i++) {
		g->parts[i].rec = recs[i];
		g->parts[i].name = names[i];
	}
	for (size_t i = 0; i < n; i++) {
		if (part_start(&g->parts[i], why, whylen) < 0) {
			recmerge_free(g);
			return NULL;
		}
		if (g->parts[i].first_wall < g->parts[base].first_wall)
			base = i;
	}
	/* The earliest part keeps its clock; the others start as much later
	 * on it as they did on the wall clock. */
	for (size_t i = 0; i < n; i++) {
		struct part *p = &g->parts[i], *b = &g->parts[base];

		p->shift = (int64_t)(p->first_wall - b->first_wall) + (int64_t)b->first_ts -
			   (int64_t)p->first_ts;
	}
	make_labels(g);
	return g;
}

/* t moved by shift, never below 0. */
static uint64_t shifted(uint64_t t, int64_t shift)
{
	return shift < 0 && t < (uint64_t)-shift ? 0 : t + (uint64_t)shift;
}

/* A pid or tid of part run. */
static int32_t run_pid(int32_t pid, unsigned run)
{
	return pid > 0 ? pid | (int32_t)(run << REC_RUN_SHIFT) : pid;
}

/* Copy part p's (the run-th) record out, on the merged clock, its pids
 * its run's. */
static const struct rec_hdr *give_out(struct recmerge *g, struct part *p, unsigned run)
{
	struct rec_hdr *h = (struct rec_hdr *)g->out;
	void *pl = h + 1;

	memcpy(h, p->next, p->next_len);
	p->next = NULL;
	h->ts = shifted(h->ts, p->shift);
	h->tid = run_pid(h->tid, run);
	h->tgid = run_pid(h->tgid, run);
	switch (h->type) {
	case REC_START:
		((struct rec_start *)pl)->pid = run_pid(((struct rec_start *)pl)->pid, run);
		((struct rec_start *)pl)->tracer_pid = run_pid(((struct rec_start *)pl)->tracer_pid, run);
		break;
	case REC_NEWTASK:
		((struct rec_newtask *)pl)->child = run_pid(((struct rec_newtask *)pl)->child, run);
		break;
	case REC_EXEC:
		((struct rec_exec *)pl)->old_tid = run_pid(((struct rec_exec *)pl)->old_tid, run);
		break;
	case REC_HIST:
		((struct rec_hist *)pl)->pid = run_pid(((struct rec_hist *)pl)->pid, run);
		break;
	case REC_SYSCALL:
		if (((struct rec_syscall *)pl)->entry_ts)
			((struct rec_syscall *)pl)->entry_ts =
				shifted(((struct rec_syscall *)pl)->entry_ts, p->shift);
		break;
	default:
		break;
	}
	g->run = run;
	return h;
}

int recmerge_next(struct recmerge *g, const void **rec, size_t *len, char *why, size_t whylen)
{
	struct part *best = NULL;

	for (size_t i = 0; i < g->n; i++) {
		struct part *p = &g->parts[i];

		part_fetch(p);
		if (!p->next && !p->over)
			return 0;   /* (recmerge_ready said no: the caller waits) */
		if (p->next && (!best || shifted(p->next->ts, p->shift) <
					 shifted(best->next->ts, best->shift)))
			best = p;
	}
	if (!best) {
		/* All over: the first damage is what ended the replay. */
		for (size_t i = 0; i < g->n; i++)
			if (g->parts[i].why[0]) {
				snprintf(why, whylen, "%s: %s", g->parts[i].name, g->parts[i].why);
				return -1;
			}
		return 0;
	}
	*rec = give_out(g, best, (unsigned)(best - g->parts));
	*len = ((const struct rec_hdr *)*rec)->len;
	return 1;
}

bool recmerge_ready(struct recmerge *g)
{
	for (size_t i = 0; i < g->n; i++) {
		part_fetch(&g->parts[i]);
		if (!g->parts[i].next && !g->parts[i].over)
			return false;
	}
	return true;
}

int recmerge_stream_fd(const struct recmerge *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (!g->parts[i].next && !g->parts[i].over)
			return recording_stream_fd(g->parts[i].rec);
	return -1;
}

bool recmerge_live(const struct recmerge *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (recording_live(g->parts[i].rec))
			return true;
	return false;
}

size_t recmerge_torn(const struct recmerge *g)
{
	size_t torn = 0;

	for (size_t i = 0; i < g->n; i++)
		torn += recording_torn(g->parts[i].rec);
	return torn;
}

uint32_t recmerge_version(const struct recmerge *g)
{
	uint32_t v = UINT32_MAX;

	for (size_t i = 0; i < g->n; i++)
		if (recording_version(g->parts[i].rec) < v)
			v = recording_version(g->parts[i].rec);
	return v;
}

int recmerge_rewind(struct recmerge *g)
{
	int err;

	for (size_t i = 0; i < g->n; i++)
		if (recording_stream_fd(g->parts[i].rec) >= 0)
			return -ESPIPE;
	for (size_t i = 0; i < g->n; i++) {
		struct part *p = &g->parts[i];

		if ((err = recording_rewind(p->rec)) < 0)
			return err;
		p->next = NULL;
		p->over = false;
		p->why[0] = '\0';
	}
	return 0;
}

unsigned recmerge_run(const struct recmerge *g)
{
	return g->run;
}

char *const *recmerge_labels(const struct recmerge *g, size_t *n)
{
	*n = g->n;
	return (char *const *)g->labels;
}

void recmerge_free(struct recmerge *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		recording_close(g->parts[i].rec);
	free(g->parts);
	free(g->labels);
	free(g);
}
