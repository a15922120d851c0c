"""Signals sent to a process that is already dying: a child is sent
SIGTERM (it has no handler: it is as good as dead), then SIGTERM again and
SIGCONT at once.  The kernel drops the last two (as it does any signal to
a process in its group exit), so the child gets one SIGTERM, as strace
shows, and no SIGCONT."""
from e2elib import Invocation, want_exit, want_nprocs

PROGRAM = r'''
/* killdying
 *
 * fork; the child pauses.  The parent sleeps 1 ms, then kill(child,
 * SIGTERM), kill(child, SIGTERM), kill(child, SIGCONT), and reaps it:
 * killed by SIGTERM.  (Where the child is by then does not matter: after
 * the first SIGTERM it is dying, and the kernel drops the other two.) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tracee.h"

int main(void)
{
    struct timespec ms1 = { 0, 1000000 };
    int status;
    pid_t c = fork();

    if (c < 0)
        die("fork");
    if (c == 0) {
        for (;;)
            pause();
    }
    nanosleep(&ms1, NULL);
    if (kill(c, SIGTERM) || kill(c, SIGTERM) || kill(c, SIGCONT))
        die("kill");
    if (waitpid(c, &status, 0) != c || !WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
        die("child not killed by SIGTERM");
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0) + want_nprocs(s, 2)


def check_got(s, ctx, res, events):
    """The child's signals: one SIGTERM."""
    child = [p["pid"] for p in s["processes"] if p["exit"].get("signal") == "SIGTERM"]
    got = [e.get("signal") for e in events if e.get("type") == "signal" and e.get("pid") in child]
    return [] if len(child) == 1 and got == ["SIGTERM"] else \
        [f"the child's signals {got}, want one SIGTERM (children killed: {child})"]
