#!/usr/bin/env python3
"""The second Ctrl-C kills the whole traced tree, and nothing is left.

compendium-tui runs tests/tracees/killtree: a root that ignores SIGINT with
sleeping children and grandchildren, a parent blocked in vfork, a zombie
leader with a live thread, a self-stopped child and children forking in a
loop.  SIGINT is sent to compendium-tui twice from outside (kill -INT, not
a terminal):
  1. the first is forwarded to the traced root, which ignores it: the whole
     tree must still be there, and compendium-tui must keep running;
  2. the second must kill every process of the tree: compendium-tui exits
     within 10 s, with 128+9 and one line saying the command was killed by
     SIGKILL, and no process of the tree is left alive.
Run several times: forks are in flight while the tree is killed.
Then a root that does not ignore SIGINT (a shell that exits 3 on it, its
sleeping children untouched): one SIGINT from outside must reach it, and
compendium-tui exits 3 with it, saying nothing.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def tree(token: str, comp_pid: int) -> list[int]:
    """Live processes of the traced tree (compendium-tui's argv has the token too)."""
    return [p for p in common.pids_with_token(token) if p != comp_pid]

ROUNDS = 10
# root, 3 x (child + 2 grandchildren), vfork pair, zombie leader, stopper, forkers
TREE_SIZE = 1 + 3 * 3 + 2 + 1 + 1 + 8


def one_round(n: int) -> list[str]:
    token = f"killtree-{uuid.uuid4().hex[:12]}"
    cmd = [*common.compendium(), "-o", os.devnull, "--", common.tracee("killtree"), token]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    probs: list[str] = []
    try:
        line = proc.stdout.readline()
        if line != b"killtree: ready\n":
            return [f"round {n}: tree did not start: {line!r}"]
        if not common.wait_until(lambda: len(tree(token, proc.pid)) >= TREE_SIZE, 10):
            return [f"round {n}: only {len(tree(token, proc.pid))} of the "
                    f"{TREE_SIZE}+ tree processes appeared"]
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
        alive = tree(token, proc.pid)
        if proc.poll() is not None:
            probs.append(f"round {n}: compendium-tui exited ({proc.returncode}) after the "
                         "first SIGINT, which the traced root ignores")
        if len(alive) < TREE_SIZE:
            probs.append(f"round {n}: after the first SIGINT only {len(alive)} tree "
                         "processes are alive (the root ignores SIGINT)")
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            left = tree(token, proc.pid)
            states = {p: common.proc_state(p) for p in left}
            probs.append(f"round {n}: compendium-tui still running 10 s after the second "
                         f"SIGINT; tree processes left: {states}")
            return probs
        if proc.returncode != 128 + signal.SIGKILL:
            probs.append(f"round {n}: compendium-tui exited {proc.returncode}, expected "
                         f"{128 + signal.SIGKILL}")
        lines = err.decode(errors="replace").splitlines()
        if len(lines) != 1 or "killed by SIGKILL" not in lines[0]:
            probs.append(f"round {n}: stderr {lines!r}, expected one line saying "
                         "'killed by SIGKILL'")
        if not common.wait_until(lambda: not tree(token, proc.pid), 5):
            left = tree(token, proc.pid)
            probs.append(f"round {n}: tree processes still alive after compendium-tui "
                         f"exited: {{pid: state}} = "
                         f"{ {p: common.proc_state(p) for p in left} }")
        return probs
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        common.kill_quietly(tree(token, proc.pid))


def first_reaches_root() -> list[str]:
    """One SIGINT from outside reaches a root that acts on it."""
    token = f"sigint-{uuid.uuid4().hex[:12]}"
    script = "trap 'exit 3' INT; while :; do sleep 0.05; done"
    cmd = [*common.compendium(), "-o", os.devnull, "--", "sh", "-c", script, "sh", token]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        if not common.wait_until(lambda: len(tree(token, proc.pid)) >= 1, 10):
            return ["the traced shell did not start"]
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            return ["a first SIGINT from outside did not reach the traced root in 10 s"]
        if proc.returncode != 3 or err:
            return [f"after one SIGINT: exit {proc.returncode}, stderr {err!r}; expected "
                    "exit 3 (the root's trap) and nothing said"]
        return []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        common.kill_quietly(tree(token, proc.pid))


def main() -> int:
    common.require_tracing()
    problems = []
    for n in range(1, ROUNDS + 1):
        problems += one_round(n)
    problems += first_reaches_root()
    return common.finish(problems, f"second SIGINT killed the whole tree ({ROUNDS} rounds); "
                         "a first one reached the root")


if __name__ == "__main__":
    sys.exit(main())
