#!/usr/bin/env python3
"""Output that cannot be written: one sentence naming the file, exit 125.

Every writer is pointed at /dev/full (which fails every write with ENOSPC)
in turn: the lines (--batch -o), the JSON (--json -o), --report,
--trace-json and --record, and standard error itself.  The traced program
(a shell that makes a few hundred events, leaves a file behind as its last
act and exits 3) must run to its end, stderr must be exactly the one
sentence "compendium-tui: cannot write <what> /dev/full: No space left on
device", and the exit status 125, not the program's 3.  The lines and JSON
cases run again with --ebpf (skipped, saying why, where it cannot run).

Then a reader that goes away: -o is a pipe whose reader takes one line
and closes it.  With SIGPIPE ignored the program still runs to its end and
compendium-tui says "cannot write output file ...: Broken pipe" and exits
125; with SIGPIPE at its default compendium-tui dies of SIGPIPE like any
other tool, and the traced program does not outlive it.

Last, a recording cut inside its header (at lengths 0, 1, 8, 88 and one
byte short of the header) is refused in --batch, --json and the terminal
UI alike: "compendium-tui: FILE: recording is truncated (cut inside its
header)", exit 1.
"""

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ENOSPC = "No space left on device"


def script(done: str, n: int = 300) -> list[str]:
    """A shell that opens files n times, then touches done and exits 3."""
    return ["/bin/sh", "-c", f"i=0; while [ $i -lt {n} ]; do : < /etc/hostname; i=$((i+1)); done; "
            f": > {done}; exit 3"]


def full_cases(comp: list[str], tmp: str) -> list[str]:
    probs = []
    cases = [
        ("lines", ["--batch", "-o", "/dev/full"], "output file"),
        ("json", ["--json", "-o", "/dev/full"], "output file"),
        ("report", ["--batch", "-o", os.devnull, "--report", "/dev/full"], "report"),
        ("trace", ["--batch", "-o", os.devnull, "--trace-json", "/dev/full"], "trace"),
        ("record", ["--batch", "-o", os.devnull, "--record", "/dev/full"], "recording"),
        ("json+record", ["--json", "-o", os.devnull, "--record", "/dev/full"], "recording"),
        ("ebpf-lines", ["--ebpf", "--batch", "-o", "/dev/full"], "output file"),
        ("ebpf-json", ["--ebpf", "--json", "-o", "/dev/full"], "output file"),
    ]
    for name, opts, what in cases:
        done = os.path.join(tmp, name + ".done")
        r = subprocess.run([*comp, *opts, "--", *script(done)], stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=60)
        err = r.stderr.decode(errors="replace")
        if "--ebpf is off" in err or "--ebpf cannot" in err:
            print(f"SKIP: {name}: {err.splitlines()[0]}")
            continue
        want = f"compendium-tui: cannot write {what} /dev/full: {ENOSPC}\n"
        if r.returncode != 125:
            probs.append(f"{name}: exit {r.returncode}, expected 125; stderr {err!r}")
        if err != want:
            probs.append(f"{name}: stderr {err!r}, expected {want!r}")
        if not os.path.exists(done):
            probs.append(f"{name}: the traced program did not run to its end")
    # standard error itself is /dev/full: nothing can be said, the status tells
    done = os.path.join(tmp, "stderr.done")
    with open("/dev/full", "w") as full:
        r = subprocess.run([*comp, "--batch", "--", *script(done)], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=full, timeout=60)
    if r.returncode != 125:
        probs.append(f"stderr on /dev/full: exit {r.returncode}, expected 125")
    if not os.path.exists(done):
        probs.append("stderr on /dev/full: the traced program did not run to its end")
    return probs


