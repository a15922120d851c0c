/* unsharefds process|thread A B
 *
 * An fd table shared, then unshared (unshare(CLONE_FILES)) by one of its
 * users, which then reuses an fd number for another file.  The main
 * thread opens A (fd N) and starts a process sharing its fds (clone with
 * CLONE_FILES, "process") or a thread ("thread").  That one writes 5 bytes
 * to N (A), calls unshare(CLONE_FILES), closes its N, opens B (it gets N
 * again) and writes 10 bytes to it.  When it has ended, the main thread
 * writes 20 bytes to its N, still A.
 * Expected: A written 25, B written 10; exit 0 (2 processes with
 * "process", 1 process of 2 threads with "thread"). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#include "tracee.h"

static int fd;
static const char *b_path;

static int other(void *unused)
{
    (void)unused;
    write_all(fd, "AAAAA", 5);
    if (unshare(CLONE_FILES) != 0)
        die("unshare");
    close(fd);
    if (open(b_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) != fd)
        die("open %s did not reuse fd %d", b_path, fd);
    write_all(fd, "BBBBBBBBBB", 10);
    return 0;
}

static void *thread_main(void *unused)
{
    other(unused);
    return NULL;
}

int main(int argc, char **argv)
{
    static char stack[256 * 1024];
    int st;

    if (argc != 4 || (strcmp(argv[1], "process") != 0 && strcmp(argv[1], "thread") != 0))
        die("usage: unsharefds process|thread A B");
    b_path = argv[3];
    fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", argv[2]);
    if (argv[1][0] == 'p') {
        pid_t pid = clone(other, stack + sizeof stack, CLONE_FILES | SIGCHLD, NULL);
        if (pid < 0)
            die("clone");
        if (waitpid(pid, &st, 0) != pid || st != 0)
            die("child");
    } else {
        pthread_t t;
        if (pthread_create(&t, NULL, thread_main, NULL) != 0)
            die("pthread_create");
        pthread_join(t, NULL);
    }
    write_all(fd, "AAAAAAAAAAAAAAAAAAAA", 20);
    return 0;
}
