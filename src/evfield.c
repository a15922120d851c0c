/* evfield.c - the fields of events: what each is called and how it is read.
 *
 * A field is read from the model's struct event (for the --json writer,
 * the --batch lines and the store) or from a stored event (for the TUI),
 * where the type's entry in evdesc.c says which slot holds it.  Names
 * ("SIGTERM", "rw-") and words (arrows, "open ... (read)") are made here
 * from what the readers give, so they come out the same from either form.
 * Pure code: reads events and the store, never prints.
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "evdesc.h"
#include "fmt.h"
#include "store.h"
#include "sysent.h"
#include "visible.h"

/* ---- reading fields ---- */

/* What an fd's object is called: its peer for sockets, else its path. */
static const char *obj_name(const struct fobj *o)
{
	if (!o)
		return NULL;
	if (o->remote && *o->remote)
		return o->remote;
	return o->path;
}

/* The peer of a connect or accept: the connection's, the address the
 * call named, or the one the socket knew. */
static const char *conn_peer(const struct event *ev)
{
	if (ev->conn)
		return ev->conn->peer ? ev->conn->peer : ev->conn->remote;
	if (ev->type == EV_CONNECT && ev->addr_text)
		return ev->addr_text;
	return ev->obj ? ev->obj->remote : NULL;
}

/* The peer a send or receive went to or came from, as shown (a flow's, a
 * connection's with its name), or NULL. */
static const char *io_peer(const struct event *ev)
{
	if ((ev->type != EV_SEND && ev->type != EV_RECV) || !ev->conn || !ev->conn->peer)
		return NULL;
	return ev->conn->peer;
}

/* The raw errno of a call whose result is an error (0: none). */
static int raw_errno(int64_t ret)
{
	return ret < 0 && ret >= -4095 ? (int)-ret : 0;
}

/* Numbers of the model's event that are plain members. */
static int64_t event_plain(const struct event *ev, unsigned f)
{
	switch (f) {
	case EVF_FD: return ev->fd;
	case EVF_FD2: return ev->fd2;
	case EVF_CHILD: return rec_pid_local(ev->child);
	case EVF_NEWTASK: case EVF_WAIT: case EVF_SIGNAL: case EVF_REASON: return ev->status;
	case EVF_CLONE: case EVF_OFLAGS: case EVF_MFLAGS: case EVF_ARCH: case EVF_OP:
		return (int64_t)ev->flags;
	case EVF_THREAD: return ev->thread;
	case EVF_UNREADABLE: return ev->unreadable;
	case EVF_BYTES: case EVF_LEN: case EVF_HEAP: return (int64_t)ev->bytes;
	case EVF_CALLS: return ev->calls;
	case EVF_ADDR: case EVF_SECTOR: return (int64_t)ev->addr;
	case EVF_PROT: return ev->prot;
	case EVF_NR: return ev->nr;
	case EVF_RET: return ev->ret;
	case EVF_DUR: case EVF_LATENCY: return (int64_t)ev->dur;
	case EVF_CPU: return ev->cpu;
	case EVF_DEV: return ev->dev;
	case EVF_IP: return (int64_t)ev->ip;
	default: return 0;
	}
}

/* Field f of the model's event as a number. */
static int64_t event_num(const struct event *ev, unsigned f)
{
	switch (f) {
	case EVF_PROT_FLAGS:   /* prot << 24 | flags, as the store keeps them */
		return (int32_t)(((uint32_t)ev->prot & 0xff) << 24 | (ev->flags & 0xffffff));
	case EVF_REGION_START: return ev->region ? (int64_t)ev->region->start : 0;
	case EVF_KIND: return ev->obj ? ev->obj->kind : -1;
	case EVF_MODE: return ev->obj ? ev->obj->mode : 0;
	case EVF_ERROR: return raw_errno(ev->ret);
	case EVF_DIR: return (ev->flags & AT_REMOVEDIR) != 0;
	default: return event_plain(ev, f);
	}
}

