/* model.h - what the records mean: processes, fds, files, connections, totals.
 *
 * The model runs on the consumer thread and is pure: it never makes a system
 * call, never prints and never reads a clock.  Feed it records; it keeps the
 * state and calls an observer with one event for every thing a person would
 * want to see.  Sinks (line printer, JSON, UI) read events and the summary.
 */
#ifndef COMPENDIUM_MODEL_H
#define COMPENDIUM_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fdtable.h"
#include "procenv.h"
#include "record.h"
#include "regions.h"

/* The types of events; each is described (name, category, fields, words)
 * by its entry in evdesc.c, which every sink reads. */
enum ev_type {
	EV_EXEC, EV_FORK, EV_THREAD, EV_EXIT,
	EV_OPEN, EV_CLOSE, EV_CONNECT, EV_ACCEPT,
	EV_READ, EV_WRITE, EV_SEND, EV_RECV,
	EV_SENDFILE, EV_COPY_FILE_RANGE, EV_SPLICE, EV_TEE,
	EV_MMAP, EV_MUNMAP, EV_MREMAP, EV_BRK,
	EV_SIGNAL, EV_SYSCALL,
	EV_SCHED, EV_BLOCK, EV_FAULT,
	EV_DELETE, EV_RENAME,
	EV_TYPE_MAX
};

/* Per-path totals of a regular file. */
struct fileagg {
	const char *path;      /* owned by the model */
	uint8_t mode;          /* FM_READ | FM_WRITE: how it was opened or used */
	uint64_t rd, wr;
	uint32_t opens;
};

/* A network connection (one connect or accept on an inet socket), or a
 * flow: the datagrams one process sent to or received from one peer with
 * an address on an unconnected UDP socket (sendto, recvfrom, sendmsg,
 * recvmsg). */
struct conn {
	uint8_t kind;          /* FDK_TCP4 .. FDK_UDP6 */
	bool accepted;
	bool flow;             /* a UDP flow, not a connect or accept */
	char *local, *remote;  /* numeric: "127.0.0.1:53", "[::1]:53" */
	char *host;            /* the name the process looked the peer up by (a
				  DNS reply or hosts file it read), or NULL */
	char *peer;            /* remote as shown: "host (addr):port" with a host */
	uint64_t sent, received;
	uint64_t ts;           /* ns since start */
	uint64_t last_ts;      /* ns since start of its last transfer (ts: none) */
	int pid;
};

/* A traced process (thread group). */
struct proc {
	int pid, ppid;
	const char *host;      /* its recording's label in a replay of several
				  (model_set_runs), else NULL */
	char *exe;
	char **argv;           /* NULL-terminated */
	bool argv_cut;         /* argv was longer than the engine takes: cut */
	int threads;           /* tasks ever in the group, leader included */
	int live;              /* tasks alive now */
	bool exited;
	int status;            /* wait status when exited */
	uint64_t start_ts, end_ts;
	uint64_t brk_start, brk_max;
	uint64_t execs;
	uint64_t faults;       /* sampled page faults */
	struct envblob *env;   /* the environment its program started with (procenv.h):
				  NULL when not known, and once it has ended */
	struct regions *mem;   /* its address space, to attribute faults: NULL
				  without --faults (before a REC_MAPS) and once
				  it has been gone for a few seconds */
};

/* Sampled page faults of one process in one mapping (an mmap, or one
 * found in /proc/PID/maps; the pieces a partial munmap leaves are still
 * it, an mremap moves it), so one can see which allocation grew.  The heap
 * and the main stack are one each, however often they grew; faults in no
 * known mapping are one "[unknown]" per process. */
struct faultagg {
	int pid;
	const char *region;    /* "[heap]", "[stack]", "[anon]", a path, or
				  "[unknown]"; owned by the model */
	uint8_t kind;          /* enum region_kind */
	bool mapped;           /* start, len, prot and made describe a mapping
				  (false for "[unknown]") */
	int prot;              /* PROT_* it was mapped with, -1 if not known */
	uint64_t start, len;   /* its range (heap, stack: all they spanned) */
	uint64_t made;         /* ns since start it was mapped (one found in a
				  maps snapshot: the snapshot's time) */
	uint64_t count;
};

