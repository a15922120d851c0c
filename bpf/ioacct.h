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
/* Past it, a submit wakes the reader, which holds the program back until
 * the ring is down to IOACCT_LOW_WATER.  A quarter: moving a process into
 * the frozen group waits for an RCU grace period (12 ms here, tens of ms on
 * a loaded machine) while the program runs on, and a flood fills 1 MB in
 * about 50 ms with a sanitized reader. */
#define IOACCT_HIGH_WATER (IOACCT_RINGBUF_BYTES / 4)
#define IOACCT_LOW_WATER (IOACCT_RINGBUF_BYTES / 8)
#define IOACCT_SWEEP_MS 100      /* the counters that grew are sent this often */

/* What a ring-buffer sample is; every sample starts with a __u32 kind. */
enum ioacct_kind {
	IOACCT_COUNT = 1,        /* struct ioacct_count: read/write bytes of one fd */
	IOACCT_CALL = 2,         /* struct ioacct_call: an mmap-family call */
	IOACCT_OPEN = 3,         /* struct ioacct_open + path: an open, openat or creat */
	IOACCT_PIPE = 4,         /* struct ioacct_pipe: a pipe or pipe2 */
	/* The kernel engine's (engine set): everything else the model needs. */
	IOACCT_TASK = 5,         /* struct ioacct_task: a traced task made a task */
	IOACCT_EXEC = 6,         /* struct ioacct_exec + exe + argv: a new program */
	IOACCT_EXIT = 7,         /* struct ioacct_exit: a traced task ended */
	IOACCT_SIGNAL = 8,       /* struct ioacct_signal: a signal reached a traced task */
	IOACCT_FD = 9,           /* struct ioacct_fd + blobs: what an fd is */
	IOACCT_CALLX = 10,       /* struct ioacct_callx + blobs: a call with an address or path */
	IOACCT_SYSSTAT = 11,     /* struct ioacct_sysstat: a process's last counts of a call */
	IOACCT_STACK = 12,       /* struct ioacct_stack + stack bytes (--stack, bpf/stack.bpf.h) */
	IOACCT_EXECENV = 13,     /* struct ioacct_execenv + cwd + environment: what a program starts with */
	IOACCT_DATA = 14,        /* struct ioacct_data + bytes: a DNS server's reply (a REC_DATA) */
	IOACCT_SCRIPT = 15,      /* struct ioacct_script + path + argv[0]: an exec of a script */
	IOACCT_CALLSTAT = 16,    /* struct ioacct_callstat: one call a counter could not take */
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
	__u32 slot;              /* IOACCT_SLOT_NONE: one call's own counts */
	__u32 final;             /* 1: the fd ended, nothing more comes from this use */
};

/* The slot of an IOACCT_COUNT that carries one call's bytes alone: when
 * every slot is in use (more than IOACCT_MAX_FDS fds counting at once),
 * each read or write of a further fd is sent this way instead. */
#define IOACCT_SLOT_NONE 0xffffffffu

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
	__u64 entry_ts;          /* when the call began (kernel engine; 0: not seen) */
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
	__u32 flags;              /* IOACCT_UNREADABLE */
};

/* ioacct_open and ioacct_callx flags: a path or address argument could not
 * be read from the program's memory (its blob is empty); SYSF_UNREADABLE. */
#define IOACCT_UNREADABLE 1

/* ---- --stack (bpf/stack.bpf.h) ---- */

#define IOACCT_STACK_BYTES 16384   /* user stack copied from the stack pointer up, at most */
#define IOACCT_STACK_CHUNK 512     /* copied this much at a time, until a read fails */
#define IOACCT_STACK_NREGS 17      /* x86_64 registers in DWARF order, rip last */

/* IOACCT_STACK: the user stack of a traced task, for the record of the
 * call it is in, which comes next: its registers and len bytes of its
 * memory from at (the stack pointer rounded down to IOACCT_STACK_CHUNK)
 * up, and what user space needs to find its program's modules should the
 * process be gone when the sample is read (mm's start_code and the
 * interpreter's base, AT_BASE). */
