#!/usr/bin/env python3
"""The user documentation stays true: README, man page, doc/.

Checks, each with the file and the fix named when it fails:
  - README is at most 250 lines, and keeps its two commands: the first
    installs (in a checkout: a subset of what .ci/run installs), builds and
    runs ./compendium-tui, the second is `bash .ci/run`;
  - every option of the option table in src/main.c is in --help and is an
    item of the man page's OPTIONS, written the same way in both ("-p,
    --pid PID"), with its description on the lines after it; and neither
    names an option the program does not take;
  - every --option the man page, README or doc/*.md mentions is one the
    program takes (or one of bench/*.py or configure, where those are run);
  - the man page has the sections NAME, SYNOPSIS, DESCRIPTION, OPTIONS,
    EXIT STATUS, ENVIRONMENT, FILES, EXAMPLES and SEE ALSO; EXIT STATUS
    names every status src/main.c exits with, ENVIRONMENT every variable
    src/ and ui/ read with getenv, NO_COLOR and TERM;
  - `groff -man -Tutf8 -ww -z` prints no warning on the man page (and
    `mandoc -Tlint -W warning` none, where mandoc is installed);
  - every file in doc/ is in EXTRA_DIST, and every doc/ file the README or
    the man page names exists.
Exit 0 when all hold, 1 with every problem listed otherwise; 77 when groff
is missing and everything else holds.
"""

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys

SRC = os.environ.get("srcdir") or "."
README_MAX = 250
SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT",
            "FILES", "EXAMPLES", "SEE ALSO"]
MAN = os.path.join(SRC, "man", "compendium-tui.1")


def read(rel: str) -> str:
    with open(os.path.join(SRC, rel), encoding="utf-8") as fh:
        return fh.read()


def program() -> list[str]:
    comp = shlex.split(os.environ.get("COMPENDIUM") or "./compendium-tui")
    if not comp or not os.access(comp[0], os.X_OK):
        print(f"ERROR: compendium-tui not found at {comp[:1]} (set COMPENDIUM)")
        sys.exit(99)
    return comp


def option_table() -> tuple[set[str], set[str]]:
    """Long option names and short option letters of src/main.c."""
    main = read("src/main.c")
    table = main[main.index("struct option longopts[]"):]
    table = table[:table.index("};")]
    longs = set(re.findall(r'\{\s*"([a-z][a-z0-9-]*)"', table))
    m = re.search(r'getopt_long\([^"]*"\+?:?([^"]*)"', main)
    shorts = set(re.sub(r"[^A-Za-z]", "", m.group(1))) if m else set()
    return longs, shorts


def help_items(comp: list[str]) -> dict[str, str]:
    """--help's items by long name: "--pid" -> "-p, --pid PID"."""
    out = subprocess.run([*comp, "--help"], capture_output=True, text=True, timeout=10).stdout
    items = {}
    for line in out.splitlines():
        if re.match(r" {2,6}-", line):
            tag = re.split(r"\s{2,}", line.strip())[0]
            m = re.search(r"--([a-z][a-z0-9-]*)", tag)
            if m:
                items[m.group(1)] = tag
    return items


def rendered(groff: str) -> str:
    """The man page as plain text, lines wide enough that no tag wraps."""
    r = subprocess.run([groff, "-man", "-Tutf8", "-P-cbou", "-rLL=250n", MAN],
                       capture_output=True, text=True, timeout=30)
    return r.stdout.replace("\u2010", "-").replace("\u2212", "-")


def sections(text: str) -> dict[str, list[str]]:
    """Rendered man page: section name -> its lines."""
    out, cur = {}, None
    for line in text.splitlines():
        if re.match(r"^[A-Z]", line):
            cur = line.strip()
            out[cur] = []
        elif cur:
            out[cur].append(line)
    return out


def man_option_items(lines: list[str]) -> dict[str, str]:
    """OPTIONS items by long name: the whole line that starts each item."""
    items = {}
    for line in lines:
        if re.match(r"^ {7}-", line):
            m = re.search(r"--([a-z][a-z0-9-]*)", line)
            if m:
                items[m.group(1)] = line.strip()
    return items


