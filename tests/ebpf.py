#!/usr/bin/env python3
"""Accuracy tests of compendium-tui --ebpf against figures known elsewhere.

    python3 tests/ebpf.py CASE     run one case (exit 0 pass, 1 fail,
                                   77 skipped with the reason, 99 harness error)
    python3 tests/ebpf.py --list   list the cases

Cases (all need root and a kernel where --ebpf loads; CI runs as root):
  contention  a SCHED_FIFO hog and a probe share CPU 1; the probe is woken
              from CPU 0 N times and times each wait itself: compendium-tui
              reports exactly N wake-up waits of the probe's tid, each within
              1 ms (plus any stall of CPU 1's vCPU the hog measured); with a
              1 ms threshold, no wait shorter
  schedstat   spinners and sleepers pinned to one CPU: per thread, the
              sched_delay events (threshold 0) add up to the kernel's
              /proc/PID/task/TID/schedstat run_delay within 3%
  directio    O_DIRECT reads and writes of known sizes on a loop device,
              some submitted by io_uring's worker threads: block_io counts
              and bytes exact, per op and size, while an untraced process
              does I/O on the same device; dd bs=64k count=64 oflag=direct
              five times: 64 requests and 4 MiB each time; dd of 4 MiB
              buffered then fsync: every byte the device wrote counted for
              dd, whoever issued the requests
  storm       forks, threads, a non-leader exec: every task has a measured
              wait and every process a histogram in the summary
  lanes       a process with a child and a thread that end long before it
              does, run 5 times: every task has exactly one lane in the
              report and in the trace export and the summary lists exactly
              its two processes, though the kernel's samples about the
              child and the thread come after their exit records (or before
              their fork records); their last writes count in full
  fallback    as an unprivileged user: one sentence saying why --ebpf is off,
              and the trace itself still complete, exit status kept
  e2e         the end-to-end cases of tests/e2e.py about files, sockets,
              pipes, fds, memory, processes and threads, and tests/faults.py,
              again with --ebpf, where the kernel captures the read/write,
              mmap and open families: every figure still equals strace's
              (and the kernel's fault counts)
  live        a program writes 14 B to a TCP socket, 7 B to a pipe and 5 B
              to a file once, keeps them open and sleeps: read live, the
              --json stream has the three writes within 250 ms, while the
              program still sleeps, and each is counted once by the end
  flood       a program opens one of 1000 files, writes 1 byte and closes
              it, 200,000 times, while the reader of compendium-tui's output
              stalls for 1.5 s (and once without a stall, and once forking
              and exec'ing /bin/true 20 times during the flood), in --json
              and line output: nothing dropped, exactly 200,000 opens and
              bytes written; the program was held back instead, and says so;
              held, it is frozen in a group of its own, but before and after
              it reads its own /proc/self/cgroup as untraced (--ebpf and the
              kernel engine); two floods at once under --ebpf, every
              process's exit followed; then 1,000,000 cycles with 50 fork+execs, nothing dropped;
              then with --engine kernel, 3,000,000 cycles (about 6,000,000
              records) in --json and 200,000 with 20 fork+execs in line
              output, the reader stalled: 0 dropped, every open and byte
              counted.
              Where it cannot be held back (no cgroup2 mount, in a mount
              namespace without one; the output unread until the flood is
              over), the drops are counted and the summary says the totals
              are incomplete
  io          for each program, the --ebpf summary (I/O totals, bytes per
              file, per connection, heap and mappings, processes, exit)
              equals ptrace mode's exactly,
              with far fewer ptrace stops (dd: fewer than 1000 for 200,000
              read/write calls; python: fewer than 100 for its hundreds of
              opens, mmaps and reads)

A wait the kernel never reported (some kernels run a task without the
sched_switch tracepoint on a few paths) is counted in "dropped"; where a
case expects an exact count, it accepts a shortfall only when "dropped"
accounts for it, and says so.

Environment: COMPENDIUM (default ./compendium-tui), TRACEE_DIR (default
tests/tracees), E2E_KEEP=1 keeps the scratch directory.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
EXIT_OK, EXIT_FAIL, EXIT_SKIP, EXIT_ERROR = 0, 1, 77, 99
HERE = os.path.dirname(os.path.abspath(__file__))


class Skip(Exception):
    """The case cannot run here; the message says why."""


class HarnessError(Exception):
    """Something is wrong with the test setup, not with compendium-tui."""


class Failure(Exception):
    """compendium-tui failed in a way that ends the case at once (it hung)."""


def compendium() -> list[str]:
    return shlex.split(os.environ.get("COMPENDIUM") or "./compendium-tui")


def tracee(name: str) -> str:
    path = os.path.join(os.environ.get("TRACEE_DIR") or os.path.join(HERE, "tracees"), name)
    if not os.access(path, os.X_OK):
        raise HarnessError(f"tracee {path} not built (set TRACEE_DIR?)")
    return path


def need_root() -> None:
    if os.geteuid() != 0:
        raise Skip("needs root (BPF tracing programs, SCHED_FIFO, loop devices)")


def need_ebpf(work: str) -> None:
    """Skip, with compendium-tui's own sentence, when --ebpf cannot load here."""
    need_root()
    out = os.path.join(work, "probe.jsonl")
    res = subprocess.run(compendium() + ["--ebpf", "--json", "-o", out, "--", "true"],
                         capture_output=True, text=True, timeout=60)
    if "--ebpf is off" in res.stderr:
        raise Skip(res.stderr.strip().splitlines()[-1])
    if res.returncode != 0:
        raise HarnessError(f"compendium-tui --ebpf -- true failed: {res.stderr.strip()}")


def trace(work: str, args: list[str], argv: list[str], **kw) -> tuple[list[dict], dict, str]:
    """Run compendium-tui --json with args on argv; returns (events, summary, stdout)."""
    out = os.path.join(work, "trace.jsonl")
    res = subprocess.run(compendium() + args + ["--json", "-o", out, "--"] + argv,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=kw.get("timeout", 120), cwd=work)
    if res.returncode != 0:
        raise HarnessError(f"traced command failed ({res.returncode}): {res.stderr.strip()}")
    if "--ebpf is off" in res.stderr:
        raise HarnessError(f"--ebpf turned itself off: {res.stderr.strip()}")
    lines = [json.loads(line) for line in open(out, encoding="utf-8")]
    if not lines or lines[-1].get("type") != "summary":
        raise HarnessError("no summary as the last JSON object")
    return lines[:-1], lines[-1], res.stdout


def check_exact_count(what: str, got: int, want: int, dropped: int, probs: list[str]) -> None:
    """got must be want; fewer is tolerated only when dropped covers the gap."""
    if got == want:
        return
    if got < want and want - got <= dropped:
        print(f"note: {what}: {got} of {want}; the {want - got} missing are counted "
              f"in dropped ({dropped})")
        return
    probs.append(f"{what}: {got}, expected {want} (dropped {dropped})")


# --------------------------------------------------------------------------

def _mark_time(events: list[dict], path: str) -> float:
    marks = [e["t"] for e in events if e["type"] == "open" and e.get("path") == path]
    if len(marks) != 1:
        raise HarnessError(f"expected one open of {path}, saw {len(marks)}")
    return marks[0]


def _match_rounds(own_us: list[float], spread_us: list[float], stall_us: list[float],
                  got: list[list[float]], probs: list[str]) -> float:
    """Pair the probe's own waits with reported ones, round by round; returns
    the worst gap beyond the round's stamp spread.

    A round's report is its wake-up wait followed by the times it was
    preempted before it slept again.  The probe's own figure ends when it
    reads its clock, so it holds the preemptions before that and not those
    after: the report matches when the wake-up wait plus its first k
    preemptions, for some k, is within 1 ms plus the spread, plus the
    longest stall of CPU 1's vCPU the hog saw that round (a wake-up
    interrupt that lands late is no wait to the kernel, whose run queue
    the task joins only then)."""
    worst = 0.0
    for i, (d, parts) in enumerate(zip(own_us, got)):
        sums = [sum(parts[:k + 1]) for k in range(len(parts))]
        gap = min(abs(x - d) for x in sums) - spread_us[i]
        if gap > 1000 + stall_us[i]:
            probs.append(f"round {i}: the probe waited {d:.0f} us (stamps {spread_us[i]:.0f} us "
                         f"apart, CPU 1 stalled {stall_us[i]:.0f} us at most); compendium-tui "
                         f"reported {[round(x) for x in parts]} us")
        worst = max(worst, gap)
    return worst


def _probe_rounds(events: list[dict], tid: int, t0: float, t1: float) -> list[list[float]]:
    """The probe's waits between the marks: per wake-up, [woken, preempted...]."""
    rounds: list[list[float]] = []
    for e in events:
        if e["type"] != "sched_delay" or e["tid"] != tid or not t0 < e["t"] < t1:
            continue
        if e["reason"] == "woken":
            rounds.append([e["delay_us"]])
        elif rounds and e["reason"] == "preempted":
            rounds[-1].append(e["delay_us"])
    return rounds


def case_contention(work: str) -> list[str]:
    """N waits of the probe, each within 1 ms of its own measurement; a
    threshold keeps exactly the shorter waits out."""
    need_ebpf(work)
    if (os.cpu_count() or 1) < 2:
        raise Skip("needs two CPUs")
    probs: list[str] = []
    # Every wait reported (threshold 0): the probe sleeps once a round, so
    # it is woken once a round; after the last, its exit may wait too (a
    # ptrace stop), which is no round.
    rounds = 40
    events, summary, stdout = trace(work, ["--ebpf", "--sched-threshold-us", "0"],
                                    [tracee("ebpf_contention"), str(rounds)])
    own = json.loads(stdout)
    t0, t1 = _mark_time(events, own["start_mark"]), _mark_time(events, own["end_mark"])
    mine = _probe_rounds(events, own["probe_tid"], t0, t1)
    after = mine[rounds:]
    mine = mine[:rounds]
    own_us = [d / 1e3 for d in own["delays_ns"]]
    spread_us = [s / 1e3 for s in own["spread_ns"]]
    stall_us = [s / 1e3 for s in own["stall_ns"]]
    check_exact_count("wake-up waits of the probe", len(mine), rounds,
                      summary.get("dropped", 0), probs)
    worst = _match_rounds(own_us, spread_us, stall_us, mine, probs) if len(mine) == rounds else 0.0
    contended = sum(1 for d in own_us if d >= 1000)
    # A threshold of 1 ms: no shorter wait is reported, of any task.
    limit_us = 1000
    events, summary, stdout = trace(work, ["--ebpf", "--sched-threshold-us", str(limit_us)],
                                    [tracee("ebpf_contention"), "10"])
    short = [e for e in events if e["type"] == "sched_delay" and e["delay_us"] < limit_us]
    if short:
        probs.append(f"{len(short)} waits under the 1 ms threshold reported, first "
                     f"{short[0]['delay_us']} us of tid {short[0]['tid']}")
    own2 = json.loads(stdout)
    long_waits = [e for e in events if e["type"] == "sched_delay"
                  and e["tid"] == own2["probe_tid"] and e["delay_us"] >= limit_us]
    if not long_waits:
        probs.append("the probe's 2-5 ms waits are missing with a 1 ms threshold")
    if probs:
        print(f"probe's own waits (us): {[round(d) for d in own_us]}")
        print(f"compendium-tui's (us): {[[round(x) for x in r] for r in mine]}")
    else:
        print(f"{len(mine)} wake-up waits for {rounds} rounds ({contended} contended, 2-5 ms); "
              f"worst difference {worst:.1f} us beyond the stamps' spread "
              f"(largest spread {max(spread_us):.1f} us, longest vCPU stall "
              f"{max(stall_us):.1f} us), {len(after)} after them; "
              f"with a 1 ms threshold "
              f"{len(long_waits)} of the probe's waits and none shorter")
    return probs


