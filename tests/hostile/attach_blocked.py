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
        comp = subprocess.Popen([*common.compendium(), "-v", "-p", str(target.pid), "--json",
                                 "-o", out], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        if not common.wait_until(lambda: common.proc_field(target.pid, "TracerPid")
                                 not in (None, "0"), 5):
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


def main() -> int:
    common.require_ptrace()
    problems = []
    tmp = tempfile.mkdtemp(prefix="compendium-blocked-")
    try:
        out = os.path.join(tmp, "block.jsonl")
        events, probs = attach("block", 0, b"hello\n", out)
        problems += probs
        calls = [e for e in events if e.get("type") == "syscall"]
        if not probs:
            if not calls or calls[0].get("name") != "read" or calls[0].get("ret") != 6:
                problems.append(f"block: first syscall event {calls[:1]}, expected read = 6")
            io = (events[-1] if events else {}).get("io") or {}
            if io.get("ipc_read_bytes") != 6:
                problems.append(f"block: ipc_read_bytes {io.get('ipc_read_bytes')}, expected 6")

        out = os.path.join(tmp, "nap.jsonl")
        events, probs = attach("nap", 230, None, out)   # 230 = clock_nanosleep
        problems += probs
        calls = [e for e in events if e.get("type") == "syscall"]
        if not probs and (not calls or calls[0].get("name") not in ("clock_nanosleep",
                                                                     "nanosleep")):
            problems.append(f"nap: first syscall event {calls[:1]}, expected clock_nanosleep "
                            "(the call the process was blocked in, not restart_syscall)")
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    return common.finish(problems, "-v -p names the system call a process was blocked in")


if __name__ == "__main__":
    sys.exit(main())
