"""sendmsg/recvmsg, sendmmsg/recvmmsg, writev/readv on connected UDP."""
from e2elib import Invocation, want_exit, want_io


def command(ctx):
    return Invocation([ctx.tracee("netmsg")])


def expect(s, ctx, res):
    got = sorted((c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
                 for c in s.get("connections") or [])
    want = sorted([("udp4", "connect", 78, 11), ("udp4", "connect", 11, 78)])
    probs = [] if got == want else [f"connections {got}, expected {want}"]
    return probs + want_io(s, net_sent_bytes=89, net_received_bytes=89) + want_exit(s, 0)
