/* stackopen PATH
 *
 * main -> outer_fn -> inner_fn -> open(PATH, O_RDONLY), then close.  Built
 * with -O2 and no frame pointers (gcc's default), once with -g and once
 * without (stackopen_nodebug): --stack must name inner_fn, outer_fn and
 * main in that order, with libc's open frame above inner_fn, and with -g
 * the file and line of the open call (the line marked below).  The
 * volatile stores after each call keep the calls from becoming jumps. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>

#include "tracee.h"

static volatile int sink;

__attribute__((noinline)) static int inner_fn(const char *path)
{
    int fd = open(path, O_RDONLY);   /* the open */

    sink += fd;
    return fd;
}

__attribute__((noinline)) static int outer_fn(const char *path)
{
    int fd = inner_fn(path);

    sink += 1;
    return fd;
}

int main(int argc, char **argv)
{
    int fd;

    if (argc != 2)
        die("usage: stackopen PATH");
    fd = outer_fn(argv[1]);
    sink += 2;
    if (fd < 0)
        die("open %s", argv[1]);
    close(fd);
    return 0;
}
