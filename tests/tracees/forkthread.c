/* forkthread FILE
 *
 *   1. a pthread opens FILE (O_WRONLY|O_CREAT|O_TRUNC), writes 123 bytes,
 *      closes it; main joins it                      -> root has threads=2
 *   2. fork + execl("/bin/true", "true")             -> exe /usr/bin/true, exit 0
 *   3. fork + chdir(<dir of this binary>) + execv("./forkthread",
 *      {"./forkthread", "--child"}) - a relative exec path after chdir; the
 *      child prints a line and exits 7               -> exe = this binary, exit 7
 * The root waits for both and exits 0.
 * Expected: FILE opened_for "w", written 123; three processes. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <sys/wait.h>

#include "tracee.h"

static void *writer(void *arg)
{
    unsigned char buf[123];
    int fd = open((const char *)arg, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        die("thread: open %s", (const char *)arg);
    fill_pattern(buf, sizeof buf, 9);
    write_all(fd, buf, sizeof buf);
    close(fd);
    return NULL;
}

static int wait_for(pid_t pid)
{
    int status;

    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    if (!WIFEXITED(status)) {
        errno = 0;
        die("child %d did not exit normally (0x%x)", (int)pid, (unsigned)status);
    }
    return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
    char self[PATH_MAX], dir[PATH_MAX];
    pthread_t thread;
    ssize_t len;
    pid_t pid;
    int rc, st_true, st_self;

    if (argc == 2 && strcmp(argv[1], "--child") == 0) {
        printf("forkthread: re-executed child\n");
        return 7;
    }
    if (argc != 2)
        die("usage: forkthread FILE");

    rc = pthread_create(&thread, NULL, writer, argv[1]);
    if (rc != 0) {
        errno = rc;
        die("pthread_create");
    }
    rc = pthread_join(thread, NULL);
    if (rc != 0) {
        errno = rc;
        die("pthread_join");
    }

    len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len < 0)
        die("readlink /proc/self/exe");
    self[len] = '\0';
    memcpy(dir, self, (size_t)len + 1);

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        die("exec /bin/true");
    }
    st_true = wait_for(pid);

    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        char *child_argv[] = { (char *)"./forkthread", (char *)"--child", NULL };
        if (chdir(dirname(dir)) != 0)
            die("chdir");
        execv("./forkthread", child_argv);
        die("exec ./forkthread");
    }
    st_self = wait_for(pid);

    printf("forkthread: thread wrote 123 bytes, true exited %d, child exited %d\n",
           st_true, st_self);
    return 0;
}
