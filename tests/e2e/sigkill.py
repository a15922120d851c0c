"""Dies by kill(getpid(), SIGKILL)."""
from e2elib import Invocation, want_exit, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("sigexit"), "kill"])


def expect(s, ctx, res):
    return want_exit(s, 137, "SIGKILL") + want_nprocs(s, 1)
