"""readfile on a name with spaces, quotes, <>, backslash, tab, newline and UTF-8."""
from e2elib import Invocation, want_exit, want_file

WEIRD_NAME = 'we ird <na"me> \\ tab\there\nnewline é.bin'


def command(ctx):
    return Invocation([ctx.tracee("readfile"), ctx.w(WEIRD_NAME)])


def expect(s, ctx, res):
    return want_file(s, ctx.w(WEIRD_NAME), "rw", 10600, 10000) + want_exit(s, 0)
