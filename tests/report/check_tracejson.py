#!/usr/bin/env python3
"""Check a --trace-json file against the Trace Event Format rules.

    python3 tests/report/check_tracejson.py TRACE.json MANIFEST [--min-span NAME:US]

MANIFEST is what tests/report_gen printed for the same trace.  Checked:
the file is one JSON object with a traceEvents list; every event has a
known phase, a name, integer pid and tid and a numeric ts in microseconds
(the last event's time matches the manifest); metadata names every process
and thread; X slices have a duration and are well nested on each thread;
async b/e and flow s/f events pair up by id and never end before they
start, and flow ends bind inside a slice; counters carry numbers; every
stored event appears exactly once (as an instant, a slice or an async
begin) and there is one lifetime slice per lane; every timed call is an X
slice and every latency an async pair, and the longest call's slice ends at
its event with its whole duration.  --min-span NAME:US also asks for an X
slice called NAME (or any of NAME|NAME...) at least US microseconds long
(a call known to block that long).  --labels A,B says the trace is of a
replay of several recordings labelled A, B...: every process is a trace
process of its own (its pid the model's, the recording's index above bit
22), named "A: name (pid)" with the pid as its host knew it; --shared-pid PID
also asks that PID was a pid of more than one of them (kept apart).  Prints one line per
check and "N passed, N failed"; exits 1 on any failure.
"""

import collections
import json
import sys

PHASES = {"M", "X", "i", "C", "s", "f", "b", "e"}
META = {"process_name", "thread_name", "process_sort_index", "thread_sort_index"}
EPS = 0.0015   # timestamps carry three decimals of a microsecond

passed = 0
failed = 0


def check(name, ok, detail=""):
    """Record one check."""
    global passed, failed
    if ok:
        passed += 1
        print("PASS: " + name)
    else:
        failed += 1
        print("FAIL: " + name + (" (" + str(detail)[:300] + ")" if detail != "" else ""))


def shape(events):
    """Fields every event needs, by phase."""
    bad = []
    for ev in events:
        ph = ev.get("ph")
        if ph not in PHASES or not isinstance(ev.get("name"), str):
            bad.append(ev)
        elif not isinstance(ev.get("pid"), int) or not isinstance(ev.get("tid"), int):
            bad.append(ev)
        elif not isinstance(ev.get("ts"), (int, float)) or ev["ts"] < 0:
            bad.append(ev)
        elif ph == "X" and (not isinstance(ev.get("dur"), (int, float)) or ev["dur"] < 0):
            bad.append(ev)
        elif ph == "i" and ev.get("s") not in ("t", "p", "g"):
            bad.append(ev)
        elif ph in "sfbe" and "id" not in ev:
            bad.append(ev)
        elif ph == "C" and not all(isinstance(v, (int, float)) for v in ev.get("args", {}).values()):
            bad.append(ev)
        elif ph == "M" and ev["name"] not in META:
            bad.append(ev)
    check("every event has a phase, name, pid, tid, ts and its phase's fields", not bad, bad[:3])


def metadata(events):
    """Every process and thread used is named."""
    procs = {e["pid"] for e in events if e["ph"] == "M" and e["name"] == "process_name"
             and isinstance(e.get("args", {}).get("name"), str)}
    threads = {(e["pid"], e["tid"]) for e in events if e["ph"] == "M" and e["name"] == "thread_name"
               and isinstance(e.get("args", {}).get("name"), str)}
    used = {(e["pid"], e["tid"]) for e in events if e["ph"] not in ("M", "C")}
    check("every pid has a process_name", {p for p, _ in used} <= procs, {p for p, _ in used} - procs)
    check("every thread has a thread_name", used <= threads, used - threads)
    return threads


def nesting(events):
    """X slices on each thread nest: none overlaps another partially."""
    by_thread = collections.defaultdict(list)
    for e in events:
        if e["ph"] == "X":
            by_thread[(e["pid"], e["tid"])].append((e["ts"], -e["dur"], e))
    bad = []
    for key, slices in by_thread.items():
        stack = []
        for ts, ndur, e in sorted(slices, key=lambda s: (s[0], s[1])):
            end = ts - ndur
            while stack and stack[-1] <= ts + EPS:
                stack.pop()
            if stack and end > stack[-1] + EPS:
                bad.append((key, e))
            stack.append(end)
    check("X slices are well nested on every thread", not bad, bad[:3])
    return by_thread


def inside(by_thread, pid, tid, ts):
    """Is ts inside some X slice of the thread?"""
    return any(s[0] - EPS <= ts <= s[0] - s[1] + EPS for s in by_thread.get((pid, tid), []))


def pairs(events, by_thread):
    """Async b/e and flow s/f events pair up and go forward in time."""
    opened = {}
    bad = []
    for e in sorted(events, key=lambda e: e["ts"]):
        if e["ph"] == "b":
            opened[(e.get("cat"), e["name"], e["id"])] = e
        elif e["ph"] == "e":
            b = opened.pop((e.get("cat"), e["name"], e["id"]), None)
            if b is None or b["ts"] > e["ts"] + EPS:
                bad.append(e)
    check("async b/e events pair up by cat, name and id", not bad and not opened,
          (bad[:2], list(opened)[:2]))
    starts = {e["id"]: e for e in events if e["ph"] == "s"}
    ends = [e for e in events if e["ph"] == "f"]
    bad = [f for f in ends if f["id"] not in starts or starts[f["id"]]["ts"] > f["ts"] + EPS
           or f.get("bp") != "e"]
    check("flow s/f events pair up and go forward", not bad and len(ends) == len(starts), bad[:2])
    unbound = [e for e in events if e["ph"] in "sf" and not inside(by_thread, e["pid"], e["tid"], e["ts"])]
    check("flow events bind inside a slice of their thread", not unbound, unbound[:2])
    return len(ends)


