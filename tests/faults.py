#!/usr/bin/env python3
"""End-to-end test of compendium-tui --faults with tests/tracees/faulter.

    python3 tests/faults.py [K]     exit 0 pass, 1 fail, 77 skipped, 99 harness error

faulter touches exactly K (default 3000) fresh pages in the brk heap, a
malloc'd block (12 MB for K = 3000), an anonymous mapping and a file
mapping, K/4 pages of stack, and in a forked child K/4 anonymous pages plus
K copy-on-write heap pages.  It prints each range, the minor faults the
kernel counted (getrusage), and the whole mapping (start and length, as
mmap made it; strace -e mmap shows the same) of the malloc'd block and the
anonymous mappings.  Checked:
  * --json: faults sampled in each range are within 2% of the pages touched
    and are attributed to the right process and region ([heap], [anon],
    the file's path, [stack]); per process, never fewer faults than the
    kernel counted; summary total = events = sum of by_region; none lost
  * by_region: one entry per mapping, so the malloc'd block and the
    anonymous mapping (both "[anon]") are two entries, each with its
    mapping's exact start and len, prot "rw-", the time it was made in
    order, and a count within 2% of the pages touched; no other entry of
    the process overlaps them; one [heap] entry per process spanning the
    heap phase
  * --batch: "faults N × 4.0 KB in [heap] 0x..." lines add up to the same
    counts, and the FINAL block has the page-fault section, naming the
    malloc'd block's and the anonymous mapping's start
  * without permission (perf_event_open denied by seccomp): one sentence
    on stderr saying why and how to enable it, the same as a note in the
    summary, no faults, and the trace itself complete and exit status 0
Environment: COMPENDIUM (default ./compendium-tui), TRACEE_DIR (default
tests/tracees).  Skips when perf events are not available at all.
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

EXIT_OK, EXIT_FAIL, EXIT_SKIP, EXIT_ERROR = 0, 1, 77, 99
TOLERANCE = 0.02

COMPENDIUM = shlex.split(os.environ.get("COMPENDIUM", "./compendium-tui"))
TRACEE_DIR = os.environ.get("TRACEE_DIR", "tests/tracees")
FAULTER = os.path.join(TRACEE_DIR, "faulter")

PHASE_RE = re.compile(r"phase (\w+) pid=(\d+) start=0x([0-9a-f]+) end=0x([0-9a-f]+) "
                      r"pages=(\d+) minflt=(-?\d+)")
TOTAL_RE = re.compile(r"total pid=(\d+) minflt=(\d+)")
MAPPING_RE = re.compile(r"mapping (\w+) pid=(\d+) start=0x([0-9a-f]+) len=(\d+)")
# [+0.123s] [1234] faults 512 × 4.0 KB in [heap] 0x55d0a9c3e000
LINE_RE = re.compile(r"^\[\+[0-9.]+s\] (?:\[(\d+)\] )?faults? (?:(\d+) × )?4\.0 KB in (.*?)(?: 0x[0-9a-f]+)?$")

# phase -> (expected region name, region kind); None name: the file's path
EXPECT = {
    "heap": ("[heap]", "heap"),
    "malloc": ("[anon]", "anon"),
    "anon": ("[anon]", "anon"),
    "file": (None, "file"),
    "stack": ("[stack]", "stack"),
    "child_anon": ("[anon]", "anon"),
    "child_heap": ("[heap]", "heap"),
}


# the phases whose whole mapping faulter prints
MAPPED = ("malloc", "anon", "child_anon")


class HarnessError(Exception):
    pass


def run(argv, cwd):
    """Run argv; return (status, stdout, stderr)."""
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120, check=False)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def parse_tracee(out):
    """Phases {name: dict} (with "map": (start, len) where faulter printed the
    mapping) and totals {pid: minflt} from faulter's stdout."""
    phases, totals, maps = {}, {}, {}
    for line in out.splitlines():
        m = PHASE_RE.match(line)
        if m:
            phases[m[1]] = {"pid": int(m[2]), "start": int(m[3], 16), "end": int(m[4], 16),
                            "pages": int(m[5]), "minflt": int(m[6])}
        m = TOTAL_RE.match(line)
        if m:
            totals[int(m[1])] = int(m[2])
        m = MAPPING_RE.match(line)
        if m:
            maps[m[1]] = (int(m[3], 16), int(m[4]))
    if set(phases) != set(EXPECT) or len(totals) != 2 or set(maps) != set(MAPPED):
        raise HarnessError(f"faulter printed phases {sorted(phases)} totals {totals} "
                           f"mappings {sorted(maps)}:\n{out}")
    for name, mapping in maps.items():
        phases[name]["map"] = mapping
    return phases, totals


