"""i386 calls through int $0x80 from a 64-bit process: write/dup/getpid/
lseek/read (i386 getpid 20 is x86_64 writev), then open, fcntl64's
F_DUPFD, openat, mmap2, pipe, close, rename and unlink of another file,
and socket, connect, sendto, recvfrom, sendmsg, recvmsg, sendmmsg and
recvmmsg on TCP, as a 32-bit program makes them (ld-linux.so.2, which ldd
runs, does); a UDP sendmsg to an address, and a recvmsg of an fd sent with
SCM_RIGHTS (i386 struct msghdr and control message layouts)."""
from e2elib import Invocation, stdout_len, want_conns, want_exit, want_file, want_io


def command(ctx):
    return Invocation([ctx.tracee("int80"), ctx.w("i386.out")], skip_status=77)


def expect(s, ctx, res):
    return (want_file(s, ctx.w("i386.out"), "rw", 150, 150)
            + want_file(s, ctx.w("i386.out.b"), "rw", 42, 42)
            + want_file(s, ctx.w("i386.out.d"), "w", 0, 4) + want_exit(s, 0)
            + want_io(s, ipc_written_bytes=stdout_len(res) + 8, ipc_read_bytes=8,
                      net_sent_bytes=59, net_received_bytes=59)
            + want_conns(s, [("tcp4", "accept", 19, 31), ("tcp4", "connect", 31, 19),
                             ("udp4", "flow", 9, 0)]))