/* One thing that happened; pointers are valid only during the callback. */
struct event {
	uint64_t ts;           /* ns since start */
	int pid, tid;
	const char *host;      /* its recording's label in a replay of several
				  (model_set_runs), else NULL */
	enum ev_type type;
	int nr;                /* syscall number, or -1 */
	int fd, fd2;
	int64_t ret;           /* syscall result; -errno on failure */
	uint64_t bytes;        /* I/O bytes, mapping length, heap growth */
	uint32_t calls;        /* read/write/send/recv: calls it sums up (0: one;
				  more when the kernel counted them, --ebpf) */
	uint64_t addr;
	uint64_t flags;        /* open flags, mmap flags, clone flags */
	int prot;
	int child;             /* fork/thread: the new pid or tid */
	int status;            /* exit: wait status; signal: number */
	bool thread;           /* exit: a thread, not the process, ended */
	const struct fobj *obj, *obj2;   /* what fd and fd2 refer to */
	const struct proc *proc;
	const struct conn *conn;
	const char *path;      /* open: the path (failed ones too); exec: exe;
				  delete, rename: the path named */
	const char *path2;     /* rename: the new path */
	bool unreadable;       /* open, delete, rename, connect: a path or address
				  argument could not be read (its field is NULL) */
	const char *addr_text; /* connect/sendto: the address argument */
	uint64_t dur;          /* syscall duration in ns, when measured; sched: the
				  wait; block: issue to completion */
	uint32_t dev;          /* block: device, major << 20 | minor */
	int cpu;               /* sched: the CPU the task got */
	uint64_t ip;           /* fault: the instruction (addr: the data address,
				  path: the region's name, bytes: a page) */
	const struct region *region;   /* fault: where it fell (NULL: unknown) */
	const struct rec_stack *stack; /* --stack: the calling thread's user stack
					  as its REC_STACK carried it (raw; src/symbols.h
					  names it), NULL: none taken */
};

#define LAT_HIST_SLOTS 32

/* Latency of one kind (scheduler delay or block I/O) for a process or in total. */
struct lat_stats {
	uint64_t count;        /* measured: histogram total, or events if no histogram came */
	uint64_t events;       /* REC_SCHED / REC_BLOCK records (sched: above the threshold) */
	uint64_t event_ns;     /* sum of the events' latencies */
	uint64_t max_ns;       /* largest event (0: none; see model_lat_max_us) */
	uint64_t bytes;        /* block: bytes of the events */
	uint64_t hist_total;   /* sum of hist[] */
	uint64_t hist[LAT_HIST_SLOTS];   /* log2 us slots as struct rec_hist (additive) */
};

struct io_totals {
	uint64_t file_rd, file_wr, net_sent, net_recv, ipc_rd, ipc_wr;
};

/* One recording of a replay of several (--replay A B), or the one run. */
struct model_run {
	const char *label;     /* its host label; NULL when there is only one */
	char **command;        /* argv it was started with (NULL before its start) */
	const struct proc *root;
	int root_status;       /* its root's wait status, -1 unknown */
	bool started, ended, kernel_engine, attached;
	enum end_reason reason;
	uint64_t stops, stopped_ns;
	uint64_t start_ts;     /* ns since the start of the earliest */
	uint64_t end_ts;       /* ns since that start of its REC_END (ended) */
	size_t processes;      /* processes seen of it */
	uint64_t events;
	struct io_totals io;
};

struct model;
struct sysstat;

typedef void model_observer_fn(void *ctx, const struct event *ev);

struct model *model_new(void);
void model_free(struct model *m);
/* Forget every record taken in (a replay seeking back starts afresh); the
 * observer and verbosity stay. */
