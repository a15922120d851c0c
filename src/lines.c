/* lines.c - the --batch sink: plain lines, then the FINAL block.
 *
 * One line per event a person cares about, in the format people know from
 * compendium ("[+0.015s] connect tcp4 → 93.184.216.34:443"), worded as its
 * type's description says (evdesc.c).  Consecutive reads or writes
 * of one task on one fd, page faults of one process in one region, and
 * latencies of one task (or block requests of one size) fold into a
 * single line; a fold of one event reads as the event itself.  The default
 * noise filter (noise.c) and -v decide which events are shown.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "evform.h"
#include "fmt.h"
#include "lines.h"
#include "stackfmt.h"
#include "noise.h"
#include "strbuf.h"
#include "util.h"
#include "visible.h"

#define TARGET_MAX 300           /* longest name of an fd shown, in bytes */

struct group {
	bool active;
	enum ev_type type;
	int pid, tid, fd;
	const char *host;
	uint64_t ts, bytes, first;
	uint64_t count;
	bool same_size;
	uint64_t anchor;         /* faults: the region's end that does not move */
	char target[512];
};

/* Consecutive latency events folded into one line (eBPF). */
struct latgroup {
	bool active;
	enum ev_type type;       /* EV_SCHED (one task) or EV_BLOCK (one process, op, size) */
	int pid, tid;
	const char *host;
	bool write;
	uint64_t ts, count, sum_ns, max_ns, size;
};

struct lines {
	FILE *out;
	unsigned flags;
	bool multi;              /* more than one process seen: print [pid] */
	struct group g;
	struct latgroup lg;
	struct strbuf sb;        /* the line being made */
	struct strbuf one, lone; /* the text of g's and of lg's first event */
	struct strbuf tmp;       /* the target of the event being folded */
};

struct lines *lines_new(FILE *out, unsigned flags)
{
	struct lines *l = xcalloc(1, sizeof(*l));

	l->out = out;
	l->flags = flags;
	l->multi = flags & LINES_PIDS;
	strbuf_init(&l->sb, 256);
	strbuf_init(&l->one, 256);
	strbuf_init(&l->lone, 64);
	strbuf_init(&l->tmp, 256);
	return l;
}

void lines_free(struct lines *l)
{
	if (!l)
		return;
	strbuf_release(&l->sb);
	strbuf_release(&l->one);
	strbuf_release(&l->lone);
	strbuf_release(&l->tmp);
	free(l);
}

/* Start a line: "[+0.015s] " and "[pid] " when several processes exist. */
static void line_start(struct lines *l, uint64_t ts, int pid, const char *host)
{
	char b[FMT_PID_MAX];

	strbuf_reset(&l->sb);
	strbuf_add(&l->sb, "[+", 2);
	strbuf_addfixed(&l->sb, ts, 9, 3);
	strbuf_add(&l->sb, "s] ", 3);
	if (l->multi || host) {
		strbuf_addch(&l->sb, '[');
		strbuf_addstr(&l->sb, fmt_pid(host, pid, b));
		strbuf_add(&l->sb, "] ", 2);
	}
}

/* Finish and write the line in l->sb. */
static void line_end(struct lines *l)
{
	strbuf_addch(&l->sb, '\n');
	fwrite(l->sb.buf, 1, l->sb.len, l->out);
}

/* Print the pending latency line, if any. */
static void lat_flush(struct lines *l)
{
	struct latgroup *g = &l->lg;
	char a[24], b[24], c[24];

	if (!g->active)
		return;
	g->active = false;
	line_start(l, g->ts, g->pid, g->host);
	if (g->count == 1)
		strbuf_add(&l->sb, l->lone.buf, l->lone.len);
	else if (g->type == EV_SCHED)
		strbuf_addf(&l->sb, "sched delay %s avg, %s max ×%" PRIu64,
			    fmt_duration(g->sum_ns / g->count, a), fmt_duration(g->max_ns, b), g->count);
	else
		strbuf_addf(&l->sb, "block I/O %s %s avg, %s max (%s ×%" PRIu64 ")",
			    g->write ? "write" : "read", fmt_duration(g->sum_ns / g->count, a),
			    fmt_duration(g->max_ns, b), fmt_bytes(g->size, c), g->count);
	line_end(l);
}

