/* ioacct.bpf.c - read/write bytes per (process, fd) counted in the kernel.
 *
 * Second object of --ebpf (the loader is src/ebpf_ioacct.c): with it the
 * tracer's seccomp filter lets the read/write family run without a ptrace
 * stop, so these counts replace the ones ptrace would have made.  At the
 * exit of read, write, pread64, pwrite64, readv, writev, preadv(2) and
 * pwritev(2), and of sendto and recvfrom called without an address, by a
 * traced task (the tasks map, which latency.bpf.c keeps: src/ebpf.c gives
 * both objects the same one), it adds the bytes moved to a counter keyed by
 * (process, fd); when the counter is made it notes what the fd is from the
 * kernel's own file object: the inode's type bits, its superblock's magic
 * (pipes, sockets and anonymous inodes such as eventfd, which have no type
 * bits) and, for sockets, the family and type.  The rules are the tracer's
 * (src/tracer.c describe_fd), so the totals by class equal those of ptrace
 * mode.  The *msg calls and sendto/recvfrom with an address stay with
 * ptrace, which reads their addresses; this program leaves them alone.
 * mmap, munmap, mremap and brk run without stops as well: everything about
 * them is in registers, so the whole call is sent (IOACCT_CALL).  So do
 * open, openat and creat (IOACCT_OPEN): the new fd's path is found walking
 * its dentries and mounts up as d_path does (bpf_d_path is not allowed in
 * tracepoint programs), so it reads as /proc/PID/fd would have; a failed
 * call sends the path it was given, from the cwd or dirfd when relative.
 * The walk writes the path backwards from the file's own name, so a path
 * longer than IOACCT_PATH_MAX keeps its tail: the cut mark, then the last
 * components that fit (as src/record.h's rec_path_cut), never a front that
 * two files could share.
 * pipe and pipe2 are sent with the two fds they made (IOACCT_PIPE).
 *
 * What it sends (IOACCT_COUNT, on its own ring buffer, which the tracer
 * thread drains before it handles each stop) is a counter's figures so far:
 * for every counter that grew, whenever that drain runs io_sweep (every
 * IOACCT_SWEEP_MS, so an fd that stays open and idle is counted live too),
 * and always before anything that ends the fd: close, dup2/dup3 onto it,
 * close_range, execve (close-on-exec), and the end of the process.  The
 * reader sends on only the growth since the figures it saw last, so a
 * sweep that races with the end of an fd can neither lose nor double a
 * count.  Counters are freed when their fd ends, so the maps hold only
 * open fds; with all IOACCT_MAX_FDS of them in use, each read and write of
 * a further fd is sent alone (IOACCT_SLOT_NONE).  Like the tracer it counts
 * only successful x86_64 calls, never i386 ones.  Every traced system call
 * pays for one lookup; every other one on the machine for the tracepoint
 * itself (about 90 ns).  Each handler is written once (TP_TWINS) as a
 * tp_btf program and its raw_tp twin.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "ioacct.h"
#include "shared.bpf.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* IOACCT_COUNT, IOACCT_CALL, IOACCT_OPEN and IOACCT_PIPE samples: drained
 * by the tracer thread (not latency's reader) at every stop, else every 2 ms
 * while they come and every 50 ms while they do not.  Past
 * IOACCT_HIGH_WATER (a quarter) a submit wakes the reader, which then holds
 * the traced program back. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, IOACCT_RINGBUF_BYTES);
} ioevents SEC(".maps");

/* (process, fd) -> index of its counter in fdslots. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, IOACCT_MAX_FDS);
	__type(key, struct ioacct_fd_key);
	__type(value, __u32);
} fdio SEC(".maps");

/* The counters.  A hash map's freed entry may be reused at once, under
 * the feet of a sweep reading it; these slots are reused only through
 * slot_take and slot_give, which keep seq. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IOACCT_MAX_FDS);
	__type(key, __u32);
	__type(value, struct ioacct_fd_slot);
} fdslots SEC(".maps");

/* Slots given back, taken again before new ones (so sweeps stay short). */
struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, IOACCT_MAX_FDS);
	__uint(value_size, sizeof(__u32));
} free_slots SEC(".maps");

/* What the sweep last sent of each slot: the use and its calls then. */
struct swept {
	__u64 seq, calls;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, IOACCT_MAX_FDS);
	__type(key, __u32);
	__type(value, struct swept);
} swept SEC(".maps");

__u32 slots_used;   /* slots ever handed out: the sweep looks at these */

const volatile bool engine = false;   /* the kernel engine's (engine.bpf.h) */

#define NAME_MAX_B 255
#define PATH_END (IOACCT_PATH_MAX + 4)   /* a path is built backwards up to here */
#define PATH_ARG 4096                   /* a path argument (PATH_MAX) */
#define WORK_MASK (2 * IOACCT_PATH_MAX - 1)

/* put_path's state, shared with its bpf_loop callback. */
struct walk {
	struct mount *mnt;
	struct dentry *root;     /* mnt's root */
	struct dentry *d;
	long mnt_off;            /* offsetof(struct mount, mnt) on this kernel */
	__u32 off;               /* the path so far is work[off..PATH_END) */
	__u32 low;               /* no byte before work[low]: IOACCT_PATH_MAX in all */
	__u32 whole;             /* the walk reached the root */
	__u32 pad;
};

/* Where an IOACCT_OPEN is put together: the sample and its path, the work
 * area where the path is built backwards from the file up (a failed
 * call's argument after PATH_END; a masked offset plus a name always
 * fits), and the walk's state. */
