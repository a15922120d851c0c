/*
 * report_gen.c - make HTML reports and trace exports for the report tests.
 *
 *   report_gen synth N [--max M] OUT.html [OUT.trace.json]
 *       builds a model and store from N synthetic events (records fed to the
 *       real model: several processes and threads, files, pipes, sockets,
 *       memory, deletes and renames, latencies and hostile names) and
 *       writes the report
 *   report_gen replay REC [--max M] [-v] OUT.html [OUT.trace.json]
 *       the same from a recording made with compendium-tui --record (-v:
 *       every raw system call as an event too, as compendium-tui -v shows)
 *   report_gen merge REC REC [--max M] [-v] OUT.html [OUT.trace.json]
 *       the same from two recordings replayed as one (--replay A B): merged
 *       by time, each one's processes labelled with its host
 *
 * Either way it prints one JSON object on stdout with what the report must
 * show, counted here straight from the store (not with the report code):
 * events, kept events, lanes, lanes and events per process and category,
 * events per type, noise counts, the last event, the timed calls (spans)
 * and latencies, and the longest timed call (in synth: a read that blocks
 * through all the work).  It must never depend on the report's own helpers
 * for those numbers, so a bug there cannot hide itself.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "hmap.h"
#include "json.h"
#include "model.h"
#include "record.h"
#include "recording.h"
#include "report.h"
#include "store.h"
#include "strbuf.h"
#include "tracejson.h"
#include "util.h"

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
		      CLONE_SYSVSEM)
#define MAX_TID 1024     /* synthetic tids stay below this */

static struct model *m;
static struct store *st;
static struct recbuf rb;
static uint64_t now = 1000000000ull;
static int tgid[MAX_TID];
static uint64_t slow_entry;     /* when thread 106 entered its one long read */

/* Hostile names the report must show as text and never run. */
static const char *const hostile[] = {
	"/tmp/</script><script>window.__pwned=1</script>.txt",
	"/tmp/<img src=x onerror=\"window.__pwned=2\">.txt",
	"/tmp/bad\xff\xfe utf8.txt",
	"/tmp/esc\x1b[31mred.txt",
	"/tmp/evil\xe2\x80\xaetxt.exe",
	"/tmp/line\xe2\x80\xa8sep & <b>amp</b>.txt",
};

/* ---- feeding records ---- */

/* Begin a record for tid, dt ns after the previous one. */
static void *begin(enum rec_type type, int tid, size_t fixed, uint64_t dt)
{
	now += dt;
	return rec_begin(&rb, type, now, tid, tgid[tid] ? tgid[tid] : tid, fixed);
}

/* Seal, validate and ingest the record being built. */
static void feed(void)
{
	size_t len = rec_finish(&rb);

	if (rec_validate(rb.buf, len) != 0) {
		fprintf(stderr, "report_gen: built an invalid record\n");
		exit(99);
	}
	model_ingest(m, (const struct rec_hdr *)rb.buf);
}

/* NUL-separated argv blob; returns its length. */
static uint32_t argv_blob(const char *const *argv)
{
	uint32_t n = 0;

	for (; *argv; argv++)
		n += (uint32_t)rec_blob(&rb, *argv, strlen(*argv) + 1);
	return n;
}

/* REC_START for pid running argv. */
static void start(int pid, const char *const *argv)
{
	struct rec_start *s = begin(REC_START, pid, sizeof(*s), 0);

	s->pid = pid;
	s->tracer_pid = 1;
	s->mode = START_SPAWN;
	s->argv_len = argv_blob(argv);
	feed();
}

/* REC_EXEC of tid. */
static void exec_prog(int tid, const char *exe, const char *const *argv)
{
	struct rec_exec *r = begin(REC_EXEC, tid, sizeof(*r), 2000);

	r->old_tid = tid;
	r->exe_len = (uint16_t)rec_blob(&rb, exe, strlen(exe));
	r->argv_len = argv_blob(argv);
	feed();
}

/* REC_NEWTASK: parent made child (a thread when thread is set). */
static void newtask(int parent, int child, int thread)
{
	struct rec_newtask *r = begin(REC_NEWTASK, parent, sizeof(*r), 3000);

	r->child = child;
	r->flags = thread ? THREAD_FLAGS : SIGCHLD;
	r->kind = thread ? NT_CLONE : NT_FORK;
	tgid[child] = thread ? (tgid[parent] ? tgid[parent] : parent) : 0;
	feed();
}

