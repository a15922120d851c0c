/* scmmmsg STALE F1 F2
 *
 * fds that arrive with SCM_RIGHTS in a recvmmsg, at numbers a file had
 * just before.  A child creates F1 and F2 and sends their fds to the
 * parent in two datagrams, one fd each, over a SOCK_DGRAM socketpair, then
 * exits.  The parent opens STALE twice and closes both (the numbers the
 * fds will take), takes the two messages in one recvmmsg, and writes 100
 * bytes through the first fd and 200 through the second.
 * Expected: F1 written 100, F2 written 200, STALE written 0; 2 processes;
 * exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tracee.h"

union cmsg_one {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
};

static void send_fd(int sock, int fd)
{
    union cmsg_one u;
    struct iovec iov = { (void *)"F", 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fd);
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (sendmsg(sock, &mh, 0) != 1)
        die("sendmsg");
}

int main(int argc, char **argv)
{
    union cmsg_one u[2];
    char data[2];
    struct iovec iov[2] = { { &data[0], 1 }, { &data[1], 1 } };
    struct mmsghdr m[2];
    unsigned char buf[200];
    int sv[2], stale[2], got[2], st;
    pid_t pid;

    if (argc != 4)
        die("usage: scmmmsg STALE F1 F2");
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
        die("socketpair");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        for (int i = 0; i < 2; i++) {
            int fd = open(argv[2 + i], O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0)
                die("open %s", argv[2 + i]);
            send_fd(sv[1], fd);
        }
        _exit(0);
    }
    if (waitpid(pid, &st, 0) != pid || st != 0)
        die("child");
    for (int i = 0; i < 2; i++)
        if ((stale[i] = open(argv[1], O_WRONLY | O_CREAT, 0644)) < 0)
            die("open %s", argv[1]);
    close(stale[0]);
    close(stale[1]);
    memset(m, 0, sizeof m);
    for (int i = 0; i < 2; i++)
        m[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1,
                                        .msg_control = u[i].buf, .msg_controllen = sizeof u[i].buf };
    if (recvmmsg(sv[0], m, 2, MSG_WAITALL, NULL) != 2)
        die("recvmmsg");
    for (int i = 0; i < 2; i++) {
        struct cmsghdr *c = CMSG_FIRSTHDR(&m[i].msg_hdr);
        if (!c || c->cmsg_type != SCM_RIGHTS) {
            errno = 0;
            die("message %d has no fd", i);
        }
        memcpy(&got[i], CMSG_DATA(c), sizeof got[i]);
    }
    if (got[0] != stale[0] || got[1] != stale[1])
        printf("scmmmsg: fds %d %d, not at the stale numbers %d %d\n", got[0], got[1], stale[0], stale[1]);
    fill_pattern(buf, sizeof buf, 1);
    write_all(got[0], buf, 100);
    write_all(got[1], buf, 200);
    return 0;
}
