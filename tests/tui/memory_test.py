#!/usr/bin/env python3
"""--max-memory in the terminal UI, driven in tmux, with both engines.

Runs the flood tracee (300,000 rounds of open, write one byte, close over
100 files: about 600,000 events, 31 MB of stored events) under
--max-memory 16M and checks, while events are on disk:
- compendium-tui's peak resident size (VmHWM, looked at every second)
  stays within the budget plus what a 30,000-round run needs, measured
  the same way (its record queues and ring buffers filled, 3 MB of events
  in memory; without the budget the full run takes 35 MB more);
- the header says how many events are in memory and how many on disk,
  and the total is every event;
- Home shows the very first event (the exec) within a second;
- the files view has every file's exact opens and bytes;
- a filter over every event (the spilled ones too) finds each of the
  3,000 writes of one file, within 2 seconds;
- with TMPDIR on a 2 MB tmpfs (root only) and --max-memory 1M, the footer
  says in one sentence that the spill file is full, and every event of a
  100,000-round run is still there.
Uses the helpers of tests/tui/tui_test.py (same environment: COMPENDIUM,
TRACEE_DIR).  The kernel-engine case skips without root or BPF.
make bench-memory runs it at full size: MEMORY_ROUNDS (300000),
MEMORY_BUDGET_MB (16) and MEMORY_LIMIT_MB (a fixed ceiling for the peak
instead of the 30,000-round run's plus the budget and 8 MB).
Exit status: 0 passed, 1 failed, 77 skipped.
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
import tui_test as t  # noqa: E402  (its main() does not run on import)

FLOOD = os.path.join(t.TRACEE_DIR, "flood")
ROUNDS = int(os.environ.get("MEMORY_ROUNDS") or 300000)
BASE_ROUNDS = 30000
FILES = 100
BUDGET_MB = int(os.environ.get("MEMORY_BUDGET_MB") or 16)
LIMIT_MB = int(os.environ.get("MEMORY_LIMIT_MB") or 0)
SLACK_MB = 8      # allocator and page granularity beyond the budget
# AddressSanitizer pads every allocation: its build gets room for that.
# It also keeps freed memory (the chunks of events moved to disk among
# them) in a quarantine of 256 MB; a small one keeps that out of the peak.
ASAN_FACTOR = 4
ASAN_QUARANTINE = "quarantine_size_mb=4"


def asan_build():
    """Is the compendium-tui under test built with AddressSanitizer?"""
    try:
        with open(t.COMPENDIUM.split()[0], "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


def short(n):
    """n as the header writes a count: 950, 340k, 1.2M."""
    if n < 1000:
        return str(n)
    if n < 1000000:
        return "%dk" % (n // 1000)
    if n < 100000000:
        return "%d.%dM" % (n // 1000000, n // 100000 % 10)
    return "%dM" % (n // 1000000)


def slow():
    """How many times longer a sanitizer build may take."""
    return ASAN_FACTOR if asan_build() else 1


def hwm_kb(pid):
    """Peak resident size of pid in kB (None once it is gone)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def run(p, tmp, rounds, engine, extra="", env="", budget="%dM" % BUDGET_MB):
    """Start compendium-tui on the flood in p; returns its pid."""
    pidfile = os.path.join(tmp, "pid")
    p.type("cd %s && %s sh -c 'echo $$ > %s; exec %s --no-mouse --engine %s --max-memory %s %s "
           "-- %s %d %d'; echo EXIT=$?" % (tmp, env, pidfile, t.COMPENDIUM, engine, budget,
                                           extra, FLOOD, rounds, FILES))
    p.keys("Enter")
    end = time.time() + 10
    while time.time() < end:
        try:
            with open(pidfile) as f:
                return int(f.read())
        except (OSError, ValueError):
            time.sleep(t.POLL)
    raise t.Fail("compendium-tui did not start")


def wait_end(p, pid, timeout):
    """Wait for the flood to exit; returns (screen, peak VmHWM in kB seen
    once a second meanwhile and at the end)."""
    peak, end, look = 0, time.time() + timeout, 0.0
    while True:
        if time.time() >= look:
            peak = max(peak, hwm_kb(pid) or 0)
            look = time.time() + 1.0
        s = p.screen()
        if re.search(r"^ flood .*\bexit 0\b", s, re.M):
            return s, max(peak, hwm_kb(pid) or 0)
        if time.time() > end:
            raise t.Fail("the flood did not end in %d s; screen:\n%s" % (timeout, s))
        time.sleep(t.POLL)


