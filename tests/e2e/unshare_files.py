"""A process sharing its parent's fds (clone with CLONE_FILES) unshares
them and gives the fd number of A to B: its writes go to B, the parent's
after it still to A."""
from e2elib import Invocation, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("unsharefds"), "process", ctx.w("a"), ctx.w("b")])


def expect(s, ctx, res):
    return (want_nprocs(s, 2) + want_exit(s, 0) + want_file(s, ctx.w("a"), "w", 0, 25) +
            want_file(s, ctx.w("b"), "w", 0, 10))
