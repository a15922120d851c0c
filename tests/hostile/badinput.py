#!/usr/bin/env python3
"""Bad input: one clear sentence on stderr and a non-zero exit, never a crash.

Every case runs compendium-tui with bad options or an impossible target and
checks: the exit status (exact where a convention exists: 2 for usage, 126
and 127 like a shell for commands), that it was not killed by a signal,
that stderr is exactly one line starting "compendium-tui: " and saying what
is wrong (a pattern per case), that nothing went to stdout, and that it
finished within 10 s.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def run(argv: list[str], shell: str | None = None) -> subprocess.CompletedProcess:
    if shell is not None:
        return subprocess.run(["/bin/sh", "-c", shell], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=10)
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=10)


def check(name: str, r: subprocess.CompletedProcess, code, pattern: str) -> list[str]:
    probs = []
    err = r.stderr.decode(errors="replace")
    lines = err.splitlines()
    if r.returncode < 0 or r.returncode >= 128:
        probs.append(f"{name}: crashed or killed (status {r.returncode}); stderr {err!r}")
    elif code is None and r.returncode == 0:
        probs.append(f"{name}: exit 0, expected a failure")
    elif code is not None and r.returncode != code:
        probs.append(f"{name}: exit {r.returncode}, expected {code}")
    if len(lines) != 1 or not lines[0].startswith("compendium-tui: "):
        probs.append(f"{name}: stderr should be one 'compendium-tui: ...' line, got {err!r}")
    elif not re.search(pattern, lines[0]):
        probs.append(f"{name}: message {lines[0]!r} does not match /{pattern}/")
    if r.stdout:
        probs.append(f"{name}: wrote to stdout: {r.stdout[:200]!r}")
    return probs


def traced_already(name: str, comp: list[str], pid: int, tmp: str) -> list[str]:
    """-p of a process compendium-tui traces: with ptrace it is already
    being traced, which is said in one sentence.  A process the kernel
    engine traces is not ptraced (TracerPid 0), so nothing refuses it: that
    is no bad input, and a second kernel engine must attach alongside and
    detach (SIGINT) cleanly, exit 0, saying nothing."""
    if not common.kernel_engine():
        return check(name, run([*comp, "-p", str(pid)]), None, r"already being traced")
    out = os.path.join(tmp, "traced-twice.jsonl")
    proc = subprocess.Popen([*comp, "-p", str(pid), "--json", "-o", out],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        if not common.wait_until(lambda: os.path.exists(out) and os.path.getsize(out) > 0, 10):
            return [f"{name}: the kernel engine did not attach within 10 s"]
        proc.send_signal(signal.SIGINT)
        sout, serr = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc.returncode != 0 or sout or serr:
        return [f"{name}: the kernel engine exited {proc.returncode} after detaching, "
                f"stdout {sout!r}, stderr {serr!r}"]
    return []


def unused_pid() -> int:
    with open("/proc/sys/kernel/pid_max") as fh:
        pid_max = int(fh.read())
    for pid in range(pid_max - 1, 1, -1):
        if not os.path.exists(f"/proc/{pid}"):
            return pid
    raise RuntimeError("no free pid")


def main() -> int:
    common.require_tracing()
    comp = common.compendium()
    c0 = comp[0]
    problems: list[str] = []
    tmp = tempfile.mkdtemp(prefix="compendium-badinput-")
    held = []
    try:
        cases = [
            ("unknown long option", [*comp, "--no-such-option", "--", "/bin/true"], 2,
             r"unknown option '--no-such-option'"),
            ("unknown short option among others", [*comp, "-vq", "--", "/bin/true"], 2,
             r"unknown option '-q'"),
            ("missing command", [*comp], 2, r"no command"),
            ("missing command after --", [*comp, "--json", "--"], 2, r"no command"),
            ("-o without its value", [*comp, "-o"], 2, r"'-o'.*(value|argument)"),
            ("-p without its value", [*comp, "-p"], 2, r"'-p'.*(value|argument)"),
            ("-p not a number", [*comp, "-p", "12abc"], None, r"not a process id"),
            ("-p and a command", [*comp, "-p", "1", "--", "/bin/true"], 2, r"not both"),
            ("-p of a kernel thread (kthreadd)", [*comp, "-p", "2"], None, r"kernel thread"),
            ("-p of a pid nobody has", [*comp, "-p", str(unused_pid())], None,
             r"no process with pid"),
            ("unwritable -o path", [*comp, "-o", "/nonexistent/dir/x", "--", "/bin/true"],
             None, r"cannot write output file /nonexistent/dir/x: No such file"),
            ("a command that is a directory", [*comp, "--", tmp], 126, r"is a directory"),
            ("a command not found", [*comp, "--", "no-such-command-zq"], 127,
             r"^compendium-tui: no-such-command-zq: command not found$"),
            ("a file that is not executable", [*comp, "--", os.path.join(tmp, "plain")], 126,
             r"[Pp]ermission denied"),
            ("--max-memory with an unknown unit", [*comp, "--max-memory", "12X", "--",
                                                   "/bin/true"], 2,
             r"^compendium-tui: --max-memory: '12X' is not a size of at least 1M \(a number "
             r"with K, M or G, such as 256M\)$"),
            ("--max-memory below 1M", [*comp, "--max-memory", "100K", "--", "/bin/true"], 2,
             r"--max-memory: '100K' is not a size of at least 1M"),
            ("--max-memory negative", [*comp, "--max-memory", "-5M", "--", "/bin/true"], 2,
             r"--max-memory: '-5M' is not a size"),
            ("--max-memory beyond any machine", [*comp, "--max-memory", "99999999999999G",
                                                 "--", "/bin/true"], 2,
             r"--max-memory: '99999999999999G' is not a size"),
            ("--engine of another kind", [*comp, "--engine", "gdb", "--", "/bin/true"], 2,
             r"--engine: 'gdb' is not auto, kernel or ptrace"),
            ("--engine kernel with --replay", [*comp, "--engine", "kernel", "--replay", "x"], 2,
             r"--engine is for tracing; --replay reads a recording"),
            ("--engine kernel with -v", [*comp, "--engine", "kernel", "-v", "--", "/bin/true"], 2,
             r"-v and --no-seccomp are ptrace's"),
        ]
        with open(os.path.join(tmp, "plain"), "w") as fh:
            fh.write("not a program\n")
        for name, argv, code, pattern in cases:
            problems += check(name, run(argv), code, pattern)

        # recordings on standard input: not one, empty, damaged, and a terminal
        problems += check("--replay - of text", run([], shell=f"echo hello | {c0} --replay -"), 1,
                          r"^compendium-tui: standard input is not a compendium-tui recording "
                          r"\(made with --record\)$")
        problems += check("--replay - of nothing", run([], shell=f"{c0} --replay - </dev/null"), 1,
                          r"^compendium-tui: standard input: recording is truncated \(cut inside "
                          r"its header\)$")
        # the header of a recording of /bin/true is 104 bytes: then a record
        # header of 24 bytes 0xff (its length impossible)
        damaged = (f"{{ {c0} --record - -- /bin/true | head -c 104; "
                   f"head -c 24 /dev/zero | tr '\\0' '\\377'; }} | "
                   f"{c0} --replay - --json -o /dev/null")
        problems += check("--replay - of a damaged stream", run([], shell=damaged), 1,
                          r"^compendium-tui: standard input: the recording is damaged at byte \d+ "
                          r"\(a record of impossible length\)$")
        master, slave = os.openpty()
        r = subprocess.run([c0, "--replay", "-"], stdin=slave, capture_output=True, timeout=10)
        os.close(slave)
        os.close(master)
        problems += check("--replay - from a terminal", r, 2,
                          r"^compendium-tui: --replay -: standard input is a terminal; pipe a "
                          r"recording into it")

        # itself: the shell's $$ is compendium-tui's pid after exec
        problems += check("-p of itself", run([], shell=f"exec {c0} -p $$"), None,
                          r"itself")

        # already traced, by compendium-tui and (when present) by strace
        sleeper = subprocess.Popen([*comp, "-o", os.devnull, "--", "sleep", "30"],
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        held.append(sleeper)
        def child_of(ppid):
            for name in os.listdir("/proc"):
                if name.isdigit() and common.proc_field(int(name), "PPid") == str(ppid):
                    return int(name)
            return None
        if common.wait_until(lambda: child_of(sleeper.pid) is not None, 5):
            pid = child_of(sleeper.pid)
            if not common.kernel_engine():
                common.wait_until(lambda: common.proc_field(pid, "TracerPid")
                                  not in (None, "0"), 5)
            problems += traced_already("-p of a process compendium-tui traces", comp, pid, tmp)
        else:
            problems.append("could not start a traced sleep for the already-traced case")
        strace = shutil.which("strace")
        if strace:
            target = subprocess.Popen(["sleep", "30"], start_new_session=True)
            tracer = subprocess.Popen([strace, "-o", os.devnull, "-p", str(target.pid)],
                                      stderr=subprocess.DEVNULL, start_new_session=True)
            held += [tracer, target]
            if common.wait_until(lambda: common.proc_field(target.pid, "TracerPid")
                                 not in (None, "0"), 5):
                problems += check("-p of a process strace traces",
                                  run([*comp, "-p", str(target.pid)]), None,
                                  r"already being traced")

        # a zombie: it exists (kill(pid, 0) works) but cannot be attached
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        common.wait_until(lambda: common.proc_state(pid) == "Z", 5)
        problems += check("-p of a zombie", run([*comp, "-p", str(pid)]), None,
                          r"(exited|zombie)")
        os.waitpid(pid, 0)
    finally:
        for p in held:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return common.finish(problems, "bad input gives one clear sentence and a failure status")


if __name__ == "__main__":
    sys.exit(main())
