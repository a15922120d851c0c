/* record.h - the records producers send to the model.
 *
 * Records are the single contract between capture and meaning: plain data,
 * no pointers, variable length, 8-byte aligned.  Every producer writes this
 * format and a recording is just these records on disk, so nothing here may
 * depend on the address space that wrote it.  Records never carry text that
 * was formatted for a person: only what the kernel or the tracee said.
 */
#ifndef COMPENDIUM_RECORD_H
#define COMPENDIUM_RECORD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REC_ALIGN 8
#define REC_MAX 65536            /* no record is larger than this */

/* A path (of an fd, or of a failed open) longer than REC_PATH_MAX bytes is
 * sent cut: REC_PATH_CUT, then its last whole components that fit in
 * REC_PATH_MAX bytes ("…/dir/name").  A path the kernel names never
 * starts with it, so the mark says "the front is missing"; REC_PATH_CUT
 * alone is a file whose name is not known at all. */
#define REC_PATH_MAX 8192
#define REC_PATH_CUT "\xe2\x80\xa6"   /* U+2026, the ellipsis */
#define REC_PATH_CUT_LEN 3

enum rec_type {
	REC_START = 1,   /* tracing began: struct rec_start + argv blob */
	REC_SYSCALL,     /* a finished system call: struct rec_syscall + blobs */
	REC_FD,          /* what an fd refers to: struct rec_fd + blobs */
	REC_NEWTASK,     /* fork, vfork or clone: struct rec_newtask */
	REC_EXEC,        /* successful execve: struct rec_exec + blobs */
	REC_FDSET,       /* fds open after an exec or at attach: int32_t[], -1 pads */
	REC_EXIT,        /* a task ended: struct rec_exit */
	REC_SIGNAL,      /* a signal was delivered: struct rec_signal */
	REC_END,         /* tracing ended: struct rec_end */
	REC_NOTE,        /* something the model should tell the user: struct rec_note + text */
	REC_SCHED,       /* a task waited to run (eBPF): struct rec_sched */
	REC_BLOCK,       /* a block I/O request completed (eBPF): struct rec_block */
	REC_FAULT,       /* a sampled minor page fault (perf): struct rec_fault */
	REC_LOST,        /* a producer lost records: struct rec_lost */
	REC_HIST,        /* a kernel-side log2 histogram: struct rec_hist + uint64_t[n] */
	REC_MAPS,        /* address space at exec or attach: struct rec_maps + /proc/PID/maps text */
	REC_IO,          /* bytes the kernel counted on one fd (eBPF): struct rec_io */
	REC_SYSSTAT,     /* system calls the kernel counted (kernel engine): struct rec_sysstat */
	REC_STACK,       /* the user stack of the task's next event (--stack): struct rec_stack + blobs */
	REC_OUTPUT,      /* what the program wrote to its terminal: struct rec_output + bytes */
	REC_EXECINFO,    /* what a new program started with: struct rec_execinfo + blobs */
	REC_DATA,        /* bytes that name peers (a DNS reply, a hosts file): struct rec_data + bytes */
	REC_TYPE_MAX
};

/* A replay of several recordings at once (src/recmerge.h) tells their
 * processes apart by the recording's index put above the pid bits of
 * every pid and tid (a pid is below 2^22, PID_MAX_LIMIT). */
#define REC_RUN_SHIFT 22
#define REC_RUNS_MAX 256

/* The recording a pid of a merged replay comes from (0 for one). */
static inline int rec_pid_run(int pid)
{
	return pid > 0 ? pid >> REC_RUN_SHIFT : 0;
}

/* A pid of a merged replay as its own host knew it. */
static inline int rec_pid_local(int pid)
{
	return pid > 0 ? pid & ((1 << REC_RUN_SHIFT) - 1) : pid;
}

/* Every record starts with this header; len covers header and payload. */
struct rec_hdr {
	uint64_t ts;     /* CLOCK_MONOTONIC, ns */
	uint32_t len;    /* total length, multiple of REC_ALIGN */
	uint16_t type;   /* enum rec_type */
	uint16_t flags;
	int32_t tid;
	int32_t tgid;
};

enum rec_start_mode { START_SPAWN = 0, START_ATTACH = 1 };

/* REC_START header flags. */
enum {
	START_F_KERNEL = 1,      /* traced by the kernel engine, not ptrace */
	START_F_KERNEL_IO = 2,   /* ptrace, with the kernel sending the read/write,
				    mmap and open families in batches (--ebpf) */
};

struct rec_start {
	int32_t pid;          /* root process */
	int32_t tracer_pid;
	uint32_t mode;        /* enum rec_start_mode */
	uint32_t argv_len;    /* NUL-separated argv bytes that follow */
	uint64_t realtime_ns; /* wall clock at start */
};

