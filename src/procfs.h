/* procfs.h - small readers of /proc for the tracer and the attach checks.
 * Each returns 0 or a negative errno; none allocates on the hot path (the
 * walk of an attached process's descendants, once, does). */
#ifndef COMPENDIUM_PROCFS_H
#define COMPENDIUM_PROCFS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read /proc/TID/fd/FD's link into buf (NUL-terminated); returns length. */
ssize_t procfs_fd_link(pid_t tid, int fd, char *buf, size_t cap);
/* Open file status flags of TID's FD from /proc/TID/fdinfo/FD. */
int procfs_fd_flags(pid_t tid, int fd, uint32_t *flags);
/* List the open fds of TID (ascending) into fds; returns count (may exceed cap). */
int procfs_list_fds(pid_t tid, int *fds, int cap);
/* List the threads of process PID into tids; returns count (may exceed cap). */
int procfs_list_tasks(pid_t pid, pid_t *tids, int cap);
/* Read up to cap bytes of /proc/PID/cmdline; returns bytes read. */
ssize_t procfs_cmdline(pid_t pid, char *buf, size_t cap);
/* Its first REC_ARGV_MAX bytes into buf (room for REC_ARGV_MAX + 1);
 * returns their length (0 when it cannot be read), *cut whether there
 * were more. */
size_t procfs_argv(pid_t pid, char *buf, bool *cut);
/* Read up to cap bytes of /proc/PID/environ; returns bytes read. */
ssize_t procfs_environ(pid_t pid, char *buf, size_t cap);
/* readlink /proc/PID/exe; returns length. */
ssize_t procfs_exe(pid_t pid, char *buf, size_t cap);
/* Read /proc/PID/cwd link; returns length. */
ssize_t procfs_cwd(pid_t pid, char *buf, size_t cap);
/* Parse /proc/TID/syscall: nr (or -1 when running) and the six arguments. */
int procfs_syscall(pid_t tid, long *nr, uint64_t args[6]);
/* A numeric "Name:\tvalue" field of /proc/PID/status (Tgid, PPid, TracerPid). */
int procfs_status_field(pid_t pid, const char *name, long *value);
/* State letter of PID from /proc/PID/stat ('R', 'S', 'Z'...), 0 if unknown. */
int procfs_state(pid_t pid);
/* The CPU task TID runs or last ran on (/proc/TID/stat), -1 if unknown. */
int procfs_cpu(pid_t tid);
/* Call take for each live process descending from root, parents first,
 * once each, scanning /proc again until a scan finds none new (a process
 * started meanwhile by one taken is in the next scan).  Left out: skip,
 * its ancestors below root, and what descends from them. */
#define PROCFS_TREE_MAX 16384
typedef void procfs_take_fn(void *ctx, pid_t pid, pid_t ppid);
void procfs_each_descendant(pid_t root, pid_t skip, procfs_take_fn *take, void *ctx);
/* 1 when PID is a kernel thread, 0 when not. */
int procfs_is_kthread(pid_t pid);
#endif