def baseline_kb(engine):
    """Peak resident size on a 30,000-round flood (nothing to spill)."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = t.Pane("membase", 110, 30)
    try:
        pid = run(p, tmp, BASE_ROUNDS, engine)
        s, peak = wait_end(p, pid, 120)
        t.check(re.search(r"events \d+ ", s), "no events on disk with %d rounds" % BASE_ROUNDS, s)
        peak = max(peak, hwm_kb(pid) or 0)
        p.keys("q")
        p.wait(r"EXIT=0", 15)
        return peak
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def filter_text(p, text):
    """F4 t, the filter text, Enter; returns the seconds until the list
    shows the new count."""
    p.keys("F4")
    p.wait(r"Filter: Space toggles")
    p.keys("t")
    p.wait(r"Filter text:")
    p.type(text)
    t0 = time.time()
    p.keys("Enter", until=r'Text: "%s"' % re.escape(text), timeout=30)
    p.keys("Escape", until=r"Events: %d of" % (ROUNDS // FILES), timeout=30)
    return time.time() - t0


def check_spilled(p, tmp, engine, base):
    t0 = time.time()
    pid = run(p, tmp, ROUNDS, engine)
    s, peak = wait_end(p, pid, 3600)
    traced = time.time() - t0
    limit = LIMIT_MB * 1024 if LIMIT_MB else \
        base + (BUDGET_MB + SLACK_MB) * 1024 * (ASAN_FACTOR if asan_build() else 1)
    t.check(peak <= limit, "peak resident size %d kB while tracing within the budget: at "
            "most %d kB (%d kB for %d rounds)" % (peak, limit, base, BASE_ROUNDS))
    # (the list takes in what the store holds a budget per frame: at the
    # end it may still be catching up with the last records for a moment;
    # and one capture of the terminal can be torn between two frames, so
    # the header and the list are read from one screen where both agree)
    def counts(x):
        return (re.search(r"events (\S+) \((\S+) mem, (\S+) disk\)", x),
                re.search(r"Events: \d+ of (\d+) shown", x))

    def agreed(x):
        h, n = counts(x)
        return h and n and int(n.group(1)) >= 2 * ROUNDS and h.group(1) == short(int(n.group(1)))
    s = p.wait(t.when("the header's total and the list's, every event", agreed), 60)
    m, total = counts(s)
    t.check(m.group(3).endswith("M") or int(m.group(3)[:-1]) * 1000 > ROUNDS,
            "most events are on disk", s)
    t0 = time.time()
    s = p.keys("Home", until=r"^\+\S+\s+proc\s+exec \S*/flood %d %d" % (ROUNDS, FILES))
    home = time.time() - t0
    t.check(home <= 1.0 * slow(), "Home showed the first event in %.2f s (at most %.0f s)" %
            (home, slow()), s)
    s = p.keys("f", until=r"^ Files .* %d rows" % FILES)
    rows = [r for r in t.table(s) if "/flood.d/f0000 " in r]
    # each file: one open to make it, then one open and one byte a round
    want = r"flood\.d/f0000\s+%d\s+0 B\s+%s\s+%s\s*$" % (
        ROUNDS // FILES + 1, re.escape(t.kb(ROUNDS // FILES)), re.escape(t.kb(ROUNDS // FILES)))
    t.check(rows and re.search(want, rows[0]), "f0000: exact opens and bytes", s)
    p.keys("e", until=r"^ Events:")
    took = filter_text(p, "type:write path:*/flood.d/f0042")
    t.check(took <= 2.0 * slow(), "the filter over every event took %.2f s (at most %.0f s)" %
            (took, 2.0 * slow()))
    s = p.keys("Home", until=r"^\+\S+\s+file\s+write 1 B \S*/flood\.d/f0042%s\s*$" % t.DUR)
    peak = max(peak, hwm_kb(pid) or 0)
    t.check(peak <= limit, "peak resident size %d kB within the budget: at most %d kB "
            "(%d kB for %d rounds)" % (peak, limit, base, BASE_ROUNDS))
    p.keys("q")
    p.wait(r"EXIT=0", 30)
    print("%s: %s events (%s), traced in %.1f s, peak %d kB (limit %d kB), Home %.2f s, "
          "filter %.2f s" % (engine, total.group(1), m.group(0), traced, peak, limit, home, took))


def disk_full(engine):
    """A full spill file: one sentence in the footer; every event stays."""
    if os.geteuid() != 0:
        print("disk full case skipped: mounting a small tmpfs needs root")
        return
    tmp = tempfile.mkdtemp(prefix="ctui.")
    spill = os.path.join(tmp, "small")
    os.mkdir(spill)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", spill],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("disk full case skipped: cannot mount a tmpfs: %s" % r.stderr.strip())
        return
    p = t.Pane("memfull-" + engine, 200, 30)
    try:
        pid = run(p, tmp, ROUNDS // 3, engine, env="TMPDIR=%s" % spill, budget="1M")
        s, _ = wait_end(p, pid, 600)
        s = p.wait(r"Cannot use the spill file in %s \(No space left on device\): new events "
                   r"stay in memory, beyond --max-memory" % re.escape(spill))
        total = re.search(r"Events: \d+ of (\d+) shown", s)
        t.check(total and int(total.group(1)) >= 2 * (ROUNDS // 3), "every event is kept", s)
        s = p.keys("Home", until=r"^\+\S+\s+proc\s+exec \S*/flood %d %d" % (ROUNDS // 3, FILES))
        p.keys("q")
        p.wait(r"EXIT=0", 30)
    finally:
        p.close()
        subprocess.run(["umount", spill])
        shutil.rmtree(tmp, ignore_errors=True)


def case(engine):
    tmp = tempfile.mkdtemp(prefix="ctui.")
    base = 0 if LIMIT_MB else baseline_kb(engine)
    p = t.Pane("memory-" + engine, 110, 30)
    try:
        check_spilled(p, tmp, engine, base)
        t.assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)
    if not LIMIT_MB:
        disk_full(engine)


def main():
    if not shutil.which("tmux"):
        print("SKIP: tmux not found (apt-get install tmux)")
        return 77
    if not os.path.exists(FLOOD):
        print("SKIP: tracee %s not built" % FLOOD)
        return 77
    if asan_build():   # the panes pass ASAN_OPTIONS on to compendium-tui
        os.environ["ASAN_OPTIONS"] = ":".join(
            filter(None, [os.environ.get("ASAN_OPTIONS"), ASAN_QUARANTINE]))
    engines = ["ptrace"]
    why = t.kernel_off()
    if why:
        print("kernel engine case skipped: %s" % why)
    else:
        engines.append("kernel")
    for engine in sys.argv[1:] or engines:
        t0 = time.time()
        try:
            case(engine)
        except t.Fail as e:
            print("FAIL: %s: %s" % (engine, e))
            return 1
        print("PASS: %s (%.1fs)" % (engine, time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
