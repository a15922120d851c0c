"""300 short-lived children forked from 8 threads at once, every tenth with a
grandchild; each appends to an inherited fd."""
import collections

from e2elib import Invocation, want_exit, want_file, want_nprocs

N = 300


def command(ctx):
    return Invocation([ctx.tracee("forkstorm"), ctx.w("storm.out"), str(N)])


def expect(s, ctx, res):
    g = (N + 9) // 10
    written = sum(i % 13 + 1 for i in range(N)) + 5 * g
    probs = want_nprocs(s, 1 + N + g) + want_exit(s, 0)
    probs += want_file(s, ctx.w("storm.out"), "w", 0, written)
    codes = collections.Counter((p.get("exit") or {}).get("code") for p in s["processes"])
    want = collections.Counter(i % 7 for i in range(N))
    want[100] += g
    want[0] += 1
    if codes != want:
        probs.append(f"exit codes {sorted(codes.items())}, expected {sorted(want.items())}")
    return probs
