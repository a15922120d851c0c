"""sh -c 'cat /etc/passwd | wc -c > out.txt; sort < /etc/passwd > out2.txt'."""
import os

from e2elib import Invocation, want_exit, want_file


def command(ctx):
    return Invocation(["/bin/sh", "-c",
                       "cat /etc/passwd | wc -c > out.txt; sort < /etc/passwd > out2.txt"],
                      compare_files=["out.txt", "out2.txt"])


def expect(s, ctx, res):
    size = os.path.getsize("/etc/passwd")
    return (want_file(s, "/etc/passwd", "r", 2 * size, 0)
            + want_file(s, ctx.w("out.txt"), "w", 0, len(f"{size}\n"))
            + want_file(s, ctx.w("out2.txt"), "w", 0, size)
            + want_exit(s, 0))
