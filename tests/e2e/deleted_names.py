"""Files in no directory are named as the kernel names them: a memfd
"/memfd:NAME (deleted)", an O_TMPFILE file "DIR/#INODE (deleted)" (even
after linkat gives it a name), and a file unlinked while open by the path
it was opened at."""
import re

from e2elib import Invocation, want_exit, want_file

PROGRAM = r'''
/* deleted_names DIR
 *
 * memfd_create("cache") and 4096 bytes written to it; an O_TMPFILE file in
 * DIR, 777 bytes written, linked as DIR/kept (linkat through
 * /proc/self/fd), 10 more written through the same fd, DIR/kept read
 * whole (787 bytes); DIR/gone opened, unlinked, 5 bytes written.
 * Expected: exit 0; those figures under those names. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/mman.h>

#include "tracee.h"

static void fill(int fd, size_t n, char c)
{
    char buf[4096];

    memset(buf, c, sizeof(buf));
    write_all(fd, buf, n);
}

int main(int argc, char **argv)
{
    char path[4096], link[64], buf[1024];
    int m, t, k, g;
    ssize_t n, got = 0;

    if (argc != 2)
        die("usage: deleted_names DIR");
    if ((m = memfd_create("cache", 0)) < 0)
        die("memfd_create: %s", strerror(errno));
    fill(m, 4096, 'm');
    if ((t = open(argv[1], O_TMPFILE | O_WRONLY, 0600)) < 0)
        die("O_TMPFILE: %s", strerror(errno));
    fill(t, 777, 't');
    snprintf(link, sizeof(link), "/proc/self/fd/%d", t);
    snprintf(path, sizeof(path), "%s/kept", argv[1]);
    if (linkat(AT_FDCWD, link, AT_FDCWD, path, AT_SYMLINK_FOLLOW) != 0)
        die("linkat: %s", strerror(errno));
    fill(t, 10, 'u');
    if ((k = open(path, O_RDONLY)) < 0)
        die("open kept: %s", strerror(errno));
    while ((n = read(k, buf, sizeof(buf))) > 0)
        got += n;
    if (got != 787)
        die("kept has %zd bytes", got);
    snprintf(path, sizeof(path), "%s/gone", argv[1]);
    if ((g = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0 || unlink(path) != 0)
        die("gone: %s", strerror(errno));
    fill(g, 5, 'g');
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program(), ctx.w("")[:-1]])


def expect(s, ctx, res):
    probs = (want_file(s, "/memfd:cache (deleted)", "w", 0, 4096)
             + want_file(s, ctx.w("kept"), "r", 787, 0)
             + want_file(s, ctx.w("gone"), "w", 0, 5) + want_exit(s, 0))
    tmp = [f for f in s.get("files") or []
           if re.fullmatch(re.escape(ctx.w("")) + r"#\d+ \(deleted\)", f["path"])]
    if len(tmp) != 1 or (tmp[0]["opened_for"], tmp[0]["written_bytes"]) != ("w", 787):
        probs.append(f"the O_TMPFILE file: {tmp}, expected one {ctx.w('')}#INODE (deleted) "
                     "opened for w with 787 bytes written")
    return probs
