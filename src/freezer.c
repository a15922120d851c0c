/* freezer.c - a cgroup2 group whose cgroup.freeze holds the traced command
 * back (see freezer.h).
 *
 * Only the group this file made is ever frozen or removed, never the
 * tracer's own group; processes are moved only between the two, and only
 * those the members function lists (or were moved in by us).  A hold is a
 * bit in a mask; the mask, the file and the moves change together under
 * one mutex, so two threads cannot leave the group frozen with no hold.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
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
	pid_t root;                /* the command (freezer_add), or 0 */
	int root_fd;               /* its pidfd (readable once it ended), or -1 */
	freezer_members_fn *members;
	const void *members_ctx;
	pid_t *tids, *tgids;       /* room for what members lists (FREEZER_MAX each) */
	pid_t *moved;              /* processes moved in since the group froze, sorted */
	size_t nmoved;
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
	f->root_fd = -1;
	pthread_mutex_init(&f->lock, NULL);
	*out = f;
	return 0;
}

void freezer_members(struct freezer *f, freezer_members_fn *fn, const void *ctx)
{
	pthread_mutex_lock(&f->lock);
	f->members = fn;
	f->members_ctx = ctx;
	pthread_mutex_unlock(&f->lock);
}

void freezer_add(struct freezer *f, pid_t pid)
{
	pthread_mutex_lock(&f->lock);
	f->root = pid;
	if (f->root_fd < 0)
		f->root_fd = (int)syscall(SYS_pidfd_open, pid, 0);
	pthread_mutex_unlock(&f->lock);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* Move process pid into group dir: 0, or -errno. */
static int move(const char *dir, pid_t pid)
{
	char text[24];

	snprintf(text, sizeof(text), "%d", (int)pid);
	return write_file(dir, "cgroup.procs", text);
}

/* Whether the command itself is still alive, so that its pid is its own
 * (a pid is reused only once reaped, after its pidfd turned readable). */
static bool root_alive(struct freezer *f)
{
	struct pollfd p = { f->root_fd, POLLIN, 0 };

	return f->root > 0 && f->root_fd >= 0 && poll(&p, 1, 0) == 0;
}

/* Move every process of the command not moved yet into the (frozen) group,
 * where it freezes (lock held).  Those forked while this runs are found at
 * the next sweep. */
static void gather(struct freezer *f)
{
	size_t n = 0, old = f->nmoved;

	if (!f->tids) {
		f->tids = xcalloc(FREEZER_MAX, sizeof(*f->tids));
		f->tgids = xcalloc(FREEZER_MAX + 1, sizeof(*f->tgids));
		f->moved = xcalloc(FREEZER_MAX + 1, sizeof(*f->moved));
	}
	if (f->members)
		n = f->members(f->members_ctx, f->tids, f->tgids, FREEZER_MAX);
	if (root_alive(f))
		f->tgids[n++] = f->root;
	qsort(f->tgids, n, sizeof(*f->tgids), cmp_pid);
	for (size_t i = 0; i < n && f->nmoved <= FREEZER_MAX; i++) {
		pid_t pid = f->tgids[i];

		if ((i == 0 || pid != f->tgids[i - 1]) && pid > 0 && pid != getpid() &&
		    !bsearch(&pid, f->moved, old, sizeof(*f->moved), cmp_pid) &&
		    move(f->dir, pid) == 0)
			f->moved[f->nmoved++] = pid;
	}
	qsort(f->moved, f->nmoved, sizeof(*f->moved), cmp_pid);
}

/* Move every process in the group back to the tracer's group, which thaws
 * it; those the group's processes were forking meanwhile too (lock held). */
static void scatter(struct freezer *f)
{
	char path[PATH_MAX + 32], line[32];
	bool any = true;
	FILE *in;

	snprintf(path, sizeof(path), "%s/cgroup.procs", f->dir);
	for (int round = 0; any && round < 4; round++) {
		if (!(in = fopen(path, "re")))
			break;
		any = false;
		while (fgets(line, sizeof(line), in))
			any = move(f->parent, (pid_t)atoi(line)) == 0 || any;
		fclose(in);
	}
	f->nmoved = 0;
}

/* Freeze or thaw to match f->held (lock held): frozen, the group takes in
 * every process of the command; thawed, it gives them all back.  A write
 * a signal cut short is tried again, and one that failed is tried again at
 * the next hold or release: the group must never stay frozen with no hold. */
static void apply(struct freezer *f)
{
	bool want = f->held != 0;
	ssize_t n;

	if (want == f->frozen) {
		if (want)
			gather(f);   /* (what was forked since) */
		return;
	}
	if (!want)
		scatter(f);
	do
		n = pwrite(f->freeze_fd, want ? "1" : "0", 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return;   /* (the group is gone: nothing left to hold back) */
	f->frozen = want;
	if (want) {
		f->freezes++;
		f->frozen_at = util_now_ns();
		gather(f);
	} else {
		f->frozen_ns += util_now_ns() - f->frozen_at;
	}
}

void freezer_hold(struct freezer *f, enum freezer_holder who)
{
	int e = errno;

	pthread_mutex_lock(&f->lock);
	f->held |= (unsigned)who;
	apply(f);
	pthread_mutex_unlock(&f->lock);
	errno = e;
}

void freezer_sweep(struct freezer *f)
{
	int e = errno;

	pthread_mutex_lock(&f->lock);
	if (f->frozen)
		gather(f);
	pthread_mutex_unlock(&f->lock);
	errno = e;
}

void freezer_release(struct freezer *f, enum freezer_holder who)
{
	int e = errno;

	pthread_mutex_lock(&f->lock);
	f->held &= ~(unsigned)who;
	apply(f);
	pthread_mutex_unlock(&f->lock);
	errno = e;
}

int freezer_kill(struct freezer *f)
{
	return write_file(f->dir, "cgroup.kill", "1");
}

bool freezer_held(struct freezer *f)
{
	bool held;

	pthread_mutex_lock(&f->lock);
	held = f->held != 0;
	pthread_mutex_unlock(&f->lock);
	return held;
}

void freezer_read_stats(struct freezer *f, struct freezer_stats *st)
{
	pthread_mutex_lock(&f->lock);
	st->freezes = f->freezes;
	st->frozen_ns = f->frozen_ns + (f->frozen ? util_now_ns() - f->frozen_at : 0);
	pthread_mutex_unlock(&f->lock);
}

void freezer_free(struct freezer *f)
{
	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->held = 0;
	apply(f);
	pthread_mutex_unlock(&f->lock);
	scatter(f);   /* (what is left: those a failed write left there) */
	close(f->freeze_fd);
	if (f->root_fd >= 0)
		close(f->root_fd);
	rmdir(f->dir);
	free(f->tids);
	free(f->tgids);
	free(f->moved);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
