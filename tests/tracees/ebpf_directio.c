/* ebpf_directio DEV OFFSET_MB PLAN
 * ebpf_directio DEV OFFSET_MB --forever SIZE
 *
 * Raw O_DIRECT I/O of known sizes on a block device (a loop device in the
 * tests), so block requests can be counted exactly.  PLAN is a comma list
 * of OPsizexCOUNT items, e.g. "r4096x64,w65536x32": COUNT preads (r) or
 * pwrites (w) of size bytes each, one after another at increasing offsets
 * from OFFSET_MB MiB.  Each call is synchronous and touches a new region,
 * so every call is one request (sizes must stay within the device's
 * max_sectors_kb).  With --forever it reads SIZE bytes at a time round a
 * 32 MiB region until killed: the untraced neighbour that must not show up.
 * Prints {"pid":P,"reads":N,"read_bytes":B,"writes":N,"written_bytes":B}.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>

#include "tracee.h"

#define MAX_IO (1u << 20)

struct totals {
    unsigned long long reads, rbytes, writes, wbytes;
};

static void *buf;
static int fd;
static off_t pos;

/* One synchronous O_DIRECT transfer of len bytes at pos. */
static void one_io(bool write, size_t len, struct totals *t)
{
    ssize_t n = write ? pwrite(fd, buf, len, pos) : pread(fd, buf, len, pos);

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

    if (sscanf(item, "%c%lux%lu", &op, &size, &count) != 3 || (op != 'r' && op != 'w') ||
        size == 0 || size > MAX_IO || size % 512) {
        errno = 0;
        die("bad plan item '%s' (want r|w SIZE x COUNT, SIZE a multiple of 512 up to %u)",
            item, MAX_IO);
    }
    for (unsigned long i = 0; i < count; i++)
        one_io(op == 'w', size, t);
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
            one_io(false, size, &t);
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
