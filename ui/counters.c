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

void rate_push(struct rate *r, uint64_t now_ns, uint64_t value)
{
	r->t[r->head] = now_ns;
	r->v[r->head] = value;
	r->head = (r->head + 1) % RATE_SLOTS;
	if (r->n < RATE_SLOTS)
		r->n++;
}

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

void counters_read_rss(struct counters *c, const struct model *m)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);

	c->rss = 0;
	c->rss_procs = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i]->exited)
			continue;
		c->rss += statm_rss(p[i]->pid);
		c->rss_procs++;
	}
}

/* "label total (rate/s)". */
static void io_cell(char *cell, const char *label, uint64_t total, const struct rate *r)
{
	char a[24], b[24];

	snprintf(cell, COUNTER_CELL, "%s %s (%s/s)", label, fmt_bytes(total, a),
		 fmt_bytes(rate_per_sec(r), b));
}

/* Process and thread counts. */
static void task_cells(const struct model *m, char *procs, char *threads)
{
	size_t n, live = 0;
	struct proc *const *p = model_procs(m, &n);
	uint64_t th = 0;

	for (size_t i = 0; i < n; i++) {
		live += !p[i]->exited;
		th += (uint64_t)(p[i]->threads > 1 ? p[i]->threads - 1 : 0);
	}
	snprintf(procs, COUNTER_CELL, "procs %zu (%zu live)", n, live);
	snprintf(threads, COUNTER_CELL, "threads %llu", (unsigned long long)th);
}

size_t counters_cells(const struct counters *c, const struct model *m,
		      char cells[][COUNTER_CELL], size_t max)
{
	const struct io_totals *io = model_io(m);
	char a[24], b[24];
	size_t n = 0, nconn;

	if (max < 11)
		return 0;
	model_conns(m, &nconn);
	snprintf(cells[n++], COUNTER_CELL, "heap %s", fmt_bytes(model_heap_bytes(m), a));
	snprintf(cells[n++], COUNTER_CELL, "mmap %s (%llu regions)", fmt_bytes(model_mmap_bytes(m), b),
		 (unsigned long long)model_mmap_regions(m));
	snprintf(cells[n++], COUNTER_CELL, "RSS %s", fmt_bytes(c->rss, a));
	io_cell(cells[n++], "file read", io->file_rd, &c->file_rd);
	io_cell(cells[n++], "written", io->file_wr, &c->file_wr);
	io_cell(cells[n++], "net sent", io->net_sent, &c->net_tx);
	io_cell(cells[n++], "received", io->net_recv, &c->net_rx);
	snprintf(cells[n++], COUNTER_CELL, "conns %zu", nconn);
	task_cells(m, cells[n], cells[n + 1]);
	n += 2;
	snprintf(cells[n++], COUNTER_CELL, "latency & faults: off (--ebpf / --faults to turn on)");
	return n;
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

		if (used && used + 2 + w > width) {
			if (lines + 1 == max_lines)
				break;
			starts[++lines] = i;
			used = 0;
		}
		used += (used ? 2 : 0) + w;
		starts[lines + 1] = i + 1;
	}
	return n ? lines + 1 : 0;
}
