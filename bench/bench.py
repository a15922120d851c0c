#!/usr/bin/env python3
"""Tracer overhead benchmark: untraced vs strace -f vs compendium-tui.

    python3 bench/bench.py [--pairs N] [--only NAME,...] [--compendium PATH] [--ebpf] [--kernel]
    python3 bench/bench.py --startup [--compendium PATH]

Each workload runs untraced (A), under `strace -f -o /dev/null` (B), under
`compendium-tui --engine ptrace --batch -o /dev/null` (C), the same with
--no-follow-cpu (F), and, where --ebpf loads, with --ebpf (D), interleaved
for N rounds (default 5).  The table shows the median wall time of each and
the medians of the per-round ratios, so a noisy machine moves them alike;
C/strace is marked "over" past its goal (PTRACE_GOAL).  It also checks that
compendium-tui's --json summary of each workload is the same with and
without its seccomp filter, and with and without --no-follow-cpu (files,
bytes, connections, processes, exit), which neither may change.

With --ebpf (root), the same workloads made to run about a second untraced
(so start-up is amortised), and two more (gcc compiling one small file,
find | xargs cat of /usr/include), run untraced (A) and under
`compendium-tui --ebpf --batch -o /dev/null` (D), where the kernel counts
the read/write family and those calls never stop; the table shows
D/untraced, and the --json summary with --ebpf must equal the one without.

With --kernel (root), those long workloads run untraced (A) and under
`compendium-tui --engine kernel --json -o FILE` (K), interleaved; the table
shows K/untraced against the kernel engine's goal, its stops (0), and
whether every K run's --json summary equals the ptrace engine's (files,
bytes, connections, processes, exits).  It ends with the start-up: the
median wall time of `compendium-tui --engine kernel -- true` (at least 11
runs, interleaved with `true` and the ptrace engine), "over" and a failing
exit status past its goal (KERNEL_START_GOAL).  --startup measures only that.  --ebpf and
--kernel together run the ptrace engine's reference once per workload.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def make_c_project(root):
    """A small C project with 24 translation units and a Makefile."""
    os.makedirs(root, exist_ok=True)
    objs = []
    for i in range(24):
        with open(os.path.join(root, f"u{i}.c"), "w") as f:
            f.write("#include <stdio.h>\n#include <string.h>\n#include <stdlib.h>\n")
            f.write(f"int u{i}(int x) {{ char b[64]; snprintf(b, sizeof b, \"%d\", x);"
                    f" return (int)strlen(b) + {i}; }}\n")
        objs.append(f"u{i}.o")
    with open(os.path.join(root, "main.c"), "w") as f:
        f.write("int main(void) { return 0; }\n")
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write(f"prog: main.o {' '.join(objs)}\n\t$(CC) -o $@ $^\n")
        f.write("%.o: %.c\n\t$(CC) -O1 -c -o $@ $<\n")
        f.write("clean:\n\trm -f *.o prog\n")


def make_git_repo(root):
    """A git repository with 150 commits touching a few files each."""
    os.makedirs(root, exist_ok=True)
    env = dict(os.environ, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b",
               GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@b")
    subprocess.run(["git", "init", "-q", root], check=True, env=env)
    for i in range(150):
        for k in range(3):
            with open(os.path.join(root, f"f{(i + k) % 20}.txt"), "a") as f:
                f.write(f"line {i} {k}\n" * 5)
        subprocess.run(["git", "-C", root, "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", root, "commit", "-qm", f"c{i}"], check=True, env=env)


def workloads(tmp, long=False):
    """(name, argv, cwd, reset-callable-or-None); long: about a second each."""
    proj = os.path.join(tmp, "cproj")
    repo = os.path.join(tmp, "repo")
    make_c_project(proj)
    make_git_repo(repo)
    clean = lambda: subprocess.run(["make", "-s", "-C", proj, "clean"], check=True)
    times = lambda n, cmd: ["sh", "-c", f"for i in $(seq {n}); do {cmd}; done"]
    if long:
        return [
            ("dd", ["dd", "if=/dev/zero", "of=/dev/null", "bs=512", "count=2000000"], tmp, None),
            ("tar", times(4, f"tar cf {tmp}/inc.tar /usr/include"), tmp, None),
            ("python", times(15, "python3 -c 'import json, http.server'"), tmp, None),
            ("git", times(40, "git log -1000 --stat >/dev/null"), repo, None),
            ("make", times(3, f"make -s -C {proj} clean; make -s -j2 -C {proj} prog"), tmp,
             clean),
            ("gcc", times(40, f"gcc -O1 -c -o {tmp}/u.o {proj}/u0.c"), tmp, None),
            ("find|cat", times(5, "find /usr/include -type f -print0 | xargs -0 cat >/dev/null"),
             tmp, None),
        ]
    return [
        ("dd", ["dd", "if=/dev/zero", "of=/dev/null", "bs=512", "count=100000"], tmp, None),
        ("tar", ["tar", "cf", os.path.join(tmp, "inc.tar"), "/usr/include"], tmp, None),
        ("python", ["python3", "-c", "import json, http.server"], tmp, None),
        ("git", ["git", "log", "-100", "--stat"], repo, None),
        ("make", ["make", "-s", "-j2", "prog"], proj, clean),
        ("gcc", ["gcc", "-O1", "-c", "-o", os.path.join(tmp, "u.o"), os.path.join(proj, "u0.c")],
         tmp, None),
        ("find|cat", ["sh", "-c", "find /usr/include -type f -print0 | xargs -0 cat >/dev/null"],
         tmp, None),
    ]


def timed(argv, cwd, reset):
    if reset:
        reset()
    t0 = time.perf_counter()
    r = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} failed with {r.returncode}")
    return dt


def timed_cpu(argv, cwd, reset):
    """Wall seconds of argv, and the CPU seconds (user + system) it and every
    process it waited for used: a figure that moves far less than the wall
    time when other programs share the machine."""
    if reset:
        reset()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(argv)} failed with {p.returncode}")
    return dt, ru.ru_utime + ru.ru_stime


def comparable(summary):
    """The parts of a summary the seccomp filter must not change."""
    def tmpname(a):   # compiler temporaries are named at random
        return re.sub(r"/tmp/cc[A-Za-z0-9]{6}", "/tmp/cc*", a)
    procs = sorted((p["exe"], tuple(map(tmpname, p["argv"])), p["threads"],
                    json.dumps(p["exit"])) for p in summary["processes"])
    files = sorted((f["path"], f["opened_for"], f["read_bytes"], f["written_bytes"])
                   for f in summary["files"] if not f["path"].startswith("/tmp/cc"))
    conns = sorted((c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
                   for c in summary["connections"])
    io = dict(summary["io"])
    if any(p["exe"].endswith("/make") for p in summary["processes"]):
        # make -j's jobserver passes tokens through a pipe as jobs happen to end
        io.pop("ipc_read_bytes"), io.pop("ipc_written_bytes")
    # gcc hashes pointers, so with address randomisation its heap differs a
    # little from run to run, traced or not; mappings do not
    mem = {k: v for k, v in summary["memory"].items() if k != "heap_bytes"}
    return {"exit": summary["exit"], "io": io, "memory": mem, "procs": procs,
            "files": files, "conns": conns}


def json_summary(comp, extra, argv, cwd, reset):
    if reset:
        reset()
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as out:
        subprocess.run([comp, "--json", "-o", out.name] + extra + ["--"] + argv, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        last = open(out.name).read().splitlines()[-1]
    return json.loads(last)


def ebpf_works(comp):
    """None when --ebpf loads here, else why not."""
    probe = subprocess.run([comp, "--ebpf", "--batch", "-o", "/dev/null", "--", "true"],
                           capture_output=True, text=True)
    if os.geteuid() != 0 or "--ebpf" in probe.stderr:
        return probe.stderr.strip() or "it needs root"
    return None


def ptrace_reference(comp, refs, name, argv, cwd, reset):
    """The comparable --json summary of a workload under the ptrace engine
    (computed once per workload: refs keeps it for the other table)."""
    if name not in refs:
        refs[name] = comparable(json_summary(comp, [], argv, cwd, reset))
    return refs[name]


def ebpf_table(comp, pairs, work, refs):
    """Untraced vs --ebpf on the long workloads; True when every JSON agrees."""
    why = ebpf_works(comp)
    if why:
        print(f"bench: no --ebpf table here: {why}")
        return True
    rows = []
    for name, argv, cwd, reset in work:
        ta, td = [], []
        for _ in range(pairs):
            ta.append(timed(argv, cwd, reset))
            td.append(timed([comp, "--engine", "ptrace", "--ebpf", "--batch", "-o", "/dev/null",
                             "--"] + argv, cwd, reset))
        same = comparable(json_summary(comp, ["--engine", "ptrace", "--ebpf"], argv, cwd,
                                       reset)) == \
            ptrace_reference(comp, refs, name, argv, cwd, reset)
        rows.append((name, statistics.median(ta), statistics.median(td),
                     statistics.median(d / u for u, d in zip(ta, td)), same))
    print(f"{'workload':10} {'untraced':>9} {'--ebpf':>9} {'ebpf/untraced':>14} {'same JSON':>10}")
    for name, a_, d_, da, same in rows:
        print(f"{name:10} {a_:8.3f}s {d_:8.3f}s {da:14.2f} {'yes' if same else 'NO':>10}")
    print(f"(median of {pairs} interleaved rounds; same JSON: --ebpf summary equals ptrace mode's)")
    return all(r[-1] for r in rows)


# The kernel engine's cost goals: traced time over untraced time (dd of
# 512-byte blocks makes a system call per block; every other workload at
# most 1.10), and its start-up in seconds.
KERNEL_GOAL = {"dd": 1.5, "git": None}
KERNEL_GOAL_DEFAULT = 1.10
KERNEL_START_GOAL = 0.050
# The ptrace engine's: its time over strace -f's.
PTRACE_GOAL = 0.5


def json_run(comp, extra, argv, cwd, reset, out):
    """Wall and CPU seconds of a traced run writing --json to out, and its summary."""
    dt, cpu = timed_cpu([comp, "--json", "-o", out] + extra + ["--"] + argv, cwd, reset)
    with open(out) as f:
        last = f.read().splitlines()[-1]
    return dt, cpu, json.loads(last)


def startup(comp, runs):
    """Medians of `true` untraced, under ptrace and under --engine kernel:
    wall seconds, and the kernel engine's CPU seconds ("kernel_cpu")."""
    t = {"true": [], "ptrace": [], "kernel": [], "kernel_cpu": []}
    for _ in range(runs):
        t["true"].append(timed(["true"], "/", None))
        t["ptrace"].append(timed([comp, "--engine", "ptrace", "--batch", "-o", "/dev/null", "--",
                                  "true"], "/", None))
        dt, cpu = timed_cpu([comp, "--engine", "kernel", "--batch", "-o", "/dev/null", "--",
                             "true"], "/", None)
        t["kernel"].append(dt)
        t["kernel_cpu"].append(cpu)
    return {k: statistics.median(v) for k, v in t.items()}