struct open_scratch {
	struct ioacct_open hdr;
	char path[IOACCT_PATH_MAX + 8];
	char work[2 * IOACCT_PATH_MAX + NAME_MAX_B + 1];
	struct walk w;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_scratch);
} open_scratch SEC(".maps");

/* When the current task's system call now returning began (the kernel
 * engine's entry stamp; 0: not known): sys_exit sets it for call_fill. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} call_began SEC(".maps");

/* Processes with counters in fdio (key tgid), and which fds have had one:
 * bit i for fd i below FD_BITS, bit FD_BITS for any fd above.  A flush of
 * a process's fds then looks up only those (walking all of fdio instead
 * cost make -j2 two percent, once per process exit). */
#define FD_BITS 63
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, IOACCT_MAX_PROCS);
	__type(key, __u32);
	__type(value, __u64);
} fdio_procs SEC(".maps");

/* x86_64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
enum {
	NR_read = 0, NR_write = 1, NR_close = 3, NR_pread64 = 17, NR_pwrite64 = 18,
	NR_open = 2, NR_mmap = 9, NR_munmap = 11, NR_brk = 12, NR_mremap = 25, NR_creat = 85,
	NR_openat = 257, NR_pipe = 22, NR_pipe2 = 293,
	NR_readv = 19, NR_writev = 20, NR_dup2 = 33, NR_sendto = 44, NR_recvfrom = 45,
	NR_execve = 59, NR_dup3 = 292, NR_preadv = 295, NR_pwritev = 296,
	NR_execveat = 322, NR_preadv2 = 327, NR_pwritev2 = 328, NR_close_range = 436,
};

#define TS_COMPAT 0x0002
#define CLOSE_RANGE_CLOEXEC 4    /* close_range only marks, closes nothing */

/* A register of the system call: tp_btf programs load it directly, raw_tp
 * ones need a probe read (btf is a constant in every inlined copy). */
#define REG(regs, f, btf) ((btf) ? (regs)->f : BPF_CORE_READ(regs, f))

/* Argument i (0-5) of the system call; an i386 call's (compat) are in bx,
 * cx, dx, si, di and bp.  (i and btf are constants in every inlined copy:
 * with btf each read is one load, else one probe read.) */
static __always_inline __u64 sys_arg(struct pt_regs *regs, int i, const bool btf, bool compat)
{
	__u64 v = 0;
	__u32 at;

	if (btf) {
		switch (i) {
		case 0: return compat ? regs->bx : regs->di;
		case 1: return compat ? regs->cx : regs->si;
		case 2: return regs->dx;
		case 3: return compat ? regs->si : regs->r10;
		case 4: return compat ? regs->di : regs->r8;
		default: return compat ? regs->bp : regs->r9;
		}
	}
	/* (at the offset of whichever register it is: one stack slot) */
	switch (i) {
	case 0: at = compat ? bpf_core_field_offset(regs->bx) : bpf_core_field_offset(regs->di); break;
	case 1: at = compat ? bpf_core_field_offset(regs->cx) : bpf_core_field_offset(regs->si); break;
	case 2: at = bpf_core_field_offset(regs->dx); break;
	case 3: at = compat ? bpf_core_field_offset(regs->si) : bpf_core_field_offset(regs->r10); break;
	case 4: at = compat ? bpf_core_field_offset(regs->di) : bpf_core_field_offset(regs->r8); break;
	default: at = compat ? bpf_core_field_offset(regs->bp) : bpf_core_field_offset(regs->r9); break;
	}
	bpf_probe_read_kernel(&v, sizeof(v), (char *)regs + at);
	return v;
}

/* Is the current task in an i386 system call (int 0x80: another table)? */
static __always_inline bool in_compat(const bool btf)
{
	if (btf)
		return bpf_get_current_task_btf()->thread_info.status & TS_COMPAT;
	return BPF_CORE_READ((struct task_struct *)bpf_get_current_task(),
			     thread_info.status) & TS_COMPAT;
}

/* 1 for the reads, 2 for the writes we count, 0 for anything else; the
 * same set src/tracer.c's seccomp filter lets run without a stop. */
static __always_inline int io_dir(long nr, struct pt_regs *regs, const bool btf, bool compat)
{
	switch (nr) {
	case NR_read: case NR_pread64: case NR_readv: case NR_preadv: case NR_preadv2:
		return 1;
	case NR_write: case NR_pwrite64: case NR_writev: case NR_pwritev: case NR_pwritev2:
		return 2;
	case NR_recvfrom:
		return sys_arg(regs, 4, btf, compat) ? 0 : 1;   /* src_addr: ptrace reads it */
	case NR_sendto:
		return sys_arg(regs, 4, btf, compat) ? 0 : 2;   /* dest_addr: likewise */
	default:
		return 0;
	}
}

/* Is the current task traced (not merely followed)?  Under the kernel
 * engine this is asked only on the paths of sys_enter and sys_exit that
 * found the task among the engine's (ke_task): it is, and no lookup is
 * needed. */
static __always_inline bool traced_now(__u32 *tgid)
{
	struct task_entry *t;

	if (engine) {
		*tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
		return true;
	}
	t = traced((__u32)bpf_get_current_pid_tgid());

	if (t)
		*tgid = t->tgid;
	return t != 0;
}

/* The struct file behind fd of the current task, or NULL. */
static __always_inline struct file *fd_file(int fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **arr;
	struct file *f = 0;

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return 0;
	arr = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]);
	return f;
}

