/* threadexec FILE
 *
 * execve from a thread that is not the leader.  The main thread opens FILE
 * (O_WRONLY|O_CREAT|O_TRUNC, inherited by the new image) and a second fd on
 * FILE with O_CLOEXEC, writes 10 bytes through each, starts a thread that
 * sleeps in nanosleep and a thread that re-executes this program with
 * "--after" (the pid goes in THREADEXEC_PID in the environment), then waits
 * in read() on a pipe nobody writes to.  The fds are moved to 40 and 41
 * so that nothing depends on which other fds are open.
 *
 * The exec'ing thread takes over the leader's pid: the old tid never
 * reports an exit and the leader and the sleeping thread vanish without
 * one.  The new image checks that its pid is the old one and that the
 * O_CLOEXEC fd is gone, writes 20 bytes through the inherited fd and exits 5.
 * Expected: one process, exe this program, argv [prog, --after],
 * 3 threads, exit 5; FILE opened_for "w", written 40. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>

#include "tracee.h"

static char self[PATH_MAX];

enum { KEPT_FD = 40, CLOEXEC_FD = 41 };

static void *sleeper(void *arg)
{
    struct timespec ts = { 60, 0 };

    nanosleep(&ts, NULL);
    die("sleeper woke up: the exec did not happen");
}

static void *execer(void *arg)
{
    char *av[] = { self, (char *)"--after", NULL };
    struct timespec ts = { 0, 20 * 1000 * 1000 };

    nanosleep(&ts, NULL);   /* let the leader block in read() first */
    execv(self, av);
    die("execv %s", self);
}

static int after(int fd, pid_t oldpid, int cloexec_fd)
{
    unsigned char buf[20];

    if (getpid() != oldpid) {
        errno = 0;
        die("pid %d after exec, expected %d", (int)getpid(), (int)oldpid);
    }
    if (fcntl(cloexec_fd, F_GETFD) != -1 || errno != EBADF) {
        errno = 0;
        die("O_CLOEXEC fd %d survived the exec", cloexec_fd);
    }
    fill_pattern(buf, sizeof buf, 2);
    write_all(fd, buf, sizeof buf);
    printf("threadexec: the exec'd image kept the leader's pid and the inherited fd; exiting 5\n");
    return 5;
}

int main(int argc, char **argv)
{
    unsigned char buf[10];
    pthread_t a, b;
    int fd, fd2, p[2], rc;
    ssize_t len;
    char c;

    if (argc == 2 && strcmp(argv[1], "--after") == 0) {
        const char *old = getenv("THREADEXEC_PID");

        return after(KEPT_FD, old ? (pid_t)atoi(old) : -1, CLOEXEC_FD);
    }
    if (argc != 2)
        die("usage: threadexec FILE");
    len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len < 0)
        die("readlink /proc/self/exe");
    self[len] = '\0';
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || dup2(fd, KEPT_FD) != KEPT_FD || close(fd) != 0)
        die("open %s", argv[1]);
    fd = KEPT_FD;
    fd2 = open(argv[1], O_WRONLY);
    if (fd2 < 0 || dup3(fd2, CLOEXEC_FD, O_CLOEXEC) != CLOEXEC_FD || close(fd2) != 0)
        die("open %s", argv[1]);
    fd2 = CLOEXEC_FD;
    fill_pattern(buf, sizeof buf, 0);
    write_all(fd, buf, sizeof buf);
    if (lseek(fd2, 0, SEEK_END) < 0)
        die("lseek");
    write_all(fd2, buf, sizeof buf);
    {
        char pid[16];

        snprintf(pid, sizeof pid, "%d", (int)getpid());
        if (setenv("THREADEXEC_PID", pid, 1) != 0)
            die("setenv");
    }
    if (pipe(p) != 0)
        die("pipe");
    printf("threadexec: the leader waits in read() while a thread execs\n");
    fflush(stdout);
    rc = pthread_create(&a, NULL, sleeper, NULL);
    if (rc == 0)
        rc = pthread_create(&b, NULL, execer, NULL);
    if (rc != 0) {
        errno = rc;
        die("pthread_create");
    }
    len = read(p[0], &c, 1);
    die("read returned %zd in the leader", len);
}