struct ioacct_stack {
	__u32 kind;              /* IOACCT_STACK */
	__s32 tid, tgid;
	__u32 flags;             /* STACK_F_ENTRY (src/record.h): at an exec's entry */
	__u64 ts;
	__u64 at;
	__u32 len;
	__s32 nr;                /* the call (x86_64 number) */
	__u64 start_code, at_base;
	__u64 regs[IOACCT_STACK_NREGS];
};

/* ---- the kernel engine ---- */

#define IOACCT_ARGV_MAX 32768    /* argv bytes of an exec, as the tracer reads them */
#define IOACCT_FDSET_WORDS 16    /* fds 0..1023 of an exec's open set (as the tracer lists) */

/* IOACCT_TASK: fork, vfork or clone of a traced task (sched_process_fork,
 * in the parent); kind and flags as the tracer's ptrace events give them. */
struct ioacct_task {
	__u32 kind;              /* IOACCT_TASK */
	__s32 tid, tgid;         /* the parent */
	__s32 child, child_tgid;
	__u32 nt_kind;           /* enum newtask_kind (src/record.h) */
	__u64 flags;             /* clone flags */
	__u64 ts;
};

/* IOACCT_EXEC: a traced task runs a new program (sched_process_exec):
 * exe_len bytes of its path, then argv_len bytes of its NUL-separated
 * argv; open_fds is the fd bitmap after close-on-exec. */
struct ioacct_exec {
	__u32 kind;              /* IOACCT_EXEC */
	__s32 tid, tgid;
	__s32 old_tid;           /* the exec'ing thread, before it took the leader's tid */
	__u64 ts;
	__u32 exe_len, argv_len;
	__u32 truncated;         /* argv was longer than IOACCT_ARGV_MAX */
	__u32 pad;
	__u64 open_fds[IOACCT_FDSET_WORDS];
};

/* IOACCT_EXECENV: sent just before the IOACCT_EXEC of the same exec (same
 * ts): cwd_len bytes of its working directory, then env_len bytes of its
 * NUL-separated environment as the new program's memory holds it. */
#define IOACCT_ENV_MAX 32768     /* environment bytes of an exec (more: cut, flags 1) */
struct ioacct_execenv {
	__u32 kind;              /* IOACCT_EXECENV */
	__s32 tid, tgid;
	__u32 flags;             /* 1: the environment was longer than IOACCT_ENV_MAX */
	__u64 ts;
	__u32 cwd_len, env_len;
};

/* IOACCT_SCRIPT: sent between the IOACCT_EXECENV and the IOACCT_EXEC of
 * an exec (same ts) when the kernel ran an interpreter for the file (a
 * "#!" script): name_len bytes of the path the exec was given (with its
 * NUL), then argv0_len bytes of the argv[0] it was given (0: not read). */
#define IOACCT_ARGV0_MAX 512
struct ioacct_script {
	__u32 kind;              /* IOACCT_SCRIPT */
	__s32 tid, tgid;
	__u32 name_len;
	__u64 ts;
	__u32 argv0_len;
	__u32 pad;
};

/* IOACCT_EXIT: a traced task ended; when it was the last of its process
 * (group_dead), the process ended with group_status. */
struct ioacct_exit {
	__u32 kind;              /* IOACCT_EXIT */
	__s32 tid, tgid;
	__s32 status;            /* the task's wait status */
	__u32 group_dead;
	__s32 group_status;      /* the process's wait status (group_dead) */
	__u32 report_tid;        /* 0: the task itself is not reported (its leader record is) */
	__u32 stats_left;        /* 1: the process's call counters were not sent (the ring
				    was past its high water): the reader takes them */
	__u64 ts;
};

/* IOACCT_SIGNAL: a signal is delivered to a traced task (or was dropped
 * as ignored, which the tracer would have seen delivered). */
struct ioacct_signal {
	__u32 kind;              /* IOACCT_SIGNAL */
	__s32 tid, tgid;
	__s32 sig, code;
	__u32 pad;
	__u64 ts;
};

/* IOACCT_FD: what fd of a traced task refers to (a REC_FD): path_len bytes
 * of its name (empty for pipes, sockets and anonymous inodes but the
 * latter's own name), then laddr_len and raddr_len bytes of a socket's
 * local and remote address. */
