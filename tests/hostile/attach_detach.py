#!/usr/bin/env python3
"""Attach to a process whose threads come and go, then detach cleanly.

tests/tracees/attachee churn keeps creating threads (some short-lived, some
that stay) and writes a heartbeat byte every 5 ms.  Three times in a row:
  1. compendium-tui -p PID --json -o OUT attaches while threads are being
     created; within 5 s every thread of the process must be traced
     (TracerPid is compendium-tui) - threads born during the attach too;
  2. after 1 s of tracing, SIGINT to compendium-tui detaches: it must exit
     0 within 10 s and write a summary naming the process;
  3. then no thread of the process may be stopped (state t or T) or still
     traced (TracerPid not 0), and the heartbeat must go on.
With the kernel engine (COMPENDIUM_ENGINE=kernel) nothing is ptraced, so
step 1 is instead: no thread is ever stopped or ptraced while traced, and
every thread alive 1 s after -p is in the --json output (the process, or a
thread event naming it): threads born during the attach too.
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

ROUNDS = 3


def tids(pid: int) -> list[int]:
    try:
        return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return []


def task_status(pid: int, tid: int, field: str) -> str | None:
    try:
        with open(f"/proc/{pid}/task/{tid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def drain(fd: int) -> int:
    """Bytes of heartbeat available now (non-blocking)."""
    n = 0
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return n
        if not chunk:
            return n
        n += len(chunk)


def untraced_problems(pid: int, tracer: int | None) -> list[str]:
    """Threads of pid that are stopped or traced (by tracer, or by anyone)."""
    bad = []
    for tid in tids(pid):
        state = common.proc_state(pid, tid)
        tp = task_status(pid, tid, "TracerPid")
        if state in ("t", "T"):
            bad.append(f"tid {tid} state {state}")
        elif tp not in (None, "0"):
            bad.append(f"tid {tid} TracerPid {tp}")
    return bad


def kernel_followed(pid: int) -> tuple[set[int], list[str]]:
    """With the kernel engine, for 1 s: the threads of pid alive then, and
    every time one was seen stopped or ptraced."""
    disturbed = []
    end = time.monotonic() + 1
    while time.monotonic() < end:
        disturbed += untraced_problems(pid, None)
        time.sleep(0.05)
    alive = {t for t in tids(pid) if (task_status(pid, t, "State") or "Z")[0] not in "ZX"}
    return alive, disturbed


def threads_seen(out: str, pid: int) -> set[int]:
    """The process and the threads thread events of the --json output name."""
    seen = {pid}
    with open(out) as fh:
        for line in fh:
            e = json.loads(line)
            if e.get("type") == "thread" and e.get("pid") == pid:
                seen.add(e.get("child"))
    return seen


def one_round(n: int, pid: int, hb: int, out: str) -> list[str]:
    comp = subprocess.Popen([*common.compendium(), "-p", str(pid), "--json", "-o", out],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    probs: list[str] = []
    try:
        def untraced():
            # A thread that has ended (zombie or dead, still listed for a
            # moment) is released by ptrace as it dies: not a missed one.
            return [t for t in tids(pid) if task_status(pid, t, "TracerPid") == "0" and
                    (task_status(pid, t, "State") or "Z")[0] not in "ZX"]
        def all_traced():
            return not untraced()
        if common.kernel_engine():
            # TracerPid is ptrace's: the kernel engine never stops or
            # ptraces a thread; the output shows which it followed.
            sampled, disturbed = kernel_followed(pid)
            probs += [f"round {n}: while traced: {d}" for d in disturbed[:10]]
        elif not common.wait_until(all_traced, 5):
            missed = untraced()
            probs.append(f"round {n}: {len(missed)} of {len(tids(pid))} threads not traced "
                         f"5 s after -p: {missed[:10]}")
        time.sleep(1)
        comp.send_signal(signal.SIGINT)
        try:
            sout, serr = comp.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            traced = untraced_problems(pid, comp.pid)
            return probs + [f"round {n}: compendium-tui still running 10 s after SIGINT; "
                            f"threads still stopped/traced: {traced[:10]} "
                            f"({len(traced)} of {len(tids(pid))})"]
        if comp.returncode != 0:
            probs.append(f"round {n}: compendium-tui exited {comp.returncode} after detach: "
                         f"{serr.decode(errors='replace').strip()!r}")
        # Detaching is synchronous: nothing may stay stopped or traced.
        time.sleep(0.2)
        bad = untraced_problems(pid, comp.pid)
        if bad:
            probs.append(f"round {n}: after detach {len(bad)} threads are stopped or traced: "
                         f"{bad[:10]}")
        drain(hb)
        time.sleep(0.3)
        if drain(hb) == 0:
            probs.append(f"round {n}: no heartbeat from the process after detach")
        try:
            with open(out) as fh:
                summary = json.loads(fh.read().splitlines()[-1])
            if not any(p.get("pid") == pid for p in summary.get("processes") or []):
                probs.append(f"round {n}: summary does not list pid {pid}")
            if common.kernel_engine():
                missed = sorted(sampled - threads_seen(out, pid))
                if missed:
                    probs.append(f"round {n}: {len(missed)} of the {len(sampled)} threads alive "
                                 f"1 s after -p are not in the output: {missed[:10]}")
        except (OSError, ValueError, IndexError) as exc:
            probs.append(f"round {n}: no JSON summary in {out}: {exc}")
        return probs
    finally:
        if comp.poll() is None:
            os.killpg(comp.pid, signal.SIGKILL)
            comp.wait()


def main() -> int:
    common.require_tracing()
    target = subprocess.Popen([common.tracee("attachee"), "churn"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, start_new_session=True)
    hb = target.stdout.fileno()
    os.set_blocking(hb, False)
    problems: list[str] = []
    tmp = tempfile.mkdtemp(prefix="compendium-attach-")
    try:
        if not common.wait_until(lambda: len(tids(target.pid)) >= 10, 5):
            print("ERROR: attachee did not start its threads")
            return common.ERROR
        for n in range(1, ROUNDS + 1):
            problems += one_round(n, target.pid, hb, os.path.join(tmp, f"out{n}.jsonl"))
            if target.poll() is not None:
                problems.append(f"the target died ({target.returncode}) in round {n}")
                break
    finally:
        if target.poll() is None:
            target.kill()
        target.wait()
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    return common.finish(problems, f"attach to a thread-churning process and detach, "
                                   f"{ROUNDS} times")


if __name__ == "__main__":
    sys.exit(main())
