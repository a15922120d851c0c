"""cp of a 100 KiB file."""
from e2elib import Invocation, want_exit, want_file, write_pattern

CP_SIZE = 100 * 1024


def command(ctx):
    return Invocation(["/bin/cp", ctx.w("big.bin"), ctx.w("copy.bin")],
                      setup=lambda c: write_pattern(c.w("big.bin"), CP_SIZE),
                      compare_files=["copy.bin"])


def expect(s, ctx, res):
    return (want_file(s, ctx.w("big.bin"), "r", CP_SIZE, 0)
            + want_file(s, ctx.w("copy.bin"), "w", 0, CP_SIZE) + want_exit(s, 0))
