"""cat < in.txt > out.txt with both redirections done by the harness before
tracing starts."""
from e2elib import Invocation, want_exit, want_file, write_pattern


def command(ctx):
    return Invocation(["/bin/cat"], setup=lambda c: write_pattern(c.w("in.txt"), 5000),
                      stdin_file="in.txt", stdout_file="out.txt", compare_files=["out.txt"])


def expect(s, ctx, res):
    return (want_file(s, ctx.w("in.txt"), "r", 5000, 0)
            + want_file(s, ctx.w("out.txt"), "w", 0, 5000) + want_exit(s, 0))
