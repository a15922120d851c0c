/* ebpf_lanes ROUNDS FILE
 *
 * One process, one child, one thread, each of them short-lived next to
 * the root: the root starts a thread and forks a child; the thread and the
 * child each nap 1 ms ROUNDS times (so the kernel measures many waits of
 * theirs, some of them reported only after they ended), then as their last
 * act open FILE.thread or FILE.child, write 100 bytes and close it, and
 * end; the root waits for both, then naps ROUNDS times more, so the trace
 * goes on well after they ended.  Every task, before it does anything
 * else, prints "task TID PID" with one write(2).  Exit 0.
 * Expected: two processes, three tasks, one lane each; FILE.thread and
 * FILE.child written 100 bytes each.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "tracee.h"

static int rounds;
static const char *base;

/* "task TID PID" in one write. */
static void announce(void)
{
    char line[64];
    int n = snprintf(line, sizeof(line), "task %d %d\n", (int)syscall(SYS_gettid), (int)getpid());

    write_all(1, line, (size_t)n);
}

/* Sleep 1 ms, n times. */
static void naps(int n)
{
    struct timespec ts = { 0, 1000000 };

    for (int i = 0; i < n; i++)
        nanosleep(&ts, NULL);
}

/* Write 100 bytes to BASE.suffix (created or truncated). */
static void last_write(const char *suffix)
{
    unsigned char buf[100];
    char path[4096];
    int fd;

    snprintf(path, sizeof(path), "%s.%s", base, suffix);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", path);
    fill_pattern(buf, sizeof(buf), 3);
    write_all(fd, buf, sizeof(buf));
    close(fd);
}

static void *thread_main(void *arg)
{
    (void)arg;
    announce();
    naps(rounds);
    last_write("thread");
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t th;
    pid_t pid;
    int rc, status;

    if (argc != 3 || (rounds = atoi(argv[1])) <= 0)
        die("usage: ebpf_lanes ROUNDS FILE");
    base = argv[2];
    announce();
    rc = pthread_create(&th, NULL, thread_main, NULL);
    if (rc != 0) {
        errno = rc;
        die("pthread_create");
    }
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        announce();
        naps(rounds);
        last_write("child");
        _exit(0);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("child %d", (int)pid);
    rc = pthread_join(th, NULL);
    if (rc != 0) {
        errno = rc;
        die("pthread_join");
    }
    naps(rounds);
    return 0;
}
