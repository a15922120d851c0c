/* ebpf_contention N
 *
 * Known scheduler contention, measured by the program itself (needs root
 * for SCHED_FIFO and two CPUs).  Three threads:
 *   hog    SCHED_FIFO, pinned to CPU 1: when told, spins for a given time
 *   probe  SCHED_OTHER, pinned to CPU 1: blocks in a futex; when woken it
 *          notes how long ago the waker stamped the wake-up
 *   main   SCHED_FIFO below the hog, pinned to CPU 0: N rounds of "once
 *          the probe sleeps, start the hog spinning for 2, 3, 4 or 5 ms;
 *          stamp; wake the probe; wait for its answer"
 * So each round the probe is woken from another CPU and then waits on its
 * run queue until the hog stops: one delay of 2-5 ms per round, which
 * compendium-tui --ebpf must report as one sched_delay of the probe's tid
 * within 1 ms of the probe's own figure.  Only futexes and the vDSO clock
 * are used between the stamps, so no ptrace stop falls inside a measured
 * delay; the wake-up itself happens between two stamps, and their spread
 * (normally microseconds, more when the host stalls this vCPU) bounds how
 * far the probe's figure can be from the truth.  One thing neither
 * bounds: when the host deschedules CPU 1's vCPU, the wake-up interrupt
 * lands late and the kernel, like schedstat's run_delay, counts the wait
 * from its arrival; the probe counts from the stamp.  The hog, spinning on
 * CPU 1 meanwhile, sees such a stall as a jump of its clock, and notes
 * the longest one per round.  Failed opens of START_MARK and END_MARK bracket the rounds in the
 * trace (the probe's earlier waits, such as its start under ptrace, are not
 * rounds).  Output on stdout, one JSON object:
 *   {"probe_tid":T,"start_mark":P,"end_mark":P,"delays_ns":[d1,...],"spread_ns":[s1,...],
 *    "stall_ns":[h1,...]}
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include "tracee.h"

#define MAX_ROUNDS 1000
#define START_MARK "/nonexistent-ebpf-contention-start"
#define END_MARK "/nonexistent-ebpf-contention-end"

static _Atomic uint32_t hog_seq, probe_seq, ack_seq;
static _Atomic int hog_started, hog_spinning, probe_waiting;
static _Atomic int probe_tid;
static _Atomic uint64_t hog_spin_ns, wake_stamp;
static uint64_t delays[MAX_ROUNDS], spreads[MAX_ROUNDS], stalls[MAX_ROUNDS];
static int rounds;

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Sleep in the kernel while *word == seen. */
static void futex_wait(_Atomic uint32_t *word, uint32_t seen)
{
    while (atomic_load(word) == seen)
        syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

/* Bump *word and wake its sleeper. */
static void futex_post(_Atomic uint32_t *word)
{
    atomic_fetch_add(word, 1);
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void pin(int cpu)
{
    cpu_set_t set;

    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof(set), &set) < 0)
        die("sched_setaffinity(cpu %d)", cpu);
}

/* Become SCHED_FIFO at prio. */
static void fifo(int prio)
{
    struct sched_param sp = { .sched_priority = prio };

    if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
        die("sched_setscheduler(SCHED_FIFO, %d)", prio);
}

/* A failed open the trace shows: a mark in time. */
static void mark(const char *path)
{
    if (open(path, O_RDONLY) >= 0) {
        errno = 0;
        die("%s exists", path);
    }
}

static void *hog(void *arg)
{
    uint32_t seen = 0;

    (void)arg;
    pin(1);
    fifo(10);
    for (int i = 0; i < rounds; i++) {
        futex_wait(&hog_seq, seen);
        uint64_t last = now_ns(), until = last + atomic_load(&hog_spin_ns), t;

        seen = atomic_load(&hog_seq);
        atomic_store(&hog_spinning, 1);
        atomic_fetch_add(&hog_started, 1);
        while ((t = now_ns()) < until) {
            if (t - last > stalls[i])
                stalls[i] = t - last;
            last = t;
        }
        atomic_store(&hog_spinning, 0);
    }
    return NULL;
}

