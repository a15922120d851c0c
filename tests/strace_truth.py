#!/usr/bin/env python3
"""Ground truth for compendium-tui's --json summary, derived from strace.

Runs a command under

    strace -f -q -y -yy -xx -s 65536 -e trace=<SYSCALLS> -o TRACEFILE -- cmd...

and rebuilds the summary object that `compendium-tui --json` writes as its
last line (same key names), from the trace alone (plus a stat() of the paths
seen, to tell regular files from directories and FIFOs).

Why these flags (all verified against strace 6.1):
  -f         follow fork/vfork/clone; every line is prefixed by the tid.
  -q         suppress attach/detach chatter.  NOT -qq: that also suppresses
             the "+++ exited with N +++" lines we need.
  (no -e signal=none)  it suppresses "+++ killed by SIGxxx +++" as well as
             the "--- SIGxxx ---" lines, losing deaths by signal.  We keep
             signal lines and skip them while parsing.
  -y -yy     decorate every fd: 3</path>, 0</dev/null<char 1:3>>,
             3<pipe:[123]>, 3<TCP:[127.0.0.1:1->127.0.0.1:2]>,
             3<TCPv6:[[::1]:1->[::1]:2]>, 3<UDP:[...]>, 3<UNIX-STREAM:[1->2]>.
  -xx        print every string in \\xHH form.  This also applies to paths and
             pipe names inside <...> (socket decorations stay plain), so a
             file name can never contain a raw quote, '<', '>' or newline
             and the line stays trivially tokenizable.
  -s 65536   strings (execve argv!) are truncated at -s bytes; truncation
             is detected (trailing "...") and reported as a warning.
  -e trace=  only the syscalls we account for (the output of a full trace
             is much larger and full of structures we do not need).

Pitfalls found with strace 6.1 (all handled below):
  * -yy caches a socket's description per inode the first time it prints
    it.  A socket first printed while only bound (bind() then connect();
    connect()'s fd is printed on entry) shows "TCP:[127.0.0.1:4000]" for
    the rest of its life, never "...->peer".  Connections are tracked by
    the decoration texts seen for their socket, not by parsing addresses
    from each line (see TruthBuilder._find_conn).
  * connect()'s own decoration is printed before the connection exists
    ("TCP:[12345]", an inode); the local address comes from a later line
    on the same fd, or from the cached bound address.
  * A child's lines (even its execve) can precede the parent's
    "<... clone resumed> = PID" line; a pre-pass collects clone results.
  * Threads: clone3 with CLONE_THREAD (glibc pthread_create); ppid of a
    process forked by a non-leader thread is the thread group id.
  * Regular file vs directory/FIFO is not visible in <...>: decided by
    stat() of the path after the run (trace hints for vanished paths).
    /proc files are S_IFREG and therefore count as files (cp reads
    /proc/filesystems).
  * execve paths may be relative: resolved against the process's cwd, which
    is tracked through chdir/fchdir and every AT_FDCWD</cwd> decoration.
  * sendmmsg/recvmmsg return a message count; bytes are the msg_len fields.
  * A path longer than a page: the kernel's readlink of /proc/PID/fd/N
    fails (ENAMETOOLONG), so strace prints such an fd (and a deep cwd's
    AT_FDCWD) bare, with no <...>.  Such an fd is named here from its
    open's own arguments: the path given, joined to the cwd tracked through
    chdir or to the dirfd's own name (see TruthBuilder.name_unnamed).
  * "<... read resumed> <unfinished ...>) = ?" (died inside the call),
    "= ? ERESTARTSYS" and "--- SIGxxx ---" lines carry no bytes.

Usage:
  python3 tests/strace_truth.py [-o OUT.json] [--trace FILE] -- cmd args...
  python3 tests/strace_truth.py --parse TRACEFILE --cwd DIR [-- cmd args...]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

# --------------------------------------------------------------------------
# strace invocation

TRACED_SYSCALLS = (
    # processes
    "execve", "execveat", "fork", "vfork", "clone", "clone3", "exit", "exit_group",
    "chdir", "fchdir",
    # opens
    "open", "openat", "openat2", "creat",
    # byte movers
    "read", "pread64", "readv", "preadv", "preadv2",
    "write", "pwrite64", "writev", "pwritev", "pwritev2",
    "sendfile", "copy_file_range", "splice", "tee",
    "sendto", "sendmsg", "sendmmsg", "recvfrom", "recvmsg", "recvmmsg",
    # connections
    "connect", "accept", "accept4", "close",
    # names deleted and renamed
    "unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2",
    # file type hints (only used for paths that no longer exist at the end)
    "fstat", "newfstatat", "statx", "getdents64",
    # memory (informational only, never compared)
    "brk", "mmap", "munmap",
)

STRACE_FLAGS = ["-f", "-q", "-y", "-yy", "-xx", "-s", "65536",
                "-e", "trace=" + ",".join(TRACED_SYSCALLS)]


def strace_binary() -> str | None:
    env = os.environ.get("STRACE")
    if env:
        return env if os.path.exists(env) or shutil.which(env) else None
    return shutil.which("strace")


def strace_usable() -> tuple[bool, str]:
    """(True, "") if strace exists and may ptrace; else (False, reason)."""
    exe = strace_binary()
    if not exe:
        return False, "strace not found (set STRACE or install strace)"
    true = shutil.which("true") or "/bin/true"
    try:
        proc = subprocess.run([exe, "-f", "-q", "-o", os.devnull, "--", true],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"cannot run {exe}: {exc}"
    if proc.returncode != 0:
        msg = proc.stderr.decode(errors="replace").strip()
        if "not permitted" in msg or "ptrace" in msg.lower():
            return False, f"strace cannot trace here (ptrace not permitted): {msg}"
        raise RuntimeError(f"{exe} fails on {true}: {msg or 'exit %d' % proc.returncode}")
    return True, ""


# --------------------------------------------------------------------------
# low-level text decoding

_SIMPLE_ESCAPES = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, "a": 7, "b": 8,
                   "\\": 92, '"': 34, "'": 39, "?": 63, "e": 27}


def c_unescape(text: str) -> bytes:
    """Decode strace's C-style escapes (\\xHH, \\NNN, \\n, \\", ...) to bytes."""
    out = bytearray()
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "\\" or i + 1 >= n:
            out += ch.encode("utf-8", "surrogateescape")
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "x":
            j = i + 2
            while j < n and j < i + 4 and text[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(int(text[i + 2:j], 16))
            i = j
        elif nxt in "01234567":
            j = i + 1
            while j < n and j < i + 4 and text[j] in "01234567":
                j += 1
            out.append(int(text[i + 1:j], 8) & 0xFF)
            i = j
        else:
            out.append(_SIMPLE_ESCAPES.get(nxt, ord(nxt)))
            i += 2
    return bytes(out)


def fs_str(raw: bytes) -> str:
    """Bytes of a path/argv string -> str (undecodable bytes as surrogates)."""
    return os.fsdecode(raw)


def parse_quoted(tok: str) -> tuple[bytes, bool] | None:
    """'"\\x41..."...' -> (b'A..', truncated).  None if tok is not a string."""
    tok = tok.strip()
    if not tok.startswith('"'):
        return None
    i, n = 1, len(tok)
    while i < n:
        if tok[i] == "\\":
            i += 2
            continue
        if tok[i] == '"':
            break
        i += 1
    body = tok[1:i]
    rest = tok[i + 1:]
    return c_unescape(body), rest.startswith("...")


# --------------------------------------------------------------------------
# syscall line tokenizer

_OPENERS = {"(": ")", "[": "]", "{": "}"}


def _skip_string(s: str, i: int) -> int:
    """s[i] == '"'; return index just past the closing quote."""
    i += 1
    n = len(s)
    while i < n:
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == '"':
            return i + 1
        i += 1
    return n


def _skip_decoration(s: str, i: int) -> int:
    """s[i] == '<' opening an fd decoration; return index past its '>'.

    Decorations nest (</dev/null<char 1:3>>) and socket ones contain '->'
    inside [...] (TCP:[a:1->b:2], UNIX-STREAM:[1->2])."""
    depth_angle = 0
    depth_square = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == '"':
            i = _skip_string(s, i)
            continue
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            depth_square += 1
        elif ch == "]":
            depth_square = max(0, depth_square - 1)
        elif ch == "<" and depth_square == 0:
            depth_angle += 1
        elif ch == ">" and depth_square == 0:
            depth_angle -= 1
            if depth_angle == 0:
                return i + 1
        i += 1
    return n


def split_args(s: str, start: int) -> tuple[list[str], int]:
    """Split the argument list that starts at s[start] (just after '(').

    Returns (top-level argument strings, index of the closing ')')."""
    args: list[str] = []
    stack: list[str] = []
    i = start
    tok_start = start
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == '"':
            i = _skip_string(s, i)
            continue
        if ch == "<" and i > 0 and (s[i - 1].isalnum() or s[i - 1] == "_"):
            i = _skip_decoration(s, i)
            continue
        if ch == "/" and s.startswith("/*", i):
            end = s.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch in ")]}":
            if not stack:
                if ch == ")":
                    last = s[tok_start:i].strip()
                    if last or args:
                        args.append(last)
                    return args, i
            else:
                stack.pop()
        elif ch == "," and not stack:
            args.append(s[tok_start:i].strip())
            tok_start = i + 1
        i += 1
    last = s[tok_start:].strip()
    if last:
        args.append(last)
    return args, n


# --------------------------------------------------------------------------
# fd decorations

# A path argument strace printed as an address: the program's memory could
# not be read there.
UNREADABLE = "<unreadable>"


@dataclass(frozen=True)
class Fd:
    num: int | None          # None for AT_FDCWD
    kind: str                # path | device | pipe | inet | unix | socket | other
    path: str | None = None  # for path/device
    proto: str | None = None  # tcp4/tcp6/udp4/udp6 for inet
    local: str | None = None
    remote: str | None = None
    text: str = ""           # decoded decoration, for messages


# (a file no longer in its directory: "3</memfd:x>(deleted)", which
# /proc/PID/fd names "/memfd:x (deleted)")
_FD_RE = re.compile(r"^(-?\d+|AT_FDCWD)<(.*)>(\(deleted\))?$", re.S)
_INET_PROTOS = {"TCP": "tcp4", "TCPv6": "tcp6", "UDP": "udp4", "UDPv6": "udp6"}


def _norm_endpoint(ep: str) -> str:
    """'127.0.0.1:80' / '[::1]:80' -> canonical text (v6 compressed)."""
    ep = ep.strip()
    if ep.startswith("["):
        close = ep.find("]")
        host, port = ep[1:close], ep[close + 2:]
        try:
            a = ipaddress.IPv6Address(host.split("%")[0])
            # (an IPv4-mapped address as inet_ntop writes it, and strace:
            # Python before 3.13 writes ::ffff:7f00:1)
            host = f"::ffff:{a.ipv4_mapped}" if a.ipv4_mapped else a.compressed
        except ValueError:
            pass
        return f"[{host}]:{port}"
    host, _, port = ep.rpartition(":")
    return f"{host}:{port}"


def parse_decoration(inner: str) -> tuple[str, str]:
    """Return (decoded main text, raw suffix such as '<char 1:3>')."""
    if inner.startswith("\\x"):
        m = re.match(r"(?:\\x[0-9a-fA-F]{2})+", inner)
        assert m
        return fs_str(c_unescape(m.group(0))), inner[m.end():]
    if inner.startswith("/"):
        # without -xx: the path is C-escaped ('<' would be \74), so a raw
        # '<' starts the device suffix.
        cut = inner.find("<")
        main, suffix = (inner, "") if cut < 0 else (inner[:cut], inner[cut:])
        return fs_str(c_unescape(main)), suffix
    return inner, ""


def parse_fd(tok: str) -> Fd | None:
    m = _FD_RE.match(tok.strip())
    if not m:
        return None
    num = None if m.group(1) == "AT_FDCWD" else int(m.group(1))
    main, suffix = parse_decoration(m.group(2))
    if m.group(3):
        main += " (deleted)"
    if main.startswith("/"):
        if suffix.startswith("<char") or suffix.startswith("<block"):
            return Fd(num, "device", path=main, text=main + suffix)
        return Fd(num, "path", path=main, text=main)
    if main.startswith("pipe:"):
        return Fd(num, "pipe", text=main)
    proto_name, sep, rest = main.partition(":")
    if sep and proto_name in _INET_PROTOS and rest.startswith("[") and rest.endswith("]"):
        body = rest[1:-1]
        local = remote = None
        if "->" in body:
            l, r = body.split("->", 1)
            local, remote = _norm_endpoint(l), _norm_endpoint(r)
        elif ":" in body:
            local = _norm_endpoint(body)
        return Fd(num, "inet", proto=_INET_PROTOS[proto_name], local=local,
                  remote=remote, text=main)
    if proto_name.startswith("UNIX"):
        return Fd(num, "unix", text=main)
    if main.startswith("socket:"):
        return Fd(num, "socket", text=main)
    return Fd(num, "other", text=main)


# --------------------------------------------------------------------------
# return values


@dataclass
class Ret:
    text: str
    value: int | None = None     # None for "?" or unparsable
    error: str | None = None     # errno name when value == -1
    fd: Fd | None = None         # decorated returned fd (open/accept)

    @property
    def ok(self) -> bool:
        return self.value is not None and self.value >= 0 and self.error is None


def parse_ret(rest: str) -> Ret | None:
    rest = rest.strip()
    if not rest.startswith("="):
        return None
    text = rest[1:].strip()
    r = Ret(text)
    if text.startswith("?"):
        return r
    # hex first: "0x55d1..." must not match as the integer 0
    m = re.match(r"(0x[0-9a-fA-F]+|-?\d+)(<.*>(?:\(deleted\))?)?(?:\s+([A-Z][A-Z0-9_]*))?",
                 text)
    if not m:
        return r
    r.value = int(m.group(1), 0)
    if m.group(2):
        r.fd = parse_fd(m.group(1) + m.group(2))
    if r.value == -1 and m.group(3):
        r.error = m.group(3)
    return r


# --------------------------------------------------------------------------
# trace file -> syscall records


@dataclass
class Syscall:
    seq: int
    tid: int
    name: str
    args: list[str]
    ret: Ret | None
    line: str


@dataclass
class ExitNote:
    seq: int
    tid: int
    code: int | None
    signame: str | None


_LINE_RE = re.compile(r"^(\d+)\s+(.*)$", re.S)
_RESUMED_RE = re.compile(r"^<\.\.\. ([A-Za-z0-9_?]+) resumed>(.*)$", re.S)
_UNFINISHED = " <unfinished ...>"
_PID_CHANGED_RE = re.compile(r" <pid changed to \d+ \.\.\.>$")


class TraceParseResult:
    def __init__(self) -> None:
        self.records: list[Syscall | ExitNote] = []
        self.warnings: list[str] = []
        # old tid of a thread that exec'd -> the leader pid it took over
        self.superseded: dict[int, int] = {}
        self.first_tid: int | None = None


def parse_trace_lines(lines) -> TraceParseResult:
    res = TraceParseResult()
    pending: dict[int, str] = {}
    seq = 0
    for raw in lines:
        raw = raw.rstrip("\n")
        m = _LINE_RE.match(raw)
        if not m:
            if raw.strip():
                res.warnings.append(f"unrecognized trace line: {raw[:200]}")
            continue
        tid = int(m.group(1))
        body = m.group(2)
        if res.first_tid is None:
            res.first_tid = tid
        if body.startswith("+++ "):
            em = re.match(r"\+\+\+ exited with (\d+) \+\+\+", body)
            km = re.match(r"\+\+\+ killed by (SIG[A-Z0-9+-]+)", body)
            sm = re.match(r"\+\+\+ superseded by execve in pid (\d+) \+\+\+", body)
            if sm:
                # A non-leader thread (pid N) exec'd and took over this
                # leader's pid: its execve, printed "<unfinished ...>" under
                # N, resumes under the leader's pid, and N never reports an
                # exit.  Neither does the leader: this line is not a death.
                old = int(sm.group(1))
                if old in pending:
                    pending[tid] = pending.pop(old)
                else:
                    pending.pop(tid, None)
                res.superseded[old] = tid
                continue
            if em:
                res.records.append(ExitNote(seq, tid, int(em.group(1)), None))
            elif km:
                res.records.append(ExitNote(seq, tid, None, km.group(1)))
            else:
                res.warnings.append(f"unhandled status line: {raw[:200]}")
            seq += 1
            continue
        if body.startswith("--- "):
            continue  # signal delivery / stop notices
        rm = _RESUMED_RE.match(body)
        if rm:
            head = pending.pop(tid, None)
            tail = rm.group(2)
            if tail.startswith(_UNFINISHED) or head is None:
                # died inside the syscall, or the head was never seen
                continue
            body = head + tail
        elif body.endswith(_UNFINISHED):
            pending[tid] = body[: -len(_UNFINISHED)]
            continue
        elif _PID_CHANGED_RE.search(body):
            # a non-leader's execve, printed so when the leader was in no
            # system call: it resumes under the leader's pid, as above
            pending[tid] = _PID_CHANGED_RE.sub("", body)
            continue
        elif body.endswith("<detached ...>"):
            continue
        cm = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)\(", body)
        if not cm:
            res.warnings.append(f"unparsed syscall line: {raw[:200]}")
            continue
        args, close = split_args(body, cm.end())
        ret = parse_ret(body[close + 1:])
        res.records.append(Syscall(seq, tid, cm.group(1), args, ret, body))
        seq += 1
    for tid, head in pending.items():
        res.warnings.append(f"tid {tid}: syscall never finished: {head[:120]}")
    return res


# --------------------------------------------------------------------------
# the model


@dataclass
class Proc:
    pid: int
    ppid: int | None
    exe: str | None = None
    argv: list[str] | None = None
    threads: int = 1
    exit_code: int | None = None
    exit_signal: str | None = None
    execed: bool = False
    cwd: str | None = None

    def exit_obj(self):
        if self.exit_signal:
            return {"code": 128 + signal_number(self.exit_signal), "signal": self.exit_signal}
        if self.exit_code is None:
            return None
        return {"code": self.exit_code, "signal": None}


@dataclass
class Conn:
    proto: str
    role: str
    local: str | None
    remote: str | None
    sent: int = 0
    received: int = 0
    seq: int = 0
    # decoration texts strace used for this socket (see _find_conn)
    keys: set = field(default_factory=set)


@dataclass
class PathStats:
    modes: set = field(default_factory=set)   # access modes from opens
    read: int = 0
    written: int = 0
    hint: str | None = None                    # 'reg', 'dir', 'fifo', ... from the trace


def signal_number(name: str) -> int:
    try:
        return int(getattr(signal, name))
    except AttributeError:
        m = re.match(r"SIGRTMIN\+?(\d*)", name)
        if m:
            return int(signal.SIGRTMIN) + int(m.group(1) or 0)
        raise


def signal_name(num: int) -> str:
    try:
        return signal.Signals(num).name
    except ValueError:
        return f"SIG{num}"


_READ_CALLS = {"read", "pread64", "readv", "preadv", "preadv2", "recvfrom", "recvmsg"}
_WRITE_CALLS = {"write", "pwrite64", "writev", "pwritev", "pwritev2", "sendto", "sendmsg"}
_OPEN_CALLS = {"open": (0, 1), "openat": (1, 2), "openat2": (1, 2), "creat": (0, None)}
_CLONE_CALLS = {"clone", "clone3", "fork", "vfork"}
# deleting and renaming calls: their (dirfd index or None, path index) pairs
_NAME_CALLS = {"unlink": [(None, 0)], "rmdir": [(None, 0)], "unlinkat": [(0, 1)],
               "rename": [(None, 0), (None, 1)], "renameat": [(0, 1), (2, 3)],
               "renameat2": [(0, 1), (2, 3)]}


def _access_mode(flags_tok: str) -> str:
    tok = flags_tok
    m = re.search(r"flags=([^,}]*)", tok)     # openat2's struct open_how
    if m:
        tok = m.group(1)
    names = set(re.split(r"[|\s]+", tok.strip()))
    if "O_RDWR" in names:
        return "rw"
    if "O_WRONLY" in names:
        return "w"
    try:
        acc = int(tok, 0) & 3
        return {0: "r", 1: "w", 2: "rw"}.get(acc, "rw")
    except ValueError:
        return "r"


def _clone_flags(sc: Syscall) -> set[str]:
    if sc.name in ("fork", "vfork"):
        return set()
    text = " ".join(sc.args)
    m = re.search(r"flags=([A-Z0-9_|x]+)", text)
    return set(m.group(1).split("|")) if m else set()


def _sockaddr_endpoint(tok: str) -> str | None:
    port = re.search(r"sin6?_port=htons\((\d+)\)", tok)
    if not port:
        return None
    v4 = re.search(r'inet_addr\(("[^"]*")\)', tok)
    if v4:
        host = parse_quoted(v4.group(1))[0].decode()
        return f"{host}:{port.group(1)}"
    v6 = re.search(r'inet_pton\(AF_INET6,\s*("[^"]*")', tok)
    if v6:
        host = parse_quoted(v6.group(1))[0].decode()
        return _norm_endpoint(f"[{host}]:{port.group(1)}")
    return None


def _is_wildcard(endpoint: str) -> bool:
    host = endpoint.rpartition(":")[0]
    return host in ("0.0.0.0", "[::]")


def _classify_path(path: str, hint: str | None) -> str:
    """'reg', 'dir', 'fifo', 'sock', 'chr', 'blk', 'other' for a path seen in
    a decoration.  The file system at the end of the run is authoritative;
    the trace's own hints are used for paths that are gone by then."""
    try:
        st = os.stat(path)
    except OSError:
        return hint or "reg"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return "reg"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "sock"
    if stat.S_ISCHR(mode):
        return "chr"
    if stat.S_ISBLK(mode):
        return "blk"
    return "other"


_MODE_HINTS = {"REG": "reg", "DIR": "dir", "FIFO": "fifo", "SOCK": "sock",
               "CHR": "chr", "BLK": "blk", "LNK": "other"}


class TruthBuilder:
    def __init__(self, parsed: TraceParseResult, cwd: str, command: list[str],
                 spawner_pid: int | None = None) -> None:
        self.parsed = parsed
        self.warnings = list(parsed.warnings)
        self.command = command
        self.root = parsed.first_tid
        self.spawner_pid = spawner_pid
        self.initial_cwd = os.path.realpath(cwd)
        # pre-pass: who created whom
        self.creator: dict[int, tuple[int, bool, set[str]]] = {}
        for rec in parsed.records:
            if isinstance(rec, Syscall) and rec.name in _CLONE_CALLS and rec.ret and rec.ret.ok \
                    and rec.ret.value:
                flags = _clone_flags(rec)
                self.creator[rec.ret.value] = (rec.tid, "CLONE_THREAD" in flags, flags)
        self._tgid_cache: dict[int, int] = {}
        self.procs: dict[int, Proc] = {}
        self.paths: dict[str, PathStats] = {}
        # (tgid, fd) -> path of an fd strace printed bare (see name_unnamed)
        self.unnamed: dict[tuple[int, int], str] = {}
        self.conns: list[Conn] = []
        self.flows: dict[tuple, Conn] = {}   # (tgid, proto, peer) -> its UDP flow
        # pending connect()s whose local address is not known yet:
        # list of (tgid, fd, Conn)
        self.pending_connects: list[tuple[int, int, Conn]] = []
        # UDP flows of sockets not bound yet ((tgid, fd) -> flows): the
        # first send binds one, and a later call's fd shows the port
        self.pending_flows: dict[tuple[int, int], list[Conn]] = {}
        self.io = {"file_read_bytes": 0, "file_written_bytes": 0,
                   "net_sent_bytes": 0, "net_received_bytes": 0,
                   "ipc_read_bytes": 0, "ipc_written_bytes": 0}
        self.pipe_read = 0
        self.pipe_written = 0
        self.mem = {"heap_bytes": 0, "mmap_bytes": 0, "mmap_regions": 0}
        self.brk_base: dict[int, int] = {}
        self.brk_max: dict[int, int] = {}
        self.events = 0
        # deletes and renames, in trace order (see on_names)
        self.changes: list[dict] = []

    # -- processes -------------------------------------------------------

    def tgid(self, tid: int) -> int:
        if tid in self._tgid_cache:
            return self._tgid_cache[tid]
        seen = set()
        t = tid
        while t in self.creator and self.creator[t][1] and t not in seen:
            seen.add(t)
            t = self.creator[t][0]
        self._tgid_cache[tid] = t
        return t

    def proc(self, tgid: int) -> Proc:
        p = self.procs.get(tgid)
        if p is not None:
            return p
        if tgid in self.creator:
            parent_tgid = self.tgid(self.creator[tgid][0])
            parent = self.proc(parent_tgid)
            p = Proc(tgid, parent_tgid, parent.exe,
                     list(parent.argv) if parent.argv is not None else None,
                     cwd=parent.cwd)
        else:
            if tgid != self.root:
                self.warnings.append(f"pid {tgid} appears without a known creator")
            p = Proc(tgid, self.spawner_pid if tgid == self.root else None,
                     cwd=self.initial_cwd)
        self.procs[tgid] = p
        return p

    def on_clone(self, sc: Syscall) -> None:
        child = sc.ret.value
        parent_tgid = self.tgid(sc.tid)
        parent = self.proc(parent_tgid)
        if self.creator[child][1]:
            parent.threads += 1
            return
        existed = child in self.procs
        cp = self.proc(child)
        if existed and not cp.execed:
            # the child's own lines came first; it inherits the parent's
            # image as of the fork, i.e. as of now.
            cp.exe = parent.exe
            cp.argv = list(parent.argv) if parent.argv is not None else None

    def on_exec(self, sc: Syscall) -> None:
        p = self.proc(self.tgid(sc.tid))
        if sc.name == "execve":
            if len(sc.args) < 2:
                return
            q = parse_quoted(sc.args[0])
            if q is None:
                return
            path = fs_str(q[0])
            base = p.cwd or self.initial_cwd
            argv_tok = sc.args[1]
        else:  # execveat(dirfd, path, argv, envp, flags)
            if len(sc.args) < 3:
                return
            q = parse_quoted(sc.args[1])
            dfd = parse_fd(sc.args[0])
            if q is None:
                return
            path = fs_str(q[0])
            base = dfd.path if dfd and dfd.path else (p.cwd or self.initial_cwd)
            if path == "" and dfd and dfd.path:
                path = dfd.path
            argv_tok = sc.args[2]
        full = path if path.startswith("/") else os.path.join(base, path)
        p.exe = os.path.realpath(full)
        argv = []
        inner = argv_tok.strip()
        if inner.startswith("[") and inner.endswith("]"):
            elems, _ = split_args(inner[1:] + ")", 0)
            for e in elems:
                q = parse_quoted(e)
                if q is None:
                    if e.strip() == "...":
                        self.warnings.append(f"pid {p.pid}: argv array abbreviated by strace")
                    continue
                if q[1]:
                    self.warnings.append(f"pid {p.pid}: argv string truncated by strace -s")
                argv.append(fs_str(q[0]))
        else:
            self.warnings.append(f"pid {p.pid}: cannot parse argv {argv_tok[:80]}")
        p.argv = argv
        p.execed = True

    def on_exit(self, note: ExitNote) -> None:
        tgid = self.tgid(note.tid)
        if tgid != note.tid:
            return  # a non-leader thread ended
        p = self.proc(tgid)
        p.exit_code = note.code
        p.exit_signal = note.signame

    # -- fds ---------------------------------------------------------------

    def _path(self, path: str) -> PathStats:
        st = self.paths.get(path)
        if st is None:
            st = self.paths[path] = PathStats()
        return st

    def observe_fd(self, tid: int, fd: Fd | None) -> None:
        """Every decorated fd teaches us something: the cwd (AT_FDCWD) or a
        connected socket's local address (resolves pending connect()s)."""
        if fd is None:
            return
        if fd.num is None and fd.kind == "path":
            self.proc(self.tgid(tid)).cwd = fd.path
            return
        if fd.kind == "inet" and fd.local and self.pending_flows:
            for conn in self.pending_flows.pop((self.tgid(tid), fd.num), []):
                conn.local = fd.local
        if fd.kind == "inet" and fd.local and fd.remote and self.pending_connects:
            tg = self.tgid(tid)
            lineage = []
            t: int | None = tg
            while t is not None and t not in lineage:
                lineage.append(t)
                t = self.procs[t].ppid if t in self.procs else None
            # The connect's own fd; else, when the socket was moved to another
            # fd before its first decorated use (bash's /dev/tcp dup2s it, and
            # dup2 is not traced), the one pending connect to that peer.
            same = [i for i, (ptg, _, conn) in enumerate(self.pending_connects)
                    if ptg in lineage and conn.proto == fd.proto and conn.remote == fd.remote]
            exact = [i for i in same if self.pending_connects[i][1] == fd.num]
            pick = exact[-1:] or (same if len(same) == 1 else [])
            for i in pick:
                conn = self.pending_connects[i][2]
                if conn.local is None:
                    conn.local = fd.local
                conn.keys.add(fd.text)
                del self.pending_connects[i]

    def move_bytes(self, fd: Fd | None, nbytes: int, direction: str) -> None:
        """direction: 'in' (bytes read from fd) or 'out' (written to fd)."""
        if fd is None or nbytes <= 0:
            return
        if fd.kind == "path":
            path = fd.path
            if path.endswith(" (deleted)") and path[:-10] in self.paths:
                path = path[:-10]   # unlinked since it was opened: its bytes count there
            st = self._path(path)
            if direction == "in":
                st.read += nbytes
            else:
                st.written += nbytes
        elif fd.kind in ("pipe", "unix"):
            if direction == "in":
                self.io["ipc_read_bytes"] += nbytes
            else:
                self.io["ipc_written_bytes"] += nbytes
        elif fd.kind == "inet":
            if direction == "in":
                self.io["net_received_bytes"] += nbytes
            else:
                self.io["net_sent_bytes"] += nbytes
            conn = self._find_conn(fd)
            if conn is not None:
                if direction == "in":
                    conn.received += nbytes
                else:
                    conn.sent += nbytes
        elif fd.kind == "socket":
            self.warnings.append(f"bytes on undecoded socket {fd.text} not attributed")

    def udp_flow(self, sc: Syscall, tg: int, fd: Fd | None, nbytes: int) -> bool:
        """A datagram sent to or received from a peer by address (sendto,
        recvfrom, sendmsg's or recvmsg's msg_name) on a UDP socket not
        connected to that peer: its bytes go to the flow of (process, proto,
        peer); False for anything else."""
        at = {"sendto": 4, "recvfrom": 4, "sendmsg": 1, "recvmsg": 1}.get(sc.name)
        if at is None or fd is None or fd.kind != "inet" or not (fd.proto or "").startswith("udp") \
                or len(sc.args) <= at:
            return False
        arg = sc.args[at]
        if sc.name in ("sendmsg", "recvmsg"):
            m = re.search(r"msg_name=(\{[^}]*\})", arg)
            arg = m.group(1) if m else ""
        peer = _sockaddr_endpoint(arg)
        if peer is None or peer == fd.remote:
            return False
        key = (tg, fd.proto, peer)
        conn = self.flows.get(key)
        if conn is None:
            conn = Conn(fd.proto, "flow", fd.local, peer, seq=sc.seq)
            self.flows[key] = conn
            self.conns.append(conn)
            if fd.local is None:
                self.pending_flows.setdefault((tg, fd.num), []).append(conn)
        out = sc.name.startswith("send")
        self.io["net_sent_bytes" if out else "net_received_bytes"] += max(nbytes, 0)
        if out:
            conn.sent += max(nbytes, 0)
        else:
            conn.received += max(nbytes, 0)
        return True

    def fast_open(self, sc: Syscall, tg: int, fd: Fd | None) -> None:
        """sendto or sendmsg with MSG_FASTOPEN and an address on a TCP socket:
        TCP Fast Open connects as it sends, a connection as connect makes."""
        flags_at, addr_at = (3, 4) if sc.name == "sendto" else (2, 1)
        ret = sc.ret
        if fd is None or fd.kind != "inet" or not (fd.proto or "").startswith("tcp") or \
                len(sc.args) <= max(flags_at, addr_at) or "MSG_FASTOPEN" not in sc.args[flags_at] \
                or ret is None or not (ret.ok or ret.error == "EINPROGRESS"):
            return
        arg = sc.args[addr_at]
        if sc.name == "sendmsg":
            m = re.search(r"msg_name=(\{[^}]*\})", arg)
            arg = m.group(1) if m else ""
        remote = _sockaddr_endpoint(arg)
        if remote is not None:
            conn = Conn(fd.proto, "connect", None, remote, seq=sc.seq, keys={fd.text})
            self.conns.append(conn)
            self.pending_connects.append((tg, fd.num, conn))

    def _find_conn(self, fd: Fd) -> Conn | None:
        """The current connection of the socket behind fd.

        strace -yy caches a socket's description per inode the first time
        it prints it: a socket printed while merely bound (e.g. bind() then
        connect(): connect's own argument is printed on entry) keeps showing
        "UDP:[127.0.0.1:5000]" forever, never "...->peer".  Connections are
        therefore identified by the exact decoration texts seen for their
        socket: the text at connect() time, the text of accept()'s result,
        and the full "local->remote" text once it shows up."""
        for conn in reversed(self.conns):
            if fd.text in conn.keys:
                return conn
        return None

    # -- names -------------------------------------------------------------

    def name_arg(self, sc: Syscall, tg: int, fds: list[Fd | None], dirfd: int | None,
                 idx: int) -> str | None:
        """Path argument idx of sc made absolute as the program meant it:
        joined to the dirfd's name or the cwd, not resolved further."""
        q = parse_quoted(sc.args[idx]) if idx < len(sc.args) else None
        if q is None and idx < len(sc.args) and re.fullmatch(r"0x[0-9a-f]+|NULL",
                                                             sc.args[idx].strip()):
            return UNREADABLE   # strace could not read it either (EFAULT)
        if q is None:
            self.warnings.append(f"{sc.name}: cannot parse path {sc.line[:120]}")
            return None
        path = fs_str(q[0])
        if path.startswith("/"):
            return path
        base = self.proc(tg).cwd or self.initial_cwd
        if dirfd is not None and sc.args[dirfd].strip() != "AT_FDCWD":
            d = fds[dirfd] if dirfd < len(fds) else None
            if d is None or d.kind != "path":
                self.warnings.append(f"{sc.name}: dirfd {sc.args[dirfd]} not known")
                return None
            base = d.path
        return os.path.join(base, path)

    def on_names(self, sc: Syscall, tg: int, fds: list[Fd | None]) -> None:
        """unlink, unlinkat, rmdir: a delete; rename, renameat, renameat2: a
        rename; failed ones too, as compendium-tui's events say them."""
        paths = [self.name_arg(sc, tg, fds, d, i) for d, i in _NAME_CALLS[sc.name]]
        ret = sc.ret
        if ret is None or ret.value is None or None in paths:
            return
        paths = [None if p is UNREADABLE else p for p in paths]   # as compendium-tui says it
        change = {"type": "delete" if len(paths) == 1 else "rename", "path": paths[0]}
        if len(paths) == 2:
            change["new_path"] = paths[1]
        else:
            change["dir"] = sc.name == "rmdir" or (sc.name == "unlinkat" and len(sc.args) > 2
                                                   and "AT_REMOVEDIR" in sc.args[2])
        change["error"] = ret.error
        self.changes.append(change)

    # -- main loop ---------------------------------------------------------

    def build(self) -> dict:
        if self.root is None:
            raise ValueError("empty trace")
        self.proc(self.root)
        for rec in self.parsed.records:
            if isinstance(rec, ExitNote):
                self.on_exit(rec)
                continue
            self.events += 1
            self.handle(rec)
        return self.summary()

    def _bare_fd(self, tg: int, tok: str) -> Fd | None:
        """The fd a bare number names, if it is one strace could not name."""
        tok = tok.strip()
        if not tok.isdigit() or (tg, int(tok)) not in self.unnamed:
            return None
        path = self.unnamed[(tg, int(tok))]
        return Fd(int(tok), "path", path=path, text=path)

    def name_unnamed(self, sc: Syscall, tg: int, fds: list[Fd | None]) -> None:
        """An open whose new fd strace printed bare (its path is longer than
        a page): name it from the path argument, made absolute from the
        cwd (tracked through chdir) or from the dirfd's name."""
        ret = sc.ret
        idx, _ = _OPEN_CALLS[sc.name]
        q = parse_quoted(sc.args[idx]) if idx < len(sc.args) else None
        if ret is None or ret.fd is not None or not ret.ok or ret.value is None or q is None:
            return
        base = self.proc(tg).cwd or self.initial_cwd
        if idx == 1 and sc.args[0].strip() != "AT_FDCWD":
            if not fds or fds[0] is None or fds[0].kind != "path":
                self.warnings.append(f"{sc.name}: dirfd {sc.args[0]} not known")
                return
            base = fds[0].path
        path = os.path.normpath(os.path.join(base, fs_str(q[0])))
        self.unnamed[(tg, ret.value)] = path
        ret.fd = Fd(ret.value, "path", path=path, text=path)

    def handle(self, sc: Syscall) -> None:
        tg = self.tgid(sc.tid)
        fds = [parse_fd(a) for a in sc.args]
        # where a byte mover or openat names its fds, a bare one may be known
        movers = {"sendfile": (0, 1, 2), "copy_file_range": (0, 1, 2), "splice": (0, 1, 2),
                  "tee": (0, 1)}
        for i in movers.get(sc.name, (0,)):
            if i < len(fds) and fds[i] is None:
                fds[i] = self._bare_fd(tg, sc.args[i])
        for fd in fds:
            self.observe_fd(sc.tid, fd)
        ret = sc.ret
        if ret and ret.fd:
            self.observe_fd(sc.tid, ret.fd)
        ok = ret is not None and ret.ok
        name = sc.name
        self.proc(tg)
        if name in _OPEN_CALLS:
            self.name_unnamed(sc, tg, fds)
        elif name == "close" and ok and sc.args and sc.args[0].strip().isdigit():
            self.unnamed.pop((tg, int(sc.args[0].strip())), None)

        if name in _CLONE_CALLS:
            if ok and ret.value:
                self.on_clone(sc)
        elif name in ("execve", "execveat"):
            if ok:
                self.on_exec(sc)
        elif name in _OPEN_CALLS:
            if ok and ret.fd and ret.fd.kind == "path":
                _, flags_idx = _OPEN_CALLS[name]
                if name == "creat":
                    mode = "w"
                else:
                    mode = _access_mode(sc.args[flags_idx]) if flags_idx < len(sc.args) else "r"
                    if "O_DIRECTORY" in sc.args[flags_idx] and not self._path(ret.fd.path).hint:
                        self._path(ret.fd.path).hint = "dir"
                self._path(ret.fd.path).modes.add(mode)
        elif name in _READ_CALLS or name in _WRITE_CALLS:
            if name in ("sendto", "sendmsg") and fds:
                self.fast_open(sc, tg, fds[0])
            if ok and fds and not self.udp_flow(sc, tg, fds[0], ret.value):
                self.move_bytes(fds[0], ret.value, "in" if name in _READ_CALLS else "out")
        elif name in ("sendmmsg", "recvmmsg"):
            if ok and fds and len(sc.args) > 1:
                lens = [int(x) for x in re.findall(r"(?<![a-z_])msg_len=(\d+)", sc.args[1])][: ret.value]
                if len(lens) < ret.value:
                    self.warnings.append(f"{name}: only {len(lens)} msg_len of {ret.value} visible")
                self.move_bytes(fds[0], sum(lens), "in" if name == "recvmmsg" else "out")
        elif name in ("sendfile", "copy_file_range", "splice", "tee"):
            # (tee copies a pipe's bytes without taking them: in and out too)
            if ok and ret.value > 0:
                if name == "sendfile":
                    out_fd, in_fd = fds[0], fds[1]
                elif name == "tee":
                    in_fd, out_fd = fds[0], fds[1]
                else:
                    in_fd, out_fd = fds[0], fds[2]
                self.move_bytes(in_fd, ret.value, "in")
                self.move_bytes(out_fd, ret.value, "out")
        elif name == "connect":
            if fds and fds[0] and fds[0].kind == "inet" and ret is not None and \
                    (ret.ok or ret.error == "EINPROGRESS"):
                remote = _sockaddr_endpoint(sc.args[1]) if len(sc.args) > 1 else None
                if remote is not None:
                    d0 = fds[0]
                    conn = Conn(d0.proto, "connect", None, remote, seq=sc.seq, keys={d0.text})
                    # already bound (or a re-connect): the bound address is the
                    # local address, unless it is the wildcard address.
                    if d0.local and not _is_wildcard(d0.local):
                        conn.local = d0.local
                    self.conns.append(conn)
                    self.pending_connects.append((tg, d0.num, conn))
        elif name in ("accept", "accept4"):
            if ok and ret.fd and ret.fd.kind == "inet":
                if ret.fd.local and ret.fd.remote:
                    self.conns.append(Conn(ret.fd.proto, "accept", ret.fd.local,
                                           ret.fd.remote, seq=sc.seq, keys={ret.fd.text}))
                else:
                    self.warnings.append(f"accept returned undecoded socket {ret.fd.text}")
        elif name == "chdir":
            if ok and sc.args:
                q = parse_quoted(sc.args[0])
                if q is not None:
                    p = self.proc(tg)
                    p.cwd = os.path.normpath(os.path.join(p.cwd or self.initial_cwd,
                                                          fs_str(q[0])))
        elif name == "fchdir":
            if ok and fds and fds[0] and fds[0].kind == "path":
                self.proc(tg).cwd = fds[0].path
        elif name in _NAME_CALLS:
            self.on_names(sc, tg, fds)
        elif name in ("fstat", "newfstatat", "statx"):
            if ok and fds and fds[0] and fds[0].kind == "path" and fds[0].num is not None:
                if name == "fstat" or (len(sc.args) > 1 and sc.args[1] == '""'):
                    m = re.search(r"stx?_mode=S_IF([A-Z]+)", sc.line)
                    if m and m.group(1) in _MODE_HINTS:
                        self._path(fds[0].path).hint = _MODE_HINTS[m.group(1)]
        elif name == "getdents64":
            if fds and fds[0] and fds[0].kind == "path":
                self._path(fds[0].path).hint = "dir"
        elif name == "brk":
            if ret is not None and ret.value:
                self.brk_base.setdefault(tg, ret.value)
                self.brk_max[tg] = max(self.brk_max.get(tg, 0), ret.value)
        elif name == "mmap":
            if ret is not None and ret.value is not None and ret.error is None \
                    and len(sc.args) > 1:
                try:
                    self.mem["mmap_bytes"] += int(sc.args[1], 0)
                    self.mem["mmap_regions"] += 1
                except ValueError:
                    pass

    def summary(self) -> dict:
        root = self.procs.get(self.root)
        files = []
        for path in sorted(self.paths):
            st = self.paths[path]
            kind = _classify_path(path, st.hint)
            if kind == "fifo":
                self.io["ipc_read_bytes"] += st.read
                self.io["ipc_written_bytes"] += st.written
                continue
            if kind != "reg":
                continue
            if not st.modes and not st.read and not st.written:
                continue
            modes = set(st.modes)
            if not modes:        # only used through an inherited fd
                if st.read:
                    modes.add("r")
                if st.written:
                    modes.add("w")
            letters = set("".join(modes))
            opened_for = "rw" if letters >= {"r", "w"} else ("w" if "w" in letters else "r")
            files.append({"path": path, "opened_for": opened_for,
                          "read_bytes": st.read, "written_bytes": st.written})
            self.io["file_read_bytes"] += st.read
            self.io["file_written_bytes"] += st.written
        for tg, top in self.brk_max.items():
            self.mem["heap_bytes"] += max(0, top - self.brk_base.get(tg, top))
        for _, _, conn in self.pending_connects:
            if conn.local is not None:
                continue
            self.warnings.append(f"local address of {conn.proto} connect to {conn.remote} "
                                 "never seen (socket not used after connect)")
        processes = []
        for pid in sorted(self.procs):
            p = self.procs[pid]
            processes.append({"pid": p.pid, "ppid": p.ppid, "exe": p.exe, "argv": p.argv,
                              "threads": p.threads, "exit": p.exit_obj()})
        return {
            "type": "summary",
            "command": list(self.command),
            "exit": root.exit_obj() if root else None,
            "duration_s": None,
            "processes": processes,
            "files": files,
            "connections": [{"proto": c.proto, "local": c.local, "remote": c.remote,
                             "role": c.role, "sent_bytes": c.sent,
                             "received_bytes": c.received} for c in self.conns],
            "io": dict(self.io),
            "memory": dict(self.mem),
            "events": self.events,
            "dropped": 0,
            # not part of compendium-tui's summary: its delete and rename events
            "changes": list(self.changes),
        }


def summarize_trace(text_or_lines, cwd: str, command: list[str],
                    spawner_pid: int | None = None) -> tuple[dict, list[str]]:
    """Parse strace output produced with STRACE_FLAGS. Returns (summary, warnings)."""
    lines = text_or_lines.splitlines() if isinstance(text_or_lines, str) else text_or_lines
    parsed = parse_trace_lines(lines)
    builder = TruthBuilder(parsed, cwd, command, spawner_pid)
    summary = builder.build()
    return summary, builder.warnings


# --------------------------------------------------------------------------
# running


@dataclass
class TruthRun:
    summary: dict
    warnings: list[str]
    returncode: int
    stdout: bytes | None
    stderr: bytes | None
    trace_path: str


def run_truth(command: list[str], cwd: str | None = None, env: dict | None = None,
              stdin=subprocess.DEVNULL, stdout=None, stderr=None,
              trace_path: str | None = None, timeout: float | None = None,
              preexec_fn=None) -> TruthRun:
    """Run command under strace and compute the summary.

    stdin/stdout/stderr and preexec_fn are passed to subprocess (use
    subprocess.PIPE to capture).  The trace is written to trace_path (a temporary file that
    is removed afterwards when not given)."""
    exe = strace_binary()
    if not exe:
        raise RuntimeError("strace not found")
    cwd = os.path.realpath(cwd or os.getcwd())
    own_trace = trace_path is None
    if own_trace:
        fd, trace_path = tempfile.mkstemp(prefix="strace-truth-", suffix=".txt")
        os.close(fd)
    try:
        argv = [exe, *STRACE_FLAGS, "-o", trace_path, "--", *command]
        start = time.monotonic()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=stdin, stdout=stdout,
                                stderr=stderr, start_new_session=True,
                                preexec_fn=preexec_fn)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise
        duration = time.monotonic() - start
        with open(trace_path, "r", encoding="ascii", errors="surrogateescape") as fh:
            summary, warnings = summarize_trace(fh.read(), cwd, command, spawner_pid=proc.pid)
        summary["duration_s"] = round(duration, 3)
        return TruthRun(summary, warnings, proc.returncode, out, err, trace_path)
    finally:
        if own_trace:
            try:
                os.unlink(trace_path)
            except OSError:
                pass


