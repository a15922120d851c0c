/* tracer.h - the ptrace producer thread.
 *
 * The tracer thread is the only code that calls ptrace or waits for tracees.
 * It turns stops into records on its queue and resumes the tracee at once.
 * Other threads talk to it only through tracer_command().  The process must
 * block SIGCHLD, SIGUSR1 and SIGUSR2 in every other thread.
 */
#ifndef COMPENDIUM_TRACER_H
#define COMPENDIUM_TRACER_H
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "record.h"

struct ebpf;
struct evq;
struct freezer;
struct tracer;

struct tracer_opts {
	const char *exe;         /* resolved program to spawn (spawn mode) */
	char *const *argv;       /* its argv */
	pid_t attach_pid;        /* attach mode when > 0 */
	bool trace_all;          /* stop on every syscall (no seccomp filter) */
	bool verbose;            /* send records for every syscall */
	unsigned spin_us;        /* spin on waitpid this long before blocking */
	bool follow_cpu;         /* keep the tracer on its tasks' CPU (src/colocate.h) */
	sigset_t child_mask;     /* signal mask the command starts with */
	int stdio_fd;            /* >= 0: the command gets this terminal (a pty
				    slave) as stdin/out/err and controlling tty */
	bool maps;               /* send REC_MAPS after every exec and at attach */
	unsigned stack;          /* enum stack_pick: send a REC_STACK before the
				    record of each call it picks (--stack) */
	/* In-kernel capture (--ebpf): when set (spawn mode, with the filter),
	 * the read/write, mmap and open families (as bpf/ioacct.bpf.c sees
	 * them) run without stops.  io_drain(io_ctx, put, ...) is called on the
	 * tracer thread before each stop is handled and on every flush tick,
	 * and gives put every record waiting (REC_IO, REC_SYSCALL), so each
	 * lands before the record of whatever closed or replaced its fd. */
	void (*io_drain)(void *ctx, rec_put_fn *put, void *put_ctx);
	/* With io_drain and --stack: told every exec (pid, its program's path),
	 * so that stacks the kernel copied can be unwound once the process is gone. */
	void (*io_exec)(void *ctx, pid_t pid, const char *exe, size_t len);
	void (*io_fork)(void *ctx, pid_t parent, pid_t child);   /* and every new process */
	void *io_ctx;
	/* When set (--ebpf, spawn mode), the tracer holds the command frozen
	 * (FREEZER_TRACER_QUEUE) while its queue is over half full, so the
	 * kernel's captures wait in the program rather than overflow; the
	 * caller moves the command into the group (spawned) and owns it. */
	struct freezer *freezer;
	/* The kernel engine (spawn mode): when set, loaded with
	 * ebpf_opts.engine, the command is traced from the kernel alone
	 * (src/kengine.c): no ptrace, no seccomp filter, no stop. */
	struct ebpf *engine;
	/* Spawn mode: called on the tracer thread with the command's pid once it
	 * is seized and before it can exec (e.g. faults_spawned). */
	void (*spawned)(void *ctx, pid_t pid);
	void *spawned_ctx;
};

enum tracer_cmd {
	TRACER_KILL = 1,         /* SIGKILL the whole traced tree */
	TRACER_DETACH = 2,       /* detach from every task, leave them running */
	TRACER_STOP = 4,         /* hold every traced task stopped */
	TRACER_CONT = 8,         /* let them run again */
	TRACER_INTERRUPT = 16,   /* SIGINT to the root process, at once (a Ctrl-C
				    no terminal gave it); none once it ended */
};

/* How TRACER_STOP holds the program. */
enum tracer_hold {
	TRACER_HOLD_PTRACE,      /* every task in a ptrace stop */
	TRACER_HOLD_FREEZER,     /* the command's cgroup frozen (kernel engine) */
	TRACER_HOLD_SIGSTOP,     /* SIGSTOP to every process (kernel engine without
				    a cgroup of its own: no cgroup2, or --pid) */
};

/* Create a tracer that will write records to q (q is not owned). */
struct tracer *tracer_new(const struct tracer_opts *o, struct evq *q);
/* Start the thread and wait until the command has exec'd or every thread is
 * attached.  Returns 0, or a negative errno: for spawn, the execve error. */
int tracer_start(struct tracer *t);
/* Ask the tracer thread to do something; safe from any thread or handler. */
void tracer_command(struct tracer *t, enum tracer_cmd cmd);
/* How TRACER_STOP holds the program (fixed from tracer_new on). */
enum tracer_hold tracer_hold_kind(const struct tracer *t);
/* True while a command is not yet taken; nudges the tracer again. */
bool tracer_command_pending(struct tracer *t);
/* Wait for the tracer thread to finish (after it closed its queue). */
void tracer_join(struct tracer *t);
/* Wait status of the root process (valid after join; -1 if unknown). */
int tracer_root_status(const struct tracer *t);
void tracer_free(struct tracer *t);
#endif
