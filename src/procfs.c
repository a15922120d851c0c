/* procfs.c - small readers of /proc.
 *
 * The tracer calls these while a tracee is stopped, so they use fixed
 * buffers and raw open/read; they never allocate and never print.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hmap.h"
#include "procfs.h"
#include "record.h"
#include "util.h"

/* Read up to cap bytes of a /proc file into buf; returns length. */
static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, total = 0;

	if (fd < 0)
		return -errno;
	while ((size_t)total < cap) {
		n = read(fd, buf + total, cap - (size_t)total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		total += n;
	}
	close(fd);
	return total;
}

/* Read a small /proc file into buf (NUL-terminated); returns length. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	ssize_t n = read_file(path, buf, cap - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* readlink with NUL termination and a negative errno. */
static ssize_t link_read(const char *path, char *buf, size_t cap)
{
	ssize_t n = readlink(path, buf, cap - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

ssize_t procfs_fd_link(pid_t tid, int fd, char *buf, size_t cap)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)tid, fd);
	return link_read(path, buf, cap);
}

int procfs_fd_flags(pid_t tid, int fd, uint32_t *flags)
{
	char path[64], buf[512], *p;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	p = strstr(buf, "flags:");
	if (!p)
		return -EINVAL;
	*flags = (uint32_t)strtoul(p + 6, NULL, 8);
	return 0;
}

/* List numeric entries of a /proc directory; returns count. */
static int list_numeric(const char *path, int *out, int cap)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		char *end;
		long v = strtol(e->d_name, &end, 10);

		if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end)
			continue;
		if (n < cap)
			out[n] = (int)v;
		n++;
	}
	closedir(d);
	return n;
}

/* qsort comparator for ints. */
static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int procfs_list_fds(pid_t tid, int *fds, int cap)
{
	char path[64];
	int n;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)tid);
	n = list_numeric(path, fds, cap);
	if (n > 0)
		qsort(fds, (size_t)(n < cap ? n : cap), sizeof(int), cmp_int);
	return n;
}

int procfs_list_tasks(pid_t pid, pid_t *tids, int cap)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	return list_numeric(path, tids, cap);
}

ssize_t procfs_cmdline(pid_t pid, char *buf, size_t cap)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	return read_file(path, buf, cap);
}

size_t procfs_argv(pid_t pid, char *buf, bool *cut)
{
	ssize_t n = procfs_cmdline(pid, buf, REC_ARGV_MAX + 1);

	*cut = n > REC_ARGV_MAX;
	return n <= 0 ? 0 : *cut ? REC_ARGV_MAX : (size_t)n;
}

ssize_t procfs_environ(pid_t pid, char *buf, size_t cap)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	return read_file(path, buf, cap);
}

ssize_t procfs_exe(pid_t pid, char *buf, size_t cap)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	return link_read(path, buf, cap);
}

ssize_t procfs_cwd(pid_t pid, char *buf, size_t cap)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	return link_read(path, buf, cap);
}

int procfs_syscall(pid_t tid, long *nr, uint64_t args[6])
{
	char path[64], buf[512], *p, *end;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (strncmp(buf, "running", 7) == 0) {
		*nr = -1;
		return 0;
	}
	*nr = strtol(buf, &end, 10);
	if (end == buf)
		return -EINVAL;
	p = end;
	for (int i = 0; i < 6; i++) {
		args[i] = strtoull(p, &end, 16);
		p = end;
	}
	return 0;
}

int procfs_status_field(pid_t pid, const char *name, long *value)
{
	char path[64], buf[4096], *p;
	size_t len = strlen(name);
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	n = read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, len) == 0 && p[len] == ':') {
			*value = strtol(p + len + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

/* Field n (n >= 3: those after the command's name) of /proc/PID/stat read
 * into buf, or NULL. */
static const char *stat_field(pid_t pid, int n, char *buf, size_t cap)
{
	char path[64], *p;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, cap) < 0 || !(p = strrchr(buf, ')')))
		return NULL;
	for (field = 2; p && field < n; field++)
		p = strchr(p + 1, ' ');
	return p ? p + 1 : NULL;
}

/* The parent of pid (0 when unknown), and its state letter in *state. */
static pid_t stat_parent(pid_t pid, int *state)
{
	char buf[1024];
	const char *f = stat_field(pid, 3, buf, sizeof(buf));   /* state, ppid */

	*state = f ? *f : 0;
	return f && f[1] ? (pid_t)atoi(f + 2) : 0;
}

/* The live processes descending from root, parents before their children,
 * each with its parent in ppids, as procfs_each_descendant takes them.
 * Both arrays (cap entries) are the scan's scratch too; returns the count. */
static int descendants(pid_t root, pid_t skip, pid_t *pids, pid_t *ppids, int cap)
{
	int n = list_numeric("/proc", pids, cap), m = 0, out = 0, nup = 0, state;
	pid_t up[64];

	if (n < 0)
		return n;
	if (n > cap)
		n = cap;
	for (pid_t a = skip; a > 1 && a != root && nup < 64; a = stat_parent(a, &state))
		up[nup++] = a;   /* skip and its ancestors */
	for (int i = 0; i < n; i++) {   /* live processes, with their parents */
		pid_t parent = stat_parent(pids[i], &state);
		bool mine = false;

		for (int j = 0; j < nup && !mine; j++)
			mine = pids[i] == up[j];
		if (!parent || state == 'Z' || state == 'X' || pids[i] == root || mine)
			continue;
		ppids[m] = parent;
		pids[m++] = pids[i];
	}
	/* Parents first: the children of root, then those of each one moved. */
	for (int q = -1; q < out; q++) {
		pid_t parent = q < 0 ? root : pids[q];

		for (int i = out; i < m; i++) {
			pid_t c = pids[i], cp = ppids[i];

			if (cp != parent)
				continue;
			pids[i] = pids[out];
			ppids[i] = ppids[out];
			pids[out] = c;
			ppids[out++] = cp;
		}
	}
	return out;
}

void procfs_each_descendant(pid_t root, pid_t skip, procfs_take_fn *take, void *ctx)
{
	pid_t *pids = xcalloc(PROCFS_TREE_MAX, sizeof(*pids));
	pid_t *ppids = xcalloc(PROCFS_TREE_MAX, sizeof(*ppids));
	struct imap seen = { 0 };
	int fresh = 1;

	imap_put(&seen, (uint32_t)root, &seen);
	for (int round = 0; round < 100 && fresh; round++) {
		int n = descendants(root, skip, pids, ppids, PROCFS_TREE_MAX);

		fresh = 0;
		for (int i = 0; i < n; i++) {
			if (imap_get(&seen, (uint32_t)pids[i]) || !imap_get(&seen, (uint32_t)ppids[i]))
				continue;   /* done, or its parent went before it was taken */
			imap_put(&seen, (uint32_t)pids[i], &seen);
			fresh++;
			take(ctx, pids[i], ppids[i]);
		}
	}
	imap_release(&seen);
	free(pids);
	free(ppids);
}

int procfs_is_kthread(pid_t pid)
{
	char buf[1024];
	const char *f = stat_field(pid, 9, buf, sizeof(buf));   /* flags */

	if (!f)
		return -EINVAL;
	return (strtoul(f, NULL, 10) & 0x00200000) ? 1 : 0;   /* PF_KTHREAD */
}

int procfs_cpu(pid_t tid)
{
	char buf[1024];
	const char *f = stat_field(tid, 39, buf, sizeof(buf));   /* processor */

	return f && *f >= '0' && *f <= '9' ? atoi(f) : -1;
}

int procfs_state(pid_t pid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}
