#!/usr/bin/env python3
"""End-to-end check of compendium-tui's --json summary against strace.

    python3 tests/e2e.py CASE              run one case (exit 0 agree, 1 differ,
                                           77 skipped, 99 harness error)
    python3 tests/e2e.py --list            list the cases
    python3 tests/e2e.py --truth-only CASE print strace's summary for CASE and
                                           check it against the case's known
                                           numbers (no compendium-tui needed)

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
  also          "command" equals the argv run, "dropped" is 0, all summary
                keys present; the JSON Lines file has exactly one summary,
                as its last object.  memory/events/duration_s are ignored.
Killed-by-signal: the untraced run's "killed by SIGx" is accepted as equal to
compendium-tui exiting with 128+x.

A case may also set, in its Invocation: preexec (run in the child before the
exec in all three runs: inherited signal state), compendium_args (extra
options such as -v), skip_status (the untraced run exiting with it means
"cannot run here": SKIP); and, in @case, check_got (checks of compendium-tui's
own summary and events that strace cannot provide, such as notes; skipped for
the mock).

Harness self-test: COMPENDIUM="python3 tests/mock_compendium.py" must pass
every case.

Environment:
  TRACEE_DIR   directory with the tracee binaries (default tests/tracees)
  COMPENDIUM   compendium-tui command (default ./compendium-tui; may contain
               extra words, e.g. "valgrind -q ./compendium-tui")
  STRACE       strace binary (default: from PATH)
  E2E_TIMEOUT  seconds per run (default 120)
  E2E_KEEP=1   keep the scratch directory and print its path
"""

from __future__ import annotations

import argparse
import collections
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
import strace_truth  # noqa: E402

EXIT_OK, EXIT_FAIL, EXIT_SKIP, EXIT_ERROR = 0, 1, 77, 99


class HarnessError(Exception):
    """Something is wrong with the test setup, not with compendium-tui."""


# --------------------------------------------------------------------------
# cases


@dataclass
class Ctx:
    tracee_dir: str
    work: str

    def tracee(self, name: str) -> str:
        path = os.path.join(self.tracee_dir, name)
        if not os.access(path, os.X_OK):
            raise HarnessError(f"tracee {path} not built (set TRACEE_DIR?)")
        return path

    def w(self, name: str) -> str:
        return os.path.join(self.work, name)


@dataclass
class Invocation:
    argv: list[str]
    setup: Callable[[Ctx], None] = lambda ctx: None
    stdin_file: str | None = None        # work-relative, opened by the driver
    stdout_file: str | None = None       # work-relative, opened by the driver
    compare_files: list[str] = field(default_factory=list)  # must match untraced run
    # run in the child before exec in all three runs (the state the command
    # inherits: signal dispositions, mask...)
    preexec: Callable[[], None] | None = None
    # the untraced run exiting with this status means "cannot run here": SKIP
    skip_status: int | None = None
    # extra compendium-tui options (before --json -o OUT --)
    compendium_args: list[str] = field(default_factory=list)


@dataclass
class Case:
    name: str
    description: str
    build: Callable[[Ctx], Invocation]
    expect: Callable[[dict, Ctx, "RunResult"], list[str]]
    # extra checks of compendium-tui's own summary and events (things
    # strace cannot tell, such as notes); returns problems
    check_got: Callable[[dict, Ctx, "RunResult", list[dict]], list[str]] | None = None


CASES: dict[str, Case] = {}


def case(name: str, description: str, build, check_got=None):
    def deco(expect):
        CASES[name] = Case(name, description, build, expect, check_got)
        return expect
    return deco


def write_pattern(path: str, size: int) -> None:
    with open(path, "wb") as fh:
        fh.write(bytes((i * 7 + 3) % 251 for i in range(size)))


# -- expectation helpers (return a list of problems) -----------------------

def _file(summary: dict, path: str) -> dict | None:
    # compared as shown: the truth holds raw names, compendium-tui escaped ones
    path = strace_truth.visible(path)
    for f in summary.get("files") or []:
        if isinstance(f.get("path"), str) and strace_truth.visible(f["path"]) == path:
            return f
    return None


