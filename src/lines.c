/* lines.c - the --batch sink: plain lines, then the FINAL block.
 *
 * One line per event a person cares about, in the format people know from
 * compendium ("[+0.015s] connect tcp4 → 93.184.216.34:443"); consecutive
 * reads or writes of one task on one fd fold into a single line.  The
 * default noise filter (noise.c) and -v decide which events are shown.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "lines.h"
#include "noise.h"
#include "strbuf.h"
#include "sysent.h"
#include "util.h"
#include "visible.h"

struct group {
	bool active;
	enum ev_type type;
	int pid, tid, fd;
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
	bool write;
	uint64_t ts, count, sum_ns, max_ns, size;
};

struct lines {
	FILE *out;
	unsigned flags;
	bool multi;              /* more than one process seen: print [pid] */
	struct group g;
	struct latgroup lg;
	struct strbuf sb;
};

struct lines *lines_new(FILE *out, unsigned flags)
{
	struct lines *l = xcalloc(1, sizeof(*l));

	l->out = out;
	l->flags = flags;
	l->multi = flags & LINES_PIDS;
	strbuf_init(&l->sb, 256);
	return l;
}

void lines_free(struct lines *l)
{
	if (!l)
		return;
	strbuf_release(&l->sb);
	free(l);
}

/* Short text naming what an fd refers to. */
static const char *target(const struct fobj *o, char *buf, size_t cap, bool in)
{
	if (!o)
		return "?";
	if (o->remote && *o->remote) {
		size_t n = (size_t)snprintf(buf, cap, "%s ", in ? "←" : "→");
		visible_copy(buf + n, cap - n, o->remote);
		return buf;
	}
	if (o->path && *o->path)
		return visible_copy(buf, cap, o->path);
	return model_kind_name(o->kind);
}

/* Start a line: "[+0.015s] " and "[pid] " when several processes exist. */
static void line_start(struct lines *l, uint64_t ts, int pid)
{
	strbuf_reset(&l->sb);
	strbuf_addf(&l->sb, "[+%.3fs] ", (double)ts / 1e9);
	if (l->multi)
		strbuf_addf(&l->sb, "[%d] ", pid);
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
	line_start(l, g->ts, g->pid);
	if (g->type == EV_SCHED && g->count == 1)
		strbuf_addf(&l->sb, "sched delay %s", fmt_duration(g->sum_ns, a));
	else if (g->type == EV_SCHED)
		strbuf_addf(&l->sb, "sched delay %s avg, %s max ×%" PRIu64,
			    fmt_duration(g->sum_ns / g->count, a), fmt_duration(g->max_ns, b), g->count);
	else if (g->count == 1)
		strbuf_addf(&l->sb, "block I/O %s %s (%s)", g->write ? "write" : "read",
			    fmt_duration(g->sum_ns, a), fmt_bytes(g->size, c));
	else
		strbuf_addf(&l->sb, "block I/O %s %s avg, %s max (%s ×%" PRIu64 ")",
			    g->write ? "write" : "read", fmt_duration(g->sum_ns / g->count, a),
			    fmt_duration(g->max_ns, b), fmt_bytes(g->size, c), g->count);
	line_end(l);
}

/* Fold a sched delay (same task) or block request (same process, op, size). */
static void lat_event(struct lines *l, const struct event *ev)
{
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
				.write = write, .ts = ev->ts, .count = 1, .sum_ns = ev->dur,
				.max_ns = ev->dur, .size = ev->bytes };
}

/* Print the pending read/write line, if any. */
static void io_flush(struct lines *l)
{
	struct group *g = &l->g;
	char b1[24];

	if (!g->active)
		return;
	g->active = false;
	line_start(l, g->ts, g->pid);
	if (g->type == EV_FAULT && g->count == 1)
		strbuf_addf(&l->sb, "fault %s in %s", fmt_bytes(g->first, b1), g->target);
	else if (g->type == EV_FAULT)
		strbuf_addf(&l->sb, "faults %" PRIu64 " × %s in %s", g->count, fmt_bytes(g->first, b1),
			    g->target);
	else if (g->count == 1)
		strbuf_addf(&l->sb, "%s %s %s", model_event_name(g->type), fmt_bytes(g->bytes, b1), g->target);
	else if (g->same_size)
		strbuf_addf(&l->sb, "%s %s ×%" PRIu64 " %s", model_event_name(g->type),
			    fmt_bytes(g->first, b1), g->count, g->target);
	else
		strbuf_addf(&l->sb, "%s %s in %" PRIu64 " calls %s", model_event_name(g->type),
			    fmt_bytes(g->bytes, b1), g->count, g->target);
	line_end(l);
}

void lines_flush(struct lines *l)
{
	io_flush(l);
	lat_flush(l);
}