/* The argv of a process as one space-separated line, built in sb. */
static const char *argv_line(struct strbuf *sb, const struct proc *p)
{
	if (!sb)
		return NULL;
	strbuf_reset(sb);
	for (char **a = p ? p->argv : NULL; a && *a; a++) {
		if (a != p->argv)
			strbuf_addch(sb, ' ');
		strbuf_addstr(sb, *a);
	}
	if (p && p->argv_cut)
		strbuf_addstr(sb, " ...");
	return sb->buf;
}

/* Field f of the model's event as a string. */
static const char *event_str(const struct evacc *a, unsigned f)
{
	const struct event *ev = a->ev;

	switch (f) {
	case EVF_EXE: case EVF_PATH: case EVF_REGION: return ev->path;
	case EVF_ARGV: return argv_line(a->scratch, ev->proc);
	case EVF_SYSPATH: return ev->path ? ev->path : ev->addr_text;
	case EVF_PEER: return conn_peer(ev);
	case EVF_REMOTE: return ev->conn ? ev->conn->remote : ev->addr_text;
	case EVF_LOCAL: return ev->conn ? ev->conn->local : ev->obj ? ev->obj->local : NULL;
	case EVF_MAP_PATH: return ev->obj ? ev->obj->path : NULL;
	case EVF_OBJ: return io_peer(ev) ? io_peer(ev) : obj_name(ev->obj);
	case EVF_HOST: return ev->conn ? ev->conn->host : NULL;
	case EVF_IO_PEER: return ev->conn && ev->conn->flow ? ev->conn->remote : NULL;
	case EVF_OBJ2: return obj_name(ev->obj2);
	case EVF_PATH2: return ev->path2;
	default: return NULL;
	}
}

/* The slot of a stored event's type that holds field f, or SLOT_MAX. */
static unsigned slot_of(const struct sevent *se, unsigned f)
{
	const struct evdesc *d = evdesc_of(se->type);

	for (unsigned i = 0; i < SLOT_MAX; i++)
		if (d->slot[i] == f)
			return i;
	return SLOT_MAX;
}

/* Field f of a stored event as a number (0 when the store did not keep it). */
static int64_t stored_num(const struct sevent *se, unsigned f)
{
	switch (f) {
	case EVF_THREAD: return (se->flags & SEV_THREAD) != 0;
	case EVF_UNREADABLE: return (se->flags & SEV_UNREADABLE) != 0;
	case EVF_KIND: return se->kind == FDK_UNKNOWN ? -1 : se->kind;
	case EVF_ERROR: return se->flags & SEV_FAILED ? -se->val : 0;
	case EVF_PROT:
		if (slot_of(se, EVF_PROT_FLAGS) == SLOT_FD)
			return (uint32_t)se->fd >> 24;
		break;
	default:
		break;
	}
	switch (slot_of(se, f)) {
	case SLOT_FD: return f == EVF_CHILD ? rec_pid_local(se->fd) : se->fd;
	case SLOT_VAL: return se->val;
	case SLOT_ADDR: return (int64_t)se->addr;
	default: return 0;
	}
}

/* Field f of the event a reads as a number (0 when it has none). */
int64_t evacc_num(const struct evacc *a, unsigned f)
{
	return a->ev ? event_num(a->ev, f) : stored_num(a->se, f);
}

/* Field f as a string (NULL when it has none). */
const char *evacc_str(const struct evacc *a, unsigned f)
{
	unsigned slot;
	uint32_t id;

	if (a->ev)
		return event_str(a, f);
	slot = slot_of(a->se, f);
	if (slot != SLOT_STR && slot != SLOT_STR2)
		return NULL;
	id = slot == SLOT_STR ? a->se->str : a->se->str2;
	return id ? store_str(a->s, id) : NULL;
}

/* The event's type. */
unsigned evacc_type(const struct evacc *a)
{
	return a->ev ? (unsigned)a->ev->type : a->se->type;
}

