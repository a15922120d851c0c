"""Names for peers from DNS: in a private mount and network namespace
(tests/netns.py: a resolver of the test's own on 127.0.0.1:53, resolv.conf
and nsswitch.conf bind-mounted), glibc's getaddrinfo asks it for
myapi.test, a CNAME of backend.test at 127.0.0.3; the connection there is
shown with the name the program asked for."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import netns  # noqa: E402
from e2elib import Invocation, want_exit, want_io  # noqa: E402


def command(ctx):
    return Invocation([ctx.tracee("netnames"), "myapi.test"], skip_status=77,
                      preexec=netns.private_resolver(ctx.work, {"backend.test": ["127.0.0.3"]},
                                                     cnames={"myapi.test": "backend.test"}))


def conns(s):
    return sorted((c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
                  for c in s.get("connections") or [])


def expect(s, ctx, res):
    probs = []
    if b"myapi.test 127.0.0.3" not in (res.stdout or b""):
        probs.append(f"the program did not resolve myapi.test to 127.0.0.3: {res.stdout!r}")
    # the resolver's socket: one query out, one reply in (sizes are the
    # resolver's: compare with strace, not here)
    dns = [c for c in s.get("connections") or [] if (c.get("remote") or "").endswith(":53")]
    if len(dns) != 1 or dns[0]["proto"] != "udp4" or not dns[0]["sent_bytes"] \
            or not dns[0]["received_bytes"]:
        probs.append(f"resolver connections {dns}, expected one udp4 with bytes each way")
    rest = sorted(c for c in conns(s) if c not in [(d["proto"], d["role"], d["sent_bytes"],
                                                    d["received_bytes"]) for d in dns])
    want = [("tcp4", "accept", 40, 100), ("tcp4", "connect", 100, 40),
            ("udp4", "flow", 7, 60), ("udp4", "flow", 60, 7)]
    if rest != want:
        probs.append(f"connections {rest}, expected {want}")
    return probs + want_exit(s, 0)


def check_got(s, ctx, res, events):
    """The connection to 127.0.0.3 carries the name asked for (not the
    CNAME's target), in the summary and on its connect event; the resolver
    and the UDP flows, at 127.0.0.1, are localhost (the hosts file's first
    line); the accepted end has no name (the program did not look it up)."""
    probs = []
    for c in s.get("connections") or []:
        want = None if c["role"] == "accept" else \
            "myapi.test" if c["remote"].startswith("127.0.0.3:") else "localhost"
        if c.get("host") != want:
            probs.append(f"connection {c}: host {c.get('host')!r}, expected {want!r}")
    named = [e for e in events if e.get("type") == "connect" and e.get("host") == "myapi.test"]
    if len(named) != 1 or not named[0].get("remote", "").startswith("127.0.0.3:"):
        probs.append(f"connect events with host myapi.test: {named}, expected one to 127.0.0.3")
    return probs
