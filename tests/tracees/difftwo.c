/* difftwo a|b DIR
 *
 * Two runs that differ in a known way, for --diff.  Both runs:
 *   read DIR/common.txt (made by the test, 100 bytes) whole: read 100, then 0
 *   mkstemp DIR/difftwo.XXXXXX, write 3 bytes to it, close, unlink it
 * Run a only: read DIR/extra.txt (made by the test, 40 bytes): read 40, then 0.
 * Run b only: create DIR/written.txt and write 7 bytes to it; connect a UDP
 * socket to 127.0.0.1:9 and send 5 bytes on it (no listener is needed).
 * Expected difference: DIR/extra.txt only in a (read 40), DIR/written.txt
 * only in b (written 7), a udp4 connection to 127.0.0.1:9 only in b (sent 5),
 * the temporary file one row in both (written 3). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tracee.h"

/* Read DIR/name whole; returns the bytes read. */
static size_t read_whole(const char *dir, const char *name)
{
    char path[4096], buf[4096];
    size_t total = 0;
    ssize_t n;
    int fd;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open %s", path);
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0)
            die("read %s", path);
        total += (size_t)n;
    }
    if (close(fd) != 0)
        die("close");
    return total;
}

/* mkstemp DIR/difftwo.XXXXXX, write 3 bytes, close and unlink it. */
static void temp_file(const char *dir)
{
    char path[4096];
    int fd;

    snprintf(path, sizeof path, "%s/difftwo.XXXXXX", dir);
    fd = mkstemp(path);
    if (fd < 0)
        die("mkstemp %s", path);
    write_all(fd, "tmp", 3);
    if (close(fd) != 0 || unlink(path) != 0)
        die("close or unlink %s", path);
}

/* Create DIR/written.txt with 7 bytes. */
static void write_file(const char *dir)
{
    char path[4096];
    int fd;

    snprintf(path, sizeof path, "%s/written.txt", dir);
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", path);
    write_all(fd, "written", 7);
    if (close(fd) != 0)
        die("close");
}

/* A UDP socket connected to 127.0.0.1:9 that sends 5 bytes. */
static void connect_udp(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0)
        die("socket");
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        die("connect");
    if (send(fd, "hello", 5, 0) != 5)
        die("send");
    if (close(fd) != 0)
        die("close");
}

int main(int argc, char **argv)
{
    size_t common, extra = 0;

    if (argc != 3 || (strcmp(argv[1], "a") && strcmp(argv[1], "b")))
        die("usage: difftwo a|b DIR");
    common = read_whole(argv[2], "common.txt");
    temp_file(argv[2]);
    if (argv[1][0] == 'a') {
        extra = read_whole(argv[2], "extra.txt");
    } else {
        write_file(argv[2]);
        connect_udp();
    }
    printf("difftwo %s: read %zu + %zu\n", argv[1], common, extra);
    return 0;
}
