#!/usr/bin/env python3
"""End-to-end check of compendium-tui's --json summary against strace.

    python3 tests/e2e.py CASE              run one case (exit 0 agree, 1 differ,
                                           77 skipped, 99 harness error)
    python3 tests/e2e.py --list            list the cases
    python3 tests/e2e.py --truth-only CASE print strace's summary for CASE and
                                           check it against the case's known
                                           numbers (no compendium-tui needed)

A case is one file, tests/e2e/NAME.py (CASE is NAME or the file's path): its
docstring, command(ctx), expect(summary, ctx, res), and optionally
check_got(...) and PROGRAM, the C source of a program of its own, which is
compiled here before the runs (tests/e2elib.py says what each is).
`make check` runs every case file listed in tests/lists.am.

Each case runs its command three times in the same scratch directory
(re-created and re-populated before every run, so paths are identical):
  1. untraced                         reference stdout/stderr/exit status
  2. under strace (strace_truth.py)   ground-truth summary
  3. compendium-tui --json -o OUT -- cmd
and then checks
  * the truth against what the tracee is known to do (a broken strace parser
    must never pass as a compendium-tui bug: that is reported as error 99),
  * compendium-tui's summary against the truth,
  * transparency: stdout, stderr, exit status (and redirected output files)
    of run 3 equal those of run 1.

How summaries are compared (pids and kernel-chosen ports necessarily
differ between the strace run and the compendium-tui run):
  exit          equal
  processes     matched as trees (root = the entry whose ppid is not listed;
                children paired by identical subtree, then exe+argv, argv,
                exe); exe, argv, threads, exit compared; a process under the
                wrong parent shows up as "only in" on both sides
  files         keyed by path: opened_for, read_bytes, written_bytes
                (/proc/<pid>/... of traced processes compared as /proc/PID/...,
                added up, since pids differ between runs)
  connections   multiset keyed by proto, role, local/remote *host* and
                whether the remote endpoint is itself a traced socket
                (remote == some listed connection's local); then bytes.
                compendium-tui's addresses must be well-formed with ports
                1..65535
  io            all six totals equal
  changes       every unlink/unlinkat/rmdir and rename/renameat/renameat2
                strace saw (failed ones too) is one delete or rename event
                of compendium-tui's with the same paths (absolute from the
                cwd or dirfd), dir flag and error, and there are no others
                (a multiset: processes may interleave differently)
  also          "command" equals the argv run, "dropped" is 0, all summary
                keys present; the JSON Lines file has exactly one summary,
                as its last object.  memory/events/duration_s are ignored.
Killed-by-signal: the untraced run's "killed by SIGx" is accepted as equal to
compendium-tui exiting with 128+x.

A case may also set, in its Invocation: preexec (run in the child before the
exec in all three runs: inherited signal state), compendium_args (extra
options such as -v), skip_status (the untraced run exiting with it means
"cannot run here": SKIP); and check_got (checks of compendium-tui's own
summary and events that strace cannot provide, such as notes; skipped for
the mock).

Harness self-test: COMPENDIUM="python3 tests/mock_compendium.py" must pass
every case.

Environment:
  TRACEE_DIR   directory with the tracee binaries (default tests/tracees)
  E2E_CC       compiler command for a case's PROGRAM (default: cc with the
               warnings of the build; make check passes the build's)
  COMPENDIUM   compendium-tui command (default ./compendium-tui; may contain
               extra words, e.g. "valgrind -q ./compendium-tui")
  STRACE       strace binary (default: from PATH)
  E2E_TIMEOUT  seconds per run (default 120)
  E2E_KEEP=1   keep the scratch directory and print its path
"""

from __future__ import annotations

import argparse
import ast
import collections
import importlib.util
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable

sys.dont_write_bytecode = True  # no __pycache__ in the (possibly read-only) srcdir
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2elib  # noqa: E402
import strace_truth  # noqa: E402
from e2elib import Ctx, HarnessError, Invocation  # noqa: E402

EXIT_OK, EXIT_FAIL, EXIT_SKIP, EXIT_ERROR = 0, 1, 77, 99

CASE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "e2e")


# --------------------------------------------------------------------------
# cases: one file each, tests/e2e/NAME.py (see tests/e2elib.py)


