"""One UDP socket, bound to 127.0.0.1, connected three ways in turn: to a
closed port (a 4-byte send goes, the receive is refused), to a receiver
(6 bytes), then dissolved with connect(AF_UNSPEC) and sending 7 bytes to
the receiver by address (a flow).  Each connection keeps the bytes sent
while it was current, in both engines (the kernel engine counts a
connected socket's sends in the kernel: its count so far is sent when the
socket connects elsewhere)."""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* udp_reconnect: see the docstring. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tracee.h"

static struct sockaddr_in bound(int s)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (void *)&a, sizeof(a)) || getsockname(s, (void *)&a, &len))
        die("bind");
    return a;
}

int main(void)
{
    int u = socket(AF_INET, SOCK_DGRAM, 0), r = socket(AF_INET, SOCK_DGRAM, 0);
    int gone = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ra = bound(r), da = bound(gone);
    struct sockaddr none = { .sa_family = AF_UNSPEC };
    char buf[64];

    bound(u);
    close(gone);   /* its port is closed now */
    if (connect(u, (void *)&da, sizeof(da)) || send(u, "ping", 4, 0) != 4)
        die("first");
    if (recv(u, buf, sizeof(buf), 0) != -1 || errno != ECONNREFUSED)
        die("refused");
    if (connect(u, (void *)&ra, sizeof(ra)) || send(u, "second", 6, 0) != 6 ||
        recv(r, buf, sizeof(buf), 0) != 6)
        die("second");
    if (connect(u, &none, sizeof(none)) ||
        sendto(u, "third!!", 7, 0, (void *)&ra, sizeof(ra)) != 7 ||
        recv(r, buf, sizeof(buf), 0) != 7)
        die("third");
    return close(u) || close(r);
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)


def check_got(s, ctx, res, events):
    """The two connections and the flow, each with its own bytes."""
    got = sorted((c.get("proto"), c.get("role"), c.get("sent_bytes"), c.get("received_bytes"))
                 for c in s.get("connections", []) if c.get("sent_bytes"))
    want = [("udp4", "connect", 4, 0), ("udp4", "connect", 6, 0), ("udp4", "flow", 7, 0)]
    return [] if got == want else [f"sending connections {got}, expected {want}"]
