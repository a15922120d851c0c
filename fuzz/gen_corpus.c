/* gen_corpus.c - write the seed corpora of the fuzz harnesses.
 *
 *     make fuzz/gen_corpus && fuzz/gen_corpus ../fuzz/corpus    (in BUILDDIR)
 *
 * Record seeds are streams built with rec_begin/rec_blob/rec_finish in the
 * order src/tracer.c emits them (a REC_FD right before the syscall that made
 * the fd), so the fuzzer starts from what real recordings look like; the
 * recording seeds are the same streams written by recording_create, the
 * writer --record uses.  The other seeds are socket addresses of each
 * family, awkward strings and short fdtable programs.  Seeds stay small (under 2 KiB each); it must
 * never write outside the directory it is given.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "record.h"
#include "recording.h"

#define PID 100
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)

static const char *outdir;
static struct recbuf rb;
static unsigned char stream[8192];
static size_t stream_len;
static uint64_t now = 1000000000ull;

/* Write n bytes to outdir/sub/name; exits on failure. */
static void put_file(const char *sub, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, sub);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* ---- record streams ---- */

/* Begin a record of tid (its own tgid unless tgid says otherwise). */
static void *begin(enum rec_type type, int tid, int tgid, size_t fixed)
{
	now += 1000;
	return rec_begin(&rb, type, now, tid, tgid, fixed);
}

/* Seal the record being built and append it to the stream. */
static void seal(void)
{
	size_t len = rec_finish(&rb);

	if (rec_validate(rb.buf, len) != 0 || stream_len + len > sizeof(stream)) {
		fprintf(stderr, "gen_corpus: bad seed record\n");
		exit(1);
	}
	memcpy(stream + stream_len, rb.buf, len);
	stream_len += len;
}

/* Zero the start time and host name a recording header holds (bytes 16 to
 * 88, after magic, version and length), so seeds do not change per machine. */
