"""Calls that make or use fds in less common ways, each file's and pipe's
bytes against strace: memfd_create (written, pread), openat2, pwritev2
(two buffers, RWF_DSYNC), an O_TMPFILE file linked in with linkat and
written before and after (named as /proc names it, "#INODE (deleted)"),
eventfd, timerfd, signalfd and inotify reads, fcntl(F_DUPFD_CLOEXEC), dup3
and close_range, UDP sendmmsg and recvmmsg, pidfd_getfd of a child's fd
(written through), process_vm_readv, copy_file_range, splice into and out
of a pipe, and tee from one pipe into another (its bytes read from the one
and written to the other, as splice's are)."""
from e2elib import Invocation, want_exit

PROGRAM = r'''
/* oddcalls: see the docstring. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include "tracee.h"

int main(void)
{
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    /* memfd */
    int m = memfd_create("mymem", 0);
    if (write(m, buf, 1000) != 1000) die("memfd write");
    if (pread(m, buf, 300, 10) != 300) die("memfd pread");
    /* openat2 */
    struct open_how how = { .flags = O_WRONLY | O_CREAT | O_TRUNC, .mode = 0644, .resolve = RESOLVE_NO_SYMLINKS };
    int o = syscall(SYS_openat2, AT_FDCWD, "o2.txt", &how, sizeof how);
    if (o < 0) die("openat2");
    struct iovec iov[2] = { { buf, 100 }, { buf, 23 } };
    if (pwritev2(o, iov, 2, 0, RWF_DSYNC) != 123) die("pwritev2");
    /* O_TMPFILE + linkat */
    int t = open(".", O_TMPFILE | O_RDWR, 0600);
    if (t < 0) die("tmpfile");
    if (write(t, buf, 77) != 77) die("tmp write");
    char p[64]; snprintf(p, sizeof p, "/proc/self/fd/%d", t);
    if (linkat(AT_FDCWD, p, AT_FDCWD, "linked.txt", AT_SYMLINK_FOLLOW)) die("linkat");
    if (write(t, buf, 3) != 3) die("tmp write2");
    /* eventfd, timerfd, signalfd, inotify */
    int e = eventfd(0, 0); uint64_t v = 5;
    if (write(e, &v, 8) != 8 || read(e, &v, 8) != 8) die("eventfd");
    int tf = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = { .it_value = { 0, 1000000 } };
    timerfd_settime(tf, 0, &its, NULL);
    if (read(tf, &v, 8) != 8) die("timerfd");
    sigset_t ss; sigemptyset(&ss); sigaddset(&ss, SIGUSR1);
    sigprocmask(SIG_BLOCK, &ss, NULL);
    int sf = signalfd(-1, &ss, 0);
    kill(getpid(), SIGUSR1);
    struct signalfd_siginfo si;
    if (read(sf, &si, sizeof si) != sizeof si) die("signalfd");
    int in = inotify_init1(0);
    inotify_add_watch(in, ".", IN_CREATE);
    close(open("trig", O_CREAT | O_WRONLY, 0644));
    if (read(in, buf, sizeof buf) <= 0) die("inotify");
    /* close_range, dup3, F_DUPFD_CLOEXEC */
    int d = fcntl(o, F_DUPFD_CLOEXEC, 50);
    if (write(d, buf, 11) != 11) die("dup write");
    int d3 = dup3(d, 60, O_CLOEXEC);
    if (write(d3, buf, 13) != 13) die("dup3 write");
    syscall(SYS_close_range, 50, 70, 0);
    /* UDP sendmmsg/recvmmsg */
    int u = socket(AF_INET, SOCK_DGRAM, 0), r = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t al = sizeof a;
    if (bind(r, (void *)&a, sizeof a)) die("bind");
    getsockname(r, (void *)&a, &al);
    struct mmsghdr mm[3]; struct iovec mi[3];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) {
        mi[i].iov_base = buf; mi[i].iov_len = 10 * (i + 1);
        mm[i].msg_hdr.msg_iov = &mi[i]; mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &a; mm[i].msg_hdr.msg_namelen = sizeof a;
    }
    if (sendmmsg(u, mm, 3, 0) != 3) die("sendmmsg");
    struct mmsghdr rm[3]; struct iovec ri[3]; char rb[3][100];
    memset(rm, 0, sizeof rm);
    for (int i = 0; i < 3; i++) {
        ri[i].iov_base = rb[i]; ri[i].iov_len = 100;
        rm[i].msg_hdr.msg_iov = &ri[i]; rm[i].msg_hdr.msg_iovlen = 1;
    }
    if (recvmmsg(r, rm, 3, MSG_WAITFORONE, NULL) < 1) die("recvmmsg");
    /* pidfd_getfd from a child */
    int pip[2]; if (pipe(pip)) die("pipe");
    pid_t c = fork();
    if (c == 0) {
        int f = open("child.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
        dup2(f, 90);
        char x; (void)!read(pip[0], &x, 1);
        _exit(0);
    }
    usleep(100000);
    int pf = syscall(SYS_pidfd_open, c, 0);
    int g = syscall(SYS_pidfd_getfd, pf, 90, 0);
    if (g < 0) die("pidfd_getfd");
    if (write(g, buf, 31) != 31) die("getfd write");
    if (write(pip[1], "q", 1) != 1) die("pipe write");
    waitpid(c, NULL, 0);
    /* process_vm_readv of self */
    struct iovec li = { buf, 64 }, rv = { buf + 100, 64 };
    if (process_vm_readv(getpid(), &li, 1, &rv, 1, 0) != 64) die("pvr");
    /* copy_file_range, splice, tee */
    int src = open("o2.txt", O_RDONLY), dst = open("cfr.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (copy_file_range(src, NULL, dst, NULL, 123, 0) != 123) die("cfr");
    int p1[2], p2[2]; pipe(p1); pipe(p2);
    lseek(src, 0, SEEK_SET);
    if (splice(src, NULL, p1[1], NULL, 50, 0) != 50) die("splice in");
    if (tee(p1[0], p2[1], 50, 0) != 50) die("tee");
    if (splice(p1[0], NULL, dst, NULL, 50, 0) != 50) die("splice out");
    if (read(p2[0], buf, 50) != 50) die("tee read");
    printf("ok\n");
    return 0;
}
'''


def command(ctx):
    return Invocation([ctx.program()])


def expect(s, ctx, res):
    return want_exit(s, 0)
