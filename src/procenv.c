/* procenv.c - what a program started with: the details of an exec.
 *
 * An environment is kept as the record's blob plus a sorted index of its
 * variables, so the difference of two is one merge.  A variable set twice
 * counts as its first setting, as getenv(3) sees it.  Pure code: it must
 * never read /proc or print.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "procenv.h"
#include "util.h"

struct envblob {
	int refs;
	size_t n;                /* variables */
	const char **var;        /* sorted by name, into data */
	char data[];
};

/* Bytes of a variable's name ("NAME" of "NAME=value"; all of it without '='). */
static size_t name_len(const char *v)
{
	const char *eq = strchr(v, '=');

	return eq ? (size_t)(eq - v) : strlen(v);
}

/* Whether variables a and b have the same name. */
static int name_cmp(const char *a, const char *b)
{
	size_t la = name_len(a), lb = name_len(b);
	int c = memcmp(a, b, la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* Order of two variables by name (then by position, which puts the first first). */
static int var_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int c = name_cmp(x, y);

	return c ? c : (x > y) - (x < y);
}

/* Drop every later setting of a name that is set twice. */
static void drop_repeats(struct envblob *e)
{
	size_t k = 0;

	for (size_t i = 0; i < e->n; i++)
		if (!k || name_cmp(e->var[k - 1], e->var[i]) != 0)
			e->var[k++] = e->var[i];
	e->n = k;
}

struct envblob *procenv_env_new(const char *blob, size_t len)
{
	struct envblob *e = xmalloc(sizeof(*e) + len + 1);
	size_t n = 0;

	e->refs = 1;
	memcpy(e->data, blob, len);
	e->data[len] = '\0';
	for (size_t i = 0; i < len; i += strlen(e->data + i) + 1)
		n++;
	e->var = xcalloc(n + 1, sizeof(*e->var));
	e->n = 0;
	for (size_t i = 0; i < len; i += strlen(e->data + i) + 1)
		if (e->data[i])
			e->var[e->n++] = e->data + i;
	qsort(e->var, e->n, sizeof(*e->var), var_cmp);
	drop_repeats(e);
	return e;
}

struct envblob *procenv_env_ref(struct envblob *e)
{
	if (e)
		e->refs++;
	return e;
}

void procenv_env_unref(struct envblob *e)
{
	if (!e || --e->refs > 0)
		return;
	free(e->var);
	free(e);
}

/* Append one change. */
static void add_change(struct execinfo *ei, char op, const char *var, const char *old)
{
	ei->changes = xreallocarray(ei->changes, ei->nchanges + 1, sizeof(*ei->changes));
	ei->changes[ei->nchanges++] = (struct envchange){ .op = op, .var = xstrdup(var),
							  .old = old ? xstrdup(old) : NULL };
}

/* The changes from before to now, in order of name. */
static void env_diff(struct execinfo *ei, const struct envblob *before, const struct envblob *now)
{
	size_t i = 0, j = 0;

	while (i < before->n || j < now->n) {
		int c = i == before->n ? 1 : j == now->n ? -1 : name_cmp(before->var[i], now->var[j]);

		if (c < 0) {
			add_change(ei, '-', before->var[i++], NULL);
		} else if (c > 0) {
			add_change(ei, '+', now->var[j++], NULL);
		} else {
			if (strcmp(before->var[i], now->var[j]) != 0)
				add_change(ei, '~', now->var[j], before->var[i]);
			i++;
			j++;
		}
	}
}

struct execinfo *procenv_exec(int pid, uint64_t ts, const struct rec_execinfo *x,
			      const struct envblob *before, struct envblob **env)
{
	struct execinfo *ei = xcalloc(1, sizeof(*ei));
	const char *cwd = (const char *)(x + 1);

	ei->pid = pid;
	ei->ts = ts;
	ei->flags = x->flags;
	if (!(x->flags & EXECINFO_NO_CWD) && x->cwd_len)
		ei->cwd = xstrndup(cwd, x->cwd_len);
	*env = procenv_env_new(cwd + x->cwd_len, x->env_len);
	ei->nvars = (*env)->n;
	if (before && !(x->flags & EXECINFO_NO_ENV)) {
		ei->has_parent = true;
		env_diff(ei, before, *env);
	}
	return ei;
}

/* Add fd's entry to ei. */
static void add_fd(struct execinfo *ei, int fd, const struct fobj *o)
{
	struct execfd *f;

	ei->fds = xreallocarray(ei->fds, ei->nfds + 1, sizeof(*ei->fds));
	f = &ei->fds[ei->nfds++];
	f->fd = fd;
	f->kind = o->kind;
	f->path = o->path && *o->path ? xstrdup(o->path) : NULL;
	f->local = o->local ? xstrdup(o->local) : NULL;
	f->remote = o->remote ? xstrdup(o->remote) : NULL;
}

/* Order of two fds. */
static int fd_cmp(const void *a, const void *b)
{
	const struct execfd *x = a, *y = b;

	return (x->fd > y->fd) - (x->fd < y->fd);
}

void procenv_fds(struct execinfo *ei, const struct fdtable *t)
{
	for (int fd = 0; fd < t->cap; fd++)
		if (t->fd[fd])
			add_fd(ei, fd, t->fd[fd]);
	for (size_t i = 0; i < t->big.cap; i++)
		if (t->big.vals[i])
			add_fd(ei, (int)t->big.keys[i], t->big.vals[i]);
	qsort(ei->fds, ei->nfds, sizeof(*ei->fds), fd_cmp);
	ei->fds_known = true;
}

void procenv_free(struct execinfo *ei)
{
	if (!ei)
		return;
	for (size_t i = 0; i < ei->nfds; i++) {
		free(ei->fds[i].path);
		free(ei->fds[i].local);
		free(ei->fds[i].remote);
	}
	free(ei->fds);
	for (size_t i = 0; i < ei->nchanges; i++) {
		free(ei->changes[i].var);
		free(ei->changes[i].old);
	}
	free(ei->changes);
	free(ei->cwd);
	free(ei);
}
