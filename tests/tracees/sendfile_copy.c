/* sendfile_copy SRC DST
 *
 * Creates SRC with 10000 bytes (O_WRONLY|O_CREAT|O_TRUNC), reopens it
 * O_RDONLY, opens DST O_WRONLY|O_CREAT|O_TRUNC, then moves data without
 * read/write:
 *   sendfile(DST <- SRC)          5000 bytes
 *   copy_file_range(SRC -> DST)   3000 bytes
 *   splice(SRC -> pipe)           1000 bytes
 *   splice(pipe -> DST)           1000 bytes
 * File offsets are the implicit ones, so SRC is consumed sequentially.
 * Expected: SRC opened_for "rw", written 10000, read 9000;
 *           DST opened_for "w", written 9000; ipc 1000 written, 1000 read. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/sendfile.h>

#include "tracee.h"

#define SRC_SIZE 10000

typedef ssize_t (*mover_fn)(int in, int out, size_t len);

static ssize_t do_sendfile(int in, int out, size_t len)
{
    return sendfile(out, in, NULL, len);
}

static ssize_t do_copy_file_range(int in, int out, size_t len)
{
    return copy_file_range(in, NULL, out, NULL, len, 0);
}

static ssize_t do_splice(int in, int out, size_t len)
{
    return splice(in, NULL, out, NULL, len, 0);
}

static void move_all(const char *what, mover_fn fn, int in, int out, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = fn(in, out, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("%s", what);
        }
        if (n == 0) {
            errno = 0;
            die("%s: no progress after %zu of %zu bytes", what, done, len);
        }
        done += (size_t)n;
    }
}

int main(int argc, char **argv)
{
    static unsigned char buf[SRC_SIZE];
    int src, dst, p[2];

    if (argc != 3)
        die("usage: sendfile_copy SRC DST");

    fill_pattern(buf, sizeof buf, 7);
    src = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (src < 0)
        die("create %s", argv[1]);
    write_all(src, buf, sizeof buf);
    close(src);

    src = open(argv[1], O_RDONLY);
    if (src < 0)
        die("open %s", argv[1]);
    dst = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (dst < 0)
        die("open %s", argv[2]);
    if (pipe(p) != 0)
        die("pipe");

    move_all("sendfile", do_sendfile, src, dst, 5000);
    move_all("copy_file_range", do_copy_file_range, src, dst, 3000);
    move_all("splice file->pipe", do_splice, src, p[1], 1000);
    move_all("splice pipe->file", do_splice, p[0], dst, 1000);

    close(p[0]);
    close(p[1]);
    close(src);
    close(dst);
    printf("sendfile_copy: 5000 + 3000 + 1000 bytes copied\n");
    return 0;
}
