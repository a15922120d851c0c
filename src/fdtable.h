/* fdtable.h - file descriptor tables of traced processes.
 *
 * A table maps fd numbers to open file objects.  Tables are shared by tasks
 * created with CLONE_FILES (reference counted) and copied on fork; objects
 * are shared by every fd that dup'd or inherited them, so bytes moved
 * through any of those fds reach the same file or connection.  Small fd
 * numbers live in an array, larger ones in a hash map, so a table costs
 * what it holds whatever the fd numbers are (a tracee may open fd 1048575).
 */
#ifndef COMPENDIUM_FDTABLE_H
#define COMPENDIUM_FDTABLE_H
#include <stdbool.h>
#include <stdint.h>

#include "hmap.h"

/* fds below this live in the array (at most this many slots), the rest in
 * the map: a process with a few high fds (a shell's 255, a job runner's
 * pipe) costs its children a few map entries, not a long array each. */
#define FDTABLE_DENSE 64

struct fileagg;
struct conn;

/* An open file description as far as we know it. */
struct fobj {
	int refs;              /* fds (in any table) that refer to it */
	uint8_t kind;          /* enum fd_kind */
	uint8_t mode;          /* FM_READ | FM_WRITE from the open flags */
	char *path;            /* canonical path, or link text ("pipe:[..]") */
	char *local, *remote;  /* socket addresses as text, or NULL */
	struct fileagg *agg;   /* regular files: per-path totals (model owned) */
	struct conn *conn;     /* inet sockets: current connection (model owned) */
	uint64_t rd, wr;       /* bytes through this description */
	uint64_t ino;          /* its inode and device (major << 20 | minor), */
	uint32_t dev;          /* 0 when unknown */
	void *dns;             /* a DNS reply over TCP being put together (the
				  model's; freed with the object) */
};

enum { FM_READ = 1, FM_WRITE = 2 };

struct fdtable {
	int refs;              /* tasks using this table */
	int cap;               /* slots in fd[], at most FDTABLE_DENSE */
	struct fobj **fd;      /* fds below cap */
	struct imap big;       /* fd >= FDTABLE_DENSE -> struct fobj */
};

/* New empty table with one reference. */
struct fdtable *fdtable_new(void);
/* Private copy of t (fork without CLONE_FILES); objects are shared. */
struct fdtable *fdtable_copy(const struct fdtable *t);
/* One more task uses t (CLONE_FILES). */
struct fdtable *fdtable_ref(struct fdtable *t);
/* A task stops using t; frees it with the last reference. */
void fdtable_unref(struct fdtable *t);
/* Object behind fd, or NULL. */
struct fobj *fdtable_get(const struct fdtable *t, int fd);
/* New object of kind at fd (closing what was there); path is copied.
 * NULL for a negative fd (any other int is a possible fd number). */
struct fobj *fdtable_open(struct fdtable *t, int fd, int kind, const char *path, int oflags);
/* Make fd refer to o (closing what was there). */
void fdtable_install(struct fdtable *t, int fd, struct fobj *o);
/* Close fd; returns false when it was not open. */
bool fdtable_close(struct fdtable *t, int fd);
/* Close every fd in [first, last] (in time bound by the open fds, not the range). */
void fdtable_close_range(struct fdtable *t, unsigned first, unsigned last);
/* newfd refers to what oldfd does (dup2 semantics); false if oldfd unknown. */
bool fdtable_dup(struct fdtable *t, int oldfd, int newfd);
/* Keep only the fds listed (sorted or not); close the rest. */
void fdtable_keep(struct fdtable *t, const int32_t *fds, int n);
/* A rename of from to to: the files and directories open in t at from, or
 * under it, take the new name (their per-path totals, agg, start again
 * under it). */
void fdtable_rename(struct fdtable *t, const char *from, const char *to);
/* Path of the object at fd, or NULL. */
const char *fdtable_path(const struct fdtable *t, int fd);
/* Number of open fds. */
int fdtable_count(const struct fdtable *t);
/* Access mode bits (FM_*) of open(2) flags. */
int fdtable_mode(int oflags);
#endif
