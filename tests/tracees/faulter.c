/* faulter DIR K
 * faulter --deny-perf PROGRAM [ARGS...]
 *
 * Touches exactly K fresh pages in each kind of region, one phase at a
 * time, and prints for each phase the range it touched and the minor
 * faults the kernel counted for it (getrusage ru_minflt before and after):
 *   heap       K pages of brk heap grown with sbrk
 *   malloc     K pages of a malloc'd block big enough to be mmap'd
 *   anon       K pages of an anonymous mmap
 *   file       K pages of a private mapping of DIR/faulter.dat (written
 *              first, so every page is in the page cache: no major faults)
 *   stack      K/4 pages of main-thread stack below the current frame
 * then forks a child that touches K/4 pages of its own anonymous mmap and
 * writes once to each heap page (copy-on-write: K faults in the child's
 * heap), and prints its total since the fork.  Every touch is a write, so
 * read fault-around cannot map several pages in one fault, and
 * MADV_NOHUGEPAGE keeps one fault per 4 KiB page.  Lines:
 *   phase NAME pid=P start=0xA end=0xB pages=N minflt=D
 *   mapping NAME pid=P start=0xA len=L   (malloc, anon, child_anon: the
 *                                   whole mapping the phase touched, as mmap
 *                                   made it; for malloc, from glibc's chunk
 *                                   header, checked against mallinfo2, and
 *                                   only when glibc mmap'd the block: K of
 *                                   at least 32 or so)
 *   total pid=P minflt=D            (all faults since main, or since fork)
 * No stdio: printing must not allocate from the heap under test.
 *
 * With --deny-perf it makes perf_event_open fail with EACCES (seccomp) and
 * execs PROGRAM, to test what happens without permission. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <linux/filter.h>
#include <malloc.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tracee.h"

#define PAGE 4096ul

/* Minor faults of this process so far. */
static long minflt(void)
{
    struct rusage ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0)
        die("getrusage");
    return ru.ru_minflt;
}

/* Print one line without stdio. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    write_all(1, buf, (size_t)n);
}

/* Write to the first byte of each of n pages from p; report the phase. */
static void touch(const char *name, unsigned char *p, size_t n)
{
    long before = minflt(), after;

    for (size_t i = 0; i < n; i++)
        ((volatile unsigned char *)p)[i * PAGE] = (unsigned char)(i + 1);
    after = minflt();
    say("phase %s pid=%d start=%p end=%p pages=%zu minflt=%ld\n", name, (int)getpid(),
        (void *)p, (void *)(p + n * PAGE), n, after - before);
}

/* One page per fault for [p, p + n pages). */
static void no_thp(void *p, size_t n)
{
    if (madvise(p, n * PAGE, MADV_NOHUGEPAGE) != 0 && errno != EINVAL)
        die("madvise");
}

/* K fresh pages at the top of the brk heap. */
static unsigned char *heap_phase(size_t k)
{
    uintptr_t cur = (uintptr_t)sbrk(0);
    unsigned char *p;

    if (sbrk((intptr_t)(((cur + PAGE - 1) & ~(PAGE - 1)) - cur)) == (void *)-1)
        die("sbrk align");
    p = sbrk((intptr_t)(k * PAGE));
    if (p == (void *)-1)
        die("sbrk");
    no_thp(p, k);
    touch("heap", p, k);
    return p;
}

/* K fresh pages of a malloc'd block (mmap'd by malloc: it is large).  The
 * mapping glibc made for it: its chunk header (prev_size, size) sits just
 * before the block; prev_size is the block's offset into the mapping, and
 * the two add up to the mapping's length, which mallinfo2 counts too. */
static void malloc_phase(size_t k)
{
    size_t before = mallinfo2().hblkhd, hdr[2];
    unsigned char *b = malloc((k + 1) * PAGE), *p;
    uintptr_t start;
    size_t len;

    if (!b)
        die("malloc");
    memcpy(hdr, (const void *)((uintptr_t)b - sizeof(hdr)), sizeof(hdr));
    start = (uintptr_t)b - sizeof(hdr) - hdr[0];
    len = hdr[0] + (hdr[1] & ~(size_t)7);
    if ((hdr[1] & 2) && mallinfo2().hblkhd - before != len) {
        errno = 0;
        die("malloc: the block's header says a mapping of %zu bytes, mallinfo2 %zu", len,
            mallinfo2().hblkhd - before);
    }
    p = (unsigned char *)(((uintptr_t)b + PAGE - 1) & ~(PAGE - 1));
    no_thp(p, k);
    touch("malloc", p, k);
    if (hdr[1] & 2)   /* IS_MMAPPED: a small K comes from the heap instead */
        say("mapping malloc pid=%d start=%p len=%zu\n", (int)getpid(), (void *)start, len);
}

/* K fresh pages of an anonymous mapping. */
static void anon_phase(const char *name, size_t k)
{
    unsigned char *p = mmap(NULL, k * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        die("mmap anon");
    no_thp(p, k);
    touch(name, p, k);
    say("mapping %s pid=%d start=%p len=%zu\n", name, (int)getpid(), (void *)p, k * PAGE);
}

/* K fresh pages of a private file mapping whose pages are all cached. */
static void file_phase(const char *dir, size_t k)
{
    static unsigned char page[PAGE];
    char path[4096];
    unsigned char *p;
    int fd;

    snprintf(path, sizeof path, "%s/faulter.dat", dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("create %s", path);
    fill_pattern(page, sizeof page, 3);
    for (size_t i = 0; i < k; i++)
        write_all(fd, page, sizeof page);
    p = mmap(NULL, k * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        die("mmap %s", path);
    close(fd);
    no_thp(p, k);
    touch("file", p, k);
}

/* K fresh pages of the main stack, below this frame. */
static void __attribute__((noinline)) stack_phase(size_t k)
{
    unsigned char *p = alloca(k * PAGE + PAGE);

    p = (unsigned char *)(((uintptr_t)p + PAGE - 1) & ~(PAGE - 1));
    touch("stack", p, k);
}

/* The child: its own anonymous pages, then copy-on-write of the heap. */
static void __attribute__((noreturn)) child(unsigned char *heap, size_t k)
{
    anon_phase("child_anon", k / 4);
    touch("child_heap", heap, k);
    say("total pid=%d minflt=%ld\n", (int)getpid(), minflt());
    _exit(0);
}

/* Make perf_event_open fail with EACCES, then run argv. */
static int deny_perf(char **argv)
{
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_perf_event_open, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        die("seccomp");
    execvp(argv[0], argv);
    die("exec %s", argv[0]);
}

int main(int argc, char **argv)
{
    long start = minflt();
    unsigned char *heap;
    size_t k;
    pid_t pid;
    int st;

    if (argc >= 3 && strcmp(argv[1], "--deny-perf") == 0)
        return deny_perf(argv + 2);
    if (argc != 3 || (k = strtoul(argv[2], NULL, 10)) < 4)
        die("usage: faulter DIR K (K >= 4) | faulter --deny-perf PROGRAM [ARGS...]");
    heap = heap_phase(k);
    malloc_phase(k);
    anon_phase("anon", k);
    file_phase(argv[1], k);
    stack_phase(k / 4);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        child(heap, k);
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("child failed");
    say("total pid=%d minflt=%ld\n", (int)getpid(), minflt() - start);
    return 0;
}