/* REC_EXIT of tid. */
static void exit_task(int tid, int status, int leader)
{
	struct rec_exit *r = begin(REC_EXIT, tid, sizeof(*r), 1500);

	r->status = status;
	r->leader = (uint32_t)leader;
	feed();
}

/* REC_FD for a new fd of tid. */
static void fd_rec(int tid, int fd, int kind, const char *path, const void *raddr, size_t rlen)
{
	struct rec_fd *r = begin(REC_FD, tid, sizeof(*r), 200);

	r->fd = fd;
	r->kind = (uint8_t)kind;
	r->why = FDW_NEW;
	r->path_len = (uint16_t)rec_blob(&rb, path, strlen(path));
	r->raddr_len = raddr ? (uint16_t)rec_blob(&rb, raddr, rlen) : 0;
	feed();
}

/* REC_SYSCALL of tid, dt ns after the previous record. */
static void sys_rec(int tid, int nr, int64_t ret, const uint64_t args[6], uint64_t dt,
		    const void *addr, size_t alen)
{
	struct rec_syscall *s = begin(REC_SYSCALL, tid, sizeof(*s), dt);

	s->nr = nr;
	s->orig_nr = nr;
	s->arch = ARCH_X86_64;
	s->ret = ret;
	memcpy(s->args, args, sizeof(s->args));
	s->entry_ts = now - dt / 2;
	s->addr_len = addr ? (uint16_t)rec_blob(&rb, addr, alen) : 0;
	feed();
}

#define SYS(tid, nr, ret, dt, ...) \
	sys_rec((tid), (nr), (ret), (const uint64_t[6]){ __VA_ARGS__ }, (dt), NULL, 0)

/* ---- the synthetic workload ---- */

/* Open path as fd, read and close it (4 events). */
static void file_round(int tid, int fd, const char *path, unsigned k)
{
	fd_rec(tid, fd, FDK_FILE, path, NULL, 0);
	SYS(tid, SYS_openat, fd, 800, (uint64_t)AT_FDCWD, 0x1000, O_RDONLY, 0);
	SYS(tid, SYS_read, 4096, 500 + k % 700, (uint64_t)fd, 0x2000, 4096);
	SYS(tid, SYS_read, 100 + k % 900, 400, (uint64_t)fd, 0x2000, 4096);
	SYS(tid, SYS_close, 0, 300, (uint64_t)fd);
}

/* A failed open of a missing file (1 event). */
static void failed_open(int tid, unsigned k)
{
	char path[64];
	struct rec_syscall *s;

	snprintf(path, sizeof(path), "/missing/file-%u", k % 50);
	s = begin(REC_SYSCALL, tid, sizeof(*s), 600);
	s->nr = s->orig_nr = SYS_openat;
	s->ret = -ENOENT;
	s->args[0] = (uint64_t)AT_FDCWD;
	s->args[2] = O_RDONLY;
	s->entry_ts = now - 300;
	s->path_len = (uint16_t)rec_blob(&rb, path, strlen(path));
	feed();
}

/* A call that names files as the tracer sends it: path, and a second one
 * after a NUL (a rename's new path). */
static void names_rec(int tid, int nr, int64_t ret, uint64_t arg2, const char *path,
		      const char *path2)
{
	struct rec_syscall *s = begin(REC_SYSCALL, tid, sizeof(*s), 700);

	s->nr = s->orig_nr = nr;
	s->ret = ret;
	s->args[2] = arg2;
	s->entry_ts = now - 300;
	s->path_len = (uint16_t)rec_blob(&rb, path, strlen(path) + (path2 != NULL));
	if (path2)
		s->path_len += (uint16_t)rec_blob(&rb, path2, strlen(path2));
	feed();
}

/* A rename to a hostile name, a directory deleted, a failed delete (3 events). */
static void names_changed(int tid)
{
	names_rec(tid, SYS_rename, 0, 0, "/data/old name.txt", "/data/new\x1b[7m.txt");
	names_rec(tid, SYS_unlinkat, 0, AT_REMOVEDIR, "/data/gone", NULL);
	names_rec(tid, SYS_unlink, -ENOENT, 0, "/data/missing", NULL);
}

