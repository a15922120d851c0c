/* attachee churn | attachee block | attachee nap
 *
 * Targets for attach (-p) tests.
 *
 * churn: a multi-threaded process whose threads come and go all the time.
 *   A heartbeat thread writes one '.' to stdout every 5 ms (the process's
 *   own progress, which must go on after a tracer detaches).  Four spawner
 *   threads each create a thread, join it, and repeat; every fifth thread
 *   they create stays alive (sleeping in nanosleep) up to 40 of them, the
 *   rest exit after 1 ms.  Four chains of threads run besides: each link
 *   sleeps 1 ms, starts the next link and exits, forever - a thread that
 *   a tracer catches being born while it detaches has descendants for
 *   ever.  So threads are being created whenever a tracer attaches or
 *   detaches.  Runs until killed.
 *
 * block: prints "attachee: blocked\n", then blocks in read(2) on stdin;
 *   whatever it reads (up to 64 bytes) it writes back to stdout with
 *   write(2), then exits 0.  For checking what a tracer says about a
 *   system call that was already in progress when it attached.
 *
 * nap: prints "attachee: napping\n", sleeps 1.5 s in nanosleep (which the
 *   kernel resumes as restart_syscall after a tracer interrupts it), prints
 *   "attachee: awake\n" and exits 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "tracee.h"

static atomic_int long_lived;

static void nap_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void *heartbeat(void *arg)
{
    for (;;) {
        write_all(STDOUT_FILENO, ".", 1);
        nap_us(5000);
    }
    return NULL;
}

static void *worker(void *arg)
{
    nap_us(arg ? 3600L * 1000000 : 1000);
    return NULL;
}

static void *chain(void *arg)
{
    pthread_attr_t attr;
    pthread_t t;

    nap_us(1000);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, chain, NULL) != 0)
        die("pthread_create");
    return NULL;
}

static void *spawner(void *arg)
{
    for (unsigned n = 0;; n++) {
        bool stay = n % 5 == 0 && atomic_fetch_add(&long_lived, 1) < 40;
        pthread_t t;

        if (pthread_create(&t, NULL, worker, stay ? (void *)1 : NULL) != 0)
            die("pthread_create");
        if (stay)
            pthread_detach(t);
        else
            pthread_join(t, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t;

    if (argc == 2 && strcmp(argv[1], "block") == 0) {
        char buf[64];
        ssize_t n;

        write_all(STDOUT_FILENO, "attachee: blocked\n", 18);
        n = read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0)
            die("read");
        write_all(STDOUT_FILENO, buf, (size_t)n);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "nap") == 0) {
        write_all(STDOUT_FILENO, "attachee: napping\n", 18);
        nap_us(1500000);
        write_all(STDOUT_FILENO, "attachee: awake\n", 16);
        return 0;
    }
    if (argc != 2 || strcmp(argv[1], "churn") != 0)
        die("usage: attachee churn|block|nap");
    if (pthread_create(&t, NULL, heartbeat, NULL) != 0)
        die("pthread_create");
    for (int i = 0; i < 4; i++)
        if (pthread_create(&t, NULL, spawner, NULL) != 0 ||
            pthread_create(&t, NULL, chain, NULL) != 0)
            die("pthread_create");
    for (;;)
        pause();
}
