#!/usr/bin/env python3
"""End-to-end tests of the terminal UI: drive the real binary in tmux.

Each case starts a shell in a detached tmux session of a given size, runs
compendium-tui on the tui_demo tracee inside it, types keys with send-keys
and reads the screen with capture-pane.  Exit status: 0 all passed, 1 a
failure, 77 skipped (tmux missing, or a binary without the UI).

Environment: COMPENDIUM (the binary), TRACEE_DIR (where tui_demo is),
TUI_SHOTS (optional: a directory to save screenshots in).
Usage: tui_test.py [CASE...]   (default: every case; --list names them)
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

COMPENDIUM = os.environ.get("COMPENDIUM", "compendium-tui")
# COMPENDIUM_ENGINE=kernel: every case runs with the kernel engine
KERNEL = os.environ.get("COMPENDIUM_ENGINE") == "kernel"
# what the header says while F5 holds the program
HELD = r"TRACEE (STOPPED|FROZEN \(cgroup\))" if KERNEL else r"TRACEE STOPPED"
TRACEE_DIR = os.environ.get("TRACEE_DIR", "tests/tracees")
DEMO = os.path.join(TRACEE_DIR, "tui_demo")
KILLTREE = os.path.join(TRACEE_DIR, "killtree")
SHOTS = os.environ.get("TUI_SHOTS")
POLL = 0.03     # seconds between looks at the screen while waiting
SETTLE = 0.02   # seconds before a screen that holds is taken again (see Pane.wait)
# what ends an event list row whose call's duration was measured
DUR = r"(?: \([\d.]+(?:ns|us|ms|s)\))?"


class Fail(Exception):
    pass


class Pane:
    """A tmux session with one pane running a shell."""

    def __init__(self, name, cols, rows):
        self.name = "ctui-%d-%s" % (os.getpid(), name)
        self.sock = ["-L", self.name]
        self.rows = rows
        env = "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=screen-256color LANG=C.UTF-8 PS1='$ '"
        for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "COMPENDIUM_ENGINE"):
            if os.environ.get(var):
                env += " %s='%s'" % (var, os.environ[var])
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(cols), "-y", str(rows),
                  env + " sh")
        self.tmux("set-option", "-t", self.name, "status", "off")
        self.escape_at = 0.0

    def tmux(self, *args):
        r = subprocess.run(["tmux"] + self.sock + list(args), capture_output=True, text=True)
        if r.returncode != 0 and args[0] not in ("kill-session", "kill-server"):
            raise Fail("tmux %s: %s" % (args[0], r.stderr.strip()))
        return r.stdout

    def keys(self, *keys, literal=False, until=None, gone=None, timeout=10.0):
        """Type keys, then wait until they have shown: until (a regex, or a
        function of the screen) holds, or gone (a regex) is off the screen,
        or, with neither, until the screen (colours included) differs from
        what it was before the keys.  Returns the screen."""
        before = self.screen(attrs=True) if until is None and gone is None else None
        self.pace()
        self.tmux("send-keys", "-t", self.name, *((["-l"] if literal else []) + list(keys)))
        if not literal and keys[-1] == "Escape":
            self.escape_at = time.time()
        if until is not None:
            return self.wait(until, timeout)
        if gone is not None:
            return self.wait(gone, timeout, absent=True)
        end = time.time() + timeout
        while self.screen(attrs=True) == before:
            if time.time() > end:
                raise Fail("keys %r changed nothing on screen in %.0f s; screen:\n%s" %
                           (keys, timeout, self.screen()))
            time.sleep(POLL)
        return self.screen()

    def clear(self):
        """Clear the shell's screen: the prompt alone on it."""
        return self.keys("clear", "Enter", until=when("the prompt alone", lambda s: s.strip() == "$"))

    def pace(self):
        """curses takes a key that comes within ESCDELAY (25 ms, ui/screen.c)
        of an Escape for part of one Alt key: keys after an Escape wait for
        that much to pass (four times over)."""
        gap = self.escape_at + 0.1 - time.time()
        if gap > 0:
            time.sleep(gap)

    def type(self, text, until=None):
        return self.keys(text, literal=True, until=until)

    def screen(self, attrs=False):
        return self.tmux("capture-pane", "-p", *(["-e"] if attrs else []), "-t", self.name)

    def lines(self):
        return self.screen().split("\n")

    def wait(self, pattern, timeout=10.0, absent=False):
        """Wait until pattern (a regex, or a function of the screen that says
        whether it is right) holds (or, with absent, does not); returns the
        screen."""
        def holds(s):
            ok = pattern(s) if callable(pattern) else re.search(pattern, s, re.M)
            return bool(ok) != absent

        end = time.time() + timeout
        while True:
            s = self.screen()
            # (a capture can fall inside a frame's output: the rows above
            # new, those below old; the screen is taken again once it holds)
            if holds(s):
                time.sleep(SETTLE)
                s = self.screen()
                if holds(s):
                    return s
            if time.time() > end:
                raise Fail("timed out waiting for %s%s; screen:\n%s" %
                           ("absence of " if absent else "",
                            (callable(pattern) and pattern.__doc__) or repr(pattern), s))
            time.sleep(POLL)

    def shot(self, label):
        if SHOTS:
            with open(os.path.join(SHOTS, "%s.txt" % label), "w") as f:
                f.write(self.screen())

    def resize(self, cols, rows):
        """Resize the window; returns once the pane has the new size."""
        self.tmux("resize-window", "-t", self.name, "-x", str(cols), "-y", str(rows))
        self.rows = rows
        self.wait(lambda s: self.tmux("display-message", "-p", "-t", self.name,
                                      "#{pane_width}x#{pane_height}").strip()
                  == "%dx%d" % (cols, rows))

    def close(self):
        self.tmux("kill-server")


def when(what, test):
    """test (a function of the screen) for Pane.wait, named what in its message."""
    test.__doc__ = what
    return test


def check(cond, what, screen=""):
    if not cond:
        raise Fail(what + ("\nscreen:\n" + screen if screen else ""))


def region(screen, title):
    """Lines of the pane whose title bar starts with title, up to the next bar."""
    lines = screen.split("\n")
    for i, l in enumerate(lines):
        if l.startswith(" " + title):
            out = []
            for m in lines[i + 1:]:
                if re.match(r" (Swimlane|Events|Output)", m) or m.startswith(" F1 "):
                    break
                out.append(m)
            return out
    raise Fail("no %r pane on screen:\n%s" % (title, screen))


def kb(n):
    """n bytes as the views write them, by compendium-tui's own code (tests/shown)."""
    tool = os.environ.get("SHOWN") or os.path.join(os.path.dirname(TRACEE_DIR.rstrip("/")), "shown")
    return subprocess.run([tool, "bytes", str(n)], capture_output=True, text=True,
                          check=True).stdout.strip()


def last_tick(screen):
    ticks = re.findall(r"^q?tick (\d+)\s*$", screen, re.M)   # q: our typed echo
    return int(ticks[-1]) if ticks else 0


def start(p, tmp, ticks, extra=""):
    p.type("cd %s && %s %s -- %s %s %d; echo EXIT=$?" % (tmp, COMPENDIUM, extra, DEMO, tmp, ticks))
    p.keys("Enter")
    return p.wait(r"^tick [3-9]", 15)


def assert_sane_terminal(p):
    """After quitting: a shell prompt, and the tty in canonical mode with echo."""
    p.wait(r"EXIT=\d+", 15)
    p.clear()
    p.type('echo "STTY: $(stty -a | tr \' \' \'\\n\' | grep -x -e icanon -e -icanon -e echo -e -echo | '
           'tr \'\\n\' \' \')"')
    p.keys("Enter")
    s = p.wait(r"STTY: (-?icanon|-?echo) (-?icanon|-?echo)", 10)
    modes = re.search(r"STTY: (-?icanon|-?echo) (-?icanon|-?echo)", s).groups()
    check(sorted(modes) == ["echo", "icanon"], "terminal not restored: %s" % (modes,), s)
    check("tick 1" not in s, "the program's output leaked onto the terminal", s)