@dataclass
class Case:
    name: str
    path: str
    description: str
    build: Callable[[Ctx], Invocation]
    expect: Callable[[dict, Ctx, "RunResult"], list[str]]
    # extra checks of compendium-tui's own summary and events (things
    # strace cannot tell, such as notes); returns problems
    check_got: Callable[[dict, Ctx, "RunResult", list[dict]], list[str]] | None = None
    program: str | None = None       # C source of the case's own program
    program_line: int = 1            # its first line in the case file


def case_names() -> list[str]:
    return sorted(f[:-3] for f in os.listdir(CASE_DIR) if f.endswith(".py"))


def _program_line(path: str) -> int:
    """The line of the case file on which PROGRAM's text starts."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "PROGRAM" for t in node.targets):
            return node.value.lineno
    return 1


def load_case(arg: str) -> Case:
    """The case named arg, or in the case file arg (tests/e2e/NAME.py)."""
    path = arg if arg.endswith(".py") else os.path.join(CASE_DIR, arg + ".py")
    name = os.path.basename(path)[:-3]
    if not os.path.exists(path):
        raise HarnessError(f"unknown case {arg!r}; known: {', '.join(case_names())}")
    mod = _module_at(path, name)
    for need in ("command", "expect"):
        if not callable(getattr(mod, need, None)):
            raise HarnessError(f"{path} defines no {need}() (see tests/e2elib.py)")
    doc = " ".join((mod.__doc__ or "").strip().split("\n\n")[0].split())
    if not doc:
        raise HarnessError(f"{path} has no docstring saying what the case does")
    program = getattr(mod, "PROGRAM", None)
    return Case(name, path, doc, mod.command, mod.expect, getattr(mod, "check_got", None),
                program, _program_line(path) if program else 1)


def _module_at(path: str, name: str):
    spec = importlib.util.spec_from_file_location(f"e2e_case_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build_program(c: Case, scratch: str) -> str:
    """Compile the case's PROGRAM into scratch/bin/NAME (compiler messages name
    the lines of the case file); return its path."""
    src_dir = os.path.join(scratch, "bin")
    os.makedirs(src_dir, exist_ok=True)
    src, exe = os.path.join(src_dir, c.name + ".c"), os.path.join(src_dir, c.name)
    text = c.program[1:] if c.program.startswith("\n") else c.program
    first = c.program_line + (1 if c.program.startswith("\n") else 0)
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(f'#line {first} "{os.path.abspath(c.path)}"\n{text}')
    cc = shlex.split(os.environ.get("E2E_CC") or
                     "cc -std=gnu11 -Wall -Wextra -Wmissing-prototypes -pthread")
    tracee_h = os.path.join(os.path.dirname(CASE_DIR), "tracees")
    r = subprocess.run([*cc, "-I", tracee_h, "-o", exe, src], capture_output=True, text=True)
    if r.returncode != 0:
        raise HarnessError(f"the PROGRAM of {c.path} does not compile:\n{r.stderr}")
    return exe


# --------------------------------------------------------------------------
# running


@dataclass
class RunResult:
    returncode: int
    stdout: bytes | None
    stderr: bytes
    files: dict[str, bytes | None]
    summary: dict | None = None
    warnings: list[str] = field(default_factory=list)


def timeout_s() -> float:
    return float(os.environ.get("E2E_TIMEOUT", "120"))


def prepare(ctx: Ctx, inv: Invocation) -> None:
    if os.path.exists(ctx.work):
        shutil.rmtree(ctx.work)
    os.mkdir(ctx.work)
    inv.setup(ctx)


def _collect(ctx: Ctx, inv: Invocation) -> dict[str, bytes | None]:
    out = {}
    for name in inv.compare_files + ([inv.stdout_file] if inv.stdout_file else []):
        try:
            with open(ctx.w(name), "rb") as fh:
                out[name] = fh.read()
        except OSError:
            out[name] = None
    return out


def run_mode(mode: str, ctx: Ctx, inv: Invocation, scratch: str,
             compendium: list[str] | None = None) -> RunResult:
    prepare(ctx, inv)
    stdin = open(ctx.w(inv.stdin_file), "rb") if inv.stdin_file else subprocess.DEVNULL
    stdout = (open(ctx.w(inv.stdout_file), "wb") if inv.stdout_file else subprocess.PIPE)
    env = dict(os.environ, LC_ALL="C")
    try:
        if mode == "strace":
            trace = os.path.join(scratch, "strace.txt")
            run = strace_truth.run_truth(inv.argv, cwd=ctx.work, env=env, stdin=stdin,
                                         stdout=stdout, stderr=subprocess.PIPE,
                                         trace_path=trace, timeout=timeout_s(),
                                         preexec_fn=inv.preexec)
            res = RunResult(run.returncode, run.stdout, run.stderr or b"", {},
                            run.summary, run.warnings)
        else:
            argv = list(inv.argv)
            if mode == "compendium":
                out = os.path.join(scratch, "compendium.jsonl")
                if os.path.exists(out):
                    os.unlink(out)
                argv = [*compendium, *inv.compendium_args, "--json", "-o", out, "--", *argv]
            proc = subprocess.Popen(argv, cwd=ctx.work, env=env, stdin=stdin, stdout=stdout,
                                    stderr=subprocess.PIPE, start_new_session=True,
                                    preexec_fn=inv.preexec)
            try:
                sout, serr = proc.communicate(timeout=timeout_s())
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                raise
            res = RunResult(proc.returncode, sout, serr or b"", {})
    finally:
        for fh in (stdin, stdout):
            if hasattr(fh, "close"):
                fh.close()
    res.files = _collect(ctx, inv)
    return res


def load_jsonl(path: str) -> tuple[dict | None, list[str], list[dict]]:
    """Return (summary, problems, all objects) for compendium-tui's JSON Lines output."""
    problems = []
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        return None, [f"cannot read {path}: {exc}"], []
    objs = []
    for no, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            problems.append(f"line {no}: invalid JSON ({exc}): {line[:120]!r}")
            continue
        if not isinstance(obj, dict) or "type" not in obj:
            problems.append(f"line {no}: not an object with a \"type\": {line[:120]!r}")
            continue
        objs.append(obj)
    summaries = [i for i, o in enumerate(objs) if o.get("type") == "summary"]
    if len(summaries) != 1:
        problems.append(f"{len(summaries)} summary objects (expected exactly one)")
    if not summaries:
        return None, problems, objs
    if summaries[-1] != len(objs) - 1:
        problems.append("summary is not the last object")
    return objs[summaries[-1]], problems, objs