static void *probe(void *arg)
{
    uint32_t seen = 0;

    (void)arg;
    pin(1);
    atomic_store(&probe_tid, (int)syscall(SYS_gettid));
    for (int i = 0; i < rounds; i++) {
        atomic_store(&probe_waiting, 1);
        futex_wait(&probe_seq, seen);
        delays[i] = now_ns() - atomic_load(&wake_stamp);
        seen = atomic_load(&probe_seq);
        futex_post(&ack_seq);
    }
    return NULL;
}

/* Wait (spinning politely) until *n reaches want. */
static void await_count(_Atomic int *n, int want)
{
    while (atomic_load(n) < want)
        sched_yield();
}

/* Is the probe asleep in its futex, off its run queue, after it said it
 * waits?  Its /proc wchan names where it sleeps only once it is dequeued;
 * "S" in its stat is shown already on the way there.  (A probe still queued
 * when the hog starts is preempted, not woken: a wait of another kind, and
 * the round's would be missing.)  Without a readable wchan, "S" must do. */
static int probe_asleep(void)
{
    char path[64], buf[512], *end;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", atomic_load(&probe_tid));
    fd = open(path, O_RDONLY);
    if (fd >= 0) {
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0 && !(n == 1 && buf[0] == '0'))
            return atomic_load(&probe_waiting);
        if (n > 0)
            return 0;
    }
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", atomic_load(&probe_tid));
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    end = strrchr(buf, ')');
    return atomic_load(&probe_waiting) && end && end[1] == ' ' && end[2] == 'S';
}

static void one_round(int i)
{
    uint32_t acks = atomic_load(&ack_seq);
    struct timespec settle = { 0, 1000000 };

    /* the probe is asleep by now; on a loaded machine, wait (up to 2 s) */
    nanosleep(&settle, NULL);
    for (int tries = 0; tries < 2000 && !probe_asleep(); tries++)
        nanosleep(&settle, NULL);
    atomic_store(&hog_spin_ns, (uint64_t)(2 + i % 4) * 1000000u);
    futex_post(&hog_seq);
    await_count(&hog_started, i + 1);      /* it spins from now on, 2-5 ms */
    atomic_store(&probe_waiting, 0);
    atomic_store(&wake_stamp, now_ns());
    futex_post(&probe_seq);
    spreads[i] = now_ns() - atomic_load(&wake_stamp);
    futex_wait(&ack_seq, acks);
    while (atomic_load(&hog_spinning))
        sched_yield();
}

int main(int argc, char **argv)
{
    pthread_t th, tp;

    rounds = argc == 2 ? atoi(argv[1]) : 0;
    if (rounds <= 0 || rounds > MAX_ROUNDS) {
        errno = 0;
        die("usage: ebpf_contention N (1..%d)", MAX_ROUNDS);
    }
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        errno = 0;
        die("needs two CPUs");
    }
    pin(0);
    if (pthread_create(&th, NULL, hog, NULL) || pthread_create(&tp, NULL, probe, NULL))
        die("pthread_create");
    await_count(&probe_waiting, 1);
    mark(START_MARK);
    fifo(5);
    for (int i = 0; i < rounds; i++)
        one_round(i);
    pthread_join(th, NULL);
    pthread_join(tp, NULL);
    mark(END_MARK);
    printf("{\"probe_tid\":%d,\"start_mark\":\"%s\",\"end_mark\":\"%s\",\"delays_ns\":[",
           atomic_load(&probe_tid), START_MARK, END_MARK);
    for (int i = 0; i < rounds; i++)
        printf("%s%llu", i ? "," : "", (unsigned long long)delays[i]);
    printf("],\"spread_ns\":[");
    for (int i = 0; i < rounds; i++)
        printf("%s%llu", i ? "," : "", (unsigned long long)spreads[i]);
    printf("],\"stall_ns\":[");
    for (int i = 0; i < rounds; i++)
        printf("%s%llu", i ? "," : "", (unsigned long long)stalls[i]);
    printf("]}\n");
    return 0;
}
