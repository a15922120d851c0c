/* int80 FILE
 *
 * System calls of the i386 table made from a 64-bit process with int $0x80
 * (buffers in MAP_32BIT memory, since only the low 32 bits of each
 * argument reach the kernel):
 *   - open FILE with the 64-bit open; i386 write (nr 4) of 100 bytes to it
 *   - i386 dup (nr 41, which is x86_64 socket) of that fd, and i386 write
 *     of 50 bytes through the duplicate
 *   - i386 getpid (nr 20, which is x86_64 writev) with the file's fd in
 *     ebx: must not count as a write of pid bytes to FILE
 *   - i386 lseek (nr 19) to 0 and i386 read (nr 3) of 150 bytes back
 *   - i386 open (nr 5) of FILE.b to write, i386 write of 30 bytes, i386
 *     fcntl64 (nr 221) F_DUPFD of it and i386 write of 12 bytes through
 *     the copy, i386 close (nr 6) of both
 *   - i386 openat (nr 295) of FILE.b to read, i386 mmap2 (nr 192) of its
 *     first page and munmap (nr 91), i386 read of its 42 bytes, close
 *   - i386 pipe (nr 42): 7 bytes written into it and read back
 *   - i386 rename (nr 38) of FILE.b to FILE.c, i386 unlink (nr 10) of it
 *   - i386 socket (nr 359) and connect (nr 362) to a 64-bit listener on
 *     127.0.0.1, i386 sendto (nr 369) of 11 bytes without an address,
 *     the listener's accepted socket answers 5, i386 recvfrom (nr 371);
 *     i386 sendmsg (nr 370) of 13 bytes, answered 6, i386 recvmsg (nr
 *     372); i386 sendmmsg (nr 345) of two messages, 4 and 3 bytes,
 *     answered 8, i386 recvmmsg (nr 337) of one (struct msghdr and struct
 *     mmsghdr in their i386 layout: 28 and 32 bytes)
 *   - i386 socket of a UDP socket, i386 sendmsg of 9 bytes to a 64-bit
 *     receiver's address (msg_name)
 *   - FILE.d opened to write with the 64-bit open, its fd sent with
 *     SCM_RIGHTS (and one byte) over a unix datagram socketpair, then
 *     closed; i386 recvmsg of it (its control message in the i386 layout:
 *     a 12-byte header), i386 write of 4 bytes through the fd it got
 *   - i386 write of one line to stdout
 * A forked child first checks that int $0x80 works at all (exit 77 when
 * the kernel has no IA32 emulation).
 *
 * int80 --dns NAME1 NAME2 (with a resolver on 127.0.0.1:53: tests/netns.py)
 *   - i386 socket of a UDP socket, i386 connect to 127.0.0.1:53, i386
 *     sendto of a query for NAME1's address (A), i386 recvfrom of the
 *     answer without an address
 *   - another UDP socket: i386 sendmsg of a query for NAME2 to
 *     127.0.0.1:53 (msg_name), i386 recvmsg of the answer (i386 layout)
 *   - i386 connect of a TCP socket to NAME1's address, at the port of a
 *     64-bit listener on every address, and 5 bytes sent; i386 sendto of
 *     3 bytes to NAME2's address, at a 64-bit UDP receiver's port
 *   - prints "NAME1 ADDRESS1" and "NAME2 ADDRESS2", one a line
 * Expected: FILE opened_for "rw", written 150, read 150; FILE.b written
 * 42 and read 42; 7 more pipe bytes each way; the rename and the delete;
 * a TCP connection 31 bytes one way and 19 the other; a UDP flow of 9
 * bytes to 127.0.0.1 (its receiver's recv names no peer); FILE.d written
 * 4; one byte more each way over unix sockets; 2 processes; exit 0. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "tracee.h"

enum {
    I386_READ = 3, I386_WRITE = 4, I386_OPEN = 5, I386_CLOSE = 6, I386_LSEEK = 19,
    I386_GETPID = 20, I386_DUP = 41, I386_PIPE = 42, I386_MUNMAP = 91, I386_MMAP2 = 192,
    I386_FCNTL64 = 221, I386_OPENAT = 295, I386_RENAME = 38, I386_UNLINK = 10,
    I386_SOCKET = 359, I386_CONNECT = 362, I386_SENDTO = 369, I386_RECVFROM = 371,
    I386_SENDMSG = 370, I386_RECVMSG = 372, I386_SENDMMSG = 345, I386_RECVMMSG = 337
};

/* An i386 struct msghdr at m (28 bytes) of n iovecs at iov, and those
 * iovecs (8 bytes each) of the lens[i] bytes at data[i]. */
