"""Names for peers from DNS over TCP: as dnsname, with resolv.conf's
"options use-vc", so glibc asks the resolver over TCP (the reply's length,
then the reply, read from a connected stream)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import netns  # noqa: E402
from e2elib import Invocation, case_module  # noqa: E402

_base = case_module("dnsname")


def command(ctx):
    return Invocation([ctx.tracee("netnames"), "myapi.test"], skip_status=77,
                      preexec=netns.private_resolver(ctx.work, {"backend.test": ["127.0.0.3"]},
                                                     cnames={"myapi.test": "backend.test"},
                                                     options="use-vc"))


def expect(s, ctx, res):
    probs = []
    if b"myapi.test 127.0.0.3" not in (res.stdout or b""):
        probs.append(f"the program did not resolve myapi.test to 127.0.0.3: {res.stdout!r}")
    dns = [c for c in s.get("connections") or [] if (c.get("remote") or "").endswith(":53")]
    if len(dns) != 1 or dns[0]["proto"] != "tcp4" or not dns[0]["received_bytes"]:
        probs.append(f"resolver connections {dns}, expected one tcp4 with a reply")
    rest = sorted((c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
                  for c in s.get("connections") or [] if c not in dns)
    want = [("tcp4", "accept", 40, 100), ("tcp4", "connect", 100, 40),
            ("udp4", "flow", 7, 60), ("udp4", "flow", 60, 7)]
    if rest != want:
        probs.append(f"connections {rest}, expected {want}")
    return probs + _base.want_exit(s, 0)


check_got = _base.check_got