/* Connect a tcp4 socket to 10.1.x.y:80, send, receive, close (4 events). */
static void net_round(int tid, int fd, unsigned k)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(80) };

	sin.sin_addr.s_addr = htonl(0x0a010000u | (k % 200 + 1));
	fd_rec(tid, fd, FDK_TCP4, "socket:[1]", NULL, 0);
	SYS(tid, SYS_socket, fd, 300, AF_INET, SOCK_STREAM, 0);
	fd_rec(tid, fd, FDK_TCP4, "socket:[1]", &sin, sizeof(sin));
	sys_rec(tid, SYS_connect, 0, (const uint64_t[6]){ (uint64_t)fd, 0x3000, sizeof(sin) },
		900, &sin, sizeof(sin));
	SYS(tid, SYS_sendto, 300, 400, (uint64_t)fd, 0x2000, 300, 0, 0, 0);
	SYS(tid, SYS_recvfrom, 1200 + k % 3000, 2000, (uint64_t)fd, 0x2000, 65536, 0, 0, 0);
	SYS(tid, SYS_close, 0, 300, (uint64_t)fd);
}

/* mmap and munmap an anonymous region; grow the heap (3 events). */
static void mem_round(int tid, unsigned k)
{
	uint64_t len = 4096u * (1 + k % 64), addr = 0x7f0000000000ull + 0x100000ull * (k % 512);

	SYS(tid, SYS_mmap, (int64_t)addr, 700, 0, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	SYS(tid, SYS_munmap, 0, 500, addr, len);
	SYS(tid, SYS_brk, (int64_t)(0x555000000000ull + 4096ull * (k % 1000 + 1)), 300,
	    0x555000000000ull + 4096ull * (k % 1000 + 1));
}

/* A write to a pipe (1 event, io category). */
static void pipe_write(int tid, int fd)
{
	SYS(tid, SYS_write, 64, 300, (uint64_t)fd, 0x2000, 64);
}

/* A scheduler latency and a page fault, straight into the store. */
static void latency_events(int pid, int tid, unsigned k)
{
	struct event ev = { .ts = now - 1000000000ull + 100, .pid = pid, .tid = tid,
			    .type = EV_SCHED, .nr = -1, .dur = 15000 + k % 90000 };

	store_add(st, &ev);
	ev.type = EV_FAULT;
	ev.dur = 0;
	ev.addr = 0x555000001000ull + 4096ull * (k % 50);
	store_add(st, &ev);
}

/* Thread tid's one read of a file, blocked since slow_entry (1 event). */
static void slow_read(int tid, int fd)
{
	struct rec_syscall *s;

	fd_rec(tid, fd, FDK_FILE, "/data/slow-read.txt", NULL, 0);
	s = begin(REC_SYSCALL, tid, sizeof(*s), 1000);
	s->nr = s->orig_nr = SYS_read;
	s->arch = ARCH_X86_64;
	s->ret = 512;
	s->args[0] = (uint64_t)fd;
	s->args[2] = 4096;
	s->entry_ts = slow_entry;
	feed();
}

/* Processes 100 (root), 101, 102 (hostile exe); threads 103, 104, 105, and
 * 106, which blocks in one read from its start to the end of the work. */
static void synth_tree(void)
{
	static const char *const root_argv[] = { "synth", "--flag", "</script>", NULL };
	static const char *const worker_argv[] = { "worker", "-n", "3", NULL };
	static const char *const evil_argv[] = { "evil", "<img src=x onerror=alert(1)>", NULL };

	start(100, root_argv);
	exec_prog(100, "/usr/bin/synth", root_argv);
	SYS(100, SYS_pipe2, 0, 300, 0x4000, 0);
	fd_rec(100, 5, FDK_PIPE, "pipe:[77]", NULL, 0);
	newtask(100, 101, 0);
	exec_prog(101, "/usr/bin/worker", worker_argv);
	newtask(100, 102, 0);
	exec_prog(102, "/tmp/</script><b>evil\xe2\x80\xae</b>", evil_argv);
	newtask(100, 103, 1);
	newtask(101, 104, 1);
	newtask(101, 105, 1);
	newtask(100, 106, 1);
	slow_entry = now + 20000;
}

/* One round of work for task tid of process pid. */
static void synth_round(int pid, int tid, unsigned k, size_t n)
{
	char path[80];

	snprintf(path, sizeof(path), "/data/%d/file-%u.txt", pid, k % 300);
	switch (k % 8) {
	case 0: case 1: case 2:
		file_round(tid, 10, k % 97 == 0 ? hostile[(k / 97) % 6] : path, k);
		break;
	case 3: case 4:
		net_round(tid, 20, k);
		break;
	case 5:
		mem_round(tid, k);
		break;
	case 6:
		failed_open(tid, k);
		if (pid == 100)
			pipe_write(tid, 5);
		if (k % 5 == 0)
			file_round(tid, 12, "/proc/self/stat", k);   /* noise */
		break;
	default:
		if (k % 16 == 7 && store_count(st) + 2 < n)
			latency_events(pid, tid, k);
		else
			file_round(tid, 11, path, k);
		break;
	}
}

/* Feed about n events, then end every task. */
static void synth(size_t n)
{
	static const int tasks[][2] = {
		{ 100, 100 }, { 101, 101 }, { 102, 102 }, { 100, 103 }, { 101, 104 }, { 101, 105 },
	};
	unsigned k = 0;

	synth_tree();
	while (store_count(st) + 40 < n) {
		const int *t = tasks[k % 6];

		synth_round(t[0], t[1], k / 6 * 7 + k % 6, n);
		k++;
	}
	slow_read(106, 30);
	names_changed(100);
	exit_task(106, 0, 0);
	exit_task(103, 0, 0);
	exit_task(104, 0, 0);
	exit_task(105, 0, 0);
	exit_task(102, 9, 1);              /* killed by SIGKILL */
	exit_task(101, 3 << 8, 1);
	exit_task(100, 0, 1);
	begin(REC_END, 100, sizeof(struct rec_end), 1000);
	feed();
}

/* Feed a recording to the model: one file, or two merged by time (b not
 * NULL), each labelled with its host as --replay A B labels them. */
static int replay(const char *path, const char *b)
{
	char why[256];
	struct recording *r = recording_open(path, why, sizeof(why));
	const void *rec;
	size_t len;
	int got;

	if (r && b) {
		struct recording *parts[2] = { r, recording_open(b, why, sizeof(why)) };
		char *names[2] = { (char *)path, (char *)b };
		char *const *labels;
		size_t nlabels;

		r = parts[1] ? recording_merge(parts, names, 2, why, sizeof(why)) : NULL;
		if (!parts[1])
			recording_close(parts[0]);
		if (r) {
			labels = recording_labels(r, &nlabels);
			model_set_runs(m, labels, nlabels);
		}
	}
	if (!r) {
		fprintf(stderr, "report_gen: %s\n", why);
		return -1;
	}
	while ((got = recording_next(r, &rec, &len, why, sizeof(why))) > 0)
		if (rec_validate(rec, len) == 0)
			model_ingest_run(m, recording_run(r), rec);
	recording_close(r);
	if (got < 0)
		fprintf(stderr, "report_gen: %s\n", why);
	return got < 0 ? -1 : 0;
}

/* ---- the manifest ---- */

struct task_info {
	int pid, tid;
	unsigned cats;         /* bit per category with a non-noise event */
	size_t events, shown;  /* all events, non-noise events */
	bool ended;            /* its exit was seen */
};

static struct imap tasks_seen;   /* tid -> struct task_info */
static struct task_info **task_list;
static size_t ntasks;

/* Note task tid of pid (a lane) and optionally an event of it; born: a
 * fork or clone names it, which after its exit is a new task (a pid used
 * again, as the timeline gives it a lane of its own). */
static void note_task(int pid, int tid, const struct sevent *e, bool born)
{
	struct task_info *t = imap_get(&tasks_seen, (uint64_t)(uint32_t)tid);

	if (!t || (born && t->ended)) {
		t = xcalloc(1, sizeof(*t));
		t->pid = pid;
		t->tid = tid;
		imap_put(&tasks_seen, (uint64_t)(uint32_t)tid, t);
		task_list = xreallocarray(task_list, ntasks + 1, sizeof(*task_list));
		task_list[ntasks++] = t;
	}
	if (!e)
		return;
	if (e->type == EV_EXIT && e->tid == tid)
		t->ended = true;
	t->events++;
	if (!(e->flags & SEV_NOISE)) {
		t->shown++;
		t->cats |= 1u << e->cat;
	}
}

/* Index of the last event in time order among those not hidden as noise. */
static size_t last_shown(size_t n)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++) {
		const struct sevent *e = store_get(st, i);

		if (e->flags & SEV_NOISE)
			continue;
		if (best == n || e->ts >= store_get(st, best)->ts)
			best = i;
	}
	return best;
}

