/* threadstorm DIR [N]
 *
 * Starts N (default 200) worker threads as fast as it can, all alive at
 * once: 8 spawner threads each create every 8th worker, so that clones
 * happen in parallel and the tracer is busy when they do.  Worker i opens
 * DIR/t<i> (O_WRONLY|O_CREAT|O_TRUNC) and writes i % 50 + 1 bytes to it,
 * keeps the fd open and waits on a barrier.  When every thread
 * has written, the main thread - which never opened those files - writes 7
 * more bytes through each thread's fd (the fd table is shared: CLONE_FILES),
 * closes it and joins the thread (spawners are joined first).
 *
 * The fds are only meaningful to a tracer that knows each new task shares
 * its creator's fd table; many of the new threads' first stops arrive before
 * the creator's PTRACE_EVENT_CLONE, which is exactly the race this is for.
 * Expected: one process with N+9 threads; DIR/t<i> opened_for "w",
 * written i % 50 + 1 + 7; exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "tracee.h"

#define MAX_THREADS 1000
#define SPAWNERS 8

static const char *dir;
static int fds[MAX_THREADS];
static pthread_barrier_t all_written;
static pthread_t th[MAX_THREADS];
static pthread_attr_t attr;
static int n = 200;

static void *worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    unsigned char buf[64];
    char path[PATH_MAX];

    snprintf(path, sizeof path, "%s/t%03d", dir, i);
    fds[i] = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fds[i] < 0)
        die("thread %d: open %s", i, path);
    fill_pattern(buf, (size_t)(i % 50 + 1), (unsigned)i);
    write_all(fds[i], buf, (size_t)(i % 50 + 1));
    pthread_barrier_wait(&all_written);
    return NULL;
}

static void *spawner(void *arg)
{
    for (int i = (int)(intptr_t)arg; i < n; i += SPAWNERS) {
        int rc = pthread_create(&th[i], &attr, worker, (void *)(intptr_t)i);

        if (rc != 0) {
            errno = rc;
            die("pthread_create %d", i);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t sp[SPAWNERS];
    int rc;
    size_t total = 0;

    if (argc < 2 || argc > 3)
        die("usage: threadstorm DIR [N]");
    dir = argv[1];
    if (argc == 3)
        n = atoi(argv[2]);
    if (n < 1 || n > MAX_THREADS) {
        errno = 0;
        die("N must be 1..%d", MAX_THREADS);
    }
    if (pthread_barrier_init(&all_written, NULL, (unsigned)n + 1) != 0)
        die("pthread_barrier_init");
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (int s = 0; s < SPAWNERS; s++) {
        rc = pthread_create(&sp[s], &attr, spawner, (void *)(intptr_t)s);
        if (rc != 0) {
            errno = rc;
            die("pthread_create spawner %d", s);
        }
    }
    for (int s = 0; s < SPAWNERS; s++) {
        rc = pthread_join(sp[s], NULL);
        if (rc != 0) {
            errno = rc;
            die("pthread_join spawner %d", s);
        }
    }
    pthread_barrier_wait(&all_written);
    for (int i = 0; i < n; i++) {
        static const unsigned char tail[7] = "mainfd\n";

        write_all(fds[i], tail, sizeof tail);
        if (close(fds[i]) != 0)
            die("close");
        total += (size_t)(i % 50 + 1) + sizeof tail;
    }
    for (int i = 0; i < n; i++) {
        rc = pthread_join(th[i], NULL);
        if (rc != 0) {
            errno = rc;
            die("pthread_join %d", i);
        }
    }
    printf("threadstorm: %d threads wrote %zu bytes to %d files\n", n, total, n);
    return 0;
}
