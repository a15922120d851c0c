"""The state a command starts with: no extra fds (the -o file!), an empty
signal mask, nothing ignored."""
from e2elib import Invocation, want_exit, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("startstate")])


def expect(s, ctx, res):
    probs = want_exit(s, 0) + want_nprocs(s, 1)
    if b"open fds above 2: 0" not in (res.stdout or b""):
        probs.append("untraced run has extra fds")
    return probs