def counts(events, threads, manifest):
    """One trace event per stored event, one lifetime per lane."""
    ph = collections.Counter(e["ph"] for e in events)
    lifetimes = sum(1 for e in events if e["ph"] == "X" and e.get("cat") == "proc")
    stored = ph["i"] + ph["b"] + ph["X"] - lifetimes
    check("one instant, slice or async begin per stored event", stored == manifest["events"],
          "%d vs %d" % (stored, manifest["events"]))
    check("one lifetime slice and one named thread per lane",
          lifetimes == manifest["lanes"] and len(threads) == manifest["lanes"],
          "%d/%d vs %d" % (lifetimes, len(threads), manifest["lanes"]))
    last = max((e["ts"] for e in events if e["ph"] in "iXb"), default=0)
    check("ts is in microseconds (last event at the manifest's time)",
          abs(last - manifest["last_ts"] / 1000.0) < 1.0, "%s vs %s" % (last, manifest["last_ts"] / 1000.0))
    check("heap and mmap counters present", {e["name"] for e in events if e["ph"] == "C"} >= {"heap", "mmap"}
          or manifest.get("by_cat", {}).get("mem", {}).get("shown", 0) == 0)


def spans(events, manifest, min_span):
    """Timed calls are X slices, latencies async pairs, durations whole."""
    calls = [e for e in events if e["ph"] == "X" and e.get("cat") != "proc"]
    if "spans" in manifest:
        check("one X slice per timed call", len(calls) == manifest["spans"],
              "%d vs %d" % (len(calls), manifest["spans"]))
        begins = sum(1 for e in events if e["ph"] == "b")
        check("latencies stay async b/e pairs", begins == manifest["latencies"],
              "%d vs %d" % (begins, manifest["latencies"]))
    longest = manifest.get("longest")
    if longest:
        end, dur = longest["end"] / 1000.0, longest["dur"] / 1000.0
        hit = [e for e in calls if e["tid"] == longest["tid"] and abs(e["ts"] + e["dur"] - end) < EPS
               and e["dur"] >= dur - EPS]
        check("the longest call is a slice from its entry to its exit (%.3f us)" % dur, hit != [],
              [e for e in calls if e["tid"] == longest["tid"]][:2])
    if min_span:
        name, us = min_span.split(":")
        best = max((e["dur"] for e in calls if e["name"] in name.split("|")), default=-1)
        check("%s is a slice of at least %s us" % (name, us), best >= float(us), best)


def labels(events, manifest, names):
    """A replay of several recordings: unique pids, labelled process names."""
    run_shift = 22
    named = {e["pid"]: e.get("args", {}).get("name", "") for e in events
             if e.get("ph") == "M" and e.get("name") == "process_name"}
    want = {int(p) for p in manifest["by_pid"]}
    check("one trace process per process of every recording (%d)" % len(want),
          set(named) == want, sorted(set(named) ^ want))
    bad = []
    for pid, name in named.items():
        run, local = pid >> run_shift, pid & ((1 << run_shift) - 1)
        ok = run < len(names) and name.startswith(names[run] + ": ") and \
            name.endswith(" (%d)" % local)
        if not ok:
            bad.append((pid, name))
    check("every process named with its host's label and its host's pid", not bad and named, bad)
    hosts = {}
    for pid in named:
        hosts.setdefault(pid & ((1 << run_shift) - 1), set()).add(pid >> run_shift)
    shared = sorted(p for p, runs in hosts.items() if len(runs) > 1)
    print("note: pids that more than one recording had: %s" % shared)
    for ev in events:
        if ev.get("ph") == "i" and ev.get("name") == "fork":
            child = ev.get("args", {}).get("child", 0)
            if child <= 0 or child >= 1 << run_shift:
                bad.append(ev)
    check("a fork's child is the pid its host knew", not bad, bad[:3])
    return shared


def main():
    """Run every check on one trace file."""
    args = sys.argv[1:]
    min_span = None
    names = None
    shared_want = None
    if "--labels" in args:
        k = args.index("--labels")
        names = args[k + 1].split(",") if k + 1 < len(args) else []
        del args[k:k + 2]
    if "--shared-pid" in args:
        k = args.index("--shared-pid")
        shared_want = int(args[k + 1]) if k + 1 < len(args) else -1
        del args[k:k + 2]
    if "--min-span" in args:
        k = args.index("--min-span")
        min_span = args[k + 1] if k + 1 < len(args) else ""
        del args[k:k + 2]
    if len(args) != 2 or (min_span is not None and ":" not in min_span):
        print("usage: check_tracejson.py TRACE.json MANIFEST [--min-span NAME:US] "
              "[--labels A,B [--shared-pid PID]]")
        return 2
    sys.argv[1:] = args
    with open(sys.argv[2], encoding="utf-8") as f:
        manifest = json.load(f)
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        check("the file is valid JSON", False, e)
        print("%d passed, %d failed" % (passed, failed))
        return 1
    events = doc.get("traceEvents") if isinstance(doc, dict) else None
    check("one object with a traceEvents list", isinstance(events, list))
    if not isinstance(events, list):
        events = []
    shape(events)
    events = [e for e in events if isinstance(e, dict) and e.get("ph") in PHASES]
    threads = metadata(events)
    by_thread = nesting(events)
    flows = pairs(events, by_thread)
    check("fork and clone flows present", flows > 0 or manifest["lanes"] <= 1, flows)
    counts(events, threads, manifest)
    spans(events, manifest, min_span)
    if names is not None:
        shared = labels(events, manifest, names)
        if shared_want is not None:
            check("pid %d of several recordings stays apart" % shared_want, shared_want in shared, shared)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