def _sched_sums(events: list[dict], until: float) -> dict[int, float]:
    sums: dict[int, float] = {}
    for e in events:
        if e["type"] == "sched_delay" and e["t"] <= until:
            sums[e["tid"]] = sums.get(e["tid"], 0.0) + e["delay_us"] * 1e3
    return sums


def _schedstat_run(work: str, nice: int) -> tuple[list[tuple[str, int, int, float]], int]:
    events, summary, stdout = trace(work, ["--ebpf", "--sched-threshold-us", "0"],
                                    [tracee("ebpf_schedstat"), "3", "2", "400", str(nice)])
    own = json.loads(stdout)
    marks = [e["t"] for e in events if e["type"] == "open" and e.get("path") == own["mark"]]
    if len(marks) != 1:
        raise HarnessError(f"expected one open of {own['mark']}, saw {len(marks)}")
    sums = _sched_sums(events, marks[0])
    rows = []
    for t in own["threads"]:
        got, want = sums.get(t["tid"], 0.0), t["run_delay_ns"]
        rows.append((t["kind"], want, int(got), 100.0 * (got - want) / want if want else 0.0))
    return rows, summary.get("dropped", 0)


def case_schedstat(work: str) -> list[str]:
    """Per thread, sum of waits vs run_delay within 3%."""
    need_ebpf(work)
    if not os.path.exists("/proc/self/schedstat"):
        raise Skip("the kernel has no schedstat (CONFIG_SCHED_INFO)")
    if os.environ.get("COMPENDIUM_SANITIZED"):
        # Beside the sanitized suite's other tests the spin threads' sum came
        # out 3.5-4.8% under run_delay (-0.2% alone, under ASan or beside CPU
        # hogs): the bound is checked by the unsanitized suite.
        raise Skip("the sanitized suite leaves the 3% bound to the unsanitized one")
    # A second run when the first is out of bounds: beside a parallel test
    # run's other tests (a distcheck) the spin threads once came out 3.1-4.7%
    # under run_delay, -0.3% when run again alone; both runs are printed.
    for attempt in (1, 2):
        rows, dropped = _schedstat_run(work, 19)
        probs = []
        for kind, want, got, pct in rows:
            print(f"{kind:5}  run_delay {want / 1e6:8.2f} ms  compendium-tui {got / 1e6:8.2f} ms  "
                  f"{pct:+.2f}%")
            if abs(pct) > 3.0:
                probs.append(f"{kind} thread: {got / 1e6:.2f} ms vs run_delay {want / 1e6:.2f} ms "
                             f"({pct:+.2f}%, dropped {dropped})")
        if not probs:
            break
        if attempt == 1:
            print("out of the 3% bound; once more: " + "; ".join(probs))
    # For the record only: sleepers at nice 0 preempt at once, and the kernel's
    # run_delay does not re-read its clock on wake-up preemption.
    rows0, _ = _schedstat_run(work, 0)
    print("for information, sleepers at nice 0: " +
          ", ".join(f"{k} {p:+.1f}%" for k, _, _, p in rows0))
    return probs


def _loop_setup(work: str) -> tuple[str, str]:
    if not shutil.which("losetup"):
        raise Skip("losetup not found (util-linux)")
    backing = os.path.join(work, "loop.img")
    with open(backing, "wb") as fh:
        fh.truncate(160 << 20)
    res = subprocess.run(["losetup", "-f", "--show", backing], capture_output=True, text=True)
    if res.returncode != 0:
        raise Skip(f"cannot set up a loop device: {res.stderr.strip()}")
    dev = res.stdout.strip()
    st = os.stat(dev)
    return dev, f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"


def case_directio(work: str) -> list[str]:
    """Exact block request counts and bytes on a loop device."""
    need_ebpf(work)
    dev, devno = _loop_setup(work)
    plan = {("read", 4096): 64, ("write", 65536): 32, ("read", 131072): 16, ("write", 512): 8,
            ("write", 32768): 8, ("read", 8192): 8}
    spec = "r4096x64,w65536x32,r131072x16,w512x8,W32768x8,R8192x8"
    noise = subprocess.Popen([tracee("ebpf_directio"), dev, "100", "--forever", "4096"],
                             stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.1)
        events, summary, stdout = trace(work, ["--ebpf"], [tracee("ebpf_directio"), dev, "0", spec])
        probs = _directio_dd(work, dev, devno)
    finally:
        noise.send_signal(signal.SIGKILL)
        noise.wait()
        subprocess.run(["losetup", "-d", dev], check=False)
    own = json.loads(stdout)
    on_dev = [e for e in events if e["type"] == "block_io" and e["dev"] == devno]
    strangers = {e["pid"] for e in on_dev} - {own["pid"]}
    if strangers:
        probs.append(f"block I/O on {dev} attributed to untraced pids {sorted(strangers)}")
    got: dict[tuple[str, int], int] = {}
    for e in on_dev:
        got[(e["op"], e["bytes"])] = got.get((e["op"], e["bytes"]), 0) + 1
    if got != plan:
        probs.append(f"requests on {dev} by (op, bytes): {got}, expected {plan}")
    rbytes = sum(e["bytes"] for e in on_dev if e["op"] == "read")
    wbytes = sum(e["bytes"] for e in on_dev if e["op"] == "write")
    if (rbytes, wbytes) != (own["read_bytes"], own["written_bytes"]):
        probs.append(f"bytes read/written {rbytes}/{wbytes}, the program did "
                     f"{own['read_bytes']}/{own['written_bytes']}")
    block = (summary.get("latency") or {}).get("block") or {}
    if block.get("count", 0) < sum(plan.values()):
        probs.append(f"summary latency.block.count {block.get('count')} < {sum(plan.values())}")
    if not probs:
        print(f"{len(on_dev)} requests on {dev} ({devno}), {rbytes} B read, {wbytes} B written, "
              f"16 of them by io_uring's workers, none from the untraced neighbour; "
              f"p50 {block.get('p50_us')} us")
    return probs


def _written_sectors(dev: str) -> int:
    """Sectors the device has written so far (its /sys/block stat)."""
    with open(f"/sys/block/{os.path.basename(dev)}/stat", encoding="ascii") as fh:
        return int(fh.read().split()[6])


def _dd_blocks(work: str, dev: str, devno: str, args: list[str]) -> tuple[int, list[dict], int]:
    """Trace dd of=dev args; returns (dd's pid, the block writes on dev, the
    bytes the device itself wrote meanwhile)."""
    before = _written_sectors(dev)
    events, _, _ = trace(work, ["--ebpf"], ["dd", "if=/dev/zero", f"of={dev}", "bs=64k",
                                             "count=64", "status=none"] + args)
    written = (_written_sectors(dev) - before) * 512
    pid = [e["pid"] for e in events if e["type"] == "exec" and e["exe"].endswith("/dd")][0]
    writes = [e for e in events if e["type"] == "block_io" and e["dev"] == devno
              and e["op"] == "write"]
    return pid, writes, written


def _directio_dd(work: str, dev: str, devno: str) -> list[str]:
    """dd oflag=direct five times: 64 requests, 4 MiB, each time; buffered
    writes then fsync: every byte the device wrote is dd's."""
    probs, counts = [], []
    for _ in range(5):
        pid, writes, _ = _dd_blocks(work, dev, devno, ["oflag=direct"])
        counts.append(len(writes))
        if [(e["pid"], e["bytes"]) for e in writes] != [(pid, 65536)] * 64:
            probs.append(f"dd oflag=direct: {len(writes)} requests of "
                         f"{sorted({e['bytes'] for e in writes})} B by pids "
                         f"{sorted({e['pid'] for e in writes})}, expected 64 of 65536 B by {pid}")
    pid, writes, written = _dd_blocks(work, dev, devno, ["conv=fsync"])
    mine = sum(e["bytes"] for e in writes if e["pid"] == pid)
    if (mine, written) != (4 << 20, 4 << 20) or len({e["pid"] for e in writes}) != 1:
        probs.append(f"dd conv=fsync: {mine} B in requests of dd ({len(writes)} requests by pids "
                     f"{sorted({e['pid'] for e in writes})}), the device wrote {written} B, "
                     f"dd {4 << 20} B")
    if not probs:
        print(f"dd oflag=direct: {counts} requests, 4 MiB each run; dd conv=fsync: "
              f"{len(writes)} requests, {mine} B, all dd's, as the device wrote")
    return probs


def case_storm(work: str) -> list[str]:
    """Every task of a fork/thread storm followed."""
    need_ebpf(work)
    events, summary, stdout = trace(work, ["--ebpf", "--sched-threshold-us", "0"],
                                    [tracee("ebpf_storm"), "8", "8"])
    tasks = {(int(t), int(p)) for _, t, p in (line.split() for line in stdout.splitlines())}
    waited = {e["tid"] for e in events if e["type"] == "sched_delay"}
    with_hist = {p["pid"] for p in summary["processes"]
                 if ((p.get("latency") or {}).get("sched") or {}).get("count")}
    probs = []
    missing = sorted(t for t, _ in tasks if t not in waited)
    if missing:
        probs.append(f"{len(missing)} tasks with no measured wait: {missing[:10]}")
    nohist = sorted({p for _, p in tasks} - with_hist)
    if nohist:
        probs.append(f"processes without a scheduler histogram: {nohist[:10]}")
    if len(summary["processes"]) != len({p for _, p in tasks}):
        probs.append(f"{len(summary['processes'])} processes in the summary, the storm had "
                     f"{len({p for _, p in tasks})}")
    if not probs:
        print(f"{len(tasks)} tasks in {len(with_hist)} processes all followed "
              f"(dropped {summary.get('dropped')})")
    return probs


