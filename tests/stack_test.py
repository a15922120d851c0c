#!/usr/bin/env python3
"""End-to-end check of --stack on the real binary.

    python3 tests/stack_test.py [--engine kernel | --ebpf]   (ptrace by default)
                                      exit 0 pass, 1 fail, 77 skip, 99 harness error

tests/tracees/stackopen (main -> outer_fn -> inner_fn -> open, -O2, no frame
pointers) is traced with --stack --json, built with -g and without
(stackopen_nodebug): the open's stack must name libc's open, then inner_fn,
outer_fn and main in that order, in the program's own module, with the
source file and line of the open call when built with -g and none without.
A Python program's open must show the interpreter's frames
(_PyEval_EvalFrameDefault, in the python3 executable, which holds libpython
on Debian).  --stack=EXPR keeps only the stacks of the events EXPR matches,
no --stack shows none, --batch prints the frames under the event, --replay
of a --record names the recorded stacks as the live run did, --trace-json
and --report carry the stack of the open, and a bad
EXPR is refused with one sentence and exit status 2.  With --engine kernel
(needs root and BPF; skips with the reason otherwise) the same assertions
hold for stacks the kernel copied and user space unwound, and with --ebpf
(ptrace, with the open and mmap families captured in the kernel) as well.

Environment: COMPENDIUM (default ./compendium-tui), TRACEE_DIR (default
tests/tracees).
"""

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True

COMPENDIUM = shlex.split(os.environ.get("COMPENDIUM", "./compendium-tui"))
TRACEE_DIR = os.environ.get("TRACEE_DIR", "tests/tracees")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tracees", "stackopen.c")
PYTHON = os.path.realpath("/usr/bin/python3")
LIBC_OPEN = {"open", "__open", "open64", "__open64", "__libc_open64", "__open_nocancel"}
FAILURES = []


class Skip(Exception):
    pass


def check(what, ok, detail=""):
    if not ok:
        FAILURES.append(what)
        print("FAIL %s %s" % (what, detail))
    else:
        print("ok   %s" % what)


def run(engine_args, args, argv, tmp, fmt="--json"):
    """(exit status, events or text, stderr) of compendium-tui ARGS -- ARGV."""
    out = os.path.join(tmp, "out")
    if os.path.exists(out):
        os.unlink(out)
    cmd = COMPENDIUM + engine_args + [fmt] + args + ["-o", out, "--"] + argv
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=120, check=False)
    text = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    if fmt != "--json":
        return p.returncode, text, p.stderr
    events = [json.loads(line) for line in text.splitlines() if line.strip()]
    return p.returncode, events, p.stderr


def open_of(events, path):
    """The open event of path (None when missing)."""
    for e in events:
        if e.get("type") == "open" and e.get("path") == path:
            return e
    return None


