"""Non-blocking TCP connects to a closed port of 127.0.0.1, then of ::1,
refused at once (poll, then SO_ERROR ECONNREFUSED): each connection keeps
the local address getsockname gives (the port the connect took, which the
kernel has already given back), never port 0."""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* refused: for 127.0.0.1, then ::1, finds a free port (bind to port 0,
 * close), connects to it without blocking, waits for the refusal and
 * prints the error. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tracee.h"

static void refused(int family)
{
    struct sockaddr_storage a;
    socklen_t len = sizeof(a);
    int probe = socket(family, SOCK_STREAM, 0), s, err = 0;
    struct pollfd p;

    memset(&a, 0, sizeof(a));
    a.ss_family = (sa_family_t)family;
    if (family == AF_INET)
        ((struct sockaddr_in *)&a)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    else
        ((struct sockaddr_in6 *)&a)->sin6_addr = in6addr_loopback;
    if (probe < 0 || bind(probe, (void *)&a, len) || getsockname(probe, (void *)&a, &len))
        die("probe");
    close(probe);
    s = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (s < 0 || connect(s, (void *)&a, len) == 0)
        die("connect");
    p.fd = s;
    p.events = POLLOUT;
    poll(&p, 1, 5000);
    len = sizeof(err);
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
    printf("error %d\n", err);
    if (close(s))
        die("close");
}

int main(void)
{
    refused(AF_INET);
    refused(AF_INET6);
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)
