/* netmsg
 *
 * Message-oriented socket calls on two connected UDP sockets A and B, both
 * bound to 127.0.0.1:0 and connect()ed to each other (two udp4 connections):
 *   A sendmsg() 2 iovecs 10+20         B recvmsg()    30
 *   A sendmmsg() 3 messages 8,16,24    B recvmmsg()   48 (3 messages)
 *   B writev() 2 iovecs 5+6            A readv()      11
 * Expected connections: A->B sent 78 received 11, B->A sent 11 received 78.
 * Net totals sent 89, received 89. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "tracee.h"

static int bound_udp(struct sockaddr_in *addr)
{
    socklen_t len = sizeof *addr;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0)
        die("socket");
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)addr, sizeof *addr) != 0)
        die("bind");
    if (getsockname(fd, (struct sockaddr *)addr, &len) != 0)
        die("getsockname");
    return fd;
}

int main(void)
{
    unsigned char buf[64], r[3][64];
    struct sockaddr_in addr_a, addr_b;
    struct iovec iov[3];
    struct mmsghdr mm[3];
    struct msghdr msg;
    ssize_t n;
    int a, b, got;

    a = bound_udp(&addr_a);
    b = bound_udp(&addr_b);
    if (connect(a, (struct sockaddr *)&addr_b, sizeof addr_b) != 0 ||
        connect(b, (struct sockaddr *)&addr_a, sizeof addr_a) != 0)
        die("connect");
    fill_pattern(buf, sizeof buf, 19);

    /* sendmsg / recvmsg: 30 bytes */
    iov[0] = (struct iovec){ .iov_base = buf, .iov_len = 10 };
    iov[1] = (struct iovec){ .iov_base = buf + 10, .iov_len = 20 };
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    if (sendmsg(a, &msg, 0) != 30)
        die("sendmsg");
    iov[0] = (struct iovec){ .iov_base = r[0], .iov_len = sizeof r[0] };
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = iov;
    msg.msg_iovlen = 1;
    n = recvmsg(b, &msg, 0);
    if (n != 30)
        die("recvmsg returned %zd", n);

    /* sendmmsg / recvmmsg: 8 + 16 + 24 bytes */
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        iov[i] = (struct iovec){ .iov_base = buf, .iov_len = (size_t)(8 * (i + 1)) };
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    if (sendmmsg(a, mm, 3, 0) != 3)
        die("sendmmsg");
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        iov[i] = (struct iovec){ .iov_base = r[i], .iov_len = sizeof r[i] };
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    got = 0;
    while (got < 3) {
        int m = recvmmsg(b, mm + got, (unsigned)(3 - got), 0, NULL);
        if (m < 0) {
            if (errno == EINTR)
                continue;
            die("recvmmsg");
        }
        got += m;
    }
    if (mm[0].msg_len + mm[1].msg_len + mm[2].msg_len != 48) {
        errno = 0;
        die("recvmmsg lengths");
    }

    /* writev / readv: 11 bytes */
    iov[0] = (struct iovec){ .iov_base = buf, .iov_len = 5 };
    iov[1] = (struct iovec){ .iov_base = buf + 5, .iov_len = 6 };
    if (writev(b, iov, 2) != 11)
        die("writev");
    iov[0] = (struct iovec){ .iov_base = r[0], .iov_len = 4 };
    iov[1] = (struct iovec){ .iov_base = r[1], .iov_len = sizeof r[1] };
    n = readv(a, iov, 2);
    if (n != 11)
        die("readv returned %zd", n);

    close(a);
    close(b);
    printf("netmsg: 78 bytes A->B, 11 bytes B->A\n");
    return 0;
}