/* Count lanes and events per process and category straight from the store. */
static void count_tasks(size_t n)
{
	size_t np;
	struct proc *const *p = model_procs(m, &np);

	for (size_t i = 0; i < np; i++)
		note_task(p[i]->pid, p[i]->pid, NULL, false);
	for (size_t i = 0; i < n; i++) {
		const struct sevent *e = store_get(st, i);

		note_task(e->pid, e->tid, e, false);
		if (e->type == EV_FORK)
			note_task(e->fd, e->fd, NULL, true);
		else if (e->type == EV_THREAD)
			note_task(e->pid, e->fd, NULL, true);
	}
}

/* "by_pid":{"100":{"lanes":2,"shown":N}, ...} */
static void per_pid(struct strbuf *sb)
{
	bool first = true;

	strbuf_addstr(sb, ",\"by_pid\":{");
	for (size_t i = 0; i < ntasks; i++) {
		size_t lanes = 0, shown = 0;
		int pid = task_list[i]->pid;
		bool done = false;

		for (size_t j = 0; j < i && !done; j++)
			done = task_list[j]->pid == pid;
		if (done)
			continue;
		for (size_t j = 0; j < ntasks; j++)
			if (task_list[j]->pid == pid) {
				lanes++;
				shown += task_list[j]->shown;
			}
		strbuf_addf(sb, "%s\"%d\":{\"lanes\":%zu,\"shown\":%zu}", first ? "" : ",", pid,
			    lanes, shown);
		first = false;
	}
	strbuf_addch(sb, '}');
}

