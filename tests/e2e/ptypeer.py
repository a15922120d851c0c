"""A pseudo-terminal's other end opened with ioctl(TIOCGPTPEER), as script,
tmux and expect do, at the number of a file just closed, and a child
writing to it as its stdout: the bytes go to the terminal, not to the file
the parent's stdout was before the dup2, nor to the file closed."""
from e2elib import Invocation, want_exit, want_file

PROG = r'''
import fcntl, os
m = os.open("/dev/ptmx", os.O_RDWR | os.O_NOCTTY)
fcntl.ioctl(m, 0x40045431, b"\0\0\0\0")   # TIOCSPTLCK: unlock
stale = os.open("stale.txt", os.O_WRONLY | os.O_CREAT, 0o644)
os.close(stale)
s = fcntl.ioctl(m, 0x5441, os.O_RDWR | os.O_NOCTTY)   # TIOCGPTPEER
assert s == stale, (s, stale)
pid = os.fork()
if pid == 0:
    os.close(m)
    os.dup2(s, 1)
    os.close(s)
    os.write(1, b"to the terminal " * 4)
    os._exit(0)
os.close(s)
os.waitpid(pid, 0)
got = os.read(m, 1000)
os.write(1, b"%d\n" % len(got))
'''


def command(ctx):
    return Invocation(["python3", "-c", PROG], stdout_file="out.txt")


def expect(s, ctx, res):
    return (want_exit(s, 0) + want_file(s, ctx.w("out.txt"), "w", 0, 3) +
            want_file(s, ctx.w("stale.txt"), "w", 0, 0))
