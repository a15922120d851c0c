#!/usr/bin/env python3
"""--diff of two recordings: exactly the differences there are, nothing else.

Cases (each records with the engine COMPENDIUM_ENGINE names; diff_kernel.test
runs them with the kernel engine):
  difftwo   tests/tracees/difftwo a and b: extra.txt read only in a,
            written.txt written only in b, a udp4 connection to
            127.0.0.1:9 only in b, and in both the same common.txt read and
            a mkstemp file (another name each run) written: the lines and the
            JSON say exactly that; the system calls differ by exactly what
            the two branches call
  gcc       two runs of gcc -c of one file differ in nothing but times
            (skipped without gcc or setarch).  They run with address space
            randomization off (setarch -R): gcc hashes pointers, so its heap
            peak moves by 32 KiB from run to run otherwise (strace -e brk
            shows it too); and glibc's mkstemp draws getrandom once more when
            a draw falls in its rejected range, so getrandom's count may
            differ (in difftwo too)
            --report writes the same rows as a page with no script
  badinput  a missing or damaged recording, one recording, a command, a
            report that cannot be written: one sentence and exit status 2
Environment: COMPENDIUM (the binary), TRACEE_DIR (the tracees).
Exit status: 0 all pass, 1 a failure, 77 skipped (with the reason).
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

COMPENDIUM = os.environ.get("COMPENDIUM", "./compendium-tui")
TRACEE_DIR = os.environ.get("TRACEE_DIR", "tests/tracees")
ENGINE = os.environ.get("COMPENDIUM_ENGINE", "ptrace")
TIMES = {"duration_s", "time_s"}


def run(args, **kw):
    return subprocess.run([COMPENDIUM] + args, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=300, **kw)


def record(rec, argv, cwd=None):
    """Trace argv into the recording rec; the reason when it failed."""
    r = run(["--engine", ENGINE, "--record", rec, "--batch", "-o", os.devnull, "--"] + argv,
            cwd=cwd)
    if r.returncode != 0 or not os.path.getsize(rec):
        return "recording %s failed (%d): %s" % (argv, r.returncode, r.stderr.strip())
    return None


def diff_json(a, b, *extra):
    r = run(["--diff", a, b, "--json"] + list(extra))
    if r.returncode not in (0, 1) or r.stderr:
        raise AssertionError("--diff failed (%d): %s" % (r.returncode, r.stderr.strip()))
    lines = r.stdout.splitlines()
    if len(lines) != 1:
        raise AssertionError("--json wrote %d lines, not one object" % len(lines))
    d = json.loads(lines[0])
    if d.get("type") != "diff":
        raise AssertionError("not a diff object: %s" % lines[0][:200])
    return d, r.returncode


def delta(e, fig):
    """b's figure minus a's (0 where absent)."""
    return (e["b"] or {}).get(fig, 0) - (e["a"] or {}).get(fig, 0)


def check_difftwo_lists(d, work, fails):
    """Files, connections, processes: exactly the known differences."""
    files = [(e["state"], e["path"], e["a"], e["b"]) for e in d["files"]]
    want = [("only_a", work + "/extra.txt",
             {"read_bytes": 40, "written_bytes": 0, "opened_for": "r"}, None),
            ("only_b", work + "/written.txt", None,
             {"read_bytes": 0, "written_bytes": 7, "opened_for": "w"})]
    if files != want:
        fails.append("files: %s, expected %s" % (files, want))
    conns = [(e["state"], e["proto"], e["role"], e["peer"], e["a"], e["b"])
             for e in d["connections"]]
    want = [("only_b", "udp4", "connect", "127.0.0.1:9", None,
             {"count": 1, "sent_bytes": 5, "received_bytes": 0})]
    if conns != want:
        fails.append("connections: %s, expected %s" % (conns, want))
    if d["processes"]:
        fails.append("processes differ: %s" % d["processes"])
    for k in ("heap_bytes", "mmap_bytes", "mmap_regions"):
        if d["memory"][k]["a"] != d["memory"][k]["b"]:
            fails.append("memory %s differs: %s" % (k, d["memory"][k]))
    if d["exit"] != {"a": {"code": 0, "signal": None}, "b": {"code": 0, "signal": None}}:
        fails.append("exit: %s" % d["exit"])


def check_difftwo_syscalls(d, full, fails):
    """System calls: b's branch calls write, close, socket, connect and
    sendto once more each, a's read twice more; mkstemp may draw getrandom
    again when its first draw is rejected, in either run."""
    seen = {e["name"] for e in full["syscalls"]}
    want = {"read": -2, "write": 1, "socket": 1, "connect": 1, "sendto": 1}
    if "close" in seen:      # the ptrace engine's seccomp filter does not stop on close
        want["close"] = 1
    got = {}
    for e in d["syscalls"]:
        bad = set(e["changed"]) - {"time_s"}
        if e["state"] == "changed" and "errors" in bad:
            fails.append("syscall %s: errors %s" % (e["name"], e))
        if bad and e["name"] != "getrandom":
            got[e["name"]] = delta(e, "calls")
    if got != want:
        fails.append("syscall calls b - a: %s, expected %s" % (got, want))


def check_difftwo_lines(a, b, work, fails):
    r = run(["--diff", a, b, "--batch"])
    body = [l for l in r.stdout.splitlines()
            if not l.startswith(("~ duration ", "~ syscall ", "+ syscall ", "- syscall "))]
    want = ["--- a: " + a, "+++ b: " + b,
            "- file %s/extra.txt read_bytes=40 written_bytes=0 opened_for=r" % work,
            "+ file %s/written.txt read_bytes=0 written_bytes=7 opened_for=w" % work,
            "+ connection udp4 connect 127.0.0.1:9 count=1 sent_bytes=5 received_bytes=0"]
    if r.returncode != 1 or body[:-1] != want or not body[-1].startswith("= 1 only in a, "):
        fails.append("--batch (exit %d):\n%s\nexpected:\n%s" % (r.returncode, "\n".join(body),
                                                                "\n".join(want)))


def check_difftwo_all(a, b, work, fails):
    """--all: the same read and the temporary file are one row each, unchanged."""
    full, _ = diff_json(a, b, "--all")
    same = [e for e in full["files"] if e["path"].startswith(work)
            and e["state"] == "same"]
    paths = sorted((e["path"] == work + "/common.txt", "path_b" in e, e["a"] == e["b"])
                   for e in same)
    tmp = [e for e in same if "path_b" in e]
    if paths != [(False, True, True), (True, False, True)] or \
       not tmp[0]["path"].startswith(work + "/difftwo.") or \
       tmp[0]["path"] == tmp[0]["path_b"] or \
       tmp[0]["a"] != {"read_bytes": 0, "written_bytes": 3, "opened_for": "rw"}:
        fails.append("--all: the unchanged files are %s" % same)
    return full


class Rows(html.parser.HTMLParser):
    """The table rows of a page: (class, [cell texts])."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.tags = [], None, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append((dict(attrs).get("class"), []))
        elif tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.rows:
            self.rows[-1][1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def check_difftwo_report(a, b, work, fails):
    """--report: a page with no script; the same rows as the JSON, by figure."""
    page = os.path.join(work, "..", "diff.html")
    r = run(["--diff", a, b, "--batch", "-o", os.devnull, "--report", page])
    if r.returncode != 1 or r.stderr:
        fails.append("--report: exit %d, %s" % (r.returncode, r.stderr.strip()))
        return
    with open(page) as f:
        text = f.read()
    p = Rows()
    p.feed(text)
    rows = [(c, cells) for c, cells in p.rows if c in ("only_a", "only_b")
            and cells[1] not in ("socket", "connect", "sendto")]
    want = [("only_a", ["only_a", work + "/extra.txt", "read_bytes", "40", ""]),
            ("only_a", ["only_a", work + "/extra.txt", "written_bytes", "0", ""]),
            ("only_a", ["only_a", work + "/extra.txt", "opened_for", "r", ""]),
            ("only_b", ["only_b", work + "/written.txt", "read_bytes", "", "0"]),
            ("only_b", ["only_b", work + "/written.txt", "written_bytes", "", "7"]),
            ("only_b", ["only_b", work + "/written.txt", "opened_for", "", "w"]),
            ("only_b", ["only_b", "udp4 connect 127.0.0.1:9", "count", "", "1"]),
            ("only_b", ["only_b", "udp4 connect 127.0.0.1:9", "sent_bytes", "", "5"]),
            ("only_b", ["only_b", "udp4 connect 127.0.0.1:9", "received_bytes", "", "0"])]
    if rows != want:
        fails.append("--report rows: %s, expected %s" % (rows, want))
    if "script" in p.tags or "default-src 'none'" not in text:
        fails.append("--report: the page has a script or no Content-Security-Policy")


def case_difftwo(tmp):
    work = os.path.join(tmp, "difftwo")
    os.mkdir(work)
    with open(os.path.join(work, "common.txt"), "wb") as f:
        f.write(b"c" * 100)
    with open(os.path.join(work, "extra.txt"), "wb") as f:
        f.write(b"e" * 40)
    a, b = os.path.join(tmp, "a.rec"), os.path.join(tmp, "b.rec")
    prog = os.path.join(TRACEE_DIR, "difftwo")
    for rec, side in ((a, "a"), (b, "b")):
        why = record(rec, [prog, side, work])
        if why:
            return [why]
    fails = []
    d, code = diff_json(a, b)
    if code != 1:
        fails.append("exit status %d, expected 1 (they differ)" % code)
    full = check_difftwo_all(a, b, work, fails)
    check_difftwo_lists(d, work, fails)
    check_difftwo_syscalls(d, full, fails)
    check_difftwo_lines(a, b, work, fails)
    check_difftwo_report(a, b, work, fails)
    same, code = diff_json(a, a)
    if code != 0 or same["files"] or same["connections"] or same["processes"] or \
       any(set(e["changed"]) - TIMES for e in same["syscalls"]):
        fails.append("a recording against itself: exit %d, %s" % (code, same))
    return fails


def case_gcc(tmp):
    gcc, setarch = shutil.which("gcc"), shutil.which("setarch")
    if not gcc or not setarch:
        return None
    src = os.path.join(tmp, "unit.c")
    with open(src, "w") as f:
        f.write("int twice(int x) { return 2 * x; }\n")
    recs = [os.path.join(tmp, "gcc%d.rec" % i) for i in (1, 2)]
    for rec in recs:
        if os.path.exists(os.path.join(tmp, "unit.o")):    # each run starts alike
            os.unlink(os.path.join(tmp, "unit.o"))
        why = record(rec, [setarch, "-R", gcc, "-c", "unit.c", "-o", "unit.o"], cwd=tmp)
        if why:
            return [why]
    d, code = diff_json(*recs)
    fails = []
    for key in ("processes", "files", "connections", "syscalls"):
        for e in d[key]:
            if key == "syscalls" and e["name"] == "getrandom" and e["state"] == "changed" \
               and "errors" not in e["changed"]:
                continue
            if e["state"] != "changed" or set(e["changed"]) - TIMES:
                fails.append("%s: %s" % (key, e))
    if d["exit"]["a"] != d["exit"]["b"] or any(v["a"] != v["b"] for v in d["memory"].values()):
        fails.append("exit or memory differ: %s %s" % (d["exit"], d["memory"]))
    getrandom = [e for e in d["syscalls"] if e["name"] == "getrandom" and "calls" in e["changed"]]
    if code != (1 if getrandom else 0):
        fails.append("exit status %d, expected 0 (only times differ)" % code)
    full, _ = diff_json(*recs, "--all")
    temps = [e for e in full["files"] if "path_b" in e]
    if not temps:
        fails.append("no temporary file of gcc's matched: %s" % full["files"])
    return fails


def case_badinput(tmp):
    good = os.path.join(tmp, "good.rec")
    why = record(good, ["/bin/true"])
    if why:
        return [why]
    torn = os.path.join(tmp, "damaged.rec")
    with open(good, "rb") as f:
        data = f.read()
    at = int.from_bytes(data[12:16], "little") + 8   # the first record's len (after its ts)
    with open(torn, "wb") as f:    # the header, then a record whose length is nonsense
        f.write(data[:at] + b"\xff" * 4 + data[at + 4:])
    missing = os.path.join(tmp, "missing.rec")
    cases = [
        (["--diff", good, missing], "missing.rec"),
        (["--diff", missing, good], "missing.rec"),
        (["--diff", good, "/etc/hostname"], "not a compendium-tui recording"),
        (["--diff", good, torn], "damaged.rec"),
        (["--diff", good], "needs two recordings"),
        (["--diff", good, good, "extra"], "one argument too many"),
        (["--diff", good, good, "--", "true"], "no command"),
        (["--diff", good, "--", "true"], "no command"),
        (["--diff", good, good, "--pid", "1"], "only -o, --batch, --json, --all and --report"),
        (["--diff", good, good, "--report", os.path.join(tmp, "no", "such.html")],
         "cannot write report"),
    ]
    fails = []
    for args, words in cases:
        r = run(args)
        err = r.stderr.strip().splitlines()
        if r.returncode != 2 or len(err) != 1 or words not in err[0] or r.stdout:
            fails.append("%s: exit %d, stderr %r" % (" ".join(args), r.returncode, r.stderr))
    return fails


def main():
    if ENGINE == "kernel":
        if os.geteuid() != 0:
            print("SKIP: the kernel engine needs root")
            return 77
        r = run(["--engine", "kernel", "--batch", "-o", os.devnull, "--", "true"])
        if r.returncode != 0:
            print("SKIP: kernel engine unavailable here (%s)" % r.stderr.strip())
            return 77
    failed = ran = 0
    with tempfile.TemporaryDirectory(prefix="difftest.") as tmp:
        for name, fn in (("difftwo", case_difftwo), ("gcc", case_gcc),
                         ("badinput", case_badinput)):
            fails = fn(tmp)
            if fails is None:
                print("SKIP %s: gcc or setarch not found" % name)
                continue
            ran += 1
            for f in fails:
                print("FAIL %s (%s): %s" % (name, ENGINE, f))
            failed += bool(fails)
            if not fails:
                print("PASS %s (%s)" % (name, ENGINE))
    if not ran:
        return 77
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
