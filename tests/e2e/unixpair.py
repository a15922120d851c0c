"""Two socketpairs (a stream one, a datagram one, the latter's end moved
to fd 40 with dup2): their sends and receives name each end as /proc does,
socket:[INODE], with the inode the program reads from fstat (and writes to
the file "inodes"), and keep the two pairs' bytes apart."""
import re

from e2elib import Invocation, want_exit

PROGRAM = r'''
/* unixpair
 *
 * socketpair(AF_UNIX, SOCK_STREAM) s[0], s[1]: 11 bytes s[0] -> s[1],
 * 5 back.  socketpair(AF_UNIX, SOCK_DGRAM) d[0], d[1]; d[0] dup2'd to 40
 * (d[0] closed): 7 bytes 40 -> d[1].  Writes "FD INODE" lines for s[0],
 * s[1], 40 and d[1] to the file "inodes" (they differ from run to run). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracee.h"

static void show(FILE *out, int fd)
{
    struct stat st;

    if (fstat(fd, &st))
        die("fstat");
    fprintf(out, "%d %llu\n", fd, (unsigned long long)st.st_ino);
}

int main(void)
{
    int s[2], d[2];
    char buf[32];
    FILE *out;

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, s) || socketpair(AF_UNIX, SOCK_DGRAM, 0, d))
        die("socketpair");
    if (dup2(d[0], 40) != 40 || close(d[0]))
        die("dup2");
    if (write(s[0], "hello world", 11) != 11 || read(s[1], buf, sizeof buf) != 11 ||
        send(s[1], "hello", 5, 0) != 5 || recv(s[0], buf, sizeof buf, 0) != 5 ||
        send(40, "datagra", 7, 0) != 7 || recv(d[1], buf, sizeof buf, 0) != 7)
        die("exchange");
    out = fopen("inodes", "w");
    if (!out)
        die("inodes");
    show(out, s[0]);
    show(out, s[1]);
    show(out, 40);
    show(out, d[1]);
    return fclose(out) ? 1 : 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)


def check_got(s, ctx, res, events):
    """Each end's sends and receives are named socket:[its inode], with the
    bytes it moved."""
    with open(ctx.w("inodes"), "rb") as fh:   # (the traced run's: the last one)
        text = fh.read()
    lines = re.findall(rb"^(\d+) (\d+)$", text, re.M)
    if len(lines) != 4:
        return [f"the program wrote {text!r}, not four fds and inodes"]
    (s0, i0), (s1, i1), (d0, j0), (d1, j1) = [(int(fd), int(i)) for fd, i in lines]
    want = {(s0, i0, "send", 11), (s0, i0, "recv", 5), (s1, i1, "recv", 11),
            (s1, i1, "send", 5), (d0, j0, "send", 7), (d1, j1, "recv", 7)}
    moved = {}
    for e in events:
        if e.get("type") in ("send", "recv", "read", "write") and e.get("kind") == "unix":
            m = re.fullmatch(r"socket:\[(\d+)\]", e.get("path") or "")
            key = (e["fd"], int(m.group(1)) if m else e.get("path"),
                   {"read": "recv", "write": "send"}.get(e["type"], e["type"]))
            moved[key] = moved.get(key, 0) + e.get("bytes", 0)
    got = {k + (n,) for k, n in moved.items()}
    return [] if got == want else [f"socket events {sorted(got, key=str)}, expected {sorted(want)}"]
