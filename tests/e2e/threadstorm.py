"""200 threads (CLONE_FILES) started from 8 threads at once each open a file
and write; the main thread writes through their fds (new threads' first stops
race their creator's clone event)."""
import os

from e2elib import Invocation, root_proc, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("threadstorm"), ctx.w("storm"), "200"],
                      setup=lambda c: os.mkdir(c.w("storm")))


def expect(s, ctx, res):
    probs = want_nprocs(s, 1) + want_exit(s, 0)
    root = root_proc(s)
    if root and root["threads"] != 209:
        probs.append(f"root threads {root['threads']}, expected 209")
    for i in range(200):
        probs += want_file(s, ctx.w(f"storm/t{i:03d}"), "w", 0, i % 50 + 1 + 7)
    return probs
