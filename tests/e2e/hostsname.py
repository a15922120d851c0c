"""Names for peers from /etc/hosts in the program's own mount namespace:
the command (unshare -m) bind-mounts a hosts file of the test's over
/etc/hosts only for itself, then glibc's getaddrinfo finds myhosts.test
at 127.0.0.2 there; the tracer, outside, must read the file as the
program sees it (/proc/PID/root), not its own /etc/hosts."""
from e2elib import Invocation, want_exit


def setup(ctx):
    with open(ctx.w("hosts"), "w") as f:
        f.write("# the test's own\n127.0.0.1\tlocalhost\n127.0.0.2 myhosts.test alias.test\n")


def command(ctx):
    return Invocation(["unshare", "-m", "sh", "-c",
                       f"mount --bind {ctx.w('hosts')} /etc/hosts && exec {ctx.tracee('netnames')} "
                       "myhosts.test || exit 77"], setup=setup, skip_status=77)


def expect(s, ctx, res):
    got = sorted((c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
                 for c in s.get("connections") or [])
    want = [("tcp4", "accept", 40, 100), ("tcp4", "connect", 100, 40),
            ("udp4", "flow", 7, 60), ("udp4", "flow", 60, 7)]
    probs = [] if got == want else [f"connections {got}, expected {want}"]
    if b"myhosts.test 127.0.0.2" not in (res.stdout or b""):
        probs.append(f"the program did not find myhosts.test at 127.0.0.2: {res.stdout!r}")
    return probs + want_exit(s, 0)


def check_got(s, ctx, res, events):
    """The connect to 127.0.0.2 is named myhosts.test (the first name of its
    line), the UDP flows to 127.0.0.1 localhost, the accepted end nothing."""
    probs = []
    for c in s.get("connections") or []:
        want = {"connect": "myhosts.test", "flow": "localhost"}.get(c["role"])
        if c.get("host") != want:
            probs.append(f"connection {c}: host {c.get('host')!r}, expected {want!r}")
    if not any(e.get("type") == "connect" and e.get("host") == "myhosts.test" for e in events):
        probs.append("no connect event with host myhosts.test")
    return probs
