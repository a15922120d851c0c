/* spill.h - the file the event store moves its oldest events to.
 *
 * One unlinked file per store in a directory (TMPDIR by default): nobody
 * else can open it and it disappears with the process, however that ends.
 * The store writes fixed-size chunks at offsets it chooses and reads them
 * back; this module is the store's only seam to the file system.
 */
#ifndef COMPENDIUM_SPILL_H
#define COMPENDIUM_SPILL_H
#include <stddef.h>
#include <sys/types.h>

/* The directory spill files go to: dir, else $TMPDIR, else /tmp. */
const char *spill_dir(const char *dir);
/* Open a new unlinked spill file in dir (NULL: spill_dir); fd or -errno. */
int spill_open(const char *dir);
/* Write len bytes at off; 0 or -errno (-ENOSPC for a short write). */
int spill_write(int fd, const void *buf, size_t len, off_t off);
/* Read len bytes at off; 0 or -errno (-EIO for a short read). */
int spill_read(int fd, void *buf, size_t len, off_t off);
#endif