/* Fold a read/write/send/recv into the pending group. */
static void io_event(struct lines *l, const struct event *ev)
{
	struct group *g = &l->g;
	char tb[300];
	const char *tgt = target(ev->obj, tb, sizeof(tb), ev->type == EV_READ || ev->type == EV_RECV);

	uint64_t calls = ev->calls ? ev->calls : 1;   /* the kernel's counts sum up calls */

	if (g->active && g->type == ev->type && g->tid == ev->tid && g->fd == ev->fd &&
	    strcmp(g->target, tgt) == 0) {
		g->count += calls;
		g->bytes += ev->bytes;
		g->same_size = g->same_size && calls == 1 && ev->bytes == g->first;
		return;
	}
	io_flush(l);
	*g = (struct group){ .active = true, .type = ev->type, .pid = ev->pid, .tid = ev->tid,
			     .fd = ev->fd, .ts = ev->ts, .bytes = ev->bytes, .first = ev->bytes,
			     .count = calls, .same_size = calls == 1 };
	snprintf(g->target, sizeof(g->target), "%s", tgt);
}

/* Is the pending group about the region (shown name and fixed end) ev fell in? */
static bool same_region(const struct group *g, const char *name, uint64_t anchor)
{
	size_t n = strlen(name);

	return g->anchor == anchor && strncmp(g->target, name, n) == 0 &&
	       (g->target[n] == ' ' || g->target[n] == '\0');
}

/* Fold a page fault into the pending group of its process and region. */
static void fault_event(struct lines *l, const struct event *ev)
{
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
	*g = (struct group){ .active = true, .type = EV_FAULT, .pid = ev->pid, .tid = ev->tid,
			     .fd = -1, .ts = ev->ts, .bytes = ev->bytes, .first = ev->bytes,
			     .count = 1, .anchor = anchor };
	if (r)
		snprintf(g->target, sizeof(g->target), "%s 0x%" PRIx64, name, r->start);
	else
		snprintf(g->target, sizeof(g->target), "%s", name);
}

/* Should this event be shown at all? */
static bool shown(const struct lines *l, const struct event *ev)
{
	bool all = l->flags & LINES_ALL, verbose = l->flags & LINES_VERBOSE;
	bool err = ev->ret < 0 && ev->ret >= -4095;

	switch (ev->type) {
	case EV_SYSCALL:
	case EV_CLOSE:
		return verbose && (all || !noise_obj(ev->obj));
	case EV_OPEN:
		if (err && !verbose)
			return false;
		return all || !noise_path(ev->path);
	case EV_CONNECT:
		return all || !noise_addr(ev->conn ? ev->conn->remote : ev->addr_text);
	case EV_ACCEPT:
		return all || !noise_addr(ev->conn ? ev->conn->remote : NULL);
	case EV_EXIT:
		return !ev->thread || verbose;
	case EV_FAULT:
		return all || !noise_path(ev->path);
	case EV_MMAP:
		return all || !ev->obj || !noise_obj(ev->obj);
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
		return all || !noise_obj(ev->obj) || !noise_obj(ev->obj2);
	default:
		return all || !noise_obj(ev->obj);
	}
}

/* A mapping length rounded up to whole pages, as the kernel maps it. */
static uint64_t page_up(uint64_t n)
{
	return (n + 4095) & ~(uint64_t)4095;
}