/* errno of a failed call (0: it did not fail). */
int evacc_errno(const struct evacc *a)
{
	if (a->ev)
		return evdesc_failed(a->ev) ? (int)-a->ev->ret : 0;
	return a->se->flags & SEV_FAILED ? (int)-a->se->val : 0;
}

/* Kind of the fd's object (-1: none known); the store keeps the first one's only. */
int evacc_kind(const struct evacc *a, bool second)
{
	const struct fobj *o;

	if (!a->ev)
		return second ? -1 : (int)stored_num(a->se, EVF_KIND);
	o = second ? a->ev->obj2 : a->ev->obj;
	return o ? o->kind : -1;
}

/* Is the fd's object named by its peer address? */
bool evacc_peer(const struct evacc *a, bool second)
{
	const struct fobj *o;

	if (!a->ev)
		return a->se->flags & (second ? SEV_PEER2 : SEV_PEER);
	if (!second && io_peer(a->ev))
		return true;
	o = second ? a->ev->obj2 : a->ev->obj;
	return o && o->remote && *o->remote;
}

/* ---- names of values ---- */

/* fork, vfork or clone (enum newtask_kind). */
static const char *name_newtask(const struct evacc *a, char *buf)
{
	int64_t v = evacc_num(a, EVF_NEWTASK);

	(void)buf;
	return v == NT_FORK ? "fork" : v == NT_VFORK ? "vfork" : "clone";
}

/* SIGTERM... */
static const char *name_signal(const struct evacc *a, char *buf)
{
	(void)buf;
	return fmt_signame((int)evacc_num(a, EVF_SIGNAL));
}

/* rw-... */
static const char *name_prot(const struct evacc *a, char *buf)
{
	return fmt_prot((int)evacc_num(a, EVF_PROT), buf);
}

/* "private|anon" style text of mmap flags. */
static const char *name_mflags(const struct evacc *a, char *buf)
{
	uint64_t f = (uint64_t)evacc_num(a, EVF_MFLAGS);

	snprintf(buf, 48, "%s%s%s%s", (f & MAP_SHARED) ? "shared" : "private",
		 (f & MAP_ANONYMOUS) ? "|anon" : "", (f & MAP_FIXED) ? "|fixed" : "",
		 (f & MAP_STACK) ? "|stack" : "");
	return buf;
}

/* i386, x32 or x86_64. */
static const char *name_arch(const struct evacc *a, char *buf)
{
	int64_t v = evacc_num(a, EVF_ARCH);

	(void)buf;
	return v == ARCH_I386 ? "i386" : v == ARCH_X32 ? "x32" : "x86_64";
}

/* Why a task waited to run: preempted, new or woken. */
static const char *name_reason(const struct evacc *a, char *buf)
{
	int64_t v = evacc_num(a, EVF_REASON);

	(void)buf;
	return v == 2 ? "preempted" : v == 1 ? "new" : "woken";
}

/* read or write. */
static const char *name_op(const struct evacc *a, char *buf)
{
	(void)buf;
	return evacc_num(a, EVF_OP) ? "write" : "read";
}

/* major:minor of a device. */
static const char *name_dev(const struct evacc *a, char *buf)
{
	uint32_t dev = (uint32_t)evacc_num(a, EVF_DEV);

	snprintf(buf, 48, "%u:%u", dev >> 20, dev & 0xfffff);
	return buf;
}

/* 0x7f.. where a fault's region starts (none: not in a known region). */
static const char *name_region_start(const struct evacc *a, char *buf)
{
	if (!a->ev || !a->ev->region)
		return NULL;
	snprintf(buf, 48, "0x%" PRIx64, a->ev->region->start);
	return buf;
}

/* What kind of thing the fd is: file, tcp4... (none: no object). */
static const char *name_kind(const struct evacc *a, char *buf)
{
	int kind = evacc_kind(a, false);

	(void)buf;
	return kind < 0 ? NULL : model_kind_name(kind);
}

