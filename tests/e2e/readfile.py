"""Creates a 10000-byte file and reads it back with read, pread64 and readv."""
from e2elib import (Invocation, stdout_len, want_exit, want_file, want_io, want_no_conns,
                    want_nprocs)


def command(ctx):
    return Invocation([ctx.tracee("readfile"), ctx.w("data.bin")])


def expect(s, ctx, res):
    return (want_file(s, ctx.w("data.bin"), "rw", 10600, 10000) + want_nprocs(s, 1)
            + want_exit(s, 0) + want_no_conns(s)
            + want_io(s, ipc_written_bytes=stdout_len(res), ipc_read_bytes=0,
                      net_sent_bytes=0, net_received_bytes=0))
