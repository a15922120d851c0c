/* kstack.h - the stacks the kernel copied (--stack with --engine kernel or
 * --ebpf) unwound into REC_STACK records.
 *
 * The kernel sends a task's registers and the top of its stack
 * (bpf/stack.bpf.h); src/ebpf_ioacct.c hands each such sample here, on the
 * thread that drains the kernel's ring, and also tells what the process
 * opened, mapped and exec'd, as perf follows mmap events: by the time a
 * sample is read the process may be gone or run another program, so its
 * modules are known from those (the program, its interpreter, and every
 * file mapped from its start), and from /proc/PID/maps only for a process
 * whose exec was not seen.  One thread only.
 */
#ifndef COMPENDIUM_KSTACK_H
#define COMPENDIUM_KSTACK_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "record.h"

struct kstack;
struct ioacct_stack;

struct kstack *kstack_new(void);
void kstack_free(struct kstack *k);
/* Process pid now runs exe (len bytes, no NUL): what it mapped is forgotten. */
void kstack_exec(struct kstack *k, pid_t pid, const char *exe, size_t len);
/* Process parent forked child: the child has its parent's modules and fds. */
void kstack_fork(struct kstack *k, pid_t parent, pid_t child);
/* Process pid opened path (len bytes) as fd. */
void kstack_opened(struct kstack *k, pid_t pid, int fd, const char *path, size_t len);
/* A successful mmap (args as the call had them, ret its address), munmap or mremap. */
void kstack_mem_call(struct kstack *k, pid_t pid, long nr, const uint64_t *args, int64_t ret);
/* The process ended: forget it. */
void kstack_gone(struct kstack *k, pid_t pid);
/* Unwind an IOACCT_STACK sample of size bytes into its REC_STACK in b;
 * 0, or -EINVAL for a sample too short, -ENOENT for one that cannot be
 * unwound right (an exec's, of a process whose program is not known). */
int kstack_record(struct kstack *k, const struct ioacct_stack *e, size_t size, struct recbuf *b);
#endif
