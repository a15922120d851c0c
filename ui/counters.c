/* counters.c - the live numbers: memory, I/O with rates, connections, tasks.
 *
 * Fields are short phrases, a label and its value ("heap 132 KB"), that
 * are placed whole into as many lines as the screen gives, the least
 * important left out when they do not all fit; a field is never cut.  This
 * file must never draw and never read /proc outside counters_read_rss.
 */
#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "fmt.h"
#include "regions.h"

/* Add a sample (value is a running total). */
void rate_push(struct rate *r, uint64_t now_ns, uint64_t value)
{
	r->t[r->head] = now_ns;
	r->v[r->head] = value;
	r->head = (r->head + 1) % RATE_SLOTS;
	if (r->n < RATE_SLOTS)
		r->n++;
}

/* Per-second rate over the samples kept (0 with fewer than two). */
uint64_t rate_per_sec(const struct rate *r)
{
	size_t last = (r->head + RATE_SLOTS - 1) % RATE_SLOTS;
	size_t first = (r->head + RATE_SLOTS - r->n) % RATE_SLOTS;
	uint64_t dt;

	if (r->n < 2)
		return 0;
	dt = r->t[last] - r->t[first];
	if (!dt || r->v[last] < r->v[first])
		return 0;
	return (uint64_t)((double)(r->v[last] - r->v[first]) * 1e9 / (double)dt);
}

/* Take a rate sample of the model's I/O totals. */
void counters_sample(struct counters *c, const struct model *m, uint64_t now_ns)
{
	const struct io_totals *io = model_io(m);

	rate_push(&c->file_rd, now_ns, io->file_rd);
	rate_push(&c->file_wr, now_ns, io->file_wr);
	rate_push(&c->net_tx, now_ns, io->net_sent);
	rate_push(&c->net_rx, now_ns, io->net_recv);
}

