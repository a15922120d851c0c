#!/usr/bin/env python3
"""Large fd numbers: memory grows with what a trace holds, not with fd values.

Writes a crafted recording, as --record would, of 2,000 processes: the root
opens fd 1048575 (the largest fd the kernel allows by default) and forks
2,000 children, each of which inherits it; then each child writes 100
bytes through it; then they all exit.  Replaying it with --json must give the exact figures (2,001
processes, 200,000 bytes written to the file) and keep compendium-tui's peak
RSS under 64 MiB: a table of fd slots up to the fd's number would need 8 MiB
per process (16 GB in all).  The replay runs with its address space limited
to 1 GiB (not under AddressSanitizer, which reserves far more), so a
regression fails fast instead of swapping.  Peak RSS comes from wait4's
rusage of the replay, which also counts the Python image the child started
as (a few MiB).

Then live, with the engine under test (COMPENDIUM_ENGINE): a program moves a
file to the largest fd its limit allows (past the 1,024 fds the kernel
engine's exec record lists) and forks 200 children that each write 100
bytes through it: --json must count 201 processes and exactly 20,000 bytes
written to the file.
"""

import json
import os
import resource
import struct
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PROCS = 2000
BIG_FD = (1 << 20) - 1
LIMIT_KIB = 64 * 1024
ASAN_FACTOR = 4
AS_LIMIT = 1 << 30

REC_START, REC_SYSCALL, REC_FD, REC_NEWTASK, REC_EXIT, REC_END = 1, 2, 3, 4, 7, 9
SYS_WRITE, SIGCHLD, FDK_FILE, FDW_NEW = 1, 17, 1, 0
ROOT = 100
T0 = 1_000_000_000


class Recording:
    """Records (src/record.h) in a recording file (src/recording.c)."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.ts = T0

    def rec(self, rtype: int, tid: int, tgid: int, payload: bytes) -> None:
        self.ts += 1000
        length = 24 + len(payload)
        pad = -length % 8
        self.out += struct.pack("<QIHHii", self.ts, length + pad, rtype, 0, tid, tgid)
        self.out += payload + b"\0" * pad

    def header(self, argv: list[str]) -> bytes:
        cmd = b"".join(a.encode() + b"\0" for a in argv)
        cmd += b"\0" * (-len(cmd) % 8)
        return struct.pack("<8sIIQ64s", b"CMPNDREC", 2, 88 + len(cmd), T0, b"crafted") + cmd


def crafted() -> bytes:
    r = Recording()
    argv = b"prog\0"
    r.rec(REC_START, ROOT, ROOT, struct.pack("<iiIIQ", ROOT, 1, 0, len(argv), 42) + argv)
    path = b"/tmp/big"
    r.rec(REC_FD, ROOT, ROOT, struct.pack("<iBBHIHHQ", BIG_FD, FDK_FILE, FDW_NEW, len(path),
                                          os.O_WRONLY, 0, 0, 7) + path)
    r.rec(REC_SYSCALL, ROOT, ROOT, struct.pack("<iB3xq6QQQHHi", 257, 0, BIG_FD, 2**64 - 100, 0,
                                               os.O_WRONLY, 0, 0, 0, 0, 0, 0, 0, 257))
    children = range(1000, 1000 + PROCS)
    for child in children:
        r.rec(REC_NEWTASK, ROOT, ROOT, struct.pack("<iIQ", child, 0, SIGCHLD))
    for child in children:
        r.rec(REC_SYSCALL, child, child, struct.pack("<iB3xq6QQQHHi", SYS_WRITE, 0, 100, BIG_FD,
                                                     0, 100, 0, 0, 0, 0, 0, 0, 0, SYS_WRITE))
    for child in children:
        r.rec(REC_EXIT, child, child, struct.pack("<iI", 0, 1))
    r.rec(REC_EXIT, ROOT, ROOT, struct.pack("<iI", 0, 1))
    r.rec(REC_END, ROOT, ROOT, struct.pack("<IIQQ", 0, 0, 0, 0))
    return r.header(["prog"]) + bytes(r.out)


def replay(path: str, out: str, asan: bool) -> tuple[int, int]:
    """Replay path into out; returns (exit status, peak RSS in KiB)."""
    def limit() -> None:
        if not asan:
            resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))

    proc = subprocess.Popen([*common.compendium(trace=False), "--replay", path, "--json", "-o", out],
                            stdin=subprocess.DEVNULL, preexec_fn=limit)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss


LIVE_KIDS = 200
LIVE = """
import os, resource, sys
top = resource.getrlimit(resource.RLIMIT_NOFILE)[1] - 1
resource.setrlimit(resource.RLIMIT_NOFILE, (top + 1, top + 1))
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.dup2(fd, top)
os.close(fd)
for _ in range(int(sys.argv[2])):
    if os.fork() == 0:
        os.write(top, b"x" * 100)
        os._exit(0)
    os.wait()
"""


def live(tmp: str) -> list[str]:
    """The live program above, traced: exact processes and bytes."""
    data, out = os.path.join(tmp, "live.bin"), os.path.join(tmp, "live.jsonl")
    r = subprocess.run([*common.compendium(), "--json", "-o", out, "--", sys.executable, "-c",
                        LIVE, data, str(LIVE_KIDS)], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120)
    if r.returncode != 0:
        return [f"live: exit {r.returncode}: {r.stderr.decode(errors='replace').strip()}"]
    with open(out) as f:
        summary = json.loads(f.read().splitlines()[-1])
    written = sum(f["written_bytes"] for f in summary["files"] if f["path"] == data)
    got = (len(summary["processes"]), written)
    if got != (LIVE_KIDS + 1, LIVE_KIDS * 100):
        return [f"live: {got[0]} processes and {got[1]} bytes written to {data}, the program "
                f"ran {LIVE_KIDS + 1} and wrote {LIVE_KIDS * 100}"]
    print(f"live: {LIVE_KIDS} children writing through the top fd: {written} bytes counted")
    return []


def main() -> int:
    common.require_tracing()
    asan = common.asan_build()
    limit = LIMIT_KIB * (ASAN_FACTOR if asan else 1)
    with tempfile.TemporaryDirectory(prefix="ctui-fdnumbers-") as tmp:
        path, out = os.path.join(tmp, "big-fds.rec"), os.path.join(tmp, "out.jsonl")
        with open(path, "wb") as f:
            f.write(crafted())
        size = os.path.getsize(path)
        status, peak = replay(path, out, asan)
        probs = []
        if status != 0:
            probs.append(f"replay exited {status}")
        else:
            with open(out) as f:
                summary = json.loads(f.read().splitlines()[-1])
            procs = len(summary["processes"])
            files = {f["path"]: f["written_bytes"] for f in summary["files"]}
            if procs != PROCS + 1:
                probs.append(f"{procs} processes in the summary, the recording has {PROCS + 1}")
            if files.get("/tmp/big") != PROCS * 100:
                probs.append(f"/tmp/big written {files.get('/tmp/big')} bytes, "
                             f"the recording says {PROCS * 100}")
        if peak > limit:
            probs.append(f"peak RSS {peak} KiB replaying {size} bytes, over {limit} KiB")
        probs += live(tmp)
    for p in probs:
        print(f"FAIL: {p}")
    if not probs:
        print(f"{PROCS} processes holding fd {BIG_FD}: {size} bytes of recording replayed "
              f"in a peak RSS of {peak} KiB (limit {limit} KiB)")
    return common.FAIL if probs else common.PASS


if __name__ == "__main__":
    sys.exit(main())
