"""A relative open that fails with the cwd at / reads /name (not //name)."""
from e2elib import Invocation, want_exit

NO_SUCH = "compendium-e2e-no-such-file"


def command(ctx):
    return Invocation(["/bin/sh", "-c", f"cd / && exec cat {NO_SUCH}"])


def expect(s, ctx, res):
    return want_exit(s, 1)


def check_got(s, ctx, res, events):
    got = [e.get("path") for e in events
           if e.get("type") == "open" and e.get("error") and NO_SUCH in (e.get("path") or "")]
    return [] if got == ["/" + NO_SUCH] else [f"failed open shown as {got}, expected ['/{NO_SUCH}']"]
