"""sendfile, copy_file_range, and splice file -> pipe -> file."""
from e2elib import Invocation, stdout_len, want_exit, want_file, want_io


def command(ctx):
    return Invocation([ctx.tracee("sendfile_copy"), ctx.w("src.bin"), ctx.w("dst.bin")],
                      compare_files=["dst.bin"])


def expect(s, ctx, res):
    return (want_file(s, ctx.w("src.bin"), "rw", 9000, 10000)
            + want_file(s, ctx.w("dst.bin"), "w", 0, 9000)
            + want_io(s, ipc_written_bytes=1000 + stdout_len(res), ipc_read_bytes=1000)
            + want_exit(s, 0))
