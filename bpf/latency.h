/* latency.h - what latency.bpf.c sends to user space, and the map layouts
 * user space reads or fills.
 *
 * Included by the BPF program and by its loader (src/bpf.c), so everything
 * here is flat, fixed-size and pointer-free: the kernel writes it, user space
 * reads the same bytes.  Change a struct here and both sides change together.
 */
#ifndef COMPENDIUM_LATENCY_H
#define COMPENDIUM_LATENCY_H

#ifndef COMPENDIUM_VMLINUX_H
#include <linux/types.h>
#endif

#define LAT_SLOTS 32             /* log2 histogram slots, as struct rec_hist */
#define LAT_MAX_TASKS 16384      /* traced (and followed) tasks at once */
#define LAT_MAX_PROCS 8192       /* traced processes with a histogram at once */
#define LAT_MAX_REQS 8192        /* block requests in flight at once */
#define LAT_MAX_FDS 16384        /* (process, fd, file) I/O counters at once */
#define LAT_RINGBUF_BYTES (1u << 20)
#define LAT_IO_RINGBUF_BYTES (8u << 20)   /* ioacct.bpf.c's ring */
#define LAT_IO_HIGH_WATER (LAT_IO_RINGBUF_BYTES / 2)   /* past it, a submit wakes the reader */
#define LAT_READ_MS 20           /* the reader looks at its ring (and drops) this often */
#define LAT_SWEEP_MS 100         /* the counters that grew are sent this often */

/* What a ring-buffer sample is; every sample starts with a __u32 kind. */
enum lat_kind {
	LAT_SCHED = 1,           /* struct lat_event: a task waited to run */
	LAT_BLOCK = 2,           /* struct lat_event: a block request completed */
	LAT_HIST = 3,            /* struct lat_hist: a process's histogram */
	LAT_IO = 4,              /* struct lat_io: read/write bytes of one fd (ioacct.bpf.c) */
	LAT_SYSCALL = 5,         /* struct lat_syscall: an mmap-family call (ioacct.bpf.c) */
	LAT_OPEN = 6,            /* struct lat_open + path: an open, openat or creat */
	LAT_PIPE = 7,            /* struct lat_pipe: a pipe or pipe2 */
};

/* Why a task was waiting to run (as rec_sched.reason). */
enum lat_reason { LAT_WOKEN = 0, LAT_WOKEN_NEW = 1, LAT_PREEMPTED = 2 };

/* Which histogram (as rec_hist.kind). */
enum lat_hist_kind { LAT_HIST_SCHED = 1, LAT_HIST_BLOCK = 2 };

/* Per-CPU counters of measurements lost (index into the drops map). */
enum lat_drop {
	LAT_DROP_RINGBUF = 0,    /* the ring buffer was full */
	LAT_DROP_MAPFULL = 1,    /* a map was full */
	LAT_DROP_UNSEEN = 2,     /* a task ran but sched_switch never said so, and
				    the kernel kept no run_delay to recover the wait */
	LAT_DROP_MAX = 3
};

/* tasks map value flags. */
enum lat_task_flag {
	LAT_TASK_TRACED = 1,     /* measure it and follow its children */
	LAT_TASK_FOLLOW = 2,     /* do not measure it; its new processes are traced */
};

/* Key: tid.  A task the programs look at. */
struct lat_task {
	__u32 tgid;
	__u32 flags;             /* enum lat_task_flag */
};

/* Key: tgid.  Counts per slot; slot i holds values v (us), 2^(i-1) <= v < 2^i. */
struct lat_proc_hist {
	__u64 sched[LAT_SLOTS];
	__u64 block[LAT_SLOTS];
};

/* LAT_SCHED and LAT_BLOCK. */
struct lat_event {
	__u32 kind;              /* enum lat_kind */
	__s32 tid;               /* the task that waited / issued the request */
	__s32 tgid;
	__u32 aux;               /* sched: cpu it got; block: dev (major << 20 | minor) */
	__u64 ts;                /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 lat_ns;            /* runnable to running / issue to completion */
	__u64 bytes;             /* block: bytes completed */
	__u64 sector;            /* block: first sector at issue */
	__u32 reason;            /* sched: enum lat_reason; block: 1 write, 0 read */
	__u32 pad;
};

/* LAT_HIST: sent when the last thread of a process exits. */
struct lat_hist {
	__u32 kind;              /* LAT_HIST */
	__u32 hist;              /* enum lat_hist_kind */
	__s32 pid;
	__u32 pad;
	__u64 ts;
	__u64 slots[LAT_SLOTS];
};

