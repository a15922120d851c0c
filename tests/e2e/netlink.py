"""A route netlink socket (as ip and ss use): bind, a dump request of the
links, the replies read to NLMSG_DONE.  Its sends and receives carry the
socket's addresses as getsockname and getpeername give them: the port the
kernel bound it to (which the program writes to the file "port") and the
kernel's, netlink:pid=0,groups=0."""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* netlink
 *
 * socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), bind to port 0 (the kernel
 * picks one), send an RTM_GETLINK dump request, recv until NLMSG_DONE.
 * Writes the bound port (getsockname's nl_pid) to the file "port", in ten
 * digits (a file of the same size in every run). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tracee.h"

int main(void)
{
    struct sockaddr_nl me = { .nl_family = AF_NETLINK };
    struct { struct nlmsghdr h; struct rtgenmsg g; } req = {
        .h = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
               .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
        .g = { .rtgen_family = AF_UNSPEC },
    };
    socklen_t len = sizeof(me);
    static char buf[65536];
    int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE), done = 0;
    FILE *out;

    if (s < 0 || bind(s, (struct sockaddr *)&me, sizeof(me)) ||
        getsockname(s, (struct sockaddr *)&me, &len))
        die("netlink socket");
    if (send(s, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
        die("send");
    while (!done) {
        ssize_t n = recv(s, buf, sizeof(buf), 0);
        if (n <= 0)
            die("recv");
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n))
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
                done = 1;
    }
    out = fopen("port", "w");
    if (!out || fprintf(out, "%010u\n", me.nl_pid) < 0 || fclose(out))
        die("port");
    close(s);
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)


def check_got(s, ctx, res, events):
    """Every send and recv on the socket names both ends."""
    port = int(open(ctx.w("port")).read())   # (the traced run's: the last one)
    want = (f"netlink:pid={port},groups=0", "netlink:pid=0,groups=0")
    ends = {(e.get("type"), e.get("local"), e.get("remote")) for e in events
            if e.get("type") in ("send", "recv") and e.get("kind") == "socket"}
    if ends != {("send",) + want, ("recv",) + want}:
        return [f"the netlink socket's sends and receives: {sorted(ends, key=str)}, "
                f"want local {want[0]}, remote {want[1]}"]
    return []