def kernel_row(comp, pairs, name, argv, cwd, reset, tmp, refs):
    """One workload untraced and under --engine kernel, interleaved; each
    kernel run's --json summary checked against the ptrace engine's."""
    want = ptrace_reference(comp, refs, name, argv, cwd, reset)
    ta, tk, ca, ck, bad, stops = [], [], [], [], 0, 0
    out = os.path.join(tmp, "kernel.jsonl")
    for _ in range(pairs):
        dt, cpu = timed_cpu(argv, cwd, reset)
        ta.append(dt)
        ca.append(cpu)
        dt, cpu, summary = json_run(comp, ["--engine", "kernel"], argv, cwd, reset, out)
        tk.append(dt)
        ck.append(cpu)
        bad += comparable(summary) != want
        stops += summary["tracer"]["stops"]
    goal = KERNEL_GOAL.get(name, KERNEL_GOAL_DEFAULT)
    ratio = statistics.median(k / u for u, k in zip(ta, tk))
    cpu_ratio = statistics.median(k / u for u, k in zip(ca, ck))
    return (name, statistics.median(ta), statistics.median(tk), ratio, cpu_ratio, goal, stops,
            bad)


def kernel_table(comp, pairs, work, tmp, refs):
    """Untraced vs --engine kernel on the long workloads, and its start-up;
    True when every kernel run's summary agrees with the ptrace engine's."""
    why = ebpf_works(comp)
    if why:
        print(f"bench: no --engine kernel table here: {why}")
        return True
    bad_any = False
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'workload':10} {'untraced':>9} {'kernel':>9} {'kernel/untr':>12} {'goal':>6} "
          f"{'CPU ratio':>10} {'stops':>6} {'same JSON':>10}", flush=True)
    for name, argv, cwd, reset in work:
        _, a_, k_, ratio, cpu, goal, stops, bad = kernel_row(comp, pairs, name, argv, cwd,
                                                             reset, tmp, refs)
        g = f"{goal:.2f}" if goal else "-"
        mark = "" if not goal or ratio <= goal else " over"
        print(f"{name:10} {a_:8.3f}s {k_:8.3f}s {ratio:12.2f} {g:>6} {cpu:10.2f} {stops:6d} "
              f"{'yes' if not bad else f'NO ({bad})':>10}{mark}", flush=True)
        bad_any = bad_any or bad > 0
    start_ok = startup_line(comp, max(pairs, 11))
    print(f"(median of {pairs} interleaved pairs; kernel/untraced: median of per-pair ratios of "
          "wall time; CPU ratio: the same of CPU time, compendium-tui's own included; same "
          "JSON: every kernel run's --json summary equals the ptrace engine's; load average "
          f"{os.getloadavg()[0]:.1f} at the end)")
    return not bad_any and start_ok


