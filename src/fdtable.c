/* fdtable.c - file descriptor tables of traced processes.
 *
 * Pure data structure code: no system calls, no printing.  An fd number is
 * only trusted up to a sane bound, since it comes from a tracee.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fdtable.h"
#include "util.h"

#define FD_LIMIT (1 << 20)   /* the kernel's nr_open ceiling */

/* Drop one reference to o. */
static void fobj_unref(struct fobj *o)
{
	if (!o || --o->refs > 0)
		return;
	free(o->path);
	free(o->local);
	free(o->remote);
	free(o);
}

struct fdtable *fdtable_new(void)
{
	struct fdtable *t = xcalloc(1, sizeof(*t));

	t->refs = 1;
	return t;
}

struct fdtable *fdtable_copy(const struct fdtable *t)
{
	struct fdtable *c = fdtable_new();

	if (t->cap) {
		c->cap = t->cap;
		c->fd = xmemdup(t->fd, (size_t)t->cap * sizeof(*t->fd));
		for (int i = 0; i < c->cap; i++)
			if (c->fd[i])
				c->fd[i]->refs++;
	}
	return c;
}

struct fdtable *fdtable_ref(struct fdtable *t)
{
	t->refs++;
	return t;
}

void fdtable_unref(struct fdtable *t)
{
	if (!t || --t->refs > 0)
		return;
	for (int i = 0; i < t->cap; i++)
		fobj_unref(t->fd[i]);
	free(t->fd);
	free(t);
}

struct fobj *fdtable_get(const struct fdtable *t, int fd)
{
	return fd >= 0 && fd < t->cap ? t->fd[fd] : NULL;
}

/* Make room for fd; false when fd is out of range. */
static bool reserve(struct fdtable *t, int fd)
{
	int cap = t->cap ? t->cap : 16;

	if (fd < 0 || fd >= FD_LIMIT)
		return false;
	if (fd < t->cap)
		return true;
	while (cap <= fd)
		cap *= 2;
	t->fd = xreallocarray(t->fd, (size_t)cap, sizeof(*t->fd));
	memset(t->fd + t->cap, 0, (size_t)(cap - t->cap) * sizeof(*t->fd));
	t->cap = cap;
	return true;
}

void fdtable_install(struct fdtable *t, int fd, struct fobj *o)
{
	if (!reserve(t, fd))
		return;
	o->refs++;
	fobj_unref(t->fd[fd]);
	t->fd[fd] = o;
}

int fdtable_mode(int oflags)
{
	switch (oflags & O_ACCMODE) {
	case O_RDONLY: return FM_READ;
	case O_WRONLY: return FM_WRITE;
	default: return FM_READ | FM_WRITE;
	}
}

struct fobj *fdtable_open(struct fdtable *t, int fd, int kind, const char *path, int oflags)
{
	struct fobj *o;

	if (!reserve(t, fd))
		return NULL;
	o = xcalloc(1, sizeof(*o));
	o->kind = (uint8_t)kind;
	o->mode = (uint8_t)fdtable_mode(oflags);
	o->path = xstrdup(path ? path : "");
	fdtable_install(t, fd, o);
	return o;
}

bool fdtable_close(struct fdtable *t, int fd)
{
	if (fd < 0 || fd >= t->cap || !t->fd[fd])
		return false;
	fobj_unref(t->fd[fd]);
	t->fd[fd] = NULL;
	return true;
}

void fdtable_close_range(struct fdtable *t, unsigned first, unsigned last)
{
	for (unsigned i = first; i <= last && i < (unsigned)t->cap; i++)
		fdtable_close(t, (int)i);
}

bool fdtable_dup(struct fdtable *t, int oldfd, int newfd)
{
	struct fobj *o = fdtable_get(t, oldfd);

	if (!o)
		return false;
	if (oldfd != newfd)
		fdtable_install(t, newfd, o);
	return true;
}

/* qsort comparator for fd numbers. */
static int cmp_fd(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

void fdtable_keep(struct fdtable *t, const int32_t *fds, int n)
{
	int32_t *sorted = xmemdup(fds, (size_t)(n > 0 ? n : 0) * sizeof(*fds));

	if (n > 0)
		qsort(sorted, (size_t)n, sizeof(*sorted), cmp_fd);
	for (int i = 0; i < t->cap; i++) {
		int32_t fd = i;

		if (t->fd[i] && (n <= 0 || !bsearch(&fd, sorted, (size_t)n, sizeof(fd), cmp_fd)))
			fdtable_close(t, i);
	}
	free(sorted);
}

const char *fdtable_path(const struct fdtable *t, int fd)
{
	struct fobj *o = fdtable_get(t, fd);

	return o ? o->path : NULL;
}

int fdtable_count(const struct fdtable *t)
{
	int n = 0;

	for (int i = 0; i < t->cap; i++)
		n += t->fd[i] != NULL;
	return n;
}
