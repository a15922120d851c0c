/* report_views.c - the report's analysis sections: their data.
 *
 * Compact arrays, one per row, so that a trace of thousands of processes
 * stays small:
 *   "sys":   {"pid": [[nr, "name", calls, errors, timed, total_ns, max_ns, p50_ns,
 *            p99_ns], ...]}  ("0": every process together; the quantiles
 *            there alone, -1 elsewhere)
 *   "sys_kernel": true when the kernel engine counted every call
 *   "files": [["path", opens, read, written], ...]  the FILES_MAX largest
 *   "conns": [["proto", "connect"|"accept"|"flow", "local", "peer", pid, sent,
 *             received, start_ns, duration_ns, closed], ...]  the largest
 *   "procs": [[pid, ppid, "name", events, read, written, start_ns, end_ns
 *             (-1: still running), "exit"], ...]  in order of creation
 *   "lat":   {"pid": {"sched"|"block": {"count", "p50", "p99", "max" (us),
 *             "hist": [slot counts, slot i: 2^(i-1) <= us < 2^i]}}}
 * This file must never put a traced byte into the page except through
 * json_str(JSON_HTML_SAFE), and never print.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "hmap.h"
#include "json.h"
#include "objstat.h"
#include "report_views.h"
#include "summary.h"
#include "sysent.h"
#include "sysstat.h"
#include "util.h"

#define FILES_MAX 200            /* files listed, largest first */
#define CONNS_MAX 200            /* connections listed, largest first */
#define SYS_PROCS_MAX 2000       /* processes given their own syscall table */

/* "text" (HTML-safe) or null. */
static void str_json(struct strbuf *sb, const char *s)
{
	if (s)
		json_str(sb, s, strlen(s), JSON_HTML_SAFE);
	else
		strbuf_addstr(sb, "null");
}

/* "pid":[[nr,"name",calls,errors,timed,total_ns,max_ns,p50_ns,p99_ns],...]
 * of one process (0: all; the quantiles, of every process's calls, only
 * there: -1 elsewhere). */
static void sys_rows(struct strbuf *sb, const struct sysstat *st, int pid)
{
	size_t n = sysstat_count(st, pid);
	struct sysstat_row *r = xcalloc(n ? n : 1, sizeof(*r));

	sysstat_rows(st, pid, r, n);
	strbuf_addf(sb, "\"%d\":[", pid);
	for (size_t i = 0; i < n; i++) {
		const char *name = r[i].nr >= 0 ? sysent_name(0, r[i].nr) : NULL;

		strbuf_addf(sb, "%s[%d,\"%s\",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
			    i ? "," : "", r[i].nr, name ? name : "?", r[i].calls, r[i].errors,
			    r[i].timed, r[i].total_ns, r[i].max_ns);
		if (pid)
			strbuf_addstr(sb, ",-1,-1]");
		else
			strbuf_addf(sb, ",%" PRIu64 ",%" PRIu64 "]", sysstat_quantile_ns(st, r[i].nr, 0.5),
				    sysstat_quantile_ns(st, r[i].nr, 0.99));
	}
	strbuf_addch(sb, ']');
	free(r);
}

/* Is this the first process of the list with its pid (a reused pid has
 * one table of syscalls and one of latency: write them once)? */
static bool first_of_pid(struct imap *seen, const struct proc *p)
{
	if (imap_get(seen, (uint32_t)p->pid))
		return false;
	imap_put(seen, (uint32_t)p->pid, (void *)p);
	return true;
}

/* "sys":{...}: every process together, then each one that made calls;
 * "sys_kernel": did the kernel engine count them (every call)? */
static void sys_json(struct fbuf *out, const struct model *m)
{
	struct strbuf *sb = &out->sb;
	const struct sysstat *st = model_sysstat(m);
	size_t n, done = 0;
	struct proc *const *p = model_procs(m, &n);
	struct imap seen = { 0 };

	strbuf_addstr(sb, "\"sys\":{");
	sys_rows(sb, st, 0);
	for (size_t i = 0; i < n && done < SYS_PROCS_MAX; i++) {
		if (!first_of_pid(&seen, p[i]) || !sysstat_count(st, p[i]->pid))
			continue;
		strbuf_addch(sb, ',');
		sys_rows(sb, st, p[i]->pid);
		fbuf_step(out);
		done++;
	}
	strbuf_addf(sb, "},\"sys_kernel\":%s,", model_kernel_engine(m) ? "true" : "false");
	imap_release(&seen);
}

/* Largest total first. */
static int file_cmp(const void *a, const void *b)
{
	const struct fileagg *x = *(struct fileagg *const *)a, *y = *(struct fileagg *const *)b;
	uint64_t tx = x->rd + x->wr, ty = y->rd + y->wr;

	return tx < ty ? 1 : tx > ty ? -1 : strcmp(x->path, y->path);
}

/* "files":[...] and "files_total". */
static void files_json(struct fbuf *out, const struct model *m)
{
	struct strbuf *sb = &out->sb;
	size_t n;
	struct fileagg *const *f = model_files(m, &n);
	struct fileagg **v = xcalloc(n ? n : 1, sizeof(*v));

	if (n)
		memcpy(v, f, n * sizeof(*v));
	qsort(v, n, sizeof(*v), file_cmp);
	strbuf_addstr(sb, "\"files\":[");
	for (size_t i = 0; i < n && i < FILES_MAX; i++) {
		strbuf_addstr(sb, i ? ",[" : "[");
		str_json(sb, v[i]->path);
		strbuf_addf(sb, ",%u,%" PRIu64 ",%" PRIu64 "]", v[i]->opens, v[i]->rd, v[i]->wr);
		fbuf_step(out);
	}
	strbuf_addf(sb, "],\"files_total\":%zu,", n);
	free(v);
}

