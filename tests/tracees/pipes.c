/* pipes
 *
 * pipe(2) + fork: the child writes 3000 bytes (three writes of 1000) into
 * the pipe and exits 0; the parent reads until EOF (3000 bytes).
 * Then socketpair(AF_UNIX, SOCK_STREAM): 128 bytes are written on each end
 * and read on the other, all in the parent.
 * Expected (excluding stdout): ipc_written 3000+128+128, ipc_read 3000+128+128;
 * no files, no connections. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/socket.h>
#include <sys/wait.h>

#include "tracee.h"

int main(void)
{
    unsigned char buf[1000], small[128];
    int p[2], sv[2], status;
    size_t total = 0;
    pid_t child;

    if (pipe(p) != 0)
        die("pipe");
    fflush(stdout);
    child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        close(p[0]);
        fill_pattern(buf, sizeof buf, 1);
        for (int i = 0; i < 3; i++)
            write_all(p[1], buf, sizeof buf);
        _exit(0);
    }
    close(p[1]);
    for (;;) {
        ssize_t n = read(p[0], buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("read pipe");
        }
        if (n == 0)
            break;
        total += (size_t)n;
    }
    close(p[0]);
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("child failed");
    if (total != 3000) {
        errno = 0;
        die("pipe: read %zu bytes, expected 3000", total);
    }

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        die("socketpair");
    fill_pattern(small, sizeof small, 2);
    write_all(sv[0], small, sizeof small);
    read_exact(sv[1], small, sizeof small);
    write_all(sv[1], small, sizeof small);
    read_exact(sv[0], small, sizeof small);
    close(sv[0]);
    close(sv[1]);

    printf("pipes: pipe 3000 bytes, socketpair 128 bytes each way\n");
    return 0;
}