/* Body of a line for events that are not grouped. */
static void event_text(struct lines *l, const struct event *ev)
{
	struct strbuf *sb = &l->sb;
	char b1[24], b2[300], b3[300];
	const char *err = ev->ret < 0 && ev->ret >= -4095 ? fmt_errno_name((int)-ev->ret) : NULL;

	switch (ev->type) {
	case EV_EXEC: {
		const char *base = strrchr(ev->path, '/');
		strbuf_addstr(sb, "─── ");
		visible_addstr(sb, base ? base + 1 : ev->path);
		strbuf_addstr(sb, " exec ───");
		for (char **a = ev->proc ? ev->proc->argv : NULL; a && *a; a++) {
			strbuf_addch(sb, ' ');
			visible_addstr(sb, *a);
		}
		break;
	}
	case EV_FORK:
		strbuf_addf(sb, "%s → pid %d", ev->status == 0 ? "fork" : ev->status == 1 ? "vfork" : "clone",
			    ev->child);
		break;
	case EV_THREAD:
		strbuf_addf(sb, "thread ↳ tid %d", ev->child);
		break;
	case EV_EXIT:
		strbuf_addf(sb, "%s%s", ev->thread ? "thread " : "", fmt_wait_status(ev->status, b2));
		break;
	case EV_OPEN: {
		int mode = ev->obj ? ev->obj->mode : 0;
		strbuf_addstr(sb, "open ");
		visible_addstr(sb, ev->path ? ev->path : "?");
		if (err)
			strbuf_addf(sb, " failed: %s", err);
		else if (ev->obj && ev->obj->kind == FDK_DIR)
			strbuf_addstr(sb, " (dir)");
		else
			strbuf_addstr(sb, mode == 3 ? " (read/write)" : mode == 2 ? " (write)" : " (read)");
		break;
	}
	case EV_CLOSE:
		strbuf_addf(sb, "close %s", target(ev->obj, b2, sizeof(b2), false));
		break;
	case EV_CONNECT:
	case EV_ACCEPT:
		strbuf_addf(sb, "%s %s %s ", model_event_name(ev->type),
			    ev->obj ? model_kind_name(ev->obj->kind) : "?",
			    ev->type == EV_ACCEPT ? "←" : "→");
		visible_addstr(sb, ev->conn ? ev->conn->remote : ev->addr_text ? ev->addr_text :
			       ev->obj && ev->obj->remote ? ev->obj->remote : "?");
		if (err && ev->ret != -115)
			strbuf_addf(sb, " failed: %s", err);
		break;
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
		strbuf_addf(sb, "%s %s %s → %s", model_event_name(ev->type), fmt_bytes(ev->bytes, b1),
			    target(ev->obj, b2, sizeof(b2), true), target(ev->obj2, b3, sizeof(b3), false));
		break;
	case EV_MMAP:
		strbuf_addf(sb, "mmap %" PRIx64 "-%" PRIx64 " %s %s ", ev->addr, ev->addr + page_up(ev->bytes),
			    fmt_prot(ev->prot, b2), fmt_bytes(ev->bytes, b1));
		visible_addstr(sb, ev->obj ? ev->obj->path : "anon");
		break;
	case EV_MUNMAP:
	case EV_MREMAP:
		strbuf_addf(sb, "%s %" PRIx64 "-%" PRIx64 " %s", model_event_name(ev->type), ev->addr,
			    ev->addr + page_up(ev->bytes), fmt_bytes(ev->bytes, b1));
		break;
	case EV_BRK:
		strbuf_addf(sb, "brk heap %s", fmt_bytes(ev->bytes, b1));
		break;
	case EV_SIGNAL:
		strbuf_addf(sb, "signal %s", fmt_signame(ev->status));
		break;
	case EV_SYSCALL: {
		const char *name = sysent_name(ev->flags == ARCH_I386, ev->nr);
		strbuf_addf(sb, "syscall %s%s", ev->flags == ARCH_I386 ? "i386:" : "", name ? name : "?");
		if (!name)
			strbuf_addf(sb, "#%d", ev->nr);
		if (err)
			strbuf_addf(sb, " = -1 %s", err);
		else
			strbuf_addf(sb, " = %" PRId64, ev->ret);
		if (ev->path) {
			strbuf_addstr(sb, " (");
			visible_addstr(sb, ev->path);
			strbuf_addch(sb, ')');
		}
		break;
	}
	default:
		break;
	}
}

void lines_event(void *ctx, const struct event *ev)
{
	struct lines *l = ctx;

	if (ev->type == EV_FORK)
		l->multi = true;
	if (!shown(l, ev))
		return;
	if (ev->type == EV_FAULT) {
		fault_event(l, ev);
		return;
	}
	if (ev->type == EV_READ || ev->type == EV_WRITE || ev->type == EV_SEND || ev->type == EV_RECV) {
		io_event(l, ev);
		return;
	}
	if (ev->type == EV_SCHED || ev->type == EV_BLOCK) {
		lat_event(l, ev);   /* never breaks a read/write group, nor is broken by one */
		return;
	}
	lines_flush(l);
	line_start(l, ev->ts, ev->pid);
	event_text(l, ev);
	line_end(l);
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
	char b1[24];

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
		if (l->multi)
			strbuf_addf(sb, " [%d]", a[i]->pid);
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
		if (!(l->flags & LINES_ALL) && noise_addr(c[i]->remote)) {
			hidden++;
			continue;
		}
		strbuf_addf(sb, "  %s %s ", model_kind_name(c[i]->kind), c[i]->accepted ? "←" : "→");
		visible_addstr(sb, c[i]->remote);
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
	strbuf_addf(sb, "Tracer: %" PRIu64 " stops, tracee stopped %s\n", stops, fmt_duration(stopped, a));
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

void lines_final(struct lines *l, const struct model *m)
{
	static const char rule[] = "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n";
	struct strbuf *sb = &l->sb;

	lines_flush(l);
	strbuf_reset(sb);
	strbuf_addstr(sb, rule);
	strbuf_addstr(sb, "FINAL:");
	for (char *const *a = model_command(m); a && *a; a++) {
		strbuf_addch(sb, ' ');
		visible_addstr(sb, *a);
	}
	strbuf_addf(sb, " (%.2fs)\n", (double)model_duration(m) / 1e9);
	strbuf_addstr(sb, rule);
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
