/* readfile FILE
 *
 * Creates FILE (O_CREAT|O_WRONLY|O_TRUNC) with exactly 10000 bytes, closes
 * it, reopens it O_RDONLY and reads it:
 *   read(2) in 4096-byte chunks until EOF   10000 bytes (4096+4096+1808, then 0)
 *   pread64(2) 100 bytes at offset 5          100 bytes
 *   lseek to 1000, readv(2) of 300+200        500 bytes
 * Expected: FILE opened_for "rw", written 10000, read 10600. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/uio.h>

#include "tracee.h"

#define FILE_SIZE 10000
#define CHUNK 4096

int main(int argc, char **argv)
{
    static unsigned char buf[FILE_SIZE];
    unsigned char a[300], b[200];
    size_t total_read = 0;
    ssize_t n;
    int fd;

    if (argc != 2)
        die("usage: readfile FILE");

    fill_pattern(buf, sizeof buf, 0);
    fd = open(argv[1], O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s for writing", argv[1]);
    write_all(fd, buf, sizeof buf);
    if (close(fd) != 0)
        die("close");

    fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        die("open %s for reading", argv[1]);
    for (;;) {
        n = read(fd, buf, CHUNK);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("read");
        }
        if (n == 0)
            break;
        total_read += (size_t)n;
    }
    if (total_read != FILE_SIZE) {
        errno = 0;
        die("read %zu bytes, expected %d", total_read, FILE_SIZE);
    }

    n = pread(fd, buf, 100, 5);
    if (n != 100)
        die("pread returned %zd", n);
    total_read += (size_t)n;

    if (lseek(fd, 1000, SEEK_SET) != 1000)
        die("lseek");
    struct iovec iov[2] = {
        { .iov_base = a, .iov_len = sizeof a },
        { .iov_base = b, .iov_len = sizeof b },
    };
    n = readv(fd, iov, 2);
    if (n != 500)
        die("readv returned %zd", n);
    total_read += (size_t)n;
    if (close(fd) != 0)
        die("close");

    printf("readfile: wrote %d bytes, read %zu bytes\n", FILE_SIZE, total_read);
    return 0;
}