struct ioacct_fd {
	__u32 kind;              /* IOACCT_FD */
	__s32 tid, tgid;
	__s32 fd;
	__u64 ts;
	__u64 ino;               /* its inode (a pipe and a socket are named by it) */
	__u32 fd_kind;           /* enum ioacct_fd_kind */
	__u32 why;               /* enum rec_fd_why (src/record.h) */
	__u32 dev;
	__u16 path_len, laddr_len, raddr_len;
	__u16 pad;
};

/* IOACCT_CALLX: a call sent whole (a REC_SYSCALL) with aux and addr_len
 * bytes of a socket address argument after it, then path_len bytes of a
 * path argument. */
struct ioacct_callx {
	struct ioacct_call call;  /* kind IOACCT_CALLX */
	__u64 aux;
	__u16 addr_len, path_len;
	__u32 flags;              /* IOACCT_UNREADABLE */
};

/* IOACCT_DATA: the first len of the total bytes a call of a traced task
 * received on fd: a recvfrom or recvmsg from port 53, or a read of a
 * socket connected to port 53 (what IOACCT_DNS, at most IOACCT_DATA_MAX
 * bytes), or a read of the hosts file it opened (IOACCT_HOSTS, at most
 * IOACCT_HOSTS_MAX). */
#define IOACCT_DATA_MAX 512
#define IOACCT_HOSTS_MAX 4096
enum { IOACCT_DNS = 1, IOACCT_HOSTS = 2 };
struct ioacct_data {
	__u32 kind;              /* IOACCT_DATA */
	__s32 tid, tgid;
	__s32 fd;
	__u64 ts;
	__u32 len, total;
	__u32 what;              /* IOACCT_DNS or IOACCT_HOSTS */
	__u32 pad;
};

/* A task of the kernel engine (the kalive map: tid -> this). */
struct ioacct_task_state {
	__u32 tgid;
	__u32 flags;             /* IOACCT_TASK_PREEXEC: the command before its exec */
	__u64 entry_ts;          /* when its system call now running began (0: none) */
	__s64 entry_nr;          /* that call's number, as it entered (with entry_ts) */
	__s64 restart_nr;        /* 1 + the call the freezer cut short, which the kernel
				    goes on with in restart_syscall (0: none) */
};

/* The spawned command until it execs is compendium-tui's own code: its
 * calls are not counted. */
#define IOACCT_TASK_PREEXEC 1

#define IOACCT_NR_MAX 512        /* system call numbers counted (higher: not) */
#define IOACCT_STATS_MAX 65536   /* (process, call) counters at once */

/* Key of the kstats map: one system call of one process. */
struct ioacct_stat_key {
	__u32 tgid;
	__s32 nr;
};

/* Slots of a call-duration histogram: slot 0 counts calls under 64 ns,
 * slot i 2^(i+5) <= ns < 2^(i+6), the last one everything from 2^36 ns
 * (69 s) on. */
#define IOACCT_HIST_SLOTS 32

/* What a process's calls of one number did so far (only grows; the
 * histogram's counts wrap at 2^32, read as differences). */
struct ioacct_stat {
	__u64 calls, errors, timed, total_ns, max_ns;
	__u32 hist[IOACCT_HIST_SLOTS];
};

/* Which call numbers a process has counters for (the engine's kstat_nrs:
 * tgid -> bits), so its end sends and forgets just those. */
struct ioacct_nr_bits {
	__u64 w[IOACCT_NR_MAX / 64];
};

/* IOACCT_SYSSTAT: the figures of (tgid, nr) when its process ended; the
 * counter is gone after it. */
struct ioacct_sysstat {
	__u32 kind;              /* IOACCT_SYSSTAT */
	__u32 tgid;
	__s32 nr;
	__u32 pad;
	__u64 ts;
	struct ioacct_stat st;
};

/* IOACCT_CALLSTAT: one call of (tgid, nr), sent alone because the map of
 * counters was full (IOACCT_STATS_MAX). */
struct ioacct_callstat {
	__u32 kind;              /* IOACCT_CALLSTAT */
	__u32 tgid;
	__s32 nr;
	__u8 failed;             /* it returned an error */
	__u8 timed;              /* its entry was seen: dur and slot hold */
	__u8 slot;               /* dur's slot of the histogram */
	__u8 pad;
	__u64 ts;
	__u64 dur;
};

#endif /* COMPENDIUM_IOACCT_H */