def case_main(cols=80, rows=24):
    """Lanes, rows, counters, search, filters, freeze, stop/continue, resize, quit."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("main%d" % cols, cols, rows)
    try:
        s = start(p, tmp, 400)
        size = "%dx%d" % (cols, rows)
        p.shot("start-" + size)
        check(" running" in s.split("\n")[0], "header shows running", s)
        lanes = region(s, "Swimlane")
        procs = [l for l in lanes if re.match(r"\s*\d+ tui_demo", l)]
        threads = [l for l in lanes if re.match(r"\s*(↳|`)\d+", l)]
        check(len(procs) == 2, "two process lanes", s)
        check(len(threads) == 1, "one thread lane marked as a thread", s)
        check(re.search(r"procs 2 \(2 live\)", s) and "threads 1" in s, "task counters", s)
        check(re.search(r"Net: sent 100 B", s) and re.search(r"recv 100 B", s), "net counters", s)
        check("off (--ebpf" in s, "latency counters say how to turn them on", s)
        rows_ = region(s, "Events")
        out = region(s, "Output")
        check(any(re.search(r"^tick \d+", l) for l in out), "program output in output pane", s)
        check(not any("tick " in l for l in s.split("\n")[:s.split("\n").index(
            [l for l in s.split("\n") if l.startswith(" Output")][0])]),
            "program output only in the output pane", s)
        # Scroll to the top of the list: the first writes and the fork are there.
        s = p.keys("Home", until=r"^\+\S+\s+\d+\s+proc\s+exec ")
        top = region(s, "Events")
        rows_ = "\n".join(top)
        # (the kernel engine counts writes per fd: the three come as one, or
        # two should its 100 ms sweep fall between them)
        write_row = r"file\s+write %s %s/demo.txt" % (r"[\d.]+ K?B" if KERNEL else "1000 B",
                                                     re.escape(tmp))
        for _ in range(4):   # (a sanitized tracee maps more: the writes may be pages down)
            if re.search(write_row, rows_):
                break
            s = p.keys("PgDn", until=when("the next page of events",
                                          lambda s: region(s, "Events") != top))
            top = region(s, "Events")
            rows_ += "\n".join(top)
        check(re.search(write_row, rows_), "write rows", s)
        p.keys("End")
        # Search.
        p.keys("/")
        p.type("child.txt")
        p.keys("Enter")
        s = p.wait(r'search: "child.txt"')
        p.keys("Enter")
        s = p.wait(r"Event details")
        check(re.search(r"Object:\s+%s/child.txt" % re.escape(tmp), s), "search found child.txt", s)
        # The line is cut at the screen's width, and the build directory may
        # be deep: the start of argv[0] is enough to show argv is there.
        check(re.search(r"Argv:\s+%s" % re.escape(DEMO[:24]), s), "details show argv", s)
        p.shot("detail-" + size)
        p.keys("Escape")
        p.keys("n")
        s = p.wait(r"Events:")
        # Filter by category: only "proc".
        p.keys("F4")
        p.wait(r"Filter: Space toggles")
        p.keys("c")
        for _ in range(4):
            p.keys("Down")
        p.keys("o")
        p.keys("Enter")
        s = p.wait(r"1/7 categories")
        p.shot("filter-proc-" + size)
        rows_ = [l for l in region(s, "Events") if l.strip()]
        check(rows_ and all(re.match(r"\+\S+\s+\S+\s+proc ", l) for l in rows_),
              "category filter shows only proc rows", s)
        p.keys("F4")
        p.keys("x")
        p.keys("Enter")
        # Filter by process: only the child (the second process: the
        # picker lists processes in the swimlane's order, and a list that
        # does not fit shows only some of them, so the pid comes from here).
        s = p.wait(when("the filters cleared, the picker closed and two process lanes",
                        lambda s: "1/7 categories" not in s and "Filter: Space toggles" not in s
                        and len(re.findall(r"^(\d+) tui_demo", s, re.M)) == 2))
        lanes = re.findall(r"^(\d+) tui_demo", s, re.M)
        child = lanes[1:]
        p.keys("F4")
        p.keys("p")
        p.keys("Down")
        s = p.keys("o", until=when("the child alone checked", lambda s: re.search(
            r"\[(?:✓|x)\] %s tui_demo" % child[0], s) and not re.search(
            r"\[(?:✓|x)\] (?!%s )\d+ tui_demo" % child[0], s)))
        picked = s
        p.keys("Enter")

        def only_child(s):
            if "1 process only" not in s:
                return False   # (the picker may still be open)
            rows_ = [l for l in region(s, "Events") if l.strip()]
            return ("1 process only" in s and bool(rows_) and
                    all(re.match(r"\+\S+\s+%s\s" % child[0], l) for l in rows_))
        try:
            s = p.wait(when("only the child's rows", only_child))
        except Fail as e:
            check(False, "process filter shows only the child's rows", f"{e}\npicker was:\n{picked}")
        lanes = [l for l in region(s, "Swimlane") if l.strip()]
        check(len(lanes) == 1 and child[0] in lanes[0], "process filter applies to lanes", s)
        p.keys("F4")
        p.keys("x")
        p.keys("Enter")
        p.wait(when("the filters cleared and the picker closed", lambda s: "process only" not in s
                    and "Filter: Space toggles" not in s))
        # Freeze and unfreeze.
        p.keys("Space")
        s = p.wait(r"FROZEN")
        s = p.wait(r"FROZEN . \+[1-9]\d* new")
        p.shot("frozen-" + size)
        p.keys("Space")
        p.wait(r"FROZEN", absent=True)
        # Stop and continue the tracee itself.
        p.keys("p")
        s = p.wait(HELD)
        time.sleep(0.5)     # what the program wrote before it stopped shows
        t1 = last_tick(p.screen())
        time.sleep(1.5)     # and then, for 1.5 s, nothing more
        s = p.screen()
        t2 = last_tick(s)
        check(t1 == t2 and t1 > 0, "ticks halt while stopped (%d -> %d)" % (t1, t2), s)
        p.shot("stopped-" + size)
        p.keys("F5")
        p.wait(HELD, absent=True)
        s = p.wait(when("a tick after %d" % t2, lambda s: last_tick(s) > t2))
        t3 = last_tick(s)
        check(t3 > t2, "ticks resume after continue (%d -> %d)" % (t2, t3))
        # Quit while running asks first; n keeps it running.
        p.keys("q")
        s = p.wait(r"Kill it and quit\? \[y/N\]")
        p.keys("n")
        s = p.wait(r"Cancelled")
        check(" running" in s.split("\n")[0], "still running after 'n'", s)
        # Resize.
        p.resize(cols + 20, rows + 6)

        def redrawn(s):
            lines = s.rstrip("\n").split("\n")
            return len(lines) == rows + 6 and "Events:" in s and lines[0].startswith(" tui_demo")
        s = p.wait(when("a redraw at the new size", redrawn))
        check(redrawn(s), "redrawn at the new size", s)
        p.resize(cols, rows)
        # Type into the program through the output pane: "q" ends its ticks.
        p.keys("Tab")
        p.keys("i")
        p.wait(r"TYPING INTO THE PROGRAM")
        p.type("q")
        p.keys("Enter")
        p.keys("C-]")
        p.wait(r"TYPING INTO THE PROGRAM", absent=True)
        # The end: the UI stays until q; totals are exact.
        s = p.wait(r"\A[^\n]*  exit 0  ", 20)
        s = p.wait(when("the program's last output and no live process", lambda s:
                        re.search(r"^demo done", s, re.M) and re.search(r"procs 2 \(0 live\)", s)))
        p.shot("exited-" + size)
        ticks = last_tick(s)
        check(re.search(r"^demo done", s, re.M), "program output after the end", s)
        check(re.search(r"written %s" % re.escape(kb(3700 + 10 * ticks)), s),
              "file written 3700 + 10 x %d bytes" % ticks, s)
        check(re.search(r"procs 2 \(0 live\)", s), "no live processes after exit", s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_big():
    """The same at 120x40."""
    case_main(120, 40)


def case_interrupt():
    """Ctrl-C goes to the program (it dies of SIGINT); the UI stays until q."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("intr", 80, 24)
    try:
        start(p, tmp, 100)
        p.keys("C-c")
        s = p.wait(r"killed by SIGINT", 10)
        p.keys("q")
        s = p.wait(r"EXIT=130", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_kill():
    """q while running, then y: the program is killed and the UI exits."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("kill", 80, 24)
    try:
        start(p, tmp, 100, "--no-color --no-mouse")
        p.keys("q")
        p.wait(r"Kill it and quit")
        p.keys("y")
        p.wait(r"EXIT=137", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_help():
    """F1 shows the key table; Esc closes it; the footer lists keys."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("help", 80, 24)
    try:
        s = start(p, tmp, 30)
        check(re.search(r"F1 Help .*q Quit", s.split("\n")[-2] + s.split("\n")[-1]) or
              "F1 Help" in s, "footer shows keys", s)
        p.keys("F1")
        s = p.wait(r"Help: keys")
        check(re.search(r"F5 p\s+stop the traced program", s), "help lists F5 and p", s)
        p.shot("help-80x24")
        p.keys("Escape")
        p.wait(r"Help: keys", absent=True)
        p.keys("a")
        s = p.wait(r"noise shown")
        p.keys("q")
        p.keys("y")
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


# ---- analysis views and replay ----

FAILOPEN = os.path.join(os.path.dirname(TRACEE_DIR.rstrip("/")), "tui", "failopen")


def table(screen):
    """Rows of an analysis view: the lines under its column header, up to the Output bar."""
    lines = screen.split("\n")
    for i, l in enumerate(lines):
        if re.match(r"(Syscall|File|Peer|Process|Latency) ", l):
            out = []
            for m in lines[i + 1:]:
                if m.startswith(" Output") or m.startswith(" F1 "):
                    break
                if m.strip():
                    out.append(m)
            return out
    raise Fail("no table on screen:\n%s" % screen)


def header(screen):
    return screen.split("\n")[0]


def run_cmd(p, cmd):
    p.type("%s; echo EXIT=$?" % cmd)
    p.keys("Enter")


def case_syscalls():
    """s: syscall summary; 7 failing open(2) calls are 7 calls, 7 errors; sorting; per process."""
    p = Pane("sys", 100, 30)
    try:
        run_cmd(p, "%s --no-mouse -- %s 7" % (COMPENDIUM, FAILOPEN))
        p.wait(r"\A[^\n]*  exit 0  ")
        p.keys("s")
        s = p.wait(r"^ Syscalls .* all processes")
        row = [r for r in table(s) if r.startswith("open ")]
        check(len(row) == 1 and re.match(r"open\s+7\s+7\s", row[0]),
              "the open row says 7 calls, 7 errors", s)
        check(re.search(r"Calls[▼v]", s), "sorted by calls, largest first", s)
        p.keys(">")
        s = p.wait(r"Errors[▼v]")
        check(table(s)[0].startswith("open "), "sorted by errors: open comes first", s)
        p.keys("r")
        s = p.wait(r"Errors[▲^]")
        check(table(s)[-1].startswith("open "), "reversed: open comes last", s)
        p.shot("syscalls-100x30")
        p.keys("t")
        s = p.wait(r"^ Processes")
        pid = re.search(r"^\s*(\d+) failopen", table(s)[0]).group(1)
        p.keys("Enter")
        p.wait(r"process %s only" % pid)
        p.keys("s")
        s = p.wait(r"^ Syscalls .* process %s only" % pid)
        row = [r for r in table(s) if r.startswith("open ")]
        check(row and re.match(r"open\s+7\s+7\s", row[0]), "one process: still 7 and 7", s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        assert_sane_terminal(p)
    finally:
        p.close()


def case_files():
    """f: top files with exact bytes; Enter follows a file; c: connections; Enter follows one."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("files", 100, 30)
    try:
        start(p, tmp, 30, "--no-mouse")
        p.keys("f")
        s = p.wait(r"^ Files")
        rows = table(s)
        demo = [r for r in rows if "/demo.txt " in r]
        check(demo and re.search(r"demo\.txt\s+2\s+2\.9 KB\s+2\.9 KB\s+5\.9 KB\s*$", demo[0]),
              "demo.txt: 2 opens, 3000 B read and written", s)
        thr = [r for r in rows if "/thread.txt " in r]
        check(thr and re.search(r"thread\.txt\s+1\s+0 B\s+500 B\s+500 B\s*$", thr[0]),
              "thread.txt: 1 open, 500 B written", s)
        check("demo.txt" in rows[0], "largest total first", s)
        check(not any("ld.so" in r or "libc" in r for r in rows), "noise hidden", s)
        p.keys("Enter")
        s = p.wait(r"following \S*demo\.txt")
        ev = region(s, "Events")
        check(ev and all("demo.txt" in l for l in ev if l.strip()), "only demo.txt's events", s)
        check(any("open" in l and "(write)" in l for l in ev), "from its open", s)
        p.keys("Escape")
        p.wait(r"following", absent=True)
        p.keys("c")
        s = p.wait(r"^ Connections .* 0 rows")
        check("localhost hidden" in s, "says localhost is hidden", s)
        p.keys("a")
        s = p.wait(r"^ Connections .* 2 rows")
        rows = table(s)
        check(re.search(r"tcp4 out\s+\d+\s+100 B\s+0 B", rows[0]), "connect: 100 B sent", s)
        check(re.search(r"tcp4 in\s+\d+\s+0 B\s+100 B", rows[1]), "accept: 100 B received", s)
        p.keys("Enter")
        s = p.wait(r"following connection")
        ev = [l for l in region(s, "Events") if l.strip()]
        check(ev and all(" net " in l for l in ev), "only that connection's events", s)
        check(any("connect" in l for l in ev) and any("100 B" in l for l in ev),
              "its connect and its 100 bytes", s)
        p.keys("q")
        p.keys("y")
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_tree():
    """t: process tree with totals; Enter selects the child for every view; again: all."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("tree", 100, 30)
    try:
        start(p, tmp, 40, "--no-mouse")
        p.keys("t")
        # the totals catch up with the exit within a table rebuild (5 a second)
        s = p.wait(r"(└─|`-)\d+ tui_demo .*211 B .*exit 0", 15)
        rows = table(s)
        check(len(rows) == 2 and "running" in rows[0], "root running, child exited 0", s)
        child = re.search(r"(?:└─|`-)(\d+)", rows[1]).group(1)
        check(re.search(r"\s1\s+KB|\s211 B\s", rows[1]) or "211 B" in rows[1],
              "child wrote 200 B to its file and 11 B of output", s)
        p.keys("Down", "Enter")
        s = p.wait(r"process %s only" % child)
        check(re.search(r"^\*\s+(└─|`-)%s" % child, "\n".join(table(s)), re.M), "marked", s)
        p.keys("f")
        s = p.wait(r"^ Files .* process %s only" % child)
        rows = table(s)
        check(len(rows) == 1 and re.search(r"child\.txt\s+1\s+0 B\s+200 B", rows[0]),
              "the child's only file: child.txt, 200 B", s)
        p.keys("e")
        s = p.wait(r"^ Events")
        ev = [l for l in region(s, "Events") if l.strip()]
        check(ev and all(re.match(r"\+\S+ %s " % child, l) for l in ev), "events of the child only", s)
        p.keys("t")
        p.wait(r"^ Processes")
        p.keys("Enter")
        p.wait(r"^ Processes .* all processes")
        p.keys("L")
        s = p.wait(r"^ Latency")
        check("No latency data" in s and "--ebpf" in s, "latency says how to turn it on", s)
        p.keys("q")
        p.keys("y")
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def elapsed(screen):
    m = re.search(r"REPLAY \S+ \S+\s+(\S+)\s+ev", header(screen))
    return m.group(1) if m else None


def case_replay():
    """--replay: REPLAY in the header, p pauses and plays, ] [ change speed, all at once by default."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("replay", 80, 24)
    try:
        rec = os.path.join(tmp, "demo.rec")
        subprocess.run([COMPENDIUM, "--record", rec, "--batch", "-o", "/dev/null", "--", DEMO, tmp, "15"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        js = subprocess.run([COMPENDIUM, "--replay", rec, "--json"], capture_output=True, text=True).stderr
        events = int(re.search(r'"events":(\d+),"dropped"', js).group(1))
        run_cmd(p, "%s --no-mouse --replay %s --speed 1" % (COMPENDIUM, rec))
        s = p.wait(r"REPLAY playing 1x")
        p.keys("p")
        s = p.wait(r"REPLAY paused 1x")
        t1 = elapsed(s)
        check(t1, "the header shows the replay's clock", s)
        time.sleep(1.0)
        s = p.screen()
        check(elapsed(s) == t1 and "REPLAY paused" in s, "paused: the clock stands still", s)
        n1 = int(re.search(r"\bev(?:ents)? (\d+)", header(s)).group(1))
        check(n1 < events, "paused before the end (%d of %d events)" % (n1, events), s)
        p.keys("]")
        p.wait(r"REPLAY paused 2x")
        p.keys("[")
        p.wait(r"REPLAY paused 1x")
        p.keys("F5")
        p.wait(r"REPLAY playing 1x")
        p.keys("]", "]", "]")
        p.wait(r"Replay speed 100x|REPLAY playing 100x")   # 2 s left play in 20 ms
        s = p.wait(r"REPLAY ended: exit 0", 10)
        check(re.search(r"\bev(?:ents)? %d\b" % events, header(s)),
              "every event of the recording (%d)" % events, s)
        check("not recorded" in s, "output pane says output is not recorded", s)
        p.keys("p")
        p.wait(r"whole recording has been played")
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        p.clear()
        run_cmd(p, "%s --no-mouse --replay %s" % (COMPENDIUM, rec))
        s = p.wait(r"REPLAY ended: exit 0", 10)
        check(re.search(r"\bev(?:ents)? %d\b" % events, header(s)), "default: all at once", s)
        p.keys("s")
        p.wait(r"^ Syscalls")
        p.keys("C-c")
        p.wait(r"EXIT=0", 10)
        p.clear()
        run_cmd(p, "%s --no-mouse --replay %s --speed 1" % (COMPENDIUM, rec))
        p.wait(r"REPLAY playing 1x")
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_views_help():
    """F1 lists the views and the replay keys (from the key table)."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("vhelp", 100, 40)
    try:
        start(p, tmp, 30, "--no-mouse")
        p.keys("F1")
        s = p.wait(r"Help: keys")
        for want in (r"^\s*s\s+syscall summary", r"^\s*f\s+top files", r"^\s*c\s+top connections",
                     r"^\s*t\s+process tree", r"^\s*L\s+scheduler and block I/O latency",
                     r"Replay \(--replay; live from a pipe or a file being written\)",
                     r"^\s*\]\s+play faster", r"^\s*\{\s+back to the start, paused \(a pipe cannot go back\)",
                     r"^\s*\}\s+to the end: everything recorded",
                     r"^\s*:\s+go to a time after the start \(2\.5, \+2\.5s, 1500ms, 1m30s\)"):
            if not re.search(want, s, re.M):
                s = p.keys("PageDown", until=want)
            check(re.search(want, s, re.M), "help lists %s" % want, s)
        p.keys("Escape")
        p.keys(":", until=r"Seeking is for --replay: a traced program runs at its own pace")
        p.keys("q")
        p.keys("y")
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


FALLBACK = "printing lines (use --batch to choose this)"
TERMS = (("TERM=dumb", "terminal 'dumb' cannot show the full-screen view; " + FALLBACK),
         ("TERM=xyzzy-nonesuch", "terminal 'xyzzy-nonesuch' is unknown here (no usable "
          "terminfo entry), so it cannot show the full-screen view; " + FALLBACK),
         ("-u TERM", "TERM is not set, so the terminal cannot show the full-screen view; " +
          FALLBACK))


def check_fallback(text, want, where):
    """One sentence first, then the program's lines, the FINAL block, exit 0."""
    lines = [l for l in text.replace("\r", "").split("\n") if l.strip()]
    first = next((l for l in lines if l.startswith("compendium-tui:")), None)
    check(first == "compendium-tui: " + want, "%s: the sentence is %r" % (where, first), text)
    check(sum(l.startswith("compendium-tui:") for l in lines) == 1,
          "%s: more than one sentence" % where, text)
    check(re.search(r"^\[\+\d+\.\d{3}s\] .*tui_demo exec", text, re.M),
          "%s: no exec line" % where, text)
    check("FINAL: " in text and "demo done" in text, "%s: no FINAL block or program output"
          % where, text)
    check("\x1b[?1049h" not in text, "%s: the full-screen view was started" % where, text)


def case_dumb():
    """TERM=dumb, an unknown TERM and no TERM (in tmux): one sentence, then lines."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("dumb", 120, 50)
    try:
        for env, want in TERMS:
            p.clear()
            p.tmux("clear-history", "-t", p.name)
            p.type("cd %s && env %s %s -- %s %s 3; echo EXIT=$?" % (tmp, env, COMPENDIUM, DEMO, tmp))
            p.keys("Enter")
            p.wait(r"^EXIT=\d+", 20)
            s = p.tmux("capture-pane", "-p", "-J", "-S", "-500", "-t", p.name)
            check(re.search(r"^EXIT=0$", s, re.M), "%s: exit status" % env, s)
            check_fallback(s, want, env)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_dumb_pty():
    """The same on a plain pseudo-terminal, without tmux."""
    import pty
    import select
    tmp = tempfile.mkdtemp(prefix="ctui.")
    try:
        for env, want in TERMS:
            pid, fd = pty.fork()
            if pid == 0:
                os.environ.pop("TERM", None)
                if env.startswith("TERM="):
                    os.environ["TERM"] = env[5:]
                os.execv(COMPENDIUM, [COMPENDIUM, "--", DEMO, tmp, "3"])
            out, end = b"", time.time() + 20
            while time.time() < end:
                if select.select([fd], [], [], 0.2)[0]:
                    try:
                        chunk = os.read(fd, 65536)
                    except OSError:
                        chunk = b""
                    if chunk:
                        out += chunk
                        continue
                    break
            done, status, end = 0, 0, time.time() + 5
            while not done and time.time() < end:
                done, status = os.waitpid(pid, os.WNOHANG)
                time.sleep(0 if done else 0.05)
            if not done:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            os.close(fd)
            check(done and os.waitstatus_to_exitcode(status) == 0,
                  "%s: compendium-tui did not exit 0 on its own" % env, out.decode(errors="replace"))
            check_fallback(out.decode(errors="replace"), want, env + " (pty)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def case_tiny():
    """10x5 and 1x1: no crash; a notice asks for 40x12; a resize brings the view;
    q then y kills the program and quits (137)."""
    for cols, rows in ((10, 5), (1, 1)):
        tmp = tempfile.mkdtemp(prefix="ctui.")
        p = Pane("tiny%d" % cols, cols, rows)
        try:
            # A pane this small may show the same cells before and after a
            # key: what the keys did is checked by the files they leave.
            sent = when("the keys sent", lambda s: True)
            p.type("cd %s && %s -- %s %s 200; echo $? > %s/exit" % (tmp, COMPENDIUM, DEMO, tmp, tmp),
                   until=sent)
            p.keys("Enter", until=sent)
            log = os.path.join(tmp, "ticks.log")
            end = time.time() + 15
            while not (os.path.exists(log) and os.path.getsize(log) >= 30) and time.time() < end:
                time.sleep(0.1)
            check(os.path.exists(log), "%dx%d: the program never ran" % (cols, rows), p.screen())
            if cols == 10:
                s = p.wait(when("the notice", lambda s: "needs 40x12" in " ".join(s.split())))
                flat = " ".join(s.split())
                check(flat == "Too small (10x5): needs 40x12; q quits.",
                      "10x5: the notice is %r" % flat, s)
            p.resize(80, 24)
            s = p.wait(r"^ tui_demo .*running", 10)
            p.resize(cols, rows)
            p.keys("q", until=sent)
            time.sleep(0.3)   # the question may not fit on screen to be waited for
            p.keys("y", until=sent)
            exitf = os.path.join(tmp, "exit")
            end = time.time() + 10
            while not (os.path.exists(exitf) and open(exitf).read().endswith("\n")) \
                    and time.time() < end:
                time.sleep(0.1)
            code = open(exitf).read().strip() if os.path.exists(exitf) else "none"
            check(code == "137", "%dx%d: exit status %s, expected 137" % (cols, rows, code))
            p.resize(80, 24)
            p.clear()
            p.type("echo EXIT=$(cat %s)" % exitf)
            p.keys("Enter")
            assert_sane_terminal(p)
        finally:
            p.close()
            shutil.rmtree(tmp, ignore_errors=True)


def case_record_full():
    """--record /dev/full in the UI: the footer says the recording stopped, tracing
    goes on to the end, and after q one sentence and exit 125."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("recfull", 100, 30)
    try:
        start(p, tmp, 8, "--record /dev/full")
        s = p.wait(r"Cannot write the recording \(No space left on device\): it stops here; "
                   r"tracing goes on", 10)
        s = p.wait(r"\A[^\n]*  exit 0  ", 15)
        p.keys("q")
        s = p.wait(r"^EXIT=\d+", 10)
        check(re.search(r"^compendium-tui: cannot write recording /dev/full: No space left on "
                        r"device\n+EXIT=125$", s, re.M), "the sentence and exit 125", s)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


CASES = {"main": case_main, "big": case_big, "interrupt": case_interrupt,
         "kill": case_kill, "help": case_help, "dumb": case_dumb, "dumb_pty": case_dumb_pty,
         "tiny": case_tiny, "record_full": case_record_full}
def case_latency():
    """L with --ebpf data: 100 O_DIRECT writes are 100 block requests in the histogram,
    per process too (replayed from a recording; skipped where --ebpf cannot run)."""
    tmp = tempfile.mkdtemp(prefix="ctui.", dir=os.environ.get("TUI_DIRECT_DIR", "/var/tmp"))
    p = Pane("lat", 100, 50)   # room for every histogram row: the sched rows come first
    try:
        rec = os.path.join(tmp, "lat.rec")
        cmd = "dd if=/dev/zero of=%s/direct.bin bs=4k count=100 oflag=direct 2>/dev/null" % tmp
        r = subprocess.run([COMPENDIUM, "--ebpf", "--record", rec, "--batch", "-o", "/dev/null",
                            "--", "sh", "-c", cmd], capture_output=True, text=True, timeout=60)
        js = subprocess.run([COMPENDIUM, "--replay", rec, "--json"], capture_output=True,
                            text=True).stderr if os.path.exists(rec) else ""
        m = re.search(r'"block":\{"count":(\d+)', js)
        if "--ebpf is off" in r.stderr or not m or int(m.group(1)) != 100:
            print("SKIP: latency: --ebpf or O_DIRECT block I/O unavailable here (%s)" %
                  (r.stderr.strip().split("\n")[0] if r.stderr.strip() else "no block requests"))
            return
        run_cmd(p, "%s --no-mouse --replay %s" % (COMPENDIUM, rec))
        p.wait(r"REPLAY ended")
        s = p.keys("L", until=r"^ Latency .* all processes")
        check("Block I/O: 100 requests" in s, "note: 100 block requests", s)
        s = p.wait(when("block rows adding up to 100", lambda s: block_total(s) == 100))
        block = [r for r in table(s) if r.startswith("block ")]
        total = block_total(s)
        check(block and total == 100, "block rows add up to 100 (%d)" % total, s)
        check(all(re.match(r"block\s+(< 1us|\S+ - \S+)\s", r) for r in block), "ranges in us/ms", s)
        p.keys("t")
        s = p.wait(r"^ Processes")
        row = [i for i, r in enumerate(table(s)) if re.search(r"\d+ dd\s", r)]
        check(row, "dd in the tree", s)
        p.keys(*(["Down"] * row[0]))
        p.keys("Enter", "L")
        s = p.wait(r"^ Latency .* process \d+ only")
        check("Block I/O: 100 requests" in s, "dd alone: its 100 requests", s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def block_total(screen):
    """The requests of the block rows of the latency view, added up."""
    return sum(int(re.search(r"\s(\d+)\s+[\d.]+\s+#+\s*$", r).group(1))
               for r in table(screen) if r.startswith("block "))


def ebpf_off():
    """Why --ebpf cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "needs root"
    r = subprocess.run([COMPENDIUM, "--ebpf", "--batch", "-o", "/dev/null", "--", "true"],
                       capture_output=True, text=True, timeout=60)
    if "--ebpf is off" in r.stderr or r.returncode != 0:
        return r.stderr.strip().split("\n")[-1] or "exit %d" % r.returncode
    return None


def case_ebpf_lanes():
    """--ebpf, live: a child and a thread that end early get one lane each, however
    late the kernel's samples about them come (3 runs; skipped where --ebpf cannot run)."""
    why = ebpf_off()
    if why:
        print("SKIP: ebpf_lanes: --ebpf unavailable here (%s)" % why)
        return
    tmp = tempfile.mkdtemp(prefix="ctui.")
    prog = os.path.join(TRACEE_DIR, "ebpf_lanes")
    try:
        for run in range(3):
            p = Pane("lanes%d" % run, 120, 40)
            try:
                run_cmd(p, "%s --no-mouse --ebpf --sched-threshold-us 0 -- %s 300 %s/last"
                        % (COMPENDIUM, prog, tmp))
                s = p.wait(r"\A[^\n]*  exit 0  ", 30)
                # the reader's last samples may come after the exit
                s = p.wait(r"^ Swimlane 2\+1 ", 5)
                lanes = region(s, "Swimlane")
                procs = [l for l in lanes if re.match(r">?\d+ ebpf_lanes", l)]
                threads = [l for l in lanes if re.match(r"\s*>?\s*(↳|`)\d+", l)]
                check(re.search(r"^ Swimlane 2\+1 ", s, re.M), "run %d: 2+1 lanes" % (run + 1), s)
                check(len(procs) == 2 and len(threads) == 1,
                      "run %d: two process lanes and one thread lane" % (run + 1), s)
                p.keys("q")
                p.wait(r"EXIT=0", 10)
            finally:
                p.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# label -> what its value must look like, whole (a cut figure loses its unit)
FIGURES = {
    "p50": r" \d[\d.]*(ns|us|ms|s|m\d+s|h\d+m)(?![\w.])",
    "p99": r" \d[\d.]*(ns|us|ms|s|m\d+s|h\d+m)(?![\w.])",
    "max": r" \d[\d.]*(ns|us|ms|s|m\d+s|h\d+m)(?![\w.])",
    "heap": r" \d[\d.]* (B|KB|MB|GB|TB)\b", "mmap": r" \d[\d.]* (B|KB|MB|GB|TB)\b",
    "RSS": r" \d[\d.]* (B|KB|MB|GB|TB)\b", "read": r" \d[\d.]* (B|KB|MB|GB|TB)\b",
    "written": r" \d[\d.]* (B|KB|MB|GB|TB)\b", "sent": r" \d[\d.]* (B|KB|MB|GB|TB)\b",
    "recv": r" \d[\d.]* (B|KB|MB|GB|TB)\b",
    "conns": r" \d+(?![\d.])", "procs": r" \d+ \(\d+ live\)", "threads": r" \d+(?![\d.])",
    "events": r" \d+(?![\d.])", "drops": r" \d+(?![\d.])",
}


def cut_figures(lines, cols):
    """Labels on the header and counter lines that are not followed by their
    whole value, and lines running past the width."""
    bad = []
    for l in lines:
        if len(l.rstrip()) > cols:
            bad.append("too wide: %r" % l)
        for m in re.finditer(r"(?<![\w-])(%s)\b" % "|".join(FIGURES), l):
            if not re.match(FIGURES[m.group(1)], l[m.end():]):
                bad.append("%r without its whole value in %r" % (m.group(1), l))
        for m in re.finditer(r"(?<![\w-])(waits|requests)\b", l):   # "916 waits"
            if not re.search(r"(^|\s)\d+ $", l[:m.start()]):
                bad.append("%r without its number in %r" % (m.group(1), l))
    return bad


def case_header_widths():
    """--ebpf, at 80 and 120 columns: the header and counters show whole
    figures only (a label always with its value), and say plainly what
    tracing cost the program (skipped where --ebpf cannot run)."""
    why = ebpf_off()
    if why:
        print("SKIP: header_widths: --ebpf unavailable here (%s)" % why)
        return
    tmp = tempfile.mkdtemp(prefix="ctui.")
    prog = os.path.join(TRACEE_DIR, "ebpf_lanes")
    try:
        for cols, rows in ((80, 24), (120, 40)):
            p = Pane("hdr%d" % cols, cols, rows)
            try:
                run_cmd(p, "%s --no-mouse --ebpf --sched-threshold-us 0 -- %s 200 %s/last"
                        % (COMPENDIUM, prog, tmp))
                s = p.wait(r"\A[^\n]*  exit 0  ", 30)
                # the last figures come with the end of the trace
                cost = r"kernel engine, no stops" if KERNEL else r"stopped for tracing \S+ \(\d+ stops\)"
                s = p.wait(r"Sched delay: \d+ waits" if cols < 120 else r"\A[^\n]*" + cost, 5)
                top = s.split("\n")[:s.split("\n").index(
                    [l for l in s.split("\n") if l.startswith(" Swimlane")][0])]
                p.shot("header-%d" % cols)
                bad = cut_figures(top, cols)
                check(not bad, "%d columns: %s" % (cols, "; ".join(bad)), s)
                check(re.search(r"Sched delay: \d+ waits", "\n".join(top)),
                      "%d columns: scheduler latency shown" % cols, s)
                check(re.search(r"p99 \d", "\n".join(top)), "%d columns: p99 with its value" % cols, s)
                check("tracer at exit" not in s and " tracer " not in top[0],
                      "%d columns: no 'tracer at exit' wording" % cols, s)
                if cols >= 120:
                    check(re.search(cost, top[0]),
                          "%d columns: what tracing cost the program" % cols, s)
                p.keys("q")
                p.wait(r"EXIT=0", 10)
            finally:
                p.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def case_live():
    """--ebpf: bytes written once to fds that then stay open and idle show in the
    counters within a second, while the program still sleeps (skipped where
    --ebpf cannot run)."""
    probe = subprocess.run([COMPENDIUM, "--ebpf", "--json", "-o", "/dev/null", "--", "true"],
                           capture_output=True, text=True, timeout=60)
    if os.geteuid() != 0 or "--ebpf is off" in probe.stderr:
        print("SKIP: live: --ebpf cannot run here (%s)" %
              (probe.stderr.strip().split("\n")[-1] if probe.stderr.strip() else "not root"))
        return
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("live", 100, 30)
    try:
        run_cmd(p, "cd %s && %s --no-mouse --ebpf -- %s 6000" %
                (tmp, COMPENDIUM, os.path.join(TRACEE_DIR, "idlefds")))
        s = p.wait(r"sleep_start_ns", 15)
        t0 = time.time()
        s = p.wait(r"Net: sent 14 B", 3)
        s = p.wait(r"Files: .*written 5 B", 1)
        lag = time.time() - t0
        p.shot("live")
        check(" running" in header(s), "the program still sleeps", s)
        check(lag < 1.0, "counts shown %.2f s after the program said it sleeps" % lag, s)
        p.keys("q")
        p.keys("y")
        p.wait(r"EXIT=\d+", 15)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_drops():
    """A run that lost records (--ebpf where the program cannot be held back: no
    cgroup2, its output stalled), replayed: the header says the drops and that
    the totals are incomplete (skipped where --ebpf or unshare cannot run)."""
    flood = os.path.join(TRACEE_DIR, "flood")
    probe = subprocess.run([COMPENDIUM, "--ebpf", "--json", "-o", "/dev/null", "--", "true"],
                           capture_output=True, text=True, timeout=60)
    if os.geteuid() != 0 or "--ebpf is off" in probe.stderr or not shutil.which("unshare"):
        print("SKIP: drops: --ebpf or unshare cannot run here")
        return
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("drops", 100, 30)
    try:
        rec, fifo = os.path.join(tmp, "drops.rec"), os.path.join(tmp, "out.fifo")
        os.mkfifo(fifo)
        # The output is read only once the flood is over, and no cgroup2 is
        # mounted: the kernel's ring overflows.
        script = ("for m in $(awk '$3 == \"cgroup2\" { print $2 }' /proc/self/mounts); do "
                  "umount -l \"$m\"; done; exec \"$@\"")
        proc = subprocess.Popen(["unshare", "-m", "sh", "-c", script, "sh", COMPENDIUM, "--ebpf",
                                 "--batch", "-o", fifo, "--record", rec, "--", flood, "200000"],
                                cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        with open(fifo, "rb") as f:
            proc.stdout.readline()   # the flood is over: only now read the output
            out = f.read().decode("utf-8", "replace")
        proc.wait(timeout=120)
        m = re.search(r"^Dropped: (\d+)", out, re.M)
        check(m, "the run without cgroup2 dropped records (FINAL):\n" + out[-2000:])
        run_cmd(p, "%s --no-mouse --replay %s" % (COMPENDIUM, rec))
        s = p.wait(r"REPLAY ended", 30)
        check(re.search(r"drops %s INCOMPLETE" % m.group(1), header(s)),
              "the header says %s drops and incomplete" % m.group(1), s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


CASES.update({"syscalls": case_syscalls, "files": case_files, "tree": case_tree,
              "replay": case_replay, "views_help": case_views_help})
CASES["latency"] = case_latency
CASES["live"] = case_live
CASES["drops"] = case_drops
CASES["ebpf_lanes"] = case_ebpf_lanes
CASES["header_widths"] = case_header_widths


def case_stack():
    """--stack: w ranks the open by its call site (inner_fn, the open call's
    line); Enter follows the file; its details show the stack, innermost
    first: libc's open, inner_fn, outer_fn, main."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tracees", "stackopen.c")
    line = [i for i, l in enumerate(open(src, encoding="utf-8"), 1) if "/* the open */" in l][0]
    data = os.path.join(tmp, "stackdata")
    with open(data, "w", encoding="utf-8") as f:
        f.write("x\n")
    p = Pane("stack", 120, 40)
    try:
        run_cmd(p, "%s --no-mouse --stack -- %s %s" %
                (COMPENDIUM, os.path.join(TRACEE_DIR, "stackopen"), data))
        p.wait(r"\A[^\n]*  exit 0  ")
        p.keys("w")
        s = p.wait(r"^ Called from .* all processes")
        rows = [r for r in table(s) if "stackdata" in r]
        check(len(rows) == 1 and re.search(r"^\S*stackdata\s+open\s+1\s+inner_fn\+0x[0-9a-f]+ "
                                           r"\(stackopen\.c:%d\) in stackopen\s*$" % line, rows[0]),
              "one row: 1 open of stackdata from inner_fn at the open call's line", s)
        p.keys("Enter")
        s = p.wait(r"following \S*stackdata")
        p.keys("/", "C-u")
        p.type("stackdata")
        p.keys("Enter")
        p.wait(r'search: "stackdata"')
        p.keys("Enter")
        s = p.wait(r"Event details")
        lines = s.split("\n")
        at = [i for i, l in enumerate(lines) if l.strip() == "Stack:"]
        frames = [l.strip().split("+")[0] for l in lines[at[0] + 1:at[0] + 5]] if at else []
        check(len(frames) == 4 and frames[1:] == ["inner_fn", "outer_fn", "main"] and
              "open" in frames[0], "the details show the stack: open, inner_fn, outer_fn, main", s)
        p.keys("Escape")
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


CASES["stack"] = case_stack


# ---- a replay of a recording still being written ----

def case_live_replay(cols=80, rows=24):
    """--record - | --replay -: the UI follows the stream as it is written
    (REPLAY live): each of five files the program makes, one at a time on
    cue, shows within 250 ms of the cue (the median; every one within 1 s on
    a loaded machine); p pauses the view while the stream goes on, p plays
    on to its end; seeking back is refused in one sentence."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("livereplay%d" % cols, cols, rows)
    cue = None
    try:
        go = os.path.join(tmp, "go")
        os.mkfifo(go)
        prog = "exec 3< go; for i in 1 2 3 4 5 6; do read x <&3; : > MARK$i; done"
        run_cmd(p, "cd %s && %s --record - -- sh -c '%s' 2>rec.err | %s --no-mouse --replay -" %
                (tmp, COMPENDIUM, prog, COMPENDIUM))
        cue = open(go, "w")   # (once the program has opened it)
        p.wait(r"REPLAY live playing all", 15)
        lags = []
        for i in range(1, 6):
            time.sleep(0.3)
            cue.write("x\n")
            cue.flush()
            t0 = time.time()
            p.wait(r"MARK%d \(write" % i, 5)
            lags.append(time.time() - t0)
        p.shot("live-replay-%dx%d" % (cols, rows))
        print("live_replay %dx%d: shown after %s s" % (cols, rows, " ".join("%.3f" % l for l in lags)))
        lags.sort()
        check(lags[2] < 0.25 and lags[-1] < 1.0,
              "files shown %s s after the program was told to make them" %
              " ".join("%.3f" % l for l in lags), p.screen())
        p.keys("{")
        p.wait(r"Cannot seek back: a recording read from a pipe cannot be read again")
        p.keys("p")
        p.wait(r"REPLAY live paused all")
        cue.write("x\n")
        cue.close()
        cue = None
        time.sleep(1.0)
        s = p.screen()
        check("MARK6" not in s and "REPLAY live paused" in s,
              "paused: the view stands still while the stream goes on", s)
        p.keys("p")
        s = p.wait(r"REPLAY ended: exit 0", 10)
        check("MARK6 (write" in s, "played on: the file made while paused shows", s)
        p.keys("q")
        assert_sane_terminal(p)
    finally:
        if cue:
            cue.close()
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_live_replay_big():
    """case_live_replay at 200x60."""
    case_live_replay(200, 60)


CASES.update({"live_replay": case_live_replay, "live_replay_big": case_live_replay_big})


# ---- the program's output in a replay, and seeking ----

TOTALS = [("heap", r"heap ([\d.]+ [KMG]?B)"), ("mmap", r"mmap ([\d.]+ [KMG]?B)"),
          ("regions", r"\((\d+) regions\)"), ("read", r"Files: read ([\d.]+ [KMG]?B)"),
          ("written", r"written ([\d.]+ [KMG]?B)"), ("sent", r"sent ([\d.]+ [KMG]?B)"),
          ("recv", r"recv ([\d.]+ [KMG]?B)"), ("conns", r"conns (\d+)"),
          ("procs", r"procs (\d+ \(\d+ live\))"), ("threads", r"threads (\d+)")]


def header_secs(screen):
    """The elapsed time the header shows (it cuts to 100 ms), in seconds."""
    m = re.search(r"\s(\d+(?:\.\d+)?)(ns|µs|us|ms|s)\s+ev", header(screen))
    check(m, "the header shows the elapsed time", screen)
    return float(m.group(1)) * {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1}[m.group(2)]


def view_state(screen):
    """What the views show of a moment: the events counted, the counters'
    totals (rates and RSS are of the live machine, not of the moment), the
    lanes, the event list and the output pane."""
    lines = screen.split("\n")
    if not any(l.startswith(" Swimlane") for l in lines) or not any(l.startswith(" Output") for l in lines):
        return None     # a frame being drawn, or no UI
    top = "\n".join(lines[:[i for i, l in enumerate(lines) if l.startswith(" Swimlane")][0]])
    totals = {k: m.group(1) for k, rx in TOTALS for m in [re.search(rx, top)] if m}
    events = re.search(r"\bev(?:ents)? (\d+)", header(screen))
    lanes = [l[:18].rstrip() for l in region(screen, "Swimlane")]
    titles = [re.sub(r"\s+", " ", l.strip()) for l in lines
              if re.match(r" (Swimlane \S+|Events: |Output: )", l)]
    titles = [re.sub(r"^(Swimlane \S+).*", r"\1", t) for t in titles]
    out = [i for i, l in enumerate(lines) if l.startswith(" Output")][0]
    footer = max(i for i, l in enumerate(lines) if l.strip())
    while footer > out + 1 and not lines[footer - 1].strip():
        footer -= 1
    return {"events": events and events.group(1), "totals": totals, "lanes": lanes,
            "titles": titles, "list": region(screen, "Events"),
            "output": [l.rstrip() for l in lines[out + 1:footer]]}


def same_state(got, want, what, screen):
    """got and want (view_state) agree on every total both show, and on the rest."""
    for k in ("events", "lanes", "titles", "list", "output"):
        check(got[k] == want[k], "%s: %s differ:\n  replay %r\n  live   %r" % (what, k, got[k], want[k]),
              screen)
    both = set(got["totals"]) & set(want["totals"])
    check({"written", "procs"} <= both, "%s: files written and processes shown" % what, screen)
    for k in sorted(both):
        check(got["totals"][k] == want["totals"][k], "%s: %s %s, live %s" %
              (what, k, got["totals"][k], want["totals"][k]), screen)


def settled(p, pattern=None, timeout=10.0):
    """The screen once what the views show stands still for 0.3 s (after
    pattern, if given, is on it)."""
    end = time.time() + timeout
    s = p.wait(pattern, timeout) if pattern else p.screen()
    while True:
        time.sleep(0.3)
        s2 = p.screen()
        if view_state(s2) is not None and view_state(s2) == view_state(s):
            return s2
        if time.time() > end:
            raise Fail("the views did not settle in %.0f s; screen:\n%s" % (timeout, s2))
        s = s2


def tick_times(rec):
    """Times (s after the start) of tui_demo's writes to ticks.log, one per tick line
    (a write event of the kernel engine's counts may hold two: its calls say so)."""
    js = subprocess.run([COMPENDIUM, "--replay", rec, "--json"], capture_output=True, text=True,
                        timeout=60).stderr
    return [float(m.group(1)) for m in
            re.finditer(r'^\{"t":([\d.]+),[^\n]*"type":"write"(?:[^\n]*"calls":(\d+))?'
                         r'[^\n]*ticks\.log"', js, re.M)
            for _ in range(int(m.group(2) or 1))]


def output_lines(screen):
    """The lines of output the output pane's title counts."""
    m = re.search(r"^ Output: (\d+) lines", screen, re.M)
    return int(m.group(1)) if m else 0


def case_replay_output(cols=80, rows=24):
    """--record keeps the program's output: the replay's output pane plays
    it in step with the events; { } and : (and --replay-from) seek to the
    start, the end and a time, where every view shows what the live run
    showed then (the live run held with F5 at that time)."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("rout%d" % cols, cols, rows)
    rec = os.path.join(tmp, "demo.rec")
    try:
        start(p, tmp, 14, "--record %s" % rec)
        p.keys("F5", until=HELD)
        time.sleep(1.2)
        held = settled(p)
        check(re.search(HELD, header(held)), "still held", held)
        at = header_secs(held) - 0.1    # inside the hold, on the recording's clock
        live_held = view_state(held)
        check(live_held["output"] and re.match(r"tick \d+$", live_held["output"][-1].rstrip()),
              "the live output pane shows ticks", held)
        p.keys("F5", gone=HELD)
        ended = settled(p, r"\A[^\n]*  exit 0  ", 20)
        live_end = view_state(ended)
        check("demo done" in live_end["output"], "the run printed all", ended)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        p.clear()
        times = tick_times(rec)
        check(len(times) == 14, "14 tick writes in the recording: %r" % times)

        # Played at 1x: each tick line appears when the clock reaches it,
        # one after the other, not before and not long after.  (The kernel
        # engine times a write when its sweep collects it, up to a few
        # 100 ms late on a loaded machine.)
        run_cmd(p, "%s --no-mouse --replay %s --speed 1" % (COMPENDIUM, rec))
        early, late = (0.45 if KERNEL else 0.15), 0.6
        for k in (3, 6, 10):
            extra = 1 if k == 10 else 0     # "child done" (after 7 ticks' sleep) by tick 10
            s = p.wait(when("%d lines of output" % (k + extra),
                            lambda s: output_lines(s) >= k + extra), 15)
            n = output_lines(s) - extra     # the ticks shown
            check(n in (k, k + 1) and "tick %d" % n in (view_state(s) or {"output": []})["output"],
                  "the lines come one by one: %d lines when %d were awaited" % (n + extra, k + extra), s)
            shown = header_secs(s)
            check(times[n - 1] - early <= shown <= times[n - 1] + late,
                  "tick %d shows at %.2f s on the replay's clock; written at %.3f s" %
                  (n, shown, times[n - 1]), s)

        # { : the start: nothing has happened yet.
        s = p.keys("{", until=r"Replay at \+0\.000s")
        s = settled(p)
        check(re.search(r"^ Output: 0 lines", s, re.M), "no output at the start", s)
        check(not any("tick" in l for l in view_state(s)["output"]), "no tick at the start", s)
        check(re.search(r"REPLAY paused", header(s)), "paused at the start", s)

        # : a time: the views show what the live run showed, held then.
        p.keys(":")
        p.type("%.2f" % at)
        p.keys("Enter", until=r"Replay at \+%.2f" % at)
        s = settled(p)
        p.shot("replay-at-%dx%d" % (cols, rows))
        same_state(view_state(s), live_held, "at +%.2f s" % at, s)

        # } : the end: as the live run ended.
        p.keys("}", until=r"REPLAY ended: exit 0")
        s = settled(p)
        same_state(view_state(s), live_end, "at the end", s)

        # back from the end to the same time: the same again
        p.keys(":")
        p.type("+%.3fs" % at)
        p.keys("Enter", until=r"REPLAY paused")
        s = settled(p)
        same_state(view_state(s), live_held, "back at +%.2f s" % at, s)

        # p plays on from there to the end
        p.keys("]", "]", "]", "]")
        p.keys("p", until=r"REPLAY ended: exit 0")
        s = settled(p)
        same_state(view_state(s), live_end, "played on to the end", s)
        p.keys(":")
        p.type("2.5x")
        s = p.keys("Enter", until=r"'2\.5x' is not a time")
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        p.clear()

        # --replay-from: opens there, paused
        run_cmd(p, "%s --no-mouse --replay %s --replay-from %.2fs" % (COMPENDIUM, rec, at))
        s = settled(p, r"REPLAY paused")
        same_state(view_state(s), live_held, "--replay-from %.2fs" % at, s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        p.clear()

        # Without the UI there is no terminal to record; an older recording
        # has none either: the pane says which.
        lines_rec = os.path.join(tmp, "lines.rec")
        subprocess.run([COMPENDIUM, "--record", lines_rec, "--batch", "-o", "/dev/null", "--", DEMO,
                        tmp, "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        for version, why in ((6, r"the output was not recorded: lines, JSON or --pid"),
                             (5, r"this recording is older than recorded output")):
            with open(lines_rec, "r+b") as f:
                f.seek(8)
                f.write(version.to_bytes(4, "little"))
            run_cmd(p, "%s --no-mouse --replay %s" % (COMPENDIUM, lines_rec))
            s = p.wait(r"REPLAY ended: exit 0", 10)
            check(re.search(r"^ Output: 0 lines \(a replay: " + why, s, re.M),
                  "version %d: the output pane says why it is empty" % version, s)
            p.keys("q")
            p.wait(r"EXIT=0", 10)
            if version == 6:
                p.clear()
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_replay_output_big():
    """The same at 200x60."""
    case_replay_output(200, 60)


CASES.update({"replay_output": case_replay_output, "replay_output_big": case_replay_output_big})


def record_on_host(tmp, host, name, script):
    """Record sh -c script as host NAME would (its own UTS namespace, and
    with ptrace its own pid namespace too, so two recordings' pids
    collide; the kernel engine follows processes only in the initial
    one); returns (recording, its own JSON summary)."""
    rec = os.path.join(tmp, name + ".rec")
    ns = ["-u"] if KERNEL else ["-u", "-p", "-f", "--mount-proc"]
    r = subprocess.run(["unshare"] + ns + ["sh", "-c", 'hostname "$1" && shift && exec "$@"', "-",
                        host, os.path.abspath(COMPENDIUM) if os.sep in COMPENDIUM else COMPENDIUM,
                        "--record", rec, "--batch", "-o", "/dev/null", "--", "sh", "-c", script],
                       cwd=tmp, capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "recording on %s: %s" % (host, r.stderr))
    js = subprocess.run([COMPENDIUM, "--replay", rec, "--json"], capture_output=True, text=True).stderr
    return rec, json.loads(js.splitlines()[-1])


def case_merged(cols=100, rows=40):
    """--replay A B: two recordings made on hosts alpha and beta (with
    ptrace, both in pid namespaces of their own: the same pids) in one
    view: every lane and event row says host:pid, the header names both
    recordings, the Processes view counts each one's processes, and the
    events are all there, in time order."""
    if os.geteuid() != 0 or subprocess.run(["unshare", "-u", "-p", "-f", "--mount-proc", "true"],
                                           capture_output=True).returncode != 0:
        print("SKIP: merged: needs root and unshare (host names of its own)")
        return
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("merged%d" % cols, cols, rows)
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            fa = pool.submit(record_on_host, tmp, "alpha", "a",
                             "cat /etc/hostname >/dev/null; sleep 0.6; echo hi > a.out")
            time.sleep(0.2)
            fb = pool.submit(record_on_host, tmp, "beta", "b",
                             "sleep 0.1; cat /etc/passwd >/dev/null; echo b > b.out")
            (ra, sa), (rb, sb) = fa.result(), fb.result()
        want = sorted(["alpha:%d" % q["pid"] for q in sa["processes"]] +
                      ["beta:%d" % q["pid"] for q in sb["processes"]])
        if not KERNEL:
            check(sa["processes"][0]["pid"] == sb["processes"][0]["pid"],
                  "both roots have the same pid in their namespaces")
        run_cmd(p, "%s --no-mouse --replay %s %s" % (COMPENDIUM, ra, rb))
        s = p.wait(r"REPLAY ended: exit 0", 15)
        p.shot("merged-%dx%d" % (cols, rows))
        check(re.search(r"^ alpha: sh  beta: sh  ", header(s)),
              "the header names both recordings", s)
        check(re.search(r"\bev(?:ents)? %d\b" % (sa["events"] + sb["events"]), header(s)),
              "every event of both (%d + %d)" % (sa["events"], sb["events"]), s)
        lanes = sorted(re.findall(r"^[>▸ ]?((?:alpha|beta):\d+) ", "\n".join(region(s, "Swimlane")), re.M))
        check(lanes == want, "a lane per process of both hosts: %r, want %r" % (lanes, want), s)
        rows_ = "\n".join(region(s, "Events"))
        check(re.search(r"^\+\d\.\d{3}s beta:\d+ ", rows_, re.M) and
              re.search(r"^\+\d\.\d{3}s alpha:\d+ ", rows_, re.M),
              "event rows of both hosts say host:pid", s)
        times = [float(t) for t in re.findall(r"^\+(\d+\.\d{3})s ", rows_, re.M)]
        check(times == sorted(times), "the rows are in time order", s)
        # beta began 0.2 s after alpha: its files show later on the merged clock
        p.keys("t")
        s = p.wait(r"^ Processes")
        check(re.search(r"%d processes \(alpha %d, beta %d\)" % (
            len(want), len(sa["processes"]), len(sb["processes"])), s),
            "the Processes view counts each recording's processes", s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_merged_big():
    """The same at 200x60."""
    case_merged(200, 60)


CASES.update({"merged": case_merged, "merged_big": case_merged_big})


# ---- strings a traced program made, and the words for how it ended ----

HOSTILE = os.path.join(TRACEE_DIR, "hostile_names")
# (text to search for, the name as the UI must show it) of each file made
HOSTILE_NAMES = [
    ("+0.000s", "x\\x0d+0.000s file  open /etc/hostname (read)"),
    ("bs_abc", "bs_abcdef\\x08\\x08\\x08\\x08\\x08\\x08XYZ"),
    ("nl_a", "nl_a\\x0ab"),
    ("c1raw_", "c1raw_\\x9b31m"),
    ("c1utf_", "c1utf_\\u{009B}31m"),
    ("bidi_", "bidi_\\u{202E}txt.exe"),
    ("caf", "caf\u00e9_\u4e2d.txt"),
]
# C0, DEL, C1, bidi and format characters: none may reach the screen
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e"
                       "\u2060-\u206f\ufeff\ufff9-\ufffb]")


def path_in_row(want, line):
    """Whether a list row shows the path want: whole, or cut in its middle
    (a start of it, the mark, its last component whole)."""
    if want in line:
        return True
    at = line.find("\u2026" + want[want.rindex("/"):])
    start = line.find(want[:8])
    return 0 <= start < at and want.startswith(line[start:at])


def detail_of(p, search, tmp, shown, cols):
    """Search for a row, open its details; check the list row and the details."""
    p.keys("/", "C-u")       # the prompt starts with the last search
    p.type(search)
    p.keys("Enter")
    s = p.wait(r'search: "%s"' % re.escape(search))
    want = "%s/%s" % (tmp, shown)
    row = [l for l in region(s, "Events") if l.startswith("+") and path_in_row(want, l)]
    check(row, "the list row shows %r, or its start and its name" % want, s)
    p.keys("Enter")
    s = p.wait(r"Event details")
    obj = [l for l in s.split("\n") if l.startswith(" Object:")]
    check(len(obj) == 1 and obj[0].rstrip().endswith(want[-(cols - 16):]),
          "the details show Object: ...%r on one line" % want[-(cols - 16):], s)
    p.keys("Escape")
    p.wait(r"Event details", absent=True)


def case_hostile_names(cols=80, rows=24):
    """Control, C1, bidi characters in file, program, argument and peer names
    show as \\xNN / \\u{XXXX} in the header, lanes, rows, details and views; no fake row."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("names%d" % cols, cols, rows)
    try:
        shutil.copy(HOSTILE, os.path.join(tmp, "run\rme\x1b[7m"))
        run_cmd(p, "cd %s && %s --no-mouse -- ./run*me* %s \"$(printf 'arg\\nX')\" "
                "\"$(printf '\\342\\200\\256rev')\"" % (tmp, COMPENDIUM, tmp))
        p.wait(r"procs 1 \(0 live\)", 15)
        s = p.wait(r"^\+\S+ proc  exit 0\s*$", 5)      # the last row
        size = "%dx%d" % (cols, rows)
        p.shot("names-" + size)
        full = " run\\x0dme\\x1b[7m %s arg\\x0aX \\u{202E}rev" % tmp
        shown = header(s)[:header(s).find("  ")]
        check(full.startswith(shown) and len(shown) >= 8 and (cols < 160 or shown == full),
              "the header shows the command with escapes (%r)" % full, s)
        for l in s.split("\n"):
            check(not FORBIDDEN.search(l), "no control character on screen: %r" % l, s)
            check(not re.match(r"\+0\.000s file  open /etc/hostname", l), "no fake row", s)
        lanes = [l for l in region(s, "Swimlane") if l.strip()]
        check(len(lanes) == 1 and re.match(r"\d+ run\\x0dme", lanes[0]), "the lane label", s)
        ev = [l for l in region(s, "Events") if l.strip()]
        check(any(re.search(r"net\s+connect unix (→|->) @cmp\\x1b\[31m\\x0a", l) for l in ev),
              "the connect row shows the abstract name", s)
        for search, shown in HOSTILE_NAMES:
            detail_of(p, search, tmp, shown, cols)
        s = p.keys("Home", until=r"proc\s+exec \./run")
        for l in s.split("\n"):
            check(not FORBIDDEN.search(l), "no control character on screen: %r" % l, s)
            check(not re.match(r"\+0\.000s file  open /etc/hostname", l), "no fake row", s)
        ev = [l for l in region(s, "Events") if l.strip()]
        check(ev and re.search(r"proc\s+exec \./run\\x0dme\\x1b\[7m %s arg\\x0aX" % re.escape(tmp),
                               ev[0]), "the exec row shows argv with escapes", s)
        p.keys("f")
        s = p.wait(r"^ Files")
        files = "\n".join(table(s))
        for _, shown in HOSTILE_NAMES:   # (a long path loses its middle, not its name)
            check(shown[-10:] in files, "the files view shows %r" % shown[-10:], s)
        p.keys("t")
        s = p.wait(r"^ Processes")
        want = "run\\x0dme\\x1b[7m"[:9 if cols < 100 else 16]
        check(re.search(r"\d+ %s.*\sexit 0\s*$" % re.escape(want), table(s)[0]),
              "the process tree shows the name with escapes", s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_hostile_names_big():
    """The same at 160x50."""
    case_hostile_names(160, 50)


def case_exit_words():
    """A death by SIGTERM is worded the same in --batch lines, the list, the
    details, the header and the process tree."""
    cmd = "kill -TERM $$"
    out = tempfile.mkstemp(prefix="ctui.")[1]
    p = Pane("words", 100, 30)
    try:
        subprocess.run([COMPENDIUM, "--batch", "-o", out, "--", "sh", "-c", cmd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        with open(out, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        events = [re.sub(r"^\[\+\S+\] ", "", l) for l in lines if l.startswith("[+")]
        words = events[-1] if events else ""
        check(words == "killed by SIGTERM", "--batch words the death %r" % words, "\n".join(lines))
        check("Ended: killed by SIGTERM" in lines, "FINAL: Ended: killed by SIGTERM", "\n".join(lines))
        run_cmd(p, "%s --no-mouse -- sh -c '%s'" % (COMPENDIUM, cmd))
        s = p.wait(r"\A[^\n]*  killed by SIGTERM  ", 15)
        ev = [l for l in region(s, "Events") if l.strip()]
        check(ev and re.search(r"proc\s+%s\s*$" % words, ev[-1]), "the list row says %r" % words, s)
        p.keys("End", "Enter")
        s = p.wait(r"Event details")
        check(re.search(r"^ Event:\s+%s\s*$" % words, s, re.M), "the details say %r" % words, s)
        check(re.search(r"^ Ended:\s+%s\s*$" % words, s, re.M), "Ended: %r" % words, s)
        p.keys("Escape")
        p.keys("t")
        s = p.wait(r"^ Processes")
        check(re.search(r"\d+ sh\s.*\s%s\s*$" % words, table(s)[0]), "the tree says %r" % words, s)
        p.keys("q")
        p.wait(r"EXIT=143", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        os.unlink(out)


def case_deletes_renames():
    """A rename and a delete (one that failed too) read in the list as in the
    --batch lines; the details name both paths of the rename."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    cmd = "cd %s && echo x > a && mv a b && rm b; rmdir nope" % tmp
    want = ["rename %s/a → %s/b" % (tmp, tmp), "delete %s/b" % tmp,
            "delete %s/nope (dir) failed: ENOENT" % tmp]
    p = Pane("deletes", 100, 30)
    try:
        run_cmd(p, "%s --no-mouse -- sh -c '%s'" % (COMPENDIUM, cmd))
        p.wait(r"\A[^\n]*  exit 1  ", 15)
        p.keys("F4")
        p.wait(r"Filter: Space toggles")
        p.keys("t")
        p.wait(r"Filter text:")
        p.type("type:rename | type:delete")
        p.keys("Enter")
        p.keys("Escape")
        s = p.wait(r"Events: 3 of \d+ shown")
        ev = [re.sub(r"^\+\S+ \d+\s+file\s+", "", l).rstrip() for l in region(s, "Events")
              if l.strip()]
        check(len(ev) == len(want) and all(re.fullmatch(re.escape(w) + DUR, r)
                                           for w, r in zip(want, ev)),
              "the list rows are %r (each with its duration, where measured)" % want, s)
        p.keys("/", "C-u")
        p.type("rename")
        p.keys("Enter")
        p.wait(r'search: "rename"')
        p.keys("Enter")
        s = p.wait(r"Event details")
        for line in ("Event:    " + want[0], "Type:     rename (file)", "Object:   %s/a" % tmp,
                     "New path: %s/b" % tmp):
            check(re.search(r"^ %s\s*$" % re.escape(line), s, re.M), "the details say %r" % line, s)
        p.keys("Escape")
        p.wait(r"Event details", absent=True)
        p.keys("q")
        p.wait(r"EXIT=1", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


CASES.update({"hostile_names": case_hostile_names, "hostile_names_big": case_hostile_names_big,
              "exit_words": case_exit_words, "deletes_renames": case_deletes_renames})


NETNAMES = os.path.join(TRACEE_DIR, "netnames")


def case_names(cols=80, rows=24):
    """Names for peers and UDP flows: a program in its own mount namespace
    finds myhosts.test at 127.0.0.2 in a hosts file bind-mounted there; the
    event list shows the connect by that name (and host: finds it), the
    connections view shows the name and the two UDP flows with their bytes."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    with open(os.path.join(tmp, "hosts"), "w") as f:
        f.write("127.0.0.1 localhost\n127.0.0.2 myhosts.test\n")
    cmd = "mount --bind %s/hosts /etc/hosts && exec %s myhosts.test" % (tmp, NETNAMES)
    size = "%dx%d" % (cols, rows)
    p = Pane("names%d" % cols, cols, rows)
    try:
        if os.geteuid() != 0:
            raise Fail("needs root (unshare -m)")
        run_cmd(p, "%s --no-mouse -- unshare -m sh -c '%s'" % (COMPENDIUM, cmd))
        p.wait(r"\A[^\n]*  exit 0  ", 15)
        p.keys("F4")
        p.wait(r"Filter: Space toggles")
        p.keys("t")
        p.wait(r"Filter text:")
        p.type("host:myhosts.test")
        p.keys("Enter")
        p.keys("Escape")
        s = p.wait(r"Events: \d+ of \d+ shown")
        ev = [l for l in region(s, "Events") if l.strip()]
        conn = [l for l in ev if re.search(r"connect tcp4 → myhosts\.test \(127\.0\.0\.2\):\d+", l)]
        check(len(conn) == 1, "one connect row to myhosts.test (127.0.0.2)", s)
        sends = [l for l in ev if re.search(r"send 100 B → myhosts\.test \(127\.0\.0\.2\)", l)]
        check(sends, "its 100 bytes sent, named too", s)
        check(all("myhosts.test" in l for l in ev), "host: shows only that peer's rows", s)
        p.shot("names-events-" + size)
        p.keys("F4")
        p.wait(r"Filter: Space toggles")
        p.keys("t")
        p.wait(r"Filter text:")
        p.keys("C-u")
        p.keys("Enter")
        p.keys("Escape")
        p.keys("c")
        s = p.wait(r"^ Connections .* 1 rows?")
        rows_ = table(s)
        check(re.search(r"^myhosts\.test \(127\.0\.0\.2\):\d+\s+tcp4 out\s+\d+\s+100 B\s+40 B", rows_[0])
              or (cols < 100 and re.search(r"^myhosts\.test \(127\.0\.0\.2\)\S*\s+tcp4 out\s+\d+\s+100 B\s+40 B",
                                           rows_[0])),
              "the connection is myhosts.test (127.0.0.2), 100 B sent, 40 B received", s)
        p.keys("a")
        s = p.wait(r"^ Connections .* 4 rows")
        rows_ = table(s)
        flows = [r for r in rows_ if "udp4 flow" in r]
        check(len(flows) == 2, "two UDP flows listed", s)
        check(any(re.search(r"^localhost \(127\.0\.0\.1\)\S*\s+udp4 flow\s+\d+\s+60 B\s+7 B", r)
                  for r in flows) and
              any(re.search(r"^localhost \(127\.0\.0\.1\)\S*\s+udp4 flow\s+\d+\s+7 B\s+60 B", r)
                  for r in flows), "the flows: 60 B out 7 in, 7 out 60 in, to localhost", s)
        p.shot("names-conns-" + size)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_names_big():
    case_names(200, 60)


CASES.update({"names": case_names, "names_big": case_names_big})


def kernel_off():
    """Why --engine kernel cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "needs root"
    r = subprocess.run([COMPENDIUM, "--engine", "kernel", "--batch", "-o", "/dev/null", "--",
                        "true"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        return r.stderr.strip().split("\n")[-1] or "exit %d" % r.returncode
    return None


def demo_tasks(tmp):
    """{pid: [tid...]} of the tui_demo processes run on tmp."""
    found = {}
    for name in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % name, "rb") as fh:
                argv = fh.read().split(b"\0")
            if name.isdigit() and argv[:2] == [DEMO.encode(), tmp.encode()]:
                found[int(name)] = [int(t) for t in os.listdir("/proc/%s/task" % name)]
        except OSError:
            pass
    return found


def task_states(tasks):
    """One-letter states of every task (gone ones left out)."""
    states = []
    for pid, tids in tasks.items():
        for tid in tids:
            try:
                with open("/proc/%d/task/%d/stat" % (pid, tid)) as fh:
                    text = fh.read()
                states.append(text[text.rindex(")") + 2])
            except OSError:
                pass
    return states


def cgroup2_of(pid):
    """pid's group on the cgroup2 hierarchy (as /proc/PID/cgroup says), or None."""
    with open("/proc/%d/cgroup" % pid) as fh:
        rel = [l.strip()[3:] for l in fh if l.startswith("0::")]
    return rel[0] if rel else None


def parent_of(pid):
    """pid's parent process."""
    with open("/proc/%d/stat" % pid) as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])


def cgroup_frozen(pid):
    """The 'frozen' value of the cgroup2 group of pid (None outside one)."""
    rel = [cgroup2_of(pid)] if cgroup2_of(pid) is not None else []
    with open("/proc/self/mounts") as fh:
        mnt = [l.split()[1] for l in fh if l.split()[2] == "cgroup2"]
    if not rel or not mnt or rel[0] == "/":
        return None
    with open(os.path.join(mnt[0] + rel[0], "cgroup.events")) as fh:
        return {l.split()[0]: l.split()[1] for l in fh}.get("frozen")


# Run the rest of the command line where no cgroup2 is mounted (a mount namespace).
NO_CGROUP2 = ("for m in $(awk '$3 == \"cgroup2\" { print $2 }' /proc/self/mounts); "
              "do umount -l \"$m\" || exit 99; done; exec \"$@\"\n")


def kernel_pause(how):
    """F5/p under --engine kernel: every traced task held (how: "cgroup", the
    group frozen; "SIGSTOP", every task in state T), the header and the
    footer say so and how, the program's ticks stop; F5 again lets every
    task run and the ticks go on."""
    why = kernel_off()
    if why:
        print("SKIP: kernel engine unavailable here (%s)" % why)
        return
    wrap = ""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    if how == "SIGSTOP":
        if not shutil.which("unshare"):
            print("SKIP: no unshare (util-linux): the run without cgroup2 is left out")
            return
        with open(os.path.join(tmp, "nocg.sh"), "w") as fh:
            fh.write(NO_CGROUP2)
        wrap = "unshare -m sh %s/nocg.sh " % tmp
    p = Pane("kpause" + how[:3], 100, 30)
    held_words = {"cgroup": "TRACEE FROZEN (cgroup)", "SIGSTOP": "TRACEE STOPPED (SIGSTOP)"}[how]
    try:
        p.type("cd %s && %s%s --engine kernel -- %s %s 400; echo EXIT=$?"
               % (tmp, wrap, COMPENDIUM, DEMO, tmp))
        p.keys("Enter")
        s = p.wait(r"^tick [3-9]", 15)
        tasks = demo_tasks(tmp)
        check(len(tasks) == 2 and sum(map(len, tasks.values())) == 3,
              "two demo processes, three tasks: %r" % tasks, s)
        root = min(tasks)
        tracer_group = cgroup2_of(parent_of(root))
        check(cgroup2_of(root) == tracer_group,
              "running, the demo is in compendium-tui's own group (%r), not %r"
              % (tracer_group, cgroup2_of(root)), s)
        s = p.keys("p", until=re.escape(held_words))
        check(re.search(r"^ ?Traced program %s" % ("frozen in its cgroup" if how == "cgroup"
                                                   else "stopped by SIGSTOP"), s, re.M),
              "the footer says how the program is held", s)
        if how == "cgroup":
            # (every task frozen, in a group of the demo's own)
            held = lambda: cgroup2_of(root) != tracer_group and cgroup_frozen(root) == "1"  # noqa: E731
        else:
            # (the child ends after 10 ticks: it may be a zombie by now)
            held = lambda: set(task_states(tasks)) - {"Z", "X"} == {"T"}   # noqa: E731
        end = time.time() + 5
        while not held() and time.time() < end:
            time.sleep(POLL)
        check(held(), "every task held (%s): states %r, frozen %r" %
              (how, task_states(tasks), cgroup_frozen(root)), s)
        t1 = last_tick(p.screen())
        time.sleep(1.0)     # five ticks' time: none may come
        s = p.screen()
        t2 = last_tick(s)
        check(t1 == t2 and t1 > 0 and held(), "ticks halt while held (%d -> %d)" % (t1, t2), s)
        p.shot("kernel-held-" + how)
        p.keys("F5", gone=re.escape(held_words))
        s = p.wait(when("a tick after %d" % t2, lambda s: last_tick(s) > t2))
        check(" running" in header(s) and not held() and "T" not in task_states(tasks),
              "every task runs again: states %r, frozen %r" %
              (task_states(tasks), cgroup_frozen(root)), s)
        check(cgroup2_of(root) == tracer_group,
              "running again, the demo is back in compendium-tui's group %r, not %r"
              % (tracer_group, cgroup2_of(root)), s)
        p.keys("Tab")                 # end the ticks: q typed into the program
        p.keys("i")
        p.wait(r"TYPING INTO THE PROGRAM")
        p.type("q")
        p.keys("Enter")
        p.keys("C-]")
        p.wait(r"\A[^\n]*  exit 0  ", 20)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        assert_sane_terminal(p)
        if how == "SIGSTOP":
            held_tree(p, wrap)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def tree_tasks(token):
    """{(pid, tid): (state, wchan)} of tests/tracees/killtree TOKEN's live tasks."""
    found = {}
    for name in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % name, "rb") as fh:
                argv = fh.read().split(b"\0")
            if not name.isdigit() or argv[:2] != [KILLTREE.encode(), token.encode()]:
                continue
            for tid in os.listdir("/proc/%s/task" % name):
                with open("/proc/%s/task/%s/stat" % (name, tid)) as fh:
                    text = fh.read()
                state, wchan = text[text.rindex(")") + 2], ""
                if state == "D":    # (where it waits matters only there)
                    with open("/proc/%s/task/%s/wchan" % (name, tid)) as fh:
                        wchan = fh.read()
                found[(int(name), int(tid))] = (state, wchan)
        except OSError:
            pass
    return {k: v for k, v in found.items() if v[0] not in "ZX"}


def kill_token(token):
    """SIGKILL every process whose argv has token (what a failed case left)."""
    for name in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % name, "rb") as fh:
                if name.isdigit() and token.encode() in fh.read().split(b"\0"):
                    os.kill(int(name), 9)
        except OSError:
            pass


def held_tree(p, wrap):
    """F5 without a freezer on killtree (forks in flight, a vfork parent, a
    child stopped by itself, 4200 sleepers), three times, seconds apart: every task stops, those forked as it
    came too (the vfork parent waits in the kernel for its stopped child);
    F5 again continues every process but the one that stopped itself."""
    token = "kpause-%d" % os.getpid()
    p.clear()
    try:
        held_tree_rounds(p, wrap, token)
    finally:
        kill_token(token)


def held_tree_rounds(p, wrap, token):
    """held_tree's run of killtree TOKEN."""
    # (4200 more sleepers: more processes than one batch of signals used to reach;
    # the sanitized suite leaves them to the unsanitized one: there the run
    # sometimes ended at once, exit 0, for a cause not found)
    extra = 0 if os.environ.get("COMPENDIUM_SANITIZED") else 4200
    p.type("%s%s --engine kernel -- %s %s %d; echo EXIT=$?"
           % (wrap, COMPENDIUM, KILLTREE, token, extra))
    p.keys("Enter")
    p.wait(r"killtree: ready", 15)
    for n in range(3):
        if n:
            time.sleep(3)   # (the forkers' flood grows: F5 must still be heard)
        s = p.keys("p", until=re.escape("TRACEE STOPPED (SIGSTOP)"))

        def running():
            return {k: v for k, v in tree_tasks(token).items()
                    if v[0] != "T" and not (v[0] == "D" and v[1] == "kernel_clone")}
        # (one look at thousands of tasks takes seconds here while the
        # forkers run: each look is kept for the check and its message)
        end = time.time() + 5
        left = running()
        while left and time.time() < end:
            time.sleep(POLL)
            left = running()
        if left:
            check(False, "round %d: %d of %d tasks not stopped, among them %r"
                  % (n + 1, len(left), len(tree_tasks(token)), sorted(left.items())[:8]), s)
        s = p.keys("F5", gone=re.escape("TRACEE STOPPED (SIGSTOP)"))

        def stopped():
            return {pid for (pid, tid), v in tree_tasks(token).items() if v[0] == "T"}
        end = time.time() + 5
        still = stopped()
        while len(still) != 1 and time.time() < end:
            time.sleep(POLL)
            still = stopped()
        check(len(still) == 1, "round %d: after F5 stopped: %r (only the child that "
              "stopped itself may be)" % (n + 1, still), s)
    p.keys("q")
    p.wait(r"Kill it and quit\? \[y/N\]")
    p.keys("y")
    p.wait(r"EXIT=137", 60)   # (the view takes in every record first: thousands of forks)
    left = tree_tasks(token)
    check(not left, "the tree is gone after the kill: %r" % left)


def case_kernel_pause():
    """--engine kernel: F5/p freezes the program's cgroup, the header says
    "TRACEE FROZEN (cgroup)", the ticks stop; F5 thaws it (skipped without root)."""
    kernel_pause("cgroup")


def case_kernel_pause_sigstop():
    """--engine kernel without cgroup2: F5/p stops every task with SIGSTOP (state T),
    the header says "TRACEE STOPPED (SIGSTOP)"; F5 continues them; so too on a forking
    tree, whose self-stopped child stays stopped (skipped without root)."""
    kernel_pause("SIGSTOP")


def case_pause_calls():
    """A sleep cut short by p and F5 is still one clock_nanosleep, no error, and
    no restart_syscall: the program never saw the hold (the kernel engine
    counts every call; ptrace with -v)."""
    p = Pane("pausecalls", 100, 50)
    try:
        run_cmd(p, "%s --no-mouse %s -- sleep 2" % (COMPENDIUM, "" if KERNEL else "-v"))
        p.wait(r"\A[^\n]* running ")
        time.sleep(0.5)     # (sleep is asleep by now)
        p.keys("p", until=HELD)
        time.sleep(0.5)
        p.keys("F5", gone=HELD)
        p.wait(r"\A[^\n]*  exit 0  ", 15)
        p.keys("s")
        s = p.wait(r"^ Syscalls .* all processes")
        rows = table(s)
        sleeps = [r for r in rows if r.startswith("clock_nanosleep ")]
        check(len(sleeps) == 1 and re.match(r"clock_nanosleep\s+1\s+0\s", sleeps[0]),
              "the sleep cut short is one clock_nanosleep, no error", s)
        check(not any(r.startswith("restart_syscall ") for r in rows),
              "no restart_syscall row", s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
    finally:
        p.close()


CASES.update({"kernel_pause": case_kernel_pause, "kernel_pause_sigstop": case_kernel_pause_sigstop,
              "pause_calls": case_pause_calls})



# ---- colours ----

XTERM8 = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
          (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
          (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]


def rgb_of(colour):
    """The xterm palette's red, green, blue of colour index 0..255."""
    if colour < 16:
        return XTERM8[colour]
    if colour >= 232:
        v = 8 + 10 * (colour - 232)
        return (v, v, v)
    lv = [0, 95, 135, 175, 215, 255]
    c = colour - 16
    return (lv[c // 36], lv[c // 6 % 6], lv[c % 6])


def contrast(a, b):
    """WCAG contrast ratio of two colours given as (r, g, b)."""
    def lum(c):
        ch = [v / 255 for v in c]
        ch = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]
    la, lb = sorted([lum(a), lum(b)])
    return (lb + 0.05) / (la + 0.05)


def sgr_cells(screen):
    """The cells of a capture-pane -e screen: per line, a list of (char, fg,
    bg, reverse), fg and bg a colour index or None for the default."""
    rows = []
    fg = bg = None
    rev = False
    for line in screen.split("\n"):
        cells = []
        i = 0
        while i < len(line):
            m = re.match(r"\x1b\[([0-9;]*)m", line[i:])
            if not m:
                cells.append((line[i], fg, bg, rev))
                i += 1
                continue
            i += m.end()
            codes = [int(c) if c else 0 for c in m.group(1).split(";")]
            k = 0
            while k < len(codes):
                c = codes[k]
                if c == 0:
                    fg = bg = None
                    rev = False
                elif c == 7:
                    rev = True
                elif c == 27:
                    rev = False
                elif 30 <= c <= 37:
                    fg = c - 30
                elif 90 <= c <= 97:
                    fg = c - 90 + 8
                elif c == 39:
                    fg = None
                elif 40 <= c <= 47:
                    bg = c - 40
                elif 100 <= c <= 107:
                    bg = c - 100 + 8
                elif c == 49:
                    bg = None
                elif c in (38, 48) and k + 2 < len(codes) and codes[k + 1] == 5:
                    if c == 38:
                        fg = codes[k + 2]
                    else:
                        bg = codes[k + 2]
                    k += 2
                k += 1
        rows.append(cells)
    return rows


def colour_at(cells, line, text):
    """(fg, bg) of the first cell of text's first appearance on a line that matches line."""
    for row in cells:
        s = "".join(c[0] for c in row)
        if re.search(line, s) and text in s:
            c = row[s.index(text)]
            return (c[1], c[2])
    raise Fail("no line %r with %r" % (line, text))


def case_colors(cols=80, rows=24):
    """With 8 and with 256 colours, every foreground drawn on the terminal's
    own background reads on black and on white (no dark blue, no yellow);
    the categories' colours are the chosen ones."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("colors%d" % cols, cols, rows)
    want = {  # category: (its name's fg, bg), (its row's text fg, bg)
        "xterm": {"file": ((0, 6), (None, None)), "proc": ((0, 2), (None, None))},
        "xterm-256color": {"file": ((32, None), (32, None)), "proc": ((28, None), (28, None))},
    }
    try:
        for term in ("xterm", "xterm-256color"):
            p.clear()
            p.type("cd %s && TERM=%s %s --no-mouse -- %s %s 8; echo EXIT=$?" %
                   (tmp, term, COMPENDIUM, DEMO, tmp))
            p.keys("Enter")
            p.wait(r"EXIT=0|exit 0  ", 15)
            for cat, (name, text) in want[term].items():
                word = {"file": "open /", "proc": "exec /"}[cat]
                p.keys("/", "C-u")
                p.type(word)
                p.keys("Enter", until=r'search: "%s"' % word)
                p.shot("colors-%s-%s-%dx%d" % (term, cat, cols, rows))
                cells = sgr_cells(p.screen(attrs=True))
                line = r"^\+\d+\.\d+s.* %s\s+%s" % (cat, word)
                check(colour_at(cells, line, cat) == name, "%s: the %s name is drawn in %r" %
                      (term, cat, name), p.screen())
                check(colour_at(cells, line, word) == text,
                      "%s: a %s row's text is drawn in %r" % (term, cat, text), p.screen())
            used = set()
            for row in cells:
                for ch, fg, bg, rev in row:
                    if ch.strip() and not rev and bg is None and fg is not None:
                        used.add(fg)
            for fg in sorted(used):
                worst = min(contrast(rgb_of(fg), (0, 0, 0)), contrast(rgb_of(fg), (255, 255, 255)))
                check(worst >= 3.4, "%s: colour %d on the default background has contrast %.1f "
                      "against black or white" % (term, fg, worst), p.screen())
            check(term == "xterm" or 32 in used, "%s: the file category's colour drawn" % term,
                  p.screen())
            p.keys("q")
            p.wait(r"EXIT=0", 15)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_colors_big():
    """The same at 200x60."""
    case_colors(200, 60)


CASES["colors"] = case_colors
CASES["colors_big"] = case_colors_big



# ---- details of an exec ----

EXECENV = os.path.join(TRACEE_DIR, "execenv")


def detail_text(p):
    """Every line of the open details overlay, scrolling down to its end."""
    def body(s):
        lines = s.split("\n")
        top = [i for i, l in enumerate(lines) if l.startswith(" Event details")][0]
        end = [i for i, l in enumerate(lines) if l.startswith(" F1 Help")][-1]
        return [l[1:] for l in lines[top + 1:end]]
    s = p.screen()
    text = [l.rstrip() for l in body(s)]
    while True:   # (one line a Down; only the overlay counts: the header's clock runs on)
        try:
            s = p.keys("Down", until=when("scrolled by a line",
                                          lambda n, o=body(s): body(n)[:-1] == o[1:] and body(n) != o),
                       timeout=1.5)
        except Fail:
            return [l for l in text if l]
        text.append(body(s)[-1].rstrip())


def fd_line_ok(line, fd, link):
    """Whether a details line shows fd as /proc/PID/fd/FD's link says it is."""
    m = re.match(r"^  (\d+)\s+(\S+)\s+(.*)$", line)
    if not m or int(m.group(1)) != fd:
        return False
    kind, text = m.group(2), m.group(3)
    if link.startswith("socket:"):
        return kind == "tcp4" and re.fullmatch(r"127\.0\.0\.1:\d+ (→|->) 127\.0\.0\.1:\d+", text)
    if link.startswith("pipe:"):
        return kind == "pipe" and text == link
    return text == link and kind in ("file", "chr")


def case_exec_details(cols=80, rows=24):
    """Enter on an exec: its working directory, its environment's changes
    from its parent's, the fds it inherited and what they are, as the
    program itself saw them; the same in a replay of its recording."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("execd%d" % cols, cols, rows)
    try:
        run_cmd(p, "cd %s && REMOVED=x CHANGED=old %s --no-mouse --record %s/run.rec -- %s %s" %
                (tmp, COMPENDIUM, tmp, EXECENV, tmp))
        p.wait(r"procs 2 \(0 live\)", 15)
        p.keys("/", "C-u")
        p.type("execenv child")
        p.keys("Enter", until=r'search: "execenv child"')
        p.keys("Enter", until=r"Event details")
        p.shot("exec-details-%dx%d" % (cols, rows))
        text = detail_text(p)
        exec_lines = [l for l in text if re.match(r"(Directory|Environment|Inherited fds|  )", l)]
        with open(os.path.join(tmp, "truth.txt")) as f:
            truth = f.read().split("\n")
        cwd = [l[4:] for l in truth if l.startswith("cwd ")][0]
        nenv = int([l[4:] for l in truth if l.startswith("env ")][0])
        fds = [(int(l.split()[1]), l.split(" ", 2)[2]) for l in truth if l.startswith("fd ")]
        all_text = "\n".join(text)
        check("Directory: %s" % cwd in text, "the details show Directory: %s" % cwd, all_text)
        check("Environment: %d variables; 3 differ from its parent's:" % nenv in text,
              "the details count %d variables, 3 changed" % nenv, all_text)
        for want in ("  + ADDED=1", "  - REMOVED=x", "  ~ CHANGED=new  (was old)"):
            check(want in text, "the details show %r" % want, all_text)
        check("Inherited fds: %d" % len(fds) in text, "the details count %d fds" % len(fds), all_text)
        at = text.index("Inherited fds: %d" % len(fds))
        for i, (fd, link) in enumerate(fds):
            check(at + 1 + i < len(text) and fd_line_ok(text[at + 1 + i], fd, link),
                  "fd %d is shown as %r" % (fd, link), all_text)
        p.keys("Escape", gone=r"Event details")
        p.keys("/", "C-u")
        p.type("execenv /")
        p.keys("Enter", until=r'search: "execenv /"')
        p.keys("Enter", until=r"Event details")
        text = detail_text(p)
        check(any(re.match(r"Environment: \d+ variables; its parent's is not known$", l)
                  for l in text), "the first program's parent environment is unknown",
              "\n".join(text))
        p.keys("Escape", gone=r"Event details")
        s = p.keys("F1", until=r"Help: keys")
        for _ in range(40):
            if re.search(r"Enter +details of the event \(an exec: cwd, env changes, fds\)\s*$", s, re.M):
                break
            s = p.keys("Down")
        check(re.search(r"Enter +details of the event \(an exec: cwd, env changes, fds\)\s*$", s, re.M),
              "the help says what an exec's details show, whole", s)
        p.keys("Escape", gone=r"Help: keys")
        p.keys("q")
        p.wait(r"EXIT=0", 10)
        p.clear()
        run_cmd(p, "%s --no-mouse --replay %s/run.rec" % (COMPENDIUM, tmp))
        p.keys("]", "]", "]", "]")   # (all at once)
        p.wait(r"REPLAY ended", 15)
        p.keys("/", "C-u")
        p.type("execenv child")
        p.keys("Enter", until=r'search: "execenv child"')
        p.keys("Enter", until=r"Event details")
        again = [l for l in detail_text(p) if re.match(r"(Directory|Environment|Inherited fds|  )", l)]
        check(again == exec_lines, "the replay shows the same exec details", "\n".join(again))
        p.keys("Escape", gone=r"Event details")
        p.keys("q")
        p.wait(r"EXIT=0", 10)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_exec_details_big():
    """The same at 200x60."""
    case_exec_details(200, 60)


def case_exec_details_quick():
    """A program that ends at once still has its exec details, taken at
    the exec itself (no engine reads them late from /proc)."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("execq", 100, 40)
    try:
        run_cmd(p, "cd %s && %s --no-mouse -- sh -c 'QUICK=yes exec true'" % (tmp, COMPENDIUM))
        p.wait(r"procs 1 \(0 live\)", 15)
        p.keys("/", "C-u")
        p.type("type:exec path:*/true")
        p.keys("Enter", until=r'search: "type:exec path:\*/true"')
        p.keys("Enter", until=r"Event details")
        text = detail_text(p)
        all_text = "\n".join(text)
        check("Directory: %s" % os.path.realpath(tmp) in text, "the details show Directory: %s" % tmp,
              all_text)
        check(any(re.fullmatch(r"Environment: \d+ variables; 1 differ from its parent's:", l)
                  for l in text) and "  + QUICK=yes" in text, "QUICK=yes was added", all_text)
        check(not any("read from /proc" in l for l in text), "taken at the exec", all_text)
        p.keys("Escape", gone=r"Event details")
        p.keys("q")
        p.wait(r"EXIT=0", 10)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


CASES["exec_details"] = case_exec_details
CASES["exec_details_big"] = case_exec_details_big
CASES["exec_details_quick"] = case_exec_details_quick



# ---- long paths ----

LONG_NAME = "libcompendium-\u65e5\u672c\u8a9e\x1b[7m.a"    # wide characters and an ESC
LONG_SHOWN = "libcompendium-\u65e5\u672c\u8a9e\\x1b[7m.a"


def width(s):
    """Columns s takes on the terminal (wide East Asian characters take two)."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def case_long_paths(cols=80, rows=24):
    """A path too long for its column loses its middle, not its file name:
    in the event list and in the files view, escapes and wide characters whole."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("paths%d" % cols, cols, rows)
    try:
        d = tmp
        for i in range(12):
            d = os.path.join(d, "directory-%02d-of-a-long-path" % i)
        os.makedirs(d)
        path = os.path.join(d, LONG_NAME)
        with open(path, "w") as f:
            f.write("hello\n")
        run_cmd(p, "cd %s && %s --no-mouse -- cat %s/directory-00*/*/*/*/*/*/*/*/*/*/*/*/libcomp*" %
                (tmp, COMPENDIUM, tmp))
        p.wait(r"procs 1 \(0 live\)", 15)
        p.keys("/", "C-u")
        p.type("libcompendium")
        s = p.keys("Enter", until=r'search: "libcompendium"')
        p.shot("paths-list-%dx%d" % (cols, rows))
        mark = "\u2026/" + LONG_SHOWN
        row = [l for l in region(s, "Events") if re.search(r"file\s+open ", l) and "libcomp" in l]
        check(row, "an open row of the file", s)
        text = row[0][re.search(r"file\s+open ", row[0]).end():].rstrip()
        check(re.search(re.escape(mark + " (read)") + r"( \([\d.]+(ns|us|ms|s)\))?$", text),
              "the open row ends with %r (and the call's duration)" % (mark + " (read)"), s)
        head = text[:text.index("\u2026")]
        check(len(head) >= 4 and path.startswith(head), "and starts with the path's start", s)
        check(width(row[0].rstrip()) <= cols, "the row fits in %d columns" % cols, s)
        for l in s.split("\n"):
            check(not FORBIDDEN.search(l), "no control character on screen: %r" % l, s)
        s = p.keys("f", until=r"^ Files")
        p.shot("paths-files-%dx%d" % (cols, rows))
        rows_ = [r for r in table(s) if "libcomp" in r]
        check(rows_ and re.search(re.escape(mark) + r"\s+1\s+6 B\s+0 B\s+6 B\s*$", rows_[0]),
              "the files view shows %r, 1 open, 6 B read" % mark, s)
        head = rows_[0][:rows_[0].index("\u2026")]
        check(len(head) >= 4 and path.startswith(head), "the files view keeps the path's start", s)
        p.keys("q")
        p.wait(r"EXIT=0", 10)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_long_paths_big():
    """The same at 200x60."""
    case_long_paths(200, 60)


CASES["long_paths"] = case_long_paths
CASES["long_paths_big"] = case_long_paths_big



# ---- durations ----

def seconds(text):
    """A duration as fmt_duration writes it ("12ns", "3.4us", "12.3ms", "1.25s") in seconds."""
    m = re.fullmatch(r"([\d.]+)(ns|us|ms|s)", text)
    return float(m.group(1)) * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[m.group(2)]


def case_durations(cols=80, rows=24):
    """A call's duration in its row and its details: cat's open of a FIFO
    that nobody opens for writing for a second waits about that long."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("dur%d" % cols, cols, rows)
    try:
        os.mkfifo(os.path.join(tmp, "slowfifo"))
        run_cmd(p, "cd %s && %s --no-mouse -- sh -c '(sleep 1; echo hi > slowfifo) & cat slowfifo'" %
                (tmp, COMPENDIUM))
        p.wait(r"procs \d+ \(0 live\)", 20)
        p.keys("/", "C-u")
        p.type("open lat>500ms")   # (selects the slow one: the writer's open comes first with some engines)
        s = p.keys("Enter", until=r'search: "open lat>500ms"')
        p.shot("durations-%dx%d" % (cols, rows))
        row = [l for l in region(s, "Events") if re.search(r"io\s+open \S*slowfifo \(read\)", l)]
        check(row, "cat's open of the FIFO is on screen", s)
        m = re.search(r"slowfifo \(read\) \(([\d.]+(?:ns|us|ms|s))\)\s*$", row[0])
        check(m, "its row ends with the call's duration", s)
        d = seconds(m.group(1))
        check(0.5 <= d <= 10, "the open waited for the writer: %.3f s" % d, s)
        s = p.keys("Enter", until=r"Event details")
        check("Duration: %s (the call, entry to exit)" % m.group(1) in s,
              "the details show the same duration", s)
        p.keys("Escape", gone=r"Event details")
        p.keys("q")
        p.wait(r"EXIT=0", 10)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def case_durations_big():
    """The same at 200x60."""
    case_durations(200, 60)


CASES["durations"] = case_durations
CASES["durations_big"] = case_durations_big

SPAWNMANY = os.path.join(TRACEE_DIR, "spawnmany")
FOLDED_TRUE = re.compile(r"^>?▸true x(\d+)\s")
TRUE_LANE = re.compile(r"^>?▾?(\d+) true\s")


def wait_file(path, timeout=60.0):
    end = time.time() + timeout
    while not os.path.exists(path):
        if time.time() > end:
            raise Fail("the program never made %s" % path)
        time.sleep(POLL)


def watch_rows(p, mark):
    """While the program runs up to the file mark: every look at the
    swimlane has its rows in place: the root first; one row of true (its
    lane, then "▸true xN" with N never going down) and one of echo, each
    staying where it first showed; below them nothing but a newborn child
    not yet exec'd.  Returns the number of looks."""
    looks, last_n, at = 0, 0, {}
    p.wait(r"^ Swimlane", 30)
    while True:
        done = os.path.exists(mark)
        screen = p.screen()
        if screen != p.screen():
            continue   # (caught in the middle of a redraw: look again)
        rows = [r for r in region(screen, "Swimlane") if r.strip()]
        if not rows and not looks and not done:
            time.sleep(POLL / 3)   # (the title is drawn, the root's first event not yet)
            continue
        looks += 1
        why = "\n".join(rows)
        check(rows and re.match(r">?\d+ spawnmany", rows[0]), "the root's row first", why)
        for i, r in enumerate(rows[1:], 1):
            m = FOLDED_TRUE.match(r)
            name = "true" if m or TRUE_LANE.match(r) else \
                "echo" if re.match(r">?(▸echo x\d+|\d+ echo)\s", r) else None
            if name is None:
                check(re.match(r">?\d+ spawnmany\s", r) and i == len(rows) - 1,
                      "no other row but a child before its exec, last: %r" % r, why)
                continue
            check(at.setdefault(name, i) == i, "the row of %s stays in row %d" % (name, at[name]), why)
            if name == "true":
                n = int(m.group(1)) if m else 1
                check(n >= last_n, "true's count never goes down (%d then %d)" % (last_n, n), why)
                last_n = n
        if done:
            return looks
        time.sleep(POLL / 3)


def labels(screen):
    return [r[:12] for r in region(screen, "Swimlane")]


def settle(p):
    """Wait until every row of the swimlane is drawn: its labels the same
    in three looks running."""
    looks = [None, None, None]
    while not (looks[0] == looks[1] == looks[2] and looks[0] is not None):
        looks = looks[1:] + [labels(p.screen())]
        time.sleep(POLL)


def cursor_row(screen):
    m = re.search(r"^>.*$", screen, re.M)
    return m.group(0) if m else None


def lane_pids(p):
    """The pids of the true lanes of the opened group: PgDn from the first
    row of the swimlane to its last (▸echo x3); the cursor ends there."""
    p.keys("Home", until=r"^>\d+ spawnmany")
    seen = set()
    for _ in range(400):
        settle(p)
        s = p.screen()
        for r in region(s, "Swimlane"):
            m = TRUE_LANE.match(r)
            if m:
                seen.add(m.group(1))
        cur = cursor_row(s)
        if re.match(r">▸echo x3\s", cur):
            return seen
        p.keys("PageDown", until=when("the cursor moved", lambda t: cursor_row(t) != cur))
    raise Fail("PgDn never reached the last row")


def case_fold(cols=80, rows=24):
    """150 runs of /bin/true under one parent share one lane "▸true x150",
    checked while they run; Right opens it into 150 lanes, which stays open
    while more come; Left folds it; Enter opens it too; Right elsewhere pans."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("fold%d" % cols, cols, rows)
    try:
        run_cmd(p, "cd %s && %s --no-mouse -- %s %s 150 3" % (tmp, COMPENDIUM, SPAWNMANY, tmp))
        looks = watch_rows(p, os.path.join(tmp, "half"))

        def halfway(screen):
            rows_ = [r for r in region(screen, "Swimlane") if r.strip()]
            m = len(rows_) == 3 and FOLDED_TRUE.match(rows_[1])
            return bool(re.search(r"^ Swimlane 79\+0 ", screen, re.M) and m and
                        m.group(1) == "75" and re.match(r"▸echo x3\s", rows_[2]))

        # (one look can catch the title redrawn and the rows not yet: a
        # distcheck under ASan saw "79+0" over "▸true x71"; the program
        # waits here, so the view must come to it)
        s = p.wait(when("halfway: the root, ▸true x75 and ▸echo x3 (%d looks while they ran)"
                        % looks, halfway), 10)
        p.keys("BTab", until=r"^>")
        p.keys("Home", until=r"^>\d+ spawnmany")
        p.keys("Down", until=r"^>▸true x75")
        s = p.keys("Right", until=r"^>▾\d+ true")
        pids = lane_pids(p)
        check(len(pids) == 75, "Right opened 75 lanes of true (%d)" % len(pids), p.screen())
        open(os.path.join(tmp, "go"), "w").close()
        # more come while it is open: it stays open, a lane each
        watch_open(p, os.path.join(tmp, "done"))
        s = p.wait(r"^ Swimlane 154\+0 ")
        pids = lane_pids(p)
        check(len(pids) == 150, "the opened group has 150 lanes (%d)" % len(pids), s)
        p.keys("Up", until=r"^>▾\d+ true")
        s = p.keys("Left", until=r"^>▸true x150\s")
        rows_ = [r for r in region(s, "Swimlane") if r.strip()]
        check(len(rows_) == 3 and re.match(r"▸echo x3\s", rows_[2]), "Left folded the 150 again", s)
        s = p.keys("Enter", until=r"^>▾\d+ true")
        pids = lane_pids(p)
        check(len(pids) == 150, "Enter opened the 150 again (%d)" % len(pids), p.screen())
        p.keys("Up", until=r"^>▾\d+ true")
        p.keys("Left", until=r"^>▸true x150\s")
        s = p.keys("Up", until=r"^>\d+ spawnmany")
        t0 = re.search(r"^ Swimlane \S+\s+(\S+)", s, re.M).group(1)
        s = p.keys("Right", until=when("the time axis panned", lambda t: re.search(
            r"^ Swimlane \S+\s+(\S+)", t, re.M).group(1) != t0))
        check(re.search(r"^>\d+ spawnmany", s, re.M), "Right on a lane of its own pans", s)
        # the process tree folds the same way (1 + 150 + 3 processes)
        # (waited for until the rows are drawn under the title: one look
        # in a distcheck had the title's "3 rows" and no row yet)
        def tree(screen):
            if not re.search(r"^ Processes .* 3 rows", screen, re.M):
                return False
            try:
                rows_ = table(screen)
            except Fail:
                return False   # (not drawn yet)
            return bool(len(rows_) == 3 and re.search(r"▸true x150 .*all exited", rows_[1]) and
                        re.search(r"▸echo x3 .*all exited", rows_[2]))

        p.keys("t", until=when("the tree: ▸true x150, ▸echo x3", tree))
        p.keys("Home", "Down")
        opened = lambda t: len([r for r in table(t) if re.search(r"(└─|`-)\d+ true ", r)]) == \
            len(table(t)) - 1
        # (a capture may hold the new title over the old rows: a redraw half done)
        s = p.keys("Right", until=when("the opened group's rows", lambda t: re.search(
            r"^ Processes .* 152 rows", t, re.M) and opened(t)))
        check(opened(s), "the tree's opened group: one row a true", s)
        p.keys("Down", "Down", "Left", until=r"^ Processes .* 3 rows")
        p.keys("Down")
        p.keys("Enter", until=r"^ Processes .* 5 rows")      # echo x3 opened
        p.keys("Left", until=r"^ Processes .* 3 rows")
        p.keys("Up")
        p.keys("Enter", until=r"^ Processes .* 152 rows")    # true x150 opened
        p.keys("e", until=r"^ Swimlane")
        open(os.path.join(tmp, "end"), "w").close()
        p.wait(r"\A[^\n]*  exit 0  ", 30)
        p.keys("q")
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def watch_open(p, mark):
    """Until the file mark: the opened group of true stays open (no folded
    row of true) and its lanes only grow in number."""
    last = 0
    while not os.path.exists(mark):
        s = p.screen()
        check(not re.search(r"^>?▸true x", s, re.M), "the opened group stays open", s)
        m = re.search(r"^ Swimlane (\d+)\+", s, re.M)
        n = int(m.group(1)) if m else 0
        check(n >= last, "the lane count never goes down", s)
        last = n
        time.sleep(POLL)


def case_fold_big():
    """The same at 200x60."""
    case_fold(200, 60)


CASES.update({"fold": case_fold, "fold_big": case_fold_big})


def case_diff(cols=80, rows=24):
    """--diff in a terminal: the rows that differ, > sorts, Enter shows a row's events in each run."""
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = Pane("diff", cols, rows)
    try:
        with open(os.path.join(tmp, "common.txt"), "wb") as f:
            f.write(b"c" * 100)
        with open(os.path.join(tmp, "extra.txt"), "wb") as f:
            f.write(b"e" * 40)
        recs = []
        for side in ("a", "b"):
            recs.append(os.path.join(tmp, side + ".rec"))
            subprocess.run([COMPENDIUM, "--record", recs[-1], "--batch", "-o", "/dev/null", "--",
                            os.path.join(TRACEE_DIR, "difftwo"), side, tmp],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        run_cmd(p, "cd %s && %s --diff a.rec b.rec" % (tmp, COMPENDIUM))
        s = p.wait(r"^DIFF  A: a.rec  B: b.rec")
        p.shot("diff-list")
        lines = s.split("\n")
        names = [l.split(" only in ")[0].split() for l in lines[2:rows - 1]
                 if " only in " in l and " syscall " not in l]
        cut = lambda name: name.startswith("...") and (tmp + "/" + name.split("/")[-1]).endswith(name[3:])
        check([n[:2] + [n[2].split("/")[-1]] for n in names[:2]] ==
              [["-", "file", "extra.txt"], ["+", "file", "written.txt"]] and
              all(cut(n[2]) for n in names[:2]) and
              names[2:] == [["+", "connection", "udp4", "connect", "127.0.0.1:9"]],
              "the file only in A, the file and the connection only in B: %s" % names, s)
        check(not re.search(r"difftwo\.|common\.txt", s),
              "the temporary file and the file read alike are not listed (no change)", s)
        check(lines[rows - 1].startswith("Enter events") and all(len(l) <= cols for l in lines),
              "fits %dx%d, the keys on the last line" % (cols, rows), s)
        s = p.keys(">", until=r"sorted by state up")
        signs = [l[0] for l in s.split("\n")[2:rows - 1] if l.strip()]
        check(signs == sorted(signs), "sorted by state: %s" % signs, s)
        s = p.keys(">", ">", until=r"sorted by name up")
        row = next(i for i, l in enumerate(s.split("\n")) if "/written.txt " in l)
        # the selection is on the first row: walk down to written.txt's
        for _ in range(row - 2):
            p.keys("Down")
        s = p.keys("Enter", until=r"Events of the row")
        p.shot("diff-events")
        check(re.search(r"Run A \(a.rec\): file .*/written.txt\n  \(not in this run\)", s) and
              re.search(r"Run B \(b.rec\): file .*/written.txt\n +\d+\.\d+s open .*written.txt "
                        r"\(write\)\n +\d+\.\d+s write 7 B", s),
              "Enter: written.txt's events in run B, none in A", s)
        p.keys("Escape", until=r"sorted by name")
        p.keys("q")
        s = p.wait(r"EXIT=1", 10)
        assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


CASES["diff"] = case_diff


def main():
    args = sys.argv[1:]
    if args == ["--list"]:
        print("\n".join(CASES))
        return 0
    if not shutil.which("tmux"):
        print("SKIP: tmux not found (apt-get install tmux)")
        return 77
    if not os.path.exists(DEMO):
        print("SKIP: tracee %s not built" % DEMO)
        return 77
    helptext = subprocess.run([COMPENDIUM, "--help"], capture_output=True, text=True).stdout
    if "--no-mouse" not in helptext:
        print("SKIP: %s has no terminal UI yet (no --no-mouse in --help)" % COMPENDIUM)
        return 77
    if KERNEL and kernel_off():
        print("SKIP: the kernel engine cannot run here (%s)" % kernel_off())
        return 77
    failed = 0
    # (the kernel_* cases run the kernel engine whatever COMPENDIUM_ENGINE says)
    for name in args or [c for c in CASES if not (KERNEL and c.startswith("kernel_"))]:
        t0 = time.time()
        try:
            CASES[name]()
            print("PASS: %s (%.1fs)" % (name, time.time() - t0))
        except Fail as e:
            failed += 1
            print("FAIL: %s: %s" % (name, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
