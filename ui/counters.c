/* counters.c - the live numbers: memory, I/O with rates, connections, tasks.
 *
 * Cells are short phrases ("heap 132 KB") that the renderer flows into as
 * many lines as the width needs.  This file must never draw and never read
 * /proc outside counters_read_rss.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters.h"
#include "fmt.h"

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

/* "sched 653 p50 4.7us p99 48us max 4.1ms" for one kind of latency. */
static void lat_text(char *buf, size_t cap, const char *label, const struct lat_stats *s)
{
	char a[24], b[24], c[24];

	snprintf(buf, cap, "%s %llu p50 %s p99 %s max %s", label, (unsigned long long)s->count,
		 fmt_duration_us(model_lat_quantile_us(s, 0.5), a),
		 fmt_duration_us(model_lat_quantile_us(s, 0.99), b),
		 fmt_duration_us(model_lat_max_us(s), c));
}

/* "faults 5598 (21.9 MB)" when --faults samples them, else how to turn it on. */
static void faults_text(const struct model *m, char *buf, size_t cap)
{
	uint64_t n = model_faults_total(m), lost = model_faults_lost(m);
	char a[24];

	if (!model_faults_on(m)) {
		snprintf(buf, cap, "faults: off (--faults)");
		return;
	}
	snprintf(buf, cap, "faults %llu (%s)", (unsigned long long)n, fmt_bytes(n * REGION_PAGE, a));
	if (lost)
		snprintf(buf + strlen(buf), cap - strlen(buf), " lost %llu", (unsigned long long)lost);
}

/* Latency when --ebpf measures it and faults with --faults, or how to turn them on. */
static void latency_text(const struct model *m, bool wide, char *buf, size_t cap)
{
	const struct lat_stats *sched = model_latency(m, 0, HIST_SCHED);
	const struct lat_stats *block = model_latency(m, 0, HIST_BLOCK);
	char a[96] = "", b[96] = "", f[64];

	faults_text(m, f, sizeof(f));
	if (!sched && !block && !model_faults_on(m)) {
		snprintf(buf, cap, "%s", wide ? "Latency, faults: off (--ebpf / --faults to turn on)" :
			 "latency, faults: off (--ebpf/--faults)");
		return;
	}
	if (!sched && !block) {
		snprintf(buf, cap, "Latency: off (--ebpf)  %s", f);
		return;
	}
	if (sched)
		lat_text(a, sizeof(a), "sched", sched);
	if (block)
		lat_text(b, sizeof(b), "block", block);
	snprintf(buf, cap, "Latency: %s%s%s  %s", a, *a && *b ? "  " : "", b, f);
}

/* The tasks group: processes, live ones, threads, and latency. */
static void tasks_cell(const struct model *m, bool wide, char *cell)
{
	size_t n, live = 0;
	struct proc *const *p = model_procs(m, &n);
	unsigned long long th = 0;
	char lat[COUNTER_CELL];

	for (size_t i = 0; i < n; i++) {
		live += !p[i]->exited;
		th += (unsigned long long)(p[i]->threads > 1 ? p[i]->threads - 1 : 0);
	}
	latency_text(m, wide, lat, sizeof(lat));
	snprintf(cell, COUNTER_CELL, "Tasks: procs %zu (%zu live)  threads %llu  %.*s", n, live, th,
		 COUNTER_CELL / 2, lat);
}

size_t counters_cells(const struct counters *c, const struct model *m, bool wide,
		      char cells[][COUNTER_CELL], size_t max)
{
	const struct io_totals *io = model_io(m);
	char a[24], b[24], r1[48], r2[48];
	size_t nconn;

	if (max < COUNTER_CELLS)
		return 0;
	model_conns(m, &nconn);
	snprintf(r2, sizeof(r2), "  RSS %s%s", fmt_bytes(c->rss, r1), c->rss_last ? " (last seen)" : "");
	snprintf(cells[0], COUNTER_CELL, "Memory: heap %s  mmap %s (%llu regions)%s",
		 fmt_bytes(model_heap_bytes(m), a), fmt_bytes(model_mmap_bytes(m), b),
		 (unsigned long long)model_mmap_regions(m), c->no_rss ? "" : r2);
	snprintf(cells[1], COUNTER_CELL, "Files: read %s  written %s",
		 io_text(c, r1, io->file_rd, &c->file_rd), io_text(c, r2, io->file_wr, &c->file_wr));
	snprintf(cells[2], COUNTER_CELL, "Net: sent %s  recv %s  conns %zu",
		 io_text(c, r1, io->net_sent, &c->net_tx), io_text(c, r2, io->net_recv, &c->net_rx), nconn);
	tasks_cell(m, wide, cells[3]);
	return COUNTER_CELLS;
}

/* Display width of UTF-8 text (code points; cells hold no wide characters). */
static int text_width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

size_t counters_flow(char cells[][COUNTER_CELL], size_t n, int width, size_t *starts,
		     size_t max_lines)
{
	size_t lines = 0;
	int used = 0;

	if (!max_lines)
		return 0;
	starts[0] = 0;
	for (size_t i = 0; i < n; i++) {
		int w = text_width(cells[i]);

		if (used && used + 3 + w > width) {
			if (lines + 1 == max_lines)
				break;
			starts[++lines] = i;
			used = 0;
		}
		used += (used ? 3 : 0) + w;
		starts[lines + 1] = i + 1;
	}
	return n ? lines + 1 : 0;
}