def load_jsonl(path):
    """(fault events, summary) of a --json output file."""
    with open(path, encoding="utf-8") as f:
        objs = [json.loads(line) for line in f if line.strip()]
    if not objs or objs[-1].get("type") != "summary":
        raise HarnessError("no summary object at the end of the JSON output")
    return [o for o in objs if o.get("type") == "fault"], objs[-1]


def within(count, k):
    return k * (1 - TOLERANCE) <= count <= k * (1 + TOLERANCE)


def check_phases(events, phases, problems, report):
    """Faults in each touched range: how many, whose, which region."""
    for name, ph in phases.items():
        # the child's copy-on-write heap has the parent's addresses: count by pid
        mine = [e for e in events
                if e["pid"] == ph["pid"] and ph["start"] <= int(e["addr"], 16) < ph["end"]]
        want_name, want_kind = EXPECT[name]
        wrong = [e for e in mine if e["region_kind"] != want_kind or
                 (want_name and e["region"] != want_name) or
                 (not want_name and not e["region"].endswith("/faulter.dat"))]
        report.append(f"{name:10} pid {ph['pid']}: K={ph['pages']:5} sampled={len(mine):5} "
                      f"kernel(phase)={ph['minflt']:5} region={mine[0]['region'] if mine else '-'}")
        if not within(len(mine), ph["pages"]):
            problems.append(f"{name}: {len(mine)} faults sampled in the range, expected "
                            f"{ph['pages']} within {TOLERANCE:.0%}")
        if wrong:
            e = wrong[0]
            problems.append(f"{name}: {len(wrong)} faults attributed to {e['region']!r} "
                            f"({e['region_kind']}), expected {want_name or 'the file'} ({want_kind})")


def check_totals(events, summary, totals, problems, report):
    """Per process never fewer than the kernel counted; summary adds up."""
    faults = summary.get("faults") or {}
    by_region = faults.get("by_region") or []
    for pid, kernel in totals.items():
        sampled = sum(1 for e in events if e["pid"] == pid)
        report.append(f"pid {pid}: sampled {sampled} faults, kernel counted {kernel} in main")
        if sampled < kernel:
            problems.append(f"pid {pid}: {sampled} faults sampled, fewer than the {kernel} "
                            "the kernel counted")
    if faults.get("total") != len(events):
        problems.append(f"summary faults.total {faults.get('total')} != {len(events)} fault events")
    if sum(r["count"] for r in by_region) != len(events):
        problems.append("summary by_region counts do not add up to the fault events")
    if faults.get("lost"):
        problems.append(f"{faults['lost']} samples lost")
    unknown = sum(1 for e in events if e["region_kind"] == "unknown")
    report.append(f"total {len(events)} faults, {unknown} unattributed, lost {faults.get('lost')}")
    if unknown:
        problems.append(f"{unknown} faults attributed to no region")


def check_mappings(summary, phases, problems, report):
    """by_region: one entry per mapping, with its exact range."""
    by_region = (summary.get("faults") or {}).get("by_region") or []
    made = {}
    for name in MAPPED:
        ph = phases[name]
        start, length = ph["map"]
        mine = [r for r in by_region if r["pid"] == ph["pid"] and r.get("start") is not None
                and int(r["start"], 16) < start + length
                and start < int(r["start"], 16) + r["len"]]
        exact = [r for r in mine if int(r["start"], 16) == start and r["len"] == length]
        report.append(f"by_region {name:10} pid {ph['pid']}: " + "; ".join(
            f"{r['region']} start={r['start']} len={r['len']} prot={r['prot']} "
            f"made_s={r['made_s']} count={r['count']}" for r in mine))
        if len(mine) != 1 or len(exact) != 1:
            problems.append(f"by_region: {len(mine)} entries over the {name} mapping "
                            f"0x{start:x}+{length}, {len(exact)} with its exact start and len; "
                            f"expected one")
            continue
        r = exact[0]
        made[name] = r["made_s"]
        if (r["region"], r["kind"], r["prot"]) != ("[anon]", "anon", "rw-"):
            problems.append(f"by_region {name}: {r['region']} {r['kind']} {r['prot']}, "
                            f"expected [anon] anon rw-")
        if not within(r["count"], ph["pages"]):
            problems.append(f"by_region {name}: count {r['count']}, expected {ph['pages']} "
                            f"within {TOLERANCE:.0%}")
    if "malloc" in made and "anon" in made and not made["malloc"] < made["anon"]:
        problems.append(f"by_region: the malloc'd block made at {made['malloc']} s, not before "
                        f"the anonymous mapping ({made['anon']} s)")
    for name in ("heap", "child_heap"):
        ph = phases[name]
        heaps = [r for r in by_region if r["pid"] == ph["pid"] and r["region"] == "[heap]"]
        if len(heaps) != 1 or heaps[0].get("start") is None or not (
                int(heaps[0]["start"], 16) <= ph["start"] and
                ph["end"] <= int(heaps[0]["start"], 16) + heaps[0]["len"]):
            problems.append(f"by_region: {len(heaps)} [heap] entries of pid {ph['pid']}, "
                            f"expected one spanning the heap phase: {heaps}")


