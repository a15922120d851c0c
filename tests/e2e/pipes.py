"""A pipe between parent and child (3000 bytes), an AF_UNIX socketpair (128
bytes each way)."""
from e2elib import Invocation, stdout_len, want_exit, want_io, want_no_conns, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("pipes")])


def expect(s, ctx, res):
    return (want_io(s, ipc_written_bytes=3256 + stdout_len(res), ipc_read_bytes=3256,
                    net_sent_bytes=0, net_received_bytes=0)
            + want_no_conns(s) + want_nprocs(s, 2) + want_exit(s, 0))
