/* diff.c - two recorded runs side by side: what one did that the other did not.
 *
 * A recording becomes a model the way --replay makes it (every record read,
 * validated and given to model_ingest), then the two models' aggregates are
 * laid side by side, row by row.  It never re-derives a figure the model
 * keeps, never prints but to the fbuf it is given, and never lets a pid or
 * the random part of a temporary name make two rows of one thing.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "evform.h"
#include "fmt.h"
#include "hmap.h"
#include "fdtable.h"
#include "json.h"
#include "model.h"
#include "record.h"
#include "recording.h"
#include "sysent.h"
#include "sysstat.h"
#include "util.h"
#include "visible.h"

struct diff {
	struct diff_row *rows;
	size_t n, cap;
	struct smap index[DIFF_KINDS];   /* row name -> row index + 1 */
};

/* One event of a run under one row's name. */
struct log_entry {
	enum diff_kind kind;
	char *key;               /* the row's name in this run */
	size_t text;             /* index in texts */
};

struct diff_log {
	struct log_entry *v;
	size_t n, cap;
	char **texts;
	uint64_t *ts;
	size_t ntexts, tcap;
	struct strbuf sb, scratch;
};

struct diff_log *diff_log_new(void)
{
	struct diff_log *l = xcalloc(1, sizeof(*l));

	strbuf_init(&l->sb, 256);
	strbuf_init(&l->scratch, 256);
	return l;
}

void diff_log_free(struct diff_log *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].key);
	for (size_t i = 0; i < l->ntexts; i++)
		free(l->texts[i]);
	free(l->v);
	free(l->texts);
	free(l->ts);
	strbuf_release(&l->sb);
	strbuf_release(&l->scratch);
	free(l);
}

/* File the last text under the row of kind named key. */
static void log_key(struct diff_log *l, enum diff_kind kind, const char *key)
{
	if (!key)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = (struct log_entry){ kind, xstrdup(key), l->ntexts - 1 };
}

/* "proto role peer": the name of a connection's row. */
static void conn_name(struct strbuf *sb, const struct conn *c)
{
	const char *peer = c->accepted ? c->local : c->remote;

	strbuf_reset(sb);
	strbuf_addf(sb, "%s %s %s", model_kind_name(c->kind), c->accepted ? "accept" : "connect",
		    peer ? peer : "?");
}

/* Observer: keep the text of an event under each row it belongs to. */
static void log_event(void *ctx, const struct event *ev)
{
	struct diff_log *l = ctx;
	struct evacc a = { .ev = ev, .scratch = &l->scratch, .utf8 = true };
	const char *name;

	if (l->ntexts >= DIFF_LOG_MAX)
		return;
	strbuf_reset(&l->sb);
	evform_text(&l->sb, &a, false);
	if (l->ntexts == l->tcap) {
		l->tcap = l->tcap ? l->tcap * 2 : 256;
		l->texts = xreallocarray(l->texts, l->tcap, sizeof(*l->texts));
		l->ts = xreallocarray(l->ts, l->tcap, sizeof(*l->ts));
	}
	l->ts[l->ntexts] = ev->ts;
	l->texts[l->ntexts++] = xstrdup(l->sb.buf);
	if (ev->proc)
		log_key(l, DIFF_PROC, ev->proc->exe && *ev->proc->exe ? ev->proc->exe : "?");
	if (ev->obj && ev->obj->agg)
		log_key(l, DIFF_FILE, ev->obj->agg->path);
	else if (ev->type == EV_OPEN && ev->path)
		log_key(l, DIFF_FILE, ev->path);
	if (ev->conn) {
		conn_name(&l->sb, ev->conn);
		log_key(l, DIFF_CONN, l->sb.buf);
	}
	if (ev->nr >= 0 && (name = sysent_name(0, ev->nr)))
		log_key(l, DIFF_SYSCALL, name);
}

/* Call fn with the time and text of every event of the row of kind named name. */
void diff_log_each(const struct diff_log *l, enum diff_kind kind, const char *name,
		   void (*fn)(void *ctx, uint64_t ts, const char *text), void *ctx)
{
	for (size_t i = 0; l && name && i < l->n; i++)
		if (l->v[i].kind == kind && !strcmp(l->v[i].key, name))
			fn(ctx, l->ts[l->v[i].text], l->texts[l->v[i].text]);
}

