"""Dies by raise(SIGTERM)."""
from e2elib import Invocation, want_exit, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("sigexit"), "term"])


def expect(s, ctx, res):
    return want_exit(s, 143, "SIGTERM") + want_nprocs(s, 1)