/* Fold a sched delay (same task) or block request (same process, op, size). */
static void lat_event(struct lines *l, const struct evacc *a)
{
	const struct event *ev = a->ev;
	struct latgroup *g = &l->lg;
	bool write = ev->flags != 0;

	if (g->active && g->type == ev->type && g->pid == ev->pid &&
	    (ev->type == EV_SCHED ? g->tid == ev->tid : g->write == write && g->size == ev->bytes)) {
		g->count++;
		g->sum_ns += ev->dur;
		if (ev->dur > g->max_ns)
			g->max_ns = ev->dur;
		return;
	}
	lat_flush(l);
	*g = (struct latgroup){ .active = true, .type = ev->type, .pid = ev->pid, .tid = ev->tid,
				.host = ev->host,
				.write = write, .ts = ev->ts, .count = 1, .sum_ns = ev->dur,
				.max_ns = ev->dur, .size = ev->bytes };
	strbuf_reset(&l->lone);
	evform_text(&l->lone, a, false);
}

/* Print the pending read/write or fault line, if any. */
static void io_flush(struct lines *l)
{
	struct group *g = &l->g;
	char b1[24];

	if (!g->active)
		return;
	g->active = false;
	line_start(l, g->ts, g->pid, g->host);
	if (g->count == 1)
		strbuf_add(&l->sb, l->one.buf, l->one.len);
	else if (g->type == EV_FAULT)
		strbuf_addf(&l->sb, "faults %" PRIu64 " × %s in %s", g->count, fmt_bytes(g->first, b1),
			    g->target);
	else if (g->same_size)
		strbuf_addf(&l->sb, "%s %s ×%" PRIu64 " %s", evdesc_name(g->type),
			    fmt_bytes(g->first, b1), g->count, g->target);
	else
		strbuf_addf(&l->sb, "%s %s in %" PRIu64 " calls %s", evdesc_name(g->type),
			    fmt_bytes(g->bytes, b1), g->count, g->target);
	line_end(l);
}

void lines_flush(struct lines *l)
{
	io_flush(l);
	lat_flush(l);
}

/* Start the pending group g with the event a reads, whose target is in l->tmp. */
static void group_start(struct lines *l, const struct evacc *a, uint64_t count)
{
	const struct event *ev = a->ev;
	struct group *g = &l->g;

	*g = (struct group){ .active = true, .type = ev->type, .pid = ev->pid, .tid = ev->tid,
			     .host = ev->host,
			     .fd = ev->fd, .ts = ev->ts, .bytes = ev->bytes, .first = ev->bytes,
			     .count = count, .same_size = count == 1 };
	snprintf(g->target, sizeof(g->target), "%s", l->tmp.buf);
	strbuf_reset(&l->one);
	evform_text(&l->one, a, false);
}

/* Fold a read/write/send/recv into the pending group. */
static void io_event(struct lines *l, const struct evacc *a)
{
	const struct event *ev = a->ev;
	struct group *g = &l->g;
	uint64_t calls = ev->calls ? ev->calls : 1;   /* the kernel's counts sum up calls */

	strbuf_reset(&l->tmp);
	evform_field(&l->tmp, a, EVF_OBJ);
	if (g->active && g->type == ev->type && g->tid == ev->tid && g->fd == ev->fd &&
	    strcmp(g->target, l->tmp.buf) == 0) {
		g->count += calls;
		g->bytes += ev->bytes;
		g->same_size = g->same_size && calls == 1 && ev->bytes == g->first;
		return;
	}
	io_flush(l);
	group_start(l, a, calls);
}

/* Is the pending group about the region (shown name and fixed end) ev fell in? */
static bool same_region(const struct group *g, const char *name, uint64_t anchor)
{
	size_t n = strlen(name);

	return g->anchor == anchor && strncmp(g->target, name, n) == 0 &&
	       (g->target[n] == ' ' || g->target[n] == '\0');
}

