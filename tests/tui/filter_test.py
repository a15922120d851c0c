#!/usr/bin/env python3
"""The filter language in the terminal UI, driven in tmux.

Uses the helpers of tests/tui/tui_test.py (same environment: COMPENDIUM,
TRACEE_DIR, TUI_SHOTS).  Types an expression into the filter prompt (F4 t)
and checks that only matching rows remain; types a wrong one and checks
that the footer names the mistake and its column, the filter in force stays,
and the prompt reopens on the refused text; then a search (/) with a field.
Exit status: 0 passed, 1 failed, 77 skipped.
"""
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tui_test as t  # noqa: E402  (its main() does not run on import)


def filter_text(p, text, close=True):
    """F4 t, replace the filter text with text, Enter (and close the menu)."""
    p.keys("F4")
    p.wait(r"Filter: Space toggles")
    p.keys("t")
    p.wait(r"Filter text:")
    p.keys("C-u")
    p.type(text)
    p.keys("Enter")
    if close:
        p.keys("Escape")


def case_filter():
    tmp = tempfile.mkdtemp(prefix="ctui.")
    p = t.Pane("filter", 100, 30)
    try:
        t.start(p, tmp, 400)
        filter_text(p, "cat:file path:*child.txt -type:open")
        s = p.wait(r'text "cat:file path:\*child\.txt -type:open"')
        p.shot("filter-language")
        rows = [l for l in t.region(s, "Events") if l.strip()]
        t.check(rows and all(re.search(r"\sfile\s+write \d+ B %s/child\.txt" % re.escape(tmp), l)
                             for l in rows), "only writes of child.txt remain", s)
        filter_text(p, "cat:file bytes>1X", close=False)
        s = p.wait(r"Filter: unknown size unit 'X' \(column 17\); F4 t to fix it")
        p.shot("filter-error")
        t.check('Text: "cat:file path:*child.txt -type:open"' in s, "the filter in force stays", s)
        p.keys("t")
        s = p.wait(r"Filter text: cat:file bytes>1X")
        p.keys("Escape")
        p.keys("Escape")
        filter_text(p, "")
        p.wait(r'text "', absent=True)
        p.keys("/")
        p.type("type:open path:*thread.txt")
        p.keys("Enter")
        p.wait(r'search: "type:open path:\*thread\.txt"')
        p.keys("Enter")
        s = p.wait(r"Event details")
        t.check(re.search(r"Object:\s+%s/thread\.txt" % re.escape(tmp), s), "search with fields found thread.txt", s)
        p.keys("Escape")
        p.keys("q")
        p.keys("y")
        p.wait(r"EXIT=\d+", 15)
        t.assert_sane_terminal(p)
    finally:
        p.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if not shutil.which("tmux"):
        print("SKIP: tmux not found (apt-get install tmux)")
        return 77
    if not os.path.exists(t.DEMO):
        print("SKIP: tracee %s not built" % t.DEMO)
        return 77
    try:
        case_filter()
    except t.Fail as e:
        print("FAIL: filter: %s" % e)
        return 1
    print("PASS: filter")
    return 0


if __name__ == "__main__":
    sys.exit(main())