# --------------------------------------------------------------------------
# comparison


def _exit_str(e) -> str:
    if not isinstance(e, dict):
        return repr(e)
    return f"signal {e.get('signal')} (code {e.get('code')})" if e.get("signal") \
        else f"code {e.get('code')}"


def _label(p: dict) -> str:
    argv = " ".join(shlex.quote(a) for a in (p.get("argv") or []))
    return f"pid {p.get('pid')} [{p.get('exe')}: {argv}]"


class ProcTree:
    def __init__(self, procs: list[dict]) -> None:
        self.by_pid = {p.get("pid"): p for p in procs}
        self.children = collections.defaultdict(list)
        self.roots = []
        for p in procs:
            if p.get("ppid") in self.by_pid and p.get("ppid") != p.get("pid"):
                self.children[p["ppid"]].append(p)
            else:
                self.roots.append(p)
        self._canon: dict[int, str] = {}

    def canon(self, p: dict) -> str:
        key = id(p)
        if key not in self._canon:
            kids = sorted(self.canon(c) for c in self.children[p.get("pid")])
            self._canon[key] = json.dumps([p.get("exe"), p.get("argv"), p.get("threads"),
                                           p.get("exit"), kids])
        return self._canon[key]


def _pair(left: list, right: list, keys: list) -> tuple[list, list, list]:
    """Pair items of left and right greedily by successively weaker keys.

    Each key is a function, or a (left function, right function) tuple."""
    left, right, pairs = list(left), list(right), []
    for key in keys:
        kl, kr = key if isinstance(key, tuple) else (key, key)
        remaining = []
        for a in left:
            ka = kl(a)
            for j, b in enumerate(right):
                if kr(b) == ka:
                    pairs.append((a, b))
                    del right[j]
                    break
            else:
                remaining.append(a)
        left = remaining
    return pairs, left, right