/* What an fd refers to, as enum fd_kind in src/record.h (checked there). */
enum lat_fd_kind {
	LAT_FDK_UNKNOWN = 0, LAT_FDK_FILE, LAT_FDK_DIR, LAT_FDK_CHR, LAT_FDK_BLK,
	LAT_FDK_PIPE, LAT_FDK_UNIX, LAT_FDK_TCP4, LAT_FDK_TCP6, LAT_FDK_UDP4,
	LAT_FDK_UDP6, LAT_FDK_SOCK, LAT_FDK_ANON,
};

/* Key of the fdio map: one open fd of one process.  The fd number cannot
 * name another file before the counter goes: every way to end an fd
 * (close, dup2/dup3 onto it, close_range, exec, exit) sends and deletes it. */
struct lat_fd_key {
	__u32 tgid;
	__s32 fd;
};

/* State of a counter slot (lat_fd_slot.state). */
enum lat_slot_state {
	LAT_SLOT_FREE = 0,       /* unused, or given back */
	LAT_SLOT_LIVE = 1,       /* counting for its (process, fd) */
	LAT_SLOT_ENDING = 2,     /* its fd ends: one flusher sends the last of it */
};

/* A counter slot (the fdslots array; fdio maps (process, fd) to its index).
 * The counts only grow while the fd lives: a LAT_IO carries them whole,
 * and the reader sends the growth since the last one it saw (REC_IO), so
 * a count sent twice is never counted twice.  The slots are reused only
 * by ioacct.bpf.c's own code, and seq (odd while a slot is being set up,
 * larger at each use) tells a reader whether what it read is one use. */
struct lat_fd_slot {
	__u64 seq;
	__u32 state;             /* enum lat_slot_state */
	__u32 tgid;
	__s32 fd;
	__u32 kind;              /* enum lat_fd_kind, from the kernel's file object */
	__u64 ino;               /* the file's inode */
	__u64 rd, wr;            /* bytes read (received) and written (sent) */
	__u64 rd_calls, wr_calls;
};

/* LAT_IO: the counts of one (process, fd, file) so far, from the slot's use
 * seq; sent for every counter that grew at each sweep (the reader asks for
 * one every LAT_SWEEP_MS), and last (final) when the fd or the process ends. */
struct lat_io {
	__u32 kind;              /* LAT_IO */
	__s32 pid;
	__s32 fd;
	__u32 fd_kind;           /* enum lat_fd_kind */
	__u64 ts;
	__u64 ino;
	__u64 rd, wr;
	__u64 rd_calls, wr_calls;
	__u64 seq;               /* the slot's use */
	__u32 slot;
	__u32 final;             /* 1: the fd ended, nothing more comes from this use */
};

/* LAT_SYSCALL: mmap, munmap, mremap or brk of a traced task, which then
 * runs without a ptrace stop (everything the model needs is in registers);
 * also the call part that starts a LAT_PIPE and a LAT_OPEN. */
struct lat_syscall {
	__u32 kind;              /* LAT_SYSCALL */
	__s32 tid;
	__s32 tgid;
	__s32 nr;
	__u64 ts;                /* at the return */
	__s64 ret;
	__u64 args[6];
};

/* LAT_PIPE: pipe or pipe2 of a traced task, which then runs without a
 * ptrace stop: the call, and on success the two fds it made (the kernel's
 * inode numbers name them, as /proc does: "pipe:[ino]"). */
struct lat_pipe {
	struct lat_syscall call;  /* kind LAT_PIPE */
	__s32 fds[2];             /* (success) read end, write end */
	__u64 ino[2];
};

/* A path in a LAT_OPEN is whole up to LAT_PATH_MAX bytes (REC_PATH_MAX);
 * a longer one comes cut as records carry it: LAT_PATH_CUT (U+2026) and
 * the last components that fit in LAT_PATH_MAX bytes. */
#define LAT_PATH_MAX 8192
#define LAT_PATH_CUT_LEN 3

/* LAT_OPEN: open, openat or creat of a traced task, which then runs without
 * a ptrace stop.  On success path is the new fd's file as /proc/PID/fd
 * would name it (fd_kind, ino and dev from its inode); on failure, the path
 * the call was given, made absolute from the cwd or dirfd as the tracer does. */
struct lat_open {
	struct lat_syscall call;  /* kind LAT_OPEN */
	__u64 ino;
	__u32 fd_kind;            /* enum lat_fd_kind (success) */
	__u32 path_len;           /* bytes of path that follow, no NUL */
	__u32 dev;                /* the inode's superblock's device (success) */
	__u32 pad;
};

#endif /* COMPENDIUM_LATENCY_H */
