/* bench_ui.c - how fast the UI's data path is with a million events.
 *
 * A benchmark, not a test: it prints numbers and exits 0.  It builds N
 * synthetic records (reads and writes on files and a socket, opens,
 * closes, mmaps, from a process, a thread and a child), and measures:
 *   - model + store ingest rate (records per second, one core),
 *   - bytes of memory per stored event (store with durations + filtered
 *     index + lanes),
 *   - the time of a filter change over everything,
 *   - the time to render one frame (curses into /dev/null) at 80x24 and
 *     120x40, following the tail, in the middle, and zoomed in;
 *   - the analysis views (processes, syscalls, files, connections,
 *     latency): first frame, steady frames, frames that rebuild the table.
 * Usage: bench_ui [N]   (default 1000000)
 */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "app.h"
#include "keys.h"
#include "record.h"
#include "screen.h"
#include "util.h"

struct gen {
	unsigned char *buf;
	size_t len, cap, count;
	uint64_t ts;
	struct recbuf rb;
};

/* Append the record being built in g->rb to the buffer. */
static void emit(struct gen *g)
{
	size_t n = rec_finish(&g->rb);

	if (g->len + n > g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1 << 20;
		g->buf = xrealloc(g->buf, g->cap);
	}
	memcpy(g->buf + g->len, g->rb.buf, n);
	g->len += n;
	g->count++;
}

/* A finished system call of tid with result ret and an optional path. */
static void sys(struct gen *g, int tid, int nr, int64_t ret, uint64_t a0, const char *path)
{
	struct rec_syscall *s = rec_begin(&g->rb, REC_SYSCALL, g->ts += 1000, tid, 1000, sizeof(*s));

	s->nr = nr;
	s->ret = ret;
	s->entry_ts = g->ts - 400;   /* every call timed, as with a real trace */
	s->args[0] = a0;
	s->args[1] = 4096;
	s->args[2] = nr == SYS_openat ? O_RDONLY : 0;
	s->path_len = path ? (uint16_t)strlen(path) : 0;
	if (path)
		rec_blob(&g->rb, path, s->path_len);
	emit(g);
}

/* What fd refers to: a file path, or a TCP peer. */
static void fd_rec(struct gen *g, int tid, int fd, int kind, const char *path, bool peer)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(443) };
	struct rec_fd *f = rec_begin(&g->rb, REC_FD, g->ts, tid, 1000, sizeof(*f));

	f->fd = fd;
	f->kind = (uint8_t)kind;
	f->why = FDW_NEW;
	f->path_len = (uint16_t)strlen(path);
	f->raddr_len = peer ? sizeof(sa) : 0;
	rec_blob(&g->rb, path, f->path_len);
	if (peer) {
		inet_pton(AF_INET, "93.184.216.34", &sa.sin_addr);
		rec_blob(&g->rb, &sa, sizeof(sa));
	}
	emit(g);
}

/* Start, exec, files, a socket, a thread and a child. */
static void prologue(struct gen *g)
{
	static const char argv[] = "bench\0--run";
	struct rec_start *st = rec_begin(&g->rb, REC_START, g->ts = 1000000, 1000, 1000, sizeof(*st));
	struct rec_newtask *nt;
	char path[64];

	st->pid = 1000;
	st->argv_len = sizeof(argv);
	rec_blob(&g->rb, argv, sizeof(argv));
	emit(g);
	for (int k = 0; k < 8; k++) {
		snprintf(path, sizeof(path), "/home/user/data/file%d.dat", k);
		fd_rec(g, 1000, 3 + k, FDK_FILE, path, false);
		sys(g, 1000, SYS_openat, 3 + k, (uint64_t)-100, path);
	}
	fd_rec(g, 1000, 20, FDK_TCP4, "socket:[1234]", true);
	for (int k = 0; k < 2; k++) {
		nt = rec_begin(&g->rb, REC_NEWTASK, g->ts += 1000, 1000, 1000, sizeof(*nt));
		nt->child = 1001 + k;
		nt->kind = k ? NT_FORK : NT_CLONE;
		nt->flags = k ? 17 : 0x3d0f00;   /* SIGCHLD; CLONE_VM|FS|FILES|SIGHAND|THREAD|... */
		emit(g);
	}
}

