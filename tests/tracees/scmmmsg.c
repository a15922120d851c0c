/* scmmmsg STALE F1 F2 F3
 *
 * fds that arrive with SCM_RIGHTS at numbers a file had just before.  A
 * child creates F3 and sends 80 copies of its fd to the parent in one
 * datagram over a SOCK_DGRAM socketpair; then creates F1 and F2 and sends
 * their fds in two more datagrams, one fd each, and exits.  The parent
 * opens STALE 82 times and closes them all (the numbers the fds will
 * take), takes the first message with recvmsg and writes 300 bytes
 * through its last fd, then closes those 80, takes the other two messages
 * in one recvmmsg, and writes 100 bytes through the first fd and 200
 * through the second.
 * Expected: F1 written 100, F2 written 200, F3 written 300, STALE written
 * 0; 2 processes; exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tracee.h"

#define MANY 80   /* fds in the third message: 336 control bytes */

union cmsg_one {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
};

union cmsg_many {
    char buf[CMSG_SPACE(MANY * sizeof(int))];
    struct cmsghdr align;
};

/* Send the n fds in one datagram of one byte. */
static void send_fds(int sock, const int *fds, size_t n)
{
    union cmsg_many u;
    struct iovec iov = { (void *)"F", 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = u.buf, .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(n * sizeof(int));
    memcpy(CMSG_DATA(c), fds, n * sizeof(int));
    if (sendmsg(sock, &mh, 0) != 1)
        die("sendmsg");
}

static int create(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        die("open %s", path);
    return fd;
}

int main(int argc, char **argv)
{
    union cmsg_one u[2];
    union cmsg_many um;
    char data[3];
    struct iovec iov[3] = { { &data[0], 1 }, { &data[1], 1 }, { &data[2], 1 } };
    struct mmsghdr m[2];
    struct msghdr mh = { .msg_iov = &iov[2], .msg_iovlen = 1,
                         .msg_control = um.buf, .msg_controllen = sizeof um.buf };
    unsigned char buf[300];
    int sv[2], stale[MANY + 2], got[2], many[MANY], st;
    pid_t pid;

    if (argc != 5)
        die("usage: scmmmsg STALE F1 F2 F3");
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
        die("socketpair");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        many[0] = create(argv[4]);
        for (int i = 1; i < MANY; i++)
            if ((many[i] = dup(many[0])) < 0)
                die("dup");
        send_fds(sv[1], many, MANY);
        for (int i = 0; i < 2; i++) {
            int fd = create(argv[2 + i]);
            send_fds(sv[1], &fd, 1);
        }
        _exit(0);
    }
    if (waitpid(pid, &st, 0) != pid || st != 0)
        die("child");
    for (int i = 0; i < MANY + 2; i++)
        if ((stale[i] = open(argv[1], O_WRONLY | O_CREAT, 0644)) < 0)
            die("open %s", argv[1]);
    for (int i = 0; i < MANY + 2; i++)
        close(stale[i]);
    fill_pattern(buf, sizeof buf, 1);
    if (recvmsg(sv[0], &mh, 0) != 1)
        die("recvmsg");
    if (!CMSG_FIRSTHDR(&mh) || CMSG_FIRSTHDR(&mh)->cmsg_len != CMSG_LEN(sizeof many)) {
        errno = 0;
        die("the first message has not %d fds", MANY);
    }
    memcpy(many, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof many);
    write_all(many[MANY - 1], buf, 300);
    for (int i = 0; i < MANY; i++)
        close(many[i]);
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
    write_all(got[0], buf, 100);
    write_all(got[1], buf, 200);
    return 0;
}
