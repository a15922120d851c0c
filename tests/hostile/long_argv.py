#!/usr/bin/env python3
"""An exec whose arguments are longer than an engine keeps is marked cut.

Both engines keep the first 32 KiB of an exec's arguments (NUL-separated,
as /proc/PID/cmdline holds them).  A python program execs /bin/sh with
arguments of exactly that size, then with one byte more, then with
6,000 arguments and a 100 KB one.  Then:
  - --json: the exec events and the processes of the summary have the
    arguments that fit, in order, the last one possibly cut, and
    "argv_cut":true exactly where the arguments were longer than 32 KiB
    (not at exactly 32 KiB);
  - --batch: the exec line of a cut argv ends with " ...", the others not;
  - -p on a running sh whose arguments are longer than 32 KiB: the summary
    has it with the arguments that fit and "argv_cut":true, as found.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

# The three argument vectors for sh -c 'exit 0' (32 KiB, 32 KiB + 1, long),
# built in the traced program too: together they are longer than one
# argument may be.
ARGVS = r'''
KEPT = 32768


def argvs():
    head = ["sh", "-c", "exit 0", "x"]
    used = sum(len(a) + 1 for a in head)
    exact = head + ["e" * (KEPT - used - 1)]
    over = head + ["o" * (KEPT - used)]
    many = head + ["a%d" % i for i in range(6000)] + ["b" * 100000]
    return [exact, over, many]
'''
exec(ARGVS)

PROG = ARGVS + r'''
import os
for argv in argvs():
    pid = os.fork()
    if pid == 0:
        os.execv("/bin/sh", argv)
    os.waitpid(pid, 0)
'''


def run(args: list[str]) -> subprocess.CompletedProcess:
    cmd = [*common.compendium(), *args, "--", sys.executable, "-c", PROG]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)


def kept(argv: list[str]) -> tuple[list[str], bool]:
    """What an engine keeps of argv: the first KEPT bytes of the NUL-joined
    vector, and whether that cut anything."""
    blob = b"".join(a.encode() + b"\0" for a in argv)
    cut = len(blob) > KEPT
    parts = blob[:KEPT].split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return [p.decode() for p in parts], cut


def check_json(path: str) -> list[str]:
    probs = []
    with open(path, encoding="utf-8") as fh:
        objs = [json.loads(l) for l in fh if l.strip()]
    execs = [o for o in objs if o.get("type") == "exec" and o.get("exe") == "/usr/bin/dash"]
    summary = next((o for o in objs if o.get("type") == "summary"), {})
    procs = [p for p in summary.get("processes", []) if p.get("exe") == "/usr/bin/dash"]
    if len(execs) != 3 or len(procs) != 3:
        return [f"--json: {len(execs)} exec events and {len(procs)} processes of sh, expected 3 each"]
    for i, argv in enumerate(argvs()):
        want, cut = kept(argv)
        for what, o in (("exec event", execs[i]), ("summary process", procs[i])):
            if o.get("argv") != want:
                got = o.get("argv") or []
                probs.append(f"--json {what} {i}: {len(got)} arguments ({sum(map(len, got))} "
                             f"bytes), expected {len(want)} ({sum(map(len, want))} bytes)")
            if o.get("argv_cut", False) is not cut:
                probs.append(f"--json {what} {i}: argv_cut {o.get('argv_cut')!r}, expected {cut}")
    return probs


def check_lines(text: str) -> list[str]:
    lines = [l for l in text.split("\n") if "exec ─── sh -c exit 0 x " in l]
    if len(lines) != 3:
        return [f"--batch: {len(lines)} exec lines of sh, expected 3"]
    want = [False, True, True]
    return [f"--batch: exec line {i} {'does not end' if w else 'ends'} with ' ...': "
            f"...{lines[i][-40:]!r}"
            for i, w in enumerate(want) if lines[i].endswith(" ...") is not w]


def check_attach(base: str) -> list[str]:
    """-p on an sh already running with the long argv."""
    argv = ["sh", "-c", "sleep 2; exit 0", "x"] + argvs()[2][4:]
    want, _ = kept(argv)
    out = os.path.join(base, "attach")
    target = subprocess.Popen(argv, executable="/bin/sh", stdin=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        r = subprocess.run([*common.compendium(), "--json", "-o", out, "-p", str(target.pid)],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    finally:
        target.kill()
        target.wait()
    if r.returncode != 0:
        return [f"-p exited {r.returncode}: {r.stderr[-500:]!r}"]
    with open(out, encoding="utf-8") as fh:
        summary = next((o for o in map(json.loads, fh) if o.get("type") == "summary"), {})
    proc = next((p for p in summary.get("processes", []) if p.get("pid") == target.pid), None)
    if proc is None:
        return [f"-p: no process {target.pid} in the summary"]
    probs = []
    if proc.get("argv") != want:
        probs.append(f"-p: {len(proc.get('argv') or [])} arguments, expected {len(want)}")
    if proc.get("argv_cut") is not True:
        probs.append(f"-p: argv_cut {proc.get('argv_cut')!r}, expected True")
    return probs


def main() -> int:
    common.require_tracing()
    probs = []
    with tempfile.TemporaryDirectory(prefix="ctui-argv.") as base:
        out = os.path.join(base, "json")
        r = run(["--json", "-o", out])
        if r.returncode != 0:
            probs.append(f"--json exited {r.returncode}: {r.stderr[-500:]!r}")
        else:
            probs += check_json(out)
        out = os.path.join(base, "lines")
        r = run(["--batch", "-o", out])
        if r.returncode != 0:
            probs.append(f"--batch exited {r.returncode}: {r.stderr[-500:]!r}")
        else:
            with open(out, encoding="utf-8") as fh:
                probs += check_lines(fh.read())
        probs += check_attach(base)
    return common.finish(probs, "arguments past 32 KiB are kept cut and marked so")


if __name__ == "__main__":
    sys.exit(main())
