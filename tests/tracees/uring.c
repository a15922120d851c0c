/* uring FILE [openat]
 *
 * I/O through io_uring, with raw io_uring_setup/io_uring_enter and the rings
 * mmap'd by hand (no liburing).  Writes 3000 bytes to FILE with write(2),
 * then reads them back with an IORING_OP_READ: a tracer sees only the
 * io_uring_enter, never the read, and must say so in its notes rather than
 * guess a number.
 * With "openat", FILE is then opened again by an IORING_OP_OPENAT - an fd
 * that appears without any open system call - and read with read(2)
 * (1000 bytes): a tracer must still tell which file those bytes came from.
 * Expected: FILE opened_for "rw", written 3000, read 0 (1000 with openat);
 * exit 0; exits 77 with a message when io_uring is not available. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "tracee.h"

struct ring {
    int fd;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
};

static void ring_init(struct ring *r)
{
    struct io_uring_params p;
    size_t sq_len, cq_len;
    char *sq, *cq;

    memset(&p, 0, sizeof p);
    r->fd = (int)syscall(SYS_io_uring_setup, 4, &p);
    if (r->fd < 0) {
        printf("uring: io_uring_setup failed (%s); skipping\n", strerror(errno));
        exit(77);
    }
    sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if ((p.features & IORING_FEAT_SINGLE_MMAP) && cq_len > sq_len)
        sq_len = cq_len;
    sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
              IORING_OFF_SQ_RING);
    if (sq == MAP_FAILED)
        die("mmap sq ring");
    cq = sq;
    if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
        cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                  IORING_OFF_CQ_RING);
        if (cq == MAP_FAILED)
            die("mmap cq ring");
    }
    r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
    if (r->sqes == MAP_FAILED)
        die("mmap sqes");
    r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
    r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    r->sq_array = (unsigned *)(sq + p.sq_off.array);
    r->cq_head = (unsigned *)(cq + p.cq_off.head);
    r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
    r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
}

/* Submit one prepared SQE and wait for its completion; returns cqe->res. */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
    unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
    int res;

    r->sqes[idx] = *sqe;
    r->sq_array[idx] = idx;
    __atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
    if (syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
        die("io_uring_enter");
    head = *r->cq_head;
    if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
        errno = 0;
        die("no completion after io_uring_enter");
    }
    res = r->cqes[head & *r->cq_mask].res;
    __atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
    return res;
}

int main(int argc, char **argv)
{
    static unsigned char buf[3000], back[3000];
    struct io_uring_sqe sqe;
    struct ring r;
    int fd, res;

    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "openat") != 0))
        die("usage: uring FILE [openat]");
    ring_init(&r);
    fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open %s", argv[1]);
    fill_pattern(buf, sizeof buf, 3);
    write_all(fd, buf, sizeof buf);
    close(fd);
    fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        die("open %s", argv[1]);

    memset(&sqe, 0, sizeof sqe);
    sqe.opcode = IORING_OP_READ;
    sqe.fd = fd;
    sqe.addr = (uint64_t)(uintptr_t)back;
    sqe.len = sizeof back;
    sqe.off = 0;
    res = ring_run(&r, &sqe);
    if (res == -EINVAL) {
        printf("uring: IORING_OP_READ not supported; skipping\n");
        return 77;
    }
    if (res != (int)sizeof back || memcmp(buf, back, sizeof back) != 0) {
        errno = res < 0 ? -res : 0;
        die("io_uring read returned %d", res);
    }
    printf("uring: read %d bytes through io_uring\n", res);

    if (argc == 3) {
        int fd2;

        memset(&sqe, 0, sizeof sqe);
        sqe.opcode = IORING_OP_OPENAT;
        sqe.fd = AT_FDCWD;
        sqe.addr = (uint64_t)(uintptr_t)argv[1];
        sqe.open_flags = O_RDONLY;
        fd2 = ring_run(&r, &sqe);
        if (fd2 < 0) {
            errno = -fd2;
            die("IORING_OP_OPENAT");
        }
        read_exact(fd2, back, 1000);
        close(fd2);
        printf("uring: read 1000 bytes with read(2) from an fd io_uring opened\n");
    }
    close(fd);
    close(r.fd);
    return 0;
}
