/* ebpf_prog.h - what the loaders of the two BPF objects (src/ebpf_latency.c,
 * src/ebpf_ioacct.c) share: the shapes of the kernel's tracepoints, read
 * from its BTF (never from uname), and the choice of which of an object's
 * programs to load.  Used only by src/ebpf*.c.
 */
#ifndef COMPENDIUM_EBPF_PROG_H
#define COMPENDIUM_EBPF_PROG_H
#include <stdbool.h>
#include <stddef.h>

struct bpf_map;
struct bpf_object;

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
/* Make a map as m is defined, for two objects to share: its fd, or -errno. */
int ebpf_prog_map_like(const struct bpf_map *m);
#endif
