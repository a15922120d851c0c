/*
 * util.c - allocation wrappers and clock helpers shared by every module.
 * On allocation failure it runs the registered fatal hook (which restores
 * the terminal), prints one line to stderr and aborts.  It must never
 * return NULL from an x*() wrapper, never call exit(), and never allocate
 * while reporting out-of-memory.
 */
#include "config.h"

#include "util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void (*_Atomic fatal_hook)(void);

/* Record the hook run before aborting on out-of-memory. */
void util_set_fatal_hook(void (*hook)(void))
{
	atomic_store_explicit(&fatal_hook, hook, memory_order_release);
}

/* Run the fatal hook once, report out-of-memory and abort. */
void util_abort_oom(void)
{
	void (*hook)(void) = atomic_exchange_explicit(&fatal_hook, NULL,
						      memory_order_acq_rel);

	if (hook)
		hook();
	fputs("compendium-tui: out of memory\n", stderr);
	abort();
}

/* Abort unless p is a successful allocation. */
static void *check(void *p)
{
	if (!p)
		util_abort_oom();
	return p;
}

/* malloc(size) or abort. */
void *xmalloc(size_t size)
{
	return check(malloc(size ? size : 1));
}

/* calloc(n, size) or abort. */
void *xcalloc(size_t n, size_t size)
{
	if (!n || !size)
		n = size = 1;
	return check(calloc(n, size));
}

/* realloc(p, size) or abort. */
void *xrealloc(void *p, size_t size)
{
	return check(realloc(p, size ? size : 1));
}

/* realloc(p, n * size) with overflow check, or abort. */
void *xreallocarray(void *p, size_t n, size_t size)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		util_abort_oom();
	return xrealloc(p, bytes);
}

/* strdup(s) or abort. */
char *xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

/* Copy at most n bytes of s plus a NUL terminator, or abort. */
char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *copy = xmalloc(len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

/* Copy n bytes starting at p into a new block, or abort. */
void *xmemdup(const void *p, size_t n)
{
	void *copy = xmalloc(n);

	if (n)
		memcpy(copy, p, n);
	return copy;
}

/* CLOCK_MONOTONIC time in nanoseconds. */
uint64_t util_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void util_name_thread(const char *name)
{
	pthread_setname_np(pthread_self(), name);
}

void util_take_terminal(int fd)
{
	setsid();
	ioctl(fd, TIOCSCTTY, 0);
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
}