static void scrub_header(const char *path)
{
	static const char zeros[72];
	FILE *f = fopen(path, "r+b");

	if (!f || fseek(f, 16, SEEK_SET) != 0 || fwrite(zeros, 1, sizeof(zeros), f) != sizeof(zeros) ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* Write a --record file of a REC_START and the stream, cut by torn bytes. */
static void put_recording(const char *name, size_t torn)
{
	static struct recbuf sb;
	static const char argv0[] = "prog";
	char *const argv[] = { (char *)argv0, NULL };
	struct rec_start *s = rec_begin(&sb, REC_START, 1000000000ull, PID, PID, sizeof(*s));
	struct recording *r;
	char path[4096];

	s->pid = PID;
	s->tracer_pid = 1;
	s->argv_len = (uint32_t)rec_blob(&sb, argv0, sizeof(argv0));
	rec_finish(&sb);
	snprintf(path, sizeof(path), "%s/recording", outdir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/recording/%s", outdir, name);
	r = recording_create(path, argv);
	if (!r || recording_append(r, sb.buf, sb.len) < 0 ||
	    recording_append(r, stream, stream_len - torn) < 0 || recording_close(r) < 0) {
		perror(path);
		exit(1);
	}
	scrub_header(path);
}

/* Write the stream built so far as a record seed and start a new one. */
static void flush_stream(const char *name)
{
	put_file("record", name, stream, stream_len);
	if (!strcmp(name, "procs") || !strcmp(name, "net"))
		put_recording(name, 0);
	if (!strcmp(name, "file_io"))
		put_recording("file_io_torn", 20);
	if (!strcmp(name, "output"))
		put_recording("output", 0);
	stream_len = 0;
}

/* Append a blob that may be empty (rec_blob wants a real pointer). */
static size_t blob(const void *p, size_t n)
{
	return n ? rec_blob(&rb, p, n) : 0;
}

/* A finished syscall of tid with up to four arguments and blobs. */
static void sys(int tid, int nr, int64_t ret, uint64_t a0, uint64_t a1, uint64_t a2,
		uint64_t a3, const void *addr, size_t alen, const char *path)
{
	struct rec_syscall *s = begin(REC_SYSCALL, tid, PID, sizeof(*s));

	s->nr = s->orig_nr = nr;
	s->ret = ret;
	s->args[0] = a0, s->args[1] = a1, s->args[2] = a2, s->args[3] = a3;
	s->entry_ts = now - 500;
	s->addr_len = (uint16_t)blob(addr, alen);
	s->path_len = path ? (uint16_t)rec_blob(&rb, path, strlen(path)) : 0;
	seal();
}

/* A REC_FD for tid's fd with optional local/remote addresses. */
static void fd_rec(int tid, int fd, int kind, int why, const char *path, const void *la,
		   size_t llen, const void *ra, size_t rlen)
{
	struct rec_fd *r = begin(REC_FD, tid, PID, sizeof(*r));

	r->fd = fd;
	r->kind = (uint8_t)kind;
	r->why = (uint8_t)why;
	r->path_len = (uint16_t)rec_blob(&rb, path, strlen(path));
	r->laddr_len = (uint16_t)blob(la, llen);
	r->raddr_len = (uint16_t)blob(ra, rlen);
	seal();
}

/* An AF_INET address. */
static struct sockaddr_in in4(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

/* An AF_INET6 address. */
static struct sockaddr_in6 in6(const char *ip, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };

	inet_pton(AF_INET6, ip, &a.sin6_addr);
	return a;
}

/* The end of a trace: the root exits 0. */
static void finish(int tid)
{
	struct rec_exit *x = begin(REC_EXIT, tid, PID, sizeof(*x));
	struct rec_end *e;

	x->leader = 1;
	seal();
	e = begin(REC_END, tid, PID, sizeof(*e));
	e->reason = END_EXITED;
	e->stops = 42;
	seal();
}

/* open, read, write, close of a regular file; a failed open. */
static void seed_file_io(void)
{
	fd_rec(PID, 3, FDK_FILE, FDW_NEW, "/tmp/data.txt", NULL, 0, NULL, 0);
	sys(PID, SYS_openat, 3, (uint64_t)AT_FDCWD, 0, O_RDWR, 0, NULL, 0, NULL);
	sys(PID, SYS_read, 100, 3, 0, 100, 0, NULL, 0, NULL);
	sys(PID, SYS_pwrite64, 7, 3, 0, 7, 0, NULL, 0, NULL);
	sys(PID, SYS_write, 5, 1, 0, 5, 0, NULL, 0, NULL);
	sys(PID, SYS_openat, -ENOENT, (uint64_t)AT_FDCWD, 0, O_RDONLY, 0, NULL, 0, "/nope \x1b\xff");
	sys(PID, SYS_close, 0, 3, 0, 0, 0, NULL, 0, NULL);
	finish(PID);
	flush_stream("file_io");
}

/* TCP over IPv4 and IPv6, UDP sendto, accept, a dissolved association. */
static void seed_net(void)
{
	struct sockaddr_in lo = in4("10.0.0.2", 40000), re = in4("93.184.216.34", 443);
	struct sockaddr_in6 l6 = in6("::1", 5000), r6 = in6("::ffff:127.0.0.1", 8080);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	fd_rec(PID, 4, FDK_TCP4, FDW_NEW, "socket:[1234]", NULL, 0, NULL, 0);
	sys(PID, SYS_socket, 4, AF_INET, SOCK_STREAM, 0, 0, NULL, 0, NULL);
	fd_rec(PID, 4, FDK_TCP4, FDW_UPDATE, "socket:[1234]", &lo, sizeof(lo), &re, sizeof(re));
	sys(PID, SYS_connect, -EINPROGRESS, 4, 0, sizeof(re), 0, &re, sizeof(re), NULL);
	sys(PID, SYS_sendto, 20, 4, 0, 20, 0, NULL, 0, NULL);
	sys(PID, SYS_recvfrom, 30, 4, 0, 64, 0, NULL, 0, NULL);
	fd_rec(PID, 5, FDK_TCP6, FDW_UPDATE, "socket:[1235]", &l6, sizeof(l6), &r6, sizeof(r6));
	sys(PID, SYS_accept4, 5, 3, 0, 0, 0, NULL, 0, NULL);
	sys(PID, SYS_sendmsg, 9, 5, 0, 0, 0, NULL, 0, NULL);
	fd_rec(PID, 6, FDK_UDP4, FDW_NEW, "socket:[1236]", NULL, 0, NULL, 0);
	sys(PID, SYS_connect, 0, 6, 0, sizeof(re), 0, &re, sizeof(re), NULL);
	sys(PID, SYS_connect, 0, 6, 0, sizeof(unspec), 0, &unspec, sizeof(unspec), NULL);
	sys(PID, SYS_sendto, 8, 6, 0, 8, 0, &re, sizeof(re), NULL);
	finish(PID);
	flush_stream("net");
}

/* fork, exec, fd set, a thread that execs, a signal, exits, a note. */
static void seed_procs(void)
{
	static const char argv[] = "/bin/true\0--version";
	struct rec_newtask *nt = begin(REC_NEWTASK, PID, PID, sizeof(*nt));
	struct rec_exec *ex;
	struct rec_signal *sg;
	struct rec_exit *x;
	struct rec_note *no;
	int32_t *fds;

	nt->child = 101, nt->kind = NT_FORK, nt->flags = SIGCHLD;
	seal();
	ex = begin(REC_EXEC, 101, 101, sizeof(*ex));
	ex->old_tid = 101;
	ex->exe_len = (uint16_t)rec_blob(&rb, "/usr/bin/true", 13);
	ex->argv_len = (uint32_t)rec_blob(&rb, argv, sizeof(argv));
	seal();
	fds = begin(REC_FDSET, 101, 101, 0);
	rec_blob(&rb, (const int32_t[]){ 0, 1, 2, -1 }, 4 * sizeof(*fds));
	seal();
	nt = begin(REC_NEWTASK, 101, 101, sizeof(*nt));
	nt->child = 102, nt->kind = NT_CLONE, nt->flags = THREAD_FLAGS;
	seal();
	ex = begin(REC_EXEC, 101, 101, sizeof(*ex));
	ex->old_tid = 102;
	ex->exe_len = (uint16_t)rec_blob(&rb, "/bin/sh", 7);
	seal();
	sg = begin(REC_SIGNAL, 101, 101, sizeof(*sg));
	sg->sig = SIGTERM;
	seal();
	x = begin(REC_EXIT, 101, 101, sizeof(*x));
	x->status = SIGTERM, x->leader = 1;
	seal();
	no = begin(REC_NOTE, PID, PID, sizeof(*no));
	no->kind = NOTE_WARN;
	no->text_len = (uint32_t)rec_blob(&rb, "lost 3 events", 13);
	seal();
	finish(PID);
	flush_stream("procs");
}

/* mmap (anonymous and of a file), munmap, mremap, brk, io_uring. */
static void seed_mem(void)
{
	fd_rec(PID, 3, FDK_FILE, FDW_NEW, "/usr/lib/libc.so.6", NULL, 0, NULL, 0);
	sys(PID, SYS_open, 3, 0, O_RDONLY, 0, 0, NULL, 0, NULL);
	sys(PID, SYS_mmap, 0x7f0000000000, 0, 8192, PROT_READ, MAP_PRIVATE, NULL, 0, NULL);
	sys(PID, SYS_mmap, 0x7f0000100000, 0, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, NULL, 0, NULL);
	sys(PID, SYS_mremap, 0x7f0000200000, 0x7f0000100000, 4096, 16384, 0, NULL, 0, NULL);
	sys(PID, SYS_munmap, 0, 0x7f0000200000, 16384, 0, 0, NULL, 0, NULL);
	sys(PID, SYS_brk, 0x555500000000, 0, 0, 0, 0, NULL, 0, NULL);
	sys(PID, SYS_brk, 0x555500021000, 0x555500021000, 0, 0, 0, NULL, 0, NULL);
	sys(PID, SYS_io_uring_setup, 5, 8, 0, 0, 0, NULL, 0, NULL);
	finish(PID);
	flush_stream("mem");
}

/* dup family, fcntl dups, close_range variants, transfers between fds. */
static void seed_fdops(void)
{
	fd_rec(PID, 3, FDK_FILE, FDW_NEW, "/tmp/in", NULL, 0, NULL, 0);
	sys(PID, SYS_openat, 3, (uint64_t)AT_FDCWD, 0, O_RDONLY, 0, NULL, 0, NULL);
	fd_rec(PID, 4, FDK_PIPE, FDW_NEW, "pipe:[77]", NULL, 0, NULL, 0);
	fd_rec(PID, 5, FDK_PIPE, FDW_NEW, "pipe:[77]", NULL, 0, NULL, 0);
	sys(PID, SYS_pipe2, 0, 0x7ffc0000, 0, 0, 0, NULL, 0, NULL);
	sys(PID, SYS_dup, 6, 3, 0, 0, 0, NULL, 0, NULL);
	sys(PID, SYS_dup2, 9, 5, 9, 0, 0, NULL, 0, NULL);
	sys(PID, SYS_dup3, 10, 9, 10, O_CLOEXEC, 0, NULL, 0, NULL);
	sys(PID, SYS_fcntl, 11, 3, F_DUPFD_CLOEXEC, 11, 0, NULL, 0, NULL);
	sys(PID, SYS_sendfile, 50, 5, 3, 0, 50, NULL, 0, NULL);
	sys(PID, SYS_splice, 40, 4, 0, 3, 0, NULL, 0, NULL);
	sys(PID, SYS_tee, 10, 4, 5, 10, 0, NULL, 0, NULL);
	sys(PID, SYS_copy_file_range, 60, 3, 0, 6, 0, NULL, 0, NULL);
	sys(PID, SYS_close_range, 0, 9, 10, CLOSE_RANGE_CLOEXEC, 0, NULL, 0, NULL);
	sys(PID, SYS_close_range, 0, 9, ~0u, CLOSE_RANGE_UNSHARE, 0, NULL, 0, NULL);
	sys(PID, SYS_close_range, 0, 4, 6, 0, 0, NULL, 0, NULL);
	finish(PID);
	flush_stream("fdops");
}

/* A raw i386 call (verbose), a sendmmsg byte count, inherited fds. */
static void seed_misc(void)
{
	struct rec_syscall *s = begin(REC_SYSCALL, PID, PID, sizeof(*s));

	s->nr = SYS_write, s->orig_nr = 4, s->arch = ARCH_I386, s->ret = 3;
	s->args[0] = 1;
	seal();
	fd_rec(PID, 0, FDK_CHR, FDW_INHERITED, "/dev/pts/0", NULL, 0, NULL, 0);
	fd_rec(PID, 7, FDK_UDP6, FDW_INHERITED, "socket:[9]", NULL, 0, NULL, 0);
	s = begin(REC_SYSCALL, PID, PID, sizeof(*s));
	s->nr = s->orig_nr = SYS_sendmmsg, s->ret = 2, s->aux = 300;
	s->args[0] = 7;
	seal();
	s = begin(REC_SYSCALL, 555, 555, sizeof(*s));   /* a task never seen */
	s->nr = s->orig_nr = -1, s->ret = -ENOSYS;
	seal();
	flush_stream("misc");
}

/* The program's terminal output: the marker, bytes with escapes, a
 * carriage return and a split UTF-8 sequence, then a count left out. */
static void seed_output(void)
{
	static const char text[] = "tick 1\r\n\033[1mbold\033[0m 50%\r100%\n\xe2\x80";
	struct rec_output *o = begin(REC_OUTPUT, 0, 0, sizeof(*o));

	((struct rec_hdr *)rb.buf)->flags = OUTPUT_F_CAPTURED;
	seal();
	o = begin(REC_OUTPUT, 0, 0, sizeof(*o));
	o->len = (uint32_t)rec_blob(&rb, text, sizeof(text) - 1);
	seal();
	o = begin(REC_OUTPUT, 0, 0, sizeof(*o));
	o->len = (uint32_t)rec_blob(&rb, "\xa6 done\n", 7);
	o->dropped = 123456;
	seal();
	flush_stream("output");
}

/* One record of each type the model ignores (eBPF and perf producers). */
static void seed_latency(void)
{
	struct rec_sched *sc = begin(REC_SCHED, PID, PID, sizeof(*sc));
	struct rec_block *bl;
	struct rec_fault *fa;
	struct rec_lost *lo;
	struct rec_hist *hi;
	struct rec_io *io;

	sc->delay_ns = 12345, sc->cpu = 1;
	seal();
	bl = begin(REC_BLOCK, PID, PID, sizeof(*bl));
	bl->lat_ns = 1000000, bl->bytes = 4096, bl->dev = 8u << 20, bl->write = 1;
	seal();
	fa = begin(REC_FAULT, PID, PID, sizeof(*fa));
	fa->addr = 0x1000, fa->ip = 0x401000;
	seal();
	lo = begin(REC_LOST, PID, PID, sizeof(*lo));
	lo->source = LOST_BPF, lo->count = 7;
	seal();
	hi = begin(REC_HIST, PID, PID, sizeof(*hi));
	hi->kind = HIST_SCHED, hi->pid = PID, hi->nslots = 4;
	rec_blob(&rb, (const uint64_t[]){ 1, 2, 3, 4 }, 4 * sizeof(uint64_t));
	seal();
	io = begin(REC_IO, PID, PID, sizeof(*io));
	io->fd = 1, io->kind = FDK_PIPE, io->rd = 10, io->rd_calls = 2, io->wr = 5, io->wr_calls = 1;
	seal();
	io = begin(REC_IO, PID, PID, sizeof(*io));   /* an fd never described */
	io->fd = 77, io->kind = FDK_FILE, io->wr = 1, io->wr_calls = 1;
	seal();
	flush_stream("latency");
}

/* ---- socket addresses, strings, fdtable programs ---- */

/* Socket addresses of every family sockaddr.c knows, and some it does not. */
static void seed_sockaddrs(void)
{
	struct sockaddr_in a = in4("127.0.0.1", 80);
	struct sockaddr_in6 b = in6("fe80::1", 443), c = in6("::ffff:127.0.0.1", 22);
	struct sockaddr_un u = { .sun_family = AF_UNIX }, ab = { .sun_family = AF_UNIX };
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK, .nl_pid = 77, .nl_groups = 1 };
	struct sockaddr sp = { .sa_family = AF_UNSPEC }, pk = { .sa_family = AF_PACKET };

	b.sin6_scope_id = 2;
	strcpy(u.sun_path, "/run/x\\y.sock");
	memcpy(ab.sun_path, "\0abstract\x01", 11);
	put_file("sockaddr", "inet", &a, sizeof(a));
	put_file("sockaddr", "inet_short", &a, 6);
	put_file("sockaddr", "inet6_scope", &b, sizeof(b));
	put_file("sockaddr", "inet6_mapped", &c, 24);
	put_file("sockaddr", "unix_path", &u, offsetof(struct sockaddr_un, sun_path) + 14);
	put_file("sockaddr", "unix_abstract", &ab, offsetof(struct sockaddr_un, sun_path) + 11);
	put_file("sockaddr", "unix_unnamed", &u, sizeof(sa_family_t));
	put_file("sockaddr", "netlink", &nl, sizeof(nl));
	put_file("sockaddr", "unspec", &sp, sizeof(sp));
	put_file("sockaddr", "packet", &pk, sizeof(pk));
}

/* Strings a tracee could use as a path or an argv word. */
static void seed_strings(void)
{
	static const struct { const char *name, *s; } v[] = {
		{ "plain", "/etc/hosts" },
		{ "quotes", "a \"b\" \\c\td\ne\r" },
		{ "utf8", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80" },
		{ "invalid_utf8", "\xff\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82" },
		{ "bidi", "evil\xe2\x80\xaetxt.exe \xe2\x81\xa6x\xe2\x80\x8e" },
		{ "html", "<script>&amp;</script> \xe2\x80\xa8\xe2\x80\xa9" },
		{ "controls", "\x01\x1b[31mred\x7f\x1b]0;title\x07" },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		put_file("json", v[i].name, v[i].s, strlen(v[i].s));
	put_file("json", "nul", "a\0b", 3);
}

/* fdtable programs: opcode bytes as fuzz_fdtable.c reads them. */
static void seed_fdtables(void)
{
	/* open 3; dup 3->4; copy slot 0 -> 1; close 3 in slot 1; lookups */
	static const unsigned char fork_dup[] = { 0, 3, 0, 1, 1, 3, 4, 5, 0, 1, 0x12, 3, 9, 4, 0x19, 4 };
	/* open 3, 5 and a big fd; ref 0 -> 2; close_range 4..~0; keep {3} */
	static const unsigned char share[] = { 0, 3, 1, 1, 0, 5, 2, 2, 0, 0xff, 0, 0, 0x10, 0, 3, 3,
					       6, 0, 2, 3, 4, 0xff, 0xff, 0xff, 0xff, 0xff,
					       0x24, 1, 3 };
	/* open 3 in slot 0; install it at 7 in slot 1; unref slot 0; lookup 7 */
	static const unsigned char install[] = { 0, 3, 0, 6, 0x18, 0, 7, 3, 7, 0x19, 7 };

	put_file("fdtable", "fork_dup", fork_dup, sizeof(fork_dup));
	put_file("fdtable", "share", share, sizeof(share));
	put_file("fdtable", "install", install, sizeof(install));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus DIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	seed_file_io();
	seed_net();
	seed_procs();
	seed_mem();
	seed_fdops();
	seed_misc();
	seed_latency();
	seed_output();
	seed_sockaddrs();
	seed_strings();
	seed_fdtables();
	return 0;
}
