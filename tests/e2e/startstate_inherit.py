"""Started with SIGINT, SIGUSR1, SIGUSR2 ignored and SIGQUIT, SIGUSR2 blocked:
the command inherits exactly that."""
import signal

from e2elib import Invocation, want_exit, want_nprocs


def ignore_and_block():
    # Exactly this state, whatever the harness itself was started with (a
    # background job of a non-interactive shell ignores SIGINT and SIGQUIT).
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    for sig in (signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGQUIT, signal.SIGUSR2})


def command(ctx):
    return Invocation([ctx.tracee("startstate")], preexec=ignore_and_block)


def expect(s, ctx, res):
    probs = want_exit(s, 0) + want_nprocs(s, 1)
    out = res.stdout or b""
    if b"ignored: INT USR1 USR2\n" not in out or b"blocked: QUIT USR2" not in out:
        probs.append(f"untraced run did not inherit the set-up state: {out!r}")
    return probs