/* A socket's kind from its family and type (as the tracer's sock_kind). */
static __always_inline __u32 sock_kind(struct file *f)
{
	struct socket *sock = BPF_CORE_READ(f, private_data);
	unsigned int family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	int type = BPF_CORE_READ(sock, type) & 0xf;

	if (family == 1 /* AF_UNIX */)
		return IOACCT_FDK_UNIX;
	if (family == 2 /* AF_INET */ && (type == 1 || type == 2))
		return type == 1 /* SOCK_STREAM */ ? IOACCT_FDK_TCP4 : IOACCT_FDK_UDP4;
	if (family == 10 /* AF_INET6 */ && (type == 1 || type == 2))
		return type == 1 ? IOACCT_FDK_TCP6 : IOACCT_FDK_UDP6;
	return IOACCT_FDK_SOCK;
}

/* What file f is (as the tracer's describe_fd), and its inode number. */
static __always_inline __u32 file_kind(struct file *f, __u64 *ino)
{
	struct inode *in = BPF_CORE_READ(f, f_inode);
	unsigned long magic = BPF_CORE_READ(in, i_sb, s_magic);
	unsigned int fmt = BPF_CORE_READ(in, i_mode) & 0170000;

	*ino = BPF_CORE_READ(in, i_ino);
	if (magic == 0x50495045 /* PIPEFS_MAGIC */ || fmt == 0010000 /* S_IFIFO */)
		return IOACCT_FDK_PIPE;
	if (magic == 0x09041934 /* ANON_INODE_FS_MAGIC */)
		return IOACCT_FDK_ANON;
	switch (fmt) {
	case 0140000: return sock_kind(f);
	case 0100000: return IOACCT_FDK_FILE;
	case 0040000: return IOACCT_FDK_DIR;
	case 0020000: return IOACCT_FDK_CHR;
	case 0060000: return IOACCT_FDK_BLK;
	default: return IOACCT_FDK_UNKNOWN;
	}
}

/* How to submit to ioevents: quietly, unless the ring is past its high
 * water mark (the reader then freezes the program until it has caught up). */
