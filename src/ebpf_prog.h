/* ebpf_prog.h - what the loaders of the two BPF objects (src/ebpf_latency.c,
 * src/ebpf_ioacct.c) share: the shapes of the kernel's tracepoints, read
 * from its BTF (never from uname), and the choice of which of an object's
 * programs to load.  Used only by src/ebpf*.c.
 */
#ifndef COMPENDIUM_EBPF_PROG_H
#define COMPENDIUM_EBPF_PROG_H
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bpf_map;
struct bpf_object;
struct btf;
struct kbtf;

/* Which tracepoint shapes this kernel has. */
struct ebpf_shape {
	bool prev_state;     /* sched_switch passes prev's state (5.18+) */
	bool rq_queue;       /* block_rq_* pass the queue first (before 5.11) */
	bool block;          /* the block_rq_* tracepoints latency needs exist */
	bool io_start;       /* block_io_start exists (6.5+) */
	bool engine;         /* (not read: asked for) load the kernel engine's programs */
	bool tasks_only;     /* (not read: asked for) the engine without latency: ioacct
				keeps the traced tasks itself, latency is not loaded */
	unsigned stack;      /* (not read: asked for) enum stack_pick: ioacct copies
				the user stacks of the calls it picks (--stack) */
};

/* Is the kernel's BTF at path readable?  0, or -ESRCH with a one-sentence
 * reason in why. */
int ebpf_prog_check_btf(const char *path, char *why, size_t whylen);
/* Read the tracepoint shapes from the kernel's BTF at path: 0, or -ESRCH
 * with a one-sentence reason in why. */
int ebpf_prog_read_shape(const char *path, struct ebpf_shape *s, char *why, size_t whylen);
/* Load only the tp_btf or only the raw_tp programs of obj (raw), no block
 * ones without s->block, and the owner of a block request from
 * block_io_start where the kernel has it, else from block_rq_insert. */
void ebpf_prog_choose(struct bpf_object *obj, bool raw, const struct ebpf_shape *s);
/* Up to cap (tid, process) pairs of a map of tasks: keyed by a __u32 tid,
 * its values vsize bytes (at most 32) that start with a __u32 tgid and a
 * __u32 of flags, only those with every flag of want.  Read in batches
 * (one bpf_map_get_next_key walk can lose its place while tasks come and
 * go), so thousands of forking tasks are all seen.  How many, or -1 when
 * the kernel cannot (ENOSPC too: a bucket larger than the room). */
ssize_t ebpf_prog_tasks(int fd, size_t vsize, uint32_t want, pid_t *tids, pid_t *tgids,
			size_t cap);
/* Make a map as m is defined, for two objects to share: its fd, or -errno. */
int ebpf_prog_map_like(const struct bpf_map *m);
/* Make every map of obj not given one yet (ebpf_prog_map_like; an
 * internal one filled with its initial value, frozen if read-only), for
 * obj and another object of the same source to share: 0, or -errno (then
 * the load makes those left, as it would). */
int ebpf_prog_make_maps(struct bpf_object *obj);

/* The slice of the kernel's BTF an object's CO-RE relocations read
 * (src/btfslice.h), made by one thread while the loading thread opens the
 * object and parses the kernel's BTF for its tp_btf programs: the loader
 * names path as its custom BTF when it opens, and waits for the slice
 * before it loads. */
struct ebpf_core {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int err;              /* once done: 0 when the memfd holds the slice */
	int fd;               /* the memfd */
	char path[40];        /* /proc/self/fd/N */
};

/* Make the memfd the slice will be written to: 0, or -errno (then there
 * is nothing to release). */
int ebpf_prog_core_init(struct ebpf_core *c);
/* Parse the kernel's BTF (at btf_path, or the running kernel's), cut the
 * slice for the nlocal object BTFs in local, write it, and say it is done
 * (even when it failed). */
void ebpf_prog_core_make(struct ebpf_core *c, const char *btf_path,
			 const struct btf *const *local, int nlocal);
/* Wait until ebpf_prog_core_make is done: 0 when the slice is there to use. */
int ebpf_prog_core_wait(struct ebpf_core *c);
void ebpf_prog_core_release(struct ebpf_core *c);
/* The running kernel's BTF (/sys/kernel/btf/vmlinux) read in place, once
 * for the process: NULL with errno where it cannot be read. */
const struct kbtf *ebpf_prog_kernel_btf(void);
/* Before any object is opened: libbpf is to find a tp_btf program's target
 * in the kernel's BTF read in place (ebpf_prog_kernel_btf) rather than
 * parse all of it. */
void ebpf_prog_init(void);
/* Before obj's load: libbpf is not to parse the kernel's BTF for obj's
 * tp_btf programs (ebpf_prog_init has it find their targets). */
void ebpf_prog_skip_vmlinux(struct bpf_object *obj);
#endif
