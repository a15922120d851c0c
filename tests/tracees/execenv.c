/* execenv DIR
 *
 * A tracee for the details of an exec: what a program started with.
 *   1. goes to DIR/work (made here); opens DIR/in.txt on fd 5, a pipe's
 *      write end on fd 6, a TCP connection to itself on 127.0.0.1 on fd 7
 *      (the listener and the accepted side close on exec), and leaves fds
 *      0, 1, 2 as it found them
 *   2. forks a child that sets ADDED=1, removes REMOVED and sets CHANGED to
 *      "new" (the test starts it with REMOVED=x and CHANGED=old), then
 *      execs this program again as "execenv child DIR"
 *   3. the child writes what it really has to DIR/truth.txt: "cwd PATH",
 *      "env N" (its variables), then "fd N LINK" for every open fd but the
 *      one it reads /proc/self/fd with; then exits 0
 *   4. the parent waits for it and exits 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "tracee.h"

extern char **environ;

/* Move fd to want (closing fd). */
static void move_fd(int fd, int want)
{
    if (fd == want)
        return;
    if (dup2(fd, want) < 0)
        die("dup2");
    close(fd);
}

/* A TCP connection to ourselves on fd 7; the other ends close on exec. */
static void self_connection(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c, s;

    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
        getsockname(l, (struct sockaddr *)&a, &len) < 0)
        die("listen");
    c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
        die("connect");
    s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
    if (s < 0)
        die("accept");
    move_fd(c, 7);
}

/* Write what this program really has to DIR/truth.txt. */
static void truth(const char *dir)
{
    char path[PATH_MAX], link[PATH_MAX], cwd[PATH_MAX];
    size_t n = 0;
    DIR *d;
    struct dirent *de;
    FILE *f;

    snprintf(path, sizeof path, "%s/truth.txt", dir);
    f = fopen(path, "we");
    d = opendir("/proc/self/fd");
    if (!f || !d || !getcwd(cwd, sizeof cwd))
        die("truth");
    for (char **e = environ; *e; e++)
        n++;
    fprintf(f, "cwd %s\nenv %zu\n", cwd, n);
    while ((de = readdir(d))) {
        int fd = atoi(de->d_name);
        ssize_t len;

        if (de->d_name[0] == '.' || fd == dirfd(d) || fd == fileno(f))
            continue;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        len = readlink(path, link, sizeof link - 1);
        link[len > 0 ? len : 0] = '\0';
        fprintf(f, "fd %d %s\n", fd, link);
    }
    closedir(d);
    fclose(f);
}

int main(int argc, char **argv)
{
    char path[PATH_MAX];
    int p[2], fd, status;
    pid_t pid;

    if (argc == 3 && strcmp(argv[1], "child") == 0) {
        truth(argv[2]);
        return 0;
    }
    if (argc != 2)
        die("usage: execenv DIR");
    snprintf(path, sizeof path, "%s/in.txt", argv[1]);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", path);
    move_fd(fd, 5);
    if (pipe2(p, O_CLOEXEC) < 0)
        die("pipe");
    fd = fcntl(p[1], F_DUPFD, 6);   /* (no O_CLOEXEC: the child inherits it) */
    move_fd(fd, 6);
    close(p[1]);
    self_connection();
    snprintf(path, sizeof path, "%s/work", argv[1]);
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        die("mkdir");
    if (chdir(path) < 0)
        die("chdir");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        char child[] = "child", *args[] = { argv[0], child, argv[1], NULL };
        setenv("ADDED", "1", 1);
        unsetenv("REMOVED");
        setenv("CHANGED", "new", 1);
        execve("/proc/self/exe", args, environ);
        die("exec");
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
        die("child");
    close(p[0]);
    return 0;
}
