/* execinfo.c - what a new program started with, learnt from /proc, as a
 * REC_EXECINFO: its working directory and its environment.
 *
 * Used by the ptrace tracer while the program is held at its exec stop, so
 * what it reads is what the program starts with (the kernel engine takes
 * the same in the kernel, bpf/engine.bpf.h).  It reads only /proc.
 */
#include "config.h"

#include <limits.h>

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
