#!/usr/bin/env python3
"""Do two builds say the same thing?  Replays compared byte for byte.

    tools/same-output.py OLD NEW [--tracees DIR] [--keep DIR] [--only NAME,...]

OLD records a set of real programs (the end-to-end tracees, hostile names,
deep paths; with --ebpf and --faults too when run as root), then OLD and
NEW each replay every recording into every output: --batch lines (plain,
-v --all, and with a --filter), --json (plain and -v), --report and
--trace-json.  A replay is deterministic, so any byte that differs is a
change in what the model or a sink says; times, pids and addresses are
the recorded ones on both sides.  Use it around a change that must not
change output (a refactoring): build the old tree in one directory and the
new in another, then

    tools/same-output.py ../old/build/compendium-tui build/compendium-tui

Exit status: 0 all identical, 1 some output differs, 2 usage or a run failed.
"""
import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile

OUTPUTS = [
    ("lines", ["--batch"], None),
    ("lines_v", ["--batch", "-v", "--all"], None),
    ("lines_f", ["--batch", "--filter", "cat:file | cat:net"], None),
    ("json", ["--json"], None),
    ("json_v", ["--json", "-v"], None),
    ("report", ["--batch", "-o", "/dev/null", "--report"], "report.html"),
    ("trace", ["--batch", "-o", "/dev/null", "--trace-json"], "trace.json"),
]


def cases(tracees, w):
    """(name, argv, extra options) of the programs recorded; w(n) is a scratch path."""
    t = lambda n: os.path.join(tracees, n)
    base = [
        ("readfile", [t("readfile"), w("data.bin")], []),
        ("dupwrite", [t("dupwrite"), w("dup.out")], []),
        ("exitcode", [t("exitcode")], []),
        ("sigexit", [t("sigexit")], []),
        ("netpair", [t("netpair")], []),
        ("netmsg", [t("netmsg")], []),
        ("mmapper", [t("mmapper"), w("mapped.bin")], []),
        ("forkthread", [t("forkthread"), w("thread.out")], []),
        ("pipes", [t("pipes")], []),
        ("sendfile_copy", [t("sendfile_copy"), w("src.bin"), w("dst.bin")], []),
        ("signals", [t("signals")], []),
        ("scmfd", [t("scmfd")], []),
        ("spawnfds", [t("spawnfds")], []),
        ("threadstorm", [t("threadstorm"), w("storm"), "50"], []),
        ("tui_demo", [t("tui_demo"), w(""), "3"], []),
        ("hostile_names", [t("hostile_names"), w("")], []),
        ("deeppath", [t("deeppath"), "26"], []),
        ("shell", ["sh", "-c", "cat /etc/passwd | wc -c > %s; ls / > /dev/null" % w("wc.out")], []),
        ("faults", [t("faulter"), w("faults.bin"), "300"], ["--faults"]),
    ]
    out = [(n, a, e) for n, a, e in base if os.path.exists(a[0]) or a[0] == "sh"]
    if os.geteuid() == 0:
        out += [(n + "_ebpf", a, e + ["--ebpf", "--sched-threshold-us", "0"])
                for n, a, e in base if n in ("readfile", "pipes", "netpair", "forkthread", "shell")]
    return out


def run(binary, args, cwd, timeout=300):
    return subprocess.run([binary] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=timeout)


def record(old, tracees, top):
    recs = []
    for name, argv, extra in cases(tracees, lambda n: os.path.join(top, "scratch", n)):
        scratch = os.path.join(top, "scratch")
        shutil.rmtree(scratch, ignore_errors=True)
        os.makedirs(scratch)
        rec = os.path.join(top, name + ".rec")
        r = run(old, extra + ["--record", rec, "--batch", "-o", "/dev/null", "--"] + argv, scratch)
        if not os.path.exists(rec) or os.path.getsize(rec) == 0:
            sys.exit("same-output: recording %s failed (%d): %s" % (name, r.returncode, r.stderr))
        recs.append((name, rec))
    return recs


def replay(binary, rec, opts, fname, outdir):
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, fname or "out.txt")
    args = ["--replay", rec] + opts
    args += [out] if fname else ["-o", out]
    r = run(binary, args, outdir)
    with open(out, "rb") as f:
        return r.returncode, f.read(), r.stderr


def show_diff(a, b):
    la = a.decode("utf-8", "replace").splitlines(True)
    lb = b.decode("utf-8", "replace").splitlines(True)
    d = list(difflib.unified_diff(la, lb, "old", "new", n=1))
    return "".join(x if len(x) < 300 else x[:300] + "...\n" for x in d[:30])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--tracees", help="the tracee programs (default: tests/tracees beside NEW)")
    ap.add_argument("--keep", help="keep recordings and outputs here")
    ap.add_argument("--only", help="comma-separated case names")
    a = ap.parse_args()
    old, new = os.path.abspath(a.old), os.path.abspath(a.new)
    top = a.keep or tempfile.mkdtemp(prefix="same-output.")
    os.makedirs(top, exist_ok=True)
    differ = 0
    try:
        tracees = a.tracees or os.path.join(os.path.dirname(new), "tests", "tracees")
        recs = record(old, os.path.abspath(tracees), top)
        if a.only:
            keep = set(a.only.split(","))
            recs = [x for x in recs if x[0] in keep]
        for name, rec in recs:
            for oname, opts, fname in OUTPUTS:
                ca, oa, ea = replay(old, rec, opts, fname, os.path.join(top, "old", name, oname))
                cb, ob, eb = replay(new, rec, opts, fname, os.path.join(top, "new", name, oname))
                if (ca, oa, ea) != (cb, ob, eb):
                    differ += 1
                    print("DIFF %s %s: exit %d/%d" % (name, oname, ca, cb))
                    if ea != eb:
                        print("  stderr: %r / %r" % (ea[-200:], eb[-200:]))
                    print(show_diff(oa, ob))
        print("%d recordings x %d outputs: %d differ" % (len(recs), len(OUTPUTS), differ))
    finally:
        if not a.keep:
            shutil.rmtree(top, ignore_errors=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
