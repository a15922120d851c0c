"""fds received with SCM_RIGHTS by a recvmmsg, two messages, at the numbers
of a file just closed: the writes through them belong to the files sent."""
from e2elib import Invocation, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("scmmmsg"), ctx.w("stale"), ctx.w("f1"), ctx.w("f2")])


def expect(s, ctx, res):
    return (want_nprocs(s, 2) + want_exit(s, 0) + want_file(s, ctx.w("f1"), "w", 0, 100) +
            want_file(s, ctx.w("f2"), "w", 0, 200) + want_file(s, ctx.w("stale"), "w", 0, 0))