def want_file(summary, path, opened_for=None, read=None, written=None) -> list[str]:
    f = _file(summary, path)
    if f is None:
        return [f"file {path!r} missing"]
    probs = []
    for key, want in (("opened_for", opened_for), ("read_bytes", read),
                      ("written_bytes", written)):
        if want is not None and f.get(key) != want:
            probs.append(f"file {path!r}: {key} = {f.get(key)!r}, expected {want!r}")
    return probs


def want_exit(summary, code, sig=None) -> list[str]:
    want = {"code": code, "signal": sig}
    return [] if summary.get("exit") == want else [f"exit = {summary.get('exit')}, expected {want}"]


def want_nprocs(summary, n) -> list[str]:
    got = len(summary.get("processes") or [])
    return [] if got == n else [f"{got} processes, expected {n}"]


def root_proc(summary) -> dict | None:
    procs = summary.get("processes") or []
    pids = {p["pid"] for p in procs}
    roots = [p for p in procs if p.get("ppid") not in pids]
    return roots[0] if len(roots) == 1 else None


def want_io(summary, **kw) -> list[str]:
    io = summary.get("io") or {}
    return [f"io.{k} = {io.get(k)}, expected {v}" for k, v in kw.items() if io.get(k) != v]


def want_no_conns(summary) -> list[str]:
    c = summary.get("connections") or []
    return [] if not c else [f"unexpected connections: {c}"]


def stdout_len(res: "RunResult") -> int:
    return len(res.stdout or b"")


# -- the cases --------------------------------------------------------------

def _readfile(ctx):
    return Invocation([ctx.tracee("readfile"), ctx.w("data.bin")])


@case("readfile", "create a 10000-byte file, read it back with read/pread64/readv", _readfile)
def _(s, ctx, res):
    return (want_file(s, ctx.w("data.bin"), "rw", 10600, 10000) + want_nprocs(s, 1)
            + want_exit(s, 0) + want_no_conns(s)
            + want_io(s, ipc_written_bytes=stdout_len(res), ipc_read_bytes=0,
                      net_sent_bytes=0, net_received_bytes=0))


WEIRD_NAME = 'we ird <na"me> \\ tab\there\nnewline é.bin'


def _weird(ctx):
    return Invocation([ctx.tracee("readfile"), ctx.w(WEIRD_NAME)])


@case("weird_path", "readfile on a name with spaces, quotes, <>, backslash, tab, "
      "newline and UTF-8", _weird)
def _(s, ctx, res):
    return want_file(s, ctx.w(WEIRD_NAME), "rw", 10600, 10000) + want_exit(s, 0)


def _dupwrite(ctx):
    return Invocation([ctx.tracee("dupwrite"), ctx.w("dup.out")])


@case("dupwrite", "writes through dup/dup2/F_DUPFD_CLOEXEC/dup3 and an inherited fd "
      "in a forked child that exits 3", _dupwrite)
def _(s, ctx, res):
    probs = want_file(s, ctx.w("dup.out"), "w", 0, 1075) + want_nprocs(s, 2) + want_exit(s, 0)
    root = root_proc(s)
    kids = [p for p in s["processes"] if root and p is not root]
    if not root or len(kids) != 1:
        return probs + ["expected a root with one child"]
    kid = kids[0]
    if kid["exit"] != {"code": 3, "signal": None}:
        probs.append(f"child exit {kid['exit']}, expected code 3")
    if kid["exe"] != root["exe"] or kid["argv"] != root["argv"]:
        probs.append("child did not inherit exe/argv")
    return probs


def _redirect(ctx):
    script = f"{shlex.quote(ctx.tracee('exitcode'))} > out1.txt; " \
             "cat out1.txt > out2.txt 2>/dev/null; wc -c < out2.txt"
    return Invocation(["/bin/sh", "-c", script], compare_files=["out1.txt", "out2.txt"])


@case("redirect", "shell redirections: prog > f1; cat f1 > f2 2>/dev/null; wc -c < f2", _redirect)
def _(s, ctx, res):
    n = len(b"exitcode: exiting with 42\n")
    probs = want_file(s, ctx.w("out1.txt"), "rw", n, n)
    probs += want_file(s, ctx.w("out2.txt"), "rw", None, n)
    probs += want_exit(s, 0)
    codes = sorted((p["exit"] or {}).get("code", -1) for p in s["processes"])
    if 42 not in codes:
        probs.append(f"no process exited with 42: {codes}")
    if res.stdout != f"{n}\n".encode():
        probs.append(f"stdout {res.stdout!r}")
    return probs