static __always_inline __u64 io_wake(void)
{
	return bpf_ringbuf_query(&ioevents, BPF_RB_AVAIL_DATA) >= IOACCT_HIGH_WATER ?
	       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* Slot i of fdslots, or NULL. */
static __always_inline struct ioacct_fd_slot *slot_at(__u32 i)
{
	return bpf_map_lookup_elem(&fdslots, &i);
}

/* An unused slot's index, or -1 when all are in use. */
static __always_inline long slot_take(void)
{
	__u32 i;

	if (bpf_map_pop_elem(&free_slots, &i) == 0)
		return i;
	i = __sync_fetch_and_add(&slots_used, 1);
	return i < IOACCT_MAX_FDS ? i : -1;
}

/* Give slot i back. */
static __always_inline void slot_give(__u32 i, struct ioacct_fd_slot *s)
{
	__sync_lock_test_and_set(&s->state, IOACCT_SLOT_FREE);
	if (bpf_map_push_elem(&free_slots, &i, 0))
		drop(DROP_MAPFULL);   /* cannot be: the stack holds every slot */
}

/* Fill an IOACCT_COUNT from slot i (use seq): calls read before bytes, so the
 * bytes of every call counted are in (bytes are added first). */
static __always_inline void io_fill(struct ioacct_count *e, __u32 i,
				    const struct ioacct_fd_slot *s, __u64 seq, bool final)
{
	e->kind = IOACCT_COUNT;
	e->rd_calls = s->rd_calls;
	e->wr_calls = s->wr_calls;
	barrier();
	e->rd = s->rd;
	e->wr = s->wr;
	e->pid = (__s32)s->tgid;
	e->fd = s->fd;
	e->fd_kind = s->kind;
	e->ino = s->ino;
	e->ts = bpf_ktime_get_ns();
	e->seq = seq;
	e->slot = i;
	e->final = final;
}

/* The fd of slot i ends: send its last figures, forget (process, fd) k and
 * give the slot back.  Only the flusher that moves it out of LIVE does. */
static __always_inline void io_final(const struct ioacct_fd_key *k, __u32 i)
{
	struct ioacct_fd_slot *s = slot_at(i);
	struct ioacct_count *e;

	if (!s || s->tgid != k->tgid || s->fd != k->fd ||
	    __sync_val_compare_and_swap(&s->state, IOACCT_SLOT_LIVE,
					IOACCT_SLOT_ENDING) != IOACCT_SLOT_LIVE)
		return;
	e = bpf_ringbuf_reserve(&ioevents, sizeof(*e), 0);
	if (e) {
		io_fill(e, i, s, s->seq, true);
		bpf_ringbuf_submit(e, io_wake());
	} else {
		drop(DROP_RINGBUF);
	}
	bpf_map_delete_elem(&fdio, k);
	slot_give(i, s);
}

/* Set up slot i for (process, fd) k: seq is odd meanwhile. */
static __always_inline void slot_init(struct ioacct_fd_slot *s,
				      const struct ioacct_fd_key *k, __u32 kind, __u64 ino)
{
	__sync_fetch_and_add(&s->seq, 1);
	s->tgid = k->tgid;
	s->fd = k->fd;
	s->kind = kind;
	s->ino = ino;
	s->rd = s->wr = s->rd_calls = s->wr_calls = 0;
	s->state = IOACCT_SLOT_LIVE;
	__sync_fetch_and_add(&s->seq, 1);
}

/* Note that process tgid has a counter on fd (for the flushes); false if
 * the map of processes is full. */
static __always_inline bool mark_fd(__u32 tgid, int fd)
{
	__u64 *fds = bpf_map_lookup_elem(&fdio_procs, &tgid), none = 0;

	if (!fds) {
		bpf_map_update_elem(&fdio_procs, &tgid, &none, BPF_NOEXIST);
		fds = bpf_map_lookup_elem(&fdio_procs, &tgid);
	}
	if (fds)   /* (marked before the counter exists: a flush never misses it) */
		__sync_fetch_and_or(fds, 1ull << ((__u32)fd < FD_BITS ? fd : FD_BITS));
	return fds != 0;
}

/* A new counter for fd k of the current task, if it is traced; NULL if not. */
__noinline int ke_found_fd(__u32 tgid, int fd);   /* (engine.bpf.h) */
__noinline int ke_hosts_open(__u32 tgid, int fd, const char *path, __u32 len);
__noinline int ke_watch_read(long nr, int fd, __u64 a1, long ret, int compat);
__noinline int ke_watch_connect(int fd, long ret);
__u32 kwatched;   /* fds the kernel engine watches the reads of (engine.bpf.h) */

/* Send one read (dir 1) or write (dir 2) of ret bytes on fd k->fd, a file
 * of kind and ino, alone (IOACCT_SLOT_NONE): its fd has no counter. */
static __always_inline void io_alone(const struct ioacct_fd_key *k, __u32 kind, __u64 ino,
				     int dir, long ret)
{
	struct ioacct_count *e = bpf_ringbuf_reserve(&ioevents, sizeof(*e), 0);

	if (!e) {
		drop(DROP_RINGBUF);
		return;
	}
	e->kind = IOACCT_COUNT;
	e->pid = (__s32)k->tgid;
	e->fd = k->fd;
	e->fd_kind = kind;
	e->ts = bpf_ktime_get_ns();
	e->ino = ino;
	e->rd = dir == 1 ? (__u64)ret : 0;
	e->wr = dir == 1 ? 0 : (__u64)ret;
	e->rd_calls = dir == 1;
	e->wr_calls = dir != 1;
	e->seq = 0;
	e->slot = IOACCT_SLOT_NONE;
	e->final = 0;
	bpf_ringbuf_submit(e, io_wake());
}

/* A new counter for fd k of the current task, if it is traced; NULL if not.
 * With every slot in use, the call (dir, ret) is sent alone instead, and
 * NULL returned too. */
static __always_inline struct ioacct_fd_slot *io_counter_new(struct ioacct_fd_key *k, int dir,
							     long ret)
{
	struct ioacct_fd_slot *s;
	struct file *f;
	__u32 tgid, kind, *at;
	__u64 ino;
	long i;

	if (!traced_now(&tgid) || tgid != k->tgid)
		return 0;
	f = fd_file(k->fd);
	if (!f)
		return 0;
	kind = file_kind(f, &ino);
	i = mark_fd(k->tgid, k->fd) ? slot_take() : -1;
	s = i < 0 ? 0 : slot_at((__u32)i);
	if (!s) {
		io_alone(k, kind, ino, dir, ret);
		return 0;
	}
	slot_init(s, k, kind, ino);
	if (bpf_map_update_elem(&fdio, k, &i, BPF_NOEXIST) == 0) {
		ke_found_fd(k->tgid, k->fd);
		return s;
	}
	/* Another thread made this fd's counter first (or fdio is full). */
	slot_give((__u32)i, s);
	at = bpf_map_lookup_elem(&fdio, k);
	if (!at)
		io_alone(k, kind, ino, dir, ret);
	return at ? slot_at(*at) : 0;
}

/* Fill in the call part of a sample of the current task's call, all but
 * its arguments. */
static __always_inline void call_head(struct ioacct_call *e, __u32 kind, __u32 tgid, long nr,
				      long ret)
{
	__u32 zero = 0;
	__u64 *began = bpf_map_lookup_elem(&call_began, &zero);

	e->kind = kind;
	e->tid = (__s32)bpf_get_current_pid_tgid();
	e->tgid = (__s32)tgid;
	e->nr = (__s32)nr;
	e->ts = bpf_ktime_get_ns();
	e->ret = ret;
	e->entry_ts = began ? *began : 0;
}

/* Fill in the call part of a sample of the current task's call. */
static __always_inline void call_fill(struct ioacct_call *e, __u32 kind, __u32 tgid,
				      long nr, long ret, struct pt_regs *regs, const bool btf,
				      const bool compat)
{
	call_head(e, kind, tgid, nr, ret);
	for (int i = 0; i < 6; i++)
		e->args[i] = sys_arg(regs, i, btf, compat);
}

/* A sample of size bytes for the call of the current task, if traced,
 * with its call part filled in; NULL if not.  (compat: an i386 call, nr
 * its x86_64 twin's: sys_exit.) */
static __always_inline struct ioacct_call *call_sample(__u64 size, __u32 kind, long nr, long ret,
						       struct pt_regs *regs, const bool btf,
						       const bool compat)
{
	struct ioacct_call *e;
	__u32 tgid;

	if (!traced_now(&tgid))
		return 0;
	e = bpf_ringbuf_reserve(&ioevents, size, 0);
	if (!e) {
		drop(DROP_RINGBUF);
		return 0;
	}
	call_fill(e, kind, tgid, nr, ret, regs, btf, compat);
	return e;
}

/* A traced task's mmap, munmap, mremap or brk returned: send it whole. */
static __always_inline void mem_call(struct pt_regs *regs, long nr, long ret, const bool btf,
				     const bool compat)
{
	struct ioacct_call *e = call_sample(sizeof(*e), IOACCT_CALL, nr, ret, regs, btf, compat);

	if (!e)
		return;
	if (nr == NR_mmap && compat)
		e->args[5] <<= 12;   /* i386 mmap2: its offset counts pages */
	bpf_ringbuf_submit(e, io_wake());
}

/* A traced task's pipe or pipe2 returned: send it, with its two fds. */
static __always_inline void pipe_call(struct pt_regs *regs, long nr, long ret, const bool btf,
				      const bool compat)
{
	struct ioacct_pipe *e = (struct ioacct_pipe *)call_sample(sizeof(*e), IOACCT_PIPE, nr,
								  ret, regs, btf, compat);

	if (!e)
		return;
	e->fds[0] = e->fds[1] = -1;
	e->ino[0] = e->ino[1] = 0;
	if (ret == 0 && !bpf_probe_read_user(e->fds, sizeof(e->fds), (void *)e->call.args[0])) {
		for (int i = 0; i < 2; i++) {
			struct file *f = fd_file(e->fds[i]);
			if (f)
				e->ino[i] = BPF_CORE_READ(f, f_inode, i_ino);
		}
	}
	bpf_ringbuf_submit(e, io_wake());
}

#define AT_FDCWD_ (-100)

/* This CPU's scratch space. */
static __always_inline struct open_scratch *scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&open_scratch, &zero);
}

