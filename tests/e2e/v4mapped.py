"""A dual-stack IPv6 listener (bound to ::) accepts a connection an IPv4
socket made to 127.0.0.1: the accepted socket's addresses are IPv4-mapped
([::ffff:127.0.0.1]:PORT, as inet_ntop and strace write them), the
connecting socket's plain IPv4.  The client sends 9 bytes, the server
answers 4."""
from e2elib import Invocation, want_exit, want_io

PROGRAM = r'''
/* v4mapped
 *
 * Listener: AF_INET6 on [::]:0, IPV6_V6ONLY off.  Client: AF_INET,
 * connect to 127.0.0.1:PORT, write 9 bytes; the accepted socket reads
 * them and writes 4 back, which the client reads.
 * Expected: a tcp4 connect sent 9 received 4; a tcp6 accept from
 * [::ffff:127.0.0.1] sent 4 received 9. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tracee.h"

int main(void)
{
    struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
    struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof s6;
    int off = 0, l, c, a;
    char buf[16];

    l = socket(AF_INET6, SOCK_STREAM, 0);
    if (l < 0 || setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) ||
        bind(l, (struct sockaddr *)&s6, sizeof s6) || listen(l, 1) ||
        getsockname(l, (struct sockaddr *)&s6, &len))
        die("dual-stack listener");
    s4.sin_port = s6.sin6_port;
    c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&s4, sizeof s4))
        die("connect to 127.0.0.1");
    a = accept(l, NULL, NULL);
    if (a < 0 || write(c, "v4-mapped", 9) != 9 || read(a, buf, sizeof buf) != 9 ||
        write(a, "pong", 4) != 4 || read(c, buf, sizeof buf) != 4)
        die("exchange");
    close(a);
    close(c);
    close(l);
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    conns = s.get("connections") or []
    got = sorted((c["proto"], c["role"], c["remote"].rsplit(":", 1)[0], c["sent_bytes"],
                  c["received_bytes"]) for c in conns)
    want = [("tcp4", "connect", "127.0.0.1", 9, 4),
            ("tcp6", "accept", "[::ffff:127.0.0.1]", 4, 9)]
    probs = [] if got == want else [f"connections {got}, expected {want}"]
    return probs + want_exit(s, 0) + want_io(s, net_sent_bytes=13, net_received_bytes=13)
