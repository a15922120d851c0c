#!/usr/bin/env python3
"""--ebpf overhead benchmark (needs root; not a test).

    python3 bench/ebpf_bench.py [--runs N] [--compendium PATH]

1. start-up: wall time of `compendium-tui --ebpf --batch -o /dev/null -- true`
   against the same without --ebpf, N interleaved runs, medians; the budget
   for loading and attaching everything is 0.2 s.
2. traced workload: a syscall- and switch-heavy command (dd of 20k x 512 B
   through a pipe) traced with and without --ebpf.
3. everyone else: an untraced pipe ping-pong (two processes, 20k round trips)
   while compendium-tui --ebpf traces a sleeping command, against the same
   with compendium-tui not running: what the system-wide sched_switch and
   wakeup programs cost processes that are not traced.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

PINGPONG = r"""
import os, sys
n = int(sys.argv[1])
r1, w1 = os.pipe(); r2, w2 = os.pipe()
if os.fork() == 0:
    for _ in range(n):
        os.read(r1, 1); os.write(w2, b"x")
    os._exit(0)
for _ in range(n):
    os.write(w1, b"x"); os.read(r2, 1)
os.wait()
"""


def wall(argv, **kw):
    """Seconds argv took, which must exit 0."""
    t = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.monotonic() - t


def interleaved(runs, a, b):
    """Medians of a and b timed alternately, and the median of the differences."""
    ta, tb = [], []
    for _ in range(runs):
        ta.append(wall(a))
        tb.append(wall(b))
    return (statistics.median(ta), statistics.median(tb),
            statistics.median(y - x for x, y in zip(ta, tb)))


def startup(comp, runs):
    base = [comp, "--batch", "-o", "/dev/null", "--", "true"]
    ebpf = [comp, "--ebpf", "--batch", "-o", "/dev/null", "--", "true"]
    a, b, d = interleaved(runs, base, ebpf)
    print(f"start-up: without --ebpf {a * 1e3:7.1f} ms, with {b * 1e3:7.1f} ms, "
          f"--ebpf adds {d * 1e3:6.1f} ms (budget 200 ms: {'ok' if b <= 0.2 else 'OVER'})")
    return b <= 0.2


def traced_workload(comp, runs):
    cmd = ["sh", "-c", "dd if=/dev/zero bs=512 count=20000 2>/dev/null | cat >/dev/null"]
    a, b, d = interleaved(runs, [comp, "--batch", "-o", "/dev/null", "--"] + cmd,
                          [comp, "--ebpf", "--batch", "-o", "/dev/null", "--"] + cmd)
    print(f"traced dd|cat: without --ebpf {a:6.3f} s, with {b:6.3f} s ({100 * d / a:+.1f}%)")


def everyone_else(comp, runs):
    ping = [sys.executable, "-c", PINGPONG, "20000"]
    quiet, busy = [], []
    for _ in range(runs):
        quiet.append(wall(ping))
        bg = subprocess.Popen([comp, "--ebpf", "--batch", "-o", "/dev/null", "--", "sleep", "60"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)   # loaded and attached
        busy.append(wall(ping))
        bg.terminate()
        bg.wait()
    q, b = statistics.median(quiet), statistics.median(busy)
    print(f"untraced ping-pong (40k switches): alone {q:6.3f} s, while --ebpf traces "
          f"something else {b:6.3f} s ({100 * (b - q) / q:+.1f}%, "
          f"{(b - q) / 40000 * 1e9:+.0f} ns per switch)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--compendium", default="./compendium-tui")
    o = ap.parse_args()
    if os.geteuid() != 0:
        print("needs root (--ebpf)")
        return 77
    res = subprocess.run([o.compendium, "--ebpf", "--batch", "-o", "/dev/null", "--", "true"],
                         capture_output=True, text=True)
    if "--ebpf is off" in res.stderr:
        print(res.stderr.strip())
        return 77
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          f"medians of {o.runs} interleaved runs")
    ok = startup(o.compendium, o.runs)
    traced_workload(o.compendium, max(3, o.runs // 2))
    everyone_else(o.compendium, max(3, o.runs // 2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
