#!/usr/bin/env python3
"""Processes SIGKILLed in the middle of fork must not leave orphans stopped.

tests/tracees/forkkill 300: 300 victims, each forking in a loop until a
sibling thread SIGKILLs it; the subreaper root then reaps every orphan.  A
fork in flight when SIGKILL lands creates a child whose parent never reports
PTRACE_EVENT_FORK.  A tracer that holds a new child until its parent's event
(to learn the clone flags) must still let such a child run, or the traced
program never finishes.  The traced run must finish within 120 s (untraced
it takes a second or two) with the same output and status as untraced, and
no process of it may be left behind.
"""

import os
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

ROUNDS = "300"


def main() -> int:
    common.require_tracing()
    argv = [common.tracee("forkkill"), ROUNDS]
    plain = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    if plain.returncode != 0:
        print(f"ERROR: untraced forkkill failed: {plain.returncode} {plain.stderr!r}")
        return common.ERROR
    proc = subprocess.Popen([*common.compendium(), "-o", os.devnull, "--", *argv],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    problems = []
    start = time.monotonic()
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        stuck = []
        for name in os.listdir("/proc"):
            if name.isdigit() and common.proc_field(int(name), "TracerPid") not in (None, "0") \
                    and common.proc_state(int(name)) in ("t", "T"):
                stuck.append((int(name), common.proc_field(int(name), "PPid")))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return common.finish([f"still running after 120 s; traced tasks stopped for good "
                              f"(pid, ppid): {stuck[:10]} ({len(stuck)} in all)"],
                             "processes killed while forking")
    took = time.monotonic() - start
    if (proc.returncode, out, err) != (plain.returncode, plain.stdout, plain.stderr):
        problems.append(f"not transparent: untraced {plain.returncode} {plain.stdout!r} "
                        f"{plain.stderr!r}, traced {proc.returncode} {out!r} {err!r}")
    print(f"traced run took {took:.1f} s")
    return common.finish(problems, "processes killed while forking: no orphan left stopped")


if __name__ == "__main__":
    sys.exit(main())