/* A dentry's parent and name: d_name follows d_parent in struct dentry
 * (it has in every kernel), so one read takes both. */
struct dentry_head {
	struct dentry *parent;
	__u64 hash_len;
	const unsigned char *name;
};

static __always_inline long dentry_head(struct dentry *d, struct dentry_head *h)
{
	__u32 at = bpf_core_field_offset(struct dentry, d_parent);

	if (bpf_core_field_offset(struct dentry, d_name) == at + sizeof(void *))
		return bpf_probe_read_kernel(h, sizeof(*h), (char *)d + at);
	h->parent = BPF_CORE_READ(d, d_parent);
	h->hash_len = BPF_CORE_READ(d, d_name.hash_len);
	h->name = BPF_CORE_READ(d, d_name.name);
	return 0;
}

/* What the kernel puts after the path of a file no longer in its directory. */
static const char deleted_mark[] = " (deleted)";
#define DELETED_LEN 10

/* bpf_loop callback: one step up from the walk's dentry (a mount crossed,
 * or a name put in front of the path); 1 ends the walk. */
static long walk_up(__u32 i, void *unused)
{
	struct open_scratch *sc = scratch();
	struct dentry_head h;
	struct mount *mnt;
	struct dentry *d;
	struct walk *w;
	__u32 len, at;

	if (!sc)
		return 1;
	w = &sc->w;
	d = w->d;   /* (locals: a CO-RE read would relocate w's fields too) */
	if (d == w->root) {
		struct vfsmount *vm;
		struct mount *up;
		mnt = w->mnt;
		up = BPF_CORE_READ(mnt, mnt_parent);
		if (up == mnt) {
			w->whole = 1;   /* the root of everything */
			return 1;
		}
		vm = (struct vfsmount *)((char *)up + w->mnt_off);
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->root = BPF_CORE_READ(vm, mnt_root);
		return 0;
	}
	if (dentry_head(d, &h))
		return 1;   /* unreadable: the path stays cut */
	if (d == h.parent && w->off != PATH_END) {
		w->whole = 1;   /* a disconnected tree: its top is all there is */
		return 1;
	}
	len = (__u32)(h.hash_len >> 32);
	if (len > NAME_MAX_B || w->off < w->low + len + 1 + (d == h.parent ? DELETED_LEN : 0))
		return 1;   /* the rest does not fit: the front is cut */
	if (d == h.parent) {
		/* A file of no directory (a memfd, a shared anonymous mapping's
		 * file): the kernel names it "/NAME (deleted)" (simple_dname). */
		w->off -= DELETED_LEN;
		bpf_probe_read_kernel(&sc->work[w->off & WORK_MASK], DELETED_LEN, deleted_mark);
		w->whole = 1;
	}
	at = w->off - len;
	bpf_probe_read_kernel(&sc->work[at & WORK_MASK], len & NAME_MAX_B, h.name);
	sc->work[(at - 1) & WORK_MASK] = '/';
	w->off = at - 1;
	w->d = h.parent;
	return w->whole ? 1 : 0;
}

/* Put the absolute path of (vm_addr, d_addr), a struct vfsmount and a
 * struct dentry, in front of work[PATH_END] of this CPU's scratch space as the
 * kernel's d_path would (crossing mounts up to the namespace's root),
 * while the text up to work[end] stays within IOACCT_PATH_MAX bytes; when
 * the rest does not fit, the cut mark goes in front instead.  Returns where
 * the text starts.  The walk's state lives in the map value, not on the
 * stack: the verifier then sees its counters as unknown and checks the
 * callback once, where on the stack it would follow them value by value.
 * A global function (so its pointers are plain numbers), which the verifier
 * checks once rather than at each of its five calls; put_path calls it. */
