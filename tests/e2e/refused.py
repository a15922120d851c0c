"""A non-blocking TCP connect to a closed port of 127.0.0.1, refused at
once (poll, then SO_ERROR ECONNREFUSED): the connection keeps the local
address getsockname gives (the port the connect took, which the kernel
has already given back), never port 0."""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* refused: finds a free port (bind to port 0, close), connects to it
 * without blocking, waits for the refusal, prints the local port
 * getsockname gives after it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tracee.h"

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET }, l;
    socklen_t len = sizeof(a);
    int probe = socket(AF_INET, SOCK_STREAM, 0), s, err = 0;
    struct pollfd p;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (probe < 0 || bind(probe, (void *)&a, sizeof(a)) || getsockname(probe, (void *)&a, &len))
        die("probe");
    close(probe);
    s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (s < 0 || connect(s, (void *)&a, sizeof(a)) == 0)
        die("connect");
    p.fd = s;
    p.events = POLLOUT;
    poll(&p, 1, 5000);
    len = sizeof(err);
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
    len = sizeof(l);
    getsockname(s, (void *)&l, &len);
    printf("error %d\n", err);
    return close(s) ? 1 : 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)
