/* killtree TOKEN [SLEEPERS]
 *
 * A process tree that a polite SIGINT does not end, for the "second Ctrl-C
 * kills everything" test.  TOKEN only makes the tree easy to find in /proc
 * (every member has it in its command line).  With SIGINT ignored (which
 * children inherit), the root starts:
 *   - 3 children that each fork 2 grandchildren; all sleep in pause()
 *   - a child blocked in vfork() whose vfork child sleeps in pause()
 *   - a child whose main thread calls pthread_exit while another thread
 *     sleeps (a zombie leader with a live thread)
 *   - a child that stops itself with SIGSTOP (and stays stopped)
 *   - 8 children that fork children in a loop, so that forks are in
 *     flight when the tree is killed; every 64th of those children sleeps
 *     in pause() for good, the others exit at once
 *   - SLEEPERS more children (default 0) that sleep in pause()
 * then prints "killtree: ready" and sleeps in pause().  It never exits on
 * its own. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>

#include "tracee.h"

static void sleep_forever(void)
{
    for (;;)
        pause();
}

static void *sleeper(void *arg)
{
    sleep_forever();
    return NULL;
}

/* fork; the child runs fn and never returns. */
static pid_t spawn(void (*fn)(void))
{
    pid_t pid = fork();

    if (pid < 0)
        die("fork");
    if (pid == 0) {
        fn();
        _exit(0);
    }
    return pid;
}

static void with_grandchildren(void)
{
    spawn(sleep_forever);
    spawn(sleep_forever);
    sleep_forever();
}

static void vfork_parent(void)
{
    pid_t pid = vfork();

    if (pid == 0)
        sleep_forever();   /* the parent stays blocked in vfork */
    die("vfork returned");
}

static void zombie_leader(void)
{
    pthread_t t;

    if (pthread_create(&t, NULL, sleeper, NULL) != 0)
        die("pthread_create");
    pthread_exit(NULL);
}

static void self_stopper(void)
{
    raise(SIGSTOP);
    sleep_forever();
}

static void forker(void)
{
    for (unsigned n = 0;; n++) {
        pid_t pid = fork();

        if (pid == 0) {
            if (n % 64 == 63)
                sleep_forever();   /* some stay: born while the kill is on */
            _exit(0);
        }
        if (pid > 0 && n % 64 != 63)
            waitpid(pid, NULL, 0);
    }
}

int main(int argc, char **argv)
{
    int sleepers = argc == 3 ? atoi(argv[2]) : 0;

    if (argc != 2 && argc != 3)
        die("usage: killtree TOKEN [SLEEPERS]");
    signal(SIGINT, SIG_IGN);
    for (int i = 0; i < sleepers; i++)
        spawn(sleep_forever);
    for (int i = 0; i < 3; i++)
        spawn(with_grandchildren);
    spawn(vfork_parent);
    spawn(zombie_leader);
    spawn(self_stopper);
    for (int i = 0; i < 8; i++)
        spawn(forker);
    printf("killtree: ready\n");
    fflush(stdout);
    sleep_forever();
}
