"""unlink, unlinkat, rmdir, rename, renameat and renameat2, relative to the
cwd, to a dirfd and absolute, failed ones and a name with control, C1 and
bidi characters, in the program and in a child that changed its cwd.

Each is one delete or rename event with the path(s) the program named, made
absolute from the cwd or the dirfd (not resolved further: "sub/../g2" stays
so), its error when it failed, and for a delete whether a directory was
meant (rmdir, unlinkat with AT_REMOVEDIR).  tests/e2e.py checks every case's
deletes and renames against strace's; this case checks what strace saw
against what the program does, and that compendium-tui gives the parent's
in the program's order.
"""
import os

from e2elib import Invocation, shown_all, want_exit, want_file, want_nprocs

PROGRAM = r'''
/* deletes_renames: see tests/e2e/deletes_renames.py; exits 0, prints "ok". */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tracee.h"

#define HOSTILE "h\x1b[7m\nq\xe2\x80\xae"
#define HOSTILE2 "r\x9b"

/* Create path (relative to dirfd) holding data. */
static void make_file(int dirfd, const char *path, const char *data)
{
    int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0)
        die("create %s", path);
    write_all(fd, data, strlen(data));
    close(fd);
}

/* The call must fail with err. */
static void want_errno(long r, int err, const char *what)
{
    if (r != -1 || errno != err)
        die("%s: expected errno %d", what, err);
    errno = 0;
}

/* The child: in sub/, rename g to ../g2, then delete that by its absolute name. */
static void child(const char *top)
{
    char abs[PATH_MAX + 4];

    if (chdir("sub") != 0)
        die("chdir sub");
    make_file(AT_FDCWD, "g", "");
    if (rename("g", "../g2") != 0)
        die("rename g");
    snprintf(abs, sizeof abs, "%s/g2", top);
    if (unlink(abs) != 0)
        die("unlink %s", abs);
    _exit(0);
}

int main(void)
{
    char top[PATH_MAX];
    int dfd, st;
    pid_t pid;

    if (!getcwd(top, sizeof top))
        die("getcwd");
    make_file(AT_FDCWD, "a.txt", "abc");
    make_file(AT_FDCWD, "f.txt", "f");
    if (rename("a.txt", "b.txt") != 0)
        die("rename a.txt");
    if (mkdir("d", 0755) != 0 || (dfd = open("d", O_RDONLY | O_DIRECTORY)) < 0)
        die("mkdir d");
    if (renameat(AT_FDCWD, "b.txt", dfd, "c.txt") != 0)
        die("renameat b.txt");
    if (syscall(SYS_renameat2, dfd, "c.txt", AT_FDCWD, "e.txt", RENAME_NOREPLACE) != 0)
        die("renameat2 c.txt");
    want_errno(syscall(SYS_renameat2, AT_FDCWD, "e.txt", AT_FDCWD, "f.txt", RENAME_NOREPLACE),
               EEXIST, "renameat2 onto f.txt");
    if (unlinkat(AT_FDCWD, "e.txt", 0) != 0)
        die("unlinkat e.txt");
    want_errno(unlink("missing.txt"), ENOENT, "unlink missing.txt");
    want_errno(rename("missing.txt", "x"), ENOENT, "rename missing.txt");
    make_file(dfd, "x", "");
    want_errno(rmdir("d"), ENOTEMPTY, "rmdir d");
    if (unlinkat(dfd, "x", 0) != 0 || unlinkat(AT_FDCWD, "d", AT_REMOVEDIR) != 0)
        die("unlinkat d/x, d");
    close(dfd);
    make_file(AT_FDCWD, HOSTILE, "");
    if (rename(HOSTILE, HOSTILE2) != 0 || unlink(HOSTILE2) != 0)
        die("hostile names");
    if (mkdir("sub", 0755) != 0)
        die("mkdir sub");
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        child(top);
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("child");
    if (unlink("f.txt") != 0 || rmdir("sub") != 0)
        die("cleanup");
    printf("ok\n");
    return 0;
}
'''

HOSTILE = os.fsdecode(b"h\x1b[7m\nq\xe2\x80\xae")
HOSTILE2 = os.fsdecode(b"r\x9b")


def command(ctx):
    return Invocation([ctx.program()])


def changes(ctx):
    """The program's deletes and renames, in its order (the child's are 13, 14)."""
    w = ctx.w

    def ren(a, b, err=None):
        return {"type": "rename", "path": w(a), "new_path": w(b), "error": err}

    def rm(a, is_dir=False, err=None):
        return {"type": "delete", "path": w(a), "dir": is_dir, "error": err}
    return [ren("a.txt", "b.txt"), ren("b.txt", "d/c.txt"), ren("d/c.txt", "e.txt"),
            ren("e.txt", "f.txt", "EEXIST"), rm("e.txt"), rm("missing.txt", err="ENOENT"),
            ren("missing.txt", "x", "ENOENT"), rm("d", True, "ENOTEMPTY"), rm("d/x"),
            rm("d", True), ren(HOSTILE, HOSTILE2), rm(HOSTILE2),
            ren("sub/g", "sub/../g2"), rm("g2"), rm("f.txt"), rm("sub", True)]


def expect(s, ctx, res):
    probs = []
    if s.get("changes") != changes(ctx):
        probs.append(f"deletes and renames {s.get('changes')}, expected {changes(ctx)}")
    return (probs + want_file(s, ctx.w("a.txt"), "w", 0, 3) + want_file(s, ctx.w("f.txt"), "w", 0, 1)
            + want_nprocs(s, 2) + want_exit(s, 0))


def check_got(s, ctx, res, events):
    """The parent's events come in the order it made the calls, its paths as
    they are shown (escaped)."""
    want = [c for i, c in enumerate(changes(ctx)) if i not in (12, 13)]
    pid = next((e["pid"] for e in events if e.get("type") == "exec"), None)
    got = [e for e in events if e.get("type") in ("delete", "rename") and e.get("pid") == pid]
    keys = ("type", "path", "new_path", "dir", "error")
    paths = shown_all("path", [c[k] for c in want for k in ("path", "new_path") if k in c])
    for c in want:
        for k in ("path", "new_path"):
            if k in c:
                c[k] = paths.pop(0)
    got = [tuple(e.get(k) for k in keys) for e in got]
    want = [tuple(c.get(k) for k in keys) for c in want]
    return [] if got == want else [f"the program's deletes and renames {got}, expected {want}"]
