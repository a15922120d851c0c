/* evdesc.c - the table of event types: one entry each.
 *
 * An entry says everything the sinks need to know about a type (see
 * evdesc.h): its name and category; slot: the field the store keeps in
 * each slot of struct sevent (the TUI and the report read them there, the
 * Perfetto export names them by the field's key); json: the members of its
 * --json object, in order; text: the pieces of its line, shared by the
 * --batch lines and the TUI; row: the TUI's own pieces, only where the TUI
 * words it differently on purpose (exec as a command line instead of a
 * banner; the fd of stdin/stdout/stderr; a raw call's address argument)
 * or cannot say what the line says (the store keeps no fault region, nor a
 * block request's direction or size).  Text pieces read the fields the
 * same way from the model's event and from the store, so a row that uses
 * text may only use fields the type keeps in a slot.
 */
#include "config.h"

#include "evdesc.h"
#include "fdtable.h"
#include "store.h"

/* What a path the program passed but that could not be read reads as (a
 * path shown is absolute: no file has this name). */
#define UNREADABLE_TEXT "(unreadable)"

#define L(s)            { .lit = (s) }
#define W(x)            { .f = EVF_##x }
#define WNONE(x, n)     { .f = EVF_##x, .none = (n) }
#define WIN(x)          { .f = EVF_##x, .how = EVP_IN }
#define IF(x, s)        { .lit = (s), .f = EVF_##x, .how = EVP_IF }
#define PAREN(x)        { .f = EVF_##x, .how = EVP_PAREN }
#define J(k, x)         { .key = (k), .f = EVF_##x }
#define JSET(k, x)      { .key = (k), .f = EVF_##x, .when = EVJ_SET }
#define JNONE(k, x, n)  { .key = (k), .f = EVF_##x, .none = (n) }
#define SLOTS(fd, val, addr, str, str2) \
	{ EVF_##fd, EVF_##val, EVF_##addr, EVF_##str, EVF_##str2 }

/* read, write, send, recv: one fd, bytes one way. */
#define IO_TYPE(nm, c, bk, dir) { \
	.name = nm, .cat = c, .by_kind = bk, .noise = NOISE_OBJ, .fold = FOLD_IO, \
	.slot = SLOTS(FD, BYTES, NONE, OBJ, NONE), \
	.json = { J("fd", FD), J("bytes", BYTES), JSET("calls", CALLS), \
		  { .key = "syscall", .f = EVF_IO_SYSCALL, .when = EVJ_UNCOUNTED }, J("", OBJ), \
		  JSET("peer", IO_PEER), JSET("host", HOST) }, \
	.text = { W(TYPE), L(" "), W(BYTES), L(" "), dir }, \
	.row = { W(TYPE), L(" "), W(BYTES), L(" "), dir, W(STDIO) }, \
}

/* sendfile, copy_file_range, splice, tee: bytes from one fd to another. */
#define TRANSFER_TYPE(nm) { \
	.name = nm, .cat = CAT_IO, .noise = NOISE_BOTH, \
	.slot = SLOTS(FD, BYTES, FD2, OBJ, OBJ2), \
	.json = { J("in_fd", FD), J("out_fd", FD2), J("bytes", BYTES), J("in_", OBJ), \
		  J("out_", OBJ2) }, \
	.text = { W(TYPE), L(" "), W(BYTES), L(" "), WIN(OBJ), L(" "), W(TO), L(" "), W(OBJ2) }, \
}

/* fork and thread: a new task. */
#define NEWTASK_TYPE(nm, ...) { \
	.name = nm, .cat = CAT_PROC, .tree = true, \
	.slot = SLOTS(CHILD, NEWTASK, CLONE, NONE, NONE), \
	.json = { J("child", CHILD), J("syscall", NEWTASK), J("clone_flags", CLONE) }, \
	.text = { __VA_ARGS__ }, \
}

/* connect and accept: a connection begins. */
#define CONN_TYPE(nm, arrow) { \
	.name = nm, .cat = CAT_NET, .noise = NOISE_PEER, \
	.slot = SLOTS(FD, NONE, NONE, PEER, LOCAL), \
	.json = { J("fd", FD), JNONE("proto", KIND, "unknown"), J("local", LOCAL), \
		  J("remote", REMOTE), JSET("host", HOST), JSET("error", ERROR), \
		  JSET("unreadable", UNREADABLE) }, \
	.text = { L(nm " "), WNONE(KIND, "?"), L(" "), W(arrow), L(" "), WNONE(PEER, "?"), \
		  W(FAILED) }, \
}

/* munmap and mremap: an address range. */
#define RANGE_TYPE(nm) { \
	.name = nm, .cat = CAT_MEM, .noise = NOISE_OBJ, \
	.slot = SLOTS(FD, LEN, ADDR, NONE, NONE), \
	.json = { J("addr", ADDR), J("len", LEN) }, \
	.text = { W(TYPE), L(" "), W(ADDR), L("-"), W(END), L(" "), W(LEN) }, \
}

