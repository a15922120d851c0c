"""threadexec with -v: the exec'ing thread's system call state moves to the
leader's pid."""
from e2elib import Invocation, want_exit, want_file, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("threadexec"), ctx.w("te.out")], compendium_args=["-v"])


def expect(s, ctx, res):
    return want_nprocs(s, 1) + want_exit(s, 5) + want_file(s, ctx.w("te.out"), "w", 0, 40)


def check_got(s, ctx, res, events):
    """With -v every syscall is an event: after the exec from the thread, the
    leader's pid must continue with that thread's execve (whose state moved
    with it), never with the old leader's read, which did not return."""
    probs = []
    execs = [i for i, e in enumerate(events) if e.get("type") == "exec"]
    if len(execs) != 2:
        return [f"{len(execs)} exec events, expected 2"]
    after = events[execs[1]]
    nxt = next((e for e in events[execs[1] + 1:] if e.get("type") == "syscall"
                and e.get("tid") == after.get("tid")), None)
    if not nxt or nxt.get("name") != "execve" or nxt.get("ret") != 0:
        probs.append(f"first syscall after the exec from a thread: {nxt}, expected execve = 0")
    reads = [e for e in events if e.get("type") == "syscall" and e.get("name") == "read"
             and e.get("tid") == after.get("tid") and e.get("ret") == 0]
    if reads:
        probs.append(f"the leader's read() that never returned shows as returning: {reads[0]}")
    exits = [e for e in events if e.get("type") == "exit" and not e.get("thread")]
    if len(exits) != 1 or exits[0].get("pid") != after.get("pid"):
        probs.append(f"process exit events {exits}, expected one for pid {after.get('pid')}")
    return probs