/* Most bytes (both ways) first. */
static int conn_cmp(const void *a, const void *b)
{
	const struct cstat *x = *(const struct cstat *const *)a, *y = *(const struct cstat *const *)b;
	uint64_t tx = x->sent + x->received, ty = y->sent + y->received;

	return tx < ty ? 1 : tx > ty ? -1 : x->start < y->start ? -1 : x->start > y->start;
}

/* "conns":[...] and "conns_total". */
static void conns_json(struct fbuf *out, const struct objstat *o, const struct store *s)
{
	struct strbuf *sb = &out->sb;
	const struct cstat **v = xcalloc(o->nconns ? o->nconns : 1, sizeof(*v));

	for (size_t i = 0; i < o->nconns; i++)
		v[i] = &o->conns[i];
	qsort(v, o->nconns, sizeof(*v), conn_cmp);
	strbuf_addstr(sb, "\"conns\":[");
	for (size_t i = 0; i < o->nconns && i < CONNS_MAX; i++) {
		strbuf_addf(sb, "%s[\"%s\",\"%s\",", i ? "," : "", model_kind_name(v[i]->kind),
			    v[i]->flow ? "flow" : v[i]->accepted ? "accept" : "connect");
		str_json(sb, store_str(s, v[i]->local));
		strbuf_addch(sb, ',');
		str_json(sb, store_str(s, v[i]->peer));
		strbuf_addf(sb, ",%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s]", v[i]->pid,
			    v[i]->sent, v[i]->received, v[i]->start, v[i]->end - v[i]->start,
			    v[i]->closed ? "true" : "false");
		fbuf_step(out);
	}
	strbuf_addf(sb, "],\"conns_total\":%zu,", o->nconns);
	free(v);
}

/* "exit 0", "killed by SIGKILL", "running". */
static void exit_json(struct strbuf *sb, const struct proc *p)
{
	char w[48];

	json_cstr(sb, p->exited ? fmt_wait_status(p->status, w) : "running");
}

/* "procs":[...]. */
static void procs_json(struct fbuf *out, const struct model *m, const struct objstat *o)
{
	struct strbuf *sb = &out->sb;
	size_t n;
	struct proc *const *p = model_procs(m, &n);

	strbuf_addstr(sb, "\"procs\":[");
	for (size_t i = 0; i < n; i++) {
		const struct pstat *ps = objstat_proc(o, p[i]->pid);
		const char *name = p[i]->argv && p[i]->argv[0] ? p[i]->argv[0] : p[i]->exe;
		const char *slash = name ? strrchr(name, '/') : NULL;

		strbuf_addf(sb, "%s[%d,%d,", i ? "," : "", p[i]->pid, p[i]->ppid);
		str_json(sb, slash && slash[1] ? slash + 1 : name);
		strbuf_addf(sb, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRId64 ",",
			    ps ? ps->events : 0, ps ? ps->rd : 0, ps ? ps->wr : 0, p[i]->start_ts,
			    p[i]->exited ? (int64_t)p[i]->end_ts : -1);
		exit_json(sb, p[i]);
		strbuf_addch(sb, ']');
		fbuf_step(out);
	}
	strbuf_addstr(sb, "],");
}

/* "sched":{...} of one lat_stats. */
static void lat_one(struct strbuf *sb, const char *key, const struct lat_stats *l)
{
	strbuf_addf(sb, "\"%s\":", key);
	summary_lat(sb, l, SUMMARY_LAT_SHORT);
}

/* "pid":{...} when pid has latency data; returns whether it wrote. */
static bool lat_pid(struct strbuf *sb, const struct model *m, int pid, bool first)
{
	const struct lat_stats *s = model_latency(m, pid, HIST_SCHED);
	const struct lat_stats *b = model_latency(m, pid, HIST_BLOCK);

	if (!s && !b)
		return false;
	strbuf_addf(sb, "%s\"%d\":{", first ? "" : ",", pid);
	if (s)
		lat_one(sb, "sched", s);
	if (s && b)
		strbuf_addch(sb, ',');
	if (b)
		lat_one(sb, "block", b);
	strbuf_addch(sb, '}');
	return true;
}

/* "lat":{...}: every process together ("0"), then each. */
static void lat_json(struct fbuf *out, const struct model *m)
{
	struct strbuf *sb = &out->sb;
	size_t n;
	struct proc *const *p = model_procs(m, &n);
	struct imap seen = { 0 };
	bool first = !lat_pid(sb, m, 0, true);

	for (size_t i = 0; i < n; i++) {
		if (first_of_pid(&seen, p[i]) && lat_pid(sb, m, p[i]->pid, first))
			first = false;
		fbuf_step(out);
	}
	imap_release(&seen);
}

/* Write "views":{...}, to out. */
void report_views_json(struct fbuf *out, const struct model *m, const struct store *s)
{
	struct strbuf *sb = &out->sb;
	struct objstat o;

	objstat_init(&o);
	if (s)
		objstat_update(&o, s);
	strbuf_addstr(sb, "\"views\":{");
	sys_json(out, m);
	files_json(out, m);
	if (s)
		conns_json(out, &o, s);
	procs_json(out, m, &o);
	strbuf_addstr(sb, "\"lat\":{");
	lat_json(out, m);
	strbuf_addstr(sb, "}},");
	objstat_release(&o);
}
