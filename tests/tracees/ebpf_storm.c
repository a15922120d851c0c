/* ebpf_storm PROCS THREADS
 *
 * A fork and thread storm for following tasks in the kernel: the root
 * forks PROCS children at once; each child starts THREADS threads at once
 * and forks one grandchild; every thread and grandchild naps 1 ms and ends;
 * the last child also makes a non-leader thread exec this program with
 * --leaf, which takes over the leader's tid.  Every task, before it does
 * anything else, prints "task TID PID" with one write(2) (stdout must be a
 * pipe or file, so lines never mix).  Everything is waited for; exit 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "tracee.h"

#define MAX_THREADS 256

static char *self;

/* "task TID PID" in one write. */
static void announce(void)
{
    char line[64];
    int n = snprintf(line, sizeof(line), "task %d %d\n", (int)syscall(SYS_gettid), (int)getpid());

    write_all(1, line, (size_t)n);
}

static void nap(void)
{
    struct timespec ts = { 0, 1000000 };

    nanosleep(&ts, NULL);
}

static void *thread_main(void *arg)
{
    (void)arg;
    announce();
    nap();
    return NULL;
}

/* A thread that is not the leader replaces the process with --leaf. */
static void *exec_thread(void *arg)
{
    char *argv[] = { self, (char *)"--leaf", NULL };

    (void)arg;
    announce();
    execv(self, argv);
    die("execv %s", self);
}

static void reap(pid_t pid)
{
    int st;

    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        errno = 0;
        die("child %d failed (status 0x%x)", (int)pid, (unsigned)st);
    }
}

static void child(int threads, bool exec_one)
{
    pthread_t th[MAX_THREADS], ex;
    pid_t gc;

    announce();
    for (int i = 0; i < threads; i++)
        if (pthread_create(&th[i], NULL, thread_main, NULL))
            die("pthread_create");
    gc = fork();
    if (gc < 0)
        die("fork");
    if (gc == 0) {
        announce();
        nap();
        _exit(0);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(th[i], NULL);
    reap(gc);
    if (exec_one) {
        if (pthread_create(&ex, NULL, exec_thread, NULL))
            die("pthread_create");
        pthread_join(ex, NULL);   /* never returns: the exec ends this image */
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    pid_t kids[MAX_THREADS];
    int procs, threads;

    if (argc == 2 && strcmp(argv[1], "--leaf") == 0) {
        announce();
        return 0;
    }
    if (argc != 3 || (procs = atoi(argv[1])) <= 0 || procs > MAX_THREADS ||
        (threads = atoi(argv[2])) < 0 || threads > MAX_THREADS) {
        errno = 0;
        die("usage: ebpf_storm PROCS THREADS (each at most %d)", MAX_THREADS);
    }
    self = argv[0];
    announce();
    for (int i = 0; i < procs; i++) {
        kids[i] = fork();
        if (kids[i] < 0)
            die("fork");
        if (kids[i] == 0)
            child(threads, i == procs - 1);
    }
    for (int i = 0; i < procs; i++)
        reap(kids[i]);
    return 0;
}