/* Fold a page fault into the pending group of its process and region. */
static void fault_event(struct lines *l, const struct evacc *a)
{
	const struct event *ev = a->ev;
	struct group *g = &l->g;
	const struct region *r = ev->region;
	/* a stack grows down, a heap up: key on the end that stays put */
	uint64_t anchor = r ? ((r->flags & REGION_GROWSDOWN) ? r->end : r->start) : 0;
	char name[sizeof(g->target) - 24];

	visible_copy(name, sizeof(name), ev->path);
	if (g->active && g->type == EV_FAULT && g->pid == ev->pid && same_region(g, name, anchor)) {
		g->count++;
		g->bytes += ev->bytes;
		return;
	}
	lines_flush(l);
	strbuf_reset(&l->tmp);
	evform_field(&l->tmp, a, EVF_REGION_AT);
	group_start(l, a, 1);
	g->fd = -1;
	g->anchor = anchor;
}

/* Should this event be shown at all?  -v shows what the type keeps quiet,
 * --all what the noise filter hides. */
static bool shown(const struct lines *l, const struct event *ev)
{
	const struct evdesc *d = evdesc_of(ev->type);
	bool err = ev->ret < 0 && ev->ret >= -4095;

	if (!(l->flags & LINES_VERBOSE) &&
	    ((d->quiet & QUIET_ALWAYS) || ((d->quiet & QUIET_FAILED) && err) ||
	     ((d->quiet & QUIET_THREAD) && ev->thread)))
		return false;
	return (l->flags & LINES_ALL) || !noise_event(ev);
}

void lines_event(void *ctx, const struct event *ev)
{
	struct lines *l = ctx;
	struct evacc a = { .ev = ev, .cut = TARGET_MAX, .utf8 = true };

	if (ev->type == EV_FORK)
		l->multi = true;
	if (!shown(l, ev))
		return;
	switch (evdesc_of(ev->type)->fold) {
	case FOLD_FAULT:
		fault_event(l, &a);
		return;
	case FOLD_IO:
		io_event(l, &a);
		return;
	case FOLD_LAT:
		lat_event(l, &a);   /* never breaks a read/write group, nor is broken by one */
		return;
	default:
		break;
	}
	lines_flush(l);
	line_start(l, ev->ts, ev->pid, ev->host);
	evform_text(&l->sb, &a, false);
	strbuf_addch(&l->sb, '\n');
	if (ev->stack)
		stackfmt_text(&l->sb, ev->stack, "      at ");
	fwrite(l->sb.buf, 1, l->sb.len, l->out);
}

/* FINAL block: memory section. */
static void final_memory(struct strbuf *sb, const struct model *m)
{
	char a[24], b[24], c[24];
	uint64_t heap = model_heap_bytes(m), mm = model_mmap_bytes(m);

	strbuf_addf(sb, "Memory:\n  Heap:  %s\n  Mmap:  %s (%" PRIu64 " regions)\n  Total: %s\n",
		    fmt_bytes(heap, a), fmt_bytes(mm, b), model_mmap_regions(m), fmt_bytes(heap + mm, c));
}

/* The index of the largest count in a not yet shown, or n when none is left. */
static size_t next_biggest(struct faultagg *const *a, size_t n, const bool *shown_already)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++)
		if (!shown_already[i] && (best == n || a[i]->count > a[best]->count))
			best = i;
	return best;
}

/* " at 0x7f.. (12.0 MB rw-, mapped at +0.004s)": which mapping it is. */
static void final_mapping(struct strbuf *sb, const struct faultagg *a)
{
	char b[24], p[4];

	strbuf_addf(sb, " at 0x%" PRIx64 " (%s%s%s, mapped at +%.3fs)", a->start, fmt_bytes(a->len, b),
		    a->prot < 0 ? "" : " ", a->prot < 0 ? "" : fmt_prot(a->prot, p),
		    (double)a->made / 1e9);
}

