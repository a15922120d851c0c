/* pathwalk.c - the path of a directory the kernel will not name.
 *
 * Walks up through ".." from a directory and finds each step's name in its
 * parent: by inode number first, then (a mount point, where the parent's
 * entry is the directory underneath) by stat of every subdirectory.  The
 * path is built backwards from the end of the caller's buffer and stops at
 * REC_PATH_MAX bytes, so what it keeps is the tail.  It never allocates,
 * since the tracer calls it while a tracee waits.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathwalk.h"

/* The text built so far is buf[pos..end); nothing goes before buf[low]. */
struct walk {
	char *buf;
	size_t pos, low;
};

/* Put "/name" in front of the text; false when it would not fit. */
static bool prepend(struct walk *w, const char *name, size_t n)
{
	if (w->pos < w->low + n + 1)
		return false;
	w->pos -= n + 1;
	w->buf[w->pos] = '/';
	memcpy(w->buf + w->pos + 1, name, n);
	return true;
}

/* Is name in directory dir the inode (dev, ino) of st? */
static bool is_entry(int dir, const char *name, const struct stat *st)
{
	struct stat e;

	return fstatat(dir, name, &e, AT_SYMLINK_NOFOLLOW) == 0 && e.st_dev == st->st_dev &&
	       e.st_ino == st->st_ino;
}

/* The name of the entry of directory dir that is st, or NULL (one pass); by_ino:
 * only entries with its inode number; else every directory. */
static const char *scan(int dir, const struct stat *st, bool by_ino, char *dents, size_t cap)
{
	ssize_t n;

	if (lseek(dir, 0, SEEK_SET) < 0)
		return NULL;
	while ((n = getdents64(dir, dents, cap)) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(void *)(dents + off);

			off += d->d_reclen;
			if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				continue;
			if (by_ino ? d->d_ino != st->st_ino
				   : d->d_type != DT_DIR && d->d_type != DT_UNKNOWN)
				continue;
			if (is_entry(dir, d->d_name, st))
				return d->d_name;
		}
	}
	return NULL;
}

/* Put the name the parent par gives the directory st in front of the
 * text; false when none is found or it does not fit. */
static bool name_step(struct walk *w, int par, const struct stat *ps, const struct stat *st)
{
	char dents[4096] __attribute__((aligned(8)));
	const char *name = NULL;

	if (ps->st_dev == st->st_dev)
		name = scan(par, st, true, dents, sizeof(dents));
	if (!name)
		name = scan(par, st, false, dents, sizeof(dents));
	return name && prepend(w, name, strlen(name));
}

/* Put the path of directory dir in front of the text, up to the root;
 * true when it got there. */
static bool walk_up(struct walk *w, int dir)
{
	struct stat st, ps;
	int cur = dir, par;
	bool whole = false;

	if (fstat(cur, &st) < 0)
		return false;
	for (;;) {
		par = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (par < 0 || fstat(par, &ps) < 0)
			break;
		if (ps.st_dev == st.st_dev && ps.st_ino == st.st_ino) {
			whole = true;   /* ".." of the root is the root */
			break;
		}
		if (!name_step(w, par, &ps, &st))
			break;
		if (cur != dir)
			close(cur);
		cur = par;
		st = ps;
	}
	if (par >= 0)
		close(par);
	if (cur != dir)
		close(cur);
	return whole;
}

size_t pathwalk_name(int dirfd, const char *tail, size_t tlen, char *buf, size_t cap)
{
	struct walk w = { buf, cap - 1 - tlen, cap - 1 - REC_PATH_MAX };
	bool whole = dirfd >= 0 && walk_up(&w, dirfd);
	size_t len;

	memcpy(buf + cap - 1 - tlen, tail, tlen);
	if (whole && w.pos == cap - 1)
		buf[--w.pos] = '/';   /* the root itself */
	if (!whole) {
		w.pos -= REC_PATH_CUT_LEN;
		memcpy(buf + w.pos, REC_PATH_CUT, REC_PATH_CUT_LEN);
	}
	len = cap - 1 - w.pos;
	memmove(buf, buf + w.pos, len);
	buf[len] = '\0';
	return len;
}
