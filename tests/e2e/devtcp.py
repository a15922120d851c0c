"""bash's /dev/tcp: bash connects a socket, moves it to fd 3 with dup2 and
closes the first fd; "echo hello >&3" and "cat <&3" move the bytes through
the copy (the strace truth sees the socket's addresses only there).  The
listener answers 500 bytes."""
from e2elib import Invocation, want_conns, want_exit, want_io

PROGRAM = r'''
/* devtcp
 *
 * Listens on 127.0.0.1:0, starts bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT;
 * echo hello >&3; cat <&3 >/dev/null' (PORT in its environment), accepts, reads the 6 bytes, writes
 * 500 and closes; waits for bash.
 * Expected: a tcp4 connect (bash) sent 6 received 500, a tcp4 accept sent
 * 500 received 6; exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tracee.h"

int main(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof a;
    char port[16], buf[500];
    int l = socket(AF_INET, SOCK_STREAM, 0), c, st;
    pid_t pid;

    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) ||
        getsockname(l, (struct sockaddr *)&a, &len))
        die("listener");
    /* (the port in the environment: the argv stays the same from run to run) */
    snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
    pid = fork();
    if (pid == 0) {
        close(l);
        setenv("PORT", port, 1);
        execlp("bash", "bash", "-c",
               "exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hello >&3; cat <&3 >/dev/null", (char *)NULL);
        _exit(127);
    }
    c = accept(l, NULL, NULL);
    if (c < 0 || read(c, buf, sizeof buf) != 6)
        die("accepted socket");
    memset(buf, 'x', sizeof buf);
    if (write(c, buf, sizeof buf) != (ssize_t)sizeof buf)
        die("answer");
    close(c);
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
        die("bash");
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return (want_conns(s, [("tcp4", "accept", 500, 6), ("tcp4", "connect", 6, 500)])
            + want_exit(s, 0) + want_io(s, net_sent_bytes=506, net_received_bytes=506))
