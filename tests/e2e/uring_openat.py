"""read(2) from an fd that IORING_OP_OPENAT created (no open system call): the
bytes still belong to the file."""
from e2elib import Invocation, case_module, want_exit, want_file

check_got = case_module("uring").check_got     # the notes say io_uring I/O is not seen


def command(ctx):
    return Invocation([ctx.tracee("uring"), ctx.w("ring.bin"), "openat"], skip_status=77)


def expect(s, ctx, res):
    return want_file(s, ctx.w("ring.bin"), "rw", 1000, 3000) + want_exit(s, 0)
