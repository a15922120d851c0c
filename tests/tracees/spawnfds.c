/* spawnfds A B
 *
 * vfork and posix_spawn share the parent's memory (CLONE_VM|CLONE_VFORK) but
 * not its fd table: what the child closes and dups is its own business.
 * The parent opens A (as fd a = 40) and B (fd b = 41), O_WRONLY|O_CREAT|O_TRUNC.
 *   1. vfork; the child closes a, dup2(b, a), dup2(b, 1) and execs this
 *      program with "--child 11 a": it writes 11 bytes to stdout and 11
 *      through fd a - both are B now - and exits 0.  The parent, once the
 *      child has exec'd, writes 13 bytes through its own fd a (still A).
 *   2. posix_spawn with file actions close(a), dup2(b, a), dup2(b, 1) of
 *      "--child 17 a"; the parent writes 19 bytes through fd a (A).
 * Expected: A written 32, B written 56, 3 processes (children: exe this
 * program, argv [prog, --child, N, a], exit 0); exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <sys/wait.h>

#include "tracee.h"

extern char **environ;

static void reap(pid_t pid, const char *what)
{
    int st;

    if (waitpid(pid, &st, 0) != pid)
        die("waitpid %s", what);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        errno = 0;
        die("%s child: status 0x%x", what, (unsigned)st);
    }
}

static int child_main(int n, int fd)
{
    unsigned char buf[64];

    fill_pattern(buf, (size_t)n, (unsigned)n);
    write_all(STDOUT_FILENO, buf, (size_t)n);
    write_all(fd, buf, (size_t)n);
    return 0;
}

int main(int argc, char **argv)
{
    char self[PATH_MAX], fdtext[16];
    unsigned char buf[64];
    posix_spawn_file_actions_t fa;
    ssize_t len;
    pid_t pid;
    int a, b, rc;

    if (argc == 4 && strcmp(argv[1], "--child") == 0)
        return child_main(atoi(argv[2]), atoi(argv[3]));
    if (argc != 3)
        die("usage: spawnfds A B");
    len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len < 0)
        die("readlink /proc/self/exe");
    self[len] = '\0';
    /* Fixed numbers, so argv does not depend on what else is open. */
    a = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (a < 0 || dup2(a, 40) != 40 || close(a) != 0)
        die("open %s", argv[1]);
    b = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (b < 0 || dup2(b, 41) != 41 || close(b) != 0)
        die("open %s", argv[2]);
    a = 40;
    b = 41;
    snprintf(fdtext, sizeof fdtext, "%d", a);
    fill_pattern(buf, sizeof buf, 5);
    fflush(stdout);

    pid = vfork();
    if (pid < 0)
        die("vfork");
    if (pid == 0) {
        char *av[] = { self, (char *)"--child", (char *)"11", fdtext, NULL };

        if (close(a) != 0 || dup2(b, a) != a || dup2(b, STDOUT_FILENO) != STDOUT_FILENO)
            _exit(98);
        execve(self, av, environ);
        _exit(97);
    }
    write_all(a, buf, 13);
    reap(pid, "vfork");

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addclose(&fa, a);
    posix_spawn_file_actions_adddup2(&fa, b, a);
    posix_spawn_file_actions_adddup2(&fa, b, STDOUT_FILENO);
    {
        char *av[] = { self, (char *)"--child", (char *)"17", fdtext, NULL };

        rc = posix_spawn(&pid, self, &fa, NULL, av, environ);
    }
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        errno = rc;
        die("posix_spawn");
    }
    write_all(a, buf, 19);
    reap(pid, "posix_spawn");
    printf("spawnfds: parent wrote 32 bytes to A, children 56 to B\n");
    return 0;
}
