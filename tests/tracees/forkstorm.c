/* forkstorm FILE [N]
 *
 * Forks N (default 300) short-lived children in waves of 25 that run at the
 * same time.  Child i appends i % 13 + 1 bytes to FILE through the fd the
 * parent opened before forking (O_APPEND), and every tenth child first forks
 * a grandchild that does the same with 5 bytes.  Child i exits with status
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
#include <sys/wait.h>

#include "tracee.h"

#define WAVE 25

static void child(int fd, int i)
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

int main(int argc, char **argv)
{
    pid_t pids[WAVE];
    int n = 300, fd, reaped = 0;
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
    for (int base = 0; base < n; base += WAVE) {
        int k = n - base < WAVE ? n - base : WAVE;

        for (int j = 0; j < k; j++) {
            pids[j] = fork();
            if (pids[j] < 0)
                die("fork");
            if (pids[j] == 0)
                child(fd, base + j);
        }
        for (int j = 0; j < k; j++) {
            int st;

            if (waitpid(pids[j], &st, 0) != pids[j])
                die("waitpid");
            if (!WIFEXITED(st) || WEXITSTATUS(st) != (base + j) % 7) {
                errno = 0;
                die("child %d: status 0x%x", base + j, (unsigned)st);
            }
            sum += WEXITSTATUS(st);
            reaped++;
        }
    }
    close(fd);
    printf("forkstorm: reaped %d children, exit codes sum %ld\n", reaped, sum);
    return 0;
}
