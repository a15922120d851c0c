"""Unconnected UDP: datagrams by address (sendto, recvfrom, sendmsg and
recvmsg with msg_name) are one flow per process and peer, with the bytes
each way and first and last time."""
from e2elib import Invocation, want_exit, want_io


def command(ctx):
    return Invocation([ctx.tracee("netnames")])


def flows(s):
    return sorted((c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
                  for c in s.get("connections") or [])


def expect(s, ctx, res):
    want = [("udp4", "flow", 7, 60), ("udp4", "flow", 60, 7)]
    probs = [] if flows(s) == want else [f"connections {flows(s)}, expected {want}"]
    byremote = {c["remote"]: c for c in s.get("connections") or []}
    for c in s.get("connections") or []:
        back = byremote.get(c.get("local"))
        if not back or back.get("remote") != c.get("remote") and back.get("local") != c.get("remote"):
            probs.append(f"flow {c}: its peer's flow is not listed with the ends swapped")
    return probs + want_io(s, net_sent_bytes=67, net_received_bytes=67) + want_exit(s, 0)


def check_got(s, ctx, res, events):
    """first_s <= last_s for each flow; the flows' send and recv events name
    the peer."""
    probs = []
    for c in s.get("connections") or []:
        if not 0 <= c.get("first_s", -1) <= c.get("last_s", -1):
            probs.append(f"flow {c}: first_s/last_s out of order")
    peers = sorted(e.get("peer") for e in events if e.get("type") in ("send", "recv") and e.get("peer"))
    # A: 3 sendto and 1 recvmsg with B; B: 3 recvfrom and 1 sendmsg with A
    want = sorted(c["remote"] for c in s.get("connections") or [] for _ in range(4))
    if peers != want:
        probs.append(f"send/recv events' peers {peers}, expected {want} (3 sendto + 1 recvmsg, "
                     f"3 recvfrom + 1 sendmsg)")
    return probs
