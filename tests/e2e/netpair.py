"""Loopback TCP (blocking and EINPROGRESS connect, accept and accept4), TCP
over ::1 when available, connected UDP."""
from e2elib import Invocation, want_exit, want_io, want_nprocs


def command(ctx):
    return Invocation([ctx.tracee("netpair")])


def expect(s, ctx, res):
    have6 = b"ipv6 used" in (res.stdout or b"")
    want = [("tcp4", "connect", 1500, 700), ("tcp4", "accept", 700, 1500),
            ("tcp4", "connect", 10, 20), ("tcp4", "accept", 20, 10),
            ("udp4", "connect", 64, 0)]
    if have6:
        want += [("tcp6", "connect", 300, 200), ("tcp6", "accept", 200, 300)]
    got = [(c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
           for c in s.get("connections") or []]
    probs = []
    if sorted(got) != sorted(want):
        probs.append(f"connections {sorted(got)}, expected {sorted(want)}")
    for c in s.get("connections") or []:
        for k in ("local", "remote"):
            ep = c.get(k) or ""
            host, _, port = ep.rpartition(":")
            if host not in ("127.0.0.1", "[::1]") or not port.isdigit() or int(port) == 0:
                probs.append(f"connection {c}: bad {k} address")
    total = 2794 if have6 else 2294
    probs += want_io(s, net_sent_bytes=total, net_received_bytes=total)
    return probs + want_nprocs(s, 2) + want_exit(s, 0)