/* The filters keep a bit per type (query.c, ui/filter.c). */
_Static_assert(EV_TYPE_MAX <= 32, "more event types than a type mask holds");

static const struct evdesc types[EV_TYPE_MAX] = {
	[EV_EXEC] = {
		.name = "exec", .cat = CAT_PROC, .tree = true,
		.slot = SLOTS(FD, NONE, NONE, EXE, ARGV),
		.json = { J("exe", EXE), J("argv", ARGV) },
		.text = { L("─── "), W(BASENAME), L(" exec ───"), W(ARGV) },
		.row = { L("exec "), W(CMDLINE) },
	},
	[EV_FORK] = NEWTASK_TYPE("fork", W(NEWTASK), L(" "), W(TO), L(" pid "), W(CHILD)),
	[EV_THREAD] = NEWTASK_TYPE("thread", L("thread "), W(SUB), L(" tid "), W(CHILD)),
	[EV_EXIT] = {
		.name = "exit", .cat = CAT_PROC, .tree = true, .quiet = QUIET_THREAD,
		.slot = SLOTS(FD, WAIT, NONE, NONE, NONE),
		.json = { J("exit", WAIT), J("thread", THREAD) },
		.text = { IF(THREAD, "thread "), W(WAIT) },
	},
	[EV_OPEN] = {
		.name = "open", .cat = CAT_FILE, .by_kind = true, .noise = NOISE_PATH,
		.quiet = QUIET_FAILED,
		.slot = SLOTS(FD, NONE, OFLAGS, PATH, NONE),
		.json = { J("path", PATH), J("fd", FD), J("mode", MODE), JSET("kind", KIND),
			  JSET("error", ERROR), JSET("unreadable", UNREADABLE) },
		.text = { L("open "), WNONE(PATH, UNREADABLE_TEXT), W(OPEN_RESULT) },
	},
	[EV_CLOSE] = {
		.name = "close", .cat = CAT_FILE, .by_kind = true, .noise = NOISE_OBJ,
		.quiet = QUIET_ALWAYS,
		.slot = SLOTS(FD, NONE, NONE, OBJ, NONE),
		.json = { J("fd", FD), J("", OBJ) },
		.text = { L("close "), W(OBJ) },
	},
	[EV_CONNECT] = CONN_TYPE("connect", TO),
	[EV_ACCEPT] = CONN_TYPE("accept", FROM),
	[EV_READ] = IO_TYPE("read", CAT_FILE, true, WIN(OBJ)),
	[EV_WRITE] = IO_TYPE("write", CAT_FILE, true, W(OBJ)),
	[EV_SEND] = IO_TYPE("send", CAT_NET, false, W(OBJ)),
	[EV_RECV] = IO_TYPE("recv", CAT_NET, false, WIN(OBJ)),
	[EV_SENDFILE] = TRANSFER_TYPE("sendfile"),
	[EV_COPY_FILE_RANGE] = TRANSFER_TYPE("copy_file_range"),
	[EV_SPLICE] = TRANSFER_TYPE("splice"),
	[EV_TEE] = TRANSFER_TYPE("tee"),
	[EV_MMAP] = {
		.name = "mmap", .cat = CAT_MEM, .noise = NOISE_OBJ,
		.slot = SLOTS(PROT_FLAGS, LEN, ADDR, MAP_PATH, NONE),
		.json = { J("addr", ADDR), J("len", LEN), J("prot", PROT), J("flags", MFLAGS),
			  J("path", MAP_PATH) },
		.text = { L("mmap "), W(ADDR), L("-"), W(END), L(" "), W(PROT), L(" "), W(LEN),
			  L(" "), WNONE(MAP_PATH, "anon") },
	},
	[EV_MUNMAP] = RANGE_TYPE("munmap"),
	[EV_MREMAP] = RANGE_TYPE("mremap"),
	[EV_BRK] = {
		.name = "brk", .cat = CAT_MEM, .noise = NOISE_OBJ,
		.slot = SLOTS(FD, HEAP, ADDR, NONE, NONE),
		.json = { J("addr", ADDR), J("heap", HEAP) },
		.text = { L("brk heap "), W(HEAP) },
	},
	[EV_SIGNAL] = {
		.name = "signal", .cat = CAT_PROC,
		.slot = SLOTS(SIGNAL, NONE, NONE, NONE, NONE),
		.json = { J("signal", SIGNAL) },
		.text = { L("signal "), W(SIGNAL) },
	},
	[EV_SYSCALL] = {
		.name = "syscall", .cat = CAT_OTHER, .noise = NOISE_OBJ, .quiet = QUIET_ALWAYS,
		.slot = SLOTS(NR, RET, ARCH, SYSPATH, NONE),
		.json = { J("name", SYSNAME), J("nr", NR), J("ret", RET), J("arch", ARCH),
			  JSET("error", ERROR), JSET("dur_us", DUR) },
		.text = { L("syscall "), W(SYSTEXT), L(" = "), W(RESULT), PAREN(PATH) },
		.row = { L("syscall "), W(SYSTEXT), L(" = "), W(RESULT), PAREN(SYSPATH) },
	},
	[EV_SCHED] = {
		.name = "sched_delay", .cat = CAT_LAT, .noise = NOISE_OBJ, .fold = FOLD_LAT,
		.slot = SLOTS(FD, LATENCY, NONE, NONE, NONE),
		.json = { J("delay_us", LATENCY), J("cpu", CPU), J("reason", REASON) },
		.text = { L("sched delay "), W(LATENCY) },
	},
	[EV_BLOCK] = {
		.name = "block_io", .cat = CAT_LAT, .noise = NOISE_OBJ, .fold = FOLD_LAT,
		.slot = SLOTS(FD, LATENCY, NONE, NONE, NONE),
		.json = { J("latency_us", LATENCY), J("bytes", BYTES), J("op", OP), J("dev", DEV),
			  J("sector", SECTOR) },
		.text = { L("block I/O "), W(OP), L(" "), W(LATENCY), L(" ("), W(BYTES), L(")") },
		.row = { L("block I/O "), W(LATENCY) },
	},
	[EV_FAULT] = {
		.name = "fault", .cat = CAT_MEM, .noise = NOISE_REGION, .fold = FOLD_FAULT,
		.slot = SLOTS(FD, BYTES, ADDR, NONE, NONE),
		.json = { J("addr", ADDR), J("ip", IP), J("region", REGION),
			  J("region_kind", REGION_KIND), J("region_start", REGION_START) },
		.text = { L("fault "), W(BYTES), L(" in "), W(REGION_AT) },
		.row = { L("page fault at "), W(ADDR) },
	},
	[EV_DELETE] = {
		.name = "delete", .cat = CAT_FILE, .noise = NOISE_PATH, .quiet = QUIET_FAILED,
		.slot = SLOTS(DIR, NONE, NONE, PATH, NONE),
		.json = { J("path", PATH), J("dir", DIR), JSET("error", ERROR),
			  JSET("unreadable", UNREADABLE) },
		.text = { L("delete "), WNONE(PATH, UNREADABLE_TEXT), IF(DIR, " (dir)"), W(FAILED) },
	},
	[EV_RENAME] = {
		.name = "rename", .cat = CAT_FILE, .noise = NOISE_PATH, .quiet = QUIET_FAILED,
		.slot = SLOTS(FD, NONE, NONE, PATH, PATH2),
		.json = { J("path", PATH), J("new_path", PATH2), JSET("error", ERROR),
			  JSET("unreadable", UNREADABLE) },
		.text = { L("rename "), WNONE(PATH, UNREADABLE_TEXT), L(" "), W(TO), L(" "),
			  WNONE(PATH2, UNREADABLE_TEXT),
			  W(FAILED) },
	},
};