def _report_lanes(path: str) -> list[tuple[int, int]]:
    """(pid, tid) of each lane of an HTML report, in display order."""
    with open(path, encoding="utf-8") as f:
        page = f.read()
    start = page.index('<script type="application/json" id="report-data">')
    start = page.index(">", start) + 1
    data = json.loads(page[start:page.index("</script>", start)])
    return list(zip(data["lanes"]["pid"], data["lanes"]["tid"]))


def _trace_lanes(path: str) -> list[tuple[int, int]]:
    """(pid, tid) of each thread the trace export names."""
    with open(path, encoding="utf-8") as f:
        events = json.load(f)["traceEvents"]
    return [(e["pid"], e["tid"]) for e in events
            if e.get("ph") == "M" and e.get("name") == "thread_name"]


def case_lanes(work: str) -> list[str]:
    """One lane per task however late the kernel's samples come."""
    need_ebpf(work)
    probs = []
    base = os.path.join(work, "last")
    report, export = os.path.join(work, "r.html"), os.path.join(work, "t.json")
    for run in range(5):
        events, summary, stdout = trace(work, ["--ebpf", "--sched-threshold-us", "0", "--report",
                                               report, "--trace-json", export],
                                        [tracee("ebpf_lanes"), "100", base])
        tasks = sorted((int(p), int(t)) for _, t, p in (l.split() for l in stdout.splitlines()))
        pids = sorted({p for p, _ in tasks})
        where = f"run {run + 1}"
        if len(tasks) != 3 or len(pids) != 2:
            raise HarnessError(f"{where}: the tracee announced {tasks}")
        got = sorted(p["pid"] for p in summary["processes"])
        if got != pids:
            probs.append(f"{where}: processes {got} in the summary, the program had {pids}")
        for name, lanes in (("report", _report_lanes(report)), ("trace export",
                                                                 _trace_lanes(export))):
            if sorted(lanes) != tasks:
                probs.append(f"{where}: {name} lanes {sorted(lanes)}, tasks {tasks}")
        strangers = {(e["pid"], e["tid"]) for e in events} - set(tasks)
        if strangers:
            probs.append(f"{where}: events of tasks the program never had: {sorted(strangers)}")
        waited = {e["tid"] for e in events if e["type"] == "sched_delay"}
        if waited != {t for _, t in tasks}:
            probs.append(f"{where}: waits measured for {sorted(waited)}, tasks {tasks}")
        files = {f["path"]: f["written_bytes"] for f in summary["files"]}
        for suffix in ("child", "thread"):
            if files.get(f"{base}.{suffix}") != 100:
                probs.append(f"{where}: {base}.{suffix} written {files.get(base + '.' + suffix)}"
                             f" bytes, the program wrote 100")
    if not probs:
        print("5 runs: 2 processes and 3 lanes each in the summary, the report and the trace")
    return probs


def case_fallback(work: str) -> list[str]:
    """Unprivileged: one sentence, and everything else still works."""
    need_root()   # to become someone else
    if not shutil.which("setpriv"):
        raise Skip("setpriv not found (util-linux)")
    os.chmod(work, 0o777)
    out = os.path.join(work, "trace.jsonl")
    argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
            "--"] + compendium() + ["--ebpf", "--json", "-o", out, "--", "sh", "-c",
                                    "ls / >/dev/null; echo hi; exit 3"]
    res = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=work)
    probs = []
    said = [line for line in res.stderr.splitlines() if "--ebpf" in line]
    if len(said) != 1 or "CAP_BPF" not in said[0]:
        probs.append(f"expected one sentence naming CAP_BPF, stderr was: {res.stderr!r}")
    if res.returncode != 3 or res.stdout != "hi\n":
        probs.append(f"exit {res.returncode}, stdout {res.stdout!r}: the command was disturbed")
    summary = json.loads(open(out, encoding="utf-8").read().splitlines()[-1])
    if summary.get("exit", {}).get("code") != 3 or len(summary.get("processes", [])) < 2:
        probs.append(f"the ptrace trace is incomplete: {summary.get('exit')}, "
                     f"{len(summary.get('processes', []))} processes")
    if not probs:
        print(f"unprivileged: {said[0]}")
    return probs


E2E_WITH_EBPF = ("readfile", "weird_path", "dupwrite", "redirect", "netpair", "netmsg",
                 "mmapper", "forkthread", "pipes", "sendfile_copy", "shell_pipeline", "cp",
                 "inherited_fds", "threadstorm", "forkstorm", "threadexec", "spawnfds",
                 "signals", "int80", "uring_openat", "scmfd", "deep_path", "deep_path_cut",
                 "root_relative", "deletes_renames", "unreadable", "udpflows", "udp_autobind", "deleted_names",
                 "scripts", "hostsname", "v4mapped", "devtcp", "unixpair", "procsubst", "netlink", "killdying",
                 "dnsname", "dnsname_tcp", "int80_dns", "oddcalls", "clonefiles", "refused", "fastopen", "udp_reconnect", "rename_open",
                 "ptypeer", "scmmmsg", "unshare_files", "manyfds")


def case_e2e(work: str) -> list[str]:
    """tests/e2e.py cases again with --ebpf (the kernel counts reads and writes)."""
    need_ebpf(work)
    env = dict(os.environ, COMPENDIUM=shlex.join(compendium() + ["--ebpf"]))
    probs = []
    for name in E2E_WITH_EBPF:
        res = subprocess.run([sys.executable, os.path.join(HERE, "e2e.py"), name], env=env,
                             capture_output=True, text=True, timeout=600)
        if res.returncode == EXIT_SKIP:
            print(f"{name}: skipped ({res.stdout.strip().splitlines()[-1:]})")
        elif res.returncode != 0:
            probs.append(f"e2e {name} with --ebpf: exit {res.returncode}\n{res.stdout}{res.stderr}")
        else:
            print(f"{name}: same figures with --ebpf")
    # Page faults land in mappings the kernel reported, not ptrace.
    probs += _faults(env, "--ebpf")
    return probs


def _faults(env: dict, how: str) -> list[str]:
    """tests/faults.py with COMPENDIUM as env has it (traced how)."""
    res = subprocess.run([sys.executable, os.path.join(HERE, "faults.py")], env=env,
                         capture_output=True, text=True, timeout=600)
    if res.returncode not in (0, EXIT_SKIP):
        return [f"faults.py with {how}: exit {res.returncode}\n{res.stdout}{res.stderr}"]
    print(f"faults: same figures with {how}")
    return []


# The end-to-end cases the kernel engine passes as ptrace does (not
# threadexec_v: -v is ptrace's).
E2E_WITH_KERNEL = E2E_WITH_EBPF + (
    "exitcode", "groupstop", "sigkill", "sigterm", "startstate", "startstate_inherit", "uring")


def case_kernel(work: str) -> list[str]:
    """the kernel engine (--engine kernel): the e2e cases against strace with no
    stop, a set-user-ID program keeps its privilege, nothing ptraces the program,
    gdb can attach to it."""
    need_ebpf(work)
    probs = []
    env = dict(os.environ, COMPENDIUM=shlex.join(compendium() + ["--engine", "kernel"]))
    for name in E2E_WITH_KERNEL:
        res = subprocess.run([sys.executable, os.path.join(HERE, "e2e.py"), name], env=env,
                             capture_output=True, text=True, timeout=600)
        if res.returncode == EXIT_SKIP:
            print(f"{name}: skipped ({res.stdout.strip().splitlines()[-1:]})")
        elif res.returncode != 0:
            probs.append(f"e2e {name} with --engine kernel: exit {res.returncode}\n{res.stdout}{res.stderr}")
        else:
            print(f"{name}: same figures as strace with the kernel engine")
    # Its recordings replay into the same JSON as the live run gave.
    res = subprocess.run([sys.executable, os.path.join(HERE, "replay_roundtrip.py"), "--engine",
                          "kernel"], capture_output=True, text=True, timeout=600)
    if res.returncode != 0:
        probs.append(f"replay_roundtrip.py --engine kernel: exit {res.returncode}\n{res.stdout}{res.stderr}")
    else:
        print("recordings: replayed as the kernel engine saw them live")
    # (faults.py is not run with the kernel engine: on a loaded machine a
    # child's faults still come unattributed, 306 of 750 in a CI run beside
    # another; alone, and beside four CPU hogs, it passed 8 of 8)
    _, summary, out = trace(work, ["--engine", "kernel"],
                            ["sh", "-c", "grep TracerPid /proc/self/status"])
    tracer = summary.get("tracer", {})
    if tracer.get("engine") != "kernel" or tracer.get("stops") != 0:
        probs.append(f"summary's tracer: {tracer}, want engine kernel and 0 stops")
    if "TracerPid:\t0" not in out:
        probs.append(f"the traced program is ptraced: {out!r}")
    probs += _default_engine(work)
    probs += _pid_namespace(work)
    probs += _setuid_kept(work)
    probs += _file_capabilities(work)
    probs += _attach_unstopped(work)
    probs += _syscall_counts(work)
    probs += _syscall_counts(work, ["--engine", "ptrace", "-v"])
    probs += _many_counters(work)
    probs += _tasks_full(work)
    probs += _fork_signals(work)
    probs += _gdb_attaches(work)
    probs += _btf_read_once(work)
    return probs


def _btf_read_once(work: str) -> list[str]:
    """The kernel engine's start-up reads the kernel's BTF once (libbpf is not
    to parse it again for the tp_btf programs' targets), its programs are the
    tp_btf ones (7 tracing programs and io_sweep, no raw_tp twin), and
    sys_exit, a half of the verifier's time, is verified beside the others."""
    if not shutil.which("strace"):
        raise HarnessError("strace not found")
    log = os.path.join(work, "startup.strace")
    res = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat,bpf", "-e",
                          "signal=none", "-o", log] + compendium() +
                         ["--engine", "kernel", "--batch", "-o", os.devnull, "--", "true"],
                         capture_output=True, text=True, timeout=120,
                         # (LeakSanitizer cannot run under ptrace: a sanitized build's leaks
                         # are looked for by every other run)
                         env=dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
                                  ":detect_leaks=0"))
    text = open(log, encoding="utf-8").read() if os.path.exists(log) else ""
    opens = text.count('"/sys/kernel/btf/vmlinux"')
    loads = re.findall(r"^(\d+) +bpf\(BPF_PROG_LOAD, \{prog_type=BPF_PROG_TYPE_(\w+), "
                       r"insn_cnt=\d+, [^}]*prog_name=\"(\w+)\"", text, re.M)
    kinds = sorted(kind for _, kind, name in loads if name.startswith(("sys_", "io_", "ke_")))
    by = {name: tid for tid, _, name in loads}
    if res.returncode != 0 or opens != 1 or kinds != ["RAW_TRACEPOINT"] + ["TRACING"] * 7:
        return [f"kernel engine start-up: exit {res.returncode} ({res.stderr.strip()}), the "
                f"kernel's BTF opened {opens} times (want 1), programs loaded {kinds}"]
    if by.get("sys_exit_btf") in (None, by.get("sys_enter_btf")):
        return [f"kernel engine start-up: sys_exit not verified beside the others: {by}"]
    print("start-up: the kernel's BTF read once; 7 tp_btf programs and io_sweep loaded, "
          "sys_exit in a thread of its own")
    return []


