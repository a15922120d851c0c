/* pathwalk.h - the path of a directory the kernel will not name.
 *
 * readlink of /proc/PID/fd/N or /proc/PID/cwd fails with ENAMETOOLONG when
 * the path does not fit in a page.  The tracer then walks up from the
 * directory through "..", naming each step by the entry of its parent that
 * is that directory (what getcwd did before the kernel had a call for it).
 * It runs while a tracee is stopped: no allocation, fds closed before it
 * returns.
 */
#ifndef COMPENDIUM_PATHWALK_H
#define COMPENDIUM_PATHWALK_H
#include <stddef.h>

#include "record.h"

#define PATHWALK_MIN (REC_PATH_MAX + REC_PATH_CUT_LEN + 1)   /* smallest buffer */

/* The absolute path of directory dirfd (< 0: unknown), then tail (tlen
 * bytes: "" or "/name...", at most REC_PATH_MAX), written to buf (cap >=
 * PATHWALK_MIN) NUL-terminated and cut as records carry paths (REC_PATH_CUT
 * then the last components that fit, also when the walk cannot reach the
 * root).  Returns its length. */
size_t pathwalk_name(int dirfd, const char *tail, size_t tlen, char *buf, size_t cap);
#endif