def check_lines(text, phases, problems, report):
    """Grouped fault lines add up per process and region name."""
    sums = {}
    parent = phases["heap"]["pid"]
    for line in text.splitlines():
        m = LINE_RE.match(line)
        if m:
            key = (int(m[1]) if m[1] else parent, m[3])
            sums[key] = sums.get(key, 0) + int(m[2] or 1)
    child = phases["child_heap"]["pid"]
    k = phases["heap"]["pages"]
    for pid, region, low in ((parent, "[heap]", k), (child, "[heap]", k),
                             (parent, "[stack]", k // 4)):
        got = sums.get((pid, region), 0)
        report.append(f"--batch: pid {pid} {region} lines add up to {got}")
        if not low * (1 - TOLERANCE) <= got <= low * (1 + TOLERANCE) + 64:
            problems.append(f"--batch: faults lines for {region} of pid {pid} add up to {got}, "
                            f"expected about {low}")
    if not re.search(r"^Page faults: \d+ \(.*\), 0 lost$", text, re.M):
        problems.append("--batch: no 'Page faults: N (...), 0 lost' line in FINAL")
    for name in ("malloc", "anon"):
        start = phases[name]["map"][0]
        if not re.search(r"^ +\d+ +\S+ \S+ +\[anon\] at 0x%x \(" % start, text, re.M):
            problems.append(f"--batch: FINAL names no [anon] mapping at 0x{start:x} ({name})")


def check_denied(scratch, problems):
    """Without permission: one sentence, a note, and everything else works."""
    out = os.path.join(scratch, "denied.jsonl")
    st, _, err = run([FAULTER, "--deny-perf"] + COMPENDIUM +
                     ["--json", "--faults", "-o", out, "--", FAULTER, scratch, "8"], scratch)
    if st != 0:
        problems.append(f"denied: exit status {st}, expected 0; stderr: {err.strip()}")
        return
    events, summary = load_jsonl(out)
    said = [l for l in err.splitlines() if "perf_event_paranoid" in l]
    if len(said) != 1 or "root" not in said[0]:
        problems.append(f"denied: expected one sentence about perf_event_paranoid and root on "
                        f"stderr, got: {err.strip()!r}")
    if not any("perf_event_paranoid" in n for n in summary.get("notes") or []):
        problems.append("denied: the summary notes do not say why faults are missing")
    if events or (summary.get("faults") or {}).get("total"):
        problems.append("denied: faults reported although sampling was refused")
    if len(summary.get("processes") or []) != 2 or (summary.get("exit") or {}).get("code") != 0:
        problems.append("denied: the trace itself is incomplete (processes or exit status)")


def main():
    k = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    problems, report = [], []
    with tempfile.TemporaryDirectory(prefix="faults-test.") as scratch:
        out = os.path.join(scratch, "out.jsonl")
        st, tout, err = run(COMPENDIUM + ["--json", "--faults", "-o", out, "--",
                                          FAULTER, scratch, str(k)], scratch)
        if "not sampled" in err:
            print(f"SKIP: {err.strip()}")
            return EXIT_SKIP
        if st != 0:
            raise HarnessError(f"compendium-tui exited {st}: {err}")
        phases, totals = parse_tracee(tout)
        events, summary = load_jsonl(out)
        check_phases(events, phases, problems, report)
        check_totals(events, summary, totals, problems, report)
        check_mappings(summary, phases, problems, report)
        txt = os.path.join(scratch, "out.txt")
        st, tout, err = run(COMPENDIUM + ["--batch", "--faults", "-o", txt, "--",
                                          FAULTER, scratch, str(k)], scratch)
        if st != 0:
            raise HarnessError(f"compendium-tui --batch exited {st}: {err}")
        with open(txt, encoding="utf-8") as f:
            check_lines(f.read(), parse_tracee(tout)[0], problems, report)
        check_denied(scratch, problems)
    print("\n".join(report))
    for p in problems:
        print(f"FAIL: {p}")
    return EXIT_FAIL if problems else EXIT_OK


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (HarnessError, OSError, ValueError, subprocess.TimeoutExpired) as e:
        print(f"ERROR: {e}")
        sys.exit(EXIT_ERROR)