/* "r", "w", "rw" or "" for how a file was opened. */
static const char *name_mode(const struct evacc *a, char *buf)
{
	static const char *const t[] = { "", "r", "w", "rw" };

	(void)buf;
	return t[evacc_num(a, EVF_MODE) & 3];
}

/* ENOENT... of a result that is an error (none: it is not). */
static const char *name_error(const struct evacc *a, char *buf)
{
	int err = (int)evacc_num(a, EVF_ERROR);

	(void)buf;
	return err ? fmt_errno_name(err) : NULL;
}

/* The system call's name (none: not known). */
static const char *name_sysname(const struct evacc *a, char *buf)
{
	(void)buf;
	return sysent_name(evacc_num(a, EVF_ARCH) == ARCH_I386, (long)evacc_num(a, EVF_NR));
}

/* The read or write call's name (none for calls the kernel counted). */
static const char *name_io_syscall(const struct evacc *a, char *buf)
{
	(void)buf;
	return sysent_name(0, (long)evacc_num(a, EVF_NR));
}

/* heap, stack, anon, file... of a fault's region. */
static const char *name_region_kind(const struct evacc *a, char *buf)
{
	(void)buf;
	return regions_kind_name(a->ev && a->ev->region ? a->ev->region->kind : RK_UNKNOWN);
}

/* ---- words ---- */

/* Arrow glyphs: out, in, thread. */
static void arrow(struct strbuf *sb, const struct evacc *a, int which)
{
	static const char *const u[] = { "→", "←", "↳" }, *const t[] = { "->", "<-", "+" };

	strbuf_addstr(sb, a->utf8 ? u[which] : t[which]);
}

static void word_to(struct strbuf *sb, const struct evacc *a) { arrow(sb, a, 0); }
static void word_from(struct strbuf *sb, const struct evacc *a) { arrow(sb, a, 1); }
static void word_sub(struct strbuf *sb, const struct evacc *a) { arrow(sb, a, 2); }

/* The event type's name. */
static void word_type(struct strbuf *sb, const struct evacc *a)
{
	strbuf_addstr(sb, evdesc_name(evacc_type(a)));
}

/* Last component of the program's path. */
static void word_basename(struct strbuf *sb, const struct evacc *a)
{
	const char *exe = evacc_str(a, EVF_EXE), *base;

	exe = exe ? exe : "";
	base = strrchr(exe, '/');
	visible_addstr(sb, base ? base + 1 : exe);
}

/* The command line, and the program when argv[0] does not name it. */
static void word_cmdline(struct strbuf *sb, const struct evacc *a)
{
	const char *exe = evacc_str(a, EVF_EXE), *argv = evacc_str(a, EVF_ARGV);
	size_t n;

	exe = exe ? exe : "";
	argv = argv ? argv : "";
	n = strlen(exe);
	visible_addstr(sb, *argv ? argv : exe);
	if (*argv && !(strncmp(argv, exe, n) == 0 && (argv[n] == ' ' || !argv[n]))) {
		strbuf_addstr(sb, "  (");
		visible_addstr(sb, exe);
		strbuf_addch(sb, ')');
	}
}

/* End of a mapping: its length rounded up to whole pages, as the kernel maps it. */
static void word_end(struct strbuf *sb, const struct evacc *a)
{
	uint64_t len = (uint64_t)evacc_num(a, EVF_LEN);

	strbuf_addf(sb, "%" PRIx64, (uint64_t)evacc_num(a, EVF_ADDR) + ((len + 4095) & ~(uint64_t)4095));
}

/* " failed: ENOENT" for a failed call. */
static void word_failed(struct strbuf *sb, const struct evacc *a)
{
	int err = evacc_errno(a);

	if (err)
		strbuf_addf(sb, " failed: %s", fmt_errno_name(err));
}

