"""A private network for tests that look names up: a preexec function
that moves the child into its own mount and network namespaces (loopback
up, nothing else), bind-mounts a resolv.conf (nameserver 127.0.0.1), an
nsswitch.conf (hosts: files dns) and a hosts file of the test's own over
/etc/..., and starts tests/dnsserver.py's resolver on 127.0.0.1:53 there,
  No real network is ever asked.

    preexec = netns.private_resolver(workdir, {"name": ["127.0.0.3"]},
                                     cnames={"alias": "name"},
                                     hosts="127.0.0.1 localhost\\n")

The resolver is no child of the command and ends when the command's
process does.  Without root (unshare needs CAP_SYS_ADMIN) the child exits
with 77 before exec: use skip_status=77.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import select
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnsserver  # noqa: E402

CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 0x40000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        os.write(2, f"netns: {what}: {os.strerror(err)}\n".encode())
        os._exit(77 if err in (1, 13) else 99)


def _loopback_up() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flags = struct.unpack("16sH22x", fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", b"lo", 0)))[1]
    fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))
    s.close()


def _alive(pid: int) -> bool:
    """Is pid running (not gone, not a zombie)?"""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def _serve(udp: socket.socket, tcp: socket.socket, table: dict, cnames: dict, owner: int) -> None:
    """The resolver's loop (in its own process) while owner runs: UDP and
    TCP, one at a time."""
    while _alive(owner):
        ready, _, _ = select.select([udp, tcp], [], [], 0.2)
        if udp in ready:
            msg, peer = udp.recvfrom(4096)
            try:
                udp.sendto(dnsserver.answer(msg, table, cnames), peer)
            except (IndexError, struct.error):
                pass
        if tcp in ready:
            conn, _ = tcp.accept()
            with conn:
                try:
                    head = conn.recv(2, socket.MSG_WAITALL)
                    msg = conn.recv(struct.unpack(">H", head)[0], socket.MSG_WAITALL)
                    out = dnsserver.answer(msg, table, cnames)
                    conn.sendall(struct.pack(">H", len(out)) + out)
                except (OSError, IndexError, struct.error):
                    pass


def private_resolver(work: str, table: dict, cnames: dict | None = None,
                     hosts: str = "127.0.0.1 localhost\n", options: str = ""):
    """The preexec function (see the module's text); files go to work;
    options are resolv.conf's more options ("use-vc": glibc asks over TCP)."""
    files = {"resolv.conf": f"nameserver 127.0.0.1\noptions attempts:1 timeout:2 {options}\n",
             "nsswitch.conf": "hosts: files dns\n", "hosts": hosts}
    cnames = cnames or {}

    def preexec() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        for name, text in files.items():
            with open(os.path.join(work, "netns-" + name), "w") as f:
                f.write(text)
        _check(libc.unshare(CLONE_NEWNS | CLONE_NEWNET), "unshare")
        _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
        for name in files:
            _check(libc.mount(os.path.join(work, "netns-" + name).encode(),
                              f"/etc/{name}".encode(), None, MS_BIND, None), f"bind {name}")
        _loopback_up()
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        udp.bind(("127.0.0.1", 53))
        tcp.bind(("127.0.0.1", 53))
        tcp.listen(8)
        owner = os.getpid()
        child = os.fork()
        if child == 0:
            # Twice forked, so it is no child of the command (a tracer
            # waiting for its children must not wait for it), with no
            # stdio (the test reads the command's to its end): it ends
            # when the command's process does.
            try:
                if os.fork() == 0:
                    null = os.open(os.devnull, os.O_RDWR)
                    for fd in (0, 1, 2):
                        os.dup2(null, fd)
                    os.setsid()
                    _serve(udp, tcp, table, cnames, owner)
            finally:
                os._exit(0)
        os.waitpid(child, 0)
        udp.close()
        tcp.close()

    return preexec
