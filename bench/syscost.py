#!/usr/bin/env python3
"""What the kernel engine costs one system call (needs root).

    python3 bench/syscost.py [--rounds N] [--compendium PATH] [--prog-stats]

Builds bench/syscost.c and runs it, interleaved for N rounds (default 7):
untraced; traced by `compendium-tui --engine kernel`; and untraced while
another `compendium-tui --engine kernel` traces `sleep`, which is what
every other process on the machine pays while the engine runs.  syscost
prints ns per call, the fastest of 20 batches; the table shows the median
over the rounds.  With --prog-stats it also turns kernel.bpf_stats_enabled
on for one traced run and prints the engine's programs' own run time per
run (their average over every system call on the machine meanwhile, the
kernel's two clock reads per run included), then puts the setting back.
Programs of other tracers attached to sys_enter or sys_exit at the same
time add to every figure: the script says when it saw some.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def build(tmp):
    """Compile syscost.c; its path."""
    exe = os.path.join(tmp, "syscost")
    subprocess.run(["cc", "-O2", "-o", exe, os.path.join(HERE, "syscost.c")], check=True)
    return exe


def parse(text):
    """syscost's "name ns name ns ..." line as a dict."""
    w = text.split()
    return {w[i]: float(w[i + 1]) for i in range(0, len(w) - 1, 2)}


def run(argv):
    return parse(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)


def links():
    """bpftool's list of attached BPF links."""
    out = subprocess.run(["bpftool", "-j", "link", "show"], capture_output=True, text=True)
    return json.loads(out.stdout or "[]")


def prog_ids(pid):
    """Ids of the BPF programs process pid holds."""
    ids = set()
    for fd in os.listdir(f"/proc/{pid}/fdinfo"):
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                ids |= {int(x.split()[1]) for x in f if x.startswith("prog_id")}
        except OSError:
            pass
    return ids


def foreign(own):
    """Programs attached to sys_enter or sys_exit but not by process own (0: none)."""
    mine = prog_ids(own) if own else set()
    return sum(1 for k in links() if k.get("tp_name") in ("sys_enter", "sys_exit") and
               k.get("prog_id") not in mine)


def beside(comp, exe):
    """syscost untraced while the kernel engine traces sleep."""
    bg = subprocess.Popen([comp, "--engine", "kernel", "--batch", "-o", "/dev/null", "--",
                           "sleep", "60"], stderr=subprocess.DEVNULL)
    time.sleep(0.5)   # (loaded and attached well before this)
    try:
        return run([exe]), foreign(bg.pid)
    finally:
        bg.terminate()
        bg.wait()


def prog_stats(comp, exe):
    """ns per run of each of the engine's programs over one traced syscost."""
    old = open("/proc/sys/kernel/bpf_stats_enabled").read().strip()
    # the command's parent is the tracer: its program fds name its programs
    script = (f"{exe} >/dev/null; cat /proc/$PPID/fdinfo/* | grep '^prog_id'; "
              "bpftool -j prog show")
    try:
        with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
            f.write("1")
        tracer = subprocess.Popen([comp, "--engine", "kernel", "--batch", "-o", "/dev/null",
                                   "--", "sh", "-c", script], stdout=subprocess.PIPE, text=True)
        out, _ = tracer.communicate()
    finally:
        with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
            f.write(old)
    lines = out.splitlines()
    ids = {int(x.split()[1]) for x in lines if x.startswith("prog_id")}
    rows = []
    for p in json.loads(lines[-1] if lines else "[]"):
        if p.get("id") in ids and p.get("run_cnt"):
            rows.append((p["name"], p["run_cnt"], p["run_time_ns"] / p["run_cnt"]))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--compendium", default=os.path.join(os.getcwd(), "compendium-tui"))
    ap.add_argument("--prog-stats", action="store_true")
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("syscost: the kernel engine needs root")
    if not shutil.which("bpftool"):
        sys.exit("syscost: bpftool is needed (apt-get install bpftool)")
    comp = os.path.abspath(a.compendium)
    tmp = tempfile.mkdtemp(prefix="compendium-syscost-")
    try:
        exe = build(tmp)
        res = {"untraced": [], "beside the engine": [], "traced": []}
        seen = 0
        for _ in range(a.rounds):
            seen = max(seen, foreign(0))
            res["untraced"].append(run([exe]))
            res["traced"].append(run([comp, "--engine", "kernel", "--batch", "-o", "/dev/null",
                                      "--", exe]))
            got, others = beside(comp, exe)
            res["beside the engine"].append(got)
            seen = max(seen, others)
        ops = list(res["untraced"][0])
        print(f"{'ns per call':20}" + "".join(f"{o:>12}" for o in ops))
        for k, v in res.items():
            print(f"{k:20}" + "".join(f"{statistics.median(x[o] for x in v):12.0f}" for o in ops))
        print(f"(median of {a.rounds} rounds of the fastest of 20 batches)")
        if seen:
            print(f"syscost: other tracers had {seen} programs attached to sys_enter or sys_exit "
                  "meanwhile; the figures include what theirs cost")
        if a.prog_stats:
            print("program run time, one traced syscost (kernel.bpf_stats_enabled):")
            for name, cnt, ns in prog_stats(comp, exe):
                print(f"  {name:20} {cnt:10d} runs {ns:8.1f} ns per run")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
