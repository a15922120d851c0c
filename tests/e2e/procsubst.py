"""bash's process substitution, diff <(printf ...) <(printf ...): diff opens
/dev/fd/63 and /dev/fd/62, the read ends of two pipes, and reads what the
two printfs wrote.  Those opens and reads name the pipes as /proc does,
pipe:[INODE], the inodes of the pipes the printfs wrote to."""
import re

from e2elib import Invocation, want_exit, want_file


def command(ctx):
    return Invocation(["bash", "-c", "diff <(printf 'a\\nb\\n') <(printf 'a\\nc\\nd\\n') > out.txt"],
                      compare_files=["out.txt"])


def expect(s, ctx, res):
    out = open(ctx.w("out.txt"), "rb").read()   # (diff's own output, 2c2,3 ...)
    return want_file(s, ctx.w("out.txt"), "w", 0, len(out)) + want_exit(s, 1)


def check_got(s, ctx, res, events):
    """diff opens two pipes named pipe:[N] and reads from them the 4 and 6
    bytes written to the same pipes."""
    pipe = re.compile(r"pipe:\[\d+\]")
    opened = sorted(e.get("path") or "" for e in events
                    if e.get("type") == "open" and e.get("kind") == "pipe")
    written = {}
    read = {}
    for e in events:
        if e.get("kind") == "pipe" and e.get("type") in ("read", "write"):
            d = read if e["type"] == "read" else written
            d[e.get("path")] = d.get(e.get("path"), 0) + e.get("bytes", 0)
    probs = []
    if len(opened) != 2 or not all(pipe.fullmatch(p) for p in opened):
        probs.append(f"diff's opens of the pipes named {opened}, want two pipe:[N]")
    if sorted(read.get(p, 0) for p in opened) != [4, 6]:
        probs.append(f"bytes read from the opened pipes {read}, want 4 and 6")
    if sorted(written.get(p, 0) for p in opened) != [4, 6]:
        probs.append(f"bytes written to the opened pipes {written}, want 4 and 6")
    return probs
