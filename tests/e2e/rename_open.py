"""Files renamed while open: bytes written before a rename count under the
old name, those after under the new one, as /proc (and strace -y) names
the fd at each call.  a.txt: 10 bytes, renamed b.txt: 5, unlinked: 3 more
(still b.txt, deleted); d/f: 3 bytes, its directory renamed e: 4 more as
e/f; c.txt renamed in a child process while the parent writes to it: 6
before, 7 after; x and y swapped by renameat2(RENAME_EXCHANGE) between
writes to each."""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* rename_open: see the docstring. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracee.h"

static void put(int fd, const char *s, int n)
{
    if (write(fd, s, (size_t)n) != n)
        die("write");
}

int main(void)
{
    int a = open("a.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644), f, c, x, y;
    pid_t kid;

    put(a, "aaaaaaaaaa", 10);
    if (rename("a.txt", "b.txt"))
        die("rename a");
    put(a, "bbbbb", 5);
    if (unlink("b.txt"))
        die("unlink b");
    put(a, "ccc", 3);
    if (mkdir("d", 0755) || (f = open("d/f", O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
        die("d/f");
    put(f, "ddd", 3);
    if (rename("d", "e"))
        die("rename d");
    put(f, "eeee", 4);
    c = open("c.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    put(c, "cccccc", 6);
    kid = fork();
    if (kid == 0)
        _exit(rename("c.txt", "c2.txt") ? 1 : 0);
    waitpid(kid, NULL, 0);
    put(c, "ccccccc", 7);
    x = open("x", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    y = open("y", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    put(x, "x", 1);
    put(y, "yy", 2);
    if (renameat2(AT_FDCWD, "x", AT_FDCWD, "y", RENAME_EXCHANGE))
        die("exchange");
    put(x, "xxx", 3);
    put(y, "yyyy", 4);
    return close(a) || close(f) || close(c) || close(x) || close(y);
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)
