/* forkkill [ROUNDS]
 *
 * Processes killed by SIGKILL while they fork.  The root becomes a child
 * subreaper, then ROUNDS (default 20) times starts a victim process: one
 * thread of the victim forks children in a loop (each child sleeps 20 ms
 * and exits 0), another kills the whole victim with SIGKILL after a few
 * milliseconds.  A fork in flight when SIGKILL arrives creates a child whose
 * parent dies before it can report the fork: that child is an orphan, which
 * the subreaper root inherits.  The root reaps everything (victims must die
 * by SIGKILL, every other process must exit 0) until no child is left.
 *
 * Without a tracer this always finishes; a tracer that holds a new child
 * until its parent reports it, and never hears from a dead parent, leaves
 * the orphan stopped forever and the root waiting forever.
 * Prints one line; exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "tracee.h"

static void nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void *killer(void *arg)
{
    nap_ms((long)(intptr_t)arg);
    kill(getpid(), SIGKILL);
    return NULL;
}

static void victim(int round)
{
    pthread_t t;

    if (pthread_create(&t, NULL, killer, (void *)(intptr_t)(2 + round % 5)) != 0)
        _exit(98);
    for (;;) {
        pid_t pid = fork();

        if (pid == 0) {
            nap_ms(20);
            _exit(0);
        }
    }
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 20, killed = 0, bad = 0, st;
    pid_t pid;

    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        die("PR_SET_CHILD_SUBREAPER");
    fflush(stdout);
    for (int r = 0; r < rounds; r++) {
        pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            victim(r);
        if (waitpid(pid, &st, 0) != pid)
            die("waitpid victim");
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
            killed++;
    }
    /* Children of the victims, orphans included, are ours now. */
    while ((pid = wait(&st)) > 0)
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad++;
    if (errno != ECHILD)
        die("wait");
    printf("forkkill: %d of %d victims killed by SIGKILL; all their children exited%s\n",
           killed, rounds, bad ? " (some badly!)" : " 0");
    return 0;
}