def compare_processes(truth: dict, got: dict, diffs: list[str]) -> None:
    tt = ProcTree(truth.get("processes") or [])
    gt = ProcTree(got.get("processes") or [])
    if len(tt.roots) != 1:
        raise HarnessError(f"truth has {len(tt.roots)} root processes")
    if len(gt.roots) != 1:
        diffs.append("processes: compendium-tui reports %d processes whose ppid is not in "
                     "the list (expected exactly one root): %s"
                     % (len(gt.roots), ", ".join(_label(p) for p in gt.roots)))
        groot = next((p for p in gt.roots if p.get("argv") == tt.roots[0].get("argv")),
                     gt.roots[0] if gt.roots else None)
        if groot is None:
            diffs.append("processes: compendium-tui reports no processes")
            return
    else:
        groot = gt.roots[0]

    def walk(tp: dict, gp: dict, where: str) -> None:
        for key in ("exe", "argv", "threads", "exit"):
            if tp.get(key) != gp.get(key):
                diffs.append(f"process {where}: {key}: strace {tp.get(key)!r}, "
                             f"compendium-tui {gp.get(key)!r}  (strace {_label(tp)}, "
                             f"compendium-tui {_label(gp)})")
        tk, gk = tt.children[tp.get("pid")], gt.children[gp.get("pid")]
        pairs, only_t, only_g = _pair(tk, gk, [
            (tt.canon, gt.canon),
            lambda p: (p.get("exe"), p.get("argv")),
            lambda p: p.get("argv"),
            lambda p: p.get("exe"),
        ])
        for p in only_t:
            diffs.append(f"process only in strace: {_label(p)} (child of {where}, "
                         f"exit {_exit_str(p.get('exit'))}, "
                         f"{len(tt.children[p.get('pid')])} children)")
        for p in only_g:
            diffs.append(f"process only in compendium-tui: {_label(p)} (child of {where}, "
                         f"ppid {p.get('ppid')})")
        for a, b in pairs:
            walk(a, b, f"{where} > {os.path.basename(a.get('exe') or '?')}")

    walk(tt.roots[0], groot, "root")


_PROC_PID = re.compile(r"^/proc/\d+(/task/\d+)?/")
_TMPFILE = re.compile(r"/#\d+ \(deleted\)$")


def _merge_proc_pids(files: list[dict]) -> list[dict]:
    """/proc/<pid>/x of a traced process names a different pid in every run,
    and an O_TMPFILE file ("DIR/#<inode> (deleted)") a different inode:
    compare such files as /proc/PID/x and DIR/#INO (deleted), adding up
    their numbers."""
    out: dict[str, dict] = {}
    rest = []
    for f in files:
        path = f.get("path")
        norm = (_TMPFILE.sub("/#INO (deleted)", _PROC_PID.sub("/proc/PID/", path))
                if isinstance(path, str) else path)
        if norm == path:
            rest.append(f)
            continue
        m = out.setdefault(norm, {"path": norm, "opened_for": "", "read_bytes": 0,
                                  "written_bytes": 0})
        mode = set(m["opened_for"]) | set(f.get("opened_for") or "")
        m["opened_for"] = "rw" if mode >= {"r", "w"} else "".join(sorted(mode))
        m["read_bytes"] += f.get("read_bytes") or 0
        m["written_bytes"] += f.get("written_bytes") or 0
    return rest + list(out.values())


def compare_files(truth: dict, got: dict, diffs: list[str]) -> None:
    tf = {f["path"]: f for f in _merge_proc_pids(truth.get("files") or [])}
    gf = {}
    for f in got.get("files") or []:
        if f.get("path") in gf:
            diffs.append(f"files: compendium-tui lists {f.get('path')!r} twice")
        gf[f.get("path")] = f
    gf = {f["path"]: f for f in _merge_proc_pids(list(gf.values()))}
    for path in sorted(set(tf) | set(gf), key=str):
        if path not in gf:
            t = tf[path]
            diffs.append(f"file only in strace: {path!r} (opened_for {t['opened_for']}, "
                         f"read {t['read_bytes']}, written {t['written_bytes']})")
        elif path not in tf:
            g = gf[path]
            diffs.append(f"file only in compendium-tui: {path!r} (opened_for "
                         f"{g.get('opened_for')}, read {g.get('read_bytes')}, "
                         f"written {g.get('written_bytes')})")
        else:
            for key in ("opened_for", "read_bytes", "written_bytes"):
                if tf[path][key] != gf[path].get(key):
                    diffs.append(f"file {path!r}: {key}: strace {tf[path][key]!r}, "
                                 f"compendium-tui {gf[path].get(key)!r}")