/* Resident bytes of one process from /proc/PID/statm, 0 when unreadable. */
static uint64_t statm_rss(int pid)
{
	char path[64], buf[128];
	unsigned long size, resident;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/statm", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%lu %lu", &size, &resident) != 2)
		return 0;
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Read the RSS of every live traced process (system calls. */
void counters_read_rss(struct counters *c, const struct model *m)
{
	size_t n, procs = 0;
	struct proc *const *p = model_procs(m, &n);
	uint64_t rss = 0, r;

	for (size_t i = 0; i < n; i++) {
		if (p[i]->exited || !(r = statm_rss(p[i]->pid)))
			continue;
		rss += r;
		procs++;
	}
	/* When everything has ended, keep showing the last size seen. */
	c->rss_last = !procs && c->rss;
	if (procs)
		c->rss = rss;
	c->rss_procs = procs;
}

/* Append a field of group g and priority prio (dropped when f is full). */
static void add(struct cfield *f, size_t *n, size_t max, int g, int prio, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void add(struct cfield *f, size_t *n, size_t max, int g, int prio, const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return;
	f[*n].group = (uint8_t)g;
	f[*n].prio = (uint8_t)prio;
	va_start(ap, fmt);
	vsnprintf(f[*n].text, sizeof(f[*n].text), fmt, ap);
	va_end(ap);
	++*n;
}

/* "total (rate/s)", or just the total once tracing has ended. */
static const char *io_text(const struct counters *c, char buf[static 48], uint64_t total,
			   const struct rate *r)
{
	char a[24], b[24];

	if (c->ended)
		snprintf(buf, 48, "%s", fmt_bytes(total, a));
	else
		snprintf(buf, 48, "%s (%s/s)", fmt_bytes(total, a), fmt_bytes(rate_per_sec(r), b));
	return buf;
}

/* Memory: heap, mmap, regions, RSS. */
static void memory_fields(const struct counters *c, const struct model *m, struct cfield *f,
			  size_t *n, size_t max)
{
	char a[24];

	add(f, n, max, CG_MEMORY, 0, "heap %s", fmt_bytes(model_heap_bytes(m), a));
	add(f, n, max, CG_MEMORY, 0, "mmap %s", fmt_bytes(model_mmap_bytes(m), a));
	add(f, n, max, CG_MEMORY, 5, "(%llu regions)", (unsigned long long)model_mmap_regions(m));
	if (!c->no_rss)
		add(f, n, max, CG_MEMORY, 2, "RSS %s%s", fmt_bytes(c->rss, a),
		    c->rss_last ? " (last seen)" : "");
}

/* Files and Net: bytes with rates, connections. */
static void io_fields(const struct counters *c, const struct model *m, struct cfield *f,
		      size_t *n, size_t max)
{
	const struct io_totals *io = model_io(m);
	char r[48];
	size_t nconn;

	model_conns(m, &nconn);
	add(f, n, max, CG_FILES, 0, "read %s", io_text(c, r, io->file_rd, &c->file_rd));
	add(f, n, max, CG_FILES, 0, "written %s", io_text(c, r, io->file_wr, &c->file_wr));
	add(f, n, max, CG_NET, 1, "sent %s", io_text(c, r, io->net_sent, &c->net_tx));
	add(f, n, max, CG_NET, 1, "recv %s", io_text(c, r, io->net_recv, &c->net_rx));
	add(f, n, max, CG_NET, 2, "conns %zu", nconn);
}

/* Tasks: processes (live ones) and threads. */
static void task_fields(const struct model *m, struct cfield *f, size_t *n, size_t max)
{
	size_t np, live = 0;
	struct proc *const *p = model_procs(m, &np);
	unsigned long long th = 0;

	for (size_t i = 0; i < np; i++) {
		live += !p[i]->exited;
		th += (unsigned long long)(p[i]->threads > 1 ? p[i]->threads - 1 : 0);
	}
	add(f, n, max, CG_TASKS, 0, "procs %zu (%zu live)", np, live);
	add(f, n, max, CG_TASKS, 2, "threads %llu", th);
}

/* One kind of latency (g: CG_SCHED or CG_BLOCK): how many, p50, p99, max. */
static void lat_fields(const struct lat_stats *s, int g, struct cfield *f, size_t *n, size_t max)
{
	char a[24];

	add(f, n, max, g, 0, "%llu %s", (unsigned long long)s->count,
	    g == CG_SCHED ? "waits" : "requests");
	add(f, n, max, g, 3, "p50 %s", fmt_duration_us(model_lat_quantile_us(s, 0.5), a));
	add(f, n, max, g, 1, "p99 %s", fmt_duration_us(model_lat_quantile_us(s, 0.99), a));
	add(f, n, max, g, 1, "max %s", fmt_duration_us(model_lat_max_us(s), a));
}

/* The mapping with the most sampled faults, or NULL. */
static const struct faultagg *busiest_mapping(const struct model *m)
{
	size_t n;
	struct faultagg *const *a = model_faults(m, &n);
	const struct faultagg *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (a[i]->mapped && (!best || a[i]->count > best->count))
			best = a[i];
	return best;
}

/* Faults: how many, lost, and the mapping that took most of them. */
static void fault_fields(const struct model *m, struct cfield *f, size_t *n, size_t max)
{
	const struct faultagg *top = busiest_mapping(m);
	uint64_t total = model_faults_total(m), lost = model_faults_lost(m);
	const char *name;
	char a[24];

	if (!model_faults_on(m)) {
		add(f, n, max, CG_FAULTS, 7, "off (--faults)");
		return;
	}
	add(f, n, max, CG_FAULTS, 0, "%llu (%s)", (unsigned long long)total,
	    fmt_bytes(total * REGION_PAGE, a));
	if (lost)
		add(f, n, max, CG_FAULTS, 4, "lost %llu", (unsigned long long)lost);
	if (!top)
		return;
	name = top->kind == RK_FILE && strrchr(top->region, '/') ? strrchr(top->region, '/') + 1 :
	       top->region;
	add(f, n, max, CG_FAULTS, 5, "most in %.40s at 0x%llx (%s): %llu", name,
	    (unsigned long long)top->start, fmt_bytes(top->len, a),
	    (unsigned long long)top->count);
}

size_t counters_fields(const struct counters *c, const struct model *m, struct cfield *f,
		       size_t max)
{
	const struct lat_stats *sched = model_latency(m, 0, HIST_SCHED);
	const struct lat_stats *block = model_latency(m, 0, HIST_BLOCK);
	size_t n = 0;

	memory_fields(c, m, f, &n, max);
	io_fields(c, m, f, &n, max);
	task_fields(m, f, &n, max);
	if (sched)
		lat_fields(sched, CG_SCHED, f, &n, max);
	if (block)
		lat_fields(block, CG_BLOCK, f, &n, max);
	if (!sched && !block)
		add(f, &n, max, CG_LATENCY, 7, "off (--ebpf)");
	fault_fields(m, f, &n, max);
	return n;
}

/* Display width of UTF-8 text (code points; fields hold no wide characters). */
int counters_width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* The label of group g, with its colon ("" for none). */
static const char *group_label(int g)
{
	static const char *const labels[CG_MAX] = {
		[CG_MEMORY] = "Memory:", [CG_FILES] = "Files:", [CG_NET] = "Net:",
		[CG_TASKS] = "Tasks:", [CG_SCHED] = "Sched delay:", [CG_BLOCK] = "Block I/O:",
		[CG_LATENCY] = "Latency:", [CG_FAULTS] = "Faults:", [CG_NONE] = "",
	};

	return g >= 0 && g < CG_MAX ? labels[g] : "";
}

/* Columns field i takes after prev (-1: first on its line): the separator,
 * the group label when the group starts there, and its text. */
static int piece_width(const struct cfield *f, long prev, size_t i)
{
	int w = counters_width(f[i].text);
	bool same = prev >= 0 && f[prev].group == f[i].group;

	if (!same && *group_label(f[i].group))
		w += counters_width(group_label(f[i].group)) + 1;
	return w + (prev < 0 ? 0 : same ? 2 : 3);
}

/* Columns the shown fields of i's group from i on take after prev. */
static int group_width(const struct cfield *f, size_t n, const int *line, long prev, size_t i)
{
	int w = 0;

	for (size_t j = i; j < n && f[j].group == f[i].group; j++)
		if (line[j] != -1) {
			w += piece_width(f, prev, j);
			prev = (long)j;
		}
	return w;
}

/* Flow the fields not dropped into lines, a group on a new line when it
 * fits there whole but not after what the line holds; false when they need
 * more than max_lines.  line[i] gets each field's line (-1 stays). */
static bool flow(const struct cfield *f, size_t n, int width, size_t max_lines, int *line,
		 size_t *used_lines)
{
	long prev = -1;
	int used = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		bool starts = prev >= 0 && f[prev].group != f[i].group;

		if (line[i] == -1)
			continue;
		if (prev >= 0 && (used + piece_width(f, prev, i) > width ||
				  (starts && used + group_width(f, n, line, prev, i) > width &&
				   group_width(f, n, line, -1, i) <= width))) {
			if ((size_t)++k >= max_lines)
				return false;
			prev = -1;
			used = 0;
		}
		used += piece_width(f, prev, i);
		line[i] = k;
		prev = (long)i;
	}
	*used_lines = prev >= 0 || k ? (size_t)k + 1 : 0;
	return true;
}

/* The field to leave out next: the least important, the last of those. */
static long least_important(const struct cfield *f, size_t n, const int *line)
{
	long worst = -1;

	for (size_t i = 0; i < n; i++)
		if (line[i] != -1 && (worst < 0 || f[i].prio >= f[worst].prio))
			worst = (long)i;
	return worst;
}

size_t counters_place(const struct cfield *f, size_t n, int width, size_t max_lines, int *line)
{
	size_t used = 0;
	long out;

	for (size_t i = 0; i < n; i++)   /* a field wider than a line is never shown */
		line[i] = piece_width(f, -1, i) <= width ? 0 : -1;
	if (!max_lines) {
		for (size_t i = 0; i < n; i++)
			line[i] = -1;
		return 0;
	}
	while (!flow(f, n, width, max_lines, line, &used) && (out = least_important(f, n, line)) >= 0) {
		for (size_t i = 0; i < n; i++)
			line[i] = line[i] == -1 ? -1 : 0;
		line[out] = -1;
	}
	return used;
}

/* Append s to text and mark each byte m; false when it does not fit. */
static bool put_marked(char *text, char *mark, size_t cap, size_t *len, const char *s, char m)
{
	size_t l = strlen(s);

	if (*len + l + 1 > cap)
		return false;
	memcpy(text + *len, s, l);
	memset(mark + *len, m, l);
	*len += l;
	text[*len] = mark[*len] = '\0';
	return true;
}

size_t counters_line(const struct cfield *f, size_t n, const int *line, int k, char *text,
		     char *mark, size_t cap)
{
	size_t len = 0;
	long prev = -1;

	if (!cap)
		return 0;
	text[0] = mark[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		bool same = prev >= 0 && f[prev].group == f[i].group;

		if (line[i] != k)
			continue;
		if (prev >= 0)
			put_marked(text, mark, cap, &len, same ? "  " : " | ", same ? CMARK_TEXT : CMARK_SEP);
		if (!same && *group_label(f[i].group)) {
			put_marked(text, mark, cap, &len, group_label(f[i].group), CMARK_LABEL);
			put_marked(text, mark, cap, &len, " ", CMARK_TEXT);
		}
		put_marked(text, mark, cap, &len, f[i].text, CMARK_TEXT);
		prev = (long)i;
	}
	return len;
}

/* A count in at most five characters: 950, 340k, 1.2M. */
static const char *count_short(size_t n, char buf[static 24])
{
	if (n < 1000)
		snprintf(buf, 24, "%zu", n);
	else if (n < 1000000)
		snprintf(buf, 24, "%zuk", n / 1000);
	else if (n < 100000000)
		snprintf(buf, 24, "%zu.%zuM", n / 1000000, n / 100000 % 10);
	else
		snprintf(buf, 24, "%zuM", n / 1000000);
	return buf;
}

size_t counters_header_fields(const struct model *m, uint64_t elapsed_ns, size_t events,
			      size_t on_disk, struct cfield *f, size_t max)
{
	uint64_t stops, stopped;
	size_t n = 0;
	char a[24], b[24], c[24];

	add(f, &n, max, CG_NONE, 0, "%s", fmt_duration(elapsed_ns - elapsed_ns % 100000000, a));
	if (on_disk)
		add(f, &n, max, CG_NONE, 1, "events %s (%s mem, %s disk)", count_short(events, a),
		    count_short(events - on_disk, b), count_short(on_disk, c));
	else
		add(f, &n, max, CG_NONE, 1, "events %zu", events);
	/* Drops make every total short: say so, not just how many. */
	add(f, &n, max, CG_NONE, 2, model_dropped(m) ? "drops %llu INCOMPLETE" : "drops %llu",
	    (unsigned long long)model_dropped(m));
	model_tracer_cost(m, &stops, &stopped);
	/* The tracer tells what it cost the program only when tracing ends. */
	if (model_kernel_engine(m))
		add(f, &n, max, CG_NONE, 3, "kernel engine, no stops");
	else if (stops || model_ended(m))
		add(f, &n, max, CG_NONE, 3, "stopped for tracing %s (%llu stops)",
		    fmt_duration(stopped, a), (unsigned long long)stops);
	else
		add(f, &n, max, CG_NONE, 4, "time stopped for tracing: known at the end");
	return n;
}

/* Columns the shown right-hand fields take (two before each, one after all). */
static int right_width(const struct cfield *f, size_t n, const bool *shown)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		if (shown[i])
			w += 2 + counters_width(f[i].text);
	return w ? w + 1 : 0;
}

int counters_header_place(int width, const char *command, const char *state,
			  const struct cfield *f, size_t n, bool *shown, bool *state_on)
{
	int cmd = counters_width(command), cmd_min = cmd < 12 ? cmd : 12;
	int sw = counters_width(state), left;
	long out;

	*state_on = sw <= width;
	if (!*state_on)
		sw = 0;
	for (size_t i = 0; i < n; i++)
		shown[i] = true;
	while (cmd_min + 2 + sw + right_width(f, n, shown) > width) {
		out = -1;
		for (size_t i = 0; i < n; i++)
			if (shown[i] && (out < 0 || f[i].prio >= f[out].prio))
				out = (long)i;
		if (out < 0)
			break;
		shown[out] = false;
	}
	left = width - sw - (sw ? 2 : 0) - right_width(f, n, shown);
	return left < 2 ? 0 : left < cmd ? left : cmd;
}

void counters_header_right(const struct cfield *f, size_t n, const bool *shown, char *buf,
			   size_t cap)
{
	size_t len = 0;

	if (!cap)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		if (shown[i] && len < cap)
			len += (size_t)snprintf(buf + len, cap - len, "  %s", f[i].text);
	if (len && len < cap)
		snprintf(buf + len, cap - len, " ");
}
