#!/usr/bin/env python3
"""The ptrace tracer runs on the CPU of the task it serves (src/colocate.c),
and never leaves the tasks waiting behind busy ones.

  follows   dd of 512-byte blocks (two stops per block) traced with
            --engine ptrace: sampled every 10 ms for a second, the tracer
            thread (dd's TracerPid) is bound to one CPU, dd's, in at least
            a fifth of the samples (in practice nearly all; a loaded
            machine makes the watchdog unbind it now and then).
  off       the same with --no-follow-cpu: the tracer keeps every CPU in
            every sample.
  no wait   five times, dd traced beside two CPU-bound children per CPU
            that make no system call for 6 s: dd's 3,000 blocks are done
            within 2 s each time, long before the children end (a tracer
            kept on a CPU one of them holds could wait there for them).

Needs two CPUs, and the right to leave SCHED_IDLE (root, CAP_SYS_NICE);
skips with the reason otherwise.
"""

import os
import resource
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "hostile"))
import common  # noqa: E402

SPIN = "import time\nend = time.monotonic() + 6\nwhile time.monotonic() < end: pass\n"


def status(path: str, name: str) -> str | None:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def last_cpu(path: str) -> int | None:
    try:
        with open(path) as f:
            return int(f.read().rsplit(")", 1)[1].split()[36])
    except (OSError, IndexError, ValueError):
        return None


def children(pid: int) -> list[int]:
    kids = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def sample(extra: list[str]) -> tuple[int, int, int, list[str]]:
    """Samples taken, those with the tracer bound to one CPU, and those
    with it bound to dd's; problems."""
    comp = subprocess.Popen([*common.compendium(trace=False), "--engine", "ptrace", *extra,
                             "--batch", "-o", os.devnull, "--", "dd", "if=/dev/zero",
                             "of=/dev/null", "bs=512", "count=100000000"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    taken = bound = with_dd = 0
    try:
        dd = tracer = None
        end = time.monotonic() + 10
        while time.monotonic() < end and not tracer:
            kids = children(comp.pid)
            if kids:
                dd = kids[0]
                t = status(f"/proc/{dd}/status", "TracerPid")
                tracer = int(t) if t and t != "0" else None
            time.sleep(0.01)
        if not tracer:
            return 0, 0, 0, ["dd never showed its tracer"]
        time.sleep(0.2)   # (the first stops: exec, the loader)
        task = f"/proc/{comp.pid}/task/{tracer}"
        for _ in range(100):
            cpus = status(f"{task}/status", "Cpus_allowed_list")
            mine, its = last_cpu(f"{task}/stat"), last_cpu(f"/proc/{dd}/stat")
            if cpus is None or mine is None or its is None:
                break
            taken += 1
            if cpus.isdigit():
                bound += 1
                with_dd += int(cpus) == its
            time.sleep(0.01)
    finally:
        comp.kill()
        comp.wait()
    return taken, bound, with_dd, []


def no_wait() -> list[str]:
    r, w = os.pipe()
    spin = f"python3 -c '{SPIN}' & p=\"$p $!\"; " * (2 * len(os.sched_getaffinity(0)))
    script = (f"for round in 1 2 3 4 5; do p=; {spin} sleep 0.5; s=$(date +%s%N); "
              "dd if=/dev/zero of=/dev/null bs=512 count=3000 2>/dev/null; "
              f"echo $(( ($(date +%s%N) - s) / 1000000 )) >&{w}; kill $p; wait; done")
    comp = subprocess.Popen([*common.compendium(trace=False), "--engine", "ptrace", "--batch",
                             "-o", os.devnull, "--", "sh", "-c", script],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, pass_fds=(w,),
                            env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    os.close(w)
    with os.fdopen(r) as f:
        got = f.read().split()
    comp.wait(timeout=60)
    if len(got) != 5 or not all(x.isdigit() for x in got):
        return [f"no wait: dd's times never came ({got!r})"]
    print(f"no wait: dd's 3,000 blocks took {', '.join(got)} ms beside "
          f"{2 * len(os.sched_getaffinity(0))} spinners")
    return [f"no wait: dd took {max(map(int, got))} ms, not within 2,000 ms"] \
        if max(map(int, got)) > 2000 else []


def main() -> int:
    if len(os.sched_getaffinity(0)) < 2:
        print("SKIP: one CPU: there is nothing to follow")
        return common.SKIP
    if os.geteuid() != 0 and resource.getrlimit(resource.RLIMIT_NICE)[0] < 20:
        print("SKIP: the tracer follows only where it may leave SCHED_IDLE "
              "(root, CAP_SYS_NICE or RLIMIT_NICE 20)")
        return common.SKIP
    common.require_tracing()
    problems = []
    taken, bound, with_dd, p = sample([])
    problems += p
    print(f"follows: {taken} samples, the tracer bound to one CPU in {bound}, dd's in {with_dd}")
    if taken < 50 or with_dd < taken // 5:
        problems.append(f"follows: bound to dd's CPU in {with_dd} of {taken} samples")
    taken, bound, _, p = sample(["--no-follow-cpu"])
    problems += p
    print(f"off: {taken} samples, the tracer bound to one CPU in {bound}")
    if taken < 50 or bound:
        problems.append(f"off: bound to one CPU in {bound} of {taken} samples")
    problems += no_wait()
    for p in problems:
        print(f"FAIL: {p}")
    return common.FAIL if problems else common.PASS


if __name__ == "__main__":
    sys.exit(main())
