"""Writes through dup, dup2, F_DUPFD_CLOEXEC, dup3 and an inherited fd in a
forked child that exits 3."""
from e2elib import Invocation, root_proc, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("dupwrite"), ctx.w("dup.out")])


def expect(s, ctx, res):
    probs = want_file(s, ctx.w("dup.out"), "w", 0, 1075) + want_nprocs(s, 2) + want_exit(s, 0)
    root = root_proc(s)
    kids = [p for p in s["processes"] if root and p is not root]
    if not root or len(kids) != 1:
        return probs + ["expected a root with one child"]
    kid = kids[0]
    if kid["exit"] != {"code": 3, "signal": None}:
        probs.append(f"child exit {kid['exit']}, expected code 3")
    if kid["exe"] != root["exe"] or kid["argv"] != root["argv"]:
        probs.append("child did not inherit exe/argv")
    return probs
