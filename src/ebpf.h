/* ebpf.h - the eBPF producer (--ebpf): scheduler and block I/O latency,
 * and the read/write, mmap and open families counted in the kernel.
 *
 * Loads bpf/latency.bpf.c (src/ebpf_latency.c), keeps the map of traced
 * tasks, and runs a reader thread that turns its ring-buffer samples into
 * REC_SCHED, REC_BLOCK, REC_HIST and REC_LOST records on its own queue (one
 * producer, as every queue).  With opts.io it also loads bpf/ioacct.bpf.c
 * (src/ebpf_ioacct.c), which counts read/write bytes per (process, fd) in
 * the kernel and sends mmap- and open-family calls whole; the tracer thread
 * drains those with ebpf_io_drain (tracer_opts.io_drain), so they reach its
 * queue before the record of whatever ended their fd.
 * Nothing here prints: failures come back as a negative errno plus one
 * sentence for the person.  libbpf's own messages go to opts.log or nowhere.
 *
 * Lifecycle: open (before the tracer starts, so follow_self sees the fork)
 * -> add_pid (attach mode) -> start -> ... -> stop -> drain the queue until
 * evq_closed -> free.
 */
#ifndef COMPENDIUM_EBPF_H
#define COMPENDIUM_EBPF_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "record.h"

struct evq;
struct freezer;
struct ebpf;                   /* opaque */

struct ebpf_opts {
	unsigned sched_threshold_us;   /* send waits at least this long (0: all) */
	bool follow_self;              /* trace every process this process forks from now on */
	bool force_raw_tp;             /* use raw_tp even where tp_btf works (tests) */
	bool io;                       /* also count read/write bytes in the kernel */
	bool latency;                  /* with engine: measure latency too (--ebpf) */
	bool engine;                   /* with io: the kernel engine, which captures
					  everything (tasks, exec, exits, signals, every
					  fd call) for the tasks ebpf_engine_add gives it */
	unsigned stack;                /* with io: enum stack_pick (src/stack.h): the
					  kernel copies the user stacks of the calls it
					  captures that this picks, the drain unwinds them
					  into REC_STACK (--stack) */
	const char *btf_path;          /* kernel BTF; NULL: /sys/kernel/btf/vmlinux */
	struct freezer *freezer;       /* not owned: hold the command frozen while the
					  reader's queue or the kernel's I/O ring is
					  over its high water (NULL: never) */
	FILE *log;                     /* libbpf's messages (verifier log...); NULL drops them */
};

struct ebpf_stats {
	uint64_t lost;                 /* measurements lost so far, the sum of: */
	uint64_t lost_ringbuf;         /*   a ring buffer was full */
	uint64_t lost_mapfull;         /*   a kernel map was full */
	uint64_t lost_unseen;          /*   the kernel ran a task without reporting the switch
					    (and kept no run_delay to recover the wait from) */
	uint64_t records;              /* records sent to the queue */
	size_t traced_tasks;           /* tasks in the kernel's traced set now */
	size_t hist_procs;             /* processes with a kernel histogram now */
	size_t waiting_tasks;          /* run-queue stamps not yet matched by a switch-in */
	size_t io_fds;                 /* (process, fd, file) I/O counters in the kernel now */
	bool raw_tp;                   /* the raw_tp fallback is in use */
};

/* Check privilege and BTF, load and attach.  0, or -errno with a one-sentence
 * reason in why (what is missing and what to do).  q (not owned) gets the
 * records once started. */
int ebpf_open(struct ebpf **out, const struct ebpf_opts *o, struct evq *q,
	      char *why, size_t whylen);
/* Trace process pid: every thread it has now and everything it starts. */
int ebpf_add_pid(struct ebpf *eb, pid_t pid);
/* The kernel engine (opts.engine): trace tid of process tgid and
 * everything it makes from now on; spawned: a command not yet exec'd.
 * 0 or -errno. */
int ebpf_engine_add(struct ebpf *eb, pid_t tid, pid_t tgid, bool spawned);
/* Is any of the kernel engine's tasks left? */
bool ebpf_engine_tasks_left(const struct ebpf *eb);
/* Is task tid one of the kernel engine's now? */
bool ebpf_engine_has(const struct ebpf *eb, pid_t tid);
/* Up to cap of the kernel engine's tasks now (tid, process); how many. */
size_t ebpf_engine_tasks(const struct ebpf *eb, pid_t *tids, pid_t *tgids, size_t cap);
/* Up to cap of the traced tasks in the kernel's set now (tid, process),
 * under either engine (never compendium-tui's own); how many. */
size_t ebpf_traced_tasks(const struct ebpf *eb, pid_t *tids, pid_t *tgids, size_t cap);
/* Start the reader thread (it starts with every signal blocked). */
int ebpf_start(struct ebpf *eb);
/* Ask for the end: the reader sends what is left, the histograms of live
 * processes and the drop count, then closes the queue.  Returns at once;
 * keep draining the queue until evq_closed. */
void ebpf_stop(struct ebpf *eb);
/* 0 when the in-kernel I/O counters (opts.io) are loaded, else -errno. */
int ebpf_io_error(const struct ebpf *eb);
/* Pass every record waiting in the kernel's I/O ring to put (ctx: the
 * struct ebpf): REC_IO counts, and mmap- and open-family calls as the
 * tracer would have sent them (REC_FD, REC_SYSCALL).  One
 * thread only: the tracer's (tracer_opts.io_drain). */
void ebpf_io_drain(void *ctx, rec_put_fn *put, void *put_ctx);
/* The kernel engine's drain: as ebpf_io_drain, but at most about budget
 * records at a time, so that a flood never keeps the tracer thread from
 * its commands; true when more may wait. */
bool ebpf_engine_drain(struct ebpf *eb, rec_put_fn *put, void *put_ctx, size_t budget);
/* Process pid now runs exe (len bytes): the stacks the kernel copies of it
 * are unwound over its modules (--stack).  The tracer's thread only
 * (tracer_opts.io_exec), after the drain of the exec's stop. */
void ebpf_io_exec(void *ctx, pid_t pid, const char *exe, size_t len);
/* Process parent forked child (--stack, as ebpf_io_exec). */
void ebpf_io_fork(void *ctx, pid_t parent, pid_t child);
/* Counters; safe from any thread. */
void ebpf_read_stats(struct ebpf *eb, struct ebpf_stats *st);
/* Join the reader, detach and unload everything.  Call it from the queue's
 * consumer thread; records not drained by then are discarded. */
void ebpf_free(struct ebpf *eb);
#endif
