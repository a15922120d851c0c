/* evtext.c - stored events described in words, for the list and details.
 *
 * Everything here formats what the store and the model already concluded;
 * it must never decode a system call's arguments itself beyond the fields
 * the store documents, and never print or draw.
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "evtext.h"
#include "fmt.h"
#include "sysent.h"
#include "visible.h"

/* Arrow glyphs: out, in, thread. */
static const char *arrow(bool utf8, int which)
{
	static const char *const u[] = { "→", "←", "↳" }, *const a[] = { "->", "<-", "+" };

	return utf8 ? u[which] : a[which];
}

/* "+1.234s" style time of ts (ns since start) into buf. */
const char *evtext_time(uint64_t ts, char buf[static 24])
{
	uint64_t ms = ts / 1000000;

	if (ms < 1000ull * 1000)
		snprintf(buf, 24, "+%" PRIu64 ".%03" PRIu64 "s", ms / 1000, ms % 1000);
	else
		snprintf(buf, 24, "+%" PRIu64 "s", ms / 1000);
	return buf;
}

/* Append string id of the store as visible text, or none if it is empty. */
static void add_str(struct strbuf *sb, const struct store *s, uint32_t id, const char *none)
{
	const char *t = id ? store_str(s, id) : "";

	visible_addstr(sb, *t ? t : none);
}

/* Append the string of an event, or what its fd kind is called when there is none. */
static void target(struct strbuf *sb, const struct store *s, const struct sevent *e, uint32_t id)
{
	add_str(sb, s, id, model_kind_name(e->kind));
}

/* " failed: ENOENT" for a failed event. */
static void failure(struct strbuf *sb, const struct sevent *e)
{
	if (e->flags & SEV_FAILED)
		strbuf_addf(sb, " failed: %s", fmt_errno_name((int)-e->val));
}

/* open: path, mode, failure. */
static void open_text(struct strbuf *sb, const struct store *s, const struct sevent *e)
{
	int acc = (int)(e->addr & O_ACCMODE);

	strbuf_addstr(sb, "open ");
	add_str(sb, s, e->str, "?");
	if (e->flags & SEV_FAILED)
		failure(sb, e);
	else if (e->kind == FDK_DIR)
		strbuf_addstr(sb, " (dir)");
	else if (e->addr & O_PATH)
		strbuf_addstr(sb, " (path only)");
	else
		strbuf_addstr(sb, acc == O_RDWR ? " (read/write)" : acc == O_WRONLY ? " (write)" : " (read)");
}

/* read/write/send/recv: bytes and where. */
static void io_text(struct strbuf *sb, const struct store *s, const struct sevent *e, bool utf8)
{
	char b[24];
	bool in = e->type == EV_READ || e->type == EV_RECV;
	bool peer = e->kind >= FDK_TCP4 && e->kind <= FDK_UDP6 && e->str;

	strbuf_addf(sb, "%s %s ", model_event_name(e->type), fmt_bytes((uint64_t)e->val, b));
	if (peer)
		strbuf_addf(sb, "%s ", arrow(utf8, in));
	target(sb, s, e, e->str);
	if (e->fd >= 0 && e->fd <= 2 && !peer)
		strbuf_addf(sb, " (fd %d)", e->fd);
}

/* mmap and friends. */
static void mem_text(struct strbuf *sb, const struct store *s, const struct sevent *e)
{
	char b[24], p[4];
	uint64_t len = (uint64_t)e->val;

	switch (e->type) {
	case EV_MMAP:
		strbuf_addf(sb, "mmap %" PRIx64 "-%" PRIx64 " %s %s ", e->addr, e->addr + len,
			    fmt_prot((int)((uint32_t)e->fd >> 24), p), fmt_bytes(len, b));
		add_str(sb, s, e->str, "anon");
		break;
	case EV_BRK:
		strbuf_addf(sb, "brk heap %s", fmt_bytes(len, b));
		break;
	case EV_FAULT:
		strbuf_addf(sb, "page fault at %" PRIx64, e->addr);
		break;
	default:
		strbuf_addf(sb, "%s %" PRIx64 "-%" PRIx64 " %s", model_event_name(e->type), e->addr,
			    e->addr + len, fmt_bytes(len, b));
		break;
	}
}