static void msghdr32(uint32_t *m, uint32_t *iov, int n, char *const *data, const uint32_t *lens)
{
    for (int i = 0; i < n; i++) {
        iov[2 * i] = (uint32_t)(uintptr_t)data[i];
        iov[2 * i + 1] = lens[i];
    }
    memset(m, 0, 28);
    m[2] = (uint32_t)(uintptr_t)iov;
    m[3] = (uint32_t)n;
}

/* Read exactly n bytes from fd. */
static void read_all(int fd, char *to, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, to + got, n - got);
        if (r <= 0)
            die("read %zu bytes", n);
        got += (size_t)r;
    }
}

static long int80_6(long nr, long a, long b, long c, long d, long e, long f)
{
    long ret;

    /* (ebp, the sixth, may be the frame pointer: saved and restored here,
     * below the red zone) */
    __asm__ volatile("sub $128, %%rsp\n\tpush %%rbp\n\tmov %7, %%rbp\n\tint $0x80\n\t"
                     "pop %%rbp\n\tadd $128, %%rsp"
                     : "=a"(ret)
                     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e), "r"(f)
                     : "memory", "r8", "r9", "r10", "r11");
    return ret;
}

static long int80(long nr, long a, long b, long c)
{
    return int80_6(nr, a, b, c, 0, 0, 0);
}

/* An i386 call that must return want (or, want -1, any fd). */
static long must(const char *what, long got, long want)
{
    if (want < 0 ? got < 0 : got != want) {
        errno = got < 0 ? (int)-got : 0;
        die("i386 %s returned %ld", what, got);
    }
    return got;
}

/* A DNS query for name's address (A) at q; returns its length. */
static uint32_t dns_query(unsigned char *q, uint16_t id, const char *name)
{
    uint32_t n = 12;

    memset(q, 0, 12);
    q[0] = (unsigned char)(id >> 8);
    q[1] = (unsigned char)id;
    q[2] = 1;                      /* recursion desired */
    q[5] = 1;                      /* one question */
    for (const char *l = name; *l;) {
        size_t len = strcspn(l, ".");

        if (len == 0 || len > 63 || n + len + 6 > 512) {
            errno = 0;
            die("bad name %s", name);
        }
        q[n++] = (unsigned char)len;
        memcpy(q + n, l, len);
        n += (uint32_t)len;
        l += len + (l[len] == '.');
    }
    q[n++] = 0;
    q[n++] = 0;
    q[n++] = 1;                    /* type A */
    q[n++] = 0;
    q[n++] = 1;                    /* class IN */
    return n;
}

/* The first IPv4 address in the DNS answer a of n bytes (network order). */
static uint32_t dns_answer(const unsigned char *a, long n)
{
    long at = 12, count;
    uint32_t addr;

    if (n < 12)
        die("DNS answer of %ld bytes", n);
    count = a[6] << 8 | a[7];
    while (at < n && a[at])        /* the question's name, type, class */
        at += a[at] + 1;
    at += 5;
    for (; count > 0 && at < n; count--) {
        long rdlen;

        if (a[at] >= 0xc0)
            at += 2;
        else {
            while (at < n && a[at])
                at += a[at] + 1;
            at++;
        }
        if (at + 10 > n)
            break;
        rdlen = a[at + 8] << 8 | a[at + 9];
        if (a[at] == 0 && a[at + 1] == 1 && rdlen == 4 && at + 14 <= n) {
            memcpy(&addr, a + at + 10, 4);
            return addr;
        }
        at += 10 + rdlen;
    }
    errno = 0;
    die("no address in the DNS answer");
}

/* int80 --dns NAME1 NAME2: see the top of the file.  buf: 8 KiB of
 * MAP_32BIT memory. */
