/*
 * util.h - small process-wide helpers: allocation wrappers that never
 * return NULL, and a monotonic clock.  This module must never return a
 * NULL allocation to a caller, never exit() (it aborts after running the
 * fatal hook so the terminal can be restored) and never depend on any
 * other compendium-tui module.
 */
#ifndef COMPENDIUM_UTIL_H
#define COMPENDIUM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Install a hook run once before aborting on allocation failure (NULL clears it). */
void util_set_fatal_hook(void (*hook)(void));

/* malloc(size) or abort; size 0 yields a unique non-NULL pointer. */
void *xmalloc(size_t size);
/* calloc(n, size) or abort; zero-filled, overflow-checked. */
void *xcalloc(size_t n, size_t size);
/* realloc(p, size) or abort; size 0 keeps a 1-byte block instead of freeing. */
void *xrealloc(void *p, size_t size);
/* realloc(p, n * size) with overflow check, or abort. */
void *xreallocarray(void *p, size_t n, size_t size);
/* strdup(s) or abort. */
char *xstrdup(const char *s);
/* Copy at most n bytes of s plus a NUL terminator, or abort. */
char *xstrndup(const char *s, size_t n);
/* Copy n bytes starting at p into a new block, or abort. */
void *xmemdup(const void *p, size_t n);

/* Run the fatal hook, print the out-of-memory message and abort. */
void util_abort_oom(void) __attribute__((noreturn));

/* CLOCK_MONOTONIC time in nanoseconds. */
uint64_t util_now_ns(void);
/* Name the calling thread (at most 15 bytes), as ps -L and htop show it. */
void util_name_thread(const char *name);
/* In a forked command: a new session whose controlling terminal is fd
 * (a pty slave), which becomes its stdin, stdout and stderr. */
void util_take_terminal(int fd);

#endif /* COMPENDIUM_UTIL_H */
