"""fds received with SCM_RIGHTS and taken with pidfd_getfd; reads through them
belong to the right files."""
from e2elib import Invocation, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("scmfd"), ctx.w("f1"), ctx.w("f2"), ctx.w("f3")])


def expect(s, ctx, res):
    probs = want_nprocs(s, 2) + want_exit(s, 0)
    if b"pidfd_getfd failed" in (res.stdout or b""):
        return probs + ["pidfd_getfd not permitted here (untraced run)"]
    for name, n in (("f1", 100), ("f2", 200), ("f3", 300)):
        probs += want_file(s, ctx.w(name), "rw", n, 1000)
    return probs
