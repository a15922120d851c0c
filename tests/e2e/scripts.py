"""Scripts ("#!" files) run as programs: by a relative path, through PATH
(argv[0] is then the bare name), with an interpreter argument, by env,
from another script, and by bash's exec -a (an argv[0] of its own).  The
kernel runs each one's interpreter with the script's name among its
arguments; every process must show the exec as it was called, as strace
does: the script's own path and the argv it was given."""
import os

from e2elib import Invocation, want_exit, want_file

SCRIPTS = {
    "s.sh": "#!/bin/sh\necho s \"$@\" >> out.txt\n",
    "e.sh": "#!/usr/bin/env sh\necho e \"$@\" >> out.txt\nexec ./s.sh from-e\n",
    "t.sh": "#!/bin/sh -e\necho t \"$@\" >> out.txt\n",
}
RUN = ("./s.sh a b; PATH=$PWD:$PATH s.sh c; ./e.sh x; ./t.sh 'two words' y; "
       "bash -c 'exec -a custom ./s.sh z'; echo done >> out.txt")


def setup(ctx):
    for name, text in SCRIPTS.items():
        with open(ctx.w(name), "w") as fh:
            fh.write(text)
        os.chmod(ctx.w(name), 0o755)


def command(ctx):
    return Invocation(["/bin/sh", "-c", RUN], setup=setup, compare_files=["out.txt"])


def expect(s, ctx, res):
    probs = want_exit(s, 0)
    # (every line of out.txt: s, s, e, s, t, s, done, each appended once)
    lines = ["s a b", "s c", "e x", "s from-e", "t two words y", "s z", "done"]
    probs += want_file(s, ctx.w("out.txt"), "w", 0, sum(len(x) + 1 for x in lines))
    want = {
        (ctx.w("s.sh"), ("./s.sh", "a", "b")),
        (ctx.w("s.sh"), ("s.sh", "c")),
        (ctx.w("s.sh"), ("./s.sh", "from-e")),
        (ctx.w("t.sh"), ("./t.sh", "two words", "y")),
        (ctx.w("s.sh"), ("custom", "z")),
    }
    got = {(p.get("exe"), tuple(p.get("argv") or [])) for p in s.get("processes", [])}
    for exe, argv in sorted(want - got):
        probs.append(f"no process ran {exe} as {list(argv)}; processes: {sorted(got)}")
    return probs
