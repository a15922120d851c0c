/* summary.c - the summary object: what a whole trace came to.
 *
 * Every string a traced program made goes through json_str (HTML-safe
 * when the summary sits in a page); the lists go out a row at a time
 * (fbuf_step).  It reads the model's aggregates; it never decodes a call.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "evform.h"
#include "fmt.h"
#include "json.h"
#include "summary.h"
#include "util.h"

struct sw {
	struct fbuf *out;
	struct strbuf *sb;
	const struct model *m;
	const struct summary_opts *o;
	unsigned json;           /* json_str flags */
};

/* "text", or null. */
static void put_str(struct sw *w, const char *s)
{
	if (s)
		json_str(w->sb, s, strlen(s), w->json);
	else
		strbuf_addstr(w->sb, "null");
}

/* ,"key":"text" (or null). */
static void kv_str(struct sw *w, const char *key, const char *s)
{
	strbuf_addf(w->sb, ",\"%s\":", key);
	put_str(w, s);
}

/* ["a","b",...] of a NULL-terminated vector, cut after argv_max entries. */
static void put_strs(struct sw *w, char *const *v)
{
	size_t i = 0, max = w->o->argv_max, more = 0;

	strbuf_addch(w->sb, '[');
	for (; v && v[i] && (!max || i < max); i++) {
		if (i)
			strbuf_addch(w->sb, ',');
		put_str(w, v[i]);
	}
	while (v && v[i + more])
		more++;
	if (more)
		strbuf_addf(w->sb, ",\"... %zu more\"", more);
	strbuf_addch(w->sb, ']');
}

/* {"count":N,"p50_us":..,"p99_us":..,"max_us":..,"hist":[..]} of one latency. */
void summary_lat(struct strbuf *sb, const struct lat_stats *s, unsigned flags)
{
	const char *us = flags & SUMMARY_LAT_SHORT ? "" : "_us";
	unsigned n = LAT_HIST_SLOTS;

	strbuf_addf(sb, "{\"count\":%" PRIu64 ",\"p50%s\":%.1f,\"p99%s\":%.1f,\"max%s\":%.1f",
		    s->count, us, model_lat_quantile_us(s, 0.5), us, model_lat_quantile_us(s, 0.99),
		    us, model_lat_max_us(s));
	if (flags & SUMMARY_LAT_BYTES)
		strbuf_addf(sb, ",\"bytes\":%" PRIu64, s->bytes);
	while (n > 0 && !s->hist[n - 1])
		n--;
	strbuf_addstr(sb, ",\"hist\":[");
	for (unsigned i = 0; i < n; i++)
		strbuf_addf(sb, "%s%" PRIu64, i ? "," : "", s->hist[i]);
	strbuf_addstr(sb, "]}");
}

/* ,"latency":{"sched":..,"block":..} of pid (0: all); per process only when measured. */
static void latency(struct sw *w, int pid)
{
	const struct lat_stats *sched = model_latency(w->m, pid, HIST_SCHED);
	const struct lat_stats *block = model_latency(w->m, pid, HIST_BLOCK);

	if (pid && !sched && !block)
		return;
	strbuf_addstr(w->sb, ",\"latency\":{\"sched\":");
	if (sched)
		summary_lat(w->sb, sched, 0);
	else
		strbuf_addstr(w->sb, "null");
	strbuf_addstr(w->sb, ",\"block\":");
	if (block)
		summary_lat(w->sb, block, SUMMARY_LAT_BYTES);
	else
		strbuf_addstr(w->sb, "null");
	strbuf_addch(w->sb, '}');
}

/* A pid as the output shows it: as its host knew it (and ,"hostname":"..." in
 * a replay of several recordings); the report keeps the model's pid,
 * which tells hosts apart, and shows it as its host knew it. */
static void put_pid(struct sw *w, const char *key, int pid)
{
	strbuf_addf(w->sb, "\"%s\":%d", key, w->o->flags & SUMMARY_HTML ? pid : rec_pid_local(pid));
}

/* ,"hostname":"..." of pid in a replay of several recordings (its
 * recording's label; "host" is a peer's name). */