/* The bulk: mostly I/O, some opens, closes and mappings. */
static void body(struct gen *g, size_t n)
{
	static const int tids[3] = { 1000, 1001, 1002 };
	char path[64];

	for (size_t i = 0; g->count < n; i++) {
		int tid = tids[i % 3], r = (int)(i % 20);

		if (r < 12)
			sys(g, tid, r & 1 ? SYS_write : SYS_read, 4096, 3 + i % 8, NULL);
		else if (r < 16)
			sys(g, tid, r & 1 ? SYS_sendto : SYS_recvfrom, 1200, 20, NULL);
		else if (r < 18)
			sys(g, tid, r & 1 ? SYS_munmap : SYS_mmap, 0x7f0000000000 + (i << 12), 0, NULL);
		else if (r == 18) {
			snprintf(path, sizeof(path), "/home/user/src/module%zu.c", i % 5000);
			fd_rec(g, tid, 11, FDK_FILE, path, false);
			sys(g, tid, SYS_openat, 11, (uint64_t)-100, path);
		} else {
			sys(g, tid, SYS_close, 0, 11, NULL);
		}
	}
}

/* Observer: into the store. */
static void to_store(void *ctx, const struct event *ev)
{
	store_add(ctx, ev);
}

/* Seconds since t0. */
static double since(uint64_t t0)
{
	return (double)(util_now_ns() - t0) / 1e9;
}

/* CPU time of this thread in ns (what one core spends, whatever the load). */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Feed every generated record to the model; returns wall seconds, *cpu CPU seconds. */
static double ingest(struct gen *g, struct model *m, double *cpu)
{
	uint64_t t0 = util_now_ns(), c0 = cpu_ns();

	for (size_t off = 0; off < g->len;) {
		const struct rec_hdr *h = (const void *)(g->buf + off);

		model_ingest(m, h);
		off += h->len;
	}
	*cpu = (double)(cpu_ns() - c0) / 1e9;
	return since(t0);
}

/* Time one filter change (ms). */
static double filter_ms(struct app *a)
{
	uint64_t t0 = util_now_ns();

	app_refilter(a);
	return since(t0) * 1e3;
}

/* Average ms per frame over n frames at rows x cols; step moves the selection. */
static double frames_ms(struct app *a, int rows, int cols, int n, long step)
{
	uint64_t t0;

	screen_set_size(rows, cols);
	app_layout(a, rows, cols);
	screen_draw(a);
	t0 = util_now_ns();
	for (int i = 0; i < n; i++) {
		if (step)
			list_move(&a->list, i % 2 ? -step : step, app_rows(a), (size_t)a->lay.list_h);
		app_layout(a, rows, cols);
		screen_draw(a);
	}
	return since(t0) * 1e3 / n;
}

/* Frames of one analysis view: the first (totals taken in and table built),
 * steady ones (nothing changed), and ones that rebuild the table each time
 * (what a live trace costs when something changes every frame). */
static void view_frames(struct app *a, enum mode_id id, const char *name)
{
	uint64_t t0 = util_now_ns();
	double first, steady, rebuild;

	a->mode = id;
	app_layout(a, 40, 120);
	screen_draw(a);
	first = since(t0) * 1e3;
	steady = frames_ms(a, 40, 120, 200, 0);
	t0 = util_now_ns();
	for (int i = 0; i < 50; i++) {
		a->tabs[id].built = false;
		app_layout(a, 40, 120);
		screen_draw(a);
	}
	rebuild = since(t0) * 1e3 / 50;
	printf("view %-12s 120x40: first %.1f ms, then %.2f ms a frame, %.2f ms with a rebuild "
	       "(%zu rows)\n", name, first, steady, rebuild, a->tabs[id].n);
}

