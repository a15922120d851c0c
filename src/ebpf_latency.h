/* ebpf_latency.h - the user half of bpf/latency.bpf.c: load it, and turn
 * its samples into REC_SCHED, REC_BLOCK and REC_HIST records.
 *
 * Used only by src/ebpf.c, whose reader thread is the one that reads.
 * Lifecycle: open -> (make the shared maps) -> load -> ring -> read ... ->
 * send_live -> free.  Opened and never loaded (the kernel engine without
 * latency), it has no ring and measures nothing, and each call does
 * nothing.  Nothing here prints.
 */
#ifndef COMPENDIUM_EBPF_LATENCY_H
#define COMPENDIUM_EBPF_LATENCY_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "record.h"

struct ebpf_shape;
struct ebpf_latency;           /* opaque */

/* Takes one finished record; false once nobody takes records any more. */
typedef bool ebpf_sink_fn(void *ctx, const struct rec_hdr *h);

/* Open the object: waits of at least threshold_us will be sent, the
 * kernel's BTF is read from btf_path (NULL: the default; must outlive the
 * loading).  NULL with errno set on failure. */
struct ebpf_latency *ebpf_latency_open(unsigned threshold_us, const char *btf_path);
/* Make maps as its tasks and drops maps are defined, for both objects to
 * share: 0 with the fds (owned by the caller), or -errno. */
int ebpf_latency_make_shared(struct ebpf_latency *l, int *tasks_fd, int *drops_fd);
/* Load and attach on the shared maps, for the tracepoint shapes s (copied):
 * the tp_btf programs unless force_raw, and the raw_tp twins when the
 * kernel refuses those (but not for -EPERM, which raw_tp would meet too).
 * 0 or -errno. */
int ebpf_latency_load(struct ebpf_latency *l, const struct ebpf_shape *s, bool force_raw,
		      int tasks_fd, int drops_fd);
/* True when the raw_tp programs are the ones loaded. */
bool ebpf_latency_raw(const struct ebpf_latency *l);
/* Give process pid an empty histogram (a process traced by --pid). */
int ebpf_latency_add_proc(struct ebpf_latency *l, pid_t pid);
/* Set up reading its ring: every record goes to sink(ctx).  0 or -errno. */
int ebpf_latency_ring(struct ebpf_latency *l, ebpf_sink_fn *sink, void *ctx);
/* An fd that polls readable when the ring has samples. */
int ebpf_latency_ring_fd(const struct ebpf_latency *l);
/* Turn every sample waiting in the ring into records, until the sink refuses one. */
void ebpf_latency_read(struct ebpf_latency *l);
/* At the end: the histograms of the traced processes still alive. */
void ebpf_latency_send_live(struct ebpf_latency *l);
/* Processes with a histogram, and tasks waiting to run, in the kernel now. */
void ebpf_latency_count(const struct ebpf_latency *l, size_t *procs, size_t *waiting);
/* Detach and unload (NULL is fine). */
void ebpf_latency_free(struct ebpf_latency *l);
#endif
