#!/usr/bin/env python3
"""-p takes in the processes the target started that still run, and theirs.

The target is a shell (R) that started a second shell (C), which runs a
python program (G) blocked opening a FIFO; R also started a sleep (S).
compendium-tui -p R --json -o OUT attaches; once OUT names G (described at
the attach), the test opens the FIFO and writes 3 bytes: G reads them,
writes 12,345 bytes to a file and exits, C and R end after it (S is
killed).  The summary must hold R, C under R, G under C (python, exit 0)
and S under R, the file written by G with its 12,345 bytes, the FIFO's 3
bytes read (IPC), and, with the kernel engine, 0 stops and G never ptraced.

Then detaching: the same tree again, compendium-tui -p R, SIGINT once G is
in OUT: it must exit 0 and leave every process of the tree running, none
stopped (state t or T) or traced (TracerPid 0).
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GRAND = """
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
got = os.read(fd, 100)
with open(sys.argv[2], "wb") as f:
    f.write(b"x" * 12345)
"""


def descendants(root: int) -> dict[int, int]:
    """pid -> ppid of every live process under root."""
    parent = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] not in "ZX":
                parent[int(name)] = int(fields[1])
    out, todo = {}, [root]
    while todo:
        p = todo.pop()
        for c, pp in parent.items():
            if pp == p:
                out[c] = p
                todo.append(c)
    return out


def start_tree(tmp: str) -> tuple[subprocess.Popen, dict[str, int]]:
    """R, C, G and S as in the docstring; their pids once G blocks."""
    script = os.path.join(tmp, "grand.py")
    with open(script, "w") as fh:
        fh.write(GRAND)
    fifo, out = os.path.join(tmp, "fifo"), os.path.join(tmp, "written")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    inner = f"{sys.executable} {script} {fifo} {out}; echo done >/dev/null"
    root = subprocess.Popen(["sh", "-c", f"sh -c '{inner}' & sleep 60 & wait"],
                            start_new_session=True)
    pids = {}

    def found() -> bool:
        tree = descendants(root.pid)
        for pid, pp in tree.items():
            cmd = common._cmdline(pid)
            if b"grand.py" in cmd and cmd.startswith(sys.executable.encode()):
                pids["G"], pids["C"] = pid, pp
            elif cmd.startswith(b"sleep\x0060"):
                pids["S"] = pid
        return len(pids) == 3 and common.proc_state(pids["G"]) == "S"

    if not common.wait_until(found, 10):
        os.killpg(root.pid, signal.SIGKILL)
        root.wait()
        return root, {}
    pids["R"] = root.pid
    return root, pids


def named(out: str, pid: int) -> bool:
    try:
        with open(out) as fh:
            return f'"pid":{pid},' in fh.read()
    except OSError:
        return False


def attached(tmp: str, name: str):
    """The tree started and compendium-tui -p R --json -o tmp/NAME attached
    to it (the grandchild in its output): (root, pids, comp, out), or a
    problem (everything stopped again)."""
    root, pids = start_tree(tmp)
    if not pids:
        return None, "the target's tree did not start within 10 s"
    out = os.path.join(tmp, name)
    comp = subprocess.Popen([*common.compendium(), "-p", str(root.pid), "--json", "-o", out],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    if not common.wait_until(lambda: named(out, pids["G"]), 10):
        stop(root, pids, comp)
        return None, f"{name}: the grandchild (pid {pids['G']}) is not in the output 10 s after -p"
    return (root, pids, comp, out), None


def stop(root: subprocess.Popen, pids: dict[str, int], comp: subprocess.Popen) -> None:
    """Kill what is left of the tree and of compendium-tui."""
    common.kill_quietly([root.pid, *pids.values()])
    root.wait()
    if comp.poll() is None:
        os.killpg(comp.pid, signal.SIGKILL)
        comp.wait()


def traced_run(tmp: str) -> list[str]:
    run, problem = attached(tmp, "run.jsonl")
    if problem:
        return [problem]
    root, pids, comp, out = run
    problems, tracer_pids = [], set()
    try:
        tracer_pids.add(common.proc_field(pids["G"], "TracerPid"))
        with open(os.path.join(tmp, "fifo"), "wb") as fh:
            fh.write(b"go\n")
        common.wait_until(lambda: not common.alive(pids["G"]), 10)
        tracer_pids.add(common.proc_field(pids["G"], "TracerPid"))
        os.kill(pids["S"], signal.SIGKILL)
        root.wait(timeout=10)
        _, err = comp.communicate(timeout=20)
    finally:
        stop(root, pids, comp)
    if comp.returncode != 0:
        return [f"compendium-tui -p exited {comp.returncode}: {err.decode(errors='replace')}"]
    with open(out) as fh:
        summary = json.loads(fh.read().splitlines()[-1])
    procs = {p["pid"]: p for p in summary.get("processes", [])}
    want = {"C": pids["R"], "G": pids["C"], "S": pids["R"]}
    if pids["R"] not in procs:
        problems.append(f"the target {pids['R']} is not in the summary")
    for who, parent in want.items():
        p = procs.get(pids[who])
        if p is None or p.get("ppid") != parent:
            problems.append(f"{who} (pid {pids[who]}) in the summary as {p}, "
                            f"expected it under {parent}")
    g = procs.get(pids["G"]) or {}
    if "python3" not in os.path.basename(g.get("exe") or "") or \
            (g.get("exit") or {}).get("code") != 0:
        problems.append(f"G in the summary as {g}, expected python3 exiting 0")
    files = {f["path"]: f for f in summary.get("files", [])}
    w = files.get(os.path.realpath(os.path.join(tmp, "written"))) or {}
    if w.get("written_bytes") != 12345 or w.get("opened_for") != "w":
        problems.append(f"the file G wrote: {w}, expected 12345 bytes written")
    io = summary.get("io") or {}
    if io.get("ipc_read_bytes") != 3:
        problems.append(f"io {io}, expected the FIFO's 3 bytes as IPC read")
    if common.kernel_engine():
        if summary.get("tracer", {}).get("stops") != 0:
            problems.append(f"kernel engine: tracer {summary.get('tracer')}, expected 0 stops")
        if tracer_pids - {"0", None}:
            problems.append(f"kernel engine: G's TracerPid {tracer_pids}, expected 0")
    return problems


def detach_run(tmp: str) -> list[str]:
    run, problem = attached(tmp, "detach.jsonl")
    if problem:
        return [problem]
    root, pids, comp, _ = run
    problems = []
    try:
        time.sleep(0.3)
        comp.send_signal(signal.SIGINT)
        try:
            _, err = comp.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            return ["detach: compendium-tui did not exit within 10 s of SIGINT"]
        if comp.returncode != 0:
            problems.append(f"detach: exit {comp.returncode}: {err.decode(errors='replace')}")
        time.sleep(0.2)
        for who, pid in pids.items():
            state, tracer = common.proc_state(pid), common.proc_field(pid, "TracerPid")
            if state is None:
                problems.append(f"detach: {who} (pid {pid}) is gone")
            elif state in ("t", "T") or tracer != "0":
                problems.append(f"detach: {who} (pid {pid}) left in state {state}, "
                                f"TracerPid {tracer}")
    finally:
        stop(root, pids, comp)
    return problems


def main() -> int:
    common.require_tracing()
    tmp = tempfile.mkdtemp(prefix="compendium-tree-")
    try:
        problems = traced_run(tmp)
        problems += detach_run(tmp)
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
    return common.finish(problems, "-p takes in the target's running descendants")


if __name__ == "__main__":
    sys.exit(main())
