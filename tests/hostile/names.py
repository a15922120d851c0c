#!/usr/bin/env python3
"""Names with control characters reach --batch lines and --json only as
visible escapes.

tests/tracees/hostile_names, copied under the name "run\\rme\\x1b[7m" and
given the arguments "arg\\nX" and "\\u202erev", creates files whose names hold
a carriage return (that once drew a fake event line), backspaces, a newline,
a raw C1 byte (0x9b, a one-byte CSI), U+009B in UTF-8, U+202E (right-to-left
override) and printable UTF-8 ("café_中.txt"), and connects to an abstract
unix socket "@cmp\\x1b[31m\\n".  Then:
  - every --batch line is valid UTF-8 without a control, C1, bidi or format
    character; every event line starts with its time stamp (no name cut a
    line or drew a line of its own); the open, write, exec, connect and
    FINAL lines show the names with \\xNN and \\u{XXXX} escapes, and the
    printable UTF-8 as itself;
  - every string of every --json object, decoded, holds none of those
    characters either, and the paths, argv, exe and peer are the escaped
    texts.
Both in ptrace mode and, where it can run, with --ebpf.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

EXE = "run\rme\x1b[7m"
EXE_SHOWN = "run\\x0dme\\x1b[7m"
ARGS = ["arg\nX", "\u202erev"]
ARGS_SHOWN = ["arg\\x0aX", "\\u{202E}rev"]
# (name as created, bytes; name as shown)
NAMES = [
    (b"x\r+0.000s file  open /etc/hostname (read)",
     "x\\x0d+0.000s file  open /etc/hostname (read)"),
    (b"bs_abcdef\b\b\b\b\b\bXYZ", "bs_abcdef\\x08\\x08\\x08\\x08\\x08\\x08XYZ"),
    (b"nl_a\nb", "nl_a\\x0ab"),
    (b"c1raw_\x9b31m", "c1raw_\\x9b31m"),
    (b"c1utf_\xc2\x9b31m", "c1utf_\\u{009B}31m"),
    (b"bidi_\xe2\x80\xaetxt.exe", "bidi_\\u{202E}txt.exe"),
    ("caf\u00e9_\u4e2d.txt".encode(), "caf\u00e9_\u4e2d.txt"),
]
PEER_SHOWN = "@cmp\\x1b[31m\\x0a"

# Characters no output may hand to a terminal: C0, DEL, C1, bidi and format.
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e"
                       "\u2060-\u206f\ufeff\ufff9-\ufffb]")


def run(args: list[str], work: str, exe: str) -> subprocess.CompletedProcess:
    cmd = [*common.compendium(), *args, "--", exe, work, *ARGS]
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)


def forbidden(text: str) -> str | None:
    m = FORBIDDEN.search(text)
    return None if m is None else "U+%04X at %d" % (ord(m.group(0)), m.start())


def check_lines(raw: bytes, mode: str, work: str, exe_shown: str) -> list[str]:
    probs = []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"{mode}: the lines are not valid UTF-8: {exc}"]
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        bad = forbidden(line)
        if bad:
            probs.append(f"{mode}: line {i + 1} holds {bad}: {line!r}")
    final = next((i for i, l in enumerate(lines) if l.startswith("━")), len(lines))
    for line in lines[:final]:
        if not re.match(r"\[\+\d+\.\d{3}s\] ", line):
            probs.append(f"{mode}: a line that is not an event (a name broke a line?): {line!r}")
    body = {re.sub(r"^\[\+\d+\.\d{3}s\] (\[\d+\] )?", "", l) for l in lines[:final]}
    want = [f"open {work}/{shown} (write)" for _, shown in NAMES]
    want.append(f"─── {EXE_SHOWN} exec ─── {exe_shown} {work} {' '.join(ARGS_SHOWN)}")
    want.append(f"connect unix → {PEER_SHOWN}")
    if mode == "ptrace":
        want += [f"write 10 B {work}/{shown}" for _, shown in NAMES]
    for w in want:
        if w not in body:
            probs.append(f"{mode}: no line {w!r}")
    fin = [l for l in lines if l.startswith("FINAL: ")]
    want_fin = f"FINAL: {exe_shown} {work} {' '.join(ARGS_SHOWN)} ("
    if len(fin) != 1 or not fin[0].startswith(want_fin):
        probs.append(f"{mode}: FINAL line {fin!r}, expected one starting {want_fin!r}")
    if probs:
        probs.append(f"{mode}: the lines were:\n{text}")
    return probs


def strings(obj):
    """Every string (keys too) inside a decoded JSON value."""
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)


def check_json(raw: bytes, mode: str, work: str, exe_shown: str) -> list[str]:
    probs = []
    objs = []
    for no, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            objs.append(json.loads(line.decode("utf-8")))
        except ValueError as exc:
            return [f"{mode} --json: line {no} is not JSON ({exc}): {line[:200]!r}"]
    for s in sorted({s for obj in objs for s in strings(obj)}):
        bad = forbidden(s)
        if bad:
            probs.append(f"{mode} --json: a decoded string holds {bad}: {s!r}")
    paths = {o.get("path") for o in objs if o.get("type") == "open"}
    for _, shown in NAMES:
        if f"{work}/{shown}" not in paths:
            probs.append(f"{mode} --json: no open of {work + '/' + shown!r} (opens: "
                         f"{sorted(map(str, paths))})")
    summary = next((o for o in objs if o.get("type") == "summary"), {})
    want_cmd = [exe_shown, work, *ARGS_SHOWN]
    if summary.get("command") != want_cmd:
        probs.append(f"{mode} --json: command {summary.get('command')!r}, expected {want_cmd!r}")
    root = (summary.get("processes") or [{}])[0]
    if root.get("argv") != want_cmd or root.get("exe") != exe_shown:
        probs.append(f"{mode} --json: root process exe {root.get('exe')!r} argv "
                     f"{root.get('argv')!r}, expected {want_cmd[0]!r} and {want_cmd!r}")
    remotes = [o.get("remote") for o in objs if o.get("type") == "connect"]
    if PEER_SHOWN not in remotes:
        probs.append(f"{mode} --json: no connect to {PEER_SHOWN!r}: {remotes!r}")
    return probs


def one_mode(mode: str, base: str, exe: str) -> list[str] | None:
    extra = ["--ebpf"] if mode == "ebpf" else []
    work = tempfile.mkdtemp(prefix="names.", dir=base)
    lines = run([*extra, "--batch", "-o", os.path.join(base, "lines")], work, exe)
    if mode == "ebpf" and b"--ebpf is off" in lines.stderr:
        print("SKIP (ebpf part): " + lines.stderr.decode(errors="replace").strip().split("\n")[0])
        return None
    probs = []
    if lines.returncode != 0:
        probs.append(f"{mode}: --batch exited {lines.returncode}: {lines.stderr!r}")
    with open(os.path.join(base, "lines"), "rb") as fh:
        probs += check_lines(fh.read(), mode, work, os.path.join(base, EXE_SHOWN))
    work = tempfile.mkdtemp(prefix="names.", dir=base)
    js = run([*extra, "--json", "-o", os.path.join(base, "json")], work, exe)
    if js.returncode != 0:
        probs.append(f"{mode}: --json exited {js.returncode}: {js.stderr!r}")
    with open(os.path.join(base, "json"), "rb") as fh:
        probs += check_json(fh.read(), mode, work, os.path.join(base, EXE_SHOWN))
    return probs


def main() -> int:
    common.require_tracing()
    base = tempfile.mkdtemp(prefix="ctui-names.")
    try:
        exe = os.path.join(base, EXE)
        shutil.copy(common.tracee("hostile_names"), exe)
        probs = []
        for mode in ("ptrace", "ebpf"):
            got = one_mode(mode, base, exe)
            if got is not None:
                probs += got
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if probs:
        print("FAIL:\n" + "\n".join(probs))
        return common.FAIL
    print("PASS: hostile names shown as escapes in --batch lines and --json")
    return common.PASS


if __name__ == "__main__":
    sys.exit(main())
