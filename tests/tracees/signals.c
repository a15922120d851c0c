/* signals
 *
 * Every signal the program should receive is delivered once per sending
 * (real-time ones once per sigqueue), ignored signals stay ignored, blocked
 * ones stay pending, and interrupted system calls behave as they would
 * without a tracer (EINTR without SA_RESTART, restarted with it).  Prints
 * what it saw, then dies by SIGUSR1 (exit {"code":138,"signal":"SIGUSR1"}).
 *
 * Steps (counts are printed, the output must be the same traced or not):
 *   - raise SIGUSR1 x3, SIGTRAP, SIGFPE, SIGWINCH, SIGURG: handled once each
 *   - SIGPIPE from a write to a pipe without reader (write fails EPIPE)
 *   - SIGCHLD from a child that exits 0, SIGUSR2 sent by a child
 *   - SIGRTMIN+2 queued 5 times while blocked, with values 1..5: 5 calls,
 *     values summed; SIGHUP raised twice while blocked: pending, one call
 *   - SIGTERM and SIGUSR2 ignored: kill() of self changes nothing, and
 *     sigpending does not show them
 *   - a child killed by SIGTERM (exit {"signal":"SIGTERM"})
 *   - SIGALRM (setitimer) interrupts read() of an empty pipe: EINTR without
 *     SA_RESTART; with SA_RESTART the handler writes a byte and the read
 *     returns it
 * Expected: 3 processes (children exit 0 and by SIGTERM), no files. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "tracee.h"

static volatile sig_atomic_t count[_NSIG];
static volatile sig_atomic_t rt_sum;
static int alarm_pipe = -1;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
    count[sig]++;
    if (sig == SIGRTMIN + 2)
        rt_sum += si->si_value.sival_int;
    if (sig == SIGALRM && alarm_pipe >= 0) {
        ssize_t n = write(alarm_pipe, "!", 1);
        (void)n;
    }
}

static void handle(int sig, int flags)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sig;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0)
        die("sigaction %d", sig);
}

static void set_mask(int how, int sig)
{
    sigset_t s;

    sigemptyset(&s);
    sigaddset(&s, sig);
    if (sigprocmask(how, &s, NULL) != 0)
        die("sigprocmask");
}

static void report(const char *what, int sig)
{
    printf("%-28s %s delivered %d time(s)\n", what, strsignal(sig), (int)count[sig]);
}

static void print_pending(const char *when)
{
    sigset_t p;

    sigpending(&p);
    printf("pending %s:", when);
    for (int s = 1; s < _NSIG; s++)
        if (sigismember(&p, s) == 1)
            printf(" %d", s);
    printf("\n");
}

static int reap(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) != pid)
        if (errno != EINTR)
            die("waitpid");
    return st;
}

/* read() of an empty pipe, interrupted by SIGALRM after 50 ms. */
static void interrupted_read(int restart)
{
    struct itimerval it = { { 0, 0 }, { 0, 50000 } };
    int p[2];
    char c;
    ssize_t n;

    if (pipe(p) != 0)
        die("pipe");
    handle(SIGALRM, restart ? SA_RESTART : 0);
    alarm_pipe = restart ? p[1] : -1;
    if (setitimer(ITIMER_REAL, &it, NULL) != 0)
        die("setitimer");
    n = read(p[0], &c, 1);
    if (restart)
        printf("read with SA_RESTART returned %zd (%c)\n", n, n == 1 ? c : '?');
    else
        printf("read without SA_RESTART returned %zd (%s)\n", n, n < 0 ? strerror(errno) : "data");
    alarm_pipe = -1;
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    int sigs[] = { SIGUSR1, SIGUSR2, SIGTRAP, SIGFPE, SIGWINCH, SIGURG, SIGPIPE,
                   SIGCHLD, SIGHUP, SIGTERM };
    int p[2], st;
    pid_t pid;

    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        handle(sigs[i], 0);
    handle(SIGRTMIN + 2, 0);

    for (int i = 0; i < 3; i++)
        raise(SIGUSR1);
    raise(SIGTRAP);
    raise(SIGFPE);
    raise(SIGWINCH);
    raise(SIGURG);
    report("raise x3:", SIGUSR1);
    report("raise:", SIGTRAP);
    report("raise:", SIGFPE);
    report("raise:", SIGWINCH);
    report("raise:", SIGURG);

    if (pipe(p) != 0)
        die("pipe");
    close(p[0]);
    {
        ssize_t n = write(p[1], "x", 1);

        printf("write to a pipe without reader: %zd (%s)\n", n, n < 0 ? strerror(errno) : "ok");
    }
    close(p[1]);
    report("write to broken pipe:", SIGPIPE);

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        kill(getppid(), SIGUSR2);
        _exit(0);
    }
    st = reap(pid);
    printf("child exited %d\n", WEXITSTATUS(st));
    report("sent by a child:", SIGUSR2);
    report("child exit:", SIGCHLD);

    set_mask(SIG_BLOCK, SIGRTMIN + 2);
    for (int i = 1; i <= 5; i++) {
        union sigval v = { .sival_int = i };
        if (sigqueue(getpid(), SIGRTMIN + 2, v) != 0)
            die("sigqueue");
    }
    set_mask(SIG_BLOCK, SIGHUP);
    raise(SIGHUP);
    raise(SIGHUP);
    print_pending("with SIGHUP and SIGRTMIN+2 blocked");
    report("while blocked:", SIGHUP);
    printf("SIGRTMIN+2 while blocked delivered %d time(s)\n", (int)count[SIGRTMIN + 2]);
    set_mask(SIG_UNBLOCK, SIGRTMIN + 2);
    set_mask(SIG_UNBLOCK, SIGHUP);
    printf("SIGRTMIN+2 after unblocking delivered %d time(s), values summing to %d\n",
           (int)count[SIGRTMIN + 2], (int)rt_sum);
    report("after unblocking:", SIGHUP);

    signal(SIGTERM, SIG_IGN);
    signal(SIGUSR2, SIG_IGN);
    count[SIGTERM] = count[SIGUSR2] = 0;
    kill(getpid(), SIGTERM);
    raise(SIGUSR2);
    print_pending("after ignored SIGTERM and SIGUSR2");
    report("ignored:", SIGTERM);
    report("ignored:", SIGUSR2);

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        raise(SIGTERM);
        _exit(1);
    }
    st = reap(pid);
    printf("child %s by %s\n", WIFSIGNALED(st) ? "killed" : "not killed",
           WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "-");

    interrupted_read(0);
    interrupted_read(1);
    report("timers:", SIGALRM);

    printf("dying by SIGUSR1\n");
    fflush(stdout);
    signal(SIGUSR1, SIG_DFL);
    raise(SIGUSR1);
    die("still alive after SIGUSR1");
}
