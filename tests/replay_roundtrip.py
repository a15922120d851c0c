#!/usr/bin/env python3
"""Round trip: record runs of the e2e tracees, replay them, compare.

For each case, one traced run writes a recording (--record) and its JSON
Lines output (--json -o) at the same time; then --replay of that recording
must produce byte-identical JSON Lines (every event and the summary) and
the same --batch lines as a second replay with --batch.  The live --batch
output is not compared (a run can only have one output format), but the
replayed JSON is checked against the live JSON: a recording explored later
says exactly what the live run said.

A recording replayed while it is still being written is followed to its
end: the reader waits for the program, which waits for a cue on a FIFO,
and then gives the writer's live JSON.

The same runs also go through a pipe (--record - | --replay -) and a FIFO
(--record FIFO, --replay FIFO) between two compendium-tui processes: the
reader's JSON must be the writer's live JSON, byte for byte.

Environment: COMPENDIUM (the binary), TRACEE_DIR (the tracees).  With
--engine NAME the live runs use that engine.
Exit status: 0 all agree, 1 a difference, 77 skipped.
"""
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import time

COMPENDIUM = os.environ.get("COMPENDIUM", "./compendium-tui")
TRACEE_DIR = os.environ.get("TRACEE_DIR", "tests/tracees")
TUI_DIR = os.path.join(os.path.dirname(TRACEE_DIR.rstrip("/")), "tui")


def cases(w):
    """(name, argv, extra options) of every case; w(name) is a scratch path."""
    t = lambda n: os.path.join(TRACEE_DIR, n)
    return [
        ("readfile", [t("readfile"), w("data.bin")], []),
        ("dupwrite", [t("dupwrite"), w("dup.out")], []),
        ("exitcode", [t("exitcode")], []),
        ("netpair", [t("netpair")], []),
        ("netmsg", [t("netmsg")], []),
        ("mmapper", [t("mmapper"), w("mapped.bin")], []),
        ("forkthread", [t("forkthread"), w("thread.out")], []),
        ("pipes", [t("pipes")], []),
        ("sendfile_copy", [t("sendfile_copy"), w("src.bin"), w("dst.bin")], []),
        ("signals", [t("signals")], []),
        ("threadstorm", [t("threadstorm"), w("storm"), "50"], []),
        ("tui_demo", [t("tui_demo"), w(""), "3"], []),
        ("failopen_v", [os.path.join(TUI_DIR, "failopen")], ["-v", "--all"]),
    ]


def run(args):
    r = subprocess.run([COMPENDIUM] + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120)
    return r.returncode, r.stderr


def read(path):
    with open(path) as f:
        return f.read()


def diff(a, b, la, lb):
    return "".join(list(difflib.unified_diff(a.splitlines(True), b.splitlines(True), la, lb))[:40])