def _hex(text: str) -> str:
    return "".join(f"\\x{b:02x}" for b in text.encode())


def self_test() -> list[str]:
    """Parse a synthetic trace with the awkward bits of strace output
    (split lines, signals between them, cached socket text, -xx paths,
    a syscall interrupted by death).  Needs neither strace nor ptrace.
    Returns the list of problems (empty when everything is right)."""
    h = _hex
    trace = f"""\
100 execve("{h('/bin/sh')}", ["{h('sh')}", "{h('-c')}"], 0x7ffc /* 3 vars */) = 0
100 openat(AT_FDCWD<{h('/tmp')}>, "{h('a')}", O_RDWR|O_CREAT, 0644) = 3<{h('/nonexistent/a>b "c"')}>
100 openat(AT_FDCWD<{h('/tmp')}>, "{h('d')}", O_RDONLY|O_DIRECTORY) = 8<{h('/nonexistent/dir')}>
100 read(8<{h('/nonexistent/dir')}>, "", 10) = 0
100 renameat2(AT_FDCWD<{h('/tmp')}>, "{h('a')}", 8<{h('/nonexistent/dir')}>, "{h('b')}", RENAME_NOREPLACE) = 0
100 unlinkat(8<{h('/nonexistent/dir')}>, "{h('sub')}", AT_REMOVEDIR) = 0
100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>
101 write(3<{h('/nonexistent/a>b "c"')}>, "{h('AB')}", 2 <unfinished ...>
100 <... clone resumed>, child_tidptr=0x7f00) = 101
100 --- SIGCHLD {{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101, si_status=0}} ---
101 <... write resumed>) = 2
101 read(0<{h('/dev/null')}<char 1:3>>, "{h('xyz')}", 10) = 3
101 chdir("{h('/usr')}") = 0
101 unlink("{h('x y')}") = -1 ENOENT (No such file or directory)
101 rename("{h('/abs')}", "{h('rel')}") = 0
101 execve("{h('./bin/true')}", ["{h('true')}", "{h('x y')}"], 0x7ffc /* 3 vars */) = 0
101 +++ exited with 3 +++
100 clone3({{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0, stack=0x7f, stack_size=0x7fff80}} => {{parent_tid=[102]}}, 88) = 102
102 connect(4<UDP:[127.0.0.1:5000]>, {{sa_family=AF_INET, sin_port=htons(6000), sin_addr=inet_addr("{h('127.0.0.1')}")}}, 16) = 0
102 sendmmsg(4<UDP:[127.0.0.1:5000]>, [{{msg_hdr={{msg_name=NULL, msg_iov=[{{iov_base="{h('abc')}", iov_len=3}}]}}, msg_len=3}}, {{msg_hdr={{msg_name=NULL}}, msg_len=4}}], 2, 0) = 2
102 connect(9<TCPv6:[55]>, {{sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "{h('0:0::1')}", &sin6_addr), sin6_scope_id=0}}, 28) = -1 EINPROGRESS (Operation now in progress)
102 sendto(9<TCPv6:[[::1]:4444->[::1]:80]>, "{h('0123456789')}", 10, 0, NULL, 0) = 10
102 write(5<{h('pipe:[12]')}>, "{h('A')}", 1) = 1
102 splice(5<{h('pipe:[12]')}>, NULL, 6<UNIX-STREAM:[1->2]>, NULL, 5, 0) = 5
102 +++ exited with 0 +++
100 accept4(7<TCP:[127.0.0.1:80]>, NULL, NULL, SOCK_CLOEXEC) = 10<TCP:[127.0.0.1:80->127.0.0.1:9]>
100 recvfrom(10<TCP:[127.0.0.1:80->127.0.0.1:9]>, "{h('hello')}", 100, 0, NULL, NULL) = 5
100 read(10<TCP:[127.0.0.1:80->127.0.0.1:9]>,  <unfinished ...>
100 <... read resumed> <unfinished ...>) = ?
100 +++ killed by SIGKILL +++
"""
    summary, warnings = summarize_trace(trace, "/", ["sh", "-c"], spawner_pid=99)
    want_procs = [
        {"pid": 100, "ppid": 99, "exe": os.path.realpath("/bin/sh"), "argv": ["sh", "-c"],
         "threads": 2, "exit": {"code": 137, "signal": "SIGKILL"}},
        {"pid": 101, "ppid": 100, "exe": os.path.realpath("/usr/bin/true"),
         "argv": ["true", "x y"], "threads": 1, "exit": {"code": 3, "signal": None}},
    ]
    want_files = [{"path": '/nonexistent/a>b "c"', "opened_for": "rw", "read_bytes": 0,
                   "written_bytes": 2}]
    want_conns = [
        {"proto": "udp4", "local": "127.0.0.1:5000", "remote": "127.0.0.1:6000",
         "role": "connect", "sent_bytes": 7, "received_bytes": 0},
        {"proto": "tcp6", "local": "[::1]:4444", "remote": "[::1]:80",
         "role": "connect", "sent_bytes": 10, "received_bytes": 0},
        {"proto": "tcp4", "local": "127.0.0.1:80", "remote": "127.0.0.1:9",
         "role": "accept", "sent_bytes": 0, "received_bytes": 5},
    ]
    want_io = {"file_read_bytes": 0, "file_written_bytes": 2, "net_sent_bytes": 17,
               "net_received_bytes": 5, "ipc_read_bytes": 5, "ipc_written_bytes": 6}
    want_changes = [
        {"type": "rename", "path": "/tmp/a", "new_path": "/nonexistent/dir/b", "error": None},
        {"type": "delete", "path": "/nonexistent/dir/sub", "dir": True, "error": None},
        {"type": "delete", "path": "/usr/x y", "dir": False, "error": "ENOENT"},
        {"type": "rename", "path": "/abs", "new_path": "/usr/rel", "error": None},
    ]
    problems = []
    for key, want in (("processes", want_procs), ("files", want_files),
                      ("connections", want_conns), ("io", want_io), ("changes", want_changes),
                      ("exit", {"code": 137, "signal": "SIGKILL"})):
        if summary[key] != want:
            problems.append(f"{key}: got {summary[key]!r}, expected {want!r}")
    if warnings:
        problems.append(f"unexpected warnings: {warnings}")
    return problems + _self_test_superseded()


