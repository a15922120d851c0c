/* ioacct.bpf.c - read/write bytes per (process, fd) counted in the kernel.
 *
 * Optional second object of --ebpf: at the exit of read, write, pread64,
 * pwrite64, readv, writev, preadv(2), pwritev(2), sendto, recvfrom,
 * sendmsg, recvmsg, sendmmsg and recvmmsg by a traced task (the tasks map
 * is latency.bpf.c's, shared by the loader), it adds the bytes moved to a
 * counter keyed by (process, fd, inode), and tells what the fd is from the
 * kernel's own file object: the inode's type bits, its superblock's magic
 * (pipes, sockets and anonymous inodes such as eventfd, which have no type
 * bits) and, for sockets, the family and type.  The rules are the tracer's
 * (src/tracer.c describe_fd), so the totals by class equal those of ptrace
 * mode.  A counter is sent (LAT_IO) and deleted when its fd is closed and
 * when its process ends, so the map holds only open fds.  Like the tracer
 * it counts only successful x86_64 calls, never i386 ones.  Every traced
 * system call pays for one lookup; every other one on the machine for the
 * tracepoint itself (about 90 ns), which is why this object is optional.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "latency.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Set by the loader before load, from the kernel's BTF. */
const volatile bool exit_has_group_dead = false;     /* 6.16+ */

/* Shared with latency.bpf.c (the loader reuses its maps). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LAT_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct lat_task);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LAT_RINGBUF_BYTES);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LAT_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LAT_MAX_FDS);
	__type(key, struct lat_fd_key);
	__type(value, struct lat_fd_io);
} fdio SEC(".maps");

/* Processes with counters in fdio (key tgid), so exit need not search. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LAT_MAX_PROCS);
	__type(key, __u32);
	__type(value, __u32);
} fdio_procs SEC(".maps");

/* x86_64 system call numbers (arch/x86/entry/syscalls/syscall_64.tbl). */
enum {
	NR_read = 0, NR_write = 1, NR_close = 3, NR_pread64 = 17, NR_pwrite64 = 18,
	NR_readv = 19, NR_writev = 20, NR_sendto = 44, NR_recvfrom = 45, NR_sendmsg = 46,
	NR_recvmsg = 47, NR_preadv = 295, NR_pwritev = 296, NR_recvmmsg = 299,
	NR_sendmmsg = 307, NR_preadv2 = 327, NR_pwritev2 = 328,
};

#define TS_COMPAT 0x0002
#define MMSG_MAX 1024            /* UIO_MAXIOV: the kernel's own limit */
#define MMSGHDR_SIZE 64          /* struct mmsghdr on x86_64 */
#define MMSG_LEN_OFF 56          /* its msg_len */

/* Count one lost measurement. */
static __always_inline void drop(__u32 why)
{
	__u64 *n = bpf_map_lookup_elem(&drops, &why);

	if (n)
		(*n)++;
}

/* 1 for the reads, 2 for the writes we count, 0 for anything else. */
static __always_inline int io_dir(long nr)
{
	switch (nr) {
	case NR_read: case NR_pread64: case NR_readv: case NR_preadv: case NR_preadv2:
	case NR_recvfrom: case NR_recvmsg: case NR_recvmmsg:
		return 1;
	case NR_write: case NR_pwrite64: case NR_writev: case NR_pwritev: case NR_pwritev2:
	case NR_sendto: case NR_sendmsg: case NR_sendmmsg:
		return 2;
	default:
		return 0;
	}
}

/* Is the current task traced (not merely followed)? */
static __always_inline bool traced_now(__u32 *tgid)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct lat_task *t = bpf_map_lookup_elem(&tasks, &tid);

	if (!t || !(t->flags & LAT_TASK_TRACED))
		return false;
	*tgid = t->tgid;
	return true;
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
		return LAT_FDK_UNIX;
	if (family == 2 /* AF_INET */ && (type == 1 || type == 2))
		return type == 1 /* SOCK_STREAM */ ? LAT_FDK_TCP4 : LAT_FDK_UDP4;
	if (family == 10 /* AF_INET6 */ && (type == 1 || type == 2))
		return type == 1 ? LAT_FDK_TCP6 : LAT_FDK_UDP6;
	return LAT_FDK_SOCK;
}

/* What file f is (as the tracer's describe_fd), and its inode number. */
static __always_inline __u32 file_kind(struct file *f, __u64 *ino)
{
	struct inode *in = BPF_CORE_READ(f, f_inode);
	unsigned long magic = BPF_CORE_READ(in, i_sb, s_magic);
	unsigned int fmt = BPF_CORE_READ(in, i_mode) & 0170000;

	*ino = BPF_CORE_READ(in, i_ino);
	if (magic == 0x50495045 /* PIPEFS_MAGIC */ || fmt == 0010000 /* S_IFIFO */)
		return LAT_FDK_PIPE;
	if (magic == 0x09041934 /* ANON_INODE_FS_MAGIC */)
		return LAT_FDK_ANON;
	switch (fmt) {
	case 0140000: return sock_kind(f);
	case 0100000: return LAT_FDK_FILE;
	case 0040000: return LAT_FDK_DIR;
	case 0020000: return LAT_FDK_CHR;
	case 0060000: return LAT_FDK_BLK;
	default: return LAT_FDK_UNKNOWN;
	}
}

