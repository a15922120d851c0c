"""A thread unshares its process's fds (unshare(CLONE_FILES)) and gives
the fd number of A to B: its writes go to B, the main thread's after it
still to A.  (The kernel engine and --ebpf count bytes per process and fd
number, so they cannot tell the two tables apart: ptrace only.)"""
from e2elib import Invocation, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("unsharefds"), "thread", ctx.w("a"), ctx.w("b")])


def expect(s, ctx, res):
    return (want_nprocs(s, 1) + want_exit(s, 0) + want_file(s, ctx.w("a"), "w", 0, 25) +
            want_file(s, ctx.w("b"), "w", 0, 10))
