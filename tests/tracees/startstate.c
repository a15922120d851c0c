/* startstate
 *
 * Prints the process state a program inherits when it starts, which a
 * tracer that spawns it must pass on unchanged: open fds above 2 (and what
 * they are), the blocked signal mask, which signals are ignored or pending,
 * umask, nice value and the open-files limit.  Run untraced and traced, the
 * output must be identical: a tracer leaking its own fds (an output file,
 * a pipe) or changing a signal disposition shows here.  Exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "tracee.h"

static void list_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int fds[1024], n = 0;

    if (!d)
        die("opendir /proc/self/fd");
    while ((e = readdir(d)) != NULL && n < 1024) {
        int fd = atoi(e->d_name);

        if (e->d_name[0] != '.' && fd > 2 && fd != dirfd(d))
            fds[n++] = fd;
    }
    closedir(d);
    printf("open fds above 2: %d\n", n);
    for (int i = 0; i < n; i++) {
        char p[64], link[PATH_MAX];
        ssize_t len;

        snprintf(p, sizeof p, "/proc/self/fd/%d", fds[i]);
        len = readlink(p, link, sizeof link - 1);
        link[len > 0 ? len : 0] = '\0';
        /* pipe and socket inode numbers differ from run to run */
        if (strncmp(link, "pipe:", 5) == 0 || strncmp(link, "socket:", 7) == 0)
            link[strcspn(link, ":")] = '\0';
        printf("  fd %d -> %s\n", fds[i], link);
    }
}

static void list_signals(void)
{
    sigset_t blocked, pending;

    sigprocmask(SIG_SETMASK, NULL, &blocked);
    sigpending(&pending);
    printf("blocked:");
    for (int s = 1; s < SIGRTMIN; s++)
        if (sigismember(&blocked, s) == 1)
            printf(" %s", sigabbrev_np(s));
    printf("\nignored:");
    for (int s = 1; s < SIGRTMIN; s++) {
        struct sigaction sa;

        if (s != SIGKILL && s != SIGSTOP && sigaction(s, NULL, &sa) == 0 &&
            sa.sa_handler == SIG_IGN)
            printf(" %s", sigabbrev_np(s));
    }
    printf("\npending:");
    for (int s = 1; s < SIGRTMIN; s++)
        if (sigismember(&pending, s) == 1)
            printf(" %s", sigabbrev_np(s));
    printf("\n");
}

int main(void)
{
    struct rlimit rl;
    mode_t um = umask(022);

    umask(um);
    list_fds();
    list_signals();
    getrlimit(RLIMIT_NOFILE, &rl);
    errno = 0;
    printf("umask %03o, nice %d, RLIMIT_NOFILE %llu/%llu\n", (unsigned)um,
           getpriority(PRIO_PROCESS, 0), (unsigned long long)rl.rlim_cur,
           (unsigned long long)rl.rlim_max);
    return 0;
}