def _exitcode(ctx):
    return Invocation([ctx.tracee("exitcode")])


@case("exitcode", "exit(42)", _exitcode)
def _(s, ctx, res):
    return want_exit(s, 42) + want_nprocs(s, 1)


def _sigterm(ctx):
    return Invocation([ctx.tracee("sigexit"), "term"])


@case("sigterm", "dies by raise(SIGTERM)", _sigterm)
def _(s, ctx, res):
    return want_exit(s, 143, "SIGTERM") + want_nprocs(s, 1)


def _sigkill(ctx):
    return Invocation([ctx.tracee("sigexit"), "kill"])


@case("sigkill", "dies by kill(getpid(), SIGKILL)", _sigkill)
def _(s, ctx, res):
    return want_exit(s, 137, "SIGKILL") + want_nprocs(s, 1)


def _netpair(ctx):
    return Invocation([ctx.tracee("netpair")])


@case("netpair", "loopback TCP (blocking + EINPROGRESS connect, accept/accept4), "
      "TCP over ::1 when available, connected UDP", _netpair)
def _(s, ctx, res):
    have6 = b"ipv6 used" in (res.stdout or b"")
    want = [("tcp4", "connect", 1500, 700), ("tcp4", "accept", 700, 1500),
            ("tcp4", "connect", 10, 20), ("tcp4", "accept", 20, 10),
            ("udp4", "connect", 64, 0)]
    if have6:
        want += [("tcp6", "connect", 300, 200), ("tcp6", "accept", 200, 300)]
    got = [(c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
           for c in s.get("connections") or []]
    probs = []
    if sorted(got) != sorted(want):
        probs.append(f"connections {sorted(got)}, expected {sorted(want)}")
    for c in s.get("connections") or []:
        for k in ("local", "remote"):
            ep = c.get(k) or ""
            host, _, port = ep.rpartition(":")
            if host not in ("127.0.0.1", "[::1]") or not port.isdigit() or int(port) == 0:
                probs.append(f"connection {c}: bad {k} address")
    total = 2794 if have6 else 2294
    probs += want_io(s, net_sent_bytes=total, net_received_bytes=total)
    return probs + want_nprocs(s, 2) + want_exit(s, 0)


def _netmsg(ctx):
    return Invocation([ctx.tracee("netmsg")])


@case("netmsg", "sendmsg/recvmsg, sendmmsg/recvmmsg, writev/readv on connected UDP", _netmsg)
def _(s, ctx, res):
    got = sorted((c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
                 for c in s.get("connections") or [])
    want = sorted([("udp4", "connect", 78, 11), ("udp4", "connect", 11, 78)])
    probs = [] if got == want else [f"connections {got}, expected {want}"]
    return probs + want_io(s, net_sent_bytes=89, net_received_bytes=89) + want_exit(s, 0)


def _mmapper(ctx):
    return Invocation([ctx.tracee("mmapper"), ctx.w("mapped.bin")])


@case("mmapper", "anonymous and file mmap, sbrk; mapped bytes are not I/O", _mmapper)
def _(s, ctx, res):
    return want_file(s, ctx.w("mapped.bin"), "rw", 0, 8192) + want_exit(s, 0) + want_nprocs(s, 1)


def _forkthread(ctx):
    return Invocation([ctx.tracee("forkthread"), ctx.w("thread.out")])


@case("forkthread", "pthread writes a file; fork+exec /bin/true; fork+chdir+exec "
      "./forkthread (relative path) exiting 7", _forkthread)
def _(s, ctx, res):
    probs = want_file(s, ctx.w("thread.out"), "w", 0, 123) + want_nprocs(s, 3) + want_exit(s, 0)
    root = root_proc(s)
    if not root:
        return probs + ["no unique root process"]
    if root["threads"] != 2:
        probs.append(f"root threads {root['threads']}, expected 2")
    self_exe = os.path.realpath(ctx.tracee("forkthread"))
    kids = sorted(((p["exe"], p["argv"], p["threads"], p["exit"]) for p in s["processes"]
                   if p is not root), key=json.dumps)
    want = sorted([(os.path.realpath("/bin/true"), ["true"], 1, {"code": 0, "signal": None}),
                   (self_exe, ["./forkthread", "--child"], 1, {"code": 7, "signal": None})],
                  key=json.dumps)
    if kids != want:
        probs.append(f"children {kids}, expected {want}")
    return probs


def _pipes(ctx):
    return Invocation([ctx.tracee("pipes")])


@case("pipes", "pipe between parent and child (3000 bytes), AF_UNIX socketpair "
      "(128 bytes each way)", _pipes)
def _(s, ctx, res):
    return (want_io(s, ipc_written_bytes=3256 + stdout_len(res), ipc_read_bytes=3256,
                    net_sent_bytes=0, net_received_bytes=0)
            + want_no_conns(s) + want_nprocs(s, 2) + want_exit(s, 0))


def _sendfile(ctx):
    return Invocation([ctx.tracee("sendfile_copy"), ctx.w("src.bin"), ctx.w("dst.bin")],
                      compare_files=["dst.bin"])


@case("sendfile_copy", "sendfile, copy_file_range, splice file->pipe->file", _sendfile)
def _(s, ctx, res):
    return (want_file(s, ctx.w("src.bin"), "rw", 9000, 10000)
            + want_file(s, ctx.w("dst.bin"), "w", 0, 9000)
            + want_io(s, ipc_written_bytes=1000 + stdout_len(res), ipc_read_bytes=1000)
            + want_exit(s, 0))


def _pipeline(ctx):
    return Invocation(["/bin/sh", "-c",
                       "cat /etc/passwd | wc -c > out.txt; sort < /etc/passwd > out2.txt"],
                      compare_files=["out.txt", "out2.txt"])


@case("shell_pipeline", "sh -c 'cat /etc/passwd | wc -c > out.txt; sort < /etc/passwd > out2.txt'",
      _pipeline)
def _(s, ctx, res):
    size = os.path.getsize("/etc/passwd")
    return (want_file(s, "/etc/passwd", "r", 2 * size, 0)
            + want_file(s, ctx.w("out.txt"), "w", 0, len(f"{size}\n"))
            + want_file(s, ctx.w("out2.txt"), "w", 0, size)
            + want_exit(s, 0))


CP_SIZE = 100 * 1024


def _cp(ctx):
    return Invocation(["/bin/cp", ctx.w("big.bin"), ctx.w("copy.bin")],
                      setup=lambda c: write_pattern(c.w("big.bin"), CP_SIZE),
                      compare_files=["copy.bin"])


@case("cp", "cp of a 100 KiB file", _cp)
def _(s, ctx, res):
    return (want_file(s, ctx.w("big.bin"), "r", CP_SIZE, 0)
            + want_file(s, ctx.w("copy.bin"), "w", 0, CP_SIZE) + want_exit(s, 0))


def _inherited(ctx):
    return Invocation(["/bin/cat"], setup=lambda c: write_pattern(c.w("in.txt"), 5000),
                      stdin_file="in.txt", stdout_file="out.txt", compare_files=["out.txt"])


@case("inherited_fds", "cat < in.txt > out.txt with both redirections done by the "
      "harness before tracing starts", _inherited)
def _(s, ctx, res):
    return (want_file(s, ctx.w("in.txt"), "r", 5000, 0)
            + want_file(s, ctx.w("out.txt"), "w", 0, 5000) + want_exit(s, 0))


# -- issue 3: races, exec from threads, vfork, signals, job control, odd fds --

def _threadstorm(ctx):
    return Invocation([ctx.tracee("threadstorm"), ctx.w("storm"), "200"],
                      setup=lambda c: os.mkdir(c.w("storm")))


@case("threadstorm", "200 threads (CLONE_FILES) started from 8 threads at once each open "
      "a file and write; the main thread writes through their fds (new threads' "
      "first stops race their creator's clone event)", _threadstorm)
def _(s, ctx, res):
    probs = want_nprocs(s, 1) + want_exit(s, 0)
    root = root_proc(s)
    if root and root["threads"] != 209:
        probs.append(f"root threads {root['threads']}, expected 209")
    for i in range(200):
        probs += want_file(s, ctx.w(f"storm/t{i:03d}"), "w", 0, i % 50 + 1 + 7)
    return probs


FORKSTORM_N = 300


def _forkstorm(ctx):
    return Invocation([ctx.tracee("forkstorm"), ctx.w("storm.out"), str(FORKSTORM_N)])


@case("forkstorm", f"{FORKSTORM_N} short-lived children forked from 8 threads at once, "
      "every tenth with a grandchild; each appends to an inherited fd", _forkstorm)
def _(s, ctx, res):
    n, g = FORKSTORM_N, (FORKSTORM_N + 9) // 10
    written = sum(i % 13 + 1 for i in range(n)) + 5 * g
    probs = want_nprocs(s, 1 + n + g) + want_exit(s, 0)
    probs += want_file(s, ctx.w("storm.out"), "w", 0, written)
    codes = collections.Counter((p.get("exit") or {}).get("code") for p in s["processes"])
    want = collections.Counter(i % 7 for i in range(n))
    want[100] += g
    want[0] += 1
    if codes != want:
        probs.append(f"exit codes {sorted(codes.items())}, expected {sorted(want.items())}")
    return probs


def _threadexec(ctx):
    return Invocation([ctx.tracee("threadexec"), ctx.w("te.out")])


@case("threadexec", "execve from a non-leader thread while the leader blocks in read() "
      "and a third thread sleeps; the new image keeps the pid and an fd", _threadexec)
def _(s, ctx, res):
    probs = want_nprocs(s, 1) + want_exit(s, 5) + want_file(s, ctx.w("te.out"), "w", 0, 40)
    root = root_proc(s)
    if root:
        exe = os.path.realpath(ctx.tracee("threadexec"))
        if root["exe"] != exe or root["argv"][:2] != [ctx.tracee("threadexec"), "--after"]:
            probs.append(f"root exe/argv {root['exe']} {root['argv']}, expected {exe} "
                         "with --after")
        if root["threads"] != 3:
            probs.append(f"root threads {root['threads']}, expected 3")
    return probs


def _threadexec_v(ctx):
    return Invocation([ctx.tracee("threadexec"), ctx.w("te.out")], compendium_args=["-v"])


def _threadexec_events(s, ctx, res, events):
    """With -v every syscall is an event: after the exec from the thread, the
    leader's pid must continue with that thread's execve (whose state moved
    with it), never with the old leader's read, which did not return."""
    probs = []
    execs = [i for i, e in enumerate(events) if e.get("type") == "exec"]
    if len(execs) != 2:
        return [f"{len(execs)} exec events, expected 2"]
    after = events[execs[1]]
    nxt = next((e for e in events[execs[1] + 1:] if e.get("type") == "syscall"
                and e.get("tid") == after.get("tid")), None)
    if not nxt or nxt.get("name") != "execve" or nxt.get("ret") != 0:
        probs.append(f"first syscall after the exec from a thread: {nxt}, expected execve = 0")
    reads = [e for e in events if e.get("type") == "syscall" and e.get("name") == "read"
             and e.get("tid") == after.get("tid") and e.get("ret") == 0]
    if reads:
        probs.append(f"the leader's read() that never returned shows as returning: {reads[0]}")
    exits = [e for e in events if e.get("type") == "exit" and not e.get("thread")]
    if len(exits) != 1 or exits[0].get("pid") != after.get("pid"):
        probs.append(f"process exit events {exits}, expected one for pid {after.get('pid')}")
    return probs


@case("threadexec_v", "threadexec with -v: the exec'ing thread's syscall state moves "
      "to the leader's pid", _threadexec_v, check_got=_threadexec_events)
def _(s, ctx, res):
    return want_nprocs(s, 1) + want_exit(s, 5) + want_file(s, ctx.w("te.out"), "w", 0, 40)


def _spawnfds(ctx):
    return Invocation([ctx.tracee("spawnfds"), ctx.w("A"), ctx.w("B")],
                      compare_files=["A", "B"])


@case("spawnfds", "vfork and posix_spawn children close/dup2 over the parent's fd "
      "numbers; the parent's later writes still go to its own file", _spawnfds)
def _(s, ctx, res):
    probs = (want_file(s, ctx.w("A"), "w", 0, 32) + want_file(s, ctx.w("B"), "w", 0, 56)
             + want_nprocs(s, 3) + want_exit(s, 0))
    kids = sorted(p["argv"][1:3] for p in s["processes"] if p is not root_proc(s))
    if kids != [["--child", "11"], ["--child", "17"]]:
        probs.append(f"children argv {kids}")
    return probs


def _signals(ctx):
    return Invocation([ctx.tracee("signals")])


@case("signals", "handled, queued real-time, blocked, ignored signals; EINTR vs "
      "SA_RESTART; a child killed by SIGTERM; dies by SIGUSR1", _signals)
def _(s, ctx, res):
    probs = want_exit(s, 138, "SIGUSR1") + want_nprocs(s, 3)
    exits = sorted(json.dumps(p["exit"]) for p in s["processes"])
    want = sorted(json.dumps(e) for e in ({"code": 138, "signal": "SIGUSR1"},
                                          {"code": 0, "signal": None},
                                          {"code": 143, "signal": "SIGTERM"}))
    if exits != want:
        probs.append(f"exits {exits}, expected {want}")
    if b"SIGRTMIN+2 after unblocking delivered 5 time(s), values summing to 15" not in res.stdout:
        probs.append("untraced run did not see 5 queued signals")
    return probs


def _groupstop(ctx):
    return Invocation([ctx.tracee("groupstop")])


@case("groupstop", "parent stops a child with SIGSTOP and SIGTSTP (waitpid WUNTRACED, "
      "/proc state, really not running), continues it (WCONTINUED)", _groupstop)
def _(s, ctx, res):
    probs = want_nprocs(s, 2) + want_exit(s, 0)
    out = res.stdout or b""
    for bad in (b"NOT", b"(it ran!)"):
        if bad in out:
            probs.append(f"untraced run itself says {bad!r}")
    return probs


def _startstate(ctx):
    return Invocation([ctx.tracee("startstate")])


@case("startstate", "the state a command starts with: no extra fds (the -o file!), "
      "empty signal mask, nothing ignored", _startstate)
def _(s, ctx, res):
    probs = want_exit(s, 0) + want_nprocs(s, 1)
    if b"open fds above 2: 0" not in (res.stdout or b""):
        probs.append("untraced run has extra fds")
    return probs


def _ignore_and_block():
    # Exactly this state, whatever the harness itself was started with (a
    # background job of a non-interactive shell ignores SIGINT and SIGQUIT).
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    for sig in (signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    signal.signal(signal.SIGUSR2, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGQUIT, signal.SIGUSR2})


def _startstate_inherit(ctx):
    return Invocation([ctx.tracee("startstate")], preexec=_ignore_and_block)


@case("startstate_inherit", "started with SIGINT, SIGUSR1, SIGUSR2 ignored and "
      "SIGQUIT, SIGUSR2 blocked: the command inherits exactly that", _startstate_inherit)
def _(s, ctx, res):
    probs = want_exit(s, 0) + want_nprocs(s, 1)
    out = res.stdout or b""
    if b"ignored: INT USR1 USR2\n" not in out or b"blocked: QUIT USR2" not in out:
        probs.append(f"untraced run did not inherit the set-up state: {out!r}")
    return probs


def _int80(ctx):
    return Invocation([ctx.tracee("int80"), ctx.w("i386.out")], skip_status=77)


@case("int80", "i386 write/dup/getpid/lseek/read through int $0x80 from a 64-bit "
      "process (i386 getpid 20 is x86_64 writev)", _int80)
def _(s, ctx, res):
    return (want_file(s, ctx.w("i386.out"), "rw", 150, 150) + want_exit(s, 0)
            + want_io(s, ipc_written_bytes=stdout_len(res)))


def _uring(ctx):
    return Invocation([ctx.tracee("uring"), ctx.w("ring.bin")], skip_status=77)


def _uring_notes(s, ctx, res, events):
    notes = s.get("notes") or []
    if not any("io_uring" in n for n in notes):
        return [f"notes {notes!r} do not say that io_uring I/O is not seen"]
    return []


@case("uring", "a read through io_uring (raw io_uring_setup/enter, mmap'd rings): "
      "not seen, so not counted, and the notes say so", _uring, check_got=_uring_notes)
def _(s, ctx, res):
    return want_file(s, ctx.w("ring.bin"), "rw", 0, 3000) + want_exit(s, 0)


def _uring_openat(ctx):
    return Invocation([ctx.tracee("uring"), ctx.w("ring.bin"), "openat"], skip_status=77)


@case("uring_openat", "read(2) from an fd that IORING_OP_OPENAT created (no open "
      "syscall): the bytes still belong to the file", _uring_openat,
      check_got=_uring_notes)
def _(s, ctx, res):
    return want_file(s, ctx.w("ring.bin"), "rw", 1000, 3000) + want_exit(s, 0)


def _scmfd(ctx):
    return Invocation([ctx.tracee("scmfd"), ctx.w("f1"), ctx.w("f2"), ctx.w("f3")])


@case("scmfd", "fds received with SCM_RIGHTS and taken with pidfd_getfd; reads "
      "through them belong to the right files", _scmfd)
def _(s, ctx, res):
    probs = want_nprocs(s, 2) + want_exit(s, 0)
    if b"pidfd_getfd failed" in (res.stdout or b""):
        return probs + ["pidfd_getfd not permitted here (untraced run)"]
    for name, n in (("f1", 100), ("f2", 200), ("f3", 300)):
        probs += want_file(s, ctx.w(name), "rw", n, 1000)
    return probs


# Paths longer than a page (readlink of /proc/PID/fd/N fails for them, so
# strace prints such fds bare: strace_truth names them from the open's own
# arguments).  compendium-tui shows a path whole up to REC_PATH_MAX bytes
# (src/record.h) and a longer one as "\u2026" and its last whole components
# that fit (shown_path), in both capture modes.
DEEP_LEVELS = 25          # 25 names of 200 bytes: about 5 KB
DEEP_CUT_LEVELS = 45      # about 9 KB, more than REC_PATH_MAX


def deep_dir(ctx: Ctx, levels: int) -> str:
    """The deepest directory tests/tracees/deeppath makes, as the test knows it."""
    names = [f"{i:03d}" + chr(ord("a") + i % 26) * 197 for i in range(levels)]
    return os.path.join(ctx.work, *names)


def _deep(levels: int):
    return lambda ctx: Invocation([ctx.tracee("deeppath"), str(levels)])


def _deep_truth(levels: int):
    """What deeppath does, as strace must have seen it (full paths)."""
    def expect(s, ctx, res):
        d = deep_dir(ctx, levels)
        return (want_file(s, os.path.join(d, "secret_A.txt"), "rw", 4, 4)
                + want_file(s, os.path.join(d, "other_B.txt"), "w", 0, 8)
                + want_nprocs(s, 1) + want_exit(s, 0))
    return expect


def _deep_got(levels: int):
    """Two files, each under the path the test built (cut as documented when
    too long), never one; the failed open and the directory fd too."""
    def check(s, ctx, res, events):
        d, probs = deep_dir(ctx, levels), []
        for name, rd, wr in (("secret_A.txt", 4, 4), ("other_B.txt", 0, 8)):
            want = shown_path(os.path.join(d, name))
            got = [f for f in s.get("files") or [] if f.get("path", "").endswith("/" + name)]
            if [(f["path"], f["read_bytes"], f["written_bytes"]) for f in got] != [(want, rd, wr)]:
                probs.append(f"{name}: files {[(f['path'][-60:], f['read_bytes'], f['written_bytes']) for f in got]}, "
                             f"expected one ...{want[-60:]!r} read {rd} written {wr}")
        if levels > DEEP_LEVELS and not all(f["path"].startswith(PATH_CUT + "/") for f in got):
            probs.append("a path longer than REC_PATH_MAX is not marked as cut")
        failed = [e.get("path") for e in events if e.get("type") == "open" and e.get("error")]
        if failed != [shown_path(os.path.join(d, "missing.txt"))]:
            probs.append(f"failed opens {[p[-60:] for p in failed]}, expected only missing.txt "
                         f"under the deep directory")
        dirs = [e.get("path") for e in events if e.get("type") == "open" and e.get("kind") == "dir"]
        if dirs != [shown_path(d)]:
            probs.append(f"directory opens {[p[-60:] for p in dirs]}, expected the deep directory")
        return probs
    return check


case("deep_path", f"{DEEP_LEVELS} nested directories of 200-byte names (a 5 KB "
     "path): two files written there keep their full paths and stay two files",
     _deep(DEEP_LEVELS), check_got=_deep_got(DEEP_LEVELS))(_deep_truth(DEEP_LEVELS))
case("deep_path_cut", f"{DEEP_CUT_LEVELS} nested directories of 200-byte names (a 9 KB "
     "path): each file shows as a marked tail ending in its own name, two files",
     _deep(DEEP_CUT_LEVELS), check_got=_deep_got(DEEP_CUT_LEVELS))(_deep_truth(DEEP_CUT_LEVELS))


NO_SUCH = "compendium-e2e-no-such-file"


def _root_relative(ctx):
    return Invocation(["/bin/sh", "-c", f"cd / && exec cat {NO_SUCH}"])


def _root_relative_got(s, ctx, res, events):
    got = [e.get("path") for e in events
           if e.get("type") == "open" and e.get("error") and NO_SUCH in (e.get("path") or "")]
    return [] if got == ["/" + NO_SUCH] else [f"failed open shown as {got}, expected ['/{NO_SUCH}']"]


@case("root_relative", "a relative open that fails with the cwd at / reads /name (not "
      "//name)", _root_relative, check_got=_root_relative_got)
def _(s, ctx, res):
    return want_exit(s, 1)


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


def _merge_proc_pids(files: list[dict]) -> list[dict]:
    """/proc/<pid>/x of a traced process names a different pid in every run:
    compare such files as /proc/PID/x, adding up their numbers."""
    out: dict[str, dict] = {}
    rest = []
    for f in files:
        path = f.get("path")
        norm = _PROC_PID.sub("/proc/PID/", path) if isinstance(path, str) else path
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


REC_PATH_MAX = 8192       # src/record.h
PATH_CUT = "\u2026"      # REC_PATH_CUT


def shown_path(path: str) -> str:
    """A path as compendium-tui shows it: whole up to REC_PATH_MAX bytes,
    else PATH_CUT and the last whole components that fit in that many."""
    raw = os.fsencode(path)
    if len(raw) <= REC_PATH_MAX:
        return path
    tail = raw[len(raw) - REC_PATH_MAX:]
    slash = tail.find(b"/")
    return PATH_CUT + os.fsdecode(tail[slash:] if slash >= 0 else b"")


def compare_files(truth: dict, got: dict, diffs: list[str]) -> None:
    tfiles = [dict(f, path=shown_path(f["path"])) for f in truth.get("files") or []]
    tf = {f["path"]: f for f in _merge_proc_pids(tfiles)}
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


def compare_summaries(truth: dict, got: dict, command: list[str]) -> list[str]:
    diffs: list[str] = []
    # compendium-tui shows control, bidi and undecodable bytes as escape text
    truth = strace_truth.visible_summary(truth)
    command = [strace_truth.visible(a) for a in command]
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
    # as the tool is required to say) are its words, not the tracee's output.
    own = b"".join(l for l in got.stderr.splitlines(keepends=True)
                   if not l.startswith(b"compendium-tui: "))
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


def run_case(name: str, truth_only: bool, verbose: bool) -> int:
    c = CASES[name]
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
              f"{len(truth['connections'])} connections, io {truth['io']}")
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
    ap.add_argument("case", nargs="?")
    args = ap.parse_args(argv)
    if args.list:
        for c in CASES.values():
            print(f"{c.name:16} {c.description}")
        return EXIT_OK
    if not args.case:
        ap.error("no case given (see --list)")
    if args.case not in CASES:
        print(f"unknown case {args.case!r}; known: {', '.join(CASES)}", file=sys.stderr)
        return EXIT_ERROR
    try:
        return run_case(args.case, args.truth_only, args.verbose)
    except HarnessError as exc:
        print(f"ERROR: {exc}")
        return EXIT_ERROR
    except subprocess.TimeoutExpired as exc:
        print(f"FAIL: timed out: {exc}")
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