void model_reset(struct model *m);
/* Call fn for every event from now on (one observer). */
void model_set_observer(struct model *m, model_observer_fn *fn, void *ctx);
/* Send every raw syscall as an EV_SYSCALL event too. */
void model_set_verbose(struct model *m, bool on);
/* Take one record (already validated with rec_validate). */
void model_ingest(struct model *m, const struct rec_hdr *h);
/* A replay of n recordings merged (src/recmerge.h), labelled labels[i]
 * (copied; kept by model_reset): their pids carry their index (record.h),
 * their files are told apart by the label, and each has its own totals. */
void model_set_runs(struct model *m, char *const *labels, size_t n);
/* Take one record of recording run of such a merge. */
void model_ingest_run(struct model *m, unsigned run, const struct rec_hdr *h);
/* The runs: one, or one per recording of a merge. */
const struct model_run *model_runs(const struct model *m, size_t *n);
/* The label of the recording pid comes from, NULL when there is one. */
const char *model_pid_label(const struct model *m, int pid);

/* Summary accessors: arrays owned by the model, in order of appearance. */
struct proc *const *model_procs(const struct model *m, size_t *n);
/* The details of process pid's exec at ts (ns since start), or of the last
 * before it; NULL when none are known (an engine that did not send them,
 * an older recording). */
const struct execinfo *model_execinfo(const struct model *m, int pid, uint64_t ts);
struct fileagg *const *model_files(const struct model *m, size_t *n);
struct conn *const *model_conns(const struct model *m, size_t *n);
const struct io_totals *model_io(const struct model *m);
uint64_t model_heap_bytes(const struct model *m);
uint64_t model_mmap_bytes(const struct model *m);
uint64_t model_mmap_regions(const struct model *m);
uint64_t model_events(const struct model *m);
/* Root process (NULL before REC_START), its wait status (-1 unknown). */
const struct proc *model_root(const struct model *m);
int model_root_status(const struct model *m);
/* argv the trace was started with, NULL-terminated. */
char *const *model_command(const struct model *m);
/* ns from start to the last record. */
uint64_t model_duration(const struct model *m);
/* Tracer cost reported by REC_END: stops and time tracees were stopped. */
void model_tracer_cost(const struct model *m, uint64_t *stops, uint64_t *stopped_ns);
bool model_attached(const struct model *m);
/* Was it traced by the kernel engine (no ptrace), not ptrace? */
bool model_kernel_engine(const struct model *m);
bool model_ended(const struct model *m);
enum end_reason model_end_reason(const struct model *m);
/* Tasks alive now. */
size_t model_live_tasks(const struct model *m);
/* "file", "pipe", "tcp4"... for an enum fd_kind. */
const char *model_kind_name(int kind);
/* Latency of pid (0: all processes) for HIST_SCHED or HIST_BLOCK; NULL when none was seen. */
const struct lat_stats *model_latency(const struct model *m, int pid, enum hist_kind kind);
/* Quantile q (0..1) in microseconds, interpolated in the log2 histogram. */
double model_lat_quantile_us(const struct lat_stats *s, double q);
/* Largest latency in microseconds: the largest event, else the histogram's top slot. */
double model_lat_max_us(const struct lat_stats *s);
/* Records producers reported lost (REC_LOST), all sources. */
uint64_t model_dropped(const struct model *m);
/* Notes the user should see (io_uring use...), NULL-terminated. */
const char *const *model_notes(const struct model *m);
/* Sampled page faults per process and mapping, in order of appearance. */
struct faultagg *const *model_faults(const struct model *m, size_t *n);
/* All sampled page faults, and samples the kernel reported lost. */
uint64_t model_faults_total(const struct model *m);
uint64_t model_faults_lost(const struct model *m);
/* Are page faults sampled (--faults: the tracer sent address-space maps)? */
bool model_faults_on(const struct model *m);
/* Per-syscall counts, errors and times of every REC_SYSCALL (src/sysstat.h). */
const struct sysstat *model_sysstat(const struct model *m);
#endif