/* How an open came out: failed, a directory, or what it was opened for. */
static void word_open_result(struct strbuf *sb, const struct evacc *a)
{
	int mode = fdtable_mode((int)evacc_num(a, EVF_OFLAGS));

	if (evacc_errno(a))
		word_failed(sb, a);
	else if (evacc_kind(a, false) == FDK_DIR)
		strbuf_addstr(sb, " (dir)");
	else
		strbuf_addstr(sb, mode == (FM_READ | FM_WRITE) ? " (read/write)" :
			      mode == FM_WRITE ? " (write)" : " (read)");
}

/* A raw call's name: "openat", "i386:write", "?#999". */
static void word_systext(struct strbuf *sb, const struct evacc *a)
{
	char buf[48];
	const char *name = name_sysname(a, buf);

	strbuf_addf(sb, "%s%s", evacc_num(a, EVF_ARCH) == ARCH_I386 ? "i386:" : "", name ? name : "?");
	if (!name)
		strbuf_addf(sb, "#%" PRId64, evacc_num(a, EVF_NR));
}

/* A raw call's result: "3" or "-1 ENOENT". */
static void word_result(struct strbuf *sb, const struct evacc *a)
{
	int err = evacc_errno(a);

	if (err)
		strbuf_addf(sb, "-1 %s", fmt_errno_name(err));
	else
		strbuf_addf(sb, "%" PRId64, evacc_num(a, EVF_RET));
}

/* Where a fault fell: "[heap] 0x5612..", or the region's name alone. */
static void word_region_at(struct strbuf *sb, const struct evacc *a)
{
	char name[488];

	visible_copy(name, sizeof(name), evacc_str(a, EVF_REGION));
	strbuf_addstr(sb, name);
	if (a->ev && a->ev->region)
		strbuf_addf(sb, " 0x%" PRIx64, a->ev->region->start);
}

/* " (fd 1)" for I/O on stdin, stdout or stderr that is not with a peer. */
static void word_stdio(struct strbuf *sb, const struct evacc *a)
{
	int64_t fd = evacc_num(a, EVF_FD);

	if (fd >= 0 && fd <= 2 && !evacc_peer(a, false))
		strbuf_addf(sb, " (fd %" PRId64 ")", fd);
}

/* ---- the table ---- */

#define NUM(k, kd) { .key = (k), .kind = (kd) }
#define NAME(k, fn) { .key = (k), .kind = EVK_NAME, .name = (fn) }
#define WORD(fn) { .kind = EVK_WORD, .word = (fn) }

