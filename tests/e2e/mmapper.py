"""Anonymous and file mmap, sbrk; mapped bytes are not I/O."""
from e2elib import Invocation, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("mmapper"), ctx.w("mapped.bin")])


def expect(s, ctx, res):
    return want_file(s, ctx.w("mapped.bin"), "rw", 0, 8192) + want_exit(s, 0) + want_nprocs(s, 1)