/* Read the recording at path into a new model; 0, or -1 with why. */
int diff_load(const char *path, struct model **out, struct diff_log *log, char *why, size_t whylen)
{
	struct recording *rec = recording_open(path, why, whylen);
	const void *r;
	size_t len;
	int got;

	if (!rec)
		return -1;
	*out = model_new();
	if (log)
		model_set_observer(*out, log_event, log);
	while ((got = recording_next(rec, &r, &len, why, whylen)) > 0)
		if (((const struct rec_hdr *)r)->type != REC_OUTPUT)
			model_ingest(*out, r);
	recording_close(rec);
	if (got < 0) {
		char what[256];

		snprintf(what, sizeof(what), "%s", why);
		snprintf(why, whylen, "%s: %s", path, what);
		model_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The row of kind named name, made (in neither run yet) when new. */
static struct diff_row *row_get(struct diff *d, enum diff_kind kind, const char *name)
{
	uintptr_t at = (uintptr_t)smap_get(&d->index[kind], name);
	struct diff_row *w;

	if (at)
		return &d->rows[at - 1];
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->rows = xreallocarray(d->rows, d->cap, sizeof(*d->rows));
	}
	w = &d->rows[d->n++];
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->name = xstrdup(name);
	smap_put(&d->index[kind], name, (void *)(uintptr_t)d->n);
	return w;
}

/* Add figures f (n of them) of side s to the row of kind named name. */
static void row_add(struct diff *d, enum diff_kind kind, const char *name, int s,
		    const int64_t *f, unsigned n)
{
	struct diff_row *w = row_get(d, kind, name);

	w->in[s] = true;
	for (unsigned i = 0; i < n; i++)
		w->fig[s][i] += f[i];
}

/* Duration, exit status and memory peaks of side s. */
static void add_totals(struct diff *d, const struct model *m, int s)
{
	int64_t dur = (int64_t)model_duration(m), st = model_root_status(m);
	int64_t mem[3] = { (int64_t)model_heap_bytes(m), (int64_t)model_mmap_bytes(m),
			   (int64_t)model_mmap_regions(m) };

	row_add(d, DIFF_TOTAL, "duration", s, &dur, 1);
	row_add(d, DIFF_TOTAL, "exit", s, &st, 1);
	row_add(d, DIFF_TOTAL, "memory", s, mem, 3);
}

/* Processes of side s, counted by executable. */
static void add_procs(struct diff *d, const struct model *m, int s)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);
	const int64_t one = 1;

	for (size_t i = 0; i < n; i++)
		row_add(d, DIFF_PROC, p[i]->exe && *p[i]->exe ? p[i]->exe : "?", s, &one, 1);
}

/* Connections of side s, by protocol and peer (the listening address of
 * one accepted: a client's port is anybody's). */
static void add_conns(struct diff *d, const struct model *m, int s)
{
	size_t n;
	struct conn *const *c = model_conns(m, &n);
	struct strbuf sb;

	strbuf_init(&sb, 64);
	for (size_t i = 0; i < n; i++) {
		int64_t f[3] = { 1, (int64_t)c[i]->sent, (int64_t)c[i]->received };

		conn_name(&sb, c[i]);
		row_add(d, DIFF_CONN, sb.buf, s, f, 3);
	}
	strbuf_release(&sb);
}

/* Syscalls of side s by name: calls, errors, time. */
static void add_syscalls(struct diff *d, const struct model *m, int s)
{
	struct sysstat_row *r = xreallocarray(NULL, SYSSTAT_NR_MAX + 1, sizeof(*r));
	size_t n = sysstat_rows(model_sysstat(m), 0, r, SYSSTAT_NR_MAX + 1);
	char unknown[32];

	for (size_t i = 0; i < n && i <= SYSSTAT_NR_MAX; i++) {
		int64_t f[3] = { (int64_t)r[i].calls, (int64_t)r[i].errors, (int64_t)r[i].total_ns };
		const char *name = r[i].nr >= 0 ? sysent_name(0, r[i].nr) : NULL;

		if (!name) {
			snprintf(unknown, sizeof(unknown), "syscall_%d", r[i].nr);
			name = unknown;
		}
		row_add(d, DIFF_SYSCALL, name, s, f, 3);
	}
	free(r);
}

