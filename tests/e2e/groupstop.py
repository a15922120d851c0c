"""A parent stops a child with SIGSTOP and SIGTSTP (waitpid WUNTRACED, /proc
state, really not running) and continues it (WCONTINUED): job control works
as without a tracer."""
from e2elib import Invocation, want_exit, want_nprocs

PROGRAM = r'''
/* groupstop
 *
 * Job control of a child behaves as without a tracer.  The child loops:
 * read one byte from pipe "to", write it back on pipe "from"; it exits 0
 * at EOF.  For SIGSTOP and then SIGTSTP the parent
 *   - echoes one byte to check the child runs,
 *   - kill(child, SIG), waitpid(WUNTRACED) must report WIFSTOPPED by SIG,
 *   - /proc/child/stat must say stopped ('T', or 't' - what a stopped task
 *     shows while a tracer keeps it stopped with PTRACE_LISTEN),
 *   - writes a byte: the child must not echo it within 300 ms (it is
 *     stopped, not merely reported as stopped),
 *   - kill(child, SIGCONT), waitpid(WCONTINUED) must report WIFCONTINUED,
 *     and the pending byte comes back.
 * The child counts SIGCONT with a handler and prints the count at EOF.  It
 * runs in a process group of its own: the kernel discards SIGTSTP sent to
 * an orphaned process group, which ours is when we lead a session.
 * Expected: 2 processes, both exit 0; output identical traced or not. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "tracee.h"

static volatile sig_atomic_t conts;

static void on_cont(int sig)
{
    conts++;
}

static void child(int in, int out)
{
    struct sigaction sa;
    char c;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_cont;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGCONT, &sa, NULL);
    for (;;) {
        ssize_t n = read(in, &c, 1);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("child read");
        if (n == 0)
            break;
        write_all(out, &c, 1);
    }
    printf("child: SIGCONT handler ran %d time(s); exiting 0\n", (int)conts);
    fflush(stdout);
    _exit(0);
}

/* State letter from /proc/PID/stat.  Exactly 48 bytes are read, so that the
 * byte count does not depend on how long the numbers further on are. */
static char proc_state(pid_t pid)
{
    char path[64], buf[49], *p;
    int fd;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open %s", path);
    read_exact(fd, buf, 48);
    close(fd);
    buf[48] = '\0';
    p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

/* Did a byte come back within ms?  Returns it, or 0. */
static char echo_back(int from, int ms)
{
    struct pollfd pf = { from, POLLIN, 0 };
    char c;

    if (poll(&pf, 1, ms) != 1)
        return 0;
    read_exact(from, &c, 1);
    return c;
}

static void stop_and_continue(pid_t pid, int to, int from, int sig, char tag)
{
    int st;
    char c;

    write_all(to, &tag, 1);
    c = echo_back(from, 5000);
    printf("%s: child echoes '%c' before the stop\n", sigabbrev_np(sig), c ? c : '-');

    kill(pid, sig);
    if (waitpid(pid, &st, WUNTRACED) != pid)
        die("waitpid WUNTRACED");
    printf("%s: waitpid says %s by SIG%s\n", sigabbrev_np(sig),
           WIFSTOPPED(st) ? "stopped" : "NOT stopped",
           WIFSTOPPED(st) ? sigabbrev_np(WSTOPSIG(st)) : "-");
    c = proc_state(pid);
    printf("%s: /proc state %s\n", sigabbrev_np(sig),
           c == 'T' || c == 't' ? "stopped" : "NOT stopped");

    tag++;
    write_all(to, &tag, 1);
    c = echo_back(from, 300);
    printf("%s: a stopped child echoes %s\n", sigabbrev_np(sig), c ? "(it ran!)" : "nothing");

    kill(pid, SIGCONT);
    if (waitpid(pid, &st, WCONTINUED) != pid)
        die("waitpid WCONTINUED");
    printf("%s: waitpid says %s\n", sigabbrev_np(sig),
           WIFCONTINUED(st) ? "continued" : "NOT continued");
    if (!c)
        c = echo_back(from, 5000);
    printf("%s: after SIGCONT the child echoes '%c'\n", sigabbrev_np(sig), c ? c : '-');
}

int main(void)
{
    int to[2], from[2], st;
    pid_t pid;

    if (pipe(to) != 0 || pipe(from) != 0)
        die("pipe");
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    /* Own process group, whose parent is in another group of the session:
     * not orphaned, so SIGTSTP stops it even when we lead a new session. */
    setpgid(pid, pid);
    if (pid == 0) {
        setpgid(0, 0);
        close(to[1]);
        close(from[0]);
        child(to[0], from[1]);
    }
    close(to[0]);
    close(from[1]);
    stop_and_continue(pid, to[1], from[0], SIGSTOP, 'a');
    stop_and_continue(pid, to[1], from[0], SIGTSTP, 'c');
    fflush(stdout);
    close(to[1]);
    if (waitpid(pid, &st, 0) != pid)
        die("waitpid");
    printf("parent: child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    probs = want_nprocs(s, 2) + want_exit(s, 0)
    out = res.stdout or b""
    for bad in (b"NOT", b"(it ran!)"):
        if bad in out:
            probs.append(f"untraced run itself says {bad!r}")
    return probs