__noinline __u32 put_path_at(__u32 end, __u64 vm_addr, __u64 d_addr)
{
	struct open_scratch *sc = scratch();
	struct vfsmount *vm = (struct vfsmount *)vm_addr;
	struct dentry *d = (struct dentry *)d_addr;
	struct walk *w;
	__u32 off;

	if (!sc)
		return end;
	w = &sc->w;
	w->root = BPF_CORE_READ(vm, mnt_root);
	w->d = d;
	w->off = PATH_END;
	w->low = end - IOACCT_PATH_MAX;   /* (end >= PATH_END: room for the mark) */
	w->whole = 0;
	w->mnt_off = bpf_core_field_offset(struct mount, mnt);
	w->mnt = (struct mount *)((char *)vm - w->mnt_off);
	if (!BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d) {
		/* unlinked (an O_TMPFILE, a file deleted while open): as d_path */
		w->off -= DELETED_LEN;
		bpf_probe_read_kernel(&sc->work[w->off & WORK_MASK], DELETED_LEN, deleted_mark);
	}
	bpf_loop(IOACCT_PATH_MAX / 2 + 64, walk_up, NULL, 0);
	off = w->off;
	if (!w->whole) {
		off -= IOACCT_PATH_CUT_LEN;   /* U+2026 */
		sc->work[off & WORK_MASK] = (char)0xe2;
		sc->work[(off + 1) & WORK_MASK] = (char)0x80;
		sc->work[(off + 2) & WORK_MASK] = (char)0xa6;
	} else if (off == end) {
		sc->work[--off & WORK_MASK] = '/';   /* the root itself */
	}
	return off;
}

/* The path of (vm, d) in front of work[PATH_END] of sc, this CPU's scratch
 * space (put_path_at). */
static __always_inline __u32 put_path(struct open_scratch *sc, __u32 end, struct vfsmount *vm,
				      struct dentry *d)
{
	(void)sc;   /* (the global function looks it up itself) */
	return put_path_at(end, (__u64)vm, (__u64)d);
}

/* The path a failed open was given, at work[PATH_END + 1], made absolute
 * from the cwd or dirfd (dirfd) when relative; returns where the text
 * starts and sets *end (empty when unreadable, and IOACCT_UNREADABLE
 * added to *flags). */
static __always_inline __u32 failed_path(struct open_scratch *sc, const char *upath, int dirfd,
					 __u32 *end, __u32 *flags)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	long n = bpf_probe_read_user_str(&sc->work[PATH_END + 1], PATH_ARG, upath);
	struct file *f;

	if (n < 0)
		*flags |= IOACCT_UNREADABLE;
	if (n <= 1) {
		*end = PATH_END;
		return PATH_END;
	}
	*end = PATH_END + (__u32)n;   /* (n counts the NUL) */
	if (sc->work[PATH_END + 1] == '/')
		return PATH_END + 1;
	sc->work[PATH_END] = '/';
	if (dirfd == AT_FDCWD_)
		return put_path(sc, *end, BPF_CORE_READ(t, fs, pwd.mnt), BPF_CORE_READ(t, fs, pwd.dentry));
	f = fd_file(dirfd);
	if (f)
		return put_path(sc, *end, BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry));
	return PATH_END + 1;   /* no such dirfd: as given */
}

/* The rest of open_call, the call part of its sample filled in in this
 * CPU's scratch space: the file's kind, device, inode and path (the path
 * the call was given, made absolute, when it failed), sent whole.  A
 * global function: the verifier checks it once, not once for each way
 * sys_exit reaches it (an x86_64 open and an i386 one); returns 0. */
__noinline int open_send(void)
{
	struct open_scratch *sc = scratch();
	__u32 off = PATH_END, end = PATH_END, len;
	long nr, ret;

	if (!sc)
		return 0;
	nr = sc->hdr.call.nr;
	ret = sc->hdr.call.ret;
	sc->hdr.ino = 0;
	sc->hdr.dev = 0;
	sc->hdr.fd_kind = 0;
	sc->hdr.flags = 0;
	if (ret >= 0) {
		struct file *f = fd_file((int)ret);
		if (f) {
			sc->hdr.fd_kind = file_kind(f, &sc->hdr.ino);
			sc->hdr.dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
			off = put_path(sc, end, BPF_CORE_READ(f, f_path.mnt), BPF_CORE_READ(f, f_path.dentry));
		}
	} else {
		off = failed_path(sc, (const char *)sc->hdr.call.args[nr == NR_openat ? 1 : 0],
				  nr == NR_openat ? (int)sc->hdr.call.args[0] : AT_FDCWD_, &end,
				  &sc->hdr.flags);
	}
	len = end - off;
	if (len > sizeof(sc->path))
		len = 0;
	bpf_probe_read_kernel(sc->path, len, &sc->work[off & WORK_MASK]);
	sc->hdr.path_len = len;
	if (bpf_ringbuf_output(&ioevents, sc, sizeof(sc->hdr) + len, io_wake()))
		drop(DROP_RINGBUF);
	if (ret >= 0)
		ke_hosts_open((__u32)sc->hdr.call.tgid, (int)ret, sc->path, len);
	return 0;
}

/* A traced task's open, openat or creat returned: send it whole, with the
 * path the tracer would have read from /proc (compat: an i386 call, nr its
 * x86_64 twin's). */