/* Files of run a, then run b's: by path, else by path but for a random part. */
static void add_files(struct diff *d, const struct model *a, const struct model *b)
{
	size_t na, nb, first = d->n;
	struct fileagg *const *fa = model_files(a, &na);
	struct fileagg *const *fb = model_files(b, &nb);

	for (size_t i = 0; i < na; i++) {
		int64_t f[3] = { (int64_t)fa[i]->rd, (int64_t)fa[i]->wr, fa[i]->mode & 3 };

		row_add(d, DIFF_FILE, fa[i]->path, 0, f, 3);
	}
	for (size_t i = 0; i < nb; i++) {
		int64_t f[3] = { (int64_t)fb[i]->rd, (int64_t)fb[i]->wr, fb[i]->mode & 3 };
		struct diff_row *w = NULL;

		if (!smap_get(&d->index[DIFF_FILE], fb[i]->path))
			for (size_t j = first; j < d->n && !w; j++)
				if (d->rows[j].kind == DIFF_FILE && !d->rows[j].in[1] &&
				    d->rows[j].in[0] && !d->rows[j].name_b &&
				    diff_same_but_random(d->rows[j].name, fb[i]->path))
					w = &d->rows[j];
		if (!w) {
			row_add(d, DIFF_FILE, fb[i]->path, 1, f, 3);
			continue;
		}
		w->name_b = xstrdup(fb[i]->path);
		w->in[1] = true;
		memcpy(w->fig[1], f, sizeof(f));
	}
}

/* Set each row's changed bits. */
static void mark_changes(struct diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct diff_row *w = &d->rows[i];
		unsigned n = diff_fig_count(w->kind, w->name);

		w->changed = 0;
		for (unsigned f = 0; f < n; f++)
			if (w->in[0] != w->in[1] || w->fig[0][f] != w->fig[1][f])
				w->changed |= 1u << f;
	}
}

/* Order rows by kind, keeping within one kind the order they were made in
 * (run a's first, then those of run b alone); the index is done with. */
static void sort_by_kind(struct diff *d)
{
	struct diff_row *sorted = xreallocarray(NULL, d->n ? d->n : 1, sizeof(*sorted));
	size_t k = 0;

	for (int kind = 0; kind < DIFF_KINDS; kind++) {
		for (size_t i = 0; i < d->n; i++)
			if (d->rows[i].kind == (enum diff_kind)kind)
				sorted[k++] = d->rows[i];
		smap_release(&d->index[kind]);
	}
	free(d->rows);
	d->rows = sorted;
	d->cap = d->n;
}

/* Compare run a with run b. */
struct diff *diff_new(const struct model *a, const struct model *b)
{
	struct diff *d = xcalloc(1, sizeof(*d));
	const struct model *m[2] = { a, b };

	for (int s = 0; s < 2; s++) {
		add_totals(d, m[s], s);
		add_procs(d, m[s], s);
		add_conns(d, m[s], s);
		add_syscalls(d, m[s], s);
	}
	add_files(d, a, b);
	mark_changes(d);
	sort_by_kind(d);
	return d;
}

void diff_free(struct diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->rows[i].name);
		free(d->rows[i].name_b);
	}
	for (int k = 0; k < DIFF_KINDS; k++)
		smap_release(&d->index[k]);
	free(d->rows);
	free(d);
}

const struct diff_row *diff_rows(const struct diff *d, size_t *n)
{
	*n = d->n;
	return d->rows;
}

static const char *const fig_names[DIFF_KINDS][DIFF_FIGS] = {
	[DIFF_PROC] = { "count" },
	[DIFF_FILE] = { "read_bytes", "written_bytes", "opened_for" },
	[DIFF_CONN] = { "count", "sent_bytes", "received_bytes" },
	[DIFF_SYSCALL] = { "calls", "errors", "time_s" },
};

/* How many figures a row of kind named row_name has. */
unsigned diff_fig_count(enum diff_kind kind, const char *row_name)
{
	if (kind == DIFF_PROC)
		return 1;
	if (kind == DIFF_TOTAL)
		return strcmp(row_name, "memory") ? 1 : 3;
	return DIFF_FIGS;
}

