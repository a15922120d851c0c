/* spawnmany DIR N M
 *
 * Runs /bin/true N times and /bin/echo M times, one after another, each a
 * child of this process (fork, exec, wait), 5 ms apart: first true and echo
 * in turn while there are echos left, then the rest of the trues.  Halfway
 * through the trues (after N / 2 of them) it makes DIR/half and waits until
 * DIR/go exists; after the last one it makes DIR/done and waits until
 * DIR/end exists, so a test can look at a tracer's view at those points
 * while the program still runs (each wait gives up after 120 s).
 * Its children are reaped only at the end, so that each keeps its pid for
 * the whole run: no two of them have the same pid, however fast the
 * machine's other processes use pids up (pid_max is 32768 on 2 CPUs).
 * Expected: 1 + N + M processes, N named true and M named echo, every one
 * a child of the first; the echos print "spawnmany I" (I = 1..M); exit 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "tracee.h"

/* Sleep ms milliseconds. */
static void nap(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0)
        ;
}

/* Run path with up to two arguments, wait for it to end (left unreaped);
 * die unless it exits 0. */
static void run(const char *path, const char *a1, const char *a2)
{
    siginfo_t si;
    pid_t pid = fork();

    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        execl(path, path, a1, a2, (char *)NULL);
        _exit(127);
    }
    memset(&si, 0, sizeof(si));
    while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
        ;
    if (si.si_pid != pid || si.si_code != CLD_EXITED || si.si_status != 0)
        die("%s did not exit 0", path);
    nap(5);
}

/* Make DIR/name, then wait until DIR/wait exists. */
static void mark_and_wait(const char *dir, const char *name, const char *wait)
{
    char path[4096];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("%s: %s", path, strerror(errno));
    close(fd);
    snprintf(path, sizeof(path), "%s/%s", dir, wait);
    for (int i = 0; i < 6000 && access(path, F_OK) != 0; i++)
        nap(20);
}

int main(int argc, char **argv)
{
    int n, m, trues = 0;
    char num[16];

    if (argc != 4)
        die("usage: spawnmany DIR N M");
    n = atoi(argv[2]);
    m = atoi(argv[3]);
    for (int i = 1; i <= m; i++) {
        if (trues < n) {
            run("/bin/true", NULL, NULL);
            trues++;
        }
        snprintf(num, sizeof(num), "%d", i);
        run("/bin/echo", "spawnmany", num);
    }
    for (; trues < n; trues++) {
        if (trues == n / 2)
            mark_and_wait(argv[1], "half", "go");
        run("/bin/true", NULL, NULL);
    }
    mark_and_wait(argv[1], "done", "end");
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    return 0;
}
