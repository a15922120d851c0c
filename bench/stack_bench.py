#!/usr/bin/env python3
"""What --stack costs: per stack, and on a workload of about a second.

    python3 bench/stack_bench.py [--compendium ./compendium-tui] [--pairs 5]
                                 [--engines ptrace,kernel] [--n 20000]

Per stack: a small C program (built here with gcc -O2, no frame pointers)
opens and closes one file N times from two calls deep; it runs under
compendium-tui --json -o /dev/null with and without --stack, interleaved
for PAIRS rounds, and the cost of one stack is the median over the rounds
of (time with - time without) / N, in microseconds: of the whole run's wall
time (capture, unwinding and naming), and of the program's own time for
its loop (what the traced program waits).  Workload: `tar cf - -C /usr
include | cat > /dev/null` (one open, so one stack, per file), with and
without --stack, interleaved; the overhead is the median of the per-round
ratios.  Also prints how many events carried a stack.  --engine kernel
needs root.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

OPENS_C = r"""
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
static volatile int sink;
__attribute__((noinline)) static void inner(const char *p)
{ int fd = open(p, O_RDONLY); sink += fd; close(fd); }
__attribute__((noinline)) static void outer(const char *p) { inner(p); sink++; }
int main(int argc, char **argv)
{
    struct timespec a, b;
    int n = atoi(argv[1]);
    FILE *f;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < n; i++) outer(argv[2]);
    clock_gettime(CLOCK_MONOTONIC, &b);
    f = fopen(argv[3], "w");   /* its own time, in seconds */
    fprintf(f, "%.6f\n", (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
    fclose(f);
    return 0;
}
"""


def timed(cmd, out=None):
    """Wall seconds of cmd (its output to out, else nowhere)."""
    t = time.monotonic()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    return time.monotonic() - t


def engine_args(engine):
    return ["--engine", engine]


def stacks_in(comp, engine, argv, tmp):
    """How many events of one --stack --json run carried a stack."""
    out = os.path.join(tmp, "count.jsonl")
    subprocess.run(comp + engine_args(engine) + ["--stack", "--json", "-o", out, "--"] + argv,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    with open(out, encoding="utf-8") as f:
        return sum(1 for line in f if '"stack":' in line and json.loads(line).get("stack"))


def own(path):
    """The time the opens program measured itself, in seconds."""
    with open(path, encoding="utf-8") as f:
        return float(f.read())


def pairs(comp, engine, argv, n_pairs, self_time=None):
    """[(seconds without --stack, seconds with)] for n_pairs interleaved rounds
    (self_time: the program's own times from that file instead of wall times,
    as a second list)."""
    base = comp + engine_args(engine) + ["--json", "-o", "/dev/null"]
    rounds, selves = [], []
    for _ in range(n_pairs):
        a = timed(base + ["--"] + argv)
        sa = own(self_time) if self_time else 0
        b = timed(base + ["--stack", "--"] + argv)
        sb = own(self_time) if self_time else 0
        rounds.append((a, b))
        selves.append((sa, sb))
    return rounds, selves


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compendium", default="./compendium-tui")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--engines", default="ptrace,kernel")
    ap.add_argument("--n", type=int, default=20000)
    a = ap.parse_args()
    comp = [a.compendium]
    with tempfile.TemporaryDirectory(prefix="stackbench-") as tmp:
        src, prog, data = (os.path.join(tmp, x) for x in ("opens.c", "opens", "data"))
        with open(src, "w", encoding="utf-8") as f:
            f.write(OPENS_C)
        with open(data, "w", encoding="utf-8") as f:
            f.write("x\n")
        subprocess.run(["gcc", "-O2", "-g", "-o", prog, src], check=True)
        selftime = os.path.join(tmp, "self")
        opens = [prog, str(a.n), data, selftime]
        tar = ["sh", "-c", "tar cf - -C /usr include | cat > /dev/null"]
        for engine in a.engines.split(","):
            r, s = pairs(comp, engine, opens, a.pairs, selftime)
            per = statistics.median((b - x) / a.n * 1e6 for x, b in r)
            per_own = statistics.median((b - x) / a.n * 1e6 for x, b in s)
            print("%-6s opens x%d: without %.3f s, with --stack %.3f s (medians); "
                  "%.1f us per stack (wall), %.1f us of the program's own time; %d stacks" %
                  (engine, a.n, statistics.median(x for x, _ in r),
                   statistics.median(b for _, b in r), per, per_own,
                   stacks_in(comp, engine, opens, tmp)))
            r, _ = pairs(comp, engine, tar, a.pairs)
            print("%-6s tar of /usr/include: without %.3f s, with --stack %.3f s (medians); "
                  "ratio %.2fx (median of %d rounds); %d stacks" %
                  (engine, statistics.median(x for x, _ in r), statistics.median(b for _, b in r),
                   statistics.median(b / x for x, b in r), a.pairs,
                   stacks_in(comp, engine, tar, tmp)))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