def open_line():
    """The line of stackopen.c that calls open."""
    with open(SRC, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if "/* the open */" in line:
                return i
    raise RuntimeError("no marked open in " + SRC)


def funcs(stack):
    return [f.get("func") for f in stack]


def check_chain(tag, prog, stack, debug):
    """inner_fn, outer_fn, main in a row, libc's open right above inner_fn."""
    names = funcs(stack)
    check(tag + ": inner_fn, outer_fn, main in that order",
          "inner_fn" in names and names[names.index("inner_fn"):names.index("inner_fn") + 3] ==
          ["inner_fn", "outer_fn", "main"], repr(names))
    if "inner_fn" not in names:
        return
    i = names.index("inner_fn")
    above = stack[i - 1] if i > 0 else {}
    check(tag + ": libc's open frame above inner_fn",
          above.get("func") in LIBC_OPEN and
          os.path.basename(above.get("module") or "").startswith("libc.so"), repr(above))
    inner = stack[i]
    check(tag + ": frames in the program's module",
          all(f.get("module") == os.path.realpath(prog) for f in stack[i:i + 3]),
          repr(stack[i:i + 3]))
    if debug:
        check(tag + ": file and line of the open call",
              os.path.basename(inner.get("file", "")) == "stackopen.c" and
              inner.get("line") == open_line(), repr(inner))
    else:
        check(tag + ": no source line without -g", "file" not in inner and "line" not in inner,
              repr(inner))
    check(tag + ": offsets are numbers", all(isinstance(f.get("offset"), int) for f in stack))


def case_program(eng, tmp, name, debug):
    prog = os.path.join(TRACEE_DIR, name)
    path = os.path.join(tmp, "data-" + name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("x\n")
    code, events, err = run(eng, ["--stack"], [prog, path], tmp)
    check(name + ": exit status 0", code == 0, err)
    ev = open_of(events, path)
    check(name + ": open has a stack", ev is not None and "stack" in ev, repr(ev))
    if ev and "stack" in ev:
        check_chain(name, prog, ev["stack"], debug)


def case_python(eng, tmp):
    path = os.path.join(tmp, "pydata")
    with open(path, "w", encoding="utf-8") as f:
        f.write("x\n")
    code, events, err = run(eng, ["--stack"],
                            [PYTHON, "-S", "-c", "open(%r).close()" % path], tmp)
    check("python: exit status 0", code == 0, err)
    ev = open_of(events, path)
    stack = ev.get("stack", []) if ev else []
    py = [f for f in stack if f.get("func") == "_PyEval_EvalFrameDefault"]
    check("python: open's stack has _PyEval_EvalFrameDefault in python3", py != [] and
          all(f.get("module") == PYTHON for f in py), repr(funcs(stack)))


def case_expr(eng, tmp):
    prog = os.path.join(TRACEE_DIR, "stackopen")
    path = os.path.join(tmp, "data-expr")
    with open(path, "w", encoding="utf-8") as f:
        f.write("x\n")
    code, events, err = run(eng, ["--stack=path:*data-expr"], [prog, path], tmp)
    with_stack = [e for e in events if "stack" in e]
    check("--stack=EXPR: only the matching event has a stack",
          code == 0 and [e.get("path") for e in with_stack] == [path], repr(with_stack)[:300])
    code, events, err = run(eng, [], [prog, path], tmp)
    check("no --stack: no stacks", code == 0 and all("stack" not in e for e in events))
    code, text, err = run(eng, ["--stack"], [prog, path], tmp, fmt="--batch")
    lines = text.splitlines()
    at = [i for i, line in enumerate(lines) if line.endswith("open %s (read)" % path)]
    frames = lines[at[0] + 1:at[0] + 5] if at else []
    check("--batch: indented frames under the open line",
          len(frames) == 4 and all(line.startswith("      at ") for line in frames) and
          frames[1].startswith("      at inner_fn+0x") and "stackopen.c:%d" % open_line() in frames[1],
          repr(frames))
    code, text, err = run(eng, ["--stack=(type:open"], [prog, path], tmp)
    check("bad --stack expression: exit 2 and one sentence",
          code == 2 and err.startswith("compendium-tui: --stack: "), repr((code, err)))


def case_exec(eng, tmp):
    """An exec's stack is the old program's (sh's), taken as the call starts."""
    prog = os.path.join(TRACEE_DIR, "stackopen")
    path = os.path.join(tmp, "data-exec")
    with open(path, "w", encoding="utf-8") as f:
        f.write("x\n")
    code, events, err = run(eng, ["--stack"], ["/bin/sh", "-c", "%s %s; true" % (prog, path)], tmp)
    ex = [e for e in events if e.get("type") == "exec" and e.get("exe") == os.path.realpath(prog)]
    stack = ex[0].get("stack", []) if ex else []
    check("exec: the stack of sh's execve, libc's execve innermost",
          code == 0 and stack and stack[0].get("func") == "execve" and
          os.path.basename(stack[0].get("module") or "").startswith("libc.so") and
          all(os.path.basename(f.get("module") or "") in ("dash", "libc.so.6") for f in stack[:3]),
          repr(stack[:3]))


def case_replay(eng, tmp):
    """--record keeps the raw stacks; --replay names them as the live run did."""
    prog = os.path.join(TRACEE_DIR, "stackopen")
    path = os.path.join(tmp, "data-replay")
    rec = os.path.join(tmp, "rec")
    with open(path, "w", encoding="utf-8") as f:
        f.write("x\n")
    code, live, err = run(eng, ["--stack", "--record", rec], [prog, path], tmp)
    out = os.path.join(tmp, "replayed")
    p = subprocess.run(COMPENDIUM + ["--json", "-o", out, "--replay", rec],
                       capture_output=True, text=True, timeout=120, check=False)
    with open(out, encoding="utf-8") as f:
        replayed = [json.loads(line) for line in f if line.strip()]
    want = [e["stack"] for e in live if "stack" in e]
    got = [e["stack"] for e in replayed if "stack" in e]
    check("--replay: the recorded stacks, named the same", code == 0 and p.returncode == 0 and
          want != [] and got == want, repr((len(want), len(got), p.stderr)))


def case_exports(eng, tmp):
    """--trace-json gives the open its stack as an arg, --report in its details."""
    prog = os.path.join(TRACEE_DIR, "stackopen")
    path = os.path.join(tmp, "data-exports")
    trace, report = os.path.join(tmp, "trace.json"), os.path.join(tmp, "report.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write("x\n")
    code, _, err = run(eng, ["--stack", "--trace-json", trace, "--report", report],
                       [prog, path], tmp)
    with open(trace, encoding="utf-8") as f:
        evs = [e for e in json.load(f)["traceEvents"]
               if e.get("args", {}).get("target") == path and e.get("name") == "open"]
    stack = evs[0]["args"].get("stack", []) if evs else []
    check("--trace-json: the open's stack arg, innermost first",
          code == 0 and [s.split("+")[0] for s in stack[1:4]] == ["inner_fn", "outer_fn", "main"],
          repr(stack[:4]))
    with open(report, encoding="utf-8") as f:
        html = f.read()
    m = re.search(r'<script [^>]*id="report-data"[^>]*>(.*?)</script>', html, re.S)
    stk = json.loads(m.group(1)).get("stk", {}) if m else {}
    ours = [s for s in stk.values() if len(s) > 3 and s[1].startswith("inner_fn+0x")]
    check("--report: the open's stack in its details' data",
          len(ours) == 1 and [s.split("+")[0] for s in ours[0][1:4]] ==
          ["inner_fn", "outer_fn", "main"], repr(list(stk.values()))[:300])


def engine_args(argv):
    if "--engine" in argv and argv[argv.index("--engine") + 1] == "kernel":
        return ["--engine", "kernel"]
    if "--ebpf" in argv:
        return ["--engine", "ptrace", "--ebpf"]
    return ["--engine", "ptrace"]


def need_bpf(eng, tmp):
    """Skip, with compendium-tui's own sentence, where eng cannot run."""
    if os.geteuid() != 0:
        raise Skip("%s needs root" % " ".join(eng))
    out = os.path.join(tmp, "probe")
    p = subprocess.run(COMPENDIUM + eng + ["--json", "-o", out, "--", "true"],
                       capture_output=True, text=True, timeout=60, check=False)
    if p.returncode != 0 or "--ebpf is off" in p.stderr or "cannot count" in p.stderr:
        raise Skip("%s does not run here: %s" % (" ".join(eng), p.stderr.strip()))


def main():
    eng = engine_args(sys.argv)
    with tempfile.TemporaryDirectory(prefix="stack-") as tmp:
        try:
            if eng != ["--engine", "ptrace"]:
                need_bpf(eng, tmp)
        except Skip as s:
            print("SKIP: %s" % s)
            return 77
        case_program(eng, tmp, "stackopen", True)
        case_program(eng, tmp, "stackopen_nodebug", False)
        case_python(eng, tmp)
        case_expr(eng, tmp)
        case_exec(eng, tmp)
        case_replay(eng, tmp)
        case_exports(eng, tmp)
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
