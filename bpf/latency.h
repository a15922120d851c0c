/* latency.h - what latency.bpf.c sends to user space, and the map layouts
 * user space reads or fills.
 *
 * Included by the BPF program, by its loader (src/ebpf_latency.c) and by
 * the reader (src/ebpf.c), so everything here is flat, fixed-size and
 * pointer-free: the kernel writes it, user space reads the same bytes.
 * Change a struct here and both sides change together.
 */
#ifndef COMPENDIUM_LATENCY_H
#define COMPENDIUM_LATENCY_H

#ifndef COMPENDIUM_VMLINUX_H
#include <linux/types.h>
#endif

#define LAT_SLOTS 32             /* log2 histogram slots, as struct rec_hist */
#define LAT_MAX_PROCS 8192       /* traced processes with a histogram at once */
#define LAT_MAX_REQS 8192        /* block requests in flight at once */
#define LAT_RINGBUF_BYTES (1u << 20)
#define LAT_READ_MS 20           /* the reader looks at its ring (and drops) this often */

/* What a ring-buffer sample is; every sample starts with a __u32 kind. */
enum lat_kind {
	LAT_SCHED = 1,           /* struct lat_event: a task waited to run */
	LAT_BLOCK = 2,           /* struct lat_event: a block request completed */
	LAT_HIST = 3,            /* struct lat_hist: a process's histogram */
};

/* Why a task was waiting to run (as rec_sched.reason). */
enum lat_reason { LAT_WOKEN = 0, LAT_WOKEN_NEW = 1, LAT_PREEMPTED = 2 };

/* Which histogram (as rec_hist.kind). */
enum lat_hist_kind { LAT_HIST_SCHED = 1, LAT_HIST_BLOCK = 2 };

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

#endif /* COMPENDIUM_LATENCY_H */
