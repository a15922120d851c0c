/* ebpf_directio DEV OFFSET_MB PLAN
 * ebpf_directio DEV OFFSET_MB --forever SIZE
 *
 * Raw O_DIRECT I/O of known sizes on a block device (a loop device in the
 * tests), so block requests can be counted exactly.  PLAN is a comma list
 * of OPsizexCOUNT items, e.g. "r4096x64,w65536x32": COUNT preads (r) or
 * pwrites (w) of size bytes each, one after another at increasing offsets
 * from OFFSET_MB MiB.  Each call is synchronous and touches a new region,
 * so every call is one request (sizes must stay within the device's
 * max_sectors_kb).  R and W do the same through io_uring (raw syscalls),
 * each forced into the kernel's worker threads (IOSQE_ASYNC): threads of
 * this process that no fork made, which submit the requests in its name
 * (exits 77 when io_uring is not available).  With --forever it reads
 * SIZE bytes at a time round a 32 MiB region until killed: the untraced
 * neighbour that must not show up.
 * Prints {"pid":P,"reads":N,"read_bytes":B,"writes":N,"written_bytes":B}.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "tracee.h"

#define MAX_IO (1u << 20)

struct totals {
    unsigned long long reads, rbytes, writes, wbytes;
};

static void *buf;
static int fd;
static off_t pos;

/* An io_uring of one entry, set up on first use. */
static struct {
    int fd;
    unsigned *sq_tail, *sq_array, *cq_head, *cq_tail;
    struct io_uring_sqe *sqe;
    struct io_uring_cqe *cqes;
} ring = { -1, 0, 0, 0, 0, 0, 0 };

/* Map one of the ring's regions. */
static void *ring_map(size_t len, off_t off)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd, off);

    if (p == MAP_FAILED)
        die("mmap io_uring");
    return p;
}

/* Set up the ring (one entry; the sq and cq rings mapped apart). */
static void ring_init(void)
{
    struct io_uring_params p;
    char *sq, *cq;

    memset(&p, 0, sizeof p);
    ring.fd = (int)syscall(SYS_io_uring_setup, 1, &p);
    if (ring.fd < 0) {
        printf("ebpf_directio: io_uring_setup failed (%s); skipping\n", strerror(errno));
        exit(77);
    }
    sq = ring_map(p.sq_off.array + p.sq_entries * sizeof(unsigned), IORING_OFF_SQ_RING);
    cq = ring_map(p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), IORING_OFF_CQ_RING);
    ring.sqe = ring_map(sizeof(struct io_uring_sqe), IORING_OFF_SQES);
    ring.sq_tail = (unsigned *)(sq + p.sq_off.tail);
    ring.sq_array = (unsigned *)(sq + p.sq_off.array);
    ring.cq_head = (unsigned *)(cq + p.cq_off.head);
    ring.cq_tail = (unsigned *)(cq + p.cq_off.tail);
    ring.cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}

/* pread or pwrite through io_uring, run by one of its worker threads. */
static ssize_t ring_rw(bool write, size_t len, off_t at)
{
    unsigned head;

    if (ring.fd < 0)
        ring_init();
    memset(ring.sqe, 0, sizeof *ring.sqe);
    ring.sqe->opcode = write ? IORING_OP_WRITE : IORING_OP_READ;
    ring.sqe->flags = IOSQE_ASYNC;
    ring.sqe->fd = fd;
    ring.sqe->addr = (uint64_t)(uintptr_t)buf;
    ring.sqe->len = (unsigned)len;
    ring.sqe->off = (uint64_t)at;
    ring.sq_array[0] = 0;
    __atomic_store_n(ring.sq_tail, *ring.sq_tail + 1, __ATOMIC_RELEASE);
    if (syscall(SYS_io_uring_enter, ring.fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
        die("io_uring_enter");
    head = *ring.cq_head;
    if (head == __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE)) {
        errno = 0;
        die("no io_uring completion");
    }
    __atomic_store_n(ring.cq_head, head + 1, __ATOMIC_RELEASE);
    return ring.cqes[0].res;   /* (one entry: always the first) */
}

/* One synchronous O_DIRECT transfer of len bytes at pos (through io_uring's
 * workers with uring). */
static void one_io(bool write, bool uring, size_t len, struct totals *t)
{
    ssize_t n = uring ? ring_rw(write, len, pos) :
                write ? pwrite(fd, buf, len, pos) : pread(fd, buf, len, pos);

    if (n != (ssize_t)len)
        die("%s of %zu bytes at %lld returned %zd", write ? "pwrite" : "pread", len,
            (long long)pos, n);
    pos += (off_t)len;
    if (write) {
        t->writes++;
        t->wbytes += len;
    } else {
        t->reads++;
        t->rbytes += len;
    }
}

/* Run one "r4096x64" item. */
static void run_item(const char *item, struct totals *t)
{
    char op;
    unsigned long size, count;

    if (sscanf(item, "%c%lux%lu", &op, &size, &count) != 3 || !strchr("rwRW", op) ||
        size == 0 || size > MAX_IO || size % 512) {
        errno = 0;
        die("bad plan item '%s' (want r|w|R|W SIZE x COUNT, SIZE a multiple of 512 up to %u)",
            item, MAX_IO);
    }
    for (unsigned long i = 0; i < count; i++)
        one_io(op == 'w' || op == 'W', op == 'R' || op == 'W', size, t);
}

int main(int argc, char **argv)
{
    struct totals t = { 0 };
    char *plan, *item, *save;
    off_t base;

    if (argc < 4 || (argc == 5 && strcmp(argv[3], "--forever") != 0) || argc > 5) {
        errno = 0;
        die("usage: ebpf_directio DEV OFFSET_MB PLAN | DEV OFFSET_MB --forever SIZE");
    }
    fd = open(argv[1], O_RDWR | O_DIRECT);
    if (fd < 0)
        die("open %s O_DIRECT", argv[1]);
    if (posix_memalign(&buf, 4096, MAX_IO))
        die("posix_memalign");
    memset(buf, 'x', MAX_IO);
    base = (off_t)atoi(argv[2]) << 20;
    pos = base;
    if (argc == 5) {
        size_t size = (size_t)atoi(argv[4]);
        for (;;) {
            if (pos + (off_t)size > base + (32 << 20))
                pos = base;
            one_io(false, false, size, &t);
        }
    }
    plan = strdup(argv[3]);
    for (item = strtok_r(plan, ",", &save); item; item = strtok_r(NULL, ",", &save))
        run_item(item, &t);
    printf("{\"pid\":%d,\"reads\":%llu,\"read_bytes\":%llu,\"writes\":%llu,\"written_bytes\":%llu}\n",
           (int)getpid(), t.reads, t.rbytes, t.writes, t.wbytes);
    free(plan);
    return 0;
}