enum rec_arch { ARCH_X86_64 = 0, ARCH_I386 = 1, ARCH_X32 = 2 };

/* rec_syscall.flags */
enum {
	/* A path or address argument could not be read from the program's
	 * memory (not mapped, or gone): the one that is empty in the blobs. */
	SYSF_UNREADABLE = 1 << 0,
};

struct rec_syscall {
	int32_t nr;           /* x86_64 number (i386 calls translated; -1 if none) */
	uint8_t arch;         /* enum rec_arch */
	uint8_t flags;        /* SYSF_* */
	uint8_t pad[2];
	int64_t ret;          /* -errno on failure */
	uint64_t args[6];
	uint64_t entry_ts;    /* 0 when the entry was not seen */
	uint64_t aux;         /* sendmmsg/recvmmsg: bytes moved; clone3: flags */
	uint16_t addr_len;    /* sockaddr bytes that follow (sendto/recvfrom/bind) */
	uint16_t path_len;    /* path bytes that follow the address (no NUL at the
				 end): a failed open's or exec's, a deleted name,
				 a rename's old and new paths with a NUL between */
	int32_t orig_nr;      /* the number as the tracee made the call */
};

/* Did a signal interrupt the call (ret ERESTARTSYS and its kin)?  Such a
 * call is counted as strace -c counts it, a failed call, and did nothing
 * else: a handler may make it end in EINTR, or the kernel runs it again
 * (and it is seen again). */
static inline bool rec_interrupted(int64_t ret)
{
	return ret <= -512 && ret >= -516;
}

enum fd_kind {
	FDK_UNKNOWN = 0,
	FDK_FILE,        /* regular file */
	FDK_DIR,
	FDK_CHR,         /* character device */
	FDK_BLK,
	FDK_PIPE,        /* pipe or FIFO */
	FDK_UNIX,
	FDK_TCP4,
	FDK_TCP6,
	FDK_UDP4,
	FDK_UDP6,
	FDK_SOCK,        /* another socket family (netlink, packet, raw...) */
	FDK_ANON,        /* anon inode: eventfd, epoll, timerfd, signalfd... */
	FDK_MAX
};

enum rec_fd_why {
	FDW_NEW = 0,     /* a syscall created it */
	FDW_UPDATE,      /* existing fd, more is known now (connect, bind) */
	FDW_INHERITED,   /* found open at start, attach, or without an open */
};

struct rec_fd {
	int32_t fd;
	uint8_t kind;         /* enum fd_kind */
	uint8_t why;          /* enum rec_fd_why */
	uint16_t path_len;    /* readlink of /proc/TID/fd/FD, bytes follow (see REC_PATH_MAX) */
	uint32_t flags;       /* file status flags; O_CLOEXEC when close-on-exec */
	uint16_t laddr_len;   /* local sockaddr bytes follow the path */
	uint16_t raddr_len;   /* remote sockaddr bytes follow the local one */
	uint64_t ino;
	uint32_t dev;         /* the inode's device, major << 20 | minor (0: unknown) */
	uint32_t pad;
};

enum newtask_kind { NT_FORK = 0, NT_VFORK, NT_CLONE };

/* rec_hdr.flags of a REC_NEWTASK: the attach scan found the task (1), or
 * its parent died before reporting it and tid/tgid name that parent (2). */
enum { NEWTASK_ATTACHED = 1, NEWTASK_ORPHAN = 2 };

struct rec_newtask {
	int32_t child;        /* new tid */
	uint32_t kind;        /* enum newtask_kind */
	uint64_t flags;       /* clone flags (SIGCHLD for fork, CLONE_VM|CLONE_VFORK for vfork) */
};

/* argv bytes a REC_EXEC or REC_START holds at most (NUL-separated, as
 * /proc/PID/cmdline has them); longer ones are cut and marked so. */
#define REC_ARGV_MAX 32768

struct rec_exec {
	int32_t old_tid;      /* tid that called execve (differs from tgid for a non-leader) */
	uint16_t exe_len;     /* bytes of /proc/PID/exe that follow */
	uint16_t truncated;   /* argv was cut to fit */
	uint32_t argv_len;    /* NUL-separated argv bytes after exe */
	uint32_t pad;
};

/* Sent with a REC_EXEC of the same task and time (ptrace: right after it,
 * kernel engine: right before it): the new program's working directory
 * (cwd_len bytes, as /proc/PID/cwd names it) and its environment (env_len
 * bytes of NUL-terminated "NAME=value", as /proc/PID/environ shows it),
 * exactly as it started: the ptrace engine reads them at the exec stop,
 * the kernel engine at sched_process_exec. */
enum { EXECINFO_ENV_CUT = 1,    /* the environment was longer than the engine takes */
       EXECINFO_NO_CWD = 2,     /* the cwd could not be read */
       EXECINFO_NO_ENV = 4 };   /* the environment could not be read */

