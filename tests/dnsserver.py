#!/usr/bin/env python3
"""A tiny DNS server for tests: answers A and AAAA questions over UDP and
TCP on 127.0.0.1 from a fixed table, never touching a real network.

    python3 tests/dnsserver.py PORTFILE NAME=ADDR[,ADDR...] [ALIAS>TARGET ...]

NAME=ADDR lines give a name's addresses (IPv4 answer A questions, IPv6 ones
AAAA); ALIAS>TARGET makes ALIAS a CNAME of TARGET (the reply carries the
chain, then TARGET's addresses).  Other names get NXDOMAIN.  It binds port
53 when it can (else an ephemeral port), writes the port to PORTFILE once
ready, and serves until killed.  Replies use name compression pointers.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
import threading


def parse_question(msg: bytes) -> tuple[str, int, int]:
    """(name, type, end offset) of the first question."""
    at, labels = 12, []
    while msg[at]:
        n = msg[at]
        labels.append(msg[at + 1:at + 1 + n].decode("ascii", "replace"))
        at += 1 + n
    qtype = struct.unpack(">H", msg[at + 1:at + 3])[0]
    return ".".join(labels).lower(), qtype, at + 5


def encode_name(name: str) -> bytes:
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def answer(msg: bytes, table: dict, cnames: dict) -> bytes:
    qname, qtype, qend = parse_question(msg)
    records, name, owner = [], qname, b"\xc0\x0c"   # pointer to the question
    for _ in range(8):
        if name not in cnames:
            break
        target = cnames[name]
        rdata = encode_name(target)
        records.append(owner + struct.pack(">HHIH", 5, 1, 60, len(rdata)) + rdata)
        owner, name = encode_name(target), target
    for addr in table.get(name, []):
        ip = ipaddress.ip_address(addr)
        want = 1 if ip.version == 4 else 28
        if want == qtype:
            records.append(owner + struct.pack(">HHIH", want, 1, 60, len(ip.packed)) + ip.packed)
    known = name in table
    flags = 0x8180 if known else 0x8183
    head = msg[:2] + struct.pack(">HHHHH", flags, 1, len(records), 0, 0)
    return head + msg[12:qend] + b"".join(records)


def serve_udp(sock: socket.socket, table: dict, cnames: dict) -> None:
    while True:
        msg, peer = sock.recvfrom(4096)
        try:
            sock.sendto(answer(msg, table, cnames), peer)
        except (IndexError, struct.error):
            pass


def serve_tcp(sock: socket.socket, table: dict, cnames: dict) -> None:
    while True:
        conn, _ = sock.accept()
        with conn:
            try:
                while True:
                    head = conn.recv(2, socket.MSG_WAITALL)
                    if len(head) < 2:
                        break
                    msg = conn.recv(struct.unpack(">H", head)[0], socket.MSG_WAITALL)
                    out = answer(msg, table, cnames)
                    conn.sendall(struct.pack(">H", len(out)) + out)
            except (OSError, IndexError, struct.error):
                pass


def main(argv: list[str]) -> int:
    portfile, table, cnames = argv[1], {}, {}
    for arg in argv[2:]:
        if ">" in arg:
            alias, target = arg.split(">", 1)
            cnames[alias.lower()] = target.lower()
        else:
            name, addrs = arg.split("=", 1)
            table[name.lower()] = addrs.split(",")
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        udp.bind(("127.0.0.1", 53))
        tcp.bind(("127.0.0.1", 53))
    except OSError:
        udp.close()
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("127.0.0.1", 0))
        tcp.close()
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind(("127.0.0.1", udp.getsockname()[1]))
    tcp.listen(4)
    threading.Thread(target=serve_tcp, args=(tcp, table, cnames), daemon=True).start()
    with open(portfile + ".tmp", "w") as f:
        f.write(str(udp.getsockname()[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    serve_udp(udp, table, cnames)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
