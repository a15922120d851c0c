"""Shell redirections: prog > f1; cat f1 > f2 2>/dev/null; wc -c < f2."""
import shlex

from e2elib import Invocation, want_exit, want_file


def command(ctx):
    script = f"{shlex.quote(ctx.tracee('exitcode'))} > out1.txt; " \
             "cat out1.txt > out2.txt 2>/dev/null; wc -c < out2.txt"
    return Invocation(["/bin/sh", "-c", script], compare_files=["out1.txt", "out2.txt"])


def expect(s, ctx, res):
    n = len(b"exitcode: exiting with 42\n")
    probs = want_file(s, ctx.w("out1.txt"), "rw", n, n)
    probs += want_file(s, ctx.w("out2.txt"), "rw", None, n)
    probs += want_exit(s, 0)
    codes = sorted((p["exit"] or {}).get("code", -1) for p in s["processes"])
    if 42 not in codes:
        probs.append(f"no process exited with 42: {codes}")
    if res.stdout != f"{n}\n".encode():
        probs.append(f"stdout {res.stdout!r}")
    return probs
