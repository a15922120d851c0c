/* forkstorm FILE [N]
 *
 * Forks N (default 300) short-lived children from 8 threads at once, each
 * thread in waves of up to 10 children that run at the same time, so that
 * forks happen in parallel and the tracer is busy when they do.  Child i
 * appends i % 13 + 1 bytes to FILE through the fd the parent opened before
 * forking (O_APPEND), and every tenth child first forks a grandchild that
 * does the same with 5 bytes.  Child i exits with status
 * i % 7; a grandchild exits 100.  The root reaps everything and prints the
 * totals.
 *
 * The new tasks' fd tables are copies of the parent's: a tracer that
 * resumed a child before knowing where it came from would not know the fd,
 * and losing or inventing a process shows in the process list.
 * Expected: 1 + N + ceil(N / 10) processes, exits as above, FILE written
 * sum(i % 13 + 1) + 5 * ceil(N / 10) bytes; exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>

#include "tracee.h"

#define WAVE 10
#define FORKERS 8

static int n = 300, fd;

static void child(int i)
{
    unsigned char buf[16];

    if (i % 10 == 0) {
        pid_t g = fork();
        int st;

        if (g < 0)
            die("grandchild fork");
        if (g == 0) {
            fill_pattern(buf, 5, 0);
            write_all(fd, buf, 5);
            _exit(100);
        }
        if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 100)
            die("grandchild status");
    }
    fill_pattern(buf, (size_t)(i % 13 + 1), (unsigned)i);
    write_all(fd, buf, (size_t)(i % 13 + 1));
    _exit(i % 7);
}

/* Thread: fork children first, first + FORKERS, ... in waves; reap them. */
static void *forker(void *arg)
{
    int first = (int)(intptr_t)arg, mine[WAVE];
    pid_t pids[WAVE];
    long sum = 0;

    for (int i = first; i < n;) {
        int k = 0;

        for (; k < WAVE && i < n; k++, i += FORKERS) {
            mine[k] = i;
            pids[k] = fork();
            if (pids[k] < 0)
                die("fork");
            if (pids[k] == 0)
                child(i);
        }
        for (int j = 0; j < k; j++) {
            int st;

            if (waitpid(pids[j], &st, 0) != pids[j])
                die("waitpid");
            if (!WIFEXITED(st) || WEXITSTATUS(st) != mine[j] % 7) {
                errno = 0;
                die("child %d: status 0x%x", mine[j], (unsigned)st);
            }
            sum += WEXITSTATUS(st);
        }
    }
    return (void *)(intptr_t)sum;
}

int main(int argc, char **argv)
{
    pthread_t th[FORKERS];
    long sum = 0;

    if (argc < 2 || argc > 3)
        die("usage: forkstorm FILE [N]");
    if (argc == 3)
        n = atoi(argv[2]);
    if (n < 1) {
        errno = 0;
        die("N must be positive");
    }
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    if (fd < 0)
        die("open %s", argv[1]);
    fflush(stdout);
    for (int t = 0; t < FORKERS; t++) {
        int rc = pthread_create(&th[t], NULL, forker, (void *)(intptr_t)t);

        if (rc != 0) {
            errno = rc;
            die("pthread_create");
        }
    }
    for (int t = 0; t < FORKERS; t++) {
        void *ret;
        int rc = pthread_join(th[t], &ret);

        if (rc != 0) {
            errno = rc;
            die("pthread_join");
        }
        sum += (long)(intptr_t)ret;
    }
    close(fd);
    printf("forkstorm: reaped %d children, exit codes sum %ld\n", n, sum);
    return 0;
}