/* "by_cat":{"file":{"shown":N,"lanes":L}, ...} */
static void per_cat(struct strbuf *sb, size_t n)
{
	strbuf_addstr(sb, ",\"by_cat\":{");
	for (int c = 0; c < CAT_MAX; c++) {
		size_t shown = 0, lanes = 0;

		for (size_t i = 0; i < n; i++) {
			const struct sevent *e = store_get(st, i);

			shown += e->cat == c && !(e->flags & SEV_NOISE);
		}
		for (size_t t = 0; t < ntasks; t++)
			lanes += (task_list[t]->cats >> c) & 1;
		strbuf_addf(sb, "%s\"%s\":{\"shown\":%zu,\"lanes\":%zu}", c ? "," : "",
			    evdesc_cat_name((enum ev_cat)c), shown, lanes);
	}
	strbuf_addch(sb, '}');
}

/* "by_type":{"read":N, ...}: events per type, noise left out. */
static void per_type(struct strbuf *sb, size_t n)
{
	size_t shown[EV_TYPE_MAX] = { 0 };
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		const struct sevent *e = store_get(st, i);

		if (!(e->flags & SEV_NOISE) && e->type < EV_TYPE_MAX)
			shown[e->type]++;
	}
	strbuf_addstr(sb, ",\"by_type\":{");
	for (int t = 0; t < EV_TYPE_MAX; t++) {
		if (!shown[t])
			continue;
		strbuf_addf(sb, "%s\"%s\":%zu", first ? "" : ",", evdesc_name((enum ev_type)t), shown[t]);
		first = false;
	}
	strbuf_addch(sb, '}');
}

/* ,"spans":N,"latencies":N,"longest":{...}: timed calls (X slices in the
 * trace export), latencies (async there), and the longest call. */