static __always_inline void open_call(struct pt_regs *regs, long nr, long ret, const bool btf,
				      const bool compat)
{
	struct open_scratch *sc = scratch();
	__u32 tgid;

	if (!sc || !traced_now(&tgid))
		return;
	call_fill(&sc->hdr.call, IOACCT_OPEN, tgid, nr, ret, regs, btf, compat);
	open_send();
}

/* A read (dir 1) or write (dir 2) of ret bytes on fd of the current
 * process: add them to its counter, made if new (and the task traced).
 * A global function, checked once by the verifier for its three calls;
 * returns 0. */
__noinline int io_add(int fd, int dir, long ret)
{
	struct ioacct_fd_key k = { .tgid = (__u32)(bpf_get_current_pid_tgid() >> 32), .fd = fd };
	__u32 *at = bpf_map_lookup_elem(&fdio, &k);
	struct ioacct_fd_slot *v = at ? slot_at(*at) : io_counter_new(&k, dir, ret);

	if (!v)
		return 0;
	/* Bytes before calls: whoever reads the calls first finds their bytes. */
	if (dir == 1) {
		__sync_fetch_and_add(&v->rd, (__u64)ret);
		__sync_fetch_and_add(&v->rd_calls, 1);
	} else {
		__sync_fetch_and_add(&v->wr, (__u64)ret);
		__sync_fetch_and_add(&v->wr_calls, 1);
	}
	return 0;
}

#include "engine.bpf.h"
#include "stack.bpf.h"

/* A system call returned: count the bytes of a traced task's read or write.
 * This runs after every system call on the machine, so the common paths are
 * short: under the kernel engine a task outside its set leaves after one
 * lookup, anything else leaves at the first test, and a traced fd that is
 * already counting costs two lookups (having a counter means traced). */
TP_TWINS(sys_exit, sys_exit, struct pt_regs *regs, long ret)
{
	long nr = REG(regs, orig_ax, btf);
	bool compat = false;
	int dir, fd;

	if (engine) {
		struct ioacct_task_state *t = ke_task(btf);
		__u32 zero = 0;
		__u64 *began = bpf_map_lookup_elem(&call_began, &zero);

		if (!t)
			return 0;   /* none of the engine's tasks: most calls on the machine */
		/* The call it entered: at the exit of rt_sigreturn the registers
		 * it restored say -1, at that of an execveat that worked 59. */
		if (t->entry_ts)
			nr = t->entry_nr;
		if (began)
			*began = t->entry_ts;   /* (for the samples this call sends) */
		/* An i386 call is counted and taken as its x86_64 twin, which the
		 * model reads it as (its arguments read from its own registers,
		 * sys_arg; the structs of the *msg calls in their i386 layout);
		 * those without a twin (socketcall, ipc, the old mmap) are not. */
		compat = in_compat(btf);
		if (compat && (nr = ke_compat_nr(nr)) < 0)
			return 0;
		ke_exit_call(t, nr, ret);
		if (compat && ret <= -512 && ret >= -516)
			return 0;   /* interrupted: it did nothing (it ends in EINTR, or runs again) */
	} else if (in_compat(btf)) {
		return 0;   /* an i386 call: the ptrace engine's (its filter stops them all) */
	}
	if (!compat)
		stack_exit(regs, nr, ret, btf);
	if (nr == NR_mmap || nr == NR_munmap || nr == NR_mremap || nr == NR_brk) {
		mem_call(regs, nr, ret, btf, compat);
		return 0;
	}
	if (nr == NR_pipe || nr == NR_pipe2) {
		pipe_call(regs, nr, ret, btf, compat);
		return 0;
	}
	if (nr == NR_open || nr == NR_openat || nr == NR_creat) {
		if (ret > -512 || ret < -516)   /* not interrupted (which opened nothing) */
			open_call(regs, nr, ret, btf, compat);
		return 0;
	}
	fd = (int)sys_arg(regs, 0, btf, compat);
	if (!engine && nr == NR_connect)   /* (the engine's: ke_call) */
		ke_watch_connect(fd, ret);
	dir = ret < 0 ? 0 : io_dir(nr, regs, btf, compat);
	if (ke_call(regs, nr, ret, btf, compat) || !dir)
		return 0;
	io_add(fd, dir, ret);
	if (dir == 1 && kwatched)
		ke_watch_read(nr, fd, sys_arg(regs, 1, btf, compat), ret, compat);
	return 0;
}

/* fd of the current process ends: send and forget its counter. */
static __always_inline void flush_fd(__u32 tgid, int fd)
{
	struct ioacct_fd_key k = { .tgid = tgid, .fd = fd };
	__u32 *at = bpf_map_lookup_elem(&fdio, &k);

	if (at)
		io_final(&k, *at);
}

/* Which counters of one process a flush takes: fds lo..hi of those marked. */
struct flush_range {
	__u32 tgid;
	__u32 lo, hi;
	__u64 fds;
};

/* bpf_for_each_map_elem callback: send and forget the counters in range
 * (io_final checks the slot is the key's: the entry may be reused meanwhile). */
static long flush_one(void *map, const struct ioacct_fd_key *key, __u32 *at,
		      struct flush_range *r)
{
	struct ioacct_fd_key k = *key;

	if (k.tgid == r->tgid && (__u32)k.fd >= r->lo && (__u32)k.fd <= r->hi)
		io_final(&k, *at);
	return 0;
}

/* bpf_loop callback: fd i, if marked and in range. */
static long flush_marked(__u32 i, struct flush_range *r)
{
	if (((r->fds >> i) & 1) && i >= r->lo && i <= r->hi)
		flush_fd(r->tgid, (int)i);
	return 0;
}

