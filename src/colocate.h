/* colocate.h - keep the ptrace tracer on the CPU of the task it serves.
 *
 * A ptrace stop wakes the tracer, and the tracer's resume wakes the task.
 * When the two run on different CPUs each wake-up is an interprocessor
 * interrupt to a CPU that may be asleep: on a VM, most of what a stop
 * costs (about 30 us a stop that way here, against 4 us on one CPU).  The
 * scheduler puts a woken task on an idle CPU rather than on the busy one of
 * the thread that woke it, so the tracer and a task it serves drift apart
 * and stay apart.  Two things keep them together:
 *   - the tracer thread moves to the CPU of the task whose stop it had to
 *     wait for (its affinity, one CPU at a time; the tasks' own are never
 *     touched);
 *   - while it resumes a task it is SCHED_IDLE, so its CPU counts as idle
 *     and the task is woken there, and runs at once; the tracer continues
 *     when the task stops again, as it would after waking on that CPU.
 * A watchdog thread puts the tracer back to its policy and affinity when it
 * waited more than a few ms behind other work on its CPU (another task it
 * serves may be stopped on another CPU meanwhile), and the trick rests for
 * a while (longer each time it had to).  It needs the right to leave
 * SCHED_IDLE (CAP_SYS_NICE, or RLIMIT_NICE): without it, and on one CPU,
 * colocate_new returns NULL and nothing changes.
 */
#ifndef COMPENDIUM_COLOCATE_H
#define COMPENDIUM_COLOCATE_H
#include <stdbool.h>
#include <sys/types.h>

struct colocate;

/* Start, for the calling thread (the tracer); NULL when it cannot or need not. */
struct colocate *colocate_new(void);
/* Around each resume of a stopped task (both accept NULL). */
void colocate_lend(struct colocate *c);
void colocate_return(struct colocate *c);
/* The tracer took a stop of tid; waited: it had to wait for it (its first
 * look found nothing), so tid may be running elsewhere. */
void colocate_stopped(struct colocate *c, pid_t tid, bool waited);
/* Stop the watchdog and put the tracer's policy and affinity back. */
void colocate_free(struct colocate *c);
#endif