static void durations(struct strbuf *sb, size_t n)
{
	size_t spans = 0, lats = 0, best = n;

	for (size_t i = 0; i < n; i++) {
		const struct sevent *e = store_get(st, i);

		if (e->cat == CAT_LAT) {
			lats++;
			continue;
		}
		if (!store_dur(st, i))
			continue;
		spans++;
		if (best == n || store_dur(st, i) > store_dur(st, best))
			best = i;
	}
	strbuf_addf(sb, ",\"spans\":%zu,\"latencies\":%zu", spans, lats);
	if (best == n)
		return;
	strbuf_addf(sb, ",\"longest\":{\"tid\":%d,\"end\":%llu,\"dur\":%llu,\"type\":\"%s\",\"path\":",
		    store_get(st, best)->tid, (unsigned long long)store_get(st, best)->ts,
		    (unsigned long long)store_dur(st, best),
		    evdesc_name((enum ev_type)store_get(st, best)->type));
	json_cstr(sb, store_str(st, store_get(st, best)->str));
	strbuf_addch(sb, '}');
}

/* Print what the report must show. */
static void manifest(size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = store_count(st), lanes = 0, noise = 0, last = last_shown(n);

	count_tasks(n);
	lanes = ntasks;
	for (size_t i = 0; i < n; i++)
		noise += (store_get(st, i)->flags & SEV_NOISE) != 0;
	strbuf_addf(&sb, "{\"events\":%zu,\"kept\":%zu,\"noise\":%zu,\"lanes\":%zu", n,
		    max && n > max ? max : n, noise, lanes);
	if (last < n)
		strbuf_addf(&sb, ",\"last_ts\":%llu,\"last_type\":\"%s\"",
			    (unsigned long long)store_get(st, last)->ts,
			    evdesc_name((enum ev_type)store_get(st, last)->type));
	per_pid(&sb);
	per_cat(&sb, n);
	per_type(&sb, n);
	durations(&sb, n);
	strbuf_addstr(&sb, ",\"hostile\":[");
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		if (i)
			strbuf_addch(&sb, ',');
		json_cstr(&sb, hostile[i]);
	}
	strbuf_addstr(&sb, "]}\n");
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

/* Write the outputs; returns an exit code. */
static int write_outputs(const char *html, const char *trace, size_t max)
{
	int err = report_write(m, st, html, max);

	if (err) {
		fprintf(stderr, "report_gen: %s: %s\n", html, strerror(-err));
		return 1;
	}
	if (trace && (err = tracejson_write(m, st, trace))) {
		fprintf(stderr, "report_gen: %s: %s\n", trace, strerror(-err));
		return 1;
	}
	manifest(max);
	for (size_t i = 0; i < ntasks; i++)
		free(task_list[i]);
	free(task_list);
	imap_release(&tasks_seen);
	return 0;
}

/* Print usage and return 2. */
static int usage(void)
{
	fputs("usage: report_gen synth N [--max M] OUT.html [OUT.json]\n"
	      "       report_gen replay REC [--max M] [-v] OUT.html [OUT.json]\n"
	      "       report_gen merge REC REC [--max M] [-v] OUT.html [OUT.json]\n", stderr);
	return 2;
}

/* Build the trace the arguments ask for and write its outputs. */
int main(int argc, char **argv)
{
	size_t max = REPORT_MAX_EVENTS_DEFAULT;
	bool merge = argc > 1 && !strcmp(argv[1], "merge");
	int code, a = merge ? 4 : 3;
	bool verbose = false;

	if (argc < a + 1)
		return usage();
	for (;;) {
		if (!strcmp(argv[a], "--max") && a + 2 < argc) {
			max = strtoul(argv[a + 1], NULL, 10);
			a += 2;
		} else if (!strcmp(argv[a], "-v") && a + 1 < argc) {
			verbose = true;
			a++;
		} else {
			break;
		}
	}
	m = model_new();
	st = store_new();
	model_set_verbose(m, verbose);
	model_set_observer(m, store_add, st);
	if (!strcmp(argv[1], "synth"))
		synth(strtoul(argv[2], NULL, 10));
	else if (!strcmp(argv[1], "replay") || merge) {
		if (replay(argv[2], merge ? argv[3] : NULL) < 0)
			return 1;
	} else {
		return usage();
	}
	code = write_outputs(argv[a], a + 1 < argc ? argv[a + 1] : NULL, max);
	model_free(m);
	store_free(st);
	return code;
}
