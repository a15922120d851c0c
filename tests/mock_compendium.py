#!/usr/bin/env python3
"""Stand-in for compendium-tui that gets its answers from strace.

    COMPENDIUM="python3 tests/mock_compendium.py" python3 tests/e2e.py CASE

Accepts `--json -o OUT -- cmd args...`, runs cmd under strace (through
strace_truth.py), writes one dummy event and the summary as JSON Lines to
OUT (and one delete or rename event for each strace saw) and exits the way
the command did.  It is a self-test of the e2e harness:
every case must PASS with it even though pids and kernel-chosen ports differ
from the harness's own strace run.
"""

import json
import os
import signal
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the (possibly read-only) srcdir
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2elib  # noqa: E402
import strace_truth  # noqa: E402


def main() -> int:
    args = sys.argv[1:]
    if "--" not in args:
        print("usage: mock_compendium.py --json -o OUT -- cmd args...", file=sys.stderr)
        return 2
    sep = args.index("--")
    opts, cmd = args[:sep], args[sep + 1:]
    if "--json" not in opts or "-o" not in opts or not cmd:
        print("usage: mock_compendium.py --json -o OUT -- cmd args...", file=sys.stderr)
        return 2
    out = opts[opts.index("-o") + 1]
    run = strace_truth.run_truth(cmd, stdin=None, stdout=None, stderr=None)
    summary = e2elib.shown_summary(run.summary)
    with open(out, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write(json.dumps({"type": "note", "text": "mock"}) + "\n")
        for c in summary.get("changes") or []:   # the delete and rename events
            ev = {k: v for k, v in c.items() if v is not None}
            fh.write(json.dumps(ev, ensure_ascii=False) + "\n")
        fh.write(json.dumps(summary, ensure_ascii=False) + "\n")
    status = summary.get("exit") or {}
    if status.get("signal"):
        signum = strace_truth.signal_number(status["signal"])
        if signum not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
    return int(status.get("code") or 0)


if __name__ == "__main__":
    sys.exit(main())