def _split_ep(ep) -> tuple[str | None, int | None]:
    if not isinstance(ep, str) or ":" not in ep:
        return None, None
    host, _, port = ep.rpartition(":")
    return host, int(port) if port.isdigit() else None


def _conn_keys(conns: list[dict]) -> list[tuple]:
    """Port numbers are chosen by the kernel and differ between the two runs,
    so connections are compared with ports replaced by 'is the peer also a
    traced socket' (the remote endpoint is the local endpoint of another
    connection in the same summary)."""
    locals_ = {c.get("local") for c in conns if c.get("local")}
    keys = []
    for c in conns:
        lhost, _ = _split_ep(c.get("local"))
        rhost, _ = _split_ep(c.get("remote"))
        keys.append((c.get("proto"), c.get("role"), lhost, rhost, c.get("remote") in locals_))
    return keys


def compare_connections(truth: dict, got: dict, diffs: list[str]) -> None:
    tc = truth.get("connections") or []
    gc = got.get("connections") or []
    for c in gc:
        for k in ("local", "remote"):
            host, port = _split_ep(c.get(k))
            if host is None or port is None or not 0 < port < 65536:
                diffs.append(f"connection {c}: malformed {k} address {c.get(k)!r}")
    # items: (proto, role, local host, remote host, peer traced), connection
    left = list(zip(_conn_keys(tc), tc))
    right = list(zip(_conn_keys(gc), gc))

    def nbytes(it):
        return (it[1].get("sent_bytes"), it[1].get("received_bytes"))

    pairs, only_t, only_g = _pair(left, right, [
        lambda it: (it[0], nbytes(it)),
        # strace never saw the local address of this connect(): any matches
        lambda it: (it[0][:2] + it[0][3:], nbytes(it)),
        lambda it: it[0],
        lambda it: it[0][:2],
    ])

    def desc(c):
        return (f"{c.get('proto')} {c.get('role')} {c.get('local')} -> {c.get('remote')} "
                f"sent {c.get('sent_bytes')} received {c.get('received_bytes')}")

    for (k1, a), (k2, b) in pairs:
        for key in ("sent_bytes", "received_bytes"):
            if a.get(key) != b.get(key):
                diffs.append(f"connection {desc(a)}: {key}: strace {a.get(key)}, "
                             f"compendium-tui {b.get(key)}  (compendium-tui: {desc(b)})")
        if k1 != k2 and k1[2] is not None:
            diffs.append(f"connection addresses differ: strace {desc(a)}, "
                         f"compendium-tui {desc(b)}")
    for _, c in only_t:
        diffs.append(f"connection only in strace: {desc(c)}")
    for _, c in only_g:
        diffs.append(f"connection only in compendium-tui: {desc(c)}")


IO_KEYS = ("file_read_bytes", "file_written_bytes", "net_sent_bytes", "net_received_bytes",
           "ipc_read_bytes", "ipc_written_bytes")


def _change(e: dict) -> tuple:
    return (e.get("type"), e.get("path"), e.get("new_path"), e.get("dir"), e.get("error"))


def compare_changes(truth: dict, events: list[dict]) -> list[str]:
    """strace's deletes and renames against compendium-tui's events."""
    want = collections.Counter(_change(c) for c in e2elib.shown_summary(truth)["changes"])
    got = collections.Counter(_change(e) for e in events if e.get("type") in ("delete", "rename"))
    diffs = [f"changes: strace saw {c!r} {n - got[c]} more time(s)"
             for c, n in sorted(want.items(), key=repr) if n > got[c]]
    diffs += [f"changes: compendium-tui shows {c!r} {n - want[c]} more time(s)"
              for c, n in sorted(got.items(), key=repr) if n > want[c]]
    return diffs


