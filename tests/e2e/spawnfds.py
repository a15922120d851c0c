"""vfork and posix_spawn children close/dup2 over the parent's fd numbers; the
parent's later writes still go to its own file."""
from e2elib import Invocation, root_proc, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("spawnfds"), ctx.w("A"), ctx.w("B")],
                      compare_files=["A", "B"])


def expect(s, ctx, res):
    probs = (want_file(s, ctx.w("A"), "w", 0, 32) + want_file(s, ctx.w("B"), "w", 0, 56)
             + want_nprocs(s, 3) + want_exit(s, 0))
    kids = sorted(p["argv"][1:3] for p in s["processes"] if p is not root_proc(s))
    if kids != [["--child", "11"], ["--child", "17"]]:
        probs.append(f"children argv {kids}")
    return probs