static const struct evfield fields[EVF_MAX] = {
	[EVF_NONE] = NUM(NULL, EVK_INT),
	[EVF_FD] = NUM("fd", EVK_INT),
	[EVF_FD2] = { "out_fd", EVK_INT, "Out fd:   ", NULL, NULL, NULL },
	[EVF_CHILD] = NUM("child", EVK_INT),
	[EVF_NEWTASK] = { "newtask_kind", EVK_NAME, NULL, " (0 fork, 1 vfork, 2 clone)", name_newtask, NULL },
	[EVF_CLONE] = { "clone_flags", EVK_FLAGS, "Clone:    ", NULL, NULL, NULL },
	[EVF_WAIT] = { "status", EVK_WAIT, NULL, " (wait status)", NULL, NULL },
	[EVF_THREAD] = NUM("thread", EVK_BOOL),
	[EVF_SIGNAL] = NAME("signal", name_signal),
	[EVF_BYTES] = { "bytes", EVK_BYTES, NULL, " (bytes)", NULL, NULL },
	[EVF_LEN] = { "len", EVK_BYTES, NULL, " (bytes)", NULL, NULL },
	[EVF_HEAP] = { "heap", EVK_BYTES, NULL, " (bytes)", NULL, NULL },
	[EVF_CALLS] = NUM("calls", EVK_U64),
	[EVF_ADDR] = { "addr", EVK_HEX, "Address:  ", NULL, NULL, NULL },
	[EVF_OFLAGS] = { "flags", EVK_FLAGS, "Flags:    ", NULL, NULL, NULL },
	[EVF_PROT] = NAME("prot", name_prot),
	[EVF_MFLAGS] = NAME("flags", name_mflags),
	[EVF_PROT_FLAGS] = NUM("prot_flags", EVK_INT),
	[EVF_NR] = NUM("nr", EVK_INT),
	[EVF_RET] = { "ret", EVK_INT, NULL, "", NULL, NULL },
	[EVF_ARCH] = NAME("arch", name_arch),
	[EVF_DUR] = NUM("dur", EVK_NS),
	[EVF_LATENCY] = { "latency_ns", EVK_NS, NULL, " (ns)", NULL, NULL },
	[EVF_CPU] = NUM("cpu", EVK_INT),
	[EVF_REASON] = NAME("reason", name_reason),
	[EVF_OP] = NAME("op", name_op),
	[EVF_DEV] = NAME("dev", name_dev),
	[EVF_SECTOR] = NUM("sector", EVK_U64),
	[EVF_IP] = NUM("ip", EVK_HEX),
	[EVF_REGION_START] = NAME("region_start", name_region_start),
	[EVF_KIND] = NAME("kind", name_kind),
	[EVF_MODE] = NAME("mode", name_mode),
	[EVF_ERROR] = NAME("error", name_error),
	[EVF_SYSNAME] = NAME("name", name_sysname),
	[EVF_IO_SYSCALL] = NAME("syscall", name_io_syscall),
	[EVF_REGION_KIND] = NAME("region_kind", name_region_kind),
	[EVF_DIR] = NUM("dir", EVK_BOOL),
	[EVF_UNREADABLE] = NUM("unreadable", EVK_BOOL),
	[EVF_EXE] = { "exe", EVK_STR, "Exe:     ", NULL, NULL, NULL },
	[EVF_ARGV] = { "argv", EVK_ARGV, "Argv:    ", NULL, NULL, NULL },
	[EVF_PATH] = { "path", EVK_STR, "Object:  ", NULL, NULL, NULL },
	[EVF_SYSPATH] = { "path", EVK_STR, "Object:  ", NULL, NULL, NULL },
	[EVF_PEER] = { "peer", EVK_STR, "Peer:    ", NULL, NULL, NULL },
	[EVF_REMOTE] = NUM("remote", EVK_STR),
	[EVF_LOCAL] = { "local", EVK_STR, "Local:   ", NULL, NULL, NULL },
	[EVF_MAP_PATH] = NUM("path", EVK_STR),
	[EVF_REGION] = NUM("region", EVK_STR),
	[EVF_OBJ] = { "obj", EVK_OBJ, "Object:  ", NULL, NULL, NULL },
	[EVF_OBJ2] = { "obj2", EVK_OBJ, "Target:  ", NULL, NULL, NULL },
	[EVF_PATH2] = { "new_path", EVK_STR, "New path:", NULL, NULL, NULL },
	[EVF_HOST] = NUM("host", EVK_STR),
	[EVF_IO_PEER] = NUM("peer", EVK_STR),
	[EVF_TO] = WORD(word_to),
	[EVF_FROM] = WORD(word_from),
	[EVF_SUB] = WORD(word_sub),
	[EVF_TYPE] = WORD(word_type),
	[EVF_BASENAME] = WORD(word_basename),
	[EVF_CMDLINE] = WORD(word_cmdline),
	[EVF_END] = WORD(word_end),
	[EVF_FAILED] = WORD(word_failed),
	[EVF_OPEN_RESULT] = WORD(word_open_result),
	[EVF_SYSTEXT] = WORD(word_systext),
	[EVF_RESULT] = WORD(word_result),
	[EVF_REGION_AT] = WORD(word_region_at),
	[EVF_STDIO] = WORD(word_stdio),
};

/* The description of a field. */
const struct evfield *evdesc_field(unsigned f)
{
	return &fields[f < EVF_MAX ? f : EVF_NONE];
}
