"""TCP Fast Open: a client connects as it sends, with sendto(MSG_FASTOPEN)
to a listener on 127.0.0.1 that allows it, then the same with
sendmsg(MSG_FASTOPEN); each is a connection (role connect, its local
address getsockname's) with 9 bytes sent and 2 received, as the server's
accepted ends are.  Skipped where the kernel refuses Fast Open
(net.ipv4.tcp_fastopen without its client bit)."""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* fastopen: a listener with TCP_FASTOPEN on 127.0.0.1; a client sends 9
 * bytes with sendto(MSG_FASTOPEN), gets 2 back; another the same with
 * sendmsg(MSG_FASTOPEN).  Exits 3 when the kernel refuses Fast Open. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tracee.h"

static void one(int l, struct sockaddr_in *a, int use_msg)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), c;
    char buf[64], data[] = "fastopen!";
    ssize_t n;

    if (use_msg) {
        struct iovec iov = { data, 9 };
        struct msghdr m = { .msg_name = a, .msg_namelen = sizeof(*a), .msg_iov = &iov,
                            .msg_iovlen = 1 };
        n = sendmsg(s, &m, MSG_FASTOPEN);
    } else {
        n = sendto(s, data, 9, MSG_FASTOPEN, (void *)a, sizeof(*a));
    }
    if (n < 0 && (errno == EOPNOTSUPP || errno == EPIPE))
        _exit(3);   /* no Fast Open here */
    if (n != 9)
        die("send");
    c = accept(l, NULL, NULL);
    if (c < 0 || read(c, buf, sizeof(buf)) != 9 || send(c, "ok", 2, 0) != 2 ||
        recv(s, buf, sizeof(buf), 0) != 2)
        die("exchange");
    close(c);
    close(s);
}

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM, 0), q = 5;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (setsockopt(l, IPPROTO_TCP, TCP_FASTOPEN, &q, sizeof(q)) ||
        bind(l, (void *)&a, sizeof(a)) || listen(l, 4) || getsockname(l, (void *)&a, &len))
        die("listen");
    one(l, &a, 0);
    one(l, &a, 1);
    puts("ok");
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()], skip_status=3)


def expect(s, ctx, res):
    return want_exit(s, 0)


def check_got(s, ctx, res, events):
    """Two Fast Open connections, each 9 bytes out and 2 in."""
    mine = sorted((c.get("role"), c.get("sent_bytes"), c.get("received_bytes"))
                  for c in s.get("connections", []) if c.get("role") == "connect")
    if mine != [("connect", 9, 2), ("connect", 9, 2)]:
        return [f"connect-role connections {mine}, expected two of 9 bytes sent, 2 received"]
    return []