def startup_line(comp, runs):
    """Print the kernel engine's start-up against its goal; True within it."""
    st = startup(comp, runs)
    over = st["kernel"] > KERNEL_START_GOAL
    print(f"start-up: compendium-tui --engine kernel -- true {st['kernel'] * 1000:.0f} ms "
          f"(goal {KERNEL_START_GOAL * 1000:.0f} ms; {st['kernel_cpu'] * 1000:.0f} ms of CPU; "
          f"ptrace {st['ptrace'] * 1000:.0f} ms, true alone {st['true'] * 1000:.1f} ms; "
          f"median of {runs} interleaved runs){' over' if over else ''}", flush=True)
    return not over


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--only", default="")
    ap.add_argument("--compendium", default=os.path.join(os.getcwd(), "compendium-tui"))
    ap.add_argument("--extra", default="", help="extra compendium-tui options")
    ap.add_argument("--ebpf", action="store_true",
                    help="untraced vs --ebpf on workloads of about a second (root)")
    ap.add_argument("--kernel", action="store_true",
                    help="untraced vs --engine kernel on workloads of about a second, "
                    "and its start-up (root)")
    ap.add_argument("--startup", action="store_true",
                    help="only the kernel engine's start-up against its goal (root)")
    a = ap.parse_args()
    if a.startup:
        why = ebpf_works(os.path.abspath(a.compendium))
        if why:
            sys.exit(f"bench: no kernel engine start-up here: {why}")
        return 0 if startup_line(os.path.abspath(a.compendium), max(a.pairs, 11)) else 1
    if not shutil.which("strace"):
        sys.exit("bench: strace is needed (apt-get install strace)")
    comp = os.path.abspath(a.compendium)
    extra = a.extra.split()
    tmp = tempfile.mkdtemp(prefix="compendium-bench-")
    try:
        if a.ebpf or a.kernel:
            work = [w for w in workloads(tmp, long=True) if not a.only or w[0] in a.only.split(",")]
            refs = {}
            ok = not a.ebpf or ebpf_table(comp, a.pairs, work, refs)
            ok = (not a.kernel or kernel_table(comp, a.pairs, work, tmp, refs)) and ok
            return 0 if ok else 1
        rows = []
        ebpf = ebpf_works(comp) is None
        ptrace = [comp, "--engine", "ptrace", "--batch", "-o", "/dev/null"] + extra
        for name, argv, cwd, reset in workloads(tmp):
            if a.only and name not in a.only.split(","):
                continue
            ta, tb, tc, tf, td = [], [], [], [], []
            for _ in range(a.pairs):
                ta.append(timed(argv, cwd, reset))
                tb.append(timed(["strace", "-f", "-o", "/dev/null"] + argv, cwd, reset))
                tc.append(timed(ptrace + ["--"] + argv, cwd, reset))
                tf.append(timed(ptrace + ["--no-follow-cpu", "--"] + argv, cwd, reset))
                if ebpf:
                    td.append(timed(ptrace + ["--ebpf", "--"] + argv, cwd, reset))
            pt = ["--engine", "ptrace"] + extra
            want = comparable(json_summary(comp, pt, argv, cwd, reset))
            same = all(comparable(json_summary(comp, pt + [o], argv, cwd, reset)) == want
                       for o in ("--no-seccomp", "--no-follow-cpu"))
            per = lambda xs, ys: statistics.median(x / y for x, y in zip(xs, ys))
            rows.append((name, statistics.median(ta), statistics.median(tb),
                         statistics.median(tc), per(tc, tb), per(tf, tb), per(tc, ta),
                         per(tb, ta), per(td, tb) if ebpf else float("nan"), same))
        print(f"{'workload':10} {'untraced':>9} {'strace -f':>10} {'compendium':>11} "
              f"{'C/strace':>9} {'goal':>5} {'no follow':>10} {'C/untraced':>11} "
              f"{'strace/untr':>12} {'ebpf/strace':>12} {'same JSON':>10}")
        for name, a_, b_, c_, cb, fb, ca, ba, db, same in rows:
            over = " over" if cb > PTRACE_GOAL else ""
            print(f"{name:10} {a_:8.3f}s {b_:9.3f}s {c_:10.3f}s {cb:9.2f} {PTRACE_GOAL:5.2f} "
                  f"{fb:10.2f} {ca:11.2f} {ba:12.2f} {db:12.2f} "
                  f"{'yes' if same else 'NO':>10}{over}")
        print("(compendium: --engine ptrace; no follow: the same with --no-follow-cpu, over "
              "strace's time; ebpf: --engine ptrace --ebpf, the read/write, mmap and open "
              "families captured in the kernel; same JSON: the summary with --no-seccomp and "
              "with --no-follow-cpu equals the default's)")
        print(f"(median of {a.pairs} interleaved rounds; ratios are medians of per-round ratios; "
              f"load average {os.getloadavg()[0]:.1f} at the end)")
        return 0 if all(r[-1] for r in rows) else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