static const struct evdesc unknown = { .name = "unknown", .cat = CAT_OTHER };

/* The description of an event type. */
const struct evdesc *evdesc_of(unsigned type)
{
	return type < EV_TYPE_MAX ? &types[type] : &unknown;
}

/* "open", "connect"... */
const char *evdesc_name(unsigned type)
{
	return evdesc_of(type)->name;
}

/* Category of an event type for an fd kind. */
enum ev_cat evdesc_category(unsigned type, int kind)
{
	const struct evdesc *d = evdesc_of(type);

	if (!d->by_kind)
		return d->cat;
	if (kind >= FDK_UNIX && kind <= FDK_SOCK)
		return CAT_NET;
	if (kind == FDK_PIPE || kind == FDK_ANON)
		return CAT_IO;
	return d->cat;
}

/* "file", "net", "mem", "io", "proc", "lat", "other". */
const char *evdesc_cat_name(unsigned cat)
{
	static const char *const names[CAT_MAX] = {
		[CAT_FILE] = "file", [CAT_NET] = "net", [CAT_MEM] = "mem", [CAT_IO] = "io",
		[CAT_PROC] = "proc", [CAT_LAT] = "lat", [CAT_OTHER] = "other",
	};

	return cat < CAT_MAX ? names[cat] : "other";
}

/* Did the call fail (a connect in progress did not; exits and signals never)? */
bool evdesc_failed(const struct event *ev)
{
	if (ev->type == EV_EXIT || ev->type == EV_SIGNAL)
		return false;
	if (ev->ret >= 0 || ev->ret < -4095)
		return false;
	return ev->type == EV_SYSCALL || ev->ret != -115;   /* EINPROGRESS */
}