/* FINAL block: page faults, the busiest mappings first (only with --faults). */
static void final_faults(struct lines *l, struct strbuf *sb, const struct model *m)
{
	size_t n, i, k;
	struct faultagg *const *a = model_faults(m, &n);
	uint64_t total = model_faults_total(m);
	bool *done;
	char b1[24], pb[FMT_PID_MAX];

	if (!total && !model_faults_lost(m))
		return;
	strbuf_addf(sb, "Page faults: %" PRIu64 " (%s), %" PRIu64 " lost\n", total,
		    fmt_bytes(total * REGION_PAGE, b1), model_faults_lost(m));
	done = xcalloc(n + 1, sizeof(*done));
	for (k = 0; k < 8 && (i = next_biggest(a, n, done)) < n; k++) {
		done[i] = true;
		strbuf_addf(sb, "  %8" PRIu64 "  %-9s ", a[i]->count,
			    fmt_bytes(a[i]->count * REGION_PAGE, b1));
		visible_addstr(sb, a[i]->region);
		if (a[i]->mapped)
			final_mapping(sb, a[i]);
		if (l->multi || model_pid_label(m, a[i]->pid))
			strbuf_addf(sb, " [%s]", fmt_pid(model_pid_label(m, a[i]->pid), a[i]->pid, pb));
		strbuf_addch(sb, '\n');
	}
	if (n > k)
		strbuf_addf(sb, "  (%zu more mappings)\n", n - k);
	free(done);
}

/* FINAL block: I/O section. */
static void final_io(struct strbuf *sb, const struct model *m)
{
	const struct io_totals *io = model_io(m);
	char a[24], b[24], c[24], d[24], e[24], f[24];

	strbuf_addf(sb, "I/O:\n  Files read:    %s\n  Files written: %s\n  Net sent:      %s\n"
		    "  Net received:  %s\n  IPC read:      %s\n  IPC written:   %s\n",
		    fmt_bytes(io->file_rd, a), fmt_bytes(io->file_wr, b), fmt_bytes(io->net_sent, c),
		    fmt_bytes(io->net_recv, d), fmt_bytes(io->ipc_rd, e), fmt_bytes(io->ipc_wr, f));
}

/* FINAL block: connections (localhost hidden unless --all). */
static void final_conns(struct lines *l, struct strbuf *sb, const struct model *m)
{
	size_t n, hidden = 0;
	struct conn *const *c = model_conns(m, &n);
	char a[24], b[24];

	strbuf_addstr(sb, "Network connections:\n");
	for (size_t i = 0; i < n; i++) {
		if (!(l->flags & LINES_ALL) && noise_addr(c[i]->peer ? c[i]->peer : c[i]->remote)) {
			hidden++;
			continue;
		}
		strbuf_addf(sb, "  %s %s ", model_kind_name(c[i]->kind),
			    c[i]->flow ? "↔" : c[i]->accepted ? "←" : "→");
		visible_addstr(sb, c[i]->peer ? c[i]->peer : c[i]->remote);
		strbuf_addf(sb, " (sent %s, received %s)\n", fmt_bytes(c[i]->sent, a),
			    fmt_bytes(c[i]->received, b));
	}
	if (n == 0)
		strbuf_addstr(sb, "  none\n");
	if (hidden)
		strbuf_addf(sb, "  (%zu to localhost not shown; --all shows them)\n", hidden);
}

/* "N waits, p50 .., p99 .., max .." for one kind of latency. */
static void final_lat_line(struct strbuf *sb, const char *label, const char *unit,
			   const struct lat_stats *s)
{
	char a[24], b[24], c[24], d[24];

	strbuf_addf(sb, "  %s %" PRIu64 " %s", label, s->count, unit);
	if (s->bytes)
		strbuf_addf(sb, ", %s", fmt_bytes(s->bytes, d));
	strbuf_addf(sb, ", p50 %s, p99 %s, max %s\n",
		    fmt_duration_us(model_lat_quantile_us(s, 0.5), a),
		    fmt_duration_us(model_lat_quantile_us(s, 0.99), b),
		    fmt_duration_us(model_lat_max_us(s), c));
}

