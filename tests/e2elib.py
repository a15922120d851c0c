"""What an end-to-end case file (tests/e2e/NAME.py) builds on.

A case file holds one case:

    docstring          what the program does, in one line (then details)
    PROGRAM            optional: the C source of the case's own program,
                       compiled by the harness (without sanitizers, with
                       tests/tracees/tracee.h at hand); ctx.program() is its path
    command(ctx)       the Invocation to run: argv and what it needs
    expect(s, ctx, res)
                       the problems (a list of strings, empty when right) of
                       summary s, strace's view of the run, against what the
                       program is known to do, in exact figures
    check_got(s, ctx, res, events)
                       optional: problems of compendium-tui's own summary and
                       events in what strace cannot tell (notes, event order)

tests/e2e.py runs it (see there for how the summaries are compared).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
from dataclasses import dataclass, field
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
CASE_DIR = os.path.join(HERE, "e2e")


class HarnessError(Exception):
    """Something is wrong with the test setup, not with compendium-tui."""


@dataclass
class Ctx:
    tracee_dir: str
    work: str
    prog: str | None = None     # the case's own program, once built

    def tracee(self, name: str) -> str:
        """The program tests/tracees/NAME.c, as built."""
        path = os.path.join(self.tracee_dir, name)
        if not os.access(path, os.X_OK):
            raise HarnessError(f"tracee {path} not built (set TRACEE_DIR?)")
        return path

    def program(self) -> str:
        """The case's own program (its PROGRAM), as built."""
        if self.prog is None:
            raise HarnessError("this case has no PROGRAM")
        return self.prog

    def w(self, name: str) -> str:
        """A path in the scratch directory the command runs in."""
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


def case_module(name: str):
    """The case file tests/e2e/NAME.py as a module (for a case built on another)."""
    path = os.path.join(CASE_DIR, name + ".py")
    if not os.path.exists(path):
        raise HarnessError(f"no case file {path}")
    spec = importlib.util.spec_from_file_location(f"e2e_case_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write_pattern(path: str, size: int) -> None:
    with open(path, "wb") as fh:
        fh.write(bytes((i * 7 + 3) % 251 for i in range(size)))


# -- text as compendium-tui shows it ----------------------------------------

_SHOWN: dict[tuple[str, str], str] = {}


def shown_all(kind: str, strings) -> list[str]:
    """Each string as compendium-tui shows it, by its own code (tests/shown):
    kind "text" for argv, names and the like (control, C1, bidi and format
    characters and bytes that are not UTF-8 as escapes), "path" for a file's
    path (cut as records carry it, then as text)."""
    strings = list(strings)
    todo = sorted({x for x in strings if (kind, x) not in _SHOWN})
    if todo:
        tool = os.environ.get("SHOWN") or os.path.join(
            os.path.dirname(os.environ.get("TRACEE_DIR") or "tests/tracees"), "shown")
        try:
            r = subprocess.run([tool, kind], input=b"".join(os.fsencode(x) + b"\0" for x in todo),
                               capture_output=True, timeout=60)
        except OSError as exc:
            raise HarnessError(f"cannot run {tool} (set SHOWN?): {exc}") from exc
        out = r.stdout.split(b"\0")[:-1]
        if r.returncode != 0 or len(out) != len(todo):
            raise HarnessError(f"{tool} {kind} failed: {r.stderr.decode(errors='replace')}")
        _SHOWN.update(((kind, x), y.decode()) for x, y in zip(todo, out))
    return [_SHOWN[(kind, x)] for x in strings]


def shown(kind: str, s: str) -> str:
    return shown_all(kind, [s])[0]


def shown_path(path: str) -> str:
    """A path as compendium-tui shows it (see shown_all)."""
    return shown("path", path)


def shown_summary(summary: dict) -> dict:
    """A copy of a truth summary with its strings (command, exe, argv, file
    paths, deleted and renamed paths) as compendium-tui's JSON gives them."""
    text = [*(summary.get("command") or []),
            *(x for p in summary.get("processes") or []
              for x in [p.get("exe"), *(p.get("argv") or [])] if isinstance(x, str))]
    paths = [f.get("path") for f in summary.get("files") or [] if isinstance(f.get("path"), str)]
    paths += [c.get(k) for c in summary.get("changes") or [] for k in ("path", "new_path")
              if isinstance(c.get(k), str)]
    shown_all("text", text)
    shown_all("path", paths)

    def vis(v, kind="text"):
        return shown(kind, v) if isinstance(v, str) else v
    out = dict(summary)
    out["command"] = [vis(a) for a in summary.get("command") or []]
    out["processes"] = [dict(p, exe=vis(p.get("exe")), argv=[vis(a) for a in p.get("argv") or []])
                        for p in summary.get("processes") or []]
    out["files"] = [dict(f, path=vis(f.get("path"), "path")) for f in summary.get("files") or []]
    out["changes"] = [{k: vis(v, "path") if k in ("path", "new_path") else v for k, v in c.items()}
                      for c in summary.get("changes") or []]
    return out


# -- expectation helpers (return a list of problems) -----------------------

def _file(summary: dict, path: str) -> dict | None:
    # compared as shown: the truth holds raw names, compendium-tui escaped ones
    files = [f for f in summary.get("files") or [] if isinstance(f.get("path"), str)]
    want, *have = shown_all("text", [path] + [f["path"] for f in files])
    return next((f for f, h in zip(files, have) if h == want), None)


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


def want_conns(summary, want) -> list[str]:
    """The connections, as sorted (proto, role, sent_bytes, received_bytes),
    are exactly want."""
    got = sorted((c["proto"], c["role"], c["sent_bytes"], c["received_bytes"])
                 for c in summary.get("connections") or [])
    return [] if got == sorted(want) else [f"connections {got}, expected {sorted(want)}"]


def want_no_conns(summary) -> list[str]:
    c = summary.get("connections") or []
    return [] if not c else [f"unexpected connections: {c}"]


def stdout_len(res) -> int:
    return len(res.stdout or b"")


PATH_CUT = "\u2026"      # REC_PATH_CUT (src/record.h): the front of a path is missing