/* Send and forget the counters of tgid's fds lo..hi (fds: its marks). */
static __always_inline void flush_fds(__u32 tgid, __u64 fds, __u32 lo, __u32 hi)
{
	struct flush_range r = { tgid, lo, hi, fds };

	if (fds >> FD_BITS)
		bpf_for_each_map_elem(&fdio, flush_one, &r, 0);   /* a high fd: look at all */
	else
		bpf_loop(FD_BITS, flush_marked, &r, 0);
}

#define ARG(i) sys_arg(regs, i, btf, compat)

static long sweep_slot(__u32 i, void *unused);

/* A traced task is about to end an fd (or all close-on-exec ones), to
 * connect a socket elsewhere (its bytes so far are the old peer's), or to
 * rename a file (every counter that grew is sent first, as a sweep does:
 * the bytes so far count under the old name, whoever wrote them). */
TP_TWINS(sys_enter, sys_enter, struct pt_regs *regs, long nr)
{
	__u64 *fds;
	__u32 tgid;
	bool compat;

	if (engine && !ke_enter(nr, btf))
		return 0;   /* none of the engine's tasks */
	compat = engine && in_compat(btf);
	if (!compat)
		stack_enter(regs, nr, btf);
	if (compat)
		nr = ke_compat_nr(nr);   /* an i386 call: its own table, its own registers */
	if (nr == NR_rename || nr == NR_renameat || nr == NR_renameat2) {
		__u32 n = slots_used;
		if (traced_now(&tgid))
			bpf_loop(n < IOACCT_MAX_FDS ? n : IOACCT_MAX_FDS, sweep_slot, NULL, 0);
		return 0;
	}
	if (nr != NR_close && nr != NR_dup2 && nr != NR_dup3 && nr != NR_close_range &&
	    nr != NR_execve && nr != NR_execveat && nr != NR_connect)
		return 0;
	if (engine && !compat && (nr == NR_execve || nr == NR_execveat))
		ke_note_argv0((__u32)bpf_get_current_pid_tgid(), nr == NR_execve ? ARG(1) : ARG(2));
	tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	if (nr == NR_close && kwatched)
		ke_watch_close(tgid, (int)ARG(0));
	fds = bpf_map_lookup_elem(&fdio_procs, &tgid);
	if (!fds)
		return 0;   /* no counters: nothing to send */
	switch (nr) {
	case NR_close: case NR_connect:
		flush_fd(tgid, (int)ARG(0));
		break;
	case NR_dup2: case NR_dup3:
		if (ARG(0) != ARG(1))
			flush_fd(tgid, (int)ARG(1));
		break;
	case NR_close_range:
		if (!(ARG(2) & CLOSE_RANGE_CLOEXEC))
			flush_fds(tgid, *fds, (__u32)ARG(0), (__u32)ARG(1));
		break;
	default:   /* execve, execveat: close-on-exec fds end if it works */
		flush_fds(tgid, *fds, 0, ~0u);
		break;
	}
	return 0;
}

/* The last thread of a process with counters exits: flush them.  (Not
 * through the tasks map: latency.bpf.c may have forgotten the task already.) */
TP_TWINS(sched_process_exit, io_exit, struct task_struct *p)
{
	__u32 tgid = (__u32)BPF_CORE_READ(p, tgid);
	__u64 *fds = bpf_map_lookup_elem(&fdio_procs, &tgid);

	if (fds && group_dead(ctx, p)) {
		flush_fds(tgid, *fds, 0, ~0u);
		bpf_map_delete_elem(&fdio_procs, &tgid);
	}
	ke_exit(ctx, p);   /* (after its counts: the model has them before the end) */
	return 0;
}

/* bpf_loop callback of io_sweep: send slot i if its counts grew since the
 * sweep last sent them.  What it reads counts only if seq was the same,
 * and even, before and after: then it is one use of the slot, whole. */
static long sweep_slot(__u32 i, void *unused)
{
	struct ioacct_fd_slot *s = slot_at(i);
	struct swept *w = bpf_map_lookup_elem(&swept, &i);
	__u64 seq, calls;
	struct ioacct_count *e;

	if (!s || !w)
		return 1;
	seq = __sync_fetch_and_add(&s->seq, 0);
	if ((seq & 1) || s->state != IOACCT_SLOT_LIVE)
		return 0;
	calls = s->rd_calls + s->wr_calls;
	if (calls == (w->seq == seq ? w->calls : 0))
		return 0;
	e = bpf_ringbuf_reserve(&ioevents, sizeof(*e), 0);
	if (!e)
		return 1;   /* full: the next sweep sends it */
	io_fill(e, i, s, seq, false);
	if (__sync_fetch_and_add(&s->seq, 0) != seq) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return 0;
	}
	w->seq = seq;
	w->calls = e->rd_calls + e->wr_calls;
	bpf_ringbuf_submit(e, io_wake());
	return 0;
}

/* Send every counter that grew since the last sweep.  Never attached: the
 * tracer thread's drain runs it (BPF_PROG_TEST_RUN) every IOACCT_SWEEP_MS,
 * so counts of an fd that is open and idle reach it as soon as those of a
 * busy one. */
SEC("raw_tp")
int io_sweep(void *ctx)
{
	__u32 n = slots_used;

	bpf_loop(n < IOACCT_MAX_FDS ? n : IOACCT_MAX_FDS, sweep_slot, NULL, 0);
	return 0;
}
