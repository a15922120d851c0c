#!/usr/bin/env python3
"""--max-memory with --report: bounded memory, every event kept, a full disk.

Runs tests/tracees/flood (open, write one byte, close; over 100 files)
under compendium-tui --batch --report with --max-memory 16M:
- 300,000 rounds (about 600,000 events, 31 MB of stored events): the
  peak RSS (VmHWM, sampled every 50 ms) stays within the budget plus what
  a 30,000-round run needs (its queues filled, 3 MB of events; without
  the budget the full run takes 30 MB more), and the report holds every
  event and each file's exact opens and bytes;
- 100,000 rounds with --max-report-events 100000 and --trace-json: the
  report keeps exactly 100,000 events and counts every other one as left
  out; the trace has every write of a file, and the peak stays within
  the same limit;
- a spill directory on a 2 MB tmpfs (TMPDIR; root only) and
  --max-memory 1M for 100,000 rounds (10 MB of events): one sentence on
  stderr says the spill file is full and events stayed in memory; the
  trace goes on, exits 0 and the report still holds every event.
make bench-memory runs the first at full size: SPILL_ROUNDS (300000),
SPILL_BUDGET_MB (16) and SPILL_LIMIT_MB (a fixed ceiling for the peak
instead of the 30,000-round run's plus the budget and 8 MB).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ROUNDS = int(os.environ.get("SPILL_ROUNDS") or 300000)
BASE_ROUNDS = 30000
FILES = 100
BUDGET_KIB = int(os.environ.get("SPILL_BUDGET_MB") or 16) * 1024
LIMIT_KIB = int(os.environ.get("SPILL_LIMIT_MB") or 0) * 1024
SLACK_KIB = 8 * 1024
REPORT_DEFAULT = 2000000   # --max-report-events
# AddressSanitizer pads every allocation: its build gets room for that.
# It also keeps freed memory (the chunks of events moved to disk among
# them) in a quarantine of 256 MB; a small one keeps that out of the peak.
ASAN_FACTOR = 4
ASAN_QUARANTINE = "quarantine_size_mb=4"


def run(tmp: str, rounds: int, *extra: str, env=None, size="%dK" % BUDGET_KIB):
    """Trace the flood in tmp; returns (exit status, stderr, peak kB, report data)."""
    report = os.path.join(tmp, "r.html")
    cmd = [*common.compendium(), "--batch", "-o", os.devnull, "--max-memory", size,
           "--report", report, *extra, "--", common.tracee("flood"), str(rounds), str(FILES)]
    env = dict(env or os.environ)
    if common.asan_build():
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), ASAN_QUARANTINE]))
    p = subprocess.Popen(cmd, cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=env)
    peak = 0
    while p.poll() is None:
        v = common.proc_field(p.pid, "VmHWM")
        if v:
            peak = max(peak, int(v.split()[0]))
        time.sleep(0.05)
    err = p.stderr.read().decode(errors="replace")
    with open(report) as f:
        html = f.read()
    return p.returncode, err, peak, html


def field(html: str, name: str) -> int:
    m = re.search(r'"%s":(\d+)' % name, html)
    return int(m.group(1)) if m else -1


def check_report(html: str, rounds: int, tmp: str, problems: list, what: str) -> None:
    want = '["%s/flood.d/f0000",%d,0,%d]' % (tmp, rounds // FILES + 1, rounds // FILES)
    if want not in html:
        problems.append(f"{what}: the files view lacks {want}")
    if field(html, "total") < 2 * rounds:
        problems.append(f"{what}: {field(html, 'total')} events in the report, want at least "
                        f"{2 * rounds}")


def budget(problems: list) -> int:
    base = 0
    if not LIMIT_KIB:
        with tempfile.TemporaryDirectory(prefix="spill.") as tmp:
            st, err, base, _ = run(tmp, BASE_ROUNDS)
            if st != 0:
                problems.append(f"{BASE_ROUNDS} rounds: exit {st}: {err.strip()}")
    with tempfile.TemporaryDirectory(prefix="spill.") as tmp:
        t0 = time.time()
        st, err, peak, html = run(tmp, ROUNDS)
        took = time.time() - t0
        tmp = os.path.realpath(tmp)
        if st != 0:
            problems.append(f"{ROUNDS} rounds: exit {st}: {err.strip()}")
        limit = LIMIT_KIB or base + (BUDGET_KIB + SLACK_KIB) * (ASAN_FACTOR if common.asan_build() else 1)
        print(f"{ROUNDS} rounds: {took:.1f} s, peak {peak} kB, {BASE_ROUNDS} rounds: {base} kB, "
              f"limit {limit} kB, {field(html, 'total')} events, report "
              f"{os.path.getsize(os.path.join(tmp, 'r.html'))} bytes")
        if peak > limit:
            problems.append(f"peak RSS {peak} kB over {limit} kB ({base} kB for "
                            f"{BASE_ROUNDS} rounds + the budget + 8M)")
        # all of them, up to --max-report-events' default
        if field(html, "kept") != min(field(html, "total"), REPORT_DEFAULT):
            problems.append(f"kept {field(html, 'kept')} of {field(html, 'total')}")
        check_report(html, ROUNDS, tmp, problems, "budget")
    return limit


def max_report(problems: list, limit: int) -> None:
    with tempfile.TemporaryDirectory(prefix="spill.") as tmp:
        trace = os.path.join(tmp, "t.json")
        st, err, peak, html = run(tmp, ROUNDS // 3, "--max-report-events", "100000",
                                  "--trace-json", trace)
        tmp = os.path.realpath(tmp)
        with open(trace) as f:
            writes = sum(1 for line in f if '"name":"write"' in line and
                         '"target":"%s/flood.d/f0000"' % tmp in line)
        if writes != ROUNDS // 3 // FILES:
            problems.append(f"--trace-json: {writes} writes of f0000, want {ROUNDS // 3 // FILES}")
        if peak > limit:
            problems.append(f"--trace-json: peak RSS {peak} kB over {limit} kB")
        left = re.search(r'"left_out":\[([0-9,]*)\]', html)
        left = sum(int(x) for x in left.group(1).split(",")) if left else -1
        if st != 0:
            problems.append(f"--max-report-events: exit {st}: {err.strip()}")
        if field(html, "kept") != 100000 or left != field(html, "total") - 100000:
            problems.append(f"--max-report-events 100000: kept {field(html, 'kept')}, left out "
                            f"{left} of {field(html, 'total')}")
        check_report(html, ROUNDS // 3, tmp, problems, "--max-report-events")


def disk_full(problems: list) -> None:
    if os.geteuid() != 0:
        print("disk full case skipped: mounting a small tmpfs needs root")
        return
    with tempfile.TemporaryDirectory(prefix="spill.") as tmp:
        tmp = os.path.realpath(tmp)
        spill = os.path.join(tmp, "small")
        os.mkdir(spill)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", spill],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"disk full case skipped: cannot mount a tmpfs: {r.stderr.strip()}")
            return
        try:
            env = dict(os.environ, TMPDIR=spill)
            st, err, peak, html = run(tmp, ROUNDS // 3, env=env, size="1M")
        finally:
            subprocess.run(["umount", spill])
        want = (f"compendium-tui: cannot use the spill file in {spill} (No space left on "
                f"device): events stayed in memory, beyond --max-memory\n")
        if st != 0:
            problems.append(f"disk full: exit {st}, want 0")
        if err != want:
            problems.append(f"disk full: stderr {err!r}, want {want!r}")
        check_report(html, ROUNDS // 3, tmp, problems, "disk full")


def main() -> int:
    common.require_tracing()
    problems: list[str] = []
    max_report(problems, budget(problems))
    disk_full(problems)
    return common.finish(problems, "--max-memory keeps the report's memory bounded and "
                         "every event")


if __name__ == "__main__":
    sys.exit(main())