def streamed(name, argv, extra, tmp, engine, how):
    """Record argv into a pipe or a FIFO (how) read by a second compendium-tui
    at the same time; None, or what differs from the writer's live JSON."""
    live, again = (os.path.join(tmp, name + "." + how + x) for x in (".live.json", ".json"))
    if how == "fifo":
        fifo = os.path.join(tmp, name + ".fifo")
        os.mkfifo(fifo)
        wsrc, rsrc, wout = fifo, fifo, subprocess.DEVNULL
    else:
        wsrc, rsrc, wout = "-", "-", subprocess.PIPE
    w = subprocess.Popen([COMPENDIUM] + engine + extra + ["--record", wsrc, "--json", "-o", live,
                                                           "--"] + argv,
                         stdin=subprocess.DEVNULL, stdout=wout, stderr=subprocess.PIPE, text=True)
    rd = subprocess.Popen([COMPENDIUM] + extra + ["--replay", rsrc, "--json", "-o", again],
                          stdin=w.stdout if how == "pipe" else subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if w.stdout:
        w.stdout.close()
    werr = w.communicate(timeout=120)[1]
    rerr = rd.communicate(timeout=120)[1]
    if rd.returncode != w.returncode:
        return "%s: exit status: writer %d (%s), reader %d (%s)" % (
            how, w.returncode, werr.strip(), rd.returncode, rerr.strip())
    a, b = read(live), read(again)
    if a != b:
        return "%s: JSON differs:\n" % how + diff(a, b, "live", "replay")
    return None


def growing(tmp, engine):
    """Replay a recording file while it is written; None, or what is wrong."""
    rec, live, again, go = (os.path.join(tmp, "growing" + x) for x in (".rec", ".live.json",
                                                                        ".json", ".go"))
    os.mkfifo(go)
    w = subprocess.Popen([COMPENDIUM] + engine + ["--record", rec, "--json", "-o", live, "--",
                                                  "sh", "-c", "read x < %s; cat /etc/hostname" % go],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    with open(go, "w") as cue:   # the program is waiting for it
        while not os.path.exists(rec) or os.path.getsize(rec) < 24:
            time.sleep(0.01)
        rd = subprocess.Popen([COMPENDIUM, "--replay", rec, "--json", "-o", again],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        following = rd.poll() is None
        cue.write("x\n")
    werr = w.communicate(timeout=120)[1]
    rerr = rd.communicate(timeout=120)[1]
    if not following:
        return "the replay ended before the recording did (%s)" % rerr.strip()
    if rd.returncode != w.returncode:
        return "exit status: writer %d (%s), reader %d (%s)" % (
            w.returncode, werr.strip(), rd.returncode, rerr.strip())
    a, b = read(live), read(again)
    if a != b:
        return "JSON differs:\n" + diff(a, b, "live", "replay")
    return None


def one(name, argv, extra, tmp, engine):
    rec, live, again = (os.path.join(tmp, name + x) for x in (".rec", ".live.json", ".replay.json"))
    code, err = run(engine + extra + ["--record", rec, "--json", "-o", live, "--"] + argv)
    if not os.path.exists(live) or not os.path.getsize(rec):
        return "live run failed (%d): %s" % (code, err.strip())
    rcode, rerr = run(extra + ["--replay", rec, "--json", "-o", again])
    if rcode != code:
        return "exit status: live %d, replay %d (%s)" % (code, rcode, rerr.strip())
    a, b = read(live), read(again)
    if a != b:
        return "JSON differs:\n" + diff(a, b, "live", "replay")
    b1, b2 = (os.path.join(tmp, name + x) for x in (".b1.txt", ".b2.txt"))
    run(extra + ["--replay", rec, "--batch", "-o", b1])
    run(extra + ["--replay", rec, "--batch", "-o", b2])
    if read(b1) != read(b2) or "FINAL" not in read(b1):
        return "--batch replays differ or have no FINAL summary"
    for how in ("pipe", "fifo"):
        work = os.path.join(tmp, "w")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        problem = streamed(name, argv, extra, tmp, engine, how)
        if problem:
            return problem
    return None


def main():
    # --engine NAME: record with that engine (the kernel's has no -v case).
    engine = sys.argv[1:3] if sys.argv[1:2] == ["--engine"] else []
    if not os.path.exists(os.path.join(TRACEE_DIR, "readfile")):
        print("SKIP: tracees not built in %s" % TRACEE_DIR)
        return 77
    tmp = tempfile.mkdtemp(prefix="ctui-rt.")
    failed = 0
    try:
        for name, argv, extra in cases(lambda n: os.path.join(tmp, "w", n)):
            work = os.path.join(tmp, "w")
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            if engine == ["--engine", "kernel"] and "-v" in extra:
                continue
            problem = one(name, argv, extra, tmp, engine)
            print("%s: %s%s" % ("FAIL" if problem else "PASS", name, ": " + problem if problem else ""))
            failed += problem is not None
        problem = growing(tmp, engine)
        print("%s: growing%s" % ("FAIL" if problem else "PASS", ": " + problem if problem else ""))
        failed += problem is not None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