def check_readme(problems: list[str]) -> None:
    text = read("README")
    n = len(text.splitlines())
    if n > README_MAX:
        problems.append(f"README has {n} lines, more than {README_MAX}: move reference to the "
                        "man page and measurements to doc/")
    first = [ln for ln in text.splitlines() if "apt-get install" in ln and "./configure" in ln]
    if not first or "./compendium-tui" not in first[0]:
        problems.append("README: the first command (install, build, run ./compendium-tui) is missing")
    elif os.path.exists(os.path.join(SRC, ".ci", "run")):   # a checkout, not a tarball
        ci = read(".ci/run")
        deps = set(re.search(r'deps="([^"]*)"', ci, re.S).group(1).replace("\\\n", " ").split())
        pkgs = re.search(r"apt-get install -y ([^&]*)&&", first[0]).group(1).split()
        missing = [p for p in pkgs if p not in deps]
        if missing:
            problems.append(f"README's first command installs {missing}, which .ci/run does not")
    if not re.search(r"^\s+bash \.ci/run\s*$", text, re.M):
        problems.append("README: the second command (bash .ci/run) is missing")


def check_options(comp: list[str], man: dict[str, list[str]], problems: list[str]) -> None:
    longs, shorts = option_table()
    helps = help_items(comp)
    items = man_option_items(man.get("OPTIONS", []))
    for name in sorted(longs):
        h, m = helps.get(name), items.get(name)
        if h is None:
            problems.append(f"--{name} is in the option table but not in --help (src/main.c usage_text)")
        if m is None:
            problems.append(f"--{name} is in the option table but not an item of the man page's OPTIONS")
        if h and m and h != m:
            problems.append(f"--{name}: --help says '{h}', the man page's item says '{m}' "
                            "(the same words; the description on the next line: .br after a short tag)")
    for name in sorted((set(helps) | set(items)) - longs):
        problems.append(f"--{name} is in --help or the man page's OPTIONS but the program does not take it")
    for letter in sorted(shorts):
        tags = [t for t in helps.values() if t.startswith(f"-{letter},")]
        if not tags:
            problems.append(f"-{letter} is taken by getopt but no --help item starts with it")
        elif not any(v == tags[0] for v in items.values()):
            problems.append(f"-{letter}: the man page has no item '{tags[0]}'")


def other_options() -> set[str]:
    """--options of the bench scripts and of configure, which the docs may name."""
    names = set()
    for py in glob.glob(os.path.join(SRC, "bench", "*.py")):
        with open(py, encoding="utf-8") as fh:
            names |= set(re.findall(r'add_argument\(\s*"--([a-z][a-z0-9-]*)"', fh.read()))
    for m in re.findall(r"AC_ARG_(ENABLE|WITH)\(\[([a-z0-9-]+)\]", read("configure.ac")):
        names |= {f"enable-{m[1]}", f"disable-{m[1]}"} if m[0] == "ENABLE" else {f"with-{m[1]}"}
    return names


def check_mentions(text_man: str, problems: list[str]) -> None:
    longs, _ = option_table()
    allowed = longs | other_options()
    docs = {"man/compendium-tui.1": text_man, "README": read("README")}
    for path in sorted(glob.glob(os.path.join(SRC, "doc", "*.md"))):
        with open(path, encoding="utf-8") as fh:
            docs[os.path.relpath(path, SRC)] = fh.read()
    for name, text in docs.items():
        pool = longs if name.startswith("man/") else allowed
        for opt in sorted(set(re.findall(r"(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)", text))):
            if opt not in pool:
                problems.append(f"{name} mentions --{opt}, which compendium-tui does not take")


def exit_codes() -> set[str]:
    """Every status src/main.c can exit with, as the man page writes them."""
    main = read("src/main.c")
    codes = set(re.findall(r"\bdie\(\s*(\d+)\s*,", main))
    codes |= set(re.findall(r"\bexit\(\s*(\d+)\s*\)", main))
    for line in re.findall(r"\bdie\(([^;]*)", main):
        for pair in re.findall(r"^[^,]*\?\s*(\d+)\s*:\s*(\d+)\s*,", line):
            codes |= set(pair)
    codes |= set(re.findall(r"#define EXIT_\w+\s+(\d+)", main))
    if "128 + WTERMSIG" in main:
        codes.add("128+N")
    codes.add("141")   # SIGPIPE: 128+13, as a shell shows it
    return codes