/* exec, fork, thread, exit, signal. */
static void proc_text(struct strbuf *sb, const struct store *s, const struct sevent *e, bool utf8)
{
	static const char *const how[] = { "fork", "vfork", "clone" };

	switch (e->type) {
	case EV_EXEC: {
		const char *exe = store_str(s, e->str), *argv = store_str(s, e->str2);
		size_t n = strlen(exe);

		strbuf_addstr(sb, "exec ");
		visible_addstr(sb, *argv ? argv : exe);
		if (*argv && !(strncmp(argv, exe, n) == 0 && (argv[n] == ' ' || !argv[n]))) {
			strbuf_addstr(sb, "  (");
			visible_addstr(sb, exe);
			strbuf_addch(sb, ')');
		}
		break;
	}
	case EV_FORK:
		strbuf_addf(sb, "%s %s pid %d", how[e->val >= 0 && e->val <= 2 ? e->val : 2],
			    arrow(utf8, 0), e->fd);
		break;
	case EV_THREAD:
		strbuf_addf(sb, "thread %s tid %d", arrow(utf8, 2), e->fd);
		break;
	case EV_EXIT: {
		char w[48];
		strbuf_addf(sb, "%s%s", e->flags & SEV_THREAD ? "thread " : "",
			    fmt_wait_status((int)e->val, w));
		break;
	}
	default:
		strbuf_addf(sb, "signal %s", fmt_signame(e->fd));
		break;
	}
}

/* A raw system call (-v). */
static void syscall_text(struct strbuf *sb, const struct store *s, const struct sevent *e)
{
	const char *name = sysent_name(e->addr == ARCH_I386, e->fd);

	strbuf_addf(sb, "syscall %s%s", e->addr == ARCH_I386 ? "i386:" : "", name ? name : "?");
	if (!name)
		strbuf_addf(sb, "#%d", e->fd);
	if (e->flags & SEV_FAILED)
		strbuf_addf(sb, " = -1 %s", fmt_errno_name((int)-e->val));
	else
		strbuf_addf(sb, " = %" PRId64, e->val);
	if (e->str) {
		strbuf_addstr(sb, " (");
		add_str(sb, s, e->str, "");
		strbuf_addch(sb, ')');
	}
}

/* Latency events (eBPF). */
static void lat_text(struct strbuf *sb, const struct sevent *e)
{
	char d[24];

	strbuf_addf(sb, "%s %s", e->type == EV_SCHED ? "waited to run" : "block I/O",
		    fmt_duration((uint64_t)e->val, d));
}

/* One-line description of a stored event. */
void evtext_row(struct strbuf *sb, const struct store *s, const struct sevent *e, bool utf8)
{
	switch (e->type) {
	case EV_EXEC: case EV_FORK: case EV_THREAD: case EV_EXIT: case EV_SIGNAL:
		proc_text(sb, s, e, utf8);
		break;
	case EV_OPEN:
		open_text(sb, s, e);
		break;
	case EV_CLOSE:
		strbuf_addstr(sb, "close ");
		target(sb, s, e, e->str);
		break;
	case EV_CONNECT: case EV_ACCEPT:
		strbuf_addf(sb, "%s %s %s ", model_event_name(e->type), model_kind_name(e->kind),
			    arrow(utf8, e->type == EV_ACCEPT));
		add_str(sb, s, e->str, "?");
		failure(sb, e);
		break;
	case EV_READ: case EV_WRITE: case EV_SEND: case EV_RECV:
		io_text(sb, s, e, utf8);
		break;
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE: {
		char b[24];
		strbuf_addf(sb, "%s %s ", model_event_name(e->type), fmt_bytes((uint64_t)e->val, b));
		target(sb, s, e, e->str);
		strbuf_addf(sb, " %s ", arrow(utf8, 0));
		add_str(sb, s, e->str2, "?");
		break;
	}
	case EV_MMAP: case EV_MUNMAP: case EV_MREMAP: case EV_BRK: case EV_FAULT:
		mem_text(sb, s, e);
		break;
	case EV_SYSCALL:
		syscall_text(sb, s, e);
		break;
	default:
		lat_text(sb, e);
		break;
	}
}

/* The model's process pid as it was at time ts (NULL if unknown). */
const struct proc *evtext_proc(const struct model *m, int pid, uint64_t ts)
{
	size_t n;
	struct proc *const *p = model_procs(m, &n);
	const struct proc *best = NULL;

	for (size_t i = 0; i < n; i++)
		if (p[i]->pid == pid && (!best || p[i]->start_ts <= ts))
			best = p[i];
	return best;
}

/* "Process:" lines: pid, parent, program and its argv. */
static void detail_proc(struct strbuf *sb, const struct model *m, const struct sevent *e)
{
	const struct proc *p = evtext_proc(m, e->pid, e->ts);

	if (!p)
		return;
	strbuf_addstr(sb, "Program:  ");
	visible_addstr(sb, p->exe);
	strbuf_addstr(sb, "\nArgv:    ");
	for (char **a = p->argv; a && *a; a++) {
		strbuf_addch(sb, ' ');
		visible_addstr(sb, *a);
	}
	strbuf_addf(sb, "\nParent:   %d\nThreads:  %d (%d alive)\n", p->ppid, p->threads, p->live);
	if (p->exited) {
		char w[48];
		strbuf_addf(sb, "Ended:    %s\n", fmt_wait_status(p->status, w));
	}
}