static void put_host(struct sw *w, int pid)
{
	const char *host = model_pid_label(w->m, pid);

	if (host)
		kv_str(w, "hostname", host);
}

/* ,"processes":[...] */
static void procs(struct sw *w)
{
	size_t n;
	struct proc *const *p = model_procs(w->m, &n);

	strbuf_addstr(w->sb, ",\"processes\":[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(w->sb, i ? ",{" : "{");
		put_pid(w, "pid", p[i]->pid);
		strbuf_addch(w->sb, ',');
		put_pid(w, "ppid", p[i]->ppid);
		put_host(w, p[i]->pid);
		kv_str(w, "exe", p[i]->exe);
		strbuf_addstr(w->sb, ",\"argv\":");
		put_strs(w, p[i]->argv);
		if (p[i]->argv_cut)
			strbuf_addstr(w->sb, ",\"argv_cut\":true");
		strbuf_addf(w->sb, ",\"threads\":%d,\"exit\":", p[i]->threads);
		evform_exit_json(w->sb, p[i]->exited ? p[i]->status : -1);
		if (w->o->flags & SUMMARY_PROC_LATENCY)
			latency(w, p[i]->pid);
		strbuf_addch(w->sb, '}');
		fbuf_step(w->out);
	}
	strbuf_addch(w->sb, ']');
}

/* Order files by bytes moved, most first. */
static int file_cmp(const void *a, const void *b)
{
	const struct fileagg *x = *(struct fileagg *const *)a, *y = *(struct fileagg *const *)b;
	uint64_t bx = x->rd + x->wr, by = y->rd + y->wr;

	return bx > by ? -1 : bx < by;
}

/* Order connections by bytes moved, most first. */
static int conn_cmp(const void *a, const void *b)
{
	const struct conn *x = *(struct conn *const *)a, *y = *(struct conn *const *)b;
	uint64_t bx = x->sent + x->received, by = y->sent + y->received;

	return bx > by ? -1 : bx < by;
}

/* The n pointers at v as listed: a copy sorted with cmp when the list is
 * cut to the busiest, else v itself.  Free with list_done. */
static void *const *list_of(const struct sw *w, void *const *v, size_t n,
			     int (*cmp)(const void *, const void *))
{
	void **c;

	if (!w->o->list_max)
		return v;
	c = xreallocarray(NULL, n ? n : 1, sizeof(*c));
	if (n) {
		memcpy(c, v, n * sizeof(*c));
		qsort(c, n, sizeof(*c), cmp);
	}
	return c;
}

/* Free what list_of made; write the list's end and its total. */
static void list_done(struct sw *w, void *const *l, void *const *v, size_t n, const char *key)
{
	if (l != v)
		free((void *)l);
	strbuf_addch(w->sb, ']');
	if (w->o->list_max)
		strbuf_addf(w->sb, ",\"%s_total\":%zu", key, n);
}

/* ,"files":[...] (regular files only). */
static void files(struct sw *w)
{
	static const char *const mode[] = { "", "r", "w", "rw" };
	size_t n, max = w->o->list_max;
	struct fileagg *const *v = model_files(w->m, &n);
	struct fileagg *const *f = (struct fileagg *const *)list_of(w, (void *const *)v, n, file_cmp);

	strbuf_addstr(w->sb, ",\"files\":[");
	for (size_t i = 0; i < n && (!max || i < max); i++) {
		strbuf_addstr(w->sb, i ? ",{\"path\":" : "{\"path\":");
		put_str(w, f[i]->path);
		strbuf_addf(w->sb, ",\"opened_for\":\"%s\",\"read_bytes\":%" PRIu64
			    ",\"written_bytes\":%" PRIu64 "}", mode[f[i]->mode & 3], f[i]->rd, f[i]->wr);
		fbuf_step(w->out);
	}
	list_done(w, (void *const *)f, (void *const *)v, n, "files");
}

/* ,"connections":[...] */
static void conns(struct sw *w)
{
	size_t n, max = w->o->list_max;
	struct conn *const *v = model_conns(w->m, &n);
	struct conn *const *c = (struct conn *const *)list_of(w, (void *const *)v, n, conn_cmp);

	strbuf_addstr(w->sb, ",\"connections\":[");
	for (size_t i = 0; i < n && (!max || i < max); i++) {
		strbuf_addf(w->sb, "%s{\"proto\":\"%s\"", i ? "," : "", model_kind_name(c[i]->kind));
		kv_str(w, "local", c[i]->local);
		kv_str(w, "remote", c[i]->remote);
		if (c[i]->host)
			kv_str(w, "host", c[i]->host);
		strbuf_addf(w->sb, ",\"role\":\"%s\",\"sent_bytes\":%" PRIu64 ",\"received_bytes\":%"
			    PRIu64 ",", c[i]->flow ? "flow" : c[i]->accepted ? "accept" : "connect",
			    c[i]->sent, c[i]->received);
		put_pid(w, "pid", c[i]->pid);
		put_host(w, c[i]->pid);
		strbuf_addf(w->sb, ",\"first_s\":%.6f,\"last_s\":%.6f}", (double)c[i]->ts / 1e9,
			    (double)c[i]->last_ts / 1e9);
		fbuf_step(w->out);
	}
	list_done(w, (void *const *)c, (void *const *)v, n, "connections");
}

/* ,"start":"0x..","len":N,"prot":"rw-","made_s":S of a mapping's faults (nulls: none known). */
static void mapping(struct sw *w, const struct faultagg *a)
{
	char p[4];

	if (!a->mapped) {
		strbuf_addstr(w->sb, ",\"start\":null,\"len\":null,\"prot\":null,\"made_s\":null");
		return;
	}
	strbuf_addf(w->sb, ",\"start\":\"0x%" PRIx64 "\",\"len\":%" PRIu64, a->start, a->len);
	kv_str(w, "prot", a->prot < 0 ? NULL : fmt_prot(a->prot, p));
	strbuf_addf(w->sb, ",\"made_s\":%.6f", (double)a->made / 1e9);
}

/* ,"faults":{"total":N,"lost":N,"by_region":[...]}: one entry per mapping. */
static void faults(struct sw *w)
{
	size_t n;
	struct faultagg *const *a = model_faults(w->m, &n);

	strbuf_addf(w->sb, ",\"faults\":{\"total\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"by_region\":[",
		    model_faults_total(w->m), model_faults_lost(w->m));
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(w->sb, i ? ",{\"region\":" : "{\"region\":");
		put_str(w, a[i]->region);
		kv_str(w, "kind", regions_kind_name(a[i]->kind));
		strbuf_addch(w->sb, ',');
		put_pid(w, "pid", a[i]->pid);
		put_host(w, a[i]->pid);
		mapping(w, a[i]);
		strbuf_addf(w->sb, ",\"count\":%" PRIu64 "}", a[i]->count);
		fbuf_step(w->out);
	}
	strbuf_addstr(w->sb, "]}");
}

/* ,"io":..,"memory":..,"tracer":..,"latency":..,"faults":..,"complete":..,
 * "events":N,"dropped":N */
static void totals(struct sw *w)
{
	const struct io_totals *io = model_io(w->m);
	uint64_t stops, stopped;

	strbuf_addf(w->sb, ",\"io\":{\"file_read_bytes\":%" PRIu64 ",\"file_written_bytes\":%" PRIu64
		    ",\"net_sent_bytes\":%" PRIu64 ",\"net_received_bytes\":%" PRIu64
		    ",\"ipc_read_bytes\":%" PRIu64 ",\"ipc_written_bytes\":%" PRIu64 "}",
		    io->file_rd, io->file_wr, io->net_sent, io->net_recv, io->ipc_rd, io->ipc_wr);
	strbuf_addf(w->sb, ",\"memory\":{\"heap_bytes\":%" PRIu64 ",\"mmap_bytes\":%" PRIu64
		    ",\"mmap_regions\":%" PRIu64 "}", model_heap_bytes(w->m), model_mmap_bytes(w->m),
		    model_mmap_regions(w->m));
	model_tracer_cost(w->m, &stops, &stopped);
	strbuf_addf(w->sb, ",\"tracer\":{\"engine\":\"%s\",\"stops\":%" PRIu64
		    ",\"stopped_s\":%.6f}", model_kernel_engine(w->m) ? "kernel" : "ptrace",
		    stops, (double)stopped / 1e9);
	latency(w, 0);
	faults(w);
	/* complete: false when a producer lost records, so the totals leave some out */
	strbuf_addf(w->sb, ",\"complete\":%s,\"events\":%" PRIu64 ",\"dropped\":%" PRIu64,
		    model_dropped(w->m) ? "false" : "true", model_events(w->m), model_dropped(w->m));
}

/* ,"exit":{..} and, when asked for, ,"exit_text":"exit 0" (null: not ended). */
static void ending(struct sw *w)
{
	int status = model_root_status(w->m);
	char t[48];

	strbuf_addstr(w->sb, ",\"exit\":");
	evform_exit_json(w->sb, status);
	if (!(w->o->flags & SUMMARY_EXIT_TEXT))
		return;
	strbuf_addstr(w->sb, ",\"exit_text\":");
	if (status < 0)
		strbuf_addstr(w->sb, "null");
	else
		json_cstr(w->sb, fmt_wait_status(status, t));
}

/* ,"runs":[...]: each recording of a replay of several, with its totals. */
static void runs(struct sw *w)
{
	size_t nruns;
	const struct model_run *r = model_runs(w->m, &nruns);

	if (nruns < 2)
		return;
	strbuf_addstr(w->sb, ",\"runs\":[");
	for (size_t i = 0; i < nruns; i++) {
		strbuf_addstr(w->sb, i ? ",{\"hostname\":" : "{\"hostname\":");
		put_str(w, r[i].label);
		strbuf_addstr(w->sb, ",\"command\":");
		put_strs(w, r[i].command);
		strbuf_addstr(w->sb, ",\"exit\":");
		evform_exit_json(w->sb, r[i].root_status);
		strbuf_addf(w->sb, ",\"start_s\":%.6f,\"duration_s\":%.6f,\"processes\":%zu,"
			    "\"events\":%" PRIu64 ",\"io\":{\"file_read_bytes\":%" PRIu64
			    ",\"file_written_bytes\":%" PRIu64 ",\"net_sent_bytes\":%" PRIu64
			    ",\"net_received_bytes\":%" PRIu64 ",\"ipc_read_bytes\":%" PRIu64
			    ",\"ipc_written_bytes\":%" PRIu64 "},\"tracer\":{\"engine\":\"%s\","
			    "\"stops\":%" PRIu64 "}}", (double)r[i].start_ts / 1e9,
			    (double)(r[i].end_ts > r[i].start_ts ? r[i].end_ts - r[i].start_ts : 0) / 1e9,
			    r[i].processes, r[i].events, r[i].io.file_rd, r[i].io.file_wr, r[i].io.net_sent,
			    r[i].io.net_recv, r[i].io.ipc_rd, r[i].io.ipc_wr,
			    r[i].kernel_engine ? "kernel" : "ptrace", r[i].stops);
	}
	strbuf_addch(w->sb, ']');
}

/* Write the summary object of m (no newline) to out. */
void summary_write(struct fbuf *out, const struct model *m, const struct summary_opts *o)
{
	struct sw w = { .out = out, .sb = &out->sb, .m = m, .o = o,
			.json = o->flags & SUMMARY_HTML ? JSON_HTML_SAFE : 0 };

	strbuf_addstr(w.sb, o->flags & SUMMARY_TYPE ? "{\"type\":\"summary\",\"command\":" :
		      "{\"command\":");
	put_strs(&w, model_command(m));
	ending(&w);
	strbuf_addf(w.sb, ",\"duration_s\":%.6f", (double)model_duration(m) / 1e9);
	runs(&w);
	procs(&w);
	files(&w);
	conns(&w);
	strbuf_addstr(w.sb, ",\"notes\":");
	put_strs(&w, (char *const *)model_notes(m));
	totals(&w);
	strbuf_addch(w.sb, '}');
	fbuf_step(out);
}
