"""Names for peers from DNS answers a program gets with i386 calls
(int $0x80 from a 64-bit process), in a private mount and network
namespace with a resolver of the test's own on 127.0.0.1:53
(tests/netns.py): one answer by recvfrom on a connected socket, the other
by recvmsg (its i386 struct msghdr naming the resolver).  The TCP
connection to the first name's address and the UDP datagram to the
second's carry the names asked for."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import netns  # noqa: E402
from e2elib import Invocation, want_exit  # noqa: E402

NAMES = {"first.test": "127.0.0.3", "second.test": "127.0.0.4"}


def command(ctx):
    return Invocation([ctx.tracee("int80"), "--dns"] + list(NAMES), skip_status=77,
                      preexec=netns.private_resolver(ctx.work, {n: [a] for n, a in NAMES.items()}))


def expect(s, ctx, res):
    probs = []
    want_out = "".join(f"{n} {a}\n" for n, a in NAMES.items()).encode()
    if res.stdout != want_out:
        probs.append(f"the program printed {res.stdout!r}, expected {want_out!r}")
    dns = [c for c in s.get("connections") or [] if (c.get("remote") or "").endswith(":53")]
    if len(dns) != 2 or any(c["proto"] != "udp4" or not c["sent_bytes"]
                            or not c["received_bytes"] for c in dns):
        probs.append(f"resolver connections {dns}, expected two udp4 with bytes each way")
    return probs + want_exit(s, 0)


def check_got(s, ctx, res, events):
    """The connection to 127.0.0.3 and the flow to 127.0.0.4 carry the
    names the program asked for, in the summary and on their events."""
    probs = []
    for name, addr in NAMES.items():
        to = [c for c in s.get("connections") or []
              if (c.get("remote") or "").startswith(addr + ":")]
        if len(to) != 1 or to[0].get("host") != name:
            probs.append(f"connections to {addr}: {to}, expected one with host {name!r}")
        named = [e for e in events if e.get("host") == name]
        if not named or any(not (e.get("remote") or e.get("peer") or "").startswith(addr + ":")
                            for e in named):
            probs.append(f"events with host {name!r}: {named}, expected some to {addr}")
    return probs
