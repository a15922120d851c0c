"""fds received with SCM_RIGHTS at the numbers of a file just closed, by a
recvmmsg (two messages) and a recvmsg of 80 fds (more control bytes than
the kernel engine reads): the writes through them belong to the files
sent."""
from e2elib import Invocation, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("scmmmsg"), ctx.w("stale"), ctx.w("f1"), ctx.w("f2"), ctx.w("f3")])


def expect(s, ctx, res):
    return (want_nprocs(s, 2) + want_exit(s, 0) + want_file(s, ctx.w("f1"), "w", 0, 100) +
            want_file(s, ctx.w("f2"), "w", 0, 200) + want_file(s, ctx.w("f3"), "w", 0, 300) +
            want_file(s, ctx.w("stale"), "w", 0, 0))
