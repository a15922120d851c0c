"""UDP sockets never bound: the first sendto (one socket, to one receiver)
or sendmsg with msg_name (another, non-blocking, to another) binds each to
a port of the kernel's choice, and each flow's local address is that port
(0.0.0.0:PORT), the one the receivers' flows name as their peer."""
from e2elib import Invocation, want_conns, want_exit, want_io

PROGRAM = r'''
/* udp_autobind
 *
 * Two receivers bound to 127.0.0.1:0; socket A (SOCK_DGRAM) sends the
 * first 3 datagrams of 40 bytes with sendto, socket B (SOCK_DGRAM |
 * SOCK_NONBLOCK) the second 2 of 25 bytes with sendmsg and msg_name;
 * neither is bound or connected first.  The receivers take them with
 * recvfrom, each sender's port checked against getsockname.
 * Expected: flows A -> R1 120 B, B -> R2 50 B, and the receivers' flows. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tracee.h"

static int port_of(int fd)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;

    if (getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        die("getsockname");
    return ntohs(a.sin_port);
}

/* A socket bound to 127.0.0.1:0, its address in r. */
static int receiver(struct sockaddr_in *r)
{
    socklen_t len = sizeof *r;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(r, 0, sizeof *r);
    r->sin_family = AF_INET;
    r->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)r, sizeof *r) != 0 ||
        getsockname(fd, (struct sockaddr *)r, &len) != 0)
        die("receiver");
    return fd;
}

/* Take n datagrams on rx, each from the port of socket from. */
static void take(int rx, int n, int from)
{
    struct sockaddr_in a;
    char buf[64];

    for (int i = 0; i < n; i++) {
        socklen_t len = sizeof a;

        if (recvfrom(rx, buf, sizeof buf, 0, (struct sockaddr *)&a, &len) < 0)
            die("recvfrom");
        if (ntohs(a.sin_port) != port_of(from))
            die("sender's port");
    }
}

int main(void)
{
    struct sockaddr_in r1, r2;
    int rx1 = receiver(&r1), rx2 = receiver(&r2), a, b;
    char buf[40];
    struct iovec v = { buf, 25 };
    struct msghdr mh = { .msg_name = &r2, .msg_namelen = sizeof r2, .msg_iov = &v,
                         .msg_iovlen = 1 };

    a = socket(AF_INET, SOCK_DGRAM, 0);
    b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (a < 0 || b < 0)
        die("socket");
    memset(buf, 'u', sizeof buf);
    for (int i = 0; i < 3; i++)
        if (sendto(a, buf, 40, 0, (struct sockaddr *)&r1, sizeof r1) != 40)
            die("sendto");
    for (int i = 0; i < 2; i++)
        if (sendmsg(b, &mh, 0) != 25)
            die("sendmsg");
    take(rx1, 3, a);
    take(rx2, 2, b);
    printf("5 datagrams, from ports %s\n", port_of(a) != port_of(b) ? "apart" : "alike");
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    conns = s.get("connections") or []
    probs = want_conns(s, [("udp4", "flow", 0, 50), ("udp4", "flow", 0, 120),
                           ("udp4", "flow", 50, 0), ("udp4", "flow", 120, 0)])
    senders = [c for c in conns if c["sent_bytes"]]
    receivers = {c["remote"] for c in conns if c["received_bytes"]}
    for c in senders:
        port = c["local"].rpartition(":")[2]
        if not c["local"].startswith("0.0.0.0:") or not port.isdigit() or \
                not 0 < int(port) < 65536:
            probs.append(f"sender's flow {c}: local {c['local']!r}, expected 0.0.0.0:PORT")
        elif "127.0.0.1:" + port not in receivers:
            probs.append(f"sender's flow {c}: its port {port} is none the receiver's flows "
                         f"name ({sorted(receivers)})")
    return probs + want_io(s, net_sent_bytes=170, net_received_bytes=170) + want_exit(s, 0)
