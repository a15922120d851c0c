"""Two processes sharing one fd table (clone with CLONE_FILES, no
CLONE_THREAD): the child writes through an fd the parent opened (as fd
100) after the clone, the parent through one the child dup2'd to 101
before it exited; each file's bytes against strace."""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* clonefiles: see the docstring. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tracee.h"

static int pfd[2];
static char stack[65536];

static int child(void *arg)
{
    (void)arg;
    int f = open("from_child.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (write(f, "0123456789", 10) != 10) return 1;
    /* fd 100 was opened by the parent after the clone: shared table */
    char x;
    if (read(pfd[0], &x, 1) != 1) return 2;
    if (write(100, "abcdefg", 7) != 7) return 3;
    dup2(f, 101);
    return 0;
}

int main(void)
{
    if (pipe(pfd)) die("pipe");
    pid_t c = clone(child, stack + sizeof stack, CLONE_FILES | SIGCHLD, NULL);
    if (c < 0) die("clone");
    int g = open("from_parent.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (dup2(g, 100) != 100) die("dup2");
    if (write(pfd[1], "x", 1) != 1) die("w");
    int st;
    waitpid(c, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st)) die("child");
    if (write(101, "XYZ", 3) != 3) die("w101");
    printf("ok\n");
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)