def _self_test_superseded() -> list[str]:
    """execve from a non-leader thread, as strace 6.1 prints it: "<unfinished
    ...>" while the leader is in a system call, "<pid changed to N ...>"
    when it is in none."""
    h = _hex
    problems = []
    for pause, tail in (("300 read(3<" + h('pipe:[7]') + ">,  <unfinished ...>\n", "<unfinished ...>"),
                        ("", "<pid changed to 300 ...>")):
        trace = f"""\
300 execve("{h('/bin/true')}", ["{h('a')}"], 0x7ffc /* 3 vars */) = 0
300 clone3({{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0}} => {{parent_tid=[301]}}, 88) = 301
300 clone3({{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, exit_signal=0}} => {{parent_tid=[302]}}, 88) = 302
{pause}302 execve("{h('/bin/true')}", ["{h('b')}", "{h('--after')}"], 0x7ffc /* 3 vars */ {tail}
{"300 <... read resumed> <unfinished ...>) = ?" + chr(10) if pause else ""}301 +++ exited with 0 +++
300 +++ superseded by execve in pid 302 +++
300 <... execve resumed>)             = 0
300 write(1<{h('pipe:[9]')}>, "{h('ok')}", 2) = 2
300 +++ exited with 5 +++
"""
        summary, warnings = summarize_trace(trace, "/", ["a"], spawner_pid=299)
        want = [{"pid": 300, "ppid": 299, "exe": os.path.realpath("/bin/true"),
                 "argv": ["b", "--after"], "threads": 3, "exit": {"code": 5, "signal": None}}]
        if summary["processes"] != want:
            problems.append(f"superseded ({tail}): processes {summary['processes']!r}, "
                            f"expected {want!r}")
        if summary["io"]["ipc_written_bytes"] != 2:
            problems.append(f"superseded ({tail}): io {summary['io']!r}")
        if warnings:
            problems.append(f"superseded ({tail}): unexpected warnings: {warnings}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", help="write the JSON summary here (default stdout)")
    ap.add_argument("--trace", help="keep the raw strace output in this file")
    ap.add_argument("--parse", metavar="TRACEFILE",
                    help="do not run anything; summarize an existing trace made with "
                         "the flags printed by --print-flags")
    ap.add_argument("--cwd", help="with --parse: the command's initial working directory")
    ap.add_argument("--print-flags", action="store_true", help="print the strace flags used")
    ap.add_argument("--self-test", action="store_true",
                    help="check the parser on a built-in synthetic trace (no strace needed)")
    ap.add_argument("command", nargs="*")
    args = ap.parse_args(argv)

    if args.self_test:
        problems = self_test()
        for p in problems:
            print(f"self-test: {p}")
        print("self-test: " + ("FAILED" if problems else "OK"))
        return 1 if problems else 0
    if args.print_flags:
        print(" ".join(["strace", *STRACE_FLAGS, "-o", "TRACEFILE", "--", "cmd..."]))
        return 0
    if args.parse:
        with open(args.parse, encoding="ascii", errors="surrogateescape") as fh:
            summary, warnings = summarize_trace(fh.read(), args.cwd or os.getcwd(),
                                                args.command)
        rc = 0
    else:
        if not args.command:
            ap.error("no command given")
        ok, why = strace_usable()
        if not ok:
            print(f"strace_truth: {why}", file=sys.stderr)
            return 77
        run = run_truth(args.command, stdin=None, trace_path=args.trace)
        summary, warnings = run.summary, run.warnings
        rc = 0
    for w in warnings:
        print(f"strace_truth: warning: {w}", file=sys.stderr)
    text = json.dumps(summary, indent=1, ensure_ascii=False)
    if args.output:
        with open(args.output, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")
    return rc


if __name__ == "__main__":
    sys.exit(main())
