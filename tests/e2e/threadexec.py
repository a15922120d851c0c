"""execve from a non-leader thread while the leader blocks in read() and a
third thread sleeps; the new image keeps the pid and an fd."""
import os

from e2elib import Invocation, root_proc, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("threadexec"), ctx.w("te.out")])


def expect(s, ctx, res):
    probs = want_nprocs(s, 1) + want_exit(s, 5) + want_file(s, ctx.w("te.out"), "w", 0, 40)
    root = root_proc(s)
    if root:
        exe = os.path.realpath(ctx.tracee("threadexec"))
        if root["exe"] != exe or root["argv"][:2] != [ctx.tracee("threadexec"), "--after"]:
            probs.append(f"root exe/argv {root['exe']} {root['argv']}, expected {exe} "
                         "with --after")
        if root["threads"] != 3:
            probs.append(f"root threads {root['threads']}, expected 3")
    return probs
