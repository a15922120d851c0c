#!/usr/bin/env python3
"""End-to-end check of --filter on the real binary.

    python3 tests/filter_e2e.py      exit 0 pass, 1 fail, 77 skip, 99 harness error

Runs tests/tracees/readfile (writes a 10000-byte file, reads it back in six
calls) under compendium-tui with --batch, --json and --report and a filter
expression each time, and asserts exactly which event lines come out (times
and pids masked), that the summary totals stay whole, that the report says
which filter chose its events, and that a wrong expression is refused with
a caret under the culprit, exit status 2 and nothing run.

Environment: COMPENDIUM (default ./compendium-tui), TRACEE_DIR (default
tests/tracees).
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True

COMPENDIUM = shlex.split(os.environ.get("COMPENDIUM", "./compendium-tui"))
TRACEE = os.path.join(os.environ.get("TRACEE_DIR", "tests/tracees"), "readfile")
FAILURES = []


def run(args, tmp):
    """compendium-tui ARGS -- readfile TMP/data; (exit status, output file text, stderr)."""
    out = os.path.join(tmp, "out")
    if os.path.exists(out):
        os.unlink(out)
    cmd = COMPENDIUM + args + ["-o", out, "--", TRACEE, os.path.join(tmp, "data")]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120, check=False)
    text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    return p.returncode, text, p.stderr.decode("utf-8", "replace")


def event_lines(text, tmp):
    """The event lines of --batch output, before FINAL, times and pids masked."""
    lines = []
    for line in text.splitlines():
        if line.startswith("\u2501"):
            break
        line = re.sub(r"^\[\+\d+\.\d+s\] ", "", line)
        line = re.sub(r"^\[\d+\] ", "[PID] ", line)
        lines.append(line.replace(tmp, "TMP").replace(TRACEE, "TRACEE"))
    return lines


def check(what, got, want):
    if got != want:
        FAILURES.append(what)
        print("FAIL %s\n  got:  %r\n  want: %r" % (what, got, want))
    else:
        print("ok   %s" % what)


def batch_cases(tmp):
    """--batch: exactly the lines each expression chooses."""
    cases = [
        ("path:*/data", [
            "[PID] open TMP/data (write)",
            "[PID] write 9.8 KB TMP/data",
            "[PID] open TMP/data (read)",
            "[PID] read 10.4 KB in 6 calls TMP/data",
        ]),
        # Events are chosen one by one, before consecutive reads fold.
        ("type:read|type:write bytes>4K", ["[PID] write 9.8 KB TMP/data"]),
        ("type:read bytes>=4K bytes<=4K", ["[PID] read 4.0 KB \u00d72 TMP/data"]),
        ("type:open -path:*/data", []),
        ("comm:readfile type:open", [
            "[PID] open TMP/data (write)",
            "[PID] open TMP/data (read)",
        ]),
        ("comm:other", []),
        ("type:exec|type:exit", [
            "[PID] \u2500\u2500\u2500 readfile exec \u2500\u2500\u2500 TRACEE TMP/data",
            "[PID] exit 0",
        ]),
        ("DATA type:write", ["[PID] write 9.8 KB TMP/data"]),
    ]
    for expr, want in cases:
        code, text, err = run(["--batch", "--filter", expr], tmp)
        check("--batch exit status, %s" % expr, code, 0)
        got = event_lines(text, tmp)
        check("--batch --filter %r lines" % expr, got, want)
        check("--batch %s: totals stay whole" % expr,
              ("Files written: 9.8 KB" in text, "Files read:" in text), (True, True))


def json_case(tmp):
    """--json: only the matching objects, and the summary of everything."""
    code, text, _ = run(["--json", "--filter", "type:open path:*/data"], tmp)
    objs = [json.loads(l) for l in text.splitlines() if l.strip()]
    events = [o for o in objs if o.get("type") != "summary"]
    check("--json exit status", code, 0)
    check("--json --filter 'type:open path:*/data' events",
          [(o["type"], o.get("path", "").replace(tmp, "TMP")) for o in events],
          [("open", "TMP/data"), ("open", "TMP/data")])
    summary = [o for o in objs if o.get("type") == "summary"]
    files = {f["path"].replace(tmp, "TMP"): f for f in summary[-1].get("files", [])} if summary else {}
    check("--json summary still counts every byte",
          (files.get("TMP/data", {}).get("written_bytes"), files.get("TMP/data", {}).get("read_bytes")),
          (10000, 10600))


def report_case(tmp):
    """--report: the events the filter chose, and the report says which filter."""
    html = os.path.join(tmp, "r.html")
    code, _, _ = run(["--batch", "--report", html, "--filter", "(type:open path:*/data)|type:exit"], tmp)
    check("--report exit status", code, 0)
    page = open(html, encoding="utf-8").read()
    m = re.search(r'<script[^>]* id="report-data"[^>]*>(.*?)</script>', page, re.S)
    if not m:
        check("--report has a data block", False, True)
        return
    data = json.loads(m.group(1))
    check("--report: events kept", data.get("total"), 3)
    check("--report: says which filter", data.get("filter"), "(type:open path:*/data)|type:exit")


def error_case(tmp):
    """A wrong expression: one sentence, the expression, a caret; exit 2; nothing run."""
    data = os.path.join(tmp, "data")
    if os.path.exists(data):
        os.unlink(data)
    code, _, err = run(["--batch", "--filter", "pid:1 bytes>1X"], tmp)
    check("bad --filter exit status", code, 2)
    check("bad --filter message", err,
          "compendium-tui: --filter: unknown size unit 'X'\n"
          "  pid:1 bytes>1X\n"
          "               ^\n")
    check("bad --filter runs nothing", os.path.exists(data), False)


def main():
    if not os.access(TRACEE, os.X_OK):
        print("harness error: no tracee at %s" % TRACEE)
        return 99
    probe = subprocess.run(COMPENDIUM + ["--batch", "-o", "/dev/null", "--", "true"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False)
    if probe.returncode != 0:
        print("SKIP: tracing does not work here: %s" % probe.stderr.decode(errors="replace").strip())
        return 77
    with tempfile.TemporaryDirectory(prefix="ctui-filter.") as tmp:
        batch_cases(tmp)
        json_case(tmp)
        report_case(tmp)
        error_case(tmp)
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
