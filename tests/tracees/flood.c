/* flood N [FILES] [FORKS]
 *
 * As fast as it can, N times: open one of FILES (default 1000) files
 * "flood.d/fNNNN" under the current directory (O_WRONLY|O_CREAT|O_APPEND,
 * made beforehand, in turn), write one byte to it, close it.  That is
 * N opens, N one-byte writes and N closes, far more records than a tracer
 * that copies each of them out of the kernel can take at once.  With
 * FORKS > 0 it also forks and execs "/bin/true" FORKS times, spread
 * evenly over the loop, waiting for each (a tracer that holds the flood
 * back must still see those ptrace stops through).
 * Prints {"pid":P,"opens":N,"written_bytes":N,"files":F,"forks":K,"ns":T}
 * (T: wall time of the loop) and exits 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "tracee.h"

/* CLOCK_MONOTONIC now, in ns. */
static long long now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Fork, exec /bin/true, wait for it. */
static void fork_true(void)
{
    int st;
    pid_t pid = fork();

    if (pid < 0)
        die("fork");
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("/bin/true did not exit 0");
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    long files = argc > 2 ? atol(argv[2]) : 1000;
    long forks = argc > 3 ? atol(argv[3]) : 0, forked = 0;
    long every = forks > 0 ? n / (forks + 1) : 0;
    char path[64];
    long long t0;

    if (n < 0 || files < 1 || files > 9999 || forks < 0) {
        errno = 0;
        die("usage: flood N [FILES (1-9999)] [FORKS]");
    }
    if (mkdir("flood.d", 0755) != 0 && errno != EEXIST)
        die("mkdir flood.d");
    for (long f = 0; f < files; f++) {
        snprintf(path, sizeof path, "flood.d/f%04ld", f);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || close(fd) != 0)
            die("create %s", path);
    }
    t0 = now_ns();
    for (long i = 0; i < n; i++) {
        snprintf(path, sizeof path, "flood.d/f%04ld", i % files);
        int fd = open(path, O_WRONLY | O_APPEND);
        if (fd < 0)
            die("open %s", path);
        write_all(fd, "x", 1);
        if (close(fd) != 0)
            die("close %s", path);
        if (every && (i + 1) % every == 0 && forked < forks) {
            fork_true();
            forked++;
        }
    }
    printf("{\"pid\":%d,\"opens\":%ld,\"written_bytes\":%ld,\"files\":%ld,\"forks\":%ld,"
           "\"ns\":%lld}\n", (int)getpid(), n, n, files, forked, now_ns() - t0);
    return 0;
}