struct rec_execinfo {
	uint32_t cwd_len;
	uint32_t env_len;
	uint32_t flags;       /* EXECINFO_* */
	uint32_t pad;
};

struct rec_exit {
	int32_t status;       /* wait status */
	uint32_t leader;      /* 1 when the whole process ended with it */
};

struct rec_signal {
	int32_t sig;
	int32_t code;
};

enum end_reason { END_EXITED = 0, END_KILLED, END_DETACHED, END_ERROR };

struct rec_end {
	uint32_t reason;      /* enum end_reason */
	uint32_t pad;
	uint64_t stops;       /* ptrace stops handled */
	uint64_t stopped_ns;  /* time tracees spent stopped for us */
};

enum note_kind { NOTE_IO_URING = 1, NOTE_WARN };

struct rec_note {
	uint32_t kind;
	uint32_t text_len;
};

/* ts is when the task got the CPU; tid/tgid the task that waited. */
struct rec_sched {
	uint64_t delay_ns;    /* runnable (woken or preempted) to running */
	int32_t cpu;
	uint32_t reason;      /* 0 woken, 1 woken new, 2 preempted */
};

/* ts is completion; tid/tgid the issuing task. */
struct rec_block {
	uint64_t lat_ns;      /* issue to completion */
	uint64_t bytes;
	uint64_t sector;
	uint32_t dev;         /* MKDEV-style major << 20 | minor */
	uint32_t write;       /* 1 for writes, 0 for reads */
};

/* ts is the sample time (CLOCK_MONOTONIC); tid/tgid the faulting task. */
struct rec_fault {
	uint64_t addr;        /* faulting data address */
	uint64_t ip;
};

enum lost_source { LOST_BPF = 1, LOST_PERF = 2 };

struct rec_lost {
	uint32_t source;      /* enum lost_source */
	uint32_t pad;
	uint64_t count;       /* records lost since the last REC_LOST of this source */
};

/* Whole lines of /proc/PID/maps as the kernel wrote them; a long file comes
 * as several records in a row, each mapping its own lines. */
struct rec_maps {
	uint32_t text_len;    /* bytes of text that follow */
	uint32_t pad;
};

/* tid and tgid are the process.  The read/write family (without the *msg
 * calls, and sendto/recvfrom only without an address) runs without ptrace
 * stops under --ebpf; the kernel counts its successful calls per (process,
 * fd) and these are the counts since the last REC_IO of that fd.  Every
 * REC_IO of an fd comes before the record of whatever closed or replaced it.
 * (mmap, munmap, mremap, brk, open, openat and creat run without stops then
 * too: the kernel sends their arguments and result, and they arrive as the
 * tracer would have sent them, REC_FD first for a new fd, then REC_SYSCALL,
 * with entry_ts 0.) */
struct rec_io {
	int32_t fd;
	uint8_t kind;         /* enum fd_kind, from the kernel's own file object */
	uint8_t pad[3];
	uint64_t ino;
	uint64_t rd, wr;      /* bytes read (received) and written (sent) */
	uint32_t rd_calls, wr_calls;
};

/* Where a producer hands finished records to another one (tracer_opts.io_drain). */
#define REC_SYSSTAT_SLOTS 32

/* What the kernel engine counted of one system call of a process (the
 * header's tgid) since the last REC_SYSSTAT of that call: every call, not
 * only those that make events; x86_64 numbers. */
struct rec_sysstat {
	int32_t nr;
	uint32_t pad;
	uint64_t calls, errors;   /* errors: calls that returned -errno */
	uint64_t timed;           /* calls whose duration was measured */
	uint64_t total_ns, max_ns;
	/* the timed calls by duration: slot 0 under 64 ns, slot i
	 * 2^(i+5) <= ns < 2^(i+6), the last from 2^36 ns on (added in
	 * recording version 4; older REC_SYSSTATs read as zeros) */
	uint32_t hist[REC_SYSSTAT_SLOTS];
};

/* The calling thread's user stack, unwound, for the event the next
 * REC_SYSCALL or REC_EXEC of the same tid makes.  Raw data, named by the
 * consumer (src/symbols.h): nframes struct rec_frame, innermost first, then
 * mods_len bytes of modules, each a struct rec_stackmod and its path padded
 * to REC_ALIGN.  A frame's addr is an address in its module's ELF file (the
 * load bias taken off; for a frame above the innermost, its return address
 * minus one, inside the call), or the raw pc when mod is REC_STACK_NO_MOD. */
#define REC_STACK_FRAMES 64
#define REC_STACK_NO_MOD 0xffff
#define REC_STACK_ID_MAX 24

enum { STACK_F_CUT = 1,      /* more frames than REC_STACK_FRAMES */
       STACK_F_ENTRY = 2 };  /* taken at the call's entry (exec), not its exit */

