"""Handled, queued real-time, blocked and ignored signals; EINTR vs
SA_RESTART; a child killed by SIGTERM; dies by SIGUSR1."""
import json

from e2elib import Invocation, want_exit, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("signals")])


def expect(s, ctx, res):
    probs = want_exit(s, 138, "SIGUSR1") + want_nprocs(s, 3)
    exits = sorted(json.dumps(p["exit"]) for p in s["processes"])
    want = sorted(json.dumps(e) for e in ({"code": 138, "signal": "SIGUSR1"},
                                          {"code": 0, "signal": None},
                                          {"code": 143, "signal": "SIGTERM"}))
    if exits != want:
        probs.append(f"exits {exits}, expected {want}")
    if b"SIGRTMIN+2 after unblocking delivered 5 time(s), values summing to 15" not in res.stdout:
        probs.append("untraced run did not see 5 queued signals")
    return probs
