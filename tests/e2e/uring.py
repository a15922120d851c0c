"""A read through io_uring (raw io_uring_setup/enter, mmap'd rings): not seen,
so not counted, and the notes say so."""
from e2elib import Invocation, want_exit, want_file


def command(ctx):
    return Invocation([ctx.tracee("uring"), ctx.w("ring.bin")], skip_status=77)


def expect(s, ctx, res):
    return want_file(s, ctx.w("ring.bin"), "rw", 0, 3000) + want_exit(s, 0)


def check_got(s, ctx, res, events):
    notes = s.get("notes") or []
    if not any("io_uring" in n for n in notes):
        return [f"notes {notes!r} do not say that io_uring I/O is not seen"]
    return []
