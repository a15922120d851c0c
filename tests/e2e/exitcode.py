"""Exits with status 42."""
from e2elib import Invocation, want_exit, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("exitcode")])


def expect(s, ctx, res):
    return want_exit(s, 42) + want_nprocs(s, 1)
