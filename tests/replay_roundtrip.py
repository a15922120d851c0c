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

Two recordings made on hosts alpha and beta replay as one (--replay A B):
each one's events as its own replay gave them, labelled and in time
order, with each one's totals and their sums.

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


def on_host(host, args):
    """Start compendium-tui args as host would (its own UTS namespace)."""
    return subprocess.Popen(["unshare", "-u", "sh", "-c", 'hostname "$1" && shift && exec "$@"',
                             "-", host, os.path.abspath(COMPENDIUM)] + args,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def lines_of(path):
    import json
    return [json.loads(l) for l in read(path).splitlines()]


def merged_problems(tmp, engine):
    """Two recordings made on hosts alpha and beta, beta 0.3 s later, replayed
    as one (--replay A B): every event of each, as its own replay gave it,
    labelled with its host and moved by how much later beta began, all in
    time order; each recording's totals as its own, the totals their sums."""
    w = lambda n: os.path.join(tmp, "w", n)
    runs = {"alpha": [os.path.join(TRACEE_DIR, "readfile"), w("data.bin")],
            "beta": [os.path.join(TRACEE_DIR, "netpair")]}
    own, procs = {}, {}
    for host, argv in runs.items():
        rec, js = (os.path.join(tmp, host + x) for x in (".rec", ".json"))
        procs[host] = on_host(host, engine + ["--record", rec, "--json", "-o", js, "--"] + argv)
        time.sleep(0.3)
    for host, proc in procs.items():
        err = proc.communicate(timeout=120)[1]
        js = os.path.join(tmp, host + ".json")
        if not os.path.exists(js):
            return "recording on %s failed (%d): %s" % (host, proc.returncode, err.strip())
        own[host] = lines_of(js)
    a, b = (os.path.join(tmp, h + ".rec") for h in ("alpha", "beta"))
    m = os.path.join(tmp, "merged.json")
    code, err = run(["--replay", a, b, "--json", "-o", m])
    if code != 0:
        return "--replay A B: exit %d: %s" % (code, err.strip())
    got = lines_of(m)
    events, summary = got[:-1], got[-1]
    times = [e["t"] for e in events]
    if times != sorted(times):
        return "the merged events are not in time order"
    for host in runs:
        mine = [dict(e) for e in events if e.get("hostname") == host]
        want = own[host][:-1]
        if len(mine) != len(want):
            return "%s: %d events merged, %d in its own replay" % (host, len(mine), len(want))
        # (each t is rounded to the microsecond, so one shift shows as
        # differences up to 2 us apart)
        moved = [x.pop("t") - y["t"] for x, y in zip(mine, want)]
        shifts = {round(min(moved), 4)} if moved and max(moved) - min(moved) <= 2.5e-6 else \
            {round(d, 6) for d in moved}
        for x in mine:
            del x["hostname"]
        if mine != [{k: v for k, v in y.items() if k != "t"} for y in want]:
            return "%s: the merged events differ from its own replay" % host
        wshift = 0.0 if host == "alpha" else None
        if len(shifts) != 1 or (wshift is not None and shifts != {wshift}):
            return "%s: events moved by %r, want one shift%s" % (
                host, sorted(shifts), "" if wshift is None else " of 0")
        r = [r for r in summary.get("runs", []) if r["hostname"] == host]
        ws = own[host][-1]
        if len(r) != 1 or (r[0]["processes"], r[0]["events"], r[0]["io"], r[0]["exit"]) != (
                len(ws["processes"]), ws["events"], ws["io"], ws["exit"]):
            return "%s: its totals in the merged summary %r, its own %r" % (
                host, r, (len(ws["processes"]), ws["events"], ws["io"], ws["exit"]))
        if host == "beta" and not 0.25 <= r[0]["start_s"] <= 1.5:
            return "beta began %.3f s after alpha, want about 0.3" % r[0]["start_s"]
    sa, sb = own["alpha"][-1], own["beta"][-1]
    if summary["events"] != sa["events"] + sb["events"] or any(
            summary["io"][k] != sa["io"][k] + sb["io"][k] for k in sa["io"]):
        return "the merged totals are not the sums of the recordings'"
    paths = sorted(f["path"] for f in summary["files"])
    if paths != sorted(["alpha:" + f["path"] for f in sa["files"]] +
                       ["beta:" + f["path"] for f in sb["files"]]):
        return "files are not each recording's, labelled: %r" % paths
    # lines: every line labelled, each recording's command in FINAL
    t = os.path.join(tmp, "merged.txt")
    run(["--replay", a, b, "--batch", "-o", t])
    text = read(t)
    if not ("[alpha:" in text and "[beta:" in text and "Recordings:\n  alpha:" in text
            and "\n  beta:" in text):
        return "--batch of a merge does not label the hosts:\n" + text[-800:]
    # one recording read from a FIFO merges the same
    fifo = os.path.join(tmp, "beta.fifo")
    os.mkfifo(fifo)
    feeder = subprocess.Popen(["sh", "-c", 'exec cat "$0" > "$1"', b, fifo])
    f = os.path.join(tmp, "merged.fifo.json")
    code, err = run(["--replay", a, fifo, "--json", "-o", f])
    feeder.wait(timeout=60)
    if code != 0 or read(f) != read(m):
        return "a FIFO in the merge: exit %d (%s), same JSON: %s" % (code, err.strip(), read(f) == read(m))
    return merged_bad_input(tmp, a, b)


def merged_bad_input(tmp, a, b):
    """A missing, damaged or torn recording among several: one sentence
    naming it, and what was whole is replayed."""
    cut = os.path.join(tmp, "cut.rec")
    data = open(b, "rb").read()
    for name, content, want_rc, want in (
            ("missing.rec", None, 1, "cannot open recording %s" % os.path.join(tmp, "missing.rec")),
            ("junk.rec", b"hello, not a recording at all", 1, "is not a compendium-tui recording"),
            ("cut.rec", data[:len(data) - 5], 0, "cut.rec ends in a record cut short")):
        path = os.path.join(tmp, name)
        if content is not None:
            open(path, "wb").write(content)
        code, err = run(["--replay", a, path, "--json", "-o", os.path.join(tmp, "bad.json")])
        if code != want_rc or want not in err or len(err.strip().splitlines()) != 1:
            return "--replay with %s: exit %d, stderr %r; want %d and %r" % (name, code, err, want_rc, want)
    code, err = run(["--replay", a, "-", "--json"])
    if code != 2 or "standard input can be the only recording" not in err:
        return "--replay A -: exit %d, %r" % (code, err)
    return None


def merged(tmp, engine):
    """The merge case, or None to skip (it needs root for host names)."""
    if os.geteuid() != 0 or subprocess.run(["unshare", "-u", "true"]).returncode != 0:
        print("SKIP: merged: host names of their own need root and unshare -u")
        return None
    work = os.path.join(tmp, "w")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    return merged_problems(tmp, engine)


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
        problem = merged(tmp, engine)
        print("%s: merged%s" % ("FAIL" if problem else "PASS", ": " + problem if problem else ""))
        failed += problem is not None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
