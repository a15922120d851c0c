/* netpair
 *
 * Loopback networking with exactly known byte counts.  The parent listens
 * on 127.0.0.1:0 (TCP) and, when ::1 is usable, on [::1]:0 (TCP); it forks
 * one client child and serves it:
 *   conn A  tcp4, blocking connect: client send() 1000 + write() 500,
 *           server recv()s 1500, replies sendto() 700, client read()s 700
 *   conn B  tcp4, client bind()s to 127.0.0.1:0 first, then non-blocking
 *           connect (EINPROGRESS, then poll): client send() 10, server
 *           accept4()s, recv()s 10, replies send() 20
 *   conn C  tcp6 (only if ::1 works): client send() 300, server accept()s,
 *           recv()s 300, replies write() 200, client recv()s 200
 * Connections are served strictly one after another.  The client prints
 * one line and exits 0.  Afterwards, in the parent, UDP: a server socket
 * bound to 127.0.0.1:0, a client socket connect()ed to it sends 64 bytes,
 * the server recvfrom()s 64 (the server socket is not a connection).
 * Expected connections (sent/received): A connect 1500/700, A accept
 * 700/1500, B connect 10/20, B accept 20/10, [C connect 300/200, C accept
 * 200/300], udp4 connect 64/0.  Net totals: sent = received = 2294 without
 * C, 2794 with C (the UDP server's recvfrom counts, it is just not part of
 * any connection). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tracee.h"

struct endpoint {
    struct sockaddr_storage addr;
    socklen_t len;
};

static void send_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = send(fd, p + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("send");
        }
        done += (size_t)n;
    }
}

static void sendto_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = sendto(fd, p + done, len - done, 0, NULL, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("sendto");
        }
        done += (size_t)n;
    }
}

static void recv_exact(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t done = 0;

    while (done < len) {
        ssize_t n = recv(fd, p + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("recv");
        }
        if (n == 0) {
            errno = 0;
            die("recv: EOF after %zu of %zu bytes", done, len);
        }
        done += (size_t)n;
    }
}

/* Returns a listening socket bound to the loopback address of family, or
 * -1 if that family is unusable here (only tolerated for AF_INET6). */
static int listen_loopback(int family, struct endpoint *ep)
{
    int fd = socket(family, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    memset(ep, 0, sizeof *ep);
    if (family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ep->addr;
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ep->len = sizeof *sin;
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->addr;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_addr = in6addr_loopback;
        ep->len = sizeof *sin6;
    }
    if (bind(fd, (struct sockaddr *)&ep->addr, ep->len) != 0 || listen(fd, 4) != 0) {
        close(fd);
        return -1;
    }
    if (getsockname(fd, (struct sockaddr *)&ep->addr, &ep->len) != 0)
        die("getsockname");
    return fd;
}

static int connect_blocking(const struct endpoint *ep)
{
    int fd = socket(ep->addr.ss_family, SOCK_STREAM, 0);

    if (fd < 0)
        die("socket");
    if (connect(fd, (const struct sockaddr *)&ep->addr, ep->len) != 0)
        die("connect");
    return fd;
}

/* Binds to the loopback address (port 0) before connecting, so the local
 * address exists before the connection does. */
static int connect_nonblocking(const struct endpoint *ep)
{
    int fd = socket(ep->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int err = 0;
    socklen_t errlen = sizeof err;
    struct sockaddr_in local;
    struct pollfd pfd;

    if (fd < 0)
        die("socket");
    if (ep->addr.ss_family != AF_INET) {
        errno = 0;
        die("connect_nonblocking: IPv4 only");
    }
    memset(&local, 0, sizeof local);
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&local, sizeof local) != 0)
        die("bind before connect");
    if (connect(fd, (const struct sockaddr *)&ep->addr, ep->len) != 0) {
        if (errno != EINPROGRESS)
            die("non-blocking connect");
        pfd.fd = fd;
        pfd.events = POLLOUT;
        while (poll(&pfd, 1, -1) < 0)
            if (errno != EINTR)
                die("poll");
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) != 0)
            die("getsockopt");
        if (err != 0) {
            errno = err;
            die("non-blocking connect completion");
        }
    }
    if (fcntl(fd, F_SETFL, 0) != 0)
        die("fcntl F_SETFL");
    return fd;
}

static void client(const struct endpoint *ep4, const struct endpoint *ep6, int have6)
{
    unsigned char buf[1000];
    int fd;

    fill_pattern(buf, sizeof buf, 11);

    fd = connect_blocking(ep4);                 /* conn A */
    send_all(fd, buf, 1000);
    write_all(fd, buf, 500);
    read_exact(fd, buf, 700);
    close(fd);

    fd = connect_nonblocking(ep4);              /* conn B */
    send_all(fd, buf, 10);
    read_exact(fd, buf, 20);
    close(fd);

    if (have6) {                                /* conn C */
        fd = connect_blocking(ep6);
        send_all(fd, buf, 300);
        recv_exact(fd, buf, 200);
        close(fd);
    }
    printf("netpair client: done (ipv6 %s)\n", have6 ? "used" : "skipped");
    fflush(stdout);
    _exit(0);
}

static void udp_part(void)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    unsigned char buf[64];
    int srv, cli;
    ssize_t n;

    srv = socket(AF_INET, SOCK_DGRAM, 0);
    cli = socket(AF_INET, SOCK_DGRAM, 0);
    if (srv < 0 || cli < 0)
        die("udp socket");
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(srv, (struct sockaddr *)&addr, sizeof addr) != 0)
        die("udp bind");
    if (getsockname(srv, (struct sockaddr *)&addr, &len) != 0)
        die("udp getsockname");
    if (connect(cli, (struct sockaddr *)&addr, sizeof addr) != 0)
        die("udp connect");
    fill_pattern(buf, sizeof buf, 13);
    if (send(cli, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
        die("udp send");
    n = recvfrom(srv, buf, sizeof buf, 0, NULL, NULL);
    if (n != (ssize_t)sizeof buf)
        die("udp recvfrom returned %zd", n);
    close(cli);
    close(srv);
}

int main(void)
{
    struct endpoint ep4, ep6;
    unsigned char buf[1500];
    int l4, l6, c, status, have6;
    pid_t pid;

    l4 = listen_loopback(AF_INET, &ep4);
    if (l4 < 0)
        die("tcp4 listen on 127.0.0.1");
    l6 = listen_loopback(AF_INET6, &ep6);
    have6 = l6 >= 0;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(l4);
        if (have6)
            close(l6);
        client(&ep4, &ep6, have6);
    }

    fill_pattern(buf, sizeof buf, 17);

    c = accept(l4, NULL, NULL);                 /* conn A */
    if (c < 0)
        die("accept A");
    recv_exact(c, buf, 1500);
    sendto_all(c, buf, 700);
    close(c);

    c = accept4(l4, NULL, NULL, SOCK_CLOEXEC);  /* conn B */
    if (c < 0)
        die("accept4 B");
    recv_exact(c, buf, 10);
    send_all(c, buf, 20);
    close(c);
    close(l4);

    if (have6) {                                /* conn C */
        c = accept(l6, NULL, NULL);
        if (c < 0)
            die("accept C");
        recv_exact(c, buf, 300);
        write_all(c, buf, 200);
        close(c);
        close(l6);
    }

    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("client failed");

    udp_part();
    printf("netpair server: done\n");
    return 0;
}