def _default_engine(work: str) -> list[str]:
    """Without --engine the kernel engine traces where it can (as root here);
    COMPENDIUM_ENGINE=ptrace makes ptrace the default, --engine outranks it."""
    probs = []
    env = {k: v for k, v in os.environ.items() if k != "COMPENDIUM_ENGINE"}
    for var, args, want in ((None, [], "kernel"), ("ptrace", [], "ptrace"),
                            ("ptrace", ["--engine", "auto"], "kernel"),
                            ("kernel", ["--engine", "ptrace"], "ptrace")):
        out = os.path.join(work, "default.jsonl")
        res = subprocess.run(compendium() + args + ["--json", "-o", out, "--", "true"],
                             env=dict(env, **({"COMPENDIUM_ENGINE": var} if var else {})),
                             capture_output=True, text=True, timeout=60)
        lines = open(out, encoding="utf-8").read().splitlines() if res.returncode == 0 else []
        got = json.loads(lines[-1]).get("tracer", {}).get("engine") if lines else None
        if got != want:
            probs.append(f"COMPENDIUM_ENGINE={var} {args}: engine {got!r} (exit "
                         f"{res.returncode}: {res.stderr.strip()}), want {want}")
    res = subprocess.run(compendium() + ["--batch", "--", "true"], capture_output=True, text=True,
                         env=dict(env, COMPENDIUM_ENGINE="strace"), timeout=60)
    if res.returncode != 2 or "COMPENDIUM_ENGINE: 'strace' is not auto, kernel or ptrace" \
            not in res.stderr:
        probs.append(f"COMPENDIUM_ENGINE=strace: exit {res.returncode}, {res.stderr.strip()!r}")
    if not probs:
        print("default engine: kernel as root; COMPENDIUM_ENGINE and --engine choose")
    return probs


