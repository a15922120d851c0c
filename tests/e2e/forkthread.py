"""A pthread writes a file; fork+exec /bin/true; fork+chdir+exec ./forkthread
(a relative path) exiting 7."""
import json
import os

from e2elib import Invocation, root_proc, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("forkthread"), ctx.w("thread.out")])


def expect(s, ctx, res):
    probs = want_file(s, ctx.w("thread.out"), "w", 0, 123) + want_nprocs(s, 3) + want_exit(s, 0)
    root = root_proc(s)
    if not root:
        return probs + ["no unique root process"]
    if root["threads"] != 2:
        probs.append(f"root threads {root['threads']}, expected 2")
    self_exe = os.path.realpath(ctx.tracee("forkthread"))
    kids = sorted(((p["exe"], p["argv"], p["threads"], p["exit"]) for p in s["processes"]
                   if p is not root), key=json.dumps)
    want = sorted([(os.path.realpath("/bin/true"), ["true"], 1, {"code": 0, "signal": None}),
                   (self_exe, ["./forkthread", "--child"], 1, {"code": 7, "signal": None})],
                  key=json.dumps)
    if kids != want:
        probs.append(f"children {kids}, expected {want}")
    return probs