/* The name of figure i of a row of kind named row_name. */
const char *diff_fig_name(enum diff_kind kind, const char *row_name, unsigned i)
{
	static const char *const memory[] = { "heap_bytes", "mmap_bytes", "mmap_regions" };

	if (kind != DIFF_TOTAL)
		return i < DIFF_FIGS && fig_names[kind][i] ? fig_names[kind][i] : NULL;
	if (!strcmp(row_name, "memory"))
		return i < 3 ? memory[i] : NULL;
	if (i)
		return NULL;
	return !strcmp(row_name, "duration") ? "duration_s" : "exit";
}

/* Is figure i of a row of kind a time? */
bool diff_fig_is_time(enum diff_kind kind, const char *row_name, unsigned i)
{
	if (kind == DIFF_SYSCALL)
		return i == 2;
	return kind == DIFF_TOTAL && i == 0 && !strcmp(row_name, "duration");
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Do components a and b (n bytes each, differing) differ only in a random
 * window: six letters or digits after a non-empty prefix, ending the
 * component or followed by '.'? */
static bool random_window(const char *a, const char *b, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < n && a[lo] == b[lo])
		lo++;
	while (hi > lo && a[hi - 1] == b[hi - 1])
		hi--;
	for (size_t s = hi >= 6 ? hi - 6 : 0; s <= lo && s + 6 <= n; s++) {
		bool ok = s > 0 && (s + 6 == n || a[s + 6] == '.');

		for (size_t i = s; ok && i < s + 6; i++)
			ok = is_alnum(a[i]) && is_alnum(b[i]);
		if (ok)
			return true;
	}
	return false;
}

/* Are a and b the same path but for the random part of a temporary name? */
bool diff_same_but_random(const char *a, const char *b)
{
	bool differs = false;

	if (strlen(a) != strlen(b) || !strcmp(a, b))
		return false;
	while (*a) {
		size_t n = strcspn(a, "/");

		if (n != strcspn(b, "/"))
			return false;
		if (memcmp(a, b, n)) {
			if (!random_window(a, b, n))
				return false;
			differs = true;
		}
		a += n;
		b += n;
		while (*a == '/' && *b == '/')
			a++, b++;
		if (*a == '/' || *b == '/')
			return false;
	}
	return differs;
}

static const char *const kind_words[DIFF_KINDS] = {
	[DIFF_PROC] = "process", [DIFF_FILE] = "file", [DIFF_CONN] = "connection",
	[DIFF_SYSCALL] = "syscall",
};

void diff_fig_text(struct strbuf *sb, const struct diff_row *w, unsigned i, int s)
{
	static const char *const mode[] = { "-", "r", "w", "rw" };
	int64_t v = w->fig[s][i];
	char t[48];

	if (diff_fig_is_time(w->kind, w->name, i))
		strbuf_addstr(sb, fmt_duration((uint64_t)v, t));
	else if (w->kind == DIFF_FILE && i == 2)
		strbuf_addstr(sb, mode[v & 3]);
	else if (w->kind == DIFF_TOTAL && !strcmp(w->name, "exit"))
		strbuf_addstr(sb, v < 0 ? "not ended" : fmt_wait_status((int)v, t));
	else
		strbuf_addf(sb, "%" PRId64, v);
}

/* "<sign> <kind> <name>" of a line (a total: its name alone). */
static void line_head(struct strbuf *sb, const struct diff_row *w, char sign)
{
	strbuf_addch(sb, sign);
	strbuf_addch(sb, ' ');
	if (w->kind == DIFF_TOTAL) {
		strbuf_addstr(sb, w->name);
		return;
	}
	strbuf_addf(sb, "%s ", kind_words[w->kind]);
	visible_addstr(sb, w->name);
	if (w->name_b) {
		strbuf_addstr(sb, " (b: ");
		visible_addstr(sb, w->name_b);
		strbuf_addch(sb, ')');
	}
}

/* One line of every figure of side s: "  name=v name=v". */
static void line_figs(struct strbuf *sb, const struct diff_row *w, int s)
{
	unsigned n = diff_fig_count(w->kind, w->name);

	for (unsigned i = 0; i < n; i++) {
		if (w->kind == DIFF_TOTAL && n == 1)
			strbuf_addch(sb, ' ');
		else
			strbuf_addf(sb, " %s=", diff_fig_name(w->kind, w->name, i));
		diff_fig_text(sb, w, i, s);
	}
	strbuf_addch(sb, '\n');
}

