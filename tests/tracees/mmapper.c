/* mmapper FILE
 *
 * Memory activity with almost no I/O:
 *   mmap 1 MiB anonymous, touch every page, munmap
 *   create FILE with 8192 bytes (write), reopen O_RDONLY, mmap it PROT_READ,
 *   sum its bytes through the mapping, munmap (mapped bytes are not I/O)
 *   sbrk(256 KiB), touch it
 * Expected: FILE opened_for "rw", written 8192, read 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/mman.h>

#include "tracee.h"

#define ANON_SIZE (1024 * 1024)
#define FILE_SIZE 8192
#define BRK_SIZE (256 * 1024)

int main(int argc, char **argv)
{
    static unsigned char buf[FILE_SIZE];
    unsigned long sum = 0, expect = 0;
    unsigned char *p;
    int fd;

    if (argc != 2)
        die("usage: mmapper FILE");

    p = mmap(NULL, ANON_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap anon");
    for (size_t i = 0; i < ANON_SIZE; i += 4096)
        p[i] = (unsigned char)i;
    if (munmap(p, ANON_SIZE) != 0)
        die("munmap anon");

    fill_pattern(buf, sizeof buf, 5);
    for (size_t i = 0; i < sizeof buf; i++)
        expect += buf[i];
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("create %s", argv[1]);
    write_all(fd, buf, sizeof buf);
    close(fd);
    fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        die("open %s", argv[1]);
    p = mmap(NULL, FILE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        die("mmap file");
    close(fd);
    for (size_t i = 0; i < FILE_SIZE; i++)
        sum += p[i];
    if (munmap(p, FILE_SIZE) != 0)
        die("munmap file");
    if (sum != expect) {
        errno = 0;
        die("checksum mismatch");
    }

    p = sbrk(BRK_SIZE);
    if (p == (void *)-1)
        die("sbrk");
    for (size_t i = 0; i < BRK_SIZE; i += 4096)
        p[i] = 1;

    printf("mmapper: checksum %lu\n", sum);
    return 0;
}
