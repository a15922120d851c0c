/* spill.c - the file the event store moves its oldest events to.
 *
 * O_TMPFILE where the file system has it, else a mkstemp name unlinked at
 * once.  Short writes and reads are retried until they finish or fail, so
 * the store sees whole chunks or an error.  This file must never print or
 * keep state: the store owns the descriptor.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "spill.h"

/* The directory spill files go to: dir, else $TMPDIR, else /tmp. */
const char *spill_dir(const char *dir)
{
	const char *t = getenv("TMPDIR");

	if (dir && *dir)
		return dir;
	return t && *t ? t : "/tmp";
}

/* A mkstemp file in dir, unlinked at once; fd or -errno. */
static int open_named(const char *dir)
{
	char path[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/compendium-spill.XXXXXX", dir) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unlink(path);
	return fd;
}

/* Open a new unlinked spill file in dir (NULL: spill_dir); fd or -errno. */
int spill_open(const char *dir)
{
	int fd;

	dir = spill_dir(dir);
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -errno;
	return open_named(dir);
}

/* Write len bytes at off; 0 or -errno (-ENOSPC for a short write). */
int spill_write(int fd, const void *buf, size_t len, off_t off)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

/* Read len bytes at off; 0 or -errno (-EIO for a short read). */
int spill_read(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}
