/* netnames [NAME]
 *
 * Names for peers, and unconnected UDP.
 *   With NAME: listen on TCP 0.0.0.0:P, look NAME up with getaddrinfo
 *   (AF_INET, glibc: /etc/hosts, then DNS as nsswitch.conf says), connect
 *   to its first address at port P, send 100 bytes, accept, receive them,
 *   and send 40 back: a tcp4 connection to NAME sent 100 received 40,
 *   and its accepted peer sent 40 received 100.  Prints the address.
 *   Always, on two unconnected UDP sockets A and B bound to 127.0.0.1:0:
 *   A sendto() B 10, 20 and 30 bytes, B recvfrom() each, B sendmsg() A
 *   7 bytes with msg_name, A recvmsg() them: the flow of A to B sent 60
 *   received 7, the flow of B to A sent 7 received 60.
 * Net totals: sent 207 (without NAME 67), received the same. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "tracee.h"

/* A UDP socket bound to 127.0.0.1:0; its address in addr. */
static int bound_udp(struct sockaddr_in *addr)
{
    socklen_t len = sizeof *addr;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0)
        die("socket");
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)addr, sizeof *addr) != 0 ||
        getsockname(fd, (struct sockaddr *)addr, &len) != 0)
        die("bind");
    return fd;
}

/* recv exactly len bytes from a stream socket. */
static void recv_all(int fd, unsigned char *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = recv(fd, buf + done, len - done, 0);
        if (n <= 0)
            die("recv");
        done += (size_t)n;
    }
}

/* The TCP part: NAME looked up, connected to, 100 bytes there, 40 back. */
static void tcp_named(const char *name)
{
    struct sockaddr_in la = { .sin_family = AF_INET };
    struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
    unsigned char buf[100], in[100];
    socklen_t len = sizeof la;
    char port[16], text[INET_ADDRSTRLEN];
    int l, c, s, err;

    l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&la, sizeof la) != 0 || listen(l, 1) != 0 ||
        getsockname(l, (struct sockaddr *)&la, &len) != 0)
        die("listen");
    snprintf(port, sizeof port, "%u", (unsigned)ntohs(la.sin_port));
    err = getaddrinfo(name, port, &hints, &res);
    if (err)
        die("getaddrinfo %s: %s", name, gai_strerror(err));
    inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, text, sizeof text);
    printf("%s %s\n", name, text);
    fflush(stdout);
    c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, res->ai_addr, res->ai_addrlen) != 0)
        die("connect");
    freeaddrinfo(res);
    s = accept(l, NULL, NULL);
    if (s < 0)
        die("accept");
    fill_pattern(buf, sizeof buf, 3);
    if (send(c, buf, 100, 0) != 100)
        die("send");
    recv_all(s, in, 100);
    if (send(s, buf, 40, 0) != 40)
        die("send back");
    recv_all(c, in, 40);
    close(c);
    close(s);
    close(l);
}

/* The UDP part: datagrams by address only. */
static void udp_flows(void)
{
    struct sockaddr_in aa, ba, from;
    unsigned char buf[64], in[64];
    struct iovec iov;
    struct msghdr msg;
    socklen_t flen;
    int a = bound_udp(&aa), b = bound_udp(&ba);

    fill_pattern(buf, sizeof buf, 7);
    for (int i = 1; i <= 3; i++)
        if (sendto(a, buf, (size_t)(10 * i), 0, (struct sockaddr *)&ba, sizeof ba) != 10 * i)
            die("sendto");
    for (int i = 1; i <= 3; i++) {
        flen = sizeof from;
        if (recvfrom(b, in, sizeof in, 0, (struct sockaddr *)&from, &flen) != 10 * i)
            die("recvfrom");
    }
    iov = (struct iovec){ .iov_base = buf, .iov_len = 7 };
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &aa;
    msg.msg_namelen = sizeof aa;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (sendmsg(b, &msg, 0) != 7)
        die("sendmsg");
    iov = (struct iovec){ .iov_base = in, .iov_len = sizeof in };
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (recvmsg(a, &msg, 0) != 7)
        die("recvmsg");
    close(a);
    close(b);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        tcp_named(argv[1]);
    udp_flows();
    return 0;
}