struct rec_stack {
	uint16_t nframes;
	uint16_t nmods;
	uint16_t flags;       /* STACK_F_* */
	uint16_t nr;          /* the x86_64 number of the call it is for: it goes
				 with no other (a record lost in between) */
	uint32_t mods_len;    /* bytes of modules after the frames */
	uint32_t pad2;
};

struct rec_frame {
	uint64_t addr;
	uint16_t mod;         /* index of its module, or REC_STACK_NO_MOD */
	uint16_t pad[3];
};

struct rec_stackmod {
	uint16_t path_len;    /* path bytes that follow (then padding) */
	uint8_t id_len;       /* bytes of build_id (0: none) */
	uint8_t pad[5];
	uint8_t build_id[REC_STACK_ID_MAX];
};

/* rec_hdr.flags of a REC_OUTPUT: the first one of a run whose program's
 * terminal is captured (it may carry no bytes); without it the output was
 * not recorded at all (lines or JSON, --pid). */
enum { OUTPUT_F_CAPTURED = 1 };

/* ts is when the bytes were read from the program's pty; tid/tgid are 0.
 * dropped counts bytes written before these that the recording left out
 * (its bound on output was reached): a replay says so where they were. */
struct rec_output {
	uint32_t len;         /* bytes of terminal output that follow */
	uint32_t pad;
	uint64_t dropped;
};

/* What a REC_DATA's bytes are. */
enum data_kind {
	DATA_DNS = 1,    /* the first bytes a call received on fd from a DNS server
			    (port 53): a datagram, or a piece of a TCP stream */
	DATA_HOSTS = 2,  /* the hosts file the process opened as fd, read through
			    /proc/PID/root (its own mount namespace's) */
	DATA_HOSTS_READ = 3,   /* what one read of the hosts file at fd got (the
				  kernel engine: the process may be gone before
				  /proc/PID/root could be read) */
};

/* Bytes the model reads names for addresses from (src/dnsmsg.h); tid/tgid
 * the task that received or opened them.  It comes before the record of
 * the call that received them. */
#define REC_DATA_DNS_MAX 512     /* bytes of one reply kept */
#define REC_DATA_HOSTS_MAX 16384 /* bytes of a hosts file kept (of a read: 4096) */

struct rec_data {
	int32_t fd;
	uint16_t kind;        /* enum data_kind */
	uint16_t pad;
	uint32_t len;         /* bytes that follow */
	uint32_t total;       /* bytes the call received (len or more: cut) */
};

typedef void rec_put_fn(void *ctx, const struct rec_hdr *h);

enum hist_kind { HIST_SCHED = 1, HIST_BLOCK = 2 };

/* Slot i counts values v (in microseconds) with 2^(i-1) <= v < 2^i (slot 0: v < 1). */
struct rec_hist {
	uint32_t kind;        /* enum hist_kind */
	int32_t pid;          /* process the histogram belongs to */
	uint32_t nslots;      /* uint64_t counts that follow */
	uint32_t pad;
};

/* Round a payload length up to the record alignment. */
static inline size_t rec_align(size_t n)
{
	return (n + REC_ALIGN - 1) & ~(size_t)(REC_ALIGN - 1);
}

/* Payload of a record (the bytes right after the header). */
static inline const void *rec_payload(const struct rec_hdr *h)
{
	return h + 1;
}

/* Check that a record of raw bytes is well formed: header fits, length is
 * aligned and within n, type known, and the fixed payload plus every blob it
 * announces lies inside the record.  Returns 0 or -EINVAL. */
int rec_validate(const void *buf, size_t n);

/* A record being built in place; blobs are appended after the payload. */
struct recbuf {
	size_t len;
	uint64_t buf[REC_MAX / 8];
};

/* Start a record: zeroed header and fixed payload; returns the payload. */
void *rec_begin(struct recbuf *b, enum rec_type type, uint64_t ts, int tid, int tgid,
		size_t fixed);
/* Append up to n bytes of blob; returns how many fit (records stay <= REC_MAX). */
size_t rec_blob(struct recbuf *b, const void *p, size_t n);
/* Pad and seal the record; returns its total length. */
size_t rec_finish(struct recbuf *b);

/* Build the REC_NEWTASK of a task an attach found already running: child,
 * a thread of process parent, or (thread false) a process parent forked. */
void rec_found_task(struct recbuf *b, uint64_t ts, int parent, int child, bool thread);

/* Cut the path p[0..len) to REC_PATH_MAX as records carry it (REC_PATH_CUT
 * and its last whole components), in place; p has room for
 * REC_PATH_CUT_LEN more bytes.  Returns the new length (len when it fits). */
size_t rec_path_cut(char *p, size_t len);

#endif
