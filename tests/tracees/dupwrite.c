/* dupwrite FILE
 *
 * Opens FILE O_WRONLY|O_CREAT|O_TRUNC and writes through several duplicates:
 *   original fd                      100 bytes
 *   dup()                            200 bytes
 *   dup2() to fd 9                   300 bytes
 *   fcntl(F_DUPFD_CLOEXEC)            50 bytes
 *   dup3(O_CLOEXEC) to fd 20          25 bytes
 * closes everything except fd 9, then forks a child that writes 400 bytes
 * through the inherited fd 9 and exits with status 3.
 * Expected: FILE opened_for "w", written 1075; two processes, the child
 * exits with code 3, the parent with 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/wait.h>

#include "tracee.h"

int main(int argc, char **argv)
{
    unsigned char buf[400];
    int fd, fd_dup, fd_cloexec, fd_dup3, status;
    pid_t child;

    if (argc != 2)
        die("usage: dupwrite FILE");
    fill_pattern(buf, sizeof buf, 3);

    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", argv[1]);
    write_all(fd, buf, 100);

    fd_dup = dup(fd);
    if (fd_dup < 0)
        die("dup");
    write_all(fd_dup, buf, 200);

    if (dup2(fd, 9) != 9)
        die("dup2");
    write_all(9, buf, 300);

    fd_cloexec = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (fd_cloexec < 0)
        die("fcntl F_DUPFD_CLOEXEC");
    write_all(fd_cloexec, buf, 50);

    fd_dup3 = dup3(fd, 20, O_CLOEXEC);
    if (fd_dup3 != 20)
        die("dup3");
    write_all(fd_dup3, buf, 25);

    if (close(fd) || close(fd_dup) || close(fd_cloexec) || close(fd_dup3))
        die("close");

    fflush(stdout);
    child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        write_all(9, buf, 400);
        _exit(3);
    }
    if (waitpid(child, &status, 0) != child)
        die("waitpid");
    close(9);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 3) {
        errno = 0;
        die("child status 0x%x", (unsigned)status);
    }
    printf("dupwrite: wrote 1075 bytes, child exited with 3\n");
    return 0;
}
