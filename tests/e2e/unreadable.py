"""Path and address arguments the kernel cannot read (EFAULT): open, unlink,
rename and connect given addresses outside the program's memory, and a path
that runs off the end of its mapping before its NUL.

Each of those calls fails with EFAULT.  compendium-tui must mark each event
unreadable (its path or remote null, "unreadable": true), never show what it
half read, and count them in one note of the summary; an empty path ("")
is no such thing: it is shown as given.
"""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* unreadable: see tests/e2e/unreadable.py; exits 0, prints "ok". */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tracee.h"

int main(void)
{
    char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *gone, *edge;
    int s;

    if (two == MAP_FAILED)
        die("mmap");
    gone = two + 4096;
    edge = gone - 3;
    memcpy(edge, "abc", 3);              /* no NUL before the page ends */
    if (munmap(gone, 4096) != 0)
        die("munmap");
    if (open(gone, O_RDONLY) != -1 || open((const char *)1, O_RDONLY) != -1 ||
        open(edge, O_RDONLY) != -1 || unlink(gone) != -1)
        die("a call on an unreadable path worked");
    if (open("", O_RDONLY) != -1)
        die("open(\"\") worked");
    if (close(open("x", O_WRONLY | O_CREAT, 0644)) != 0 || rename("x", gone) != -1)
        die("rename to an unreadable path worked");
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (const struct sockaddr *)gone, sizeof(struct sockaddr_in)) != -1)
        die("connect to an unreadable address worked");
    puts("ok");
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)


def check_got(s, ctx, res, events):
    """The six unreadable arguments are marked and counted; "" is shown."""
    probs = []
    pid = next((e["pid"] for e in events if e.get("type") == "exec"), None)
    mine = [e for e in events if e.get("pid") == pid and e.get("error")]
    got = [(e["type"], e.get("path"), e.get("new_path"), e.get("remote"), e["error"],
            e.get("unreadable", False)) for e in mine
           if e["type"] in ("open", "delete", "rename", "connect")]
    want = [("open", None, None, None, "EFAULT", True)] * 3 + [
        ("delete", None, None, None, "EFAULT", True),
        ("open", "", None, None, "ENOENT", False),
        ("rename", ctx.w("x"), None, None, "EFAULT", True),
        ("connect", None, None, None, "EFAULT", True)]
    if got != want:
        probs.append(f"the failed calls {got}, expected {want}")
    notes = [n for n in s.get("notes", []) if "could not be read" in n]
    if len(notes) != 1 or not notes[0].startswith("6 path or address arguments "):
        probs.append(f"notes {s.get('notes')}: want one saying 6 arguments could not be read")
    return probs