/* The lines of one row. */
static void row_lines(struct strbuf *sb, const struct diff_row *w, bool all)
{
	unsigned n = diff_fig_count(w->kind, w->name);

	if (w->in[0] != w->in[1]) {
		line_head(sb, w, w->in[0] ? '-' : '+');
		line_figs(sb, w, w->in[0] ? 0 : 1);
		return;
	}
	if (!w->changed) {
		if (all) {
			line_head(sb, w, ' ');
			line_figs(sb, w, 0);
		}
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		if (!(w->changed & 1u << i))
			continue;
		line_head(sb, w, '~');
		if (w->kind != DIFF_TOTAL || n > 1)
			strbuf_addf(sb, " %s", diff_fig_name(w->kind, w->name, i));
		strbuf_addch(sb, ' ');
		diff_fig_text(sb, w, i, 0);
		strbuf_addstr(sb, " -> ");
		diff_fig_text(sb, w, i, 1);
		strbuf_addch(sb, '\n');
	}
}

/* Do figures other than times differ in w? */
static bool row_differs(const struct diff_row *w)
{
	for (unsigned f = 0; f < DIFF_FIGS; f++)
		if (w->changed & 1u << f && !diff_fig_is_time(w->kind, w->name, f))
			return true;
	return false;
}

/* Does anything but a time differ? */
bool diff_differs(const struct diff *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (row_differs(&d->rows[i]))
			return true;
	return false;
}

/* Write the differences as lines. */
void diff_write_lines(struct fbuf *out, const struct diff *d, const char *const path[2], bool all)
{
	size_t gone = 0, added = 0, changed = 0, timed = 0;

	strbuf_addstr(&out->sb, "--- a: ");
	visible_addstr(&out->sb, path[0]);
	strbuf_addstr(&out->sb, "\n+++ b: ");
	visible_addstr(&out->sb, path[1]);
	strbuf_addch(&out->sb, '\n');
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_row *w = &d->rows[i];

		row_lines(&out->sb, w, all);
		fbuf_step(out);
		gone += w->in[0] && !w->in[1];
		added += w->in[1] && !w->in[0];
		if (w->in[0] && w->in[1] && w->changed) {
			changed += row_differs(w);
			timed += !row_differs(w);
		}
	}
	strbuf_addf(&out->sb, "= %zu only in a, %zu only in b, %zu changed, %zu changed in "
		    "time alone\n", gone, added, changed, timed);
	fbuf_step(out);
}

/* ,"key":"text" escaped for JSON. */
static void json_kv(struct strbuf *sb, const char *key, const char *s, size_t n)
{
	strbuf_addf(sb, ",\"%s\":", key);
	json_str(sb, s, n, 0);
}

/* Figure i of side s as a JSON value. */
static void fig_json(struct strbuf *sb, const struct diff_row *w, unsigned i, int s)
{
	static const char *const mode[] = { "", "r", "w", "rw" };
	int64_t v = w->fig[s][i];

	if (diff_fig_is_time(w->kind, w->name, i))
		strbuf_addf(sb, "%.6f", (double)v / 1e9);
	else if (w->kind == DIFF_FILE && i == 2)
		json_cstr(sb, mode[v & 3]);
	else if (w->kind == DIFF_TOTAL && !strcmp(w->name, "exit"))
		evform_exit_json(sb, (int)v);
	else
		strbuf_addf(sb, "%" PRId64, v);
}

/* {"fig":v,...} of side s, or null when the row is not in it. */
static void side_json(struct strbuf *sb, const struct diff_row *w, int s)
{
	unsigned n = diff_fig_count(w->kind, w->name);

	if (!w->in[s]) {
		strbuf_addstr(sb, "null");
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		strbuf_addf(sb, "%c\"%s\":", i ? ',' : '{', diff_fig_name(w->kind, w->name, i));
		fig_json(sb, w, i, s);
	}
	strbuf_addch(sb, '}');
}

/* The name fields of an entry: "exe", "path" (and "path_b"), "proto",
 * "role" and "peer", or "name". */
