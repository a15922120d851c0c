"""45 nested directories of 200-byte names (a 9 KB path, more than
REC_PATH_MAX): each file shows as a marked tail ending in its own name, and
they stay two files (deep_path.py, deeper)."""
from e2elib import case_module

deep = case_module("deep_path")
LEVELS = 45


def command(ctx):
    return deep.command(ctx, LEVELS)


def expect(s, ctx, res):
    return deep.expect(s, ctx, res, LEVELS)


def check_got(s, ctx, res, events):
    return deep.check_got(s, ctx, res, events, LEVELS)
