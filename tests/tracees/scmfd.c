/* scmfd F1 F2 F3
 *
 * fds that arrive without an open: over a unix socket (SCM_RIGHTS) and
 * with pidfd_getfd.  A child creates F1, F2 and F3 (O_RDWR|O_CREAT|O_TRUNC),
 * writes 1000 bytes to each and rewinds them, sends the fds of F1 and F2 to
 * the parent in one SCM_RIGHTS message (1 data byte) over a socketpair,
 * then sends the number of its F3 fd (4 data bytes) and waits for a byte
 * from the parent.  The parent, which never opened any of the files,
 *   - receives the two fds (recvmsg, MSG_CMSG_CLOEXEC) and reads 100 bytes
 *     from F1 and 200 from F2,
 *   - takes F3 from the child with pidfd_open + pidfd_getfd and reads 300,
 * then releases the child (exit 0).  If pidfd_getfd is not permitted the
 * parent reads nothing from F3 and says so.
 * Expected: F1/F2/F3 opened_for "rw", written 1000 each, read 100/200/300;
 * 2 processes; exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tracee.h"

static int create(const char *path)
{
    unsigned char buf[1000];
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        die("open %s", path);
    fill_pattern(buf, sizeof buf, (unsigned)fd);
    write_all(fd, buf, sizeof buf);
    if (lseek(fd, 0, SEEK_SET) != 0)
        die("lseek");
    return fd;
}

static void child(int sock, char **paths)
{
    int f1 = create(paths[0]), f2 = create(paths[1]), f3 = create(paths[2]);
    int fds[2] = { f1, f2 };
    union {
        char buf[CMSG_SPACE(sizeof fds)];
        struct cmsghdr align;
    } u;
    struct iovec iov = { (void *)"F", 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    char done;

    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    if (sendmsg(sock, &mh, 0) != 1)
        die("sendmsg");
    close(f1);
    close(f2);
    write_all(sock, &f3, sizeof f3);
    read_exact(sock, &done, 1);
    _exit(0);
}

static void read_from(int fd, size_t n, const char *what)
{
    unsigned char buf[300];

    read_exact(fd, buf, n);
    printf("scmfd: read %zu bytes from %s\n", n, what);
}

int main(int argc, char **argv)
{
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    char data;
    struct iovec iov = { &data, 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c;
    int sv[2], fds[2], childfd, pidfd, f3, st;
    pid_t pid;

    if (argc != 4)
        die("usage: scmfd F1 F2 F3");
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        die("socketpair");
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(sv[0]);
        child(sv[1], argv + 1);
    }
    close(sv[1]);
    if (recvmsg(sv[0], &mh, MSG_CMSG_CLOEXEC) != 1)
        die("recvmsg");
    c = CMSG_FIRSTHDR(&mh);
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof fds)) {
        errno = 0;
        die("no SCM_RIGHTS with two fds");
    }
    memcpy(fds, CMSG_DATA(c), sizeof fds);
    read_from(fds[0], 100, "F1 (SCM_RIGHTS)");
    read_from(fds[1], 200, "F2 (SCM_RIGHTS)");

    read_exact(sv[0], &childfd, sizeof childfd);
    pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0)
        die("pidfd_open");
    f3 = (int)syscall(SYS_pidfd_getfd, pidfd, childfd, 0);
    if (f3 >= 0)
        read_from(f3, 300, "F3 (pidfd_getfd)");
    else
        printf("scmfd: pidfd_getfd failed: %s\n", strerror(errno));
    fflush(stdout);
    write_all(sv[0], "x", 1);
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("child failed");
    return 0;
}