def closed_pipe(comp: list[str], tmp: str, ignore: bool) -> list[str]:
    """-o into a pipe whose reader leaves after one line."""
    label = "SIGPIPE ignored" if ignore else "SIGPIPE default"
    done = os.path.join(tmp, f"pipe{int(ignore)}.done")
    token = f"pipe-token-{os.getpid()}-{int(ignore)}"
    rfd, wfd = os.pipe()
    prog = ["/bin/sh", "-c", f"i=0; while [ $i -lt 3000 ]; do : < /etc/hostname; i=$((i+1)); "
            f"done; : > {done}; exit 3", token]
    # Python ignores SIGPIPE itself; restore_signals=False hands that on.
    pre = (lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN)) if ignore else \
        (lambda: signal.signal(signal.SIGPIPE, signal.SIG_DFL))
    p = subprocess.Popen([*comp, "--batch", "-o", f"/dev/fd/{wfd}", "--", *prog],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, pass_fds=(wfd,), preexec_fn=pre,
                         restore_signals=False, start_new_session=True)
    os.close(wfd)
    probs = []
    try:
        with os.fdopen(rfd, "rb") as reader:
            first = reader.readline()
        if not first.startswith(b"[+"):
            probs.append(f"{label}: first line {first!r} is not an event line")
        _, err = p.communicate(timeout=60)
        err = err.decode(errors="replace")
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        return [f"{label}: compendium-tui did not end within 60 s after its reader left"]
    if ignore:
        want = f"compendium-tui: cannot write output file /dev/fd/{wfd}: Broken pipe\n"
        if p.returncode != 125 or err != want:
            probs.append(f"{label}: exit {p.returncode}, stderr {err!r}; expected 125, {want!r}")
        if not os.path.exists(done):
            probs.append(f"{label}: the traced program did not run to its end")
    else:
        if p.returncode != -signal.SIGPIPE:
            probs.append(f"{label}: exit {p.returncode}, expected death by SIGPIPE; {err!r}")
        if not common.wait_until(lambda: not common.pids_with_token(token), 5):
            left = common.pids_with_token(token)
            common.kill_quietly(left)
            probs.append(f"{label}: the traced program outlived compendium-tui: {left}")
    return probs


def replay_tty(comp: list[str], path: str) -> tuple[int, str]:
    """--replay path in a pseudo-terminal (the UI's mode): exit status (-1
    when it was still running after 10 s) and what it printed."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(comp[0], [*comp, "--replay", path])
    out, end, status = b"", time.monotonic() + 10, None
    while status is None and time.monotonic() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            out += chunk
            if chunk:
                continue
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(st)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        status = -1
    os.close(fd)
    return status, out.decode(errors="replace")


def truncated_recordings(comp: list[str], tmp: str) -> list[str]:
    rec = os.path.join(tmp, "whole.rec")
    subprocess.run([*comp, "--batch", "-o", os.devnull, "--record", rec, "--", "/bin/true"],
                   stdin=subprocess.DEVNULL, check=True, timeout=60)
    comp = common.compendium(trace=False)   # (--replay takes no engine)
    with open(rec, "rb") as fh:
        data = fh.read()
    header = int.from_bytes(data[12:16], "little")
    probs = []
    for length in (0, 1, 8, 88, header - 1):
        cut = os.path.join(tmp, f"cut{length}.rec")
        with open(cut, "wb") as fh:
            fh.write(data[:length])
        want = f"compendium-tui: {cut}: recording is truncated (cut inside its header)"
        for mode in ("--batch", "--json"):
            r = subprocess.run([*comp, "--replay", cut, mode], stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=30)
            err = r.stderr.decode(errors="replace")
            if r.returncode != 1 or err != want + "\n" or r.stdout:
                probs.append(f"cut at {length} {mode}: exit {r.returncode}, stderr {err!r}")
        code, out = replay_tty(comp, cut)
        if code != 1 or out.strip() != want:
            probs.append(f"cut at {length} in the UI: {'still running' if code < 0 else 'ended'}"
                         f", output {out!r}")
    return probs


def main() -> int:
    common.require_tracing()
    comp = common.compendium()
    tmp = tempfile.mkdtemp(prefix="compendium-write-errors-")
    problems: list[str] = []
    try:
        problems += full_cases(comp, tmp)
        problems += closed_pipe(comp, tmp, ignore=True)
        problems += closed_pipe(comp, tmp, ignore=False)
        problems += truncated_recordings(comp, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return common.finish(problems, "write errors and cut recordings: one sentence, "
                         "a non-zero exit")


if __name__ == "__main__":
    sys.exit(main())
