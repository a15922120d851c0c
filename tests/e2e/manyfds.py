"""17,000 fds open at once, each written while all are open, then a
socket pair and a pipe used with every fd still open: every byte counted
(more fds than the kernel engine keeps counters for, 16,384: each read
and write of the others is sent alone).  Skipped where RLIMIT_NOFILE
cannot reach 17,100."""
from e2elib import Invocation, stdout_len, want_exit, want_file, want_io

NFDS = 17000
NFILES = 50

PROGRAM = r'''
/* manyfds N F: N fds on F files f0..f(F-1), fd i written (i % 7) + 1 bytes;
 * then a socket pair and a pipe; exit 77 where N fds cannot be had. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include "tracee.h"

int main(int argc, char **argv)
{
    int n = argc == 3 ? atoi(argv[1]) : 0, files = argc == 3 ? atoi(argv[2]) : 0;
    struct rlimit rl;
    char name[32], buf[64] = "0123456789abcdefghijklmnopqrstuvwxyz";
    int *fds, sv[2], p[2];

    if (n <= 0 || files <= 0) {
        errno = 0;
        die("usage: manyfds N FILES");
    }
    if (getrlimit(RLIMIT_NOFILE, &rl))
        die("getrlimit");
    if (rl.rlim_max < (rlim_t)n + 100) {
        rl.rlim_max = (rlim_t)n + 100;
        if (setrlimit(RLIMIT_NOFILE, &rl)) {
            printf("cannot raise RLIMIT_NOFILE to %d\n", n + 100);
            return 77;
        }
    }
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl))
        die("setrlimit");
    fds = calloc((size_t)n, sizeof(*fds));
    if (!fds)
        die("calloc");
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), "f%d", i % files);
        fds[i] = open(name, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fds[i] < 0)
            die("open %s (fd %d of %d)", name, i, n);
    }
    for (int i = 0; i < n; i++)
        if (write(fds[i], buf, (size_t)(i % 7 + 1)) != i % 7 + 1)
            die("write");
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
        die("socketpair/pipe");
    if (write(sv[0], buf, 11) != 11 || read(sv[1], buf, 64) != 11 ||
        write(p[1], buf, 13) != 13 || read(p[0], buf, 64) != 13)
        die("socket/pipe I/O");
    for (int i = 0; i < n; i++)
        close(fds[i]);
    printf("%d fds written\n", n);
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program(), str(NFDS), str(NFILES)], skip_status=77)


def _written(f: int) -> int:
    return sum(i % 7 + 1 for i in range(f, NFDS, NFILES))


def expect(s, ctx, res):
    probs = want_exit(s, 0)
    for f in range(NFILES):
        probs += want_file(s, ctx.w(f"f{f}"), "w", 0, _written(f))
    return probs + want_io(s, file_written_bytes=sum(i % 7 + 1 for i in range(NFDS)),
                           ipc_written_bytes=24 + stdout_len(res), ipc_read_bytes=24)
