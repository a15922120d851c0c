/* Shared helpers for the compendium-tui end-to-end tracee programs.
 *
 * Every tracee does a fixed, documented amount of I/O so that the expected
 * numbers in the summary are known exactly.  The helpers below retry short
 * reads/writes so totals never depend on scheduling.  Any failure aborts
 * with exit status 99 and a message on stderr, so a broken environment is
 * never mistaken for a tracer bug. */
#ifndef COMPENDIUM_TRACEE_H
#define COMPENDIUM_TRACEE_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define TRACEE_FAIL_STATUS 99

static inline void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static inline void die(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (saved != 0)
        fprintf(stderr, ": %s", strerror(saved));
    fputc('\n', stderr);
    _exit(TRACEE_FAIL_STATUS);
}

/* Fill buf with a deterministic byte pattern. */
static inline void fill_pattern(unsigned char *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (unsigned char)('a' + (i + seed) % 26);
}

/* write(2) until all len bytes are written; returns len. */
static inline size_t write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("write(fd %d)", fd);
        }
        done += (size_t)n;
    }
    return done;
}

/* read(2) until exactly len bytes were read; dies on early EOF. */
static inline size_t read_exact(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = read(fd, p + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("read(fd %d)", fd);
        }
        if (n == 0) {
            errno = 0;
            die("read(fd %d): unexpected EOF after %zu of %zu bytes", fd, done, len);
        }
        done += (size_t)n;
    }
    return done;
}

#endif