/* Totals of the file or connection an event is about. */
static void detail_object(struct strbuf *sb, const struct store *s, const struct model *m,
			  const struct sevent *e)
{
	const char *name = store_str(s, e->str);
	char a[24], b[24];
	size_t n;

	if (!*name)
		return;
	if (e->cat == CAT_NET) {
		struct conn *const *c = model_conns(m, &n);
		for (size_t i = n; i-- > 0;)
			if (c[i]->pid == e->pid && strcmp(c[i]->remote, name) == 0) {
				strbuf_addstr(sb, "Connection: ");
				visible_addstr(sb, c[i]->local);
				strbuf_addstr(sb, c[i]->accepted ? " <- " : " -> ");
				visible_addstr(sb, c[i]->remote);
				strbuf_addf(sb, " (sent %s, received %s)\n", fmt_bytes(c[i]->sent, a),
					    fmt_bytes(c[i]->received, b));
				return;
			}
	}
	struct fileagg *const *f = model_files(m, &n);
	for (size_t i = 0; i < n && e->kind == FDK_FILE; i++)
		if (strcmp(f[i]->path, name) == 0) {
			strbuf_addf(sb, "File totals: opened %u times, read %s, written %s\n",
				    f[i]->opens, fmt_bytes(f[i]->rd, a), fmt_bytes(f[i]->wr, b));
			return;
		}
}

/* What the address field of an event holds, or NULL when nothing. */
static const char *addr_label(const struct sevent *e)
{
	switch (e->type) {
	case EV_OPEN: return "Flags:    0x";
	case EV_FORK: case EV_THREAD: return "Clone:    0x";
	case EV_MMAP: case EV_MUNMAP: case EV_MREMAP: case EV_BRK: case EV_FAULT:
		return "Address:  0x";
	case EV_SENDFILE: case EV_COPY_FILE_RANGE: case EV_SPLICE: case EV_TEE:
		return "Out fd:   ";
	default: return NULL;
	}
}

/* The raw fields every event has. */
static void detail_fields(struct strbuf *sb, const struct store *s, const struct sevent *e)
{
	char t[24];
	const char *al = addr_label(e);

	strbuf_addf(sb, "Time:     %s\nProcess:  %d\nThread:   %d%s\nType:     %s (%s)\n",
		    evtext_time(e->ts, t), e->pid, e->tid, e->tid != e->pid ? " (not the main thread)" : "",
		    model_event_name((enum ev_type)e->type), store_cat_name((enum ev_cat)e->cat));
	if (e->type != EV_FORK && e->type != EV_THREAD && e->type != EV_SIGNAL &&
	    e->type != EV_MMAP && e->type != EV_SYSCALL && e->fd >= 0)
		strbuf_addf(sb, "Fd:       %d (%s)\n", e->fd, model_kind_name(e->kind));
	if (e->str) {
		strbuf_addf(sb, "%s ", e->cat == CAT_NET ? "Peer:    " : e->type == EV_EXEC ?
			    "Exe:     " : "Object:  ");
		add_str(sb, s, e->str, "");
		strbuf_addch(sb, '\n');
	}
	if (e->str2) {
		strbuf_addf(sb, "%s ", e->type == EV_EXEC ? "Argv:    " : e->cat == CAT_NET ?
			    "Local:   " : "Target:  ");
		add_str(sb, s, e->str2, "");
		strbuf_addch(sb, '\n');
	}
	if (e->flags & SEV_FAILED)
		strbuf_addf(sb, "Error:    %s\n", fmt_errno_name((int)-e->val));
	else if (e->type != EV_EXEC && e->type != EV_SIGNAL)
		strbuf_addf(sb, "Value:    %" PRId64 "%s\n", e->val,
			    e->type == EV_EXIT ? " (wait status)" : e->type == EV_FORK ? " (0 fork, 1 vfork, 2 clone)" :
			    e->type == EV_OPEN ? "" : " (bytes)");
	if (al && e->cat == CAT_IO)
		strbuf_addf(sb, "%s%d\n", al, (int)(int64_t)e->addr);
	else if (al)
		strbuf_addf(sb, "%s%" PRIx64 "\n", al, e->addr);
	if (e->flags & SEV_NOISE)
		strbuf_addstr(sb, "Noise:    yes (hidden by the default noise filter)\n");
}

void evtext_detail(struct strbuf *sb, const struct store *s, const struct model *m,
		   size_t idx, bool utf8)
{
	const struct sevent *e = store_get(s, idx);

	strbuf_addstr(sb, "Event:    ");
	evtext_row(sb, s, e, utf8);
	strbuf_addf(sb, "\nIndex:    #%zu\n", idx);
	detail_fields(sb, s, e);
	if (m) {
		detail_object(sb, s, m, e);
		detail_proc(sb, m, e);
	}
}