def check_sections(man_src: str, man: dict[str, list[str]], problems: list[str]) -> None:
    heads = re.findall(r"^\.SH\s+\"?([^\"\n]+)\"?\s*$", man_src, re.M)
    for sec in SECTIONS:
        if sec not in heads:
            problems.append(f"man page: no {sec} section")
    status = {ln.strip() for ln in man.get("EXIT STATUS", []) if re.match(r"^ {7}\S", ln)}
    status = {re.split(r"\s{2,}", s)[0] for s in status}
    for code in sorted(exit_codes()):
        if code not in status:
            problems.append(f"man page: EXIT STATUS has no item for {code}, which src/main.c exits with")
    env = "\n".join(man.get("ENVIRONMENT", []))
    names = {"NO_COLOR", "TERM"}
    for path in glob.glob(os.path.join(SRC, "src", "*.c")) + glob.glob(os.path.join(SRC, "ui", "*.c")):
        with open(path, encoding="utf-8", errors="replace") as fh:
            names |= set(re.findall(r'getenv\("([A-Z_][A-Z0-9_]*)"\)', fh.read()))
    for name in sorted(names):
        if not re.search(rf"\b{name}\b", env):
            problems.append(f"man page: ENVIRONMENT does not describe {name}")


def check_render(groff: str, problems: list[str]) -> None:
    r = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", MAN],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0 or r.stdout or r.stderr:
        problems.append(f"groff -man -Tutf8 -ww -z man/compendium-tui.1 is not silent:\n"
                        f"{r.stdout}{r.stderr}")
    mandoc = shutil.which("mandoc")
    if mandoc:
        r = subprocess.run([mandoc, "-Tlint", "-W", "warning", MAN],
                           capture_output=True, text=True, timeout=30)
        if r.stdout or r.stderr:
            problems.append(f"mandoc -Tlint -W warning man/compendium-tui.1:\n{r.stdout}{r.stderr}")


def makefile_vars() -> dict[str, list[str]]:
    """Makefile.am's variables (= and +=, any condition), $(VAR) expanded."""
    am = read("Makefile.am").replace("\\\n", " ")
    raw: dict[str, list[str]] = {}
    for m in re.finditer(r"^([A-Za-z_][A-Za-z0-9_]*)\s*\+?=(.*)$", am, re.M):
        raw.setdefault(m.group(1), []).extend(m.group(2).split())

    def expand(words: list[str], depth: int = 0) -> list[str]:
        out = []
        for w in words:
            m = re.fullmatch(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", w)
            out += expand(raw.get(m.group(1), []), depth + 1) if m and depth < 10 else [w]
        return out
    return {k: expand(v) for k, v in raw.items()}


def check_dist(man_src: str, problems: list[str]) -> None:
    dist = set(makefile_vars().get("EXTRA_DIST", []))
    for path in sorted(glob.glob(os.path.join(SRC, "doc", "*"))):
        rel = os.path.relpath(path, SRC)
        if rel not in dist:
            problems.append(f"{rel} is not in EXTRA_DIST (Makefile.am): make dist would leave it out")
    named = set(re.findall(r"\bdoc/[\w.-]+\.md\b", read("README")))
    named |= set(re.findall(r"\bdoc/[\w.\\-]+\.md\b", man_src.replace("\\-", "-")))
    for rel in sorted(named):
        if not os.path.exists(os.path.join(SRC, rel)):
            problems.append(f"README or the man page names {rel}, which does not exist")


def main() -> int:
    comp = program()
    problems: list[str] = []
    groff = shutil.which("groff")
    man_src = read("man/compendium-tui.1")
    check_readme(problems)
    check_dist(man_src, problems)
    if groff:
        text = rendered(groff)
        man = sections(text)
        check_options(comp, man, problems)
        check_mentions(text, problems)
        check_sections(man_src, man, problems)
        check_render(groff, problems)
    for p in problems:
        print(f"FAIL: {p}")
    if problems:
        return 1
    if not groff:
        print("SKIP: groff not found (apt-get install groff-base): the man page was not "
              "checked; README and EXTRA_DIST were")
        return 77
    print("PASS: README, man page and doc/ agree with the program")
    return 0


if __name__ == "__main__":
    sys.exit(main())
