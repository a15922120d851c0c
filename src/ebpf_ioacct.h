/* ebpf_ioacct.h - the user half of bpf/ioacct.bpf.c: load it, and turn its
 * samples into the records the tracer would have sent (REC_IO, REC_FD,
 * REC_SYSCALL).
 *
 * Used only by src/ebpf.c.  The tracer thread drains the ring
 * (ebpf_ioacct_drain); the reader thread only looks at how full it is.
 * Nothing here prints.
 */
#ifndef COMPENDIUM_EBPF_IOACCT_H
#define COMPENDIUM_EBPF_IOACCT_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "record.h"

struct ebpf_core;
struct ebpf_shape;
struct ebpf_ioacct;            /* opaque */

/* Open, set rodata, load and attach one flavour (raw: the raw_tp
 * programs) on the shared maps tasks_fd and drops_fd (not owned), and
 * set up its ring.  btf_path: the kernel's BTF (NULL: the default);
 * core (may be NULL): relocate against its slice of that BTF, which
 * ebpf_ioacct_make_core makes meanwhile.  0 with *out, or -errno. */
int ebpf_ioacct_load(struct ebpf_ioacct **out, const struct ebpf_shape *s,
		     const char *btf_path, bool raw, int tasks_fd, int drops_fd,
		     struct ebpf_core *core);
/* Make core's slice of the kernel's BTF (at btf_path, or the running
 * kernel's) for the object's CO-RE relocations (beside an ebpf_ioacct_load
 * given core, in another thread). */
void ebpf_ioacct_make_core(struct ebpf_core *core, const char *btf_path);
/* Pass the records waiting in the ring to put(ctx), after having the
 * kernel send the counters that grew (every IOACCT_SWEEP_MS): all of them,
 * or with budget > 0 at most about that many.  True when the budget ran
 * out (more may wait).  One thread only: the tracer's. */
bool ebpf_ioacct_drain(struct ebpf_ioacct *io, rec_put_fn *put, void *ctx, size_t budget);
/* Process parent forked child (for --stack's unwinding). */
void ebpf_ioacct_fork(struct ebpf_ioacct *io, pid_t parent, pid_t child);
/* Process pid now runs exe (len bytes, no NUL): for --stack's unwinding. */
void ebpf_ioacct_exec(struct ebpf_ioacct *io, pid_t pid, const char *exe, size_t len);
/* Should the command be held back for the ring: it is past its high
 * water, or, while held already (holding), still over its low water. */
bool ebpf_ioacct_over(const struct ebpf_ioacct *io, bool holding);
/* An fd that polls readable each time the ring passes its high water
 * (edge-triggered: ebpf_ioacct_woken takes the edge). */
int ebpf_ioacct_wake_fd(const struct ebpf_ioacct *io);
void ebpf_ioacct_woken(struct ebpf_ioacct *io);
/* The kernel engine (shape engine): put tid of process tgid in its set of
 * tasks (with everything it makes from now on); spawned: a command that
 * has not exec'd yet, whose calls until then are not counted.  0 or -errno. */
int ebpf_ioacct_add_task(struct ebpf_ioacct *io, pid_t tid, pid_t tgid, bool spawned);
/* Is any task left in the kernel engine's set? */
bool ebpf_ioacct_tasks_left(const struct ebpf_ioacct *io);
/* Is task tid in it? */
bool ebpf_ioacct_has_task(const struct ebpf_ioacct *io, pid_t tid);
/* Up to cap of the engine's tasks now (tid and its process); how many. */
size_t ebpf_ioacct_tasks(const struct ebpf_ioacct *io, pid_t *tids, pid_t *tgids, size_t cap);
/* (process, fd, file) counters in the kernel now. */
size_t ebpf_ioacct_count(const struct ebpf_ioacct *io);
/* Detach and unload (NULL is fine). */
void ebpf_ioacct_free(struct ebpf_ioacct *io);
#endif
