/* ioacct.h - what ioacct.bpf.c sends to user space, and the map layouts
 * user space reads.
 *
 * Included by the BPF program and by its loader (src/ebpf_ioacct.c), so
 * everything here is flat, fixed-size and pointer-free: the kernel writes
 * it, user space reads the same bytes.  Change a struct here and both sides
 * change together.
 */
#ifndef COMPENDIUM_IOACCT_H
#define COMPENDIUM_IOACCT_H

#ifndef COMPENDIUM_VMLINUX_H
#include <linux/types.h>
#endif

#define IOACCT_MAX_FDS 16384     /* (process, fd, file) I/O counters at once */
#define IOACCT_MAX_PROCS 8192    /* traced processes with counters at once */
#define IOACCT_RINGBUF_BYTES (8u << 20)
#define IOACCT_HIGH_WATER (IOACCT_RINGBUF_BYTES / 2)   /* past it, a submit wakes the reader */
#define IOACCT_SWEEP_MS 100      /* the counters that grew are sent this often */

/* What a ring-buffer sample is; every sample starts with a __u32 kind. */
enum ioacct_kind {
	IOACCT_COUNT = 1,        /* struct ioacct_count: read/write bytes of one fd */
	IOACCT_CALL = 2,         /* struct ioacct_call: an mmap-family call */
	IOACCT_OPEN = 3,         /* struct ioacct_open + path: an open, openat or creat */
	IOACCT_PIPE = 4,         /* struct ioacct_pipe: a pipe or pipe2 */
};

/* What an fd refers to, as enum fd_kind in src/record.h (checked there). */
enum ioacct_fd_kind {
	IOACCT_FDK_UNKNOWN = 0, IOACCT_FDK_FILE, IOACCT_FDK_DIR, IOACCT_FDK_CHR,
	IOACCT_FDK_BLK, IOACCT_FDK_PIPE, IOACCT_FDK_UNIX, IOACCT_FDK_TCP4,
	IOACCT_FDK_TCP6, IOACCT_FDK_UDP4, IOACCT_FDK_UDP6, IOACCT_FDK_SOCK,
	IOACCT_FDK_ANON,
};

/* Key of the fdio map: one open fd of one process.  The fd number cannot
 * name another file before the counter goes: every way to end an fd
 * (close, dup2/dup3 onto it, close_range, exec, exit) sends and deletes it. */
struct ioacct_fd_key {
	__u32 tgid;
	__s32 fd;
};

/* State of a counter slot (ioacct_fd_slot.state). */
enum ioacct_slot_state {
	IOACCT_SLOT_FREE = 0,    /* unused, or given back */
	IOACCT_SLOT_LIVE = 1,    /* counting for its (process, fd) */
	IOACCT_SLOT_ENDING = 2,  /* its fd ends: one flusher sends the last of it */
};

/* A counter slot (the fdslots array; fdio maps (process, fd) to its index).
 * The counts only grow while the fd lives: an IOACCT_COUNT carries them
 * whole, and the reader sends the growth since the last one it saw
 * (REC_IO), so a count sent twice is never counted twice.  The slots are reused only
 * by ioacct.bpf.c's own code, and seq (odd while a slot is being set up,
 * larger at each use) tells a reader whether what it read is one use. */
struct ioacct_fd_slot {
	__u64 seq;
	__u32 state;             /* enum ioacct_slot_state */
	__u32 tgid;
	__s32 fd;
	__u32 kind;              /* enum ioacct_fd_kind, from the kernel's file */
	__u64 ino;               /* the file's inode */
	__u64 rd, wr;            /* bytes read (received) and written (sent) */
	__u64 rd_calls, wr_calls;
};

/* IOACCT_COUNT: the counts of one (process, fd, file) so far, from the
 * slot's use seq; sent for every counter that grew at each sweep (the
 * tracer thread's drain asks for one every IOACCT_SWEEP_MS), and last
 * (final) when the fd or the process ends. */
struct ioacct_count {
	__u32 kind;              /* IOACCT_COUNT */
	__s32 pid;
	__s32 fd;
	__u32 fd_kind;           /* enum ioacct_fd_kind */
	__u64 ts;
	__u64 ino;
	__u64 rd, wr;
	__u64 rd_calls, wr_calls;
	__u64 seq;               /* the slot's use */
	__u32 slot;
	__u32 final;             /* 1: the fd ended, nothing more comes from this use */
};

/* IOACCT_CALL: mmap, munmap, mremap or brk of a traced task, which then
 * runs without a ptrace stop (everything the model needs is in registers);
 * also the call part that starts an IOACCT_PIPE and an IOACCT_OPEN. */
struct ioacct_call {
	__u32 kind;              /* IOACCT_CALL */
	__s32 tid;
	__s32 tgid;
	__s32 nr;
	__u64 ts;                /* at the return */
	__s64 ret;
	__u64 args[6];
};

/* IOACCT_PIPE: pipe or pipe2 of a traced task, which then runs without a
 * ptrace stop: the call, and on success the two fds it made (the kernel's
 * inode numbers name them, as /proc does: "pipe:[ino]"). */
struct ioacct_pipe {
	struct ioacct_call call;  /* kind IOACCT_PIPE */
	__s32 fds[2];             /* (success) read end, write end */
	__u64 ino[2];
};

/* A path in an IOACCT_OPEN is whole up to IOACCT_PATH_MAX bytes
 * (REC_PATH_MAX); a longer one comes cut as records carry it: the cut mark
 * (U+2026, IOACCT_PATH_CUT_LEN bytes) and the last components that fit in
 * IOACCT_PATH_MAX bytes. */
#define IOACCT_PATH_MAX 8192
#define IOACCT_PATH_CUT_LEN 3

/* IOACCT_OPEN: open, openat or creat of a traced task, which then runs
 * without a ptrace stop.  On success path is the new fd's file as
 * /proc/PID/fd would name it (fd_kind, ino and dev from its inode); on
 * failure, the path the call was given, made absolute from the cwd or
 * dirfd as the tracer does. */
struct ioacct_open {
	struct ioacct_call call;  /* kind IOACCT_OPEN */
	__u64 ino;
	__u32 fd_kind;            /* enum ioacct_fd_kind (success) */
	__u32 path_len;           /* bytes of path that follow, no NUL */
	__u32 dev;                /* the inode's superblock's device (success) */
	__u32 pad;
};

#endif /* COMPENDIUM_IOACCT_H */