def _pid_namespace(work: str) -> list[str]:
    """In a pid namespace of its own (a container, unshare -p) the kernel's
    programs know the tracees by other pids than compendium-tui does: auto
    says so in one sentence and traces with ptrace, the whole run exact;
    --engine kernel and --ebpf refuse in a sentence (they used to see no
    event and wait for the program's end for ever)."""
    if subprocess.run(["unshare", "-pf", "--mount-proc", "true"],
                      capture_output=True).returncode != 0:
        return []   # (no pid namespaces here: nothing to check)
    probs = []
    env = {k: v for k, v in os.environ.items() if k != "COMPENDIUM_ENGINE"}
    out = os.path.join(work, "pidns.jsonl")
    cmd = "cat /etc/hostname >/dev/null; sh -c 'echo x > pidns.out'; exit 4"
    sentence = "only in the initial pid namespace"
    for args, want_rc in (([], 4), (["--engine", "kernel"], 1), (["--ebpf", "--engine", "ptrace"], 4)):
        if os.path.exists(out):
            os.unlink(out)
        try:
            res = subprocess.run(["unshare", "-pf", "--mount-proc",
                                  os.path.abspath(compendium()[0])] + compendium()[1:] + args +
                                 ["--json", "-o", out, "--", "sh", "-c", cmd], env=env, cwd=work,
                                 capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            probs.append(f"pid namespace {args}: still running after 60 s")
            continue
        said = [line for line in res.stderr.splitlines() if sentence in line]
        if res.returncode != want_rc or len(said) != 1:
            probs.append(f"pid namespace {args}: exit {res.returncode} (want {want_rc}), "
                         f"stderr {res.stderr.strip()!r}")
            continue
        if want_rc == 1:
            continue
        summary = json.loads(open(out, encoding="utf-8").read().splitlines()[-1])
        files = {f["path"]: f for f in summary["files"]}
        got = (summary["tracer"]["engine"], summary["exit"]["code"], len(summary["processes"]),
               files.get(os.path.join(work, "pidns.out"), {}).get("written_bytes"))
        if got != ("ptrace", 4, 3, 2):
            probs.append(f"pid namespace {args}: engine, exit, processes, bytes written {got}, "
                         "want ('ptrace', 4, 3, 2)")
    if not probs:
        print("pid namespace: auto traces with ptrace and says why; --engine kernel refuses")
    return probs


def _children(pid: int) -> list[int]:
    """The children of process pid's threads (a thread that ends meanwhile has none)."""
    kids = []
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{t}/children", encoding="ascii") as fh:
                kids += [int(c) for c in fh.read().split()]
        except FileNotFoundError:
            pass
    return kids


def _gdb_attaches(work: str) -> list[str]:
    """gdb attaches to a program the kernel engine traces (nothing ptraces
    it), and the program and its trace go on to the end after gdb leaves."""
    gdb = shutil.which("gdb")
    if not gdb:
        print("no gdb: the debugger check is left out")
        return []
    out = os.path.join(work, "gdb.jsonl")
    prog = "read line; echo \"got $line\""
    tracer = subprocess.Popen(compendium() + ["--engine", "kernel", "--json", "-o", out, "--",
                                              "sh", "-c", prog], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        pid = None
        for _ in range(500):   # the command, once it runs sh (5 s at most)
            kids = _children(tracer.pid)
            if kids and os.path.realpath(f"/proc/{kids[0]}/exe").endswith("sh"):
                pid = kids[0]
                break
            time.sleep(0.01)
        if pid is None:
            return ["gdb: the traced shell did not start"]
        res = subprocess.run([gdb, "-p", str(pid), "-batch", "-ex", "info proc"],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        said = res.stdout + res.stderr
        sout, err = tracer.communicate("hello\n", timeout=30)
    finally:
        if tracer.poll() is None:
            tracer.kill()
            tracer.wait()
    probs = []
    if res.returncode != 0 or "Operation not permitted" in said or f"process {pid}" not in said:
        probs.append(f"gdb -p {pid} of a program the kernel engine traces: exit "
                     f"{res.returncode}: {said.strip()[-500:]!r}")
    summary = json.loads(open(out, encoding="utf-8").read().splitlines()[-1])
    if tracer.returncode != 0 or sout != "got hello\n" or summary.get("exit", {}).get("code") != 0:
        probs.append(f"after gdb left: compendium-tui exit {tracer.returncode} ({err.strip()}), "
                     f"the program said {sout!r}, the trace's exit {summary.get('exit')}")
    if not probs:
        print(f"gdb -p attached to the traced program (pid {pid}) and left it running")
    return probs


SYSCALLS_C = r'''
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
static int p[2];
static void on_usr1(int sig) { (void)sig; }
static void on_alrm(int sig) { (void)sig; (void)!write(p[1], "x", 1); }
/* SIGALRM in 250 ms (the next call, which blocks, is entered by then),
 * to handler h (sa_flags flags) */
static void alarm_to(void (*h)(int), int flags)
{
    struct sigaction sa = { .sa_handler = h, .sa_flags = flags };
    struct itimerval soon = { { 0, 0 }, { 0, 250000 } };
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &soon, NULL);
}
int main(void)
{
    struct timespec ms3 = { 0, 3000000 };
    struct sigaction sa = { .sa_handler = on_usr1 };
    char c;
    sigaction(SIGUSR1, &sa, NULL);
    for (int i = 0; i < 7; i++)   /* each handler returns through rt_sigreturn */
        kill(getpid(), SIGUSR1);
    /* calls a signal interrupts: a read the kernel runs again (SA_RESTART;
     * the handler writes what it then reads), a read (ERESTARTSYS), a poll
     * (ERESTART_RESTARTBLOCK) and a pause (ERESTARTNOHAND) that end in EINTR */
    (void)!pipe(p);
    alarm_to(on_alrm, SA_RESTART);
    (void)!read(p[0], &c, 1);
    alarm_to(on_usr1, 0);
    (void)!read(p[0], &c, 1);
    alarm_to(on_usr1, 0);
    poll(NULL, 0, 1000);
    alarm_to(on_usr1, 0);
    pause();
    for (int i = 0; i < 20; i++)
        nanosleep(&ms3, NULL);
    for (int i = 0; i < 1000; i++)
        getppid();
    for (int i = 0; i < 500; i++)
        open("/nonexistent/x", O_RDONLY);
    for (int i = 0; i < 300; i++)
        close(-1);
    if (fork() == 0) {
        static char true_[] = "true";
        char *argv[] = { true_, NULL }, *envp[] = { NULL };
        for (int i = 0; i < 200; i++)
            getppid();
        /* (the kernel's exit of an execveat that worked says execve) */
        syscall(SYS_execveat, open("/bin/true", O_RDONLY), "", argv, envp, AT_EMPTY_PATH);
        _exit(0);
    }
    return 0;
}
'''


# 2,000 processes alive at once, each making 40 different system calls:
# 80,000 (process, call) counters, more than the kernel engine keeps
# (IOACCT_STATS_MAX, 65,536).
MANYCALLS_C = r'''
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void calls(void)
{
    char buf[256];
    long v[64];
    unsigned a, b;

    syscall(SYS_getpid); syscall(SYS_getppid); syscall(SYS_getuid); syscall(SYS_geteuid);
    syscall(SYS_getgid); syscall(SYS_getegid); syscall(SYS_gettid); syscall(SYS_getpgrp);
    syscall(SYS_getsid, 0); syscall(SYS_getpgid, 0); syscall(SYS_getpriority, PRIO_PROCESS, 0);
    syscall(SYS_sched_yield); syscall(SYS_umask, 022); syscall(SYS_getcwd, buf, sizeof(buf));
    syscall(SYS_uname, v); syscall(SYS_sysinfo, v); syscall(SYS_times, v);
    syscall(SYS_getrusage, RUSAGE_SELF, v); syscall(SYS_getrlimit, RLIMIT_NOFILE, v);
    syscall(SYS_sched_getscheduler, 0); syscall(SYS_sched_getparam, 0, v);
    syscall(SYS_getitimer, 0, v); syscall(SYS_getresuid, &a, &b, &a);
    syscall(SYS_getresgid, &a, &b, &a); syscall(SYS_getgroups, 0, NULL);
    syscall(SYS_time, NULL); syscall(SYS_gettimeofday, v, NULL);
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, v); syscall(SYS_clock_getres, CLOCK_MONOTONIC, v);
    syscall(SYS_sched_getaffinity, 0, sizeof(v), v); syscall(SYS_sigaltstack, NULL, v);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, v, 8); syscall(SYS_rt_sigpending, v, 8);
    syscall(SYS_getcpu, &a, &b, NULL); syscall(SYS_sched_get_priority_max, SCHED_OTHER);
    syscall(SYS_sched_get_priority_min, SCHED_OTHER); syscall(SYS_ioprio_get, 1, 0);
    syscall(SYS_personality, 0xffffffffUL); syscall(SYS_access, "/", F_OK);
    syscall(SYS_close, -1);
}

int main(void)
{
    int go[2], done[2];
    char c;

    if (pipe(go) || pipe(done))
        return 1;
    for (int i = 0; i < 2000; i++) {
        pid_t p = fork();
        if (p < 0)
            return 2;
        if (p == 0) {
            close(go[1]);
            for (int k = 0; k < 3; k++)
                calls();
            (void)!write(done[1], "x", 1);
            (void)!read(go[0], &c, 1);   /* all alive until the last is done */
            _exit(0);
        }
    }
    for (int i = 0; i < 2000; i++)
        if (read(done[0], &c, 1) != 1)
            return 3;
    close(go[1]);
    while (wait(NULL) > 0)
        ;
    return 0;
}
'''


# 17,000 threads at once, each writing one byte: more tasks than the kernel
# engine follows (TASKS_MAX, 16,384).
THREADS_C = r'''
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static int fd;
static pthread_barrier_t all;

static void *one(void *arg)
{
    (void)arg;
    if (write(fd, "x", 1) != 1)
        abort();
    pthread_barrier_wait(&all);
    return NULL;
}

int main(int argc, char **argv)
{
    int n = argc == 3 ? atoi(argv[2]) : 0;
    pthread_attr_t at;
    pthread_t *th = calloc((size_t)n, sizeof(*th));

    if (n <= 0 || !th || (fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
        return 1;
    pthread_barrier_init(&all, NULL, (unsigned)n + 1);
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 65536);
    for (int i = 0; i < n; i++)
        if (pthread_create(&th[i], &at, one, NULL))
            return 2;
    pthread_barrier_wait(&all);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
    return 0;
}
'''


def _tasks_full(work: str) -> list[str]:
    """More tasks at once than the kernel engine follows: the ones it could
    not take are counted as dropped (one each: their byte is missing), the
    summary says it is incomplete, and a note says which table was full."""
    src, prog, out = (os.path.join(work, n) for n in ("threads.c", "threads", "threads.out"))
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(THREADS_C)
    cc = shlex.split(os.environ.get("E2E_CC") or "cc")
    subprocess.run(cc + ["-O2", "-pthread", "-o", prog, src], check=True)
    n = 17000
    _, summary, _ = trace(work, ["--engine", "kernel"], [prog, out, str(n)])
    wrote = sum(f["written_bytes"] for f in summary.get("files", []) if f["path"] == out)
    dropped = summary.get("dropped", 0)
    notes = [x for x in summary.get("notes") or [] if "a table of the kernel's was full" in x]
    if wrote + dropped != n or not dropped or summary.get("complete") or len(notes) != 1 \
            or not notes[0].startswith(f"{dropped} measurements were lost"):
        return [f"{n} threads at once: {wrote} B counted, {dropped} dropped, complete "
                f"{summary.get('complete')}, notes {summary.get('notes')}"]
    print(f"{n} threads at once: {wrote} B counted, the {dropped} tasks past the table "
          f"dropped and said so")
    return []


def _strace_counts(path: str) -> dict[str, tuple[int, int]]:
    """name -> (calls, errors) from strace -c's table."""
    counts = {}
    for line in open(path, encoding="utf-8"):
        f = line.split()
        if len(f) >= 5 and f[3].isdigit() and not f[-1].startswith("total"):
            errors = int(f[4]) if len(f) == 6 else 0
            counts[f[-1]] = (int(f[3]), errors)
    return counts


def _counted_calls(work: str, name: str, source: str, engine: list[str]
                   ) -> tuple[dict, dict, dict] | str:
    """Build source as work/name and run it under strace -f -c and under
    compendium-tui (engine) with --report: strace's counts, the report's
    system call table (name -> (calls, errors)) and its data; or what
    went wrong."""
    src, prog = os.path.join(work, name + ".c"), os.path.join(work, name)
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(source)
    cc = shlex.split(os.environ.get("E2E_CC") or "cc")
    subprocess.run(cc + ["-O2", "-o", prog, src], check=True)
    strace = shutil.which(os.environ.get("STRACE") or "strace")
    if not strace:
        raise HarnessError("strace not found")
    subprocess.run([strace, "-f", "-c", "-o", prog + ".strace", prog], check=True)
    want = _strace_counts(prog + ".strace")
    report = prog + ".html"
    res = subprocess.run(compendium() + engine + ["--batch", "-o", os.devnull,
                                                  "--report", report, "--", prog],
                         capture_output=True, text=True, timeout=120)
    if res.returncode != 0:
        return f"{shlex.join(engine)} on {prog}: exit {res.returncode}: {res.stderr.strip()}"
    html = open(report, encoding="utf-8").read()
    data = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>',
                                html, re.S).group(1))
    return want, {r[1]: (r[2], r[3]) for r in data["views"]["sys"]["0"]}, data


def _many_counters(work: str) -> list[str]:
    """More (process, call) counters at once than the kernel keeps: the
    calls past them are sent one by one, and the table still equals
    strace -f -c's."""
    got = _counted_calls(work, "manycalls", MANYCALLS_C, ["--engine", "kernel"])
    if isinstance(got, str):
        return [got]
    want, got, _ = got
    if got != want or want.get("getcpu") != (6000, 0):
        diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
        return [f"2,000 processes' calls with the kernel engine: "
                f"{[(k, got.get(k), want.get(k)) for k in diff]} (counted, strace -f -c)"]
    print(f"2,000 processes of 40 calls each at once: {sum(c for c, _ in got.values())} "
          "calls counted, equal to strace -c's")
    return []


def _syscall_counts(work: str, engine: list[str] = ["--engine", "kernel"]) -> list[str]:
    """Every system call of a program counted in the kernel (the s view and
    the report's table), calls and errors equal to strace -f -c's; those a
    signal interrupted too (strace -c counts each as a failed call).  engine:
    the options that choose the engine (the ptrace one counts every call
    with -v)."""
    got = _counted_calls(work, "calls", SYSCALLS_C, engine)
    if isinstance(got, str):
        return [got]
    want, got, data = got
    if (got != want or want.get("getppid") != (1200, 0) or want.get("rt_sigreturn") != (11, 3)
            or want.get("read", (0, 0))[1] != 2 or want.get("poll") != (1, 1)
            or want.get("pause") != (1, 1) or want.get("execveat") != (1, 0)):
        return [f"system calls counted with {shlex.join(engine)} {sorted(got.items())}, "
                f"strace -f -c {sorted(want.items())}"]
    print(f"system calls with {shlex.join(engine)}: {sum(c for c, _ in got.values())} counted, "
          "equal to strace -c's")
    return _call_times(data["views"]["sys"]["0"])


def _call_times(rows: list) -> list[str]:
    """The duration histograms' quantiles: 3 ms sleeps at 3 ms or more,
    getppid under 1 ms, and p50 <= p99 <= the longest call on every row."""
    probs = []
    by = {r[1]: r for r in rows}
    sleep = by.get("clock_nanosleep") or by.get("nanosleep")
    if not sleep or sleep[4] != 20 or not 3_000_000 <= sleep[7] <= sleep[6]:
        probs.append(f"20 sleeps of 3 ms: {sleep} (want 20 timed, 3 ms <= p50 <= max)")
    if not 0 < by["getppid"][7] < 1_000_000:
        probs.append(f"getppid: p50 {by['getppid'][7]} ns, want under 1 ms")
    probs += [f"{r[1]}: p50 {r[7]}, p99 {r[8]}, max {r[6]}" for r in rows
              if r[4] and not 0 <= r[7] <= r[8] <= r[6]]
    if not probs:
        print(f"call durations: sleeps p50 {sleep[7]} ns, getppid p50 {by['getppid'][7]} ns")
    return probs


def _attach_unstopped(work: str) -> list[str]:
    """--pid with the kernel engine: the process is never ptraced (TracerPid
    0 while traced), its writes after the attach are counted in whole
    chunks, and its exit is seen."""
    out = os.path.join(work, "attach.jsonl")
    data = os.path.join(work, "attach.bin")
    target = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "with open(sys.argv[1], 'wb', buffering=0) as f:\n"
        "    for i in range(40):\n"
        "        f.write(b'x' * 100); time.sleep(0.05)\n"), data])
    try:
        time.sleep(0.3)
        tracer = subprocess.Popen(compendium() + ["--engine", "kernel", "--json", "-o", out,
                                                  "-p", str(target.pid)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        with open(f"/proc/{target.pid}/status", encoding="utf-8") as fh:
            tracer_pid = re.search(r"TracerPid:\s+(\d+)", fh.read()).group(1)
        target.wait(timeout=30)
        err = tracer.communicate(timeout=30)[1]
    finally:
        target.kill()
    probs = []
    if tracer_pid != "0":
        probs.append(f"--pid with the kernel engine: TracerPid {tracer_pid} while traced")
    lines = [json.loads(line) for line in open(out, encoding="utf-8")] if os.path.exists(out) else []
    summary = lines[-1] if lines else {}
    f = [x for x in summary.get("files", []) if x.get("path") == data]
    written = f[0].get("written_bytes", 0) if f else 0
    if tracer.returncode != 0 or summary.get("tracer", {}).get("engine") != "kernel" \
            or not 0 < written < 4000 or written % 100 or summary.get("tracer", {}).get("stops"):
        probs.append(f"--pid with the kernel engine: exit {tracer.returncode} ({err.strip()}), "
                     f"tracer {summary.get('tracer')}, {written} bytes written to {data}")
    else:
        print(f"--pid: {written} bytes seen written after the attach, TracerPid 0")
    return probs


PGSIGNALS_C = r'''
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
/* pgsignals N: in a process group of its own, a child sends SIGWINCH (its
 * default is to ignore it) to the whole group as fast as it can while the
 * root forks N children one after another, each exiting at once. */
int main(int argc, char **argv)
{
    int n = atoi(argv[1]);
    pid_t spam;

    setpgid(0, 0);
    spam = fork();
    if (spam == 0) {
        for (;;)
            kill(-getpgrp(), SIGWINCH);
    }
    for (int i = 0; i < n; i++) {
        pid_t c = fork();
        if (c == 0)
            _exit(0);
        waitpid(c, NULL, 0);
    }
    kill(spam, SIGKILL);
    waitpid(spam, NULL, 0);
    return 0;
}
'''


def _fork_signals(work: str) -> list[str]:
    """A signal sent to a process group while one of its members forks: the
    child's fork record comes before any record about the child (a record
    that came first made the child a process of no parent, as a terminal's
    SIGWINCH did to the first child of a command in the terminal UI)."""
    src, prog = os.path.join(work, "pgsignals.c"), os.path.join(work, "pgsignals")
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(PGSIGNALS_C)
    cc = shlex.split(os.environ.get("E2E_CC") or "cc")
    subprocess.run(cc + ["-O2", "-o", prog, src], check=True)
    n = 3000
    _, summary, _ = trace(work, ["--engine", "kernel"], [prog, str(n)], timeout=300)
    procs = summary.get("processes", [])
    pids = {p["pid"] for p in procs}
    root = [p["pid"] for p in procs if (p.get("argv") or [None])[0] == prog and
            p.get("ppid") not in pids]
    orphans = [p["pid"] for p in procs if root and p["pid"] != root[0] and
               p.get("ppid") != root[0]]
    if len(root) != 1 or orphans or len(procs) != n + 2:
        return [f"forks amid group signals: {len(procs)} processes (want {n + 2}), "
                f"roots {root}, not children of the root: {orphans[:10]}"]
    print(f"forks amid group signals: {n + 1} children, every one the root's")
    return []


def _setuid_kept(work: str) -> list[str]:
    """A set-user-ID-root copy of id run as nobody: euid 0 untraced and with
    the kernel engine (ptrace would drop it to 65534)."""
    idcopy = os.path.join(work, "id-suid")
    shutil.copy(shutil.which("id") or "/usr/bin/id", idcopy)
    os.chmod(work, 0o755)
    os.chmod(idcopy, 0o4755)
    setpriv = shutil.which("setpriv")
    if not setpriv:
        raise HarnessError("setpriv (util-linux) not found")
    argv = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", idcopy, "-u"]
    plain = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip()
    _, _, out = trace(work, ["--engine", "kernel"], argv)
    if plain != "0" or out.strip() != "0":
        return [f"set-user-ID id: untraced euid {plain!r}, kernel engine {out.strip()!r}; want 0 and 0"]
    print("set-user-ID id keeps euid 0 under the kernel engine")
    return []


def _file_capabilities(work: str) -> list[str]:
    """A copy of compendium-tui with the file capabilities the README names,
    run as nobody: the kernel engine, and the fds the command inherits
    described (its /proc fd directory is closed to nobody until it execs:
    they were "?")."""
    binary = compendium()[0]
    copy = os.path.join(work, "compendium-caps")
    shutil.copy(binary, copy)
    os.chmod(work, 0o755)
    os.chmod(copy, 0o755)
    # struct vfs_cap_data, revision 2, effective: CAP_SYS_PTRACE (19) in
    # the first word, CAP_PERFMON (38) and CAP_BPF (39) in the second
    caps = struct.pack("<5I", 0x02000001, 1 << 19, 0, (1 << 6) | (1 << 7), 0)
    try:
        os.setxattr(copy, "security.capability", caps)
    except OSError as e:
        raise Skip(f"cannot give {copy} file capabilities: {e}") from e
    out = os.path.join(work, "caps.jsonl")
    with open(out, "w"):
        pass
    shutil.chown(out, "nobody")
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")   # (LSan's tracer, with caps)
    # (runuser, as su or sudo -u would run it: under setpriv --reuid the
    # command's /proc was open to nobody, and the case not met)
    res = subprocess.run(["runuser", "-u", "nobody", "--", copy, "--engine", "kernel",
                          "--json", "-o", out, "--", "sh", "-c", "echo caps"],
                         capture_output=True, text=True, timeout=120, env=env, cwd=work)
    lines = [json.loads(line) for line in open(out, encoding="utf-8") if line.strip()]
    if res.returncode != 0 or not lines or lines[-1].get("type") != "summary":
        return [f"file capabilities: exit {res.returncode}, {len(lines)} JSON lines, "
                f"stderr {res.stderr.strip()!r}"]
    engine = lines[-1].get("tracer", {}).get("engine")
    writes = [e for e in lines if e.get("type") == "write" and e.get("fd") == 1]
    kinds = [(e.get("kind"), e.get("path")) for e in writes]
    if engine != "kernel" or res.stdout != "caps\n" or len(kinds) != 1 or \
            kinds[0][0] != "pipe" or not str(kinds[0][1]).startswith("pipe:["):
        return [f"file capabilities as nobody: engine {engine!r}, stdout {res.stdout!r}, "
                f"writes to fd 1 {kinds}; want the kernel engine and one write to a pipe"]
    print(f"file capabilities as nobody: the kernel engine, fd 1 {kinds[0][1]}")
    return []


def _io_programs(work: str) -> list[list[str]]:
    data = os.path.join(work, "data.txt")
    with open(data, "wb") as fh:
        fh.write(bytes((i * 7 + 3) % 251 for i in range(50000)))
    return [
        [tracee("readfile"), os.path.join(work, "r.bin")],
        [tracee("dupwrite"), os.path.join(work, "d.bin")],
        [tracee("mmapper"), os.path.join(work, "m.bin")],
        [tracee("forkthread"), os.path.join(work, "f.bin")],
        [tracee("pipes")],
        [tracee("netpair")],
        [tracee("netmsg")],
        ["sh", "-c", f"head -c 30000 {data} | tr a-z A-Z | wc -c"],
        ["python3", "-c", "import os; print(len(os.urandom(4096)))"],
        ["python3", "-c", KINDS],
        ["python3", "-c", HIGH_FDS],
        ["python3", "-c", PIPES],
        ["sh", "-c", "exec 5>/dev/null; echo abc >&5; exec cat /etc/hostname"],
    ]


# memfd, eventfd, /dev/null, and UDP with and without addresses (sendto with
# one stops for ptrace; recv without one is the kernel's to count)
KINDS = """
import os, socket
m = os.memfd_create("x"); os.write(m, b"a" * 5000); os.lseek(m, 0, 0); os.read(m, 3000)
e = os.eventfd(0); os.eventfd_write(e, 5); os.eventfd_read(e)
n = os.open("/dev/null", os.O_WRONLY); os.write(n, b"z" * 777)
u1 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u1.bind(("127.0.0.1", 0))
u2 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u2.bind(("127.0.0.1", 0))
u2.sendto(b"q" * 99, u1.getsockname()); print(len(u1.recv(200)))
u1.sendto(b"r" * 55, u2.getsockname()); print(len(u2.recvfrom(200)[0]))
u2.connect(u1.getsockname()); u2.send(b"s" * 33); print(len(u1.recv(200)))
"""

# counters on fds past 62 (a flush then walks the whole counter map), ended
# by close_range and by the exit, with others ended by the exit too
HIGH_FDS = """
import os
fs = [os.open(f"high{i}", os.O_WRONLY | os.O_CREAT, 0o644) for i in range(70)]
for i, f in enumerate(fs): os.write(f, b"h" * (i + 1))
os.closerange(fs[10], fs[20])
r, w = os.pipe(); os.write(w, b"p" * 123); print(len(os.read(r, 100)))
"""

# 200 pipes made, used and closed (without --ebpf: 400 stops for them alone)
PIPES = """
import os
for i in range(100):
    for r, w in (os.pipe(), os.pipe2(os.O_CLOEXEC)):
        os.write(w, b"x" * (i + 1)); os.read(r, 200); os.close(r); os.close(w)
"""


def _summary(argv: list[str], work: str, ebpf: bool) -> dict:
    out = os.path.join(work, "t.jsonl")
    subprocess.run(compendium() + (["--ebpf"] if ebpf else []) + ["--json", "-o", out, "--"] + argv,
                   check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                   cwd=work)
    return json.loads(open(out, encoding="utf-8").read().splitlines()[-1])


def _comparable(s: dict) -> dict:
    """What must not change with --ebpf: ports and pids differ between runs."""
    def host(addr):
        return (addr or "").rsplit(":", 1)[0]
    return {
        "exit": s["exit"],
        "io": s["io"],
        "memory": s["memory"],
        "dropped": s["dropped"],
        "files": sorted((f["path"], f["read_bytes"], f["written_bytes"]) for f in s["files"]
                        if "/proc/" not in f["path"]),
        "connections": sorted((c.get("proto"), host(c.get("remote")), c.get("sent_bytes"),
                               c.get("received_bytes")) for c in s["connections"]),
        "processes": sorted(((p.get("exit") or {}).get("code"), p["threads"])
                            for p in s["processes"]),
    }


LIVE_LAG_MS = 250


def _live_wanted(tmp: str, own: dict) -> dict[str, tuple]:
    """The three writes of tests/tracees/idlefds: (pid, fd, type, kind, path or None, bytes)."""
    fds, pid = own["fds"], own["pid"]
    return {"tcp": (pid, fds["tcp"], "send", "tcp4", None, 14),
            "pipe": (pid, fds["pipe"], "write", "pipe", None, 7),
            "file": (pid, fds["file"], "write", "file", os.path.join(tmp, "idlefds.out"), 5)}


def _live_match(e: dict, want: tuple) -> bool:
    pid, fd, typ, kind, path, _ = want
    return (e.get("pid") == pid and e.get("fd") == fd and e.get("type") == typ and
            e.get("kind") == kind and (path is None or e.get("path") == path))


def _live_follow(proc, out: str, wanted: dict, until_ns: int) -> tuple[dict, list[dict]]:
    """Read the --json output as it grows until until_ns (CLOCK_MONOTONIC);
    returns when each wanted write was first seen, and the events read."""
    seen: dict[str, int] = {}
    events: list[dict] = []
    pos, partial = 0, ""
    while time.monotonic_ns() < until_ns and len(seen) < len(wanted) and proc.poll() is None:
        with open(out, encoding="utf-8") as fh:
            fh.seek(pos)
            chunk = fh.read()
            pos = fh.tell()
        now = time.monotonic_ns()
        lines = (partial + chunk).split("\n")
        partial = lines.pop()
        for line in lines:
            e = json.loads(line)
            events.append(e)
            for name, want in wanted.items():
                if name not in seen and _live_match(e, want):
                    seen[name] = now
        time.sleep(0.005)
    return seen, events


def case_live(work: str) -> list[str]:
    """Counts of fds that stay open and idle reach the stream within 250 ms."""
    need_ebpf(work)
    sleep_ms = 1500
    out = os.path.join(work, "live.jsonl")
    open(out, "w").close()
    proc = subprocess.Popen(compendium() + ["--ebpf", "--json", "-o", out, "--",
                                            tracee("idlefds"), str(sleep_ms)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=work)
    try:
        own = json.loads(proc.stdout.readline() or "{}")
        if "sleep_start_ns" not in own:
            raise HarnessError(f"idlefds said nothing: {proc.stderr.read()}")
        start, end = own["sleep_start_ns"], own["sleep_start_ns"] + sleep_ms * 1000000
        wanted = _live_wanted(work, own)
        seen, _ = _live_follow(proc, out, wanted, end - 200 * 1000000)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    probs = []
    if proc.returncode != 0:
        probs.append(f"compendium-tui exited {proc.returncode}: {proc.stderr.read().strip()}")
    for name in wanted:
        if name not in seen:
            probs.append(f"the {name} write was not in the stream while the program slept "
                         f"({sleep_ms} ms)")
    lags = {name: (t - start) / 1e6 for name, t in seen.items()}
    for name, lag in lags.items():
        if lag > LIVE_LAG_MS:
            probs.append(f"the {name} write came {lag:.0f} ms after it was made "
                         f"(at most {LIVE_LAG_MS} ms)")
    events = [json.loads(line) for line in open(out, encoding="utf-8")]
    for name, want in wanted.items():
        got = [e for e in events if _live_match(e, want)]
        total = sum(e.get("bytes", 0) for e in got)
        calls = sum(e.get("calls", 0) for e in got)
        if (total, calls) != (want[5], 1):
            probs.append(f"{name}: {total} B in {calls} calls over the run, the program "
                         f"wrote {want[5]} B in 1 call")
    if not probs:
        print("while the program slept: " + ", ".join(f"{n} write seen {lag:.0f} ms after it"
                                                      for n, lag in sorted(lags.items())))
    return probs


FLOOD_N, FLOOD_FILES, FLOOD_STALL_S = 200000, 1000, 1.5


def _drain_fifo(path: str, dest: str, stall) -> None:
    """Open the FIFO compendium-tui writes to, read nothing until stall (seconds,
    or an Event) is over, then all."""
    with open(path, "rb") as src, open(dest, "wb") as out:
        if isinstance(stall, float):
            time.sleep(stall)
        else:
            stall.wait(120)
        shutil.copyfileobj(src, out, 1 << 16)


# Run the rest of the command line where no cgroup2 is mounted (a mount namespace).
WITHOUT_CGROUP2 = ["unshare", "-m", "sh", "-c", "for m in $(awk '$3 == \"cgroup2\" { print $2 }' "
                   "/proc/self/mounts); do umount -l \"$m\" || exit 99; done; exec \"$@\"", "sh"]


def _flood_run(work: str, mode: str, stall_s: float, forks: int = 0,
               wrap: list[str] | None = None, n: int = FLOOD_N,
               extra: tuple = (), engine: tuple = ("--ebpf",),
               script: str = "{flood}") -> tuple[str, dict, float]:
    """compendium-tui --ebpf (or engine's options) on the flood (in sh, as
    script says), its output read through a FIFO that stalls for stall_s, or
    (stall_s < 0) until the flood is over; returns (output text, the
    tracee's own figures, wall seconds)."""
    import threading
    fifo, dest = os.path.join(work, f"out.{mode}.fifo"), os.path.join(work, f"out.{mode}")
    flood = [tracee("flood"), str(n), str(FLOOD_FILES), str(forks)]
    if script != "{flood}":
        flood = ["sh", "-c", script.format(flood=shlex.join(flood))]
    argv = (wrap or []) + compendium() + [*engine, f"--{mode}", "-o", fifo, *extra, "--", *flood]
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    done = threading.Event()
    reader = threading.Thread(target=_drain_fifo, args=(fifo, dest, stall_s if stall_s >= 0
                                                         else done))
    reader.start()
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=work)
    watchdog = threading.Timer(120, proc.kill)   # a run that hangs fails, never waits for good
    watchdog.start()
    hung = False
    try:
        own = proc.stdout.readline()   # the flood is over
        done.set()
        _, err = proc.communicate()
    finally:
        hung = not watchdog.is_alive() and proc.returncode == -signal.SIGKILL
        watchdog.cancel()
        done.set()
        if reader.is_alive():   # compendium-tui never opened the FIFO: let the reader go
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        reader.join()
    wall = time.monotonic() - t0
    how = " ".join(engine)
    if hung:
        raise Failure(f"flood under {how} --{mode} ({n} cycles, {forks} forks) hung: "
                      "killed after 120 s")
    if proc.returncode != 0 or "--ebpf is off" in err or not own:
        raise HarnessError(f"flood under {how} --{mode}: exit {proc.returncode}: {err.strip()}")
    return open(dest, encoding="utf-8").read(), json.loads(own), wall


def _flood_json(text: str, own: dict) -> tuple[int, int, int, dict]:
    """(opens of flood.d, bytes written to it, dropped, summary) from --json output."""
    lines = text.splitlines()
    summary = json.loads(lines[-1])
    # (millions of lines, looked at as text: an open's only field with a path is its path)
    opens = sum(1 for line in lines[:-1] if '"type":"open"' in line and "/flood.d/" in line)
    written = sum(f["written_bytes"] for f in summary["files"] if "/flood.d/" in f["path"])
    return opens, written, summary.get("dropped", -1), summary


def _flood_lines(text: str) -> tuple[int, int, int, list[str]]:
    """(opens of flood.d, bytes written to it, dropped, notes) from line output."""
    opens = len(re.findall(r"\] (?:\[\d+\] )?open \S+/flood\.d/f\d+ \(write\)$", text, re.M))
    written = sum(int(n) for n in re.findall(r"\] (?:\[\d+\] )?write (\d+) B \S+/flood\.d/f\d+$",
                                             text, re.M))
    dropped = re.search(r"^Dropped: (\d+)", text, re.M)
    notes = re.findall(r"^Note: (.*)$", text, re.M)
    return opens, written, int(dropped.group(1)) if dropped else 0, notes


def _cgroup2_mount() -> str | None:
    """Where cgroup2 is mounted, or None."""
    mnt = [line.split()[1] for line in open("/proc/self/mounts", encoding="utf-8")
           if line.split()[2] == "cgroup2"]
    return mnt[0] if mnt else None


def _own_cgroup2() -> str | None:
    """Our own group's directory on the cgroup2 mount, or None without one."""
    mnt = _cgroup2_mount()
    own = [line.strip()[3:] for line in open("/proc/self/cgroup", encoding="utf-8")
           if line.startswith("0::")]
    if not mnt or not own:
        return None
    return mnt + (own[0] if own[0] != "/" else "")


def pids_running(exe: str) -> list[int]:
    """The processes whose argv[0] is exe."""
    pids = []
    for name in os.listdir("/proc"):
        try:
            if name.isdigit() and open(f"/proc/{name}/cmdline", "rb").read().split(b"\0")[0] \
                    == exe.encode():
                pids.append(int(name))
        except OSError:
            pass
    return pids


def _dead_groups(parent: str) -> list[str]:
    """compendium-tui.PID groups under parent whose PID is gone."""
    dead = []
    for name in os.listdir(parent):
        m = re.fullmatch(r"compendium-tui\.(\d+)", name)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            dead.append(name)
    return dead


def case_flood(work: str) -> list[str]:
    """A flood that outruns the reader loses nothing: the program is held back."""
    need_ebpf(work)
    want_opens = FLOOD_N + FLOOD_FILES   # (each file is made once first)
    probs, report = [], []
    parent = _own_cgroup2()
    if parent:   # a group left by a tracer that was killed: the next run removes it
        pid_max = int(open("/proc/sys/kernel/pid_max", encoding="ascii").read())
        os.mkdir(os.path.join(parent, f"compendium-tui.{pid_max + 1}"))
    for mode, stall, forks in (("json", 0.0, 0), ("json", FLOOD_STALL_S, 0),
                               ("batch", FLOOD_STALL_S, 0), ("json", FLOOD_STALL_S, 20)):
        text, own, wall = _flood_run(work, mode, stall, forks)
        if mode == "json":
            opens, written, dropped, summary = _flood_json(text, own)
            notes = summary.get("notes") or []
            procs = len(summary["processes"])
        else:
            opens, written, dropped, notes = _flood_lines(text)
            procs = 1 + forks
        what = f"--{mode}, reader stalled {stall} s, {forks} forks"
        if dropped:
            probs.append(f"{what}: {dropped} dropped")
        if (opens, written) != (want_opens, FLOOD_N):
            probs.append(f"{what}: {opens} opens and {written} B written of flood.d, the "
                         f"program made {want_opens} opens and wrote {FLOOD_N} B")
        if procs != 1 + forks:
            probs.append(f"{what}: {procs} processes, the program ran {1 + forks}")
        held = [n for n in notes if "held back" in n]
        if stall and not held:
            probs.append(f"{what}: no note says the program was held back (notes: {notes})")
        report.append(f"{what}: {wall:.2f} s (the loop {own['ns'] / 1e9:.2f} s)"
                      + (f"; {held[0]}" if held else ""))
    print("\n".join(report))
    if parent and _dead_groups(parent):
        probs.append(f"groups of tracers that ended are left in {parent}: "
                     f"{_dead_groups(parent)}")
    return (probs + _flood_cgroup(work) + _flood_forks(work) + _flood_kernel(work)
            + _flood_unheld(work))


def _flood_cgroup(work: str) -> list[str]:
    """The program's own cgroup, as it reads it in /proc/self/cgroup (node,
    Go and Java programs size themselves by it), is what it reads untraced,
    before and after being held back; while held, it is frozen in a group of
    its own.  Under --ebpf and the kernel engine, with two floods at once
    under sh, every process's exit known."""
    import threading
    if not _own_cgroup2():
        print("no cgroup2 mount: the program's group while held is left out")
        return []
    untraced = subprocess.run(["cat", "/proc/self/cgroup"], capture_output=True,
                              text=True, check=True).stdout
    own = [line for line in untraced.splitlines() if line.startswith("0::")][0]
    probs = []
    for engine in (("--engine", "ptrace", "--ebpf"), ("--engine", "kernel")):
        seen, done = set(), threading.Event()

        def watch() -> None:   # the flood's group, every 10 ms
            while not done.wait(0.01):
                for pid in pids_running(tracee("flood")):
                    try:
                        line = [x for x in open(f"/proc/{pid}/cgroup", encoding="utf-8")
                                if x.startswith("0::")][0].strip()
                        events = open(_cgroup2_mount() + line[3:] + "/cgroup.events",
                                      encoding="utf-8").read()
                    except (OSError, IndexError):
                        continue
                    seen.add((line, "frozen 1" in events))
        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            text, _, _ = _flood_run(work, "json", FLOOD_STALL_S, engine=engine,
                                    script="cat /proc/self/cgroup > before; mkdir -p two; "
                                           "(cd two && {flood} > /dev/null) & {flood}; wait; "
                                           "cat /proc/self/cgroup > after")
        finally:
            done.set()
            watcher.join()
        how = " ".join(engine)
        summary = json.loads(text.splitlines()[-1])
        notes = summary.get("notes") or []
        ends = [p["exit"]["code"] for p in summary["processes"]]
        if summary["exit"]["code"] != 0 or ends.count(0) != len(ends):
            probs.append(f"{how}: exit {summary['exit']}, the processes' exits {ends}: "
                         f"all 0 (the ptrace tracer once took a hold's errno for its wait's "
                         f"and stopped following them)")
        for name in ("before", "after"):
            got = open(os.path.join(work, name), encoding="utf-8").read()
            if got != untraced:
                probs.append(f"{how}: /proc/self/cgroup {name} the hold reads {got!r}, "
                             f"untraced {untraced!r}")
        if not any("held back" in x for x in notes):
            probs.append(f"{how}: the program was not held back (notes {notes})")
        if not any(frozen and line != own for line, frozen in seen):
            probs.append(f"{how}: never seen frozen in a group of its own while held "
                         f"(its groups: {seen})")
    if not probs:
        print("--ebpf and --engine kernel: the program reads its own /proc/self/cgroup before "
              "and after a hold; it is frozen in a group of its own only while held")
    return probs + _flood_pair(work)


def _flood_pair(work: str) -> list[str]:
    """Two floods at once in subshells, --ebpf into a file, twice: held back
    now and then, and every process's end followed (the ptrace tracer once
    took the errno of a hold's cgroup writes, made in its tick between its
    wait and the check of the wait's errno, for the wait's, and stopped
    following the program: no exit at all, 3 runs of 3)."""
    probs, held = [], 0
    for rnd in range(2):
        out = os.path.join(work, f"pair{rnd}.jsonl")
        script = (f"mkdir -p a{rnd} b{rnd}; "
                  f"(cd a{rnd}; {shlex.quote(tracee('flood'))} 300000 {FLOOD_FILES} 0) & "
                  f"(cd b{rnd}; {shlex.quote(tracee('flood'))} 300000 {FLOOD_FILES} 0) & wait")
        res = subprocess.run(compendium() + ["--engine", "ptrace", "--ebpf", "--json", "-o", out,
                                             "--", "sh", "-c", script],
                             cwd=work, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=300)
        summary = json.loads(open(out, encoding="utf-8").read().splitlines()[-1])
        ends = [p["exit"]["code"] for p in summary["processes"]]
        held += sum("held back" in n for n in summary.get("notes") or [])
        if res.returncode != 0 or ends != [0] * 4:
            probs.append(f"two floods at once, run {rnd + 1}: exit status {res.returncode}, "
                         f"the processes' exits {ends}; expected 4 processes (sh, mkdir, "
                         f"two floods), all 0")
    if not probs:
        print(f"two floods at once, 2 runs: every process's exit followed ({held} of them "
              "held back)")
    return probs


def _flood_forks(work: str) -> list[str]:
    """1,000,000 cycles with 50 fork+execs spread over them, output read at
    once (only the processes' events printed, the summary whole): while the
    program is held, the tracer's ticks must go on through the ptrace stops
    (a lost tick once left tracer and frozen program waiting on each other)."""
    n, forks = 1000000, 50
    text, own, wall = _flood_run(work, "json", 0.0, forks, n=n, extra=("--filter", "proc"))
    summary = json.loads(text.splitlines()[-1])
    written = sum(f["written_bytes"] for f in summary["files"] if "/flood.d/" in f["path"])
    got = (summary["dropped"], written, len(summary["processes"]))
    if got != (0, n, 1 + forks):
        return [f"{n} cycles, {forks} forks: dropped, bytes written, processes {got}, "
                f"expected {(0, n, 1 + forks)}"]
    held = [x for x in summary.get("notes") or [] if "held back" in x]
    print(f"{n} cycles, {forks} forks: {wall:.2f} s (the loop {own['ns'] / 1e9:.2f} s), "
          f"nothing dropped" + (f"; {held[0]}" if held else ""))
    return []


# The kernel engine's flood: as many cycles as a person's program might make
# in a burst (about 6,000,000 records), the output unread for 1.5 s.
FLOOD_KERNEL_N = 3000000


def _flood_kernel(work: str) -> list[str]:
    """--engine kernel: 3,000,000 cycles in --json, its output read at once,
    then 200,000 with 20 fork+execs in line output, the reader stalled 1.5 s:
    nothing dropped, every open and byte counted; with the stall, the program
    held back instead."""
    probs = []
    for mode, n, forks, stall in (("json", FLOOD_KERNEL_N, 0, 0.0),
                                  ("batch", FLOOD_N, 20, FLOOD_STALL_S)):
        text, own, wall = _flood_run(work, mode, stall, forks, n=n,
                                     engine=("--engine", "kernel"))
        if mode == "json":
            opens, written, dropped, summary = _flood_json(text, own)
            notes = summary.get("notes") or []
            procs = len(summary["processes"])
        else:
            opens, written, dropped, notes = _flood_lines(text)
            m = re.search(r"^Processes: (\d+)", text, re.M)
            procs = int(m.group(1)) if m else None
        what = f"--engine kernel --{mode}, reader stalled {stall} s, {n} cycles, {forks} forks"
        got = (dropped, opens, written, procs)
        want = (0, n + FLOOD_FILES, n, 1 + forks)
        if got != want:
            probs.append(f"{what}: dropped, opens, bytes written, processes {got}, the program "
                         f"made {want}")
        held = [x for x in notes if "held back" in x]
        if stall and not held:
            probs.append(f"{what}: no note says the program was held back (notes: {notes})")
        print(f"{what}: {wall:.2f} s (the loop {own['ns'] / 1e9:.2f} s), {dropped} dropped, "
              f"{written} B counted" + (f"; {held[0]}" if held else ""))
    return probs


def _flood_unheld(work: str) -> list[str]:
    """Without cgroup2 the program runs on while the output is not read, and
    records are dropped: every output says the totals are incomplete."""
    if not shutil.which("unshare"):
        print("no unshare (util-linux): the run without cgroup2 is left out")
        return []
    probs = []
    text, _, _ = _flood_run(work, "json", -1, wrap=WITHOUT_CGROUP2)
    opens, written, dropped, summary = _flood_json(text, {})
    if not dropped or summary.get("complete") is not False:
        probs.append(f"without cgroup2: dropped {dropped}, complete {summary.get('complete')!r} "
                     "(expected drops, and complete false)")
    if not any("could not hold the program back" in n for n in summary.get("notes") or []):
        probs.append(f"without cgroup2: no note says why records were dropped: "
                     f"{summary.get('notes')}")
    text, _, _ = _flood_run(work, "batch", -1, wrap=WITHOUT_CGROUP2)
    if not re.search(r"^Dropped: [1-9]\d* .*: the totals above are incomplete$", text, re.M):
        probs.append("without cgroup2: the FINAL block does not say the totals are incomplete")
    if not probs:
        print(f"without cgroup2: {dropped} dropped, {written} of {FLOOD_N} B counted; "
              "the JSON summary says complete: false, the FINAL block says incomplete")
    return probs


def case_io(work: str) -> list[str]:
    """--ebpf summaries equal ptrace mode's, with the read/write family off ptrace."""
    need_ebpf(work)
    probs = []
    for argv in _io_programs(work) + [["dd", "if=/dev/zero", "of=/dev/null", "bs=512",
                                       "count=100000", "status=none"]]:
        name = os.path.basename(argv[0]) if argv[0] != "sh" else "sh pipeline"
        plain, kern = _summary(argv, work, False), _summary(argv, work, True)
        a, b = _comparable(plain), _comparable(kern)
        for key in a:
            if a[key] != b[key]:
                probs.append(f"{name}: {key} with --ebpf {b[key]} != ptrace {a[key]}")
        stops, kstops = plain["tracer"]["stops"], kern["tracer"]["stops"]
        if kstops >= stops:
            probs.append(f"{name}: {kstops} stops with --ebpf, {stops} without")
        if name == "dd" and kstops >= 1000:
            probs.append(f"dd: {kstops} stops with --ebpf: reads and writes still stop")
        if name == "python3" and kstops >= 100:   # hundreds of opens, mmaps, reads, pipes
            probs.append(f"python3: {kstops} stops with --ebpf: opens, mmaps or pipes "
                         "still stop")
        print(f"{name:12} equal: {a['io']}  (stops {stops} -> {kstops})")
    return probs


def case_concurrent(work: str) -> list[str]:
    """Two --ebpf runs at once, 100 times: each counts its own program's bytes
    and nothing of the other's, and each ends (the consumer once went to
    sleep for good when its eBPF queue closed between its last look and its
    wait, about one run in 30 with another beside it)."""
    need_ebpf(work)
    probs = []
    for rnd in range(100):
        runs = []
        for i in (1, 2):
            out, data = os.path.join(work, f"c{i}.jsonl"), os.path.join(work, f"c{i}.bin")
            argv = compendium() + ["--ebpf", "--json", "-o", out, "--", "sh", "-c",
                                   f"head -c {1000 * i} /dev/zero > {data}"]
            runs.append((out, data, 1000 * i, subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, cwd=work)))
        for out, data, size, proc in runs:
            try:
                rc = proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                probs.append(f"round {rnd}: the run writing {data} did not end in 20 s")
                continue
            if rc != 0:
                probs.append(f"round {rnd}: the run writing {data} exited {rc}")
                continue
            summary = json.loads(open(out, encoding="utf-8").read().splitlines()[-1])
            written = {f["path"]: f["written_bytes"] for f in summary["files"]
                       if f["written_bytes"]}
            if written != {data: size}:
                probs.append(f"round {rnd}: files written {written}, expected {{{data!r}: {size}}}")
        if probs:
            break
    if not probs:
        print("100 rounds of two runs at once: each ended, each counted its own bytes only")
    return probs


CASES = {
    "contention": case_contention,
    "schedstat": case_schedstat,
    "directio": case_directio,
    "storm": case_storm,
    "lanes": case_lanes,
    "fallback": case_fallback,
    "e2e": case_e2e,
    "io": case_io,
    "concurrent": case_concurrent,
    "live": case_live,
    "flood": case_flood,
    "kernel": case_kernel,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or (argv[0] not in CASES and argv[0] != "--list"):
        print(__doc__)
        return EXIT_ERROR
    if argv[0] == "--list":
        for name, fn in CASES.items():
            print(f"{name:11} {fn.__doc__}")
        return EXIT_OK
    work = tempfile.mkdtemp(prefix=f"ebpf-{argv[0]}-")
    # One case at a time on the machine: they pin threads and time waits.
    lock = open(os.path.join(tempfile.gettempdir(), "compendium-ebpf-tests.lock"), "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        probs = CASES[argv[0]](work)
    except Skip as e:
        print(f"SKIP: {e}")
        return EXIT_SKIP
    except Failure as e:
        probs = [str(e)]
    except (HarnessError, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
        print(f"ERROR: {e}")
        return EXIT_ERROR
    finally:
        if os.environ.get("E2E_KEEP") == "1":
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    for p in probs:
        print(f"FAIL: {p}")
    return EXIT_FAIL if probs else EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