def compare_summaries(truth: dict, got: dict, command: list[str]) -> list[str]:
    diffs: list[str] = []
    # compendium-tui shows control, bidi and undecodable bytes as escape
    # text, and cuts a path longer than it carries
    truth = e2elib.shown_summary(truth)
    command = e2elib.shown_all("text", command)
    for key in ("type", "command", "exit", "processes", "files", "connections", "io",
                "memory", "events", "dropped", "duration_s"):
        if key not in got:
            diffs.append(f"summary: key {key!r} missing")
    if got.get("command") != command:
        diffs.append(f"command: {got.get('command')!r}, expected {command!r}")
    if got.get("dropped") not in (0, None):
        diffs.append(f"dropped: compendium-tui dropped {got.get('dropped')} events")
    if truth.get("exit") != got.get("exit"):
        diffs.append(f"exit: strace {truth.get('exit')}, compendium-tui {got.get('exit')}")
    compare_processes(truth, got, diffs)
    compare_files(truth, got, diffs)
    compare_connections(truth, got, diffs)
    tio, gio = truth.get("io") or {}, got.get("io") or {}
    for key in IO_KEYS:
        if tio.get(key) != gio.get(key):
            diffs.append(f"io.{key}: strace {tio.get(key)}, compendium-tui {gio.get(key)}")
    return diffs


def _status_str(rc: int) -> str:
    return f"killed by {strace_truth.signal_name(-rc)}" if rc < 0 else f"exit {rc}"


def compare_transparency(ref: RunResult, got: RunResult) -> tuple[list[str], list[str]]:
    diffs, notes = [], []
    if ref.returncode != got.returncode:
        # A tracer cannot always die by the same signal as its tracee; the
        # shell convention 128+N is accepted as equivalent.
        if ref.returncode < 0 and got.returncode == 128 - ref.returncode:
            notes.append(f"tracee was {_status_str(ref.returncode)}; compendium-tui exited "
                         f"{got.returncode} (128+N, accepted)")
        else:
            diffs.append(f"exit status: untraced {_status_str(ref.returncode)}, "
                         f"under compendium-tui {_status_str(got.returncode)}")
    # compendium-tui's own one-line statements (the tracee's death by a signal,
    # as the tool is required to say) are its words, not the tracee's output;
    # so are strace's (a path it could not read whole).
    own = b"".join(l for l in got.stderr.splitlines(keepends=True)
                   if not l.startswith(b"compendium-tui: ") and
                   not re.match(rb"(\S*/)?strace: ", l))
    for name, a, b in (("stdout", ref.stdout, got.stdout), ("stderr", ref.stderr, own)):
        if a != b:
            diffs.append(f"{name} differs: untraced {_clip(a)}, under compendium-tui {_clip(b)}")
    for name in ref.files:
        if ref.files[name] != got.files.get(name):
            diffs.append(f"output file {name!r} differs: untraced {_clip(ref.files[name])}, "
                         f"under compendium-tui {_clip(got.files.get(name))}")
    return diffs, notes


def _clip(b: bytes | None, n: int = 160) -> str:
    if b is None:
        return "<missing>"
    return repr(b[:n]) + (f"... ({len(b)} bytes)" if len(b) > n else "")


# --------------------------------------------------------------------------
# driver


def resolve_env() -> tuple[str, list[str]]:
    tracee_dir = os.path.realpath(os.environ.get("TRACEE_DIR") or "tests/tracees")
    comp = shlex.split(os.environ.get("COMPENDIUM") or "./compendium-tui")
    # make the tracer path absolute: the command runs in the scratch directory
    for i, word in enumerate(comp):
        if os.sep in word and os.path.exists(word):
            comp[i] = os.path.realpath(word)
            break
    return tracee_dir, comp


