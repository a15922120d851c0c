/* shared.h - what latency.bpf.c and ioacct.bpf.c share: the map of traced
 * tasks and the drop counters, as the kernel fills them and user space
 * reads them (src/ebpf.c makes both maps and hands them to both objects).
 *
 * Included by the BPF programs (through shared.bpf.h) and by src/ebpf.c,
 * so everything here is flat, fixed-size and pointer-free.
 */
#ifndef COMPENDIUM_SHARED_H
#define COMPENDIUM_SHARED_H

#ifndef COMPENDIUM_VMLINUX_H
#include <linux/types.h>
#endif

#define TASKS_MAX 16384          /* traced (and followed) tasks at once */

/* tasks map value flags. */
enum task_flag {
	TASK_F_TRACED = 1,       /* measure it and follow its children */
	TASK_F_FOLLOW = 2,       /* do not measure it; its new processes are traced */
};

/* Key: tid.  A task the programs look at. */
struct task_entry {
	__u32 tgid;
	__u32 flags;             /* enum task_flag */
};

/* Per-CPU counters of measurements lost (index into the drops map). */
enum drop_reason {
	DROP_RINGBUF = 0,        /* a ring buffer was full */
	DROP_MAPFULL = 1,        /* a map was full */
	DROP_UNSEEN = 2,         /* a task ran but sched_switch never said so, and
				    the kernel kept no run_delay to recover the wait */
	DROP_MAX = 3
};

#endif /* COMPENDIUM_SHARED_H */
