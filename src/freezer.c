/* freezer.c - a cgroup2 group whose cgroup.freeze holds the traced command
 * back (see freezer.h).
 *
 * Only files under the group are written, and only the group this file
 * made is ever frozen or removed: never the tracer's own group.  A hold
 * is a bit in a mask; the mask and the file change together under one
 * mutex, so two threads cannot leave the group frozen with no hold.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "freezer.h"
#include "util.h"

struct freezer {
	char dir[PATH_MAX];        /* the group */
	char parent[PATH_MAX];     /* where it was made (our own group) */
	int freeze_fd;             /* its cgroup.freeze */
	int dir_fd;                /* the group's directory (for clone3), or -1 */
	pid_t placed;              /* the process freezer_fork made in the group */
	pthread_mutex_t lock;
	unsigned held;             /* enum freezer_holder bits */
	bool frozen;               /* what cgroup.freeze says, as last written */
	uint64_t freezes, frozen_ns, frozen_at;
};

/* Undo the \ooo escapes /proc/self/mounts writes in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = 0;
}

/* Where cgroup2 is mounted (the first mount of it); -ENOENT if nowhere. */
static int cgroup2_mount(char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	char line[4096], dev[1024], dir[PATH_MAX], type[64];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f))
		if (sscanf(line, "%1023s %4095s %63s", dev, dir, type) == 3 &&
		    strcmp(type, "cgroup2") == 0) {
			unescape(dir);
			err = snprintf(out, cap, "%s", dir) < (int)cap ? 0 : -ENAMETOOLONG;
		}
	fclose(f);
	return err;
}

/* Our own group on the cgroup2 hierarchy ("0::/path" in /proc/self/cgroup). */
static int own_group(char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[PATH_MAX + 16];
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (err && fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = 0;
			err = snprintf(out, cap, "%s", line + 3) < (int)cap ? 0 : -ENAMETOOLONG;
		}
	fclose(f);
	return err;
}

/* Write text to file name of directory dir. */
static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 32];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Remove the groups of tracers that died without removing theirs (killed):
 * compendium-tui.PID beside ours with no process PID.  A group that still
 * holds a task cannot be removed, so nothing alive is touched. */
static void remove_stale(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	char path[PATH_MAX + 300];
	int pid;

	if (!d)
		return;
	while ((e = readdir(d)))
		if (sscanf(e->d_name, "compendium-tui.%d", &pid) == 1 && pid > 0 &&
		    kill(pid, 0) < 0 && errno == ESRCH) {
			snprintf(path, sizeof(path), "%s/%s", parent, e->d_name);
			rmdir(path);
		}
	closedir(d);
}

/* Make the group's directory under ours; fills f->dir and f->parent. */
static int make_group(struct freezer *f)
{
	char mnt[PATH_MAX], own[PATH_MAX];
	int err = cgroup2_mount(mnt, sizeof(mnt));

	if (!err)
		err = own_group(own, sizeof(own));
	if (err)
		return err;
	if (strcmp(own, "/") == 0)
		own[0] = 0;
	if (snprintf(f->parent, sizeof(f->parent), "%s%s", mnt, own) >= (int)sizeof(f->parent) ||
	    snprintf(f->dir, sizeof(f->dir), "%s/compendium-tui.%d", f->parent, (int)getpid()) >=
	    (int)sizeof(f->dir))
		return -ENAMETOOLONG;
	remove_stale(f->parent);
	if (mkdir(f->dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int freezer_new(struct freezer **out)
{
	struct freezer *f = xcalloc(1, sizeof(*f));
	char path[PATH_MAX + 32];
	int err = make_group(f);

	*out = NULL;
	if (err) {
		free(f);
		return err;
	}
	snprintf(path, sizeof(path), "%s/cgroup.freeze", f->dir);
	f->freeze_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (f->freeze_fd < 0) {
		err = errno == ENOENT ? -ENOENT : -errno;   /* ENOENT: a kernel before 5.2 */
		rmdir(f->dir);
		free(f);
		return err;
	}
	f->dir_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	pthread_mutex_init(&f->lock, NULL);
	*out = f;
	return 0;
}

/* clone3's arguments (linux/sched.h's struct clone_args, which clashes
 * with glibc's sched.h), up to cgroup (Linux 5.7). */
struct clone_args_cg {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};

#define CLONE_INTO_CGROUP_ 0x200000000ULL

pid_t freezer_fork(struct freezer *f)
{
	struct clone_args_cg a = { .flags = CLONE_INTO_CGROUP_, .exit_signal = SIGCHLD,
				   .cgroup = (uint64_t)f->dir_fd };
	long pid = f->dir_fd >= 0 ? syscall(SYS_clone3, &a, sizeof(a)) : -1;

	if (pid < 0)
		return fork();   /* no clone3 into a group (before 5.7): fork, then move */
	if (pid > 0)
		f->placed = (pid_t)pid;
	return (pid_t)pid;
}

int freezer_add(struct freezer *f, pid_t pid)
{
	char text[24];

	if (pid == f->placed)
		return 0;   /* born in the group */
	snprintf(text, sizeof(text), "%d", (int)pid);
	return write_file(f->dir, "cgroup.procs", text);
}

/* Freeze or thaw to match f->held (lock held).  A write a signal cut
 * short is tried again, and one that failed is tried again at the next
 * hold or release: the group must never stay frozen with no hold. */
static void apply(struct freezer *f)
{
	bool want = f->held != 0;
	uint64_t now;
	ssize_t n;

	if (want == f->frozen)
		return;
	do
		n = pwrite(f->freeze_fd, want ? "1" : "0", 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return;   /* (the group is gone: nothing left to hold back) */
	f->frozen = want;
	now = util_now_ns();
	if (want) {
		f->freezes++;
		f->frozen_at = now;
	} else {
		f->frozen_ns += now - f->frozen_at;
	}
}

void freezer_hold(struct freezer *f, enum freezer_holder who)
{
	pthread_mutex_lock(&f->lock);
	f->held |= (unsigned)who;
	apply(f);
	pthread_mutex_unlock(&f->lock);
}

void freezer_release(struct freezer *f, enum freezer_holder who)
{
	pthread_mutex_lock(&f->lock);
	f->held &= ~(unsigned)who;
	apply(f);
	pthread_mutex_unlock(&f->lock);
}

int freezer_kill(struct freezer *f)
{
	return write_file(f->dir, "cgroup.kill", "1");
}

void freezer_read_stats(struct freezer *f, struct freezer_stats *st)
{
	pthread_mutex_lock(&f->lock);
	st->freezes = f->freezes;
	st->frozen_ns = f->frozen_ns + (f->frozen ? util_now_ns() - f->frozen_at : 0);
	pthread_mutex_unlock(&f->lock);
}

/* Move every process still in the group to the parent group. */
static void empty_group(struct freezer *f)
{
	char path[PATH_MAX + 32], line[32];
	FILE *in;

	snprintf(path, sizeof(path), "%s/cgroup.procs", f->dir);
	in = fopen(path, "re");
	if (!in)
		return;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = 0;
		write_file(f->parent, "cgroup.procs", line);
	}
	fclose(in);
}

void freezer_free(struct freezer *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->held = 0;
	apply(f);
	pthread_mutex_unlock(&f->lock);
	close(f->freeze_fd);
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	if (rmdir(f->dir) < 0 && errno == EBUSY) {
		empty_group(f);
		rmdir(f->dir);
	}
	pthread_mutex_destroy(&f->lock);
	free(f);
}
