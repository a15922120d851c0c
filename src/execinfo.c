/* execinfo.c - what a new program started with, learnt from /proc, as a
 * REC_EXECINFO: its working directory and its environment.
 *
 * Used by the ptrace tracer while the program is held at its exec stop, so
 * what it reads is what the program starts with (the kernel engine takes
 * the same in the kernel, bpf/engine.bpf.h).  It reads only /proc.
 * Also: a script's exec named as its caller named it (both engines).
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "execinfo.h"
#include "procfs.h"

/* Room for the environment: what a record holds beside the cwd. */
#define ENV_ROOM (REC_MAX - sizeof(struct rec_hdr) - sizeof(struct rec_execinfo) - PATH_MAX - 64)

/* REC_EXECINFO of pid now (static buffers: one engine thread calls it). */
void execinfo_record(struct recbuf *rb, uint64_t exec_ts, pid_t tid, pid_t tgid)
{
	static char cwd[PATH_MAX], env[ENV_ROOM + 1];
	struct rec_execinfo *x = rec_begin(rb, REC_EXECINFO, exec_ts, tid, tgid, sizeof(*x));
	ssize_t clen = procfs_cwd(tgid, cwd, sizeof(cwd));
	ssize_t elen = procfs_environ(tgid, env, sizeof(env));

	if (clen < 0)
		x->flags |= EXECINFO_NO_CWD;
	if (elen < 0)
		x->flags |= EXECINFO_NO_ENV;
	if (elen > (ssize_t)ENV_ROOM) {
		/* cut at the last whole variable */
		for (elen = (ssize_t)ENV_ROOM; elen > 0 && env[elen - 1] != '\0'; elen--)
			;
		x->flags |= EXECINFO_ENV_CUT;
	}
	x->cwd_len = (uint32_t)rec_blob(rb, cwd, clen > 0 ? (size_t)clen : 0);
	x->env_len = (uint32_t)rec_blob(rb, env, elen > 0 ? (size_t)elen : 0);
}

size_t exec_as_called(const char *filename, const char *path, const char *argv0,
		      const char *exe, char *argv, size_t *argv_len, size_t argv_cap,
		      char *out, size_t cap)
{
	char real[PATH_MAX];
	const char *p = path, *end = argv + *argv_len, *a, *rest = NULL;
	size_t n, a0, len;

	/* (an exec of an fd, /dev/fd/N: its name in argv is not the file's) */
	if (!*filename || !strncmp(filename, "/dev/fd/", 8) || !*path)
		return 0;
	if (realpath(path, real))
		p = real;
	if (!strcmp(p, exe) || (len = strlen(p)) >= cap)
		return 0;
	/* the script's name: the first argument after the interpreter's path
	 * that is filename (the interpreter's own argument comes before it) */
	for (a = memchr(argv, '\0', *argv_len); a && ++a < end; a = memchr(a, '\0', (size_t)(end - a))) {
		if (strnlen(a, (size_t)(end - a)) == (size_t)(end - a))
			return 0;   /* (cut short: no whole argument left) */
		if (!strcmp(a, filename)) {
			rest = a + strlen(a) + 1;
			break;
		}
	}
	if (!rest)
		return 0;
	if (!argv0)
		argv0 = filename;
	a0 = strlen(argv0) + 1;
	n = (size_t)(end - rest);
	if (a0 > argv_cap)
		return 0;
	if (n > argv_cap - a0)
		n = argv_cap - a0;   /* (cut, as the kernel's argv was) */
	memmove(argv + a0, rest, n);
	memcpy(argv, argv0, a0);
	*argv_len = a0 + n;
	memcpy(out, p, len + 1);
	return len;
}
