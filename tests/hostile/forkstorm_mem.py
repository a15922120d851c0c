#!/usr/bin/env python3
"""A big fork storm: no lost or phantom process, and memory that stays small.

Runs tests/tracees/forkstorm with N = 300 and N = 3000 under compendium-tui
--json.  For each: the summary must list exactly 1 + N + ceil(N/10)
processes, each with a known exit status (i % 7 for the children, 100 for
the grandchildren), the shared file must hold the right number of bytes,
and the output must equal the untraced run's.  Memory: compendium-tui's
peak RSS must stay under 64 MiB for N = 3000, and grow by less than 2 KiB
per extra traced process from N = 300 to N = 3000 (the tracer must not keep
per-task state of dead tasks, such as held or never-reaped entries).  The
peak is compendium-tui's VmHWM, sampled every 5 ms while it runs; the
growth leaves out the record queues (rings of a fixed 4 MiB each, resident
as far as they were first written: a bound, not state per process).
"""

import collections
import json
import os
import subprocess
import sys
import shutil
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

LIMIT_KIB = 64 * 1024
PER_PROC_BYTES = 2048
# AddressSanitizer pads and quarantines every allocation; a build with it
# gets room for that, not for a leak (a leak grows without bound).
ASAN_FACTOR = 4


QUEUE_KIB = 4096


def hwm_kib(pid: int) -> int:
    v = common.proc_field(pid, "VmHWM")
    return int(v.split()[0]) if v else 0


def rss_but_queues_kib(pid: int) -> int:
    """Resident KiB of pid but for its record queues: the anonymous mappings
    of a queue's size (malloc gives each its own, a page or a few larger)."""
    total = queues = 0
    size = 0
    try:
        with open(f"/proc/{pid}/smaps") as fh:
            for line in fh:
                head = line.split()
                if "-" in head[0] and len(head) >= 5:
                    lo, hi = (int(x, 16) for x in head[0].split("-"))
                    size = (hi - lo) // 1024 if len(head) == 5 else 0
                elif head[0] == "Rss:":
                    total += int(head[1])
                    if QUEUE_KIB <= size <= QUEUE_KIB + 64:
                        queues += int(head[1])
    except (OSError, ValueError, IndexError):
        return 0
    return total - queues


def run_one(n: int, tmp: str) -> tuple[int, int, list[str]]:
    """Run forkstorm N traced; returns (compendium-tui's peak RSS in KiB, the
    same without its queues, problems).

    The peak is VmHWM of compendium-tui's own image, sampled while it runs
    (the rusage of a child spawned from Python would include Python's RSS,
    copied into the child before its exec)."""
    out = os.path.join(tmp, f"storm{n}.jsonl")
    data = os.path.join(tmp, f"storm{n}.out")
    argv = [common.tracee("forkstorm"), data, str(n)]
    plain = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    sout_path, serr_path = out + ".stdout", out + ".stderr"
    with open(sout_path, "wb") as so, open(serr_path, "wb") as se:
        proc = subprocess.Popen([*common.compendium(), "--json", "-o", out, "--", *argv],
                                stdin=subprocess.DEVNULL, stdout=so, stderr=se)
        peak, state, deadline = 0, 0, time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            peak = max(peak, hwm_kib(proc.pid))
            state = max(state, rss_but_queues_kib(proc.pid))
            time.sleep(0.005)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
            return peak, state, [f"N={n}: compendium-tui did not finish in 300 s"]
    with open(sout_path, "rb") as so, open(serr_path, "rb") as se:
        sout, serr = so.read(), se.read()
    probs = []
    if (proc.returncode, sout, serr) != (plain.returncode, plain.stdout, plain.stderr):
        probs.append(f"N={n}: not transparent: untraced {plain.returncode} {plain.stdout!r} "
                     f"{plain.stderr!r}, traced {proc.returncode} {sout!r} {serr!r}")
    try:
        with open(out) as fh:
            summary = json.loads(fh.read().splitlines()[-1])
    except (OSError, ValueError, IndexError) as exc:
        return peak, state, probs + [f"N={n}: no summary: {exc}"]
    g = (n + 9) // 10
    procs = summary.get("processes") or []
    if len(procs) != 1 + n + g:
        probs.append(f"N={n}: {len(procs)} processes, expected {1 + n + g}")
    codes = collections.Counter((p.get("exit") or {}).get("code") for p in procs)
    want = collections.Counter(i % 7 for i in range(n))
    want[100] += g
    want[0] += 1
    if codes != want:
        diff = {k: (codes.get(k, 0), want.get(k, 0)) for k in set(codes) | set(want)
                if codes.get(k, 0) != want.get(k, 0)}
        probs.append(f"N={n}: exit codes differ (code: got, expected): {diff}")
    written = sum(i % 13 + 1 for i in range(n)) + 5 * g
    files = {f.get("path"): f for f in summary.get("files") or []}
    if (files.get(data) or {}).get("written_bytes") != written:
        probs.append(f"N={n}: {data} written {(files.get(data) or {}).get('written_bytes')}, "
                     f"expected {written}")
    return peak, state, probs


def main() -> int:
    common.require_tracing()
    tmp = tempfile.mkdtemp(prefix="compendium-forkmem-")
    problems: list[str] = []
    try:
        small, small_state, p1 = run_one(300, tmp)
        big, big_state, p2 = run_one(3000, tmp)
        problems += p1 + p2
        print(f"peak RSS: {small} KiB for 300 forks, {big} KiB for 3000 forks; "
              f"without the queues: {small_state} KiB, {big_state} KiB")
        factor = ASAN_FACTOR if common.asan_build() else 1
        if big > LIMIT_KIB * factor:
            problems.append(f"peak RSS {big} KiB for 3000 forks, limit {LIMIT_KIB * factor} KiB")
        per = (big_state - small_state) * 1024 / (3300 - 330)
        if per > PER_PROC_BYTES * factor:
            problems.append(f"memory grows by {per:.0f} bytes per traced process, limit "
                            f"{PER_PROC_BYTES * factor}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return common.finish(problems, "fork storm: exact processes and exits, bounded memory")


if __name__ == "__main__":
    sys.exit(main())