/* Bytes sendmmsg/recvmmsg moved: msg_len of the first n entries of vec. */
static __always_inline __u64 mmsg_bytes(const void *vec, long n)
{
	__u64 sum = 0;

	for (int i = 0; i < MMSG_MAX && i < n; i++) {
		__u32 len = 0;
		bpf_probe_read_user(&len, sizeof(len),
				    (const char *)vec + (long)i * MMSGHDR_SIZE + MMSG_LEN_OFF);
		sum += len;
	}
	return sum;
}

/* Send one counter (LAT_IO). */
static __always_inline void io_send(const struct lat_fd_key *k, const struct lat_fd_io *v)
{
	struct lat_io *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		drop(LAT_DROP_RINGBUF);
		return;
	}
	e->kind = LAT_IO;
	e->pid = (__s32)k->tgid;
	e->fd = k->fd;
	e->fd_kind = v->kind;
	e->ts = bpf_ktime_get_ns();
	e->ino = k->ino;
	e->rd = v->rd;
	e->wr = v->wr;
	e->rd_calls = v->rd_calls;
	e->wr_calls = v->wr_calls;
	bpf_ringbuf_submit(e, 0);
}

/* A system call returned: count the bytes of a traced task's read or write. */
static __always_inline int on_sys_exit(struct pt_regs *regs, long ret)
{
	long nr = BPF_CORE_READ(regs, orig_ax);
	int dir = io_dir(nr);
	struct lat_fd_key k = { 0 };
	struct lat_fd_io *v, n = { 0 };
	struct task_struct *t;
	struct file *f;
	__u64 bytes;

	if (!dir || ret < 0 || !traced_now(&k.tgid))
		return 0;
	t = (struct task_struct *)bpf_get_current_task();
	if (BPF_CORE_READ(t, thread_info.status) & TS_COMPAT)
		return 0;   /* an i386 call through int 0x80: another table */
	k.fd = (int)BPF_CORE_READ(regs, di);
	f = fd_file(k.fd);
	if (!f)
		return 0;
	n.kind = file_kind(f, &k.ino);
	bytes = (__u64)ret;
	if (nr == NR_recvmmsg || nr == NR_sendmmsg)
		bytes = mmsg_bytes((const void *)BPF_CORE_READ(regs, si), ret);
	v = bpf_map_lookup_elem(&fdio, &k);
	if (!v) {
		__u32 one = 1;
		if (bpf_map_update_elem(&fdio_procs, &k.tgid, &one, BPF_ANY) ||
		    (bpf_map_update_elem(&fdio, &k, &n, BPF_NOEXIST) &&
		     !bpf_map_lookup_elem(&fdio, &k))) {
			drop(LAT_DROP_MAPFULL);
			return 0;
		}
		v = bpf_map_lookup_elem(&fdio, &k);
		if (!v)
			return 0;
	}
	if (dir == 1) {
		__sync_fetch_and_add(&v->rd, bytes);
		__sync_fetch_and_add(&v->rd_calls, 1);
	} else {
		__sync_fetch_and_add(&v->wr, bytes);
		__sync_fetch_and_add(&v->wr_calls, 1);
	}
	return 0;
}

/* A traced task is about to close an fd: send and forget its counter. */
static __always_inline int on_sys_enter(struct pt_regs *regs, long nr)
{
	struct lat_fd_key k = { 0 };
	struct lat_fd_io *v;
	struct file *f;

	if (nr != NR_close || !traced_now(&k.tgid))
		return 0;
	k.fd = (int)BPF_CORE_READ(regs, di);
	f = fd_file(k.fd);
	if (!f)
		return 0;
	file_kind(f, &k.ino);
	v = bpf_map_lookup_elem(&fdio, &k);
	if (!v)
		return 0;
	io_send(&k, v);
	bpf_map_delete_elem(&fdio, &k);
	return 0;
}

/* bpf_for_each_map_elem callback: send and forget the counters of one process. */
static long flush_one(void *map, const struct lat_fd_key *k, struct lat_fd_io *v, __u32 *tgid)
{
	if (k->tgid == *tgid) {
		io_send(k, v);
		bpf_map_delete_elem(map, k);
	}
	return 0;
}

/* The last thread of a process with counters exits: flush them.  (Not
 * through the tasks map: latency.bpf.c may have forgotten the task already.) */
static __always_inline int on_exit(unsigned long long *ctx, struct task_struct *p)
{
	__u32 tgid = (__u32)BPF_CORE_READ(p, tgid);
	bool dead;

	if (!bpf_map_lookup_elem(&fdio_procs, &tgid))
		return 0;
	if (exit_has_group_dead)
		dead = (bool)ctx[1];
	else
		dead = BPF_CORE_READ(p, signal, live.counter) == 0;
	if (dead) {
		bpf_for_each_map_elem(&fdio, flush_one, &tgid, 0);
		bpf_map_delete_elem(&fdio_procs, &tgid);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	return on_sys_exit(regs, ret);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_sys_exit(regs, ret);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long nr)
{
	return on_sys_enter(regs, nr);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long nr)
{
	return on_sys_enter(regs, nr);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(io_exit_btf, struct task_struct *p)
{
	return on_exit(ctx, p);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(io_exit_raw, struct task_struct *p)
{
	return on_exit(ctx, p);
}
