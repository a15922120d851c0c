/* tui_demo DIR [TICKS]
 *
 * A tracee for the terminal UI tests: it does a little of everything, then
 * keeps running while printing one line every 200 ms, so a test can watch
 * the screen, stop and continue it, and see it end.
 *   1. a thread writes DIR/thread.txt (500 bytes) and stays alive until the
 *      end                                          -> a thread lane
 *   2. writes DIR/demo.txt (3 x 1000 bytes), reads it back (3000 bytes)
 *   3. listens on 127.0.0.1, connects to itself, sends 100 bytes and
 *      receives them on the accepted socket          -> net sent/recv 100 B
 *   4. forks a child that writes DIR/child.txt (200 bytes), prints
 *      "child done" and exits 0 after min(TICKS/2, 10) ticks
 *                                                    -> a second process lane
 *   5. prints "tick N" (N = 1..TICKS, default 25) every 200 ms and appends
 *      10 bytes to DIR/ticks.log each time, then prints "demo done" and
 *      exits 0.  A line starting with 'q' on stdin ends the ticks early
 *      (the tests type it through the UI's output pane).
 * Totals: files written 3700 + 10 x TICKS B, read 3000 B (plus what the
 * dynamic linker reads); net sent 100 B, received 100 B.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "tracee.h"

static const char *dir;
static volatile int done;

static void write_file(const char *name, size_t chunk, int times, unsigned seed)
{
    char path[PATH_MAX];
    unsigned char buf[1000];
    int fd;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", path);
    fill_pattern(buf, chunk, seed);
    for (int i = 0; i < times; i++)
        write_all(fd, buf, chunk);
    close(fd);
}

static void *thread_main(void *arg)
{
    (void)arg;
    write_file("thread.txt", 500, 1, 3);
    while (!done)
        usleep(50000);
    return NULL;
}

static void read_back(void)
{
    char path[PATH_MAX];
    unsigned char buf[1000];
    int fd;

    snprintf(path, sizeof path, "%s/demo.txt", dir);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open %s", path);
    for (int i = 0; i < 3; i++)
        read_exact(fd, buf, sizeof buf);
    close(fd);
}

static void loopback(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof sa;
    unsigned char buf[100];
    int l, c, a;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    l = socket(AF_INET, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(l, 1) < 0 ||
        getsockname(l, (struct sockaddr *)&sa, &len) < 0)
        die("listen");
    c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("connect");
    a = accept(l, NULL, NULL);
    if (a < 0)
        die("accept");
    fill_pattern(buf, sizeof buf, 5);
    if (send(c, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
        die("send");
    for (size_t got = 0; got < sizeof buf;) {
        ssize_t n = recv(a, buf + got, sizeof buf - got, 0);
        if (n <= 0)
            die("recv");
        got += (size_t)n;
    }
    close(a);
    close(c);
    close(l);
}

/* A line starting with 'q' waiting on stdin? */
static int asked_to_quit(void)
{
    struct pollfd p = { 0, POLLIN, 0 };
    char buf[64];
    ssize_t n;

    if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
        return 0;
    n = read(0, buf, sizeof buf);
    return n > 0 && buf[0] == 'q';
}

static void sleep_tick(void)
{
    struct timespec ts = { 0, 200 * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int main(int argc, char **argv)
{
    int ticks = argc > 2 ? atoi(argv[2]) : 25, status, log;
    char path[PATH_MAX];
    pthread_t th;
    pid_t pid;

    if (argc < 2)
        die("usage: tui_demo DIR [TICKS]");
    dir = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (pthread_create(&th, NULL, thread_main, NULL) != 0)
        die("pthread_create");
    write_file("demo.txt", 1000, 3, 1);
    read_back();
    loopback();
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        write_file("child.txt", 200, 1, 7);
        for (int i = 0; i < ticks / 2 && i < 10; i++)
            sleep_tick();
        printf("child done\n");
        _exit(0);
    }
    snprintf(path, sizeof path, "%s/ticks.log", dir);
    log = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log < 0)
        die("open %s", path);
    for (int i = 1; i <= ticks && !asked_to_quit(); i++) {
        printf("tick %d\n", i);
        write_all(log, "tick-line\n", 10);
        sleep_tick();
    }
    close(log);
    done = 1;
    pthread_join(th, NULL);
    if (waitpid(pid, &status, 0) != pid)
        die("waitpid");
    printf("demo done\n");
    return 0;
}