/* Frame times in the situations that matter. */
static void bench_frames(struct app *a)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");

	if (!out || !in || screen_open_on(a, "xterm-256color", out, in, false, true) < 0) {
		printf("frame: cannot open a curses screen on /dev/null\n");
		return;
	}
	a->now_ns = a->start_ns + store_get(a->store, store_count(a->store) - 1)->ts;
	printf("frame 80x24, following the tail:   %.2f ms\n", frames_ms(a, 24, 80, 200, 0));
	printf("frame 120x40, following the tail:  %.2f ms\n", frames_ms(a, 40, 120, 200, 0));
	list_select(&a->list, app_rows(a) / 2, app_rows(a), 10);
	printf("frame 120x40, scrolling mid-list:  %.2f ms\n", frames_ms(a, 40, 120, 200, 1));
	for (int i = 0; i < 6; i++)
		app_key(a, '+');
	printf("frame 120x40, zoomed in 64x:       %.2f ms\n", frames_ms(a, 40, 120, 200, 1));
	a->search.len = 0;
	textmatch_set(&a->search, "module42");
	printf("frame 120x40, search highlighting: %.2f ms\n", frames_ms(a, 40, 120, 200, 1));
	view_frames(a, MODE_PROCS, "processes");
	view_frames(a, MODE_SYSCALLS, "syscalls");
	view_frames(a, MODE_FILES, "files");
	view_frames(a, MODE_CONNS, "connections");
	view_frames(a, MODE_LATENCY, "latency");
	filter_only_pid(&a->view.filter, 1002);
	view_frames(a, MODE_FILES, "files, 1 pid");
	view_frames(a, MODE_SYSCALLS, "syscalls, 1 pid");
	filter_clear(&a->view.filter);
	a->mode = MODE_EVENTS;
	screen_close();
	fclose(out);
	fclose(in);
}

/* Print one filter change's time and result. */
static void report_filter(struct app *a, const char *what)
{
	double ms = filter_ms(a);

	printf("filter: %-28s %6.1f ms (%zu shown)\n", what, ms, view_count(&a->view));
}

/* Filter changes over everything recorded. */
static void bench_filters(struct app *a)
{
	textmatch_set(&a->view.filter.text, "module42");
	report_filter(a, "text \"module42\":");
	textmatch_set(&a->view.filter.text, "");
	a->view.filter.cats = 1u << CAT_NET;
	report_filter(a, "category net only:");
	filter_clear(&a->view.filter);
	filter_only_pid(&a->view.filter, 1002);
	report_filter(a, "process 1002 only:");
	filter_clear(&a->view.filter);
	a->view.filter.hide_noise = false;
	report_filter(a, "noise off (everything):");
	a->view.filter.hide_noise = true;
	report_filter(a, "back to the default:");
}

/* Bytes the allocator has handed out, mmapped blocks included. */
static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000, sbytes;
	struct gen g = { 0 };
	struct model *m = model_new();
	struct store *s;
	struct app a;
	size_t heap0, heap1;
	double t, cpu;

	prologue(&g);
	body(&g, n);
	heap0 = heap_bytes();
	s = store_new();
	model_set_observer(m, to_store, s);
	t = ingest(&g, m, &cpu);
	printf("ingest: %zu records, %zu events in %.3f s = %.2f M records/s "
	       "(CPU %.3f s = %.2f M/s)\n", g.count, store_count(s), t, (double)g.count / t / 1e6,
	       cpu, (double)g.count / cpu / 1e6);
	app_init(&a, m, s);
	t = util_now_ns();
	app_ingest(&a);
	printf("index: first view over %zu events: %.1f ms\n", store_count(s), since((uint64_t)t) * 1e3);
	a.view.filter.hide_noise = false;
	app_refilter(&a);          /* the largest index: every event shown */
	heap1 = heap_bytes();
	store_strings(s, &sbytes);
	printf("memory: %.1f bytes per event (store + index + lanes + model), "
	       "plus %zu bytes of interned strings\n",
	       (double)(heap1 - heap0 - sbytes) / (double)store_count(s), sbytes);
	a.view.filter.hide_noise = true;
	bench_filters(&a);
	bench_frames(&a);
	app_release(&a);
	store_free(s);
	model_free(m);
	free(g.buf);
	return 0;
}
