/* freezer.h - hold a spawned command back, invisibly to it, while the
 * tracer catches up (--ebpf).
 *
 * A cgroup2 group is made under the tracer's own group on the cgroup2 mount
 * and removed at the end.  The command runs in the tracer's group, where
 * it started, so that what it reads of its own group (/proc/self/cgroup:
 * node, Go and Java programs size themselves by it) is what it would read
 * untraced.  Only while it is held are its processes in the frozen group:
 * moved in there (where they freeze), then back (where they thaw).  The
 * freeze stops its tasks where they run: no signal, no stop a wait()
 * reports, nothing a frozen program can see.
 * A task stopped for ptrace counts as frozen and its stop still reaches
 * the tracer; resumed, it freezes again on its way back to user space, so
 * the tracer never waits on a frozen task for anything but its own
 * decision to thaw.  Several threads hold the group frozen, each with its
 * own bit; it is frozen while any bit is held.  All functions but
 * freezer_new and freezer_free are safe from any thread; hold, release and
 * sweep leave errno as it was (a tracer's tick calls them between a wait
 * and its check of errno).
 */
#ifndef COMPENDIUM_FREEZER_H
#define COMPENDIUM_FREEZER_H
#include <stdbool.h>
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
/* The most processes a hold takes in. */
#define FREEZER_MAX 16384

/* Lists the traced tasks, as ebpf_engine_tasks does: at most cap tids and
 * their tgids; how many. */
typedef size_t freezer_members_fn(const void *ctx, pid_t *tids, pid_t *tgids, size_t cap);

/* Say how to find the command's processes when holding it: fn(ctx), from
 * any thread, until set again (fn NULL: none but the command's root). */
void freezer_members(struct freezer *f, freezer_members_fn *fn, const void *ctx);
/* The command's first process: held with the others while it lives. */
void freezer_add(struct freezer *f, pid_t pid);
/* Hold the group frozen for holder who. */
void freezer_hold(struct freezer *f, enum freezer_holder who);
/* While held, take in what the command forked since the hold began. */
void freezer_sweep(struct freezer *f);
/* Let go of who's hold; the group thaws when no hold is left. */
void freezer_release(struct freezer *f, enum freezer_holder who);
/* Kill every task of the group at once, those it is making too (cgroup.kill;
 * what a hold took in):
 * 0, or -errno (ENOENT: a kernel before 5.14). */
int freezer_kill(struct freezer *f);
/* Whether someone holds the group frozen now. */
bool freezer_held(struct freezer *f);
/* How often and how long the group was frozen. */
void freezer_read_stats(struct freezer *f, struct freezer_stats *st);
/* Thaw, move anything left to the parent group, remove the group, free.
 * NULL is fine. */
void freezer_free(struct freezer *f);
#endif