def run_case(c: Case, truth_only: bool, verbose: bool) -> int:
    name = c.name
    try:
        ok, why = strace_truth.strace_usable()
    except RuntimeError as exc:
        raise HarnessError(str(exc)) from exc
    if not ok:
        print(f"SKIP: {why}")
        return EXIT_SKIP
    tracee_dir, comp = resolve_env()
    if not truth_only:
        exe = comp[0] if comp else ""
        if not (os.access(exe, os.X_OK) or shutil.which(exe)):
            raise HarnessError(f"compendium-tui not found at {exe!r} (set COMPENDIUM)")
    scratch = os.path.realpath(tempfile.mkdtemp(prefix=f"compendium-e2e-{name}-"))
    ctx = Ctx(tracee_dir, os.path.join(scratch, "work"))
    keep = os.environ.get("E2E_KEEP") == "1"
    try:
        if c.program is not None:
            ctx.prog = build_program(c, scratch)
        inv = c.build(ctx)
        print(f"case {name}: {c.description}")
        print(f"command: {shlex.join(inv.argv)}  (cwd {ctx.work})")

        ref = run_mode("plain", ctx, inv, scratch)
        if inv.skip_status is not None and ref.returncode == inv.skip_status:
            print(f"SKIP: untraced run exited {ref.returncode}: "
                  f"{(ref.stdout or b'').decode(errors='replace').strip()}")
            return EXIT_SKIP
        truth_run = run_mode("strace", ctx, inv, scratch)
        truth = truth_run.summary
        for w in truth_run.warnings:
            print(f"strace warning: {w}")
        # strace must itself be transparent, or the truth is about another run
        tdiffs, _ = compare_transparency(ref, truth_run)
        problems = c.expect(truth, ctx, ref)
        if truth_only or verbose:
            print("--- strace truth ---")
            print(json.dumps(truth, indent=1, ensure_ascii=False))
        if tdiffs:
            print("untraced run and strace run differ (nondeterministic case?):")
            for d in tdiffs:
                print(f"  {d}")
        if problems:
            print("strace truth does not match what the tracee is known to do:")
            for p in problems:
                print(f"  {p}")
        if truth_only:
            ok_truth = not problems and not tdiffs
            print("truth: OK" if ok_truth else "truth: FAILED")
            return EXIT_OK if ok_truth else EXIT_FAIL
        if problems or tdiffs:
            return EXIT_ERROR

        got_run = run_mode("compendium", ctx, inv, scratch, comp)
        summary, jproblems, events = load_jsonl(os.path.join(scratch, "compendium.jsonl"))
        diffs = [f"json output: {p}" for p in jproblems]
        if summary is not None:
            if verbose:
                print("--- compendium-tui summary ---")
                print(json.dumps(summary, indent=1, ensure_ascii=False))
            diffs += compare_summaries(truth, summary, inv.argv)
            diffs += compare_changes(truth, events)
            if c.check_got and any("mock_compendium" in w for w in comp):
                print("note: compendium-tui's own checks skipped for the mock")
            elif c.check_got:
                diffs += c.check_got(summary, ctx, ref, events)
        tdiffs, notes = compare_transparency(ref, got_run)
        diffs += [f"transparency: {d}" for d in tdiffs]
        for n in notes:
            print(f"note: {n}")
        if diffs:
            print(f"FAIL: {len(diffs)} difference(s) between strace and compendium-tui:")
            for d in diffs:
                print(f"  - {d}")
            if not verbose:
                print("(run with -v to print both summaries)")
            return EXIT_FAIL
        print(f"PASS: {len(truth['processes'])} processes, {len(truth['files'])} files, "
              f"{len(truth['connections'])} connections, {len(truth['changes'])} deletes "
              f"and renames, io {truth['io']}")
        return EXIT_OK
    finally:
        if keep:
            print(f"scratch directory kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="compendium-tui end-to-end test against strace")
    ap.add_argument("--list", action="store_true", help="list the cases")
    ap.add_argument("--truth-only", action="store_true",
                    help="only compute and check the strace truth")
    ap.add_argument("-v", "--verbose", action="store_true", help="print both summaries")
    ap.add_argument("case", nargs="?", help="a case name, or a case file tests/e2e/NAME.py")
    args = ap.parse_args(argv)
    try:
        if args.list:
            for name in case_names():
                print(f"{name:18} {load_case(name).description}")
            return EXIT_OK
        if not args.case:
            ap.error("no case given (see --list)")
        return run_case(load_case(args.case), args.truth_only, args.verbose)
    except HarnessError as exc:
        print(f"ERROR: {exc}")
        return EXIT_ERROR
    except subprocess.TimeoutExpired as exc:
        print(f"FAIL: timed out: {exc}")
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