/* FINAL block: latency (eBPF) and records lost, when there are any. */
static void final_latency(struct strbuf *sb, const struct model *m)
{
	const struct lat_stats *sched = model_latency(m, 0, HIST_SCHED);
	const struct lat_stats *block = model_latency(m, 0, HIST_BLOCK);

	if (sched || block)
		strbuf_addstr(sb, "Latency:\n");
	if (sched)
		final_lat_line(sb, "Sched delay:", "waits", sched);
	if (block)
		final_lat_line(sb, "Block I/O:  ", "requests", block);
	if (model_dropped(m))
		strbuf_addf(sb, "Dropped: %" PRIu64 " records or measurements a producer lost: "
			    "the totals above are incomplete\n", model_dropped(m));
}

/* FINAL block: processes, tracer cost, notes, exit. */
static void final_tail(struct strbuf *sb, const struct model *m)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);
	uint64_t threads = 0, stops, stopped;
	char a[24], w[48];

	for (size_t i = 0; i < n; i++)
		threads += (uint64_t)p[i]->threads - 1;
	strbuf_addf(sb, "Processes: %zu (%" PRIu64 " more threads)\n", n, threads);
	model_tracer_cost(m, &stops, &stopped);
	if (model_kernel_engine(m))
		strbuf_addstr(sb, "Tracer: kernel engine, no stops\n");
	else
		strbuf_addf(sb, "Tracer: %" PRIu64 " stops, tracee stopped %s\n", stops,
			    fmt_duration(stopped, a));
	for (const char *const *note = model_notes(m); note && *note; note++) {
		strbuf_addstr(sb, "Note: ");
		visible_addstr(sb, *note);
		strbuf_addch(sb, '\n');
	}
	if (model_end_reason(m) == END_DETACHED && model_root_status(m) < 0)
		strbuf_addstr(sb, "Ended: detached (still running)\n");
	else
		strbuf_addf(sb, "Ended: %s\n", fmt_wait_status(model_root_status(m), w));
}

/* FINAL block: each recording of a replay of several, with its totals. */
static void final_runs(struct strbuf *sb, const struct model *m)
{
	size_t nruns;
	const struct model_run *r = model_runs(m, &nruns);
	char a[24], b[24], c[24], d[24], w[48];

	if (nruns < 2)
		return;
	strbuf_addstr(sb, "Recordings:\n");
	for (size_t i = 0; i < nruns; i++) {
		strbuf_addstr(sb, "  ");
		visible_addstr(sb, r[i].label);
		strbuf_addch(sb, ':');
		for (char *const *arg = r[i].command; arg && *arg; arg++) {
			strbuf_addch(sb, ' ');
			visible_addstr(sb, *arg);
		}
		strbuf_addf(sb, "\n    %zu processes, %s, files read %s, written %s, net sent %s, "
			    "received %s\n", r[i].processes, fmt_wait_status(r[i].root_status, w),
			    fmt_bytes(r[i].io.file_rd, a), fmt_bytes(r[i].io.file_wr, b),
			    fmt_bytes(r[i].io.net_sent, c), fmt_bytes(r[i].io.net_recv, d));
	}
}

void lines_final(struct lines *l, const struct model *m)
{
	size_t nruns;
	static const char rule[] = "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n";
	struct strbuf *sb = &l->sb;

	lines_flush(l);
	strbuf_reset(sb);
	strbuf_addstr(sb, rule);
	strbuf_addstr(sb, "FINAL:");
	if (model_runs(m, &nruns), nruns > 1)
		strbuf_addf(sb, " %zu recordings", nruns);
	for (char *const *a = model_command(m); nruns == 1 && a && *a; a++) {
		strbuf_addch(sb, ' ');
		visible_addstr(sb, *a);
	}
	strbuf_addf(sb, " (%.2fs)\n", (double)model_duration(m) / 1e9);
	strbuf_addstr(sb, rule);
	final_runs(sb, m);
	final_memory(sb, m);
	final_faults(l, sb, m);
	final_io(sb, m);
	final_conns(l, sb, m);
	final_latency(sb, m);
	final_tail(sb, m);
	strbuf_addstr(sb, rule);
	fwrite(sb->buf, 1, sb->len, l->out);
	fflush(l->out);
}
