#!/usr/bin/env python3
"""-p on a process blocked in a system call names that call with -v.

Two targets (tests/tracees/attachee):
  block  blocked in read(2) on a pipe when compendium-tui -v -p attaches;
         then the test writes 6 bytes, the target echoes them and exits.
         The first syscall event of the target must be read, returning 6,
         and its 6 bytes must count as IPC read.
  nap    blocked in nanosleep (1.5 s).  The kernel resumes an interrupted
         sleep as restart_syscall; the first syscall event must still name
         the call the process was in (clock_nanosleep or nanosleep, as
         /proc/PID/syscall said before the attach), not restart_syscall.

With the kernel engine (COMPENDIUM_ENGINE=kernel), which stops at no system
call, -v (ptrace's) is left out and the attach is seen in the output (the
process described) rather than in TracerPid: block's first I/O event must be
its read of 6 bytes on fd 0, counted as IPC read; nap, never interrupted,
must write "attachee: awake\n" (16 bytes) and exit 0 in the trace.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def blocked_in(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/syscall") as fh:
            first = fh.read().split()[0]
    except (OSError, IndexError):
        return None
    return int(first) if first.isdigit() else None


def attach(mode: str, wanted_nr: int, feed: bytes | None, out: str) -> tuple[list[dict], list[str]]:
    target = subprocess.Popen([common.tracee("attachee"), mode], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, start_new_session=True)
    comp = None
    try:
        target.stdout.readline()
        if not common.wait_until(lambda: blocked_in(target.pid) == wanted_nr, 5):
            return [], [f"{mode}: target never blocked in syscall {wanted_nr} "
                        f"(/proc says {blocked_in(target.pid)})"]
        kernel = common.kernel_engine()
        comp = subprocess.Popen([*common.compendium(), *([] if kernel else ["-v"]), "-p",
                                 str(target.pid), "--json", "-o", out],
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        if kernel:   # (never ptraced: the process described in the output says it)
            attached = lambda: os.path.exists(out) and os.path.getsize(out) > 0  # noqa: E731
        else:
            attached = lambda: common.proc_field(target.pid, "TracerPid") not in (None, "0")  # noqa: E731
        if not common.wait_until(attached, 5):
            return [], [f"{mode}: compendium-tui did not attach within 5 s"]
        time.sleep(0.2)
        if feed is not None:
            target.stdin.write(feed)
            target.stdin.flush()
        target.stdout.read()
        target.wait(timeout=10)
        comp.wait(timeout=10)
        with open(out) as fh:
            events = [json.loads(line) for line in fh if line.strip()]
        return events, []
    finally:
        for p in (target, comp):
            if p is not None and p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


def ptrace_checks(block: list[dict], block_probs: list[str], tmp: str) -> list[str]:
    """ptrace's figures of block (its events given), then nap, with -v."""
    problems = []
    calls = [e for e in block if e.get("type") == "syscall"]
    if not block_probs:
        if not calls or calls[0].get("name") != "read" or calls[0].get("ret") != 6:
            problems.append(f"block: first syscall event {calls[:1]}, expected read = 6")
        io = (block[-1] if block else {}).get("io") or {}
        if io.get("ipc_read_bytes") != 6:
            problems.append(f"block: ipc_read_bytes {io.get('ipc_read_bytes')}, expected 6")
    events, probs = attach("nap", 230, None, os.path.join(tmp, "nap.jsonl"))  # clock_nanosleep
    calls = [e for e in events if e.get("type") == "syscall"]
    if not probs and (not calls or calls[0].get("name") not in ("clock_nanosleep",
                                                                 "nanosleep")):
        problems.append(f"nap: first syscall event {calls[:1]}, expected clock_nanosleep "
                        "(the call the process was blocked in, not restart_syscall)")
    return problems + probs


def kernel_checks(block: list[dict], block_probs: list[str], tmp: str) -> list[str]:
    """The kernel engine's figures of block (its events given), then nap."""
    problems = []
    if not block_probs:
        io = [e for e in block if e.get("type") in ("read", "write")]
        if not io or (io[0].get("type"), io[0].get("fd"), io[0].get("bytes")) != ("read", 0, 6):
            problems.append(f"block: first I/O event {io[:1]}, expected the read of 6 bytes on fd 0")
        if ((block[-1] if block else {}).get("io") or {}).get("ipc_read_bytes") != 6:
            problems.append(f"block: summary {block[-1:]}, expected ipc_read_bytes 6")
    events, probs = attach("nap", 230, None, os.path.join(tmp, "nap.jsonl"))  # clock_nanosleep
    writes = [e.get("bytes") for e in events if e.get("type") == "write"]
    code = ((events[-1] if events else {}).get("exit") or {}).get("code")
    if not probs and (writes != [16] or code != 0):
        problems.append(f"nap: writes {writes} and exit {code} in the trace, expected the 16 "
                        "bytes of 'attachee: awake' and exit 0")
    return problems + probs


def main() -> int:
    common.require_tracing()
    tmp = tempfile.mkdtemp(prefix="compendium-blocked-")
    try:
        events, problems = attach("block", 0, b"hello\n", os.path.join(tmp, "block.jsonl"))
        checks = kernel_checks if common.kernel_engine() else ptrace_checks
        problems += checks(events, problems, tmp)
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    return common.finish(problems, "-p names the system call a process was blocked in")


if __name__ == "__main__":
    sys.exit(main())
