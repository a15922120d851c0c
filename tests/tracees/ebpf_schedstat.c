/* ebpf_schedstat SPINNERS SLEEPERS MS [NICE]
 *
 * Scheduler contention whose truth the kernel keeps: SPINNERS threads spin
 * and SLEEPERS threads (at nice NICE, default 0) sleep 200 us at a time, all
 * for MS milliseconds and all pinned to the last CPU, so every thread waits
 * on that run queue often.  When all are done (each then blocks in a futex
 * that nobody wakes), the main thread reads run_delay, the total time each
 * one spent runnable but not running, from /proc/self/task/TID/schedstat,
 * then tries to open MARK_PATH (it fails; the attempt is the "reads are done"
 * mark in the trace: later waits, such as the threads' exit, are not in the
 * figures) and prints one JSON object:
 *   {"mark":"/path","threads":[{"tid":T,"kind":"spin"|"sleep","run_delay_ns":N},...]}
 * compendium-tui --ebpf --sched-threshold-us 0 must report, per tid,
 * sched_delay events before the mark adding up to run_delay within 3%.
 * Sleepers at nice 19 wait for a spinner's whole slice.  At nice 0 they
 * preempt at once, and run_delay, whose clock the kernel does not re-read
 * on such wake-up preemptions, then counts a few microseconds less per wait
 * than the wall clock does (and the spinners they preempt as much more).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "tracee.h"

#define MAX_THREADS 64
#define MARK_PATH "/nonexistent-ebpf-schedstat-mark"

struct worker {
    pthread_t th;
    _Atomic int tid;
    bool spin;
};

static struct worker workers[MAX_THREADS];
static unsigned long long delays[MAX_THREADS];
static _Atomic int done;
static _Atomic uint32_t never;
static uint64_t run_ns;
static int sleeper_nice;
static cpu_set_t cpu;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct timespec nap = { 0, 200000 };
    uint64_t end = now_ns() + run_ns;

    atomic_store(&w->tid, (int)syscall(SYS_gettid));
    if (sched_setaffinity(0, sizeof(cpu), &cpu) < 0)
        die("sched_setaffinity");
    if (!w->spin && sleeper_nice && setpriority(PRIO_PROCESS, 0, sleeper_nice) < 0)
        die("setpriority(%d)", sleeper_nice);
    while (now_ns() < end)
        if (!w->spin)
            nanosleep(&nap, NULL);
    atomic_fetch_add(&done, 1);
    for (;;)   /* park: no more run-queue waits until the process exits */
        syscall(SYS_futex, &never, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    return NULL;
}

/* run_delay (second field) of one thread. */
static unsigned long long run_delay(int tid)
{
    char path[64], buf[256];
    unsigned long long run, delay;
    int fd;
    ssize_t n;

    snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
    fd = open(path, O_RDONLY);
    if (fd < 0)
        die("open %s", path);
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        die("read %s", path);
    buf[n] = '\0';
    if (sscanf(buf, "%llu %llu", &run, &delay) != 2) {
        errno = 0;
        die("%s: unexpected '%s'", path, buf);
    }
    return delay;
}

int main(int argc, char **argv)
{
    int spinners, sleepers, n;
    struct timespec poll = { 0, 1000000 };

    if ((argc != 4 && argc != 5) || (spinners = atoi(argv[1])) < 0 || (sleepers = atoi(argv[2])) < 0 ||
        spinners + sleepers == 0 || spinners + sleepers > MAX_THREADS || atoi(argv[3]) <= 0) {
        errno = 0;
        die("usage: ebpf_schedstat SPINNERS SLEEPERS MS [NICE] (at most %d threads)", MAX_THREADS);
    }
    sleeper_nice = argc == 5 ? atoi(argv[4]) : 0;
    n = spinners + sleepers;
    CPU_ZERO(&cpu);
    CPU_SET((int)sysconf(_SC_NPROCESSORS_ONLN) - 1, &cpu);
    run_ns = (uint64_t)atoi(argv[3]) * 1000000u;
    for (int i = 0; i < n; i++) {
        workers[i].spin = i < spinners;
        if (pthread_create(&workers[i].th, NULL, work, &workers[i]))
            die("pthread_create");
    }
    while (atomic_load(&done) < n)
        nanosleep(&poll, NULL);
    for (int i = 0; i < n; i++)
        delays[i] = run_delay(atomic_load(&workers[i].tid));
    if (open(MARK_PATH, O_RDONLY) >= 0) {
        errno = 0;
        die("%s exists", MARK_PATH);
    }
    printf("{\"mark\":\"%s\",\"threads\":[", MARK_PATH);
    for (int i = 0; i < n; i++)
        printf("%s{\"tid\":%d,\"kind\":\"%s\",\"run_delay_ns\":%llu}", i ? "," : "",
               atomic_load(&workers[i].tid), workers[i].spin ? "spin" : "sleep", delays[i]);
    printf("]}\n");
    fflush(stdout);
    _exit(0);
}
