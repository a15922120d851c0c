"""Shared helpers of the hostile-condition tests (tests/hostile/*.py).

Each test is a script that exits 0 (pass), 1 (fail), 77 (skip, with the
reason printed) or 99 (the test itself could not run).  The environment is
the one the e2e suite uses: COMPENDIUM (the binary, default
./compendium-tui) and TRACEE_DIR (default tests/tracees), and
COMPENDIUM_ENGINE: "kernel" traces with --engine kernel (make check runs
each test so too, from tests/hostile/NAME_kernel.test), else ptrace.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time

PASS, FAIL, SKIP, ERROR = 0, 1, 77, 99


def asan_build() -> bool:
    """Is the compendium-tui under test built with AddressSanitizer?"""
    path = shlex.split(os.environ.get("COMPENDIUM") or "./compendium-tui")[0]
    try:
        with open(path, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def kernel_engine() -> bool:
    """Do the tests trace with --engine kernel (COMPENDIUM_ENGINE=kernel)?"""
    return os.environ.get("COMPENDIUM_ENGINE") == "kernel"


def compendium(trace: bool = True) -> list[str]:
    """The command line of compendium-tui; to trace (not to replay), with
    the engine the tests run under."""
    comp = shlex.split(os.environ.get("COMPENDIUM") or "./compendium-tui")
    for i, word in enumerate(comp):
        if os.sep in word and os.path.exists(word):
            comp[i] = os.path.realpath(word)
            break
    if not comp or not (os.access(comp[0], os.X_OK)):
        print(f"ERROR: compendium-tui not found at {comp[:1]} (set COMPENDIUM)")
        sys.exit(ERROR)
    return comp + ["--engine", "kernel"] if trace and kernel_engine() else comp


def tracee(name: str) -> str:
    path = os.path.join(os.path.realpath(os.environ.get("TRACEE_DIR") or "tests/tracees"), name)
    if not os.access(path, os.X_OK):
        print(f"ERROR: tracee {path} not built (set TRACEE_DIR?)")
        sys.exit(ERROR)
    return path


def require_tracing() -> None:
    """Skip when this machine does not let us trace our own children with
    the engine under test (the kernel engine: root, and its programs load)."""
    true = "/bin/true"
    if kernel_engine() and os.geteuid() != 0:
        print("SKIP: the kernel engine needs root (BPF tracing programs)")
        sys.exit(SKIP)
    try:
        r = subprocess.run([*compendium(), "-o", os.devnull, "--", true],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=30)
    except subprocess.TimeoutExpired:
        print("ERROR: compendium-tui -- /bin/true did not finish in 30 s")
        sys.exit(ERROR)
    if r.returncode != 0:
        msg = r.stderr.decode(errors="replace").strip()
        print(f"SKIP: compendium-tui cannot trace here: {msg}")
        sys.exit(SKIP)


def proc_field(pid: int, name: str) -> str | None:
    """A "Name:\tvalue" field of /proc/PID/status, None when gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(name + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def proc_state(pid: int, tid: int | None = None) -> str | None:
    """One-letter state of a task ('S', 't', 'Z'...), None when gone."""
    path = f"/proc/{pid}/task/{tid}/stat" if tid else f"/proc/{pid}/stat"
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2]


def threads_now(pid: int) -> str:
    """Each thread of pid as "name state wchan cpu-seconds policy cpus", for a
    report of where a process that should have ended waits (or starves)."""
    out = []
    tick = os.sysconf("SC_CLK_TCK")
    try:
        tids = sorted(os.listdir(f"/proc/{pid}/task"), key=int)
    except OSError:
        return "gone"
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/wchan") as f:
                wchan = f.read().strip() or "-"
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu = (int(fields[11]) + int(fields[12])) / tick   # utime + stime
        try:
            policy = {os.SCHED_OTHER: "other", os.SCHED_IDLE: "idle", os.SCHED_FIFO: "fifo",
                      os.SCHED_BATCH: "batch"}.get(os.sched_getscheduler(int(tid)), "?")
            cpus = ",".join(map(str, sorted(os.sched_getaffinity(int(tid)))))
        except OSError:
            policy, cpus = "?", "?"
        out.append(f"{name} {fields[0]} {wchan} {cpu:.2f}s {policy} cpus {cpus}")
    return "; ".join(out)


def quiet_machine():
    """Wait for, and hold until the process ends, the lock tests/ebpf.py's
    cases take one at a time: they pin threads to CPUs and spin
    (SCHED_FIFO), which a test that times how fast compendium-tui reacts
    must not run beside.  Returns the lock's file (keep it open)."""
    import fcntl
    import tempfile
    lock = open(os.path.join(tempfile.gettempdir(), "compendium-ebpf-tests.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def backtrace(pid: int) -> str:
    """Every thread's stack of a process that should have ended, from gdb
    (empty where there is no gdb); for the report."""
    gdb = shutil.which("gdb")
    if not gdb:
        return ""
    try:
        res = subprocess.run([gdb, "-p", str(pid), "-batch", "-nx", "-ex", "thread apply all bt 12"],
                             capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "(gdb took more than 30 s)"
    keep = [line for line in res.stdout.splitlines() if line.startswith(("Thread ", "#"))]
    return "\n".join(keep[:80])


def alive(pid: int) -> bool:
    """Does any task of process pid still run (a zombie leader may have live threads)?"""
    try:
        tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return False
    return any(proc_state(pid, t) not in (None, "Z", "X") for t in tids)


def _cmdline(pid: int) -> bytes:
    """argv of a process; a zombie leader has none, so ask its threads."""
    paths = [f"/proc/{pid}/cmdline"]
    try:
        paths += [f"/proc/{pid}/task/{t}/cmdline" for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        pass
    for path in paths:
        try:
            with open(path, "rb") as fh:
                cmd = fh.read()
        except OSError:
            continue
        if cmd:
            return cmd
    return b""


def pids_with_token(token: str) -> list[int]:
    """Live processes (some task not a zombie) whose argv contains token."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        cmd = _cmdline(int(name))
        if token.encode() in cmd.split(b"\0") and alive(int(name)):
            found.append(int(name))
    return found


def wait_until(pred, timeout: float, step: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return pred()


def kill_quietly(pids, sig=signal.SIGKILL) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def finish(problems: list[str], what: str) -> int:
    if problems:
        print(f"FAIL: {what}")
        for p in problems:
            print(f"  - {p}")
        return FAIL
    print(f"PASS: {what}")
    return PASS
