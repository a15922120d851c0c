/* freezer.h - hold a spawned command back, invisibly to it, while the
 * tracer catches up (--ebpf).
 *
 * The command gets a cgroup2 group of its own, made under the tracer's own
 * group on the cgroup2 mount and removed at the end; everything it starts
 * is in it too.  Writing cgroup.freeze stops its tasks where they run: no
 * signal, no stop a wait() reports, nothing the program can see but time.
 * A task stopped for ptrace counts as frozen and its stop still reaches
 * the tracer; resumed, it freezes again on its way back to user space, so
 * the tracer never waits on a frozen task for anything but its own
 * decision to thaw.  Several threads hold the group frozen, each with its
 * own bit; it is frozen while any bit is held.  All functions but
 * freezer_new and freezer_free are safe from any thread.
 */
#ifndef COMPENDIUM_FREEZER_H
#define COMPENDIUM_FREEZER_H
#include <stdint.h>
#include <sys/types.h>

struct freezer;   /* opaque */

/* Who holds the group frozen (one bit each). */
enum freezer_holder {
	FREEZER_TRACER_QUEUE = 1,   /* the tracer thread's queue is over its high water */
	FREEZER_EBPF_QUEUE = 2,     /* the eBPF reader's queue is over its high water */
	FREEZER_IO_RING = 4,        /* the kernel's I/O ring is over its high water */
	FREEZER_USER = 8,           /* the person paused the command (kernel engine) */
};

struct freezer_stats {
	uint64_t freezes;       /* times the group was frozen */
	uint64_t frozen_ns;     /* time it spent frozen so far */
};

/* Make the group (cgroup2 mounted, its freezer present, and leave to make a
 * group under ours).  0, or -errno: ENOENT when there is no cgroup2 mount
 * or no cgroup.freeze, else mkdir's error. */
int freezer_new(struct freezer **out);
/* fork(), with the child born in the group (clone3 with CLONE_INTO_CGROUP,
 * Linux 5.7+): moving a process into a group later waits for an RCU grace
 * period (6-11 ms on the development VM).  Falls back to fork().  The
 * child must only make system calls until it execs (no fork handlers ran). */
pid_t freezer_fork(struct freezer *f);
/* Move process pid into the group (before it execs: its children follow);
 * nothing to do for the one freezer_fork made there. */
int freezer_add(struct freezer *f, pid_t pid);
/* Hold the group frozen for holder who. */
void freezer_hold(struct freezer *f, enum freezer_holder who);
/* Let go of who's hold; the group thaws when no hold is left. */
void freezer_release(struct freezer *f, enum freezer_holder who);
/* Kill every task of the group at once, those it is making too (cgroup.kill):
 * 0, or -errno (ENOENT: a kernel before 5.14). */
int freezer_kill(struct freezer *f);
/* How often and how long the group was frozen. */
void freezer_read_stats(struct freezer *f, struct freezer_stats *st);
/* Thaw, move anything left to the parent group, remove the group, free.
 * NULL is fine. */
void freezer_free(struct freezer *f);
#endif