static int dns_names(char *buf, const char *name1, const char *name2)
{
    /* in buf: 0 the resolver's address, 64 a peer's, 512 a query, 1024 an
     * answer, 2048 a msghdr, 2112 its iovec */
    struct sockaddr_in ns = { .sin_family = AF_INET, .sin_port = htons(53),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct sockaddr_in any = { .sin_family = AF_INET };
    socklen_t slen = sizeof any;
    uint32_t *m = (uint32_t *)(void *)(buf + 2048), *iov = (uint32_t *)(void *)(buf + 2112);
    char *const query[] = { buf + 512 }, *const answer[] = { buf + 1024 };
    uint32_t qlen[1], alen[] = { 512 }, addr1, addr2;
    int lfd = socket(AF_INET, SOCK_STREAM, 0), ufd = socket(AF_INET, SOCK_DGRAM, 0), afd;
    uint16_t tport, uport;
    long s, n;
    char text[2][INET_ADDRSTRLEN], got[8];

    if (lfd < 0 || ufd < 0 || bind(lfd, (struct sockaddr *)&any, sizeof any) || listen(lfd, 1) ||
        getsockname(lfd, (struct sockaddr *)&any, &slen))
        die("listener");
    tport = any.sin_port;
    any.sin_port = 0;
    slen = sizeof any;
    if (bind(ufd, (struct sockaddr *)&any, sizeof any) ||
        getsockname(ufd, (struct sockaddr *)&any, &slen))
        die("UDP receiver");
    uport = any.sin_port;
    memcpy(buf, &ns, sizeof ns);

    /* NAME1: a connected socket, sendto and recvfrom without addresses */
    s = must("socket", int80_6(I386_SOCKET, AF_INET, SOCK_DGRAM, 0, 0, 0, 0), -1);
    must("connect", int80_6(I386_CONNECT, s, (long)(uintptr_t)buf, sizeof ns, 0, 0, 0), 0);
    qlen[0] = dns_query((unsigned char *)query[0], 0x1234, name1);
    must("sendto", int80_6(I386_SENDTO, s, (long)(uintptr_t)query[0], qlen[0], 0, 0, 0), qlen[0]);
    n = must("recvfrom", int80_6(I386_RECVFROM, s, (long)(uintptr_t)answer[0], 512, 0, 0, 0), -1);
    addr1 = dns_answer((unsigned char *)answer[0], n);
    must("close", int80(I386_CLOSE, s, 0, 0), 0);

    /* NAME2: sendmsg to the resolver's address, recvmsg naming it */
    s = must("socket", int80_6(I386_SOCKET, AF_INET, SOCK_DGRAM, 0, 0, 0, 0), -1);
    qlen[0] = dns_query((unsigned char *)query[0], 0x5678, name2);
    msghdr32(m, iov, 1, query, qlen);
    m[0] = (uint32_t)(uintptr_t)buf;   /* msg_name, msg_namelen */
    m[1] = sizeof ns;
    must("sendmsg", int80(I386_SENDMSG, s, (long)(uintptr_t)m, 0), qlen[0]);
    msghdr32(m, iov, 1, answer, alen);
    m[0] = (uint32_t)(uintptr_t)(buf + 64);
    m[1] = sizeof ns;
    n = must("recvmsg", int80(I386_RECVMSG, s, (long)(uintptr_t)m, 0), -1);
    addr2 = dns_answer((unsigned char *)answer[0], n);
    must("close", int80(I386_CLOSE, s, 0, 0), 0);

    /* a connection to NAME1's address, a datagram to NAME2's */
    any.sin_addr.s_addr = addr1;
    any.sin_port = tport;
    memcpy(buf + 64, &any, sizeof any);
    s = must("socket", int80_6(I386_SOCKET, AF_INET, SOCK_STREAM, 0, 0, 0, 0), -1);
    must("connect", int80_6(I386_CONNECT, s, (long)(uintptr_t)(buf + 64), sizeof any, 0, 0, 0), 0);
    memcpy(buf + 512, "hello", 5);
    must("sendto", int80_6(I386_SENDTO, s, (long)(uintptr_t)(buf + 512), 5, 0, 0, 0), 5);
    afd = accept(lfd, NULL, NULL);
    if (afd < 0)
        die("accept");
    read_all(afd, got, 5);
    must("close", int80(I386_CLOSE, s, 0, 0), 0);
    close(afd);
    any.sin_addr.s_addr = addr2;
    any.sin_port = uport;
    memcpy(buf + 64, &any, sizeof any);
    s = must("socket", int80_6(I386_SOCKET, AF_INET, SOCK_DGRAM, 0, 0, 0, 0), -1);
    must("sendto", int80_6(I386_SENDTO, s, (long)(uintptr_t)(buf + 512), 3, 0,
                           (long)(uintptr_t)(buf + 64), sizeof any), 3);
    if (recv(ufd, got, sizeof got, 0) != 3)
        die("UDP receive");
    must("close", int80(I386_CLOSE, s, 0, 0), 0);
    close(ufd);
    close(lfd);
    inet_ntop(AF_INET, &addr1, text[0], sizeof text[0]);
    inet_ntop(AF_INET, &addr2, text[1], sizeof text[1]);
    printf("%s %s\n%s %s\n", name1, text[0], name2, text[1]);
    return 0;
}

int main(int argc, char **argv)
{
    static const char line[] = "int80: i386 write to stdout\n";
    char *buf;
    long fd, fd2, pid, n;
    int st;

    if (argc != 2 && !(argc == 4 && strcmp(argv[1], "--dns") == 0)) {
        errno = 0;
        die("usage: int80 FILE, or int80 --dns NAME1 NAME2");
    }
    /* Kernels without IA32 emulation kill int $0x80 users: probe in a child. */
    fflush(stdout);
    pid = fork();
    if (pid == 0)
        _exit(int80(I386_GETPID, 0, 0, 0) == getpid() ? 0 : 1);
    if (pid < 0 || waitpid((pid_t)pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
        printf("int80: int $0x80 does not work here (no IA32 emulation?); skipping\n");
        return 77;
    }
    buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (buf == MAP_FAILED)
        die("mmap MAP_32BIT");
    if (argc == 4)
        return dns_names(buf, argv[2], argv[3]);
    fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", argv[1]);
    fill_pattern((unsigned char *)buf, 100, 1);
    n = int80(I386_WRITE, fd, (long)(uintptr_t)buf, 100);
    if (n != 100) {
        errno = n < 0 ? (int)-n : 0;
        die("i386 write returned %ld", n);
    }
    fd2 = int80(I386_DUP, fd, 0, 0);
    if (fd2 < 0) {
        errno = (int)-fd2;
        die("i386 dup");
    }
    n = int80(I386_WRITE, fd2, (long)(uintptr_t)buf, 50);
    if (n != 50) {
        errno = n < 0 ? (int)-n : 0;
        die("i386 write through dup returned %ld", n);
    }
    pid = int80(I386_GETPID, fd, (long)(uintptr_t)buf, 1);
    if (pid != getpid()) {
        errno = 0;
        die("i386 getpid returned %ld", pid);
    }
    if (int80(I386_LSEEK, fd, 0, SEEK_SET) != 0)
        die("i386 lseek");
    n = int80(I386_READ, fd, (long)(uintptr_t)buf, 150);
    if (n != 150) {
        errno = n < 0 ? (int)-n : 0;
        die("i386 read returned %ld", n);
    }
    /* FILE.b: open, fcntl64 F_DUPFD, openat, mmap2, pipe (buf holds its
     * name from offset 1024, the pipe's fds from 2048) */
    snprintf(buf + 1024, 1024, "%s.b", argv[1]);
    fd = must("open", int80(I386_OPEN, (long)(uintptr_t)(buf + 1024), O_WRONLY | O_CREAT | O_TRUNC, 0644), -1);
    must("write", int80(I386_WRITE, fd, (long)(uintptr_t)buf, 30), 30);
    fd2 = must("fcntl64", int80(I386_FCNTL64, fd, F_DUPFD, 20), 20);
    must("write", int80(I386_WRITE, fd2, (long)(uintptr_t)buf, 12), 12);
    must("close", int80(I386_CLOSE, fd2, 0, 0), 0);
    must("close", int80(I386_CLOSE, fd, 0, 0), 0);
    fd = must("openat", int80(I386_OPENAT, AT_FDCWD, (long)(uintptr_t)(buf + 1024), O_RDONLY), -1);
    n = must("mmap2", int80_6(I386_MMAP2, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 0), -1);
    if ((unsigned long)n > 0xfffff000ul)
        die("i386 mmap2 returned %ld", n);
    must("munmap", int80(I386_MUNMAP, n, 4096, 0), 0);
    must("read", int80(I386_READ, fd, (long)(uintptr_t)buf, 100), 42);
    must("close", int80(I386_CLOSE, fd, 0, 0), 0);
    must("pipe", int80(I386_PIPE, (long)(uintptr_t)(buf + 2048), 0, 0), 0);
    {
        int pfd[2];

        memcpy(pfd, buf + 2048, sizeof pfd);
        must("write", int80(I386_WRITE, pfd[1], (long)(uintptr_t)buf, 7), 7);
        must("read", int80(I386_READ, pfd[0], (long)(uintptr_t)buf, 100), 7);
        must("close", int80(I386_CLOSE, pfd[0], 0, 0), 0);
        must("close", int80(I386_CLOSE, pfd[1], 0, 0), 0);
    }
    /* rename and delete (the new name from offset 3072) */
    snprintf(buf + 3072, 1024, "%s.c", argv[1]);
    must("rename", int80(I386_RENAME, (long)(uintptr_t)(buf + 1024), (long)(uintptr_t)(buf + 3072), 0), 0);
    must("unlink", int80(I386_UNLINK, (long)(uintptr_t)(buf + 3072), 0, 0), 0);
    {
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t slen = sizeof sin;
        int lfd = socket(AF_INET, SOCK_STREAM, 0), afd;
        long cfd;
        char got[16];

        if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof sin) || listen(lfd, 1) ||
            getsockname(lfd, (struct sockaddr *)&sin, &slen))
            die("listener");
        memcpy(buf + 2560, &sin, sizeof sin);
        cfd = must("socket", int80_6(I386_SOCKET, AF_INET, SOCK_STREAM, 0, 0, 0, 0), -1);
        must("connect", int80_6(I386_CONNECT, cfd, (long)(uintptr_t)(buf + 2560), sizeof sin, 0, 0, 0), 0);
        must("sendto", int80_6(I386_SENDTO, cfd, (long)(uintptr_t)buf, 11, 0, 0, 0), 11);
        afd = accept(lfd, NULL, NULL);
        if (afd < 0)
            die("accept");
        read_all(afd, got, 11);
        if (write(afd, "hello", 5) != 5)
            die("accepted socket");
        must("recvfrom", int80_6(I386_RECVFROM, cfd, (long)(uintptr_t)buf, 100, 0, 0, 0), 5);
        {
            /* (in buf from 3584 on: the data, the iovecs, the headers) */
            char *const sent[] = { buf + 3584 }, *const two[] = { buf + 3640, buf + 3644 },
                        *const back[] = { buf + 3728 }, *const back2[] = { buf + 3800 };
            const uint32_t sent_len[] = { 13 }, two_len[] = { 4, 3 }, back_len[] = { 32 };
            uint32_t *mm = (uint32_t *)(void *)(buf + 3664);

            memcpy(buf + 3584, "sendmsg-data!", 13);
            memcpy(buf + 3640, "abcdxyz", 7);
            msghdr32((uint32_t *)(void *)(buf + 3608), (uint32_t *)(void *)(buf + 3600), 1, sent,
                     sent_len);
            must("sendmsg", int80(I386_SENDMSG, cfd, (long)(uintptr_t)(buf + 3608), 0), 13);
            read_all(afd, got, 13);
            if (write(afd, "answer", 6) != 6)
                die("answer");
            msghdr32((uint32_t *)(void *)(buf + 3768), (uint32_t *)(void *)(buf + 3760), 1, back,
                     back_len);
            must("recvmsg", int80(I386_RECVMSG, cfd, (long)(uintptr_t)(buf + 3768), 0), 6);
            memset(mm, 0, 64);   /* two struct mmsghdr: a msghdr, then msg_len */
            msghdr32(mm, (uint32_t *)(void *)(buf + 3648), 1, two, two_len);
            msghdr32(mm + 8, (uint32_t *)(void *)(buf + 3656), 1, two + 1, two_len + 1);
            must("sendmmsg", int80(I386_SENDMMSG, cfd, (long)(uintptr_t)mm, 2), 2);
            read_all(afd, got, 7);
            if (write(afd, "eight!!!", 8) != 8)
                die("answer");
            mm = (uint32_t *)(void *)(buf + 3840);
            memset(mm, 0, 32);
            msghdr32(mm, (uint32_t *)(void *)(buf + 3832), 1, back2, back_len);
            must("recvmmsg", int80_6(I386_RECVMMSG, cfd, (long)(uintptr_t)mm, 1, 0, 0, 0), 1);
            if (mm[7] != 8)
                die("recvmmsg got %u bytes", mm[7]);
        }
        must("close", int80(I386_CLOSE, cfd, 0, 0), 0);
        close(afd);
        close(lfd);
    }
    {
        /* (in buf from 4096 on: a msghdr, its iovec, an address, the data) */
        struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t slen = sizeof sin;
        uint32_t *m = (uint32_t *)(void *)(buf + 4096), *iov = m + 8, *cmsg;
        char *const udp[] = { buf + 4160 }, *const one[] = { buf + 4176 };
        const uint32_t udp_len[] = { 9 }, one_len[] = { 1 };
        char name[4096], got[16];
        int ufd = socket(AF_INET, SOCK_DGRAM, 0), sp[2], file;
        long cfd, fd3;

        if (ufd < 0 || bind(ufd, (struct sockaddr *)&sin, sizeof sin) ||
            getsockname(ufd, (struct sockaddr *)&sin, &slen))
            die("UDP receiver");
        memcpy(buf + 4144, &sin, sizeof sin);
        memcpy(buf + 4160, "udp-hello", 9);
        cfd = must("socket", int80_6(I386_SOCKET, AF_INET, SOCK_DGRAM, 0, 0, 0, 0), -1);
        msghdr32(m, iov, 1, udp, udp_len);
        m[0] = (uint32_t)(uintptr_t)(buf + 4144);   /* msg_name, msg_namelen */
        m[1] = sizeof sin;
        must("sendmsg", int80(I386_SENDMSG, cfd, (long)(uintptr_t)m, 0), 9);
        if (recv(ufd, got, sizeof got, 0) != 9)
            die("UDP receive");
        must("close", int80(I386_CLOSE, cfd, 0, 0), 0);
        close(ufd);

        snprintf(name, sizeof name, "%s.d", argv[1]);
        file = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (file < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, sp))
            die("open %s, socketpair", name);
        {
            union { struct cmsghdr c; char b[CMSG_SPACE(sizeof(int))]; } u;
            char s = 's';
            struct iovec v = { .iov_base = &s, .iov_len = 1 };
            struct msghdr mh = { .msg_iov = &v, .msg_iovlen = 1, .msg_control = u.b,
                                 .msg_controllen = sizeof u.b };

            memset(&u, 0, sizeof u);
            u.c.cmsg_len = CMSG_LEN(sizeof(int));
            u.c.cmsg_level = SOL_SOCKET;
            u.c.cmsg_type = SCM_RIGHTS;
            memcpy(CMSG_DATA(&u.c), &file, sizeof(int));
            if (sendmsg(sp[0], &mh, 0) != 1)
                die("sendmsg SCM_RIGHTS");
        }
        close(file);
        cmsg = (uint32_t *)(void *)(buf + 4192);   /* i386: len, level, type, the fd */
        memset(cmsg, 0, 16);
        msghdr32(m, iov, 1, one, one_len);
        m[4] = (uint32_t)(uintptr_t)cmsg;   /* msg_control, msg_controllen */
        m[5] = 16;
        must("recvmsg", int80(I386_RECVMSG, sp[1], (long)(uintptr_t)m, 0), 1);
        if (cmsg[0] != 16 || cmsg[1] != SOL_SOCKET || cmsg[2] != SCM_RIGHTS)
            die("i386 recvmsg's control message: %u %u %u", cmsg[0], cmsg[1], cmsg[2]);
        fd3 = (long)cmsg[3];
        memcpy(buf + 4224, "scm!", 4);
        must("write", int80(I386_WRITE, fd3, (long)(uintptr_t)(buf + 4224), 4), 4);
        must("close", int80(I386_CLOSE, fd3, 0, 0), 0);
        close(sp[0]);
        close(sp[1]);
    }
    memcpy(buf, line, sizeof line - 1);
    n = int80(I386_WRITE, STDOUT_FILENO, (long)(uintptr_t)buf, (long)(sizeof line - 1));
    if (n != (long)(sizeof line - 1))
        die("i386 write to stdout");
    printf("int80: wrote 150 bytes, read them back, i386 getpid matched getpid\n");
    return 0;
}
