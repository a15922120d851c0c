/* fdtable.c - file descriptor tables of traced processes.
 *
 * Pure data structure code: no system calls, no printing.  fd numbers come
 * from tracees, so no cost may grow with an fd's value: fds below
 * FDTABLE_DENSE sit in an array, larger ones in a hash map, and every walk
 * goes over what is open, never over a range of numbers.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fdtable.h"
#include "record.h"
#include "util.h"

/* Drop one reference to o. */
static void fobj_unref(struct fobj *o)
{
	if (!o || --o->refs > 0)
		return;
	free(o->path);
	free(o->local);
	free(o->remote);
	free(o->dns);
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
	int used = t->cap;

	while (used > 0 && !t->fd[used - 1])
		used--;
	if (used) {
		/* Only up to the highest open fd: a copy outlives its parent's
		 * high-water mark (forks of a process that once had many fds). */
		c->cap = used < 16 ? 16 : used;
		c->fd = xcalloc((size_t)c->cap, sizeof(*c->fd));
		memcpy(c->fd, t->fd, (size_t)used * sizeof(*t->fd));
		for (int i = 0; i < used; i++)
			if (c->fd[i])
				c->fd[i]->refs++;
	}
	for (size_t i = 0; i < t->big.cap; i++) {
		struct fobj *o = t->big.vals[i];
		if (o) {
			o->refs++;
			imap_put(&c->big, t->big.keys[i], o);
		}
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
	for (size_t i = 0; i < t->big.cap; i++)
		fobj_unref(t->big.vals[i]);
	free(t->fd);
	imap_release(&t->big);
	free(t);
}

struct fobj *fdtable_get(const struct fdtable *t, int fd)
{
	if (fd < 0)
		return NULL;
	if (fd < FDTABLE_DENSE)
		return fd < t->cap ? t->fd[fd] : NULL;
	return imap_get(&t->big, (uint64_t)fd);
}

/* Make room in the array for a small fd. */
static void reserve(struct fdtable *t, int fd)
{
	int cap = t->cap ? t->cap : 16;

	if (fd < t->cap)
		return;
	while (cap <= fd)
		cap *= 2;
	if (cap > FDTABLE_DENSE)   /* a copy's array may start at any size */
		cap = FDTABLE_DENSE;
	t->fd = xreallocarray(t->fd, (size_t)cap, sizeof(*t->fd));
	memset(t->fd + t->cap, 0, (size_t)(cap - t->cap) * sizeof(*t->fd));
	t->cap = cap;
}

/* Put o (or NULL: nothing) at fd and return what was there. */
static struct fobj *slot_swap(struct fdtable *t, int fd, struct fobj *o)
{
	struct fobj *old;

	if (fd >= FDTABLE_DENSE) {
		if (!o)
			return imap_del(&t->big, (uint64_t)fd);
		old = imap_get(&t->big, (uint64_t)fd);
		imap_put(&t->big, (uint64_t)fd, o);
		return old;
	}
	if (!o && fd >= t->cap)
		return NULL;
	reserve(t, fd);
	old = t->fd[fd];
	t->fd[fd] = o;
	return old;
}

void fdtable_install(struct fdtable *t, int fd, struct fobj *o)
{
	if (fd < 0)
		return;
	o->refs++;
	fobj_unref(slot_swap(t, fd, o));
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

	if (fd < 0)
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
	struct fobj *o = fd < 0 ? NULL : slot_swap(t, fd, NULL);

	fobj_unref(o);
	return o != NULL;
}

/* The large fds open in t (in map order); *n of them; caller frees. */
static int *big_fds(const struct fdtable *t, size_t *n)
{
	int *v = xreallocarray(NULL, t->big.n + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < t->big.cap; i++)
		if (t->big.vals[i])
			v[(*n)++] = (int)t->big.keys[i];
	return v;
}

void fdtable_close_range(struct fdtable *t, unsigned first, unsigned last)
{
	size_t n;
	int *big;

	for (unsigned i = first; i <= last && i < (unsigned)t->cap; i++)
		fdtable_close(t, (int)i);
	if (!t->big.n || last < FDTABLE_DENSE)
		return;
	big = big_fds(t, &n);   /* closing moves map entries: list them first */
	for (size_t i = 0; i < n; i++)
		if ((unsigned)big[i] >= first && (unsigned)big[i] <= last)
			fdtable_close(t, big[i]);
	free(big);
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

/* Is fd among the n sorted fds? */
static bool listed(const int32_t *sorted, int n, int32_t fd)
{
	return n > 0 && bsearch(&fd, sorted, (size_t)n, sizeof(fd), cmp_fd) != NULL;
}

void fdtable_keep(struct fdtable *t, const int32_t *fds, int n)
{
	int32_t *sorted = xmemdup(fds, (size_t)(n > 0 ? n : 0) * sizeof(*fds));
	size_t nbig;
	int *big = big_fds(t, &nbig);

	if (n > 0)
		qsort(sorted, (size_t)n, sizeof(*sorted), cmp_fd);
	for (int i = 0; i < t->cap; i++)
		if (t->fd[i] && !listed(sorted, n, i))
			fdtable_close(t, i);
	for (size_t i = 0; i < nbig; i++)
		if (!listed(sorted, n, big[i]))
			fdtable_close(t, big[i]);
	free(big);
	free(sorted);
}

/* fdtable_rename for one object. */
static void rename_one(struct fobj *o, const char *from, size_t flen, const char *to)
{
	char *path;

	if (!o || (o->kind != FDK_FILE && o->kind != FDK_DIR) || strncmp(o->path, from, flen) != 0 ||
	    (o->path[flen] != '\0' && o->path[flen] != '/'))
		return;
	path = xmalloc(strlen(to) + strlen(o->path + flen) + 1);
	strcpy(stpcpy(path, to), o->path + flen);
	free(o->path);
	o->path = path;
	o->agg = NULL;
}

void fdtable_rename(struct fdtable *t, const char *from, const char *to)
{
	size_t flen = strlen(from), nbig;
	int *big = big_fds(t, &nbig);

	for (int i = 0; i < t->cap; i++)
		rename_one(t->fd[i], from, flen, to);
	for (size_t i = 0; i < nbig; i++)
		rename_one(fdtable_get(t, big[i]), from, flen, to);
	free(big);
}

const char *fdtable_path(const struct fdtable *t, int fd)
{
	struct fobj *o = fdtable_get(t, fd);

	return o ? o->path : NULL;
}

int fdtable_count(const struct fdtable *t)
{
	int n = (int)t->big.n;

	for (int i = 0; i < t->cap; i++)
		n += t->fd[i] != NULL;
	return n;
}
