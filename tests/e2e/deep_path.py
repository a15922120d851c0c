"""25 nested directories of 200-byte names (a 5 KB path): two files written
there keep their full paths and stay two files.

Paths longer than a page: readlink of /proc/PID/fd/N fails for them, so
strace prints such fds bare (strace_truth names them from the open's own
arguments).  compendium-tui shows a path whole up to REC_PATH_MAX bytes
(src/record.h) and a longer one as a mark and its last whole components that
fit (shown_path), in both capture modes.  deep_path_cut.py runs the same
deeper.
"""
import os

from e2elib import PATH_CUT, Invocation, shown_path, want_exit, want_file, want_nprocs

LEVELS = 25


def deep_dir(ctx, levels):
    """The deepest directory tests/tracees/deeppath makes, as the test knows it."""
    names = [f"{i:03d}" + chr(ord("a") + i % 26) * 197 for i in range(levels)]
    return os.path.join(ctx.work, *names)


def command(ctx, levels=LEVELS):
    return Invocation([ctx.tracee("deeppath"), str(levels)])


def expect(s, ctx, res, levels=LEVELS):
    """What deeppath does, as strace must have seen it (full paths)."""
    d = deep_dir(ctx, levels)
    return (want_file(s, os.path.join(d, "secret_A.txt"), "rw", 4, 4)
            + want_file(s, os.path.join(d, "other_B.txt"), "w", 0, 8)
            + want_nprocs(s, 1) + want_exit(s, 0))


def check_got(s, ctx, res, events, levels=LEVELS):
    """Two files, each under the path the test built (cut as documented when
    too long), never one; the failed open and the directory fd too."""
    d, probs = deep_dir(ctx, levels), []
    for name, rd, wr in (("secret_A.txt", 4, 4), ("other_B.txt", 0, 8)):
        want = shown_path(os.path.join(d, name))
        got = [f for f in s.get("files") or [] if f.get("path", "").endswith("/" + name)]
        if [(f["path"], f["read_bytes"], f["written_bytes"]) for f in got] != [(want, rd, wr)]:
            probs.append(f"{name}: files {[(f['path'][-60:], f['read_bytes'], f['written_bytes']) for f in got]}, "
                         f"expected one ...{want[-60:]!r} read {rd} written {wr}")
    if levels > LEVELS and not all(f["path"].startswith(PATH_CUT + "/") for f in got):
        probs.append("a path longer than REC_PATH_MAX is not marked as cut")
    failed = [e.get("path") for e in events if e.get("type") == "open" and e.get("error")]
    if failed != [shown_path(os.path.join(d, "missing.txt"))]:
        probs.append(f"failed opens {[p[-60:] for p in failed]}, expected only missing.txt "
                     f"under the deep directory")
    dirs = [e.get("path") for e in events if e.get("type") == "open" and e.get("kind") == "dir"]
    if dirs != [shown_path(d)]:
        probs.append(f"directory opens {[p[-60:] for p in dirs]}, expected the deep directory")
    return probs