static void entry_names(struct strbuf *sb, const struct diff_row *w)
{
	const char *s = w->name, *sp1, *sp2;

	switch (w->kind) {
	case DIFF_PROC:
		json_kv(sb, "exe", s, strlen(s));
		return;
	case DIFF_FILE:
		json_kv(sb, "path", s, strlen(s));
		if (w->name_b)
			json_kv(sb, "path_b", w->name_b, strlen(w->name_b));
		return;
	case DIFF_CONN:
		sp1 = strchr(s, ' ');
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (sp2) {
			json_kv(sb, "proto", s, (size_t)(sp1 - s));
			json_kv(sb, "role", sp1 + 1, (size_t)(sp2 - sp1 - 1));
			json_kv(sb, "peer", sp2 + 1, strlen(sp2 + 1));
			return;
		}
		break;
	default:
		break;
	}
	json_kv(sb, "name", s, strlen(s));
}

/* One entry of a list: names, "changed":[...], "a":.., "b":.. */
static void entry_json(struct strbuf *sb, const struct diff_row *w, bool first)
{
	unsigned n = diff_fig_count(w->kind, w->name), k = 0;

	strbuf_addstr(sb, first ? "{\"state\":" : ",{\"state\":");
	json_cstr(sb, w->in[0] && w->in[1] ? (w->changed ? "changed" : "same") :
		  w->in[0] ? "only_a" : "only_b");
	entry_names(sb, w);
	strbuf_addstr(sb, ",\"changed\":[");
	for (unsigned i = 0; i < n; i++)
		if (w->changed & 1u << i)
			strbuf_addf(sb, "%s\"%s\"", k++ ? "," : "", diff_fig_name(w->kind, w->name, i));
	strbuf_addstr(sb, "],\"a\":");
	side_json(sb, w, 0);
	strbuf_addstr(sb, ",\"b\":");
	side_json(sb, w, 1);
	strbuf_addch(sb, '}');
}

/* ,"<key>":[...] of the rows of kind (those that changed, or all). */
static void list_json(struct fbuf *out, const struct diff *d, enum diff_kind kind,
		      const char *key, bool all)
{
	bool first = true;

	strbuf_addf(&out->sb, ",\"%s\":[", key);
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_row *w = &d->rows[i];

		if (w->kind != kind || (!w->changed && !all))
			continue;
		entry_json(&out->sb, w, first);
		first = false;
		fbuf_step(out);
	}
	strbuf_addch(&out->sb, ']');
}

/* ,"duration_s":{"a":..,"b":..},"exit":..,"memory":{"heap_bytes":{..},..} */
static void totals_json(struct strbuf *sb, const struct diff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diff_row *w = &d->rows[i];
		unsigned n = diff_fig_count(w->kind, w->name);

		if (w->kind != DIFF_TOTAL)
			continue;
		strbuf_addf(sb, ",\"%s\":", n > 1 ? w->name : diff_fig_name(w->kind, w->name, 0));
		if (n > 1)
			strbuf_addch(sb, '{');
		for (unsigned f = 0; f < n; f++) {
			if (n > 1)
				strbuf_addf(sb, "%s\"%s\":", f ? "," : "",
					    diff_fig_name(w->kind, w->name, f));
			strbuf_addstr(sb, "{\"a\":");
			fig_json(sb, w, f, 0);
			strbuf_addstr(sb, ",\"b\":");
			fig_json(sb, w, f, 1);
			strbuf_addch(sb, '}');
		}
		if (n > 1)
			strbuf_addch(sb, '}');
	}
}

/* Write the differences as one JSON object and a newline. */
void diff_write_json(struct fbuf *out, const struct diff *d, const char *const path[2], bool all)
{
	strbuf_addstr(&out->sb, "{\"type\":\"diff\",\"a\":{\"path\":");
	json_cstr(&out->sb, path[0]);
	strbuf_addstr(&out->sb, "},\"b\":{\"path\":");
	json_cstr(&out->sb, path[1]);
	strbuf_addch(&out->sb, '}');
	totals_json(&out->sb, d);
	list_json(out, d, DIFF_PROC, "processes", all);
	list_json(out, d, DIFF_FILE, "files", all);
	list_json(out, d, DIFF_CONN, "connections", all);
	list_json(out, d, DIFF_SYSCALL, "syscalls", all);
	strbuf_addstr(&out->sb, "}\n");
	fbuf_step(out);
}
