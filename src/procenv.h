/* procenv.h - what a program started with: the details of an exec.
 *
 * From a REC_EXECINFO and the fd table after the exec, the model keeps one
 * struct execinfo per exec: the working directory, how the environment
 * differs from the one its process had before (its parent program's:
 * inherited through fork, or the previous program of the same process),
 * and the fds it inherited with what they are.  Environments are shared
 * (reference counted) between a process and the children it forks, so a
 * fork costs no copy.  Pure code: no system calls, no printing.
 */
#ifndef COMPENDIUM_PROCENV_H
#define COMPENDIUM_PROCENV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fdtable.h"
#include "record.h"

/* An environment: NUL-terminated "NAME=value" strings. */
struct envblob;

/* One difference of an environment from the one before. */
struct envchange {
	char op;                 /* '+' added, '-' removed, '~' changed */
	char *var;               /* "NAME=value" (the new one; removed: the old) */
	char *old;               /* '~': the old "NAME=value"; else NULL */
};

/* One fd a program inherited. */
struct execfd {
	int fd;
	uint8_t kind;            /* enum fd_kind */
	char *path;              /* its path or link text ("pipe:[12]"), or NULL */
	char *local, *remote;    /* a socket's addresses, or NULL */
};

struct execinfo {
	int pid;
	uint64_t ts;             /* the exec's time, ns since start */
	char *cwd;               /* NULL: not known */
	uint32_t flags;          /* EXECINFO_* of the record */
	size_t nvars;            /* variables in the new environment */
	bool has_parent;         /* the environment before it is known */
	struct envchange *changes;
	size_t nchanges;
	bool fds_known;          /* the fd table after the exec has been seen */
	struct execfd *fds;
	size_t nfds;
};

/* An environment from a blob of len bytes. */
struct envblob *procenv_env_new(const char *blob, size_t len);
/* One more owner of e (NULL stays NULL). */
struct envblob *procenv_env_ref(struct envblob *e);
/* One owner less (NULL: nothing). */
void procenv_env_unref(struct envblob *e);

/* The details of an exec at ts (ns since start) of process pid from its
 * REC_EXECINFO payload x; before is the environment the process had (NULL:
 * not known).  The new environment goes to *env (one reference, the
 * caller's); the details keep only copies of what changed. */
struct execinfo *procenv_exec(int pid, uint64_t ts, const struct rec_execinfo *x,
			      const struct envblob *before, struct envblob **env);
/* Take the fds of t (the table right after the exec) into ei. */
void procenv_fds(struct execinfo *ei, const struct fdtable *t);
void procenv_free(struct execinfo *ei);
#endif
