#!/usr/bin/env python3
"""The report's analysis sections, drawn by headless Chromium.

Writes --report files for two tracees, lets Chromium run the page
(--dump-dom) and reads the tables ui/report/report_views.js drew from the data
src/report_views.c wrote:
  * failopen (7 failing open(2) calls): the syscall summary's open row says
    7 calls, 7 errors;
  * tui_demo: demo.txt with 2 opens and 3000 B each way, thread.txt 500 B
    written; two connections of 100 B; two processes, child under parent,
    both "exit 0"; no latency data without --ebpf;
  * sh -c 'kill -TERM $$': the process tree and the Exit card say
    "killed by SIGTERM", as the lines and the terminal UI do.
Skips (77) without chromium, or while the report does not carry the
"views" data yet (the hooks in src/report.c and ui/report/report.js).
Environment: COMPENDIUM, TRACEE_DIR, CHROMIUM (default: chromium on PATH).
"""
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

COMPENDIUM = os.environ.get("COMPENDIUM", "./compendium-tui")
TRACEE_DIR = os.environ.get("TRACEE_DIR", "tests/tracees")
FAILOPEN = os.path.join(os.path.dirname(TRACEE_DIR.rstrip("/")), "tui", "failopen")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


class Tables(html.parser.HTMLParser):
    """Rows (lists of cell texts) of every table, by table id."""

    def __init__(self):
        super().__init__()
        self.tables, self.cur, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.cur = self.tables.setdefault(a.get("id", ""), [])
        elif tag == "tr" and self.cur is not None:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.cur.append(self.row)
            self.row = None
        elif tag == "table":
            self.cur = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def report(tmp, name, argv):
    out = os.path.join(tmp, name + ".html")
    subprocess.run([COMPENDIUM, "--batch", "-o", "/dev/null", "--report", out, "--"] + argv,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=60)
    with open(out) as f:
        page = f.read()
    if '"views":{' not in page:
        return None, None
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          "file://" + out], capture_output=True, text=True, timeout=120).stdout
    t = Tables()
    t.feed(dom)
    return dom, t.tables


def main():
    if not CHROMIUM:
        print("SKIP: chromium not found")
        return 77
    tmp = tempfile.mkdtemp(prefix="ctui-rv.")
    problems = []
    try:
        dom, t = report(tmp, "failopen", [FAILOPEN, "7"])
        if dom is None:
            print("SKIP: the report has no \"views\" data (hooks in src/report.c not applied)")
            return 77
        if 'data-ready="1"' not in dom or 'id="views"' not in dom or 'id="views-open"' not in dom:
            problems.append("the page did not draw its analysis sections and their button")
        rows = [r for r in t.get("v-sys-table", []) if r and r[0] == "open"]
        if not rows or rows[0][1:3] != ["7", "7"]:
            problems.append("syscall summary: open row %r, want 7 calls 7 errors" % rows)
        dom, t = report(tmp, "demo", [os.path.join(TRACEE_DIR, "tui_demo"), tmp, "3"])
        files = {os.path.basename(r[0]): r[1:] for r in t.get("v-files-table", [])[1:]}
        if files.get("demo.txt") != ["2", "2.9 KB", "2.9 KB", "5.9 KB"]:
            problems.append("files: demo.txt %r" % files.get("demo.txt"))
        if files.get("thread.txt") != ["1", "0 B", "500 B", "500 B"]:
            problems.append("files: thread.txt %r" % files.get("thread.txt"))
        conns = t.get("v-conns-table", [])[1:]
        if sorted((r[2], r[5], r[6]) for r in conns) != [("accept", "0 B", "100 B"), ("connect", "100 B", "0 B")]:
            problems.append("connections: %r" % conns)
        procs = t.get("v-procs-table", [])[1:]
        if len(procs) != 2 or not re.match(r"^\d+ tui_demo$", procs[0][0]) or \
                not procs[1][0].endswith("tui_demo") or "\u2514" not in procs[1][0] or \
                [p[5] for p in procs] != ["exit 0", "exit 0"]:
            problems.append("process tree: %r" % procs)
        if "No latency data" not in dom:
            problems.append("latency: no 'No latency data' note without --ebpf")
        # a death by a signal: the words of the lines and the terminal UI
        dom, t = report(tmp, "killed", ["sh", "-c", "kill -TERM $$"])
        procs = t.get("v-procs-table", [])[1:]
        if len(procs) != 1 or procs[0][5] != "killed by SIGTERM":
            problems.append("process tree of a SIGTERM death: %r" % procs)
        card = re.search(r'<h3>Exit</h3><div class="big">([^<]*)</div>', dom)
        if not card or card.group(1) != "killed by SIGTERM":
            problems.append("Exit card of a SIGTERM death: %r" % (card and card.group(1)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for p in problems:
        print("FAIL: " + p)
    if not problems:
        print("PASS: report views")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
