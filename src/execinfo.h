/* execinfo.h - what a new program started with, from /proc (src/execinfo.c). */
#ifndef COMPENDIUM_EXECINFO_H
#define COMPENDIUM_EXECINFO_H

#include <stdint.h>
#include <sys/types.h>

#include "record.h"

/* Build into rb (rec_begin: the caller finishes and sends it) the
 * REC_EXECINFO of process tgid, held at its exec at exec_ts: its working
 * directory and environment as /proc shows them. */
void execinfo_record(struct recbuf *rb, uint64_t exec_ts, pid_t tid, pid_t tgid);

/* An exec of a script (a "#!" file): the kernel runs its interpreter, with
 * the interpreter's path and argument, then the script's name, in place of
 * argv[0].  Name the exec as the caller did, as strace shows the execve:
 * in out (cap bytes) the script's real path, and the argv blob (NUL-
 * separated, *argv_len bytes, room for argv_cap) rewritten to argv0 (NULL:
 * filename) then the arguments after the script's name.  filename is what
 * the exec was given, path the same made absolute, exe the program the
 * kernel runs.  Returns out's length, or 0 (nothing changed) when this
 * was no script's exec (path is exe itself, or argv does not name it). */
size_t exec_as_called(const char *filename, const char *path, const char *argv0,
		      const char *exe, char *argv, size_t *argv_len, size_t argv_cap,
		      char *out, size_t cap);

#endif /* COMPENDIUM_EXECINFO_H */
